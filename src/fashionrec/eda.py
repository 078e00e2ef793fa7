"""Exploratory data analysis of a catalogue: plots, the numbers behind them, and one HTML page.

``write_eda_report(catalog, out_dir)`` writes into ``out_dir``:

- one PNG per plot (products by gender, masterCategory, subCategory, articleType long tail, baseColour,
  season, usage, year, image sizes, and a grid of sample photos per top masterCategory / subCategory, passing
  over photos that show no product: blank, tiny, or long and thin; where styles.csv has prices, their spread per
  articleType, with a table of quartiles);
- ``report.json``: the data report and the counts behind every plot;
- ``report.html``: the data report at the top and every plot embedded as base64, so the page opens
  anywhere on its own (each image links to the PNG beside it).

Attribute plots count every accepted styles.csv row and split each bar into rows with a usable image
and rows without one (missing or unreadable); the articleType long tail counts usable images only,
since those are the classes a model trains on. Empty fields are shown as ``(empty)``; the literal
``NA`` is a catalogue value and is shown as ``NA``.

Example:
    >>> cat = load_catalog("../shared/datasets/fashion-product-images-small")  # doctest: +SKIP
    >>> write_eda_report(cat, "runs/eda")  # doctest: +SKIP
    PosixPath('runs/eda/report.html')
"""

from __future__ import annotations

import base64
import html
import io
import logging
import re
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap, LogNorm, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter, StrMethodFormatter
from matplotlib.transforms import offset_copy
from tqdm.auto import tqdm

from fashionrec import __version__
from fashionrec.artifacts import atomic_dir, check_replaceable, check_writable, provenance, write_json, write_text
from fashionrec.catalog import (
    LONG_THIN_RATIO,
    MIN_PHOTO_SIDE,
    PRICE,
    Catalog,
    CatalogError,
    load_catalog,
    open_rgb,
    styles_sha256,
)
from fashionrec.colours import SWATCHES
from fashionrec.column_map import table_path
from fashionrec.errors import FashionrecError
from fashionrec.progress import hidden
from fashionrec.vocabulary import price_said

log = logging.getLogger(__name__)

EMPTY = "(empty)"
SMALL_CLASS = 10  # articleTypes with fewer usable images than this are marked in the long tail
EXPECTED_SIZE = (60, 80)  # width x height of the small catalogue's photos
DPI = 110
NO_PHOTOS = "no usable photos: see `fashionrec data check`"     # on a plot that has nothing to draw
NO_SAMPLES = ("no photo that shows a product: every usable one is blank, tiny, or long and thin "
              "(see `fashionrec data check`)")
WITH_IMAGE_COLOUR = "#3b75af"
WITHOUT_IMAGE_COLOUR = "#d4d4d4"
SMALL_COLOUR = "#e6550d"
# matplotlib's warning for a character its font lacks: the character's code and the font
_MISSING_GLYPH = re.compile(r"^Glyph (\d+) .*missing from font\(s\) (.+?)\.?$")
# Every file a report holds, in this version and earlier ones: replacing a report deletes these and nothing else.
PLOT_NAMES = ("gender", "master_category", "sub_category", "season", "usage", "base_colour", "year",
              "gender_by_category", "article_type", "image_sizes", "samples", "prices")
# The columns a plot of their own counts (the gender x masterCategory one crosses two of them).
PLOTTED_COLUMNS = ("gender", "masterCategory", "subCategory", "season", "usage", "baseColour", "year")
REPORT_FILES = frozenset({"report.html", "report.json", *(f"{name}.png" for name in PLOT_NAMES)})
# The price plot (stop 67): a row per articleType, the ones with the most priced products, after one of them all;
# a log axis where the prices span more than PRICE_LOG_SPAN times (lowest to highest above 0), as a linear one
# squeezes a shop's 299-rupee socks and 2,999-rupee watches into its left end.
PRICE_TYPES = 15
PRICE_LOG_SPAN = 20
ALL_PRICED = "(all priced products)"


@dataclass
class Plot:
    """One figure of the report: its file name, title, a sentence on how to read it, and its counts."""

    name: str
    title: str
    note: str
    counts: dict
    draw: Callable[[], Figure]
    details: dict = field(default_factory=dict)     # more for report.json beside the counts

    @property
    def file(self) -> str:
        return f"{self.name}.png"


