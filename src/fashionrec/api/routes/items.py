"""``/api/items``: browse, one item, similar items, complete the look, add a product."""

from __future__ import annotations

import logging
from typing import Annotated, Literal, NoReturn
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response

from fashionrec.api.deps import (
    Filters,
    IncludeSoldOut,
    ItemId,
    K,
    Photo,
    RootDep,
    ServiceDep,
    SettingsDep,
    known_form_only,
    known_query_only,
    listed_ids,
    read_upload,
    readable_query,
    require_api_key,
)
from fashionrec.api.hidden_reads import ShopRefusal, hidden_to, to_the_shop
from fashionrec.api.revalidation import answering
from fashionrec.api.routes.search import found_by_text
from fashionrec.api.schemas import MAX_LIKED, Created, Error, Item, ItemPage, RecList, image_url, to_item, to_rec
from fashionrec.catalog import ATTRIBUTES, ID_AS_WRITTEN
from fashionrec.errors import BadInputError, NotFoundError
from fashionrec.filed_elsewhere import kids_filed_elsewhere, kids_said
from fashionrec.item_tables import PRICE_FILTER
from fashionrec.looks import short_look
from fashionrec.regular_prices import is_sale_word
from fashionrec.results import PRODUCT_PAGE
from fashionrec.text_notes import price_alone, price_missed_said
from fashionrec.vocabulary import price_overlap, price_range, price_read_said, price_words, without_price_or_size
from fashionrec.word_search import RARE_SPELLING

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/items", tags=["items"], dependencies=[Depends(known_query_only)])
ERRORS = {404: {"model": Error}, 422: {"model": Error}}
PAGE_LIMIT = 24     # items a page of /api/items unless asked otherwise
# A change: no or a wrong key (401, 403), a bad request (422, also a non-integer id), an index another process
# wrote since this one loaded it (409), a body over its limit (413, api.app.BodyLimit; a DELETE's too), the index
# folder's disk full (507: the change is not saved, the index left as it was), the folder served read-only (503).
CHANGE_ERRORS = {401: {"model": Error}, 403: {"model": Error}, 409: {"model": Error}, 413: {"model": Error},
                 422: {"model": Error}, 503: {"model": Error}, 507: {"model": Error}}


