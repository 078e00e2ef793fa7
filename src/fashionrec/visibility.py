"""Whether a shop's export marks a product hidden from its shop (stop 73): a BigCommerce "Product Visible?" of N, a
Shopify "Published" of FALSE or "Status" of draft or archived, a WooCommerce "Published" of 0 (a draft) or -1
(private) or "Visibility in catalog" of hidden, a Magento 2 "product_online" of 2 or "visibility" of Not Visible
Individually.

Such a product was read as any other (the columns were ignored), so a product a shop had taken off its shelves was a
similar item, a look's piece and a search result (a BigCommerce trial, stop 73). Stop 73 left it out of the catalogue:
no call could then ask for it, and one hidden after a build stayed shown until the next. Since stop 74 it is kept
and indexed, and the index's manifest holds ``{id: why}`` of those hidden (:data:`HIDDEN`), as it holds the ids of
blank photos: the readers of what a shopper is shown leave them out with the products they set aside (item_tables),
never shown, not even where a call asks for sold-out products; the shop asks for one by id and is told it is hidden;
``index stock --hide/--unhide``, ``PUT /api/items/{id}/hidden`` and ``index stock --from`` of an export change which
without a rebuild, as stock levels are changed.

BigCommerce's "Allow Purchases?" N is a product shown but not for sale: read as sold out (its level 0), as the shop
sells none of it (:data:`NOT_FOR_SALE_WHEN`).

Only a product's own line is read: a Shopify size line and a WooCommerce or BigCommerce variation leave these cells
empty or say a size's own state, and a product hidden hides its sizes. An empty cell, or a word not listed here,
is visible: a catalogue without these columns reads as before.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager

from fashionrec.column_map import spelling

# Header names (as column_map.spelling writes them) -> the cell values (casefolded) that mean hidden.
HIDDEN_WHEN: dict[str, frozenset[str]] = {
    # BigCommerce's legacy export ("Product Visible?": Y/N) and its modern one ("Is Visible": TRUE/FALSE)
    "productvisible?": frozenset({"n", "no", "false", "0"}),
    "productvisible": frozenset({"n", "no", "false", "0"}),
    "isvisible": frozenset({"n", "no", "false", "0"}),
    "visible": frozenset({"n", "no", "false", "0"}),
    # Shopify's (TRUE/FALSE) and WooCommerce's (1 published, 0 a draft, -1 private)
    "published": frozenset({"false", "f", "no", "n", "0", "-1"}),
    # Shopify's product status (active, draft, archived); WooCommerce's REST export's (publish, draft, pending,
    # private)
    "status": frozenset({"draft", "archived", "pending", "private"}),
    # WooCommerce's (visible, catalog: shop pages only, search: search only, hidden: neither)
    "visibilityincatalog": frozenset({"hidden"}),
    "catalogvisibility": frozenset({"hidden"}),
    # fashionrec's own (stop 74): `index stock --export`'s and GET /api/stock?format=csv's column, read back by --from.
    # A shop's own column of that name is read so too (stop 75, looked into): no shop export we know writes one, and
    # a column named "hidden" whose true, yes, y or 1 meant anything but hidden is none we could find (Matrixify's
    # "Metafield: seo.hidden", a product hidden from search engines only, is another name, not read). The trap is
    # its other words: one neither here nor in SHOWN_WHEN ("x", "hidden") is read as shown, and data check says so.
    "hidden": frozenset({"true", "yes", "y", "1"}),
    # Magento 2's product export (stop 77, a new user's trial: both were ignored, its disabled products and the sizes
    # of its configurable products, each a row of its own, were recommended as any other): product_online 1 is
    # enabled, 2 disabled; visibility "Catalog, Search", "Catalog" or "Search" is shown, "Not Visible Individually"
    # is a configurable product's child (one size and colour of it), sold through its product's page alone.
    "productonline": frozenset({"2", "0"}),
    "visibility": frozenset({"not visible individually"}),
}
# ... and the words (casefolded) each column writes of a product it shows. A cell in neither set (a Status
# "inactive", a hidden "x") is read as shown, as an empty one; `data check` names such words, by column (stop 75:
# they were read as shown without a word).
SHOWN_WHEN: dict[str, frozenset[str]] = {
    **dict.fromkeys(("productvisible?", "productvisible", "isvisible", "visible"),
                    frozenset({"y", "yes", "true", "1"})),
    "published": frozenset({"true", "t", "yes", "y", "1"}),
    "status": frozenset({"active", "publish", "published"}),
    "visibilityincatalog": frozenset({"visible", "catalog", "search"}),
    "catalogvisibility": frozenset({"visible", "catalog", "search"}),
    "hidden": frozenset({"false", "f", "no", "n", "0"}),
    "productonline": frozenset({"1"}),
    "visibility": frozenset({"catalog, search", "catalog", "search"}),
}


# The manifest's key: {id (as text, JSON's keys): why} of the products the shop hides, kept in the index.
HIDDEN = "hidden"
# An item's (``Recommender.item``, the API's): why the shop hides it, beside ``hidden`` (true).
HIDDEN_BY = "hidden_by"
# Why a product hidden through fashionrec is (``index stock --hide``, ``PUT /api/items/{id}/hidden``).
HIDDEN_BY_HAND = "hidden by the shop (`index stock --hide`, the API)"
# Why a product an export hid through `index stock --from` is (its file's word, not the hand's: stop 75, recorded as
# the hand's, a newer export that showed it again left it hidden at the next rebuild).
HIDDEN_BY_FILE = "hidden by the shop's export (`index stock --from`)"
# ... and the ids the catalogue's file hid at the build, that a rebuild tells a hide set since from the file's by.
HIDDEN_BUILT = "hidden_built"
# ... and what a rebuild kept of the hides and shows set since against the file's word (:func:`hides_kept`).
HIDDEN_SET_SINCE = "hidden_set_since"
# Shown but not for sale (a product page without a cart button): read as sold out, level 0, on a product's own line.
# BigCommerce's legacy export's "Allow Purchases?" (Y/N) (its modern export's "Availability" is not read so: not tried).
NOT_FOR_SALE_WHEN: dict[str, frozenset[str]] = {
    "allowpurchases?": frozenset({"n", "no", "false", "0"}),
    "allowpurchases": frozenset({"n", "no", "false", "0"}),
}


def visibility_columns(header: list[str], taken: set[int]) -> list[int]:
    """Positions of ``header``'s columns (as written) that say whether a product is shown, but for ``taken`` (the
    columns read as something else: a "Status" mapped to a label is not read so)."""
    return [i for i, h in enumerate(header) if spelling(h) in HIDDEN_WHEN and i not in taken]


def not_for_sale_columns(header: list[str], taken: set[int]) -> list[int]:
    """Positions of ``header``'s columns that say a product is shown but not for sale (:data:`NOT_FOR_SALE_WHEN`)."""
    return [i for i, h in enumerate(header) if spelling(h) in NOT_FOR_SALE_WHEN and i not in taken]


