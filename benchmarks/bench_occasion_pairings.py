"""An occasion's shoes, bags and jewellery on a served catalogue, GET only (a script, not a test): for each query the
API's first ten (``/api/search/text?k=10``: what it was read as, the types and usages) and the catalogue page's first
ten cards (``/?q=``), as stop 73 measured them before and after ``fashionrec.occasions`` (docs/history.md, Stop 73).

    python benchmarks/bench_occasion_pairings.py URL ITEMS.csv [QUERY ...]   # e.g. http://127.0.0.1:8010
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import urllib.parse
import urllib.request

# The occasions' pairings and searches, then controls a change should not move.
QUERIES = ("shoes for a party dress", "shoes for a gown", "heels for a party", "shoes for a saree",
           "shoes for a lehenga", "sandals for a wedding", "shoes for a suit", "bag for a party dress",
           "jewellery for a saree", "shoes for my jeans", "shoes for a black dress")


def first_ten(base: str, query: str, items: dict[str, dict]) -> tuple[str | None, list[dict], list[dict]]:
    """(the API's note, its first ten items, the page's first ten cards' items) for ``query``."""
    answer = json.load(urllib.request.urlopen(f"{base}/api/search/text?" + urllib.parse.urlencode({"q": query,
                                                                                                  "k": 10})))
    page = urllib.request.urlopen(f"{base}/?" + urllib.parse.urlencode({"q": query})).read().decode()
    cards = [items[i] for i in re.findall(r'class="card" href="/item/(\d+)"', page)[:10] if i in items]
    return answer.get("note"), [r["item"] for r in answer["results"]], cards


def said(listed: list[dict]) -> str:
    """Types and usages of ``listed``, counted, and their names in order."""
    types = dict(collections.Counter(str(x["articleType"]) for x in listed))
    usages = dict(collections.Counter(str(x["usage"]) for x in listed))
    return f"{types} {usages}\n      " + " | ".join(str(x["productDisplayName"])[:40] for x in listed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("items", help="the index's items.csv, to read the page's cards")
    parser.add_argument("queries", nargs="*")
    args = parser.parse_args()
    with open(args.items, newline="") as f:
        items = {row["id"]: row for row in csv.DictReader(f)}
    for query in args.queries or QUERIES:
        note, api, page = first_ten(args.url.rstrip("/"), query, items)
        print(f"== {query!r}: {note}\n   api  {said(api)}\n   page {said(page)}")


if __name__ == "__main__":
    main()