@router.get("", response_model=ItemPage, responses=ERRORS)
def browse_items(
    request: Request,
    response: Response,
    service: ServiceDep,
    root: RootDep,
    refusal: ShopRefusal,
    filters: Filters,
    q: Annotated[str | None, Query(max_length=200, description="Words in the product name.")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int | None, Query(ge=1, le=100, description=f"Items a page ({PAGE_LIMIT}).")] = None,
    ids: Annotated[str | None, Query(max_length=4000, description="Comma-separated product ids, at most "
                                     f"{MAX_LIKED}: exactly these items, in this order (e.g. a shopper's saved "
                                     "products); not with filters, q or paging.")] = None,
    skip_unknown: Annotated[bool, Query(description="With ids: leave out ids the catalogue does not have "
                                        "(listed in 'unknown') instead of answering 404.")] = False,
    sort: Annotated[Literal["price", "-price", "newest"] | None, Query(
        description="Where the shop's catalogue has prices: 'price' cheapest first, '-price' dearest first "
        "(products without a price last); where products have years, 'newest' the latest year first; left out, "
        "the search's own order.")] = None,
    min_price: Annotated[float | None, Query(ge=0, allow_inf_nan=False, description="Where the catalogue has "
                                             "prices: only products priced this or more.")] = None,
    max_price: Annotated[float | None, Query(ge=0, allow_inf_nan=False, description="Where the catalogue has "
                                             "prices: only products priced this or less. A price in q "
                                             "('shirts under 500') bounds it too.")] = None,
    include_sold_out: IncludeSoldOut = False,
) -> ItemPage:
    """Browse the catalogue with attribute filters and a text query, a page at a time; or fetch given ids."""
    if ids is None and skip_unknown:
        # Answered with the whole catalogue as if it applied (a code review): it is a choice about ids only.
        raise BadInputError("skip_unknown applies to ids only (?ids=15970,39386&skip_unknown=true): send ids with "
                            "it, or leave it out to browse")
    if ids is not None:
        if filters or q or offset or limit is not None or sort or min_price is not None or max_price is not None:
            # limit was dropped without a word (an API fuzz)
            raise BadInputError("ids cannot be combined with filters, q, sort, min_price, max_price, offset or limit; "
                                "ask for either")
        typed = listed_ids(ids)
        with answering(service, request, response), to_the_shop(refusal):
            wanted = service.rec.ids_named(typed)
            unknown = list(dict.fromkeys(w for w in wanted if w not in service.rec.items.index))
            if unknown and not skip_unknown:
                _no_such_ids(service.rec, unknown)
            # The products the shop hides: the shop's alone (its key), as each one's own read (api.hidden_reads); a
            # saved list's went to anyone, name and price (stop 76). Left out, said as sent, not listed as unknown:
            # a shopper's saved product stays saved until the shop shows it again (For you keeps it).
            hidden = ({w for w in wanted if w not in unknown and service.rec.is_hidden(w)} if refusal is not None
                      else set())
            withheld = [t for t, w in zip(typed, wanted, strict=True) if w in hidden]
            found = [to_item(service.rec.item(w), w, root) for w in wanted if w not in unknown and w not in hidden]
            unknown_as_written = service.rec.ids_as_written(unknown)
        note = (f"{len(withheld)} of the ids ({', '.join(map(repr, withheld[:10]))}) name products not shown in the "
                "shop now: left out (the shop's X-API-Key reads them)" if withheld else None)
        return ItemPage(total=len(found), offset=0, limit=len(found), items=found, unknown=unknown,
                        unknown_as_written=unknown_as_written, note=note)
    limit = limit or PAGE_LIMIT
    q = readable_query(q) if q and q.strip() else None     # blank: the whole catalogue, as the web UI's box
    with answering(service, request, response, include_sold_out):
        # Prices (a shop's, stop 64): min_price and max_price, and the price words of q read as the catalogue page
        # reads them ("shirts under 500"), a filter; q's other words searched.
        q, filters, price, said = items_priced(service.rec, q, filters, min_price, max_price)
        # Sale words alone in a catalogue without prices: no products and text search's note (its one function).
        alone = (price_alone(service.rec, " ".join(said[1]), filters, 0)
                 if said[1] and not q and service.rec.prices() is None else None)
        total, page = ((0, []) if alone else
                       service.rec.browse(filters or None, q, offset=offset, limit=limit, sort=sort))
        # A misspelt word found nothing here and jeans in text search and on the web page (an integrator's trial).
        # And a catalogue misspelling's product or two ("puple top": one "Puple" top; stop 73).
        corrected = service.rec.correction(q, filters or None) if q and total <= RARE_SPELLING else None
        found = (service.rec.browse(filters or None, corrected, offset=offset, limit=limit, sort=sort) if corrected
                 else (0, []))
        if found[0]:    # by its words: a correction found by meaning only is text search's to show
            total, page = found
        else:
            corrected = None
        missed = price_missed_said(service.rec, q, filters, price) if price and not total else None
        # A child's filter and a type say what they leave out, as the catalogue page and text search do (Gender:
        # Boys, Type: Sports Shoes, 3 of the full catalogue's; "sports shoes for boys" finds 15): said nowhere here
        # (stop 68's notes helper). With no words only: the words' count is of the type, not of q's.
        kids = kids_filed_elsewhere(service.rec, filters) if not q else None
        # Where text search lists some (not for "qwzxv", which it finds nothing like: a code review).
        unpriced = {k: v for k, v in filters.items() if k != PRICE_FILTER}    # text search takes no price param
        by_meaning = (f"{root}/api/search/text?{urlencode({'q': ' '.join([q or '', *said[1]]).strip(), **unpriced})}"
                      if q and not total and found_by_text(service.rec, without_price_or_size(q)[0], filters, 1)[0][0]
                      else None)
    note = (f"offset {offset} is past the last of the {total:,} products that match: the last page starts at offset "
            f"{(total - 1) // limit * limit}" if total and not page else alone[3] if alone
            else " ".join(filter(None, (said[0], missed, kids and kids_said(kids)))) or None)
    return ItemPage(total=total, offset=offset, limit=limit, items=[to_item(d, root=root) for d in page],
                    corrected=corrected, by_meaning=by_meaning, note=note, price=list(price) if price else None)


