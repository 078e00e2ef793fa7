"""A search for a product to go with another: "shoes to go with a red dress".

The words after "to go with" name the other product, whose wearer the searched one shares: searched as typed, "shoes
to go with a red dress" listed men's and unisex red Converse first (a shopper's trial, stop 68), the dress's "red"
and nothing of a woman's. Read here as "black, white or navy blue shoes for women": the colours a look's colour rule
(:data:`fashionrec.looks.COLOUR_PAIRS`) says go with the other's, as a list the text search and the catalogue page
both read as choices (a belt to match brown shoes is brown: leather matches leather); and the look the recommender
puts together for the closest such product offered beside it (a product page's "Complete the look").
"""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass

from fashionrec.catalog import ID_AS_WRITTEN
from fashionrec.looks import (
    CLASHING_USAGE,
    NEUTRALS,
    NO_STAND_IN_USAGE,
    NOT_STANDING_IN,
    SLOT_TYPES,
    STAND_IN_USAGE,
    colour_compatibility,
)
from fashionrec.occasions import OCCASION_LOOKS, first_types, occasion_of
from fashionrec.vocabulary import KIDS_NAME, OTHER_CHILD

# "to go with", "that goes (well) with", "to wear with", "to pair with", "to match (with)", "that matches", "going
# with", "which go with".
LINK = re.compile(r"\s+((?:(?:to|that|which)\s+)?(?:go(?:es)?|wear|pair)\s+(?:well\s+)?with"
                  r"|to\s+match(?:\s+with)?|(?:that|which)\s+match(?:es)?(?:\s+with)?|going\s+with)\s+",
                  re.IGNORECASE)
# "for" or "with" before "a", "my", "this" and the like, read where no word of LINK is: "shoes for a red dress" and
# "heels with my red dress" were searched as typed (stop 68's shopper). They link only where both sides name a type
# (read_pairing): "gift for my son" and "running kit for a woman" stay searches. "With" before no such word names a
# part ("shirt with collar"), and "with a" too ("dress with a belt"). "For" before no such word links where the other
# side starts with a colour ("belt for blue jeans" was searched as typed: blue jeans, stop 70's gap), not "socks for
# sports shoes".
_POINTER = r"(?:my|your|her|his|their|our|this|that|these|those)"
_ARTICLE = re.compile(rf"(?:an?|the|{_POINTER})\s", re.IGNORECASE)
LINK_WORD = re.compile(rf"\s+(for(?=\s)|with(?=\s+{_POINTER}\s))\s+", re.IGNORECASE)
# A share of a type's products above which its wearer is the type's: Dresses are 95% women's (girls' the rest).
WEARER_SHARE = 0.6
# Types worn on another's cloth, as clothes are on clothes: where no colour is listed as going with the other's (a
# neutral such as charcoal, which any colour goes with), any colour but the other's ("tie for a charcoal shirt": "tie
# for men not charcoal"; stop 69 listed white ties for a white shirt).
WORN_ON = frozenset({"Ties", "Ties and Cufflinks", "Scarves", "Stoles", "Mufflers"})
# A share of the other product's types' products under which a usage is not the other's in a pairing: a misfiled
# few, or a set's minor piece (Kurtas 7 casual of 1,844; "kurta pajama"'s 16 sports lounge pants of 2,076 at 40k).
OTHERS_USAGE_SHARE = 0.01
# Of the colours that go with the other's, those most of the searched type's products have, at most this many: the
# words searched and said stay a phrase ("navy blue, black, blue or red tie"), not White's eight.
GOES_WITH_MAX = 4


@dataclass(frozen=True)
class Pairing:
    """How :func:`read_pairing` read a query: ``searched`` the words searched, ``clause`` the words that named the
    other product as typed ("to go with a red dress"), ``anchor`` those naming it ("a red dress"), ``lead`` the
    product closest to them (its look offered; None where none)."""

    searched: str
    clause: str
    anchor: str
    lead: dict | None