def write_eda_report(catalog: Catalog | str | Path, out_dir: str | Path, samples_per_group: int = 8,
                     seed: int = 0, progress: bool = True) -> Path:
    """Write the EDA plots, ``report.json`` and ``report.html`` into ``out_dir``; return the HTML path.

    ``catalog``: a loaded catalogue, or its folder. ``samples_per_group`` photos are drawn (with ``seed``) for
    each row of the sample grid. ``progress``: the progress bars.
    Every file is written atomically, so an interrupted run leaves no half-written report.
    """
    check_writable(Path(out_dir) / "report.json")       # before the catalogue is read (a catalogue's images/ too)
    check_report_folder(out_dir)
    if isinstance(catalog, (str, Path)):
        catalog = load_catalog(catalog, progress=progress)
    table = catalog.table
    if table.empty:
        raise CatalogError(f"{catalog.root / catalog.report.table_name} has no product rows to report on "
                           f"({len(catalog.report.rows_rejected)} rejected; see `fashionrec data check`)")
    out = Path(out_dir)
    usable = table["image_status"] == "ok"
    if not usable.any():
        # The attributes are still the rows' to plot; the long tail and the samples have nothing (it ended 0
        # with blank plots and a stray matplotlib warning, a data engineer's trial).
        log.warning("no row of %s has a usable photo: the report plots its rows' labels, but its long tail and "
                    "sample photos are empty (`fashionrec data check` says why)", catalog.root)
    plots = _plans(catalog, usable, samples_per_group, seed, progress)
    # The report is drawn in a folder of its own and then put in place whole: an interrupted run into an old
    # report's folder left its HTML beside this catalogue's plots (an analyst's trial), and removing the old
    # files first left a server's reports page answering 404 while the report was redrawn.
    check_report_folder(out)           # again: files put there while the catalogue was read are kept too
    with atomic_dir(out, what="EDA report") as tmp:
        images: dict[str, bytes] = {}
        unfound: dict[str, set[str]] = {}       # plot -> the characters of its labels its font has no glyph for
        fonts: set[str] = set()
        for plot in tqdm(plots, desc="EDA plots", unit="plot", disable=hidden(progress)):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                fig = plot.draw()
                buf = io.BytesIO()
                FigureCanvasAgg(fig)
                fig.savefig(buf, format="png", dpi=DPI)
            for w in caught:
                glyph = _MISSING_GLYPH.search(str(w.message))
                if glyph:
                    unfound.setdefault(plot.name, set()).add(chr(int(glyph[1])))
                    fonts.add(glyph[2])
                else:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            images[plot.name] = buf.getvalue()
            (tmp / plot.file).write_bytes(images[plot.name])
        if unfound:
            # One line that says what it means, in place of matplotlib's warning per character and plot, which
            # named neither the label nor the plot ("Glyph 34923 (\N{CJK UNIFIED IDEOGRAPH-886B}) missing", a
            # code review with Chinese type names).
            chars = sorted(set().union(*unfound.values()))
            log.warning("the plots' font (%s) has no %s for %s: drawn as boxes in %s; the report's tables show them "
                        "as written (install a font that has them, e.g. Noto Sans CJK, to draw them)",
                        ", ".join(sorted(fonts)), "glyph" if len(chars) == 1 else "glyphs",
                        " ".join(chars[:20]) + (" ..." if len(chars) > 20 else ""),
                        ", ".join(f"{name}.png" for name in unfound))

        payload = {
            "data_dir": str(Path(catalog.root).resolve()),
            **provenance(),
            # Which styles.csv, should the folder's file change after the report.
            "styles_csv": _fingerprint(table_path(catalog.root)),
            "data_report": _report_numbers(catalog),
            "plots": {p.name: {"file": p.file, "title": p.title, "counts": p.counts, **p.details} for p in plots},
            # Why there is no price plot, where there is none (no price column, or no amount in it).
            "prices": _no_price_plot(catalog),
            # What the PNGs could not draw, so that the page says it too.
            "drawn_as_boxes": {name: "".join(sorted(chars)) for name, chars in unfound.items()},
        }
        write_json(tmp / "report.json", payload)
        write_text(tmp / "report.html", _html(catalog, payload, plots, images))
    html_path = out / "report.html"
    log.info("EDA report of %s: %d plots, report.json and report.html in %s", catalog.root, len(plots), out)
    return html_path


def check_report_folder(out_dir: str | Path) -> None:
    """Refuse an ``--out`` whose files the report did not write: the report replaces its folder whole, and a
    note or a plot of one's own beside an earlier report was deleted with it (a code review). An earlier
    version's report stopped before its HTML (its plots alone) is a report to replace."""
    out = Path(out_dir)
    entries = {p.name for p in out.iterdir()} if out.is_dir() else set()
    if not (entries and entries <= REPORT_FILES):
        check_replaceable(out, "report.json", "EDA report")       # a file, or a folder that is no report
    others = sorted(entries - REPORT_FILES)
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise FashionrecError(f"{out} holds {shown} beside its EDA report: the report replaces its folder whole, "
                              "which would delete them; move them elsewhere, or choose another --out")


def _fingerprint(path: Path) -> dict:
    """Which styles.csv a report was made from (its SHA-256 and size; None for a file gone since)."""
    try:
        return {"sha256": styles_sha256(path.parent), "bytes": path.stat().st_size}
    except OSError:
        return {"sha256": None, "bytes": None}


# --------------------------------------------------------------------------------------------- counts


def _values(column: pd.Series) -> pd.Series:
    """A column as display strings: missing -> "(empty)", the literal "NA" stays "NA"."""
    return column.astype(object).where(column.notna(), EMPTY).astype(str)


