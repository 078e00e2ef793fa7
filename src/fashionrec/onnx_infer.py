"""Tagger inference on CPU through ONNX Runtime: the same network, exported once, several times faster.

PyTorch's eager CPU mode pays a fixed cost for every layer, and one photo at a time that cost is most of
the work: the shipped ensemble (an EfficientNet-Lite0 and a small CNN, over a hundred layers) took 20 ms
per photo in PyTorch and 4.3 ms in ONNX Runtime on 2 cores, with the same outputs to 5e-7; batches of 64
ran 2.7x faster. So the recommender, the service, ``index build`` and ``evaluate`` infer through ONNX
Runtime on CPU, and training, GPUs and models held only in memory stay on PyTorch.

The graph takes the stored uint8 images and returns what :func:`fashionrec.tagger.run_inference` returns
(the retrieval embedding and each head's probabilities), preprocessing included, so the two paths cannot
drift apart. Exporting takes 2-10 s, so the graph is cached on disk (``FASHIONREC_CACHE``, by default
``$XDG_CACHE_HOME/fashionrec`` or ``~/.cache/fashionrec``; one file per model, 20 MB for the shipped one,
never pruned) under a key made of the weights' SHA-256, the checkpoint's description, the code that defines
the network and the exporter's versions: a retrained model or a changed layer gets a fresh export, never a
stale one. A damaged cached file is exported again; an unwritable cache folder costs an export per start
(with a warning), not the speed.

``FASHIONREC_RUNTIME=torch`` (or ``Tagger.load(..., runtime="torch")``) turns it off; ``onnx`` makes a
failure to export an error instead of a logged fallback to PyTorch.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.metadata
import inspect
import io
import json
import logging
import os
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from fashionrec import data
from fashionrec.artifacts import write_with
from fashionrec.data import preprocess
from fashionrec.errors import ModelError
from fashionrec.models import TaggerNet

log = logging.getLogger(__name__)

RUNTIMES = ("auto", "torch", "onnx")
# Bump when the graph's inputs or outputs change meaning, so caches from older versions are not reused.
GRAPH_VERSION = "1"
# What else the exported graph is made of: the networks' code, the preprocessing, this file, and the
# packages that define or export layers (a new version may export differently).
_GRAPH_MODULES = ("fashionrec.models.base", "fashionrec.models.ensemble")
_GRAPH_PACKAGES = ("torch", "onnx", "onnxscript", "efficientnet-lite-pytorch")

def requested_runtime(runtime: str | None = None) -> str:
    """``runtime`` if given, else ``$FASHIONREC_RUNTIME``, else ``auto``; refuses unknown names."""
    chosen = (runtime or os.environ.get("FASHIONREC_RUNTIME") or "auto").strip().lower()
    if chosen not in RUNTIMES:
        raise ModelError(f"unknown inference runtime {chosen!r} (from FASHIONREC_RUNTIME or runtime=): "
                         f"use one of {', '.join(RUNTIMES)}")
    return chosen


def cache_dir() -> Path:
    if os.environ.get("FASHIONREC_CACHE"):
        return Path(os.environ["FASHIONREC_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fashionrec"


def graph_key(weights_sha256: str, description: dict) -> str:
    """What the exported graph depends on: the weights, the model's description, the code and the exporter."""
    h = hashlib.sha256()
    for part in (GRAPH_VERSION, weights_sha256, json.dumps(description, sort_keys=True)):
        h.update(part.encode() + b"\0")
    for package in _GRAPH_PACKAGES:
        try:
            h.update(f"{package}=={importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{package} missing".encode())
    for source in (Path(__file__).read_text(), inspect.getsource(data.preprocess), inspect.getsource(data.fit_to_spec),
                   *(inspect.getsource(importlib.import_module(m)) for m in _GRAPH_MODULES)):
        h.update(source.encode())
    return h.hexdigest()[:32]

class _Graph(nn.Module):
    """uint8 images -> (embedding, probabilities of each head in ``heads`` order), as run_inference computes."""

    def __init__(self, model: TaggerNet, heads: list[str]):
        super().__init__()
        self.model = model
        self.heads = heads

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, ...]:
        features = self.model.forward_features(preprocess(images, self.model.spec))
        logits = self.model.forward_head(features)
        return (self.model.embedding(features).float(),
                *(torch.softmax(logits[h].float(), dim=1) for h in self.heads))


