"""FAISS index: exact inner product for small catalogues, HNSW above a size threshold.

* ``flat``: ``IndexIDMap2(IndexFlatIP)`` — exact; brute force over 40k x 256 floats is ~1.3 ms.
* ``hnsw``: ``IndexIDMap2(IndexHNSWFlat(M=32, inner product))`` with ``efSearch`` chosen so that
  recall@10 against exact search is >= 0.95 (:meth:`FaissIndex.tune_ef_search`); a deeper top-k searches
  with efSearch of at least 2k.
* HNSW cannot delete a vector: a removal marks its ids deleted (``deleted`` in ``vectors.json``), which every
  search leaves out, and the graph is rebuilt without them only once they pass :data:`REBUILD_ABOVE` of it
  (rebuilt at each removal, the graph cost `index remove` 6.7 s of its 8.9 at 40k products, stop 62).
* ``auto`` picks ``flat`` below ``hnsw_threshold`` vectors at the first ``add`` (20k when d = 256, scaled by
  256 / d: :func:`~fashionrec.index.base.auto_kind`).
* A save beside a generation of the index folder (``over``, ``generation``: docs/history.md, stop 66) leaves
  ``vectors.faiss`` as it is and writes ``delta.G.faiss.npz``: the ids added since that file was written, in the
  order they went in, their vectors as the index holds them, and (flat) the ids of it removed. A load reads the
  file and makes the same changes again, an HNSW graph's adds one at a time from the random state a read starts
  with, as the process that saved made them: the same graph, byte for byte, as writing it whole would leave.

Filtered search never does "top-k then filter": the allowed ids go into the search itself as a
``faiss.IDSelectorBatch``, so k results come back whenever k allowed items exist. On HNSW a very
selective filter (few allowed items) is answered by exact search over just those items, which is both
faster and exact; if HNSW still returns fewer than k, the same exact fallback is used.

Example:
    >>> idx = FaissIndex(dim=256)
    >>> idx.add(ids, vectors)                                  # doctest: +SKIP
    >>> scores, found = idx.search(vectors[:1], k=10, filter_ids=np.array([3, 5, 8]))  # doctest: +SKIP
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from fashionrec.artifacts import file_identity, write_json, write_with
from fashionrec.errors import BadInputError, VectorIndexError
from fashionrec.index.base import HNSW_THRESHOLD, SINGLE_QUERY_BATCH, auto_kind, read_meta

log = logging.getLogger(__name__)

KINDS = ("auto", "flat", "hnsw")
INDEX_FILE = "vectors.faiss"
INDEX_META = "vectors.json"
# The share of an HNSW graph's vectors that may be deleted ones (kept out of searches by a selector) before a
# removal rebuilds the graph without them: a few dead ends a search walks past, for no rebuild per removal.
REBUILD_ABOVE = 0.1
# Ids added plus removed since ``vectors.faiss`` past which a save writes it whole (52 MB, 0.25-0.4 s at 40k): a load
# adds an HNSW graph's again one at a time, 0.8 s CPU for 1,000 at 39,730 x 256 (0.05 s for none; stop 66,
# /tmp/h66faiss/bench_faiss.py), so a quarter of that keeps a load's extra under 0.2 s.
MAX_DELTA = 250
# faiss's HNSW draws each added vector's level from a generator a read of the index starts at this seed
# (faiss/impl/HNSW.cpp): an index written whole starts there again, as a later load of it does.
HNSW_SEED = 12345


class DeltaMismatchError(VectorIndexError):
    """A folder's ``vectors.faiss`` or delta file is not the one its ``vectors.json`` names (damaged, or another
    save's): a loader that knows the folder says how to rebuild it (Recommender._load_files)."""


def delta_file(generation: int) -> str:
    """The name of the vector index's part of an index folder's generation ``generation``."""
    return f"delta.{generation}.faiss.npz"


def _id_map(index: faiss.Index) -> np.ndarray:
    """(n,) int64: the ids of an ``IndexIDMap2``'s vectors, in the order they went in (deleted ones too)."""
    return faiss.vector_to_array(faiss.downcast_index(index).id_map).astype(np.int64)


