"""A product's id made from its Shopify ``Handle``, where the export has no id column.

A Shopify admin product export has no id column: its ``Handle`` ("navy-tee") names the product, and each of the
product's lines (its sizes, colours, photos) repeats it. Every command was refused until a shop added an id by hand
(stop 72, a Shopify trial). Here the id is a hash of the Handle: the same Handle gives the same id in every export,
whatever else the file holds or in what order, so ``data check``, ``tag``, ``index build``, ``index add`` and
``index stock --from`` of a later export all name the product by the same number. A count or a line number would
not stay with a product once the shop adds, removes or reorders one.

The ids are under 2**53: the pages read an id as a JavaScript Number, which holds whole numbers exactly only that far.
Two Handles of one export may hash to one id (with 10,000 products, about one export in 180 million): never
resolved silently (a second hash chosen by what else the file holds would not stay with the product), the second
product's lines are refused, said with both Handles and how to give them ids of their own (:func:`collision_said`).

Example:
    >>> handle_id("navy-tee") == handle_id(" navy-tee ")
    True
    >>> 0 <= handle_id("navy-tee") < 2**53
    True
"""

from __future__ import annotations

import hashlib
import itertools
import re

from fashionrec.column_map import spelling

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/#-]*")
# Two parts joined ("TS-NAVY-M", "tee_navy"): a code without a digit. A word alone ("Belt", "none") is no code: a
# column mapped to id by mistake (a title, a type) would otherwise have its one-word values taken as ids.
_JOINED = re.compile(r"[A-Za-z0-9]+(?:[._/#-][A-Za-z0-9]+)+")
# What a spreadsheet writes for no value, "n/a" joined as a code is: no product's code (catalog.MISSING_MARKERS).
_NO_VALUE = frozenset({"n/a", "na", "none", "null", "nan", "nil", "tbd", "tba"})
ID_BITS = 53     # JavaScript's exact whole numbers (Number.MAX_SAFE_INTEGER is 2**53 - 1)


def handle_id(handle: str) -> int:
    """The id of the product whose Shopify ``Handle`` is ``handle`` (surrounding spaces dropped, its case kept, as
    Shopify's handles are written): the first 53 bits of its BLAKE2b digest, an int in [0, 2**53)."""
    digest = hashlib.blake2b(handle.strip().encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - ID_BITS)


def handle_column(raw: list[str], header: list[str]) -> int | None:
    """Where a header (``raw`` as written, ``header`` as read through columns.json) has a Shopify ``Handle`` to
    make ids from: a column spelled "Handle" that columns.json maps to nothing, in a header without an id, or maps to
    id itself (`data columns DIR Handle=id`, a shop's likely answer to "lacks the columns ['id']": every row was then
    refused as "not an integer"). None otherwise: an id column, or another mapped to id, is read as written (stop
    68's ids as written)."""
    at = next((i for i, (h, read) in enumerate(zip(raw, header, strict=True))
               if spelling(h) == "handle" and read in (h, "id")), None)
    if at is None or "id" in header and header[at] != "id":
        return None
    return at


def is_product_code(text: str) -> bool:
    """Whether an id cell is a shop's product code ("SKU-10021", "TS_NAVY/42", "TS-NAVY-M"): letters with digits, or
    parts joined by - _ . / #, no spaces; a word alone, a sentence or a spreadsheet's "n/a" is no code, and stays
    refused as no id (:func:`no_code_said`). Codes without a digit were refused as "not an integer" with no word of
    what to do (stop 74, h74exit)."""
    if not _CODE.fullmatch(text) or text.lower() in _NO_VALUE:
        return False
    return any(c.isdigit() for c in text) or bool(_JOINED.fullmatch(text))


def ids_made_from_text(written: dict[str, str]) -> bool:
    """Whether an index's ids are made from its shop's Handles or codes: one of the first spellings its manifest
    records (``written``, its ids_as_written, {id: as written}) hashes to its own id (:func:`handle_id`). A zero-padded
    "0015970" is its digits, no hash: such an index's ids are the shop's numbers."""
    return any(handle_id(spelt) == int(key) for key, spelt in itertools.islice(written.items(), 100)
               if key.isdecimal())


def new_product_id(typed: str, written: dict[str, str]) -> int | None:
    """The id ``typed`` (a Handle or code no product of the index has: one the shop has not added yet) makes on an
    index whose ids are made so (:func:`ids_made_from_text`), as the next build would give it; None elsewhere, or
    where it is no Handle nor code (spaces, a spreadsheet's "n/a"). `index stock NEW-HANDLE=4 --skip-unknown` was
    refused as "is no product id", while the same Handle in a Shopify export's Handle column was skipped by this
    hash (stop 74, h74ids)."""
    text = typed.strip()
    if not _CODE.fullmatch(text) or text.lower() in _NO_VALUE or not ids_made_from_text(written):
        return None
    return handle_id(text)


def no_code_said(given: str, column: str) -> str:
    """Why a cell of ``column``, a column of the shop's mapped to id, is no id, and what to do: it is neither a whole
    number nor a product code (:func:`is_product_code`)."""
    return (f"id {given!r} is neither a whole number nor a product code (letters with a digit, or parts joined by "
            f"- _ . /, no spaces: SKU-10021, TS-NAVY-M): give the row its product's code in the {column} column, or, "
            f"where {column} holds no codes, map the column that does to id (`fashionrec data columns FOLDER "
            f"'CODE COLUMN=id'`)")


def collision_said(number: int, first: str, first_line: int, handle: str) -> str:
    """Why a line whose Handle ``handle`` makes the id ``number`` another Handle (``first``, on ``first_line``) made
    already is refused, and what to do."""
    return (f"its Handle {handle!r} makes the id {number}, as line {first_line}'s Handle {first!r} does (two Handles "
            "whose hashes meet, rare): add an id column giving each product a whole number of its own (Shopify's "
            "product ID), kept in every export, and map it with `fashionrec data columns FOLDER 'ID=id'`")


def no_handle_said(column: str) -> str:
    """Why a line of a Shopify export without its ``column`` (the Handle) is refused: its id is made from it."""
    return (f"the row has no {column} (its id is made from the {column}, the export having no id column): give it "
            f"its product's {column}, as each of the product's lines has")
