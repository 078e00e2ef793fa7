"""columns.json as `fashionrec data columns` writes it (stop 72): all of a command's table, photo folder and pairs
or none of them, and whole whatever else writes it at the same time."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from test_shop_exports import _products_and_photos  # a shop's products.csv and photos/, as they come
from typer.testing import CliRunner

from fashionrec.catalog import load_catalog
from fashionrec.cli import app
from fashionrec.column_map import COLUMN_MAP_FILE, read_column_map, save_column_map

runner = CliRunner()
KNOWN = ["id", "productDisplayName", "articleType", "baseColour", "price"]


def _said(result) -> str:
    return " ".join(result.output.split())


def test_a_pair_naming_no_header_writes_neither_the_table_nor_the_photo_folder(tmp_path: Path) -> None:
    # Stop 71's review: the table and photo folder were written before the pairs were checked, so a typo in a
    # pair exited 2 with "@table" already in columns.json, and the command said nothing of it.
    path = _products_and_photos(tmp_path)
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv", "--images", "photos",
                                 "Titel=productDisplayName"])
    assert result.exit_code == 2, result.output
    assert "'Titel' is not in" in _said(result) and "did you mean 'Title'?" in _said(result)
    assert "nothing written" in _said(result)
    assert not (path / COLUMN_MAP_FILE).exists()
    # An earlier file is left byte for byte.
    (path / COLUMN_MAP_FILE).write_text('{"@table": "products.csv", "@images": "photos", "Color": "baseColour"}')
    before = (path / COLUMN_MAP_FILE).read_bytes()
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv", "--images", "photos",
                                 "Hue=baseColour"])
    assert result.exit_code == 2 and (path / COLUMN_MAP_FILE).read_bytes() == before, result.output


def test_a_table_given_without_its_photo_folder_writes_nothing(tmp_path: Path) -> None:
    # The photos are in photos/, not images/: the folder check refused it after "@table" was written.
    path = _products_and_photos(tmp_path)
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv"])
    assert result.exit_code != 0 and "--images photos`" in _said(result), result.output
    assert not (path / COLUMN_MAP_FILE).exists()


def test_an_unreadable_columns_json_is_replaced_by_a_table_and_pairs_as_by_pairs_alone(tmp_path: Path) -> None:
    # Stop 71's review: pairs alone replaced an unreadable columns.json, --table with pairs failed on it.
    path = _products_and_photos(tmp_path)
    (path / COLUMN_MAP_FILE).write_text("{broken")
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv", "--images", "photos",
                                 "Title=productDisplayName", "Product Type=articleType"])
    assert result.exit_code == 0, result.output
    assert "in place of the unreadable one" in _said(result)
    assert json.loads((path / COLUMN_MAP_FILE).read_text()) == {
        "@table": "products.csv", "@images": "photos", "Title": "productDisplayName", "Product Type": "articleType"}
    assert load_catalog(path, progress=False, warn=False).report.with_image == 2
    # A bad pair with it leaves the unreadable file as it was, for the user to read.
    (path / COLUMN_MAP_FILE).write_text("{broken")
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv", "--images", "photos",
                                 "Titel=productDisplayName"])
    assert result.exit_code == 2 and (path / COLUMN_MAP_FILE).read_text() == "{broken", result.output


def test_a_mapping_the_loader_refuses_leaves_the_table_and_photo_folder_unwritten(tmp_path: Path) -> None:
    # The pairs name real headers, but the catalogue they make has no id column: nothing of the command is kept.
    path = _products_and_photos(tmp_path)
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv", "--images", "photos",
                                 "id=price"])
    assert result.exit_code != 0, result.output
    assert f"{COLUMN_MAP_FILE} left as it was" in _said(result)
    assert not (path / COLUMN_MAP_FILE).exists()


def test_the_mapping_offered_for_a_table_given_alone_names_the_table_and_photo_folder(tmp_path: Path) -> None:
    # A new user's WooCommerce export (stop 76): `data columns DIR --table export.csv` was refused for the columns it
    # lacks and offered `data columns DIR Name=productDisplayName ...` without --table, which failed on "styles.csv
    # not found" and offered --table again.
    path = _products_and_photos(tmp_path)
    (path / "products.csv").write_text("ID,Name,Categories\n12933,Green Polo,Tshirts\n", encoding="utf-8")
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv", "--images", "photos"])
    assert result.exit_code == 2 and not (path / COLUMN_MAP_FILE).exists(), result.output
    offered = f"`fashionrec data columns {path} --table products.csv --images photos "
    assert offered + "Name=productDisplayName" in _said(result), result.output
    command = _said(result).split(offered, 1)[1].split("`", 1)[0]
    result = runner.invoke(app, ["data", "columns", str(path), "--table", "products.csv", "--images", "photos",
                                 *command.split()])
    assert result.exit_code == 0, result.output       # the command offered, run as it is, maps them


def test_an_unmapped_column_naming_the_photos_without_a_row_is_offered_as_their_photo(tmp_path: Path) -> None:
    # A new user's WooCommerce export (stop 76): its Images column names each product's photo by URL, and data check
    # said 286 "missing image" and 284 "without a row" with no word of Images, listed among the ignored columns.
    (tmp_path / "images").mkdir()
    fixture = Path(__file__).parent / "fixtures" / "catalog" / "images"
    shutil.copy(fixture / "12933.jpg", tmp_path / "images" / "Green-Polo.jpg")
    shutil.copy(fixture / "10315.jpg", tmp_path / "images" / "blue-jeans-1.jpg")
    url = "https://shop.example.com/wp-content/uploads/2025/04/"
    (tmp_path / "styles.csv").write_text(
        "ID,Name,Categories,Images,Description\n"
        f'1,Green Polo,Tshirts,"{url}green-polo.jpg, {url}polo-back.jpg",A polo\n'   # named in another case
        f"2,Blue Jeans,Jeans,{url}blue-jeans-1.jpg?v=2,See size.png for sizes\n", encoding="utf-8")
    (tmp_path / COLUMN_MAP_FILE).write_text('{"Name": "productDisplayName", "Categories": "articleType"}')
    report = load_catalog(tmp_path, progress=False, warn=False).report
    assert report.with_image == 0 and report.photo_column_unmapped == {"Images": 2}
    line = next(x for x in report.summary_lines() if x.startswith("missing image"))
    assert f"'Images' names 2 of the photos without a row: map it as their photo with `fashionrec data columns " \
           f"{tmp_path} Images=photo`" in line
    assert "photo_names_unmapped" not in report.to_dict()
    result = runner.invoke(app, ["data", "check", str(tmp_path)])
    assert result.exit_code == 2 and "Images=photo" in _said(result).rsplit("error:", 1)[1], result.output
    result = runner.invoke(app, ["data", "columns", str(tmp_path), "Images=photo"])
    assert result.exit_code == 0, result.output
    report = load_catalog(tmp_path, progress=False, warn=False).report
    assert report.with_image == 2 and report.photo_column_unmapped == {} and not report.images_without_row


def test_two_writers_at_once_each_write_a_whole_file(tmp_path: Path, monkeypatch) -> None:
    # save_column_map wrote through one fixed temporary name: a second writer between the first's write and its
    # move took the first's file, and the first failed (FileNotFoundError) or moved in the second's mapping.
    first, second = {"Title": "productDisplayName"}, {"Color": "baseColour"}
    real_replace, nested = os.replace, []

    def replace(src, dst):
        if not nested:
            nested.append(True)
            save_column_map(tmp_path, second)      # the other writer, whole, before this one's move
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    save_column_map(tmp_path, first)
    assert nested and read_column_map(tmp_path, KNOWN) == first
    assert [p.name for p in tmp_path.iterdir()] == [COLUMN_MAP_FILE]       # no temporary file left



def test_evaluate_names_the_table_columns_json_names_for_its_unreadable_rows(fixture_dir: Path,
                                                                            tmp_path: Path) -> None:
    # Stop 71: a shop whose columns.json names products.csv read "3 rows of styles.csv that could not be read".
    from _recs_support import tiny_tagger_path

    from fashionrec.evaluate import caveats, evaluate_model

    shop = tmp_path / "shop"
    shutil.copytree(fixture_dir, shop)
    (shop / "styles.csv").rename(shop / "products.csv")
    (shop / "images").rename(shop / "photos")
    (shop / COLUMN_MAP_FILE).write_text('{"@table": "products.csv", "@images": "photos"}')
    m = evaluate_model(shop, tiny_tagger_path(), split="all", progress=False)
    said = next(line for line in caveats(m) if line.startswith("not scored"))
    assert m["table"] == "products.csv" and "3 rows of products.csv that could not be read" in said, said


def test_the_help_of_a_catalogue_folder_says_columns_json_may_name_its_table() -> None:
    # "Catalogue folder (styles.csv + images/)" alone told a shop with products.csv and photos/ to rename them.
    import typer

    for path in (["data", "check"], ["data", "columns"], ["evaluate"], ["tag"], ["index", "add"]):
        command = typer.main.get_command(app)
        for name in path:
            command = command.commands[name]
        said = " ".join(p.help for p in command.params if getattr(p, "help", None) and "styles.csv" in p.help)
        assert "styles.csv + images/" in said and "columns.json names" in said, (path, said)


def test_the_python_verb_checks_a_mapping_as_the_command_does(tmp_path: Path) -> None:
    # Stop 76's README run: save_column_map, the README's Python for `data columns`, wrote {"Title": ...} into a
    # folder whose header has no Title (and a column no catalogue has), where the command refuses and writes nothing.
    import pytest

    from fashionrec.errors import CatalogError

    (tmp_path / "styles.csv").write_text("id,Name,Type\n1,A Shirt,Shirts\n", encoding="utf-8")
    for mapping, said in (({"Title": "productDisplayName"}, "'Title' is not in"),
                          ({"Nmae": "productDisplayName"}, "did you mean 'Name'?"),
                          ({"Name": "bogus"}, "no column a catalogue has")):
        with pytest.raises(CatalogError, match=said):
            save_column_map(tmp_path, mapping)
        assert not (tmp_path / COLUMN_MAP_FILE).exists()
    save_column_map(tmp_path, {"Name": "Product Display Name", "Type": "articleType"})
    assert read_column_map(tmp_path, KNOWN) == {"Name": "productDisplayName", "Type": "articleType"}
