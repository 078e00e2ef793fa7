"""``create_app(settings)``: the FastAPI app, its lifespan (load the recommender once) and error handlers.

Every error leaves as JSON ``{"detail": "..."}``: domain errors map to 4xx (NotFoundError 404,
BadInputError 422, an index another process wrote since it was loaded 409, other FashionrecError 400),
oversize uploads to 413, and anything unexpected to a logged 500. A browser asking for a web page (GET,
``Accept: text/html``, not under ``/api/``) gets the same message as an HTML page of the UI instead.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import re
import threading
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

from fastapi import Depends, FastAPI, HTTPException, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from fashionrec import __version__
from fashionrec.api.access_log import AccessLog
from fashionrec.api.deps import PayloadTooLarge, Service, app_path, root_path, sent_content_type
from fashionrec.api.revalidation import NotModified, not_modified
from fashionrec.api.routes import ALL_ROUTERS
from fashionrec.api.routes.pages import WEB, templates
from fashionrec.api.settings import Settings
from fashionrec.api.timing import ServerTiming
from fashionrec.artifacts import source_revision
from fashionrec.errors import (
    BadInputError,
    ChangedOnDiskError,
    ConflictError,
    FashionrecError,
    NoSpaceError,
    NotFoundError,
    NotWritableError,
)

log = logging.getLogger(__name__)
UPLOAD_PATHS = ("/api/search/image", "/api/classify", "/api/items")


HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _methods_of(app: FastAPI, path: str) -> list[str]:
    """The methods the app serves ``path`` with, by its OpenAPI paths (HEAD wherever GET), sorted."""
    taken = set()
    for template, operations in app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))     # /api/items/{item_id}
        if re.fullmatch(pattern, path):
            taken |= {m.upper() for m in operations if m.upper() in HTTP_METHODS}
    return sorted(taken | ({"HEAD"} if "GET" in taken else set()))


def _reads_form(request: Request) -> bool:
    """Whether the request's endpoint reads a multipart form (its body parameters are form fields or files)."""
    body = getattr(getattr(request.scope.get("route"), "dependant", None), "body_params", [])
    return any(isinstance(p.field_info, (params.Form, params.File)) for p in body)


def _validation_message(exc: RequestValidationError, form: bool = False) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body" or len(err.get("loc", ())) == 1)
        if form and err.get("type") == "missing" and tuple(err.get("loc", ()))[:1] == ("body",):
            # A form field sent blank is read as not sent: "productDisplayName: Field required" for a name of
            # spaces puzzled an operator (a trial).
            parts.append(f"{where}: missing or blank")
            continue
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _body_message(request: Request, exc: RequestValidationError) -> str | None:
    """What to send instead, where the body is not what the endpoint reads: a photo sent as raw bytes or JSON
    got "file: Field required", a broken JSON body "1: JSON decode error" (an integrator's trial)."""
    errors = exc.errors()
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:
        where = (broken.get("loc") or ("", ""))[-1]
        why = (broken.get("ctx") or {}).get("error", "not JSON")
        return f"the body is not valid JSON ({why} at character {where}): send a JSON object, e.g. {{\"liked\": [1]}}"
    route = request.scope.get("route")
    body = getattr(getattr(route, "dependant", None), "body_params", [])
    if not body or not any((e.get("loc") or ("",))[0] == "body" for e in errors):
        return None
    form = _reads_form(request)
    sent = sent_content_type(request)
    if form and not sent.startswith("multipart/form-data"):
        fields = [p.alias for p in body]
        listed = ", ".join(fields[:4]) + (" ..." if len(fields) > 4 else "")
        return (f"this endpoint reads a multipart/form-data form (fields: {listed}), not {sent}: e.g. "
                f"curl -F file=@photo.jpg {request.url.path}")
    if not form and sent != "application/json":
        return f"this endpoint reads a JSON body with Content-Type: application/json, not {sent}"
    return None


