"""Offline evaluation of the recommender: photo queries against an index, and a labelled text query set.

Photo queries (:func:`evaluate_recs`): every usable image of a query catalogue is embedded from its file
(end to end: decode, preprocess, model, search) and its top-k compared with its labels. Relevant means
same articleType, and separately same articleType + baseColour. When a query's id is also in the index
(e.g. the test split of the indexed catalogue) that id is excluded from its own results.

Metrics (all in [0, 1] except counts and latencies), named here for the default k of 10 (another k names
them for itself: ``precision_at_5_articleType``):

* ``precision_at_10_*`` — share of the top 10 that is relevant, averaged over queries.
* ``precision_at_10_gender`` — share of the top 10 for the query's wearer: its gender, or Unisex on either side (a
  unisex query's results are for anyone; a unisex result is for any query), over the queries with a gender
  (:func:`same_wearer`). A men's photo's women's results count against it, which neither type precision sees.
* ``map_at_10_articleType`` — average precision at 10, normalised by min(10, relevant items in the index).
* ``recall_at_10_articleType_colour`` — relevant items found in the top 10 / min(10, relevant items in
  the index): with hundreds of "black T-shirts" in the catalogue a plain hits/R recall would be bounded
  by 10/R, so it is normalised by what a top 10 can hold.
* ``catalogue_coverage`` — distinct recommended items / items in the index.
* ``intra_list_diversity`` — mean pairwise (1 - cosine) between the image embeddings of each result list.
* ``latency_ms_p50`` / ``latency_ms_p99`` — per query, photo file -> top 10, on the current process threads.
* ``n_queries_model_trained_on`` — queries whose photo the tagger trained or was validated on (their
  numbers overstate what a new product gets); None where the training catalogue is not at hand, and then
  ``trained_on_unknown`` says why (:func:`fashionrec.evaluate.why_seen_unknown`, as ``evaluate`` does).
  ``n_queries_start_model_trained_on``: how many of them only a model it was started from (``--init``) trained
  on (a shop's model from the shipped one: no split of the shop's catalogue leaves them out).
  ``n_queries_photo_copy_of_training``: more queries whose photo is, byte for byte, one of those products'.
* ``n_queries_copy_of_an_indexed_product`` — queries whose photo the index holds under another id (cosine
  over :data:`~fashionrec.results.NEAR_DUPLICATE`): the copy is their first result, so they are no held-out
  products (a catalogue renumbered, or indexed twice).
  ``*_without_copies``: P@10 and mAP@10 over the other queries, where there are both.
* ``articleType_not_in_index`` — {type: queries} of the query types the index has no product of: they score 0
  (``precision_at_10_articleType_ceiling`` counts them too).
* ``*_ceiling`` — the best P@10 a perfect ranking could score on this index (a type, type + colour, or a text
  query's relevant products fewer than 10): ``precision_at_10_articleType_ceiling``,
  ``precision_at_10_articleType_colour_ceiling``, ``text_precision_at_10_ceiling`` and, per text query,
  ``precision_at_10_ceiling``. The text ones were ``*_reachable`` until stop 66; those keys are still written, the
  same numbers, and ``deprecated_keys`` names them (:data:`DEPRECATED_TEXT_KEYS`).
* ``left_out`` — given a catalogue or its folder, the rows that gave no query (:func:`fashionrec.evaluate.left_out`).
* ``similar_*`` — only for queries whose id is in the index: the same two precisions for
  ``similar(id)``, the "similar items" list of a product page (the item's own labels are known there).

Example:
    >>> evaluate_recs(Recommender.load("runs/index"), load_catalog("data/new-products"))  # doctest: +SKIP
    {'n_queries': 3988, 'precision_at_10_articleType': 0.9, ...}
"""

from __future__ import annotations

import json
import logging
import re
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from fashionrec.catalog import BLANK_REASON, TINY_REASON, Catalog, load_catalog, open_rgb
from fashionrec.errors import BadInputError
from fashionrec.evaluate import left_out as rows_left_out
from fashionrec.evaluate import seen_by_model_apart, why_seen_unknown
from fashionrec.progress import hidden
from fashionrec.results import NEAR_DUPLICATE
from fashionrec.stock import showing_sold_out, sold_out_shown

log = logging.getLogger(__name__)


def default_text_queries() -> list[dict]:
    """The labelled text queries shipped in ``assets/text_queries.json``."""
    text = resources.files("fashionrec").joinpath("assets/text_queries.json").read_text()
    return json.loads(text)["queries"]