def hidden_by(row: list[str], header: list[str], columns: list[int],
              words: dict[str, frozenset[str]] = HIDDEN_WHEN) -> str | None:
    """Why ``row`` is hidden ("'Product Visible?' is 'N'", the first of ``columns`` that says so), None where it is
    not; ``words``: :data:`NOT_FOR_SALE_WHEN` for why it is not for sale."""
    for i in columns:
        cell = row[i].strip() if i < len(row) else ""
        # (cased and spaced as any export writes it, its minus kept: WooCommerce's -1 is private)
        if cell and cell.casefold() in words[spelling(header[i])]:
            return f"{header[i]!r} is {cell!r}"
    return None


def unread_words(row: list[str], header: list[str], columns: list[int]) -> list[tuple[str, str]]:
    """(column as written, cell as written) of ``row``'s cells in ``columns`` that say neither hidden nor shown
    (:data:`HIDDEN_WHEN`, :data:`SHOWN_WHEN`): read as shown, to be said."""
    said = []
    for i in columns:
        cell = row[i].strip() if i < len(row) else ""
        known = HIDDEN_WHEN[spelling(header[i])] | SHOWN_WHEN[spelling(header[i])]
        if cell and cell.casefold() not in known:
            said.append((header[i], cell))
    return said


def hidden_ids(manifest: dict | None) -> dict[int, str]:
    """{id: why} of the products an index's ``manifest`` says its shop hides ({} for none, an index built before
    stop 74 included: its hidden products were left out)."""
    return {int(k): str(v) for k, v in ((manifest or {}).get(HIDDEN) or {}).items()}


