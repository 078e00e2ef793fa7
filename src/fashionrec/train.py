"""The fit loop: augmentation, imbalance handling, early stopping, checkpoints, resume.

A run writes ``runs/train/<name>/``: config.json (merged config), split.csv/.json, weights/best.* and
weights/last.* (safetensors + JSON), state.pt (optimizer, epoch and clock for --resume), results.csv (one line
per epoch), curves.png, and test/ (metrics.json, report.md, confusion.png) for the best checkpoint.

Under ``torchrun`` (DDP, see :mod:`fashionrec.distributed`) each process trains on its shard of every
epoch (``DistributedSampler``, ``batch_size`` split across processes so the global batch is unchanged),
gradients are averaged by DDP, and rank 0 alone validates, logs and writes the run folder.

Example:
    >>> result = train("data/catalogue", TrainConfig(model="fashion-cnn", epochs=3), "runs/train/demo")
    ...  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import logging
import math
import os
import platform
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn
from tqdm.auto import tqdm

from fashionrec.artifacts import (
    check_writable,
    made_by,
    made_with,
    one_writer_at_a_time,
    read_json,
    write_json,
    write_with,
)
from fashionrec.calibration import calibration_record
from fashionrec.catalog import ATTRIBUTES, first_few, load_catalog
from fashionrec.data import LabelSpace, TensorImageDataset, load_image_tensor, preprocess, train_augmentation
from fashionrec.distributed import (
    DistContext,
    all_sum,
    barrier,
    broadcast_flag,
    device_for,
    init_distributed,
    shutdown,
)
from fashionrec.errors import FashionrecError, option
from fashionrec.evaluate import (
    evaluate_predictions,
    head_metrics,
    held_out,
    note_seen_before,
    seen_by_earlier_stages,
    tested,
    top5_said,
    write_eval_report,
)
from fashionrec.levels import type_levels
from fashionrec.modelcard import lineage, stage_summary, total_train_seconds
from fashionrec.models import ENSEMBLE_SPEC, MODEL_SPECS, TaggerNet, create_model, freeze_early_layers
from fashionrec.progress import hidden
from fashionrec.schedule import OneCycle
from fashionrec.splits import COPIES, Split, SplitConfig, make_split
from fashionrec.tagger import DEVICES, Tagger, load_checkpoint, resolve_device, run_inference, save_checkpoint

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    """Defaults for a full run; ``PROFILES`` override them; CLI flags override both."""

    model: str = "fashion-cnn"
    epochs: int = 20
    batch_size: int = 128
    lr: float = 3e-3
    weight_decay: float = 0.05
    label_smoothing: float = 0.1
    # Imbalance: "sqrt" weights the loss by 1/sqrt(class frequency); "sampler" draws balanced batches.
    balance: str = "sqrt"
    heads: list[str] = field(default_factory=lambda: list(ATTRIBUTES))
    aux_weight: float = 0.3  # loss weight of every head but articleType
    patience: int = 5
    seed: int = 0
    device: str = "auto"
    pretrained: bool = True
    freeze_backbone: bool = False
    # Training budget in minutes (validation included): the LR schedule anneals by then and the run stops.
    max_minutes: float | None = None
    # Keep the stem and the first N backbone blocks' weights (their batch-norm statistics still adapt):
    # generic edge/texture filters, and skipping their backward at the highest resolutions makes a CPU
    # training step about 20% cheaper at N=3 (docs/tagger.md).
    freeze_blocks: int = 0
    augment: bool = True
    split_seed: int = 0
    val_frac: float = 0.1
    test_frac: float = 0.1
    # "together": a photo listed under several ids goes to one part of the split (splits.SplitConfig.copies).
    split_copies: str = "apart"
    warmup_frac: float = 0.15
    threads: int | None = None
    # DataLoader processes that augment batches: None = none on CPU (they would take the training
    # threads' cores), up to 8 on CUDA, where one process augmenting ~1,800 photos/s would starve the GPU.
    workers: int | None = None
    # Start from this checkpoint's weights, e.g. a second, shorter cycle; SHIPPED for the shipped model (its member
    # of this model): a shop's own types start fresh, the classes it shares keep their rows (initial_weights).
    init: str | None = None
    # Network input (height, width) instead of the model's default; photos are stored at 80x60 and
    # upsampled, so a larger input gives an ImageNet backbone objects nearer the scale it was trained on.
    input_size: tuple[int, int] | None = None

SHIPPED = "shipped"      # --init shipped: the model this package ships
# Under this many training products a run that starts from ImageNet (or from nothing) is told of --init shipped:
# measured on a shop of 3,988 products (3,191 to train on), 0.855 from the shipped model against 0.710 (README).
SMALL_CATALOGUE = 5000
# The share of the training products a run may leave out of every epoch (batches are whole) before it says so.
NEVER_TRAINED = 0.01
# How far under the head's lowest bias a new class's row starts (with no weights). On a shop of 295 products with 2
# types of its own, before any step: the lowest bias itself still gave the new types 75 products (top-1 0.661
# against the member's own 0.810), 1 below 35 (0.756), 3 below 8 (0.810), 10 below 0; after 3 epochs at lr 1e-4
# (`/tmp/work/mle42b/shop7`) 3 and 10 both gave test top-1 0.879, random rows 0.788.
FRESH_BIAS_BELOW = 3.0

PROFILES: dict[str, dict] = {
    # 2 CPU cores, 28 minutes by the clock: the ImageNet-pretrained backbone with its stem and first three
    # blocks frozen (a step ~20% cheaper here), about 4.5 epochs before the budget ends the cycle. Batches of
    # 64 (twice the updates) reached val top-1 0.864 vs 0.861 with 128 (docs/tagger.md has both runs).
    "cpu": {"model": "efficientnet-lite0", "epochs": 6, "batch_size": 64, "lr": 7e-4, "max_minutes": 28,
            "freeze_blocks": 3},
    # One GPU: the pretrained backbone fine-tuned end to end at 224x168, the maintainers' measured setting
    # (0.901 top-1 after 12 epochs on one H100). scripts/gpu-train.sh runs it with a 7-minute clock budget
    # beside a second run on one H200: 30 epochs, test top-1 0.900 (docs/tagger.md, "Training on a GPU").
    "gpu": {"model": "efficientnet-lite0", "epochs": 15, "batch_size": 256, "lr": 1e-3, "weight_decay": 0.02,
            "input_size": (224, 168)},
    # Seconds, for tests and smoke runs on a tiny catalogue.
    "tiny": {"model": "fashion-cnn", "epochs": 2, "batch_size": 32, "patience": 2, "pretrained": False},
}


@dataclass
class TrainResult:
    run_dir: Path
    best_epoch: int
    best_val_macro_f1: float
    test_metrics: dict
    train_seconds: float


def parse_size(text: str) -> tuple[int, int]:
    """``"192x144"`` -> (192, 144): height x width, as the checkpoints' preprocessing writes them."""
    parts = text.lower().replace(" ", "").split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise FashionrecError(f"{option('input_size')} {text!r}: write HEIGHTxWIDTH in pixels, e.g. 192x144")
    return int(parts[0]), int(parts[1])


def make_config(profile: str | None = None, **overrides) -> TrainConfig:
    """Defaults, then the profile, then explicit overrides (None means "not given")."""
    cfg = TrainConfig()
    if profile:
        if profile not in PROFILES:
            raise FashionrecError(f"{option('profile', repr(profile))}: choose {', '.join(sorted(PROFILES))}")
        cfg = dataclasses.replace(cfg, **PROFILES[profile])
        if overrides.get("model") not in (None, cfg.model):
            # The profile's frozen blocks and input size belong to its model; another takes its own defaults.
            cfg = dataclasses.replace(cfg, freeze_blocks=0, input_size=None)
    return check_config(dataclasses.replace(cfg, **{k: v for k, v in overrides.items() if v is not None}))


