"""The web UI: server-rendered pages (Jinja2) on top of the same recommender the API uses."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from fashionrec.api.deps import (
    FILTER_KEYS,
    ItemId,
    RootDep,
    ServiceDep,
    SettingsDep,
    app_path,
    readable_text,
    root_path,
)
from fashionrec.api.hidden_reads import hidden_to
from fashionrec.api.reports import (
    SERVABLE,
    TEXT_SUFFIXES,
    eda_dir,
    eda_of_another,
    find_model_report,
    markdown_to_html,
    plots_from_files,
    safe_file,
    without_server_paths,
)
from fashionrec.api.schemas import to_item, to_rec
from fashionrec.catalog import ATTRIBUTES
from fashionrec.errors import NotFoundError
from fashionrec.filed_elsewhere import kids_filed_elsewhere, occasion_in_other_colours
from fashionrec.item_tables import SALE_FILTER, price_of
from fashionrec.pairing import look_offered, pairing_said, read_pairing
from fashionrec.regular_prices import is_sale_word, percent_off
from fashionrec.results import PRODUCT_PAGE
from fashionrec.stock import showing_sold_out, sold_out_shown
from fashionrec.text_notes import people_listed, price_missed_said, sale_filter, sale_said, unread_said
from fashionrec.text_search import (
    CLOTHES_WORDS,
    NEWEST,
    RELEVANT_TEXT_SIMILARITY,
    SORTS,
    absent_said,
    ages_said,
    people_named,
    people_said,
    price_order_key,
    read_ages,
    sort_key,
)
from fashionrec.vocabulary import (
    BARE_NUMBER,
    SHARE,
    SURELY_PRICE,
    amount,
    arrival_order,
    lacking,
    price_order,
    price_overlap,
    price_range,
    price_read_said,
    price_said,
    price_words,
    rank_words,
    said_types,
    size_words,
    tidied,
    words_order_said,
)
from fashionrec.word_search import RARE_SPELLING, search_words

# A product's number as a shopper copies it from its page: "15970", "Product 15970", "#15970", "item no. 15970".
PRODUCT_NUMBER = re.compile(r"((?:product|item|style|id)\s*(?:no\.?|number|#)?\s*|#\s*)?(\d{1,12})", re.IGNORECASE)

# A shopper who writes of a photo ("something like this photo", "shoes like my picture") wants the photo search,
# which the box cannot do: no name has the word, and the page said only "Nothing in the catalogue matches" and
# offered "blue jeans" (a shopper's trial, stop 67).
PHOTO_WORDS = re.compile(r"\b(?:photo|picture|pic|image|snap|screenshot)s?\b", re.IGNORECASE)

WEB = Path(__file__).resolve().parents[2] / "web"


def _addresses(request: Request) -> dict:
    """What every page's links are built of: ``root``, the path the server is reached under ("/recs" behind a
    proxy's /recs/, else ""), which every address a page gives starts with; ``here``, the page's path within
    the app (the navigation marks the page it is on)."""
    return {"root": root_path(request), "here": app_path(request.scope)}


# The query parameter a page's lists show sold-out products by (stop 68), as the API's endpoints read it.
SOLD_OUT = "include_sold_out"
IncludeSoldOut = Annotated[bool, Query(alias=SOLD_OUT, description="List sold-out products too, marked "
                                       "'Sold out' (stop 68); kept in the page's links.")]


def sold_out_choice(handler):
    """A page's handler run with its ``include_sold_out`` in force (:func:`~fashionrec.stock.sold_out_shown`) for
    every read it makes and for the links its template writes (:func:`sold_out_kept`): the page had no such choice,
    and a shopper or a merchandiser could not see a sold-out product in its place (stop 67 left them out of every
    list)."""
    @functools.wraps(handler)       # (FastAPI reads the handler's own parameters)
    def run(*args, **kwargs):
        state = kwargs["request"].state
        # The page's own template offers the choice (_sold_out_toggle); not an error page rendered after it raised.
        state.lists_products = True
        try:
            with sold_out_shown(bool(kwargs.get("include_sold_out"))):
                return handler(*args, **kwargs)
        finally:
            state.lists_products = False
    return run


def sold_out_kept(url: str) -> str:
    """``url`` (a page of this site) with ``include_sold_out=true`` where the page showing it shows sold-out
    products: a filter, the next page or a product's card went back to hiding them."""
    if not showing_sold_out() or not isinstance(url, str):
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != SOLD_OUT]
    return urlunsplit(parts._replace(query=urlencode([*query, (SOLD_OUT, "true")])))


def _sold_out_toggle(request: Request) -> dict:
    """The page's choice to show or hide sold-out products: on a page that lists products (the catalogue, a
    product's, and, by app.js, which reads the address, the photo search's and the picks': :func:`sold_out_choice`)
    where the index has sold-out ones, the address of this page with it turned the other way (from the first page of
    a list)."""
    service = getattr(request.app.state, "service", None)
    shown = showing_sold_out()
    if service is None or not getattr(request.state, "lists_products", False):
        return {"sold_out_shown": shown, "sold_out_toggle": None}
    with service.reading():
        # Those a shopper could be shown: not the shop's hidden ones (a Magento shop's sizes, each a hidden product of
        # its own, 134 "sold-out products hidden" where 68 were; stop 77), which showing sold-out ones leaves out too.
        count = int((service.rec.sold_out_rows() & ~service.rec.hidden_rows()).sum())
    if not count:
        return {"sold_out_shown": shown, "sold_out_toggle": None}
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in (SOLD_OUT, "page")]
    turned = urlencode([*query, *([] if shown else [(SOLD_OUT, "true")])])
    return {"sold_out_shown": shown, "sold_out_count": count,
            "sold_out_toggle": f"{root_path(request)}{app_path(request.scope)}" + (f"?{turned}" if turned else "")}


templates = Jinja2Templates(directory=WEB / "templates", context_processors=[_addresses, _sold_out_toggle])
templates.env.filters["kept"] = sold_out_kept
templates.env.filters["price"] = price_said      # a shop's price on a card: "1,299" (stop 64), "₹1,299" (stop 65)
# A product on sale (stop 76, regular_prices): its regular price struck through and the share off ("-40%").
templates.env.globals["percent_off"] = percent_off
router = APIRouter(include_in_schema=False)
PAGE_SIZE = 24
# What a ticked box sends: its value ("true", the page's), or a browser's "on" for one without a value.
TICKED = frozenset({"true", "1", "on", "yes"})
MAX_QUERY = 200
# A longer one typed into the address bar (or pasted from elsewhere) is cut to MAX_QUERY and said, not an error
# page without a search box ("That address is not valid", a shopper trial).
MAX_ADDRESS_QUERY = 8000     # a pasted paragraph of 5,000 was an error page; uvicorn's request line holds 16 KiB
QUOTED_MAX = 60      # characters of a shopper's words a notice repeats


