"""Building an index folder (``fashionrec index build``): :class:`IndexBuilding`, the part of
:class:`fashionrec.recommend.Recommender` that embeds a catalogue and writes its folder, and what a rebuild
reads from the folder it replaces (the products added to it since, the Milvus collections it used).

Index folder (written atomically: into a temp folder, then renamed):

* ``manifest.json`` — model (name, path, checkpoint summary), count, dim (the embedding's), index_dim and
  projection (what the vector index searches), index kind, date, build seconds, data dir, text model.
* ``items.csv`` — catalogue metadata + ``image_path`` + predicted ``pred_<head>`` / ``pred_<head>_prob``.
* ``embeddings.npy`` (n, d) float32 image embeddings, rows aligned with ``items.csv``.
* ``text_embeddings.npy`` (n, 384) float32 MiniLM embeddings of the product text, same rows.
* ``vectors.faiss`` + ``vectors.json`` — the image index (:class:`~fashionrec.index.FaissIndex`).
* ``projection.npz`` — when the manifest names a projection: the PCA that shortens the embeddings the index
  searches (:mod:`fashionrec.index.projection`); candidates are re-scored with ``embeddings.npy``.
* ``images/<id>.jpg`` — photos of products added with :meth:`~fashionrec.recommend.Recommender.add_product`.
* ``delta.G.csv`` + ``delta.G.npz`` — after an add or remove, the rows changed since the three files above were
  written, generation ``G`` of the manifest's ``delta`` (:mod:`fashionrec.index_delta`); a build writes none.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import re
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from fashionrec.artifacts import (
    atomic_dir,
    check_replaceable,
    free_space,
    made_by,
    made_with,
    one_writer_at_a_time,
    read_json,
)
from fashionrec.calibration import calibration_temperatures
from fashionrec.catalog import (
    COLUMNS,
    CURRENCY,
    ID_AS_WRITTEN,
    IDS_AS_WRITTEN,
    PRICE,
    VARIATIONS,
    Catalog,
    first_few,
    load_catalog,
    open_rgb,
    styles_sha256,
    written_ids,
)
from fashionrec.catalogue_edits import catalogue_removals, changing_folder
from fashionrec.errors import BadInputError, FashionrecError, ModelError, NoSpaceError, VectorIndexError
from fashionrec.index import BACKENDS, FaissIndex, VectorIndex
from fashionrec.index.base import read_meta
from fashionrec.index.faiss_index import KINDS
from fashionrec.index.projection import Projection, auto_projection_dim
from fashionrec.index_delta import current_items
from fashionrec.index_reuse import description_sha256, embed_reusing, encode_reusing, read_reusable, write_digests
from fashionrec.item_tables import plain
from fashionrec.levels import levels_fingerprint
from fashionrec.name_colours import COLOUR_FROM, fill_from_photos
from fashionrec.product_edits import (
    EDIT_LOG,
    EDIT_LOG_DROPPED,
    EDITED,
    edits_made_meanwhile,
    edits_said,
    keep_edits_since,
)
from fashionrec.regular_prices import REGULAR_PRICE
from fashionrec.results import FILTER_KEYS, NEAR_DUPLICATE
from fashionrec.stock import STOCK
from fashionrec.stock_kept import keep_levels_set_since, stock_kept_said, write_built_levels
from fashionrec.tagger import Tagger, embedding_sha256
from fashionrec.text_encoder import TEXT_MODEL_NAME, product_text, text_model_sha256
from fashionrec.visibility import (
    HIDDEN_BUILT,
    HIDDEN_BY_FILE,
    HIDDEN_SET_SINCE,
    hidden_at_build,
    hidden_ids,
    hides_kept,
    hides_kept_said,
    with_hidden,
)

log = logging.getLogger(__name__)
# The ``extra`` of a build's closing lines that `fashionrec index build` says in its own summary (what changed, the
# products and stock levels kept, the count): its command leaves them out of its log (:class:`InSummary`), where
# each was said twice ("kept 40 stock levels ..." as an INFO line, then as the summary's; stop 70).
IN_SUMMARY = {"in_summary": True}


class InSummary(logging.Filter):
    """Leaves out of a log the lines a command says in its own summary (:data:`IN_SUMMARY`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "in_summary", False)

INDEX_MARKER = "vectors.json"   # the file that makes a folder an index (an embeddings folder has a manifest too)
# A photo is unfamiliar when no catalogue product is as similar to it as all but this share of the
# catalogue's products are to their nearest other product (its leave-one-out nearest-neighbour cosine).
# The threshold comes from the index's own embeddings, so it follows any model. On the shipped model it is
# 0.661 (trainval index), and it flags 1.05% of the never-seen test photos, which the tagger gets right 57%
# of the time against 90.6% for the rest; pixel noise (0.642), a small shoe on a noisy background (0.650),
# a rotated shoe, a gradient and a checkerboard fall below it (docs/service.md, "Photos unlike the catalogue").
UNFAMILIAR_QUANTILE = 0.005
# A rebuild keeping under this share of the products of the index it replaces is refused unless asked for.
SHRINK_REFUSED_BELOW = 0.5
UNFAMILIAR_SAMPLE = 2000    # catalogue products whose nearest neighbours set the threshold (about 3 s at 40k)


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


