"""Recommendations over an index folder: the :class:`Recommender` (build, load, similar items, photo
queries, adding and removing products), with its parts text search (:mod:`fashionrec.text_search`),
complete the look (:mod:`fashionrec.outfits`) and profiles (:mod:`fashionrec.profiles`).

Every recommender returns ``list[Rec]`` (id, score, a short human reason, the item's metadata).

Index folder (``fashionrec index build`` writes it atomically: into a temp folder, then renamed):

* ``manifest.json`` — model (name, path, checkpoint summary), count, dim (the embedding's), index_dim and
  projection (what the vector index searches), index kind, date, build seconds, data dir, text model.
* ``items.csv`` — catalogue metadata + ``image_path`` + predicted ``pred_<head>`` / ``pred_<head>_prob``.
* ``embeddings.npy`` (n, d) float32 image embeddings, rows aligned with ``items.csv``.
* ``text_embeddings.npy`` (n, 384) float32 MiniLM embeddings of the product text, same rows.
* ``vectors.faiss`` + ``vectors.json`` — the image index (:class:`~fashionrec.index.FaissIndex`).
* ``projection.npz`` — when the manifest names a projection: the PCA that shortens the embeddings the index
  searches (:mod:`fashionrec.index.projection`); candidates are re-scored with ``embeddings.npy``.
* ``images/<id>.jpg`` — photos of products added with :meth:`Recommender.add_product`.

Similar items — the ranking
---------------------------
The :data:`RERANK_POOL` nearest neighbours by cosine (filters inside the search; for a catalogue item with too
few for its wearer, or of its type and colour, among them, the nearest of those too) are re-ranked by
``cosine + sum(weight[head] * P(query has the candidate's label for head))`` with :data:`ATTRIBUTE_WEIGHTS`
(articleType 1.0, baseColour 0.5, gender 0.1). For a photo, P is the tagger's predicted probabilities; for a
catalogue item, its own labels (one-hot), less :data:`WRONG_WEARER` for a product its wearer would not wear,
plus :data:`FAMILY_WEIGHTS` for its subCategory and masterCategory and :data:`KIND_WEIGHT` for the kind its
name says (a polo, or none). So a look-alike of another type or colour ranks below a look-alike that shares
them, and the tagger's uncertainty decides how much. For a photo the tagger's probabilities are first
blended (weight 0.35) with a vote of the :data:`NEIGHBOUR_VOTE` nearest catalogue items' own labels
(weighted by ``exp((cosine - best cosine) / temperature)``): the labelled catalogue corrects part of the
tagger's errors. ``attribute_weights = {}`` on a :class:`Recommender` ranks by cosine alone (``fashionrec
evaluate-recs --rank embedding``); ``neighbour_vote = 0`` uses the tagger alone (``--rank tagger``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import difflib
import itertools
import logging
import math
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from PIL import Image

from fashionrec import __version__
from fashionrec.artifacts import (
    atomic_dir,
    check_replaceable,
    invoked_command,
    private_temp_dir,
    read_json,
    write_json,
    write_with,
)
from fashionrec.blas import one_blas_thread
from fashionrec.catalog import (
    ATTRIBUTES,
    COLUMNS,
    PLACEHOLDER_NAME,
    Catalog,
    check_photo,
    load_catalog,
    open_rgb,
    styles_sha256,
    to_rgb,
)
from fashionrec.embed import Embedder, embed_catalog, predicted_frame
from fashionrec.errors import (
    BadInputError,
    ChangedOnDiskError,
    ConflictError,
    IndexError_,
    ModelError,
    NotFoundError,
)
from fashionrec.index import BACKENDS, FaissIndex, VectorIndex, open_index
from fashionrec.index.faiss_index import KINDS
from fashionrec.index.projection import Projection, auto_projection_dim
from fashionrec.outfits import Outfits
from fashionrec.profiles import Profiles
from fashionrec.results import (  # noqa: F401  (Rec and MAX_K: what callers import from here)
    DUPLICATE_SLACK,
    FILTER_KEYS,
    MAX_K,
    NEAR_DUPLICATE,
    Rec,
    check_k,
    listed,
)
from fashionrec.tagger import Tagger
from fashionrec.text_encoder import TEXT_MODEL_NAME, encode_text, product_text
from fashionrec.text_search import TextSearch
from fashionrec.vocabulary import CHILDREN_NAME, KIDS_NAME, OTHER_CHILD, TypeWords
from fashionrec.vocabulary import KINDS as NAMED_KINDS
from fashionrec.word_search import WordSearch

log = logging.getLogger(__name__)

# What a shop's page says of a product the catalogue has but the index does not (no photo, a row that could not
# be read, taken out); the error itself tells whoever runs the shop what to do about it.
UNLISTED = "This product is not in the shop at the moment. Search for something like it, or browse the catalogue."
LOAD_ATTEMPTS = 3           # reads of an index folder that another process is saving into
INDEX_MARKER = "vectors.json"   # the file that makes a folder an index (an embeddings folder has a manifest too)
# Attribute-aware ranking of similar items: score = cosine + sum over heads of weight x P(query has the
# candidate's label). The embedding alone ranks many near-looking items of another type or colour first;
# the tagger's head probabilities know better. Weights chosen on the validation split (photo queries of
# 1,500 val products against an index of train+val): P@10 articleType 0.795 -> 0.847, articleType+colour
# 0.424 -> 0.542; larger weights changed neither by more than 0.004.
ATTRIBUTE_WEIGHTS = {"articleType": 1.0, "baseColour": 0.5, "gender": 0.1}
# Added, for a catalogue item's similar items, to those of its subCategory and of its masterCategory: once its
# type runs out, its kind rather than anything of its colour (a gold football had a gold day cream, a bangle and
# an eye shadow after the catalogue's seven other footballs; a yellow muffler a yellow capri among its stoles).
# Products of its type are of its kind too, so they keep their order; together more than a colour's weight.
# Over the 229 products of types with fewer than 12 (runs/index), top 10 of the same subCategory 0.639 ->
# 0.756, masterCategory 0.928 -> 0.968, for the wearer 0.939 -> 0.948, of the same colour 0.630 -> 0.577; over
# 300 random products same type 0.978 -> 0.977, colour 0.885 -> 0.881.
FAMILY_WEIGHTS = {"subCategory": 0.6, "masterCategory": 0.3}
# Taken off the score of a catalogue item's similar item that its wearer would not wear (Recommender._wearers:
# men's for a women's product, grown-ups' for a child's, a child's for a grown-up's; unisex suits grown-ups).
# As much as the type's weight: 0.6 let a closer look and the colour's bonus win ("ADIDAS Kids Boys Duramo"
# black sports shoes got men's black ones before the catalogue's 12 other children's sports shoes). Over the
# 1,888 children's products' top 12 (runs/index), 11.35 were for their wearer at 0.6, 11.75 at 1.0 (same type
# 97.8% -> 96.3%); over 300 random products' top 10, 0.5% -> 0.0% for another wearer, same type 99.47% at
# both, same colour 86.9% -> 86.4%. Photo queries, whose gender is a guess, do without.
WRONG_WEARER = 1.0
# Added, for a catalogue item's similar items, to those whose name says the same kind of their type
# (vocabulary.KINDS: a polo among T-shirts, chinos among trousers, or none): a shape is what a shopper sees first
# (a stylist's trial: 8 polos of 10 for a printed crew-neck T-shirt). Over 300 random T-shirts' top 10
# (runs/index, /tmp/work/kinds.py), of the product's kind 0.818 -> 0.973 / 0.977 / 0.987 at 0.3 / 0.45 / 0.6,
# of its colour 0.965 -> 0.965 / 0.961 / 0.951: below the colour's weight, the colour keeps its place.
KIND_WEIGHT = 0.3
# Brands whose name says "polo" (a name's first words) name no polo: U.S. Polo Assn.'s button-down shirts and
# shoes, Classic Polo's 141 T-shirts (of them 99 crew necks ranked polos first, a review), Regent Polo Club's.
_POLO_BRAND = r"^(?:u\.?\s?s\.?\s?polo(?:\s+assn\b\.?)?|classic\s+polo|regent\s+polo(?:\s+club)?)\b"
_KIND_WORDS = r"\b(" + "|".join(sorted(NAMED_KINDS, key=len, reverse=True)) + r")s?\b"
RERANK_POOL = 200           # nearest neighbours re-ranked by the attribute-aware score
# With a projected index: fetch this many times the wanted count (+ 10) by projected cosine, then keep the
# best by full cosine (for a top-10, 30 candidates hold 99.9% of the exact top-10; index/projection.py).
REFINE_FACTOR = 2
# A photo's label probabilities = (1 - weight) x tagger + weight x the vote of its nearest catalogue items.
# Chosen on the validation split (3,988 val photos against the train items, never test). Shipped
# EfficientNet-Lite0: articleType accuracy 0.877 -> 0.880, P@10 articleType 0.873 -> 0.880, articleType+colour
# 0.588 -> 0.592 (weight 0.5: 0.878 / 0.587; neighbours 20 or 50 alike). The earlier fashion-cnn gained
# more (P@10 0.857 -> 0.868 at weight 0.35-0.65). Re-checked for the shipped ensemble: P@10 articleType /
# +colour 0.891 / 0.612 at 0.2, 0.892 / 0.612 at 0.35, 0.892 / 0.609 at 0.5, 0.891 / 0.602 at 0.65.
NEIGHBOUR_VOTE = {"neighbours": 20, "temperature": 0.02, "weight": 0.35}
# A photo is unfamiliar when no catalogue product is as similar to it as all but this share of the
# catalogue's products are to their nearest other product (its leave-one-out nearest-neighbour cosine).
# The threshold comes from the index's own embeddings, so it follows any model. On the shipped model it is
# 0.661 (trainval index), and it flags 1.05% of the never-seen test photos, which the tagger gets right 57%
# of the time against 90.6% for the rest; pixel noise (0.642), a small shoe on a noisy background (0.650),
# a rotated shoe, a gradient and a checkerboard fall below it (docs/service.md, "Photos unlike the catalogue").
UNFAMILIAR_QUANTILE = 0.005
# A photo's type guess under this calibrated probability is unsure: the web page says so, and its results'
# cards do not claim "same type".
UNSURE_TYPE = 0.5
# Another view of a photo than the first (photo_query) is taken where its closest catalogue product is at
# least this much closer than the first view's: 2,000 validation photos against the train+val index (own
# id left out), P@10 type 0.8966 with the first view always, 0.8936 with any closer view, 0.8961 with 0.05.
VIEW_MARGIN = 0.05
# A photo whose first view has a catalogue product this close is tagged as it is, without the other views:
# 65% of never-seen validation photos are (their other views are tagged for 10% of them, not 33%), and
# none of the photos the other views help (recoloured backdrops, products small on a square) lose by it.
FAMILIAR_ENOUGH = 0.85
UNFAMILIAR_SAMPLE = 2000    # catalogue products whose nearest neighbours set the threshold (about 3 s at 40k)


class PhotoQuery(NamedTuple):
    """A shopper's photo as :meth:`Recommender.photo_query` chose to look at it."""

    vector: np.ndarray          # (d,) L2-normalised embedding of the chosen view
    probs: dict                 # {head: (1, classes)} raw probabilities of the chosen view
    closest: float | None       # cosine of the closest catalogue product to it (None: empty index)
    closest_id: int | None      # that product's id
    views: int                  # how many views of the photo were tagged
    chosen: int                 # which (0: the photo as it is, or its crop for a very small product)
    excluded: set               # ids left out of "closest"


