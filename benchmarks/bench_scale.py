"""Scale-out benchmarks (a script, not a test): FAISS vs Milvus Lite, and Ray vs one process.

    python benchmarks/bench_scale.py [--index runs/index] [--data DATA_DIR] [--big 1000000] [--quick]
                                     [--json runs/bench/scale.json] [--plot runs/bench/scale.png]

Index rows, at two sizes, every backend side by side in one run:
* 40k: the real vectors the index of ``--index`` searches (its embeddings or their PCA projection;
  synthetic clustered vectors if there is none);
* ``--big`` (1M): those real embeddings repeated with Gaussian noise (sigma 0.05 per dimension, then
  re-normalised), so the neighbourhoods look like the catalogue's, not like uniform noise.
For FAISS exact (flat), FAISS HNSW (M=32, efSearch tuned to recall@10 >= 0.95) and Milvus Lite (FLAT,
and HNSW at the big size): build time, memory (resident-set growth of this process and its children:
Milvus Lite runs its engine in a child process), recall@10 against exact search, and single-query
top-10 latency p50/p99 (one query at a time, FAISS on one thread).

Embedding rows: ``fashionrec embed`` on a sample of ``--data`` with the local engine and with Ray Data
(a local Ray on this machine), images/s for each.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np
import psutil

from fashionrec.index import FaissIndex


def rss_mb() -> float:
    """Resident memory of this process and its children, MB."""
    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):      # a child may exit while we look
            total += child.memory_info().rss
    return total / 2**20


def clustered(n: int, d: int, seed: int = 0, clusters: int = 200) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, d)).astype(np.float32)
    out = centres[rng.integers(0, clusters, n)] + 0.6 * rng.normal(size=(n, d)).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def noisy_repeat(base: np.ndarray, n: int, sigma: float = 0.05, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), np.float32)
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        out[s:s + m] = base[rng.integers(0, len(base), m)] + sigma * rng.normal(size=(m, base.shape[1]))
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def latency(search, queries: np.ndarray) -> tuple[float, float, np.ndarray]:
    lat, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        ids = search(q[None, :])
        lat.append((time.perf_counter() - t0) * 1000)
        found.append(ids[0])
    return float(np.percentile(lat, 50)), float(np.percentile(lat, 99)), np.array(found)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(found, truth, strict=True)]))


def bench_backends(vectors: np.ndarray, label: str, queries: np.ndarray, big: bool,
                   milvus_queries: int = 0) -> list[dict]:
    ids = np.arange(len(vectors), dtype=np.int64)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    del exact
    rows = []
    kinds = [("faiss", "flat"), ("faiss", "hnsw"), ("milvus-lite", "FLAT")] if not big else \
        [("faiss", "flat"), ("faiss", "hnsw"), ("milvus-lite", "HNSW")]
    for backend, kind in kinds:
        tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        before = rss_mb()
        t0 = time.perf_counter()
        if backend == "faiss":
            idx = FaissIndex(vectors.shape[1], kind=kind)
            idx.add(ids, vectors)
            if kind == "hnsw":
                idx.tune_ef_search(queries[:200])
        else:
            from fashionrec.index.milvus_index import MilvusIndex

            idx = MilvusIndex(vectors.shape[1], tmp / "bench.db", "bench", index_type=kind)
            idx.add(ids, vectors)
            idx.client.load_collection("bench")       # wait until the index is built and loaded
        build_s = time.perf_counter() - t0
        mem = rss_mb() - before
        # Milvus Lite searches by brute force at ~1 s per query on 1M: fewer queries keep the run short
        nq = milvus_queries if backend == "milvus-lite" and milvus_queries else len(queries)
        p50, p99, found = latency(lambda q, idx=idx: idx.search(q, 10)[1], queries[:nq])
        rows.append({"vectors": label, "n": len(vectors), "backend": backend, "kind": kind,
                     "build_s": round(build_s, 1), "memory_mb": round(mem), "queries": nq,
                     "recall_at_10": round(recall(found, truth[:nq]), 3),
                     "p50_ms": round(p50, 2), "p99_ms": round(p99, 2)})
        print(" | ".join(str(v) for v in rows[-1].values()), flush=True)
        if backend == "milvus-lite":
            idx.close()
        del idx
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def sample_catalogue(data_dir: Path, n: int, dest: Path) -> Path:
    """A Kaggle-layout folder with the first ``n`` products that have images (symlinks, no copies)."""
    import pandas as pd

    from fashionrec.catalog import load_catalog

    usable = load_catalog(data_dir, progress=False).usable.head(n)
    (dest / "images").mkdir(parents=True)
    cols = ["id", "gender", "masterCategory", "subCategory", "articleType", "baseColour", "season", "year",
            "usage", "productDisplayName"]
    pd.DataFrame(usable[cols]).to_csv(dest / "styles.csv", index=False)
    for i, p in zip(usable["id"], usable["image_path"], strict=True):
        (dest / "images" / f"{i}.jpg").symlink_to(Path(p).resolve())
    return dest


def bench_embedding(data_dir: Path, n: int) -> list[dict]:
    from fashionrec.batch_embed import embed_catalog_to_parquet
    from fashionrec.catalog import load_catalog

    tmp = Path(tempfile.mkdtemp(prefix="bench-embed-"))
    try:
        cat = load_catalog(sample_catalogue(data_dir, n, tmp / "cat"), progress=False)
        rows = []
        for engine in ("local", "ray"):
            t0 = time.perf_counter()
            m = embed_catalog_to_parquet(cat, None, tmp / engine, engine=engine, progress=False)
            s = time.perf_counter() - t0
            rows.append({"engine": engine, "images": m["count"], "workers": m["workers"], "seconds": round(s, 1),
                         "images_per_s": round(m["count"] / s, 1)})
            print(" | ".join(str(v) for v in rows[-1].values()), flush=True)
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def plot(rows: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    labels = [f"{r['backend']} {r['kind']}\n{r['n'] // 1000}k" for r in rows]
    x = np.arange(len(rows))
    axes[0].bar(x, [r["p99_ms"] for r in rows], color="#c0504d", label="p99")
    axes[0].bar(x, [r["p50_ms"] for r in rows], color="#4f81bd", label="p50")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("single-query top-10 latency, ms (log)")
    axes[0].set_title("latency by backend and size")
    axes[0].legend()
    axes[1].bar(x, [r["recall_at_10"] for r in rows], color="#9bbb59")
    axes[1].set_ylim(0.8, 1.0)
    axes[1].set_ylabel("recall@10 vs exact")
    axes[1].set_title("recall")
    for ax in axes:
        ax.set_xticks(x, labels, fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=Path("runs/index"))
    ap.add_argument("--data", type=Path, default=None, help="Catalogue for the embedding rows (skipped if unset).")
    ap.add_argument("--embed-n", type=int, default=4000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--milvus-queries", type=int, default=100,
                    help="Queries for Milvus Lite at the big size (it searches by brute force there).")
    ap.add_argument("--quick", action="store_true", help="Small sizes (a smoke run).")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--plot", type=Path, default=None)
    args = ap.parse_args()
    faiss.omp_set_num_threads(1)
    if args.quick:
        args.big, args.queries, args.embed_n = 100_000, 200, 500
    if (args.index / "embeddings.npy").exists():
        base = np.load(args.index / "embeddings.npy").astype(np.float32)
        label = f"real ({args.index})"
        manifest = args.index / "manifest.json"
        if manifest.exists() and json.loads(manifest.read_text()).get("projection"):
            from fashionrec.index.projection import Projection

            # The vectors the index searches: the embeddings' PCA projection (index/projection.py).
            base = Projection.load(args.index)(base)
            # (recall below is against exact search over these projected vectors)
            label = f"real ({args.index}, PCA {base.shape[1]}-d)"
    else:
        base = clustered(40_000, 256)
        label = "synthetic clustered"
    rng = np.random.default_rng(1)
    print("vectors | n | backend | kind | build_s | memory_mb | queries | recall@10 | p50_ms | p99_ms")
    # queries: catalogue vectors nudged a little, i.e. photos close to, but not in, the index
    q = base[rng.choice(len(base), args.queries, replace=False)]
    q = q + 0.02 * rng.normal(size=q.shape)
    q_small = (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)
    rows = bench_backends(base, label, q_small, big=False)
    big = noisy_repeat(base, args.big)
    rows += bench_backends(big, f"{label} x noise", q_small, big=True, milvus_queries=args.milvus_queries)
    del big
    result = {"index": rows}

    def save() -> None:
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=2))

    # The index rows are written before the embedding rows start: a Ray start-up failure there must not
    # lose half an hour of index measurements.
    save()
    if args.plot:
        plot(rows, args.plot)
    if args.data:
        print("\nengine | images | workers | seconds | images/s")
        result["embedding"] = bench_embedding(args.data, args.embed_n)
        save()


if __name__ == "__main__":
    main()