class IndexBuilding:
    """Building an index folder: a part of :class:`fashionrec.recommend.Recommender` (``Recommender.build``)."""

    @classmethod
    def build(cls, catalog: Catalog | str | Path, tagger: Tagger | str | Path | None, out_dir: str | Path,
              index_kind: str = "auto", progress: bool = True, backend: str = "faiss", uri: str | Path | None = None,
              token: str | None = None, embeddings: pd.DataFrame | str | Path | None = None,
              index_dim: int | None = None, reuse: bool = True, allow_shrink: bool = False,
              replace_added: bool = False, currency: str | None = None):
        """Embed every usable product of ``catalog`` (or of its folder) with ``tagger`` (or the checkpoint at its
        path; None: the shipped model), build the image and text indexes, write ``out_dir`` atomically.

        ``index_dim``: the index searches a PCA projection of the embeddings to this many dimensions and
        re-scores with the full ones; None = 256 for embeddings longer than that (and >= 1,024 items),
        0 = the full embeddings.

        ``backend="milvus"``: the vectors go to a new collection at ``uri`` (default: the Milvus Lite file
        ``<out_dir>.milvus.db`` beside the folder); the collection of the index it replaces is dropped
        once the new folder is in place. ``embeddings``: precomputed vectors instead of embedding here: the
        folder ``fashionrec embed`` (``--engine ray``) wrote, checked to be ``tagger``'s, or its (id, vector,
        pred_*) rows (:func:`fashionrec.batch_embed.load_embeddings`). ``reuse``: take the embeddings and
        predictions of photos, and the text embeddings of product texts, that the index at ``out_dir`` already
        holds from the same model (:mod:`fashionrec.index_reuse`) rather than compute them again.
        ``allow_shrink``: replace an index although the catalogue has under half its products (else refused:
        a styles.csv cut short). ``replace_added``: let a new catalogue row replace a product added to the index
        since its build under the same id though their names differ (else refused). ``currency``: the one the
        shop's prices are in, as cards write it ("₹", "$", "Rs."; "" for none), kept in the manifest and by later
        rebuilds; None: the one a rebuilt index was given, else the symbol styles.csv's prices were written with
        (:func:`shop_currency`). One build of a folder at a time: a second is refused while one runs.
        """
        out_dir = Path(out_dir)
        out_dir = out_dir.resolve() if out_dir.is_symlink() else out_dir     # one lock whichever path names it
        with one_writer_at_a_time(out_dir, "build", f"another `fashionrec index build` is building {out_dir} now: "
                                  "wait for it to finish, or build into another out_dir (--out)"):
            return cls._build(catalog, tagger, out_dir, index_kind, progress, backend, uri, token, embeddings,
                              index_dim, reuse, allow_shrink, replace_added, currency)

    @classmethod
    def _build(cls, catalog, tagger, out_dir, index_kind, progress, backend, uri, token, embeddings, index_dim,
               reuse, allow_shrink, replace_added, currency=None):
        t0 = time.perf_counter()
        out_dir = Path(out_dir)
        if isinstance(catalog, (str, Path)):        # its folder, as the CLI takes it
            catalog = load_catalog(catalog, progress=progress)
        if tagger is None or isinstance(tagger, (str, Path)):     # a checkpoint's path, as load() takes one
            tagger = Tagger.load(tagger)
        elif not isinstance(tagger, Tagger):
            raise BadInputError(f"tagger is a Tagger, a checkpoint's path or None (the shipped model), not "
                                f"{type(tagger).__name__}")
        if backend not in BACKENDS:
            raise BadInputError(f"unknown index backend {backend!r}; valid: {', '.join(BACKENDS)}")
        if backend == "faiss" and uri:
            raise BadInputError("a uri (--uri) is for the milvus backend (--backend milvus)")
        usable = catalog.usable
        if len(usable) == 0:
            raise BadInputError(f"catalogue {catalog.root} has no usable items to index")
        # Before minutes of embedding: the index kind and projection size, and that --out is not some other folder.
        if index_kind not in KINDS:
            raise BadInputError(f"index kind {index_kind!r} is not one of {', '.join(KINDS)}")
        index_dim = cls._check_index_dim(index_dim, len(usable), tagger.dim)
        check_replaceable(out_dir, INDEX_MARKER, "fashionrec index")
        catalogue_ids = set(usable["id"].astype(int))
        previous = _previous_items(out_dir)
        # What the rebuild adds and takes out, said at the end.
        held = set(map(int, previous["id"])) if previous is not None else None
        added, _ = _added_products(out_dir, catalogue_ids)     # an added product's unreadable photo: say so now
        replacing = _replaced_manifest(out_dir)
        same_catalogue = _check_same_catalogue(out_dir, replacing, catalog, [int(m["id"]) for m, _, _ in added])
        _check_replacing(out_dir, replacing, previous, catalog, tagger, allow_shrink)
        shop = shop_currency(currency, replacing, catalog)      # refused now, not after the embedding
        if not replace_added:
            _check_added_kept(out_dir, previous, catalog)
        # The folder's Milvus collection, replaced, is kept one generation whatever the new backend: a server
        # started on the old folder still searches it (a rebuild as FAISS dropped it at once, and that server
        # answered 500, a scale-out trial); the one it kept is dropped once this build is in place.
        replaced = _readable(_milvus_meta, out_dir)
        earlier = replaced.get("previous") if replaced else _readable(_kept_by_faiss, out_dir)
        if backend == "milvus":     # and that the collection has somewhere to go
            from fashionrec.index.milvus_index import check_reachable

            check_reachable(cls._milvus_uri(out_dir, uri), token)
        before = read_reusable(out_dir, tagger) if reuse and embeddings is None else None
        reused_photos = 0
        if embeddings is None:
            ids, vectors, preds, reused_photos = embed_reusing(catalog, tagger, before, progress=progress)
        else:
            from fashionrec.batch_embed import aligned_embeddings, check_made_by, load_embeddings

            if isinstance(embeddings, str | Path):
                # (A new user passed the folder, as the CLI's --from-embeddings takes it, and got an AttributeError.)
                made, frame = load_embeddings(embeddings)
                check_made_by(made, embeddings, tagger)
                embeddings = frame
            ids, vectors, preds = aligned_embeddings(embeddings, usable)
            if vectors.shape[1] != tagger.dim:
                raise ModelError(f"the embeddings are {vectors.shape[1]}-d but model {tagger.name} makes "
                                 f"{tagger.dim}-d ones: build with the model that made them")
        projection = cls._fit_projection(vectors, index_dim) if index_dim else None
        search_vectors = vectors if projection is None else projection(vectors)
        # The price too where styles.csv has one (text search filters by it, cards show it): a column of
        # items.csv only then, so an index of a catalogue without prices is as before, and one built before prices
        # were read loads as an index without them.
        # The stock level likewise (stop 67): sold-out products are indexed, and left out of what a shopper sees.
        # And where a colour was read from where the catalogue has no colour column (stop 74: name_colours).
        # And the regular price of a product on sale, where the export gives one (stop 76, regular_prices).
        kept = [c for c in [*COLUMNS, PRICE, REGULAR_PRICE, STOCK, COLOUR_FROM] if c in usable.columns]
        items = usable[kept + ["image_path"]].reset_index(drop=True)
        items = pd.concat([items, preds], axis=1)
        # ... the rest from the photo, before the product text is embedded (its colour in it): a BigCommerce shop's
        # products without a colour option or word had no colour anywhere but `predicted` (stop 73's trial).
        from_photos = fill_from_photos(items)
        if from_photos:
            log.info("%d products' colour read from their photo (the catalogue has no colour column, and neither "
                     "an option nor the name said one)", len(from_photos))
        items["image_path"] = [str(Path(p).resolve()) for p in items["image_path"]]
        # Products edited since the build replaced (`index edit`, PATCH /api/items/ID) keep their edits while
        # styles.csv gives the values they replaced (product_edits), before their text and filters are read.
        # ({} where it recorded none, so that one made meanwhile is told apart; None for another catalogue's.)
        edited_before = ((replacing or {}).get(EDITED) or {}) if same_catalogue else None
        items, edits_kept, edits_dropped = keep_edits_since(edited_before, items)
        log.info("embedding product text of %d items", len(items))
        text_vecs, reused_texts = encode_reusing([product_text(r) for r in items.to_dict("records")], before,
                                                 progress=progress)
        if before is not None:
            log.info("reused the photo embeddings of %d and the text embeddings of %d of %d products from %s "
                     "(same photo model for the first, same text model for the second)", reused_photos, reused_texts,
                     len(items), out_dir)
        reused = {"photo_embeddings": reused_photos, "text_embeddings": reused_texts,
                  "from_build": before.build_id if before is not None else None}
        del before      # up to a copy of every embedding: not kept through the index build
        index = None
        build_id = uuid.uuid4().hex
        try:
            # (Entered first, left last: a change another process makes to the folder waits until the new
            # folder is in, then finds it changed, rather than go into the folder this build replaces.)
            with contextlib.ExitStack() as turn, atomic_dir(out_dir, INDEX_MARKER, "fashionrec index") as tmp:
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
                              # and the description beside them, which says how an ensemble blends its members
                              "description_sha256": description_sha256(tagger),
                              # and of it, what the embeddings depend on (a server refuses a model that differs)
                              "embedding_sha256": embedding_sha256(tagger),
                              "architecture": tagger.meta.get("model"),
                              "preprocessing": tagger.meta.get("preprocessing"),
                              # the pred_<head>_prob columns are calibrated with these (`index check`)
                              "temperature": calibration_temperatures(tagger),
                              # and their group and category read from the type with these (fashionrec.levels)
                              "levels_sha256": levels_fingerprint(tagger.levels),
                              # a summary of the checkpoint's own description (the full one sits beside it)
                              **{key: tagger.meta[key] for key in ("epoch", "val", "test", "train_seconds",
                                                                   "params") if key in tagger.meta}},
                    "count": len(items), "dim": int(vectors.shape[1]), "index_dim": int(search_vectors.shape[1]),
                    "projection": projection.describe() if projection else None, "index_kind": index.kind,
                    "backend": backend, "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                    **made_with(),
                    "command": made_by(), "build_id": build_id,
                    "data_dir": str(Path(catalog.root).resolve()), "styles_sha256": styles_sha256(catalog.root),
                    # The file of its rows, which messages about a product's row name (a shop's products.csv).
                    "table": catalog.report.table_name,
                    "text_model": TEXT_MODEL_NAME,
                    # and its weights: a rebuild with another photo model takes the text embeddings if they match
                    "text_model_sha256": text_model_sha256(),
                    # The shop's currency, as cards write it before a price ("₹1,299"), and whether it was named.
                    **dict(zip((CURRENCY, "currency_named"), shop, strict=True)),
                    "text_dim": int(text_vecs.shape[1]),
                    "unfamiliar_below": familiar_floor(vectors),
                    # Rows of the catalogue with no product here, so that asking for one says why.
                    "left_out": {status: [int(i) for i in catalog.table.loc[catalog.table["image_status"] == status,
                                                                               "id"]]
                                 for status in ("missing", "unreadable")},
                    # ... and why, where it is more than no <id>.jpg in the photo folder (a photo in a folder inside
                    # it, in a format not read, unreadable): "its image is missing" named no file (stop 72).
                    **_left_out_why(catalog),
                    # Rows styles.csv has but could not read, by the id in their id column: an added product is
                    # never given one (it would be lost when the row is fixed), and asking for one says why.
                    "rejected_rows": _rejected_rows(catalog),
                    # Folded lines with ids of their own (WooCommerce variations): asking for one names its product.
                    VARIATIONS: variations_of(catalog),
                    # Usable rows whose photo is one flat colour: indexed, never shown as a match (_set_aside).
                    "blank_image_ids": [int(i) for i in np.intersect1d(catalog.report.blank_image_ids, ids)],
                    # and those too small to show a product
                    "tiny_image_ids": [int(i) for i in np.intersect1d(catalog.report.tiny_image_ids, ids)],
                    # Labels data check takes for typos ("Tshrts" beside "Tshirts"): an added product given one is
                    # told so (the API took a shop's "Tshrts" without a word, as a value the index has).
                    "possible_typos": {column: {t["value"]: t["like"] for t in typos}
                                       for column, typos in catalog.report.possible_typos.items()},
                    # Taken from the index this one replaced, not computed again (fashionrec.index_reuse).
                    "reused": reused,
                }
                # Ids the shop's export writes otherwise than as numbers ("0038645" for 38645), {id: as written}:
                # ids are whole numbers here (the vector index's, the photos' and the pages'), so the export
                # (`recommend export`) and a shop joining back read them from here (stop 68). Only where there are:
                # a catalogue whose ids are plain numbers has a manifest as before.
                written = {str(i): text for text, i in catalog.report.ids_written_otherwise.items()
                           if i in catalogue_ids}
                if written:
                    manifest[IDS_AS_WRITTEN] = written
                if embeddings is None:
                    # Not for vectors made elsewhere (`fashionrec embed`): of the photos as they were then, which
                    # today's digests would vouch for at the next rebuild (a code review; the maintainers' test
                    # test_vectors_made_elsewhere_are_not_vouched_for_by_todays_photos keeps it so, though shards
                    # name their photos' digests since stop 77 and the build refuses one whose bytes changed).
                    write_digests(tmp, usable)
                # styles.csv's levels as read now, for the next rebuild to tell a level set since from them.
                write_built_levels(tmp, usable)
                # Levels set since the build replaced (`index stock`, the API) kept, read under the folder's lock
                # (below) so that one a server sets while this build embeds is kept too (stop 68).
                if Path(out_dir).is_dir():
                    turn.enter_context(changing_folder(Path(out_dir)))
                # Not another catalogue's: its levels are of its own products, not of this one's of the same ids
                # (a second shop built into the first's folder got its products sold out; stop 69's review).
                items, stock_kept = keep_levels_set_since(out_dir, items) if same_catalogue else (items, None)
                if stock_kept and (stock_kept["kept_ids"] or stock_kept["file_newer_ids"] or stock_kept["unknown"]):
                    manifest["stock_set_since"] = stock_kept
                # (Read again under the lock: a hide set while this build embedded is kept. Not where there was no
                # readable manifest at the start, said then.)
                before_now = _replaced_manifest(out_dir) if same_catalogue and replacing is not None else None
                if catalog.report.visibility_columns or hidden_ids(before_now):
                    # The products the shop hides: indexed, never shown (visibility.py, stop 74), those hidden or
                    # shown since the build replaced kept as its levels are; and the file's, for the next rebuild.
                    # Also where the file has no such column: a product hidden by `index stock --hide` or the API
                    # was shown again by the next rebuild without a word (stop 75's review).
                    hidden = hidden_at_build(catalog.report.hidden, ids, before_now,
                                             file_says=bool(catalog.report.visibility_columns))
                    manifest.update(with_hidden({}, hidden))
                    # Those kept against the file's word now: said in the summary, as the levels kept are (stop 76,
                    # h76keep: the hand's alone were said, in the log; an export's kept or shown went unsaid).
                    hides = hides_kept(hidden, catalog.report.hidden, ids)
                    if any(hides.values()):
                        manifest[HIDDEN_SET_SINCE] = hides
                    if catalog.report.visibility_columns and hides["by_hand_ids"]:
                        manifest["hidden_kept_by_hand"] = hides["by_hand_ids"]      # as stop 75 named them
                    manifest[HIDDEN_BUILT] = sorted(i for i in catalog.report.hidden if i in catalogue_ids)
                if edits_kept:
                    manifest[EDITED] = edits_kept
                # An edit a server made while this build embedded (read above, before it): said, not lost unsaid.
                edited_during = edits_made_meanwhile(out_dir, edited_before)
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
                rec.carry_over(carried, progress=progress)
                # An added product hidden since (`index stock --hide`, the API) stays hidden: carried over, it was
                # shown again (stop 75's review). No file says anything of it.
                hidden_added = sorted({int(m["id"]) for m, _, _ in carried} & set(hidden_ids(before_now)))
                if hidden_added:
                    # Each as it was hidden: an export's hide (`--from`) stays one that a newer export showing the
                    # product undoes; recorded as the hand's, it stood against every later export (stop 76, h76review).
                    by_file = [i for i, why in hidden_ids(before_now).items() if why == HIDDEN_BY_FILE]
                    rec.set_hidden(dict.fromkeys(hidden_added, True), save=False,
                                   by_file=set(by_file) & set(hidden_added))
                if carried:
                    rec.manifest["kept_added_ids"] = [int(m["id"]) for m, _, _ in carried]
                # The edit log, for `index check`'s audit: the entries of the products whose edits stand, the
                # catalogue's kept and those added since, carried over with their values (stop 76, h76keep: the
                # added products' were dropped, their edits standing), and the count of those it had let go.
                standing = {*map(str, edits_kept or {}), *(str(m["id"]) for m, _, _ in carried)}
                logged = [e for e in (replacing or {}).get(EDIT_LOG) or [] if str(e.get("id")) in standing]
                if logged:
                    rec.manifest[EDIT_LOG] = logged
                    if (replacing or {}).get(EDIT_LOG_DROPPED):
                        rec.manifest[EDIT_LOG_DROPPED] = replacing[EDIT_LOG_DROPPED]
                if replaced_ids:
                    rec.manifest["added_ids_now_catalogue_rows"] = replaced_ids
                # Ids handed out by the index this one replaces stay used, removed products' included.
                # So do the catalogue's rows without a product here (no usable photo, rejected): an id given to
                # an added product would become that row's when it is fixed.
                rows = [int(catalog.table["id"].max()) if len(catalog.table) else 0,
                        *map(int, rec.manifest["rejected_rows"])]
                highest, left_before, removed = _previous_ids(out_dir)
                rec.manifest["highest_id"] = max(highest, rec._highest_id(), *rows)
                now = set(map(int, rec.items["id"]))
                if held is not None:
                    new, gone = sorted(now - held), sorted(held - now)
                    # A product taken out (`index remove`, the API) or whose row had left, in again: back, not
                    # new (an operator's trial: the build called it new, which it never was to the shop); not
                    # another catalogue's product of the same id (a code review).
                    back = [i for i in new if i in left_before] if same_catalogue else []
                    came = set(back)        # a set: 40k back took 4 s as a list (a code review)
                    new = [i for i in new if i not in came]
                    rec.manifest["changes"] = {"new": len(new), "gone": len(gone), "back": len(back),
                                               "new_ids": new[:20], "gone_ids": gone[:20], "back_ids": back[:20]}
                    # Products whose rows left styles.csv, now or at a rebuild before and not back since: a link
                    # to one says it is no longer sold, where it said there was no such product (an operator's
                    # trial). A row still there without a usable photo says so itself (left_out); a product
                    # added to the index and taken out had no row (removed_ids, below). Not another catalogue's
                    # products: they were never this one's.
                    left_before |= set(map(int, previous["id"][~added_since_build(previous)])) - now
                if not same_catalogue:
                    left_before, removed = set(), set()
                rows_now = set(map(int, catalog.table["id"])) | set(map(int, rec.manifest["rejected_rows"]))
                left = sorted(left_before - now - rows_now)
                if left:
                    rec.manifest["left_catalogue_ids"] = left
                # Products added and taken out since are still said to be removed, not never there (a trial).
                removed = sorted(removed - left_before - now - rows_now)
                if removed:
                    rec.manifest["removed_ids"] = removed
                rec.save(full=True)
        except BaseException as e:
            # The new folder never replaced the old one: leave no orphan collection behind. Unless it did: a stop
            # while the replaced folder was deleted, after the swap, dropped the collection the new folder names,
            # and every load then said "has no collection ...; rebuild the index" (a code review).
            if _in_place(out_dir, build_id):
                _drop_replaced(earlier, index, token, out_dir)       # named nowhere now: as after a build that finished
            elif backend == "milvus" and index is not None:
                try:
                    index.drop()
                except Exception as drop_error:  # the build's own error matters more than the clean-up's
                    log.warning("could not drop the unfinished collection: %s", drop_error)
            if isinstance(e, NoSpaceError) and not _in_place(out_dir, build_id):
                # Said of the build's temporary folder, "cannot save the index in runs/.index.vm.8216.hf5e7hjw"
                # (an operator's trial): said of the folder asked for.
                left = f"{out_dir} is unchanged" if Path(out_dir).exists() else "nothing was written"
                raise NoSpaceError(f"cannot build the index into {out_dir}: no space left on its disk "
                                   f"({free_space(Path(out_dir).parent)}; the new index is written beside the one it "
                                   f"replaces, and takes about as much): free some space and build again; "
                                   f"{left}") from e
            raise
        _drop_replaced(earlier, index, token, out_dir)
        changes = rec.manifest.get("changes")
        # What changed, alone and in words: "1 products new (ids 9828), 0 back (ids -), 0 gone (ids -)" (a new
        # user's trial).
        said = [f"{n:,} product{'s' if n != 1 else ''} {what} (id{'s' if n != 1 else ''} "
                f"{first_few(changes[f'{what}_ids'], 10)})" for what in ("new", "back", "gone")
                if (n := (changes or {}).get(what))]
        if said:
            log.info("against the index it replaced: %s", ", ".join(said), extra=IN_SUMMARY)
        if carried:
            log.info("kept %d products added to the previous index (ids %s)", len(carried),
                     ", ".join(str(m["id"]) for m, _, _ in carried[:20]), extra=IN_SUMMARY)
        if rec.manifest.get("stock_set_since"):     # kept, or styles.csv's taken, and why: as the summary says it
            log.info("%s", stock_kept_said(rec.manifest["stock_set_since"], written_ids(rec.manifest)),
                     extra=IN_SUMMARY)
        if rec.manifest.get(HIDDEN_SET_SINCE):
            log.info("%s", hides_kept_said(rec.manifest[HIDDEN_SET_SINCE], catalog.report.table_name,
                                           written_ids(rec.manifest)), extra=IN_SUMMARY)
        if edits_kept:
            log.info("%s", edits_said(edits_kept, written_ids(rec.manifest)), extra=IN_SUMMARY)
        for said in [*edits_dropped, *edited_during]:
            log.warning("%s", said)
        if replaced_ids:
            log.warning("products %s, added to the previous index, are now rows of the catalogue under the same "
                        "ids: the catalogue's rows replace them", ", ".join(map(str, replaced_ids[:20])))
        log.info("indexed %d items in %.1f s -> %s", len(items) + len(carried), time.perf_counter() - t0, out_dir,
                 extra=IN_SUMMARY)
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
            raise BadInputError(f"index_dim (--index-dim) must be 0 (full embeddings) or between 1 and {min(d - 1, n)} "
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

        uri = IndexBuilding._milvus_uri(out_dir, uri)
        # A new collection per build: the old index keeps serving until the new folder replaces it.
        name = re.sub(r"\W", "_", f"fashionrec_{out_dir.name}_{_dt.datetime.now(_dt.UTC):%Y%m%d%H%M%S%f}")
        index_type = {"auto": "auto", "flat": "FLAT", "hnsw": "HNSW"}[kind]
        index = MilvusIndex(dim, uri, name, token=token, index_type=index_type, expected_count=count)
        try:
            # The folder the collection takes changes from: not a copy of it (MilvusIndex.check_changed_from).
            index.claim(out_dir)
        except BaseException:
            index.drop()
            raise
        return index

    @staticmethod
    def _milvus_uri(out_dir: Path, uri) -> str | Path:
        """Where a build's Milvus collection goes: ``uri``, or the Milvus Lite file beside the folder."""
        return uri or out_dir.with_name(f"{out_dir.name}.milvus.db")


def _left_out_why(catalog: Catalog) -> dict:
    """``{"left_out_why": {id: why}}`` of the catalogue's rows left out of an index for their photo, where the reason
    is more than the photo folder's lacking <id>.jpg (which the message says from the id: ItemTables), {} where none
    is: the 40k catalogue's 4,716 rows without a photo are all that plain one, and the manifest is read often."""
    from fashionrec.catalog import NO_IMAGE

    table = catalog.table
    left = table[(table["image_status"] != "ok") & (table["image_reason"] != NO_IMAGE)]
    why = {str(int(i)): reason if "images/" in reason else f"{path}: {reason}"
           for i, path, reason in zip(left["id"], left["image_path"], left["image_reason"], strict=True)}
    return {"left_out_why": why} if why else {}


def variations_of(catalog: Catalog) -> dict[str, int]:
    """{a folded line's own id: its product's} (a WooCommerce variation's ID: its Parent's), as the manifest's
    :data:`~fashionrec.catalog.VARIATIONS` keeps them (JSON keys are text)."""
    return {str(own): int(product) for product, owns in catalog.report.variations_folded.items() for own in owns}


def _rejected_rows(catalog: Catalog) -> dict[str, str]:
    """{id: "line N: why"} of the catalogue's rejected rows whose id field is a whole number ("23494", or a
    spreadsheet's "2.3494E+4", rejected as no integer: asking for 23494 says so, not "no product")."""
    out = {}
    for row in catalog.report.rows_rejected:
        try:
            number = float(row.id_field)
        except ValueError:
            continue
        if number.is_integer() and 0 < number < 2**63:
            out.setdefault(str(int(number)), f"line {row.line}: {row.reason}")
    return out


def _previous_ids(index_dir: Path) -> tuple[int, set[int], set[int]]:
    """(the highest id the index at ``index_dir`` has handed out, the ids of catalogue products that left it:
    their rows at a rebuild before, or taken out by `index remove` or the API since, the ids of all it had taken
    out): 0 and none where there is none to read; a manifest that cannot be read is said, as ids removed from
    that index could then be handed out again, and links to products that left before said to be wrong."""
    path = index_dir / "manifest.json"
    if not path.is_file():
        return 0, set(), set()
    try:
        manifest = read_json(path)
        # A product taken out and then its row deleted, the way to end one for good, left too (a code review).
        left = [*(manifest.get("left_catalogue_ids") or []), *catalogue_removals(manifest)]
        return (int(manifest.get("highest_id") or 0), set(map(int, left)),
                set(map(int, manifest.get("removed_ids") or [])))
    except (OSError, ValueError, TypeError, AttributeError) as e:
        log.warning("cannot read the highest id %s handed out (%s): ids of products removed from it may be "
                    "handed out again, and products that left the catalogue before are no longer told from ids "
                    "it never had", path, e)
        return 0, set(), set()


def added_since_build(items: pd.DataFrame) -> pd.Series:
    """Per product of an index's ``items``, whether it was added since the build (`index add`, the API): its
    photo is kept in the index folder, under a path relative to it; a catalogue product's is absolute."""
    # Not a string: a row cut short (said by `index check`, item_tables.cut_short_rows), taken for no added product:
    # under pandas 3 ``astype(str)`` kept its NaN, and Path(NaN) stopped `index check` and `index build` (a review).
    return items["image_path"].map(lambda p: isinstance(p, str) and p != "nan" and not Path(p).is_absolute()
                                   ).astype(bool)


def _added_products(index_dir: Path,
                    catalogue_ids: set[int]) -> tuple[list[tuple[dict, Image.Image, Path]], list[int]]:
    """((metadata, photo, its file) of each product added to the index at ``index_dir`` since its build, whose photo
    is in its ``images/``; the ids of those the catalogue being indexed now has rows for), read before a
    rebuild replaces the folder. A folder too damaged to read gives none, with a warning."""
    if not (index_dir / INDEX_MARKER).is_file() or not (index_dir / "items.csv").is_file():
        return [], []
    try:
        items = current_items(index_dir)   # its last generation's
        added = items[added_since_build(items)]
        rows = added.to_dict("records")
        ids = [int(row["id"]) for row in rows]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, pd.errors.ParserError, FashionrecError) as e:
        log.warning("cannot read which products were added to %s (%s: %s); a rebuild keeps none of them",
                    index_dir, type(e).__name__, e)
        return [], []
    try:        # the ids as the shop sent them ("0038645"), kept through the rebuild (stop 69)
        written = read_json(index_dir / "manifest.json").get(IDS_AS_WRITTEN) or {}
    except (OSError, ValueError, AttributeError, FashionrecError):
        written = {}
    out, replaced = [], []
    for row, item_id in zip(rows, ids, strict=True):
        if item_id in catalogue_ids:
            replaced.append(item_id)       # the catalogue's row under that id wins
            continue
        # (and where its colour was read from, stop 74: kept through the rebuild)
        metadata = {c: plain(row.get(c)) for c in [*COLUMNS, PRICE, REGULAR_PRICE, STOCK, COLOUR_FROM]
                    if plain(row.get(c)) is not None}
        if written.get(str(item_id)):
            metadata[ID_AS_WRITTEN] = written[str(item_id)]
        photo = index_dir / str(row["image_path"])
        try:
            image = open_rgb(photo)
        except (OSError, ValueError) as e:
            raise VectorIndexError(f"{index_dir} holds product {item_id}, added after it was built, but its photo "
                              f"{row['image_path']} cannot be read ({e}); a rebuild would lose that product: "
                              "restore the photo, or build into another --out") from e
        out.append((metadata, image, photo))
    return out, replaced


