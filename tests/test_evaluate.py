"""What `fashionrec evaluate`'s plots and calibration numbers show, on small arrays (no model needed)."""
import numpy as np

from fashionrec.calibration import ece_floor, lean_said, quality
from fashionrec.evaluate import confusion_figure


def _mistakes_on_a_small_folder():
    """Six classes, one product of a 21-product class mistaken: the few-class heat map a 300-product folder gives."""
    names = ["Casual Shoes", "Flats", "Formal Shoes", "Heels", "Sandals", "Sports Sandals"]
    y = np.array([0] * 21 + [1] * 2 + [2] * 6 + [3] * 11 + [4] * 6)
    pred = y.copy()
    pred[0], pred[21 + 2], pred[29], pred[40] = 2, 0, 2, 5
    return y, pred, names


def test_the_confusion_heat_maps_title_fits_inside_its_picture():
    # An ML engineer's trial (stop 73): with 6 classes the title ran off both sides ("ticleType confusion: ... (share
    # of each"), as the figure's width follows the number of classes and the title is one long line.
    y, pred, names = _mistakes_on_a_small_folder()
    fig = confusion_figure(y, pred, names)
    fig.canvas.draw()
    box, title = fig.bbox, fig.axes[0].title.get_window_extent(fig.canvas.get_renderer())
    assert title.x0 >= box.x0 and title.x1 <= box.x1, (title, box)


def test_the_confusion_heat_map_writes_a_one_product_mistake_in_its_cell():
    # One mistaken product of a class of 21 is a share of 0.048: it was left blank (cells under 0.05 had no number),
    # a pale cell beside the 0.86 that no one reads as one product.
    y, pred, names = _mistakes_on_a_small_folder()
    fig = confusion_figure(y, pred, names)
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    columns = [t.get_text() for t in ax.get_xticklabels()]
    written = {(rows[round(t.get_position()[1])], columns[round(t.get_position()[0])]): t.get_text() for t in ax.texts}
    assert written[("Casual Shoes (21)", "Formal Shoes")] == "0.05"     # 1 of 21
    assert ("Casual Shoes (21)", "Heels") not in written                # no product there: no number


def test_the_ece_of_a_calibrated_model_does_not_depend_on_the_rows_order():
    # `evaluate` of a shuffled copy of a folder printed "would read 0.0245" and "0.0239": each row's draw followed
    # its place in the folder.
    probs = np.random.default_rng(1).dirichlet(np.ones(12) * 0.3, size=300).astype(np.float32)
    shuffled = probs[np.random.default_rng(2).permutation(len(probs))]
    assert ece_floor(probs) == ece_floor(shuffled)


def test_a_model_of_five_types_or_fewer_prints_no_nan_for_top5():
    # A 5-type shop's run printed "val acc 1.0000 macro-F1 1.0000 top-5 nan" each epoch, and `evaluate` "top-5 nan"
    # (stop 73, an ML engineer's trial): top-5 is not computed where every type is in the top 5.
    from fashionrec.cli import _val_and_test
    from fashionrec.evaluate import head_metrics

    y = np.array([0, 1, 2, 3, 4, 0])
    probs = np.eye(5)[[0, 1, 2, 3, 4, 1]] * 0.9 + 0.02
    m = head_metrics(y, probs, [f"t{i}" for i in range(5)])
    line = _val_and_test(m, m)
    assert "nan" not in line and "top-5 n/a (5 types or fewer)" in line
    wide = head_metrics(np.arange(8), np.eye(8), [f"t{i}" for i in range(8)])
    assert "top-5 1.0000" in _val_and_test(wide, wide)


