"""Recommendations for a shopper from the items they liked."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from fashionrec.api.deps import K, RootDep, Service, ServiceDep, known_query_only, listed_ids
from fashionrec.api.hidden_reads import ShopRefusal, to_the_shop
from fashionrec.api.revalidation import answering
from fashionrec.api.schemas import MAX_LIKED, Error, ProfileRequest, RecList, to_rec
from fashionrec.errors import NotFoundError

router = APIRouter(prefix="/api/recommend", tags=["recommend"], dependencies=[Depends(known_query_only)])


@router.post("/profile", response_model=RecList, responses={404: {"model": Error}, 413: {"model": Error},
                                                             422: {"model": Error}})
def recommend_for_profile(body: ProfileRequest, service: ServiceDep, root: RootDep,
                          refusal: ShopRefusal) -> RecList:
    """Items like the ones a shopper liked (the liked items themselves are left out). A liked product the shop hides
    is, without the X-API-Key, one the catalogue lacks (skipped with skip_unknown, else a 404), as its own reads."""
    return _picks(service, root, body.liked, body.k, body.looks, body.skip_unknown, 'send "skip_unknown": true',
                  service.reading(body.include_sold_out), refusal)


@router.get("/profile", response_model=RecList, responses={404: {"model": Error}, 422: {"model": Error}})
def recommend_for_profile_by_address(
    request: Request,
    response: Response,
    service: ServiceDep,
    root: RootDep,
    refusal: ShopRefusal,
    ids: Annotated[str, Query(max_length=4000, description=f"Comma-separated ids of the items the shopper liked, at "
                              f"most {MAX_LIKED} (e.g. 15970,39386): the POST's `liked`.")],
    k: K = 10,
    looks: Annotated[bool, Query(description=ProfileRequest.model_fields["looks"].description)] = True,
    skip_unknown: Annotated[bool, Query(description=ProfileRequest.model_fields["skip_unknown"].description)] = False,
    include_sold_out: Annotated[bool, Query(
        description=ProfileRequest.model_fields["include_sold_out"].description)] = False,
) -> RecList:
    """`POST /api/recommend/profile`'s answer, its liked ids in the address: a client that sends GET alone (a shared
    server's trial from a browser's address bar, a link) got a 405 (stop 72)."""
    # Tagged, and a 304 to a client whose copy is current, before any pick is worked out (stop 73): the "For you"
    # page's Back and reload asked for them all again.
    return _picks(service, root, listed_ids(ids), k, looks, skip_unknown, "add skip_unknown=true to the address",
                  answering(service, request, response, include_sold_out), refusal)


def _picks(service: Service, root: str, liked: list, k: int, looks: bool, skip_unknown: bool, way_on: str,
           reading: AbstractContextManager, refusal: str | None) -> RecList:
    """The picks for ``liked`` (ids as sent: numbers, or as the shop writes them, stop 73); ``way_on``: how the
    request leaves out liked ids the catalogue lacks; ``reading``: the request's read access to ``service``
    (``Service.reading``, or ``revalidation.answering`` for a GET's); ``refusal``: why the request is not the shop's
    (None: its key sent).

    Without the key a liked product the shop hides is one the catalogue lacks, said word for word as one (stop 77):
    the picks were worked out for it, "like Nike Women's Black Polo T-shirt" naming the draft in their reasons, and
    a list of it alone gave its similar items, which its own /similar refuses. A shopper's saved list keeps it (the
    page's saved row reads GET /api/items?ids=, which leaves it out and does not list it unknown)."""
    rec = service.rec
    with reading, to_the_shop(refusal):
        liked = rec.ids_named(liked, hidden_absent=refusal is not None)     # naming nothing: a 404 as sent
        absent = {i for i in liked if refusal is not None and i in rec.items.index and rec.is_hidden(i)}
        skipped: list[int] = []
        if skip_unknown:
            sent, (known, unknown) = list(dict.fromkeys(liked)), rec.known_liked(liked)
            liked = [i for i in known if i not in absent]
            # In the order sent, as known_liked lists the unknown ones, the hidden ones among them
            gone = absent | set(unknown)
            skipped = [i for i in sent if i in gone]
        said = [str(i) if i in absent else rec.id_said(i) for i in skipped]
        if not liked:
            # Each once, as `skipped` and the CLI say them ("none of the liked ids 1855, 1855", a code review).
            raise NotFoundError(f"none of the liked ids {', '.join(said)} is in the catalogue")
        try:
            first = next((i for i in liked if i not in rec.items.index or i in absent), None)
            if first in absent:     # before any unknown one after it, as for_profile names the first
                raise rec.as_if_absent(first, first)
            recs = rec.for_profile(liked, k=k, looks=looks)
        except NotFoundError as e:
            if skip_unknown:
                raise
            # A saved list outlives products: the way on, where the whole list failed for one (an operator's trial).
            raise NotFoundError(f"{e}; {way_on} to leave out liked ids the catalogue no longer has") from e
        written = [str(i) if i in absent else w for i, w in zip(skipped, rec.ids_as_written(skipped), strict=True)]
    return RecList(results=[to_rec(r, root) for r in recs], skipped=skipped, skipped_as_written=written)
