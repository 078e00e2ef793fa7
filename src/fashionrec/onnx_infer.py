"""Inference on CPU through ONNX Runtime: the same networks, exported once, several times faster.

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

The MiniLM text encoder of text search and ``index build`` goes the same way (a query 13.0 -> 4.6 ms with
tokenising, outputs equal to 2e-7): sentence-transformers' own ONNX backend needs optimum-onnx, which
does not support the transformers version sentence-transformers needs here.

``FASHIONREC_RUNTIME=torch`` (or ``Tagger.load(..., runtime="torch")``) turns it off; ``onnx`` makes a
failure to export an error instead of a logged fallback to PyTorch.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.metadata
import importlib.util
import inspect
import io
import json
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from tqdm.auto import tqdm

from fashionrec import photo_store
from fashionrec.artifacts import cache_dir, write_with
from fashionrec.errors import FashionrecError, ModelError
from fashionrec.progress import hidden

# torch is imported in the functions that export or run a graph, not here: the tagger and the text encoder import
# this module for its runtime choice, and a query by id imports those and no torch (stop 76).
if TYPE_CHECKING:
    import torch

    from fashionrec.models import TaggerNet

log = logging.getLogger(__name__)
T = TypeVar("T")

RUNTIMES = ("auto", "torch", "onnx")
# Bump when the graph's inputs or outputs change meaning, so caches from older versions are not reused.
GRAPH_VERSION = "1"
# What else the exported graph is made of: the networks' code, the preprocessing, this file, and the
# packages that define or export layers (a new version may export differently).
_GRAPH_MODULES = ("fashionrec.models.base", "fashionrec.models.ensemble", "fashionrec.onnx_graphs")
_GRAPH_PACKAGES = ("torch", "onnx", "onnxscript", "efficientnet-lite-pytorch")
STORED_SHAPE = (3, photo_store.STORE_HEIGHT, photo_store.STORE_WIDTH)      # the graph's input: stored uint8 images


def takes(images: torch.Tensor) -> bool:
    """Whether the exported tagger takes ``images`` as they are (other sizes need PyTorch's resizing)."""
    import torch

    return images.dtype == torch.uint8 and images.ndim == 4 and tuple(images.shape[1:]) == STORED_SHAPE


def requested_runtime(runtime: str | None = None) -> str:
    """``runtime`` if given, else ``$FASHIONREC_RUNTIME``, else ``auto``; refuses unknown names."""
    chosen = (runtime or os.environ.get("FASHIONREC_RUNTIME") or "auto").strip().lower()
    if chosen not in RUNTIMES:
        raise ModelError(f"unknown inference runtime {chosen!r} (from FASHIONREC_RUNTIME or runtime=): "
                         f"use one of {', '.join(RUNTIMES)}")
    return chosen


def _key(parts: Sequence[str], packages: Sequence[str], sources: Sequence[str]) -> str:
    h = hashlib.sha256()
    for part in (GRAPH_VERSION, *parts):
        h.update(part.encode() + b"\0")
    for package in packages:
        try:
            h.update(f"{package}=={importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{package} missing".encode())
    for source in (Path(__file__).read_text(), *sources):
        h.update(source.encode())
    return h.hexdigest()[:32]


def graph_key(weights_sha256: str, description: dict) -> str:
    """What the exported graph depends on: the weights, the model's description, the code and the exporter."""
    from fashionrec import data

    return _key([weights_sha256, json.dumps(description, sort_keys=True)], _GRAPH_PACKAGES,
                [inspect.getsource(data.preprocess), inspect.getsource(data.fit_to_spec),
                 *(inspect.getsource(importlib.import_module(m)) for m in _GRAPH_MODULES)])


def open_runtime(runtime: str, what: str, open_: Callable[[], T], problem: str | None = None, fix: str = "",
                 instead: str = "FASHIONREC_RUNTIME=torch") -> T | None:
    """``open_()`` (an ONNX Runtime session) unless ``runtime`` is torch or ``problem`` stands in the way.

    Under ``auto`` a failure falls back to PyTorch (None) with a warning; under ``onnx`` it is an error
    that says what to fix (``fix``) or how to run on PyTorch instead (``instead``).
    """
    if runtime == "torch":
        return None
    if problem is None and importlib.util.find_spec("onnxruntime") is None:
        problem, fix = "onnxruntime is not installed", "reinstall fashionrec (pip install -e .), which requires it"
    if problem is None:
        try:
            return open_()
        except Exception as e:   # any exporter failure leaves PyTorch, which always works
            problem = f"running {what} on ONNX Runtime failed: {type(e).__name__}: {e}"
    if runtime == "onnx":
        raise ModelError(f"ONNX Runtime inference was asked for, but {problem}; "
                         f"{fix + ', or ' if fix else ''}use {instead} to run it on PyTorch")
    (log.warning if problem.startswith("running") else log.debug)("%s runs on PyTorch: %s", what, problem)
    return None

def export_graph(model: TaggerNet) -> bytes:
    """``model`` (eval mode, CPU) as a serialised ONNX graph with a dynamic batch size."""
    import torch

    from fashionrec.onnx_graphs import TaggerGraph

    heads = list(model.heads)
    graph = TaggerGraph(model, heads).eval()
    example = torch.zeros(2, *STORED_SHAPE, dtype=torch.uint8)     # batch 2: a batch of 1 would be fixed at 1
    return _export(graph, (example,), ["images"], ["embedding", *heads], ({0: torch.export.Dim("batch")},),
                   {"fashionrec_model": json.dumps(model.description()), "fashionrec_heads": json.dumps(heads),
                    "input": "uint8 (N, 3, 80, 60) RGB, stored catalogue size"})


def _export(module: torch.nn.Module, example: tuple, inputs: list[str], outputs: list[str], dynamic: tuple,
            meta: dict[str, str]) -> bytes:
    import torch

    # The exporter narrates each pass on stdout and in INFO logs and warns about internals; none of it is
    # the user's business.
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), _quiet("onnx_ir", "onnxscript"):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(module, example, dynamo=True, verbose=False, input_names=inputs,
                                    output_names=outputs, dynamic_shapes=dynamic)
    proto = program.model_proto
    for key, value in {"fashionrec_graph_version": GRAPH_VERSION, **meta}.items():
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


