"""The learning-rate schedule: one cycle, driven by steps or by a time budget, whichever runs out first.

A fixed step count cannot promise a wall-clock budget on a shared 2-core machine (an epoch took 408-509 s in
one run), and stopping "after the epoch that passes the budget" both overshoots it and stops on a learning rate
that never annealed. Here progress is ``max(steps done / planned steps, seconds spent / budget)``: when the
budget binds, the cycle compresses and still ends annealed, exactly when the budget is spent.

The shape is ``torch.optim.lr_scheduler.OneCycleLR``'s defaults (cosine warm-up from ``lr/25``, cosine anneal
to ``lr/25e4``; Adam's beta1 cycled 0.95 -> 0.85 -> 0.95), so runs with and without a budget are comparable.
OneCycleLR itself counts steps only, hence this small re-statement of its formula (identical step for step from
two steps up; a one-step cycle trains at the peak rate where OneCycleLR would spend it at the floor).
"""

from __future__ import annotations

import math

import torch

DIV_FACTOR = 25.0
FINAL_DIV_FACTOR = 1e4
MAX_MOMENTUM, BASE_MOMENTUM = 0.95, 0.85


def _cos(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


class OneCycle:
    """Sets ``opt``'s learning rate (and beta1) from the progress of a run.

    Example:
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
        >>> sched = OneCycle(opt, max_lr=1e-3, total_steps=100, warmup_frac=0.1, budget_s=60.0)
        >>> sched.progress(step=50, seconds=45.0)    # the clock is ahead of the steps
        0.75
        >>> sched.apply(step=99, seconds=0.0), opt.param_groups[0]["lr"] < 1e-7, sched.out_of_time(60.0)
        (1.0, True, True)
    """

    def __init__(self, opt: torch.optim.Optimizer, max_lr: float, total_steps: int, warmup_frac: float,
                 budget_s: float | None = None):
        self.opt, self.max_lr, self.total_steps = opt, max_lr, max(1, total_steps)
        self.warmup_frac, self.budget_s = warmup_frac, budget_s
        # Progress never goes back: a resumed run with a larger budget continues from where it was.
        self.reached = 0.0
        self.apply(0, 0.0)

    def progress(self, step: int, seconds: float) -> float:
        """Fraction of the cycle done, in [0, 1]: 0 at the first step, 1 at the last (OneCycleLR's indexing)."""
        p = step / max(1, self.total_steps - 1)
        if self.budget_s is not None:
            p = max(p, seconds / self.budget_s) if self.budget_s > 0 else 1.0
        return min(max(p, self.reached), 1.0)

    def out_of_time(self, seconds: float) -> bool:
        return self.budget_s is not None and seconds >= self.budget_s

    def apply(self, step: int, seconds: float) -> float:
        """Set the learning rate for step ``step`` taken ``seconds`` into the run; returns the progress used."""
        p = self.reached = self.progress(step, seconds)
        start = self.max_lr / DIV_FACTOR
        # OneCycleLR ends its warm-up at step warmup_frac * total - 1 (before step 0 on very short runs):
        warm = (self.warmup_frac * self.total_steps - 1) / max(1, self.total_steps - 1)
        if p < warm:
            pct = p / warm
            lr, beta1 = _cos(start, self.max_lr, pct), _cos(MAX_MOMENTUM, BASE_MOMENTUM, pct)
        else:
            pct = (p - warm) / max(1e-12, 1 - warm)
            lr, beta1 = _cos(self.max_lr, start / FINAL_DIV_FACTOR, pct), _cos(BASE_MOMENTUM, MAX_MOMENTUM, pct)
        for group in self.opt.param_groups:
            group["lr"] = lr
            if "betas" in group:
                group["betas"] = (beta1, group["betas"][1])
        return p

    @property
    def lr(self) -> float:
        return self.opt.param_groups[0]["lr"]
