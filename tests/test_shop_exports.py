"""A shop's own export as it comes (stop 68): its column names mapped once (columns.json), its variant lines,
its ids as written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fashionrec.catalog import load_catalog, styles_table
from fashionrec.cli import app
from fashionrec.column_map import COLUMN_MAP_FILE, parse_map, save_column_map
from fashionrec.errors import CatalogError, NotFoundError

runner = CliRunner()
SHOP_HEADER = "id,Title,Product Type,Color,Variant Price"
SHOP_MAP = {"Title": "productDisplayName", "Product Type": "articleType", "Color": "baseColour"}


def _shop(tmp_path: Path, lines: list[str], header: str = SHOP_HEADER, photos: tuple[int, ...] = ()) -> Path:
    """A shop's folder: styles.csv of ``header`` and ``lines``, and the fixture catalogue's real photos of the
    ids ``photos`` under the names its rows write."""
    (tmp_path / "images").mkdir(parents=True, exist_ok=True)
    (tmp_path / "styles.csv").write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    fixture = Path(__file__).parent / "fixtures" / "catalog" / "images"
    for i in photos:
        shutil.copy(fixture / f"{i}.jpg", tmp_path / "images" / f"{i}.jpg")
    return tmp_path


def test_a_shops_own_column_names_are_read_through_columns_json(tmp_path: Path) -> None:
    # Stop 67's new user: "Title", "Product Type" and "Color" were refused or said with "rename it", and the shop
    # edited every export's header by hand. The refusal now says the command that maps them once.
    path = _shop(tmp_path, ["12933,Roadster Men Navy Tee,Tshirts,Navy Blue,499", "10315,Puma Jeans,Jeans,Blue,1299"])
    with pytest.raises(CatalogError) as e:
        styles_table(path)
    said = str(e.value)
    assert ("`fashionrec data columns " + str(path) + " Title=productDisplayName 'Product Type=articleType' "
            "Color=baseColour` (writes columns.json beside styles.csv)") in said
    save_column_map(path, SHOP_MAP)
    table = load_catalog(path, check_images=False, progress=False, warn=False).table.set_index("id")
    assert table.loc[12933, ["productDisplayName", "articleType", "baseColour", "price"]].tolist() == [
        "Roadster Men Navy Tee", "Tshirts", "Navy Blue", 499]
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    assert report.column_map == SHOP_MAP and report.ignored_columns == []
    assert any(line.startswith("columns mapped   'Title' as productDisplayName") for line in report.summary_lines())


def test_a_mapped_price_comes_before_a_price_column_named_so(tmp_path: Path) -> None:
    # "Price" (the price before a sale, say) beside the column the shop maps: the mapping says which is read.
    path = _shop(tmp_path, ["1,Tee,Tshirts,Blue,499,599"], header=SHOP_HEADER + ",Price")
    save_column_map(path, SHOP_MAP)
    assert styles_table(path)["price"].tolist() == [599]       # unmapped: "Price" before "Variant Price"
    save_column_map(path, {**SHOP_MAP, "Variant Price": "price"})
    assert styles_table(path)["price"].tolist() == [499]


def test_a_misnamed_column_said_on_load_offers_the_mapping(tmp_path: Path) -> None:
    path = _shop(tmp_path, ["1,Tee,Tshirts,Blue,499"], header="id,productDisplayName,articleType,Colour,Variant Price")
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    assert report.misnamed_said() == (f"; 'Colour' may be baseColour: map it once with `fashionrec data columns "
                                      f"{path} Colour=baseColour` (writes columns.json beside styles.csv), or rename "
                                      "it in the header, to read it")


def test_a_mapping_is_checked_when_parsed_and_when_read(tmp_path: Path) -> None:
    known = ["id", "articleType", "productDisplayName", "baseColour", "price"]
    assert parse_map(["Title=productDisplayName,Product Type=article type", "Net, Price=price"], known) == {
        "Title": "productDisplayName", "Product Type": "articleType", "Net, Price": "price"}
    with pytest.raises(CatalogError, match="'Hue' maps to 'shade', no column a catalogue has"):
        parse_map(["Hue=shade"], known)
    with pytest.raises(CatalogError, match="'Title' and 'Name' both map to productDisplayName"):
        parse_map(["Title=productDisplayName", "Name=productDisplayName"], known)
    path = _shop(tmp_path, ["1,Tee,Tshirts,Blue,499"])
    (path / COLUMN_MAP_FILE).write_text('["Title"]')
    with pytest.raises(CatalogError, match="must be a JSON object"):
        styles_table(path)


def test_data_columns_writes_a_mapping_that_reads_and_keeps_the_file_otherwise(tmp_path: Path) -> None:
    path = _shop(tmp_path, ["1,Tee,Tshirts,Blue,499"])
    result = runner.invoke(app, ["data", "columns", str(path), "Title=productDisplayName"])
    # Title alone leaves the type unread: refused, and no file written.
    assert result.exit_code == 2 and "lacks the columns ['articleType']" in result.output.replace("\n", "")
    assert not (path / COLUMN_MAP_FILE).exists()
    result = runner.invoke(app, ["data", "columns", str(path), "Titel=productDisplayName"])
    assert result.exit_code == 2 and "(did you mean 'Title'?)" in result.output
    result = runner.invoke(app, ["data", "columns", str(path), "Title=productDisplayName,Product Type=articleType"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["data", "columns", str(path), "Color=baseColour"])      # added to the file's
    assert result.exit_code == 0, result.output
    assert json.loads((path / COLUMN_MAP_FILE).read_text()) == SHOP_MAP
    assert "columns mapped   'Title' as productDisplayName" in result.output


def test_a_mapping_is_part_of_the_catalogues_identity(tmp_path: Path) -> None:
    # An index records its catalogue's SHA-256, so that one built from other rows is not taken for this one's;
    # columns.json changes what the rows read as, so it counts (and a folder without one hashes as before).
    from hashlib import sha256

    from fashionrec.catalog import styles_sha256

    path = _shop(tmp_path, ["1,Tee,Tshirts,Blue,499"])
    assert styles_sha256(path) == sha256((path / "styles.csv").read_bytes()).hexdigest()
    before = styles_sha256(path)
    save_column_map(path, SHOP_MAP)
    assert styles_sha256(path) != before


VARIANT_HEADER = "Handle,id,Title,Product Type,Color,Option1 Value,Variant Price"


def test_a_shopify_exports_variant_lines_are_folded_into_their_product_and_counted(tmp_path: Path) -> None:
    # A Shopify export repeats a product's Handle on a line per size (no id, or the product's): each was rejected
    # ("the row has no id", "duplicate id"), with no word of them as variants. A line with an id of its own (a
    # colour with its own photo) is a product, its empty fields its product line's.
    path = _shop(tmp_path, ["navy-tee,12933,Roadster Navy Tee,Tshirts,Navy Blue,S,499",
                            "navy-tee,,,,,M,499", "navy-tee,12933,,,,L,549",
                            "navy-tee,10315,,,Black,S,",
                            "jeans,10652,Puma Jeans,Jeans,Blue,32,1299",
                            ",,,,,XL,1299"],            # no Handle: no product to fold into, rejected as before
                 header=VARIANT_HEADER, photos=(12933, 10315, 10652))
    save_column_map(path, SHOP_MAP)
    catalog = load_catalog(path, progress=False, warn=False)
    report = catalog.report
    assert report.variant_lines_folded == [3, 4] and report.variant_lines_kept == [5]
    assert report.ignored_columns == ["Option1 Value"]          # the Handle is read, to fold the lines
    assert [r.line for r in report.rows_rejected] == [7] and report.rows == 4
    table = catalog.table.set_index("id")
    assert table.loc[12933, "price"] == 499                # the product line's, not its L size's
    assert table.loc[10315, ["productDisplayName", "articleType", "baseColour", "price"]].tolist() == [
        "Roadster Navy Tee", "Tshirts", "Black", 499]
    said = "\n".join(report.summary_lines())
    assert "variant lines    2 folded (lines 3, 4): a product's other sizes, colours or photos (the Handle" in said
    assert "variant lines    1 kept as products (line 5)" in said
    assert report.left_out().startswith("3 of 4 rows usable: 1 rejected, 0 without an image")


def test_a_folded_variant_lines_own_price_is_counted_and_said(tmp_path: Path) -> None:
    # A size dearer than its product line (L at 549 beside S at 499) was folded into the product, its price dropped
    # without a word (stop 68's gap). The same amount written otherwise ("499.00", "₹499") and a blank are none.
    path = _shop(tmp_path, ["navy-tee,12933,Roadster Navy Tee,Tshirts,Navy Blue,S,499", "navy-tee,,,,,M,499.00",
                            "navy-tee,12933,,,,L,549", "navy-tee,,,,,XL,599", "navy-tee,,,,,XXL,549",
                            "jeans,10652,Puma Jeans,Jeans,Blue,32,1299", "jeans,,,,,34,₹1299", "jeans,,,,,36,"],
                 header=VARIANT_HEADER, photos=(12933, 10652))
    save_column_map(path, SHOP_MAP)
    report = load_catalog(path, progress=False, warn=False).report
    assert report.variant_prices == {12933: ["499", "549", "599"]}      # each other price once
    said = "\n".join(report.summary_lines())
    assert ("variant prices   1 product whose folded variant lines (sizes) have prices of their own (id 12933: 499 "
            "read, not 549 or 599): each product has one price, its product line's") in said
    result = runner.invoke(app, ["data", "check", str(path)])
    assert "variant prices" in result.output and "549 or 599" in " ".join(result.output.split())


def test_a_sizes_price_written_otherwise_is_the_same_amount_as_the_loader_reads_it(tmp_path: Path) -> None:
    # Stop 70: the variant prices' report read prices its own way (catalog._price_key), beside the loader's: a size
    # at "1.299,00" or "€1.299" beside its product line's "1299", or "€49,99" beside "49.99", was said to cost
    # another price, where the loader reads each as the same amount. The loader's own reading of one cell decides.
    path = _shop(tmp_path, ["jeans,10652,Puma Jeans,Jeans,Blue,32,1299", 'jeans,,,,,34,"1.299,00"',
                            "jeans,,,,,36,€1.299", "tee,12933,Navy Tee,Tshirts,Navy Blue,S,49.99",
                            'tee,,,,,M,"€49,99"', "tee,,,,,L,59.99"],
                 header=VARIANT_HEADER, photos=(12933, 10652))
    save_column_map(path, SHOP_MAP)
    catalog = load_catalog(path, progress=False, warn=False)
    assert catalog.table.set_index("id")["price"].to_dict() == {10652: 1299.0, 12933: 49.99}
    assert catalog.report.variant_prices == {12933: ["49.99", "59.99"]}     # the one size that costs more


def test_a_product_line_without_a_price_is_said_at_its_first_sizes_price(tmp_path: Path) -> None:
    # A product line without a price takes its first size's (stop 69's review), but the variant prices' report
    # (stop 69's ids helper) compared each size with the empty line: "no price read, not 399 or 449" of a product
    # read at 399, and a product whose sizes all cost 399 was said to have sizes of other prices.
    # A colour with an id of its own after them is priced as its product is kept, not left unpriced.
    path = _shop(tmp_path, ["navy-tee,12933,Roadster Navy Tee,Tshirts,Navy Blue,S,", "navy-tee,,,,,M,399",
                            "navy-tee,,,,,L,449", "navy-tee,10652,,,Black,S,",
                            "belt,10315,Belt,Belts,Black,,", "belt,,,,,,399", "belt,,,,,,399"],
                 header=VARIANT_HEADER, photos=(12933, 10315, 10652))
    save_column_map(path, SHOP_MAP)
    catalog = load_catalog(path, progress=False, warn=False)
    assert catalog.table.set_index("id")["price"].to_dict() == {12933: 399, 10652: 399, 10315: 399}
    assert catalog.report.variant_prices == {12933: ["399", "449"]}
    said = "\n".join(catalog.report.summary_lines())
    assert "(id 12933: 399 read, not 449)" in said and "its first size's where that line has none" in said


def test_data_columns_replaces_an_unreadable_columns_json_as_its_error_advises(tmp_path: Path) -> None:
    # "cannot be read as JSON: write it again with `fashionrec data columns DIR HEADER=COLUMN ...`": that command
    # failed on the same file, as did --clear (stop 69's review).
    path = _shop(tmp_path, ["12933,Roadster Men Navy Tee,Tshirts,Navy Blue,499"])
    (path / COLUMN_MAP_FILE).write_text('{"Title": "productDisplayName",\n')
    result = runner.invoke(app, ["data", "columns", str(path)])     # shown: the error, as before
    assert result.exit_code != 0 and "cannot be read as JSON" in result.output, result.output
    result = runner.invoke(app, ["data", "columns", str(path), "Title=articleType"])   # unreadable catalogue: kept
    assert result.exit_code != 0 and "left as it was" in result.output, result.output
    assert (path / COLUMN_MAP_FILE).read_text() == '{"Title": "productDisplayName",\n'
    result = runner.invoke(app, ["data", "columns", str(path), *(f"{h}={c}" for h, c in SHOP_MAP.items())])
    assert result.exit_code == 0 and "in place of the unreadable one" in result.output, result.output
    assert json.loads((path / COLUMN_MAP_FILE).read_text()) == SHOP_MAP


def test_a_folded_products_stock_is_its_variants_not_its_first_sizes_alone(tmp_path: Path) -> None:
    # Each size of a Shopify product has its own quantity: the product line's alone (its first size's, 0) was read,
    # and a tee with 7 in M and 3 in L was sold out, left out of every list a shopper is shown (stop 69's review).
    path = _shop(tmp_path, ["navy-tee,12933,Roadster Navy Tee,Tshirts,Navy Blue,S,499,0",
                            "navy-tee,,,,,M,499,7", "navy-tee,12933,,,,L,499,3",
                            "jeans,10652,Puma Jeans,Jeans,Blue,32,1299,0", "jeans,,,,,34,1299,-1",
                            "belt,10315,Belt,Belts,Black,,,2", "belt,,,,,,399,call us"],
                 header=VARIANT_HEADER + ",Variant Inventory Qty", photos=(12933, 10315, 10652))
    save_column_map(path, {**SHOP_MAP, "Variant Inventory Qty": "stock"})
    catalog = load_catalog(path, progress=False, warn=False)
    stock = catalog.table.set_index("id")["stock"]
    assert stock[12933] == 10 and stock[10652] == 0 and stock[10315] == 2, stock.to_dict()
    assert catalog.report.sold_out_ids == [10652]       # sold out where every size is
    # data check names the column as the header writes it, as it names the price's, not as columns.json maps it.
    assert "stock            read from the column 'Variant Inventory Qty': 1 sold out" in "\n".join(
        catalog.report.summary_lines())
    # A product line without a price takes its sizes' (it went in unpriced).
    assert catalog.table.set_index("id").loc[10315, "price"] == 399


def test_a_size_not_tracked_is_available_and_a_photos_line_is_no_size(tmp_path: Path) -> None:
    # A Shopify size whose "Variant Inventory Qty" is blank is not tracked, sold whatever its count: a tee at 0 in S
    # with M and L blank read sold out and was left out of every list (stop 70's review). A photo's line (the
    # Handle, an image, neither price nor level) is no size: read as one, every product with two photos would be
    # available. A product line with neither is no size either: its sizes all "no", it is sold out. `index stock
    # --from` of the same file reads each product as the build does.
    lines = ["navy-tee,12933,Roadster Navy Tee,Tshirts,Navy Blue,S,499,0", "navy-tee,,,,,M,499,",
             "navy-tee,,,,,L,499,",
             "jeans,10652,Puma Jeans,Jeans,Blue,32,1299,0", "jeans,,,,,34,1299,0", "jeans,,,,,,,",
             "belt,10315,Belt,Belts,Black,,,", "belt,,,,,S,399,no", "belt,,,,,M,399,no"]
    shop = _shop(tmp_path / "shop", lines, header=VARIANT_HEADER + ",Variant Inventory Qty",
                 photos=(12933, 10315, 10652))
    save_column_map(shop, {**SHOP_MAP, "Variant Inventory Qty": "stock"})
    catalog = load_catalog(shop, progress=False, warn=False)
    stock = catalog.table.set_index("id")["stock"]
    assert pd.isna(stock[12933]) and stock[10652] == 0 and stock[10315] == 0, stock.to_dict()
    assert sorted(catalog.report.sold_out_ids) == [10315, 10652]
    d = _index_of(tmp_path, shop)
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(shop / "styles.csv"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["stock"] == {"12933": None, "10652": 0, "10315": 0}, result.output


def test_a_shopify_exports_variant_inventory_qty_is_its_stock_unmapped(tmp_path: Path) -> None:
    # Stop 72's Shopify trial: "Variant Price" was read unmapped and "Variant Inventory Qty" listed as an ignored
    # column, so every size at 0 was read as available, unless the shop found it must map the column by hand.
    lines = ["navy-tee,12933,Roadster Navy Tee,Tshirts,Navy Blue,S,499,0", "navy-tee,,,,,M,499,0",
             "jeans,10652,Puma Jeans,Jeans,Blue,32,1299,0", "jeans,,,,,34,1299,3"]
    shop = _shop(tmp_path / "shop", lines, header=VARIANT_HEADER + ",Variant Inventory Qty",
                 photos=(12933, 10652))
    save_column_map(shop, SHOP_MAP)
    catalog = load_catalog(shop, progress=False, warn=False)
    assert catalog.table.set_index("id")["stock"].to_dict() == {12933: 0, 10652: 3}
    assert catalog.report.sold_out_ids == [12933]
    assert catalog.report.stock_column == "Variant Inventory Qty"
    assert "Variant Inventory Qty" not in catalog.report.ignored_columns


SHOPIFY_HEADER = "Handle,Title,Product Type,Color,Option1 Value,Variant Price,Variant Inventory Qty,Image Src"


def _shopify_export(folder: Path, products, reorder: bool = False) -> Path:
    """A Shopify admin export as written (no id column): ``products`` [(handle, fixture row)], each on two lines (S,
    then M, the second with no title), photos/<handle>.jpg; ``reorder``: the products in the other order."""
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    lines = []
    for k, (handle, r) in enumerate(reversed(products) if reorder else products):
        url = f"https://cdn.shopify.com/s/files/1/products/{handle}.jpg?v=1700000000"
        lines += [f"{handle},{r.productDisplayName.replace(',', ' ')},{r.articleType},{r.baseColour},S,499,{k},{url}",
                  f"{handle},,,,M,499,1,"]
        shutil.copy(r.image_path, folder / "photos" / f"{handle}.jpg")
    (folder / "products.csv").write_text("\n".join([SHOPIFY_HEADER, *lines]) + "\n", encoding="utf-8")
    save_column_map(folder, {**SHOP_MAP, "Image Src": "photo", "@table": "products.csv", "@images": "photos"})
    return folder


def test_a_shopify_export_without_an_id_column_has_ids_made_from_its_handles(tmp_path: Path) -> None:
    # Stop 72's Shopify trial: a product export from Shopify's admin has no id column (its Handle is text) and was
    # refused ("lacks the columns ['id']") until the shop added one by hand. Each product's id is now a hash of its
    # Handle, the same in a later export whatever its order: data check, index build, tag, index stock --from and
    # index add of the later export name each product by the same number, and the Handle is kept as its id as written.
    from _recs_support import index_copy, tiny_tagger_path

    from fashionrec.recommend import Recommender
    from fashionrec.shop_ids import handle_id

    fixture = load_catalog(Path(__file__).parent / "fixtures" / "catalog", progress=False, warn=False).usable
    rows = list(fixture[fixture["articleType"].isin(["Tshirts", "Jeans", "Shirts"])].head(5).itertuples())
    products = [(f"{r.productDisplayName.lower().replace(' ', '-')[:20]}-{k}", r) for k, r in enumerate(rows)]
    ids = {h: handle_id(h) for h, _ in products}
    shop = _shopify_export(tmp_path / "shop", products[:4])
    result = runner.invoke(app, ["data", "check", str(shop)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "ids made from 'Handle' 4 (" in said and "variant lines 4 folded" in said, said
    catalog = load_catalog(shop, progress=False, warn=False)
    assert sorted(catalog.table["id"]) == sorted(ids[h] for h, _ in products[:4])
    assert all(0 <= i < 2**53 for i in catalog.table["id"]) and len(catalog.usable) == 4
    # A later export, in another order, with a new product: the same ids.
    later = _shopify_export(tmp_path / "later", products, reorder=True)
    assert load_catalog(later, progress=False, warn=False).table.set_index("productDisplayName")["id"].to_dict() == {
        r.productDisplayName.replace(",", " "): ids[h] for h, r in products}
    d = index_copy(tmp_path / "index")
    result = runner.invoke(app, ["index", "build", str(shop), "--model", str(tiny_tagger_path()), "--out", str(d)])
    assert result.exit_code == 0, result.output
    assert "ids made from 'Handle' 4 (" in " ".join(result.output.split()), result.output
    rec = Recommender.load(d)
    assert sorted(rec.items["id"]) == sorted(ids[h] for h, _ in products[:4])
    assert rec.manifest["ids_as_written"] == {str(ids[h]): h for h, _ in products[:4]}
    # The later export's levels go on the products the build made from the first (each S line's level is its
    # product's place in the file, its M line's 1: the reordered file gives each another sum).
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(later / "products.csv"),
                                 "--skip-unknown", "--json"])
    assert result.exit_code == 0, result.output
    levels = json.loads(result.output)["stock"]
    assert {int(i) for i in levels} == {ids[h] for h, _ in products[:4]}, levels     # the new one is not in yet
    assert [levels[str(ids[h])] for h, _ in products[:4]] == [5, 4, 3, 2], levels
    # index add of the later export: the new product goes in under its Handle's id.
    result = runner.invoke(app, ["index", "add", str(later), "--index", str(d), "--model", str(tiny_tagger_path()),
                                 "--json"])
    added = json.loads(result.stdout)
    assert added["added"] == [ids[products[4][0]]] and added["added_as_written"] == [products[4][0]], result.output
    # tag: the CSV's id is the number, its id_as_written the Handle.
    result = runner.invoke(app, ["tag", str(later), "--model", str(tiny_tagger_path()), "--out",
                                 str(tmp_path / "tags.csv")])
    assert result.exit_code == 0, result.output
    tags = pd.read_csv(tmp_path / "tags.csv", dtype={"id_as_written": str})
    assert dict(zip(tags["id_as_written"], tags["id"], strict=True)) == ids


def test_two_handles_whose_ids_meet_are_refused_by_line_not_read_as_one_product(tmp_path: Path, monkeypatch) -> None:
    # A hash of the Handle may, rarely, give two products one id: said with both Handles and what to do, the first
    # kept, not folded into it nor resolved otherwise (which would not stay with the product in a later export).
    import fashionrec.catalog as catalog_module
    from fashionrec.shop_ids import handle_id

    monkeypatch.setattr(catalog_module, "handle_id", lambda handle: 7)
    shop = _shop(tmp_path, ["navy-tee,Roadster Navy Tee,Tshirts,Navy Blue,499", "belt,Belt,Belts,Brown,399"],
                 header="Handle,Title,Product Type,Color,Variant Price")
    save_column_map(shop, SHOP_MAP)
    report = load_catalog(shop, check_images=False, progress=False, warn=False).report
    assert report.rows == 2 and [r.line for r in report.rows_rejected] == [3]
    assert ("its Handle 'belt' makes the id 7, as line 2's Handle 'navy-tee' does (two Handles whose hashes meet, "
            "rare): add an id column") in report.rows_rejected[0].reason
    monkeypatch.undo()
    # An id column, or one mapped to id, is read as written: nothing is made from the Handle.
    shop = _shop(tmp_path / "ids", ["navy-tee,12933,Roadster Navy Tee,Tshirts,Navy Blue,499"],
                 header="Handle,Product ID,Title,Product Type,Color,Variant Price")
    save_column_map(shop, {**SHOP_MAP, "Product ID": "id"})
    catalog = load_catalog(shop, check_images=False, progress=False, warn=False)
    assert catalog.table["id"].tolist() == [12933] and catalog.report.ids_from == ""
    # The Handle mapped to id itself (a shop's answer to "lacks the columns ['id']"): ids made from it, not refused
    # row by row as "not an integer".
    save_column_map(shop, {**SHOP_MAP, "Handle": "id"})
    catalog = load_catalog(shop, check_images=False, progress=False, warn=False)
    assert catalog.table["id"].tolist() == [handle_id("navy-tee")] and catalog.report.ids_from == "Handle"


WOO_HEADER = "ID,Type,SKU,Name,Categories,Regular price,Sale price,Stock,Parent"
WOO_MAP = {"Name": "productDisplayName", "Categories": "articleType"}


def test_a_variations_own_id_names_its_product(tmp_path: Path, monkeypatch) -> None:
    # A new user's WooCommerce shop (stop 76): a storefront's cart names a size by its variation's ID, and
    # `recommend similar 1203` said "there is no product 1203" of product 1202's size S.
    from _recs_support import shared_recommender

    from fashionrec.errors import NotFoundError
    from fashionrec.index_build import variations_of
    from fashionrec.visibility import answering_anyone

    path = _shop(tmp_path, ['12933,variable,TEE-1,Navy Tee,Tshirts,,,,',
                            '12934,variation,TEE-1-S,Navy Tee - S,,499,,2,id:12933',
                            '12935,variation,TEE-1-M,Navy Tee - M,,499,,0,TEE-1',      # by its SKU
                            '10315,simple,JN-1,Jeans,Jeans,999,,3,'], header=WOO_HEADER)
    save_column_map(path, WOO_MAP)
    assert variations_of(load_catalog(path, check_images=False, progress=False, warn=False)) == {
        "12934": 12933, "12935": 12933}
    rec = shared_recommender()      # the manifest an index built from such a shop keeps (restored after)
    monkeypatch.setitem(rec.manifest, "variations", {"12934": 12933})
    with pytest.raises(NotFoundError, match=r"^product 12934 is a variation of product 12933 \(a line of its sizes "
                                            r"or colours, its Parent in styles.csv\), read as that product: ask for "
                                            r"12933$"):
        rec.similar(12934)
    with pytest.raises(NotFoundError, match="there is no product 12936"):
        rec.similar(12936)
    monkeypatch.setitem(rec.manifest, "hidden", {"12933": "'Published' is '0'"})
    with answering_anyone(), pytest.raises(NotFoundError, match="^there is no product 12934 in this catalogue"):
        rec.similar(12934)      # a draft's: not named where the API answers anyone
    # ... but to the shop (the CLI, Python), said hidden: "there is no product 12934" of its own draft's size (h76integ)
    with pytest.raises(NotFoundError, match=r"^product 12934 is a variation of product 12933 \(a line of its sizes .*"
                                            r"ask for 12933 \(hidden by the shop: 'Published' is '0'\)$"):
        rec.similar(12934)


def test_a_woocommerce_exports_variations_are_folded_into_their_variable_product(tmp_path: Path) -> None:
    # A new user's WooCommerce export (stop 70): each size is a "variation" line with an id of its own and its
    # product's in Parent ("id:12933" or its SKU). Each was a product without a photo ("missing image"), and the
    # variable product line, which has neither price nor stock, was unpriced and available with every size sold out.
    path = _shop(tmp_path, ["12933,variable,TEE-1,Roadster Navy Tee,Tshirts,,,,",
                            "5001,variation,TEE-1-S,Roadster Navy Tee - S,,499.00,,0,id:12933",
                            "5002,variation,TEE-1-M,Roadster Navy Tee - M,,499.00,399.00,7,id:12933",
                            "10652,variable,JEANS-1,Puma Jeans,Jeans,,,,",
                            "5003,variation,JEANS-1-32,Puma Jeans - 32,,1299.00,,0,JEANS-1",
                            "5004,variation,JEANS-1-34,Puma Jeans - 34,,1299.00,,0,id:10652",
                            "10315,simple,BELT-1,Belt,Belts,399.00,,2,"],
                 header=WOO_HEADER, photos=(12933, 10315, 10652))
    save_column_map(path, WOO_MAP)
    catalog = load_catalog(path, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert sorted(table.index) == [10315, 10652, 12933] and catalog.report.rows == 3
    assert catalog.report.missing_image_ids == [] and catalog.report.rows_rejected == []
    assert table.loc[12933, "stock"] == 7 and table.loc[10652, "stock"] == 0, table["stock"].to_dict()
    assert catalog.report.sold_out_ids == [10652]       # every size sold out: sold out, not available
    assert table.loc[12933, "price"] == 499 and table.loc[10652, "price"] == 1299
    lines = "\n".join(catalog.report.summary_lines())
    assert "variant lines    4 folded (lines 3, 4, 6, 7)" in lines and "as their Parent" in lines
    assert "Parent" not in catalog.report.ignored_columns


def test_a_category_path_is_read_as_its_last_part_and_the_wearer_it_names(tmp_path: Path) -> None:
    # A new user's WooCommerce export (stop 70): Categories mapped to articleType kept each path whole, so the shop
    # had 35 "new types" for 13 kinds, and a shirt also filed under "Sale" was a type apart from the other shirts.
    path = _shop(tmp_path, ['12933,simple,TEE-1,Roadster Navy Tee,"Men > Apparel > Tshirts, Sale",499,,3,',
                            '10652,simple,JEANS-1,Puma Jeans,"Sale, Women\'s > Bottoms > Jeans",1299,,3,',
                            "10315,simple,BELT-1,Belt,Belts,399,,2,",
                            '10316,simple,CAP-1,Cap,"Gifts > Caps\\, Hats",399,,2,'],
                 header=WOO_HEADER, photos=(12933, 10315, 10652))
    save_column_map(path, WOO_MAP)
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert table["articleType"].to_dict() == {12933: "Tshirts", 10652: "Jeans", 10315: "Belts", 10316: "Caps, Hats"}
    assert table.loc[12933, "gender"] == "Men" and table.loc[10652, "gender"] == "Women"
    assert pd.isna(table.loc[10315, "gender"]) and "gender" not in catalog.report.absent_columns
    assert catalog.report.category_path_ids == [12933, 10652, 10316]
    assert "category paths   3 rows whose articleType is a category path ('Men > Apparel > Tshirts, Sale'" in (
        "\n".join(catalog.report.summary_lines()))


def test_a_category_path_naming_no_group_gives_the_group_its_type_is_filed_under(tmp_path: Path) -> None:
    # A new user's WooCommerce shop (stop 76): "Men > Clothing > Tshirts, Men" gave Apparel and no group, 230 of 283
    # products had no subCategory, and the catalogue page's Group filter offered "Shoes (51)" alone.
    path = _shop(tmp_path, ['1,simple,S-1,Navy Tee,"Men > Clothing > Tshirts, Men",499,,3,',
                            '2,simple,S-2,Watch,"Accessories > watches",999,,3,',          # any case
                            '3,simple,S-3,Tote,"Women > Clothing > Handbags",799,,3,',    # filed elsewhere: none
                            '4,simple,S-4,Trunks,"Men > Swimwear",299,,3,',                 # two groups: none
                            '5,simple,S-5,Polo,"Men > Tops > Polos",299,,3,'],              # the shop's own type
                 header=WOO_HEADER)
    save_column_map(path, WOO_MAP)
    table = load_catalog(path, check_images=False, progress=False, warn=False).table.set_index("id")
    assert table["subCategory"].fillna("").to_dict() == {1: "Topwear", 2: "Watches", 3: "", 4: "", 5: ""}
    assert table["masterCategory"].fillna("").to_dict() == {1: "Apparel", 2: "Accessories", 3: "Apparel", 4: "",
                                                           5: ""}


def test_a_category_paths_middle_parts_give_its_master_and_sub_category(tmp_path: Path) -> None:
    # Stop 70's WooCommerce user: a path's parts between its wearer and its type ("Clothing > Apparel > Shirts") were
    # read as nothing, so every masterCategory and subCategory was empty. The catalogue's names (and "Clothing") are
    # read now, a subCategory alone giving its masterCategory; a shop's own grouping ("New In") is said, not read.
    path = _shop(tmp_path, ['1,simple,S-1,Navy Shirt,"Clothing > Apparel > Shirts",499,,3,',
                            '2,simple,S-2,Sneaker,"Womenswear > Footwear > Shoes > Casual Shoes",999,,3,',
                            '3,simple,S-3,Tote,"Women > Bags > Handbags, Sale",799,,3,',
                            '4,simple,S-4,Tee,"New In > Tshirts",299,,3,'],
                 header=WOO_HEADER)
    save_column_map(path, WOO_MAP)
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    table = catalog.table.set_index("id").astype(object)
    table = table.where(table.notna(), None)
    assert table[["gender", "masterCategory", "subCategory", "articleType"]].to_dict("index") == {
        # (a type the catalogue files under one group, its path naming none, is given it: stop 76)
        1: {"gender": None, "masterCategory": "Apparel", "subCategory": "Topwear", "articleType": "Shirts"},
        2: {"gender": "Women", "masterCategory": "Footwear", "subCategory": "Shoes", "articleType": "Casual Shoes"},
        3: {"gender": "Women", "masterCategory": "Accessories", "subCategory": "Bags", "articleType": "Handbags"},
        4: {"gender": None, "masterCategory": "Apparel", "subCategory": "Topwear", "articleType": "Tshirts"}}
    assert catalog.report.category_path_read == {"gender": 2, "masterCategory": 3, "subCategory": 2}
    summary = " ".join("\n".join(catalog.report.summary_lines()).split())
    assert ("gender read in 2 rows; masterCategory read in 3 rows; subCategory read in 2 rows; subCategory from the "
            "type in 2 rows whose path names no group (the group the catalogue files the type under: 'Shirts' (1) as "
            "Topwear, 'Tshirts' (1) as Topwear); parts read as no column: 'New In' (1)") in summary
    # A column of the row's own is kept.
    own = _shop(tmp_path / "own", ['1,simple,S-1,Navy Shirt,"Clothing > Apparel > Shirts",499,,3,,Accessories'],
                header=WOO_HEADER + ",Master")
    save_column_map(own, {**WOO_MAP, "Master": "masterCategory"})
    assert styles_table(own)["masterCategory"].tolist() == ["Accessories"]


def test_a_category_paths_kids_part_reads_as_unisex_and_is_said_by_whether_the_name_says_a_child(
        tmp_path: Path) -> None:
    # Stop 73's gap: a path's "Kids" part was read as no column, so "Kids > Tshirts" had no wearer (a gender attribute
    # "Kids" reads as Unisex since stop 73). Now both children's sides, Unisex, as that attribute; a side another part
    # names is the wearer; one whose name says no child is said by row, as a similar items' and look's grown-up's.
    path = _shop(tmp_path, ['1,simple,S-1,Acme Kids Navy Tee,"Kids > Tshirts",299,,3,',
                            '2,simple,S-2,Leather Belt,"Kids > Accessories > Belts",199,,3,',
                            '3,simple,S-3,Acme Kids Pink Dress,"Kids > Girls > Dresses",499,,3,'],
                 header=WOO_HEADER)
    save_column_map(path, WOO_MAP)
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert table["gender"].to_dict() == {1: "Unisex", 2: "Unisex", 3: "Girls"}
    assert table.loc[2, "masterCategory"] == "Accessories" and "Kids" not in catalog.report.category_parts_unread
    summary = " ".join("\n".join(catalog.report.summary_lines()).split())
    assert ("2 under a children's part ('Kids'), read as Unisex (the catalogue has no value for a child of either "
            "side): 1 named for a child, kept with children's products for a boy and a girl alike (id 1 'Kids'); 1 "
            "whose name says no child, so similar items and looks take it for a grown-up's (id 2 'Kids' "
            "('Leather Belt')): name it for a child") in summary


def test_a_woocommerce_exports_type_is_not_offered_as_the_article_type_its_categories_are(tmp_path: Path) -> None:
    # Stop 70's new user was told "'Type' may be 'articleType'" of a WooCommerce export, whose Type is simple,
    # variable or variation: mapped so, the shop's types were "simple" and "variable".
    path = _shop(tmp_path, ['12933,simple,TEE-1,Roadster Navy Tee,"Men > Apparel > Tshirts",499,,3,'],
                 header=WOO_HEADER)
    with pytest.raises(CatalogError) as error:
        load_catalog(path, check_images=False, progress=False, warn=False)
    assert "'Categories' may be 'articleType'" in str(error.value) and "'Type' may be" not in str(error.value)
    assert f"`fashionrec data columns {path} Name=productDisplayName Categories=articleType`" in str(error.value)
    # A "Type" without a Categories column beside it is still offered, as before.
    path = _shop(tmp_path, ["1,Tee,Tshirts"], header="id,productDisplayName,Type")
    with pytest.raises(CatalogError, match="'Type' may be 'articleType'"):
        load_catalog(path, check_images=False, progress=False, warn=False)


def test_a_sku_given_to_two_products_is_said(tmp_path: Path) -> None:
    # Stop 70's new user: a WooCommerce export's SKU given to two products went without a word (the column is
    # ignored), and a variation naming it as its Parent folds into the first.
    path = _shop(tmp_path, ["12933,simple,TEE-1,Roadster Navy Tee,Tshirts,499,,3,",
                            "10652,simple,TEE-1,Puma Jeans,Jeans,1299,,3,",
                            "10315,simple,BELT-1,Belt,Belts,399,,2,"], header=WOO_HEADER)
    save_column_map(path, WOO_MAP)
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    assert report.duplicate_skus == {"TEE-1": [12933, 10652]} and report.rows == 3
    assert "duplicate SKU    1 ('TEE-1': ids 12933, 10652): each a product of its own" in "\n".join(
        report.summary_lines())


def test_a_warning_about_a_file_is_said_once_per_version_of_it(tmp_path: Path, monkeypatch) -> None:
    from fashionrec import said_once

    monkeypatch.setenv("FASHIONREC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(said_once, "_SAID", set())
    items = tmp_path / "items.csv"
    items.write_text("id,price\n1,-5\n")
    assert said_once.first_time(items, "unpriced 1")
    assert not said_once.first_time(items, "unpriced 1")
    monkeypatch.setattr(said_once, "_SAID", set())      # another process: the marker file tells
    assert not said_once.first_time(items, "unpriced 1")
    assert said_once.first_time(items, "unpriced 1 and 2")      # another thing to say
    items.write_text("id,price\n1,call us\n")                    # another version of the file
    assert said_once.first_time(items, "unpriced 1")


def test_a_shops_export_goes_in_whole_and_its_ids_come_back_as_written(tmp_path: Path) -> None:
    # A shop's Shopify-like export, as written: its own column names (mapped once), a variant line, ids written
    # "0012933". Ids are whole numbers in the index (FAISS's, the photos', the pages'), so 12933 there; the
    # manifest keeps the shop's spelling and `recommend export` writes it beside the number, which a back end keyed
    # by the text joins on (it found none: stop 67's trial).
    from _recs_support import built_index, tiny_tagger_path

    from fashionrec.rec_export import export_recommendations, read_export
    from fashionrec.recommend import Recommender

    shop = tmp_path / "shop"
    shop.mkdir()
    fixture = Path(__file__).parent / "fixtures" / "catalog"
    usable = load_catalog(fixture, progress=False, warn=False).usable
    usable = usable[usable["articleType"].isin(["Tshirts", "Jeans", "Shirts"])].head(4)
    lines = []
    for r in usable.itertuples():
        lines.append(f"h{r.id},{r.id:07d},{r.productDisplayName.replace(',', ' ')},{r.articleType},{r.baseColour},S,"
                     "499")
        lines.append(f"h{r.id},,,,,M,{549 if not lines[:-1] else 499}")     # the first product's M is dearer
        (shop / "images").mkdir(exist_ok=True)
        shutil.copy(r.image_path, shop / "images" / f"{r.id:07d}.jpg")
    (shop / "styles.csv").write_text("\n".join([VARIANT_HEADER, *lines]) + "\n", encoding="utf-8")
    save_column_map(shop, SHOP_MAP)
    catalog = load_catalog(shop, progress=False, warn=False)
    assert len(catalog.usable) == len(usable) and len(catalog.report.variant_lines_folded) == len(usable)
    shutil.copytree(built_index(), tmp_path / "index")       # its embeddings of these photos are taken, not made
    result = runner.invoke(app, ["index", "build", str(shop), "--model", str(tiny_tagger_path()),
                                 "--out", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "columns mapped by columns.json: 'Title' as productDisplayName, 'Product Type' as articleType" in said
    assert f"variant lines (Handle): {len(usable)} folded into their products, 0 with ids of their own kept" in said
    first = int(usable["id"].iloc[0])
    assert (f"variant prices: 1 product whose folded variant lines (sizes) have prices of their own (id {first}: 499 "
            "read, not 549)") in said
    assert f"{len(usable)} ids written otherwise ('{first:07d}' as {first}," in said
    rec = Recommender.load(tmp_path / "index")          # as a later command reads it
    assert rec.manifest["ids_as_written"][str(first)] == f"{first:07d}"
    second = int(usable["id"].iloc[1])
    rec.set_stock({second: 0})
    export_recommendations(rec, tmp_path / "recs.csv", kinds=["similar"], ids=[first], progress=False)
    table, summary = read_export(tmp_path / "recs.csv")
    assert table["item_id_as_written"].tolist() == [f"{first:07d}"] * len(table)
    # The summary's sold-out and short ids too (stop 75's new user: "88 sold-out products (ids 276089023967380, ...)"
    # of a Shopify shop whose products are known by their Handles).
    assert summary["sold_out"]["ids_as_written"] == [f"{second:07d}"], summary["sold_out"]
    assert summary["none_ids_as_written"] == {"similar": [f"{i:07d}" for i in summary["none_ids"]["similar"]]}
    assert [f"{int(i):07d}" for i in table["rec_id"]] == table["rec_id_as_written"].tolist()
    assert summary["columns"][-2:] == ["item_id_as_written", "rec_id_as_written"]


def test_ids_written_otherwise_are_said_on_load_not_only_by_data_check(tmp_path: Path, caplog) -> None:
    # `index build` and `tag` said nothing of "0012933" read as 12933; data check alone did.
    path = _shop(tmp_path, ["0012933,Tee,Tshirts,Blue,499", "10315,Jeans,Jeans,Blue,999"])
    save_column_map(path, SHOP_MAP)
    with caplog.at_level("WARNING", logger="fashionrec.catalog"):
        load_catalog(path, check_images=False, progress=False)
    assert "1 id written otherwise ('0012933' as 12933): read as numbers, as the index" in caplog.text
    assert "`recommend export` writes them beside the numbers (item_id_as_written" in caplog.text


def test_a_semicolon_separated_export_is_told_by_its_mapped_names(tmp_path: Path) -> None:
    # A separator is told by the columns' names in the header; a shop's "id;Title;Product Type" has them only
    # through columns.json, and was read as comma-separated (every name one field: refused).
    path = _shop(tmp_path, ["1;Tee, slim;Tshirts;Blue;499"], header=SHOP_HEADER.replace(",", ";"))
    save_column_map(path, SHOP_MAP)
    table = styles_table(path)
    assert table[["productDisplayName", "articleType"]].values.tolist() == [["Tee, slim", "Tshirts"]]


def test_data_columns_maps_a_semicolon_separated_export(tmp_path: Path) -> None:
    # Stop 69's new user: `data columns` read "SKU;Product Name;..." as one comma-separated name and refused every
    # pair ("'SKU' is not in ...'s header"), while the loader reads such a file only once columns.json exists.
    path = _shop(tmp_path, ["0001;Tee, slim;Tshirts;Blue;499"], header="SKU;Title;Product Type;Color;Variant Price")
    result = runner.invoke(app, ["data", "columns", str(path), "SKU=id", "Title=productDisplayName",
                                 "Product Type=articleType"])
    assert result.exit_code == 0, result.output
    assert json.loads((path / COLUMN_MAP_FILE).read_text()) == {
        "SKU": "id", "Title": "productDisplayName", "Product Type": "articleType"}
    assert styles_table(path)[["id", "articleType"]].values.tolist() == [[1, "Tshirts"]]


def test_a_semicolon_export_without_the_columns_is_offered_the_mapping(tmp_path: Path) -> None:
    # Stop 69's new user: a comma export lacking the columns was offered `fashionrec data columns`, a semicolon one
    # only "add them" (the header to type), so the mapping a shop needs went unsaid.
    path = _shop(tmp_path, ["0001;Tee;Tshirts;Blue"], header="SKU;Title;Product Type;Color")
    with pytest.raises(CatalogError) as e:
        styles_table(path)
    said = str(e.value)
    assert said.startswith(f"{path / 'styles.csv'} separates its fields with semicolons and lacks the columns")
    # The SKU too since stop 77 (a shop's codes are ids made as a Handle's are, stop 74): it was left to the shop to
    # map ("HEADER=COLUMN"), and a Magento shop, whose export has no other id, was offered none.
    assert (f"`fashionrec data columns {path} SKU=id Title=productDisplayName 'Product Type=articleType' "
            "Color=baseColour`") in said, said
    assert "HEADER=COLUMN" not in said


def test_two_ids_that_differ_only_by_leading_zeros_are_said_to_be_one_number(tmp_path: Path) -> None:
    # Stop 69's new user: "007" and "7", two SKUs of a shop, were "duplicate id 7: line 2 has it and is the row
    # read; correct that line", which does not say why two different ids clash.
    path = _shop(tmp_path, ["007,Shirt A,Shirts,Navy Blue,499", "7,Shirt B,Shirts,Blue,599"])
    save_column_map(path, SHOP_MAP)
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    assert [r.reason for r in report.rows_rejected] == [
        "duplicate id 7: line 2's id '007' and this line's '7' are the same number, as ids are read as numbers "
        "(leading zeros dropped): give one of them another id"]


def test_a_catalogue_whose_photos_are_in_another_folder_is_told_which(tmp_path: Path) -> None:
    # Stop 69's new user: a shop's photos unpacked to photos/ read only "images not found: a catalogue folder needs
    # an images/ folder of <id>.jpg", as a table under another name was already told which file it was.
    (tmp_path / "styles.csv").write_text("id,articleType,productDisplayName\n1,Tshirts,Tee\n", encoding="utf-8")
    (tmp_path / "photos").mkdir()
    (tmp_path / "empty").mkdir()
    for name in ("0001.jpg", "0002.PNG", "notes.txt"):
        (tmp_path / "photos" / name).write_bytes(b"")
    with pytest.raises(CatalogError, match=r"images not found: .*; it holds photos/ with 2 photos: name it with "
                                           r"`fashionrec data columns \S+ --images photos`, or rename it images$"):
        load_catalog(tmp_path, check_images=False, progress=False, warn=False)


def test_a_rows_photo_named_as_it_writes_its_id_is_the_one_read(tmp_path: Path) -> None:
    # Stop 69's new user: with "007.jpg" and "7.jpg" in images/, the row read, "007", took "7.jpg" (the rejected
    # row's product) and "007.jpg" was listed as a photo without a row.
    path = _shop(tmp_path, ["007,Shirt A,Shirts,Navy Blue,499", "7,Shirt B,Shirts,Blue,599"], photos=(10315, 10652))
    (path / "images" / "10315.jpg").rename(path / "images" / "007.jpg")
    (path / "images" / "10652.jpg").rename(path / "images" / "7.jpg")
    save_column_map(path, SHOP_MAP)
    catalog = load_catalog(path, progress=False, warn=False)
    assert Path(catalog.table.set_index("id").loc[7, "image_path"]).name == "007.jpg"
    assert catalog.report.images_without_row == []
    # "007.jpg" is named as its row writes the id: not "named otherwise" (it was listed so beside "ids written
    # otherwise", stop 69's trial); a photo named otherwise than its row writes it still is.
    assert catalog.report.photos_named_otherwise == {}
    (tmp_path / "other").mkdir()
    path = _shop(tmp_path / "other", ["10315,Shirt A,Shirts,Navy Blue,499", "0010652,Shirt B,Shirts,Blue,599"],
                 photos=(10315, 10652))
    (path / "images" / "10315.jpg").rename(path / "images" / "0010315.jpg")
    (path / "images" / "10652.jpg").rename(path / "images" / "010652.jpg")
    save_column_map(path, SHOP_MAP)
    report = load_catalog(path, progress=False, warn=False).report
    assert report.photos_named_otherwise == {"0010315.jpg": 10315, "010652.jpg": 10652}
    assert not any("photos named otherwise" in line for line in catalog.report.summary_lines())


def _arrivals(tmp_path: Path, more: str = ""):
    """(a copy of the fixture index, it loaded, the photo of its first product, a folder of new arrivals): the
    arrivals' row 0099001 (written with zeros) has that photo, ``more`` rows none."""
    from _recs_support import index_copy, tiny_tagger_path

    from fashionrec.recommend import Recommender

    d = index_copy(tmp_path / "index")
    rec = Recommender.load(d, tiny_tagger_path())
    photo = Path(str(rec.item(int(rec.items["id"].iloc[0]))["image_path"]))
    shop = tmp_path / "arrivals"
    (shop / "images").mkdir(parents=True)
    shutil.copy(photo, shop / "images" / "0099001.jpg")
    (shop / "styles.csv").write_text("id,articleType,productDisplayName\n0099001,Tshirts,Acme Navy Tee\n" + more)
    return d, rec, photo, shop


