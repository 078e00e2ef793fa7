"""What the recommenders read of an index's items, worked out once per version of them: :class:`ItemTables`,
a part of :class:`fashionrec.recommend.Recommender` (labels per row, who wears each product, the filters'
values and masks, an item's metadata by id)."""

from __future__ import annotations

import collections
import difflib
import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from fashionrec.catalog import (
    CURRENCY,
    ID_AS_WRITTEN,
    IDS_AS_WRITTEN,
    PLACEHOLDER_NAME,
    PRICE,
    VARIATIONS,
    first_few,
    id_as_written,
    id_said,
    ids_as_written,
    ids_said,
    read_price,
)
from fashionrec.errors import BadInputError, NotFoundError
from fashionrec.regular_prices import ON_SALE, REGULAR_PRICE
from fashionrec.results import FILTER_KEYS, UNSURE
from fashionrec.shop_ids import new_product_id
from fashionrec.stock import STOCK, is_sold_out, levels_of, showing_sold_out
from fashionrec.typed_ids import Spellings, as_number, no_such_id, typed_reader
from fashionrec.visibility import HIDDEN, HIDDEN_BY, for_anyone, hidden_ids
from fashionrec.vocabulary import CHILDREN_NAME, KIDS_NAME, OTHER_CHILD
from fashionrec.vocabulary import KINDS as NAMED_KINDS

# The grown-ups' gender a child's product is filed under in place of the child's (Kaggle's catalogue files 343 of
# its children's products as men's or women's): a boy's as men's, a girl's as women's.
GROWN_UP = {"Boys": "Men", "Girls": "Women"}
# A gender filter of these lists what that child wears, however it is filed (ItemTables._childs_filter; stop 74).
CHILD_FILTERS = frozenset(GROWN_UP)


def child_filtered(filters: dict) -> bool:
    """Whether ``filters`` (checked: {key: value or list}) choose a child's gender (:data:`CHILD_FILTERS`), which
    lists more than the products filed under it."""
    genders = filters.get("gender") or ()
    return bool(CHILD_FILTERS.intersection([genders] if isinstance(genders, str) else genders))

# Words for a product's wearer as the catalogue's names say them: one list for both readings of a name, its brand
# (the words before the first of them) and its colours (read after it, looks.WEARER_NAME), which listed different
# words (a review, stop 65). "Woman" too: Arrow's and Van Heusen's women's lines ("Arrow Woman Blue Jeggings", 127
# names in styles.csv) were read after their first word.
# Not a brief's cut: "Jockey Lace Stretch Skin Boy Leg Brief".
WEARER_WORDS = r"(?:men|women|woman|boys?|girls?|kids?|unisex|mens|womens)(?:'s)?(?![\s-]+leg\b)"
# A name's brand: its words before the first word for a wearer ("Gini and Jony" of "Gini and Jony Men ...").
BRAND_BEFORE_WEARER = rf"^(.+?)\s+(?i:{WEARER_WORDS})\b"
# A word sequence that begins at least this many of the names without a wearer word, and no catalogue brand's, is
# a brand too: "Royal Diadem" (111 earrings and necklaces), "Colorbar", "Streetwear", "Deborah" name no wearer.
BRAND_LEADS = 3


def name_brands(names: pd.Series) -> pd.Series:
    """Each name's brand (:data:`BRAND_BEFORE_WEARER`), folded, its words one space apart; NaN where the name has
    no wearer word. One reading for the children's brands (:meth:`ItemTables._childrens`) and the catalogue's
    brands (:func:`catalogue_brands`). Spaces by a pattern, not split and join: where no name has a wearer word (a
    shop's own catalogue), a split of none is of floats, which ``.str`` refuses."""
    brands = names.str.extract(BRAND_BEFORE_WEARER, expand=False).str.casefold()
    return brands.str.replace(r"\s+", " ", regex=True).str.strip()


def row_brands(names: pd.Series) -> np.ndarray:
    """:func:`name_brands` of a names column (any values: a missing name has no brand), as objects: the rows of
    :meth:`ItemTables._name_brands`."""
    return name_brands(names.fillna("").astype(str)).to_numpy(dtype=object)


def catalogue_brands(names: pd.Series, colour_words: frozenset[str] = frozenset(),
                     brand: pd.Series | None = None) -> frozenset[str]:
    """The catalogue's brands, folded: the words before a wearer word of two names or more (one product's "Adidas
    Black Men ..." says a colour, not a brand), and of the names without a wearer word that begin with none of those,
    the first word of :data:`BRAND_LEADS` or more, with the words after it that all of them share ("royal diadem",
    "colorbar"), unless that word is one of ``colour_words`` (folded: a shop's "Red Cotton Kurta", "Red Silk Saree"
    name no brand "Red").

    >>> sorted(catalogue_brands(pd.Series(["Zorro Men Shirt", "Zorro Men Shoe", "Ayo Gold Ring", "Ayo Gold Bangle",
    ...                                    "Ayo Gold Chain"])))
    ['ayo gold', 'zorro']

    ``brand``: :func:`name_brands` of ``names`` where the caller has it (ItemTables._name_brands, kept per version).
    """
    brand = name_brands(names) if brand is None else brand
    counts = brand.dropna().value_counts()
    known = set(counts.index[counts >= 2])
    # A brand and a colour ("adidas black", "red tape black", "u.s. polo assn. black": two names or more each put a
    # colour before their wearer word) is that brand: "By ADIDAS Black too" would be said of its socks.
    known -= {b for b in known if any(" ".join(b.split()[:n]) in known and set(b.split()[n:]) & colour_words
                                      for n in range(1, len(b.split())))}
    unworn = [str(n).casefold().split() for n in names[brand.isna()].dropna()]
    unbranded = collections.defaultdict(list)
    for words in unworn:
        if len(words) > 1 and not any(" ".join(words[:n]) in known for n in range(1, len(words))):
            unbranded[words[0]].append(words)
    for first, group in unbranded.items():
        if len(group) < BRAND_LEADS or first in colour_words:
            continue
        n = 1
        # ... its words while every name goes on with the same one, and has a word left after it.
        while all(len(w) > n + 1 for w in group) and len({w[n] for w in group}) == 1:
            n += 1
        known.add(" ".join(group[0][:n]))
    return frozenset(known)


def brand_words(name: str, brands: frozenset[str] = frozenset()) -> list[str]:
    """The words of ``name``'s brand as typed: the longest of the catalogue's ``brands`` (:func:`catalogue_brands`)
    its words before the wearer's begin with ("Reebok" of "Reebok Reenergize Men Perfumes", "Lee Cooper" of "Lee
    Cooper Men ..."), else all of those words (a brand of one product); where it has no wearer word, the longest
    of ``brands`` it begins with ("Fabindia" of "Fabindia Silver Earrings"), else none.

    >>> brand_words("Reebok Reenergize Men Perfumes", frozenset({"reebok"}))
    ['Reebok']
    """
    match = re.match(BRAND_BEFORE_WEARER, name)
    words = match.group(1).split() if match else name.split()[:-1]
    folded = [w.casefold() for w in words]
    ends = [n for n in range(1, len(words) + 1) if " ".join(folded[:n]) in brands]
    return words[:ends[-1]] if ends else words if match else []


