"""Which article types a shopper's word means.

The catalogue names its types its own way ("Tshirts", "Sweatshirts", "Perfume and Body Mist") and files
them under categories ("Bags", "Jewellery", "Footwear"); shoppers type "tee", "hoodie", "perfume", "bag".
A word or phrase means, from the catalogue itself:

- a type, by its name, singular or plural ("dress", "dresses");
- either half of a compound name ("perfume" and "body mist": Perfume and Body Mist);
- the last word of a multi-word name: "shoes" is every "* Shoes" type, "bag" every "* Bag";
- a subCategory or masterCategory: the types filed mostly under it ("jewellery", "footwear", "bags": mostly,
  because the catalogue misfiles a few products, e.g. T-shirts under Belts);

and, from :data:`SYNONYMS`, everyday words that no type or category name uses ("tee", "hoodie", "purse").
A type's own name wins over the rest ("jacket" is Jackets, not also Rain Jacket); otherwise every source's
types count. Entries naming a type the catalogue lacks are ignored, so the table serves other catalogues.
"""
from __future__ import annotations

import re

import pandas as pd

# Everyday words -> catalogue types; only words that no type or category name already gives.
SYNONYMS: dict[str, list[str]] = {
    "tee": ["Tshirts"],
    "hoodie": ["Sweatshirts"],
    "hoody": ["Sweatshirts"],
    "jumper": ["Sweaters"],
    "pullover": ["Sweaters"],
    "cardigan": ["Sweaters"],
    "sneakers": ["Casual Shoes", "Sports Shoes"],
    "trainers": ["Sports Shoes"],
    "running shoes": ["Sports Shoes"],
    "pants": ["Trousers"],
    "chinos": ["Trousers"],
    "slacks": ["Trousers"],
    "joggers": ["Track Pants"],
    "sweatpants": ["Track Pants"],
    "trackpants": ["Track Pants"],
    "blouse": ["Tops"],
    "gown": ["Dresses"],
    "frock": ["Dresses"],
    "coat": ["Jackets", "Blazers", "Rain Jacket"],
    "purse": ["Handbags", "Clutches", "Wallets"],
    "rucksack": ["Backpacks", "Rucksacks"],
    "sunnies": ["Sunglasses"],
    "glasses": ["Sunglasses"],
    "slippers": ["Flip Flops", "Sandals"],
    "chappals": ["Flip Flops", "Sandals"],
    "wristwatch": ["Watches"],
    "beanie": ["Caps"],
    "underwear": ["Briefs", "Boxers", "Trunk", "Bra", "Innerwear Vests", "Camisoles"],
    "lingerie": ["Bra", "Briefs", "Camisoles"],
    "pyjamas": ["Night suits", "Lounge Pants"],
    "pajamas": ["Night suits", "Lounge Pants"],
    "nightie": ["Nightdress"],
    "swimsuit": ["Swimwear"],
    "bikini": ["Swimwear"],
    "sari": ["Sarees"],
    "jewelry": ["Jewellery"],       # US spelling: the subCategory's types, resolved below
}


def norm(text: str) -> str:
    """"T-Shirt" -> "tshirt", "Body Mist" -> "bodymist": the key every word and phrase is looked up by."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def forms(key: str) -> set[str]:
    """The singular and plural spellings a key also answers to ("dresses": dresse, dress; "tee": tees)."""
    return {f for f in (key, key.removesuffix("s"), key + "s", key.removesuffix("es")) if f}


class TypeWords:
    """Words and phrases of one catalogue -> the article types they mean (see the module docstring)."""

    def __init__(self, items: pd.DataFrame):
        types = [t for t in items["articleType"].dropna().unique()]
        own: dict[str, set[str]] = {}       # a type's own name wins over the other sources
        other: dict[str, set[str]] = {}
        single: set[str] = set()            # one-word keys: the ones worth adding to a product's words

        def add(table: dict[str, set[str]], phrase: str, values) -> None:
            key = norm(phrase)
            if not key or not values:
                return
            if " " not in phrase.strip():
                single.add(key)
            for form in forms(key):
                table.setdefault(form, set()).update(values)

        for t in types:
            add(own, t, [t])
            for half in t.split(" and ") if " and " in t else []:
                add(own, half, [t])
            if " " in t:
                add(other, t.split()[-1], [t])
        for column in ("subCategory", "masterCategory"):
            if column not in items:
                continue
            # Each type counts under the category most of its products are filed under.
            mostly = items.dropna(subset=["articleType", column]).groupby("articleType")[column].agg(
                lambda s: s.value_counts().index[0])
            for category, group in mostly.groupby(mostly):
                for name in [category, *category.split(" and ")] if " and " in category else [category]:
                    add(other, name, list(group.index))
        by_category = dict(other)
        for word, wanted in SYNONYMS.items():
            present = [t for t in wanted if t in types]
            # A synonym may name a category instead of types ("jewelry": Jewellery's types).
            for name in wanted:
                present += sorted(by_category.get(norm(name), ())) if name not in types else []
            add(other, word, present)
        self._own, self._other, self._single = own, other, single

    def types(self, phrase: str) -> list[str]:
        """The types ``phrase`` means, sorted; [] when it names none."""
        key = norm(phrase)
        found = self._own.get(key) or self._other.get(key) or set()
        return sorted(found)

    def aliases(self) -> dict[str, list[str]]:
        """{type: the one-word keys that mean it but are not its own name}, so that a word search over
        product text finds a Tshirts product by "tee" and a Handbags product by "bag" or "purse"."""
        out: dict[str, set[str]] = {}
        for key in self._single:
            if key in self._own:
                continue
            for t in self._other.get(key, ()):
                if key not in {norm(w) for w in t.split()}:     # "shoes" is in Casual Shoes already
                    out.setdefault(t, set()).add(key)
        return {t: sorted(words) for t, words in out.items()}
