"""A product id as a user types it (a CLI argument, an API path or body) read as the index's number.

Ids are whole numbers (the vector index's, the photos', the pages'); a shop's own spelling of each is kept beside
them in the index's manifest (``ids_as_written``: "0015970" for 15970, stop 68; a Shopify export's Handle for the
hash its id is made from, stop 73). Each message and answer said that spelling, but every command and path took
the number alone: `recommend similar french-connection-men-black-tobacco-belt-942` was refused as "not a whole
number", so a shop keyed by its Handles had to look each number up first (stop 73, h73shop's gap). Here a typed id
is the product the index records it written so as, else its number; one that is neither is said as typed.
Since stop 74 the same reader (:func:`typed_reader`) reads the ids of a batch of stock levels and of a stock file's
id column, which took numbers alone ("'navy-tee' is no product id").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz import fuzz
from rapidfuzz import process as rf_process

from fashionrec.errors import NotFoundError

_NUMBER = re.compile(r"[0-9]+")     # ASCII digits alone: "³" passes isdigit() and int() fails on it
# How like a spelling a typed id must be to be offered as "did you mean" (difflib's ratio, as a share of 100).
CLOSE_SPELLING = 80


def as_number(typed: str) -> int | None:
    """``typed`` (stripped) as the whole number it writes ("0015970": 15970), None where it writes none."""
    return int(typed) if _NUMBER.fullmatch(typed) else None


class Spellings:
    """A manifest's ids_as_written ({"4630861296116473": "french-...-942"}) turned round once ({spelling: id}), for
    the many ids of a stock file or a batch of levels: stop 73's reading looked through every spelling for each id,
    40,000 x 40,000 for a shop's nightly file of Handles (stop 74)."""

    def __init__(self, written: dict[str, str]) -> None:
        self.written = written
        self.exact: dict[str, str] | None = None        # turned round at the first id read: not where none is
        self.folded: dict[str, str | None] = {}         # None: spelt so, in one case or another, by several ids

    def id_of(self, typed: str) -> int | None:
        """The id spelt ``typed``: exactly, else in another case where one alone is; None where none is."""
        if self.exact is None:
            folded: dict[str, str | None] = {}
            for key, spelt in self.written.items():
                folded[spelt.casefold()] = None if spelt.casefold() in folded else key
            self.folded = folded
            # Set last: a server's other thread reading meanwhile finds both ready or turns them round itself.
            self.exact = {spelt: key for key, spelt in reversed(self.written.items())}      # the first listed
        key = self.exact.get(typed) or self.folded.get(typed.casefold())
        return int(key) if key is not None else None

    def close_to(self, typed: str) -> str | None:
        """The spelling most like ``typed`` (at least :data:`CLOSE_SPELLING` alike), of all of them, or None."""
        best = rf_process.extractOne(typed, self.written.values(), scorer=fuzz.ratio, score_cutoff=CLOSE_SPELLING)
        return best[0] if best else None


def typed_reader(written: dict[str, str], held: Callable[[int], bool],
                 spellings: Spellings | None = None) -> Callable[[object], int | None]:
    """What reads the id a user typed against one index (a CLI argument, an API path, a batch of stock levels, a
    stock file's id column): a number the index holds (``held``) as it is, else the id whose spelling ``written``
    (its manifest's ids_as_written) records as typed, exactly or in another case where one alone is (a Handle, or
    digits that are a shop's Handle), else its number (unknown: the caller says why, removed or never there); None
    where it is neither a spelling nor a number. The spellings are turned round once, on the first id that needs
    them (:class:`Spellings`; ``spellings``: those of ``written``, which an index keeps), each id then read in
    constant time.

    Example:
        >>> read = typed_reader({"4630861296116473": "navy-tee"}, held=lambda i: i == 15970)
        >>> read("Navy-Tee"), read("0015970"), read("99"), read("navy-tees")
        (4630861296116473, 15970, 99, None)
    """
    def read(typed) -> int | None:
        nonlocal spellings
        text = str(typed).strip()
        number = as_number(text)
        if number is not None and held(number):
            return number
        if not text or not written:
            return number
        spellings = spellings or Spellings(written)
        spelt = spellings.id_of(text)
        return spelt if spelt is not None else number
    return read


def no_such_id(typed, written: dict[str, str] | Spellings, count: int,
               hidden: set[int] | frozenset[int] = frozenset(), example: int | None = None) -> NotFoundError:
    """The error for ``typed`` naming no product: said as typed, with what an id is in this index (its number, or
    as the shop writes it where ``written`` records spellings) and a close spelling where there is one, said hidden
    where it is one of ``hidden`` (the ids of the products the shop hides, offered to the shop alone); ``example``:
    a product number the index holds, given where it records no spellings."""
    text = str(typed).strip()
    spellings = written if isinstance(written, Spellings) else Spellings(written)
    if spellings.written:
        example = next(iter(spellings.written.values()))
        way = (f"give a product's number or its id as the shop's export writes it (e.g. {example!r}; "
               "`fashionrec recommend export` lists both)")
        # Of every spelling (difflib over the first 20,000 alone took 0.4 s and never offered a later one).
        close = spellings.close_to(text)
        if close:
            said = " (hidden by the shop)" if spellings.id_of(close) in hidden else ""
            way += f"; did you mean {close!r}{said}?"
    else:
        # The index's own product (stop 76): a fixed 15970, the Kaggle catalogue's, was no product of a shop's.
        way = "give a product's number (this index records no other spelling of its ids)" + (
            f", e.g. {example}" if example is not None else "")
    return NotFoundError(f"there is no product {text!r} in this catalogue ({count:,} products): {way}",
                         shopper=f"There is no product {text} in the shop. Search for what you are looking for, "
                                 "or browse the catalogue.")

