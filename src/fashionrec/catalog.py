"""Load and validate a Kaggle "Fashion Product Images" catalogue folder.

Layout: ``DATA_DIR/styles.csv`` (one row per product) and ``DATA_DIR/images/<id>.jpg``.
Every row is accounted for: malformed rows are recovered where the extra fields belong to the
product name, unrecoverable rows are reported with their line numbers, and every image is checked
(exists, decodes, size) and reported per id when it is missing or broken.

Example:
    >>> cat = load_catalog("../shared/datasets/fashion-product-images-small")  # doctest: +SKIP
    >>> cat.report.with_image, len(cat.usable)  # doctest: +SKIP
    (39730, 39730)
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import datetime
import decimal
import difflib
import functools
import hashlib
import io
import itertools
import json
import logging
import math
import os
import re
import shlex
import tarfile
import warnings
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import numpy as np
import pandas as pd
from PIL import Image, ImageOps, UnidentifiedImageError
from tqdm.auto import tqdm

from fashionrec.category_paths import SUB_MASTER, read_middle, read_taxonomy, type_group
from fashionrec.column_map import (
    COLUMN_MAP_FILE,
    IMAGES_KEY,
    PLACES,
    TABLE_KEY,
    images_path,
    map_command,
    read_column_map,
    read_places,
    table_path,
)
from fashionrec.column_map import spelling as _spelling
from fashionrec.configurables import child_skus, lowest_priced_child, variations_column
from fashionrec.errors import BadInputError, CatalogError
from fashionrec.progress import hidden
from fashionrec.regular_prices import REGULAR_PRICE, compare_at_column
from fashionrec.sale_dates import SaleDates
from fashionrec.shop_attributes import (
    BOTH_SIDES_READ,
    AttributeReader,
    as_read,
    both_children_said,
    first_value,
    from_woocommerce,
    named_for_a_child,
    one_of_several,
    option_colour,
)
from fashionrec.shop_ids import (
    collision_said,
    handle_column,
    handle_id,
    is_product_code,
    no_code_said,
    no_handle_said,
)
from fashionrec.stock import (
    NO_LEVEL_WORDS,
    POLICY_HEADERS,
    STATUS_HEADERS,
    STOCK,
    STOCK_HEADERS,
    TRACKER_HEADERS,
    is_no_level_word,
    level_as_sold,
    read_stock,
    variants_level,
)
from fashionrec.visibility import (
    HIDDEN_WHEN,
    NOT_FOR_SALE_WHEN,
    hidden_by,
    not_for_sale_columns,
    unread_words,
    visibility_columns,
)
from fashionrec.vocabulary import GENDER_WORDS, nearer_as_decimals

log = logging.getLogger(__name__)

COLUMNS = [
    "id", "gender", "masterCategory", "subCategory", "articleType",
    "baseColour", "season", "year", "usage", "productDisplayName",
]
# What a product is and what it is called: a styles.csv without one of these is refused; the other columns
# may be left out (a shop's export without a season, a year or a usage: empty in every row, said).
REQUIRED_COLUMNS = ("id", "articleType", "productDisplayName")
# A shop's price, read where its styles.csv has one (the Kaggle catalogue has none; a shop's export has, and
# text search filters by it: "shirts under 500"). The header names it read as the price, in any case or spacing,
# the first of them the header has: "price" (a shop's selling price), then "price_inr", "selling_price",
# "sale_price", then "mrp" (a maximum retail price, read where nothing else says the price). Others stay ignored.
PRICE = "price"
# The currency a shop's prices are in, as cards write it before them (stop 65): the manifest's field, and each
# priced item's (``ItemTables.item``). From ``index build --currency``, else the symbol the prices were written with.
CURRENCY = "currency"
# The symbol each way of writing a currency in a price stands for ("Rs. 999", "INR 999" and "₹999" are rupees).
CURRENCY_SIGNS = {"₹": "₹", "rs": "₹", "inr": "₹", "$": "$", "€": "€", "£": "£"}
# ... and the codes a shop may name its currency by (`index build --currency EUR`), for comparing one with another.
CURRENCY_CODES = {"usd": "$", "eur": "€", "gbp": "£"}


def currency_sign(currency: str) -> str:
    """The symbol a currency as written stands for ("Rs.", "INR" and "₹" are "₹"; "EUR" "€"), so that two ways
    of writing one compare equal; one it does not know as written, stripped."""
    said = currency.strip()
    key = said.lower().rstrip(".").strip()
    return CURRENCY_SIGNS.get(key) or CURRENCY_CODES.get(key) or said
# "variantprice": a Shopify product export's price column (its "Variant Compare At Price" is the one before a sale);
# "regularprice": a WooCommerce export's, whose "Sale price" is empty but for the products on sale (_sale_or_regular).
PRICE_HEADERS = ("price", "priceinr", "sellingprice", "saleprice", "variantprice", "regularprice", "mrp")
# A sale's price beside a regular one: BigCommerce's and WooCommerce's "Sale Price", Magento 2's "special_price" (stop
# 77: ignored, its products on sale shown at their regular price), read first where the row has one.
SALE_PRICE_HEADERS = ("saleprice", "specialprice")
# The columns a shop's columns.json may map its header's names to (fashionrec.column_map): the catalogue's, its
# price and its stock level.
# A row's photo file name (stop 70: a shop's photos named by SKU, "ABC-123.jpg", were copied to images/<id>.jpg by
# hand): read only where columns.json maps a header name to it, its files looked up in the photo folder.
PHOTO = "photo"
MAPPABLE_COLUMNS = [*COLUMNS, PRICE, STOCK, PHOTO]
# What is said of ids written otherwise than as numbers ("0038645" for 38645): ids are whole numbers (the vector
# index's, the photos' <id>.jpg, the pages' and the API's), and the shop's spelling is kept beside them (stop 68).
IDS_AS_NUMBERS = ("read as numbers, as the index, the API, the pages and `tag`'s CSV name them; an index keeps them as "
                  "written (its manifest's ids_as_written) and `recommend export` writes them beside the numbers "
                  "(item_id_as_written, rec_id_as_written), for a shop joining back on its own ids")
# An item's id as the shop writes it ("0038645"), where it writes it otherwise than as the number: the key an item
# dict, the API's items and `tag`'s CSV give it under, and the manifest's map of them (stop 69).
ID_AS_WRITTEN = "id_as_written"
IDS_AS_WRITTEN = "ids_as_written"
# The index manifest's {a folded line's own id: its product's id} (a WooCommerce variation's ID and its Parent, stop
# 76): a storefront's cart names a variation by its own id, which was "there is no product 1203".
VARIATIONS = "variations"


def written_ids(manifest: dict | None) -> dict:
    """An index manifest's ids as its shop writes them ({"38645": "0038645"}: :data:`IDS_AS_WRITTEN`, only the ids
    written otherwise than their digits), {} where it has none: the one reading of that map, which the item, the
    stock listing and ``recommend export`` each read their own way (stop 70's review; stop 72)."""
    return (manifest or {}).get(IDS_AS_WRITTEN) or {}


def ids_as_written(manifest: dict | None, ids) -> list[str]:
    """Each of ``ids`` as the shop's export wrote it (``manifest``'s ids_as_written), else its digits."""
    written = written_ids(manifest)
    return [str(written.get(str(int(i))) or int(i)) for i in ids]


def id_as_written(manifest: dict | None, item_id: int) -> str:
    """``item_id`` as the shop's export wrote it (``manifest``'s ids_as_written), else its digits."""
    return ids_as_written(manifest, [item_id])[0]


def id_said(written: dict | None, item_id: int) -> str:
    """``item_id`` as a message says it: its number, with the shop's spelling beside it where ``written`` (a
    manifest's ids_as_written, {"38645": "0038645"}) has one, "38645 (written 0038645)": `index add`'s and `index
    remove`'s lines and errors gave the number alone, which a shop keyed by its text did not find (stop 70)."""
    spelt = (written or {}).get(str(int(item_id)))
    return f"{int(item_id)} (written {spelt})" if spelt and spelt != str(int(item_id)) else str(int(item_id))


def ids_said(written: dict | None, ids: list, shown: int = 10) -> str:
    """The first ``shown`` of ``ids`` as a message lists them (:func:`first_few`), followed by the shop's spellings
    where ``written`` (as :func:`id_said`'s) has any: "99001, 99003, written 0099001, 0099003" (stop 70)."""
    numbers = [int(i) for i in ids]
    spelt = [str((written or {}).get(str(i)) or i) for i in numbers]
    said = first_few(numbers, shown)
    return said + (f", written {first_few(spelt, shown)}" if spelt[:shown] != list(map(str, numbers[:shown])) else "")


def _price_key(text: str) -> str | float:
    """A price as written, to compare two lines' prices by: its amount as the loader reads it (:func:`read_price`),
    else its text."""
    read = read_price(text)
    return text.strip() if read is None else read


def _other_price(report: DataReport, item_id: int, kept: str, price: str) -> None:
    """Note a folded variant line's own ``price`` where it is not the one its product ``item_id`` keeps (``kept``,
    as written: its product line's, or where that has none its first size's, :func:`_fold_price`): a blank one is
    the product's."""
    price = price.strip()
    # Compared as amounts, as the loader reads them ("1.299,00" and "₹1299" alike; stop 70: a reading of its own
    # here said "1.299,00" beside "1299" was another price).
    # (The same text first: most sizes are their product's price, and reading both took a third of a 160k-line
    # export's read, stop 71.)
    if price and price != kept.strip() and _price_key(price) != _price_key(kept):
        prices = report.variant_prices.setdefault(item_id, [kept])
        if price not in prices[1:]:
            prices.append(price)


def variant_prices_said(prices: dict[int, list[str]]) -> str:
    """What data check and `index build` say of products whose folded variant lines have prices of their own."""
    k = len(prices)
    each = first_few([f"id {i}: {kept or 'no price'} read, not {' or '.join(others)}"
                      for i, (kept, *others) in prices.items()], 5)
    return (f"{k} product{'s' if k != 1 else ''} whose folded variant lines (sizes) have prices of their own "
            f"({each}): each product has one price, its product line's (its first size's where that line has "
            "none); the others are not kept. Give a size "
            "that costs more an id of its own to keep it as a product, or accept the product line's price")


# Attributes a model can predict and a user can filter on, in a stable order.
ATTRIBUTES = ["articleType", "gender", "masterCategory", "subCategory", "baseColour", "usage", "season"]
# The formats a photo is decoded as, and no other: Pillow also reads EPS (through Ghostscript, untrusted
# PostScript from an anonymous upload where it is installed), ICO, TGA, PCX, DDS... (a security review).
Image.init()
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF") + (    # JPEG's opener reads a phone's MPO too
    ("AVIF",) if "AVIF" in Image.OPEN else ())      # Pillow 11.2 on (features.check warned on an older one)
_FORMAT_NAMES = [{"WEBP": "WebP"}.get(f, f) for f in PHOTO_FORMATS]
PHOTO_FORMATS_SAID = f"{', '.join(_FORMAT_NAMES[:-1])} or {_FORMAT_NAMES[-1]}"     # as a message says them
# A shop's photos in another format PIL reads were "missing" (.tif, a bad-input trial); GIF is left out: an
# animated one is not one product photo.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp")
# Season values a row recovered from an extra comma may have; another word there means the comma was
# before the name and the columns shifted ("Navy, Blue" puts "Blue" in the season).
SEASON_WORDS = {"", "na", "summer", "winter", "spring", "fall", "autumn", "all season", "all seasons"}
DEFAULT_DATA_DIR = Path("../shared/datasets/fashion-product-images-small")


def default_data_dir() -> Path:
    """The catalogue folder to use when none is given: ``$FASHIONREC_DATA``, or the shared copy beside the
    working folder, or beside this checkout (so that a command run from any folder finds it)."""
    if os.environ.get("FASHIONREC_DATA"):
        return Path(os.environ["FASHIONREC_DATA"])
    beside_checkout = Path(__file__).resolve().parents[2] / DEFAULT_DATA_DIR
    if not DEFAULT_DATA_DIR.is_dir() and beside_checkout.is_dir():
        return beside_checkout
    return DEFAULT_DATA_DIR


@dataclass
class RejectedRow:
    line: int
    reason: str
    raw: str
    # The row's field in the id column, "" where it has none or its fields may have shifted: a photo of that
    # name is this row's, and an index never gives that id to an added product. (Read by the header's
    # position: a shop's export with the id in another column had its rejected rows' ids lost.)
    id_field: str


@dataclass
class ImageProblem:
    id: int
    reason: str


