"""A catalogue update, rebuilt (a script, not a test): the index of a catalogue built once, then rebuilt after
``--changed`` new rows arrive, with the previous index's embeddings reused and, side by side in the same run,
without (``--no-reuse``).

    python benchmarks/bench_rebuild.py [--data DATA_DIR] [--rows 4000] [--changed 100] [--model PATH]
                                       [--json runs/bench/rebuild.json]

The catalogue is the first ``--rows`` usable rows of ``--data`` (0: all of them), in a temporary folder whose
photos link to the originals; ``--changed`` of them, picked at random, are left out of the first build and are
the new rows of the second. Prints the wall time of each build, the speed-up, and how far the reused
rebuild's image and text embeddings are from the ones embedded again (they must agree to float noise).
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path

import numpy as np

from fashionrec.catalog import default_data_dir, load_catalog
from fashionrec.recommend import Recommender
from fashionrec.tagger import Tagger


def shop_folder(data: Path, rows: list[str], header: str, out: Path) -> Path:
    """A catalogue folder of ``rows`` (styles.csv lines) whose images/ links to ``data``'s."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "styles.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    if not (out / "images").exists():
        (out / "images").symlink_to((data / "images").resolve())
    return out


def timed_build(folder: Path, tagger: Tagger, out: Path, reuse: bool) -> tuple[float, Recommender]:
    t0 = time.perf_counter()
    rec = Recommender.build(load_catalog(folder, progress=False, warn=False), tagger, out, progress=False,
                            reuse=reuse)
    return time.perf_counter() - t0, rec


def by_id(rec: Recommender) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(rec.items["id"].to_numpy())
    return rec.embeddings[order], rec.text_embeddings[order]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--rows", type=int, default=4000, help="usable rows of the catalogue (0: all)")
    parser.add_argument("--changed", type=int, default=100, help="rows new at the rebuild")
    parser.add_argument("--model", type=Path, default=None, help="checkpoint (default: the shipped model)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    data = args.data or default_data_dir()
    usable = load_catalog(data, progress=False, warn=False).usable
    ids = {str(i) for i in (usable["id"] if not args.rows else usable["id"][:args.rows])}
    lines = (data / "styles.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], [line for line in lines[1:] if line.split(",", 1)[0] in ids]
    new = set(np.random.default_rng(0).choice(len(body), args.changed, replace=False).tolist())
    tagger = Tagger.load(args.model)
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as tmp:
        tmp = Path(tmp)
        before = shop_folder(data, [line for i, line in enumerate(body) if i not in new], header, tmp / "shop")
        first_s, _ = timed_build(before, tagger, tmp / "index", reuse=True)
        after = shop_folder(data, body, header, tmp / "shop")
        reused_s, reused = timed_build(after, tagger, tmp / "index", reuse=True)
        full_s, full = timed_build(after, tagger, tmp / "full", reuse=False)
        (vecs, texts), (vecs_full, texts_full) = by_id(reused), by_id(full)
        result = {
            "products": len(reused), "new_rows": args.changed, "first_build_s": round(first_s, 1),
            "rebuild_reusing_s": round(reused_s, 1), "rebuild_without_reuse_s": round(full_s, 1),
            "speed_up": round(full_s / reused_s, 1), "reused": reused.manifest["reused"],
            "max_abs_diff_image": float(np.abs(vecs - vecs_full).max()),
            "max_abs_diff_text": float(np.abs(texts - texts_full).max()),
        }
    print("| products | new rows | first build | rebuild, reusing | rebuild, all embedded | speed-up |")
    print("|---|---|---|---|---|---|")
    print(f"| {result['products']:,} | {args.changed:,} | {first_s:.1f} s | {reused_s:.1f} s | {full_s:.1f} s "
          f"| {result['speed_up']}x |")
    print(f"reused {result['reused']}; largest difference to the embeddings made again: image "
          f"{result['max_abs_diff_image']:.2e}, text {result['max_abs_diff_text']:.2e}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
