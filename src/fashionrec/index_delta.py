"""An index folder's small generations: an add or remove saves the rows it changed beside the base files, not the
base files anew (stop 65).

A save rewrote ``embeddings.npy`` (407 MB at 40k products), ``text_embeddings.npy`` (61 MB) and ``items.csv``
(11 MB) for each product added or removed: 5-7 s of a warm 11-13 s add (docs/history.md, stop 64). Now the base
files stay as the build, or the last full save, wrote them, and a save writes generation ``G`` beside them:

* ``delta.G.csv``: the rows of ``items.csv`` added since the base, under the base's header;
* ``delta.G.npz``: their ``ids``, ``embeddings`` and ``text_embeddings``, and the ids of the base rows ``removed``;
  and (stop 68) ``stock_ids`` and ``stock_levels``: each product whose stock level is not the one those CSV files
  give it (a base row's set by ``index stock`` since, NaN for none; or every level, where the base has no stock
  column), applied by a load over them.

The manifest's ``"delta"`` names them (with their sha256, the base's row count and the sha256 of its
``items.csv``) and stays the commit point: the files of a generation have names of their own, so the old manifest
keeps its files whole until the new one moves in, and the old generation is deleted only after. A load reads the
base, drops its removed rows and appends the delta's: the same rows, in the same order, as a full save of the same
state writes. A save writes the folder in full ("compacts" it) where the delta would pass :data:`MAX_ROWS` rows or
:data:`MAX_SHARE` of the base, where the items' columns are no longer the base's (a first price; not a first stock
level, which the generation's stock arrays hold), where the base's embeddings are memory-mapped and rows were added
or removed (a load would copy them all into memory to append the delta) and where asked (`index build`, `index add
FOLDER`).

A stock change wrote the folder in full (539 MB at 40k, 2.8 s, stop 67): a generation held added rows only, so a
changed level of a base row would have been lost. Now it is a generation of the levels alone (stop 68).

An edit (``fashionrec index edit``, ``PATCH /api/items/{id}``, stop 74) wrote the folder in full too: 534 MB, 17-24 s
through the CLI and 29-31 s through a server's PATCH at 40k, for one changed row (stop 75). Now a generation holds the
base rows edited since (:attr:`Base.edited`): after its added rows, ``delta.G.csv`` has each edited base row as it
is now, and ``delta.G.npz`` their ``edited_ids`` and ``edited_text_embeddings`` (an edit keeps the photo embedding),
which a load puts in place of the base's rows.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fashionrec.artifacts import read_json
from fashionrec.errors import FashionrecError, VectorIndexError
from fashionrec.stock import STOCK, levels_of

log = logging.getLogger(__name__)

# Rows added plus base rows removed past which a save writes the folder in full: a load's copy of the delta and a
# save's rewrite of it stay small (10 MB of arrays at 1,000 rows of 2,560 + 384 floats).
MAX_ROWS = 1000
MAX_SHARE = 0.05
# Embeddings larger than this are memory-mapped by a load (Recommender._load_files), not read into memory.
MMAP_ABOVE = 2**30


def read_items(source) -> pd.DataFrame:
    """``items.csv`` (a path or a file object) as every reader of an index reads it."""
    # low_memory=False: one pass, so a hand-edited id is said by the load, not in pandas' DtypeWarning first
    return pd.read_csv(source, keep_default_na=False, na_values=[""], low_memory=False)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@dataclass
class Base:
    """The base files a loaded (or fully saved) index holds, as a save needs them to write only what changed."""

    ids: np.ndarray                 # (n,) int64: the base's item ids, in row order
    columns: tuple                  # the base items.csv's columns
    items_sha256: str | None        # of its items.csv; None: not read yet (read from the folder at the first delta)
    mapped: bool                    # its embeddings are memory-mapped by a load: a delta of stock levels only
    # (n,) float64: the stock level of each base row as its items.csv gives it (NaN for none); None: no stock column
    stock: np.ndarray | None = None
    # The ids of base rows whose values (items.csv's row, text embedding) an edit changed since the base files were
    # written: each generation holds them all, as it holds every stock level set since (a load of the last one alone
    # must give the folder's state).
    edited: set[int] = field(default_factory=set)


@dataclass
class Delta:
    """What a save writes as a generation: ``items`` rows from ``first`` on are added; ``removed`` base ids."""

    first: int
    removed: np.ndarray
    edited: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))    # base ids whose rows changed


def base_stock(items: pd.DataFrame) -> np.ndarray | None:
    """The stock levels of a base items.csv's rows as a load reads them (NaN for none); None without the column."""
    return levels_of(items[STOCK]) if STOCK in items else None