def shop_currency(named: str | None, before: dict | None, catalog: Catalog) -> tuple[str, bool]:
    """(the currency an index's prices are in, whether the shop named it) (stop 65): ``named`` (``index build
    --currency``) where given, "" for none; else the one the index rebuilt (``before``, its manifest) was named;
    else the symbol ``catalog``'s prices were written with (``DataReport.price_currency``), "" where they had
    none. A BadInputError for a currency that is no short symbol or code."""
    if named is not None:
        named = named.strip()
        if len(named) > 5 or re.search(r"\d", named):
            raise BadInputError(f"--currency is the symbol or short code a card writes before a price, such as ₹, $, "
                                f"Rs. or EUR (at most 5 characters, no digits), not {named!r}")
        return named, True
    if before and before.get("currency_named"):
        return str(before.get(CURRENCY) or ""), True
    return catalog.report.price_currency, False


def _replaced_manifest(out_dir: Path) -> dict | None:
    """The manifest of the index a build replaces, read once for its checks; None where there is none, or it
    cannot be read (said: it would hide which catalogue the folder was the index of)."""
    try:
        before = read_json(out_dir / "manifest.json")
        if not isinstance(before, dict):
            raise ValueError(f"a JSON {type(before).__name__}, not an object")
        return before
    except FileNotFoundError:
        return None     # no index there yet
    except (OSError, ValueError) as e:
        log.warning("cannot read which catalogue %s was the index of (%s: %s); it is replaced", out_dir,
                    type(e).__name__, e)
        return None