def test_products_added_from_a_folder_keep_their_ids_as_written_through_a_rebuild(tmp_path: Path) -> None:
    # `index add FOLDER` of a shop's new arrivals ("0099001") kept the number alone: `recommend export` wrote
    # "99001" for them, which the shop's back end, keyed by its own ids, did not find; a rebuild dropped what the
    # index had of them too (stop 69's review).
    from _recs_support import fixture_catalog, tiny_tagger_path

    from fashionrec.rec_export import export_recommendations, read_export
    from fashionrec.recommend import Recommender
    from fashionrec.tagger import Tagger

    d, rec, _, shop = _arrivals(tmp_path)
    assert rec.add_products(shop, progress=False).ids == [99001]
    assert Recommender.load(d, tiny_tagger_path()).manifest["ids_as_written"] == {"99001": "0099001"}
    export_recommendations(rec, tmp_path / "recs.csv", kinds=["similar"], ids=[99001], progress=False)
    assert set(read_export(tmp_path / "recs.csv")[0]["item_id_as_written"]) == {"0099001"}
    rebuilt = Recommender.build(fixture_catalog(), Tagger.load(tiny_tagger_path()), d, progress=False)
    assert rebuilt.manifest["kept_added_ids"] == [99001]
    assert rebuilt.manifest.get("ids_as_written") == {"99001": "0099001"}, rebuilt.manifest.get("ids_as_written")