def same_levels(a, b):
    """Elementwise: the same stock level, NaN (none) being the same as NaN (arrays, or two floats). The one
    comparison of levels (a generation's changes, a rebuild's levels set since, a batch's level given twice)."""
    return (a == b) | (np.isnan(a) & np.isnan(b))


def stock_changes(base: Base, items: pd.DataFrame, ids: np.ndarray, first: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids (int64), levels (float64, NaN for none)) of the rows of ``items`` (ids ``ids``; rows from ``first`` on
    added since ``base``) whose stock level is not the one a generation's CSV files give them: a base row's level
    changed since, or, where the base has no stock column (a generation's CSV has the base's columns), an added
    row's level."""
    if STOCK not in items:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    now = levels_of(items[STOCK])
    written = np.full(len(now), np.nan)
    if base.stock is not None:
        written[:first] = base.stock[np.isin(base.ids, ids)]    # the kept base rows, in order (delta_of checked)
        written[first:] = now[first:]       # added rows: their level is in the generation's CSV
    changed = ~same_levels(now, written)
    return np.asarray(ids[changed], np.int64), now[changed]


def delta_names(generation: int) -> tuple[str, str]:
    return f"delta.{generation}.csv", f"delta.{generation}.npz"


def delta_of(base: Base | None, ids: np.ndarray, columns: tuple) -> Delta | None:
    """The :class:`Delta` that takes ``base`` to the items ``ids`` (in row order) with ``columns``; None where a
    save must write the folder in full: no base known, other columns, a memory-mapped base, rows not in the order
    a load of base + delta puts them (a removed base id added again), or a delta past the limits. Which of them
    is logged (INFO): a full save of 40k products takes seconds where a delta takes a fraction of one, and an add
    that took them said nothing of why (stop 67)."""
    if base is None:        # (no base files read: a build, which writes in full anyway)
        return None
    why = ""
    # A first stock level (``index stock`` on an index built without levels) is held by the generation's stock
    # arrays, its CSV having the base's columns.
    same_columns = tuple(columns) in (tuple(base.columns), (*base.columns, STOCK))
    if base.mapped and (len(ids) != len(base.ids) or not np.array_equal(ids, base.ids) or not same_columns):
        # (Where no row was added or removed, the load maps the base's embeddings as ever: stock levels alone.)
        why = "its embeddings are memory-mapped"
    elif not same_columns:
        why = (f"its items' columns changed ({', '.join(sorted(set(columns) ^ set(base.columns))) or 'their order'}"
               ")")
    else:
        kept = np.isin(base.ids, ids)
        first = int(kept.sum())
        removed = base.ids[~kept]
        # (an edited row removed since is a removal alone)
        edited = np.array(sorted(base.edited), np.int64)
        edited = edited[np.isin(edited, base.ids[kept])]
        changed = len(ids) - first + len(removed) + len(edited)
        limit = min(MAX_ROWS, MAX_SHARE * len(base.ids))
        if not np.array_equal(ids[:first], base.ids[kept]) or np.isin(ids[first:], base.ids).any():
            why = "a product removed from its base files was added again"
        elif changed > limit:
            why = (f"{changed:,} rows changed since its base files, past {limit:,.0f} ({MAX_ROWS:,} rows or "
                   f"{MAX_SHARE:.0%} of its {len(base.ids):,}, the fewer)")
        else:
            return Delta(first, removed, edited)
    log.info("saving the index in full, not as a generation of the changed rows: %s", why)
    return None


