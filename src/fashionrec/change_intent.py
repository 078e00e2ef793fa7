"""The intent file of an index folder's change: what an add or remove is about to do, written before it does it
and removed once the folder is saved, so that the next load finishes or takes back a change a process was killed
in the middle of (a SIGKILL, a power cut, an OOM kill).

Without it, two moments left a folder that every load refused as "inconsistent; rebuild it" (a code review):

* a Milvus insert or delete is durable at once, before the folder's files are saved: killed between the two, the
  collection held one product more (or fewer) than ``items.csv``;
* a save moves its staged files into the folder one by one, the manifest last: killed part-way, the folder held
  the new ``embeddings.npy`` beside the old ``items.csv`` (FAISS and Milvus alike).

The file, ``.change-intent.json`` in the index folder, says which (``phase``):

* ``"change"``: the ids the change touches (``ids``) and the manifest's stamp before it (``before``). Found while
  the folder still holds that version, the change is taken back: of those ids, the vector index is made to hold
  the ones the folder holds and no other, and photos of ids the folder lacks are deleted. Found after the folder
  saved another version, the change went in whole: only the file is removed.
* ``"move"``: the staging folder (``stage``) whose files were being moved in (``names``): they were all written
  before the first moved, so the move is finished (the manifest last).

It is acted on only by the process that holds the folder's change lock (a live writer holds it: its intent is no
leftover), and the Milvus collection is touched only from the folder that wrote the intent: a copy of the folder
made meanwhile shares the collection, and taking a change back from it deleted the live folder's products (a
repair on load tried at stop 58 and taken back).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fashionrec.artifacts import read_json, replace_durably, write_json
from fashionrec.errors import DamagedFileError

log = logging.getLogger(__name__)

INTENT = ".change-intent.json"


def _stamp(manifest: dict) -> list:
    from fashionrec.catalogue_edits import manifest_stamp

    return list(manifest_stamp(manifest))


def read_intent(index_dir: str | Path) -> dict | None:
    """The intent file of ``index_dir``, or None where there is none (or it cannot be read: a file cut short by the
    kill it was written against is no change begun, as it is written atomically before the change)."""
    path = Path(index_dir) / INTENT
    try:
        intent = read_json(path)
    except FileNotFoundError:
        return None
    except (OSError, DamagedFileError) as e:
        log.warning("%s cannot be read (%s): left as it is", path, e)
        return None
    return intent if isinstance(intent, dict) else None


def write_intent(index_dir: str | Path, **fields) -> None:
    """Say in ``index_dir`` what a change is about to do (atomically: the file is whole or absent)."""
    index_dir = Path(index_dir)
    write_json(index_dir / INTENT, {"folder": str(index_dir.resolve()), **fields})


def move_order(name: str) -> tuple[bool, bool]:
    """The order in which a save's staged files move in (a ``sorted`` key): ``items.csv`` first, so that a load that
    finds it replaced while it read reads again (Recommender.load), and the manifest, the commit point, last."""
    return name == "manifest.json", name != "items.csv"


def clear_intent(index_dir: str | Path) -> None:
    (Path(index_dir) / INTENT).unlink(missing_ok=True)


def begin_change(index_dir: str | Path, manifest: dict, ids: Sequence[int], what: str) -> None:
    """Write the ``"change"`` intent of ``what`` ("add", "remove") of ``ids`` to the folder's version ``manifest``."""
    write_intent(index_dir, phase="change", what=what, ids=[int(i) for i in ids], before=_stamp(manifest),
                 pid=os.getpid())


@contextlib.contextmanager
def _holding_change_lock(index_dir: Path) -> Iterator[bool]:
    """Whether this thread holds (or now took, without waiting) the folder's change lock, for the block; False where
    another process holds it (a live writer) or the folder cannot be written."""
    from filelock import Timeout

    from fashionrec.catalogue_edits import let_go_change_lock, take_change_lock

    try:
        lock = take_change_lock(index_dir, 0)
    except (Timeout, OSError):
        yield False
        return
    try:
        yield True
    finally:
        let_go_change_lock(index_dir, lock)


