"""Recommender speed benchmarks (a script, not a test): prints one table, optionally writes JSON.

    python benchmarks/bench_recs.py [--index runs/index] [--quick] [--no-big] [--json runs/bench/recs.json]

Rows:
* id -> top-10 over the 40k catalogue (the vectors the index of ``--index`` searches: its embeddings or
  their PCA projection; else synthetic clustered vectors), flat vs HNSW, one query at a time on one
  thread: p50 / p99.
* id -> similar(k=10) end to end (neighbours, near-duplicate check, attribute-aware re-ranking, reasons).
* photo -> top-10 end to end (decode, preprocess, model, search, re-ranking, reasons) with our tagger.
* 1M synthetic clustered vectors at the index's dimension, HNSW: build time, memory, p50/p99 on one thread,
  recall@10 against exact search.
* The common baseline: torchvision ResNet50 (random weights) at 224x224 + scikit-learn brute-force
  NearestNeighbors over 2048-d features, per-query latency vs ours, with the ratio.
``--quick`` shrinks every N (for a smoke run on a busy laptop); ``--no-big`` skips the 1M row.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import faiss
import numpy as np
import torch

from fashionrec.index import FaissIndex


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def clustered(n: int, d: int, seed: int = 0, clusters: int = 200) -> np.ndarray:
    """Unit vectors around ``clusters`` centres: closer to real embeddings than uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, d)).astype(np.float32)
    out = np.empty((n, d), np.float32)
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        out[s:s + m] = centres[rng.integers(0, clusters, m)] + 0.6 * rng.normal(size=(m, d)).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def time_queries(fn, queries, repeat: int = 1) -> tuple[float, float]:
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        lat.append((time.perf_counter() - t0) * 1000)
    return float(np.percentile(lat, 50)), float(np.percentile(lat, 99))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=Path("runs/index"))
    ap.add_argument("--quick", action="store_true", help="Small N everywhere (smoke run).")
    ap.add_argument("--no-big", action="store_true", help="Skip the 1M-vector HNSW row (minutes to build).")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    torch.set_num_threads(2)
    faiss.omp_set_num_threads(1)
    n_q = 200 if args.quick else 1000
    big_n = 100_000 if args.quick else 1_000_000
    rows: list[tuple[str, str]] = []
    out: dict = {}

    # ---- 40k id -> top-10, flat vs HNSW -------------------------------------------------------
    rec = None
    if (args.index / "manifest.json").exists():
        from fashionrec.recommend import Recommender

        rec = Recommender.load(args.index)
        # What the index searches: the embeddings, or their PCA projection when the manifest names one.
        vectors, ids = rec.index_vectors(rec.embeddings), rec.items["id"].to_numpy(np.int64)
        source = f"real embeddings of {args.index}" + (
            f", PCA {rec.embeddings.shape[1]} -> {vectors.shape[1]}" if rec.projection else "")
    else:
        vectors = clustered(40_000 if not args.quick else 10_000, 256)
        ids = np.arange(len(vectors), dtype=np.int64)
        source = "synthetic clustered vectors"
    d = vectors.shape[1]
    qi = np.random.default_rng(1).choice(len(vectors), min(n_q, len(vectors)), replace=False)
    for kind in ("flat", "hnsw"):
        idx = FaissIndex(d, kind=kind)
        t0 = time.perf_counter()
        idx.add(ids, vectors)
        if kind == "hnsw":
            idx.tune_ef_search(vectors[qi[:200]])
        build = time.perf_counter() - t0
        p50, p99 = time_queries(lambda i, idx=idx: idx.search(vectors[i:i + 1], 11), qi)
        out[f"id_top10_{kind}"] = {"n": len(vectors), "p50_ms": p50, "p99_ms": p99, "build_s": build}
        rows.append((f"id->top-10 {kind} (index search only), {len(vectors)} x {d} ({source})",
                     f"p50 {p50:.3f} ms, p99 {p99:.3f} ms (build {build:.1f} s)"))

    if rec is not None and rec.projection is not None:
        # What the projection costs in quality: the recommender's neighbours (projected search, then
        # re-scored with the full embeddings) against the exact top-10 by full cosine.
        hits = []
        for i in qi:
            v = rec.embeddings[i]
            got, _ = rec._neighbours(v, 10, None, exclude={int(ids[i])})
            exact = rec.embeddings @ v
            exact[i] = -np.inf
            hits.append(len(set(got.tolist()) & set(ids[np.argsort(-exact)[:10]].tolist())) / 10)
        out["projection_recall_at_10"] = float(np.mean(hits))
        rows.append((f"recall@10 of the recommender's neighbours vs exact full-cosine top-10 ({rec.index.kind}, "
                     f"PCA {rec.embeddings.shape[1]} -> {d}, re-scored)", f"{np.mean(hits):.4f}"))

    # ---- photo -> top-10 end to end -----------------------------------------------------------
    from fashionrec.catalog import open_rgb
    from fashionrec.data import images_to_tensor

    if rec is not None:
        rec.similar(int(ids[qi[0]]), k=10)         # warm up (builds the per-item label arrays once)
        p50, p99 = time_queries(lambda i: rec.similar(int(ids[i]), k=10), qi[:n_q // 2])
        out["id_similar_e2e"] = {"p50_ms": p50, "p99_ms": p99}
        rows.append(("id->similar(k=10) end to end (search, near-dups, re-ranking, reasons)",
                     f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"))
        paths = [rec.image_path(int(i)) for i in ids[qi[:n_q // 2]]]

        def ours(p):
            rec.similar_to_image(open_rgb(p), k=10)
        runtime = "ONNX Runtime" if rec.tagger.onnx is not None else "PyTorch eager"
        ours_name = f"photo->top-10 (ours: decode + tagger on {runtime} + faiss + reasons)"
    else:
        from fashionrec.catalog import default_data_dir
        from fashionrec.models import create_model

        data = default_data_dir() / "images"
        paths = sorted(data.glob("*.jpg"))[:n_q // 2]
        model = create_model("fashion-cnn", {"articleType": 141}).eval()
        from fashionrec.data import preprocess

        flat = FaissIndex(d, kind="flat")
        flat.add(ids, vectors)

        @torch.inference_mode()
        def ours(p):
            x = preprocess(images_to_tensor([open_rgb(p)]), model.spec)
            f = torch.nn.functional.normalize(model.forward_features(x), dim=1).numpy()
            flat.search(f, 10)
        ours_name = "photo->top-10 (ours: decode + fashion-cnn + faiss flat)"
    for p in paths[:5]:
        ours(p)                        # warm up
    p50, p99 = time_queries(ours, paths)
    out["photo_top10_ours"] = {"p50_ms": p50, "p99_ms": p99}
    rows.append((ours_name, f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"))
    if rec is not None and rec.tagger.onnx is not None:
        # The same queries with the same weights run by PyTorch instead (what FASHIONREC_RUNTIME=torch does).
        fast, rec.tagger = rec.tagger, dataclasses.replace(rec.tagger, runtime="torch")
        for p in paths[:5]:
            ours(p)
        t50, t99 = time_queries(ours, paths)
        rec.tagger = fast
        out["photo_top10_torch_eager"] = {"p50_ms": t50, "p99_ms": t99, "onnx_speedup_p50": t50 / p50}
        rows.append(("photo->top-10 as above, the tagger on PyTorch eager (FASHIONREC_RUNTIME=torch)",
                     f"p50 {t50:.2f} ms, p99 {t99:.2f} ms; ONNX Runtime is {t50 / p50:.1f}x faster (p50)"))
    if rec is not None:
        # Mixed traffic: every photo right after a text search and a complete-the-look, whose larger numpy
        # products once left OpenBLAS threads spinning on the tagger's cores (fashionrec.blas).
        rec.search_text("blue jeans for men", k=10)
        lat = []
        for j, p in enumerate(paths):
            rec.search_text("blue jeans for men", k=10)
            rec.complete_the_look(int(ids[qi[j]]))
            t0 = time.perf_counter()
            ours(p)
            lat.append((time.perf_counter() - t0) * 1e3)
        m50, m99 = (float(v) for v in np.percentile(lat, [50, 99]))
        out["photo_top10_after_text_and_look"] = {"p50_ms": m50, "p99_ms": m99}
        rows.append(("photo->top-10, each right after a text search and a complete-the-look",
                     f"p50 {m50:.2f} ms, p99 {m99:.2f} ms"))

    # ---- baseline: ResNet50 @224 + sklearn brute-force kNN ------------------------------------
    from sklearn.neighbors import NearestNeighbors
    from torchvision.models import resnet50

    net = resnet50(weights=None).eval()
    net.fc = torch.nn.Identity()
    feats = clustered(len(vectors), 2048, seed=2)
    nn_ = NearestNeighbors(n_neighbors=10, algorithm="brute", metric="cosine").fit(feats)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

    @torch.inference_mode()
    def baseline(p):
        x = images_to_tensor([open_rgb(p)]).float() / 255
        x = torch.nn.functional.interpolate(x, size=(224, 224), mode="bilinear", align_corners=False)
        f = net((x - mean) / std).numpy()
        nn_.kneighbors(f, 10)
    base_paths = paths[: max(10, len(paths) // 5)]
    for p in base_paths[:2]:
        baseline(p)
    b50, b99 = time_queries(baseline, base_paths)
    out["photo_top10_baseline"] = {"p50_ms": b50, "p99_ms": b99, "speedup_p50": b50 / p50}
    rows.append(("photo->top-10 baseline (ResNet50@224 + sklearn brute kNN, 2048-d)",
                 f"p50 {b50:.1f} ms, p99 {b99:.1f} ms; ours is {b50 / p50:.0f}x faster (p50)"))

    # ---- 1M synthetic, HNSW -------------------------------------------------------------------
    if not args.no_big:
        big_hnsw(big_n, d, n_q, rows, out)
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':{width}s}  result")
    for name, value in rows:
        print(f"{name:{width}s}  {value}")
    if args.json:
        from fashionrec.artifacts import write_json

        write_json(args.json, out)


def big_hnsw(big_n: int, d: int, n_q: int, rows: list, out: dict) -> None:
    """1M clustered vectors in HNSW: build time, memory, the smallest efSearch at recall@10 >= 0.95."""
    big = clustered(big_n, d, seed=3)
    before = rss_mb()
    faiss.omp_set_num_threads(2)
    hn = FaissIndex(d, kind="hnsw")
    t0 = time.perf_counter()
    hn.add(np.arange(big_n, dtype=np.int64), big)
    build = time.perf_counter() - t0
    mem = rss_mb() - before
    faiss.omp_set_num_threads(1)
    qb = np.random.default_rng(4).choice(big_n, n_q, replace=False)
    queries = big[qb] + 0.05 * np.random.default_rng(5).normal(size=(n_q, d)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(d)
    exact.add(big)
    faiss.omp_set_num_threads(2)
    _, truth = exact.search(queries, 10)
    faiss.omp_set_num_threads(1)
    del exact
    for ef in (32, 64, 96, 128, 192, 256, 384, 512):
        faiss.downcast_index(hn._index.index).hnsw.efSearch = ef
        _, got = hn.search(queries, 10)
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth, strict=True)]))
        if recall >= 0.95:
            break
    p50, p99 = time_queries(lambda q: hn.search(q[None, :], 10), queries)
    out["hnsw_big"] = {"n": big_n, "d": d, "build_s": build, "memory_mb": mem, "ef_search": ef,
                       "recall_at_10": recall, "p50_ms": p50, "p99_ms": p99}
    rows.append((f"HNSW M=32, {big_n:,} x {d} synthetic clustered",
                 f"build {build:.0f} s (2 threads), +{mem:.0f} MB RSS, efSearch {ef}: recall@10 {recall:.3f}, "
                 f"p50 {p50:.3f} ms, p99 {p99:.3f} ms (1 thread)"))


if __name__ == "__main__":
    main()
