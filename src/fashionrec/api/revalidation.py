"""ETags and ``Cache-Control`` on the JSON GETs whose answer depends only on the index served and the request
(stop 73): ``If-None-Match`` with the current tag is a 304, answered without working the answer out again.

Before, no JSON answer carried either, so a shop's CDN or a browser asked again for the whole answer each time (the
"For you" page's picks at every Back and reload). What an answer depends on, besides its request, is the version
of the index served (:meth:`~fashionrec.api.deps.Service.version`): the manifest's build, date, last change and
count, which every add, remove and stock level saved moves on, and which a reload of another process's change
brings in; and the code serving it. A tag made of those alone is the same in every worker process and after a
restart, so a CDN in front of several servers of one index folder revalidates against any of them.

The tag is weak (``W/"..."``): the same answer gzipped or not (``GZipMiddleware``) is not the same bytes. The answers
are ``Cache-Control: no-cache`` (kept, but asked about again before each use: a product added or sold out shows at
once) and ``private`` where the request carries an ``X-API-Key`` (a shared cache keeps nothing sent with a key).
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager

from fastapi import Request, Response

from fashionrec.artifacts import version_said

# Kept, but revalidated before each use (RFC 9111 5.2.2.4).
REVALIDATE = "no-cache"


class NotModified(Exception):  # noqa: N818 - named for the status it answers, as PayloadTooLarge
    """The client's copy is current: answered 304 with its tag (:func:`not_modified`)."""

    def __init__(self, etag: str, cache_control: str) -> None:
        super().__init__(etag)
        self.etag, self.cache_control = etag, cache_control


async def not_modified(request: Request, exc: NotModified) -> Response:
    """The 304 of a :class:`NotModified`: no body, its ``ETag`` and ``Cache-Control`` (RFC 9110 15.4.5)."""
    return Response(status_code=304, headers={"ETag": exc.etag, "Cache-Control": exc.cache_control})


def etag_of(version: str, request: Request) -> str:
    """The weak tag of ``request``'s answer at the index ``version``: its path, query and the root it is served
    under (an answer's addresses start with it) hashed with the version and the code's, and whether it carries an
    API key: a product the shop hides is answered to the key alone (api.hidden_reads, stop 76), so a tag of the
    shop's answer is never a keyless request's 304."""
    said = "\n".join((version_said(), version, request.scope.get("root_path", ""), request.url.path,
                      request.url.query, "keyed" if request.headers.get("x-api-key") else ""))
    return 'W/"' + hashlib.blake2b(said.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest() + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, RFC 9110 13.1.2); ``*`` is :func:`any_tag`'s."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def any_tag(if_none_match: str | None) -> bool:
    """Whether ``If-None-Match`` is ``*``: true of any current answer, so only known once the answer is one."""
    return bool(if_none_match) and any(tag.strip() == "*" for tag in if_none_match.split(","))


def cache_control(request: Request) -> str:
    """:data:`REVALIDATE`, and ``private`` where the request carries an API key."""
    return f"private, {REVALIDATE}" if request.headers.get("x-api-key") else REVALIDATE


@contextmanager
def answering(service, request: Request, response: Response, sold_out: bool | None = None):
    """Read access to ``service`` (:meth:`~fashionrec.api.deps.Service.reading`) for a GET's answer: a
    :class:`NotModified` where the request's ``If-None-Match`` holds the answer's tag now, before any of it is
    worked out; else the tag and ``Cache-Control`` set on ``response``. The tag is taken under the same read lock
    as the answer, so that no answer leaves under the tag of another version of the index. ``*`` is a 304 only
    once the answer is worked out without an error: a product removed or never there (an unknown Handle) is its 404
    (RFC 9110 13.1.2: ``*`` matches a current representation only; it was a 304 before the id was read, stop 73's
    integration review)."""
    asked = request.headers.get("if-none-match")
    with service.reading(sold_out):
        etag, control = etag_of(service.version(), request), cache_control(request)
        if matches(asked, etag):
            raise NotModified(etag, control)
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = control
        yield
        if any_tag(asked):
            raise NotModified(etag, control)

