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