def with_hidden(manifest: dict, hidden: dict[int, str]) -> dict:
    """A copy of ``manifest`` with ``hidden`` ({id: why}) as its products hidden, ids in order."""
    return {**manifest, HIDDEN: {str(i): hidden[i] for i in sorted(hidden)}}


def hidden_at_build(report_hidden: dict[int, str], ids, previous: dict | None,
                    file_says: bool = True) -> dict[int, str]:
    """The products a build hides ({id: why}): those of ``report_hidden`` (the catalogue's file's, the loader's) among
    ``ids`` (the products indexed), with the hides and unhides set since the build of ``previous`` (the manifest of
    the index this build replaces, None where none) kept as a level set since is kept (stock_kept).

    The rule (stop 75), as `index stock --from` keeps it: a product hidden by hand (:data:`HIDDEN_BY_HAND`: `index
    stock --hide`, the API) stays hidden whatever the file says, until it is shown by hand; one a file hid (a build's
    or `--from`'s) is shown by a newer file that shows it; one shown by hand since stays shown while the file hides
    it as it did at that build (a file that changed its word since wins). A rebuild showed a product hidden by hand
    once a file had hidden it and a newer one showed it (the hand's word lost under the file's), and kept hidden one
    an `--from` had hidden (recorded as the hand's).

    An export's hide set since the build (`--from`, :data:`HIDDEN_BY_FILE`) is kept as a level set since is: while
    the catalogue's file says of the product what it said at that build (it showed it then and shows it now), the
    newer word is the export's (stop 76, h76keep: stop 75 showed it again, the styles.csv of the build taken for a
    newer word than the export's, where the level an export set since was kept). Hidden or shown since, the two
    words differ from the build's alike, so where the file changed its word since it says what was set: no conflict
    is left to tell.

    ``file_says``: whether the catalogue's file has a column saying which products are hidden. One with none (the
    Kaggle styles.csv) shows nothing: an export's hide set through `--from` stands as the hand's does (stop 76,
    h76review: a rebuild from such a file showed the 3 products an export had hidden, without a word)."""
    held = set(int(i) for i in ids)
    hidden = {i: why for i, why in report_hidden.items() if i in held}
    if not previous:
        return hidden
    # (No HIDDEN_BUILT: built of a file without such a column, which hid none; its hides were all set since.)
    built, now = {int(i) for i in previous.get(HIDDEN_BUILT) or ()}, hidden_ids(previous)
    for i, why in now.items():
        if i in held and why == HIDDEN_BY_HAND:
            hidden[i] = why         # the hand's, whatever the file says (its word kept over the file's)
        elif i in held and why == HIDDEN_BY_FILE and i not in hidden and (not file_says or i not in built):
            hidden[i] = why         # an export's since, the file showing it as it did at that build
    for i in built - set(now):
        if i in hidden:
            del hidden[i]           # shown since, and the file hides it as it did then
    return hidden