# A brand of at least this many products, this share of them children's (named or filed so), makes all of its
# products children's: in the catalogue Gini and Jony (0.985 of 616), Warner Bros, Chhota Bheem and Madagascar 3
# (1.0); not Disney (0.966) or Marvel (0.85), whose men's printed T-shirts are grown-ups'.
CHILDRENS_BRAND = (20, 0.98)
# A brand of that many products at least half of them children's: a name of its whose wearer word is a child's is a
# child's (Doodle: 88% of 298; Palm Tree: 94% of 109).
CHILD_WEARER_BRAND = 0.5
# A name's first wearer word, and those of them for a child.
FIRST_WEARER = rf"^.+?\s+((?i:{WEARER_WORDS}))\b"
CHILD_WEARER = r"(?:boys?|girls?|kids?)(?:'s)?"
# What a shop's page says of a product the catalogue has but the index does not (no photo, a row that could not
# be read, taken out); the error itself tells whoever runs the shop what to do about it.
UNLISTED = "This product is not in the shop at the moment. Search for something like it, or browse the catalogue."
NO_LONGER_SOLD = "This product is no longer sold in the shop. Search for something like it, or browse the catalogue."
# Brands whose name says "polo" (a name's first words) name no polo: U.S. Polo Assn.'s button-down shirts and
# shoes, Classic Polo's 141 T-shirts (of them 99 crew necks ranked polos first, a review), Regent Polo Club's.
_POLO_BRAND = r"^(?:u\.?\s?s\.?\s?polo(?:\s+assn\b\.?)?|classic\s+polo|regent\s+polo(?:\s+club)?)\b"
_KIND_WORDS = r"\b(" + "|".join(sorted(NAMED_KINDS, key=len, reverse=True)) + r")s?\b"
# A filter on the price, beside the label filters: {"price": (low, high)}, either bound None for none, both
# inclusive ("under 500" is (None, 500)). Not one of FILTER_KEYS: a vector index keeps no price (the search
# passes the ids it allows instead), and the API and the page take it from a query's words ("shirts under 500"),
# not a form field. Only where the items have prices (:meth:`ItemTables.prices`).
PRICE_FILTER = PRICE
# A filter on being on sale, {"on_sale": True} (stop 76, regular_prices): the products whose regular price is above
# their price, from a query's words ("dresses on sale"), where the items keep regular prices. Not one of FILTER_KEYS,
# as the price's is not: a vector index keeps neither.
SALE_FILTER = ON_SALE
# An item's key that says it is sold out (True) or in stock (False), where the index keeps stock levels.
SOLD_OUT_KEY = "sold_out"


def plain(v):
    """A value of the items as plain Python: None for NaN, a numpy scalar as its Python value."""
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def price_of(item: dict) -> float:
    """An item's price (``item_tables``' dict of a product) as a float, NaN where it has none, or one that is no
    amount of 0 or more: an items.csv edited by hand ("call us", "-5"), or "inf". Each reader that orders or says
    the prices of a search's results reads them so: "cheapest", "cheap" and ``sort=price`` were a 500 on such a
    price (float() of it, or int() of an infinity in :func:`~fashionrec.vocabulary.price_said`; stop 66, a review).
    The one reading of a price (stop 67): the page's ``_price_of`` and the API's ``to_item`` each had their own, and
    none refused a price below 0, which the catalogue and the API's edits refuse.

    >>> price_of({"price": "1299.5"}), price_of({"price": -5}), price_of({})
    (1299.5, nan, nan)
    """
    value = item.get(PRICE)
    try:
        price = float(value)
    except (TypeError, ValueError):
        # Text edited by hand into items.csv ("₹1,299", "1.299,00"), read as styles.csv's column reads it (stop 70).
        price = read_price(value) if isinstance(value, str) else None
        if price is None:
            return math.nan
    return price if math.isfinite(price) and price >= 0 else math.nan


def price_values(column: pd.Series) -> np.ndarray:
    """(n,) float64: :func:`price_of` of each value of a price column, NaN where it has none or none of 0 or more."""
    values = pd.to_numeric(column, errors="coerce").to_numpy(np.float64, na_value=np.nan, copy=True)
    # Text that is no number to pandas ("₹1,299", "1.299,00" edited by hand into items.csv), read as styles.csv's
    # column reads it: it was no price, "read as the catalogue reads one" said of it (stop 70).
    text = np.isnan(values) & column.notna().to_numpy()
    if text.any():
        values[text] = [np.nan if (v := read_price(str(w))) is None else v for w in column[text]]
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(values) & (values >= 0), values, np.nan)


def unpriced_on_load(items: pd.DataFrame) -> dict[int, str]:
    """Make each price of ``items`` (an index's items.csv, read, with whole ids) that is no amount of 0 or more no
    price, in place; ``{id: the price as written}`` of those: a price edited by hand into items.csv ("-5", "call
    us", "inf") is read as the catalogue reads one in styles.csv (kept, without a price, and said), where "-5" was
    kept and "under 500" listed it (stop 67)."""
    if PRICE not in items:
        return {}
    column = items[PRICE]
    values = price_values(column)
    bad = column.notna().to_numpy() & np.isnan(values)
    if not bad.any():
        if not pd.api.types.is_numeric_dtype(column):      # text read as amounts ("₹1,299"): held as numbers
            items[PRICE] = values
        return {}
    # (a number as items.csv writes it: -5, not pandas' -5.0)
    written = {int(i): v if isinstance(v, str) else f"{v:g}" for i, v in zip(items.loc[bad, "id"], column[bad],
                                                                              strict=True)}
    items[PRICE] = values
    return written


def filter_attrs(items: pd.DataFrame, rows) -> list[dict]:
    """The filter columns of ``items`` at positions ``rows``, as plain Python: what a vector index stores beside
    each vector (Milvus filters on them)."""
    return [{f: plain(items.iloc[r].get(f)) for f in FILTER_KEYS} for r in rows]


def cut_short_rows(items: pd.DataFrame) -> str:
    """What is wrong with an index's ``items`` (items.csv as read) where rows of it are cut short (a copy stopped
    part-way, an edit by hand): rows without the photo path or the predictions every product has; "" when none.
    Such a row read as a product with no photo, and its NaN path stopped `index check` and `index build` with a
    TypeError (a code review)."""
    needed = [c for c in items.columns if c == "image_path" or str(c).startswith("pred_")]
    short = items[needed].isna().any(axis=1) if needed else pd.Series(False, index=items.index)
    if not short.any():
        return ""
    ids = items.loc[short, "id"].tolist() if "id" in items else []
    lines = [int(r) + 2 for r in np.flatnonzero(short.to_numpy())]      # a header line, then lines from 1
    return (f"{int(short.sum())} row{'s' if short.sum() != 1 else ''} of its items.csv (line"
            f"{'s' if len(lines) != 1 else ''} {first_few(lines, 5)}; id{'s' if len(ids) != 1 else ''} "
            f"{first_few(ids, 5)}) "
            f"{'lack' if short.sum() != 1 else 'lacks'} the photo path or predictions every product has: the file "
            "is cut short or was edited")


# The per-version tables (Recommender._reindex) no stock level goes into: a stock change keeps them as they are
# (CatalogueEdits.set_stock). Dropped with the others, they were built anew for each level set: a PUT /api/stock of
# one level took 9-11 s at 40k products (a server builds them before a change goes in) and the first similar items
# after `index stock` 13 s (a loaded machine, stop 69). The tables a level goes into (the sold-out rows, the set-aside
# ones with them, each item's answer, the columns') are not among them; the columns' are kept but for the level's.
STOCK_FREE_TABLES = ("_vocab", "_types_present", "_word_search", "_values", "_codes", "_children", "_look_category",
                     "_rule_type", "_look_usage", "_name_codes", "_free", "_aside_base", "_aside_shown_ids", "_prices",
                     "_years", "_price_scale", "_id_order", "_photo_group", "_colourway_key", "_value_codes")


