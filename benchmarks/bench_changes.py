"""What one product added or removed costs on a copy of an index folder (a script, not a test): the time of
:meth:`~fashionrec.recommend.Recommender.add_product` and of ``remove_products`` (a product just added, and a
catalogue product), each with its save (the folder written: :meth:`~fashionrec.recommend.Recommender.save`) apart,
and of a load of the folder after ``--adds`` products added one at a time.

    python benchmarks/bench_changes.py [--index runs/index] [--work /tmp/bench-changes] [--runs 3] [--adds 20]
                                       [--json FILE]

``--index`` is copied into ``--work`` first (it is never written). Each change writes the folder's arrays anew
(468 MB at 40k products); before stop 62 a removal from an HNSW index (over 20k products) also rebuilt its graph
(docs/history.md, "Stop 62"). The first add of a run also loads the tagger and the text model: listed apart.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import time
from pathlib import Path

from PIL import Image

from fashionrec.recommend import Recommender


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=Path("runs/index"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench-changes"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--adds", type=int, default=20, help="products added one at a time before the folder's load")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    logging.disable(logging.WARNING)        # each add says its photo is a catalogue product's
    if args.work.exists():
        shutil.rmtree(args.work)
    shutil.copytree(args.index, args.work)
    saves: list[float] = []
    real_save = Recommender.save

    def timed_save(self) -> None:
        t = time.perf_counter()
        real_save(self)
        saves.append(time.perf_counter() - t)

    Recommender.save = timed_save
    rec = Recommender.load(args.work)
    catalogue = [int(i) for i in rec.items["id"]]
    photo = Image.open(rec.image_path(catalogue[0]))
    rows: dict[str, list[tuple[float, float]]] = {"add": [], "remove (just added)": [], "remove (catalogue)": []}

    def timed(what: str, change) -> object:
        t = time.perf_counter()
        out = change()
        rows[what].append((time.perf_counter() - t, saves[-1]))
        return out

    t = time.perf_counter()
    rec.add_product(photo, {"productDisplayName": "Roadster Men Blue Casual Shirt"})     # models loaded
    first = time.perf_counter() - t
    for k in range(args.runs):
        added = timed("add", lambda k=k: rec.add_product(photo, {"productDisplayName": f"Roadster Men Shirt {k}"}))
        timed("remove (just added)", lambda added=added: rec.remove_products([added]))
        timed("remove (catalogue)", lambda k=k: rec.remove_products([catalogue[1 + k]]))
    for k in range(args.adds):
        rec.add_product(photo, {"productDisplayName": f"Roadster Men Casual Shirt {k}"})
    loads = []
    for _ in range(args.runs):
        t = time.perf_counter()
        Recommender.load(args.work, model=rec.tagger)
        loads.append(time.perf_counter() - t)
    table = {what: {"median_s": statistics.median(t for t, _ in got),
                    "save_median_s": statistics.median(s for _, s in got),
                    "runs_s": [round(t, 3) for t, _ in got]} for what, got in rows.items()}
    table[f"load after {args.adds + args.runs + 1} adds"] = {"median_s": statistics.median(loads),
                                                             "runs_s": [round(t, 3) for t in loads]}
    print(f"index {args.index}: {len(catalogue):,} products; first add (models loaded) {first:.2f} s")
    print("| change | median s | of it the save, s | runs s |\n|---|---|---|---|")
    for what, row in table.items():
        save = f"{row['save_median_s']:.2f}" if "save_median_s" in row else ""
        print(f"| {what} | {row['median_s']:.2f} | {save} | {', '.join(f'{t:.2f}' for t in row['runs_s'])} |")
    if args.json:
        args.json.write_text(json.dumps({"index": str(args.index), "products": len(catalogue), "first_add_s": first,
                                         "changes": table}, indent=2) + "\n")
    shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
