"""A Magento 2 product export as System > Export > Products writes it (stop 77's new user): its photos under
pub/media/catalog/product/ by a path ("/m/b/mb01-blue-0.jpg"), its store view rows (translations), its disabled
products and its configurable products' children (product_online 2, visibility "Not Visible Individually") and its
stock ("qty" beside "is_in_stock"). tests/fixtures/magento holds a few rows of one, with the mapping the tool
offers in columns.json."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from fashionrec.catalog import check_catalogue_folder, load_catalog
from fashionrec.column_map import save_column_map
from fashionrec.errors import CatalogError
from fashionrec.shop_ids import handle_id

SHOP = Path(__file__).parent / "fixtures" / "magento"


@pytest.fixture(scope="module")
def shop():
    return load_catalog(SHOP, progress=False, warn=False)


def test_a_photo_named_by_its_path_inside_the_photo_folder_is_found_there(shop) -> None:
    # Every product of a 281-product Magento trial was "missing image": the path's file name alone was looked for
    # at the folder's top, and its photos were listed as "in subfolders ... not read".
    assert shop.report.missing_image == 0 and shop.report.photos_in_subfolders == []
    paths = shop.table.set_index("id")["image_path"]
    assert paths[handle_id("WT03")].endswith("pub/media/catalog/product/w/t/wt03-0.jpg")


def test_a_store_views_row_is_read_past_not_rejected_as_a_duplicate(shop) -> None:
    # The trial's 25 French rows were each "duplicate id ...: correct that line".
    assert shop.report.rows_rejected == []
    assert shop.report.store_view_lines == {"fr": [6]}
    assert any(line.startswith("store view rows  1 ") for line in shop.report.summary_lines())
    names = shop.table.set_index("id")["productDisplayName"]
    assert names[handle_id("MB01")] == "Puma Men Jeans"      # its default row's, not "Puma Homme Jean"


def test_a_disabled_product_and_a_configurables_children_are_hidden(shop) -> None:
    # Both columns were ignored: 10 disabled products and 282 sizes shown as products of their own.
    hidden = {shop.report.named([i])[0]: why for i, why in shop.report.hidden.items()}
    assert sorted(hidden) == ["MB01-30-Blue", "MB01-32-Black", "MB01-32-Blue", "MB02"]
    assert "product_online" in hidden["MB02"] and "Not Visible Individually" in hidden["MB01-30-Blue"]
    # "Catalog, Search" and "Search" are words the column writes of a product shown, not unknown ones.
    assert shop.report.visibility_unread == {}


def test_a_configurable_in_stock_by_is_in_stock_is_available_though_its_qty_is_0(shop) -> None:
    # Magento writes a configurable's qty 0 (its children hold the stock) and is_in_stock 1: all 60 of the trial's
    # were read as sold out and never recommended.
    stock = shop.table.set_index("id")["stock"]
    assert not stock[handle_id("MB01")] <= 0       # (no level, NaN: available)
    assert stock[handle_id("WT03")] == 0 and stock[handle_id("MB01-30-Blue")] == 0


def test_a_special_price_is_the_price_on_its_dates_and_the_regular_price_kept(shop) -> None:
    # special_price was an ignored column: every product on sale shown at its regular price, none "on sale". Its
    # dates are written in the locale's short form (1/31/20), and a sale ended is read at the regular price.
    table = shop.table.set_index("id")
    assert table.loc[handle_id("MB02"), ["price", "regular_price"]].tolist() == [599.0, 799.0]
    assert table.loc[handle_id("WT03"), "price"] == 999.0
    assert shop.report.sale_not_on == {handle_id("WT03"): "ended 2020-01-31"}


def test_a_configurable_is_priced_and_stocked_by_its_children(shop) -> None:
    # Magento writes neither a price nor a level on a configurable's row: all 60 of the trial's were unpriced.
    row = shop.table.set_index("id").loc[handle_id("MB01")]
    assert (row["price"], row["regular_price"], row["stock"]) == (999.0, 1299.0, 7.0)
    assert shop.report.prices_from_children == {handle_id("MB01"): "MB01-32-Blue"}


def test_a_colour_and_gender_are_read_from_additional_attributes_and_a_configurables_children(shop) -> None:
    # additional_attributes ("color=Brown,gender=Men") and configurable_variations were ignored: 50 of 281 colours
    # left to the name or the photo ("Men Leather Belt" says none).
    table = shop.table.set_index("id")
    assert table.loc[handle_id("MB02"), ["baseColour", "gender"]].tolist() == ["Brown", "Men"]
    assert table.loc[handle_id("MB01"), "baseColour"] == "Blue"       # its first child's, of Blue and Black
    said = shop.report.attributes["baseColour"]["several"]
    assert said == {handle_id("MB01"): "Blue, Black"}


def test_the_mapping_offered_names_the_sku_as_the_id_and_the_base_image_as_the_photo(tmp_path: Path) -> None:
    # A new user was offered categories and name alone ("lacks the columns ['id']" next), then told the photos in
    # pub/media/catalog/product/m/b/ were "not read" with no mapping offered, and images/ "not found" with no word
    # of where Magento keeps them.
    folder = tmp_path / "shop"
    shutil.copytree(SHOP, folder)
    (folder / "columns.json").unlink()
    with pytest.raises(CatalogError, match="images/ folder.*--images pub/media/catalog/product"):
        check_catalogue_folder(folder, {"@table": "catalog_product.csv", "@images": "images"})  # data columns --table
    save_column_map(folder, {"@table": "catalog_product.csv", "@images": "pub/media/catalog/product"})
    with pytest.raises(CatalogError, match="'sku' may be 'id'"):
        load_catalog(folder, progress=False, warn=False)
    save_column_map(folder, {"sku": "id", "categories": "articleType", "name": "productDisplayName"})
    report = load_catalog(folder, progress=False, warn=False).report
    assert report.photo_column_unmapped == {"base_image": 3}
    nested = next(line for line in report.summary_lines() if line.startswith("photos in subfolders"))
    assert "base_image=photo" in nested


def _loaded_with(tmp_path: Path, written: str, instead: str):
    """The fixture shop loaded (its photos not opened) from a copy whose export has ``instead`` for ``written``."""
    folder = tmp_path / "shop"
    shutil.copytree(SHOP, folder)
    table = folder / "catalog_product.csv"
    table.write_text(table.read_text().replace(written, instead))
    return load_catalog(folder, check_images=False, progress=False, warn=False)


def test_a_photo_path_is_never_read_above_the_photo_folder(tmp_path: Path) -> None:
    # A path inside the photo folder is looked up (stop 77); one climbing out of it ("../") would have the server
    # send any file its export names as a product's photo.
    catalog = _loaded_with(tmp_path, "/w/t/wt03-0.jpg", "/../../../../columns.json")
    path = catalog.table.set_index("id").loc[handle_id("WT03"), "image_path"]
    assert "columns.json" not in path and catalog.report.missing_image == 1


def test_a_special_price_above_the_price_is_no_sale_read_at_the_price_and_said(tmp_path: Path) -> None:
    # Magento sells at the lower of "price" and "special_price" (stop 77's integration review): a special price above
    # the price was read, 899 for a belt the shop sells at 799, unsaid, where a WooCommerce one is read at its
    # regular price and said (stop 77, h77review).
    catalog = _loaded_with(tmp_path, "799.0000,599.0000", "799.0000,899.0000")
    row = catalog.table.set_index("id").loc[handle_id("MB02")]
    assert row["price"] == 799.0 and pd.isna(row["regular_price"])
    assert catalog.report.sale_above_regular == {handle_id("MB02"): ("899.0000", "799.0000")}
    said = next(line for line in catalog.report.summary_lines() if line.startswith("sale above regular"))
    assert "id MB02: 899.0000 above 799.0000" in said and "'special_price' is above its 'price'" in said
