"""`fashionrec index stock --from FILE` reads a shop's file as a build reads its styles.csv (stop 71): the loader's
own reader (a semicolon export, a comma in a name), and the columns beside a level that say how a size is sold at 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _recs_support import index_copy, tiny_tagger_path
from typer.testing import CliRunner

from fashionrec.catalog import styles_table
from fashionrec.cli import app
from fashionrec.column_map import save_column_map
from fashionrec.recommend import Recommender

runner = CliRunner()


def _from(d: Path, levels: Path, *more: str):
    return runner.invoke(app, ["index", "stock", "--index", str(d), "--from", str(levels), *more])


def _levels(d: Path) -> dict:
    rec = Recommender.load(d, tiny_tagger_path())
    return {i: rec.item(i).get("stock") for i in (12933, 7512, 10652, 10315)}


def test_index_stock_from_reads_a_semicolon_export_and_a_comma_in_a_name_as_a_build_does(tmp_path: Path) -> None:
    # A semicolon export that a build reads (its locale's list separator) was refused "needs an id column", and an
    # unquoted comma in a name made pandas take the id column for an index: every field moved by one (stop 70's gap).
    d = index_copy(tmp_path / "index")
    before = _levels(d)
    shop = tmp_path / "shop"
    shop.mkdir()
    semi = shop / "levels.csv"
    semi.write_text("id;Name;Variant Inventory Qty\n12933;Polo;4\n7512;Tee;0\n", encoding="utf-8")
    save_column_map(shop, {"Variant Inventory Qty": "stock", "Name": "productDisplayName"})
    result = _from(d, semi, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["stock"] == {"12933": 4, "7512": 0}
    result = _from(d, semi)
    assert "semicolon-separated" in " ".join(result.output.split()), result.output
    comma = tmp_path / "comma.csv"
    comma.write_text("id,stock,productDisplayName\n10652,5,Tee, red and white\n10315,3,Polo\n", encoding="utf-8")
    # The build's reader reads the same lines so: the levels --from sets are the catalogue's.
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "styles.csv").write_text(comma.read_text().replace("id,stock,", "id,stock,articleType,")
                                                 .replace("\n10652,5,", "\n10652,5,Tshirts,")
                                                 .replace("\n10315,3,", "\n10315,3,Tshirts,"))
    assert styles_table(tmp_path / "cat").set_index("id")["stock"].to_dict() == {10652: 5, 10315: 3}
    result = _from(d, comma, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["stock"] == {"10652": 5, "10315": 3}
    result = _from(d, comma)
    assert "1 name with a comma read whole (line 2)" in " ".join(result.output.split()), result.output
    assert _levels(d) == {**before, 12933: 4, 7512: 0, 10652: 5, 10315: 3}
    # A line the loader cannot read is said by line, and nothing is set (pandas read "12933" alone as no level).
    bad = tmp_path / "bad.csv"
    bad.write_text("id,stock\n12933,9\n7512\nabc,2\n", encoding="utf-8")
    result = _from(d, bad)
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and "2 lines that cannot be read" in text and "line 3" in text, result.output
    assert "'abc' is not an integer" in text and "nothing was changed" in text, result.output
    assert _levels(d)[12933] == 4
    # With --skip-unknown they are left out, each said, and the others set (stop 76: a WooCommerce export's line
    # the build had rejected too refused every newer export, --skip-unknown or not).
    assert "or give --skip-unknown to set the levels of the others" in text
    result = _from(d, bad, "--skip-unknown")
    text = " ".join(result.output.split())
    assert result.exit_code == 0 and f"left out 2 lines of {bad} that cannot be read (line 3" in text, result.output
    assert "line 4 (id abc): id 'abc' is not an integer)" in text and _levels(d)[12933] == 9, result.output


@pytest.mark.parametrize(("cell", "tracker", "policy", "status", "sold_as"), [
    ("0", "shopify", "continue", None, ""),        # sold while at 0: available
    ("-2", "shopify", "continue", None, ""),       # oversold, still sold
    ("3", "shopify", "continue", None, "3"),
    ("0", "shopify", "deny", None, "0"),
    ("0", "", "deny", None, ""),                   # not tracked: sold whatever its count
    ("", None, None, "0", "0"),                    # WooCommerce: stock not managed, out of stock by its status
    ("5", None, None, "0", "0"),
    ("", None, None, "1", ""),
    ("0", None, None, "backorder", ""),
    ("4", None, None, "1", "4"),
    ("0", None, None, None, "0"),                  # no column beside: the count as before
])
def test_a_lines_level_as_its_shop_sells_it(cell, tracker, policy, status, sold_as) -> None:
    from fashionrec.stock import level_as_sold

    assert level_as_sold(cell, tracker, policy, status) == sold_as


SHOPIFY = """Handle,id,Title,Product Type,Option1 Value,Variant Price,Variant Inventory Tracker,Variant Inventory Qty,\
Variant Inventory Policy
polo,12933,Polo,Tshirts,S,499,shopify,0,continue
polo,,,,M,499,shopify,0,continue
nike,7512,Nike Tee,Tshirts,S,799,,0,deny
nike,,,,M,799,,0,deny
jeans,10652,Jeans,Jeans,32,1299,shopify,0,deny
jeans,,,,34,1299,shopify,2,continue
jeans,,,,36,1299,shopify,0,continue
belt,10315,Belt,Belts,S,399,shopify,0,deny
belt,,,,,,,,
"""
WOO = """ID,Type,SKU,Name,Categories,In stock?,Stock,Parent
12933,simple,POLO,Polo,Tshirts,0,,
7512,simple,NIKE,Nike Tee,Tshirts,1,,
10652,variable,JEANS,Jeans,Jeans,0,,
5001,variation,JEANS-32,Jeans - 32,,0,,id:10652
5002,variation,JEANS-34,Jeans - 34,,0,,id:10652
10315,variable,BELT,Belt,Belts,1,,
5003,variation,BELT-S,Belt - S,,0,,id:10315
5004,variation,BELT-M,Belt - M,,backorder,0,id:10315
"""


@pytest.mark.parametrize(("export", "mapping", "expected"), [
    # A size sold at 0 ("continue") or not tracked (no tracker) is available; a sold-out size beside one at 0 that is
    # sold is available; the belt's line of a photo is no size. Before: polo and the Nike tee sold out.
    (SHOPIFY, {"Title": "productDisplayName", "Product Type": "articleType", "Variant Inventory Qty": "stock"},
     {12933: None, 7512: None, 10652: 2, 10315: 0}),
    # "In stock?" beside a blank "Stock" (not managed): 0 is sold out, 1 or "backorder" available. Before: all
    # available (a blank level).
    (WOO, {"Name": "productDisplayName", "Categories": "articleType"},
     {12933: 0, 7512: None, 10652: 0, 10315: None}),
])
def test_a_size_sold_at_0_or_not_tracked_and_an_in_stock_status_are_read_by_a_build_and_from(
        tmp_path: Path, export: str, mapping: dict, expected: dict) -> None:
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "styles.csv").write_text(export, encoding="utf-8")
    save_column_map(shop, mapping)
    built = styles_table(shop).set_index("id")["stock"]
    assert {i: None if built[i] != built[i] else built[i] for i in expected} == expected, built.to_dict()
    d = index_copy(tmp_path / "index")
    result = _from(d, shop / "styles.csv", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["stock"] == {str(i): v for i, v in expected.items()}, result.output
    assert "read beside the level" in " ".join(_from(d, shop / "styles.csv").output.split())


def test_a_level_that_is_none_beside_an_in_stock_status_or_a_continue_policy_is_said(tmp_path: Path) -> None:
    # A review of stop 71: "call us" in Stock beside "In stock?" 1 (or a Shopify policy "continue") was read as no
    # level without a word, and data check said the cell empty; without those columns it is said as no level.
    from fashionrec.catalog import DataReport

    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "styles.csv").write_text("ID,Name,Categories,In stock?,Stock\n12933,Polo,Tshirts,1,call us\n"
                                     "7512,Nike Tee,Tshirts,1,5\n10652,Jeans,Jeans,,call us\n", encoding="utf-8")
    save_column_map(shop, {"Name": "productDisplayName", "Categories": "articleType"})
    report = DataReport(data_dir=str(shop))
    levels = styles_table(shop, report).set_index("id")["stock"]
    assert levels[7512] == 5 and levels[[12933, 10652]].isna().all()      # kept available, as before
    assert report.invalid_values["stock"] == [12933, 10652]
    assert "invalid stock    2 rows kept with it missing (ids 12933, 10652)" in "\n".join(report.summary_lines())
    from fashionrec.stock import level_as_sold

    assert level_as_sold("call us", policy="continue") == "call us" and level_as_sold("0", policy="continue") == ""


def test_a_levels_file_says_the_products_its_shop_hides(tmp_path: Path) -> None:
    # A review of stop 73: the loader left a hidden product out (visibility.py), so `index stock --from` of a later
    # export set no level for a product the shop hid since the build, and said nothing: it stayed shown. Since stop
    # 74 (h74hide) the file's rows are all read and the products it hides are named, for --from to hide them.
    from fashionrec.stock_file import read_levels_file

    path = tmp_path / "export.csv"
    path.write_text("id,stock,Published\n15970,4,TRUE\n39386,2,FALSE\n59263,0,\n")
    read = read_levels_file(path)
    assert set(read.levels) == {"15970", "39386", "59263"}
    assert read.hidden == {"15970": False, "39386": True, "59263": False}, read.hidden
