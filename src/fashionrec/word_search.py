"""The catalogue search box: which products have every word of a query, and spellings to suggest.

A product's searchable text is its name, type, colour, gender, usage and season, case- and accent-free,
hyphens dropped. A query word matches a whole word of it or its plural ("jean" finds "jeans"; "car" not
"Carlton"); a word of :data:`PREFIX_MIN` letters or more also the start of a longer one ("analog" finds
"Analogue"). Everyday words for a type, a wearer or an occasion ("tee", "bag", "ladies", "kids", "office"; see
:mod:`fashionrec.vocabulary`) match the products of that type, gender or usage, checked against the columns
rather than written into every product's text.
"""

from __future__ import annotations

import collections
import math
import re
import threading
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process as rf_process
from rapidfuzz.distance import OSA, Indel, Levenshtein

from fashionrec.catalog import PLACEHOLDER_NAME
from fashionrec.colours import COLOUR_WORDS, TONES
from fashionrec.looks import MULTI, MULTI_NAME
from fashionrec.text_encoder import TEXT_FIELDS, english_words
from fashionrec.vocabulary import (
    CHILD_AGE_WORDS,
    DENYING_WORDS,
    GENDER_WORDS,
    IMITATIONS,
    SEASON_SYNONYMS,
    SPORT_KITS,
    USAGE_WORDS,
    WEATHER_KEYS,
    TypeWords,
    emoji_words,
    forms,
    join_phrases,
    join_qualified,
    norm,
    rows_after,
    rows_changed,
    singular,
)

# Query words a product's text never needs to contain: "jeans for women" means jeans and women.
# "ethnic wear for women" means ethnic and women; "something for a job interview" a job interview (no product
# name says something). "clothes", "clothing" and "outfit" are read as clothes (TextSearch._clothes_asked), not
# skipped alone: skipped alone, "clothes for men" listed watches too.
# "but": "white shirt but not formal" found nothing (no name says "but" of what it is).
STOP_WORDS = frozenset(["a", "an", "and", "the", "for", "with", "of", "in", "on", "to", "by", "from", "my", "me",
                        "i", "wear", "something", "anything", "some", "but",
                        # As "wear" (stop 67): "casual clothes" found no product by its words, no name saying
                        # "clothes"; text_search reads them as clothes (TextSearch._clothes_asked).
                        "clothes", "clothing",
                        # As "clothes" (stop 75): no product name says "outfit", so "office outfit for men" found
                        # no product by its words and listed gift sets and cufflinks by meaning, where "office
                        # wear for men" read "office" as Formal and listed formal shirts and trousers.
                        "outfit", "outfits",
                        # A trip is what the clothes are for, not a product's word (1 name says it): "winter trip
                        # jacket" and "clothes for a ski trip" found no product by their words and listed the closest
                        # by meaning, where "winter jacket" lists 252 (stop 76's shopper). Not "holiday" or
                        # "vacation": alone beside a wearer they are all the wearer's clothes, where their meaning
                        # finds T-shirts, tunics and a playsuit.
                        "trip", "trips"])
PREFIX_MIN = 6              # catalogue search words this long also match as the start of a longer word
# Not a sport's kit, one word ("runningkit"): by it, "running" or "football" alone found every Sports product.
_NO_PREFIX = frozenset(norm(k) for k in SPORT_KITS)
WORD_MASKS_KEPT = 32        # catalogue searches whose matching rows are kept (40 KB each at 40k items)
# Single words whose matching rows are kept (40 KB each at 40k items: 10 MB): a search asks the word tables for
# many sets of its words (without its occasion, its wearer, each part, a correction's three browses), each set
# scanning every row once per word. "party dress for women under 1500 in red or black" scanned its words 20 times
# for 7 words, 0.68 s of its 1.3 s first call (cProfile on the full catalogue, stop 67); :8010 took 3.2-4.4 s at load.
WORDS_KEPT = 256
AUTOCORRECT_MIN_PRODUCTS = 20   # a spelling fewer products use (or 2% of a small catalogue's) is only suggested
# How much a candidate spelling's use counts against its cost in edits: ten times as many products as
# another outweigh half an edit ("sandle": "sandal", two edits and 155 products, over "saddle", one and 4).
SPELLING_FREQUENCY_WEIGHT = 0.5


def fold(text: str) -> str:
    """Case- and accent-free text: "Café" -> "cafe", full-width "Ｊｅａｎｓ" -> "jeans" (Latin accents only;
    other scripts keep their marks)."""
    return re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFKD", text)).casefold()