def write_delta(stage: Path, generation: int, delta: Delta, items: pd.DataFrame, ids: np.ndarray,
                embeddings: np.ndarray, text_embeddings: np.ndarray, base: Base, base_items_sha256: str) -> dict:
    """Write ``delta``'s files of ``generation`` into ``stage``; returns the manifest's ``"delta"`` record."""
    csv_name, npz_name = delta_names(generation)
    first = delta.first
    # The edited base rows after the added ones, as they are now (all below ``first``: delta_of kept those alone).
    edited_rows = pd.Index(ids).get_indexer(delta.edited)
    # Under the base's header (a first stock level is in the stock arrays: stock_changes).
    rows = np.concatenate([np.arange(first, len(ids)), edited_rows])
    items.iloc[rows][list(base.columns)].to_csv(stage / csv_name, index=False)
    stock_ids, stock_levels = stock_changes(base, items, ids, first)
    with open(stage / npz_name, "wb") as f:
        np.savez(f, ids=ids[first:], embeddings=np.asarray(embeddings[first:], np.float32),
                 text_embeddings=np.asarray(text_embeddings[first:], np.float32), removed=delta.removed,
                 stock_ids=stock_ids, stock_levels=stock_levels, edited_ids=delta.edited,
                 edited_text_embeddings=np.asarray(text_embeddings[edited_rows], np.float32))
    return {"generation": generation, "base_rows": len(base.ids), "base_items_sha256": base_items_sha256,
            "rows": len(ids) - first, "removed": len(delta.removed), "stock": len(stock_ids),
            "edited": len(delta.edited), "files": {name: file_sha256(stage / name) for name in (csv_name, npz_name)}}


def _inconsistent(index_dir: Path, why: str) -> VectorIndexError:
    return VectorIndexError(f"index {index_dir} is inconsistent: {why}; rebuild it (`fashionrec index build`)")


