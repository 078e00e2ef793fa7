"""A Shopify export's ``Product Category``, its Standard Product Taxonomy path ("Apparel & Accessories > Clothing >
Shirts & Tops"): read as the masterCategory and subCategory its parts are in the catalogue's names, and said (stop 75:
an ignored column, every product's categories empty, which a look reads a product's place by)."""

from __future__ import annotations

from pathlib import Path

from fashionrec.catalog import load_catalog
from fashionrec.category_paths import read_taxonomy
from fashionrec.column_map import save_column_map


def test_a_shopify_exports_product_category_gives_its_categories_and_is_said(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(
        "Handle,Title,Product Category,Type,Option1 Name,Option1 Value\n"
        "navy-tee,Roadster Men Tee,Apparel & Accessories > Clothing > Shirts & Tops,T-Shirts,Size,S\n"
        "navy-tee,,,,,M\n"
        "watch,Titan Men Watch,Apparel & Accessories > Jewelry > Watches,,Title,Default Title\n"
        "pack,Wildcraft Unisex Backpack,Luggage & Bags > Backpacks,Backpacks,Title,Default Title\n"
        "sneaker,Puma Men Sneakers,Apparel & Accessories > Shoes,Sneakers,Size,8\n"
        "lamp,Home Lamp,Home & Garden > Lighting,Lamps,Title,Default Title\n"
        "plain,Roadster Men Polo,,Polos,Size,S\n")
    save_column_map(tmp_path, {"Title": "productDisplayName", "Type": "articleType"})
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    table = catalog.table.set_index("productDisplayName").astype(object).fillna("")
    assert table.loc["Roadster Men Tee", ["masterCategory", "subCategory", "articleType"]].tolist() == [
        "Apparel", "Topwear", "T-Shirts"]     # the shop's Type kept
    # No Type: its path's last part; "Jewelry > Watches" is Watches (the deepest part), not Jewellery.
    assert table.loc["Titan Men Watch", ["masterCategory", "subCategory", "articleType"]].tolist() == [
        "Accessories", "Watches", "Watches"]
    assert table.loc["Wildcraft Unisex Backpack", ["masterCategory", "subCategory"]].tolist() == ["Accessories", "Bags"]
    assert table.loc["Puma Men Sneakers", ["masterCategory", "subCategory"]].tolist() == ["Footwear", "Shoes"]
    assert table.loc["Home Lamp", "subCategory"] == "" and table.loc["Roadster Men Polo", "subCategory"] == ""
    report = catalog.report
    assert "Product Category" not in report.ignored_columns and "subCategory" not in report.absent_columns
    said = [line for line in report.summary_lines() if line.startswith("product category")]
    assert said and ("5 rows read from 'Product Category'" in said[0]
                     and "gave masterCategory 4, subCategory 4, articleType 1" in said[0]
                     and "parts read as no column: 'Home & Garden' (1), 'Lighting' (1)" in said[0]
                     and "1 row without one (ids plain)" in said[0]), said


def test_a_category_that_names_no_type_gives_no_articletype(tmp_path: Path) -> None:
    # "Apparel & Accessories > Clothing" with no Type filed a T-shirt as articleType "Clothing", which the tagger's
    # reading of its photo would otherwise give (stop 76, h76review: 5 of 7 rows so, "Activewear" and "Apparel &
    # Accessories" among them).
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(
        "Handle,Title,Product Category,Type\n"
        "tee,Roadster Men Tee,Apparel & Accessories > Clothing,\n"
        "set,Nike Men Track Set,Apparel & Accessories > Clothing > Activewear,\n"
        'bag,Baggit Women Bag,"Apparel & Accessories > Handbags, Wallets & Cases",\n'
        "any,Some Men Thing,Apparel & Accessories,\n"
        "romper,Gini Girls Romper,Apparel & Accessories > Clothing > One-Pieces > Jumpsuits & Rompers,\n")
    save_column_map(tmp_path, {"Title": "productDisplayName", "Type": "articleType"})
    table = load_catalog(tmp_path, check_images=False, progress=False, warn=False).table
    types = dict(zip(table["productDisplayName"], table["articleType"].astype(object).fillna(""), strict=True))
    assert types == {"Roadster Men Tee": "", "Nike Men Track Set": "", "Baggit Women Bag": "", "Some Men Thing": "",
                     "Gini Girls Romper": "Jumpsuits & Rompers"}, types
    assert table.set_index("productDisplayName").loc["Roadster Men Tee", "masterCategory"] == "Apparel"


def test_a_taxonomy_path_is_read_deepest_first_and_its_root_is_no_part_said() -> None:
    assert read_taxonomy("Apparel & Accessories > Handbags, Wallets & Cases > Wallets & Money Clips")[:2] == (
        "Accessories", "Wallets")
    assert read_taxonomy("Apparel & Accessories > Clothing Accessories > Sunglasses")[:2] == ("Accessories", "Eyewear")
    assert read_taxonomy("Apparel & Accessories").unread == ()
