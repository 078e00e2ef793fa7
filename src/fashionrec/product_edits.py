"""Correcting a product's labels, name, year or price in an index without a rebuild (stop 74): :class:`ProductEdits`,
a part of :class:`fashionrec.recommend.Recommender` (``fashionrec index edit``, the API's ``PATCH /api/items/{id}``).

Before, a label typo ("Balck"), a product filed under the wrong type ("Senorita Women Blue Flats" as Ipad), a
wrong colour, a new name or price stayed until styles.csv was fixed and the index rebuilt (minutes at 40k). An edit
changes the values the index serves (filters, reasons, looks, text search's masks and the product's text
embedding); the photo is the same, so its photo embedding is kept.

Kept across a rebuild as stock levels set since a build are (:mod:`fashionrec.stock_kept`): the manifest records,
per catalogue product edited, each field's value before the first edit (the one styles.csv gave it) and after the
last (:data:`EDITED`). A rebuild keeps an edit while styles.csv still gives the value the edit replaced; where the
file now gives the edited value (the shop fixed its row) the record is dropped; where it gives a third value, the
newer file wins, said. A product added since the build (no row) is carried over with its values as they are.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import math
import re
import unicodedata
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np
import pandas as pd

from fashionrec.artifacts import read_json
from fashionrec.catalog import ATTRIBUTES, PLACEHOLDER_NAME, PRICE, first_few, id_said, ids_said
from fashionrec.errors import BadInputError, FashionrecError
from fashionrec.export_prices import KEPT, NEWER, FilePrices, edit_stands, same_amount
from fashionrec.item_tables import plain, price_of, price_values
from fashionrec.name_colours import COLOUR_FROM
from fashionrec.regular_prices import REGULAR_PRICE
from fashionrec.results import FILTER_KEYS
from fashionrec.text_encoder import TEXT_FIELDS, encode_text, product_text

log = logging.getLogger(__name__)

# The manifest's record of the catalogue products edited since the build: {"id": {field: [before, after]}}.
EDITED = "edited"
# The manifest's log of the edits made, for an audit (`fashionrec index check`, stop 75): [{"id", "changed": {field:
# [was, now]}, "at": UTC time, "by": the command or request}], the latest last. EDITED says only which values stand
# against styles.csv, not when or by what (an added product's edits not at all).
EDIT_LOG = "edit_log"
# Edits the log keeps, the latest: the manifest is written at each save (68 KB at 40k; 200 entries ~ 30 KB more).
LOGGED_EDITS = 200
# ... and what it let go of the older ones: {"count", "first_at", "last_at"} (the oldest's and the latest's times),
# so that `index check` says the log is not every edit (stop 76, h76keep: 205 edits, "200 edits logged", no word).
EDIT_LOG_DROPPED = "edit_log_dropped"
# The fields an edit changes: the labels, the name, the year, the price and the regular price beside a sale price
# (stop 77; not the id, the photo or the stock level, which `index stock` sets).
EDITABLE = (*ATTRIBUTES, "productDisplayName", "year", PRICE, REGULAR_PRICE)
# The amounts among them: a column of float64 in the items.
AMOUNTS = (PRICE, REGULAR_PRICE)
# The words that give a regular price of none (the product not on sale), beside null and "".
NO_REGULAR_WORDS = frozenset({"none", "null", "n/a", "-"})
# Known values listed in a refusal where a head has at most this many (a colour's 46; a type's 140 are not).
LISTED_VALUES = 50


def same_value(a, b) -> bool:
    """Whether two values of a field are the same: as numbers where both are (2012 and 2012.0), else as text with
    spacing folded; None, NaN and "" are the same (no value)."""
    a, b = plain(a), plain(b)
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    try:
        return math.isclose(float(a), float(b))
    except (TypeError, ValueError):
        return " ".join(str(a).split()) == " ".join(str(b).split())


def recorded_edits(record: dict, item_id: int, before: dict, after: dict) -> dict:
    """The manifest's :data:`EDITED` record with product ``item_id``'s fields changed from ``before`` to ``after``:
    each field's first value kept (the one styles.csv gave it), its last one set; a field edited back to its first
    value is no edit any more."""
    out = {k: dict(v) for k, v in (record or {}).items()}
    fields = out.get(str(item_id), {})
    for field, now in after.items():
        first = fields[field][0] if field in fields else plain(before.get(field))
        if same_value(first, now):
            fields.pop(field, None)
        else:
            fields[field] = [first, plain(now)]
    if fields:
        out[str(item_id)] = fields
    else:
        out.pop(str(item_id), None)
    return out


def keep_edits_since(record: dict | None, items: pd.DataFrame) -> tuple[pd.DataFrame, dict, list[str]]:
    """``items`` (a rebuild's, each value styles.csv's) with the edits of ``record`` (the replaced index's
    :data:`EDITED`) kept where styles.csv still gives the value an edit replaced; the record of the edits kept (for
    the new manifest, so that the next rebuild keeps them too); and what is said of those dropped. An edit of a
    product no longer in the catalogue goes with it."""
    if not record:
        return items, {}, []
    row_of = {int(i): r for r, i in enumerate(items["id"].to_numpy())}
    kept: dict = {}
    fixed, newer = [], []
    items = items.copy()
    for key, fields in record.items():
        row = row_of.get(int(key))
        if row is None:
            continue
        for field, (first, last) in fields.items():
            now = items[field].iat[row] if field in items else None
            stands = edit_stands(first, last, now, same_value)
            if stands == KEPT:
                if field not in items:      # a first price in a catalogue without the column
                    items[field] = np.nan
                if field in AMOUNTS:
                    items[field] = items[field].astype(float)
                items.iat[row, items.columns.get_loc(field)] = np.nan if last is None and field in AMOUNTS else last
                if field == "baseColour" and COLOUR_FROM in items:
                    # The shop's colour, as the edit made it (edit_product): not the name's or the photo's reading
                    # the rebuild filled in again (an edited colour came back "read from photo"; stop 75's review).
                    items.iat[row, items.columns.get_loc(COLOUR_FROM)] = None
                kept.setdefault(key, {})[field] = [first, last]
            elif stands != NEWER:
                fixed.append(f"{key} {field}")
            else:
                newer.append(f"{key} {field} {plain(now)!r} (edited to {last!r})")
    said = []
    if fixed:
        said.append(f"styles.csv now gives {len(fixed)} edited value{'s' if len(fixed) != 1 else ''} itself "
                    f"({first_few(fixed, 10)}): no longer recorded as edits")
    if newer:
        said.append(f"took styles.csv's value of {len(newer)} field{'s' if len(newer) != 1 else ''} edited since "
                    f"the last build, whose row changed since ({first_few(newer, 10)}): the newer file wins; "
                    "`fashionrec index edit` them again if the edit should stand")
    return items, kept, said


def edits_made_meanwhile(index_dir: Path, before: dict | None) -> list[str]:
    """What to say of the edits the index at ``index_dir`` records now but did not as ``before`` (the record a
    rebuild read when it began, None where it keeps none: another catalogue's): made by a server while the rebuild
    embedded, after it read them, so not in the new index. Read under the folder's change lock, as the stock levels
    set meanwhile are; the edit is said, to be made again, rather than lost without a word."""
    if before is None or not (index_dir / "manifest.json").exists():
        return []       # (none there: a first build, which every first build said was unreadable; stop 75's review)
    try:
        now = read_json(index_dir / "manifest.json").get(EDITED) or {}
    except (OSError, ValueError, AttributeError, FashionrecError) as e:
        # Said, not taken for "none edited": an edit made meanwhile would be lost without a word.
        return [f"could not read {index_dir / 'manifest.json'} to see whether products were edited while this build "
                f"ran ({e}): an edit made then is not in the new index; `fashionrec index edit` it again"]
    late = [key for key, fields in now.items() if (before or {}).get(key) != fields]
    if not late:
        return []
    many = len(late) != 1
    return [f"product{'s' if many else ''} {first_few(late, 10)} of {index_dir} {'were' if many else 'was'} edited"
            " while this build ran, after it read the edits: the new index has the values before that edit; "
            "`fashionrec index edit` them again"]


def logged_edit(manifest: dict, item_id: int, changed: dict, by: str) -> dict:
    """The manifest's :data:`EDIT_LOG` with an edit of ``item_id`` (``changed``: {field: (was, now)}) made now by
    ``by``, the oldest let go past :data:`LOGGED_EDITS` and counted in :data:`EDIT_LOG_DROPPED`: {key: value} to
    update ``manifest`` with."""
    entry = {"id": int(item_id), "changed": {f: [plain(was), plain(now)] for f, (was, now) in changed.items()},
             "at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), "by": by}
    log_ = [*(manifest.get(EDIT_LOG) or []), entry]
    gone, kept = log_[:-LOGGED_EDITS], log_[-LOGGED_EDITS:]
    if not gone:
        return {EDIT_LOG: kept}
    before = manifest.get(EDIT_LOG_DROPPED) or {}
    return {EDIT_LOG: kept, EDIT_LOG_DROPPED: {"count": int(before.get("count") or 0) + len(gone),
                                               "first_at": before.get("first_at") or gone[0].get("at"),
                                               "last_at": gone[-1].get("at")}}


def edit_log_dropped_said(record: dict | None) -> str:
    """What the log let go of (:data:`EDIT_LOG_DROPPED`), in words ("" for nothing)."""
    if not record or not record.get("count"):
        return ""
    n = int(record["count"])
    when = (str(record.get(key) or "?").replace("T", " ")[:19] for key in ("first_at", "last_at"))
    return (f"{n} older edit{'s' if n != 1 else ''} not logged any more (made {' to '.join(when)} UTC): the log keeps "
            f"the last {LOGGED_EDITS}")


def edited_written(log_: list | None, record: dict | None, written: dict | None) -> dict[str, str]:
    """{id: as the shop writes it} of the products ``log_`` (:data:`EDIT_LOG`) and ``record`` (:data:`EDITED`) name,
    where ``written`` (the manifest's ids_as_written) has a spelling: `index check --json` gave a Handle shop's edits
    by hash alone (stop 75, h75integ's gap)."""
    named = {str(e.get("id")) for e in log_ or []} | {str(i) for i in record or {}}
    return {i: written[i] for i in sorted(named) if i in (written or {})}


def edit_log_said(log_: list | None, last: int = 10, written: dict | None = None) -> list[str]:
    """The edits of the manifest's :data:`EDIT_LOG` in words, the ``last`` latest (`fashionrec index check`), each
    product with the shop's spelling of its id beside its number where ``written`` (the manifest's ids_as_written)
    has one: a Handle shop's log named the hash alone (stop 75, h75integ)."""
    lines = []
    for entry in (log_ or [])[-last:]:
        changes = ", ".join(f"{f} {was!r} -> {now!r}" for f, (was, now) in entry.get("changed", {}).items())
        lines.append(f"{str(entry.get('at', '?')).replace('T', ' ')[:19]} UTC, {entry.get('by', '?')}: product "
                     f"{_id_said(written, entry.get('id'))} {changes}")
    return lines


def _id_said(written: dict | None, item_id) -> str:
    """A logged id as a message says it (:func:`~fashionrec.catalog.id_said`); as logged where it is no number."""
    try:
        return id_said(written, int(item_id))
    except (TypeError, ValueError):
        return str(item_id)


def edits_said(record: dict, written: dict | None = None) -> str:
    """The products an index records edits of, in words (`index check`, a rebuild's summary), the shop's spellings
    after their numbers where ``written`` (the manifest's ids_as_written) has them."""
    if not record:
        return ""
    return (f"{len(record)} catalogue product{'s' if len(record) != 1 else ''} edited since the build (ids "
            f"{ids_said(written, list(record), 10)}): a rebuild keeps the edits while styles.csv gives the values they "
            "replaced")


class ProductEdits:
    """Editing a product's values: a part of :class:`fashionrec.recommend.Recommender`, whose change machinery
    (:meth:`~fashionrec.catalogue_edits.CatalogueEdits._change`: the folder's lock, its intent file, the undo and
    the save) an edit goes through as an add or a removal does."""

    def edit_product(self, item_id, changes: dict, allow_new_values: bool = False, save: bool = True,
                     warnings: list[str] | None = None,
                     exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext,
                     by: str = "Recommender.edit_product") -> dict:
        """Change product ``item_id``'s fields (``changes``: {field: value} of :data:`EDITABLE`), without a
        rebuild; returns {field: (before, after)} of the fields that changed ({} where each was as given). Each
        value is checked before any changes: a label no product has is refused, the close ones and the known ones
        named, unless ``allow_new_values``; one `fashionrec data check` takes for a typo is said in ``warnings``.
        A new type takes the categories the index files it under, where none are given. The product's text
        embedding is made anew where a field of its text changed; its photo embedding stays. Persists the folder:
        the edited rows alone, as a generation (index_delta, stop 75). The manifest's :data:`EDIT_LOG` records what
        changed, when and ``by`` what (the command, the request), which `fashionrec index check` lists."""
        with self._changing_folder(save):
            if save:
                self._check_not_replaced()
            item_id = self._checked_ids([item_id], "changed")[0]
            item = self.item(item_id)
            given, said = self._checked_edit(item, changes, allow_new_values)
            changed = {f: v for f, v in given.items() if not same_value(item.get(f), v)}
            if not changed:
                return {}
            row = self._row[item_id]
            items = self.items.copy()
            for field, value in changed.items():
                if field not in items:
                    items[field] = np.nan       # a first price: a column of items.csv from then on
                if field in AMOUNTS and items[field].dtype != np.float64:
                    items[field] = items[field].astype(float)
                items.iat[row, items.columns.get_loc(field)] = value
            if "baseColour" in changed and COLOUR_FROM in items:
                # The shop's own colour now, no longer one read from an option, the name or the photo (stop 74's
                # name_colours): the item said "read from name" over a colour the shop had just set.
                items.iat[row, items.columns.get_loc(COLOUR_FROM)] = None
            text = self.text_embeddings
            if set(changed) & set(TEXT_FIELDS):
                text = text.copy()
                text[row] = encode_text([product_text(items.iloc[row].to_dict())])[0]
            manifest = dict(self.manifest)
            if self._is_catalogue_product(item):
                manifest[EDITED] = recorded_edits(manifest.get(EDITED) or {}, item_id, item, changed)
            manifest.update(logged_edit(manifest, item_id, {f: (item.get(f), v) for f, v in changed.items()}, by))
            change, undo = self._attrs_change(item_id, item, {**item, **changed}, set(changed))
            if self._base_files is not None:
                # Its row saved in the next generation (index_delta: 534 MB written at 40k for one row, stop 75);
                # kept there where the edit fails: its values as they are then, the same as the base's.
                self._base_files.edited.add(item_id)
            self._change((items, self.embeddings, text), manifest, change, undo, exclusive, save, [item_id],
                         "edit", edited=(set(changed), [row]))
        for line in said:
            log.warning("%s", line)
            if warnings is not None:
                warnings.append(line)
        log.info("edited product %d: %s", item_id, ", ".join(f"{f} {item.get(f)!r} -> {v!r}"
                                                             for f, v in changed.items()))
        return {f: (plain(item.get(f)), plain(v)) for f, v in changed.items()}

    def set_prices(self, prices: dict, save: bool = True,
                   exclusive: Callable[[], AbstractContextManager] = contextlib.nullcontext) -> FilePrices:
        """Set products' prices and regular prices as a shop's newer export gives them ({id: (price, regular
        price)}, NaN for none: export_prices.file_prices), without a rebuild (stop 77: `index stock --from` set
        levels alone, so a sale that ended kept its sale price until a rebuild). A field a hand edited (the
        manifest's :data:`EDITED`) stands while the export gives the value the edit replaced; where it gives the
        edited value the edit is no longer recorded, and where a third the export wins, said (keep_edits_since's
        rule at a rebuild). Every id is checked before any changes. Persists the folder (the changed rows, as an
        edit's: index_delta), which a server of it loads as it loads a stock change."""
        with self._changing_folder(save):
            if save:
                self._check_not_replaced()
            ids = self._checked_ids(list(prices), "changed")
            given = {i: prices[k] for k, i in zip(prices, ids, strict=True)}
            record = {k: dict(v) for k, v in (self.manifest.get(EDITED) or {}).items()}
            price_now = self.prices()
            price_now = np.full(len(self.items), np.nan) if price_now is None else price_now
            regular_now = (price_values(self.items[REGULAR_PRICE]) if REGULAR_PRICE in self.items
                           else np.full(len(self.items), np.nan))
            done = FilePrices({})
            rows, values = [], []
            for item_id, (price, regular) in given.items():
                row = self._row[item_id]
                was = (float(price_now[row]), float(regular_now[row]))
                now = [float(price), float(regular)]
                fields = record.get(str(item_id), {})
                for j, name in enumerate(AMOUNTS):
                    if name not in fields:
                        continue
                    first, last = fields[name]
                    stands = edit_stands(first, last, plain(now[j]), same_value)
                    if stands == KEPT:
                        now[j] = math.nan if last is None else float(last)
                        done.kept_by_hand.append(item_id)
                    else:       # the export gives the hand's value, or a newer one: no edit any more
                        if stands == NEWER:
                            done.file_won.append(f"{self.id_said(item_id)} {name} {plain(now[j])!r} (edited to "
                                                 f"{last!r})")
                        del fields[name]
                        if not fields:
                            record.pop(str(item_id))
                if not (same_amount(was[0], now[0]) and same_amount(was[1], now[1])):
                    done.changed[item_id] = (*was, *now)
                    rows.append(row)
                    values.append(now)
            done.kept_by_hand = sorted(set(done.kept_by_hand))
            if not done.changed and record == (self.manifest.get(EDITED) or {}):
                return done
            items = self.items.copy()
            for column, j in ((PRICE, 0), (REGULAR_PRICE, 1)):
                if column not in items and not any(math.isfinite(v[j]) for v in values):
                    continue        # (a catalogue without a sale stays without the column, as a build leaves it)
                items[column] = (items[column].astype(float) if column in items
                                 else np.full(len(items), np.nan))
                items.iloc[rows, items.columns.get_loc(column)] = [v[j] for v in values]
            manifest = dict(self.manifest)
            manifest[EDITED] = record
            if self._base_files is not None:
                self._base_files.edited.update(done.changed)     # their rows in the next generation, as an edit's
            self._change((items, self.embeddings, self.text_embeddings), manifest, lambda: None, lambda: None,
                         exclusive, save, list(done.changed), "edit", edited=(set(AMOUNTS), rows))
        log.info("prices of %d product%s set", len(done.changed), "" if len(done.changed) == 1 else "s")
        return done

    @staticmethod
    def _is_catalogue_product(item: dict) -> bool:
        """Whether ``item`` is a row of the catalogue (its photo the catalogue's, an absolute path), which a rebuild
        reads from styles.csv again; a product added since is carried over with its values."""
        return Path(str(item.get("image_path") or "")).is_absolute()

    def _attrs_change(self, item_id: int, before: dict, after: dict, fields: set) -> tuple[Callable, Callable]:
        """(change, undo) of the vector index for an edit: a vector index that keeps the filter values beside each
        vector (Milvus) has the product's vector put in again with the new ones; FAISS keeps none."""
        from fashionrec.index.faiss_index import FaissIndex

        if isinstance(self.index, FaissIndex) or not fields & set(FILTER_KEYS):
            return (lambda: None), (lambda: None)
        ids = np.array([item_id], np.int64)
        vector = self.index_vectors(self.embeddings[[self._row[item_id]]])

        def put(values: dict) -> Callable:
            def again() -> None:
                self.index.remove(ids)
                self.index.add(ids, vector, attrs=[{f: plain(values.get(f)) for f in FILTER_KEYS}])
            return again
        return put(after), put(before)

    def _checked_edit(self, item: dict, changes: dict, allow_new_values: bool) -> tuple[dict, list[str]]:
        """({field: value} as the index keeps it, what to say) of an edit's ``changes``, every field checked before
        any is taken: a BadInputError naming each that is wrong, and how to fix it."""
        if not isinstance(changes, dict) or not changes:
            raise BadInputError(f"nothing to change: give one or more of {', '.join(EDITABLE)}")
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            extra = ("; a stock level is set by `fashionrec index stock` (API: PUT /api/items/{id}/stock)"
                     if "stock" in unknown else "")
            raise BadInputError(f"{', '.join(unknown)} cannot be edited; the fields an edit changes are "
                                f"{', '.join(EDITABLE)}{extra}")
        bad, said, out = [], [], {}
        typos = self.manifest.get("possible_typos") or {}
        for field, value in changes.items():
            if field in ATTRIBUTES or field == "productDisplayName":
                if not isinstance(value, str) or not " ".join(value.split()):
                    bad.append(f"{field} must be text that is not blank, got {value!r}")
                    continue
                value = " ".join(value.split())
            if field == "productDisplayName":
                # As an add checks a name: one line, nothing that turns the text after it around.
                from fashionrec.catalogue_edits import BIDI_CONTROLS

                if any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in value):
                    bad.append(f"productDisplayName {value!r} has control characters: send the name as text")
                    continue
                if re.search(PLACEHOLDER_NAME, value):
                    said.append(f"product {item['id']}'s name {value!r} reads as a placeholder (a test or a file "
                                "name): it is listed last in a search and never shown as a similar item, a photo's "
                                "match, a look's piece or a pick; give its real name")
            elif field in ATTRIBUTES:
                known = self.canonical_value(field, value)
                if known is None and not allow_new_values:
                    bad.append(self._unknown_label(field, value))
                    continue
                value = known or value
                like = (typos.get(field) or {}).get(value)
                if like:
                    said.append(f"{field} {value!r} of product {item['id']} looks like a typo of {like!r}, as "
                                "`fashionrec data check` says of the catalogue's rows with it: set as given")
            elif field == "year":
                try:
                    # (2012.7 was taken as 2012 without a word, and an infinite year ended in an OverflowError)
                    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
                        raise ValueError(value)
                    value = int(value)
                    if not 1900 <= value <= 2100:
                        raise ValueError(value)
                except (TypeError, ValueError, OverflowError):
                    bad.append(f"year must be a whole number from 1900 to 2100, got {changes[field]!r}")
                    continue
            elif field == PRICE:
                from fashionrec.catalogue_edits import _given_price

                try:
                    value, read = _given_price(value, self.price_scale())
                except BadInputError as e:
                    bad.append(str(e))
                    continue
                if read:
                    said.append(read)
            elif field == REGULAR_PRICE:
                if value is None or isinstance(value, str) and value.strip().casefold() in {"", *NO_REGULAR_WORDS}:
                    value = math.nan        # no regular price: not on sale
                else:
                    from fashionrec.catalogue_edits import _given_price

                    try:
                        value, read = _given_price(value, self.price_scale())
                    except BadInputError as e:
                        bad.append(f"regular_price: {e} (or null for none: not on sale)")
                        continue
                    if read:
                        said.append(f"regular_price: {read}")
            out[field] = value
        bad += self._sale_checked(item, out, said)
        if bad:
            raise BadInputError("; ".join(bad) + "; nothing was changed")
        # A new type takes the group and category the index files it under (as an add's does), where not given:
        # Flats under Footwear / Shoes, not the Ipad's Accessories it was filed with.
        new_type = out.get("articleType")
        if new_type and not same_value(new_type, item.get("articleType")):
            others = self.items[(self.items["articleType"] == new_type) & (self.items["id"] != item["id"])]
            for head in ("subCategory", "masterCategory"):
                if head not in out and head in others and others[head].notna().any():
                    filed = others[head].mode().iloc[0]
                    if not same_value(filed, item.get(head)):
                        out[head] = filed
                        said.append(f"product {item['id']}'s {head} follows its new type {new_type!r}: "
                                    f"{item.get(head)!r} -> {filed!r}, as this index files {new_type}; give "
                                    f"{head} yourself if that is wrong")
        return out, said

    @staticmethod
    def _sale_checked(item: dict, out: dict, said: list[str]) -> list[str]:
        """What is wrong of an edit's regular price beside the price the product has after it (stop 77): a regular
        price is the price before a sale, so one at or below the price is refused, as is one of a product without a
        price. A price edited to or above the regular price it had ends the sale: the regular price goes with it,
        said in ``said`` (``out`` changed), where it had stayed as a sale no product could show."""
        price = out[PRICE] if PRICE in out else price_of(item)
        regular = out.get(REGULAR_PRICE, math.nan)
        if REGULAR_PRICE in out and math.isfinite(regular):
            if not math.isfinite(price):
                return [f"regular_price {regular:g} of product {item['id']}, which has no price: give its price too "
                        "(price, the one it sells at)"]
            if regular <= price:
                return [f"regular_price {regular:g} is not above product {item['id']}'s price {price:g}: a regular "
                        "price is the one before a sale, above the price it sells at; give a lower price with it, or "
                        "no regular price for no sale (API: null; CLI: --regular-price none)"]
        elif PRICE in out:
            before = price_of({PRICE: item.get(REGULAR_PRICE)})
            if math.isfinite(before) and math.isfinite(price) and before <= price:
                out[REGULAR_PRICE] = math.nan
                said.append(f"product {item['id']} is no longer on sale: its price {price:g} is not below its regular "
                            f"price {before:g}, which was taken away with it")
        return []

    def _unknown_label(self, field: str, value: str) -> str:
        """Why ``value`` is refused as ``field``: no product has it; the close values, and the known ones where
        they are few."""
        hint = self._did_you_mean(field, value)
        values = sorted(v for v in self.filter_values().get(field, []) if v)
        listed = f"; known: {', '.join(values)}" if len(values) <= LISTED_VALUES else ""
        return (f"no product has {field} {value!r}{f' ({hint})' if hint else ''}{listed}. A new value needs "
                "allow_new_values (API: allow_new_values=true; CLI: --new-values)")