def test_a_model_cards_probe_line_says_no_top5_where_none_is_computed() -> None:
    # The miss of stop 73's top5_said: a 5-type model's ensemble card still wrote "top-5 nan" (its probe's line and
    # its validation line), as train and evaluate no longer print.
    from fashionrec.modelcard import _probe_lines

    meta = {"probe": {"heads": {"articleType": 0.5}, "command": "fashionrec probe RUN", "C": 1.0,
                      "train_products": 120, "blend_weights_tried": [0.0, 0.5], "seconds": 60.0,
                      "base": {"test": {"accuracy": 0.9, "macro_f1": 0.8}}}}
    said = " ".join(_probe_lines(meta))
    assert "nan" not in said and "top-5 n/a (5 types or fewer)" in said, said


def test_every_head_gets_a_per_class_report_as_scikit_learn_gives_it(fixture_dir, tmp_path):
    # An ML engineer's trial (stop 65, still so at stop 74): per-class numbers were articleType's alone; gender,
    # baseColour, usage and season had accuracy and macro averages, so a colour never read right hid in a mean.
    import json

    import pandas as pd
    from _recs_support import tiny_tagger_path
    from sklearn.metrics import classification_report

    from fashionrec.evaluate import evaluate_model

    m = evaluate_model(fixture_dir, tiny_tagger_path(), split="all", out_dir=tmp_path / "eval", progress=False)
    table = pd.read_csv(tmp_path / "eval" / "predictions.csv")
    table = table[table["not_scored"].isna()]
    report = (tmp_path / "eval" / "report.md").read_text()
    per_class = pd.read_csv(tmp_path / "eval" / "per_class.csv")
    for head, a in m["attributes"].items():
        if not a.get("n") or "read_from" in a:      # a level read from the type is scored as shown, not its column
            continue
        scored = table[table[head].notna()]
        truth = scored[head].astype(str)
        theirs = classification_report(truth, scored[f"predicted_{head}"].astype(str), output_dict=True,
                                       zero_division=0)
        ours = a["per_class"]
        assert set(ours) == set(theirs) - {"accuracy", "macro avg", "weighted avg"}, head
        for name, v in ours.items():
            assert v["support"] == theirs[name]["support"], (head, name)
            for key, their_key in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
                assert abs(v[key] - theirs[name][their_key]) < 1e-9, (head, name, key)
            assert "recall_interval_95" in v or not v["support"]
        assert f"## Per class of {head} (by support)" in report
        rows = per_class[per_class["head"] == head]
        assert sorted(rows["class"]) == sorted(ours) and rows["support"].sum() == a["n"]
        # A class never predicted has no precision there (report.md's "—"), not scikit-learn's 0.
        assert rows.loc[rows["predicted"] == 0, "precision"].isna().all()
        assert rows.loc[rows["predicted"] > 0, "precision"].notna().all()
    assert json.loads((tmp_path / "eval" / "metrics.json").read_text())["attributes"]["baseColour"]["per_class"]
    # Stop 77 (an ML engineer's trial): no number said what share a threshold auto-accepts and how often those are
    # right; checked against predictions.csv's own probabilities (rounded to 4 places: a row at a threshold skipped).
    labelled = table[table["articleType"].notna()]
    for row in m["auto_accept"]:
        p = labelled["predicted_articleType_prob"]
        if (abs(p - row["threshold"]) < 1e-4).any():
            continue
        taken = labelled[p >= row["threshold"]]
        assert row["accepted"] == len(taken) and abs(row["coverage"] - len(taken) / len(labelled)) < 1e-9
        assert row["errors"] == int((~taken["correct"].astype(bool)).sum())
    assert [r["threshold"] for r in m["auto_accept"]] == [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
    assert "## Auto-accept thresholds" in report and m["attributes"]["gender"]["auto_accept"]


def test_an_uncalibrated_models_lean_is_said_the_way_it_goes():
    # An ML engineer's trial (stop 75): a model right 0.905 of the time at a mean top probability of 0.45 was said to
    # read "surer than the model is"; an ECE of 0.46 leaning the other way.
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 400)
    shy = np.full((400, 10), 0.5 / 9)
    shy[np.arange(400), y] = 0.5                      # always right, at 0.5: less sure than right
    bold = np.full((400, 10), 0.01 / 9)
    bold[np.arange(400), (y + 1) % 10] = 0.99        # always wrong, at 0.99: surer than right
    assert lean_said(quality(shy, y)).startswith("they read less sure than it is right (mean top probability 0.500")
    assert lean_said(quality(bold, y)).startswith("they read surer than it is right")
    assert lean_said({"ece": 0.1, "median_top_prob": 0.5}) == ""        # a record made before stop 75


