"""What an occasion's look takes first: the types, and the kinds of them by their names, a party, an ethnic (a
wedding's) or a formal look leads with.

The catalogue's usage labels cannot say it alone: of its 1,323 heels 1,287 are filed Casual, 2 Party; of its 500
flats none Party; its "Catwalk Women Ethnic ... Flats" are filed as Heels. Read by the labels, "shoes for a party
dress" listed casual shoes, flats and heels in turn, casual shoes first, and "shoes for a saree" flats and heels with
the 23 ethnic ones not first (stop 72's gap). So the rule is a table, data first where the catalogue has the data:

1. The occasion of the product another goes with: the usage it names ("party dress": Party; "wedding": Ethnic), else
   an occasion word of it (:data:`OCCASION_WORDS`: "evening" Party; :data:`OCCASION_NOUNS` where it is its only type
   word: "gown" Party, "suit" Formal, not "salwar suit") where its types have products of that usage, else the usage
   most of its types' products have (a saree's, a lehenga's: Ethnic). Only the occasions :data:`OCCASION_LOOKS`
   lists change anything: a dress, jeans and a T-shirt are Casual, read as before.
2. Of the types a look of the other takes (:func:`fashionrec.pairing.read_pairing`), those the occasion's look takes
   first (:attr:`OccasionLook.types`), in its order: a party dress's heels, then flats, not casual shoes; a suit's
   formal shoes, not casual ones. Where it takes none of them, all of them, as before.
3. The search names the occasion (:attr:`OccasionLook.said`: "party heels or flats for women", "ethnic flats or
   heels for women"), so the usage's own products come first, as the catalogue files them; after them, of the
   occasion's types, those whose names say a kind it takes (:attr:`OccasionLook.kinds`: "pumps", "strappy",
   "sequined"; for a wedding "ethnic", "juttis", "gold-toned") and no kind it does not
   (:attr:`OccasionLook.not_kinds`: "flats", "casual" for a party's heels), then the rest
   (:meth:`fashionrec.text_search.TextSearch.search_text`). The same reads "heels for a party" typed as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class OccasionLook:
    """What a look for one occasion (a catalogue usage) takes first.

    ``said``: the word the search names the occasion with ("party"); ``types``: the types it takes first, in order;
    ``kinds``: a regex of name words of products it takes (after those the catalogue files under the usage);
    ``not_kinds``: a regex of name words of those it does not, whatever else their names say; ``garments``: the
    clothes whose names say the kind too (not types it takes first beside another product: a sari's look is no
    kurta's), ranked by ``garment_kinds`` (else ``kinds``) as the types are, where the occasion and the garment
    are searched together."""

    said: str
    types: tuple[str, ...]
    kinds: re.Pattern
    not_kinds: re.Pattern
    garments: tuple[str, ...] = ()
    garment_kinds: re.Pattern | None = None


def _words(*words: str) -> re.Pattern:
    """A case-blind regex matching any of ``words`` (regex fragments) as whole words."""
    return re.compile(rf"\b(?:{'|'.join(words)})\b", re.IGNORECASE)


# Metal tones and trims a party's or a wedding's shoes, bags and jewellery are named with ("Catwalk Women Sequins
# Sliver Heels", "Portia Women Black & Gold-Toned Sandals", "Lino Perros Women Sequins Red Handbag").
_DRESSY = ("sequin(?:s|ed)?", "embellish(?:ed|ment)", "beaded", "beads", "crystals?", "glitter", "shimmer",
           "stud(?:s|ded)?", "metallic", "gold(?:en)?", "silver", "bronze", "copper", "brocade")
# A wedding's or a festival's words, in any product's name ("Embroided", "Embroidary" as the catalogue spells them).
_FESTIVE = ("wedding", "festive", "embroi?d(?:er(?:y|ed)?|ed|ary)", "zari")
# A festive garment's cloth and work, as the catalogue names them (of runs/index's 1,660 kurtas 836 are named
# "Printed", 18 "Silk", 5 "Tussar", 5 "Thread Work", 5 "Embroidered"/"Embroidery", 3 "Sequin", 1 "Chikankari"; of its
# 385 saris 43 "Wedding", 25 "Evening Wear", 5 "Silk", 5 "Gold", 4 "Zari"; 2 of its 4 lehengas "Bridal").
_FESTIVE_CLOTH = ("silk", "tussar", "chanderi", "chikankari", "thread[ -]?work", "sequinn?ed", "evening",
                  "bridal")
# Products for another occasion by their names: a "Casual" heel or a flat named "Flats" is not a party's first.
_EVERYDAY = ("casual", "sports?", "lifestyle", "canvas", "sneakers?", "floaters?", "slippers?", "flip[ -]?flops?",
             "running", "training")

# {usage: what its look takes first}. Shoes, bags and jewellery: the pieces whose usage labels cannot tell (the
# clothes of a party or a wedding are filed so: 19 Party dresses, 427 Ethnic sarees).
OCCASION_LOOKS = {
    # Heels and sandals with straps, pumps, stilettos; a clutch; heels before flats (stop 72's gap). Not the Sandals
    # type: 749 of its 897 are men's, every one named "... Sandals" (women's heeled sandals are filed as Heels).
    "Party": OccasionLook(
        said="party",
        types=("Heels", "Flats", "Clutches", "Handbags", "Earrings", "Necklace and Chains",
               "Jewellery Set", "Bracelet", "Bangle", "Ring", "Pendant"),
        kinds=_words("heels?", "heeled", "pumps?", "stilettos?", "peep[ -]?toes?", "strap(?:s|py|ped)?", "sandals?",
                     "party", "evening", "cocktail", *_DRESSY),
        not_kinds=_words("flats?", *_EVERYDAY),
        # 18 of the 418 dresses are filed Party; "ONLY Women Orange Party Dress" and "Tonga Women Gold Dress" (Casual)
        # after them, before the other Casual ones.
        garments=("Dresses",)),
    # A sari's or a lehenga's: ethnic flats (juttis, mojaris, kolhapuris), then heels; ethnic jewellery.
    "Ethnic": OccasionLook(
        said="ethnic",
        types=("Flats", "Heels", "Sandals", "Clutches", "Handbags", "Earrings", "Necklace and Chains",
               "Jewellery Set", "Bangle", "Bracelet", "Ring", "Pendant"),
        kinds=_words("ethnic", "juttis?", "mojaris?", "kolhapuris?", *_FESTIVE, "kundan", "meenakari", "polki",
                     "jhumkas?", "temple", "traditional", *_DRESSY),
        not_kinds=_words(*_EVERYDAY),
        # Every kurta, sari and lehenga but 7 of 2,085 is filed Ethnic, so the usage cannot tell a wedding's from
        # an everyday one: "kurta for a wedding" listed printed cotton kurtas first (stop 73, h73shopper).
        garments=("Kurtas", "Kurtis", "Kurta Sets", "Sarees", "Lehenga Choli", "Salwar and Dupatta", "Dupatta"),
        # Not "ethnic": every kurta is, and "Visudh Blue Printed Ethnic Kurta" is an everyday one (20 kurtas so named).
        garment_kinds=_words(*_FESTIVE, *_FESTIVE_CLOTH, *_DRESSY)),
    # A suit's formal shoes; a woman's formal look's heels (23 are filed Formal), pumps first.
    "Formal": OccasionLook(
        said="formal",
        types=("Formal Shoes", "Heels", "Handbags", "Laptop Bag", "Messenger Bag", "Ties", "Cufflinks",
               "Ties and Cufflinks", "Belts"),
        kinds=_words("formal", "semi[ -]?formal", "oxfords?", "derby", "brogues?", "monks?", "loafers?",
                     "plain[ -]?toe", "wingtips?", "pumps?", "leather", "office"),
        not_kinds=_words(*_EVERYDAY)),
}
# {usage: the usage whose look stands in for it} where a search names the occasion and a type and the catalogue
# files none of that type for that wearer under it: it has no men's Ethnic shoes, and "wedding shoes for men" read
# the usage silently as nothing, listing every one of its 4,217 men's shoes in the catalogue's order (a Nike sports
# shoe 2nd, Vans purple slip-ons 6th; a shopper's trial, stop 73): a formal look's shoes are what a man wears to one.
# "party shoes for men" the same (no men's shoe is filed Party; the page listed every one, a Nike sports shoe 2nd).
# Only for the types the stand-in's look takes (OccasionLook.types, or its garments): a wedding's T-shirt is no
# formal one. The first that takes them: "dress for a wedding" reads as Party (no dress is filed Ethnic, and a
# formal look takes none; it listed printed Casual dresses by meaning, stop 73, h73kurta).
STANDS_IN = {"Ethnic": ("Formal", "Party"), "Party": ("Formal",)}
# Words of the other product that say its occasion where it names no usage, beside any type: "an evening dress".
OCCASION_WORDS = dict.fromkeys(("evening", "cocktail", "prom"), "Party")
# Type words that say an occasion where no other word of the other product names a type: a gown is an evening's
# (the catalogue reads it as Dresses, mostly Casual), a suit a formal one (read as blazers, waistcoats, kurta sets,
# ...); "a salwar suit" is a salwar's (Ethnic), and "shoes for a salwar suit" read "formal heels" before this rule.
OCCASION_NOUNS = {**dict.fromkeys(("gown", "gowns"), "Party"), **dict.fromkeys(("suit", "suits", "tuxedo"), "Formal")}


def occasion_of(rec, other: dict, anchor: str) -> str | None:
    """The occasion (a usage :data:`OCCASION_LOOKS` lists) of the product ``anchor`` names (``other``, its
    :meth:`~fashionrec.recommend.Recommender.parse_query`), read as the module says; None where it is none listed.

    >>> occasion_of(rec, rec.parse_query("a gown"), "a gown")       # doctest: +SKIP
    'Party'
    """
    named = [u for u in other.get("usage", []) if u in OCCASION_LOOKS]
    if named:
        return named[0] if len(named) == 1 else None
    if other.get("usage") or "usage" not in rec.items:
        return None
    usages = rec.items.loc[rec.items["articleType"].isin(other.get("articleType", [])), "usage"].dropna()
    words = re.findall(r"[a-z]+", anchor.lower())
    said = {OCCASION_WORDS[w] for w in words if w in OCCASION_WORDS}
    said |= {OCCASION_NOUNS[w] for w in words if w in OCCASION_NOUNS
             and not rec.parse_query(re.sub(rf"\b{w}\b", " ", anchor, flags=re.IGNORECASE)).get("articleType")}
    # A word's occasion where the other's types have any products of it: "salwar suit" is no formal suit.
    said = [u for u in said if usages.eq(u).any()]
    if len(said) == 1:
        return said[0]
    most = usages.mode()
    return str(most.iloc[0]) if len(most) == 1 and most.iloc[0] in OCCASION_LOOKS else None


def first_types(occasion: str | None, types: list[str]) -> list[str]:
    """Of ``types``, those ``occasion``'s look takes first (:attr:`OccasionLook.types`), in its order; ``types``
    where it takes none of them, all of them (a sari's flats and heels, as read), or is None.

    >>> first_types("Party", ["Casual Shoes", "Flats", "Heels"])
    ['Heels', 'Flats']
    """
    look = OCCASION_LOOKS.get(occasion or "")
    taken = [t for t in look.types if t in types] if look else []
    return taken if taken and set(taken) != set(types) else types


def kind_named(names: pd.Series, types: pd.Series, occasion: str) -> np.ndarray:
    """(n,) bool: per product (``names``, its name; ``types``, its articleType), whether it is of a type
    ``occasion``'s look takes (or a garment of it) and its name says a kind the look takes and none it does not
    (:class:`OccasionLook`).

    >>> kind_named(pd.Series(["Catwalk Women Gold Heels", "Catwalk Women Casual Gold Flats"]),
    ...            pd.Series(["Heels", "Heels"]), "Party").tolist()
    [True, False]
    """
    look = OCCASION_LOOKS[occasion]
    names = names.fillna("").astype(str)
    garment = types.isin(look.garments)
    kind = names.str.contains(look.garment_kinds or look.kinds) & garment \
        | names.str.contains(look.kinds) & types.isin(look.types)
    return (kind & ~names.str.contains(look.not_kinds)).to_numpy()


def kind_said(name: str, occasions: list[str], kind: str = "") -> str:
    """Why a product filed under another usage is listed for one of ``occasions``, or first of those filed under it,
    by ``name`` (:func:`kind_named`; ``kind``, its articleType, for a garment's own words): a card said "Matches
    type, gender and usage" of a Casual heel listed for "party heels".

    >>> kind_said("Carlton London Women Turquoise Blue Pump", ["Party"])
    "'pump' in its name, a kind a party look takes"
    """
    for occasion in occasions:
        look = OCCASION_LOOKS[occasion]
        # A garment's by its own words (``kind``, its articleType): a kurta's "Ethnic" is none.
        found = (look.garment_kinds if kind in look.garments and look.garment_kinds else look.kinds).search(name)
        if found:
            said = look.said
            taker = f"{'an' if said[0] in 'aeiou' else 'a'} {said} look"      # "an ethnic look"
            return f"'{found.group(0).lower()}' in its name, a kind {taker} takes"
    return ""