def _check_same_catalogue(out_dir: Path, before: dict | None, catalog: Catalog, added: list[int]) -> bool:
    """Refuse to replace an index of another catalogue (another folder and another styles.csv) holding products
    added since its build: they would be carried into this catalogue's index, and lost to their own (an ML
    engineer's trial built a second shop into the default ``runs/index`` and got the first shop's additions in
    it, without a word). Without such products, a warning: the folder still said which catalogue it was.
    ``before``: its manifest (:func:`_replaced_manifest`). False where it was another catalogue's (its products
    did not leave this one)."""
    if before is None:
        return True     # no index there yet, or one whose manifest cannot be read (said)
    was, sha = before.get("data_dir"), before.get("styles_sha256")
    here = Path(catalog.root).resolve()
    if not was or Path(was) == here or not sha or sha == styles_sha256(catalog.root):
        return True     # the same catalogue, moved or updated
    if added:
        raise BadInputError(f"{out_dir} is the index of another catalogue ({was}) and holds {len(added)} "
                            f"product{'s' if len(added) != 1 else ''} added to it since its build (ids "
                            f"{first_few(added, 10)}); building {here} there would move "
                            f"{'them' if len(added) != 1 else 'it'} into this catalogue's index: build into another "
                            "--out, or move that folder away first")
    log.warning("%s was the index of another catalogue (%s); it is replaced by %s's", out_dir, was, here)
    return False


