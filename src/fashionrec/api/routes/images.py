"""Product photos by integer id only: no client-supplied paths ever reach the file system."""

from __future__ import annotations

import functools
import io
import logging

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response
from PIL import Image

from fashionrec.api.deps import ServiceDep
from fashionrec.api.schemas import Error
from fashionrec.catalog import open_rgb
from fashionrec.errors import NotFoundError

log = logging.getLogger(__name__)
router = APIRouter(tags=["images"])

# The longest side a photo is served at unless asked otherwise: a product page's photo, sharp on a phone. A
# shop's 4800x6400 photo went to every card as its 681 KB file (a shop's trial); the catalogue's 60x80 photos
# and any photo within the bound go as their files, byte for byte.
SERVED_SIDE = 800
# The sizes made: a ?max between two is served at the next one up, so a client looping over values makes at most
# these few per photo (a review); the cache holds 256 photos (240: ~15 KB, 1600: ~200 KB: 50 MB at the worst).
SIDES = (120, 240, 480, 800, 1600)
CACHE_HEADERS = {"Cache-Control": "public, max-age=86400"}


# Formats every browser shows; a TIFF or BMP photo goes out as a JPEG (Chromium showed a TIFF as a broken image).
SHOWN_AS_IS = {"JPEG", "PNG", "WEBP", "GIF"}


@functools.lru_cache(maxsize=256)      # a few pages of cards, or fewer product pages
def _downscaled(path: str, modified: int, side: int) -> bytes:
    """The photo at ``path`` (as of ``modified``) as a JPEG whose longest side is ``side``."""
    im = open_rgb(path)
    im.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    im.save(out, format="JPEG", quality=88)
    return out.getvalue()


@router.get("/images/{item_id}.jpg", response_class=FileResponse,
            responses={404: {"model": Error}, 422: {"model": Error}})
def product_image(item_id: int, service: ServiceDep,
                  asked: int = Query(SERVED_SIDE, alias="max", ge=32, le=8192,
                                     description="Longest side in pixels: a photo within it is sent as its file; "
                                                 "a larger one is scaled down (JPEG) to the next of 120, 240, 480, "
                                                 "800 or 1600 up from it, or to 1600 above that.")) -> Response:
    """The photo of item ``item_id``: its file where its longest side is within ``max`` pixels, else scaled
    down to the size of :data:`SIDES` next up from ``max`` (1600 at most)."""
    with service.reading():     # not while a product goes in or out (its row numbers change then)
        path = service.rec.image_path(item_id)  # NotFoundError for an unknown id
    if not path.is_file():
        raise NotFoundError(f"item {item_id} has no image file")
    side = next((s for s in SIDES if s >= asked), SIDES[-1])
    kind = None
    try:
        with Image.open(path) as im:        # the header only: 60x80 catalogue photos go out as they are
            large = max(im.size) > asked
            kind = im.format
        if large or kind not in SHOWN_AS_IS:
            return Response(_downscaled(str(path), path.stat().st_mtime_ns, side), media_type="image/jpeg",
                            headers=CACHE_HEADERS)
    except (OSError, ValueError) as e:  # changed on disk since it was indexed, or truncated: sent as it is
        log.warning("photo of item %d (%s) cannot be scaled (%s): sent as its file", item_id, path, e)
    # Its type as its bytes say (a PNG saved as 13089.jpg went out as image/jpeg, a trial), else its name's.
    media = Image.MIME.get(kind or "") or {".png": "image/png", ".webp": "image/webp"}.get(path.suffix.lower(),
                                                                                         "image/jpeg")
    return FileResponse(path, media_type=media, headers=CACHE_HEADERS)
