"""What a text search says of how it read a query: ``/api/search/text``'s ``note`` and ``recommend text --json``'s.

One function for both, so that the CLI's JSON stays the API's answer to the same request: the API's note came to
say the prices left out and what the catalogue has none of, and the CLI's did not (a stop 63 full run).
"""

from __future__ import annotations

from fashionrec.item_tables import PRICE_FILTER
from fashionrec.results import Rec
from fashionrec.text_search import absent_said, ages_said, people_named, people_said
from fashionrec.vocabulary import (
    KIDS_NAME,
    genders_named,
    lacking,
    price_range,
    price_range_said,
    price_read_said,
    price_said,
    price_words,
    rank_words,
    without_price_or_size,
)

# Where a catalogue has prices and a price word gives no bound ("cheap", "around 1000"): what does.
PRICE_HINT = "a price is searched as 'under 500', 'over 2000', '500-1000' or 'between 500 and 1000'"


def price_filter(rec, dropped: list[str], unaged: str) -> dict:
    """``{"price": (lowest, highest)}`` for the price words of ``dropped`` that bound a price ("under 500"), where
    ``rec``'s products have prices; else {} (a catalogue without prices: they are left out of the search, said).
    ``dropped`` and ``unaged`` as :func:`search_said` takes them. To merge into the search's filters, so that the
    price filters before the top k, as the others do."""
    if not dropped or rec.prices() is None:
        return {}
    bounds = price_range([p for p in dropped if p in price_words(unaged)[1]])[0]
    return {PRICE_FILTER: bounds} if bounds else {}


def unbounded_said(unread: list[str], end: str = ".") -> str:
    """The sentence for price words that bound no price ("cheap", "around 1000"), left out where the catalogue has
    prices (not "the catalogue has no prices"): the API's note, the CLI's JSON and the page say it alike."""
    return (f"{' and '.join(map(repr, unread))} {'was' if len(unread) == 1 else 'were'} left out of the search: "
            f"{PRICE_HINT}{end}")


def price_alone(rec, unaged: str, filters: dict | None, k: int) -> tuple[list, list[str], list, str] | None:
    """A text search whose words say a price and nothing else ("under 500", "between 500 and 1000 rupees"), where
    ``rec``'s products have prices: (k products so priced under ``filters``, as the catalogue page lists them and
    in its order, as :class:`~fashionrec.results.Rec` with score 0; the price words left out; the price filter's
    (lowest, highest); the note). None for any other query, or where its words bound no price ("cheap" alone):
    searched as typed, as before. The API and the CLI searched "under 500" as typed, by meaning, where the page
    listed every product so priced (stop 64)."""
    if rec.prices() is None:
        return None
    rest, said = price_words(unaged)
    bounds, used = price_range(said) if said and not rest.strip(" .,!?;:") else (None, [])
    if not bounds:
        return None
    wanted = {**(filters or {}), PRICE_FILTER: bounds}
    total, items = rec.browse(wanted, None, limit=k)
    recs = [Rec(id=int(d["id"]), score=0.0, reason=f"priced {price_said(float(d[PRICE_FILTER]))}, "
                f"{price_range_said(bounds)}", item=d) for d in items]
    unread = [p for p in said if p not in used]
    note = [price_read_said(bounds, used)]
    if unread:
        note.append(unbounded_said(unread))
    note.append(f"Nothing but a price was asked, so these are products so priced in the catalogue's order, "
                f"{len(recs):,} of {total:,}." if total else "No product is so priced"
                + (" among those the filters choose." if filters else "."))
    return recs, unread, bounds, " ".join(note)


# A gender's products as a sentence says them ("these are girls' and unisex products").
POSSESSIVE = {"Men": "men's", "Women": "women's", "Boys": "boys'", "Girls": "girls'", "Unisex": "unisex"}
# How many of a grown-up's products a search for a child may list before they are not read one by one for a
# child's word in their names (the catalogue files some children's shoes as Women: "Timberland Women Juniors ...").
CHILDREN_FILED_MAX = 200


def searched_words(rec, unaged: str, filters: dict | None) -> tuple[str, list[str]]:
    """(the words a text search searches, the prices, sizes and ratings left out of ``unaged``), as the catalogue
    page reads them: prices and sizes always (:func:`~fashionrec.vocabulary.without_price_or_size`), a rating or
    arrival word ("best", "latest") where no product under ``filters`` has every word with it. Names have "Best"
    ("ADIDAS Men's Best Shot"); "best running shoes" has none, and the API searched it with "best" where the page
    searched "running shoes" (a stop 63 reading of 78 text queries)."""
    query, dropped = without_price_or_size(unaged)
    rest, ranked = rank_words(query)
    if ranked and rest.strip() and not rec.browse(filters or None, query, limit=0)[0]:
        return rest, dropped + ranked
    return query, dropped