BALANCE_MODES = ("sqrt", "sampler", "none")


def check_config(cfg: TrainConfig) -> TrainConfig:
    """``cfg``, or the first setting that cannot train, as an error that names the flag: an ML engineer's
    trial trained a whole run with --balance foo, and --batch-size -4, --lr -1 and --device tpu ended in
    tracebacks."""
    problems = [
        # Here, before the catalogue loads: "unknown model 'x'" came after it, and named no flag (an operator's trial).
        (cfg.model not in MODEL_SPECS, f"{option('model', repr(cfg.model))}: choose {', '.join(sorted(MODEL_SPECS))}"),
        (cfg.epochs < 1, f"{option('epochs')} must be at least 1, not {cfg.epochs}"),
        (cfg.batch_size < 1, f"{option('batch_size')} must be at least 1, not {cfg.batch_size}"),
        (not cfg.lr > 0, f"{option('lr')} must be above 0, not {cfg.lr:g}"),
        (cfg.balance not in BALANCE_MODES, f"{option('balance')} must be one of {', '.join(BALANCE_MODES)}, not "
         f"{cfg.balance!r}"),
        (cfg.patience < 1, f"{option('patience')} must be at least 1, not {cfg.patience}"),
        (cfg.freeze_blocks < 0, f"{option('freeze_blocks')} must be 0 or more, not {cfg.freeze_blocks}"),
        (cfg.max_minutes is not None and not cfg.max_minutes > 0,
         f"{option('max_minutes')} must be above 0, not {cfg.max_minutes:g}" if cfg.max_minutes is not None else ""),
        (not DEVICES.fullmatch(str(cfg.device)),
         f"{option('device')} must be auto, cpu, cuda or cuda:N, not {cfg.device!r}"),
        (cfg.split_copies not in COPIES, f"{option('split_copies')} must be {' or '.join(COPIES)}, not "
         f"{cfg.split_copies!r}"),
        (cfg.init is not None and cfg.init != SHIPPED and not Path(cfg.init).exists(),
         f"{option('init', cfg.init)}: no such checkpoint (a .safetensors file, a run folder, or {SHIPPED!r})"),
    ]
    for bad, message in problems:
        if bad:
            raise FashionrecError(message)
    return cfg


def initial_weights(model: TaggerNet, start: TaggerNet, meta: dict, init: str, classes: dict[str, list[str]]
                    ) -> TaggerNet:
    """Load ``start``'s weights (the checkpoint ``--init`` names, described by ``meta``) into ``model``, for a
    catalogue of ``classes``; returns the net they came from.

    An ensemble (the shipped model) gives the member of ``model``'s architecture, the one trained at ``model``'s
    input size where there is one, else the one weighted most on articleType. A catalogue whose classes differ
    (a shop's own types) keeps the backbone and, per head, the rows of the classes both have, by name; its other
    classes start fresh. Before, a shop could not start from the shipped model at all (an ML engineer's trial:
    "an ensemble is not trained further", and 0.06 top-1 from scratch on its 295 products)."""
    name = model.spec.name
    if meta["model"] == ENSEMBLE_SPEC.name:
        kinds = [m["model"] for m in meta["members"]]
        fits = [i for i, kind in enumerate(kinds) if kind == name]
        if not fits:
            raise FashionrecError(f"{option('init', init)} is an ensemble of {', '.join(sorted(set(kinds)))}: pass "
                                  f"{option('model', kinds[0])} to start from its member")
        size = (model.spec.height, model.spec.width)
        same = [i for i in fits if (meta["members"][i]["preprocessing"]["height"],
                                     meta["members"][i]["preprocessing"]["width"]) == size]
        weight = (meta.get("weights") or {}).get("articleType") or [1.0] * len(kinds)
        pick = same[0] if same else max(fits, key=lambda i: weight[i])
        start = start.members[pick]
        log.info("starting from member %d of %s (%s at %dx%d)", pick + 1, init, kinds[pick], start.spec.height,
                 start.spec.width)
    elif meta["model"] != name:
        raise FashionrecError(f"{option('init', init)} is a {meta['model']} model; it must match "
                              f"{option('model', name)}")
    state = start.state_dict()
    fresh = []
    for head, wanted in classes.items():
        had = meta["classes"].get(head)
        if had == wanted:
            continue
        # Row j of the new head is the old head's row of the same class name, where it had one.
        old_w, old_b = state.pop(f"heads.{head}.weight", None), state.pop(f"heads.{head}.bias", None)
        new_w, new_b = (t.detach().clone() for t in (model.heads[head].weight, model.heads[head].bias))
        where = {c: j for j, c in enumerate(had or [])}
        kept = [(j, where[c]) for j, c in enumerate(wanted) if c in where]
        new = [j for j, c in enumerate(wanted) if c not in where]
        if old_w is not None and kept and old_w.shape[1] == new_w.shape[1]:
            rows, olds = (torch.tensor(x) for x in zip(*kept, strict=True))
            new_w[rows], new_b[rows] = old_w[olds], old_b[olds]
            # A new class's row starts silent (no weights, a bias under the head's lowest), so that it takes no
            # product from the known classes before training teaches it: random rows for 2 new types took 87 of
            # a shop's 295 products before the first step (top-1 0.810 -> 0.631, an ML engineer's re-trial).
            new_w[new], new_b[new] = 0.0, old_b.min() - FRESH_BIAS_BELOW
        state[f"heads.{head}.weight"], state[f"heads.{head}.bias"] = new_w, new_b
        if new:
            names = [wanted[j] for j in new]
            fresh.append(f"{head} {len(new)} of {len(wanted)} ({first_few(list(map(repr, names)), 5)})")
    # The heads this catalogue has no labels for (a shop's export without a season or a usage column) were left
    # out of the model: their weights are no longer wanted (a RuntimeError of unexpected keys, a shop's trial).
    unwanted = [k for k in state if k.startswith("heads.") and k.split(".")[1] not in classes]
    dropped = sorted({k.split(".")[1] for k in unwanted})
    for key in unwanted:
        del state[key]
    model.load_state_dict(state)
    if dropped:
        log.info("%s's %s head%s not carried over: this catalogue labels none of its products", init,
                 ", ".join(dropped), "s are" if len(dropped) > 1 else " is")
    if fresh:
        # Not "start fresh": the next line may say they started from a class of the start's (stop 72, a trial read
        # "start fresh: 'Tees'" and then "'Tees' from 'Tshirts'").
        log.info("classes that %s lacks: %s (each starts silent, or from the class of %s that its photos read as, "
                 "said next)", init, "; ".join(fresh), init)
    return start


# Without a bar (TQDM_DISABLE=1 for a log file, progress=False), a line this often within an epoch: a 1,212-product
# `--profile cpu` epoch wrote nothing for 6.5 minutes at load 9-11 (an ML engineer's trial, stop 73).
HIDDEN_PROGRESS_EVERY_S = 60.0
SEAT_SAMPLE = 32        # training photos per new class read by the starting model to seat it
SEAT_FLOOR = 0.5        # the share of a new class's photos first read as an old class that seats it there