def read_pairing(rec, query: str) -> Pairing | None:
    """``query`` read as a product to go with another, or None where it is none (no linking words, or either side
    names no product type: "something to go with jeans", "shoes that go with everything"). ``rec``: the
    :class:`~fashionrec.recommend.Recommender`, under the service's read lock."""
    strong = LINK.search(query)
    for found in [strong] if strong else LINK_WORD.finditer(query):
        head, anchor = query[:found.start()].strip(), query[found.end():].strip()
        asked, other = rec.parse_query(head), rec.parse_query(anchor)
        bare = not strong and found.group(1).lower() == "for" and not _ARTICLE.match(anchor)
        # After a bare "for", the other side starts with its colour ("blue jeans"): "blue jeans for men, slim fit,
        # dark wash" names no product after "for" (a pasted paragraph read "dark" and "wash" as one).
        coloured = not bare or "baseColour" in rec.parse_query(" ".join(anchor.split()[:2]))
        if head and asked.get("articleType") and other.get("articleType") and coloured:
            break
    else:
        return None
    named = [g for g in asked.get("gender", []) if g != "Unisex"]
    # The other's wearer, else the searched type's (ties are men's where shirts are no one's most).
    wearer = named[0] if len(named) == 1 else None if named else _wearer(rec, other) or _wearer(rec, asked)
    # The types a look of the other takes, whose colours go with it: the fixture's white women's shoes were all
    # sports shoes, and "shoes to go with a black skirt" listed no white casual shoe or heel.
    # Of them, those the other's occasion takes first, the occasion named (fashionrec.occasions): "shoes for a party
    # dress" listed casual shoes, flats and heels in turn, casual shoes first (stop 72's gap).
    occasion = occasion_of(rec, other, anchor)
    taken = first_types(occasion, _taken_by_its_look(rec, asked["articleType"], other))
    # Not where the searched words name a usage of their own ("casual shoes for a party dress" as asked).
    said = (OCCASION_LOOKS[occasion].said if occasion and not asked.get("usage")
            and set(taken) & set(OCCASION_LOOKS[occasion].types) else None)
    words, unlike = [_as_its_look_takes(rec, head, asked["articleType"], taken, wearer, said)], ""
    if not asked.get("baseColour") and len(other.get("baseColour", [])) == 1:
        colour = other["baseColour"][0]
        going = [] if _leather(rec, asked, other) else goes_with(rec, taken, colour)
        if going:
            # The colours that go with it, as choices: "tie for a white shirt" was "tie for men not white" (black
            # and grey ties first), "belt for blue jeans" blue belts (stop 70's gap).
            words.insert(0, " or ".join([", ".join(going[:-1]), going[-1]] if len(going) > 1 else going).lower())
        elif _on_its_cloth(rec, asked, other):
            # Worn on a neutral's cloth, any colour but its own (said last: "tie for men not charcoal").
            unlike = f"not {colour.lower()}"
        else:
            words.insert(0, colour.lower())
    if wearer and not named:
        words.append(f"for {wearer.lower()}")
    words.append(unlike)
    # The other product for the same wearer, unless it names its own: "tie for a white shirt" offered the look of a
    # women's white shirt.
    own = [g for g in other.get("gender", []) if g != "Unisex"]
    hits = rec.search_text(anchor if own or not wearer else f"{anchor} for {wearer.lower()}", k=1)
    return Pairing(" ".join(w for w in words if w), query[found.start():].strip(), anchor, _lead(hits))