def _ap_at_k(rel: np.ndarray, n_relevant: int, k: int) -> float:
    if n_relevant == 0:
        return 0.0
    hits = np.cumsum(rel)
    precisions = hits / np.arange(1, len(rel) + 1)
    return float((precisions * rel).sum() / min(k, n_relevant))


def evaluate_recs(recommender, query_catalog: Catalog | pd.DataFrame | str | Path, k: int = 10,
                  progress: bool = True, limit: int | None = None, include_sold_out: bool | None = None) -> dict:
    """Photo -> top-k for every usable query image of ``query_catalog`` (a catalogue, its folder, or its usable
    rows) against ``recommender`` (a :class:`~fashionrec.recommend.Recommender`, or its index folder, opened with
    the model it was built with); returns the metrics of the module docstring (text queries:
    :func:`evaluate_text`). ``include_sold_out``: score the lists with sold-out products in them (stop 68); by
    default (None) as the calls now made list them (:func:`~fashionrec.stock.sold_out_shown`: left out, as a
    shopper is shown them), the counts of relevant products then of the available ones; ``sold_out`` says which."""
    shown = showing_sold_out() if include_sold_out is None else bool(include_sold_out)
    with sold_out_shown(shown):
        return _evaluate_recs(recommender, query_catalog, k, progress, limit, shown)


def _sold_out_said(recommender, shown: bool) -> dict:
    """The metrics' ``sold_out``: whether the lists scored had sold-out products in them, and how many the index
    has (a score with them left out and one with them in could not be told apart: stop 68)."""
    return {"included": shown, "in_index": int(recommender.sold_out_rows().sum())}


def _listable(recommender, shown: bool) -> pd.DataFrame:
    """The items a list scored may hold: every one, or the available ones where sold-out ones are left out."""
    items = recommender.items
    return items if shown else items[~recommender.sold_out_rows()]


