"""A BigCommerce (or Magento) product export as it comes (stop 73's new user): its SKU lines under each product,
its "Current Stock Level", its category paths written with slashes, and the mapping its refusal offers."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_shop_exports import _shop as _folder

from fashionrec.catalog import load_catalog
from fashionrec.column_map import save_column_map
from fashionrec.errors import CatalogError

# The legacy "Bulk Edit" export's columns (abridged): a Product line, then one SKU line per size, without an id.
BC_HEADER = "Item Type,Product ID,Product Name,Product Type,Price,Current Stock Level,Category"
BC_MAP = {"Product ID": "id", "Product Name": "productDisplayName", "Category": "articleType"}


def _shop(tmp_path: Path, lines: list[str], header: str = BC_HEADER, photos: tuple[int, ...] = ()) -> Path:
    """A shop's folder of a BigCommerce export's ``lines`` (test_shop_exports' helper, this header by default)."""
    return _folder(tmp_path, lines, header=header, photos=photos)


def test_a_bigcommerce_exports_sku_lines_are_folded_into_the_product_above(tmp_path: Path) -> None:
    # Stop 73's new user: every SKU line (a size, no Product ID) was rejected as "the row has no id" (1,130 of a
    # 380-product shop's 1,510 lines) with a Shopify export's advice, and "Current Stock Level" was an ignored
    # column, so the shop's stock was not read at all.
    path = _shop(tmp_path, ['Product,12933,Roadster Navy Tee,P,19.99,0,"Shop All/Men/Clothing/Tshirts"',
                            "SKU,,[S]Size=S,,,0,",
                            "SKU,,[S]Size=M,,,4,",
                            "Rule,,,,,,",
                            "Product,10652,Puma Jeans,P,49.00,0,Jeans",
                            "SKU,,[S]Size=32,,,0,",
                            "SKU,,[S]Size=34,,,0,",
                            "Product,10315,Belt,P,15.00,6,Belts"], photos=(12933, 10315, 10652))
    save_column_map(path, BC_MAP)
    catalog = load_catalog(path, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert catalog.report.rows_rejected == [] and sorted(table.index) == [10315, 10652, 12933]
    assert catalog.report.rows == 3 and catalog.report.variant_lines_folded == [3, 4, 5, 7, 8]
    assert table["stock"].to_dict() == {12933: 4, 10652: 0, 10315: 6}
    assert catalog.report.sold_out_ids == [10652]       # every size at 0: sold out
    assert table.loc[12933, "price"] == pytest.approx(19.99)
    assert "Item Type" not in catalog.report.ignored_columns
    assert "Current Stock Level" not in catalog.report.ignored_columns
    lines = "\n".join(catalog.report.summary_lines())
    assert "variant lines    5 folded" in lines and "Item Type" in lines and "Shopify" not in lines


def test_a_modern_bigcommerce_exports_variant_and_image_lines_fold_whatever_their_own_id(tmp_path: Path) -> None:
    # The modern export's "Item" column: Variant lines carry a variant ID of their own (which may be another
    # product's number) and Image lines one more photo; neither is a product.
    path = _shop(tmp_path, ["Product,12933,Roadster Navy Tee,Physical,19.99,,Tshirts",
                            "Variant,10652,Size S,,,3,",
                            "Image,,,,,,",
                            "Product,10652,Puma Jeans,Physical,49.00,2,Jeans"],
                 header="Item,ID,Name,Type,Price,Current Stock,Category", photos=(12933, 10652))
    save_column_map(path, {"ID": "id", "Name": "productDisplayName", "Category": "articleType"})
    catalog = load_catalog(path, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert catalog.report.rows_rejected == [] and sorted(table.index) == [10652, 12933]
    assert table["stock"].to_dict() == {12933: 3, 10652: 2}


@pytest.mark.parametrize(("written", "kind", "wearer"), [
    ("Shop All/Men/Clothing/Shirts;Sale", "Shirts", "Men"),                 # BigCommerce: ";" between categories
    ("Default Category/Women/Bags,Default Category/Sale", "Bags", "Women"),  # Magento: "," between them
    ("Sale;Shop All/Women/Shoes/Heels", "Heels", "Women"),
    ("Men/Jeans", "Jeans", "Men"),                                          # one slash, a wearer named
    ("Tops/Tees", "Tops/Tees", None),                                       # one slash, no wearer: a name as written
    # One slash after a department the catalogue names (stop 73's integration review: the merged `_slash_path`
    # asked read_middle for a wearer only, so "Accessories/Belts" was a new type of its own, "Kids/Accessories/Belts"
    # a path).
    ("Accessories/Belts", "Belts", None),
    ("Clothing/Shirts", "Shirts", None),
    ("Bags/Handbags;Sale", "Handbags", None),
    # A children's part names both sides, Unisex, as a gender attribute "Kids" (stop 73's gap: no wearer, and
    # "Kids/Tshirts" a type of its own); a side named beside it is the wearer.
    ("Kids/Accessories/Belts", "Belts", "Unisex"),
    ("Kids/Tshirts", "Tshirts", "Unisex"),
    ("Shop All/Kids/Girls/Dresses", "Dresses", "Girls"),
])
def test_a_category_path_written_with_slashes_is_read_as_its_last_part(tmp_path: Path, written: str, kind: str,
                                                                       wearer: str | None) -> None:
    # Stop 73's new user: "Shop All/Men/Clothing/Shirts" was a type of its own, 24 "new types" for the shop's 12,
    # and no product had a wearer, as only WooCommerce's " > " was read as a path.
    path = _shop(tmp_path, [f'Product,12933,Roadster Navy Tee,P,19.99,3,"{written}"'])
    save_column_map(path, BC_MAP)
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    row = catalog.table.set_index("id").loc[12933]
    assert row["articleType"] == kind
    assert (row["gender"] if wearer else None) == wearer


def test_the_mapping_offered_maps_one_column_to_the_article_type(tmp_path: Path) -> None:
    # Stop 73's new user was offered `'Product Type=articleType' Category=articleType`, which `data columns` refuses
    # ("both map to articleType"), and no column for the id, though the header has "Product ID".
    path = _shop(tmp_path, ['Product,12933,Roadster Navy Tee,P,19.99,3,"Shop All/Men/Clothing/Tshirts"',
                            'Product,10652,Puma Jeans,P,49.00,3,"Shop All/Men/Clothing/Jeans"'])
    with pytest.raises(CatalogError) as error:
        load_catalog(path, check_images=False, progress=False, warn=False)
    said = str(error.value)
    assert "'Category' may be 'articleType'" in said and "'Product Type' may be" not in said
    assert "'Product ID' may be 'id'" in said and "'Product ID=id'" in said


def test_the_mapping_offered_reads_the_values_of_a_description_written_over_several_lines(tmp_path: Path) -> None:
    # Stop 73's new user's real export: a "Product Description" of HTML over several lines (quoted) put each line
    # after the first out of step, so the Product Type column's values seemed many and it was offered as articleType.
    desc = '"<p>Navy tee.</p>\n<ul><li>Cotton, 100%</li></ul>\n<p>Care: wash cold</p>"'
    path = _shop(tmp_path, [f'Product,{i},Tee {i},P,{desc},19.99,3,"Shop All/Men/Clothing/T{i}"' for i in range(1, 9)],
                 header="Item Type,Product ID,Product Name,Product Type,Product Description,Price,Current Stock Level,"
                        "Category")
    with pytest.raises(CatalogError) as error:
        load_catalog(path, check_images=False, progress=False, warn=False)
    assert "'Category' may be 'articleType'" in str(error.value) and "'Product Type' may be" not in str(error.value)


def test_a_bigcommerce_exports_sale_price_is_the_price_where_it_is_above_zero(tmp_path: Path) -> None:
    # Stop 73's new user: "Sale Price" (0.00 where the product is not on sale) was an ignored column, so a product on
    # sale was shown, filtered and sorted at its "Price".
    path = _shop(tmp_path, ["Product,12933,Roadster Navy Tee,P,19.99,15.99,3,Tshirts",
                            "Product,10652,Puma Jeans,P,49.00,0.00,3,Jeans",
                            "Product,10315,Belt,P,15.00,,3,Belts"],
                 header="Item Type,Product ID,Product Name,Product Type,Price,Sale Price,Current Stock Level,Category")
    save_column_map(path, BC_MAP)
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    prices = catalog.table.set_index("id")["price"].to_dict()
    assert prices == pytest.approx({12933: 15.99, 10652: 49.0, 10315: 15.0})
    assert "Sale Price" not in catalog.report.ignored_columns
    assert "read from the column 'Sale Price', else 'Price'" in "\n".join(catalog.report.summary_lines())



def test_a_one_slash_path_under_a_department_gives_its_master_and_sub_category(tmp_path: Path) -> None:
    # h73user's slash-written paths beside h73shop's middle parts (stop 73's integration review): a department alone
    # before the type is read as the catalogue's column it names, as in a deeper path.
    path = _shop(tmp_path, ['Product,12933,Belt,P,19.99,3,"Accessories/Belts"',
                            'Product,10652,Tote,P,49.00,3,"Bags/Handbags"'])
    save_column_map(path, BC_MAP)
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert table.loc[12933, ["masterCategory", "articleType"]].tolist() == ["Accessories", "Belts"]
    assert table.loc[10652, ["masterCategory", "subCategory", "articleType"]].tolist() == [
        "Accessories", "Bags", "Handbags"]
    assert catalog.report.category_path_ids == [12933, 10652]


def test_the_sku_lines_of_a_rejected_product_line_are_rejected_with_it(tmp_path: Path) -> None:
    # A review of stop 73: a Product line rejected (its id no number, nor a code: "PumaJeans") left its SKU lines to
    # the product above, so a tee whose one size is sold out read as 12 in stock, the jeans' sizes, without a word.
    path = _shop(tmp_path, ["Product,12933,Roadster Navy Tee,P,19.99,0,Tshirts",
                            "SKU,,[S]Size=S,,,0,",
                            "Product,PumaJeans,Puma Jeans,P,49.00,0,Jeans",
                            "SKU,,[S]Size=32,,,7,",
                            "SKU,,[S]Size=34,,,5,",
                            "Product,10315,Belt,P,15.00,0,Belts",
                            "SKU,,[S]Size=M,,,6,"], photos=(12933, 10315))
    save_column_map(path, BC_MAP)
    catalog = load_catalog(path, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert table["stock"].to_dict() == {12933: 0, 10315: 6}
    assert catalog.report.sold_out_ids == [12933]
    rejected = {r.line: r.reason for r in catalog.report.rows_rejected}
    assert sorted(rejected) == [4, 5, 6], rejected
    assert "Product line 4" in rejected[5] and "Product line 4" in rejected[6]
    assert catalog.report.variant_lines_folded == [3, 8]