def people_listed(rec, query: str, filters: dict | None) -> str | None:
    """What a text search whose products all have its words says of a person it read as a wearer, without a full
    stop: "'daughter' reads as Girls: these are girls' and unisex products", whose products being counted (the
    unisex ones where other words say what: text_search._word_mask), children's products filed as a grown-up's
    said as such; None where it names no person or a gender is chosen. The page's notice and the API's ``note``
    (which said "'daughter' reads as Girls." alone, a stop 63 reading of 78 text queries)."""
    people = people_named(query) if not (filters or {}).get("gender") else []
    if not people:
        return None
    wearers = list(dict.fromkeys(g for w in people for g in genders_named(w)))
    genders = rec.filter_values().get("gender", [])
    listed = [g for g in POSSESSIVE if g in genders and rec.browse({**(filters or {}), "gender": g}, query, limit=0)[0]]
    filed_as = []    # grown-ups' genders whose listed products are all named for children
    if set(wearers) <= {"Boys", "Girls"}:
        # "shoes for my daughter" said "these are women's, girls' and unisex products", the women's being 6
        # children's shoes filed as Women ("Timberland Women Juniors ...", a stop 63 trial).
        for g in [g for g in listed if g in ("Men", "Women")]:
            n, rows = rec.browse({**(filters or {}), "gender": g}, query, limit=CHILDREN_FILED_MAX)
            if n <= CHILDREN_FILED_MAX and all(KIDS_NAME.search(d.get("productDisplayName") or "") for d in rows):
                filed_as.append(POSSESSIVE[g])
                listed.remove(g)
    whose = [POSSESSIVE[g] for g in listed]
    if not (whose or filed_as):
        return people_said(people)
    these = (f"{', '.join(whose[:-1]) + ' and ' + whose[-1] if len(whose) > 1 else whose[0]} products"
             if whose else "")
    if filed_as:
        these += f"{', and ' if whose else ''}children's products filed as {' or '.join(filed_as)}"
    return f"{people_said(people)}: these are {these}"


def search_said(rec, searched: str, filters: dict | None, recs: list, aged: list[str], kids: bool,
                dropped: list[str], unaged: str) -> list[str]:
    """The sentences a text search's answer says, in the page's order: the ages, prices and sizes left out, how
    the words were read, what the catalogue has none of, and a person read as a wearer.

    ``searched`` is the query searched for (corrected where it was); ``aged`` and ``kids`` what
    ``read_ages`` took out of the typed query, leaving ``unaged``; ``dropped`` the prices, sizes and ratings then
    left out (:func:`searched_words`); ``filters`` those searched with, the price :func:`price_filter` made of them
    among them.
    """
    notes = rec.reading_notes(searched, filters)
    # What the catalogue has none of, as the page says it over its closest matches: "jacket for girls" and
    # "gold jeans" had only ``unmatched`` in the API (a stop 63 trial). Where names have every word, the page lists
    # those and says neither.
    words_found = rec.browse(filters or None, searched, limit=0)[0]
    if recs and not any(" has no " in n for n in notes) and not words_found:
        absent = rec.absent_kind(searched)
        kind = None if absent else rec.absent_combination(searched)
        if absent:
            notes.append(absent_said(absent, "these are the closest matches"))
        elif kind:
            notes.append(f"The catalogue has no {kind}; these are the closest matches by meaning.")
    # A person read as a wearer, as the page says it ("'daughter' reads as Girls: these are ..."): the API
    # listed girls' shoes for "shoes for my daughter" without a word (a stop 63 trial).
    # Whose products they are where the words' matches fill the list, as the page says it over a page of them; over
    # a few and the closest matches after them, the reading alone, as the page says it there.
    people = people_named(searched) if recs and words_found and not (filters or {}).get("gender") else []
    if people:
        notes.append((people_listed(rec, searched, filters) if words_found >= len(recs) else people_said(people)) + ".")
    # Ages, prices, sizes and ratings left out, first, as the page says them (the API listed them in ``left_out``
    # alone).
    said = [ages_said(aged, kids) + "."] if aged else []
    if dropped:
        priced = [p for p in dropped if p in price_words(unaged)[1]]
        ranked = [p for p in dropped if p not in priced and p in rank_words(unaged)[1]]
        sized = [p for p in dropped if p not in priced and p not in ranked]
        if rec.prices() is not None and priced:
            # A shop's prices (stop 64): "under 500" a filter, said; a price word that bounds none, said left out.
            bounds = (filters or {}).get(PRICE_FILTER)
            used = price_range(priced)[1] if bounds else []
            if used:
                said.append(price_read_said(bounds, used))
            unread = [p for p in priced if p not in used]
            if unread:
                said.append(unbounded_said(unread))
            priced = []
        if priced or sized or ranked:
            lacks, words, n = lacking(priced, sized, ranked)
            said.append(f"The catalogue has no {lacks}, so {words} {'was' if n == 1 else 'were'} left out of the "
                        "search.")
    return said + notes
