"""Products a shop's export marks hidden (stop 73's BigCommerce trial): "Product Visible?" N, Shopify's "Published"
FALSE and "Status" draft or archived, WooCommerce's "Published" 0 or -1 and "Visibility in catalog" hidden. They were
read as any other product, so a product the shop had taken off its shelves was recommended and searched. The loader
reads which (``report.hidden``) and keeps their rows (stop 74; stop 73 left them out): an index holds them, never
shown (test_hidden_kept.py)."""

from __future__ import annotations

from pathlib import Path

from test_bigcommerce_export import BC_MAP
from test_shop_exports import WOO_HEADER, WOO_MAP, _shop

from fashionrec.catalog import load_catalog
from fashionrec.column_map import save_column_map


def _loaded(path: Path, mapping: dict[str, str]):
    save_column_map(path, mapping)
    return load_catalog(path, progress=False, warn=False)


def test_a_bigcommerce_product_not_visible_is_read_hidden_with_its_sizes_and_said(tmp_path: Path) -> None:
    path = _shop(tmp_path, ["Product,12933,Roadster Navy Tee,P,19.99,4,Tshirts,Y",
                            "SKU,,[S]Size=S,,,4,,",
                            "Product,10652,Puma Jeans,P,49.00,3,Jeans,N",
                            "SKU,,[S]Size=32,,,3,,",
                            "Product,10315,Belt,P,15.00,6,Belts,Y"],
                 header="Item Type,Product ID,Product Name,Product Type,Price,Current Stock Level,Category,"
                        "Product Visible?", photos=(12933, 10315, 10652))
    catalog = _loaded(path, BC_MAP)
    assert sorted(catalog.table["id"]) == [10315, 10652, 12933]      # kept, its sizes folded in
    assert catalog.report.hidden == {10652: "'Product Visible?' is 'N'"}
    assert catalog.report.rows_rejected == [] and "Product Visible?" not in catalog.report.ignored_columns
    # Its photo is the hidden product's, not one "without a row" to give a row to.
    assert catalog.report.images_without_row == []
    said = "\n".join(catalog.report.summary_lines())
    assert "hidden           read from 'Product Visible?': 1 product the shop hides: 1 'Product Visible?' is 'N' " \
           "(id 10652)" in said, said


def test_shopify_drafts_archived_and_unpublished_products_are_read_hidden(tmp_path: Path) -> None:
    # Shopify writes Published and Status on a product's first line only: its size lines leave them empty.
    path = _shop(tmp_path, ["12933,tee,Roadster Navy Tee,Tshirts,S,499,TRUE,active",
                            "12933,tee,,,M,499,,",
                            "10652,jeans,Puma Jeans,Jeans,32,1299,TRUE,draft",
                            "10315,belt,Belt,Belts,One,399,FALSE,active",
                            "10316,cap,Cap,Caps,One,299,true,Archived",
                            "10317,socks,Socks,Socks,One,99,,"],
                 header="id,Handle,Title,Product Type,Option1 Value,Variant Price,Published,Status")
    catalog = _loaded(path, {"Title": "productDisplayName", "Product Type": "articleType"})
    assert sorted(catalog.table["id"]) == [10315, 10316, 10317, 10652, 12933]
    assert catalog.report.hidden == {10652: "'Status' is 'draft'", 10315: "'Published' is 'FALSE'",
                                     10316: "'Status' is 'Archived'"}
    assert catalog.report.visibility_columns == ["Published", "Status"]


def test_woocommerce_drafts_private_and_catalogue_hidden_products_are_read_hidden(tmp_path: Path) -> None:
    header = WOO_HEADER + ",Published,Visibility in catalog"
    path = _shop(tmp_path, ["12933,variable,TEE-1,Roadster Navy Tee,Tshirts,,,,,1,visible",
                            "5001,variation,TEE-1-S,Roadster Navy Tee - S,,499.00,,3,id:12933,1,visible",
                            "10652,simple,JEANS-1,Puma Jeans,Jeans,1299,,3,,-1,visible",
                            "10315,simple,BELT-1,Belt,Belts,399,,2,,0,visible",
                            "10316,simple,CAP-1,Cap,Caps,299,,2,,1,hidden",
                            "10317,simple,SOCKS-1,Socks,Socks,99,,2,,1,search"], header=header)
    catalog = _loaded(path, WOO_MAP)
    assert 10317 not in catalog.report.hidden       # "search": shown by search, so not hidden
    assert catalog.report.hidden == {10652: "'Published' is '-1'", 10315: "'Published' is '0'",
                                     10316: "'Visibility in catalog' is 'hidden'"}


def test_a_status_column_mapped_to_a_label_is_not_read_as_visibility(tmp_path: Path) -> None:
    # A shop whose "Status" is its own label (mapped to usage) keeps every product.
    path = _shop(tmp_path, ["12933,Roadster Navy Tee,Tshirts,draft"], header="id,Title,Product Type,Status")
    catalog = _loaded(path, {"Title": "productDisplayName", "Product Type": "articleType", "Status": "usage"})
    assert list(catalog.table["id"]) == [12933] and catalog.report.hidden == {}
    assert catalog.report.visibility_columns == []


