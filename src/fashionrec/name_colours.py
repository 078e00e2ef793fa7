"""The colours a product's name says, and a colour for a product whose catalogue has no colour column.

One reading of a name's colours for the looks' and the cards' checks against a label
(:meth:`fashionrec.outfits.Outfits._named_colours`) and for filling a colour where the shop's export has none
(stop 74): a BigCommerce export has no colour column at all (its colour is in the name or in a SKU line's
option, "[S]Size=M,[RT]Color=Navy"), and a shop's products had no colour anywhere but the tagger's ``predicted``,
so no colour filter, no colour word read by the text search and no colour in any reason (stop 73's BigCommerce
trial). Such a product's colour is filled, in this order, from:

* ``option``: a colour option of its SKU or variant lines, as the shop wrote it (its words made the catalogue's:
  "Navy" is Navy Blue, "Gray" Grey);
* ``name``: the one colour its name says, after its wearer or its brand (:func:`named_colours`);
* ``photo``: the tagger's reading of its photo, at ``index build`` (the catalogue is read without the model).

Where each came from is kept beside it (:data:`COLOUR_FROM`): `data check` counts them, and the API's item says it,
so a colour read is never passed off as one the shop labelled. A catalogue with its own colour column keeps its
labels as they are, blanks included (the Kaggle catalogue's 15 rows without one).
"""

from __future__ import annotations

import re

import pandas as pd

from fashionrec.colours import SWATCHES, distance
from fashionrec.item_tables import catalogue_brands
from fashionrec.looks import NAMED_ALIAS, NAMED_NOT_COLOUR, WEARER_NAME

# The column beside baseColour saying where a colour the shop did not label was read from, and its values.
COLOUR_FROM = "baseColour_from"
FROM_OPTION, FROM_NAME, FROM_PHOTO = "option", "name", "photo"
FILLED_FROM = (FROM_OPTION, FROM_NAME, FROM_PHOTO)

def after_brand(names: pd.Series, brands: frozenset[str]) -> pd.Series:
    """Each name less its brand: the shortest of ``brands`` it begins with ("Red Rose Blue Camisole": "Blue
    Camisole"; "Red Tape Black Shoes": "Black Shoes", not "red tape black" of a name "Red Tape Black Men ..."),
    or else its first word ("FNF Multi Coloured Sari": "Multi Coloured Sari"). A name without a wearer word still
    begins with its brand in the catalogue (3,357 such names), and a brand may hold a colour: Red Tape, Red Chief,
    Black Coffee, Pink Floyd, Do U Speak Green."""
    def rest(name: str) -> str:
        words = name.split()
        folded = [w.casefold() for w in words]
        ends = [n for n in range(1, len(words)) if " ".join(folded[:n]) in brands]
        return " ".join(words[ends[0] if ends else 1:])
    return names.map(rest)


def named_colours(names: pd.Series, labels: list[str], brands: frozenset[str]
                  ) -> tuple[list[str], list[tuple[str, ...]]]:
    """Each name after its wearer, or where it names none after its brand (:func:`after_brand`), and the colour
    ``labels`` it names there, longest first ("Navy Blue", not "Blue"; a dial's colour is not the product's; a
    metal names a material as often as a colour). Only labels the colours module knows are read: none for a
    catalogue without colours."""
    labels = [c for c in labels if distance(c, c) is not None]
    canon = {c.lower(): c for c in labels} | {a: c for a, c in NAMED_ALIAS.items() if c in labels}
    words = "|".join(re.escape(w) for w in sorted(set(canon) - {c.lower() for c in NAMED_NOT_COLOUR},
                                                  key=len, reverse=True))
    names = names.fillna("").astype(str)
    said = names.str.extract(WEARER_NAME, expand=False)
    unworn = said.isna()
    said[unworn] = after_brand(names[unworn], brands)
    colours = re.compile(rf"\b({words})\b(?!\s+(?:round\s+)?dial)", re.IGNORECASE)
    named = [tuple(dict.fromkeys(canon[m.lower()] for m in colours.findall(rest))) if words else ()
             for rest in said]
    return said.tolist(), named


def brands_of(names: pd.Series, labels: list[str], brand: pd.Series | None = None) -> frozenset[str]:
    """The brands of ``names`` (:func:`~fashionrec.item_tables.catalogue_brands`, ``brand`` its reading of each
    name where the caller has it), no colour label's word one."""
    colours = frozenset(w.casefold() for c in labels for w in str(c).split())
    return catalogue_brands(names.fillna("").astype(str), colours | frozenset(NAMED_ALIAS), brand)


def fill_colours(table: pd.DataFrame, option_colours: dict[int, list[str]]) -> dict[str, list[int]]:
    """Fill ``table``'s empty baseColour (a catalogue without a colour column of its own) from each product's
    variant lines' colour option (``option_colours``: {id: their colours}; the first where they name several, as a
    WooCommerce product's first colour is read), else the one colour its name says (a name saying two, "Black and
    White Tee", is left to the photo), and set :data:`COLOUR_FROM` beside each. In place; {source: ids filled}."""
    empty = table["baseColour"].isna() | (table["baseColour"].astype(str).str.strip() == "")
    labels = list(SWATCHES)
    names = table["productDisplayName"]
    _, named = named_colours(names, labels, brands_of(names, labels))
    filled: dict[str, list[int]] = {FROM_OPTION: [], FROM_NAME: []}
    colours, sources = table["baseColour"].tolist(), [None] * len(table)
    for k, (item_id, blank, said) in enumerate(zip(table["id"], empty, named, strict=True)):
        if not blank:
            continue
        options = option_colours.get(int(item_id))
        if options:
            colours[k], sources[k] = options[0], FROM_OPTION
        elif len(said) == 1:
            colours[k], sources[k] = said[0], FROM_NAME
        else:
            continue
        filled[sources[k]].append(int(item_id))
    table["baseColour"] = pd.Series(colours, index=table.index, dtype=object)
    table[COLOUR_FROM] = pd.Series(sources, index=table.index, dtype=object)
    return filled


def fill_from_photos(items: pd.DataFrame) -> list[int]:
    """Fill the baseColour still empty in ``items`` (an index's, with the tagger's ``pred_baseColour``) with the
    tagger's reading of the photo, where the catalogue had no colour column (``items`` has :data:`COLOUR_FROM`),
    marked ``photo``. In place; the ids filled."""
    if COLOUR_FROM not in items or "pred_baseColour" not in items:
        return []
    empty = items["baseColour"].isna() & items["pred_baseColour"].notna()
    items.loc[empty, "baseColour"] = items.loc[empty, "pred_baseColour"]
    items.loc[empty, COLOUR_FROM] = FROM_PHOTO
    return [int(i) for i in items.loc[empty, "id"]]