def search_words(text: str, stem: bool = True) -> list[str]:
    """Lower-case words with hyphens and apostrophes dropped ("T-Shirt" -> "tshirt"); with ``stem`` (a
    query), plurals become singular ("shirts" also finds "Shirt", see :func:`~fashionrec.vocabulary.singular`),
    a lone letter joins the next word ("t shirt" -> "tshirt") and words such as "for" and "with" are dropped
    ("jeans for women")."""
    words = re.findall(r"\w+", re.sub(r"[-'’]", "", fold(emoji_words(text))))
    if not stem:
        return words
    return [singular(w) for w in join_phrases(_join_letters(words)) if w not in STOP_WORDS]


def _spelling_cost(typed: str, word: str, edits: int) -> float:
    """How unlike a misspelling of ``word`` ``typed`` looks: its ``edits`` (two swapped letters count one)
    and half an edit more for each letter typed in place of another, which is rarer than a letter dropped,
    doubled or swapped ("legins" -> "leggings" 2, -> "levis" 2.5)."""
    return edits + 0.5 * (Indel.distance(typed, word) - Levenshtein.distance(typed, word))


# At most how many products may spell a word for it to be read as a misspelling where a query with it finds
# nothing (:meth:`WordSearch._closest_spelling`): the catalogue's own typos ("Whte", "Marron", "Grren").
RARE_SPELLING = 2
# Letters from which a word that is no English one may be corrected by two edits rather than one.
LONG_MISSPELLING = 7


