"""Reproducible stratified train/val/test splits by articleType.

Every class with at least ``min_per_class`` usable images puts a share of them in val and test
(at least one each); smaller classes cannot be stratified and go to train only, and the split says so.
The split is a CSV of ``id,split`` plus a JSON sidecar, saved with each run so evaluation uses
exactly the same test set.

Example:
    >>> split = make_split(catalog.usable, seed=0)  # doctest: +SKIP
    >>> split.assignments.value_counts()  # doctest: +SKIP
"""

from __future__ import annotations

import decimal
import hashlib
import os
import shutil
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from fashionrec.artifacts import atomic_dir, provenance, read_json, write_with_json
from fashionrec.catalog import Catalog, styles_sha256
from fashionrec.errors import BadInputError, FashionrecError, option

SPLITS = ("train", "val", "test")
# The folders `data split --folders` writes: each split, and train + val together (the products a model
# trained or was selected on: the index to search when the test products are the queries).
FOLDERS = {"train": ("train",), "val": ("val",), "test": ("test",), "trainval": ("train", "val")}
COPIES = ("apart", "together")
SPLIT_FOLDERS = "folder of split catalogues"    # what `data split --folders` writes, as refusals name it


@dataclass
class SplitConfig:
    seed: int = 0
    val_frac: float = 0.1
    test_frac: float = 0.1
    label: str = "articleType"
    min_per_class: int = 3
    # "apart": every id is drawn on its own, so a photo the catalogue lists under several ids can land on both
    # sides (113 of the shared catalogue's 3,988 test products; the shipped model's split). "together": the ids
    # of one photo (byte for byte) go to one part, so a test product is never a copy of a training one.
    copies: str = "apart"

    def check(self) -> None:
        """Raise ValueError, saying what to change, for fractions or a class minimum no split can honour."""
        if self.copies not in COPIES:
            raise BadInputError(f"copies {self.copies!r}: choose {' or '.join(COPIES)} (together: the ids of one "
                                "photo go to one part of the split)")
        if not (0 < self.val_frac < 1 and 0 < self.test_frac < 1 and self.val_frac + self.test_frac < 1):
            # Named as errors.option names a setting: "val_frac 0.9" named no flag of `data split` (an operator's
            # trial looked for one).
            raise BadInputError(f"{option('val_frac', f'{self.val_frac:g}')} and "
                                f"{option('test_frac', f'{self.test_frac:g}')}: each must lie strictly between 0 and 1 "
                                "and together leave products to train on (e.g. 0.1 and 0.1)")
        if self.min_per_class < 3:
            raise BadInputError(f"min_per_class {self.min_per_class}: a class split three ways needs 3 images or more")


