"""``PATCH /api/items/{id}``: correct a product's labels, name, year or price without a rebuild (stop 74), behind the
key that adds and removes products. Every field is checked before any changes (a 422 naming each wrong one, a label
no product has with the close and the known ones); the answer says what changed, from what, and the product as it
is now. The photo, and so its photo embedding, stays; a stock level is ``PUT /api/items/{id}/stock``'s."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from fashionrec.api.deps import ItemId, RootDep, ServiceDep, known_query_only, require_api_key
from fashionrec.api.routes.items import CHANGE_ERRORS
from fashionrec.api.schemas import ID_WRITTEN, Answer, Error, Item, to_item
from fashionrec.catalog import ID_AS_WRITTEN

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/items", tags=["items"], dependencies=[Depends(known_query_only)])
Label = Annotated[str | None, Field(max_length=50)]


class ItemEdit(BaseModel):
    """The fields to change, the others left out (null is no value to set: refused)."""

    model_config = ConfigDict(extra="forbid")       # a misspelt "colour" is refused, not read as no change

    productDisplayName: Annotated[str | None, Field(max_length=300)] = None
    gender: Label = None
    masterCategory: Label = None
    subCategory: Label = None
    articleType: Label = None
    baseColour: Label = None
    season: Label = None
    usage: Label = None
    year: Annotated[int | None, Field(ge=1900, le=2100)] = None
    # Strict: JSON's true was read as a price of 1 (lax float), where a Python caller's True is refused.
    price: Annotated[StrictStr | StrictInt | StrictFloat | None, Field(
        description="1299, '₹1,299' or '1.299,00', read as styles.csv's price column is.")] = None
    # Null ends a sale (no regular price), where null is no value to set for the other fields.
    regular_price: Annotated[StrictStr | StrictInt | StrictFloat | None, Field(
        description="The price before a sale, above the price (shown struck through beside it); null: not on sale. "
        "One at or below the price is refused; a price edited to or above it ends the sale.")] = None
    allow_new_values: bool = Field(False, description="Accept a gender, category, type, colour, usage or season "
                                   "no product has yet (else refused as a likely typo).")


class FieldChange(Answer):
    was: str | int | float | None
    now: str | int | float | None


class Edited(Answer):
    id: int
    id_as_written: str = Field("", description=ID_WRITTEN)
    changed: dict[str, FieldChange] = Field(description="Each field that changed, from what to what ({} where "
                                            "each was as given already).")
    warnings: list[str] = Field(default_factory=list, description="What to check, though the edit went in (a "
                                "value `fashionrec data check` takes for a typo; the categories a new type took).")
    item: Item = Field(description="The product as it is now, as GET /api/items/{id} answers it.")


def edited(item_id: int, item: dict, changed: dict, warnings: list[str], root: str = "") -> Edited:
    """The answer to an edit (the CLI's `index edit --json` too)."""
    return Edited(id=item_id, id_as_written=str(item.get(ID_AS_WRITTEN) or item_id), warnings=warnings,
                  changed={f: FieldChange(was=was, now=now) for f, (was, now) in changed.items()},
                  item=to_item(item, item_id, root))


@router.patch("/{item_id}", response_model=Edited, dependencies=[Depends(require_api_key)],
              responses={**CHANGE_ERRORS, 404: {"model": Error}})
def edit_item(item_id: ItemId, body: ItemEdit, service: ServiceDep, root: RootDep) -> Edited:
    """Change a product's labels, name, year or price (needs ``X-API-Key``), e.g. ``{"articleType": "Flats"}``:
    saved at once, kept by a restart and by a rebuild while styles.csv gives the values the edit replaced."""
    changes = body.model_dump(exclude_unset=True, exclude={"allow_new_values"})
    warnings: list[str] = []
    with service.change() as exclusive:
        found = service.rec.id_typed(item_id)
        changed = service.rec.edit_product(found, changes, allow_new_values=body.allow_new_values,
                                           warnings=warnings, exclusive=exclusive, by=f"PATCH /api/items/{item_id}")
        item = service.rec.item(found)
    log.info("edited product %d: %s", found, ", ".join(changed) or "nothing changed")
    return edited(found, item, changed, warnings, root)
