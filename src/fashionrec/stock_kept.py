"""Stock levels set since a build, kept by the next one (stop 68).

A level set after a build (``index stock``, ``Recommender.set_stock``, ``PUT /api/stock``) lived in the index
alone: a rebuild (a changed styles.csv, another model, ``index build`` over the folder) read every level from
styles.csv again, so a product the shop's stock system had marked sold out through the API was recommended again
the moment the catalogue was rebuilt for an unrelated reason.

The rule: a level set since the build wins over the styles.csv value that build read, unless styles.csv's value for
that product has changed since (the shop wrote a newer one into its file), in which case the file wins. To tell the
two apart, a build records the level styles.csv gave each product (:data:`BUILT_STOCK`, beside the index's files;
no save after it rewrites it). An index built before that file was kept cannot say which levels were set since: its
rebuild takes styles.csv's, as before, and says how many of its levels that changes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from fashionrec.artifacts import write_with
from fashionrec.errors import FashionrecError
from fashionrec.index_delta import current_items, same_levels
from fashionrec.stock import STOCK, levels_of

log = logging.getLogger(__name__)

# The level styles.csv gave each catalogue product at the build (empty: none), in the index folder.
BUILT_STOCK = "stock_built.csv"


def write_built_levels(folder: Path, usable: pd.DataFrame) -> None:
    """Record, in an index folder being built, the level styles.csv gives each catalogue product (none for every
    one where it has no stock column: a level set later through the API is then one set since)."""
    levels = levels_of(usable[STOCK]) if STOCK in usable else np.full(len(usable), np.nan)
    table = pd.DataFrame({"id": usable["id"].astype(np.int64).to_numpy(), STOCK: levels})
    write_with(folder / BUILT_STOCK, lambda tmp: table.to_csv(tmp, index=False))


def keep_levels_set_since(index_dir: Path, items: pd.DataFrame) -> tuple[pd.DataFrame, dict | None]:
    """``items`` (a build's, each level styles.csv's) with the levels set since the build of the index at
    ``index_dir`` it replaces, where styles.csv's value for the product is the one that build read; and what was
    done ({"kept_ids", "file_newer_ids", "unknown"}), None where there was nothing to do. Products added since
    that build (no styles.csv row) are carried over with their levels elsewhere (``carry_over``)."""
    from fashionrec.index_build import added_since_build

    if not (index_dir / "items.csv").is_file():
        return items, None      # no index there yet
    try:
        before = current_items(index_dir)   # its last generation's levels
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError, FashionrecError) as e:
        log.warning("cannot read the stock levels of %s (%s: %s); styles.csv's are taken", index_dir,
                    type(e).__name__, e)
        return items, None
    if STOCK not in before or "id" not in before:
        return items, None      # no level was ever set there
    before = before[~added_since_build(before)]
    was_now = pd.Series(levels_of(before[STOCK]), index=before["id"].astype(np.int64).to_numpy())
    ids = items["id"].astype(np.int64).to_numpy()
    new = levels_of(items[STOCK]) if STOCK in items else np.full(len(items), np.nan)
    held = np.isin(ids, was_now.index)
    now = np.full(len(items), np.nan)
    now[held] = was_now.reindex(ids[held]).to_numpy()
    try:
        built_table = pd.read_csv(index_dir / BUILT_STOCK, dtype={"id": np.int64})
        built_at = pd.Series(levels_of(built_table[STOCK]), index=built_table["id"].to_numpy())
    except FileNotFoundError:
        # Built before the build's levels were recorded: which of its levels were set since is not known.
        differ = held & ~same_levels(now, new)
        if differ.any():
            log.warning("%d product%s of %s ha%s a stock level other than styles.csv's (ids %s); that index was "
                        "built before a build recorded styles.csv's levels, so which were set since is not known: "
                        "styles.csv's are taken (set them again with `fashionrec index stock`)", differ.sum(),
                        "s" if differ.sum() != 1 else "", index_dir, "ve" if differ.sum() != 1 else "s",
                        ", ".join(map(str, ids[differ][:10])))
        return items, {"kept_ids": [], "file_newer_ids": [], "unknown": int(differ.sum())}
    except (OSError, ValueError, KeyError, pd.errors.ParserError) as e:
        log.warning("cannot read %s (%s: %s); styles.csv's stock levels are taken", index_dir / BUILT_STOCK,
                    type(e).__name__, e)
        return items, None
    known = held & np.isin(ids, built_at.index)
    built = np.full(len(items), np.nan)
    built[known] = built_at.reindex(ids[known]).to_numpy()
    set_since = known & ~same_levels(now, built)
    keep = set_since & same_levels(new, built)
    # Set since, and styles.csv's value changed since too: the newer file wins (said where it differs).
    file_newer = set_since & ~same_levels(new, built) & ~same_levels(new, now)
    if not keep.any():
        return items, {"kept_ids": [], "file_newer_ids": [int(i) for i in ids[file_newer]], "unknown": 0}
    new[keep] = now[keep]
    items = items.copy()
    if STOCK in items:
        items[STOCK] = new
    else:       # a catalogue without a stock column, whose levels were all set through the API
        items.insert(items.columns.get_loc("image_path"), STOCK, new)
    return items, {"kept_ids": [int(i) for i in ids[keep]], "file_newer_ids": [int(i) for i in ids[file_newer]],
                   "unknown": 0}


def stock_kept_said(record: dict, written: dict | None = None) -> str:
    """What a rebuild did with the levels set since the build it replaced (``keep_levels_set_since``'s record, the
    manifest's ``stock_set_since``), in words; the shop's spellings after the numbers where ``written`` (the
    manifest's ids_as_written) has them (a Handle shop's rebuild named its products by hash: stop 75, h75integ)."""
    from fashionrec.catalog import ids_said

    kept, newer, unknown = record.get("kept_ids") or [], record.get("file_newer_ids") or [], record.get("unknown") or 0
    said = []
    if kept:
        said.append(f"kept {len(kept)} stock level{'s' if len(kept) != 1 else ''} set since the last build "
                    f"(ids {ids_said(written, kept, 10)}): styles.csv's level for "
                    f"{'them' if len(kept) != 1 else 'it'} is the one that build read")
    if newer:
        said.append(f"took styles.csv's level for {len(newer)} product{'s' if len(newer) != 1 else ''} whose level "
                    f"was set since the last build (ids {ids_said(written, newer, 10)}): styles.csv's changed since, "
                    "and the newer file wins")
    if unknown:
        said.append(f"took styles.csv's level for {unknown} product{'s' if unknown != 1 else ''} whose level "
                    "differed from it: the index replaced was built before builds recorded styles.csv's levels, so "
                    "which were set since is not known")
    return "; ".join(said)


def levels_set_since(index_dir: Path, items: pd.DataFrame) -> int | None:
    """How many catalogue products of ``items`` (the index at ``index_dir``'s) have a level other than the one
    styles.csv gave them at its build (:data:`BUILT_STOCK`): those set since (``index stock``, the API), which a
    rebuild keeps unless styles.csv's value changed since. None where the build recorded no levels (an index built
    before stop 68, or the record unreadable): a rebuild then reads every level from styles.csv again."""
    from fashionrec.index_build import added_since_build

    try:
        built_table = pd.read_csv(index_dir / BUILT_STOCK, dtype={"id": np.int64})
        built_at = pd.Series(levels_of(built_table[STOCK]), index=built_table["id"].to_numpy())
    except (OSError, ValueError, KeyError, pd.errors.ParserError):
        return None
    catalogue = items[~added_since_build(items)]
    ids = catalogue["id"].astype(np.int64).to_numpy()
    now = levels_of(catalogue[STOCK]) if STOCK in catalogue else np.full(len(ids), np.nan)
    known = np.isin(ids, built_at.index)
    built = np.full(len(ids), np.nan)
    built[known] = built_at[~built_at.index.duplicated()].reindex(ids[known]).to_numpy()
    return int((known & ~same_levels(now, built)).sum())


def stock_at_rebuild_said(index_dir: Path, items: pd.DataFrame) -> str:
    """What a rebuild of the index at ``index_dir`` (``items``) does with its stock levels, for advice to rebuild
    (``index check``, ``/health``: stop 69, they said nothing of it); "" where there is nothing to say."""
    n = levels_set_since(index_dir, items)
    if n is None:
        if STOCK not in items or np.isnan(levels_of(items[STOCK])).all():
            return ""
        return ("it was built before builds recorded styles.csv's stock levels, so a rebuild reads every level from "
                "styles.csv again and any set since (`fashionrec index stock`, PUT /api/stock) is lost: keep a copy "
                "first with `fashionrec index stock --export FILE` and set them again after with "
                "`fashionrec index stock --from FILE --skip-unknown` (the products the rebuild dropped skipped)")
    if not n:
        return ""
    return (f"a rebuild keeps the {n} stock level{'s' if n != 1 else ''} set since its build (`fashionrec index "
            "stock`, PUT /api/stock) unless styles.csv's value for the product changed since")


# The export's column (`index stock --export FILE`, stop 71) of the level the catalogue's file gave each product: what
# `--from` of that copy after a rebuild compares with the level the rebuild read, to leave alone what the file changed.
CATALOGUE_STOCK = "catalogue_stock"


def catalogue_levels(index_dir: Path, data_dir: str | Path | None) -> pd.Series | None:
    """The level the catalogue's file gave each product of the index at ``index_dir`` (id -> float64, NaN for none):
    the one its build read (:data:`BUILT_STOCK`), else, for an index built before builds recorded it, the one its
    catalogue ``data_dir`` gives now (read as a build reads it); None where neither can be read."""
    try:
        built = pd.read_csv(index_dir / BUILT_STOCK, dtype={"id": np.int64})
        return pd.Series(levels_of(built[STOCK]), index=built["id"].to_numpy())
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, pd.errors.ParserError) as e:
        log.warning("cannot read %s (%s: %s)", index_dir / BUILT_STOCK, type(e).__name__, e)
        return None
    if not data_dir:
        return None
    from fashionrec.catalog import styles_table

    try:
        table = styles_table(data_dir)
    except (OSError, FashionrecError) as e:
        log.warning("cannot read the catalogue %s for its stock levels (%s)", data_dir, e)
        return None
    levels = levels_of(table[STOCK]) if STOCK in table else np.full(len(table), np.nan)
    return pd.Series(levels, index=table["id"].astype(np.int64).to_numpy())


def with_catalogue_levels(table: pd.DataFrame, index_dir: Path, data_dir: str | Path | None) -> pd.DataFrame:
    """``table`` (a levels listing, ``stock_list.levels_table``'s) with :data:`CATALOGUE_STOCK` last, the level the
    catalogue's file gave each product (:func:`catalogue_levels`; empty for none), as a copy of them is written
    (`index stock --export`, and since stop 72 ``GET /api/stock?format=csv``, whose copy `--from` set again after a
    rebuild put back levels the shop had written into styles.csv since); ``table`` as it is where they cannot be
    read."""
    from fashionrec.stock import level_said

    given = catalogue_levels(index_dir, data_dir)
    if given is None:
        return table
    given = given[~given.index.duplicated()]
    return table.assign(**{CATALOGUE_STOCK: [level_said(v) for v in given.reindex(table["id"].to_numpy()).to_numpy()]})


def changed_since_copy(index_dir: Path, copied: dict[str, str | None]) -> list[str]:
    """The keys of ``copied`` (an export's ids as written -> :data:`CATALOGUE_STOCK` as written) whose level the index
    at ``index_dir``'s build read from its catalogue is not the one the copy says the catalogue gave: the file changed
    since the copy was made, and its newer level wins over the copy's, as a rebuild's does over a level set since
    (keep_levels_set_since). [] where that build recorded no levels."""
    from fashionrec.catalog import read_id
    from fashionrec.stock import stock_level

    try:
        built = pd.read_csv(index_dir / BUILT_STOCK, dtype={"id": np.int64})
    except (OSError, ValueError, pd.errors.ParserError):
        return []
    now = dict(zip(built["id"].tolist(), levels_of(built[STOCK]).tolist(), strict=True))
    changed = []
    for key, cell in copied.items():
        try:
            item_id, was = read_id(str(key).strip()), stock_level(cell)
        except ValueError:
            continue        # (no id or no level: set as given, and set_stock says what is wrong)
        if item_id in now and not same_levels(np.float64(now[item_id]), np.float64(was)):
            changed.append(key)
    return changed


def over_catalogue(index_dir: Path, data_dir: str | Path | None, items: pd.DataFrame,
                   levels: dict[str, str | None]) -> list[tuple[str, float, float]]:
    """(id as written, the catalogue's level, the file's) of each of ``levels`` (a copy's, {id as written: level as
    written}) that would set another level over the one the catalogue's file gives its product
    (:func:`catalogue_levels`) where the index at ``index_dir`` (``items``) holds that one, not a level set since:
    what a copy without :data:`CATALOGUE_STOCK` set again after a rebuild would put back over a newer file's level
    (stop 72). [] where the catalogue's levels cannot be read."""
    from fashionrec.catalog import read_id
    from fashionrec.stock import stock_level

    catalogue = catalogue_levels(index_dir, data_dir)
    if catalogue is None or STOCK not in items:
        return []
    gave = dict(zip(catalogue.index.tolist(), catalogue.to_numpy().tolist(), strict=True))
    now = dict(zip(items["id"].astype(int).tolist(), levels_of(items[STOCK]).tolist(), strict=True))
    over = []
    for key, cell in levels.items():
        try:
            item_id, level = read_id(str(key).strip()), stock_level(cell)
        except ValueError:
            continue        # (no id or no level: set_stock says what is wrong)
        if item_id not in now or item_id not in gave:
            continue
        file_level, held = np.float64(gave[item_id]), np.float64(now[item_id])
        if same_levels(held, file_level) and not same_levels(np.float64(level), file_level):
            over.append((str(key), float(file_level), float(level)))
    return over