def test_index_add_and_remove_say_the_ids_as_the_shop_writes_them(tmp_path: Path) -> None:
    # Stop 69 kept "0099001" in the manifest, but `index add FOLDER`'s and `index remove`'s lines, errors and JSON
    # lists gave 99001 alone, which a shop keyed by its text matched to none of its products (stop 70).
    from _recs_support import tiny_tagger_path
    from PIL import Image

    from fashionrec.errors import ConflictError, NotFoundError
    from fashionrec.recommend import Recommender

    d, rec, photo, shop = _arrivals(tmp_path, "0099002,Tshirts,Acme Grey Tee\n")   # 0099002 has no photo: refused
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    result = runner.invoke(app, ["index", "add", str(shop), *model, "--json"])
    said = json.loads(result.stdout)
    assert said["added"] == [99001] and said["added_as_written"] == ["0099001"], result.output
    assert list(said["refused"]) == ["99002"] and said["refused_as_written"] == {"99002": "0099002"}
    result = runner.invoke(app, ["index", "add", str(shop), *model])
    text = " ".join(result.output.split())
    assert "1 row is in the index already, as it is (id 99001, written 0099001): left alone" in text, text
    assert "not added: product 99002 (written 0099002): its photo is missing" in text, text
    assert runner.invoke(app, ["index", "add", str(shop), *model, "--json"]).stdout.count('"0099001"') == 1
    rec = Recommender.load(d, tiny_tagger_path())
    with pytest.raises(ConflictError, match=r"^id 99001 \(written 0099001\) is already in the index"):
        rec.add_product(Image.open(photo).rotate(90), {"id": 99001, "productDisplayName": "Acme Tee"})
    result = runner.invoke(app, ["index", "remove", "99001", *model])
    assert "removed product 99001 (written 0099001) from" in " ".join(result.output.split()), result.output
    result = runner.invoke(app, ["index", "remove", "0099001", *model])
    assert result.exit_code == 2 and "product 99001 (written 0099001) was removed from this index" in " ".join(
        result.output.split()), result.output
    rec = Recommender.load(d, tiny_tagger_path())
    with pytest.raises(NotFoundError, match=r"^product 99001 \(written 0099001\) was removed .* give the other id "
                                            r"\(\d+\) alone"):
        rec.remove_products([int(rec.items["id"].iloc[0]), 99001])
    # The API's lists of ids it left out, beside the numbers; a list said in a line, the spellings after it.
    assert rec.known_liked([99001])[1] == [99001] and rec.ids_as_written([99001]) == ["0099001"]
    first = int(rec.items["id"].iloc[0])
    assert rec.ids_said([99001, first]) == f"99001, {first}, written 0099001, {first}"
    assert rec.ids_said([first]) == str(first)      # none spelt otherwise: the numbers alone, as before


