"""Tag a folder of product photos in bulk, and check a catalogue's own labels against the tagger.

``fashionrec tag SOURCE... [--model PATH] --out tags.csv`` writes one row per photo (or, for a catalogue
folder, one per styles.csv row) with every head's label and calibrated probability, the three likeliest
article types, and a ``review`` flag where the model is unsure; ``tags.json`` beside it says which model,
which inputs, the threshold and the counts. A SOURCE is:

- a catalogue folder (``styles.csv`` + ``images/``): every accepted row, its photo tagged; the catalogue's own
  labels are kept beside the model's (``catalogue_<head>``), the heads that differ listed, and the rows whose
  article type the model all but rules out (:data:`DOUBT_BELOW`) counted as labels to check;
- any other folder: every image file under it (subfolders too), in path order;
- an image file.

Nothing is dropped: a photo that cannot be read, a file that is not an image, a row without a photo each get
a row (or, for files that are not images, a line in ``tags.json``) saying why.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm.auto import tqdm

from fashionrec import __version__
from fashionrec.artifacts import invoked_command, write_json, write_with
from fashionrec.catalog import ATTRIBUTES, IMAGE_EXTENSIONS, check_photo, load_catalog, open_rgb
from fashionrec.data import fit_to_store
from fashionrec.errors import BadInputError
from fashionrec.tagger import Tagger

log = logging.getLogger(__name__)

# Calibrated articleType probability under which a photo is flagged for a person to look at. Chosen on the
# shipped model's validation split (3,988 products, accuracy 0.906): under 0.8 flags 11.8% of them, which hold
# 49% of its mistakes, and the photos left agree with the catalogue 94.5% of the time (0.6: 5.0% flagged, 24%
# of the mistakes; 0.9: 18.5%, 64%). Many of the rest are confident disagreements, often the catalogue's slips.
REVIEW_BELOW = 0.8
# A catalogue label the model gives less than this probability (calibrated) is counted as one to check.
DOUBT_BELOW = 0.01
CHUNK = 1024           # photos decoded at a time: memory stays flat however large the folder
TOP = 3


@dataclass
class Photo:
    """One thing to tag: where its pixels are, and the catalogue row it belongs to (if any)."""

    path: str                       # as shown in the output: relative to its folder where it has one
    file: Path | None               # None: a catalogue row without a readable photo
    row: dict = field(default_factory=dict)   # the catalogue's id and labels
    error: str = ""
    catalogue: int | None = None    # which of the sources' catalogues the row is from


@dataclass
class TagResult:
    """``table``: one row per photo or catalogue row, in input order; ``summary``: what ``tags.json`` holds."""

    table: pd.DataFrame
    summary: dict

    def write(self, out: str | Path) -> tuple[Path, Path]:
        """Write ``out`` (CSV) and its description beside it (same name, ``.json``), each atomically."""
        out = Path(out)
        if out.is_dir():
            out = out / "tags.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        desc = out.with_suffix(".json")
        write_with(out, lambda tmp: self.table.to_csv(tmp, index=False))
        write_json(desc, {**self.summary, "csv": out.name})
        return out, desc


def _in_folder(folder: Path) -> tuple[list[Photo], list[str]]:
    """Every image file under ``folder`` in path order; the other files' paths (said, not tagged)."""
    photos, others = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(".") or "/." in rel:          # .DS_Store, .git: a folder's housekeeping
            continue
        if path.suffix.lower() in IMAGE_EXTENSIONS:
            photos.append(Photo(rel, path))
        else:
            others.append(rel)
    return photos, others


def _in_catalogue(folder: Path, number: int, progress: bool) -> tuple[list[Photo], dict]:
    """Every accepted row of a catalogue folder, with its labels; what the loader could not accept."""
    catalog = load_catalog(folder, progress=progress, warn=False)
    heads = [c for c in ATTRIBUTES if c in catalog.table]
    photos = []
    for rec in catalog.table.to_dict("records"):
        row = {"id": int(rec["id"]), **{f"catalogue_{h}": rec[h] for h in heads},
               "productDisplayName": rec.get("productDisplayName")}
        ok = rec["image_status"] == "ok"
        path = Path(rec["image_path"])
        photos.append(Photo(f"images/{path.name}", path if ok else None, row,
                            "" if ok else f"{rec['image_status']} image: {rec['image_reason']}", number))
    report = catalog.report
    loader = {"rows": report.rows, "rows_rejected": [{"line": r.line, "reason": r.reason} for r in
                                                       report.rows_rejected],
              "images_without_row": report.images_without_row}
    return photos, {"catalogue": str(catalog.root), "loader": loader, "items": catalog.table}