def _as_its_look_takes(rec, head: str, types: list[str], taken: list[str], wearer: str | None,
                       occasion: str | None = None) -> str:
    """``head``, the words of the searched product, with the words of its ``types`` as ``taken``, the types a look
    of the other takes (:func:`_taken_by_its_look`): "shoes" for a dress "casual shoes, flats or heels" (at 40k
    "shoes for a black dress" listed 5 sports shoes in the page's first ten, stop 71), for a sari "flats or heels".
    Named, not left out: "not casual shoes" leaves out every shoe with the word "casual", the casual heels too. Those
    ``wearer`` (the pairing's) wears where it wears any; as typed where the look takes them all. ``occasion``, the
    word of the other's occasion (:attr:`~fashionrec.occasions.OccasionLook.said`), said before them where they
    do not say it: "party heels or flats", "ethnic jewellery", "formal shoes" (not "formal formal shoes")."""
    said = [a for a in rec.attribute_phrases(head) if a[0] == "articleType"]
    if len(said) != 1 or (taken == types and not occasion):
        return head
    if taken == types:
        listed = said[0][1]
    else:
        named = [t.lower() for t in taken if _worn_by(rec, t, wearer)] or [t.lower() for t in taken]
        listed = " or ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
    if occasion and not re.search(rf"\b{occasion}\b", listed, re.IGNORECASE):
        listed = f"{occasion} {listed}"
    phrase = r"\W+".join(map(re.escape, said[0][1].split()))
    return re.sub(rf"\b{phrase}\b", listed, head, count=1, flags=re.IGNORECASE)


def _worn_by(rec, kind: str, wearer: str | None) -> bool:
    """Whether ``wearer``, or anyone, wears products of the type ``kind``: more than a misfiled few
    (:data:`~fashionrec.text_search.ODD_WEARER_SHARE`; the catalogue files 1 of its 1,323 heels as men's). True
    where no wearer is known."""
    # Imported when called: text_search reads pairings.
    from fashionrec.text_search import ODD_WEARER_SHARE

    if not wearer or "gender" not in rec.items:
        return True
    genders = rec.items.loc[rec.items["articleType"].eq(kind), "gender"]
    return bool(len(genders)) and genders.isin([wearer, "Unisex"]).mean() >= ODD_WEARER_SHARE


def _taken_by_its_look(rec, types: list[str], other: dict) -> list[str]:
    """Of the searched ``types``, those a look of the other product (``other``, a :meth:`parse_query`) takes, by
    the looks' usage rules (:mod:`fashionrec.looks`, rule 2) read per type, each type as the usage most of its
    products have: a slot takes the other's usage where it has it (a dress, Casual, Party or Formal: casual shoes,
    heels and flats, which are Casual; not sports shoes, which are Sports), else the usages that stand in for it
    (:data:`~fashionrec.looks.STAND_IN_USAGE`), else any that does not clash and is no type or usage the other's
    never takes standing in (a sari, Ethnic: heels and flats, not casual or sports shoes). The other's usages are
    those it names ("party dress"), else those of its types' products. ``types`` where none is taken, and where
    one is asked alone ("sports shoes for a dress" is searched as asked)."""
    if len(types) < 2 or not {"usage", "subCategory"} <= set(rec.items):
        return types
    usages = rec.items["usage"]
    # Not a usage only a misfiled few of them have (OTHERS_USAGE_SHARE): "shoes to go with a kurta pajama" was
    # "casual shoes or sports shoes for men" for the set's 16 sports lounge pants of 2,076 (a review of stop 72).
    filed = usages[rec.items["articleType"].isin(other["articleType"])].dropna().value_counts(normalize=True)
    theirs = set(other.get("usage") or filed.index[filed >= OTHERS_USAGE_SHARE])
    kind = _most_filed(rec, types, "usage")
    group = _most_filed(rec, [*types, *other["articleType"]], "subCategory")

    def slot_takes(t: str) -> bool:
        """Whether a slot's own types (looks.SLOT_TYPES, by the other's type, else its group) hold ``t``: a T-shirt's
        shoes are flat, a tracksuit's sports or casual shoes, a dress's or a sari's bag a handbag or a clutch."""
        rules = [SLOT_TYPES.get((o, group.get(t))) or SLOT_TYPES.get((group.get(o), group.get(t)))
                 for o in other["articleType"]]
        return any(rule is None or t in rule for rule in rules)

    types = [t for t in types if slot_takes(t)] or types

    def standing_in(usage: str, t: str) -> bool:
        return (frozenset((usage, kind[t])) not in CLASHING_USAGE and t not in NOT_STANDING_IN.get(usage, ())
                and kind[t] not in NO_STAND_IN_USAGE.get(usage, ()))

    for takes in (lambda t: kind[t] in theirs,
                  lambda t: any(kind[t] in STAND_IN_USAGE.get(u, ()) for u in theirs),
                  lambda t: any(standing_in(u, t) for u in theirs)):
        taken = [t for t in types if t in kind and takes(t)]
        if taken:
            return taken
    return types