def read_files(index_dir: Path, manifest: dict, read: Callable, items_only: bool = False,
               mapped: bool = False) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, Base]:
    """The items, embeddings and text embeddings the folder's version ``manifest`` names (its base files, with its
    delta applied), and its :class:`Base`; ``read(name, how)`` opens a file, saying a damaged one by its name.
    ``items_only``: the items alone (None for the arrays and the base), as :func:`current_items` reads them: the
    407 MB of embeddings at 40k were read for a list of the stock levels (stop 69). ``mapped``: the base's arrays
    memory-mapped (read-only) at any size, for a load that answers a query or two and saves nothing (a CLI
    ``recommend`` verb): it read all 447 MB at 40k from the disk for the few rows a query looks at (stop 75)."""
    def embeddings_of(path: Path) -> np.ndarray:
        # Above 1 GB memory-mapped: queries read only their candidates' rows (5 GB of 1280-d vectors at
        # 1M products); below, in memory, where a query's row reads cost less (0.7 ms at 40k, measured).
        return np.load(path, mmap_mode="r" if mapped or path.stat().st_size > MMAP_ABOVE else None)

    def texts_of(path: Path) -> np.ndarray:
        # In memory for a server's load: an edit writes over its rows in place (below, and CatalogueEdits).
        return np.load(path, mmap_mode="r" if mapped else None)

    record = manifest.get("delta")
    if not record:
        items = read("items.csv", read_items)
        if items_only:
            return items, None, None, None
        embeddings = read("embeddings.npy", embeddings_of)
        base = Base(_whole_ids(items), tuple(items.columns), None, isinstance(embeddings, np.memmap),
                    base_stock(items))
        return items, embeddings, read("text_embeddings.npy", texts_of), base
    files = record.get("files") or {}
    csv_name, npz_name = delta_names(int(record["generation"]))
    raw = read("items.csv", Path.read_bytes)
    if sha256(raw) != record.get("base_items_sha256"):
        # A compaction moving its files in (the load reads again once its manifest is in), or a file replaced.
        raise _inconsistent(index_dir, f"its items.csv is not the one its manifest's generation "
                                       f"{record['generation']} was saved over")
    added = read(csv_name, Path.read_bytes)
    arrays = read(npz_name, Path.read_bytes)
    for name, data in ((csv_name, added), (npz_name, arrays)):
        if sha256(data) != files.get(name):
            raise _inconsistent(index_dir, f"{index_dir / name} is not the file its manifest names (damaged?)")
    header, _, rows = added.partition(b"\n")
    if header != raw.partition(b"\n")[0]:
        raise _inconsistent(index_dir, f"{index_dir / csv_name} has other columns than its items.csv")
    # One text read as one file: the columns' types as a full save's items.csv gives them.
    items = read_items(io.BytesIO(raw + (b"" if raw.endswith(b"\n") else b"\n") + rows))
    with np.load(io.BytesIO(arrays)) as npz:
        # (stock_*: a generation saved before stop 68 has none; edited_*: one saved before stop 75)
        delta = {k: npz[k] for k in ("ids", "embeddings", "text_embeddings", "removed", "stock_ids", "stock_levels",
                                     "edited_ids", "edited_text_embeddings") if k in npz.files}
    base_rows = int(record["base_rows"])
    edited_ids = np.asarray(delta.get("edited_ids", np.zeros(0, np.int64)), np.int64)
    added = len(delta["ids"])
    if len(items) - added - len(edited_ids) != base_rows or not (
            added == len(delta["embeddings"]) == len(delta["text_embeddings"])) or len(edited_ids) != len(
            delta.get("edited_text_embeddings", ())):
        raise _inconsistent(index_dir, f"its items.csv holds {len(items) - added - len(edited_ids)} rows, its "
                                       f"manifest says {base_rows}")
    base = Base(_whole_ids(items.iloc[:base_rows]), tuple(items.columns), record["base_items_sha256"], False,
                base_stock(items.iloc[:base_rows]), set(edited_ids.tolist()))
    if len(edited_ids):
        items = _with_edited_rows(index_dir, items, base, added, edited_ids)
    kept = ~np.isin(base.ids, delta["removed"])
    items = items[np.concatenate([kept, np.ones(len(delta["ids"]), bool)])].reset_index(drop=True)
    if len(delta.get("stock_ids", ())):
        items = _with_stock(index_dir, items, delta["stock_ids"], delta["stock_levels"])
    if items_only:
        return items, None, None, None
    gone = np.flatnonzero(~kept)
    if not len(gone) and not len(delta["ids"]):
        # Stock levels and edits alone (or nothing): the base's arrays as a load without a generation reads them,
        # mapped where large (a stock change on a memory-mapped base: delta_of).
        embeddings = read("embeddings.npy", embeddings_of)
        base.mapped = isinstance(embeddings, np.memmap)
        # (an edited row is written over below: that needs them in memory)
        text_embeddings = read("text_embeddings.npy", np.load if len(edited_ids) else texts_of)
        for name, arr in (("embeddings.npy", embeddings), ("text_embeddings.npy", text_embeddings)):
            if len(arr) != base_rows:
                raise _inconsistent(index_dir, f"its {name} holds {len(arr)} rows, its manifest says {base_rows}")
    else:
        embeddings = read("embeddings.npy", lambda p: _rows_and_after(p, base_rows, gone, delta["embeddings"]))
        text_embeddings = read("text_embeddings.npy", lambda p: _rows_and_after(p, base_rows, gone,
                                                                                delta["text_embeddings"]))
    if len(edited_ids):     # (text embeddings are read into memory, never mapped: written over in place)
        text_embeddings[pd.Index(_whole_ids(items)).get_indexer(edited_ids)] = delta["edited_text_embeddings"]
    return items, embeddings, text_embeddings, base