def collect(sources: Sequence[str | Path], progress: bool = True) -> tuple[list[Photo], dict]:
    """``sources`` (catalogue folders, folders, image files) -> the photos to tag, and notes on the inputs."""
    photos: list[Photo] = []
    notes: dict = {"sources": [], "not_images": [], "catalogues": []}
    if not sources:
        raise BadInputError("nothing to tag: give a catalogue folder, a folder of photos or image files")
    missing = [str(s) for s in map(Path, sources) if not s.exists()]
    if missing:     # refused before minutes of tagging the others: a typo, most likely
        raise BadInputError(f"no such file or folder: {', '.join(missing[:5])}"
                            f"{f' (and {len(missing) - 5} more)' if len(missing) > 5 else ''}")
    for source in map(Path, sources):
        notes["sources"].append(str(source))
        if source.is_dir() and (source / "styles.csv").is_file():
            found, about = _in_catalogue(source, len(notes["catalogues"]), progress)
            if len(sources) > 1:
                for p in found:
                    p.path = f"{source.as_posix()}/{p.path}"
            photos += found
            notes["catalogues"].append(about)
        elif source.is_dir():
            found, others = _in_folder(source)
            prefix = f"{source.as_posix()}/" if len(sources) > 1 else ""
            photos += [Photo(prefix + p.path, p.file) for p in found]
            notes["not_images"] += [prefix + o for o in others]
        else:
            photos.append(Photo(source.as_posix(), source))
    if not photos:
        skipped = f" ({len(notes['not_images'])} other files, none of them {'/'.join(IMAGE_EXTENSIONS)})" \
            if notes["not_images"] else ""
        raise BadInputError(f"no photos to tag in {', '.join(notes['sources'])}{skipped}")
    return photos, notes


def _decode(photo: Photo) -> np.ndarray | str:
    """(3, 80, 60) uint8 as the tagger takes it, or why this photo cannot be tagged."""
    if photo.file is None:
        return photo.error
    try:
        im = open_rgb(photo.file)
        check_photo(im)           # an icon or a blank picture gets no confident label
        return fit_to_store(im)
    except ValueError as e:
        # The row names the file already; what is left counts alike across files in tags.json.
        said, name = str(e), str(photo.file)
        return f"the file{said[len(name):]}" if said.startswith(name) else said.replace(f" {name}", "")


def _probabilities(tagger: Tagger, photos: list[Photo], batch_size: int, progress: bool,
                   workers: int | None) -> tuple[dict[str, np.ndarray], list[str]]:
    """Calibrated probabilities per head (rows of photos that could not be read stay NaN), and the errors."""
    n = len(photos)
    probs = {h: np.full((n, len(c)), np.nan, np.float32) for h, c in tagger.classes.items()}
    errors = [""] * n
    bar = tqdm(total=n, desc="tagging", unit="img", disable=not progress)
    # PIL decodes outside the GIL: threads keep the cores busy while one chunk is tagged after another.
    with ThreadPoolExecutor(max_workers=workers or min(8, (os.cpu_count() or 2) * 2)) as pool:
        for start in range(0, n, CHUNK):
            chunk = list(pool.map(_decode, photos[start:start + CHUNK]))
            good = [i for i, x in enumerate(chunk) if not isinstance(x, str)]
            for i, x in enumerate(chunk):
                if isinstance(x, str):
                    errors[start + i] = x
            if good:
                images = torch.from_numpy(np.stack([chunk[i] for i in good]))     # (B, 3, 80, 60) uint8
                _, raw = tagger.infer(images, batch_size=batch_size)
                rows = np.asarray(good) + start
                for head, p in tagger.calibrate(raw).items():
                    probs[head][rows] = p
            bar.update(len(chunk))
    bar.close()
    return probs, errors


def _label_table(tagger: Tagger, photos: list[Photo], probs: dict[str, np.ndarray], errors: list[str],
                 review_below: float) -> pd.DataFrame:
    ok = np.array([not e for e in errors])
    table = pd.DataFrame([{**p.row, "path": p.path} for p in photos])
    for head, p in probs.items():
        best = np.where(ok, np.nan_to_num(p, nan=-1.0).argmax(axis=1), 0)
        names = np.asarray(tagger.classes[head], dtype=object)[best]
        table[head] = np.where(ok, names, None)
        table[f"{head}_prob"] = np.where(ok, p[np.arange(len(p)), best].round(4), np.nan)
    main = probs["articleType"]
    order = np.argsort(-np.nan_to_num(main, nan=-1.0), axis=1)[:, :TOP]
    classes = tagger.classes["articleType"]
    table["articleType_top3"] = ["; ".join(f"{classes[j]} {main[i, j]:.2f}" for j in order[i]) if ok[i] else ""
                                 for i in range(len(photos))]
    table["review"] = ok & (table["articleType_prob"].fillna(0).to_numpy() < review_below)
    table["error"] = errors
    return table


