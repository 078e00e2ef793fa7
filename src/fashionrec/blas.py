"""Running numpy's products on the calling thread only, from any request thread of the server.

OpenBLAS's worker threads keep spinning for a while after a product and take the cores from the tagger's
next photo: after the larger products of text search (40k x 384) and complete-the-look, the next photo
query took 24 ms at p50 and 110 at p90 instead of 13 (measured on 2 cores). One thread costs the text
search's product about 2.3 ms.

Two kinds of BLAS thread limit exist, and a request may land on any of the server's worker threads:

- OpenBLAS built on pthreads (numpy's and scipy's wheels) has one pool for the whole process. Overlapping
  requests share one limit: the first in sets it, the last out restores it, none restores it under another.
  threadpoolctl >= 3.8 also lets only one "controlling" Python thread change such a pool and silently
  ignores the others while that thread lives, so each set and restore here takes control first and
  releases it after (our own count already keeps overlapping requests apart).
- OpenBLAS built on OpenMP (faiss's wheel) and MKL limit the calling thread only, so every request sets
  and restores its own. Any other BLAS (BLIS, FlexiBLAS) is treated as process-wide.

Limits: the libraries are looked up once, on first use (numpy's and faiss's are loaded by then: importing
the recommender loads both). Taking control by force would also take it from another threadpoolctl user
inside ``threadpool_limits`` on another thread at that moment; nothing in the serving path uses one.
"""

from __future__ import annotations

import contextlib
import threading

from threadpoolctl import OpenBLASController, ThreadpoolController


def _per_thread(lib) -> bool:
    return lib.internal_api == "mkl" or (lib.internal_api == "openblas"
                                         and getattr(lib, "threading_layer", None) == "openmp")


def _limit(libs: list, n: int) -> list[tuple[object, int]]:
    """Set each library to n threads; return what to restore."""
    saved = [(lib, lib.get_num_threads()) for lib in libs]
    for lib in libs:
        lib.set_num_threads(n)
    return saved


def _restore(saved: list[tuple[object, int]]) -> None:
    for lib, n in saved:
        lib.set_num_threads(n)


@contextlib.contextmanager
def _openblas_control():
    """This thread may change a pthreads OpenBLAS inside the block, whichever thread had control before."""
    OpenBLASController.clear_controlling_thread(force=True)
    try:
        yield
    finally:
        OpenBLASController.clear_controlling_thread(force=True)


class OneBlasThread:
    """``with one_blas_thread:`` numpy/faiss BLAS products inside run on the calling thread only."""

    def __init__(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._libs: tuple[list, list] | None = None   # found on first use, once the BLAS libraries are loaded
        self._saved: list[tuple[object, int]] = []
        self._local = threading.local()

    def __enter__(self):
        with self._lock:
            if self._libs is None:
                blas = [lib for lib in ThreadpoolController().lib_controllers if lib.user_api == "blas"]
                self._libs = ([lib for lib in blas if not _per_thread(lib)],
                              [lib for lib in blas if _per_thread(lib)])
            if self._depth == 0:
                with _openblas_control():
                    self._saved = _limit(self._libs[0], 1)
            self._depth += 1
        try:
            own = _limit(self._libs[1], 1)
        except BaseException:
            self._leave_shared()
            raise
        if not hasattr(self._local, "saved"):
            self._local.saved = []
        self._local.saved.append(own)

    def __exit__(self, *exc):
        try:
            _restore(self._local.saved.pop())
        finally:
            self._leave_shared()

    def _leave_shared(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                with _openblas_control():
                    _restore(self._saved)
                self._saved = []


one_blas_thread = OneBlasThread()
