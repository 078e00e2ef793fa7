"""What stock changes leave in an index folder, and what a load of it costs after them (a script, not a test).

    python benchmarks/bench_stock_generations.py [--index runs/index] [--work /tmp/bench-stock] [--changes 1,10,100]
                                                 [--per-change 50] [--loads 3] [--model M]
                                                 [--json FILE] [--keep] [--tables]

``--index`` is copied into ``--work`` first (it is never written). Then stock changes are made one after another
(``set_stock`` of ``--per-change`` products drawn at random, a seeded draw, levels 0 to 9, each saved as its
generation: :mod:`fashionrec.index_delta`), and after 1, 10, 100 of them (``--changes``) the script writes: the
folder's generation files (how many, their bytes), how many levels the last generation carries, the time of one
``set_stock`` save, and the median time of ``--loads`` loads of the folder (the vector index's load included), beside
the same for the folder before any change.

``--tables``: instead, the time of one level set as a server sets it (``set_stock`` under a lock, which built every
search table anew before stop 69) and as the CLI does, each with the first similar items after it, on the warmed
copy (stop 69: 9-11 s and 13 s at 40k before, 0.2-0.3 s and 0.06 s after, a machine at load 11-16).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import shutil
import statistics
import time
from pathlib import Path

import numpy as np

from fashionrec.artifacts import read_json
from fashionrec.recommend import Recommender


def _load_s(folder: Path, loads: int, model: Path | None) -> float:
    times = []
    for _ in range(loads):
        t = time.perf_counter()
        Recommender.load(folder, model)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _generation(folder: Path) -> dict:
    files = sorted(folder.glob("delta.*"))
    record = read_json(folder / "manifest.json").get("delta") or {}
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "levels_carried": int(record.get("stock") or 0)}


def _tables(rec: Recommender) -> None:
    ids = rec.items["id"].astype(int).tolist()
    t = time.perf_counter()
    rec.warm_search()
    print(f"warm_search {time.perf_counter() - t:.2f} s", flush=True)
    rec.similar(ids[0], k=12)
    for i, (how, lock) in enumerate((("as a server", lambda: contextlib.nullcontext()),
                                     ("as the CLI", contextlib.nullcontext))):
        t = time.perf_counter()
        rec.set_stock({ids[5 + i]: 0}, exclusive=lock)
        took = time.perf_counter() - t
        t = time.perf_counter()
        rec.similar(ids[1 + i], k=12)
        print(f"one level set {how}: {took:.2f} s; the first similar items after it {time.perf_counter() - t:.3f} s",
              flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=Path("runs/index"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench-stock"))
    ap.add_argument("--changes", default="1,10,100", help="after how many stock changes to measure")
    ap.add_argument("--per-change", type=int, default=50, help="products a change sets")
    ap.add_argument("--loads", type=int, default=3)
    ap.add_argument("--model", type=Path, default=None, help="the checkpoint the index was built with (default: "
                    "the shipped model)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="leave --work as the last change left it")
    ap.add_argument("--tables", action="store_true", help="time one level set with the search tables warm instead")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    marks = sorted({int(n) for n in args.changes.split(",")})
    if args.work.exists():
        shutil.rmtree(args.work)
    shutil.copytree(args.index, args.work)
    if args.tables:
        _tables(Recommender.load(args.work, args.model))
        if not args.keep:
            shutil.rmtree(args.work)
        return
    rows = [{"changes": 0, **_generation(args.work), "save_s": None,
             "load_s": _load_s(args.work, args.loads, args.model)}]
    print(rows[-1], flush=True)
    rec = Recommender.load(args.work, args.model)
    ids = rec.items["id"].to_numpy(np.int64)
    draw = np.random.default_rng(69)
    for n in range(1, marks[-1] + 1):
        chosen = draw.choice(ids, size=min(args.per_change, len(ids)), replace=False)
        t = time.perf_counter()
        rec.set_stock({int(i): int(draw.integers(0, 10)) for i in chosen})
        save_s = time.perf_counter() - t
        if n in marks:
            rows.append({"changes": n, **_generation(args.work), "save_s": round(save_s, 3),
                         "load_s": _load_s(args.work, args.loads, args.model)})
            print(rows[-1], flush=True)
    if args.json:
        args.json.write_text(json.dumps({"index": str(args.index), "products": len(ids),
                                         "per_change": args.per_change, "rows": rows}, indent=1))
    if not args.keep:
        shutil.rmtree(args.work)


if __name__ == "__main__":
    main()
