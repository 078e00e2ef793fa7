"""A linear head over an ensemble's embedding, fitted on the training products and blended into its head.

``fashionrec probe ENSEMBLE --data DATA_DIR --out RUN_DIR``: the ensemble embeds every product of its split
(train, val, test); a class-balanced multinomial logistic regression (scikit-learn) learns each listed head
from the training products' embeddings; the blend weight ``a`` of its log-probabilities against the
members' is chosen on the validation split, by macro-F1 then top-1 as ``fashionrec ensemble`` chooses its
weights, and the test split is predicted once, by the finished model. The members are not changed, so the
embedding (and an index's vectors) stay the same; the head's probabilities change.

Why: the long-trained GPU member is confident and its second guesses are often wrong, so the right type
falls out of the ensemble's top five; a class-balanced linear head that sees both members' features at
once ranks it there more often (on the shipped ensemble's validation split: top-5 0.978 -> 0.990,
macro-F1 0.703 -> 0.710 at the same top-1 0.9055; see docs/tagger.md).
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import LogisticRegression

from fashionrec.artifacts import atomic_dir, check_run_out, made_with, write_with
from fashionrec.errors import FashionrecError, option
from fashionrec.evaluate import (
    evaluate_predictions,
    head_metrics,
    held_out,
    note_seen_before,
    seen_by_earlier_stages,
    summary_metrics,
    tested,
    top5_said,
    write_eval_report,
)
from fashionrec.models import EnsembleNet
from fashionrec.onnx_infer import requested_runtime
from fashionrec.tagger import Tagger, resolve_checkpoint, round_to, save_checkpoint

log = logging.getLogger(__name__)

# Inverse L2 strength of the logistic regression. Chosen on the shipped ensemble's validation split, with
# the blend weight: C 10 / 30 / 100 gave val top-5 0.989 / 0.992 / 0.994 and macro-F1 0.709 / 0.710 / 0.705
# at the blend weight each one chose (throwaway /tmp/work/probe2.py, the index's embeddings).
PROBE_C = 30.0
BLEND_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
MAX_ITER = 500


@dataclass
class ProbeResult:
    run_dir: Path
    weights: dict[str, float]           # head -> blend weight chosen (0: the probe was left out)
    val_metrics: dict
    test_metrics: dict


def fit_linear_head(x: np.ndarray, y: np.ndarray, n_classes: int, c: float = PROBE_C) -> torch.nn.Linear:
    """Class-balanced multinomial logistic regression on ``x`` (N, D) float32 with labels ``y`` (N,), -1 =
    missing, as an ``nn.Linear(D, n_classes)`` whose log-softmax is scikit-learn's ``predict_log_proba``; a
    class no training product has gets bias -30 (never predicted)."""
    keep = y >= 0
    clf = LogisticRegression(C=c, max_iter=MAX_ITER, class_weight="balanced").fit(x[keep], y[keep])
    head = torch.nn.Linear(x.shape[1], n_classes)
    with torch.no_grad():
        head.weight.zero_()
        head.bias.fill_(-30.0)
        cls = torch.as_tensor(clf.classes_, dtype=torch.long)
        if len(clf.classes_) == 2:          # scikit-learn keeps one row for two classes: logit of the second
            coef = torch.as_tensor(clf.coef_[0], dtype=torch.float32)
            head.weight[cls[1]] = coef / 2
            head.weight[cls[0]] = -coef / 2
            head.bias[cls[1]], head.bias[cls[0]] = float(clf.intercept_[0]) / 2, -float(clf.intercept_[0]) / 2
        else:
            head.weight[cls] = torch.as_tensor(clf.coef_, dtype=torch.float32)
            head.bias[cls] = torch.as_tensor(clf.intercept_, dtype=torch.float32)
    return head


def fit_probe(checkpoint: str | Path | None, data_dir: str | Path, out: str | Path,
              heads: tuple[str, ...] = ("articleType",), c: float = PROBE_C, progress: bool = True) -> ProbeResult:
    """Fit :func:`fit_linear_head` for ``heads`` on an ensemble's embedding and write a run folder (``out``).

    ``checkpoint``: an ensemble (a ``fashionrec ensemble`` run, its checkpoint, or None for the shipped model);
    a probe it already has is replaced. The run folder is shaped like ``fashionrec ensemble``'s, so
    ``fashionrec evaluate`` and ``fashionrec export`` take it.
    """
    from fashionrec.calibration import calibration_record
    from fashionrec.catalog import load_catalog
    from fashionrec.data import LabelSpace, load_image_tensor
    from fashionrec.splits import remake_split

    t0 = time.time()
    if not c > 0:       # before minutes of embedding: scikit-learn would only refuse it after them
        raise FashionrecError(f"{option('c')} must be > 0 (the inverse strength of the L2 penalty), got {c}")
    path = resolve_checkpoint(checkpoint).resolve()
    check_run_out(out, [path], "ensemble")      # before minutes of embedding
    base = Tagger.load(path, runtime="auto")
    if not isinstance(base.model, EnsembleNet):
        raise FashionrecError(f"{path} is a single `{base.meta['model']}` model: fit the probe on an ensemble "
                              "(`fashionrec ensemble` makes one from trained checkpoints)")
    unknown = sorted(set(heads) - set(base.classes))
    if unknown:
        raise FashionrecError(f"no head {unknown} in {path}: its heads are {sorted(base.classes)}")
    if not base.meta.get("split", {}).get("config"):
        raise FashionrecError(f"{path} records no split: the probe must learn from that split's training products")
    # What the probe is measured against: the ensemble itself, also when this checkpoint has an older probe.
    before = base.meta.get("probe", {}).get("base") or {"path": str(path), "sha256": base.sha256,
                                                          "val": base.meta.get("val"), "test": base.meta.get("test")}
    # Without any old probe: the embedding does not depend on it, but the head probabilities must be the
    # members' alone.
    members = EnsembleNet(list(base.model.members), base.model.head_weights).eval()
    # Through ONNX Runtime, exported in memory (no file holds the members without their probe); PyTorch
    # eager took six times as long per batch on 2 cores.
    embed = Tagger(model=members, meta=base.meta, runtime=requested_runtime(), export_in_memory=True)

    catalog = load_catalog(data_dir, progress=progress)
    items = catalog.usable
    split = remake_split(items, base.meta["split"], data_dir, trained_on=base.meta.get("data"), instead=None)
    classes = base.classes
    space = LabelSpace(classes)
    parts, rows_of = {}, {}
    for name in ("train", "val", "test"):
        rows = items[items["id"].isin(split.ids(name))].reset_index(drop=True)
        images = load_image_tensor(rows["image_path"].tolist(), progress=progress, desc=f"decoding {name}")
        emb, probs = embed.infer(images, progress=progress)
        # The training photos are not needed again (450 MB at 32k); val and test are predicted once more.
        parts[name] = ({h: y.numpy() for h, y in space.encode(rows).items()}, emb, probs,
                       None if name == "train" else images)
        rows_of[name] = rows    # in the order of its labels and photos, for what is said of them after
        log.info("probe: embedded %d %s products", len(rows), name)

    train_y, train_x, _, _ = parts["train"]
    val_y, val_x, val_p, val_images = parts["val"]
    test_y, _, _, test_images = parts["test"]
    chosen, fitted, table = {}, {}, []
    for h in heads:
        if len(np.unique(train_y[h][train_y[h] >= 0])) < 2:
            raise FashionrecError(f"head {h}: the training products have fewer than two of its classes labelled, "
                                  "nothing for a probe to learn; leave it out of heads (--head)")
        head = fit_linear_head(train_x, train_y[h], len(classes[h]), c)
        with torch.no_grad():
            probe_logp = torch.log_softmax(head(torch.as_tensor(val_x)), dim=1).numpy()
        members_logp = np.log(np.maximum(val_p[h], 1e-30))
        # head_metrics ranks scores, so the blended log-probabilities need no normalising.
        rows = [{"head": h, "blend_weight": a, **{f"val_{k}": v for k, v in head_metrics(
                    val_y[h], (1 - a) * members_logp + a * probe_logp, classes[h]).items()}}
                for a in BLEND_WEIGHTS]
        table += rows
        best = max(rows, key=lambda r: (r["val_macro_f1"], r["val_accuracy"]))
        chosen[h] = best["blend_weight"]
        if chosen[h] > 0:
            fitted[h] = head
        log.info("probe %s: blend weight %.2f (val top-1 %.4f, macro-F1 %.4f, top-5 %s)", h, chosen[h],
                 best["val_accuracy"], best["val_macro_f1"],
                 top5_said({"top5_accuracy": best["val_top5_accuracy"]} if "val_top5_accuracy" in best else {}))

    model = EnsembleNet(list(members.members), members.head_weights, probe={h: chosen[h] for h in fitted}).eval()
    for h, head in fitted.items():
        model.probe[h].load_state_dict(head.state_dict())
    half = bool(base.meta.get("config", {}).get("half"))
    if half:    # the metrics below are those of the float16 weights the checkpoint stores
        round_to(model, torch.float16)

    run = Path(out)
    # Every file or none, and an earlier run there replaced whole (it was written over file by file).
    with atomic_dir(run, marker="weights/best.json", what="run folder") as tmp:
        (tmp / "weights").mkdir(parents=True, exist_ok=True)
        write_with(tmp / "probe.csv", lambda f: pd.DataFrame(table).to_csv(f, index=False))
        # The ensemble's own weight grid, for its model card: beside an exported checkpoint, or in its run folder.
        grid = next((d / "results.csv" for d in (path.parent, path.parent.parent) if (d / "results.csv").exists()),
                    None)
        if grid is not None:
            write_with(tmp / "results.csv", lambda f: shutil.copyfile(grid, f))
        split.save(tmp / "split.csv")
        # As `fashionrec evaluate` will compute them from the saved file: through ONNX Runtime.
        final = Tagger(model=model, meta=base.meta, runtime=requested_runtime(), export_in_memory=True)
        _, val_probs = final.infer(val_images)
        _, test_probs = final.infer(test_images, progress=progress)
        calibration = calibration_record((val_probs, val_y), (test_probs, test_y), catalog.root)
        # The group and category as the file will show them: read from the type (fashionrec.levels).
        shows = Tagger(model=model, meta={**base.meta, "calibration": calibration})
        val_metrics = evaluate_predictions(val_y, val_probs, classes, read_from_type=shows.levels_shown(val_probs))
        test_metrics = evaluate_predictions(test_y, test_probs, classes, read_from_type=shows.levels_shown(test_probs),
                                            spread=True)
        test_metrics.update({"model": run.name, "data": str(catalog.root), "split": "test"})
        # The test products a model a member was started from (--init) trained on, as the ensemble's test said.
        own = items[items["id"].isin(split.ids("train", "val"))]
        note_seen_before(test_metrics, seen_by_earlier_stages(items, rows_of["test"], base.meta, own), test_y,
                         test_probs, classes, shows.levels_shown(test_probs))
        write_eval_report(test_metrics, test_y["articleType"], test_probs["articleType"], classes["articleType"],
                          tmp / "test", title=f"{run.name} (ensemble + linear probe): {held_out(test_metrics)}",
                          classes=classes)
        seconds = time.time() - t0
        meta = {k: v for k, v in base.meta.items() if k not in ("probe_weights", "probe", "classes")}
        meta.update({
            "name": run.name,
            # This code's, not the base checkpoint's it copied.
            **made_with(),
            "val": summary_metrics(val_metrics), "test": tested(test_metrics),
            "calibration": calibration,
            "params": sum(t.numel() for t in model.parameters()),
            "probe": {"heads": chosen, "C": c, "class_weight": "balanced", "blend_weights_tried": list(BLEND_WEIGHTS),
                      "selected_on": "validation macro-F1, then top-1", "train_products": int(len(train_x)),
                      "seconds": round(seconds, 1),
                      "base": before,
                      "command": "fashionrec probe" + (f" {checkpoint}" if checkpoint else "")
                                 + f" --data {data_dir} --out {out}"
                                 + "".join(f" --head {h}" for h in heads if heads != ("articleType",))
                                 + (f" --c {c:g}" if c != PROBE_C else "")},
        })
        save_checkpoint(model, classes, meta, tmp / "weights" / "best", dtype=torch.float16 if half else None)
    # `evaluate` of this run, or its export tagged or served, would export the same network again (a third of this
    # command's ONNX work on the tiny fixture, stop 74): its graph is cached under the saved file's key.
    final.cache_export_as(run / "weights" / "best.safetensors")
    return ProbeResult(run, chosen, val_metrics, test_metrics)
