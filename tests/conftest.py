"""Shared fixtures: the tiny fixture catalogue (always there) and the full shared catalogue (optional).

Tests marked ``full_data`` are skipped when the full catalogue is absent. It is looked for at
``$FASHIONREC_DATA`` or, by default, ``../shared/datasets/fashion-product-images-small`` beside the repo.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fashionrec.catalog import Catalog, load_catalog

TESTS = Path(__file__).resolve().parent
FIXTURE_DIR = TESTS / "fixtures" / "catalog"
# A server looks for changes to its index folder every 10 s by default: none in tests (their own index copies
# change under servers on purpose), but the tests of that watching, which set it themselves.
os.environ["FASHIONREC_RELOAD_S"] = "0"
# A pytest-xdist worker (scripts/test.sh runs two) starts with COLUMNS=80 where one pytest process has none: the
# CLI's console then wraps its messages at 80 columns (fashionrec.cli._console), and a long temporary path broke
# mid-name ("text_embeddings\n.npy"), failing a test that finds the message's words; the workers print as one
# process does.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.pop("COLUMNS", None)


_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
# pytest-xdist's workers (scripts/test.sh runs two), 0 in one pytest process.
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0) if os.environ.get("PYTEST_XDIST_WORKER") else 0
_DONE = ".torch-threads-done-"     # a worker's marker in the run's folder, written as it finishes
_sharing_cores = _WORKERS >= 2 and _CORES >= 2


def _torch_threads_per_worker() -> None:
    """Each pytest-xdist worker's share of the cores for PyTorch's own threads (and ONNX Runtime's, which takes
    PyTorch's count: fashionrec.onnx_infer): two workers on two cores each ran two OpenMP threads, four on two
    cores, whose waits at each operation's end spun on the core the other worker needed: test_train_resume.py took
    41.7 CPU s with two threads against 19.8 with one, side by side (history.md, Stop 75, the test suite's time).
    BLAS is left as it is (a test of its limit, test_recommend.py, needs more than one thread), and so are the processes
    tests start (each alone on the cores while it runs, mostly). Once the other workers have finished, the last
    takes every core again (``pytest_runtest_setup``)."""
    if _sharing_cores:
        import torch

        torch.set_num_threads(max(1, _CORES // _WORKERS))


_torch_threads_per_worker()


def _run_folder_of(config: pytest.Config) -> Path | None:
    """The folder the run's workers share (``run_folder``), from the base folder pytest-xdist gives this worker."""
    base = config.option.basetemp
    return Path(base).parent if base else None


def pytest_runtest_setup(item: pytest.Item) -> None:
    # The last worker left runs its remaining files on every core: the other workers' cores are idle by then.
    global _sharing_cores
    folder = _run_folder_of(item.config) if _sharing_cores else None
    if folder is not None and len(list(folder.glob(f"{_DONE}*"))) >= _WORKERS - 1:
        import torch

        torch.set_num_threads(_CORES)
        _sharing_cores = False


def pytest_sessionfinish(session: pytest.Session) -> None:
    folder = _run_folder_of(session.config) if _WORKERS else None
    if folder is not None and folder.is_dir():
        (folder / f"{_DONE}{os.environ['PYTEST_XDIST_WORKER']}").touch()


def full_data_path() -> Path:
    env = os.environ.get("FASHIONREC_DATA")
    if env:
        return Path(env).expanduser().resolve()
    return (Path(__file__).parents[1] / "../shared/datasets/fashion-product-images-small").resolve()


@pytest.fixture(autouse=True)
def _collected_after_each_test():
    """A server's Service freezes the objects alive (gc.freeze, see api.deps.keep_from_collector); one made
    without the app's lifespan, which unfreezes at its end, must not keep a test's cyclic garbage for the rest."""
    yield
    gc.unfreeze()


class _CountedList(list):
    """A list that counts how often it is read whole or searched (``reads``): a test of linear time counts a list's
    reads rather than timing the call, the machines being shared and noisy."""

    reads = 0

    def __iter__(self):
        self.reads += 1
        return super().__iter__()

    def __contains__(self, item):
        self.reads += 1
        return super().__contains__(item)


@pytest.fixture
def counted_reads(monkeypatch):
    """``count(module, name)``: each list ``module.name`` answers from now on counts its reads (``reads``); returns
    the list of those answers, in order."""
    answers: list[_CountedList] = []

    def count(module, name: str) -> list[_CountedList]:
        original = getattr(module, name)

        def counted(*args, **kwargs):
            answers.append(_CountedList(original(*args, **kwargs)))
            return answers[-1]

        monkeypatch.setattr(module, name, counted)
        return answers

    return count


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has exited: what a killed writer's temp names carry."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _have_full_data() -> bool:
    p = full_data_path()
    return (p / "styles.csv").is_file() and (p / "images").is_dir()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _have_full_data():
        return
    skip = pytest.mark.skip(reason=f"full catalogue not found at {full_data_path()} (set FASHIONREC_DATA)")
    for item in items:
        if "full_data" in item.keywords:
            item.add_marker(skip)


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this test run that all its pytest-xdist workers share: the parent of the workers' own base
    folders (pytest-xdist gives worker gwN the base folder <the run's>/popen-gwN; its documented way to make a
    session fixture once per run); the run's own base folder without workers."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def onnx_cache(tmp_path_factory) -> Path:
    """Exported ONNX graphs go to a folder of this run's, not the user's ~/.cache (also for CLI subprocesses).

    One folder for both pytest-xdist workers, so a graph is exported once a run, not once a worker: stop 69 found
    the shipped model's graph (20 CPU s of export), the fixture's tiny tagger's and the text model's in both
    workers' folders. A worker that asks for a graph the other is exporting waits for it (onnx_infer's export
    lock); the graphs are keyed by the weights, the code and the exporter, so a stale one is never opened. The
    fixture's tiny tagger and index are shared the same way (``_recs_support``, ``FASHIONREC_TEST_SHARED``)."""
    shared = run_folder(tmp_path_factory)
    path = shared / "onnx-cache"
    path.mkdir(exist_ok=True)
    saved = {name: os.environ.get(name) for name in ("FASHIONREC_CACHE", "FASHIONREC_TEST_SHARED")}
    os.environ["FASHIONREC_CACHE"] = str(path)
    os.environ["FASHIONREC_TEST_SHARED"] = str(shared)
    yield path
    # Checked while the variable still names the folder; only where this process imported the module (it imports
    # torch) and so may have used what it made.
    support = sys.modules.get("_recs_support")
    changed = support.changed_shared() if support else []
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    assert not changed, (f"a test changed the shared fixture folder(s) {changed} that every worker reads: change a "
                         "copy (_recs_support.index_copy)")


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    """The fixture catalogue folder (styles.csv + images/, with one row per bad case). Read-only."""
    return FIXTURE_DIR


@pytest.fixture(scope="session")
def expected() -> dict:
    """Hand-computed facts about the fixture catalogue (tests/fixtures/catalog/EXPECTED.json)."""
    return json.loads((FIXTURE_DIR / "EXPECTED.json").read_text())


@pytest.fixture(scope="session")
def fixture_catalog(fixture_dir: Path) -> Catalog:
    """The fixture catalogue, loaded once per session: do not modify its table in a test."""
    return load_catalog(fixture_dir, progress=False)


@pytest.fixture(scope="session")
def full_data_dir() -> Path:
    """The full shared catalogue folder; skips the test when it is absent."""
    if not _have_full_data():
        pytest.skip(f"full catalogue not found at {full_data_path()} (set FASHIONREC_DATA)")
    return full_data_path()


@pytest.fixture(scope="session")
def full_catalog(full_data_dir: Path) -> Catalog:
    """The full catalogue with every image checked (about 10-20 s), loaded once per session."""
    return load_catalog(full_data_dir, progress=False)
