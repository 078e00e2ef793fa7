"""Load benchmark of a running ``fashionrec serve``: N concurrent clients for T seconds per endpoint.

Measures ``GET /api/items/{id}/similar`` (random ids from the catalogue), ``POST /api/search/image``
(catalogue photos uploaded as multipart) and the same photo search in mixed traffic, each right after a
``GET /api/search/text`` from the same client (only the photo is timed: the text search's large product
once left BLAS threads spinning on the tagger's cores). Prints requests/s, p50/p99 latency and errors, and
the server's own p50s from its ``Server-Timing`` header: ``app`` (request in to response headers out) and
``rec`` (the recommender's share: tagger, index search, ranking), so that the time spent in the recommender,
in the rest of the app, and in the HTTP server, the network and this client (which shares the server's
cores when both run on one machine) are told apart.

    fashionrec serve &                                   # in another shell
    python benchmarks/bench_service.py                   # 50 clients x 30 s per endpoint
    python benchmarks/bench_service.py --quick           # 50 clients x 5 s
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

import httpx
import numpy as np

TEXT_QUERIES = ["blue jeans for men", "red summer dress", "black leather handbag", "white sports shoes",
                "women's silver watch", "navy formal shirt"]


class _Failed(Exception):
    """A response other than 200."""


def _ok(r: httpx.Response, what: str = "") -> None:
    if r.status_code != 200:
        raise _Failed(f"HTTP {r.status_code}{what}: {r.text[:120]}")


def _server_ms(r: httpx.Response) -> tuple[float, float]:
    """(app, rec) milliseconds from the ``Server-Timing`` header (NaN for what a server does not send)."""
    spans = {}
    for part in r.headers.get("server-timing", "").split(","):
        name, _, dur = part.strip().partition(";dur=")
        if dur:
            spans[name] = float(dur)
    return spans.get("app", float("nan")), spans.get("rec", float("nan"))


async def _client(http: httpx.AsyncClient, make_request, stop_at: float, latencies: list[float],
                  errors: list[str], server: list[tuple[float, float]], before=None) -> None:
    while time.perf_counter() < stop_at:
        try:
            if before is not None:
                # Its failures count too: a failing text search would make the mixed row plain photo searches.
                _ok(await before(http), " (the untimed request before)")
            t0 = time.perf_counter()
            r = await make_request(http)
            _ok(r)
        except _Failed as e:
            errors.append(str(e))
            continue
        except httpx.HTTPError as e:
            errors.append(f"{type(e).__name__}: {e}")
            continue
        latencies.append(time.perf_counter() - t0)
        server.append(_server_ms(r))


async def run_endpoint(base: str, name: str, make_request, clients: int, seconds: float, before=None) -> dict:
    """Run ``clients`` loops for ``seconds`` (each request after an untimed ``before``); returns a result row."""
    latencies: list[float] = []
    server: list[tuple[float, float]] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        for warm_up in (before, make_request):    # e.g. the text model loads on the first text search
            if warm_up is not None:
                await warm_up(http)
        start = time.perf_counter()
        stop_at = start + seconds
        await asyncio.gather(*(_client(http, make_request, stop_at, latencies, errors, server, before)
                               for _ in range(clients)))
        elapsed = time.perf_counter() - start
    lat = np.array(latencies) * 1000 if latencies else np.array([float("nan")])
    spans = np.array(server, dtype=float).reshape(-1, 2)
    app_p50, rec_p50 = (float(np.nanpercentile(c, 50)) if np.isfinite(c).any() else float("nan") for c in spans.T)
    return {"endpoint": name, "clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies),
            "rps": len(latencies) / elapsed, "p50_ms": float(np.percentile(lat, 50)),
            "p99_ms": float(np.percentile(lat, 99)), "app_p50_ms": app_p50, "rec_p50_ms": rec_p50,
            "errors": len(errors),
            "first_error": errors[0] if errors else ""}


async def main_async(args: argparse.Namespace) -> list[dict]:
    async with httpx.AsyncClient(base_url=args.url, timeout=30) as http:
        health = (await http.get("/health")).json()
        page = (await http.get("/api/items", params={"limit": 100})).json()
        ids = [it["id"] for it in page["items"]]
        photos = [(await http.get(f"/images/{i}.jpg")).content for i in ids[:20]]
    print(f"server {args.url}: model {health['model']}, {health['catalogue_size']} items, "
          f"index {health['index']}; {args.clients} clients x {args.seconds:g} s per endpoint")
    rng = random.Random(0)

    def similar(http):
        return http.get(f"/api/items/{rng.choice(ids)}/similar", params={"k": 10})

    def image(http):
        return http.post("/api/search/image", params={"k": 10},
                         files={"file": ("q.jpg", rng.choice(photos), "image/jpeg")})

    def text(http):
        return http.get("/api/search/text", params={"q": rng.choice(TEXT_QUERIES), "k": 10})

    rows = []
    for name, fn in (("GET /api/items/{id}/similar", similar), ("POST /api/search/image", image)):
        rows.append(await run_endpoint(args.url, name, fn, args.clients, args.seconds))
    rows.append(await run_endpoint(args.url, "POST /api/search/image, each after a text search", image,
                                   args.clients, args.seconds, before=text))
    return rows


def print_table(rows: list[dict]) -> None:
    print("\n| endpoint | clients | requests | req/s | p50 ms | p99 ms | app p50 ms | rec p50 ms | errors |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['endpoint']} | {r['clients']} | {r['requests']} | {r['rps']:.1f} | {r['p50_ms']:.1f} | "
              f"{r['p99_ms']:.1f} | {r['app_p50_ms']:.1f} | {r['rec_p50_ms']:.1f} | {r['errors']} |")
    for r in rows:
        if r["errors"]:
            print(f"first error on {r['endpoint']}: {r['first_error']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8000", help="Base URL of a running server.")
    ap.add_argument("--clients", type=int, default=50, help="Concurrent clients.")
    ap.add_argument("--seconds", type=float, default=30.0, help="Duration per endpoint.")
    ap.add_argument("--quick", action="store_true", help="5 s per endpoint.")
    args = ap.parse_args()
    if args.quick:
        args.seconds = 5.0
    print_table(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
