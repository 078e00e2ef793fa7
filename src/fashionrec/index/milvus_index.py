"""Milvus index: the same protocol as :class:`~fashionrec.index.FaissIndex`, on any Milvus deployment.

``uri`` picks the deployment, as in ``pymilvus.MilvusClient``:

* a file path (``runs/catalogue.db``) runs **Milvus Lite** embedded in this process (PyPI ``milvus-lite``);
* ``http://host:19530`` (plus an optional ``token``, "user:password" or an API key) talks to a Milvus
  server or cluster — or to ``milvus-lite server`` on loopback, the client/server path a cluster uses.

One collection per index: ``id`` (INT64 primary key), ``vector`` (FLOAT_VECTOR, inner product) and one
VARCHAR scalar field per attribute filter (``gender``, ``articleType`` …). The vector index is ``FLAT``
(exact) below 20k 256-d vectors and ``HNSW`` above, as with FAISS (``index_type`` overrides). Attribute filters
become a Milvus boolean expression (``gender in ["Men", "Unisex"] and baseColour in ["Red"]``) evaluated
inside the search; an explicit id list becomes ``id in [...]``. HNSW can miss items behind a selective
filter, so a filtered query that comes back short is answered exactly over the matching items (fetched
with the same expression), and k results come back whenever k items match.
Inserts are batched and flushed; a reopened collection is loaded before the first search. The collection
uses Strong consistency so a product added through the API is searchable by the next request.

The index folder keeps only ``vectors.json`` (backend, uri, collection, dim); the token is never written
to disk: pass it again (``--token`` / ``FASHIONREC_MILVUS_TOKEN``) when opening the index.

With a Milvus Lite file, a change returns once Milvus Lite has written what it writes after a flush on a thread of its
own (compaction, and each new segment's index file, written in place): a process killed after it could otherwise
leave an index file cut short, and every load after said "Failed to read all data for array ... (file seems not
fully written?)" (a test's ``kill -9`` at the folder's save, once in four full test runs at stop 63). A load that
fails so makes the collection's index files again from its data files
(:meth:`MilvusIndex._load_making_index_files_again`).

A copy of the folder (``cp -r``) names the same collection, so the collection records, in its property
``fashionrec.folder``, the one folder its changes go through (the build's): a change through a copy is refused
(:meth:`MilvusIndex.check_changed_from`), as it left the other folder "inconsistent ...; rebuild it" (stop 60).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import numpy as np

from fashionrec.artifacts import read_json, write_json
from fashionrec.errors import BadInputError, DamagedFileError, NotWritableError, VectorIndexError
from fashionrec.index.base import auto_kind, read_meta

log = logging.getLogger(__name__)


class _ProbesOfMissingMethods(logging.Filter):
    """Milvus Lite's in-process gRPC server logs an ERROR with a traceback for each method pymilvus probes and
    it lacks ("AllocTimestamp ... Method not implemented!") during every successful build: not an error here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], NotImplementedError))


logging.getLogger("grpc._server").addFilter(_ProbesOfMissingMethods())
# Milvus Lite's engine logs each segment it indexes and each compaction at INFO: a build carrying 247 added products
# over printed some 330 such lines, `index add FOLDER` one in its progress bar per product, and every command a
# "server stopped" line after its output (a scale-out trial). Its warnings and errors still show.
logging.getLogger("milvus_lite").setLevel(logging.WARNING)

INDEX_META = "vectors.json"
# Attribute fields stored beside each vector (the recommender's filter keys).
ATTRIBUTE_FIELDS = ("gender", "masterCategory", "subCategory", "articleType", "baseColour", "usage", "season")
MAX_VARCHAR = 256
INSERT_BATCH = 2_000
MAX_TOPK = 16_384           # Milvus's limit on k per search
TOKEN_ENV = "FASHIONREC_MILVUS_TOKEN"
# The collection's property naming the index folder whose changes it takes (an absolute path).
OWNER = "fashionrec.folder"
# How long a change waits, at most, for Milvus Lite's index files where it cannot wait on Milvus Lite itself.
WAIT_FILES_S = 30.0
_NO_WAIT_SAID: set[str] = set()


