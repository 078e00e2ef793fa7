"""Shared dependencies (``Annotated`` aliases keep handlers short) and input checks for uploads and filters."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import io
import logging
import os
import re
import secrets
import threading
import unicodedata
import uuid
import warnings
from collections.abc import AsyncIterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Annotated

from fastapi import Depends, File, Header, HTTPException, Query, Request, UploadFile
from fastapi import Path as InPath
from fastapi.concurrency import run_in_threadpool
from PIL import Image
from pydantic import BaseModel

from fashionrec.api.schemas import MAX_LIKED
from fashionrec.api.settings import Settings
from fashionrec.api.timing import timed
from fashionrec.catalog import PHOTO_FORMATS, PHOTO_FORMATS_SAID, check_photo, open_rgb
from fashionrec.catalogue_edits import changing_folder, manifest_stamp
from fashionrec.errors import (
    BadInputError,
    ChangedOnDiskError,
    DamagedFileError,
    FashionrecError,
    ModelError,
    VectorIndexError,
)
from fashionrec.item_tables import SALE_FILTER
from fashionrec.rwlock import RWLock  # noqa: F401 - the server's lock, and tests import it from here
from fashionrec.stock import showing_sold_out, sold_out_shown
from fashionrec.visibility import answering_anyone

log = logging.getLogger(__name__)

# Filter names accepted by browse, similar and the catalogue page, in display order.
FILTER_KEYS = ["gender", "masterCategory", "subCategory", "articleType", "baseColour", "usage", "season"]


def keep_from_collector() -> None:
    """Leave what the process holds now (the index served, its search tables) out of the garbage collector's
    full passes (``gc.freeze``). Each full pass looked at all of it, 120 ms at 40k products, holding Python's
    lock: three of them during a reload stopped every search for that long each (benchmarks/bench_reload.py).
    The index a reload replaces is still freed, by its reference counts (it holds no cycles). The young
    generations are collected first, a moment: cyclic garbage there would stay for good (about 115 objects a
    freeze, a code review; the server's start collects all, and the lifespan's end unfreezes)."""
    gc.collect(1)
    gc.freeze()


class Service:
    """What the lifespan loads once: the recommender, the filter vocabulary and a lock around the index."""

    def __init__(self, recommender, settings: Settings) -> None:
        self.rec = recommender
        self.settings = settings
        self.lock = RWLock()
        # One catalogue change at a time; it holds ``lock`` for writing only while its change goes in.
        self.changing = threading.Lock()
        self._failed_reload: tuple | None = None     # the index folder's _folder_stamp where its files failed
        self._said_failure: tuple | None = None      # ... where the log last said a reload failed
        self._said_gone = False                      # whether the log said the folder is gone (_say_if_gone)
        # Why the folder on disk is not what is served, for /health: a rebuild by another model left a server
        # serving the old index under "ok", said in its log alone (an integrator's trial).
        self.reload_failure = ""
        # A token of its own while a change is in memory but not yet saved (or taken back): :meth:`version`.
        self._in_flight: str | None = None
        self.stale = stale_said(recommender)
        self.refresh_values()
        keep_from_collector()

    @contextmanager
    def reading(self, sold_out: bool | None = None):
        """Read access to the recommender, timed as ``rec`` in the response's ``Server-Timing``; ``sold_out``:
        the request's ``include_sold_out``, sold-out products listed as the others (stop 67); None: as the
        request's handler set it around its reads (a web page's, stop 68), else left out."""
        # answering_anyone: an id's "did you mean" offers no product the shop hides, to anyone (the CLI, the shop, is
        # offered it)
        with self.lock.read(), timed("rec"), sold_out_shown(showing_sold_out() if sold_out is None else sold_out), \
                answering_anyone():
            yield

    def version(self) -> str:
        """Which version of the index the answers are of now (``api.revalidation``'s ETags): its manifest's build,
        date, last change and count (:func:`~fashionrec.catalogue_edits.manifest_stamp`), which every saved add,
        remove and stock level moves on and a reload brings in, the same in every process serving the folder; or,
        from the moment a change is in memory until it is saved or taken back, a token of that change alone (its
        manifest is the one before until the save). Read it under :meth:`reading`, with the answer."""
        return self._in_flight or repr(manifest_stamp(self.rec.manifest))

    @contextmanager
    def _swapping(self):
        """The write lock a change puts its new state in place under (the recommender's ``exclusive``), the
        version a token of that change's from then on."""
        with self.lock.write():
            self._in_flight = uuid.uuid4().hex
            yield

    def refresh_values(self) -> None:
        self.filter_values = self.rec.filter_values()
        # At start-up and after a change (by the request that made it), not in the next searches.
        self.rec.warm_search()

    @contextmanager
    def change(self):
        """A catalogue change: one at a time; yields the write lock for the recommender's ``exclusive``
        (the tables searches read are built before it, :meth:`Recommender._prepared`); the looks' categories
        and the filter values after, while searches go on."""
        with self.changing, changing_folder(self.rec.index_dir):
            # Another process's change saved first (`fashionrec index add` beside the server): this one is
            # made on top of it, where it was refused with a 409 until a restart. Under the folder's change lock,
            # so that a batch still adding is waited for and loaded too (a DELETE during a 600-product batch
            # waited for it, then was refused with a 409, an operator's trial).
            self._reload_changed()
            try:
                yield self._swapping
            finally:        # saved (a new manifest) or taken back (the one before): the version is the folder's
                self._in_flight = None
            with self.lock.read():
                self.refresh_values()
            keep_from_collector()

    def reload_if_changed(self) -> bool:
        """Serve the index folder again where another process changed it since it was loaded (a rebuild, a
        `fashionrec index add/remove` beside the server): it is loaded and its search tables built while the
        searches go on with the one loaded, then swapped in at once. True where it was. A folder that cannot be
        served (half written, damaged, another model's where --model named one) is said in the log once, and
        the index loaded is served on; the next change to the folder is tried again."""
        if not self.rec.changed_on_disk():
            # A folder put back as it was served (a backup restored) is no longer one that cannot be served: /health
            # said "degraded" until a restart (a code review).
            self.reload_failure = ""
            self._say_if_gone()
            return False
        with self.changing:     # not beside an add or a remove through the API, which saves the folder too
            return self._reload_changed()

    def _say_if_gone(self) -> None:
        """Log once that the index folder is gone (moved or deleted), and once that it is back: /health said "ok"
        and the log nothing, until a restart found no index (an operator's trial)."""
        from fashionrec.recommend import GONE_AFTER_S

        gone = self.rec.gone_from_disk() >= GONE_AFTER_S
        if gone and not self._said_gone:
            log.error("%s has no manifest.json (moved or deleted?): still serving the index loaded before (%d items), "
                      "but a restart would find none", self.rec.index_dir, len(self.rec.items))
        elif self._said_gone and not gone:
            log.info("%s is back", self.rec.index_dir)
        self._said_gone = gone

    def _reload_changed(self) -> bool:
        """:meth:`reload_if_changed`, with ``changing`` held."""
        rec = self.rec
        if not rec.changed_on_disk():
            return False
        # Not again for a folder that failed as it is (a 530 MB read every look, a code review), until it changes.
        seen = _folder_stamp(rec.index_dir)
        if seen == self._failed_reload:
            return False
        try:
            with ExitStack() as held:
                # Read holding the folder's change lock, so that no `index add` beside the server saves into it
                # mid-read (a rebuild's folder swapped in mid-read is read again by Recommender.load); without it
                # where this process cannot write the folder or its lock file (made by another account).
                with suppress(VectorIndexError):
                    held.enter_context(changing_folder(rec.index_dir))
                new = _load_again(rec, self.settings)
            new.warm_search()
            values = new.filter_values()
            stale = stale_said(new)
        except Exception as e:      # whatever it is, the loaded index is served on, and changes still go in
            # What the folder's files say is tried again once they change; anything else (memory, a lock held too
            # long, a Milvus server away) at the next look. Said once either way.
            lasting = (isinstance(e, (DamagedFileError, ModelError, VectorIndexError))
                       and not isinstance(e, ChangedOnDiskError))
            if seen != self._said_failure:
                log.error("%s changed on disk but cannot be served (%s: %s); still serving the index loaded before "
                          "(%d items), %s", rec.index_dir, type(e).__name__, e, len(rec.items),
                          "until the folder changes again" if lasting else "trying again at each look",
                          exc_info=not isinstance(e, FashionrecError))
                self._said_failure = seen
            self._failed_reload = seen if lasting else None
            self.reload_failure = (f"{rec.index_dir} changed on disk but cannot be served ({e}); still serving the "
                                   f"index loaded before ({len(rec.items)} items)")
            return False
        self._failed_reload, self.reload_failure = None, ""
        with self.lock.write():
            self.rec, self.filter_values, self.stale = new, values, stale
        keep_from_collector()
        model = new.tagger.name if new.tagger is rec.tagger else f"{new.tagger.name} (was {rec.tagger.name})"
        log.log(logging.INFO if new.tagger is rec.tagger else logging.WARNING,
                "%s changed on disk: now serving %d items (were %d), built %s, updated %s, model %s", new.index_dir,
                len(new.items), len(rec.items), new.manifest.get("date"), new.manifest.get("updated") or "never",
                model)
        return True


def stale_said(rec, say: bool = True) -> str:
    """What `fashionrec index check` finds stale in ``rec``'s stored predictions (an index built before an
    upgrade that reads the group and category otherwise, or before a calibration), said in the log as a
    warning (unless not ``say``), and "" where nothing is: an upgraded server served such an index under "ok" (an
    operator's trial)."""
    from fashionrec.recommend import rebuild_command, stale_probabilities
    from fashionrec.stock_kept import stock_at_rebuild_said

    stale = stale_probabilities(rec)
    if stale:
        # ... and what the rebuild does with the stock levels (said nowhere before stop 69)
        stock = stock_at_rebuild_said(rec.index_dir, rec.items)
        stale = (f"index {rec.index_dir}: {stale}; the product pages show them until it is rebuilt "
                 f"({rebuild_command(rec.index_dir, rec.tagger, manifest=rec.manifest)}; "
                 f"{stock + '; ' if stock else ''}`fashionrec index check` says the same)")
        if say:
            log.warning("%s", stale)
    return stale


def _load_again(rec, settings: Settings):
    """A new recommender of ``rec``'s index folder as it is on disk now, with ``rec``'s tagger where it was
    built by the same model; else with the model the folder names, unless the server was given one."""
    from fashionrec.recommend import Recommender

    try:
        return Recommender.load(rec.index_dir, model=rec.tagger, uri=settings.milvus_uri,
                                token=settings.milvus_token)
    except ModelError:
        if settings.model is not None:
            raise
    new = Recommender.load(rec.index_dir, model=None, uri=settings.milvus_uri, token=settings.milvus_token)
    new.tagger.warm_up()
    return new


def _folder_stamp(folder: Path) -> tuple:
    """(name, size, mtime) of each file of an index folder: what tells one state of it from another."""
    try:
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(folder)
                            if e.is_file() and not e.name.startswith(".")))
    except OSError:
        return ()


