"""A warning about a file said once per version of that file, not at every load.

A price edited by hand into an index's items.csv ("-5", "call us") is read as no price and said (stop 67); the
file keeps it until a full save or a rebuild, so every `recommend`, `serve` and Python load said it again (stop
68's export trial). Each process is a new one, so "once" is kept as a small marker file under the cache folder
(``$FASHIONREC_CACHE``, else ``$XDG_CACHE_HOME/fashionrec`` or ``~/.cache/fashionrec``), named by the file's path,
size, modification time and what was said: an edit of the file, or another thing to say, is said again. Where the
cache folder cannot be written, it is said once per process.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from fashionrec.artifacts import cache_dir

_SAID: set[str] = set()         # this process's, where the cache folder is not writable


def first_time(path: Path, what: str) -> bool:
    """True the first time ``what`` is said of ``path`` as it is now (its size and modification time), in this
    process or any before it; False after. A path that cannot be read: True (said every time, as before)."""
    try:
        st = Path(path).stat()
    except OSError:
        return True
    key = hashlib.sha256(f"{Path(path).resolve()}\0{st.st_size}\0{st.st_mtime_ns}\0{what}".encode()).hexdigest()
    if key in _SAID:
        return False
    _SAID.add(key)
    marker = cache_dir() / "said" / key[:32]
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: of two processes loading at once, one says it.
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return False
    except OSError:
        pass        # no cache folder to keep it in: said once per process
    return True
