"""How fast ``fashionrec recommend export`` works a catalogue's lists out (a script, not a test): the same random
products exported by one process and by several, side by side in one run, with the time each list takes a
product in one process (similar items, other colours, a look) and whether the tables are the same.

    python benchmarks/bench_export.py [--index runs/index] [--products 1000] [--workers N] [--seed 0] [--json FILE]

``--workers``: the processes of the second run (default: what the command uses, the cores this process may
use). The whole catalogue takes about ``products in the index / products a second`` of the table.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from fashionrec.rec_export import default_workers, export_recommendations, read_export
from fashionrec.recommend import Recommender
from fashionrec.results import PRODUCT_PAGE


def per_list_ms(rec: Recommender, ids: list[int]) -> dict[str, float]:
    """Milliseconds a product, in this process, for each list of its page (as the export makes them)."""
    spent = dict.fromkeys(PRODUCT_PAGE, 0.0)
    for item_id in ids:
        t = time.perf_counter()
        similar = rec.similar(item_id, k=PRODUCT_PAGE["similar"])
        spent["similar"] += time.perf_counter() - t
        t = time.perf_counter()
        rec.in_other_colours(item_id, k=PRODUCT_PAGE["other_colours"], exclude_ids=[r.id for r in similar])
        spent["other_colours"] += time.perf_counter() - t
        t = time.perf_counter()
        rec.complete_the_look(item_id, k=PRODUCT_PAGE["outfit"])
        spent["outfit"] += time.perf_counter() - t
    return {kind: 1e3 * s / len(ids) for kind, s in spent.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=Path("runs/index"))
    ap.add_argument("--products", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=default_workers())
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    rec = Recommender.load(args.index)
    ids = rec.items["id"].astype(int).tolist()
    sample = random.Random(args.seed).sample(ids, min(args.products, len(ids)))
    per_list_ms(rec, sample[:20])       # the per-catalogue tables, built once, before any timing
    lists = per_list_ms(rec, sample[:200])
    runs, tables = [], []
    with tempfile.TemporaryDirectory(prefix="bench_export_") as tmp:
        for workers in (1, args.workers):
            out = Path(tmp) / f"recs_{workers}.parquet"
            started = time.perf_counter()
            summary = export_recommendations(rec, out, ids=sample, workers=workers, progress=False)
            seconds = time.perf_counter() - started
            tables.append(read_export(out)[0])
            runs.append({"workers": summary["workers"], "products": summary["products"], "rows": summary["rows"],
                         "seconds": round(seconds, 2), "ms_per_product": round(1e3 * seconds / len(sample), 2),
                         "products_per_s": round(len(sample) / seconds, 1)})
    same = tables[0].equals(tables[1])
    print(f"index {args.index} ({len(rec):,} products), {len(sample):,} random products (seed {args.seed})\n")
    print("| list (one process, 200 products) | ms a product |\n|---|---|")
    for kind, ms in lists.items():
        print(f"| {kind} | {ms:.2f} |")
    print("\n| processes | seconds | ms a product | products a second | the whole index at this rate |")
    print("|---|---|---|---|---|")
    for run in runs:
        whole = len(rec) / run["products_per_s"]
        print(f"| {run['workers']} | {run['seconds']:.1f} | {run['ms_per_product']:.2f} | {run['products_per_s']:.1f} "
              f"| {whole / 60:.1f} min |")
    speedup = runs[0]["seconds"] / runs[1]["seconds"]
    print(f"\n{runs[1]['workers']} processes: {speedup:.2f}x one; the same table: {same}")
    if args.json:
        args.json.write_text(json.dumps({"index": str(args.index), "count": len(rec), "seed": args.seed,
                                         "per_list_ms": lists, "runs": runs, "speedup": speedup,
                                         "same_table": same}, indent=2))


if __name__ == "__main__":
    main()
