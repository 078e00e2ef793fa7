"""An add or remove of an index that kills its own process (SIGKILL) at a point: test_change_intent.py's.

Run in a child of multiprocessing's fork server, which imported fashionrec.recommend, and so torch, once: each of the
file's 11 killed processes was a new Python that imported them itself, about 2.2 of the 2.5-6 CPU s each took (stop
70). A child is still a process of its own, killed as a new one was: it shares no thread, file or Milvus Lite server
with the tests' process, and the next load there finds what the kill left on disk.
"""

from __future__ import annotations

import os
import signal
import traceback
from pathlib import Path

import fashionrec.recommend as recommend


def change_and_die(index_dir: str, op: str, point: str, errors: str) -> None:
    """Load ``index_dir`` and kill this process at ``point`` of an ``op`` (add, remove, compact): before the save
    (the Milvus change durable, the folder not saved), after the save's first one or two files moved in
    ("moving", "movingN"), or after its manifest moved in, before the generation it replaced is deleted
    ("dropping", index_delta). Whatever stops it otherwise is written to the file ``errors``."""
    try:
        _change(index_dir, op, point)
        message = "not killed: the change ran to its end"
    except BaseException:
        message = traceback.format_exc()
    Path(errors).write_text(message)


def _die(*args, **kwargs) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _change(index_dir: str, op: str, point: str) -> None:
    rec = recommend.Recommender.load(index_dir)
    if op == "compact":     # an add past the delta's limits: the whole folder written anew (index_delta)
        recommend.delta_of = lambda *a: None
        op = "add"
    if point == "before_save":
        recommend.Recommender.save = _die
    elif point == "dropping":   # the new manifest in, the generation it replaced not deleted yet
        recommend.drop_other_generations = _die
    else:       # "moving": after the save's first two files moved in; "movingN": after its first N
        moved, n = [], int(point[len("moving"):] or 2)

        def replace(a, b):      # the save's moves only: from its staging folder into the index folder
            os.rename(a, b)
            if ".staging." in str(a) and Path(b).parent.resolve() == Path(index_dir).resolve():
                moved.append(b)
                if len(moved) == n:
                    _die()
        recommend.os.replace = replace
    if op == "add":
        rec.add_product(rec.image_path(int(rec.items["id"].iloc[0])), {"productDisplayName": "Killed Add"})
    else:
        rec.remove_product(int(rec.items["id"].iloc[5]))