def test_a_catalogue_without_such_columns_says_nothing_of_them(tmp_path: Path) -> None:
    path = _shop(tmp_path, ["12933,Roadster Navy Tee,Tshirts"], header="id,productDisplayName,articleType")
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    assert report.visibility_columns == [] and report.hidden == {}
    assert "hidden  " not in "\n".join(report.summary_lines())


def test_a_load_that_warns_says_the_products_hidden(tmp_path: Path, caplog) -> None:
    # `index build` and `tag` read the catalogue with warn=True: the hidden products are said there
    # too, not by `data check` alone.
    path = _shop(tmp_path, ["12933,Roadster Navy Tee,Tshirts,TRUE", "10652,Puma Jeans,Jeans,FALSE"],
                 header="id,Title,Product Type,Published")
    save_column_map(path, {"Title": "productDisplayName", "Product Type": "articleType"})
    with caplog.at_level("WARNING"):
        catalog = load_catalog(path, check_images=False, progress=False)
    assert list(catalog.table["id"]) == [12933, 10652]
    assert "hidden read from 'Published': 1 product the shop hides" in caplog.text and "(id 10652)" in caplog.text


def test_the_line_of_rows_left_out_counts_the_hidden_ones_too(tmp_path: Path) -> None:
    # A review of stop 73: "2 of 4 rows usable: 0 rejected, 1 without an image, 0 with an unreadable image" left
    # the draft unsaid on the line index build and tag print.
    path = _shop(tmp_path, ["12933,tee,Roadster Navy Tee,Tshirts,S,499,TRUE,active",
                            "10652,jeans,Puma Jeans,Jeans,32,1299,TRUE,draft",
                            "10315,socks,Socks,Socks,One,99,,",
                            "10316,cap,Cap,Caps,One,99,,"],
                 header="id,Handle,Title,Product Type,Option1 Value,Variant Price,Published,Status",
                 photos=(12933, 10652, 10315))
    report = _loaded(path, {"Title": "productDisplayName", "Product Type": "articleType"}).report
    said = report.left_out()
    # Since stop 74 (h74hide) a hidden product is kept in the index, hidden: a usable row, said as hidden among them.
    assert said.startswith("3 of 4 rows usable (1 of them hidden by the shop): 0 rejected, 1 without an image, 0 "
                           "with an unreadable image"), said


def test_a_handle_shops_hidden_and_no_level_products_are_said_by_their_handles(tmp_path: Path) -> None:
    # data check's hidden line named a Handle shop's drafts by the hashes made from their Handles ("27 'Status' is
    # 'draft' (ids 157543912352920, ...)"), numbers the shop has nowhere, where its sold-out line named the Handles
    # (stop 75, from stop 74's integration trial).
    path = _shop(tmp_path, ["navy-tee,Roadster Navy Tee,Tshirts,S,499,3,TRUE,active",
                            "puma-jeans,Puma Jeans,Jeans,32,1299,N/A,TRUE,draft",
                            "brown-belt,Belt,Belts,One,399,2,TRUE,active"],
                 header="Handle,Title,Product Type,Option1 Value,Variant Price,Variant Inventory Qty,Published,Status")
    save_column_map(path, {"Title": "productDisplayName", "Product Type": "articleType"})
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    assert len(report.hidden) == 1 and report.no_level_word_ids
    said = " ".join("\n".join(report.summary_lines()).split())
    assert "1 'Status' is 'draft' (id puma-jeans)" in said, said
    assert "id puma-jeans): kept available" in said, said


def test_a_shops_own_hidden_column_is_read_as_fashionrecs_and_words_that_say_neither_are_said(tmp_path: Path) -> None:
    # A catalogue's own column named "hidden" is read as fashionrec's (`index stock --export` writes it), true/yes/1
    # hiding, and said so; a word of a visibility column that says neither hidden nor shown ("x", a Status
    # "inactive") was read as shown without a word (stop 75).
    path = _shop(tmp_path, ["12933,Roadster Navy Tee,Tshirts,499,TRUE,active",
                            "10652,Puma Jeans,Jeans,1299,x,active",
                            "10315,Belt,Belts,399,no,inactive",
                            "10316,Cap,Caps,299,,draft"],
                 header="id,Title,Product Type,Variant Price,Hidden,Status")
    save_column_map(path, {"Title": "productDisplayName", "Product Type": "articleType"})
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    assert report.hidden == {12933: "'Hidden' is 'TRUE'", 10316: "'Status' is 'draft'"}
    assert report.visibility_unread == {"Hidden": {"x": 1}, "Status": {"inactive": 1}}
    said = " ".join(report.hidden_said().split())
    assert "'Hidden' is read as `index stock --export` writes it: true, yes, y or 1 hides" in said, said
    assert "read as shown: 'Hidden' 'x' (1 row) (hidden where it says 1, true, y, yes); 'Status' 'inactive' (1 row)" \
           in said, said
