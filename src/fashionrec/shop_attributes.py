"""A shop export's attributes: WooCommerce's ``Attribute N name`` / ``Attribute N value(s)`` pairs and Shopify's
``OptionN Name`` / ``OptionN Value``, read by name, row by row.

A WooCommerce product export writes each product's attributes in numbered pairs of columns, in the order the shop
gave them to that product: a T-shirt's "Attribute 1 name" may be Size and its "Attribute 2 name" Color, a handbag's
"Attribute 1 name" Color. No one column holds the colour, so a mapping of "Attribute 1 value(s)" to baseColour read
29 T-shirts' sizes as their colour ("S, M, L", "same colour (S, M, L)" in similar items; stop 71). Here each row's
colour is the value of whichever pair that row names Color (or Colour), as are a gender, season or usage attribute.
A Size attribute gives nothing (the catalogue has no size column) and is no longer taken for a colour.

A variable product's colour attribute lists each colour it comes in ("Blue, Black"), and the catalogue has one
colour a product (its photo's). Read as the first, a handbag whose page opens on black was filed Blue (stop 72):
the pair's ``Attribute N default`` (the variation WooCommerce's product page opens on, whose colour its photo
most likely shows) is read where it is one of the values listed; the first otherwise, said row by row. A Shopify
option or the Tags listing several ("Casual, Party") are read as their first and said so too, with how to give one
(they have no default: :func:`one_of_several`).

Example:
    >>> reader = AttributeReader.of(["ID", "Attribute 1 name", "Attribute 1 value(s)", "Attribute 2 name",
    ...                              "Attribute 2 value(s)"], ["id", "", "", "", ""])
    >>> reader.read(["1", "Size", "S, M", "Color", "Navy Blue"])["baseColour"].value
    'Navy Blue'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from fashionrec.colours import catalogue_colour
from fashionrec.column_map import spelling
from fashionrec.vocabulary import CHILDREN_NAME, GENDER_WORDS, KIDS_NAME

# An attribute's name (as column_map.spelling reads it) -> the catalogue column it gives. Size is none of them.
ATTRIBUTE_COLUMNS = {"color": "baseColour", "colour": "baseColour", "colors": "baseColour", "colours": "baseColour",
                     "gender": "gender", "season": "season", "usage": "usage", "occasion": "usage"}
# A WooCommerce export's "Attribute 1 name" / "Attribute 1 value(s)", and a Shopify export's "Option1 Name" / "Option1
# Value" (a product's Size as option 1 and Color as 2, written on its first line; stop 72, a Shopify trial: every
# colour was empty, "Option2 Value" an ignored column).
_NAME = re.compile(r"(attribute|option)(\d+)name")
_VALUE = re.compile(r"(attribute|option)(\d+)value(?:s|\(s\))?")
_DEFAULT = re.compile(r"attribute(\d+)default")     # WooCommerce's only
# A shop's Tags ("Men, Casual, Summer": a Shopify export keeps its wearer, usage and season there, having no column
# for them; stop 72, a Shopify trial: every product's gender was empty). A tag is read only where it is one of these
# words whole (:func:`as_word`: in any case, its apostrophes dropped); "Women's Clothing" or "sale" is no label.
TAG_VALUES = {
    "gender": {"men": "Men", "mens": "Men", "women": "Women", "womens": "Women", "boys": "Boys", "girls": "Girls",
               "unisex": "Unisex"},     # read as_word: "Men's" and "Men’s" are "mens"
    "usage": {"casual": "Casual", "formal": "Formal", "sports": "Sports", "ethnic": "Ethnic", "party": "Party",
              "smart casual": "Smart Casual", "travel": "Travel"},
    "season": {"summer": "Summer", "winter": "Winter", "fall": "Fall", "autumn": "Fall", "spring": "Spring"},
}
# A tag naming a label among other words ("Mens Shirts", "Womenswear", "Kids-Girls", "Summer Collection": stop 72's
# Shopify trial read none, a shop tagging so had every gender empty). Read after the tags that are a label's word
# whole, by its words (:func:`within_tag`); a word ending in "wear" by the word before it ("Womenswear": womens).
# Plurals and "gents" only for a wearer: "Spider-Man", "Wonder Woman", "Girl Power" and "Cowboy" name a print or a
# style, not who wears it. A kids' word ("Kids", "Children") is none alone (boys or girls) and qualifies "Kids-Girls".
TAG_WORDS = {
    "gender": {"men": "Men", "mens": "Men", "gents": "Men", "women": "Women", "womens": "Women", "ladies": "Women",
               "boys": "Boys", "girls": "Girls", "unisex": "Unisex"},
    "usage": {"casual": "Casual", "formal": "Formal", "formals": "Formal", "sports": "Sports", "sport": "Sports",
              "active": "Sports", "ethnic": "Ethnic", "party": "Party", "travel": "Travel"},
    "season": TAG_VALUES["season"],
}
# Tags no label is read from, whatever words they hold: a collection a buyer shops for someone ("Gifts for Men": a
# gift guide holds unisex wallets and perfume sets too) or a sale's ("Summer Sale" sells the winter coats left
# over). "For Her Gifts" names no wearer by these words at all ("her" is a buyer's word for whom a gift is for).
NOT_THE_PRODUCTS = frozenset({"gift", "gifts", "giftset", "giftsets", "sale", "sales", "clearance", "outlet", "deal",
                              "deals", "discount", "offer", "offers", "off"})
_WORD = re.compile(r"[a-z0-9]+")
# Shopify's option of a product that has none ("Option1 Name" Title, "Option1 Value" Default Title): no attribute,
# not said as one not read ("'Title' not read" of a shop whose Title column is its names; a review of stop 72).
SHOPIFY_NO_OPTION = "defaulttitle"
# WooCommerce joins several values with ", " and writes a comma inside one as "\,".
_SEVERAL = re.compile(r"(?<!\\),")
# A gender attribute listing both grown-ups' sides ("Men, Women": a WooCommerce product sold to either) is the
# catalogue's Unisex: read as its first, such a product was filed Men, its women's neighbours put after it as the
# wrong wearer's and it left out of a search for women (a review of stop 71).
BOTH_SIDES, BOTH_SIDES_READ = {"Men", "Women"}, "Unisex"
# Both children's sides ("Boys, Girls", Tags "Girls, Boys", a gender "Kids"), read as the first (Boys) until stop 73
# as "Men, Women" was: a girls' search and a girl's look left the product out. The catalogue has no value for a child
# of either side; it files its own such products Unisex, named for a child ("Puma Kids Unisex ...": 214 of its 1,925
# Unisex products), and the recommender keeps a Unisex product named for a child ("Kids", "Children", "Infant":
# vocabulary.CHILDREN_NAME, KIDS_NAME) with children's products, for a boy and a girl alike (item_tables._childrens).
# So Unisex too; a product whose name says no child is read as a grown-up's then, which data check says by row.
CHILD_SIDES = {"Boys", "Girls"}


def for_either(named: set[str]) -> bool:
    """Whether the wearers ``named`` (a gender attribute's or a row's tags') are both sides, grown-ups' or children's
    (:data:`BOTH_SIDES`, :data:`CHILD_SIDES`): the catalogue's Unisex."""
    return named >= BOTH_SIDES or named >= CHILD_SIDES


def named_for_a_child(name: str) -> bool:
    """Whether a Unisex product's ``name`` says it is a child's ("Kids Rainbow Tee", "Infant Booties"), as the
    recommender reads it (item_tables._childrens): kept with children's products, else with grown-ups'."""
    return bool(CHILDREN_NAME.search(name) or KIDS_NAME.search(name))


def both_children_said(rows: dict[int, tuple[str, str, bool]], listing: str = "listing both Boys and Girls") -> str:
    """What data check says of the products listing both children's sides (``rows``: {id: (the gender as written,
    the name, whether it names a child)}), each by row: read as Unisex, and whether the recommender will keep it
    with children's products (its name says a child) or take it for a grown-up's, with the way to say otherwise;
    ``listing``: how they name both ("under a category path's children's part": "Kids/Tshirts")."""
    from fashionrec.catalog import first_few

    kids = [f"id {i} {w!r}" for i, (w, _, child) in rows.items() if child]
    grown = [f"id {i} {w!r} ({n!r})" for i, (w, n, child) in rows.items() if not child]
    parts = [f"{len(kids)} named for a child, kept with children's products for a boy and a girl alike ("
             + first_few(kids, 5) + ")"] if kids else []
    parts += [f"{len(grown)} whose name says no child, so similar items and looks take it for a grown-up's ("
              + first_few(grown, 20) + "): name it for a child ('Kids ...') or give it one side"] if grown else []
    return (f"{len(rows)} {listing}, read as {BOTH_SIDES_READ} (the catalogue has no value for a "
            "child of either side): " + "; ".join(parts))


def listed_values(written: str) -> list[str]:
    """An attribute's values ("Blue, Black": a variable product's colours), as written; a "\\," inside a value is
    its comma."""
    return [p.strip().replace("\\,", ",") for p in _SEVERAL.split(written) if p.strip()]


def first_value(written: str) -> tuple[str, bool]:
    """The first of an attribute's values (:func:`listed_values`) and whether it lists several."""
    parts = listed_values(written)
    return (parts[0] if parts else ""), len(parts) > 1


def from_woocommerce(source: str) -> bool:
    """Whether ``source`` (the column an attribute was read from) is a WooCommerce attribute's value column
    ("Attribute 2 value(s)"), whose pair may name its default; not a Shopify option's nor the Tags."""
    found = _VALUE.fullmatch(spelling(source))
    return found is not None and found.group(1) == "attribute"


def one_of_several(source: str) -> str:
    """How a shop makes a product whose ``source`` column lists several values read as the one it means: a
    WooCommerce attribute's ``Attribute N default``, which a Shopify option or the Tags lack (a Shopify export was
    told to name one; stop 72's integration review)."""
    if from_woocommerce(source):
        return "the product's 'Attribute N default' names the one its photo shows"
    if spelling(source) == "configurablevariations":
        # (a configurable product comes in several colours: its first child's, whose photo Magento's export gives
        # the product's base_image)
        return "a configurable product is read in its first child's colour: list first the child its photo shows"
    return "tag the product with one" if _VALUE.fullmatch(spelling(source)) is None else \
        "give the option one value a line, its variant's"


def sides(written: str) -> set[str]:
    """The wearers an attribute's values name ("Men, Women": {"Men", "Women"}; "Men's": {"Men"}), by
    :data:`~fashionrec.vocabulary.GENDER_WORDS`."""
    return {g for value in listed_values(written) for g in GENDER_WORDS.get(as_word(value), ())}


def one_side(value: str) -> str:
    """The catalogue's gender for a value naming one wearer by :func:`sides` ("Women's", "mens", "Male": Women, Men,
    Men); ``value`` as written otherwise ("Kids" names two)."""
    named = sides(value)
    return next(iter(named)) if len(named) == 1 else value


def as_read(column: str, value: str) -> str:
    """An attribute's ``value`` as the ``column`` it gives files it: a gender naming one wearer as that wearer
    (:func:`one_side`), any other as written."""
    return one_side(value) if column == "gender" and value else value


def within_tag(column: str, tag: str) -> str | None:
    """The ``column`` value a tag names among other words ("Mens Shirts", "Womenswear", "Kids-Girls": Men, Women,
    Girls; "Smart Casual Shirts": Smart Casual), by :data:`TAG_WORDS`; None where it names none, or several (but Men
    and Women: Unisex, as tags "Men" and "Women" are), or is a gift's or a sale's (:data:`NOT_THE_PRODUCTS`)."""
    words = _WORD.findall(as_word(tag))
    if NOT_THE_PRODUCTS.intersection(words):
        return None
    if column == "usage" and "smart casual" in " ".join(words):
        return "Smart Casual"
    vocabulary = TAG_WORDS[column]
    named = {vocabulary[w] for word in words for w in (word, word.removesuffix("wear")) if w in vocabulary}
    if len(named) == 1:
        return next(iter(named))
    return BOTH_SIDES_READ if column == "gender" and named in (BOTH_SIDES, CHILD_SIDES) else None


def as_word(written: str) -> str:
    """A value or tag as the words it is read by are written: "Men’s" and "MEN'S" are "mens" (a tag "Women’s", its
    apostrophe curly, was no wearer while a gender attribute so written was one; stop 72's integration review)."""
    return re.sub(r"['’]", "", written.strip().casefold())


class Attribute(NamedTuple):
    """A row's attribute read as a column: its value (of several, the default, else the first), as written, the
    value column it is in, its name, and whether the value is its pair's default."""

    value: str
    written: str
    source: str
    name: str
    by_default: bool = False
    both_sides: bool = False
    children: bool = False   # both_sides of children's ("Boys, Girls"), not a grown-up's (stop 73)
    within: bool = False     # read from a tag naming it among other words ("Mens Shirts"), not one that is its word

    @property
    def several(self) -> bool:
        """Whether it lists several values (a variable product's "Blue, Black") read as one of them (the default or
        the first), not a gender's "Men, Women" read as Unisex."""
        return first_value(self.written)[1] and not self.both_sides


# Magento 2's export columns of name=value pairs in one cell, by column_map.spelling, in the order read: a product's
# own "additional_attributes" ("color=Blue,size=M,gender=Men"), then a configurable product's children,
# "configurable_variations" ("sku=MH01-XS-Black,color=Black,size=XS|sku=...": its colours, the first its photo's).
# Stop 77's new user: both were ignored, and a product's colour was read from its name or its photo.
IN_ONE_HEADERS = ("additionalattributes", "configurablevariations")


def magento_pairs(cell: str, header: str) -> list[tuple[str, str]]:
    """(name, value as written) of a Magento ``cell``'s pairs, ``header`` its column's spelling: additional_attributes
    separates its pairs with "," and a multiselect's values with "|" ("activity=Yoga|Gym", read as listing several);
    configurable_variations a child's pairs with "," and its children with "|", each name's values listed in
    order, once ("color=Black, Blue")."""
    if header != "configurablevariations":
        return [(name.strip(), value.strip().replace("|", ", ")) for pair in cell.split(",")
                for name, eq, value in [pair.partition("=")] if eq and name.strip()]
    values: dict[str, list[str]] = {}
    for child in cell.split("|"):
        for name, value in magento_pairs(child, ""):
            if value not in values.setdefault(name, []):
                values[name].append(value)
    return [(name, ", ".join(listed)) for name, listed in values.items()]


def _attribute(column: str, written: str, default: str, source: str, name: str) -> Attribute:
    """A pair's value ``written`` read as ``column`` (of several, the ``default`` where it is one of them, else the
    first), from the column ``source``, its pair named ``name``."""
    value, several = first_value(written)
    listed = {spelling(v): v for v in listed_values(written)}
    chosen = listed.get(spelling(default)) if several and default else None
    named = sides(written)
    both = column == "gender" and for_either(named)
    # A gender naming one wearer is that wearer, as a tag is: "Women's", "mens" or "Male" were kept as written,
    # unknown genders, where a tag "Women's" was Women (stop 72's integration review).
    value, chosen = as_read(column, value), chosen and as_read(column, chosen)
    return Attribute(BOTH_SIDES_READ if both else (chosen or value), written, source, name,
                     by_default=chosen is not None and not both, both_sides=both,
                     children=both and not named & BOTH_SIDES)


@dataclass(frozen=True)
class AttributeReader:
    """Where a header has its attribute pairs, and which catalogue columns they give.

    ``pairs``: [(name's position, value's position, the value column as written)] in the header's order.
    ``defaults``: {value's position: its pair's ``Attribute N default`` position}, where the header has one.
    ``columns``: {column: the position it is mapped at, where columns.json maps a pair's value column to it
    ("Attribute 1 value(s)=baseColour"); None where the header lacks the column}. A column the header has of its
    own ("Color") is read from there, as before, not from the attributes.
    """

    pairs: tuple[tuple[int, int, str], ...]
    columns: dict[str, int | None]
    defaults: dict[int, int]
    tags: tuple[int, str] | None = None     # the Tags column (its position, as written), where the header has one
    # Magento's columns of name=value pairs in one cell (their positions, as written): additional_attributes, then
    # configurable_variations (:func:`magento_pairs`).
    in_one: tuple[tuple[int, str], ...] = ()

    @classmethod
    def of(cls, raw: list[str], header: list[str]) -> AttributeReader | None:
        """The reader of a header as written (``raw``) and as read (``header``: columns.json's names mapped), or
        None where it has no attribute pair or no column the pairs may give."""
        names = {(m.group(1), int(m.group(2))): i for i, h in enumerate(raw) if (m := _NAME.fullmatch(spelling(h)))}
        values = {(m.group(1), int(m.group(2))): i for i, h in enumerate(raw) if (m := _VALUE.fullmatch(spelling(h)))}
        pairs = tuple((names[n], values[n], raw[values[n]]) for n in sorted(names) if n in values)
        defaults = {values[n]: i for i, h in enumerate(raw)
                    if (m := _DEFAULT.fullmatch(spelling(h))) and (n := ("attribute", int(m.group(1)))) in values}
        tags = next(((i, h) for i, h in enumerate(raw) if spelling(h) == "tags" and header[i] == h), None)
        in_one = tuple(sorted(((i, h) for i, h in enumerate(raw) if spelling(h) in IN_ONE_HEADERS and header[i] == h),
                              key=lambda at: IN_ONE_HEADERS.index(spelling(at[1]))))
        value_at = {v for _, v, _ in pairs}
        columns = {}
        for column in dict.fromkeys(ATTRIBUTE_COLUMNS.values()):
            at = header.index(column) if column in header else None
            if at is None or at in value_at:
                columns[column] = at
        if not pairs and not in_one:
            # Tags alone give a wearer, a usage or a season, not a colour (a tag "Black" may be a collection's).
            columns = {c: at for c, at in columns.items() if c in TAG_VALUES}
        return cls(pairs, columns, defaults, tags, in_one) if (pairs or tags or in_one) and columns else None

    @property
    def positions(self) -> set[int]:
        """The header positions of the pairs and the Tags: columns read, not ignored."""
        return {i for name_at, value_at, _ in self.pairs for i in (name_at, value_at)} | (
            {self.tags[0]} if self.tags else set()) | set(self.defaults.values()) | {at for at, _ in self.in_one}

    def read(self, row: list[str]) -> dict[str, Attribute]:
        """{column: its :class:`Attribute`} of ``row``'s attributes named as a column of :attr:`columns` says (the
        first pair naming it); where it lists several, its pair's default where that is one of them, else the first.
        A gender, usage or season no pair gives and the header has no column for: its Tags' (:data:`TAG_VALUES`), the
        first of several, Unisex where they name both Men and Women, or both Boys and Girls."""
        out: dict[str, Attribute] = {}
        for name_at, value_at, source in self.pairs:
            column = ATTRIBUTE_COLUMNS.get(spelling(row[name_at]))
            if column in self.columns and column not in out and row[value_at].strip():
                default = row[self.defaults[value_at]].strip() if value_at in self.defaults else ""
                out[column] = _attribute(column, row[value_at].strip(), default, source, row[name_at].strip())
        for at, source in self.in_one:
            for name, written in magento_pairs(row[at], spelling(source)):
                column = ATTRIBUTE_COLUMNS.get(spelling(name))
                if column in self.columns and column not in out and written:
                    out[column] = _attribute(column, written, "", source, name)
        if self.tags:
            at, source = self.tags
            tags = [t.strip() for t in row[at].split(",")]
            for column, words in TAG_VALUES.items():
                found = {words[as_word(t)]: t for t in tags if as_word(t) in words}
                # Then the tags naming one among other words ("Mens Shirts"), each value by its first tag: "Men,
                # Womenswear" and "Mens Shirts, Womens Shirts" are both sides, as "Men, Women" are.
                for t in tags:
                    if as_word(t) not in words and (named := within_tag(column, t)) is not None:
                        found.setdefault(named, t)
                within = any(as_word(t) not in words for t in found.values())
                if found and column in self.columns and self.columns[column] is None and column not in out:
                    # Tagged "Men, Women": sold to either, the catalogue's Unisex, as a gender attribute listing both.
                    both = column == "gender" and for_either(set(found))
                    value, tag = next(iter(found.items()))
                    # Tagged "Casual, Party" or "Men, Boys": read as the first, and said as listing several, as a
                    # WooCommerce attribute listing several is (they went unsaid; stop 72's integration review).
                    out[column] = (Attribute(BOTH_SIDES_READ, ", ".join(found.values()), source, source,
                                             both_sides=True, within=within,
                                             children=not set(found) & BOTH_SIDES)
                                   if both else
                                   Attribute(value, ", ".join(found) if len(found) > 1 else tag, source, source,
                                             within=within))
        return out

    def named_as(self, row: list[str], first: list[str]) -> list[str]:
        """``row`` with each pair's name it leaves blank taken from ``first``, its product's first line: a Shopify
        export names a product's options there alone ("Option1 Name" Color), its other lines giving their values only,
        so a colour with an id of its own, read without a name, took its product line's colour (a red tee filed Navy
        Blue; a review of stop 72)."""
        out = list(row)
        for name_at, _, _ in self.pairs:
            if not out[name_at].strip():
                out[name_at] = first[name_at]
        return out

    def other_names(self, row: list[str]) -> list[str]:
        """The names of ``row``'s attributes that give no column (Size), as written."""
        return [row[n].strip() for n, v, _ in self.pairs
                if row[n].strip() and row[v].strip() and ATTRIBUTE_COLUMNS.get(spelling(row[n])) is None
                and spelling(row[v]) != SHOPIFY_NO_OPTION]

    def named_otherwise(self, row: list[str], column: str) -> str:
        """Where ``column`` is mapped to a pair's value column and ``row`` names that pair another attribute (its
        Size), that name; "" otherwise (a pair left unnamed keeps its value as mapped)."""
        at = self.columns.get(column)
        name_at = next((n for n, v, _ in self.pairs if v == at), None)
        if name_at is None or not row[name_at].strip():
            return ""
        return "" if ATTRIBUTE_COLUMNS.get(spelling(row[name_at])) == column else row[name_at].strip()


# A colour option as a BigCommerce SKU line writes it in its name field ("[S]Size=M,[RT]Color=Navy": the option's
# kind in brackets, [RT] a rectangle list, [CS] a swatch, [S] a select), or without the kind; a swatch's value may
# carry its hex code after a bar ("Navy|#1b2a6b").
OPTION_COLOUR = re.compile(r"(?i)(?:^|,)\s*(?:\[[a-z]+\])?\s*(?:colou?rs?|shade)\s*=\s*([^,|]+)")


def option_colour(options: str) -> str | None:
    """The colour a variant line's options name ("[S]Size=M,[RT]Color=Navy": Navy Blue), else None."""
    m = OPTION_COLOUR.search(options or "")
    return catalogue_colour(m.group(1)) if m and m.group(1).strip() else None