def _split_counts(table: pd.DataFrame, usable: pd.Series, column: str,
                  order: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Counts of ``column`` over all rows, split into rows with and without a usable image."""
    values = _values(table[column])
    total = values.value_counts()
    keys = order if order is not None else [str(k) for k in total.index]  # largest first
    with_image = values[usable].value_counts()
    return {
        "total": {k: int(total.get(k, 0)) for k in keys},
        "with_image": {k: int(with_image.get(k, 0)) for k in keys},
        "without_image": {k: int(total.get(k, 0) - with_image.get(k, 0)) for k in keys},
    }


def _empty_columns(catalog: Catalog) -> list[str]:
    """The plotted columns styles.csv has but leaves empty in every row (the literal "NA" is a value, not empty)."""
    absent = set(catalog.report.absent_columns)
    return [c for c in PLOTTED_COLUMNS if c not in absent and catalog.table[c].isna().all()]


def _report_numbers(catalog: Catalog) -> dict:
    r = catalog.report
    d = r.to_dict()
    d.pop("missing_image_ids")  # thousands of ids: ``fashionrec data check --json`` has them
    d["rows_accepted"] = len(catalog.table)
    d["empty_columns"] = _empty_columns(catalog)
    d["classes_under_10"] = sum(1 for c in r.class_counts.values() if c < SMALL_CLASS)
    d["images_not_60x80"] = sum(r.odd_size_images.values())
    d["na_values"] = {c: int((catalog.table[c] == "NA").sum())
                      for c in ("gender", "masterCategory", "subCategory", "articleType", "baseColour",
                                "season", "usage", "productDisplayName")}
    return d


def _crosstab(table: pd.DataFrame, rows: str, columns: str) -> dict:
    """``{"rows", "columns", "counts", "row_name", "column_name"}``: products per pair of values, each axis
    largest first."""
    r, c = _values(table[rows]), _values(table[columns])
    cross = pd.crosstab(r, c).reindex(index=r.value_counts().index, columns=c.value_counts().index, fill_value=0)
    return {"rows": [str(v) for v in cross.index], "columns": [str(v) for v in cross.columns],
            "counts": cross.to_numpy().astype(int).tolist(), "row_name": rows, "column_name": columns}


def _imbalance(table: pd.DataFrame, usable: pd.Series, class_counts: dict[str, int]) -> str:
    """How uneven the classes are, in words, and the types only rows without a usable image have (the
    catalogue's 143 types against the 141 plotted went unexplained, an analyst's trial)."""
    said = []
    if class_counts:
        total = sum(class_counts.values())
        top, most = max(class_counts.items(), key=lambda kv: kv[1])
        least = min(class_counts.values())
        under5 = sum(1 for v in class_counts.values() if v < 5)
        said.append(f"The largest, {top}, is {most / total:.1%} of the {total:,} usable images; largest to "
                    f"smallest {most:,}:{least:,}; {under5} class{'es' if under5 != 1 else ''} under 5 images.")
    types = table["articleType"]
    without = types[~usable & types.notna()].value_counts()
    only = {str(k): int(v) for k, v in without.items() if k not in class_counts}
    if only:
        said.append(f"{len(only)} type{'s' if len(only) != 1 else ''} only rows without a usable image have, "
                    "so not plotted: " + ", ".join(f"{k} ({v})" for k, v in only.items()) + ".")
    return " ".join(said)


def _no_product_photos(catalog: Catalog) -> dict[str, list[int]]:
    """``{"blank" | "tiny" | "strip": [ids]}``: usable photos that show no product, which the sample grid passes
    over (a black square and a 30000x20 line were drawn as samples of a catalogue, a data review, stop 61): the
    catalogue check's own lists (kept usable, so that splits stay as they were), a strip being a photo over
    :data:`~fashionrec.catalog.LONG_THIN_RATIO`:1 either way (:func:`~fashionrec.catalog.long_thin`)."""
    r = catalog.report
    return {"blank": list(r.blank_image_ids), "tiny": list(r.tiny_image_ids), "strip": list(r.long_thin_image_ids)}


def _type_groups(table: pd.DataFrame, usable: pd.Series, per_group: int, seed: int,
                 max_rows: int = 16) -> dict[str, list[int]]:
    """``{type: [ids]}``: ``per_group`` photos of each of the ``max_rows`` largest articleTypes."""
    ok = table[usable & table["articleType"].notna()]
    rng = np.random.default_rng(seed)
    groups = {}
    for kind in ok["articleType"].value_counts().index[:max_rows]:
        ids = np.sort(ok.loc[ok["articleType"] == kind, "id"].to_numpy())
        groups[str(kind)] = [int(i) for i in rng.choice(ids, size=min(per_group, len(ids)), replace=False)]
    return groups


def _sample_groups(table: pd.DataFrame, usable: pd.Series, per_group: int, seed: int,
                   max_rows: int = 16) -> dict[str, list[int]]:
    """``{"master / sub": [ids]}``: the 3 largest subCategories of the 4 largest masterCategories, then
    the largest subCategory of each other masterCategory, ``max_rows`` rows at most."""
    ok = table[usable]
    rng = np.random.default_rng(seed)
    groups: dict[str, list[int]] = {}
    for rank, master in enumerate(_values(ok["masterCategory"]).value_counts().index):
        in_master = ok[_values(ok["masterCategory"]) == master]
        for sub in _values(in_master["subCategory"]).value_counts().index[:3 if rank < 4 else 1]:
            ids = np.sort(in_master.loc[_values(in_master["subCategory"]) == sub, "id"].to_numpy())
            chosen = rng.choice(ids, size=min(per_group, len(ids)), replace=False)
            groups[f"{master} / {sub}"] = [int(i) for i in chosen]
            if len(groups) == max_rows:
                return groups
    return groups


def _plans(catalog: Catalog, usable: pd.Series, per_group: int, seed: int, progress: bool = True) -> list[Plot]:
    table = catalog.table
    n_rows = len(table)
    n_missing = int((~usable).sum())
    split_note = (f"All {n_rows:,} accepted rows; the grey part of a bar is rows without a usable image "
                  f"({n_missing:,} in all: missing from images/ or unreadable). A plot of 8 or more values "
                  "with a long tail uses a log scale.")
    plots = []
    # A column styles.csv lacks, or has empty in every row, is no plot (one bar of "(empty)"): the report names it
    # instead (a shop's export with a usage column it never fills drew that bar, a code review).
    absent = set(catalog.report.absent_columns) | set(_empty_columns(catalog))
    table_name = catalog.report.table_name      # the axes name the shop's file (its products.csv, stop 71)
    for name, column, title in [("gender", "gender", "Products by gender"),
                                ("master_category", "masterCategory", "Products by masterCategory"),
                                ("sub_category", "subCategory", "Products by subCategory"),
                                ("season", "season", "Products by season"),
                                ("usage", "usage", "Products by usage")]:
        if column in absent:
            continue
        counts = _split_counts(table, usable, column)
        plots.append(Plot(name, title, split_note, counts,
                          lambda c=counts, t=title, col=column: _stacked_barh(c, t, col, rows_of=table_name)))

    if "baseColour" not in absent:
        colours = _split_counts(table, usable, "baseColour")
        plots.append(Plot("base_colour", "Products by baseColour",
                          split_note + " Bars are drawn in the colour they name; hatched bars are not one colour.",
                          colours, lambda: _stacked_barh(colours, "Products by baseColour", "baseColour",
                                                         colour_bars=True, rows_of=table_name)))

    if "year" not in absent:
        years = _values(table["year"])
        year_order = sorted((y for y in years.unique() if y != EMPTY), key=int) + (
            [EMPTY] if (years == EMPTY).any() else [])
        year_counts = _split_counts(table, usable, "year", order=year_order)
        plots.append(Plot("year", "Products by year", split_note, year_counts,
                          lambda: _year_bars(year_counts)))

    if not {"gender", "masterCategory"} & absent:
        # Who wears which category: one-way counts hide it (an analyst's trial asked for gender x category).
        cross = _crosstab(table, "gender", "masterCategory")
        plots.append(Plot("gender_by_category", "Products by gender and masterCategory",
                          f"All {n_rows:,} accepted rows, with a usable image or not; a cell's shade is its count "
                          "on a log scale.", cross, lambda: _heatmap(cross, "Products by gender and masterCategory")))

    class_counts = dict(catalog.report.class_counts)
    n_small = sum(1 for c in class_counts.values() if c < SMALL_CLASS)
    plots.append(Plot(
        "article_type", "articleType long tail (usable images per class)",
        f"{len(class_counts)} classes among rows with a usable image; {n_small} have fewer than "
        f"{SMALL_CLASS} images (orange): too few to learn or to evaluate well. Log scale. "
        + _imbalance(table, usable, class_counts),
        class_counts, lambda: _long_tail(class_counts)))

    priced = _price_plot(catalog)
    if priced is not None:
        plots.append(priced)

    ok = table[usable]
    sizes = (ok["width"].astype(str) + "x" + ok["height"].astype(str)).value_counts()
    size_counts = {str(k): int(v) for k, v in sizes.items()}
    expected = f"{EXPECTED_SIZE[0]}x{EXPECTED_SIZE[1]}"
    odd = sum(v for k, v in size_counts.items() if k != expected)
    plots.append(Plot(
        "image_sizes", "Image sizes (width x height) of usable images",
        f"{odd:,} of {len(ok):,} usable images are not {expected}; models resize every photo, "
        "so odd sizes only matter if they are far from the usual aspect ratio. Log scale.",
        size_counts, lambda: _size_bars(size_counts, expected)))

    # Without the category columns the grid is of the largest types (one row of "(empty) / (empty)" said
    # nothing, a shop's trial). The samples are drawn from photos that show a product.
    by_type = {"masterCategory", "subCategory"} <= absent
    passed_over = _no_product_photos(catalog)
    shown = usable & ~table["id"].isin([i for ids in passed_over.values() for i in ids])
    groups = _type_groups(table, shown, per_group, seed) if by_type else _sample_groups(table, shown, per_group, seed)
    title = "Sample photos of the largest articleTypes" if by_type else \
        "Sample photos of the largest subCategories per masterCategory"
    # As many columns as the fullest row: a 3-product catalogue's grid was one photo a row beside seven blank
    # columns, under a note that said 8 a row (a code review).
    columns = max((len(g) for g in groups.values()), default=per_group)
    fewer = ", fewer where a group has fewer" if any(len(g) < per_group for g in groups.values()) else ""
    n_over = sum(len(ids) for ids in passed_over.values())
    kinds = {"blank": "blank (one flat colour)", "tiny": f"tiny (under {MIN_PHOTO_SIDE} pixels a side)",
             "strip": f"long and thin (over {LONG_THIN_RATIO}:1)"}
    over = ", ".join(f"{len(ids):,} {kinds[why]}" for why, ids in passed_over.items() if ids)
    over = (f"Passed over as showing no product: {n_over:,} usable photo{'s' if n_over != 1 else ''}, {over} "
            "(ids in report.json)") if n_over else \
        "Photos that show no product (blank, tiny, long and thin) are passed over: none here"
    plots.append(Plot(
        "samples", title,
        f"{per_group} random usable photos (seed {seed}) per row{fewer}; each is labelled with its id and "
        f"articleType. {over}.", groups,
        lambda: _sample_grid(catalog, groups, columns, progress, title,
                             nothing=NO_SAMPLES if usable.any() else NO_PHOTOS),
        details={"passed_over": passed_over}))
    return plots


def _no_price_plot(catalog: Catalog) -> str | None:
    """The one line the report says where it draws no price plot: no price column, or none of its values an
    amount; None where it draws one."""
    r = catalog.report
    if not r.price_column:
        return (f"No prices: {r.table_name} has no price column (a header such as price, selling_price or MRP), so "
                "no price plot.")
    if PRICE not in catalog.table or not catalog.table[PRICE].notna().any():
        return (f"No prices: the column {r.price_column!r} holds no amount in any row (`fashionrec data check` lists "
                "its values that are none), so no price plot.")
    return None


def _price_stats(prices: pd.Series) -> dict:
    """``{"products", "lowest", "q1", "median", "q3", "highest"}`` of some prices (float64, no NaN)."""
    q1, median, q3 = (float(v) for v in prices.quantile([0.25, 0.5, 0.75]))
    return {"products": int(len(prices)), "lowest": float(prices.min()), "q1": q1, "median": median, "q3": q3,
            "highest": float(prices.max())}


def _price_plot(catalog: Catalog) -> Plot | None:
    """The prices `data check` reads, per articleType (the :data:`PRICE_TYPES` with the most priced products,
    after a row of them all), in the shop's currency; None where the catalogue has none (:func:`_no_price_plot`
    says so). Every accepted row, with a usable image or not: a price is the shop's, photo or none."""
    if _no_price_plot(catalog) is not None:
        return None
    r, table = catalog.report, catalog.table
    priced = table[table[PRICE].notna()]
    types = _values(priced["articleType"])
    top = list(types.value_counts().index[:PRICE_TYPES])
    counts = {ALL_PRICED: _price_stats(priced[PRICE])}
    for kind in top:
        counts[str(kind)] = _price_stats(priced.loc[types == kind, PRICE])
    positive = priced.loc[priced[PRICE] > 0, PRICE]
    log_scale = len(positive) > 0 and positive.max() > PRICE_LOG_SPAN * positive.min()
    currency = r.price_currency
    zero = int((priced[PRICE] == 0).sum())
    unpriced = len(table) - len(priced)
    n_types = types.nunique()
    said = [f"The prices `fashionrec data check` reads from the column {r.price_column!r}"
            + (f", written in {currency}" if currency else ", with no currency written (`index build --currency` "
               "names one)") + f": {len(priced):,} of {len(table):,} accepted rows have one"
            + (f" ({unpriced:,} without: empty, or no amount of 0 or more, listed by data check)." if unpriced else
               "."),
            "One row per articleType, the " + (f"{len(top)} with the most priced products of {n_types}" if n_types >
                                              len(top) else f"{len(top)} with a price")
            + ", after a row of them all; a box spans the middle half of its prices (25th to 75th percentile), its "
            "line is the median, the whiskers reach the 5th and 95th percentile, dots are beyond."]
    if log_scale:
        said.append(f"Log scale: the prices span {price_said(float(positive.min()), currency)} to "
                    f"{price_said(float(positive.max()), currency)}"
                    + (f"; {zero:,} priced 0 are counted in the table, not drawn." if zero else "."))
    if r.price_currencies:
        said.append("They are written in several currencies (" + ", ".join(
            f"{sign} {len(ids):,}" for sign, ids in r.price_currencies.items()) + "), each amount read alike, as "
            "data check says.")
    if r.ambiguous_prices:
        said.append(f"{len(r.ambiguous_prices['rows']):,} whose dot may group thousands or mark decimals are read "
                    f"as {r.ambiguous_prices['read_as']}, as data check says.")
    title = f"Prices by articleType: {len(priced):,} of {len(table):,} products priced"
    return Plot("prices", title, " ".join(said), counts,
                lambda: _price_boxes(priced, types, [ALL_PRICED, *top], currency, log_scale, title, r.table_name),
                details={"column": r.price_column, "currency": currency, "unpriced": unpriced,
                         "log_scale": bool(log_scale)})


