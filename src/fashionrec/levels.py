"""The category levels above a product type, read from the type.

Each head of the tagger decides on its own, so a photo could read "Type: Dresses 76%" beside "Group: Topwear
77%" (a shopper's trial): nothing made the three levels agree. A checkpoint that records ``levels`` (for each
type, the shares of its training products filed under each subCategory and each masterCategory) shows the
group and the category as the type head sees them: P(group) = sum over types of P(type) x the type's share in
that group. A type filed under one group only (121 of the shipped model's 141, Tshirts: Topwear) carries all of
its probability there, so a sure type lies in the group shown; a type the catalogue files under two (Kajal and
Eyeliner: 86 Makeup, 16 Eyes; Dresses: 99.4% Dress, 0.6% Topwear) gives each its share, so a product filed
under the rarer one is not called certainly wrong (an ML engineer's trial found "catalogue Eyes, model Makeup
1.00" with all of a type's probability on its commonest group).

Chosen on the shipped model's validation split, against the heads' own (docs/tagger.md "The other heads";
top-1 / macro-F1 over the labels present): subCategory 0.9727 / 0.8095 against 0.9712 / 0.7955, masterCategory
0.9952 / 0.8598 against 0.9950 / 0.8275; the group shown is one the top type is filed under for 99.9% of the
photos (the heads' own: 99.2%).
"""
from __future__ import annotations

import hashlib
import json
import logging
import math

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

# The levels above articleType, most specific first.
LEVELS = ("subCategory", "masterCategory")
TYPE_HEAD = "articleType"

Shares = dict[str, dict[str, float]]      # {type: {value: share of the type's products}}


def type_levels(rows: pd.DataFrame, classes: dict[str, list[str]],
                val: pd.DataFrame | None = None) -> dict[str, Shares]:
    """Training products -> ``{level: {type: {value: share of the type's products filed under it}}}``.

    A type none of whose training products is filed under the level (with ``--split-copies together`` a small
    type can land outside training) takes its shares from ``val``, the split's validation products, which choose
    the best epoch already; never from the test products, whose labels would then enter what the model shows and
    is scored on (they did, a code review). Either way a warning names the type. A level that cannot be read for
    every type the model predicts is left out: its head's own output is shown then."""
    types = classes.get(TYPE_HEAD)
    out = {}
    if not types:
        return out
    for level in LEVELS:
        if level not in classes:
            continue
        shares: Shares = {}
        from_val = []
        for part in (rows, val):
            if part is None or TYPE_HEAD not in part or level not in part:
                continue
            filed = part.loc[part[TYPE_HEAD].isin(types) & part[level].isin(classes[level]), [TYPE_HEAD, level]]
            for kind, values in filed.groupby(TYPE_HEAD, sort=True, observed=True)[level]:
                if kind not in shares:
                    counts = values.value_counts(normalize=True).sort_index()
                    # A categorical column counts its unused values too: none is a share.
                    shares[str(kind)] = {str(v): round(float(n), 4) for v, n in counts.items() if n > 0}
                    if part is val:
                        from_val.append(str(kind))
        if set(shares) == set(types):
            out[level] = {t: shares[t] for t in types}
            if from_val:
                log.warning("%s of %d type(s) is read from the validation products: none of their training "
                            "products is filed under one (%s)", level, len(from_val), ", ".join(from_val[:5]))
        else:
            unread = sorted(set(types) - set(shares))
            log.warning("%s is shown as its head gives it, not read from the type: no training or validation "
                        "product of %d type(s) is filed under one (%s)", level, len(unread), ", ".join(unread[:5]))
    return out


def check_levels(levels: object, classes: dict[str, list[str]]) -> dict[str, Shares]:
    """A checkpoint's ``levels`` as :func:`from_type` can use them: each level whole (every type with shares
    over the level's classes), others left out, so that a hand-edited or older file shows the heads' own."""
    if not isinstance(levels, dict):
        return {}
    types = classes.get(TYPE_HEAD) or []

    def whole(level: str, table: object) -> bool:
        return (level in LEVELS and level in classes and isinstance(table, dict) and set(table) == set(types)
                and all(isinstance(s, dict) and s and set(s) <= set(classes[level])
                        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                                and v >= 0 for v in s.values()) and sum(s.values()) > 0
                        for s in table.values()))

    return {level: table for level, table in levels.items() if whole(level, table)}


def share_matrices(classes: dict[str, list[str]], levels: dict[str, Shares]) -> dict[str, np.ndarray]:
    """``{level: (types, values) float32}``: each type's shares of the level's values, rows summing to 1 (they
    are stored rounded). Made once per model (:attr:`~fashionrec.tagger.Tagger.level_shares`): every photo query
    reads its levels, some several times."""
    types = classes[TYPE_HEAD] if levels else []
    out = {}
    for level, table in levels.items():
        values = {v: j for j, v in enumerate(classes[level])}
        share = np.zeros((len(types), len(values)), dtype=np.float32)
        for i, kind in enumerate(types):
            for value, n in table[kind].items():
                share[i, values[value]] = n
        out[level] = share / share.sum(axis=1, keepdims=True)
    return out


def from_type(probs: dict[str, np.ndarray], shares: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``{head: (n, C) probabilities}`` -> the same with each level in ``shares`` (:func:`share_matrices`)
    replaced by P(value) = sum over types of P(type) x the type's share in that value."""
    if TYPE_HEAD not in probs or not shares:
        return probs
    out = dict(probs)
    for level, share in shares.items():
        if level in probs:
            out[level] = probs[TYPE_HEAD] @ share.astype(probs[TYPE_HEAD].dtype, copy=False)
    return out


# How the levels are read, where a user reads them (`tag`'s columns, the API's schema).
READ_FROM_TYPE = ("read from the articleType: a value's probability is the sum over types of the type's "
                  "probability times its share of that value in training, so that the levels agree")


def levels_fingerprint(levels: dict[str, Shares]) -> str:
    """What an index or a folder of embeddings records of the levels its stored predictions were read with:
    "" for none (each head's own), else the SHA-256 of the table."""
    return hashlib.sha256(json.dumps(levels, sort_keys=True).encode()).hexdigest() if levels else ""
