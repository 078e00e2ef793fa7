"""Temperature scaling: probabilities a tagger shows that mean what they say.

Training with label smoothing and class-balanced weights leaves the heads under-confident: the shipped
ensemble's median top articleType probability was 0.43 on test products while 88% of its answers were
right. One temperature per head, fitted on the validation split by negative log-likelihood (Guo et al.,
"On Calibration of Modern Neural Networks", 2017), rescales them: ``p' = softmax(log p / T)``. Argmax and
ranking order are unchanged, so accuracy, top-5 and F1 are too; what changes is the number a user reads.

The temperatures live in the checkpoint's JSON (``calibration``). The probabilities a tagger *shows*
(:meth:`~fashionrec.tagger.Tagger.decode`, ``pred_<head>_prob`` in an index) are calibrated; the ones the
recommender ranks with are the raw ones its weights were chosen with.

Example:
    >>> report = calibrate_checkpoint("src/fashionrec/assets/model/tagger.safetensors")  # doctest: +SKIP
    >>> report["temperature"]["articleType"]  # doctest: +SKIP
    0.51
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from scipy.special import log_softmax

from fashionrec.artifacts import read_json, write_json
from fashionrec.errors import FashionrecError
from fashionrec.results import listed

log = logging.getLogger(__name__)

BOUNDS = (0.05, 20.0)   # temperatures searched
MIN_FIT = 200           # labelled validation products a head needs for its temperature to be fitted
ECE_BINS = 15


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """(N, C) probabilities -> the same rescaled by ``temperature`` (rows still sum to 1)."""
    if temperature == 1.0 or probs.size == 0:
        return probs
    logp = np.log(np.clip(probs, 1e-30, None))
    return np.exp(log_softmax(logp / temperature, axis=1)).astype(probs.dtype)


def _nll(logp: np.ndarray, y: np.ndarray, temperature: float) -> float:
    z = log_softmax(logp / temperature, axis=1)
    return float(-z[np.arange(len(y)), y].mean())


def confidence_bins(probs: np.ndarray, y: np.ndarray, bins: int = ECE_BINS) -> tuple[np.ndarray, ...]:
    """(each row's bin of equal width by its top probability, that probability, whether its top label is ``y``):
    what the expected calibration error and a reliability diagram (fashionrec.evaluate) are made of."""
    conf, right = probs.max(1), probs.argmax(1) == y
    edges = np.linspace(0.0, 1.0, bins + 1)
    return np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1), conf, right


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = ECE_BINS) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by their share of rows."""
    which, conf, right = confidence_bins(probs, y, bins)
    total = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            total += m.mean() * abs(right[m].mean() - conf[m].mean())
    return float(total)


def ece_floor(probs: np.ndarray, bins: int = ECE_BINS, draws: int = 200, seed: int = 0) -> float:
    """The expected calibration error a model exactly as sure as it is right would read on these rows: each row
    right with its top probability, :func:`expected_calibration_error` averaged over ``draws`` seeded draws.

    ECE is biased upward by few rows a bin (each bin's accuracy is a noisy share, and its gap is taken
    absolute): the shipped model's test predictions read 0.0258 on 3,988 products and 0.0705 on a random 297 of
    them. Beside it, this says how much of an ECE is that noise (0.009 on the 3,988, about 0.034 on 300)."""
    if len(probs) == 0:
        return 0.0
    which, conf, _ = confidence_bins(probs, np.zeros(len(probs), int), bins)
    # Rows in the order of their top probability, not of the folder: each row's draw follows its place, and a
    # shuffled copy of a folder read another floor (0.0245 and 0.0239 on 300 products, an ML engineer's trial).
    order = np.argsort(conf, kind="stable")
    which, conf = which[order], conf[order]
    right = np.random.default_rng(seed).random((draws, len(conf))) < conf
    cells = (np.arange(draws)[:, None] * bins + which).ravel()
    hits = np.bincount(cells, weights=right.ravel(), minlength=draws * bins).reshape(draws, bins)
    sure = np.bincount(which, weights=conf, minlength=bins)
    # Sum over bins of |right - sure| / n: each bin's share of rows times its |accuracy - confidence|.
    return float(np.abs(hits - sure).sum(1).mean() / len(conf))


def fit_temperature(probs: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of labels ``y`` (rows with y >= 0)."""
    keep = y >= 0
    if not keep.any():
        return 1.0
    # Imported here, where a temperature is fitted (training): scipy.optimize's import is about a third of a second
    # of CPU, which every command, server and subprocess that reads this module's temperatures paid at start-up.
    from scipy.optimize import minimize_scalar

    logp = np.log(np.clip(probs[keep], 1e-30, None)).astype(np.float64)
    found = minimize_scalar(lambda t: _nll(logp, y[keep], t), bounds=BOUNDS, method="bounded")
    return float(found.x)


def quality(probs: np.ndarray, y: np.ndarray, temperature: float = 1.0) -> dict:
    """NLL, expected calibration error and median top probability at ``temperature`` (labelled rows only)."""
    keep = y >= 0
    if not keep.any():
        return {"n": 0}
    p = apply_temperature(probs[keep], temperature)
    logp = np.log(np.clip(p, 1e-30, None))
    # The mean top probability beside the share right says which way an ECE leans (surer or less sure than right).
    return {"nll": _nll(logp, y[keep], 1.0), "ece": expected_calibration_error(p, y[keep]),
            "median_top_prob": float(np.median(p.max(1))), "mean_top_prob": float(p.max(1).mean()),
            "accuracy": float((p.argmax(1) == y[keep]).mean()), "n": int(keep.sum())}


def lean(c: dict) -> str:
    """Which way a head's probabilities lean, from :func:`quality`'s ``c``: "surer than it is right" or "less sure
    than it is right", with the mean top probability and the share right ("" for a record made before stop 75).
    Said as "surer" always, a model right 0.905 of the time at a mean top probability of 0.45 was read as
    overconfident (stop 75, an ML engineer's trial).

        >>> lean({"mean_top_prob": 0.448, "accuracy": 0.905})
        'less sure than it is right (mean top probability 0.448, right 0.905)'
    """
    if "mean_top_prob" not in c or "accuracy" not in c:
        return ""
    way = "surer than" if c["mean_top_prob"] > c["accuracy"] else "less sure than"
    return f"{way} it is right (mean top probability {c['mean_top_prob']:.3f}, right {c['accuracy']:.3f})"


def lean_said(c: dict) -> str:
    """:func:`lean` as a sentence's end: "they read less sure than it is right (...)" ("" where it is unknown)."""
    return f"they read {way}" if (way := lean(c)) else ""


def calibration_record(val: tuple[dict, dict], test: tuple[dict, dict], data_dir: str | Path) -> dict:
    """``val`` / ``test``: ({head: raw probabilities}, {head: labels, -1 = missing}) -> what a checkpoint's
    JSON stores under ``calibration``: temperatures fitted on val, and val and test before and after."""
    temperatures, checks = {}, {}
    too_few: dict[str, int] = {}        # head -> its labelled validation products, where under MIN_FIT
    for head, pv in val[0].items():
        yv, pt, yt = val[1][head], test[0][head], test[1][head]
        labelled = int((yv >= 0).sum())
        if labelled < MIN_FIT:
            # 30 validation photos of a near-chance model gave temperatures of 0.17: probabilities shown
            # far surer than the model is. Too few to fit: left at 1.
            too_few[head] = labelled
            temperatures[head] = 1.0
        else:
            temperatures[head] = round(fit_temperature(pv, yv), 4)
        checks[head] = {"val_before": quality(pv, yv), "val_after": quality(pv, yv, temperatures[head]),
                        "test_before": quality(pt, yt), "test_after": quality(pt, yt, temperatures[head])}
    if too_few:
        # One line for every head so left: a small shop's training logged 7 that differed only in the head's
        # name (a new user's trial); train, ensemble, probe and calibrate all say it here.
        log.warning("%s: under the %d a temperature needs, so left at 1", _counts_said(too_few), MIN_FIT)
    return {"method": "temperature scaling, one per head, fitted on the validation split by NLL",
            "temperature": temperatures, "data": str(data_dir), "checks": checks}


def _counts_said(too_few: dict[str, int]) -> str:
    """{head: labelled products} in words, heads of one count together, in the heads' order: "articleType and
    gender have 12 labelled validation products, usage 10"."""
    by_count: dict[int, list[str]] = {}
    for head, n in too_few.items():
        by_count.setdefault(n, []).append(head)
    said = []
    for n, heads in by_count.items():
        verb = "" if said else (" has" if len(heads) == 1 else " have")
        said.append(f"{listed(heads)}{verb} {n:,}"
                    + ("" if said else f" labelled validation product{'s' if n != 1 else ''}"))
    return ", ".join(said)


def calibrate_checkpoint(model: str | Path | None = None, data_dir: str | Path | None = None,
                         progress: bool = True) -> dict:
    """Fit one temperature per head on the checkpoint's validation split and store them in its JSON.

    Also measures the test split before and after (a held-out check of the fit). Returns what it stored.
    """
    from fashionrec.catalog import default_data_dir, load_catalog
    from fashionrec.data import LabelSpace, load_image_tensor
    from fashionrec.splits import checkpoint_split
    from fashionrec.tagger import Tagger

    tagger = Tagger.load(model)
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    items = load_catalog(data_dir, progress=progress).usable
    split = checkpoint_split(items, tagger.meta.get("split", {}), tagger.path, data_dir,
                             trained_on=tagger.meta.get("data"), instead=None)
    space = LabelSpace(tagger.classes)
    parts = {}
    for name in ("val", "test"):
        part = items[items["id"].isin(split.ids(name))].reset_index(drop=True)
        if part.empty:
            raise FashionrecError(f"the {name} split of {data_dir} is empty: calibration needs the catalogue the "
                                  "model was trained on")
        _, probs = tagger.infer(load_image_tensor(part["image_path"].tolist(), progress=progress),
                                progress=progress)
        parts[name] = (probs, {h: y.numpy() for h, y in space.encode(part).items()})
    record = calibration_record(parts["val"], parts["test"], data_dir)
    json_path = tagger.path.with_suffix(".json")
    meta = read_json(json_path)
    meta["calibration"] = record
    write_json(json_path, meta)
    return record


def calibration_temperatures(tagger) -> dict[str, float]:
    """{head: temperature} of a :class:`~fashionrec.tagger.Tagger`'s calibration ({} without one): an index,
    and a folder of embeddings, record those their predicted probabilities were made with."""
    return dict((tagger.meta.get("calibration") or {}).get("temperature", {}))


def uncalibrated_heads(meta: dict) -> list[str]:
    """The heads of a checkpoint (its JSON ``meta``) whose probabilities are shown as the model gives them: no
    temperature, or one left at 1 for want of labelled validation products (:data:`MIN_FIT`). A tiny run's
    "usage ... model Casual 1.00" was shown as calibrated (an ML engineer's trial)."""
    record = meta.get("calibration") or {}
    temperatures, checks = record.get("temperature") or {}, record.get("checks") or {}
    return [h for h in meta.get("classes", {})
            if h not in temperatures or (checks.get(h, {}).get("val_before") or {}).get("n", MIN_FIT) < MIN_FIT]


def uncalibrated_said(meta: dict) -> str:
    """What a checkpoint's description ``meta`` says of its :func:`uncalibrated_heads` ("" where there are none):
    which heads, and which way each one's probabilities lean on the validation products its training measured them
    on, where it did (a head left at 1 for too few of them); where none was measured, that `fashionrec evaluate`
    says it. `tag` said "they read surer than the model is" of every such model, whichever way it leaned (a model
    right 0.905 of the time at a mean top probability of 0.448; stop 75, an ML engineer's trial)."""
    heads = uncalibrated_heads(meta)
    if not heads:
        return ""
    checks = (meta.get("calibration") or {}).get("checks") or {}
    leans = {h: way for h in heads if (way := lean(c := (checks.get(h) or {}).get("val_before") or {}))
             and c.get("n")}
    said = [f"{h}'s read {way} on its {checks[h]['val_before']['n']:,} validation products"
            for h, way in leans.items()]
    unknown = [h for h in heads if h not in leans]
    if unknown:
        them = f"those of {listed(unknown)}" if leans else "they"
        said.append(f"which way {them} lean (surer or less sure than the model is right) was not measured: "
                    "`fashionrec evaluate` on labelled photos says it")
    name = meta.get("name", meta.get("model", "the model"))
    return (f"{name}'s probabilities of {listed(heads)} are not calibrated (too few labelled validation products to "
            f"fit a temperature, or none fitted): {'; '.join(said)}; the doubts about catalogue labels lean the same "
            "way")