@dataclass
class Split:
    """``assignments``: a Series indexed by item id with values "train", "val" or "test"."""

    assignments: pd.Series
    config: SplitConfig
    train_only_classes: dict[str, int] = field(default_factory=dict)
    unlabelled_ids: list[int] = field(default_factory=list)

    def ids(self, *names: str) -> np.ndarray:
        """The ids in any of the splits ``names`` ("train", "val" together: what a model learnt from)."""
        return self.assignments.index[self.assignments.isin(names)].to_numpy()

    def copies_across(self, shared_photos: list[dict]) -> tuple[list[int], list[int]]:
        """(test products whose photo is, byte for byte, a train or val product's; val products whose photo is a
        train product's), by the catalogue's ``shared_photos`` (:attr:`fashionrec.catalog.LoadReport.shared_photos`):
        a model trained on this split has seen them, and they lift its test and validation numbers."""
        learnt, trained = set(self.ids("train", "val").tolist()), set(self.ids("train").tolist())
        groups = [set(g["ids"]) for g in shared_photos]
        in_test = sorted(i for g in groups if learnt & g for i in g
                         if i not in learnt and self.assignments.get(i) == "test")
        in_val = sorted(i for g in groups if trained & g for i in g if self.assignments.get(i) == "val")
        return in_test, in_val

    def train_only_listed(self) -> str:
        """The classes too small to stratify, with their counts ("Ties (2), ..."), as `data split` and `train`
        say them."""
        if self.config.copies == "together":        # the counts are products, the rule photos: said which
            return ", ".join(f"{k} ({v} product{'s' if v != 1 else ''})" for k, v in self.train_only_classes.items())
        return ", ".join(f"{k} ({v})" for k, v in self.train_only_classes.items())

    def needed(self) -> str:
        """What a class needs to be stratified, as messages say it: "3 products", or, keeping a photo's copies
        together, "3 distinct photos" (a type of 6 products and 2 photos was "under 3 products (6)": an ML
        engineer's trial)."""
        n = self.config.min_per_class
        return f"{n} distinct photos" if self.config.copies == "together" else f"{n} products"

    def summary(self) -> dict:
        config = asdict(self.config)
        if config["copies"] == "apart":
            # Recorded only where it differs from the splits made before it existed, which a version without it
            # can then still re-make (it refuses settings it does not know).
            del config["copies"]
        return {
            "config": config,
            "counts": {s: int((self.assignments == s).sum()) for s in SPLITS},
            "train_only_classes": self.train_only_classes,
            "unlabelled_ids": self.unlabelled_ids,
            "test_ids_sha256": self.fingerprint("test"),
        }

    def fingerprint(self, name: str) -> str:
        """SHA-256 of the sorted ids in split ``name``: equal only for the very same products."""
        ids = np.sort(self.ids(name).astype(np.int64))
        return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()

    def save(self, path: str | Path, catalog: Catalog | None = None) -> None:
        """Write ``path`` (CSV of id,split) and ``path`` + ``.json`` (config and counts), atomically. ``catalog``: the
        catalogue split, recorded in the summary (its folder, styles.csv's SHA-256 and where each row went)."""
        path = Path(path)
        if path.suffix.lower() != ".csv":
            # The sidecar is path.with_suffix(".json"): for "split.json" it would overwrite the CSV.
            raise FashionrecError(f"{path}: a split is saved as a CSV of id,split with a .json sidecar beside "
                                  "it; give a path ending in .csv, e.g. runs/split.csv")
        check_split_path(path)
        frame = self.assignments.rename("split").rename_axis("id").reset_index()
        summary = {**self.summary(), **provenance()}
        if catalog is not None:
            summary["catalogue"] = self.catalogue(catalog)
        write_with_json(path, lambda tmp: frame.to_csv(tmp, index=False), path.with_suffix(".json"),
                        lambda tmp: summary)

    def catalogue(self, catalog: Catalog) -> dict:
        """Which catalogue this split is of, and every one of its rows accounted for: a split.csv said neither, so
        whether it was a shop's or the shared catalogue's, or made before styles.csv changed, could not be told,
        nor why a product was in no part (a code review)."""
        r = catalog.report
        return {"data_dir": str(Path(catalog.root).resolve()), "styles_csv_sha256": styles_sha256(catalog.root),
                "rows": r.rows, "split": len(self.assignments),
                "not_split": {"rejected": len(r.rows_rejected), "missing_image": r.missing_image,
                              "unreadable_image": len(r.unreadable_image), "no_label": len(self.unlabelled_ids)}}

    @classmethod
    def load(cls, path: str | Path) -> Split:
        path = Path(path)
        frame = pd.read_csv(path)
        meta = read_json(path.with_suffix(".json"))
        return cls(
            assignments=pd.Series(frame["split"].to_numpy(), index=frame["id"].to_numpy(), name="split"),
            config=SplitConfig(**meta["config"]),
            train_only_classes=meta.get("train_only_classes", {}),
            unlabelled_ids=meta.get("unlabelled_ids", []),
        )