def _most_filed(rec, types: list[str], column: str) -> dict[str, str]:
    """{type: the value of ``column`` most of its products have} for each of ``types`` the catalogue has."""
    kinds = rec.items.loc[rec.items["articleType"].isin(types), ["articleType", column]].dropna()
    return {str(t): str(values.mode().iloc[0]) for t, values in kinds.groupby("articleType")[column]}


def _lead(hits: list) -> dict | None:
    """{"id", "id_as_written", "name"} of the first of ``hits`` (:class:`~fashionrec.results.Rec`), the product whose
    look is offered; None where there are none."""
    if not hits:
        return None
    first = hits[0]
    return {"id": first.id, "id_as_written": str(first.item.get(ID_AS_WRITTEN) or first.id),
            "name": first.item.get("display_name") or first.item.get("productDisplayName") or f"Product {first.id}"}


def pairing_said(paired: Pairing, quoted, reading=None) -> str:
    """What the catalogue page and the API's ``note`` say of ``paired``; ``quoted`` quotes a query as they do, and
    ``reading`` (by default ``quoted``) the words searched instead, which the page quotes whole: cut as a long
    search is, "matching bag for red heels" read "... clutches or handbags for…", its wearer lost (stop 74)."""
    return (f"{quoted(paired.clause)} names what they go with: these are the products for "
            f"{(reading or quoted)(paired.searched)}.")


def goes_with(rec, types: list[str], colour: str) -> list[str]:
    """The catalogue's colours that go with ``colour`` by a look's colour rule (:func:`~fashionrec.looks.
    colour_compatibility`'s listed pairs; for a colour no pair lists, not a neutral, the neutrals, which go with
    every colour), that products of ``types`` have, the most common first, at most :data:`GOES_WITH_MAX`; [] for a
    neutral no pair lists (any colour goes with it).

    >>> goes_with(rec, ["Ties"], "White")           # doctest: +SKIP
    ['Black', 'Navy Blue', 'Blue', 'Red']
    """
    have = rec.items.loc[rec.items["articleType"].isin(types), "baseColour"].value_counts()
    have = [c for c in have.index if isinstance(c, str) and c != colour]
    listed = [c for c in have if colour_compatibility(colour, c)[0] == 1.0]
    if not listed and colour not in NEUTRALS:
        listed = [c for c in have if c in NEUTRALS]
    return listed[:GOES_WITH_MAX]


def _mostly(rec, types: list[str], category: str) -> bool:
    """Whether most of the products of ``types`` (above :data:`WEARER_SHARE`: a type misfiled) are of the
    masterCategory ``category``."""
    if "masterCategory" not in rec.items:
        return False
    kinds = rec.items.loc[rec.items["articleType"].isin(types), "masterCategory"]
    return bool(len(kinds)) and (kinds == category).mean() > WEARER_SHARE


def _on_its_cloth(rec, asked: dict, other: dict) -> bool:
    """Whether the searched types (``asked``, a :meth:`parse_query`) are worn on the other's cloth: clothes or
    :data:`WORN_ON` types beside clothes (masterCategory Apparel), where a colour goes with another, not the same."""
    searched = asked.get("articleType", [])
    return _mostly(rec, other.get("articleType", []), "Apparel") and (
        set(searched) <= WORN_ON or _mostly(rec, searched, "Apparel"))


