"""The one-cycle schedule: PyTorch's OneCycleLR by steps, compressed to end annealed when a time budget binds."""

from __future__ import annotations

import itertools

import pytest
import torch

from fashionrec.schedule import OneCycle


def _opt() -> torch.optim.Optimizer:
    return torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)


@pytest.mark.parametrize("total", [2, 7, 250])
def test_without_a_budget_it_is_torchs_one_cycle(total):
    ours, ref_opt = _opt(), _opt()
    ref = torch.optim.lr_scheduler.OneCycleLR(ref_opt, max_lr=1e-3, total_steps=total, pct_start=0.15)
    sched = OneCycle(ours, 1e-3, total, 0.15)
    for step in range(total):
        sched.apply(step, seconds=1e9)           # no budget: the clock is ignored
        assert ours.param_groups[0]["lr"] == pytest.approx(ref_opt.param_groups[0]["lr"], rel=1e-9)
        assert ours.param_groups[0]["betas"][0] == pytest.approx(ref_opt.param_groups[0]["betas"][0])
        ref_opt.step()
        ref.step()
    assert not sched.out_of_time(1e9)


def test_a_binding_budget_compresses_the_cycle_and_ends_annealed():
    opt = _opt()
    sched = OneCycle(opt, 1e-3, total_steps=1000, warmup_frac=0.15, budget_s=100.0)
    lrs = []
    for step, seconds in enumerate(range(0, 100, 5)):          # 20 steps, 5 s each: the clock leads
        sched.apply(step, float(seconds))
        lrs.append(opt.param_groups[0]["lr"])
    peak = lrs.index(max(lrs))
    assert 0 < peak < 5 and max(lrs) == pytest.approx(1e-3, rel=0.05)   # warm-up is 15% of the budget
    assert all(a >= b for a, b in itertools.pairwise(lrs[peak:]))         # then annealing only
    assert sched.apply(20, 99.99) == pytest.approx(1.0, abs=1e-3) and opt.param_groups[0]["lr"] < 1e-6
    assert not sched.out_of_time(99.0) and sched.out_of_time(100.0)


def test_steps_still_end_the_cycle_when_the_budget_is_loose():
    opt = _opt()
    sched = OneCycle(opt, 1e-3, total_steps=11, warmup_frac=0.15, budget_s=3600.0)
    assert sched.apply(10, seconds=1.0) == 1.0 and opt.param_groups[0]["lr"] < 1e-7
