"""Searching the catalogue by words: :meth:`TextSearch.browse` (every word, a shop's search box and its
filter counts) and :meth:`TextSearch.search_text` (free text by meaning, MiniLM, with the attributes the query
names as filters), and how a query is read: types, colours, wearers, occasions, seasons, weather, "not ...",
several types at once.

:class:`TextSearch` is a part of :class:`fashionrec.recommend.Recommender`, kept here because it is most of
what a query's words decide; it uses the recommender's items, masks and caches.
"""

from __future__ import annotations

import collections
import functools
import heapq
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from fashionrec import colours
from fashionrec.blas import one_blas_thread
from fashionrec.catalog import first_few
from fashionrec.errors import BadInputError
from fashionrec.item_tables import price_of
from fashionrec.occasions import OCCASION_LOOKS, STANDS_IN, kind_named, kind_said
from fashionrec.pairing import read_pairing
from fashionrec.results import (
    DUPLICATE_SLACK,
    FILTER_KEYS,
    Rec,
    check_k,
    check_similarity,
    chosen_colour,
    in_list_order,
    listed,
)
from fashionrec.text_encoder import encode_text, english_words, query_vector
from fashionrec.vocabulary import (
    CHILD_AGE_WORDS,
    COLD_WEATHER,
    GENDER_FORMS,
    GIFT_FILLERS,
    GIFT_TYPES,
    GIFT_WORDS,
    GROOMING_KIT_WORDS,
    GROWN_UP_QUALIFIERS,
    GROWN_UP_READING,
    HOT_PLACES,
    KIND_TYPES,
    KINDS,
    KIT_WORDS,
    NAME_EVIDENCE,
    NOT_FOR_OCCASION,
    NOT_FOR_SEASON,
    OTHER_KIT_WORDS,
    OUTFIT_SETS,
    PERSON_WORDS,
    PHRASES,
    PLACE_SEASONS,
    QUALIFIED,
    SEASON_SYNONYMS,
    SPORT_KITS,
    STAND_INS,
    STUDENT,
    SYNONYMS,
    UNJOINED,
    USAGE_WORDS,
    WARM_TYPES,
    WARMTH_WORDS,
    WEATHER_KEYS,
    WIDE_PHRASES,
    WIDER_USAGE,
    WORN_BY,
    TypeWords,
    age_words,
    emoji_words,
    genders_named,
    norm,
    occasion_words_read,
    plural,
    read_meant_phrases,
    read_students,
    read_wearer_occasions,
    said_all,
    said_types,
    singular,
    type_phrase_turned,
    without_colour_word,
)
from fashionrec.word_search import RARE_SPELLING, STOP_WORDS, WordSearch, fold, search_words

# MiniLM cosine between a query and a product's text below which a result that matches no query word as an
# attribute is noise. Measured on the shipped index (docs/service.md): 13 of 17 nonsense queries ("asdfgh", "pizza",
# "mortgage rates") have no product above it; every one of 15 shopper descriptions ("beach holiday",
# "something for a summer wedding") keeps 20 or more.
# The orders browse lists in besides its own (stop 64): cheapest first, dearest first, where products have prices;
# newest first, by the year each product is filed under (stop 74: "new arrivals" listed all 39,730 in the
# catalogue's order, though every product has a year).
PRICE_SORTS = ("price", "-price")
NEWEST = "newest"
SORTS = (*PRICE_SORTS, NEWEST)


def sort_key(prices: np.ndarray | None, years: np.ndarray | None, sort: str,
             strict: bool = True) -> tuple[np.ndarray, float | None]:
    """((n,) keys a stable argsort orders the products by for ``sort``, the median price they were split at or
    None): "newest" the latest ``years`` (float64, NaN for none) first, no year last; else :func:`price_order_key`
    of ``prices``."""
    if sort == NEWEST:
        return np.where(np.isfinite(years), -years, np.inf), None
    return price_order_key(prices, sort, strict)


def price_order_key(prices: np.ndarray, sort: str, strict: bool = True) -> tuple[np.ndarray, float | None]:
    """((n,) keys that a stable argsort orders ``prices`` (float64, NaN for none) by, the median they were split
    at or None): ``strict`` a sort, cheapest first for ``sort`` "price", dearest first for "-price"; else a soft
    preference (stop 65), those priced at or below the median first for "price", above it first for "-price",
    the order they came in kept within each half. No price sorts last either way."""
    priced = np.isfinite(prices)
    if strict:
        return np.where(priced, prices if sort == "price" else -prices, np.inf), None
    if not priced.any():
        return np.zeros(len(prices)), None
    median = float(np.median(prices[priced]))
    # (NaN compares False: an unpriced product's key is 2, after both halves.)
    cheaper = prices <= median
    return np.where(priced, np.where(cheaper if sort == "price" else ~cheaper, 0, 1), 2), median
RELEVANT_TEXT_SIMILARITY = 0.35
# How a note says an occasion read as a usage begins ("... this reads 'office' as Formal"): the page goes on from
# it ("; choose a Type to narrow it").
OCCASION_READ = "The catalogue files products by usage, not occasion:"


# How much a product of a colour that looks near the one asked for (colours.nearness: 1 for the same, 0 from
# colours.NEAR apart) gains on the MiniLM similarity, within a tier of results that does not match the colour:
# "red kurta for men wedding" had three red kurtas, then blue ones before maroon ones; "maroon dress", beige,
# black and green dresses before burgundy and red ones. Maroon to red (0.36) gains 0.18, more than the
# spread of similarity among one type's closest matches, less than a brand the query names (1.0).
NEAR_COLOUR_WEIGHT = 0.5

# A product whose photo the tagger sees, with at least colours.SEEN_CONFIDENT of its calibrated probability, as a
# colour not near the one a query asks for loses SEEN_OTHERWISE_WEIGHT of similarity within its tier: after the
# others of its tier, as the spread of similarity within a tier is about 0.1-0.3.
SEEN_OTHERWISE_WEIGHT = 0.3

# How much a product named with the shade a query puts before a colour gains within its tier ("light blue
# formal shirt": the catalogue's colour is Blue for every shade, and MiniLM ranked plain "Blue Shirt" names
# first): as much as a near colour at its nearest, less than a brand the query names.
SHADE_WEIGHT = NEAR_COLOUR_WEIGHT

# How much a product gains within its tier, in share of the query's other words (none read as a type, colour,
# wearer, usage, season or brand) that its name has: "cotton kurta" listed 3 of the 6 kurtas named cotton in its
# first 10, by meaning, "polka dot dress" 3 of 9 polka dresses, "silk saree" 4 of 5 silk saris. Less than a
# brand the query names (1.0) or a near colour (NEAR_COLOUR_WEIGHT), about the spread of similarity in a tier.
NAME_WORD_WEIGHT = 0.3

# How search_text ranks what a query's reading (:class:`QueryReading`, which browse ranks by too) puts first or
# after within a tier (stop 66: "red and black", "running shoes" and "kurta pajama" read otherwise by the API and
# the CLI than on the catalogue page): a product whose label and name hold every colour asked gains as much as a
# brand the query names (1.0, more than the spread of similarity in a tier, ~0.3); a product of a WIDE_PHRASES type
# not named with the query's words gives up more than a brand gains (its brand's named pairs still first, then
# its other pairs: "adidas running shoes" on the page); an outfit set's leading types gain this per place.
BOTH_COLOURS_WEIGHT = 1.0
TYPE_ONLY_WEIGHT = 2.0
OUTFIT_WEIGHT = 1.0
# What a product read as the type asked for its name alone gives up (TextSearch._few_of_type_named: "hat", the Caps
# named "Hat"), to come after that type's own in its tier, the children's set aside (4.0) too: the type it is filed as
# is surer than its name. Before the freebies (8.0).
NAMED_ONLY_WEIGHT = 6.0

# How much a product of a light colour (colours.light_colours) gains within its tier where a query names a place
# dressed for in the heat (vocabulary.PLACE_SEASONS: "beach"): about the spread of similarity in a tier, as a name's
# words (NAME_WORD_WEIGHT), less than a brand the query names.
LIGHT_WEIGHT = 0.3

# What a brand's children's products give up to its grown-ups' where a query names the brand and no wearer: less
# than the brand's own weight (1.0), so that they still come before other brands', more than the spread of
# similarity among one brand's products of a type.
BRAND_CHILD_GAP = 0.5

# A product filed under a gender that fewer than this share of its type's products have (a type of at least
# ODD_WEARER_MIN) is listed after the rest of its tier by a search that names no wearer: most likely misfiled.
ODD_WEARER_SHARE = 0.01
ODD_WEARER_MIN = 100

# How much a product gains, where the type asked for is one the catalogue lacks for the wearer named and the
# wearer's products of its group stand in, per unit of its type's kinship to that type (_type_kinship): "sweater
# for kids" listed 96 T-shirts and tops by meaning, the three sweatshirts among them 3rd, 25th and 40th.
KIN_WEIGHT = 1.0
# A product filed under the occasion asked whose name says a kind its look takes (fashionrec.occasions: "Silk",
# "Embroidered", "Wedding Collection"), over the others filed under it: above any gap in text similarity within a
# tier (0.2-0.7), as browse ranks them by a bit.
FILED_KIND_WEIGHT = 1.0


@functools.lru_cache(maxsize=4096)
def _type_kinship(asked: str, other: str) -> float:
    """How well type ``other`` stands in for ``asked``: 1 for the same, or for two kinds of clothes for the cold
    (:data:`~fashionrec.vocabulary.WARM_TYPES`: a sweatshirt for a sweater, where MiniLM put shirts before
    jackets), else the MiniLM cosine of the two names (Sweaters: Sweatshirts 0.76, Shirts 0.65, Tshirts 0.60)."""
    if asked == other or (asked in WARM_TYPES and other in WARM_TYPES):
        return 1.0
    return float(_type_vector(asked) @ _type_vector(other))


@functools.lru_cache(maxsize=512)
def _type_vector(name: str) -> np.ndarray:
    return encode_text([name])[0]


# A child's search for a type the catalogue has fewer than this many of for that child lists, after them, the
# grown-ups' unisex products of the type, where there are at least ANYONES_MIN (TextSearch._anyones).
FEW_FOR_A_CHILD = 24
ANYONES_MIN = 10


# An English word no product has, with at most this many products close to it in meaning, is a misspelling
# after all where a common word is a letter away ("jens": 1, the perfume 4711; "jogging": hundreds).
NOTHING_BY_MEANING = 3
# A misspelling's words as typed are offered beside its correction where they find this many products by meaning,
# of the types among the correction's first TYPED_SAMPLE (TextSearch.as_typed_by_meaning).
TYPED_MIN = 2
TYPED_SAMPLE = 24
# Text similarity a product name's second listing gives up to another product's first (the third, twice as
# much): "silver earrings" listed ten "Rreverie Silver Earrings" before Lencia's at 0.778 against 0.804. On
# 67 queries, 20 lists still repeat a name, against 50; at 0.05, "hm black heels" put Catwalk's before H&M's.
NAME_REPEAT_PENALTY = 0.03
# A product name's first word that starts this many names, and this share of the names that have it, is a
# brand (TextSearch._brand_named).
BRAND_MIN = 5
BRAND_SHARE = 0.8
# A word of a query names a kind of product (TextSearch._named_out_of_kind): a type's word is of the categories
# (masterCategory) holding OWN_CATEGORY_SHARE of its types' products; any other word of the one holding
# OWN_KIND_SHARE of the products named with it ("boot": Footwear, 21 of 23; not "print", 185 of 219 Apparel, nor
# "leather", which belts, wallets and shoes share). A product named with it in another category comes after.
OWN_CATEGORY_SHARE = 0.1
OWN_KIND_SHARE = 0.9
# Words for whom something is, never a brand there: the catalogue has a brand Mother Earth (222 names).
PEOPLE = frozenset(GENDER_FORMS) | frozenset(WORN_BY) | {"mother", "father", "parent"}


# What asks a search to leave something out: "shirts not blue", "shoes without heels", "shirt non formal".
MINUS = re.compile(r"(?:^|(?<=\s))-(?=\w)")       # "-red" at a word's start, not the hyphen of "t-shirt"
NEGATION_WORDS = frozenset({"not", "no", "non", "without", "except", "excluding"})
NEGATION = re.compile(rf"\b(?:{'|'.join(sorted(NEGATION_WORDS))})\b", re.IGNORECASE)
# Words between a negation and what it leaves out: "white shirt not too formal" left out "too" (no product
# has it) and listed only formal shirts.
NEGATION_FILLER = frozenset({"too", "very", "so", "that", "overly", "really"})
# How many queries' readings of "not ..." a recommender keeps (TextSearch._negation).
NEGATIONS_KEPT = 64


# What joins the types of a query for several ("t-shirt & shorts", "shirts and jeans", "shoes, belts or bags").
TYPE_CONNECTORS = re.compile(r"\s*(?:&|\+|,|/|\band\b|\bor\b)\s*", re.IGNORECASE)


def _categories_holding(rows: np.ndarray, coded: tuple[np.ndarray, dict], share: float) -> set[str]:
    """The values of a column (``coded``, its :meth:`~fashionrec.item_tables.ItemTables._value_index`: (n,) codes,
    -1 where missing, and {value: code}) that each hold at least ``share`` of ``rows`` ((n,) bool), a row without
    one counted among them; none where ``rows`` marks none. By the kept codes (np.unique of the rows' names, from a
    column converted to objects at each call, was a third of the two stop 73 reads' cost in each browse)."""
    codes, index = coded
    counts = np.bincount(codes[rows & (codes >= 0)], minlength=len(index))
    names = list(index)
    return {str(names[c]) for c in np.flatnonzero(counts >= max(share * rows.sum(), 1))}


def _spread_names(rows: np.ndarray, sims: np.ndarray, name_of, penalty: float) -> Iterable[int]:
    """``rows`` (in order of ``sims``, highest first) in order of similarity less ``penalty`` for each listing
    of the same name (``name_of(row)``) already yielded, lazily: a long list is only read as far as it is
    taken. Penalties only grow, so a waiting row whose score went down since it was queued is queued again."""
    shown: collections.Counter = collections.Counter()
    waiting: list[tuple[float, int, int]] = []      # (-score when queued, position, row)

    def ready(bar: float):
        while waiting and -waiting[0][0] >= bar:
            queued, pos, row = heapq.heappop(waiting)
            now = sims[row] - penalty * shown[name_of(row)]
            if now < -queued:
                heapq.heappush(waiting, (-now, pos, row))
                continue
            shown[name_of(row)] += 1
            yield row

    for pos, row in enumerate(rows):
        yield from ready(float(sims[row]))
        repeats = shown[name_of(row)]
        if repeats:
            heapq.heappush(waiting, (-(float(sims[row]) - penalty * repeats), pos, int(row)))
        else:
            shown[name_of(row)] += 1
            yield int(row)
    yield from ready(-math.inf)


def _names_taking_turns(rows: np.ndarray, rank: np.ndarray, names: np.ndarray) -> np.ndarray:
    """``rows`` (sorted by ``rank``, highest first) with, within each rank, the first listing of every
    product name (``names``: a number per row) before any name's second: page one of "silver earrings" had
    nine "Fabindia Women Anusuya Silver Earrings" of its 24."""
    if len(rows) < 2:
        return rows
    turn = pd.DataFrame({"rank": rank, "name": names[rows]}).groupby(["rank", "name"], sort=False).cumcount()
    turn = turn.to_numpy()
    return rows[np.lexsort((np.arange(len(rows)), turn, -rank))]


def _copies_last(rows: np.ndarray, groups: np.ndarray, tiers: np.ndarray | None = None) -> np.ndarray:
    """``rows`` (in order) with every listing of a photo listed before it (``groups``: per row, a number its
    copies share) moved after the rest, in order: page one of "girls dress" showed two photos twice each, under
    other brands' names (a shopper's trial). Counted still: they are products of the catalogue. With ``tiers``
    (per position, highest first), after the rest of their tier: a wallet's copy went after the freebies, which
    come last (a re-trial)."""
    first = np.zeros(len(rows), bool)
    first[np.unique(groups[rows], return_index=True)[1]] = True
    if first.all():
        return rows
    tier = np.zeros(len(rows), np.int64) if tiers is None else np.asarray(tiers, np.int64)
    return rows[np.lexsort((np.arange(len(rows)), ~first, -tier))]


def _own_wearers(parts: list[str]) -> bool:
    """Whether two or more parts of a query for several types name wearers of their own ("shirts for men &
    heels for women"), rather than one wearer for all ("shirts and jeans for men")."""
    return sum(any(genders_named(w) for w in search_words(part)) for part in parts) > 1


def _taking_turns(rows: np.ndarray, masks: list[np.ndarray], rest_last: bool = False,
                  tiers: np.ndarray | None = None) -> np.ndarray:
    """``rows`` (ranked) with the parts of a query for several types (``masks``, one per part) taking turns:
    "t-shirt & shorts" shows a T-shirt, then shorts, then a T-shirt, each part in its own ranked order
    (before, 1,853 T-shirts and 147 shorts among the first 2,000, in the catalogue's order). The rows of no
    part take turns too, or with ``rest_last`` come after all the others. With ``tiers`` (per row, its rank,
    highest first), the parts take turns within each tier, and a tier comes whole before the next."""
    part_of = np.full(len(rows), len(masks))
    for j in reversed(range(len(masks))):     # a row two parts share goes to the first
        part_of[masks[j][rows]] = j
    tier = np.zeros(len(rows), np.int64) if tiers is None else np.asarray(tiers, np.int64)
    # how many of its part (in its tier) come before it
    turn = np.array(pd.DataFrame({"tier": tier, "part": part_of}).groupby(["tier", "part"], sort=False).cumcount())
    if rest_last:
        turn[part_of == len(masks)] += len(rows)
    return rows[np.lexsort((part_of, turn, -tier))]


def _turns_as_read(rows: Iterator[int], masks: list[np.ndarray]) -> Iterator[int]:
    """:func:`_taking_turns` (``rest_last``) of ``rows`` read only as far as the turns given need: read whole, a
    search for several types ran its lazy ranking through every row of a tier (6 -> 31-60 ms at 40k products,
    a code review), where a page takes its first k."""
    queues: list[collections.deque] = [collections.deque() for _ in range(len(masks) + 1)]

    def ready(j: int) -> bool:      # part j has a row to give, read further where it has none yet
        while not queues[j]:
            row = next(rows, None)
            if row is None:
                return False
            queues[next((i for i, m in enumerate(masks) if m[row]), len(masks))].append(row)
        return True

    while True:
        given = [queues[j].popleft() for j in range(len(masks)) if ready(j)]
        if not given:
            break
        yield from given
    yield from queues[-1]       # the rows of no part, last (every row has been read by now)


@functools.cache
def _occasion_phrases() -> dict[str, str]:
    """:data:`~fashionrec.vocabulary.USAGE_WORDS`' phrases by their search word ("datenight" -> "date night"), made
    once, not on each query's every reading."""
    return {norm(phrase): phrase for phrase in USAGE_WORDS}


def _occasions_typed(words: list[str]) -> list[str]:
    """The occasion phrases of :data:`~fashionrec.vocabulary.USAGE_WORDS` among a query's search ``words``, as
    written ("datenight" -> "date night")."""
    phrases = _occasion_phrases()
    return [phrases[w] for w in dict.fromkeys(words) if w in phrases]


def _sides_in_turn(rows: Iterable[int], sides: list[np.ndarray]) -> Iterator[int]:
    """``rows`` (ranked) with the rows of ``sides`` (two (n,) bool, men's and women's) taking turns, the first side
    first, and a row of neither in its place among those before it (a unisex "Wedding Bag" named for the occasion
    2nd for "wedding", not after every man's and woman's product): "outfit for a wedding" listed 43 women's saris
    before anything for a man. Read only as far as the turns need."""
    rows = iter(rows)
    pending: collections.deque = collections.deque()        # read, not given, in ranked order
    queues: list[collections.deque] = [collections.deque() for _ in sides]
    given: set[int] = set()

    def read() -> bool:
        row = next(rows, None)
        if row is None:
            return False
        pending.append(row)
        side = next((j for j, m in enumerate(sides) if m[row]), None)
        if side is not None:
            queues[side].append(row)
        return True

    def give(row: int) -> int:
        given.add(row)
        return row

    turn = 0
    while True:
        while pending and pending[0] in given:
            pending.popleft()
        if not pending and not read():
            return
        head = pending[0]
        if not any(m[head] for m in sides):
            yield give(pending.popleft())
            continue
        while not queues[turn] and read():      # the turn's side's next row, read further where needed
            pass
        side = turn if queues[turn] else 1 - turn
        yield give(queues[side].popleft())
        turn = 1 - side


# GIFT_FILLERS as search_words reads them ("christmas" is "christma", "xmas" "xma").
_GIFT_FILLERS = GIFT_FILLERS | {singular(w) for w in GIFT_FILLERS}

# A kind's word before the word of its type in a phrase that means the kind ("polo shirt"): the type's word
# goes, the kind's carries it. "polo shirt" otherwise found only the names with both words (101 of them,
# U.S. Polo's button-down shirts first), not the "Polo Tshirt"s that "polo" finds.
_KIND_PHRASES = {tuple(singular(w) for w in key.split()) for key in SYNONYMS
                 if len(key.split()) == 2 and singular(key.split()[0]) in KINDS}


# WIDE_PHRASES by their search words, as a query's phrase is read: "canvas shoes" is ("canva", "shoe").
_WIDE_PHRASES = {tuple(search_words(phrase)): kind for phrase, kind in WIDE_PHRASES.items()}



@functools.cache
def _usage_unread() -> dict[str, str]:
    """The one-word occasions of USAGE_WORDS the text model has no whole word for ("mufti", "navratri") -> their
    usage's word, for the model to read (TextSearch._as_meant)."""
    return {w: u.lower() for w, u in USAGE_WORDS.items() if " " not in w and w not in english_words()}


_CHILD_AGES = frozenset(singular(norm(w)) for w in CHILD_AGE_WORDS)
# The ages of a baby (not "junior"): the word finds the babies' products however they are named (rompers, booties).
_BABY_AGES = _CHILD_AGES - {"junior"}


