"""Combine trained taggers into one checkpoint, with the weights chosen on the validation split.

``fashionrec ensemble RUN_OR_CKPT RUN_OR_CKPT ... --data DATA_DIR --out RUN_DIR`` writes a run folder shaped like
a train run's (``weights/best.*``, ``split.csv``, ``results.csv`` with one row per weighting tried, and a
``test/`` report), so ``fashionrec evaluate`` and ``fashionrec export`` take it as they take a train run.
The members must have been trained on the same split of the same catalogue with the same classes: the
test products then stay unseen by every member, and the weights never look at them.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from fashionrec.artifacts import atomic_dir, check_run_out, made_with, write_with
from fashionrec.errors import FashionrecError, ModelError, option
from fashionrec.evaluate import (
    evaluate_predictions,
    held_out,
    note_seen_before,
    seen_by_earlier_stages,
    summary_metrics,
    tested,
    write_eval_report,
)
from fashionrec.levels import type_levels
from fashionrec.modelcard import lineage, stage_summary, total_train_seconds
from fashionrec.models import EnsembleNet
from fashionrec.models.ensemble import normalised_weights
from fashionrec.tagger import Tagger, load_checkpoint, resolve_checkpoint, round_to, run_inference, save_checkpoint
from fashionrec.train import describe_hardware

log = logging.getLogger(__name__)


@dataclass
class EnsembleResult:
    run_dir: Path
    weights: dict[str, list[float]]
    val_metrics: dict
    test_metrics: dict


def weight_grid(n: int, step: float) -> list[tuple[float, ...]]:
    """Every weighting of ``n`` members in multiples of ``step`` that sums to 1 (0 leaves a member out)."""
    units = round(1 / step) if 0 < step <= 1 else 0
    if units < 2 or not math.isclose(units * step, 1.0):
        raise FashionrecError(f"{option('step')} must divide 1 into equal parts (e.g. 0.05), got {step}")
    return [tuple(k / units for k in c) for c in itertools.product(range(units + 1), repeat=n) if sum(c) == units]


def _combine_log_probs(member_probs: list[dict[str, np.ndarray]], weights: tuple[float, ...]) -> dict[str, np.ndarray]:
    # The same combination as EnsembleNet.forward_head, on probabilities computed once per member.
    out = {}
    for h in member_probs[0]:
        lp = sum(w * np.log(np.maximum(p[h], 1e-30)) for w, p in zip(weights, member_probs, strict=True))
        lp = lp - lp.max(1, keepdims=True)
        e = np.exp(lp)
        out[h] = (e / e.sum(1, keepdims=True)).astype(np.float32)
    return out


def combine(checkpoints: list[str | Path], data_dir: str | Path, out: str | Path,
            weights: list[float] | None = None, step: float = 0.05, half: bool = False,
            progress: bool = True) -> EnsembleResult:
    """Build an ensemble of ``checkpoints`` and write it as a run folder in ``out``.

    Without ``weights``, every weighting on a grid of ``step`` is scored on the validation split and the
    one with the best validation macro-F1 (ties: top-1) is kept, for each head separately; the test split
    is predicted once, by the finished ensemble. ``half`` stores the weights as float16 (half the file;
    loaded back as float32).
    """
    from fashionrec.calibration import calibration_record
    from fashionrec.catalog import load_catalog
    from fashionrec.data import LabelSpace, load_image_tensor
    from fashionrec.splits import remake_split

    t0 = time.time()
    if len(checkpoints) < 2:
        raise FashionrecError("an ensemble needs at least two checkpoints")
    if weights is not None:     # checked before minutes of inference; stored as given, normalised to sum 1
        try:
            weights = normalised_weights(weights, len(checkpoints))
        except ModelError as e:
            raise FashionrecError(f"weights (--weight): {e}") from e
    grid = [tuple(weights)] if weights is not None else weight_grid(len(checkpoints), step)  # bad --step: now
    for c in checkpoints:
        if not Path(c).exists():
            raise FashionrecError(f"ensemble member {c} not found: pass train run folders or .safetensors "
                                  "checkpoints (with their .json beside them)")
    paths = [resolve_checkpoint(c) for c in checkpoints]
    check_run_out(out, paths, "member")     # before minutes of inference
    loaded = [load_checkpoint(p) for p in paths]
    members = [m for m, _ in loaded]
    metas = [meta for _, meta in loaded]
    first = metas[0]
    for p, member in zip(paths, members, strict=True):
        if isinstance(member, EnsembleNet):
            raise FashionrecError(f"{p} is itself an ensemble: combine its members (listed in its model card) "
                                  "with the other checkpoints instead")
    for p, meta in zip(paths[1:], metas[1:], strict=True):
        if meta["classes"] != first["classes"]:
            raise FashionrecError(f"{p} predicts other classes than {paths[0]}: ensemble members must share "
                                  "their heads and class lists (train them on the same catalogue)")
        if not _same_split(meta.get("split") or {}, first.get("split") or {}):
            raise FashionrecError(f"{p} was trained on another split than {paths[0]} "
                                  f"({meta.get('split', {}).get('config')} vs {first.get('split', {}).get('config')}): "
                                  "the ensemble's test products would not be unseen by every member")
    if not first.get("split", {}).get("config"):
        raise FashionrecError(f"{paths[0]} records no split: ensembles are built from `fashionrec train` checkpoints")

    catalog = load_catalog(data_dir, progress=progress)
    items = catalog.usable
    split = remake_split(items, first["split"], data_dir, trained_on=first.get("data"), instead=None)
    classes = first["classes"]
    space = LabelSpace(classes)
    parts, rows_of = {}, {}
    for name in ("val", "test"):
        rows = items[items["id"].isin(split.ids(name))].reset_index(drop=True)
        rows_of[name] = rows    # in the order of its labels and photos, for what is said of them after
        parts[name] = ({h: y.numpy() for h, y in space.encode(rows).items()},
                       load_image_tensor(rows["image_path"].tolist(), progress=progress, desc=f"decoding {name}"))

    val_labels, val_images = parts["val"]
    member_val = [run_inference(m, val_images, progress=progress, desc=f"val: member {i + 1}")[1]
                  for i, m in enumerate(members)]
    rows = []
    for w in grid:
        m = evaluate_predictions(val_labels, _combine_log_probs(member_val, w), classes)
        row = {f"w{i + 1}": round(x, 4) for i, x in enumerate(w)}
        for h, hm in {"articleType": m, **m["attributes"]}.items():
            row.update({f"{h}_accuracy": hm.get("accuracy"), f"{h}_macro_f1": hm.get("macro_f1")})
        rows.append({**row, "articleType_top5_accuracy": m.get("top5_accuracy")})
    table = pd.DataFrame(rows)
    chosen = {}
    for h in classes:    # each head its own weights: the members are not equally good at every attribute
        best = table.sort_values([f"{h}_macro_f1", f"{h}_accuracy"], ascending=False, na_position="last").iloc[0]
        chosen[h] = [float(best[f"w{i + 1}"]) for i in range(len(members))]
    ensemble = EnsembleNet(members, chosen).eval()
    if half:    # round now: the metrics written into the checkpoint are those of the float16 weights it stores
        round_to(ensemble, torch.float16)

    run = Path(out)
    # Every file or none, and an earlier run there replaced whole (it was written over file by file).
    with atomic_dir(run, marker="weights/best.json", what="run folder") as tmp:
        (tmp / "weights").mkdir(parents=True, exist_ok=True)
        write_with(tmp / "results.csv", lambda f: table.to_csv(f, index=False))
        split.save(tmp / "split.csv")
        _, val_probs = run_inference(ensemble, val_images)
        test_labels, test_images = parts["test"]
        _, test_probs = run_inference(ensemble, test_images, progress=progress, desc="test: ensemble")
        calibration = calibration_record((val_probs, val_labels), (test_probs, test_labels), catalog.root)
        # The group and category as the file will show them: read from the type (fashionrec.levels), with the
        # members' shares, or read from the split's training products where the first has none (members from
        # before them: the ensemble showed each head's own output then, without a word).
        levels = {"levels": first.get("levels") or type_levels(
            items[items["id"].isin(split.ids("train"))], classes, val=items[items["id"].isin(split.ids("val"))])}
        shows = Tagger(model=ensemble, meta={**first, **levels, "calibration": calibration})
        val_metrics = evaluate_predictions(val_labels, val_probs, classes, read_from_type=shows.levels_shown(val_probs))
        test_metrics = evaluate_predictions(test_labels, test_probs, classes,
                                            read_from_type=shows.levels_shown(test_probs), spread=True)
        test_metrics.update({"model": run.name, "data": str(catalog.root), "split": "test"})
        # The test products a model a member was started from (--init) trained on, as each member's own test said.
        members_said = [{**stage_summary(m, path), "model": m["model"], "test": m.get("test"),
                         "total_train_minutes": round(total_train_seconds(m) / 60, 1),
                         "stages": [*lineage(m), stage_summary(m, path)], "config": m.get("config")}
                        for path, m in zip(paths, metas, strict=True)]
        stages = {"data": str(Path(catalog.root).resolve()), "split": first["split"],
                  "member_checkpoints": members_said}
        own = items[items["id"].isin(split.ids("train", "val"))]
        seen = seen_by_earlier_stages(items, rows_of["test"], stages, own)
        note_seen_before(test_metrics, seen, test_labels, test_probs, classes, shows.levels_shown(test_probs))
        write_eval_report(test_metrics, test_labels["articleType"], test_probs["articleType"], classes["articleType"],
                          tmp / "test", title=f"{run.name} (ensemble): {held_out(test_metrics)}",
                          classes=classes)
        seconds = time.time() - t0
        meta = {
            "name": run.name, "data": str(catalog.root),
            # Which code combined them (the members' own are in member_checkpoints): none was said (a review).
            **made_with(),
            "split": {**first["split"], "test_ids_sha256": split.fingerprint("test")},
            **levels,       # as read above
            "member_checkpoints": members_said,
            "config": {"checkpoints": [str(p) for p in paths], "weights": weights, "step": step, "out": str(run),
                       "selected_on": "validation macro-F1 of each head", "half": half,
                       "split_seed": first["split"]["config"].get("seed")},
            "val": summary_metrics(val_metrics), "test": tested(test_metrics),
            "calibration": calibration,
            "params": sum(t.numel() for t in ensemble.parameters()),
            "train_seconds": sum(total_train_seconds(m) for m in metas),
            "combine_seconds": round(seconds, 1),
            "hardware": describe_hardware(torch.device("cpu")),
        }
        save_checkpoint(ensemble, classes, meta, tmp / "weights" / "best", dtype=torch.float16 if half else None)
    log.info("ensemble %s: articleType weights %s, val top-1 %.4f macro-F1 %.4f; test top-1 %.4f macro-F1 %.4f",
             run, chosen["articleType"], val_metrics["accuracy"], val_metrics["macro_f1"], test_metrics["accuracy"],
             test_metrics["macro_f1"])
    return EnsembleResult(run, chosen, val_metrics, test_metrics)


def _same_split(a: dict, b: dict) -> bool:
    """Members must agree on the split's recipe and sizes, and on its test ids where both recorded them
    (checkpoints older than that fingerprint lack it)."""
    key = "test_ids_sha256"
    if not (a.get(key) and b.get(key)):
        a, b = {k: v for k, v in a.items() if k != key}, {k: v for k, v in b.items() if k != key}
    return a == b
