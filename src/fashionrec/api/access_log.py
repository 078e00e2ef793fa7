"""One log line per request with its status, size, time and a request id, and the id on the response.

uvicorn's access line said ``127.0.0.1:0 - "POST /recs/api/search/image?k=12 HTTP/1.0" 200 OK``: no time, so a
slow request could not be found in the log, and nothing tied the line of a refused request's reason
(``fashionrec.api.app: POST /api/items -> 403: wrong X-API-Key``) to its access line, nor either to the shop's
proxy log or a client's report (an operator's trial). Now::

    INFO fashionrec.access: 127.0.0.1 "POST /api/search/image?k=12" 200 5234 B 41.2 ms req=4f9c0e6d1a2b3c4d

The id is the request's ``X-Request-ID`` where it sends one that is safe to log (nginx's ``$request_id``: the
proxy, the server and the client then name a request alike), else a new one; it goes back as ``X-Request-ID``
and into the lines the app logs of that request (its refusal's reason, an unexpected error's traceback).
A ``/health`` answered 2xx is logged at DEBUG: a load balancer asks every few seconds.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from fashionrec.api.deps import app_path
from fashionrec.api.timing import HttpMiddleware

log = logging.getLogger("fashionrec.access")

# The id of the request being answered, for RequestIdFilter: set by AccessLog; the worker threads that run sync
# handlers get a copy of the request's context, and with it the id.
_request_id: ContextVar[str | None] = ContextVar("fashionrec_request_id", default=None)

# What a client's own id may be: nginx's $request_id (32 hex digits), a UUID, a trace id. Anything else (a
# newline that would forge a log line, 10 KB of text) is replaced by an id of ours.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _given_id(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"x-request-id":
            said = value.decode("latin-1")
            return said if _SAFE_ID.fullmatch(said) else None
    return None


class AccessLog(HttpMiddleware):
    """ASGI middleware: the request id (``X-Request-ID``) and one ``fashionrec.access`` line per request, from the
    request reaching the app to the last byte of its answer; outermost, so it times everything else."""

    async def http(self, scope, receive, send):
        t0 = time.perf_counter()
        rid = _given_id(scope.get("headers", [])) or uuid.uuid4().hex[:16]
        # request.state.request_id for the app's own lines (api.app._error, an unexpected error's traceback, whose
        # handler runs outside this middleware, after it).
        scope.setdefault("state", {})["request_id"] = rid
        token = _request_id.set(rid)
        status, size = 500, 0      # an exception that escapes every handler is answered 500 outside this

        async def logged_send(message):
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())]}
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            _request_id.reset(token)
            path = scope["path"]        # with --root-path in front, as the proxy's log and the app's lines say it
            query = scope.get("query_string", b"").decode("latin-1")
            client = (scope.get("client") or ("-",))[0]
            quiet = app_path(scope) == "/health" and 200 <= status < 300
            # The path and query as sent, their control characters escaped (the same forged-line guard as the
            # app's own lines: api.app.loggable).
            target = (path + ("?" + query if query else "")).encode("unicode_escape").decode("ascii")
            log.log(logging.DEBUG if quiet else logging.INFO, '%s "%s %s" %d %d B %.1f ms req=%s', client,
                    scope["method"], target, status, size, (time.perf_counter() - t0) * 1000, rid)


class RequestIdFilter(logging.Filter):
    """Ends a line logged while a request is answered with its ``req=ID``, where the line does not say it yet:
    a warning from deep in a search (a photo unlike the catalogue's, a stored prediction stale) could not be tied
    to its request's access line (an operator's trial). On the handlers ``fashionrec serve`` logs through."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = _request_id.get()
        if rid is not None and record.name != log.name:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a log call's bad arguments: the handler says so, as logging does
                return True     # (raised here, outside its emit, it failed the request the line was about)
            if f"req={rid}" not in message:
                record.msg, record.args = f"{message} req={rid}", None
        return True