def autocorrect_min_products(n_items: int) -> int:
    """How many products must use a spelling before it is shown instead of what was typed:
    :data:`AUTOCORRECT_MIN_PRODUCTS`, or 2% of a smaller catalogue."""
    return min(AUTOCORRECT_MIN_PRODUCTS, n_items // 50)


def _join_letters(words: list[str]) -> list[str]:
    """A lone letter joins the next word: "t shirt" -> "tshirt", "u s polo" (U.S. Polo) -> "us polo"."""
    joined: list[str] = []
    for w in words:
        if joined and len(joined[-1]) == 1 and joined[-1].isalpha() and joined[-1] not in STOP_WORDS:
            joined[-1] += w
        else:
            joined.append(w)
    return joined


class _Rows:
    """A column of " word word " texts for regular expressions over every row at once, by Arrow's RE2: a pandas
    string column runs Python's re row by row for a pattern with a lookahead, 30-60 ms per query word at 40k
    products, against 5-7 ms here. The patterns are RE2's (no lookarounds) and match the same rows."""

    def __init__(self, texts: pd.Series):
        self.texts = pa.array([str(t) for t in texts], pa.large_string())

    def mask(self, pattern: str) -> np.ndarray:
        """(n,) bool, writable: the rows where ``pattern`` matches."""
        return pc.match_substring_regex(self.texts, pattern).to_numpy(zero_copy_only=False).astype(bool)


class WordSearch:
    """Word search over one version of a catalogue's items (build a new one when the items change).

    Example:
        >>> words = WordSearch(items, TypeWords(items))                        # doctest: +SKIP
        >>> items[words.mask(search_words("blue jeans"))]["articleType"].unique()  # doctest: +SKIP
        array(['Jeans'], dtype=object)
    """

    def __init__(self, items: pd.DataFrame, types: TypeWords, children: dict[str, np.ndarray] | None = None,
                 earlier: WordSearch | None = None):
        self.items = items
        # The tables of the items before a product was added (``items`` are those with rows after them): each
        # row's text is its own columns' alone, so only the new rows' are worked out. Built anew, the 40k texts
        # were 1.9 s of every `index add` (the next add's name is read with them: cProfile, stop 62).
        self._earlier = earlier
        # What the texts were worked out from, a copy: items changed in place (a test, a Python caller) and
        # _reindex'ed are no earlier items' rows (the strings are shared: only the columns' arrays are copied).
        self._basis = items[[c for c in TEXT_FIELDS if c in items]].copy()
        # The rows an edit changed (``items`` the earlier items' rows in their order, a few of them changed): the
        # texts and word counts of the others are the earlier ones'. Built anew, an edit of one product at 40k
        # worked out all 40k texts again, 7.8 s of a 25-29 s PATCH /api/items/{id} (cProfile, stop 75).
        self._edited = None if earlier is None else rows_changed(items, earlier._basis, self._basis.columns)
        self._types = types
        # A child's wearer word ("kids", "children", "boys") finds the children's products filed under another
        # gender too ("Kids Unisex ... Shoes"), as similar items and looks count them: per row, whether a child
        # ("child"), a boy or a girl wears it (item_tables.ItemTables._worn_by); without them, the filing alone.
        self._children = children or {}
        self.searchable = self._reused("searchable", TEXT_FIELDS, self._build_searchable)   # (n,) " word ... "
        self._searchable_rows = _Rows(self.searchable)
        self._name_rows: _Rows | None = None               # the same of name_text, when first needed
        self._names: pd.Series | None = None             # the same of the names alone, when first needed
        self.aliases = self._build_aliases()
        self._masks: dict[tuple[str, ...], np.ndarray] = {}
        self._name_masks: dict[str, np.ndarray] = {}        # in_names's, per word
        self._word_masks: dict[str, np.ndarray] = {}        # _one_word's, per word
        self._in_a_row: dict[tuple[str, ...], bool] = {}     # named_in_a_row's
        self._masks_lock = threading.Lock()
        self._lock = threading.Lock()
        self._spellings: tuple[collections.Counter, list[str]] | None = None
        self._text_words: collections.Counter | None = None     # per word, the texts that have it (_spellings')
        self._denials: dict[str, list[int]] | None = None     # denying's, built on first use
        # An edit's earlier tables (texts, their word counts, the denials), the edited rows' taken out of them and
        # their new ones put in on first use: kept until then (a server's warm_search, at once), not after.
        self._edit_of = (earlier.searchable, earlier._text_words, earlier._denials) \
            if earlier is not None and self._edited is not None else None
        self._multi: np.ndarray | None = None        # _named_multi's, built on first use
        if earlier is not None and earlier._names is not None:
            self.name_text()        # while the earlier texts are at hand (the next add reads it at once)
        self._earlier = None        # not kept: a chain of versions of the items
        types = items["articleType"].dropna().unique() if "articleType" in items else []
        self._type_words = {w for t in types for w in search_words(str(t))}    # "sandal", "shoe", "sunglass"

    @property
    def type_words(self) -> set[str]:
        """The search words of the catalogue's type labels ("shoe", "top", "sunglass")."""
        return self._type_words

    def mask(self, words: list[str]) -> np.ndarray:
        """(n,) bool, read-only: the rows where every word (of :func:`search_words`) is a word of the
        searchable text or its plural, in any order.

        Kept for the last few searches: a catalogue page asks twice (the items and the filter counts), and
        paging through results asks again; each costs 8-25 ms of regular expressions over 40k names.
        """
        key = tuple(words)
        mask = self._masks.get(key)
        if mask is None:
            known = self.catalogue_words() if len(words) > 1 else {}
            mask = np.ones(len(self.items), bool)
            i = 0
            while i < len(words):
                found = self._one_word(words[i])
                joined = words[i] + words[i + 1] if i + 1 < len(words) else ""
                if joined and (joined in known or joined + "s" in known):
                    # Two words the catalogue writes as one: "ray ban" also finds "Ray-Ban", "tee shirt"
                    # every T-shirt ("teeshirt" is one of its type's words).
                    found = (found & self._one_word(words[i + 1])) | self._one_word(joined)
                    i += 1
                mask &= found
                i += 1
            mask.flags.writeable = False
            self._keep(self._masks, key, mask)
        return mask

    def in_names(self, *words: str) -> np.ndarray:
        """Rows whose product name itself has ``words`` (a query's, singular, or their plurals) one after
        another: a "black heels" search lists the products named heels before those the catalogue files as
        Heels but names Flats, and "light blue shirt" those named "Light Blue" before a "Blue & Light Brown"
        one."""
        found = self._name_masks.get(words)
        if found is None:
            found = self._names_rows().mask(self._pattern(*words))
            found.flags.writeable = False
            self._keep(self._name_masks, words, found)     # kept like the word masks, as paging asks again
        return found

    def named_in_a_row(self, words: list[str]) -> bool:
        """Whether some product's name has ``words`` (a query's, singular) one after another, or as one
        word: "no show" (Fila's socks), "no limits" (a perfume), "non padded" ("Non-Padded" bras); not "not
        summer" (slogan T-shirts say "not" elsewhere in their names)."""
        key = tuple(words)
        found = self._in_a_row.get(key)
        if found is None:       # asked again by every page of the search and its filter counts: 80 ms at 40k
            found = bool(self._names_rows().mask(self._pattern(*words) + "|" + self._pattern("".join(words))).any())
            self._keep(self._in_a_row, key, found)
        return found

    def names_saying(self, word: str) -> int:
        """How many product names have ``word`` (lower case, folded) as a word of its own, as spelt: "bag" 558 and
        "bags" 45 of the 39,730 names; for the spelling the names use most (TextSearch._as_meant)."""
        return int(self._names_rows().mask(rf"(?:^| ){re.escape(word)}(?: |$)").sum())

    def _keep(self, cache: dict, key, value, kept: int = WORD_MASKS_KEPT) -> None:
        """``cache[key] = value``, the oldest entries dropped beyond ``kept``; readers run in parallel threads in
        the server."""
        with self._masks_lock:
            while len(cache) >= kept:
                cache.pop(next(iter(cache)))
            cache[key] = value

    def warm_names(self) -> None:
        """Build the names' tables now: the first search to read a name (a query's describing words, its shades)
        waited 0.2-0.45 s for them at 40k products (cProfile, stop 67)."""
        self._names_rows()

    def _names_rows(self) -> _Rows:
        names = self.name_text()
        with self._lock:
            if self._name_rows is None:
                self._name_rows = _Rows(names)
        return self._name_rows

    def name_text(self) -> pd.Series:
        """Per row, " word word ... " of the product's name alone, built once."""
        with self._lock:
            if self._names is None:
                self._names = self._reused("_names", ["productDisplayName"],
                                           lambda items: self._words_of(["productDisplayName"], items))
        return self._names

    def _pattern(self, *words: str) -> str:
        """The pattern of the rows whose text has ``words`` (a query's, singular) one after another, each a
        word of its own or, the last one if long, the start of one (:meth:`_core`)."""
        cores = [self._core(w) for w in words]
        return r"(?:^| )" + " ".join(core for core, _ in cores) + ("" if cores[-1][1] else "(?: |$)")

    def _core(self, word: str) -> tuple[str, bool]:
        """(the pattern of ``word`` and its plural, whether it may also start a longer word)."""
        # The query's words are singular (search_words): "jean" finds "jeans", "dress" "dresses",
        # "watch" "watches"; anything longer is another word ("blu" is not "blues").
        plural = "(?:es)?" if word.endswith(("ss", "ch", "sh", "x")) else "s?"
        # A long word may also start a longer one ("analog" finds "Analogue", "sweatsh" finds
        # "Sweatshirts"); a short one may not ("black" is not the brand "Blackberrys").
        # A word of a type's name is that word, though long: "sandal" is not "Sandalwood" sunscreen.
        stem = re.escape(word)
        if len(word) >= 5 and word.endswith("ie"):
            # "derbies" is singular "derbie" (as "hoodies" is "hoodie"), and names say "Derby" and "Derbys": read
            # as both, it found none of the 14 (the page listed loafers, by the type the word means).
            stem = f"(?:{stem}|{re.escape(word[:-2])}y)"
        if len(word) >= PREFIX_MIN and word not in self._type_words:
            return stem, True
        return stem + plural, False

    def _one_word(self, word: str) -> np.ndarray:
        """Rows whose searchable text has ``word`` (a query word, singular) or its plural: read-only, kept per
        word (:data:`WORDS_KEPT`)."""
        found = self._word_masks.get(word)
        if found is None:
            found = self._word_rows(word)
            found.flags.writeable = False
            self._keep(self._word_masks, word, found, WORDS_KEPT)
        return found

    def _word_rows(self, word: str) -> np.ndarray:
        found = self._searchable_rows.mask(self._pattern(word))
        # Everyday words by the type or wearer they mean ("tee", "ladies"), long ones as prefixes as well
        # ("jewell" finds what "jewellery" finds).
        aliases = self.aliases
        keys = [k for k in aliases if k.startswith(word) and (k == word or k not in _NO_PREFIX)] \
            if len(word) >= PREFIX_MIN else [word]
        for key in keys:
            col, values = aliases.get(key, (None, None))
            if col in self.items:
                found = found | self.items[col].isin(values).to_numpy()
            if col == "baseColour" and MULTI in values:
                # "multicolour saree" found 1 of the 8 saris named "Multi Coloured" but filed as one colour.
                found = found | self._named_multi()
            if col != "gender":
                continue
            child = "child" if set(values) == {"Boys", "Girls"} else str(values[0]) if len(values) == 1 else None
            if child in self._children:
                # "childrens shoes" found 40, "kids shoes" 70: the 30 named "Kids", filed as Unisex.
                found = found | self._children[child]
        return found

    def _named_multi(self) -> np.ndarray:
        """(n,) bool: products whose name says they are of many colours (:data:`~fashionrec.looks.MULTI_NAME`:
        "Multi Coloured", "Multicolour", a bare "Multi"), which a word for many colours finds as it finds those
        filed Multi (412 names at 40k). Built on the first such word per version of the items (the pattern's
        lookahead needs Python's re, not RE2: 0.16 s at 40k names on this shared machine)."""
        with self._lock:
            if self._multi is None:
                if "productDisplayName" not in self.items:
                    self._multi = np.zeros(len(self.items), bool)
                else:
                    names = self.items["productDisplayName"].fillna("").astype(str)
                    self._multi = names.str.contains(MULTI_NAME, regex=True).to_numpy(bool)
        return self._multi

    def denying(self, words: list[str]) -> np.ndarray:
        """Rows whose text denies one of ``words`` (a query's, singular) or names an imitation of it:
        "Non Leather" and "Leatherette" belts for "leather" (:data:`~fashionrec.vocabulary.DENYING_WORDS`,
        joined to the word they deny in every product's text, so that those products lack the word itself;
        :data:`~fashionrec.vocabulary.IMITATIONS`); none where the query says such a word itself ("non
        leather belt")."""
        if set(words) & set(DENYING_WORDS):
            return np.zeros(len(self.items), bool)
        with self._lock:        # which words are denied, where: one pass over the texts, on first use
            if self._denials is None:
                self._denials = self._build_denials()
                self._edited_built()
        found = np.zeros(len(self.items), bool)
        for word in words:
            found[self._denials.get(word, [])] = True
        return found

    def _build_denials(self) -> dict[str, list[int]]:
        """{word: the rows (ascending) whose text denies it or names an imitation of it}; of an edit, the earlier
        table with the edited rows' found again."""
        pattern = rf" (?:{'|'.join(DENYING_WORDS)})(\w+)| ({'|'.join(IMITATIONS)})s?(?= )"

        def found_in(texts: pd.Series, rows) -> dict[str, list[int]]:
            table: dict[str, list[int]] = {}
            for row, found in zip(rows, texts.str.findall(pattern), strict=True):
                for denied, imitation in found:
                    table.setdefault(singular(denied) if denied else IMITATIONS[imitation], []).append(row)
            return table
        earlier = self._edit_of[2] if self._edit_of is not None else None
        if earlier is None:
            return found_in(self.searchable, range(len(self.searchable)))
        edited = {int(r) for r in self._edited}
        table = {w: [r for r in rows if r not in edited] for w, rows in earlier.items()}
        for word, rows in found_in(self.searchable.iloc[self._edited], self._edited.tolist()).items():
            table[word] = sorted(table.get(word, []) + rows)    # (a row twice where it says it twice)
        return {w: rows for w, rows in table.items() if rows}

    def _text_word_counts(self) -> collections.Counter:
        """Per word, how many products' searchable texts have it; of an edit, the earlier counts with the edited
        rows' words counted again."""
        texts, earlier = self._edit_of[:2] if self._edit_of is not None else (None, None)
        if earlier is None:
            return collections.Counter(w for text in self.searchable for w in set(text.split()))
        counts = earlier.copy()
        for row in self._edited:
            counts.subtract(set(texts.iat[row].split()))
            counts.update(set(self.searchable.iat[row].split()))
        return +counts      # (a word no text has any more: gone, as from a count of the texts)

    def catalogue_words(self) -> collections.Counter:
        """How many products' searchable text has each word, the everyday words included (for joined words
        and spellings); built on first use (1-2 s at 40k products)."""
        return self._spelling_tables()[0]

    def _spelling_tables(self) -> tuple[collections.Counter, list[str]]:
        with self._lock:        # one builder; a server's parallel first searches wait for it
            if self._spellings is None:
                self._spellings = self._build_spellings()
                self._edited_built()
        return self._spellings

    def _edited_built(self) -> None:
        """Let the earlier version's tables go once this one's are built from them (under ``_lock``)."""
        if self._spellings is not None and self._denials is not None:
            self._edit_of = None

    def _build_spellings(self) -> tuple[collections.Counter, list[str]]:
        self._text_words = self._text_word_counts()
        counts = self._text_words.copy()
        everyday = {w for words in self._types.aliases().values() for w in words}
        per_value = {col: self.items[col].value_counts() for col in ("articleType", "gender") if col in self.items}
        # "sneekers" -> "sneakers", "ladeis" -> "ladies"; a child's age is no word of the table (_build_aliases)
        for word in sorted(everyday | set(GENDER_WORDS) - CHILD_AGE_WORDS):
            col, values = self.aliases[word]
            found = int(per_value[col].reindex(values, fill_value=0).sum()) if col in per_value else 0
            if found:       # the products the word finds: its own at least ("hoodie": 1 name); a word that finds
                # none is no spelling to correct to ("childen" in a shop without children's products took the
                # log of 0 and answered a 500, an API fuzz)
                counts[word] = max(counts[word], found)
        return counts, [w for w in counts if w.isalpha()]

    def _closest_spelling(self, word: str) -> tuple[str, int] | None:
        """(the catalogue word ``word`` most likely misspells, how many edits away), or None for a word the
        catalogue has, one under three letters, or nothing close enough.

        Candidates are one edit away at most for a word of five letters or fewer, two for longer, and look
        like a misspelling of it (:func:`_spelling_cost`). Among them that cost, one more where the first
        letter differs (which people rarely get wrong), is weighed against how many products use the
        candidate: "sandle" is "sandal" (155 products; 1,207 for "sandals"), not "handle" (9),
        "legins" "leggings", not "levis", "sholder" "shoulder", not "holder".
        """
        counts = self.catalogue_words()
        # A word only a product or two spell so, no English one, may be the catalogue's own misspelling ("Numero Uno
        # Men's Greenbay Whte Green Shoe", "Maroon" written "Marron" twice): a shopper typing it beside other words
        # that find nothing means the word many products have a letter away ("whte shirt" listed green shirts
        # under "The catalogue has no whte shirts", "marron kurta" pink ones; stop 73, a shopper's trial).
        rare = 0 < counts.get(word, 0) <= RARE_SPELLING and word not in english_words()
        # A word the search reads as a type, wearer or occasion in any of its forms is no misspelling
        # ("woolen": woollens, not "women").
        if (word in counts and not rare) or word in self.aliases or word in WEATHER_KEYS or len(word) < 3:
            return None
        limit = 1 if len(word) <= 5 or rare else 2
        near = rf_process.extract(word, self._spelling_tables()[1], scorer=OSA.distance, score_cutoff=limit, limit=None)
        shaped = [(w, int(edits), _spelling_cost(word, w, int(edits))) for w, edits, _ in near if w != word]
        if rare:        # one catalogue misspelling is not corrected into another
            common = autocorrect_min_products(len(self.items))
            shaped = [m for m in shaped if counts[m[0]] >= common]
        if len(word) == 3:
            # Three letters are one letter short of a word ("blu", "gry", "pnk"), or a word of their own
            # the catalogue lacks (a brand: "gap" is no "cap").
            shaped = [m for m in shaped if len(m[0]) == 4 and m[0][0] == word[0]]
        # "neckles" is not "buckles"; the first letter only ranks ("hoes" is still "shoes", the one candidate)
        shaped = [m for m in shaped if m[2] <= limit + 0.5]
        if not shaped:
            return None

        def rank(m: tuple[str, int, float]) -> tuple[float, str]:
            first_letter = m[0][:1] != word[:1]
            return m[2] + first_letter - SPELLING_FREQUENCY_WEIGHT * math.log10(counts[m[0]]), m[0]

        best, edits, _ = min(shaped, key=rank)
        return best, edits

    def _joined(self, word: str, common: int) -> str | None:
        """``word`` as the two catalogue words it joins, each used by ``common`` products or more ("bluejeans":
        "blue jeans", which found nothing and suggested nothing), or None; the split whose rarer word is
        used most where there are several."""
        counts = self.catalogue_words()
        # Not an English word of its own: "season" is no "sea son", "nightgown" no "night gown" (a review).
        if len(word) < 6 or word in counts or word in self.aliases or word in WEATHER_KEYS or word in english_words():
            return None
        splits = [(word[:i], word[i:]) for i in range(3, len(word) - 2)]
        found = [(a, b) for a, b in splits if counts.get(a, 0) >= common and counts.get(b, 0) >= common]
        return " ".join(max(found, key=lambda ab: min(counts[ab[0]], counts[ab[1]]))) if found else None

    def suggest(self, query: str, confident: bool = False) -> str | None:
        """``query`` with each word that no product's text has replaced by the closest one that some have
        ("jeens" -> "jeans"), or None when there is nothing to correct.

        ``confident``: only corrections safe to show instead of what was typed, each one edit away and
        used by at least :data:`AUTOCORRECT_MIN_PRODUCTS` products (2% of a smaller catalogue), and either
        two swapped letters ("shrit") or a word of six letters or more ("sneekers"); not a word that only
        adds to or drops from the end of another ("anklet" is not "ankle"). Short words are too often a
        brand or a word the catalogue lacks ("mufti" is not "multi"; "heals" may be "heels", suggested).
        """
        counts = self.catalogue_words()

        english = english_words()
        common = autocorrect_min_products(len(self.items))

        def closest(word: str) -> str | None:
            joined = self._joined(word, common)
            if joined:          # two words typed as one: safe to show instead
                return joined
            found = self._misspelling_of(word)
            # An English word of its own is no misspelling, though the catalogue lacks it: "jogging pants"
            # are not "jegging pants" (the text search finds track pants for it). A short one a single edit
            # from a word many products have is offered ("jens", a name in the text model's vocabulary, found
            # one perfume, with no "Did you mean jeans?"), never as a confident correction; the text search
            # shows it instead only where the word finds nothing by meaning (TextSearch.autocorrect). Nor is one
            # of three letters respelt as a word few products have: "gap tshirt" was shown as "grap tshirt" (one
            # Nike "... Grap ..." T-shirt of 40k, stop 74), where "blu" is still "blue".
            if word in english and found is not None and (counts[found[0]] < common or len(word) >= 4 and (
                    confident or len(word) > 5 or found[1] != 1)):
                found = None
            if found is None:
                return word
            fixed, edits = found
            if confident and not (edits == 1 and counts[fixed] >= common
                                  and (len(word) >= 6 or Levenshtein.distance(word, fixed) == 2)
                                  and not fixed.startswith(word) and not word.startswith(fixed)):
                return None
            return fixed

        words = search_words(query, stem=False)
        fixed = [closest(w) for w in words]
        if None in fixed:
            return None
        return " ".join(fixed) if fixed != words else None

    def readable(self, query: str) -> bool:
        """Whether some word of ``query`` is English (the text model's vocabulary), a catalogue word, or
        close to one (one edit away, or two from a word :func:`autocorrect_min_products` use): "qwzx" is none
        of them, yet the text model found Q&Q watches close to it (a word it only knows in pieces, q-w-z-x, is
        near any name made of such pieces)."""
        counts, english = self.catalogue_words(), english_words()
        return any(w in english or w in counts or w.isdigit() or self._misspelling_of(w) is not None
                   for w in search_words(query, stem=False))

    def _misspelling_of(self, word: str) -> tuple[str, int] | None:
        """:meth:`_closest_spelling`, except a word two edits or more from a name's word that fewer than
        :func:`autocorrect_min_products` products use and that names no type: likelier a word of its own than a
        typo of it. "qwerty" is two from "berty" (one ADIDAS shorts' model): "xyzzy qwerty" listed 2 closest matches
        by meaning over the floor by chance, and then "Did you mean xyzzy berty?" (stop 73). "tieesz" is still
        "ties", a type's word however few products have it."""
        found = self._closest_spelling(word)
        if (found and found[1] > 1 and not self._types.types(found[0])
                and self.catalogue_words()[found[0]] < autocorrect_min_products(len(self.items))):
            return None
        return found

    def autocorrect(self, query: str) -> str | None:
        """``query`` with its misspelt words corrected where that is safe to show instead of what was
        typed, else None: each correction confident (:meth:`suggest`) or one edit away and used by at least
        :func:`autocorrect_min_products` products ("mens wach" -> "mens watch")."""
        fixed = self.suggest(query, confident=True)
        if fixed is None:
            fixed = self.suggest(query)
            enough = autocorrect_min_products(len(self.items))
            typed = search_words(query, stem=False)
            if fixed and any(int(self.mask([singular(w)]).sum()) < enough
                             for w in set(search_words(fixed, stem=False)) - set(typed)):
                fixed = None     # not "hees" for "hoes"
            # One edit a word (two swapped letters count one): a real word two edits from a common one is
            # more likely meant as typed ("woolen" is not "women", "diwali" not "dial"). Two for a long word
            # that is no English one ("sandles" is "sandals": a shopper got "Did you mean" over deodorants
            # and nail polish, the closest matches by meaning).
            english = english_words()
            if fixed and any(OSA.distance(a, b) > (2 if len(a) >= LONG_MISSPELLING and a not in english else 1)
                             for a, b in zip(typed, search_words(fixed, stem=False), strict=False)):
                fixed = None
            if fixed and any(a != b and len(a) >= 4 and a in english
                             for a, b in zip(typed, search_words(fixed, stem=False), strict=False)):
                fixed = None     # an English word is offered another spelling (suggest), not given one
        return fixed

    def _build_aliases(self) -> dict[str, tuple[str, np.ndarray]]:
        table: dict[str, tuple[str, set]] = {}
        for t, words in self._types.aliases().items():
            for w in words:
                for f in forms(w):
                    table.setdefault(f, ("articleType", set()))[1].add(t)
        for w, genders in GENDER_WORDS.items():
            if w in CHILD_AGE_WORDS:
                # Not every child's product: on the catalogue page "junior" lists the 8 names with the word
                # (Timberland's Juniors shoes), not 1,913 children's products in the catalogue's order, and "baby"
                # the children's products named so and the babies' (text_search.TextSearch._read_as_ages).
                continue
            for f in forms(w):
                if f not in table:
                    table[f] = ("gender", set(genders))
        for w, usage in USAGE_WORDS.items():
            table.setdefault(norm(w), ("usage", {usage}))       # "date night": "datenight" (join_phrases)
        for w, season in SEASON_SYNONYMS.items():
            table.setdefault(norm(w), ("season", {season}))     # "autumn": Fall
        for w, colour in COLOUR_WORDS.items():
            if w in TONES or norm(w) in {norm(t) for t in TONES} or w.startswith("baby "):
                continue        # the text search's reading only: "rosegold" lists the 4 names, not 77 copper products
            table.setdefault(norm(w), ("baseColour", {colour}))     # "gray": Grey
        return {f: (col, np.array(sorted(v), dtype=object)) for f, (col, v) in table.items()}

    def _reused(self, attr: str, columns, build) -> pd.Series:
        """``build(items)`` of this object's items, per row; of the rows after the earlier items' alone, where
        ``attr`` of :attr:`_earlier` is built and its items are this object's first rows, with the same index
        and ``columns`` (values and types: a year as a float reads "2012.0") as they were when it was built."""
        earlier = self._earlier
        old = getattr(earlier, attr, None) if earlier is not None else None
        if old is not None:
            after = rows_after(self.items, earlier._basis, [c for c in columns if c in self.items])
            if after is not None:
                return pd.concat([old, build(after)]) if len(after) else old
            if self._edited is not None and old.index.equals(self.items.index):
                if not len(self._edited):
                    return old
                out = old.copy()        # (the earlier table is the earlier version's: searches read it meanwhile)
                out.iloc[self._edited] = build(self.items.iloc[self._edited]).to_numpy()
                return out
        return build(self.items)

    def _build_searchable(self, items: pd.DataFrame) -> pd.Series:
        # "Non Leather" is no leather: one word, as "Non-Leather" is once its hyphen is dropped. A search for
        # "non leather" still finds it (two words the catalogue writes as one, see mask); name_text keeps
        # the words apart (the negation of a query that a name has: TextSearch._negation).
        return self._words_of(TEXT_FIELDS, items).str.replace(rf"(?<= )({'|'.join(DENYING_WORDS)}) (?=\w)", r"\1",
                                                       regex=True)

    def _words_of(self, columns, items: pd.DataFrame) -> pd.Series:
        """Per row of ``items``, " word word ... " of ``columns`` (those the items have), normalised as queries
        are; each row's of its own values alone (:meth:`_reused`)."""
        def words(col: str) -> pd.Series:      # the same normalisation as search_words, vectorised
            # As objects first: a column a shop's export lacks is all NaN floats, which pandas 4 will not fill
            # with text (its Pandas4Warning in the suite).
            raw = items[col].astype(object).fillna("").astype(str)
            if col == "productDisplayName":
                # A placeholder is not the name a shopper sees (pages show one made of its labels): "test"
                # found "Men Green Handbags" (a re-trial).
                raw = raw.mask(raw.str.contains(PLACEHOLDER_NAME, regex=True), "")
            # Each distinct value once: a label column has a few dozen among 40k rows, and folding every row's
            # (per-row Python) was 1.2-6 s of a text query's CLI call at 40k (cProfile, stop 77).
            codes, values = pd.factorize(raw)
            text = pd.Series(values, dtype=raw.dtype).map(fold).str.replace(r"[-'’]", "", regex=True)
            done = text.str.replace(r"\W+", " ", regex=True).str.strip()
            return pd.Series(done.to_numpy()[codes], index=items.index, dtype=done.dtype)

        named = words("productDisplayName") if "productDisplayName" in items and "productDisplayName" in columns \
            else None
        text = pd.Series(" ", index=items.index)
        for col in columns:
            if col in items:
                text = text + (named if col == "productDisplayName" else words(col)) + " "
        if named is not None:
            # "U.S. Polo Assn." is "u s polo" here and "us polo" in a query (search_words joins a lone letter
            # to the next word): the joined word is added and the letters kept ("W Women" is still W's).
            pairs = named.str.findall(r"(?<!\S)([b-hj-z]) (\S+)")
            text = text + pairs.map(lambda found: " ".join(a + b for a, b in found))
        # "night suit" is one word, "nightsuit", so that "suit" alone finds no night suits (vocabulary.QUALIFIED).
        return join_qualified(text.str.replace(r"\s+", " ", regex=True).str.strip().radd(" ").add(" "))
