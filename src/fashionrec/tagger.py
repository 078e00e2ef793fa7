"""A trained tagger: checkpoint I/O, batched inference, attribute prediction and embeddings.

A checkpoint is two files side by side: ``<stem>.safetensors`` (weights only, no pickle) and
``<stem>.json`` (model name, class names per head, preprocessing, training config, split, metrics),
so any script can rebuild the model from the files alone.

Example:
    >>> tagger = Tagger.load()                      # the shipped model  # doctest: +SKIP
    >>> tagger.predict([Image.open("shirt.jpg")])[0]["articleType"][0]  # doctest: +SKIP
    ('Shirts', 0.97)
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import hashlib
import json
import logging
import numbers
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from fashionrec.artifacts import write_with_json
from fashionrec.catalog import to_rgb
from fashionrec.errors import BadInputError, ModelError
from fashionrec.onnx_infer import (
    OnnxTagger,
    cache_graph,
    export_graph,
    onnx_tagger,
    open_runtime,
    requested_runtime,
    takes,
)
from fashionrec.photo_store import fit_to_store
from fashionrec.progress import hidden
from fashionrec.view_choice import look_again, worth_views

# torch, safetensors and the networks are imported where a model is built or run, not here: a query by id, a look
# or `index check` needs the model's description alone, and `import torch` took 16 s of a 22 s `recommend similar`
# at 40k under load (stop 76).
if TYPE_CHECKING:
    import torch

    from fashionrec.models import TaggerNet

log = logging.getLogger(__name__)

SHIPPED_MODEL = Path(__file__).parent / "assets" / "model" / "tagger.safetensors"


DEVICES = re.compile(r"auto|cpu|cuda(?::\d+)?")      # what --device takes


def resolve_device(device: str = "auto") -> torch.device:
    import torch

    if not DEVICES.fullmatch(str(device)):
        # `evaluate --device tpu` ended in PyTorch's traceback (an ML engineer's trial).
        raise ModelError(f"device (--device) must be auto, cpu, cuda or cuda:N, not {device!r}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError("device cuda asked for, but PyTorch sees no CUDA GPU; use device cpu (--device cpu)")
    return torch.device(device)


def round_to(model: torch.nn.Module, dtype: torch.dtype) -> None:
    """Round every floating-point weight of ``model`` to ``dtype`` and back, in place, so that what is measured
    next is what a checkpoint saved with that ``dtype`` holds (``--half``)."""
    import torch

    with torch.no_grad():
        for t in model.state_dict().values():
            if t.is_floating_point():
                t.copy_(t.to(dtype).float())


def save_checkpoint(model: TaggerNet, classes: dict[str, list[str]], meta: dict, stem: str | Path,
                    dtype: torch.dtype | None = None) -> Path:
    """Write ``stem.safetensors`` and ``stem.json`` atomically; returns the weights path.

    ``dtype`` (e.g. ``torch.float16``) stores floating-point tensors smaller; loading casts them back to the
    model's float32.
    """
    from safetensors.torch import save_file

    stem = Path(stem)
    weights = stem.with_suffix(".safetensors")
    state = {k: v.detach().to("cpu", dtype=dtype if dtype is not None and v.is_floating_point() else v.dtype)
             .contiguous() for k, v in model.state_dict().items()}
    created = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")       # when these weights were written
    # The pair made aside and put in place together: one after the other, a stop between them left weights
    # beside another model's description, a model no command could load (a review).
    write_with_json(weights, lambda tmp: save_file(state, str(tmp), metadata={"format": "pt"}),
                    stem.with_suffix(".json"),
                    lambda tmp: {**model.description(), "classes": classes, "created": created, **meta})
    return weights


def resolve_checkpoint(path: str | Path | None) -> Path:
    """The weights file ``path`` names: itself, its JSON's twin, a run folder's best, or the shipped model."""
    if path is None:
        path = SHIPPED_MODEL
    path = Path(path)
    if path.is_dir():
        for candidate in (path / "weights" / "best.safetensors", path / "best.safetensors",
                          path / "tagger.safetensors"):
            if candidate.exists():
                return candidate
        raise ModelError(f"no checkpoint in {path}: expected weights/best.safetensors (a train run folder)")
    given = path
    if path.suffix == ".json":
        path = path.with_suffix(".safetensors")
    if not path.exists():
        # Named as given: "check.json" said "checkpoint check.safetensors not found".
        if given != path and given.exists():
            # A run's config.json was said "not found" (a code review): it is there, with no weights beside it.
            raise ModelError(f"{given} is no checkpoint's description: no {path.name} beside it; give a checkpoint "
                             "(.safetensors), a `fashionrec train` run folder, or omit the model (--model; Python: "
                             "model=None) to use the shipped model")
        raise ModelError(f"checkpoint {given} not found; train one with `fashionrec train` or omit "
                         "--model (in Python, give None) to use the shipped model")
    if path.suffix != ".safetensors":
        # "shop/styles.csv" said "shop/styles.json is missing" (an ML engineer's trial).
        raise ModelError(f"{given} is not a checkpoint: give its .safetensors file (a JSON description beside it), "
                         "a `fashionrec train` run folder, or omit --model to use the shipped model")
    if not path.with_suffix(".json").exists():
        raise ModelError(f"{path.with_suffix('.json')} is missing: a checkpoint needs its JSON description")
    return path


def _build(name: str, pre: dict, sizes: dict[str, int], weights: Path) -> TaggerNet:
    from fashionrec.models import MODEL_SPECS, ModelSpec, create_model

    if name not in MODEL_SPECS:
        raise ModelError(f"checkpoint {weights} is for unknown model {name!r}")
    model = create_model(name, sizes, pretrained=False)
    model.spec = ModelSpec(name=pre["name"], height=pre["height"], width=pre["width"],
                           mean=tuple(pre["mean"]), std=tuple(pre["std"]), description=pre["description"])
    return model


def load_checkpoint(path: str | Path | None = None, device: str = "cpu") -> tuple[TaggerNet, dict]:
    """Rebuild a model from ``path`` (weights, its JSON, or a run folder; None: the shipped model)."""
    model, meta, _ = _read_checkpoint(path, device)
    return model, meta


def _read_checkpoint(path: str | Path | None, device: str) -> tuple[TaggerNet, dict, str]:
    """(model, description, SHA-256 of the weights): the hash is of the very bytes the weights came from,
    so a file replaced after loading (training rewrites best.safetensors) cannot be recorded under it."""
    weights = resolve_checkpoint(path)
    meta = _read_description(weights)
    model, sha = _read_weights(weights, meta, device)
    return model, meta, sha


def _read_description(weights: Path) -> dict:
    """The JSON description beside the checkpoint ``weights``, checked as far as reading it needs no network."""
    described = weights.with_suffix(".json")
    try:
        meta = json.loads(described.read_text(encoding="utf-8"))
        meta["model"]                                           # (checked: each must be there,
        {h: len(c) for h, c in meta["classes"].items()}         # classes a table of lists)
    # Not UTF-8, a JSON list, classes not a table of lists: each a traceback, or a message without the file's
    # name (a code review's damaged descriptions).
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ModelError(f"{described} is not a fashionrec checkpoint description: {e}") from e
    return meta


def _read_weights(weights: Path, meta: dict, device: str) -> tuple[TaggerNet, str]:
    """The network ``meta`` describes with the weights of the file ``weights``, and those bytes' SHA-256."""
    from safetensors.torch import load as load_weights

    from fashionrec.models import ENSEMBLE_SPEC, EnsembleNet

    described, name = weights.with_suffix(".json"), meta["model"]
    sizes = {h: len(c) for h, c in meta["classes"].items()}
    try:
        if name == ENSEMBLE_SPEC.name:
            try:
                model = EnsembleNet([_build(m["model"], m["preprocessing"], sizes, weights)
                                     for m in meta["members"]], meta["weights"], probe=meta.get("probe_weights"))
            except KeyError as e:
                raise ModelError(f"{described} describes an ensemble without {e}") from e
        else:
            model = _build(name, meta["preprocessing"], sizes, weights)
    except (KeyError, TypeError, ValueError) as e:
        # Its preprocessing left out or damaged: a KeyError's traceback before.
        raise ModelError(f"{described} is not a whole fashionrec checkpoint description ({type(e).__name__}: {e}; "
                         "its model's preprocessing is left out or damaged?)") from e
    data = weights.read_bytes()
    try:
        model.load_state_dict(load_weights(data))
    except Exception as e:   # safetensors raises its own error types for a damaged file
        raise ModelError(f"weights in {weights} do not match model {name} or are damaged: {e}") from e
    model.to(resolve_device(device)).eval()
    return model, hashlib.sha256(data).hexdigest()