def _quoted(text: str) -> str:
    """A shopper's words as a notice quotes them; a long search cut at a word, with an ellipsis (three notices
    each repeated a 200-character search whole, a shopper's trial)."""
    if len(text) <= QUOTED_MAX:
        return repr(text)
    cut = text[:QUOTED_MAX]
    return repr((cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:. ") + "…")


# An occasion's filter is offered only where it keeps fewer than this share of the products listed: one keeping
# 1,742 of 1,749 narrows nothing a shopper would see.
NEARLY_ALL = 0.95
CLOSEST_MAX = 4 * PAGE_SIZE   # how deep the semantic fallback of a search with no word match goes
# What shoppers read instead of the catalogue's column names.
LABELS = {"gender": "Gender", "masterCategory": "Category", "subCategory": "Group",
          "articleType": "Type", "baseColour": "Colour", "usage": "Usage", "season": "Season"}
templates.env.globals["labels"] = LABELS
# The search a page whose words found nothing offers to try instead (as a link, stop 66).
EXAMPLE_SEARCH = "blue jeans"
URL_ALIASES = {"colour": "baseColour", "color": "baseColour", "type": "articleType", "category": "masterCategory"}


@router.get("/", response_class=HTMLResponse)
@sold_out_choice
def catalogue_page(
    request: Request,
    service: ServiceDep,
    root: RootDep,
    include_sold_out: IncludeSoldOut = False,
    q: Annotated[str, Query(max_length=MAX_ADDRESS_QUERY)] = "",
    page: Annotated[int, Query(ge=1)] = 1,
    closest: Annotated[str, Query(max_length=MAX_QUERY, description="The query whose closest matches to show "
                                  "even where some names have all its words")] = "",
    corrected: Annotated[str, Query(max_length=MAX_QUERY, description="The misspelt query this one corrects")] = "",
    searched: Annotated[str | None, Query(max_length=MAX_QUERY, description="The query the filters were chosen "
                                          "for (the page's form sends it, empty where there was none)")] = None,
    # Where the shop's catalogue has prices (stop 64). Text, not numbers: a bad one is said and ignored, as a
    # filter value the catalogue lacks is, not an error page.
    sort: Annotated[str, Query(max_length=20, description="'price' cheapest first, '-price' dearest first, "
                               "'newest' the latest year first")] = "",
    min_price: Annotated[str, Query(max_length=20, description="Only products priced this or more")] = "",
    max_price: Annotated[str, Query(max_length=20, description="Only products priced this or less")] = "",
    boxed_by: Annotated[str, Query(alias="worded", max_length=MAX_QUERY, description="The price words of the search "
                                   "in ``searched`` that set the sort and price boxes (the page's form sends them)")
                        ] = "",
    # The "On sale" box (stop 77), where the catalogue has products on sale: text, as the price boxes are ("true").
    on_sale_box: Annotated[str, Query(alias="on_sale", max_length=10, description="'true': only products on sale, "
                                      "priced below their regular price")] = "",
):
    # Filters come straight from the query string; a value the catalogue lacks is dropped with a notice
    # rather than an error page, since it usually comes from an old bookmark.
    chosen, notices = {}, []
    for key in FILTER_KEYS:
        # The names a shopper would type into the address bar too (?colour=red), besides the column names. Every
        # value given: an address with a filter twice (?gender=Men&gender=Women) took the last without a word,
        # where the API refuses it; a page has no one to refuse, so it uses the last the catalogue has and says so.
        names = (key, *(a for a, k in URL_ALIASES.items() if k == key))
        values = [v.strip() for name in names for v in request.query_params.getlist(name) if v.strip()]
        if not values:
            continue
        with service.reading():     # its tables of values change when a product goes in or out
            known = [service.rec.canonical_value(key, v) for v in values]
        usable = [c for c in known if c is not None]
        canonical = usable[-1] if usable else None
        value = canonical or values[-1]
        if len({c or v for c, v in zip(known, values, strict=True)}) > 1:
            notices.append(f"The address gives {LABELS[key].lower()} {len(values)} times "
                           f"({', '.join(map(repr, values))}); {value!r} is used.")
        if canonical is not None:
            chosen[key] = canonical
        else:
            notices.append(f"No {LABELS[key].lower()} called {value!r}; that filter was ignored.")
    # Control characters and bytes that are no UTF-8 (%00, %ff: U+FFFD) out, as the API refuses such a q: they
    # went into the page's title and box as they were, and a notice said "'\x00' has no letters" (a re-trial).
    readable = readable_text(q)
    if q.strip() and not readable.strip():
        notices.append("Your search held no readable text (characters that are not letters, digits or signs), so "
                       "the whole catalogue is shown.")
    q = " ".join(readable.split()) if readable != q else q
    query = q.strip()
    numbered = PRODUCT_NUMBER.fullmatch(query)
    if numbered and not chosen:
        # A product's number, as its page shows it ("Product 15970"): that product, not a price left out; but a
        # model number names have ("4711" perfumes, a watch's id too) lists its products, unless "product" or
        # "#" says it is the product's.
        number = int(numbered.group(2))
        with service.reading():
            known = number in service.rec and (bool(numbered.group(1))
                                               or service.rec.browse(None, query, limit=0)[0] == 0)
        if known:
            return RedirectResponse(sold_out_kept(f"{root}/item/{number}"), status_code=303)
    if len(query) > MAX_QUERY:
        query = query[:MAX_QUERY].rsplit(" ", 1)[0] if " " in query[:MAX_QUERY] else query[:MAX_QUERY]
        notices.append(f"Searches are up to {MAX_QUERY} characters, so the rest of yours was left out.")
        q = query
    # As the API reads it (text_search.read_ages).
    query, aged, kids = read_ages(query)
    unpriced, priced = price_words(query)
    unpriced, sized = size_words(unpriced)
    unpriced, ranked = rank_words(unpriced)
    # "new arrivals", "latest kurta": a sort by year, newest first, where products have years (stop 74), whether or
    # not a name has the words; not "the catalogue has no ... arrival dates" and every product in its own order.
    with service.reading():
        has_years = service.rec.years() is not None
    arriving = arrival_order(ranked) if has_years else None
    if arriving:
        ranked = [p for p in ranked if p not in arriving[2]]
        query = unpriced if not (priced or sized or ranked) else query
    numbers = BARE_NUMBER.findall(unpriced)
    if priced or sized or ranked or numbers:
        unnumbered = " ".join(BARE_NUMBER.sub(" ", unpriced).split())
        with service.reading():
            if service.rec.browse(chosen or None, query, limit=0)[0] > 0:
                # Names have the words, and that is said ("cheap" listed the "Cheap Fast & Easy" T-shirt alone,
                # without a word, a shopper's trial); but not a currency ("₹500 shoes" listed two shoes named
                # "500").
                lacks, words, n = lacking(*([p for p in said if not SURELY_PRICE.search(p)]
                                             for said in (priced, sized, ranked)))
                if n:
                    notices.append(f"The catalogue has no {lacks}; {words} found the products named with "
                                   f"{'it' if n == 1 else 'them'}.")
                priced, sized, ranked = [p for p in priced if SURELY_PRICE.search(p)], [], []
                unpriced = query
                for p in priced:
                    unpriced = unpriced.replace(p, " ", 1)
                unpriced = tidied(unpriced)
            elif numbers and unnumbered and service.rec.browse(chosen or None, unnumbered, limit=0)[0] > 0:
                # "jeans 999": no product has the number, and without it the words find products.
                priced += numbers
                unpriced = unnumbered
    if aged:
        # What is searched is said once, by the last notice that changes it (a price may follow).
        notices.append(ages_said(aged, kids)
                       + (f"; these are the products for {_quoted(query)}." if query and not (priced or sized or ranked)
                          else "."))
    price: dict = {}        # {"price": (lowest, highest)} where the shop's catalogue has prices (stop 64)
    used: list[str] = []    # the words it was read from
    on_sale: list[str] = []     # the sale words read as a filter ("on sale"), which the links and the box keep
    with service.reading():
        has_prices = service.rec.prices() is not None
        currency = service.rec.currency()
    carried = ""        # boxed_by, where the boxes still hold what those words gave and the words are the same
    with service.reading():
        scale = service.rec.price_scale()
    if boxed_by.strip():
        unboxed = _unworded(boxed_by, sort, min_price, max_price, scale)
        if unboxed == (sort, min_price, max_price):
            pass        # the shopper changed them: theirs now
        elif searched is not None and query != searched.strip():
            # A new search typed under the boxes the last one's words filled ("tshirts under 699": Max price 699):
            # theirs, not the shopper's, so not this search's ("jeans" listed jeans of 699 or less; stop 68).
            sort, min_price, max_price = unboxed
        else:
            carried = boxed_by
    sort_by, bounded, said = _price_choices(has_prices, sort, min_price, max_price, currency, scale, has_years)
    # The order listed: the sort chosen, or the one a word asks ("cheapest"; the links carry it as the sort, since
    # they search the words without it); a sort, or the cheaper or dearer half first ("cheap"); the words that
    # asked for it.
    order_by, strict, worded = sort_by, True, None
    notices.extend(said)
    if arriving and not sort_by:
        order_by, worded = NEWEST, arriving
    if priced:
        bounds, used = price_range(priced, scale) if has_prices else (None, [])
        if bounds:
            price = {"price": bounds}
            notices.append(price_read_said(bounds, used, service.rec.currency(), scale))
        unread = [p for p in priced if p not in used]
        sale_words = [p for p in unread if is_sale_word(p)] if has_prices else []
        if sale_words:
            # "jeans on sale" (stop 76): the products on sale where the index keeps regular prices, as the API and
            # `recommend text` read it, said as their note says it; the page said "'on sale' was left out of the
            # search: a price is searched as 'under 500' ..." and listed every pair of jeans.
            unread = [p for p in unread if p not in sale_words]
            with service.reading():
                price.update(sale_filter(service.rec, sale_words))
            notices.append(sale_said(service.rec, sale_words, price))
            on_sale = sale_words if SALE_FILTER in price else []
        # "cheapest", "premium": the order of the products (stop 65), as the API's; the sort chosen goes first.
        order = price_order(unread) if has_prices and not sort_by and not arriving else None
        if order:
            unread = [p for p in unread if p not in order[2]]
            order_by, strict, worded = order[0], order[1], order
        if has_prices and unread:
            # A price word that bounds no price ("cheap", "around 1000"), in a catalogue with prices: not "the
            # catalogue has no prices"; one that orders, where the sort chosen does or they ask for opposite ones.
            notices.extend(unread_said(unread, bool(sort_by), "." if sized or ranked or not unpriced else
                                       f"; these are the products for {_quoted(unpriced)}."))
        if has_prices:
            query, priced = unpriced, []
    # The "On sale" box (stop 77: a shopper had to type "on sale"), offered where a product is on sale now; ticked in
    # an old link where none is, said and left out, as a filter value the catalogue lacks is.
    # A product the shop hides is no product a shopper can be shown on sale (stop 77's integration review: a Magento
    # shop whose one sale was a disabled product's offered the box, and ticked it listed nothing), nor is a sold-out
    # one on a page that leaves sold-out products out (the same review: the box offered, ticked it listed none).
    with service.reading():
        sale_rows = service.rec.on_sale()
        shown = ~service.rec.hidden_rows() if include_sold_out else ~(
            service.rec.hidden_rows() | service.rec.sold_out_rows())
        any_on_sale = sale_rows is not None and bool((sale_rows & shown).any())
        sold_out_on_sale = not any_on_sale and sale_rows is not None and bool(
            (sale_rows & ~service.rec.hidden_rows()).any())
    sale_box = on_sale_box.strip().casefold() in TICKED
    if sale_box and any_on_sale:
        price[SALE_FILTER] = True
    elif sale_box:
        notices.append("No product in stock is on sale now (only sold-out ones are), so the On sale filter was left "
                       "out." if sold_out_on_sale else
                       "No product of the catalogue is on sale now, so the On sale filter was left out.")
        sale_box = False
    boxed_sale = {"on_sale": "true"} if sale_box else {}
    if bounded:
        # The page's price boxes and the words' price both bound it ("shirts under 500" with Min price 300).
        both = price_overlap(bounded, price.get("price"))
        if both is None:
            notices.append(f"The price boxes and {' and '.join(map(repr, used))} leave no price between them, so "
                           "the boxes were left out.")
        else:
            price = {**price, "price": both}
    if priced or sized or ranked:
        # Not where names have the words ("Price Catch" shirts, a "Cheap Fast & Easy" T-shirt).
        query = unpriced
        lacks, said, n = lacking(priced, sized, ranked)
        were = "was" if n == 1 else "were"
        notices.append(f"The catalogue has no {lacks}, so {said} {were} left out of the search"
                       + (f"; these are the products for {_quoted(query)}." if query else "."))

    def with_price() -> dict | None:     # the filters chosen, and the price the words asked for
        return {**chosen, **price} or None

    def with_sale(words: str) -> str:   # ``words`` and the sale words read as a filter, for a link or the box
        return " ".join([words, *on_sale]).strip()

    def respelt(read: str, sure: str) -> RedirectResponse:
        """The page of ``sure``, the correction of ``read`` (the words searched), saying it corrects them. As typed,
        with the misspelt words respelt: "shrits under 500" lost its price on the way, and "jeens under 1000",
        "sneekers size 8" and "tshrt for 5 year old" the words left out of the search and the notice saying so
        (stop 73, a shopper's trial)."""
        kept = _respelt(q, read, sure) or " ".join([sure, *used, *on_sale, *priced, *sized, *ranked])
        return RedirectResponse(sold_out_kept(f"{root}/?" + urlencode(
            {**chosen, "q": kept, "corrected": read, **_price_params(sort_by, bounded), **boxed_sale,
             **({"page": page} if page > 1 else {})})), status_code=303)
    shares = SHARE.findall(query)
    if shares:
        # Kept where names have it (some Hanes names say "100% Cotton"); else "100% cotton shirt" found no name
        # with every word, and its closest matches by meaning held one of the 5 cotton shirts, 68th (a shopper's
        # re-trial).
        unshared = tidied(SHARE.sub(" ", query))
        with service.reading():
            if (unshared and service.rec.browse(chosen or None, query, limit=0)[0] == 0
                    and service.rec.browse(chosen or None, unshared, limit=0)[0] > 0):
                said = " and ".join(repr(" ".join(s.split())) for s in shares)
                notices.append(f"No product's name has {said}, so {'it was' if len(shares) == 1 else 'they were'} "
                               f"left out of the search; these are the products for {_quoted(unshared)}.")
                query = unshared
    with service.reading():
        grown = service.rec.grown_up_reading(query) if query else {}
    if grown:
        # "heels for girls" listed girls' casual shoes as the closest matches, then 96 women's heels by meaning
        # of 1,202: searched with the grown-up's word, and said, since a parent searching for a child is shown
        # grown-ups' products.
        types = said_types(service.rec.parse_query(query)["articleType"])
        read = query
        for gender, word in grown.items():
            read = re.sub(rf"\b{re.escape(word)}\b", gender.lower(), read, flags=re.IGNORECASE)
        said = " and ".join(f"{word!r} as {gender.lower()}" for gender, word in grown.items())
        notices.append(f"The catalogue has no {types} for children, so this reads {said}; these are the products "
                       f"for {read!r}.")
        query = read
    # The look a search for one "to go with" another, or for a whole outfit, offers (fashionrec.pairing.read_search,
    # as /api/search/text's `look`): "office outfit for men" the look of its closest shirt, beside closest matches
    # of any type (stop 71).
    look = paired = None
    unpaired = query        # what a correction's link names: the words before a pairing reads them
    checked = None          # the words whose correction was asked for already, and was none
    if query and not corrected.strip() and closest.strip() != query:
        # Before the pairing reads its words: "shoes for a prty dress" read as shoes for any dress, its Party lost
        # (stop 73).
        with service.reading():
            sure = service.rec.correction(query, with_price())
        if sure:
            return respelt(query, sure)
        checked = query
    if query:
        with service.reading():
            paired = read_pairing(service.rec, query)
        if paired:
            # "shoes to go with a red dress" listed men's red Converse first (a shopper's trial, stop 68).
            notices.append(pairing_said(paired, _quoted, repr))     # the reading whole: it is the page's own
            query = paired.searched
    if query and chosen and searched is not None and query != searched.strip():
        # A new search typed under the last one's filters, naming another wearer, colour or type ("teenage boy
        # jeans" under Gender: Girls found nothing but a link; "white shirt" under Colour: Black listed 19
        # black-and-white shirts): the words say what is wanted. Not when a filter is chosen for the same
        # words (the form carries them as ``searched``): "dress for girl" offers Gender: Women for the
        # women's dresses its words find. Nor in an address without ``searched``, typed or linked: its filters
        # were given with its words ("/?q=kids+shoes&gender=Women" dropped the filter that its own page then
        # offered and applied; a shopper's trial).
        with service.reading():
            parsed = service.rec.parse_query(query)
        for key in ("gender", "baseColour", "articleType"):
            if parsed.get(key) and chosen.get(key) and chosen[key] not in parsed[key]:
                named = " or ".join(v for v in parsed[key] if key != "gender" or v != "Unisex")
                said = f"is for {named}" if key == "gender" else f"asks for {named}"
                notices.append(f"{_quoted(query)} {said}: the filter {LABELS[key]}: {chosen.pop(key)} was left out.")
    if query:
        # After the filters the words overrule are left out: "party outfit for women" typed under Gender: Men listed
        # women's products and offered a men's sweatshirt's look (a review of stop 71).
        with service.reading():
            look = look_offered(service.rec, paired, query, chosen)
    # For this very query only: a new search typed into the form (which carries it) starts with word matches.
    closest = bool(query) and closest.strip() == query
    offset = (page - 1) * PAGE_SIZE
    found_closest, facets, suggestion, suggest_url, unfiltered_url = False, None, None, None, None
    # A search to try, offered as a link under the notices: in words only ("such as 'blue jeans'"), a shopper had
    # to type it (a shopper's trial, stop 66).
    example_url = None
    found: list[dict] = []      # the closest matches by meaning, where the page lists them
    filled = 0          # how many word matches come before closest matches that fill the page
    fills = False       # whether closest matches were to follow the few word matches (none may be left)
    everywhere = 0      # with filters chosen and no word match under them: the products with the words anyway
    # "Only 5 products match ...", said after the notes of how the words were read: it came before "The catalogue
    # files 'rose gold' as Copper" and another list's notice after it (a shopper's trial of stop 62).
    few_notice = None

    def matching(words: str) -> int:      # how many products have every word, under the filters chosen
        return service.rec.browse(with_price(), words, limit=0)[0]

    def by_meaning(words: str) -> bool:     # whether its closest matches by meaning are any
        return bool(service.rec.text_relevant(words, RELEVANT_TEXT_SIMILARITY).any())

    def correction(typed: str) -> str | None:
        """The spelling to search instead of a search that finds nothing (Recommender.autocorrect). Its
        products beat the closest matches by meaning to a misspelling ("sandle": 7 of them, 1,250 sandals;
        "jeens": none, 609 jeans; "blu jeens": 96 jeggings, 453 blue jeans), and the page says what it did,
        with a link to the words as typed where they find anything. None unless it finds products by
        words, or by meaning where the words as typed find nothing either ("high heals": "high heels" is in
        no name, and its closest matches are heels; "blue jeens for dragons" keeps its own)."""
        return service.rec.correction(typed, with_price())

    with service.reading():
        total, items = service.rec.browse(with_price(), query or None, offset=offset, limit=PAGE_SIZE,
                                          sort=order_by, strict=strict)
        # Where no name has the words: a link to the photo search, not the example search.
        photo_url = f"{root}/upload" if query and total == 0 and PHOTO_WORDS.search(query) else None
        # Said only where it is true: a link can't put "no product matches X" in the page's mouth.
        corrected = corrected.strip()
        if not (corrected and (total or by_meaning(query)) and matching(corrected) <= RARE_SPELLING
                and correction(corrected) in {query, unpaired}):
            corrected = ""
        # A misspelt word ("sneekers") finds nothing by words, or a catalogue misspelling's product or two ("puple
        # top": one "Puple" top, stop 73): the correction is searched instead where it is safe (``correction``).
        # (Not asked again of the words the check before the pairing asked: the same answer, none.)
        sure = (correction(query) if query and query != checked and total <= RARE_SPELLING and not closest
                and not corrected and search_words(query) else None)
        if sure:
            return respelt(query, sure)
        if query and not search_words(query):
            common = bool(re.search(r"\w", query))
            notices.append(f"{_quoted(query)} has only words too common to search for (such as 'for' or 'the')."
                           if common else f"{_quoted(query)} has no letters or digits to search for.")
            example_url = f"{root}/?" + urlencode({"q": EXAMPLE_SEARCH}) if common else None
            facets = {key: {} for key in FILTER_KEYS}      # no filter value gives such a search results
        elif query and (total == 0 or closest):
            # A misspelt word ("sneekers") finds nothing by words, and the closest matches to a misspelling
            # are noise: one word is corrected outright when the correction is safe or nothing else would
            # be shown (``correction``) and has products; otherwise, and for a longer query (maybe a
            # description), the correction is offered.
            if total == 0 and chosen:
                everywhere = service.rec.browse(price or None, query, limit=0)[0]
            if total == 0 and not closest:
                suggestion = service.rec.suggest(query)
            # Shoppers type descriptions ("red cotton t-shirt for men"), which no product name contains:
            # answer with the semantic text search instead of an empty page, a few pages deep.
            found = _by_price([r.item for r in service.rec.search_text(query, k=CLOSEST_MAX, filters=with_price(),
                                                                       min_similarity=RELEVANT_TEXT_SIMILARITY)],
                              order_by, strict)
            if everywhere and not found:
                # A new search typed under the filters of the last one ("office shoes men" under the Colour
                # Gold chosen for "gold heels"): its products without them, saying so, rather than an empty
                # page that reads as "the shop has no office shoes".
                notices.append(f"No product matches {_quoted(query)} with " + ", ".join(
                    f"{LABELS[k]}: {v}" for k, v in chosen.items()) + f"; these are the products for {_quoted(query)} "
                    "without " + ("that filter." if len(chosen) == 1 else "those filters."))
                chosen, everywhere = {}, 0
                total, items = service.rec.browse(with_price(), query, offset=offset, limit=PAGE_SIZE, sort=order_by,
                                                  strict=strict)
            else:
                total, items, found_closest = len(found), found[offset:offset + PAGE_SIZE], bool(found)
                relevant = service.rec.text_relevant(query, RELEVANT_TEXT_SIMILARITY, "gender" in chosen)
                # Offered where it finds products, by words or (where nothing else is shown) by meaning: "Did
                # you mean xyzzq plugs?" led to a page of 0 items, a dead end where the example search was the
                # way on (a shopper's trial, stop 74).
                if suggestion and (matching(suggestion) > 0 or (not relevant.any() and by_meaning(suggestion))):
                    suggest_url = f"{root}/?" + urlencode({**chosen, "q": suggestion})
                if not relevant.any():
                    notices.append(f"Nothing in the catalogue matches {_quoted(query)}.")
                    example_url = None if suggest_url else f"{root}/?" + urlencode({"q": EXAMPLE_SEARCH})
                    facets = {key: {} for key in FILTER_KEYS}
                else:
                    facets = _choice_counts(service, with_price() or {}, query, relevant, closest)
                    # A price no product that matches meets, said with their prices, as the API says it (this
                    # read "with the filters chosen" where none was: a new user's trial, stop 65).
                    # Of the products on sale where the words asked for them (with_price).
                    missed = (price_missed_said(service.rec, query, with_price(), price["price"])
                              if not found and price.get("price") else None)
                    if missed:
                        notices.append(missed)
                    elif not found:
                        notices.append(f"No product matches {_quoted(query)} with the filters chosen; each list shows "
                                       "how many products its choices would leave.")
                        unfiltered_url = f"{root}/?" + urlencode({"q": query}) if chosen else None
        if everywhere:
            unfiltered_url = f"{root}/?" + urlencode({"q": query})
        # A type with a word only a few of its names have ("backpack for school": 1 of 656 backpacks, "navy
        # blazer": one boys' blazer): those few first, then the closest matches to the whole query, rather
        # than a page of one and a link (a shopper trial).
        fills = bool(facets is None and query and not closest and 0 < total < PAGE_SIZE
                 and "articleType" in service.rec.parse_query(query))
        if fills:
            named = items if offset == 0 else service.rec.browse(with_price(), query, limit=PAGE_SIZE,
                                                                 sort=order_by, strict=strict)[1]
            ids = {d["id"] for d in named}
            # At most CLOSEST_MAX in all, as a page of closest matches alone.
            more = _by_price([r.item for r in service.rec.search_text(query, k=CLOSEST_MAX, filters=with_price(),
                                                                      min_similarity=RELEVANT_TEXT_SIMILARITY)
                              if r.item["id"] not in ids][:CLOSEST_MAX - len(named)], order_by, strict)
            if more:
                filled = len(named)
                relevant = service.rec.text_relevant(query, RELEVANT_TEXT_SIMILARITY, "gender" in chosen)
                facets = _choice_counts(service, with_price() or {}, query, relevant, False)
                total, items = filled + len(more), (named + more)[offset:offset + PAGE_SIZE]
                parsed = service.rec.parse_query(query)
                # Said only where some of the few lack it ("red kurta for men wedding": all 3 are Ethnic).
                ranked = " or ".join(v for key in ("usage", "season") for v in parsed.get(key, [])
                                     if any(d.get(key) != v for d in named))
                # An occasion or season word beside a type only ranks ("light blue formal shirt for men": "Only
                # 15 products have every word", 8 of them casual): said as what it does.
                # "match", not "have every word of": a word may be read for what it means ("shoes for my
                # daughter": girls' shoes, none named "daughter", a shopper's trial).
                # With the filters chosen, which may be what left few ("black formal shoes for men" under Usage:
                # Casual read as the search's fault, a shopper's trial).
                under = (" with " + ", ".join(f"{LABELS[k]}: {v}" for k, v in chosen.items())) if chosen else ""
                has = (f"match {_quoted(query)}{under}, the {ranked} ones first" if ranked
                       else f"match {_quoted(query)}{under}")
                if filled == 1:
                    has = f"matches {_quoted(query)}{under}"
                few_notice = (f"Only {filled} product{'' if filled == 1 else 's'} {has}; the closest "
                              f"matches by meaning follow {'it' if filled == 1 else 'them'}.")
                # Said: the grown-ups' unisex products that follow a child's few (TextSearch._anyones) are
                # marked "unisex, for anyone" by the API, and nothing on a card ("sports shoes for boys" went on
                # from 15 with Puma Tornado and ADIDAS Adizero sports shoes, unsaid: stop 69's shopper).
                grown = len(service.rec.grown_ups_for_a_child(query, [d["id"] for d in more]))
                if grown:
                    said = "is a grown-ups' unisex product" if grown == 1 else "are grown-ups' unisex products"
                    few_notice = few_notice[:-1] + f"; {grown:,} of those {said}."
        if facets is None:     # counts per filter value under the other choices, the search words and the price
            # (without the price, "shirts under 1000" listed 11 shirts beside "Shirts (24)": a new user's trial)
            facets = service.rec.facets(with_price() or {}, query if total else None)
    if (on_sale or sale_box) and not total and not query:
        # "sale" under Gender: Men where no men's product is on sale: an empty page, nothing said of why.
        # With nothing chosen and no price, none shown is on sale (sold out or hidden): "matches the price chosen"
        # named a price nobody chose (stop 77's integration review).
        what = ", ".join(f"{LABELS[k]}: {v}" for k, v in chosen.items()) or (
            "the price chosen" if price.get("price") else "")
        notices.append(f"No product on sale matches {what}." if what else "No product shown here is on sale now.")
    pages = max(1, -(-total // PAGE_SIZE))
    # The price in force, the words' ("shirts under 1000") as the boxes': the words are searched without it, so
    # the boxes show it and every link carries it ("summer tshirts under 3000" linked page 2 as
    # "/?q=summer+tshirts&page=2", and a filter chosen listed shirts of every price: stop 67, a review).
    in_force = price.get("price")
    # So too a sort a word asks ("cheapest tshirts": page 2 was in the search's own order); not "cheap", the cheaper
    # half first, which no sort says (docs/history.md, "Stop 67, a price typed in the words").
    in_order = sort_by or (order_by if worded and strict else None)
    # "searched" with filters only, which it is read for: "/?q=shirt&searched=shirt&page=2" said it twice.
    # "cheap", the cheaper half first, which no sort says, in the links' words (stop 68: page 2 of "cheap tshirts"
    # was in the search's own order).
    linked = with_sale(" ".join([*worded[2], query]) if worded and not strict and query else query)
    current = {**chosen, **({"q": linked} if linked else {}), **({"searched": query} if query and chosen else {}),
               **_price_params(in_order, in_force), **boxed_sale}
    # The price words that filled the boxes, for the form: a new search typed under them leaves them out.
    from_words = " ".join([*(used if in_force and not bounded else []),
                           *(worded[2] if worded and strict and not sort_by else [])]) or carried
    # A description ("red cotton t-shirt for men") whose every word only a few names contain: offer the
    # closest matches to the whole of it too, rather than leave the shopper with two T-shirts.
    # Also two words one of which names a type ("warm jacket": one name has "warm", 233 products are jackets)
    # or an occasion ("night out for men": one men's Party shirt, and no way to the Smart Casual ones).
    # Also a word and "outfit", "wear" or "clothes", which are searched as clothes, not as words: "college outfit"
    # listed the 3 Puma "College" T-shirts and no way on (stop 75; its closest matches by meaning before).
    few_url = (f"{root}/?" + urlencode({**current, "closest": query})
               if query and not closest and not found_closest and not fills and 0 < total < PAGE_SIZE
               and (len(search_words(query)) >= 3
                    or len(search_words(query)) == 2 and {"articleType", "usage"} & set(service.rec.parse_query(query))
                    or search_words(query) and CLOTHES_WORDS & set(search_words(query, stem=False)))
               else None)
    # A child's filter and a type leave out the children's products a catalogue files as Unisex or a grown-up's:
    # Gender: Boys and Type: Sports Shoes listed 3, where "sports shoes for boys" finds 15, "ADIDAS Kids Unisex"
    # and "Lotto Kids-Boy" ones among them (a shopper's trial, stop 68): a link to the words' search.
    kids = None
    if not query:
        with service.reading():
            kids = kids_filed_elsewhere(service.rec, {**chosen, **price})
        if kids:
            # With the page's sort and price (counted with them): the link listed the type at every price (stop
            # 68's integration review).
            kids = {**kids, "url": f"{root}/?" + urlencode(
                {**{k: v for k, v in kids["rest"].items() if k not in price}, "q": kids["words"],
                 **_price_params(in_order, in_force), **boxed_sale})}

    def page_url(n: int) -> str:
        return f"{root}/?" + urlencode({**current, **({"closest": query} if closest else {}),
                                 **({"corrected": corrected} if corrected else {}), "page": n})

    if page > pages:
        # An old link past the end (the catalogue or the filters changed): show the last page.
        return RedirectResponse(sold_out_kept(page_url(pages)), status_code=303)
    if worded:      # "cheapest", "cheap": how they were read, the median of what is listed for "cheap"
        with service.reading():
            median = None if strict else (
                price_order_key(np.array([price_of(d) for d in found], np.float64), "price", False)[1]
                if found_closest else service.rec.price_median(with_price(), query))
            notices.append(words_order_said(worded, median, service.rec.currency()))
    # A search for a child offers no grown-up's gender: "kids raincoat" offered Gender: Men and Women "(up to 96)",
    # the children's products the catalogue files so (Palm Tree Kids Boys ... filed Men), which read as men's and
    # women's products (a shopper's trial, stop 74). They are still listed under "any".
    with service.reading():
        unoffered = _grown_ups_unasked(service.rec.parse_query(query).get("gender", []) if query else [])
    these = "this is the closest match" if total == 1 else f"these are the {total} closest matches"
    absent, kind_lacking, together = None, None, None
    if found_closest and not closest:
        with service.reading():
            absent = service.rec.absent_kind(query)
            kind_lacking = None if absent or everywhere else service.rec.absent_combination(query)
            together = None if absent or everywhere or kind_lacking else service.rec.absent_together(query)
    # An occasion and a colour no product of the type has together ("red party dress": 18 Party dresses, none red;
    # 20 red dresses, all Casual): the closest matches by meaning were red casual dresses, and nothing said the
    # Party ones were there in other colours (a shopper's trial, stop 68).
    other_colours = None
    if found_closest and not closest and not chosen:
        with service.reading():
            other_colours = occasion_in_other_colours(service.rec, query)
        if other_colours:
            other_colours = {**other_colours, "url": f"{root}/?" + urlencode(other_colours["filters"])}
    # What the page lists where no product has every word, said once: by a note of what the catalogue has none
    # of ("The catalogue has no Pepe Jeans T-shirts; these are the 96 closest matches by meaning, from other
    # brands."), else by the page's own notice below. Both said "these are ..." (a shopper's trial of stop 62).
    listing = (None if not found_closest or absent or everywhere
               else f"{these} to {_quoted(query)}" if closest else f"{these} by meaning")
    reading: list[str] = []
    if total and query:
        with service.reading():
            left_out = service.rec.negation(query)[1]
            # As the API's note: "rose gold watch" showed Copper watches, "pepe jeans tshirt" other brands', no
            # word why (a shopper's trial); "sherwani" kurtas, the closest types the catalogue has.
            reading = service.rec.reading_notes(query, chosen, listing)
            # The API's note of an occasion word alone, said below with what narrows it.
            occasion = service.rec.occasions_read(query, chosen)
            notices.extend(n for n in reading if n != f"{occasion}.")
        if left_out:
            # Said: "tshirt not black" listed 5,441 T-shirts without a word of the black ones being left out,
            # and the Colour list without Black read as the shop having none (a shopper's trial).
            notices.append("Left out, as your search asks: products whose name or labels say "
                           + " or ".join(map(_quoted, left_out)) + ".")
    if few_notice:
        # A person read as a wearer, said as the API says it, before what is listed ("top for my daughter" said
        # nothing of "daughter" over its one word match and the closest after it; a stop 63 trial).
        people = people_named(query) if "gender" not in chosen else []
        if people:
            notices.append(people_said(people) + ".")
        notices.append(few_notice)
    if listing and any(listing in n for n in reading):
        pass        # a reading note said what these are
    elif closest and found_closest:
        notices.append(f"{these.capitalize()} to {_quoted(query)}.")
    elif found_closest:
        words = "the word" if len(search_words(query)) == 1 else "every word of"
        which = "with the filters chosen " if everywhere else ""
        if absent:
            notices.append(absent_said(absent, these))
        elif kind_lacking:
            # "gold jeans": what the catalogue has none of, as the API's note says it, rather than "no product has
            # every word", which read as a spelling at fault (a stop 63 trial).
            notices.append(f"The catalogue has no {kind_lacking}; {these} by meaning.")
        elif together:
            # "kurta pajama", "denim jacket": what no product has together, as the API's note says it (stop 65).
            notices.append(f"{together}; {these} by meaning.")
        else:
            notices.append(f"No product {which}has {words} {_quoted(query)} in its details; {these} by meaning.")
    if found_closest:
        # What the closest matches have none of, sold out, as the API's note says it: "red dress" in a shop whose one
        # red dress was sold out said only "No product has every word of 'red dress' ..." (stop 75). Its ids and
        # "these are the closest in stock" left out: a shopper cannot use the ids, and the notice above says what
        # these are.
        with service.reading():
            listed = [SimpleNamespace(id=d["id"]) for d in found]
            gone = service.rec.sold_out_said(query, service.rec.unmatched(query, listed))
        if gone:
            notices.append(gone.partition(", so left out")[0] + ".")
    # Notices of how the words were read, over a page of word matches alone.
    words_listed = bool(total) and not found_closest and not fills
    if words_listed:
        # An occasion or season beside a type only ranks ("office shoes": 6,598 items, the count of "shoe"):
        # said, with how many have it and the filter that keeps those alone (a shopper trial).
        with service.reading():
            # The occasion as ranked: "wedding shoes for men" by Formal, the catalogue has no men's Ethnic shoes.
            parsed = service.rec.read_occasion(service.rec.parse_query(query), search_words(query))
            ranking = [(key, v) for key in ("usage", "season") if key not in chosen
                       for v in parsed.get(key, [])] if "articleType" in parsed else []
            if len(ranking) == 1:
                key, value = ranking[0]
                # Of the products listed, within the price the words asked for too ("6 of these 8" of the tshirts
                # under 3000, 5 of them Summer's, and a link to 6 at any price: stop 67, a review).
                having = service.rec.browse({**(with_price() or {}), key: value}, query, limit=0)[0]
                # Not where it would keep nearly all (NEARLY_ALL): "kurta for a wedding" offered "show only those
                # 1,742" of 1,749, every kurta being filed Ethnic (stop 73, h73shopper); its festive ones lead
                # instead (fashionrec.occasions' garments).
                if 0 < having < total * NEARLY_ALL:
                    # "rank higher", not "come first": within their tier (a kids' dress after the women's). The
                    # filter a link: "choose Season: Summer" sent a phone shopper to the folded Filters and the
                    # seventh list in them (a shopper's trial, stop 66).
                    narrowed = f"{root}/?" + urlencode({**chosen, key: value, "q": with_sale(query), "searched": query,
                                                        **_price_params(sort_by, price.get("price")),
                                                        **boxed_sale})
                    # One of them said as one: "1 of these 898 are filed under Formal and rank higher; show only
                    # those 1" for "office bag men" (a shopper's trial, stop 72).
                    one = having == 1
                    notices.append(Markup(
                        f"{having:,} of these {total:,} {'is' if one else 'are'} filed under {escape(value)} and "
                        f"rank{'s' if one else ''} higher; <a href=\"{escape(sold_out_kept(narrowed))}\">"
                        f"{'show only that one' if one else f'show only those {having:,}'}</a> "
                        f"({escape(LABELS[key])}: {escape(value)})."))
            # An occasion word alone is its usage: said, as a person read as a wearer is ("something for a
            # wedding" listed Ethnic shirts and kurtas without a word, a shopper trial); as the API's note says it.
            occasion = service.rec.occasions_read(query, chosen)
            if occasion:
                notices.append(f"{occasion}; choose a Type to narrow it.")
    # A person read as a wearer narrows the search: said, with whose products are listed (text_notes.people_listed,
    # the API's note's words too).
    if words_listed:
        with service.reading():
            people = people_listed(service.rec, query, chosen)
        if people:
            notices.append(people + ".")
    # The words as typed, by meaning: offered only where that finds some (not "jeens", "wach"; nor "addidas",
    # whose one product by meaning was a Lotto cap, a shopper trial) like the correction's ("snekers" led to
    # scarves).
    with service.reading():
        # The products the words as typed find by words: a catalogue misspelling's one or two ("puple top": one
        # "Puple" top), said as such rather than "No product matches" (stop 73).
        typed_found = matching(corrected) if corrected else 0
        # Said as the shopper typed it, what the search left out and its age kept: "tshrt for 5 year old" said
        # 'No product matches "kids tshrt"', the words as read, and its link searched them (stop 74). The link's
        # closest matches are those to the words as read, which the page reads the typed words as again.
        as_typed = corrected and (_respelt(q, unpaired, corrected) or _respelt(q, query, corrected))
        corrected_typed, showing = (as_typed, q.strip()) if as_typed else (corrected, query)
        corrected_url = (f"{root}/?" + urlencode({**chosen, "q": corrected_typed, "closest": corrected})
                         if corrected and (typed_found
                                           or service.rec.as_typed_by_meaning(corrected, query, with_price()))
                         else None)
    return templates.TemplateResponse(request, "catalogue.html", {
        "items": [to_item(d, root=root) for d in items], "total": total, "page": page, "pages": pages,
        "prev_url": page_url(page - 1) if page > 1 else None,
        # The first and last pages and two either side of this one: a jump across 1,656 pages of the catalogue.
        "page_links": [(n, page_url(n))
                       for n in sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})],
        "next_url": page_url(page + 1) if page < pages else None,
        # A value no item would have given the other choices is left out (the chosen one always stays).
        # A filter no product has a value for (a catalogue without that column) is no select of "any" alone.
        "filters": {k: [(v, facets[k].get(v, 0)) for v in service.filter_values.get(k, [])
                        if facets[k].get(v, 0) and (k != "gender" or v not in unoffered) or chosen.get(k) == v]
                    for k in FILTER_KEYS if service.filter_values.get(k) or chosen.get(k)},
        # A count of closest matches is at most CLOSEST_MAX, said "up to": "school uniform" read Boys (96), Girls
        # (96), Men (96) beside "96 closest matches", as if hundreds were listed (stop 70's shopper).
        "count_cap": CLOSEST_MAX if found_closest or filled else None,
        "chosen": chosen, "q": query, "box_q": with_sale(query), "notices": notices, "max_query": MAX_QUERY,
        # The sort and the price boxes, shown only where the catalogue has prices (stop 64).
        "has_prices": has_prices, "has_years": has_years, "sort": in_order or "", "worded": from_words,
        "any_on_sale": any_on_sale, "sale_box": sale_box,
        "min_price": _price_params(None, in_force).get("min_price", ""),
        "max_price": _price_params(None, in_force).get("max_price", ""),
        "few_url": few_url, "closest": query if closest else "", "suggestion": suggestion,
        # On a page of word matches and the closest after them, where the closest start (None: not on it).
        "closest_from": filled - offset if filled and 0 < filled - offset < len(items) else None,
        "suggest_url": suggest_url, "unfiltered_url": unfiltered_url, "example_url": None if photo_url else example_url,
        "photo_url": photo_url, "look": look, "kids": kids, "other_colours": other_colours,
        "example": EXAMPLE_SEARCH, "corrected": corrected_typed, "showing": showing, "typed_found": typed_found,
        "corrected_url": corrected_url,
        "count_text": (f"{total:,} closest match{'' if total == 1 else 'es'}" if found_closest
                       else f"{filled:,} item{'' if filled == 1 else 's'} and {total - filled:,} closest "
                       f"match{'' if total - filled == 1 else 'es'}" if filled
                       else f"{total:,} item{'' if total == 1 else 's'}"),
    })


def _price_choices(has_prices: bool, sort: str, min_price: str, max_price: str, currency: str = "",
                   scale: float | None = None, has_years: bool = False) -> tuple[str | None, tuple | None, list[str]]:
    """(the sort to list by or None, the price boxes' (lowest, highest) or None, notices) from the page's
    ``sort``, ``min_price`` and ``max_price``: a value the page cannot use is said and left out, as a filter value
    the catalogue lacks is; a catalogue without prices shows neither control, and says so of an address that
    gives them. Amounts said in the shop's ``currency``; a box's "1.299" read on the shop's prices' ``scale``
    (:meth:`ItemTables.price_scale`), as the search's "under 1.299" is (stop 70: it was 1,299 whatever they were)."""
    notices = []
    sort = sort.strip()
    given = {name: v.strip() for name, v in (("min_price", min_price), ("max_price", max_price)) if v.strip()}
    if sort == NEWEST and has_years and not has_prices:
        # Newest first by year where products have years (stop 74), with or without prices.
        if given:
            notices.append("This catalogue has no prices, so the price range in the address was left out.")
        return sort, None, notices
    if not has_prices:
        if sort or given:
            notices.append("This catalogue has no prices, so the sort by price and the price range in the address "
                           "were left out.")
        return None, None, notices
    if sort and (sort not in SORTS or sort == NEWEST and not has_years):
        notices.append(f"No sort called {sort!r}; the products are in the search's own order.")
        sort = ""
    bounds: list[float | None] = [None, None]
    for i, name in enumerate(("min_price", "max_price")):
        if name in given:
            value = amount(given[name], scale)
            if value is None:
                notices.append(f"{given[name]!r} is no price, so the {'lowest' if i == 0 else 'highest'} price was "
                               "left out.")
            else:
                bounds[i] = value
    if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        notices.append(f"The lowest price {price_said(bounds[0], currency)} is above the highest "
                       f"{price_said(bounds[1], currency)}, so "
                       "they were swapped.")
        bounds.reverse()
    return sort or None, (tuple(bounds) if bounds != [None, None] else None), notices


def _unworded(worded: str, sort: str, min_price: str, max_price: str, scale: float | None) -> tuple[str, str, str]:
    """(``sort``, ``min_price``, ``max_price``) without those the price words ``worded`` of the last search gave
    (the form's: "under 699" filled Max price 699, "cheapest" the sort): a box the shopper changed is kept."""
    priced = price_words(worded)[1]
    bounds, used = price_range(priced, scale)
    low, high = _price_params(None, bounds).get("min_price", ""), _price_params(None, bounds).get("max_price", "")
    order = price_order([p for p in priced if p not in used]) or arrival_order(rank_words(worded)[1])
    same = (low or high) and min_price.strip() == low and max_price.strip() == high
    return ("" if order and order[1] and sort.strip() == order[0] else sort,
            "" if same else min_price, "" if same else max_price)


def _respelt(typed: str, read: str, fixed: str) -> str | None:
    """``typed``, the words as the shopper gave them, with each word of ``read`` (what of them was read)
    that ``fixed`` spells otherwise respelt so, keeping what the search left out (a price, a size, an age) for the
    page to read and say again: ("jeens under 1000", "jeens", "jeans") is "jeans under 1000". None where the
    words do not pair one to one ("Bluejeans": "blue jeans") or a misspelt word is not in ``typed`` as a word."""
    words, respelt_words = search_words(read, stem=False), search_words(fixed, stem=False)
    if len(words) != len(respelt_words):
        return None
    for misspelt, respelt in zip(words, respelt_words, strict=True):
        if misspelt != respelt:
            typed, n = re.subn(rf"(?<!\w){re.escape(misspelt)}(?!\w)", respelt, typed, count=1, flags=re.IGNORECASE)
            if not n:
                return None
    return typed


def _price_params(sort: str | None, bounded: tuple | None) -> dict:
    """The page's sort and price boxes as its links carry them (to a third decimal: a box's 1.299, read on the shop's
    scale, was carried as 1.3, stop 70)."""
    low, high = bounded or (None, None)
    return {**({"sort": sort} if sort else {}),
            **({"min_price": price_said(low, decimals=3).replace(",", "")} if low is not None else {}),
            **({"max_price": price_said(high, decimals=3).replace(",", "")} if high is not None else {})}


def _grown_ups_unasked(asked: list[str]) -> set[str]:
    """The grown-ups' genders a search's filter leaves out where its words ask for children only (``asked``, the
    genders :meth:`parse_query` reads: "kids" is Boys, Girls and Unisex): Men and Women; none otherwise."""
    return {"Men", "Women"} if {"Boys", "Girls"} & set(asked) and not {"Men", "Women"} & set(asked) else set()


def _by_price(items: list[dict], sort: str | None, strict: bool = True) -> list[dict]:
    """``items`` cheapest (``sort`` "price") or dearest ("-price") first, those without a price last, ties in
    their order; the latest year first for "newest"; as they are for no sort. ``strict`` False: the cheaper or
    the dearer half first, as a word such as "cheap" asks (:func:`~fashionrec.text_search.price_order_key`). The
    page's closest matches by meaning, which browse does not list."""
    if not sort:
        return items
    years = np.array([float(d["year"]) if d.get("year") is not None else np.nan for d in items], np.float64)
    key = sort_key(np.array([price_of(d) for d in items], np.float64), years, sort, strict)[0]
    return [items[i] for i in np.argsort(key, kind="stable")]


def _choice_counts(service, chosen: dict, query: str, relevant, closest: bool) -> dict[str, dict[str, int]]:
    """Per filter key, how many products choosing each value lists for ``query``, as :func:`catalogue_page`
    lists them: its products with every word, if some have them there; with none, at most CLOSEST_MAX closest
    matches (those of ``relevant``, each photo once, as the search lists them); and for a query that
    names a type, fewer than a page of word matches with the closest matches after them, CLOSEST_MAX in all.
    ``closest``: the page shows closest matches only (the shopper asked for them)."""
    rec = service.rec
    words = {key: {} for key in FILTER_KEYS} if closest else rec.facets(chosen, query)
    by_words = rec.word_matches(query)
    near = rec.facets(chosen, within=relevant, photos=True)
    near_only = rec.facets(chosen, within=relevant & ~by_words, photos=True)
    fills = not closest and "articleType" in rec.parse_query(query)
    out = {}
    for key in FILTER_KEYS:
        counts = {}
        for v in words[key].keys() | near[key].keys():
            n = words[key].get(v, 0)
            if n == 0:
                n = min(near[key].get(v, 0), CLOSEST_MAX)
            elif n < PAGE_SIZE and fills:
                n = max(n, min(n + near_only[key].get(v, 0), CLOSEST_MAX))
            if n:
                counts[v] = n
        out[key] = counts
    return out


@router.get("/item/{item_id}", response_class=HTMLResponse)
@sold_out_choice
def item_page(request: Request, item_id: ItemId, service: ServiceDep, root: RootDep,
              include_sold_out: IncludeSoldOut = False):
    with service.reading():
        typed, item_id = item_id, service.rec.id_typed(item_id)     # /item/<Handle> as /item/<its number> (stop 73)
        # A shopper's page: a product the shop hides (a draft, its name and price maybe not final) is not shown,
        # whatever key is sent; the shop reads it from GET /api/items/{id} with its key. Its 404 is word for word
        # an id never there's (stop 77: "hidden by the shop" told a draft's guessed Handle from one never there).
        hidden_to(service.rec, item_id, typed, "a shopper's page")
        raw = service.rec.item(item_id)     # an unknown id: the app's 404 (a page for browsers)
        # Its colourways in the row of other colours, not among its similar items (Recommender.product_page).
        found, in_colours = service.rec.product_page(item_id)
        similar = [to_rec(r, root) for r in found]
        # A product unlike any other (cushion covers: their nearest at 0.51) still gets its closest, under "Same
        # colour" and the like (a shopper re-trial): said, where even the closest is no nearer than an
        # unfamiliar photo's closest product.
        floor = service.rec.unfamiliar_below()
        me = service.rec.vector(item_id)
        unlike = bool(found and floor is not None
                      and max(float(service.rec.vector(r.id) @ me) for r in found) < floor)
        # Its kind in other colours: a shopper clicking through a red dress's similar items met the same 12 red
        # dresses at every step. Not those above it again (15% of product pages repeated some, a shopper trial).
        colours = [to_rec(r, root) for r in in_colours]
        outfit = [to_rec(r, root) for r in service.rec.complete_the_look(item_id, k=PRODUCT_PAGE["outfit"])]
        look_colour = service.rec.look_colour(item_id) if outfit else None
    item = to_item(raw, item_id, root)
    rows = []
    for head in ATTRIBUTES:
        true = getattr(item, head, None)
        pred = item.predicted.get(head)
        rows.append({"name": head, "true": true, "pred": pred,
                     "match": None if (true is None or pred is None) else (true == pred.label)})
    # The catalogue's labels beside the tagger's are for whoever runs the shop, so they sit folded under
    # the product's plain facts, saying how many differ.
    return templates.TemplateResponse(request, "item.html", {
        "item": item, "rows": rows, "similar": similar, "unlike": unlike, "colours": colours, "outfit": outfit,
        "look_colour": look_colour,
        "disagree": sum(r["match"] is False for r in rows)})


# What a photo search can be narrowed by ("like this, but in red"; a shopper trial found no way to).
REFINE_KEYS = ("gender", "articleType", "baseColour")


@router.get("/upload", response_class=HTMLResponse)
@sold_out_choice
def upload_page(request: Request, service: ServiceDep, settings: SettingsDep,
                include_sold_out: IncludeSoldOut = False):
    return templates.TemplateResponse(request, "upload.html", {
        "max_mb": settings.max_upload_mb, "max_bytes": settings.max_upload_bytes,
        "max_mpx": settings.max_pixels / 1e6,
        "refine": {key: service.filter_values.get(key, []) for key in REFINE_KEYS}})


@router.get("/for-you", response_class=HTMLResponse)
@sold_out_choice
def for_you_page(request: Request, include_sold_out: IncludeSoldOut = False):
    # Saved products live in the browser (localStorage); the page asks /api/recommend/profile for picks.
    return templates.TemplateResponse(request, "foryou.html", {})


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, service: ServiceDep, settings: SettingsDep, root: RootDep):
    model = find_model_report(settings.reports_dir, service.rec.tagger.name, service.rec.tagger.path)
    # Public as the reports are: the server's folders by their last names alone (the model card said "on
    # `/work/shared/datasets/...`", a security review).
    eda_of = eda_of_another(settings.reports_dir, (service.rec.manifest or {}).get("data_dir"))
    return templates.TemplateResponse(request, "reports.html", {
        "eda": eda_dir(settings.reports_dir, (service.rec.manifest or {}).get("data_dir")) is not None,
        "eda_of": without_server_paths(eda_of) if eda_of else None,
        "served_dir": without_server_paths((service.rec.manifest or {}).get("data_dir") or "DATA_DIR"),
        "model": model,
        "model_html": markdown_to_html(without_server_paths(model.markdown), base=f"{root}/reports/model/")
        if model else None,
        "model_name": service.rec.tagger.name,
        "reports_dir": without_server_paths(str(settings.reports_dir)),
    })


@router.get("/reports/eda")
def eda_root(root: RootDep) -> RedirectResponse:
    return RedirectResponse(f"{root}/reports/eda/report.html")


def _serve(path: Path | None, what: str, sent=lambda text: text) -> Response:
    """``path`` as a response; a text file's server paths left out, after ``sent`` made it what is sent."""
    if path is None:
        raise NotFoundError(f"no such {what} file")
    media_type = SERVABLE[path.suffix.lower()]
    if path.suffix.lower() in TEXT_SUFFIXES:    # the EDA's report.json and the test's metrics.json name the data folder
        return Response(without_server_paths(sent(path.read_text(encoding="utf-8", errors="replace"))),
                        media_type=media_type)
    return FileResponse(path, media_type=media_type)


@router.get("/reports/eda/{name}")
def eda_file(name: str, service: ServiceDep, settings: SettingsDep) -> Response:
    folder = eda_dir(settings.reports_dir, (service.rec.manifest or {}).get("data_dir"))
    # Its plots from their files, lazily: embedded, the whole 3.1 MB came before /reports' load event (stop 72).
    return _serve(safe_file(folder, name), "EDA report",
                  lambda text: plots_from_files(text, folder) if name.endswith(".html") else text)


@router.get("/reports/model/{name}")
def model_file(name: str, service: ServiceDep, settings: SettingsDep) -> Response:
    model = find_model_report(settings.reports_dir, service.rec.tagger.name, service.rec.tagger.path)
    return _serve(safe_file(model.folder if model else None, name), "model report")
