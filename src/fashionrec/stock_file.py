"""A shop's stock export read for ``fashionrec index stock --from FILE`` as the catalogue loader reads its styles.csv
(stop 70): its header through the shop's columns.json, its stock column chosen as the loader chooses it, and a
Shopify export's lines per size folded into their product (the Handle), and a WooCommerce export's variations into
theirs (the Parent), by the loader's own rules (catalog.folds_into, parent_key), the product's level its sizes'.

Before, ``--from`` read the header's own names alone: a shop that mapped ``Variant Inventory Qty=stock`` was told
its export "needs an id column and a stock column", and an export with a line per size was refused as a product
given "on more than one line with different levels", where the catalogue loader read the same lines as one product
whose level is their sum (stock.variants_level).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fashionrec.errors import BadInputError, CatalogError


@dataclass
class LevelsFile:
    """What :func:`read_levels_file` read: ``levels`` {id as written: level as written, None for an empty cell},
    and how (said beside the levels set)."""

    levels: dict[str, str | None]
    stock_column: str                   # as the header names it ("Variant Inventory Qty")
    column_map: str = ""                # the columns.json read, "" where none was
    variant_column: str = ""            # the Handle column, where the file has one
    folded_lines: int = 0               # lines of sizes folded into their products
    folded_products: list[str] = field(default_factory=list)     # the ids of the products they were folded into

    def said(self) -> str:
        """How the file was read, in words ("" where as written: no mapping, no sizes folded)."""
        parts = []
        if self.column_map:
            parts.append(f"its stock column {self.stock_column!r} read through {self.column_map}")
        if self.folded_lines:
            k = len(self.folded_products)
            parts.append(f"{self.folded_lines} line{'s' if self.folded_lines != 1 else ''} of sizes (by "
                         f"{self.variant_column}) summed into {k} product{'s' if k != 1 else ''}, as a build sums them")
        return "; ".join(parts)


def mapping_folder(path: Path, catalogue: str | Path | None) -> Path | None:
    """The folder whose columns.json maps ``path``'s header: the file's own (a catalogue folder's export, as the
    loader reads one), else the index's catalogue's (``catalogue``, its manifest's data_dir), else none."""
    from fashionrec.column_map import COLUMN_MAP_FILE

    for folder in (Path(path).parent, Path(catalogue) if catalogue else None):
        if folder is not None and (folder / COLUMN_MAP_FILE).is_file():
            return folder
    return None


def _level_read(cell: str):
    """A cell as the level it says ("5" and "5.0" one level, "" and "none" none), or as written where it says none
    (set_stock names it)."""
    from fashionrec.stock import stock_level

    try:
        return stock_level(cell)
    except ValueError:
        return cell


def read_levels_file(path: Path, catalogue: str | Path | None = None) -> LevelsFile:
    """The levels of the CSV ``path`` (an id column and a stock column, named as a styles.csv's may be or as the
    columns.json of :func:`mapping_folder` maps them), a product's lines of sizes (a Handle repeated, without an id
    or with the product's; a WooCommerce variation naming its product in Parent) summed as one level. A
    :class:`BadInputError` saying what to fix where the file cannot be read, lacks either column, or gives a product
    two different levels on lines that are not its sizes."""
    import pandas as pd

    from fashionrec.catalog import (
        DataReport,
        folds_into,
        header_columns,
        level_columns,
        parent_columns,
        parent_key,
        parent_keys,
        read_id,
        size_level,
    )
    from fashionrec.column_map import COLUMN_MAP_FILE, spelling
    from fashionrec.stock import variants_level

    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError) as e:
        raise BadInputError(f"cannot read {path}: {e}") from e
    folder = mapping_folder(path, catalogue)
    report = DataReport(data_dir=str(Path(path).parent))
    raw = [str(c).strip() for c in table.columns]
    try:
        header = header_columns(raw, Path(path), report, mapping_folder=folder)
    except CatalogError as e:
        raise BadInputError(str(e)) from e
    price_at, stock_at, handle_at = level_columns(raw, header, report)
    parent_at, sku_at = parent_columns(header)
    id_at = header.index("id") if "id" in header else None
    if id_at is None or stock_at is None:
        where = (f"; {folder / COLUMN_MAP_FILE} maps {', '.join(f'{h!r} to {c}' for h, c in report.column_map.items())}"
                 if report.column_map else "")
        raise BadInputError(
            f"{path} needs an id column and a stock column (one of stock, stock_qty, quantity, inventory, in_stock, "
            f"or a name the catalogue's columns.json maps to id or stock: `fashionrec data columns CATALOGUE "
            f"'Variant Inventory Qty=stock'`){where}; its header: {', '.join(raw)}")
    # A line per product, a Handle's lines of sizes folded into its product's (catalog.folds_into) and a
    # WooCommerce variation into its Parent's (catalog.parent_key), as the loader folds them (stop 70): [id as
    # written, its levels' cells, the product line's first, whether that line is a size (variants_level)].
    lines: list[tuple[str, list[str], bool]] = []
    products: dict[str, tuple[int, int]] = {}       # Handle -> (the product's id, its line)
    by_parent: dict[str, int] = {}                  # what a Parent names a product line by -> its line
    folded = 0
    # The columns as lists, once: a row at a time through pandas' strings took 6 s of 160k lines' 14.
    column = [table.iloc[:, at].str.strip().tolist() if at is not None else [""] * len(table)
              for at in (id_at, stock_at, handle_at, price_at, parent_at, sku_at)]
    if price_at is None:
        column[3] = [None] * len(table)     # (no price column: a blank level is a size's, not a photo line's)
    for given, cell, handle, price, parent, sku in zip(*column, strict=True):
        key = parent_key(parent) if parent else ""
        if key in by_parent:
            lines[by_parent[key]] = (*lines[by_parent[key]][:2], False)     # a variable product's line: no size
            lines[by_parent[key]][1].append(cell)
            folded += 1
            continue
        product = products.get(handle) if handle else None
        if product is not None and folds_into(product[0], given):
            if size_level(cell, price) is not None:     # (not a photo's line)
                lines[product[1]][1].append(cell)
            folded += 1
            continue
        try:
            item_id = read_id(given)
        except ValueError:
            item_id = None      # (no product to fold into: set_stock says its id)
        if handle and product is None and item_id is not None:
            products[handle] = (item_id, len(lines))
        if parent_at is not None:
            for name in parent_keys(item_id, sku):
                by_parent.setdefault(name, len(lines))
        lines.append((given, [cell], size_level(cell, price) is not None))
    ids = pd.Series([i for i, _, _ in lines], dtype=object)
    cells = pd.Series([variants_level(c, is_size) if len(c) > 1 else c[0] for _, c, is_size in lines], dtype=object)
    # A product on two lines that are not its sizes (no Handle, or another's) with two levels: the last was set
    # without a word (stop 69's review). Said, nothing set; the same level twice is one.
    twice = pd.DataFrame({"_id": ids, "_level": cells.map(_level_read)})[ids.duplicated(keep=False)].groupby(
        "_id")["_level"].nunique(dropna=False)
    if (twice > 1).any():
        named = ", ".join(i or "(no id)" for i in twice.index[twice > 1][:10])
        raise BadInputError(
            f"{path} gives product{'s' if (twice > 1).sum() != 1 else ''} {named} on more than one line with "
            "different levels, not as sizes of one product (a Handle column repeated, the lines after the "
            "product's without an id or with its id, as the catalogue loader folds them): give each product once "
            "(its total, where the lines are its sizes); nothing was changed")
    # The columns.json named where it gave the id or the stock column ("Variant Inventory Qty"), not a file's own
    # "stock" read beside an unused mapping.
    names = {spelling(k) for k in report.column_map}
    mapped = str(folder / COLUMN_MAP_FILE) if any(spelling(raw[i]) in names for i in (id_at, stock_at)) else ""
    return LevelsFile(levels=dict(zip(ids, cells.map(lambda v: v or None), strict=True)),
                      stock_column=report.stock_column, column_map=mapped,
                      variant_column=raw[handle_at] if handle_at is not None else raw[parent_at]
                      if parent_at is not None else "", folded_lines=folded,
                      folded_products=[i for i, c, _ in lines if len(c) > 1])