def hides_kept(hidden: dict[int, str], file_hides: Iterable[int], ids) -> dict:
    """What a rebuild kept of the hides and shows set since the build it replaced (:func:`hidden_at_build`'s
    ``hidden``) against the file's word now (``file_hides``: the ids it hides), among ``ids`` (the catalogue's
    products indexed): {"hidden_ids": hidden though the file shows them, "by_hand_ids": those of them hidden by hand,
    "shown_ids": shown though the file hides them}, the manifest's ``hidden_set_since``, as ``stock_set_since``
    records the levels kept (stop 76, h76keep: said of the hand's alone, in the log, not in the build's summary)."""
    said, held = set(file_hides), {int(i) for i in ids}
    kept = sorted(i for i in hidden if i in held and i not in said)
    return {"hidden_ids": kept, "by_hand_ids": [i for i in kept if hidden[i] == HIDDEN_BY_HAND],
            "shown_ids": sorted(i for i in said if i in held and i not in hidden)}


def hides_kept_said(record: dict, table: str = "styles.csv", written: dict | None = None) -> str:
    """:func:`hides_kept`'s record in words, as ``stock_kept.stock_kept_said`` says the levels kept; the shop's
    spellings after the numbers where ``written`` (the manifest's ids_as_written) has them."""
    from fashionrec.catalog import ids_said

    hid, hand, shown = (record.get(key) or [] for key in ("hidden_ids", "by_hand_ids", "shown_ids"))
    said = []
    if hid:
        said.append(f"kept {len(hid)} product{'s' if len(hid) != 1 else ''} hidden since the last build though "
                    f"{table} shows {'them' if len(hid) != 1 else 'it'} (ids {ids_said(written, hid, 10)})"
                    + (f", {len(hand)} of {'them' if len(hid) != 1 else 'it'} by hand (ids "
                       f"{ids_said(written, hand, 10)}: `index stock --unhide` shows "
                       f"{'them' if len(hand) != 1 else 'it'})" if hand else ""))
    if shown:
        said.append(f"kept {len(shown)} product{'s' if len(shown) != 1 else ''} shown since the last build though "
                    f"{table} hides {'them' if len(shown) != 1 else 'it'} (ids {ids_said(written, shown, 10)})")
    if not said:
        return ""
    return ("; ".join(said) + f": {table} says of them what it said at that build (a hide set by hand stands "
            "whatever it says)")


def kept_by_hand(hidden: dict[int, str], file_hides: Iterable[int]) -> list[int]:
    """The ids of ``hidden`` ({id: why}) hidden by hand that the file's word (``file_hides``: the ids it hides) shows:
    kept hidden against it, to be said."""
    said = set(file_hides)
    return sorted(i for i, why in hidden.items() if why == HIDDEN_BY_HAND and i not in said)


# Whether the calls now made answer whoever asks (the API's reads, api.deps.Service.reading) rather than the shop
# (the CLI, Python): a typed id's "did you mean" then offers no spelling of a product the shop hides (stop 75,
# h75integ), where the shop is offered it, said hidden (stop 76: the CLI no longer offered the shop its own draft's
# Handle).
_FOR_ANYONE: contextvars.ContextVar[bool] = contextvars.ContextVar("fashionrec_for_anyone", default=False)


@contextmanager
def _answering(anyone: bool) -> Iterator[None]:
    """Within it, :func:`for_anyone` is ``anyone``; as it was after."""
    token = _FOR_ANYONE.set(anyone)
    try:
        yield
    finally:
        _FOR_ANYONE.reset(token)


def answering_anyone() -> AbstractContextManager[None]:
    """Within it, what is said of the products names none the shop hides (:func:`for_anyone`)."""
    return _answering(True)


def answering_the_shop() -> AbstractContextManager[None]:
    """Within it, what is said of the products is said to the shop (:func:`for_anyone` false), inside
    :func:`answering_anyone` too: an API read that sent the server's key (api.hidden_reads.to_the_shop). A hidden
    product's variation id was "there is no product 7513" to the shop's keyed read (stop 76, h76integ)."""
    return _answering(False)


def for_anyone() -> bool:
    """Whether the calls now made answer whoever asks, not the shop alone (:func:`answering_anyone`)."""
    return _FOR_ANYONE.get()
