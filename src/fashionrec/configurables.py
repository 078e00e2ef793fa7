"""A Magento 2 export's configurable products: each names its children (one size and colour of it, a row of their own,
"Not Visible Individually") in ``configurable_variations``, "sku=MH01-XS-Black,color=Black,size=XS|sku=...".

Magento writes no price on a configurable product's row (its children hold the prices, and a sale's special price):
stop 77's new user had all 60 of a shop's configurables read without a price, so never shown under a price filter
nor sorted by price. Such a product is read at its children's lowest price, as Magento's product page shows it ("As
low as").

Example:
    >>> child_skus("sku=MH01-XS-Black,color=Black,size=XS|sku=MH01-S-Black,color=Black,size=S")
    ['MH01-XS-Black', 'MH01-S-Black']
"""

from __future__ import annotations

from collections.abc import Callable

from fashionrec.column_map import spelling

VARIATIONS_HEADER = "configurablevariations"     # (as column_map.spelling reads a header)


def variations_column(header: list[str], taken: set[str]) -> int | None:
    """Where ``header`` has a Magento export's configurable_variations (None: nowhere), but for a column in
    ``taken`` (one columns.json maps to a catalogue column)."""
    return next((i for i, h in enumerate(header) if spelling(h) == VARIATIONS_HEADER and h not in taken), None)


def child_skus(cell: str) -> list[str]:
    """The children's SKUs a configurable_variations ``cell`` names, in its order ([] for an empty one)."""
    skus = []
    for variation in cell.split("|"):
        for pair in variation.split(","):
            key, _, value = pair.partition("=")
            if key.strip().casefold() == "sku" and value.strip():
                skus.append(value.strip())
    return skus


def lowest_priced_child(children: list[str], price_of: Callable[[str], float | None]) -> str | None:
    """Of ``children`` (SKUs), the one ``price_of`` gives the lowest price (the first of equals), None where none has
    one."""
    priced = [(price, k, sku) for k, sku in enumerate(children) if (price := price_of(sku)) is not None]
    return min(priced)[2] if priced else None