def test_a_category_column_is_offered_as_what_its_values_look_like(tmp_path: Path) -> None:
    # Stop 69's new user: a shop's "Category" of product types (Shirts, Jeans) was offered as masterCategory
    # ("'Category' may be 'masterCategory'"), whose values are Apparel, Footwear, ...; the hint reads the values.
    (tmp_path / "types").mkdir()
    path = _shop(tmp_path / "types", ["1,Navy Tee,Shirts,Blue", "2,Slim Jeans,Jeans,Blue", "3,Derby,Formal Shoes,"],
                 header="id,productDisplayName,Category,baseColour")
    with pytest.raises(CatalogError, match=r"lacks the columns \['articleType'\]; 'Category' may be 'articleType': "
                                           r"map it once with `fashionrec data columns .* Category=articleType`"):
        styles_table(path)
    (tmp_path / "semicolons").mkdir()
    path = _shop(tmp_path / "semicolons", ["1;Navy Tee;Shirts", "2;Slim Jeans;Jeans"], header="SKU;Title;Category")
    with pytest.raises(CatalogError, match=r"'Category' may be 'articleType'"):
        styles_table(path)
    for folder, values, meant in (("master", ("Apparel", "Footwear", "Apparel"), "masterCategory"),
                                  ("groups", ("Topwear", "Bottomwear", "Shoes"), "subCategory"),
                                  ("none", ("", "", ""), "masterCategory")):     # nothing to read: as before
        (tmp_path / folder).mkdir()
        path = _shop(tmp_path / folder, [f"{i},Tee {i},Tshirts,{v}" for i, v in enumerate(values, 1)],
                     header="id,productDisplayName,articleType,Category")
        report = load_catalog(path, check_images=False, progress=False, warn=False).report
        assert report.misnamed_columns == {"Category": meant}, (folder, report.misnamed_columns)
    # Types beside an articleType column the header has: no other column is offered (it was subCategory).
    path = _shop(tmp_path / "none", ["1,Tee,Tshirts,Tshirts", "2,Jeans,Jeans,Jeans"],
                 header="id,productDisplayName,articleType,Category")
    assert load_catalog(path, check_images=False, progress=False, warn=False).report.misnamed_columns == {}


def _index_of(tmp_path: Path, shop: Path) -> Path:
    """A copy of the fixture index whose manifest names ``shop`` as its catalogue (data_dir): as a build of the shop
    would, without one (the shop's products are the fixture's ids)."""
    from _recs_support import index_copy

    d = index_copy(tmp_path / "index")
    manifest = json.loads((d / "manifest.json").read_text())
    (d / "manifest.json").write_text(json.dumps({**manifest, "data_dir": str(shop)}))
    return d


