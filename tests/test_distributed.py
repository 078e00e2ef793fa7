"""torchrun (DDP, gloo on CPU): two processes train like one, and only rank 0 writes the run folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def _train(fixture_dir: Path, out: Path, *extra: str, module: bool = False) -> subprocess.CompletedProcess:
    # module: `python -m fashionrec.train ARGS`, the documented equal of `fashionrec train ARGS`
    how = ["-m", "fashionrec.train"] if module else ["-m", "fashionrec.cli", "train"]
    cmd = [sys.executable, *how, str(fixture_dir), "--profile", "tiny", "--epochs", "3",
           "--device", "cpu", "--out", str(out), *extra]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)


def _failure(stderr: str) -> str:
    """A failed torchrun's rank traceback (it comes first; torchrun's own summary after it names no cause)."""
    start = stderr.find("Traceback")
    return (stderr[start:start + 3000] + "\n...\n" if start >= 0 else "") + stderr[-1500:]


def test_two_process_ddp_matches_one_process(fixture_dir, tmp_path):
    one = _train(fixture_dir, tmp_path / "one")
    two = _train(fixture_dir, tmp_path / "two", "--nproc", "2", module=True)     # "'train' is not in list" before
    assert one.returncode == 0, one.stderr[-2000:]
    assert two.returncode == 0, _failure(two.stderr)
    r1 = pd.read_csv(tmp_path / "one" / "results.csv")
    r2 = pd.read_csv(tmp_path / "two" / "results.csv")
    # rank 0 alone wrote: one header, one line per epoch
    assert list(r2["epoch"]) == [1, 2, 3]
    meta = json.loads((tmp_path / "two" / "weights" / "best.json").read_text())
    assert meta["world_size"] == 2 and "2 processes (DDP)" in meta["hardware"]
    assert meta["command"].startswith("fashionrec train ") and "--nproc 2" in meta["command"]     # was null
    assert "test" in meta and (tmp_path / "two" / "test" / "metrics.json").exists()
    # Same data, global batch and schedule: the losses agree up to noise (batch-norm statistics are per
    # process and augmentation streams differ), and both fall.
    for a, b in zip(r1["train_loss"], r2["train_loss"], strict=True):
        assert abs(a - b) / a < 0.1, (list(r1["train_loss"]), list(r2["train_loss"]))
    assert r2["train_loss"].iloc[-1] < r2["train_loss"].iloc[0]
    # The same split on disk: evaluation of either run uses the same test set.
    assert (tmp_path / "one" / "split.csv").read_text() == (tmp_path / "two" / "split.csv").read_text()


def test_ddp_rejects_what_it_cannot_split(fixture_dir, tmp_path):
    # Said once, before any process starts: each process said it, then torchrun's traceback, exit 1.
    for flags, why in ((["--batch-size", "33"], "divisible"),
                       (["--balance", "sampler"], "(--balance sampler) is not supported"),
                       (["--resume"], "state.pt not found")):
        bad = _train(fixture_dir, tmp_path / "bad", "--nproc", "2", *flags)
        said = bad.stdout + bad.stderr
        assert bad.returncode == 2 and said.count("error:") == 1, said[-2000:]
        assert why in said and "Traceback" not in said
        assert not (tmp_path / "bad").exists()
    # A training into the folder now: said once, exit 2, not by rank 0 under torchrun's traceback (a scale-out
    # trial).
    from filelock import FileLock

    with FileLock(tmp_path / ".busy.train.lock"):
        busy = _train(fixture_dir, tmp_path / "busy", "--nproc", "2")
    said = busy.stdout + busy.stderr
    assert busy.returncode == 2 and said.count("error:") == 1 and "another `fashionrec train`" in said, said[-2000:]
    assert "Traceback" not in said
    missing = _train(tmp_path / "no-such-folder", tmp_path / "bad", "--nproc", "2")
    said = missing.stdout + missing.stderr
    assert missing.returncode == 2 and said.count("does not exist") == 1 and "Traceback" not in said


def test_a_resumed_ddp_run_equals_one_never_stopped(fixture_dir, tmp_path):
    # state.pt keeps rank 0's random stream only: resumed under torchrun, a run drifted from one never stopped
    # after the epoch it resumed at (a scale-out trial). Each process now draws its stream from the seed per epoch.
    import signal
    import time

    args = ("--nproc", "2", "--epochs", "6", "--patience", "100")
    full = _train(fixture_dir, tmp_path / "full", *args)
    assert full.returncode == 0, _failure(full.stderr)
    cmd = [sys.executable, "-m", "fashionrec.cli", "train", str(fixture_dir), "--profile", "tiny", "--device", "cpu",
           "--out", str(tmp_path / "cut"), *args]
    run = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                           env={**os.environ, "OMP_NUM_THREADS": "1"})
    results = tmp_path / "cut" / "results.csv"
    deadline = time.time() + 300
    state = tmp_path / "cut" / "state.pt"
    while time.time() < deadline and run.poll() is None and not (
            results.exists() and len(results.read_text().splitlines()) >= 3 and state.exists()):
        time.sleep(0.1)
    os.killpg(run.pid, signal.SIGINT)          # a Ctrl-C, after epoch 2 or so
    run.wait(timeout=120)
    done = len(pd.read_csv(results))
    assert 1 <= done < 6, done
    resumed = _train(fixture_dir, tmp_path / "cut", "--nproc", "2", "--resume")
    assert resumed.returncode == 0, _failure(resumed.stderr)
    a, b = (pd.read_csv(tmp_path / r / "results.csv").drop(columns=["seconds"]) for r in ("full", "cut"))
    pd.testing.assert_frame_equal(a, b)