def _check_replacing(out_dir: Path, before: dict | None, previous: pd.DataFrame | None, catalog: Catalog,
                     tagger: Tagger, allow_shrink: bool) -> None:
    """Refuse to replace an index with one of under :data:`SHRINK_REFUSED_BELOW` of its products unless
    ``allow_shrink`` (an operator's trial: a styles.csv cut to 5 rows replaced a 400-product index without a word,
    and the server serving it followed); say where the model changes (the trial's other model, 4.8% accurate,
    went live without a word). ``before``: its manifest (:func:`_replaced_manifest`); ``previous``: its items."""
    if previous is None or before is None:
        return      # none there, or said by _added_products and _replaced_manifest
    count = int((~added_since_build(previous)).sum())      # the catalogue's: the added ones are carried over
    usable = len(catalog.usable)
    # Another catalogue's folder is the user's choice (`FASHIONREC_DATA=other bash scripts/main.sh`; said by
    # _check_same_catalogue); the same folder with far fewer rows is a styles.csv cut short.
    same_folder = str(before.get("data_dir") or "") == str(Path(catalog.root).resolve())
    if same_folder and not allow_shrink and usable < SHRINK_REFUSED_BELOW * count:
        raise BadInputError(f"{catalog.root} has {usable:,} usable products where the index at {out_dir} holds "
                            f"{count:,} of it: a {catalog.report.table_name} cut short would take {count - usable:,} "
                            "products out of "
                            f"the index (and out of a server serving it). Check the catalogue with `fashionrec data "
                            f"check {catalog.root}`; to replace the index anyway pass --allow-shrink (Python: "
                            "allow_shrink=True; scripts/main.sh: FASHIONREC_ALLOW_SHRINK=1), or build into another "
                            "--out")
    was = before.get("model") if isinstance(before.get("model"), dict) else {}
    if was.get("sha256") and tagger.sha256 and was["sha256"] != tagger.sha256:
        log.warning("%s was built by model %s (weights %s..., %s); this build uses %s (weights %s..., %s): every "
                    "product is embedded and tagged again, and a server serving the folder serves the new model "
                    "unless it was started with --model", out_dir, was.get("name"), was["sha256"][:12],
                    _accuracy_said(was), tagger.name, tagger.sha256[:12], _accuracy_said(tagger.meta))


