"""A profile's picks ("For you", ``Recommender.for_profile``): how long random profiles of 5, 20 and 200 saved
products take for 10 and 100 picks, and, with ``--base``, the same profiles by another checkout's code side by side
in the same run, with whether each profile's picks are the same (id, score, reason, card reason, slot).

    python benchmarks/bench_profiles.py [--index runs/index] [--base ../other/src] [--profiles 10] [--seed 73]
        [--sizes 5/10,20/10,200/10,5/100,20/100,200/100] [--json FILE]

Each checkout's code runs in a process of its own (``PYTHONPATH`` its ``src``), loaded and warmed as a server is
(``warm_search``); the first profile it is asked (200 saved products, 100 picks) is timed apart, as the first request
after a server's start. The profiles are then asked of both in turn, which one goes first alternating. The saved
products are drawn from the index's ids by ``--seed``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def worker(index: str) -> None:
    """Answer one JSON request a line on stdin (``{"ids": [...], "k": 10}``) with the picks and the seconds taken."""
    from fashionrec.recommend import Recommender

    rec = Recommender.load(index)
    rec.warm_search()
    print(json.dumps({"ids": [int(i) for i in rec.items["id"]]}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        t = time.perf_counter()
        recs = rec.for_profile(req["ids"], req["k"])
        dt = time.perf_counter() - t
        picks = [[r.id, repr(float(r.score)), r.reason, r.card_reason, r.slot] for r in recs]
        print(json.dumps({"t": dt, "picks": picks}), flush=True)


class Checkout:
    """A worker process running one checkout's code."""

    def __init__(self, name: str, src: Path, index: Path):
        self.name = name
        env = {**os.environ, "PYTHONPATH": str(src)}
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", str(index)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        self.ids = json.loads(self.proc.stdout.readline())["ids"]

    def ask(self, ids: list[int], k: int) -> dict:
        self.proc.stdin.write(json.dumps({"ids": ids, "k": k}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=Path("runs/index"))
    ap.add_argument("--base", type=Path, default=None, help="Another checkout's src folder, timed beside this one.")
    ap.add_argument("--profiles", type=int, default=10, help="Random profiles per size.")
    ap.add_argument("--seed", type=int, default=73)
    ap.add_argument("--sizes", default="5/10,20/10,200/10,5/100,20/100,200/100", help="SAVED/K, comma-separated.")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return
    sizes = [tuple(int(x) for x in s.split("/")) for s in args.sizes.split(",")]
    runs = [Checkout("this", HERE.parent / "src", args.index)]
    if args.base:
        runs.insert(0, Checkout("base", args.base, args.index))
    rng = random.Random(args.seed)
    ids = runs[0].ids
    first_profile = rng.sample(ids, 200)
    first = {c.name: c.ask(first_profile, 100)["t"] for c in runs}
    times: dict[tuple[int, int, str], list[float]] = {}
    differing: list[tuple[int, int, list[int]]] = []
    for size, k in sizes:
        for n in range(args.profiles):
            liked = rng.sample(ids, size)
            order = runs if n % 2 == 0 else runs[::-1]
            out = {c.name: c.ask(liked, k) for c in order}
            for name, answer in out.items():
                times.setdefault((size, k, name), []).append(answer["t"])
            if len(runs) == 2 and out["base"]["picks"] != out["this"]["picks"]:
                differing.append((size, k, liked))
    for c in runs:
        c.close()
    names = [c.name for c in runs]
    print("| saved | k | " + " | ".join(f"{name} p50 s" for name in names) + (" | this/base |" if args.base else " |"))
    print("|---|---|" + "---|" * len(names) + ("---|" if args.base else ""))
    table = [("first after warm_search, 200", 100, {name: first[name] for name in names})]
    table += [(str(size), k, {name: statistics.median(times[(size, k, name)]) for name in names}) for size, k in sizes]
    for label, k, p50 in table:
        cells = " | ".join(f"{p50[name]:.3f}" for name in names)
        ratio = f" | {p50['this'] / p50['base']:.2f} |" if args.base else " |"
        print(f"| {label} | {k} | {cells}{ratio}")
    if args.base:
        total = len(sizes) * args.profiles
        print(f"profiles whose picks differ: {len(differing)} of {total}")
        for size, k, liked in differing:
            print(f"  {size} saved, k {k}: {liked[:8]}{' ...' if len(liked) > 8 else ''}")
    if args.json:
        args.json.write_text(json.dumps({"first": first, "p50": {f"{label}/{k}": p50 for label, k, p50 in table},
                                         "differing": differing}, indent=1))


if __name__ == "__main__":
    main()
