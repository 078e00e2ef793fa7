"""What a text search says of how it read a query: ``/api/search/text``'s ``note`` and ``recommend text --json``'s.

One function for both, so that the CLI's JSON stays the API's answer to the same request: the API's note came to
say the prices left out and what the catalogue has none of, and the CLI's did not (a stop 63 full run).
"""

from __future__ import annotations

import numpy as np

from fashionrec.filed_elsewhere import filed_notes
from fashionrec.item_tables import PRICE_FILTER, SALE_FILTER, price_of
from fashionrec.regular_prices import is_sale_word
from fashionrec.results import Rec, in_list_order
from fashionrec.text_search import NEWEST, absent_said, ages_said, people_named, people_said, sort_key
from fashionrec.vocabulary import (
    KIDS_NAME,
    SURELY_PRICE,
    arrival_order,
    genders_named,
    lacking,
    price_order,
    price_range,
    price_range_said,
    price_read_said,
    price_said,
    price_words,
    rank_words,
    tidied,
    without_price_or_size,
    words_order_said,
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
    bounds = price_range([p for p in dropped if p in price_words(unaged)[1]], rec.price_scale())[0]
    return {**({PRICE_FILTER: bounds} if bounds else {}), **sale_filter(rec, dropped)}


def sale_filter(rec, dropped: list[str]) -> dict:
    """``{"on_sale": True}`` where ``dropped`` (the price words left out of a query) asks for products on sale ("on
    sale", "discounted", regular_prices.SALE_WORDS) and ``rec``'s items keep regular prices; else {} (stop 76:
    "dresses on sale" was searched as "dresses", the sale left out, in a shop whose export says its sales)."""
    return {SALE_FILTER: True} if any(map(is_sale_word, dropped)) and rec.on_sale() is not None else {}


def sale_said(rec, priced: list[str], filters: dict | None) -> str:
    """The note's sentence for the sale words among ``priced`` in a catalogue with prices: read as a filter where
    ``filters`` has the sale's, else that no product is on sale (its export gives no regular price above a price:
    nothing listed, and the words not said to be price words a price bound is asked with); "" where none is."""
    words = [p for p in priced if is_sale_word(p)]
    if not words:
        return ""
    said = f"{' and '.join(map(repr, words))} {'was' if len(words) == 1 else 'were'}"
    if (filters or {}).get(SALE_FILTER):
        return f"{said} read as a filter: products on sale, priced below their regular price."
    return (f"No product of the catalogue is on sale (its export gives no regular price above a price), so {said} "
            "left out of the search.")


# How many of a text search's best matches a sort or a preference by price orders (stop 65): the results are the
# search's (its words, filters and relevance cut), then ordered, so "cheapest shirts" lists the cheapest of the
# shirts it finds, not of the catalogue. Said where the search found as many (a catalogue of thousands of shirts).
# 200: on the 39,730-product index a search of 200 took 150-210 ms against 40-70 ms for 10, one of 1,000 1.8-3.7 s
# (docs/history.md "Stop 65, prices"); /api/items?sort= orders every product the words match.
SORT_POOL = 200


def text_order(rec, unaged: str, dropped: list[str], sort: str | None = None) -> tuple[str, bool, list[str]] | None:
    """The order a text search lists in, as :func:`~fashionrec.vocabulary.price_order` gives it: ``sort`` as
    asked ("price", "-price"; the API's and the CLI's, a 422 where the catalogue has no prices), else what the
    price words left out of ``unaged`` (``dropped``, :func:`searched_words`) say ("cheapest", "premium"), where
    ``rec``'s products have prices; None for the search's own order."""
    if sort:
        rec.browse(limit=0, sort=sort)      # refused, saying why, as /api/items refuses it
        return sort, True, []
    priced = price_order([p for p in dropped if p in price_words(unaged)[1]]) if rec.prices() is not None else None
    # "new arrivals", "latest kurta": newest first where products have years (stop 74); a price's order first.
    return priced or (arrival_order([p for p in dropped if p in rank_words(unaged)[1]])
                      if rec.years() is not None else None)


def ordered_search(rec, query: str, filters: dict | None, k: int, cut: float | None,
                   order: tuple[str, bool, list[str]] | None) -> tuple[list[Rec], str | None]:
    """(``rec.search_text``'s k results for ``query``, the sentence that says their order or None): in the search's
    own order without ``order`` (:func:`text_order`); with one, up to :data:`SORT_POOL` of its best matches, and for
    a strict order the first products with every word in it (:func:`_first_worded`), ordered by price, a sort or a
    soft preference, the first k of them."""
    if not order:
        return rec.search_text(query, k=k, filters=filters or None, min_similarity=cut), None
    pool = rec.search_text(query, k=max(k, SORT_POOL), filters=filters or None, min_similarity=cut)
    first = _first_worded(rec, query, filters, k, order, {r.id for r in pool}, cut is not None)
    both = pool + (first or [])
    key, median = sort_key(np.array([price_of(r.item) for r in both], np.float64), _years_of(both), *order[:2])
    recs = in_list_order([both[i] for i in np.argsort(key, kind="stable")[:k]])     # (by price: scores capped again)
    # Of every product with the words, not only of the search's best matches.
    return recs, order_said(rec, order, median, len(pool) if first is None else 0)


def _first_worded(rec, query: str, filters: dict | None, k: int, order: tuple[str, bool, list[str]],
                  listed: set[int], relevant: bool = True) -> list[Rec] | None:
    """The first k products with every word of ``query`` in a strict ``order`` (a sort, "cheapest", "latest"), as
    ``/api/items`` and the catalogue page list them, but those ``listed``: "latest kurta" ordered the search's 200
    best matches, all from 2012 on the full index, where the page and ``/api/items?q=kurta&sort=newest`` begin with
    the 2016 ones of the 1,749 kurtas (stop 75). ``relevant`` (the search's relevance cut): of the type and wearer
    the words name, as the search keeps them ("shirts": no kurta named "... Shirt"). None for a soft preference
    ("cheap": the half of the search's own matches), or where no product has the words."""
    if not order[1]:
        return None
    # As many as the search's pool: those of another type or wearer (below) may come first in that order.
    total, items = rec.browse(filters or None, query, limit=max(k, SORT_POOL), sort=order[0])
    if not total:
        return None
    asked = {key: set(v) for key, v in rec.asked_for(query).items() if key in ("gender", "articleType")} \
        if relevant else {}
    items = [d for d in items if int(d["id"]) not in listed and all(d.get(key) in v for key, v in asked.items())][:k]
    sims = rec.text_similarity(query, [int(d["id"]) for d in items]) if items else []
    return [Rec(int(d["id"]), float(sim), f"has every word of {query!r}; text similarity {sim:.2f}", d,
                card_reason="Has every word") for d, sim in zip(items, sims, strict=True)]


def _years_of(recs: list) -> np.ndarray:
    """(len(recs),) float64: each result's year, NaN where it has none."""
    years = [r.item.get("year") for r in recs]
    return np.array([float(y) if isinstance(y, (int, float, np.number)) and y == y else np.nan for y in years])


def order_said(rec, order: tuple[str, bool, list[str]], median: float | None, listed: int) -> str:
    """The note's sentence for the order of a search's results (:func:`text_order`): the words read as it, or the
    sort asked for; and where the search found :data:`SORT_POOL`, that they are the best as many, ordered."""
    sort, strict, used = order
    said = (words_order_said(order, median, rec.currency()) if used
            else "Sorted by year, newest first, as asked." if sort == NEWEST
            else f"Sorted by price, {'cheapest' if sort == 'price' else 'dearest'} first, as asked.")
    if listed >= SORT_POOL:
        said += f" (Of the search's {SORT_POOL:,} best matches.)"
    return said


def unread_said(unread: list[str], sorted_as_asked: bool = False, end: str = ".") -> list[str]:
    """The sentences for price words left out where the catalogue has prices: those that would order the products
    ("cheapest", "premium"), because a sort was asked for (``sorted_as_asked``) or they ask for opposite orders
    ("cheapest premium shirts"), then the rest (:func:`unbounded_said`). The API's, the CLI's and the page's."""
    ordering = [p for p in unread if price_order([p])]
    rest = [p for p in unread if p not in ordering]
    said = []
    if ordering:
        words = f"{' and '.join(map(repr, ordering))} {'was' if len(ordering) == 1 else 'were'} left out"
        said.append(f"{words}: the sort asked for orders the products{end if not rest else '.'}" if sorted_as_asked
                    else f"{words}: they ask for opposite orders by price{end if not rest else '.'}")
    if rest:
        said.append(unbounded_said(rest, end))
    return said


def unbounded_said(unread: list[str], end: str = ".") -> str:
    """The sentence for price words that bound no price ("cheap", "around 1000"), left out where the catalogue has
    prices (not "the catalogue has no prices"): the API's note, the CLI's JSON and the page say it alike."""
    return (f"{' and '.join(map(repr, unread))} {'was' if len(unread) == 1 else 'were'} left out of the search: "
            f"{PRICE_HINT}{end}")


def price_missed_said(rec, q: str | None, filters: dict, price: tuple) -> str | None:
    """Why an answer bounded by ``price`` is empty where products match but for their price, with the prices they
    have: `/api/items?q=shirts&max_price=500` and text search's "shirts under 500" on a shop whose 20 shirts cost
    1,039 and more answered nothing and said nothing of it (a new user's trial, stop 65). None where nothing matches
    even so. The API's `/api/items` and text search say it, and the CLI's `recommend text`."""
    unpriced = {k: v for k, v in filters.items() if k != PRICE_FILTER} or None
    total, cheapest = rec.browse(unpriced, q, offset=0, limit=1, sort="price")
    if not total:
        return None
    dearest = rec.browse(unpriced, q, offset=0, limit=1, sort="-price")[1]
    costs = [cost for d in (*cheapest, *dearest) if np.isfinite(cost := price_of(d))]
    # In the shop's currency, as its cards say the prices (stop 66, a review: "they cost 299 to 1,099" beside ₹299).
    # ... and the price asked for too (stop 67: "priced 500 or less" beside "they cost ₹299 to ₹1,099").
    currency = rec.currency()
    have = (f"they cost {price_said(costs[0], currency)} to {price_said(costs[-1], currency)}" if costs
            else "none of them has a price")
    return (f"None of the {total:,} products that match is priced {price_range_said(price, currency)}: {have}; "
            "widen the price or leave it out.")


def price_alone(rec, unaged: str, filters: dict | None, k: int,
                sort: str | None = None) -> tuple[list, list[str], list | None, str] | None:
    """A text search whose words say a price and nothing else ("under 500", "between 500 and 1000 rupees"), where
    ``rec``'s products have prices: (k products so priced under ``filters``, as the catalogue page lists them and
    in its order, as :class:`~fashionrec.results.Rec` with score 0; the price words left out; the price filter's
    (lowest, highest); the note); in a catalogue without prices, no products and a note that says so where the words
    ask for a sale alone. None for any other query, or where its words bound no price ("cheap" alone):
    searched as typed, as before. The API and the CLI searched "under 500" as typed, by meaning, where the page
    listed every product so priced (stop 64). A word that orders by price ("cheapest under 500", "premium")
    or ``sort`` orders them (stop 65), "cheapest" alone listing every product cheapest first."""
    rest, said = price_words(unaged)
    alone = bool(said) and not rest.strip(" .,!?;:")
    if rec.prices() is None:
        # "sale" or "on sale" alone in a catalogue without prices: said, as "dresses on sale" is and as a catalogue
        # with prices and no sale says it (below), not searched by meaning without a word ("sale" listed 3 sports
        # shoes and watches on the 40k index, "on sale" a shirt; a review of stop 77). A price alone ("under 500")
        # is searched as typed there, as before (test_prices).
        if alone and all(map(is_sale_word, said)):
            typed = list(dict.fromkeys(said))       # "sale sale": 'sale' once
            words = f"{' and '.join(map(repr, typed))} {'was' if len(typed) == 1 else 'were'}"
            # ("nothing else was asked" not where filters were: they were, but no words to search under them)
            return [], said, None, (f"The catalogue has no prices, so {words} left out of the search"
                                    + ("" if filters else " and nothing else was asked") + ": search for a product "
                                    "type, a colour or a brand, such as 'blue jeans'.")
        return None
    bounds, used = price_range(said, rec.price_scale()) if alone else (None, [])
    order = text_order(rec, unaged, [p for p in said if p not in used], sort) if alone else None
    sale = sale_filter(rec, said) if alone else {}
    if not (bounds or order and order[2] or sale):
        # "sale" alone where no product is on sale: said, not searched by meaning without a word of it.
        return ([], said, None, sale_said(rec, said, sale)) if alone and any(map(is_sale_word, said)) else None
    wanted = {**(filters or {}), **({PRICE_FILTER: bounds} if bounds else {}), **sale}
    total, items = rec.browse(wanted or None, None, limit=k, sort=order[0] if order else None,
                              strict=order[1] if order else True)
    currency = rec.currency()
    recs = [Rec(id=int(d["id"]), score=0.0, reason=", ".join(
        [f"priced {price_said(cost, currency)}" if np.isfinite(cost := price_of(d)) else "no price",
         *([price_range_said(bounds, currency)] if bounds else [])]), item=d) for d in items]
    unread = [p for p in said if p not in used and not (order and p in order[2]) and not is_sale_word(p)]
    note = [price_read_said(bounds, used, currency, rec.price_scale())] if bounds else []
    sold = sale_said(rec, said, sale)
    note += [sold] if sold else []
    if order:
        note.append(order_said(rec, order, rec.price_median(wanted or None) if not order[1] else None, 0))
    note.extend(unread_said(unread, bool(sort)))
    how = "in the catalogue's order" if not order else "in that order"
    these = ("products on sale" + (" so priced" if bounds else "") if sale else "products so priced" if bounds
             else "the catalogue's products")
    note.append(f"Nothing but a price was asked, so these are {these} {how}, "
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
    # A price word that orders and that names have ("CSK Mens Premium Jersey", "ADIDAS ... Duramo Luxury ..."): searched
    # with, not an order, where a product under the filters has every word with it, as a rating word is (stop 65).
    named = [p for p in dropped if p in price_words(unaged)[1] and price_order([p]) and not SURELY_PRICE.search(p)]
    if named:
        kept = unaged
        for p in dropped:
            kept = kept.replace(p, " ", 1) if p not in named else kept
        if rec.browse(filters or None, tidied(kept), limit=0)[0]:
            query, dropped = tidied(kept), [p for p in dropped if p not in named]
    rest, ranked = rank_words(query)
    # An arrival word orders by year where products have one (stop 74), whether or not a name has it.
    arriving = (arrival_order(ranked) or (None, None, []))[2] if ranked and rec.years() is not None else []
    if ranked and rest.strip() and (arriving or not rec.browse(filters or None, query, limit=0)[0]):
        return rest, dropped + ranked
    return query, dropped


def arrivals_alone(rec, unaged: str, filters: dict | None, k: int) -> tuple[list, list[str], str] | None:
    """A text search whose words ask for the newest and nothing else ("new arrivals", "latest", "new in"), where
    ``rec``'s products have years: (k products under ``filters``, the latest year first, as
    :class:`~fashionrec.results.Rec` with score 0; the words left out; the note), as "cheapest" alone is answered
    (:func:`price_alone`). None for any other query. "new arrivals" was searched by meaning and matched nothing in
    the API, and listed all 39,730 products in the catalogue's order on the page (stop 74, a shopper's trial)."""
    rest, ranked = rank_words(unaged)
    order = arrival_order(ranked) if rec.years() is not None and not rest.strip(" .,!?;:") else None
    if not order:
        return None
    total, items = rec.browse(filters or None, None, limit=k, sort=NEWEST)
    recs = [Rec(id=int(d["id"]), score=0.0, reason=f"from {d['year']}" if d.get("year") is not None else "no year",
                item=d) for d in items]
    unread = [p for p in ranked if p not in order[2]]
    note = [words_order_said(order)]
    if unread:
        note.append(f"The catalogue has no ratings, so {' and '.join(map(repr, unread))} "
                    f"{'was' if len(unread) == 1 else 'were'} left out.")
    note.append(f"Nothing but the newest was asked, so these are the catalogue's products in that order, "
                f"{len(recs):,} of {total:,}." if total else "No product is chosen by the filters.")
    return recs, unread, " ".join(note)


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
    # Not the other child's: a child's filter counts the children's unisex products too (ItemTables._childs_filter),
    # so "shoes for my daughter" said "these are boys', girls' and unisex products" of 51 products none of them a
    # boy's (32 unisex, 13 girls', 6 children's filed as women's on the 40k index; a review of stop 77).
    other_child = {"Boys", "Girls"} - set(wearers) if set(wearers) <= {"Boys", "Girls"} else set()
    listed = [g for g in POSSESSIVE if g in genders and g not in other_child
              and rec.browse({**(filters or {}), "gender": g}, query, limit=0)[0]]
    filed_as = []    # grown-ups' genders whose listed products are all named for children
    if set(wearers) <= {"Boys", "Girls"}:
        # "shoes for my daughter" said "these are women's, girls' and unisex products", the women's being 6
        # children's shoes filed as Women ("Timberland Women Juniors ...", a stop 63 trial).
        # A child's filter lists those itself (ItemTables._worn_by), whose names KIDS_NAME does not all read:
        # "dress for my daughter" said "women's and girls' products" of 79 products all children's, 27 filed as
        # Women, one of them "Palm Tree Girls Beyonce White & Blue Dress" (a review of stop 77).
        worn: set[int] | None = None
        for g in [g for g in listed if g in ("Men", "Women")]:
            n, rows = rec.browse({**(filters or {}), "gender": g}, query, limit=CHILDREN_FILED_MAX)
            if n <= CHILDREN_FILED_MAX and worn is None:
                # (Of the children the catalogue files any products under: a filter of another is refused.)
                worn = {int(d["id"]) for w in wearers if w in genders for d in rec.browse(
                    {**(filters or {}), "gender": w}, query,
                    limit=rec.browse({**(filters or {}), "gender": w}, query, limit=0)[0])[1]}
            if n <= CHILDREN_FILED_MAX and all(KIDS_NAME.search(d.get("productDisplayName") or "")
                                               or int(d["id"]) in worn for d in rows):
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
                dropped: list[str], unaged: str, ordered: tuple[list[str], str | None] = ([], None)) -> list[str]:
    """The sentences a text search's answer says, in the page's order: the ages, prices and sizes left out, how
    the words were read, what the catalogue has none of, and a person read as a wearer.

    ``searched`` is the query searched for (corrected where it was); ``aged`` and ``kids`` what
    ``read_ages`` took out of the typed query, leaving ``unaged``; ``dropped`` the prices, sizes and ratings then
    left out (:func:`searched_words`); ``filters`` those searched with, the price :func:`price_filter` made of them
    among them; ``ordered`` the price words read as the results' order ("cheapest") and the sentence that says it
    (:func:`ordered_search`), said after the price's.
    """
    notes = rec.reading_notes(searched, filters)
    # What the catalogue has none of, as the page says it over its closest matches: "jacket for girls" and
    # "gold jeans" had only ``unmatched`` in the API (a stop 63 trial). Where names have every word, the page lists
    # those and says neither.
    words_found = rec.browse(filters or None, searched, limit=0)[0]
    if recs and not any(" has no " in n for n in notes) and not words_found:
        absent = rec.absent_kind(searched)
        kind = None if absent else rec.absent_combination(searched)
        # "kurta pajama", "denim jacket": two types, or a cloth and a type, no product has together (stop 65).
        together = None if absent or kind else rec.absent_together(searched)
        if absent:
            notes.append(absent_said(absent, "these are the closest matches"))
        elif kind:
            notes.append(f"The catalogue has no {kind}; these are the closest matches by meaning.")
        elif together:
            notes.append(f"{together}; these are the closest matches by meaning.")
    # What the search matched none of, sold out (stop 75: "red dress" listed other colours without a word of the
    # shop's one red dress, sold out).
    gone = rec.sold_out_said(searched, rec.unmatched(searched, recs)) if recs and not words_found else None
    if gone:
        notes.append(gone)
    # A person read as a wearer, as the page says it ("'daughter' reads as Girls: these are ..."): the API
    # listed girls' shoes for "shoes for my daughter" without a word (a stop 63 trial).
    # Whose products they are where the words' matches fill the list, as the page says it over a page of them; over
    # a few and the closest matches after them, the reading alone, as the page says it there.
    people = people_named(searched) if recs and words_found and not (filters or {}).get("gender") else []
    if people:
        notes.append((people_listed(rec, searched, filters) if words_found >= len(recs) else people_said(people)) + ".")
    # The occasion's other colours and the children's products filed under another gender, as the page says them
    # (they were the page's alone, stop 68's shopper trial).
    notes += filed_notes(rec, searched, filters, recs, words_found)
    # Ages, prices, sizes and ratings left out, first, as the page says them (the API listed them in ``left_out``
    # alone).
    said = [ages_said(aged, kids) + "."] if aged else []
    if dropped:
        priced = [p for p in dropped if p in price_words(unaged)[1]]
        ranked = [p for p in dropped if p not in priced and p in rank_words(unaged)[1] and p not in ordered[0]]
        sized = [p for p in dropped if p not in priced and p not in ranked and p not in ordered[0]]
        if rec.prices() is not None and priced:
            # A shop's prices (stop 64): "under 500" a filter, said; a price word that bounds none, said left out.
            bounds = (filters or {}).get(PRICE_FILTER)
            used = price_range(priced)[1] if bounds else []
            if used:
                said.append(price_read_said(bounds, used, rec.currency(), rec.price_scale()))
                missed = None if recs else price_missed_said(rec, searched, filters, bounds)
                said += [missed] if missed else []
            sale = sale_said(rec, priced, filters)
            said += [sale] if sale else []
            unread = [p for p in priced if p not in used and p not in ordered[0] and not is_sale_word(p)]
            said.extend(unread_said(unread, bool(ordered[1]) and not ordered[0]))
            priced = []
        if priced or sized or ranked:
            lacks, words, n = lacking(priced, sized, ranked)
            said.append(f"The catalogue has no {lacks}, so {words} {'was' if n == 1 else 'were'} left out of the "
                        "search.")
    if ordered[1]:
        said.append(ordered[1])
    return said + notes


# The search a note offers where nothing matches, as the catalogue page's link does (pages.EXAMPLE_SEARCH).
NOTHING_EXAMPLE = "blue jeans"


def hidden_alone(rec, parsed: dict[str, list[str]]) -> dict[str, list[str]]:
    """Of ``parsed`` (what a search's words ask for: {column: values}, ``asked_for``'s), the values every product
    of which the shop hides ({column: values}; {} where none): a search of them finds nothing, as of a type the
    catalogue lacks, and said nothing of why (stop 76)."""
    hidden = rec.hidden_rows()
    if not hidden.any():
        return {}
    alone: dict[str, list[str]] = {}
    for column, values in parsed.items():
        if column not in rec.items:
            continue
        cells = rec.items[column].astype(str).to_numpy()
        gone = [v for v in values if (cells == v).any() and not ((cells == v) & ~hidden).any()]
        if gone:
            alone[column] = gone
    return alone


def hidden_alone_said(rec, alone: dict[str, list[str]]) -> str:
    """What the shop is told of ``alone`` (:func:`hidden_alone`): "every product of articleType 'Ties' (2) is hidden
    by the shop, so none is listed; a shopper is told nothing matches"."""
    each = [f"{column} {value!r} ({int((rec.items[column].astype(str) == value).sum())})"
            for column, values in alone.items() for value in values]
    return (f"every product of {' and of '.join(each)} is hidden by the shop, so none is listed; a shopper is told "
            "nothing matches (`fashionrec index stock --unhide IDS` shows them)")


def without_hidden(parsed: dict[str, list[str]], alone: dict[str, list[str]]) -> dict[str, list[str]]:
    """``parsed`` without the values of ``alone`` (:func:`hidden_alone`): what a shopper is told a search read, as
    of a word the catalogue never had ("ties" read {'articleType': ['Ties']} where every tie is hidden)."""
    kept = {column: [v for v in values if v not in alone.get(column, ())] for column, values in parsed.items()}
    return {column: values for column, values in kept.items() if values}


def nothing_said(query: str, filters: dict | None) -> str:
    """The note of a text search that lists nothing: the API said nothing where the catalogue page says "Nothing in
    the catalogue matches" (a type the catalogue lacks, one whose products are all hidden, a word no product has;
    stop 76)."""
    if filters:
        return (f"no product matches {query!r} with the filters given ("
                + ", ".join(f"{k}={v}" for k, v in filters.items()) + "): try fewer filters")
    return (f"nothing in the catalogue matches {query!r}: try a product type, a colour or a brand, such as "
            f"{NOTHING_EXAMPLE!r}")
