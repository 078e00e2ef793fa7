"""What a text search says of how it read a query: ``/api/search/text``'s ``note`` and ``recommend text --json``'s.

One function for both, so that the CLI's JSON stays the API's answer to the same request: the API's note came to
say the prices left out and what the catalogue has none of, and the CLI's did not (a stop 63 full run).
"""

from __future__ import annotations

from fashionrec.item_tables import PRICE_FILTER
from fashionrec.text_search import absent_said, ages_said, people_named, people_said
from fashionrec.vocabulary import lacking, price_range, price_range_said, price_words

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


def search_said(rec, searched: str, filters: dict | None, recs: list, aged: list[str], kids: bool,
                dropped: list[str], unaged: str) -> list[str]:
    """The sentences a text search's answer says, in the page's order: the ages, prices and sizes left out, how
    the words were read, what the catalogue has none of, and a person read as a wearer.

    ``searched`` is the query searched for (corrected where it was); ``aged`` and ``kids`` what
    ``read_ages`` took out of the typed query, leaving ``unaged``; ``dropped`` the prices and sizes then taken out
    of it; ``filters`` those searched with, the price :func:`price_filter` made of them among them.
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
    people = people_named(searched)
    if recs and people and words_found and not (filters or {}).get("gender"):
        notes.append(people_said(people) + ".")
    # Ages, prices and sizes left out, first, as the page says them (the API listed them in ``left_out`` alone).
    said = [ages_said(aged, kids) + "."] if aged else []
    if dropped:
        priced = [p for p in dropped if p in price_words(unaged)[1]]
        sized = [p for p in dropped if p not in priced]
        if rec.prices() is not None and priced:
            # A shop's prices (stop 64): "under 500" a filter, said; a price word that bounds none, said left out.
            bounds = (filters or {}).get(PRICE_FILTER)
            used = price_range(priced)[1] if bounds else []
            if used:
                said.append(f"Only products priced {price_range_said(bounds)}: "
                            f"{' and '.join(map(repr, used))} {'was' if len(used) == 1 else 'were'} read as a price.")
            unread = [p for p in priced if p not in used]
            if unread:
                said.append(f"{' and '.join(map(repr, unread))} {'was' if len(unread) == 1 else 'were'} left out of "
                            f"the search: {PRICE_HINT}.")
            priced = []
        if priced or sized:
            lacks, words, n = lacking(priced, sized, [])
            said.append(f"The catalogue has no {lacks}, so {words} {'was' if n == 1 else 'were'} left out of the "
                        "search.")
    return said + notes
