"""Every product's recommendations, worked out once and written as one table for a shop's back end.

A shop that serves "similar items" and "complete the look" from its own database or a CDN, rather than by
asking the service on every page view, loads this table: one row per recommendation (``item_id``, ``kind``,
``rank``, ``rec_id``, ``score``, ``slot``, ``card_reason``, ``reason``, ``raw_score``), the very lists a product page of
``fashionrec serve`` shows (:data:`PRODUCT_PAGE`). A product the shop hides (visibility.py) is in no list, and has no
lists of its own: a shopper never opens its page (a shop importing them showed recommendations on a page it hides,
stop 75); the summary's ``hidden`` says which were left out, and ``include_hidden`` writes theirs (for a launch).

Example:
    >>> rec = Recommender.load("runs/index")  # doctest: +SKIP
    >>> export_recommendations(rec, "runs/recs.parquet")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from fashionrec.artifacts import check_writable, provenance, write_with, write_with_json
from fashionrec.catalog import ids_as_written, written_ids
from fashionrec.errors import BadInputError, DamagedFileError, NotFoundError, option
from fashionrec.progress import hidden
from fashionrec.results import PRODUCT_PAGE, check_k, id_list
from fashionrec.rwlock import RWLock
from fashionrec.stock import sold_out_shown

KINDS = tuple(PRODUCT_PAGE)
FORMATS = (".parquet", ".csv")
COLUMNS = ("item_id", "kind", "rank", "rec_id", "score", "slot", "card_reason", "reason")
# ... then the measure each was ranked by, which ``score`` caps so that scores never rise down a list (the API's
# raw_score; empty in a look, whose score is its measure): a back end re-ranking by the measure, or mixing lists,
# had the capped number alone (stop 69). After COLUMNS, so that an export written before it is still one
# (:func:`_recorded`) and a reader by position finds the first eight where they were.
EXPORT_COLUMNS = (*COLUMNS, "raw_score")
MAX_WORKERS = 16
CHUNK = 32      # products a worker is handed at a time: few enough that the progress bar moves


def export_recommendations(rec, out: str | Path, kinds: Sequence[str] = KINDS, k: dict[str, int] | None = None,
                           ids: Iterable[int] | None = None, progress: bool = True,
                           workers: int | None = None, include_sold_out: bool = False,
                           include_hidden: bool = False) -> dict:
    """Write the recommendations of every product of ``rec`` (a :class:`~fashionrec.recommend.Recommender`), or of
    ``ids``, to ``out``, atomically; return the summary the file records.

    ``kinds``: any of "similar", "other_colours" (the product page's "In other colours": its kind in other
    colours, none of the similar items again, one a colour) and "outfit" (complete the look, one piece a slot).
    ``k``: how many of each kind, by kind (default :data:`PRODUCT_PAGE`). ``out``: a ``.parquet`` file (the
    summary in its schema metadata, under ``fashionrec``) or a ``.csv`` one (the summary beside it, ``.json``).
    A product with fewer results than asked (a look has at most one piece a slot of its category) is counted in
    the summary's ``short``, one with none in ``none``, by kind: not left out without a word. ``workers``:
    processes working products out side by side (default: :func:`default_workers`); the table is the same for
    any number; one where forking is unsafe (a Milvus index, other threads running in this process), the
    summary's ``workers_why`` saying so. ``include_sold_out``: list sold-out products (stock 0) as any other; left
    out by default, as a shopper's pages leave them out, and the summary's ``sold_out`` says which way and how many
    (stop 67). ``include_hidden``: write the lists of the products the shop hides too (their own lists; none of
    them is ever in another's); left out by default, as no shopper opens their pages, and the summary's ``hidden``
    says which (stop 75).
    """
    out = Path(out)
    kinds, sizes = _checked(out, kinds, k)
    wanted = rec.items["id"].astype(int).tolist() if ids is None else _known(rec, ids)
    # An empty list wrote an empty file (the command line reads no ids as all of them).
    if ids is not None and not wanted:
        raise BadInputError("ids is empty: give the product ids to export, or None for every product")
    include_hidden = bool(include_hidden)
    hidden_asked = [i for i in wanted if rec.is_hidden(i)]
    if not include_hidden and hidden_asked:
        # A hidden product's lists are for a page no shopper opens: a shop importing them showed recommendations on
        # a product page it hides (stop 75). Ids asked for that are all hidden would write an empty file: said.
        if len(hidden_asked) == len(wanted) and ids is not None:
            raise BadInputError(f"{rec.ids_said(hidden_asked)}: {'it is' if len(wanted) == 1 else 'each is'} hidden by "
                                "the shop, and a hidden product's lists are left out (its page is shown to no "
                                "shopper); pass include_hidden (--include-hidden) to write them, e.g. before "
                                "showing it")
        left = set(hidden_asked)
        wanted = [i for i in wanted if i not in left]
    workers, workers_why = _workers(rec, workers, len(wanted))
    include_sold_out = bool(include_sold_out)
    rows: list[tuple] = []
    short = dict.fromkeys(kinds, 0)
    none = dict.fromkeys(kinds, 0)
    none_ids: dict[str, list[int]] = {kind: [] for kind in kinds}
    started = time.perf_counter()
    # When the levels the lists leave sold-out products out by were read (the index as loaded, now): a nightly
    # export's lists are as of that day, and said so (stop 70: "as of now" said no date in a log read later).
    read_at = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    with tqdm(total=len(wanted), desc="recommendations", unit="product", disable=hidden(progress)) as bar:
        # _worked_out yields in wanted's order, whatever the number of workers.
        lists = _worked_out(rec, wanted, kinds, sizes, workers, include_sold_out)
        for item_id, (product_rows, counts) in zip(wanted, lists, strict=True):
            rows.extend(product_rows)
            for kind, n in counts.items():
                short[kind] += n < sizes[kind]
                none[kind] += not n
                if not n:
                    none_ids[kind].append(item_id)
            bar.update()
    table = pd.DataFrame(rows, columns=list(EXPORT_COLUMNS)).astype(
        {"item_id": "int64", "rank": "int16", "rec_id": "int64", "score": "float32", "raw_score": "float32"})
    manifest = rec.manifest or {}
    if written_ids(manifest):
        # Each id as the shop's export wrote it ("0038645"), beside the number (stop 68): a back end keyed by the
        # text found none of its products. Columns of an export of such a catalogue only.
        for column in ("item_id", "rec_id"):
            table[f"{column}_as_written"] = ids_as_written(manifest, table[column])
    summary = {
        "products": len(wanted), "rows": len(table), "kinds": list(kinds), "k": sizes,
        # Which products have no row of a kind, so that a back end can tell a product with no look (40 of the
        # shared catalogue's) from one left out or added since: the counts alone did not say which (a code review).
        "short": short, "none": none, "none_ids": none_ids, "columns": list(table.columns),
        "seconds": round(time.perf_counter() - started, 1), "workers": workers,
        # Why one process where more were asked for (or the default), in words: a Milvus index's export asked for
        # 4 ran on 1 without a word.
        "workers_why": workers_why,
        # Which index it was worked out from: a rebuild or an add since makes it stale.
        "index": {"dir": str(Path(rec.index_dir).resolve()), "build_id": manifest.get("build_id"),
                  "updated": manifest.get("updated") or manifest.get("date"), "count": len(rec),
                  "model": (manifest.get("model") or {}).get("name")},
        # Whether the lists leave sold-out products out (stop 67), and which: as of the day it ran, so a back end
        # can tell a level changed since (an export's lists hid them without saying so).
        "sold_out": _sold_out(rec, include_sold_out, read_at),
        # Whether the products the shop hides have lists of their own here (stop 75: they had, without a word).
        "hidden": _hidden(rec, include_hidden, hidden_asked, read_at),
        **provenance(),
    }
    if written_ids(manifest):
        # The ids the summary names, as the shop writes them too (a Handle, "0038645"): the numbers made from a
        # Shopify export's Handles named no product its owner knows (stop 75's new user).
        summary["none_ids_as_written"] = {kind: ids_as_written(manifest, ids) for kind, ids in none_ids.items()}
        summary["sold_out"]["ids_as_written"] = ids_as_written(manifest, summary["sold_out"]["ids"])
    if out.suffix.lower() == ".parquet":
        _write_parquet(out, table, summary)
    else:
        # Put in place together, the CSV's digest in its summary: written one after the other, a stop between
        # them left a new CSV beside the summary of an export of as many rows, which read_export took, and the
        # command said nothing was written (a code review).
        def with_digest(tmp: Path) -> dict:
            summary["csv_sha256"] = _sha256(tmp)
            return summary

        # With a byte-order mark: Excel reads a CSV without one in the machine's code page, and a reason's "·"
        # or a name's "é" came out as "Â·" (a review); pandas, the csv module with "utf-8-sig" and databases'
        # loaders read past it.
        write_with_json(out, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig"), _sidecar(out),
                        with_digest)
    return summary


def _sold_out(rec, included: bool, read_at: str) -> dict:
    """What the summary says of sold-out products: listed or left out, how many the index has, their ids, and when
    the levels that say so were read (``read_at``, UTC)."""
    ids = sorted(int(i) for i in rec.items["id"].to_numpy()[rec.sold_out_rows()])
    return {"included": included, "left_out": 0 if included else len(ids), "in_index": len(ids), "ids": ids,
            "levels_read_at": read_at}


def _hidden(rec, included: bool, asked: list[int], read_at: str) -> dict:
    """What the summary says of the products the shop hides: their lists written or left out (``asked``: the hidden
    ones among the products exported), how many the index has, which, and when that was read (``read_at``, UTC).
    None of them is ever in another product's list, whichever way."""
    ids = sorted(int(i) for i in rec.items["id"].to_numpy()[rec.hidden_rows()])
    said = {"included": included, "left_out": 0 if included else len(asked), "in_index": len(ids), "ids": ids,
            "read_at": read_at}
    if written_ids(rec.manifest or {}):     # a shop keyed by Handles finds them by its own ids (stop 74)
        said["ids_as_written"] = rec.ids_as_written(ids)
    return said


def _checked(out: Path, kinds: Sequence[str], k: dict[str, int] | None) -> tuple[list[str], dict[str, int]]:
    """The kinds and their sizes, or the first thing wrong with them or with ``out``, before any work."""
    if out.suffix.lower() not in FORMATS:
        raise BadInputError(f"{out}: recommendations are written as {' or '.join(FORMATS)}; give a file name "
                            "ending in one, e.g. runs/recs.parquet")
    check_writable(out)
    if out.suffix.lower() == ".csv":
        # Checked before the work, not after the table had replaced the CSV (a sidecar path that is a folder
        # was refused then: an integrator's trial).
        check_writable(_sidecar(out))
    _check_replaceable(out)
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    unknown = [x for x in kinds if x not in KINDS]
    if unknown or not kinds:
        # Named as errors.option names a setting: "kinds 'bogus'" named no flag (`recommend export --kinds`).
        raise BadInputError(f"{option('kinds', ', '.join(map(repr, unknown)) or '(none)')}: choose among "
                            f"{', '.join(KINDS)}")
    extra = set(k or {}) - set(KINDS)
    if extra:
        raise BadInputError(f"k for {', '.join(sorted(extra))}: the kinds are {', '.join(KINDS)}")
    # A size for a list not exported was dropped without a word, where the command line refuses it (a review).
    unasked = sorted(set(k or {}) - set(kinds))
    if unasked:
        raise BadInputError(f"k for {', '.join(unasked)}, which kinds {kinds} leaves out: add it to kinds, or "
                            "leave it out of k")
    sizes = {kind: (k or {}).get(kind, PRODUCT_PAGE[kind]) for kind in dict.fromkeys(kinds)}
    for n in sizes.values():
        check_k(n)
    return list(sizes), sizes


def _known(rec, ids: Iterable[int]) -> list[int]:
    """``ids`` as ints, each once, in order; every one the index lacks named at once, before any work."""
    try:
        wanted = list(dict.fromkeys(int(i) for i in id_list(ids)))
    except (TypeError, ValueError) as e:
        raise BadInputError(f"ids must be product ids (whole numbers): {e}") from None
    missing = [i for i in wanted if i not in rec]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise NotFoundError(f"{len(missing)} of the ids {'is' if len(missing) == 1 else 'are'} not in the index: "
                            f"{shown}")
    return wanted


def default_workers() -> int:
    """The cores this process may use, at most :data:`MAX_WORKERS`: the export is the only work of its command."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:      # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def _workers(rec, workers: int | None, products: int) -> tuple[int, str | None]:
    """How many processes to use, and why fewer than asked where a reason other than the products' number holds:
    one where forking cannot share ``rec`` (no fork on this system; a Milvus client's connection, which a forked
    copy must not use; other threads running in this process) or where there is too little to share out."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise BadInputError(f"workers must be a whole number of processes, 1 or more, got {workers!r}")
    workers = default_workers() if workers is None else workers
    from fashionrec.index.faiss_index import FaissIndex

    if workers == 1 or products < 2 * CHUNK:       # nothing to share out: no reason to give
        return 1, None
    why = None
    if "fork" not in mp.get_all_start_methods() or sys.platform != "linux":
        why = "this system cannot fork a process"
    elif not isinstance(rec.index, FaissIndex):
        why = "a Milvus index's client connection cannot be shared with forked processes"
    elif running := _other_threads():
        # A forked child has only the forking thread: a lock another thread held at the fork stays held in the
        # child for ever. A whole-suite run hung so (stop 69): a worker forked beside Milvus Lite's gRPC threads
        # ("Other threads are currently calling into gRPC, skipping fork() handlers") waited on its child, idle
        # inside pandas. The command line has none; a program or server calling this from its threads does.
        why = f"other threads run in this process ({', '.join(running[:3])}), which a fork cannot take along"
    if why is not None:
        return 1, why
    return min(workers, -(-products // CHUNK)), None


def _other_threads() -> list[str]:
    """The names of the threads but this one that a fork would leave behind, tqdm's progress monitors aside (asleep
    outside their lock, and a worker makes no progress bar)."""
    from tqdm._monitor import TMonitor

    me = threading.current_thread()
    return [t.name for t in threading.enumerate() if t is not me and t.is_alive() and not isinstance(t, TMonitor)]


def _worked_out(rec, wanted: list[int], kinds: list[str], sizes: dict[str, int], workers: int,
                include_sold_out: bool = False):
    """Each product's rows and list lengths, in ``wanted``'s order, worked out by ``workers`` processes."""
    if workers == 1:
        for item_id in wanted:
            # Set around the work only, not across a yield: a generator's context is its caller's.
            with sold_out_shown(include_sold_out):
                done = _product_rows(rec, item_id, kinds, sizes)
            yield done
        return
    # The first product here fills the recommender's per-catalogue tables before the fork, so the workers share
    # them instead of each working them out again.
    with sold_out_shown(include_sold_out):
        first = _product_rows(rec, wanted[0], kinds, sizes)
    yield first
    global _JOB
    _JOB = (rec, kinds, sizes, include_sold_out)
    chunks = [wanted[i:i + CHUNK] for i in range(1, len(wanted), CHUNK)]
    try:
        # Forked, the workers share the parent's embeddings and index pages instead of loading a copy each; forked
        # holding the recommender's lock to read, so that no change of another thread is half made in their copy.
        with rec.lock.read():
            pool = mp.get_context("fork").Pool(workers, initializer=_quiet_worker)
        with pool:
            for done in pool.imap(_chunk_rows, chunks):
                yield from done
    finally:
        _JOB = None


_JOB: tuple | None = None     # what a forked worker works on: the recommender, kinds, sizes, sold-out shown


def _quiet_worker() -> None:
    """A worker leaves Ctrl-C and a stop to the parent, which says what happened and ends the pool (each of
    them printed its own traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _JOB is not None:
        # Locks of their own: the copies of the parent's are in whatever state its other threads had them at the
        # fork (held by a thread the worker does not have: its first search would wait for ever, a review).
        rec = _JOB[0]
        rec.lock, rec._build_lock = RWLock(), threading.RLock()


def _chunk_rows(chunk: list[int]) -> list[tuple[list[tuple], dict[str, int]]]:
    rec, kinds, sizes, include_sold_out = _JOB
    try:
        # Set in the worker: a forked process's context is whatever its forking thread's was.
        with sold_out_shown(include_sold_out):
            return [_product_rows(rec, item_id, kinds, sizes) for item_id in chunk]
    except Exception:
        raise       # goes back to the parent, which raises it
    except BaseException as e:
        # Anything else ends a pool's worker without an answer, and the parent would wait for it for ever.
        raise RuntimeError(f"a worker stopped on {e!r}") from None


def _product_rows(rec, item_id: int, kinds: list[str], sizes: dict[str, int]) -> tuple[list[tuple], dict[str, int]]:
    """One product's rows of the table and how many each of its lists holds."""
    lists = _lists(rec, item_id, kinds, sizes)
    rows = [(item_id, kind, rank, r.id, r.score, r.slot, r.card_reason or r.reason, r.reason, r.raw_score)
            for kind in kinds for rank, r in enumerate(lists[kind], 1)]
    return rows, {kind: len(lists[kind]) for kind in kinds}


def _lists(rec, item_id: int, kinds: list[str], sizes: dict[str, int]) -> dict[str, list]:
    """One product's lists, as its page makes them: other colours leave out the similar items listed above."""
    lists = {}
    # Worked out for other colours too, where not exported: the page leaves its similar items out of that row.
    # Its colourways in other_colours, not among its similar items (Recommender.product_page).
    if "similar" in kinds or "other_colours" in kinds:
        lists["similar"], lists["other_colours"] = rec.product_page(
            item_id, sizes.get("similar", PRODUCT_PAGE["similar"]),
            sizes.get("other_colours", PRODUCT_PAGE["other_colours"]))
    if "outfit" in kinds:
        lists["outfit"] = rec.complete_the_look(item_id, k=sizes["outfit"])
    return lists


def _write_parquet(out: Path, table: pd.DataFrame, summary: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}),
                                           b"fashionrec": json.dumps(summary, default=str).encode()})
    write_with(out, lambda tmp: pq.write_table(arrow, tmp))