@dataclass
class Recovery:
    """An intent found by a load that holds the folder's change lock; see the module docstring."""

    index_dir: Path
    intent: dict

    def finish_move(self) -> None:
        """A ``"move"`` intent: move the staged files that had not moved in yet, the manifest last. Done before the
        folder's files are read."""
        if self.intent.get("phase") != "move":
            return
        stage = self.index_dir / str(self.intent.get("stage") or "")
        names = [str(n) for n in self.intent.get("names") or [] if "/" not in str(n) and str(n) not in ("", ".", "..")]
        if not stage.is_dir() or stage.parent != self.index_dir:
            # Gone (nothing left to move): what the folder holds is then what it is, said by the load's checks.
            self.intent = {**self.intent, "phase": "change"}
            return
        moved = [n for n in sorted(names, key=move_order) if (stage / n).exists()]
        for name in moved:
            replace_durably(stage / name, self.index_dir / name)
        shutil.rmtree(stage, ignore_errors=True)
        if moved:
            log.warning("finished saving %s, stopped part-way by a process that ended (%d of its %d files moved in "
                        "now: %s)", self.index_dir, len(moved), len(names), ", ".join(moved))
        clear_intent(self.index_dir)
        self.intent = {}

    def settle(self, manifest: dict, index, folder_ids: np.ndarray, vectors: Callable[[np.ndarray], np.ndarray],
               attrs: Callable[[np.ndarray], list[Mapping]], collection: str | None, quiet: bool = False) -> None:
        """A ``"change"`` intent, after the folder's files and its vector ``index`` are open: taken back where the
        folder still holds the version before it (``manifest``), else only the file removed. ``folder_ids`` (n,)
        int64: the ids of the folder's items, in row order; ``vectors(rows)`` / ``attrs(rows)``: what the index
        holds of those rows; ``collection``: the Milvus collection the folder names (None: FAISS). ``quiet``: the
        process that wrote the intent takes its own change back (it says itself that it stopped), logged at
        debug level."""
        if self.intent.get("phase") != "change":
            return
        if list(self.intent.get("before") or []) != _stamp(manifest):
            clear_intent(self.index_dir)        # saved since: the change went in whole
            self.intent = {}
            return
        here = str(self.index_dir.resolve())
        if collection is not None and self.intent.get("folder") != here:
            log.warning("%s holds a change stopped part-way in %s, of which it is a copy; the Milvus collection %s is "
                        "that folder's too, so it is left as it is: open %s to finish the change, or rebuild this "
                        "folder", self.index_dir, self.intent.get("folder"), collection, self.intent.get("folder"))
            return
        ids = np.array([int(i) for i in self.intent.get("ids") or []], np.int64)
        row_of = {int(i): r for r, i in enumerate(folder_ids)}
        held = np.array([i for i in ids if int(i) in row_of], np.int64)
        foreign = ids[~np.isin(ids, held)]
        taken_out = index.remove(foreign) if len(foreign) else 0
        missing = held[~index.present(held)] if len(held) else held
        if len(missing):
            rows = np.array([row_of[int(i)] for i in missing], np.int64)
            index.add(missing, vectors(rows), attrs=attrs(rows))
        for i in foreign:           # an added product's photo, saved before the kill
            (self.index_dir / "images" / f"{int(i)}.jpg").unlink(missing_ok=True)
        if taken_out or len(missing):
            log.log(logging.DEBUG if quiet else logging.WARNING,
                    "took back the %s of %d product%s in %s, stopped part-way by a process that ended before it "
                    "saved the folder (%d taken out of the vector index, %d put back): the folder is as it was "
                    "before it; make the change again", self.intent.get("what") or "change", len(ids),
                    "" if len(ids) == 1 else "s", self.index_dir, taken_out, len(missing))
        clear_intent(self.index_dir)
        self.intent = {}


@contextlib.contextmanager
def recovering(index_dir: str | Path) -> Iterator[Recovery | None]:
    """For a load of ``index_dir``: a :class:`Recovery` of the change a process was killed in the middle of, held
    under the folder's change lock for the block; None where there is none, or another process holds the lock (a
    live writer: its intent is no leftover), or the folder cannot be written (said)."""
    index_dir = Path(index_dir)
    if read_intent(index_dir) is None:
        yield None
        return
    with _holding_change_lock(index_dir) as held:
        intent = read_intent(index_dir) if held else None     # read again under the lock: its writer may be done
        if not held:    # a live writer's (every load beside an add would say so): the load's checks say the rest
            log.debug("%s holds a change in progress or stopped part-way, left to the process that holds its change "
                      "lock or the next load that can take it", index_dir)
        yield Recovery(index_dir, intent) if intent else None
