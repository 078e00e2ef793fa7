"""Recommendations for a shopper from the items they liked."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from fashionrec.api.deps import RootDep, ServiceDep, known_query_only
from fashionrec.api.schemas import Error, ProfileRequest, RecList, to_rec
from fashionrec.errors import NotFoundError

router = APIRouter(prefix="/api/recommend", tags=["recommend"], dependencies=[Depends(known_query_only)])


@router.post("/profile", response_model=RecList, responses={404: {"model": Error}, 413: {"model": Error},
                                                             422: {"model": Error}})
def recommend_for_profile(body: ProfileRequest, service: ServiceDep, root: RootDep) -> RecList:
    """Items like the ones a shopper liked (the liked items themselves are left out)."""
    with service.reading(body.include_sold_out):
        liked, skipped = service.rec.known_liked(body.liked) if body.skip_unknown else (body.liked, [])
        if not liked:
            # Each once, as `skipped` and the CLI say them ("none of the liked ids 1855, 1855", a code review).
            raise NotFoundError(f"none of the liked ids {', '.join(map(service.rec.id_said, skipped))} is in the "
                                "catalogue")
        try:
            recs = service.rec.for_profile(liked, k=body.k, looks=body.looks)
        except NotFoundError as e:
            if body.skip_unknown:
                raise
            # A saved list outlives products: the way on, where the whole list failed for one (an operator's trial).
            raise NotFoundError(f"{e}; send \"skip_unknown\": true to leave out liked ids the catalogue no longer "
                                "has") from e
    return RecList(results=[to_rec(r, root) for r in recs], skipped=skipped,
                   skipped_as_written=service.rec.ids_as_written(skipped))