def test_index_stock_from_reads_a_shops_export_as_its_catalogue_is_read(tmp_path: Path) -> None:
    # `index stock --from` read the header's own names alone: a shop that mapped "Variant Inventory Qty=stock" was
    # told its export "needs an id column and a stock column", and a line per size was refused as a product given
    # twice, where a build of the same file sums its sizes (stop 69's review; stop 70).
    from fashionrec.recommend import Recommender

    shop = _shop(tmp_path / "shop", ["navy-tee,12933,Roadster Navy Tee,Tshirts,Navy Blue,S,499,0",
                                     "navy-tee,,,,,M,499,7", "navy-tee,12933,,,,L,499,3",
                                     "jeans,10652,Puma Jeans,Jeans,Blue,32,1299,0", "jeans,,,,,34,1299,-1",
                                     "belt,10315,Belt,Belts,Black,,,2", "belt,,,,,,399,call us"],
                 header=VARIANT_HEADER + ",On Hand", photos=(12933, 10315, 10652))
    # (Not "Variant Inventory Qty", read as the stock unmapped since stop 72: a name only columns.json maps.)
    save_column_map(shop, {**SHOP_MAP, "On Hand": "stock"})
    built = load_catalog(shop, progress=False, warn=False).table.set_index("id")["stock"].to_dict()
    d = _index_of(tmp_path, shop)
    # The nightly export, elsewhere: the catalogue's columns.json (the index's data_dir) maps its header.
    export = tmp_path / "nightly" / "levels.csv"
    export.parent.mkdir()
    shutil.copy(shop / "styles.csv", export)
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(export), "--json"])
    assert result.exit_code == 0, result.output
    said = json.loads(result.output)
    assert said["stock"] == {"12933": 10, "10652": 0, "10315": 2} == {str(i): v for i, v in built.items()}
    assert said["from"] == {"file": str(export), "stock_column": "On Hand",
                            "columns_json": str(shop / COLUMN_MAP_FILE), "variant_lines_folded": 4}
    rec = Recommender.load(d)
    assert [rec.item(i).get("stock") for i in (12933, 10652, 10315)] == [10, 0, 2] and rec.is_sold_out(10652)
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(export)])
    text = " ".join(result.output.split())
    assert result.exit_code == 0 and "its stock column 'On Hand' read through" in text, result.output
    assert "4 lines of sizes (by Handle) summed into 3 products" in text, result.output
    # A columns.json beside the file is read first, as a catalogue folder's own is.
    save_column_map(export.parent, {"On Hand": "stock"})
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(export), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["from"]["columns_json"] == str(export.parent / COLUMN_MAP_FILE)
    # A file whose own names say its columns is not said to be read through a mapping it does not use.
    (export.parent / "plain.csv").write_text("id,stock\n12933,4\n")
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(export.parent / "plain.csv"),
                                 "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["from"]["columns_json"] is None, result.output


def test_index_stock_from_folds_a_woocommerce_exports_variations_as_a_build_does(tmp_path: Path) -> None:
    # `--from` folded a Shopify export's sizes (the Handle) but not a WooCommerce export's variations (Parent "id:N"
    # or the product's SKU), which a build folds (stop 70): each variation's id was "no product", nothing set.
    shop = _shop(tmp_path / "shop", ["12933,variable,TEE-1,Roadster Navy Tee,Tshirts,,,,",
                                     "5001,variation,TEE-1-S,Roadster Navy Tee - S,,499.00,,0,id:12933",
                                     "5002,variation,TEE-1-M,Roadster Navy Tee - M,,499.00,399.00,7,id:12933",
                                     "10652,variable,JEANS-1,Puma Jeans,Jeans,,,,",
                                     "5003,variation,JEANS-1-32,Puma Jeans - 32,,1299.00,,no,JEANS-1",
                                     "5004,variation,JEANS-1-34,Puma Jeans - 34,,1299.00,,no,id:10652",
                                     "10315,variable,BELT-1,Belt,Belts,,,0,",
                                     "5005,variation,BELT-1-S,Belt - S,,399.00,,,BELT-1"],
                 header=WOO_HEADER, photos=(12933, 10315, 10652))
    save_column_map(shop, WOO_MAP)
    built = load_catalog(shop, progress=False, warn=False).table.set_index("id")["stock"].to_dict()
    d = _index_of(tmp_path, shop)
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(shop / "styles.csv"), "--json"])
    assert result.exit_code == 0, result.output
    said = json.loads(result.output)
    # The belt's one size manages no stock of its own: the product's 0, sold out.
    assert said["stock"] == {"12933": 7, "10652": 0, "10315": 0} == {str(i): v for i, v in built.items()}, built
    assert said["from"]["variant_lines_folded"] == 5
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(shop / "styles.csv")])
    assert "5 lines of sizes (by Parent) summed into 3 products" in " ".join(result.output.split()), result.output


def test_index_stock_from_still_refuses_two_levels_on_lines_that_are_not_sizes(tmp_path: Path) -> None:
    # Folding is for a Handle's lines without an id or with its product's: the same id under two Handles, or on
    # lines without one, is two readings of one product, refused with nothing set (stop 69's review).
    shop = _shop(tmp_path / "shop", ["12933,Roadster Navy Tee,Tshirts,Navy Blue,499"])
    d = _index_of(tmp_path, shop)
    levels = tmp_path / "levels.csv"
    for lines in (["navy-tee,12933,5", "red-tee,12933,0"], [",12933,5", ",12933,0"]):
        levels.write_text("\n".join(["Handle,id,Qty", *lines]) + "\n")
        result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(levels)])
        text = " ".join(result.output.split())
        assert result.exit_code != 0 and "gives product 12933 on more than one line" in text, result.output
        assert "not as sizes of one product" in text and "nothing was changed" in text, result.output
    # A Handle's lines of sizes without a columns.json: summed (they were refused as two levels of one product).
    levels.write_text("Handle,id,stock\nnavy-tee,12933,0\nnavy-tee,,4\nnavy-tee,12933,1\n")
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(levels), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["stock"] == {"12933": 5}, result.output
    # Without a stock column, the mapping is offered (the names a build's columns.json maps are read too).
    # (A Shopify export's "Variant Inventory Qty" is read as the stock since stop 72: another name here.)
    levels.write_text("Handle,id,On Hand\nnavy-tee,12933,5\n")
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(levels)])
    text = " ".join(result.output.split())
    assert result.exit_code != 0 and "needs an id column and a stock column" in text, result.output
    assert "'On Hand=stock'" in text and "columns.json" in text, result.output


def _products_and_photos(tmp_path: Path) -> Path:
    """A shop's export as it comes (stop 70): products.csv and photos/, neither renamed."""
    (tmp_path / "photos").mkdir(parents=True)
    (tmp_path / "products.csv").write_text(SHOP_HEADER + "\n12933,Green Polo,Tshirts,Green,499\n"
                                           "10315,Blue Jeans,Jeans,Blue,1299\n", encoding="utf-8")
    fixture = Path(__file__).parent / "fixtures" / "catalog" / "images"
    for i in (12933, 10315):
        shutil.copy(fixture / f"{i}.jpg", tmp_path / "photos" / f"{i}.jpg")
    return tmp_path


def test_a_shops_table_and_photo_folder_are_named_once_in_columns_json(tmp_path: Path) -> None:
    # Stop 70: a shop's products.csv and photos/ had to be renamed styles.csv and images/ by hand. The refusal
    # now says the command, which names them in columns.json for every command and the loader.
    path = _products_and_photos(tmp_path)
    result = runner.invoke(app, ["data", "check", str(path)])
    assert result.exit_code != 0
    assert f"`fashionrec data columns {path} --table products.csv`" in result.output.replace("\n", "")
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv", "--images", "photos",
                                 *(f"{h}={c}" for h, c in SHOP_MAP.items())])
    assert result.exit_code == 0, result.output
    assert json.loads((path / COLUMN_MAP_FILE).read_text()) == {"@table": "products.csv", "@images": "photos",
                                                                 **SHOP_MAP}
    catalog = load_catalog(path, progress=False, warn=False)
    assert catalog.report.with_image == 2 and catalog.report.missing_image == 0
    assert set(catalog.table["image_path"]) == {str(path / "photos" / "12933.jpg"), str(path / "photos" / "10315.jpg")}
    assert catalog.table.set_index("id").loc[12933, "productDisplayName"] == "Green Polo"
    assert catalog.image_path(10315) == path / "photos" / "10315.jpg"
    assert catalog.report.summary_lines()[0].endswith("(its rows products.csv, its photos photos/: columns.json)")
    # `tag` takes the folder for a catalogue (its rows checked), not for a folder of photos, and names them so.
    result = runner.invoke(app, ["tag", str(path), "--out", str(tmp_path / "tags.csv")])
    assert result.exit_code == 0, result.output
    tags = pd.read_csv(tmp_path / "tags.csv", encoding="utf-8-sig").set_index("id")
    assert tags.loc[12933, ["path", "productDisplayName"]].tolist() == ["photos/12933.jpg", "Green Polo"]
    # A later mapping keeps them; --clear forgets the mapping, not where the table and photos are.
    assert runner.invoke(app, ["data", "columns", str(path), "Variant Price=price"]).exit_code == 0
    assert json.loads((path / COLUMN_MAP_FILE).read_text())["@table"] == "products.csv"
    assert styles_table(path)["price"].tolist() == [499, 1299]


def test_a_table_or_photo_folder_not_there_is_refused_with_what_to_write(tmp_path: Path) -> None:
    path = _products_and_photos(tmp_path)
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "export.csv"])
    assert result.exit_code != 0 and "export.csv is no file" in result.output.replace("\n", "")
    assert not (path / COLUMN_MAP_FILE).exists()
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv"])
    assert result.exit_code != 0          # the photos are still in photos/: said, with the option
    assert "--images photos`" in result.output.replace("\n", "")
    (path / COLUMN_MAP_FILE).write_text('{"@table": "../products.csv"}')
    with pytest.raises(CatalogError, match="give a name inside"):
        load_catalog(path, progress=False, warn=False)