def _accuracy_said(described: dict) -> str:
    """A model's recorded article-type accuracy, as a warning can put it ("test top-1 0.903", "val top-1 0.048")."""
    for split in ("test", "val"):
        scores = described.get(split)
        if isinstance(scores, dict) and isinstance(scores.get("accuracy"), (int, float)):
            return f"{split} top-1 {scores['accuracy']:.3f} on {scores.get('n', '?')} photos"
    return "no accuracy recorded"


def _previous_items(index_dir: Path) -> pd.DataFrame | None:
    """The id, photo path and name of each product of the index a build replaces, read once for the checks;
    None where there is none (or it cannot be read: said by :func:`_added_products`)."""
    try:
        items = current_items(index_dir)   # its last generation's
        items = items[[c for c in items.columns if c in ("id", "image_path", "productDisplayName")]]
        return items if {"id", "image_path"} <= set(items.columns) else None
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError, FashionrecError):
        return None


def _check_added_kept(out_dir: Path, previous: pd.DataFrame | None, catalog: Catalog) -> None:
    """Refuse to let a catalogue row replace a product added to the index since its build under the same id where
    their names differ: the index hands out the next id, which is where a shop numbers its new rows too (an
    operator's re-trial: row 70041 of styles.csv replaced a watch added through the API, with one warning line).
    Under the same name it is taken for the same product, moved into styles.csv, and replaced as before."""
    if previous is None or not {"id", "image_path", "productDisplayName"} <= set(previous.columns):
        return      # none there, or said by _added_products
    added = previous[added_since_build(previous)].set_index("id")["productDisplayName"]
    rows = catalog.usable.set_index("id")["productDisplayName"]
    same_id = added.index.intersection(rows.index)

    def plain_name(name) -> str:
        return " ".join(str(name).casefold().split()) if isinstance(name, str) else ""

    clash = [int(i) for i in same_id if plain_name(added[i]) != plain_name(rows[i])]
    if clash:
        table = catalog.report.table_name
        said = "; ".join(f"{i}: {added[i]!r} added, {rows[i]!r} in {table}" for i in clash[:5])
        raise BadInputError(f"{len(clash)} product{'s' if len(clash) != 1 else ''} added to the index at {out_dir} "
                            f"since its build {'have' if len(clash) != 1 else 'has'} the id of a new row of "
                            f"{Path(catalog.root) / table} with another "
                            f"name ({said}{' ...' if len(clash) > 5 else ''}): the rebuild would replace "
                            f"{'them' if len(clash) != 1 else 'it'} with the row. Give the rows other ids in "
                            f"{table}; or, where they are the same products, pass --replace-added (Python: "
                            "replace_added=True)")


