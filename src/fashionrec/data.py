"""Images and labels as tensors: decode once, keep uint8 in memory, preprocess from the model's spec.

The catalogue is ~600 MB as uint8 at 80x60, so training decodes every image once and augments batches
in memory; nothing is re-read from disk per epoch. Preprocessing (size, mean, std) comes from the
model's :class:`~fashionrec.models.ModelSpec`, the same at training and at serving time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch
from PIL import Image
from torch.nn import functional as F
from tqdm.auto import tqdm

from fashionrec.catalog import labels_only, open_rgb

# (Importable from here as before; kept in photo_store, which imports no torch, for the verbs that need no model.)
from fashionrec.photo_store import STORE_HEIGHT, STORE_WIDTH, fit_to_store  # noqa: F401
from fashionrec.progress import hidden

if TYPE_CHECKING:
    from torchvision.transforms import v2

log = logging.getLogger(__name__)


def images_to_tensor(images: Sequence[Image.Image]) -> torch.Tensor:
    """PIL images of any size/mode -> (N, 3, 80, 60) uint8."""
    from fashionrec.catalog import to_rgb

    return torch.from_numpy(np.stack([fit_to_store(to_rgb(im)) for im in images]))


def _load_one(path: str) -> np.ndarray:
    return fit_to_store(open_rgb(path))


def load_image_tensor(paths: Sequence[str | Path], workers: int | None = None, progress: bool = True,
                      desc: str = "decoding images") -> torch.Tensor:
    """Decode image files into one (N, 3, 80, 60) uint8 tensor, in order, with a progress bar."""
    out = np.empty((len(paths), 3, STORE_HEIGHT, STORE_WIDTH), dtype=np.uint8)
    # PIL decodes outside the GIL, so threads share the cores without copying arrays between processes.
    with ThreadPoolExecutor(max_workers=workers or min(8, (os.cpu_count() or 2) * 2)) as pool:
        for i, arr in enumerate(tqdm(pool.map(_load_one, [str(p) for p in paths], chunksize=64),
                                     total=len(paths), desc=desc, unit="img", disable=hidden(progress))):
            out[i] = arr
    return torch.from_numpy(out)


def preprocess(batch: torch.Tensor, spec) -> torch.Tensor:
    """(B, 3, 80, 60) uint8 -> (B, 3, spec.height, spec.width) float32, normalised with the spec."""
    return fit_to_spec(batch.float().div_(255.0), spec)


def fit_to_spec(x: torch.Tensor, spec) -> torch.Tensor:
    """(B, 3, H, W) float in [0, 1] -> resized to the spec's size and normalised with its mean/std."""
    if (x.shape[-2], x.shape[-1]) != (spec.height, spec.width):
        x = F.interpolate(x, size=(spec.height, spec.width), mode="bilinear", align_corners=False)
    mean = torch.tensor(spec.mean, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(spec.std, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


def train_augmentation() -> v2.Transform:
    """Label-preserving augmentation for uint8 (3, H, W) images.

    Colour is a label (baseColour), so no hue/saturation jitter; a flip, a small shift/zoom/rotation
    with white fill (the catalogue background), and mild brightness/contrast only.
    """
    # Imported here, for training only: torchvision's import takes about 3 s (it loads torch._dynamo), which
    # every command and the server paid at start-up for a transform they never use.
    from torchvision.transforms import v2

    return v2.Compose([
        v2.RandomHorizontalFlip(),
        v2.RandomAffine(degrees=6, translate=(0.06, 0.06), scale=(0.9, 1.08), fill=255),
        v2.RandomApply([v2.ColorJitter(brightness=0.1, contrast=0.1)], p=0.3),
    ])


@dataclass
class LabelSpace:
    """Class names per head; encodes labels to indices with -1 for missing or unknown."""

    classes: dict[str, list[str]]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, heads: Sequence[str]) -> LabelSpace:
        """The labels of ``frame`` per head; the catalogue's "NA" is none (:func:`~fashionrec.catalog.labels_only`)."""
        return cls({h: sorted(str(v) for v in labels_only(frame[h]).dropna().unique()) for h in heads})

    def encode(self, frame: pd.DataFrame) -> dict[str, torch.Tensor]:
        out = {}
        for head, names in self.classes.items():
            lookup = {n: i for i, n in enumerate(names)}
            out[head] = torch.tensor([lookup.get(str(v), -1) if pd.notna(v) else -1 for v in labels_only(frame[head])],
                                     dtype=torch.long)
        return out

    def sizes(self) -> dict[str, int]:
        return {h: len(c) for h, c in self.classes.items()}


class TensorImageDataset(torch.utils.data.Dataset):
    """Index into in-memory uint8 images and per-head labels; returns (image, {head: label}, index)."""

    def __init__(self, images: torch.Tensor, labels: dict[str, torch.Tensor], transform=None):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int):
        x = self.images[i]
        if self.transform is not None:
            x = self.transform(x)
        return x, {h: y[i] for h, y in self.labels.items()}, i