def outfit_set(words: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """(wearer, the types it leads with) of the :data:`~fashionrec.vocabulary.OUTFIT_SETS` set a query's search
    ``words`` (singular) name, in a row or as one word ("kurta pajama", "kurta-pyjama"); None where they name none."""
    for n in (2, 1):
        for i in range(len(words) - n + 1):
            found = OUTFIT_SETS.get(tuple(words[i:i + n]))
            if found:
                return found
    return None


def _kinds_alone(words: list[str]) -> list[str]:
    return [w for i, w in enumerate(words) if not (i and (words[i - 1], w) in _KIND_PHRASES)]


def read_ages(query: str) -> tuple[str, list[str], bool]:
    """(``query`` as searched without what it says of age, those parts as typed, whether a child's age made it a
    search for kids), as the catalogue page and the API both read it: "kurta for 5 year old" is ("kids kurta",
    ["for 5 year old"], True); "dress for 6 year old girl" ("dress for girl", [...], False), the wearer being named.
    The API read "for 5" as a price and listed women's kurtas where the page listed kids' (a stop 63 trial).
    The word "colour" beside a colour is left out first (:func:`~fashionrec.vocabulary.without_colour_word`:
    "red colour dress" is "red dress"), as this is the reading all three make first."""
    query = without_colour_word(query)
    unaged, aged, child = age_words(query)
    if not aged:
        return query, [], False
    # Always left out: no product name gives an age. A child's stands for children unless a wearer is named.
    kids = child and not any(genders_named(w) for w in search_words(unaged))
    return (("kids " if kids else "") + unaged).strip(), aged, kids     # "5 year old" alone: "kids"


def ages_said(aged: list[str], kids: bool) -> str:
    """What a page and the API's ``note`` say of the ages :func:`read_ages` left out, without a full stop."""
    were = "was" if len(aged) == 1 else "were"
    return (f"The catalogue has no ages, so {' and '.join(repr(a) for a in aged)} {were} left out of the search"
            + ("; a child's age reads as kids" if kids else ""))


def people_named(query: str) -> list[str]:
    """The words of ``query`` for a person read as a wearer ("daughter", "wife"), once each, in order."""
    return [w for w in dict.fromkeys(search_words(query)) if w in PERSON_WORDS]


def people_said(people: list[str]) -> str:
    """What a page and the API's ``note`` say of :func:`people_named`'s words, without a full stop: "'daughter'
    reads as Girls"."""
    wearers = dict.fromkeys(g for w in people for g in genders_named(w))
    return f"{' and '.join(map(repr, people))} read{'s' if len(people) == 1 else ''} as {' and '.join(wearers)}"


def absent_said(absent: tuple[list[str], list[str], bool], these: str) -> str:
    """What a page and the API's ``note`` say of a kind the catalogue has none of (:meth:`TextSearch.absent_kind`),
    ``these`` saying what is listed instead ("these are the 96 closest matches"): "The catalogue has no jackets
    for girls; these are the 96 closest matches by meaning for girls." The API said nothing of it but its
    ``unmatched`` (a stop 63 trial)."""
    types, wearers = said_types(absent[0]), " or ".join(w.lower() for w in absent[1])
    among = f"among its unisex {types}" if absent[2] else f"by meaning for {wearers}"
    return f"The catalogue has no {types} for {wearers}; {these} {among}."


def _query_words(query: str) -> list[str]:
    """A query's lower-case words as :meth:`TextSearch.parse_query` reads them ("men's" -> "men", "t-shirt"
    kept whole), folded as the word search folds them: full-width "Ｊｅａｎｓ" was no word (a code review)."""
    words = re.findall(r"[a-z0-9']+(?:-[a-z0-9]+)*", fold(emoji_words(query)))
    return [w.replace("'s", "").replace("'", "") for w in words]


# The lowest bit of browse's rank that parts its tiers (a kids' product asked for no child, a freebie, a product found
# by its type alone after the rest): the turns, gifts and copies keep to them (``ranks >> _TIER_BIT``).
_TIER_BIT = 10


def _asked(wider: str) -> str:
    """The usage(s) whose :data:`~fashionrec.vocabulary.WIDER_USAGE` is ``wider`` ("Smart Casual" -> "Party")."""
    return " or ".join(u for u, w in WIDER_USAGE.items() if w == wider)


def _children_asked(parsed: dict[str, list[str]]) -> set[str]:
    """The children (Boys, Girls) a parsed query is for, if it is for children only ("for kids": both)."""
    children = set(parsed.get("gender", ())) - {"Unisex"}
    return children if children and children <= {"Boys", "Girls"} else set()


def _ages_are_a_childs(ages: list[str], others: Iterable[str], parsed: dict[str, list[str]]) -> bool:
    """Whether a query's child's age words ``ages`` ("baby", "toddler") are read as a child's, not as a name's
    words: its reading ``parsed`` is for children only and none of its ``others`` words names a wearer ("baby boy" is
    a boy's, "Baggit Women Baby Purple Wallet" a name's). What :meth:`TextSearch.browse` lists by and
    :meth:`TextSearch.reading_notes` says."""
    return bool(ages) and bool(_children_asked(parsed)) and not any(genders_named(w) for w in others)


def _renamed(phrase: str, colour: str) -> bool:
    """Whether a query's colour ``phrase`` reads as the catalogue's ``colour`` under another name ("rose gold":
    Copper, "wine": Burgundy), not as a spelling or a shorter form of it ("navy": Navy Blue, "gray": Grey,
    "golden": Gold, "baby pink": Pink)."""
    # Hyphens as spaces: "baby-pink" is "baby pink", a shorter form of Pink (it was said to be "filed as Pink").
    said, named = re.split(r"[\s-]+", phrase.lower().strip()), colour.lower().split()
    joined, name = "".join(said), "".join(named)
    return not (set(said) & set(named) or joined.startswith(name) or name.startswith(joined)
                or Levenshtein.distance(joined, name) <= 1)


# Words for clothes with no type (:meth:`TextSearch._clothes_asked`): "casual wear", "casual clothes" (stop 67);
# "office outfit for men" (stop 75: its shirts and trousers first, its shoes and ties after them).
CLOTHES_WORDS = frozenset({"wear", "clothes", "clothing", "outfit", "outfits"})
# The pieces of a sport's kit the vocabulary lacks, by subCategory, which take turns in its list (a top, a bottom,
# shoes); its other sportswear (socks, caps, bags) after them.
KIT_PIECES = ("Topwear", "Bottomwear", "Shoes")
# The Apparel subCategories that "wear" beside an occasion does not ask for (:meth:`TextSearch._clothes_asked`).
UNDER_CLOTHES = ("Innerwear", "Loungewear and Nightwear")


class QueryReading(NamedTuple):
    """What a query's words ask beyond the attributes they name, per row: one reading that :meth:`TextSearch.browse`
    (the catalogue page, ``/api/items``) ranks by in its bits and :meth:`TextSearch.search_text` (``/api/search/text``,
    ``recommend text``, the page's closest matches) by weights, so that both read a query alike (stop 66)."""

    clothes: np.ndarray         # (n,) bool: "wear" with no type named (:meth:`TextSearch._clothes_asked`): ranked
    #                             as the type asked
    type_only: np.ndarray       # (n,) bool: of a WIDE_PHRASES type ("running shoes": Sports Shoes) but not named
    #                             with every word of the query: after the products that are
    both_colours: np.ndarray    # (n,) bool: for two colours or more, label and name hold every one: first
    lead: np.ndarray            # (n,) float32: an outfit set's types (OUTFIT_SETS) for its wearer, 2 for the
    #                             first, 1 for the next ... (0 elsewhere): in that order before its other types;
    #                             search_text's alone, as no name has both words ("kurta pajama": the page lists
    #                             the text search's closest matches)
    named_type: np.ndarray      # (n,) bool: filed under the usage asked and named with the type asked, though
    #                             filed as another type (:meth:`TextSearch._occasions_named_type`, "wedding
    #                             sandals": women's Ethnic "... Sandals" filed as Flats), or of the type's group,
    #                             which names more products so under other types than it files under the type
    #                             (:meth:`TextSearch._few_of_type_named`, "hat": the Caps named "Hat"): of the
    #                             type asked
    named_only: np.ndarray      # (n,) bool: of those, the ones of _few_of_type_named: search_text lists them
    #                             after the type's own in their tier ("hat": the 3 skull caps filed as Hat, then
    #                             the 7 Caps named "Hat")


class TextScores(NamedTuple):
    """How :meth:`TextSearch.search_text` ranks the rows for one query."""

    matches: dict[str, np.ndarray]  # {attribute the query names: (n,) bool, rows that have it}, in the order
    #                                 search_text drops them, last to first: type, colour, gender, usage, season
    sims: np.ndarray                # (n,) float32 MiniLM cosine of each row's text to the query
    allowed: np.ndarray | None      # (n,) bool, rows it does not leave out with "not ..." (None: all)
    later: np.ndarray               # (n,) bool, rows that match its usage only by WIDER_USAGE: listed after
    kinds: np.ndarray               # (n,) bool, rows that match its usage only by a kind its look takes, by name
    #                                 (fashionrec.occasions: "pumps" for a party): listed after those too
    aside: np.ndarray               # (n,) bool, rows listed after the rest of their tier (_aside_for)
    near_colour: np.ndarray         # (n,) float32, how near each row's colour looks to one it asks for (0-1)
    colours: list[str]              # the colours it asks for
    kin: np.ndarray                 # (n,) float32, how well each row's type stands in for a type it asks for
    #                                 that the catalogue lacks for the wearer it names (0 where it has them)
    stood_in: list[str]             # those types (none where it has them)
    anyones: np.ndarray             # (n,) bool, grown-ups' unisex products standing in for a child's (_anyones)
    gift: bool                      # a gift with no type named (_gift_alone): its types take turns
    parts: list[np.ndarray] | None  # per part of a query for several types, (n,) bool, its rows: they take turns
    sides: list[np.ndarray] | None  # men's and women's rows, where it names no wearer and both wear what it reads
    #                                 as (_wearer_masks): they take turns
    reading: QueryReading           # what browse ranks by too
    filed_kinds: np.ndarray         # (n,) bool, rows filed under its usage whose names say a kind its look takes:
    #                                 first in their tier (fashionrec.occasions: a silk kurta for a wedding)


def as_typed(query: str, words: list[str]) -> str:
    """``words`` of a reading (stemmed, as :func:`~fashionrec.word_search.search_words` makes them) as ``query``
    typed them, for a shopper to read: "not kids" was said "Not kid" on its cards, "not jeans" "Not jean" (a code
    review, stop 61). A word the query does not hold as such stays as it is."""
    typed: dict[str, str] = {}
    for token in re.findall(r"[\w'’-]+", str(query or "")):
        for word in search_words(token):
            typed.setdefault(word, token.lower())
    return " ".join(typed.get(word, word) for word in words)


class TextSearch:
    """Text search: a part of :class:`fashionrec.recommend.Recommender`, which owns what it reads: ``items``,
    ``text_embeddings``, ``_ids``, ``item``, ``check_filters``, ``_mask``, ``_distinct``, ``_free_items``,
    ``_names``, ``_value_tables`` and ``_once``, and resets its caches (``_vocab``, ``_word_search``,
    ``_types_present``) in ``_reindex`` when the items change."""

    def _named_as_asked(self, words: list[str], colours: list[str] = ()) -> np.ndarray:
        """Per row, whether its name has every word of a query (its ``words``) that names a type ("heels" in
        "black heels") and every shade it puts before a colour (:meth:`_shaded`: "light blue"), that as one
        phrase: the catalogue files some products named Flats as Heels (8 of the first 24 black heels), and
        its colours have no shades. Where the query asks for several ``colours`` ("red and black"), whether
        its label and its name's own colours (:meth:`_said_colour`) hold every one of them too."""
        types = self._vocabulary()["types"]
        masks = [self._named_as_type(w) for w in words if types.types(w)]
        masks += [self._words().in_names(*pair) for pair in self._shaded(words)]
        if len(colours) > 1:
            masks.append(self._both_colours(colours))
        return np.logical_and.reduce(masks) if masks else np.zeros(len(self.items), bool)

    def _both_colours(self, colours: list[str]) -> np.ndarray:
        """Per row, for a query of two colours or more ("red and black"), whether its label and its name's own
        colours (:meth:`_said_colour`) hold every one of ``colours``; none for fewer."""
        if len(colours) < 2:
            return np.zeros(len(self.items), bool)
        return np.logical_and.reduce([self._said_colour(c) for c in colours])

    def _reading(self, query: str, parsed: dict[str, list[str]], words: list[str]) -> QueryReading:
        """:class:`QueryReading` of ``query`` (what it asks for, without what it leaves out), its :meth:`parse_query`
        and search words: what :meth:`browse` and :meth:`search_text` both rank by."""
        n = len(self.items)
        type_only = np.zeros(n, bool)
        wide = self._wide_phrase(self._attribute_phrases(query))
        if wide and words:
            said, _, types = wide
            # Named so: every word of the query, or (stop 68) the kind's own words in a row ("Tank T-shirt" for
            # "tank top"); a kind of KINDS ("loafers", "loafer shoes") by its name alone, as its word finds its whole
            # type in the word search.
            named = self._named_kind(said) | (self._words().mask(words) if not KINDS & set(said) else False)
            type_only = self._is("articleType", types) & ~named
            own = [KIND_TYPES[w] for w in said if w in KIND_TYPES]
            if own:
                # A kind of one type (KIND_TYPES): that type's products named so first, the others after, whatever
                # their names ("oxford shoes" listed Converse's casual "Oxford" models 7th-10th, before most formal
                # pairs; the attributes' rank then puts that type's others before them).
                type_only = ~(self._is("articleType", own) & named)
        lead = np.zeros(n, np.float32)
        found = outfit_set(words)
        if found and "gender" in self.items:
            wearer, types = found
            # For the wearer the query names, if it names one: "kurta pajama for women" got the set's types and no
            # lead, as none was the set's wearer's (stop 66's gap).
            named = [g for w in words for g in genders_named(w) if g != "Unisex"] or [wearer]
            for place, kind in enumerate(types):
                lead[self._is("articleType", kind) & self._is("gender", named)] = len(types) - place
        few = self._few_of_type_named(parsed, words)
        return QueryReading(self._clothes_asked(query, parsed), type_only,
                            self._both_colours(parsed.get("baseColour", [])), lead,
                            self._occasions_named_type(parsed, words) | self._occasion_kinds_named(parsed, words)
                            | few, few)

    def _said_colour(self, colour: str) -> np.ndarray:
        """Per row, whether its label is ``colour`` or its name says it after its wearer (``_named_colours``), not
        in its brand: a label holds one colour, so for "red and black" only the name says the other, and the word
        search found "red" in the brands Red Chief, Red Tape and Red Rose ("Red Chief Men Black Shoes" led it, the
        "Black & Red" bags and shoes after: a shopper's trial on the full catalogue, stop 65). Kept per version of
        the items."""
        key = ("said colour", colour)
        if key not in self._codes:
            named = self._named_colours()[1]
            self._codes[key] = self._is("baseColour", colour) | np.fromiter((colour in n for n in named), bool,
                                                                             len(named))
        return self._codes[key]

    def _named_for_occasion(self, words: list[str]) -> np.ndarray:
        """Per row, whether its name has every occasion word of a query that is no usage itself ("wedding",
        "office", "diwali": :data:`~fashionrec.vocabulary.USAGE_WORDS`), which finds the whole usage: "wedding"
        listed the 2,893 Ethnic products in the catalogue's order, FNF's "Wedding Collection" saris among them
        (a shopper's trial); none where the query has no such word."""
        said = [w for w in words if w in self._vocabulary()["occasions"]]
        if not said:
            return np.zeros(len(self.items), bool)
        return np.logical_and.reduce([self._words().in_names(w) for w in said])

    def _clothes_asked(self, query: str, parsed: dict[str, list[str]]) -> np.ndarray:
        """Per row, whether it is clothing (masterCategory Apparel) where ``query`` says "wear" and names no type
        or group (``parsed``: its :meth:`parse_query`), for :meth:`browse` to rank as the type asked; none
        otherwise. "wear" is a stop word, so "office wear for women" listed Murcia's 8 "Office" handbags first
        (the name's occasion word) and "casual wear" a watch and a belt among its first ten (a shopper's trial,
        stop 65)."""
        said = set(search_words(query, stem=False))
        # A sport's kit (vocabulary.SPORT_KITS, read as usage Sports) is its clothes and shoes: "golf kit" listed ten
        # Nike backpacks by meaning (stop 68; the catalogue has no golf clothes).
        kit = bool(KIT_WORDS & said) and "Sports" in parsed.get("usage", [])
        if not (CLOTHES_WORDS & said or kit) or "masterCategory" not in self.items \
                or any(parsed.get(key) for key in ("articleType", "subCategory", "masterCategory")):
            return np.zeros(len(self.items), bool)
        # Not underwear and nightwear, which other words ask for ("night wear"): with them "casual wear" listed a
        # bra and a brief in its first ten.
        worn = self._is("masterCategory", ["Apparel", "Footwear"] if kit else ["Apparel"])
        return worn & ~self._is("subCategory", list(UNDER_CLOTHES))

    def _occasions_named_type(self, parsed: dict[str, list[str]], words: list[str]) -> np.ndarray:
        """Per row, for a query of a type and a usage (``parsed``, its search ``words``): whether it is filed under
        that usage and its name has the type's words (:meth:`_named_as_type`), in the type's category (Footwear for
        "sandals"), though filed as another type; :meth:`browse` ranks it as the type asked. The catalogue files
        women's sandals as Flats: "wedding sandals" listed its 4 Ethnic "... Sandals" on page 30 of 52, after men's
        sports sandals, under a notice that said they "rank higher" (a shopper's trial, stop 69). None otherwise."""
        types, usages = parsed.get("articleType"), parsed.get("usage")
        typed = [w for w in words if self._vocabulary()["types"].types(w)]
        if not types or not usages or not typed or "masterCategory" not in self.items:
            return np.zeros(len(self.items), bool)
        kinds = self.items.loc[self._is("articleType", types), "masterCategory"].dropna().unique().tolist()
        return (self._is("usage", usages) & self._is("masterCategory", kinds)
                & np.logical_and.reduce([self._named_as_type(w) for w in typed]))

    def _occasion_kinds_named(self, parsed: dict[str, list[str]], words: list[str]) -> np.ndarray:
        """Per row, for a query of a type and an occasion :data:`~fashionrec.occasions.OCCASION_LOOKS` lists
        (``parsed``, its search ``words``): whether its name has the type's words (:meth:`_named_as_type`), in the
        type's category, though filed as another type, and says a kind the occasion's look takes
        (:meth:`_kind_named`); a grown-up's unless a child's is asked. :meth:`browse` and :meth:`search_text` rank
        them as the type asked and of the occasion's kinds (:meth:`_occasion_kinds`). "wedding sandals" went on from
        the 4 Ethnic "... Sandals" filed as Flats with men's casual sandals in the catalogue's order, where 58
        women's flats and heels are named "... Sandal(s)" with a wedding's kind ("Carlton London Women Silver Wedge
        Sandal"; stop 74, h74text). None otherwise."""
        types = parsed.get("articleType")
        occasions = [u for u in parsed.get("usage", []) if u in OCCASION_LOOKS]
        typed = [w for w in words if self._vocabulary()["types"].types(w)]
        out = np.zeros(len(self.items), bool)
        if not types or not occasions or not typed or "masterCategory" not in self.items:
            return out
        for usage in occasions:
            # Of the shoes, bags and jewellery its look takes, not its garments: "kurta for a wedding" is no kurta
            # set's search, though sets are named "... Kurta with Churidar".
            out |= self._kind_named(usage) & self._is("articleType", list(OCCASION_LOOKS[usage].types))
        kinds = self.items.loc[self._is("articleType", types), "masterCategory"].dropna().unique().tolist()
        out &= (self._is("masterCategory", kinds) & ~self._is("articleType", types)
                & np.logical_and.reduce([self._named_as_type(w) for w in typed]))
        if out.any() and not _children_asked(parsed):
            out &= ~self._worn_by("child")
        return out

    def _few_of_type_named(self, parsed: dict[str, list[str]], words: list[str]) -> np.ndarray:
        """Per row, for a query of types (``parsed``, its search ``words``) whose group (subCategory) names more of
        its products with their words (:meth:`_named_as_type`) under other types than it files under them: whether
        it is one of those; :meth:`browse` and :meth:`search_text` read it as the type asked. "summer hat" listed
        the 3 Fall skull caps filed as Hat and none of the 7 Summer "... Hat"s filed as Caps (stop 73); "blazer"'s 3
        "Blazer Jacket"s are fewer than its 8 Blazers, and stay jackets. None otherwise."""
        types = parsed.get("articleType")
        # Words for these types alone: "hat", not "shoe" of "casual shoes" (every shoe type's) nor "bag".
        typed = [w for w in words if (meant := self._vocabulary()["types"].types(w)) and set(meant) <= set(types or ())]
        out = np.zeros(len(self.items), bool)
        if not types or not typed or "subCategory" not in self.items:
            return out
        of_type = self._is("articleType", types) & ~self._free_items()
        groups = _categories_holding(of_type, self._value_index("subCategory"), OWN_CATEGORY_SHARE)
        named = (self._is("subCategory", sorted(groups)) & ~self._free_items() & ~of_type
                 & np.logical_and.reduce([self._named_as_type(w) for w in typed]))
        return named if named.sum() > of_type.sum() else out

    def _named_as_type(self, word: str) -> np.ndarray:
        """Per row, whether its name has ``word`` (a query's, singular, that names a type) or another word for
        just the types it names: "saree" or "sari" ("wedding saree" listed Fabindia's "... Saree" before FNF's
        "Wedding Collection Sari", on page 3)."""
        if word in KINDS:       # a kind of its type: its own name only
            return self._words().in_names(word)
        types = self._vocabulary()["types"]
        meant = set(types.types(word))
        aliases = types.aliases()
        same = {word} | {singular(norm(t)) for t in meant if " " not in t} \
            | {a for t in meant for a in aliases.get(t, ()) if set(types.types(a)) == meant}
        return np.logical_or.reduce([self._words().in_names(w) for w in sorted(same)])

    def _named_with(self, phrases: list[tuple[str, ...]]) -> np.ndarray:
        """Per row, whether its name has every phrase of ``phrases`` (a query's words, singular); none where
        there are none."""
        if not phrases:
            return np.zeros(len(self.items), bool)
        return np.logical_and.reduce([self._words().in_names(*phrase) for phrase in phrases])

    def _light_for_the_place(self, query: str) -> np.ndarray:
        """(n,) bool: per row, whether it is of a light colour where ``query`` names a place dressed for in the heat
        (:data:`~fashionrec.vocabulary.PLACE_SEASONS`: "beach wedding" the light ethnic products first); all False
        where it names none."""
        if "baseColour" not in self.items or not set(_query_words(query)) & HOT_PLACES:
            return np.zeros(len(self.items), bool)
        return self.items["baseColour"].isin(colours.light_colours()).to_numpy()

    def _name_word_share(self, query: str) -> np.ndarray:
        """(n,) float32: per row, the share of ``query``'s describing words its product name has: the words
        of the query (less what it leaves out) that are read as no type, colour, wearer, usage, season or
        brand, and that some name has ("cotton" of "cotton kurta"); zeros where there are none."""
        query = self._negation(fold(query))[0]
        # A place ("beach") is read as its season and is a name's word too: "beach flip flops" listed 1 of the full
        # index's 9 flip flops named Beach in its first ten, the word read as the summer alone (a review of stop 72).
        read = {w for _, phrase, _ in self._attribute_phrases(query) for w in search_words(phrase)}
        read -= set(PLACE_SEASONS)
        brands = self._brand_words()
        share = np.zeros(len(self.items), np.float32)
        masks = [self._words().in_names(w) for w in dict.fromkeys(search_words(query))
                 if w not in read and w not in brands and not w.isdigit()]
        masks = [m for m in masks if m.any()]
        for m in masks:
            share += m
        return share / len(masks) if masks else share

    def _named_out_of_kind(self, query: str) -> np.ndarray:
        """(n,) bool: per row, whether its name has a word of ``query`` that names a kind of product while it is of
        another category (masterCategory) than every kind the query names: "red dress" listed Colorbar's "Dress To
        Impress" lipstick among its dresses, "boots" Puma's "Boot" T-shirt 3rd, "hat" Jealous 21's "Lady With The
        Hat" tops 7th and 9th (a name's incidental word). A word read as a type is of its types' categories; any
        other word (not a colour, wearer, usage, season or brand) of the category that holds
        :data:`OWN_KIND_SHARE` of the products named with it ("boot": 21 of 23 Footwear), where at least
        :data:`~fashionrec.vocabulary.NAME_EVIDENCE` are. Freebies are never out of kind (they are last anyway), nor
        is anything where the query names a brand ("pepe jeans": its belts and wallets are what is asked)."""
        out = np.zeros(len(self.items), bool)
        if "masterCategory" not in self.items:
            return out
        # A row with no category is of no other category: a shop without one (a WooCommerce export's blank
        # column) put "Nike Women Black Running Polo" (text similarity 0.70) after "Mickey Men Black T-shirt"
        # (0.32) for "black running polo", its type's word "polo" read as out of a kind no row was filed under.
        known = self._value_index("masterCategory")[0] >= 0
        if not known.any():
            return out
        query = self._negation(fold(query))[0]
        if self._brand_named(query).any():
            return out
        phrases = self._attribute_phrases(query)
        read = {w for _, phrase, _ in phrases for w in search_words(phrase)}
        category = self._value_index("masterCategory")
        kept = ~self._free_items()
        # (the words, the categories they name): a type's words, then any other word of one kind.
        # (A type phrase's type words alone: "shoe" of "formal shoes", not "formal", which shirts are named with.)
        types = self._vocabulary()["types"]
        kinds = [([w for w in search_words(phrase) if types.types(w)],
                  _categories_holding(self._is("articleType", values) & kept, category, OWN_CATEGORY_SHARE))
                 for key, phrase, values in phrases if key == "articleType"]
        for w in dict.fromkeys(search_words(query)):
            named = self._words().in_names(w) & kept
            if w in read or w in self._brand_words() or w.isdigit() or named.sum() < NAME_EVIDENCE:
                continue
            own = _categories_holding(named, category, OWN_KIND_SHARE)
            if own:
                kinds.append(([w], own))
        if not kinds:
            return out
        for words, own in kinds:
            for w in words:
                out |= self._words().in_names(w) & ~self._is("masterCategory", sorted(own))
        asked = sorted(set().union(*(own for _, own in kinds)))
        return out & kept & known & ~self._is("masterCategory", asked)

    def _named_tones(self, query: str) -> np.ndarray:
        """Per row, whether its name has a tone ``query`` names (:data:`~fashionrec.colours.TONES`, "rose gold"),
        as two words or one ("Rosegold"); none where it names none."""
        # A hyphenated one as the spaced: "rose-gold watch" ranked a Skagen first, "rose gold watch" the Rosegold
        # watches (a stop 63 trial).
        words = [p for w in _query_words(query) for p in w.split("-")]
        said = {" ".join(pair) for pair in itertools.pairwise(words)} | set(words)
        found = np.zeros(len(self.items), bool)
        for tone in colours.TONES:
            if tone in said or tone.replace(" ", "") in said:
                found = found | self._words().in_names(*tone.split()) | self._words().in_names(tone.replace(" ", ""))
        return found

    def _shaded(self, words: list[str]) -> list[tuple[str, str]]:
        """The (shade, colour) pairs of a query's ``words``: "light blue" (:data:`~fashionrec.colours.SHADES`)."""
        return [pair for pair in itertools.pairwise(words)
                if pair[0] in colours.SHADES and pair[1] in self._vocabulary()["colours"]]

    def _worded_brands(self) -> frozenset[str]:
        """The brands whose name starts with a word a query reads as an attribute, as two words ("red tape",
        "red chief", "red rose", "black coffee", "kids ville"): two words that start :data:`BRAND_MIN` names or
        more, and :data:`BRAND_SHARE` of the names that have them in a row, the first a colour, type, wearer,
        usage or season. "red tape shoes" listed other brands' red shoes, and "red tape formal shoes for men"
        said no formal shoe is red, of the catalogue's 247 Red Tape products."""
        if ("brand", "worded") not in self._codes:      # as _brand_named's tables: rebuilt after a change
            starts = self._first_two_words().value_counts()
            starts = starts[(starts >= BRAND_MIN) & np.array([" " in p for p in starts.index], bool)]
            # Each first word read once (1,589 pairs start 5 names or more, of 40k): 2 s per pair, 0.1 s so.
            firsts = {w: bool(self._attribute_phrases(w, brands=False)) for w in {p.split()[0] for p in starts.index}}
            types = self._vocabulary()["types"]
            names = self._words().name_text()
            self._codes[("brand", "worded")] = frozenset(
                p for p, n in starts.items() if firsts[p.split()[0]]
                and n >= BRAND_SHARE * names.str.contains(f" {p} ", regex=False).sum())
            self._codes[("brand", "typed")] = frozenset(
                p for p, n in starts.items() if not firsts[p.split()[0]] and types.types(p.split()[1])
                and n >= BRAND_SHARE * names.str.contains(f" {p} ", regex=False).sum())
        return self._codes[("brand", "worded")]

    def _typed_brands(self) -> frozenset[str]:
        """The brands whose name's second word names a type, as :meth:`_worded_brands` finds them: "pepe jeans",
        "kraus jeans", "happy socks", "classic polo", and lines of a brand named for their type ("nike
        fragrances", "lakme lip"). Their second word is the type only where the query names no other
        (:meth:`_typed_brand_spans`)."""
        self._worded_brands()
        return self._codes[("brand", "typed")]

    def _typed_brand_spans(self, words: list[str]) -> set[int]:
        """The positions of ``words`` (a query's, :func:`_query_words`) that name a brand of :meth:`_typed_brands`
        beside another type the query names: "pepe jeans tshirt" asked for Pepe Jeans' T-shirts and read as
        jeans and T-shirts, so it listed Pepe Jeans' jeans without a word (a shopper's trial). Not where the
        type word starts a longer type ("classic polo shirt" is a polo shirt) or the query names no other
        type ("pepe jeans": the brand's jeans first, as before)."""
        types = self._vocabulary()["types"]
        for s, pair in enumerate(itertools.pairwise(words)):
            longer = s + 2 < len(words) and types.types(" ".join(words[s + 1:s + 3]))     # "polo shirt"
            if " ".join(pair) not in self._typed_brands() or longer:
                continue
            rest = " ".join(words[:s] + words[s + 2:])
            if any(key == "articleType" for key, _, _ in self._attribute_phrases(rest, brands=False)):
                return {s, s + 1}
        return set()

    def _worded_brand(self, pair: tuple[str, str]) -> str | None:
        """The brand of :meth:`_worded_brands` two words of a query name, as typed or with the second one's
        plural ("red tapes": a colour and no type, so it listed red boxers and cufflinks, a review); else None."""
        for said in (" ".join(pair), f"{pair[0]} {singular(pair[1])}"):
            if said in self._worded_brands():
                return said
        return None

    def _first_two_words(self) -> pd.Series:
        """Per row, the first two of its name's words as a query's are read (:func:`_query_words`), joined."""
        if ("brand", "first two") not in self._codes:
            # The words of each different start once: a name's 40k starts are 9k different.
            before, rows = self._edit_rows(("brand", "first two"))     # an edit's rows alone, where one was made
            names = self.items["productDisplayName"].iloc[rows].fillna("").astype(str)
            heads = pd.Series([" ".join(n.split(maxsplit=2)[:2]) for n in names], dtype=object)
            read = {h: " ".join(_query_words(h)[:2]) for h in heads.unique()}
            firsts = heads.map(read).astype(object)
            if before is not None:
                firsts, edited = before.copy(), firsts
                firsts.iloc[rows] = edited.to_numpy()
            self._codes[("brand", "first two")] = firsts
        return self._codes[("brand", "first two")]

    def _brand_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """(per row, its name's first word; the words taken for brands, sorted), as :meth:`_brand_named` reads
        them; built once per version of the items."""
        if ("brand", "first") not in self._codes:
            words = self._words().name_text().str.split()
            firsts = words.map(lambda ws: ws[0] if ws else "").to_numpy(dtype=object)
            first_n = collections.Counter(firsts)
            anywhere = collections.Counter(w for ws in words for w in set(ws))
            self._codes[("brand", "first")] = firsts
            self._codes[("brand", "words")] = np.array(sorted(
                w for w, n in first_n.items() if w and n >= BRAND_MIN and n >= BRAND_SHARE * anywhere[w]), dtype=object)
        return self._codes[("brand", "first")], self._codes[("brand", "words")]

    def _brand_words(self) -> set[str]:
        """Every word of a brand's name: the one-word brands' and both words of :meth:`_worded_brands`."""
        return set(self._brand_tables()[1]) | {w for pair in self._worded_brands() | self._typed_brands()
                                               for w in pair.split()}

    def _brand_named(self, query: str) -> np.ndarray:
        """Per row, whether the product's brand is a word of ``query``: the catalogue's names start with the
        brand ("Nike Men ..."), so a word that starts :data:`BRAND_MIN` names or more, and at least
        :data:`BRAND_SHARE` of the names that have it, is taken for one ("nike", "levis", "mother" for Mother
        Earth; not "classic", "denim" or "red", which names mostly have further in). "nike sneakers boys" has no
        product with every word, and its closest matches by meaning put ADIDAS, Enroute and Timberland before
        the first Nike (a shopper trial): a brand asked for now leads its tier. A word read as a type, colour,
        wearer, usage or season is that, and a word for a person is whom a gift is for ("gift for mother")."""
        firsts, known = self._brand_tables()
        known = set(known)
        # Unstemmed, as the names are kept: "levis" is Levis, not "levi".
        read = {w for _, phrase, _ in self._attribute_phrases(query) for w in search_words(phrase, stem=False)}
        brands = [w for w in search_words(query, stem=False)
                  if w in known and w not in read and w not in PEOPLE and w not in STOP_WORDS]
        named = np.isin(firsts, brands) if brands else np.zeros(len(self.items), bool)
        words = _query_words(query)
        worded = {self._worded_brand(pair) for pair in itertools.pairwise(words)} - {None}
        typed = sorted(self._typed_brand_spans(words))
        if typed:       # "pepe jeans tshirt": the brand Pepe Jeans, whose first word may be no brand alone
            worded.add(" ".join(words[i] for i in typed))
        if worded:      # "red tape": its first word is read as no brand above ("red" is a colour)
            named |= self._first_two_words().isin(worded).to_numpy()
        return named

    def _given_away(self, query: str) -> np.ndarray:
        """Per row, whether a search for ``query`` lists the product after the others: filed under Free Items
        (a promotion's freebies, "Free Gifts" on their cards: 42 of the 157 results of "gift for my dad"),
        unless the query says "free"; or set aside (:meth:`_set_aside`: a placeholder's name, a blank photo)."""
        last = self._set_aside_rows()
        return last if "free" in search_words(query) else last | self._free_items()

    def browse(self, filters: dict | None = None, q: str | None = None, offset: int = 0,
               limit: int = 24, sort: str | None = None, strict: bool = True) -> tuple[int, list[dict]]:
        """(number of matching items, one page of them) — attribute filters + a word search.

        Every word of ``q`` must be a word of the product's name, type, colour, gender, season or usage, or
        its plural, in any order and any case: "men" finds Men's items but not Women's, "jeans" finds Jeans
        but not "Jeanie" flats, "car" not "Carlton", "shoes black" finds
        "Black ... Shoes". Hyphens are ignored ("t-shirt" = "tshirt"), a plural's "s" is optional, and
        words like "for" are skipped (see :func:`search_words`). A season, occasion or gift word beside a type
        only ranks: "winter jacket" lists every jacket, not only the few filed under Winter, and "black dress
        for party" every black dress, the Party ones first (:meth:`_word_mask`). Products that have the type,
        colour, wearer, usage or season the words name as that attribute come first (see
        :meth:`_attribute_rank`), then those with every word, then the catalogue's order, except that
        within each of these every product name is listed once before any is listed twice, and a brand named
        without a type has its types take turns ("levi's": a T-shirt, a vest, a shirt, a brief, ...).

        ``sort``: "price" lists them cheapest first, "-price" dearest first, where the catalogue has prices (a
        shop's, stop 64); "newest" the latest year first (stop 74); the order above breaks ties, and products
        without a price (or year) come last. ``strict`` False
        makes it a soft preference ("cheap", "premium", stop 65): the matches priced at or below their median
        (:func:`price_order_key`) first for "price", above it first for "-price", each half in the order above.
        """
        for name, value in (("offset", offset), ("limit", limit)):
            # 1.5, "3" or None were a TypeError from Python (a review).
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise BadInputError(f"{name} must be a whole number >= 0, got {value!r}")
        self._check_sort(sort)
        mask = self._mask(filters)
        # Not the sold-out products, unless the call asks for them (stock.sold_out_shown; stop 67).
        mask = (np.ones(len(self.items), bool) if mask is None else mask) & ~self.hidden_sold_out()
        q, negated = self._negation(str(q or ""))
        words = _kinds_alone(search_words(q))
        if q.strip() and not words:
            clothes = self._clothes_asked(q, {})
            if not clothes.any():
                return 0, []        # only punctuation or stop words: nothing to match, not everything
            mask &= clothes         # "clothes" or "wear" alone: the clothes (stop 67), in the catalogue's order
        if words:       # no words: every row, without building the word tables (seconds at 40k products)
            mask &= self._word_mask(q, words)
        if negated:
            mask &= ~self._any_word(negated)
        rows = np.flatnonzero(mask)
        if limit and len(rows) > 1 and words:
            parsed = self.read_occasion(self.parse_query(q), words)
            # Last of all, within its tier, a product whose photo the tagger sees as another colour than the
            # one asked for and its label says (:meth:`_seen_otherwise`).
            # High to low: its type, colour and gender as asked; its name has the occasion word (above the usage
            # the word reads as: "gym" listed the 8 Casual "... Gym Bag"s 3,568th to 3,575th, a code review);
            # its usage as asked, else a kind the occasion's look takes by its name (as search_text lists them:
            # fashionrec.occasions); its season as asked; its name has the type asked; every word; not seen
            # otherwise.
            reading = self._reading(q, parsed, words)
            attrs = self._attribute_rank(parsed, rows) | reading.clothes[rows] << 4 | reading.named_type[rows] << 4
            rank = (attrs >> 2) << 7 | self._named_for_occasion(words)[rows] << 6 | (attrs & 2) << 4 \
                | self._occasion_kinds(parsed, words)[rows] << 4 | (attrs & 1) << 3 \
                | self._named_as_asked(words, parsed.get("baseColour", []))[rows] << 2 \
                | self._words().mask(words)[rows] << 1 \
                | ~self._after_its_tier_for(parsed.get("baseColour", []))[rows]
            rank |= ~self._aside_for(parsed, words)[rows] << _TIER_BIT      # a kids' product for "men" after the rest
            rank |= ~self._given_away(q)[rows] << _TIER_BIT + 1        # promotional freebies last, unless asked for
            # Found only by its type for a phrase of WIDE_PHRASES ("running shoes": a Sports Shoes pair not named
            # so) after every product named with the words, whatever its colour label ("black running shoes": the
            # ASICS ones named "Running Black" but labelled otherwise came after Lotto's black sports shoes).
            rank |= ~reading.type_only[rows] << _TIER_BIT + 2
            # A name's incidental word of another kind after all of these: "boots" listed Puma's "Boot" T-shirt 3rd.
            rank |= ~self._named_out_of_kind(q)[rows] << _TIER_BIT + 3
            # A placeholder's name or a blank photo (set aside) last of all, after those too: the name's-word tier
            # put a jeans backpack after the two placeholders named "Jeans" (the merge of stop 73).
            rank |= ~self._set_aside_rows()[rows] << _TIER_BIT + 4
            # Those found by their type alone by meaning within their tier, as search_text lists them: in the
            # catalogue's order, "jogging shoes" (named by none) listed the 1,815 Sports Shoes from Nike Incinerate
            # on, where its closest matches had been Nike's Roshe Run and Free Run (stop 66's gap).
            rows = rows[np.lexsort((-self._meaning_of(q, reading.type_only, rows), -rank))]
            ranks = np.sort(rank)[::-1]     # per position, the rank of the row there: each reordering keeps tiers
            rows = _names_taking_turns(rows, ranks, self._names())
            if self._gift_alone(words):      # not the fragrance gift sets first for having the word "gift"
                rows = self._gift_turns(rows, ranks >> _TIER_BIT)
            masks = self._part_masks(q, words)
            if masks and (colour_turns := self._colour_turns(q)):
                # A list of colours: each product in the turn of the colour it is labelled, as search_text lists
                # them; by its words a blue shirt named "Blue & White" took the white's turn, and "white or blue
                # shirt for men" showed 9 blue shirts in its first ten at 40k products (stop 71, h71bench).
                rows = _taking_turns(rows, colour_turns, rest_last=True, tiers=ranks >> _TIER_BIT)
            elif masks:
                # Within each tier: the kids' products asked for no child, and the freebies, after the rest (they
                # came 698th among 5,093 grown-ups' for "shorts & tshirts for men", a review).
                rows = _taking_turns(rows, masks, tiers=ranks >> _TIER_BIT)
            elif masks := self._stand_in_masks(q):    # "suit": a blazer, a kurta set, a Nehru jacket ...
                rows = _taking_turns(rows, masks, rest_last=True)     # then a tracksuit named "Suit"
            elif masks := self._wearer_masks(q, parsed, words):
                # Men's and women's in turn: "outfit for a wedding" listed 43 saris named "Wedding". Among those
                # alike above the bits of the occasion's name and usage (bit 6 down): clothes still before a bag
                # for "wedding wear", not a side's bag in its turn.
                tier = ranks >> 7
                rows = np.concatenate([np.fromiter(_sides_in_turn(rows[tier == t], masks), np.int64)
                                       for t in np.unique(tier)[::-1]])
            elif masks := self._brand_type_masks(q, parsed, rows):
                # Within each tier: the freebies and kids' products still after the rest.
                rows = _taking_turns(rows, masks, rest_last=True, tiers=ranks)
        if limit and len(rows) > 1:
            # Within the tiers the freebies and kids' products asked for no child make (they stay last).
            rows = _copies_last(rows, self._photo_groups(), ranks >> _TIER_BIT if words else None)
        if sort and limit and len(rows) > 1:
            # Stable, so the order above breaks ties; no price sorts after every price either way.
            prices, years = self.prices(), self.years()
            key = sort_key(None if prices is None else prices[rows], None if years is None else years[rows], sort,
                           strict)[0]
            rows = rows[np.argsort(key, kind="stable")]
        return len(rows), [self.item(int(self._ids[r])) for r in rows[offset:offset + limit]]

    def text_similarity(self, query: str, ids: Iterable[int]) -> np.ndarray:
        """(len(ids),) float32: the MiniLM cosine of ``query``, as the search reads it, to each product's text (the
        ``score`` of :meth:`search_text`)."""
        rows = np.array([self._row[int(i)] for i in ids], np.int64)
        return self._meaning_of(query, np.ones(len(self.items), bool), rows)

    def _meaning_of(self, query: str, which: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """(len(rows),) float32: the MiniLM cosine of ``query`` to each of ``rows`` that ``which`` ((n,) bool) marks,
        0 for the others; zeros without reading the text model where it marks none of them."""
        marked = which[rows]
        out = np.zeros(len(rows), np.float32)
        if marked.any():
            with one_blas_thread:
                out[marked] = self.text_embeddings[rows[marked]] @ query_vector(self._as_meant(query))
        return out

    def price_median(self, filters: dict | None = None, q: str | None = None) -> float | None:
        """The median price of the products :meth:`browse` lists for ``filters`` and ``q``, which a soft
        preference for the cheaper or the dearer ("cheap", "premium") splits them at; None where none has one."""
        total, items = self.browse(filters, q, limit=len(self.items)) if self.prices() is not None else (0, [])
        return price_order_key(np.array([price_of(d) for d in items], np.float64), "price", False)[1]

    def _check_sort(self, sort: str | None) -> None:
        """Refuse a ``sort`` :meth:`browse` has no order for, and a sort by price where no product has one
        (a BadInputError that says what to send)."""
        if sort is None:
            return
        if sort not in SORTS:
            raise BadInputError(f"sort must be {' or '.join(map(repr, SORTS))} (cheapest or dearest first, or the "
                                f"latest year first), or left out for the search's own order, not {sort!r}")
        if sort == NEWEST:
            if self.years() is None:
                raise BadInputError("no product in this catalogue has a year, so it cannot be sorted newest first: "
                                    "leave sort out")
            return
        if self.prices() is None:
            raise self.no_prices("sorted", "leave sort out")

    def _part_masks(self, query: str, words: list[str]) -> list[np.ndarray] | None:
        """Per part of a query for several types (:meth:`_type_parts`), or per colour of a list of colours
        (:meth:`_colour_choices`), the rows with its words, a wearer named anywhere in the query left to apply to
        all; None for any other query."""
        parts = self._type_parts(query) or self._colour_choices(query)
        if not parts:
            return None
        if _own_wearers(parts):
            # "shirts for men & heels for women": each part for its own wearer (both wearers at once found
            # nothing, and with "and" the women's shirts came too: a review).
            return [self._word_mask(part, search_words(part)) for part in parts]
        wearers = [w for w in words if genders_named(w)]
        return [self._word_mask(part, [w for w in search_words(part) if w not in wearers]) for part in parts]

    def _word_mask(self, query: str, words: list[str]) -> np.ndarray:
        """The rows :meth:`browse` lists for ``query`` (its ``words``): :meth:`_word_mask_as_said`, and where
        it names grown-up wearers ("backpack for men", "watch for my father", "gift for mom and dad"), the
        products its other words find for any of them or for anyone (its words found 48 of the catalogue's 652
        backpacks, the men's, and no unisex one, a shopper trial; and nothing for two wearers, as no product is
        for both). Not the children's, nor for "unisex", "kids" and such, nor for a wearer alone ("men").
        A phrase no name says is read as meant first (:meth:`_as_worded`)."""
        worded = self._as_worded(query)
        if worded != query:
            query, words = worded, _kinds_alone(search_words(worded))
        aged = self._read_as_ages(query, words)
        if aged is not None:
            return aged
        mask = self._word_mask_as_said(query, words)
        wearers = {g for w in words for g in genders_named(w)}
        rest = [w for w in words if not genders_named(w)]
        parts = self._type_parts(query)
        if not wearers or not wearers <= {"Men", "Women"} or not rest or parts and _own_wearers(parts):
            return mask     # (parts for wearers of their own: each part's mask has their unisex products)
        # The query less its wearer words, each token read as search_words reads it ("men,office shoes" is
        # "office shoes"): its phrases stay ("formal shoes" a type, "office" an occasion that only ranks), and
        # so do the connectors between types ("backpack & wallet for men" became "backpack wallet for", one
        # search for both words, and lost the 568 unisex backpacks that "and" kept: a review).
        unworn = " ".join(t for t in re.findall(r"[\w'’-]+|[&+/,]", query)
                          if not any(genders_named(w) for w in search_words(t)))
        # Each wearer named, or anyone: "gift for mom and dad" (no product is for both) lists the women's, the
        # men's and the unisex ones.
        return mask | (self._word_mask_as_said(unworn, rest) & self._is("gender", [*sorted(wearers), "Unisex"])
                       & ~self._childrens())

    def _as_worded(self, query: str) -> str:
        """``query`` as the word search reads it: its phrases no product name says as meant
        (:func:`~fashionrec.vocabulary.read_meant_phrases`: "little black dress" a black dress), and beside a type a
        student's words as the grown-up wearer (:func:`~fashionrec.vocabulary.read_students`: "dress for college
        girl" the women's dresses), as the text search reads "college girl" (:meth:`_attribute_phrases`)."""
        meant = read_meant_phrases(query)
        if STUDENT.search(meant) and self._attribute_values(meant).get("articleType"):
            return read_students(meant)
        return meant

    def _read_as_ages(self, query: str, words: list[str]) -> np.ndarray | None:
        """The rows :meth:`browse` lists for a query whose child's age word ("baby", "toddler", "infant") the text
        search reads as a child's (:meth:`parse_query`), as it reads it: the children's products named with the
        word, or a baby's (:meth:`_infants`) for a baby's word, that have the query's other words. "baby" listed
        the 38 products named with the word, "Baby Purple" wallets and "Baby Dolls" nightdresses among them, where
        the API listed infants' rompers (a shopper's trial, stop 61). None for any other query: the word is a
        name's where a wearer is named or no child has the type ("baby lips"), or a colour's ("baby pink")."""
        ages = [w for w in words if w in _CHILD_AGES]
        others = [w for w in words if w not in _CHILD_AGES]
        if not ages or not _ages_are_a_childs(ages, others, self.parse_query(query)):
            return None
        mask = self._worn_by("child").copy()
        for age in ages:
            mask &= self._words().in_names(age) | (self._infants() if age in _BABY_AGES else False)
        if others:
            unaged = " ".join(t for t in re.findall(r"[\w'’-]+|[&+/,]", query)
                              if not set(search_words(t)) & _CHILD_AGES)
            mask &= self._word_mask_as_said(unaged, others)
        return mask

    def _word_mask_as_said(self, query: str, words: list[str]) -> np.ndarray:
        """The rows with every word of ``query`` (its ``words``), except a season,
        an occasion or a gift word beside a type word. The catalogue files most products under one season (6
        of its 233 jackets under Winter) and few under an occasion (18 of its 95 black dresses under Party),
        which is not what a shopper asking for a "winter jacket" or a "black dress for party" means to
        exclude, and "watch for gift" found only the watches typed "Free Gifts"
        (:data:`~fashionrec.vocabulary.GIFT_WORDS`); an occasion word that is part of a type's name stays
        ("formal shoes"). Without a type ("summer men", "party wear", "gift for my dad") such a word is all
        that narrows the search, so it stays, except that "winter" then means clothes for the cold, as "warm"
        and "cosy" do (:meth:`_weather_alone`); beside other words these only rank ("warm jacket": every
        jacket).

        A query of several types ("t-shirt & shorts", "shirts and jeans for men", "kurta or saree") lists
        the products of each part (:meth:`_type_parts`), a wearer named anywhere in it applying to all."""
        masks = self._part_masks(query, words)
        if masks:
            wearers = [w for w in words if genders_named(w)]
            mask = np.logical_or.reduce(masks)
            # each part's mask has its own wearer's already (a colour's: the query's, said in each)
            own = _own_wearers(self._type_parts(query) or self._colour_choices(query))
            return mask & self._words().mask(wearers) if wearers and not own else mask
        weather = self._weather_alone(words)
        if weather:
            rest = [w for w in words if not self._weather_word(w)]      # who, what colour, what occasion
            mask = self.items["articleType"].isin(weather).to_numpy()
            return mask & self._words().mask(rest) if rest else mask
        gift = self._gift_alone(words)
        if gift:
            # Who it is for, where the word says a wearer ("wife"; not "mother" or "parents": no gender word).
            rest = [w for w in words if w not in GIFT_WORDS and w not in _GIFT_FILLERS
                    and (w not in PEOPLE or genders_named(w))]
            mask = self.items["articleType"].isin(gift).to_numpy() & ~self._free_items()
            return mask & self._words().mask(rest) if rest else mask
        # Said beside other words, a weather phrase is its words again and a warmth word only ranks; so does a
        # shade before a colour, which the catalogue's colours lack and few names say ("dark blue jeans": 1 of
        # 609 blue jeans is named so; :meth:`_named_as_asked` lists it first).
        shades = {shade for shade, _ in self._shaded(words)}
        words = [u for w in words for u in UNJOINED.get(w, [w])
                 if u not in STOP_WORDS and u not in WARMTH_WORDS and u not in shades]
        # "gift" may name a type (Free Gifts, where the catalogue's names do not veto it): not what "watch for
        # gift" asks for.
        phrases = [p for p in self._attribute_phrases(query) if not (p[0] == "articleType" and p[1] in GIFT_WORDS)]
        types = [t for key, _, values in phrases if key == "articleType" for t in values]
        if not types:
            mask = self._words().mask(words)
            if GIFT_WORDS & set(words) and "free" not in words:
                # A gift word finds the type Free Gifts by its name: "gift for mom" listed 33 freebies in 58,
                # "gift for kids" three Q&Q watches and nothing else. A freebie is no gift to buy; where
                # nothing else has the words the catalogue page answers with the closest matches by meaning.
                return mask & ~self._free_items()
            return mask
        ranks = set(self._vocabulary()["season"])
        if not GIFT_WORDS & {w for t in types for w in search_words(t, stem=False)}:     # "gift set": a type
            ranks |= GIFT_WORDS
        words = [w for w in words if w not in ranks]
        occasion = {w for key, phrase, _ in phrases if key == "usage" for w in search_words(phrase)}
        mask = self._words().mask([w for w in words if w not in occasion])
        usages = [u for key, _, values in phrases if key == "usage" for u in values]
        if usages and not self.items["usage"].isin(usages).to_numpy()[mask].any():
            # None of them has it ("dress for wedding": no dress is Ethnic): the words find nothing, and the
            # catalogue page answers with the closest matches by meaning rather than every dress unranked.
            mask = self._words().mask(words)
        mask = mask | self._wide_phrase_rows(phrases, [w for w in words if w not in occasion])
        worn_by = {g for w in words for g in WORN_BY.get(w) or WORN_BY.get(w + "s", ())}     # words are singular
        if worn_by and not any(genders_named(w) for w in words):
            # A word that says who wears it, where the query names no one ("sherwani": the men's kurtas and
            # Nehru jackets, not the 1,591 women's kurtas after them; "panties": no men's briefs).
            mask = mask & self._is("gender", worn_by | {"Unisex"})
        return mask

    def _wide_phrase_rows(self, phrases: list[tuple[str, str, list[str]]], words: list[str]) -> np.ndarray:
        """Per row, whether it is of the type a phrase of ``phrases`` (:meth:`_attribute_phrases`) names in
        :data:`~fashionrec.vocabulary.WIDE_PHRASES` ("running shoes": Sports Shoes) and has the query's other
        ``words``; none where no such phrase is said. :meth:`browse` ranks the products named with every word
        first."""
        wide = self._wide_phrase(phrases)
        if not wide:
            return np.zeros(len(self.items), bool)
        said, kinds, types = wide
        # The types widened to, and (stop 68) the products of its other types named with the kind's words: "tank
        # top" found the 23 Tops named so and its Tops, not ADIDAS's 8 "Tank T-shirt"s (Tshirts).
        rows = self._is("articleType", list(kinds)) | self._is("articleType", types) & self._named_kind(said)
        return rows & self._words().mask([w for w in words if w not in said])

    def _wide_phrase(self, phrases: list[tuple[str, str, list[str]]]) -> tuple[tuple[str, ...], tuple, list] | None:
        """(its search words, the types it widens to, every type it names) of the first phrase of ``phrases``
        (:meth:`_attribute_phrases`) in :data:`~fashionrec.vocabulary.WIDE_PHRASES`; None where none is."""
        for key, phrase, values in phrases:
            said = tuple(search_words(phrase))
            if key == "articleType" and said in _WIDE_PHRASES:
                return said, _WIDE_PHRASES[said], list(values)
        return None

    def _named_kind(self, said: tuple[str, ...]) -> np.ndarray:
        """Per row, whether its name has the words of a WIDE_PHRASES phrase (its search words ``said``) that name
        no type of the catalogue, in a row: "tank" of "tank top", "ankle boot" of "ankle boots"; the phrase's own
        word where each names one ("loafer")."""
        type_words = self._words().type_words
        kind = [w for w in said if w not in type_words] or list(said)
        return self._words().in_names(*kind)

    def _negation(self, query: str) -> tuple[str, list[list[str]]]:
        """:meth:`_read_negation` of ``query``, read once: a text search asked it three times (its scores, its
        describing words, its closest matches), each reading the word tables again (a review). The latest
        :data:`NEGATIONS_KEPT` queries' readings are kept, per version of the items."""
        kept = self._negations
        reading = kept.get(query)
        if reading is None:
            reading = self._read_negation(query)
            if len(kept) >= NEGATIONS_KEPT:
                kept.clear()        # the whole dict, not one entry popped: searches in other threads read it
            kept[query] = reading
        positive, negated = reading
        # A word for a wearer at an occasion as the two ("groom": a wedding's, men's), for every reading of the
        # query that goes through here: the word search, the parse and the text model's.
        positive = read_wearer_occasions(positive)
        # "jacket for monsoon" as the "monsoon jacket" it is (Rain Jacket; stop 75).
        positive = type_phrase_turned(positive, self._vocabulary()["types"])
        return positive, [list(words) for words in negated]     # a caller's change stays its own

    def _typed_positive(self, query: str) -> str:
        """``query`` without what it asks to leave out, its words as typed: before :meth:`_negation` reads a
        wearer's occasion or a type phrase in them (what :meth:`reading_notes` says it read)."""
        folded = fold(query)
        return (self._negations.get(folded) or self._read_negation(folded))[0]

    def negation(self, query: str) -> tuple[str, list[str]]:
        """(``query`` without what it asks to leave out, each thing it leaves out as words): "tshirt not
        black" is ("tshirt", ["black"]). What a page or an answer says of it: the catalogue page listed 5,441
        T-shirts for "tshirt not black" without a word of the black ones left out (a shopper's trial)."""
        positive, negated = self._negation(str(query or ""))
        return positive, [as_typed(query, words) for words in negated]

    def _read_negation(self, query: str) -> tuple[str, list[list[str]]]:
        """(``query`` without what it asks to leave out, what it leaves out): "men shirts not blue" is men's
        shirts and [["blue"]]. "not", "no", "non", "without", "except" and "excluding" take the next word
        (past "too", "very" and such: :data:`NEGATION_FILLER`), or the next two where they name one colour,
        type or usage ("not navy blue": [["navy", "blue"]], which leaves the plain blue ones in). A usage or
        season word leaves out the products filed under it ("not formal", "not for the office", "not autumn":
        Fall). Not where products have every word as typed and a name has the negation with the word after
        it: "no show socks" are Fila's No Show socks, "no limits" Nike's No Limits perfume ("tshirt not
        summer" is not the slogan T-shirts saying "Not ..." filed under Summer)."""
        query = emoji_words(query)         # "shoes not 👟": the emoji is the word it leaves out
        # Full-width letters as the ASCII ones ("jeans ｎｏｔ black" found nothing on the catalogue page, whose
        # words are folded after this; the text search folds before).
        query = unicodedata.normalize("NFKC", query)
        # A search engine's minus: "shirt -red" listed red shirts only, the minus dropped (a shopper trial).
        query = MINUS.sub("not ", query)
        found = NEGATION.search(query)
        # The cached check of a name first: the mask of every word is built anew for what is left at each "not"
        # (thirty "not"s took 5.5 s, a code review).
        if not found or (self._words().named_in_a_row(search_words(query[found.start():].replace("-", " "))[:2])
                         and self._words().mask(search_words(query)).any()
                         and not self._leaves_out_an_attribute(query[:found.start()], query[found.end():])):
            return query, []
        tail = query[found.end():]
        tokens = list(re.finditer(r"[\w'’-]+", tail))
        folded = [search_words(t.group(), stem=False) for t in tokens]
        # A negation word is never what a negation leaves out: "not not" listed every product but the 14 named
        # "Not ...", each card saying "Not not" (a code review, stop 61); "not not black" is a stutter for "not black".
        skipped = STOP_WORDS | NEGATION_FILLER | NEGATION_WORDS
        first = next((i for i, words in enumerate(folded) if words and not set(words) <= skipped), None)
        if first is None:       # "no" at the end, or before words like "for": nothing to leave out
            # Without its negation words ("shirt not not" is "shirt"); a query of nothing else is read as typed, as
            # "not" alone is (the slogan T-shirts named "Not ...").
            rest = NEGATION.sub(" ", query[:found.start()] + " " + tail)
            return (" ".join(rest.split()) if search_words(rest) else " ".join(query.split())), []
        last = first + 1
        vocab = self._vocabulary()
        if last < len(tokens):
            pair = " ".join(folded[first] + folded[last])
            if pair in vocab["colours"] or vocab["types"].types(pair) or pair in vocab["usage"]:
                last += 1       # "not navy blue", "not smart casual": one thing left out, not two words
        negated = [search_words(" ".join(t.group() for t in tokens[first:last]))]
        positive, more = self._negation(query[:found.start()] + " " + tail[tokens[last - 1].end():])
        less = negated[0][0] + "less" if len(negated[0]) == 1 else ""
        # A word of the catalogue's first (a table built once): a scan of every name per "not" made thirty of them
        # read the catalogue 121 times.
        if less in self._words().catalogue_words() and self._words().mask([*search_words(positive), less]).any():
            # "without sleeves" is what names call "sleeveless" (46 of them): it found nothing, every product
            # left out that had no other word to match (a text-search review). Where products of the rest have
            # the word ("top without sleeves"); else what it leaves out stays ("dress no straps": no dress is
            # named strapless, and one named "Straps" came first).
            return " ".join(f"{positive} {less}".split()), more
        return " ".join(positive.split()), negated + more

    def _leaves_out_an_attribute(self, before: str, after: str) -> bool:
        """Whether a negation between ``before`` and ``after`` leaves out a colour, usage or season and the
        query's other words are all attributes too, so that it is read as a negation even where a name has the
        words in a row: "tshirt not black" listed only black T-shirts, for Myntra's "I Know I Am Not Black"
        slogan T-shirts (the name's other words, "i know i am not black tshirt", keep the name's reading). A
        brand's words count as attributes: "myntra tshirt not black" listed the same black slogan T-shirts."""
        phrases = self._attribute_phrases(after)
        words = [w for w in _query_words(after) if w not in STOP_WORDS | NEGATION_FILLER]
        left_out = next((p for p in phrases if words and p[1].split()[0] == words[0]), None)
        if left_out is None or left_out[0] not in ("baseColour", "usage", "season"):
            return False
        rest = f"{before} {after}"
        covered = {w for _, phrase, _ in self._attribute_phrases(rest) for w in phrase.split()}
        covered |= self._brand_words()
        return all(w in covered or w in STOP_WORDS | NEGATION_FILLER for w in _query_words(rest))

    def _any_word(self, groups: list[list[str]]) -> np.ndarray:
        """Rows whose searchable text has every word of any of ``groups`` (or the type or wearer they stand
        for): what a query's "not ..." leaves out."""
        return np.logical_or.reduce([self._words().mask(words) for words in groups if words])

    def _type_parts(self, query: str) -> list[str] | None:
        """The parts of ``query`` split at "&", "and", "or", "+", "/" and commas, when there are two or more
        and each names a type by itself ("t-shirt & shorts"); None otherwise: "black and white shirts" (one
        part names no type) is one search for all three words, and "salwar and dupatta" a type's own name."""
        parts = [p for p in TYPE_CONNECTORS.split(query) if search_words(p)]
        if len(parts) < 2 or self._vocabulary()["types"].types(query):
            return None
        return parts if all("articleType" in self.parse_query(p) for p in parts) else None

    def _colour_choices(self, query: str) -> list[str] | None:
        """``query`` once per colour of a list of colours it gives as choices ("navy blue or red tie": "navy blue
        tie", "red tie"; "black, brown or tan belt": three), for :meth:`browse` to list the products of any of them,
        as the text search does; None where it lists none. A list is colours joined by commas and "or", with an
        "or" in it: "red and black" asks for both at once (a product of both colours first). The page's word search
        needs every word, so "navy blue or red tie" found nothing there (no tie is both), stop 70's gap."""
        colours = self._vocabulary()["colours"]
        tokens = list(re.finditer(r"[\w'’-]+|,", query))
        said = [fold(t.group()).replace("-", " ") for t in tokens]

        def colour_at(i: int) -> int:       # how many words the colour said from token i has (0: none)
            return next((n for n in (3, 2, 1) if i + n <= len(said) and "," not in said[i:i + n]
                         and " ".join(said[i:i + n]) in colours), 0)

        i = 0
        while i < len(tokens):
            run, j = [], i      # run: the (start, end) token spans of a list's colours
            while n := colour_at(j):
                run.append((j, j + n))
                j += n
                k = j
                while k < len(tokens) and said[k] in (",", "or"):
                    k += 1
                if k == j or not colour_at(k):
                    break       # no joining word, or no colour after it: the list ends
                j = k
            if len(run) > 1 and "or" in said[run[0][1]:run[-1][0]]:
                start, end = tokens[run[0][0]].start(), tokens[run[-1][1] - 1].end()
                # Each colour spaced ("navy-blue" as "navy blue", which the names say)
                return [f"{query[:start]}{' '.join(said[a:b])}{query[end:]}" for a, b in run]
            i = run[-1][1] if run else i + 1
        return None

    def _colour_turns(self, query: str) -> list[np.ndarray] | None:
        """Per colour of a list of colours ``query`` gives as choices (:meth:`_colour_choices`), the rows labelled
        that colour, whose turns the text search and the catalogue page take alike; None where it lists none or
        names several types (:meth:`_type_parts`: their parts take the turns)."""
        choices = None if self._type_parts(query) else self._colour_choices(query)
        if not choices:
            return None
        return [self._is("label:baseColour", self.parse_query(c).get("baseColour", [])) for c in choices]

    def _attribute_rank(self, parsed: dict[str, list[str]], rows: np.ndarray) -> np.ndarray:
        """Per row, which attributes a query names (``parsed``: its :meth:`parse_query`) it has as attributes
        rather than as name words, as bits: type 16, colour 8, gender 4, usage 2, season 1; so "winter jacket"
        lists the Jackets before Oakley's "Fast Jacket" sunglasses, which have both words but not as their type."""
        rank = np.zeros(len(rows), np.int64)
        for bit, key in enumerate(("season", "usage", "gender", "baseColour", "articleType")):
            if key in parsed and key in self.items:
                rank |= self.items[key].iloc[rows].isin(parsed[key]).to_numpy().astype(np.int64) << bit
        return rank

    def facets(self, filters: dict | None = None, q: str | None = None,
               within: np.ndarray | None = None, photos: bool = False) -> dict[str, dict[str, int]]:
        """Per filter key, how many items each of its values would leave given the *other* filters and
        ``q`` (and among the rows ``within``, e.g. :meth:`text_relevant`'s): what a shop's filter lists
        show, so that no choice leads to an empty page. ``photos``: how many photos, each counted once
        whatever ids list it, as :meth:`search_text` lists them (a shopper saw "Girls (72)" on a page of
        closest matches, then 52 girls' products)."""
        filters = self.check_filters(filters)
        base = self.word_matches(q)
        if within is not None:
            base = base & within
        out = {}
        for key in FILTER_KEYS:
            if key not in self.items:
                out[key] = {}
                continue
            others = self._mask({k: v for k, v in filters.items() if k != key})
            keep = base if others is None else base & others
            if photos:
                seen = pd.DataFrame({"v": self._column(key)[keep], "g": self._photo_groups()[keep]})
                counts = seen.dropna().drop_duplicates()["v"].value_counts()
            else:
                counts = self.items.loc[keep, key].value_counts()
            out[key] = {str(v): int(n) for v, n in counts.items()}
            if key == "gender":     # Boys or Girls lists what that child wears, kids' unisex products too
                out[key].update(self._child_filter_counts(keep, self._photo_groups() if photos else None))
        return out

    def word_matches(self, q: str | None) -> np.ndarray:
        """(n,) bool: the rows :meth:`browse` lists for ``q`` before any filter (every row for no words)."""
        q, negated = self._negation(str(q or ""))
        words = _kinds_alone(search_words(q))
        if q.strip() and not words:     # as browse: only punctuation or stop words match nothing (a review) ...
            # ... but "clothes" or "wear" alone, the clothes: browse listed 91 of the fixture's products for
            # "clothes" beside filter lists that counted none of them (stop 68, a review).
            base = self._clothes_asked(q, {})
        else:
            base = self._word_mask(q, words) if words else np.ones(len(self.items), bool)
        base = base & ~self.hidden_sold_out()       # as browse: a filter's counts are of what it lists
        return base & ~self._any_word(negated) if negated else base

    def suggest(self, query: str, confident: bool = False) -> str | None:
        """``query`` with each word no product has replaced by the closest one some have ("jeens" -> "jeans"),
        or None when there is nothing to correct; ``confident``: only corrections safe to show instead of what
        was typed (:meth:`fashionrec.word_search.WordSearch.suggest`)."""
        return self._words().suggest(query, confident)

    def correction(self, query: str, filters: dict | None = None) -> str | None:
        """The spelling to search instead of ``query`` (:meth:`autocorrect`), where ``query`` finds no product
        by its words (under ``filters``) and the correction finds some, by words or by meaning where the words
        as typed find nothing by meaning either ("high heals": "high heels" is in no name, and its closest
        matches are heels), or where the respelt words read as a type, colour, occasion or wearer the words as
        typed do not and each other word finds products ("shoes for a prty dress": Party). Where ``query``
        finds a product or two (at most :data:`~fashionrec.word_search.RARE_SPELLING`) by a catalogue
        misspelling ("puple top": one "Puple" top), the correction that reads more and finds more products.
        What the web page, the API and the CLI search instead; None otherwise ("festive season kurta" finds its
        kurtas as typed)."""
        found = self.browse(filters, query, limit=0)[0]
        if found > RARE_SPELLING:
            return None
        positive, negated = self._negation(query)
        if negated:
            # What it leaves out stays left out: "jeens -blue" was corrected to "jeans blue" (a code review).
            fixed = self.correction(positive, filters) if positive.strip() else None
            return fixed and f"{fixed} " + " ".join(f"not {' '.join(words)}" for words in negated)
        fixed = self.autocorrect(query)
        if not fixed:
            return None
        # What the respelt words are read as (a type, colour, occasion or wearer) that the words as typed are
        # not: "shoes for a prty dress" lost its Party and "wedding sneekers for men" its shoes, since the rest
        # of their words find products by meaning; "puple top" found the one "Puple" top by words (stop 73).
        # Where the other words find products, each: "blue jeens for dragons" (no product's word "dragon") keeps the
        # closest matches to its words as typed, a description rather than a misspelt search.
        typed_read = {(k, v) for k, values in self.asked_for(query).items() for v in values}
        reads_more = any((k, v) not in typed_read for k, values in self.asked_for(fixed).items() for v in values)
        kept = set(search_words(query)) & set(search_words(fixed))
        reads_more = reads_more and all(self._words().mask([w]).any() for w in kept)
        # A misspelling, not an English word the catalogue lacks: "men's belt to match brown shoes" is no watch
        # (the fixture has no "match"; autocorrect gives such a word another where nothing is found by it).
        respelt_words = zip(search_words(query, stem=False), search_words(fixed, stem=False), strict=False)
        reads_more = reads_more and not any(a != b and a in english_words() for a, b in respelt_words)
        respelt = self.browse(filters, fixed, limit=0)[0]
        if found:       # a catalogue misspelling's product or two, as typed: the common word's many instead
            return fixed if reads_more and respelt > found else None

        def relevant(q: str) -> bool:
            return bool(self.text_relevant(q, RELEVANT_TEXT_SIMILARITY).any())
        return fixed if respelt > 0 or reads_more or relevant(fixed) and not relevant(query) else None

    def as_typed_by_meaning(self, typed: str, fixed: str, filters: dict | None = None) -> bool:
        """Whether ``typed``, words a correction replaced with ``fixed`` (:meth:`correction`), finds products by
        meaning worth offering beside it: at least :data:`TYPED_MIN` of them, most of its closest ten of a type
        ``fixed`` finds. Where they disagree they are likenesses of spelling, not of meaning ("snekers": Scullers
        scarves and trousers beside the sneakers; "blazzer": T-shirts and a bra, a shopper trial); "kurtha" finds
        kurtas as "kurta" does."""
        relevant = self.text_relevant(typed, RELEVANT_TEXT_SIMILARITY)
        if relevant.sum() < TYPED_MIN:
            return False
        types = {d["articleType"] for d in self.browse(filters, fixed, limit=TYPED_SAMPLE)[1]}
        if not types:       # found by meaning only ("high heels" is in no name)
            types = {r.item["articleType"] for r in self.search_text(fixed, k=TYPED_SAMPLE, filters=filters,
                                                                     min_similarity=RELEVANT_TEXT_SIMILARITY)}
        closest = self.search_text(typed, k=10, filters=filters, min_similarity=RELEVANT_TEXT_SIMILARITY)
        return 2 * sum(r.item["articleType"] in types for r in closest) > len(closest)

    def autocorrect(self, query: str) -> str | None:
        """``query`` corrected where that is safe to show instead of what was typed ("blu jeens" -> "blue
        jeans"), else None (:meth:`fashionrec.word_search.WordSearch.autocorrect`). An English word is
        corrected too where the catalogue has nothing for it, by words or by meaning (at most
        :data:`NOTHING_BY_MEANING` products): "jens", a name to the text model, found one perfume and "black
        jens" black kurtas, where "jogging pants" finds track pants and stays as typed."""
        fixed = self._words().autocorrect(query)
        offered = None if fixed else self.suggest(query)
        if not offered:
            return fixed
        typed, new = search_words(query, stem=False), search_words(offered, stem=False)
        changed = [(a, b) for a, b in zip(typed, new, strict=False) if a != b]
        english, types = english_words(), self._vocabulary()["types"]

        def safe(a: str, b: str) -> bool:
            if self._words().autocorrect(a) == b:
                # A word the word search corrects on its own ("blak" -> "black", "blu" -> "blue"): "blak jens for
                # women" kept its 96 closest matches by meaning (kajal first) under "Did you mean", where "blak
                # jeans" and "black jens" were each corrected (a shopper's trial, stop 77).
                return True
            if a in english:
                return (self._words().mask([a]).sum() == 0
                        and self.text_relevant(a, RELEVANT_TEXT_SIMILARITY).sum() <= NOTHING_BY_MEANING)
            # A word that is none, one letter from a type's name: "blazzer" listed a bra and Chhota Bheem
            # T-shirts as its closest matches, and "jumpsut" a flip flop, with "Did you mean ...?" below.
            return bool(types.types(b)) and Levenshtein.distance(a, b) == 1

        return offered if changed and all(safe(a, b) for a, b in changed) else None

    def _words(self) -> WordSearch:
        """The word-search tables of the items as they are now (rebuilt after an added product)."""
        return self._once("_word_search", self._build_words)

    def _build_words(self) -> WordSearch:
        # The tables of the items before the change (_reindex): their rows' texts are the first rows' of these.
        earlier, self._words_before = self._words_before, None
        return WordSearch(
            self.items, self._vocabulary()["types"],
            # The masks, not the method: the tables are built on a copy of the recommender, which must go.
            {child: self._worn_by(child) for child in ("child", "Boys", "Girls")}, earlier=earlier)

    def _vocabulary(self) -> dict:
        return self._once("_vocab", self._build_vocabulary)

    def _build_vocabulary(self) -> dict:
        folded = self._value_tables()[1]        # {column: {value in lower case: the catalogue's value}}
        seasons, usage = dict(folded["season"]), dict(folded["usage"])
        for table, words in ((usage, USAGE_WORDS), (seasons, SEASON_SYNONYMS), (seasons, PLACE_SEASONS)):
            for word, value in words.items():       # "office" -> Formal, where the catalogue has Formal
                if value.lower() in table:
                    table.setdefault(word, table[value.lower()])
        for word, value in USAGE_WORDS.items():
            # And its plural: "weddings" read as no occasion, so a Casual "Wedding Heels" came 4th for it and
            # 2,854th for "wedding" (a code review). A phrase's too, its last word's ("running kits", "date
            # nights": the kit read as Mens Grooming Kit, stop 67).
            if value.lower() in usage and not word.endswith("s"):
                usage.setdefault(word + "s", usage[value.lower()])
        for word, value in list(usage.items()):
            # And a phrase typed as one word ("datenight", "runningkit"), as the catalogue page's word search reads it
            # (WordSearch._build_aliases): the API listed nothing for "datenight" under a note that read it as Party,
            # where the page listed 27 party products (a review, stop 77).
            if " " in word:
                usage.setdefault(norm(word), value)
        colours_named = dict(folded["baseColour"])
        for word, value in colours.COLOUR_WORDS.items():       # "navy" -> Navy Blue, where the catalogue has it
            if value.lower() in colours_named:
                colours_named.setdefault(word, colours_named[value.lower()])
        # The occasion words that are no usage's own name ("formals" is "formal": those keep the usage's order), as
        # a query's words are (singular), for _named_for_occasion: once per version of the items, not per search.
        usages = {singular(norm(u)) for u in [*USAGE_WORDS.values(), *folded["usage"]]}
        occasions = frozenset({singular(norm(w)) for w in USAGE_WORDS if " " not in w} - usages)
        # The type words of the items before the change (_reindex), whose counts of the names' words these take.
        earlier, self._types_before = self._types_before, None
        return {"types": TypeWords(self.items, earlier), "colours": colours_named, "usage": usage, "season": seasons,
                "occasions": occasions}

    def parse_query(self, query: str) -> dict[str, list[str]]:
        """Attribute words in a query -> {filter key: values}: articleType, colour, gender, usage, season."""
        found = self._attribute_values(query)
        grown = self._grown_up_reading(query, found)
        if grown:
            # A child another word asks for stays ("heels for kids and girls": kids are children).
            others = {g for w in _query_words(query) if w not in GROWN_UP_READING
                      for g in genders_named(norm(w))}
            children = {g for w in grown.values() for g in genders_named(w)} - others
            found["gender"] = [g for g in found["gender"] if g not in children] + list(grown)
        words = _query_words(query)
        ages = [w for w in words if singular(norm(w)) in _CHILD_AGES]
        named = {g for w in words if singular(norm(w)) not in _CHILD_AGES for g in genders_named(norm(w))}
        if ages and named and "gender" in found:
            # An age beside a wearer's word is the wearer's: "Baggit Women Baby Purple Wallet" read as women's and
            # children's, so `index add` filled in no gender from its name (it took Women before "baby" was a
            # child's word), and "toddler girls dress" asked for boys' dresses too (a code review, stop 61).
            found["gender"] = [g for g in found["gender"] if g not in {"Boys", "Girls"} - named]
        if ages and not named and "articleType" in found \
                and not (self._worn_by("child") & self._is("label:articleType", found["articleType"])).any():
            # A child's age beside a type no child has is a name's word: "baby lip balm" is Maybelline's Baby
            # Lips, not a child's (the catalogue has no children's lip care).
            found.pop("gender", None)
        if "gender" not in found and "articleType" in found:
            said = _query_words(query)      # a word or two in a row ("school uniform": a child's)
            worn_by = {g for w in [*said, *map(" ".join, itertools.pairwise(said))] for g in WORN_BY.get(norm(w), ())}
            if worn_by:
                found["gender"] = sorted(worn_by)
        outfit = outfit_set(search_words(query))
        if outfit:
            # Its wearer's, where no one is named (as WORN_BY's words), and its types besides the words' own ("kurta
            # pajama": Kurtas, Lounge Pants and Night suits, and the Churidars that are a kurta pajama's pyjamas).
            found.setdefault("gender", [outfit[0]])
            present = [t for t in outfit[1] if t in self._present_types()]
            found["articleType"] = [*found.get("articleType", []), *present]
        if "gender" in found:
            found["gender"] = sorted(set(found["gender"]) | {"Unisex"})
        return {k: sorted(set(v)) for k, v in found.items()}

    def asked_for(self, query: str) -> dict[str, list[str]]:
        """What a text search of ``query`` asks for, as :meth:`parse_query` reads it, without what the query
        leaves out: the API's and the CLI's ``parsed`` gave "shirts not blue" {'baseColour': ['Blue']} and "not
        black" {'baseColour': ['Black']}, the colour a client was told the search named (a code review, stop 61)."""
        return self._parsed(query)[3]

    def unmatched(self, query: str, recs: list) -> dict[str, list[str]]:
        """What ``query`` names (:meth:`parse_query` of the words it does not leave out) that none of ``recs``,
        its text search's results, has: {column: values}. The search gives an attribute up where no product
        has it with the others, and said nothing of it: "gold jeans" listed blue jeans, "matches articleType
        Jeans", and "red dress for men" women's dresses (an integrator's trial)."""
        if not recs:
            return {}
        # What the search itself reads as having each attribute (:meth:`_matches`): the tagger's label where the
        # catalogue leaves it empty (a shop's export without a gender column), a child's product filed under
        # another gender. The catalogue's column alone said "none of these has gender Men or Unisex" of the men's
        # shirts a search for "shirts for men" listed from such a catalogue.
        _, _, _, parsed = self._parsed(query)      # "jeans not black" names no colour to find
        rows = [self._row[r.id] for r in recs if r.id in self._row]
        return {col: parsed[col] for col, mask in self._matches(parsed).items() if not mask[rows].any()}

    def sold_out_having(self, query: str) -> list[int]:
        """The ids of the products that have all ``query`` names (as :meth:`unmatched` reads it) and are left out
        of a search for being sold out, the shop's hidden ones never named: stop 75's new user searched "red dress"
        and was told "none of these has baseColour Red" of a shop whose one red dress was sold out."""
        from fashionrec.stock import showing_sold_out

        _, _, _, parsed = self._parsed(query)
        masks = list(self._matches(parsed).values())
        if not masks or showing_sold_out():
            return []
        rows = np.logical_and.reduce(masks) & self.sold_out_rows() & ~self.hidden_rows()
        return [int(i) for i in self._ids[rows]]

    def sold_out_said(self, query: str, unmatched: dict) -> str | None:
        """The sentence saying that what ``query`` names is sold out, where its search matched none of it
        (``unmatched``) and sold-out products have it all; None otherwise."""
        gone = self.sold_out_having(query) if unmatched else []
        if not gone:
            return None
        many = len(gone) != 1
        return (f"{len(gone)} product{'s' if many else ''} with all that {query!r} names {'are' if many else 'is'} "
                f"sold out, so left out (ids {first_few(self.ids_as_written(gone), 5)}); these are the closest "
                "in stock.")

    def grown_up_reading(self, query: str) -> dict[str, str]:
        """{the grown-up's gender: the word read as it} where ``query`` says "girl(s)" or "boy(s)" of types the
        catalogue has for no child (:data:`~fashionrec.vocabulary.GROWN_UP_READING`): "heels for girls" gives
        {"Women": "girls"}, and "perfume for boys", which listed 96 boys' shirts as closest matches, men's
        perfume; {} otherwise."""
        return self._grown_up_reading(query, self._attribute_values(query))

    def _grown_up_reading(self, query: str, found: dict[str, list[str]]) -> dict[str, str]:
        types = found.get("articleType")
        said = _query_words(query)
        # Not one a qualifier makes a grown-up's already ("kurti for college girl": _attribute_phrases reads "college
        # girl" as Women; the page then searched "kurti for college women", its "college" a name's word, stop 76).
        words = [w for i, w in enumerate(said)
                 if w in GROWN_UP_READING and not (i and said[i - 1] in GROWN_UP_QUALIFIERS)]
        if not types or not words or (self._worn_by("child") & self._is("label:articleType", types)).any():
            return {}
        return {GROWN_UP_READING[w]: w for w in reversed(words)}      # the first word said, where two are

    def _attribute_values(self, query: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, _, values in self._attribute_phrases(query):
            found.setdefault(key, []).extend(values)
        return found

    def stand_ins(self, query: str) -> dict[str, list[str]]:
        """{word of ``query``: the types searched for it} for each word of a thing the catalogue has no type
        of (:data:`~fashionrec.vocabulary.STAND_INS`, "sherwani": Nehru Jackets and Kurtas) that fewer than
        NAME_EVIDENCE product names have: what a page says rather than pass kurtas off as sherwanis."""
        types, words = self._vocabulary()["types"], search_words(query)
        return {w: types.types(w) for w in dict.fromkeys(words)
                if w in STAND_INS and types.types(w) and not set(QUALIFIED.get(w, ())) & set(words)   # "night suit"
                and self._words().in_names(w).sum() < NAME_EVIDENCE}

    def _brand_type_masks(self, query: str, parsed: dict, rows: np.ndarray) -> list[np.ndarray] | None:
        """Per type of a brand's products among ``rows``, most listed first, its rows, for them to take turns
        where a query names a brand and no type or group: in the catalogue's order, page one of "levi's" was 18
        innerwear products of 24, a boxer brief first, and no jeans (a shopper trial)."""
        if any(parsed.get(key) for key in ("articleType", "subCategory", "masterCategory")):
            return None
        mine = self._brand_named(query)[rows]
        kinds = self.items["articleType"].to_numpy()[rows]
        types = pd.Series(kinds[mine]).value_counts()
        if len(types) < 2:
            return None
        masks = []
        for t in types.index:       # over the rows listed only: a brand has 30-40 types (7.8 ms a page over all)
            m = np.zeros(len(self.items), bool)
            m[rows[mine & (kinds == t)]] = True
            masks.append(m)
        return masks

    def _stand_in_masks(self, query: str) -> list[np.ndarray] | None:
        """Per type that stands in for a thing the catalogue lacks (:meth:`stand_ins`), its rows, for them to
        take turns: "suit" listed three pages of women's salwar suits before the first men's blazer."""
        types = [t for ts in self.stand_ins(query).values() for t in ts]
        if len(types) < 2:
            return None
        return [self._is("articleType", t) for t in types]

    def _wearer_masks(self, query: str, parsed: dict[str, list[str]], words: list[str]) -> list[np.ndarray] | None:
        """[men's rows, women's rows], for them to take turns, where ``query`` (its :meth:`parse_query` ``parsed``,
        its search ``words``) names no wearer and both wear what it reads as: an occasion alone (no type, not a
        sport's kit, which lists its own pieces), "outfit" or "clothes" alone, or a thing the catalogue has no type
        of whose stand-ins are both's ("suit"), and asks for no colour, season or the like; None otherwise. "outfit
        for a wedding" listed two pages of women's saris (its names say "Wedding"), nothing for a man, and "suit for
        wedding" ten women's kurta sets before the men's Nehru jackets (stop 75's shoppers). Men first (a suit's),
        unless more of the products named for the occasion are women's: the page lists those first ("wedding": FNF's
        "Wedding Collection" saris)."""
        # Nor where it asks for more, which ranks first: "something for a beach wedding" the summer's light colours.
        if set(parsed) - {"usage", "articleType"} or self._gift_alone(words) or self._brand_named(query).any():
            return None
        occasion = [w for w in _occasions_typed(words) if w not in SPORT_KITS]
        stand_ins = [t for ts in self.stand_ins(query).values() for t in ts]
        if occasion and "articleType" not in parsed and "usage" in parsed:
            kinds = self._is("usage", parsed["usage"])
        elif len(stand_ins) > 1:
            kinds = self._is("articleType", stand_ins)
        elif not words and not parsed and (clothes := self._clothes_asked(query, parsed)).any():
            # "outfit" (or "clothes") alone: both's clothes. By meaning it listed Spykar men's jeans, a kids' T-shirt,
            # Nabaiji's swimming goggles and a dress, 6 men's of the first ten (stop 76, h76review; stop 77).
            kinds = clothes
        else:
            return None
        # Each side whole, not only what it reads as: a product named for the occasion but filed otherwise (Murcia's
        # 8 Casual "Office" handbags) in its side's turn, not ahead of every turn.
        masks = [self._is("gender", wearer) for wearer in ("Men", "Women")]
        if not all((kinds & m).any() for m in masks):
            return None
        named = self._named_for_occasion(words) if occasion else np.zeros(len(self.items), bool)
        return masks[::-1] if (named & masks[1]).sum() > (named & masks[0]).sum() else masks

    def _attribute_phrases(self, query: str, brands: bool = True) -> list[tuple[str, str, list[str]]]:
        """(filter key, phrase, values) for each phrase of ``query`` read as a type, colour, wearer, usage or
        season, longest phrases first: "navy blue", "sports shoes", "t-shirt" (so "formal shoes" is a type,
        and "formal" in it no usage). The words of a brand named with an attribute's word (``brands``:
        :meth:`_worded_brands`, "red tape") are the brand's, not attributes."""
        vocab = self._vocabulary()
        # A hyphenated colour as the spaced one: "sky-blue shirt" named no colour where "sky blue shirt" named Blue
        # (a stop 63 trial). Not other words ("t-shirt", "spider-man": no man's).
        words = [p for w in _query_words(query)
                 for p in (w.split("-") if "-" in w and w.replace("-", " ") not in vocab["colours"]
                           and any(p in vocab["colours"] for p in w.split("-")) else [w])]
        found: list[tuple[str, str, list[str]]] = []
        used: set[int] = set()
        if brands:
            for s, pair in enumerate(itertools.pairwise(words)):
                # A brand named for its wearer ("Kids Ville", all children's) keeps the wearer: read as the
                # brand alone, "kids ville tops" named no one and set the children's products after the
                # grown-ups', so it listed 10 women's tops and none of Kids Ville's.
                if self._worded_brand(pair) and not genders_named(norm(pair[0])):
                    used |= {s, s + 1}
            used |= self._typed_brand_spans(words)
        for n in (3, 2, 1):
            for s in range(len(words) - n + 1):
                span = set(range(s, s + n))
                if span & used:
                    continue
                phrase = " ".join(words[s:s + n])
                key = norm(phrase)
                types = vocab["types"].types(phrase)
                if phrase.replace("-", " ") in vocab["colours"]:
                    found.append(("baseColour", phrase, [vocab["colours"][phrase.replace("-", " ")]]))
                elif types and n == 1 and s and self._other_kit(words[s], words[s - 1]):
                    continue        # "kabaddi kit": no grooming kit (vocabulary.GROOMING_KIT_WORDS)
                elif types:
                    # A kind of one type (KIND_TYPES) is that type: "oxfords" Formal Shoes, though Converse names
                    # casual models so (the word also means Casual Shoes, as the names would veto it otherwise).
                    own = [KIND_TYPES[w] for w in map(singular, words[s:s + n]) if KIND_TYPES.get(w) in types]
                    found.append(("articleType", phrase, own or types))
                elif n == 2 and words[s] in GROWN_UP_QUALIFIERS and words[s + 1] in GROWN_UP_READING:
                    found.append(("gender", phrase, [GROWN_UP_READING[words[s + 1]]]))    # "college girl": Women
                elif n == 1 and genders_named(key):
                    found.append(("gender", phrase, list(genders_named(key))))
                elif phrase in vocab["usage"]:          # "formal", "party", "smart casual"
                    found.append(("usage", phrase, [vocab["usage"][phrase]]))
                elif phrase in vocab["season"]:         # "summer", "winter", "autumn"
                    found.append(("season", phrase, [vocab["season"][phrase]]))
                elif n == 2 and "sports" in vocab["usage"] and self._sport_kit(words[s + 1], words[s]):
                    found.append(("usage", phrase, [vocab["usage"]["sports"]]))     # "kabaddi kit": sportswear
                else:
                    continue
                used |= span
        return found

    def attribute_phrases(self, query: str) -> list[tuple[str, str, list[str]]]:
        """(filter key, phrase as typed, values) for each phrase of ``query`` read as a type, colour, wearer, usage
        or season, longest first (:meth:`_attribute_phrases`): for callers outside the search, such as
        :mod:`fashionrec.pairing`, which named the private method."""
        return self._attribute_phrases(query)

    def _other_kit(self, word: str, before: str) -> bool:
        """Whether ``word`` is "kit" after a word ``before`` that says another kit than a grooming one: a word
        read as nothing else ("kabaddi", "first aid"), not a wearer, colour, type, occasion or stop word."""
        if word not in KIT_WORDS or before in GROOMING_KIT_WORDS or before in STOP_WORDS:
            return False
        vocab = self._vocabulary()
        return not (genders_named(norm(before)) or before in vocab["colours"] or vocab["types"].types(before)
                    or before in vocab["usage"] or before in vocab["season"] or before.isdigit())

    def _sport_kit(self, word: str, before: str) -> bool:
        """Whether ``word`` is "kit" or "gear" after a sport :data:`~fashionrec.vocabulary.SPORT_KITS` lacks: a
        word read as nothing else (:meth:`_other_kit`) and no other kit's
        (:data:`~fashionrec.vocabulary.OTHER_KIT_WORDS`: "first aid", "makeup", "travel"). "kabaddi kit" listed
        tie-and-cufflink packs first, "archery kit" Arrow Sport shirts, read by meaning (stop 69's gap). Not a word
        product names say, nor a kit's own word: "leather gear" and "denim kit" were searched as "sports gear" and
        "sports kit" (561 and 79 names of the full catalogue say leather and denim: a review of stop 70)."""
        return (before not in OTHER_KIT_WORDS and before not in KIT_WORDS and self._other_kit(word, before)
                and not self._words().in_names(before).any())

    def search_text(self, query: str, k: int = 10, filters: dict | None = None,
                    min_similarity: float | None = None) -> list[Rec]:
        """Free text -> items: MiniLM similarity to product text, filtered by attributes parsed from it.

        A parsed attribute that would leave nothing (with the others) is dropped; ``filters`` always apply.
        ``min_similarity`` (e.g. :data:`RELEVANT_TEXT_SIMILARITY`) keeps only products of the type and the
        wearer the query names, if it names them, and drops those that match no word of it as a type, colour,
        gender, usage or season and are less similar than that: nonsense finds nothing, "black jacket" no
        black sunglasses. Usage and season words ("formal", "party", "winter") rank their products first; a usage
        with few products has its :data:`~fashionrec.vocabulary.WIDER_USAGE` neighbour's listed after its own
        and before any other's (Party, then Smart Casual), their cards saying which usage they have. A
        name already listed gives up :data:`NAME_REPEAT_PENALTY` of similarity per listing to other products.
        """
        if not isinstance(query, str):
            raise BadInputError(f"the text query is a string, not {type(query).__name__}")
        if not query.strip():
            raise BadInputError("the text query is empty: search for words such as 'blue jeans'")
        check_k(k)
        check_similarity(min_similarity)
        # "tie for a white shirt" as the API, the CLI and the page read it (pairing.read_pairing): called from Python
        # it listed white shirts first (stop 70). A query so read reads as no pairing again.
        paired = read_pairing(self, query)
        if paired:
            query = paired.searched
        base = self._mask(filters)
        # Sold-out products are left out, not listed last as the set-aside ones are (stop 67): the next available
        # ones fill the k places.
        base = (np.ones(len(self.items), bool) if base is None else base) & ~self.hidden_sold_out()
        (matches, sims, allowed, later, kinds, aside, near_colour, asked_colours, kin, stood_in, anyones, gift, parts,
         sides, reading, filed_kinds) = self._text_scores(query, wearer_chosen=bool(filters and filters.get("gender")))
        if allowed is not None:
            base = base & allowed
        # Items matching every parsed attribute come first, then those matching ever smaller subsets
        # (articleType kept longest, then colour, gender, usage, season), so a parsed filter that matches nothing
        # (or fewer than k) falls back gracefully; ``filters`` always apply.
        subsets = [c for n in range(len(matches), -1, -1) for c in itertools.combinations(matches, n)]
        if not base.any():
            return []
        positive, negated = self._negation(fold(query))
        # "not black" alone: every product but black ones, said so rather than "Close in meaning".
        only_not = [as_typed(query, words) for words in negated] if not search_words(positive) else []

        name_of = self._names().__getitem__
        close = self._by_meaning(query, sims, min_similarity) if min_similarity is not None else None
        # The occasions whose kinds by name it lists (said on their cards).
        usages_asked = [u for u in self.parse_query(query).get("usage", []) if u in OCCASION_LOOKS
                        and (kinds | filed_kinds).any()]
        # A brand the query names first within its tier, a wider usage's products after the asked usage's,
        # freebies after the rest of their tier.
        brand = self._brand_named(query)
        # A brand named with no wearer: its grown-ups' products, then its children's, then other brands' ("levis
        # jeans" listed other brands' jeans before the Levis Kids ones, then the Kids one before the men's).
        younger = brand & self._worn_by("child") if "gender" not in matches else False
        # A brand named none of whose products of the type say the kind ("nike running shoes": no Nike name says
        # "running") is asked for all the same: its products of the type first, as the page lists them, not Puma's and
        # ASICS' named "Running" (stop 77, h77text: 0 Nike of the first ten for "nike running shoes for women").
        type_only = reading.type_only
        if brand.any() and not (brand & matches.get("articleType", True) & ~type_only).any():
            type_only = type_only & ~brand
        ranking = (sims + 1.0 * brand - BRAND_CHILD_GAP * younger + NEAR_COLOUR_WEIGHT * near_colour + KIN_WEIGHT * kin
                   + SHADE_WEIGHT * self._named_with(self._shaded(search_words(query)))
                   + SHADE_WEIGHT * self._named_tones(positive)
                   + NAME_WORD_WEIGHT * self._name_word_share(query)
                   - SEEN_OTHERWISE_WEIGHT * self._after_its_tier_for(asked_colours)
                   # As the catalogue page reads the query (QueryReading): "red and black" those with both colours
                   # first, "running shoes" those named so, "kurta pajama" men's kurtas.
                   + BOTH_COLOURS_WEIGHT * reading.both_colours - TYPE_ONLY_WEIGHT * type_only
                   + OUTFIT_WEIGHT * reading.lead - NAMED_ONLY_WEIGHT * reading.named_only
                   + LIGHT_WEIGHT * self._light_for_the_place(positive)
                   + FILED_KIND_WEIGHT * filed_kinds
                   - 2.0 * later - 3.0 * kinds - 4.0 * aside - 8.0 * self._given_away(query)
                   # as browse: a name's incidental word of another kind ("boots": a "Boot" T-shirt) last in its tier
                   - 4.0 * self._named_out_of_kind(query))
        last = self._set_aside_rows()

        def ranked():       # (row, subset it matched) in result order, computed a subset at a time
            # The products set aside (a placeholder's name, a blank or tiny photo) after every other, each
            # in its tier: a shop's 4x5 photo was first for "brown formal shoes", the only full match.
            for passed in ((~last, last) if last.any() else (~last,)):
                yield from tiers(~passed)

        def tiers(taken: np.ndarray):
            for subset in subsets:
                m = base & ~taken
                for key in subset:
                    m &= matches[key]
                if min_similarity is not None:
                    # Only what the query asks for: "for women", never another wearer's products; "jacket",
                    # jackets only (the text model finds "women" in a nightdress similar enough).
                    # A gift's types are no type asked (above): after them, its wearer's other products, the
                    # wearer kept ("daughter" alone lists the girls').
                    for key in ("gender",) if gift else ("gender", "articleType"):
                        if key in matches:
                            m &= matches[key]
                    if not subset:
                        m &= close
                rows = np.flatnonzero(m)
                taken[rows] = True
                rows = rows[np.argsort(-ranking[rows], kind="stable")]
                if gift:        # a gift of each kind in turn, not eleven necklaces
                    level = np.zeros(len(rows))
                    rows = self._gift_turns(_names_taking_turns(rows, level, self._names()), level)
                    yield from ((r, subset) for r in rows)
                    continue
                spread = _spread_names(rows, ranking, name_of, NAME_REPEAT_PENALTY)
                if parts:       # each type asked for in turn, as browse lists them: "kurta or saree" was 24 kurtas
                    spread = _turns_as_read(spread, parts)
                elif sides:     # men's and women's in turn: "outfit for a wedding" was 10 women's saris
                    spread = _sides_in_turn(spread, sides)
                yield from ((r, subset) for r in spread)

        # Second listings of the same photo are dropped; fetch further until k distinct ones (or no more).
        order, pool, slack = ranked(), [], DUPLICATE_SLACK
        while True:
            pool.extend(itertools.islice(order, k + slack - len(pool)))
            keep = self._distinct(self._ids[[r for r, _ in pool]], k) if pool else np.zeros(0, np.int64)
            if len(keep) >= k or len(pool) < k + slack:
                break
            slack *= 4
        out, wanted = [], self.check_filters(filters)
        names = {"articleType": "type", "baseColour": "colour"}
        for j in keep:
            r, subset = pool[j]
            item = self.item(int(self._ids[r]))
            # A wider usage's product matches no usage the query named: said as what it is instead.
            near = later[r] and "usage" in subset
            kind = kinds[r] and "usage" in subset
            # Filed under it and first of it by its name: the word said too ("'silk' in its name, ...").
            filed_kind = filed_kinds[r] and "usage" in subset
            shown = [key for key in subset if item.get(key) and not ((near or kind) and key == "usage")
                     and key not in ("subCategory", "clothes")
                     and not (anyones[r] and key == "gender") and not (gift and key == "articleType")]
            parts = [f"{key} {item[key]}" for key in shown]
            notes = []      # what else put it where it is, for the reason and the card
            # A label the catalogue leaves empty, matched by the tagger's (a re-trial's grey sports shoe said
            # only "matches baseColour Grey").
            notes += [f"{key} {item[f'pred_{key}']} by the tagger (the catalogue has none)" for key in subset
                      if key in names and not item.get(key) and item.get(f"pred_{key}")]
            if "subCategory" in subset and stood_in:
                # Not "Matches subCategory": the group is why it is listed, the type asked for is what it stands for.
                notes.append(f"{item['articleType'].lower()} in place of {' or '.join(t.lower() for t in stood_in)}")
            if anyones[r]:
                notes.append("unisex, for anyone")
            if gift:        # the type is the query's reading of "gift", not a word of it
                notes.append("a gift with no size to guess")
            if near:
                notes.append(f"{item['usage']}, the nearest usage to {_asked(item['usage'])}")
            if kind or filed_kind:      # its name is why ("named pumps, as a party look takes")
                notes.append(kind_said(str(item.get("productDisplayName") or ""), usages_asked,
                                       str(item.get("articleType") or "")))
            if near_colour[r] > 0 and "baseColour" in matches and "baseColour" not in subset:
                # "Matches type" alone hid why a maroon kurta came before a blue one for "red kurta".
                like = min(asked_colours, key=lambda c: colours.distance(c, item["baseColour"]) or math.inf)
                notes.append(f"{item['baseColour'].lower()} is close to {like.lower()}")
            colour = chosen_colour(wanted, item) if "baseColour" not in shown else None
            if colour:      # a Colour filter, not the query, is why it has this colour ("Matches type" said none)
                notes.append(f"in {colour.lower()} as chosen")
            instead = "; ".join(notes)
            said = [f"matches {', '.join(parts)}" if parts else "", instead]
            reason = "; ".join([s for s in said if s] + [f"text similarity {sims[r]:.2f}"])
            card = [f"Matches {listed([names.get(key, key) for key in shown])}" if shown else "", instead]
            if only_not and not shown:
                card.append(f"not {' or '.join(only_not)}")
                reason = f"not {' or '.join(only_not)}, nothing else asked"
            card = "; ".join(c for c in card if c) or "Close in meaning"
            card = card[0].upper() + card[1:]
            out.append(Rec(int(self._ids[r]), float(sims[r]), reason, item, card_reason=card))
        # (the named type, or the products matching every word, first: a later one may be closer in meaning)
        return in_list_order(out)

    def _text_scores(self, query: str, wearer_chosen: bool = False) -> TextScores:
        """What :meth:`search_text` ranks ``query``'s results by (:class:`TextScores`). ``wearer_chosen``: a
        gender filter is chosen beside it, so a product of a type hardly ever its wearer's (:meth:`_odd_wearers`)
        is not taken as misfiled ("black handbag" under Gender: Men found nothing beside its one word match,
        "black handbag for men" 62 closest matches, a shopper's trial)."""
        query, words, negated, parsed = self._parsed(query)
        odd_too = wearer_chosen and "gender" not in parsed
        matches = self._matches(parsed, odd_too)
        said = self._type_parts(query)
        parts = self._part_rows(said) if said else None
        if not said and (colour_turns := self._colour_turns(query)):
            # A list of colours takes turns as the catalogue page lists it: "navy blue, black, blue or red tie" (a
            # pairing's colours) listed the black ties, closest in meaning, before any other colour.
            parts = colour_turns
        elif not said:
            parts = self._kit_pieces(query)
        elif parts and _own_wearers(said):
            # "shirts for men & heels for women": each type for its own wearer, not 23 women's heels and a
            # women's shirt (a code review).
            matches["articleType"] = np.logical_or.reduce(parts)
        # Men's and women's in turn where it names no wearer ("outfit for a wedding"), not a kit's pieces'.
        sides = None if parts else self._wearer_masks(query, parsed, words)
        gift = self._gift_alone(words) is not None
        # Not for a gift: its types are the reading of "gift", not a type asked, so a child's own products of other
        # types come before grown-ups' (stop 67: "gift for my daughter" in a 1,500-product shop listed 2 kids'
        # watches, then adults' unisex bags, caps and sunglasses, none of its 40 girls' products).
        kin, stood_in = np.zeros(len(self.items), np.float32), []
        anyones = None if gift else self._anyones(parsed, matches)
        if anyones is not None:
            # "backpack for boys": the catalogue has 2 girls' backpacks and 568 unisex ones, which any child can
            # carry; they listed three free watches, T-shirts and vests. After the child's own, if any.
            matches["gender"] = matches["gender"] | anyones
        else:
            anyones = np.zeros(len(self.items), bool)
        if self._absent(matches):         # never where unisex ones stand in: they are the type, for the child
            # "sweater for kids", "lipstick for men": none in the catalogue. The wearer's products of the same
            # group (Topwear, Lips) first, the types nearest to the one asked for first, then closest in meaning,
            # rather than nothing (a shopper trial: "Nothing in the catalogue matches 'sweater for kids'"; then,
            # with the type given up, 88 kids' T-shirts). The type's groups are those that file a tenth of its
            # products, not Free Gifts for the 3 of 652 backpacks given away.
            types = matches.pop("articleType")
            stood_in = parsed["articleType"]
            if "subCategory" in self.items:
                groups = self.items["subCategory"][types].value_counts()
                matches["subCategory"] = self._is("subCategory", list(groups.index[groups >= 0.1 * groups.sum()]))
                kin = self._kinship(stood_in, matches["subCategory"] & matches["gender"])
        later = np.zeros(len(self.items), bool)
        asked = parsed.get("usage", [])
        wider = [WIDER_USAGE[u] for u in asked if WIDER_USAGE.get(u, u) not in asked]
        if wider:       # "party": Party's products, then Smart Casual's, before those of any other usage
            later = self.items["usage"].isin(wider).to_numpy()
            matches["usage"] = matches["usage"] | later
        # The occasion's kinds by name, of the types its look takes first, after its own and its wider usage's:
        # "heels for a party" listed 2 Party heels, then flats filed as Heels, "Catwalk Black Slip-on Flat Shoes"
        # 4th (the catalogue files 1,287 of its 1,323 heels as Casual; fashionrec.occasions).
        kinds = self._occasion_kinds(parsed, words) if "usage" in matches else np.zeros(len(self.items), bool)
        # Those filed under it too first among them, as browse ranks them: of the 1,749 products "kurta for a
        # wedding" finds 1,742 are filed Ethnic, and it listed printed everyday kurtas first (stop 73, h73shopper).
        filed_kinds = kinds & matches["usage"] if kinds.any() else kinds
        if kinds.any():
            kinds &= ~matches["usage"]      # those filed under it, or its wider usage, are listed as such
            matches["usage"] = matches["usage"] | kinds
        allowed = ~self._any_word(negated) if negated else None
        reading = self._reading(query, parsed, words)
        if "articleType" in matches and reading.named_type.any():
            # Of the type asked, as browse ranks them: "wedding sandals" listed unisex Crocs and men's sports sandals
            # first, the 4 women's Ethnic "... Sandals" filed as Flats after every Sandals product (stop 69's gap).
            matches["articleType"] = matches["articleType"] | reading.named_type
        if reading.clothes.any():
            # "wear" with no type: clothes as the type asked, kept longest (browse ranks them as its type too).
            matches = {"clothes": reading.clothes, **matches}
        aside = self._aside_for(parsed, words, odd_too) | anyones
        if not parsed.get("gender"):
            # A brand it names is asked for, its children's products too: "gini and jony" (a children's brand)
            # listed one of its products, then John Players gingham shirts (a review of the text search).
            aside &= ~(self._brand_named(query) & self._worn_by("child"))
        asked = parsed.get("baseColour", [])
        near_colour = self._near_colour(asked)
        if not query:
            return TextScores(matches, np.zeros(len(self.items), np.float32), allowed, later, kinds, aside,
                              near_colour, asked, kin, stood_in, anyones, gift, parts, sides, reading, filed_kinds)
        with one_blas_thread:
            return TextScores(matches, self.text_embeddings @ query_vector(self._as_meant(query)), allowed, later,
                              kinds, aside, near_colour, asked, kin, stood_in, anyones, gift, parts, sides,
                              reading, filed_kinds)

    def _occasion_kinds(self, parsed: dict[str, list[str]], words: list[str] | None = None) -> np.ndarray:
        """(n,) bool: the products of the types ``parsed`` (a :meth:`parse_query`) asks for, of a kind the look of
        the occasion it asks for takes by their names (:meth:`_kind_named`), a grown-up's unless it asks for a
        child's: all False where it asks for no type, or no occasion :data:`~fashionrec.occasions.OCCASION_LOOKS`
        lists. Not without a type: "date night outfit for men" listed a men's sandal among its Party shirts."""
        kinds = np.zeros(len(self.items), bool)
        occasions = [u for u in parsed.get("usage", []) if u in OCCASION_LOOKS]
        if not parsed.get("articleType") or not occasions:
            return kinds
        for usage in occasions:
            kinds |= self._kind_named(usage)
        kinds &= self._is("articleType", parsed["articleType"])
        if words:       # and those named as the type, of another the look takes ("wedding sandals": silver flats)
            kinds |= self._occasion_kinds_named(parsed, words)
        if kinds.any() and not _children_asked(parsed):
            # A child's "silver sandals" are no kind a grown-up's wedding takes: "sandals for a wedding" listed
            # "Barbie Girls Pink & Silver Sandals" 5th, before every grown-up's sandal.
            kinds &= ~self._worn_by("child")
        return kinds

    def occasion_stand_ins(self, parsed: dict[str, list[str]], words: list[str]) -> dict[str, str]:
        """{occasion asked: the usage read for it} for each occasion (a usage) ``parsed`` (a :meth:`parse_query` of
        search ``words``) names beside a type where the catalogue files none of those types' products (its
        wearer's, where it names one) under it, nor any named as the type (:meth:`_occasions_named_type`: the 4
        Ethnic "... Sandals" filed as Flats are a wedding's sandals), and some under the usage
        :data:`~fashionrec.occasions.STANDS_IN` lists for it, where its look takes one of the types: "wedding shoes
        for men" {"Ethnic": "Formal"} (no men's shoe is filed Ethnic). {} otherwise."""
        # Of the types the stand-in's look takes: "wedding tshirt for men" is no formal T-shirt's search.
        asked = {u: [s for s in STANDS_IN[u] if s not in parsed["usage"]
                     and set(parsed.get("articleType", ())) & {*OCCASION_LOOKS[s].types, *OCCASION_LOOKS[s].garments}]
                 for u in parsed.get("usage", []) if u in STANDS_IN}
        if not any(asked.values()) or "usage" not in self.items:
            return {}
        matches = self._matches({key: parsed[key] for key in ("articleType", "gender") if key in parsed})
        wearer = matches.get("gender", True)
        kind = matches["articleType"] & wearer
        stood = {}
        for u, stands in asked.items():
            if (kind & self._is("label:usage", [u]) | self._occasions_named_type({**parsed, "usage": [u]}, words)
                    & wearer).any():
                continue
            # The first of them the catalogue files some of the types under.
            stand = next((s for s in stands if (kind & self._is("label:usage", [s])).any()), None)
            if stand:
                stood[u] = stand
        return stood

    def read_occasion(self, parsed: dict[str, list[str]], words: list[str]) -> dict[str, list[str]]:
        """``parsed`` (a :meth:`parse_query` of search ``words``) with each occasion the catalogue has none of for
        its type and wearer read as the one that stands in for it (:meth:`occasion_stand_ins`), as the API, the
        catalogue page and its notices rank by it: "wedding shoes for men" listed all 4,217 men's shoes with no
        word why, a Nike sports shoe 2nd, where its formal shoes now lead (said by :meth:`reading_notes`)."""
        stood = self.occasion_stand_ins(parsed, words)
        if not stood:
            return parsed
        return {**parsed, "usage": list(dict.fromkeys(stood.get(u, u) for u in parsed["usage"]))}

    def _kind_named(self, usage: str) -> np.ndarray:
        """(n,) bool, the products of a kind ``usage``'s look takes by their names
        (:func:`~fashionrec.occasions.kind_named`), kept per usage with the items' other per-row tables
        (``_codes``, reset when the items change): two regexes over 40k names each search would repeat."""
        key = ("kind_named", usage)
        if key not in self._codes:
            names = self.items.get("productDisplayName", pd.Series("", index=self.items.index))
            self._codes[key] = kind_named(names, self.items["articleType"], usage)
        return self._codes[key]

    def _as_meant(self, query: str) -> str:
        """``query`` for the text model to read: a colour named with a child's age word ("baby pink", "baby blue")
        as the catalogue's colour; a sport's kit the vocabulary lacks as "sports kit". The model read "baby" as a
        child: "baby pink top" listed three Doodle "Girl" tops (a kids' brand, filed as women's) first, where "pink
        top" lists women's tops (a code review, stop 61)."""
        sport = self._unknown_sport(query)
        if sport:
            # A kit of a sport SPORT_KITS lacks (_sport_kit) as a sports kit: the model put "kabaddi" near
            # "Kalenji", and "kabaddi kit" listed six Kalenji sports shoes, no kit (stop 70).
            query = re.sub(rf"\b{re.escape(sport)}\b", "sports", query, count=1, flags=re.IGNORECASE)
        for key, phrase, values in self._attribute_phrases(query):
            # Split at hyphens too: "baby-pink top" is the phrase "baby-pink", whose "baby" the model read as a child.
            if key == "baseColour" and set(re.split(r"[\s-]+", phrase)) & _CHILD_AGES:
                said = r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", phrase)))
                query = re.sub(rf"\b{said}\b", values[0].lower(), query, flags=re.IGNORECASE)
        # An occasion's word the text model has no word for as the usage it means: "mufti shirt" (Indian English
        # for off-duty clothes) listed "Mura" and "Multicoloured" shirts, the model reading its letters (stop 75).
        query = re.sub(r"[a-z]+", lambda w: _usage_unread().get(w[0].lower(), w[0]), query, flags=re.IGNORECASE)
        # A type for a word the search reads as nothing, as the words say it in a row: the model read "bag for
        # college" as the brand "Be For Bag" (its "for" and "bag"), whose handbags led it; "college bag" leads
        # with backpacks (stop 74). Not a word read as a wearer, occasion or person ("shirt for men").
        what = re.fullmatch(r"\s*([a-z]+)\s+for\s+(?:an?\s+|the\s+)?([a-z]+)\s*", query, flags=re.IGNORECASE)
        if (what and any(self._vocabulary()["types"].types(w) for w in search_words(what[1]))
                and what[2].lower() not in STOP_WORDS
                and not self.parse_query(what[2]) and not people_named(what[2])):
            query = f"{what[2]} {self._as_names_say(what[1].lower())}"
        return query

    def _as_names_say(self, word: str) -> str:
        """``word`` (a type's word, lower case), or its singular where more product names say that: the model
        compares the query with the names. "bags for college" read as "college bags" met the "Be For Bag" brand's
        "... Tote Bags" (5 of the API's first ten, stop 75), where "college bag" (558 names say "bag", 45 "bags")
        lists backpacks and laptop bags; "sunglasses" (940 names to "sunglass"'s 36) stays as typed."""
        one = singular(word)
        if one == word:
            return word
        words = self._words()
        return one if words.names_saying(one) > words.names_saying(word) else word

    def _unknown_sport(self, query: str) -> str | None:
        """The sport of a kit ``query`` names that :data:`~fashionrec.vocabulary.SPORT_KITS` lacks, as typed
        ("kabaddi" of "kabaddi kit", read as the Sports usage by :meth:`_sport_kit`); None where it names none."""
        return next((phrase.split()[0] for key, phrase, _ in self._attribute_phrases(query)
                     if key == "usage" and phrase not in self._vocabulary()["usage"]), None)

    def _kit_pieces(self, query: str) -> list[np.ndarray] | None:
        """Per piece of a kit (:data:`KIT_PIECES`), its rows, for :meth:`search_text` to list them taking turns
        where ``query`` names a kit of a sport the vocabulary lacks; None otherwise (or without subCategory). Read
        as "sports kit" by meaning, "kabaddi kit", "archery kit" and "surfing kit" listed the same ten, five of them
        sports shoes (stop 70's gap); a kit is a top, a bottom and shoes."""
        if "subCategory" not in self.items or not self._unknown_sport(query):
            return None
        return [self._is("subCategory", piece) for piece in KIT_PIECES]

    def _part_rows(self, parts: list[str]) -> list[np.ndarray]:
        """Per part of a query for several types (its :meth:`_type_parts`), the rows of its types, for its own
        wearer where parts name their own (:func:`_own_wearers`), for :meth:`search_text` to list them taking
        turns: "watch and sunglasses for men" listed men's sunglasses alone, closer in meaning than watches."""
        own = _own_wearers(parts)
        out = []
        for part in parts:
            matches = self._matches(self.parse_query(part))
            out.append(matches["articleType"] & matches["gender"] if own and "gender" in matches
                       else matches["articleType"])
        return out

    def _kinship(self, asked: list[str], rows: np.ndarray) -> np.ndarray:
        """(n,) float32: for the rows ``rows`` ((n,) bool) keeps, how well each one's type stands in for the
        nearest of ``asked`` (:func:`_type_kinship`); 0 elsewhere. Per distinct type, not per row."""
        codes, index = self._value_index("articleType")
        values = list(index)                                    # in code order
        per_value = np.zeros(len(values) + 1, np.float32)       # code -1 (no type): the last, 0
        for code in np.unique(codes[rows]):
            if code >= 0:
                per_value[code] = max(_type_kinship(a, values[code]) for a in asked)
        return np.where(rows, per_value[codes], np.float32(0))

    def _seen_otherwise(self, asked: list[str]) -> np.ndarray:
        """(n,) bool: products the tagger sees surely (:meth:`_sure_of_colour`) as a colour not near any of
        ``asked`` (:func:`colours.nearness`); none where no colour is asked or the index keeps no predictions.
        Their labels are the catalogue's ("Nike Women White and Red Sneakers", a coral shoe filed White, led
        "white sneakers for women"), so they stay, after the products that look the colour."""
        sure = self._sure_of_colour()
        if not asked or sure is None:
            return np.zeros(len(self.items), bool)
        return sure & ~self._near_asked("pred_baseColour", asked, none=True)      # none: last

    def _near_asked(self, column: str, asked: list[str], none: bool) -> np.ndarray:
        """(n,) bool: rows whose ``column`` colour is one of ``asked`` or near one (:func:`colours.nearness`);
        ``none``: what a row without one reads as."""
        codes, index = self._value_index(column)
        values = list(index)
        # A colour without a swatch ("Multi") is near nothing but itself.
        return np.append((colours.nearness(asked, values) > 0) | np.isin(values, asked), none)[codes]

    def _after_its_tier_for(self, asked: list[str]) -> np.ndarray:
        """(n,) bool: products that go after the others of their tier for the colour ``asked``: of those filed as it
        (or a colour near it), the ones seen surely otherwise (:meth:`_seen_otherwise`); of the rest, filed as
        another colour or with no colour on file, all but the ones the tagger sees surely as it (or a colour near
        it). Before, the second were only those seen surely as another colour, so where a small shop's red dresses
        ran out a grey dress the tagger was unsure of came before its pink dresses, seen surely pink, for "red
        dress" (a new user's trial, stop 63). Of the first, the ones whose name says another colour than the one
        asked for too (:meth:`_named_against`), unless the tagger sees them surely as it: the photo and the label
        agree. Where the index keeps no colour predictions, those and :meth:`_seen_otherwise`'s; where the
        catalogue has no colours, :meth:`_seen_otherwise`'s alone."""
        seen = self._seen_otherwise(asked)
        if not asked or "baseColour" not in self.items:
            return seen
        filed = self._near_asked("baseColour", asked, none=False)
        named = filed & self._named_against(asked)
        sure = self._sure_of_colour()
        if sure is None:
            return seen | named
        looks = sure & self._near_asked("pred_baseColour", asked, none=False)
        # Filed otherwise, a name that says the colour asked stands where the photo does not belie it ("Quechua Red
        # Sipper", filed Purple, is red; "FNF Multi Coloured Sari", filed White, for "multicolour saree").
        says = self._named_as(asked) & ~seen
        return np.where(filed, seen | (named & ~looks), ~(looks | says))

    def _named_against(self, asked: list[str]) -> np.ndarray:
        """(n,) bool: products whose name says another colour than their label (the rule
        :meth:`~fashionrec.recommend.Recommender.colourways` and looks keep, ``_named_otherwise``: only colours
        not near it, or many colours) and no colour near one of ``asked`` (:meth:`_named_as`). "Global Desi Women
        Multi Coloured Kurta", filed Red, led "red kurta" (a shopper's trial, stop 64)."""
        return self._named_otherwise() & ~self._named_as(asked)

    def _named_as(self, asked: list[str]) -> np.ndarray:
        """(n,) bool: products whose name (``_named_colours``) says one of ``asked`` or a colour near one, or for
        "Multi" many colours. The colours near those asked once (a few dozen labels), then their rows
        (``_named_rows``; a nearness per row was 6 ms a query)."""
        out = np.zeros(len(self.items), bool)
        index = self._named_rows()
        if not asked or not index:
            return out
        for colour, near in zip(index, colours.nearness(asked, list(index)), strict=True):
            if near > 0 or colour in asked:
                out[index[colour]] = True
        return out

    def _sure_of_colour(self) -> np.ndarray | None:
        """(n,) bool, per version of the items: the tagger's colour of the product's photo has
        :data:`~fashionrec.colours.SEEN_CONFIDENT` or more of its probability (an object column to floats is
        1 ms, too much for every query); None where the index keeps no colour predictions."""
        if not {"pred_baseColour", "pred_baseColour_prob"} <= set(self.items.columns):
            return None
        key = ("seen", "confident")
        if key not in self._codes:
            self._codes[key] = self._column("pred_baseColour_prob").astype(float) >= colours.SEEN_CONFIDENT
        return self._codes[key]

    def _near_colour(self, asked: list[str]) -> np.ndarray:
        """(n,) float32: per row, how near its colour looks to the nearest of ``asked`` (:func:`colours.nearness`),
        0 for all when none is asked; computed per distinct colour, not per row."""
        if not asked or "baseColour" not in self.items:
            return np.zeros(len(self.items), np.float32)
        codes, index = self._value_index("baseColour")
        per_value = np.append(colours.nearness(asked, list(index)), np.float32(0))    # code -1 (none): the last
        return per_value[codes]

    def _parsed(self, query: str) -> tuple[str, list[str], list[list[str]], dict[str, list[str]]]:
        """(``query`` without what it leaves out, its search words, what it leaves out, :meth:`parse_query` of
        it with the types a weather word means), folded (:func:`~fashionrec.word_search.fold`): full-width
        "Ｊｅａｎｓ" found nothing by meaning, where the word search finds 609 jeans (a code review)."""
        query, negated = self._negation(fold(query))
        words = search_words(query)
        if negated and not words:     # "not blue" alone: everything else, by no meaning
            query = ""
        parsed = self.parse_query(query)
        meant = self._weather_alone(words) or self._gift_alone(words)
        if meant:
            parsed["articleType"] = meant
        return query, words, negated, self.read_occasion(parsed, words)

    def _matches(self, parsed: dict[str, list[str]], odd_too: bool = False) -> dict[str, np.ndarray]:
        """Per attribute a query names (its :meth:`_parsed`), the rows that have it; ``odd_too``: also the
        products filed under a wearer their type is hardly ever for (a wearer is chosen as a filter)."""
        # A label styles.csv leaves empty counts as the tagger's for it: "grey sports shoes" missed a grey
        # sports shoe with no articleType (a shop's trial; the tagger said Sports Shoes 0.99).
        matches = {key: self._is(f"label:{key}", parsed[key])
                   for key in ("articleType", "baseColour", "gender", "usage", "season") if key in parsed}
        children = _children_asked(parsed)
        if children:
            # For a child, a unisex product only if it is a child's ("bra for girls" listed grown-ups'
            # unisex swimming caps and T-shirts), and a child's product however it is filed ("Levis Kids ..."),
            # unless named for the other ("jacket for girls": "Palm Tree Kids Boys Solid White Jackets", filed
            # as men's, said to match the gender).
            matches["gender"] = np.logical_or.reduce([self._worn_by(child) for child in children])
        if "articleType" in matches and "gender" not in matches and not odd_too:
            # Asked for by type alone, a product filed under a wearer its type is hardly ever for is not taken
            # to be of it (:meth:`_odd_wearers`: the one men's Heels is "... Men Black Leather Casual Shoes").
            matches["articleType"] = matches["articleType"] & ~self._odd_wearers()
        return matches

    def _season_absent(self, parsed: dict[str, list[str]], kinds: str) -> str | None:
        """The sentence for a season ``parsed`` names beside a type where the catalogue files none of that type
        (its wearer's, where it names one) under it, though it has the type: "winter jacket for women" listed
        women's jackets all filed Summer without a word (stop 77, h77text). ``kinds`` the types as said. None
        otherwise (a season alone, or one some of them are filed under)."""
        if not parsed.get("season") or not kinds or "season" not in self.items:
            return None
        matches = self._matches(parsed)
        kind = matches["articleType"] & matches.get("gender", True)
        if not kind.any() or (kind & matches["season"]).any():
            return None
        counts = {s: int((kind & self._is("label:season", [s])).sum()) for s in self.filter_values().get("season", [])}
        filed = [s for s, n in sorted(counts.items(), key=lambda c: -c[1]) if n]
        wearers = " or ".join(g.lower() for g in parsed.get("gender", []) if g != "Unisex")
        said = (", ".join(filed[:-1]) + " or " + filed[-1]) if len(filed) > 1 else "".join(filed)
        return (f"No {kinds}{f' for {wearers}' if wearers else ''} are filed {' or '.join(parsed['season'])}; "
                f"these are those filed {said or 'under no season'}.")

    @staticmethod
    def _absent(matches: dict[str, np.ndarray]) -> bool:
        """Whether a query names a type and a wearer and no product is both."""
        return ("articleType" in matches and "gender" in matches
                and not (matches["articleType"] & matches["gender"]).any())

    def reading_notes(self, query: str, filters: dict | None = None, listed: str | None = None) -> list[str]:
        """What a text search of ``query`` reads otherwise than its words say, in a shopper's words, for the
        catalogue page, the API's ``note`` and the CLI to say; [] where nothing is. A colour the catalogue
        files under another name ("rose gold watch" showed its Rosegold watches as "Copper" without a word why,
        a shopper's trial), and a brand named with a type it has none of ("pepe jeans tshirt" listed Pepe Jeans'
        jeans, "nike jeans" other brands' jeans, neither saying the brand has none).

        >>> rec.reading_notes("rose gold watch")       # doctest: +SKIP
        ["The catalogue files 'rose gold' as Copper: Copper products are listed for it, those named 'rose gold' first."]

        Under ``filters`` choosing another colour, the colour is not said: "rose gold watch" under Colour: Black
        listed black watches beneath "Copper products are listed for it" (a shopper's trial of stop 62).

        ``listed``: what the caller lists instead where the catalogue has none of what a note names, as a clause
        ("these are the 96 closest matches by meaning"), said once by that note. The catalogue page said "The
        catalogue has no Pepe Jeans Tshirts: these are other brands'." and then "No product has every word of
        'pepe jeans tshirt' in its details; these are the 96 closest matches by meaning." (a shopper's trial of
        stop 62): with ``listed``, "The catalogue has no Pepe Jeans T-shirts; these are the 96 closest matches
        by meaning, from other brands." Whether a note took it: ``listed in note``.
        """
        positive, _, _, parsed = self._parsed(query)
        chosen = (filters or {}).get("baseColour")
        chosen = {c.casefold() for c in ([chosen] if isinstance(chosen, str) else chosen or ())}
        notes: list = []
        # Only the stand-ins the wearer asked for (or chosen) has: "mens suit" named Kurta Sets and Salwar and
        # Dupatta, women's types of which not one was listed (a shopper's trial, stop 72).
        worn = self._mask({k: v for k, v in (filters or {}).items() if k == "gender"} or None)
        if parsed.get("gender"):
            worn = self._is("gender", parsed["gender"]) & (True if worn is None else worn)
        for word, stand_ins in self.stand_ins(query).items():
            if worn is not None:
                stand_ins = [t for t in stand_ins if (self._is("articleType", t) & worn).any()] or stand_ins
            # The page's, and now the API's too (its note said nothing of kurtas listed for "sherwani"). Not "these
            # are the closest types": a page's notice of what it lists followed it, both "these are ..." (a stop
            # 63 trial: "gucci tuxedo").
            # "Blazers, Kurta Sets, Salwar and Dupatta, and Waistcoat": a type's name may have an "and".
            joined = (", ".join(stand_ins[:-1]) + ("," if len(stand_ins) > 2 else "") + " and " + stand_ins[-1]
                      if len(stand_ins) > 1 else stand_ins[0])
            notes.append(f"The catalogue has no {word!r} as such; its closest types are listed for it: {joined}.")
        types = parsed.get("articleType")
        phrases = self._attribute_phrases(positive)
        words = self._vocabulary()["types"]
        for typed, read in occasion_words_read(self._typed_positive(query), words):
            # Said as an occasion word is ("this reads 'office' as Formal"): "groom" said nothing over a wedding's
            # men's clothes, "black tie event" "No product has every word" over formal shoes, and "jacket for
            # monsoon" "The catalogue has no monsoon jackets" over the 7 rain jackets (stop 75).
            meant = self.parse_query(read)
            wearers = " or ".join(g.lower() for g in meant.get("gender", []) if g != "Unisex")
            # With the colour it keeps: "little black dress" as black dresses (stop 76).
            colour_said = " or ".join(c.lower() for c in meant.get("baseColour", []))
            # A phrase for many types as read ("gift hamper" as gift sets, not five kinds of sets), as
            # absent_together says a word for many types as typed.
            read_types = meant.get("articleType", [])
            types_said = said_types(read_types) if len(read_types) <= 2 else plural(read)
            said = (" ".join(filter(None, (colour_said, types_said))) if "articleType" in meant
                    else " or ".join(meant.get("usage", [])) or read)
            usage = "articleType" not in meant and "usage" in meant
            notes.append(((f"{OCCASION_READ} this" if usage else "This")
                          # a wearer said once: "reads 'college girl' as women", not "as women, for women"
                          + f" reads {typed!r} as {said}" + (f", for {wearers}" if wearers and wearers != said else ""),
                          ".", "."))
        occasion = self.occasions_read(query, filters, kits=False)     # a kit's pieces are no occasion's
        if occasion and not any(isinstance(n, tuple) and n[0].startswith(OCCASION_READ) for n in notes):
            # An occasion word alone, as "groom" is said: the API said nothing of "office" or "diwali", where the
            # page said "this reads 'office' as Formal" in a notice of its own (stop 75, h75msg).
            notes.append(occasion + ".")
        for key, phrase, values in phrases:
            # A shop's own name for a Kaggle type, said: "blue jeans for women" listed the shop's Denim without a
            # word of why (its words reach it since stop 64, TypeWords.renamed).
            mine = words.renamed_as(phrase) if key == "articleType" else None
            if mine and mine in values:
                notes.append(f"{phrase!r} reads as {mine}, this shop's type for them.")
        # A word that stands for many types as the shopper typed it: "The catalogue has no Levis casual shoes or
        # flats or formal shoes or heels or sports shoes" for "levis shoes" (a stop 63 trial). In the plural, as
        # said_types says labels: "wine bag for men" said "has no Burgundy bag for men" (a code review).
        kinds = (" or ".join(plural(p) for k, p, _ in phrases if k == "articleType")
                 if types and len(types) > 2 else "")
        kinds = kinds or (said_types(types) if types else "")
        for asked, stand in self.occasion_stand_ins(self.parse_query(positive),
                                                             search_words(positive)).items():
            # Said where it is read so: "wedding shoes for men" listed every men's shoe without a word (stop 73).
            word = next((p for k, p, v in phrases if k == "usage" and asked in v), asked.lower())
            wearers = " or ".join(g.lower() for g in parsed.get("gender", []) if g != "Unisex")
            notes.append(f"The catalogue has no {asked} {kinds or 'products'}{f' for {wearers}' if wearers else ''}, "
                         f"so {word!r} reads as {stand}: those filed under {stand} are listed first, then those "
                         f"whose names say a kind a {stand.lower()} look takes.")
        season_said = self._season_absent(parsed, kinds)
        if season_said:
            notes.append(season_said)
        for key, phrase, values in phrases:
            if key == "baseColour" and _renamed(phrase, values[0]) and (not chosen or values[0].casefold() in chosen):
                files = f"The catalogue files {phrase!r} as {values[0]}"
                matches = self._matches(parsed)
                kind = matches["baseColour"] & matches.get("articleType", True)
                if types and not kind.any():
                    # "wine dress" said "Burgundy products are listed for it" over 96 dresses none of them
                    # Burgundy (the catalogue has none; the CLI said "none of these has baseColour Burgundy" beside
                    # it): said as it is.
                    notes.append((f"{files} and has no {values[0]} {kinds}", "."))
                    continue
                if "gender" in matches and not (kind & matches["gender"]).any():
                    wearers = [g.lower() for g in parsed["gender"] if g != "Unisex"]
                    # "unisex wine watch" said "has no Burgundy watches for anyone" beside the women's it has (a
                    # code review): the unisex ones are those it has none of.
                    notes.append((f"{files} and has no {'' if wearers else 'unisex '}{values[0]} "
                                  f"{kinds or 'products'}" + (f" for {' or '.join(wearers)}" if wearers else ""),
                                  "."))
                    continue
                spaced = phrase.replace("-", " ")      # "rose-gold" as "rose gold"
                toned = spaced in colours.TONES or spaced in {t.replace(" ", "") for t in colours.TONES}
                notes.append(f"{files}: {values[0]} products are listed for it"
                             + (f", those named {phrase!r} first." if toned else "."))
        for key, phrase, _ in phrases:
            said = tuple(search_words(phrase))
            if key == "articleType" and said in _WIDE_PHRASES and not self._words().mask(list(said)).any():
                # A kind of a type no name says ("maxi dress", "jogging shoes"): its type is listed, not the kind,
                # where the page had said "The catalogue has no maxi dresses" (stop 67).
                notes.append(f"No product is named {phrase!r}: the catalogue's {said_all(list(_WIDE_PHRASES[said]))} "
                             "are listed for it, the closest in meaning first.")
        typed = _query_words(positive)
        ages = [w for w in typed if singular(norm(w)) in _CHILD_AGES]
        if _ages_are_a_childs(ages, [norm(w) for w in typed if singular(norm(w)) not in _CHILD_AGES], parsed):
            # Read as a child's age, not a name's word: the page listed 88 children's products for "baby" without a
            # word why, where the catalogue names wallets "Baby Purple" (a shopper's trial, stop 62).
            notes.append(f"{ages[0]!r} is read as a child's age: children's products are listed, not every product "
                         f"named with the word.")
        grown = self.grown_up_reading(positive) if types else {}
        if grown:
            # As the catalogue page says it (where it searches the grown-up's words and says so in a notice of its
            # own): the API answered "heels for girls" with women's heels and no word why.
            # First, as the page says it (before the notes of what it reads in the grown-up's words): the API said
            # the colour note of "wine heels for boys" first, the page this one (a code review).
            said = " and ".join(f"{word!r} as {gender.lower()}" for gender, word in grown.items())
            notes.insert(0, f"The catalogue has no {kinds} for children, so this reads {said}.")
        sport = self._unknown_sport(positive)
        if sport and not self._words().mask(search_words(sport)).any():
            # "kabaddi kit" listed the same sportswear as "archery kit", said on the page only as "the closest
            # matches by meaning" and in the API not at all (stop 70's gap): what it is, said.
            notes.append((f"The catalogue has nothing made for {sport}",
                          ": its sportswear is listed for it, a top, a bottom and shoes in turn.",
                          ", from its sportswear: a top, a bottom and shoes in turn."))
        brand = self._brand_named(positive)
        if types and brand.any() and not (brand & self._is("label:articleType", types)).any():
            # Said once where the page says what it lists ("these are ..." twice, a shopper's trial of stop 62).
            notes.append((f"The catalogue has no {' or '.join(self._brand_names(brand, positive))} "
                          f"{kinds}", "; these are other brands'.", ", from other brands."))
        said = search_words(positive, stem=False)
        # Words read otherwise, said by a note above: a phrase's ("bodycon dress", "kabaddi kit"), a stand-in's, an
        # outfit set's ("kurta pajama").
        read = {w for _, phrase, _ in phrases for w in search_words(phrase, stem=False)} | set(self.stand_ins(query))
        unknown = [w for w in dict.fromkeys(said) if w not in read and not self._words().readable(w)]
        if unknown and len(unknown) < len(said) and not outfit_set(search_words(positive)):
            # A word no product has, of no language the text model knows, and no misspelling (a brand the catalogue
            # lacks): "gucci bag" said only "No product has every word of 'gucci bag'" over 96 bags "by meaning",
            # as if they were Gucci's (stop 73).
            notes.append((f"No product in the catalogue is named {' or '.join(map(repr, unknown))}", ".", "."))
        # A note of what the catalogue has none of: (its words, its end alone, its end after ``listed``). The last
        # such note says ``listed``; one before it ends where it would have said it.
        last = max((i for i, n in enumerate(notes) if isinstance(n, tuple)), default=None) if listed else None
        return [n if isinstance(n, str) else n[0] + (f"; {listed}{n[-1]}" if i == last else n[1])
                for i, n in enumerate(notes)]

    def occasions_read(self, query: str, filters: dict | None = None, kits: bool = True) -> str | None:
        """How ``query``'s occasion words read where it names no type ("The catalogue files products by usage, not
        occasion: this reads 'office' as Formal", no full stop, for the page to go on); None where it names a type
        or none of :data:`~fashionrec.vocabulary.USAGE_WORDS`, or ``filters`` choose a type or usage (the page's
        own notice until stop 76). ``kits``: a sport's kit too ("football kit" as Sports), as the page says it."""
        if {"usage", "articleType"} & set(filters or {}):
            return None
        _, words, _, parsed = self._parsed(query)
        occasions = [w for w in _occasions_typed(words) if kits or w not in SPORT_KITS]
        if "articleType" in parsed or not occasions:
            return None
        read = " and ".join(f"{w!r} as {USAGE_WORDS[w]}" for w in occasions)
        return f"{OCCASION_READ} this reads {read}"

    def _brand_names(self, brand: np.ndarray, query: str) -> list[str]:
        """The brands of the rows ``brand`` as their names spell them, in two words where ``query`` names them so
        ("Pepe Jeans", "Red Tape"), else in one ("Nike")."""
        names = self.items["productDisplayName"].fillna("").astype(str)[brand]
        pairs = {" ".join(p) for p in itertools.pairwise(_query_words(query))}
        out = []
        for _, group in names.groupby(self._brand_tables()[0][brand], sort=False):
            heads = group.map(lambda n: " ".join(n.split()[:2]))
            head = heads.mode().iloc[0]
            out.append(head if " ".join(_query_words(head)) in pairs else head.split()[0])
        return list(dict.fromkeys(out))

    def absent_kind(self, query: str) -> tuple[list[str], list[str], bool] | None:
        """(types, wearers, unisex) where ``query`` names types and wearers and the catalogue has no product of
        those types for those wearers ("jacket for boys"), for a page to say so; else None. ``unisex``: for a
        child, :meth:`search_text` lists the grown-ups' unisex products of those types (:meth:`_anyones`);
        else the wearer's products of their groups, closest in meaning."""
        parsed = self._parsed(query)[3]
        matches = self._matches(parsed)
        if not self._absent(matches):     # as search_text reads it
            return None
        wearers = [g for g in parsed["gender"] if g != "Unisex"] or parsed["gender"]
        return parsed["articleType"], wearers, self._anyones(parsed, matches) is not None

    def absent_combination(self, query: str) -> str | None:
        """The colour, type and wearer ``query`` names together, as a sentence says them ("gold jeans", "navy
        blue kurtas for men"), where the catalogue has none with all of them though it has each; None where it
        has some, or the query names no type and something else, or :meth:`absent_kind` says it (a type it has
        for no such wearer). The page said "No product has every word of 'gold jeans'" and the API nothing but
        its ``unmatched`` (a stop 63 trial)."""
        parsed = self._parsed(query)[3]
        matches = self._matches(parsed)
        keys = [k for k in ("baseColour", "articleType", "gender") if k in matches]
        if "articleType" not in matches or len(keys) < 2 or self._absent(matches):
            return None
        if np.logical_and.reduce([matches[k] for k in keys]).any() or not all(matches[k].any() for k in keys):
            return None
        colour = " or ".join(c.lower() for c in parsed.get("baseColour", []))
        wearers = " or ".join(g.lower() for g in parsed.get("gender", []) if g != "Unisex")
        kind = (f"{colour} " if colour else "") + said_types(parsed["articleType"])
        return kind + (f" for {wearers}" if wearers else "")

    def absent_together(self, query: str) -> str | None:
        """What ``query`` names together that no product has, as a sentence begins where :meth:`absent_kind`
        and :meth:`absent_combination` say nothing: two types ("kurta pajama": "No product is named both
        'kurta' and 'pajama'"), or a type and words no parsed attribute reads ("denim jacket": "The catalogue
        has no denim jackets"). None where a product has every word, or a word is in no product (a spelling,
        not a combination), or the query names a colour, usage or season (said by the other two); a wearer's word
        beside a cloth and a type is said after them ("denim jacket men": "... no denim jackets for men"). Both
        listed other kurtas and jackets by meaning with no note in the API and a page note that read as a
        spelling at fault (a stop 65 helper's trial)."""
        words = list(dict.fromkeys(_kinds_alone(search_words(query))))
        if len(words) < 2 or self.browse(None, query, limit=0)[0]:
            return None
        if occasion_words_read(self._typed_positive(query), self._vocabulary()["types"]):
            # Words read as another thing, said by reading_notes: "jacket for monsoon" is the 7 rain jackets, not
            # "no monsoon jackets" (stop 75).
            return None
        parsed = self.parse_query(query)
        # A wearer's word beside a cloth and a type is said after them: "denim jacket men" said "No product has
        # every word" over men's ADIDAS jackets where "denim jacket" said the catalogue has none (stop 74).
        wearer_words = [w for w in words if genders_named(w) and set(self.parse_query(w)) == {"gender"}]
        if outfit_set(words) and not wearer_words:
            parsed.pop("gender", None)      # the set's wearer, not one the query names
        wearers = [g.lower() for g in parsed.pop("gender", []) if g != "Unisex"] if wearer_words else []
        words = [w for w in words if w not in wearer_words]
        if len(words) < 2 or set(parsed) != {"articleType"} or not all(self.browse(None, w, limit=0)[0] for w in words):
            return None
        read = {w: self.parse_query(w) for w in words}
        typed = [w for w in words if "articleType" in read[w]]
        others = [w for w in words if not read[w]]
        # Said as typed, not as searched: "jeans jacket" said 'jean'.
        as_typed = {singular(w): w for w in search_words(query, stem=False)}
        # A phrase searched as one word, as its words: "rainy season jacket" said "no rainyseason jackets" (stop 75).
        as_typed.update({key: " ".join(said) for said, key in PHRASES.items() if key not in as_typed})
        if len(typed) == 2 and len(words) == 2 and not wearers:
            first, second = (as_typed.get(w, w) for w in typed)
            return f"No product is named both {first!r} and {second!r}"
        if len(typed) == 1 and len(others) == len(words) - 1:
            cloth = " ".join(as_typed.get(w, w) for w in others)
            # A word for many types as typed, as reading_notes says one: "bag for college" said "The catalogue has
            # no college backpacks or clutches or duffel bags or handbags or ..." of eleven types (stop 73, a
            # shopper's trial), now "no college bags".
            types = read[typed[0]]["articleType"]
            kind = plural(as_typed.get(typed[0], typed[0])) if len(types) > 2 else said_types(types)
            return f"The catalogue has no {cloth} {kind}" + (f" for {' or '.join(wearers)}" if wearers else "")
        return None

    def _anyones(self, parsed: dict[str, list[str]], matches: dict[str, np.ndarray]) -> np.ndarray | None:
        """(n,) bool: for a query for children of a type the catalogue has fewer than :data:`FEW_FOR_A_CHILD`
        of for them, the type's unisex products for grown-ups, which follow the children's ("sunglasses for
        boys": 1 boys' pair, then 136 unisex ones); None where it has more, or fewer than
        :data:`ANYONES_MIN` of those (then a type it has none of gives way to the child's products of its
        group: "jacket for girls" listed one grown-up's unisex jacket, and nothing else), or the query is for
        a grown-up."""
        if not (_children_asked(parsed) and "articleType" in matches
                and (matches["articleType"] & matches["gender"]).sum() < FEW_FOR_A_CHILD):
            return None
        anyones = matches["articleType"] & self._is("gender", "Unisex") & ~self._childrens()
        return anyones if anyones.sum() >= ANYONES_MIN else None

    def grown_ups_for_a_child(self, query: str, ids: list[int]) -> set[int]:
        """The ids of ``ids`` that no child wears (:meth:`_worn_by`), where ``query`` asks for a child's products
        (a child's wearer word: "sports shoes for boys", as :meth:`_aside_for` reads it); none otherwise. The
        catalogue page says how many of its closest matches after a child's few word matches are (:meth:`_anyones`
        lists them): "sports shoes for boys" went on from its 15 with grown-ups' Unisex sports shoes, Puma Tornado
        and ADIDAS Adizero, unsaid (stop 69)."""
        wearers = set(self.parse_query(query).get("gender", []))
        if not ids or not wearers & {"Boys", "Girls"} or not wearers <= {"Boys", "Girls", "Unisex"}:
            return set()
        worn = self._worn_by("child")[self._rows(np.asarray(ids, np.int64))]
        return {i for i, child in zip(ids, worn, strict=True) if not child}

    def _aside_for(self, parsed: dict[str, list[str]], words: list[str], odd_too: bool = False) -> np.ndarray:
        """(n,) bool: the rows a query (its :meth:`parse_query` and :func:`search_words`) lists after the
        others of their tier: for a grown-up ("jeans for men"), the products named for children that the
        catalogue files as Men's or Women's ("Palm Tree Kids Boy Washed Blue Jeans" was 8th); for a dressy
        occasion, nightwear and innerwear (:data:`~fashionrec.vocabulary.NOT_FOR_OCCASION`); names that deny a
        word of it or name an imitation ("Non Leather", "Leatherette" for "leather wallet", close to it by
        meaning: :meth:`~fashionrec.word_search.WordSearch.denying`)."""
        aside = self._words().denying(words)
        wearers = set(parsed.get("gender", []))
        if wearers and wearers <= {"Men", "Women", "Unisex"}:
            aside |= self._childrens()
        elif wearers & {"Boys", "Girls"} and wearers <= {"Boys", "Girls", "Unisex"}:
            # For a child, the grown-ups' products its wearer word is found in ("party wear for girls": "Guess
            # Women Party Girl White Watch" 4th of 7, a shopper's trial).
            aside |= ~self._worn_by("child")
        elif not wearers:
            # Who a query names no one for is most often the shopper: "red dress for party" listed two girls'
            # dresses first. And a product filed under a wearer its type is hardly ever for is most likely
            # misfiled (:meth:`_odd_wearers`).
            aside |= self._worn_by("child") | (False if odd_too else self._odd_wearers())
        groups = {g for u in parsed.get("usage", []) for g in NOT_FOR_OCCASION.get(u, ())}
        types: set[str] = set()
        if "articleType" not in parsed:         # "summer jacket" asks for jackets
            for season in parsed.get("season", []):
                not_types, not_groups = NOT_FOR_SEASON.get(season, ((), ()))
                types |= set(not_types)
                groups |= set(not_groups)
        if groups and "subCategory" in self.items:
            aside |= self.items["subCategory"].isin(groups).to_numpy()
        if types:
            aside |= self.items["articleType"].isin(types).to_numpy()
        return aside

    def _odd_wearers(self) -> np.ndarray:
        """(n,) bool: the products filed under a gender that fewer than :data:`ODD_WEARER_SHARE` of their
        type's products have, for types of at least :data:`ODD_WEARER_MIN` products, children's aside."""
        if ("odd", "wearers") not in self._codes:
            it = self.items
            typed = it.groupby("articleType")["gender"]
            share = it.groupby(["articleType", "gender"])["id"].transform("size") / typed.transform("size")
            # Not a child's product: its filing (Unisex for "Levis Kids Blue Solid Jean") is any child's, not a
            # misfiling, and the children's products have rules of their own (_aside_for). Taken for odd, the
            # two Levis Kids jeans were no jeans, and "levis jeans" listed other brands' jeans before them (a
            # text-search trial).
            self._codes[("odd", "wearers")] = ((share < ODD_WEARER_SHARE)
                                               & (typed.transform("size") >= ODD_WEARER_MIN)).to_numpy() \
                & ~self._childrens()
        return self._codes[("odd", "wearers")]

    def _weather_word(self, word: str) -> bool:
        """A search word that names weather: a :data:`~fashionrec.vocabulary.WEATHER_WORDS` key, a warmth
        word ("cosy") or the catalogue's winter season ("winter")."""
        seasons = self._vocabulary()["season"]
        winter = seasons.get("winter")
        return word in WEATHER_KEYS or word in WARMTH_WORDS or (winter is not None and seasons.get(word) == winter)

    def _weather_alone(self, words: list[str]) -> list[str] | None:
        """The types a query (its :func:`search_words`) means when it names weather and nothing else but
        who, what colour or what occasion ("winter wear for men", "something warm", "monsoon", "winter"):
        clothes for the cold (:data:`~fashionrec.vocabulary.COLD_WEATHER`) or for the rain, not the
        catalogue's Winter season, mostly watches, sunglasses and heels (a lone "winter" listed 7 pairs of
        sunglasses and 3 watches). None when it says more ("winter boots", "rain jacket") or the catalogue
        has none of those types (then "winter" is its season)."""
        vocab = self._vocabulary()
        meant: set[str] = set()
        for w in words:
            if w in WEATHER_KEYS:
                meant.update(WEATHER_KEYS[w])
            elif self._weather_word(w):
                meant.update(WEATHER_KEYS[norm(COLD_WEATHER)])
            elif not (genders_named(w) or w in vocab["colours"] or w in vocab["usage"]):
                return None
        return sorted(meant & self._present_types()) or None

    def _gift_alone(self, words: list[str]) -> list[str] | None:
        """The types a query (its :func:`search_words`) means when it asks for a gift and names no type, only
        whom it is for, a colour, an occasion or words like "birthday" ("gift for my wife", "birthday present
        for dad"): :data:`~fashionrec.vocabulary.GIFT_TYPES`, which :meth:`search_text` and :meth:`browse` list
        taking turns. None for anything else ("watch for gift", "free gift")."""
        if "free" in words or not GIFT_WORDS & set(words):
            return None
        vocab = self._vocabulary()
        said = GIFT_WORDS | _GIFT_FILLERS | PEOPLE
        if any(not (w in said or w in vocab["colours"] or w in vocab["usage"]) for w in words):
            return None
        return sorted(set(GIFT_TYPES) & self._present_types()) or None

    def _present_types(self) -> frozenset[str]:
        """The article types the items have, per version of the items."""
        return self._once("_types_present", lambda: frozenset(self.items["articleType"].dropna()))

    def _gift_turns(self, rows: np.ndarray, rank: np.ndarray) -> np.ndarray:
        """``rows`` (sorted by ``rank``, highest first) with, within each rank, the gift types taking turns, in
        the order of each one's first row: a necklace, a fragrance set, earrings, a watch ..."""
        return _names_taking_turns(rows, rank, self._value_index("articleType")[0])

    def _by_meaning(self, query: str, sims: np.ndarray, min_similarity: float) -> np.ndarray:
        """Rows at least ``min_similarity`` similar to ``query``; none where no word of it is readable
        (:meth:`fashionrec.word_search.WordSearch.readable`: "qwzx" listed 36 Q&Q watches), unless every
        row is asked for (-1, the CLI's way to see the closest whatever they are)."""
        if min_similarity > -1 and not self._words().readable(query):
            return np.zeros(len(sims), bool)
        positive, negated = self._negation(query)
        words = search_words(positive)      # what it asks for, not what it leaves out
        if negated and not words:
            # "not black" alone asks for every product but those it leaves out (search_text's allowed), as the
            # catalogue page lists them: it listed nothing, no product being close in meaning to no words (a
            # review of the text search).
            return np.ones(len(sims), bool)
        close = sims >= min_similarity
        if words:
            # ... and those whose text has every word of it, whatever the text model makes of them: "no limits"
            # found nothing, its one product "Nike Fragrances Men No Limits Perfume" at cosine under the floor,
            # where the catalogue page lists it (a text-search trial).
            close = close | self._words().mask(words)
        return close

    def photo_copies(self, item_id: int) -> list[int]:
        """``item_id`` and the ids the catalogue lists the same photo under (embedded alike to the bit)."""
        groups = self._photo_groups()
        return [int(i) for i in self._ids[groups == groups[self._row[self._check_id(item_id)]]]]

    def _photo_groups(self) -> np.ndarray:
        """Per row, a number its copies share: the catalogue lists some photos under several ids, and
        :meth:`search_text` lists each photo once."""
        def build() -> np.ndarray:
            # Copies embed alike to the bit: two random directions tell them apart from other photos.
            with one_blas_thread:
                keys = np.asarray(self.embeddings, np.float32) @ np.random.default_rng(0).standard_normal(
                    (self.embeddings.shape[1], 2)).astype(np.float32)
            return np.unique(keys, axis=0, return_inverse=True)[1].reshape(-1)

        return self._once("_photo_group", build)

    def text_relevant(self, query: str, min_similarity: float, wearer_chosen: bool = False) -> np.ndarray:
        """Rows :meth:`search_text` with ``min_similarity`` can return for ``query`` (before its k): those of
        the type and the wearer it names, if it names them, that match a type, colour, gender, usage or
        season it names or are at least that similar to it. Counting these
        under a filter gives what that filter would show (up to k), as a catalogue page's filter lists do;
        ``wearer_chosen``: as :meth:`search_text` reads it under a gender filter (:meth:`_text_scores`). Never a
        product the shop hides, which no search returns: a search whose products were all hidden ("flip flops")
        read as found and filtered out, and the page said "No product matches 'flip flops' with the filters
        chosen" where none was chosen, where a word the catalogue never had says "Nothing ... matches" (stop 75)."""
        check_similarity(min_similarity)
        scores = self._text_scores(query, wearer_chosen)
        matches, sims, allowed = scores.matches, scores.sims, scores.allowed
        out = np.logical_or.reduce([self._by_meaning(query, sims, min_similarity), *matches.values()])
        out = out & ~self.hidden_rows()     # (a new array: a cached mask may be behind out)
        for key in ("gender",) if scores.gift else ("gender", "articleType"):     # as search_text reads a gift
            if key in matches:
                out &= matches[key]
        return out if allowed is None else out & allowed
