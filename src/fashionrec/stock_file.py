"""A shop's stock export read for ``fashionrec index stock --from FILE`` as the catalogue loader reads its styles.csv:
by the loader's own reader (catalog.read_rows, stop 71), so its encoding, separator (a semicolon export), header
(the shop's columns.json), a comma in a name, its stock column, a Shopify export's lines per size (the Handle) and a
WooCommerce export's variations (the Parent), folded into their product whose level is its sizes', all read as a
build reads them.

Stop 70 read the header through the loader's pieces but the lines with pandas and folded them with a copy of the
loader's fold: a semicolon export that a build reads was "needs an id column", and an unquoted comma in a name
moved every field after it (pandas took the id column for an index)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fashionrec.errors import BadInputError, CatalogError
from fashionrec.stock import STOCK
from fashionrec.stock_kept import CATALOGUE_STOCK

# The listing's column (stock_list.COLUMNS) that tells a copy of an index's levels from a shop's own file.
SOLD_OUT = "sold_out"


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
    read_as: list[str] = field(default_factory=list)    # how the loader read it otherwise ("semicolon-separated")
    # An export's (stop 71): {id as written: the level the catalogue's file gave it when the copy was made}; None
    # where the file has no such column (stock_kept.CATALOGUE_STOCK).
    catalogue_levels: dict[str, str | None] | None = None
    # Whether it is the index's own listing (its sold_out column: an `--export`, `GET /api/stock?format=csv`): a copy
    # of levels, not a stock system's, which without catalogue_stock cannot say what the catalogue gave (stop 72).
    listing: bool = False
    left_ids: list[str] = field(default_factory=list)   # its ids left as the catalogue gives them now (the CLI's)
    # {id as written: whether the file hides it} where it has a column that says ("Product Visible?": visibility.py),
    # None where it has none: `index stock --from` hides and shows them as it says (stop 74).
    hidden: dict[str, bool] | None = None
    file: str = ""                      # the file read: a folder given, its table (products.csv)
    # {a key of levels: the id as the file writes it}, where it writes it otherwise: a Shopify export's Handle of a
    # product the index does not hold (keyed by its hash's number), said as the Handle where it is skipped (stop 74).
    as_written: dict[str, str] = field(default_factory=dict)
    # The lines that cannot be read, left out where the caller asked to skip them (--skip-unknown), as the loader says
    # each ("line 346 (id abc): id 'abc' is not an integer"); else they refuse the file (stop 76).
    unread_lines: list[str] = field(default_factory=list)
    # {id as written: (price, regular price), NaN for none} where the file has a price column, read as a build reads
    # them (export_prices.file_prices: a sale's dates, a compare-at price); None where it has none (stop 77: an
    # export's prices were read past, so a sale that ended stayed on until a rebuild).
    prices: dict[str, tuple[float, float]] | None = None

    def said(self) -> str:
        """How the file was read, in words ("" where as written: no mapping, no sizes folded)."""
        parts = list(self.read_as)
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


def _file_of(path: Path) -> Path:
    """``path``, or where it is a folder (a shop's, its export beside its photos) the table it holds: styles.csv or
    the one its columns.json names. A shop folder whose columns.json names its products.csv, given to --from, was
    "cannot read shop: [Errno 21] Is a directory" (stop 71's integration review)."""
    from fashionrec.column_map import table_path

    if not path.is_dir():
        return path
    table = table_path(path)
    if not table.is_file():
        raise BadInputError(f"{path} is a folder without {table.name}: give --from the CSV of the levels (an id "
                            "column and a stock column)")
    return table


def read_levels_file(path: Path, catalogue: str | Path | None = None,
                     spelt_ids: Callable[[str], int | None] | None = None, skip_unreadable: bool = False) -> LevelsFile:
    """The levels of the table ``path`` read as the catalogue loader reads a styles.csv (catalog.read_rows: its
    encoding and separator, a comma in a name recovered, columns.json's names, a Shopify product's sizes and a
    WooCommerce product's variations summed as one level), of its id column and its stock column; columns.json:
    :func:`mapping_folder`'s. ``spelt_ids``: the id the index records written so, for an id cell that is no number
    (a Handle, read as ``index stock HANDLE=0`` reads it; ``typed_ids.typed_reader``). A :class:`BadInputError`
    saying what to fix where the file cannot be read, lacks either column, has a line the loader rejects (unless
    ``skip_unreadable``: left out, listed in ``unread_lines``), or gives a product two different levels on lines that
    are not its sizes.

    Before stop 71 the lines were read by pandas and folded by a copy of the loader's fold: a semicolon export the
    loader reads was "needs an id column", and an unquoted comma in a name moved every field after it."""
    import pandas as pd

    from fashionrec.catalog import ColumnsLacking, DataReport, first_few, read_rows
    from fashionrec.column_map import COLUMN_MAP_FILE, spelling

    path = _file_of(Path(path))
    folder = mapping_folder(path, catalogue)
    report = DataReport(data_dir=str(Path(path).parent))
    try:
        table = read_rows(Path(path), report, needed=("id", STOCK), mapping_folder=folder, keep_duplicates=True,
                          also=(CATALOGUE_STOCK, SOLD_OUT), spelt_ids=spelt_ids)
    except ColumnsLacking as e:
        where = (f"; {folder / COLUMN_MAP_FILE} maps {', '.join(f'{h!r} to {c}' for h, c in report.column_map.items())}"
                 if report.column_map else "")
        raise BadInputError(
            f"{path} needs an id column and a stock column (one of stock, stock_qty, quantity, inventory, in_stock, "
            f"Variant Inventory Qty, or a name the catalogue's columns.json maps to id or stock: `fashionrec data "
            f"columns CATALOGUE 'On Hand=stock'`){where}; its header: {', '.join(e.header)}") from e
    except (OSError, CatalogError) as e:
        raise BadInputError(f"cannot read {path}: {e}") from e
    if report.rows_rejected and not skip_unreadable:
        # A line the loader cannot read (an id that is none, a short line, a comma outside the name): said by line,
        # nothing set, as a level lost without a word is a product left on sale or off it. --skip-unknown leaves
        # them out, said (stop 76: a WooCommerce export's line the build had rejected too refused every newer
        # export, --skip-unknown or not, and the message said no way on but editing the shop's export by hand).
        k = len(report.rows_rejected)
        raise BadInputError(f"{path} has {k} line{'s' if k != 1 else ''} that cannot be read: "
                            + "; ".join(line.strip() for line in report.rejected_lines(5)) + "; nothing was changed: "
                            "correct the line, or give --skip-unknown to set the levels of the others and list it "
                            "(a build leaves such a line out too)")
    # The shop's spelling where it is one an id can have ("0012933") or one the index records (a Handle: set_stock
    # reads it as the same id and says it so, stop 74); pandas' "12933.0" (an id column with a blank in it, saved
    # again) is the number, as the loader reads it, not an id set_stock would refuse.
    written = {i: text for text, i in report.ids_written_otherwise.items()
               if text.strip().isdecimal() or spelt_ids is not None and spelt_ids(text.strip()) == i}
    ids = pd.Series([written.get(i, str(i)) for i in table["id"]], dtype=object)
    cells = table[STOCK].reset_index(drop=True)
    # A product on two lines that are not its sizes (no Handle, or another's) with two levels: the last was set
    # without a word (stop 69's review). Said, nothing set; the same level twice is one.
    twice = pd.DataFrame({"_id": table["id"].to_numpy(), "_level": cells.map(_level_read)})[
        table["id"].duplicated(keep=False).to_numpy()].groupby("_id")["_level"].nunique(dropna=False)
    if (twice > 1).any():
        named = ", ".join(written.get(i, str(i)) for i in twice.index[twice > 1][:10])
        raise BadInputError(
            f"{path} gives product{'s' if (twice > 1).sum() != 1 else ''} {named} on more than one line with "
            "different levels, not as sizes of one product (a Handle column repeated, the lines after the "
            "product's without an id or with its id, as the catalogue loader folds them): give each product once "
            "(its total, where the lines are its sizes); nothing was changed")
    # The columns.json named where it gave the id or the stock column ("Variant Inventory Qty"), not a file's own
    # "stock" read beside an unused mapping.
    used = {h: c for h, c in report.column_map.items() if h not in report.column_map_unused}
    mapped = str(folder / COLUMN_MAP_FILE) if "id" in used.values() or spelling(report.stock_column) in {
        spelling(h) for h in used} else ""
    k = report.rows_recovered
    recovered = [f"{k} name{'s' if k != 1 else ''} with a comma read whole (line{'s' if k != 1 else ''} "
                 f"{first_few(report.recovered_lines, 10)}), as a build reads them"] if k else []
    # The columns that say how a size is sold at 0, read as a build reads them (stop 71).
    beside = [f"{', '.join(map(repr, report.stock_beside))} read beside the level, as a build reads "
              f"{'them' if len(report.stock_beside) != 1 else 'it'} (not tracked, sold at 0 or in stock: available)"
              ] if report.stock_beside else []
    from fashionrec.export_prices import file_prices

    priced = file_prices(table, report)
    return LevelsFile(levels=dict(zip(ids, cells.map(lambda v: v or None), strict=True)),
                      stock_column=report.stock_column, column_map=mapped, variant_column=report.variant_column,
                      folded_lines=len(report.variant_lines_folded),
                      folded_products=[written.get(i, str(i)) for i in report.variant_stock_ids],
                      read_as=report.read_as + recovered + beside,
                      catalogue_levels=dict(zip(ids, table[CATALOGUE_STOCK].map(lambda v: v or None), strict=True))
                      if CATALOGUE_STOCK in table else None, listing=SOLD_OUT in table, file=str(path),
                      unread_lines=[line.strip() for line in report.rejected_lines(len(report.rows_rejected))],
                      as_written={written.get(i, str(i)): text for text, i in report.ids_written_otherwise.items()},
                      hidden=dict(zip(ids, (i in report.hidden for i in table["id"]), strict=True))
                      if report.visibility_columns else None,
                      prices=dict(zip(ids, zip(*priced, strict=True), strict=True)) if priced is not None else None)