def seat_new_classes(model: TaggerNet, start: TaggerNet, had: dict[str, list[str]],
                     classes: dict[str, list[str]], images: torch.Tensor, labels: dict[str, torch.Tensor],
                     train_idx: torch.Tensor) -> list[str]:
    """Start each new class's head row (a shop's own type) from the row of the class the starting model reads
    its training photos as, where that class is one the catalogue no longer has (a type renamed: "Tees" from
    "Tshirts"), so a renamed type is read as before from the first step; returns what was seated, as text.

    A class takes a row only where the starting model reads at least ``SEAT_FLOOR`` of the new class's photos (up
    to ``SEAT_SAMPLE``) as that class first, and no two new classes take one row (an optimal assignment);
    the rest stay silent (:func:`initial_weights`). Started silent, a shop's two new types rose together and
    stayed tied on every product after a short fine-tune ("Tees 0.35, Sneakers 0.34": a new user's trial)."""
    from scipy.optimize import linear_sum_assignment

    plans = {}
    for head, wanted in classes.items():
        old = had.get(head) or []
        if head not in start.heads or head not in model.heads:
            continue
        new = [j for j, c in enumerate(wanted) if c not in old]
        free = [k for k, c in enumerate(old) if c not in wanted]
        if new and free:
            y = labels[head][train_idx]
            rows = {j: train_idx[y == j][:SEAT_SAMPLE] for j in new}
            plans[head] = (new, free, {j: r for j, r in rows.items() if len(r)})
    if not any(rows for _, _, rows in plans.values()):
        return []
    wanted_rows = torch.unique(torch.cat([r for _, _, rows in plans.values() for r in rows.values()]))
    _, probs = run_inference(start, images[wanted_rows], device="cpu")
    at = {int(i): n for n, i in enumerate(wanted_rows)}
    seated = []
    with torch.no_grad():
        for head, (_, free, rows) in plans.items():
            js = list(rows)
            if not js:
                continue
            # The share of its photos whose first reading is each free class: the models' probabilities are
            # spread (the CPU member read a shop's T-shirts Tshirts at a mean 0.26, nearly all first), so a vote.
            share = np.stack([(probs[head][[at[int(i)] for i in rows[j]]].argmax(axis=1)[:, None]
                              == np.asarray(free)[None, :]).mean(axis=0) for j in js])
            for row, col in zip(*linear_sum_assignment(-share), strict=True):
                if share[row, col] >= SEAT_FLOOR:
                    j, k = js[row], free[col]
                    w, b = model.heads[head].weight, model.heads[head].bias
                    w[j], b[j] = start.heads[head].weight[k].to(w.device), start.heads[head].bias[k].to(b.device)
                    seated.append(f"{head} {classes[head][j]!r} from {had[head][k]!r} "
                                  f"({share[row, col]:.0%} of its photos read so)")
    if seated:
        log.info("new classes started from the class the starting model reads their photos as: %s",
                 "; ".join(seated))
    return seated


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def rng_states() -> dict:
    """The random streams training draws from, for state.pt: the CPU generator (augmentation, the loaders' seeds)
    and, where CUDA is in use, the CUDA generators (dropout and EfficientNet's drop-connect draw there on a GPU:
    with the CPU state alone a resumed GPU run went on from another stream than one never stopped, a code review).
    Python's and numpy's are seeded but not drawn from while training, so not kept."""
    states = {"rng": torch.get_rng_state()}
    # Initialised: something ran on a GPU. Asked otherwise, reading the states would start CUDA for a CPU run.
    if torch.cuda.is_initialized():
        states["cuda_rng"] = torch.cuda.get_rng_state_all()     # one ByteTensor per visible GPU
    return states


def restore_rng(state: dict) -> None:
    """Set the streams :func:`rng_states` saved in ``state``. A state.pt from before the CUDA states were kept, or
    from a run on CPU, restores the CPU stream alone (the GPUs' stay as seeded); one saved on more GPUs than are
    visible now restores those there are."""
    torch.set_rng_state(state["rng"])
    saved, gpus = state.get("cuda_rng"), torch.cuda.device_count()     # 0 without CUDA
    if not gpus:
        return
    if saved:
        torch.cuda.set_rng_state_all(list(saved)[:gpus])
    elif torch.cuda.is_initialized():
        log.info("this run's state.pt keeps no GPU random state (saved on CPU, or by an earlier version): dropout "
                 "goes on from the seed's stream, not the one a run never stopped would have drawn from")


def class_weights(labels: torch.Tensor, n_classes: int, mode: str) -> torch.Tensor | None:
    """1/sqrt(frequency) weights, mean 1 over the classes seen, for ``balance="sqrt"``."""
    if mode != "sqrt":
        return None
    counts = torch.bincount(labels[labels >= 0], minlength=n_classes).float()
    w = torch.where(counts > 0, counts.clamp(min=1).rsqrt(), torch.zeros_like(counts))
    return w * (counts > 0).sum() / w.sum()