def get_service(request: Request) -> Service:
    return request.app.state.service


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def root_path(request: Request) -> str:
    """The path this server is reached under behind a reverse proxy ("/recs"; "" at the site's root), from the
    request's ASGI scope (``fashionrec serve --root-path``). Every address the pages and the API give out starts
    with it, as ``request.url_for``'s do: "/images/1.jpg" from behind /recs/ led to another site's page."""
    return request.scope.get("root_path", "").rstrip("/")


def app_path(scope) -> str:
    """A request's path within the app, its root path left out: uvicorn puts ``--root-path`` in front of the
    path ("/recs/api/items"), and the app's own checks of a path, as its routes, go by what follows it."""
    path, root = scope["path"], scope.get("root_path", "").rstrip("/")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root):] or "/"
    return path


ServiceDep = Annotated[Service, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RootDep = Annotated[str, Depends(root_path)]
K = Annotated[int, Query(ge=1, le=100, description="How many results (1..100).")]
# A product's id in a path (/api/items/{item_id}): its number, or as the shop's export writes it, read by
# ItemTables.id_typed under the route's lock (stop 73: a Shopify Handle, the id its answers give as id_as_written,
# was a 422 "not a valid integer").
ItemId = Annotated[str, InPath(max_length=1000, description="The product's id (15970), or its id as the shop's export "
                             "writes it (id_as_written: '0015970', a Shopify Handle).")]
# Sold-out products (stock 0 in the shop's catalogue, or set by `fashionrec index stock`; stop 67) are left out of
# every list a shopper is shown, the next available ones taking their places, unless a request asks for them.
IncludeSoldOut = Annotated[bool, Query(description="List sold-out products too (stock 0 in the shop's styles.csv "
                                       "or set by `fashionrec index stock`): left out by default, the next "
                                       "available ones taking their places.")]


def parse_filters(
    request: Request,
    service: ServiceDep,
    gender: str | None = None,
    masterCategory: str | None = None,
    subCategory: str | None = None,
    articleType: str | None = None,
    baseColour: str | None = None,
    usage: str | None = None,
    season: str | None = None,
    on_sale: Annotated[bool, Query(description="Where the shop's export gives regular prices: only the products on "
                                   "sale, priced below their regular price (false, or left out: any).")] = False,
) -> dict[str, str]:
    """Query filters -> ``{column: value}``; empty values mean "any"; unknown values are a 422, and so is a
    filter given twice (``baseColour=White&baseColour=Black`` kept the last without a word). ``on_sale=true`` the
    products on sale (stop 77: "on sale" was a filter of text search's words alone), a 422 where the index keeps
    no regular prices."""
    twice = sorted(k for k in FILTER_KEYS if len(request.query_params.getlist(k)) > 1)
    if twice:
        raise BadInputError(f"{', '.join(twice)} given more than once: a filter takes one value")
    given = dict(gender=gender, masterCategory=masterCategory, subCategory=subCategory,
                 articleType=articleType, baseColour=baseColour, usage=usage, season=season)
    # Blank means "any"; the recommender canonicalises the rest and refuses unknown values (BadInputError).
    with service.reading():     # its tables of values change when a product goes in or out
        return service.rec.check_filters({k: v for k, v in given.items() if v and v.strip()}
                                         | ({SALE_FILTER: True} if on_sale else {}))


Filters = Annotated[dict[str, str], Depends(parse_filters)]


def _unreadable(c: str) -> bool:
    """A character that is no text: U+FFFD (bytes that were no UTF-8), a control, format, surrogate or
    private-use one. Not an unassigned one: an emoji newer than this Python's Unicode tables is one."""
    return c == "\ufffd" or unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co")


def readable_text(text: str) -> str:
    """``text`` without its :func:`_unreadable` characters: a format one (a zero-width space, a soft hyphen)
    dropped, so that "t\u00adshirt" stays one word, the others a space."""
    return "".join(("" if unicodedata.category(c) == "Cf" else " ") if _unreadable(c) else c for c in text)


def readable_query(q: str) -> str:
    """``q`` stripped; a 422 where nothing readable is left: bytes that are no UTF-8 (``%ff``, decoded as
    U+FFFD) or control characters (``%00``) answered 200 with no results and no word (a bad-input trial).
    An emoji is kept: "\N{DRESS}" finds dresses by meaning."""
    q = q.strip()
    if not q:
        raise BadInputError("q is blank; search for words such as 'blue jeans'")
    if all(_unreadable(c) for c in q):
        raise BadInputError("q holds no readable text (bytes that are not UTF-8, or control characters); send "
                            "words such as 'blue jeans', UTF-8 and percent-encoded")
    return q


def _param_names(dependant, kind: str) -> set[str]:
    """The names of one kind of parameter (``query_params``, ``body_params``) a route and its dependencies take."""
    names = {p.alias for p in getattr(dependant, kind)}
    for sub in dependant.dependencies:
        names |= _param_names(sub, kind)
    return names


def _refuse_unknown(given, allowed: set[str], what: str, path: str) -> None:
    """A BadInputError naming the ``given`` names outside ``allowed`` and listing those, if there are any."""
    unknown = sorted(set(given) - allowed)
    if unknown:
        # The first few, each cut short: 3,000 names in an address made a 20 KB detail, logged whole on its line
        # (a security review).
        shown = [n if len(n) <= 40 else n[:40] + "..." for n in unknown[:10]]
        listed = ", ".join(shown) + (f" ... ({len(unknown):,} in all)" if len(unknown) > 10 else "")
        raise BadInputError(f"unknown {what}{'s' if len(unknown) > 1 else ''} {listed}; "
                            f"{path} takes: {', '.join(sorted(allowed)) or 'none'}")


async def known_form_only(request: Request) -> None:
    """Refuse form fields the endpoint does not take: ``colour=Green`` or ``size=M`` on a new product
    would otherwise be dropped without a word (and the colour guessed by the tagger)."""
    route = request.scope.get("route")
    if route is not None:
        _refuse_unknown((await request.form()).keys(), _param_names(route.dependant, "body_params"),
                        "form field", request.url.path)


def _json_fields(dependant) -> set[str]:
    """The fields of a route's JSON body (a pydantic model), if it takes one."""
    models = [getattr(p, "field_info", None) for p in dependant.body_params]
    return {name for info in models if info is not None and isinstance(info.annotation, type)
            and issubclass(info.annotation, BaseModel) for name in info.annotation.model_fields}


def listed_ids(ids: str) -> list[str]:
    """The ids of an ``ids=15970,39386`` parameter (``GET /api/items``, ``GET /api/recommend/profile``), in order,
    as sent: each a number or an id as the shop writes it (a Handle), which ``rec.id_named`` reads under the route's
    lock, one naming no product a 404 said as sent (stop 73: "'x' is no id", a 422, refused a shop's Handles); a 422
    that says how many were given past :data:`MAX_LIKED`, or none."""
    wanted = [part.strip() for part in ids.split(",") if part.strip()]
    if not wanted or len(wanted) > MAX_LIKED:
        raise BadInputError(f"ids must be 1 to {MAX_LIKED} product ids separated by commas, e.g. 15970,39386; "
                            f"{len(wanted)} given")
    return wanted


def known_query_only(request: Request) -> None:
    """Refuse query parameters the endpoint does not take: ``?colour=Red`` must not return every colour
    as if the filter held (the CLI and Python refuse an unknown filter too)."""
    route = request.scope.get("route")
    if route is not None and request.query_params:
        # "?k=3" on the profile, whose k is in its JSON body, was told the endpoint takes no parameter (a trial).
        body = sorted(set(request.query_params.keys()) & _json_fields(route.dependant))
        if body:
            raise BadInputError(f"{', '.join(body)} go{'es' if len(body) == 1 else ''} in the JSON body of "
                                f"{request.url.path}, not in its address, e.g. {{\"{body[0]}\": ...}}")
        _refuse_unknown(request.query_params.keys(), _param_names(route.dependant, "query_params"), "query parameter",
                        request.url.path)


def sent_content_type(request: Request) -> str:
    """The media type of the request's body as sent ("multipart/form-data", "image/jpeg"; "none" without one)."""
    return request.headers.get("content-type", "none").split(";")[0] or "none"


async def uploaded_photo(
    request: Request,
    file: Annotated[UploadFile | None, File(description=f"A product photo ({PHOTO_FORMATS_SAID}).")] = None,
    image: Annotated[UploadFile | None, File(description="The photo, if not sent as file.")] = None,
) -> AsyncIterator[UploadFile]:
    """The one photo of a request, sent as ``file`` or ``image``: adding a product took either and the
    searches ``file`` alone, so a client that added a product sent its next search's photo where none was read
    (an integrator's trial). A photo over ``large_photo_pixels`` waits its turn first, and holds it until the
    endpoint is done (``large_photos_at_once`` at a time); a smaller one, or one over ``max_pixels`` (refused at
    once), does not wait."""
    photos = [name for name, value in (await request.form()).multi_items()
              if name in ("file", "image") and not isinstance(value, str)]
    if len(photos) > 1:       # the same field twice too: the last was taken without a word (a review)
        raise BadInputError(f"{len(photos)} photos sent (as {', '.join(photos)}): send one")
    photo = file if file is not None else image
    if photo is not None:
        settings: Settings = request.app.state.settings
        if settings.large_photo_pixels < photo_pixels(photo.file) <= settings.max_pixels:
            # Its turn among large photos, awaited here (no worker thread held while it waits) and held until the
            # endpoint is done with it: decoded, a 39-megapixel photo held about 300 MB through the search, and
            # four at once took the server from 1,197 to 2,406 MB, eight to 3,641 (stop 64).
            async with request.app.state.large_photos:
                try:
                    yield photo
                finally:    # a photo refused once decoded (check_photo's 422) freed as much
                    # Before the next one's turn: what this one freed went back to the C allocator of the worker
                    # thread that decoded it, which kept it, and the next one, in another thread, took as much
                    # again (8 at once, three times: 1,525 -> 1,834 -> 1,690 -> 1,999 MB; stop 64).
                    await run_in_threadpool(give_back_freed_memory)
            return
        yield photo
        return
    sent = sent_content_type(request)
    how = f"e.g. curl -F file=@photo.jpg {request.url.path}"
    if not sent.startswith("multipart/form-data"):
        raise BadInputError(f"no photo: this endpoint reads a multipart/form-data form with the photo in the field "
                            f"file (or image), not {sent}: {how}")
    raise BadInputError(f"no photo: send it in the form field file (or image), {how}")


Photo = Annotated[UploadFile, Depends(uploaded_photo)]


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library: macOS, musl)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def give_back_freed_memory() -> None:
    """Hand the memory the C allocator holds free back to the system (glibc's ``malloc_trim(0)``); a no-op
    elsewhere. A large photo's pixels are freed into the arena of the thread that decoded them, which keeps them
    for that thread alone."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def photo_pixels(f) -> int:
    """Width x height of the photo in the file object ``f``, from its header alone (no pixel decoded); 0 where it
    cannot be read (:func:`read_upload` says why). ``f`` is left at its start."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(f, formats=PHOTO_FORMATS) as im:
                return im.width * im.height
    except Exception:   # noqa: BLE001 - any failure to read the header is said when the photo is read
        return 0
    finally:
        f.seek(0)