class ItemTables:
    """Per-row tables of the items: a part of :class:`fashionrec.recommend.Recommender`, which owns the items
    and resets these tables when they change (``_reindex``)."""

    def _set_aside(self) -> frozenset[int]:
        """Ids of the products a shopper is shown only last in a search and never as a similar item, a photo's
        match, a look's piece or a pick, though the index keeps them and `fashionrec data check` lists them:
        those named with a placeholder (:data:`~fashionrec.catalog.PLACEHOLDER_NAME`: a file name, a test
        record's, the column's own name; a card titled "productDisplayName" was on page 7 of "black heels for
        women") and those whose photo is blank (the manifest's ``blank_image_ids``: a pure white photo was the
        closest product to any photo of noise, which then passed for familiar) or too small to show a product
        (``tiny_image_ids``: a 4x5 photo of a formal shoe was tagged a bangle)."""
        # ... and the sold-out products (stock 0, stop 67), unless the call asks for them (stock.sold_out_shown)
        return self._once("_aside_shown_ids" if showing_sold_out() else "_aside_ids",
                          lambda: frozenset(int(i) for i in self._ids[self._set_aside_rows()]))

    def _set_aside_unsold(self) -> frozenset[int]:
        """:meth:`_set_aside` but for the sold-out products, shown or not: those a photo may still be a copy of."""
        return self._once("_aside_shown_ids",
                          lambda: frozenset(int(i) for i in self._ids[self._set_aside_rows_shown()]))

    def sold_out_rows(self) -> np.ndarray:
        """(n,) bool, per version of the items: the products whose stock level is 0 or less (the items' ``stock``
        column, from a shop's styles.csv or ``index stock``); none where there is no such column."""
        def build() -> np.ndarray:
            if STOCK not in self.items:
                return np.zeros(len(self.items), bool)
            with np.errstate(invalid="ignore"):     # (NaN, no level, is available)
                return levels_of(self.items[STOCK]) <= 0
        return self._once("_sold_out", build)

    def stock_levels(self, sold_out_only: bool = False) -> pd.DataFrame:
        """Every product's stock level, in the index's order (``id``, ``stock``: a whole level as an int, None for
        none, which is available; ``sold_out``; ``productDisplayName``); ``sold_out_only``: those at 0 or less. What
        ``GET /api/stock`` and ``index stock --list`` / ``--export`` list (stop 69: no reader listed the levels a shop
        had set); :func:`fashionrec.stock_list.levels_csv` writes it as the CSV ``index stock --from`` reads."""
        from fashionrec.stock_list import levels_table

        return levels_table(self.items, sold_out_only, self.manifest)

    def hidden_sold_out(self) -> np.ndarray:
        """(n,) bool: the rows the calls now made leave out of a search or a listing: the products the shop hides
        (:meth:`hidden_rows`), always, and the sold-out ones (none within :func:`stock.sold_out_shown`)."""
        if showing_sold_out():
            return self.hidden_rows()
        return self._once("_left_out", lambda: self.hidden_rows() | self.sold_out_rows())

    def hidden_rows(self) -> np.ndarray:
        """(n,) bool, per version of the items: the products the shop hides (the manifest's ``hidden``: its export's
        "Product Visible?" N, "Published" FALSE, or `index stock --hide`), kept in the index and never shown to a
        shopper, not even where a call asks for sold-out products (visibility.py, stop 74)."""
        return self._once("_hidden", lambda: np.isin(self._ids, np.fromiter(hidden_ids(self.manifest), np.int64)))

    def is_hidden(self, item_id: int) -> bool:
        """Whether the shop hides the product ``item_id`` (:meth:`hidden_rows`)."""
        return str(int(self._check_id(item_id))) in (self.manifest.get(HIDDEN) or {})

    def is_sold_out(self, item_id: int) -> bool:
        """Whether the product ``item_id`` is sold out (its stock level 0 or less)."""
        return bool(self.sold_out_rows()[self._row[self._check_id(item_id)]])

    def _set_aside_rows(self) -> np.ndarray:
        """(n,) bool: the rows of :meth:`_set_aside`, computed once per version of the items."""
        if not showing_sold_out():
            return self._once("_aside", lambda: self._set_aside_rows_shown() | self.sold_out_rows())
        return self._set_aside_rows_shown()

    def _set_aside_rows_shown(self) -> np.ndarray:
        """(n,) bool: the rows of :meth:`_set_aside` but for the sold-out ones (shown or not, by the call)."""
        def build() -> np.ndarray:
            names = self.items["productDisplayName"].fillna("").astype(str).str.strip()
            unseen = [*(self.manifest.get("blank_image_ids") or []), *(self.manifest.get("tiny_image_ids") or [])]
            blank = np.isin(self._ids, np.asarray(unseen, np.int64))
            # ... and, never shown at all, the products the shop hides (a search leaves them out: hidden_sold_out)
            return names.str.contains(PLACEHOLDER_NAME, regex=True).to_numpy() | blank | self.hidden_rows()
        return self._once("_aside_base", build)

    def _childrens(self) -> np.ndarray:
        """(n,) bool: products for children whatever gender they are filed under: a Unisex one with any word
        for a child in its name, any with "Kids", "Boy's", "Infant" and the like (not "Wild Child" nail polish
        or a "Party Girl" watch). The catalogue files 214 of its 1,925 Unisex products and 320 Men's or
        Women's ("Palm Tree Kids Boys Check White Shorts") so. Computed once per version of the items."""
        def build() -> np.ndarray:
            it = self.items
            names = it["productDisplayName"].astype(str)
            named = ((it["gender"].eq("Unisex") & names.str.contains(CHILDREN_NAME, regex=True))
                     | names.str.contains(KIDS_NAME, regex=True))
            # A children's brand's products are children's whatever their name says: "Gini and Jony Men Solid
            # White Shorts" (a kids' brand, 607 of its 616 products children's by name or filing) completed a man's
            # shirt in the README's own example. A brand is a name's words before its first wearer's word.
            brand = self._name_brands()
            by_brand = pd.DataFrame({"brand": brand, "child": named | it["gender"].isin(["Boys", "Girls"])}
                                    ).dropna().groupby("brand")["child"].agg(["size", "mean"])
            childrens = by_brand.index[(by_brand["size"] >= CHILDRENS_BRAND[0])
                                       & (by_brand["mean"] >= CHILDRENS_BRAND[1])]
            # A name whose wearer word is a child's ("Doodle Boy Road Trip Grey Tshirts", "Palm Tree Girls ...
            # Skirts": 44 of the catalogue's, filed as Men or Women) in a brand mostly for children is a child's:
            # a man's look took a Doodle boy's T-shirt, a boy's none. Not in another brand ("KXIP Boys Fangear Tee",
            # "Streetwear FX Spice Girl Eye Shadow", a shade's name).
            mostly = by_brand.index[(by_brand["size"] >= CHILDRENS_BRAND[0]) & (by_brand["mean"] >= CHILD_WEARER_BRAND)]
            worn = names.str.extract(FIRST_WEARER, expand=False).str.casefold()
            # The brand or its first word: "Doodle  Fairy Girl Pink Tshirt" reads brand "doodle fairy".
            named_child = worn.str.fullmatch(CHILD_WEARER, na=False) & (brand.isin(mostly)
                                                                         | brand.str.split().str[0].isin(mostly))
            return (named | ((brand.isin(childrens) | named_child) & ~it["gender"].isin(["Boys", "Girls"]))).to_numpy()
        return self._once("_children", build)

    def _name_brands(self) -> pd.Series:
        """:func:`name_brands` of the names, per version of the items: read by the children's table and the
        catalogue's brands, each of which read all 40k names again (1-2 s of a served name's edit at 40k under load,
        stop 77). Each row's brand is its own name's: after an edit, its edited rows' alone (edit_tables.ROW_WISE)."""
        key = ("name", "brands")
        if key not in self._codes:
            out, rows = self._row_wise(key, object)
            out[rows] = row_brands(self.items["productDisplayName"].iloc[rows])
            out.flags.writeable = False     # shared with the next version's table (a copy is filled: _row_wise)
            self._codes[key] = out
        # (name_brands' own type of text, that of the names as text: astype(str))
        return pd.Series(self._codes[key], index=self.items.index, dtype=str)

    def _any_childs(self) -> np.ndarray:
        """(n,) bool: a child's product, filed under Boys or Girls or named for a child (:meth:`_childrens`): what a
        photo read as a grown-up's weighs its age against (:mod:`fashionrec.photo_wearer`)."""
        key = ("any child's",)
        if key not in self._codes:
            mask = self._childrens() | np.isin(self._labels("gender"), ["Boys", "Girls"])
            mask.flags.writeable = False        # shared by every query, as _other_sex's masks are
            self._codes[key] = mask
        return self._codes[key]

    def _worn_by_child(self, gender: str) -> np.ndarray:
        """Rows a child of ``gender`` (Boys or Girls) wears: filed under it, or a child's product filed under no
        child's gender (Unisex, Men, Women: "Levis Kids ...") whose name does not say it is the other's. Before,
        a child's product filed under the other gender counted too ("Quechua Kids-Girls Brown Backpack" in 38
        of 40 boys' looks, "Madagascar 3 Infant Boys Blue Booties" in girls')."""
        it = self.items
        other = {"Boys": "Girls", "Girls": "Boys"}[gender]
        names = it["productDisplayName"].astype(str)
        names_other = names.str.contains(OTHER_CHILD[other], regex=True)
        # Filed under the other child's grown-up gender, it is the other child's where its name says no child's
        # gender: of the catalogue's children's products filed as men's, 167 name a boy and none a girl; as
        # women's, 136 a girl and none a boy ("Disney Kids Princess Heart Pink Casual Shoes", filed as women's,
        # was among a boy's shoes).
        filed_other = it["gender"].eq(GROWN_UP[other]) & ~names.str.contains(OTHER_CHILD[gender], regex=True)
        childs = (self._childrens() & ~it["gender"].isin(["Boys", "Girls"]).to_numpy() & ~names_other.to_numpy()
                  & ~filed_other.to_numpy())
        return it["gender"].eq(gender).to_numpy() | childs

    def _wearers(self, row: int) -> np.ndarray:
        """(n,) bool: the rows the wearer of the product at ``row`` wears, for its similar items and its look.
        A child's (Boys, Girls, or named for a child whatever it is filed under: :meth:`_childrens`) takes
        children's products only; a grown-up's its gender's and the unisex ones, no child's ("Palm Tree Kids
        Boys Check White Shorts", filed as men's); an unknown gender, any. Computed once per wearer and version
        of the items: similar items ask on every query."""
        return self._worn_by(self._wearer(row))

    def _wearer(self, row: int) -> str:
        """Who wears the product at ``row``, as :meth:`_worn_by` reads a wearer: its gender label, but a child's
        product's (:meth:`_childrens`) Boys or Girls where its name or filing says which, else "child" (either:
        "Tantra Kid's Unisex ... Kidswear")."""
        gender = str(self._labels("gender")[row])
        if gender in ("Boys", "Girls") or not self._childrens()[row]:
            return gender
        # A child's product filed under another gender is a boy's or a girl's where its name says which ("Ant
        # Kids Girl's Maroon ... Kidswear", filed as women's, had boys' shoes in its look).
        name = str(self._column("productDisplayName")[row])
        said = [child for child in ("Boys", "Girls") if OTHER_CHILD[child].search(name)]
        if not said:        # else the filing: a child's product filed as men's is a boy's (_worn_by_child)
            said = [child for child, filed in GROWN_UP.items() if filed == gender]
        return said[0] if len(said) == 1 else "child"

    def _other_sex(self, gender: str) -> np.ndarray:
        """(n,) bool, read-only: the rows filed under the other sex than ``gender`` (Men or Boys: Women's and Girls';
        Women or Girls: Men's and Boys'; anything else: none), by their gender label alone. A photo's wearer is
        read by the tagger, which tells men's from women's far better than a grown-up's from a child's (stop 33):
        so not the age, which :meth:`_worn_by` also keeps to. Unisex products are for either. Computed once per
        gender and version of the items."""
        key = ("other sex", gender)
        if key not in self._codes:
            other = {"Men": ("Women", "Girls"), "Boys": ("Women", "Girls"),
                     "Women": ("Men", "Boys"), "Girls": ("Men", "Boys")}.get(gender, ())
            mask = np.isin(self._labels("gender"), list(other))
            mask.flags.writeable = False        # shared by every query, as _worn_by's masks are
            self._codes[key] = mask
        return self._codes[key]

    def _worn_by(self, wearer: str) -> np.ndarray:
        """(n,) bool, read-only: the rows ``wearer`` (a gender, "child", or "" for unknown) wears, as
        :meth:`_wearers` says; computed once per wearer and version of the items."""
        key = ("wearers", wearer)
        if key not in self._codes:
            genders, kids = self._labels("gender"), self._childrens()
            if wearer in ("Boys", "Girls"):
                mask = self._worn_by_child(wearer)
            elif wearer == "child":         # "Levis Kids Blue Solid Jean", filed as Unisex or Men
                mask = np.isin(genders, ["Boys", "Girls"]) | kids
            elif wearer == "Unisex":
                mask = np.isin(genders, ["Men", "Women", "Unisex"]) & ~kids
            elif wearer:
                mask = np.isin(genders, [wearer, "Unisex"]) & ~kids
            else:
                mask = np.ones(len(self.items), bool)
            mask.flags.writeable = False        # shared by every query: a caller's slip must not change it
            self._codes[key] = mask
        return self._codes[key]

    def _free_items(self) -> np.ndarray:
        """Per row, whether the product is filed under Free Items (a promotion's freebies); computed once per
        version of the items, as every look slot, search and page asks."""
        def build() -> np.ndarray:
            if "masterCategory" not in self.items:
                return np.zeros(len(self.items), bool)
            return (self.items["masterCategory"] == "Free Items").to_numpy()
        return self._once("_free", build)

    def _names(self) -> np.ndarray:
        """Per row, a number for the product's name, the same for names that differ only in case or spaces."""
        def build() -> np.ndarray:
            names = self.items["productDisplayName"].fillna("").astype(str).str.casefold().str.split().str.join(" ")
            return pd.factorize(names)[0]
        return self._once("_name_codes", build)

    def _labels(self, head: str) -> np.ndarray:
        """Per row, the item's ``head`` label: the catalogue's own, else the tagger's prediction (added products)."""
        key = ("label", head)
        if key not in self._codes:
            labels = self.items[head] if head in self.items else pd.Series(np.nan, index=self.items.index)
            if f"pred_{head}" in self.items:
                # As objects: a head's column of no labels at all is NaN floats, which pandas 4 will not fill
                # with the predictions' text.
                labels = labels.astype(object).fillna(self.items[f"pred_{head}"])
            self._codes[key] = labels.fillna("").to_numpy(dtype=object)
        return self._codes[key]

    def _label_codes(self, head: str) -> np.ndarray:
        """Per row, the index of the item's label in the tagger's ``head`` classes.

        A label the tagger does not know (user-supplied metadata) falls back to its prediction for the item,
        so such an item is not ranked as if it matched nothing; -1 where neither is known.
        """
        key = ("code", head)
        if key not in self._codes:
            # Built on the first query that needs it, so by pandas' hash lookup: a Python loop over the 40k
            # rows made the first photo query take 0.6 s.
            classes = pd.Index(self.tagger.classes.get(head, []))
            codes = classes.get_indexer(self._labels(head))
            if f"pred_{head}" in self.items:
                codes = np.where(codes >= 0, codes, classes.get_indexer(self.items[f"pred_{head}"]))
            self._codes[key] = codes.astype(np.int64)
        return self._codes[key]

    def _edit_rows(self, key: tuple) -> tuple[object, np.ndarray]:
        """(the table before, the rows to work out) for the ``_codes`` entry ``key``: after an edit that changed
        none of what the whole catalogue gives it (edit_tables.ROW_WISE), the table before the edit and the edited
        rows; else None and every row."""
        base = (self._edit_base or {}).get(key)
        return (None, np.arange(len(self.items))) if base is None else (base, self._edited_rows)

    def _row_wise(self, key: tuple, dtype=bool) -> tuple[np.ndarray, np.ndarray]:
        """(an array to fill, the rows to fill in it) for ``key``'s table (:meth:`_edit_rows`): a copy of the
        table before an edit and its edited rows, else an empty one and every row."""
        base, rows = self._edit_rows(key)
        return (np.zeros(len(self.items), dtype) if base is None else base.copy()), rows

    def _name_kinds(self) -> np.ndarray:
        """(n,) str, per version of the items: the kinds of :data:`~fashionrec.vocabulary.KINDS` each product's
        name says ("polo", "chino"; "" for none), singular and sorted."""
        key = ("kinds", "name")
        if key not in self._codes:
            out, rows = self._row_wise(key, object)
            names = self.items["productDisplayName"].iloc[rows].fillna("").astype(str).str.lower()
            found = names.str.replace(_POLO_BRAND, " ", regex=True).str.findall(_KIND_WORDS)
            out[rows] = [" ".join(sorted(set(f))) for f in found]
            self._codes[key] = out
        return self._codes[key]

    @staticmethod
    def _grown_ups_chosen(filters: dict | None) -> bool:
        """Whether ``filters`` keep to grown-ups' genders (Men, Women), where a child's product the catalogue
        files under them (:meth:`_childrens`) is not what was asked for."""
        chosen = (filters or {}).get("gender")
        chosen = [chosen] if isinstance(chosen, str) else list(chosen or [])
        return bool(chosen) and set(chosen) <= {"Men", "Women"}

    @staticmethod
    def _as_id(item_id) -> int:
        """``item_id`` as the int it names ("15970", as from JSON, too); :class:`BadInputError` for no id."""
        # 15970.7 was read as 15970, True as 1.
        if isinstance(item_id, (bool, np.bool_)) or (isinstance(item_id, (float, np.floating))
                                                     and not float(item_id).is_integer()):
            raise BadInputError(f"item id must be an integer, got {item_id!r}")
        try:
            return int(item_id)
        except (TypeError, ValueError) as e:
            raise BadInputError(f"item id must be an integer, got {item_id!r}") from e

    def _id_of(self, item_id) -> int:
        """``item_id`` as :meth:`_as_id` reads it, or, a text that is no number where this index records the shop's
        spellings, the product its export wrote so (a Shopify Handle; :meth:`id_named`): the CLI and the API took
        a Handle, and ``Recommender.similar("lee-men-purple-check-shirt")`` said "item id must be an integer"
        (stop 75's new user, in Python as the README has it). Digits too where no product has that number and they
        are a shop's Handle ("2024"), as the API reads them (:meth:`id_typed`): ``similar("2024")`` said "no product
        2024", and ``exclude_ids=["2024"]`` left the product in (stop 76, h76review)."""
        if isinstance(item_id, str) and self.manifest.get(IDS_AS_WRITTEN):
            try:
                number = int(item_id)
            except ValueError:
                return self.id_named(item_id)
            if number not in self._row:
                spelt = self._typed_reader()(item_id)
                if spelt is not None:
                    return spelt
        return self._as_id(item_id)

    def _check_id(self, item_id: int) -> int:
        item_id = self._id_of(item_id)
        if item_id not in self._row:
            # Each said as the shop writes it too ("product 38645 (written 0038645)"), where the index records a
            # spelling: the number alone matched none of a shop's ids keyed by their text (stop 70).
            said = self.id_said(item_id)
            # Removed first: the reason it went (a removed product whose id a rejected duplicate row also has
            # was said to be rejected).
            if item_id in (self.manifest.get("removed_ids") or []):
                raise NotFoundError(f"product {said} was removed from this index (`fashionrec index remove`, "
                                    f"remove_product or DELETE /api/items): a row of {self.table_name} comes back at "
                                    "the next build or now with `fashionrec index add PHOTO --id ID`, a product "
                                    "added with `index add` or POST /api/items does not",
                                    shopper=UNLISTED)
            left_out = self.manifest.get("left_out") or {}
            for status, ids in left_out.items():
                if item_id in ids:
                    raise NotFoundError(f"product {said} is a row of the catalogue but not in the index: its "
                                        f"image is {status} ({self._photo_looked_for(item_id)}; `fashionrec data "
                                        "check` lists it); add the photo and rebuild, or `fashionrec index add` it",
                                        shopper=UNLISTED)
            rejected = (self.manifest.get("rejected_rows") or {}).get(str(item_id))
            if rejected:
                raise NotFoundError(f"product {said} is not in the index: its row of {self.table_name} was rejected "
                                    f"({rejected}); fix the row (`fashionrec data check` lists it) and rebuild",
                                    shopper=UNLISTED)
            product = (self.manifest.get(VARIATIONS) or {}).get(str(item_id))
            # Not a hidden product's where the API answers anyone: a draft's id is the shop's to give (h75integ).
            # The shop (the CLI, Python) is told, said hidden: "there is no product 7513" of its own draft's size
            # sent it looking for a product it has (stop 76, h76integ).
            hidden_why = (self.manifest.get(HIDDEN) or {}).get(str(product))
            if product is not None and (hidden_why is None or not for_anyone()):
                # A WooCommerce variation's own id (a size or colour line, read as its product): "there is no
                # product 1203" sent a storefront whose cart names variations looking for a product (stop 76).
                hides = "" if hidden_why is None else f" (hidden by the shop: {hidden_why})"
                raise NotFoundError(f"product {said} is a variation of product {self.id_said(product)} (a line of "
                                    f"its sizes or colours, its Parent in {self.table_name}), read as that product: "
                                    f"ask for {id_as_written(self.manifest, product)}{hides}", shopper=UNLISTED)
            if item_id in set(self.manifest.get("left_catalogue_ids") or []):
                raise NotFoundError(f"product {said} left the catalogue: its row of {self.table_name} was gone at a "
                                    f"rebuild of this index (the last on {str(self.manifest.get('date'))[:10]})",
                                    shopper=NO_LONGER_SOLD)
            raise self._never_had(said, id_as_written(self.manifest, item_id))
        return item_id

    def _never_had(self, said: str, shown: str) -> NotFoundError:
        """The 404 of a product id this index never had, said ``said`` (a shopper's page: ``shown``)."""
        return NotFoundError(f"there is no product {said} in this catalogue ({len(self):,} products)",
                             shopper=f"There is no product {shown} in the shop. Search for what you are looking "
                                     "for, or browse the catalogue.")

    def as_if_absent(self, typed, item_id: int) -> NotFoundError:
        """The error an id typed ``typed`` (naming ``item_id``, a product the shop hides) gets where anyone asks: word
        for word the one it would get were the product never in the index, its spelling gone with it, so that hiding
        cannot be told from absence, as Shopify's storefront answers a draft's address as one that never was (stop
        77; stop 76 said "product 'red-dress' is hidden by the shop: send the server's key ...", to anyone)."""
        text = str(typed).strip()
        number = as_number(text)
        if number is None:      # by its spelling alone: a spelling this index lacks, as id_named says one
            return self._no_such_spelling(typed)
        if number == item_id:
            error = self._never_had(str(number), str(number))
        else:       # digits that are its spelling: read as that number (which the index lacks: the reader took it)
            try:
                self._check_id(number)
            except NotFoundError as e:
                error = e
            else:       # (another product's number: typed_reader takes a held number before any spelling)
                return self._no_such_spelling(typed)
        if text == str(number):
            return error
        return NotFoundError(f"{text!r}, read as {number}: {error}", shopper=error.shopper)     # as id_typed says it

    def id_named(self, typed, hidden_absent: bool = False) -> int:
        """The id a user typed (a CLI argument, an API path or body) names: the number, or the product whose id the
        shop's export wrote so ("0015970", a Shopify Handle: this index's ids_as_written; stop 73). One that is
        neither is refused as typed (:class:`NotFoundError`), as a typo, even where unknown ids are left out; a
        number is returned whether or not the index holds it (a saved list's removed product, left out so).
        ``hidden_absent``: a product the shop hides read as one the index lacks (:meth:`as_if_absent`), as a keyless
        API read of a list reads it (stop 77): its spelling names none, its number is returned for the caller to
        leave out or refuse as it does an unknown one's."""
        found = self._typed_reader()(typed)
        if found is not None and hidden_absent and str(found) in (self.manifest.get(HIDDEN) or {}):
            number = as_number(str(typed).strip())
            if number is not None:
                return number
            found = None
        if found is None:
            # Neither its example nor its "did you mean" a hidden product's spelling where anyone asks (the API): a
            # shop's unpublished Handle was offered to a stranger's typo (stop 75, h75integ). The shop (the CLI) is
            # offered it, said hidden: it was not (stop 76).
            raise self._no_such_spelling(typed)
        return found

    def _no_such_spelling(self, typed) -> NotFoundError:
        """The error of ``typed``, which names no product: where anyone asks (:func:`for_anyone`), neither its example
        nor its "did you mean" a hidden product's spelling; to the shop, offered said hidden."""
        hidden = self.manifest.get(HIDDEN) or {}
        written = self.manifest.get(IDS_AS_WRITTEN) or {}
        example = next((int(i) for i in self._ids if str(i) not in hidden), None)
        if for_anyone():
            return no_such_id(typed, {key: spelt for key, spelt in written.items() if key not in hidden}, len(self),
                              example=example)
        return no_such_id(typed, written, len(self), hidden={int(key) for key in hidden}, example=example)

    def ids_named(self, typed: list, hidden_absent: bool = False) -> list[int]:
        """:meth:`id_named`'s id of each of ``typed`` (a list a request or a command sent), in order; one
        :class:`NotFoundError` naming every one that names no product, where any does: the first alone was named
        since stop 73 ("-3,x" said '-3'), and a list of 200 was fixed one part at a time (a review of stop 73)."""
        found, bad = [], []
        for one in typed:
            try:
                found.append(self.id_named(one, hidden_absent))
            except NotFoundError as e:
                bad.append((str(one).strip(), e))
        if len(bad) == 1:
            raise bad[0][1]
        if bad:
            raise NotFoundError(f"{len(bad)} of the ids name no product ({first_few([repr(t) for t, _ in bad], 10)}); "
                                f"the first: {bad[0][1]}", shopper=bad[0][1].shopper)
        return found

    def _typed_reader(self) -> Callable[[object], int | None]:
        """typed_ids' reader of this index's ids as typed, its spellings turned round once per map of them (the
        manifest's ids_as_written): turned round for each id, a 40k-product shop's took 0.1 s an id (stop 74)."""
        written = self.manifest.get(IDS_AS_WRITTEN) or {}
        kept = getattr(self, "_spellings_kept", None)
        if kept is None or kept[0] is not written:      # a change of them writes a new map into the manifest
            kept = self._spellings_kept = (written, Spellings(written))
        return typed_reader(written, self._row.__contains__, kept[1])

    def ids_reader(self) -> Callable[[object], int]:
        """What reads each id of a batch (``set_stock``'s levels, ``PUT /api/stock``'s, a stock file's) as
        :meth:`id_named` reads one: the number, or the shop's spelling (a Handle, "0015970"), the spellings turned
        round once. A :class:`BadInputError` for what names no product ("abc", a Handle this index never had), which
        a batch lists with the others; a number is returned whether or not the index holds it. Before stop 74 a
        batch took numbers alone: `index stock navy-tee=0` was "'navy-tee' is no product id"."""
        read = self._typed_reader()

        def as_id(key) -> int:
            if not isinstance(key, str):
                return self._as_id(key)         # 15970 (Python's callers), refusing True and 15970.5 as ever
            found = read(key)
            if found is None:
                # A Handle or code never added, where the ids are made so: said as one, with the way to set the
                # others (stop 75; it read as a typo).
                new = new_product_id(key, self.manifest.get(IDS_AS_WRITTEN) or {})
                raise BadInputError(f"{key!r} is no product id" if new is None else
                                    f"{key!r} is no product of this index (one not added yet? its id would be "
                                    f"{new}): --skip-unknown sets the others and lists it")
            return found
        return as_id

    def id_typed(self, typed) -> int:
        """:meth:`id_named`'s id, which the index must hold: one it lacks is said by :meth:`_check_id` (removed,
        left out, never there), with what was typed where it was written otherwise ("'0099999', read as 99999")."""
        found = self.id_named(typed)
        if found not in self._row and str(typed).strip() != str(found):
            try:
                self._check_id(found)
            except NotFoundError as e:
                raise NotFoundError(f"{str(typed).strip()!r}, read as {found}: {e}", shopper=e.shopper) from e
        return found

    def id_said(self, item_id: int) -> str:
        """``item_id`` as a message says it, with the shop's spelling beside it where this index records one
        (:func:`~fashionrec.catalog.id_said`)."""
        return id_said(self.manifest.get(IDS_AS_WRITTEN), item_id)

    def _photo_looked_for(self, item_id: int) -> str:
        """Why a catalogue row left out of the index for its photo has none, naming the file: the build's reason
        where it recorded one (a photo in a folder inside images/, stop 72: "its image is missing" named no file),
        else the file the loader looked for."""
        why = (self.manifest.get("left_out_why") or {}).get(str(item_id))
        if why:
            return why
        from fashionrec.column_map import images_path

        data_dir = self.manifest.get("data_dir")
        folder = images_path(data_dir) if data_dir else Path("images")
        return f"no file {folder / f'{id_as_written(self.manifest, item_id)}.jpg'}"

    @property
    def table_name(self) -> str:
        """The file of the catalogue's rows the index was built from, as messages name it: its manifest's "table"
        (a shop's products.csv, stop 71); styles.csv for an index built before it was recorded."""
        return str(self.manifest.get("table") or "styles.csv")

    def ids_said(self, ids: list, shown: int = 10) -> str:
        """``ids`` as a message lists them, the shop's spellings after them where this index records any
        (:func:`~fashionrec.catalog.ids_said`)."""
        return ids_said(self.manifest.get(IDS_AS_WRITTEN), ids, shown)

    def ids_as_written(self, ids) -> list[str]:
        """``ids`` as the shop writes them where this index records a spelling, else their digits: the
        ``*_as_written`` lists beside a list of ids (stop 70)."""
        return ids_as_written(self.manifest, ids)

    def item(self, item_id: int) -> dict:
        """Metadata + predicted attributes (``pred_<head>``, ``pred_<head>_prob``) of one item."""
        item_id = self._check_id(item_id)
        if item_id not in self._cache:
            row = self._row[item_id]
            item = {k: plain(values[row]) for k, values in self._all_columns().items()}
            if isinstance(item.get("year"), float) and item["year"].is_integer():
                item["year"] = int(item["year"])        # 2012, not 2012.0 (a column with gaps is float)
            if STOCK in item:
                # Said on a card and the product page, which a sold-out product's own link still opens (stop 67).
                item[SOLD_OUT_KEY] = is_sold_out(item[STOCK])
            if HIDDEN in self.manifest:
                # Asked for by id, a product the shop hides is said so, and why (stop 74): never listed otherwise.
                why = (self.manifest.get(HIDDEN) or {}).get(str(item_id))     # (a look-up: an export asks for all)
                item[HIDDEN] = why is not None
                if why is not None:
                    item[HIDDEN_BY] = why
            if item.get(PRICE) is not None:
                # The shop's currency beside a price (stop 65), so that every card, table and answer that shows the
                # price shows it as one ("₹1,299"); "" where the shop named none and its prices had no symbol.
                item[CURRENCY] = self.currency()
            written = id_as_written(self.manifest, item_id)
            if written != str(item_id):
                # The shop's own spelling of the id ("0038645"), which the API and the pages show beside the number
                # (stop 69: they gave 38645 alone, which a shop keyed by its text matched to none of its products).
                item[ID_AS_WRITTEN] = written
            self._cache[item_id] = item
        return dict(self._cache[item_id])

    def _all_columns(self) -> dict[str, np.ndarray]:
        """{column: per row, its values as Python objects}: :meth:`_column`'s table (the column labels
        themselves are Arrow strings, slow to walk on every item)."""
        columns = self._columns
        if columns is None:
            columns = self._columns = {str(c): self.items[c].to_numpy(dtype=object) for c in self.items.columns}
        return columns

    def _is(self, column: str, values) -> np.ndarray:
        """(n,) bool: the rows whose ``column`` (an items column, "look" for the category a look files each
        row under, or "label:<head>" for the row's label, else the tagger's at :data:`UNSURE` or more) is
        ``values`` (one value, or a list of them; None matches nothing). By integer codes kept per version of the
        items: a look asks a dozen of these per query, 1-2 ms each over 40k strings."""
        codes, index = self._value_index(column)
        wanted = [index[v] for v in ([values] if isinstance(values, str) or values is None else values)
                  if v in index]
        if len(wanted) < 2:
            return codes == (wanted[0] if wanted else -2)
        # A table of the codes looked up per row: np.isin sorted the 40k codes on every call, 1.1 ms where this takes
        # 0.09 (a look asks several, stop 73). Its last entry is code -1's, a missing value, which matches nothing.
        table = np.zeros(len(index) + 1, bool)
        table[wanted] = True
        return table[codes]

    def _value_index(self, column: str) -> tuple[np.ndarray, dict]:
        """(per row, an integer code of its ``column`` value, -1 where missing; {value: its code}), kept per
        version of the items (see :meth:`_is`)."""
        if column not in self._value_codes:
            if column == "look":
                raw = self._look_categories()
            elif column == "rule_type":
                raw = self._rule_types()
            elif column.startswith("label:"):
                raw = self._label_or_sure(column[6:])
            else:
                raw = self._column(column)
            codes, uniques = pd.factorize(pd.Series(raw, dtype=object))      # missing -> -1
            self._value_codes[column] = (codes.astype(np.int32), {v: i for i, v in enumerate(uniques)})
        return self._value_codes[column]

    def _label_or_sure(self, head: str) -> np.ndarray:
        """Per row, the ``head`` label, else the tagger's where it is sure (:data:`UNSURE`), else missing."""
        raw = self._column(head) if head in self.items else np.full(len(self.items), None, object)
        if f"pred_{head}" in self.items:
            sure = self._column(f"pred_{head}_prob").astype(float) >= UNSURE
            raw = np.where(pd.isna(raw) & sure, self._column(f"pred_{head}"), raw)
        return raw

    def _column(self, name: str) -> np.ndarray:
        """Per row, the items' ``name`` column as Python objects (NaN where missing), kept per version of the
        items. A pandas row or an Arrow-backed string column turned into numpy costs 0.4 and 2 ms at 40k
        products, on every similar-items query (its ten items and their names: 10 of its 15 ms)."""
        return self._all_columns()[name]

    def image_path(self, item_id: int) -> Path:
        """Where the item's photo is (catalogue file, or ``images/<id>.jpg`` for added products)."""
        item_id = self._check_id(item_id)
        p = Path(str(self._column("image_path")[self._row[item_id]]))
        return p if p.is_absolute() else self.index_dir / p

    def _rows(self, ids: np.ndarray) -> np.ndarray:
        """Row of each id in ``items`` / ``embeddings`` (-1 for an id not in this index), vectorised: by the ids
        sorted once per version of the items (pandas' get_indexer builds its tables on every call: 0.2 ms,
        four times per photo query)."""
        ids = np.asarray(ids, np.int64).reshape(-1)
        if self._id_order is None:
            order = np.argsort(self._ids, kind="stable")
            self._id_order = (self._ids[order], order)
        known, order = self._id_order
        if not len(known):
            return np.full(len(ids), -1, np.int64)
        at = np.minimum(np.searchsorted(known, ids), len(known) - 1)
        return np.where(known[at] == ids, order[at], -1).astype(np.int64)

    def vector(self, item_id: int) -> np.ndarray:
        """(d,) float32 image embedding of an indexed item."""
        return self.embeddings[self._row[self._check_id(item_id)]]

    def index_vectors(self, vectors: np.ndarray, as_queries: bool = False) -> np.ndarray:
        """(n, d) embeddings -> the (n, index dim) vectors the index holds and searches; ``as_queries``: each row
        as it is projected alone (:meth:`~fashionrec.index.projection.Projection.__call__`)."""
        vectors = np.asarray(vectors, np.float32)
        return vectors if self.projection is None else self.projection(vectors, as_queries=as_queries)

    def filter_values(self) -> dict[str, list[str]]:
        """The values each filter can take: those of the indexed products, sorted."""
        return self._value_tables()[0]

    def _value_tables(self) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
        tables = self._values       # one attribute, so a reader never sees a list without its folded twin
        if tables is None:
            values = {k: sorted(str(v) for v in self.items[k].dropna().unique()) if k in self.items else []
                      for k in FILTER_KEYS}
            tables = self._values = (values, {k: {v.casefold(): v for v in vs} for k, vs in values.items()})
        return tables

    def canonical_value(self, key: str, value: str) -> str | None:
        """The catalogue's spelling of a filter value given in any case ("women" -> "Women"), or None."""
        return self._value_tables()[1].get(key, {}).get(str(value).strip().casefold())

    def check_filters(self, filters: dict | None) -> dict:
        """``filters`` with each value in the catalogue's spelling; an unknown key or value is a BadInputError
        that lists the valid ones (a typo must not look like "nothing matches")."""
        if not filters:
            return {}
        if not isinstance(filters, dict):
            raise BadInputError("filters must be a mapping such as {'gender': 'Men'}")
        unknown = sorted(set(filters) - set(FILTER_KEYS) - {PRICE_FILTER, SALE_FILTER})
        if unknown:
            raise BadInputError(f"unknown filter {', '.join(unknown)}; valid filters: {', '.join(FILTER_KEYS)}")
        out = {}
        for key, value in filters.items():
            if value is None or value == "" or value == []:
                continue
            if key == PRICE_FILTER:
                out[key] = self._checked_price(value)
                continue
            if key == SALE_FILTER:
                if not isinstance(value, bool):
                    raise BadInputError(f"the on_sale filter is true or false, not {value!r}")
                if self.on_sale() is None:
                    raise BadInputError("no product is on sale: the index keeps no regular prices (its export gave "
                                        "none above a price), so leave on_sale out")
                out[key] = value
                continue
            given = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple, set)) \
                else None
            if given is None or not all(isinstance(v, str) for v in given):
                # {"gender": 5} was a TypeError from Python (a trial)
                raise BadInputError(f"filter {key} takes a value or a list of values as text, such as "
                                    f"{{{key!r}: {(self.filter_values()[key] or ['...'])[0]!r}}}, not {value!r}")
            canonical = [self.canonical_value(key, v) for v in given]
            bad = [v for v, c in zip(given, canonical, strict=True) if c is None]
            if bad:
                known = self.filter_values()[key]
                sample = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
                hint = self._did_you_mean(key, bad[0])
                raise BadInputError(f"no product has {key} {bad[0]!r}; "
                                    + (hint if hint else f"the values here: {sample}" if known else
                                       f"this catalogue has no {key} labels (no such column in its "
                                       f"{self.table_name}?)"))
            out[key] = canonical[0] if isinstance(value, str) else canonical
        return out

    def currency(self) -> str:
        """The currency the shop's prices are in, as a card writes it before them ("₹", "$", "Rs."): the one
        ``index build --currency`` named, else the symbol its styles.csv's prices were written with (the manifest's
        ``currency``, stop 65); "" where neither says (an index built before, the Kaggle catalogue)."""
        return str(self.manifest.get(CURRENCY) or "")

    def prices(self) -> np.ndarray | None:
        """(n,) float64: each row's price, NaN where it has none; None where no product has one (a catalogue
        without a price column, an index built before prices were read, or a price column left empty)."""
        # (price_values: a price edited by hand into items.csv as text, or below 0, is no price.)
        return self._numbers("_prices", PRICE, price_values)

    def years(self) -> np.ndarray | None:
        """(n,) float64: each row's year, NaN where it has none; None where no product has one (a shop's catalogue
        without a year column). What "newest" and "new arrivals" sort by (stop 74): the catalogue has no arrival
        dates, and the year a product is filed under is the nearest it says."""
        return self._numbers("_years", "year",
                             lambda column: pd.to_numeric(column, errors="coerce").to_numpy(np.float64))

    def _numbers(self, key: str, column: str, read: Callable[[pd.Series], np.ndarray]) -> np.ndarray | None:
        """(n,) float64 of ``column`` as ``read`` reads it, NaN where a row has none; None where the items lack the
        column or no row has a number in it. Kept per version of the items under ``key``."""
        def build() -> tuple:
            if column not in self.items:
                return (None,)
            values = read(self.items[column])
            return (values if np.isfinite(values).any() else None,)
        return self._once(key, build)[0]

    def on_sale(self) -> np.ndarray | None:
        """(n,) bool: the rows on sale (a regular price above the price, regular_prices); None where the items keep
        no regular prices (a catalogue without a sale, the Kaggle catalogue, an index built before stop 76)."""
        def build() -> tuple:
            prices = self.prices() if REGULAR_PRICE in self.items else None
            if prices is None:
                return (None,)
            with np.errstate(invalid="ignore"):
                return (price_values(self.items[REGULAR_PRICE]) > prices,)     # (NaN either side: not on sale)
        # Kept per version of the items, as prices() is: worked out again on every filtered search (a review of
        # stop 77), 1.9 ms of a 8 ms browse by sale and gender at 40k.
        return self._once("_on_sale", build)[0]

    def price_scale(self) -> float | None:
        """The median of every product's price, None where none has one: the scale a query's "1.299" is read on
        (:func:`~fashionrec.vocabulary.amount`, stop 68), as the catalogue's own "999.000" was."""
        def build() -> tuple:
            prices = self.prices()
            priced = prices[np.isfinite(prices) & (prices > 0)] if prices is not None else np.array([])
            return (float(np.median(priced)) if len(priced) else None,)
        return self._once("_price_scale", build)[0]

    def _checked_price(self, value) -> tuple[float | None, float | None]:
        """A price filter's ``(low, high)`` as floats (either None); a BadInputError for any other value, and
        where no product has a price (a filter no product can pass would read as "nothing matches")."""
        if not (isinstance(value, (tuple, list)) and len(value) == 2
                and all(v is None or isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                        and math.isfinite(v) for v in value) and value != (None, None) and value != [None, None]):
            raise BadInputError(f"the price filter is (lowest, highest), either of them None, such as (None, 500) "
                                f"for 500 or under, not {value!r}")
        low, high = (None if v is None else float(v) for v in value)
        if low is not None and high is not None and low > high:
            raise BadInputError(f"the price filter's lowest price {low:g} is above its highest {high:g}")
        if self.prices() is None:
            raise self.no_prices("filtered", "leave the price out")
        return low, high

    def no_prices(self, done: str, instead: str) -> BadInputError:
        """The error for a sort or filter by price (``done``: "sorted", "filtered") where no product has a price,
        saying which of the ways it came about is this one's: "its styles.csv had no price column" was said of an
        index whose priced products had all been removed, or whose price column held no amount (stop 66, a
        review)."""
        why = (f"its {self.table_name} had no price column when the index was built" if PRICE not in self.items else
               "none of its products has a price: its price column held no amount when the index was built, or the "
               "products with one were removed")
        return BadInputError(f"this catalogue has no prices ({why}), so nothing can be {done} by price: {instead}, "
                             f"or rebuild the index from a {self.table_name} with prices (`fashionrec index build`)")

    def _priced_between(self, low: float | None, high: float | None) -> np.ndarray:
        """(n,) bool: the rows whose price is from ``low`` to ``high``, both included; a row without a price never."""
        prices = self.prices()
        if prices is None:
            return np.zeros(len(self.items), bool)
        with np.errstate(invalid="ignore"):
            keep = np.isfinite(prices)
            if low is not None:
                keep &= prices >= low
            if high is not None:
                keep &= prices <= high
        return keep

    def _did_you_mean(self, key: str, value: str) -> str:
        """"did you mean 'Shirts' or 'Tshirts'?" for a ``key`` value no product has, or "" where none is
        close (by spelling, in any case)."""
        values = self.filter_values().get(key, [])
        folded = {v.lower(): v for v in values}
        close = [folded[c] for c in difflib.get_close_matches(value.lower(), list(folded), n=3, cutoff=0.6)]
        # A shop's word for a type ("Tees", "Sneakers") first: the types text search reads it as. By spelling
        # alone "Tees" was offered 'Heels' (a new user's trial, stop 67).
        vocabulary = getattr(self, "_vocabulary", None)
        meant = vocabulary()["types"].types(value) if key == "articleType" and vocabulary is not None else []
        close = list(dict.fromkeys([t for t in meant if t in values] + close))[:3]
        return f"did you mean {' or '.join(map(repr, close))}?" if close else ""

    def _mask(self, filters: dict | None) -> np.ndarray | None:
        """Boolean row mask for ``filters`` ({key: value or list of values}); None when no filter."""
        filters = self.check_filters(filters)
        if not filters:
            return None
        mask = np.ones(len(self.items), bool)
        for key, value in filters.items():
            # By the integer codes kept per version of the items: pandas' isin over 40k Arrow strings took 3 ms
            # of every other-colours row (a catalogue's export).
            mask &= (self._priced_between(*value) if key == PRICE_FILTER else self.on_sale() == value
                     if key == SALE_FILTER else self._childs_filter(value) if key == "gender" else self._is(key, value))
        return mask

    def _childs_filter(self, genders) -> np.ndarray:
        """(n,) bool: the rows a gender filter of ``genders`` (one, or a list) lists: those filed under them, and
        for Boys or Girls what that child wears (:meth:`_worn_by`: a kids' unisex product, or a child's filed as a
        grown-up's, not named for the other child), as "shoes for girls" reads it. A filter of Girls listed none
        of the full index's 218 kids' unisex products, where "shoes for girls" found 30 in its first 48 (stop 74)."""
        genders = [genders] if isinstance(genders, str) else list(genders)
        mask = self._is("gender", genders)
        for child in CHILD_FILTERS.intersection(genders):
            mask = mask | self._worn_by(child)
        return mask

    def _child_filter_counts(self, rows: np.ndarray, groups: np.ndarray | None = None) -> dict[str, int]:
        """What a gender filter of Boys and of Girls would list (:meth:`_childs_filter`) among ``rows`` ((n,) bool),
        for the catalogue's child genders: counted once each or, with ``groups`` (per row), once per group (a
        photo); what a filter list says beside each choice."""
        out = {}
        for child in sorted(CHILD_FILTERS.intersection(self.filter_values().get("gender", []))):
            listed = rows & self._worn_by(child)
            out[child] = int(listed.sum() if groups is None else len(np.unique(groups[listed])))
        return out
