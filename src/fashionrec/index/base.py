"""The protocol every vector index implements: FAISS (embedded default) and Milvus (Lite, server, cluster).

Conventions, as in faiss: vectors are float32 (n, d) and L2-normalised, so inner product is cosine
similarity; ids are int64; ``search`` returns ``(scores (q, k) float32, ids (q, k) int64)`` best first,
padded with score ``-inf`` and id ``-1`` where fewer than k items exist.

Filters: ``filter_ids`` (the allowed ids) works everywhere; an index with ``supports_where = True`` also
takes ``where`` ({attribute: value or values}) and evaluates it inside the search itself, using the
attributes given to ``add`` — so the caller need not send 40k allowed ids to a server — and ``exclude_ids``
(the ids left out), the shorter list where most products are allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from fashionrec.artifacts import read_json
from fashionrec.errors import DamagedFileError

# "auto" index kind: exact search while brute force is cheap, HNSW beyond. Brute force costs n x d, so the
# threshold is counted in 256-d vectors: 20k of them (~0.6 ms flat on one core); full 1280-d vectors
# (``--index-dim 0``) switch to HNSW above 4k items. Measured at 39,730 x 256 (the shipped model's
# projected embeddings): flat 1.3 ms vs HNSW 0.04 ms per query, and under 50 concurrent clients photo search
# served 27.9 req/s on flat vs 36.7 on HNSW, for P@10 0.883 vs 0.882 (docs/service.md, "Load").
HNSW_THRESHOLD = 20_000
REFERENCE_DIM = 256
# Up to this many query vectors is "one query at a time" (a recommender serving requests): computed on one
# thread, without BLAS or faiss's OpenMP team, whose spinning threads take the cores from the tagger.
SINGLE_QUERY_BATCH = 4


def read_meta(path: Path, required: Sequence[str] = ()) -> dict:
    """An index folder's ``vectors.json``: a JSON object with the ``required`` keys, else a
    :class:`DamagedFileError` that names the file (a file edited by hand, a list or a key gone, was a KeyError or
    AttributeError traceback from every command)."""
    meta = read_json(path)
    if not isinstance(meta, dict):
        raise DamagedFileError(f"{path} is not a vector index's description (a JSON object): restore it from a copy, "
                               "or rebuild the index with `fashionrec index build`")
    missing = [key for key in required if key not in meta]
    if missing:
        raise DamagedFileError(f"{path} lacks {', '.join(map(repr, missing))}: restore it from a copy, or rebuild the "
                               "index with `fashionrec index build`")
    return meta


def auto_kind(n: int, dim: int, threshold: int = HNSW_THRESHOLD) -> str:
    """``"hnsw"`` when ``n`` vectors of ``dim`` cost as much as ``threshold`` 256-d ones to scan, else ``"flat"``."""
    return "hnsw" if n * dim >= threshold * REFERENCE_DIM else "flat"


@runtime_checkable
class VectorIndex(Protocol):
    dim: int
    kind: str | None
    supports_where: bool

    def add(self, ids: np.ndarray, vectors: np.ndarray, attrs: Sequence[Mapping] | None = None) -> None:
        """Add ``vectors`` (n, d) float32 under ``ids`` (n,) int64; ids must be new; ``attrs`` per vector."""

    def search(self, vectors: np.ndarray, k: int, filter_ids: np.ndarray | None = None,
               where: Mapping | None = None, one_thread: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k by inner product; only ``filter_ids`` / items matching ``where`` (k of them if k exist).
        ``one_thread``: computed on the calling thread alone, as up to :data:`SINGLE_QUERY_BATCH` queries are
        (None: so for those, with the library's threads for more)."""

    def remove(self, ids: np.ndarray) -> int:
        """Remove ids; returns how many were present."""

    def present(self, ids: np.ndarray) -> np.ndarray:
        """(n,) bool: which of ``ids`` the index holds."""

    def removal(self, ids: np.ndarray) -> Callable[[], int]:
        """``remove`` in two steps: what can run beside searches now, and a function that makes the change."""

    def save(self, directory: str | Path) -> None: ...

    def __len__(self) -> int: ...