def loader_workers(cfg: TrainConfig, device: torch.device, world_size: int = 1) -> int:
    if cfg.workers is not None:
        return cfg.workers
    if device.type != "cuda":
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    return max(1, min(8, cpus // world_size - 1))     # under torchrun the processes share the cores


def _loader(ds, cfg: TrainConfig, epoch: int, labels: torch.Tensor | None, ctx: DistContext = DistContext(),
            workers: int = 0):
    # Workers' augmentation streams derive from the loader's seeded generator, so runs stay reproducible.
    opts = {"num_workers": workers, "pin_memory": workers > 0 and torch.cuda.is_available()}
    if ctx.enabled:
        # Each process takes its 1/world of a seeded permutation; together they cover the epoch once.
        sampler = torch.utils.data.DistributedSampler(ds, num_replicas=ctx.world_size, rank=ctx.rank,
                                                      shuffle=True, seed=cfg.seed, drop_last=True)
        sampler.set_epoch(epoch)
        return torch.utils.data.DataLoader(ds, batch_size=cfg.batch_size // ctx.world_size, sampler=sampler,
                                           drop_last=True, **opts)
    g = torch.Generator().manual_seed(cfg.seed * 1000 + epoch)
    if cfg.balance == "sampler" and labels is not None:
        # Products without a type (-1: the catalogue's "NA", trained for the other heads) are drawn as a class of
        # their own: clamped to 0 they were counted as the first type, which was then drawn less (a code review).
        group = torch.where(labels >= 0, labels, labels.max() + 1)
        counts = torch.bincount(group)
        weights = 1.0 / counts[group].float().sqrt()
        sampler = torch.utils.data.WeightedRandomSampler(weights, len(ds), replacement=True, generator=g)
        return torch.utils.data.DataLoader(ds, batch_size=cfg.batch_size, sampler=sampler, drop_last=True, **opts)
    return torch.utils.data.DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, generator=g, drop_last=True,
                                       **opts)


def _record_epoch(path: Path, row: dict) -> None:
    """``row`` as the last line of ``path``, rewritten whole and atomically: appending in place could leave
    half a line, and an epoch done again after a resume (killed between this and its state.pt) added a second
    line for it; now it replaces the first, with every later one."""
    kept = []
    if path.exists():
        # UTF-8 whatever the locale: a column or class name beyond ASCII (a run's own metric names) failed to be
        # written under an ASCII locale, or read back as another run's mojibake (a review).
        with open(path, newline="", encoding="utf-8") as f:
            kept = [r for r in csv.DictReader(f) if int(r["epoch"]) < row["epoch"]]

    def write(tmp: Path) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            # Every column a line has: a run resumed by a version with other columns keeps its lines.
            fields = list(dict.fromkeys([*(k for r in kept for k in r), *row]))
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows([*kept, row])

    write_with(path, write)


def curves_figure(results: pd.DataFrame):
    """A run's results.csv as a matplotlib Figure: training loss; articleType accuracy and macro-F1; the learning
    rate each epoch ended at (log scale), so an epoch trained at the cycle's floor shows as one."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, MaxNLocator

    df = results
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].plot(df["epoch"], df["train_loss"], marker="o", label="train loss")
    axes[0].set_ylabel("loss")
    axes[0].set_title("training loss")
    axes[0].legend()
    for col, label in [("train_acc", "train top-1 (augmented)"), ("val_acc", "val top-1"),
                       ("val_macro_f1", "val macro-F1")]:
        axes[1].plot(df["epoch"], df[col], marker="o", label=label)
    axes[1].set_ylim(0, 1)
    axes[1].set_title("articleType accuracy and macro-F1")
    axes[1].grid(alpha=0.3)
    # Below the plot, never over the lines (low scores early in a run sat under a lower-right legend).
    axes[1].legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False)
    # An ML engineer's trial (stop 73) resumed a run whose cycle had ended: two more epochs at 2e-6, which the
    # accuracy curves did not show and results.csv's lr column did.
    axes[2].plot(df["epoch"], df["lr"].clip(lower=1e-12), marker="o", color="tab:gray")
    axes[2].set_yscale("log")
    axes[2].set_title("learning rate at the epoch's end")
    axes[2].grid(alpha=0.3)
    for ax in axes:
        ax.set_xlabel("epoch")
        # Whole epochs, not 1.25 (a one-epoch run read 0.96-1.04): each epoch where they are few.
        ax.xaxis.set_major_locator(FixedLocator(df["epoch"]) if len(df) <= 15 else MaxNLocator(integer=True))
    fig.tight_layout()
    return fig


def plot_curves(results_csv: Path, out: Path) -> None:
    """:func:`curves_figure` of ``results_csv`` written to ``out`` as a PNG."""
    import matplotlib.pyplot as plt

    fig = curves_figure(pd.read_csv(results_csv))
    write_with(out, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)


def train(data_dir: str | Path, config: TrainConfig, out_dir: str | Path, resume: bool = False,
          progress: bool = True) -> TrainResult:
    """Train a tagger on the catalogue in ``data_dir``; returns where the run is and its test metrics.

    Under torchrun every process calls this; only rank 0's result carries the test metrics.
    """
    ctx = init_distributed(resolve_device(config.device))
    try:
        # The process that writes the run (rank 0 under torchrun) holds it: a --resume started beside a run still
        # training trained on too, and the folder ended with one's results.csv and the other's best checkpoint
        # (an ML engineer's trial). Checked first, so that a refused folder gets no lock file beside it (one
        # was left beside the catalogue, a code review); one lock whichever link names the folder.
        check_run_folder(Path(out_dir), resume)
        with _one_training(Path(out_dir)) if ctx.is_main else contextlib.nullcontext():
            return _train(data_dir, config, out_dir, resume, progress and ctx.is_main, ctx)
    finally:
        shutdown(ctx)


# What a training run folder holds (RUN_FILES), and what a new run may start over (STARTED: a run stopped in its
# first epoch, its command run again as the message says); the rest of a run without its state.pt is a finished
# run that cannot be resumed (an ensemble's, a GPU run brought back), not to be trained over (a code review).
STARTED = frozenset({"config.json", "split.csv", "split.json"})
RUN_FILES = STARTED | {"results.csv", "curves.png", "state.pt", "weights", "test"}


def _json_object(path: Path) -> dict | None:
    """``path``'s JSON object, or None where it cannot be read as one."""
    try:
        found = read_json(path)
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _is_run_config(path: Path) -> bool:
    """Whether ``path`` is a run's config.json (a training's settings), not a file of another kind."""
    config = _json_object(path)
    return config is not None and set(config) <= {f.name for f in dataclasses.fields(TrainConfig)}


def _one_training(run: Path):
    """The lock one training of ``run`` holds (one whichever link names the folder)."""
    return one_writer_at_a_time(run.resolve() if run.is_symlink() else run, "train",
                                f"another `fashionrec train` is training into {run} now: let it finish (or stop it) "
                                "first, or train into another out_dir (--out)")


def _diverged(epoch: int, cfg: TrainConfig) -> FashionrecError:
    """A run whose loss or outputs are no numbers any more: it went on to a model that predicts NaN, exit 0 (a
    code review's --lr 1e4; before, a traceback). The epochs saved before it stay, as after a Ctrl-C."""
    return FashionrecError(f"training diverged in epoch {epoch + 1}: its loss or outputs are not numbers (lr "
                           f"{cfg.lr:g} is likely too high); start a new run, in a new out_dir (--out), with a lower "
                           f"{option('lr')}")


def val_loss(y: np.ndarray, probs: np.ndarray) -> float:
    """Mean cross-entropy of the validation rows that have a type (``-1``: none); nan where none has."""
    keep = y >= 0
    if not keep.any():
        return math.nan
    p = probs[keep, y[keep]]
    return float(-np.log(np.clip(p, 1e-12, 1.0)).mean())


def is_better(f1: float, loss: float, best_f1: float, best_loss: float) -> bool:
    """Whether an epoch beats the kept one: a higher validation macro-F1, or on a tie, a lower validation loss.

    A tiny validation split (a shop's 14 products) reads macro-F1 1.0 from the first epoch, and "ties keep the
    first" left every later epoch unused. The loss breaks the tie, not "the later epoch": more epochs are not
    better by themselves (the rise of the loss is how over-fitting shows), while a lower loss at an equal F1 is the
    same products read right with more confidence, measured on held-out data. A tie with a loss no lower (or unknown,
    nan: a run resumed from before the loss was kept) keeps the earlier epoch, as before. On the shared catalogue's
    runs (thousands of validation products, macro-F1 compared as a float) an exact tie is practically impossible,
    so the epoch kept there does not change.
    """
    if f1 != best_f1:
        return f1 > best_f1
    return loss < best_loss       # False where either is nan


def _head_loss(loss: nn.CrossEntropyLoss, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``loss`` of one head on a batch; 0 where the batch has none of its labels, whose mean is 0/0: NaN made
    every epoch's loss read NaN where a head was seldom labelled (its gradient was 0 all the same; a code review).
    Chosen on the device, without a wait for it; a NaN of a batch with labels (a run diverging) stays one."""
    value = loss(logits.float(), y)
    return torch.where((y >= 0).any(), value, torch.zeros_like(value))


def check_run_folder(run: Path, resume: bool) -> None:
    """Refuse a --resume with no run to continue, a new run over one, and an out_dir that cannot hold a run: a
    file, a folder this process cannot write, or one holding files of its own (a folder's own config.json and
    results.csv were replaced, and a catalogue given as --out got a run written into it, a code review); said
    before the catalogue is read."""
    if run.exists() and not run.is_dir():
        raise FashionrecError(f"out_dir (--out) {run} is a file: give a folder for the run")
    check_writable(run / "config.json")
    theirs = sorted(p.name for p in run.iterdir() if p.name not in RUN_FILES and not p.name.startswith(".")) \
        if run.is_dir() else []
    if (run / "config.json").is_file() and not _is_run_config(run / "config.json"):
        theirs.insert(0, "a config.json")
    if theirs:
        raise FashionrecError(f"{run} holds {first_few(theirs, 5)} of its own, not a training run's: a run written "
                              "there would replace its files; choose a new or empty folder for out_dir (--out)")
    # Finished: tested (an ensemble's folder, a GPU run brought back); not one stopped in its first epoch between
    # its weights and its state.pt, which the interrupt's message says to run again (a code review).
    # Trained past its first epoch counts too (a run whose test failed, its state.pt gone: a code review).
    best = run / "weights" / "best.json"
    tested = (run / "test").is_dir() or best.is_file() and "test" in (_json_object(best) or {})
    epochs = len((run / "results.csv").read_text().splitlines()) - 1 if (run / "results.csv").is_file() else 0
    finished = sorted(p.name for p in run.iterdir() if p.name in RUN_FILES - STARTED) \
        if run.is_dir() and not (run / "state.pt").exists() and (tested or epochs > 1) else []
    if finished:
        raise FashionrecError(f"{run} holds a finished run ({first_few(finished, 5)}) with no state.pt to resume "
                              "from: a run written there would replace its model; choose a new or empty folder for "
                              "out_dir (--out)")
    if resume and not (run / "state.pt").exists():
        raise FashionrecError(f"{option('resume')}: {run}/state.pt not found; start a new run without it")
    if not resume and (run / "state.pt").exists():
        raise FashionrecError(f"{run} already holds a run; pass {option('resume')} to continue it or choose "
                              "another out_dir (--out)")


def resume_state(run: Path, cfg: TrainConfig, own_minutes: float | None = None) -> tuple[dict, bool]:
    """The state.pt of the run in ``run`` (config ``cfg``), and whether its training has ended: its budget
    spent (``cfg``'s, or ``own_minutes``, the budget the run had before a ``--max-minutes`` given to resume it),
    stopped early, or every epoch trained. Refused where it has ended and its test was written, as
    there is nothing left to do (resuming one that stopped early trained 12 more epochs; one that trained
    every epoch was tested again); where the test was not written (stopped during it), resuming writes it."""
    try:
        state = torch.load(run / "state.pt", map_location="cpu", weights_only=True)
        if not isinstance(state, dict) or not {"epoch", "best_epoch", "stale", "elapsed"} <= state.keys():
            raise ValueError("it holds no training state")
    except Exception as e:     # torch's zip reader and unpickler raise many kinds: a cut-short file was a traceback
        last = run / "weights" / "last.safetensors"
        rescue = (f"its last finished epoch's weights are {last}: start a new run from them with "
                  f"{option('init', last)} and a new out_dir (--out)" if last.exists() else
                  "start a new run in a new out_dir (--out)")
        raise FashionrecError(f"{run / 'state.pt'} is damaged ({type(e).__name__}: {str(e).split('. ')[0]}), "
                              f"so {run} cannot be resumed; {rescue}") from e
    best = run / "weights" / "best.json"
    tested = best.exists() and "test" in read_json(best)
    done, best_epoch, model = state["epoch"] + 1, state["best_epoch"], run / "weights" / "best.safetensors"
    why = None
    # A finished run is trained on by a new one from its model (--epochs on a --resume was ignored, and the
    # message did not say how, an ML engineer's trial).
    onwards = _onwards(run)
    spent = [m for m in (own_minutes, cfg.max_minutes) if m is not None and state["elapsed"] >= m * 60]
    if spent:
        # Not "pass a larger budget": its learning-rate cycle ended with the budget, and the epochs a larger one
        # buys run at the cycle's floor (about 0.1% of its peak; a review). A new run starts a new cycle. The run's
        # own budget counts too: `--resume --max-minutes 12` of a spent 6-minute run trained 5 minutes at 2e-6
        # without a word (an ML engineer's trial, stop 73).
        why = (f"{run} already spent its {spent[0]:g}-minute budget ({state['elapsed'] / 60:.1f} min), and "
               f"its learning-rate cycle with it: its model is {model} (a larger {option('max_minutes')} would train "
               f"it at the cycle's lowest rate); {onwards}")
    elif state["stale"] >= cfg.patience:
        why = (f"{run} stopped early after epoch {done} (val macro-F1 had not improved for {state['stale']} epochs; "
               f"best at epoch {best_epoch}): it is finished, its model is {model}; {onwards}")
    elif done >= cfg.epochs:
        why = (f"{run} has trained all its {cfg.epochs} epochs (best at epoch {best_epoch}): it is finished, its "
               f"model is {model}; {onwards}")
    if why and tested:
        raise FashionrecError(why)
    return state, why is not None


def _onwards(run: Path) -> str:
    """How to train a run further once its schedule is over: a new run from it, with a new cycle."""
    return f"to train it further, start a new run from it with {option('init', run)} and a new out_dir (--out)"


def check_start(data_dir: str | Path, out_dir: str | Path, resume: bool, config: TrainConfig, world_size: int) -> None:
    """What a run of ``world_size`` processes would refuse, checked before they start: each said it, followed
    by torchrun's traceback (a scale-out trial, a review)."""
    from fashionrec.catalog import check_catalogue_folder

    check_catalogue_folder(data_dir)
    run = Path(out_dir)
    check_run_folder(run, resume)
    with _one_training(run):    # a run in it now: said here, once, not by rank 0 under torchrun's traceback
        pass
    if resume:      # the run's own config decides, as _train reads it
        config = TrainConfig(**read_json(run / "config.json"))
        resume_state(run, config)
    check_processes(config, world_size)


def check_processes(cfg: TrainConfig, world_size: int) -> None:
    """Refuse a config that data-parallel training across ``world_size`` processes cannot run."""
    if cfg.balance == "sampler":
        raise FashionrecError(f"{option('balance', 'sampler')} is not supported under torchrun; use "
                              f"{option('balance', 'sqrt')}")
    if cfg.batch_size % world_size:
        raise FashionrecError(f"{option('batch_size', cfg.batch_size)} must be divisible by the {world_size} processes")


def _train(data_dir: str | Path, config: TrainConfig, out_dir: str | Path, resume: bool, progress: bool,
           ctx: DistContext) -> TrainResult:
    # ---- setup ---------------------------------------------------------------------------------
    cfg = config
    run = Path(out_dir)
    weights_dir = run / "weights"
    check_run_folder(run, resume)
    if resume:
        # The stored config wins (same model, schedule and split); only where and how long may change.
        stored = read_json(run / "config.json")
        own_minutes = stored.get("max_minutes")
        # A budget left out keeps the run's own (a stored one drives its schedule); a new one replaces it.
        # Loader processes too, when given (each count draws its own augmentation stream).
        stored.update(device=cfg.device, threads=cfg.threads,
                      **({} if cfg.max_minutes is None else {"max_minutes": cfg.max_minutes}),
                      **({} if cfg.workers is None else {"workers": cfg.workers}))
        cfg = TrainConfig(**stored)
        # Refused before anything is written or decoded: a refused --resume --max-minutes 20 rewrote the budget.
        state, ended = resume_state(run, cfg, own_minutes)
    if ctx.enabled:
        check_processes(cfg, ctx.world_size)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    seed_everything(cfg.seed)
    device = device_for(ctx, resolve_device(cfg.device))

    catalog = load_catalog(data_dir, progress=progress, warn=ctx.is_main)     # once under torchrun, not per process
    items = catalog.usable
    if items.empty:
        raise FashionrecError(f"{data_dir} has no usable images to train on (see `fashionrec data check`)")
    split_path = run / "split.csv"
    if resume:      # a new run remakes it: one left by a run stopped in its first epoch may be another catalogue's
        split = Split.load(split_path)
    else:
        split = make_split(items, SplitConfig(seed=cfg.split_seed, val_frac=cfg.val_frac, test_frac=cfg.test_frac,
                                              copies=cfg.split_copies))
    items = items[items["id"].isin(split.assignments.index)].reset_index(drop=True)
    which = split.assignments.reindex(items["id"]).to_numpy()
    space = LabelSpace.from_frame(items, cfg.heads)
    if not space.classes["articleType"]:
        # Every type the catalogue's "NA" (no label to training, a class to the split, which keeps the splits
        # of models trained before as they were): an IndexError after the split (a code review).
        raise FashionrecError(f"no usable product of {data_dir} has an articleType to learn (each is empty or "
                              f"\"NA\"): fill the articleType column of {catalog.report.table_name}")
    unlabelled = [h for h in cfg.heads if not space.classes[h]]
    if unlabelled:
        # A head of no classes trained as one (torch's "zero-element tensors" its only word), was then scored on
        # another catalogue as if it guessed its first label, and its model could not be exported (a code review).
        log.warning("no product of %s has a %s label: trained without %s", data_dir, " or ".join(unlabelled),
                    "that head" if len(unlabelled) == 1 else "those heads")
        cfg = dataclasses.replace(cfg, heads=[h for h in cfg.heads if h not in unlabelled])
        space = LabelSpace.from_frame(items, cfg.heads)
    last = read_json(weights_dir / "last.json") if resume and (weights_dir / "last.json").exists() else {}
    if last and last.get("classes") != space.classes:
        # Another catalogue's classes: it went on to a traceback of tensor shapes (an ML engineer's trial).
        trained_on = last.get("data") or "another catalogue"
        raise FashionrecError(f"{run} was trained on {trained_on}, whose classes {data_dir} does not have as they "
                              "were: resume with that folder, or start a new run (another out_dir, --out) on "
                              f"{data_dir}")
    labels = space.encode(items)
    idx = {s: torch.from_numpy(np.flatnonzero(which == s)) for s in ("train", "val", "test")}
    if not (labels["articleType"][idx["val"]] >= 0).any() or not (labels["articleType"][idx["test"]] >= 0).any():
        # Every type too small to stratify: all trained on, and the first epoch ended in a KeyError (a review); or
        # only "NA" products (no type to training, a class to the split) validated.
        raise FashionrecError(f"{data_dir} gives no validation or test products with a type to choose the best "
                              f"epoch by and test on: each of its {len(space.classes['articleType'])} article types "
                              f"has fewer than {split.needed()} usable, so all of them are trained on; a type is "
                              f"validated and tested from {split.needed()}")
    log.info("train %d, val %d, test %d images; %d articleType classes; device %s",
             len(idx["train"]), len(idx["val"]), len(idx["test"]), len(space.classes["articleType"]), device)
    in_test, in_val = split.copies_across(catalog.report.shared_photos)
    if in_test and ctx.is_main:
        # `data split` and `evaluate` said so and `train` did not (a trial): its test numbers count them.
        log.warning("%d test product%s, byte for byte, the photo of a train or val product (ids %s): the test "
                    "numbers are given with and without them (as `fashionrec evaluate` gives them), and %s keeps "
                    "each photo's ids in one part", len(in_test), "s have" if len(in_test) != 1 else " has",
                    first_few(in_test, 10), option("split_copies", "together"))
    if in_val and ctx.is_main:
        log.info("%d val product%s, byte for byte, the photo of a train product: they lift the validation scores "
                 "early stopping reads", len(in_val), "s have" if len(in_val) != 1 else " has")
    if split.train_only_classes and ctx.is_main:
        # `data split` said so and `train` did not: a shop's new type then had no validation or test number and
        # no word why (an ML engineer's trial).
        log.warning("%d articleType class%s too few to stratify (under %s), trained on but not validated "
                    "or tested: %s", len(split.train_only_classes), "es" if len(split.train_only_classes) != 1
                    else "", split.needed(), split.train_only_listed())

    # --init and --resume overwrite every backbone weight: ImageNet's are not read then (a GPU machine without
    # the weight packages refused `--init shipped` for want of them).
    fresh = cfg.pretrained and not resume and not cfg.init
    if not resume and not cfg.init and len(idx["train"]) < SMALL_CATALOGUE and ctx.is_main:
        # The README's step for a shop's own model is `train --profile cpu`, from ImageNet: on a 200-product shop
        # 2 batches an epoch, without a word of the shipped model as a start (a new user's trial, stop 66).
        log.warning("%d training products, starting from %s: on a catalogue this small `--init shipped` starts "
                    "from the shipped model instead, its classes the shop shares kept (a shop of 3,988 products: "
                    "test top-1 0.855 against 0.710 from ImageNet in the same 3.5 minutes; README, 'Your own "
                    "catalogue')", len(idx["train"]), "ImageNet weights" if fresh else "random weights")
    model = create_model(cfg.model, space.sizes(), pretrained=fresh, input_size=cfg.input_size).to(device)
    model = model.to(memory_format=torch.channels_last)     # ``model``: the bare net, saved and evaluated
    prior_seconds, history = 0.0, []
    started_from = None
    if cfg.init and not resume:
        start, start_meta = load_checkpoint(None if cfg.init == SHIPPED else cfg.init)
        started_from = (initial_weights(model, start, start_meta, cfg.init, space.classes), start_meta["classes"])
        prior_seconds = total_train_seconds(start_meta)
        # Recorded now: the file --init names (often the shipped model) may be replaced by this very run.
        history = [*lineage(start_meta), stage_summary(start_meta, cfg.init)]
        log.info("weights initialised from %s", cfg.init)
    if cfg.freeze_backbone:
        for p in model.backbone.parameters():
            p.requires_grad_(False)
    elif cfg.freeze_blocks:
        freeze_early_layers(model, cfg.freeze_blocks)
    if len(idx["train"]) < cfg.batch_size:
        raise FashionrecError(f"{option('batch_size', cfg.batch_size)} is more than the {len(idx['train'])} training "
                              f"products of this split: pass {option('batch_size', max(1, len(idx['train']) // 4))} "
                              "or so")
    if ctx.is_main:
        # Written once every option has been checked: a refused one left config.json and a split behind
        # (an ML engineer's trial). Every process draws the same split from the seed; one writes it.
        run.mkdir(parents=True, exist_ok=True)
        # A resume's new budget is the run's once an epoch under it is saved (below, beside state.pt): written now, a
        # run stopped before that kept it, and its next plain --resume trained with the budget of a session that
        # saved nothing (stop 73, h73ml). The state kept is the old budget's until then.
        write_json(run / "config.json", {**asdict(cfg), "max_minutes": own_minutes} if resume else asdict(cfg))
        if not resume:
            split.save(split_path)
    # Decoded after the model exists, so a model/option mismatch fails in seconds, not after minutes of decoding.
    images = load_image_tensor(items["image_path"].tolist(), progress=progress)  # (N, 3, 80, 60) uint8
    if started_from is not None:
        seat_new_classes(model, *started_from, space.classes, images, labels, idx["train"])
        del started_from        # the starting net, no longer needed
    params = [p for p in model.parameters() if p.requires_grad]
    # DDP broadcasts rank 0's weights at wrap time and averages gradients in backward.
    fit_model = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda"
                                                          else None) if ctx.enabled else model
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    train_labels = {h: y[idx["train"]] for h, y in labels.items()}
    ds = TensorImageDataset(images[idx["train"]], train_labels,
                            transform=train_augmentation() if cfg.augment else None)
    dropped = len(ds) % cfg.batch_size
    # Each epoch's shuffle leaves out another ``dropped``: a product is never trained on with odds (share)^epochs.
    never = len(ds) * (dropped / len(ds)) ** cfg.epochs
    if (dropped > len(ds) // 4 or never > NEVER_TRAINED * len(ds)) and ctx.is_main:
        # Batches are whole (drop_last): on a small catalogue the last, short one is a large share. Said by the
        # share never trained on too: a 200-product shop's `--epochs 1 --batch-size 32` left 31 of its 159 out
        # without a word (a new user's trial, stop 66). Said by rank 0 alone: under --nproc 2 each process said
        # it, the same line twice (stop 74).
        log.warning("%d of the %d training products are left out of each epoch (batches of %d), about %d of them "
                    "in every one of the %d epoch%s: pass a smaller batch_size (--batch-size) to train on all of "
                    "them", dropped, len(ds), cfg.batch_size, round(never), cfg.epochs, "" if cfg.epochs == 1 else "s")
    steps_per_epoch = max(1, len(ds) // cfg.batch_size)   # global batches (each process takes its share)
    # With --max-minutes the schedule anneals by the clock as well as by steps; under DDP each process would
    # read its own clock and drift apart, so there the budget is only checked between epochs (by rank 0).
    budget_s = cfg.max_minutes * 60 if cfg.max_minutes is not None and not ctx.enabled else None
    sched = OneCycle(opt, cfg.lr, cfg.epochs * steps_per_epoch, cfg.warmup_frac, budget_s)
    weight = class_weights(train_labels["articleType"], len(space.classes["articleType"]), cfg.balance)
    losses = {h: nn.CrossEntropyLoss(weight=weight.to(device) if (h == "articleType" and weight is not None)
                                     else None, ignore_index=-1, label_smoothing=cfg.label_smoothing)
              for h in cfg.heads}

    start_epoch, best_f1, best_epoch, stale, elapsed = 0, -1.0, -1, 0, 0.0
    best_loss = math.inf
    if resume:
        last, last_meta = load_checkpoint(weights_dir / "last.safetensors")
        model.load_state_dict(state["model"] if "model" in state else last.state_dict())
        prior_seconds = float(last_meta.get("prior_train_seconds", 0))    # what --init brought, kept
        history = last_meta.get("lineage", [])
        opt.load_state_dict(state["optimizer"])     # the schedule: (step, elapsed) and the progress reached
        start_epoch, best_f1, best_epoch = state["epoch"] + 1, state["best_f1"], state["best_epoch"]
        stale, elapsed = state["stale"], state["elapsed"]
        best_loss = state.get("best_val_loss", math.nan)     # a run from before it was kept: ties keep the first
        sched.reached = float(state.get("progress", 0.0))
        restore_rng(state)
        if ended:       # stopped before its test was written: tested now, not trained further
            log.info("%s: training ended after epoch %d; its test was not written: testing it now", run, start_epoch)
            start_epoch = cfg.epochs
        else:
            log.info("resuming %s after epoch %d of %d (best val macro-F1 %.4f at epoch %d)",
                     run, start_epoch, cfg.epochs, best_f1, best_epoch)
            if sched.reached >= 0.999:
                # Its budget was raised after the cycle ended: the epochs left train at the cycle's floor.
                log.warning("%s's learning-rate cycle had ended (its budget was spent): the epochs left run at its "
                            "lowest learning rate and change the model little; %s", run, _onwards(run))

    meta = {"name": f"{cfg.model}-{run.name}", "config": asdict(cfg), "split": split.summary(),
            # Absolute: a checkpoint is read from other working folders (evaluate looks the data up).
            "data": str(Path(catalog.root).resolve()), "hardware": describe_hardware(device, ctx),
            **made_with(), "command": made_by(),
            # A resumed run's command is `... --resume`: the one that started it says what was asked for.
            "started_by": last_meta.get("started_by", last_meta.get("command")) if resume else made_by(),
            "prior_train_seconds": prior_seconds,
            "world_size": ctx.world_size, **({"lineage": history} if history else {}),
            # The group and category the tagger shows, read from its type (fashionrec.levels).
            "levels": type_levels(items.iloc[idx["train"].numpy()], space.classes,
                                  val=items.iloc[idx["val"].numpy()])}

    # This run's test products that a model it starts from (--init) trained or was validated on: a shop's catalogue
    # cut from the shipped model's gets a split of its own, and its test numbers, report and model card said "never
    # seen in training" of products the starting model had learnt (a review: 19 of 21; `evaluate` counted them).
    # Its photo copies of those, or of this run's own training and validation products, too, as `evaluate --split
    # test` counts them: train counted by id and name only, and gave other numbers without them (a code review).
    test_items = items.iloc[idx["test"].numpy()].reset_index(drop=True)
    seen_before = (seen_by_earlier_stages(items, test_items, meta, own=items[which != "test"]) if ctx.is_main
                   else (np.zeros(len(test_items), bool),) * 2)        # (trained on by id and name, photo copies)
    if seen_before[0].any():
        log.warning("%d of the %d test products are training or validation products of a model this run starts "
                    "from (--init; ids %s): its test numbers are given with and without them",
                    int(seen_before[0].sum()), len(test_items),
                    first_few(test_items.loc[seen_before[0], "id"].tolist(), 10))
    use_bf16 = device.type == "cuda"
    workers = loader_workers(cfg, device, ctx.world_size)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True   # fixed input shapes: let cuDNN pick its fastest kernels once
    main_w = {h: (1.0 if h == "articleType" else cfg.aux_weight) for h in cfg.heads}

    # ---- loop ----------------------------------------------------------------------------------
    for epoch in range(start_epoch, cfg.epochs):
        t0 = time.time()
        if ctx.enabled:
            # The same weights everywhere, but each process its own augmentation stream, drawn afresh each epoch
            # from the seed: state.pt keeps rank 0's stream alone, and a resumed run under torchrun drifted from
            # one never stopped after the epoch it resumed at (a scale-out trial).
            torch.manual_seed(cfg.seed + 1000 * ctx.rank + 1_000_003 * epoch)
        fit_model.train()
        # typed: the products with a type, which train_acc is over (an untyped one, the catalogue's "NA", trains the
        # other heads; counted in, it lowered train_acc by the untyped share, a code review).
        loss_sum, correct, seen, typed, budget_spent = 0.0, 0, 0, 0, False
        bar = tqdm(_loader(ds, cfg, epoch, train_labels["articleType"], ctx, workers), total=steps_per_epoch,
                   desc=f"epoch {epoch + 1}/{cfg.epochs}", disable=hidden(progress), unit="batch")
        said_at = time.time()
        for step, (xb, yb, _) in enumerate(bar, start=epoch * steps_per_epoch):
            spent = elapsed + time.time() - t0
            if bar.disable and ctx.is_main and seen and time.time() - said_at >= HIDDEN_PROGRESS_EVERY_S:
                said_at = time.time()
                log.info("epoch %d/%d: %d of %d batches, loss %.3f, train acc %.3f, %.0fs", epoch + 1, cfg.epochs,
                         step - epoch * steps_per_epoch, steps_per_epoch, loss_sum / seen,
                         correct / max(typed, 1), time.time() - t0)
            if sched.out_of_time(spent):
                budget_spent = True
                log.info("time budget of %g minutes spent after %d of %d batches of epoch %d",
                         cfg.max_minutes, step - epoch * steps_per_epoch, steps_per_epoch, epoch + 1)
                break
            sched.apply(step, spent)
            x = preprocess(xb.to(device, non_blocking=True), model.spec)  # (B, 3, H, W)
            x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
                out = fit_model(x)
            loss = sum(main_w[h] * _head_loss(losses[h], out[h], yb[h].to(device)) for h in cfg.heads)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            y = yb["articleType"].to(device)
            loss_sum += float(loss.detach()) * len(y)
            correct += int((out["articleType"].argmax(1) == y).sum())      # never -1: an untyped one is not
            seen += len(y)
            typed += int((y >= 0).sum())
            bar.set_postfix(loss=f"{loss_sum / seen:.3f}", acc=f"{correct / max(typed, 1):.3f}")
        loss_sum, correct, seen, typed = all_sum(ctx, loss_sum, correct, seen, typed)
        if not math.isfinite(loss_sum):
            raise _diverged(epoch, cfg)
        if budget_spent and seen == 0:
            # Spent at an epoch boundary (one process only, see budget_s): nothing new to validate or write.
            if best_epoch < 0:
                raise FashionrecError(f"{option('max_minutes', f'{cfg.max_minutes:g}')} left no time to train one "
                                      "batch")
            break
        if not ctx.is_main:       # rank 0 validates and writes; the others wait for its stop decision
            if broadcast_flag(ctx, False):
                break
            continue
        # ---- validate ----------------------------------------------------------------------------
        _, probs = run_inference(model, images[idx["val"]], batch_size=512)
        if not all(np.isfinite(p).all() for p in probs.values()):
            raise _diverged(epoch, cfg)
        val = head_metrics(labels["articleType"][idx["val"]].numpy(), probs["articleType"],
                           space.classes["articleType"])
        epoch_s = time.time() - t0
        elapsed += epoch_s
        row = {"epoch": epoch + 1, "train_loss": round(loss_sum / max(seen, 1), 5),
               "train_acc": round(correct / max(typed, 1), 5), "val_acc": round(val["accuracy"], 5),
               "val_macro_f1": round(val["macro_f1"], 5), "val_top5": round(val.get("top5_accuracy", math.nan), 5),
               "lr": f"{sched.lr:.6f}", "seconds": round(epoch_s, 1)}
        for h in cfg.heads:
            if h != "articleType":
                row[f"val_{h}_acc"] = round(head_metrics(labels[h][idx["val"]].numpy(), probs[h],
                                                         space.classes[h]).get("accuracy", float("nan")), 5)
        _record_epoch(run / "results.csv", row)
        log.info("epoch %d: loss %.4f train acc %.4f | val acc %.4f macro-F1 %.4f top-5 %s | %.0fs",
                 epoch + 1, row["train_loss"], row["train_acc"], row["val_acc"], row["val_macro_f1"],
                 top5_said(val), epoch_s)
        loss_v = val_loss(labels["articleType"][idx["val"]].numpy(), probs["articleType"])
        improved = is_better(val["macro_f1"], loss_v, best_f1, best_loss)
        if improved:
            best_f1, best_loss, best_epoch, stale = val["macro_f1"], loss_v, epoch + 1, 0
            save_checkpoint(model, space.classes, {**meta, "epoch": epoch + 1, "val": val,
                                                   "train_seconds": round(elapsed, 1)}, weights_dir / "best")
        else:
            stale += 1
        save_checkpoint(model, space.classes, {**meta, "epoch": epoch + 1, "val": val,
                                               "train_seconds": round(elapsed, 1)}, weights_dir / "last")
        # The weights too, in the one file written last: a stop between last.safetensors and state.pt resumed
        # epoch N's weights with epoch N-1's optimizer and trained epoch N again (a code review).
        state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch, "progress": sched.reached,
                 "best_f1": best_f1, "best_val_loss": best_loss, "best_epoch": best_epoch, "stale": stale,
                 "elapsed": elapsed,
                 **rng_states()}
        if resume and own_minutes != cfg.max_minutes:
            # Put in place with the state trained under it, config first: a stop between the two leaves a budget
            # a moment ahead of its state, never a state without its budget.
            write_json(run / "config.json", asdict(cfg))
            own_minutes = cfg.max_minutes
        write_with(run / "state.pt", lambda tmp, s=state: torch.save(s, tmp))
        plot_curves(run / "results.csv", run / "curves.png")
        stop = False
        if stale >= cfg.patience:
            log.info("early stop: val macro-F1 has not improved for %d epochs", stale)
            stop = True
        elif cfg.max_minutes is not None and elapsed / 60 >= cfg.max_minutes:   # also when spent mid-epoch
            log.info("time budget of %g minutes spent after epoch %d", cfg.max_minutes, epoch + 1)
            stop = True
        if broadcast_flag(ctx, stop):
            break

    barrier(ctx)
    if not ctx.is_main:
        return TrainResult(run, best_epoch, best_f1, {}, elapsed)

    # ---- test the best checkpoint ------------------------------------------------------------------
    best, best_meta = load_checkpoint(weights_dir / "best.safetensors", device=str(device))
    _, probs = run_inference(best, images[idx["test"]], batch_size=512)
    test_labels = {h: y[idx["test"]].numpy() for h, y in labels.items()}
    # Temperatures for the probabilities the model shows, fitted on val (fashionrec.calibration).
    _, val_probs = run_inference(best, images[idx["val"]], batch_size=512)
    calibration = calibration_record((val_probs, {h: y[idx["val"]].numpy() for h, y in labels.items()}),
                                     (probs, test_labels), catalog.root)
    # The group and category scored as the model will show them: read from its type (fashionrec.levels).
    shown = Tagger(model=best, meta={**best_meta, "calibration": calibration}).levels_shown(probs)
    metrics = evaluate_predictions(test_labels, probs, space.classes, read_from_type=shown, spread=True)
    metrics.update({"model": best_meta["name"], "data": str(catalog.root), "split": "test",
                    "best_epoch": best_epoch, "train_seconds": round(elapsed, 1)})
    # As `fashionrec evaluate --split test` gives them: the count, and the numbers without those products.
    note_seen_before(metrics, seen_before, test_labels, probs, space.classes, shown)
    write_eval_report(metrics, test_labels["articleType"], probs["articleType"], space.classes["articleType"],
                      run / "test", title=f"{best_meta['name']}: {held_out(metrics)}", classes=space.classes)
    # The best checkpoint carries its own test metrics, so the file alone describes the model.
    # How long the whole run went on (the best epoch's own time is its train_seconds), for the model card.
    with open(run / "results.csv", newline="") as f:      # the last epoch's number
        epochs_run = max(int(r["epoch"]) for r in csv.DictReader(f))
    save_checkpoint(best, space.classes, {**best_meta, "test": tested(metrics), "calibration": calibration,
                                          "params": sum(p.numel() for p in best.parameters()),
                                          "epochs_run": epochs_run, "run_seconds": round(elapsed, 1)},
                    weights_dir / "best")
    log.info("test: top-1 %.4f top-5 %s macro-F1 %.4f (best epoch %d)", metrics["accuracy"],
             top5_said(metrics), metrics["macro_f1"], best_epoch)
    return TrainResult(run, best_epoch, best_f1, metrics, elapsed)


def describe_hardware(device: torch.device, ctx: DistContext = DistContext()) -> str:
    """What a checkpoint records as its hardware: GPU name or CPU and threads, processes, torch version."""
    procs = f"{ctx.world_size} processes (DDP), " if ctx.enabled else ""
    if device.type == "cuda":
        return f"{procs}{torch.cuda.get_device_name(device)}, torch {torch.__version__}"
    return f"{procs}CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, " \
           f"torch {torch.__version__}"


def main(argv: list[str] | None = None) -> None:
    """``python -m fashionrec.train ARGS`` = ``fashionrec train ARGS`` (the entry point torchrun runs)."""

    from fashionrec.cli import app

    app(args=["train", *(sys.argv[1:] if argv is None else argv)], prog_name="fashionrec")


if __name__ == "__main__":
    main()
