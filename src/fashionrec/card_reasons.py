"""What else tells a product's similar items apart on their cards, where their names say none of the traits
:data:`fashionrec.recommend.NAME_TRAITS` reads (stop 66: a graphic T-shirt's list said "Similar photo" on 11 of 12
cards, and so did shoes', sandals', perfumes' and earrings'): a rare word both names say, a graphic's theme (stop
67), another usage, another size or pack, another price, another collection of the catalogue. Each is read from the
catalogue's own columns and names, and said only where it differs from the source's (or, for a word, where both say
it; a theme, where the card's name says one, "Also" where the source's says it too)."""

from __future__ import annotations

import collections
import functools
import math
import re
from collections.abc import Iterable

from fashionrec.item_tables import price_of

# A word both names say (after the brand) that few of the catalogue's names say is a print's theme, a line's or a
# model's ("Superman", "Roshe", "Anusuya", "Mr.Busy"), which a shopper tells such products apart by; a word in many
# names is a kind of thing or a filler. Few: at most THEME_SHARE of the names of the card's type ("Shoes", "Flip",
# "Dial", "Handbag", "Earrings" are each in more: a small shop's too) and at most THEME_MOST in all ("Casual",
# "Polo", "of" are each in 300 or more of runs/index's 39,730 names); at least 2 (one product's own word tells
# nothing of two).
THEME_SHARE = 0.05
THEME_MOST = 200
# Only a word of letters (with . ' - inside: "Mr.Busy", "Anti-Fit"), three or more: not a size ("2"), not "&", not
# a model code's letters ("PL" of "PL12963JS-61").
_WORD = re.compile(r"[A-Za-z][A-Za-z.'-]+[A-Za-z]")
# The catalogue's usages as a card says one that is not the source's: a casual T-shirt's sports one "For sports".
USAGE_SAID = {"Sports": "For sports", "Casual": "Casual", "Formal": "Formal", "Ethnic": "Ethnic",
              "Party": "Party wear", "Smart Casual": "Smart casual", "Travel": "For travel", "Home": "For home"}
# A size a name says: a perfume's or a deo's volume ("Nautica Men Voyage 100 ml Perfume"), a pack's count ("Pack of
# 3 Socks"): 119 and 766 names of styles.csv.
_VOLUME = re.compile(r"\b(\d+(?:\.\d+)?)\s?ml\b", re.IGNORECASE)
_PACK = re.compile(r"\b(?:pack|set) of (\d+)\b", re.IGNORECASE)
# Prices further apart than this share of the source's are said ("Costs less"): a few rupees tell nothing.
PRICE_APART = 0.1
# A graphic's theme, read from the licence or the print its name says (the catalogue names a licensed print by it:
# "Mr.Men Men's Mr.Busy Navy T-shirt", "Superman Men's Action Navy T-shirt", "Billy Idol Men's Crew Navy T-shirt"):
# the other brands' navy graphic T-shirts of a Mr.Men T-shirt's list shared no word with it and said "Similar photo"
# 11 times of 12 (stop 66). Names of runs/index's 39,730 that say each (/tmp/h67alike/s/themes.py): cartoons 661 (385
# T-shirts), superheroes 139, football clubs 137, cricket teams 49, bands 34. Not a word that names other things
# too: "Kiss" and "Queen" (lipsticks, an eye shadow), "Woodstock" (a Wrangler line), "Matrix" (a hair care brand),
# "Princess", "Twilight".
PRINT_THEMES = {
    "cartoon print": ("mr.men", "mr. men", "little miss", "mickey", "minnie", "donald", "disney", "tweety", "garfield",
                      "chhota bheem", "bheem", "warner bros", "ben 10", "barbie", "dora", "madagascar", "jungle book",
                      "shrek", "pooh", "angry birds", "archie"),
    "superhero print": ("superman", "batman", "marvel", "dc comics", "spiderman", "avengers", "hulk", "captain america",
                        "green lantern", "dark knight", "joker"),
    "band print": ("rolling stone", "rolling stones", "billy idol", "beatles", "pink floyd", "nirvana", "linkin park",
                     "jimi hendrix"),
    "football club's": ("manchester united", "arsenal", "chelsea", "liverpool", "barcelona", "real madrid", "ac milan",
                        "bayern", "fifa"),
    "cricket team's": ("mumbai indians", "chennai super kings", "royal challengers", "delhi daredevils",
                       "rajasthan royals", "deccan chargers", "team india"),
}
_THEMES = [(theme, re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, words)) + r")(?![\w])", re.IGNORECASE))
           for theme, words in PRINT_THEMES.items()]


