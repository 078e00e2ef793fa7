"""Honest tagger metrics (scikit-learn), a readable confusion matrix, and a report beside the original study.

Predictions are computed in the order of the rows given and compared with the labels of those same
rows, so a shuffled loader cannot misalign them (the original study's per-class report was computed on
misaligned predictions and said 0.05 overall).
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import os
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    top_k_accuracy_score,
)

from fashionrec.artifacts import provenance, read_json, write_json, write_text, write_with
from fashionrec.calibration import (
    ECE_BINS,
    confidence_bins,
    ece_floor,
    expected_calibration_error,
    lean,
    quality,
    uncalibrated_heads,
)
from fashionrec.catalog import first_few
from fashionrec.column_map import images_path, table_path
from fashionrec.errors import BadInputError

log = logging.getLogger(__name__)

# The original study's custom CNN, as reported (articleType, ~142 classes).
STUDY_MIN_TYPES = 100       # article types a folder's products must span for its numbers to be set beside these
UNSEEN_CLASS = " (not a model class)"       # how a plot and a report name a label the model has no class for
ORIGINAL_STUDY = {"train_accuracy": 0.7608, "val_accuracy": 0.7848, "test_accuracy": 0.7749,
                  "reported_overall_f1": 0.05}


def head_metrics(y_true: np.ndarray, probs: np.ndarray, class_names: list[str],
                 per_class: bool = False, spread: bool = False) -> dict:
    """Metrics for one head. ``y_true`` (N,) int with -1 for missing labels; ``probs`` (N, C).

    Macro averages are scikit-learn's defaults: over every class that is true or predicted, so a class
    predicted but never true counts with precision (and F1) 0. ``macro_f1_true_classes`` averages over
    the true classes only, the definition this project reported before (it is never lower).

    ``spread``: with the 95% intervals a report gives (:func:`wilson_interval` of top-1, top-5 and, per class,
    precision and recall; :func:`f1_interval` per class; :func:`macro_f1_interval`), as ``<key>_interval_95``; off
    where a number only chooses (an epoch, a weight), as the bootstrap costs 0.27 s for articleType on 3,988 products
    (its 130 types, at load 18; 0.23 s before stop 66).
    """
    keep = y_true >= 0
    y, p = y_true[keep], probs[keep]
    if len(y) == 0:
        return {"n": 0}
    pred = p.argmax(1)
    out = {
        "n": int(len(y)),
        "accuracy": float(accuracy_score(y, pred)),
        "macro_f1": float(f1_score(y, pred, average="macro", zero_division=0)),
        "macro_f1_true_classes": float(f1_score(y, pred, labels=np.unique(y), average="macro", zero_division=0)),
        "weighted_f1": float(f1_score(y, pred, average="weighted", zero_division=0)),
    }
    # The model's own classes: not the columns with_unseen_classes added (-inf) for labels it lacks, which
    # counted as top-5 hits where it had 5 classes or fewer (a 4-type model scored 0.83 where 0.67 was the most
    # it could, a code review). Those rows stay in the denominator, as misses. Scores may be log-probabilities
    # (the probe's), so only -inf marks a column.
    n_classes = int((~np.isneginf(probs).all(0)).sum()) if len(probs) else probs.shape[1]
    own = y < n_classes
    if n_classes > 5:
        out["top5_accuracy"] = float(top_k_accuracy_score(y[own], p[own, :n_classes], k=5,
                                                          labels=np.arange(n_classes)) * own.mean()) \
            if own.any() else 0.0
    labels = np.union1d(y, pred)          # the classes scikit-learn's macro average runs over
    prec, rec, f1, sup = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    out["macro_precision"] = float(prec.mean())
    out["macro_recall"] = float(rec.mean())
    if spread:
        out["accuracy_interval_95"] = wilson_interval(int((pred == y).sum()), len(y))
        if "top5_accuracy" in out:
            out["top5_accuracy_interval_95"] = wilson_interval(round(out["top5_accuracy"] * len(y)), len(y))
        # Products all read right gave the bootstrap of all products no mistake to resample: a shop's 16 test
        # products said gender's macro-F1 1.000-1.000 beside its top-1's 0.806-1.000 (stop 65, an ML engineer's
        # trial), so none is given there. The bootstrap within each type (stop 66) would give one (its half a miss
        # per type: 18 products of 3 types all right, 0.797-1.000); kept as INTERVALS_SAID and the reports say it.
        if (pred != y).any():
            out["macro_f1_interval_95"] = macro_f1_interval(y, pred)
    if per_class:
        right = np.bincount(y[pred == y], minlength=labels.max() + 1)[labels]
        said = np.bincount(pred, minlength=labels.max() + 1)[labels]       # products predicted as the class
        out["per_class"] = {
            class_names[c]: {"precision": float(a), "recall": float(b), "f1": float(f), "support": int(s),
                             "predicted": int(d),
                             # Recall is a share of the class's own products, precision of those predicted as it:
                             # Wilson's interval fits each; on the 1-5 products most types of a few hundred have it
                             # says how little one reads. None for a share of no products (never predicted).
                             **({"precision_interval_95": wilson_interval(int(r), int(d))} if spread and d else {}),
                             **({"recall_interval_95": wilson_interval(int(r), int(s))} if spread and s else {}),
                             **({"f1_interval_95": f1_interval(int(r), int(d), int(s))} if spread else {})}
            for c, a, b, f, s, r, d in zip(labels, prec, rec, f1, sup, right, said, strict=True)
        }
    return out


# What a checkpoint and a summary keep of each attribute head.
SUMMARY_KEYS = ("n", "accuracy", "macro_f1")


def evaluate_predictions(labels: dict[str, np.ndarray], probs: dict[str, np.ndarray],
                         classes: dict[str, list[str]], main: str = "articleType",
                         read_from_type: dict[str, np.ndarray] | None = None, spread: bool = False) -> dict:
    """All heads: the main head's full metrics at the top level, the others under ``attributes``.

    ``read_from_type``: ``{head: probabilities}`` of the levels a tagger shows read from its type
    (:mod:`fashionrec.levels`); those heads are scored on them, with their own head's numbers as ``head_alone``.
    ``spread``: every head's 95% intervals (:func:`head_metrics`), and how they were made under ``intervals``:
    what `evaluate` and the test reports of `train`, `ensemble` and `probe` give.
    """
    result = head_metrics(labels[main], probs[main], classes[main], per_class=True, spread=spread)
    read = read_from_type or {}
    # Every head's per-class table, not articleType's alone: an ML engineer's trial (stop 65) had only accuracy and
    # macro averages for gender, baseColour, usage and season, so a colour never read right was hidden in a mean.
    # A head scored as read from the type has its intervals there, not on its own head's numbers.
    result["attributes"] = {h: head_metrics(labels[h], probs[h], classes[h], per_class=h not in read,
                                            spread=spread and h not in read)
                            for h in probs if h != main and h in labels}
    for h, p in read.items():
        if h in result["attributes"]:
            alone = result["attributes"][h]
            result["attributes"][h] = {**head_metrics(labels[h], p, classes[h], per_class=True, spread=spread),
                                       "read_from": main,
                                       "head_alone": {k: alone.get(k) for k in SUMMARY_KEYS}}
    if spread:
        result["intervals"] = INTERVALS_SAID
    return result


SMALL_SAMPLE = 1000         # products under which a folder's macro-F1 is said not to compare with the test split's


def wilson_interval(hits: int, n: int, z: float = 1.96) -> list[float]:
    """The 95% Wilson score interval of a share of ``hits`` in ``n`` (``[lo, hi]``; ``[0, 1]`` for none).

    How far a top-1 measured on a few hundred products can be from the model's on products like them: a
    maintainer's 297 held-out products read 0.8653 beside the README's 0.9030 on 3,988, with nothing to say whether
    that was the draw (it was: the same per-product predictions as the whole test split's). Wilson's, not
    p +- 1.96 sd, so that a share near 1 (top-5 0.99) does not get an upper end over 1."""
    if n <= 0:
        return [0.0, 1.0]
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # All right (or none) is exactly 1 (0) at that end, where rounding gave 6 of 6 0.9999999999999999.
    return [0.0 if hits == 0 else float(max(0.0, centre - half)), 1.0 if hits == n else float(min(1.0, centre + half))]


def f1_interval(right: int, predicted: int, true: int) -> list[float]:
    """The 95% interval ``[lo, hi]`` of one class's F1, of ``right`` products of the class predicted as it among
    ``predicted`` predicted as it and ``true`` of the class: Wilson's interval of J = right / (true + predicted -
    right), the share right among the products that are the class or said to be, taken through F1 = 2J / (1 + J).

    Given how many products are the class or said to be, each of them is right independently with chance J (the
    confusion matrix's cells are one multinomial), so Wilson's coverage holds, and F1 rises with J. A bootstrap of
    the products (macro-F1's) was tried and left: a class read without a mistake (F1 1.000: Socks, 62 of 62, and
    every type of one product read right) gets 1.000-1.000 from every resample, and a class of one product is
    absent from over a third of them; this gives 1 of 1 right 0.342-1.000 and 62 of 62 0.970-1.000."""
    union = predicted + true - right
    lo, hi = wilson_interval(right, union)
    return [2 * lo / (1 + lo), 2 * hi / (1 + hi)]


# Of a macro-F1's interval: on the shipped test split its ends moved within 0.003 over 20 seeds (sd 0.0007).
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0              # the same predictions give the same interval, run after run
# How the ``*_interval_95`` keys were made, as a metrics JSON records it beside them.
INTERVALS_SAID = {"level": 0.95, "accuracy": "Wilson score interval (top-1, top-5, per-class precision and "
                                             "recall)",
                  "f1": "per class: Wilson score interval of right / (true + predicted - right), as F1 = 2J / (1 + J)",
                  "macro_f1": f"bootstrap within each type, {BOOTSTRAP_RESAMPLES} resamples, seed "
                              f"{BOOTSTRAP_SEED}: each type keeps its number of products, its row of the confusion "
                              "matrix drawn from Dirichlet(its counts + 1/2 right + 1/2 missed); the resamples' 2.5th "
                              "to 97.5th percentiles about their median, placed around the number; none where every "
                              "product is right"}


def macro_f1_interval(y: np.ndarray, pred: np.ndarray, resamples: int = BOOTSTRAP_RESAMPLES,
                      seed: int = BOOTSTRAP_SEED) -> list[float]:
    """The 95% interval ``[lo, hi]`` of scikit-learn's macro-F1 of labels ``y`` (all >= 0) and predictions ``pred``:
    the spread of a bootstrap within each type (2.5th to 97.5th percentile, about the median) placed around the number.

    Each true type keeps its count, as a split drawn type by type does (the shipped test split has each of its 130
    types in every redraw), and every resample is scored over the number's own classes (true or predicted in ``y``
    and ``pred``). Resampling all products at once lost a type of one product from a third of the resamples, and
    those types read low (37 of the split's, mean F1 0.41), so the resamples averaged 0.719 against the split's 0.699
    and the interval, 0.684-0.757, sat above the number (stop 66). Each type's row of the confusion matrix is drawn
    from Dirichlet(its counts + 1/2 right + 1/2 on a miss no other class is credited with), then its products from
    that row: a type of one product gets a spread of its own, where resampling its one product alone gave it none
    (stop 63: too narrow). Of 200 redraws of a synthetic test split with the shipped split's supports, this held the
    redraws' mean number in 94.0% and its own number in all (the bootstrap of all products, of 300: 92.0%, width 0.072
    against 0.090); on a harsher shape (40 of 60 types of one product) 95% against 62%. With many types of one
    product the number itself reads below an unlimited split's (0.642 against 0.669 there): the interval says how
    far another split like this one would read, not that.
    """
    if len(y) == 0:
        return [0.0, 1.0]
    n_classes = int(max(y.max(), pred.max())) + 1
    labels = np.union1d(y, pred)            # the classes scikit-learn's macro average runs over
    support = np.bincount(y, minlength=n_classes)
    rng = np.random.default_rng(seed)
    right = np.zeros((resamples, n_classes))                # (R, C) products of each type read right
    said = np.zeros((resamples, n_classes))                 # (R, C) products predicted as each class
    for k in np.flatnonzero(support):
        went, counts = np.unique(pred[y == k], return_counts=True)
        cols = np.union1d(went, [k])                        # where type k's products can go, the miss aside
        prior = np.zeros(len(cols) + 1)
        prior[np.searchsorted(cols, went)] = counts
        at_k = int(np.searchsorted(cols, k))
        prior[at_k] += 0.5
        prior[-1] = 0.5                                     # a miss to a class no product of k went to
        drawn = rng.multinomial(support[k], rng.dirichlet(prior, size=resamples))  # (R, len(cols) + 1)
        right[:, k] = drawn[:, at_k]
        said[:, cols] += drawn[:, :-1]
    # F1 = 2 TP / (true + predicted); a class with neither in a resample scores 0, as scikit-learn's zero_division=0.
    f1 = 2 * right / np.maximum(support + said, 1)
    macro = f1[:, labels].mean(1)
    point = (2 * np.bincount(y[y == pred], minlength=n_classes)
             / np.maximum(support + np.bincount(pred, minlength=n_classes), 1))[labels].mean()
    # The resamples' spread, placed around the number: the half-counts pull a type of one product towards 1/2 (30
    # types of one product, all wrong, put the resamples' middle 0.06 above the number and the interval past it).
    lo, mid, hi = np.percentile(macro, [2.5, 50, 97.5])
    return [float(max(0.0, point - (mid - lo))), float(min(1.0, point + (hi - mid)))]


def span(interval: list[float] | None) -> str:
    """An interval as the reports print it ("0.893-0.912"; "" where there is none)."""
    return f"{interval[0]:.3f}-{interval[1]:.3f}" if interval else ""


def macro_f1_spread(metrics: dict) -> str:
    """A head's macro-F1 interval as the printed lines give it: its span, or why there is none where the other
    intervals were measured (a blank beside top-1's read as forgotten); "" where none were."""
    if "macro_f1_interval_95" in metrics:
        return span(metrics["macro_f1_interval_95"])
    return "no interval: every product right" if "accuracy_interval_95" in metrics else ""


def interval_said(metrics: dict) -> str:
    """The articleType intervals (:func:`head_metrics` ``spread``) in words, for the printed summary and
    report.md ("" where none was measured)."""
    if "accuracy_interval_95" not in metrics:
        return ""
    top5 = (f", top-5 {span(metrics['top5_accuracy_interval_95'])}" if "top5_accuracy_interval_95" in metrics
            else "")
    f1 = (f"; macro-F1 {span(metrics['macro_f1_interval_95'])} (bootstrap within each type)"
          if "macro_f1_interval_95" in metrics else f"; macro-F1 {macro_f1_spread(metrics)}")
    # A sample of a few hundred lacks most rare types, which pull the test split's macro-F1 down (297 held-out
    # products: 0.7385 against the split's 0.6989), so it reads better than it is.
    few = ("; macro-F1 over a sample's few types is not comparable with a larger split's"
           if metrics["n"] < SMALL_SAMPLE else "")
    return (f"95% interval (n={metrics['n']:,}) of the model's articleType numbers on products like these: top-1 "
            f"{span(metrics['accuracy_interval_95'])}{top5} (Wilson){f1}{few}")


def read_from_note(m: dict) -> str:
    """How an attribute's numbers were read, for a table or a line: "" for a head's own output, else e.g.
    " (read from articleType; its head alone: top-1 0.9727, macro-F1 0.7732)" (:mod:`fashionrec.levels`)."""
    if "read_from" not in m:
        return ""
    alone = m.get("head_alone") or {}
    beside = (f"; its head alone: top-1 {alone['accuracy']:.4f}, macro-F1 {alone['macro_f1']:.4f}"
              if alone.get("accuracy") is not None else "")
    return f" (read from {m['read_from']}{beside})"


# The 95% intervals a checkpoint keeps beside its numbers, where they were measured (a test's): the model card
# gave the test's numbers without them, where the report beside it had them (a stop 62 check).
SUMMARY_INTERVALS = ("accuracy_interval_95", "top5_accuracy_interval_95", "macro_f1_interval_95")


def summary_metrics(metrics: dict) -> dict:
    """The headline numbers of :func:`evaluate_predictions` (no per-class table), as a checkpoint stores them, with
    their 95% intervals and how they were made (``intervals``) where they were measured (``spread``)."""
    out = {k: metrics[k] for k in ("n", "accuracy", "top5_accuracy", "macro_f1", "weighted_f1",
                                   "macro_precision", "macro_recall", *SUMMARY_INTERVALS, "intervals") if k in metrics}
    if "per_class" in metrics:      # what compares_with_study reads where the table is not kept
        out["n_types"] = _types_scored(metrics["per_class"])
    out["attributes"] = {h: {**{k: m.get(k) for k in SUMMARY_KEYS},
                             **{k: m[k] for k in ("accuracy_interval_95", "macro_f1_interval_95", "read_from",
                                                  "head_alone") if k in m}}
                         for h, m in metrics["attributes"].items()}
    return out


def top5_said(metrics: dict) -> str:
    """A metrics dict's top-5 accuracy as a line prints it: none is computed for a model of 5 types or fewer (every
    type is in its top 5), which printed "top-5 nan" (a 5-type shop's run, an ML engineer's trial, stop 73)."""
    return f"{metrics['top5_accuracy']:.4f}" if "top5_accuracy" in metrics else "n/a (5 types or fewer)"


def top_confusions(y_true: np.ndarray, pred: np.ndarray, class_names: list[str], n: int | None = 20) -> pd.DataFrame:
    """The most frequent (true, predicted) mistakes, as a table (every pair where ``n`` is None)."""
    keep = (y_true >= 0) & (y_true != pred)
    pairs = pd.DataFrame({"true": [class_names[i] for i in y_true[keep]],
                          "predicted": [class_names[i] for i in pred[keep]]})
    if pairs.empty:
        return pd.DataFrame(columns=["true", "predicted", "count"])
    counts = pairs.value_counts().rename("count").reset_index()
    return counts if n is None else counts.head(n)


def confusion_shares(y: np.ndarray, pred: np.ndarray, chosen: list[int]) -> np.ndarray:
    """Confusion matrix over the classes ``chosen``, each row divided by that class's true count (not by
    its plotted cells): mistakes into classes not shown still lower the diagonal, which reads as recall."""
    mask = np.isin(y, chosen)
    cm = confusion_matrix(y[mask], pred[mask], labels=chosen).astype(float)
    totals = pd.Series(y).value_counts().reindex(chosen, fill_value=0).to_numpy(float)
    return cm / np.maximum(totals[:, None], 1)


def confusion_table(y_true: np.ndarray, pred: np.ndarray, class_names: list[str],
                    max_classes: int = 25) -> pd.DataFrame:
    """The confusion matrix :func:`plot_confusion` draws: rows the classes most involved in mistakes, named
    with their number of true products ("Shirts (12)"), each a share of its true products; columns those
    classes, then "(any other class)" for what went to classes not shown."""
    keep = y_true >= 0
    y, p = y_true[keep], pred[keep]
    errors = pd.Series(np.concatenate([y[y != p], p[y != p]])).value_counts()
    chosen = list(errors.index[:max_classes]) or list(pd.Series(y).value_counts().index[:max_classes])
    chosen = sorted(chosen, key=lambda c: class_names[c])
    cm = confusion_shares(y, p, chosen)
    support = pd.Series(y).value_counts().reindex(chosen, fill_value=0).to_numpy()
    # The last column: a row whose mistakes all went elsewhere looked empty (one face moisturiser predicted a
    # perfume, which was not among the classes plotted). A class only predicted, never true, has no share to
    # give (its row read 1.00 there, an ML engineer's trial).
    other = np.where(support > 0, np.clip(1 - cm.sum(axis=1), 0, 1), 0)
    return pd.DataFrame(np.hstack([cm, other[:, None]]),
                        index=[f"{class_names[c]} ({n})" for c, n in zip(chosen, support, strict=True)],
                        columns=[*(class_names[c] for c in chosen), "(any other class)"])


def confusion_figure(y_true: np.ndarray, pred: np.ndarray, class_names: list[str], max_classes: int = 25):
    """:func:`confusion_table` as a heat map (a matplotlib Figure): every cell with a product in it numbered."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = confusion_table(y_true, pred, class_names, max_classes)
    cm, names, columns = table.to_numpy(), list(table.index), list(table.columns)
    fig, ax = plt.subplots(figsize=(0.45 * len(columns) + 3, 0.45 * len(names) + 2.5))
    im = ax.imshow(cm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(columns)), columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    for i in range(len(names)):
        for j in range(len(columns)):
            # Every cell a product is in: one mistaken product of a class of 21 (0.048) was left blank under a
            # threshold of 0.05, a pale cell no one reads as a product.
            if cm[i, j] > 0:
                ax.text(j, i, f"{cm[i, j]:.2f}" if cm[i, j] >= 0.005 else "<.01", ha="center", va="center",
                        fontsize=6, color="white" if cm[i, j] > 0.5 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true (products)")
    # Wrapped to the figure's width, which follows the number of classes: on one line the title ran off both
    # sides of a few-class map (an ML engineer's trial, 6 classes).
    title = (f"articleType confusion: the {len(names)} classes most involved in mistakes "
             "(share of each true class)")
    ax.set_title("\n".join(textwrap.wrap(title, max(20, int(fig.get_figwidth() * 9)))), fontsize=10)
    fig.colorbar(im, ax=ax, fraction=0.03)
    fig.tight_layout()
    return fig


def plot_confusion(y_true: np.ndarray, pred: np.ndarray, class_names: list[str], path: Path,
                   max_classes: int = 25) -> None:
    """:func:`confusion_figure` written to ``path`` as a PNG."""
    import matplotlib.pyplot as plt

    fig = confusion_figure(y_true, pred, class_names, max_classes)
    write_with(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)


def plot_reliability(y: np.ndarray, probs: np.ndarray, path: Path, bins: int = ECE_BINS) -> None:
    """A reliability diagram of a head's probabilities (rows with ``y`` >= 0): per bin of the top probability,
    how often the top label is right, beside the diagonal of a model exactly as sure as it is right."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keep = y >= 0
    which, _, right = confidence_bins(probs[keep], y[keep], bins)
    counts = np.bincount(which, minlength=bins)
    hits = np.bincount(which, weights=right, minlength=bins)
    centres = (np.arange(bins) + 0.5) / bins
    fig, (ax, ax_n) = plt.subplots(2, 1, figsize=(5.5, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    shown = counts > 0
    ax.bar(centres[shown], hits[shown] / counts[shown], width=1 / bins, edgecolor="white", label="accuracy")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="as sure as right")
    ax.set_ylabel("share right")
    ax.set_title(f"articleType: ECE {expected_calibration_error(probs[keep], y[keep], bins):.3f} "
                 f"(n={int(keep.sum()):,})")
    ax.legend(loc="upper left")
    ax_n.bar(centres, counts, width=1 / bins, color="grey", edgecolor="white")
    ax_n.set_xlabel("top probability shown")
    ax_n.set_ylabel("products")
    fig.tight_layout()
    write_with(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)


def compares_with_study(metrics: dict) -> bool:
    """Whether these numbers are like the original study's: products of at least :data:`STUDY_MIN_TYPES`
    article types (its task had 142). A shop's 15-type folder was set beside the study's 0.7749. Reads
    ``per_class``, or ``n_types`` where only :func:`summary_metrics` are kept (a checkpoint's)."""
    n = metrics.get("n_types")
    return (_types_scored(metrics["per_class"]) if n is None else n) >= STUDY_MIN_TYPES


def _types_scored(per_class: dict) -> int:
    """How many classes of a ``per_class`` table have products (a class only predicted has none)."""
    return sum(1 for v in per_class.values() if v["support"])


def prediction_table(items: pd.DataFrame, probs: dict[str, np.ndarray], classes: dict[str, list[str]],
                     seen_by: np.ndarray | None = None,
                     head_alone: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """One row per product scored, in ``items``' order: its id and name, and per head its label and the
    model's guess with its probability (``probs``: calibrated, :meth:`~fashionrec.tagger.Tagger.calibrate`, by
    :func:`evaluate_model`); where known (``seen_by``: "id", "photo" or "" per product, as ``tag`` says it),
    ``trained_on`` and ``trained_on_by``; for a level read from the type (``head_alone``: its own head's calibrated
    probabilities), that head's guess beside it, as the metrics give its numbers. What a user checks the metrics
    against (an ML engineer's trial had to tag the folder again to)."""
    table = items[["id", "productDisplayName"]].reset_index(drop=True).copy()
    for head, p in probs.items():
        names = np.asarray(classes[head], dtype=object)
        if head in items:
            table[head] = items[head].to_numpy()
        table[f"predicted_{head}"] = names[p.argmax(1)]
        table[f"predicted_{head}_prob"] = p.max(1).round(4)
        if head in (head_alone or {}):
            table[f"predicted_{head}_head_alone"] = names[head_alone[head].argmax(1)]
            table[f"predicted_{head}_head_alone_prob"] = head_alone[head].max(1).round(4)
    # Empty where the product has no type label to score (it is not counted wrong, as the metrics do not).
    table["correct"] = (table["articleType"] == table["predicted_articleType"]).astype("boolean").where(
        table["articleType"].notna())
    if seen_by is not None:
        table["trained_on"] = seen_by != ""
        table["trained_on_by"] = seen_by
    return table


def write_eval_report(metrics: dict, labels: np.ndarray, probs: np.ndarray, class_names: list[str],
                      out_dir: str | Path, title: str = "Tagger evaluation",
                      predictions: pd.DataFrame | None = None,
                      reliability: tuple[np.ndarray, np.ndarray] | None = None,
                      classes: dict[str, list[str]] | None = None) -> Path:
    """Write metrics.json, confusion.png, confusions.csv (every mistaken pair), per_class.csv (every head's
    classes), report.md and, given ``predictions``, predictions.csv into ``out_dir``; given ``reliability``
    (articleType's labels and the probabilities shown), reliability.png. ``classes``: every head's class names,
    for the report's line on another head's classes not measured."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pred = probs.argmax(1)
    write_json(out / "metrics.json", metrics)
    per_class = per_class_table(metrics)
    write_with(out / "per_class.csv", lambda tmp: per_class.to_csv(tmp, index=False))
    plot_confusion(labels, pred, class_names, out / "confusion.png")
    conf = top_confusions(labels, pred, class_names, n=None)
    # Named, as per_class.csv beside it names each row's head: "true,predicted,count" alone did not say these are
    # article types (stop 75, an ML engineer's trial).
    conf.insert(0, "head", metrics.get("head", "articleType"))
    write_with(out / "confusions.csv", lambda tmp: conf.to_csv(tmp, index=False))
    if predictions is not None:
        write_with(out / "predictions.csv", lambda tmp: predictions.to_csv(tmp, index=False))
    study = compares_with_study(metrics)
    rows = [("top-1 accuracy", "accuracy", f"{ORIGINAL_STUDY['test_accuracy']:.4f}"),
            ("top-5 accuracy", "top5_accuracy", "not reported"),
            ("macro-F1", "macro_f1", f"{ORIGINAL_STUDY['reported_overall_f1']} (misaligned predictions)"),
            ("weighted-F1", "weighted_f1", "not reported"),
            ("macro precision", "macro_precision", ""), ("macro recall", "macro_recall", "")]
    # A column of 95% intervals where they were measured (:func:`head_metrics` spread).
    spreads = "accuracy_interval_95" in metrics
    cells = [f"| {name} | {metrics.get(key, float('nan')):.4f} |"
             + (f" {span(metrics.get(f'{key}_interval_95'))} |" if spreads else "") for name, key, _ in rows]
    head = "| metric | this model |" + (" 95% interval |" if spreads else "")
    rule = "|---|---|" + ("---|" if spreads else "")
    if study:
        table = [f"{head} original study (custom CNN) |", f"{rule}---|",
                 *(f"{cell} {theirs} |" for cell, (_, _, theirs) in zip(cells, rows, strict=True))]
    else:
        table = [head, rule, *cells,
                 "", f"Not set beside the original study's numbers (top-1 {ORIGINAL_STUDY['test_accuracy']:.4f} "
                 f"over 142 article types): these products are of fewer than {STUDY_MIN_TYPES} types."]
    # When, by what and with which weights: the JSON beside it said so, report.md alone did not (a maintainer's
    # trial handed on report.md without its date or command).
    made = ", ".join(f"{what} {metrics[k]}" for k, what in (
        ("created", "written"), ("fashionrec_version", "fashionrec"), ("fashionrec_revision", "revision"),
        ("model_sha256", "model SHA-256")) if metrics.get(k))
    made_line = ("Made" + (f" by `{metrics['command']}`" if metrics.get("command") else "")
                 + (f" ({made})" if made else "") + ".") if metrics.get("command") or made else ""
    spread = interval_said(metrics)
    lines = [
        f"# {title}", "",
        f"Model: `{metrics.get('model', '?')}` on `{metrics.get('data', '?')}` ({metrics['n']} images, "
        f"split: {metrics.get('split', '?')}).", "",
        *([made_line, ""] if made_line else []),
        *[f"> {line}\n" for line in caveats(metrics)],
        *table, "",
        *([spread + ".", ""] if spread else []),
        "## Other attributes", "",
        *(["| head | n | accuracy | 95% interval | macro-F1 | 95% interval |", "|---|---|---|---|---|---|"] if spreads
          else ["| head | n | accuracy | macro-F1 |", "|---|---|---|---|"]),
    ]
    for h, m in metrics.get("attributes", {}).items():
        if m.get("n"):
            lines.append(f"| {h}{read_from_note(m)} | {m['n']} | {m['accuracy']:.4f} | "
                         + (f"{span(m.get('accuracy_interval_95'))} | {m['macro_f1']:.4f} | "
                            f"{span(m.get('macro_f1_interval_95'))} |" if spreads else f"{m['macro_f1']:.4f} |"))
    if spreads:
        lines += ["", "Top-1 and top-5 intervals are Wilson's; macro-F1's a bootstrap within each type "
                  f"({BOOTSTRAP_RESAMPLES:,} resamples, seed {BOOTSTRAP_SEED}: each type keeps its number of products, "
                  "as a split drawn type by type does, a type of one product gets a spread of its own, and the "
                  "spread is placed around the number): how far each could be on other products like these."]
    if metrics.get("calibration"):
        lines += ["", "## Calibration of the probabilities shown", "",
                  "Expected calibration error (ECE, 15 bins: the mean gap between how sure the model says it is and "
                  "how often it is right) and negative log-likelihood, over the products whose label is a class of "
                  "the model. ECE reads higher the fewer products each bin holds (each bin's share right is a noisy "
                  "count): beside it, the ECE a model exactly as sure as it is right would read on these products "
                  "(the mean of 200 draws); read the gap between the two, not the ECE alone, on a small folder.", "",
                  "| head | n | ECE | ECE of an exactly calibrated model | NLL | median top probability | "
                  "temperature fitted |", "|---|---|---|---|---|---|---|"]
        lines += calibration_rows(metrics["calibration"])
        if reliability is not None:
            plot_reliability(*reliability, out / "reliability.png")
            lines += ["", "![reliability of articleType's probabilities](reliability.png)"]
    if metrics.get("auto_accept"):
        from fashionrec.auto_accept import auto_accept_rows

        lines += ["", "## Auto-accept thresholds", "",
                  "For each probability threshold of the article type shown: how many products the tagger would tag "
                  "without review (at or above it), and how often it is right on them; the rest go to review "
                  "(`fashionrec tag --review-below T`). `tag` reads an unsure photo through its views too, so its "
                  "share under a threshold can differ a little. Every head's table is under `auto_accept` in "
                  "metrics.json.", "", *auto_accept_rows(metrics["auto_accept"])]
    lines += ["", "## Most frequent confusions", "", "| true | predicted | count |", "|---|---|---|"]
    lines += [f"| {r.true} | {r.predicted} | {r.count} |" for r in conf.head(20).itertuples()]
    if len(conf) > 20:
        lines += ["", f"All {len(conf)} mistaken pairs are in confusions.csv."]
    # Its text says what it shows and where its numbers are: "confusion matrix" alone told a screen reader's user
    # nothing (an accessibility trial).
    lines += ["", "![Heat map of articleType confusion among the classes most involved in mistakes: each true class's "
              "row as shares of its products, predicted classes across; the numbers are in Most frequent confusions "
              "above and confusions.csv](confusion.png)", "", "## Per class (by support)", ""]
    lines += per_class_rows(metrics["per_class"]) + unmeasured_rows(metrics["per_class"], class_names)
    for h, m in metrics.get("attributes", {}).items():
        if m.get("per_class"):
            read = f", read from {m['read_from']}" if "read_from" in m else ""
            lines += ["", f"## Per class of {h} (by support{read})", ""]
            # The columns' notes are said once, above articleType's table.
            lines += per_class_rows(m["per_class"], explain=False) + unmeasured_rows(m["per_class"],
                                                                                     (classes or {}).get(h, []))
    lines += ["", "Every head's per-class numbers are in per_class.csv too (one row per head and class; a \"—\" "
              "above is an empty cell there, and 0 in metrics.json's per_class, as scikit-learn gives it)."]
    report = out / "report.md"
    write_text(report, "\n".join(lines) + "\n")
    return report


def calibration_rows(calibration: dict) -> list[str]:
    """report.md's calibration table rows of ``calibration`` ({head: :func:`~fashionrec.calibration.quality` with
    ``ece_floor`` and ``temperature_fitted``}), a head left uncalibrated with the way it leans: "no" alone beside
    an ECE of 0.46 did not say whether the model was surer or less sure than right, which `evaluate`'s lines say
    (stop 75, an ML engineer's trial)."""
    def fitted(c: dict) -> str:
        if c.get("temperature_fitted"):
            return "yes"
        return f"no: they read {way}" if (way := lean(c)) else "no"

    return [f"| {h} | {c['n']} | {c['ece']:.4f} | {c.get('ece_floor', float('nan')):.4f} | {c['nll']:.4f} | "
            f"{c['median_top_prob']:.3f} | {fitted(c)} |" for h, c in calibration.items() if c.get("n")]


def per_class_table(metrics: dict) -> pd.DataFrame:
    """One row per head and class of :func:`evaluate_predictions`' per-class tables (articleType's at the top level,
    the other heads' under ``attributes``), by head then support: what a script filters (the rare colours a
    head never reads right) without walking the JSON. Columns: head, class, support, predicted, precision, recall,
    f1, model_class (False: a catalogue label the model has no class for), and the 95% intervals' low and high
    ends where they were measured; precision (recall) empty for a class never predicted (with no product here)."""
    rows = []
    heads = {metrics.get("head", "articleType"): metrics, **metrics.get("attributes", {})}
    for head, m in heads.items():
        for name, v in sorted((m.get("per_class") or {}).items(), key=lambda kv: -kv[1]["support"]):
            # A share of no products is empty here, as report.md's "—" (scikit-learn's 0 in the JSON): a script's
            # mean of the column would count a class never predicted as a precision of 0.
            row = {"head": head, "class": name, "support": v["support"], "predicted": v.get("predicted"),
                   **{k: None if _share(v, k) == "—" else v[k] for k in ("precision", "recall")}, "f1": v["f1"],
                   "model_class": v.get("model_class", True)}
            for key in ("precision", "recall", "f1"):
                low, high = v.get(f"{key}_interval_95") or (None, None)
                row[f"{key}_low_95"], row[f"{key}_high_95"] = low, high
            rows.append(row)
    return pd.DataFrame(rows, columns=["head", "class", "support", "predicted", "precision", "recall", "f1",
                                       "model_class", "precision_low_95", "precision_high_95", "recall_low_95",
                                       "recall_high_95", "f1_low_95", "f1_high_95"])


FEW_PRODUCTS = 10      # report.md marks a class of fewer products "(few)": one product moves its recall by over 0.1


def per_class_rows(per_class: dict, explain: bool = True) -> list[str]:
    """report.md's per-class table, by support, with a note on the classes of under :data:`FEW_PRODUCTS` products.

    Each of precision, recall and F1 has its 95% interval beside it where it was measured (:func:`head_metrics`
    spread; a metrics.json from stop 63 has recall's alone): Wilson's for precision and recall (shares of the
    products said to be the class and of those that are), :func:`f1_interval` for F1. On the 1-5 products most types
    of a 300-product folder have they say how little one reads (a recall of 1.000 on one product is 0.207-1.000).
    ``explain=False``: without the notes on the intervals and on "—", said once above the first table."""
    rows = sorted(per_class.items(), key=lambda kv: -kv[1]["support"])
    spreads = [key for key in ("precision", "recall", "f1") if any(f"{key}_interval_95" in v for _, v in rows)]
    few = sum(1 for _, v in rows if 0 < v["support"] < FEW_PRODUCTS)
    lines = [f"{few} of these {sum(1 for _, v in rows if v['support'])} classes have fewer than {FEW_PRODUCTS} "
             "products here (marked \"few\"): their precision, recall and F1 are a few products', which one product "
             "moves by more than a tenth" + (", as their intervals show" if spreads else "") + ".", ""] \
        if few else []
    if spreads and explain:
        # Said once above the table, so that its columns can stay short ("95%") and the lines under 100 characters.
        lines += ["Each \"95%\" column is the interval of the number to its left: precision's and recall's Wilson's "
                  "(shares of the products predicted as the class and of the class's own), F1's Wilson's of the "
                  "share right among the products that are the class or predicted as it (J), as F1 = 2J / (1 + J). "
                  "Blank where the share would be of no products (precision's of a class never predicted).", ""]
    if explain and any(_share(v, key) == "—" for _, v in rows for key in ("precision", "recall")):
        lines += ["A \"—\" is a share of no products: the recall of a class with none here (only predicted), the "
                  "precision of one never predicted. scikit-learn counts each as 0 in the macro averages, as the "
                  "numbers above do.", ""]
    head = "".join(f" {name} |" + (" 95% |" if key in spreads else "")
                   for name, key in (("precision", "precision"), ("recall", "recall"), ("F1", "f1")))
    lines += [f"| class | support |{head}", "|---|---|" + "---|" * (3 + len(spreads))]
    for name, v in rows:
        shown = f"{v['support']}{' (few)' if 0 < v['support'] < FEW_PRODUCTS else ''}"
        cells = "".join(f" {_share(v, key)} |" + (f" {span(v.get(f'{key}_interval_95'))} |" if key in spreads else "")
                        for key in ("precision", "recall", "f1"))
        lines.append(f"| {name}{UNSEEN_CLASS if v.get('model_class') is False else ''} | {shown} |{cells}")
    return lines


def unmeasured_rows(per_class: dict, class_names: list[str]) -> list[str]:
    """report.md's line naming the model's classes with no product here and none predicted as them: in neither the
    per-class table nor the macro averages. A trial's 400 products left 67 of the shipped model's 141 types out, and
    its report did not say so (stop 65)."""
    missing = [c for c in class_names if c not in per_class]
    if not missing:
        return []
    return ["", f"Not measured: {len(missing)} of the model's {len(class_names)} classes have no product here and none "
                "was predicted as them, so they are in neither the table nor the macro averages: "
                + ", ".join(missing) + "."]


def _share(v: dict, key: str) -> str:
    """One per-class number as report.md shows it: "—" for a share of no products (recall of a class with no product
    here, precision of one never predicted), which scikit-learn's zero_division sets to 0: a trial's report read
    "Jackets | 0 | ... | recall 0.000" on a folder with no jackets (stop 65)."""
    undefined = (key == "recall" and not v["support"]) or (key == "precision" and v.get("predicted") == 0)
    return "—" if undefined else f"{v[key]:.3f}"


def caveats(metrics: dict) -> list[str]:
    """What a reader of these numbers must know: products the model trained on, labels it never saw,
    products left out of a head for want of a label. Printed by `fashionrec evaluate` and in report.md."""
    m, lines = metrics, []

    def numbers(w: dict | None, them: str = "them") -> str:
        return (f": without {them} top-1 {w['accuracy']:.4f}, top-5 {top5_said(w)}, "
                f"macro-F1 {w['macro_f1']:.4f} (n={w['n']:,})") if w else ""

    # --split all: the numbers without every product it has seen go with the last line that counts them.
    copied = m.get("photo_copies_of_training")
    # Counted over every product scored, not over those with a type label (m["n"]): "337 of these 388" beside
    # a JSON with trained_on 337 of n_products 389 (a shop's trial).
    total = m.get("n_products", m["n"])
    test_copies = m.get("test_photo_copies_of_training")
    if m.get("trained_on") and m.get("split") == "test":
        lines.append(f"{m['trained_on']:,} of these {total:,} test products are training or validation products of "
                     "a model this one was started from (--init): these numbers overstate how it does on new "
                     f"ones{'' if test_copies else numbers(m.get('without_photo_copies'))}")
    elif m.get("trained_on"):
        lines.append(f"{m['trained_on']:,} of these {total:,} products are the model's own training or validation "
                     "products, or those of a model it was started from: these numbers overstate how it does on new "
                     "ones (--split test scores the held-out products)"
                     f"{'' if copied else numbers(m.get('without_seen_products'))}")
    elif m.get("trained_on", 0) is None:
        why = m.get("trained_on_unknown") or ("it records no split, or the catalogue it was trained on is not on "
                                              "this machine")
        lines.append(f"could not check whether the model trained on some of these products ({why}; neither by id "
                     "and name nor by photo): if they come from that catalogue, these numbers may overstate how it "
                     "does on new ones")
    if copied:
        # "them" read as the copies alone where the trained-on products are left out too (a trial)
        them = "all the products it has seen" if m.get("trained_on") else "them"
        lines.append(f"{copied:,} {'more ' if m.get('trained_on') else ''}of these {total:,} products "
                     f"{'has' if copied == 1 else 'have'}, byte "
                     "for byte, the photo of one of the model's training or validation products under another id "
                     "or name (renumbered or renamed copies: the model has seen them)"
                     f"{numbers(m.get('without_seen_products'), them)}")
    if test_copies:
        them = "all the products it has seen" if m.get("trained_on") else "them"
        # Not "(the catalogue lists some photos under several ids)" alone: a shop's `--init shipped` model, its photos
        # the shared catalogue's, had 34 of 37 test products that were copies of the start model's (stop 72).
        lines.append(f"{test_copies:,} {'more ' if m.get('trained_on') else ''}of these {total:,} test products "
                     f"{'has' if test_copies == 1 else 'have'}, byte for byte, "
                     "the photo of a product the model, or one it was started from (--init), trained or was "
                     "validated on (under another id: the catalogue's own duplicates, or a shop's photos taken from "
                     f"the catalogue it learnt){numbers(m.get('without_photo_copies'), them)}")
    for head, values in m.get("unseen_values", {}).items():
        like = m.get("unseen_values_like", {}).get(head, {})
        shown = first_few([f"{v!r} ({n}" + (f", the model's {like[v]!r}?)" if v in like else ")")
                           for v, n in values.items()], 10)
        article = "an" if head[:1].lower() in "aeio" else "a"      # "a usage"
        n = sum(values.values())
        lines.append(f"{n} image{'s have' if n != 1 else ' has'} {article} {head} the model was not trained on, "
                     f"counted as errors: {shown}")
    left = m.get("left_out") or {}
    if any(left.values()):
        lines.append(f"not scored, as no prediction could be made: {left_out_said(left, m.get('table'))}")
    if loose := m.get("photos_without_row"):
        lines.append(f"not scored, as {m.get('table') or 'styles.csv'} has no row for them (no labels to score "
                     f"against): {len(loose)} photo{'s' * (len(loose) != 1)} of the folder ({first_few(loose, 5)}); "
                     "`fashionrec tag` tags them")
    unlabelled = {h: m["n_products"] - n for h, n in [("articleType", m["n"])] + [
        (h, a.get("n", 0)) for h, a in m.get("attributes", {}).items()] if m.get("n_products", 0) > n}
    if unlabelled:
        # "NA" counts here as no label, as in training, though data check keeps it as the catalogue's value.
        lines.append("products without a label (an empty field or the catalogue's NA), left out of that head's "
                     "scores: " + ", ".join(
            f"{h} {n}" for h, n in unlabelled.items()))
    return lines


def left_out_said(left: dict[str, list[int]], table: str | None = None) -> str:
    """:func:`left_out`'s rows in words, for a report or a command's output. ``table``: the file of the folder's
    rows (a :class:`~fashionrec.catalog.DataReport`'s ``table_name``; None: styles.csv, a metrics file written
    before stop 72 names none)."""
    parts = [f"{len(left[k])} {what} (ids {first_few(left[k], 10)})"
             for k, what in (("missing_image", "without an image"), ("unreadable_image", "with an unreadable "
                             "image")) if left.get(k)]
    if left.get("rows_rejected"):
        n = len(left["rows_rejected"])
        # The shop's products.csv where columns.json names it: "rows of styles.csv" named a file it lacks (stop 72).
        parts.insert(0, f"{n} row{'s' * (n != 1)} of {table or 'styles.csv'} that could not be read "
                        f"(line{'s' * (n != 1)} {', '.join(map(str, left['rows_rejected'][:10]))})")
    return "; ".join(parts) + " (`fashionrec data check` says why)"


def left_out(report) -> dict:
    """The rows of a folder that gave no product to score (a :class:`~fashionrec.catalog.DataReport`'s):
    unreadable lines of styles.csv (by line number, and why: ``rows_rejected_reasons``, line -> reason), and ids
    without an image or with an unreadable one."""
    # The reasons beside the lines: a Python user found [52, 53] and had to load the catalogue to learn why.
    return {"rows_rejected": [int(r.line) for r in report.rows_rejected],
            "rows_rejected_reasons": {str(r.line): r.reason for r in report.rows_rejected},
            "missing_image": [int(i) for i in report.missing_image_ids],
            "unreadable_image": [int(p.id) for p in report.unreadable_image]}


def with_unseen_classes(y: np.ndarray, probs: np.ndarray, values: np.ndarray,
                        outside: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Labels ``outside`` the model's classes, each value (``values``, the rows' labels as written) its own
    extra class that is never predicted: (labels, scores, the extra classes' names). They stay in the
    denominators as errors, and each counts once in a macro average, with F1 0; before, every unknown type
    was one class, and a folder with 46 types a model did not know scored a macro-F1 of 0.50 where
    scikit-learn over its real types gave 0.10. Their scores are -inf, below every probability and
    log-probability, so they are never predicted (a score of 0 could tie with probabilities that underflowed to
    0, and win), and :func:`head_metrics` tells them from the model's own classes."""
    names = sorted({str(v) for v in values[outside]})
    code = {v: probs.shape[1] + i for i, v in enumerate(names)}
    y = y.copy()
    y[outside] = [code[str(v)] for v in values[outside]]
    return y, np.hstack([probs, np.full((len(y), len(names)), -np.inf, probs.dtype)]), names


def seen_by_model(items: pd.DataFrame, meta: dict, progress: bool = False,
                  checkpoint: str | Path | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """(trained, copies), bool per row of ``items``: the products the model trained or was validated on (id
    and name), those of the models it was started from (``--init``) too, and, among the rest with a photo,
    those whose photo is, byte for byte, one of those products' (renumbered or renamed copies: the model has
    seen them). None where the model's own cannot be known (see :func:`trained_products`; ``checkpoint``: the
    model's file, beside whose run the split it records may be). What `evaluate`, `tag` and `evaluate-recs`
    count alike."""
    found = seen_by_model_apart(items, meta, progress, checkpoint)
    return None if found is None else (found[0] | found[1], found[2])


def seen_by_model_apart(items: pd.DataFrame, meta: dict, progress: bool = False,
                        checkpoint: str | Path | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(own, started, copies), bool per row of ``items``: :func:`seen_by_model`'s trained products told apart into
    those the model itself trained or was validated on and those only a model it was started from (``--init``)
    did, which no split of this catalogue leaves out: `evaluate-recs` of a shop's model told to re-make its split
    for 13 of 14 test queries the shipped model had trained on, where the split it named was the one queried (a
    new user's trial, stop 64). ``copies`` as :func:`seen_by_model`'s."""
    learnt = trained_products(items, meta, progress, checkpoint)
    if learnt is None:
        return None
    own = same_products(items, learnt)
    earlier = started_from_products(items, meta, progress)
    learnt = pd.concat([learnt, *earlier], ignore_index=True)
    trained = same_products(items, learnt)
    rest = ~trained
    if "image_status" in items:     # a catalogue's rows without a photo have none to compare
        rest &= (items["image_status"] == "ok").to_numpy()
    copies = np.zeros(len(items), bool)
    copies[rest] = photo_copies(items[rest], learnt)
    return own, trained & ~own, copies


def why_seen_unknown(meta: dict, checkpoint: str | Path | None = None) -> str:
    """Why :func:`seen_by_model` cannot tell the products a model trained on (it gave None), said so that the user
    knows what to do: "it records no split, or the catalogue it was trained on is not on this machine" was all a
    shop's trial got where that catalogue was there and had changed since (a type's typo corrected, a photo
    added), so that the recorded split could not be made again (a new user's trial, stop 63)."""
    from fashionrec.catalog import default_data_dir

    recorded = meta.get("split") or {}
    if not recorded.get("config") or not recorded.get("test_ids_sha256"):
        return "it records no split"
    where = _training_catalogue(meta.get("data"))
    if where is None:
        # A checkpoint that records no catalogue folder (one made elsewhere) read "the catalogue it was trained on,
        # None, is not on this machine" (a code review): said as the folders looked in.
        if not meta.get("data"):
            return ("it records no catalogue folder, and none was found where one is looked for "
                    f"({default_data_dir()}, or $FASHIONREC_DATA)")
        return f"the catalogue it was trained on, {meta.get('data')}, is not on this machine"
    # Looked for by its recorded folder and $FASHIONREC_DATA: what was found may be that catalogue changed, or another.
    # And the run's split.csv (trained_products) was not there to say it instead.
    beside = run_split_path(checkpoint)
    if beside is None:
        nor = "; nor is its run's split.csv beside it (the model file is not in a `train` run's weights/)"
    elif not beside.is_file():
        nor = f"; nor is its run's {beside} there"
    else:
        nor = f"; and {beside} is not its split"
    return (f"{where}, where the catalogue it was trained on was looked for, no longer splits as it did: rows added, "
            f"removed or relabelled since, or photos added or gone, or another catalogue{nor if checkpoint else ''}")


def started_from_products(items: pd.DataFrame, meta: dict, progress: bool = False) -> list[pd.DataFrame]:
    """The products (rows with their ``image_path``, as :func:`trained_products` gives them) that the models
    ``meta``'s was started from (``--init``) trained or were validated on, one frame per model, where known;
    a warning names a model whose products cannot be told on this machine. A model started from another has
    seen that one's products too: a shop's model from `--init shipped`, evaluated on a catalogue cut from the
    shipped model's, scored top-1 0.960 on 25 test products, 22 of them the shipped model's, and said none (an
    integrator's trial)."""
    found = []
    for stage in _earlier_stages(meta):
        theirs = trained_products(items, stage, progress)
        if theirs is None:
            log.warning("the products %s trained on cannot be told here (its training catalogue %s is not on this "
                        "machine): those of the model this one was started from are not counted as seen",
                        stage.get("name") or "a model it was started from", stage.get("data"))
        else:
            found.append(theirs)
    return found


def _split_key(meta: dict) -> tuple[str, str | None]:
    """What tells one split of one catalogue from another: the catalogue's folder and the test ids' digest."""
    data = meta.get("data")
    return (str(Path(data).resolve()) if data else "", (meta.get("split") or {}).get("test_ids_sha256"))


def _earlier_stages(meta: dict) -> list[dict]:
    """The descriptions (their ``split`` and ``data``) of the checkpoints ``meta``'s model was started from,
    where known: as its lineage records them, or, for a lineage recorded before it kept them, read from the
    checkpoint it names (``shipped``: the model this package ships). An ensemble's (and a probe's over one) are its
    members' stages: an ensemble of two members started from a model of another split counted none of the 19 of
    its 21 test products that model trained on, where each member alone counted them (a review). A stage of the
    model's own split, or of one already listed, is left out: it adds no product. A member's stage recorded
    without its split (before stages kept it: the shipped ensemble's) is passed over without a word, as the
    ensemble itself checked that each member was trained on its split."""
    from fashionrec.modelcard import lineage
    from fashionrec.tagger import SHIPPED_MODEL
    from fashionrec.train import SHIPPED

    stages, listed = [], {_split_key(meta)}
    members = [s for m in meta.get("member_checkpoints") or [] for s in m.get("stages") or []
               if (s.get("split") or {}).get("test_ids_sha256")]
    for stage in [*lineage(meta), *members]:
        if not (stage.get("split") or {}).get("test_ids_sha256"):
            path = stage.get("path")
            described = (SHIPPED_MODEL if path == SHIPPED else Path(path)).with_suffix(".json") if path else None
            try:
                stage = read_json(described) if described is not None and described.is_file() else {}
            except (OSError, ValueError):
                stage = {}
            if not stage:       # said, as a training catalogue not on this machine is (a review)
                log.warning("the products the model %s trained on cannot be told (its description %s is not here): "
                            "they are not counted as seen", path, described)
        if (stage.get("split") or {}).get("test_ids_sha256") and _split_key(stage) not in listed:
            listed.add(_split_key(stage))
            stages.append(stage)
    return stages


def seen_in_test(test_items: pd.DataFrame, own: pd.DataFrame, earlier: list[pd.DataFrame]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(trained, copies), (len(test_items),) bool each: the test products that a model this one was started from
    (``--init``) trained or was validated on, by id and name (``earlier``: their products, one frame per model, as
    :func:`started_from_products` gives them); and, among the rest, those whose photo is, byte for byte, the photo
    of one of those or of the model's own training and validation products (``own``): renumbered or renamed copies,
    which the model has seen. What `evaluate --split test`, `train`, `ensemble` and `probe` count alike (`train`
    counted by id and name only, and gave other numbers without them than `evaluate`: a code review)."""
    trained = same_products(test_items, pd.concat(earlier)) if earlier else np.zeros(len(test_items), bool)
    copies = np.zeros(len(test_items), bool)
    copies[~trained] = photo_copies(test_items[~trained], pd.concat([own, *earlier], ignore_index=True))
    return trained, copies


def seen_by_earlier_stages(items: pd.DataFrame, test_items: pd.DataFrame, meta: dict, own: pd.DataFrame
                           ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`seen_in_test` of a model's test products (rows of its catalogue ``items``; ``own``: its training and
    validation products), the models it was started from read from ``meta``'s lineage (an ensemble's: its
    members'). What `train`, `ensemble` and `probe` say of their own test, as `evaluate --split test` does."""
    return seen_in_test(test_items, own, started_from_products(items, meta))


def note_seen_before(metrics: dict, seen: tuple[np.ndarray, np.ndarray], labels: dict[str, np.ndarray],
                     probs: dict[str, np.ndarray], classes: dict[str, list[str]],
                     levels: dict[str, np.ndarray] | None = None) -> None:
    """Add to test ``metrics`` (of ``labels``, ``probs``, ``levels`` as :func:`evaluate_predictions` took them) what
    ``seen`` (:func:`seen_in_test`'s trained, copies) marks, as `evaluate --split test` gives it: how many products a
    model this one was started from trained on (``trained_on``, where some), how many are photo copies of a product
    seen (``test_photo_copies_of_training``), and the numbers without both (``without_photo_copies``)."""
    trained, copies = seen
    metrics["test_photo_copies_of_training"] = int(copies.sum())
    if trained.any():
        metrics["trained_on"] = int(trained.sum())
    out = trained | copies
    if out.any() and (~out).any():
        metrics["without_photo_copies"] = summary_metrics(evaluate_predictions(
            {h: y[~out] for h, y in labels.items()}, {h: p[~out] for h, p in probs.items()}, classes,
            read_from_type={h: p[~out] for h, p in (levels or {}).items()}))


def tested(metrics: dict) -> dict:
    """What a checkpoint keeps of its test ``metrics``: :func:`summary_metrics`, and the products a model it was
    started from trained on, with the numbers without them (:func:`note_seen_before`)."""
    return {**summary_metrics(metrics), **{k: metrics[k] for k in ("trained_on", "test_photo_copies_of_training",
                                                                   "without_photo_copies") if k in metrics}}


def held_out(metrics: dict) -> str:
    """A test report's title word: "held-out test split", or "not wholly held-out" where a model this one was
    started from trained on some of its products (a report said "held-out" of 19 such products in 21)."""
    return f"{'not wholly ' if metrics.get('trained_on') else ''}held-out test split"


def same_products(items: pd.DataFrame, learnt: pd.DataFrame) -> np.ndarray:
    """Which of ``items`` are products of ``learnt``: the same id, and the same name too where both have names,
    so that another shop's product 1163 is not taken for this catalogue's."""
    if "productDisplayName" not in items or "productDisplayName" not in learnt:
        return items["id"].isin(learnt["id"]).to_numpy()
    names = learnt.drop_duplicates("id").set_index("id")["productDisplayName"]
    trained_name = items["id"].map(names)
    return (items["id"].isin(names.index) & (items["productDisplayName"].fillna("")
                                             == trained_name.fillna(""))).to_numpy()


def trained_products(items: pd.DataFrame, meta: dict, progress: bool = False,
                     checkpoint: str | Path | None = None) -> pd.DataFrame | None:
    """The rows (with their ``image_path``) of the products the model trained or was validated on; None where
    that cannot be known.

    ``items`` re-make the recorded split themselves when they are the model's own catalogue. Otherwise
    (a folder of some of its products, or another catalogue) the train and val parts of the recorded split
    are re-made from the training catalogue the checkpoint names (``data``: as given, from the working
    folder or from this checkout; or ``$FASHIONREC_DATA``). Where that catalogue has changed since, its
    products of the ids the run's own ``split.csv`` (beside ``checkpoint``'s ``weights/``) puts in train and val,
    where that file is this model's split.
    """
    from fashionrec.splits import SplitConfig, make_recorded_split

    recorded = meta.get("split", {})
    if not recorded.get("config") or not recorded.get("test_ids_sha256"):
        return None

    config = SplitConfig(**recorded["config"])
    # A split is drawn from the rows with a photo (Catalog.usable); a row without one, re-drawn among them, was
    # taken for a product learnt, and its absent photo read for copies: `tag SHOP --index` of a shop's own model
    # stopped at "[Errno 2] No such file or directory: 'shop/images/26936.jpg'" (a new user's trial, stop 65).
    with_photo = items[items["image_status"] == "ok"] if "image_status" in items else items
    try:
        split = make_recorded_split(with_photo, config, recorded["test_ids_sha256"])
        if split.fingerprint("test") == recorded["test_ids_sha256"]:
            return with_photo[with_photo["id"].isin(split.ids("train", "val"))]
    except ValueError:
        pass
    where = _training_catalogue(meta.get("data"))
    if where is None:
        return None
    # Its rows without photos are that catalogue's news, not this run's. Whether its files exist is enough
    # to re-make the split where none is unreadable (seconds, where decoding 44k photos takes a minute);
    # the fingerprint tells when it is not.
    # A split that keeps copies together draws photos by their digests, which only a check of the files reads.
    for check in (True,) if config.copies == "together" else (False, True):
        trained = _training_rows(where, check, progress)
        try:
            split = make_recorded_split(trained, config, recorded["test_ids_sha256"])
        except ValueError:
            continue
        if split.fingerprint("test") == recorded["test_ids_sha256"]:
            return trained[trained["id"].isin(split.ids("train", "val"))]
    # A shop that corrected a type's typo and added a photo after `train --init shipped` could not be told which
    # queries its model trained on (a new user's trial, stop 63): the run wrote which ids went where.
    ids = run_split_ids(checkpoint, recorded["test_ids_sha256"])
    if ids is None:
        return None
    trained = _training_rows(where, False)
    return trained[trained["id"].isin(ids)]


# One training catalogue's usable rows as last read, with each photo's (size, mtime_ns) then.
_TRAINING_ROWS: dict[tuple, tuple[pd.DataFrame, np.ndarray]] = {}


def _photo_stats(paths) -> np.ndarray | None:
    """(n, 2) int64: each photo file's size and modification time (ns); None where one cannot be read."""
    try:
        return np.array([(st.st_size, st.st_mtime_ns) for st in map(os.stat, paths)], np.int64).reshape(-1, 2)
    except OSError:
        return None


def _training_rows(where: Path, check: bool, progress: bool = False) -> pd.DataFrame:
    """The usable rows of the training catalogue ``where`` (:func:`~fashionrec.catalog.load_catalog`'s), kept for
    the process while its styles.csv, its images folder (a photo added, removed or renamed changes the folder's
    time) and each photo's size and time are unchanged: `data split` now counts a shop's test products the shipped
    model trained on, and each call read its 44k rows again, 10-35 s on a busy machine (stop 66). A photo replaced
    in place under its name leaves the folder's time as it was, and its size and digest were then kept stale, so
    the copies found (:func:`photo_copies`) were the old photo's (stop 68): each file's size and time are looked at
    again at every call (0.4-1.4 s at 39,730 photos on 2 cores at load 16-17, where a read takes 23-27 s), and any
    change reads the catalogue again. Not to be changed by the caller."""
    from fashionrec.catalog import load_catalog

    styles, images = table_path(where), images_path(where)
    key = (str(where.resolve()), check, styles.stat().st_size, styles.stat().st_mtime_ns,
           images.stat().st_mtime_ns if images.is_dir() else 0)
    kept = _TRAINING_ROWS.get(key)
    if kept is not None:
        now = _photo_stats(kept[0]["image_path"])
        if now is not None and np.array_equal(now, kept[1]):
            return kept[0]
    _TRAINING_ROWS.clear()      # one catalogue at a time: 44k rows are some 50 MB
    rows = load_catalog(where, check_images=check, progress=progress and check, warn=False).usable.copy()
    # Their photos' sizes, which photo_copies compares first: a stat of each of 36k files took seconds a call.
    stats = _photo_stats(rows["image_path"])
    if stats is None:       # a photo gone since the catalogue was read: its size read as photo_copies reads it
        rows["photo_size"] = [Path(p).stat().st_size if Path(p).exists() else -1 for p in rows["image_path"]]
        return rows
    rows["photo_size"] = stats[:, 0]
    _TRAINING_ROWS[key] = (rows, stats)
    return rows


def run_split_path(checkpoint: str | Path | None) -> Path | None:
    """Where the `train` run that wrote ``checkpoint`` (``RUN/weights/best.*``) saved its split: ``RUN/split.csv``;
    None for a model file elsewhere."""
    if checkpoint is None or Path(checkpoint).parent.name != "weights":
        return None
    return Path(checkpoint).parent.parent / "split.csv"


def run_split_ids(checkpoint: str | Path | None, test_ids_sha256: str) -> set[int] | None:
    """The ids the run's ``split.csv`` (:func:`run_split_path`) puts in train and val, where its test ids are the
    model's (``test_ids_sha256``, as its checkpoint records them); None where there is no such file."""
    from fashionrec.splits import Split

    path = run_split_path(checkpoint)
    if path is None or not path.is_file():
        return None
    try:
        split = Split.load(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if split.fingerprint("test") != test_ids_sha256:
        return None
    return {int(i) for i in split.ids("train", "val")}


def photo_copies(items: pd.DataFrame, others: pd.DataFrame) -> np.ndarray:
    """(len(items),) bool: whose photo file is, byte for byte, the photo of a product of ``others``. The
    shared catalogue lists some photos under several ids: 113 of its 3,988 test products have the photo of a
    training or validation product, which the model has seen whatever the ids say."""
    from concurrent.futures import ThreadPoolExecutor

    known = [f["photo_digest"].fillna("").astype(str).to_numpy() if "photo_digest" in f else None
             for f in (items, others)]
    if all(k is not None and (k != "").all() for k in known):
        # Both sides digested by the catalogue check when read (catalog.photo_digest, the digest below): no photo
        # read again, now that `train` counts its test's copies after every run, as `evaluate` does.
        # A set, not np.isin: on strings (object arrays) that sorts both sides with Python comparisons, 1.1 CPU s
        # for the shared catalogue's 3,988 test digests against its 36k others, where a set takes 4 ms.
        theirs = set(known[1])
        return np.fromiter((d in theirs for d in known[0]), bool, len(known[0]))

    def digest(path) -> bytes:
        return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).digest()

    # Only files of a size both sides have can be copies: a folder of ten products then hashes some 400 of
    # the 36k training photos (a photo shares its size with ~40 others there), not all; a stat is ~25 times
    # cheaper than a hash.
    mine = [Path(p).stat().st_size for p in items["image_path"]]
    # A training catalogue's rows as _training_rows keeps them carry their sizes.
    theirs = (others["photo_size"].astype(int).tolist() if "photo_size" in others and others["photo_size"].notna().all()
              else [Path(p).stat().st_size for p in others["image_path"]])
    both = set(mine) & set(theirs)
    candidates = [p for p, size in zip(others["image_path"], theirs, strict=True) if size in both]
    with ThreadPoolExecutor(max_workers=8) as pool:     # file reads: I/O, not the GIL
        seen = set(pool.map(digest, candidates))
        return np.array(list(pool.map(lambda p, size: size in both and digest(p) in seen,
                                      items["image_path"], mine)), bool)


def _training_catalogue(recorded: str | None) -> Path | None:
    """The catalogue folder a checkpoint records it was trained on, where this machine has it."""
    from fashionrec.catalog import default_data_dir

    places = [default_data_dir()]
    if recorded:
        path = Path(recorded)
        places = ([path] if path.is_absolute() else [path, Path(__file__).resolve().parents[2] / path]) + places
    return next((p for p in places if table_path(p).is_file()), None)


def evaluate_model(data_dir: str | Path, model: str | Path | None = None, split: str = "all",
                   out_dir: str | Path | None = None, device: str = "cpu", progress: bool = True) -> dict:
    """Evaluate a checkpoint on a Kaggle-layout folder.

    ``split="all"``: every usable image of the folder (e.g. new products). ``split="test"``: the
    test ids of the split the model was trained with (re-made from the seed stored in the checkpoint,
    or read from the run's split.csv; refused on a catalogue that does not split as the model's did).
    Labels the model never saw, for any head, are counted as errors (``unseen_labels`` per head).
    """
    from fashionrec.auto_accept import auto_accept_table
    from fashionrec.catalog import labels_only, load_catalog
    from fashionrec.data import LabelSpace, load_image_tensor
    from fashionrec.model_comparison import product_ids_sha256
    from fashionrec.splits import checkpoint_split
    from fashionrec.tagger import Tagger

    # Refused before the model and the catalogue are read: `--out styles.csv` failed after the whole evaluation.
    if split not in ("test", "all"):
        raise BadInputError(f"split (--split) must be 'test' or 'all', not {split!r}")
    if out_dir is not None and Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise BadInputError(f"out_dir (--out) {out_dir} is a file: give a folder for report.md, confusion.png and "
                            "the CSVs")
    tagger = Tagger.load(model, device=device)
    catalog = load_catalog(data_dir, progress=progress)
    items = catalog.usable
    seen, seen_any = 0, None        # trained on by id and name; seen in any way (id and name, or photo)
    if split == "test":
        chosen = checkpoint_split(items, tagger.meta.get("split", {}), tagger.path, data_dir,
                                  trained_on=tagger.meta.get("data"))
        earlier = started_from_products(items, tagger.meta, progress)
        own = items[items["id"].isin(chosen.ids("train", "val"))]
        items = items[items["id"].isin(chosen.ids("test"))].reset_index(drop=True)
        # Its own test products, but maybe a model's it was started from (--init), or photo copies of those seen.
        trained, copies = seen_in_test(items, own, earlier)
        seen, seen_any = int(trained.sum()), trained | copies
        seen_by = np.where(trained, "id", np.where(copies, "photo", ""))
    if items.empty:
        raise BadInputError(f"no usable images to evaluate in {data_dir} (split {split})")
    if split == "all":
        seen_by = None              # per row: "id", "photo" or ""
        # Products it trained on, by id and name; and, among the rest, renumbered or renamed copies: a
        # product whose photo is, byte for byte, a training or validation product's photo.
        found = seen_by_model(items, tagger.meta, checkpoint=tagger.path)
        if found is None:
            seen = None
        else:
            trained, copies = found
            seen, seen_any = int(trained.sum()), trained | copies
            seen_by = np.where(trained, "id", np.where(copies, "photo", ""))
    if labels_only(items["articleType"]).isna().all():     # the catalogue's "NA" is no label (a KeyError, a review)
        raise BadInputError(f"none of the {len(items)} usable products in {data_dir} has an articleType label to "
                            f"score predictions against: fill the articleType column of {table_path(data_dir).name} "
                            "(to tag "
                            f"unlabelled photos: `fashionrec tag {data_dir}`)")
    classes = tagger.classes
    # Labels as the model spells them ("tshirts" is Tshirts, as the filters take any case); a label still
    # outside its classes can only be predicted wrong, and is named in unseen_values.
    items = items.copy()
    for head in classes:
        if head in items:
            spelled = {str(c).lower(): c for c in classes[head]}
            # The catalogue's "NA" is no label: not scored, as a blank is not (labels_only).
            items[head] = labels_only(items[head]).map(lambda v, s=spelled: s.get(str(v).lower(), v)
                                                       if pd.notna(v) else v)
    space = LabelSpace(classes)
    labels = {h: y.numpy() for h, y in space.encode(items).items()}
    images = load_image_tensor(items["image_path"].tolist(), progress=progress)
    _, probs = tagger.infer(images, progress=progress)
    # predictions.csv's probabilities as `tag` and the API show them (a maintainer's trial read 0.79 there and
    # 0.97 from `tag` for one photo); the metrics' ranks are the same either way.
    shown = tagger.calibrate(probs)
    # The group and the category are scored as the tagger shows them, read from its type (fashionrec.levels);
    # each head's own numbers are kept beside them, and its own guesses in predictions.csv.
    levels = {h: shown[h] for h in tagger.levels if h in shown}
    own = tagger.calibrate({h: p for h, p in probs.items() if h in levels})    # no type: nothing read from it
    # How far the probabilities shown can be taken at their word, per head, over the products whose label is a
    # class of the model (an ML engineer's trial looked for it): expected calibration error and NLL.
    uncalibrated = uncalibrated_heads(tagger.meta)
    # With the ECE a model exactly as sure as it is right would read here: on a few hundred products a good part
    # of an ECE is the noise of few products a bin (0.0705 on 297 of the test split, 0.0258 on all 3,988).
    calibration = {h: {**quality(levels.get(h, shown[h]), y), "ece_floor": ece_floor(levels.get(h, shown[h])[y >= 0]),
                       "temperature_fitted": h not in uncalibrated}
                   for h, y in labels.items() if (y >= 0).any()}
    reliability = (labels["articleType"].copy(), shown["articleType"]) if "articleType" in calibration else None
    unseen, unseen_values, unseen_like = {}, {}, {}
    for head in labels:
        y = labels[head].copy()
        outside = (y < 0) & items[head].notna().to_numpy()
        unseen[head] = int(outside.sum())
        if unseen[head]:
            counts = items.loc[outside, head].astype(str).value_counts()
            unseen_values[head] = {str(v): int(n) for v, n in counts.items()}
            # The model's class a label is likely a slip for ("Football" for Footballs went unremarked, where a
            # gender "Mens" was said to mean Men: an ML engineer's trial); kept as written, counted wrong.
            like = {v: close[0] for v in unseen_values[head]
                    if (close := difflib.get_close_matches(v, classes[head], n=1, cutoff=0.8))}
            if like:
                unseen_like.setdefault(head, {}).update(like)
        if unseen[head]:
            if head in levels:
                levels[head] = with_unseen_classes(y, levels[head], items[head].to_numpy(), outside)[1]
            y, probs[head], names = with_unseen_classes(y, probs[head], items[head].to_numpy(), outside)
            classes = {**classes, head: [*classes[head], *(f"{v}{UNSEEN_CLASS}" for v in names)]}
        labels[head] = y
    main = "articleType"
    metrics = evaluate_predictions(labels, probs, classes, read_from_type=levels, spread=True)
    # Per head, the share of products each confidence threshold would tag unreviewed and how often those are right,
    # from the probabilities shown (a label the model lacks counts wrong): what choosing `tag --review-below` needs.
    for head, y in labels.items():
        where = metrics if head == main else metrics["attributes"].get(head)
        if where is not None and (y >= 0).any():
            where["auto_accept"] = auto_accept_table(levels.get(head, shown[head]), y)
    # Keyed by the label as the catalogue has it, so that per_class["Kimono"] finds it; flagged instead. Every
    # head's table alike (a colour the model lacks is under attributes.baseColour.per_class).
    for m in [metrics, *metrics["attributes"].values()]:
        if "per_class" in m:
            m["per_class"] = {name.removesuffix(UNSEEN_CLASS): {**v, **({"model_class": False}
                                                                         if name.endswith(UNSEEN_CLASS) else {})}
                              for name, v in m["per_class"].items()}

    def without(out: np.ndarray) -> dict:
        return summary_metrics(evaluate_predictions(
            {h: y[~out] for h, y in labels.items()}, {h: p[~out] for h, p in probs.items()}, classes,
            read_from_type={h: p[~out] for h, p in levels.items()}))

    if split == "test":
        # Said beside the split's numbers, which stay the split's: the model was chosen on it as it is.
        metrics["test_photo_copies_of_training"] = int(copies.sum())
        if seen_any.any() and (~seen_any).any():
            metrics["without_photo_copies"] = without(seen_any)     # nor the products it was started from's
    else:
        # Not counted in trained_on (its meaning stays id and name), so the two add up to what it has seen.
        metrics["photo_copies_of_training"] = None if seen_any is None else int(seen_any.sum()) - seen
        if seen_any is not None and seen_any.any() and (~seen_any).any():
            metrics["without_seen_products"] = without(seen_any)
    # Top-level accuracy, F1 and per_class are articleType's (the keys); the other heads are under
    # attributes. With what made them, so that a file read later says which model, data and command.
    metrics.update({"head": main, **provenance(), "model": tagger.name, "model_path": str(tagger.path),
                    "model_sha256": tagger.sha256, "data": str(Path(str(catalog.root)).resolve()),
                    "table": catalog.report.table_name,
                    "split": split, "unseen_class_images": unseen[main], "unseen_labels": unseen,
                    "unseen_values": unseen_values, "unseen_values_like": unseen_like, "trained_on": seen,
                    **({"trained_on_unknown": why_seen_unknown(tagger.meta, tagger.path)}
                       if split == "all" and seen is None else {}),
                    "n_products": len(items), "calibration": calibration,
                    # What `compare-models` checks two records against: the model's classes, and the products
                    # scored (two --json files alone did not say whether they were of the same products).
                    "classes": tagger.classes, "product_ids_sha256": product_ids_sha256(items["id"]),
                    # Rows of the folder that gave no product to score: said in the report, not only logged.
                    "left_out": left_out(catalog.report) if split == "all" else {},
                    # Photos no row names: nothing to score them against. Unsaid, 65 of a folder's 265 photos were
                    # left out with no word (stop 75, an ML engineer's trial); `tag` lists them.
                    "photos_without_row": list(catalog.report.images_without_row) if split == "all" else [],
                    # Lines of styles.csv with a comma too many in the name, read back whole and scored (a
                    # maintainer's trial found them said by `data check` only).
                    "rows_recovered": [int(n) for n in catalog.report.recovered_lines] if split == "all" else []})
    if out_dir is not None:
        table = prediction_table(items, shown, tagger.classes, seen_by, head_alone=own)
        if split == "all":
            # The folder's other rows too, each with why it was not scored, as `tag` lists them (a maintainer's
            # trial matched predictions.csv against styles.csv and found 4 rows missing).
            unscored = catalog.table[catalog.table["image_status"] != "ok"]
            kept = [c for c in ["id", "productDisplayName", *probs] if c in unscored]
            table = pd.concat([table.assign(not_scored=""), unscored[kept].assign(
                not_scored=unscored["image_reason"].to_numpy())], ignore_index=True)
        else:       # the same columns whatever the folder (a script filtering on not_scored failed on test)
            table = table.assign(not_scored="")
        write_eval_report(metrics, labels[main], probs[main], classes[main], out_dir,
                          title=f"{tagger.name} on {Path(str(catalog.root)).name} ({split})", predictions=table,
                          reliability=reliability, classes=classes)
    return metrics