def _evaluate_recs(recommender, query_catalog, k: int, progress: bool, limit: int | None, shown: bool) -> dict:
    if isinstance(recommender, (str, Path)):
        from fashionrec.recommend import Recommender

        recommender = Recommender.load(recommender)
    elif not hasattr(recommender, "similar_to_image"):
        raise BadInputError(f"recommender is a Recommender or its index folder, not {type(recommender).__name__}")
    if isinstance(query_catalog, (str, Path)):
        query_catalog = load_catalog(query_catalog, progress=progress)
    queries = query_catalog.usable if isinstance(query_catalog, Catalog) else query_catalog
    # Every row accounted for in the numbers' own file (a maintainer's trial found them in a log line only).
    # (with the file of its rows, which the rows left out are said of: a shop's products.csv, stop 72)
    report = ({"left_out": rows_left_out(query_catalog.report), "query_table": query_catalog.report.table_name}
              if isinstance(query_catalog, Catalog) else {})
    # A blank or tiny photo is no query a shopper could make (similar_to_image refuses it): left out, and
    # counted. A 4x5 one stopped a whole run at its query, without its id (a shop's trial).
    reasons = queries["image_reason"] if "image_reason" in queries else pd.Series("", index=queries.index)
    left_out = {}
    for what, reason in (("blank", BLANK_REASON), ("tiny", TINY_REASON)):
        unseen = (reasons == reason).to_numpy()
        left_out[what] = int(unseen.sum())
        if unseen.any():
            log.warning("evaluate-recs: %d %s query photos left out (ids %s)", unseen.sum(), what,
                        ", ".join(map(str, queries["id"][unseen][:10])))
            queries = queries[~unseen]
            reasons = reasons[~unseen]
    if limit is not None:
        if limit < 1:
            raise BadInputError(f"limit (--limit) must be at least 1 (the number of queries to run), got {limit}")
        queries = queries.iloc[:limit]
    if len(queries) == 0:
        raise BadInputError("no usable query images to evaluate")
    # Labels in the index's spelling, as its filters read them: a query folder's "tshirts" scored 0 against the
    # index's "Tshirts" (a review).
    def spelled(col: str) -> pd.Series:
        return queries[col].map(lambda v: recommender.canonical_value(col, v) or v if isinstance(v, str) else v)

    queries = queries.assign(**{col: spelled(col) for col in ("articleType", "baseColour")
                                if col in queries and col in recommender.items})
    # Photos the tagger trained on embed closer to their kind than new ones: say how many there are.
    by_model = seen_by_model_apart(queries, recommender.tagger.meta, checkpoint=recommender.tagger.path)
    # The products a list can hold: a sold-out one, left out, is no relevant product a ranking missed.
    items = _listable(recommender, shown)
    type_counts = items["articleType"].value_counts()
    pair_counts = items.groupby(["articleType", "baseColour"]).size()
    indexed = set(int(i) for i in recommender.items["id"])
    listed = set(int(i) for i in items["id"])
    p_type, p_pair, ap_type, r_pair, ild, lat, ceiling, pair_ceiling = [], [], [], [], [], [], [], []
    p_wearer: list[float] = []
    s_type, s_pair, copied = [], [], []
    seen: set[int] = set()
    n_self = unfamiliar = copies = 0
    # One-time costs (the ONNX export or load, the ranking's lazily built label arrays) are not a query's
    # latency: the first query, untimed, the way the loop asks it.
    first = int(queries["id"].iloc[0])
    recommender.similar_to_image(open_rgb(queries["image_path"].iloc[0]), k=k,
                                 exclude_ids={first} if first in indexed else set())
    for row in tqdm(queries.itertuples(index=False), total=len(queries), desc="photo queries",
                    disable=hidden(progress), unit="query"):
        qid = int(row.id)
        exclude = {qid} if qid in indexed else set()
        n_self += bool(exclude)
        t0 = time.perf_counter()
        image = open_rgb(row.image_path)
        found = recommender.similar_to_image(image, k=k, exclude_ids=exclude)
        recs = found[1]
        unfamiliar += found.unfamiliar
        copied.append(found.closest is not None and found.closest > NEAR_DUPLICATE)
        copies += copied[-1]
        lat.append((time.perf_counter() - t0) * 1000)
        types = np.array([r.item.get("articleType") for r in recs], dtype=object)
        colours = np.array([r.item.get("baseColour") for r in recs], dtype=object)
        rel_t = (types == row.articleType).astype(float)
        rel_p = rel_t * (colours == row.baseColour)
        gender = getattr(row, "gender", None)
        if isinstance(gender, str) and gender:
            p_wearer.append(same_wearer([r.item.get("gender") for r in recs], gender).sum() / k)
        own = 1 if exclude and qid in listed else 0
        n_t = int(type_counts.get(row.articleType, 0)) - own
        n_p = int(pair_counts.get((row.articleType, row.baseColour), 0)) - own
        ceiling.append(min(k, max(n_t, 0)) / k)
        pair_ceiling.append(min(k, max(n_p, 0)) / k)
        p_type.append(rel_t.sum() / k)
        p_pair.append(rel_p.sum() / k)
        ap_type.append(_ap_at_k(rel_t, n_t, k))
        if n_p > 0:
            r_pair.append(rel_p.sum() / min(k, n_p))
        seen.update(r.id for r in recs)
        if exclude:
            page = recommender.similar(qid, k=k)
            same = np.array([r.item.get("articleType") == row.articleType for r in page], float)
            s_type.append(same.sum() / k)
            s_pair.append((same * [r.item.get("baseColour") == row.baseColour for r in page]).sum() / k)
        if len(recs) > 1:
            v = np.stack([recommender.vector(r.id) for r in recs])
            sims = v @ v.T
            iu = np.triu_indices(len(recs), 1)
            ild.append(float(np.mean(1 - sims[iu])))
    # The numbers without the queries whose photo the index holds under another id (the catalogue's own
    # duplicates): a maintainer's trial needed a throwaway script for them.
    apart = ~np.array(copied, bool)
    without = {"n_queries_without_copies": int(apart.sum()),
               "precision_at_10_articleType_without_copies": float(np.mean(np.array(p_type)[apart])),
               "precision_at_10_articleType_colour_without_copies": float(np.mean(np.array(p_pair)[apart])),
               "map_at_10_articleType_without_copies": float(np.mean(np.array(ap_type)[apart]))} \
        if copies and apart.any() else {}
    absent = queries.loc[~queries["articleType"].isin(type_counts.index), "articleType"].dropna().value_counts()
    return _named_for({
        "n_queries": len(queries),
        "n_blank_query_photos_left_out": left_out["blank"],
        "n_tiny_query_photos_left_out": left_out["tiny"],
        "n_queries_in_index_excluded_from_own_results": n_self,
        # None: unknowable here (see evaluate.seen_by_model); copies count apart, as `evaluate --split all` does.
        "n_queries_model_trained_on": None if by_model is None else int((by_model[0] | by_model[1]).sum()),
        # Of those, the ones only a model it was started from (--init) saw: no split of this catalogue leaves them out.
        "n_queries_start_model_trained_on": None if by_model is None else int(by_model[1].sum()),
        "n_queries_photo_copy_of_training": None if by_model is None else int(by_model[2].sum()),
        # Why, where it is None, as `evaluate`'s JSON says it: the CLI printed the reason, the JSON had none (a code
        # review).
        **({"trained_on_unknown": why_seen_unknown(recommender.tagger.meta,
                                                           recommender.tagger.path)} if by_model is None else {}),
        "n_queries_copy_of_an_indexed_product": int(copies),
        **without,
        "articleType_not_in_index": {str(t): int(n) for t, n in absent.items()},
        # Queries the photo search calls unfamiliar (PhotoResults.unfamiliar): about 1% of new catalogue photos.
        "unfamiliar_query_share": unfamiliar / len(queries),
        "k": k,
        "precision_at_10_articleType": float(np.mean(p_type)),
        # The best P@10 this index allows: a type with fewer than 10 other products caps it (small indexes).
        "precision_at_10_articleType_ceiling": float(np.mean(ceiling)),
        "precision_at_10_articleType_colour": float(np.mean(p_pair)),
        # How far each could be from the index's on other queries like these: a maintainer's 297 held-out photos read
        # 0.8586 beside the README's 0.901 on 3,988, with nothing to say whether that was the draw.
        "precision_at_10_articleType_interval_95": mean_interval(p_type),
        "precision_at_10_articleType_colour_interval_95": mean_interval(p_pair),
        # The same for type + colour: a 261-product shop reads 0.27 beside a recall of 0.95 (an ML engineer's trial).
        "precision_at_10_articleType_colour_ceiling": float(np.mean(pair_ceiling)),
        # A shop's catalogue without genders has no such number (None).
        "precision_at_10_gender": float(np.mean(p_wearer)) if p_wearer else None,
        "precision_at_10_gender_n_queries": len(p_wearer),
        "map_at_10_articleType": float(np.mean(ap_type)),
        "recall_at_10_articleType_colour": float(np.mean(r_pair)) if r_pair else 0.0,
        # ... averaged over the queries whose type + colour has any other product in the index:
        "recall_at_10_articleType_colour_n_queries": len(r_pair),
        "catalogue_coverage": len(seen) / max(1, len(items)),
        "intra_list_diversity": float(np.mean(ild)) if ild else 0.0,
        "latency_ms_p50": float(np.percentile(lat, 50)),
        "latency_ms_p99": float(np.percentile(lat, 99)),
        **({"similar_n_queries": len(s_type),
            "similar_precision_at_10_articleType": float(np.mean(s_type)),
            "similar_precision_at_10_articleType_colour": float(np.mean(s_pair))} if s_type else {}),
        **report,
        "sold_out": _sold_out_said(recommender, shown),
    }, k)


