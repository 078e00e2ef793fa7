"""`fashionrec compare-models`: two evaluations side by side, their paired tests, and what it refuses; on
evaluation records made from small arrays (no model). test_tagger.py's evaluate test compares a real report folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
from sklearn.metrics import f1_score
from typer.testing import CliRunner

from fashionrec.cli import app
from fashionrec.errors import BadInputError
from fashionrec.evaluate import evaluate_predictions
from fashionrec.model_comparison import compare_models, product_ids_sha256

TYPES = [f"type{i}" for i in range(8)]
GENDERS = ["Men", "Women", "Unisex"]
N = 240


def _truth(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"articleType": rng.integers(0, len(TYPES), N), "gender": rng.integers(0, len(GENDERS), N)}


def _record(folder: Path, truth: dict[str, np.ndarray], right_share: float, seed: int,
            classes: dict[str, list[str]] | None = None, ids: np.ndarray | None = None) -> Path:
    """An `evaluate --out` folder (metrics.json, predictions.csv) of a model right on about ``right_share`` of the
    products, as evaluate_model writes them (the keys compare-models reads)."""
    classes = classes or {"articleType": TYPES, "gender": GENDERS}
    ids = np.arange(1000, 1000 + N) if ids is None else ids
    rng = np.random.default_rng(seed)
    probs, table = {}, {"id": ids}
    for head, y in truth.items():
        k = len(classes[head])
        pred = np.where(rng.random(N) < right_share, y, rng.integers(0, k, N))
        p = np.full((N, k), 0.1 / k)
        p[np.arange(N), pred] += 0.9
        probs[head] = p
        table[head] = np.array(classes[head])[y]
        table[f"predicted_{head}"] = np.array(classes[head])[pred]
    metrics = evaluate_predictions(truth, probs, classes, spread=True)
    metrics.update({"head": "articleType", "model": f"model{seed}", "model_sha256": f"{seed:064d}", "data": "/shop",
                    "table": "styles.csv", "split": "all", "n_products": N, "classes": classes,
                    "product_ids_sha256": product_ids_sha256(ids)})
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text(json.dumps(metrics))
    pd.DataFrame(table).assign(not_scored="").to_csv(folder / "predictions.csv", index=False)
    return folder


def test_two_evaluations_are_set_side_by_side_with_paired_tests(tmp_path):
    # Stop 75 (an ML engineer's trial): no command compared two models; two `evaluate --json` files were read by eye.
    truth = _truth()
    a = _record(tmp_path / "a", truth, 0.6, seed=1)
    b = _record(tmp_path / "b", truth, 0.95, seed=2)
    result = compare_models(a, b, out_dir=tmp_path / "cmp")
    ma, mb = (json.loads((f / "metrics.json").read_text()) for f in (a, b))
    row = result["heads"]["articleType"]
    assert row["metrics"]["accuracy"]["difference"] == pytest.approx(mb["accuracy"] - ma["accuracy"])
    assert row["metrics"]["macro_f1"]["a_interval_95"] == ma["macro_f1_interval_95"]
    assert set(row["metrics"]) == {"accuracy", "top5_accuracy", "macro_precision", "macro_recall", "macro_f1"}
    # McNemar's exact test on the products one reads right and the other wrong, counted here by hand.
    pa, pb = (pd.read_csv(f / "predictions.csv") for f in (a, b))
    right_a, right_b = ((t["articleType"] == t["predicted_articleType"]) for t in (pa, pb))
    a_only, b_only = int((right_a & ~right_b).sum()), int((right_b & ~right_a).sum())
    assert row["top1_paired"] == {"a_only_right": a_only, "b_only_right": b_only,
                                  "p_value": pytest.approx(binomtest(a_only, a_only + b_only, 0.5).pvalue)}
    assert row["top1_paired"]["p_value"] < 1e-6
    # The paired bootstrap's interval of B - A holds the difference, and a 0.6 against 0.95 model is told apart.
    f1 = {h: f1_score(t["articleType"], t["predicted_articleType"], average="macro") for h, t in (("a", pa), ("b", pb))}
    lo, hi = row["metrics"]["macro_f1"]["difference_interval_95"]
    assert lo <= f1["b"] - f1["a"] <= hi and lo > 0
    # A model compared with itself: no difference, p = 1.
    itself = compare_models(a, a)["heads"]["gender"]
    assert itself["top1_paired"]["p_value"] == 1.0 and itself["metrics"]["macro_f1"]["difference_interval_95"] == [0, 0]
    # The report: written whole, saying what was compared, on what and how.
    written = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    assert written["a"]["model"] == "model1" and written["b"]["model_sha256"] == mb["model_sha256"]
    assert written["method"]["difference"] == "B - A" and written["created"] and written["paired"]
    md = (tmp_path / "cmp" / "comparison.md").read_text()
    assert "### articleType (n=240)" in md and "### gender" in md and "McNemar p=" in md
    # The command prints each head's table and writes its JSON.
    res = CliRunner().invoke(app, ["compare-models", str(a), str(b), "--json", str(tmp_path / "c.json")])
    assert res.exit_code == 0, res.output
    assert "| top-1 |" in res.output and "B higher" in res.output
    assert json.loads((tmp_path / "c.json").read_text())["heads"]["gender"]["n"] == N


def test_evaluations_of_other_products_or_classes_are_refused(tmp_path):
    truth = _truth()
    a = _record(tmp_path / "a", truth, 0.8, seed=1)
    other = _record(tmp_path / "other", truth, 0.8, seed=2, ids=np.arange(2000, 2000 + N))
    with pytest.raises(BadInputError, match=f"different products: {N} only in A .*1000, 1001"):
        compare_models(a, other)
    relabelled = _record(tmp_path / "relabelled", _truth(seed=5), 0.8, seed=2)
    with pytest.raises(BadInputError, match="different articleType labels of the same products"):
        compare_models(a, relabelled)
    renamed = _record(tmp_path / "renamed", truth, 0.8, seed=2,
                      classes={"articleType": [*TYPES[:-1], "Kimono"], "gender": GENDERS})
    with pytest.raises(BadInputError, match=r"different articleType labels .*articleType classes differ: 1 only A's "
                                            r"\(type7\), 1 only B's \(Kimono\)"):
        compare_models(a, renamed)
    # --json files alone: their product ids' hash; no paired test, and said.
    for folder in (a, other):
        (tmp_path / f"{folder.name}.json").write_text((folder / "metrics.json").read_text())
    with pytest.raises(BadInputError, match="product_ids_sha256 differ"):
        compare_models(tmp_path / "a.json", tmp_path / "other.json")
    alone = compare_models(tmp_path / "a.json", a)
    assert not alone["paired"] and "no paired test: A" in alone["notes"][0]
    # A model given where an evaluation is wanted: what to run instead.
    model = tmp_path / "run" / "weights"
    model.mkdir(parents=True)
    (model / "best.safetensors").write_bytes(b"")
    res = CliRunner().invoke(app, ["compare-models", str(tmp_path / "run"), str(a)])
    assert res.exit_code == 2 and "is a model, not an evaluation: give --data" in " ".join(res.output.split())


def test_with_data_both_models_are_evaluated_there_first(tmp_path, monkeypatch):
    # The two evaluations stand in for evaluate_model's (each a minute on 2 cores for a real model): what is checked
    # is that each model, the shipped one by name, is evaluated on the folder into --out/a and /b, then compared.
    import fashionrec.evaluate

    truth, asked = _truth(), []

    def evaluated(data_dir, model, split, out_dir, device, progress):
        asked.append((str(data_dir), model, split))
        _record(Path(out_dir), truth, 0.9 if model is None else 0.5, seed=len(asked))

    monkeypatch.setattr(fashionrec.evaluate, "evaluate_model", evaluated)
    (tmp_path / "run").mkdir()      # (a model not there is refused before any evaluation: the test below)
    res = CliRunner().invoke(app, ["compare-models", "shipped", str(tmp_path / "run"), "--data", str(tmp_path / "shop"),
                                   "--split", "test", "--out", str(tmp_path / "cmp")])
    assert res.exit_code == 0, res.output
    assert asked == [(str(tmp_path / "shop"), None, "test"), (str(tmp_path / "shop"), tmp_path / "run", "test")]
    written = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    assert written["a"]["source"] == str(tmp_path / "cmp" / "a") and written["paired"]
    assert written["heads"]["articleType"]["metrics"]["accuracy"]["difference"] < 0
    assert (tmp_path / "cmp" / "b" / "predictions.csv").is_file()


def test_with_data_a_model_not_there_is_refused_before_either_is_evaluated(tmp_path, monkeypatch):
    # A mistyped B was said only after A's evaluation, a minute or more (a review, stop 77).
    import fashionrec.evaluate

    asked = []
    monkeypatch.setattr(fashionrec.evaluate, "evaluate_model", lambda data_dir, model, **kw: asked.append(model))
    res = CliRunner().invoke(app, ["compare-models", "shipped", str(tmp_path / "runz"), "--data", str(tmp_path)])
    assert res.exit_code != 0 and asked == []
    assert f"B ({tmp_path / 'runz'}) not found" in res.output and "nothing was evaluated" in res.output


def test_a_model_of_fewer_classes_is_compared_on_the_same_labels_and_said_so(tmp_path):
    # Stop 77 (an ML engineer's trial): a shop's model fine-tuned from the shipped one has the shop's types (64 of the
    # shipped model's 141), and `compare-models` refused it, the README's own `compare-models shipped runs/train/shop`.
    truth = _truth()
    a = _record(tmp_path / "a", truth, 0.8, seed=1)
    b = _record(tmp_path / "b", truth, 0.8, seed=2, classes={"articleType": TYPES, "gender": GENDERS})
    metrics = json.loads((b / "metrics.json").read_text())
    metrics["classes"]["articleType"] = TYPES[:6]            # knows 6 of the 8 types the products are labelled with
    (b / "metrics.json").write_text(json.dumps(metrics))
    row = compare_models(a, b)
    said = " ".join(row["notes"])
    assert "articleType classes differ: 2 only A's (type6, type7), 0 only B's" in said
    assert row["heads"]["articleType"]["top1_paired"]["a_only_right"] + row["heads"]["articleType"]["top1_paired"][
        "b_only_right"] > 0


def test_a_damaged_record_is_refused_naming_the_file_and_what_is_wrong(tmp_path):
    # A record whose head was nulled by hand ended in an AttributeError, a null accuracy in a TypeError (stop 77).
    truth = _truth()
    a = _record(tmp_path / "a", truth, 0.8, seed=1)
    said = {}
    for name, damage in (("head", lambda m: m["attributes"].__setitem__("gender", None)),
                         ("number", lambda m: m["attributes"]["gender"].__setitem__("accuracy", None))):
        b = _record(tmp_path / name, truth, 0.8, seed=2)
        metrics = json.loads((b / "metrics.json").read_text())
        damage(metrics)
        (b / "metrics.json").write_text(json.dumps(metrics))
        res = CliRunner().invoke(app, ["compare-models", str(b), str(a)])
        assert res.exit_code == 2, res.exception
        said[name] = " ".join(res.output.split())
    assert f"{tmp_path / 'head' / 'metrics.json'} is damaged: its attributes' gender is null" in said["head"]
    assert "gender's accuracy is null, not a number; run `fashionrec evaluate` again" in said["number"]
