"""What a CLI call spends before its answer (stop 75): a verb's help imports no data library, and a query maps an
index's arrays rather than reading them, with the same answers."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from _recs_support import built_index, index_copy, shared_recommender

import fashionrec.cli  # noqa: F401  (first: cli_recs is imported through it)
from fashionrec.cli_recs import _load
from fashionrec.recommend import Recommender


def test_the_commands_help_imports_no_pandas_numpy_or_torch() -> None:
    # `fashionrec --help` imported pandas, numpy and PIL (1.2 s of its 1.9 s at load 8) for one function's text.
    code = ("import sys, fashionrec.cli; "
            "loaded = [m for m in ('pandas', 'numpy', 'PIL', 'torch') if m in sys.modules]; assert not loaded, loaded")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)


def test_a_query_verb_maps_the_index_arrays_and_answers_as_a_load_into_memory_does() -> None:
    # A `recommend` call read all 447 MB of a 40k index's arrays for the few rows its query looks at.
    mapped = _load(built_index(), warn_stale=False)
    assert isinstance(mapped.embeddings, np.memmap) and isinstance(mapped.text_embeddings, np.memmap)
    assert not mapped.embeddings.flags.writeable      # read-only: a query verb writes nothing back
    whole = shared_recommender()
    assert not isinstance(whole.embeddings, np.memmap)       # a server's (and a saving verb's) load, as before
    item = int(whole.items["id"].iloc[0])
    answers = [(r.id, r.score, r.reason) for r in whole.similar(item, k=8)]
    assert answers and [(r.id, r.score, r.reason) for r in mapped.similar(item, k=8)] == answers
    look = [(r.id, r.score) for r in whole.complete_the_look(item, k=4)]
    assert [(r.id, r.score) for r in mapped.complete_the_look(item, k=4)] == look
    assert np.array_equal(mapped.embeddings, whole.embeddings)
    assert not isinstance(whole.text_embeddings, np.memmap)


def test_an_edited_index_maps_its_photo_embeddings_and_keeps_the_edited_text_ones_in_memory(tmp_path) -> None:
    # An edit's generation writes the edited rows' text embeddings over the base's as it loads: onto a read-only
    # map that would raise, so those stay in memory; the photo embeddings are mapped all the same.
    folder = index_copy(tmp_path / "index")
    whole = Recommender.load(folder)
    item = int(whole.items["id"].iloc[0])
    whole.edit_product(item, {"year": 2001})      # (a year: no text to encode again)
    mapped = _load(folder, warn_stale=False)
    assert isinstance(mapped.embeddings, np.memmap) and not isinstance(mapped.text_embeddings, np.memmap)
    assert mapped.items.loc[item, "year"] == 2001
    assert np.array_equal(mapped.text_embeddings, whole.text_embeddings)


def test_a_query_by_id_a_look_and_index_check_import_no_torch_and_read_no_weights() -> None:
    # Every verb imported torch (16 s of a 22 s `recommend similar` at 40k under load) and read the tagger's weights
    # (2.5 s), where a query by id, a look or `index check` needs the model's description alone (stop 76).
    index = built_index()
    item = str(int(shared_recommender().items["id"].iloc[0]))
    verbs = [["recommend", "similar", item, "--index", str(index)], ["recommend", "outfit", item, "--index",
             str(index)], ["index", "check", "--index", str(index)]]
    code = ("import sys; from typer.testing import CliRunner; from fashionrec.cli import app\n"
            f"for args in {verbs!r}:\n"
            "    said = CliRunner().invoke(app, args); assert said.exit_code == 0, (args, said.output)\n"
            # (and no FastAPI: the answer is made by the API's schemas alone, without the app's routes: stop 77)
            "loaded = [m for m in ('torch', 'safetensors.torch', 'fastapi') if m in sys.modules]\n"
            "assert not loaded, loaded")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_tagger_opened_for_its_description_reads_its_weights_on_first_use(tmp_path) -> None:
    from _recs_support import FIXTURE, tiny_tagger_path

    from fashionrec.errors import ModelError
    from fashionrec.tagger import Tagger

    whole = Tagger.load(tiny_tagger_path(), runtime="torch")
    described = Tagger.load(tiny_tagger_path(), runtime="torch", weights_on_use=True)
    assert "model" not in described.__dict__
    assert (described.dim, described.sha256, described.classes) == (whole.dim, whole.sha256, whole.classes)
    assert "model" not in described.__dict__          # its dimension and fingerprint: without the weights
    photo = next((FIXTURE / "images").glob("*.jpg"))
    # Read on first use (through its ONNX session too, opened under a lock of its own), as a load reads them.
    assert described.predict([photo], views=False) == whole.predict([photo], views=False)
    assert described.model.feature_dim == whole.dim
    # Weights replaced between opening and first use are not run under the fingerprint checked at opening.
    copy = tmp_path / "m.safetensors"
    copy.write_bytes(tiny_tagger_path().read_bytes())
    copy.with_suffix(".json").write_text(tiny_tagger_path().with_suffix(".json").read_text())
    opened = Tagger.load(copy, runtime="torch", weights_on_use=True)
    assert opened.sha256 == whole.sha256
    copy.write_bytes(copy.read_bytes()[:-4] + b"\0\0\0\0")
    with pytest.raises(ModelError, match="changed since it was opened"):
        opened.predict([photo], views=False)


def test_a_text_query_imports_no_torch_and_its_onnx_threads_are_torchs_count() -> None:
    # A text query imported torch (5 s of a 20 s `recommend text` at 40k) to name its cached graph (the graphs'
    # module's source, read by importing it) and to ask torch its thread count (stop 77). The count worked out
    # without torch must be the one torch then gives.
    from fashionrec.text_encoder import _text_onnx

    assert _text_onnx() is not None         # its graph cached (exported once a run) for the process below
    index = built_index()
    args = ["recommend", "text", "black dress", "--index", str(index), "--json"]
    code = ("import sys; from typer.testing import CliRunner; from fashionrec.cli import app\n"
            f"said = CliRunner().invoke(app, {args!r}); assert said.exit_code == 0, said.output\n"
            "loaded = [m for m in ('torch', 'sentence_transformers', 'transformers', 'fastapi') if m in sys.modules]\n"
            "assert not loaded, loaded\n"
            "from fashionrec.onnx_infer import default_threads; counted = default_threads(); import torch\n"
            "assert counted == torch.get_num_threads(), (counted, torch.get_num_threads())")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_onnx_threads_without_torch_follow_the_variables_torch_reads(monkeypatch) -> None:
    from fashionrec.onnx_infer import default_threads

    monkeypatch.delitem(sys.modules, "torch", raising=False)     # as in a process that has not imported it
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    cores = default_threads()
    assert 1 <= cores <= (os.cpu_count() or 1)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert default_threads() == 3
    monkeypatch.setenv("MKL_NUM_THREADS", "5")      # read after OMP_NUM_THREADS: it wins, as in PyTorch
    assert default_threads() == 5
    monkeypatch.setenv("MKL_NUM_THREADS", "0")      # not a count: the one before stands
    assert default_threads() == 3
