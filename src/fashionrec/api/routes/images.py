"""Product photos by integer id only: no client-supplied paths ever reach the file system."""

from __future__ import annotations

import datetime
import email.utils
import functools
import io
import logging
import os

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response
from PIL import Image

from fashionrec.api.deps import ItemId, ServiceDep
from fashionrec.api.hidden_reads import ShopRefusal, hidden_to, to_the_shop
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
# Five minutes, then revalidated by the ETag (a 304 of no body): a photo replaced in a rebuild showed in browsers
# and caches for a day under its unchanged address (an operator's trial).
CACHE_HEADERS = {"Cache-Control": "public, max-age=300"}


# Formats every browser shows; a TIFF or BMP photo goes out as a JPEG (Chromium showed a TIFF as a broken image).
SHOWN_AS_IS = {"JPEG", "PNG", "WEBP", "GIF"}


try:        # Starlette's own name for it (1.x): a later one without it keeps its plain 400, and the server starts
    from starlette.responses import MalformedRangeHeader
    MALFORMED_RANGE: tuple[type[Exception], ...] = (MalformedRangeHeader,)
except ImportError:
    MALFORMED_RANGE = ()


class PhotoFile(FileResponse):
    """A photo's file, where a malformed ``Range`` is ignored (the whole photo, 200), as RFC 9110 14.2 lets a server
    do: Starlette answered ``Range: bytes=5-1`` with a plain-text 400, outside the API's ``{"detail"}`` (a security
    review). A range that is well formed but past the end is still a 416."""

    @classmethod
    def _parse_range_header(cls, http_range: str, file_size: int) -> list[tuple[int, int]]:
        try:
            return super()._parse_range_header(http_range, file_size)
        except MALFORMED_RANGE:
            return []       # no ranges: Starlette sends the whole file


@functools.lru_cache(maxsize=256)      # a few pages of cards, or fewer product pages
def _downscaled(path: str, modified: int, side: int) -> bytes:
    """The photo at ``path`` (as of ``modified``) as a JPEG whose longest side is ``side``."""
    im = open_rgb(path)
    im.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    im.save(out, format="JPEG", quality=88)
    return out.getvalue()


def _validators(stat: os.stat_result, side: int | None) -> dict[str, str]:
    """ETag and Last-Modified of the photo file ``stat`` describes, as sent at ``side`` (None: its file). A
    scaled copy's tag is weak: another Pillow may encode the same picture in other bytes."""
    tag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}-{side or "file"}"'
    return {"ETag": f"W/{tag}" if side else tag, "Last-Modified": email.utils.formatdate(stat.st_mtime, usegmt=True)}


def _http_date(text: str) -> datetime.datetime | None:
    """An HTTP date (RFC 9110 5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms, the last without a
    zone, read as GMT); None for anything else."""
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def _unchanged(request: Request, validators: dict[str, str]) -> bool:
    """Whether the client's copy is current (RFC 9110 13.1: If-None-Match decides where sent, compared weakly,
    else If-Modified-Since): a shop front end revalidating a card's photo gets a 304, not the photo again (a
    trial)."""
    sent = request.headers.getlist("if-none-match")     # a list may come over several header lines
    if sent:
        tags = {t.strip().removeprefix("W/") for line in sent for t in line.split(",")}
        return "*" in tags or validators["ETag"].removeprefix("W/") in tags
    since = _http_date(request.headers.get("if-modified-since") or "")
    modified = _http_date(validators["Last-Modified"])
    # A date in the future is no date the client had the photo by (RFC 9110 13.1.3).
    return bool(since and modified and modified <= since <= datetime.datetime.now(datetime.UTC))


@router.get("/images/{item_id}.jpg", response_class=FileResponse,
            responses={200: {"description": "The photo: its file as stored, or scaled down as a JPEG.",
                             "content": {t: {} for t in ("image/jpeg", "image/png", "image/webp", "image/gif")}},
                       304: {"description": "The copy named by If-None-Match or If-Modified-Since is current."},
                       404: {"model": Error}, 422: {"model": Error}})
def product_image(item_id: ItemId, service: ServiceDep, request: Request, refusal: ShopRefusal,
                  asked: int = Query(SERVED_SIDE, alias="max", ge=32, le=8192,
                                     description="Longest side in pixels, rounded up to the next of 120, 240, "
                                                 "480, 800 or 1600 (1600 above that): a photo within either is "
                                                 "sent as its file, a larger one scaled down to that size (JPEG)."),
                  ) -> Response:
    """The photo of product ``item_id``, at most ``max`` pixels on its longest side (rounded up as said).
    Revalidate with If-None-Match (its ETag) or If-Modified-Since: a current copy gets 304 Not Modified. A product
    the shop hides: with the API key alone (else a 404, as its page), kept by no shared cache."""
    with service.reading(), to_the_shop(refusal):     # not while a product goes in or out (its rows move then)
        # The number or the id as the shop writes it (a Handle, a SKU code: schemas.image_url gives it so, stop 75)
        typed, item_id = item_id, service.rec.id_typed(item_id)
        # A draft's photo went to anyone by its number or Handle, where its page was a 404 (stop 76)
        hidden = hidden_to(service.rec, item_id, typed, refusal) is not None
        path = service.rec.image_path(item_id)  # NotFoundError for an unknown id
    if not path.is_file():
        raise NotFoundError(f"item {item_id} has no image file")
    side = next((s for s in SIDES if s >= asked), SIDES[-1])
    cache = {"Cache-Control": "private, max-age=300"} if hidden else CACHE_HEADERS     # the shop's alone
    stat = path.stat()
    kind = None
    try:
        with Image.open(path) as im:        # the header only: 60x80 catalogue photos go out as they are
            # Not where the size made would be no smaller: ?max=32 re-encoded a 60x80 photo at 60x80, larger.
            large = max(im.size) > max(asked, side)
            kind = im.format
        if large or kind not in SHOWN_AS_IS:
            headers = {**cache, **_validators(stat, side)}
            if _unchanged(request, headers):
                return Response(status_code=304, headers=headers)
            return Response(_downscaled(str(path), stat.st_mtime_ns, side), media_type="image/jpeg", headers=headers)
    except (OSError, ValueError) as e:  # changed on disk since it was indexed, or truncated: sent as it is
        log.warning("photo of item %d (%s) cannot be scaled (%s): sent as its file", item_id, path, e)
    headers = {**cache, **_validators(stat, None)}
    if _unchanged(request, headers):
        return Response(status_code=304, headers=headers)
    # Its type as its bytes say (a PNG saved as 13089.jpg went out as image/jpeg, a trial), else its name's.
    media = Image.MIME.get(kind or "") or {".png": "image/png", ".webp": "image/webp"}.get(path.suffix.lower(),
                                                                                         "image/jpeg")
    return PhotoFile(path, media_type=media, headers=headers)       # its length measured as it is sent