def _leather(rec, asked: dict, other: dict) -> bool:
    """Whether one side is belts and the other shoes (masterCategory Footwear), whose colours match: a belt to
    match brown shoes is brown."""
    sides = [asked.get("articleType", []), other.get("articleType", [])]
    return any(set(a) <= {"Belts"} and _mostly(rec, b, "Footwear") for a, b in (sides, sides[::-1]))


def _wearer(rec, other: dict) -> str | None:
    """The wearer the other product's words name, else the side (women and girls, men and boys) most of its type's
    products are for (above :data:`WEARER_SHARE`), its most common wearer; None where neither."""
    named = [g for g in other.get("gender", []) if g != "Unisex"]
    if len(named) == 1:
        return named[0]
    if named:
        return None
    counts = {g: n for g, n in rec.facets({"articleType": other["articleType"][0]})["gender"].items()
              if g != "Unisex"}
    total = sum(counts.values())
    # A side's children count with its grown-ups: the catalogue's 4 lehengas are 2 women's and 2 girls', and
    # "shoes for a lehenga" was "shoes for men" (the shoes' wearer, no side of the lehenga's above the share).
    sides = {side: {g: counts.get(g, 0) for g in side} for side in (("Women", "Girls"), ("Men", "Boys"))}
    for side, held in sides.items():
        if sum(held.values()) > WEARER_SHARE * total:
            return max(side, key=held.get)      # its grown-ups on a tie
    return None


# A search for a whole outfit names no product type ("office outfit for men", "party outfit for women"): its closest
# matches by meaning are of whatever types the words sit near, "office outfit for men" 10 trousers, 10 formal shoes,
# 2 gift sets and 2 ties and no shirt of 24 (stop 71's shopper). The look put together for the closest main piece
# is offered beside them, as for a product to go with another.
OUTFIT = re.compile(r"\b(?:outfits?|attire|ensembles?|get-?ups?)\b", re.IGNORECASE)
# An outfit's main piece: what a look is put together around (a top, a dress, a saree, a set).
MAIN_PIECES = ("Topwear", "Dress", "Saree", "Apparel Set")
# How many of an outfit search's closest matches (a page's) say the wearer it leans to where it names none: "outfit
# for a job interview" offered a women's formal dress's look, the one dress among nine men's trousers and shoes of
# its first ten at 40k (stop 71's shopper).
LEAN_MATCHES = 24


def read_outfit(rec, query: str, filters: dict | None = None) -> dict | None:
    """The product whose look a search for a whole outfit offers, {"id", "name"}: the closest of ``query``'s main
    pieces (:data:`MAIN_PIECES`, for the wearer and occasion it names, within ``filters``: the page's chosen ones;
    where it names and chooses no wearer, for the one most of its :data:`LEAN_MATCHES` closest matches are for,
    said as "wearer": "men's"; a child's piece's side said so too: "girls'");
    None where ``query`` names no outfit, names a type ("outfit with jeans" is a search for jeans), or the catalogue
    files no such piece. ``rec``: the :class:`~fashionrec.recommend.Recommender`, under the service's read lock."""
    if not OUTFIT.search(query) or "subCategory" not in rec.items:
        return None
    parsed = rec.parse_query(query)
    if parsed.get("articleType"):
        return None
    # The groups the catalogue files, by isin and unique: a set of the column's 39,730 values took 0.14-0.17 s of
    # each such search (stop 72).
    groups = rec.items["subCategory"]
    present = set(groups[groups.isin(MAIN_PIECES)].unique())
    pieces = [p for p in MAIN_PIECES if p in present]
    filters = dict(filters or {})
    if filters.get("subCategory"):      # a group chosen: its pieces alone, if it is one
        pieces = [p for p in pieces if p == filters["subCategory"]]
    if not pieces:
        return None
    side = None
    if not filters.get("gender") and not set(parsed.get("gender", [])) - {"Unisex"}:
        # No wearer named nor chosen: the one most of its closest matches are for, said with the link.
        side = _leaning(rec.search_text(query, k=LEAN_MATCHES, filters=filters or None))
    chosen = {**filters, "subCategory": pieces, **({"gender": side} if side else {})}
    hits = rec.search_text(query, k=1, filters=chosen)
    lead = _lead(hits)
    # A child's look is said as one whoever is named: "outfit for a 5 year old" (searched as "kids outfit", both
    # sides named) offered a girls' kidswear look as just "a whole outfit" (stop 72).
    said = side or (_childs_side(hits[0].item) if hits else None)
    return {**lead, "wearer": WEARERS_SAID.get(said, said)} if lead and said else lead


