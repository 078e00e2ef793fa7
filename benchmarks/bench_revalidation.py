"""A JSON GET's 200 (worked out) against its 304 (``If-None-Match`` with the current ETag: nothing worked out) on a
running server, one address at a time, alternating the two so that the machine's load falls on both alike (stop 73).

    python benchmarks/bench_revalidation.py http://127.0.0.1:8210 --repeat 15
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx


def addresses(server: str, client: httpx.Client) -> list[str]:
    first = client.get(server + "/api/items", params={"limit": 2, "gender": "Women"}).json()["items"]
    a, b = first[0]["id"], first[1]["id"]
    return [f"/api/items/{a}", f"/api/items/{a}/similar?k=12", f"/api/items/{a}/outfit",
            "/api/items?q=blue+jeans&limit=24", "/api/search/text?q=red+summer+dress&k=24",
            f"/api/recommend/profile?ids={a},{b}&k=24&skip_unknown=true", "/api/stock?limit=100"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("server")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    with httpx.Client(timeout=60) as client:
        print("address\t200 median ms\t304 median ms\tbytes of the 200")
        for url in addresses(args.server, client):
            full = client.get(args.server + url)        # warm: its first time may load a table
            etag = full.headers["etag"]
            took = {200: [], 304: []}
            for _ in range(args.repeat):
                for headers in ({}, {"If-None-Match": etag}):
                    start = time.perf_counter()
                    r = client.get(args.server + url, headers=headers)
                    took[r.status_code].append((time.perf_counter() - start) * 1000)
            print(f"{url}\t{statistics.median(took[200]):.1f}\t{statistics.median(took[304]):.1f}\t"
                  f"{len(full.content)}")


if __name__ == "__main__":
    main()
