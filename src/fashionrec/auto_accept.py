"""How many products a confidence threshold would tag without a person, and how often those are right.

A shop auto-accepts the tagger's label above a probability and sends the rest to review (`fashionrec tag
--review-below`). `evaluate` had the reliability diagram and the ECE, but not the two numbers that choice needs:
the share of products above each threshold (coverage) and the share of those the model reads right (precision
of the auto-accepted), stop 77, an ML engineer's trial. Both come from the calibrated probabilities `evaluate`
already computes, as `tag` shows them.
"""
from __future__ import annotations

import numpy as np

# From the default of `tag --review-below` (0.8) down to where half the mistakes would pass, and up to a strict
# auto-accept; the table says each one's coverage, so a shop reads off its own trade.
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def auto_accept_table(probs: np.ndarray, y: np.ndarray, thresholds=THRESHOLDS) -> list[dict]:
    """Per threshold t, over the rows with a label (``y`` >= 0; a label outside the model's classes has an index no
    column has, so it counts wrong, as it would be once accepted): ``accepted`` (rows whose top probability is at
    least t), ``coverage`` (their share), ``precision`` (the share of them whose top label is ``y``; None where none
    is accepted), its Wilson 95% interval and ``errors`` (the wrong labels that would go out unreviewed)."""
    from fashionrec.evaluate import wilson_interval

    keep = y >= 0
    conf, right = probs[keep].max(1), probs[keep].argmax(1) == y[keep]
    n = int(keep.sum())
    rows = []
    for t in thresholds:
        taken = conf >= t
        k, hits = int(taken.sum()), int(right[taken].sum())
        rows.append({"threshold": float(t), "accepted": k, "coverage": k / n if n else 0.0,
                     "precision": hits / k if k else None,
                     "precision_interval_95": wilson_interval(hits, k) if k else None, "errors": k - hits})
    return rows


def auto_accept_line(rows: list[dict], head: str = "articleType") -> str:
    """One printed line: 'auto-accept articleType at p >= 0.8: 87.3% of products, 96.2% right (12 wrong) ...'."""
    cells = [f"{r['threshold']:g}: {r['coverage']:.1%} of products, "
             + ("none accepted" if r["precision"] is None else f"{r['precision']:.1%} right ({r['errors']} wrong)")
             for r in rows]
    return f"auto-accept {head} at p >= " + "; ".join(cells)


def auto_accept_rows(rows: list[dict]) -> list[str]:
    """report.md's table of :func:`auto_accept_table`."""
    from fashionrec.evaluate import span

    lines = ["| auto-accept at probability >= | products accepted | coverage | right among them (precision) | "
             "95% interval | wrong labels accepted |", "|---|---|---|---|---|---|"]
    for r in rows:
        right = "—" if r["precision"] is None else f"{r['precision']:.4f}"
        spread = span(r["precision_interval_95"]) or "—"
        lines.append(f"| {r['threshold']:g} | {r['accepted']} | {r['coverage']:.4f} | {right} | {spread} | "
                     f"{r['errors']} |")
    return lines
