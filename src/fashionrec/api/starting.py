"""A "starting" answer on the server's port while ``fashionrec serve`` loads its index.

``serve`` loads the index and models before uvicorn listens (a damaged index is then one line and exit 2, not
uvicorn's start-up traceback), some 15 s for the 40k-product catalogue: the port was closed meanwhile, so a load
balancer's health check read "connection refused", as for a server that is down, and a shopper who opened the
address the README's main job printed saw the browser's "unable to connect" (an operator's trial). Now the port
is bound first and every request is answered ``503`` with ``Retry-After`` until the app takes the socket over:
``/health`` with ``{"status": "starting"}``, a browser with a page that reloads itself, anything else with the
API's error shape.
"""

from __future__ import annotations

import json
import select
import socket
import threading

RETRY_AFTER_S = 3
_READ_TIMEOUT_S = 1.0       # how long a client may take to send its request line and headers
_ANSWERING = 32             # connections answered at once, each by a thread of its own
_HEAD_LIMIT = 16 * 1024

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{s}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>fashionrec is starting</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3rem auto; max-width: 32rem; padding: 0 1rem">
<h1 style="font-size: 1.4rem">Starting&hellip;</h1>
<p>The catalogue is being loaded. This page reloads itself in {s} seconds.</p></body></html>
"""


def _request_head(conn: socket.socket) -> bytes:
    """The request line and headers, as far as they came within the time allowed."""
    conn.settimeout(_READ_TIMEOUT_S)
    head = b""
    try:
        while b"\r\n\r\n" not in head and len(head) < _HEAD_LIMIT:
            chunk = conn.recv(4096)
            if not chunk:
                break
            head += chunk
    except OSError:         # timed out or reset: answered with what there is
        pass
    return head


def answer(head: bytes) -> bytes:
    """The whole HTTP response to a request whose line and headers are ``head``."""
    line, _, rest = head.partition(b"\r\n")
    method, _, target = line.decode("latin-1").partition(" ")
    path = target.split(" ", 1)[0].split("?", 1)[0].rstrip("/")
    accept = next((value for name, _, value in (h.partition(b":") for h in rest.split(b"\r\n"))
                   if name.strip().lower() == b"accept"), b"")
    if path.endswith("/health") or path == "/health":
        kind, body = "application/json", json.dumps({"status": "starting"})
    elif b"text/html" in accept:
        kind, body = "text/html; charset=utf-8", _PAGE.format(s=RETRY_AFTER_S)
    else:
        kind, body = "application/json", json.dumps(
            {"detail": f"the server is starting (loading the index and models): try again in {RETRY_AFTER_S} s"})
    data = body.encode()
    headers = (f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: {kind}\r\nContent-Length: {len(data)}\r\n"
               f"Retry-After: {RETRY_AFTER_S}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n")
    return headers.encode() + (b"" if method == "HEAD" else data)


class StartingAnswer:
    """While held (``with``), a thread answers each connection to ``sock`` (bound and listening) with
    :func:`answer`; on leaving, the socket is left listening for the server proper, connections made since
    waiting in its backlog."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._answer_all, daemon=True, name="fashionrec-starting")
        self._slots = threading.BoundedSemaphore(_ANSWERING)

    def start(self) -> StartingAnswer:
        """Answer from now on, until :meth:`stop`."""
        self.sock.setblocking(False)     # a client gone between select and accept: no wait (the server's own way)
        self._thread.start()
        return self

    def __enter__(self) -> StartingAnswer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Answer no more connections (again: nothing)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def until_started(self, app):
        """``app`` (ASGI), this answer stopped once its lifespan's start-up is done, as uvicorn starts to accept
        on the socket: stopped before it, the port answered nothing for the start-up's warm-up and search tables
        (3-9 s at 40k products, a code review)."""
        async def wrapped(scope, receive, send):
            if scope["type"] != "lifespan":
                self.stop()         # a server run without a lifespan: its first request
                return await app(scope, receive, send)

            async def sent(message):
                if message["type"] in ("lifespan.startup.complete", "lifespan.startup.failed"):
                    self.stop()
                await send(message)
            return await app(scope, receive, sent)
        return wrapped

    def _answer_all(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.sock], [], [], 0.1)
            if not ready or self._stop.is_set():
                continue
            try:
                conn, _ = self.sock.accept()
            except OSError:         # the client gave up between select and accept (BlockingIOError)
                continue
            # Each answered by a thread of its own: answered one after another, a connection that sent nothing (a
            # browser's preconnect, a port scan) held every other 2 s, and a health check timed out behind four.
            self._slots.acquire()
            threading.Thread(target=self._answer_one, args=(conn,), daemon=True,
                             name="fashionrec-starting-answer").start()

    def _answer_one(self, conn: socket.socket) -> None:
        try:
            with conn:
                try:
                    conn.sendall(answer(_request_head(conn)))
                    # Closed with an upload's bytes unread, the socket is reset, and the client may lose the
                    # answer before it reads it: said done, then what is left read for a moment.
                    conn.shutdown(socket.SHUT_WR)
                    for _ in range(16):
                        if not conn.recv(4096):
                            break
                except OSError:     # gone before its answer, or slow to finish: nothing more to tell it
                    pass
        finally:
            self._slots.release()