def _say_no_wait_once(uri: str, error: Exception) -> None:
    """A warning, once per process and file, that this milvus-lite has no ``_wait_for_bg`` to wait on (it was a
    debug line until stop 68: a milvus-lite upgrade lost the stop 64 guarantee unsaid)."""
    if uri not in _NO_WAIT_SAID:
        _NO_WAIT_SAID.add(uri)
        log.warning("this milvus-lite has no collection._wait_for_bg (%r): a change on %s waits for its index files "
                    "instead (up to %.0f s)", error, uri, WAIT_FILES_S)


class _NoCollectionError(VectorIndexError):
    """The Milvus reached has no collection of the name asked for."""


def is_file_uri(uri: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*://", uri)


def normalise_uri(uri: str | Path) -> tuple[str, str | None]:
    """(uri, token from it). A file URI becomes an absolute path (so the index folder can be opened from
    anywhere); ``http://user:password@host`` loses its credentials, which become the token, so that they
    are never written to ``vectors.json`` or shown in a message."""
    uri = str(uri)
    if is_file_uri(uri):
        return str(Path(uri).expanduser().resolve()), None
    parts = urlsplit(uri)
    if parts.username is None:
        return uri, None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    token = unquote(parts.username) + (f":{unquote(parts.password)}" if parts.password is not None else "")
    return urlunsplit(parts._replace(netloc=netloc)), token


class _Quiet(logging.Filter):
    """Drops every record: Milvus Lite's own traceback while :func:`connect` says the same in a line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def connect(uri: str | Path, token: str | None = None, must_exist: bool = False):
    """(normalised uri, pymilvus ``MilvusClient``) for ``uri``, or an :class:`VectorIndexError` that says what to fix.
    ``token``: given, else the URI's credentials, else ``$FASHIONREC_MILVUS_TOKEN``; ``must_exist``: a Milvus
    Lite file must be there already (Milvus Lite would quietly make an empty one)."""
    try:
        from pymilvus import MilvusClient
    except ImportError as e:
        raise VectorIndexError("the Milvus backend needs pymilvus (and milvus-lite for file URIs): "
                          "pip install -e '.[milvus]' from the repository's root") from e
    uri, uri_token = normalise_uri(uri)
    token = token if token is not None else uri_token or os.environ.get(TOKEN_ENV)
    if is_file_uri(uri):
        if not uri.endswith(".db"):
            raise VectorIndexError(f"--uri {uri}: a Milvus Lite file's name ends in .db (e.g. runs/catalogue.db); a "
                              "server's is http://host:19530")
        if must_exist and not Path(uri).exists():
            raise VectorIndexError(f"the Milvus Lite file {uri} is missing: pass --uri with where it is now, "
                              "or rebuild the index with `fashionrec index build --backend milvus`")
        try:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise VectorIndexError(f"cannot create the folder for the Milvus Lite file {uri}: {e}") from e
    # Milvus Lite logs its own 20-line traceback for a file in use before raising: the message below says it.
    # (A filter of this call's own, not the logger's level: two connects at once could leave that raised.)
    lite_log = logging.getLogger("milvus_lite.server_manager")
    quiet = _Quiet()
    lite_log.addFilter(quiet)
    try:
        return uri, MilvusClient(uri=uri, **({"token": token} if token else {}))
    except Exception as e:   # pymilvus raises its own MilvusException / grpc errors
        # Said only where the file could not be opened: it was added to every error on a file URI.
        locked = is_file_uri(uri) and "open local milvus failed" in str(e).lower()
        # Not "another --uri" for a change: an add or a remove must write the index's own file (a scale-out trial).
        hint = (" (a Milvus Lite file is opened by one process at a time: is `fashionrec serve` or another "
                "command using it? Stop it; a server started with FASHIONREC_API_KEY adds and removes products "
                "itself (POST and DELETE /api/items); a build can write another --uri; or serve the index from "
                "a Milvus server, http://host:19530, which many processes share)") if locked else ""
        raise VectorIndexError(f"cannot connect to Milvus at {uri}: {e}{hint}") from e
    finally:
        lite_log.removeFilter(quiet)


def check_reachable(uri: str | Path, token: str | None = None) -> None:
    """Connect and let go: a build calls this before minutes of embedding, where a wrong --uri, a server
    down, a missing pymilvus or a Lite file in use were found only after them (a scale-out trial)."""
    _, client = connect(uri, token)
    client.close()


def _string_literal(value: str) -> str:
    """A Milvus expression string literal. Not json.dumps: Milvus rejects its \\uXXXX escapes, so non-ASCII
    text (e.g. "Café") stays as it is and only the backslash and the quote are escaped."""
    if any(ord(c) < 32 for c in value):
        raise BadInputError(f"filter value {value!r} contains a control character")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filter_expression(where: Mapping[str, str | Sequence[str]] | None = None,
                      ids: np.ndarray | None = None, exclude_ids: np.ndarray | None = None) -> str:
    """Attribute filters, an optional id allow-list and an optional id deny-list as one Milvus boolean expression
    ("" = none).

    Strings are quoted with their quotes and backslashes escaped, so a value cannot end its literal early.
    """
    parts = []
    for key, value in (where or {}).items():
        if value is None or value == "" or value == []:
            continue
        if key not in ATTRIBUTE_FIELDS:
            raise BadInputError(f"unknown filter {key!r}; valid filters: {', '.join(ATTRIBUTE_FIELDS)}")
        values = [value] if isinstance(value, str) else [str(v) for v in value]
        parts.append(f"{key} in [{', '.join(_string_literal(v) for v in values)}]")
    if ids is not None:
        parts.append(f"id in [{', '.join(str(int(i)) for i in ids)}]")
    if exclude_ids is not None and len(exclude_ids):
        parts.append(f"id not in [{', '.join(str(int(i)) for i in exclude_ids)}]")
    return " and ".join(parts)


def collection_owner(client, collection: str) -> str | None:
    """The index folder (absolute path) whose changes ``collection`` takes; None where none is recorded (a
    collection built before stop 61)."""
    return (client.describe_collection(collection).get("properties") or {}).get(OWNER) or None


def _names(folder: str, collection: str) -> bool:
    """Whether the index folder ``folder`` names ``collection`` (as its own, or the one it keeps a generation)."""
    try:
        meta = read_json(Path(folder) / INDEX_META)
    except (OSError, DamagedFileError):
        return False
    return collection in (meta.get("collection"), (meta.get("previous") or {}).get("collection"))


def held_elsewhere(client, collection: str, folder: str | Path) -> str | None:
    """The other index folder ``collection`` belongs to, where that folder still names it (``folder`` is then a copy
    of it); None where ``folder`` owns it, or its recorded owner is gone or names it no more (``folder`` was moved,
    or the owner was rebuilt with another collection), or none is recorded."""
    owner = collection_owner(client, collection)
    return owner if owner not in (None, str(Path(folder).resolve())) and _names(owner, collection) else None


class MilvusIndex:
    """A :class:`~fashionrec.index.base.VectorIndex` in a Milvus collection; see the module docstring."""

    # The recommender passes attribute filters as ``where`` instead of an id list (pushed down).
    supports_where = True

    @property
    def max_k(self) -> int:
        """The most results one search returns (Milvus's limit on k): a caller that wants more past excluded ones
        must leave them out of the search instead (:meth:`Recommender._neighbours`)."""
        return MAX_TOPK

    def __init__(self, dim: int, uri: str | Path, collection: str, token: str | None = None,
                 index_type: str = "auto", create: bool = True, expected_count: int = 0):
        self.uri, self.client = connect(uri, token, must_exist=not create)
        self.dim, self.collection = int(dim), collection
        if index_type == "auto":
            index_type = auto_kind(expected_count, self.dim).upper()
        self.index_type = index_type
        self.kind = f"milvus-{index_type.lower()}"
        self.previous: dict | None = None
        if create:
            try:
                self._create()
            except BaseException:
                # Interrupted or refused half-made: the build that asked holds no index to drop it with (an early
                # Ctrl-C left an empty collection, named nowhere).
                with contextlib.suppress(Exception):
                    if self.client.has_collection(collection):
                        self.client.drop_collection(collection)
                raise
        elif not self.client.has_collection(collection):
            raise _NoCollectionError(f"Milvus at {self.uri} has no collection {collection!r}; rebuild the index with "
                              "`fashionrec index build --backend milvus`")
        else:
            from pymilvus.exceptions import MilvusException

            try:
                self.client.load_collection(collection)   # a reopened collection must be loaded to be searched
            except MilvusException as e:
                # Milvus Lite's own words alone ("Failed to read all data for array ... file seems not fully
                # written?") after a process was killed beside it, once in four full test runs at stop 63.
                if not self._load_making_index_files_again(e):
                    raise VectorIndexError(
                        f"Milvus at {self.uri} could not load the collection {collection!r}: {e.message}; a process "
                        "killed while Milvus Lite wrote its file can leave it so: rebuild the index with `fashionrec "
                        "index build --backend milvus`") from e
        self._count = self._count_rows()

    def _index_files(self) -> list[Path]:
        """Milvus Lite's index files of the collection (a file URI; none for a server): one per data file, each made
        from it, and made again by a load where it is missing."""
        if not is_file_uri(self.uri):
            return []
        partitions = Path(self.uri) / "collections" / self.collection / "partitions"
        return sorted(p for p in partitions.glob("*/indexes/*") if p.suffix in (".idx", ".sidx"))

    def _load_making_index_files_again(self, error: Exception) -> bool:
        """After Milvus Lite failed to load the collection (``error``): its index files removed and the load tried
        once more, which makes them again from the collection's data files; whether it then loaded. Milvus Lite
        writes an index file in place, so a process killed while it wrote one left it cut short, and every load
        after failed on it ("file seems not fully written?"); a data file is named in the collection's manifest
        only once written."""
        from pymilvus.exceptions import MilvusException

        files = self._index_files()
        if not files:
            return False
        with contextlib.suppress(MilvusException):
            self.client.release_collection(self.collection)     # drops the indexes the failed load had read
        for f in files:
            f.unlink(missing_ok=True)
        try:
            self.client.load_collection(self.collection)
        except MilvusException:
            return False
        log.warning("Milvus Lite could not load the collection %s at %s (%s): its %d index files were made again from "
                    "its data (a process killed while Milvus Lite wrote one leaves it cut short)", self.collection,
                    self.uri, getattr(error, "message", error), len(files))
        return True

    def _flush(self) -> None:
        """Flush; with a Milvus Lite file, return once the writing Milvus Lite does after a flush on a thread of its
        own is done: compaction, and each new segment's index file, written in place. Returned before it, an add
        killed at the folder's save (or just after `index add`) left an index file cut short that every load then
        failed on (a test's ``kill -9``, stop 63). Milvus Lite (3.2.2, with pymilvus 3.0.2) has no public call for it:
        its gRPC ``Flush`` returns after the synchronous part, and ``GetFlushState``, ``GetCompactionState`` and
        ``DescribeIndex`` answer done whatever is pending (stop 68). So its own collection object's ``_wait_for_bg``
        is used where it has one; where not (another milvus-lite), :meth:`_wait_for_index_files` watches the files."""
        self.client.flush(self.collection)
        if not is_file_uri(self.uri):
            return
        try:
            from milvus_lite.server_manager import server_manager_instance

            _, db, _ = server_manager_instance._servers[os.path.abspath(self.uri)]
            wait = db.get_collection(self.collection)._wait_for_bg
        except Exception as e:      # noqa: BLE001 - not this milvus-lite's layout: the files are watched instead
            _say_no_wait_once(self.uri, e)
            self._wait_for_index_files()
            return
        wait()

    def _wait_for_index_files(self, timeout: float = WAIT_FILES_S, poll: float = 0.05) -> bool:
        """Whether, within ``timeout`` seconds, every data file of the collection has its index file and none of
        those changed size over one ``poll``: the fallback wait of :meth:`_flush` where Milvus Lite's own is missing
        (until stop 68 that only flushed, and an add killed at the save could leave an index file cut short). Weaker
        than the engine's own wait: it sees files, not the thread (a write that pauses longer than ``poll`` passes)."""
        partitions = Path(self.uri) / "collections" / self.collection / "partitions"
        deadline, last = time.monotonic() + timeout, None
        while True:
            data = {p.stem for p in partitions.glob("*/data/*.parquet")}
            files = self._index_files()
            sizes = {}
            for f in files:
                with contextlib.suppress(FileNotFoundError):    # one compaction removed since the listing
                    sizes[f.name] = f.stat().st_size
            if data <= {f.name.split(".")[0] for f in files} and sizes == last:
                return True
            if time.monotonic() > deadline:
                log.warning("Milvus Lite at %s had not written the index files of %s after %.0f s: a process killed "
                            "now may leave one cut short (the next load makes it again)", self.uri, self.collection,
                            timeout)
                return False
            last = sizes
            time.sleep(poll)

    def _create(self) -> None:
        from pymilvus import DataType, MilvusClient

        if self.client.has_collection(self.collection):
            self.client.drop_collection(self.collection)
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
        for f in ATTRIBUTE_FIELDS:
            schema.add_field(f, DataType.VARCHAR, max_length=MAX_VARCHAR)
        params = self.client.prepare_index_params()
        extra = {"params": {"M": 32, "efConstruction": 80}} if self.index_type == "HNSW" else {}
        params.add_index(field_name="vector", index_type=self.index_type, metric_type="IP", **extra)
        self.client.create_collection(self.collection, schema=schema, index_params=params,
                                      consistency_level="Strong")

    def _count_rows(self) -> int:
        res = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        return int(res[0]["count(*)"]) if res else 0

    # ---- building --------------------------------------------------------------------------
    def add(self, ids: np.ndarray, vectors: np.ndarray, attrs: Sequence[Mapping] | None = None) -> None:
        """Insert in batches of 2,000 and flush. ``attrs``: one {field: value} per vector (filters)."""
        v = np.ascontiguousarray(vectors, dtype=np.float32)
        if v.ndim != 2 or v.shape[1] != self.dim:
            raise BadInputError(f"vectors must be (n, {self.dim}) float32, got shape {v.shape}")
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) != len(v) or (attrs is not None and len(attrs) != len(v)):
            raise BadInputError(f"{len(ids)} ids and {len(attrs) if attrs is not None else len(v)} attribute rows "
                                f"for {len(v)} vectors")
        if len(np.unique(ids)) != len(ids) or (self._count and self._existing(ids)):
            raise BadInputError("duplicate ids: every id may be added once (remove it first to replace it)")
        for start in range(0, len(ids), INSERT_BATCH):
            rows = []
            for j in range(start, min(start + INSERT_BATCH, len(ids))):
                a = attrs[j] if attrs is not None else {}
                row = {"id": int(ids[j]), "vector": v[j].tolist()}
                for f in ATTRIBUTE_FIELDS:
                    val = a.get(f)
                    row[f] = "" if val is None or (isinstance(val, float) and np.isnan(val)) else str(val)[:MAX_VARCHAR]
                rows.append(row)
            self.client.insert(self.collection, rows)
        self._flush()
        self._count += len(ids)

    def _existing(self, ids: np.ndarray) -> list[int]:
        found = []
        for start in range(0, len(ids), INSERT_BATCH):
            res = self.client.query(self.collection, filter=filter_expression(ids=ids[start:start + INSERT_BATCH]),
                                    output_fields=["id"])
            found += [int(r["id"]) for r in res]
        return found

    def present(self, ids: np.ndarray) -> np.ndarray:
        """(n,) bool: which of ``ids`` the collection holds."""
        ids = np.asarray(ids, np.int64)
        return np.isin(ids, self._existing(ids)) if len(ids) else np.zeros(0, bool)

    def removal(self, ids: np.ndarray):
        """Removing ``ids`` as one step, returned to run later (:meth:`FaissIndex.removal` has two)."""
        return lambda: self.remove(ids)

    def remove(self, ids: np.ndarray) -> int:
        ids = np.asarray(ids, dtype=np.int64)
        present = self._existing(ids) if len(ids) else []
        if present:
            self.client.delete(self.collection, filter=filter_expression(ids=np.array(present)))
            self._flush()
            self._count -= len(present)
        return len(present)

    def __len__(self) -> int:
        return self._count

    # ---- searching -------------------------------------------------------------------------
    def search(self, vectors: np.ndarray, k: int, filter_ids: np.ndarray | None = None,
               where: Mapping | None = None, one_thread: bool | None = None,
               exclude_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k by inner product -> (scores (q, k), ids (q, k)), -inf / -1 padding; filters pushed down.
        ``exclude_ids``: ids left out (``id not in [...]``), the shorter list where most products are allowed.
        (``one_thread``: the server's threads are its own; taken for the protocol's sake.)"""
        q = np.ascontiguousarray(vectors, dtype=np.float32)
        if q.ndim != 2 or q.shape[1] != self.dim:
            raise BadInputError(f"vectors must be (n, {self.dim}) float32, got shape {q.shape}")
        k = int(k)
        if k <= 0:
            raise BadInputError(f"k must be >= 1, got {k}")
        scores = np.full((len(q), k), -np.inf, np.float32)
        found = np.full((len(q), k), -1, np.int64)
        if filter_ids is not None and np.asarray(filter_ids).dtype == bool:
            raise BadInputError("MilvusIndex takes filter_ids as an id array, not a boolean mask")
        if len(q) == 0 or self._count == 0 or (filter_ids is not None and len(filter_ids) == 0):
            return scores, found
        expr = filter_expression(where, None if filter_ids is None else np.asarray(filter_ids),
                                 None if exclude_ids is None else np.asarray(exclude_ids))
        limit = min(k, MAX_TOPK, self._count)
        search_params: dict = {"metric_type": "IP"}
        if self.index_type == "HNSW":
            # a filter hides part of the graph: search wider the more selective it may be
            search_params["params"] = {"ef": min(4096, max(64, 4 * limit) * (4 if expr else 1))}
        res = self.client.search(self.collection, data=q.tolist(), limit=limit, filter=expr,
                                 output_fields=["id"], search_params=search_params)
        for r, hits in enumerate(res):
            for c, h in enumerate(hits):
                scores[r, c], found[r, c] = h["distance"], h["id"]
        short = (found < 0).any(axis=1)
        if expr and short.any():
            self._exact_fill(q, limit, expr, short, scores, found)
        return scores, found

    def _exact_fill(self, q: np.ndarray, limit: int, expr: str, short: np.ndarray, scores: np.ndarray,
                    found: np.ndarray) -> None:
        """Answer short filtered queries exactly over the items the expression matches."""
        n_match = self.client.query(self.collection, filter=expr, output_fields=["count(*)"])[0]["count(*)"]
        if n_match <= int((found[short] >= 0).sum(axis=1).min()):
            return                  # nothing was missed: fewer items match than k
        if n_match > MAX_TOPK:
            log.warning("filtered search returned fewer than %d of %d matching items", limit, n_match)
            return
        rows = self.client.query(self.collection, filter=expr, output_fields=["id", "vector"], limit=n_match)
        ids = np.array([r["id"] for r in rows], np.int64)
        vecs = np.array([r["vector"] for r in rows], np.float32)
        sims = q[short] @ vecs.T
        kk = min(limit, len(ids))
        top = np.argsort(-sims, axis=1, kind="stable")[:, :kk]
        scores[short, :kk] = np.take_along_axis(sims, top, axis=1)
        found[short, :kk] = ids[top]

    # ---- persistence -----------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        """Data lives in Milvus; the folder gets ``vectors.json`` saying where (never the token)."""
        self._flush()
        write_json(Path(directory) / INDEX_META, {
            "backend": "milvus", "uri": self.uri, "collection": self.collection, "dim": self.dim,
            "count": len(self), "index_type": self.index_type, "kind": self.kind,
            # the collection this one replaced: kept one generation so running servers keep answering
            "previous": self.previous,
        })

    @classmethod
    def load(cls, directory: str | Path, uri: str | None = None, token: str | None = None) -> MilvusIndex:
        """Open the collection named in ``directory/vectors.json`` (``uri`` overrides where it lives)."""
        meta = read_meta(Path(directory) / INDEX_META, ("dim", "uri", "collection"))
        try:
            index = cls(meta["dim"], uri or meta["uri"], meta["collection"], token=token,
                        index_type=meta.get("index_type", "FLAT"), create=False)
        except _NoCollectionError as e:
            if uri is None or normalise_uri(uri)[0] == normalise_uri(meta["uri"])[0]:
                raise
            # A --uri (or FASHIONREC_MILVUS_URI) other than the folder's: a rebuild, all that was said, re-embeds the
            # catalogue where leaving the URI out opens the collection (an ML engineer's trial, stop 74).
            raise VectorIndexError(
                f"Milvus at {normalise_uri(uri)[0]} has no collection {meta['collection']!r}: the index folder "
                f"{directory} was built on {meta['uri']} ({INDEX_META}); leave out --uri (and FASHIONREC_MILVUS_URI) "
                "to open it there, give the URI its collection lives at now, or rebuild the index there with "
                "`fashionrec index build --backend milvus --uri URI`") from e
        index.previous = meta.get("previous")
        return index

    # ---- the folder it belongs to -----------------------------------------------------------
    def claim(self, folder: str | Path) -> None:
        """Record ``folder`` as the one index folder whose changes this collection takes."""
        self.client.alter_collection_properties(self.collection, properties={OWNER: str(Path(folder).resolve())})

    def check_changed_from(self, folder: str | Path) -> None:
        """Refuse (:class:`NotWritableError`) an add or remove through ``folder`` where the collection is another
        folder's, of which ``folder`` is a copy: a change here changed that folder's vectors too, and left it
        "inconsistent ...; rebuild it" (`cp -r milvus backup; fashionrec index remove ID --index backup`, stop 60).
        Otherwise ``folder`` takes the collection (a moved folder, one built before owners were recorded)."""
        here, owner = str(Path(folder).resolve()), collection_owner(self.client, self.collection)
        if owner == here:
            return
        if owner is not None and _names(owner, self.collection):
            raise NotWritableError(
                f"{folder} is a copy of the index folder {owner}: both name the Milvus collection {self.collection} "
                f"at {self.uri}, which takes the changes of {owner} only (a change here would change that folder's "
                f"products too and leave it inconsistent). Add and remove products through {owner}; or give this "
                f"folder a collection of its own by building it again: `fashionrec index build DATA_DIR --out "
                f"{folder} --backend milvus` (it reuses this folder's embeddings and keeps its added products)")
        self.claim(here)
        if owner is not None:
            log.info("the Milvus collection %s now takes the changes of %s (%s names it no more)", self.collection,
                     here, owner)

    def drop(self) -> None:
        """Delete the collection (used when a rebuilt index replaces an older one)."""
        if self.client.has_collection(self.collection):
            self.client.drop_collection(self.collection)

    def close(self) -> None:
        self.client.close()