def check_split_path(path: str | Path) -> None:
    """Refuse a split's ``path`` (a CSV) where it, or its ``.json`` sidecar, is a file that holds no split: `data
    split --out` replaced a shop's own CSV with id,split without a word, and ``--out runs/data_check.csv`` the
    data check report beside it (a code review), where `recommend export` and `eda` refuse such a file."""
    path = Path(path)
    sidecar = path.with_suffix(".json")
    if path.is_file():
        try:
            with open(path, "rb") as f:
                header = f.readline(200).decode("utf-8-sig", "replace").strip()
        except OSError:
            header = None
        if header != "id,split":
            raise BadInputError(f"{path} exists and is no split (its first line is {header!r}, not 'id,split'): "
                                "choose another path for the split, or delete the file first")
    if sidecar.is_file():
        try:
            summary = read_json(sidecar)
        except (OSError, ValueError):
            summary = None
        if not (isinstance(summary, dict) and {"config", "counts"} <= set(summary)):
            raise BadInputError(f"{sidecar}, where the split's summary goes beside {path.name}, exists and is no "
                                "split's summary: choose another path for the split, or move that file")


def make_split(items: pd.DataFrame | Catalog, config: SplitConfig | None = None, *, float_shares: bool = False,
               **overrides) -> Split:
    """Split ``items`` (columns ``id`` and ``config.label``; a :class:`~fashionrec.catalog.Catalog`: its usable
    rows) per class, reproducibly from the seed; ``overrides`` are :class:`SplitConfig` fields (``seed=1``),
    applied to a copy of ``config``. A class's shares are rounded half to even (:func:`_share`; ``float_shares``:
    as before stop 61, for re-making a recorded split, :func:`make_recorded_split`).

    Rows without a label are left out and listed in ``unlabelled_ids``.
    """
    if isinstance(items, Catalog):
        items = items.usable
    if not isinstance(items, pd.DataFrame):
        raise TypeError(f"make_split takes a catalogue's usable rows (load_catalog(dir).usable), not "
                        f"{type(items).__name__}")
    known = [f.name for f in fields(SplitConfig)]
    # A misspelt setting was set on the config and ignored ("sead=1" gave the seed-0 split, a Python user's trial).
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise TypeError(f"make_split has no setting {', '.join(map(repr, unknown))}; SplitConfig has {known}")
    config = replace(config or SplitConfig(), **overrides)
    config.check()
    for column in ("id", config.label):
        if column not in items.columns:
            raise BadInputError(f"the rows to split have no {column!r} column (they have {list(items.columns)}): "
                                "pass load_catalog(dir).usable, or another label")
    rng = np.random.default_rng(config.seed)
    labelled = items[items[config.label].notna()]
    if labelled.empty:
        raise BadInputError(f"nothing to split: no usable image labelled with its {config.label} "
                            f"({len(items)} usable rows); run `fashionrec data check` to see why")
    unlabelled = [int(i) for i in items.loc[items[config.label].isna(), "id"]]
    out: dict[int, str] = {}
    small: dict[str, int] = {}
    together = config.copies == "together"
    if together and ("photo_digest" not in labelled.columns or (labelled["photo_digest"].fillna("") == "").any()):
        raise BadInputError("a split that keeps a photo's copies together needs every photo's digest: pass "
                            "load_catalog(dir).usable of a catalogue loaded with its images checked")
    placed: dict[str, str] = {}     # a photo's digest -> the part its first id went to (copies across classes)
    # Classes in sorted order so the RNG stream, hence the split, does not depend on row order.
    for label, group in sorted(labelled.groupby(config.label), key=lambda kv: str(kv[0])):
        if together:
            _split_photos(group, config, rng, out, small, placed, float_shares)
            continue
        ids = np.sort(group["id"].to_numpy())
        rng.shuffle(ids)
        n = len(ids)
        if n < config.min_per_class:
            small[str(label)] = n
            out.update(dict.fromkeys(ids.tolist(), "train"))
            continue
        n_test, n_val = _shares(n, config, float_shares)
        out.update(dict.fromkeys(ids[:n_test].tolist(), "test"))
        out.update(dict.fromkeys(ids[n_test:n_test + n_val].tolist(), "val"))
        out.update(dict.fromkeys(ids[n_test + n_val:].tolist(), "train"))
    assignments = pd.Series(out, name="split").sort_index()
    return Split(assignments=assignments, config=config, train_only_classes=small, unlabelled_ids=unlabelled)


