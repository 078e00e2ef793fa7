"""A readers-writer lock: searches run side by side, a catalogue change goes in alone.

The server's request threads hold one around the recommender they serve (``api/deps.Service``), and every
:class:`~fashionrec.recommend.Recommender` holds one of its own (``rec.lock``), so that a service that calls it
from several threads of its own, without the server, may search while a product goes in or out.
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager


class RWLock:
    """Many readers or one writer.

    A waiting writer goes first: new readers wait behind it, else steady search traffic would keep an add
    waiting for as long as the traffic lasts. A thread that holds it already (to read, or to write) takes it
    again to read without waiting: a search that calls another (other colours call similar items) would
    otherwise wait behind a writer that waits for it.

    Example:
        >>> lock = RWLock()
        >>> with lock.read(), lock.read():      # nested: no wait
        ...     pass
        >>> with lock.write():
        ...     pass
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writer: int | None = None      # the thread that writes
        self._writers_waiting = 0
        self._mine = threading.local()       # .depth: this thread's reads held

    @contextmanager
    def read(self):
        depth = getattr(self._mine, "depth", 0)
        if depth or self._writer == threading.get_ident():
            self._mine.depth = depth + 1
            try:
                yield
            finally:
                self._mine.depth = depth
            return
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        self._mine.depth = 1
        try:
            yield
        finally:
            self._mine.depth = 0
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self):
        me = threading.get_ident()
        if self._writer == me:
            yield
            return
        if getattr(self._mine, "depth", 0):
            # It would wait for its own read for ever: said, rather than a hang.
            raise RuntimeError("a thread that holds the lock to read cannot take it to write")
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writing or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writing, self._writer = True, me
        try:
            yield
        finally:
            with self._cond:
                self._writing, self._writer = False, None
                self._cond.notify_all()


def reading(method):
    """``method`` of an object with a ``lock`` (:class:`RWLock`), run holding it to read."""
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self.lock.read():
            return method(self, *args, **kwargs)
    return locked
