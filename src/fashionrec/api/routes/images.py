"""Product photos by integer id only: no client-supplied paths ever reach the file system."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from fashionrec.api.deps import ServiceDep
from fashionrec.api.schemas import Error
from fashionrec.errors import NotFoundError

router = APIRouter(tags=["images"])


@router.get("/images/{item_id}.jpg", response_class=FileResponse,
            responses={404: {"model": Error}, 422: {"model": Error}})
def product_image(item_id: int, service: ServiceDep) -> FileResponse:
    """The photo of item ``item_id``."""
    path = service.rec.image_path(item_id)  # NotFoundError for an unknown id
    if not path.is_file():
        raise NotFoundError(f"item {item_id} has no image file")
    media = {".png": "image/png", ".webp": "image/webp"}.get(path.suffix.lower(), "image/jpeg")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=86400"})
