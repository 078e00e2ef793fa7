"""Recommendations for a shopper from the items they liked."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from fashionrec.api.deps import K, RootDep, Service, ServiceDep, known_query_only, listed_ids
from fashionrec.api.revalidation import answering
from fashionrec.api.schemas import MAX_LIKED, Error, ProfileRequest, RecList, to_rec
from fashionrec.errors import NotFoundError

router = APIRouter(prefix="/api/recommend", tags=["recommend"], dependencies=[Depends(known_query_only)])


@router.post("/profile", response_model=RecList, responses={404: {"model": Error}, 413: {"model": Error},
                                                             422: {"model": Error}})
def recommend_for_profile(body: ProfileRequest, service: ServiceDep, root: RootDep) -> RecList:
    """Items like the ones a shopper liked (the liked items themselves are left out)."""
    return _picks(service, root, body.liked, body.k, body.looks, body.skip_unknown, 'send "skip_unknown": true',
                  service.reading(body.include_sold_out))


@router.get("/profile", response_model=RecList, responses={404: {"model": Error}, 422: {"model": Error}})
def recommend_for_profile_by_address(
    request: Request,
    response: Response,
    service: ServiceDep,
    root: RootDep,
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
                  answering(service, request, response, include_sold_out))


def _picks(service: Service, root: str, liked: list, k: int, looks: bool, skip_unknown: bool, way_on: str,
           reading: AbstractContextManager) -> RecList:
    """The picks for ``liked`` (ids as sent: numbers, or as the shop writes them, stop 73); ``way_on``: how the
    request leaves out liked ids the catalogue lacks; ``reading``: the request's read access to ``service``
    (``Service.reading``, or ``revalidation.answering`` for a GET's)."""
    with reading:
        liked = service.rec.ids_named(liked)    # those naming nothing: a 404 as sent, even if skipped
        liked, skipped = service.rec.known_liked(liked) if skip_unknown else (liked, [])
        if not liked:
            # Each once, as `skipped` and the CLI say them ("none of the liked ids 1855, 1855", a code review).
            raise NotFoundError(f"none of the liked ids {', '.join(map(service.rec.id_said, skipped))} is in the "
                                "catalogue")
        try:
            recs = service.rec.for_profile(liked, k=k, looks=looks)
        except NotFoundError as e:
            if skip_unknown:
                raise
            # A saved list outlives products: the way on, where the whole list failed for one (an operator's trial).
            raise NotFoundError(f"{e}; {way_on} to leave out liked ids the catalogue no longer has") from e
    return RecList(results=[to_rec(r, root) for r in recs], skipped=skipped,
                   skipped_as_written=service.rec.ids_as_written(skipped))