def export_graph(model: TaggerNet) -> bytes:
    """``model`` (eval mode, CPU) as a serialised ONNX graph with a dynamic batch size."""
    heads = list(model.heads)
    graph = _Graph(model, heads).eval()
    example = torch.zeros(2, 3, 80, 60, dtype=torch.uint8)     # batch 2: a batch of 1 would be fixed at 1
    # The exporter narrates each pass on stdout and in INFO logs and warns about internals; none of it is
    # the user's business.
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), _quiet("onnx_ir", "onnxscript"):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(graph, (example,), dynamo=True, verbose=False,
                                    input_names=["images"], output_names=["embedding", *heads],
                                    dynamic_shapes=({0: torch.export.Dim("batch")},))
    proto = program.model_proto
    meta = {"fashionrec_graph_version": GRAPH_VERSION, "fashionrec_model": json.dumps(model.description()),
            "fashionrec_heads": json.dumps(heads), "input": "uint8 (N, 3, 80, 60) RGB, stored catalogue size"}
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    return proto.SerializeToString()


@contextlib.contextmanager
def _quiet(*loggers: str):
    saved = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


class OnnxTagger:
    """An exported tagger in an ONNX Runtime session; called like :func:`run_inference`."""

    def __init__(self, graph: Path | bytes, threads: int | None = None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        # As many threads as PyTorch would use, so --threads and torch.set_num_threads keep their meaning.
        options.intra_op_num_threads = threads or torch.get_num_threads()
        options.inter_op_num_threads = 1
        # Idle threads that keep spinning after a run take the cores from the index search that follows
        # a photo's inference (photo query p50 12.7 -> 10.8 ms without spinning, 2 cores).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        source = str(graph) if isinstance(graph, Path) else graph
        self.session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
        props = self.session.get_modelmeta().custom_metadata_map
        self.heads = json.loads(props["fashionrec_heads"])
        self.widths = [int(o.shape[1]) for o in self.session.get_outputs()]   # embedding dim, then classes
        self.path = graph if isinstance(graph, Path) else None    # None: held in memory only

    def __call__(self, images: torch.Tensor, batch_size: int = 256, progress: bool = False,
                 desc: str = "inference") -> tuple[np.ndarray, dict[str, np.ndarray]]:
        data = images.numpy() if isinstance(images, torch.Tensor) else np.asarray(images)
        if data.dtype != np.uint8 or data.ndim != 4 or data.shape[1:] != (3, 80, 60):
            raise ModelError(f"the tagger takes uint8 images of shape (N, 3, 80, 60), got {data.dtype} {data.shape}")
        outs: list[list[np.ndarray]] = [[] for _ in range(1 + len(self.heads))]
        for start in tqdm(range(0, len(data), batch_size), desc=desc, disable=not progress, unit="batch"):
            for acc, out in zip(outs, self.session.run(None, {"images": data[start:start + batch_size]}),
                                strict=True):
                acc.append(out)
        if not len(data):
            outs = [[np.zeros((0, w), np.float32)] for w in self.widths]
        return np.concatenate(outs[0]), {h: np.concatenate(o) for h, o in zip(self.heads, outs[1:], strict=True)}


def onnx_tagger(model: TaggerNet, weights_sha256: str, threads: int | None = None) -> OnnxTagger:
    """The cached ONNX graph for ``model`` (exported now if missing or unreadable) in a session ready to run."""
    path = cache_dir() / f"tagger-{graph_key(weights_sha256, model.description())}.onnx"
    if path.exists():
        try:
            return OnnxTagger(path, threads)
        except Exception as e:   # a truncated or damaged file: export again rather than stay on PyTorch for good
            log.warning("cached ONNX graph %s is unreadable (%s: %s); exporting it again",
                        path, type(e).__name__, e)
    log.info("exporting the tagger to ONNX (once per model and machine, a few seconds): %s", path)
    graph = export_graph(model)
    try:
        write_with(path, lambda tmp: tmp.write_bytes(graph))
    except OSError as e:
        log.warning("cannot cache the ONNX graph in %s (%s), so every start exports it again: set "
                    "FASHIONREC_CACHE to a writable folder", path.parent, e)
        return OnnxTagger(graph, threads)
    return OnnxTagger(path, threads)