def items_priced(rec, q: str | None, filters: dict, min_price: float | None,
                 max_price: float | None) -> tuple[str | None, dict, tuple | None, tuple[str | None, list[str]]]:
    """(q's words to search, ``filters`` with the price filter, its (lowest, highest) or None, (what the answer's
    note says of it or None, q's price words read as one)) for ``/api/items``: ``min_price``/``max_price`` and the
    price words of ``q`` ("shirts under 500", "around 1000", :func:`~fashionrec.vocabulary.price_range`) both
    bound it, where ``rec``'s products have prices. A catalogue without prices keeps q as typed (its answers
    unchanged) and refuses min_price and max_price, saying why."""
    bounds: tuple | None = None
    if min_price is not None or max_price is not None:
        if min_price is not None and max_price is not None and min_price > max_price:
            raise BadInputError(f"min_price {min_price:g} is above max_price {max_price:g}: send the lower as "
                                "min_price")
        bounds = (min_price, max_price)
    if not q or rec.prices() is None:
        q, said = _sale_left_out(q) if q else (q, (None, []))
        return q, {**filters, **({PRICE_FILTER: bounds} if bounds else {})}, bounds, said
    rest, words = price_words(q)
    read, used = price_range(words, rec.price_scale()) if words else (None, [])
    said = None
    if read:
        bounds = price_overlap(read, bounds)
        if bounds is None:
            raise BadInputError(f"q's {' and '.join(map(repr, used))} and min_price/max_price leave no price "
                                "between them: send one or the other")
        said = price_read_said(read, used, rec.currency(), rec.price_scale())
        q = rest if rest.strip(" .,!?;:") else None     # a price alone: every product so priced
    return q, {**filters, **({PRICE_FILTER: bounds} if bounds else {})}, bounds, (said, used)


def _sale_left_out(q: str) -> tuple[str | None, tuple[str | None, list[str]]]:
    """In a catalogue without prices: ``q`` without its sale words ("dresses on sale": "dresses"; None where they
    were all of it) and (the note that says so, the sale words), as text search and the catalogue page say it; q
    as typed where it has none. Its other price words ("under 500") are searched as typed, as before (stop 64).
    ``/api/items?q=sale`` answered 0 products and no note there (a review of stop 77)."""
    rest, words = price_words(q)
    sale = [w for w in words if is_sale_word(w)]
    if not sale:
        return q, (None, [])
    kept = " ".join([rest.strip(), *(w for w in words if w not in sale)]).strip()
    if not kept.strip(" .,!?;:"):
        return None, (None, sale)       # the sale words alone: text search's answer and note (price_alone)
    typed = list(dict.fromkeys(sale))
    return kept, (f"The catalogue has no prices, so {' and '.join(map(repr, typed))} "
                  f"{'was' if len(typed) == 1 else 'were'} left out of the search.", sale)


def _no_such_ids(rec, unknown: list[int]) -> NoReturn:
    """A 404 for ``ids`` naming every id the catalogue lacks, why the first is not there, and the way on: the first
    alone was named, which read as if the others were there, and skip_unknown went unsaid (a code review; the
    profile's 404 says it)."""
    try:
        rec.item(unknown[0])
    except NotFoundError as e:
        first = e
    else:                   # gone between the two looks: said plainly
        first = NotFoundError(f"there is no product {rec.id_said(unknown[0])} in this catalogue")
    way = "add skip_unknown=true to get the others, with these listed in 'unknown'"
    if len(unknown) == 1:
        raise NotFoundError(f"{first}; {way}", shopper=first.shopper)
    raise NotFoundError(f"{len(unknown)} of the ids are not in this catalogue "
                        f"({rec.ids_said(unknown)}); the first: "
                        f"{first}; {way}", shopper=first.shopper)


@router.get("/{item_id}", response_model=Item, responses=ERRORS)
def get_item(item_id: ItemId, request: Request, response: Response, service: ServiceDep, root: RootDep,
             refusal: ShopRefusal) -> Item:
    """Metadata and the model's predicted attributes of one item; of one the shop hides, with the API key alone
    (``hidden`` true; else a 404, as its page)."""
    with answering(service, request, response), to_the_shop(refusal):
        found = service.rec.id_typed(item_id)
        hidden_to(service.rec, found, item_id, refusal)
        return to_item(service.rec.item(found), found, root)