# ------------------------------------------------------------------------------------------- drawing


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _bar_colour(name: str) -> tuple[tuple[float, float, float, float], str]:
    """(face colour, hatch) for a baseColour name."""
    # Names without a swatch fall back to matplotlib's own colour names, then to grey with a hatch (drawn as
    # "not a single colour").
    if name in SWATCHES:
        return to_rgba(SWATCHES[name]), ""
    try:
        return to_rgba(name.lower().replace(" ", "")), ""
    except ValueError:
        return to_rgba("#bdbdbd"), "///"  # "Multi", "NA", "(empty)" and names matplotlib does not know


def _stacked_barh(counts: dict[str, dict[str, int]], title: str, column: str,
                  colour_bars: bool = False, rows_of: str = "styles.csv") -> Figure:
    labels = list(counts["total"])
    n = len(labels)
    fig = _figure(9, max(2.2, 0.24 * n + 1.3))
    ax = fig.add_subplot()
    y = np.arange(n)
    with_img = np.array([counts["with_image"][k] for k in labels])
    without = np.array([counts["without_image"][k] for k in labels])
    total = with_img + without
    # A long tail (many values, largest > 50x smallest) is unreadable on a linear axis: the small bars
    # vanish. Then use a log axis and draw the total behind the with-image bar instead of stacking.
    positive = total[total > 0]
    log_scale = n >= 8 and positive.size > 0 and positive.max() > 50 * positive.min()
    if log_scale:
        ax.barh(y, total, color=WITHOUT_IMAGE_COLOUR, edgecolor="#999999", linewidth=0.4)
    if colour_bars:
        faces, hatches = zip(*(_bar_colour(k) for k in labels), strict=True)
        bars = ax.barh(y, with_img, color=faces, edgecolor="#333333", linewidth=0.6)
        for bar, hatch in zip(bars, hatches, strict=True):
            bar.set_hatch(hatch)
    else:
        ax.barh(y, with_img, color=WITH_IMAGE_COLOUR, edgecolor="none")
    if not log_scale:
        ax.barh(y, without, left=with_img, color=WITHOUT_IMAGE_COLOUR, edgecolor="#999999", linewidth=0.4)
    for yi, t, w in zip(y, total, without, strict=True):
        # On a log axis the grey part's length does not show its share (27% of a bar looked like 5%, an
        # analyst's trial): the label says it.
        share = f" ({w / t:.0%} no usable image)" if log_scale and w and t else ""
        ax.text(t, yi, f" {t:,}{share}", va="center", ha="left", fontsize=8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_ylim(n - 0.4, -0.6)  # largest on top
    if log_scale:
        ax.set_xscale("log")
        ax.set_xlim(0.8, max(10, total.max()) * (12 if without.any() else 2.5))     # room for the share
        ax.set_xlabel(f"products ({rows_of} rows, log scale)")
    else:
        ax.set_xlim(0, max(1, total.max()) * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))     # whole products (0.2 ... 1.0 for one product)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xlabel(f"products ({rows_of} rows)")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    # Below the bars, where no bar is (over a single bar's end it hid the bar, an analyst's trial), and below the
    # axis label, a fixed distance in inches: a share of the axes' height put it on the label of a plot of 10 bars
    # and over an inch under one of 46 (a data review, stop 61).
    below = offset_copy(ax.transAxes, fig=fig, y=-0.5, units="inches")
    ax.legend(handles=[Patch(facecolor="white" if colour_bars else WITH_IMAGE_COLOUR, edgecolor="#333333",
                             label="with a usable image"),
                       Patch(facecolor=WITHOUT_IMAGE_COLOUR, edgecolor="#999999", label="no usable image")],
              loc="upper right", bbox_to_anchor=(1.0, 0.0), bbox_transform=below, ncol=2, fontsize=8, frameon=False)
    return fig


