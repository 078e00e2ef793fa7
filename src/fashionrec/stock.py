"""A shop's stock (stop 67): read from its styles.csv as prices are, kept in the index's items.csv, changed without
a rebuild (``index stock``), and sold-out products kept from what a shopper is shown unless asked for.

A shop's export with a ``stock_qty`` column had 5 products at 0 that every recommender still listed (3 of the 19
results of "jeans"): the column was read past, and only ``index remove`` took a sold-out product out, for good.

The level is a number (a quantity; 0 or less is sold out: a negative one is an oversold count) or a yes/no
("in_stock": yes, no, true, false, "in stock", "sold out"), read as 1 and 0. A product without one is available:
the Kaggle catalogue and every index built before have no stock, and nothing changes for them.

Which readers leave sold-out products out is said by one flag per call, :func:`sold_out_shown`, a context
variable: a web request, a CLI command or a Python caller turns it on for the calls inside it, and every reader of
the products a shopper is shown (similar items, a look, text search and browse, photo search, profile picks, and the
counts beside them) reads the same one, so a page's counts agree with its cards.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from fashionrec.errors import BadInputError

if TYPE_CHECKING:       # (the CLI reads this module to start, without pandas)
    import numpy as np
    import pandas as pd

# The column of items.csv (and of the catalogue as loaded) that holds each product's stock level.
STOCK = "stock"
# The header names read as the stock level, in any case or spacing, the first of them the header has: a shop's
# quantity ("stock", "stock_qty", "quantity", "inventory"), or whether it is in stock ("in_stock": yes/no); a
# Shopify export's "Variant Inventory Qty", read unmapped as its "Variant Price" is (it was an ignored column, the
# shop's sold-out sizes read as available, until mapped by hand: stop 72, a Shopify trial).
STOCK_HEADERS = ("stock", "stockqty", "stockquantity", "stocklevel", "quantity", "qty", "inventory", "instock",
                 "instock?", "available", "availability", "variantinventoryqty", "inventoryqty", "inventoryquantity",
                 # BigCommerce's legacy and modern exports (stop 73's new user: its stock went unread)
                 "currentstocklevel", "currentstock", "inventorylevel")
# Words for in stock and sold out, as exports write them ("Y", "TRUE", "In Stock", "out of stock").
_YES = {"yes", "y", "true", "t", "instock", "available", "onstock", "backorder", "onbackorder"}   # (sold, sent later)
_NO = {"no", "n", "false", "f", "outofstock", "soldout", "unavailable"}
# The usual words for a missing value, as exports write an empty cell ("None": Python's; "NULL": a database's; "N/A",
# "NA", "nan": a spreadsheet's or pandas'): no level, which is available, as an empty cell is, on every path (a
# styles.csv, `index stock ID=none` and --from, set_stock, the API). "none" was sold out in a styles.csv and no level
# on the command line (stop 68, a review): one reading everywhere, and `data check` counts them (none is silent).
NO_LEVEL_WORDS = ("none", "null", "n/a", "na", "nan", "nil")
# A quantity: "12", "12.0" (a spreadsheet's), "1,200", "-2" (oversold).
_QUANTITY = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?$")
SOLD_OUT = "Sold out"       # what a card and a product page say of one

_SHOWN: contextvars.ContextVar[bool] = contextvars.ContextVar("fashionrec_sold_out_shown", default=False)


def stock_level(value) -> float:
    """``value`` (a cell of a stock column, a number, or an operator's word) as a stock level: a quantity, 1.0 for
    yes and 0.0 for no; NaN where empty or a missing-value word (:data:`NO_LEVEL_WORDS`); ValueError where it is
    none of these ("call us", "1.5")."""
    if value is None or isinstance(value, float) and math.isnan(value):
        return math.nan
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        try:
            finite = math.isfinite(value)       # (an int past a float's range: an OverflowError, a 500 at the API)
        except OverflowError:
            raise ValueError(value) from None
        if not finite or value != int(value):
            raise ValueError(value)
        return float(value)
    text = str(value).strip()
    if not text:
        return math.nan
    word = re.sub(r"[\s_\-]+", "", text).casefold()
    if word in NO_LEVEL_WORDS:
        return math.nan
    if word in _YES:
        return 1.0
    if word in _NO:
        return 0.0
    if _QUANTITY.fullmatch(text):
        return float(text.replace(",", "").split(".")[0])
    raise ValueError(value)


# Columns beside a level that say how a shop sells a line at 0 (stop 71), by their spelling (column_map.spelling): a
# Shopify export's "Variant Inventory Tracker" (blank: the size's inventory is not tracked, so it is sold whatever its
# count) and "Variant Inventory Policy" ("continue": sold while at 0 or less), and a WooCommerce export's "In stock?"
# (1, 0 or "backorder") beside its "Stock" (a count only where the product manages its stock, else blank). They were
# read past: a Shopify shop selling at 0 had those sizes sold out, and a WooCommerce product out of stock whose stock
# is not managed was available.
TRACKER_HEADERS = ("variantinventorytracker", "inventorytracker")
POLICY_HEADERS = ("variantinventorypolicy", "inventorypolicy")
# Magento 2's "is_in_stock" (1/0) beside its "qty" (stop 77): a configurable product's qty is 0 and its is_in_stock 1
# while a size of it is in stock, and every one was read as sold out.
STATUS_HEADERS = ("instock?", "instock", "stockstatus", "isinstock")


def level_as_sold(cell: str, tracker: str | None = None, policy: str | None = None, status: str | None = None) -> str:
    """A line's stock ``cell`` as the shop sells by it, given the cells of the columns beside it (None: the file has
    no such column): "0" (sold out) where ``status`` says out of stock; "" (no level, available) where the line's
    inventory is not tracked (``tracker`` blank) or it is sold while at 0 (``policy`` "continue", or ``status`` in
    stock or on backorder) and ``cell`` is no count above 0; else ``cell`` as written.

    >>> level_as_sold("0", policy="continue"), level_as_sold("4", tracker=""), level_as_sold("", status="0")
    ('', '', '0')
    """
    try:
        said = stock_level(status) if status is not None else math.nan
    except ValueError:
        said = math.nan     # (a status that is none of a level's words: the count alone, as before)
    if said <= 0:
        return "0"
    try:
        level = stock_level(cell)
    except ValueError:
        # None of a level ("call us"): as written, for the loader to say it is none, as without these columns (read
        # as no level, it was lost without a word, and data check said the cell empty: a review of stop 71).
        return cell
    if tracker is not None and not tracker.strip():
        return ""
    if said > 0 or policy is not None and policy.strip().casefold() == "continue":
        return cell if level > 0 else ""
    return cell


def variants_level(cells: list[str], product_is_a_size: bool = True) -> str:
    """The stock level of a product whose variants (sizes, folded into it by the catalogue loader) have the levels
    ``cells`` (the product line's first), as a cell: the sum of those in stock; no level (available) where none is
    in stock but a size's inventory is not tracked; sold out only where every size is. Where a cell is none of a
    level ("call us"), the product line's, as read before (a bad one is then said as such).

    Which cells are sizes (stop 70): a Shopify product line (a Handle's, ``product_is_a_size``) is its first size's,
    and a blank cell is a size not tracked, which Shopify sells whatever its count. A WooCommerce variable
    product's line (a Parent's, not ``product_is_a_size``) is no size: its level, where it has one, is the stock of
    the variations without one of their own (which do not manage their stock), and a variation blank under a blank
    product line is not tracked. A product at 0 with its other sizes blank read sold out, and a blank product line
    with every size "no" is sold out, as one with every size 0 was made (a review)."""
    try:
        levels = [stock_level(c) for c in cells]
    except ValueError:
        return cells[0]
    own = levels if product_is_a_size else [level for level in levels[1:] if not math.isnan(level)]
    untracked = any(math.isnan(level) for level in (levels if product_is_a_size else levels[1:]))
    if not product_is_a_size and untracked and not math.isnan(levels[0]):
        own, untracked = [*own, levels[0]], False      # the product's own stock, shared by those sizes: once
    in_stock = [level for level in own if level > 0]
    if in_stock:
        return str(int(sum(in_stock)))
    if untracked:
        return ""
    # Every size sold out: the product line's level where it says so ("no", -2), else 0 (a line with no level of its
    # own, or a product's level its sizes do not take, was available and recommended: stop 70).
    return cells[0] if levels[0] <= 0 else "0"


def unknown_ids(rec, given: dict) -> list[str]:
    """The keys of ``given`` (ids as written, each with its level) that name an id the index ``rec`` does not hold:
    what `index stock --skip-unknown` and ``PUT /api/stock?skip_unknown=true`` leave out and list. Each read as
    set_stock reads it (``rec.ids_reader``: a number, or a Handle or "0015970" the index records; stop 74). What names
    no id at all ("abc") is not among them: set_stock refuses it, as it is a typo, not a product elsewhere; except on
    an index whose ids are made from Handles or codes, where a Handle it never had is a product not added yet
    (``shop_ids.new_product_id``, stop 75).
    (catalog imports this module: its names are imported here.)"""
    from fashionrec.catalog import written_ids
    from fashionrec.shop_ids import new_product_id

    read = rec.ids_reader()
    written = written_ids(rec.manifest)

    def held_not(key) -> bool:
        try:
            return read(key) not in rec
        except BadInputError:
            # A Handle or code the index never had, on an index whose ids are made from them: a product the shop
            # has not added yet, skipped by the id it will have (stop 75); elsewhere a typo, refused.
            return isinstance(key, str) and new_product_id(key, written) is not None
    return [str(k) for k in given if held_not(k)]


def known_only(given: dict, skipped: list[str]) -> dict:
    """``given`` (ids as written -> levels) without the keys :func:`unknown_ids` listed, ``skipped``: tested against a
    set of them, as a list that was searched for each id took 18 s for 40,000 unknown ids, the API's writers' lock
    held meanwhile (a review of stop 71)."""
    left_out = set(skipped)
    return {k: v for k, v in given.items() if str(k) not in left_out}


def skipped_lists(rec, skipped: list[str]) -> dict[str, list]:
    """What an answer lists of the ids :func:`unknown_ids` left out: ``skipped`` (numbers, each read as the index
    ``rec`` reads it: a removed product's Handle its number) and ``skipped_as_written`` (as sent), as ``PUT
    /api/stock?skip_unknown=true`` and `index stock --skip-unknown --json` both answer."""
    from fashionrec.catalog import written_ids
    from fashionrec.shop_ids import new_product_id

    read = rec.ids_reader() if skipped else None       # (``rec`` None where nothing was loaded or skipped)
    written = written_ids(rec.manifest) if skipped else {}

    def number(key: str) -> int:
        try:
            return read(key)
        except BadInputError:       # a Handle never added (unknown_ids): the id its Handle makes
            return new_product_id(key, written)
    return {"skipped": [number(k) for k in skipped], "skipped_as_written": [k.strip() for k in skipped]}


def levels_set_said(rec, done: dict) -> dict:
    """What an answer says of the levels ``done`` ({id: level now}, set_stock's) set in the index ``rec``: ``stock``
    ({id: level}) and ``sold_out`` (ids), by number as ever, and beside them ``stock_as_written`` and
    ``sold_out_as_written``, the same ids as the shop writes them (a Handle, "0015970"; its digits where it writes
    none otherwise), as ``PUT /api/stock`` and `index stock --json` both answer. Numbers alone were all a shop
    keyed by its Handles got back (stop 74: "sold out (4840343123357426, ...)")."""
    sold = [i for i, level in done.items() if is_sold_out(level)]
    written = dict(zip(done, rec.ids_as_written(list(done)), strict=True)) if done else {}
    return {"stock": {str(i): level_said(v) for i, v in done.items()}, "sold_out": sold,
            "stock_as_written": {written[i]: level_said(v) for i, v in done.items()},
            "sold_out_as_written": [written[i] for i in sold]}


def is_no_level_word(value) -> bool:
    """Whether ``value`` is one of :data:`NO_LEVEL_WORDS` ("None", "N/A"), read as no level."""
    return isinstance(value, str) and re.sub(r"[\s_\-]+", "", value).casefold() in NO_LEVEL_WORDS


def read_stock(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(the levels of ``cells`` as float64, NaN where empty or unread; bool, where a cell held no level)."""
    def read(v) -> float:
        try:
            return stock_level(v)
        except ValueError:
            return math.inf     # marked, then made NaN: a row kept without a stock level, said
    levels = cells.map(read).astype("float64")
    bad = levels == math.inf
    return levels.mask(bad), bad


def level_of(value) -> float:
    """A stock level as kept in items.csv (a number, or text where one was edited by hand), as a float: NaN where it
    is none, no number or not finite. The one reading of a kept level, for a product's answer and whether it is sold
    out (:func:`is_sold_out`, :func:`levels_of`)."""
    try:
        level = float(value)
    except (TypeError, ValueError):
        return math.nan
    return level if math.isfinite(level) else math.nan


def level_said(value) -> int | float | None:
    """A kept level as an answer says it (the API's ``stock``, ``index stock --json``): a whole one as an int (12,
    not 12.0: a review, stop 68), one edited by hand into items.csv as it is (1.5), None where there is none."""
    level = level_of(value)
    if math.isnan(level):
        return None
    return int(level) if level.is_integer() else level


def levels_of(column: pd.Series) -> np.ndarray:
    """Each kept level of an items' stock column as :func:`level_of` reads one, as float64 (NaN for none)."""
    import numpy as np
    import pandas as pd

    levels = pd.to_numeric(column, errors="coerce").to_numpy(np.float64, copy=True)
    levels[~np.isfinite(levels)] = np.nan
    return levels


def is_sold_out(level) -> bool:
    """Whether a stock level (a float, NaN for none) says sold out: 0 or less. No level is available."""
    return level_of(level) <= 0


@contextlib.contextmanager
def sold_out_shown(shown: bool = True) -> Iterator[None]:
    """Within it, sold-out products are listed as any other (``shown``; False keeps them out, the default)."""
    token = _SHOWN.set(bool(shown))
    try:
        yield
    finally:
        _SHOWN.reset(token)


def showing_sold_out() -> bool:
    """Whether the calls now made list sold-out products (:func:`sold_out_shown`)."""
    return _SHOWN.get()