def index_backend(index_dir: str | Path) -> str:
    """Which backend an index folder was built with (``faiss`` or ``milvus``)."""
    path = Path(index_dir) / INDEX_MARKER
    if not path.exists():
        raise VectorIndexError(f"no index at {index_dir} (vectors.json missing); run `fashionrec index build` first")
    return read_meta(path).get("backend", "faiss")


def _milvus_meta(index_dir: Path) -> dict | None:
    """The ``vectors.json`` of an existing Milvus index folder (None for FAISS or no folder)."""
    path = index_dir / "vectors.json"
    if not path.exists():
        return None
    meta = read_json(path)
    return meta if isinstance(meta, dict) and meta.get("backend") == "milvus" else None


def _kept_by_faiss(index_dir: Path) -> dict | None:
    """The Milvus collection a FAISS index folder kept from the Milvus build before it (its uri, collection, dim:
    ``previous_milvus`` in ``manifest.json``; a Milvus folder names it under ``previous`` in ``vectors.json``);
    None if none."""
    manifest = index_dir / "manifest.json"
    return read_json(manifest).get("previous_milvus") if manifest.is_file() else None


def _in_place(out_dir: Path, build_id: str) -> bool:
    """Whether the folder at ``out_dir`` is the one build ``build_id`` wrote (it has replaced the one before)."""
    try:
        return read_json(out_dir / "manifest.json").get("build_id") == build_id
    except (OSError, ValueError, AttributeError):
        return False