def same_wearer(genders, gender: str) -> np.ndarray:
    """(n,) bool: which of ``genders`` (results' gender labels) are for the wearer of a query of ``gender``: the
    same gender, or Unisex on either side. By the labels alone: a boy's photo's unisex backpack counts, as a men's
    photo's unisex watch does.

    >>> same_wearer(["Men", "Women", "Unisex"], "Men").tolist()
    [True, False, True]
    """
    genders = np.asarray(genders, dtype=object)
    return (genders == gender) | (genders == "Unisex") | (gender == "Unisex")


def mean_interval(values, z: float = 1.96) -> list[float]:
    """A 95% interval of the mean of per-query scores in [0, 1] (normal approximation: mean +- 1.96 standard
    errors, clipped to [0, 1]); ``[0, 1]`` for fewer than 2 values."""
    v = np.asarray(values, float)
    if len(v) < 2:
        return [0.0, 1.0]
    mean, half = float(v.mean()), z * float(v.std(ddof=1)) / float(np.sqrt(len(v)))
    return [max(0.0, mean - half), min(1.0, mean + half)]


def _named_for(metrics: dict, k: int) -> dict:
    """``metrics`` with each "10" in a key's name (at_10, fewer_than_10) made ``k``: ``k=5`` gave
    ``precision_at_10_*`` keys holding precision at 5 (a Python user's trial)."""
    if k == 10:
        return metrics
    return {re.sub(r"_(at|than)_10(?=_|$)", rf"_\1_{k}", key): value for key, value in metrics.items()}


# What a labelled text query may say its relevant results have (gender: that gender or Unisex).
TEXT_QUERY_ATTRIBUTES = ("articleType", "baseColour", "usage", "season", "gender")


