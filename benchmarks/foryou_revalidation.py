"""How often the server works out the "For you" page's picks as a shopper opens it, reloads it and comes Back to it
(stop 73): Chromium (Playwright) against a running server, listing the picks' requests and whether the browser
sent them with ``If-None-Match`` (its copy revalidated: a 304 in the server's access log, nothing worked out).

    python benchmarks/foryou_revalidation.py http://127.0.0.1:8210 15970,39386,21379 [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from playwright.sync_api import sync_playwright


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("server")
    ap.add_argument("saved", help="comma-separated product ids the shopper saved")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    saved = [int(i) for i in args.saved.split(",")]
    seen: list[tuple[str, str, int, bool]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--headless"])
        page = browser.new_page()

        def picks(response):
            if "/api/recommend/profile" in response.url:
                # The browser's own revalidation shows as a 200 here (from its cache), its request as sent carrying
                # If-None-Match; the server's access log says 304.
                sent = response.request.all_headers()
                seen.append((step, response.request.method, response.status, "if-none-match" in sent))

        page.on("response", picks)
        step = "setup"
        page.goto(args.server + "/upload")
        page.evaluate(f"localStorage.setItem('fashionrec-liked', {json.dumps(json.dumps(saved))})")
        for step, go in [("open", lambda: page.goto(args.server + "/for-you")),
                         ("reload", page.reload),
                         ("away", lambda: page.goto(args.server + "/upload")),
                         ("back", page.go_back),
                         ("reload 2", page.reload)]:
            go()
            page.wait_for_load_state("networkidle")
            if step != "away":
                page.wait_for_selector("#foryou-picks .card")
        browser.close()
    for row in seen:
        print(*row, sep="\t")
    print("revalidated (If-None-Match sent):", dict(Counter(asked for *_, asked in seen)))


if __name__ == "__main__":
    main()
