"""torchrun (DDP, gloo on CPU): two processes train like one, and only rank 0 writes the run folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fashionrec.cli import app

pytestmark = pytest.mark.slow


def _command(fixture_dir: Path, out: Path, *extra: str, module: bool = False) -> list[str]:
    # module: `python -m fashionrec.train ARGS`, the documented equal of `fashionrec train ARGS`
    how = ["-m", "fashionrec.train"] if module else ["-m", "fashionrec.cli", "train"]
    return [sys.executable, *how, str(fixture_dir), "--profile", "tiny", "--epochs", "3",
            "--device", "cpu", "--out", str(out), *extra]


ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
runner = CliRunner()


def _train(fixture_dir: Path, out: Path, *extra: str, module: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(_command(fixture_dir, out, *extra, module=module), capture_output=True, text=True,
                          timeout=600, env=ENV)


def _train_here(monkeypatch, capfd, fixture_dir: Path, out: Path, *extra: str) -> tuple[int, str]:
    """``fashionrec train ... --nproc 2`` started from this process (CliRunner) as from a shell: its exit code and
    all it said, torchrun's processes' output included (``capfd``). A process of its own to start torchrun spent
    about 5 CPU s importing torch and fashionrec again (stop 77, the suite's time)."""
    args = _command(fixture_dir, out, "--nproc", "2", *extra)[3:]
    monkeypatch.setattr(sys, "argv", ["fashionrec", *args])        # what torchrun's processes are given
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    capfd.readouterr()
    done = runner.invoke(app, args)
    return done.exit_code, done.output + "".join(capfd.readouterr())


@pytest.fixture(scope="module")
def ddp_run(fixture_dir, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """A 3-epoch run of two processes (`python -m fashionrec.train --nproc 2`), made once: the run one process
    is compared with, and the never-stopped run a stopped and resumed one must equal (each made its own before)."""
    out = tmp_path_factory.mktemp("ddp") / "two"
    return out, _train(fixture_dir, out, "--nproc", "2", module=True)     # "'train' is not in list" before


def _failure(stderr: str) -> str:
    """A failed torchrun's rank traceback (it comes first; torchrun's own summary after it names no cause)."""
    start = stderr.find("Traceback")
    return (stderr[start:start + 3000] + "\n...\n" if start >= 0 else "") + stderr[-1500:]


def test_two_process_ddp_matches_one_process(fixture_dir, tmp_path, ddp_run):
    # The one process is this one (`fashionrec train` without --nproc trains in the process that runs it): a
    # process of its own spent about 5 CPU s importing torch and fashionrec again (stop 77, the suite's time). On
    # one thread, as each of the two processes trains (OMP_NUM_THREADS=1, ENV).
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        one = runner.invoke(app, _command(fixture_dir, tmp_path / "one")[3:])
    finally:
        torch.set_num_threads(threads)
    two_dir, two = ddp_run
    assert one.exit_code == 0, one.output[-2000:]
    assert two.returncode == 0, _failure(two.stderr)
    r1 = pd.read_csv(tmp_path / "one" / "results.csv")
    r2 = pd.read_csv(two_dir / "results.csv")
    # rank 0 alone wrote: one header, one line per epoch
    assert list(r2["epoch"]) == [1, 2, 3]
    meta = json.loads((two_dir / "weights" / "best.json").read_text())
    assert meta["world_size"] == 2 and "2 processes (DDP)" in meta["hardware"]
    assert meta["command"].startswith("fashionrec train ") and "--nproc 2" in meta["command"]     # was null
    assert "test" in meta and (two_dir / "test" / "metrics.json").exists()
    # Same data, global batch and schedule: the losses agree up to noise (batch-norm statistics are per
    # process and augmentation streams differ), and both fall.
    for a, b in zip(r1["train_loss"], r2["train_loss"], strict=True):
        assert abs(a - b) / a < 0.1, (list(r1["train_loss"]), list(r2["train_loss"]))
    assert r2["train_loss"].iloc[-1] < r2["train_loss"].iloc[0]
    # The same split on disk: evaluation of either run uses the same test set.
    assert (tmp_path / "one" / "split.csv").read_text() == (two_dir / "split.csv").read_text()


def test_a_ddp_run_says_its_warning_once_not_once_per_process(fixture_dir, tmp_path, monkeypatch, capfd):
    # 8 of the fixture's 136 training products are left out of the one epoch's batches of 32: each of the two
    # processes said so, the same line twice (an ML engineer's trial of `--nproc 2`, stop 74).
    code, said = _train_here(monkeypatch, capfd, fixture_dir, tmp_path / "two", "--epochs", "1", "--batch-size", "32")
    assert code == 0, _failure(said)
    assert said.count("training products are left out of each epoch") == 1, said[-3000:]


def test_ddp_rejects_what_it_cannot_split(fixture_dir, tmp_path, monkeypatch, capfd):
    # Said once, before any process starts: each process said it, then torchrun's traceback, exit 1.
    # Each refusal into its own folder.
    refusals = ((["--batch-size", "33"], "divisible"),
                (["--balance", "sampler"], "(--balance sampler) is not supported"),
                (["--resume"], "state.pt not found"))
    # A training into the folder now: said once, exit 2, not by rank 0 under torchrun's traceback (a scale-out
    # trial).
    # `fashionrec train --nproc 2` run here, in this process (CliRunner): the refusals come before torchrun starts
    # any process, so five processes of their own only imported torch and fashionrec again, about 5 CPU s each
    # (stop 77, the suite's time). Where a refusal came after the start again, torchrun's exit code (1, not 2)
    # and its traceback on this process's standard error (capfd) would say so.
    from filelock import FileLock

    def refused(data: Path, out: Path, *extra: str) -> str:
        code, said = _train_here(monkeypatch, capfd, data, out, *extra)
        assert code == 2, said[-2000:]
        return said

    with FileLock(tmp_path / ".busy.train.lock"):
        *bads, busy, missing = (
            *(refused(fixture_dir, tmp_path / f"bad{i}", *flags) for i, (flags, _) in enumerate(refusals)),
            refused(fixture_dir, tmp_path / "busy"), refused(tmp_path / "no-such-folder", tmp_path / "bad"))
    for i, ((_, why), said) in enumerate(zip(refusals, bads, strict=True)):
        assert said.count("error:") == 1, said[-2000:]
        assert why in said and "Traceback" not in said
        assert not (tmp_path / f"bad{i}").exists()
    assert busy.count("error:") == 1 and "another `fashionrec train`" in busy, busy[-2000:]
    assert "Traceback" not in busy
    assert missing.count("does not exist") == 1 and "Traceback" not in missing


def test_a_resumed_ddp_run_equals_one_never_stopped(fixture_dir, tmp_path, ddp_run, monkeypatch, capfd):
    # state.pt keeps rank 0's random stream only: resumed under torchrun, a run drifted from one never stopped
    # after the epoch it resumed at (a scale-out trial). Each process now draws its stream from the seed per epoch.
    import signal
    import time

    # The run never stopped: the 3 epochs of two processes the test above compares with one process (this test
    # trained its own 6 epochs; stopped after the first of 3, two epochs still train after the resume).
    full, made = ddp_run
    assert made.returncode == 0, _failure(made.stderr)
    run = subprocess.Popen(_command(fixture_dir, tmp_path / "cut", "--nproc", "2"), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True, env=ENV)
    results = tmp_path / "cut" / "results.csv"
    deadline = time.time() + 300
    state = tmp_path / "cut" / "state.pt"
    while time.time() < deadline and run.poll() is None and not (
            results.exists() and len(results.read_text().splitlines()) >= 2 and state.exists()):
        time.sleep(0.1)
    os.killpg(run.pid, signal.SIGINT)          # a Ctrl-C, after epoch 1 or so
    run.wait(timeout=120)
    done = len(pd.read_csv(results))
    assert 1 <= done < 3, done
    code, said = _train_here(monkeypatch, capfd, fixture_dir, tmp_path / "cut", "--resume")
    assert code == 0, _failure(said)
    a, b = (pd.read_csv(r / "results.csv").drop(columns=["seconds"]) for r in (full, tmp_path / "cut"))
    assert len(a) == 3
    pd.testing.assert_frame_equal(a, b)
