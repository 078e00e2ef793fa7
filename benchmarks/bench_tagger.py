"""Tagger comparison: the original study's architecture vs ours, trained by the same loop, side by side.

Prints one table: model, class-imbalance handling, parameters, epochs, train minutes, test top-1,
macro-F1, macro-recall, CPU inference ms/image. Every row gets the same split, loop, augmentation and
epoch count; on 2 CPU cores use --subset to keep it to minutes (the numbers are then indicative, not the
shipped model's).

    python benchmarks/bench_tagger.py --data ../shared/datasets/fashion-product-images-small \
        --epochs 3 --subset 8000 --models seed-cnn fashion-cnn efficientnet-lite0
    # what the imbalance handling does to macro-F1, one model:
    python benchmarks/bench_tagger.py --models fashion-cnn --balance none sqrt sampler --subset 8000
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch

from fashionrec.models import create_model
from fashionrec.train import make_config, train


def subset_catalogue(data: Path, n: int, seed: int = 0) -> Path:
    """A Kaggle-layout folder with ``n`` random rows (images linked, not copied)."""
    from fashionrec.catalog import load_catalog

    usable = load_catalog(data, progress=False).usable.sample(n=n, random_state=seed)
    out = Path(tempfile.mkdtemp(prefix="bench-tagger-"))
    (out / "images").mkdir()
    cols = ["id", "gender", "masterCategory", "subCategory", "articleType", "baseColour", "season", "year",
            "usage", "productDisplayName"]
    usable[cols].to_csv(out / "styles.csv", index=False)
    for p in usable["image_path"]:
        (out / "images" / Path(p).name).symlink_to(Path(p).resolve())
    return out


def cpu_ms_per_image(name: str, batch: int = 64) -> float:
    model = create_model(name, 141).eval().to(memory_format=torch.channels_last)
    x = torch.zeros(batch, 3, model.spec.height, model.spec.width).contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        model(x)
        t = time.perf_counter()
        for _ in range(3):
            model(x)
    return (time.perf_counter() - t) / (3 * batch) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets/fashion-product-images-small"))
    ap.add_argument("--models", nargs="+", default=["seed-cnn", "fashion-cnn", "efficientnet-lite0"])
    ap.add_argument("--balance", nargs="+", default=["sqrt"], choices=["none", "sqrt", "sampler"],
                    help="Imbalance handling(s) to compare: one row per model and choice.")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--subset", type=int, default=0, help="Random rows to use (0: all).")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--json", type=Path, default=None, help="Also write the rows as JSON here.")
    args = ap.parse_args()

    data = subset_catalogue(args.data, args.subset) if args.subset else args.data
    rows = []
    try:
        for name, balance in itertools.product(args.models, args.balance):
            out = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
            lr = 1e-3 if name == "efficientnet-lite0" else 3e-3
            cfg = make_config(model=name, epochs=args.epochs, lr=lr, patience=args.epochs, device=args.device,
                              balance=balance)
            r = train(data, cfg, out / "run", progress=False)
            m = r.test_metrics
            rows.append({"model": name, "balance": balance,
                         "params_M": round(sum(p.numel() for p in create_model(name, 141).parameters()) / 1e6, 2),
                         "epochs": args.epochs, "train_min": round(r.train_seconds / 60, 1),
                         "test_top1": round(m["accuracy"], 4), "test_macro_f1": round(m["macro_f1"], 4),
                         "test_macro_recall": round(m["macro_recall"], 4),
                         "cpu_ms_per_image": round(cpu_ms_per_image(name), 2)})
            shutil.rmtree(out, ignore_errors=True)
    finally:
        if args.subset:
            shutil.rmtree(data, ignore_errors=True)
    print(f"\ndata: {args.data} ({'all usable images' if not args.subset else f'{args.subset} random images'}), "
          f"{args.epochs} epochs each, torch threads {torch.get_num_threads()}")
    print(pd.DataFrame(rows).to_markdown(index=False) if _has_tabulate() else pd.DataFrame(rows).to_string(index=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"data": str(args.data), "subset": args.subset, "epochs": args.epochs,
                                         "threads": torch.get_num_threads(), "rows": rows}, indent=2))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