def _share(n: int, frac: float, float_shares: bool = False) -> int:
    """``n * frac`` rounded half to even, of the fraction as written (0.35 is 35/100): 25 products at 0.1 give
    2, 35 give 4, 45 give 4, never more than half a product from the share asked. Half to even is unbiased
    over many types (half up would put some 0.5% more products in test and val than asked) and is how the
    shipped model's split was drawn: another rounding moves products of its types of 15, 25, 45... between
    its parts, and every model trained before could no longer be re-made (remake_split refuses it then).
    ``float_shares``: Python's round of the binary product, as splits before stop 61 were drawn, which is off
    at some halves (0.35 x 90 is 31.499999999999996: 31, where 31.5 is 32; 0.07 x 150: 11, not 10); the
    default fractions (0.05, 0.1, 0.15, 0.2) never differ."""
    if float_shares:
        return int(round(n * frac))
    return int((decimal.Decimal(str(float(frac))) * n).quantize(1, decimal.ROUND_HALF_EVEN))


def _shares(n: int, config: SplitConfig, float_shares: bool = False) -> tuple[int, int]:
    """How many of a class's ``n`` products go to test and to val (:func:`_share`): at least one each, and one
    left to train on (large fractions must not leave a class nothing to learn from; the default 0.1 / 0.1 never
    reaches the caps)."""
    n_test = min(max(1, _share(n, config.test_frac, float_shares)), n - 2)
    return n_test, min(max(1, _share(n, config.val_frac, float_shares)), n - 1 - n_test)


def _float_shares_differ(items: pd.DataFrame, config: SplitConfig) -> bool:
    """Whether a split of ``items`` by the binary product's rounding (before stop 61) has other shares than by
    the fraction as written: only then can a split recorded before differ from one made now."""
    sizes = items[config.label].dropna().value_counts() if config.label in items.columns else pd.Series([])
    return any(_shares(int(n), config) != _shares(int(n), config, True) for n in set(sizes.tolist()))


def make_recorded_split(items: pd.DataFrame, config: SplitConfig, test_ids_sha256: str | None) -> Split:
    """The split ``config`` makes of ``items``, as a model recorded it: where its test products
    (``test_ids_sha256``) are those of the split drawn by the binary product's rounding, as before stop 61, that
    one (a model trained with --test-frac 0.35 or 0.07 would otherwise be refused as "trained on other rows")."""
    split = make_split(items, config)
    if test_ids_sha256 and split.fingerprint("test") != test_ids_sha256 and _float_shares_differ(items, config):
        before = make_split(items, config, float_shares=True)
        if before.fingerprint("test") == test_ids_sha256:
            return before
    return split


def _split_photos(group: pd.DataFrame, config: SplitConfig, rng: np.random.Generator, out: dict[int, str],
                  small: dict[str, int], placed: dict[str, str], float_shares: bool = False) -> None:
    """One class of a split that keeps copies together (``copies="together"``): its photos, each with every id
    listing it, are drawn in place of its ids. A photo placed by another class (its copy filed under another
    type) stays where it is; the rest fill test, then val, to the shares by ids, and the last goes to train
    when train has none. A class of fewer photos than ``min_per_class`` goes to train, as by ids."""
    label = str(group[config.label].iloc[0])
    counts = dict.fromkeys(SPLITS, 0)
    free = []
    for digest, photo in group.groupby("photo_digest", sort=True):     # sorted: no dependence on row order
        ids = np.sort(photo["id"].to_numpy())
        if digest in placed:
            out.update(dict.fromkeys(ids.tolist(), placed[digest]))
            counts[placed[digest]] += len(ids)
        else:
            free.append((digest, ids))
    n = len(group)
    if len(free) < config.min_per_class:
        if not counts["val"] + counts["test"]:
            # "Train only" where none of its products is held out: copies placed by another class may be (a
            # code review: a class called train-only had two of its three products in val and test).
            small[label] = n
        for digest, ids in free:
            out.update(dict.fromkeys(ids.tolist(), "train"))
            placed[digest] = "train"
        return
    n_test, n_val = _shares(n, config, float_shares)
    order = rng.permutation(len(free))
    for j, i in enumerate(order):
        digest, ids = free[i]
        if j == len(order) - 1 and counts["train"] == 0:
            part = "train"
        elif counts["test"] < n_test:
            part = "test"
        elif counts["val"] < n_val:
            part = "val"
        else:
            part = "train"
        out.update(dict.fromkeys(ids.tolist(), part))
        counts[part] += len(ids)
        placed[digest] = part


