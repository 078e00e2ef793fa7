"""The readers-writer lock searches and catalogue changes share (fashionrec.rwlock)."""

from __future__ import annotations

import threading
import time

import pytest

from fashionrec.rwlock import RWLock


def _writer_queued(lock: RWLock) -> threading.Thread:
    writer = threading.Thread(target=lambda: lock.write().__enter__() and None, daemon=True)
    writer.start()
    deadline = time.monotonic() + 10
    while not lock._writers_waiting and time.monotonic() < deadline:
        time.sleep(0.01)
    assert lock._writers_waiting
    return writer


def test_a_reader_reads_again_without_waiting_behind_a_queued_writer():
    """A search that calls another (other colours call similar items) takes the lock again: behind a writer
    that waits for the first read to end, that second read would wait for ever."""
    lock, done = RWLock(), threading.Event()

    def search():
        with lock.read():
            _writer_queued(lock)
            with lock.read():       # nested
                done.set()

    t = threading.Thread(target=search, daemon=True)
    t.start()
    t.join(10)
    assert done.is_set()


def test_the_writer_reads_under_its_own_write_and_a_reader_cannot_write():
    lock = RWLock()
    with lock.write(), lock.read(), lock.write():
        pass
    with lock.read(), pytest.raises(RuntimeError, match="cannot take it to write"), lock.write():
        pass
    with lock.write():      # nothing left held
        pass