@dataclass
class DataReport:
    """What ``load_catalog`` found; ``to_dict`` is the ``data check --json`` payload."""

    data_dir: str
    rows: int = 0
    rows_recovered: int = 0
    recovered_lines: list[int] = field(default_factory=list)
    # Line -> [id as written, name as read] of the recovered rows whose comma a text column after the name (a
    # shop's "Body (HTML)") may hold instead: kept as read, said (stop 67); recovered_beside names those columns.
    recovered_names: dict[int, list[str]] = field(default_factory=dict)
    recovered_beside: list[str] = field(default_factory=list)
    # Lines that were not UTF-8 and were read as Windows-1252 (the usual spreadsheet export) instead.
    non_utf8_lines: list[int] = field(default_factory=list)
    # How the file was read where it was not UTF-8 CSV with commas ("UTF-16", "tab-separated", "sep=; line").
    read_as: list[str] = field(default_factory=list)
    # Lines read on their own because an unclosed quote in them would have swallowed the rows after it.
    stray_quote_lines: list[int] = field(default_factory=list)
    # Column -> ids of rows whose value there could not be read (e.g. a year "20l2", a price "call us" or "-5");
    # the row kept with it missing.
    invalid_values: dict[str, list[int]] = field(default_factory=dict)
    # The header name read as the price (PRICE_HEADERS: "Price", "MRP"), "" where the catalogue has no price.
    price_column: str = ""
    # The header name of the regular price read where the sale price column is empty in a row ("Regular price"
    # beside a WooCommerce export's "Sale price"), "" where there is none (stop 70).
    price_fallback_column: str = ""
    # The currency symbol the prices were written with ("₹1,299", "Rs. 999": "₹"), "" where none had one or they
    # had several (stop 65): an index build keeps it as the shop's currency unless told another.
    price_currency: str = ""
    # Currency symbol -> ids of the rows whose price was written with it, where they say several ("₹1,299" beside
    # "$29.99"): each read as an amount alike, and no currency shown; said by data check (a new user's trial, stop 66).
    price_currencies: dict[str, list[int]] = field(default_factory=dict)
    # Prices whose one dot before three digits may group thousands or mark decimals ("999.000": 999,000 or 999),
    # read as the column's other prices say (stop 67): {"read_as": "thousands" | "decimals" | "by row", "why": ...,
    # "rows": {id: [as written, as read]}}; empty where none is. Said by data check, by row.
    ambiguous_prices: dict = field(default_factory=dict)
    # The header name read as the stock level (stock.STOCK_HEADERS: "stock_qty", "in_stock"), "" where none; the
    # ids of the rows it says are sold out (0 or less, "no"): kept, indexed, not shown to a shopper (stop 67).
    stock_column: str = ""
    # The columns read beside it that say how a line is sold at 0 (stop 71): a Shopify export's "Variant Inventory
    # Tracker" and "Variant Inventory Policy", a WooCommerce export's "In stock?" (stock.level_as_sold).
    stock_beside: list[str] = field(default_factory=list)
    sold_out_ids: list[int] = field(default_factory=list)
    # The columns read as whether the shop shows a product ("Product Visible?", "Published", "Status":
    # visibility.py), and {id: why} of the products they hide: kept, indexed, never shown to a shopper (stop 74; stop
    # 73 left them out of the catalogue).
    visibility_columns: list[str] = field(default_factory=list)
    hidden: dict[int, str] = field(default_factory=dict)
    # {column: {word as written: rows}} of the cells of those columns that say neither hidden nor shown ("inactive",
    # "x"): read as shown, said (stop 75: read so without a word).
    visibility_unread: dict[str, dict[str, int]] = field(default_factory=dict)
    # {id: why} of the products shown but not for sale (BigCommerce's "Allow Purchases?" N): read as sold out, their
    # level 0 (stop 74; the column was read past, and they were recommended as for sale).
    not_for_sale: dict[int, str] = field(default_factory=dict)
    # Ids of the rows whose level was a missing-value word ("None", "NULL", "N/A": stock.NO_LEVEL_WORDS), read as no
    # level (available) and said by data check (stop 68: "None" was sold out here, no level on the command line).
    no_level_word_ids: list[int] = field(default_factory=list)
    # A catalogue without a colour column of its own (a BigCommerce export has none, stop 74): its variant lines'
    # colour options by product ({id: colours, "[RT]Color=Navy" as Navy Blue}), and the colours filled, by where
    # from ({"option" | "name": ids}; the rest from the photos at `index build`: fashionrec.name_colours).
    colour_unlabelled: bool = False
    option_colours: dict[int, list[str]] = field(default_factory=dict)
    colours_filled: dict[str, list[int]] = field(default_factory=dict)
    colours_given: list[int] = field(default_factory=list)   # ids given a colour by a Color option or attribute
    rows_rejected: list[RejectedRow] = field(default_factory=list)
    with_image: int = 0
    missing_image: int = 0
    missing_image_ids: list[int] = field(default_factory=list)
    # Id -> why its photo is missing, where there is more to say than no file (a link to a file that is gone).
    missing_image_reasons: dict[int, str] = field(default_factory=dict)
    # Image files in images/ whose name is no row's id.
    images_without_row: list[str] = field(default_factory=list)
    # (another file, the one read) where one name has two photos (12933.png beside 12933.jpg): not read.
    second_photos: list[tuple[str, str]] = field(default_factory=list)
    # {store view code: lines} of a Magento export's rows for a store view other than the default (a translation of
    # a product whose default row is above): read past, said (stop 77: "duplicate id ... correct that line").
    store_view_lines: dict[str, list[int]] = field(default_factory=dict)
    # {id: its child's SKU} of a Magento configurable product without a price of its own, read at that child's (its
    # lowest-priced, configurable_variations): stop 77, every configurable was read without a price.
    prices_from_children: dict[int, str] = field(default_factory=dict)
    # Photos inside folders of images/ (images/old/1.jpg): not read as any row's.
    photos_in_subfolders: list[str] = field(default_factory=list)
    # Photo file -> the id it is read for, where its name says the id otherwise ("0050869.jpg" for 50869).
    photos_named_otherwise: dict[str, int] = field(default_factory=dict)
    # {header name: photos} of the unmapped column whose cells name (a URL's or a list's first file name) the most
    # photos of the folder no row's id names: a WooCommerce "Images", a Shopify "Image Src" (stop 76: 286 "missing
    # image" and 284 "without a row" said nothing of the shop's own Images column, to map as photo). Empty otherwise.
    photo_column_unmapped: dict[str, int] = field(default_factory=dict)
    # {header name: file names its cells name} of the columns that may be such (read by styles_table, for
    # load_catalog's finding of the one above): not written out.
    photo_names_unmapped: dict[str, set[str]] = field(default_factory=dict)
    # An id as styles.csv writes it -> the number it is read as, where they differ ("00019696" is 19696): every
    # output names the number, which a shop's own system, keyed by the text, would not find (an integrator's trial).
    ids_written_otherwise: dict[str, int] = field(default_factory=dict)
    # A Shopify export's Handle column, as written, where its ids are made from it (no id column: shop_ids); "" else.
    ids_from: str = ""
    ids_coded: bool = False     # ids_from is the id column itself, its codes (a SKU) no numbers (stop 74)
    # Lines of a product above (a Shopify export's same Handle: its other sizes, colours or photos) without an id
    # of their own, or with the product's: folded into it, read once (stop 68); not counted in ``rows``. Those
    # with ids of their own: kept as products, their empty fields from their product's line.
    variant_column: str = ""
    variant_lines_folded: list[int] = field(default_factory=list)
    variant_lines_kept: list[int] = field(default_factory=list)
    # Product id -> [its line's price, then each folded line's other price, as written], where a folded line (a size)
    # has a price of its own that is not its product's: the product line's is read, one price a product, and the
    # others were dropped without a word (stop 69). Said by data check and `index build`.
    variant_prices: dict[int, list[str]] = field(default_factory=dict)
    # Ids of the products whose stock level is their folded sizes' (stock.variants_level: those in stock summed).
    variant_stock_ids: list[int] = field(default_factory=list)
    unreadable_image: list[ImageProblem] = field(default_factory=list)
    # Readable photos of one flat colour (is_blank): kept usable, so that splits stay as they were, and listed.
    blank_image_ids: list[int] = field(default_factory=list)
    # Readable photos too small to show a product (under MIN_PHOTO_SIDE): kept and listed, as blank ones are.
    tiny_image_ids: list[int] = field(default_factory=list)
    # Readable photos over LONG_THIN_RATIO:1 either way (a banner, a strip): kept and listed, as tiny ones are; the
    # EDA's sample grid passed them over while the check said nothing (a data review, stop 61). Not blank or tiny.
    long_thin_image_ids: list[int] = field(default_factory=list)
    # Readable greyscale photos (GREY_REASON): kept and used, listed; `tag` does not check their colour.
    greyscale_image_ids: list[int] = field(default_factory=list)
    odd_size_images: dict[str, int] = field(default_factory=dict)
    missing_values: dict[str, int] = field(default_factory=dict)
    # Column -> the ids of the rows it is empty in (counts alone left a shop to hunt for its nameless product).
    missing_value_ids: dict[str, list[int]] = field(default_factory=dict)
    # Rows whose productDisplayName is a file name, a test record's ("test dispName") or the column's name:
    # kept, listed.
    placeholder_names: list[int] = field(default_factory=list)
    classes: int = 0
    class_counts: dict[str, int] = field(default_factory=dict)
    # Column -> {spelling: [the catalogue's usual spelling it was read as, rows]}: "tshirts" in a catalogue
    # of "Tshirts" would otherwise be a type of its own, and filters for "Tshirts" would miss those rows.
    case_folded: dict[str, dict[str, list]] = field(default_factory=dict)
    # Columns of styles.csv beyond COLUMNS (a price, a stock level): read past, not kept.
    ignored_columns: list[str] = field(default_factory=list)
    # Columns of COLUMNS the header lacks (a shop's export without a season or a year): empty in every row.
    absent_columns: list[str] = field(default_factory=list)
    # {a header name: the absent column it may be} ("Color": "baseColour"), said with the absent columns.
    misnamed_columns: dict[str, str] = field(default_factory=dict)
    # Header names read as a column they spell otherwise ("ID" -> id, "Product Display Name" -> productDisplayName).
    renamed_columns: dict[str, str] = field(default_factory=dict)
    # The shop's columns.json, {header name: column}, as read (stop 68); its names the header lacks (an export
    # made otherwise): said, not refused.
    column_map: dict[str, str] = field(default_factory=dict)
    column_map_unused: list[str] = field(default_factory=list)
    # The table and photo folder read where columns.json names them (stop 70): {"@table": ..., "@images": ...}.
    places: dict[str, str] = field(default_factory=dict)
    # {id: its photo's file name} from the column columns.json maps to photo (stop 70); {} without one.
    photo_files: dict[int, str] = field(default_factory=dict)
    # A product's folded lines' photos (stop 71): a WooCommerce variation's own image was read past and its file
    # listed as an image "without a row". {product id: the files its folded lines' photo column names} and
    # {product id: the ids of its folded lines that have their own (a variation's), whose <id>.jpg may be its photo}.
    variant_photo_files: dict[int, list[str]] = field(default_factory=dict)
    variations_folded: dict[int, list[int]] = field(default_factory=dict)
    # {product id: the photo file read for it}, a variation's, where its own line has none; {photo file: product id}
    # of a variation's own photo beside its product's, not read (a product is read with one photo).
    photos_from_variants: dict[int, str] = field(default_factory=dict)
    variant_photos_not_read: dict[str, int] = field(default_factory=dict)
    # A WooCommerce export's attribute pairs, a Shopify export's options and Tags, read as columns, by each row's
    # attribute names (stop 71, shop_attributes): {column: {"names": [attribute names as written], "read_from": {value
    # column: rows}, "several": {id: as written}, "several_from": {id: the column it was read from}, "by_default":
    # {id: the value read, its pair's default} (the others read as their first value, stop 72), "both_sides": {id:
    # as written, read as Unisex}, "named_otherwise": {id: the attribute the mapped value column held on that row
    # (Size), read as empty}}}; {attribute name: rows} of those no column is read from (Size).
    attributes: dict[str, dict] = field(default_factory=dict)
    attributes_not_read: dict[str, int] = field(default_factory=dict)
    # {id: its regular price as written} where it is no amount and the row has a sale price, read at that one
    # (stop 71: "TBD" and "-5.00" went unsaid under a sale price).
    regular_price_invalid: dict[int, str] = field(default_factory=dict)
    # {id: why its sale price is not on} ("ended 2025-11-30", "starts 2027-01-01"): a WooCommerce row whose sale dates
    # put today outside its sale, read at its regular price (stop 76, sale_dates: the sale price was read whatever
    # they said); the day they were read by; {id: the message} of sale dates that are no date, the sale read as on.
    sale_not_on: dict[int, str] = field(default_factory=dict)
    # {id: (its sale price, its regular price) as written} where a WooCommerce row's sale price is above its regular
    # price: no sale (WooCommerce's is_on_sale), read at the regular price (stop 77; it was read at the sale price);
    # a Magento 2 row's special_price above its price so too (Magento sells at the lower of the two).
    sale_above_regular: dict[int, tuple[str, str]] = field(default_factory=dict)
    # Likewise where a BigCommerce row's "Sale Price" is above its "Price": read at the sale price, as BigCommerce
    # sells at a sale price set whether below the price or not, and not as a sale (stop 77; it went unsaid).
    sale_above_price: dict[int, tuple[str, str]] = field(default_factory=dict)
    # The ids of rows on sale: a regular price (WooCommerce's "Regular price", BigCommerce's "Price", Shopify's
    # "Variant Compare At Price") above the price read, kept beside it (stop 76, regular_prices).
    on_sale_ids: list[int] = field(default_factory=list)
    sale_dates_read_on: str = ""
    sale_dates_invalid: dict[int, str] = field(default_factory=dict)
    # Column -> [{value, rows, ids, like, like_rows}]: a rare label a letter or two from a common one
    # ("Tshrts", 1 row, beside "Tshirts", 7,067): kept as written, a class of its own until corrected.
    possible_typos: dict[str, list[dict]] = field(default_factory=dict)
    # Column -> {value: rows} of values an export writes for "none" ("N/A", "NULL", "nan", "-"): kept as written,
    # so each is a label of its own (a data engineer's trial); the catalogue's own "NA" is documented apart.
    missing_like: dict[str, dict[str, int]] = field(default_factory=dict)
    # Rows whose articleType was written as a category path ("Women > Accessories > Handbags, Sale", a WooCommerce
    # export's Categories), read as its deepest path's last part; one path as written, for the summary (stop 70).
    category_path_ids: list[int] = field(default_factory=list)
    category_path_example: str = ""
    # The columns a category path's parts gave (stop 73: its middle parts, "Apparel", were read as nothing) -> rows,
    # and its middle parts read as no column ("Tops", a shop's own grouping) -> rows.
    category_path_read: dict[str, int] = field(default_factory=dict)
    category_parts_unread: dict[str, int] = field(default_factory=dict)
    # {type: rows} given the subCategory the catalogue files their type under, their path naming none ("Men >
    # Clothing > Tshirts": Topwear; category_paths.type_group, stop 76).
    category_sub_from_type: dict[str, int] = field(default_factory=dict)
    # Rows whose wearer a path's children's part gave ("Kids/Tshirts": Unisex, stop 74) -> (the part, the name,
    # whether the name says a child), said as a gender attribute "Kids" is (shop_attributes.both_children_said).
    category_path_children: dict[int, tuple[str, str, bool]] = field(default_factory=dict)
    # A Shopify export's "Product Category" (its Standard Product Taxonomy, "Apparel & Accessories > Shoes"; an
    # ignored column before stop 75): the column as written ("" where none), {column it gave: rows}, the rows read,
    # one path as written, its parts read as no column -> rows, and the rows whose cell is empty.
    taxonomy_column: str = ""
    taxonomy_read: dict[str, int] = field(default_factory=dict)
    taxonomy_ids: list[int] = field(default_factory=list)
    taxonomy_example: str = ""
    taxonomy_unread: dict[str, int] = field(default_factory=dict)
    taxonomy_empty_ids: list[int] = field(default_factory=list)
    # A SKU column's values given to several products: {SKU: their ids}. Each stays a product, but a shop's SKU names
    # one; a WooCommerce variation whose Parent is such a SKU folds into the first (stop 70).
    duplicate_skus: dict[str, list[int]] = field(default_factory=dict)
    # Gender values other than the five the recommender reads wearers by ("Female", "M"): {value: rows}.
    unknown_genders: dict[str, int] = field(default_factory=dict)
    # Lines whose labels held invisible characters (a zero-width space before "Black"), taken out.
    invisible_char_lines: list[int] = field(default_factory=list)
    # Lines with control characters or bidirectional overrides in any field (a NUL, U+202E): a control
    # character became a space, an override nothing.
    control_char_lines: list[int] = field(default_factory=list)
    # Ids whose name is over LONG_NAME characters: kept, listed.
    long_names: list[int] = field(default_factory=list)
    # [{ids, differ}]: one photo file under several ids, and the labels those rows disagree on (see _shared_photos).
    shared_photos: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        said = asdict(self)
        said.pop("photo_names_unmapped")     # every cell's file name: what it gave is photo_column_unmapped
        return said

    def photo_column_said(self) -> str:
        """The command that maps the column naming the photos without a row, "" where none does (stop 76)."""
        if not self.photo_column_unmapped:
            return ""
        (name, k), = self.photo_column_unmapped.items()
        return (f"{name!r} names {k} of the photos without a row: map it as their photo with "
                f"{map_command(self.data_dir, [(name, PHOTO)])}")

    @property
    def table_name(self) -> str:
        """The file of the catalogue's rows as messages name it: styles.csv, or the one columns.json names (a shop's
        products.csv: "add the column to styles.csv" named a file the shop does not have, stop 71)."""
        return self.places.get(TABLE_KEY, PLACES[TABLE_KEY])

    def left_out(self) -> str:
        """One line on the rows that give no usable product, or "" when every row does."""
        rejected, unreadable = len(self.rows_rejected), len(self.unreadable_image)
        if not (rejected or self.missing_image or unreadable):
            return ""
        # The photos in a folder of images/ are said here too: `index build` showed "2 without an image" alone,
        # where the photos were in images/new/ (a new user's trial, stop 67).
        nested = sum(reason.endswith(IN_SUBFOLDER) for reason in self.missing_image_reasons.values())
        which = ("it is" if self.missing_image == 1 else "all are" if nested == self.missing_image
                 else f"{nested} of them {'is' if nested == 1 else 'are'}")
        # The products the shop hides are usable rows since stop 74 (kept in the index, never shown: h74hide), said
        # among them so the line does not pass them off as shown (a review of stop 73 had them unsaid).
        hidden = f" ({len(self.hidden)} of them hidden by the shop)" if self.hidden else ""
        return (f"{self.with_image:,} of {self.rows:,} rows usable{hidden}: {rejected} rejected, {self.missing_image} "
                "without an image" + (f" ({which} in a folder inside images/: move {'it' if nested == 1 else 'them'} "
                                      "to images/)" if nested else "")
                + f", {unreadable} with an unreadable image"
                + f" (`fashionrec data check {self.data_dir}` lists them)")

    def _missing_by_reason(self) -> dict[str, list]:
        """{reason: ids} of the missing photos with more to say than no file. Those whose photo column names a file
        the folder lacks are one reason, each id with its file's name: as a reason each ("no a.jpg in photos/ (its
        photo column) nor 7.jpg: ids 7"), a shop of photos named by handle had a line as long as its missing photos
        (stop 72, a Shopify trial)."""
        out: dict[str, list] = {}
        for item_id, reason in self.missing_image_reasons.items():
            name = self.photo_files.get(item_id)
            said = f"no {name} in "
            if name and reason.startswith(said) and reason.endswith(f" (its {PHOTO} column) nor {item_id}.jpg"):
                folder = reason[len(said):].removesuffix(f" (its {PHOTO} column) nor {item_id}.jpg")
                out.setdefault(f"not in {folder} as their {PHOTO} column names them, nor as <id>.jpg", []).append(
                    f"{item_id} ({name})")
            else:
                out.setdefault(reason, []).append(item_id)
        return out

    def currencies_said(self) -> str:
        """What data check (and a load's warning) says of :attr:`price_currencies`: "written in several currencies:
        ₹ 6 rows, $ 1 (id 9): ...", "" where one or none is. "Rs. 999" and "INR 999" beside "₹1,299" are one
        (:data:`CURRENCY_SIGNS`), so not said."""
        if not self.price_currencies:
            return ""
        by_sign = sorted(self.price_currencies.items(), key=lambda kv: -len(kv[1]))
        each = ", ".join(f"{sign} {len(ids)}" + ((" row" if len(ids) == 1 else " rows") if k == 0 else "")
                         + ("" if k == 0 else f" (id{'s' if len(ids) != 1 else ''} {self.named_few(ids, 5)})")
                         for k, (sign, ids) in enumerate(by_sign))
        return (f"written in several currencies: {each}: every amount is read alike, as one currency, and none is "
                "shown; write them all in one, and name it with `index build --currency`")

    def ambiguous_said(self) -> str:
        """What data check (and a load's warning) says of :attr:`ambiguous_prices`, by row: "1 row whose dot may
        group thousands or mark decimals (id 7 '999.000' as 999): read as decimals, ...", "" where none is."""
        if not self.ambiguous_prices:
            return ""
        rows = self.ambiguous_prices["rows"]
        each = ", ".join(f"id {i} {written!r} as {read:,.{0 if read == int(read) else 3}f}"
                         for i, (written, read) in list(rows.items())[:5]) + (" ..." if len(rows) > 5 else "")
        read_as = self.ambiguous_prices["read_as"]
        how = "by row, each" if read_as == "by row" else f"as {read_as},"
        return (f"{len(rows)} row{'s' if len(rows) != 1 else ''} whose dot may group thousands or mark decimals "
                f"({each}): read {how} {self.ambiguous_prices['why']}; write them without the dot, or with two "
                "decimals, to say which")

    def misnamed_said(self) -> str:
        """"; 'Color' may be baseColour: map it once with `fashionrec data columns DIR Color=baseColour` (...), or
        rename it in the header, to read it", or nothing."""
        pairs = list(self.misnamed_columns.items())
        if not pairs:
            return ""
        it = "it" if len(pairs) == 1 else "them"
        return ("".join(f"; {name!r} may be {meant}" for name, meant in pairs)
                + f": map {it} once with {map_command(self.data_dir, pairs)}, or rename {it} in the header, to "
                  "read it")

    def attributes_said(self) -> list[str]:
        """What data check says of :attr:`attributes` (a WooCommerce export's attribute pairs, a Shopify export's
        options and tags), a line a column."""
        lines = []
        for column, said in self.attributes.items():
            where = ", ".join(f"{source!r} in {n} row{'s' if n != 1 else ''}"
                              for source, n in said["read_from"].items())
            # A pair's name ("Color"), or a Tags column, whose name is its source (stop 72): "from its tags".
            names = [n for n in said["names"] if n not in said["read_from"]]
            whence = " and ".join(([f"the attribute named {' or '.join(map(repr, names))}"] if names else [])
                                  + (["its tags"] if len(names) < len(said["names"]) else []))
            line = (f"attributes       {column} read row by row from {whence} ({where})" if where
                    else f"attributes       {column}")
            if said["several"]:
                # The default's rows apart from the first's (stop 72): "read as the first" alone said neither
                # which value each product was filed under nor how a shop chooses another.
                chosen = said.get("by_default", {})
                first = {i: w for i, w in said["several"].items() if i not in chosen}
                both = bool(chosen and first)       # counted apart only where there are both
                parts = [f"{f'{len(chosen)} ' * both}as its default ("
                         + first_few([f"id {self.named([i])[0]} {said['several'][i]!r} as {v}"
                                      for i, v in chosen.items()], 5)
                         + ")"] if chosen else []
                # How to choose another, by where each was read: a Shopify option or the Tags have no default
                # (stop 72's integration review: they were told to name their "'Attribute N default'").
                hints = dict.fromkeys(one_of_several(said["several_from"][i]) for i in first)
                woo = any(from_woocommerce(said["several_from"][i]) for i in first)
                parts += [f"{f'{len(first)} ' * both}as the first{', no default given among them' * woo} ("
                          + first_few([f"id {self.named([i])[0]} {w!r} as {as_read(column, first_value(w)[0])}"
                                       for i, w in first.items()], 5)
                          + "".join(f"; {h}" for h in hints) + ")"] if first else []
                line += f"; {len(said['several'])} listing several, read " + " and ".join(parts)
            if said.get("both_sides"):
                k = len(said["both_sides"])
                line += (f"; {k} listing both Men and Women, read as {BOTH_SIDES_READ} ("
                         + first_few([f"id {i} {w!r}" for i, w in said["both_sides"].items()], 5) + ")")
            if said.get("both_children"):
                line += "; " + both_children_said(said["both_children"])
            if said.get("within"):
                k = sum(said["within"].values())
                line += (f"; {k} from a tag naming it among other words (" + first_few(
                    [f"{tag} ({n})" for tag, n in sorted(said["within"].items(), key=lambda t: -t[1])], 5)
                    + "; no tag of a gift or a sale is read)")
            if said["named_otherwise"]:
                k = len(said["named_otherwise"])
                line += (f"; {k} row{'s' if k != 1 else ''} whose mapped column holds another attribute and none "
                         f"named so, read as empty (" + first_few([f"id {i} {name!r}" for i, name in
                                                                   said["named_otherwise"].items()], 5) + ")")
            lines.append(line)
        if self.attributes and self.attributes_not_read:
            # "(1 rows)" was said of a name one product's line gives (stop 71's integration review).
            lines.append("attributes       not read: " + ", ".join(f"{name!r} ({n} row{'s' if n != 1 else ''})"
                                                                   for name, n in
                                                                   self.attributes_not_read.items())
                         + ": no column of the catalogue's")
        return lines

    def rejected_lines(self, shown: int) -> list[str]:
        """The first ``shown`` rejected rows, a line each with its reason, and how many more."""
        # With the id its id column holds, where that can be trusted (a shop looks rows up by id; a trial).
        lines = [f"  line {r.line}{f' (id {r.id_field})' if r.id_field else ''}: {r.reason}"
                 for r in self.rows_rejected[:shown]]
        if len(self.rows_rejected) > shown:
            lines.append(f"  ... and {len(self.rows_rejected) - shown} more (`fashionrec data check "
                         f"{self.data_dir} --json FILE` lists all)")
        return lines

    def __repr__(self) -> str:
        return "DataReport(\n  " + "\n  ".join(self.summary_lines()) + "\n)"

    def named(self, ids) -> list:
        """``ids`` as the shop writes them where they were made from its Handles or codes (a hash named no product the
        shop knows: stop 74's SKU-keyed shop read "7 sold out (ids 5782644911745574, ...)"), else as numbers."""
        if not self.ids_from:
            return list(ids)
        written = {i: text for text, i in self.ids_written_otherwise.items()}
        return [written.get(i, i) for i in ids]

    def named_few(self, ids, shown: int = 20) -> str:
        """The first ``shown`` of ``ids`` as a line of `data check` lists them, each as the shop writes it
        (:meth:`named`): a Handle shop's hidden, no-level and photo lines named its products by hash (stop 75)."""
        return first_few(self.named(ids), shown)

    def ids_written_said(self, shown: int) -> str:
        """The ids read otherwise than as written, ``shown`` of them named: a shop's spellings ("0038645"), or the
        ids made from a Shopify export's Handles, which are no spelling of a number (stop 73)."""
        said = first_few([f"{text!r} as {i}" for text, i in self.ids_written_otherwise.items()], shown)
        k = len(self.ids_written_otherwise)
        if self.ids_from:
            why = (f"its {self.ids_from} codes are no numbers" if self.ids_coded else
                   "the export has no id column")
            return (f"ids made from {self.ids_from!r} {k} ({said}): {why}, so each product's "
                    f"id is a hash of its {self.ids_from}, the same in every export while the {self.ids_from} is "
                    "kept (renamed, it is another product); the index, the API and the pages give the numbers, an "
                    f"index keeps each {self.ids_from} as the id as written and `recommend export` and `tag` write "
                    "it beside them")
        return f"ids written otherwise {k} ({said}): {IDS_AS_NUMBERS}"

    def category_parts_said(self) -> str:
        """What a category path's parts gave, by column, and its middle parts read as no column (stop 73)."""
        said = "".join(f"; {column} read in {n} row{'s' if n != 1 else ''}" for column in COLUMNS
                       if (n := self.category_path_read.get(column)))
        if self.category_sub_from_type:
            n = sum(self.category_sub_from_type.values())
            types = sorted(self.category_sub_from_type.items(), key=lambda t: -t[1])
            said += (f"; subCategory from the type in {n} row{'s' if n != 1 else ''} whose path names no group "
                     f"(the group the catalogue files the type under: "
                     + first_few([f"{t!r} ({k}) as {type_group(t, '')}" for t, k in types], 5) + ")")
        if self.category_parts_unread:
            parts = sorted(self.category_parts_unread.items(), key=lambda t: -t[1])
            said += ("; parts read as no column: " + first_few([f"{p!r} ({n})" for p, n in parts], 5)
                     + " (not the catalogue's masterCategory or subCategory names, nor a wearer)")
        if self.category_path_children:
            said += "; " + both_children_said(self.category_path_children, "under a children's part ('Kids')")
        return said

    def taxonomy_said(self) -> str:
        """The line `data check` gives a Shopify ``Product Category`` (stop 75): the rows read, the columns each
        gave, its parts read as none and the rows without one."""
        k = len(self.taxonomy_ids)
        gave = ", ".join(f"{column} {n}" for column in COLUMNS if (n := self.taxonomy_read.get(column)))
        said = (f"product category {k} row{'s' if k != 1 else ''} read from {self.taxonomy_column!r} (Shopify's "
                f"product taxonomy{', ' + repr(self.taxonomy_example) if k else ''}): "
                + (f"gave {gave} (the catalogue's names: 'Shirts & Tops' as Topwear, 'Jewelry > Watches' as "
                   "Watches; the articleType its last part where the row has no Type), each where the row gives "
                   "none" if gave else "gave no column (each row gives its own)"))
        if self.taxonomy_unread:
            parts = sorted(self.taxonomy_unread.items(), key=lambda t: -t[1])
            said += "; parts read as no column: " + first_few([f"{p!r} ({n})" for p, n in parts], 5)
        if self.taxonomy_empty_ids:
            n = len(self.taxonomy_empty_ids)
            said += (f"; {n} row{'s' if n != 1 else ''} without one (ids {self.named_few(self.taxonomy_empty_ids, 5)}):"
                     " their categories left empty, a look files each by its type or the tagger's reading of its "
                     "photo; give each a product category in Shopify to have it filed as the shop files it")
        return said

    def hidden_said(self) -> str:
        """The line `data check` gives the products the shop hides (:attr:`hidden`), by why, each as the shop writes
        it (a Handle, not its hash: stop 75)."""
        k = len(self.hidden)
        why = collections.Counter(self.hidden.values())
        said = "; ".join(f"{n} {reason} (id{'s' if n != 1 else ''} "
                         f"{self.named_few([i for i, r in self.hidden.items() if r == reason], 10)})"
                         for reason, n in why.most_common())
        own = [c for c in self.visibility_columns if _spelling(c) == "hidden"]
        unread = "; ".join(f"{column!r} " + first_few([f"{word!r} ({n} row{'s' if n != 1 else ''})"
                                                       for word, n in words.items()], 5)
                           + f" (hidden where it says {', '.join(sorted(HIDDEN_WHEN[_spelling(column)]))})"
                           for column, words in self.visibility_unread.items())
        return (f"hidden           read from {', '.join(map(repr, self.visibility_columns))}: {k} product"
                f"{'s' if k != 1 else ''} the shop hides{': ' + said if k else ''}; indexed, but never recommended, "
                "listed or searched (asked for by id, one is said hidden; `fashionrec index stock --unhide ID` or "
                "`--from` of an export that shows it shows it without a rebuild)"
                # A shop's own column of that name is read as fashionrec's (visibility.HIDDEN_WHEN): said.
                + (f"; {own[0]!r} is read as `index stock --export` writes it: true, yes, y or 1 hides, false, no, "
                   "n or 0 shows" if own else "")
                + (f"; words that say neither, read as shown: {unread}: where one means hidden, write it so, or "
                   "hide those products with `fashionrec index stock --hide IDS`" if unread else ""))

    def not_for_sale_said(self) -> str:
        """The line `data check` gives the products shown but not for sale (:attr:`not_for_sale`)."""
        k, why = len(self.not_for_sale), ", ".join(sorted(set(self.not_for_sale.values())))
        return (f"not for sale     {k} product{'s' if k != 1 else ''} ({why}; ids "
                f"{self.named_few(sorted(self.not_for_sale), 10)}): read as sold out (stock 0)")

    def colours_said(self) -> str:
        """The line `data check` gives a catalogue without a colour column: where its colours are read from."""
        options, named = (self.colours_filled.get(k, []) for k in ("option", "name"))
        several = [i for i in options if len(set(self.option_colours.get(i, []))) > 1]
        given = self.colours_given
        left = max(self.rows - len(options) - len(named) - len(given), 0)

        columns = ", ".join(map(repr, self.attributes.get("baseColour", {}).get("read_from", {})))
        return ("colours          no colour column" + (
                    f": {len(given)} from the shop's own colour option ({columns}; ids "
                    f"{self.named_few(given, 5)}), the others"
                    if given else ", so") + f" read, not labelled: {len(options)} from a variant line's "
                "colour option" + (f" (ids {self.named_few(options, 5)})" if options else "")
                + (f", {len(several)} of them naming several colours, read as the first (ids "
                   f"{self.named_few(several, 5)})"
                   if several else "")
                + f"; {len(named)} from the one colour the product's name says"
                + (f" (ids {self.named_few(named, 5)})" if named else "")
                + f"; {left} from the tagger's reading of the photo at `index build`; the API's items say which "
                "(baseColour_from); a colour column (or columns.json mapping one) gives the shop's own labels")

    def sale_dates_said(self) -> str:
        """The rows whose sale is not on, by their sale dates, and the dates that are none (stop 76)."""
        said = []
        if self.sale_not_on:
            k = len(self.sale_not_on)
            which = first_few([f"id {self.named([i])[0]} {why}" for i, why in self.sale_not_on.items()], 10)
            said.append(f"{k} row{'s' if k != 1 else ''} whose {self.price_column!r} is not on "
                        f"{self.sale_dates_read_on} by its sale dates ({which}): read at "
                        f"{self.price_fallback_column!r}; the dates are read when the index is built or its "
                        "prices set from the export (`fashionrec index stock --from EXPORT`, stop 77), so run one "
                        "of them when a sale starts or ends")
        if self.sale_dates_invalid:
            k = len(self.sale_dates_invalid)
            which = first_few([f"id {self.named([i])[0]}: {why}" for i, why in self.sale_dates_invalid.items()], 10)
            said.append(f"{k} row{'s' if k != 1 else ''} whose sale date is none ({which}): read at its sale price "
                        "as if on; correct the date")
        return "; ".join(said)

    def summary_lines(self) -> list[str]:
        """A short human-readable report, one fact per line."""
        lines = [
            f"catalogue        {self.data_dir}" + (f" (its rows {self.places['@table']}, its photos "
                                                       f"{self.places['@images']}/: {COLUMN_MAP_FILE})"
                                                       if self.places else ""),
            f"rows             {self.rows}",
            f"rows recovered   {self.rows_recovered} (extra commas joined back into productDisplayName)",
        ]
        lines += [f"  line {line} (id {i}): name read as {name!r}; if the comma is in "
                  f"{' or '.join(self.recovered_beside)}, quote that field"
                  for line, (i, name) in list(self.recovered_names.items())[:20]]
        if len(self.recovered_names) > 20:
            lines.append(f"  ... and {len(self.recovered_names) - 20} more (see --json)")
        if self.read_as:
            lines.append(f"read as          {', '.join(self.read_as)}")
        if self.non_utf8_lines:
            lines.append(f"not UTF-8        {len(self.non_utf8_lines)} lines read as Windows-1252 "
                         f"(lines {first_few(self.non_utf8_lines)}); "
                         f"save {self.table_name} as UTF-8 to be sure of their text")
        if self.stray_quote_lines:
            lines.append(f"stray quotes     {len(self.stray_quote_lines)} lines with an unclosed \" read on their own "
                         f"(lines {first_few(self.stray_quote_lines)}; a quote that swallowed the fields after it is "
                         "taken out); check their names")
        for column, ids in self.invalid_values.items():
            lines.append(f"invalid {column:<8} {len(ids)} rows kept with it missing (ids {self.named_few(ids)})"
                         + ("; a price is an amount of 0 or more, such as 499, 1299.50 or ₹1,299"
                            if column == PRICE else
                            "; a stock level is a quantity (0 is sold out) or yes/no" if column == STOCK else ""))
        if self.store_view_lines:
            k = sum(map(len, self.store_view_lines.values()))
            lines.append(f"store view rows  {k} (store_view_code "
                         + ", ".join(f"{code!r}: lines {first_few(at, 5)}"
                                     for code, at in self.store_view_lines.items())
                         + "): a store view's own values (a translation) of a product read from its default row "
                         "(store_view_code empty); read past, not counted among the rows")
        lines.append(f"rows rejected    {len(self.rows_rejected)}")
        lines += self.rejected_lines(20)
        lines += [
            f"with image       {self.with_image}",
            f"missing image    {self.missing_image}" + (f" (ids {self.named_few(self.missing_image_ids)})"
                                                          if self.missing_image_ids else "")
            + "".join(f"; {reason}: ids {self.named_few(ids, 10)}"
                      for reason, ids in self._missing_by_reason().items())
            + (f"; {self.photo_column_said()}" if self.missing_image and self.photo_column_unmapped else ""),
            f"unreadable image {len(self.unreadable_image)}",
        ]
        lines += [f"  id {self.named([p.id])[0]}: {p.reason}" for p in self.unreadable_image[:20]]
        if len(self.unreadable_image) > 20:
            lines.append(f"  ... and {len(self.unreadable_image) - 20} more (see --json)")
        if self.blank_image_ids:
            lines.append(f"blank image      {len(self.blank_image_ids)} (ids {self.named_few(self.blank_image_ids)}): "
                         "one flat colour, kept; replace these photos")
        if self.greyscale_image_ids:
            lines.append(f"greyscale image  {len(self.greyscale_image_ids)} "
                         f"(ids {self.named_few(self.greyscale_image_ids)}): the product's colour cannot be seen, "
                         "kept; replace these photos")
        if self.tiny_image_ids:
            lines.append(f"tiny image       {len(self.tiny_image_ids)} (ids {self.named_few(self.tiny_image_ids)}): "
                         "under "
                         f"{MIN_PHOTO_SIDE} pixels on a side, kept; replace these photos")
        if self.long_thin_image_ids:
            thin = self.long_thin_image_ids
            lines.append(f"long thin image  {len(thin)} (ids {self.named_few(thin)}): "
                         f"over {LONG_THIN_RATIO}:1 either way, so a thin band where a model fits it into its 3:4 "
                         "frame, kept; replace these photos (or pad them to 3:4)")
        if self.shared_photos:
            differ = [g for g in self.shared_photos if g["differ"]]
            rows = sum(len(g["ids"]) for g in self.shared_photos)
            lines.append(f"same photo       {len(self.shared_photos):,} photos are each the photo of several rows "
                         f"({rows:,} rows); {len(differ)} of them are the photo of rows whose labels differ: each "
                         "time one of those rows has the wrong photo or wrong labels")
            lines += [f"  ids {' = '.join(map(str, self.named(g['ids'])))}: {', '.join(g['differ'])} "
                      f"{'differs' if len(g['differ']) == 1 else 'differ'}" for g in differ[:10]]
            if len(differ) > 10:
                lines.append(f"  ... and {len(differ) - 10} more (see --json)")
        if self.second_photos:
            said = first_few([f"{other} beside {used}" for other, used in self.second_photos], 5)
            lines.append(f"second photos    {len(self.second_photos)} ({said}): not read; one photo is a row's")
        if self.photos_in_subfolders:
            lines.append(f"photos in subfolders {len(self.photos_in_subfolders)} "
                         f"({first_few(self.photos_in_subfolders, 5)}): not read; a row's photo is images/<id>.jpg"
                         + (f"; {self.photo_column_said()}" if self.photo_column_unmapped else ""))
        if self.photos_named_otherwise:
            said = first_few([f"{name!r} for {i}" for name, i in self.photos_named_otherwise.items()], 10)
            lines.append(f"photos named otherwise {len(self.photos_named_otherwise)} ({said}): read as those ids' "
                         "photos")
        if self.variant_lines_folded:
            k = len(self.variant_lines_folded)
            lines.append(f"variant lines    {k} folded (line{'s' if k != 1 else ''} "
                         f"{first_few(self.variant_lines_folded, 10)}): a product's other sizes, colours or photos "
                         + (f"(naming a product line above as their {self.variant_column}), " if
                            _spelling(self.variant_column) == "parent" else
                            f"(whose {self.variant_column} is SKU, Variant, Image or Rule, under their Product line), "
                            if _spelling(self.variant_column) in LISTING_KIND_HEADERS else
                            f"(the {self.variant_column} of a product line above, and no id of their own), ")
                         + "read as that one product, with its line's name, labels and price")
        if self.photos_from_variants:
            k = len(self.photos_from_variants)
            said = first_few([f"{i}: {name}" for i, name in self.photos_from_variants.items()], 10)
            lines.append(f"variant photos   {k} product{'s' if k != 1 else ''} whose line has no photo read with "
                         f"{'its' if k == 1 else 'their'} first variation's ({said})")
        if self.variant_photos_not_read:
            k = len(self.variant_photos_not_read)
            said = first_few([f"{name} of {i}" for name, i in self.variant_photos_not_read.items()], 10)
            lines.append(f"variant photos   {k} not read ({said}): a variation's own photo (another colour?) beside "
                         "its product's, which is the one read, one photo a product; give that variation a product "
                         "line of its own to have it shown and found")
        lines += self.attributes_said()
        if self.category_path_ids:
            k = len(self.category_path_ids)
            lines.append(f"category paths   {k} row{'s' if k != 1 else ''} whose articleType is a category path "
                         f"({self.category_path_example!r}, id{'s' if k != 1 else ''} "
                         f"{self.named_few(self.category_path_ids, 5)}): read as its deepest path's last part, the "
                         "gender a part of it names and the masterCategory and subCategory its parts between are "
                         "(the catalogue's names: 'Apparel', 'Topwear'; 'Clothing' as Apparel) where the row gives "
                         "none" + self.category_parts_said())
        if self.taxonomy_column:
            lines.append(self.taxonomy_said())
        if self.duplicate_skus:
            k = len(self.duplicate_skus)
            said = "; ".join(f"{sku!r}: ids {', '.join(map(str, ids))}"
                             for sku, ids in list(self.duplicate_skus.items())[:5])
            said += " ..." if k > 5 else ""
            lines.append(f"duplicate SKU    {k} ({said}): each a product of its own, but one SKU names one product; "
                         "give each its own (a variation whose Parent names such a SKU is read as the first's)")
        if self.variant_prices:
            lines.append(f"variant prices   {variant_prices_said(self.variant_prices)}")
        if self.variant_lines_kept:
            k = len(self.variant_lines_kept)
            lines.append(f"variant lines    {k} kept as products (line{'s' if k != 1 else ''} "
                         f"{first_few(self.variant_lines_kept, 10)}): the {self.variant_column} of a product line "
                         "above with ids of their own, their empty fields read from that line")
        if self.ids_written_otherwise:
            lines.append(self.ids_written_said(10))
        if self.images_without_row:
            lines.append(f"images without a row {len(self.images_without_row)} "
                         f"({first_few(self.images_without_row, 10)}): not in the catalogue until "
                         f"{self.table_name} has their ids")
        if self.odd_size_images:
            sizes = ", ".join(f"{k}: {v}" for k, v in sorted(self.odd_size_images.items()))
            # Said as what it is, a count and no fault: a shop's 600x800 photos read "images not 60x80 58" as
            # if something were wrong (a new user's trial).
            lines.append(f"images not 60x80 {sum(self.odd_size_images.values())} ({sizes}): fine, every photo is "
                         "resized for the model")
        for column, values in self.missing_like.items():
            said = ", ".join(f"{v!r} ({n})" for v, n in values.items())
            lines.append(f"missing-like     {column}: {said}: kept as written" + (
                ", so a label of its own (a class to train on)" if column in ATTRIBUTES else "")
                + "; leave the field empty where there is none")
        if self.placeholder_names:
            ids = first_few(self.placeholder_names)
            lines.append(f"placeholder name {len(self.placeholder_names)} (ids {ids}): a file name, a test record's "
                         "or the column's name, kept; check these rows")
        for column, folded in self.case_folded.items():
            said = ", ".join(f"{k!r} -> {to!r} ({n})" for k, (to, n) in list(folded.items())[:10])
            lines.append(f"case folded      {column}: {said}{' ...' if len(folded) > 10 else ''}; read as the "
                         "catalogue's usual spelling (in brackets: how many rows had it)")
        if self.unknown_genders:
            # With the catalogue's word where a shopper's word says it ("'Female' (1, meaning 'Women'?)"):
            # an ML engineer's trial had to guess what to write instead.
            def meant(g: str) -> str:
                words = GENDER_WORDS.get(g.strip().lower())
                return f", meaning {words[0]!r}?" if words and len(words) == 1 else ""

            said = ", ".join(f"{g!r} ({n}{meant(g)})" for g, n in self.unknown_genders.items())
            lines.append(f"unknown gender   {said}: kept as written, but a look and similar items know wearers by "
                         f"{', '.join(GENDERS)}: correct {self.table_name}")
        if self.control_char_lines:
            n = len(self.control_char_lines)
            lines.append(f"control chars    taken out of {n} line{'s' if n != 1 else ''} (line{'s' if n != 1 else ''} "
                         f"{first_few(self.control_char_lines)}): a NUL, an escape, a line break inside a field or a "
                         "right-to-left override (which shows a name backwards)")
        if self.long_names:
            lines.append(f"long name        {len(self.long_names)} (id{'s' if len(self.long_names) != 1 else ''} "
                         f"{self.named_few(self.long_names, 5)}): over "
                         f"{LONG_NAME} characters, kept; check these rows")
        if self.invisible_char_lines:
            lines.append(f"invisible chars  taken out of the labels of {len(self.invisible_char_lines)} lines "
                         f"(lines {first_few(self.invisible_char_lines)}): a zero-width space made another value, as "
                         "a no-break space did (made a plain space, in the names too)")
        for column, typos in self.possible_typos.items():
            said = "; ".join(f"{t['value']!r} ({t['rows']} row{'s' if t['rows'] != 1 else ''}, "
                             f"id{'s' if t['rows'] != 1 else ''} {self.named_few(t['ids'], 5)}) is like "
                             f"{t['like']!r} "
                             f"({t['like_rows']:,})" for t in typos[:5])
            lines.append(f"possible typo    {column}: {said}{' ...' if len(typos) > 5 else ''}; kept as written: "
                         f"correct {self.table_name} if they are")
        if self.column_map:
            unused = ", ".join(map(repr, self.column_map_unused))
            lines.append(f"columns mapped   {', '.join(f'{h!r} as {c}' for h, c in self.column_map.items())} "
                         f"({COLUMN_MAP_FILE})" + (f"; not in the header: {unused}" if unused else ""))
        if self.renamed_columns:
            lines.append("columns read as " + ", ".join(f"{c} ({h!r} in the header)"
                                                       for h, c in self.renamed_columns.items()))
        if self.absent_columns:
            lines.append(f"absent columns   {', '.join(self.absent_columns)}: not in the header, so empty in every "
                         f"row (add the column to {self.table_name} to give them){self.misnamed_said()}")
        if self.colour_unlabelled:
            lines.append(self.colours_said())
        if self.price_column:
            lines.append(f"prices           read from the column {self.price_column!r}"
                         + (f", else {self.price_fallback_column!r}" if self.price_fallback_column else "")
                         + (f", written in {self.price_currency}" if self.price_currency else "")
                         + "; a row without one, or "
                         "with one that is no amount, is kept without a price")
        if self.on_sale_ids:
            k = len(self.on_sale_ids)
            lines.append(f"on sale          {k} row{'s' if k != 1 else ''} (id{'s' if k != 1 else ''} "
                         f"{self.named_few(self.on_sale_ids, 10)}): sold at {self.price_column!r}, their regular "
                         "price kept beside it (cards show it struck through; 'on sale' in a search lists them)")
        if self.regular_price_invalid:
            k = len(self.regular_price_invalid)
            said = first_few([f"id {i} {written!r}" for i, written in self.regular_price_invalid.items()], 10)
            lines.append(f"invalid regular price {k} row{'s' if k != 1 else ''} on sale whose "
                         f"{self.price_fallback_column!r} is no amount ({said}): read at {self.price_column!r}; "
                         "correct the regular price, the price a sale ends at (an amount of 0 or more, such as 499)")
        # A sale price above the regular one: WooCommerce sells at the regular price, BigCommerce at the sale price.
        for label, found, read_at, why, fix in (
                ("sale above regular", self.sale_above_regular, self.price_fallback_column,
                 "the price the shop sells at (a sale price is below the regular one)", "leave it empty"),
                ("sale above price", self.sale_above_price, self.price_column,
                 "the price BigCommerce sells at (a sale price set is used whether below the price or not), and not "
                 "as on sale", "set it to 0 where there is no sale")):
            if found:
                said = first_few([f"id {self.named([i])[0]}: {sale} above {regular}"
                                   for i, (sale, regular) in found.items()], 10)
                lines.append(f"{label} {len(found)} row{'s' if len(found) != 1 else ''} whose {self.price_column!r} "
                             f"is above its {self.price_fallback_column!r} ({said}): read at {read_at!r}, {why}; "
                             f"correct the sale price or {fix}")
        if self.sale_not_on or self.sale_dates_invalid:
            lines.append(f"sale dates       {self.sale_dates_said()}")
        if self.prices_from_children:
            k = len(self.prices_from_children)
            lines.append(f"child prices     {k} configurable product{'s' if k != 1 else ''} without a price of "
                         f"{'their' if k != 1 else 'its'} own read at {'their' if k != 1 else 'its'} lowest-priced "
                         "child's, as the shop's page shows it (configurable_variations; ids "
                         f"{self.named_few(list(self.prices_from_children), 10)})")
        if self.ambiguous_prices:
            lines.append(f"ambiguous price  {self.ambiguous_said()}")
        if self.stock_column:
            k = len(self.sold_out_ids)
            beside = (f" (with {', '.join(map(repr, self.stock_beside))}: a line not tracked, sold while at 0 or "
                      "in stock by its status is available, one out of stock by its status sold out)"
                      if self.stock_beside else "")
            lines.append(f"stock            read from the column {self.stock_column!r}{beside}: {k} sold out"
                         + (f" (id{'s' if k != 1 else ''} {self.named_few(self.sold_out_ids, 10)})" if k
                            else "")
                         + "; a sold-out product is indexed but not recommended (`index stock` changes a level); "
                         "a row without a level is available")
            if self.no_level_word_ids:
                k = len(self.no_level_word_ids)
                lines.append(f"  {k} row{'s' if k != 1 else ''} with no stock level "
                             f"({', '.join(repr(w) for w in NO_LEVEL_WORDS)}: id{'s' if k != 1 else ''} "
                             f"{self.named_few(self.no_level_word_ids, 10)}): kept available, as a row "
                             "without a level")
        if self.visibility_columns:
            lines.append(self.hidden_said())
        if self.not_for_sale:
            lines.append(self.not_for_sale_said())
        if self.price_currencies:
            lines.append(f"  {self.currencies_said()}")
        if self.ignored_columns:
            # A price under a name not read ("Unit Price") was one ignored column among others (stop 67).
            priced = [] if self.price_column else [h for h in self.ignored_columns if "price" in _spelling(h)
                                                    and "compareat" not in _spelling(h)]
            lines.append(f"ignored columns  {', '.join(self.ignored_columns)}: not used or kept (the columns used: "
                         f"{', '.join(COLUMNS)}{', ' + PRICE if self.price_column else ''}"
                         f"{', ' + STOCK if self.stock_column else ''})"
                         + (f"; {priced[0]!r} may be the price: map it once with "
                            f"{map_command(self.data_dir, [(priced[0], PRICE)])}, or rename it Price in the header, "
                            "to read it" if priced else ""))
        if self.missing_values:
            empty = ", ".join(f"{k}: {v}" + (f" (id{'s' if v != 1 else ''} "
                                              f"{self.named_few(self.missing_value_ids[k], 5)})"
                                              if self.missing_value_ids.get(k) else "")
                              for k, v in self.missing_values.items() if v and k not in self.absent_columns)
            lines.append(f"empty fields     {empty or 'none'}")
        small = sum(1 for c in self.class_counts.values() if c < 10)
        lines.append(f"classes          {self.classes} articleTypes among usable rows ({small} with < 10 images)")
        return lines