# What `evaluate` may do instead of scoring a model's test split; the commands that need the split itself
# (`ensemble`, `probe`, `calibrate`) have no --split, which their refusals named (a code review).
SPLIT_ALL = "split all (--split all) for a folder of new products"


def _retry(trained_on: str | None, instead: str | None) -> str:
    """How a refusal of a catalogue that is not a model's own says to go on."""
    named = f" ({trained_on}, as the model records it)" if trained_on else ""
    return (f"its test split can only be re-made on the catalogue it was trained on{named}. Pass that catalogue"
            + (f", or {instead}" if instead else " (data_dir, --data)"))


def remake_split(items: pd.DataFrame, recorded: dict, where: str | Path, trained_on: str | None = None,
                 instead: str | None = SPLIT_ALL) -> Split:
    """The split a checkpoint was trained with (``recorded`` = its ``split`` summary), re-made from its seed.

    The split draws per class from one random stream, so another catalogue (a row more or less) moves
    products between train and test: refuse unless ``items`` gives the recorded test ids (their SHA-256,
    where recorded; older checkpoints have only the counts) and the recorded counts, so that a "test" score
    never includes products the model trained on. The refusal names ``trained_on`` (the catalogue the
    checkpoint records) and, as another way, ``instead`` (None: the caller needs this split, say --data).
    """
    if not recorded.get("config"):
        raise BadInputError("this checkpoint records no split (it was not made by `fashionrec train`)"
                            + (f"; use {instead.split(' for ')[0]}" if instead else ""))
    split = make_recorded_split(items, SplitConfig(**recorded["config"]), recorded.get("test_ids_sha256"))
    fix = _retry(trained_on, instead)
    counts = split.summary()["counts"]
    if recorded.get("test_ids_sha256") and split.fingerprint("test") != recorded["test_ids_sha256"]:
        raise BadInputError(f"{where} gives other test products than the model was tested on (same seed, "
                            f"other catalogue rows): {fix}")
    if recorded.get("counts") and counts != recorded["counts"]:
        raise BadInputError(f"{where} splits into {counts}, but the model was trained on a split of "
                            f"{recorded['counts']}: {fix}")
    return split


def checkpoint_split(items: pd.DataFrame, recorded: dict, checkpoint: Path | None, where: str | Path,
                     trained_on: str | None = None, instead: str | None = SPLIT_ALL) -> Split:
    """A checkpoint's split: its train run's ``split.csv`` when the checkpoint is still in that run folder
    (``RUN/weights/best.safetensors``) and that file holds the test products the checkpoint records, else
    re-made from the seed it records (:func:`remake_split`)."""
    if checkpoint is not None and checkpoint.parent.name == "weights":
        run_split = checkpoint.parent.parent / "split.csv"
        if run_split.exists():
            split = Split.load(run_split)
            # A split.csv beside a copied checkpoint may be another one (`fashionrec data split` writes
            # runs/split.csv): trust it only when it is the split the checkpoint was trained with.
            if _same_test(split, recorded):
                _check_holds_test(items, split, where, _retry(trained_on, instead))
                return split
    return remake_split(items, recorded, where, trained_on, instead)


