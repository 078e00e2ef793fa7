"""A product's regular price beside the sale price it sells at (stop 76, h76sale).

A shop's export says a product is on sale by a second price: WooCommerce's "Regular price" beside its "Sale price",
BigCommerce's "Price" beside its "Sale Price", Shopify's "Variant Compare At Price" beside its "Variant Price". The
loader read the price a product sells at and dropped the other, so a card showed 1,499 where the shop's own page shows
~~2,499~~ 1,499 (-40%), and "dresses on sale" could not be asked. The regular price is kept in the index's items as a
column of its own (:data:`REGULAR_PRICE`), only where the export gives one above the price: an index of a catalogue
without one (the Kaggle catalogue, a shop with no sale on) is as before, and one built before loads without it.
"""

from __future__ import annotations

import math
import re

# The items column (and the API item's field): the price the product sells at when not on sale, where it is on sale.
REGULAR_PRICE = "regular_price"
# The API item's field and the filter key: whether the product sells below its regular price.
ON_SALE = "on_sale"
# A Shopify export's price before a sale, as the loader spells a header (lower case, letters and digits alone).
COMPARE_AT_HEADERS = ("variantcompareatprice", "compareatprice")
# The words of a text search that ask for products on sale, as vocabulary.PRICE_WORDS takes them out of a query:
# "on sale", "sale", "sales", "discount", "discounted", "clearance", "deals", "offers" (a word of its own each).
SALE_WORDS = re.compile(r"(?:on\s+)?(?:sales?|discount(?:ed|s)?|clearance|deals?|offers?)(?:\s+on)?", re.IGNORECASE)


def is_sale_word(phrase: str) -> bool:
    """Whether a price phrase of a query (:func:`~fashionrec.vocabulary.price_words`) asks for products on sale.

    >>> is_sale_word("on sale"), is_sale_word("discounted"), is_sale_word("under 500")
    (True, True, False)
    """
    return SALE_WORDS.fullmatch(" ".join(phrase.split())) is not None


def on_sale(price: float, regular: float) -> bool:
    """Whether a product priced ``price`` is on sale from ``regular`` (NaN for none): its regular price above it."""
    return math.isfinite(price) and math.isfinite(regular) and regular > price


def percent_off(price: float, regular: float) -> int:
    """The share a sale takes off, in whole percent, as a card shows it ("-40%"); 0 where not :func:`on_sale`.
    At least 1 for a sale at all (1,999 from 2,000 is on sale, not "-0%").

    >>> percent_off(1499.0, 2499.0), percent_off(100.0, 100.0)
    (40, 0)
    """
    if not on_sale(price, regular):
        return 0
    return max(1, round(100 * (regular - price) / regular))


def compare_at_column(header: list[str], spelling, price_at: int | None, columns: list[str]) -> int | None:
    """Where ``header`` has a Shopify export's "Variant Compare At Price" (``spelling``: the loader's way of folding a
    header name), beside a price read at ``price_at``; None where it has none or no price is read."""
    if price_at is None:
        return None
    return next((i for i, h in enumerate(header) if spelling(h) in COMPARE_AT_HEADERS and h not in columns
                 and i != price_at), None)