class PhotoResults(tuple):
    """What :meth:`Recommender.similar_to_image` returns: the pair (predicted labels, similar items), plus
    ``closest`` (the cosine of the most similar catalogue product) and ``unfamiliar`` (whether that is
    below the catalogue's own :data:`UNFAMILIAR_QUANTILE`: the photo looks unlike any product in it, and
    its labels and results deserve less trust)."""

    closest: float | None
    unfamiliar: bool

    def __new__(cls, predicted: dict, recs: list, closest: float | None, unfamiliar: bool) -> PhotoResults:
        results = super().__new__(cls, (predicted, recs))
        results.closest, results.unfamiliar = closest, unfamiliar
        return results

    def __getnewargs__(self) -> tuple:      # copy and pickle rebuild it from all four
        return (*self, self.closest, self.unfamiliar)


def familiar_floor(embeddings: np.ndarray, sample: int = UNFAMILIAR_SAMPLE, seed: int = 0) -> float | None:
    """The cosine below which a photo is unfamiliar: the :data:`UNFAMILIAR_QUANTILE` of the nearest-neighbour
    cosines of up to ``sample`` products to the others (copies of the same photo left out); None for a
    catalogue too small to say."""
    n = len(embeddings)
    if n < 50:
        return None
    picked = np.random.default_rng(seed).choice(n, min(sample, n), replace=False)
    nearest = []
    for start in range(0, len(picked), 256):
        rows = picked[start:start + 256]
        sims = embeddings[rows] @ embeddings.T
        sims[np.arange(len(rows)), rows] = -1.0
        sims[sims > NEAR_DUPLICATE] = -1.0
        nearest.append(sims.max(axis=1))
    return float(np.quantile(np.concatenate(nearest), UNFAMILIAR_QUANTILE))