@dataclass
class Catalog:
    """A validated catalogue.

    ``table`` has one row per accepted styles.csv row with the columns of ``COLUMNS`` plus
    ``image_path`` (str), ``image_status`` ("ok", "missing" or "unreadable"), ``image_reason``,
    ``width`` and ``height`` (0 when unknown). ``usable`` is the subset with a readable image: the
    rows that training, evaluation and indexing use.
    """

    root: Path
    table: pd.DataFrame
    report: DataReport

    def __repr__(self) -> str:
        # The dataclass's own printed the whole table and report: 59,619 characters for the real catalogue.
        usable = int((self.table["image_status"] == "ok").sum())
        return (f"Catalog({str(self.root)!r}: {len(self.table):,} rows, {usable:,} usable; .report for what is "
                "wrong, .table and .usable for the rows)")

    @property
    def usable(self) -> pd.DataFrame:
        return self.table[self.table["image_status"] == "ok"].reset_index(drop=True)

    def image_path(self, item_id: int) -> Path:
        return images_path(self.root) / f"{item_id}.jpg"


# The catalogue's literal "NA" (316 usages, 15 colours of the shared one): a value the catalogue has, kept as
# such where the catalogue is described (data check, EDA), but no label to learn, score or check a
# prediction against: it says the label is not known.
NOT_A_LABEL = "NA"


def labels_only(values: pd.Series) -> pd.Series:
    """A label column with :data:`NOT_A_LABEL` (and blanks) as missing, as training, evaluation and tagging
    read it."""
    text = values.astype(str).str.strip()
    return values.mask(values.notna() & text.isin(["", NOT_A_LABEL]))


# A JPEG over this many pixels is decoded at a half, a quarter or an eighth of its size where a photo is only
# read (`fashionrec tag`), as the API decodes one over its FASHIONREC_MAX_PIXELS (40,000,000 by default).
DRAFT_PIXELS = 40_000_000


def open_rgb(source, max_pixels: int | None = None, draft_to: int | None = None) -> Image.Image:
    """Open any image PIL reads (path, file object) as an RGB image.

    Transparent pixels become white, as product photos sit on white; CMYK, palette and grey
    images are converted; EXIF orientation is applied. Raises ``ValueError`` with the reason when
    the bytes are not a decodable image or exceed ``max_pixels``. ``draft_to``: a JPEG over that many pixels
    is decoded smaller, to fit them where it can (an eighth at most), and is not refused.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise ValueError(f"there is no file {path}")
        if path.is_dir():
            raise ValueError(f"{path} is a folder, not an image file")
        if path.stat().st_size == 0:
            raise ValueError(f"{path} is empty (0 bytes), not an image")
    try:
        with warnings.catch_warnings():
            # PIL's DecompressionBombWarning went to a `tag` user's terminal as Python's raw warning: a large
            # photo is decoded smaller here, or refused with the reason (a review).
            if max_pixels is not None or draft_to is not None:
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(source, formats=PHOTO_FORMATS)
        with im:
            limit = max_pixels if max_pixels is not None else draft_to
            if limit is not None and im.width * im.height > limit and im.format == "JPEG":
                # A phone's 48-megapixel JPEG decodes at a half, quarter or eighth of its size at no cost
                # (libjpeg's scaled decoding): the tagger sees 60x80 anyway. `tag` decoded a 108-megapixel one
                # whole (1.64 GB resident where two small photos took 0.94 GB), and so read it otherwise than
                # the API did (a review).
                k = next((k for k in (2, 4, 8) if (im.width // k) * (im.height // k) <= limit), 8)
                im.draft("RGB", (im.width // k, im.height // k))
            if max_pixels is not None and im.width * im.height > max_pixels:
                raise ValueError(f"image is {im.width}x{im.height} pixels ({_mpx(im.width * im.height)}), over "
                                 f"the limit of {_mpx(max_pixels)}: send a smaller photo")
            im.load()
            im = ImageOps.exif_transpose(im)
            return to_rgb(im)
    except UnidentifiedImageError as e:
        # PIL's own message names the file object (``<_io.BytesIO object at 0x...>``) for an upload.
        where = f" {source}" if isinstance(source, (str, Path)) else ""
        if _is_heif(source):
            # An iPhone's default format: "no image format recognised" left a shopper nothing to do about it.
            raise ValueError(f"a HEIC photo{where}, a format not read here: send it as JPEG (an iPhone shares "
                             "photos as JPEG under Settings > Camera > Formats > Most Compatible)") from e
        other = refused_format(source)
        if other:       # "no image format recognised" was wrong for a format Pillow knows and this refuses
            raise ValueError(f"not a photo format read here{where}: its bytes are in the {other} format; send "
                             f"the photo as {PHOTO_FORMATS_SAID}") from e
        raise ValueError(f"not a readable image{where}: no image format recognised in its bytes; send the photo "
                         f"as {PHOTO_FORMATS_SAID}") from e
    except Image.DecompressionBombError as e:
        # PIL refuses to open beyond twice its own pixel limit: the same "too big" as max_pixels. That limit is the
        # one said: a 192-megapixel JPEG was said to be over 89.48, PIL's warning threshold, which `tag` reads past
        # (stop 65, an ML engineer's trial), so a photo made smaller to 150 would have read as refused too.
        size = re.search(r"\((\d+) pixels\)", str(e))
        has = f" ({_mpx(int(size.group(1)))})" if size else ""
        raise ValueError(f"image is too large{has}, over the limit of "
                         f"{_mpx(max_pixels or 2 * Image.MAX_IMAGE_PIXELS)}: send a smaller photo") from e
    except (OSError, SyntaxError) as e:  # truncated or corrupt stream
        # Pillow's readers say a broken file with SyntaxError where it is found while decoding: a PNG whose second
        # picture chunk's header is garbage was a 500 on every photo endpoint (a security review's fuzz).
        raise ValueError(damaged(e)) from e


def made_name(fields: dict) -> str:
    """A product's name made of its gender, colour and type ("Men Green Handbags"): what `index add` names a
    product given none, and what pages show for a placeholder's name; "" where it has none of them."""
    return " ".join(str(fields[k]) for k in ("gender", "baseColour", "articleType") if fields.get(k))


def damaged(e: OSError | SyntaxError) -> str:
    """What to say of a photo PIL could not decode: in words, not PIL's alone ("image file is truncated (87
    bytes not processed)" was a shopper's whole message)."""
    if "truncated" in str(e):
        return ("the image is damaged or incomplete: its file ends part-way through the picture (truncated); "
                "send the whole photo again")
    return f"the image is damaged or incomplete ({e}): send it again, or as another JPEG, PNG or WebP photo"


def as_photo(source) -> Image.Image:
    """A photo as a Python caller may have it: a PIL image, a file's path, its bytes, a file object, or a uint8
    numpy array (H, W), (H, W, 3) or (H, W, 4). Raises ``ValueError`` saying what to pass: a path, bytes or an
    array gave "needs a PIL image", or an AttributeError (a Python user's trial)."""
    if isinstance(source, Image.Image):
        try:
            source.load()
        except (AssertionError, ValueError) as e:     # PIL asserts on a file closed before loading
            raise ValueError("the PIL image cannot be read: its file was closed before the image was loaded; "
                             "open it again, or call .load() while it is open") from e
        except OSError as e:
            raise ValueError(damaged(e)) from e
        # Turned as its camera said, as a path or bytes are: a turned JPEG opened by the caller was "Sweatshirts"
        # and as a path "Tshirts" (a review).
        return ImageOps.exif_transpose(source) if source.getexif().get(0x0112, 1) != 1 else source
    if isinstance(source, (bytes, bytearray, memoryview)):
        return open_rgb(io.BytesIO(bytes(source)))
    if isinstance(source, np.ndarray):
        if source.dtype != np.uint8 or not (source.ndim == 2 or source.ndim == 3 and source.shape[2] in (3, 4)):
            raise ValueError(f"a photo as a numpy array is uint8 of shape (H, W), (H, W, 3) RGB or (H, W, 4) RGBA, "
                             f"not {source.dtype} {source.shape}")
        return Image.fromarray(source)
    if isinstance(source, (str, Path)) or hasattr(source, "read"):
        return open_rgb(source)
    raise ValueError(f"a photo is a PIL image, a file's path, its bytes, a file object or a uint8 numpy array, "
                     f"not {type(source).__name__}")


def checked_photo(source) -> Image.Image:
    """:func:`as_photo`, then :func:`check_photo`: a photo that can be searched with or added, else
    :class:`~fashionrec.errors.BadInputError` saying why."""
    try:
        photo = as_photo(source)
        check_photo(photo)
    except ValueError as e:
        raise BadInputError(str(e)) from e
    return photo


def one_or_many_photos(photos) -> list:
    """``photos`` as a list: one photo given alone (any form :func:`as_photo` takes; a BytesIO was read as a
    list of lines) as a list of it; a 4-d array of pixels, or an array of paths, as its photos."""
    single = (Image.Image, str, Path, bytes, bytearray, memoryview)
    # An array of numbers in two or three dimensions is one photo (as_photo says when it is not uint8: a float32
    # one was read as 80 photos, "photo 1 of 80 ... not float32 (60, 3)", a Python user's trial); any other (of
    # paths, say, or a 4-d batch of pixels) is a list of them.
    pixels = isinstance(photos, np.ndarray) and photos.dtype.kind in "biuf" and photos.ndim in (2, 3)
    if isinstance(photos, single) or hasattr(photos, "read") or pixels:
        return [photos]
    try:
        return list(photos)
    except TypeError as e:      # None, a number: a TypeError from Python before (a trial)
        raise BadInputError(f"photos are a photo or a list of them (PIL images, paths, bytes, file objects or uint8 "
                            f"arrays), not {type(photos).__name__}") from e


def _head(source, size: int = 16) -> bytes:
    """The first bytes of ``source`` (a path or a file object), or none where they cannot be read."""
    try:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as f:
                return f.read(size)
        source.seek(0)
        return source.read(size)
    except (OSError, AttributeError, ValueError):
        return b""


def _is_heif(source) -> bool:
    """Whether ``source`` (a path or a file object) holds a HEIF/HEIC image: an ISO box "ftyp" of a HEIF brand."""
    head = _head(source, 12)
    return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1")


def refused_format(source) -> str | None:
    """The format Pillow would take ``source`` for, where it is not one of :data:`PHOTO_FORMATS` (EPS, ICO,
    JPEG 2000...): told by each format's check of the first bytes alone, nothing decoded."""
    head = _head(source)
    Image.init()
    for name, (_, accept) in Image.OPEN.items():
        # CUR's check is four bytes an uncompressed TGA starts with too (every TGA was named "CUR", a review).
        if name not in PHOTO_FORMATS and name != "CUR" and accept is not None and head:
            try:
                if accept(head) is True:
                    return name
            except Exception:       # a check that cannot read so few bytes says nothing
                continue
    return None


def _mpx(pixels: int) -> str:
    return f"{pixels / 1e6:.2f} megapixels"     # 2 decimals: 40.01 over a limit of 40.00 must show


# A name that is a file name ("Ayaanay_Women_New_2013_Tunics_Size_Chart.jpg"), a test record's ("test
# dispName", "RTV_LoadTest") or the column's own name (id 24078's is "productDisplayName"): the shared
# catalogue has five such rows, one a shirt's photo filed as a handbag.
PLACEHOLDER_NAME = r"(?i)\.(?:jpe?g|png|gif|webp|tiff?|bmp)$|^test\b|loadtest|dispname|^productdisplayname$"
MIN_PHOTO_SIDE = 32     # pixels: below this a photo is an icon or a tracking pixel, not a product to tag
# Levels: a photo whose every colour channel lies within this range is one flat colour. The shared catalogue has
# one such photo (id 44998, pure white); its faintest real products (thin gold chains) span 17 levels or more.
BLANK_RANGE = 8
BLANK_REASON = "one flat colour, with no product to see"
NO_IMAGE = "no image file"          # a row's photo that is not there at all
IN_SUBFOLDER = "is in a folder inside images/, which is not read: move it to images/"    # after the file's path
# What exports write for "none" (casefolded), beside the catalogue's own "NA" (NOT_A_LABEL), which is said apart.
MISSING_MARKERS = frozenset({"n/a", "nan", "null", "none", "-", "--", "#n/a", "(blank)", "undefined"})
TINY_REASON = f"under {MIN_PHOTO_SIDE} pixels on a side, too small to show a product"
# A photo this many times longer one way than the other is a strip or a banner, not a product photo (the shared
# catalogue's are 3:4, its widest 60x60; a 30000x20 line was drawn as an EDA sample, a data review, stop 61).
LONG_THIN_RATIO = 4
# A greyscale file (its mode, not a black product's look): its product's colour cannot be seen, so the tagger's
# colour for it is a guess ("Black 0.96" for a blue product, a shop's trial) and the photo wants replacing.
GREY_REASON = "greyscale: the product's colour cannot be seen"
GREY_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F"})


def long_thin(width, height):
    """Whether a photo of ``width`` x ``height`` (numbers, or arrays or Series of them) is over
    :data:`LONG_THIN_RATIO`:1 either way; a size of 0 (not read) is not."""
    long_side, short_side = np.maximum(width, height), np.minimum(width, height)
    return (short_side > 0) & (long_side > LONG_THIN_RATIO * short_side)


def _flat(image: Image.Image) -> bool:
    return max(hi - lo for lo, hi in image.getextrema()) <= BLANK_RANGE


def is_blank(image: Image.Image) -> bool:
    """Whether ``image`` is one flat colour (a blank or fully transparent picture): every channel within
    BLANK_RANGE levels, so that a red mark on a grey of the same brightness still counts as a picture."""
    rgb = to_rgb(image)
    # Nearest-neighbour pixels are some of the photo's own, so a spread among them is a spread in the photo:
    # most photos are settled on 64x64 of them (0.3 ms for a 4-megapixel upload, where all its pixels take
    # 14 ms); only a sample that looks flat needs the rest.
    return _flat(rgb.resize((min(rgb.width, 64), min(rgb.height, 64)), Image.NEAREST)) and _flat(rgb)


def check_photo(image: Image.Image) -> None:
    """Raise ValueError for a query photo that cannot show a product: too small (a 1x1 PNG got a confident
    'Women 93%') or blank (a white square got 'Pendant 67%' and a blank catalogue photo as its match)."""
    if min(image.size) < MIN_PHOTO_SIDE:
        raise ValueError(f"the image is only {image.width}x{image.height} pixels, too small to tell what it shows: "
                         f"send a photo at least {MIN_PHOTO_SIDE} pixels on each side")
    if is_blank(image):
        raise ValueError(f"the image is {BLANK_REASON}: send a photo of the product")


