"""A shop's newer export's prices set without a rebuild: ``fashionrec index stock --from EXPORT`` (stop 77).

Since stop 76 an index keeps a product's regular price beside the price it sells at (regular_prices) and reads a
WooCommerce sale's dates at a build (sale_dates); ``index stock --from`` of a newer export set stock levels and
visibility alone, so a sale that started or ended, or a new price, changed nothing until a full rebuild (minutes at
40k, every photo embedded again). The export's prices are read as a build reads them (catalog.read_rows: a Shopify
product's first size, "Variant Compare At Price", a WooCommerce "Sale price" by its dates on the day it is read) and
set beside the levels (:meth:`fashionrec.product_edits.ProductEdits.set_prices`).

A price set by hand (``index edit --price``, ``PATCH /api/items/{id}``) meets the export as it meets a rebuild's
styles.csv (product_edits.keep_edits_since): the hand's value stands while the export gives the one it replaced;
where the export gives the hand's value the edit is no longer recorded; where it gives a third, the newer file wins,
said.

Example::

    >>> done = FilePrices({7: (999.0, 1999.0, 1999.0, math.nan), 8: (1299.0, math.nan, 899.0, 1299.0)})
    >>> done.said()
    '2 prices changed, 1 sale ended (7), 1 sale started (8)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fashionrec.catalog import PRICE, DataReport, first_few
from fashionrec.regular_prices import REGULAR_PRICE, on_sale

# What a hand's edit of one field is against the value a file gives now (edit_stands).
KEPT, FIXED, NEWER = "kept", "fixed", "newer"


def edit_stands(first, last, now, same) -> str:
    """What becomes of a hand's edit of a field from ``first`` (the file's value it replaced) to ``last`` where the
    file gives ``now`` (``same``: product_edits.same_value): :data:`KEPT` (the file still gives ``first``: the edit
    stands), :data:`FIXED` (the file gives ``last`` itself: no edit any more) or :data:`NEWER` (a third value: the
    newer file wins). The rule a rebuild and ``index stock --from`` both follow."""
    if same(now, first):
        return KEPT
    return FIXED if same(now, last) else NEWER


def file_prices(table: pd.DataFrame, report: DataReport) -> tuple[np.ndarray, np.ndarray] | None:
    """(prices, regular prices), (n,) float64 each, NaN for none, of ``table`` (catalog.read_rows' text: a price read
    as a build reads it, the regular price only where above it, as a build keeps it); None where the table has no price
    column (a stock system's file of levels: no price to set)."""
    from fashionrec.catalog import _prices, _regular_prices

    if PRICE not in table:
        return None
    df = pd.DataFrame({"id": table["id"].to_numpy(), PRICE: table[PRICE].mask(table[PRICE] == "", None).to_numpy()})
    df[PRICE] = _prices(df, report)
    if REGULAR_PRICE not in table:
        return df[PRICE].to_numpy(np.float64), np.full(len(df), np.nan)
    df[REGULAR_PRICE] = table[REGULAR_PRICE].to_numpy()
    return df[PRICE].to_numpy(np.float64), _regular_prices(df, report).to_numpy(np.float64)


def same_amount(a: float, b: float) -> bool:
    """Two prices the same, NaN (none) the same as NaN."""
    return (math.isnan(a) and math.isnan(b)) or a == b


@dataclass
class FilePrices:
    """What :meth:`~fashionrec.product_edits.ProductEdits.set_prices` changed: ``changed`` {id: (price before,
    regular before, price now, regular now)} (NaN for none), ``kept_by_hand`` the products whose price or regular
    price a hand set and the file still gives the value it replaced, ``file_won`` those a hand set that the file now
    gives a third value of ("15970 price 999.0 (edited to 899.0)")."""

    changed: dict[int, tuple[float, float, float, float]]
    kept_by_hand: list[int] = field(default_factory=list)
    file_won: list[str] = field(default_factory=list)

    @property
    def price_changed(self) -> list[int]:
        return [i for i, (p, _, q, _) in self.changed.items() if not same_amount(p, q)]

    @property
    def sales_ended(self) -> list[int]:
        return [i for i, (p, r, q, s) in self.changed.items() if on_sale(p, r) and not on_sale(q, s)]

    @property
    def sales_started(self) -> list[int]:
        return [i for i, (p, r, q, s) in self.changed.items() if on_sale(q, s) and not on_sale(p, r)]

    def said(self, said_ids=first_few) -> str:
        """"12 prices changed, 3 sales ended (ids), 1 sale started (ids)"; ``said_ids`` names ids (the shop's
        spellings beside them: Recommender.ids_said)."""
        def count(ids: list[int], one: str, many: str) -> str:
            return f"{len(ids)} {one if len(ids) == 1 else many}" + (f" ({said_ids(ids)})" if ids else "")

        parts = [f"{len(self.price_changed)} price{'s' if len(self.price_changed) != 1 else ''} changed"]
        parts += [count(self.sales_ended, "sale ended", "sales ended")] if self.sales_ended else []
        parts += [count(self.sales_started, "sale started", "sales started")] if self.sales_started else []
        other = len(self.changed) - len(set(self.price_changed) | set(self.sales_ended) | set(self.sales_started))
        if other:
            parts.append(f"{other} regular price{'s' if other != 1 else ''} changed")
        return ", ".join(parts)

    def as_json(self) -> dict:
        """The JSON of ``index stock --from --json``: each list of ids, and each change."""
        def amount(v: float) -> float | None:
            return None if math.isnan(v) else v

        return {"prices_changed": self.price_changed, "sales_ended": self.sales_ended,
                "sales_started": self.sales_started, "prices_kept_by_hand": self.kept_by_hand,
                "prices_file_won": self.file_won,
                "price_changes": {str(i): {"price": [amount(p), amount(q)], REGULAR_PRICE: [amount(r), amount(s)]}
                                  for i, (p, r, q, s) in self.changed.items()}}
