"""Ensembles: the combined network, its checkpoint, `fashionrec ensemble`, and what it refuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from fashionrec import onnx_infer
from fashionrec.artifacts import source_revision
from fashionrec.cli import app
from fashionrec.ensemble import combine, weight_grid
from fashionrec.errors import FashionrecError, ModelError
from fashionrec.evaluate import evaluate_model, span
from fashionrec.modelcard import stage_summary
from fashionrec.models import EnsembleNet, create_model
from fashionrec.tagger import Tagger, load_checkpoint, run_inference, save_checkpoint
from fashionrec.train import make_config, train

FIXTURE = Path(__file__).parent / "fixtures" / "catalog"
HEADS = {"articleType": 7, "gender": 3}


def _members() -> list:
    torch.manual_seed(0)
    # Different input sizes and normalisations (80x60 catalogue stats vs 128x96 ImageNet), as shipped.
    return [create_model("fashion-cnn", HEADS).eval(), create_model("efficientnet-lite0", HEADS).eval()]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("members")
    runs = []
    for name, model in (("a", "fashion-cnn"), ("b", "seed-cnn")):
        train(FIXTURE, make_config("tiny", model=model, epochs=1), root / name, progress=False)
        runs.append(root / name)
    return runs


@pytest.fixture(scope="module")
def ensemble_run(two_runs, tmp_path_factory) -> Path:
    """``two_runs`` combined on a grid of step 0.5, made once: a test that goes on from an ensemble run takes a copy
    (``_ensemble``), as each made its own before (a third of this file's time went to those alike ensembles)."""
    out = tmp_path_factory.mktemp("ensemble") / "ens"
    combine(two_runs, FIXTURE, out, step=0.5, progress=False)
    return out


def _ensemble(ensemble_run: Path, tmp_path: Path) -> Path:
    """A copy of ``ensemble_run`` at ``tmp_path / "ens"`` that a test may change."""
    return shutil.copytree(ensemble_run, tmp_path / "ens")


def test_an_all_weight_member_gives_exactly_that_members_predictions():
    members = _members()
    x = torch.randint(0, 256, (5, 3, 80, 60), dtype=torch.uint8)
    for i in range(2):
        ens = EnsembleNet(members, [1.0 if j == i else 0.0 for j in range(2)]).eval()
        _, got = run_inference(ens, x)
        _, want = run_inference(members[i], x)
        for h in HEADS:
            np.testing.assert_allclose(got[h], want[h], rtol=1e-4, atol=1e-6)


def test_probabilities_are_the_weighted_geometric_mean_and_the_embedding_weighs_each_member():
    members = _members()
    x = torch.randint(0, 256, (4, 3, 80, 60), dtype=torch.uint8)
    ens = EnsembleNet(members, [3.0, 1.0]).eval()
    assert ens.weights == [0.75, 0.25]
    emb, got = run_inference(ens, x)
    (fa, pa), (fb, pb) = run_inference(members[0], x), run_inference(members[1], x)
    mean = np.exp(0.75 * np.log(pa["articleType"]) + 0.25 * np.log(pb["articleType"]))
    np.testing.assert_allclose(got["articleType"], mean / mean.sum(1, keepdims=True), rtol=1e-4, atol=1e-6)
    a, b = emb[:, :members[0].feature_dim], emb[:, members[0].feature_dim:]
    np.testing.assert_allclose((a ** 2).sum(1), 0.75, rtol=1e-5)
    np.testing.assert_allclose((b ** 2).sum(1), 0.25, rtol=1e-5)
    unit = lambda v: v / np.linalg.norm(v, axis=1, keepdims=True)  # noqa: E731
    np.testing.assert_allclose(emb @ emb.T, 0.75 * unit(fa) @ unit(fa).T + 0.25 * unit(fb) @ unit(fb).T,
                               atol=1e-5)


@pytest.mark.parametrize("dtype", [None, torch.float16])
def test_an_ensemble_checkpoint_loads_back_to_the_same_outputs(tmp_path, dtype):
    ens = EnsembleNet(_members(), [0.6, 0.4]).eval()
    classes = {h: [f"{h}{i}" for i in range(n)] for h, n in HEADS.items()}
    path = save_checkpoint(ens, classes, {"name": "pair"}, tmp_path / "pair", dtype=dtype)
    again, meta = load_checkpoint(path)
    assert isinstance(again, EnsembleNet) and again.weights == pytest.approx([0.6, 0.4])
    assert [m["model"] for m in meta["members"]] == ["fashion-cnn", "efficientnet-lite0"]
    assert meta["members"][1]["preprocessing"]["height"] == 128
    x = torch.randint(0, 256, (3, 3, 80, 60), dtype=torch.uint8)
    f1, p1 = run_inference(ens, x)
    f2, p2 = run_inference(again, x)
    if dtype is None:
        np.testing.assert_allclose(f1, f2, atol=1e-6)
        np.testing.assert_allclose(p1["articleType"], p2["articleType"], atol=1e-6)
    else:       # float16 storage rounds every weight: the same model, to within that rounding
        cos = (f1 * f2).sum(1) / np.linalg.norm(f1, axis=1) / np.linalg.norm(f2, axis=1)
        assert cos.min() > 0.9999
        np.testing.assert_allclose(np.log(p1["articleType"]), np.log(p2["articleType"]), atol=5e-3)
    if dtype is not None:
        full = save_checkpoint(ens, classes, {"name": "pair"}, tmp_path / "full")
        assert path.stat().st_size < 0.6 * full.stat().st_size


def test_each_head_can_have_its_own_weights():
    members = _members()
    x = torch.randint(0, 256, (4, 3, 80, 60), dtype=torch.uint8)
    ens = EnsembleNet(members, {"articleType": [1.0, 0.0], "gender": [0.0, 2.0]}).eval()
    emb, got = run_inference(ens, x)
    np.testing.assert_allclose(got["articleType"], run_inference(members[0], x)[1]["articleType"], atol=1e-6)
    np.testing.assert_allclose(got["gender"], run_inference(members[1], x)[1]["gender"], atol=1e-6)
    # The embedding follows articleType's weights: here all the first member's.
    assert np.abs(emb[:, members[0].feature_dim:]).max() == 0
    with pytest.raises(ModelError, match="heads"):
        EnsembleNet(members, {"articleType": [1.0, 0.0]})


def test_members_must_predict_the_same_classes_and_weights_must_make_sense():
    a = create_model("fashion-cnn", HEADS)
    with pytest.raises(ModelError, match="same classes"):
        EnsembleNet([a, create_model("fashion-cnn", {"articleType": 8, "gender": 3})], [1, 1])
    with pytest.raises(ModelError, match="one weight per model"):
        EnsembleNet([a, create_model("seed-cnn", HEADS)], [1.0])
    with pytest.raises(ModelError, match=">= 0"):
        EnsembleNet([a, create_model("seed-cnn", HEADS)], [1.0, -0.5])
    with pytest.raises(ModelError, match="at least two"):
        EnsembleNet([a], [1.0])


def test_the_weight_grid_covers_the_simplex():
    grid = weight_grid(3, 0.25)
    assert all(abs(sum(w) - 1) < 1e-9 and min(w) >= 0 for w in grid)
    assert len(grid) == len(set(grid)) == 15 and (0.5, 0.25, 0.25) in grid and (1.0, 0.0, 0.0) in grid
    assert len(weight_grid(2, 0.05)) == 21
    for bad in (0.3, 0.0, -0.5, 1.0, 2.0):
        with pytest.raises(FashionrecError, match="step"):
            weight_grid(2, bad)


def test_ensemble_command_writes_a_run_that_evaluate_and_export_take(two_runs, tmp_path):
    out = tmp_path / "ens"
    res = CliRunner().invoke(app, ["ensemble", *map(str, two_runs), "--data", str(FIXTURE), "--step", "0.25",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    meta = json.loads((out / "weights" / "best.json").read_text())
    grid = pd.read_csv(out / "results.csv")
    assert len(grid) == 5 and {"w1", "w2", "articleType_macro_f1", "gender_accuracy"} <= set(grid.columns)
    # Each head keeps the grid row with its best validation macro-F1 (ties: top-1).
    for h in meta["classes"]:
        best = grid.sort_values([f"{h}_macro_f1", f"{h}_accuracy"], ascending=False).iloc[0]
        assert meta["weights"][h] == pytest.approx([best["w1"], best["w2"]]), h
    best = grid.sort_values(["articleType_macro_f1", "articleType_accuracy"], ascending=False).iloc[0]
    assert meta["val"]["macro_f1"] == pytest.approx(best["articleType_macro_f1"])
    assert meta["val"]["attributes"]["gender"]["macro_f1"] == pytest.approx(grid["gender_macro_f1"].max())
    assert [m["model"] for m in meta["member_checkpoints"]] == ["fashion-cnn", "seed-cnn"]
    assert set(meta["calibration"]["temperature"]) == set(meta["classes"])       # its own, fitted on val
    assert len(meta["split"]["test_ids_sha256"]) == 64
    assert (out / "test" / "report.md").exists() and (out / "split.csv").exists()
    assert "fashionrec_revision" in meta and meta["fashionrec_revision"] == source_revision()   # which code made it
    # The checkpoint's test numbers are what `fashionrec evaluate --split test` measures on the file.
    again = evaluate_model(FIXTURE, out, split="test", progress=False)
    assert again["n"] == meta["test"]["n"]
    assert again["accuracy"] == pytest.approx(meta["test"]["accuracy"])
    assert again["macro_f1"] == pytest.approx(meta["test"]["macro_f1"])
    # The members' levels are kept, and the group and category are recorded as they are shown and scored.
    first = json.loads((Path(two_runs[0]) / "weights" / "best.json").read_text())
    assert meta["levels"] == first["levels"] and set(meta["levels"]) == {"subCategory", "masterCategory"}
    for level in meta["levels"]:
        assert meta["test"]["attributes"][level]["accuracy"] == pytest.approx(again["attributes"][level]["accuracy"])
        assert meta["test"]["attributes"][level]["read_from"] == "articleType"
    dest = tmp_path / "shipped" / "tagger.safetensors"
    dest.parent.mkdir()
    res = CliRunner().invoke(app, ["export", str(out), "--dest", str(dest)])
    assert res.exit_code == 0, res.output
    card = (dest.parent / "MODEL_CARD.md").read_text()
    assert "ensemble" in card and "seed-cnn" in card and "fashion-cnn" in card
    assert "minutes to best (whole run)" in card
    assert "| subCategory (read from articleType) |" in card and "its head alone" in card
    tagger = Tagger.load(dest)
    assert tagger.dim == sum(m["feature_dim"] for m in meta["members"])
    vecs = tagger.embed([Image.new("RGB", (60, 80), "red")])
    assert vecs.shape == (1, tagger.dim) and np.isclose(np.linalg.norm(vecs), 1.0)


def test_given_weights_are_used_as_given(two_runs, tmp_path):
    res = combine(two_runs, FIXTURE, tmp_path / "given", weights=[0.2, 0.8], progress=False)
    assert all(w == pytest.approx([0.2, 0.8]) for w in res.weights.values())
    assert len(pd.read_csv(tmp_path / "given" / "results.csv")) == 1


def test_members_from_before_levels_get_them_read_from_the_split(two_runs, tmp_path):
    # The shipped model's members predate the levels: an ensemble of them showed each head's own output.
    import shutil

    bare = []
    for run in two_runs:
        shutil.copytree(run, tmp_path / run.name)
        meta_path = tmp_path / run.name / "weights" / "best.json"
        meta = json.loads(meta_path.read_text())
        levels = meta.pop("levels")
        meta_path.write_text(json.dumps(meta))
        bare.append(tmp_path / run.name)
    combine(bare, FIXTURE, tmp_path / "ens", weights=[0.5, 0.5], progress=False)
    meta = json.loads((tmp_path / "ens" / "weights" / "best.json").read_text())
    assert meta["levels"] == levels and set(levels) == {"subCategory", "masterCategory"}
    assert meta["val"]["attributes"]["subCategory"]["read_from"] == "articleType"


def test_half_stores_float16_and_records_the_metrics_of_the_stored_weights(two_runs, tmp_path):
    from safetensors.torch import load_file

    res = combine(two_runs, FIXTURE, tmp_path / "half", step=0.5, half=True, progress=False)
    path = tmp_path / "half" / "weights" / "best.safetensors"
    dtypes = {t.dtype for t in load_file(str(path)).values()}
    assert torch.float16 in dtypes and torch.float32 not in dtypes
    again = evaluate_model(FIXTURE, tmp_path / "half", split="test", progress=False)
    assert again["accuracy"] == pytest.approx(res.test_metrics["accuracy"], abs=1e-9)
    assert again["macro_f1"] == pytest.approx(res.test_metrics["macro_f1"], abs=1e-9)


def test_export_clears_the_previous_models_files_only_in_an_export_folder(ensemble_run, tmp_path):
    _ensemble(ensemble_run, tmp_path)
    for folder, had_model in ((tmp_path / "shipped", True), (tmp_path / "mine", False)):
        folder.mkdir()
        (folder / "curves.png").write_bytes(b"the previous model's curves")
        if had_model:
            (folder / "MODEL_CARD.md").write_text("# Model card: the previous model\n")
        res = CliRunner().invoke(app, ["export", str(tmp_path / "ens"), "--dest", str(folder / "tagger.safetensors")])
        if had_model:
            # An ensemble run has no training curves: a previous export's must go.
            assert res.exit_code == 0, res.output
            assert not (folder / "curves.png").exists()
        else:
            # A folder with files of its own that an export writes is refused (another run's results.csv and test
            # report were replaced, a trial), its file untouched.
            assert res.exit_code == 2 and "holds curves.png of its own" in res.output
            assert (folder / "curves.png").read_bytes() == b"the previous model's curves"
    # A folder, or a file that is no checkpoint, for --dest: said (one wrote adir.safetensors beside the folder).
    for dest in (tmp_path / "mine", tmp_path / "mine" / "styles.csv"):
        res = CliRunner().invoke(app, ["export", str(tmp_path / "ens"), "--dest", str(dest)])
        assert res.exit_code == 2 and "ending in .safetensors" in res.output


def test_members_from_different_splits_are_refused(two_runs, tmp_path):
    other = tmp_path / "other"
    train(FIXTURE, make_config("tiny", epochs=1, split_seed=7), other, progress=False)
    with pytest.raises(FashionrecError, match="another split"):
        combine([two_runs[0], other], FIXTURE, tmp_path / "bad", progress=False)
    with pytest.raises(FashionrecError, match="at least two"):
        combine([two_runs[0]], FIXTURE, tmp_path / "bad", progress=False)
    with pytest.raises(FashionrecError, match="one weight per model"):
        combine(two_runs, FIXTURE, tmp_path / "bad", weights=[1.0], progress=False)
    with pytest.raises(FashionrecError, match="member .*missing.*not found"):
        combine([two_runs[0], tmp_path / "missing"], FIXTURE, tmp_path / "bad", progress=False)
    with pytest.raises(FashionrecError, match=r"weights \(--weight\).*>= 0"):
        combine(two_runs, FIXTURE, tmp_path / "bad", weights=[1.0, -1.0], progress=False)
    # Another catalogue: the refusal names the members' own and --data, not evaluate's --split (the shared
    # catalogue, the default data_dir, was refused with "or split all (--split all)", which ensemble lacks).
    shop = tmp_path / "shop"
    shutil.copytree(FIXTURE, shop)
    lines = (shop / "styles.csv").read_text().splitlines(keepends=True)
    (shop / "styles.csv").write_text("".join(lines[:1] + lines[2:]))
    with pytest.raises(FashionrecError) as refused:
        combine(two_runs, shop, tmp_path / "bad", progress=False)
    said = str(refused.value)
    assert f"({FIXTURE.resolve()}, as the model records it)" in said and "(data_dir, --data)" in said
    assert "--split" not in said


def test_an_ensemble_is_never_written_over_a_member_or_a_folder_that_is_no_run(two_runs, tmp_path):
    # A code review's trial: --out a member's run folder wrote the ensemble over its checkpoint, file by file.
    member = json.loads((Path(two_runs[0]) / "weights" / "best.json").read_text())
    with pytest.raises(FashionrecError, match="holds the member"):
        combine(two_runs, FIXTURE, two_runs[0], step=0.5, progress=False)
    assert json.loads((Path(two_runs[0]) / "weights" / "best.json").read_text()) == member
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("mine")
    with pytest.raises(FashionrecError, match="not a run folder"):
        combine(two_runs, FIXTURE, notes, step=0.5, progress=False)
    assert [p.name for p in notes.iterdir()] == ["todo.txt"]


def test_an_ensemble_is_not_a_member(two_runs, ensemble_run, tmp_path):
    _ensemble(ensemble_run, tmp_path)
    with pytest.raises(FashionrecError, match="itself an ensemble"):
        combine([tmp_path / "ens", two_runs[0]], FIXTURE, tmp_path / "nested", progress=False)


def test_a_clock_budgeted_member_shows_the_epochs_it_ran_and_its_whole_run():
    # A GPU run with an epoch cap of 40 that the clock ended after 30 epochs, best at 25 after 6 of 7 minutes.
    meta = {"name": "gpu", "epoch": 25, "epochs_run": 30, "train_seconds": 360.0, "run_seconds": 420.0,
            "config": {"epochs": 40, "lr": 1e-3}, "hardware": "NVIDIA H200", "val": {"accuracy": 0.9}}
    stage = stage_summary(meta)
    assert (stage["epochs"], stage["best_epoch"], stage["train_minutes"], stage["run_minutes"]) == (30, 25, 6.0, 7.0)
    older = stage_summary({k: v for k, v in meta.items() if k not in ("epochs_run", "run_seconds")})
    assert (older["epochs"], older["run_minutes"]) == (40, 6.0)     # runs from before: the cap, time to best


def test_a_probe_blends_a_linear_head_over_the_embedding_and_survives_a_checkpoint(tmp_path):
    members = _members()
    x = torch.randint(0, 256, (4, 3, 80, 60), dtype=torch.uint8)
    plain = EnsembleNet(members, [0.6, 0.4]).eval()
    probed = EnsembleNet(members, [0.6, 0.4], probe={"articleType": 0.3}).eval()
    torch.nn.init.normal_(probed.probe["articleType"].weight)
    emb, got = run_inference(probed, x)
    emb0, want = run_inference(plain, x)
    np.testing.assert_allclose(emb, emb0, atol=1e-6)                    # the embedding is the members' alone
    np.testing.assert_allclose(got["gender"], want["gender"], atol=1e-6)  # and so is every other head
    with torch.no_grad():
        lin = torch.log_softmax(probed.probe["articleType"](torch.as_tensor(emb0)), dim=1).numpy()
    mix = np.exp(0.7 * np.log(want["articleType"]) + 0.3 * lin)
    np.testing.assert_allclose(got["articleType"], mix / mix.sum(1, keepdims=True), rtol=1e-4, atol=1e-6)
    classes = {h: [f"{h}{i}" for i in range(n)] for h, n in HEADS.items()}
    path = save_checkpoint(probed, classes, {"name": "probed"}, tmp_path / "probed")
    again, meta = load_checkpoint(path)
    assert meta["probe_weights"] == {"articleType": 0.3} and again.probe_weights == {"articleType": 0.3}
    np.testing.assert_allclose(run_inference(again, x)[1]["articleType"], got["articleType"], atol=1e-6)
    for bad in ({"articleType": 1.0}, {"articleType": 0.0}, {"colour": 0.2}):
        with pytest.raises(ModelError, match="probe weight"):
            EnsembleNet(members, [0.6, 0.4], probe=bad)


def test_the_linear_head_is_scikit_learns_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    from fashionrec.probe import fit_linear_head

    rng = np.random.default_rng(0)
    y = rng.choice([0, 2, 4], 120)                  # classes 1, 3 and 5: no training product has them
    x = (rng.normal(size=(120, 8)) + np.eye(8)[y] * 2).astype(np.float32)
    y[:5] = -1                                      # missing labels are left out
    head = fit_linear_head(x, y, n_classes=6, c=3.0)
    clf = LogisticRegression(C=3.0, max_iter=500, class_weight="balanced").fit(x[5:], y[5:])
    with torch.no_grad():
        logp = torch.log_softmax(head(torch.as_tensor(x)), dim=1).numpy()
    np.testing.assert_allclose(logp[:, [0, 2, 4]], clf.predict_log_proba(x), atol=1e-4)
    assert logp[:, [1, 3, 5]].max() < -20           # never predicted
    pair = np.isin(y, [2, 4])                       # scikit-learn's one-row binary case
    two = fit_linear_head(x[pair], y[pair], n_classes=6, c=3.0)
    clf2 = LogisticRegression(C=3.0, max_iter=500, class_weight="balanced").fit(x[pair], y[pair])
    with torch.no_grad():
        logp2 = torch.log_softmax(two(torch.as_tensor(x)), dim=1).numpy()
    np.testing.assert_allclose(np.exp(logp2[:, [2, 4]]), clf2.predict_proba(x), atol=1e-5)


def _says_its_intervals(run: Path) -> None:
    """A run's test report (metrics.json, report.md), its checkpoint's ``test`` and its model card give every head's
    95% intervals."""
    from fashionrec.modelcard import model_card

    test_dir = run / "test"
    m = json.loads((test_dir / "metrics.json").read_text())
    report = (test_dir / "report.md").read_text()
    assert m["intervals"]["level"] == 0.95, test_dir
    assert "95% interval (n=" in report and "| class | support | precision | 95% | recall | 95% | F1 | 95% |" in report
    for head, a in [("articleType", m), *m["attributes"].items()]:
        for key in ("accuracy", "macro_f1"):
            if key == "macro_f1" and a["accuracy"] == 1:    # every product right: no interval (stop 65)
                assert f"{key}_interval_95" not in a, (test_dir, head)
                continue
            lo, hi = a[f"{key}_interval_95"]
            assert 0 <= lo <= hi <= 1, (test_dir, head, key)
        if head != "articleType":
            lo, hi = a["accuracy_interval_95"]
            assert f"| {a['accuracy']:.4f} | {lo:.3f}-{hi:.3f} | {a['macro_f1']:.4f} |" in report, (test_dir, head)
    # The checkpoint's test and so the model card kept the numbers without their intervals (a stop 62 check).
    kept = json.loads((run / "weights" / "best.json").read_text())["test"]
    card = model_card(run)
    for key in ("accuracy", "top5_accuracy", "macro_f1"):
        assert kept[f"{key}_interval_95"] == m[f"{key}_interval_95"], (run, key)
        assert f" | {m[key]:.4f} | {span(m[f'{key}_interval_95'])} |" in card, (run, key)
    assert kept["intervals"] == m["intervals"]
    for head, a in m["attributes"].items():
        assert {k: kept["attributes"][head].get(k) for k in ("accuracy_interval_95", "macro_f1_interval_95")} == \
            {k: a.get(k) for k in ("accuracy_interval_95", "macro_f1_interval_95")}, (run, head)
        f1 = span(a["macro_f1_interval_95"]) if "macro_f1_interval_95" in a else "—"     # none: every product right
        assert f" | {a['accuracy']:.4f} | {span(a['accuracy_interval_95'])} | {a['macro_f1']:.4f} | {f1} |" in card, \
            (run, head)


def test_probe_command_writes_a_run_that_evaluate_and_export_take(two_runs, ensemble_run, tmp_path, monkeypatch):
    ens = _ensemble(ensemble_run, tmp_path)
    base_json = ens / "weights" / "best.json"      # made by an earlier version: the probe names its own
    base_json.write_text(json.dumps({**json.loads(base_json.read_text()), "fashionrec_revision": "0000000"}))
    out = tmp_path / "probe"
    res = CliRunner().invoke(app, ["probe", str(ens), "--data", str(FIXTURE), "--head", "articleType",
                                   "--head", "gender", "--out", str(out)])
    assert res.exit_code == 0, res.output
    meta = json.loads((out / "weights" / "best.json").read_text())
    table = pd.read_csv(out / "probe.csv")
    for h in ("articleType", "gender"):     # each head keeps its best blend by validation macro-F1, then top-1
        rows = table[table["head"] == h].sort_values(["val_macro_f1", "val_accuracy"], ascending=False)
        assert meta["probe"]["heads"][h] == pytest.approx(rows.iloc[0]["blend_weight"])
    assert meta.get("probe_weights", {}) == {h: a for h, a in meta["probe"]["heads"].items() if a > 0}
    # The test reports `train`, `ensemble` and `probe` write gave no interval, not even articleType's top-1 (a
    # stop 62 check): each gives every head's, as `evaluate` does, through the same evaluate_predictions.
    for run in (two_runs[0], ens, out):
        _says_its_intervals(run)
    assert meta["probe"]["base"]["test"] == json.loads((ens / "weights" / "best.json").read_text())["test"]
    assert "fashionrec_revision" in meta and meta["fashionrec_revision"] == source_revision()   # its own
    # The probe's final graph, exported in memory, is cached as the saved file's: `evaluate` exports nothing again
    # (it did, the same network under the file's hash, stop 74), and that graph gives PyTorch's outputs of the file.
    exports = []
    real_export = onnx_infer.export_graph
    monkeypatch.setattr(onnx_infer, "export_graph", lambda model: (exports.append(model), real_export(model))[1])
    again = evaluate_model(FIXTURE, out, split="test", progress=False)
    assert exports == []
    monkeypatch.setattr(onnx_infer, "export_graph", real_export)
    saved = out / "weights" / "best.safetensors"
    photos = torch.randint(0, 256, (3, 3, 80, 60), dtype=torch.uint8, generator=torch.Generator().manual_seed(3))
    fast, slow = Tagger.load(saved, runtime="onnx"), Tagger.load(saved, runtime="torch")
    (vf, pf), (vs, ps) = fast.infer(photos), slow.infer(photos)
    assert fast.onnx is not None and pf.keys() == ps.keys()
    np.testing.assert_allclose(vf, vs, atol=1e-5)
    for h in ps:
        np.testing.assert_allclose(pf[h], ps[h], atol=1e-5)
    assert again["accuracy"] == pytest.approx(meta["test"]["accuracy"])
    assert again["macro_f1"] == pytest.approx(meta["test"]["macro_f1"])
    # The members' levels are kept, and the group and category are recorded as they are shown and scored.
    first = json.loads((Path(two_runs[0]) / "weights" / "best.json").read_text())
    assert meta["levels"] == first["levels"] and set(meta["levels"]) == {"subCategory", "masterCategory"}
    for level in meta["levels"]:
        assert meta["test"]["attributes"][level]["accuracy"] == pytest.approx(again["attributes"][level]["accuracy"])
        assert meta["test"]["attributes"][level]["read_from"] == "articleType"
    dest = tmp_path / "shipped" / "tagger.safetensors"
    dest.parent.mkdir()
    assert CliRunner().invoke(app, ["export", str(out), "--dest", str(dest)]).exit_code == 0
    card = (dest.parent / "MODEL_CARD.md").read_text()
    assert (dest.parent / "probe.csv").read_text() == (out / "probe.csv").read_text()     # its blend table came along
    assert "Linear probe" in card and "fashionrec probe" in card and "seed-cnn" in card
    assert "weights chosen among 3 on the grid" in card        # the ensemble's own grid (step 0.5) came along
    # Probed again: the "before" numbers stay the ensemble's, not the first probe's. On PyTorch: the "before" numbers
    # are copied, not computed, and the probe's two in-memory ONNX exports were a third of this test's time (the
    # first probe above goes through ONNX Runtime; under the default runtime a failed export falls back anyway).
    monkeypatch.setenv("FASHIONREC_RUNTIME", "torch")
    again_out = tmp_path / "probe2"
    assert CliRunner().invoke(app, ["probe", str(out), "--data", str(FIXTURE), "--out", str(again_out)]).exit_code == 0
    monkeypatch.delenv("FASHIONREC_RUNTIME")
    assert json.loads((again_out / "weights" / "best.json").read_text())["probe"]["base"] == meta["probe"]["base"]
    res = CliRunner().invoke(app, ["probe", str(ens), "--data", str(FIXTURE), "--c", "0", "--out", str(tmp_path / "y")])
    assert res.exit_code != 0 and "c (--c) must be > 0" in res.output
    # A single model is not an ensemble: said, not a crash.
    res = CliRunner().invoke(app, ["probe", str(two_runs[0]), "--data", str(FIXTURE), "--out", str(tmp_path / "x")])
    assert res.exit_code != 0 and "fashionrec ensemble" in res.output
    # Never over the ensemble it probes (its run would be replaced by the probe's).
    kept = (ens / "weights" / "best.safetensors").read_bytes()
    res = CliRunner().invoke(app, ["probe", str(ens), "--data", str(FIXTURE), "--out", str(ens)])
    assert res.exit_code != 0 and "holds the ensemble" in res.output
    assert (ens / "weights" / "best.safetensors").read_bytes() == kept


def test_tags_json_of_an_ensemble_gives_each_members_preprocessing(tmp_path, monkeypatch):
    # An ML engineer's trial (stop 65, still so at stop 74): an ensemble's tags.json said "80x60, mean 0, std 1",
    # the ensemble's own input, where its members read 80x60 catalogue-normalised and 128x96 ImageNet-normalised.
    from fashionrec.tagging import tag

    # Read by PyTorch: what tags.json says of the model is the checkpoint's, whichever runtime reads the photo, and
    # the ONNX export of the two random members (an EfficientNet among them) was most of this test's time (stop 75).
    monkeypatch.setenv("FASHIONREC_RUNTIME", "torch")

    classes = {h: [f"{h}{i}" for i in range(n)] for h, n in HEADS.items()}
    members = _members()
    path = save_checkpoint(EnsembleNet(members, [0.7, 0.3]).eval(), classes, {"name": "pair"}, tmp_path / "pair")
    result = tag(FIXTURE / "images" / "7512.jpg", model=path, progress=False)
    result.write(tmp_path / "tags.csv")
    said = json.loads((tmp_path / "tags.json").read_text())["model"]
    assert said["preprocessing"]["name"] == "ensemble"       # its input, as before, with the members beside it
    assert [(m["model"], m["weight"], m["preprocessing"]) for m in said["members"]] == \
        [(m.spec.name, pytest.approx(w), json.loads(json.dumps(m.spec.preprocessing())))
         for m, w in zip(members, [0.7, 0.3], strict=True)]
    assert said["members"][1]["preprocessing"]["height"] == 128 and said["members"][1]["preprocessing"]["mean"] != \
        said["members"][0]["preprocessing"]["mean"]
    single = tag(FIXTURE / "images" / "7512.jpg", model=save_checkpoint(members[0], classes, {"name": "one"},
                                                                        tmp_path / "one"), progress=False)
    assert "members" not in single.summary["model"]


def test_a_taggers_preprocessing_is_its_members_for_an_ensemble(tmp_path):
    # Stop 76 (seen at stop 75): Tagger had no preprocessing, and an ensemble's meta["preprocessing"] is its 80x60,
    # mean 0, std 1 input, where its members read 80x60 catalogue-normalised and 128x96 ImageNet-normalised.
    classes = {h: [f"{h}{i}" for i in range(n)] for h, n in HEADS.items()}
    members = _members()
    pair = Tagger.load(save_checkpoint(EnsembleNet(members, [0.7, 0.3]).eval(), classes, {"name": "pair"},
                                       tmp_path / "pair"), runtime="torch")
    want = [json.loads(json.dumps(m.spec.preprocessing())) for m in members]
    assert pair.preprocessing == want and [p["height"] for p in pair.preprocessing] == [80, 128]
    one = Tagger.load(save_checkpoint(members[0], classes, {"name": "one"}, tmp_path / "one"), runtime="torch")
    assert one.preprocessing == want[:1]