def check_text_queries(data, where: str) -> list[dict]:
    """Labelled text queries as read from JSON (a list, or ``{"queries": [...]}``), checked: each needs a
    query and at least one of :data:`TEXT_QUERY_ATTRIBUTES`, else every result would count as relevant.
    Raises ValueError saying which query is wrong."""
    queries = data.get("queries") if isinstance(data, dict) else data
    if not isinstance(queries, list) or not queries:
        raise BadInputError(f"{where} must hold a list of queries (or {{\"queries\": [...]}})")
    for n, q in enumerate(queries, 1):
        if not (isinstance(q, dict) and isinstance(q.get("query"), str) and q["query"].strip()
                and any(q.get(a) for a in TEXT_QUERY_ATTRIBUTES)):
            raise BadInputError(f"{where}, query {n}: needs \"query\" and at least one of "
                                f"{', '.join(TEXT_QUERY_ATTRIBUTES)} (what a relevant result has), got {q!r}")
    return queries


def _any_of(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def evaluate_text(recommender, queries: list[dict] | None = None, k: int = 10,
                  include_sold_out: bool | None = None) -> dict:
    """Precision@k of :meth:`Recommender.search_text` on labelled queries (``include_sold_out`` as
    :func:`evaluate_recs` reads it).

    Each query is ``{"query": str, "articleType"?: str, "baseColour"?: str, "usage"?: str, "season"?: str,
    "gender"?: str}``; a result is relevant when it has every given attribute (gender: that gender or Unisex).
    A list is any of its values: "winter wear" is any of the warm types.
    """
    queries = default_text_queries() if queries is None else queries
    shown = showing_sold_out() if include_sold_out is None else bool(include_sold_out)
    items = _listable(recommender, shown)
    per = []
    for q in queries:
        with sold_out_shown(shown):
            recs = recommender.search_text(q["query"], k=k)
        hits = 0
        for r in recs:
            ok = all(r.item.get(key) in _any_of(q[key]) for key in TEXT_QUERY_ATTRIBUTES
                     if key != "gender" and q.get(key))
            if q.get("gender"):
                ok &= r.item.get("gender") in [*_any_of(q["gender"]), "Unisex"]
            hits += ok
        # The same rule over the whole index: a small one may hold fewer than k products a query could find.
        relevant = np.ones(len(items), bool)
        for key in TEXT_QUERY_ATTRIBUTES:
            if q.get(key) and key in items:
                wanted = [*_any_of(q[key]), "Unisex"] if key == "gender" else _any_of(q[key])
                relevant &= items[key].isin(wanted).to_numpy()
        n_relevant = int(relevant.sum())
        ceiling = min(k, n_relevant) / k
        per.append({"query": q["query"], f"precision_at_{k}": hits / k, "returned": len(recs),
                    "relevant_in_index": n_relevant, f"precision_at_{k}_ceiling": ceiling,
                    f"reachable_precision_at_{k}": ceiling})       # deprecated: DEPRECATED_TEXT_KEYS
    mean = lambda key: float(np.mean([p[key] for p in per])) if per else 0.0    # noqa: E731
    return _named_for({"text_n_queries": len(per), "text_precision_at_10": mean(f"precision_at_{k}"),
            # What a perfect ranking would score on this index: on a 300-product folder "red saree" may have 2.
            "text_precision_at_10_ceiling": mean(f"precision_at_{k}_ceiling"),
            "text_precision_at_10_reachable": mean(f"precision_at_{k}_ceiling"),      # deprecated, the same number
            "text_queries_with_fewer_than_10_relevant": sum(p["relevant_in_index"] < k for p in per),
            "text_per_query": per, "sold_out": _sold_out_said(recommender, shown),
            "deprecated_keys": deprecated_text_keys(k)}, k)


# Keys kept one more version under their old names, each beside the name that replaces it (stop 66): text's ceiling
# was "reachable" where the photo queries' is ``precision_at_10_articleType_ceiling``. Removed after 0.1.x.
DEPRECATED_TEXT_KEYS = {"text_precision_at_10_reachable": "text_precision_at_10_ceiling",
                        "text_per_query[].reachable_precision_at_10": "text_per_query[].precision_at_10_ceiling"}


def deprecated_text_keys(k: int = 10) -> dict[str, str]:
    """{old key: the key to read instead} of :func:`evaluate_text`'s output, named for ``k``, as its JSON says them."""
    return {re.sub(r"_at_10(?=_|$)", f"_at_{k}", old): re.sub(r"_at_10(?=_|$)", f"_at_{k}", new)
            for old, new in DEPRECATED_TEXT_KEYS.items()}
