"""Searches while a server's catalogue changes (a script, not a test): how long a similar-items search takes
while :meth:`fashionrec.api.deps.Service.reload_if_changed` loads a changed folder beside the index served, and
while a product is added through the server (what ``POST /api/items`` does), with the loaded index left out of
the garbage collector's full passes (``keep_from_collector``, what a server does) and, side by side in the same
run, without it (the tables a change builds before it goes in, ``Recommender._prepared``, are built in both).

    python benchmarks/bench_reload.py [--index runs/index] [--reloads 3] [--adds 2] [--every-ms 20] [--json FILE]

The folder served is a temporary one whose data files link to ``--index``'s, with a manifest of its own;
each reload is set off by writing that manifest again with another ``updated`` (the whole folder is read, as
after a rebuild); each add adds a catalogue photo under a new id (the folder is saved, its links replaced by
files). A thread searches every ``--every-ms`` all along; the table has its latencies while the changes ran,
and the longest time Python's lock was held away from a thread that asks for it every millisecond (the stall
every request sees).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from fashionrec.api import deps
from fashionrec.api.settings import Settings
from fashionrec.recommend import Recommender


def served_copy(index: Path, out: Path) -> Path:
    """A folder whose files link to ``index``'s, but for a manifest of its own (rewritten to set off a reload)."""
    for f in index.iterdir():
        if f.is_file() and not f.name.startswith("."):
            if f.name == "manifest.json":
                (out / f.name).write_bytes(f.read_bytes())
            else:
                (out / f.name).symlink_to(f.resolve())
    return out


def touch_manifest(folder: Path, n: int) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["updated"] = f"bench-reload-{n}-{time.time_ns()}"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest))
    tmp.replace(path)


def add_one(service: deps.Service, n: int) -> None:
    """What ``POST /api/items`` does with a photo of the catalogue the index was built from."""
    rec = service.rec
    photo = Path(rec.manifest["data_dir"]) / "images" / f"{int(rec.items['id'].iloc[n])}.jpg"
    with service.change() as exclusive:
        rec.add_product(Image.open(photo), {"productDisplayName": f"Bench Added Product {n}"}, exclusive=exclusive,
                        quiet=True)


def measure(folder: Path, kind: str, times: int, every_s: float, freeze: bool) -> dict:
    """Serve ``folder``, change it ``times`` times (``kind``: reload or add), and time the searches meanwhile."""
    gc.unfreeze()
    gc.collect()
    keep = deps.keep_from_collector
    if not freeze:
        deps.keep_from_collector = lambda: None     # the code before: everything left to the full passes
    try:
        service = deps.Service(Recommender.load(folder), Settings(index_dir=folder, reload_s=0))
        ids = service.rec.items["id"].to_numpy()
        rng = np.random.default_rng(0)
        searches: list[tuple[float, float]] = []    # (start, seconds)
        gaps: list[tuple[float, float]] = []        # (start, seconds) of each 1 ms sleep
        stop = threading.Event()

        def search() -> None:
            while not stop.is_set():
                t0 = time.perf_counter()
                with service.reading():
                    service.rec.similar(int(rng.choice(ids)), k=10)
                searches.append((t0, time.perf_counter() - t0))
                time.sleep(every_s)

        def tick() -> None:
            last = time.perf_counter()
            while not stop.is_set():
                time.sleep(0.001)
                now = time.perf_counter()
                gaps.append((last, now - last))
                last = now

        threads = [threading.Thread(target=search), threading.Thread(target=tick)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        spans, seconds = [], []
        for n in range(times):
            t0 = time.perf_counter()
            if kind == "add":
                add_one(service, n)
            else:
                touch_manifest(folder, n)
                t0 = time.perf_counter()
                if not service.reload_if_changed():
                    raise SystemExit(f"reload {n} did not happen: see the log")
            spans.append((t0, time.perf_counter()))
            seconds.append(spans[-1][1] - t0)
            time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join()
    finally:
        deps.keep_from_collector = keep
        gc.unfreeze()

    def during(events):
        return np.array([d for start, d in events if any(a <= start + d and start <= b for a, b in spans)])

    lat, held = 1000 * during(searches), 1000 * during(gaps)
    return {"change": kind, "freeze": freeze, "change_s": float(np.median(seconds)), "searches": len(lat),
            "p50_ms": float(np.percentile(lat, 50)), "p99_ms": float(np.percentile(lat, 99)),
            "max_ms": float(lat.max()), "lock_held_max_ms": float(held.max())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("runs/index"))
    parser.add_argument("--reloads", type=int, default=3)
    parser.add_argument("--adds", type=int, default=2)
    parser.add_argument("--every-ms", type=float, default=20.0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    rows = []
    for kind, times in (("reload", args.reloads), ("add", args.adds)):
        for freeze in (False, True, False, True):     # alternated: the machine's hour weighs on both alike
            if times:
                with tempfile.TemporaryDirectory(prefix="bench_reload.") as tmp:
                    rows.append(measure(served_copy(args.index, Path(tmp)), kind, times, args.every_ms / 1000,
                                        freeze))
    count = json.loads((args.index / "manifest.json").read_text()).get("count")
    print(f"{count} products; {args.reloads} reloads and {args.adds} adds a round; a search every {args.every_ms:g} ms")
    print("| change | loaded index | change s | searches meanwhile | p50 ms | p99 ms | max ms | lock held max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['change']} | {'left out of full GC passes' if r['freeze'] else 'in every full GC pass'} "
              f"| {r['change_s']:.2f} | {r['searches']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | "
              f"{r['lock_held_max_ms']:.1f} |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