def test_report_and_tag_say_an_uncalibrated_models_lean_the_way_it_goes():
    # Stop 76 (h75ml's trial, stop 75): report.md's calibration table said "temperature fitted: no" without the lean
    # `evaluate` prints, and `tag` said "they read surer than the model is" of a model less sure than it is right.
    from fashionrec.calibration import MIN_FIT, uncalibrated_said
    from fashionrec.evaluate import calibration_rows

    y = np.arange(400) % 10
    shy = np.full((400, 10), 0.5 / 9)
    shy[np.arange(400), y] = 0.5                      # always right, at 0.5: less sure than right
    c = {**quality(shy, y), "ece_floor": 0.01}
    rows = calibration_rows({"articleType": {**c, "temperature_fitted": False},
                             "gender": {**c, "temperature_fitted": True}})
    assert rows[0].endswith("| no: they read less sure than it is right (mean top probability 0.500, right 1.000) |")
    assert rows[1].endswith("| yes |")
    # A head left at 1 for too few validation products, its lean measured on them; another never measured.
    few = {**quality(shy[:50], y[:50]), "n": 50}
    meta = {"name": "shop", "classes": {"articleType": [], "gender": [], "usage": []},
            "calibration": {"temperature": {"articleType": 1.0, "gender": 1.3},
                            "checks": {"articleType": {"val_before": few}, "gender": {"val_before": {"n": MIN_FIT}}}}}
    said = uncalibrated_said(meta)
    assert "articleType's read less sure than it is right (mean top probability 0.500, right 1.000) on its 50" in said
    assert "surer than the model is" not in said and "gender" not in said
    assert "which way those of usage lean" in said
    assert uncalibrated_said({"classes": {"articleType": []}, "calibration": {"temperature": {"articleType": 0.5},
                             "checks": {"articleType": {"val_before": {"n": MIN_FIT}}}}}) == ""


def test_the_auto_accept_table_gives_each_thresholds_coverage_and_precision():
    # Stop 77 (an ML engineer's trial): choosing `tag --review-below` needed, per threshold, the share auto-accepted
    # and how often those are right; a label the model lacks (its index past the columns) counts wrong once accepted.
    from fashionrec.auto_accept import auto_accept_line, auto_accept_rows, auto_accept_table

    probs = np.array([[0.97, 0.03], [0.92, 0.08], [0.85, 0.15], [0.3, 0.7], [0.55, 0.45], [0.99, 0.01], [0.6, 0.4]])
    y = np.array([0, 1, 0, 1, 1, 2, -1])       # row 5: a label outside the model's classes; row 6: no label
    rows = {r["threshold"]: r for r in auto_accept_table(probs, y, thresholds=(0.5, 0.9, 0.98, 1.0))}
    assert rows[0.5]["accepted"] == 6 and rows[0.5]["coverage"] == 1.0 and rows[0.5]["errors"] == 3
    assert rows[0.9]["accepted"] == 3 and rows[0.9]["precision"] == 1 / 3 and rows[0.9]["errors"] == 2
    assert rows[0.98]["accepted"] == 1 and rows[0.98]["precision"] == 0.0
    lo, hi = rows[0.9]["precision_interval_95"]
    assert lo < 1 / 3 < hi
    assert rows[1.0]["precision"] is None and rows[1.0]["coverage"] == 0.0
    assert "0.9: 50.0% of products, 33.3% right (2 wrong)" in auto_accept_line(list(rows.values()))
    assert auto_accept_rows(list(rows.values()))[-1] == "| 1 | 0 | 0.0000 | — | — | 0 |"