def _clean(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def _stamp(manifest: dict) -> tuple:
    """What tells one saved version of an index folder from another."""
    return manifest.get("build_id"), manifest.get("date"), manifest.get("updated"), manifest.get("count")


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _cosines(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``vectors @ query`` for the few hundred candidates of one query, without BLAS: OpenBLAS's threads
    keep spinning after a product and take the cores from the tagger's next photo (measured: 411 x 1280
    by ``@`` made the next inference 38 ms instead of 18; by einsum, 19 ms)."""
    return np.einsum("ij,j->i", vectors, query)


def _mmr(cand_vecs: np.ndarray, relevance: np.ndarray, k: int, diversity: float) -> list[int]:
    """Maximal marginal relevance: positions of k candidates trading relevance for novelty."""
    lam = 1.0 - diversity
    chosen: list[int] = []
    left = list(range(len(relevance)))
    with one_blas_thread:
        while left and len(chosen) < k:
            red = (cand_vecs[left] @ cand_vecs[chosen].T).max(axis=1) if chosen else np.zeros(len(left))
            best = int(np.argmax(lam * relevance[left] - (1 - lam) * red))
            chosen.append(left.pop(best))
    return chosen


def _temperatures(tagger: Tagger) -> dict[str, float]:
    return dict((tagger.meta.get("calibration") or {}).get("temperature", {}))


def other_catalogue(manifest: dict, data_dir: str | Path) -> str:
    """Why an index (its ``manifest``) is not ``data_dir``'s: built from another folder, or from this one's
    styles.csv before it changed; "" when it is. An index built before manifests recorded the file's hash
    is compared by folder alone. A user trial ran `FASHIONREC_DATA=other bash scripts/main.sh` after a first
    run: the data check and the EDA described the new catalogue, and the old 39,730-product index was served."""
    built_from = manifest.get("data_dir")
    here = str(Path(data_dir).resolve())
    if built_from and built_from != here:
        return f"it was built from the catalogue {built_from}, not {here}"
    recorded, now = manifest.get("styles_sha256"), styles_sha256(data_dir)
    if recorded and now and recorded != now:
        return f"{Path(data_dir) / 'styles.csv'} changed since it was built ({manifest.get('date')})"
    return ""


def stale_probabilities(rec: Recommender, sample: int = 16) -> str:
    """Why the index's stored predicted probabilities differ from what its tagger gives now (a calibration
    fitted or changed after the build: same weights, other temperatures), or "" when they agree. An index
    built before manifests recorded the temperatures is checked on a sample of its catalogue photos."""
    built = rec.manifest.get("model", {}).get("temperature")
    now = _temperatures(rec.tagger)
    if built == now or built is None and not now:
        return ""
    if built is None and "pred_articleType_prob" in rec.items:
        from fashionrec.data import images_to_tensor

        paths = rec.items["image_path"].astype(str).map(Path)
        # The first photos that exist, not a stat of every one of 40k files to keep 16.
        rows = list(itertools.islice((r for r, p in enumerate(paths) if p.is_absolute() and p.is_file()), sample))
        if rows:
            _, probs = rec.tagger.infer(images_to_tensor([open_rgb(paths.iloc[r]) for r in rows]))
            fresh = predicted_frame(rec.tagger, probs)["pred_articleType_prob"].to_numpy(float)
            if np.allclose(fresh, rec.items["pred_articleType_prob"].to_numpy(float)[rows], atol=1e-3):
                return ""
    return (f"the model's calibration changed since the index was built (temperatures "
            f"{built if built is not None else 'not recorded'} -> {now}), so its stored predicted probabilities "
            "are stale")


def _check_same_model(index_dir: Path, built_by: dict, tagger: Tagger, missing: bool) -> None:
    """Refuse a tagger other than the one that embedded the index: its photo embeddings would not be
    comparable with the index's, even at the same dimension (e.g. an index built with the shipped model,
    after an update replaced that file)."""
    if built_by.get("sha256") and tagger.sha256:
        same = tagger.sha256 == built_by["sha256"]
    else:       # an index or a model without a fingerprint: the names are what there is to compare
        same = not built_by.get("name") or tagger.name == built_by["name"]
    if same:
        return
    was = f"index {index_dir} was built by model {built_by.get('name')} ({built_by.get('path')}"
    if missing:
        why = f"{was}, now missing); the shipped model, {tagger.name}, is another model"
    else:
        why = f"{was}), but the model to serve it, {tagger.name} ({tagger.path}), has other weights"
    model = f" --model {tagger.path}" if tagger.path and not missing else ""
    raise ModelError(f"{why}: rebuild the index with this model (`fashionrec index build DATA_DIR{model} --out "
                     f"{index_dir}`), or pass --model with the checkpoint the index was built with")


class Recommender(TextSearch, Outfits, Profiles):
    """Recommendations over an index folder; build with :meth:`build`, open with :meth:`load`.

    Example:
        >>> rec = Recommender.load("runs/index")                    # doctest: +SKIP
        >>> [r.id for r in rec.similar(15970, k=3)]                 # doctest: +SKIP
        [15971, 1855, 30805]
    """

    def __init__(self, index_dir: Path, manifest: dict, items: pd.DataFrame, embeddings: np.ndarray,
                 text_embeddings: np.ndarray, index: VectorIndex, tagger: Tagger,
                 projection: Projection | None = None):
        self.index_dir = Path(index_dir)
        self.manifest = manifest
        self.items = items                       # indexed by id
        self.embeddings = embeddings             # (n, d) float32, rows aligned with items
        self.text_embeddings = text_embeddings   # (n, 384) float32
        self.index = index
        self.projection = projection             # None: the index holds the embeddings themselves
        self.tagger = tagger
        self.embedder = Embedder(tagger)
        # {} = rank by the embedding alone (e.g. to measure what the attribute terms add)
        self.attribute_weights = dict(ATTRIBUTE_WEIGHTS)
        self.family_weights = dict(FAMILY_WEIGHTS)
        self.kind_weight = KIND_WEIGHT
        self.neighbour_vote = NEIGHBOUR_VOTE["weight"]
        self._stamp = _stamp(manifest)     # which version of the folder this object holds
        self._build_lock = threading.RLock()   # lazy tables: one builder at a time (see _once)
        # The unfamiliar-photo threshold of an older index, computed once: a product added later moves it
        # by nothing worth 3 s per addition.
        self._floor: float | None = None
        self._reindex()

    # ---- building and loading -----------------------------------------------------------------
    @classmethod
    def build(cls, catalog: Catalog, tagger: Tagger, out_dir: str | Path, index_kind: str = "auto",
              progress: bool = True, backend: str = "faiss", uri: str | Path | None = None,
              token: str | None = None, embeddings: pd.DataFrame | None = None,
              index_dim: int | None = None) -> Recommender:
        """Embed every usable product, build the image and text indexes, write ``out_dir`` atomically.

        ``index_dim``: the index searches a PCA projection of the embeddings to this many dimensions and
        re-scores with the full ones; None = 256 for embeddings longer than that (and >= 1,024 items),
        0 = the full embeddings.

        ``backend="milvus"``: the vectors go to a new collection at ``uri`` (default: the Milvus Lite file
        ``<out_dir>.milvus.db`` beside the folder); the collection of the index it replaces is dropped
        once the new folder is in place. ``embeddings``: precomputed (id, vector, pred_*) rows, e.g. from
        ``fashionrec embed --engine ray`` (:func:`fashionrec.batch_embed.load_embeddings`), instead of
        embedding here.
        """
        t0 = time.perf_counter()
        out_dir = Path(out_dir)
        if backend not in BACKENDS:
            raise BadInputError(f"unknown index backend {backend!r}; valid: {', '.join(BACKENDS)}")
        if backend == "faiss" and uri:
            raise BadInputError("--uri is for --backend milvus")
        usable = catalog.usable
        if len(usable) == 0:
            raise BadInputError(f"catalogue {catalog.root} has no usable items to index")
        # Before minutes of embedding: the index kind and projection size, and that --out is not some other folder.
        if index_kind not in KINDS:
            raise BadInputError(f"index kind {index_kind!r} is not one of {', '.join(KINDS)}")
        index_dim = cls._check_index_dim(index_dim, len(usable), tagger.dim)
        check_replaceable(out_dir, INDEX_MARKER, "fashionrec index")
        catalogue_ids = set(usable["id"].astype(int))
        _added_products(out_dir, catalogue_ids)     # an added product's unreadable photo: say so now
        # The folder's Milvus collection, replaced, is kept one generation whatever the new backend: a server
        # started on the old folder still searches it (a rebuild as FAISS dropped it at once, and that server
        # answered 500, a scale-out trial); the one it kept is dropped once this build is in place.
        replaced = _readable(_milvus_meta, out_dir)
        earlier = replaced.get("previous") if replaced else _readable(_kept_by_faiss, out_dir)
        if backend == "milvus":     # and that the collection has somewhere to go
            from fashionrec.index.milvus_index import check_reachable

            check_reachable(cls._milvus_uri(out_dir, uri), token)
        if embeddings is None:
            ids, vectors, preds = embed_catalog(catalog, tagger, progress=progress)
        else:
            from fashionrec.batch_embed import aligned_embeddings

            ids, vectors, preds = aligned_embeddings(embeddings, usable)
            if vectors.shape[1] != tagger.dim:
                raise ModelError(f"the embeddings are {vectors.shape[1]}-d but model {tagger.name} makes "
                                 f"{tagger.dim}-d ones: build with the model that made them")
        projection = cls._fit_projection(vectors, index_dim) if index_dim else None
        search_vectors = vectors if projection is None else projection(vectors)
        items = usable[[c for c in COLUMNS if c in usable.columns] + ["image_path"]].reset_index(drop=True)
        items = pd.concat([items, preds], axis=1)
        items["image_path"] = [str(Path(p).resolve()) for p in items["image_path"]]
        log.info("embedding product text of %d items", len(items))
        text_vecs = encode_text([product_text(r) for r in items.to_dict("records")], progress=progress)
        index = None
        try:
            with atomic_dir(out_dir, INDEX_MARKER, "fashionrec index") as tmp:
                index = cls._new_index(backend, int(search_vectors.shape[1]), index_kind, out_dir, uri, token,
                                       len(ids))
                index.add(ids, search_vectors, attrs=items[list(FILTER_KEYS)].to_dict("records"))
                if index.kind == "hnsw":
                    pick = np.random.default_rng(0).choice(len(ids), min(500, len(ids)), False)
                    index.tune_ef_search(search_vectors[pick])
                manifest = {
                    "model": {"name": tagger.name,
                              "path": str(Path(tagger.path).resolve()) if tagger.path else None,
                              "sha256": tagger.sha256,
                              "architecture": tagger.meta.get("model"),
                              "preprocessing": tagger.meta.get("preprocessing"),
                              # the pred_<head>_prob columns are calibrated with these (`index check`)
                              "temperature": _temperatures(tagger),
                              # a summary of the checkpoint's own description (the full one sits beside it)
                              **{key: tagger.meta[key] for key in ("epoch", "val", "test", "train_seconds",
                                                                   "params") if key in tagger.meta}},
                    "count": len(items), "dim": int(vectors.shape[1]), "index_dim": int(search_vectors.shape[1]),
                    "projection": projection.describe() if projection else None, "index_kind": index.kind,
                    "backend": backend, "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                    "fashionrec_version": __version__, "command": invoked_command(),
                    "build_id": uuid.uuid4().hex,
                    "data_dir": str(Path(catalog.root).resolve()), "styles_sha256": styles_sha256(catalog.root),
                    "text_model": TEXT_MODEL_NAME,
                    "text_dim": int(text_vecs.shape[1]),
                    "unfamiliar_below": familiar_floor(vectors),
                    # Rows of the catalogue with no product here, so that asking for one says why.
                    "left_out": {status: [int(i) for i in catalog.table.loc[catalog.table["image_status"] == status,
                                                                               "id"]]
                                 for status in ("missing", "unreadable")},
                    # Rows styles.csv has but could not read, by the id they start with: an added product is
                    # never given one (it would be lost when the row is fixed), and asking for one says why.
                    "rejected_rows": _rejected_rows(catalog),
                    # Usable rows whose photo is one flat colour: indexed, never shown as a match (_set_aside).
                    "blank_image_ids": [int(i) for i in np.intersect1d(catalog.report.blank_image_ids, ids)],
                }
                if replaced:
                    kept = {key: replaced[key] for key in ("uri", "collection", "dim")}
                    if backend == "milvus":
                        index.previous = kept
                    else:
                        manifest["previous_milvus"] = kept
                rec = cls(tmp, manifest, items.set_index("id", drop=False), vectors, text_vecs, index, tagger,
                          projection)
                rec.manifest["build_seconds"] = round(time.perf_counter() - t0, 1)
                # Products added to the previous index since its build (`index add`, the API) live only in
                # it: re-embed them with this model into the new folder before it replaces the old one, read
                # as late as possible so that one a server added while this build embedded is kept too.
                carried, replaced_ids = _added_products(out_dir, catalogue_ids)
                for metadata, image in carried:
                    rec.add_product(image, metadata, allow_new_values=True, save=False)
                if carried:
                    rec.manifest["kept_added_ids"] = [int(m["id"]) for m, _ in carried]
                if replaced_ids:
                    rec.manifest["added_ids_now_catalogue_rows"] = replaced_ids
                # Ids handed out by the index this one replaces stay used, removed products' included.
                # So do the catalogue's rows without a product here (no usable photo, rejected): an id given to
                # an added product would become that row's when it is fixed.
                rows = [int(catalog.table["id"].max()) if len(catalog.table) else 0,
                        *map(int, rec.manifest["rejected_rows"])]
                rec.manifest["highest_id"] = max(_previous_highest_id(out_dir), rec._highest_id(), *rows)
                rec.save()
        except BaseException:
            # The new folder never replaced the old one: leave no orphan collection behind.
            if backend == "milvus" and index is not None:
                try:
                    index.drop()
                except Exception as drop_error:  # the build's own error matters more than the clean-up's
                    log.warning("could not drop the unfinished collection: %s", drop_error)
            raise
        _drop_replaced(earlier, index, token)
        if carried:
            log.info("kept %d products added to the previous index (ids %s)", len(carried),
                     ", ".join(str(m["id"]) for m, _ in carried[:20]))
        if replaced_ids:
            log.warning("products %s, added to the previous index, are now rows of the catalogue under the same "
                        "ids: the catalogue's rows replace them", ", ".join(map(str, replaced_ids[:20])))
        log.info("indexed %d items in %.1f s -> %s", len(items) + len(carried), time.perf_counter() - t0, out_dir)
        return cls.load(out_dir, model=tagger, token=token)

    @staticmethod
    def _check_index_dim(index_dim, n: int, d: int) -> int:
        """The projection size to use: ``index_dim`` validated, or the default for n items of d dims."""
        if index_dim is None:
            return auto_projection_dim(n, d)
        try:
            dim = int(index_dim)
        except (TypeError, ValueError):
            dim = -1
        if dim != 0 and dim != d and not 0 < dim <= min(d - 1, n):
            raise BadInputError(f"--index-dim must be 0 (full embeddings) or between 1 and {min(d - 1, n)} "
                                f"(the embeddings are {d}-d, {n} items), got {index_dim!r}")
        return 0 if dim == d else dim

    @staticmethod
    def _fit_projection(vectors: np.ndarray, dim: int) -> Projection:
        """PCA of ``vectors`` to ``dim`` components (already checked by :meth:`_check_index_dim`)."""
        n, d = vectors.shape
        t0 = time.perf_counter()
        projection = Projection.fit(vectors, dim)
        log.info("index projection: PCA %d -> %d dims keeps %.1f%% of the variance (%.1f s)", d, dim,
                 100 * projection.explained_variance, time.perf_counter() - t0)
        return projection

    @staticmethod
    def _new_index(backend: str, dim: int, kind: str, out_dir: Path, uri, token, count: int) -> VectorIndex:
        if backend == "faiss":
            return FaissIndex(dim=dim, kind=kind)
        from fashionrec.index.milvus_index import MilvusIndex

        uri = Recommender._milvus_uri(out_dir, uri)
        # A new collection per build: the old index keeps serving until the new folder replaces it.
        name = re.sub(r"\W", "_", f"fashionrec_{out_dir.name}_{_dt.datetime.now(_dt.UTC):%Y%m%d%H%M%S%f}")
        index_type = {"auto": "auto", "flat": "FLAT", "hnsw": "HNSW"}[kind]
        return MilvusIndex(dim, uri, name, token=token, index_type=index_type, expected_count=count)

    @staticmethod
    def _milvus_uri(out_dir: Path, uri) -> str | Path:
        """Where a build's Milvus collection goes: ``uri``, or the Milvus Lite file beside the folder."""
        return uri or out_dir.with_name(f"{out_dir.name}.milvus.db")

    @classmethod
    def load(cls, index_dir: str | Path, model: str | Path | Tagger | None = None, uri: str | None = None,
             token: str | None = None) -> Recommender:
        """Open an index folder. ``model``: None = the manifest's model if it exists, else the shipped one.

        ``uri`` / ``token``: for a Milvus index, where its collection lives now (default: as built).
        """
        manifest_path = Path(index_dir) / "manifest.json"
        attempt = 1
        while True:
            before = _mtime(manifest_path)
            try:
                return cls._load_once(index_dir, model, uri, token)
            except IndexError_:
                # A server saving an added product moves its files in one by one (manifest last): files
                # read during those moments disagree. Read again once the manifest has moved in (waiting
                # up to a second for it); a folder that is simply inconsistent raises after that wait.
                deadline = time.monotonic() + 1.0
                while _mtime(manifest_path) == before and time.monotonic() < deadline:
                    time.sleep(0.02)
                if attempt == LOAD_ATTEMPTS or _mtime(manifest_path) == before:
                    raise
                attempt += 1

    @classmethod
    def _load_once(cls, index_dir: str | Path, model: str | Path | Tagger | None, uri: str | None,
                   token: str | None) -> Recommender:
        index_dir = Path(index_dir)
        manifest_path = index_dir / "manifest.json"
        if not manifest_path.exists():
            raise IndexError_(f"no index at {index_dir} (manifest.json missing): build one with `fashionrec index "
                              f"build DATA_DIR --out {index_dir}`, or give the folder an index was built into")
        manifest = read_json(manifest_path)
        try:
            items = pd.read_csv(index_dir / "items.csv", keep_default_na=False, na_values=[""])
            # Above 1 GB memory-mapped: queries read only their candidates' rows (5 GB of 1280-d vectors at
            # 1M products); below, in memory, where a query's row reads cost less (0.7 ms at 40k, measured).
            path = index_dir / "embeddings.npy"
            embeddings = np.load(path, mmap_mode="r" if path.stat().st_size > 2**30 else None)
            text_embeddings = np.load(index_dir / "text_embeddings.npy")
        except (FileNotFoundError, ValueError) as e:
            raise IndexError_(f"index {index_dir} is incomplete ({e}); rebuild with `fashionrec index build`") \
                from e
        projection = Projection.load(index_dir) if manifest.get("projection") else None
        if projection and projection.in_dim != embeddings.shape[1]:
            raise IndexError_(f"index {index_dir} is inconsistent: {embeddings.shape[1]}-d embeddings but a "
                              f"{projection.in_dim} -> {projection.out_dim} projection; rebuild it")
        index = open_index(index_dir, uri=uri, token=token)
        search_dim = projection.out_dim if projection else embeddings.shape[1]
        if index.dim != search_dim:
            raise IndexError_(f"index {index_dir} is inconsistent: its vector index is {index.dim}-d, not "
                              f"{search_dim}-d ({'projected' if projection else 'the embeddings'}); rebuild it")
        if not (len(items) == len(embeddings) == len(text_embeddings) == len(index)):
            raise IndexError_(f"index {index_dir} is inconsistent: {len(items)} items, {len(embeddings)} "
                              f"embeddings, {len(text_embeddings)} text embeddings, {len(index)} indexed; "
                              "rebuild it")
        built_by = manifest.get("model") or {}
        named = built_by.get("path")
        missing = model is None and bool(named) and not Path(named).exists()   # then the shipped model
        if isinstance(model, Tagger):
            tagger = model
        else:
            tagger = Tagger.load(named if model is None and named and not missing else model)
        _check_same_model(index_dir, built_by, tagger, missing)
        if tagger.dim != embeddings.shape[1]:
            raise ModelError(f"model {tagger.name} makes {tagger.dim}-d embeddings but index {index_dir} holds "
                             f"{embeddings.shape[1]}-d ones (built by {built_by.get('name', 'another model')}): "
                             "load it with the model it was built with, or rebuild it with `fashionrec index build`")
        items["id"] = items["id"].astype(np.int64)
        return cls(index_dir, manifest, items.set_index("id", drop=False), embeddings.astype(np.float32, copy=False),
                   text_embeddings.astype(np.float32), index, tagger, projection)

    def save(self) -> None:
        """Write the index folder after a change (``add_product``): all of its files or none.

        Every file is first written into a staging folder inside the index folder; only when all are
        written are they moved in, the manifest last, so a failure part-way (a full disk) leaves the
        previous set whole. The folder must still hold the version this object was loaded from: an index
        rebuilt into it since then (``fashionrec index build`` while a server runs) is never overwritten.
        """
        d = self.index_dir
        d.mkdir(parents=True, exist_ok=True)
        self._check_not_replaced()
        stage = private_temp_dir(d, ".staging.")   # and clears staging folders a crashed save left
        try:
            self.items.to_csv(stage / "items.csv", index=False)
            for name, arr in (("embeddings.npy", self.embeddings), ("text_embeddings.npy", self.text_embeddings)):
                with open(stage / name, "wb") as f:
                    np.save(f, arr)
            self.index.save(stage)
            if self.projection is not None:
                self.projection.save(stage)
            manifest = {**self.manifest, "count": len(self.items), "highest_id": self._highest_id(),
                        "updated": _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")}
            write_json(stage / "manifest.json", manifest)
            self._check_not_replaced()
            staged = sorted(p.name for p in stage.iterdir() if not p.name.startswith("."))
            for name in sorted(staged, key=lambda n: n == "manifest.json"):
                os.replace(stage / name, d / name)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        self.manifest = manifest
        self._stamp = _stamp(manifest)

    def _once(self, attr: str, build):
        """``self.<attr>``, built by ``build()`` the first time it is asked for: by one thread, while any
        other waits for it (a server's first searches after a start or an added product would otherwise
        each build the same tables)."""
        value = getattr(self, attr)
        if value is None:
            with self._build_lock:
                value = getattr(self, attr)
                if value is None:
                    value = build()
                    setattr(self, attr, value)
        return value

    def warm_search(self) -> None:
        """Build the word-search tables now (a second or two at 40k products) rather than in a request, and
        the unfamiliar-photo threshold of an index built before it was stored."""
        self._words().catalogue_words()
        self._words().name_text()
        self._words().denying([])       # the "Non Leather" table: 0.18 s at 40k, was the first search's
        self._names()
        self._brand_named("")
        self.unfamiliar_below()

    def unfamiliar_below(self) -> float | None:
        """The cosine to the closest product below which a photo is unfamiliar (:func:`familiar_floor`),
        from the manifest, or computed once for an index built before it was stored there."""
        if self.manifest.get("unfamiliar_below") is not None:
            return self.manifest["unfamiliar_below"]
        # None stored: the index was too small then (familiar_floor); it may have grown by `index add`.
        return self._once("_floor", lambda: familiar_floor(self.embeddings))

    def _check_not_replaced(self) -> None:
        path = self.index_dir / "manifest.json"
        if not path.exists():
            return
        on_disk = read_json(path)
        if _stamp(on_disk) != self._stamp:
            raise ChangedOnDiskError(
                f"index {self.index_dir} changed on disk since it was loaded (now built {on_disk.get('date')}, "
                f"{on_disk.get('count')} items, updated {on_disk.get('updated') or 'never'}; loaded: built "
                f"{self.manifest.get('date')}, {self.manifest.get('count')} items, updated "
                f"{self.manifest.get('updated') or 'never'}): another process rebuilt it or added or removed "
                "products (`fashionrec index build/add/remove`); nothing was written over it. Reload the index "
                "(restart the server) and make the change again")

    def _reindex(self, words: WordSearch | None = None) -> None:
        """Forget what was worked out from the items (they changed); ``words``: the word-search tables of the
        new items, built before they went in (see :meth:`_word_tables`)."""
        self._row = {int(i): r for r, i in enumerate(self.items["id"].to_numpy())}
        self._ids = self.items["id"].to_numpy(dtype=np.int64)
        self._cache: dict[int, dict] = {}
        self._vocab = None
        self._types_present: frozenset[str] | None = None     # the article types the items have
        self._word_search: WordSearch | None = words   # browse's tables for this version of the items
        self._values: tuple[dict[str, list[str]], dict[str, dict[str, str]]] | None = None
        # ("label"|"code", head) -> per-row array; ("wearers", wearer) -> _wearers()'s mask
        self._codes: dict[tuple[str, str], np.ndarray] = {}
        self._children: np.ndarray | None = None         # _childrens()
        self._look_category: np.ndarray | None = None
        self._name_codes: np.ndarray | None = None
        self._free: np.ndarray | None = None
        self._aside: np.ndarray | None = None
        self._aside_ids: frozenset[int] | None = None       # asked on every similar-items and photo query
        self._columns: dict[str, np.ndarray] | None = None   # _column()'s
        self._id_order: tuple[np.ndarray, np.ndarray] | None = None     # _rows()'s: sorted ids, their rows
        self._photo_group: np.ndarray | None = None    # _photo_groups()'s
        self._value_codes: dict[str, tuple[np.ndarray, dict]] = {}     # _is()'s

    @staticmethod
    def _word_tables(items: pd.DataFrame, exclusive) -> WordSearch | None:
        """The word-search tables of ``items``, built before they replace the current ones where a server's
        write lock (``exclusive``) is in play: built after, on the first search, they held text searches up
        1-4 s after an added or removed product (an integrator's trial; 1.9 s at 40k products). None without
        one: a rebuild re-adding products, or `index add`, would build them for nothing (1.4 s each)."""
        if exclusive is contextlib.nullcontext:
            return None
        words = WordSearch(items, TypeWords(items))
        words.name_text()       # the names' words too (0.7 s at 40k), which every text search reads
        return words

    def _set_aside(self) -> frozenset[int]:
        """Ids of the products a shopper is shown only last in a search and never as a similar item, a photo's
        match, a look's piece or a pick, though the index keeps them and `fashionrec data check` lists them:
        those named with a placeholder (:data:`~fashionrec.catalog.PLACEHOLDER_NAME`: a file name, a test
        record's, the column's own name; a card titled "productDisplayName" was on page 7 of "black heels for
        women") and those whose photo is blank (the manifest's ``blank_image_ids``: a pure white photo was the
        closest product to any photo of noise, which then passed for familiar)."""
        return self._once("_aside_ids", lambda: frozenset(int(i) for i in self._ids[self._set_aside_rows()]))

    def _set_aside_rows(self) -> np.ndarray:
        """(n,) bool: the rows of :meth:`_set_aside`, computed once per version of the items."""
        def build() -> np.ndarray:
            names = self.items["productDisplayName"].fillna("").astype(str).str.strip()
            blank = np.isin(self._ids, np.asarray(self.manifest.get("blank_image_ids") or [], np.int64))
            return names.str.contains(PLACEHOLDER_NAME, regex=True).to_numpy() | blank
        return self._once("_aside", build)

    def _childrens(self) -> np.ndarray:
        """(n,) bool: products for children whatever gender they are filed under: a Unisex one with any word
        for a child in its name, any with "Kids", "Boy's", "Infant" and the like (not "Wild Child" nail polish
        or a "Party Girl" watch). The catalogue files 214 of its 1,925 Unisex products and 320 Men's or
        Women's ("Palm Tree Kids Boys Check White Shorts") so. Computed once per version of the items."""
        def build() -> np.ndarray:
            it = self.items
            names = it["productDisplayName"].astype(str)
            return ((it["gender"].eq("Unisex") & names.str.contains(CHILDREN_NAME, regex=True))
                    | names.str.contains(KIDS_NAME, regex=True)).to_numpy()
        return self._once("_children", build)

    def _worn_by_child(self, gender: str) -> np.ndarray:
        """Rows a child of ``gender`` (Boys or Girls) wears: filed under it, or a child's product filed under no
        child's gender (Unisex, Men, Women: "Levis Kids ...") whose name does not say it is the other's. Before,
        a child's product filed under the other gender counted too ("Quechua Kids-Girls Brown Backpack" in 38
        of 40 boys' looks, "Madagascar 3 Infant Boys Blue Booties" in girls')."""
        it = self.items
        other = {"Boys": "Girls", "Girls": "Boys"}[gender]
        names_other = it["productDisplayName"].astype(str).str.contains(OTHER_CHILD[other], regex=True)
        childs = self._childrens() & ~it["gender"].isin(["Boys", "Girls"]).to_numpy() & ~names_other.to_numpy()
        return it["gender"].eq(gender).to_numpy() | childs

    def _wearers(self, row: int) -> np.ndarray:
        """(n,) bool: the rows the wearer of the product at ``row`` wears, for its similar items and its look.
        A child's (Boys, Girls, or named for a child whatever it is filed under: :meth:`_childrens`) takes
        children's products only; a grown-up's its gender's and the unisex ones, no child's ("Palm Tree Kids
        Boys Check White Shorts", filed as men's); an unknown gender, any. Computed once per wearer and version
        of the items: similar items ask on every query."""
        gender = str(self._labels("gender")[row])
        if gender in ("Boys", "Girls") or not self._childrens()[row]:
            return self._worn_by(gender)
        # A child's product filed under another gender is a boy's or a girl's where its name says which ("Ant
        # Kids Girl's Maroon ... Kidswear", filed as women's, had boys' shoes in its look).
        name = str(self._column("productDisplayName")[row])
        said = [child for child in ("Boys", "Girls") if OTHER_CHILD[child].search(name)]
        return self._worn_by(said[0] if len(said) == 1 else "child")

    def _worn_by(self, wearer: str) -> np.ndarray:
        """(n,) bool, read-only: the rows ``wearer`` (a gender, "child", or "" for unknown) wears, as
        :meth:`_wearers` says; computed once per wearer and version of the items."""
        key = ("wearers", wearer)
        if key not in self._codes:
            genders, kids = self._labels("gender"), self._childrens()
            if wearer in ("Boys", "Girls"):
                mask = self._worn_by_child(wearer)
            elif wearer == "child":         # "Levis Kids Blue Solid Jean", filed as Unisex or Men
                mask = np.isin(genders, ["Boys", "Girls"]) | kids
            elif wearer == "Unisex":
                mask = np.isin(genders, ["Men", "Women", "Unisex"]) & ~kids
            elif wearer:
                mask = np.isin(genders, [wearer, "Unisex"]) & ~kids
            else:
                mask = np.ones(len(self.items), bool)
            mask.flags.writeable = False        # shared by every query: a caller's slip must not change it
            self._codes[key] = mask
        return self._codes[key]

    def _free_items(self) -> np.ndarray:
        """Per row, whether the product is filed under Free Items (a promotion's freebies); computed once per
        version of the items, as every look slot, search and page asks."""
        def build() -> np.ndarray:
            if "masterCategory" not in self.items:
                return np.zeros(len(self.items), bool)
            return (self.items["masterCategory"] == "Free Items").to_numpy()
        return self._once("_free", build)

    def _names(self) -> np.ndarray:
        """Per row, a number for the product's name, the same for names that differ only in case or spaces."""
        def build() -> np.ndarray:
            names = self.items["productDisplayName"].fillna("").astype(str).str.casefold().str.split().str.join(" ")
            return pd.factorize(names)[0]
        return self._once("_name_codes", build)

    def _labels(self, head: str) -> np.ndarray:
        """Per row, the item's ``head`` label: the catalogue's own, else the tagger's prediction (added products)."""
        key = ("label", head)
        if key not in self._codes:
            labels = self.items[head] if head in self.items else pd.Series(np.nan, index=self.items.index)
            if f"pred_{head}" in self.items:
                labels = labels.fillna(self.items[f"pred_{head}"])
            self._codes[key] = labels.fillna("").to_numpy(dtype=object)
        return self._codes[key]

    def _label_codes(self, head: str) -> np.ndarray:
        """Per row, the index of the item's label in the tagger's ``head`` classes.

        A label the tagger does not know (user-supplied metadata) falls back to its prediction for the item,
        so such an item is not ranked as if it matched nothing; -1 where neither is known.
        """
        key = ("code", head)
        if key not in self._codes:
            # Built on the first query that needs it, so by pandas' hash lookup: a Python loop over the 40k
            # rows made the first photo query take 0.6 s.
            classes = pd.Index(self.tagger.classes.get(head, []))
            codes = classes.get_indexer(self._labels(head))
            if f"pred_{head}" in self.items:
                codes = np.where(codes >= 0, codes, classes.get_indexer(self.items[f"pred_{head}"]))
            self._codes[key] = codes.astype(np.int64)
        return self._codes[key]

    def _attribute_bonus(self, rows: np.ndarray, query: dict[str, np.ndarray | str],
                         wearers: np.ndarray | None = None) -> np.ndarray:
        """Per row: sum of weight x P(query has the row's label) over the heads of ``query``, less
        :data:`WRONG_WEARER` for a row outside ``wearers`` (:meth:`_wearers`) when gender is weighed.

        ``query[head]`` is either the query's (C,) label probabilities (a photo) or its known label (a
        catalogue item: P is 1 for the same label, else 0, compared as text so any label works).
        """
        bonus = np.zeros(len(rows), np.float32)
        for head, weight in self.attribute_weights.items():
            q = query.get(head)
            if not weight or q is None:
                continue
            if isinstance(q, str):
                labels = self._labels(head)[rows]
                bonus += weight * (labels == q)
                if head == "gender" and wearers is not None:
                    # A catalogue item's wearer is known: a women's jacket's similar items are women's or
                    # unisex jackets before men's in its colour (WRONG_WEARER outweighs the colour's bonus).
                    bonus -= WRONG_WEARER * ~wearers[rows]
            else:
                codes = self._label_codes(head)[rows]
                bonus += weight * np.where(codes >= 0, q[np.maximum(codes, 0)], 0.0)
        # A catalogue item's kind, for its wearer: a men's muffler gains nothing more as a women's muffler's
        # similar item than it did, and women's stoles come before it.
        worn = wearers[rows] if wearers is not None else True
        for head, weight in self.family_weights.items():
            if isinstance(query.get(head), str) and head in self.items:
                bonus += weight * ((self._labels(head)[rows] == query[head]) & worn)
        return bonus

    def _name_kinds(self) -> np.ndarray:
        """(n,) str, per version of the items: the kinds of :data:`~fashionrec.vocabulary.KINDS` each product's
        name says ("polo", "chino"; "" for none), singular and sorted."""
        key = ("kinds", "name")
        if key not in self._codes:
            names = self.items["productDisplayName"].fillna("").astype(str).str.lower()
            found = names.str.replace(_POLO_BRAND, " ", regex=True).str.findall(_KIND_WORDS)
            self._codes[key] = np.array([" ".join(sorted(set(f))) for f in found], dtype=object)
        return self._codes[key]

    @staticmethod
    def _grown_ups_chosen(filters: dict | None) -> bool:
        """Whether ``filters`` keep to grown-ups' genders (Men, Women), where a child's product the catalogue
        files under them (:meth:`_childrens`) is not what was asked for."""
        chosen = (filters or {}).get("gender")
        chosen = [chosen] if isinstance(chosen, str) else list(chosen or [])
        return bool(chosen) and set(chosen) <= {"Men", "Women"}

    def _vote(self, rows: np.ndarray, cosines: np.ndarray, query: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The photo's label probabilities blended with its nearest items' labels (see :data:`NEIGHBOUR_VOTE`).

        ``rows`` / ``cosines``: the neighbours, nearest first. An item whose label the tagger does not know
        votes with its predicted label (:meth:`_label_codes`), or not at all.
        """
        m, b = NEIGHBOUR_VOTE["neighbours"], self.neighbour_vote
        if not b or not len(rows):
            return query
        w = np.exp((cosines[:m] - cosines[0]) / NEIGHBOUR_VOTE["temperature"])
        out = dict(query)
        for head, p in query.items():
            codes = self._label_codes(head)[rows[:m]]
            ok = codes >= 0
            if not ok.any():
                continue
            votes = np.bincount(codes[ok], weights=w[ok], minlength=len(p))
            out[head] = (1 - b) * p + b * votes / votes.sum()
        return out

    def _likeliest_copy(self, rows: np.ndarray, cosines: np.ndarray, attrs: dict[str, np.ndarray]) -> int:
        """Of the candidates (``rows``, nearest first) that are copies of a photo (cosine at least
        :data:`NEAR_DUPLICATE`), the position of the one whose type the photo's ``attrs`` make likeliest; the
        nearest on a tie."""
        copies = np.flatnonzero(cosines >= NEAR_DUPLICATE)
        probs = attrs.get("articleType")
        if len(copies) < 2 or probs is None or isinstance(probs, str):
            return 0
        codes = self._label_codes("articleType")[rows[copies]]
        return int(copies[np.argmax(np.where(codes >= 0, probs[np.maximum(codes, 0)], -1.0))])

    def _known_labels(self, item_id: int) -> dict[str, str]:
        """{head: label} of an indexed item for the attribute-aware ranking (label, else prediction). A
        freebie's type ("Free Gifts") says nothing of what it is: it is ranked by the category its look takes
        it for instead (:meth:`_freebie_kind`: a Satya Paul sari given away had a watch first, "Same type")."""
        row = self._row[item_id]
        labels = {head: str(self._labels(head)[row]) for head in [*self.attribute_weights, *self.family_weights]
                  if self._labels(head)[row]}
        if not self._free_items()[row]:
            return labels
        return {**{h: v for h, v in labels.items() if h not in ("articleType", *self.family_weights)},
                **self._freebie_kind(row)}

    def _freebie_kind(self, row: int) -> dict[str, str]:
        """{"subCategory": the category a freebie's look takes it for} where that is not its own (Free Gifts)."""
        filed, own = self._look_categories()[row], self._labels("subCategory")[row]
        return {"subCategory": filed} if filed and filed != own else {}

    def __len__(self) -> int:
        return len(self.items)

    # ---- items ------------------------------------------------------------------------------
    def _check_id(self, item_id: int) -> int:
        try:
            item_id = int(item_id)
        except (TypeError, ValueError) as e:
            raise BadInputError(f"item id must be an integer, got {item_id!r}") from e
        if item_id not in self._row:
            left_out = self.manifest.get("left_out") or {}
            for status, ids in left_out.items():
                if item_id in ids:
                    raise NotFoundError(f"product {item_id} is a row of the catalogue but not in the index: its "
                                        f"image is {status} (`fashionrec data check` lists it); add the photo and "
                                        "rebuild, or `fashionrec index add` it", shopper=UNLISTED)
            rejected = (self.manifest.get("rejected_rows") or {}).get(str(item_id))
            if rejected:
                raise NotFoundError(f"product {item_id} is not in the index: its row of styles.csv was rejected "
                                    f"({rejected}); fix the row (`fashionrec data check` lists it) and rebuild",
                                    shopper=UNLISTED)
            if item_id in (self.manifest.get("removed_ids") or []):
                raise NotFoundError(f"product {item_id} was removed from this index (`fashionrec index remove`, "
                                    "or DELETE /api/items): a row of styles.csv comes back at the next build, a "
                                    "product added with `index add` or POST /api/items does not",
                                    shopper=UNLISTED)
            raise NotFoundError(f"there is no product {item_id} in this catalogue ({len(self):,} products)",
                                shopper=f"There is no product {item_id} in the shop. Search for what you are "
                                        "looking for, or browse the catalogue.")
        return item_id

    def item(self, item_id: int) -> dict:
        """Metadata + predicted attributes (``pred_<head>``, ``pred_<head>_prob``) of one item."""
        item_id = self._check_id(item_id)
        if item_id not in self._cache:
            row = self._row[item_id]
            self._cache[item_id] = {k: _clean(values[row]) for k, values in self._all_columns().items()}
        return dict(self._cache[item_id])

    def _all_columns(self) -> dict[str, np.ndarray]:
        """{column: per row, its values as Python objects}: :meth:`_column`'s table (the column labels
        themselves are Arrow strings, slow to walk on every item)."""
        columns = self._columns
        if columns is None:
            columns = self._columns = {str(c): self.items[c].to_numpy(dtype=object) for c in self.items.columns}
        return columns

    def _is(self, column: str, values) -> np.ndarray:
        """(n,) bool: the rows whose ``column`` (an items column, or "look" for the category a look files each
        row under) is ``values`` (one value, or a list of them; None matches nothing). By integer codes kept
        per version of the items: a look asks a dozen of these per query, 1-2 ms each over 40k strings."""
        codes, index = self._value_index(column)
        wanted = [index[v] for v in ([values] if isinstance(values, str) or values is None else values)
                  if v in index]
        return np.isin(codes, wanted) if len(wanted) > 1 else codes == (wanted[0] if wanted else -2)

    def _value_index(self, column: str) -> tuple[np.ndarray, dict]:
        """(per row, an integer code of its ``column`` value, -1 where missing; {value: its code}), kept per
        version of the items (see :meth:`_is`)."""
        if column not in self._value_codes:
            raw = self._look_categories() if column == "look" else self._column(column)
            codes, uniques = pd.factorize(pd.Series(raw, dtype=object))      # missing -> -1
            self._value_codes[column] = (codes.astype(np.int32), {v: i for i, v in enumerate(uniques)})
        return self._value_codes[column]

    def _column(self, name: str) -> np.ndarray:
        """Per row, the items' ``name`` column as Python objects (NaN where missing), kept per version of the
        items. A pandas row or an Arrow-backed string column turned into numpy costs 0.4 and 2 ms at 40k
        products, on every similar-items query (its ten items and their names: 10 of its 15 ms)."""
        return self._all_columns()[name]

    def image_path(self, item_id: int) -> Path:
        """Where the item's photo is (catalogue file, or ``images/<id>.jpg`` for added products)."""
        item_id = self._check_id(item_id)
        p = Path(str(self._column("image_path")[self._row[item_id]]))
        return p if p.is_absolute() else self.index_dir / p

    def _rows(self, ids: np.ndarray) -> np.ndarray:
        """Row of each id in ``items`` / ``embeddings`` (-1 for an id not in this index), vectorised: by the ids
        sorted once per version of the items (pandas' get_indexer builds its tables on every call: 0.2 ms,
        four times per photo query)."""
        ids = np.asarray(ids, np.int64).reshape(-1)
        if self._id_order is None:
            order = np.argsort(self._ids, kind="stable")
            self._id_order = (self._ids[order], order)
        known, order = self._id_order
        if not len(known):
            return np.full(len(ids), -1, np.int64)
        at = np.minimum(np.searchsorted(known, ids), len(known) - 1)
        return np.where(known[at] == ids, order[at], -1).astype(np.int64)

    def vector(self, item_id: int) -> np.ndarray:
        """(d,) float32 image embedding of an indexed item."""
        return self.embeddings[self._row[self._check_id(item_id)]]

    def index_vectors(self, vectors: np.ndarray) -> np.ndarray:
        """(n, d) embeddings -> the (n, index dim) vectors the index holds and searches."""
        vectors = np.asarray(vectors, np.float32)
        return vectors if self.projection is None else self.projection(vectors)

    def filter_values(self) -> dict[str, list[str]]:
        """The values each filter can take: those of the indexed products, sorted."""
        return self._value_tables()[0]

    def _value_tables(self) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
        tables = self._values       # one attribute, so a reader never sees a list without its folded twin
        if tables is None:
            values = {k: sorted(str(v) for v in self.items[k].dropna().unique()) if k in self.items else []
                      for k in FILTER_KEYS}
            tables = self._values = (values, {k: {v.casefold(): v for v in vs} for k, vs in values.items()})
        return tables

    def canonical_value(self, key: str, value: str) -> str | None:
        """The catalogue's spelling of a filter value given in any case ("women" -> "Women"), or None."""
        return self._value_tables()[1].get(key, {}).get(str(value).strip().casefold())

    def check_filters(self, filters: dict | None) -> dict:
        """``filters`` with each value in the catalogue's spelling; an unknown key or value is a BadInputError
        that lists the valid ones (a typo must not look like "nothing matches")."""
        if not filters:
            return {}
        if not isinstance(filters, dict):
            raise BadInputError("filters must be a mapping such as {'gender': 'Men'}")
        unknown = sorted(set(filters) - set(FILTER_KEYS))
        if unknown:
            raise BadInputError(f"unknown filter {', '.join(unknown)}; valid filters: {', '.join(FILTER_KEYS)}")
        out = {}
        for key, value in filters.items():
            if value is None or value == "" or value == []:
                continue
            given = [value] if isinstance(value, str) else list(value)
            canonical = [self.canonical_value(key, v) for v in given]
            bad = [v for v, c in zip(given, canonical, strict=True) if c is None]
            if bad:
                known = self.filter_values()[key]
                sample = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
                hint = self._did_you_mean(key, bad[0])
                raise BadInputError(f"no product has {key} {bad[0]!r}; "
                                    + (hint if hint else f"the values here: {sample}"))
            out[key] = canonical[0] if isinstance(value, str) else canonical
        return out

    def _did_you_mean(self, key: str, value: str) -> str:
        """"did you mean 'Shirts' or 'Tshirts'?" for a ``key`` value no product has, or "" where none is
        close (by spelling, in any case)."""
        values = self.filter_values().get(key, [])
        folded = {v.lower(): v for v in values}
        close = [folded[c] for c in difflib.get_close_matches(value.lower(), list(folded), n=3, cutoff=0.6)]
        return f"did you mean {' or '.join(map(repr, close))}?" if close else ""

    def _mask(self, filters: dict | None) -> np.ndarray | None:
        """Boolean row mask for ``filters`` ({key: value or list of values}); None when no filter."""
        filters = self.check_filters(filters)
        if not filters:
            return None
        mask = np.ones(len(self.items), bool)
        for key, value in filters.items():
            mask &= self.items[key].isin([value] if isinstance(value, str) else value).to_numpy()
        return mask

    # ---- nearest neighbours -------------------------------------------------------------------
    def _neighbours(self, query: np.ndarray, k: int, filters: dict | None, exclude: set[int],
                    dedupe: bool = False, pool: int | None = None,
                    allow: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``pool`` (default k) ids/scores for one query vector, skipping ``exclude`` and, with
        ``dedupe``, near-duplicates of the query (another copy of the same photo); with ``allow`` ((n,) bool
        per row), only those rows.

        Filters go into the search itself: as attributes (``where``) where the index keeps them (Milvus),
        else as the ids they allow (FAISS); ``allow`` as the ids it allows.
        """
        want = pool or k
        filters = self.check_filters(filters)
        mask = self._mask(filters)
        if allow is not None:
            mask = allow if mask is None else mask & allow
        if mask is not None and not mask.any():
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if mask is None:
            kw = {}
        elif self.index.supports_where and allow is None:
            kw = {"where": filters}
        else:
            kw = {"filter_ids": self._ids[mask]}
        # A re-ranking pool (RERANK_POOL) is slack enough itself: refining it twice over cost a photo query
        # 1.3 ms of its 15.
        refine = REFINE_FACTOR if want < RERANK_POOL else 1
        fetch = (refine * want + 10 if self.projection else want + 5) + len(exclude)
        searched = self.index_vectors(query[None, :])
        while True:
            scores, ids = self.index.search(searched, fetch, **kw)
            keep = ids[0] >= 0
            s, i = scores[0][keep], ids[0][keep]
            # Row -1: an id this process does not know, a product another replica added to a shared Milvus
            # collection; skipped here so that neither the near-duplicate check nor the ranking meets it.
            rows = self._rows(i)
            ok = (rows >= 0) & ~np.isin(i, np.fromiter(exclude, np.int64, len(exclude)))
            s, i, rows = s[ok], i[ok], rows[ok]
            if self.projection is not None and len(i):
                # The index ranked by projected cosine; the full embeddings give the scores and the order.
                s = _cosines(self.embeddings[rows], query)
                order = np.argsort(-s, kind="stable")
                s, i, rows = s[order], i[order], rows[order]
            if dedupe:
                # On a projected index ``s`` already is the full cosine with the query; else the index's score.
                full = s if self.projection is not None else _cosines(self.embeddings[rows], query)
                distinct = full <= NEAR_DUPLICATE
                s, i = s[distinct], i[distinct]
            exhausted = keep.sum() < fetch
            if len(i) >= want or exhausted:
                return i[:want], s[:want]
            fetch *= 2

    def _reason_similar(self, src: dict, item: dict, score: float) -> tuple[str, str]:
        """(reason, card reason): "same type (Shirts), same colour (Blue), visual similarity 0.91" and "Same
        type and colour"."""
        # The attributes the ranking rewards, in weight order, so that the reasons explain the order: a
        # same-type, same-colour item ranks above a closer-looking one that shares neither.
        shared = [(name, item[key]) for key, name in (("articleType", "type"), ("baseColour", "colour"),
                                                      ("gender", "gender"))
                  if self.attribute_weights.get(key) and src.get(key) and src.get(key) == item.get(key)]
        if all(name != "type" for name, _ in shared) and src.get("subCategory") \
                and src.get("subCategory") == item.get("subCategory"):
            # Another type of its kind (FAMILY_WEIGHTS ranks them first): a football's basketball.
            shared.insert(0, ("category", item["subCategory"]))
        reason = ", ".join([f"same {name} ({value})" for name, value in shared] + [f"visual similarity {score:.2f}"])
        return reason, (f"Same {listed([name for name, _ in shared])}" if shared else "Looks alike")

    def _ranked(self, query: np.ndarray, src: dict, k: int, filters: dict | None, diversity: float,
                exclude: set[int], dedupe: bool, attrs: dict[str, np.ndarray | str] | None = None,
                wearer: int | None = None, kind: int | None = None) -> list[Rec]:
        """Top-k by cosine + the attribute bonus for the query's ``attrs`` (see :meth:`_attribute_bonus`);
        ``wearer``: the row of the catalogue product whose wearer the results are for (a photo of one finds
        its own); ``kind``: the row of the catalogue product whose kind its name says ranks (:data:`KIND_WEIGHT`)."""
        if not 0.0 <= diversity <= 1.0:
            raise BadInputError(f"diversity must be in [0, 1], got {diversity}")
        check_k(k)
        rerank = bool(attrs) and any(self.attribute_weights.values())
        # Spare candidates replace results that are copies of a better-ranked result (the catalogue lists
        # some photos under several ids); when they run out, fetch again with four times as many.
        spare = DUPLICATE_SLACK
        skip = exclude | self._set_aside()
        while True:
            shown = k + spare
            mmr_pool = shown if diversity == 0 else max(4 * k, 50, shown)
            pool = max(mmr_pool, RERANK_POOL) if rerank else mmr_pool
            ids, scores = self._neighbours(query, k, filters, skip, dedupe=dedupe, pool=pool)
            ranked_by, wearers = attrs, None
            if rerank and len(ids):
                rows = self._rows(ids)
                if not dedupe and scores[0] >= NEAR_DUPLICATE:
                    # The photo is (a copy of) an indexed product: its own labels beat the tagger's guess. Where
                    # the catalogue lists the photo under several products, the one whose type the tagger finds
                    # likeliest (a shirt's photo, also filed as a watch, found watches and lost the shirt).
                    copy = self._likeliest_copy(rows, scores, attrs)
                    ranked_by, wearer = self._known_labels(int(ids[copy])), rows[copy]
                elif not dedupe:
                    # A photo: the catalogue's labels near it correct part of the tagger's probabilities. (A
                    # catalogue item, dedupe=True, is ranked by its own known labels: nothing to vote on.)
                    ranked_by = self._vote(rows, scores, attrs)
                if wearer is not None:
                    wearers = self._wearers(wearer)
                    if wearers[rows].sum() < shown:
                        # A child's product's nearest are mostly grown-ups' (girls' sandals had 1 child's
                        # product in their 200, of the catalogue's 80 children's sandals): its wearer's nearest
                        # join the candidates.
                        ids, scores = self._join_nearest(ids, scores, query, k, filters, skip, dedupe, pool, wearers)
                        rows = self._rows(ids)
                if kind is not None and isinstance(ranked_by.get("baseColour"), str):
                    # A catalogue item's type in its colour, for its wearer, where its nearest hold fewer than the
                    # catalogue has (26 of 341 random products' top 10 had other colours while more of theirs were
                    # further, after a stylist's re-trial missed colour matches): the nearest of those join in.
                    alike = self._is("articleType", ranked_by.get("articleType")) & \
                        self._is("baseColour", ranked_by["baseColour"])
                    alike = alike & wearers if wearers is not None else alike
                    have = int(np.count_nonzero(alike[rows]))
                    if have < shown and int(np.count_nonzero(alike)) - 1 > have:
                        ids, scores = self._join_nearest(ids, scores, query, k, filters, skip, dedupe, pool, alike)
                        rows = self._rows(ids)
            found, cosines = len(ids), scores
            # Gender: Women chosen on a photo's results listed girls' kidswear the catalogue files as women's
            # first (a shopper trial): a child's product after the grown-ups' ones.
            demote = wearers is None and self._grown_ups_chosen(filters)
            if (rerank or demote) and len(ids):
                if not rerank:
                    rows = self._rows(ids)
                else:
                    scores = scores + self._attribute_bonus(rows, ranked_by, wearers)
                    if kind is not None and self.kind_weight:
                        kinds = self._name_kinds()
                        scores = scores + self.kind_weight * (kinds[rows] == kinds[kind])
                if demote:
                    scores = scores - WRONG_WEARER * self._childrens()[rows]
                order = np.argsort(-scores, kind="stable")[:mmr_pool]
                ids, scores, cosines = ids[order], scores[order], cosines[order]
            if diversity > 0 and len(ids):
                # MMR weighs relevance against cosine redundancy: bring the combined score back to cosine scale.
                scale = 1.0 + (sum(self.attribute_weights.values()) if rerank else 0.0)
                order = _mmr(self.embeddings[self._rows(ids)], scores / scale, shown, diversity)
                ids, scores, cosines = ids[order], scores[order], cosines[order]
            keep = self._distinct(ids, k, listing=src if dedupe else None)
            # Done when k are left, or when every candidate the index has was looked at.
            if len(keep) >= k or (found < pool and len(ids) == found):
                break
            spare *= 4
        ids, scores, cosines = ids[keep], scores[keep], cosines[keep]
        out = []
        for i, s, c in zip(ids, scores, cosines, strict=True):
            item = self.item(int(i))
            reason, card = self._reason_similar(src, item, float(c))
            out.append(Rec(int(i), float(s), reason, item, card_reason=card))
        return out

    def _join_nearest(self, ids: np.ndarray, scores: np.ndarray, query: np.ndarray, k: int, filters: dict | None,
                      skip: set[int], dedupe: bool, pool: int, allow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``ids`` and their ``scores`` with the query's ``pool`` nearest among the rows ``allow`` keeps added."""
        more, more_scores = self._neighbours(query, k, filters, skip, dedupe=dedupe, pool=pool, allow=allow)
        new = ~np.isin(more, ids)
        return np.concatenate([ids, more[new]]), np.concatenate([scores, more_scores[new]])

    def _distinct(self, ids: np.ndarray, k: int, listing: dict | None = None) -> np.ndarray:
        """Positions of the first ``k`` of ``ids`` that are not a copy of the same photo (cosine above
        :data:`NEAR_DUPLICATE`) as an earlier one. With ``listing`` (the product whose similar items these
        are), another listing of a product already shown, or of that one (the same name and colour, another
        photo), comes after the rest: a shopper saw three "Wildcraft Unisex Black Backpack" cards in one list."""
        rows = self._rows(ids)
        vecs = self.embeddings[rows]
        names = (list(zip(self._column("productDisplayName")[rows], self._column("baseColour")[rows], strict=True))
                 if listing is not None else None)
        seen = {(listing.get("productDisplayName"), listing.get("baseColour"))} if listing is not None else set()
        keep: list[int] = []
        later: list[int] = []
        for j in range(len(ids)):
            if len(keep) == k:
                break
            if keep and _cosines(vecs[keep], vecs[j]).max() > NEAR_DUPLICATE:
                continue
            if names is not None and isinstance(names[j][0], str) and names[j] in seen:
                later.append(j)
                continue
            keep.append(j)
            if names is not None:
                seen.add(names[j])
        return np.array((keep + later)[:k], np.int64)

    def similar(self, item_id: int, k: int = 10, filters: dict | None = None, diversity: float = 0.0) -> list[Rec]:
        """Items that look like ``item_id`` (never itself or the same photo); MMR when diversity > 0."""
        item_id = self._check_id(item_id)
        item, row = self.item(item_id), self._row[item_id]
        if self._free_items()[row]:     # its reasons say what it is ranked by (_known_labels)
            item = {**item, "articleType": None, **self._freebie_kind(row)}
        return self._ranked(self.vector(item_id), item, k, filters, diversity, exclude={item_id}, dedupe=True,
                            attrs=self._known_labels(item_id), wearer=row, kind=row)

    def similar_to_image(self, image: Image.Image, k: int = 10, filters: dict | None = None,
                         exclude_ids: Iterable[int] = ()) -> PhotoResults:
        """A photo (not in the catalogue) -> (predicted {head: [(label, prob), ...]}, similar items), a pair
        that also says how close the closest product is and whether the photo is unfamiliar
        (:class:`PhotoResults`)."""
        if not isinstance(image, Image.Image):
            raise BadInputError("similar_to_image needs a PIL image")
        try:
            check_photo(image)
        except ValueError as e:
            raise BadInputError(str(e)) from e
        query = self.photo_query(image, exclude=exclude_ids)
        predicted = self.tagger.decode(query.probs, 0, top=3)
        src = {h: p[0][0] for h, p in predicted.items()}
        recs = self._ranked(query.vector, src, k, filters, 0.0, exclude=set(query.excluded), dedupe=False,
                            attrs={head: p[0] for head, p in query.probs.items()})
        floor = self.unfamiliar_below()
        unfamiliar = bool(query.closest is not None and floor is not None and query.closest < floor)
        if unfamiliar or predicted.get("articleType", [("", 1.0)])[0][1] < UNSURE_TYPE:
            # "Same type, colour and gender" would read as a confirmation of a guess the page calls unsure;
            # and under "looks unlike the catalogue's photos", "Looks alike" contradicted the notice.
            for r in recs:
                r.card_reason = "Nearest in the catalogue" if unfamiliar else "Looks alike"
        return PhotoResults(predicted, recs, query.closest, unfamiliar)

    def photo_query(self, image: Image.Image, exclude: Iterable[int] = ()) -> PhotoQuery:
        """How the tagger sees a shopper's photo: of its views (:func:`~fashionrec.photo_views.photo_views`:
        as it is, cropped to a small product, its backdrop made white; on a busy backdrop, the product cut
        out of it: :meth:`~fashionrec.photo_views.PhotoViews.cut_out`) the one whose closest catalogue product (other
        than ``exclude``) is clearly closest, with its embedding, raw probabilities and that cosine. The other
        views are only made and tagged where the first is no closer than :data:`FAMILIAR_ENOUGH`."""
        import torch

        from fashionrec.photo_views import photo_views

        views = photo_views(image)
        excluded = {int(i) for i in exclude}

        def tagged(batch: list[np.ndarray]) -> tuple[np.ndarray, dict, list[tuple[float, int | None]]]:
            vecs, probs = self.tagger.infer(torch.from_numpy(np.stack(batch)))
            nearest = [self._neighbours(v, 1, None, excluded | self._set_aside()) for v in vecs]
            return vecs, probs, [(float(s[0]), int(i[0])) if len(s) else (-np.inf, None) for i, s in nearest]

        vecs, probs, closest = tagged(views[:1])
        tried = 1
        others = (views[1:] or views.cut_out()) if closest[0][0] < FAMILIAR_ENOUGH else []
        if others:
            more_vecs, more_probs, more_closest = tagged(others)
            j = int(np.argmax([c for c, _ in more_closest]))
            tried = 1 + len(others)
            if more_closest[j][0] >= closest[0][0] + VIEW_MARGIN:
                return PhotoQuery(more_vecs[j], {h: p[j:j + 1] for h, p in more_probs.items()}, *more_closest[j],
                                  tried, j + 1, excluded)
        cosine, nearest_id = closest[0]
        return PhotoQuery(vecs[0], probs, cosine if np.isfinite(cosine) else None, nearest_id, tried, 0, excluded)

    # ---- adding products ------------------------------------------------------------------------
    def add_product(self, image: Image.Image, metadata: dict | None = None, allow_new_values: bool = False,
                    save: bool = True, warnings: list[str] | None = None,
                    exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext) -> int:
        """Index a new product without a rebuild; returns its id. Persists the index folder.

        Missing attributes are filled from the tagger's predictions; the photo is copied to
        ``images/<id>.jpg`` in the index folder. A gender, category, type, colour, usage or season no product
        has yet is refused as a likely typo ("hoodiez"), unless ``allow_new_values``. Without an id the
        product gets one above every id the index has held, so that a removed product's id never comes
        back as another product's. ``save=False`` leaves writing the folder to the caller (a rebuild adds
        the products it carries over, then saves once). What is worth saying but does not stop the add (the
        photo is another product's) is logged and appended to ``warnings``.

        ``exclusive`` (a server's write lock) is held only while the new product goes in, a moment; the
        tagging, the new arrays and the saved folder are made while searches go on (they took 6-12 s of
        every search's time on the 40k catalogue under the lock). One change at a time is the caller's to see to.
        """
        if not isinstance(image, Image.Image):
            raise BadInputError("add_product needs a PIL image")
        try:        # the API's upload checks this too; the CLI's `index add` and Python callers come here only
            check_photo(image)
        except ValueError as e:
            raise BadInputError(str(e)) from e
        # Before touching the live index: taking an insert back out of HNSW rebuilds the graph (seconds).
        self._check_not_replaced()
        # Values as the catalogue spells them ("men " -> "Men"), so that filters and outfits find the product.
        metadata = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in (metadata or {}).items()}
        metadata = {**self.left_out_row(metadata.get("id")), **metadata}
        for key, value in metadata.items():
            if key in FILTER_KEYS and isinstance(value, str):
                known = self.canonical_value(key, value)
                if known is None and not allow_new_values:
                    hint = self._did_you_mean(key, value)
                    raise BadInputError(f"no product has {key} {value!r}: {hint + ' ' if hint else ''}a new {key} "
                                        "needs allow_new_values (API: allow_new_values=true; CLI: --new-values)")
                metadata[key] = known or value
        unknown = sorted(set(metadata) - set(COLUMNS))
        if unknown:
            raise BadInputError(f"unknown metadata field {', '.join(unknown)}; valid: {', '.join(COLUMNS)}")
        if metadata.get("id") is None:
            item_id = self._highest_id() + 1
        else:
            try:
                item_id = int(metadata["id"])
            except (TypeError, ValueError) as e:
                raise BadInputError(f"id must be an integer, got {metadata['id']!r}") from e
            if item_id in self._row:
                raise ConflictError(f"id {item_id} is already in the index; omit id to get a new one")
            if item_id < 1:
                raise BadInputError(f"id must be a positive integer, got {item_id}; omit id to get a new one")
        if "year" in metadata and metadata["year"] not in (None, ""):
            try:
                metadata["year"] = int(metadata["year"])
            except (TypeError, ValueError) as e:
                raise BadInputError(f"year must be an integer, got {metadata['year']!r}") from e
        rgb = to_rgb(image)
        query = self.photo_query(rgb)      # tagged as a photo query sees it; the photo is kept whole
        vecs, probs = query.vector[None], query.probs
        preds = predicted_frame(self.tagger, probs).iloc[0].to_dict()
        row = {c: metadata.get(c) for c in COLUMNS}
        row["id"] = item_id
        if row.get("articleType") in (None, "") and "pred_articleType" in preds:
            row["articleType"] = preds["pred_articleType"]
        # The category levels above a type follow from it (Tshirts -> Topwear -> Apparel), where the catalogue
        # has that type; the tagger's separate guesses could contradict it.
        same_type = self.items[self.items["articleType"] == row.get("articleType")]
        for head in ("subCategory", "masterCategory"):
            filed = set(same_type[head].dropna()) if head in same_type else set()
            if row.get(head) in (None, "") and filed:
                row[head] = same_type[head].mode().iloc[0]
            elif filed and row[head] not in filed and not allow_new_values:
                # Shorts under Footwear/Shoes would fill a look's shoe slot.
                raise BadInputError(f"{head} {row[head]!r} does not go with articleType {row['articleType']!r}, "
                                    f"which this catalogue files under {', '.join(map(repr, sorted(filed)))}: "
                                    f"leave {head} out to take that, or allow new values")
        guessed = [head for head in ATTRIBUTES if row.get(head) in (None, "") and f"pred_{head}" in preds]
        if not metadata.get("articleType") and row.get("articleType"):
            guessed.insert(0, "articleType")        # the tagger's type, filled in above
        new_to_index = [head for head in guessed
                        if self.canonical_value(head, row.get(head) or preds[f"pred_{head}"]) is None]
        for head in guessed:
            row[head] = row.get(head) or preds[f"pred_{head}"]
        def warn(said: str) -> None:
            log.warning("%s", said)
            if warnings is not None:
                warnings.append(said)

        # Said once the product is sure to go in (a refused subCategory above would have made it a lie).
        if new_to_index:
            # A label no product of this index has, taken from the tagger without --new-values: filters and
            # did-you-mean hints offer it from now on ("Heels" in a shop of none, an ML engineer's trial).
            warn(f"the tagger's {', '.join(f'{h} {row[h]!r}' for h in new_to_index)} for product {item_id} "
                 f"{'is' if len(new_to_index) == 1 else 'are'} new to this index; give "
                 f"{'it' if len(new_to_index) == 1 else 'them'} yourself if that is wrong")
        if query.closest is not None and query.closest > NEAR_DUPLICATE:
            warn(f"the photo of the new product {item_id} is the photo of product {query.closest_id} (cosine "
                 f"{query.closest:.3f}): added anyway; `fashionrec index remove {item_id}` (or DELETE "
                 f"/api/items/{item_id}) takes it out")
        if not row.get("productDisplayName"):
            row["productDisplayName"] = " ".join(str(row.get(h)) for h in ("gender", "baseColour", "articleType")
                                                 if row.get(h))
        images_dir = self.index_dir / "images"
        images_dir.mkdir(parents=True, exist_ok=True)
        dest = images_dir / f"{item_id}.jpg"
        write_with(dest, lambda tmp: rgb.save(tmp, format="JPEG", quality=92))
        row["image_path"] = str(Path("images") / f"{item_id}.jpg")
        row.update(preds)
        text_vec = encode_text([product_text(row)])
        before = (self.items, self.embeddings, self.text_embeddings)
        # The new arrays are built beside the old ones (seconds at 40k: a copy of every embedding); only
        # putting them in place needs searches to wait.
        items = pd.concat([self.items.reset_index(drop=True), pd.DataFrame([row])], ignore_index=True)
        items["id"] = items["id"].astype(np.int64)
        after = (items.set_index("id", drop=False), np.vstack([self.embeddings, vecs.astype(np.float32)]),
                 np.vstack([self.text_embeddings, text_vec]))
        words = self._word_tables(after[0], exclusive)
        added = False
        try:
            with exclusive():
                self.index.add(np.array([item_id], np.int64), self.index_vectors(vecs),
                               attrs=[{f: row.get(f) for f in FILTER_KEYS}])
                added = True
                self.items, self.embeddings, self.text_embeddings = after
                self._reindex(words)
            if save:
                self.save()
        except BaseException:
            # A Milvus insert is durable at once: take it back so the index and the folder stay in step.
            with exclusive():
                if added:
                    self.index.remove(np.array([item_id], np.int64))
                self.items, self.embeddings, self.text_embeddings = before
                self._reindex()
            dest.unlink(missing_ok=True)
            raise
        log.info("added product %d (%s)", item_id, row.get("articleType"))
        return item_id

    def left_out_row(self, item_id) -> dict:
        """The catalogue's labels and name for ``item_id`` where it is a row the index left out for want of a
        usable photo (the manifest's ``left_out``; `recommend similar` suggests `index add` for one), read
        from the catalogue the index was built from; {} otherwise. Before, its photo went in as "Men Grey
        Tshirts", the row's name and year lost."""
        try:
            item_id = int(item_id)
        except (TypeError, ValueError):
            return {}
        if not any(item_id in ids for ids in (self.manifest.get("left_out") or {}).values()):
            return {}
        data_dir = Path(str(self.manifest.get("data_dir") or ""))
        row = None
        if (data_dir / "styles.csv").is_file():
            table = load_catalog(data_dir, check_images=False, progress=False, warn=False).table
            row = table[table["id"] == item_id]
        if row is None or row.empty:
            log.warning("product %d is a catalogue row the index left out, but %s no longer has it: the labels not "
                        "given are the tagger's", item_id, data_dir / "styles.csv")
            return {}
        return {c: _clean(v) for c, v in row.iloc[0].items() if c in COLUMNS and c != "id" and not pd.isna(v)}

    def _highest_id(self) -> int:
        """The highest id this index has held, removed products' included (0 for none)."""
        return max(int(self.manifest.get("highest_id") or 0), int(self._ids.max()) if len(self._ids) else 0)

    def remove_product(self, item_id: int, save: bool = True,
                       exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext) -> dict:
        """Take a product out of the index (sold out, added by mistake); returns its metadata
        (:meth:`remove_products`)."""
        return self.remove_products([item_id], save=save, exclusive=exclusive)[0]

    def remove_products(self, item_ids: Iterable[int], save: bool = True,
                        exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext) -> list[dict]:
        """Take products out of the index; returns their metadata. Every id is checked before any goes.
        Persists the index folder once, and deletes the photos of products that ``add_product`` added. A
        catalogue product comes back at the next ``index build`` unless its row leaves styles.csv too. On an
        HNSW index this rebuilds the graph once (FAISS cannot delete from one): seconds at 40k products,
        spent, like the new arrays, before ``exclusive`` (see :meth:`add_product`) is taken."""
        ids = list(dict.fromkeys(self._check_id(i) for i in item_ids))
        items = [self.item(i) for i in ids]
        rows = np.array([self._row[i] for i in ids], np.int64)
        vectors = self.index_vectors(self.embeddings[rows])
        keep = np.ones(len(self.items), bool)
        keep[rows] = False
        before = (self.items, self.embeddings, self.text_embeddings)
        after = (self.items[keep], self.embeddings[keep], self.text_embeddings[keep])
        take_out = self.index.removal(np.array(ids, np.int64))
        highest = self._highest_id()
        words = self._word_tables(after[0], exclusive)
        removed = False
        try:
            with exclusive():
                take_out()
                removed = True
                self.items, self.embeddings, self.text_embeddings = after
                # Asking for one later says it was removed, not that the catalogue never had it.
                gone = sorted({*self.manifest.get("removed_ids", []), *ids})
                self.manifest = {**self.manifest, "highest_id": highest, "removed_ids": gone}
                self._reindex(words)
            if save:
                self.save()
        except BaseException:
            with exclusive():
                if removed:
                    self.index.add(np.array(ids, np.int64), vectors,
                                   attrs=[{f: item.get(f) for f in FILTER_KEYS} for item in items])
                self.items, self.embeddings, self.text_embeddings = before
                self._reindex()
            raise
        for item in items:
            photo = Path(str(item.get("image_path") or ""))
            if save and not photo.is_absolute() and photo.parts[:1] == ("images",):
                (self.index_dir / photo).unlink(missing_ok=True)     # only a photo the index folder owns
            log.info("removed product %d (%s)", item["id"], item.get("articleType"))
        return items


def _rejected_rows(catalog: Catalog) -> dict[str, str]:
    """{id: "line N: why"} of the catalogue's rejected rows that start with an integer id."""
    return {str(int(row.leading_field)): f"line {row.line}: {row.reason}" for row in catalog.report.rows_rejected
            if row.leading_field.isdigit()}


def _previous_highest_id(index_dir: Path) -> int:
    """The highest id the index at ``index_dir`` has handed out (0 where there is none to read; a manifest
    that cannot be read is said, as ids removed from that index could then be handed out again)."""
    path = index_dir / "manifest.json"
    if not path.is_file():
        return 0
    try:
        return int(read_json(path).get("highest_id") or 0)
    except (OSError, ValueError, TypeError, AttributeError) as e:
        log.warning("cannot read the highest id %s handed out (%s): ids of products removed from it may be "
                    "handed out again", path, e)
        return 0


def _added_products(index_dir: Path, catalogue_ids: set[int]) -> tuple[list[tuple[dict, Image.Image]], list[int]]:
    """((metadata, photo) of each product added to the index at ``index_dir`` since its build, whose photo
    is in its ``images/``; the ids of those the catalogue being indexed now has rows for), read before a
    rebuild replaces the folder. A folder too damaged to read gives none, with a warning."""
    if not (index_dir / INDEX_MARKER).is_file() or not (index_dir / "items.csv").is_file():
        return [], []
    try:
        items = pd.read_csv(index_dir / "items.csv", keep_default_na=False, na_values=[""])
        added = items[~items["image_path"].astype(str).map(lambda p: p == "nan" or Path(p).is_absolute())]
        rows = added.to_dict("records")
        ids = [int(row["id"]) for row in rows]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, pd.errors.ParserError) as e:
        log.warning("cannot read which products were added to %s (%s: %s); a rebuild keeps none of them",
                    index_dir, type(e).__name__, e)
        return [], []
    out, replaced = [], []
    for row, item_id in zip(rows, ids, strict=True):
        if item_id in catalogue_ids:
            replaced.append(item_id)       # the catalogue's row under that id wins
            continue
        metadata = {c: _clean(row.get(c)) for c in COLUMNS if _clean(row.get(c)) is not None}
        try:
            image = open_rgb(index_dir / str(row["image_path"]))
        except (OSError, ValueError) as e:
            raise IndexError_(f"{index_dir} holds product {item_id}, added after it was built, but its photo "
                              f"{row['image_path']} cannot be read ({e}); a rebuild would lose that product: "
                              "restore the photo, or build into another --out") from e
        out.append((metadata, image))
    return out, replaced


def index_backend(index_dir: str | Path) -> str:
    """Which backend an index folder was built with (``faiss`` or ``milvus``)."""
    path = Path(index_dir) / INDEX_MARKER
    if not path.exists():
        raise IndexError_(f"no index at {index_dir} (vectors.json missing); run `fashionrec index build` first")
    return read_json(path).get("backend", "faiss")


def _milvus_meta(index_dir: Path) -> dict | None:
    """The ``vectors.json`` of an existing Milvus index folder (None for FAISS or no folder)."""
    path = index_dir / "vectors.json"
    if not path.exists():
        return None
    meta = read_json(path)
    return meta if meta.get("backend") == "milvus" else None


def _kept_by_faiss(index_dir: Path) -> dict | None:
    """The Milvus collection a FAISS index folder kept from the Milvus build before it (its uri, collection, dim:
    ``previous_milvus`` in ``manifest.json``; a Milvus folder names it under ``previous`` in ``vectors.json``);
    None if none."""
    manifest = index_dir / "manifest.json"
    return read_json(manifest).get("previous_milvus") if manifest.is_file() else None


def _readable(read, index_dir: Path) -> dict | None:
    """``read(index_dir)``, or None where the folder's files cannot be read: said, as a rebuild gets past a
    damaged index (a Milvus collection it named may then be left behind)."""
    try:
        return read(index_dir)
    except (OSError, ValueError, TypeError, AttributeError) as e:
        log.warning("cannot read which Milvus collections %s uses (%s): one may be left behind", index_dir, e)
        return None


def _drop_replaced(meta: dict | None, new_index, token: str | None) -> None:
    """Drop a Milvus collection that an index rebuild has made obsolete (``meta``: its uri, collection, dim)."""
    if meta is None or (getattr(new_index, "collection", None) == meta["collection"]
                        and getattr(new_index, "uri", None) == meta["uri"]):
        return
    from fashionrec.index.milvus_index import MilvusIndex

    try:
        if getattr(new_index, "uri", None) == meta["uri"]:
            client = new_index.client       # the same deployment: reuse the open connection
            if client.has_collection(meta["collection"]):
                client.drop_collection(meta["collection"])
        else:
            MilvusIndex(meta["dim"], meta["uri"], meta["collection"], token=token, create=False).drop()
    except Exception as e:      # the new index is in place; an old collection left behind is only space
        log.warning("could not drop the replaced Milvus collection %s at %s: %s", meta["collection"],
                    meta["uri"], e)