def _physical_cores() -> int:
    """The machine's physical cores (a core's hyper-threads counted once), as PyTorch's cpuinfo counts them; the
    logical CPUs where sysfs does not say."""
    cores = set()
    for cpu in range(os.cpu_count() or 1):
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            cores.add(((topology / "physical_package_id").read_text(), (topology / "core_id").read_text()))
        except OSError:
            return os.cpu_count() or 1
    return len(cores)


def default_threads() -> int:
    """As many threads as PyTorch uses: its own count where it is imported (so --threads and
    torch.set_num_threads keep their meaning), else the count it starts with, worked out without importing it
    (a text query imported torch for this alone, about 5 s of a CLI call at 40k, stop 77): ``OMP_NUM_THREADS``,
    else ``MKL_NUM_THREADS``, else the physical cores (PyTorch's intraop_default_num_threads)."""
    import sys

    if "torch" in sys.modules:
        return sys.modules["torch"].get_num_threads()
    chosen = 0
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):     # the later one wins, as in PyTorch
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            chosen = int(value)
    return chosen or _physical_cores()


def _session(graph: Path | bytes, threads: int | None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    # Idle threads that keep spinning after a run take the cores from the index search that follows
    # a photo's inference (photo query p50 12.7 -> 10.8 ms without spinning, 2 cores).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = str(graph) if isinstance(graph, Path) else graph
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


# Photos per ONNX Runtime call at most. On 2 cores the shipped ensemble tags 2,048 photos as fast in batches of
# 32, 64 or 256 (95-138 photos/s, run to run), but its 224x168 member's activations for 256 photos took the
# process to 4.1 GB, against 1.8 GB for 64 and 1.4 GB for 32 (/tmp/work/bsz.py, stop 29).
CPU_BATCH = 64


class OnnxTagger:
    """An exported tagger in an ONNX Runtime session; called like :func:`run_inference`."""

    def __init__(self, graph: Path | bytes, threads: int | None = None):
        self.session = _session(graph, threads)
        props = self.session.get_modelmeta().custom_metadata_map
        self.heads = json.loads(props["fashionrec_heads"])
        self.widths = [int(o.shape[1]) for o in self.session.get_outputs()]   # embedding dim, then classes
        self.path = graph if isinstance(graph, Path) else None    # None: held in memory only
        # An in-memory graph's bytes, kept so that the checkpoint it is then saved as can have it cached
        # (cache_graph) rather than exported a second time.
        self.graph = graph if isinstance(graph, bytes) else None

    def __call__(self, images: torch.Tensor, batch_size: int = 256, progress: bool = False,
                 desc: str = "inference") -> tuple[np.ndarray, dict[str, np.ndarray]]:
        if not takes(images):
            raise ModelError(f"the exported tagger takes uint8 images of shape (N, 3, 80, 60), got {images.dtype} "
                             f"{tuple(images.shape)}: run other sizes through Tagger.infer")
        data = images.numpy()
        batch_size = min(batch_size, CPU_BATCH)
        outs: list[list[np.ndarray]] = [[] for _ in range(1 + len(self.heads))]
        for start in tqdm(range(0, len(data), batch_size), desc=desc, disable=hidden(progress), unit="batch"):
            for acc, out in zip(outs, self.session.run(None, {"images": data[start:start + batch_size]}),
                                strict=True):
                acc.append(out)
        if not len(data):
            outs = [[np.zeros((0, w), np.float32)] for w in self.widths]
        return np.concatenate(outs[0]), {h: np.concatenate(o) for h, o in zip(self.heads, outs[1:], strict=True)}


def onnx_tagger(model: TaggerNet, weights_sha256: str, threads: int | None = None) -> OnnxTagger:
    """The cached ONNX graph for ``model`` (exported now if missing or unreadable) in a session ready to run."""
    return _cached(f"tagger-{graph_key(weights_sha256, model.description())}", lambda: export_graph(model),
                   lambda graph: OnnxTagger(graph, threads))


def cache_graph(model: TaggerNet, weights_sha256: str, graph: bytes) -> Path | None:
    """Cache ``graph``, exported from ``model``, as the graph of the weights file hashed ``weights_sha256``:
    the key :func:`onnx_tagger` looks it up by. Only for a model that file loads back to exactly (the caller
    checks). Returns the cached file, or None where the cache cannot be written (the next load then exports)."""
    path = cache_dir() / f"tagger-{graph_key(weights_sha256, model.description())}.onnx"
    if _file_state(path) is not None:
        return path
    try:
        write_with(path, lambda tmp: tmp.write_bytes(graph))     # whole or not at all: another reader never
    except (OSError, FashionrecError):                          # opens half a file
        return None
    return path


def _cached(name: str, export: Callable[[], bytes], open_: Callable[[Path | bytes], T]) -> T:
    path = cache_dir() / f"{name}.onnx"
    seen = _file_state(path)
    if seen is not None and (opened := _open_cached(path, open_)) is not None:
        return opened
    with _one_export_at_a_time(path):
        # Another process exported it while this one waited for the lock: its file, not an export of our own.
        if _file_state(path) not in (None, seen) and (opened := _open_cached(path, open_)) is not None:
            return opened
        # "A few seconds" was said where the shipped tagger's export took 16 CPU s, 66 s on a machine at load 14 (a new
        # user's first `tag`, stop 71): a wait that long, said as a few seconds, reads as a hang.
        log.info("exporting to ONNX (once per model and machine: about 15 s of CPU for the shipped tagger, a minute "
                 "or more on a busy machine): %s", path)
        graph = export()
        try:
            write_with(path, lambda tmp: tmp.write_bytes(graph))
        except (OSError, FashionrecError) as e:   # the folder cannot be written (write_with says so as the latter)
            log.warning("cannot cache the ONNX graph in %s (%s), so every start exports it again: set "
                        "FASHIONREC_CACHE to a writable folder", path.parent, e)
            return open_(graph)
    return open_(path)


def _open_cached(path: Path, open_: Callable[[Path | bytes], T]) -> T | None:
    """``open_(path)``, or None (said) where the file is truncated or damaged: it is exported again rather than
    left to PyTorch for good."""
    try:
        return open_(path)
    except Exception as e:
        log.warning("cached ONNX graph %s is unreadable (%s: %s); exporting it again", path, type(e).__name__, e)
        return None


def _file_state(path: Path) -> tuple[int, int] | None:
    """``path``'s size and modification time, or None where there is no file: whether it changed meanwhile."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


# Longer than the slowest export seen (the shipped ensemble: 20 CPU s, a few minutes on a loaded machine); past it
# the waiting process exports itself rather than hang behind a stuck one.
EXPORT_WAIT_S = 900


@contextlib.contextmanager
def _one_export_at_a_time(path: Path):
    """Hold ``path``'s export lock (a file beside it) while exporting it: processes starting together (the test
    suite's two workers, a server's processes) exported the same graph once each, 20 CPU s apiece for the shipped
    model; the second now waits and opens the first's file. Where the lock cannot be made (a cache folder that
    cannot be written) or is held past ``EXPORT_WAIT_S``, it exports without one, as before."""
    from filelock import FileLock, Timeout

    lock = None
    try:
        lock_path = path.with_name(f".{path.name}.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        # Made first: filelock waits on a file it cannot make as on one another process holds.
        lock_path.touch(exist_ok=True)
        lock = FileLock(lock_path)
        lock.acquire(timeout=EXPORT_WAIT_S)
    except Timeout:
        log.warning("another process has been exporting %s for over %d s; exporting it here too", path,
                    EXPORT_WAIT_S)
        lock = None
    except OSError:
        lock = None         # no lock where the folder cannot be written: the export says so when it caches
    try:
        yield
    finally:
        if lock is not None:
            lock.release()


# ---- the text encoder ------------------------------------------------------------------------------

_TEXT_PACKAGES = ("torch", "onnx", "onnxscript", "transformers", "sentence-transformers")


def text_graph_problem(encoder) -> str | None:
    """Why ``encoder`` (a SentenceTransformer) cannot run as the exported graph, or None if it can: the
    graph is transformer -> mean pooling -> L2 normalisation, the pipeline of the shipped MiniLM."""
    names = [type(m).__name__ for m in encoder]
    if names != ["Transformer", "Pooling", "Normalize"]:
        return f"its modules are {names}, not Transformer, Pooling, Normalize"
    pooling = encoder[1]
    if getattr(pooling, "pooling_mode", None) != "mean" or not getattr(pooling, "include_prompt", True):
        return f"it pools by {getattr(pooling, 'pooling_mode', '?')!r}, not by the mean of every token"
    return None


class OnnxTextEncoder:
    """A text model's network in an ONNX Runtime session; ``tokenize`` (texts -> token ids and attention mask,
    padded to the longest and cut at the model's max length) prepares the input."""

    def __init__(self, tokenize: Callable[[list[str]], tuple[np.ndarray, np.ndarray]], graph: Path | bytes,
                 threads: int | None = None):
        self.tokenize = tokenize
        self.session = _session(graph, threads)
        self.dim = int(self.session.get_outputs()[0].shape[1])
        self.path = graph if isinstance(graph, Path) else None

    def encode(self, texts: Sequence[str], batch_size: int = 128, progress: bool = False) -> np.ndarray:
        """Strings -> (n, d) float32, L2-normalised, in the order given."""
        out = np.zeros((len(texts), self.dim), np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")    # like lengths together: less padding
        for start in tqdm(range(0, len(texts), batch_size), desc="text", disable=hidden(progress), unit="batch"):
            rows = order[start:start + batch_size]
            ids, mask = self.tokenize([texts[i] for i in rows])
            out[rows] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


def _text_graph_name(weights: Path, model: str, max_seq_length: int) -> tuple[str, str]:
    """The cached text graph's file name (without .onnx) and the config it records."""
    config = json.dumps({"model": model, "max_seq_length": max_seq_length}, sort_keys=True)
    # (With the graph's module's source, which was this file's until stop 76.)
    # Read, not imported: importing it imports torch (5 s of a text query at 40k, stop 77). The same text as
    # inspect.getsource of the module gave, so the cached graphs keep their names.
    graph = Path(importlib.util.find_spec("fashionrec.onnx_graphs").origin).read_text(encoding="utf-8")
    return f"text-{_key([hashlib.sha256(weights.read_bytes()).hexdigest(), config], _TEXT_PACKAGES, [graph])}", config


def onnx_text_encoder(encoder, weights: Path, threads: int | None = None) -> OnnxTextEncoder:
    """The cached ONNX graph of a SentenceTransformer whose weights are the file ``weights``."""
    problem = text_graph_problem(encoder)
    if problem:
        raise ModelError(f"the text model cannot be exported: {problem}")
    transformer = encoder[0].auto_model.eval()
    name, config = _text_graph_name(weights, type(transformer).__name__, encoder.max_seq_length)

    def tokenize(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        tokens = encoder.preprocess(texts)
        return tokens["input_ids"].numpy(), tokens["attention_mask"].numpy()

    def export() -> bytes:
        import torch

        from fashionrec.onnx_graphs import TextGraph

        tokens = encoder.preprocess(["a short example", "a longer example sentence to export with"])
        dims = {0: torch.export.Dim("batch"), 1: torch.export.Dim("seq", max=encoder.max_seq_length)}
        # "embedding" would clash with a node inside the transformer's graph.
        with torch.no_grad():
            return _export(TextGraph(transformer).eval(), (tokens["input_ids"], tokens["attention_mask"]),
                           ["input_ids", "attention_mask"], ["sentence_embedding"], (dims, dims),
                           {"fashionrec_text_model": config})

    return _cached(name, export, lambda graph: OnnxTextEncoder(tokenize, graph, threads))


# What a folder's sentence-transformers pipeline must be for the graph to cover it (text_graph_problem's check,
# read from the folder's own files): a Transformer at the folder's root, mean pooling, normalisation.
_PLAIN_MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
                  "sentence_transformers.models.Normalize"]


def _folder_tokenizer(folder: Path, max_length: int) -> Callable[[list[str]], tuple[np.ndarray, np.ndarray]]:
    """sentence-transformers' tokenising (padding to the longest, longest-first truncation at ``max_length``)
    from the folder's tokenizer.json, without loading transformers."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    pad = json.loads((folder / "special_tokens_map.json").read_text())["pad_token"]
    pad = pad["content"] if isinstance(pad, dict) else pad
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id(pad), pad_token=pad)   # to the longest in the batch

    def tokenize(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        done = tokenizer.encode_batch(texts)
        return (np.array([e.ids for e in done], np.int64).reshape(len(texts), -1),
                np.array([e.attention_mask for e in done], np.int64).reshape(len(texts), -1))

    return tokenize


def cached_text_encoder(folder: Path, threads: int | None = None) -> OnnxTextEncoder | None:
    """The text graph of the sentence-transformers model in ``folder``, tokenised from the folder's own files,
    if it is already cached and the folder is the plain pipeline the graph covers; else None (then
    :func:`onnx_text_encoder` loads the model through sentence-transformers and exports it). A query then
    costs no sentence-transformers import and model load (about 4 CPU s per process, stop 70)."""
    try:
        modules = json.loads((folder / "modules.json").read_text())
        if [m["type"] for m in modules] != _PLAIN_MODULES or modules[0]["path"] != "":
            return None
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text())
        modes = {k: v for k, v in pooling.items() if k.startswith("pooling_mode_")}
        if modes.get("pooling_mode_mean_tokens") is not True or any(v for k, v in modes.items()
                                                                    if k != "pooling_mode_mean_tokens") \
                or pooling.get("include_prompt", True) is not True:
            return None
        settings = json.loads((folder / "sentence_bert_config.json").read_text())
        architectures = json.loads((folder / "config.json").read_text()).get("architectures") or []
        max_length = settings.get("max_seq_length")
        if settings.get("do_lower_case") or not isinstance(max_length, int) or len(architectures) != 1:
            return None
        name, _ = _text_graph_name(folder / "model.safetensors", architectures[0], max_length)
        path = cache_dir() / f"{name}.onnx"
        return OnnxTextEncoder(_folder_tokenizer(folder, max_length), path, threads) if path.exists() else None
    except Exception as e:   # anything unusual or unreadable: sentence-transformers' path, which always works
        log.debug("the text model's cached graph is not used without sentence-transformers: %s: %s",
                  type(e).__name__, e)
        return None