def run_inference(model: TaggerNet, images: torch.Tensor, batch_size: int = 256, device: str | None = None,
                  progress: bool = False, desc: str = "inference") -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(N, 3, 80, 60) uint8 -> (embeddings (N, D) float32, {head: probabilities (N, C) float32}).

    Batches are taken in order, so row i of every output belongs to image i.
    """
    import torch

    with torch.inference_mode():
        return _run_inference(model, images, batch_size, device, progress, desc)


def _run_inference(model, images, batch_size, device, progress, desc):
    import torch

    from fashionrec.data import preprocess

    model.eval()
    dev = next(model.parameters()).device if device is None else torch.device(device)
    feats, probs = [], {h: [] for h in model.heads}
    use_bf16 = dev.type == "cuda"
    for start in tqdm(range(0, len(images), batch_size), desc=desc, disable=hidden(progress), unit="batch"):
        x = preprocess(images[start:start + batch_size].to(dev), model.spec)
        x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=use_bf16):
            f = model.forward_features(x)
            out = model.forward_head(f)
        feats.append(model.embedding(f).float().cpu())
        for h, logits in out.items():
            probs[h].append(torch.softmax(logits.float(), dim=1).cpu())
    d = model.feature_dim
    features = torch.cat(feats).numpy() if feats else np.zeros((0, d), np.float32)
    return features, {h: (torch.cat(p).numpy() if p else np.zeros((0, len(model.heads[h].weight)), np.float32))
                      for h, p in probs.items()}


def l2_normalise(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)).astype(np.float32)


@dataclasses.dataclass
class Tagger:
    """A loaded model plus its description; the verbs the recommender and the service use."""

    model: TaggerNet
    meta: dict
    path: Path | None = None
    runtime: str = "torch"   # "auto": ONNX Runtime where it can run (see fashionrec.onnx_infer), "onnx", "torch"
    weights_sha256: str | None = None   # of the bytes the weights were loaded from; None: hash path lazily
    # A model no file holds (``fashionrec probe``'s, before it is saved) goes to ONNX Runtime too, exported in
    # memory each time rather than cached by a file's hash.
    export_in_memory: bool = False
    _runtime_from: str = dataclasses.field(default="argument", repr=False)
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False, compare=False)

    def __repr__(self) -> str:
        # The dataclass's own printed the module tree and the whole description: 42,339 characters in a notebook
        # cell (a Python user's trial).
        heads = ", ".join(f"{h} {len(c)}" for h, c in self.classes.items())
        return (f"Tagger({self.name!r}, {self.path}, heads: {heads}; .meta for its description, .model for the "
                "network)")

    @classmethod
    def load(cls, path: str | Path | None = None, device: str = "cpu", runtime: str | None = None,
             weights_on_use: bool = False) -> Tagger:
        """Load a checkpoint; ``runtime`` None means ``$FASHIONREC_RUNTIME`` or ``auto``.

        ``weights_on_use``: read its description now and its weights (with torch) when :attr:`model` is first
        used: a query by id, a look or ``index check`` needs the description alone (its classes, dimension,
        levels, temperatures), and loading the weights took 2.5 s of such a call at 40k, importing torch 16 s
        (stop 76). Its :attr:`sha256` is then the file's as it is now, and the weights read later must have it.
        """
        runtime_from = "argument" if runtime else "FASHIONREC_RUNTIME"
        if weights_on_use:
            weights = resolve_checkpoint(path)
            tagger = cls(model=None, meta=_read_description(weights), path=weights,
                         runtime=requested_runtime(runtime), _runtime_from=runtime_from)
            del tagger.model        # read by __getattr__ on first use
            # Its own lock, not _lock: the ONNX session, opened under _lock, reads the model (a lock of its own held
            # twice would wait for itself).
            tagger.__dict__.update(_device=device, _weights_lock=threading.Lock())
            return tagger
        model, meta, sha = _read_checkpoint(path, device)
        return cls(model=model, meta=meta, path=resolve_checkpoint(path), runtime=requested_runtime(runtime),
                   weights_sha256=sha, _runtime_from=runtime_from)

    def __getattr__(self, name: str):
        # Only for a tagger loaded with weights_on_use, whose ``model`` is not yet read (every other attribute is
        # found without this method).
        if name != "model" or "_device" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        with self.__dict__["_weights_lock"]:
            if "model" not in self.__dict__:
                model, sha = _read_weights(self.path, self.meta, self.__dict__["_device"])
                if sha != self.sha256:
                    # Its fingerprint was compared with the index's before the weights were read: weights
                    # replaced since (a training run rewrites best.safetensors) are not served under it.
                    raise ModelError(f"checkpoint {self.path} changed since it was opened (its weights are not the "
                                     "ones its fingerprint was checked for): run the command again")
                self.weights_sha256 = sha
                self.__dict__["model"] = model
            return self.__dict__["model"]

    @property
    def name(self) -> str:
        return self.meta.get("name", self.meta["model"])

    @functools.cached_property
    def sha256(self) -> str | None:
        """Fingerprint of the weights file (None for a model not loaded from one): what an index records."""
        if self.weights_sha256:
            return self.weights_sha256
        return hashlib.sha256(self.path.read_bytes()).hexdigest() if self.path else None

    @property
    def classes(self) -> dict[str, list[str]]:
        return self.meta["classes"]

    @property
    def preprocessing(self) -> list[dict]:
        """How the model reads a photo: one dict per network that reads it, in order (``name``, the network's; input
        ``height`` and ``width``, ``mean``, ``std``, ``description``), a single model's own or each member's of an
        ensemble.

        An ensemble's ``meta["preprocessing"]`` is its input alone (the stored 80x60 photo, mean 0, std 1), which
        its members each resize and normalise for themselves; read as the model's it says 80x60 of members that
        read 224x168 and 128x96 ImageNet-normalised (an ML engineer's trial, stop 75).

            >>> [(p["name"], p["height"]) for p in Tagger.load().preprocessing]   # doctest: +SKIP
            [('efficientnet-lite0', 224), ('efficientnet-lite0', 128)]
        """
        members = member_preprocessing(self.meta)
        if members is None:
            return [{"name": self.meta["model"], **self.meta["preprocessing"]}]
        return [{"name": m["model"], **m["preprocessing"]} for m in members]

    @property
    def dim(self) -> int:
        described = self.meta.get("feature_dim")
        if "model" not in self.__dict__ and isinstance(described, int) and not isinstance(described, bool):
            return described       # its weights not read yet: the dimension its description records
        return self.model.feature_dim

    @property
    def onnx(self) -> OnnxTagger | None:
        """The ONNX Runtime session inference goes through, or None where PyTorch runs it."""
        with self._lock:            # request threads arriving together export once, not once each
            if "_onnx_session" not in self.__dict__:
                self.__dict__["_onnx_session"] = self._open_onnx()
            return self.__dict__["_onnx_session"]

    def _open_onnx(self) -> OnnxTagger | None:
        problem, fix = None, ""
        if next(self.model.parameters()).device.type != "cpu":
            problem, fix = "the model is on a GPU (ONNX Runtime is used on CPU only)", "load it with device='cpu'"
        elif self.path is None and not self.export_in_memory:
            problem = "the model was not loaded from a checkpoint file (its export is cached by the file's hash)"
            fix = "load it with Tagger.load(path)"
        instead = "FASHIONREC_RUNTIME=torch" if self._runtime_from == "FASHIONREC_RUNTIME" else "runtime='torch'"
        export = ((lambda: OnnxTagger(export_graph(self.model))) if self.path is None
                  else (lambda: onnx_tagger(self.model, self.sha256)))
        return open_runtime(self.runtime, self.name, export, problem, fix, instead)

    def cache_export_as(self, path: Path) -> bool:
        """Cache the graph this in-memory model was exported to as the graph of the checkpoint ``path`` it was just
        saved as, where that file loads back to this very network (description, and every tensor's values and
        dtype): ``evaluate``, ``tag`` or a server of the saved run then open it instead of exporting the same network
        again (``fashionrec probe`` exported its final model in memory, then ``evaluate`` of its run exported it a
        second time under the file's hash). Returns whether it was cached."""
        session = self.__dict__.get("_onnx_session")
        if session is None or session.graph is None:
            return False
        import torch

        saved = Tagger.load(path, runtime="torch")
        mine, theirs = self.model.state_dict(), saved.model.state_dict()
        same = (saved.model.description() == self.model.description() and mine.keys() == theirs.keys()
                and all(mine[k].dtype == theirs[k].dtype and torch.equal(mine[k], theirs[k]) for k in mine))
        return same and cache_graph(saved.model, saved.sha256, session.graph) is not None

    def infer(self, images: torch.Tensor, batch_size: int = 256, progress: bool = False):
        """(N, 3, 80, 60) uint8 -> (L2-normalised embeddings (N, D) float32, {head: probs (N, C)}).

        The exported graph takes the stored catalogue size only; other sizes run on PyTorch, whose
        preprocessing resizes them as training did.
        """
        if takes(images) and self.onnx is not None:
            feats, probs = self.onnx(images, batch_size=batch_size, progress=progress)
        else:
            feats, probs = run_inference(self.model, images, batch_size=batch_size, progress=progress)
        return l2_normalise(feats), probs

    def warm_up(self) -> None:
        """Run one blank photo through the model: exports or loads the ONNX graph, so no request waits on it."""
        import torch

        self.infer(torch.full((1, 3, 80, 60), 255, dtype=torch.uint8))

    def embed(self, images) -> np.ndarray:
        """Photos (as :meth:`predict` takes them; a flat one too) -> (N, D) float32, L2-normalised."""
        from fashionrec.data import images_to_tensor

        photos = self._photos(images, check=False)
        if not photos:      # as predict gives [] for none (stacking none failed)
            return np.zeros((0, self.dim), np.float32)
        return self.infer(images_to_tensor(photos))[0]

    def predict(self, images, top: int = 3, views: bool = True) -> list[dict[str, list[tuple[str, float]]]]:
        """Photos (one alone, or a list; each a PIL image, an image file's path, its bytes, a file object or a
        uint8 numpy array: :func:`~fashionrec.catalog.as_photo`) -> per photo ``{head: [(label, calibrated
        probability), ...]}`` best first, in the order given; [] for none. ``top``: how many labels per head.

        A photo that does not read as a catalogue photo (as wide as tall or wider, its product small on a plain
        backdrop, or its type unsure as it is) is read through its views (cropped, relit, turned a quarter either
        way), the one the tagger is surest of (:mod:`fashionrec.view_choice`); ``views=False``: every photo as it
        is. Photo search (:meth:`~fashionrec.recommend.Recommender.photo_query`; the API's ``/api/classify``)
        chooses among the same views by the index, better where a busy backdrop's product must be cut out. A
        4-d array is a batch of photos.

        A photo that cannot be read, or that shows no product (one flat colour, under 32 pixels: the API and
        the CLI refuse these too, as the model would label them confidently), stops the call with
        :class:`~fashionrec.errors.BadInputError` naming it; :func:`fashionrec.tagging.tag` keeps going and
        gives such a photo a row saying why.

            >>> Tagger.load().predict(["images/15970.jpg"])[0]["articleType"][0]   # doctest: +SKIP
            ('Shirts', 0.98...)
        """
        if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
            raise BadInputError(f"top must be a whole number of labels, 1 or more, got {top!r}")
        photos = self._photos(images)
        if not photos:
            return []
        rgb = [to_rgb(im) for im in photos]
        stored = np.stack([fit_to_store(im) for im in rgb])         # (N, 3, 80, 60) uint8
        import torch  # (here, where a model runs: see the imports above)

        _, probs = self.infer(torch.from_numpy(stored))
        if views:
            worth = np.array([worth_views(im, s) for im, s in zip(rgb, stored, strict=True)])
            for row, reading in look_again(self, probs, worth, rgb.__getitem__).items():
                reading.put(probs, row)
        return [self.decode(probs, i, top) for i in range(len(photos))]

    @staticmethod
    def _photos(images, check: bool = True) -> list[Image.Image]:
        """The photos given, each read and, with ``check``, checked as one: :class:`BadInputError` naming the
        first that cannot be tagged."""
        from fashionrec.catalog import as_photo, check_photo, one_or_many_photos

        given, photos = one_or_many_photos(images), []
        for i, im in enumerate(given):
            named = isinstance(im, (str, Path))
            name = f"photo {i + 1} of {len(given)}" + (f" ({im})" if named else "")
            try:
                photo = as_photo(im)
                if check:
                    check_photo(photo)
            except (OSError, ValueError) as e:
                said = str(e).replace(f" {im}", "") if named else str(e)
                raise BadInputError(f"cannot tag {name}: {said}") from e
            photos.append(photo)
        return photos

    @functools.cached_property
    def levels(self) -> dict[str, dict[str, dict[str, float]]]:
        """``{level: {type: {value: share}}}`` for the category levels this model reads from its type
        (:mod:`fashionrec.levels`); {} for a checkpoint that records none."""
        from fashionrec.levels import check_levels

        recorded = self.meta.get("levels")
        levels = check_levels(recorded, self.classes)
        # A hand-edited or damaged table: said, not dropped without a word.
        dropped = sorted(map(str, set(recorded) - set(levels))) if isinstance(recorded, dict) else \
            (["levels"] if recorded else [])
        if dropped:
            log.warning("%s: the levels %s in its JSON do not cover every type with shares of known values; "
                        "those are shown as their heads give them", self.path or self.name, ", ".join(dropped))
        return levels

    @functools.cached_property
    def level_shares(self) -> dict[str, np.ndarray]:
        """:attr:`levels` as the matrices :func:`~fashionrec.levels.from_type` multiplies by, made once."""
        from fashionrec.levels import share_matrices

        return share_matrices(self.classes, self.levels)

    def calibrate(self, probs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Raw head probabilities (what :meth:`infer` returns) -> the ones to show: rescaled by the
        checkpoint's temperatures where ``fashionrec calibrate`` fitted them (:mod:`fashionrec.calibration`),
        and the group and category read from the type where the checkpoint records how (:attr:`levels`)."""
        from fashionrec.calibration import apply_temperature
        from fashionrec.levels import from_type

        temps = (self.meta.get("calibration") or {}).get("temperature", {})
        shown = {h: apply_temperature(p, float(temps.get(h, 1.0))) for h, p in probs.items()}
        return from_type(shown, self.level_shares)

    def levels_shown(self, probs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """``{level: probabilities as shown}`` for the levels read from the type (:attr:`levels`): what
        :func:`~fashionrec.evaluate.evaluate_predictions` scores them on (``read_from_type``)."""
        shown = self.calibrate({h: p for h, p in probs.items() if h == "articleType" or h in self.levels})
        return {h: shown[h] for h in self.levels if h in shown}

    def decode(self, probs: dict[str, np.ndarray], row: int, top: int = 3) -> dict[str, list[tuple[str, float]]]:
        """One row of raw probabilities -> ``{head: [(label, calibrated probability), ...]}`` best first."""
        shown = self.calibrate({h: p[row:row + 1] for h, p in probs.items()})
        out = {}
        for head, p in shown.items():
            order = np.argsort(-p[0])[:top]
            out[head] = [(self.classes[head][j], float(p[0, j])) for j in order]
        return out


def member_preprocessing(meta: dict) -> list[dict] | None:
    """How each member of an ensemble reads a photo, from its description ``meta``: ``[{"model", "weight" (its
    articleType blend weight), "preprocessing" (input height and width, mean, std)}]``; None for a single model.
    An ensemble's own ``preprocessing`` is its input alone (the stored 80x60 photo scaled to [0, 1], mean 0, std 1:
    :data:`~fashionrec.models.ensemble.ENSEMBLE_SPEC`), which a description that gave only it read as the
    model's (tags.json, an ML engineer's trial at stop 65: "80x60, mean 0, std 1" for 224x168 and 128x96
    ImageNet-normalised members).

        >>> [m["preprocessing"]["height"] for m in member_preprocessing(Tagger.load().meta)]   # doctest: +SKIP
        [224, 128]
    """
    members = meta.get("members")
    if not members:
        return None
    weights = meta.get("weights")
    if isinstance(weights, dict):       # per head: articleType's, as the embedding's scaling uses
        weights = weights.get("articleType", next(iter(weights.values()), None))
    weights = weights if isinstance(weights, list) and len(weights) == len(members) else [None] * len(members)
    return [{"model": m.get("model"), "weight": w, "preprocessing": m.get("preprocessing")}
            for m, w in zip(members, weights, strict=True)]


# The parts of a model's description its photo embeddings depend on, besides its weights: an ensemble scales
# each member's features by the square root of its blend weight, so the same weights file blended otherwise
# embeds otherwise (re-weighted into the same folder, an index was served with queries at cosine 0.63 to their
# own products; a review). Not its calibration, probe or metrics, which change its predictions only.
EMBEDDING_KEYS = ("model", "preprocessing", "feature_dim", "weights", "members")


def embedding_sha256(tagger: Tagger) -> str:
    """The SHA-256 of what a model's photo embeddings depend on in its description (:data:`EMBEDDING_KEYS`)."""
    return hashlib.sha256(json.dumps({k: tagger.meta.get(k) for k in EMBEDDING_KEYS}, sort_keys=True,
                                     default=str).encode()).hexdigest()