def _sha256(path: Path) -> str:
    """A file's SHA-256, read in pieces (a 40k export's CSV is about 100 MB)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _sidecar(out: Path) -> Path:
    """Where a CSV export's summary goes: beside it, ``recs.csv.json``."""
    return out.with_name(out.name + ".json")


def summary_file(out: str | Path) -> Path | None:
    """The file of its own an export at ``out`` keeps its summary in: a CSV's, beside it; None for a .parquet
    (its summary is in its metadata)."""
    out = Path(out)
    return _sidecar(out) if out.suffix.lower() == ".csv" else None


def _recorded(path: Path) -> dict | None:
    """The summary an earlier export at ``path`` records, or None where ``path`` is no export."""
    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            meta = pq.read_schema(path).metadata or {}
            return json.loads(meta[b"fashionrec"]) if b"fashionrec" in meta else None
        summary = json.loads(_sidecar(path).read_text())
        return summary if isinstance(summary, dict) and (summary.get("columns") or [])[:len(COLUMNS)] == list(
            COLUMNS) else None
    except (OSError, ValueError, KeyError):
        return None


def _check_replaceable(out: Path) -> None:
    """Refuse an ``out`` that is a file of something else: a shop's own CSV given as --out was replaced without
    a word (an integrator's trial); an earlier export is replaced."""
    if out.is_file() and _recorded(out) is None:
        beside = f", nor has a readable {_sidecar(out).name} beside it" if out.suffix.lower() == ".csv" else ""
        raise BadInputError(f"{out} exists and is no recommendations export (it records no summary of one{beside}): "
                            "choose another --out, or delete it first")


def read_export(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """An export's table and the summary it records (from a Parquet file's metadata, or a CSV's ``.json``); a CSV
    whose summary is of another table (a write stopped between the two files) is refused, said."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        arrow = pq.read_table(path)
        return arrow.to_pandas(), json.loads((arrow.schema.metadata or {})[b"fashionrec"])
    table = pd.read_csv(path, keep_default_na=False, na_values={"slot": [""], "raw_score": [""]},
                        dtype={"item_id_as_written": str, "rec_id_as_written": str})   # "0038645" as written
    sidecar = _sidecar(path)
    try:
        summary = json.loads(sidecar.read_text())
    except (OSError, ValueError) as e:
        raise DamagedFileError(f"{sidecar}, the summary of {path}, cannot be read ({e}): export again") from e
    if not isinstance(summary, dict):
        raise DamagedFileError(f"{sidecar} is no export's summary (a JSON object): export again")
    digest = summary.get("csv_sha256")
    if summary.get("rows") != len(table) or digest and _sha256(path) != digest:
        raise DamagedFileError(f"{sidecar} describes another table than {path} ({summary.get('rows')} rows against "
                               f"{len(table)}, or other contents): one of them is from another export; export again")
    return table, summary
