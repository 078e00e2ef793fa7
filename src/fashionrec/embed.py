"""Image embeddings for the recommender: the tagger's ``forward_features``, L2-normalised.

Preprocessing (size, mean, std) comes from the checkpoint, so the index and the queries are embedded
exactly as the model was trained.

Example:
    >>> emb = Embedder(Tagger.load())                        # doctest: +SKIP
    >>> emb.encode([Image.open("shirt.jpg")]).shape           # doctest: +SKIP
    (1, 256)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from PIL import Image

from fashionrec.catalog import Catalog
from fashionrec.tagger import Tagger

log = logging.getLogger(__name__)


class Embedder:
    """Batch of PIL images in, ``float32 (n, d)`` L2-normalised embeddings out."""

    def __init__(self, tagger: Tagger, batch_size: int = 256):
        self.tagger = tagger
        self.batch_size = batch_size

    @property
    def dim(self) -> int:
        return self.tagger.dim

    def encode(self, images: Sequence[Image.Image]) -> np.ndarray:
        """PIL images (any size/mode) -> (n, d) float32, each row of unit length."""
        from fashionrec.data import images_to_tensor  # (with torch: here, where photos are read)

        if len(images) == 0:
            return np.zeros((0, self.dim), np.float32)
        return self.tagger.infer(images_to_tensor(images), batch_size=self.batch_size)[0]


def predicted_frame(tagger: Tagger, probs: dict[str, np.ndarray]) -> pd.DataFrame:
    """{head: (n, C) raw probabilities} -> DataFrame with ``pred_<head>`` (label) and ``pred_<head>_prob``
    (calibrated, as the tagger shows it)."""
    cols = {}
    for head, p in tagger.calibrate(probs).items():
        best = p.argmax(axis=1) if len(p) else np.zeros(0, int)
        cols[f"pred_{head}"] = [tagger.classes[head][j] for j in best]
        cols[f"pred_{head}_prob"] = (p[np.arange(len(p)), best] if len(p) else np.zeros(0)).astype(np.float32)
    return pd.DataFrame(cols)


def embed_catalog(catalog: Catalog, tagger: Tagger, batch_size: int = 256,
                  progress: bool = True) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Embed every usable product.

    Returns ``(ids int64 (n,), vectors float32 (n, d) L2-normalised, predicted attributes DataFrame
    (n rows, pred_<head> and pred_<head>_prob))``, rows in the order of ``catalog.usable``.
    """
    from fashionrec.data import load_image_tensor  # (with torch: here, where photos are read)

    usable = catalog.usable
    ids = usable["id"].to_numpy(dtype=np.int64)
    images = load_image_tensor(usable["image_path"].tolist(), progress=progress)   # (n, 3, 80, 60) uint8
    vectors, probs = tagger.infer(images, batch_size=batch_size, progress=progress)
    return ids, vectors.astype(np.float32), predicted_frame(tagger, probs)