def test_photos_named_by_sku_are_found_through_a_mapped_photo_column(tmp_path: Path) -> None:
    # Stop 70: a shop's photos named by SKU ("ABC-123.jpg") had to be copied to images/<id>.jpg by hand. A column
    # mapped to photo names each row's file; one the folder lacks is said by that name.
    path = _shop(tmp_path, ["12933,Green Polo,Tshirts,Green,499,ABC-123.JPG",
                            '10315,Blue Jeans,Jeans,Blue,1299,"https://shop.example/XYZ-9.jpg, https://shop.example/b.jpg"'],
                 header=SHOP_HEADER + ",Image File")
    fixture = Path(__file__).parent / "fixtures" / "catalog" / "images"
    shutil.copy(fixture / "12933.jpg", path / "images" / "ABC-123.jpg")
    result = runner.invoke(app, ["data", "columns", str(path), *(f"{h}={c}" for h, c in SHOP_MAP.items()),
                                 "Image File=photo"])
    assert result.exit_code == 0, result.output
    catalog = load_catalog(path, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert table.loc[12933, "image_path"] == str(path / "images" / "ABC-123.jpg")
    assert table.loc[12933, "image_status"] == "ok"
    assert catalog.report.missing_image_reasons == {10315: "no XYZ-9.jpg in images/ (its photo column) nor 10315.jpg"}
    assert catalog.report.photos_named_otherwise == {} and catalog.report.images_without_row == []
    assert "Image File" not in catalog.report.ignored_columns


def test_a_photo_columns_file_is_found_in_another_case_and_a_urls_name_decoded(tmp_path: Path) -> None:
    # Stop 71's review: a photo column's file was found by its name's exact case and as written, so a URL's
    # "Green%20Polo.jpg?ver=2" was no "Green Polo.jpg", and "abc-123.jpg" no "ABC-123.JPG".
    path = _shop(tmp_path, ["12933,Green Polo,Tshirts,Green,499,https://shop.example/uploads/Green%20Polo.jpg?ver=2",
                            "10315,Blue Jeans,Jeans,Blue,1299,abc-123.jpg",
                            "10793,Red Tee,Tshirts,Red,399,red-tee.jpg"],
                 header=SHOP_HEADER + ",Image File")
    fixture = Path(__file__).parent / "fixtures" / "catalog" / "images"
    shutil.copy(fixture / "12933.jpg", path / "images" / "Green Polo.jpg")
    shutil.copy(fixture / "10315.jpg", path / "images" / "ABC-123.JPG")
    # Two files of one name in two cases: neither is taken for the row's (the folder says two photos).
    shutil.copy(fixture / "12933.jpg", path / "images" / "Red-Tee.jpg")
    shutil.copy(fixture / "10315.jpg", path / "images" / "RED-TEE.jpg")
    save_column_map(path, {**SHOP_MAP, "Image File": "photo"})
    catalog = load_catalog(path, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert table.loc[12933, "image_path"] == str(path / "images" / "Green Polo.jpg")
    assert table.loc[10315, "image_path"] == str(path / "images" / "ABC-123.JPG")
    assert table.loc[[12933, 10315], "image_status"].tolist() == ["ok", "ok"]
    assert catalog.report.missing_image_reasons == {10793: "no red-tee.jpg in images/ (its photo column) nor 10793.jpg"}


def test_a_photo_urls_query_and_escapes_are_no_part_of_its_file_name(tmp_path: Path) -> None:
    # Stop 72's Shopify trial: an export's "Image Src" is ".../tee.jpg?v=1700000000"; a missing one was said as "no
    # tee.jpg?v=1700000000 in images/", and a version with a dot ("?v=1.2") hid a photo the folder has.
    cdn = "https://cdn.shopify.com/s/files/1/0612/products/"
    path = _shop(tmp_path, [f"12933,Green Polo,Tshirts,Green,499,{cdn}green-polo.jpg?v=1.2",
                            f"10315,Blue Jeans,Jeans,Blue,1299,{cdn}blue%20jeans.jpg?v=1700000000#top",
                            f"10652,Black Belt,Belts,Black,399,{cdn}black-belt.jpg?v=1700000000"],
                 header=SHOP_HEADER + ",Image Src")
    fixture = Path(__file__).parent / "fixtures" / "catalog" / "images"
    shutil.copy(fixture / "12933.jpg", path / "images" / "green-polo.jpg")
    shutil.copy(fixture / "10315.jpg", path / "images" / "blue jeans.jpg")
    save_column_map(path, {**SHOP_MAP, "Image Src": "photo"})
    catalog = load_catalog(path, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert table.loc[12933, "image_path"] == str(path / "images" / "green-polo.jpg")
    assert table.loc[10315, "image_path"] == str(path / "images" / "blue jeans.jpg")
    assert catalog.report.missing_image_reasons == {
        10652: "no black-belt.jpg in images/ (its photo column) nor 10652.jpg"}
    assert catalog.report.images_without_row == []
    # Said once for every row so, each id with its file (one reason an id, the line grew with the shop's misses).
    (path / "images" / "blue jeans.jpg").unlink()
    missing = next(line for line in load_catalog(path, progress=False, warn=False).report.summary_lines()
                   if line.startswith("missing image"))
    assert missing == ("missing image    2 (ids 10315, 10652); not in images/ as their photo column names them, nor "
                       "as <id>.jpg: ids 10315 (blue jeans.jpg), 10652 (black-belt.jpg)")


WOO_PHOTOS_HEADER = WOO_HEADER + ",Images"
WOO_ATTRIBUTES_HEADER = WOO_HEADER + ",Attribute 1 name,Attribute 1 value(s),Attribute 2 name,Attribute 2 value(s)"


def test_a_variations_own_photo_is_its_products_where_the_product_line_has_none_and_said_otherwise(
        tmp_path: Path) -> None:
    # Stop 71: a WooCommerce variation's own image was read past (the line folded) and its file listed as an image
    # "without a row", so a variable product whose photos were on its variations alone was "missing image".
    url = "https://shop.example/wp-content/uploads/"
    path = _shop(tmp_path, ["12933,variable,TEE-1,Roadster Navy Tee,Tshirts,,,,,",
                            f"5001,variation,TEE-1-S,Roadster Navy Tee - S,,499,,3,id:12933,{url}WC-A.jpg",
                            f"5002,variation,TEE-1-M,Roadster Navy Tee - M,,499,,2,id:12933,{url}WC-A.jpg",
                            f"10652,variable,JEANS-1,Puma Jeans,Jeans,,,,,{url}WC-B.jpg",
                            f"5003,variation,JEANS-1-B,Puma Jeans - Black,,1299,,1,JEANS-1,{url}WC-C.jpg",
                            "10315,variable,BELT-1,Belt,Belts,,,,,",
                            "5004,variation,BELT-1-M,Belt - M,,399,,2,id:10315,"],
                 header=WOO_PHOTOS_HEADER)
    fixture = Path(__file__).parent / "fixtures" / "catalog" / "images"
    for name, i in (("WC-A.jpg", 12933), ("WC-B.jpg", 10652), ("WC-C.jpg", 10793), ("5004.jpg", 10315)):
        shutil.copy(fixture / f"{i}.jpg", path / "images" / name)
    save_column_map(path, {**WOO_MAP, "Images": "photo"})
    catalog = load_catalog(path, progress=False, warn=False)
    report, table = catalog.report, catalog.table.set_index("id")
    assert report.missing_image_ids == [] and report.with_image == 3
    # The first variation's photo, named in its photo column or as its own id (5004.jpg), where the line has none.
    assert table.loc[12933, "image_path"] == str(path / "images" / "WC-A.jpg")
    assert table.loc[10315, "image_path"] == str(path / "images" / "5004.jpg")
    assert report.photos_from_variants == {12933: "WC-A.jpg", 10315: "5004.jpg"}
    # A variation's photo beside its product's (another colour's): not read, said as a variation's.
    assert table.loc[10652, "image_path"] == str(path / "images" / "WC-B.jpg")
    assert report.variant_photos_not_read == {"WC-C.jpg": 10652}
    assert report.images_without_row == [] and report.photos_named_otherwise == {}
    lines = "\n".join(report.summary_lines())
    assert "variant photos   2 products whose line has no photo read with their first variation's " \
           "(12933: WC-A.jpg, 10315: 5004.jpg)" in lines
    assert "variant photos   1 not read (WC-C.jpg of 10652): a variation's own photo" in lines
    assert "images without a row" not in lines


def _shopify_labels(tmp_path: Path, header: str, lines: list[str]):
    """A Shopify-like export's report and its products' labels by id (None where empty), its Title and Product Type
    mapped."""
    path = _shop(tmp_path, lines, header=header)
    save_column_map(path, {"Title": "productDisplayName", "Product Type": "articleType"})
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    table = styles_table(path).set_index("id").astype(object)
    return report, table.where(table.notna(), None)


def test_a_shopify_exports_colour_option_is_read_by_its_name(tmp_path: Path) -> None:
    # Stop 72's Shopify trial: a Shopify export writes a product's options as "Option1 Name"/"Option1 Value" pairs on
    # its first line (Size, then Color); the colour was empty in every row ("Option2 Value" an ignored column), so a
    # shop model trained without a colour head and similar items rewarded no colour.
    header = "Handle,id,Title,Product Type,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant Price"
    lines = ["navy-tee,12933,Roadster Navy Tee,Tshirts,Size,S,Color,Navy Blue,499", "navy-tee,,,,,M,,Navy Blue,499",
             "belt,10315,Belt,Belts,Color,Brown,,,399", "jeans,10652,Puma Jeans,Jeans,Size,32,,,1299"]
    report, labels = _shopify_labels(tmp_path, header, lines)
    assert labels["baseColour"].to_dict() == {12933: "Navy Blue", 10315: "Brown", 10652: None}
    assert report.attributes["baseColour"]["read_from"] == {"Option2 Value": 1, "Option1 Value": 1}
    assert report.attributes_not_read == {"Size": 2} and "baseColour" not in report.absent_columns
    assert not {"Option1 Name", "Option2 Value"} & set(report.ignored_columns)


def test_a_shopify_colour_variant_with_an_id_of_its_own_is_read_as_its_own_colour(tmp_path: Path) -> None:
    # A review of stop 72: a Shopify export names its options on a product's first line alone ("Option1 Name" Color),
    # its other lines giving only their values. A colour with an id of its own (its own photo, a product) was read
    # with no option named, and took its product line's colour: a red tee filed Navy Blue.
    header = "Handle,id,Title,Product Type,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant Price"
    lines = ["tee,12933,Roadster Tee,Tshirts,Color,Navy Blue,Size,S,499", "tee,,,,,Navy Blue,,M,499",
             "tee,12934,,,,Red,,S,499", "tee,,,,,Red,,M,499"]
    report, labels = _shopify_labels(tmp_path, header, lines)
    assert labels["baseColour"].to_dict() == {12933: "Navy Blue", 12934: "Red"}
    assert labels.loc[12934, "productDisplayName"] == "Roadster Tee"      # its empty fields still its product's
    assert report.attributes["baseColour"]["read_from"] == {"Option1 Value": 2}
    assert report.attributes_not_read == {"Size": 2}


def test_a_shopify_products_placeholder_option_is_not_said_as_an_attribute_not_read(tmp_path: Path) -> None:
    # A review of stop 72: Shopify writes a product without options as "Option1 Name" Title, "Option1 Value" Default
    # Title; data check said "attributes not read: 'Title' (2 rows)", of a shop whose Title column is its names.
    header = "Handle,id,Title,Product Type,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant Price"
    lines = ["belt,10315,Belt,Belts,Title,Default Title,,,399", "cap,10793,Cap,Caps,Title,Default Title,,,299",
             "tee,12933,Tee,Tshirts,Size,S,Color,Red,499"]
    report, labels = _shopify_labels(tmp_path, header, lines)
    assert report.attributes_not_read == {"Size": 1}
    assert labels["productDisplayName"].to_dict() == {10315: "Belt", 10793: "Cap", 12933: "Tee"}
    assert labels["baseColour"].to_dict() == {10315: None, 10793: None, 12933: "Red"}


def test_a_shopify_exports_tags_give_its_wearer_usage_and_season(tmp_path: Path) -> None:
    # Stop 72's Shopify trial: a Shopify export keeps a product's wearer, usage and season in its Tags ("Men, Casual,
    # Summer"), an ignored column: every gender was empty, and a men's T-shirt's other colours were boys' T-shirts.
    header = "Handle,id,Title,Product Type,Tags,Variant Price"
    lines = ['navy-tee,12933,Roadster Navy Tee,Tshirts,"Men, Casual, Summer",499', "navy-tee,,,,,499",
             "jeans,10652,Puma Jeans,Jeans,\"women's, sale, Black\",1299", "belt,10315,Belt,Belts,new,399",
             'cap,10793,Cap,Caps,"Men, Women, Summer",299']
    report, labels = _shopify_labels(tmp_path, header, lines)
    assert labels[["gender", "usage", "season", "baseColour"]].to_dict("index") == {
        # (its colour its name's since stop 74: the export has no colour column, and the name says one)
        12933: {"gender": "Men", "usage": "Casual", "season": "Summer", "baseColour": "Navy Blue"},
        10652: {"gender": "Women", "usage": None, "season": None, "baseColour": None},   # a tag "Black" is no colour
        10315: {"gender": None, "usage": None, "season": None, "baseColour": None},
        # Tagged for both sides: sold to either, Unisex (as a gender attribute "Men, Women"), not the first tag's.
        10793: {"gender": "Unisex", "usage": None, "season": "Summer", "baseColour": None}}
    assert report.attributes["gender"]["both_sides"] == {10793: "Men, Women"}
    assert "Tags" not in report.ignored_columns and "gender" not in report.absent_columns
    assert any(line.startswith("attributes       gender read row by row from its tags ('Tags' in 3 rows)")
               for line in report.summary_lines()), report.summary_lines()
    # A gender column of the export's own is read, not the tags.
    own = _shop(tmp_path / "own", ['navy-tee,12933,Roadster Navy Tee,Tshirts,"Men, Casual",Boys,499'],
                header="Handle,id,Title,Product Type,Tags,Gender,Variant Price")
    save_column_map(own, {"Title": "productDisplayName", "Product Type": "articleType"})
    assert styles_table(own).set_index("id").loc[12933, ["gender", "usage"]].tolist() == ["Boys", "Casual"]


def test_tags_or_an_option_listing_several_values_are_said_as_a_woocommerce_attribute_listing_several_is(
        tmp_path: Path) -> None:
    # Stop 72's integration review: a gender attribute "Men, Boys" was said as "listing several, read as the first",
    # but Tags "Men, Boys" or "Casual, Party" were read as their first without a word; and a Shopify option listing
    # several was told to name its "'Attribute N default'", a column only WooCommerce writes.
    header = "Handle,id,Title,Product Type,Tags,Option1 Name,Option1 Value,Variant Price"
    lines = ['tee,12933,Tee,Tshirts,"Men, Boys, Casual, Party, Summer",Color,"Blue, Black",499',
             'cap,10793,Cap,Caps,"Mens, Men, Summer",,,299']
    report, labels = _shopify_labels(tmp_path, header, lines)
    assert labels.loc[12933, ["gender", "usage", "baseColour"]].tolist() == ["Men", "Casual", "Blue"]
    assert report.attributes["gender"]["several"] == {12933: "Men, Boys"}         # "Mens, Men" is one wearer
    assert report.attributes["usage"]["several"] == {12933: "Casual, Party"}
    summary = " ".join("\n".join(report.summary_lines()).split())
    assert "1 listing several, read as the first (id 12933 'Men, Boys' as Men; tag the product with one)" in summary
    assert ("1 listing several, read as the first (id 12933 'Blue, Black' as Blue; give the option one value a line, "
            "its variant's)") in summary
    assert "Attribute N default" not in summary


def test_a_tag_naming_a_wearer_usage_or_season_among_other_words_is_read_and_said(tmp_path: Path) -> None:
    # Stop 72's Shopify trial read a tag only where it was a label's word whole: a shop tagging "Mens Shirts",
    # "Womenswear", "Ladies", "Men's Clothing" or "Kids-Girls" had every gender empty. Read now, and said which tag
    # gave it; a gift's or a sale's tag is not, nor a print's word ("Spider-Man") or a kids' word alone.
    header = "Handle,id,Title,Product Type,Tags,Variant Price"
    lines = ['a,1,Tee,Tshirts,"Mens Shirts, Summer Collection",499', 'b,2,Top,Tops,"Womenswear, Party Wear",499',
             'c,3,Frock,Dresses,"Kids-Girls, Winter Sale",499', 'd,4,Wallet,Wallets,"For Her Gifts, Gifts for Men",499',
             "e,5,Cap,Caps,\"Men's Clothing, Women's Clothing\",499", 'f,6,Kurta,Kurtas,"Ladies, Ethnicwear",499',
             'g,7,Tee,Tshirts,"Spider-Man, Kids",499', 'h,8,Shirt,Shirts,"Men, Womenswear, Smart Casual Shirts",499',
             'i,9,Tee,Tshirts,"Mens Tees, Boys Tees",499']
    report, labels = _shopify_labels(tmp_path, header, lines)
    assert labels[["gender", "usage", "season"]].to_dict("index") == {
        1: {"gender": "Men", "usage": None, "season": "Summer"},
        2: {"gender": "Women", "usage": "Party", "season": None},
        3: {"gender": "Girls", "usage": None, "season": None},          # "Winter Sale" sells what is left over
        4: {"gender": None, "usage": None, "season": None},            # gift guides: whom a buyer shops for
        5: {"gender": "Unisex", "usage": None, "season": None},         # both sides, as tags "Men, Women" are
        6: {"gender": "Women", "usage": "Ethnic", "season": None},
        7: {"gender": None, "usage": None, "season": None},             # a print, and a boy's or a girl's
        8: {"gender": "Unisex", "usage": "Smart Casual", "season": None},
        9: {"gender": "Men", "usage": None, "season": None}}
    gender = report.attributes["gender"]
    assert gender["within"]["'Mens Shirts' as Men"] == 1 and gender["within"]["'Kids-Girls' as Girls"] == 1
    assert gender["both_sides"][5] == "Men's Clothing, Women's Clothing" and gender["several"] == {9: "Men, Boys"}
    summary = " ".join("\n".join(report.summary_lines()).split())
    assert "from a tag naming it among other words ('Mens Shirts' as Men (1)" in summary, summary
    assert "'Summer Collection' as Summer (1)" in summary and "no tag of a gift or a sale is read" in summary
    # `data check --json` of such a shop failed: "keys must be str ... not tuple" (the tag read, stop 73 h73shop2).
    result = runner.invoke(app, ["data", "check", str(tmp_path), "--json", str(tmp_path / "check.json")])
    assert not isinstance(result.exception, TypeError), result.exception
    assert "'Mens Shirts' as Men" in (tmp_path / "check.json").read_text(), result.output


def test_a_tag_is_read_as_a_gender_attribute_is_its_apostrophe_curly_or_not(tmp_path: Path) -> None:
    # Stop 72's integration review: a gender attribute "Men’s, Women’s" (a curly apostrophe, as a shop's editor types
    # it) was read as both sides, Unisex, but a tag "Women’s" was no wearer at all (the product's gender empty).
    header = "Handle,id,Title,Product Type,Tags,Variant Price"
    lines = ['tee,12933,Tee,Tshirts,"Women’s, Summer",499', 'cap,10793,Cap,Caps,"MEN’S, Women’s",299']
    _, labels = _shopify_labels(tmp_path, header, lines)
    assert labels["gender"].to_dict() == {12933: "Women", 10793: "Unisex"}


def test_a_colour_that_is_attribute_1_on_some_products_and_2_on_others_is_read_by_its_name(tmp_path: Path) -> None:
    # Stop 71: a WooCommerce export's colour is the attribute pair each product names Color, the first on a belt,
    # the second on a tee whose first is its Size; mapped as "Attribute 1 value(s)=baseColour", the tees' colour was
    # "S, M, L" ("same colour (S, M, L)" in similar items), and unmapped every colour was empty.
    lines = ['12933,simple,TEE-1,Roadster Navy Tee,Tshirts,499,,3,,Size,"S, M, L",Color,Navy Blue',
             "10315,simple,BELT-1,Belt,Belts,399,,2,,Color,Brown,,",
             '10652,simple,BAG-1,Handbag,Handbags,999,,2,,Colour,"Blue, Black",Size,One size',
             '10793,simple,JEANS-1,Jeans,Jeans,999,,2,,Size,"30, 32",,']
    path = _shop(tmp_path, lines, header=WOO_ATTRIBUTES_HEADER)
    colours = {12933: "Navy Blue", 10315: "Brown", 10652: "Blue", 10793: None}
    for mapping in (WOO_MAP, {**WOO_MAP, "Attribute 1 value(s)": "baseColour"}):
        save_column_map(path, mapping)
        report = load_catalog(path, check_images=False, progress=False, warn=False).report
        table = styles_table(path).set_index("id")
        assert table["baseColour"].where(table["baseColour"].notna(), None).to_dict() == colours, mapping
        said = report.attributes["baseColour"]
        assert said["read_from"] == {"Attribute 2 value(s)": 1, "Attribute 1 value(s)": 2}
        assert said["names"] == ["Color", "Colour"] and said["several"] == {10652: "Blue, Black"}
        assert report.attributes_not_read == {"Size": 3} and "baseColour" not in report.absent_columns
        assert not {"Attribute 1 name", "Attribute 2 value(s)"} & set(report.ignored_columns)
        summary = "\n".join(report.summary_lines())
        assert ("attributes       baseColour read row by row from the attribute named 'Color' or 'Colour' "
                "('Attribute 2 value(s)' in 1 row, 'Attribute 1 value(s)' in 2 rows); 1 listing several, read as "
                "the first, no default given among them (id 10652 'Blue, Black' as Blue; the product's 'Attribute N "
                "default' names the one its photo shows)") in summary
    # Mapped, the jeans' Attribute 1 is their Size, and no attribute is named Color: no colour, said.
    assert said["named_otherwise"] == {10793: "Size"}
    # A header with a colour column of its own reads it, as before, attributes or not.
    path = _shop(tmp_path / "own", [line.replace("simple,", "simple,Red,", 1) for line in lines],
                 header=WOO_ATTRIBUTES_HEADER.replace("Type,", "Type,Color,", 1))
    save_column_map(path, {**WOO_MAP, "Color": "baseColour"})
    assert set(styles_table(path)["baseColour"]) == {"Red"}


def test_a_variable_products_colours_are_read_as_its_default_where_the_export_names_one(tmp_path: Path) -> None:
    # Stop 72: a variable product whose Color lists "Blue, Black" was filed under the first, Blue, though its page
    # opens on black (WooCommerce's "Attribute 1 default", read past as an ignored column): out of the Black filter.
    header = (WOO_HEADER + ",Attribute 1 name,Attribute 1 value(s),Attribute 1 default,Attribute 2 name,"
              "Attribute 2 value(s),Attribute 2 default")
    lines = ['10652,variable,BAG-1,Handbag,Handbags,999,,2,,Color,"Blue, Black",black,Size,One size,',
             '12933,variable,TEE-1,Tee,Tshirts,499,,3,,Size,"S, M",M,Colour,"Navy Blue, Red",Navy Blue',
             '10315,variable,BELT-1,Belt,Belts,399,,2,,Color,"Brown, Tan",Green,,,',
             '10793,variable,JEANS-1,Jeans,Jeans,999,,2,,Color,"Grey, Blue",,,,']
    path = _shop(tmp_path, lines, header=header)
    save_column_map(path, WOO_MAP)
    table = styles_table(path).set_index("id")
    # The default as the list writes it ("black" is Black's); a default not listed (Green) or none: the first.
    assert table["baseColour"].to_dict() == {10652: "Black", 12933: "Navy Blue", 10315: "Brown", 10793: "Grey"}
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    said = report.attributes["baseColour"]
    assert said["by_default"] == {10652: "Black", 12933: "Navy Blue"} and len(said["several"]) == 4
    assert not {"Attribute 1 default", "Attribute 2 default"} & set(report.ignored_columns)
    summary = " ".join("\n".join(report.summary_lines()).split())
    assert ("4 listing several, read 2 as its default (id 10652 'Blue, Black' as Black, id 12933 'Navy Blue, Red' "
            "as Navy Blue) and 2 as the first, no default given among them (id 10315 'Brown, Tan' as Brown, id "
            "10793 'Grey, Blue' as Grey; the product's 'Attribute N default' names the one its photo shows)") in summary


def _woo_genders(tmp_path: Path, products: list[tuple[int, str, str]]) -> tuple[dict, dict, str]:
    """A WooCommerce export of ``products`` (id, name, Gender attribute as written; each a Navy Blue T-shirt) read:
    its genders by id, what data check's report records of its gender attribute, and its summary as one line."""
    lines = [f'{i},simple,TEE-{k},{name},Tshirts,499,,3,,Gender,"{gender}",Color,Navy Blue'
             for k, (i, name, gender) in enumerate(products)]
    path = _shop(tmp_path, lines, header=WOO_ATTRIBUTES_HEADER)
    save_column_map(path, WOO_MAP)
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    genders = styles_table(path).set_index("id")["gender"].to_dict()
    return genders, report.attributes["gender"], " ".join("\n".join(report.summary_lines()).split())


def test_a_gender_attribute_listing_men_and_women_is_read_as_unisex(tmp_path: Path) -> None:
    # A review of stop 71: a WooCommerce product whose Gender attribute lists "Men, Women" (sold to either) was read
    # as its first value, filed Men: its women's neighbours came after it as the wrong wearer's, and a search for
    # women left it out. Both sides are the catalogue's Unisex; a list of one side and a child's keeps its first.
    genders, said, summary = _woo_genders(tmp_path, [(12933, "Roadster Tee", "Men, Women"),
                                                     (10315, "Roadster Tee", "Women's, Men's"),
                                                     (10652, "Roadster Tee", "Women"),
                                                     (10793, "Roadster Tee", "Men, Boys")])
    assert genders == {12933: "Unisex", 10315: "Unisex", 10652: "Women", 10793: "Men"}
    assert said["several"] == {10793: "Men, Boys"} and said["both_sides"] == {12933: "Men, Women",
                                                                                10315: "Women's, Men's"}
    assert ("1 listing several, read as the first, no default given among them (id 10793 'Men, Boys' as Men; "
            "the product's 'Attribute N default' names the one its photo shows); 2 listing both Men and Women, read "
            "as Unisex (id 12933 'Men, Women', id 10315 \"Women's, Men's\")") in summary


def test_a_product_listed_for_both_boys_and_girls_is_unisex_and_said_by_row(tmp_path: Path) -> None:
    # Stop 73 (h73review): a WooCommerce Gender "Boys, Girls" was read as its first, Boys, and Tags "Girls, Boys" as
    # Girls, as "Men, Women" was Men before stop 71's review: a girl's search and look left the first out. Both
    # children's sides are the catalogue's Unisex (as it files its own kids' unisex products), which the recommender
    # keeps with children's products where the name says a child: said by row, with the way on where it does not.
    genders, said, summary = _woo_genders(tmp_path, [(12933, "Kids Rainbow Tee", "Boys, Girls"),
                                                     (10315, "Rainbow Tee", "Girls, Boys"),
                                                     (10652, "Infant Booties", "Kids"), (10793, "Girls Tee", "Girls")])
    assert genders == {12933: "Unisex", 10315: "Unisex", 10652: "Unisex", 10793: "Girls"}
    assert said["several"] == {} and said["both_sides"] == {}
    assert set(said["both_children"]) == {12933, 10315, 10652}
    assert ("3 listing both Boys and Girls, read as Unisex (the catalogue has no value for a child of either side): "
            "2 named for a child, kept with children's products for a boy and a girl alike (id 12933 'Boys, Girls', "
            "id 10652 'Kids'); 1 whose name says no child, so similar items and looks take it for a grown-up's (id "
            "10315 'Girls, Boys' ('Rainbow Tee')): name it for a child ('Kids ...') or give it one side") in summary
    # A Shopify export's Tags so, whole or among other words; one child's side beside a grown-up's keeps its first.
    header = "Handle,id,Title,Product Type,Tags,Variant Price"
    tags = ['a,1,Kids Tee,Tshirts,"Girls, Boys, Summer",499', 'b,2,Kids Cap,Caps,"Kids-Boys, Kids-Girls",299',
            'c,3,Tee,Tshirts,"Boys, Men",499']
    report, labels = _shopify_labels(tmp_path / "shopify", header, tags)
    assert labels["gender"].to_dict() == {1: "Unisex", 2: "Unisex", 3: "Boys"}
    assert report.attributes["gender"]["both_children"] == {1: ("Girls, Boys", "Kids Tee", True),
                                                            2: ("Kids-Boys, Kids-Girls", "Kids Cap", True)}


def test_a_gender_attribute_is_read_by_the_words_a_gender_tag_is(tmp_path: Path) -> None:
    # Stop 72's integration review: a tag "Women's" was read as Women, but a WooCommerce Gender attribute so written
    # was kept as written, "unknown gender" to data check and no wearer a look or similar items know ("Female" too,
    # which the attribute's "Male, Female" is read by as both sides).
    header = WOO_HEADER + ",Tags,Attribute 1 name,Attribute 1 value(s)"
    lines = ["12933,simple,TEE-1,Tee,Tshirts,499,,3,,,Gender,Women's",
             "10315,simple,TEE-2,Tee,Tshirts,499,,3,,,Gender,mens",
             "10652,simple,TEE-3,Tee,Tshirts,499,,3,,Women's,,", "10793,simple,TEE-4,Tee,Tshirts,499,,3,,,Gender,Adult",
             "11126,simple,TEE-5,Tee,Tshirts,499,,3,,,Gender,Female"]
    path = _shop(tmp_path, lines, header=header)
    save_column_map(path, WOO_MAP)
    table = styles_table(path).set_index("id")
    assert table["gender"].to_dict() == {12933: "Women", 10315: "Men", 10652: "Women", 10793: "Adult", 11126: "Women"}
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    # (A gender "Kids" names both children's sides, Unisex since stop 73: the test of "Boys, Girls".)
    assert report.unknown_genders == {"Adult": 1}, report.unknown_genders
    # Of several, the first as it is filed.
    (path / "styles.csv").write_text(header + "\n" + '12933,simple,TEE-1,Tee,Tshirts,499,,3,,,Gender,"mens, Boys"\n')
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    assert "(id 12933 'mens, Boys' as Men;" in " ".join(report.summary_lines())


def test_a_regular_price_that_is_no_amount_under_a_sale_price_is_said_and_the_sale_price_kept(tmp_path: Path) -> None:
    # Stop 71: a WooCommerce row on sale was read at its sale price and its regular price, "TBD" or "-5.00", went
    # without a word, though a sale ends at it.
    path = _shop(tmp_path, ["12933,simple,TEE-1,Roadster Navy Tee,Tshirts,TBD,449,3,",
                            "10315,simple,BELT-1,Belt,Belts,-5.00,399.00,2,",
                            "10652,simple,JEANS-1,Puma Jeans,Jeans,1299,999,2,",
                            "10793,simple,CAP-1,Cap,Caps,call us,,2,"], header=WOO_HEADER)
    save_column_map(path, WOO_MAP)
    report = load_catalog(path, check_images=False, progress=False, warn=False).report
    table = styles_table(path).set_index("id")
    assert table["price"].dropna().to_dict() == {12933: 449, 10315: 399, 10652: 999}
    assert report.regular_price_invalid == {12933: "TBD", 10315: "-5.00"}
    assert report.invalid_values == {"price": [10793]}        # not on sale: its regular price read, as before
    assert ("invalid regular price 2 rows on sale whose 'Regular price' is no amount (id 12933 'TBD', id 10315 "
            "'-5.00'): read at 'Sale price'") in "\n".join(report.summary_lines())


def test_messages_name_the_shops_table_where_it_is_not_styles_csv(tmp_path: Path) -> None:
    # Stop 71: a shop whose columns.json names its products.csv was told to "add the column to styles.csv", that a
    # photo is "not in the catalogue until styles.csv has their ids", and the build's "columns styles.csv lacks".
    from _recs_support import tiny_tagger_path

    from fashionrec.recommend import Recommender

    path = _products_and_photos(tmp_path / "shop")
    shutil.copy(path / "photos" / "12933.jpg", path / "photos" / "55555.jpg")       # a photo no row names
    assert runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv", "--images", "photos",
                               *(f"{h}={c}" for h, c in SHOP_MAP.items())]).exit_code == 0
    result = runner.invoke(app, ["data", "check", str(path)])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "(add the column to products.csv to give them)" in said
    assert "not in the catalogue until products.csv has their ids" in said and "styles.csv" not in said
    result = runner.invoke(app, ["index", "build", str(path), "--model", str(tiny_tagger_path()),
                                 "--out", str(tmp_path / "index")])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert ("indexed without the gender, masterCategory, subCategory, season, year, usage columns products.csv "
            "lacks") in said
    assert "styles.csv" not in said
    rec = Recommender.load(tmp_path / "index")
    assert rec.manifest["table"] == "products.csv"
    # The index's own messages about a product's row name it too (the API's detail, `recommend`'s error).
    rec.remove_product(12933, save=False)
    with pytest.raises(NotFoundError, match="a row of products.csv comes back at the next build"):
        rec.similar(12933)


def test_an_index_reads_its_catalogues_table_and_photo_folder_where_columns_json_names_them(tmp_path: Path) -> None:
    # Stop 70 named a shop's products.csv and photos/ in columns.json, but two looks an index takes at its catalogue
    # still read styles.csv and images/ (a review of stop 70): the photo of a row the build left out, added by its
    # id, took the tagger's labels and a made-up name, not the row's ("no longer has it"), and `index check --data`
    # did not see that such a row has a photo now.
    from _recs_support import FIXTURE, tiny_tagger_path
    from PIL import Image

    from fashionrec.errors import ConflictError, VectorIndexError
    from fashionrec.recommend import Recommender, changed_photos

    shop = tmp_path / "shop"
    shop.mkdir()
    shutil.copy(FIXTURE / "styles.csv", shop / "products.csv")
    shutil.copytree(FIXTURE / "images", shop / "photos")
    save_column_map(shop, {}, {"@table": "products.csv", "@images": "photos"})
    rec = Recommender.load(_index_of(tmp_path, shop), tiny_tagger_path())
    assert 3413 in rec.manifest["left_out"]["missing"]
    row = styles_table(shop).set_index("id").loc[3413]
    assert rec.left_out_row(3413)["productDisplayName"] == row["productDisplayName"]
    assert changed_photos(rec, shop) == ""
    shutil.copy(FIXTURE / "images" / "12933.jpg", shop / "photos" / "3413.jpg")
    assert "left out for want of a photo has one now (ids 3413" in changed_photos(rec, shop)
    # What is said names that table: the id of a row the build could not read, and the folder given for an index.
    rejected = int(next(iter(rec.manifest["rejected_rows"])))
    with pytest.raises(ConflictError, match=f"is the id of a row of {shop / 'products.csv'} that the build could not"):
        rec.add_product(Image.open(FIXTURE / "images" / "12933.jpg"), {"id": rejected})
    with pytest.raises(VectorIndexError, match=r"is a catalogue \(styles.csv\), not an index"):
        Recommender.load(shop)
    # A folder added so: its photo without a row is said where it is (it was said in an images/ it does not have).
    arrivals = tmp_path / "arrivals"
    (arrivals / "photos").mkdir(parents=True)
    (arrivals / "products.csv").write_text("id,productDisplayName,articleType\n990001,New Tee,Tshirts\n")
    shutil.copy(FIXTURE / "images" / "12933.jpg", arrivals / "photos" / "990002.jpg")
    save_column_map(arrivals, {}, {"@table": "products.csv", "@images": "photos"})
    done = rec.add_products(arrivals, progress=False)
    assert list(done.refused) == [990001] and not done.ids
    assert done.warnings == [f"{arrivals / 'photos' / '990002.jpg'}: no row of products.csv has its id, so it is no "
                             "product (not added)"], done.warnings


def test_index_stock_from_reads_a_file_the_catalogue_loader_would(tmp_path: Path) -> None:
    # `--from` read a comma-separated UTF-8 file alone, where the loader reads a styles.csv of a locale whose
    # separator is the semicolon, one naming it on an Excel "sep=" line, a Windows-1252 line and "12933.0", as pandas
    # writes an id column with a blank in it (a review of stop 70): the first two were told they "need an id column
    # and a stock column", the third could not be decoded, the fourth's ids were "no product id".
    # Lines of separators alone (a sheet's formatted empty rows), which the loader skips, refused the whole file.
    shop = _shop(tmp_path / "shop", ["12933,Roadster Navy Tee,Tshirts,Navy Blue,499", "10315,Belt,Belts,Black,399"])
    d = _index_of(tmp_path, shop)
    levels = tmp_path / "levels.csv"
    for text in ("id;stock\n12933;0\n10315;4\n", "sep=;\nid;stock\n12933;0\n10315;4\n",
                 "id,name,stock\n12933,Caf\xe9 tee,0\n10315,Belt,4\n", "id,stock\n12933.0,0\n10315.0,4\n",
                 "id,name,stock\n12933,Tee,0\n,,\n10315,Belt,4\n , ,\n"):
        levels.write_bytes(text.encode("cp1252"))
        result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(levels), "--json"])
        assert result.exit_code == 0, (text, result.output)
        assert json.loads(result.output)["stock"] == {"12933": 0, "10315": 4}, (text, result.output)
    # A semicolon file without a stock column is still told what it lacks, by its own names.
    levels.write_text("id;price\n12933;5\n")
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(levels)])
    text = " ".join(result.output.split())
    assert result.exit_code != 0 and "needs an id column and a stock column" in text, result.output
    assert "its header: id;price" in text, result.output


