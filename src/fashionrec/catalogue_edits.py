"""Adding products to an index folder and taking them out without a rebuild: :class:`CatalogueEdits`, a part
of :class:`fashionrec.recommend.Recommender` (``fashionrec index add/remove``, the API's POST and DELETE
``/api/items``)."""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import math
import os
import re
import shlex
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout
from PIL import Image
from tqdm.auto import tqdm

from fashionrec.artifacts import free_space, out_of_space, read_json, write_with
from fashionrec.catalog import (
    ATTRIBUTES,
    COLUMNS,
    ID_AS_WRITTEN,
    IDS_AS_WRITTEN,
    PLACEHOLDER_NAME,
    PRICE,
    Catalog,
    CatalogError,
    checked_photo,
    currency_sign,
    first_few,
    id_said,
    is_greyscale,
    load_catalog,
    made_name,
    open_rgb,
    photo_id,
    photo_names,
    price_is_ambiguous,
    read_price,
    styles_ids,
    styles_table,
    to_rgb,
)
from fashionrec.change_intent import Recovery, begin_change, clear_intent, read_intent
from fashionrec.column_map import COLUMN_MAP_FILE, images_path, table_path
from fashionrec.embed import predicted_frame
from fashionrec.errors import (
    BadInputError,
    ChangedOnDiskError,
    ConflictError,
    FashionrecError,
    NoSpaceError,
    NotFoundError,
    NotWritableError,
    VectorIndexError,
)
from fashionrec.index_delta import same_levels
from fashionrec.item_tables import STOCK_FREE_TABLES, filter_attrs, plain
from fashionrec.name_colours import COLOUR_FROM, FILLED_FROM, FROM_NAME, FROM_PHOTO
from fashionrec.progress import hidden
from fashionrec.regular_prices import REGULAR_PRICE
from fashionrec.results import FILTER_KEYS, UNSURE, id_list
from fashionrec.shop_ids import handle_id
from fashionrec.stock import STOCK, levels_of, stock_level
from fashionrec.text_encoder import encode_text, product_text
from fashionrec.visibility import HIDDEN, HIDDEN_BY_FILE, HIDDEN_BY_HAND, hidden_ids, with_hidden

if TYPE_CHECKING:
    from fashionrec.recommend import FirstView

log = logging.getLogger(__name__)

# A given type or colour the tagger contradicts at this calibrated probability or more is said (a jeans photo
# added under a left-out row's id took that row's "Kurtas, White" without a word, a shop's trial); a label
# taken from the tagger under UNSURE_GUESS is said too (gender Men at 0.33, stored as if known).
DOUBTED = 0.9
UNSURE_GUESS = UNSURE
# The lock file in an index folder that one process at a time holds while it changes the folder, and how long
# another waits for it (an add tags a photo and saves the folder: seconds).
CHANGE_LOCK = ".change.lock"
CHANGE_WAIT_S = 300
# A given category other than the one(s) the index files a product's type under is refused where the type has at
# least this many products; with fewer, it goes in as given, and said.
FILED_EVIDENCE = 3
MAX_ID = 2**63 - 1          # the ids are int64


# The folders whose change lock this thread holds: taken again inside, it is held already (a server holds it
# while it loads what another process saved, then makes its change; a second lock on the file waited on itself).
_held = threading.local()


@contextlib.contextmanager
def changing_folder(index_dir: Path) -> Iterator[None]:
    """One process at a time changes an index folder (a server, `fashionrec index add` beside it, a rebuild
    carrying their products over): the second waits, then finds the folder changed since it loaded it and says
    so, before it writes anything. Without it two processes took the same new id, and the one refused deleted
    the other's photo (a code review's trial). Taken again by the thread that holds it, it is held already."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = take_change_lock(index_dir, CHANGE_WAIT_S)
    except Timeout as e:
        raise ChangedOnDiskError(
            f"another process has been changing {index_dir} for over {CHANGE_WAIT_S} s (it holds "
            f"{index_dir / CHANGE_LOCK}): let it finish and try again; if no fashionrec process is running, delete "
            "that file") from e
    except OSError as e:    # a folder served read-only: a 500 from the API otherwise
        raise NotWritableError(f"cannot change the index in {index_dir}: {e.strerror or e}; it must be writable "
                               "by this process to add or remove products") from e
    try:
        yield
    finally:
        let_go_change_lock(index_dir, lock)


def take_change_lock(index_dir: Path, timeout: float) -> FileLock | None:
    """Take ``index_dir``'s change lock for this thread, waiting up to ``timeout`` s (filelock's ``Timeout``, or
    an ``OSError`` where the folder cannot be written); None where this thread holds it already. Give it back
    with :func:`let_go_change_lock`."""
    held = _held.__dict__.setdefault("folders", set())
    key = str(Path(index_dir).resolve())
    if key in held:
        return None
    lock = FileLock(index_dir / CHANGE_LOCK)
    lock.acquire(timeout=timeout)
    held.add(key)
    return lock


def let_go_change_lock(index_dir: Path, lock: FileLock | None) -> None:
    """Give back what :func:`take_change_lock` took (nothing where it returned None)."""
    if lock is not None:
        _held.folders.discard(str(Path(index_dir).resolve()))
        lock.release()


# The words of a product name for its wearer (not "dad", "her": a name's wearers, not a query's people).
WEARER_WORDS = frozenset({"men", "man", "mens", "women", "woman", "womens", "ladies", "boys", "boy", "girls", "girl",
                          "unisex", "kids"})
# The heads a product's name can fill (:meth:`CatalogueEdits._named_labels`), where the product has none given.
NAMED_HEADS = ("gender", "baseColour", "articleType")
# Photos a rebuild carrying products over tags at a time (:meth:`CatalogueEdits.carry_over`).
CARRY_BATCH = 64
# Characters that turn the text after them around (a name that reads otherwise than it sorts and searches).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def catalogue_removals(manifest: dict) -> list[int]:
    """The ids of the catalogue products taken out of an index (``removed_catalogue_ids``): not handed out again,
    and brought back by their rows at the next build. A version before that key recorded them among
    ``removed_ids`` with the added products taken out, so that after an upgrade a removal went unsaid by `index
    check`, its id could be given to a new product and a rebuild called it new (an operator's upgrade trial):
    there, those of ``removed_ids`` with a row in the index's catalogue are the catalogue's."""
    if "removed_catalogue_ids" in manifest or not manifest.get("removed_ids"):
        return [int(i) for i in manifest.get("removed_catalogue_ids") or []]
    return list(_with_rows(str(manifest.get("data_dir") or ""), tuple(sorted(map(int, manifest["removed_ids"])))))


@functools.lru_cache(maxsize=4)
def _with_rows(data_dir: str, ids: tuple[int, ...]) -> tuple[int, ...]:
    """Of ``ids``, those with a row in ``data_dir``'s styles.csv (none where it is gone)."""
    if not data_dir or not table_path(data_dir).is_file():
        return ()
    # Its rows alone: the whole catalogue's checks (its images/ folder) stopped `index check`, `index remove` and
    # adding by id on such an index over a catalogue error that had nothing to do with them (a code review).
    try:
        rows = set(map(int, styles_table(data_dir)["id"]))
    except CatalogError as e:
        log.warning("%s cannot be read (%s): the %d products this index's earlier version removed are "
                    "taken as added ones, not the catalogue's", table_path(data_dir), e, len(ids))
        return ()
    return tuple(i for i in ids if i in rows)


def catalogue_ids(data_dir: str | Path | None) -> dict[int, str]:
    """{id: "row", or the name of its photo} of the ids the catalogue folder at ``data_dir`` (an index's
    manifest's) gives its products now: a row of its styles.csv (read or rejected), or a photo in its images/ that
    no row names yet, whose row the shop adds later. An added product given one was replaced by that product at
    the next build, or the build refused the clash (an integrator's trial: the API gave out 990002, the id of a
    photo `data check` listed without a row). {} where the folder is gone or cannot be read. Read again only once
    styles.csv or the list of images/ changed (0.2 s of CPU at 44k rows, its ids alone: :func:`styles_ids`)."""
    if not data_dir:
        return {}
    root = Path(data_dir)
    try:
        rows, photos = table_path(root).stat(), images_path(root).stat()
    except OSError:
        return {}
    return _catalogue_ids(str(root), (rows.st_mtime_ns, rows.st_size, photos.st_mtime_ns))


@functools.lru_cache(maxsize=4)
def _catalogue_ids(data_dir: str, stamp: tuple) -> dict[int, str]:
    """:func:`catalogue_ids` of the catalogue as it is at ``stamp`` (its files' times and size)."""
    # The ids alone: the whole loader and a Path per photo were 8.5 s of the first `index add` on the 40k index.
    try:
        rows = styles_ids(data_dir)
        files = photo_names(images_path(data_dir))
    except (CatalogError, OSError) as e:
        log.warning("cannot read which ids the catalogue %s gives its products (%s): an added product may be given "
                    "the id of one of its photos without a row", data_dir, e)
        return {}
    used = dict.fromkeys(sorted(rows), "row")
    used.update((i, name) for stem, name in files.items() if (i := photo_id(stem)) is not None and i not in used)
    return used


def manifest_stamp(manifest: dict) -> tuple:
    """What tells one saved version of an index folder from another (its manifest's build, date, last change and
    count)."""
    return manifest.get("build_id"), manifest.get("date"), manifest.get("updated"), manifest.get("count")


@dataclass
class Added:
    """What :meth:`CatalogueEdits.add_products` did with a folder of new products."""

    ids: list[int] = field(default_factory=list)            # added, in the folder's order
    # id -> why its row did not go in (an id the index has, a label no product has, no usable photo).
    refused: dict[int, str] = field(default_factory=dict)
    # styles.csv rows read as no product at all ("line 7: 7 fields instead of 10"), as `data check` lists them.
    rejected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)       # what add_product says of the added ones
    # Added id -> "head value" of each label its row left empty, filled in as add_product fills them.
    filled: dict[int, list[str]] = field(default_factory=dict)
    # Rows the index already holds as they are (the same photo, name and labels): a folder added again, or after a
    # stop part-way; left alone.
    unchanged: list[int] = field(default_factory=list)
    # The folder's ids as its styles.csv writes them, where otherwise than as numbers ({"99001": "0099001"}, as a
    # manifest's ids_as_written): what `index add FOLDER` says them by (it said 99001 alone: stop 70).
    written: dict[str, str] = field(default_factory=dict)


