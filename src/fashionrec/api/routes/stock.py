"""``PUT /api/stock`` and ``PUT /api/items/{id}/stock``: a shop's stock system setting levels (stop 68); ``GET
/api/stock``: the levels read back, a page at a time or as the CSV ``index stock --from`` reads (stop 69).

Stop 67 kept a level per product and left sold-out ones out of what a shopper is shown, but only `fashionrec index
stock` and ``Recommender.set_stock`` changed one: a shop's stock system had to run the CLI beside the server. Here
it calls the server, with the key that adds and removes products; every id and level is checked before any is set
(a 404 naming the unknown ids, a 422 naming each bad level), so a batch is set whole or not at all; with
``skip_unknown`` (stop 70, as ``index stock --skip-unknown``) the ids the index does not hold are left out and listed.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from fashionrec.api.deps import ItemId, ServiceDep, known_query_only, require_api_key, stale_said
from fashionrec.api.hidden_reads import ShopRefusal
from fashionrec.api.revalidation import answering
from fashionrec.api.routes.items import CHANGE_ERRORS
from fashionrec.api.schemas import ID_WRITTEN, Answer, Error
from fashionrec.errors import BadInputError, NotFoundError
from fashionrec.stock import known_only, levels_set_said, skipped_lists, unknown_ids
from fashionrec.stock_list import levels_csv, levels_records
from fashionrec.visibility import answering_the_shop

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["stock"], dependencies=[Depends(known_query_only)])
# Levels one request may set: a 40k catalogue's nightly export at once (under a megabyte of JSON).
MAX_LEVELS = 100_000
LEVEL = ("a whole number (0 or less is sold out: left out of every list a shopper is shown unless "
         "include_sold_out), yes/no (true/false), or null to take the level away (available)")
RESPONSES = {**CHANGE_ERRORS, 404: {"model": Error}}
PAGE = 100      # levels a page of GET /api/stock's JSON unless asked otherwise (its CSV: all of them)


class StockLevels(BaseModel):
    model_config = ConfigDict(extra="forbid")       # a misspelt "level" is refused, not read as no change

    levels: dict[str, Any] = Field(min_length=1, max_length=MAX_LEVELS,
                                   description=f'{{"ID": LEVEL, ...}}: each a product id and its level, {LEVEL}.')


class StockLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stock: Any = Field(description=f"The product's level: {LEVEL}.")


class StockSet(Answer):
    stock: dict[str, int | float | None] = Field(description="Each product's level now, by id (null: none; a whole "
                                                             "level as an integer, as GET /api/items/{id} says it).")
    sold_out: list[int] = Field(description="Which of them are sold out now.")
    stock_as_written: dict[str, int | float | None] = Field(
        default_factory=dict, description="stock's levels by each id as the shop's export writes it (a Shopify "
        "Handle, '0015970'; its digits where the catalogue writes it no other way).")
    sold_out_as_written: list[str] = Field(default_factory=list, description="sold_out's ids as the shop's export "
                                           "writes them, in their order.")
    sold_out_in_index: int = Field(description="How many products of the index are sold out now.")
    skipped: list[int] = Field(default_factory=list, description="With skip_unknown: the ids left out, the index "
                               "not holding them (none of their levels set).")
    skipped_as_written: list[str] = Field(default_factory=list, description="skipped's ids as sent, in their order.")


class Visibility(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hidden: bool = Field(description="true: hide the product from shoppers (kept, never listed, searched or "
                         "recommended; GET /api/items/{id} says it hidden); false: show it again.")


class VisibilitySet(Answer):
    id: int
    id_as_written: str = Field("", description=ID_WRITTEN)
    hidden: bool = Field(description="Whether the product is hidden now.")
    changed: bool = Field(description="Whether this request changed it (false: it was so already).")
    hidden_in_index: int = Field(description="How many products of the index are hidden now.")


class StockEntry(Answer):
    id: int
    id_as_written: str = Field("", description=ID_WRITTEN)
    stock: int | float | None = Field(description="Its level (null: none, which is available; a whole level as an "
                                      "integer).")
    sold_out: bool = Field(description="Whether it is sold out (a level of 0 or less).")
    hidden: bool | None = Field(None, description="Whether the shop hides it (never shown to a shopper); null where "
                                "the index records no such state.")
    productDisplayName: str     # the catalogue's own column name, as every item answer says it


class StockPage(Answer):
    total: int = Field(description="How many products the list has (with sold_out: the sold-out ones); without the "
                       "X-API-Key, of those a shopper is shown (the ones the shop hides left out).")
    offset: int
    limit: int
    sold_out_in_index: int = Field(description="How many products of the index are sold out (without the "
                                   "X-API-Key: of those a shopper is shown).")
    levels: list[StockEntry] = Field(description="A page of them, in the index's order.")
    note: str | None = Field(None, description="Without the X-API-Key: that the products the shop hides are left out "
                             "(listed with the key alone).")


# Said to a keyless read (stop 77): an integrator reading a shop's levels without its key learns where the rest are.
SHOPPERS_LIST = ("listed as shoppers see the shop: the products it hides are listed with the server's X-API-Key "
                 "alone (its FASHIONREC_API_KEY), each with hidden true")


@router.get("/stock", response_model=StockPage, responses={200: {"content": {"text/csv": {}}}, 422: {"model": Error}})
def list_levels(
    request: Request,
    response: Response,
    service: ServiceDep,
    refusal: ShopRefusal,
    sold_out: Annotated[bool, Query(description="Only the sold-out products.")] = False,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LEVELS, description=f"Levels a page (JSON: {PAGE}; CSV: all "
                                       "of them from offset).")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="csv: the file `fashionrec index stock --from` "
                                                    "reads back (id, stock, sold_out, productDisplayName, then "
                                                    "id_as_written where the catalogue writes ids otherwise, then "
                                                    "catalogue_stock, the level the catalogue's file gave; an "
                                                    "empty stock cell: no level).")] = "json",
) -> StockPage | Response:
    """Every product's stock level, as a shop set it (``PUT /api/stock``, ``fashionrec index stock``) or its
    styles.csv gave it, e.g. ``?sold_out=true`` for what is sold out, or ``?format=csv`` for a copy of them all. The
    products the shop hides are listed with the ``X-API-Key`` alone (``hidden`` true), as their own reads are."""
    if format == "csv":     # not tagged: its catalogue_stock column is styles.csv's, which no version here covers
        with service.reading():
            table, _ = _listed(service.rec, sold_out, refusal)
        return _levels_csv(service, table, offset, limit)
    with answering(service, request, response):
        table, in_index = _listed(service.rec, sold_out, refusal)
    limit = limit or PAGE
    return StockPage(total=len(table), offset=offset, limit=limit, sold_out_in_index=in_index,
                     levels=levels_records(table.iloc[offset:offset + limit]),
                     note=SHOPPERS_LIST if refusal is not None else None)


def _listed(rec, sold_out: bool, refusal: str | None) -> tuple:
    """(the levels ``GET /api/stock`` lists, how many products of the index are sold out): where the request has no
    key (``refusal``), of the products a shopper is shown alone. Every hidden product's id, Handle and name went to
    anyone, ``hidden`` true, where its own reads were 404s (stop 76's gap)."""
    table, sold = rec.stock_levels(sold_out_only=sold_out), rec.sold_out_rows()
    if refusal is None:
        return table, int(sold.sum())
    hidden = rec.hidden_rows()
    shown = table[~table["id"].isin(rec.items["id"].to_numpy()[hidden])].reset_index(drop=True)
    return shown, int((sold & ~hidden).sum())


def _levels_csv(service, table, offset: int, limit: int | None) -> Response:
    """Rows ``offset`` on of ``table`` (all, or ``limit``) as the CSV ``index stock --from`` reads."""
    from fashionrec.stock_kept import with_catalogue_levels

    # With the level the catalogue's file gave each, as `index stock --export` writes it (stop 72): `--from` of
    # a copy without it after a rebuild set the copy's levels back over those styles.csv had changed since.
    page = with_catalogue_levels(table.iloc[offset:offset + limit if limit else None], service.rec.index_dir,
                                 service.rec.manifest.get("data_dir"))
    return Response(levels_csv(page), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="stock.csv"'})


def _set(service, levels: dict, skip_unknown: bool = False) -> StockSet:
    skipped: list[str] = []
    with service.change() as exclusive:
        if skip_unknown:
            # The ids the index does not hold left out and listed, as `index stock --skip-unknown` does: a stock
            # system's SKUs without a photo, or a copy taken before a rebuild that dropped some (stop 70).
            skipped = unknown_ids(service.rec, levels)
            levels = known_only(levels, skipped)
        done = service.rec.set_stock(levels, exclusive=exclusive) if levels else {}
        in_index = int(service.rec.sold_out_rows().sum())
        if service.stale:
            # /health's advice to rebuild counts the levels set since the build (or says the rebuild loses them):
            # worked out at the load, it said the count of before, or nothing of the first levels set (a review of
            # stop 69's change). Said in the log at the load already.
            service.stale = stale_said(service.rec, say=False)
        # Whole levels as integers, as the item's own answer says them (12, not 12.0: stop 68's review); each id as
        # the shop writes it beside its number (stop 74).
        said = {**levels_set_said(service.rec, done), **skipped_lists(service.rec, skipped)}
    log.info("stock of %d product%s set, %d of them sold out", len(done), "" if len(done) == 1 else "s",
             len(said["sold_out"]))
    return StockSet(sold_out_in_index=in_index, **said)


@router.put("/stock", response_model=StockSet, dependencies=[Depends(require_api_key)], responses=RESPONSES)
def set_levels(
    body: StockLevels, service: ServiceDep,
    skip_unknown: Annotated[bool, Query(description="Set the levels of the products the index holds and list the "
                                        "other ids in 'skipped' (a stock system's SKUs without a photo, a copy "
                                        "taken before a rebuild that dropped some), instead of answering 404 with "
                                        "none set; `fashionrec index stock --skip-unknown`.")] = False,
) -> StockSet:
    """Set the stock levels of products (needs ``X-API-Key``), e.g. ``{"levels": {"15970": 0, "39386": 12}}``:
    all of them, or none where an id is unknown (404) or a level is none (422), each named. With
    ``?skip_unknown=true`` the ids the index does not hold are left out and listed in ``skipped`` (what names no
    id, "abc", is still a 422). Saved at once; no product is embedded again."""
    try:
        return _set(service, body.levels, skip_unknown)
    except NotFoundError as e:
        if skip_unknown:
            raise
        # The way to set the others, said, as the CLI's error says --skip-unknown.
        raise NotFoundError(f"{e}; ?skip_unknown=true sets the levels of the products the index holds and lists "
                            "the other ids in 'skipped'", shopper=e.shopper) from e


@router.put("/items/{item_id}/hidden", response_model=VisibilitySet, dependencies=[Depends(require_api_key)],
            responses=RESPONSES)
def set_visibility(item_id: ItemId, body: Visibility, service: ServiceDep) -> VisibilitySet:
    """Hide a product from shoppers or show it again (needs ``X-API-Key``), e.g. ``{"hidden": true}`` for one the
    shop has taken off its shelves (stop 74): as a stock level, saved at once, nothing embedded again, no rebuild;
    `fashionrec index stock --hide/--unhide` from the command line."""
    with service.change() as exclusive:
        found = service.rec._check_id(service.rec.id_typed(item_id))
        changed = service.rec.is_hidden(found) != body.hidden
        if changed:
            service.rec.set_hidden({found: body.hidden}, exclusive=exclusive)
        in_index = int(service.rec.hidden_rows().sum())
    log.info("product %d %s", found, "hidden" if body.hidden else "shown")
    return VisibilitySet(id=found, id_as_written=service.rec.ids_as_written([found])[0], hidden=body.hidden,
                         changed=changed, hidden_in_index=in_index)


@router.put("/items/{item_id}/stock", response_model=StockSet, dependencies=[Depends(require_api_key)],
            responses=RESPONSES)
def set_level(item_id: ItemId, body: StockLevel, service: ServiceDep) -> StockSet:
    """Set one product's stock level (needs ``X-API-Key``), e.g. ``{"stock": 0}`` (sold out). Saved at once."""
    if isinstance(body.stock, (dict, list)):
        raise BadInputError(f"stock is one level, {LEVEL}; got {body.stock!r}")
    # A Handle or "0015970" as the index records it (stop 73); said to the shop, whose key this needs: a typo of a
    # hidden product's Handle was offered nothing, as to anyone (stop 77)
    with service.reading(), answering_the_shop():
        found = service.rec.id_typed(item_id)
    return _set(service, {found: body.stock})