def test_a_large_folder_whose_ids_are_written_otherwise_is_read_in_linear_time(tmp_path: Path) -> None:
    # `index add FOLDER` kept the folder's spellings of its ids ("0099001") by testing each against a set of the
    # table's ids built anew for each: quadratic, 20,000 zero-padded rows took 170 s in add_products (a review of
    # stop 70). Rows without photos: nothing is embedded, the reading alone is timed.
    import time

    from _recs_support import index_copy, tiny_tagger_path

    from fashionrec.recommend import Recommender

    n = 12_000
    folder = _shop(tmp_path / "arrivals", [f"{900_000 + i:08d},Tee {i},Tshirts,Navy Blue,499" for i in range(n)],
                   header="id,productDisplayName,articleType,baseColour,price")
    rec = Recommender.load(index_copy(tmp_path / "index"), tiny_tagger_path())
    started = time.perf_counter()
    done = rec.add_products(folder, progress=False)
    took = time.perf_counter() - started
    assert took < 30, took
    assert len(done.refused) == n and done.written[str(900_000)] == "00900000" and len(done.written) == n


def test_index_stock_from_a_shops_folder_reads_the_table_its_columns_json_names(tmp_path: Path) -> None:
    # Stop 71's integration review: a WooCommerce shop's folder (products.csv and photos/ named in columns.json, its
    # colour in attributes, In stock? beside Stock) given to --from was "cannot read shop: [Errno 21] Is a
    # directory". It reads the folder's table, as a build does, to the same levels.
    header = WOO_ATTRIBUTES_HEADER.replace("Stock,", "In stock?,Stock,")
    shop = tmp_path / "shop"
    (shop / "photos").mkdir(parents=True)
    (shop / "products.csv").write_text("\n".join([
        header,
        '12933,variable,TEE-1,Roadster Navy Tee,Tshirts,,,1,,,Size,"S, M",Color,Navy Blue',
        "5001,variation,TEE-1-S,Roadster Navy Tee - S,,499,,0,,id:12933,Size,S,Color,Navy Blue",
        "5002,variation,TEE-1-M,Roadster Navy Tee - M,,499,,0,,id:12933,Size,M,Color,Navy Blue",
        "10315,simple,BELT-1,Belt,Belts,399,,1,,,Color,Brown,,",
        "10652,variable,JEANS-1,Puma Jeans,Jeans,,,1,,,Color,Blue,,",
        "5003,variation,JEANS-1-32,Puma Jeans - 32,,1299,,backorder,,id:10652,Size,32,,",
        "5004,variation,JEANS-1-34,Puma Jeans - 34,,1299,,1,4,JEANS-1,Size,34,,"]) + "\n", encoding="utf-8")
    save_column_map(shop, WOO_MAP, {"@table": "products.csv", "@images": "photos"})
    built = load_catalog(shop, check_images=False, progress=False, warn=False).table.set_index("id")
    assert built["baseColour"].to_dict() == {12933: "Navy Blue", 10315: "Brown", 10652: "Blue"}
    d = _index_of(tmp_path, shop)
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(shop), "--json"])
    assert result.exit_code == 0, result.output
    said = json.loads(result.output)
    levels = {int(i): v for i, v in said["stock"].items()}
    assert levels == {i: None if v != v else int(v) for i, v in built["stock"].items()}, built["stock"]
    assert levels[12933] == 0 and said["from"]["file"] == str(shop / "products.csv")
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(shop)])
    assert result.exit_code == 0 and f"read {shop / 'products.csv'}: 'In stock?' read beside" in " ".join(
        result.output.split()), result.output
    # The one product whose line gives its Size (the tee's variations folded into it) is one row, not "1 rows".
    summary = "\n".join(load_catalog(shop, check_images=False, progress=False, warn=False).report.summary_lines())
    assert "attributes       not read: 'Size' (1 row): no column of the catalogue's" in summary, summary
    # A folder without its table is told to give the file.
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(tmp_path / "empty")])
    text = " ".join(result.output.split())
    assert result.exit_code != 0 and "is a folder without styles.csv: give --from the CSV of the levels" in text, text


