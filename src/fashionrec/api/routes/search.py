"""Search by photo and by text, and classify a photo."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from fashionrec.api.deps import (
    Filters,
    IncludeSoldOut,
    K,
    Photo,
    RootDep,
    ServiceDep,
    SettingsDep,
    known_form_only,
    known_query_only,
    read_image,
    readable_query,
)
from fashionrec.api.hidden_reads import ShopRefusal
from fashionrec.api.revalidation import answering
from fashionrec.api.schemas import Classification, Error, ImageSearch, RecList, to_look, to_predictions, to_rec
from fashionrec.catalog import is_greyscale
from fashionrec.item_tables import SALE_FILTER
from fashionrec.pairing import pairing_said, read_search
from fashionrec.regular_prices import is_sale_word
from fashionrec.text_notes import (
    arrivals_alone,
    hidden_alone,
    hidden_alone_said,
    nothing_said,
    ordered_search,
    price_alone,
    price_filter,
    search_said,
    searched_words,
    text_order,
    without_hidden,
)
from fashionrec.text_search import RELEVANT_TEXT_SIMILARITY, read_ages
from fashionrec.vocabulary import price_range

router = APIRouter(tags=["search"], dependencies=[Depends(known_query_only)])
UPLOAD_ERRORS = {413: {"model": Error}, 422: {"model": Error}}


@router.post("/api/search/image", response_model=ImageSearch, responses=UPLOAD_ERRORS,
             dependencies=[Depends(known_form_only)])
def search_by_image(file: Photo, service: ServiceDep, settings: SettingsDep, root: RootDep, filters: Filters,
                    k: K = 10, include_sold_out: IncludeSoldOut = False) -> ImageSearch:
    """Predicted attributes of an uploaded photo and the catalogue items that look most like it."""
    im = read_image(file, settings)
    with service.reading(include_sold_out):
        found = service.rec.similar_to_image(im, k=k, filters=filters or None)
    predicted, recs = found
    return ImageSearch(predicted=to_predictions(predicted), results=[to_rec(r, root) for r in recs],
                       closest_similarity=found.closest, unfamiliar=found.unfamiliar,
                       unlike_filtered=found.unlike_filtered, turned=found.turned, greyscale=found.greyscale,
                       same_as=found.same_as)


@router.get("/api/search/text", response_model=RecList, responses={422: {"model": Error}})
def search_by_text(
    request: Request,
    response: Response,
    service: ServiceDep,
    root: RootDep,
    refusal: ShopRefusal,
    filters: Filters,
    q: Annotated[str, Query(min_length=1, max_length=200, description="e.g. 'red summer dress'")],
    k: K = 10,
    # The default is the web UI's and the CLI's: "asdfgh" found 3 products here and nothing there.
    min_similarity: Annotated[float, Query(
        ge=-1.0, le=1.0, description="Drop results that match no query word as a type, colour, gender, usage "
        "or season and are less similar to the query than this (as the web UI and the CLI do); -1: k results "
        "whatever the query, the type and wearer it names ranking first")] = RELEVANT_TEXT_SIMILARITY,
    # As /api/items and the catalogue page sort (stop 65): the search's matches, then ordered by price.
    sort: Annotated[Literal["price", "-price", "newest"] | None, Query(
        description="Where the shop's catalogue has prices: 'price' cheapest first, '-price' dearest first, of the "
        "products the search finds (up to its 200 best; products without a price last); where products have "
        "years, 'newest' the latest year first; left out, the search's own order, or the order a word of q asks "
        "('cheapest', 'most expensive', 'latest', 'new arrivals'; 'cheap' and 'premium' the cheaper or dearer "
        "half first).")] = None,
    include_sold_out: IncludeSoldOut = False,
) -> RecList:
    """Items matching a text query."""
    # An age first, as the catalogue page reads it: "kurta for 5 year old" left out "for 5" as a price and listed
    # women's kurtas, where the page listed kids' ones (a stop 63 trial).
    typed = readable_query(q)
    unaged, aged, kids = read_ages(typed)
    if not unaged.strip():      # "30 year old" alone leaves nothing: searched as typed, as a price alone is
        unaged, aged = typed, []
    with answering(service, request, response, include_sold_out):
        # A price and nothing else ("under 500"), in a shop's catalogue with prices: products so priced, as the
        # catalogue page lists them, not the words searched by meaning as typed (stop 64).
        alone = None if aged else price_alone(service.rec, unaged, filters, k, sort)
        if alone:
            recs, unread, price, note = alone
            return RecList(results=[to_rec(r, root) for r in recs], left_out=unread, note=note,
                           price=list(price) if price else None)
        # "new arrivals" alone: the newest products (stop 74), as "cheapest" alone lists the cheapest.
        newest = None if aged or sort else arrivals_alone(service.rec, unaged, filters, k)
        if newest:
            recs, unread, note = newest
            return RecList(results=[to_rec(r, root) for r in recs], left_out=unread, note=note)
        # Prices, sizes and a rating word no name has with the rest, as the page leaves them out.
        query, dropped = searched_words(service.rec, unaged, filters)
        # "shoes to go with a red dress": the dress's wearer and colour, as the catalogue page reads it after the
        # prices, sizes and ratings are out (stop 68); the look it offers, as the page does (stop 72).
        # A misspelt word corrected before the pairing reads the words: "shoes for a prty dress" read as shoes for
        # any dress, its Party lost (stop 73).
        respelt = service.rec.correction(query, filters or None) if query.strip() else None
        query = respelt or query
        paired, look = read_search(service.rec, query, filters)
        if paired:
            query = paired.searched
        # "under 500" a filter where the shop's catalogue has prices (stop 64), before the top k as the others.
        priced = price_filter(service.rec, dropped, unaged)
        filters = {**(filters or {}), **priced}
        price = priced.get("price")
        # "cheapest", "premium": the results' order, where the catalogue has prices (stop 65); or sort, as asked.
        order = text_order(service.rec, unaged, dropped, sort)
        # What it asked of price and searched with, or ordered by, is not left out.
        left_out = aged + [p for p in dropped if (not price or p not in price_range(dropped)[1])
                           and not (order and p in order[2]) and not (priced.get(SALE_FILTER) and is_sale_word(p))]
        cut = None if min_similarity <= -1 else min_similarity   # as the CLI's -1
        (recs, ordered), corrected = found_by_text(service.rec, query, filters, k, cut, order)
        unmatched = service.rec.unmatched(corrected or query, recs)
        # Of what it asks for, not what it leaves out: "tshirt not black" gave {'baseColour': ['Black']}, which
        # reads as a search for black T-shirts (a shopper's trial and a code review).
        parsed = service.rec.asked_for(corrected or query)
        # How the words were read where the results alone do not show it: "rose gold watch" listed "Copper"
        # watches without a word why (a shopper's trial); the catalogue page says the same.
        searched = corrected or query
        # A type (colour, ...) whose products the shop all hides: said to the shop (its key); to a shopper, as a
        # type the catalogue lacks, its reading left out (stop 76: 0 results, parsed the type, no note).
        alone = hidden_alone(service.rec, parsed)
        if alone and refusal is not None:
            parsed = without_hidden(parsed, alone)
        note = " ".join([*([pairing_said(paired, repr)] if paired else []),
                         *search_said(service.rec, searched, filters, recs, aged, kids, dropped, unaged,
                                      (order[2] if order else [], ordered)),
                         *([hidden_alone_said(service.rec, alone)] if alone and refusal is None else [])]) or None
        if not recs and not note:       # as the catalogue page says it: the API said nothing (stop 76)
            note = nothing_said(typed, {k: v for k, v in filters.items() if k != "price"})
    return RecList(results=[to_rec(r, root) for r in recs], left_out=left_out, corrected=corrected or respelt,
                   unmatched=unmatched, parsed=parsed, note=note, price=list(price) if price else None,
                   look=look and to_look(look, root))


def found_by_text(rec, query: str, filters: dict, k: int, cut: float | None = RELEVANT_TEXT_SIMILARITY,
                  order: tuple | None = None) -> tuple:
    """((the text search's results for ``query``, the sentence saying their ``order`` or None), the correction it
    searched instead or None), as ``/api/search/text`` answers (:func:`~fashionrec.text_notes.ordered_search`);
    the caller holds the service's read lock."""
    corrected = rec.correction(query, filters or None)    # "sunglasess" found nothing, no hint
    return ordered_search(rec, corrected or query, filters, k, cut, order), corrected


@router.post("/api/classify", response_model=Classification, responses=UPLOAD_ERRORS,
             dependencies=[Depends(known_form_only)])
def classify(file: Photo, service: ServiceDep, settings: SettingsDep,
             top: Annotated[int | None, Query(ge=1, le=1000, description="Labels per attribute, best first "
                                              "(default: every class; 141 article types with the shipped model, "
                                              "a new user's trial found that long)")] = None) -> Classification:
    """Every attribute the model predicts for a photo, with probabilities for every class (or the ``top`` best)."""
    im = read_image(file, settings)
    # Under the read lock: photo_query searches the index, which an added or removed product changes, and the
    # tagger is the one of the index being served (a reload may bring another model's).
    with service.reading():
        tagger = service.rec.tagger
        top = top or max(len(c) for c in tagger.classes.values())
        query = service.rec.photo_query(im)
        predicted = tagger.decode(query.probs, 0, top=top)    # as photo search sees it
        unfamiliar = service.rec.unfamiliar(query)
    return Classification(predicted=to_predictions(predicted), closest_similarity=query.closest, unfamiliar=unfamiliar,
                          turned=query.turned, greyscale=is_greyscale(im))
