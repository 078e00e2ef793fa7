"""Whether a shop's export marks a product hidden from its shop (stop 73): a BigCommerce "Product Visible?" of N, a
Shopify "Published" of FALSE or "Status" of draft or archived, a WooCommerce "Published" of 0 (a draft) or -1
(private) or "Visibility in catalog" of hidden.

Such a product was read as any other (the columns were ignored), so a product a shop had taken off its shelves was a
similar item, a look's piece and a search result (a BigCommerce trial, stop 73). The loader leaves it out of the
catalogue, as it leaves out a row it cannot read, and `data check` says how many and by which column: a shopper is
never shown a product its shop hides, and the index has no row for it to show by mistake (a flag every reader had to
honour was the alternative; a sold-out product, unlike a hidden one, is one a shopper may ask for).

Only a product's own line is read: a Shopify size line and a WooCommerce or BigCommerce variation leave these cells
empty or say a size's own state, and a product hidden hides its sizes. An empty cell, or a word not listed here,
is visible: a catalogue without these columns reads as before.
"""

from __future__ import annotations

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
}


def visibility_columns(header: list[str], taken: set[int]) -> list[int]:
    """Positions of ``header``'s columns (as written) that say whether a product is shown, but for ``taken`` (the
    columns read as something else: a "Status" mapped to a label is not read so)."""
    return [i for i, h in enumerate(header) if spelling(h) in HIDDEN_WHEN and i not in taken]


def hidden_by(row: list[str], header: list[str], columns: list[int]) -> str | None:
    """Why ``row`` is hidden ("'Product Visible?' is 'N'", the first of ``columns`` that says so), None where it is
    not."""
    for i in columns:
        cell = row[i].strip() if i < len(row) else ""
        # (cased and spaced as any export writes it, its minus kept: WooCommerce's -1 is private)
        if cell and cell.casefold() in HIDDEN_WHEN[spelling(header[i])]:
            return f"{header[i]!r} is {cell!r}"
    return None