def to_rgb(im: Image.Image) -> Image.Image:
    """``im`` in RGB, transparency on white; a greyscale one says so in ``info["greyscale"]`` (its colour cannot
    be seen: :func:`is_greyscale`)."""
    if im.mode == "RGB":
        return im
    grey = im.mode in GREY_MODES
    if im.mode in ("I", "F") or im.mode.startswith("I;16"):
        im = _eight_bit(im)
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA"):
        rgba = im.convert("RGBA")
        out = Image.new("RGB", rgba.size, (255, 255, 255))
        out.paste(rgba, mask=rgba.getchannel("A"))
    else:
        out = im.convert("RGB")
    out.info["greyscale"] = grey
    return out


def _eight_bit(im: Image.Image) -> Image.Image:
    """A 16-bit, 32-bit or floating-point grey photo as 8-bit grey: PIL's own conversion clips it at 255, so a
    16-bit PNG of jeans was white, "one flat colour" (a trial). Integer levels over 255 are scaled down; an
    integer image within 0-255, 16-bit or not, is kept; a float one within 0-1 is scaled up, otherwise read as
    levels."""
    # float32 (exact for 16-bit levels) and in place: float64 copies took 914 MB for a 92 KB 6320x6320 PNG
    # upload, about 240 MB so (a security review).
    a = np.array(im, dtype=np.float32)
    top = float(a.max()) if a.size else 0.0
    # A 16-bit file within 0-255 holds 8-bit levels stored unscaled (numpy's astype(uint16) of a grey photo):
    # scaled as 16-bit levels it was black, "one flat colour" (a data review, stop 61). A true 16-bit photo
    # so low is within 0.4% of black, no picture anyone could see, so nothing is lost reading it as levels.
    # (Pillow opens a 16-bit PNG as "I;16", so the "I" rule alone never reached one.)
    if top > 255 and (im.mode.startswith("I;16") or im.mode == "I"):
        a /= 65535 / 255 if top <= 65535 else top / 255
    elif im.mode == "F" and top <= 1.0:
        a *= 255
    np.round(a, out=a)
    np.clip(a, 0, 255, out=a)
    return Image.fromarray(a.astype(np.uint8), "L")


def is_greyscale(im: Image.Image) -> bool:
    """Whether a photo is greyscale as a file (its mode), also after :func:`to_rgb` made it RGB."""
    return im.mode in GREY_MODES or bool(im.info.get("greyscale"))


def photo_digest(data: bytes) -> bytes:
    """The digest of a photo's bytes: what tells one photo listed under several ids, what a rebuild finds an
    embedded photo by (:mod:`fashionrec.index_reuse`) and what `index check` finds a replaced one by."""
    return hashlib.blake2b(data, digest_size=16).digest()