# The JPEG segments a photo kept as it came may hold: its picture's (frame, tables, scans, restart interval) and
# JFIF (APP0), its colour profile (APP2) and Adobe's colour transform (APP14). Any other (EXIF with GPS and a
# thumbnail, XMP, IPTC, comments, a vendor's APPn that can hold anything: a code review found a ZIP kept in APP15)
# has the photo encoded again, as before, rather than published as it came.
PICTURE_SEGMENTS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF,
                              0xC4, 0xCC, 0xDB, 0xDD, 0xDA, 0xE0, 0xE2, 0xEE})


def _kept_jpeg(source: Path | bytes, size: tuple[int, int]) -> bytes | None:
    """``source``'s bytes (a file's, or bytes) where they can be kept as a product's photo: a JPEG of ``size``
    pixels (the photo as read: a JPEG over the pixel limit is read at a fraction of its size, and its own bytes
    were served at full size, a code review) of :data:`PICTURE_SEGMENTS` only and with nothing after its end (an
    appended archive was served with it, a code review); None otherwise. Bytes hidden in the coded picture data
    itself cannot be told from it (the decoder reads them as picture, a code review): a photo kept is the shop's
    own, from its folder or its API key."""
    try:
        data = source if isinstance(source, bytes) else source.read_bytes()
    except OSError:
        return None
    if data[:2] != b"\xff\xd8" or not _ends_with_its_image(data):
        return None
    try:
        same_size = Image.open(io.BytesIO(data)).size == tuple(size)
    except (OSError, ValueError):
        return None
    return data if same_size else None


def _ends_with_its_image(data: bytes) -> bool:
    """Whether a JPEG's segments are :data:`PICTURE_SEGMENTS` only and its end-of-image marker is its last bytes.
    Walks the segments and, after each start of scan, the coded data to the next marker (in it, 0xFF is followed
    by 0x00 or a restart marker)."""
    at = 2
    while at + 2 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:          # a fill byte before a marker
            at += 1
            continue
        if marker == 0xD9:          # the end of the image
            return at + 2 == len(data)
        if marker not in PICTURE_SEGMENTS or at + 4 > len(data):
            return False
        at += 2 + int.from_bytes(data[at + 2:at + 4], "big")
        if marker == 0xDA:          # coded data, up to the next marker
            while True:
                at = data.find(b"\xff", at)
                if at < 0 or at + 1 >= len(data):
                    return False
                after = data[at + 1]
                if after == 0x00 or 0xD0 <= after <= 0xD7:
                    at += 2
                elif after == 0xFF:
                    at += 1
                else:
                    break
    return False


def _stored_jpeg(rgb: Image.Image) -> bytes:
    """The JPEG an added product's photo is stored as where its own bytes are not kept (one encoding, so that a
    folder added again finds the photo it holds: :meth:`CatalogueEdits._holds_as_is`): nothing of the file but
    its pixels and colour profile."""
    out = io.BytesIO()
    # Without the file's comment, which PIL writes again by itself (a camera's data it leaves out); with its colour
    # profile, which says how its pixels are shown (a phone's Display P3).
    profile = rgb.info.get("icc_profile") or b""
    # An RGB profile only: a grey or CMYK photo's, kept on its RGB copy, is one image tools warn of (a code review).
    rgb.save(out, format="JPEG", quality=92, comment=b"", icc_profile=profile if profile[16:20] == b"RGB " else None)
    return out.getvalue()


def _source_of(image) -> Path | bytes | None:
    """The file (or bytes) a photo given to :meth:`CatalogueEdits.add_product` is, where it is one as it came: a
    path, bytes, or a PIL image opened from a JPEG file and not changed since (its pixels are the file's). A
    photo added from Python or through the API was encoded again, a little worse (an operator's trial)."""
    if isinstance(image, (str, Path)):
        return Path(image)
    if isinstance(image, (bytes, bytearray, memoryview)):
        return bytes(image)
    name = getattr(image, "filename", None) if isinstance(image, Image.Image) else None
    if not name or image.format != "JPEG":
        return None
    try:        # drawn on after it was opened, its file is no longer its photo
        same = np.array_equal(np.asarray(image), np.asarray(Image.open(name)))
    except (OSError, ValueError):
        return None
    return Path(name) if same else None


def _row_metadata(row: pd.Series) -> dict:
    """A folder row's fields as add_product takes them, its price too (stop 64): the empty ones left out."""
    return {c: plain(row[c]) for c in [*COLUMNS, PRICE, REGULAR_PRICE, STOCK, COLOUR_FROM] if c in row
            and not pd.isna(row[c])
            and row[c] != ""}


def _written_as(spelt: str, item_id: int) -> bool:
    """Whether ``spelt`` writes ``item_id`` (its digits, with leading zeros or a sign: "0038645" for 38645). Digits
    0-9 alone: int() also reads "38_645" and "٣٨٦٤٥" as 38645, which went in as the shop's spelling of the id (a
    review of stop 69's change). Or a Shopify Handle whose hash ``item_id`` is (shop_ids: an export without an id
    column, whose new products `index add FOLDER` refused as "not id ... as written"; stop 73)."""
    return bool(re.fullmatch(r"[+-]?[0-9]+", spelt)) and int(spelt) == item_id or handle_id(spelt) == item_id


def _checked_level(value) -> float:
    """A stock level given to an add or ``set_stock`` (:func:`~fashionrec.stock.stock_level`), or a BadInputError
    that says what one is."""
    try:
        return stock_level(value)
    except ValueError:
        raise BadInputError(f"a stock level is a whole number (0 is sold out) or yes/no, got {value!r}") from None


def _given_price(given, scale: float | None) -> tuple[float, str | None]:
    """(the amount, what is said of how it was read or None) of a price given to an add: a number, or text read as
    styles.csv's price column reads a cell (:func:`~fashionrec.catalog.read_price`: "1.299,00" and "₹1,299" are
    1,299, "€49,99" 49.99; stop 70: text that was no float was refused as "not a number"). A dot before three digits
    alone ("1.299") is read the way nearer the index's prices' median ``scale``, said, as the loader reads one beside
    the column's other prices; refused where no product has a price to tell which. A BadInputError for the rest."""
    if isinstance(given, str):
        price = read_price(given, scale)
        if price is not None and price_is_ambiguous(given):
            if scale is None:
                raise BadInputError(f"price {given!r} may be {price:,.0f} (its dot grouping thousands) or "
                                    f"{price / 1000:.3f} (three decimals), and no product of the index has a price "
                                    f"to tell which: write {price:.0f} for the one, {price / 1000:.4f} for the other")
            thousands = read_price(given)       # (read without the scale: its dot grouping thousands)
            return price, (f"price {given!r} read as {price:,.{0 if price == thousands else 3}f}, the reading nearer "
                           f"the index's prices (their median {scale:,.{0 if scale >= 100 else 2}f}): write "
                           f"{thousands:.0f} or {thousands / 1000:.4f} to say which")
    elif isinstance(given, (bool, np.bool_)):
        price = None
    else:
        try:
            price = float(given)    # a number of any kind: a database's NUMERIC comes as a Decimal
        except (TypeError, ValueError):
            price = None
    if price is None or not (math.isfinite(price) and price >= 0):
        raise BadInputError(f"price must be an amount of 0 or more, as styles.csv's price column reads one (499, "
                            f"1299.50, ₹1,299 or 1.299,00), got {given!r}")
    return price, None


def _checked_levels(as_id: Callable, levels) -> dict[int, float]:
    """{id: level} of ``levels`` ({id: a level as given, None for none}), every one read before any is set: a
    BadInputError naming each id or level that is none (the first alone was said, and not whose it was: a shop's
    stock system sending a batch could not tell which row to fix)."""
    given: dict[int, float] = {}
    bad: list[str] = []
    for key, value in dict(levels).items():
        try:
            item_id = as_id(key)
        except BadInputError as e:
            bad.append(str(e) if isinstance(key, str) else f"{key!r} is no product id")
            continue
        try:
            level = math.nan if value is None else stock_level(value)
        except ValueError:
            bad.append(f"product {item_id}: {value!r}")
            continue
        if item_id in given and not same_levels(given[item_id], level):
            # "12933" and "0012933" in one batch: the last was set without a word (stop 69's review).
            # (no level said "none", as it is given: it read "given twice, nan and 3")
            said = ["none" if math.isnan(v) else f"{v:g}" for v in (given[item_id], level)]
            bad.append(f"product {item_id} given twice, {said[0]} and {said[1]}: give it once")
        given[item_id] = level
    if bad:
        raise BadInputError(f"a stock level is a whole number (0 is sold out) or yes/no (none takes it away); "
                            f"{'; '.join(bad[:10])}{' ...' if len(bad) > 10 else ''}; nothing was changed")
    return given


def _folder_reason(error: Exception, item_id: int, said: str, in_index: bool, catalogue: bool, other: str) -> str:
    """Why a folder's row did not go in, as a row can act on it: it keeps its id, so the single add's "omit id
    to get a new one" is no advice (a row without one is rejected). ``said``: the id as messages say it
    (:func:`~fashionrec.catalog.id_said`). ``other``: what differs from the product the
    index holds under the id ("labels or name", or "photo": a code review, where only the photo's encoding did)."""
    if in_index and isinstance(error, ConflictError):
        if catalogue:       # taking it out took a live product away and the add was still refused (a trial)
            return (f"id {said} is a product of the catalogue this index was built from, with another {other}: "
                    "give the row another id (to change that product, change its row of the catalogue's "
                    "styles.csv and rebuild)")
        return (f"id {said} is already in the index, with another {other}: give the row another id, or "
                f"take that product out first (`fashionrec index remove {item_id}`) to replace it")
    text = str(error)
    return text.replace("; omit id to get a new one", "; give the row another id") if isinstance(
        error, ConflictError) else text


