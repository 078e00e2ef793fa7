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

from fashionrec.catalog import ID_AS_WRITTEN, ids_as_written, written_ids
from fashionrec.stock import STOCK, level_said, levels_of
from fashionrec.visibility import HIDDEN, hidden_ids

if TYPE_CHECKING:
    import pandas as pd

# The listing's columns: what ``index stock --from`` reads (id, stock), then whether it is sold out and its name,
# for a person reading the list.
COLUMNS = ("id", STOCK, "sold_out", "productDisplayName")
# ... then, in an index whose catalogue writes its ids otherwise ("0038645"), each id so, as ``recommend export``
# and the API's items give it: a stock system keyed by the text matched none of its products to the numbers the
# listing gave alone (a review of stop 69's merge: the listing and the ids as written came in side by side).
# Last, so that the first four stay where they were; ``--from`` reads the id column and the stock one alone.
# (Its name is catalog.ID_AS_WRITTEN, the key of an item's and the API's.)


def levels_table(items: pd.DataFrame, sold_out_only: bool = False, manifest: dict | None = None) -> pd.DataFrame:
    """Each product of ``items`` (an index's, in its row order) with its stock level: :data:`COLUMNS`, the level as
    an answer says it (12, not 12.0; None where it has none, which is available: every product of an index without
    a stock column). ``sold_out_only``: only those at 0 or less. ``manifest``: the index's; where its ids_as_written
    has any, :data:`ID_AS_WRITTEN` after them (each id's digits where the shop writes the number)."""
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
    if written_ids(manifest):
        table[ID_AS_WRITTEN] = ids_as_written(manifest, table["id"])
    if HIDDEN in (manifest or {}):
        # Whether the shop hides it (stop 74), where the index records it: `--from` of the copy hides and shows each
        # again as it says (visibility.HIDDEN_WHEN reads the column), as it sets the levels.
        table[HIDDEN] = np.isin(table["id"].to_numpy(), np.fromiter(hidden_ids(manifest), np.int64))
    return table[sold].reset_index(drop=True) if sold_out_only else table


def levels_csv(table: pd.DataFrame) -> str:
    """``table`` (:func:`levels_table`'s) as CSV text: the file ``index stock --from`` reads back (an empty stock
    cell for no level)."""
    return table.to_csv(index=False, lineterminator="\n")


def levels_records(table: pd.DataFrame) -> list[dict]:
    """``table``'s rows as JSON objects (``{"id": 15970, "id_as_written": "0015970", "stock": 0, "sold_out": true,
    "productDisplayName": ...}``; id_as_written the id's digits where the table has none)."""
    spelt = table[ID_AS_WRITTEN] if ID_AS_WRITTEN in table else table["id"].astype(str)
    hidden = table[HIDDEN].tolist() if HIDDEN in table else [None] * len(table)
    # (hidden: null where the index records no such state, as GET /api/items/{id} says it)
    return [{"id": int(i), ID_AS_WRITTEN: as_written, STOCK: level, "sold_out": bool(sold),
             HIDDEN: None if h is None else bool(h), "productDisplayName": name}
            for (i, level, sold, name), as_written, h in zip(table[list(COLUMNS)].itertuples(index=False, name=None),
                                                             spelt, hidden, strict=True)]
