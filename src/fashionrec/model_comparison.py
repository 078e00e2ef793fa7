"""Two taggers' evaluations side by side, on the same products: each head's top-1, top-5 and macro precision, recall
and F1 with their 95% intervals, the difference, and a paired test of it.

An ML engineer compared the shipped model with another checkpoint by reading two `evaluate --json` files (stop 75:
0.9650 / 0.9422 against 0.9050 / 0.8189 top-1 / macro-F1 on 200 products); nothing said whether the two were
scored on the same products, nor whether the gap was more than the draw of those products. Two models read on the
same products are paired: whether their intervals overlap is a weak test (two overlapping 95% intervals can still
differ), so where both evaluations kept their per-product predictions (`evaluate --out`'s predictions.csv) the
difference is tested on the pairs: top-1 by the exact McNemar test (a binomial test on the products one model reads
right and the other wrong), macro precision, recall and F1 by a paired bootstrap within each true type.

Example:
    >>> c = compare_models("eval_shipped", "eval_fcnn")          # two `evaluate --out` folders  # doctest: +SKIP
    >>> c["heads"]["articleType"]["top1_paired"]["p_value"]  # doctest: +SKIP
    0.0007
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from fashionrec.artifacts import provenance, read_json, write_json, write_text
from fashionrec.errors import BadInputError
from fashionrec.evaluate import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, span

log = logging.getLogger(__name__)

MAIN = "articleType"
# (key in evaluate's record, the name a table gives it); intervals are ``<key>_interval_95`` where evaluate gives one.
METRICS = (("accuracy", "top-1"), ("top5_accuracy", "top-5"), ("macro_precision", "macro precision"),
           ("macro_recall", "macro recall"), ("macro_f1", "macro-F1"))
# Those the paired bootstrap gives an interval of the difference for (top-1 has McNemar's test; top-5 is not in
# predictions.csv, one guess a head).
MACRO = ("macro_precision", "macro_recall", "macro_f1")
METHOD = {
    "difference": "B - A",
    "intervals": "each model's own 95% intervals as `evaluate` gave them (top-1 and top-5 Wilson's, macro-F1 a "
                 "bootstrap within each type); two intervals that overlap can still differ: read the paired test",
    "top1_paired": "exact McNemar test, two-sided: a binomial test (p = 1/2) on the products one model reads right and "
                   "the other wrong",
    "macro_paired": f"paired bootstrap within each true type ({BOOTSTRAP_RESAMPLES} resamples, seed {BOOTSTRAP_SEED}): "
                    "the same resampled products scored by both, each model's macro average over its own classes "
                    "(true or predicted, as scikit-learn's); the 2.5th to 97.5th percentiles of B - A. A type of one "
                    "product adds no spread",
    "p_values": "per head, not adjusted for the several heads",
}


@dataclass
class Evaluation:
    """One `evaluate` record: its metrics (``evaluate --json``'s or metrics.json) and, from an ``--out`` folder,
    predictions.csv's scored rows (None without one)."""

    source: Path
    metrics: dict
    predictions: pd.DataFrame | None


def _is_evaluation(record: dict) -> bool:
    return "per_class" in record and "n" in record and "accuracy" in record


def load_evaluation(path: str | Path) -> Evaluation:
    """An `evaluate --out` folder (metrics.json and predictions.csv) or an `evaluate --json` file; a model's
    checkpoint or anything else is refused with what to give instead."""
    path = Path(path)
    if not path.exists():
        raise BadInputError(f"{path} not found: give a `fashionrec evaluate --out` folder or its --json file")
    json_path = path / "metrics.json" if path.is_dir() else path
    record = read_json(json_path) if json_path.suffix == ".json" and json_path.is_file() else {}
    if not _is_evaluation(record):
        model_like = path.suffix == ".safetensors" or "preprocessing" in record or (path.is_dir() and any(
            (path / p).exists() for p in ("weights/best.safetensors", "tagger.safetensors", "best.safetensors")))
        raise BadInputError(
            f"{path} is a model, not an evaluation: give --data DATA_DIR to evaluate both models on it, or run "
            f"`fashionrec evaluate DATA_DIR --model {path} --out EVAL_FOLDER` and compare the folders" if model_like
            else f"{path} is no `fashionrec evaluate` record (no metrics.json of one): give an `evaluate --out` "
                 "folder or its --json file")
    damage = _damage(record)
    if damage:
        raise BadInputError(f"{json_path} is damaged: {damage}; run `fashionrec evaluate` again to write it whole")
    predictions = None
    table = json_path.parent / "predictions.csv"
    if path.is_dir() and table.is_file():
        predictions = pd.read_csv(table, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
        if "not_scored" in predictions:
            predictions = predictions[predictions["not_scored"].isna()]
        predictions = predictions.set_index("id", drop=False)
    return Evaluation(path, record, predictions)


def _damage(record: dict) -> str:
    """What in an evaluation record the comparison cannot read ("" where nothing): a record edited by hand or cut
    short once ended in an AttributeError or a TypeError (a null head, stop 77's review)."""
    attributes = record.get("attributes", {})
    if not isinstance(attributes, dict):
        return f"its attributes are {type(attributes).__name__}, not a table of heads ({{\"gender\": {{...}}}})"
    for head, metrics in [(MAIN, record), *attributes.items()]:
        if not isinstance(metrics, dict):
            return f"its attributes' {head} is {json.dumps(metrics)}, not a head's metrics"
        # A head none of whose products had a label (n 0) gives no numbers and is not compared.
        for key in ("n", *(k for k, _ in METRICS if metrics.get("n"))):
            value = metrics.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"{head}'s {key} is {json.dumps(value)}, not a number"
    return ""


def product_ids_sha256(ids) -> str:
    """The SHA-256 of a set of product ids, whatever their order: what an evaluation records of the products it
    scored, so that two records can be told to be of the same products without their predictions."""
    return hashlib.sha256("\n".join(sorted(str(i) for i in ids)).encode()).hexdigest()


def _head_record(metrics: dict, head: str) -> dict:
    return metrics if head == MAIN else (metrics.get("attributes") or {}).get(head) or {}


def _heads(metrics: dict) -> list[str]:
    return [MAIN, *(h for h, a in (metrics.get("attributes") or {}).items() if a.get("n"))]


def _first_few(values, n: int = 5) -> str:
    values = sorted(values, key=str)
    return ", ".join(map(str, values[:n])) + (f" and {len(values) - n} more" if len(values) > n else "")


def check_comparable(a: Evaluation, b: Evaluation) -> list[str]:
    """Refuse (:class:`BadInputError`) two evaluations of different products, labels or heads; return the notes
    on other class lists and on what could not be checked (a record made before stop 76 keeps neither its class
    lists nor its products' ids)."""
    ma, mb = a.metrics, b.metrics
    notes = []
    # Other class lists are compared, not refused: a shop's model fine-tuned from the shipped one has the shop's
    # types, never the shipped model's 141, so the README's `compare-models shipped runs/train/shop --data SHOP` was
    # always refused (stop 77, an ML engineer's trial). Scored on the same products against the same labels, top-1,
    # McNemar's test and the macro averages (over the classes true or predicted here, as `evaluate`'s) stay paired;
    # a product of a type one model lacks counts wrong for it, as `evaluate` counts it. Said in the notes.
    ca, cb = ma.get("classes"), mb.get("classes")
    differ = {}         # head -> what the two class lists differ by
    if ca is not None and cb is not None:
        for head in sorted(set(ca) | set(cb), key=lambda h: (h != MAIN, h)):
            xa, xb = ca.get(head), cb.get(head)
            if xa is None or xb is None:
                raise BadInputError(f"the two models' heads differ: {head} is {'B' if xa is None else 'A'}'s alone; "
                                    "compare models of the same heads")
            if set(xa) != set(xb):         # in another order they are the same classes, the same averages
                only_a, only_b = set(xa) - set(xb), set(xb) - set(xa)
                differ[head] = (f"the two models' {head} classes differ: {len(only_a)} only A's "
                                f"({_first_few(only_a)}), {len(only_b)} only B's ({_first_few(only_b)})")
        notes += [f"{said}: a product whose {head} only one model has counts wrong for the other (as `evaluate` "
                  "counts a label a model never saw)" for head, said in differ.items()]
    else:
        notes.append("the models' class lists are not recorded (an evaluation made before stop 76): not checked")
    if a.predictions is not None and b.predictions is not None:
        ia, ib = set(a.predictions.index), set(b.predictions.index)
        if ia != ib:
            raise BadInputError(
                f"A ({a.source}) and B ({b.source}) were evaluated on different products: {len(ia - ib)} only in "
                f"A ({_first_few(ia - ib)}), {len(ib - ia)} only in B ({_first_few(ib - ia)}), {len(ia & ib)} in "
                "both; evaluate both models on the same folder and --split")
        for head in _heads(ma):
            if head in a.predictions and head in b.predictions:
                la, lb = a.predictions[head], b.predictions.loc[a.predictions.index, head]
                other = la.fillna("").to_numpy() != lb.fillna("").to_numpy()
                if other.any():
                    # A class renamed changes the labels predictions.csv spells too: said as its cause where it is one.
                    cause = (f"; {differ[head]}: a label spelled as one model's class and not the other's?"
                             if head in differ else ": the catalogue changed between the two evaluations; evaluate "
                             "both again on the catalogue as it is now")
                    raise BadInputError(
                        f"A and B were scored against different {head} labels of the same products ({int(other.sum())}"
                        f" products: {_first_few(la.index[other])}){cause}")
    elif ma.get("product_ids_sha256") and mb.get("product_ids_sha256"):
        if ma["product_ids_sha256"] != mb["product_ids_sha256"]:
            raise BadInputError(f"A ({a.source}) and B ({b.source}) were evaluated on different products (their "
                                "product_ids_sha256 differ): evaluate both models on the same folder and --split")
    else:
        said = {k: (ma.get(k), mb.get(k)) for k in ("data", "table", "split", "n")}
        differ = [f"{k} {x} against {y}" for k, (x, y) in said.items() if x != y]
        if differ:
            raise BadInputError(f"A ({a.source}) and B ({b.source}) were evaluated on different products: "
                                f"{'; '.join(differ)}; evaluate both models on the same folder and --split")
        notes.append("the products are taken to be the same from the folder, split and count alone (a --json file of "
                     "an evaluation made before stop 76 records no product ids): compare `evaluate --out` folders "
                     "to check them one by one")
    return notes


def _codes(*columns: pd.Series) -> list[np.ndarray]:
    """The columns as integer codes of one shared vocabulary (each an (N,) int array)."""
    vocab = {v: i for i, v in enumerate(sorted(set().union(*(set(c) for c in columns))))}
    return [c.map(vocab).to_numpy(dtype=np.int64) for c in columns]


def _macro(y: np.ndarray, pred: np.ndarray, classes: np.ndarray, n_codes: int) -> np.ndarray:
    """Macro precision, recall and F1 of each resample: ``y`` and ``pred`` (R, N) int codes below ``n_codes``,
    averaged over ``classes`` (zero_division 0, as scikit-learn's) -> (3, R) float64."""
    r = len(y)
    offset = (np.arange(r) * n_codes)[:, None]                  # (R, 1): each resample its own block of codes
    flat_y, flat_pred = (y + offset).ravel(), (pred + offset).ravel()

    def count(codes: np.ndarray) -> np.ndarray:         # (R, K): per resample, per class of ``classes``
        return np.bincount(codes, minlength=r * n_codes).reshape(r, n_codes)[:, classes]

    right, support, said = count(flat_y[flat_y == flat_pred]), count(flat_y), count(flat_pred)
    precision = np.divide(right, said, out=np.zeros(right.shape), where=said > 0)
    recall = np.divide(right, support, out=np.zeros(right.shape), where=support > 0)
    f1 = np.divide(2 * right, support + said, out=np.zeros(right.shape), where=support + said > 0)
    return np.stack([precision.mean(1), recall.mean(1), f1.mean(1)])


def paired_head(truth: pd.Series, pred_a: pd.Series, pred_b: pd.Series,
                resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED) -> dict:
    """The paired tests of one head on the same products (labels ``truth``, each model's ``pred_*``; NaN labels
    are not scored): McNemar's on top-1, and the paired bootstrap's 95% intervals of B - A for macro precision,
    recall and F1, with the differences recomputed from the products (each equal to the records' own)."""
    keep = truth.notna().to_numpy()
    y, pa, pb = _codes(truth[keep].astype(str), pred_a[keep].fillna("").astype(str),
                       pred_b[keep].fillna("").astype(str))
    n = len(y)
    right_a, right_b = pa == y, pb == y
    a_only, b_only = int((right_a & ~right_b).sum()), int((right_b & ~right_a).sum())
    p = float(binomtest(min(a_only, b_only), a_only + b_only, 0.5).pvalue) if a_only + b_only else 1.0
    out = {"n": n, "top1_paired": {"a_only_right": a_only, "b_only_right": b_only, "p_value": p}}
    if not n:
        return out
    n_codes = int(max(y.max(), pa.max(), pb.max())) + 1
    # Each model's macro average over its own classes, true or predicted on these products (as evaluate's).
    own_a, own_b = np.union1d(y, pa), np.union1d(y, pb)
    rng = np.random.default_rng(seed)
    picks = np.empty((resamples, n), dtype=np.int64)                   # (R, N) rows drawn, within each true type
    for k in np.unique(y):
        rows = np.flatnonzero(y == k)
        picks[:, rows] = rng.choice(rows, size=(resamples, len(rows)))
    ys = y[picks]
    diff = _macro(ys, pb[picks], own_b, n_codes) - _macro(ys, pa[picks], own_a, n_codes)    # (3, R)
    point = _macro(y[None], pb[None], own_b, n_codes)[:, 0] - _macro(y[None], pa[None], own_a, n_codes)[:, 0]
    for key, d, lo_hi in zip(MACRO, point, np.percentile(diff, [2.5, 97.5], axis=1).T, strict=True):
        out[key] = {"difference": float(d), "difference_interval_95": [float(lo_hi[0]), float(lo_hi[1])]}
    return out


def _overlap(x: list | None, y: list | None) -> bool | None:
    return None if not x or not y else bool(x[0] <= y[1] and y[0] <= x[1])


def seen_notes(a: Evaluation, b: Evaluation) -> list[str]:
    """What each model had seen of the products compared (its `evaluate` caveat, for two): the shipped model trained
    or was validated on 189 of the 200 products of a trial compared with a checkpoint that records no split (stop 76),
    which favours it however the tests read."""
    notes = []
    for name, e in (("A", a), ("B", b)):
        m = e.metrics
        seen = (m.get("trained_on") or 0) + (m.get("photo_copies_of_training") or 0)
        if seen:
            notes.append(f"{name} ({m.get('model')}) has seen {seen:,} of these {m.get('n_products', m['n']):,} "
                         "products (its training or validation products, or photo copies of them): the comparison "
                         "favours it; compare on products neither model has seen")
        elif m.get("trained_on", 0) is None:
            notes.append(f"whether {name} ({m.get('model')}) trained on some of these products could not be checked "
                         f"({m.get('trained_on_unknown') or 'it records no split'})")
    return notes


def compare_evaluations(a: Evaluation, b: Evaluation) -> dict:
    """Two evaluations of the same products (:func:`check_comparable`) side by side: per head, each metric's A and
    B with their intervals, B - A, whether the intervals overlap and, from both folders' predictions, the paired
    tests (:func:`paired_head`). Self-describing: what was compared, how, when and by which command."""
    notes = check_comparable(a, b) + seen_notes(a, b)
    paired = a.predictions is not None and b.predictions is not None
    if not paired:
        files = [f"{w} ({e.source})" for w, e in (("A", a), ("B", b)) if e.predictions is None]
        are = "is a --json file" if len(files) == 1 else "are --json files"
        notes.append(f"no paired test: {' and '.join(files)} {are} without per-product predictions; compare "
                     "`evaluate --out` folders for one")
    heads = {}
    for head in _heads(a.metrics):
        ra, rb = _head_record(a.metrics, head), _head_record(b.metrics, head)
        if not rb.get("n"):
            continue
        row = {"n": ra["n"], "metrics": {}}
        if "read_from" in ra:
            row["read_from"] = ra["read_from"]
        for key, _ in METRICS:
            if key not in ra or key not in rb:
                continue
            ia, ib = ra.get(f"{key}_interval_95"), rb.get(f"{key}_interval_95")
            row["metrics"][key] = {"a": ra[key], "b": rb[key], "difference": rb[key] - ra[key],
                                   "a_interval_95": ia, "b_interval_95": ib, "intervals_overlap": _overlap(ia, ib)}
        if paired and head in a.predictions and f"predicted_{head}" in a.predictions:
            tests = paired_head(a.predictions[head], a.predictions[f"predicted_{head}"],
                                b.predictions.loc[a.predictions.index, f"predicted_{head}"])
            row["top1_paired"] = tests["top1_paired"]
            for key in MACRO:
                if key in tests and key in row["metrics"]:
                    row["metrics"][key]["difference_interval_95"] = tests[key]["difference_interval_95"]
                    # predictions.csv and the metrics beside it are one evaluation's: a folder put together from
                    # two would test other predictions than its numbers'.
                    if abs(tests[key]["difference"] - row["metrics"][key]["difference"]) > 1e-9:
                        notes.append(f"{head}'s {key} difference from the predictions.csv files, "
                                     f"{tests[key]['difference']:+.4f}, is not the metrics' "
                                     f"{row['metrics'][key]['difference']:+.4f}: is each folder one evaluation's?")
        heads[head] = row

    def side(e: Evaluation) -> dict:
        return {"source": str(e.source), **{k: e.metrics.get(k) for k in (
            "model", "model_path", "model_sha256", "created", "command", "fashionrec_revision")}}

    return {"kind": "model comparison", **provenance(), "a": side(a), "b": side(b),
            **{k: a.metrics.get(k) for k in ("data", "table", "split")}, "n_products": a.metrics.get("n_products"),
            "paired": paired, "notes": notes, "method": METHOD, "heads": heads}


def compare_models(a: str | Path | None, b: str | Path | None, data_dir: str | Path | None = None,
                   out_dir: str | Path | None = None, split: str = "all", device: str = "cpu",
                   progress: bool = True) -> dict:
    """Compare two taggers on the same products.

    Without ``data_dir``: ``a`` and ``b`` are `evaluate` records (``--out`` folders, with the paired tests, or
    ``--json`` files). With it: ``a`` and ``b`` are models (checkpoints or run folders; None: the shipped model),
    each evaluated on ``data_dir``'s ``split`` first, into ``out_dir``/a and /b where given. ``out_dir``: the
    comparison is written there too, as comparison.json and comparison.md. Returns :func:`compare_evaluations`'.
    """
    if data_dir is None:
        if a is None or b is None:
            raise BadInputError("give two `evaluate` records to compare, or two models and data_dir (--data)")
        result = compare_evaluations(load_evaluation(a), load_evaluation(b))
    else:
        from fashionrec.evaluate import evaluate_model

        # Both models looked for before either is evaluated: a mistyped B was said only after A's evaluation (a minute
        # for 200 products on 2 cores, stop 76's trial; more on a test split of 3,988), a review of stop 77.
        missing = [f"{name} ({m})" for name, m in (("A", a), ("B", b)) if m is not None and not Path(m).exists()]
        if missing:
            raise BadInputError(f"{' and '.join(missing)} not found: give a checkpoint (.safetensors), a `fashionrec "
                                "train` run folder, or shipped for the shipped model (nothing was evaluated)")
        with tempfile.TemporaryDirectory(prefix="fashionrec-compare-") as tmp:
            where = Path(out_dir) if out_dir is not None else Path(tmp)
            for name, model in (("a", a), ("b", b)):
                log.info("evaluating %s: %s", name.upper(), model or "the shipped model")
                evaluate_model(data_dir, model, split=split, out_dir=where / name, device=device, progress=progress)
            result = compare_evaluations(load_evaluation(where / "a"), load_evaluation(where / "b"))
    if out_dir is not None:
        write_comparison(result, out_dir)
    return result


def _cell(value: float, interval: list | None) -> str:
    return f"{value:.4f}" + (f" ({span(interval)})" if interval else "")


def _paired_cell(key: str, row: dict) -> str:
    m = row["metrics"][key]
    if key == "accuracy" and "top1_paired" in row:
        t = row["top1_paired"]
        return f"McNemar p={t['p_value']:.3g} (A alone right {t['a_only_right']}, B alone {t['b_only_right']})"
    if "difference_interval_95" in m:
        lo, hi = m["difference_interval_95"]
        verdict = "B higher" if lo > 0 else "A higher" if hi < 0 else "no difference shown"
        return f"B - A {lo:+.4f} to {hi:+.4f}: {verdict}"
    return "—"


def comparison_rows(head: str, row: dict) -> list[str]:
    """One head's Markdown table of a comparison (:func:`compare_evaluations`' ``heads[head]``)."""
    names = dict(METRICS)
    read = f", read from {row['read_from']}" if "read_from" in row else ""
    lines = [f"### {head} (n={row['n']}{read})", "",
             "| metric | A (95% interval) | B (95% interval) | B - A | intervals overlap | paired test |",
             "|---|---|---|---|---|---|"]
    for key, m in row["metrics"].items():
        overlap = {True: "yes", False: "no", None: "—"}[m["intervals_overlap"]]
        lines.append(f"| {names[key]} | {_cell(m['a'], m['a_interval_95'])} | {_cell(m['b'], m['b_interval_95'])} | "
                     f"{m['difference']:+.4f} | {overlap} | {_paired_cell(key, row)} |")
    return lines


def comparison_markdown(result: dict) -> str:
    """comparison.md: what was compared, on what, how, and each head's table."""
    def said(side: dict) -> str:
        return f"`{side['model']}` (SHA-256 {str(side.get('model_sha256'))[:12]}; evaluation {side['source']})"

    lines = ["# Two taggers on the same products", "",
             f"A: {said(result['a'])}.", "", f"B: {said(result['b'])}.", "",
             f"On `{result.get('data')}` (split: {result.get('split')}, {result.get('n_products')} products). "
             f"Made by `{result.get('command')}` ({result.get('created')}, fashionrec "
             f"{result.get('fashionrec_version')}).",
             "", *(f"> {note}\n" for note in result["notes"]),
             "Differences are B - A. " + " ".join(f"{k.replace('_', ' ').capitalize()}: {v}." for k, v in
                                                   result["method"].items() if k != "difference"), ""]
    for head, row in result["heads"].items():
        lines += [*comparison_rows(head, row), ""]
    return "\n".join(lines)


def write_comparison(result: dict, out_dir: str | Path) -> Path:
    """comparison.json and comparison.md in ``out_dir``, each written whole (atomically); returns the .md's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "comparison.json", result)
    write_text(out / "comparison.md", comparison_markdown(result))
    return out / "comparison.md"