def _check_holds_test(items: pd.DataFrame, split: Split, where: str | Path, fix: str) -> None:
    """Refuse a folder that lacks some of ``split``'s test products, as :func:`remake_split` refuses one that
    splits otherwise: read from a run's split.csv, `evaluate --split test` of a folder holding 36 of a run's 64
    test products scored those 36 as its test numbers without a word, and one holding none said only "no
    usable images", where the same checkpoint copied out of its run folder was refused (a code review)."""
    test = split.ids("test")
    lacking = np.setdiff1d(test, items["id"].to_numpy())
    if len(lacking):
        raise BadInputError(f"{where} lacks {len(lacking):,} of the model's {len(test):,} test products (ids "
                            f"{', '.join(map(str, lacking[:5]))}{' ...' if len(lacking) > 5 else ''}) as usable "
                            f"products: {fix}")


def _same_test(split: Split, recorded: dict) -> bool:
    """``split`` has the test products ``recorded`` (a checkpoint's split summary) names, by their SHA-256
    where recorded, else by the split's counts; a checkpoint that records neither cannot be checked."""
    if recorded.get("test_ids_sha256"):
        return split.fingerprint("test") == recorded["test_ids_sha256"]
    if recorded.get("counts"):
        return split.summary()["counts"] == recorded["counts"]
    return True


def check_split_out(out_dir: str | Path, split_csv: str | Path) -> bool:
    """Refuse a ``split_csv`` inside the folders ``out_dir`` (saved into the folder about to be replaced, it went
    with it, said written: a code review), links followed; True where it is their own ``split.csv``."""
    csv, root = Path(split_csv).resolve(), Path(out_dir).resolve()
    if csv == root / "split.csv":
        return True
    if root in csv.parents:
        raise BadInputError(f"--out {split_csv} is inside --folders {out_dir}, which is replaced whole: give --out "
                            f"outside it, or {Path(out_dir) / 'split.csv'} (the folders' own copy)")
    return False


def write_split_folders(catalog, split: Split, out_dir: str | Path,
                        split_csv: str | Path | None = None) -> dict[str, int]:
    """Write every part of ``split`` under ``out_dir`` as a catalogue folder of its own (``styles.csv`` of its
    rows + ``images/``), one per name in :data:`FOLDERS`, with the split itself beside them (``split.csv``,
    ``split.json``). Any command takes such a folder: ``fashionrec evaluate-recs out/test --index ...`` of an
    index built from ``out/trainval`` measures on products neither the model nor the index has seen.

    The photos are links to the catalogue's files (copies where the file system has no links), so the folders
    cost no space. ``out_dir`` is replaced atomically, and only when it is new, empty or written by this
    function before. ``split_csv``: where else to save the split (``data split --out``), written before the
    folders are put in place, so that a stop leaves both as they were or both new (a Ctrl-C while the old
    folders were deleted left the new folders beside the old split.csv of another seed: an integrator's trial).
    Returns the number of products per folder.
    """
    from fashionrec.catalog import COLUMNS

    if split_csv is not None and check_split_out(out_dir, split_csv):
        split_csv = None        # the folders' own, written with them
    rows = catalog.usable.set_index("id", drop=False)
    counts = {}
    with atomic_dir(out_dir, marker="split.json", what=SPLIT_FOLDERS, option="--folders") as tmp:
        for name, parts in FOLDERS.items():
            ids = np.sort(split.ids(*parts).astype(np.int64))
            part = rows.loc[ids]
            folder = tmp / name
            (folder / "images").mkdir(parents=True)
            # Written as the loader reads it back: empty for missing, the literal "NA" kept as a value.
            part[COLUMNS].to_csv(folder / "styles.csv", index=False, na_rep="")
            for source in part["image_path"]:
                source = Path(source).resolve()
                target = folder / "images" / source.name
                try:
                    os.symlink(source, target)
                except OSError:         # no symlinks here (some Windows and network file systems)
                    shutil.copy2(source, target)
            counts[name] = len(part)
        split.save(tmp / "split.csv", catalog)
        if split_csv is not None:
            split.save(split_csv, catalog)
    return counts