def _year_bars(counts: dict[str, dict[str, int]]) -> Figure:
    labels = list(counts["total"])
    fig = _figure(9, 4)
    ax = fig.add_subplot()
    x = np.arange(len(labels), dtype=float)
    if labels and labels[-1] == EMPTY:
        # Set apart from the years, as no year: at one slot its label, wider than a year's, touched "2019"
        # (a data review, stop 61).
        x[-1] += 0.6
    with_img = np.array([counts["with_image"][k] for k in labels])
    without = np.array([counts["without_image"][k] for k in labels])
    ax.bar(x, with_img, color=WITH_IMAGE_COLOUR, label="with a usable image")
    ax.bar(x, without, bottom=with_img, color=WITHOUT_IMAGE_COLOUR, label="no usable image")
    for xi, t in zip(x, with_img + without, strict=True):
        ax.text(xi, t, f"{t:,}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, labels, fontsize=9, rotation=45 if len(labels) > 16 else 0)
    ax.set_ylim(0, max(1, int((with_img + without).max(initial=0))) * 1.12)     # room for the counts
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylabel("products")
    ax.set_title("Products by year")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))    # beside, not on a bar
    return fig


def _long_tail(class_counts: dict[str, int]) -> Figure:
    items = sorted(class_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    n = len(items)
    # One row per class, tall enough for a 7.5 pt label each: 141 classes make a ~25 inch figure.
    fig = _figure(9, max(2.5, 0.17 * n + 1.4))
    ax = fig.add_subplot()
    y = np.arange(n)
    values = np.array([v for _, v in items])
    colours = [SMALL_COLOUR if v < SMALL_CLASS else WITH_IMAGE_COLOUR for v in values]
    ax.barh(y, values, color=colours)
    for yi, v in zip(y, values, strict=True):
        ax.text(v, yi, f" {v:,}", va="center", ha="left", fontsize=6.5)
    ax.set_yticks(y, [k for k, _ in items], fontsize=7.5)
    if n:       # none: matplotlib warned of an empty range (no usable photo, a data engineer's trial)
        ax.set_ylim(n - 0.5, -0.5)
    else:
        ax.text(0.5, 0.5, NO_PHOTOS, ha="center", va="center",
                transform=ax.transAxes)
    ax.set_xscale("log")
    ax.set_xlim(0.8, max(10, values.max() if n else 10) * 3)
    ax.axvline(SMALL_CLASS, color=SMALL_COLOUR, linestyle="--", linewidth=0.8)
    ax.set_xlabel("usable images (log scale)")
    ax.xaxis.set_ticks_position("both")
    ax.tick_params(axis="x", labeltop=True)
    n_small = int((values < SMALL_CLASS).sum())
    ax.set_title(f"articleType long tail: {n} class{'es' if n != 1 else ''}, {n_small} with fewer than "
                 f"{SMALL_CLASS} images")
    ax.legend(handles=[Patch(color=WITH_IMAGE_COLOUR, label=f">= {SMALL_CLASS} images"),
                       Patch(color=SMALL_COLOUR,
                             label=f"< {SMALL_CLASS} images ({n_small} class{'es' if n_small != 1 else ''})")],
              loc="lower right", fontsize=8)
    ax.spines[["right"]].set_visible(False)
    return fig


def _heatmap(cross: dict, title: str) -> Figure:
    m = np.array(cross["counts"], dtype=float).reshape(len(cross["rows"]), len(cross["columns"]))
    fig = _figure(max(5.0, 1.2 * len(cross["columns"]) + 2.5), max(2.2, 0.45 * len(cross["rows"]) + 1.8))
    ax = fig.add_subplot()
    shown = np.ma.masked_equal(m, 0)        # an empty cell stays white: no log of 0
    # The shades start at a light blue, not at Blues' white: a cell of one product was as white as an empty one
    # (a code review's 3-product catalogue: two of its four cells were, one of them a product).
    cmap = ListedColormap(colormaps["Blues"](np.linspace(0.15, 1.0, 256)))
    ax.imshow(shown, cmap=cmap, aspect="auto", norm=LogNorm(vmin=1, vmax=max(2.0, m.max())))
    for (i, j), v in np.ndenumerate(m):
        if v:
            dark = v > max(2.0, m.max()) ** 0.6       # white text on the darkest cells
            ax.text(j, i, f"{int(v):,}", ha="center", va="center", fontsize=8, color="white" if dark else "#222")
    ax.set_xticks(np.arange(m.shape[1]), cross["columns"], fontsize=9, rotation=30, ha="right")
    ax.set_yticks(np.arange(m.shape[0]), cross["rows"], fontsize=9)
    ax.set_xlabel(cross["column_name"])
    ax.set_ylabel(cross["row_name"])
    ax.set_title(title)
    return fig


def _size_bars(size_counts: dict[str, int], expected: str) -> Figure:
    labels = list(size_counts)
    fig = _figure(8, max(2.2, 0.32 * len(labels) + 1.3))
    ax = fig.add_subplot()
    y = np.arange(len(labels))
    values = np.array([size_counts[k] for k in labels])
    ax.barh(y, values, color=[WITH_IMAGE_COLOUR if k == expected else SMALL_COLOUR for k in labels])
    for yi, v in zip(y, values, strict=True):
        ax.text(v, yi, f" {v:,}", va="center", ha="left", fontsize=8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(0.8, max(10, values.max() if len(values) else 10) * 4)
    ax.set_xlabel("usable images (log scale)")
    odd = int(values[[k != expected for k in labels]].sum()) if len(values) else 0
    ax.set_title(f"Image sizes: {odd:,} of {int(values.sum()):,} not {expected}")
    if not len(values):     # "0 of 0.0" over blank axes (an analyst's trial)
        ax.text(0.5, 0.5, NO_PHOTOS, ha="center", va="center",
                transform=ax.transAxes)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _price_boxes(priced: pd.DataFrame, types: pd.Series, rows: list[str], currency: str, log_scale: bool,
                 title: str, rows_of: str = "styles.csv") -> Figure:
    """A box per row of ``rows`` (ALL_PRICED, then articleTypes) of ``priced``'s prices, in ``currency``."""
    data = [priced[PRICE].to_numpy() if row == ALL_PRICED else priced.loc[types == row, PRICE].to_numpy()
            for row in rows]
    if log_scale:       # no 0 on a log axis: said in the note, counted in the table
        data = [d[d > 0] for d in data]
    n = len(rows)
    fig = _figure(9, max(2.5, 0.34 * n + 1.5))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.boxplot([d if len(d) else [np.nan] for d in data], positions=y, orientation="horizontal", whis=(5, 95),
               widths=0.6, patch_artist=True, boxprops={"facecolor": "#cfe0f1", "edgecolor": WITH_IMAGE_COLOUR},
               medianprops={"color": SMALL_COLOUR, "linewidth": 1.5},
               flierprops={"marker": ".", "markersize": 3, "markeredgecolor": "#777777"})
    if log_scale:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: price_said(x, currency) if x >= 0 else ""))
    for yi, d in zip(y, data, strict=True):
        if len(d):
            ax.text(1.01, yi, f"{len(d):,}, median {price_said(float(np.median(d)), currency)}", va="center",
                    ha="left", fontsize=7.5, transform=ax.get_yaxis_transform())
    ax.set_yticks(y, rows, fontsize=9)
    ax.set_ylim(n - 0.5, -0.5)      # all priced products on top
    ax.set_xlabel((f"price in {currency}" if currency else f"price ({rows_of} writes no currency)")
                  + (", log scale" if log_scale else ""))
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _sample_grid(catalog: Catalog, groups: dict[str, list[int]], columns: int, progress: bool = True,
                 title: str = "Sample photos per masterCategory / subCategory", nothing: str = NO_PHOTOS) -> Figure:
    rows = max(1, len(groups))
    # inches; 0.8 for the title, and at least 6 wide, the title's width, where a row holds a photo or two
    width, height = max(6.0, 2.2 + 1.05 * columns), 1.75 * rows + 0.8
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=2.2 / width, right=0.99, top=1 - 0.8 / height, bottom=0.1 / height,
                        wspace=0.08, hspace=0.45)
    axes = fig.subplots(rows, columns, squeeze=False)
    table = catalog.table.set_index("id")
    fig.suptitle(title, fontsize=11, y=1 - 0.2 / height)
    ids = [(r, c, item_id) for r, grp in enumerate(groups.values()) for c, item_id in enumerate(grp)]
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        for s in ax.spines.values():
            s.set_visible(False)
    for r, label in enumerate(groups):
        axes[r][0].set_ylabel(label.replace(" / ", "\n"), rotation=0, ha="right", va="center",
                              fontsize=9, labelpad=8)
    if not groups:      # a blank canvas under its title said nothing (an analyst's trial)
        fig.text(0.5, 0.5, nothing, ha="center", va="center")
    for r, c, item_id in tqdm(ids, desc="sample photos", unit="img", leave=False, disable=hidden(progress)):
        ax = axes[r][c]
        path = table.at[item_id, "image_path"]
        try:
            im = open_rgb(path)
            im.thumbnail((120, 160))
            ax.imshow(np.asarray(im))
        except ValueError as e:  # checked readable moments ago; say so on the figure if it changed since
            log.warning("sample image %s unreadable: %s", path, e)
            ax.text(0.5, 0.5, "unreadable", ha="center", va="center", fontsize=7)
        label = textwrap.fill(str(table.at[item_id, "articleType"]), 15)  # long names would overlap
        ax.set_title(f"{item_id}\n{label}", fontsize=6.5)
    return fig


