"""The stock levels an index holds, read back (stop 69): ``Recommender.stock_levels``, ``GET /api/stock`` and
``fashionrec index stock --list`` / ``--export FILE``.

Stop 68 let a shop set levels three ways (``index stock``, ``PUT /api/stock``, ``PUT /api/items/{id}/stock``) but
read one back only product by product (``GET /api/items/{id}``): a shop could not check what its stock system had
set, list what is sold out, or keep a copy of the levels before a rebuild. The export's CSV is the one ``index
stock --from`` reads (an ``id`` and a ``stock`` column; an empty cell: no level, which is available), so a copy
taken can be set again as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fashionrec.stock import STOCK, level_said, levels_of

if TYPE_CHECKING:
    import pandas as pd

# The listing's columns: what ``index stock --from`` reads (id, stock), then whether it is sold out and its name,
# for a person reading the list.
COLUMNS = ("id", STOCK, "sold_out", "productDisplayName")


def levels_table(items: pd.DataFrame, sold_out_only: bool = False) -> pd.DataFrame:
    """Each product of ``items`` (an index's, in its row order) with its stock level: :data:`COLUMNS`, the level as
    an answer says it (12, not 12.0; None where it has none, which is available: every product of an index without
    a stock column). ``sold_out_only``: only those at 0 or less."""
    import numpy as np
    import pandas as pd

    levels = levels_of(items[STOCK]) if STOCK in items else np.full(len(items), np.nan)
    with np.errstate(invalid="ignore"):     # (NaN, no level, is available)
        sold = levels <= 0
    names = items["productDisplayName"] if "productDisplayName" in items else pd.Series([""] * len(items))
    table = pd.DataFrame({"id": items["id"].to_numpy(np.int64),
                          # object: whole levels as ints beside a hand-edited 1.5, None for none
                          STOCK: pd.Series([level_said(v) for v in levels], dtype=object),
                          "sold_out": sold,
                          "productDisplayName": names.fillna("").astype(str).to_numpy()})
    return table[sold].reset_index(drop=True) if sold_out_only else table


def levels_csv(table: pd.DataFrame) -> str:
    """``table`` (:func:`levels_table`'s) as CSV text: the file ``index stock --from`` reads back (an empty stock
    cell for no level)."""
    return table.to_csv(index=False, lineterminator="\n")


def levels_records(table: pd.DataFrame) -> list[dict]:
    """``table``'s rows as JSON objects (``{"id": 15970, "stock": 0, "sold_out": true, "productDisplayName": ...}``)."""
    return [{"id": int(i), STOCK: level, "sold_out": bool(sold), "productDisplayName": name}
            for i, level, sold, name in table[list(COLUMNS)].itertuples(index=False, name=None)]
