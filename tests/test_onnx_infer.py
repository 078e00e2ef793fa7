"""ONNX Runtime inference: the same outputs as PyTorch for every model, a cache that is reused only for the
same model, and a fallback to PyTorch that is said out loud (or refused when ONNX was asked for)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import torch

import fashionrec.onnx_infer as onnx_infer
from fashionrec.errors import ModelError
from fashionrec.models import EnsembleNet, create_model
from fashionrec.tagger import Tagger, save_checkpoint

HEADS = {"articleType": 7, "gender": 3}
CLASSES = {h: [f"{h}{i}" for i in range(n)] for h, n in HEADS.items()}


def _checkpoint(name: str, folder: Path, seed: int = 0) -> Path:
    torch.manual_seed(seed)
    if name == "ensemble":
        model = EnsembleNet([create_model("fashion-cnn", HEADS), create_model("seed-cnn", HEADS)],
                            {"articleType": [0.7, 0.3], "gender": [0.2, 0.8]})
    else:
        model = create_model(name, HEADS)
    model.eval()
    # Non-trivial batch-norm statistics, so a graph exported in training mode would not pass.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    return save_checkpoint(model, CLASSES, {"name": f"{name}-{seed}"}, folder / f"{name}-{seed}")


def _images(n: int) -> torch.Tensor:
    return torch.randint(0, 256, (n, 3, 80, 60), dtype=torch.uint8, generator=torch.Generator().manual_seed(n))


@pytest.mark.parametrize("name", ["seed-cnn", "fashion-cnn", "efficientnet-lite0", "ensemble"])
def test_onnx_runtime_gives_pytorchs_outputs(name, tmp_path):
    path = _checkpoint(name, tmp_path)
    fast, slow = Tagger.load(path, runtime="onnx"), Tagger.load(path, runtime="torch")
    assert fast.onnx is not None and slow.onnx is None
    for n in (1, 5, 0):      # one photo, a batch (the batch size is not fixed at export), nothing
        vf, pf = fast.infer(_images(n), batch_size=4)
        vs, ps = slow.infer(_images(n), batch_size=4)
        assert vf.shape == vs.shape == (n, slow.dim) and vf.dtype == np.float32
        np.testing.assert_allclose(vf, vs, atol=1e-5)
        assert pf.keys() == ps.keys() == HEADS.keys()
        for h in HEADS:
            assert pf[h].shape == ps[h].shape == (n, HEADS[h])
            np.testing.assert_allclose(pf[h], ps[h], atol=1e-5)


def test_the_export_is_cached_per_model_and_described(tmp_path, monkeypatch):
    a = _checkpoint("fashion-cnn", tmp_path, seed=0)
    first = Tagger.load(a, runtime="onnx").onnx
    assert first.path.parent == onnx_infer.cache_dir() and first.path.exists()
    meta = first.session.get_modelmeta().custom_metadata_map
    assert '"fashion-cnn"' in meta["fashionrec_model"] and meta["fashionrec_heads"] == '["articleType", "gender"]'

    exports = []
    real = onnx_infer.export_graph
    monkeypatch.setattr(onnx_infer, "export_graph", lambda model, path: (exports.append(path), real(model, path)))
    again = Tagger.load(a, runtime="onnx").onnx          # same weights: the cached graph, no export
    assert again.path == first.path and exports == []
    b = _checkpoint("fashion-cnn", tmp_path, seed=1)      # same architecture, other weights: its own graph
    other = Tagger.load(b, runtime="onnx")
    assert exports == [other.onnx.path] and other.onnx.path != first.path
    x = _images(3)
    assert not np.allclose(other.infer(x)[0], Tagger.load(a, runtime="onnx").infer(x)[0])


def test_a_failed_export_falls_back_to_pytorch_with_a_warning(tmp_path, monkeypatch, caplog):
    path = _checkpoint("seed-cnn", tmp_path, seed=7)       # weights no other test exported (no cache hit)

    def broken(model, path):
        raise RuntimeError("operator not supported")

    monkeypatch.setattr(onnx_infer, "export_graph", broken)
    with caplog.at_level(logging.WARNING, logger="fashionrec.tagger"):
        tagger = Tagger.load(path, runtime="auto")
        vecs, _ = tagger.infer(_images(2))
    assert tagger.onnx is None and vecs.shape == (2, tagger.dim)
    assert "operator not supported" in caplog.text and "PyTorch" in caplog.text
    with pytest.raises(ModelError, match="operator not supported.*FASHIONREC_RUNTIME"):
        Tagger.load(path, runtime="onnx").infer(_images(1))


def test_without_onnxruntime_auto_uses_pytorch_and_onnx_says_what_to_install(tmp_path, monkeypatch):
    path = _checkpoint("seed-cnn", tmp_path)
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    assert Tagger.load(path, runtime="auto").onnx is None
    with pytest.raises(ModelError, match="pip install onnxruntime"):
        Tagger.load(path, runtime="onnx").infer(_images(1))


def test_the_runtime_comes_from_the_environment_and_unknown_names_are_refused(tmp_path, monkeypatch):
    path = _checkpoint("seed-cnn", tmp_path)
    monkeypatch.setenv("FASHIONREC_RUNTIME", "torch")
    assert Tagger.load(path).onnx is None
    assert Tagger.load(path, runtime="onnx").onnx is not None      # an explicit argument wins
    monkeypatch.setenv("FASHIONREC_RUNTIME", "tensorrt")
    with pytest.raises(ModelError, match="tensorrt.*auto, torch, onnx"):
        Tagger.load(path)


def test_an_in_memory_model_runs_on_pytorch(tmp_path):
    path = _checkpoint("seed-cnn", tmp_path)
    loaded = Tagger.load(path, runtime="auto")
    in_memory = Tagger(model=loaded.model, meta=loaded.meta, runtime="auto")
    assert in_memory.onnx is None
    np.testing.assert_allclose(in_memory.infer(_images(2))[0], loaded.infer(_images(2))[0], atol=1e-5)
