"""What a text search says of how it read a query: ``/api/search/text``'s ``note`` and ``recommend text --json``'s.

One function for both, so that the CLI's JSON stays the API's answer to the same request: the API's note came to
say the prices left out and what the catalogue has none of, and the CLI's did not (a stop 63 full run).
"""

from __future__ import annotations

from fashionrec.text_search import absent_said, ages_said, people_named, people_said
from fashionrec.vocabulary import lacking, price_words


def search_said(rec, searched: str, filters: dict | None, recs: list, aged: list[str], kids: bool,
                dropped: list[str], unaged: str) -> list[str]:
    """The sentences a text search's answer says, in the page's order: the ages, prices and sizes left out, how
    the words were read, what the catalogue has none of, and a person read as a wearer.

    ``searched`` is the query searched for (corrected where it was); ``aged`` and ``kids`` what
    ``read_ages`` took out of the typed query, leaving ``unaged``; ``dropped`` the prices and sizes then left out.
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
        lacks, words, n = lacking(priced, [p for p in dropped if p not in priced], [])
        said.append(f"The catalogue has no {lacks}, so {words} {'was' if n == 1 else 'were'} left out of the search.")
    return said + notes