def _page_message(exc: RequestValidationError, path: str, root: str = "") -> str:
    """The web pages' few parameters in a shopper's words; anything else as the validator puts it. ``path``:
    the page's within the app (``deps.app_path``); ``root``: the path the server is reached under."""
    parts = []
    for err in exc.errors():
        name, given = str((err.get("loc") or ("",))[-1]), err.get("input")
        if name == "page":
            parts.append(f"There is no page {given!r}: pages are numbered 1, 2, 3 and so on.")
        elif name == "q" and err.get("type") == "string_too_long":
            parts.append(f"That search is too long: use at most {err['ctx']['max_length']} characters.")
        elif name == "item_id" and path.startswith("/images/"):
            # Not opening with the quote: the page capitalises its message's first letter ("'Abc' is ...").
            # (An id of over 1,000 characters: a photo's address takes the shop's spelling too since stop 75.)
            parts.append(f"There is no product photo {given!r}: product photos are addressed by the product's id, "
                         f"like {root}/images/15970.jpg.")
        elif name == "item_id":
            parts.append(f"There is no product {given!r}: product pages are addressed by number, like "
                         f"{root}/item/15970.")
        else:
            parts.append(f"{name}: {err.get('msg', 'invalid')}")
    return " ".join(parts) or "That address is not valid."


def _json(status: int, detail: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


# What a shopper reads above the message when a page cannot be shown.
PAGE_TITLES = {404: "Not found", 413: "Too large", 422: "That address is not valid"}


def _wants_page(request: Request) -> bool:
    return (request.method == "GET" and not app_path(request.scope).startswith("/api/")
            and "text/html" in request.headers.get("accept", ""))


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")     # C0, C1 (NEL ends a line for splitlines)


def loggable(text: object) -> str:
    """Text from a request as one log line, its control characters escaped: a newline in a query parameter's
    name, quoted in a 422's detail, forged a whole line of the server's log (a security review)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def writes_said(settings: Settings, index_dir) -> str:
    """Whether this server adds and removes products, for its start-up line: an operator could not tell from the
    log whether the key was read, nor that a folder it cannot write would refuse every change (an operator's
    trial)."""
    if not settings.api_key:
        return "changes to the catalogue are off (set FASHIONREC_API_KEY to add and remove products through the API)"
    if not os.access(index_dir, os.W_OK):
        return (f"changes to the catalogue are refused (503): this process cannot write {index_dir}, though "
                "FASHIONREC_API_KEY is set")
    return ("changes to the catalogue are on (POST and DELETE /api/items, PUT /api/stock with the X-API-Key "
            "header)")


def request_id(request: Request) -> str:
    """The request's id (``api.access_log``), for the lines logged of it; "-" outside the middleware."""
    return getattr(request.state, "request_id", "-")


def _error(request: Request, status: int, detail: str, headers: dict | None = None):
    if status < 500:
        # The access log has the status only; the reason is what an operator looking into it needs, with the
        # request's id that its access line ends with.
        log.info("%s %s -> %d: %s req=%s", request.method, loggable(request.url.path), status, loggable(detail),
                 request_id(request))
    if _wants_page(request):
        return templates.TemplateResponse(request, "message.html", {
            "title": PAGE_TITLES.get(status, "Something went wrong"), "message": detail}, status_code=status,
            headers=headers)
    return _json(status, detail, headers)


def _status_handler(status: int):
    async def handler(request: Request, exc: Exception):
        shopper = getattr(exc, "shopper", None)
        return _error(request, status, shopper if shopper and _wants_page(request) else str(exc))

    return handler


class HeadAsGet:
    """Answer HEAD wherever GET is served (monitors and CDNs check with HEAD; FastAPI routes only answer the
    methods they declare, so HEAD /health was a 405). uvicorn sends the headers of the GET response and
    drops its body."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send)


# A JSON body (a profile's liked ids, at most 200) is a few KB: a 300 MB one was read whole and parsed before
# its 422, 2.2 GB of the server's memory kept after it (a security review).
JSON_BODY_LIMIT = 1 << 20


class BodyLimit:
    """Refuse a request body over its limit before it is read whole: an upload over ``limit`` bytes before
    the multipart parser spools it to disk, any other body over :data:`JSON_BODY_LIMIT`.

    A declared Content-Length over the limit is answered at once. A body sent without one (chunked) is
    counted as it arrives and cut off with the same 413; before, only the header was checked, so such a
    body was spooled whole before ``read_image`` refused it. Multipart overhead gets 64 KiB of slack in
    ``limit``. Plain ASGI, as it must see the body's chunks, not a finished request.
    """

    def __init__(self, app, limit: int, message: str):
        self.app, self.limit, self.message = app, limit, message

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        # The path within the app: behind a proxy's /recs/, uvicorn's path is "/recs/api/search/image", and a
        # photo over 1 MiB was refused as a JSON body too large.
        upload = scope["method"] == "POST" and app_path(scope).rstrip("/") in UPLOAD_PATHS     # "/api/items/" too
        limit = self.limit if upload else JSON_BODY_LIMIT
        message = self.message if upload else (f"the request body is over {JSON_BODY_LIMIT >> 20} MiB: this "
                                               "endpoint takes a small JSON object (see /docs)")
        length = Headers(scope=scope).get("content-length")
        if length and length.isdigit() and int(length) > limit:
            return await _json(413, message)(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            got = await receive()
            seen += len(got.get("body", b""))
            if seen > limit:
                # FastAPI re-raises an HTTPException from body parsing; its handler answers JSON detail.
                raise HTTPException(413, message)
            return got

        await self.app(scope, counted, send)


# The API docs (/docs, its OAuth2 redirect, /redoc) start Swagger UI and ReDoc with an inline script.
DOCS_PATHS = ("/docs", "/redoc")
# Where a page may load scripts from: app.js of this server alone. The UI's pages have no inline script or handler,
# so markup slipped past the escaping runs nothing (a security review: the CSP said frame-ancestors only).
SCRIPTS_POLICY = "; script-src 'self'; object-src 'none'; base-uri 'self'"


def security_headers(frame_ancestors: str, scripts: bool = True) -> dict[str, str]:
    """``nosniff`` (a browser never takes a photo or JSON for a page), which pages may frame the UI
    (``Settings.frame_ancestors``, this server's own by default; a security review found the UI could be framed by
    any site, and no such header anywhere) and, with ``scripts``, :data:`SCRIPTS_POLICY`."""
    return {"X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": f"frame-ancestors {frame_ancestors}" + (SCRIPTS_POLICY if scripts else "")}


def _scripts_policed(scope) -> bool:
    """Whether a response gets :data:`SCRIPTS_POLICY`: all but the API docs' pages."""
    path = app_path(scope)
    return not any(path == p or path.startswith(p + "/") for p in DOCS_PATHS)


class SecurityHeaders:
    """:func:`security_headers` on every response (an unexpected 500, answered outside, adds them itself)."""

    def __init__(self, app, frame_ancestors: str):
        self.app = app
        self.headers = {scripts: [(k.lower().encode("latin-1"), v.encode("latin-1"))
                                  for k, v in security_headers(frame_ancestors, scripts).items()]
                        for scripts in (True, False)}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        added = self.headers[_scripts_policed(scope)]

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, with_headers)