def _readable(read, index_dir: Path) -> dict | None:
    """``read(index_dir)``, or None where the folder's files cannot be read: said, as a rebuild gets past a
    damaged index (a Milvus collection it named may then be left behind)."""
    try:
        return read(index_dir)
    except (OSError, ValueError, TypeError, AttributeError) as e:
        log.warning("cannot read which Milvus collections %s uses (%s): one may be left behind", index_dir, e)
        return None


def _drop_replaced(meta: dict | None, new_index, token: str | None, out_dir: Path) -> None:
    """Drop a Milvus collection that the rebuild of ``out_dir`` has made obsolete (``meta``: its uri, collection,
    dim); not where it is another folder's, of which ``out_dir`` was a copy (rebuilt to give the copy a collection
    of its own, it dropped the other folder's vectors a generation later)."""
    if meta is None or (getattr(new_index, "collection", None) == meta["collection"]
                        and getattr(new_index, "uri", None) == meta["uri"]):
        return
    from fashionrec.index.milvus_index import connect, held_elsewhere

    try:
        same = getattr(new_index, "uri", None) == meta["uri"]
        # the same deployment: reuse the open connection
        client = new_index.client if same else connect(meta["uri"], token, must_exist=True)[1]
        try:
            if client.has_collection(meta["collection"]):
                owner = held_elsewhere(client, meta["collection"], out_dir)
                if owner is None:
                    client.drop_collection(meta["collection"])
                else:
                    log.info("kept the Milvus collection %s at %s: the index folder %s uses it", meta["collection"],
                             meta["uri"], owner)
        finally:
            if not same:
                client.close()
    except Exception as e:      # the new index is in place; an old collection left behind is only space
        # With how to drop it later: no later build does, as the folder no longer names it (a scale-out trial).
        log.warning("could not drop the replaced Milvus collection %s at %s (%s); it takes space until dropped: "
                    "once nothing uses it, python -c \"from pymilvus import MilvusClient; "
                    "MilvusClient(uri=%r).drop_collection(%r)\"", meta["collection"], meta["uri"],
                    str(e).splitlines()[0][:200] if str(e) else type(e).__name__, meta["uri"], meta["collection"])