@router.get("/{item_id}/similar", response_model=RecList, responses=ERRORS)
def similar_items(
    item_id: ItemId,
    request: Request,
    response: Response,
    service: ServiceDep,
    root: RootDep,
    refusal: ShopRefusal,
    filters: Filters,
    k: K = 10,
    diversity: Annotated[float, Query(ge=0.0, le=1.0, description="0: closest; 1: most varied among the "
                                      "max(4k, 50) closest, which keep to its type and colour.")] = 0.0,
    other_colours: Annotated[bool, Query(description="Of any colour but this one's, each colour's closest "
                                         "first.")] = False,
    colourways: Annotated[Literal["exclude", "include"] | None, Query(
        description="Its colourways (named as it is but for the colour) that /other-colours shows: exclude, as its "
                    "product page does, so that a page listing both shows none twice; include. Left out: excluded, "
                    "unless other_colours or a baseColour filter asks for other colours.")] = None,
    include_sold_out: IncludeSoldOut = False,
) -> RecList:
    """Items that look like this one, optionally filtered, or in its other colours; as its product page lists
    them, without the colourways `/other-colours` shows (``colourways=include`` keeps them). Of a product the shop
    hides, with the API key alone (said in ``note``; else a 404, as its page)."""
    with answering(service, request, response, include_sold_out), to_the_shop(refusal):
        found = service.rec.id_typed(item_id)
        note = hidden_to(service.rec, found, item_id, refusal)
        recs = service.rec.similar(found, k=k, filters=filters or None, diversity=diversity,
                                   other_colours=other_colours, colourways=colourways)
    return RecList(results=[to_rec(r, root) for r in recs], note=note)


@router.get("/{item_id}/other-colours", response_model=RecList, responses=ERRORS)
def in_other_colours(item_id: ItemId, request: Request, response: Response, service: ServiceDep, root: RootDep,
                     refusal: ShopRefusal, k: K = PRODUCT_PAGE["other_colours"],
                     include_sold_out: IncludeSoldOut = False) -> RecList:
    """Its kind in other colours, one product a colour, as its product page shows them under its 12 similar
    items: none of those again, nor a copy of their photos (what `recommend export` writes as other_colours at
    its default sizes)."""
    # Not similar?other_colours=true, which leaves the similar items in: a shop's front end could not show the
    # page's row over HTTP (an integrator's trial).
    with answering(service, request, response, include_sold_out), to_the_shop(refusal):
        found = service.rec.id_typed(item_id)
        note = hidden_to(service.rec, found, item_id, refusal)     # the shop's alone, as /similar
        recs = service.rec.product_page(found, colours_k=k)[1]
    return RecList(results=[to_rec(r, root) for r in recs], note=note)


@router.get("/{item_id}/outfit", response_model=RecList, responses=ERRORS)
def complete_the_look(
    item_id: ItemId,
    request: Request,
    response: Response,
    service: ServiceDep,
    root: RootDep,
    refusal: ShopRefusal,
    # k=20 gave 5 without a word (an integrator's trial): a look has one piece per slot.
    k: Annotated[int, Query(ge=1, le=100, description="At most this many pieces, one per slot of the look (a "
                            "look has 2 to 6 slots, so fewer come back above that).")] = 4,
    include_sold_out: IncludeSoldOut = False,
) -> RecList:
    """Items from other categories that go with this one, one per slot of the look, best slots first."""
    with answering(service, request, response, include_sold_out), to_the_shop(refusal):
        found = service.rec.id_typed(item_id)
        hidden = hidden_to(service.rec, found, item_id, refusal)     # the shop's alone, as /similar
        recs = service.rec.complete_the_look(found, k=k)
    return RecList(results=[to_rec(r, root) for r in recs],
                   note=" ".join(filter(None, (hidden, short_look(len(recs), k)))) or None)


async def id_as_sent(request: Request) -> str | None:
    """The form's id as sent ("0038645"), which its integer field reads as 38645: kept as the shop writes it."""
    given = (await request.form()).get("id")
    return given.strip() if isinstance(given, str) and given.strip() else None


@router.post("", response_model=Created, status_code=201, dependencies=[Depends(require_api_key),
                                                                         Depends(known_form_only)],
             responses=CHANGE_ERRORS)
