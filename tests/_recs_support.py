"""Shared, built-once objects for the recommender tests: a tiny random tagger and an index of the fixture."""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import torch
from filelock import FileLock

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


def made_once(name: str, make: Callable[[Path], Path]) -> Path:
    """What ``make(folder)`` returns, made in ``folder`` once for the whole test run: by the first pytest-xdist
    worker that asks, under a file lock while the other waits, then taken as it is (both workers built the same
    tiny tagger and index, about 13 CPU s each, and exported the same graphs from them: stop 69's count). The
    folder is the run's shared one (tests/conftest.py sets ``FASHIONREC_TEST_SHARED``), else this process's."""
    root = os.environ.get("FASHIONREC_TEST_SHARED")
    if not root:
        return make(workdir() / name)
    shared = Path(root) / "recs"
    shared.mkdir(exist_ok=True)
    folder, made = shared / name, shared / f"{name}.json"
    with FileLock(shared / f".{name}.lock"):
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)       # left half made by a worker that was stopped
            path = make(folder)
            # Written last, so a later worker never takes a half-made folder.
            made.write_text(json.dumps({"path": str(path.relative_to(folder)), "digest": _digest(folder)}))
    return folder / json.loads(made.read_text())["path"]


def changed_shared() -> list[str]:
    """The folders ``made_once`` made that no longer hold what they were made with: a test that wrote into one
    (instead of a copy, ``index_copy``) would change it under the other worker's tests too."""
    root = os.environ.get("FASHIONREC_TEST_SHARED")
    shared = Path(root) / "recs" if root else None
    if shared is None or not shared.is_dir():
        return []
    return [made.stem for made in sorted(shared.glob("*.json"))
            if _digest(shared / made.stem) != json.loads(made.read_text())["digest"]]


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(f"{path.relative_to(folder)}\0".encode() + path.read_bytes())
    return h.hexdigest()


@functools.cache
def fixture_catalog() -> Catalog:
    return load_catalog(FIXTURE, progress=False)


@functools.cache
def tiny_tagger_path() -> Path:
    """The fixture's tiny random tagger (fashion-cnn, batch norm set on the fixture's photos), made once a run."""
    return made_once("tagger", _save_tiny_tagger)


def _save_tiny_tagger(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
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
    return save_checkpoint(model, classes, {"name": "test"}, folder / "m")


BACKENDS = ("faiss", "milvus")     # every recommender test runs on both (milvus: Milvus Lite file)


@functools.cache
def built_index(backend: str = "faiss") -> Path:
    """Built once; tests that change an index work on a copy (see ``index_copy``). The FAISS one once a run, shared
    by the workers (``made_once``); the Milvus one once a worker, as a Milvus Lite file is opened by one process
    at a time, over a copy of the FAISS folder, whose embeddings it takes (as ``index_copy`` does): embedding the
    fixture's photos and texts once is enough."""
    if backend == "faiss":
        return made_once("index-faiss", _build_faiss)
    out = workdir() / f"index-{backend}"
    shutil.copytree(built_index(), out)
    Recommender.build(fixture_catalog(), Tagger.load(tiny_tagger_path()), out, progress=False, backend=backend)
    return out


def _build_faiss(folder: Path) -> Path:
    Recommender.build(fixture_catalog(), Tagger.load(tiny_tagger_path()), folder, progress=False)
    return folder


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