def _compare(tagger: Tagger, table: pd.DataFrame, probs: dict[str, np.ndarray]) -> dict:
    """Beside a catalogue's labels: ``differs`` (heads where the model's label is another), ``catalogue_
    label_prob`` (the model's probability of the catalogue's article type) and agreement per head."""
    ok = (table["error"] == "").to_numpy()
    agreement = {}
    differs = [[] for _ in range(len(table))]
    for head in tagger.classes:
        col = f"catalogue_{head}"
        if col not in table:
            continue
        have = ok & table[col].notna().to_numpy()
        same = table[head].astype(str).str.lower() == table[col].astype(str).str.lower()
        for i in np.flatnonzero(have & ~same.to_numpy()):
            differs[i].append(head)
        agreement[head] = {"n": int(have.sum()), "agree": int((have & same).sum()),
                           "rate": round(float((have & same).sum() / have.sum()), 4) if have.any() else None}
    table["differs"] = [";".join(d) for d in differs]
    index = {c.lower(): j for j, c in enumerate(tagger.classes["articleType"])}
    cols = [index.get(str(v).lower(), -1) if isinstance(v, str) else -1 for v in table["catalogue_articleType"]]
    p = probs["articleType"]
    # A label the model has no class for gets no probability: it is not the model's to doubt.
    table["catalogue_label_prob"] = [round(float(p[i, j]), 4) if ok[i] and j >= 0 else np.nan
                                     for i, j in enumerate(cols)]
    return agreement


def tag(sources: Sequence[str | Path] | str | Path, model: str | Path | None = None,
        review_below: float = REVIEW_BELOW, batch_size: int = 256, progress: bool = True,
        workers: int | None = None, tagger: Tagger | None = None) -> TagResult:
    """Tag every photo in ``sources`` (see the module's docstring) with ``model`` (default: the shipped one).

        >>> result = tag("new-arrivals/")                    # doctest: +SKIP
        >>> result.table[["path", "articleType", "articleType_prob", "review"]].head()
        >>> result.write("runs/tags/new-arrivals.csv")
    """
    if not 0.0 <= review_below <= 1.0:
        raise BadInputError(f"review_below must be a probability between 0 and 1, not {review_below}")
    if isinstance(sources, (str, Path)):
        sources = [sources]
    photos, notes = collect(list(sources), progress=progress)
    tagger = tagger or Tagger.load(model)
    probs, errors = _probabilities(tagger, photos, batch_size, progress, workers)
    table = _label_table(tagger, photos, probs, errors, review_below)
    labelled = any(c.startswith("catalogue_") for c in table)
    agreement = _compare(tagger, table, probs) if labelled else {}
    summary = _summary(tagger, table, notes, review_below, agreement)
    if labelled:
        summary["seen_in_training"] = _mark_trained(table, photos, notes, tagger)
    return TagResult(table=_ordered(table), summary=summary)


def _mark_trained(table: pd.DataFrame, photos: list[Photo], notes: dict, tagger: Tagger) -> int | None:
    """``trained_on`` column: whether the model trained or validated on the product (its labels then agree
    more than a new product's would); None (and no column) where that cannot be known."""
    from fashionrec.evaluate import trained_mask

    trained = []
    for about in notes["catalogues"]:
        usable = about["items"][about["items"]["image_status"] == "ok"].reset_index(drop=True)
        mask = trained_mask(usable, tagger.meta)
        if mask is None:
            return None
        trained.append(set(usable.loc[mask, "id"].astype(int)))
    table["trained_on"] = pd.array([p.row["id"] in trained[p.catalogue] if p.catalogue is not None else pd.NA
                                    for p in photos], dtype="boolean")
    return sum(map(len, trained))


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    """Columns a person reads first first: where, what the model says, how sure, the catalogue's labels."""
    first = [c for c in ("id", "path", "productDisplayName") if c in table]
    heads = [c for c in ATTRIBUTES if c in table]
    model = [x for h in heads for x in (h, f"{h}_prob")] + ["articleType_top3", "review"]
    catalogue = [c for c in ("differs", "catalogue_label_prob", "trained_on") if c in table]
    catalogue += [f"catalogue_{h}" for h in ATTRIBUTES if f"catalogue_{h}" in table]
    rest = [c for c in table if c not in {*first, *model, *catalogue, "error"}]
    return table[first + model + catalogue + rest + ["error"]]


