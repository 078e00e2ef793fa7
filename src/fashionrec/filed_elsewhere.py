"""What a search leaves out because of how the catalogue files its products, said alike by the catalogue page, by
``/api/search/text``'s note and by ``recommend text``: a type's products of an occasion in other colours than the
one asked for ("red party dress"), and a child's products filed under Unisex or a grown-up's gender.

Both were the page's alone (stop 68's shopper trial); computed here once so that the three cannot drift apart.
"""

from __future__ import annotations

from fashionrec.errors import BadInputError
from fashionrec.item_tables import PRICE_FILTER
from fashionrec.vocabulary import said_types

CHILDREN = ("Boys", "Girls")


def occasion_in_other_colours(rec, query: str) -> dict | None:
    """Where ``query`` names one type, one usage and one colour ("red party dress") and no product of the type
    has both (for the wearer it names, if one): ``{"colour", "usage", "n", "types", "colours", "filters"}``, the
    colours that type's products of that usage come in, how many, and the filters that list them; else None.
    Under the service's read lock."""
    asked = rec.parse_query(query)
    wearers = [g for g in asked.get("gender", []) if g != "Unisex"]
    if any(len(asked.get(k, [])) != 1 for k in ("articleType", "usage", "baseColour")) or len(wearers) > 1:
        return None
    chosen = {"articleType": asked["articleType"][0], "usage": asked["usage"][0],
              **({"gender": wearers[0]} if wearers else {})}
    if rec.browse({**chosen, "baseColour": asked["baseColour"][0]}, limit=0)[0]:
        return None
    colours = rec.facets(chosen)["baseColour"]
    n = sum(colours.values())
    if not n:
        return None
    named = [c.lower() for c in sorted(colours, key=colours.get, reverse=True)[:3]]
    said = ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1]
    return {"colour": asked["baseColour"][0].lower(), "usage": chosen["usage"], "n": n,
            "types": said_types([chosen["articleType"]]),
            "colours": said + (" among others" if len(colours) > 3 else ""), "filters": chosen}


def occasion_said(found: dict) -> str:
    """:func:`occasion_in_other_colours`'s answer as the API and the CLI say it (the page's words, its link as the
    filters that list them)."""
    filters = ", ".join(f"{k}={v}" for k, v in found["filters"].items())
    return (f"No {found['colour']} {found['types']} are filed under {found['usage']}: the {found['n']:,} "
            f"{found['usage']} {found['types']} come in {found['colours']} (filters {filters}).")


def kids_filed_elsewhere(rec, filters: dict | None) -> dict | None:
    """Where ``filters`` choose a child's gender and a type (Gender: Boys, Type: Sports Shoes, 3 products) and the
    words "sports shoes for boys" find more with the other filters (15: "ADIDAS Kids Unisex" and "Lotto Kids-Boy"
    ones filed Unisex among them): ``{"words", "n", "have", "rest"}``, the words, how many they find, how many the
    filters list and the other filters to search them with; else None. Under the service's read lock."""
    try:
        # In the catalogue's spelling: `recommend text --gender boys` (as the search reads it) said nothing (stop
        # 69's review), where the API, which spells its filters so first, said it.
        filters = rec.check_filters(filters)
    except BadInputError:
        return None
    gender, kind = filters.get("gender"), filters.get("articleType")
    if gender not in CHILDREN or not kind:
        return None
    words = f"{kind} for {gender}".lower()
    rest = {k: v for k, v in filters.items() if k not in ("gender", "articleType")}
    more = rec.browse(rest or None, words, limit=0)[0]
    have = rec.browse(filters, limit=0)[0]
    return {"words": words, "n": more, "have": have, "rest": rest} if more > have else None


def kids_said(found: dict) -> str:
    """:func:`kids_filed_elsewhere`'s answer as the API and the CLI say it."""
    return (f"Some children's products are filed under Unisex or a grown-up's gender: {found['words']!r} finds "
            f"{found['n']:,}, where the filters list {found['have']:,}.")


def filed_notes(rec, searched: str, filters: dict | None, recs: list, words_found: int) -> list[str]:
    """The sentences of both for a text search of ``searched`` with ``filters`` that gave ``recs``, of which
    ``words_found`` products have every word: the occasion's colours over closest matches by meaning with no
    filter chosen (as the page says it), the children's products wherever the filters choose a child and a type."""
    notes = []
    chosen = {k: v for k, v in (filters or {}).items() if k != PRICE_FILTER}
    if recs and not words_found and not chosen:
        occasion = occasion_in_other_colours(rec, searched)
        notes += [occasion_said(occasion)] if occasion else []
    kids = kids_filed_elsewhere(rec, filters)
    return notes + ([kids_said(kids)] if kids else [])