def check_image(path: Path) -> tuple[str, str, int, int, bytes]:
    """Return ``(status, reason, width, height, digest)`` for one image file without keeping its pixels; the
    digest of its bytes (b"" when there are none) tells one photo listed under several ids."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        # A link whose file is gone is a photo the shop meant to have: said as such (a shop's re-trial).
        return "missing", ("a folder named as a photo, not an image file" if path.is_dir() else
                           "a link to a file that is gone" if path.is_symlink() else NO_IMAGE), 0, 0, b""
    except OSError as e:        # no permission, an I/O error: said per id, not a traceback for the catalogue
        return "unreadable", f"cannot read the file: {e.strerror or e}", 0, 0, b""
    if not data:
        return "unreadable", "zero-byte file", 0, 0, b""
    digest = photo_digest(data)
    try:
        with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as im:
            w, h = im.size
            grey = im.mode in GREY_MODES
            # draft() lets JPEG decode at a reduced scale: a full pass over the stream (so truncation
            # is caught) without the cost of full-size pixels for large catalogue photos.
            im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
            im.load()
            flat = is_blank(im)
        if flat and im.size != (w, h):
            # The reduced decode flattens faint products (a thin chain spans 3 grey levels at 1/8 scale, 17 in
            # full): a photo only counts as blank when its full-size pixels are flat too.
            with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as full:
                flat = is_blank(full)
    except Image.DecompressionBombError as e:
        return "unreadable", f"too many pixels to decode safely: {e}", 0, 0, digest
    except UnidentifiedImageError as e:
        other = refused_format(io.BytesIO(data))
        return "unreadable", (f"in the {other} format, not a photo format read here ({PHOTO_FORMATS_SAID})" if other
                              else f"not an image: {type(e).__name__}"), 0, 0, digest
    except (OSError, SyntaxError, ValueError) as e:
        return "unreadable", f"corrupt or truncated image: {e}", 0, 0, digest
    # Both kept usable (splits stay as they were) but never a shopper's match (item_tables._set_aside_rows):
    # a 4x5 photo was a formal shoe tagged "Bangle 0.20", and photo search refuses such a query (check_photo).
    reason = TINY_REASON if min(w, h) < MIN_PHOTO_SIDE else BLANK_REASON if flat else GREY_REASON if grey else ""
    return "ok", reason, w, h, digest


_NUMBER = re.compile(r"[-+]?\d+(?:[.]\d+)?")
# The ".0" of an id written as a float (pandas' "12933.0", a spreadsheet's two decimals "12933.00"); not ".000",
# which in a locale writing thousands with a dot is "1.000", the id 1000.
_WHOLE_ID = re.compile(r"(?<=\d)[.]0{1,2}$")
_YEAR = re.compile(r"\d+(?:[.]0+)?")       # 2013, or 2013.0 as pandas writes a column with blanks


def first_few(values: list, shown: int = 20) -> str:
    """The first ``shown`` of ``values``, comma-separated, with " ..." where there are more: how every message
    lists ids, lines or values."""
    return ", ".join(map(str, values[:shown])) + (" ..." if len(values) > shown else "")


def _latin1(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start:error.end].decode("latin-1"), error.end


_LATIN1_FALLBACK = "fashionrec-latin1"
codecs.register_error(_LATIN1_FALLBACK, _latin1)


def _decode_lines(csv_path: Path, report: DataReport) -> str:
    """The file's text: UTF-8, except single lines that are not, which are read as Windows-1252 (Latin-1
    for the few bytes it lacks) and listed in the report rather than failing the whole catalogue."""
    data = csv_path.read_bytes()
    # An archive or a spreadsheet's own file under the name: said as such, where it was "separates its fields
    # with semicolons" or "lacks the columns" all ten (a data engineer's trial).
    for magic, what in ((b"\x1f\x8b", "gzip-compressed: unpack it (gunzip) first"),
                        (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx?): save it as CSV UTF-8"),
                        (b"\xd0\xcf\x11\xe0", "an old Excel .xls file: save it as CSV UTF-8")):
        if data.startswith(magic):
            raise CatalogError(f"{csv_path} is not a CSV text file but {what}")
    # Excel's "Unicode Text" and some exports: read as such, not as a file lacking every column. (UTF-32's
    # mark starts with UTF-16's: looked for first.)
    for marks, encoding in (((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "UTF-32"),
                            ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "UTF-16")):
        if data.startswith(marks):
            try:
                text = data.decode(encoding.lower())
            except UnicodeDecodeError as e:
                raise CatalogError(f"{csv_path} starts as {encoding} but is not ({e}): save it as UTF-8 CSV") from e
            report.read_as.append(encoding)
            return text
    # UTF-16 without its mark (a script's or a database's export; Excel writes the mark): a NUL beside every
    # character of the header, which is ASCII. It was "lacks the columns" all three (a data trial, stop 62).
    head = data[:200 - 200 % 2] if len(data) >= 200 else data[:len(data) - len(data) % 2]
    for encoding, zeros, chars in (("UTF-16-LE", head[1::2], head[0::2]), ("UTF-16-BE", head[0::2], head[1::2])):
        if len(head) >= 8 and not any(zeros) and all(chars):
            try:
                text = data.decode(encoding.lower())
            except UnicodeDecodeError as e:
                raise CatalogError(f"{csv_path} looks like {encoding} without a byte-order mark but is not ({e}): "
                                   "save it as UTF-8 CSV") from e
            report.read_as.append(f"{encoding} (without a byte-order mark)")
            return text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    out = []
    for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(keepends=True), start=1):
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            report.non_utf8_lines.append(number)
            out.append(raw.decode("cp1252", errors=_LATIN1_FALLBACK))
    return "".join(out)


def _fields(line: str, sep: str = ",") -> list[str]:
    return next(csv.reader([line], delimiter=sep), [])


def _without_stray_quote(line: str, sep: str, n: int) -> list[str]:
    """The fields of a line with an unclosed quote, read on its own: where the quote swallows the fields after it
    (``15970,"Men,Apparel,...``: "2 fields instead of 10", a data review, stop 61), the line without the one quote
    whose removal gives the header's ``n`` fields; else as csv reads it."""
    fields = _fields(line, sep)
    if len(fields) < n:
        for at in (i for i, c in enumerate(line) if c == '"'):
            if len(mended := _fields(line[:at] + line[at + 1:], sep)) == n:
                return mended
    return fields


def _records(text: str, n: int, report: DataReport, start: int = 1, sep: str = ",", id_at: int = 0):
    """(line number, fields) of each record after the header (the line before index ``start``), fields
    separated by ``sep``. A quoted field may span lines (a name with a line break), but one that runs over
    lines which are rows themselves (an id in column ``id_at``) is an unclosed quote: that line is read on its
    own and reading starts again on the next, so no row vanishes inside another's name."""
    physical = io.StringIO(text, newline="").readlines()
    pos = start                                       # index of the first line the reader reads
    # A field may be as long as the file (csv's default of 128 KiB stopped every command at a long name, a trial).
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    while pos < len(physical):
        reader = csv.reader(iter(physical[pos:]), delimiter=sep)
        done = 0
        for row in reader:
            first, last = pos + done + 1, pos + reader.line_num          # the record's line numbers
            if any(len(f := _fields(line, sep)) >= n and f[id_at].strip().isdigit()
                   for line in physical[first:last]):
                report.stray_quote_lines.append(first)
                yield first, _without_stray_quote(physical[first - 1], sep, n)
                pos = first
                break
            done = reader.line_num
            if len(row) < n and last == first and '"' in physical[first - 1]:
                # An unclosed quote on the last line swallows its fields to the end of the file, where no record
                # after it shows it (the check above): mended so too where that gives the row its fields.
                mended = _without_stray_quote(physical[first - 1], sep, n)
                if len(mended) == n:
                    report.stray_quote_lines.append(first)
                    row = mended
            yield first, row      # named by its first line, where an editor shows it begin (it was its last)
        else:
            return


# Characters no one sees that make a label another value ("\u200bBlack" is not "Black"): zero-width spaces
# and joiners, the word joiner, a byte-order mark inside the text, soft hyphens.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
# Control characters (a NUL, an escape, C1) and the bidirectional overrides, in any field, the name too: they
# were kept, and a right-to-left override showed a name backwards on every page (a security review).
# Tabs and line breaks too: inside a quoted field (Excel's Alt+Enter) a name of two lines broke the CLI's tables and
# a page's heading, as `index add` says of a name it is given (catalogue_edits), and a label of two lines was a
# class of its own (a data review, stop 61).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Spaces that are not the space (no-break, thin, ideographic...): "Navy\u00a0Blue", as a spreadsheet or a web page
# writes it, looks like "Navy Blue" and was a colour of its own without a word (a data trial, stop 62).
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_ODD_TEXT = re.compile(f"{_INVISIBLE.pattern}|{_CONTROL.pattern}|{_SPACES.pattern}")
# Names longer than this are listed (kept): the catalogue's longest is 88 characters; a 2 MB one went without
# a word.
LONG_NAME = 300
GENDERS = ("Men", "Women", "Boys", "Girls", "Unisex")     # the wearers the recommender knows
_SEP_LINE = re.compile(r"^sep=(.)$", re.IGNORECASE)      # Excel's first line naming the separator
_SEPARATORS = {"\t": "tab", ";": "semicolon", "|": "bar"}


def _separator(header_line: str, said: str | None, report: DataReport, folder: Path | None = None,
               needed: tuple[str, ...] = REQUIRED_COLUMNS) -> str:
    """The file's field separator: the one a "sep=" line names, else a tab, a semicolon or a bar where the
    header splits by it into the ``needed`` columns at least (:data:`REQUIRED_COLUMNS`; a stock level is any name
    STOCK_HEADERS has) (Excel's "Unicode Text", a locale whose list separator is not the comma), else the comma.
    Every line is then read with it, the unclosed-quote check included."""
    spelt = {_spelling(c) for c in needed}
    # The header's names as columns.json maps them (stop 68): a shop's "Title;Product Type" export was read as
    # comma-separated, its names never matched.
    mapped = {_spelling(k): _spelling(v) for k, v in read_column_map(folder, MAPPABLE_COLUMNS).items()} if folder \
        else {}

    def names(sep: str) -> set[str]:
        out = {mapped.get(_spelling(h), _spelling(h)) for h in _fields(header_line, sep)}
        return out | {STOCK} if out & set(STOCK_HEADERS) else out

    for sep in ([said] if said else []) + list(_SEPARATORS):
        if sep == said or spelt <= names(sep):
            if sep != ",":
                report.read_as.append(f"{_SEPARATORS.get(sep, repr(sep))}-separated")
            return sep
    return ","


def _bad_id(row: list[str], header: list[str], id_at: int, codes_in: str = "", folder: Path | None = None,
            id_name: str = "id") -> str:
    """Why a row's id is not one, with what it most likely is: the header again (two exports joined), or a
    spreadsheet's number format ("3.4823E+4", "23494.0"; one that lost digits is said to have). ``codes_in``: the
    shop's column mapped to id, whose product codes are ids too (shop_ids.no_code_said), "" for an id column, where
    a product code is said with the mapping that reads its codes (``folder``'s columns.json; ``id_name``: the id
    column's name as the header writes it)."""
    given = row[id_at].strip()
    plain = no_code_said(given, codes_in) if codes_in else f"id {given!r} is not an integer"
    if not codes_in and folder is not None and is_product_code(given):
        # "not an integer" alone left a shop keyed by SKU codes in a column named id no way on (stop 74, h74exit).
        # (A typo first: one code among numbers, the fixture's "37800x", is likelier a slip than a shop's codes.)
        plain = (f"id {given!r} is not an integer: give the row its product's number, or, where the id column holds "
                 f"the shop's product codes, say so once with {map_command(folder, [(id_name, 'id')])} and each code "
                 "is read as its product's id (kept as written)")
    if not given:
        # "id '' is not an integer" said neither that it was empty nor what to do (a new user's trial, stop 67).
        return ("the row has no id: give it its product's id (a whole number), or remove the line if it is no "
                "product of its own (a Shopify export's line for another size or colour of the product above)")
    if [_spelling(_INVISIBLE.sub("", v)) for v in row] == [_spelling(h) for h in header]:
        return "the header again (two exports joined into one file?): remove the line"
    if re.fullmatch(r"\d{1,3}(?:[,.' \u00a0]\d{3})+", given):
        # A spreadsheet's number format with thousands separators ("12,933"): "not an integer" alone left a shop
        # to guess (a data trial, stop 62).
        whole = "".join(c for c in given if c.isdigit())
        if "." in given:        # "1.000": a thousand in a locale that writes thousands with a dot, or 1.0
            return (f"id {given!r} is {whole} written with a thousands separator, or {int(decimal.Decimal(given))} "
                    "written with decimals: format the id column as whole numbers without separators")
        return (f"id {given!r} is written with a thousands separator: format the id column as whole numbers "
                f"without separators ({whole})")
    try:
        number = decimal.Decimal(given)
    except decimal.InvalidOperation:
        return plain
    if number.is_finite() and number == number.to_integral_value():
        lost = "e" in given.lower() and len(number.normalize().as_tuple().digits) < len(str(int(number)))
        if lost:
            return (f"id {given!r} is not an integer but a spreadsheet's number format, which may have lost its "
                    "last digits: format the id column as whole numbers and export again")
        return (f"id {given!r} is not an integer but a spreadsheet's number format for {int(number)}: "
                "format the id column as whole numbers")
    return plain


def header_columns(header: list[str], csv_path: Path, report: DataReport, mapping_folder: Path | None = None
                   ) -> list[str]:
    """The header with each name that spells a column of :data:`COLUMNS` in other case or spacing read as
    that column ("ID", "Product Display Name": an export's headings); a column named twice, in any spelling,
    is refused (the row reader would take the last one's values, a shop's trial: every row's id was its
    stock level). The names columns.json maps are read first: ``mapping_folder``'s (default: ``csv_path``'s)."""
    # The shop's mapping (columns.json beside styles.csv, stop 68) first: its names are the columns they map to.
    mapping = read_column_map(mapping_folder or csv_path.parent, MAPPABLE_COLUMNS)
    if mapping:
        report.column_map = dict(mapping)
        by_spelling = {_spelling(k): v for k, v in mapping.items()}
        found = set()
        header = list(header)
        for i, name in enumerate(header):
            column = mapping.get(name) or by_spelling.get(_spelling(name))
            if column:
                header[i] = column
                found.add(column)
        report.column_map_unused = [k for k, v in mapping.items() if v not in found]
    for column in COLUMNS:
        at = [i + 1 for i, name in enumerate(header) if _spelling(name) == _spelling(column)]
        if len(at) > 1:
            mapped = [k for k, v in mapping.items() if v == column]
            raise CatalogError(f"{csv_path} names the column {column!r} {len(at)} times in its header (columns "
                               f"{', '.join(map(str, at))}" + (f", {mapped[0]!r} mapped to it by {COLUMN_MAP_FILE}"
                                                                if mapped else "")
                               + "): rename or remove all but one" + (", or map another" if mapped else ""))
    spelt = {_spelling(c): c for c in COLUMNS}
    out = list(header)
    for i, name in enumerate(header):
        column = spelt.get(_spelling(name))
        if column and name != column:
            out[i] = report.renamed_columns[name] = column
    return out


# Other names exports give the columns (a US export's "Color"): a header with one of them and without the
# column is told which it may be (DataReport.misnamed_columns), not left to find its labels all empty.
_COLUMN_ALIASES = {"color": "baseColour", "colour": "baseColour", "colors": "baseColour", "colours": "baseColour",
                   "colorname": "baseColour", "colourname": "baseColour",
                   "name": "productDisplayName", "productname": "productDisplayName", "title": "productDisplayName",
                   "displayname": "productDisplayName", "type": "articleType", "producttype": "articleType",
                   "sex": "gender", "category": "masterCategory", "subcat": "subCategory",
                   "occasion": "usage", "releaseyear": "year", "categories": "articleType"}
# A WooCommerce export's "Type" is the kind of listing (simple, variable, variation), not the article type: where
# the header has its "Categories" (read as a category path), that is the one offered (stop 70's new user was told
# "'Type' may be 'articleType'", and the shop's types became "simple" and "variable").
_LISTING_KIND_BESIDE = {"type": "categories"}
# A shop's own product id, offered as the id where the header has none (names ending in "id" are otherwise not
# labels: "category_id").
_ID_NAMES = frozenset({"productid", "itemid"})


# The Kaggle catalogue's masterCategory and subCategory values (all of them, folded): what tells a shop's
# "Category" of the one kind or the other from one of product types (_category_meant). 16 of its 143 types are
# subCategory names too (Watches, Socks, Belts): 9 of the 72 types of its first 500 rows, so "most" decides.
MASTER_CATEGORIES = frozenset({"apparel", "accessories", "footwear", "personal care", "free items", "sporting goods",
                               "home"})
SUB_CATEGORIES = frozenset({
    "accessories", "apparel set", "bags", "bath and body", "beauty accessories", "belts", "bottomwear", "cufflinks",
    "dress", "eyes", "eyewear", "flip flops", "fragrance", "free gifts", "gloves", "hair", "headwear",
    "home furnishing", "innerwear", "jewellery", "lips", "loungewear and nightwear", "makeup", "mufflers", "nails",
    "perfumes", "sandal", "saree", "scarves", "shoe accessories", "shoes", "skin", "skin care", "socks",
    "sports accessories", "sports equipment", "stoles", "ties", "topwear", "umbrellas", "vouchers", "wallets",
    "watches", "water bottle", "wristbands"})
# A header's values read to tell what its "Category" is: the first rows' (a sample, as fast at 40k rows).
SAMPLE_ROWS = 500


def _category_meant(values: list[str] | None) -> str:
    """What a "Category" column with ``values`` (its first rows') is: masterCategory where most of its values are
    the catalogue's (Apparel, Footwear, ...), subCategory where most are its (Topwear, Shoes), else the
    product's type (Shirts, Jeans: many shops' "Category", which was offered as masterCategory, stop 69's new
    user). masterCategory where there are none to read (a header alone)."""
    seen = {v.strip().lower() for v in values or [] if v.strip()}
    if not seen:
        return "masterCategory"
    for kinds, meant in ((MASTER_CATEGORIES, "masterCategory"), (SUB_CATEGORIES, "subCategory")):
        if len(seen & kinds) * 2 > len(seen):
            return meant
    return "articleType"


def _samples(lines: list[str], at: int, sep: str, header: list[str]) -> dict[str, list[str]]:
    """{header name: its values in the first :data:`SAMPLE_ROWS` of ``lines`` after the header's, line ``at``}, for
    :func:`_misnamed` to read what a column holds."""
    sample = "\n".join(lines[at + 1:at + 1 + SAMPLE_ROWS])
    # A field may be as long as its lines (a very long name), past csv's default limit, as the rows' reader allows.
    csv.field_size_limit(max(csv.field_size_limit(), len(sample) + 1))
    # Read as one text, so that a quoted field over several lines (a shop's HTML description) is one field: line by
    # line, every line after its first was out of step, and a BigCommerce "Product Type" (P) was offered as the
    # articleType for the values it seemed to have (stop 73's new user).
    rows = [row for row in csv.reader(io.StringIO(sample), delimiter=sep) if any(f.strip() for f in row)]
    return {name: [row[i] for row in rows if i < len(row)] for i, name in enumerate(header)}


def _misnamed(header: list[str], absent: list[str], samples: dict[str, list[str]] | None = None
              ) -> list[tuple[str, str]]:
    """(name in the header, the absent column it looks like): "Color" for baseColour, "Seasons" for season; not
    a code or an id ("season_code", "category_id": a review found them taken for the labels). A "Category" is
    what its values in ``samples`` ({name: the first rows' values}) look like (:func:`_category_meant`)."""
    found = []
    for name in header:
        if _spelling(name) in _ID_NAMES and "id" in absent:
            found.append((name, "id"))      # a shop's own id ("Product ID": stop 73's new user was offered none)
            continue
        if name in COLUMNS or not name.strip() or re.search(r"(?i)[\s_\-]?(?:id|code|no|number|key)$", name):
            continue
        key = _spelling(name)
        if _LISTING_KIND_BESIDE.get(key) in {_spelling(h) for h in header}:
            continue
        meant = _COLUMN_ALIASES.get(key)
        if meant == "masterCategory":
            meant = _category_meant((samples or {}).get(name))
            if meant not in absent:     # the values of a column the header has (its types beside articleType)
                continue
        if meant not in absent:
            close = difflib.get_close_matches(key, [_spelling(c) for c in absent], n=1, cutoff=0.8)
            meant = next((c for c in absent if close and _spelling(c) == close[0]), None)
        if meant:
            found.append((name, meant))
    # A Magento export's "sku" (stop 77's new user was offered no id, and README's "sku=id" was the only way on):
    # offered where nothing else is, as its codes are made ids a SKU column mapped to id gives (shop_ids).
    sku = next((name for name in header if _spelling(name) == "sku"), None)
    if "id" in absent and sku is not None and all(meant != "id" for _, meant in found):
        found.insert(0, (sku, "id"))
    # One name a column: a BigCommerce export's "Product Type" (P, D: physical or digital) and "Category" were both
    # offered as articleType, in a command `data columns` refuses (stop 73's new user). The one of more kinds of
    # value is the label (the first on a tie, or without values to tell by).
    kinds = {name: len({v.strip().casefold() for v in (samples or {}).get(name, []) if v.strip()})
             for name, _ in found}
    return [(name, meant) for name, meant in found
            if name == max((n for n, m in found if m == meant), key=lambda n: (kinds[n], -header.index(n)))]


def _mapping_hint(folder: Path, header: list[str], lacks: list[str], samples: dict[str, list[str]]) -> str:
    """How a header without the needed columns ``lacks`` maps its own names to them (columns.json): the names that
    look like one, and the command for those none does ("SKU" for the id). A semicolon export was told only to add
    them (stop 69's new user), a comma one the command."""
    pairs = _misnamed(header, [c for c in COLUMNS if c not in header], samples)
    said = "".join(f"; {name!r} may be {meant!r}" for name, meant in pairs)
    if pairs:
        said += f": map {'it' if len(pairs) == 1 else 'them'} once with {map_command(folder, pairs)}"
    left = [c for c in lacks if c not in {meant for _, meant in pairs}]
    if left:
        said += (f"; map your header's name for {' and '.join(left)} with `fashionrec data columns "
                 f"{shlex.quote(str(folder))} HEADER=COLUMN ...`")
    return said


def level_columns(raw: list[str], header: list[str], report: DataReport) -> tuple[int | None, int | None, int | None]:
    """Where ``header`` (as :func:`header_columns` read the names ``raw``, columns.json's mapping in ``report``) has
    the price, the stock level and a Shopify export's Handle (None: nowhere); the first two said in ``report`` as the
    header names them."""
    # The price: the first header name PRICE_HEADERS has, in their order ("Price" before "MRP").
    # A column columns.json maps to the price or the stock comes before one the header names so itself.
    mapped_to = {_spelling(k): v for k, v in report.column_map.items()}
    mapped_at = {i for i, h in enumerate(header) if h in (PRICE, STOCK) and mapped_to.get(_spelling(raw[i])) == h}
    price_at = min((i for i, h in enumerate(header) if _spelling(h) in PRICE_HEADERS and h not in COLUMNS),
                   key=lambda i: (i not in mapped_at, PRICE_HEADERS.index(_spelling(header[i])), i), default=None)
    # As the header names it ("Price (EUR)", which columns.json maps to price): what data check says, and where a
    # currency its amounts do not write may be named (stop 69's new user).
    report.price_column = raw[price_at] if price_at is not None else ""
    # The stock level, as the price: the first header name STOCK_HEADERS has, in their order (stop 67).
    stock_at = min((i for i, h in enumerate(header) if _spelling(h) in STOCK_HEADERS and h not in COLUMNS),
                   key=lambda i: (i not in mapped_at, STOCK_HEADERS.index(_spelling(header[i])), i), default=None)
    # As the header names it too, as the price's is (stop 69): "read from the column 'stock'" named no column of a
    # Shopify export whose columns.json maps "Variant Inventory Qty" (a review of stop 69's merge).
    report.stock_column = raw[stock_at] if stock_at is not None else ""
    # A Shopify export's Handle (stop 68): the lines of one product's other sizes, colours or photos repeat it,
    # without an id or with the product's, and were rejected one by one ("no id", "duplicate id") with no word of
    # them as variants. Read to fold them (:func:`folds_into`), so not an ignored column.
    handle_at = next((i for i, h in enumerate(header) if _spelling(h) == "handle" and h not in COLUMNS), None)
    return price_at, stock_at, handle_at


def read_id(given: str) -> int:
    """An id cell (stripped) as the id it is: "12933.0", as pandas writes an id column with a blank in it, is
    12933 (a data trial, stop 62); a spreadsheet's "1.2933E+4" is refused (ValueError): it may have lost digits."""
    return int(_WHOLE_ID.sub("", given) if "." in given else given)


def folds_into(product_id: int, given_id: str) -> bool:
    """Whether a line under the Handle of the product ``product_id`` (read before it), its id written ``given_id``,
    is one of that product's sizes, folded into it: without an id, or with the product's. One with an id of its own
    is a product (a colour with its own photo)."""
    given = given_id.strip()
    if not given:
        return True
    try:
        return read_id(given) == product_id
    except ValueError:
        return False


class ColumnsLacking(CatalogError):
    """A table without the columns a reading of it needs (``lacks``: the columns' names, ``header``: its names as
    written); the message is the catalogue's. Raised by :func:`read_rows` where it is asked for columns other than a
    catalogue's (`index stock --from`'s id and stock), whose caller says what that reading needs."""

    def __init__(self, message: str, lacks: list[str], header: list[str]):
        super().__init__(message)
        self.lacks, self.header = lacks, header


def read_rows(csv_path: Path, report: DataReport, needed: tuple[str, ...] = REQUIRED_COLUMNS,
              mapping_folder: Path | None = None, keep_duplicates: bool = False,
              also: tuple[str, ...] = (), spelt_ids: Callable[[str], int | None] | None = None) -> pd.DataFrame:
    """The rows of the table ``csv_path`` as the catalogue loader reads them, as text (the id as an int): its
    encoding, separator and header as found (columns.json's: ``mapping_folder``'s, default the file's folder), a
    comma in a name recovered, a Shopify export's sizes (a Handle) and a WooCommerce export's variations (a Parent)
    folded into their product, its stock level their sum (stock.variants_level); what it found in ``report``. The
    columns: id, the others of :data:`COLUMNS` ("" where the header lacks one), price and stock where it has them,
    then those of ``also`` (header names, as written) it has. ``needed``: the columns without which it is refused
    (:class:`ColumnsLacking` where they are not a catalogue's). ``keep_duplicates``: a row whose id an earlier row
    has is kept (else rejected, the first standing). Also what ``index stock --from`` reads a file by (stop 71:
    `stock_file` had its own copy, which read neither a semicolon export nor a name's comma). ``spelt_ids``: the id
    an index records written so (a Handle in an id column: ``index stock --from``'s file of ids as the shop writes
    them, refused as "not an integer" before stop 74), or None, for an id cell that is no number."""
    records: list[list[str]] = []
    seen: dict[int, int] = {}         # id -> the line read for it
    as_read: dict[int, list[str]] = {}
    text = _decode_lines(csv_path, report)
    if text.rstrip("\r\n").endswith("\x1a"):
        # An old DOS end-of-file mark (Ctrl-Z) after the last row: it was a row of its own, rejected as "1 fields
        # instead of 10" with an id no one could see (a data trial, stop 62).
        text = text.rstrip("\r\n").rstrip("\x1a")
        report.read_as.append("an end-of-file mark (Ctrl-Z, as old DOS programs write) after the last row, left out")
    # The header is the first line that is not blank nor Excel's "sep=;" (lines as the reader splits them:
    # \n, \r\n or an old Mac export's lone \r); line numbers stay the file's (a blank first line was "empty").
    physical = io.StringIO(text, newline="").readlines()
    # (The "sep=" line as written: stripping it would take its tab.)
    at = next((i for i, line in enumerate(physical)
               if line.strip() and not _SEP_LINE.match(line.rstrip("\r\n"))), None)
    if at is None:
        raise CatalogError(f"{csv_path} is empty: it needs a header row {','.join(COLUMNS)}")
    said = next((m.group(1) for line in physical[:at] if (m := _SEP_LINE.match(line.rstrip("\r\n")))), None)
    folder = mapping_folder or csv_path.parent
    sep = _separator(physical[at], said, report, folder, needed)
    raw = [h.strip() for h in _fields(physical[at], sep)]
    header = header_columns(raw, csv_path, report, mapping_folder=folder)
    # A Shopify export has no id column (stop 72: refused until a shop added one by hand): its Handle is read as
    # the id column, each product's id a hash of it (shop_ids), the same in every export of the product.
    made_at = handle_column(raw, header)
    if made_at is not None:
        header = [*header[:made_at], "id", *header[made_at + 1:]]
        report.ids_from = raw[made_at]
    missing = [c for c in COLUMNS if c not in header]
    price_at, stock_at, handle_at = level_columns(raw, header, report)
    handle_at = made_at if made_at is not None else handle_at
    if needed != REQUIRED_COLUMNS:
        lacks = [c for c in needed if c in missing or c == STOCK and stock_at is None]
        if lacks:
            raise ColumnsLacking(f"{csv_path} lacks the column{'s' if len(lacks) != 1 else ''} {', '.join(lacks)}",
                                 lacks, raw)
    # A shop's export without a season, a year or a usage column was refused until stop 55 (all ten were
    # required); those are read as empty. Without an id, a type or a name it is no catalogue, or not split right.
    elif any(c in missing for c in REQUIRED_COLUMNS):
        for other, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if len(header) == 1 and other in header[0]:
                # A spreadsheet saved in a locale whose list separator is not the comma: such a file is read
                # when its header has the needed columns, so the fault to name is those it lacks, in its reading.
                split = header_columns([h.strip() for h in _fields(physical[at], other)], csv_path, report,
                                       mapping_folder=folder)
                lacks = [c for c in REQUIRED_COLUMNS if c not in split]
                hint = _mapping_hint(csv_path.parent, split, lacks, _samples(physical, at, other, split))
                raise CatalogError(f"{csv_path} separates its fields with {name} and lacks the columns {lacks}"
                                   f"{hint}, or add them (the header "
                                   f"{other.join(COLUMNS)}; only {', '.join(REQUIRED_COLUMNS)} are needed)")
        # "rename it" alone had a shop edit every export's header by hand: the mapping is offered (stop 68).
        pairs = _misnamed(header, missing, _samples(physical, at, sep, header))
        it = "it" if len(pairs) == 1 else "them"
        hint = "".join(f"; {name!r} may be {meant!r}" for name, meant in pairs) + (
            f": map {it} once with {map_command(csv_path.parent, pairs)}, or rename {it} in the header"
            if pairs else "")
        if report.column_map_unused:
            hint += (f"; {COLUMN_MAP_FILE} maps {', '.join(map(repr, report.column_map_unused))}, which the header "
                     "lacks")
        raise CatalogError(f"{csv_path} lacks the columns {[c for c in REQUIRED_COLUMNS if c in missing]}{hint}; "
                           f"expected the header {','.join(COLUMNS)} (only {', '.join(REQUIRED_COLUMNS)} are "
                           "needed: the others may be left out)")
    # A WooCommerce export's "Sale price" is empty but for the products on sale: the others take their "Regular
    # price" (_sale_or_regular), a column read, not ignored.
    # A BigCommerce export's "Sale Price" beside its "Price" (0.00 where not on sale): read first, the "Price" its
    # fallback (stop 73's new user: it was ignored, and a product on sale shown at its Price).
    price_at = _sale_before_price(raw, header, price_at, report)
    regular_at = _sale_or_regular(header, price_at)
    report.price_fallback_column = raw[regular_at] if regular_at is not None else ""
    # The price before a sale, kept beside the sale price (stop 76, regular_prices): the regular price above, else a
    # Shopify export's "Variant Compare At Price" (read, so not an ignored column).
    compare_at = compare_at_column(header, _spelling, price_at, COLUMNS) if regular_at is None else None
    regular_kept_at = regular_at if regular_at is not None else compare_at
    regulars: dict[int, str] = {}       # record's position -> its regular price as written, where on sale
    # A WooCommerce sale's dates (stop 76): a sale that ended, or one not yet started, was the price read.
    sale_dates = SaleDates.of(raw) if regular_at is not None else None
    today = datetime.date.today()
    # A WooCommerce shop sells at its "Regular price" where the "Sale price" is not below it (is_on_sale): a row's
    # sale price above it was read, shown and filtered on (stop 77: 2,999 for a shirt the shop sells at 1,999).
    # Magento 2 sells at the lower of its "price" and "special_price" (stop 77's integration review: a special price
    # above the price was read, the higher, unsaid).
    sells_at_regular = regular_at is not None and (_spelling(header[regular_at]) == "regularprice"
                                                   or _spelling(header[price_at]) == "specialprice")
    if sale_dates is not None:
        report.sale_dates_read_on = today.isoformat()
    # A WooCommerce export's Parent (stop 70): a variation line (a size) has an id of its own and names its variable
    # product's line ("id:3122", or its SKU); it was a product of its own without a photo ("missing image"), and its
    # product had neither price nor stock level. Read to fold them as a Handle's lines are.
    parent_at, sku_at = parent_columns(header)
    kind_at = listing_kind_column(header)
    store_at = store_view_column(header)
    # A Magento configurable product's children, by its record (stop 77): its price is theirs (configurables).
    variations_at = variations_column(header, set(COLUMNS)) if price_at is not None else None
    children_of: dict[int, list[str]] = {}      # record's position -> its children's SKUs
    record_of_sku: dict[str, int] = {}          # a SKU -> its record's position
    photo_at = header.index(PHOTO) if PHOTO in header and PHOTO in report.column_map.values() else None
    # A WooCommerce export's "Attribute N name"/"value(s)" pairs (stop 71): the colour is in the pair each row names
    # Color, the first on one product and the second on another.
    attributes = AttributeReader.of(raw, header)
    # How a line is sold at 0 (stop 71): a Shopify size not tracked or sold while at 0, a WooCommerce "In stock?".
    sold_at = sold_as_columns(header, stock_at)
    report.stock_beside = [raw[i] for i in sold_at if i is not None]
    read_at = {price_at, regular_at, compare_at, stock_at, handle_at, parent_at, kind_at, photo_at, store_at,
               variations_at, *sold_at} | (
        attributes.positions if attributes is not None else set()) | (
        sale_dates.positions if sale_dates is not None else set())
    # Whether the shop shows a product (stop 73): "Product Visible?", "Published", "Status" (visibility.py).
    shown_at = visibility_columns(raw, read_at | {i for i, h in enumerate(header) if h in COLUMNS})
    report.visibility_columns = [raw[i] for i in shown_at]
    read_at |= set(shown_at)
    # Shown but not for sale ("Allow Purchases?" N), read beside a stock column as a level of 0 (stop 74); without one
    # too, as the only level such a product has (stop 75: listed as ignored, and recommended as for sale).
    for_sale_at = not_for_sale_columns(raw, read_at)
    read_at |= set(for_sale_at)
    taxonomy_at = taxonomy_column(raw, header)
    if taxonomy_at is not None:
        report.taxonomy_column = raw[taxonomy_at]
        read_at.add(taxonomy_at)
    report.ignored_columns = [h or f"(unnamed, column {i + 1})" for i, h in enumerate(header) if h not in COLUMNS
                              and i not in read_at]
    # The file names an ignored column's cells give, where no photo column is mapped: one may name the photos.
    names_at = [i for i, h in enumerate(header) if h not in COLUMNS and i not in read_at] if photo_at is None else []
    report.absent_columns = missing
    # Said, not refused: a refusal stopped shops whose "season_code" or "main_category" is no label (a review),
    # and a column named otherwise ("Color") left the labels empty without a word before.
    report.misnamed_columns = dict(_misnamed(header, missing, _samples(physical, at, sep, header)))
    # No colour column, nor one named otherwise ("Color" unmapped: its labels are the shop's, to map, not to guess).
    report.colour_unlabelled = "baseColour" in missing and "baseColour" not in report.misnamed_columns.values()
    n = len(header)
    # (No name in a file of levels, `index stock --from`'s: a row of extra fields is then refused, not recovered.)
    name_at = header.index("productDisplayName") if "productDisplayName" in header else None
    id_at = header.index("id")
    # A column of the shop's own mapped to id (a SKU): its codes are ids as a Handle's are (shop_ids). A column named
    # id holds numbers (a code there is a typo), unless columns.json maps it to id: the shop's word that its id column
    # holds its codes (`data columns DIR id=id`, stop 75; before, no way on but renaming the column in every export).
    code_ids = made_at is None and (_spelling(raw[id_at]) != "id" or any(
        _spelling(h) == _spelling(raw[id_at]) and c == "id" for h, c in report.column_map.items()))
    also_at = [raw.index(h) for h in also if h in raw]

    def reject(line: int, reason: str, row: list[str]) -> None:
        # A row with more fields than the header has an extra comma somewhere (most often the name): its id is
        # where the header says only if counting from the right finds the same field. A short row is taken to
        # have lost its last fields.
        trusted = len(row) <= n or id_at == 0 or row[id_at] == row[id_at - n]     # nothing is before a first id
        report.rows_rejected.append(RejectedRow(line, reason, sep.join(row),
                                                row[id_at].strip() if trusted and len(row) > id_at else ""))

    rows = list(_records(text, n, report, start=at + 1, sep=sep, id_at=id_at))
    unnamed_tail = n - len(list(itertools.dropwhile(lambda h: not h, reversed(header))))
    # A named column after the name (a shop's stock): an empty last field is its value, and the fields before it
    # the name's commas, which the join below keeps ("Tee, red and white," read as "Tee" with stock " red and
    # white" when trailing separators were dropped first; a code review, stop 61).
    named_after = name_at is not None and any(h.strip() for h in header[name_at + 1:])
    # Text columns after the name that no label is read from (a shop's "Body (HTML)", "Tags"): a comma in one
    # of them reads as the name's, as the likelier; such a row is said with its name as read (stop 67).
    report.recovered_beside = [h for i, h in enumerate(header) if name_at is not None and i > name_at and h.strip()
                               and h not in COLUMNS and i not in (price_at, stock_at)]  # (a number: no name's comma)
    # Such a column with labels between it and the name ("Title, Product Type, Tags"): a comma in it, joined
    # into the name, shifts those labels by a field ("Sports, Summer" in Tags read the type as "Sports", stop 67).
    # The labels whole rows have tell it: each text column's index and the label columns before it.
    text_after = [(i, [j for j in range(name_at + 1, i) if header[j] in ATTRIBUTES])
                  for i, h in enumerate(header) if h in report.recovered_beside]
    text_after = [(i, labels) for i, labels in text_after if labels]
    # The fields a row needs: the header's, less the unnamed columns that end it where the name is the last named
    # column (a header ending in a separator, a spreadsheet's empty last column). A value there is then the name's,
    # after a comma: "...,Casual,Tee, red and white" was the name "Tee", its tail dropped with the unnamed column
    # (a code review, stop 61). Unless nearly every row holds a value there, or every value there is a number: a
    # column of its own without a heading (a price), read past as before. (Half the rows was too few: a small
    # file's rows with a comma in the name, or before it, made their own names be cut.)
    width = n
    if unnamed_tail and not named_after:
        tails = {line: [f.strip() for f in row[n - unnamed_tail:] if f.strip()] for line, row in rows}
        valued = [line for line, tail in tails.items() if tail]
        filled = sum(1 for _, row in rows if any(f.strip() for f in row))
        numbers = all(_NUMBER.fullmatch(f) for line in valued for f in tails[line])
        if len(valued) >= 2 and (numbers or 10 * len(valued) >= 9 * filled):
            k = len(valued)
            report.read_as.append(f"the header's unnamed last column{'s' if unnamed_tail != 1 else ''} hold"
                                  f"{'' if unnamed_tail != 1 else 's'} values in {k} of the rows (lines "
                                  f"{first_few(valued, 10)}), so read past as a column without a heading: "
                                  "name it in the header, and quote a name that holds a comma")
        else:
            width = n - unnamed_tail

    def whole_row(row: list[str]) -> bool:
        """A row of the header's fields, nothing in the unnamed ones past ``width``."""
        return len(row) == n if width == n else width <= len(row) <= n and not any(f.strip() for f in row[width:])

    # The label column just before the name: a comma inside its value ("Smart, Casual" in usage) moves the
    # value's second word into the name, and no other column shows it (a year or a season shifted does). Its
    # values on whole rows tell such a word from a name's first words.
    before = header[name_at - 1] if name_at and header[name_at - 1] in ATTRIBUTES else None
    usual = {row[name_at - 1].strip().lower() for _, row in rows if whole_row(row)} - {"", "na"} if before else set()
    # Without a year and a season, which tell a shifted row (their values are not free), the label just before
    # the name does: a comma in any column before it shifts a value into it ("Shirts, Tops" in the type put
    # "Tops" in the colour, a review of stop 55): one no whole row has is not taken.
    # (With a few whole rows at least: a file whose every name has a comma has no values to tell by, and its rows
    # were all rejected, a review.)
    whole = sum(1 for _, row in rows if whole_row(row))
    label_values = {j: {row[j].strip().lower() for _, row in rows if whole_row(row)} | {"", "na"}
                    for j in {j for _, labels in text_after for j in labels}}
    unknown_before = before is not None and "year" not in header and "season" not in header and whole >= 20

    # handle -> (id, values, price as written) of its product's line: the lines after it with its Handle fold in.
    products_by_handle: dict[str, tuple[int, list[str], str, int]] = {}
    first_lines: dict[str, list[str]] = {}      # handle -> its product's line as written (where its options are named)
    kept_also: list[list[str]] = []     # each record's columns of ``also``
    # A folded line's stock level, by its product's record: each size of a Shopify product has its own quantity,
    # and the product line's alone (its first size's) read a tee with 10 in M and L and none in S as sold out.
    # With whether the product line is a size itself (a Handle's: True; a WooCommerce variable product's: False).
    variant_stock: dict[int, tuple[bool, list[str]]] = {}
    report.variant_column = (raw[handle_at] if handle_at is not None else raw[parent_at] if parent_at is not None
                             else raw[kind_at] if kind_at is not None else "")
    # A BigCommerce export's last Product line (as products_by_handle): its SKU, Variant, Image and Rule lines follow.
    # None from the start of each line of another kind until it is kept; with the line it was on.
    last_product: tuple[int, list[str], str, int] | None = None
    product_line = 0
    # A Parent's value ("id:3122", "3122" or a SKU) -> that product line, as products_by_handle.
    products_by_parent: dict[str, tuple[int, list[str], str, int]] = {}
    skus: dict[str, list[int]] = {}     # a SKU -> the ids of the products that give it
    blank = [i + 1 for i in range(at) if not physical[i].strip()]     # before the header
    short_lines: list[int] = []
    trailing_lines: list[int] = []
    space_quote_lines: list[int] = []
    for line, row in rows:
        if not row or all(not c.strip() for c in row):
            # Blank, or separators alone (a spreadsheet's formatted empty rows: they went without a word, a data
            # engineer's trial): said, not rejected, which would fail a folder add whose every product went in.
            blank.append(line)
            continue
        if store_at is not None and store_at < len(row) and row[store_at].strip():
            # A Magento store view's row: its sku is its product's, and its cells the view's own (a French name),
            # the others empty. It was a "duplicate id ... correct that line", rejected (stop 77).
            report.store_view_lines.setdefault(row[store_at].strip(), []).append(line)
            continue
        report.rows += 1
        if kind_at is not None and (row[kind_at] if kind_at < len(row) else "").strip().casefold() \
                not in FOLDED_LISTING_KINDS:
            # A Product line: its lines after it are its own, or none where it is rejected (they went into the
            # product above it, its stock a sold-out tee's; a review of stop 73).
            last_product, product_line = None, line
        if '"' in "".join(row) and any(f[:1].isspace() and f.lstrip().startswith('"') for f in row) \
                and _fields(physical[line - 1], sep) == row:      # (the join first: 0.3 s of a 40k load otherwise)
            # A space between the separator and a quoted field (`..., "Tee, slim"`, as a person or a script writes
            # CSV): csv reads the quotes as the field's own, so the name was '"Tee, slim"', quotes and all, and the
            # row "recovered" (a data trial, stop 62). Read as quoted, where that leaves no such field.
            again = next(csv.reader([physical[line - 1]], delimiter=sep, skipinitialspace=True), row)
            if len(again) <= len(row) and not any(f.lstrip().startswith('"') for f in again):
                space_quote_lines.append(line)
                row = again
        given = len(row)
        if len(row) > width and not row[-1].strip() and not named_after:
            # Separators at the end of a row (an export's empty trailing cells) hold nothing: they were joined into
            # the name ("Tee," and "Tee,,,", said recovered; a data review, stop 61). Said where they run past the
            # header's columns (a header ending in a separator has them in every row).
            if len(row) > n:
                trailing_lines.append(line)
            while len(row) > width and not row[-1].strip():
                row = row[:-1]
        if len(row) > width and name_at is None:
            reject(line, f"{len(row)} fields instead of {width}: a field holds the separator {sep!r}: quote it", row)
            continue
        if len(row) > width:
            # The only free-text column is the name: extra fields are commas inside it (the columns after it, a
            # shop's own price or stock, counted from the right: such a row was rejected and its id lost).
            after = len(row) - (width - 1 - name_at)
            joined = row[:name_at] + [sep.join(row[name_at:after])] + row[after:]
            year, season = (joined[header.index(c)].strip() if c in header else "" for c in ("year", "season"))
            # A year as a spreadsheet or pandas writes it ("2013.0") is a year, as the loader reads it (that row
            # was rejected as "the year would be '2013.0'", an ML engineer's trial).
            shifted = (f"the year would be {year!r}" if not (_YEAR.fullmatch(year) or year in ("", "NA")) else
                       f"the season would be {season!r}" if season.lower() not in SEASON_WORDS else None)
            where = "is not"
            # With columns after the name, a comma there would end the name in a number ("Leggings,1" from a price
            # "1,478", an ML engineer's re-trial): not taken for the name's own.
            if not shifted and after < len(row) and any(_NUMBER.fullmatch(p.strip()) for p in row[name_at + 1:after]):
                shifted = f"the name would be {joined[name_at]!r}: the comma may be in a column after it"
                where = "may not be"
            elif not shifted and unknown_before and joined[name_at - 1].strip().lower() not in usual | {"", "na"}:
                shifted = (f"{before} would be {joined[name_at - 1].strip()!r}, a value no whole row has: the comma "
                           "may be in a column before the name, or the value is new")
                where = "may not be"
            elif not shifted and row[name_at].strip().lower() in usual:
                shifted = (f"{before} would be {row[name_at - 1].strip()!r} and the name would start with "
                           f"{row[name_at].strip()!r}, one of the {before} values: the comma may be in {before} "
                           f"({sep.join(row[name_at - 1:name_at + 1]).strip()!r})")
                where = "may not be"
            if not shifted:
                for i, labels in text_after:
                    # The comma in text column i instead: the labels before it as the row wrote them.
                    alt = row[:i] + [sep.join(row[i:i + len(row) - width + 1])] + row[i + len(row) - width + 1:]
                    odd = next((j for j in labels if joined[j].strip().lower() not in label_values[j]), None)
                    if odd is not None and all(alt[j].strip().lower() in label_values[j] for j in labels):
                        shifted = (f"{header[odd]} would be {joined[odd].strip()!r}, a value no whole row has, and "
                                   f"{alt[odd].strip()!r} with the comma in {header[i]}")
                        where = "may not be"
                        break
            if shifted:
                # The extra comma is before the name ("Navy, Blue"), or may be after it: joining would shift
                # columns and keep a row of wrong values.
                reject(line, f"{len(row)} fields instead of {width}, and the extra comma {where} in the name "
                       f"({shifted}): quote the field that holds it", row)
                continue
            row = joined + [""] * (n - width)      # the unnamed columns ending the header, if any: empty
            report.rows_recovered += 1
            report.recovered_lines.append(line)
            if report.recovered_beside:
                report.recovered_names[line] = [joined[id_at].strip(), joined[name_at]]
        elif len(row) < n - unnamed_tail:
            # Said what to do: "7 fields instead of 10" alone left a shop to count the separators.
            reject(line, f"{len(row)} fields instead of {n}: give the row its {n - len(row)} missing field"
                   f"{'s' if n - len(row) > 1 else ''} (empty where there is no value) or the separator left out", row)
            continue
        elif len(row) < n:
            # Short only by the header's unnamed last columns (a header ending in a comma, a spreadsheet's
            # trailing empty column): they hold nothing, so the row loses nothing. Every row of such a file was
            # rejected as "10 fields instead of 11" (a data review, stop 61). (Said of a row short as written,
            # not of one whose separator ending it, as the header's does, was taken off above.)
            if given < n:
                short_lines.append(line)
            row = row + [""] * (n - len(row))
        # (A row on sale keeps its regular price as written; one read at it, or without one, keeps none.)
        regular = row[regular_kept_at].strip() if regular_kept_at is not None else ""
        sale_off = ("", "")     # (why its sale is not on, why a sale date is none), said once its id is read
        above = None            # (sale price, regular price) as written where the sale's is above: said so too
        above_price = None      # so too where BigCommerce sells at such a sale price (sale_above_price)
        if regular_at is not None and (not row[price_at].strip() or read_price(row[price_at]) == 0):
            row = row[:price_at] + [row[regular_at]] + row[price_at + 1:]   # not on sale: its regular price
            regular = ""
        elif sells_at_regular and (above := _sale_above_regular(row, price_at, regular_at)):
            row = row[:price_at] + [row[regular_at]] + row[price_at + 1:]   # no sale: the shop sells at regular
            regular = ""
        elif (regular_at is not None and not sells_at_regular
              and (above_price := _sale_above_regular(row, price_at, regular_at))):
            pass        # BigCommerce sells at the sale price set, above its price or not: read at it, said
        elif (sale_dates is not None and row[regular_at].strip()
              and (sale_off := _sale_off(sale_dates, row, today))[0]):
            row = row[:price_at] + [row[regular_at]] + row[price_at + 1:]   # its sale not on today: regular price
            regular = ""
        elif regular_at is not None and row[regular_at].strip() and read_price(row[regular_at]) is None:
            # On sale, its regular price no amount ("TBD"): read at the sale price, and the regular one said, which
            # went unsaid (stop 71) though the sale ends at it. (A row whose id is no number is rejected below.)
            with contextlib.suppress(ValueError):
                report.regular_price_invalid[read_id(row[id_at].strip())] = row[regular_at].strip()
        if any(sale_off) or above or above_price:
            # Said by a number id now (a WooCommerce variation folded below too), by a code's made id once read (a
            # Magento SKU's sale above its price went unsaid: stop 77's integration review).
            with contextlib.suppress(ValueError):
                _say_sale_off(report, read_id(row[id_at].strip()), sale_off, above, above_price)
                sale_off, above, above_price = ("", ""), None, None
        rec = dict(zip(header, row, strict=True))
        handle = row[handle_at].strip() if handle_at is not None else ""
        product = products_by_handle.get(handle) if handle else None
        parent = parent_key(row[parent_at]) if parent_at is not None else ""
        if parent and parent in products_by_parent:
            report.variant_lines_folded.append(line)        # a variation: a size of its product, not a product
            report.rows -= 1
            _fold_variant(report, records, variant_stock, products_by_parent[parent], row, price_at, stock_at,
                          by_parent=True, sold_at=sold_at, regulars=regulars, regular=regular)
            _note_variant_photo(report, products_by_parent[parent][0], row[id_at], photo_file(row, photo_at))
            continue
        kind = row[kind_at].strip().casefold() if kind_at is not None else ""
        if kind in FOLDED_LISTING_KINDS and last_product is not None:
            # A BigCommerce SKU or Variant line is a size of the Product line above (whatever id a Variant has of
            # its own); an Image, Rule or Modifier line is none, its stock not the product's (stop 73's new user:
            # each SKU line was rejected as "no id" and the shop's stock went unread).
            report.variant_lines_folded.append(line)
            report.rows -= 1
            options = option_colour(rec.get("productDisplayName", "")) if report.colour_unlabelled else None
            if options:     # "[S]Size=M,[RT]Color=Navy": the colour of the product above (stop 74)
                report.option_colours.setdefault(last_product[0], []).append(options)
            if kind in SIZE_LISTING_KINDS:
                _fold_variant(report, records, variant_stock, last_product, row, price_at, stock_at, by_parent=True,
                              sold_at=sold_at, regulars=regulars, regular=regular)
            continue
        if kind in FOLDED_LISTING_KINDS and product_line:
            reject(line, f"a {row[kind_at].strip()} line of the Product line {product_line}, which was not read "
                   "(rejected above): fix that line, and this one is read with it", row)
            continue
        # (A line under a Handle ids are made from has its product's id: it folds in.)
        if product is not None and (made_at is not None or folds_into(product[0], rec["id"])):
            report.variant_lines_folded.append(line)        # one product, read once: its first line
            report.rows -= 1
            _fold_variant(report, records, variant_stock, product, row, price_at, stock_at, by_parent=False,
                          sold_at=sold_at, regulars=regulars, regular=regular)
            _note_variant_photo(report, product[0], rec["id"], photo_file(row, photo_at))
            continue
        if made_at is not None:
            if not handle:
                reject(line, no_handle_said(raw[made_at]), row)
                continue
            item_id = handle_id(handle)
        else:
            try:
                # (listed as written otherwise, as "00019696" is: every row of such an export was rejected)
                item_id = read_id(rec["id"].strip())
            except ValueError:
                spelt_id = spelt_ids(rec["id"].strip()) if spelt_ids is not None else None
                if spelt_id is None and code_ids and is_product_code(rec["id"].strip()):
                    # A shop's SKU codes mapped to id ("SKU-10021", `data columns DIR sku=id`): every row was
                    # rejected as "not an integer" (stop 74's new user); hashed as a Handle is, kept as written.
                    spelt_id = handle_id(rec["id"].strip())
                    report.ids_from = report.ids_from or raw[id_at]
                    report.ids_coded = True
                if spelt_id is None:
                    reject(line, _bad_id(row, header, id_at, raw[id_at] if code_ids else "", folder, raw[id_at]), row)
                    continue
                item_id = spelt_id
        if not -2**63 <= item_id < 2**63:      # it stopped every command with an OverflowError (a trial)
            reject(line, f"id {item_id} is too large: ids are 64-bit integers (up to {2**63 - 1})", row)
            continue
        if item_id < 0:     # a minus typed by mistake: its photo was "without a row" and the row "missing image"
            reject(line, f"id {item_id} is negative: ids are whole numbers from 0 (a stray minus sign?)", row)
            continue
        if item_id in seen and not keep_duplicates:
            # The first row stands: a correction appended below it did not take (an operator's trial). The same row
            # again (an export run twice, appended) was told to "correct that line" (a data trial, stop 62).
            first = seen[item_id]
            as_read = as_read or dict(rows)         # the rows as the file has them, by line: made once, if needed
            again = [f.strip() for f in as_read[line]] == [f.strip() for f in as_read[first]]
            # "007" and "7", two products of a shop's ERP, are one number: "correct that line" read as a typo's
            # advice (stop 69's new user).
            spelt = (as_read[first][id_at].strip() if len(as_read[first]) > id_at else "", rec["id"].strip())
            if made_at is not None:     # two Handles hashed to one id: said, never resolved by what else is read
                reject(line, collision_said(item_id, spelt[0], first, spelt[1]), row)
                continue
            reject(line, f"duplicate id {item_id}: " + (
                f"the same row as line {first} again (exported twice?): remove this line" if again else
                f"line {first}'s id {spelt[0]!r} and this line's {spelt[1]!r} are the same number, as ids are read "
                "as numbers (leading zeros dropped): give one of them another id" if spelt[0] != spelt[1] else
                f"line {first} has it and is the row read; correct that line rather than adding another"), row)
            continue
        seen.setdefault(item_id, line)
        # By the id read: a shop's codes, no number, were left unsaid (stop 77).
        _say_sale_off(report, item_id, sale_off, above, above_price)
        if str(item_id) != rec["id"].strip():       # a row read, not one rejected above ("-07", a duplicate "015970")
            report.ids_written_otherwise[rec["id"].strip()] = item_id
        values = [rec.get(c, "").strip() for c in COLUMNS[1:]]
        if attributes is not None:
            # A colour of a Handle's with an id of its own: its options as its product's first line names them.
            named = attributes.named_as(row, first_lines[handle]) if product is not None else row
            values = _read_attributes(attributes, named, values, item_id, report)
        if _ODD_TEXT.search("".join(values)):      # one look per row: a regex per field cost 20% of a load
            # A space, not nothing: a spreadsheet's line break inside a cell is \x0b ("Oxford Shirt\x0bSlim Fit").
            plain = [re.sub(" {2,}", " ", _CONTROL.sub(" ", _BIDI.sub("", v))).strip() if _CONTROL.search(v) else v
                     for v in values]
            if plain != values:
                report.control_char_lines.append(line)
            seen_values = [_INVISIBLE.sub("", v).strip() if c in ATTRIBUTES else v
                           for c, v in zip(COLUMNS[1:], plain, strict=True)]
            seen_values = [re.sub(" {2,}", " ", _SPACES.sub(" ", v)).strip() if _SPACES.search(v) else v
                           for v in seen_values]
            if seen_values != plain:
                report.invisible_char_lines.append(line)
            values = seen_values
        if " > " in values[_TYPE_AT] or "/" in values[_TYPE_AT]:
            values = _category_path(values, report, item_id)
        if taxonomy_at is not None and product is None:     # (a variant line's is its product line's)
            values = _taxonomy(values, row[taxonomy_at].strip(), report, item_id)
        price_text = row[price_at].strip() if price_at is not None else ""
        if product is not None:
            # A variant with an id of its own (a colour with its own photo): a product, its empty fields its
            # product line's (a Shopify variant line has no title or type of its own).
            values = [v or p for v, p in zip(values, product[1], strict=True)]
            # Its product's price as kept: the product line's, or where that has none its first size's (a colour
            # after a size went in unpriced beside its product at the size's: a review of stop 69's merge).
            price_text = price_text or (records[product[3]][len(COLUMNS)] if price_at is not None else "")
            report.variant_lines_kept.append(line)
        elif handle:
            products_by_handle[handle] = (item_id, values, price_text, len(records))
            first_lines[handle] = row
        sku = row[sku_at].strip() if sku_at is not None else ""
        if sku:
            skus.setdefault(sku, []).append(item_id)
        if parent_at is not None:
            for key in parent_keys(item_id, sku):
                products_by_parent.setdefault(key, (item_id, values, price_text, len(records)))
        if len(values[COLUMNS.index("productDisplayName") - 1]) > LONG_NAME:
            report.long_names.append(item_id)
        if photo_file(row, photo_at):
            report.photo_files[item_id] = photo_file(row, photo_at)
        for i in names_at:
            if IMAGE_NAME.search(row[i]):
                report.photo_names_unmapped.setdefault(raw[i], set()).add(photo_file(row, i))
        if kind_at is not None:
            last_product = (item_id, values, price_text, len(records))
        # A variant with an id of its own (a colour) is hidden with its product (its own cells are empty).
        hides = (hidden_by(row, raw, shown_at) or (product is not None and report.hidden.get(product[0]))
                 if shown_at else None)
        if hides:
            report.hidden[item_id] = hides
        for column, word in unread_words(row, raw, shown_at) if shown_at else ():
            words = report.visibility_unread.setdefault(column, {})
            words[word] = words.get(word, 0) + 1
        unsold = (hidden_by(row, raw, for_sale_at, NOT_FOR_SALE_WHEN)
                  or (product is not None and report.not_for_sale.get(product[0])) if for_sale_at else None)
        if unsold:
            report.not_for_sale[item_id] = unsold
        if price_at is not None and (regular or product is not None and not row[price_at].strip()):
            # (a colour with an id of its own and no price of its own: its product's, and so its regular price)
            regular = regular or regulars.get(product[3], "")
            if regular:
                regulars[len(records)] = regular
        if variations_at is not None:
            # (its SKU as the sku column writes it, mapped to id as a shop's codes are, or beside a number id)
            record_of_sku.setdefault(sku or row[id_at].strip(), len(records))
            if children := child_skus(row[variations_at]):
                children_of[len(records)] = children
        records.append([item_id] + values + ([price_text] if price_at is not None else [])
                       + ([sold_level(row, stock_at, sold_at)] if stock_at is not None else []))
        kept_also.append([row[i].strip() for i in also_at])
    report.duplicate_skus = {sku: ids for sku, ids in skus.items() if len(ids) > 1}
    # Only the columns an attribute gave on some row, or emptied (a Size under a mapped Attribute 1).
    report.attributes = {c: said for c, said in report.attributes.items()
                         if said["read_from"] or said["named_otherwise"]}
    for column in dict.fromkeys(["gender", "masterCategory", "subCategory", "articleType", *report.attributes]):
        if column in report.absent_columns and any(r[COLUMNS.index(column)] for r in records):
            report.absent_columns.remove(column)    # given by the category paths or the attributes: not all empty
    for at_record, (product_is_a_size, levels) in variant_stock.items():
        if levels:      # (none where its folded lines were photos' alone)
            records[at_record][-1] = variants_level([records[at_record][-1], *levels], product_is_a_size)
            report.variant_stock_ids.append(records[at_record][0])
    for at_record, children in children_of.items():
        if not records[at_record][len(COLUMNS)]:
            _price_from_child(records, regulars, at_record, children, record_of_sku, report)
        if stock_at is not None and not records[at_record][-1]:
            # In stock by its is_in_stock, its qty Magento's 0 for every configurable: its children's sum, as a
            # WooCommerce variable product's is (stop 77: "empty fields stock" on each of the 60).
            levels = [records[record_of_sku[sku]][-1] for sku in children if sku in record_of_sku]
            records[at_record][-1] = variants_level(["", *levels], product_is_a_size=False)
            report.variant_stock_ids.append(records[at_record][0])
    if report.not_for_sale and stock_at is not None:
        # Whatever its sizes hold, none is sold: sold out (after the fold, which summed its sizes' levels).
        for record in records:
            if record[0] in report.not_for_sale:
                record[-1] = "0"
    if blank:       # said, as docs/data.md says (they were skipped without a word)
        report.read_as.append(f"{len(blank)} empty line{'s' if len(blank) != 1 else ''} (blank, or separators "
                              f"alone) skipped (line{'s' if len(blank) != 1 else ''} {first_few(blank, 10)})")
    if space_quote_lines:
        k = len(space_quote_lines)
        report.read_as.append(f"{k} row{'s' if k != 1 else ''} with a space between a separator and a quoted field, "
                              f"read as quoted (line{'s' if k != 1 else ''} {first_few(space_quote_lines, 10)})")
    if trailing_lines:
        k = len(trailing_lines)
        report.read_as.append(f"{k} row{'s' if k != 1 else ''} ending in empty fields past the header's columns "
                              f"(separators at the end), read without them (line{'s' if k != 1 else ''} "
                              f"{first_few(trailing_lines, 10)})")
    if short_lines:
        k = len(short_lines)
        report.read_as.append(f"{k} row{'s' if k != 1 else ''} short of the header's {unnamed_tail} unnamed last "
                              f"column{'s' if unnamed_tail != 1 else ''} (the header ends in a separator), read as "
                              f"empty there (line{'s' if k != 1 else ''} {first_few(short_lines, 10)})")
    df = pd.DataFrame(records, columns=COLUMNS + ([PRICE] if price_at is not None else [])
                      + ([STOCK] if stock_at is not None else []))
    if report.not_for_sale and stock_at is None:
        # No stock column: those not for sale sold out, the others without a level (available), as a build reads a
        # stock column's empty cell.
        df[STOCK] = ["0" if i in report.not_for_sale else "" for i in df["id"]]
    if regulars:        # only where a product is on sale: a catalogue without one reads as before
        df[REGULAR_PRICE] = [regulars.get(j, "") for j in range(len(records))]
    for j, i in enumerate(also_at):
        df[raw[i]] = [values[j] for values in kept_also]
    return df


def _read_styles(csv_path: Path, report: DataReport) -> pd.DataFrame:
    """A catalogue's table as :func:`read_rows` reads its rows, each value read (empty as missing, a label's case
    folded, a year, a price and a stock level as numbers) and what it found said in ``report``."""
    df = read_rows(csv_path, report)
    fields = [c for c in df.columns[1:] if c != REGULAR_PRICE]   # COLUMNS', and the price and stock where there are
    for c in fields:
        # Empty fields are missing; the literal "NA" is a real catalogue value and stays a string.
        df[c] = df[c].mask(df[c] == "", None).astype(object)
    # (Not the levels made of "Allow Purchases?" alone, where the export has no stock column: its products for sale
    # have no level, which is no empty field.)
    fields_given = [c for c in fields if c != STOCK or report.stock_column]
    report.missing_values = {c: int(df[c].isna().sum()) for c in fields_given}
    report.missing_value_ids = {c: [int(i) for i in df.loc[df[c].isna(), "id"]] for c in fields_given
                                if c not in report.absent_columns and df[c].isna().any()}
    for c in ATTRIBUTES:        # the label columns: values that differ only in case are one value
        df[c] = _fold_case(df[c], c, report)
        typos = _possible_typos(df[c], df["id"])
        if typos:
            report.possible_typos[c] = typos
    for c in [*ATTRIBUTES, "productDisplayName"]:
        text = df[c].dropna().astype(str)
        marked = text[text.str.strip().str.casefold().isin(MISSING_MARKERS)]
        if len(marked):
            report.missing_like[c] = {str(v): int(n) for v, n in marked.value_counts().items()}
    genders = df["gender"].dropna().astype(str)
    report.unknown_genders = {str(g): int(n) for g, n in genders[~genders.isin(GENDERS)].value_counts().items()}
    names = df["productDisplayName"].fillna("").astype(str).str.strip()
    report.placeholder_names = [int(i) for i in df.loc[names.str.contains(PLACEHOLDER_NAME, regex=True), "id"]]
    year = pd.to_numeric(df["year"], errors="coerce")
    # "20l2", "2012.5", or a number no year is (1e30 would not even fit the integer column); written as a year is
    # ("2012", "2012.0" as a spreadsheet writes it), not "1e3" (read as 1000, where an id "1.5e4" is refused, a
    # data engineer's trial). No bound by today's date: the same file would read otherwise another year.
    written = df["year"].astype("string").str.strip().str.fullmatch(r"\+?\d{1,4}(\.0*)?").fillna(False).astype(bool)
    bad = (df["year"].notna() & (year.isna() | ~written)) | (
        year.notna() & ((year % 1 != 0) | ~year.between(1, 9999)))
    if bad.any():
        report.invalid_values["year"] = df.loc[bad, "id"].astype(int).tolist()
    df["year"] = year.mask(bad).astype("Int64")
    if PRICE in df:
        df[PRICE] = _prices(df, report)
    if REGULAR_PRICE in df:
        df[REGULAR_PRICE] = _regular_prices(df, report)
    if STOCK in df:
        worded = df[STOCK].map(is_no_level_word).astype(bool)
        report.no_level_word_ids = df.loc[worded, "id"].astype(int).tolist()
        df[STOCK], bad = read_stock(df[STOCK])
        if bad.any():
            report.invalid_values[STOCK] = df.loc[bad, "id"].astype(int).tolist()
        report.sold_out_ids = df.loc[df[STOCK] <= 0, "id"].astype(int).tolist()
    df["id"] = df["id"].astype("int64")
    if report.colour_unlabelled:
        # No colour column (a BigCommerce export's): each product's colour read from its options or name, the rest
        # from its photo at `index build`, so that a colour filter, a search's colour word and the reasons work.
        from fashionrec.name_colours import fill_colours  # (it reads the item tables, which read this module)

        # A Shopify option or WooCommerce attribute named Color gave some rows their colour, the shop's own label
        # (stop 75's new user: all 420 were so, and the line said "420 from the tagger's reading of the photo").
        given = df["baseColour"].notna() & (df["baseColour"].astype(str).str.strip() != "")
        report.colours_given = df.loc[given, "id"].astype(int).tolist()
        report.colour_unlabelled = not given.all()
    if report.colour_unlabelled:
        report.colours_filled = fill_colours(df, report.option_colours)
        # Not "empty fields": the colours line says where the rest come from (their photos, at the build).
        report.missing_values.pop("baseColour", None)
        report.missing_value_ids.pop("baseColour", None)
        if "baseColour" in report.absent_columns:
            report.absent_columns.remove("baseColour")
    return df


# A price as a shop's export writes it: "499", "1299.50", "1,299" (quoted), "₹1,299", "Rs. 999", "INR 999", "$25".
_PRICE_TEXT = re.compile(r"(?i)^(?:₹|rs\.?|inr|\$|€|£)?\s*(\d{1,3}(?:,\d{2,3})+|\d+)(?:\.\d+)?\s*(?:/-|rs\.?|inr)?$")
# ... or the European way, "1.299" or "€1.299,00": read as 1,299 (stop 65), as a query's is (vocabulary.amount);
# it was 1.299, three digits after a dot being no paise or cents.
# A first group of 0 is no grouping ("0.999", "00.500": 999 and 500 before stop 66, a review): a decimal point.
_EUROPEAN_PRICE = r"(?i)(?:₹|rs\.?|inr|\$|€|£)?\s*[1-9]\d{0,2}(?:\.\d{3})+(?:,\d{1,2})?\s*(?:/-|rs\.?|inr)?"
# ... and a decimal comma alone, "49,99" or "€9,5": no grouping ends in fewer than three digits (an Indian one,
# "1,00,000", ends in three too), and _PRICE_TEXT's groups read "€49,99" as 4,999 (stop 68, a review).
_DECIMAL_COMMA_PRICE = r"(?i)(?:₹|rs\.?|inr|\$|€|£)?\s*\d+,\d{1,2}\s*(?:/-|rs\.?|inr)?"


# ... of which one dot before three digits, and nothing else, may be either: "999.000" is 999,000 grouped the
# European way, or 999 written with three decimals (a database's DECIMAL(10,3)). Read the way the column's other
# prices say (_ambiguous_read), and said by row (stop 67).
_AMBIGUOUS_PRICE = r"(?i)(?:₹|rs\.?|inr|\$|€|£)?\s*[1-9]\d{0,2}\.\d{3}\s*(?:/-|rs\.?|inr)?"
# A price whose point is surely a decimal point: "499.50", "1299.000" (four digits before it), or one grouped
# by commas ("1,299", "1,00,000", "1,299.00"), where a European one is grouped by dots.
_DECIMAL_POINT_PRICE = (r"(?i)(?:₹|rs\.?|inr|\$|€|£)?\s*(?:\d*\.(?:\d{1,2}|\d{4,})|\d{4,}\.\d+"
                        r"|\d{1,3}(?:,\d{2})*,\d{3}(?:\.\d+)?)\s*(?:/-|rs\.?|inr)?")


def _ambiguous_read(df: pd.DataFrame, text: pd.Series, price: pd.Series, european: pd.Series,
                    ambiguous: pd.Series, report: DataReport) -> pd.Series:
    """``price`` with the ``ambiguous`` ones ("999.000", read as thousands) read as the column's other prices are
    written where more say one way (European ones beside them, "12.499,50": all thousands; a decimal point,
    "499.50", or a comma grouping, "1,299": all decimals), else each the way nearer the others' median on a log
    scale ("999.000" among prices of 299 to 1,099: 999), else thousands, as a search's "1.299" is read (stop 65).
    ``report.ambiguous_prices`` says which and why, by row."""
    sure_european = text[european & ~ambiguous]
    sure_decimal = text[text.str.fullmatch(_DECIMAL_POINT_PRICE).fillna(False).astype(bool) & ~european]
    others = price[~ambiguous & (price > 0)]
    if len(sure_european) != len(sure_decimal):
        thousands = len(sure_european) > len(sure_decimal)
        sure = sure_european if thousands else sure_decimal
        why = (f"as {len(sure)} other price{'s' if len(sure) != 1 else ''} of the column "
               # (European ones are "12.499,50" or "€49,99" alone: a decimal comma is no dot grouping thousands)
               + ("are written the European way, a dot grouping thousands or a comma marking decimals" if thousands
                  else "write a decimal point or group thousands with a comma") + f" ({sure.iloc[0]!r})")
    elif len(others):
        # Each the way nearer the others, on a log scale: "999.000" and "1.299" among prices of 299 to 1,099 are
        # 999 and 1,299 (one reading for both made the jeans' 1.299).
        # The rule a query's and an add's "1.299" is read by (read_price's scale), so that a tie or a 0 reads alike:
        # a numpy expression of its own here read a tie as decimals, the query's as thousands (stop 70).
        median = float(others.median())
        thousands = np.array([not nearer_as_decimals(p, median) for p in price.to_numpy()], dtype=bool)
        # (cents below 100: a median of 0.62 was "their median 0")
        why = f"the reading nearer the column's other prices (their median {median:,.{0 if median >= 100 else 2}f})"
    else:
        thousands, why = True, "as nothing else in the column says which (a search's '1.299' is read so too)"
    read = price.where(~ambiguous | thousands, price / 1000)
    ways = {bool(t) for t in np.broadcast_to(thousands, len(price))[ambiguous.to_numpy()]}
    report.ambiguous_prices = {
        "read_as": "by row" if len(ways) > 1 else "thousands" if ways == {True} else "decimals", "why": why,
        "rows": {int(i): [str(w), float(r)] for i, w, r in zip(df.loc[ambiguous, "id"], text[ambiguous],
                                                                read[ambiguous], strict=True)}}
    return read


def read_price(text: str, scale: float | None = None) -> float | None:
    """One price as the loader reads a cell of the price column: "₹1,299", "1299.00", "Rs. 999", "€1.299,00" and
    "1.299" are 1,299, "€49,99" 49.99; None for text that is no amount of 0 or more ("call us", "-5", "1e3"). The one
    reading of a price (stop 70): the loader's column, a folded size's price beside its product's, and a price given
    to `index add` or ``POST /api/items`` all go through it. A dot before three digits and nothing else ("1.299",
    :func:`price_is_ambiguous`) is read as thousands, or the way nearer the shop's prices' median ``scale`` (on a log
    scale) where one is given, as :func:`_ambiguous_read` reads it beside the column's other prices."""
    t = str(text).strip()
    if price_written_european(t):
        # Its dots dropped and its decimal comma made a point ("Rs." read past as it was before): "1299.00".
        t = re.sub(r"(?<=\d)\.(?=\d{3})", "", t).replace(",", ".")
    if not _PRICE_TEXT.fullmatch(t):
        return None
    try:
        value = float(re.sub(r"(?i)^(?:₹|rs\.?|inr|\$|€|£)|/-|rs\.?$|inr$|,|\s", "", t))
    except ValueError:
        return None
    # Too many digits for a float is no amount either: 400 nines read as an infinite price, which "cheapest" and
    # "most expensive" then said with int() (a 500; stop 66, a review).
    if not math.isfinite(value):
        return None
    return value / 1000 if price_is_ambiguous(text) and nearer_as_decimals(value, scale) else value


def price_written_european(text: str) -> bool:
    """Whether a price is written the European way, its thousands grouped by dots or its decimals after a comma
    ("1.299", "€1.299,00", "49,99"): :func:`read_price` reads it so, and a search's note says what such an amount
    was read as (vocabulary.amounts_read_otherwise). Three digits after a dot are no paise or cents, so a grouping is
    the sensible reading (1.299 before stop 65); "1.5k" and "499.50" keep their decimal point, and a first group of
    0 is none ("0.999"); a decimal comma alone ends in one or two digits, where any grouping ends in three."""
    t = str(text).strip()
    return re.fullmatch(_EUROPEAN_PRICE, t) is not None or re.fullmatch(_DECIMAL_COMMA_PRICE, t) is not None


def price_is_ambiguous(text: str) -> bool:
    """Whether a price's one dot before three digits may group thousands or mark decimals ("999.000", "₹1.299")."""
    return re.fullmatch(_AMBIGUOUS_PRICE, str(text).strip()) is not None


def _prices(df: pd.DataFrame, report: DataReport) -> pd.Series:
    """The price column as float64 (NaN where empty or no amount, :func:`read_price`): a value that is no amount of 0
    or more ("call us", "-5", "1e3") is listed in ``report.invalid_values["price"]`` and its row kept without a
    price, as an empty one is (counted with the empty fields)."""
    text = df[PRICE].astype("string").str.strip()
    european = (text.str.fullmatch(_EUROPEAN_PRICE) | text.str.fullmatch(_DECIMAL_COMMA_PRICE)).fillna(False)
    european = european.astype(bool)
    ambiguous = text.str.fullmatch(_AMBIGUOUS_PRICE).fillna(False).astype(bool)
    # Each spelling read once (a shop's prices repeat: 44k rows, a few hundred amounts).
    spellings = text.dropna().unique()
    read = dict(zip(spellings, map(read_price, spellings), strict=True))
    price = pd.to_numeric(text.map(read, na_action="ignore"), errors="coerce").astype("float64")
    if ambiguous.any():
        price = _ambiguous_read(df, text, price, european, ambiguous, report)
    bad = df[PRICE].notna() & price.isna()
    if bad.any():
        report.invalid_values[PRICE] = df.loc[bad, "id"].astype(int).tolist()
    # ... or that its header named ("price_inr").
    signs = _currencies_written(text.where(price.notna()).dropna())
    if len(set(signs)) > 1:
        report.price_currencies = {str(sign): df.loc[ids.index, "id"].astype(int).tolist()
                                   for sign, ids in signs.groupby(signs, sort=False)}
    # None where they write several, whatever the header names: "price_inr" showed ₹ on a "$25" that data check said
    # was shown with none (stop 70).
    several = len(set(signs)) > 1
    report.price_currency = "" if several else (signs.iloc[0] if len(signs) else _header_currency(report.price_column))
    return price


def _regular_prices(df: pd.DataFrame, report: DataReport) -> pd.Series:
    """The regular price column as float64: NaN where the row is not on sale (none given, one that is no amount, or
    one not above its price: a "sale" at or above it is none); ``report.on_sale_ids`` the rows on sale."""
    regular = pd.Series([np.nan if (v := read_price(str(t))) is None else v for t in df[REGULAR_PRICE].fillna("")],
                        index=df.index, dtype="float64")
    above = regular > df[PRICE].astype("float64")
    report.on_sale_ids = df.loc[above, "id"].astype(int).tolist()
    return regular.where(above)


def _header_currency(name: str) -> str:
    """The currency a price column's header names ("price_inr", "Price (EUR)", "Preis €"), "" for none."""
    if "inr" in name.lower():
        return "₹"
    found = re.search(r"(?i)[₹$€£]|(?<![a-z])(?:eur|usd|gbp)", name)
    return currency_sign(found.group(0)) if found else ""


def _currencies_written(prices: pd.Series) -> pd.Series:
    """The currency symbol (:data:`CURRENCY_SIGNS`) each price read was written with, by the row's index, for
    those written with one: the catalogue's currency where they say one, none where several ("₹999" beside "$25":
    no guess)."""
    return prices.str.extract(r"(?i)(₹|rs|inr|\$|€|£)", expand=False).dropna().str.lower().map(CURRENCY_SIGNS)


def _fold_case(values: pd.Series, column: str, report: DataReport) -> pd.Series:
    """``values`` with every spelling that differs only in case read as the most used one ("tshirts",
    "TSHIRTS" -> "Tshirts"; on a tie, the first seen), each change counted in ``report.case_folded``."""
    present = values.dropna()
    counts = present.value_counts(sort=False)
    keys = counts.index.str.casefold()
    if keys.is_unique:
        return values
    usual = {}
    for spelling in counts.sort_values(ascending=False, kind="stable").index:
        usual.setdefault(spelling.casefold(), spelling)
    rename = {v: usual[v.casefold()] for v in counts.index if usual[v.casefold()] != v}
    report.case_folded[column] = {v: [to, int(counts[v])] for v, to in rename.items()}
    return values.replace(rename)


# A label used by at most this many rows, a few letters from one used by TYPO_RATIO times as many (and by at least
# TYPO_COMMON rows), is listed as a possible typo. On the shared catalogue none is; "Tshrts" beside "Tshirts" is.
TYPO_MAX_ROWS, TYPO_RATIO, TYPO_COMMON = 3, 20, 20
# Beside a label the shipped model knows, a rare one needs only this many times fewer rows to be listed.
TYPO_KNOWN_RATIO = 3


def _possible_typos(values: pd.Series, ids: pd.Series) -> list[dict]:
    """Rare labels of one column a letter or two (one for five letters or fewer; spaces and case ignored)
    from a common one: what a model would otherwise learn as a class of its own."""
    from rapidfuzz.distance import OSA  # two letters swapped count one edit

    counts = values.dropna().astype(str).value_counts()
    known = _known_labels().get(str(values.name), frozenset())
    # A label the shipped model knows is a real one however few rows a small shop has of it: one "Tshirt" beside
    # 14 "Tshirts" went unsaid in a 120-product shop (under TYPO_COMMON rows) and became a class of its own that
    # the shop's model then read ten photos as (a new user's trial, stop 63).
    common = counts[(counts >= TYPO_COMMON) | (counts.index.isin(list(known)) & (counts >= TYPO_KNOWN_RATIO))]
    out = []
    for value, n in counts[counts <= TYPO_MAX_ROWS].items():
        if value in known:      # rare in this folder, not a typo: a small folder's 3 "Shorts" beside 60 "Tshirts"
            continue
        key = value.casefold().replace(" ", "")
        limit = 1 if len(key) <= 5 else 2
        near = [(OSA.distance(key, c.casefold().replace(" ", "")), -m, c) for c, m in common.items()
                if m >= (TYPO_KNOWN_RATIO if c in known else TYPO_RATIO) * n and c != value]
        near = [x for x in near if x[0] <= limit]
        if near:
            _, minus, like = min(near)
            out.append({"value": value, "rows": int(n), "ids": [int(i) for i in ids[values == value]],
                        "like": like, "like_rows": int(-minus)})
    return out


# The labels whose disagreement between two rows of one photo is a wrong row: the photo shows one product.
SHARED_PHOTO_LABELS = ("articleType", "gender", "masterCategory", "baseColour")


def _shared_photos(usable: pd.DataFrame, digests: list[bytes]) -> list[dict]:
    """One photo file, byte for byte, under several ids: ``{"ids", "differ"}`` per photo, ``differ`` naming
    the labels its rows disagree on. The shared catalogue has 554 such photos under 1,201 ids (a product
    listed twice, or a freebie beside the product it came with), 56 with rows that disagree: a wallet and
    casual shoes (ids 21810, 23810) share one photo, so one of the two rows has the wrong photo. A split may
    put such rows on both sides, and a model is then tested on a photo it trained on (``evaluate`` counts those)."""
    groups: dict[bytes, list[int]] = {}
    for i, d in zip(usable.index, digests, strict=True):
        if d:
            groups.setdefault(d, []).append(i)
    shared = [rows for rows in groups.values() if len(rows) > 1]
    if not shared:
        return []
    # All the groups' rows read at once and told apart by a group number: two .loc per group took 0.5 CPU s for
    # the shared catalogue's 554 (a load of it checks every photo, and the test suite loads it several times).
    rows = usable.loc[[i for g in shared for i in g], ["id", *SHARED_PHOTO_LABELS]]
    group = np.repeat(np.arange(len(shared)), [len(g) for g in shared])
    differs = rows[list(SHARED_PHOTO_LABELS)].groupby(group, sort=True).nunique(dropna=False).to_numpy() > 1
    ids = rows["id"].astype(int).tolist()
    out, start = [], 0
    for n, flags in zip(map(len, shared), differs, strict=True):
        differ = [c for c, f in zip(SHARED_PHOTO_LABELS, flags, strict=True) if f]
        out.append({"ids": ids[start:start + n], "differ": differ})
        start += n
    # The disagreeing ones first: they are what to correct.
    return sorted(out, key=lambda g: (not g["differ"], g["ids"][0]))


@functools.cache
def shipped_description() -> dict:
    """The shipped model's JSON (its classes, levels, split...), read without the model; empty where the package
    has none. Not through fashionrec.tagger: a data check needs no torch."""
    from importlib import resources

    try:
        described = json.loads(resources.files("fashionrec").joinpath("assets/model/tagger.json").read_text())
    except (OSError, ValueError):
        return {}
    return described if isinstance(described, dict) else {}


@functools.cache
def _known_labels() -> dict[str, frozenset[str]]:
    """Column -> the labels the shipped model learnt from the shared catalogue: real labels, whatever their
    count in a folder (empty where the package has none)."""
    return {column: frozenset(names) for column, names in (shipped_description().get("classes") or {}).items()}


class _ImageFolder(NamedTuple):
    files: dict[str, Path]              # name without extension -> the file read for it
    second_photos: list[tuple[str, str]]    # (another file of the same name, the one read)
    subfolders: list[Path]              # folders inside images/, whose photos are not read
    # name without extension -> a file of another extension (12933.gif, 12933.heic), read as no photo
    unread: dict[str, str]


def image_files(images_dir: Path) -> _ImageFolder:
    """What ``images_dir`` holds, in one pass over it: every image file by its name without extension
    (extension in any case, so ``10499.JPG`` counts; where one name has several, the first of
    :data:`IMAGE_EXTENSIONS`), the others of such names, and the folders in it."""
    found: dict[str, list[tuple[int, Path]]] = {}
    folders = []
    unread: dict[str, str] = {}
    for entry, stem, dot, r in _folder_entries(images_dir):
        if r is not None and entry.is_file():
            found.setdefault(stem, []).append((r, Path(entry.path)))
        elif entry.is_dir():
            folders.append(Path(entry.path))
        elif dot and stem and entry.is_file():
            unread.setdefault(stem, entry.name)
    for files in found.values():
        files.sort()
    others = sorted((p.name, files[0][1].name) for files in found.values() for _, p in files[1:])
    return _ImageFolder({stem: files[0][1] for stem, files in found.items()}, others, folders, unread)


def photo_names(images_dir: Path) -> dict[str, str]:
    """{name without extension: file name} of the photos :func:`image_files` reads in ``images_dir`` (the same
    choice where a name has several), without the rest of what it says: names, not a ``Path`` per photo, which
    was 2.8 of the 8.5 s the first `index add` on the 40k index spent listing the catalogue's ids (cProfile)."""
    best: dict[str, tuple[int, str]] = {}
    for entry, stem, _, r in _folder_entries(images_dir):
        if r is not None and (stem not in best or (r, entry.name) < best[stem]) and entry.is_file():
            best[stem] = (r, entry.name)
    return {stem: name for stem, (_, name) in best.items()}


def _folder_entries(images_dir: Path):
    """(entry, name without extension, ".", rank of its extension in :data:`IMAGE_EXTENSIONS` or None) of each
    entry of ``images_dir`` but the hidden ones: what :func:`image_files` and :func:`photo_names` both read."""
    rank = {ext: i for i, ext in enumerate(IMAGE_EXTENSIONS)}
    with os.scandir(images_dir) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                # Hidden, as a folder of them was already: a Mac's "._12933.jpg" (its metadata, beside each photo of a
                # folder unzipped from a Mac) was an "image without a row", to be given one (a data trial, stop 62).
                continue
            stem, dot, ext = entry.name.rpartition(".")
            yield entry, stem, dot, (rank.get(f".{ext.lower()}") if dot else None)


def photo_id(stem: str) -> int | None:
    """The product id a photo's name (without extension) stands for, as the loader pairs photos with rows:
    digits, zero-padded or with spaces around them ("0050869", "7128 "); None for any other name."""
    plain = stem.strip()
    return int(plain) if plain.isdecimal() and plain.isascii() and int(plain) < 2**63 else None


# A cell that may name a photo file: an image's extension before its end, a comma, a query or a fragment.
IMAGE_NAME = re.compile(r"\.(?:jpe?g|png|webp|gif|bmp|tiff?)(?:$|[,?#\s])", re.IGNORECASE)


def _photo_column_unmapped(report: DataReport) -> dict[str, int]:
    """{header name: photos} of the column whose cells name the most of ``report``'s photos without a row (by file
    name, in any case), {} where none names one."""
    # By file name at the folder's top, or by its path inside it (a Magento base_image's "/m/b/mb01-0.jpg", stop 77:
    # its photos, all in such folders, were "not read" with no mapping offered).
    without = {name.casefold() for name in report.images_without_row}
    nested = {name.casefold() for name in report.photos_in_subfolders}
    counts = {name: len({Path(n).name.casefold() for n in names} & without | {n.casefold() for n in names} & nested)
              for name, names in report.photo_names_unmapped.items()}
    best = max(counts, key=counts.get, default=None)
    return {best: counts[best]} if best is not None and counts[best] else {}


def photo_file(row: list[str], photo_at: int | None) -> str:
    """The photo file a row's photo column names ("" for none): the first where it lists several ("a.jpg, b.jpg", as
    a WooCommerce export's Images does), its file name where it is a URL: found in the photo folder by that name.

    A URL's query and fragment are no part of its file name, and its escapes are decoded: a Shopify export's
    ``Image Src`` ".../tee.jpg?v=1700000000" names tee.jpg ("tee.jpg?v=1700000000" was said missing, and a version
    with a dot, "?v=1.2", hid the photo), ".../blue%20tee.jpg" names "blue tee.jpg" (stop 72, a Shopify trial)."""
    first = row[photo_at].split(",")[0].strip() if photo_at is not None else ""
    if not first:
        return ""
    url = urlsplit(first)
    if url.scheme in ("http", "https") or url.netloc:
        # A URL's file as saved: "Blue%20Bag.jpg?ver=2" was looked for by that name, not as "Blue Bag.jpg" (stop 72).
        return unquote(PurePosixPath(url.path).name)
    # A path inside the photo folder, as a Magento export's base_image writes one ("/m/b/mb01-blue-0.jpg", under
    # pub/media/catalog/product/): kept whole, looked up there first (stop 77: it was read as its file name alone and
    # looked for at the folder's top, and none of a Magento shop's photos was found).
    return PurePosixPath(first.replace("\\", "/")).as_posix().lstrip("/")


def _note_variant_photo(report: DataReport, product_id: int, given_id: str, photo: str) -> None:
    """What a folded line (a variation) of ``product_id`` may have for a photo: the file its photo column names
    (``photo``), and its own id (``given_id`` as written, where it is one other than its product's), whose <id>.jpg a
    shop may have copied in. :func:`load_catalog` reads it as its product's photo where the product line has none,
    and says it otherwise."""
    if photo:
        report.variant_photo_files.setdefault(product_id, []).append(photo)
    with contextlib.suppress(ValueError):
        own = read_id(given_id.strip())
        if own != product_id:
            report.variations_folded.setdefault(product_id, []).append(own)


def _read_attributes(reader: AttributeReader, row: list[str], values: list[str], item_id: int,
                     report: DataReport) -> list[str]:
    """``values`` (a row's, without its id) with the columns ``reader``'s attribute pairs give read from the pair
    ``row`` names so (its Color), said in ``report.attributes``; where a mapped pair's value column holds another
    attribute on this row (its Size) and no pair is named so, that column is empty."""
    values = list(values)
    found = reader.read(row)
    for column in reader.columns:
        at = COLUMNS.index(column) - 1
        said = report.attributes.setdefault(column, {"names": [], "read_from": {}, "several": {},
                                                     "by_default": {}, "named_otherwise": {}, "both_sides": {},
                                                     "several_from": {}})
        if column in found:
            attribute = found[column]
            values[at] = attribute.value
            said["read_from"][attribute.source] = said["read_from"].get(attribute.source, 0) + 1
            if attribute.name not in said["names"]:
                said["names"].append(attribute.name)
            if attribute.several:
                said["several"][item_id] = attribute.written
                said["several_from"][item_id] = attribute.source
            if attribute.by_default:
                said["by_default"][item_id] = attribute.value
            if attribute.children:      # "Boys, Girls" read as Unisex: said with whether its name says a child
                name = values[COLUMNS.index("productDisplayName") - 1]
                said.setdefault("both_children", {})[item_id] = (attribute.written, name, named_for_a_child(name))
            elif attribute.both_sides:                                     # "Men, Women" read as Unisex
                said["both_sides"][item_id] = attribute.written
            if attribute.within:        # "Mens Shirts" read as Men: which tag gave it, said (stop 73)
                # Keyed by the words data check says ("'Mens Shirts' as Men"): a (tag, value) tuple key made
                # `data check --json` fail ("keys must be str ... not tuple", stop 73 h73shop2).
                tag = f"{attribute.written!r} as {attribute.value}"
                said.setdefault("within", {})[tag] = said.get("within", {}).get(tag, 0) + 1
        elif other := reader.named_otherwise(row, column):
            said["named_otherwise"][item_id] = other
            values[at] = ""
    for name in reader.other_names(row):
        report.attributes_not_read[name] = report.attributes_not_read.get(name, 0) + 1
    return values


def _fold_variant(report: DataReport, records: list[list], variant_stock: dict[int, tuple[bool, list[str]]],
                  product: tuple, row: list[str], price_at: int | None, stock_at: int | None, by_parent: bool,
                  sold_at: tuple[int | None, int | None, int | None] = (None, None, None),
                  regulars: dict[int, str] | None = None, regular: str = "") -> None:
    """A folded variant line (``row``, a size of ``product``: its id, values, price as written and record): its
    price, where its product line has none, then its price said where it is not the one kept, and its stock level.
    In that order: a product line without a price takes its first size's, which the report said was not read
    ("no price read, not 30 or 35" of a product read at 30, a review of stop 69's merge). With that price, its
    ``regular`` price where it is on sale, into ``regulars`` by record (a sale on a variable product's sizes alone)."""
    if price_at is not None:
        unpriced = not records[product[3]][len(COLUMNS)]
        _fold_price(records, product, row, price_at)
        if unpriced and records[product[3]][len(COLUMNS)] and regular and regulars is not None:
            regulars[product[3]] = regular
        _other_price(report, product[0], records[product[3]][len(COLUMNS)], row[price_at])
    if stock_at is not None:
        # Kept for its product's record (:func:`variants_level`), where the line is a size (every variation is),
        # with whether its product line is one too (a Shopify product line is its first size's, as it has a price
        # or a level; a WooCommerce variable product's is none; product[2]: its price as written).
        price = row[price_at] if price_at is not None else None
        cell = row[stock_at] if by_parent else size_level(row[stock_at], price)
        if cell is not None:
            cell = sold_level(row, stock_at, sold_at)     # (a photo's line told by its cells as written)
            product_is_a_size = not by_parent and size_level(records[product[3]][-1],
                                                             product[2] if price_at is not None else None) is not None
            variant_stock.setdefault(product[3], (product_is_a_size, []))[1].append(cell.strip())


def sold_as_columns(header: list[str], stock_at: int | None) -> tuple[int | None, int | None, int | None]:
    """Where ``header`` (as :func:`header_columns` reads it) has, beside its stock column ``stock_at`` (None: none,
    and then none of these is read), a Shopify export's inventory tracker and policy and a WooCommerce export's "In
    stock?" (stock.TRACKER_HEADERS, POLICY_HEADERS, STATUS_HEADERS), None where it has none."""
    def at(names: tuple[str, ...]) -> int | None:
        return next((i for i, h in enumerate(header) if _spelling(h) in names and i != stock_at and h not in COLUMNS),
                    None) if stock_at is not None else None
    return at(TRACKER_HEADERS), at(POLICY_HEADERS), at(STATUS_HEADERS)


def sold_level(row: list[str], stock_at: int, sold_at: tuple[int | None, int | None, int | None]) -> str:
    """``row``'s stock cell (stripped) as its shop sells by it (stock.level_as_sold), given the columns of
    :func:`sold_as_columns`."""
    tracker_at, policy_at, status_at = sold_at
    if tracker_at is None and policy_at is None and status_at is None:
        return row[stock_at].strip()        # (no such column: the cell, at no cost)
    return level_as_sold(row[stock_at].strip(), None if tracker_at is None else row[tracker_at],
                         None if policy_at is None else row[policy_at], None if status_at is None else row[status_at])


def size_level(stock: str, price: str | None) -> str | None:
    """A Shopify export's folded line's stock cell (``stock``; ``price`` its price cell, None where the file has no
    price column), or None where the line is no size: a photo's line, which a Shopify export adds after the sizes
    for each extra photo of a product, with neither a price nor a level. A size's blank level is one whose inventory
    is not tracked, available (stop 70): a photo's line read so made every product with two photos available."""
    if not stock.strip() and price is not None and not price.strip():
        return None
    return stock


def parent_columns(header: list[str]) -> tuple[int | None, int | None]:
    """Where ``header`` (as :func:`header_columns` reads it) has a WooCommerce export's Parent and SKU (None:
    nowhere): a variation line names its variable product's line in Parent ("id:3122", or its SKU)."""
    parent_at = next((i for i, h in enumerate(header) if _spelling(h) == "parent" and h not in COLUMNS), None)
    sku_at = next((i for i, h in enumerate(header) if _spelling(h) == "sku" and h not in COLUMNS), None)
    return parent_at, sku_at


def parent_keys(item_id: int | None, sku: str) -> list[str]:
    """What a variation's Parent may name the product line of ``item_id`` (None: an id that is none) and ``sku`` by
    (:func:`parent_key` reads a Parent so): its id and its SKU."""
    return [key for key in ((str(item_id) if item_id is not None else ""), sku.strip()) if key]


_TYPE_AT, _GENDER_AT = COLUMNS.index("articleType") - 1, COLUMNS.index("gender") - 1
_MASTER_AT, _SUB_AT = COLUMNS.index("masterCategory") - 1, COLUMNS.index("subCategory") - 1
def _slash_path(parts: list[str]) -> bool:
    """Whether a type written with slashes, split into ``parts``, is a category path: three levels or more (a store's
    root, a department, a type), or a wearer or a department the catalogue names before its last part ("Men/Jeans",
    "Accessories/Belts", "Clothing/Shirts": the merge of stop 73 asked for a wearer only, and "Accessories/Belts" was
    a new type of its own); "Tops/Tees" is a name as written."""
    middle = read_middle(parts[:-1])
    return len(parts) >= 3 or bool(middle.wearer or middle.master or middle.sub)


def _category_path(values: list[str], report: DataReport, item_id: int) -> list[str]:
    """``values`` (a row's, without its id) whose articleType is a category path, "Women > Accessories > Handbags"
    or several, "Men > Apparel > Shirts, Sale" (a WooCommerce export's Categories, its commas in names written
    "\\,"): the type its deepest path ends in, and a wearer that path names where the row gives none. Each path
    whole was a type of its own (35 "new types" in a 200-product shop of 13), a product also filed under "Sale" one
    apart from its kind's, and the shop's "jeans" a type "Men > Apparel > Jeans" (stop 70)."""
    written = values[_TYPE_AT]
    # BigCommerce and Magento write a path with slashes, "Shop All/Men/Shirts;Sale" (";" or "," between paths): each
    # path whole was a type of its own, 24 for a 12-type shop, and none had a wearer (stop 73's new user).
    step = " > " if " > " in written else "/"
    paths = [q.strip() for q in re.split(r"(?<!\\)[,;]" if step == "/" else r"(?<!\\),", written) if q.strip()]
    deepest = max(paths, key=lambda q: q.count(step))       # the first of the deepest
    parts = [x.strip().replace("\\,", ",") for x in deepest.split(step) if x.strip()]
    if not parts or step == "/" and not _slash_path(parts):
        return values
    values = list(values)
    values[_TYPE_AT] = parts[-1]
    # The parts between ("Clothing > Apparel > Shirts"): a wearer, and a masterCategory and subCategory where they
    # are the catalogue's (they were read as nothing, stop 70's gap), each where the row gives none of its own.
    middle = read_middle(parts[:-1])
    for at, value in ((_GENDER_AT, middle.wearer), (_MASTER_AT, middle.master), (_SUB_AT, middle.sub)):
        if value and not values[at]:
            values[at] = value
            report.category_path_read[COLUMNS[at + 1]] = report.category_path_read.get(COLUMNS[at + 1], 0) + 1
            if at == _GENDER_AT and middle.children:    # "Kids/Tshirts": Unisex, kept with children's by its name
                name = values[COLUMNS.index("productDisplayName") - 1]
                report.category_path_children[item_id] = (middle.children, name, named_for_a_child(name))
    # A path naming a type and no group ("Men > Clothing > Tshirts"): the group the catalogue files the type under,
    # where it files it under one of the row's masterCategory (stop 76: 230 of 283 products had none, and the
    # catalogue page's Group filter offered Shoes alone).
    if not values[_SUB_AT] and (sub := type_group(parts[-1], values[_MASTER_AT])):
        values[_SUB_AT] = sub
        values[_MASTER_AT] = values[_MASTER_AT] or SUB_MASTER[sub]
        report.category_sub_from_type[parts[-1]] = report.category_sub_from_type.get(parts[-1], 0) + 1
    for part in middle.unread:
        report.category_parts_unread[part] = report.category_parts_unread.get(part, 0) + 1
    report.category_path_ids.append(item_id)
    report.category_path_example = report.category_path_example or written
    return values


# A Shopify export's column of its Standard Product Taxonomy path (as column_map.spelling reads a header).
TAXONOMY_HEADERS = ("productcategory",)


def taxonomy_column(raw: list[str], header: list[str]) -> int | None:
    """Where ``raw`` (a header as written; ``header`` as columns.json maps it) has a Shopify ``Product Category`` that
    no mapping names a catalogue column (None: nowhere): read by :func:`_taxonomy`."""
    return next((i for i, h in enumerate(raw) if _spelling(h) in TAXONOMY_HEADERS and header[i] == h
                 and h not in COLUMNS), None)


def _taxonomy(values: list[str], path: str, report: DataReport, item_id: int) -> list[str]:
    """``values`` (a row's, without its id) with the masterCategory and subCategory its Shopify ``Product Category``
    (``path``, "Apparel & Accessories > Jewelry > Watches") gives (category_paths.read_taxonomy), and its last part as
    the articleType, each where the row gives none of its own (a shop's Type is its own word for the type, kept):
    an ignored column, every product's categories were empty, which a look reads a product's place in (stop 75)."""
    if not path:
        report.taxonomy_empty_ids.append(item_id)
        return values
    values = list(values)
    read = read_taxonomy(path)
    last = path.split(">")[-1].strip()
    # Not a last part that names a category, no type: "Apparel & Accessories > Clothing" filed its T-shirts and tops
    # as articleType "Clothing" ("Activewear", "Apparel & Accessories" too), where left empty the tagger's reading
    # of the photo gives one (stop 76, h76review). A part read as none ("Jumpsuits & Rompers") is the shop's type.
    as_type = read_taxonomy(last)
    last = last if as_type.sub or as_type.unread else ""
    for at, value in ((_MASTER_AT, read.master), (_SUB_AT, read.sub), (_TYPE_AT, last)):
        if value and not values[at]:
            values[at] = value
            report.taxonomy_read[COLUMNS[at + 1]] = report.taxonomy_read.get(COLUMNS[at + 1], 0) + 1
    for part in read.unread:
        report.taxonomy_unread[part] = report.taxonomy_unread.get(part, 0) + 1
    report.taxonomy_ids.append(item_id)
    report.taxonomy_example = report.taxonomy_example or path
    return values


# A BigCommerce export's "Item Type" (legacy: Product, SKU, Rule) or "Item" (Product, Variant, Image, Video): the
# lines other than a Product's belong to the Product line above; a SKU or Variant is one of its sizes.
LISTING_KIND_HEADERS = ("itemtype", "item")
SIZE_LISTING_KINDS = frozenset({"sku", "variant"})
FOLDED_LISTING_KINDS = SIZE_LISTING_KINDS | {"rule", "image", "video", "modifier"}


def store_view_column(header: list[str]) -> int | None:
    """Where ``header`` (as :func:`header_columns` reads it) has a Magento export's store_view_code (None: nowhere):
    a row with one is a store view's translation of the product whose row has none."""
    return next((i for i, h in enumerate(header) if _spelling(h) == "storeviewcode" and h not in COLUMNS), None)


def listing_kind_column(header: list[str]) -> int | None:
    """Where ``header`` (as :func:`header_columns` reads it) has a BigCommerce export's Item Type or Item (None:
    nowhere)."""
    return next((i for i, h in enumerate(header) if _spelling(h) in LISTING_KIND_HEADERS and h not in COLUMNS), None)


def parent_key(written: str) -> str:
    """A WooCommerce Parent as its product line is found by: "id:3122" and "3122" by the id, else a SKU as written."""
    key = written.strip()
    return key[3:].strip().lstrip("0") or "0" if key.lower().startswith("id:") else key


def _sale_before_price(raw: list[str], header: list[str], price_at: int | None, report: DataReport) -> int | None:
    """The price column to read first: a "Sale Price" where the one found is a plain "Price" the header names itself
    (not one columns.json maps) and the header has both (a BigCommerce export's); else ``price_at``. Said in
    ``report`` as the header names it."""
    if price_at is None or _spelling(header[price_at]) != "price" or PRICE in report.column_map.values():
        return price_at
    sale_at = next((i for i, h in enumerate(header) if _spelling(h) in SALE_PRICE_HEADERS and h not in COLUMNS), None)
    if sale_at is None:
        return price_at
    report.price_column = raw[sale_at]
    return sale_at


def _sale_above_regular(row: list[str], price_at: int, regular_at: int) -> tuple[str, str] | None:
    """(sale price, regular price) as written where ``row``'s sale price is above its regular price (both amounts):
    no sale, the regular price the one the shop sells at; None otherwise."""
    sale, regular = read_price(row[price_at]), read_price(row[regular_at])
    if sale is None or regular is None or sale <= regular:
        return None
    return row[price_at].strip(), row[regular_at].strip()


def _price_from_child(records: list[list], regulars: dict[int, str], at_record: int, children: list[str],
                      record_of_sku: dict[str, int], report: DataReport) -> None:
    """The price (and a sale's regular price) of the record at ``at_record``, a Magento configurable product without
    one, as its lowest-priced child's among ``children`` (SKUs; ``record_of_sku`` their records), said in ``report``
    by id; left without one where no child has a price."""
    at = len(COLUMNS)       # a record: id, the other columns, then the price

    def price_of(sku: str) -> float | None:
        return read_price(records[record_of_sku[sku]][at]) if sku in record_of_sku else None

    child = lowest_priced_child(children, price_of)
    if child is None:
        return
    records[at_record][at] = records[record_of_sku[child]][at]
    if regulars.get(record_of_sku[child]):
        regulars[at_record] = regulars[record_of_sku[child]]
    report.prices_from_children[records[at_record][0]] = child


def _say_sale_off(report: DataReport, item_id: int, sale_off: tuple[str, str],
                  above: tuple[str, str] | None = None, above_price: tuple[str, str] | None = None) -> None:
    """``report``'s word of ``item_id``'s sale not on, or of a sale date that is none (:func:`_sale_off`), or of its
    sale price ``above`` its regular one (:func:`_sale_above_regular`), or above its price where the shop sells at
    it (``above_price``, BigCommerce's)."""
    if above:
        report.sale_above_regular[item_id] = above
    if above_price:
        report.sale_above_price[item_id] = above_price
    if sale_off[0]:
        report.sale_not_on[item_id] = sale_off[0]
    if sale_off[1]:
        report.sale_dates_invalid[item_id] = sale_off[1]


def _sale_off(dates: SaleDates, row: list[str], today: datetime.date) -> tuple[str, str]:
    """(why ``row``'s sale is not on ``today`` by its sale dates, "" where it is; why a date is none, "" where each
    is one: the sale is then read as on, the shop's word being the sale price)."""
    try:
        return dates.off(row, today), ""
    except ValueError as e:
        return "", str(e)


def _sale_or_regular(header: list[str], price_at: int | None) -> int | None:
    """Where the price read is a sale price and the header has a regular price too (a WooCommerce export's "Sale
    price" and "Regular price"), the regular one's position: a row without a sale price is sold at it. Before stop
    70 such a shop's products not on sale (214 of a trial's 284 rows) had no price, and their regular prices,
    "TBD" among them, went unread and unsaid."""
    if price_at is None or _spelling(header[price_at]) not in SALE_PRICE_HEADERS:
        return None
    # A BigCommerce export's regular price is its "Price" (_sale_before_price); a sale price of 0 is no sale there.
    return next((i for name in ("regularprice", "price") for i, h in enumerate(header)
                 if _spelling(h) == name and h not in COLUMNS), None)


def _fold_price(records: list[list], product: tuple, row: list[str], price_at: int | None) -> None:
    """A folded variant line's price (``row``'s) as its ``product``'s where the product line has none: a product line
    without a price and its sizes' lines with one went in unpriced (stop 69's review)."""
    at = len(COLUMNS)       # a record: id, the other columns, then the price
    if price_at is not None and not records[product[3]][at] and row[price_at].strip():
        records[product[3]][at] = row[price_at].strip()


def styles_sha256(data_dir: str | Path) -> str | None:
    """SHA-256 of a catalogue's styles.csv as it is on disk (None where there is none): what an index or a
    run records of the catalogue it was made from, so that one made from another catalogue, or before its
    rows changed, is not taken for this one's; with its columns.json where there is one."""
    path = table_path(data_dir)
    if not path.is_file():
        return None
    digest = hashlib.sha256(path.read_bytes())
    # A columns.json beside it changes what the rows read as (stop 68): its bytes count, so that an index built
    # before the mapping changed is not taken for this reading's. Without one, styles.csv's own SHA-256, as before.
    mapping = path.with_name(COLUMN_MAP_FILE)
    if mapping.is_file():
        digest.update(b"\0" + mapping.read_bytes())
    return digest.hexdigest()


def styles_table(data_dir: str | Path, report: DataReport | None = None) -> pd.DataFrame:
    """The rows of ``data_dir``'s styles.csv (the columns of :data:`COLUMNS`) as :func:`load_catalog` reads them,
    without its photos: for what needs only the rows of a catalogue whose images/ may be gone or elsewhere.
    ``report``: filled with what the file says besides (its rejected rows)."""
    root = Path(data_dir)
    report = report if report is not None else DataReport(data_dir=str(root))
    places = read_places(root)
    if places != PLACES:        # named as load_catalog names them, so that its messages name the shop's table
        report.places = places
    return _read_styles(table_path(root), report)


def styles_header(data_dir: str | Path, mapped: bool = True, places: dict[str, str] | None = None) -> list[str]:
    """The names in ``data_dir``'s styles.csv header as written (before columns.json maps them), [] where the file
    has no header line: what `fashionrec data columns` checks a mapping's names against. ``mapped``: the separator
    found with columns.json's names too (False: without it, where it is the unreadable file being replaced).
    ``places``: the table to read ({"@table": ...}) where it is not yet written to columns.json (None: its own)."""
    csv_path = Path(data_dir) / places[TABLE_KEY] if places is not None else table_path(data_dir)
    report = DataReport(data_dir=str(data_dir))
    physical = io.StringIO(_decode_lines(csv_path, report), newline="").readlines()
    at = next((i for i, line in enumerate(physical)
               if line.strip() and not _SEP_LINE.match(line.rstrip("\r\n"))), None)
    if at is None:
        return []
    said = next((m.group(1) for line in physical[:at] if (m := _SEP_LINE.match(line.rstrip("\r\n")))), None)
    sep = _separator(physical[at], said, report, csv_path.parent if mapped else None)
    if sep == "," and not said and len(_fields(physical[at], ",")) == 1:
        # A semicolon export is told by its columns' names, which it has only once columns.json maps them: the
        # names to map are those of the separator that splits the header (stop 69's new user: "SKU;Product Name"
        # was one name, every pair refused).
        sep = max(_SEPARATORS, key=lambda s: len(_fields(physical[at], s)))
    return [h.strip() for h in _fields(physical[at], sep)]


def styles_ids(data_dir: str | Path) -> set[int]:
    """The ids of ``data_dir``'s styles.csv rows, read or rejected (a rejected row's id where :func:`photo_id`
    reads one, as :class:`RejectedRow`'s ``id_field``), as :func:`styles_table` and its report give them, without
    reading the rest of each row: its fields are split as the loader splits them, and the loader itself reads the
    file where an id is not plain digits ("12933.0", "-7", the header again), whose row it may read or reject.
    0.8-1.1 s of CPU at 44k rows with the whole loader, 5.2 s of the first `index add` on the 40k index under
    cProfile. Raises :class:`CatalogError` where :func:`styles_table` would."""
    csv_path = table_path(data_dir)
    report = DataReport(data_dir=str(data_dir))
    text = _decode_lines(csv_path, report)
    physical = io.StringIO(text, newline="").readlines()
    at = next((i for i, line in enumerate(physical)
               if line.strip() and not _SEP_LINE.match(line.rstrip("\r\n"))), None)
    header: list[str] = []
    if at is not None and not text.rstrip("\r\n").endswith("\x1a"):
        said = next((m.group(1) for line in physical[:at] if (m := _SEP_LINE.match(line.rstrip("\r\n")))), None)
        sep = _separator(physical[at], said, report, csv_path.parent)
        header = header_columns([h.strip() for h in _fields(physical[at], sep)], csv_path, report)
    # The id first: every row's is then its own (_read_styles' reject() trusts it whatever the row's length), and
    # nothing the loader does to a row's other fields (a name's commas joined, trailing separators) moves it.
    if header[:1] == ["id"] and all(c in header for c in REQUIRED_COLUMNS):
        ids: set[int] = set()
        for _, row in _records(text, len(header), report, start=at + 1, sep=sep, id_at=0):
            if not row or all(not c.strip() for c in row):
                continue        # a blank row: no product
            given = row[0].strip()
            if given.isdecimal() and given.isascii():
                if int(given) < 2**63:      # a larger one is rejected, and photo_id reads it as none
                    ids.add(int(given))
            elif given or row[0].lstrip().startswith('"'):
                break           # read or rejected otherwise (or re-read, `, "..."`): the loader's say
        else:
            return ids
    report = DataReport(data_dir=str(data_dir))
    table = _read_styles(csv_path, report)
    return set(map(int, table["id"])) | {i for r in report.rows_rejected if (i := photo_id(r.id_field)) is not None}


def _catalogue_nearby(root: Path) -> str:
    """Where the catalogue a folder without styles.csv was likely meant to be, as a hint to add to the error
    ("" for none): its parent, when given the images/ folder itself; a folder inside it that holds styles.csv (the
    Kaggle download unzips to archive/myntradataset/); or the CSV files it holds under another name. A new user's
    trial (stop 68) gave images/ and read only "images/styles.csv not found"."""
    if (root.parent / "styles.csv").is_file() and (root.parent / "images").resolve() == root.resolve():
        return f"; {root} is the photos' folder of the catalogue {root.parent}: give {root.parent}"
    try:
        inside = sorted(p for p in root.iterdir() if p.is_dir() and (p / "styles.csv").is_file())
        csvs = sorted(p.name for p in root.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    except OSError:         # unreadable folder: the error itself says enough
        return ""
    if inside:
        which = str(inside[0]) if len(inside) == 1 else f"one of {first_few([str(p) for p in inside], 3)}"
        return f"; a folder inside it holds a styles.csv: give {which}"
    if csvs:
        return (f"; it holds {first_few(csvs, 5)}: name the table with `fashionrec data columns "
                f"{shlex.quote(str(root))} --table {shlex.quote(csvs[0])}`, or rename it styles.csv")
    return ""


MAGENTO_MEDIA = "pub/media/catalog/product"


def _photos_nearby(root: Path) -> str:
    """Where a catalogue without images/ keeps its photos, as a hint ("" for none): the folder inside it that holds
    the most image files. A shop's export unpacked to photos/ read only "images not found" (stop 69's new user)."""
    # A Magento store's photos lie under pub/media/catalog/product/, in folders by their names' first letters
    # ("m/b/mb01-0.jpg"): the folder a base_image path is written from (stop 77's new user was told of none).
    if (root / MAGENTO_MEDIA).is_dir():
        return (f"; it holds {MAGENTO_MEDIA}/, a Magento store's product photos: name it with `fashionrec data "
                f"columns {shlex.quote(str(root))} --images {MAGENTO_MEDIA}` (and map base_image=photo)")
    counts = {}
    try:
        for folder in (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            counts[folder.name] = sum(1 for f in folder.iterdir() if f.suffix.lower() in IMAGE_EXTENSIONS)
    except OSError:         # unreadable folder: the error itself says enough
        return ""
    best = max(counts, key=counts.get, default=None)
    if not best or not counts[best]:
        return ""
    return (f"; it holds {best}/ with {counts[best]:,} photos: name it with `fashionrec data columns "
            f"{shlex.quote(str(root))} --images {shlex.quote(best)}`, or rename it images")


def check_catalogue_folder(data_dir: str | Path, places: dict[str, str] | None = None) -> Path:
    """``data_dir`` as a path, or a :class:`CatalogError` saying what it lacks (the folder, styles.csv,
    images/): cheap, for a command to check before it starts processes or loads a model. ``places``: the table and
    photo folder to check ({"@table": ..., "@images": ...}) where they are not yet in columns.json (None: its own;
    `data columns` checks those it is given before it writes them, stop 72)."""
    if not isinstance(data_dir, (str, Path)):      # None from Python was pathlib's TypeError (a trial)
        raise BadInputError(f"give the catalogue folder (styles.csv + images/) as a path, not {data_dir!r}; "
                           f"the command line's default is {default_data_dir()}")
    root = Path(data_dir).expanduser()
    if root.is_file():
        if zipfile.is_zipfile(root) or tarfile.is_tarfile(root):
            # The Kaggle download is a zip: "(. if this is its styles.csv)" was all a new user's trial read (stop 68).
            raise CatalogError(f"{root} is an archive: unpack it and give the folder inside it that holds styles.csv "
                               "and images/")
        raise CatalogError(f"{root} is a file: give the catalogue folder that holds styles.csv and images/ "
                           f"({root.parent} if this is its styles.csv)")
    if not root.is_dir():
        raise CatalogError(f"catalogue folder {root} does not exist: give the folder that holds styles.csv and "
                           "images/ (the commands' DATA_DIR argument, or set FASHIONREC_DATA)")
    # A styles.csv that is a folder, an images that is a file, were "not found" (a bad-input trial).
    # Or those its columns.json names (a shop's products.csv and photos/, stop 70).
    styles, images = ((root / places[TABLE_KEY], root / places[IMAGES_KEY]) if places is not None
                      else (table_path(root), images_path(root)))
    if styles.is_dir():
        raise CatalogError(f"{styles} is a folder: a catalogue's {styles.name} is the file of its rows")
    if not styles.is_file():
        raise CatalogError(f"{styles} not found: a catalogue folder needs styles.csv and images/<id>.jpg"
                           + _catalogue_nearby(root))
    if images.exists() and not images.is_dir():
        raise CatalogError(f"{images} is a file: a catalogue's images/ is a folder of <id>.jpg")
    if not images.is_dir():
        raise CatalogError(f"{images} not found: a catalogue folder needs an images/ folder of <id>.jpg"
                           + _photos_nearby(root))
    return root


def load_catalog(data_dir: str | Path, check_images: bool = True, workers: int | None = None,
                 progress: bool = True, warn: bool = True) -> Catalog:
    """Read ``styles.csv``, check every image, and return a :class:`Catalog` with its report.

    ``warn``: log the rows left out (the report lists them either way); off where the catalogue is only
    consulted, as when evaluate looks up which products a model trained on.

    Raises :class:`CatalogError` only when the folder cannot be used at all (no styles.csv,
    no images folder, no usable columns).
    """
    root = check_catalogue_folder(data_dir)
    csv_path, images_dir = table_path(root), images_path(root)
    report = DataReport(data_dir=str(root))
    if (csv_path.name, images_dir.relative_to(root).as_posix()) != ("styles.csv", "images"):
        report.places = {"@table": csv_path.name, "@images": images_dir.relative_to(root).as_posix()}
    df = _read_styles(csv_path, report)
    files, report.second_photos, folders, unread = image_files(images_dir)
    # A photo named otherwise for its id where no file has the plain name: zero-padded ("0050869.jpg") or with
    # a space ("7128 .jpg"); a shop's re-trial found them listed as rows without photos.
    aliases: dict[str, Path] = {}
    for stem, path in files.items():
        number = photo_id(stem)
        plain = stem.strip() if number is None else str(number)
        if plain != stem and plain not in files:
            aliases.setdefault(plain, path)
    # The photo named as the row writes its id first: of "007.jpg" and "7.jpg" (two SKUs, one number), the row
    # read, "007", took "7.jpg", the other product's (stop 69's new user).
    as_written = {number: written for written, number in report.ids_written_otherwise.items()}
    found = set(files.values())
    # A row's photo named in its photo column (columns.json, stop 70) first: "ABC-123.jpg", found as the loader
    # finds any (its stem, in any case of extension).
    # In another case where the folder has no file of the name's own ("ABC-123.jpg" for "abc-123.jpg", a shop's
    # export written by hand or a file system that changed it) and one only in any case: the only file it can be.
    by_case: dict[str, Path | None] = {}
    for stem, path in files.items() if report.photo_files or report.variant_photo_files else ():
        by_case[stem.casefold()] = None if stem.casefold() in by_case else path

    def named(name: str) -> Path | None:
        # (never above the folder: a "../" in an export's cell would serve a file of the server's as a photo)
        if "/" in name and ".." not in PurePosixPath(name).parts and (images_dir / name).is_file():
            return images_dir / name
        stem = Path(name).stem
        return files.get(stem) or by_case.get(stem.casefold())

    named_photo = {i: named(name) for i, name in report.photo_files.items()}
    # A folded line's photos (a WooCommerce variation's own image, stop 71): in its photo column, else its <id>.jpg.
    variant_photos = {product: [path for path in dict.fromkeys(
        [named(name) for name in report.variant_photo_files.get(product, [])]
        + [files.get(str(i)) for i in report.variations_folded.get(product, [])]) if path is not None]
        for product in {*report.variant_photo_files, *report.variations_folded}}
    paths = [named_photo.get(int(i)) or files.get(as_written.get(int(i), "")) or files.get(str(i))
             or aliases.get(str(i)) for i in df["id"]]
    # A product line without a photo (a variable product's, whose variations each have one) is read with its first
    # variation's: it was "missing image", and that photo "without a row".
    for k, i in enumerate(df["id"]):
        if paths[k] is None and variant_photos.get(int(i)):
            paths[k] = variant_photos[int(i)][0]
            report.photos_from_variants[int(i)] = paths[k].name
    paths = [p or images_dir / f"{i}.jpg" for i, p in zip(df["id"], paths, strict=True)]
    # A photo named as its row writes the id ("0015970.jpg" for the row "0015970") is named as written, not
    # otherwise: it was listed here beside "ids written otherwise" for the same products (stop 69's trial).
    report.photos_named_otherwise = {p.name: int(i) for i, p in zip(df["id"], paths, strict=True)
                                     if p.stem not in (str(i), as_written.get(int(i))) and p in found
                                     and p != named_photo.get(int(i)) and int(i) not in report.photos_from_variants}
    used = set(paths)
    # A variation's own photo beside its product's (another colour's): not read, a product being read with one
    # photo, and said as a variation's rather than as a photo "without a row".
    report.variant_photos_not_read = {p.name: product for product, photos in variant_photos.items() for p in photos
                                      if p not in used}
    # Photos no row names (say, a product deleted from the table): listed, as rows without photos are.
    named = {str(i) for i in df["id"]} | {r.id_field for r in report.rows_rejected}
    report.images_without_row = sorted(p.name for stem, p in files.items() if stem not in named and p not in used
                                       and p.name not in report.variant_photos_not_read)
    # Photos in folders inside images/ are not read: listed, so that "missing image" is not all a shop is told.
    extensions = set(IMAGE_EXTENSIONS)
    report.photos_in_subfolders = sorted(p.relative_to(images_dir).as_posix() for folder in folders
                                         for p in folder.rglob("*") if p.suffix.lower() in extensions
                                         and p not in used)
    report.photo_column_unmapped = _photo_column_unmapped(report)
    df["image_path"] = [str(p) for p in paths]
    if check_images:
        # PIL releases the GIL while decoding, so threads use every core without pickling costs.
        with ThreadPoolExecutor(max_workers=workers or min(8, (os.cpu_count() or 2) * 2)) as pool:
            results = list(tqdm(pool.map(check_image, paths, chunksize=64), total=len(paths),
                                desc="checking images", unit="img", disable=hidden(progress),
                                smoothing=0))   # results arrive in chunks: bursty rates otherwise
    else:
        results = [("ok", "", 0, 0, b"") if p.exists() else ("missing", NO_IMAGE, 0, 0, b"") for p in paths]
    df["image_status"] = [r[0] for r in results]
    # A row's photo in a format not read (12933.gif, a phone's .heic) was "missing" without a word of the file
    # beside it (a data review, stop 61): said, with what to save it as.
    df["image_reason"] = [f"a {Path(unread[str(i)]).suffix.lower()} file, a format not read: save it as .jpg or .png"
                          if r[0] == "missing" and r[1] == NO_IMAGE and str(i) in unread else r[1]
                          for i, r in zip(df["id"], results, strict=True)]
    # A photo its photo column names and the folder lacks: said by that name, not as <id>.jpg.
    df["image_reason"] = [f"no {report.photo_files[int(i)]} in {images_dir.name}/ (its {PHOTO} column) nor {i}.jpg"
                          if reason == NO_IMAGE and int(i) in report.photo_files else reason
                          for i, reason in zip(df["id"], df["image_reason"], strict=True)]
    # A row whose photo lies in a folder inside images/ ("images/new/0013690.jpg") was "no image file", the
    # subfolder's photos listed on another line: a new user's trial (stop 67) had to pair them up by id.
    nested: dict[int, str] = {}
    for name in report.photos_in_subfolders:
        number = photo_id(Path(name).stem)
        if number is not None:
            nested.setdefault(number, name)
    df["image_reason"] = [f"images/{nested[int(i)]} {IN_SUBFOLDER}"
                          if reason == NO_IMAGE and int(i) in nested else reason
                          for i, reason in zip(df["id"], df["image_reason"], strict=True)]
    df["width"] = [r[2] for r in results]
    df["height"] = [r[3] for r in results]
    # What a rebuild finds an embedded photo by (fashionrec.index_reuse): its bytes, whatever its id or path.
    df["photo_digest"] = [r[4].hex() for r in results]

    ok = df["image_status"] == "ok"
    report.with_image = int(ok.sum())
    missing = df["image_status"] == "missing"
    report.missing_image = int(missing.sum())
    report.missing_image_ids = [int(i) for i in df.loc[missing, "id"]]
    # Why, where it is more than no file: only the table had it (a data engineer's trial).
    report.missing_image_reasons = {int(i): r for i, r in zip(df.loc[missing, "id"], df.loc[missing, "image_reason"],
                                                               strict=True) if r != NO_IMAGE}
    bad = df[df["image_status"] == "unreadable"]
    report.unreadable_image = [ImageProblem(int(i), r) for i, r in zip(bad["id"], bad["image_reason"], strict=True)]
    report.blank_image_ids = [int(i) for i in df.loc[ok & (df["image_reason"] == BLANK_REASON), "id"]]
    report.tiny_image_ids = [int(i) for i in df.loc[ok & (df["image_reason"] == TINY_REASON), "id"]]
    report.greyscale_image_ids = [int(i) for i in df.loc[ok & (df["image_reason"] == GREY_REASON), "id"]]
    # From the sizes already read, so the check costs nothing more; a blank or tiny photo is listed as that alone.
    thin = ok & long_thin(df["width"], df["height"]) & ~df["image_reason"].isin([BLANK_REASON, TINY_REASON])
    report.long_thin_image_ids = [int(i) for i in df.loc[thin, "id"]]
    sizes = df.loc[ok & ((df["width"] != 60) | (df["height"] != 80)) & (df["width"] > 0)]
    report.odd_size_images = {f"{w}x{h}": int(c) for (w, h), c in
                              sizes.groupby(["width", "height"]).size().items()}
    report.shared_photos = _shared_photos(df[ok], [r[4] for r, good in zip(results, ok, strict=True) if good])
    counts = df.loc[ok, "articleType"].dropna().value_counts()
    report.class_counts = {str(k): int(v) for k, v in counts.items()}
    report.classes = len(counts)
    if warn and report.absent_columns:
        log.warning("%s has no %s column%s: read as empty in every row%s", csv_path, ", ".join(report.absent_columns),
                    "s" if len(report.absent_columns) > 1 else "", report.misnamed_said())
    if warn and report.ids_written_otherwise:
        # Said where a shop builds its index or tags, not only by `data check` (stop 68): the outputs name the
        # numbers, which a system keyed by the text does not find.
        if report.ids_from:
            log.warning("%s: %s", csv_path, report.ids_written_said(5))
        else:       # ("1 id written otherwise", where data check's line says "ids written otherwise 1")
            said = first_few([f"{text!r} as {i}" for text, i in report.ids_written_otherwise.items()], 5)
            k = len(report.ids_written_otherwise)
            log.warning("%s: %d id%s written otherwise (%s): %s", csv_path, k, "s" if k != 1 else "", said,
                        IDS_AS_NUMBERS)
    if warn and report.left_out():
        log.warning("%s", report.left_out())
    if warn and report.hidden:
        # Said where a shop builds its index or tags, not only by `data check` (a review of stop 73).
        log.warning("%s: %s", csv_path, " ".join(report.hidden_said().split()))
    if warn and report.not_for_sale:
        log.warning("%s: %s", csv_path, " ".join(report.not_for_sale_said().split()))
    if warn and report.ambiguous_prices:
        log.warning("%s: %s", csv_path, report.ambiguous_said())
    if warn and report.price_currencies:
        # Said where a shop builds its index or tags too, not only by `data check` (stop 70): a "$25" among "₹"
        # prices was filtered and sorted as ₹25 with no word at the build.
        log.warning("%s: prices %s", csv_path, report.currencies_said())
    return Catalog(root=root, table=df, report=report)