def _sku_shop(tmp_path: Path, lines: list[str]):
    """A shop keyed by its ``sku`` column, mapped to id: its folder, catalogue and table by product name."""
    path = _shop(tmp_path, lines, header="sku,Title,Product Type,Color,price")
    save_column_map(path, {**SHOP_MAP, "sku": "id"})
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    return path, catalog, catalog.table.set_index("productDisplayName")


def test_a_shops_sku_codes_mapped_to_id_are_read_as_ids_kept_as_written(tmp_path: Path) -> None:
    # Stop 74's new user: a shop's CSV keyed by SKU codes ("SKU-10021"), mapped `data columns DIR sku=id`, had every
    # row rejected as "id 'SKU-10021' is not an integer" (data check exit 0, 0 usable rows). A code is now hashed as
    # a Shopify Handle is (the same code, the same id in every export), kept as the id as written; a number in the
    # same column stays that number, and a cell that is no code (words with a space) stays refused.
    from fashionrec.shop_ids import handle_id

    path, catalog, table = _sku_shop(tmp_path, ["SKU-10021,Roadster Men Navy Tee,Tshirts,Navy Blue,499",
                                                "ts_navy/42,Puma Jeans,Jeans,Blue,1299",
                                                "12933,Nike Cap,Caps,Black,299",
                                                "no sku yet,Bata Shoes,Casual Shoes,Brown,999"])
    assert table.loc["Roadster Men Navy Tee", "id"] == handle_id("SKU-10021")
    assert table.loc["Puma Jeans", "id"] == handle_id("ts_navy/42")
    assert table.loc["Nike Cap", "id"] == 12933
    assert catalog.report.ids_written_otherwise == {"SKU-10021": handle_id("SKU-10021"),
                                                    "ts_navy/42": handle_id("ts_navy/42")}
    assert [r.reason.split(":")[0] for r in catalog.report.rows_rejected] == [
        "id 'no sku yet' is neither a whole number nor a product code (letters with a digit, or parts joined by "
        "- _ . /, no spaces"]
    result = runner.invoke(app, ["data", "check", str(path)])
    said = " ".join(result.output.split())
    assert "ids made from 'sku' 2 (" in said and "its sku codes are no numbers" in said, said
    # Every other line names a product by its code, not the number made from it (stop 74's h74user: the missing image,
    # same-photo, typo and empty-field lines gave "6299080797350856"; stop 75).
    missing = next(line for line in result.output.splitlines() if line.startswith("missing image"))
    assert "SKU-10021" in missing and str(handle_id("SKU-10021")) not in missing, missing
    # Its sold-out products are named by their codes, not the numbers made from them.
    stocked = _shop(tmp_path / "stocked", ["SKU-1,Tee,Tshirts,Blue,499,0", "SKU-2,Jeans,Jeans,Blue,999,3"],
                    header="sku,Title,Product Type,Color,price,qty")
    save_column_map(stocked, {**SHOP_MAP, "sku": "id"})
    said = " ".join(runner.invoke(app, ["data", "check", str(stocked)]).output.split())
    assert "1 sold out (id SKU-1)" in said, said
    # A catalogue's own id column keeps refusing a code: a typo there is no SKU. It said "not an integer" alone (stop
    # 74, h74exit): it now says the mapping that reads a shop's codes there, which then reads them (stop 75).
    plain = _shop(tmp_path / "plain", ["SKU-1,Tee,Tshirts,Blue,499", "12933,Jeans,Jeans,Blue,999"])
    save_column_map(plain, SHOP_MAP)
    rejected = load_catalog(plain, check_images=False, progress=False, warn=False).report.rows_rejected
    assert [r.id_field for r in rejected] == ["SKU-1"], rejected
    assert rejected[0].reason.startswith("id 'SKU-1' is not an integer: give the row its product's number, or, "
                                         "where the id column holds the shop's product codes, say so once with "
                                         "`fashionrec data columns "), rejected
    assert " id=id` (writes columns.json beside styles.csv)" in rejected[0].reason, rejected[0].reason
    save_column_map(plain, {**SHOP_MAP, "id": "id"})
    read = load_catalog(plain, check_images=False, progress=False, warn=False)
    assert not read.report.rows_rejected and read.report.ids_written_otherwise == {"SKU-1": handle_id("SKU-1")}
    assert sorted(read.table["id"]) == sorted([12933, handle_id("SKU-1")])


def test_a_shops_codes_without_a_digit_mapped_to_id_are_ids_and_a_word_is_told_what_to_do(tmp_path: Path) -> None:
    # Stop 74's new user: a code without a digit ("TS-NAVY-M") in the column mapped to id was refused as "not an
    # integer", with no word of what to do. Parts joined by - _ . / are a code as "SKU-10021" is (hashed, kept as
    # written); a word alone or a spreadsheet's "n/a" stays refused, said with what to give or map.
    from fashionrec.shop_ids import handle_id

    _, catalog, table = _sku_shop(tmp_path, ["TS-NAVY-M,Roadster Men Navy Tee,Tshirts,Navy Blue,499",
                                             "belt_brown,Brown Belt,Belts,Brown,399", "Belt,Puma Belt,Belts,Black,299",
                                             "n/a,Nike Cap,Caps,Black,299"])
    assert table.loc["Roadster Men Navy Tee", "id"] == handle_id("TS-NAVY-M")
    assert table.loc["Brown Belt", "id"] == handle_id("belt_brown")
    assert catalog.report.ids_written_otherwise == {"TS-NAVY-M": handle_id("TS-NAVY-M"),
                                                    "belt_brown": handle_id("belt_brown")}
    rejected = {r.id_field: r.reason for r in catalog.report.rows_rejected}
    assert set(rejected) == {"Belt", "n/a"}, rejected
    assert ("give the row its product's code in the sku column, or, where sku holds no codes, map the column that "
            "does to id (`fashionrec data columns FOLDER 'CODE COLUMN=id'`)") in rejected["Belt"], rejected