def labels_to_check(table: pd.DataFrame, doubt_below: float = DOUBT_BELOW) -> pd.DataFrame:
    """Catalogue rows whose article type the model all but rules out, surest first."""
    if "catalogue_label_prob" not in table:
        return table.iloc[:0]
    doubted = table[table["catalogue_label_prob"] < doubt_below]
    return doubted.sort_values("articleType_prob", ascending=False)


def _summary(tagger: Tagger, table: pd.DataFrame, notes: dict, review_below: float, agreement: dict) -> dict:
    ok = table["error"] == ""
    errors = Counter(e.split(":")[0] for e in table.loc[~ok, "error"])
    summary = {
        "what": "fashionrec tag: one row per photo (per styles.csv row for a catalogue folder)",
        "fashionrec_version": __version__,
        "command": invoked_command(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "model": {"name": tagger.name, "path": str(tagger.path) if tagger.path else None,
                  "sha256": tagger.sha256, "classes": tagger.classes,
                  "preprocessing": tagger.meta.get("preprocessing"),
                  "calibrated": bool((tagger.meta.get("calibration") or {}).get("temperature"))},
        "sources": notes["sources"],
        "rows": len(table), "tagged": int(ok.sum()), "not_tagged": int((~ok).sum()),
        "not_tagged_by_reason": dict(errors.most_common()),
        "not_images": notes["not_images"],
        "review_below": review_below, "to_review": int(table["review"].sum()),
        "articleType_counts": {str(k): int(v) for k, v in table.loc[ok, "articleType"].value_counts().items()},
        "columns": {
            "<head>, <head>_prob": "the model's label and its calibrated probability, for every head",
            "articleType_top3": "the three likeliest article types with their probabilities",
            "review": f"articleType_prob under {review_below}: worth a person's look",
            "error": "why the row has no labels (empty when it has)",
        },
    }
    if agreement:
        summary["agreement"] = agreement
        summary["doubt_below"] = DOUBT_BELOW
        summary["labels_to_check"] = len(labels_to_check(table))
        summary["catalogue_loader"] = [c["loader"] for c in notes["catalogues"]]
        summary["columns"].update({
            "catalogue_<head>": "the catalogue's own label (styles.csv)",
            "differs": "heads whose model label is not the catalogue's",
            "catalogue_label_prob": "the model's probability of the catalogue's article type "
                                    f"(under {DOUBT_BELOW}: a label to check)",
            "trained_on": "the model trained or validated on this product (its labels agree more often)",
        })
    return summary


def describe(result: TagResult, shown: int = 10) -> Iterable[str]:
    """The lines ``fashionrec tag`` prints."""
    s, table = result.summary, result.table
    yield f"{s['tagged']:,} of {s['rows']:,} rows tagged by {s['model']['name']}; {s['to_review']:,} to review " \
          f"(articleType probability under {s['review_below']})"
    for reason, n in s["not_tagged_by_reason"].items():
        yield f"  not tagged: {n:,} {reason}"
    if s["not_images"]:
        yield f"  {len(s['not_images'])} files are not images and were not tagged (listed in the JSON): " \
              + ", ".join(s["not_images"][:5]) + (" ..." if len(s["not_images"]) > 5 else "")
    for loader in s.get("catalogue_loader", []):
        if loader["rows_rejected"]:
            yield f"  {len(loader['rows_rejected'])} lines of styles.csv could not be read as rows " \
                  "(`fashionrec data check` says why)"
    top = list(s["articleType_counts"].items())[:8]
    yield "article types: " + ", ".join(f"{k} {v:,}" for k, v in top) + (" ..." if len(s["articleType_counts"]) > 8
                                                                          else "")
    for head, a in s.get("agreement", {}).items():
        if a["n"]:
            yield f"  {head:<15} agrees with the catalogue on {a['agree']:,} of {a['n']:,} ({a['rate']:.1%})"
    doubted = labels_to_check(table)
    if "agreement" in s:
        yield f"{len(doubted):,} catalogue article types the model gives under {s['doubt_below']:.0%} " \
              f"(labels to check){':' if len(doubted) else ''}"
        for _, r in doubted.head(shown).iterrows():
            name = f" {r['productDisplayName']}" if isinstance(r.get("productDisplayName"), str) else ""
            yield f"  {r['id']}{name}: catalogue {r['catalogue_articleType']}, model {r['articleType']} " \
                  f"{r['articleType_prob']:.2f}"
