"""The protocol every vector index implements (FAISS today; a server such as Milvus could follow).

Conventions, as in faiss: vectors are float32 (n, d) and L2-normalised, so inner product is cosine
similarity; ids are int64; ``search`` returns ``(scores (q, k) float32, ids (q, k) int64)`` best first,
padded with score ``-inf`` and id ``-1`` where fewer than k items exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class VectorIndex(Protocol):
    dim: int

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add ``vectors`` (n, d) float32 under ``ids`` (n,) int64; ids must be new."""

    def search(self, vectors: np.ndarray, k: int,
               filter_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k by inner product; ``filter_ids``: only these ids may be returned (k of them if k exist)."""

    def remove(self, ids: np.ndarray) -> int:
        """Remove ids; returns how many were present."""

    def save(self, directory: str | Path) -> None: ...

    def __len__(self) -> int: ...
