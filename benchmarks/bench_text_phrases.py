"""Everyday shopper phrases on a served catalogue, GET only (a script, not a test): for each phrase the API's first
ten (``/api/search/text?k=10``) and the catalogue page's first ten cards (``/?q=``), and how many are of a type the
phrase means; and control queries whose first ten a change should not move.

    python benchmarks/bench_text_phrases.py run URL OUT.json        # e.g. http://127.0.0.1:8010
    python benchmarks/bench_text_phrases.py compare ITEMS.csv BEFORE.json [AFTER.json]

The phrases are stop 67's 119 (helper h67text) and stop 68's 14 more (the gaps it worked on: "tank tops", shoe kinds,
sports' kits); a phrase's types are what a shopper means by it, written before any run. ``compare`` counts each
run's right types over every phrase (of 10 x the phrases) and lists the controls whose first ten changed
(docs/history.md, "Stop 68, text search"). Stop 76 added, counted apart: how many of a phrase's first ten naming
no wearer are men's and women's (:data:`BOTH_WEARERS`), and of a one-type phrase the type's (:data:`TYPED`). Stop 76's
h76text2 added phrases whose words no name says, with whether the page answered by meaning, and per phrase naming a
wearer how many of the first ten are its (:data:`READ_WORDS`). Stop 71
added, counted apart so that the totals above stay comparable:
pairings and lists of colours (:data:`COLOURED`: the first ten of the type and of a colour that goes with the other
product's, or of a colour listed), and per sport's kit how many types its first ten mix and how many are shoes.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import time
import urllib.parse
import urllib.request
from typing import NamedTuple

SHOES = {"Casual Shoes", "Sports Shoes", "Formal Shoes", "Heels", "Flats", "Sandals", "Flip Flops", "Sports Sandals"}
SPORTSWEAR = {
    "Basketballs",
    "Bra",
    "Capris",
    "Caps",
    "Footballs",
    "Gloves",
    "Headband",
    "Innerwear Vests",
    "Jackets",
    "Jumpsuit",
    "Leggings",
    "Lounge Pants",
    "Lounge Shorts",
    "Rain Jacket",
    "Shorts",
    "Skirts",
    "Socks",
    "Sports Sandals",
    "Sports Shoes",
    "Sweatshirts",
    "Swimwear",
    "Tights",
    "Tops",
    "Track Pants",
    "Tracksuits",
    "Tshirts",
    "Water Bottle",
    "Wristbands",
}
# Phrase -> the catalogue's types a shopper means by it.
SURVEY = {
    "canvas shoes": {"Casual Shoes"},
    "tennis shoes": {"Casual Shoes", "Sports Shoes"},
    "loafers": {"Casual Shoes", "Formal Shoes"},
    "moccasins": {"Casual Shoes"},
    "boat shoes": {"Casual Shoes"},
    "slip on shoes": {"Casual Shoes"},
    "high heels": {"Heels"},
    "stilettos": {"Heels"},
    "wedges": {"Heels"},
    "block heels": {"Heels"},
    "ballet flats": {"Flats"},
    "ballerinas": {"Flats"},
    "oxford shoes": {"Formal Shoes"},
    "brogues": {"Casual Shoes", "Formal Shoes"},
    "derby shoes": {"Formal Shoes"},
    "football shoes": {"Sports Shoes"},
    "basketball shoes": {"Sports Shoes"},
    "hiking shoes": {"Casual Shoes", "Sports Shoes"},
    "trekking shoes": {"Casual Shoes", "Sports Shoes"},
    "floaters": {"Sandals", "Sports Sandals"},
    "gladiator sandals": {"Flats", "Sandals"},
    "boots": SHOES,
    "ankle boots": SHOES,
    "sneakers": {"Casual Shoes", "Sports Shoes"},
    "flip flops": {"Flip Flops"},
    "bathroom slippers": {"Flip Flops", "Sandals"},
    "kolhapuri chappals": {"Flats", "Sandals"},
    "tank top": {"Camisoles", "Innerwear Vests", "Tops", "Tshirts"},
    "crop top": {"Tops"},
    "tube top": {"Tops"},
    "halter top": {"Tops"},
    "peplum top": {"Tops"},
    "polo tshirt": {"Tshirts"},
    "v neck tshirt": {"Tshirts"},
    "round neck tshirt": {"Tshirts"},
    "graphic tee": {"Tshirts"},
    "henley tshirt": {"Tshirts"},
    "formal shirt": {"Shirts"},
    "check shirt": {"Shirts"},
    "denim shirt": {"Shirts"},
    "linen shirt": {"Shirts"},
    "hoodie": {"Sweatshirts"},
    "cardigan": {"Sweaters"},
    "turtleneck": {"Sweaters", "Tops", "Tshirts"},
    "bomber jacket": {"Jackets"},
    "leather jacket": {"Jackets"},
    "denim jacket": {"Jackets"},
    "blazer": {"Blazers"},
    "waistcoat": {"Waistcoat"},
    "kurti": {"Kurtis"},
    "anarkali kurta": {"Kurta Sets", "Kurtas"},
    "tunic": {"Tunics"},
    "shrug": {"Shrug"},
    "skinny jeans": {"Jeans", "Jeggings"},
    "slim fit jeans": {"Jeans"},
    "cargo pants": {"Trousers"},
    "chinos": {"Trousers"},
    "cargo shorts": {"Shorts"},
    "bermuda shorts": {"Shorts"},
    "bermudas": {"Shorts"},
    "yoga pants": {"Leggings", "Tights", "Track Pants"},
    "leggings": {"Leggings"},
    "palazzo pants": {"Patiala", "Salwar", "Trousers"},
    "mini skirt": {"Skirts"},
    "maxi skirt": {"Skirts"},
    "pencil skirt": {"Skirts"},
    "capris": {"Capris"},
    "three fourths": {"Capris", "Shorts"},
    "formal trousers": {"Trousers"},
    "maxi dress": {"Dresses"},
    "evening dress": {"Dresses"},
    "bodycon dress": {"Dresses"},
    "shift dress": {"Dresses"},
    "skater dress": {"Dresses"},
    "sundress": {"Dresses"},
    "shirt dress": {"Dresses"},
    "midi dress": {"Dresses"},
    "party dress": {"Dresses"},
    "summer dress": {"Dresses"},
    "one piece dress": {"Dresses"},
    "gown": {"Dresses"},
    "silk saree": {"Sarees"},
    "lehenga choli": {"Lehenga Choli"},
    "duffle bag": {"Duffel Bag"},
    "duffel bag": {"Duffel Bag"},
    "gym bag": {"Backpacks", "Duffel Bag"},
    "travel bag": {"Backpacks", "Duffel Bag", "Rucksacks", "Trolley Bag"},
    "sling bag": {"Handbags", "Messenger Bag"},
    "tote bag": {"Handbags"},
    "shoulder bag": {"Handbags"},
    "laptop bag": {"Backpacks", "Laptop Bag"},
    "messenger bag": {"Messenger Bag"},
    "school bag": {"Backpacks"},
    "clutch": {"Clutches"},
    "analog watch": {"Watches"},
    "digital watch": {"Watches"},
    "chronograph watch": {"Watches"},
    "aviator sunglasses": {"Sunglasses"},
    "wayfarer sunglasses": {"Sunglasses"},
    "leather belt": {"Belts"},
    "bow tie": {"Ties"},
    "baseball cap": {"Caps"},
    "ankle socks": {"Socks"},
    "stud earrings": {"Earrings"},
    "hoop earrings": {"Earrings"},
    "jhumka": {"Earrings"},
    "chain for men": {"Necklace and Chains"},
    "sports bra": {"Bra"},
    "push up bra": {"Bra"},
    "boxer shorts": {"Boxers"},
    "night suit": {"Night suits"},
    "nighty": {"Nightdress"},
    "pyjamas": {"Lounge Pants", "Night suits"},
    "lip balm": {"Lip Care"},
    "kajal": {"Kajal and Eyeliner"},
    "body mist": {"Perfume and Body Mist"},
    "face wash": {"Face Wash and Cleanser"},
    "running shoes": {"Sports Shoes"},
    "jogging shoes": {"Sports Shoes"},
    "tank tops": {"Camisoles", "Innerwear Vests", "Tops", "Tshirts"},
    "tank top for men": {"Innerwear Vests", "Tops", "Tshirts"},
    "oxfords": {"Casual Shoes", "Formal Shoes"},
    "derbies": {"Casual Shoes", "Formal Shoes"},
    "chelsea boots": SHOES,
    "loafer shoes": {"Casual Shoes", "Formal Shoes"},
    "hockey kit": SPORTSWEAR,
    "golf kit": SPORTSWEAR,
    "rugby kit": SPORTSWEAR,
    "archery kit": SPORTSWEAR,
    "skating kit": SPORTSWEAR,
    "cricket kit": SPORTSWEAR,
    "kabaddi kit": SPORTSWEAR,
    "surfing kit": SPORTSWEAR,
}
# Stop 71: phrase -> (the types meant, the colours meant). A pairing's colours are those the looks' colour rule
# (fashionrec.looks.COLOUR_PAIRS) lists with the other product's, written out here; a belt to match shoes is their
# colour (leather matches leather); a list of colours is its colours.
_GO_WITH_WHITE = {"Blue", "Navy Blue", "Black", "Red", "Olive", "Khaki", "Peach", "Lavender"}
COLOURED = {
    "tie for a white shirt": ({"Ties"}, _GO_WITH_WHITE),
    "tie to go with a white shirt": ({"Ties"}, _GO_WITH_WHITE),
    "belt for blue jeans": ({"Belts"}, {"Brown", "Tan", "White"}),
    "belt to go with blue jeans": ({"Belts"}, {"Brown", "Tan", "White"}),
    "shoes for a black dress": (SHOES, {"Red", "White", "Grey"}),
    "shoes to go with a red dress": (SHOES, {"Black", "White", "Navy Blue"}),
    "shirt to go with beige trousers": ({"Shirts"}, {"Navy Blue", "Olive", "Maroon", "Green", "Teal", "Brown"}),
    "tshirt for my blue jeans": ({"Tshirts"}, {"White", "Brown", "Tan"}),
    "belt to match brown shoes": ({"Belts"}, {"Brown"}),
    "navy blue or red tie": ({"Ties"}, {"Navy Blue", "Red"}),
    "red or black dress": ({"Dresses"}, {"Red", "Black"}),
    "white or blue shirt for men": ({"Shirts"}, {"White", "Blue"}),
    "black, brown or tan belt": ({"Belts"}, {"Black", "Brown", "Tan"}),
}
# Stop 76, counted apart too: phrases naming no wearer whose first ten should hold men's and women's products alike
# (an occasion alone, a suit), and phrases of one type.
BOTH_WEARERS = ["outfit for a wedding", "suit for wedding", "wedding", "office", "diwali", "suit"]
TYPED = {"goggles": {"Sunglasses"}, "swimming goggles": {"Swimwear"},
         "salwar suit for wedding": {"Kurta Sets", "Salwar and Dupatta", "Salwar"},
         # Stop 76 (h76text2): a phrase or a student's words the page searched as names' words, listing the 96
         # closest matches by meaning with "no product has every word" (:data:`READ_WORDS` below too).
         "little black dress": {"Dresses"}, "dress for college girl": {"Dresses"}, "tops for college girls": {"Tops"},
         "jeans for college boys": {"Jeans"}, "kurti for college girl": {"Kurtis"}, "college bag": {"Backpacks"},
         "bags for college": {"Backpacks"}}
# Stop 76 (h76text2): phrases whose words no name has, the page's answer by meaning; counted apart: whether the page
# lists by meaning, and how many of the first ten are of the wearer the phrase names.
READ_WORDS = {"outfit for a college girl": {"Women"}, "back to school outfit for teenage girl": {"Girls"},
              "festive look for little boy": {"Boys"}, "holiday clothes for women": {"Women"},
              "vacation outfit for women": {"Women"}, "gift hamper for men": {"Men"}}
# Stop 77 (h77text): a fresh trial of 60 shopper phrases none of the lists above had, each with what is right for it,
# written before any run: the types meant (None: any Apparel), the wearers, a brand the name starts with, a colour
# meant or one left out, and words the API's note must say (None: nothing asked). Counted apart: of the first ten
# (API and page) how many keep every rule, and whether the note says what it must.
class Meant(NamedTuple):
    types: set | None = None
    wearers: set | None = None
    brand: str | None = None
    colour: str | None = None
    not_colour: str | None = None
    note: str | None = None


_MEN, _WOMEN = {"Men", "Unisex"}, {"Women", "Unisex"}
_SNEAKERS = {"Casual Shoes", "Sports Shoes"}
FRESH = {
    "puma tshirts for men": Meant({"Tshirts"}, _MEN, brand="puma"),
    "nike running shoes for women": Meant({"Sports Shoes"}, _WOMEN, brand="nike"),
    "adidas track pants": Meant({"Track Pants"}, brand="adidas"),
    "jeans under 1000": Meant({"Jeans"}, note="no prices"),
    "kurta below 500": Meant({"Kurtas"}, note="no prices"),
    "shirts under rs 999": Meant({"Shirts"}, note="no prices"),
    "chappal for men": Meant({"Flip Flops", "Sandals", "Sports Sandals"}, _MEN),
    "juti for women": Meant({"Flats"}, _WOMEN, note="jutti"),
    "dupatta": Meant({"Dupatta", "Salwar and Dupatta"}),
    "lehenga": Meant({"Lehenga Choli"}),
    "mojari": Meant({"Flats", "Casual Shoes", "Sandals"}, note="mojari"),
    "oxidised earrings": Meant({"Earrings"}, note="oxidised"),
    "plus size dress": Meant({"Dresses"}, note="no sizes"),
    "slim fit shirt for men": Meant({"Shirts"}, _MEN),
    "cotton kurta": Meant({"Kurtas"}),
    "denim shorts": Meant({"Shorts"}),
    "leather wallet": Meant({"Wallets"}),
    "leather belt for men": Meant({"Belts"}, _MEN),
    "checked shirt": Meant({"Shirts"}),
    "striped tshirt": Meant({"Tshirts"}),
    "floral dress": Meant({"Dresses"}),
    "printed kurti": Meant({"Kurtis"}),
    "party tops for women": Meant({"Tops"}, _WOMEN),
    "beach shorts": Meant({"Shorts"}),
    "gym wear for men": Meant(SPORTSWEAR | SHOES, _MEN, note="'gym' as Sports"),
    "date night dress": Meant({"Dresses"}),
    "interview shirt": Meant({"Shirts"}),
    "summer tshirts for men": Meant({"Tshirts"}, _MEN),
    "winter jacket for women": Meant({"Jackets", "Sweaters", "Sweatshirts", "Rain Jacket"}, _WOMEN),
    "clothes for men above 50": Meant(None, _MEN, note="no ages"),
    "tshirt not black": Meant({"Tshirts"}, not_colour="Black"),
    "tshirt without logo": Meant({"Tshirts"}),
    "holiday clothes": Meant(None),
    "vacation wear for men": Meant(None, _MEN),
    "outfit": Meant(None, {"Men", "Women"}),
    "college girl dress": Meant({"Dresses"}, _WOMEN, note="'college girl' as women"),
    "jeans for college girl": Meant({"Jeans"}, _WOMEN, note="'college girl' as women"),
    "shirt for college boy": Meant({"Shirts"}, _MEN, note="'college boy' as men"),
    "sneekers": Meant(_SNEAKERS),
    "tshrits for men": Meant({"Tshirts"}, _MEN),
    "handbags": Meant({"Handbags"}),
    "kurtas for women": Meant({"Kurtas"}, _WOMEN),
    "black heels": Meant({"Heels"}, colour="Black"),
    "white sneakers for women": Meant(_SNEAKERS, _WOMEN, colour="White"),
    # Stockings too: UCB's "Women Black Tights" are filed so (added after the first run).
    "tights for gym women": Meant({"Tights", "Leggings", "Capris", "Stockings"}, _WOMEN),
    "sarees for wedding": Meant({"Sarees"}),
    "nightwear for women": Meant({"Nightdress", "Night suits", "Baby Dolls", "Lounge Pants", "Lounge Tshirts",
                                  "Lounge Shorts", "Bath Robe", "Robe"}, _WOMEN),
    "formal trousers for men": Meant({"Trousers"}, _MEN),
    "sweatshirt for winter": Meant({"Sweatshirts"}),
    "flip flops for men": Meant({"Flip Flops"}, _MEN),
    "kids shoes": Meant(SHOES, {"Boys", "Girls", "Unisex"}),
    "watches for women": Meant({"Watches"}, _WOMEN),
    "sunglasses for men": Meant({"Sunglasses"}, _MEN),
    "perfume for women": Meant({"Perfume and Body Mist"}, _WOMEN),
    "graphic tees": Meant({"Tshirts"}),
    "palazzo": Meant({"Patiala", "Salwar", "Trousers", "Leggings"}, _WOMEN, note="palazzo"),
    "hoodie for men": Meant({"Sweatshirts"}, _MEN),
    "capri for women": Meant({"Capris"}, _WOMEN),
    "ethnic wear for men": Meant({"Kurtas", "Kurta Sets", "Churidar", "Nehru Jackets", "Sherwani", "Waistcoat",
                                  "Shirts", "Dhotis"}, _MEN),
    "saree for party": Meant({"Sarees"}),
}
# Queries whose first ten (API and page) a change should leave as they were.
CONTROLS = [
    "blue jeans",
    "red dress",
    "formal shoes",
    "sports shoes",
    "casual shoes",
    "track pants",
    "black tshirt for men",
    "white shirt",
    "watch for men",
    "handbag",
    "kurta for women",
    "saree",
    "nike",
    "levis jeans",
    "perfume",
    "heels",
    "sunglasses",
    "wallet for men",
    "backpack",
    "red and black",
    "casual wear",
    "kurta pajama",
    "running shoes",
    "gift for mom",
    "winter wear",
    "shirts and jeans for men",
    "sherwani",
    "polo shirt",
    "lipstick",
    "puma sports shoes",
    "grooming kit",
    "mens grooming kit",
    "running kit for a woman",
    "football kit",
    "tshirts",
    "casual shoes for men",
    "formal shoes for men",
    "tank",
    "ankle socks",
    "boots",
]
# Searched too, not counted: wearers, gifts, outfit sets.
WEAR = [
    "party wear dress",
    "casual clothes",
    "party wear",
    "casual wear dress",
    "office wear shirt",
    "gift for my daughter",
    "gift for my son",
    "gift for husband",
    "gift for wife",
    "gift for kids",
    "tshirt for my son",
    "dress for daughter",
    "shirt for husband",
    "something for my boyfriend",
    "kurta pajama for women",
    "salwar suit",
    "salwar kameez",
    "track suit",
    "lehenga choli",
    "night suit",
    "party dress for women under 1500 in red or black",
]


def _get(base: str, path: str, **params) -> str:
    with urllib.request.urlopen(base + path + "?" + urllib.parse.urlencode(params), timeout=120) as answer:
        return answer.read().decode()


def run(base: str, out: str) -> None:
    found = {}
    for q in dict.fromkeys([*SURVEY, *CONTROLS, *WEAR, *COLOURED, *BOTH_WEARERS, *TYPED, *READ_WORDS, *FRESH]):
        start = time.perf_counter()
        answer = json.loads(_get(base, "/api/search/text", q=q, k=10))
        took = time.perf_counter() - start
        page = _get(base, "/", q=q)
        found[q] = {
            "api": [
                [r["id"], r["item"]["articleType"], r["item"]["productDisplayName"]] for r in answer.get("results", [])
            ],
            "note": answer.get("note"),
            "api_s": took,
            "html_ids": [int(i) for i in re.findall(r'data-id="(\d+)"', page)][:24],
            "by_meaning": "closest matches by meaning" in page,
        }
        print(f"{q!r}: {took:.2f} s", flush=True)
    with open(out, "w") as f:
        json.dump(found, f, indent=1)


def compare(items: str, runs: list[str]) -> None:
    with open(items, newline="") as f:
        rows = list(csv.DictReader(f))
    kind = {int(row["id"]): row["articleType"] for row in rows}
    colour = {int(row["id"]): row["baseColour"] for row in rows}
    gender = {int(row["id"]): row["gender"] for row in rows}
    found = []
    for path in runs:
        with open(path) as f:
            found.append(json.load(f))
    totals = [[0, 0] for _ in found]
    for q, types in SURVEY.items():
        row = []
        for j, run_ in enumerate(found):
            api = sum(kind.get(r[0]) in types for r in run_[q]["api"][:10])
            page = sum(kind.get(i) in types for i in run_[q]["html_ids"][:10])
            totals[j][0] += api
            totals[j][1] += page
            row.append(f"api {api:2d} page {page:2d}")
        print(f"{q:28s} " + "  |  ".join(row))
    for j, (api, page) in enumerate(totals):
        print(f"run {j}: API {api}/{10 * len(SURVEY)}, page {page}/{10 * len(SURVEY)} right type in the first ten")
    # Phrases of a run (old runs lack stop 71's): only those every run has.
    coloured = [q for q in COLOURED if all(q in run_ for run_ in found)]
    sums = [[0, 0] for _ in found]
    for q in coloured:
        types, colours = COLOURED[q]
        row = []
        for j, run_ in enumerate(found):
            api = sum(kind.get(r[0]) in types and colour.get(r[0]) in colours for r in run_[q]["api"][:10])
            page = sum(kind.get(i) in types and colour.get(i) in colours for i in run_[q]["html_ids"][:10])
            sums[j][0] += api
            sums[j][1] += page
            row.append(f"api {api:2d} page {page:2d}")
        print(f"{q:32s} " + "  |  ".join(row))
    for j, (api, page) in enumerate(sums):
        n = 10 * len(coloured)
        print(f"run {j}: API {api}/{n}, page {page}/{n} of the type and a colour meant")
    for q in [q for q in SURVEY if q.endswith(" kit")]:
        row = []
        for run_ in found:
            api = [kind.get(r[0]) for r in run_[q]["api"][:10]]
            row.append(f"{len(set(api))} types, {sum(t in SHOES for t in api)} shoes")
        print(f"kit {q:24s} API " + "  |  ".join(row))
    for q in [q for q in BOTH_WEARERS if all(q in run_ for run_ in found)]:
        row = []
        for run_ in found:
            api = [gender.get(r[0]) for r in run_[q]["api"][:10]]
            page = [gender.get(i) for i in run_[q]["html_ids"][:10]]
            row.append(f"api {api.count('Men')} men's {api.count('Women')} women's, "
                       f"page {page.count('Men')} men's {page.count('Women')} women's")
        print(f"wearers {q!r:24s} " + "  |  ".join(row))
    for q in [q for q in TYPED if all(q in run_ for run_ in found)]:
        row = []
        for run_ in found:
            api = sum(kind.get(r[0]) in TYPED[q] for r in run_[q]["api"][:10])
            page = sum(kind.get(i) in TYPED[q] for i in run_[q]["html_ids"][:10])
            first = run_[q]["api"][0][2] if run_[q]["api"] else None
            by = "by meaning" if run_[q].get("by_meaning") else "by words"
            row.append(f"api {api:2d} page {page:2d} {by} (API 1st: {first})")
        print(f"typed {q!r:26s} " + "  |  ".join(row))
    for q in [q for q in READ_WORDS if all(q in run_ for run_ in found)]:
        row = []
        for run_ in found:
            api = sum(gender.get(r[0]) in READ_WORDS[q] for r in run_[q]["api"][:10])
            page = sum(gender.get(i) in READ_WORDS[q] for i in run_[q]["html_ids"][:10])
            types = len({kind.get(i) for i in run_[q]["html_ids"][:10]})
            by = "by meaning" if run_[q].get("by_meaning") else "by words"
            row.append(f"wearer api {api:2d} page {page:2d}, {types} types, {by}")
        print(f"read {q!r:26s} " + "  |  ".join(row))
    _fresh(found, rows)
    if len(found) == 2:
        for q in CONTROLS:
            api, page = ([r[0] for r in run_[q]["api"]] for run_ in found), (run_[q]["html_ids"][:10] for run_ in found)
            print(
                f"control {q!r}: api {'same' if len(set(map(tuple, api))) == 1 else 'CHANGED'}, "
                f"page {'same' if len(set(map(tuple, page))) == 1 else 'CHANGED'}"
            )


def _keeps(row: dict | None, meant: Meant) -> bool:
    """Whether a product (its items.csv ``row``) keeps every rule of ``meant``."""
    return row is not None and all((
        meant.types is None and row.get("masterCategory") == "Apparel" or row["articleType"] in (meant.types or ()),
        meant.wearers is None or row["gender"] in meant.wearers,
        meant.brand is None or row["productDisplayName"].lower().startswith(meant.brand),
        meant.colour is None or row["baseColour"] == meant.colour,
        meant.not_colour is None or row["baseColour"] != meant.not_colour))


def _fresh(found: list[dict], rows: list[dict]) -> None:
    """Stop 77's :data:`FRESH` phrases: per run, of the first ten (API, page) how many keep every rule, and whether
    the API's note says what it must (only phrases every run has)."""
    by_id = {int(row["id"]): row for row in rows}
    phrases = [q for q in FRESH if all(q in run_ for run_ in found)]
    sums = [[0, 0, 0] for _ in found]
    for q in phrases:
        meant, row = FRESH[q], []
        for j, run_ in enumerate(found):
            api = sum(_keeps(by_id.get(r[0]), meant) for r in run_[q]["api"][:10])
            page = sum(_keeps(by_id.get(i), meant) for i in run_[q]["html_ids"][:10])
            said = meant.note is None or meant.note in (run_[q]["note"] or "")
            sums[j][0] += api
            sums[j][1] += page
            sums[j][2] += said
            row.append(f"api {api:2d} page {page:2d} note {'ok' if said else 'MISSING'}")
        print(f"fresh {q!r:32s} " + "  |  ".join(row))
    for j, (api, page, said) in enumerate(sums):
        print(f"run {j}: fresh API {api}/{10 * len(phrases)}, page {page}/{10 * len(phrases)} keep every rule; "
              f"notes {said}/{len(phrases)} say what they must")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="how", required=True)
    r = sub.add_parser("run")
    r.add_argument("url")
    r.add_argument("out")
    c = sub.add_parser("compare")
    c.add_argument("items")
    c.add_argument("runs", nargs="+")
    args = ap.parse_args()
    if args.how == "run":
        run(args.url.rstrip("/"), args.out)
    else:
        compare(args.items, args.runs)


if __name__ == "__main__":
    main()
