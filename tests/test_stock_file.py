"""`fashionrec index stock --from FILE` reads a shop's file as a build reads its styles.csv (stop 71): the loader's
own reader (a semicolon export, a comma in a name), and the columns beside a level that say how a size is sold at 0."""

from __future__ import annotations

import json
from pathlib import Path

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
