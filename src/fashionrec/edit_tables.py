"""Which per-version tables of a recommender an edit of one product leaves as they are.

A server's edit (`PATCH /api/items/{id}`) builds the tables searches read for the edited items before they go in
(:meth:`fashionrec.recommend.Recommender._prepared`); built from all 40k rows, they were 6.5-11.7 s of an edit that
changes one row (cProfile at 40k, stop 76). An edit keeps every row where it was and changes the fields it names
alone, so a table that reads none of them is the same table: taken from the version before, not built again. Each
table here is listed with the columns of the items it reads; a table not listed is built anew, so one left out costs
time, never an answer.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from fashionrec.item_tables import row_brands
from fashionrec.name_colours import COLOUR_FROM, brands_of

NAME = "productDisplayName"
COLOUR = "baseColour"
# Read where a table reads the set of the catalogue's colour labels, not which row has which: changed by an edit only
# where its row was the last of its old colour or is the first of its new one.
COLOURS = f"set:{COLOUR}"
# Read where a table reads the catalogue's brands (item_tables.catalogue_brands, of every name and the colour labels'
# words), not a row's name: changed by an edit of a name or of the colours' set only where the brands it reads differ.
BRANDS = "catalogue brands"
NAME_COLOUR = frozenset({NAME, COLOURS, BRANDS})

# ``_codes`` entries, by key, and the columns each reads (the predictions' columns, which no edit changes, left out).
CODES_READ: dict[tuple, frozenset[str]] = {
    ("brands", "catalogue"): frozenset({BRANDS}),
    ("named", "rows"): NAME_COLOUR,
    ("card", "words"): frozenset({BRANDS}),     # a cache by name of its words after the brand (the brands' reading)
    ("brand", "first"): frozenset({NAME}),       # WordSearch.name_text, the names alone
    ("brand", "words"): frozenset({NAME}),
    ("any child's",): frozenset({NAME, "gender"}),      # _childrens and the gender labels
    ("type", "sizes"): frozenset({"articleType"}),
    ("colour", "words"): frozenset({COLOUR}),
    ("seen", "confident"): frozenset(),
}
# ``_codes`` entries each row of which reads its own row's values of the second columns and, catalogue-wide, the
# first: kept where an edit changed neither; where it changed none of the first, its edited rows worked out again
# alone (ItemTables._row_wise; the names' word counts their edited names' taken out and put in).
ROW_WISE: dict[tuple, tuple[frozenset[str], frozenset[str]]] = {
    ("named", "otherwise"): (frozenset({COLOURS, BRANDS}), frozenset({NAME, COLOUR, "masterCategory"})),
    ("looks", "otherwise"): (frozenset(), frozenset({COLOUR})),     # and its photo's colour
    ("named", "colours"): (frozenset({COLOURS, BRANDS}), frozenset({NAME})),
    ("name", "words"): (frozenset({COLOURS, BRANDS}), frozenset({NAME})),
    ("printed", "name"): (frozenset(), frozenset({NAME})),
    ("kinds", "name"): (frozenset(), frozenset({NAME})),
    ("brand", "first two"): (frozenset(), frozenset({NAME})),
    ("name", "brands"): (frozenset(), frozenset({NAME})),
}
# ... families of them by their first part: (family, x) reads these columns and x's where x is a column (a head).
CODES_FAMILY_READ: dict[str, frozenset[str]] = {
    "wearers": frozenset({NAME, "gender"}),     # _worn_by: the gender labels and _childrens
    "other sex": frozenset({"gender"}),
    "label": frozenset(),
    "code": frozenset(),
}
# The word-search tables' brands of two words read the names and the vocabulary (kept where it is: kept_vocabulary).
CODES_VOCABULARY_READ: dict[tuple, frozenset[str]] = {
    ("brand", "worded"): frozenset({NAME}),
    ("brand", "typed"): frozenset({NAME}),
}
# Attributes, and the columns each reads.
ATTRS_READ: dict[str, frozenset[str]] = {
    "_children": frozenset({NAME, "gender"}),
    "_name_codes": frozenset({NAME}),
    "_free": frozenset({"masterCategory"}),
    "_photo_group": frozenset(),        # the photos' embeddings alone, which an edit keeps
    "_colourway_key": frozenset({NAME, COLOURS, "articleType", "gender"}),
}
# The vocabulary (TextSearch._build_vocabulary) reads the values each filter key has (ItemTables._value_tables) and
# the type words (vocabulary.TypeWords) these columns row by row.
VOCABULARY_READ = frozenset({NAME, "articleType", "subCategory", "masterCategory"})


def edited_columns(fields, colours_same: bool) -> frozenset[str]:
    """The columns of the items an edit of ``fields`` changes: a colour clears where it was read from too; and
    :data:`COLOURS` unless ``colours_same`` (the catalogue's colour labels the same set after it)."""
    fields = set(fields)
    if COLOUR in fields:
        fields |= {COLOUR_FROM} | (set() if colours_same else {COLOURS})
    return frozenset(fields)


def _reads(key: tuple) -> frozenset[str] | None:
    """The columns the ``_codes`` entry ``key`` reads, or None for an entry not known here (built anew)."""
    if key in CODES_READ:
        return CODES_READ[key]
    if len(key) == 2 and key[0] in CODES_FAMILY_READ:
        return CODES_FAMILY_READ[key[0]] | {str(key[1])}
    return None


def _value_column_reads(column: str) -> frozenset[str] | None:
    """The columns ItemTables._value_index's ``column`` reads: an items column, or "label:<head>" its head (and the
    tagger's, no edit's); None for the look categories and the rule types, built anew."""
    if column in ("look", "rule_type"):
        return None
    return frozenset({column.removeprefix("label:")})


def _name_brands_after(before, after_items: pd.DataFrame, rows: list[int], edited: frozenset[str]):
    """ItemTables._name_brands's table of ``after_items``: the one before, its edited rows' names read again
    where a name changed (all 40k names read again were 0.4-1.2 s of a name's edit, stop 77); None where the
    table before is not built."""
    table = before._codes.get(("name", "brands"))
    if table is None or NAME not in edited:
        return table
    out = table.copy()
    out[rows] = row_brands(after_items[NAME].iloc[rows])
    out.flags.writeable = False
    return out


def kept_tables(before, after_items: pd.DataFrame, values_after: tuple, fields, rows: list[int]) -> dict:
    """{attribute: value} to seed the tables of ``after_items`` (``before``'s items with ``fields`` of ``rows``
    edited, every row where it was) with: ``before``'s tables that read none of the edited columns, each the same
    table for the items after; ``values_after`` their ItemTables._value_tables. ``_codes`` and ``_value_codes``
    are new dicts of the entries kept (an entry is never changed once built; a cache kept is copied);
    ``_edit_base`` the tables of :data:`ROW_WISE` whose edited rows alone are to be worked out again."""
    values = before._values
    edited = edited_columns(fields, values is not None and values[0].get(COLOUR) == values_after[0].get(COLOUR))
    brands = before._codes.get(("brands", "catalogue"))
    name_brands = _name_brands_after(before, after_items, rows, edited)
    if {NAME, COLOURS} & edited and (brands is None or brands_of(
            after_items[NAME], after_items[COLOUR].dropna().unique(),
            None if name_brands is None else pd.Series(name_brands, index=after_items.index, dtype=str)) != brands):
        edited |= {BRANDS}      # worked out here (0.4 s at 40k): most edits of a name keep the brands
    codes = {}
    for key, value in list(before._codes.items()):
        reads = _reads(key)
        if reads is not None and not reads & edited:
            codes[key] = dict(value) if key == ("card", "words") else value
    out: dict = {"_edited_rows": np.asarray(rows, np.int64), "_edit_base": {}}
    for key, (wide, own) in ROW_WISE.items():
        if key in before._codes and not wide & edited:
            if not own & edited:
                codes[key] = before._codes[key]
            else:
                out["_edit_base"][key] = before._codes[key]
    if name_brands is not None:         # the names' brands after, worked out above for the catalogue's brands
        codes[("name", "brands")] = name_brands
        out["_edit_base"].pop(("name", "brands"), None)
    if ("name", "words") in out["_edit_base"]:     # the edited rows' names before, whose words are taken out
        out["_names_before"] = before.items[NAME].iloc[rows].fillna("").astype(str).tolist()
    # The vocabulary: the same where no column it reads row by row changed and each filter's values are the same.
    vocab = before._vocab
    if vocab is not None and not VOCABULARY_READ & edited and values is not None and values[0] == values_after[0]:
        out["_vocab"] = vocab
        for key, reads in CODES_VOCABULARY_READ.items():
            if key in before._codes and not reads & edited:
                codes[key] = before._codes[key]
    out["_codes"] = codes
    out["_value_codes"] = {c: v for c, v in list(before._value_codes.items())
                           if (reads := _value_column_reads(c)) is not None and not reads & edited}
    for attr, reads in ATTRS_READ.items():
        value = getattr(before, attr, None)
        if value is not None and not reads & edited:
            out[attr] = value
    columns = before._columns
    if columns is not None and list(columns) == [str(c) for c in after_items.columns]:
        # Its row's new values: the columns edited taken anew, the others as they were (0.1-0.3 s at 40k otherwise).
        out["_columns"] = {c: after_items[c].to_numpy(dtype=object) if c in edited else v for c, v in columns.items()}
    return out