def _ids_sha256(ids: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(ids, np.int64).tobytes()).hexdigest()


@dataclass
class _Base:
    """The ``vectors.faiss`` a save may write a delta over: which folder's file, its ids in order, the faiss index
    object those ids begin (a rebuilt graph is another object), and the file's identity when read or written."""

    folder: Path
    ids: np.ndarray
    index: object
    identity: tuple | None


def _write_index(index, path: Path) -> None:
    """``faiss.write_index``, a full disk raised as the OSError it is: faiss says it as a RuntimeError ("write error
    in ...: 2097107 != 5120000 (No space left on device)"), which a save's check for a full disk missed, so the API
    answered 500 "internal error (RuntimeError)" where the disk had room for the other files but not this one."""
    try:
        faiss.write_index(index, str(path))
    except RuntimeError as e:
        for code in (errno.ENOSPC, errno.EDQUOT):
            if f"({os.strerror(code)})" in str(e):
                raise OSError(code, os.strerror(code), str(path)) from e
        raise


class FaissIndex:
    """A :class:`~fashionrec.index.base.VectorIndex` on faiss; see the module docstring."""

    # FAISS stores no attributes: the caller turns attribute filters into ``filter_ids``.
    supports_where = False

    def __init__(self, dim: int, kind: str = "auto", hnsw_threshold: int = HNSW_THRESHOLD, m: int = 32,
                 ef_construction: int = 80, ef_search: int = 64, exact_below: int = 2_000):
        if kind not in KINDS:
            raise BadInputError(f"index kind {kind!r} is not one of {', '.join(KINDS)}")
        self.dim, self.requested_kind, self.hnsw_threshold = int(dim), kind, int(hnsw_threshold)
        self.m, self.ef_construction, self.ef_search = m, ef_construction, ef_search
        # A filter that allows fewer items than this is answered exactly (HNSW only).
        self.exact_below = exact_below
        self.kind: str | None = None if kind == "auto" else kind
        self._index: faiss.Index | None = None
        self._ids = np.zeros(0, np.int64)     # every id in the index, in insertion order
        # HNSW: ids removed but still in the graph (it cannot delete), left out of every search; not in ``_ids``.
        self._deleted = np.zeros(0, np.int64)
        # The selector of ``_deleted`` and what it reads (kept alive with it: swig does not), made once per set.
        self._not_deleted: tuple[np.ndarray, faiss.IDSelector, faiss.IDSelector] | None = None
        # The vectors.faiss a delta is saved over (None: not known, the next save writes the file whole), what the
        # last save wrote (adopted by :meth:`saved_in` once its files moved in), and the generation loaded or saved.
        self._base: _Base | None = None
        self._written: _Base | None = None
        # The generation whose delta the last save wrote (None: it wrote vectors.faiss whole), and that delta file's
        # sha256, for the folder's manifest to name (hashed once, from the bytes written: stop 68).
        self.generation_written: int | None = None
        self.written_sha256: str | None = None
        self.generation: int | None = None
        # The sha256 of the delta file a load read, checked against its bytes (None: none read), which the folder's
        # manifest must name too (Recommender._load_files): vectors.json alone could be another save's.
        self.delta_sha256: str | None = None

    # ---- building --------------------------------------------------------------------------
    def _make(self, kind: str) -> faiss.Index:
        if kind == "flat":
            inner = faiss.IndexFlatIP(self.dim)
        else:
            inner = faiss.IndexHNSWFlat(self.dim, self.m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = self.ef_construction
            inner.hnsw.efSearch = self.ef_search
        return faiss.IndexIDMap2(inner)

    def _check(self, vectors: np.ndarray) -> np.ndarray:
        v = np.ascontiguousarray(vectors, dtype=np.float32)
        if v.ndim != 2 or v.shape[1] != self.dim:
            raise BadInputError(f"vectors must be (n, {self.dim}) float32, got shape {v.shape}")
        return v

    def add(self, ids: np.ndarray, vectors: np.ndarray, attrs=None) -> None:
        """Add ``vectors`` (n, d) float32 under ``ids`` (n,) int64 (ids must not be in the index yet).

        ``attrs`` (per-vector attributes) is accepted for the protocol and ignored: FAISS keeps none.
        """
        v = self._check(vectors)
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if len(ids) != len(v):
            raise BadInputError(f"{len(ids)} ids for {len(v)} vectors")
        if len(np.unique(ids)) != len(ids) or np.isin(ids, self._ids).any():
            raise BadInputError("duplicate ids: every id may be added once (remove it first to replace it)")
        again = np.isin(ids, self._deleted)
        if again.any():
            # An id deleted from the graph comes back: as it was (a removal taken back), it is only no longer
            # deleted; with another vector, the graph is rebuilt without the deleted ones first (faiss would
            # hold the id twice).
            # (as it was: within float rounding, a projection of one row against the build's of all of them)
            if np.allclose(self.reconstruct(ids[again]), v[again], rtol=0, atol=1e-4):
                self._set_deleted(self._deleted[~np.isin(self._deleted, ids)])
                ids, v = ids[~again], v[~again]
                if not len(ids):
                    return
            else:
                self._rebuild_without_deleted()
        if self._index is None:
            if self.kind is None:
                self.kind = auto_kind(len(ids), self.dim, self.hnsw_threshold)
            self._index = self._make(self.kind)
        if self.kind == "hnsw" and self._base is not None and self._base.index is self._index:
            # A graph a delta may be saved over: one at a time, as a load makes the adds again (_apply_delta); a
            # batch goes in by level, in threads, and left another graph than the load's (stop 67, a review).
            for row in range(len(ids)):
                self._index.add_with_ids(v[row:row + 1], ids[row:row + 1])
        else:
            self._index.add_with_ids(v, ids)
        self._ids = np.concatenate([self._ids, ids])

    def remove(self, ids: np.ndarray) -> int:
        """Remove ``ids``; returns how many were present. HNSW cannot delete, so it is rebuilt."""
        return self.removal(ids)()

    def removal(self, ids: np.ndarray) -> Callable[[], int]:
        """Removing ``ids`` in two steps: the slow part now (an HNSW graph rebuilt without them, seconds at
        40k vectors), which only reads this index, so searches may go on meanwhile; and a function that
        makes the change and returns how many were present, quick enough to run while searches wait."""
        ids = np.asarray(ids, dtype=np.int64)
        present = np.isin(self._ids, ids)
        n = int(present.sum())
        if n == 0 or self._index is None:
            return lambda: 0
        if self.kind != "flat" and len(self._deleted) + n <= REBUILD_ABOVE * self._index.ntotal:
            def mark() -> int:
                self._set_deleted(np.concatenate([self._deleted, self._ids[present]]))
                return n
            return mark
        if self.kind == "flat":
            def commit() -> int:
                self._index.remove_ids(faiss.IDSelectorBatch(ids))
                self._ids = self._ids[~present]
                return n
            return commit
        keep = self._ids[~present]
        rebuilt = FaissIndex(self.dim, kind="hnsw", m=self.m, ef_construction=self.ef_construction,
                             ef_search=self.ef_search)
        if len(keep):
            rebuilt.add(keep, self.reconstruct(keep))

        def swap() -> int:
            self._index = rebuilt._index if rebuilt._index is not None else self._make("hnsw")
            self._ids, self._deleted = rebuilt._ids, np.zeros(0, np.int64)     # (rebuilt without those too)
            return n
        return swap

    def _set_deleted(self, deleted: np.ndarray) -> None:
        """Make ``deleted`` the ids the HNSW graph holds but no search returns; :attr:`ids` the graph's others, in
        the order they went in (a boolean filter is aligned with it)."""
        self._deleted = np.sort(np.asarray(deleted, np.int64))
        every = _id_map(self._index)
        self._ids = every[~np.isin(every, self._deleted)] if len(self._deleted) else every

    def _rebuild_without_deleted(self) -> None:
        """The HNSW graph built again of :attr:`ids` alone (seconds at 40k vectors)."""
        if len(self._deleted):
            keep = self._ids
            rebuilt = FaissIndex(self.dim, kind="hnsw", m=self.m, ef_construction=self.ef_construction,
                                 ef_search=self.ef_search)
            if len(keep):
                rebuilt.add(keep, self.reconstruct(keep))
            self._index = rebuilt._index if rebuilt._index is not None else self._make("hnsw")
            self._ids, self._deleted = rebuilt._ids, np.zeros(0, np.int64)

    def _live(self) -> faiss.IDSelector | None:
        """The selector that leaves the deleted ids out of a search (None where there are none), made once per
        set of them."""
        if not len(self._deleted):
            return None
        cached = self._not_deleted
        if cached is None or cached[0] is not self._deleted:
            batch = faiss.IDSelectorBatch(self._deleted)
            cached = self._not_deleted = (self._deleted, faiss.IDSelectorNot(batch), batch)
        return cached[1]

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids`` as (n, d) float32."""
        ids = np.asarray(ids, dtype=np.int64)
        if self._index is None or len(ids) == 0:
            return np.zeros((0, self.dim), np.float32)
        # One call for all: a filtered search answered exactly reconstructs its 1-2k allowed vectors on every
        # query (a child's similar items: 4.4 ms one by one, 0.5 ms so, 1,325 x 256).
        return np.asarray(self._index.reconstruct_batch(ids), np.float32).reshape(len(ids), self.dim)

    def __len__(self) -> int:
        return len(self._ids)

    def present(self, ids: np.ndarray) -> np.ndarray:
        """(n,) bool: which of ``ids`` the index holds."""
        return np.isin(np.asarray(ids, np.int64), self._ids)

    @property
    def ids(self) -> np.ndarray:
        return self._ids.copy()

    # ---- searching -------------------------------------------------------------------------
    def search(self, vectors: np.ndarray, k: int, filter_ids: np.ndarray | None = None,
               where=None, one_thread: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k by inner product -> (scores (q, k) float32, ids (q, k) int64), -inf / -1 padding.

        ``filter_ids`` (int64 array, or a boolean mask aligned with :attr:`ids`): only these ids may
        be returned; k results come back whenever at least k of them are in the index. ``one_thread``: on the
        calling thread alone (None: up to :data:`SINGLE_QUERY_BATCH` queries so, more on faiss's OpenMP team).
        """
        if where:
            raise BadInputError("FaissIndex keeps no attributes: pass the matching ids as filter_ids")
        q = self._check(vectors)
        if not (len(q) <= SINGLE_QUERY_BATCH if one_thread is None else one_thread):
            return self._search(q, k, filter_ids)
        # One query at a time (a recommender serving requests), or a request's batch (a profile's lists): faiss's
        # OpenMP team only contends with the tagger's threads. Measured on 2 cores: a flat top-411 over 35,742 x 256
        # took 24 ms with faiss's default 2 threads, 1.8 ms with one; a 5-saved-product profile's 10 picks took
        # 0.113 s at p50 with its 5 lists searched on the team, 0.057 one by one (stop 72). OpenMP keeps this
        # setting per calling thread; restored after.
        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            return self._search(q, k, filter_ids)
        finally:
            faiss.omp_set_num_threads(before)

    def _search(self, q: np.ndarray, k: int, filter_ids: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        k = int(k)
        if k <= 0:
            raise BadInputError(f"k must be >= 1, got {k}")
        scores = np.full((len(q), k), -np.inf, np.float32)
        found = np.full((len(q), k), -1, np.int64)
        if self._index is None or len(self._ids) == 0 or len(q) == 0:
            return scores, found
        if filter_ids is None and not len(self._deleted):
            kk = min(k, len(self._ids))
            params = faiss.SearchParametersHNSW(efSearch=self._ef(kk)) if self.kind == "hnsw" else None
            d, i = self._index.search(q, kk, params=params)
            scores[:, :kk], found[:, :kk] = d, i
            return scores, found
        if filter_ids is None:      # every id but the deleted ones: a filter that allows all of them
            kk = min(k, len(self._ids))
            ef = int(min(4096, self._ef(kk) / max(len(self._ids) / self._index.ntotal, 0.05)))
            d, i = self._index.search(q, kk, params=faiss.SearchParametersHNSW(sel=self._live(), efSearch=ef))
            short = (i < 0).any(axis=1)
            if short.any():     # HNSW could not reach k of them: answer those queries exactly
                d[short], i[short] = self._exact_subset(q[short], kk, self._ids)
            scores[:, :kk], found[:, :kk] = d, i
            return scores, found
        allowed = self._allowed(filter_ids)
        if len(allowed) == 0:
            return scores, found
        kk = min(k, len(allowed))
        if self.kind == "hnsw" and len(allowed) < max(self.exact_below, kk):
            d, i = self._exact_subset(q, kk, allowed)
        else:
            sel = faiss.IDSelectorBatch(allowed)
            if self.kind == "hnsw":
                # A filter hides part of the graph; search wider so k allowed neighbours are reached.
                frac = len(allowed) / self._index.ntotal     # (the deleted ones in the graph too)
                ef = int(min(4096, self._ef(kk) / max(frac, 0.05)))
                params = faiss.SearchParametersHNSW(sel=sel, efSearch=ef)
            else:
                params = faiss.SearchParameters(sel=sel)
            d, i = self._index.search(q, kk, params=params)
            short = (i < 0).any(axis=1)
            if short.any():      # HNSW could not reach k allowed items: answer those queries exactly
                d[short], i[short] = self._exact_subset(q[short], kk, allowed)
        scores[:, :kk], found[:, :kk] = d, i
        return scores, found

    def _ef(self, k: int) -> int:
        """efSearch for a top-k: the tuned value (for a top-10) or twice k, whichever is larger.

        The recommender re-ranks a pool of ~410 projected neighbours. faiss sizes its result queue for k but
        stops exploring after efSearch candidates, so with efSearch 16 a top-400 had recall 0.53 against exact
        search (tests/test_index.py's synthetic vectors; 1.0 at 400 and 800). Measured on the validation
        products against runs/index (1,500 queries): similar(id) P@10 type + colour 0.854 at the tuned 16,
        0.879 at 600, 1000 or 2000 (= exact; photo queries 0.608 -> 0.615), for 0.3 ms per query.
        """
        return max(self.ef_search, 2 * k)

    def _allowed(self, filter_ids: np.ndarray) -> np.ndarray:
        f = np.asarray(filter_ids)
        if f.dtype == bool:
            if len(f) != len(self._ids):
                raise BadInputError(f"a boolean filter needs one entry per indexed id ({len(self._ids)})")
            return self._ids[f]
        # Looked up in the index's ids sorted once, not intersected with all of them on every query: a filter
        # of a child's 1,151 products cost 7.6 ms so at 40k ids (sorting both), against 0.1 ms.
        wanted = np.unique(f.astype(np.int64))
        known = self._sorted_ids()
        at = np.minimum(np.searchsorted(known, wanted), max(len(known) - 1, 0))
        return wanted[known[at] == wanted] if len(known) else wanted[:0]

    def _sorted_ids(self) -> np.ndarray:
        """:attr:`ids` sorted, kept until the ids change (every change assigns a new array)."""
        cached = getattr(self, "_sorted", None)
        if cached is None or cached[0] is not self._ids:
            cached = self._sorted = (self._ids, np.sort(self._ids))
        return cached[1]

    def _exact_subset(self, q: np.ndarray, k: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sub = self.reconstruct(allowed)                     # (m, d)
        sims = q @ sub.T                                    # (q, m)
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(sims, top, axis=1).astype(np.float32), allowed[top]

    def tune_ef_search(self, queries: np.ndarray, k: int = 10, target: float = 0.95,
                       candidates: tuple[int, ...] = (16, 32, 48, 64, 96, 128, 192, 256, 384, 512)) -> float:
        """HNSW only: the smallest efSearch whose recall@k vs exact search reaches ``target``.

        Exact neighbours are computed by brute force over the stored vectors. Returns the recall reached.
        """
        if self.kind != "hnsw" or self._index is None:
            return 1.0
        self._rebuild_without_deleted()     # (tuned at a build, which has none: its recall is the graph's own)
        q = self._check(queries)
        inner = faiss.downcast_index(self._index.index)
        # Of fewer vectors than k, every one is a neighbour (exact search pads with -1, read as the last id).
        k = min(k, inner.ntotal)
        if k == 0:
            return 1.0
        exact = faiss.IndexFlatIP(self.dim)
        exact.add(faiss.downcast_index(inner.storage).reconstruct_n(0, inner.ntotal))   # (n, d)
        _, truth = exact.search(q, k)
        truth = self._ids[truth]
        recall = 0.0
        for ef in candidates:
            inner.hnsw.efSearch = ef
            _, got = self._index.search(q, k)
            recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(got, truth, strict=True)]))
            if recall >= target:
                break
        self.ef_search = inner.hnsw.efSearch
        log.info("HNSW efSearch=%d gives recall@%d=%.3f on %d queries", self.ef_search, k, recall, len(q))
        return recall

    # ---- persistence -----------------------------------------------------------------------
    def save(self, directory: str | Path, over: str | Path | None = None, generation: int | None = None) -> None:
        """Write ``vectors.faiss`` and ``vectors.json`` (kind, dim, parameters), each atomically; a delta file (below)
        is written in place, as it is only ever written into a staging folder whose files then move in whole
        (Recommender.save).

        ``over`` (the index folder the files written into ``directory`` will be moved into) and ``generation`` (the
        folder's generation they belong to): where ``over``'s ``vectors.faiss`` is the one this index was read from
        or last saved whole, and the index still begins with its vectors, write :func:`delta_file` instead of
        ``vectors.faiss`` (kilobytes, for 52 MB at 40k products). Call :meth:`saved_in` once the files moved in."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        index = self._index if self._index is not None else self._make(self.kind or "flat")
        delta = self._delta(Path(over)) if over is not None and generation is not None else None
        record = None
        if delta is None:
            write_with(directory / INDEX_FILE, lambda tmp: _write_index(index, tmp))
            every = _id_map(index)
            self._written = _Base(Path(), every, index, None)
        else:
            added, removed = delta
            name = delta_file(generation)
            # Hashed as written, not read back (a save read it back twice, for vectors.json and the manifest: stop 68).
            buffer = io.BytesIO()
            np.savez(buffer, ids=added, vectors=self.reconstruct(added), removed=removed)
            data = buffer.getvalue()
            digest = hashlib.sha256(data).hexdigest()
            with open(directory / name, "wb") as f:
                f.write(data)
            record = {"generation": int(generation), "file": name, "sha256": digest,
                      "base_count": len(self._base.ids), "base_ids_sha256": _ids_sha256(self._base.ids),
                      "added": len(added), "removed": len(removed)}
            self._written = None
        write_json(directory / INDEX_META, {
            "backend": "faiss", "faiss_version": faiss.__version__, "kind": self.kind or "flat",
            "requested_kind": self.requested_kind, "dim": self.dim, "count": len(self),
            "hnsw_threshold": self.hnsw_threshold, "m": self.m, "ef_construction": self.ef_construction,
            "ef_search": self.ef_search, "exact_below": self.exact_below,
            # (only where there are some: a folder without them reads as before, by any version)
            **({"deleted": [int(i) for i in self._deleted]} if len(self._deleted) else {}),
            **({"delta": record} if record else {}),
        })
        self.generation_written = record["generation"] if record else None
        self.written_sha256 = record["sha256"] if record else None

    def saved_in(self, folder: str | Path) -> None:
        """The files the last :meth:`save` wrote have moved into ``folder``: a ``vectors.faiss`` written whole is the
        base of the deltas after it. Its HNSW graph's random state is put back where a read of the file starts it,
        so that the vectors added after it go in as a load adding them again puts them (the same levels)."""
        folder = Path(folder)
        written, self._written = self._written, None
        self.generation, self.delta_sha256 = self.generation_written, self.written_sha256
        if written is None:
            return
        written.folder, written.identity = folder.resolve(), file_identity(folder / INDEX_FILE)
        self._base = written
        if self.kind == "hnsw" and written.index is self._index:
            faiss.downcast_index(self._index.index).hnsw.rng = faiss.RandomGenerator(HNSW_SEED)

    def _delta(self, over: Path) -> tuple[np.ndarray, np.ndarray] | None:
        """(ids added since the base, in the order they went in; base ids removed), or None where the base's file is
        not ``over``'s (another folder, a file moved in since), the index no longer begins with it (a graph rebuilt,
        a removed id added again), or the delta passes :data:`MAX_DELTA`."""
        base = self._base
        if (base is None or self._index is None or base.index is not self._index or base.folder != over.resolve()
                or base.identity is None or file_identity(over / INDEX_FILE) != base.identity):
            return None
        every = _id_map(self._index)
        kept = np.isin(base.ids, every)
        first = int(kept.sum())
        if not np.array_equal(every[:first], base.ids[kept]) or np.isin(every[first:], base.ids).any():
            return None
        removed = base.ids[~kept]
        # (an HNSW graph deletes nothing: its removals are the ``deleted`` ids, said in vectors.json as before)
        if len(removed) and self.kind != "flat" or len(every) - first + len(removed) > MAX_DELTA:
            return None
        return every[first:], removed

    @classmethod
    def load(cls, directory: str | Path) -> FaissIndex:
        directory = Path(directory)
        path, meta_path = directory / INDEX_FILE, directory / INDEX_META
        if not path.exists() or not meta_path.exists():
            raise VectorIndexError(f"no vector index in {directory} ({INDEX_FILE} + {INDEX_META}); "
                              "run `fashionrec index build` first")
        meta = read_meta(meta_path, ("dim", "kind", "hnsw_threshold", "m", "ef_construction", "ef_search"))
        self = cls(dim=meta["dim"], kind=meta["kind"], hnsw_threshold=meta["hnsw_threshold"], m=meta["m"],
                   ef_construction=meta["ef_construction"], ef_search=meta["ef_search"],
                   exact_below=meta.get("exact_below", 2_000))
        identity = file_identity(path)
        try:
            self._index = faiss.read_index(str(path))
        except RuntimeError as e:
            raise VectorIndexError(f"{path} is not a readable faiss index ({e}); rebuild it") from e
        if self._index.d != self.dim:
            raise VectorIndexError(f"{path} has dimension {self._index.d}, its description says {self.dim}")
        if self.kind == "hnsw":
            faiss.downcast_index(self._index.index).hnsw.efSearch = self.ef_search
        base_ids = _id_map(self._index)
        record = meta.get("delta")
        if record:
            self._apply_delta(directory, base_ids, record)
            self.generation = int(record["generation"])
        self._base = _Base(directory.resolve(), base_ids, self._index, identity)
        self._ids = _id_map(self._index)
        deleted = meta.get("deleted") or []
        if deleted:
            self._set_deleted(np.array([int(i) for i in deleted], np.int64))
        return self

    def _apply_delta(self, directory: Path, base_ids: np.ndarray, record: dict) -> None:
        """Make the changes of vectors.json's ``record`` to the index just read (see the module docstring)."""
        def inconsistent(why: str) -> VectorIndexError:
            return DeltaMismatchError(f"index {directory} is inconsistent: {why}; rebuild it "
                                      "(`fashionrec index build`)")

        if len(base_ids) != record.get("base_count") or _ids_sha256(base_ids) != record.get("base_ids_sha256"):
            # A save writing it whole moving its files in (a load reads again once the manifest is in), or replaced.
            raise inconsistent(f"its {INDEX_FILE} is not the one its vectors.json's delta was saved over")
        path = directory / str(record.get("file"))
        try:
            data = path.read_bytes()
        except OSError as e:
            raise inconsistent(f"{path} ({type(e).__name__}: {e})") from e
        digest = hashlib.sha256(data).hexdigest()
        if digest != record.get("sha256"):
            raise inconsistent(f"{path} is not the file its vectors.json names (damaged?)")
        self.delta_sha256 = digest
        with np.load(io.BytesIO(data)) as npz:
            added, vectors, removed = npz["ids"], npz["vectors"], npz["removed"]
        if len(removed):
            self._index.remove_ids(faiss.IDSelectorBatch(removed.astype(np.int64)))
        if self.kind == "hnsw":
            # One at a time, as the process that saved added them: a batch goes in by level, in parallel threads.
            for row in range(len(added)):
                self._index.add_with_ids(vectors[row:row + 1], added[row:row + 1])
        elif len(added):
            self._index.add_with_ids(vectors, added)
