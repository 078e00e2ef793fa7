"""Tag a folder of product photos in bulk, and check a catalogue's own labels against the tagger.

``fashionrec tag SOURCE... [--model PATH] --out tags.csv`` writes one row per photo (for a catalogue folder,
one per styles.csv row) with every head's label and calibrated probability, the three likeliest article
types, and a ``review`` flag where the model is unsure; ``tags.json`` beside it says which model, which
inputs, the threshold and the counts. A SOURCE is:

- a catalogue folder (``styles.csv`` + ``images/``): every accepted row in the file's order, its photo
  tagged, then the photos no row names yet (any other file under images/ is listed as not tagged); the
  catalogue's own labels are kept beside the model's (``catalogue_<head>``) with the model's probability of
  each (``catalogue_<head>_prob``), and those it all but rules out (:data:`DOUBT_BELOW`) are labels to
  check (``doubted``);
- any other folder: every file under it (subfolders too) in an image format PIL reads, in path order;
- an image file.

Nothing is dropped: a photo that cannot be read (or a broken link), a row without a photo each keep a row
saying why; files that are not images are listed in ``tags.json``.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from PIL import Image
from tqdm.auto import tqdm

from fashionrec.artifacts import invoked_command, made_with, write_with_json
from fashionrec.calibration import uncalibrated_heads, uncalibrated_said
from fashionrec.catalog import (
    ATTRIBUTES,
    DRAFT_PIXELS,
    GREY_REASON,
    PHOTO_FORMATS,
    check_photo,
    first_few,
    is_greyscale,
    labels_only,
    load_catalog,
    open_rgb,
    photo_id,
)
from fashionrec.column_map import images_path, table_path
from fashionrec.errors import BadInputError
from fashionrec.levels import READ_FROM_TYPE
from fashionrec.photo_store import fit_to_store
from fashionrec.progress import hidden
from fashionrec.tagger import Tagger, member_preprocessing
from fashionrec.view_choice import DISPUTED_FROM, look_again, worth_views

log = logging.getLogger(__name__)

# Calibrated articleType probability under which a photo is flagged for a person to look at. Chosen on the
# shipped model's validation split (3,988 products, accuracy 0.906): under 0.8 flags 11.8% of them, which hold
# 49% of its mistakes, and the photos left agree with the catalogue 94.5% of the time (0.6: 5.0% flagged, 24%
# of the mistakes; 0.9: 18.5%, 64%). Many of the rest are confident disagreements, often the catalogue's slips.
REVIEW_BELOW = 0.8
# A catalogue label the model gives less than this probability (calibrated) is a label to check.
DOUBT_BELOW = 0.01
BATCH_SIZE = 256       # photos the model reads at a time, by default (the CLI's --batch-size says the same)
CHUNK = 1024           # photos decoded at a time: memory stays flat however large the folder
TOP = 3
TOP_K = 5              # labels per head a JSON Lines record lists, by default (the CLI's --top-k)
FORMATS = ("csv", "jsonl")


def photo_extensions() -> frozenset[str]:
    """File name endings of the photo formats read (.jpg, .png, .webp, .gif, .bmp, .tiff, ...:
    :data:`~fashionrec.catalog.PHOTO_FORMATS`); a file with another is listed as in no image format."""
    Image.init()
    return frozenset(ext for ext, fmt in Image.registered_extensions().items()
                     if fmt in Image.OPEN and fmt in PHOTO_FORMATS)


@dataclass
class Photo:
    """One thing to tag: where its pixels are, and the catalogue row it belongs to (if any)."""

    path: str                       # as shown in the output: relative to its folder where it has one
    file: Path | None               # None: nothing to read (a catalogue row without a usable photo)
    row: dict = field(default_factory=dict)   # the catalogue's id and labels
    error: str = ""
    catalogue: int | None = None    # which of the sources' catalogues the row is from


def table_out(out: str | Path, fmt: str | None = None) -> tuple[Path, str]:
    """Where ``--out`` writes the table and in which format (:data:`FORMATS`): ``fmt`` where given, else the
    name's (.csv or .jsonl); ``tags.csv`` (``tags.jsonl`` with ``fmt="jsonl"``) inside an existing folder.

    Anything else is refused, before the tagging: ``--out tags.json`` would have the description overwrite
    the CSV, ``tags.xlsx`` would be a CSV a spreadsheet refuses, and ``--format jsonl --out tags.csv`` JSON
    under a CSV's name."""
    out = Path(out)
    if fmt is not None and fmt not in FORMATS:
        raise BadInputError(f"format (--format) must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if out.is_dir():
        return out / f"tags.{fmt or 'csv'}", fmt or "csv"
    named = out.suffix.lower().lstrip(".")
    if named in FORMATS and fmt in (None, named):
        return out, named
    wanted = f"ending in .{fmt}" if fmt else "ending in .csv (or .jsonl for JSON Lines)"
    raise BadInputError(f"--out {out}: give a file name {wanted} (the table; its description is written beside "
                        "it with the same name and .json) or an existing folder")


def description_path(table: Path) -> Path:
    """Where a table's description (tags.json) goes: beside it, the CSV's ``.csv`` made ``.json`` as always, a JSON
    Lines file's name with ``.json`` added (tags.jsonl.json), so that both formats of one run in one folder do not
    share one description (the second would describe the first's table as its own format)."""
    return table.with_suffix(".json") if table.suffix.lower() == ".csv" else table.with_name(table.name + ".json")


def csv_path(out: str | Path) -> Path:
    """Where ``--out`` writes the CSV: a .csv path as given, ``tags.csv`` inside an existing folder
    (:func:`table_out`)."""
    return table_out(out, "csv")[0]


@dataclass
class TagResult:
    """``table``: one row per photo or catalogue row, in input order; ``summary``: what ``tags.json`` holds."""

    table: pd.DataFrame
    summary: dict
    # Every head's calibrated probabilities, (N, C) float32 in the table's row order (NaN rows: not tagged), and
    # the classes they are of: a JSON Lines record's top-k of every head, where the CSV has articleType's top 3.
    probs: dict[str, np.ndarray] | None = None
    classes: dict[str, list[str]] | None = None

    def __repr__(self) -> str:
        # The dataclass's own printed the whole summary, every class of every head among it (5 KB for 40 photos:
        # a new user's trial at a prompt, stop 71); the counts and where to look are what a prompt needs.
        s = self.summary
        counts = ", ".join(f"{s[k]} {k.replace('_', ' ')}" for k in ("tagged", "not_tagged", "to_review")
                           if isinstance(s.get(k), int))
        model = (s.get("model") or {}).get("name")
        return (f"TagResult({len(self.table)} rows{', ' + counts if counts else ''}"
                f"{f', model {model}' if model else ''}; .table, .summary, .write(path))")

    def write(self, out: str | Path, fmt: str | None = None, top_k: int | None = None) -> tuple[Path, Path]:
        """Write the table (see :func:`table_out`: CSV, or JSON Lines with ``fmt="jsonl"`` or a .jsonl name) and
        its description beside it (:func:`description_path`: the model's name, path, SHA-256, classes and
        preprocessing, the inputs, counts and every field), each atomically. The CSV starts with a byte-order
        mark, so that spreadsheets read its names as UTF-8; JSON Lines is UTF-8 without one, one
        :meth:`records` dict a line (``top_k`` labels per head, default :data:`TOP_K`; a CSV has articleType's
        top 3 column and warns where ``top_k`` is given, rather than drop it unsaid)."""
        out, fmt = table_out(out, fmt)
        if top_k is not None and fmt != "jsonl":
            warnings.warn(f"top_k={top_k} is not used for a CSV (its articleType_top3 column gives the likeliest type "
                          "and up to two runners-up); every head's top k is in JSON Lines (fmt='jsonl')",
                          UserWarning, stacklevel=2)
        top_k = TOP_K if top_k is None else top_k
        out.parent.mkdir(parents=True, exist_ok=True)
        desc = description_path(out)
        if fmt == "jsonl":
            lines = list(self.jsonl_lines(top_k))      # made before anything is written: a failure leaves no file
            writer = lambda tmp: tmp.write_text("".join(lines), encoding="utf-8")  # noqa: E731
            about = {"jsonl": out.name, "top_k": top_k, "fields": jsonl_fields(self.summary.get("columns", {}),
                                                                                top_k)}
        else:
            writer = lambda tmp: self.table.to_csv(tmp, index=False, encoding="utf-8-sig")  # noqa: E731
            about = {"csv": out.name}
        # The CSV's column descriptions are the fields' in JSON Lines' description, not said twice.
        summary = {k: v for k, v in self.summary.items() if fmt == "csv" or k != "columns"}
        # Put in place together: one after the other, a stop between them left the new table beside the
        # description of the last run (another model, other counts; a code review).
        write_with_json(out, writer, desc, lambda _: {**summary, "format": fmt, **about})
        return out, desc

    def records(self, top_k: int = TOP_K) -> Iterator[dict]:
        """One dict per row, in the table's order, as a JSON Lines line holds it (:func:`jsonl_fields` says each
        field): ``labels`` every head's label, probability and ``top`` (its ``top_k`` likeliest labels with their
        calibrated probabilities, best first; None where the photo was not tagged), ``flags`` (review, turned,
        reframed, views_disagree, greyscale_photo, as the run has them), a catalogue's own labels and checks under
        ``catalogue``, and ``error`` (None where tagged).

            >>> next(tag("new-arrivals/").records())["labels"]["baseColour"]["top"][:2]    # doctest: +SKIP
            [{'label': 'Navy Blue', 'prob': 0.91}, {'label': 'Blue', 'prob': 0.06}]
        """
        if top_k < 1:
            raise BadInputError(f"top_k (--top-k) must be 1 or more, not {top_k}")
        table = self.table
        classes = self.classes or {}
        heads = [h for h in (self.classes or ATTRIBUTES) if h in table]
        flags = [c for c in ("review", "turned", "reframed", "views_disagree", "greyscale_photo") if c in table]
        lists = [c for c in ("doubted", "differs", "unknown_labels") if c in table]
        checked = [c for c in ("trained_on", "trained_on_by") if c in table]
        own = [h for h in ATTRIBUTES if f"catalogue_{h}" in table]
        used = {*heads, *(f"{h}_prob" for h in heads), "articleType_top3", *flags, *lists, *checked,
                *(f"catalogue_{h}" for h in own), *(f"catalogue_{h}_prob" for h in own), "error"}
        first = [c for c in table if c not in used]        # id, id_as_written, path, productDisplayName
        for i, row in enumerate(table.to_dict("records")):
            tagged = not row.get("error")
            rec = {c: _plain(row[c]) for c in first}
            rec["labels"] = {h: {"label": _plain(row[h]), "prob": _plain(row[f"{h}_prob"]),
                                 **({"top": _top(self.probs[h][i], classes[h], top_k)}
                                    if self.probs is not None and h in self.probs and h in classes else {})}
                             for h in heads} if tagged else None
            rec["flags"] = {c: _plain(row[c]) for c in flags}
            if own:
                rec["catalogue"] = {
                    "labels": {h: {"label": _plain(row[f"catalogue_{h}"]),
                                   "prob": _plain(row.get(f"catalogue_{h}_prob"))} for h in own},
                    **{c: [x for x in str(row[c]).split(";") if x] for c in lists},
                    **{c: _plain(row[c]) for c in checked}}
            rec["error"] = row.get("error") or None
            yield rec

    def jsonl_lines(self, top_k: int = TOP_K) -> Iterator[str]:
        """:meth:`records` as JSON Lines, each line ending in a newline; non-ASCII names kept as they are."""
        for rec in self.records(top_k):
            yield json.dumps(rec, ensure_ascii=False, allow_nan=False) + "\n"


def _plain(value):
    """A table cell as JSON takes it: numpy and pandas scalars as Python's, NaN and NA as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float):
        return round(value, 4)
    return value


def _top(p: np.ndarray, names: list[str], k: int) -> list[dict]:
    """A head's ``k`` likeliest labels of ``p`` (C,) with their probabilities, best first (ties in class order)."""
    if np.isnan(p).any():
        return []
    order = np.argsort(-p, kind="stable")[:k]
    return [{"label": names[j], "prob": round(float(p[j]), 4)} for j in order]


def jsonl_fields(columns: dict, top_k: int = TOP_K) -> dict:
    """What each field of a JSON Lines record holds, from the CSV's ``columns`` descriptions (tags.json)."""
    said = {k: v for k, v in columns.items()}
    heads = said.pop("<head>, <head>_prob", "the model's label and its calibrated probability, for every head")
    said.pop("articleType_top3", None)
    fields = {k: said.pop(k) for k in ("id", "id_as_written", "path", "productDisplayName") if k in said}
    if "id" in fields:      # a CSV's empty cell is JSON's null
        fields["id"] = fields["id"].replace("empty otherwise", "null otherwise")
    fields["labels.<head>.label, labels.<head>.prob"] = heads + "; labels is null where the photo was not tagged"
    fields["labels.<head>.top"] = (f"the head's {top_k} likeliest labels (all of a head with fewer classes), each "
                                   "{label, prob} with its calibrated probability, best first")
    for c in ("review", "turned", "reframed", "views_disagree", "greyscale_photo"):
        if c in said:
            fields[f"flags.{c}"] = said.pop(c)
    if "catalogue_<head>" in said:
        fields["catalogue.labels.<head>.label"] = said.pop("catalogue_<head>")
        fields["catalogue.labels.<head>.prob"] = said.pop("catalogue_<head>_prob", "").replace("(empty:", "(null:")
        for c in ("doubted", "differs", "unknown_labels"):
            if c in said:
                fields[f"catalogue.{c}"] = said.pop(c) + " (a list)"
        for c in ("trained_on", "trained_on_by"):
            if c in said:
                fields[f"catalogue.{c}"] = said.pop(c)
    if "error" in said:
        fields["error"] = said.pop("error").replace("empty when it has", "null when it has")
    return {**fields, **said}


def _shown(path: str) -> str:
    """A path as text that can be written: a name that is not UTF-8 (bytes read as surrogates) keeps its odd
    bytes as \\x escapes rather than failing the CSV after the tagging."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _in_folder(folder: Path, skip: set[Path]) -> tuple[list[Photo], list[str], list[str]]:
    """Every photo under ``folder`` in path order; the other files' paths and the hidden photos' (said, not
    tagged)."""
    photos, others, hidden = [], [], []
    readable = photo_extensions()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        rel = _shown(path.relative_to(folder).as_posix())
        if path.resolve() in skip:      # this run's output
            continue
        if rel.startswith(".") or "/." in rel:      # .DS_Store, .git, a Mac's ._ copies: not tagged, but a photo
            if path.suffix.lower() in readable:     # among them is said (".hidden.jpg" was not, an ML engineer's
                hidden.append(rel)                  # trial)
            continue
        if path.suffix.lower() not in readable:
            others.append(rel)
        elif not path.exists():
            photos.append(Photo(rel, None, error="a broken link: the file it points to is gone"))
        else:
            photos.append(Photo(rel, path))
    return photos, others, hidden


def _in_catalogue(folder: Path, number: int, progress: bool) -> tuple[list[Photo], dict]:
    """Every accepted row of a catalogue folder, with its labels, then the photos no row names; what the
    loader could not accept."""
    catalog = load_catalog(folder, progress=progress, warn=False)
    heads = [c for c in ATTRIBUTES if c in catalog.table]
    # Ids the shop's export writes otherwise ("0038645"): the CSV's id is the number, as everywhere, and the id as
    # written is beside it, for a shop joining the labels back on its own ids (stop 68). Only in such a catalogue.
    written = {i: text for text, i in catalog.report.ids_written_otherwise.items()}
    if written:
        log.warning("%d of the catalogue's ids are written otherwise than as numbers (%s): the CSV's id column "
                    "gives the numbers, id_as_written the ids as %s writes them", len(written),
                    first_few([f"{t!r} as {i}" for i, t in written.items()], 3), catalog.report.table_name)
    photos = []
    shown = images_path(catalog.root).relative_to(catalog.root).as_posix()     # images, or columns.json's (stop 70)
    for rec in catalog.table.to_dict("records"):
        as_written = {"id_as_written": written.get(int(rec["id"]), str(int(rec["id"])))} if written else {}
        row = {"id": int(rec["id"]), **as_written, **{f"catalogue_{h}": rec[h] for h in heads},
               "productDisplayName": rec.get("productDisplayName"),
               # Its colour is not checked (a greyscale photo's is the tagger's guess): said per row instead.
               "greyscale_photo": rec["image_reason"] == GREY_REASON}
        ok = rec["image_status"] == "ok"
        path = Path(rec["image_path"])
        photos.append(Photo(f"{shown}/{path.name}", path if ok else None, row,
                            "" if ok else f"{rec['image_status']} image: {rec['image_reason']}", number))
    report = catalog.report
    # Photos in images/ that no row names yet (new arrivals, most likely): tagged, with nothing to compare.
    for name in report.images_without_row:
        named = {"id": photo_id(Path(name).stem), **({"id_as_written": Path(name).stem} if written else {})}
        photos.append(Photo(f"{shown}/{name}", images_path(catalog.root) / name, named, "", number))
    # Every other file under images/ is said, not skipped: a second photo of an id (12933.png beside
    # 12933.jpg), a rejected row's photo, one in a subfolder or in a format the catalogue does not read.
    claimed = {Path(f).resolve() for f in catalog.table["image_path"]}
    claimed |= {(images_path(catalog.root) / name).resolve() for name in report.images_without_row}
    images = images_path(catalog.root)
    unclaimed = sorted(_shown(f.relative_to(catalog.root).as_posix()) for f in images.rglob("*")
                       if f.is_file() and not f.name.startswith(".") and f.resolve() not in claimed)
    loader = {"rows": report.rows, "rows_rejected": [{"line": r.line, "reason": r.reason} for r in
                                                       report.rows_rejected],
              "images_without_row": report.images_without_row, "files_not_tagged": unclaimed,
              # The shop's own table and photo folder (products.csv, photos/), as the lines below name them.
              "table": report.table_name, "images": images.relative_to(catalog.root).as_posix()}
    return photos, {"catalogue": str(catalog.root), "loader": loader, "items": catalog.table, "claimed": claimed}


def check_sources(sources: Sequence[str | Path]) -> list[Path]:
    """The sources as paths; refused when there are none or one does not exist (a typo, most likely), before
    minutes of tagging the others."""
    if not sources:
        raise BadInputError("nothing to tag: give a catalogue folder, a folder of photos or image files")
    missing = [str(s) for s in map(Path, sources) if not s.exists()]
    if missing:
        raise BadInputError(f"no such file or folder: {', '.join(missing[:5])}"
                            f"{f' (and {len(missing) - 5} more)' if len(missing) > 5 else ''}")
    return [Path(s) for s in sources]


def collect(sources: Sequence[str | Path], progress: bool = True,
            skip: Iterable[str | Path] = ()) -> tuple[list[Photo], dict]:
    """``sources`` (catalogue folders, folders, image files) -> the photos to tag, and notes on the inputs.
    ``skip``: files not to tag (the output of this run, inside a source folder). A file met twice is
    tagged once."""
    sources = check_sources(sources)
    skip = {Path(s).resolve() for s in skip}
    photos: list[Photo] = []
    notes: dict = {"sources": [], "not_images": [], "hidden_photos": [], "catalogues": [], "given_twice": []}
    catalogue_roots: set[Path] = set()
    for source in sources:
        notes["sources"].append(str(source))
        prefix = f"{_shown(source.as_posix())}/" if len(sources) > 1 else ""
        if source.is_dir() and table_path(source).is_file():
            if source.resolve() in catalogue_roots:     # its rows would each be tagged, compared and counted twice
                notes["given_twice"].append(_shown(source.as_posix()))
                continue
            catalogue_roots.add(source.resolve())
            found, about = _in_catalogue(source, len(notes["catalogues"]), progress)
            notes["catalogues"].append(about)
        elif source.is_dir():
            found, others, hidden = _in_folder(source, skip)
            notes["not_images"] += [prefix + o for o in others]
            notes["hidden_photos"] += [prefix + h for h in hidden]
        else:
            found, prefix = [Photo(_shown(source.as_posix()), source)], ""
        for p in found:
            p.path = prefix + p.path
            # A loose photo's id, where its name is one as the loader reads it ("12933.jpg"): what a catalogue
            # import joins on (an ML engineer's trial had to parse it out of a path that varies with the command).
            p.row.setdefault("id", photo_id(Path(p.path).stem))
        photos += found

    # A catalogue's photo (readable or not) is tagged as its row, also when given before the catalogue. What
    # has no file (a broken link, a row without a photo) is no copy of anything: each keeps its row.
    seen: set[Path] = {f for about in notes["catalogues"] for f in about["claimed"]}
    kept = []
    for p in photos:
        where = p.file.resolve() if p.file is not None and p.file.exists() else None
        if where is not None:
            if p.catalogue is None and where in seen:
                notes["given_twice"].append(p.path)
                continue
            seen.add(where)
        kept.append(p)
    if not kept:
        skipped = f" ({len(notes['not_images'])} other files, none in an image format)" if notes["not_images"] else ""
        raise BadInputError(f"no photos to tag in {', '.join(notes['sources'])}{skipped}")
    return kept, notes


def _decode(photo: Photo) -> tuple[np.ndarray, bool] | str:
    """((3, 80, 60) uint8 as the tagger takes it, whether it is worth reading through its views whatever it reads
    as: :func:`~fashionrec.view_choice.worth_views`), or why this photo cannot be tagged."""
    im = _opened(photo)
    if isinstance(im, str):
        return im
    stored = fit_to_store(im)
    return stored, worth_views(im, stored)


def _opened(photo: Photo) -> Image.Image | str:
    """The photo, RGB, or why it cannot be tagged."""
    if photo.file is None:
        return photo.error
    try:
        im = open_rgb(photo.file, draft_to=DRAFT_PIXELS)
        check_photo(im)           # an icon or a blank picture gets no confident label
        # Every photo's, not a catalogue row's alone: a loose greyscale photo got "Steel 0.61" and no word that
        # its colour is a guess, where photo search, the API and the web page say so (a review).
        photo.row.setdefault("greyscale_photo", is_greyscale(im))
        return im
    except ValueError as e:
        # The row names the file already; what is left counts alike across files in tags.json.
        said, name = str(e), str(photo.file)
        return f"the file{said[len(name):]}" if said.startswith(name) else said.replace(f" {name}", "")


def _probabilities_as_searched(rec, photos: list[Photo], progress: bool
                               ) -> tuple[dict[str, np.ndarray], list[str], np.ndarray]:
    """:func:`_probabilities` of each photo as photo search reads it (``rec.photo_query``: a small product
    cropped, a backdrop made white, a product cut out of a busy one, a photo on its side turned upright), and
    the degrees each was turned."""
    tagger = rec.tagger
    n = len(photos)
    probs = {h: np.full((n, len(c)), np.nan, np.float32) for h, c in tagger.classes.items()}
    errors, turned = [""] * n, np.zeros(n, np.int64)
    for i, photo in enumerate(tqdm(photos, desc="tagging", unit="img", disable=hidden(progress))):
        im = _opened(photo)
        if isinstance(im, str):
            errors[i] = im
            continue
        query = rec.photo_query(im, exclude=_indexed_as(rec, photo))
        for head, p in tagger.calibrate(query.probs).items():
            probs[head][i] = p[0]
        turned[i] = query.turned
    return probs, errors, turned


def _indexed_as(rec, photo: Photo) -> list[int]:
    """The index's products whose photo is ``photo``'s very file and its copies under other ids (a catalogue
    tagged with the index built from it), left out of the search that judges how the photo looks: each found
    itself at cosine 1.0, "familiar", so its other views (cropped, backdrop whitened) were never tried and
    ``--index`` changed nothing (a new user's trial: 10 shop photos on grey, 0 of 10 read right either way, 5
    with themselves left out). Empty for a photo the index does not hold."""
    try:
        item_id = int(photo.row.get("id"))
        if photo.file is None or not rec.image_path(item_id).samefile(photo.file):
            return []
    except (TypeError, ValueError, LookupError, OSError):     # no id, an id the index lacks, a photo gone
        return []
    return rec.photo_copies(item_id)


def _probabilities(tagger: Tagger, photos: list[Photo], batch_size: int, progress: bool,
                   workers: int | None, views: bool = True) -> tuple[dict[str, np.ndarray], list[str], Views]:
    """Calibrated probabilities per head (rows of photos that could not be read stay NaN), the errors, and how
    each photo was read: with ``views``, a photo unlike a catalogue photo through the view the tagger is surest
    of (:func:`~fashionrec.view_choice.look_again`)."""
    n = len(photos)
    probs = {h: np.full((n, len(c)), np.nan, np.float32) for h, c in tagger.classes.items()}
    errors = [""] * n
    read = Views(np.zeros(n, np.int64), np.zeros(n, bool), np.zeros(n, bool), np.full(n, np.nan))

    def again(row: int) -> Image.Image | None:
        im = _opened(photos[row])       # opened again: a chunk's photos are not kept (1,024 phone photos)
        return None if isinstance(im, str) else im
    bar = tqdm(total=n, desc="tagging", unit="img", disable=hidden(progress))
    # PIL decodes outside the GIL: threads keep the cores busy while one chunk is tagged after another.
    with ThreadPoolExecutor(max_workers=workers or min(8, (os.cpu_count() or 2) * 2)) as pool:
        for start in range(0, n, CHUNK):
            chunk = list(pool.map(_decode, photos[start:start + CHUNK]))
            good = [i for i, x in enumerate(chunk) if not isinstance(x, str)]
            for i, x in enumerate(chunk):
                if isinstance(x, str):
                    errors[start + i] = x
            if good:
                images = torch.from_numpy(np.stack([chunk[i][0] for i in good]))     # (B, 3, 80, 60) uint8
                _, raw = tagger.infer(images, batch_size=batch_size)
                rows = np.asarray(good) + start
                if views:
                    worth = np.array([chunk[i][1] for i in good])
                    for k, reading in look_again(tagger, raw, worth, lambda k, rows=rows: again(int(rows[k]))).items():
                        reading.put(raw, k)
                        read.turned[rows[k]], read.reframed[rows[k]] = reading.turned, reading.reframed
                        read.disputed[rows[k]] = reading.disputed
                        if reading.unsure_as_is is not None:
                            read.unsure_as_is[rows[k]] = reading.unsure_as_is
                for head, p in tagger.calibrate(raw).items():
                    probs[head][rows] = p
            bar.update(len(chunk))
    bar.close()
    return probs, errors, read


@dataclass
class Views:
    """How each photo was read, (N,) per field: ``turned`` clockwise degrees (0: as it came), ``reframed``
    through another view than the photo as it is (cropped to its product, relit, its backdrop made white),
    ``disputed`` another of its views reads another type surely, ``unsure_as_is`` its type's probability as it
    came where only that had it read through its views, else NaN (:class:`~fashionrec.view_choice.ViewReading`)."""

    turned: np.ndarray
    reframed: np.ndarray
    disputed: np.ndarray
    unsure_as_is: np.ndarray


def _label_table(tagger: Tagger, photos: list[Photo], probs: dict[str, np.ndarray], errors: list[str],
                 review_below: float) -> pd.DataFrame:
    ok = np.array([not e for e in errors])
    table = pd.DataFrame([{**p.row, "path": p.path} for p in photos])
    if "id" in table:       # whole numbers, also where some rows have none (a photo beside a catalogue)
        table["id"] = pd.array(table["id"], dtype="Int64")
    for head, p in probs.items():
        best = np.where(ok, np.nan_to_num(p, nan=-1.0).argmax(axis=1), 0)
        names = np.asarray(tagger.classes[head], dtype=object)[best]
        table[head] = np.where(ok, names, None)
        table[f"{head}_prob"] = np.where(ok, p[np.arange(len(p)), best].round(4), np.nan)
    main = probs["articleType"]
    order = np.argsort(-np.nan_to_num(main, nan=-1.0), axis=1)[:, :TOP]
    classes = tagger.classes["articleType"]
    # Runners-up that round to 0.00 are left out: on a sure answer they are noise ("Shirts 0.98; Ipad 0.00").
    table["articleType_top3"] = ["; ".join(f"{classes[j]} {main[i, j]:.2f}" for k, j in enumerate(order[i])
                                           if k == 0 or main[i, j] >= 0.005) if ok[i] else ""
                                 for i in range(len(photos))]
    # A photo that could not be tagged needs a person as much as an unsure one.
    table["review"] = ~ok | (table["articleType_prob"].fillna(0).to_numpy() < review_below)
    # Its colour is the model's guess where the photo is greyscale (every photo read says whether it is).
    table["greyscale_photo"] = [bool(p.row.get("greyscale_photo")) for p in photos]
    table["error"] = errors
    return table


def _compare(tagger: Tagger, table: pd.DataFrame, probs: dict[str, np.ndarray], photos: list[Photo]) -> dict:
    """Beside a catalogue's labels, per head: ``catalogue_<head>_prob`` (the model's probability of the
    catalogue's label; empty where the row has none or the model has no such class), and per row
    ``differs`` (heads whose model label is another), ``doubted`` (heads whose catalogue label the model gives
    under :data:`DOUBT_BELOW`) and ``unknown_labels`` (labels the model has no class for: a typo, or a type it
    never learned). Returns the per-head counts for the summary."""
    ok = (table["error"] == "").to_numpy()
    n = len(table)
    in_catalogue = np.array(["catalogue_articleType" in p.row for p in photos])   # not a photo without a row
    grey = np.array([bool(p.row.get("greyscale_photo")) for p in photos])
    differs, doubted, unknown = ([[] for _ in range(n)] for _ in range(3))
    counts: dict[str, dict] = {}
    for head, p in probs.items():
        col = f"catalogue_{head}"
        if col not in table:
            continue
        values = table[col].to_numpy(dtype=object)
        have = labels_only(table[col]).notna().to_numpy()       # the catalogue's "NA" is no label
        # A greyscale photo's colour is a guess: its probability is given, but it is not compared, counted apart.
        unseen = grey if head == "baseColour" else np.zeros(n, bool)
        index = {c.lower(): j for j, c in enumerate(tagger.classes[head])}
        cls = np.array([index.get(v.lower(), -1) if h else -1 for v, h in zip(values, have, strict=True)])
        known = have & (cls >= 0)
        prob = np.where(ok & known, p[np.arange(n), np.maximum(cls, 0)], np.nan)
        table[f"{col}_prob"] = prob.round(4)
        same = table[head].astype(str).str.lower().to_numpy() == np.char.lower(values.astype(str))
        compared = ok & have & ~unseen
        doubts = compared & known & (prob < DOUBT_BELOW)
        for i in np.flatnonzero(compared & ~same):
            differs[i].append(head)
        for i in np.flatnonzero(doubts):
            doubted[i].append(head)
        for i in np.flatnonzero(have & ~known):
            unknown[i].append(f"{head}={values[i]}")
        counts[head] = {
            "n": int(compared.sum()), "agree": int((compared & same).sum()),
            "rate": round(float((compared & same).sum() / compared.sum()), 4) if compared.any() else None,
            "no_label": int((ok & ~have & in_catalogue).sum()),
            "greyscale_photos": int((ok & have & unseen).sum()),
            "to_check": int(doubts.sum()),
            "unknown_labels": dict(Counter(str(v) for v in values[have & ~known]).most_common()),
            # What the model reads most of each such label's photos as: a shop's own name for a type it knows
            # ("T-Shirts", 48 of 50 read as Tshirts) was said as "a typo, or a type it never learned" (stop 73).
            "unknown_read_as": {str(v): list(Counter(table[head].to_numpy(dtype=object)[ok & (values == v)]
                                                     ).most_common(1)[0]) for v in set(values[have & ~known])
                                if (ok & (values == v)).any()}}
    table["differs"] = [";".join(d) for d in differs]
    table["doubted"] = [";".join(d) for d in doubted]
    table["unknown_labels"] = [";".join(u) for u in unknown]
    return counts


def tag(sources: Sequence[str | Path] | str | Path, model: str | Path | None = None,
        review_below: float = REVIEW_BELOW, batch_size: int = BATCH_SIZE, progress: bool = True,
        workers: int | None = None, tagger: Tagger | None = None, skip: Iterable[str | Path] = (),
        index: str | Path | None = None, views: bool = True) -> TagResult:
    """Tag every photo in ``sources`` (see the module's docstring) with ``model`` (default: the shipped one).

    Each photo is read as it is, as the catalogue's are (a product on white, filling the frame), unless it does
    not read as one (as wide as tall or wider, its product small on a plain backdrop, or its type unsure): then
    through the view of it the tagger is surest of, cropped, relit or turned a quarter (:mod:`fashionrec.
    view_choice`; columns ``turned``, ``reframed``, ``views_disagree``). ``views=False`` (``--as-is``): every photo
    as it is. ``index`` (an index folder): each is read as photo search reads it, with the model the index was
    built with (a ``model`` or ``tagger`` given must be that one), for photos that are not (a shopper's or a
    supplier's, on a busy backdrop: a new user's trial found a shirt on grey "Perfume and Body Mist 0.62" here,
    "Shirts 0.985" by photo search); a ``turned`` column says which were turned upright. One photo at a time:
    slower than the batches without it.

        >>> result = tag("new-arrivals/")                    # doctest: +SKIP
        >>> result.table[["path", "articleType", "articleType_prob", "review"]].head()
        >>> result.write("runs/tags/new-arrivals.csv")
    """
    if not 0.0 <= review_below <= 1.0:
        raise BadInputError(f"the review threshold must be a probability between 0 and 1, not {review_below}")
    if index is not None and not views:
        # Two readings asked for at once: photo search's is through the views, which --as-is turns down (it
        # was read with the index, --as-is passed over without a word: stop 72, h72review).
        raise BadInputError("--as-is (views=False) and --index cannot go together: with an index each photo is "
                            "read as photo search reads it, through its views; drop --as-is to read as photo "
                            "search does, or --index to read every photo as it is")
    if isinstance(sources, (str, Path)):
        sources = [sources]
    check_sources(sources)
    rec = None
    if index is not None:
        from fashionrec.recommend import Recommender

        # One photo at a time, as photo search reads it: neither applies (they were ignored without a word).
        ignored = [name for name, given in (("batch_size (--batch-size)", batch_size != BATCH_SIZE),
                                            ("workers (--workers)", workers is not None)) if given]
        if ignored:
            log.warning("with an index each photo is read alone, as photo search reads it: %s %s no effect",
                        " and ".join(ignored), "have" if len(ignored) > 1 else "has")

        rec = Recommender.load(index, tagger or model)
        tagger = rec.tagger
    tagger = tagger or Tagger.load(model)       # a wrong --model is said before the folders are read
    if said := uncalibrated_said(tagger.meta):
        log.warning("%s", said)
    photos, notes = collect(list(sources), progress=progress, skip=skip)
    if rec is None:
        probs, errors, read = _probabilities(tagger, photos, batch_size, progress, workers, views)
        turned = read.turned
    else:
        probs, errors, turned = _probabilities_as_searched(rec, photos, progress)
    table = _label_table(tagger, photos, probs, errors, review_below)
    if rec is not None or views:
        table["turned"] = turned
    if rec is None and views:
        table["reframed"] = read.reframed
        table["views_disagree"] = read.disputed
        # A sure type another view of the photo reads otherwise is no sure type (a sideways shoe "Ring 0.97",
        # upright "Casual Shoes 0.99"): a person's look decides.
        table["review"] |= read.disputed
        # A catalogue-like photo unsure as it came stays flagged, read surer through a crop, upside down or not
        # (ViewReading.unsure_as_is). Upside down was left out: of 300 test-split catalogue photos, 8 were read
        # upside down, 4 of them wrong where they were right as they came, 2 of those at 0.83-0.85 unflagged
        # ("Sandals 0.50" read "Heels 0.83"; stop 77, an ML engineer's trial).
        table["review"] |= read.unsure_as_is < review_below
    labelled = any(c.startswith("catalogue_") for c in table)
    agreement = _compare(tagger, table, probs, photos) if labelled else {}
    summary = _summary(tagger, table, notes, review_below, agreement, sources, index, views)
    if rec is not None:
        summary["read_as_photo_search"] = {"index": str(rec.index_dir), "turned_upright": int((turned != 0).sum())}
    elif views:
        summary["read_through_views"] = {"turned_upright": int((turned != 0).sum()),
                                         "reframed": int(read.reframed.sum()),
                                         "views_disagree": int(read.disputed.sum())}
        summary["columns"]["reframed"] = ("the photo was read cropped to its product, relit or with its backdrop "
                                          "made white: it did not read as a catalogue photo as it is")
        summary["columns"]["views_disagree"] = ("another view of the photo (cropped, turned) reads another type at "
                                                f"{DISPUTED_FROM} or more: flagged for review")
    if rec is not None or views:
        summary["columns"]["turned"] = "clockwise degrees the photo was turned to read it (0: as it came)"
    if labelled:
        marked = _mark_trained(table, photos, notes, tagger)
        summary["seen_in_training"], summary["photo_copies_of_training"] = marked or (None, None)
    return TagResult(table=_ordered(table), summary=summary, probs=probs, classes=tagger.classes)


def _mark_trained(table: pd.DataFrame, photos: list[Photo], notes: dict, tagger: Tagger) -> tuple[int, int] | None:
    """``trained_on`` column: whether the model trained or validated on the product (its labels then agree
    more than a new product's would), found by id and name, or on its photo: a row whose photo is, byte for
    byte, one the model learned from under another id or name (as ``evaluate`` counts them). Empty for a photo
    no row names, and no column where it cannot be known. Returns how many of the tagged rows (not those whose
    photo could not be read) it trained on, and how many more are such copies."""
    from fashionrec.evaluate import seen_by_model

    trained, copied = [], []
    for about in notes["catalogues"]:
        # Every accepted row, with a photo here or not: the product may be one the model saw elsewhere.
        items = about["items"].reset_index(drop=True)
        found = seen_by_model(items, tagger.meta, checkpoint=tagger.path)
        if found is None:
            return None
        trained.append(set(items.loc[found[0], "id"].astype(int)))
        copied.append(set(items.loc[found[1], "id"].astype(int)))
    seen = [pd.NA if p.catalogue is None or "catalogue_articleType" not in p.row else
            "id" if p.row["id"] in trained[p.catalogue] else "photo" if p.row["id"] in copied[p.catalogue] else ""
            for p in photos]
    kinds = pd.array(seen, dtype="string")
    table["trained_on"] = pd.array(kinds != "", dtype="boolean")
    # Which way, as the summary counts them apart (an ML engineer's trial could not tell its rows apart).
    table["trained_on_by"] = kinds
    tagged = (table["error"] == "").to_numpy()
    return tuple(int(((kinds == kind).fillna(False).to_numpy() & tagged).sum()) for kind in ("id", "photo"))


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    """Columns a person reads first first: where, what the model says, how sure, the catalogue's labels."""
    first = [c for c in ("id", "path", "productDisplayName") if c in table]
    heads = [c for c in ATTRIBUTES if c in table]
    model = [x for h in heads for x in (h, f"{h}_prob")] + ["articleType_top3", "review"]
    catalogue = [c for c in ("doubted", "differs", "unknown_labels", "trained_on", "trained_on_by") if c in table]
    catalogue += [x for h in ATTRIBUTES if f"catalogue_{h}" in table
                  for x in (f"catalogue_{h}", f"catalogue_{h}_prob") if x in table]
    rest = [c for c in table if c not in {*first, *model, *catalogue, "error"}]
    return table[first + model + catalogue + rest + ["error"]]


def labels_to_check(table: pd.DataFrame, head: str | None = None) -> pd.DataFrame:
    """Catalogue rows with a label the model all but rules out (``head``'s, or any), the model surest of its
    own label first."""
    if "doubted" not in table:
        return table.iloc[:0]
    heads = table["doubted"].str.split(";")
    rows = heads.map(lambda hs: head in hs if head else hs != [""])
    doubted = table[rows]
    # How sure the model is of its own label where it doubts the catalogue's: the surest such head.
    sure = doubted.apply(lambda r: max(r[f"{h}_prob"] for h in r["doubted"].split(";")), axis=1) \
        if len(doubted) else pd.Series(dtype=float)
    return doubted.assign(_sure=sure).sort_values("_sure", ascending=False, kind="stable").drop(columns="_sure")


def _review_said(review_below: float, views: bool) -> str:
    """What flags a row for review: the views' two reasons only where photos were read through them (tags.json said
    views_disagree, a column it does not have, for `--index` and `--as-is` runs: stop 71's integration review)."""
    if not views:
        return f"articleType_prob under {review_below}, or not tagged: worth a person's look"
    return (f"articleType_prob under {review_below} (as the photo came, where a photo like a catalogue photo was "
            "read reframed), another view of the photo reading another type (views_disagree), or not tagged: worth "
            "a person's look")


def _summary(tagger: Tagger, table: pd.DataFrame, notes: dict, review_below: float, agreement: dict,
             sources, index: str | Path | None = None, views: bool = True) -> dict:
    ok = table["error"] == ""
    uncalibrated = uncalibrated_heads(tagger.meta)
    # By kind: "the image is damaged or incomplete (... 55 bytes not processed)" is one reason for every file.
    errors = Counter(re.sub(r"\s*\(.*", "", e.split(":")[0]) for e in table.loc[~ok, "error"])
    summary = {
        "what": "fashionrec tag: one row per photo (per styles.csv row for a catalogue folder)",
        **made_with(),
        "command": invoked_command() or f"fashionrec.tagging.tag({[str(s) for s in sources]!r}, "
                                        f"review_below={review_below}"
                                        + (f", index={str(index)!r})" if index is not None else ")"),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "model": {"name": tagger.name, "path": str(tagger.path) if tagger.path else None,
                  "sha256": tagger.sha256, "classes": tagger.classes,
                  "preprocessing": tagger.meta.get("preprocessing"),
                  # An ensemble's is its input alone (80x60, mean 0, std 1): each member's own, beside it.
                  **({"members": members} if (members := member_preprocessing(tagger.meta)) else {}),
                  "calibrated": not uncalibrated, "uncalibrated_heads": uncalibrated},
        "sources": notes["sources"],
        "rows": len(table), "tagged": int(ok.sum()), "not_tagged": int((~ok).sum()),
        "not_tagged_by_reason": dict(errors.most_common()),
        "not_images": notes["not_images"], "hidden_photos": notes["hidden_photos"],
        "given_twice": notes["given_twice"],
        "review_below": review_below, "to_review": int(table["review"].sum()),
        "articleType_counts": {str(k): int(v) for k, v in table.loc[ok, "articleType"].value_counts().items()},
        # Every column of the CSV: an ML engineer's trial (stop 65) found id, path and greyscale_photo in the table
        # and not here, the id of a folder's photo empty with nothing to say why.
        "columns": {
            "id": "the product's id: a catalogue row's, or a photo's whose file name is one (12933.jpg); empty "
                  "otherwise, where path names the photo",
            "path": "the photo, from the folder given (images/<name> in a catalogue), or as given for a file",
            "<head>, <head>_prob": "the model's label and its calibrated probability, for every head"
                                   + (f"; {' and '.join(tagger.levels)} {READ_FROM_TYPE}" if tagger.levels else ""),
            "articleType_top3": "the likeliest article type and up to two runners-up (those at 0.01 or more), "
                                "with their probabilities",
            "review": _review_said(review_below, views and index is None),
            "error": "why the row has no labels (empty when it has)",
            "greyscale_photo": "the photo is greyscale: its baseColour is the model's guess",
        },
    }
    if agreement:
        summary["agreement"] = agreement
        summary["doubt_below"] = DOUBT_BELOW
        summary["labels_to_check"] = int((table["doubted"] != "").sum())
        summary["catalogue_loader"] = [c["loader"] for c in notes["catalogues"]]
        summary["columns"].update({
            "productDisplayName": "the catalogue's name of the product (styles.csv)",
            "catalogue_<head>": "the catalogue's own label (styles.csv)",
            "catalogue_<head>_prob": "the model's probability of the catalogue's label (empty: no label, or "
                                     "one the model has no class for)",
            "doubted": f"heads whose catalogue label the model gives under {DOUBT_BELOW}: labels to check",
            "differs": "heads whose model label is not the catalogue's",
            "unknown_labels": "catalogue labels the model has no class for (a typo, or a type it never learned)",
            "trained_on": "the model trained or validated on this product, or on its photo under another id or name "
                          "(its labels agree more often)",
            "trained_on_by": "how: 'id' (this product, by id and name: seen_in_training), 'photo' (a byte copy "
                             "of a photo it learnt, under another id or name: photo_copies_of_training), empty: "
                             "neither",
        })
    return summary


def _said(n: int, one: str, many: str, counted: bool = True) -> str:
    """``n`` with the words for one or many ("1 file is", "3 files are"; the words alone where not ``counted``):
    "1 files are in no image format" (a review)."""
    words = one if n == 1 else many
    return f"{n:,} {words}" if counted else words


def describe(result: TagResult, shown: int = 10) -> Iterable[str]:
    """The lines ``fashionrec tag`` prints."""
    s, table = result.summary, result.table
    viewed = s.get("read_through_views")
    disputed = ", another view reading another type" if viewed else ""
    yield f"{s['tagged']:,} of {s['rows']:,} rows tagged by {s['model']['name']}; {s['to_review']:,} to review " \
          f"(articleType probability under {s['review_below']}{disputed}, or not tagged)"
    # How many photos were read otherwise than as they came: tags.json alone said so, and a folder of turned
    # photos read upright looked, printed, like one read as it came (stop 71's integration review).
    if viewed:
        yield f"  read through their views: {viewed['turned_upright']:,} turned upright, {viewed['reframed']:,} " \
              f"reframed (cropped, relit or put on white); {viewed['views_disagree']:,} where another view reads " \
              f"another type at {DISPUTED_FROM} or more (views_disagree, to review)"
    elif s.get("read_as_photo_search"):
        yield f"  read as photo search reads them ({s['read_as_photo_search']['index']}): " \
              f"{s['read_as_photo_search']['turned_upright']:,} turned upright"
    for reason, n in s["not_tagged_by_reason"].items():
        yield f"  not tagged: {n:,} {reason}"
    if s["not_images"]:
        n = len(s["not_images"])
        yield f"  {_said(n, 'file is', 'files are')} in no image format and {_said(n, 'was', 'were', False)} not " \
              "tagged (listed in the JSON): " + first_few(s["not_images"], 5)
    if s.get("hidden_photos"):
        n = len(s["hidden_photos"])
        yield f"  {_said(n, 'photo is', 'photos are')} hidden (a name or folder starting with a dot) and " \
              f"{_said(n, 'was', 'were', False)} not tagged: " + first_few(s["hidden_photos"], 5)
    if s["given_twice"]:
        n = len(s["given_twice"])
        yield f"  {_said(n, 'photo or catalogue was', 'photos or catalogues were')} given twice and tagged once: " \
              + first_few(s["given_twice"], 5)
    for loader in s.get("catalogue_loader", []):
        if loader["rows_rejected"]:
            yield f"  {_said(len(loader['rows_rejected']), 'line', 'lines')} of {loader.get('table', 'styles.csv')} " \
                  "could not be read as rows (`fashionrec data check` says why)"
        if loader["images_without_row"]:
            n = len(loader["images_without_row"])
            yield f"  {_said(n, 'photo', 'photos')} in {loader.get('images', 'images')}/ " \
                  f"{_said(n, 'has', 'have', False)} no row in {loader.get('table', 'styles.csv')}: tagged, with no " \
                  "catalogue labels to compare"
        if loader["files_not_tagged"]:
            n = len(loader["files_not_tagged"])
            # Under the folder columns.json names (photos/): "under images/" was said of a shop's photos/ (stop 71's
            # integration review), its table named (products.csv) on the line above.
            yield f"  {_said(n, 'file', 'files')} under {loader.get('images', 'images')}/ " \
                  f"{_said(n, 'is', 'are', False)} no row's photo (<id>.jpg, .png, .webp, .tif or .bmp: a second " \
                  "file for an id, a rejected row's, in a subfolder, another format) and " \
                  f"{_said(n, 'was', 'were', False)} not tagged (listed in the " \
                  "JSON): " + ", ".join(loader["files_not_tagged"][:5]) + (" ..." if n > 5 else "")
    top = list(s["articleType_counts"].items())[:8]
    if top:     # not an empty "article types: " where none was tagged
        more = " ..." if len(s["articleType_counts"]) > 8 else ""
        yield "article types: " + ", ".join(f"{k} {v:,}" for k, v in top) + more
    if "agreement" not in s:
        return
    yield "agreement with the catalogue (labels to check: the model gives the catalogue's under " \
          f"{s['doubt_below']:.0%}):"
    for head, a in s["agreement"].items():
        if a["n"]:
            none = f"; {a['no_label']:,} without a label" if a["no_label"] else ""
            if a.get("greyscale_photos"):
                none += f"; {a['greyscale_photos']:,} greyscale photos not compared (`data check` lists them)"
            yield f"  {head:<15} {a['agree']:,} of {a['n']:,} ({a['rate']:.1%}); {a['to_check']:,} to check{none}"
        if a["unknown_labels"]:
            read_as = a.get("unknown_read_as") or {}
            said = ", ".join(f"{v!r} {n:,}" + (f" (read as {read_as[v][0]} {read_as[v][1]:,})" if v in read_as else "")
                             for v, n in list(a["unknown_labels"].items())[:5])
            yield f"  {head:<15} labels the model has no class for (a typo, a type it never learned, or the shop's " \
                  f"own name for one it knows, what most are read as in brackets): {said}"
    if s.get("seen_in_training") is None:
        yield "  which of these products the model trained on is not known (its checkpoint records no split), so " \
              "agreement here may include products it learned"
    else:
        copies = s.get("photo_copies_of_training") or 0
        more = (f", and {copies:,} more {'has' if copies == 1 else 'have'}, byte for byte, the photo of one under "
                "another id or name") if copies else ""
        yield f"  {s['seen_in_training']:,} of the tagged rows are products the model trained or validated on" \
              f"{more} (trained_on): they agree more than new products would"
    doubted = labels_to_check(table)
    first = ", surest first:" if len(doubted) and shown else ""
    yield f"{_said(len(doubted), 'row', 'rows')} with labels to check{first}"
    for _, r in doubted.head(shown).iterrows():
        name = f" {r['productDisplayName']}" if isinstance(r.get("productDisplayName"), str) else ""
        said = "; ".join(f"{h} catalogue {r[f'catalogue_{h}']}, model {r[h]} {r[f'{h}_prob']:.2f}"
                         for h in r["doubted"].split(";"))
        # By the id as the shop writes it where it has one (a SKU, a Handle): the number made from it named no
        # product the shop could find (stop 74's new user).
        written = r.get("id_as_written")
        yield f"  {written if isinstance(written, str) and written else r['id']}{name}: {said}"