class CatalogueEdits:
    """Adding and removing products: a part of :class:`fashionrec.recommend.Recommender`, which owns what it
    changes (``items``, ``embeddings``, ``text_embeddings``, ``index``, ``manifest``) and saves the folder."""

    @contextlib.contextmanager
    def _changing_folder(self, save: bool) -> Iterator[None]:
        """:func:`changing_folder` of this index's folder; nothing where nothing is written (a rebuild's staging
        folder, saved by the rebuild). A Milvus index's change is refused where the folder is a copy of the one
        its collection belongs to (:meth:`~fashionrec.index.milvus_index.MilvusIndex.check_changed_from`)."""
        if not save:
            yield
            return
        with changing_folder(self.index_dir):
            check = getattr(self.index, "check_changed_from", None)
            if check is not None:
                check(self.index_dir)
            yield

    def orphan_photos(self) -> list[Path]:
        """Photos in the index folder's ``images/`` that no product of it has: an add stopped between writing its
        photo and saving the folder (a SIGKILL, a power cut) leaves one. ``index check`` lists them; the next add
        or remove deletes them (:meth:`_delete_orphan_photos`)."""
        folder = self.index_dir / "images"
        if not folder.is_dir():
            return []
        # The catalogue's own photos are absolute paths, told apart cheaply: parsing every one of 40k paths took
        # 113 ms of each add and remove, only the folder's own (relative) ones are parsed.
        owned = {Path(p).name for p in self._column("image_path")
                 if isinstance(p, str) and not os.path.isabs(p) and Path(p).parts[:1] == ("images",)}
        return sorted(p for p in folder.iterdir()
                      if p.suffix == ".jpg" and not p.name.startswith(".") and p.name not in owned and p.is_file())

    def _delete_orphan_photos(self) -> None:
        """Delete :meth:`orphan_photos`, said. Only while this process holds the folder's change lock and has
        the version on disk loaded: any other process's photo is then one its product has."""
        orphans = self.orphan_photos()
        for path in orphans:
            path.unlink(missing_ok=True)
        if orphans:
            log.warning("deleted %d photo%s in %s that no product has, left by an add stopped before it saved the "
                        "index: %s", len(orphans), "" if len(orphans) == 1 else "s", self.index_dir / "images",
                        first_few([p.name for p in orphans], 10))

    def add_product(self, image: Image.Image, metadata: dict | None = None, allow_new_values: bool = False,
                    save: bool = True, warnings: list[str] | None = None,
                    exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext,
                    quiet: bool = False, source_file: str | Path | bytes | None = None,
                    carried_over: bool = False) -> int:
        """Index a new product without a rebuild; returns its id. Persists the index folder.

        Missing attributes are filled from the tagger's predictions; the photo is copied to
        ``images/<id>.jpg`` in the index folder. A gender, category, type, colour, usage or season no product
        has yet is refused as a likely typo ("hoodiez"), unless ``allow_new_values``. Without an id the
        product gets one above every id the index has held, so that a removed product's id never comes
        back as another product's; a given id that a row of the catalogue has, which the build could not read,
        is refused (once the row is fixed, the build gives it the id). ``carried_over``: a product a rebuild
        carries over from the index it replaces, whose id is its own whatever the catalogue's rows say now (the
        build checks those itself). ``save=False`` leaves writing the folder to the caller (a rebuild adds
        the products it carries over, then saves once). What is worth saying but does not stop the add (the
        photo is another product's) is logged (unless ``quiet``) and appended to ``warnings``. ``source_file``:
        the file ``image`` was read from, or its bytes (by default what ``image`` itself is, where it is a path,
        bytes or a PIL image opened from a file and unchanged: :func:`_source_of`); where it is a JPEG without
        camera data (:func:`_kept_jpeg`) and the photo is not turned upright, its bytes are kept rather than
        encoded again (a rebuild carrying the product over encoded it anew each time, a little worse: its own
        photo then matched it at 0.975, an operator's trial).

        ``exclusive`` (a server's write lock) is held only while the new product goes in, a moment; the
        tagging, the new arrays and the saved folder are made while searches go on (they took 6-12 s of
        every search's time on the 40k catalogue under the lock). One change at a time is the caller's to see to.
        """
        # The API's upload checks the photo too; the CLI's `index add` and Python callers come here only.
        if source_file is None:
            source_file = _source_of(image)
        image = checked_photo(image)
        with self._changing_folder(save):
            return self._add_product(image, metadata, allow_new_values, save, warnings, exclusive, quiet,
                                     source_file, carried_over)

    def add_products(self, catalogue: str | Path | Catalog, allow_new_values: bool = False,
                     progress: bool = True) -> Added:
        """Add every usable row of a Kaggle-layout folder (``styles.csv`` + ``images/``, or its
        :class:`~fashionrec.catalog.Catalog`) as :meth:`add_product` adds one, under the row's id and labels,
        the model filling in what a row leaves empty; then save the folder once.

        A row that cannot go in (an id the index has, a label no product has without ``allow_new_values``, no
        usable photo) is refused with why, and the others still go in; a row the index holds as it is (the same
        photo, name and labels) is left alone, so a folder can be fixed and added again: see :class:`Added`. One
        at a time, each `fashionrec index add` loaded the model and the 40k index and wrote the whole folder
        (12-26 s a product); here, 40 took 16.1 s in all and 200 took 27.9 s.
        """
        try:
            catalog = catalogue if isinstance(catalogue, Catalog) else load_catalog(catalogue, progress=progress,
                                                                                  warn=False)
        except CatalogError as e:
            # A shop's new rows come in its export's shape, whose names its catalogue's columns.json maps; the
            # folder has none of its own (stop 69's new user read "lacks the columns", the mapping unsaid).
            ours = Path(str(self.manifest.get("data_dir") or "")) / COLUMN_MAP_FILE
            if self.manifest.get("data_dir") and ours.is_file() and not (Path(catalogue) / COLUMN_MAP_FILE).exists():
                raise CatalogError(f"{e}; this index's catalogue maps its export's names with {ours}: copy it into "
                                   f"{catalogue} (`cp {shlex.quote(str(ours))} {shlex.quote(str(catalogue))}/`) "
                                   "if its styles.csv is of the same export") from e
            raise
        table = catalog.table
        report = catalog.report
        ours = self.currency()
        # Every sign the folder's prices were written with: several are listed by row, one is its currency.
        written = list(report.price_currencies) or ([report.price_currency] if report.price_currency else [])
        others = [c for c in written if currency_sign(c) != currency_sign(ours)] if ours else []
        if others:
            # "$25" went in as ₹25 without a word (stop 66, a review): an amount is the index's currency's.
            raise BadInputError(f"prices of {table_path(catalog.root)} are written in {', '.join(others)}, this "
                                f"index's are in {ours}: write them in {ours}, or as plain amounts of it (499), and "
                                "add the folder again; nothing was added")
        # Its table and photo folder as columns.json names them (products.csv, photos/: stop 70).
        photos, rows = images_path(catalog.root), table_path(catalog.root).name
        done = Added(rejected=[line.strip() for line in report.rejected_lines(len(report.rows_rejected))],
                     warnings=[f"{photos / name}: no row of {rows} has its id, so it is no product "
                               "(not added)" for name in report.images_without_row]     # was passed over unsaid
                     + [f"{photos / other}: a second photo of a row, whose {read} is read (not added)"
                        for other, read in report.second_photos]
                     + [f"{photos / name}: in a folder inside {photos.name}/, so no row's photo (not added)"
                        for name in report.photos_in_subfolders])
        # A folder added again (or after a stop part-way) is no error where the index holds its rows as they are:
        # each was refused as "already in the index", and the advice to take it out first made duplicates (an
        # operator's trial).
        held = np.array([self._holds_as_is(int(row["id"]), _row_metadata(row),
                                           Path(row["image_path"]) if row["image_status"] == "ok" else None)
                         for _, row in table.iterrows()], bool)
        done.unchanged = [int(i) for i in table.loc[held, "id"]]
        for _, row in table[~held & (table["image_status"] != "ok")].iterrows():
            reason = row.get("image_reason")
            done.refused[int(row["id"])] = (("already in the index; " if int(row["id"])
                                             in self._row else "") + f"its photo is {row['image_status']}"
                                            + (f" ({reason})" if isinstance(reason, str) and reason else ""))
        usable = table[~held & (table["image_status"] == "ok")]
        spelt = {i: text for text, i in report.ids_written_otherwise.items()}
        in_table = set(table["id"])       # once: built for each id, 20,000 zero-padded rows took 170 s here
        done.written = {str(i): text for i, text in spelt.items() if i in in_table}
        if len(usable):     # before the progress bar: its first product took 6 s, "1 hour left" (a trial)
            self.tagger.warm_up()
            encode_text(["warm up"])     # the encoder each product's text goes through (text_encoder)
        written: list[Path] = []
        with self._changing_folder(True):
            self._check_not_replaced()
            before = (self.items, self.embeddings, self.text_embeddings, self.manifest)
            self._room = {}
            self.__dict__.pop("_spare", None)   # the batch's room in its place (_with_row)
            # Each product goes into the vector index as it comes (into a Milvus collection for good), the folder is
            # saved once at the end: killed between, the next load takes the batch back (change_intent).
            self._settle_leftover()
            begin_change(self.index_dir, self.manifest, [int(i) for i in usable["id"]], "add")
            try:
                for _, row in tqdm(usable.iterrows(), total=len(usable), desc="adding", unit="product",
                                   disable=hidden(progress)):
                    item_id = int(row["id"])
                    metadata = _row_metadata(row)
                    if item_id in spelt:        # "0038645" in the folder's styles.csv: kept so (stop 69)
                        metadata[ID_AS_WRITTEN] = spelt[item_id]
                    tables = self._value_tables(), self._vocabulary()
                    try:
                        added = self._add_product(checked_photo(Path(row["image_path"])), metadata,
                                                  allow_new_values, False, done.warnings, contextlib.nullcontext,
                                                  quiet=True, source_file=row["image_path"])
                    except FashionrecError as e:
                        catalogue = item_id in self._row and Path(str(self.item(item_id).get("image_path") or "")
                                                                  ).is_absolute()
                        other = "photo" if self._holds_labels(item_id, metadata) else "name or labels"
                        done.refused[item_id] = _folder_reason(e, item_id, id_said(done.written, item_id),
                                                              item_id in self._row, catalogue, other)
                        continue
                    self._keep_tables(added, *tables)
                    done.ids.append(added)
                    # As `index add PHOTO` says them: a row's empty type went in as Backpacks without a word.
                    item = self.item(added)
                    done.filled[added] = [f"{h} {item.get(h)}" for h in ATTRIBUTES
                                          if h not in metadata and item.get(h) not in (None, "")]
                    written.append(self.index_dir / "images" / f"{added}.jpg")
                    dropped = [c for c, ids in report.invalid_values.items() if item_id in ids]
                    if dropped:     # "20l2" went in as no year without a word (a code review)
                        done.warnings.append(f"product {item_id}'s {', '.join(dropped)} in {catalog.root}/styles.csv "
                                             "could not be read and is left empty: `fashionrec data check` says why")
                with self.lock.write():
                    self._reindex()     # the batch's own names read into the vocabulary from here on
                    # Arrays of their own, without the buffers' room.
                    self.embeddings, self.text_embeddings = self.embeddings.copy(), self.text_embeddings.copy()
                if done.ids:
                    self.save(full=True)    # a folder of products: the base written anew (index_delta)
                clear_intent(self.index_dir)
            except BaseException:
                if not self._saved_since(before[3]):     # a Ctrl-C in save's clean-up, after its manifest went in,
                    self._undo_batch(done.ids, before, written)     # deleted the saved products' photos
                    # And the product stopped part-way, whose insert may be in a Milvus collection though it is in
                    # no list here (`index add FOLDER` stopped by a Ctrl-C said "nothing was added", and every
                    # load after it said "inconsistent ...; rebuild it": a scale-out trial).
                    if not self._take_back_own():
                        raise
                clear_intent(self.index_dir)    # not where the undo raised: the next load settles it
                raise
            finally:
                self._room = None
        log.info("added %d product%s from %s (%d refused, %d rejected, %d already in as they are)", len(done.ids),
                 "" if len(done.ids) == 1 else "s", catalog.root, len(done.refused), len(done.rejected),
                 len(done.unchanged))
        return done

    def carry_over(self, carried: list[tuple[dict, Image.Image, Path]], progress: bool = False) -> list[int]:
        """Add the products a rebuild carries over from the index it replaces (``carried``: each one's metadata,
        photo and its file, :func:`~fashionrec.index_build._added_products`), not saved (the rebuild saves once);
        their ids, in order. Each goes in as :meth:`add_product` adds it (``save=False``, ``carried_over``), after
        the ones before it, which its photo's closest products and its labels are read beside; but the photos'
        first views are tagged :data:`CARRY_BATCH` at a time, the texts embedded in one batch at the end, and the
        value tables and vocabulary kept between them (:meth:`_keep_tables`). One at a time, 258 products took
        323 of the 365 s of a rebuild of 1,331 (cProfile)."""
        ids: list[int] = []
        texts: list[str] = []
        self._room = {}     # each copies its own rows, not every embedding
        self.__dict__.pop("_spare", None)
        try:
            # No bar where nothing is carried: every build printed an empty "carrying over: 0product" (stop 68).
            with tqdm(total=len(carried), desc="carrying over", unit="product",
                      disable=hidden(progress) or not carried) as bar:
                for start in range(0, len(carried), CARRY_BATCH):
                    chunk = carried[start:start + CARRY_BATCH]
                    photos = [checked_photo(image) for _, image, _ in chunk]
                    firsts = self.first_views([to_rgb(photo) for photo in photos], batch_size=CARRY_BATCH)
                    for (metadata, _, source), photo, first in zip(chunk, photos, firsts, strict=True):
                        tables = self._value_tables(), self._vocabulary()
                        added = self._add_product(photo, metadata, True, False, None, contextlib.nullcontext,
                                                  quiet=True, source_file=source, carried_over=True, first=first,
                                                  texts_later=texts)
                        self._keep_tables(added, *tables)
                        ids.append(added)
                        bar.update()
            if ids:
                text = self.text_embeddings.copy()      # an array of its own, without the buffer's room
                text[[self._row[i] for i in ids]] = encode_text(texts)
                with self.lock.write():
                    self._reindex()     # the carried products' names read into the vocabulary from here on
                    self.embeddings, self.text_embeddings = self.embeddings.copy(), text
        finally:
            self._room = None
        return ids

    def _with_row(self, name: str, rows: np.ndarray) -> np.ndarray:
        """``self.<name>`` (the embeddings or the text embeddings) with ``rows`` after it: a view of a buffer with
        room for the products after it, so that each product copies its own rows only (each copied the whole 40k
        matrix twice: 0.08 s of its 0.18 s in a batch, ``_room``; 3.5 s of a server's 11.3 s add alone, stop 64,
        where a change now writes its rows alone too: index_delta). A batch's room is an eighth of the rows; an
        add alone keeps 1% (4 MB at 40k) for the adds after it, the first after a load or a removal copying."""
        a = getattr(self, name)
        batch = getattr(self, "_room", None)
        room = batch if batch is not None else self.__dict__.setdefault("_spare", {})
        n, k, buf = len(a), len(rows), room.get(name)
        # Only where ``a`` is the start of the buffer: the rows after it are no array's (a failed add's are not).
        fits = (buf is not None and buf.dtype == np.result_type(a, rows) and buf.shape[1:] == a.shape[1:]
                and n + k <= len(buf) and a.__array_interface__["data"][0] == buf.__array_interface__["data"][0])
        if not fits:
            buf = np.empty((n + k + max(64, n // (8 if batch is not None else 100)), *a.shape[1:]),
                           np.result_type(a, rows))
            buf[:n] = a
            room[name] = buf
        buf[n:n + k] = rows
        return buf[:n + k]

    def _keep_tables(self, added: int, values: tuple, vocabulary: dict) -> None:
        """Keep, after product ``added`` went in part-way through a batch, the value tables and the vocabulary
        the index had before it, where its labels are all values the index has (the tables are then those of
        the new items; the vocabulary lacks only its name's words, which no label a batch reads from a name
        needs). Each add threw both away: rebuilding the vocabulary from 40k names was 0.32 s of every
        product's 0.68 s in a batch (cProfile, 40 products)."""
        # Its row as it is, not item()'s (which builds every column's objects again for each version: 1.9 of those
        # 20 s).
        row = self._row[added]
        labels = [(k, self.items[k].iat[row] if k in self.items else None) for k in FILTER_KEYS]
        if all(v is None or pd.isna(v) or v == "" or str(v) in values[1][k].values() for k, v in labels):
            self._values, self._vocab = values, vocabulary

    def _holds_as_is(self, item_id: int, metadata: dict, photo: Path | None) -> bool:
        """Whether this index holds ``item_id`` with ``metadata``'s name and labels (:meth:`_holds_labels`) and
        with the pixels of ``photo`` (a code review: a row of an id alone, or a new photo under the same labels,
        was taken for one held, and the new photo dropped)."""
        if photo is None or not self._holds_labels(item_id, metadata):
            return False
        held = self.image_path(item_id)
        try:
            stored = held.read_bytes()
            if stored == photo.read_bytes():
                return True
            # The stored copy may be encoded otherwise (a PNG, a JPEG with its camera's data or a comment, which
            # add_product encodes again: 13 of a shop's 600 rows, their JPEGs with a "CREATOR: gd-jpeg" comment,
            # were refused when the folder was added again, an operator's trial): the same pixels, or the
            # encoding add_product stores of them, now or before stop 53 (PIL's default, the comment kept).
            if np.array_equal(np.asarray(open_rgb(held)), np.asarray(open_rgb(photo))):
                return True
            rgb = to_rgb(checked_photo(photo))
            # As it is, or turned upright as add_product keeps a photo it read turned (a code review: such rows
            # were refused every time the folder was added again).
            for turned in (rgb, rgb.rotate(-90, expand=True), rgb.rotate(90, expand=True)):
                before = io.BytesIO()
                turned.save(before, format="JPEG", quality=92)
                if stored in (_stored_jpeg(turned), before.getvalue()):
                    return True
            return False
        except (OSError, ValueError, FashionrecError):       # its photo gone or unreadable: not held as it is
            return False

    def _holds_labels(self, item_id: int, metadata: dict) -> bool:
        """Whether this index holds ``item_id`` with ``metadata``'s name (as written, but for spacing) and labels
        (any case, as add_product reads them)."""
        if item_id not in self._row:
            return False
        item = self.item(item_id)

        def same(key: str, a, b) -> bool:
            a, b = " ".join(str(a).split()), " ".join(str(b).split())
            try:        # a year read as 2024.0 from a column with gaps is 2024
                return float(a) == float(b)
            except ValueError:
                return a == b if key == "productDisplayName" else a.casefold() == b.casefold()

        # Where a colour was read from (name_colours' baseColour_from, stop 74) says how, not what: an index whose
        # items.csv keeps no such column held the row as it is, yet was "another name or labels" when added again.
        return all(same(k, item.get(k), v) for k, v in metadata.items() if k not in ("id", COLOUR_FROM))

    def _saved_since(self, manifest: dict) -> bool:
        """Whether the folder's manifest is no longer ``manifest`` (a save went in); where so, this object takes
        the saved one as its own (the save may have stopped after moving it in, before saying so)."""
        try:
            on_disk = read_json(self.index_dir / "manifest.json")
        except (OSError, ValueError):
            return False
        if manifest_stamp(on_disk) == manifest_stamp(manifest):
            return False
        self._adopt_saved(on_disk)
        return True

    def _undo_batch(self, ids: list[int], before: tuple, written: list[Path]) -> None:
        """Put back what :meth:`add_products` changed where its save failed (the folder is as it was:
        :meth:`save`): the index's vectors of ``ids``, the arrays and manifest ``before``, the photos ``written``.
        Each step is tried whatever the one before did (a Milvus gone away failed the first and left the rest
        undone, a code review); vectors that could not be taken out are said."""
        stuck = None
        with self.lock.write():
            if ids:
                try:
                    self.index.remove(np.array(ids, np.int64))
                except Exception as e:  # noqa: BLE001 - said below, after the rest is put back
                    stuck = e
            self.items, self.embeddings, self.text_embeddings, self.manifest = before
            self._reindex()
        for photo in written:
            photo.unlink(missing_ok=True)
        if stuck is not None:
            raise VectorIndexError(f"the products {', '.join(map(str, ids[:10]))}{' ...' if len(ids) > 10 else ''} "
                                   f"could not be taken back out of the vector index after the batch failed ({stuck});"
                                   f" rebuild {self.index_dir} (`fashionrec index build`)") from stuck

    def _add_product(self, image: Image.Image, metadata: dict | None, allow_new_values: bool, save: bool,
                     warnings: list[str] | None, exclusive: Callable[[], AbstractContextManager],
                     quiet: bool, source_file: str | Path | bytes | None = None, carried_over: bool = False,
                     first: FirstView | None = None, texts_later: list[str] | None = None) -> int:
        # ``first``: the photo's views and first view tagged in a batch (:meth:`carry_over`); ``texts_later``: the
        # product's text is appended to it and its text embedding left zeros, for the caller to encode in one batch.
        # Before touching the live index: taking an insert back out of HNSW rebuilds the graph (seconds).
        self._check_not_replaced()
        if save:        # under the folder's lock, with the version on disk loaded (just checked)
            self._delete_orphan_photos()
        if metadata is not None and not isinstance(metadata, dict):
            raise BadInputError(f"metadata is a dict of the product's fields ({', '.join(COLUMNS)}), not "
                                f"{type(metadata).__name__}")
        # Labels and names are text: a number went into items.csv as gender 5 (a trial), where "5" is refused.
        for key, value in (metadata or {}).items():
            if key in (*FILTER_KEYS, "productDisplayName") and value is not None and not isinstance(value, str):
                raise BadInputError(f"{key} must be text, got {value!r}")
        # A name is one line: a newline or tab in it broke the CLI's table and the page's heading (an operator's
        # trial), as spaces; other control characters are refused (a name is kept, unlike a search's words, whose
        # control characters api.deps.readable_text turns into spaces).
        name = (metadata or {}).get("productDisplayName")
        if isinstance(name, str):
            if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" or c in BIDI_CONTROLS for c in name):
                raise BadInputError(f"productDisplayName {name!r} has control characters: send the name as text")
            metadata = {**metadata, "productDisplayName": " ".join(name.split())}
        # Values as the catalogue spells them ("men " -> "Men"), so that filters and outfits find the product.
        metadata = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in (metadata or {}).items()}
        # The id as the shop writes it ("0038645", stop 69): given as such (the API's raw id field, a folder's row,
        # a product a rebuild carries over), or the id itself given as that text. Kept in the manifest beside the
        # catalogue's (its ids_as_written), as the API, the pages and `recommend export` show them.
        spelt = metadata.pop(ID_AS_WRITTEN, None)
        if spelt is None and isinstance(metadata.get("id"), str):
            spelt = metadata["id"]
        elif spelt is not None and metadata.get("id") is None:
            metadata["id"] = spelt
        spelt = str(spelt).strip() if spelt is not None else None
        # A catalogue row the build left out for want of a photo: its labels fill in what was not given (said
        # below; an operator's trial saw a reused id take a T-shirt row's labels without a word).
        from_row = {k: v for k, v in self.left_out_row(metadata.get("id")).items() if metadata.get(k) in (None, "")}
        metadata = {**metadata, **from_row}
        unknown_values = []      # all at once: "Mens" and "Bleu" took two round trips (an operator's trial)
        for key, value in metadata.items():
            if key in FILTER_KEYS and isinstance(value, str):
                known = self.canonical_value(key, value)
                if known is None and not allow_new_values:
                    hint = self._did_you_mean(key, value)
                    unknown_values.append(f"no product has {key} {value!r}{f' ({hint})' if hint else ''}")
                metadata[key] = known or value
        if unknown_values:
            raise BadInputError("; ".join(unknown_values) + ". A new value needs allow_new_values (API: "
                                "allow_new_values=true; CLI: --new-values)")
        # (And where its colour was read from: a folder's row of a catalogue without a colour column, a product a
        # rebuild carries over; stop 74.)
        unknown = sorted(set(metadata) - set(COLUMNS) - {PRICE, REGULAR_PRICE, STOCK, COLOUR_FROM})
        if unknown:
            raise BadInputError(f"unknown metadata field {', '.join(unknown)}; valid: "
                                f"{', '.join([*COLUMNS, PRICE, REGULAR_PRICE, STOCK])}")
        if metadata.get(COLOUR_FROM) not in (None, *FILLED_FROM):
            raise BadInputError(f"{COLOUR_FROM} is where a colour was read from, one of {', '.join(FILLED_FROM)}; got "
                                f"{metadata[COLOUR_FROM]!r}")
        if metadata.get(STOCK) is not None:     # a quantity or yes/no, as styles.csv's stock column is read
            metadata[STOCK] = _checked_level(metadata[STOCK])
        price_read = None       # what is said of a price whose dot the shop's prices read (said once it goes in)
        if metadata.get(PRICE) is not None:
            metadata[PRICE], price_read = _given_price(metadata[PRICE], self.price_scale())
        if metadata.get(REGULAR_PRICE) is not None:
            # The price before a sale (stop 77: an added product took none), checked as an edit's is: above the price.
            checked, read = self._checked_edit({"id": metadata.get("id") or "(new)", PRICE: metadata.get(PRICE)},
                                               {REGULAR_PRICE: metadata[REGULAR_PRICE]}, False)
            metadata[REGULAR_PRICE] = checked[REGULAR_PRICE]
            price_read = "; ".join(filter(None, [price_read, *read])) or None
        # (Not for a product a rebuild carries over: its id is its own, and the build checks the catalogue's rows.)
        catalogue = {} if carried_over else catalogue_ids(self.manifest.get("data_dir"))
        if metadata.get("id") is None:
            item_id = self._highest_id() + 1
            while item_id in catalogue:     # a photo without a row yet, or a row added since the build
                item_id += 1
            if item_id > MAX_ID:
                # The largest id was given once: the next id overflowed int64, a 500 on every later add (a review).
                raise ConflictError(f"no id is left above {item_id - 1}, the largest this index has held (ids are "
                                    "never handed out again): give the new product an id yourself (CLI: --id; "
                                    "API: id)")
        else:
            given = metadata["id"]
            # Not True (id 1), nor 2.9 cut to 2 (a trial): a whole number, or its digits as text.
            whole = isinstance(given, float) and given.is_integer() or isinstance(given, (int, np.integer, str))
            try:
                if isinstance(given, bool) or not whole:
                    raise ValueError(given)
                item_id = int(given)
            except (TypeError, ValueError) as e:
                raise BadInputError(f"id must be a whole number, got {given!r}") from e
            if item_id in self._row:
                raise ConflictError(f"id {self.id_said(item_id)} is already in the index; omit id to get a new one")
            # A catalogue product removed from this index is brought back under its own id, its row's labels
            # filling those not given (left_out_row), as a row left out for want of a photo is: refused before
            # (stop 72), it needed a new id or a rebuild. The next build puts its row in its place, as for any.
            rejected = (self.manifest.get("rejected_rows") or {}).get(str(item_id))
            # (Not a removed product's: the row read was its, a rejected line of its id another; stop 72.)
            if rejected and not carried_over and item_id not in catalogue_removals(self.manifest):
                # Taken without a word, the fixed row's rebuild then failed on the clash (a code review); an id
                # given out automatically never is one (the build counts them in highest_id).
                raise ConflictError(f"id {self.id_said(item_id)} is the id of a row of "
                                    f"{table_path(self.manifest.get('data_dir'))} that the build could not read "
                                    f"({rejected}): once that row is fixed, the next build gives the id to the "
                                    "row's product, in place of this one. To add that product, fix its row "
                                    "(`fashionrec data check` lists it) and rebuild; omit id to get a new one")
            if not 1 <= item_id <= MAX_ID:
                raise BadInputError(f"id must be a positive integer up to {MAX_ID} (a 64-bit id), got {item_id}; "
                                    "omit id to get a new one")
        if spelt is not None and not _written_as(spelt, item_id):
            raise BadInputError(f"id_as_written {spelt!r} is not id {item_id} as written (its digits, leading zeros "
                                "allowed, or the Shopify Handle it is made from)")
        if "year" in metadata and metadata["year"] not in (None, ""):
            try:
                metadata["year"] = int(metadata["year"])
            except (TypeError, ValueError) as e:
                raise BadInputError(f"year must be an integer, got {metadata['year']!r}") from e
        rgb = to_rgb(image)
        query = self.photo_query(rgb, first=first)      # tagged as a photo query sees it; the photo is kept whole
        vecs, probs = query.vector[None], query.probs
        preds = predicted_frame(self.tagger, probs).iloc[0].to_dict()
        row = {c: metadata.get(c) for c in COLUMNS}
        row["id"] = item_id
        if metadata.get(PRICE) is not None:     # (a column of items.csv from then on, empty for the others)
            row[PRICE] = metadata[PRICE]
        if metadata.get(REGULAR_PRICE) is not None and math.isfinite(metadata[REGULAR_PRICE]):
            row[REGULAR_PRICE] = metadata[REGULAR_PRICE]
        if metadata.get(STOCK) is not None and not math.isnan(metadata[STOCK]):
            row[STOCK] = metadata[STOCK]
        # The type, wearer and colour its name says, where it says one of each, before the tagger's guesses: "Harbour
        # Women Copper Analog Watch", added with its name alone, went in as Men, Blue (an operator's re-trial), and
        # "My Own Men Blue Jeans" on a grey canvas as "Lipstick 22%" (a new user's trial).
        # Read only where it has a head to fill: reading a name builds the word search's tables of these items, 0.7 s
        # of each product a rebuild carried over (its labels all given: cProfile, 258 products on 1,331).
        # A label no product of the index has (its catalogue lacked the column: a shop's export without categories)
        # is left empty, as theirs are: the tagger's alone made a filter that listed the new product only (stop 69).
        # The name's too: "... Women ..." in a shop without a gender column made a gender filter of the products
        # added from a folder alone (a review of stop 69's merge).
        # (Read from the value tables, built per version of the items already: a scan of the 7 columns took 36 ms
        # of each add at 44k rows, a review of stop 69's change.)
        values = self._value_tables()[0]
        unlabelled = {head for head in ATTRIBUTES if len(self.items) and head in self.items
                      and not any(v.strip() for v in values.get(head, []))}
        named = self._named_labels(row.get("productDisplayName")) if any(
            row.get(head) in (None, "") for head in NAMED_HEADS) else {}
        from_name = [head for head in named if row.get(head) in (None, "") and head not in unlabelled]
        for head in from_name:
            row[head] = named[head]
        # The photo of a product this index holds (a copy of it): that product's labels stand in for the tagger's
        # reading of the photo as it is, which a backdrop can mislead while its vector still finds the product.
        copies = self.photo_owners(query)
        copied = self._copied_labels(copies[0]) if copies else {}
        from_copy = [head for head in copied if row.get(head) in (None, "")]
        for head in from_copy:
            row[head] = copied[head]
        if row.get("articleType") in (None, "") and "pred_articleType" in preds:
            row["articleType"] = preds["pred_articleType"]
        # The category levels above a type follow from it (Tshirts -> Topwear -> Apparel), where the catalogue
        # has that type; the tagger's separate guesses could contradict it.
        same_type = self.items[self.items["articleType"] == row.get("articleType")]
        filed_otherwise = []        # said once the product is sure to go in
        filed = set(same_type["subCategory"].dropna()) if "subCategory" in same_type else set()
        if row.get("subCategory") in (None, "") and filed:
            row["subCategory"] = same_type["subCategory"].mode().iloc[0]
        elif filed and row["subCategory"] not in filed and len(same_type) < FILED_EVIDENCE and \
                self.canonical_value("subCategory", row["subCategory"]) is not None:
            # A type of one or two products says little of where it goes: a shop whose only Travel Accessory
            # was filed under Bags refused one under Accessories, and the advice kept the outlier (a trial).
            filed_otherwise.append(f"subCategory {row['subCategory']!r} (this index's {len(same_type)} product"
                                   f"{'' if len(same_type) == 1 else 's'} of type {row['articleType']!r} "
                                   f"{'is' if len(same_type) == 1 else 'are'} filed under "
                                   f"{', '.join(map(repr, sorted(filed)))})")
        elif filed and row["subCategory"] not in filed and not allow_new_values:
            # Shorts under Footwear/Shoes would fill a look's shoe slot.
            self._refuse_filing("subCategory", row, filed, "articleType", "subCategory" in from_row, item_id)
        # The category follows the group where the index has that group (a given one too: a tie given Shoes went
        # in as Accessories / Shoes, which a Footwear filter left out, a code review), else the type.
        in_group = self.items[self.items["subCategory"] == row.get("subCategory")] if row.get("subCategory") \
            not in (None, "") and "subCategory" in self.items else self.items.iloc[:0]
        by, above = (in_group, "subCategory") if len(in_group) else (same_type, "articleType")
        filed = set(by["masterCategory"].dropna()) if "masterCategory" in by else set()
        if row.get("masterCategory") in (None, "") and filed:
            row["masterCategory"] = by["masterCategory"].mode().iloc[0]
        elif filed and row["masterCategory"] not in filed and not allow_new_values:
            self._refuse_filing("masterCategory", row, filed, above, "masterCategory" in from_row, item_id)
        guessed = [head for head in ATTRIBUTES if row.get(head) in (None, "") and f"pred_{head}" in preds
                   and head not in unlabelled]
        if not metadata.get("articleType") and row.get("articleType") and "articleType" not in from_name + from_copy:
            guessed.insert(0, "articleType")        # the tagger's type, filled in above
        new_to_index = [head for head in guessed
                        if self.canonical_value(head, row.get(head) or preds[f"pred_{head}"]) is None]
        for head in guessed:
            row[head] = row.get(head) or preds[f"pred_{head}"]
        if COLOUR_FROM in self.items and row.get("baseColour") not in (None, ""):
            # An index of a catalogue without a colour column (stop 74): the added product's colour said as read
            # too, from its name, else from its photo (the tagger's reading, or the product whose photo it is); a
            # colour given keeps where it was read from (a folder's row read so, a product a rebuild carries over).
            row[COLOUR_FROM] = (metadata.get(COLOUR_FROM) if metadata.get("baseColour") else
                                FROM_NAME if "baseColour" in from_name else FROM_PHOTO)
        def warn(said: str) -> None:
            if not quiet:       # a rebuild carrying a product over: said when it was added, not at every build
                log.warning("%s", said)
            if warnings is not None:
                warnings.append(said)

        if price_read:
            warn(price_read)
        # Said once the product is sure to go in (a refused subCategory above would have made it a lie).
        left_out = bool(self.why_row_not_held(item_id))
        if metadata.get("id") is not None and item_id in catalogue and not left_out:
            # A left-out row's id is taken for that row's product (its labels, above); any other the catalogue
            # gives is its product's at the next build (an integrator's trial).
            what = ("a row of its styles.csv that this index does not hold (added since the build)"
                    if catalogue[item_id] == "row" else
                    f"the photo images/{catalogue[item_id]}, which no row of its styles.csv names yet")
            warn(f"id {item_id} is the id of {what} in the catalogue {self.manifest.get('data_dir')}: the next build "
                 "gives the id to that row's product, and refuses to where its name is not this one's (unless "
                 "--replace-added); added all the same, where it is that product. Omit id to get one the catalogue "
                 "does not use")
        left = self.manifest.get("left_catalogue_ids") or []
        if item_id in left:
            # Taken without a word, the id was found again as the product that had left (a code review).
            warn(f"id {item_id} was a catalogue product whose row left styles.csv at a rebuild: it is this new "
                 "product now, which a rebuild keeps")
        if filed_otherwise:
            warn(f"product {item_id} is filed under " + " and ".join(filed_otherwise) + " as given")
        if from_row:
            warn(f"id {item_id} is a row of the catalogue the index {self.why_row_not_held(item_id)}: its "
                 + ", ".join(f"{k} {v!r}" for k, v in from_row.items())
                 + " are taken from there; give them yourself to change them")
        if query.turned:
            # Read turned upright (a phone photo whose EXIF orientation was lost): kept as it was read, so that
            # its page shows it upright, as its vector sees it.
            from fashionrec.view_choice import turned_how

            rgb = rgb.rotate(-query.turned, expand=True)
            warn(f"the photo of the new product {item_id} looked turned {turned_how(query.turned)}: it is kept turned "
                 f"{query.turned} degrees clockwise, upright as it was read")
        categories = [h for h in ("masterCategory", "subCategory") if h in guessed]
        if categories and metadata.get("articleType") and same_type.empty:
            # A type no product has (given with --new-values) says nothing of its categories: the tagger's guesses
            # from the photo stand in (a "Bomber Jacket" went in as Accessories / Watches without a word).
            warn(f"articleType {row['articleType']!r} is new to this index, so product {item_id}'s "
                 + " and ".join(f"{h} {row[h]!r}" for h in categories)
                 + " are the tagger's guesses from its photo: give them yourself if they are wrong")
        if new_to_index:
            # A label no product of this index has, taken from the tagger without --new-values: filters and
            # did-you-mean hints offer it from now on ("Heels" in a shop of none, an ML engineer's trial).
            warn(f"the tagger's {', '.join(f'{h} {row[h]!r}' for h in new_to_index)} for product {item_id} "
                 f"{'is' if len(new_to_index) == 1 else 'are'} new to this index; give "
                 f"{'it' if len(new_to_index) == 1 else 'them'} yourself if that is wrong")
        if copies:
            taken = (f"; its {', '.join(f'{h} {row[h]!r}' for h in from_copy)} are that product's, not the tagger's "
                     "reading of the photo: give them yourself to change them" if from_copy else "")
            # Two products of one photo (one added from the other's): the labels are the one's that agree most with
            # the photo, else the older one's, not whichever the vector index lists first (Recommender.photo_owners).
            also = (f"; it is also the photo of product{'s' if len(copies) > 2 else ''} "
                    f"{', '.join(str(i) for i in copies[1:])}, whose labels agree less with it or which came later"
                    if len(copies) > 1 else "")
            warn(f"the photo of the new product {item_id} is the photo of product {copies[0]} (cosine "
                 f"{query.closest:.3f}){also}{taken}. Added anyway; `fashionrec index remove {item_id}` (Python: "
                 f"remove_product; API: DELETE /api/items/{item_id}) takes it out")
        # A label the product whose photo this is has too is not doubted for the tagger's reading of the photo.
        given = ({k for k, v in metadata.items() if v not in (None, "")} | set(from_name)) \
            - {h for h, v in copied.items() if v == row.get(h)}
        for said in self._label_doubts(item_id, row, preds, given, guessed, grey=is_greyscale(image)):
            warn(said)
        if row.get("productDisplayName") and re.search(PLACEHOLDER_NAME, str(row["productDisplayName"])):
            # Such a product is never recommended (a test or a file name): "Test Shirt" went in without a word and
            # was in nobody's similar items (an integrator's trial).
            warn(f"product {item_id}'s name {row['productDisplayName']!r} reads as a placeholder (a test or a file "
                 "name): it is listed last in a search and never shown as a similar item, a photo's match, a look's "
                 "piece or a pick; give its real name")
        if not row.get("productDisplayName"):
            row["productDisplayName"] = made_name(row)
        images_dir = self.index_dir / "images"
        images_dir.mkdir(parents=True, exist_ok=True)
        dest = images_dir / f"{item_id}.jpg"
        source = source_file if source_file is None or isinstance(source_file, bytes) else Path(source_file)
        kept = _kept_jpeg(source, rgb.size) if source is not None and not query.turned else None
        try:
            if kept is not None:        # its bytes, not a re-encoding
                write_with(dest, lambda tmp: Path(tmp).write_bytes(kept))
            else:
                write_with(dest, lambda tmp: Path(tmp).write_bytes(_stored_jpeg(rgb)))
        except OSError as e:
            # A disk with no room at all fails here, before the index's save: the API answered 500 "internal error
            # (OSError)" where a disk with a little room answered 507.
            if not out_of_space(e):
                raise
            raise NoSpaceError(f"cannot store the new product's photo in {images_dir}: no space left on its disk "
                               f"({free_space(images_dir)}): free some space and try again; the index there is "
                               "unchanged") from e
        try:        # from here on, a failure takes the photo back out (an error left a stray photo behind)
            row["image_path"] = str(Path("images") / f"{item_id}.jpg")
            row.update(preds)
            if texts_later is None:
                text_vec = encode_text([product_text(row)])
            else:
                texts_later.append(product_text(row))
                text_vec = np.zeros((1, self.text_embeddings.shape[1]), np.float32)
            # The new arrays are built beside the old ones (seconds at 40k: a copy of every embedding); only
            # putting them in place needs searches to wait.
            # The probabilities keep the items' type: a build's are float32, and one float64 row made every one of
            # them 16-17 digits in items.csv (10.4 -> 12.7 MB at 40k, an operator's trial). The new row's are made
            # so before it goes in: every column made so again after it was 3.4 of the 20 s (CPU) that a rebuild's
            # 258 carried products took; what still differs then is made so.
            probs = {c: t for c, t in self.items.dtypes.items()
                     if str(c).startswith("pred_") and str(c).endswith("_prob")}
            new_row = pd.DataFrame([{**row, **{c: t.type(row[c]) for c, t in probs.items()
                                               if isinstance(row.get(c), float)}}])
            items = pd.concat([self.items.reset_index(drop=True), new_row], ignore_index=True)
            items["id"] = items["id"].astype(np.int64)
            differ = {c: t for c, t in probs.items() if items[c].dtype != t}
            if differ:      # (an astype of none copies every column all the same)
                items = items.astype(differ)
            after = (items.set_index("id", drop=False), self._with_row("embeddings", vecs.astype(np.float32)),
                     self._with_row("text_embeddings", text_vec))
            # A catalogue row the build left out for want of a photo is in the index now: its manifest no longer
            # lists it (a rebuild that carried such a product over still did, a shop's trial).
            left_out = {status: [i for i in ids if i != item_id]
                        for status, ids in (self.manifest.get("left_out") or {}).items()}
            manifest = {**self.manifest, "left_out": left_out} if left_out else dict(self.manifest)
            if item_id in left:
                manifest["left_catalogue_ids"] = [i for i in left if i != item_id]
            for key in ("removed_ids", "removed_catalogue_ids"):       # back: no longer said to be removed
                if item_id in (manifest.get(key) or []):
                    manifest[key] = [i for i in manifest[key] if i != item_id]
            written = dict(manifest.get(IDS_AS_WRITTEN) or {})
            if spelt and spelt != str(item_id):
                written[str(item_id)] = spelt
            else:       # a removed product's spelling is not a new one's under its id
                written.pop(str(item_id), None)
            if written != (manifest.get(IDS_AS_WRITTEN) or {}):
                manifest[IDS_AS_WRITTEN] = written
            new = np.array([item_id], np.int64)
            self._change(after, manifest,
                         lambda: self.index.add(new, self.index_vectors(vecs),
                                                attrs=[{f: row.get(f) for f in FILTER_KEYS}]),
                         lambda: self.index.remove(new), exclusive, save, [item_id], "add")
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
        # Not a line a product in a batch (quiet): 600 of them buried its progress bar (an operator's trial).
        log.log(logging.DEBUG if quiet else logging.INFO, "added product %d (%s)", item_id, row.get("articleType"))
        return item_id

    def _change(self, after: tuple, manifest: dict, change: Callable[[], object], undo: Callable[[], object],
                exclusive: Callable[[], AbstractContextManager], save: bool, ids: list[int], what: str,
                tables: dict | None = None, edited: tuple[set[str], list[int]] | None = None) -> None:
        """Change the index (``change``) and put ``after`` (items, embeddings, text embeddings) and ``manifest``
        in place, under ``exclusive`` (a server's write lock, a moment: the new arrays and the tables searches read are
        made before it), then save the folder; on any failure, ``undo`` the index's change (a Milvus insert or
        delete is durable at once) and put back what was there, so the index and the folder stay in step. With
        ``save``, the folder's intent file says first which ``ids`` the change (``what``: "add", "remove") touches,
        so that the next load takes it back where this process is killed before its save (:mod:`change_intent`).
        ``tables``: the per-version tables of ``after`` where the change knows them (a stock change's, the tables
        before but for the levels'), put in place instead of any built; ``edited``: (the fields, the rows) an edit
        changed, whose tables that read none of them are taken, not built (:meth:`Recommender._prepared`)."""
        # Without a server's write lock (a rebuild re-adding products, `index add`), no search waits: the tables
        # would be built for nothing (1.4 s each at 40k).
        prepared = tables if tables is not None else {} if exclusive is contextlib.nullcontext else \
            self._prepared(after, manifest, edited)
        before, manifest_before = (self.items, self.embeddings, self.text_embeddings), self.manifest
        changed = False
        if save:
            self._settle_leftover()
            begin_change(self.index_dir, manifest_before, ids, what)
        try:
            # ``exclusive`` (a server's lock) and this object's own (recommend.READS: a Python caller's threads)
            with exclusive(), self.lock.write():
                change()
                changed = True
                self.items, self.embeddings, self.text_embeddings = after
                self.manifest = manifest
                self._reindex()
                vars(self).update(prepared)
            if save:
                self.save()
        except BaseException:
            if save and changed and self._saved_since(manifest_before):
                # Stopped after its manifest went in (a Ctrl-C in the save's clean-up): the change is the folder's,
                # so it stays; taken back out of a Milvus collection, it left the folder one product more.
                clear_intent(self.index_dir)
                raise
            with exclusive(), self.lock.write():
                if changed:
                    undo()      # raised (a Milvus gone away): the intent stays, for the next load to settle
                self.items, self.embeddings, self.text_embeddings = before
                self.manifest = manifest_before
                self._reindex()
            # Stopped inside the change itself (a Ctrl-C while Milvus flushed the insert it had taken), it may have
            # gone in all the same: `index add` said "nothing was added" and every load after it said "inconsistent
            # ...; rebuild it" (a scale-out trial). The intent names what it touched.
            if save and not self._saved_since(manifest_before) and (changed or self._take_back_own(exclusive)):
                clear_intent(self.index_dir)
            raise

    def _take_back_own(self, exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext) -> bool:
        """Make the vector index hold, of the ids this process's own intent file names (a change it stopped in the
        middle of, this object back at the folder's version), those the folder holds and no other, and delete the
        photos of the others; whether that was done (else the intent is left for the next load to settle, the
        error logged: the caller raises its own)."""
        intent = read_intent(self.index_dir)
        if intent is None:
            return True
        collection = getattr(self.index, "collection", None)
        try:
            with exclusive(), self.lock.write():
                Recovery(self.index_dir, intent).settle(
                    self.manifest, self.index, self._ids,
                    lambda rows: self.index_vectors(np.asarray(self.embeddings[rows], np.float32)),
                    lambda rows: filter_attrs(self.items, rows), collection if isinstance(collection, str) else None,
                    quiet=True)
        except Exception as e:  # noqa: BLE001 - the change's own error is the one raised
            log.warning("could not take the stopped %s back out of the vector index (%s): the next load of %s does",
                        intent.get("what") or "change", e, self.index_dir)
            return False
        return True

    def _settle_leftover(self) -> None:
        """Settle the change another process was killed in the middle of (its intent file, :mod:`change_intent`),
        found by this one, which holds the folder's change lock, before it writes its own intent over it. A server
        loaded before that process began never loads the folder again for it (its manifest is unchanged): its own
        add then wrote its intent over the leftover one, took the same new id, and was refused, "duplicate ids",
        by the Milvus collection that held the killed add's vector; the next load said "inconsistent; rebuild
        it" (a code review). Settled as a load settles it, against what this object holds, which is the folder's
        version; a save stopped part-way is finished, and the folder, now that save's version, is then said to
        have changed on disk (load it again)."""
        intent = read_intent(self.index_dir)
        if intent is None:
            return
        recovery = Recovery(self.index_dir, intent)
        recovery.finish_move()
        self._check_not_replaced()
        collection = getattr(self.index, "collection", None)
        with self.lock.write():     # the vector index changes: searches of other threads wait
            recovery.settle(self.manifest, self.index, self._ids,
                            lambda rows: self.index_vectors(np.asarray(self.embeddings[rows], np.float32)),
                            lambda rows: filter_attrs(self.items, rows),
                            collection if isinstance(collection, str) else None)

    @staticmethod
    def _refuse_filing(head: str, row: dict, filed: set, above: str, from_row: bool, item_id: int) -> None:
        """Refuse ``row``'s ``head``, which the catalogue never files its ``above`` (its type or group) under."""
        whose = (f", from row {item_id} of the catalogue (left out of the index for want of a photo),"
                 if from_row else "")
        fix = f"give {head} yourself" if from_row else f"leave {head} out to take that"
        raise BadInputError(f"{head} {row[head]!r}{whose} does not go with {above} {row[above]!r}, which this "
                            f"catalogue files under {', '.join(map(repr, sorted(filed)))}: {fix}, or allow new "
                            "values")

    def _label_doubts(self, item_id: int, row: dict, preds: dict, given: set[str], guessed: list[str],
                      grey: bool) -> list[str]:
        """What to say of a new product's labels: a given one data check takes for a typo (the index build
        records the catalogue's), a given type or colour the photo contradicts (the tagger at :data:`DOUBTED` or
        more), and one taken from the tagger under :data:`UNSURE_GUESS`, or a greyscale photo's colour."""
        said = []
        typos = self.manifest.get("possible_typos") or {}
        for head in ATTRIBUTES:
            like = (typos.get(head) or {}).get(row.get(head)) if head in given else None
            if like:
                said.append(f"{head} {row[head]!r} of product {item_id} looks like a typo of {like!r}, as `fashionrec "
                            "data check` says of the catalogue's rows with it: added as given")
        # A greyscale photo's colour is the tagger's guess whatever it says: never a reason to doubt a label.
        # Nor a shop's own name for a type its products of that name are read as ("T-Shirts", read as Tshirts:
        # every T-shirt a shop added was doubted, stop 73's new user).
        doubted = [h for h in ("articleType", "baseColour") if h in given and not (grey and h == "baseColour")
                   and str(preds.get(f"pred_{h}") or row[h]).casefold() != str(row[h]).casefold()
                   and preds.get(f"pred_{h}_prob", 0) >= DOUBTED
                   and not (h == "articleType" and preds.get(f"pred_{h}") in self._types_read_as(row[h]))]
        if doubted:
            said.append(f"the photo of product {item_id} looks like "
                        + " and ".join(f"{preds[f'pred_{h}']} ({preds[f'pred_{h}_prob']:.0%})" for h in doubted)
                        + " to the tagger, not " + " and ".join(f"{h} {row[h]!r}" for h in doubted)
                        + ": check the photo and the labels")
        unsure = [h for h in guessed if preds.get(f"pred_{h}_prob", 1) < UNSURE_GUESS
                  or (grey and h == "baseColour")]
        if unsure:
            said.append(f"the tagger was unsure of product {item_id}'s "
                        + ", ".join(f"{h} {row[h]!r} ({preds[f'pred_{h}_prob']:.0%}"
                                    + (", a greyscale photo)" if grey and h == "baseColour" else ")") for h in unsure)
                        + f": give {'it' if len(unsure) == 1 else 'them'} yourself")
        return said

    def _copied_labels(self, item_id: int) -> dict[str, str]:
        """{head: label} of the indexed product ``item_id`` whose photo a new product's photo is
        (:meth:`~fashionrec.recommend.Recommender.photo_owners`' first): its type, wearer, colour, usage and season.
        Not its categories, which follow the new product's type (a type given otherwise would be refused under
        another's group)."""
        item = self.item(int(item_id))
        return {h: str(item[h]) for h in ATTRIBUTES if h not in ("masterCategory", "subCategory")
                and item.get(h) not in (None, "") and not pd.isna(item.get(h))}

    def _named_labels(self, name) -> dict[str, str]:
        """{head: value} of the type, gender and colour a product's name says, one of each at most ("Nike Men
        Black Shoes": Men, Black, and no type, since shoes are five; "Black and White Tee": Tshirts, no colour), as
        the search box reads them. Over 3,000 of the catalogue's products the name says one type for 2,533, their
        label in 96.2% (most of the rest Sandals for Flats, Flats for Heels)."""
        if not isinstance(name, str) or not name.strip():
            return {}
        parsed = self.parse_query(name)
        # The colour from the words after the wearer's where the name has one: the brand comes before it, and
        # some brands are colours ("Red Tape Men Casual Shoes" went in as Red, a black shoe: an operator's
        # trial; the catalogue has 274 Red Tape products, none Red, and Red Chief, Red Rose, Black Coffee). Over
        # 3,000 of its products the name then says one colour for 2,559 (2,534 before), the label in 97.15%.
        words = name.split()
        wearer = [i for i, w in enumerate(words) if re.sub(r"[^a-z]", "", w.casefold()) in WEARER_WORDS]
        colours = (self.parse_query(" ".join(words[wearer[0] + 1:])) if wearer else parsed).get("baseColour", [])
        said = {"gender": [g for g in parsed.get("gender", []) if g != "Unisex"] or
                          (["Unisex"] if "unisex" in name.casefold().split() else []),
                "baseColour": colours, "articleType": parsed.get("articleType", [])}
        return {head: values[0] for head, values in said.items() if len(values) == 1}

    def why_row_not_held(self, item_id) -> str:
        """Why the catalogue row ``item_id`` is not in the index, as "the index ..." goes on: "left out for want of
        a photo", "took out (`index remove`)" (stop 72: a product brought back was said to have had no photo);
        "" where it is neither."""
        try:
            item_id = int(item_id)
        except (TypeError, ValueError):
            return ""
        if any(item_id in ids for ids in (self.manifest.get("left_out") or {}).values()):
            return "left out for want of a photo"
        return "took out (`index remove`)" if item_id in catalogue_removals(self.manifest) else ""

    def left_out_row(self, item_id) -> dict:
        """The catalogue's labels and name for ``item_id`` where it is a row the index left out for want of a
        usable photo (the manifest's ``left_out``; `recommend similar` suggests `index add` for one) or one of its
        products taken out (`index remove`, brought back by `index add --id`), read
        from the catalogue the index was built from; {} otherwise. Before, its photo went in as "Men Grey
        Tshirts", the row's name and year lost."""
        if not self.why_row_not_held(item_id):
            return {}
        item_id = int(item_id)
        data_dir = Path(str(self.manifest.get("data_dir") or ""))
        row = None
        # Its table where columns.json names one (products.csv): read as styles.csv, the row's labels were lost.
        rows = table_path(data_dir)
        if rows.is_file():
            try:
                table = styles_table(data_dir)      # its rows alone: its images/ may be gone
                row = table[table["id"] == item_id]
            except CatalogError as e:
                log.warning("%s cannot be read (%s)", rows, e)
        if row is None or row.empty:
            log.warning("product %d is a catalogue row the index left out, but %s no longer has it: the labels not "
                        "given are the tagger's", item_id, rows)
            return {}
        return {c: plain(v) for c, v in row.iloc[0].items() if c in COLUMNS and c != "id" and not pd.isna(v)}

    def _highest_id(self) -> int:
        """The highest id this index has held, removed products' included (0 for none)."""
        return max(int(self.manifest.get("highest_id") or 0), int(self._ids.max()) if len(self._ids) else 0)

    def set_stock(self, levels: dict, save: bool = True,
                  exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext) -> dict[int, float]:
        """Set the stock level of products ({id: level}, a level a whole number, 0 for sold out, or yes/no; None
        for no level, which is available) without a rebuild or any embedding: the items' stock column changes,
        the vectors do not (stop 67). Every id and level is checked before any changes. Persists the folder (the
        changed levels alone, as a generation: index_delta, stop 68), which a server of it then loads as it does an
        ``index add``'s.
        Returns {id: the level now, NaN for none}."""
        with self._changing_folder(save):
            if save:
                self._check_not_replaced()
            given = _checked_levels(self.ids_reader(), levels)     # a Handle, "0015970" too (stop 74)
            ids = self._checked_ids(list(given), "changed")
            items = self.items.copy()
            column = levels_of(items[STOCK]) if STOCK in items else np.full(len(items), np.nan)
            column[[self._row[i] for i in ids]] = [given[i] for i in ids]
            items[STOCK] = column
            # The same rows, names and labels: their tables kept, not built anew for a level (STOCK_FREE_TABLES).
            tables = {k: getattr(self, k) for k in STOCK_FREE_TABLES} | {"_words_before": None, "_types_before": None}
            tables["_value_codes"] = {k: v for k, v in self._value_codes.items() if k != STOCK}
            if self._columns is not None:
                tables["_columns"] = {**self._columns, STOCK: items[STOCK].to_numpy(dtype=object)}
            self._change((items, self.embeddings, self.text_embeddings), dict(self.manifest), lambda: None,
                         lambda: None, exclusive, save, ids, "stock", tables)
        log.info("stock of %d product%s set", len(ids), "" if len(ids) == 1 else "s")
        return {i: given[i] for i in ids}

    def set_hidden(self, hidden: dict, save: bool = True,
                   exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext,
                   by_file: Iterable[int] = ()) -> dict[int, bool]:
        """Hide products from shoppers or show them again ({id: True to hide, False to show}) without a rebuild, as
        :meth:`set_stock` sets a level (stop 74): a hidden product stays in the index, never listed, searched or
        recommended, and asked for by id it says ``hidden``. Every id is checked before any changes; the change is
        the manifest's (visibility.HIDDEN), saved as a generation. ``by_file``: the ids hidden by an export's word
        (`index stock --from`: HIDDEN_BY_FILE, which a newer export showing it undoes), the others by hand
        (HIDDEN_BY_HAND, which only a hand undoes: visibility.hidden_at_build). Returns {id: hidden now}."""
        with self._changing_folder(save):
            if save:
                self._check_not_replaced()
            ids = self._checked_ids(list(hidden), "changed")
            flags = {self._check_id(k): bool(v) for k, v in hidden.items()}
            now = hidden_ids(self.manifest)
            from_file = {self._check_id(i) for i in by_file}
            for item_id in ids:
                if flags[item_id]:
                    now.setdefault(item_id, HIDDEN_BY_FILE if item_id in from_file else HIDDEN_BY_HAND)
                else:
                    now.pop(item_id, None)
            # The same rows and levels: the tables kept but those the hidden products are in (ItemTables.hidden_rows).
            tables = {k: getattr(self, k) for k in STOCK_FREE_TABLES if k not in ("_aside_base", "_aside_shown_ids")}
            tables |= {"_words_before": None, "_types_before": None, "_columns": self._columns}
            self._change((self.items, self.embeddings, self.text_embeddings), with_hidden(self.manifest, now),
                         lambda: None, lambda: None, exclusive, save, ids, "stock", tables)
        log.info("%d product%s hidden or shown", len(ids), "" if len(ids) == 1 else "s")
        return {i: i in now for i in ids}

    def remove_product(self, item_id: int, save: bool = True,
                       exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext) -> dict:
        """Take a product out of the index (sold out, added by mistake); returns its metadata
        (:meth:`remove_products`)."""
        return self.remove_products([item_id], save=save, exclusive=exclusive)[0]

    def remove_products(self, item_ids: Iterable[int], save: bool = True,
                        exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext) -> list[dict]:
        """Take products out of the index; returns their metadata. Every id is checked before any goes.
        Persists the index folder once, and deletes the photos of products that ``add_product`` added. A
        catalogue product comes back at the next ``index build`` unless its row leaves styles.csv too. On an
        HNSW index this rebuilds the graph once (FAISS cannot delete from one): seconds at 40k products,
        spent, like the new arrays, before ``exclusive`` (see :meth:`add_product`) is taken."""
        with self._changing_folder(save):
            return self._remove_products(item_ids, save, exclusive)

    def _checked_ids(self, item_ids: list, done: str = "removed") -> list[int]:
        """``item_ids`` checked (:meth:`_check_id`), all of them before any is removed. Where some are unknown, a
        :class:`NotFoundError` naming each and saying that nothing was removed, and how to remove the others: one
        unknown id among three said only "there is no product 999999" (an integrator's trial), which read as if the
        others had gone."""
        known, unknown = [], {}
        for item_id in item_ids:
            try:
                known.append(self._check_id(item_id))
            except NotFoundError as e:
                unknown.setdefault(str(e), e)
        # Each once: an id given twice was named twice ("give the other ids (12933, 12933)", a code review).
        known, unknown = list(dict.fromkeys(known)), list(unknown.values())
        if not unknown:
            return known
        said = "; ".join(map(str, unknown[:5])) + (" ..." if len(unknown) > 5 else "")
        if not known:
            raise unknown[0] if len(unknown) == 1 else NotFoundError(f"{said}; nothing was {done}",
                                                                     shopper=unknown[0].shopper)
        # ``done``: what a change does to them ("removed"; a stock change's "changed", which said "removed").
        verb = {"removed": "remove", "changed": "change"}[done]
        raise NotFoundError(f"{said}. Nothing was {done}, as every id is checked before any changes: give the other "
                            f"{'ids' if len(known) != 1 else 'id'} ({self.ids_said(known)}) "
                            f"alone to {verb} {'them' if len(known) != 1 else 'it'}", shopper=unknown[0].shopper)

    def _remove_products(self, item_ids: Iterable[int], save: bool,
                         exclusive: Callable[[], AbstractContextManager]) -> list[dict]:
        if save:        # another process may have changed the folder while this one waited for it
            self._check_not_replaced()
            self._delete_orphan_photos()
        ids = list(dict.fromkeys(self._checked_ids(id_list(item_ids))))
        if not ids:     # nothing to write: saved anyway, a server reloaded the folder for nothing (a review)
            return []
        items = [self.item(i) for i in ids]
        rows = np.array([self._row[i] for i in ids], np.int64)
        vectors = self.index_vectors(self.embeddings[rows])
        keep = np.ones(len(self.items), bool)
        keep[rows] = False
        after = (self.items[keep], self.embeddings[keep], self.text_embeddings[keep])
        # Asking for one later says it was removed, not that the catalogue never had it.
        gone = sorted({*self.manifest.get("removed_ids", []), *ids})
        # The catalogue's (their photo is the catalogue's, not the folder's): their ids are not handed out again.
        rows_gone = sorted({*catalogue_removals(self.manifest),
                            *(item["id"] for item in items if Path(str(item.get("image_path") or "")).is_absolute())})
        manifest = {**self.manifest, "highest_id": self._highest_id(), "removed_ids": gone,
                    "removed_catalogue_ids": rows_gone}
        if HIDDEN in manifest:      # (not hidden when added again with its id: a product added is shown)
            manifest = with_hidden(manifest, {i: why for i, why in hidden_ids(manifest).items() if i not in set(ids)})
        self._change(after, manifest,
                     self.index.removal(np.array(ids, np.int64)),
                     lambda: self.index.add(np.array(ids, np.int64), vectors,
                                            attrs=[{f: item.get(f) for f in FILTER_KEYS} for item in items]),
                     exclusive, save, ids, "remove")
        for item in items:
            photo = Path(str(item.get("image_path") or ""))
            if save and not photo.is_absolute() and photo.parts[:1] == ("images",):
                (self.index_dir / photo).unlink(missing_ok=True)     # only a photo the index folder owns
            log.info("removed product %d (%s)", item["id"], item.get("articleType"))
        return items