class RelativeRedirects:
    """A redirect to this server's own address goes out as its path (and query) alone. Starlette's trailing-slash
    redirect (``/item/1/`` -> ``/item/1``) wrote the request's ``Host`` header into its ``Location``: ``Host:
    evil.example`` was sent to ``http://evil.example/item/1``, which a shared cache in front would keep and serve to
    every shopper (a security review); behind a proxy that sent ``$host``, it dropped the port (docs/service.md).
    The app's own redirects are relative already."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = Headers(scope=scope).get("host", "")

        async def relative(message):
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = []
                for name, value in message.get("headers", []):
                    if name.lower() == b"location":
                        to = urlsplit(value.decode("latin-1"))
                        # Not a path of "//": as a Location of its own, that names another host.
                        if to.scheme in ("http", "https") and to.netloc == host and not to.path.startswith("//"):
                            value = urlunsplit(("", "", to.path or "/", to.query, to.fragment)).encode("latin-1")
                    headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, relative)


def _one_value_each(request: Request) -> None:
    """An API query parameter given twice is refused: ``?k=5&k=6`` answered with 6 without a word (a trial)."""
    # A photo's max too: "?max=100&max=2000" was served at 2000 (an API fuzz). Its other parameters are let be,
    # as a cache-busting "?v=2" is usual on an image's address.
    path = app_path(request.scope)
    photo = path.startswith("/images/")
    if path.startswith("/api/") or photo:
        keys = [k for k, _ in request.query_params.multi_items() if not photo or k == "max"]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise BadInputError(f"{', '.join(twice)} given more than once: a parameter takes one value")


def _watch(service: Service, every_s: float, stop: threading.Event) -> None:
    """Every ``every_s`` seconds until ``stop``: serve the index folder again where another process changed it
    (:meth:`Service.reload_if_changed`); a rebuilt catalogue was served only after a restart."""
    while not stop.wait(every_s):
        try:
            service.reload_if_changed()
        except Exception:       # a surprise must not end the watching, nor the server
            log.exception("looking for changes to %s failed", service.rec.index_dir)


def _served(app: FastAPI, path: str) -> bool:
    """Whether a route of ``app`` answers ``path`` (by any method)."""
    scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
    return any(route.matches(scope)[0] is not Match.NONE for route in app.router.routes)


def create_app(settings: Settings | None = None, recommender=None) -> FastAPI:
    """Build the app. The recommender is loaded at start-up from ``settings.index_dir`` unless given.

    Example:
        >>> app = create_app(Settings(index_dir="runs/index"))  # doctest: +SKIP
        >>> uvicorn.run(app)  # doctest: +SKIP
    """
    settings = settings or Settings()
    # /health names the commit the server started from, not one pulled since (read once, then kept).
    source_revision()

    # The recommender given is handed to the first start-up and held no longer: kept in this closure (or in the
    # start-up's frame, suspended for the server's life), the index loaded first stayed in memory after a reload
    # replaced it, a second index's worth (0.5 GB at 40k products) for good. A later start-up of the same app
    # (a test's second client) serves on what the first one served last.
    given = [recommender] if recommender is not None else []

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from fashionrec.text_encoder import encode_text

        served = getattr(app.state, "service", None)
        rec = given.pop() if given else served.rec if served is not None else None
        del served
        if rec is None:
            from fashionrec.recommend import Recommender

            log.info("loading index %s", settings.index_dir)
            rec = Recommender.load(settings.index_dir, model=settings.model, uri=settings.milvus_uri,
                                   token=settings.milvus_token)
        # Requests already run in parallel (one thread each); OpenMP threads inside every faiss search
        # would only oversubscribe the cores under load.
        try:
            import faiss

            faiss.omp_set_num_threads(1)
        except ImportError:
            pass
        # The first photo or text request must not wait for a model to load or export to ONNX.
        rec.tagger.warm_up()
        encode_text(["warm up"])
        gc.collect()        # the load's cyclic garbage, before Service leaves what is held to the collector
        app.state.service = Service(rec, settings)
        # Made here, in the loop that serves: large photos take turns (deps.uploaded_photo).
        app.state.large_photos = asyncio.Semaphore(settings.large_photos_at_once)
        log.info("serving %d items with model %s; %s", len(rec.items), rec.tagger.name,
                 writes_said(settings, rec.index_dir))
        del rec     # the Service holds it, and lets it go when a reload replaces it
        stop = threading.Event()
        if settings.reload_s:
            threading.Thread(target=_watch, args=(app.state.service, settings.reload_s, stop), daemon=True,
                             name="fashionrec-reload").start()
        try:
            yield
        finally:        # a reload under way then ends with the process (the thread is a daemon)
            stop.set()
            gc.unfreeze()       # an app stopped in a longer-lived process (tests) is collected again

    # /docs and /redoc from the Swagger UI 5 and ReDoc files fastapi-offline ships, not a CDN: a catalogue
    # server often has no internet, and the swagger-ui-bundle package's 4.x cannot read FastAPI's OpenAPI 3.1.
    app = FastAPIOffline(title="fashionrec", version=__version__, lifespan=lifespan,
                         description="Tag fashion photos and recommend similar items and outfits.",
                         dependencies=[Depends(_one_value_each)])
    app.state.settings = settings

    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + 65536, message=settings.upload_too_large)
    # Pages and JSON shrink 5-10x for a client that asks (a catalogue page of 48 products, a phone on a slow
    # line); photos are left as they are (Starlette skips image types), small answers too.
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    if settings.cors_origin_list:
        # A shop's front end on another origin calls the API from the browser: preflights and the
        # Access-Control-* headers, for the origins named only. A front end that keeps answers itself reads their
        # ETag and sends it back in If-None-Match (api/revalidation; the browser's own cache needs neither).
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list,
                           allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
                           allow_headers=["X-API-Key", "If-None-Match"], expose_headers=["Server-Timing", "ETag"],
                           max_age=600)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    app.add_middleware(RelativeRedirects)
    app.add_middleware(ServerTiming)     # Server-Timing: api/timing.py
    app.add_middleware(AccessLog)        # added last, so outermost: one line per request (api/access_log.py)

    # Domain errors carry messages written for the user; only their status differs.
    for exc_type, status in ((NotFoundError, 404), (ConflictError, 409), (BadInputError, 422), (PayloadTooLarge, 413),
                             (ChangedOnDiskError, 409), (NoSpaceError, 507), (NotWritableError, 503),
                             (FashionrecError, 400)):
        app.add_exception_handler(exc_type, _status_handler(status))
    app.add_exception_handler(NotModified, not_modified)     # If-None-Match with the answer's tag (api/revalidation)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        page = _wants_page(request)
        said = (_page_message(exc, app_path(request.scope), root_path(request)) if page
                else _body_message(request, exc) or _validation_message(exc, _reads_form(request)))
        return _error(request, 422, said)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail, status = exc.detail, exc.status_code
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing is served at {request.url.path}"
            root, within = root_path(request), app_path(request.scope)
            # Only where the address is served once the root is taken off again: with --root-path /api, a mistyped
            # "/api/api/itemz" through a proxy set up right was told to fix the proxy.
            if root and (within == root or within.startswith(root + "/")) \
                    and _served(request.app, within[len(root):] or "/"):
                # nginx's `proxy_pass http://127.0.0.1:8000;` (no slash) passes /recs on, and every page and call
                # was a bare 404 "nothing is served at /recs/recs/health" (an operator's trial).
                detail += (f": the proxy in front passes its {root} on, and this server (--root-path {root}) "
                           f"needs it taken off: end nginx's proxy_pass with a slash, as in "
                           "`proxy_pass http://127.0.0.1:8000/;` (docs/service.md, Behind a reverse proxy)")
        elif exc.status_code == 405 and detail == "Method Not Allowed":
            # "Method Not Allowed" alone (an integrator's trial): which ones it takes. Every route of the path
            # (Starlette's Allow names the first one's: GET for /api/items, which POST adds to; a code review).
            taken = _methods_of(request.app, app_path(request.scope))
            if taken:
                exc.headers = {**(exc.headers or {}), "Allow": ", ".join(taken)}
                detail = f"{request.url.path} takes {', '.join(taken)}, not {request.method}"
        elif exc.status_code == 400 and sent_content_type(request).strip().lower().startswith("multipart/"):
            status = 422      # Starlette's multipart parser's own 400s, undeclared and without advice (a fuzz)
            detail = (f"the form could not be read ({str(detail).rstrip('.')}): "
                      + ("a form field other than the photo is over 1 MiB" if "exceeded maximum size" in str(detail)
                         else "send the photo as a multipart/form-data field 'file', e.g. curl -F file=@photo.jpg "
                         f"{request.url.path}"))
        elif exc.status_code == 400 and detail == "There was an error parsing the body":
            status = 422      # as a body that is no JSON at all is (RequestValidationError)
            # FastAPI's words for a body its parser gave up on: JSON not UTF-8 or nested past Python's
            # recursion limit (a bad-input trial), a form it could not split.
            sent = sent_content_type(request).strip().lower()
            detail = ("the body could not be read as JSON: send UTF-8 JSON nested a few levels at most, e.g. "
                      "{\"liked\": [1]}" if sent == "application/json" or sent.endswith("+json") else
                      f"the body could not be read as {sent}: send the photo as a multipart/form-data field "
                      f"'file', e.g. curl -F file=@photo.jpg {request.url.path}")
        return _error(request, status, str(detail), exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s req=%s", request.method, loggable(request.url.path),
                      request_id(request))
        # Starlette answers it outside every middleware: the headers they add are added here (an API fuzz), and
        # the request's id, which the message names so that a user's report finds the traceback.
        return _error(request, 500, f"internal error ({type(exc).__name__}); see the server log, request "
                      f"{request_id(request)}", {**security_headers(request.app.state.settings.frame_ancestors,
                                                                   _scripts_policed(request.scope)),
                                                 "X-Request-ID": request_id(request)})

    for router in ALL_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    return app
