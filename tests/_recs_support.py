"""Shared, built-once objects for the recommender tests: a tiny random tagger and an index of the fixture."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import torch

from fashionrec.catalog import ATTRIBUTES, Catalog, load_catalog
from fashionrec.data import LabelSpace, load_image_tensor, preprocess
from fashionrec.models import create_model
from fashionrec.recommend import Recommender
from fashionrec.tagger import Tagger, save_checkpoint

FIXTURE = Path(__file__).parent / "fixtures" / "catalog"


@functools.cache
def workdir() -> Path:
    """One scratch folder per test session, removed when the session's process ends (each left 5 MB behind)."""
    path = Path(tempfile.mkdtemp(prefix="fashionrec-recs-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@functools.cache
def fixture_catalog() -> Catalog:
    return load_catalog(FIXTURE, progress=False)


@functools.cache
def tiny_tagger_path() -> Path:
    torch.manual_seed(0)
    classes = LabelSpace.from_frame(fixture_catalog().usable, ATTRIBUTES).classes
    model = create_model("fashion-cnn", {h: len(c) for h, c in classes.items()})
    # Calibrate batch norm on the fixture images so random embeddings differ between products
    # (with untouched running stats every photo maps to nearly the same vector).
    images = load_image_tensor(fixture_catalog().usable["image_path"].tolist(), progress=False)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        model(preprocess(images, model.spec))
    model.eval()
    return save_checkpoint(model, classes, {"name": "test"}, workdir() / "m")


BACKENDS = ("faiss", "milvus")     # every recommender test runs on both (milvus: Milvus Lite file)


@functools.cache
def built_index(backend: str = "faiss") -> Path:
    """Build once per session; tests that change an index work on a copy (see ``index_copy``). The Milvus one is
    built over a copy of the FAISS folder, whose embeddings it takes (as ``index_copy`` does): embedding the
    fixture's photos and texts once is enough."""
    out = workdir() / f"index-{backend}"
    if backend != "faiss":
        shutil.copytree(built_index(), out)
    Recommender.build(fixture_catalog(), Tagger.load(tiny_tagger_path()), out, progress=False, backend=backend)
    return out


@functools.cache
def shared_recommender(backend: str = "faiss") -> Recommender:
    return Recommender.load(built_index(backend))


def index_copy(dest: Path, backend: str = "faiss") -> Path:
    """An index folder a test may change. A Milvus folder only points at its collection, so it is rebuilt: over a
    copy of the FAISS folder, whose photo and text embeddings the build takes (fashionrec.index_reuse) instead of
    computing them again (two thirds of a build's time). ``backend="hnsw"``: FAISS with an HNSW graph."""
    shutil.copytree(built_index(), dest)
    if backend == "hnsw":       # FAISS's HNSW graph, which the fixture's few products are too few for by themselves
        Recommender.build(fixture_catalog(), Tagger.load(tiny_tagger_path()), dest, progress=False, index_kind="hnsw")
    if backend == "milvus":
        Recommender.build(fixture_catalog(), Tagger.load(tiny_tagger_path()), dest, progress=False,
                          backend="milvus")
    return dest


# Run in a process of its own by export_in_fresh_process: forked workers are taken only where no other thread runs,
# and a pytest worker may hold Milvus Lite's gRPC threads from an earlier test file (stop 69: a fork beside them hung).
_EXPORT_JOBS = r"""
import json, sys
from fashionrec.errors import DamagedFileError
from fashionrec.rec_export import _other_threads, export_recommendations
from fashionrec.recommend import Recommender

index, model, jobs = json.loads(sys.argv[1])
rec = Recommender.load(index, model)
look = Recommender.complete_the_look
last = int(rec.items["id"].iloc[-1])
answers = []
for job in jobs:
    stop = {"DamagedFileError": DamagedFileError("the look's table is damaged"),
            "KeyboardInterrupt": KeyboardInterrupt()}.get(job.get("stop_at_last"))

    def stopped(self, item_id, k=4, stop=stop):
        if stop is not None and item_id == last:
            raise stop
        return look(self, item_id, k)

    Recommender.complete_the_look = stopped
    threads = _other_threads()
    try:
        answers.append({"threads": threads, "summary": export_recommendations(rec, job["out"], progress=False,
                                                                              **job.get("kwargs", {}))})
    except Exception as e:
        answers.append({"threads": threads, "error": type(e).__name__, "message": str(e)})
print(json.dumps(answers))
"""


def export_in_fresh_process(index_dir: Path, jobs: list[dict], model: Path | None = None) -> list[dict]:
    """``recommend export``'s jobs (``out``, ``kwargs`` of export_recommendations, ``stop_at_last``: an error the
    index's last product's look raises) run in a new Python process on ``index_dir``: each one's summary, or its
    error's type and message, and the threads besides the main one alive before it."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _EXPORT_JOBS,
                           json.dumps([str(index_dir), str(model) if model else None, jobs])],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