# ---------------------------------------------------------------------------------------------- html


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5em 0; font-size: .9em; }
td, th { border: 1px solid #ddd; padding: .25em .6em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
pre { white-space: pre-wrap; font-size: .85em; background: #f8f8f8; padding: .5em; }
.note { color: #555; } details { margin: .5em 0; } code { background: #f4f4f4; padding: 0 .2em; }
"""


def _table(rows: list[tuple], header: tuple | None = None) -> str:
    def cell(v) -> str:
        if isinstance(v, int | np.integer):
            return f'<td class="n">{int(v):,}</td>'
        return f"<td>{html.escape(str(v))}</td>"

    head = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>" if header else ""
    return "<table>" + head + "".join("<tr>" + "".join(cell(v) for v in r) + "</tr>" for r in rows) + "</table>"


def _counts_table(counts: dict) -> str:
    if {"rows", "columns", "counts"} <= set(counts):        # a cross-tabulation: the table as the plot shows it
        return _table([(r, *row) for r, row in zip(counts["rows"], counts["counts"], strict=True)],
                      (f"{counts['row_name']} / {counts['column_name']}", *counts["columns"]))
    if counts and all(isinstance(v, dict) for v in counts.values()) and "total" in counts:
        keys = list(counts["total"])
        return _table([(k, counts["total"][k], counts["with_image"][k], counts["without_image"][k])
                       for k in keys], ("value", "products", "with usable image", "no usable image"))
    if counts and all(isinstance(v, list) for v in counts.values()):
        return _table([(k, ", ".join(map(str, v))) for k, v in counts.items()], ("group", "ids"))
    return _table(list(counts.items()), ("value", "count"))


def _price_table(counts: dict, currency: str) -> str:
    """The price plot's numbers: per row, how many products are priced, and the lowest, quartiles and highest."""
    return _table([(k, v["products"], *(price_said(v[q], currency) for q in ("lowest", "q1", "median", "q3",
                                                                             "highest")))
                   for k, v in counts.items()],
                  ("articleType", "priced products", "lowest", "25%", "median", "75%", "highest"))


def _html(catalog: Catalog, payload: dict, plots: list[Plot], images: dict[str, bytes]) -> str:
    d = payload["data_report"]
    empty = ", ".join(f"{k} {v:,}" for k, v in d["missing_values"].items()
                      if v and k not in d["absent_columns"]) or "none"
    na = ", ".join(f"{k} {v:,}" for k, v in d["na_values"].items() if v) or "none"
    odd = ", ".join(f"{k}: {v}" for k, v in sorted(d["odd_size_images"].items())) or "none"
    numbers = [
        (f"rows in {catalog.report.table_name}", d["rows"]),
        ("rows recovered (unquoted comma in productDisplayName)", d["rows_recovered"]),
        ("rows rejected", len(d["rows_rejected"])),
        ("rows accepted", d["rows_accepted"]),
        ("with a usable image", d["with_image"]),
        ("missing image", d["missing_image"]),
        ("unreadable image", len(d["unreadable_image"])),
        ("blank image (one flat colour, kept)", len(d["blank_image_ids"])),
        (f"tiny image (under {MIN_PHOTO_SIDE} pixels a side, kept)", len(d.get("tiny_image_ids", []))),
        (f"long thin image (over {LONG_THIN_RATIO}:1 either way, kept)", len(d.get("long_thin_image_ids", []))),
        ("greyscale image (the colour cannot be seen, kept)", len(d.get("greyscale_image_ids", []))),
        ("placeholder name (a file name, a test record's or the column's name; kept)", len(d["placeholder_names"])),
        ("images not 60x80", d["images_not_60x80"]),
        ("articleType classes (usable images)", d["classes"]),
        ("classes with fewer than 10 images", d["classes_under_10"]),
    ]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>fashionrec EDA: {html.escape(catalog.root.name)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>Catalogue EDA: <code>{html.escape(str(catalog.root))}</code></h1>",
        f"<p class='note'>Made {html.escape(payload['created'])} by <code>{html.escape(payload['command'])}</code> "
        f"(fashionrec {html.escape(__version__)}) from {html.escape(catalog.report.table_name)} of "
        f"{payload['styles_csv']['bytes'] or 0:,} bytes, "
        f"SHA-256 <code>{html.escape(str(payload['styles_csv']['sha256'])[:16])}</code>... Numbers behind every plot: "
        "<a href='report.json'>report.json</a>. Click a plot for its PNG.</p>",
        "<h2 id='data-report'>Data report</h2>",
        _table(numbers),
        # Every finding of `data check`, as it prints them: shared photos, unknown genders, values that mean
        # none, possible typos, years that are none were left out of this page (an analyst's trial).
        "<details open><summary>Everything <code>fashionrec data check</code> says of this catalogue</summary>"
        f"<pre>{html.escape(chr(10).join(catalog.report.summary_lines()))}</pre></details>",
        f"<p>Empty fields (missing values): {html.escape(empty)}.<br>"
        f"Literal <code>NA</code> values (a real catalogue value, kept as the string \"NA\"): {html.escape(na)}."
        f"<br>Image sizes other than 60x80: {html.escape(odd)}.</p>",
    ]
    if d["recovered_lines"]:
        lines = ", ".join(map(str, d["recovered_lines"][:50]))
        parts.append(f"<p>Recovered lines: {lines}{' ...' if len(d['recovered_lines']) > 50 else ''}</p>")
    if d["rows_rejected"]:
        parts.append("<details open><summary>Rejected rows</summary>"
                     + _table([(str(r["line"]), r["reason"], r["raw"][:120]) for r in d["rows_rejected"][:100]],
                              ("line", "reason", "row"))
                     + _more(len(d["rows_rejected"]), 100) + "</details>")
    if d["unreadable_image"]:
        parts.append("<details open><summary>Unreadable images</summary>"
                     + _table([(str(p["id"]), p["reason"]) for p in d["unreadable_image"][:100]], ("id", "reason"))
                     + _more(len(d["unreadable_image"]), 100) + "</details>")
    # The rest of what data check lists, so that the report accounts for every row and file as it does.
    for key, what in (("missing_image_ids", "Rows without an image file (ids)"),
                      ("non_utf8_lines", "Lines not UTF-8, read as Windows-1252 (line numbers)"),
                      ("stray_quote_lines", "Lines with an unclosed quote, read on their own (line numbers)"),
                      ("images_without_row", "Image files no row names"),
                      ("blank_image_ids", "Blank images, one flat colour, kept (ids)"),
                      ("tiny_image_ids", f"Tiny images, under {MIN_PHOTO_SIDE} pixels a side, kept (ids)"),
                      ("long_thin_image_ids", f"Long thin images, over {LONG_THIN_RATIO}:1 either way, kept (ids)"),
                      ("greyscale_image_ids", "Greyscale images, the colour cannot be seen, kept (ids)"),
                      ("placeholder_names", "Placeholder names, kept (ids)")):
        values = getattr(catalog.report, key)     # missing_image_ids is kept out of report.json
        if values:
            shown = ", ".join(map(str, values[:200]))
            more = f" ... ({len(values) - 200:,} more: `fashionrec data check --json`)" if len(values) > 200 else ""
            parts.append(f"<details><summary>{html.escape(what)}: {len(values):,}</summary><p>{html.escape(shown)}"
                         f"{html.escape(more)}</p></details>")
    for column, folded in d.get("case_folded", {}).items():
        shown = ", ".join(f"{k} -> {to} ({n})" for k, (to, n) in folded.items())
        parts.append(f"<p>Case folded in {html.escape(column)}: {html.escape(shown)}.</p>")
    if d.get("absent_columns"):
        parts.append(f"<p>Columns {html.escape(catalog.report.table_name)} lacks, so empty in every row and not "
                     "plotted: "
                     f"{html.escape(', '.join(d['absent_columns']))}.</p>")
    if d.get("empty_columns"):
        parts.append(f"<p>Columns empty in every row, so not plotted: {html.escape(', '.join(d['empty_columns']))}."
                     "</p>")
    if payload.get("drawn_as_boxes"):
        boxed = sorted(set("".join(payload["drawn_as_boxes"].values())))
        parts.append(f"<p>Characters the plots' font lacks, drawn as boxes: {html.escape(' '.join(boxed))} (in "
                     f"{html.escape(', '.join(payload['drawn_as_boxes']))}); each plot's counts table shows them.</p>")
    if d.get("ignored_columns"):
        parts.append(f"<p>Ignored columns: {html.escape(', '.join(d['ignored_columns']))}.</p>")
    if payload.get("prices"):       # no price plot: one line on why, not an empty plot (stop 67)
        parts.append(f"<p>{html.escape(payload['prices'])}</p>")
    parts.append("<p>Contents: " + " · ".join(f"<a href='#{p.name}'>{html.escape(p.title)}</a>"
                                              for p in plots) + "</p>")
    for p in plots:
        b64 = base64.b64encode(images[p.name]).decode("ascii")
        parts += [
            f"<h2 id='{p.name}'>{html.escape(p.title)}</h2>",
            f"<p class='note'>{html.escape(p.note)}</p>",
            f"<a href='{p.file}'><img src='data:image/png;base64,{b64}' alt='{html.escape(p.title)}'></a>",
            # The prices' quartiles in a table shown open, in the shop's currency: the numbers a shop reads.
            f"<details open><summary>prices per articleType</summary>"
            f"{_price_table(p.counts, p.details.get('currency', ''))}</details>" if p.name == "prices" else
            f"<details><summary>counts</summary>{_counts_table(p.counts)}</details>",
        ]
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _more(n: int, shown: int) -> str:
    return f"<p class='note'>... and {n - shown:,} more in report.json</p>" if n > shown else ""
