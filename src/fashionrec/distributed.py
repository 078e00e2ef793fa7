"""Data-parallel training under ``torchrun`` (DDP): who this process is, and the few collectives we need.

``torchrun --nproc_per_node N -m fashionrec.train DATA ...`` (or ``fashionrec train --nproc N``) starts N
processes with ``RANK`` / ``WORLD_SIZE`` / ``LOCAL_RANK`` set; on several machines add ``--nnodes`` and
``--rdzv-endpoint`` as torchrun documents. NCCL is used on GPUs, gloo on CPUs. Without those variables
everything here is a no-op and training runs in one process.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass

import torch
import torch.distributed as dist

from fashionrec.errors import FashionrecError
from fashionrec.signals import Terminated

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DistContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Rank 0 alone logs, shows progress and writes files."""
        return self.rank == 0


def launched_by_torchrun() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def init_distributed(device: torch.device) -> DistContext:
    """Join the process group torchrun set up (NCCL on CUDA, gloo on CPU); one process: a no-op context."""
    if not launched_by_torchrun():
        return DistContext()
    ctx = DistContext(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ.get("LOCAL_RANK", 0)))
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    if not ctx.is_main:
        logging.getLogger("fashionrec").setLevel(logging.WARNING)   # one voice in the log
    return ctx


def device_for(ctx: DistContext, device: torch.device) -> torch.device:
    """One GPU per process under torchrun: ``cuda:LOCAL_RANK``."""
    if ctx.enabled and device.type == "cuda":
        torch.cuda.set_device(ctx.local_rank)
        return torch.device("cuda", ctx.local_rank)
    return device


def _collective_device() -> torch.device:
    """NCCL only moves CUDA tensors; gloo only CPU ones: small collectives must live where the backend can."""
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def all_sum(ctx: DistContext, *values: float) -> list[float]:
    """Sum numbers over all processes (e.g. per-rank loss totals), so rank 0 can report global figures."""
    if not ctx.enabled:
        return list(values)
    t = torch.tensor(values, dtype=torch.float64, device=_collective_device())
    dist.all_reduce(t)
    return t.tolist()


def broadcast_flag(ctx: DistContext, flag: bool) -> bool:
    """Rank 0's decision (e.g. early stop) for every process."""
    if not ctx.enabled:
        return flag
    t = torch.tensor([int(flag)], device=_collective_device())
    dist.broadcast(t, src=0)
    return bool(t.item())


def barrier(ctx: DistContext) -> None:
    if ctx.enabled:
        dist.barrier()


def shutdown(ctx: DistContext) -> None:
    if ctx.enabled and dist.is_initialized():
        dist.destroy_process_group()


RELAUNCHED = "FASHIONREC_RELAUNCHED"


def relaunch_with_torchrun(nproc: int, argv: list[str]) -> int:
    """Run ``fashionrec.train`` with ``argv`` in ``nproc`` local processes through torchrun; its exit code."""
    if nproc < 1:
        raise FashionrecError(f"--nproc must be >= 1, got {nproc}")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}",
           "-m", "fashionrec.train", *argv]
    log.info("launching: %s", " ".join(cmd))
    # The processes know that this one speaks for them (an interrupt's resume hint, once, not once per process).
    from fashionrec.artifacts import COMMAND_ENV, invoked_command

    proc = subprocess.Popen(cmd, env={**os.environ, RELAUNCHED: "1", COMMAND_ENV: invoked_command() or ""})
    try:
        return proc.wait()
    except KeyboardInterrupt as e:
        # The processes had the same Ctrl-C (one process group) and save what they must: wait for them, not kill.
        # A SIGTERM may have come to this process alone (`kill PID`; Slurm's scancel and `kill -- -PGID` reach the
        # group): passed on where torchrun is still running a moment later (it hands it to each process).
        if isinstance(e, Terminated):
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.terminate()
        proc.wait()
        raise
