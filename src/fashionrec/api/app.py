"""``create_app(settings)``: the FastAPI app, its lifespan (load the recommender once) and error handlers.

Every error leaves as JSON ``{"detail": "..."}``: domain errors map to 4xx (NotFoundError 404,
BadInputError 422, other FashionrecError 400), oversize uploads to 413, and anything unexpected to a
logged 500.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from fashionrec.api.deps import PayloadTooLarge, Service
from fashionrec.api.routes import ALL_ROUTERS
from fashionrec.api.routes.pages import WEB
from fashionrec.api.settings import Settings
from fashionrec.errors import BadInputError, FashionrecError, NotFoundError

log = logging.getLogger(__name__)
UPLOAD_PATHS = ("/api/search/image", "/api/classify", "/api/items")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body" or len(err.get("loc", ())) == 1)
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _json(status: int, detail: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _status_handler(status: int):
    async def handler(request: Request, exc: Exception):
        return _json(status, str(exc))

    return handler


def create_app(settings: Settings | None = None, recommender=None) -> FastAPI:
    """Build the app. The recommender is loaded at start-up from ``settings.index_dir`` unless given.

    Example:
        >>> app = create_app(Settings(index_dir="runs/index"))  # doctest: +SKIP
        >>> uvicorn.run(app)  # doctest: +SKIP
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from fashionrec.recommend import encode_text

        rec = recommender
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
        app.state.service = Service(rec, settings)
        log.info("serving %d items with model %s", len(rec.items), rec.tagger.name)
        yield

    app = FastAPI(title="fashionrec", version="0.1.0", lifespan=lifespan,
                  description="Tag fashion photos and recommend similar items and outfits.")
    app.state.settings = settings

    @app.middleware("http")
    async def reject_huge_bodies(request: Request, call_next):
        # Refuse before the multipart parser spools the body: multipart overhead gets 64 KiB of slack.
        length = request.headers.get("content-length")
        if request.method == "POST" and request.url.path in UPLOAD_PATHS and length and length.isdigit() \
                and int(length) > settings.max_upload_bytes + 65536:
            return _json(413, f"upload is over the limit of {settings.max_upload_mb:g} MB "
                              "(set FASHIONREC_MAX_UPLOAD_MB to change it)")
        return await call_next(request)

    # Domain errors carry messages written for the user; only their status differs.
    for exc_type, status in ((NotFoundError, 404), (BadInputError, 422), (PayloadTooLarge, 413),
                             (FashionrecError, 400)):
        app.add_exception_handler(exc_type, _status_handler(status))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return _json(422, _validation_message(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _json(500, f"internal error ({type(exc).__name__}); see the server log")

    for router in ALL_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    return app