def name_words(name: str, brand: Iterable[str] = ()) -> list[str]:
    """The words of ``name`` after its ``brand``'s words, folded, each once, in order: ["mr.busy", "navy", "t-shirt"]
    of "Mr.Men Men's Mr.Busy Navy T-shirt" with brand ["Mr.Men"]."""
    words = name.split()[len(list(brand)):]
    return list(dict.fromkeys(w.casefold() for w in _WORD.findall(" ".join(words))))


def word_counts(names: Iterable[str], brands: Iterable[list[str]]) -> collections.Counter:
    """How many of ``names`` say each word after their brand (:func:`name_words`): the table
    :func:`shared_word` reads (0.1-0.2 s at 40k names), built once per version of the items."""
    counts: collections.Counter = collections.Counter()
    for name, brand in zip(names, brands, strict=True):
        counts.update(name_words(name, brand))
    return counts


def shared_word(mine: list[str], theirs: list[str], counts: collections.Counter, name: str,
                unsaid: frozenset[str], of_type: int) -> str | None:
    """The first of ``theirs`` (a card's :func:`name_words`) that ``mine`` (the source's) says too, in 2 or more of
    the catalogue's names (``counts``) and few (:data:`THEME_SHARE` of ``of_type``, the number of products of the
    card's type, and :data:`THEME_MOST`), not one of ``unsaid`` (colours, wearers' words, traits, which other
    reasons say); as ``name`` (the card's) types it: "Superman" of two Superman T-shirts."""
    own = set(mine)
    most = min(THEME_MOST, max(2, THEME_SHARE * of_type))
    for word in theirs:
        if word in own and 2 <= counts.get(word, 0) <= most and word not in unsaid:
            typed = re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", name, re.IGNORECASE)
            return typed.group(0) if typed else word
    return None


def theme_said(name: str, source_name: str) -> str | None:
    """The theme of a graphic ``name`` says (:data:`PRINT_THEMES`) as a card says it: "Superhero print" beside a
    Mr.Men T-shirt, "Also a cartoon print" beside another cartoon; None where its name says none."""
    theirs = _theme(name)
    if theirs is None:
        return None
    return f"Also a {theirs}" if _theme(source_name) == theirs else theirs[:1].upper() + theirs[1:]


@functools.lru_cache(maxsize=1 << 16)      # as _sizes: a similar-items query reads 13 names
def _theme(name: str) -> str | None:
    return next((theme for theme, pattern in _THEMES if pattern.search(name)), None)


def size_said(name: str, source_name: str) -> str | None:
    """The volume or the pack's count ``name`` says where ``source_name`` says another or none: "100 ml" beside a
    50 ml perfume, "Pack of 3" beside a single pair of socks."""
    for theirs, mine, said in zip(_sizes(name), _sizes(source_name), ("{} ml", "Pack of {}"), strict=True):
        if theirs and (not mine or float(mine) != float(theirs)):
            return said.format(theirs)
    return None


@functools.lru_cache(maxsize=1 << 16)      # a similar-items query reads 13 names; most come back
def _sizes(name: str) -> tuple[str | None, str | None]:
    volume, pack = _VOLUME.search(name), _PACK.search(name)
    return (volume.group(1) if volume else None, pack.group(1) if pack else None)


def usage_said(usage: object, source_usage: object) -> str | None:
    """How a card says its usage where it is not the source's (:data:`USAGE_SAID`): "For sports" of a sports
    T-shirt beside a casual one; None where either has none ("NA", missing) or they agree."""
    if usage == source_usage or source_usage not in USAGE_SAID:
        return None
    return USAGE_SAID.get(usage)        # type: ignore[arg-type]


def price_compared(item: dict, source: dict) -> str | None:
    """"Costs less" or "Costs more" where both have a price further apart than :data:`PRICE_APART` of the
    source's; None without prices (the Kaggle catalogue has none). Each read by
    :func:`~fashionrec.item_tables.price_of`, as the searches' orders read them: a column pandas read as text (one
    price edited by hand into items.csv, "call us") left every card without it (stop 67, a review)."""
    price, mine = price_of(item), price_of(source)
    if not math.isfinite(price) or not math.isfinite(mine) or mine <= 0:
        return None
    if abs(price - mine) <= PRICE_APART * mine:
        return None
    return "Costs less" if price < mine else "Costs more"


def collection_said(item: dict, source: dict) -> str | None:
    """The catalogue's collection (its season and year) a card is of where it is not the source's: "Winter 2015
    collection" beside a Summer 2012 heel; None where either lacks one."""
    theirs = _collection(item)
    mine = _collection(source)
    return f"{theirs} collection" if theirs and mine and theirs != mine else None


def _collection(item: dict) -> str | None:
    season, year = item.get("season"), item.get("year")
    if not isinstance(season, str) or not season.strip() or season == "NA":
        return None
    try:
        return f"{season.strip()} {int(float(year))}"
    except (TypeError, ValueError, OverflowError):      # no year, or none that is a number ("inf": stop 67, a review)
        return None