def _with_edited_rows(index_dir: Path, items: pd.DataFrame, base: Base, added: int,
                      edited_ids: np.ndarray) -> pd.DataFrame:
    """``items`` (the base's rows, the added ones, then the edited base rows as a generation's CSV gives them) with
    each edited row put in place of its base row, as a full save of the same state reads back."""
    base_rows = len(base.ids)
    edited = items.iloc[base_rows + added:]
    rows = pd.Index(base.ids).get_indexer(edited_ids)
    if (rows < 0).any() or not np.array_equal(_whole_ids(edited), edited_ids):
        raise _inconsistent(index_dir, "its generation edits products its base files do not hold")
    items = items.iloc[:base_rows + added].copy()
    for at, column in enumerate(items.columns):     # column by column: each keeps its type (one CSV read)
        items.iloc[rows, at] = edited[column].to_numpy()
    return items


def _with_stock(index_dir: Path, items: pd.DataFrame, ids: np.ndarray, levels: np.ndarray) -> pd.DataFrame:
    """``items`` with the stock levels of a generation's ``ids`` set to ``levels``, as a full save of them reads
    back: a float64 column (NaN for none), after the others where the base had none (as ``set_stock`` adds it)."""
    rows = pd.Index(_whole_ids(items)).get_indexer(np.asarray(ids, np.int64))
    if (rows < 0).any() or len(rows) != len(levels):
        raise _inconsistent(index_dir, "its generation sets the stock of products it does not hold")
    column = levels_of(items[STOCK]) if STOCK in items else np.full(len(items), np.nan)
    column[rows] = levels
    return items.assign(**{STOCK: column})


def _rows_and_after(path: Path, rows: int, gone: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The ``.npy`` array at ``path`` (``rows`` rows, else ValueError) without its rows ``gone`` (sorted), with
    ``after`` appended: read straight into one array, as a load without a generation reads the file (np.load, then
    np.concatenate, took a second copy of 468 MB and twice the memory at 40k)."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(f)
        if fortran or dtype.hasobject or len(shape) != 2 or shape[0] != rows or after.shape[1:] != shape[1:]:
            raise ValueError(f"{shape} {dtype} array, where {rows} rows of {after.shape[1:]} were expected")
        out = np.empty((rows - len(gone) + len(after), shape[1]), dtype)
        start, width, row, filled = f.tell(), shape[1] * dtype.itemsize, 0, 0
        for stop in [*gone.tolist(), rows]:     # each run of kept rows in one read
            if stop > row:
                f.seek(start + row * width)
                part = out[filled:filled + stop - row]
                if f.readinto(memoryview(part).cast("B")) != part.nbytes:
                    raise ValueError("cut short")
                filled += stop - row
            row = stop + 1
    out[filled:] = after
    return out


def _whole_ids(items: pd.DataFrame) -> np.ndarray:
    """The ids of ``items`` as int64; none where they are no whole numbers (said by the load's own check)."""
    ids = pd.to_numeric(items["id"], errors="coerce") if "id" in items else pd.Series([], dtype=float)
    return ids.to_numpy(np.int64) if len(ids) and ids.notna().all() else np.zeros(0, np.int64)


def current_items(index_dir: Path) -> pd.DataFrame:
    """The items of the folder as its manifest names them (its delta applied; items.csv alone where the manifest
    names none or cannot be read), for readers of the folder other than a load (a rebuild reading which products
    were added to the index it replaces)."""
    try:
        manifest = read_json(index_dir / "manifest.json")
    except (OSError, FashionrecError):
        manifest = {}
    if not isinstance(manifest, dict) or not manifest.get("delta"):
        return read_items(index_dir / "items.csv")
    return read_files(index_dir, manifest, lambda name, how: how(index_dir / name), items_only=True)[0]


def drop_other_generations(index_dir: Path, manifest: dict) -> None:
    """Delete the generation files the folder's manifest no longer names (the one it replaced, or one a process
    killed before deleting it left): only by the process that holds the change lock and has just saved."""
    named = set((manifest.get("delta") or {}).get("files") or {})
    for path in index_dir.glob("delta.*"):
        if path.name not in named and path.is_file():
            path.unlink(missing_ok=True)
