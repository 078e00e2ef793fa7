"""PCA projection of the image embeddings for the vector index.

The index searches short vectors; the recommender re-scores what it finds with the full embeddings
(:meth:`fashionrec.recommend.Recommender._neighbours`), so scores, thresholds and rankings stay those of
the full embedding while the index (its memory, build and search time) follows the short one; the full
embeddings stay in the recommender's memory for the re-scoring. On the shipped 1280-d EfficientNet-Lite0
embeddings of the 39,730-item catalogue, 256 components keep 89% of the variance, and the recommender's
candidates (30 by projected cosine for a top-10, re-scored) hold 99.9% of the exact full-cosine top-10
(``benchmarks/bench_recs.py`` measures this recall on every run).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from fashionrec.artifacts import atomic_path
from fashionrec.errors import VectorIndexError
from fashionrec.index.base import SINGLE_QUERY_BATCH

PROJECTION_FILE = "projection.npz"
# Below this embedding size, or with too few items to estimate the components, the index takes the full
# vectors: there is little to save and the estimate would be noisy.
DEFAULT_DIM = 256
MIN_ITEMS_PER_DIM = 4
FIT_SAMPLE = 50_000


def auto_projection_dim(n: int, dim: int) -> int:
    """Components the index keeps by default: :data:`DEFAULT_DIM` for long embeddings of a large enough
    catalogue, else 0 (no projection)."""
    return DEFAULT_DIM if dim > DEFAULT_DIM and n >= MIN_ITEMS_PER_DIM * DEFAULT_DIM else 0


class Projection:
    """``x -> normalise((x - mean) @ components.T)``: (n, d) L2-normalised float32 -> (n, k) likewise."""

    def __init__(self, mean: np.ndarray, components: np.ndarray, explained_variance: float):
        self.mean = np.asarray(mean, np.float32)
        self.components = np.asarray(components, np.float32)
        self.explained_variance = float(explained_variance)
        if self.components.ndim != 2 or self.mean.shape != (self.components.shape[1],) \
                or not (np.isfinite(self.mean).all() and np.isfinite(self.components).all()):
            raise ValueError(f"a projection needs (k, d) finite components and a (d,) mean, got "
                             f"{self.components.shape} and {self.mean.shape}")

    @property
    def in_dim(self) -> int:
        return int(self.components.shape[1])

    @property
    def out_dim(self) -> int:
        return int(self.components.shape[0])

    @classmethod
    def fit(cls, vectors: np.ndarray, dim: int, seed: int = 0) -> Projection:
        """Principal components of (a sample of at most 50k of) ``vectors``."""
        from sklearn.decomposition import PCA

        n, d = vectors.shape
        if not 0 < dim < d:
            raise ValueError(f"a projection needs 0 < dim < {d} (the embedding size), got {dim}")
        if n < dim:
            raise ValueError(f"{n} vectors cannot define {dim} components; use a smaller index dim or none")
        rng = np.random.default_rng(seed)
        sample = vectors if n <= FIT_SAMPLE else vectors[rng.choice(n, FIT_SAMPLE, replace=False)]
        pca = PCA(n_components=dim, svd_solver="randomized", random_state=seed).fit(sample)
        return cls(pca.mean_, pca.components_, pca.explained_variance_ratio_.sum())

    def __call__(self, vectors: np.ndarray, as_queries: bool = False) -> np.ndarray:
        """(n, in_dim) -> (n, out_dim) float32, L2-normalised. ``as_queries``: each row exactly as it is alone (einsum
        whatever n): BLAS's sums over a batch differ from einsum's in the last bit (2.4e-7 at 40k), enough to move
        an HNSW search, and a profile's lists searched in one batch must find what each alone finds."""
        vectors = np.asarray(vectors, np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.in_dim:
            raise ValueError(f"expected (n, {self.in_dim}) vectors, got {vectors.shape}")
        centred = vectors - self.mean
        # A query or two: einsum, not BLAS (see SINGLE_QUERY_BATCH); a catalogue: BLAS.
        small = as_queries or len(vectors) <= SINGLE_QUERY_BATCH
        out = np.einsum("ij,kj->ik", centred, self.components) if small else centred @ self.components.T
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)

    def describe(self) -> dict:
        return {"method": "PCA", "from_dim": self.in_dim, "to_dim": self.out_dim,
                "explained_variance": round(self.explained_variance, 4), "file": PROJECTION_FILE}

    def save(self, directory: str | Path) -> None:
        with atomic_path(Path(directory) / PROJECTION_FILE) as tmp, open(tmp, "wb") as f:
            np.savez(f, mean=self.mean, components=self.components,
                     explained_variance=np.float32(self.explained_variance))

    @classmethod
    def load(cls, directory: str | Path) -> Projection:
        path = Path(directory) / PROJECTION_FILE
        try:
            with np.load(path) as z:
                return cls(z["mean"], z["components"], float(z["explained_variance"]))
        except (OSError, EOFError, zipfile.BadZipFile, KeyError, TypeError, ValueError) as e:
            raise VectorIndexError(f"index {directory} names a projection but {path} is missing or broken ({e}); "
                              "rebuild it with `fashionrec index build`") from e
