"""uvicorn's HTTP/1.1 protocol (h11) with a limit on how long a request's line and headers may take to arrive.

uvicorn has none (0.55): its keep-alive timeout runs between requests only, so a connection that
sends ``GET / HTTP/1.1\\r\\nHost: x\\r\\nX-a: `` and nothing more stays open for good. 400 such were all still open
70 s later, a file each (a security review, stop 63). On the internet a reverse proxy belongs in front all the
same (nginx's ``client_header_timeout``, docs/service.md); this bounds the server reached without one.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class HeaderTimeoutH11Protocol(H11Protocol):
    """:class:`H11Protocol` that closes a connection whose request line and headers have not all arrived
    ``header_timeout_s`` seconds after it opened, or after the first bytes of its next request. Its time idle
    between requests stays uvicorn's keep-alive timeout's; a request's body is not timed."""

    header_timeout_s: float = 20.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._wait_for_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # IDLE: h11 holds part of a request line or of its headers (the first request's, or a kept-alive
        # connection's next one); otherwise the headers are in, and the app has the request.
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._wait_for_headers()
        else:
            self._stop_waiting()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _wait_for_headers(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _stop_waiting(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def protocol_with_header_timeout(seconds: float) -> type[HeaderTimeoutH11Protocol]:
    """The protocol class for uvicorn's ``http`` option, closing connections whose headers take over ``seconds``."""
    return type("HeaderTimeoutH11Protocol", (HeaderTimeoutH11Protocol,), {"header_timeout_s": float(seconds)})