def add_item(
    service: ServiceDep,
    settings: SettingsDep,
    root: RootDep,
    productDisplayName: Annotated[str, Form(min_length=1, max_length=300)],
    photo: Photo,
    gender: Annotated[str | None, Form(max_length=50)] = None,
    masterCategory: Annotated[str | None, Form(max_length=50)] = None,
    subCategory: Annotated[str | None, Form(max_length=50)] = None,
    articleType: Annotated[str | None, Form(max_length=50)] = None,
    baseColour: Annotated[str | None, Form(max_length=50)] = None,
    season: Annotated[str | None, Form(max_length=50)] = None,
    year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
    usage: Annotated[str | None, Form(max_length=50)] = None,
    # Text, read as styles.csv's price column reads a cell: "1.299,00" was a 422 "not a number" (stop 70).
    price: Annotated[str | None, Form(max_length=50, description="Its price, where the shop's catalogue has "
                                      "prices (a filter for 'shirts under 500' and on its card): 1299, ₹1,299 or "
                                      "1.299,00, read as styles.csv's price column is.")] = None,
    regular_price: Annotated[str | None, Form(max_length=50, description="Its regular price while on sale, above "
                                              "its price (shown struck through beside it), read as price is.")
                             ] = None,
    # Text, read as styles.csv's stock column is (a number or yes/no): refused before any work, a 422 that says so.
    stock: Annotated[str | None, Form(max_length=50, description="Its stock level: a whole number (0 is sold "
                                      "out: left out of every list unless include_sold_out) or yes/no; left out, "
                                      "none (available).")] = None,
    allow_new_values: Annotated[bool, Form(description="Accept a gender, category, type, colour, usage or season "
                                           "no product has yet (else refused as a likely typo).")] = False,
    id: Annotated[int | None, Form(ge=1, le=2**63 - 1, description="The product's id (your SKU number); "
                                   "default: one above every id the index has held. Sent with leading "
                                   "zeros ('0038645'), it is kept so: id_as_written.")] = None,
    sent: Annotated[str | None, Depends(id_as_sent)] = None,
) -> Created:
    """Add a product to the live index (needs ``X-API-Key``); it is saved and survives a restart."""
    if not productDisplayName.strip():
        raise BadInputError("productDisplayName is blank: give the product a name")
    im, data = read_upload(photo, settings)
    metadata = {k: v for k, v in dict(
        productDisplayName=productDisplayName, gender=gender, masterCategory=masterCategory,
        subCategory=subCategory, articleType=articleType, baseColour=baseColour, season=season,
        year=year, usage=usage, id=id, price=price, regular_price=regular_price, stock=stock).items()
        if v not in (None, "")}
    if id is not None and sent is not None:
        metadata[ID_AS_WRITTEN] = sent
    warnings: list[str] = []
    with service.change() as exclusive:
        row = service.rec.left_out_row(id)      # a catalogue row without a photo: its labels were given
        new_id = int(service.rec.add_product(im, metadata, allow_new_values=allow_new_values, warnings=warnings,
                                             exclusive=exclusive, source_file=data))
        item = service.rec.item(new_id)
    log.info("added product %d %r", new_id, productDisplayName)     # repr: a newline in it is no log line
    filled = {head: item.get(head) for head in ATTRIBUTES          # not a label left empty (stop 69), as the CLI
              if head not in {*metadata, *row} and item.get(head) not in (None, "")}
    return Created(id=new_id, id_as_written=str(item.get(ID_AS_WRITTEN) or new_id),
                   image_url=image_url(new_id, item.get(ID_AS_WRITTEN), root), warnings=warnings, filled_in=filled)


@router.delete("/{item_id}", response_model=Item, dependencies=[Depends(require_api_key)],
               responses={**CHANGE_ERRORS, 404: {"model": Error}})
def remove_item(item_id: ItemId, service: ServiceDep, root: RootDep) -> Item:
    """Take a product out of the live index (needs ``X-API-Key``); returns what it was. Saved at once."""
    with service.change() as exclusive:
        found = service.rec.id_typed(item_id)
        item = service.rec.remove_product(found, exclusive=exclusive)
    log.info("removed product %d %r", found, item.get("productDisplayName"))
    return to_item(item, found, root)