class PayloadTooLarge(Exception):
    """An upload over ``max_upload_mb`` or ``max_pixels``: the API answers 413."""


def read_image(file: UploadFile, settings: Settings) -> Image.Image:
    """Read an uploaded image with limits: at most ``max_upload_bytes + 1`` bytes are read.

    Raises :class:`PayloadTooLarge` (413) for too many bytes or pixels and :class:`BadInputError` (422)
    for an empty upload or bytes that are not a complete image.
    """
    return read_upload(file, settings)[0]


def read_upload(file: UploadFile, settings: Settings) -> tuple[Image.Image, bytes]:
    """:func:`read_image`, and the bytes it was read from (an added product's photo keeps them where it can)."""
    limit = settings.max_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(settings.upload_too_large)
    if not data:
        raise BadInputError(f"the uploaded file {file.filename!r} is empty; send a {PHOTO_FORMATS_SAID} photo")
    name = file.filename or "upload"
    try:
        image = open_rgb(io.BytesIO(data), max_pixels=settings.max_pixels)
    except ValueError as e:
        if "over the limit" in str(e):
            raise PayloadTooLarge(f"{name}: {e} (set FASHIONREC_MAX_PIXELS to change it)") from e
        # Where the reason already says what to send, it is not said twice.
        said = str(e) if re.search(r"send (it|the whole photo|the photo)|a photo is", str(e)) else \
            f"{e}; send a {PHOTO_FORMATS_SAID} photo"
        raise BadInputError(f"{name}: {said}") from e
    try:
        check_photo(image)
    except ValueError as e:     # its message already says what to send instead
        raise BadInputError(f"{name}: {e}") from e
    return image, data


def require_api_key(settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None) -> None:
    """Writes need ``X-API-Key``; with no key configured they are switched off."""
    if not settings.api_key:
        raise HTTPException(403, "changing the catalogue (adding and removing products, setting stock levels) is "
                                 "disabled: start the server with "
                                 "FASHIONREC_API_KEY=<secret> and send it in the X-API-Key header")
    if not x_api_key:
        raise HTTPException(401, "missing X-API-Key header: send the key the server was started with (its "
                                 "FASHIONREC_API_KEY) in it, e.g. curl -H 'X-API-Key: ...'",
                            headers={"WWW-Authenticate": "X-API-Key"})
    if not secrets.compare_digest(x_api_key.encode(), settings.api_key.encode()):
        raise HTTPException(403, "wrong X-API-Key: send the key the server was started with (its FASHIONREC_API_KEY)")
