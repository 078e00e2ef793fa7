"""The size every catalogue photo is stored at, and fitting a photo to it: PIL and numpy alone, no torch.

Apart from :mod:`fashionrec.data` (which imports torch for its tensors), so that the verbs that read no photo
through a model (a query by id, a look, ``index check``) import neither (stop 76: ``import torch`` alone took
16 s of a 22 s ``recommend similar`` at 40k under load).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

# Every image is stored at the catalogue's native size; models that want more upsample per batch.
STORE_HEIGHT, STORE_WIDTH = 80, 60


def fit_to_store(im: Image.Image, height: int = STORE_HEIGHT, width: int = STORE_WIDTH,
                 resample: int | None = None) -> np.ndarray:
    """Resize to fit (height, width) keeping the aspect ratio, pad with white; (3, H, W) uint8. ``resample``: a
    PIL filter in place of the tagger's bilinear (each from a copy box-reduced to a few times the size, which
    takes a 3000x4000 photo's Lanczos from 66 to 6 ms)."""
    if im.size != (width, height):
        scale = min(width / im.width, height / im.height)
        new = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        resized = (im.resize(new, Image.BILINEAR, reducing_gap=2.0) if resample is None
                   else im.resize(new, resample, reducing_gap=3.0))
        canvas = Image.new("RGB", (width, height), (255, 255, 255))
        canvas.paste(resized, ((width - new[0]) // 2, (height - new[1]) // 2))
        im = canvas
    return np.asarray(im, dtype=np.uint8).transpose(2, 0, 1)
