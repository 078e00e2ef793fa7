"""Tagger inference on CPU, PyTorch eager vs ONNX Runtime, side by side in one run.

For each architecture (random weights: speed does not depend on them) and for the shipped model, the same
checkpoint is loaded twice, ``runtime="torch"`` and ``runtime="onnx"``, and timed on one photo at a time
(what a photo query pays) and on batches of 64 (what ``index build`` and ``evaluate`` pay). Also checks
that both give the same outputs. Prints one table; ``--json`` writes it.

    python benchmarks/bench_runtime.py [--repeat 40] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from fashionrec.models import create_model
from fashionrec.tagger import SHIPPED_MODEL, Tagger, save_checkpoint

HEADS = {"articleType": 141, "gender": 5, "masterCategory": 7, "subCategory": 45, "baseColour": 46,
         "usage": 8, "season": 4}


def per_image_ms(tagger: Tagger, batch: int, repeat: int) -> tuple[float, float]:
    """(p50, p99) milliseconds per image over ``repeat`` calls of ``batch`` images."""
    x = torch.randint(0, 256, (batch, 3, 80, 60), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    for _ in range(3):
        tagger.infer(x)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        tagger.infer(x, batch_size=batch)
        times.append((time.perf_counter() - t) * 1000 / batch)
    return tuple(float(v) for v in np.percentile(times, [50, 99]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=40, help="timed calls per cell (batches of 64: a quarter)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-runtime-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    checkpoints = {}
    # Each architecture at its default input, and the EfficientNets at the GPU recipe's 224x168.
    for name, size in (("seed-cnn", None), ("fashion-cnn", None), ("efficientnet-lite0", None),
                       ("efficientnet-lite0", (224, 168)), ("efficientnet-lite2", (224, 168))):
        torch.manual_seed(0)
        model = create_model(name, HEADS, input_size=size).eval()
        classes = {h: [str(i) for i in range(n)] for h, n in HEADS.items()}
        label = name if size is None else f"{name} {size[0]}x{size[1]}"
        checkpoints[label] = save_checkpoint(model, classes, {"name": label}, tmp / label.replace(" ", "_"))
    checkpoints[f"shipped ({Tagger.load(SHIPPED_MODEL, runtime='torch').name})"] = SHIPPED_MODEL

    rows = []
    x = torch.randint(0, 256, (8, 3, 80, 60), dtype=torch.uint8, generator=torch.Generator().manual_seed(1))
    for label, path in checkpoints.items():
        slow, fast = Tagger.load(path, runtime="torch"), Tagger.load(path, runtime="onnx")
        (vs, ps), (vf, pf) = slow.infer(x), fast.infer(x)
        diff = max([float(np.abs(vs - vf).max())] + [float(np.abs(ps[h] - pf[h]).max()) for h in ps])
        row = {"model": label, "max_abs_diff": diff}
        for batch, repeat in ((1, args.repeat), (64, max(3, args.repeat // 4))):
            for runtime, tagger in (("torch", slow), ("onnx", fast)):
                p50, p99 = per_image_ms(tagger, batch, repeat)
                row[f"b{batch}_{runtime}_p50"], row[f"b{batch}_{runtime}_p99"] = p50, p99
            row[f"b{batch}_speedup"] = row[f"b{batch}_torch_p50"] / row[f"b{batch}_onnx_p50"]
        rows.append(row)

    print(f"threads: {torch.get_num_threads()}; ms per image, p50 (p99)")
    print(f"{'model':32s} {'1 photo: torch':>16s} {'onnx':>14s} {'x':>5s}   {'batch 64: torch':>15s} "
          f"{'onnx':>12s} {'x':>5s}   max |diff| (embedding, probabilities)")
    for r in rows:
        print(f"{r['model']:32s} {r['b1_torch_p50']:7.2f} ({r['b1_torch_p99']:6.2f}) "
              f"{r['b1_onnx_p50']:6.2f} ({r['b1_onnx_p99']:5.2f}) {r['b1_speedup']:5.1f}   "
              f"{r['b64_torch_p50']:6.2f} ({r['b64_torch_p99']:6.2f}) {r['b64_onnx_p50']:5.2f} "
              f"({r['b64_onnx_p99']:4.2f}) {r['b64_speedup']:5.1f}   {r['max_abs_diff']:.1e}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
