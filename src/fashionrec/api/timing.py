"""``Server-Timing`` on every response: the app's whole time, and the recommender's share of it.

Every response but an unexpected 500: Starlette answers that from its outermost error handler, outside
this middleware (the error itself is logged by the app).

A client that sees more than ``app`` waits on the network, the HTTP server or its own CPU; ``app`` minus
``rec`` is the app's own overhead (reading the upload, validation, serialising the results). The load test
(``benchmarks/bench_service.py``) prints the three side by side: on one machine it shares the server's
cores, and only these tell its own cost apart from the server's.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar

# Set per request by ServerTiming; sync handlers run in worker threads with a copy of the request's context,
# which holds the same list, so what they record reaches the middleware.
_spans: ContextVar[list[tuple[str, float]] | None] = ContextVar("fashionrec_server_timing", default=None)


@contextmanager
def timed(name: str):
    """Record the block's wall time under ``name`` in this request's ``Server-Timing`` (no-op outside one)."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        spans = _spans.get()
        if spans is not None:
            spans.append((name, (time.perf_counter() - t0) * 1000))


def header_value(app_ms: float, spans: list[tuple[str, float]]) -> bytes:
    parts = [f"app;dur={app_ms:.2f}"]
    totals: dict[str, float] = {}
    for name, ms in spans:      # a name recorded twice in one request (two searches) is summed
        totals[name] = totals.get(name, 0.0) + ms
    parts += [f"{name};dur={ms:.2f}" for name, ms in totals.items()]
    return ", ".join(parts).encode()


class HttpMiddleware:
    """An ASGI middleware of HTTP requests: the lifespan's messages go by it, to the app; ``http`` handles a
    request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        return await self.http(scope, receive, send)

    async def http(self, scope, receive, send):
        raise NotImplementedError


class ServerTiming(HttpMiddleware):
    """ASGI middleware: ``Server-Timing: app;dur=MS[, rec;dur=MS]`` from the request reaching the app to
    its response headers; outermost, so it times the upload limit's work too."""

    async def http(self, scope, receive, send):
        t0 = time.perf_counter()
        spans: list[tuple[str, float]] = []
        token = _spans.set(spans)

        async def timed_send(message):
            if message["type"] == "http.response.start":
                value = header_value((time.perf_counter() - t0) * 1000, spans)
                message = {**message, "headers": [*message.get("headers", []), (b"server-timing", value)]}
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            _spans.reset(token)