def _childs_side(item: dict) -> str | None:
    """Boys or Girls where ``item`` is a child's: filed so, or named for a child and one side ("Palm Tree Girl's ...
    Kidswear", filed as women's; not a "Party Girl" watch); None otherwise."""
    gender = item.get("gender")
    if gender in ("Boys", "Girls"):
        return gender
    name = str(item.get("productDisplayName") or "")
    said = [child for child, words in OTHER_CHILD.items() if words.search(name)]
    return said[0] if KIDS_NAME.search(name) and len(said) == 1 else None


# A wearer as the outfit link says it ("For a whole men's outfit put together").
WEARERS_SAID = {"Men": "men's", "Women": "women's", "Boys": "boys'", "Girls": "girls'"}


def _leaning(hits: list) -> str | None:
    """The wearer (not Unisex) more of ``hits`` (:class:`~fashionrec.results.Rec`) are for than any other; None
    on a tie or where none is."""
    counts = collections.Counter(h.item.get("gender") for h in hits if h.item.get("gender") in WEARERS_SAID)
    (top, n), *rest = counts.most_common(2) or [(None, 0)]
    return top if not rest or n > rest[0][1] else None



@dataclass(frozen=True)
class Look:
    """The look a text search offers beside its results: a product page's "Complete the look" for the product
    ``id`` (``id_as_written`` as the shop writes it, ``name`` its name to show). ``anchor``: the words naming the
    product the searched one goes with ("a black skirt"), whose closest product it is; None for a search for a
    whole outfit, where it is the closest main piece."""

    id: int
    id_as_written: str
    name: str
    anchor: str | None = None
    wearer: str | None = None       # an outfit search naming no wearer: the side its closest matches lean to; a
    #                                 child's look: the child's side, whoever is named


def read_search(rec, query: str, filters: dict | None = None) -> tuple[Pairing | None, Look | None]:
    """How a text search reads ``query`` beside its results, the one reading the catalogue page, ``/api/search/text``
    and ``recommend text`` share: (the :class:`Pairing` where it asks for a product to go with another, else None;
    the :class:`Look` it offers, else None). A pairing offers the look of its other product's closest match
    (:func:`read_pairing`); a search for a whole outfit that of its closest main piece, within ``filters``
    (:func:`read_outfit`). The page showed the outfit's look and the API said nothing of it (stop 72). ``rec``: the
    :class:`~fashionrec.recommend.Recommender`, under the service's read lock.

    >>> read_search(rec, "office outfit for men")        # doctest: +SKIP
    (None, Look(id=21021, id_as_written='21021', name='Black coffee Men Purple Slim Fit Shirt', anchor=None,
                wearer=None))
    >>> read_search(rec, "outfit for a job interview")[1].wearer   # naming none: its matches lean  # doctest: +SKIP
    "men's"
    """
    paired = read_pairing(rec, query)
    return paired, look_offered(rec, paired, query, filters)


def look_offered(rec, paired: Pairing | None, query: str, filters: dict | None = None) -> Look | None:
    """The :class:`Look` :func:`read_search` offers for ``query`` read as ``paired``: the catalogue page asks it
    apart, after leaving out the filters the words overrule ("party outfit for women" under Gender: Men offered a
    men's sweatshirt's look; a review of stop 71)."""
    if paired:
        return paired.lead and Look(**paired.lead, anchor=paired.anchor)
    lead = read_outfit(rec, query, filters)
    return lead and Look(**lead)
