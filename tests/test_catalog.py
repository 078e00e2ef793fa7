"""The catalogue loader: every row and image accounted for, with the reason and line of each problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from fashionrec.catalog import (
    COLUMNS,
    DEFAULT_DATA_DIR,
    Catalog,
    DataReport,
    check_image,
    check_photo,
    default_data_dir,
    image_files,
    load_catalog,
    open_rgb,
    photo_id,
    photo_names,
    styles_ids,
    styles_table,
    to_rgb,
)
from fashionrec.errors import CatalogError


def row(catalog: Catalog, item_id: int) -> pd.Series:
    rows = catalog.table[catalog.table["id"] == item_id]
    assert len(rows) == 1, f"id {item_id} should appear once in the table"
    return rows.iloc[0]


def test_counts_match_the_hand_computed_expectations(fixture_catalog: Catalog, expected: dict) -> None:
    r = fixture_catalog.report
    assert r.rows == expected["rows"]
    assert r.rows_recovered == expected["rows_recovered"]
    assert r.recovered_lines == expected["recovered_lines"]
    assert len(fixture_catalog.table) == expected["accepted_rows"]
    assert r.with_image == expected["with_image"] == len(fixture_catalog.usable)
    assert r.missing_image == expected["missing_image"]
    assert r.classes == expected["classes"]
    assert r.class_counts == expected["class_counts"]
    assert r.odd_size_images == expected["odd_size_images"]
    # Said as no fault: a shop's 600x800 photos read "images not 60x80 58" as if something were wrong.
    assert any(line.startswith("images not 60x80") and line.endswith("fine, every photo is resized for the model")
               for line in r.summary_lines()) == bool(r.odd_size_images)
    assert {k: v for k, v in r.missing_values.items() if v} == expected["missing_values"]
    # ... and which rows they are (a shop's nameless product was a count only).
    assert {k: len(ids) for k, ids in r.missing_value_ids.items()} == expected["missing_values"]
    assert all(pd.isna(row(fixture_catalog, i)[k]) for k, ids in r.missing_value_ids.items() for i in ids)
    column, ids = next(iter(r.missing_value_ids.items()))
    assert any(line.startswith("empty fields") and f"{column}: {len(ids)} (id" in line and str(ids[0]) in line
               for line in r.summary_lines())
    # Every accepted row is in exactly one image state.
    assert r.with_image + r.missing_image + len(r.unreadable_image) == len(fixture_catalog.table)


def test_every_rejected_row_is_reported_with_its_line_and_reason(fixture_catalog: Catalog,
                                                                 expected: dict) -> None:
    got = [(x.line, x.reason) for x in fixture_catalog.report.rows_rejected]
    # ($CATALOG: the fixture's folder, in a reason that gives the command to run on it)
    assert got == [(x["line"], x["reason"].replace("$CATALOG", str(fixture_catalog.root)))
                   for x in expected["rows_rejected"]]
    lines = (Path(fixture_catalog.root) / "styles.csv").read_text().splitlines()
    for rejected in fixture_catalog.report.rows_rejected:
        assert rejected.raw == lines[rejected.line - 1], "raw must be the rejected line as written"


def test_rejected_rows_are_not_in_the_table(fixture_catalog: Catalog) -> None:
    table = fixture_catalog.table
    assert table["id"].is_unique
    # The duplicate of id 12933 (a Jeans row) is dropped; the first occurrence (Tshirts) is kept.
    assert row(fixture_catalog, 12933)["articleType"] == "Tshirts"
    assert 21406 not in set(table["id"])  # the row with too few fields


def test_recovered_row_has_its_comma_joined_back_into_the_name(fixture_catalog: Catalog,
                                                              expected: dict) -> None:
    r = row(fixture_catalog, expected["recovered_id"])
    assert r["productDisplayName"] == expected["recovered_name"]
    assert r["usage"] == "Casual"  # the fields before the name are where they belong


def test_literal_na_stays_the_string_na(fixture_catalog: Catalog, expected: dict) -> None:
    for column, ids in expected["na_values"].items():
        assert list(fixture_catalog.table.loc[fixture_catalog.table[column] == "NA", "id"]) == ids
        for item_id in ids:
            value = row(fixture_catalog, item_id)[column]
            assert value == "NA" and isinstance(value, str)
    assert fixture_catalog.table["baseColour"].notna().all()
    assert fixture_catalog.table["usage"].notna().all()


def test_empty_field_is_missing(fixture_catalog: Catalog, expected: dict) -> None:
    assert pd.isna(row(fixture_catalog, expected["empty_season_id"])["season"])
    assert fixture_catalog.table["season"].isna().sum() == 1


def test_missing_and_unreadable_images_are_reported_per_id(fixture_catalog: Catalog, expected: dict) -> None:
    r = fixture_catalog.report
    assert sorted(r.missing_image_ids) == sorted(expected["missing_image_ids"])
    reasons = {p.id: p.reason for p in r.unreadable_image}
    assert set(reasons) == {int(i) for i in expected["unreadable_image_ids"]}
    assert "zero-byte" in reasons[44333]
    assert "truncated" in reasons[14426].lower()
    assert "not an image" in reasons[51730]
    usable_ids = set(fixture_catalog.usable["id"])
    assert usable_ids.isdisjoint(reasons) and usable_ids.isdisjoint(r.missing_image_ids)
    assert (fixture_catalog.usable["image_status"] == "ok").all()


def test_odd_images_are_usable_with_their_true_size(fixture_catalog: Catalog, expected: dict) -> None:
    for item_id in map(int, expected["decodes_to_rgb"]):
        assert row(fixture_catalog, item_id)["image_status"] == "ok"
    large = row(fixture_catalog, expected["large_id"])
    assert (large["width"], large["height"]) == (1800, 2400)


@pytest.mark.parametrize("item_id,source_mode", [(25220, "RGBA"), (56313, "CMYK"), (24924, "RGB"),
                                                 (41242, "L")])
def test_open_rgb_decodes_odd_images_to_rgb(fixture_dir: Path, item_id: int, source_mode: str) -> None:
    path = fixture_dir / "images" / f"{item_id}.jpg"
    with Image.open(path) as im:
        assert im.mode == source_mode  # the fixture really holds the odd case
        size = im.size
    rgb = open_rgb(path)
    assert rgb.mode == "RGB" and rgb.size == size


def test_sixteen_bit_and_float_grey_photos_keep_their_picture(fixture_dir: Path, tmp_path: Path) -> None:
    # A trial: a 16-bit grey PNG of jeans (and a float TIFF) was read as all white, "one flat colour", by data
    # check, photo search, index add and tag alike: PIL's conversion clips such levels at 255.
    with Image.open(fixture_dir / "images" / "41242.jpg") as im:
        grey = np.asarray(im.convert("L"))
    for photo in (Image.fromarray(grey.astype(np.uint16) * 257), Image.fromarray(grey.astype(np.float32) / 255)):
        assert photo.mode in ("I;16", "F")
        check_photo(photo)      # not "one flat colour"
        np.testing.assert_allclose(np.asarray(to_rgb(photo))[..., 0], grey, atol=1)
    Image.fromarray(grey.astype(np.uint16) * 257).save(tmp_path / "deep.png")
    status, reason, *_ = check_image(tmp_path / "deep.png")
    assert status == "ok" and reason.startswith("greyscale")


def test_a_sixteen_bit_photo_of_eight_bit_levels_keeps_its_picture(fixture_dir: Path, tmp_path: Path) -> None:
    # A data review (stop 61): a grey photo cast to uint16 without scaling (levels 0-255 in a 16-bit PNG) was
    # scaled as 16-bit levels, all black, and listed as a blank photo by data check.
    with Image.open(fixture_dir / "images" / "41242.jpg") as im:
        grey = np.asarray(im.convert("L"))
    Image.fromarray(grey.astype(np.uint16)).save(tmp_path / "unscaled.png")
    with Image.open(tmp_path / "unscaled.png") as photo:
        assert photo.mode == "I;16" and photo.getextrema()[1] <= 255
        check_photo(photo)      # not "one flat colour"
        np.testing.assert_array_equal(np.asarray(to_rgb(photo))[..., 0], grey)
    status, reason, *_ = check_image(tmp_path / "unscaled.png")
    assert status == "ok" and reason.startswith("greyscale")
    np.testing.assert_array_equal(np.asarray(open_rgb(tmp_path / "unscaled.png"))[..., 0], grey)
    # A 16-bit photo whose levels go past 255 is still read as 16-bit levels.
    Image.fromarray(grey.astype(np.uint16) * 257).save(tmp_path / "deep.png")
    np.testing.assert_allclose(np.asarray(open_rgb(tmp_path / "deep.png"))[..., 0], grey, atol=1)


def test_open_rgb_puts_transparent_pixels_on_white(fixture_dir: Path, expected: dict) -> None:
    # The fixture's transparent pixels hold black RGB: dropping alpha would show black, not white.
    rgb = open_rgb(fixture_dir / "images" / f"{expected['png_alpha_id']}.jpg")
    assert rgb.getpixel((0, 0)) == (255, 255, 255)
    assert rgb.getpixel((3, 3)) == (255, 255, 255)


@pytest.mark.parametrize("item_id", [44333, 14426, 51730])
def test_open_rgb_raises_value_error_for_broken_files(fixture_dir: Path, item_id: int) -> None:
    with pytest.raises(ValueError):
        open_rgb(fixture_dir / "images" / f"{item_id}.jpg")


def test_open_rgb_refuses_images_over_the_pixel_limit(fixture_dir: Path, expected: dict, tmp_path: Path) -> None:
    large = fixture_dir / "images" / f"{expected['large_id']}.jpg"      # a 1800x2400 JPEG
    # A JPEG is decoded at a half, quarter or eighth of its size where that fits (a phone's 48 MP photo).
    assert open_rgb(large, max_pixels=1100 * 1000).size == (900, 1200)
    assert open_rgb(large, max_pixels=1000 * 1000).size == (450, 600)
    assert open_rgb(large, max_pixels=300 * 400).size == (225, 300)
    with pytest.raises(ValueError, match="over the limit"):       # not even an eighth of it fits
        open_rgb(large, max_pixels=100 * 100)
    # Other formats have no such decoding: refused over the limit.
    png = tmp_path / "large.png"
    Image.open(large).save(png)
    with pytest.raises(ValueError, match="over the limit"):
        open_rgb(png, max_pixels=1000 * 1000)


def test_an_image_over_pillows_pixel_limit_is_reported_as_too_large(fixture_dir: Path, expected: dict,
                                                                     monkeypatch) -> None:
    from fashionrec.catalog import check_image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)     # Pillow refuses over twice this
    status, reason, *_ = check_image(fixture_dir / "images" / f"{expected['large_id']}.jpg")
    assert status == "unreadable" and reason.startswith("too many pixels") and "not an image" not in reason


def test_an_image_that_cannot_be_read_at_all_is_reported_not_raised(fixture_dir: Path, expected: dict,
                                                                    monkeypatch) -> None:
    # Reading the bytes first (for the photo's digest) let a PermissionError escape as a traceback.
    from fashionrec.catalog import check_image

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    status, reason, *_ = check_image(fixture_dir / "images" / f"{expected['large_id']}.jpg")
    assert status == "unreadable" and reason == "cannot read the file: Permission denied"


def test_table_has_the_documented_columns(fixture_catalog: Catalog) -> None:
    for c in [*COLUMNS, "image_path", "image_status", "image_reason", "width", "height"]:
        assert c in fixture_catalog.table.columns
    assert fixture_catalog.table["id"].dtype == "int64"


def test_a_folder_without_styles_csv_is_a_catalog_error(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    with pytest.raises(CatalogError, match="styles.csv"):
        load_catalog(tmp_path, progress=False)


def test_a_folder_without_images_is_a_catalog_error(tmp_path: Path, fixture_dir: Path) -> None:
    shutil.copy(fixture_dir / "styles.csv", tmp_path / "styles.csv")
    with pytest.raises(CatalogError, match="images"):
        load_catalog(tmp_path, progress=False)


def test_a_styles_csv_folder_or_an_images_file_is_said_as_such(tmp_path: Path, fixture_dir: Path) -> None:
    # Both were "not found" (a bad-input trial).
    (tmp_path / "styles.csv").mkdir()
    (tmp_path / "images").mkdir()
    with pytest.raises(CatalogError, match=r"styles.csv is a folder: a catalogue's styles.csv is the file"):
        load_catalog(tmp_path, progress=False)
    (tmp_path / "styles.csv").rmdir()
    (tmp_path / "images").rmdir()
    shutil.copy(fixture_dir / "styles.csv", tmp_path / "styles.csv")
    (tmp_path / "images").write_bytes(b"")
    with pytest.raises(CatalogError, match=r"images is a file: a catalogue's images/ is a folder"):
        load_catalog(tmp_path, progress=False)


def test_a_folder_without_styles_csv_says_where_the_catalogue_likely_is(tmp_path: Path) -> None:
    # A new user's trial (stop 68) gave the images/ folder and read only "images/styles.csv not found".
    shop = tmp_path / "archive" / "myntradataset"
    (shop / "images").mkdir(parents=True)
    (shop / "styles.csv").write_text(",".join(COLUMNS) + "\n")
    with pytest.raises(CatalogError, match=rf"is the photos' folder of the catalogue {shop}: give {shop}$"):
        load_catalog(shop / "images", progress=False)
    # The Kaggle download unzipped: the catalogue is a folder inside the one given.
    with pytest.raises(CatalogError, match=rf"a folder inside it holds a styles.csv: give {shop}$"):
        load_catalog(tmp_path / "archive", progress=False)
    # The table saved under another name (a browser's second download).
    (tmp_path / "archive" / "styles (1).csv").write_text("id\n")
    (shop / "styles.csv").unlink()
    with pytest.raises(CatalogError, match=r"it holds styles \(1\).csv: name the table with `fashionrec data columns "
                                           r"\S+ --table 'styles \(1\).csv'`, or rename it styles.csv$"):
        load_catalog(tmp_path / "archive", progress=False)
    with pytest.raises(CatalogError, match=r"images/<id>.jpg$"):      # nothing near: the error alone
        load_catalog(shop, progress=False)
    # The Kaggle download given as it came, a zip: "(. if this is its styles.csv)" was all it said.
    import zipfile

    with zipfile.ZipFile(tmp_path / "archive.zip", "w") as z:
        z.writestr("myntradataset/styles.csv", ",".join(COLUMNS) + "\n")
    with pytest.raises(CatalogError, match=r"archive.zip is an archive: unpack it and give the folder inside it"):
        load_catalog(tmp_path / "archive.zip", progress=False)
    with pytest.raises(CatalogError, match=r"is a file: give the catalogue folder .* if this is its styles.csv"):
        load_catalog(tmp_path / "archive" / "styles (1).csv", progress=False)


def test_a_folder_that_does_not_exist_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog(tmp_path / "nowhere", progress=False)


def test_a_styles_csv_without_the_columns_is_a_catalog_error(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text("id,name\n1,shirt\n")
    with pytest.raises(CatalogError, match="lacks the columns"):
        load_catalog(tmp_path, progress=False)
    # A locale whose list separator is the semicolon: read, and said (a name's comma stays in the name).
    row = "1;Men;Apparel;Topwear;Tshirts;Blue;Summer;2012;Casual;Tee, plain"
    (tmp_path / "styles.csv").write_text(";".join(COLUMNS) + "\n" + row + "\n")
    catalog = load_catalog(tmp_path, progress=False)
    assert catalog.table["productDisplayName"].tolist() == ["Tee, plain"]
    assert catalog.report.read_as == ["semicolon-separated"]
    (tmp_path / "styles.csv").write_text("id;name\n1;shirt\n")
    # One that lacks columns is told which, not to save it with commas (it would be read as it is).
    with pytest.raises(CatalogError, match="separates its fields with semicolons and lacks the columns") as e:
        load_catalog(tmp_path, progress=False)
    # (The columns needed: a gender column may be left out.)
    assert "['articleType', 'productDisplayName']" in str(e.value) and "commas" not in str(e.value)


def test_a_shops_export_without_a_season_year_usage_or_gender_column_is_read_with_them_empty(tmp_path: Path,
                                                                                              caplog) -> None:
    (tmp_path / "images").mkdir()
    # Columns in the shop's own order, the name before the type, and a comma in one name (recovered).
    (tmp_path / "styles.csv").write_text("id,productDisplayName,articleType,baseColour\n"
                                         "1,Blue Tee,Tshirts,Blue\n2,Tee, plain,Tshirts,White\n3,,Jeans,NA\n")
    catalog = load_catalog(tmp_path, progress=False)
    t = catalog.table.set_index("id")
    assert t["productDisplayName"].tolist()[:2] == ["Blue Tee", "Tee, plain"]
    assert pd.isna(t.loc[3, "productDisplayName"])
    assert t["articleType"].tolist() == ["Tshirts", "Tshirts", "Jeans"] and t.loc[3, "baseColour"] == "NA"
    assert t[["gender", "season", "year", "usage", "masterCategory", "subCategory"]].isna().all().all()
    r = catalog.report
    assert r.absent_columns == ["gender", "masterCategory", "subCategory", "season", "year", "usage"]
    assert r.rows_recovered == 1 and not r.rows_rejected
    lines = r.summary_lines()
    assert any(x.startswith("absent columns   gender, masterCategory") for x in lines)
    # The name that is empty in one row is said with its id; the absent columns are not "empty" 3 times over.
    assert [x for x in lines if x.startswith("empty fields")] == ["empty fields     productDisplayName: 1 (id 3)"]
    assert set(r.missing_value_ids) == {"productDisplayName"} and r.missing_values["season"] == 3
    assert "has no gender, masterCategory, subCategory, season, year, usage columns" in caplog.text
    # Semicolon-separated without them: read as such, as a complete header is.
    (tmp_path / "styles.csv").write_text("id;articleType;productDisplayName\n1;Tshirts;Tee, plain\n")
    catalog = load_catalog(tmp_path, progress=False)
    assert catalog.table["productDisplayName"].tolist() == ["Tee, plain"]
    assert catalog.report.read_as == ["semicolon-separated"]
    # Without a type or a name it is still refused, naming the columns needed (and the one that may be it).
    (tmp_path / "styles.csv").write_text("id,articleType,title\n1,Tshirts,Tee\n")
    with pytest.raises(CatalogError, match=r"lacks the columns \['productDisplayName'\]; 'title' may be "
                                           r"'productDisplayName': map it once with `fashionrec data columns "
                                           r".* title=productDisplayName` .*, or rename it in the header.*only "
                                           r"id, articleType, "
                                           "productDisplayName are needed"):
        load_catalog(tmp_path, progress=False)
    # A column named otherwise ("Color", "Seasons") is said to be the one it may be, not left without a word
    # (a code or an id is none: "season_code", "category_id").
    (tmp_path / "styles.csv").write_text("id,articleType,Color,Seasons,productDisplayName,Brand,season_code,"
                                         "category_id\n1,Tshirts,Blue,Summer,Tee,Nike,S1,7\n")
    catalog = load_catalog(tmp_path, progress=False)
    assert catalog.report.misnamed_columns == {"Color": "baseColour", "Seasons": "season"}
    said = "\n".join(catalog.report.summary_lines())
    assert ("'Color' may be baseColour; 'Seasons' may be season: map them once with `fashionrec data columns "
            f"{tmp_path} Color=baseColour Seasons=season` (writes columns.json beside styles.csv), or rename them in "
            "the header, to read it") in said
    # Without a year or a season, a comma before the name is told by the label just before it: a value no
    # whole row has is not taken (it was read with "Tops" as the colour) where there are whole rows to tell by.
    whole = [f"{i},Men,Tshirts,{('Green', 'Black')[i % 2]},Tee {i}" for i in range(10, 30)]
    shifted = ["3,Men,Shirts, Tops,Navy,Nice shirt", "4,Men,Tshirts,Black,Tee, slim"]
    (tmp_path / "styles.csv").write_text("\n".join(["id,gender,articleType,baseColour,productDisplayName", *whole,
                                                    *shifted]) + "\n")
    catalog = load_catalog(tmp_path, progress=False)
    assert 4 in set(catalog.table["id"]) and 3 not in set(catalog.table["id"])
    [rejected] = catalog.report.rows_rejected
    assert rejected.line == 22 and "baseColour would be 'Tops', a value no whole row has" in rejected.reason
    # With too few whole rows to tell by, such rows are recovered as before (all three were rejected).
    (tmp_path / "styles.csv").write_text("id,articleType,baseColour,productDisplayName\n1,Shirts,Mustard,Linen, "
                                         "long\n2,Tops,Teal,Top, short\n3,Jeans,Blue,Slim, dark\n")
    assert load_catalog(tmp_path, progress=False).table["productDisplayName"].tolist() == [
        "Linen, long", "Top, short", "Slim, dark"]


def test_control_characters_are_taken_out_and_a_very_long_name_is_listed(tmp_path: Path) -> None:
    head = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName"
    long = "Blue " * 100
    rows = ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee\x00 plain\x0bslim\x85fit",
            "2,Men,Apparel,Topwear,Tshirts,\x1bBlue,Summer,2012,Casual,\u202eeeT eulB",
            "3,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Plain Tee",
            f"4,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,{long}"]
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text("\n".join([head, *rows]) + "\n")
    catalog = load_catalog(tmp_path, progress=False)
    t = catalog.table.set_index("id")
    # A control character is a space (a spreadsheet's line break in a cell is \x0b), an override nothing.
    assert t.loc[1, "productDisplayName"] == "Tee plain slim fit" and t.loc[2, "productDisplayName"] == "eeT eulB"
    assert t.loc[2, "baseColour"] == "Blue" and t.loc[4, "productDisplayName"] == long.strip()
    r = catalog.report
    assert r.control_char_lines == [2, 3] and r.long_names == [4] and not r.invisible_char_lines
    said = "\n".join(r.summary_lines())
    assert "control chars    taken out of 2 lines (lines 2, 3)" in said and "long name        1 (id 4)" in said


def test_a_catalogue_photo_in_a_format_no_photo_comes_in_is_never_decoded(fixture_dir: Path, tmp_path: Path,
                                                                           monkeypatch) -> None:
    import io

    import PIL.EpsImagePlugin
    import PIL.IcoImagePlugin

    from fashionrec.tagging import photo_extensions

    called = []
    for plugin in (PIL.EpsImagePlugin.EpsImageFile, PIL.IcoImagePlugin.IcoImageFile):
        monkeypatch.setattr(plugin, "_open", lambda self: called.append(1))
    ico = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(ico, format="ICO")
    for name, data, fmt in (("a.jpg", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 60 80\n", "EPS"),
                            ("b.jpg", ico.getvalue(), "ICO")):
        (tmp_path / name).write_bytes(data)
        status, reason, *_ = check_image(tmp_path / name)
        assert status == "unreadable" and reason.startswith(f"in the {fmt} format, not a photo format read here")
    assert not called
    # `fashionrec tag` lists such files as in no image format rather than tagging them.
    assert ".jpg" in photo_extensions() and not {".eps", ".ico", ".tga", ".pcx"} & photo_extensions()


def _styles(tmp_path: Path, rows: list[str]) -> Path:
    (tmp_path / "images").mkdir()
    head = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName"
    (tmp_path / "styles.csv").write_text("\n".join([head, *rows]) + "\n")
    return tmp_path


def test_a_rows_photo_in_a_folder_inside_images_is_named_on_its_missing_row(tmp_path: Path) -> None:
    # A new user's trial (stop 67): a shop's export put two photos in images/new/; their rows said "no image
    # file" while another line listed the subfolder's photos, leaving the user to pair them up by id.
    path = _styles(tmp_path, [f"{i},Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee {i}"
                              for i in (1, 13690, 9)])
    (path / "images" / "new").mkdir()
    Image.new("RGB", (60, 80), "red").save(path / "images" / "1.jpg")
    Image.new("RGB", (60, 80), "blue").save(path / "images" / "new" / "0013690.jpg")   # zero-padded, as its export
    catalog = load_catalog(path, progress=False)
    reasons = catalog.table.set_index("id")["image_reason"]
    assert reasons[13690] == ("images/new/0013690.jpg is in a folder inside images/, which is not read: "
                              "move it to images/")
    assert reasons[9] == "no image file"                # no photo anywhere: nothing more to say
    assert catalog.report.missing_image_reasons == {13690: reasons[13690]}
    assert any("move it to images/: ids 13690" in line for line in catalog.report.summary_lines())
    # And where the rows left out are counted (`index build`, `eda`, `data check --strict`).
    assert catalog.report.left_out().startswith("1 of 3 rows usable: 0 rejected, 2 without an image (1 of them is in "
                                                "a folder inside images/: move it to images/), 0 with an unreadable")


def test_a_line_without_an_id_says_what_to_do(tmp_path: Path) -> None:
    # A new user's trial (stop 67): a Shopify export's lines for a product's other sizes carry no id; "id '' is
    # not an integer" said neither that the id was empty nor what to do.
    path = _styles(tmp_path, ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee 1",
                              ",,,,,,,,,XL", " ,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee 2"])
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    reasons = [r.reason for r in catalog.report.rows_rejected]
    assert [r.line for r in catalog.report.rows_rejected] == [3, 4]
    said = ("the row has no id: give it its product's id (a whole number), or remove the line if it is no product of "
            "its own (a Shopify export's line for another size or colour of the product above)")
    assert reasons == [said, said]


def test_a_comma_joined_into_the_name_beside_a_text_column_after_it_is_said(tmp_path: Path) -> None:
    # A new user's trial (stop 67): a Shopify-like export's "Body (HTML)" after the title held an unquoted comma;
    # it was joined into the name ("Puma Backpack,<p>Roomy") and said only as "rows recovered 1". Kept, as a comma
    # in the name is the likelier, but said by line with the name as read and what to do.
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(
        "id,productDisplayName,Body (HTML),articleType,gender\n"
        "1,Puma Backpack,<p>Roomy, light</p>,Backpacks,Unisex\n"
        "2,Blue Tee,<p>Soft</p>,Tshirts,Men\n")
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    assert catalog.table["productDisplayName"].tolist() == ["Puma Backpack,<p>Roomy", "Blue Tee"]
    assert catalog.report.recovered_names == {2: ["1", "Puma Backpack,<p>Roomy"]}
    lines = catalog.report.summary_lines()
    at = next(i for i, x in enumerate(lines) if x.startswith("rows recovered"))
    assert lines[at + 1] == ("  line 2 (id 1): name read as 'Puma Backpack,<p>Roomy'; if the comma is in Body (HTML), "
                             "quote that field")
    # The Kaggle layout (the name last): nothing after the name to hold the comma, nothing more said.
    (tmp_path / "styles.csv").write_text("id,articleType,productDisplayName\n1,Tshirts,Tee, slim\n")
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    assert catalog.report.rows_recovered == 1 and catalog.report.recovered_names == {}


def test_a_comma_in_a_text_column_before_the_labels_is_not_joined_into_the_name(tmp_path: Path) -> None:
    # A new user's trial (stop 67): "Sports, Summer" unquoted in a Shopify-like export's Tags, between the title and
    # the labels, was joined into the name ("... Jersey,") and shifted the type to "Sports" without a word.
    (tmp_path / "images").mkdir()
    whole = [f"{i},Tee {i},Tshirts,sport,Men" if i % 2 else f"{i},Bag {i},Backpacks,,Unisex" for i in range(1, 21)]
    (tmp_path / "styles.csv").write_text("\n".join(["id,productDisplayName,articleType,Tags,gender", *whole,
                                                    "30,Nike Jersey,Tshirts,Sports, Summer,Men",
                                                    "31,Tee, slim,Tshirts,,Men"]) + "\n")
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    rejected = {r.line: r.reason for r in catalog.report.rows_rejected}
    assert rejected == {22: "6 fields instead of 5, and the extra comma may not be in the name (articleType would be "
                            "'Sports', a value no whole row has, and 'Tshirts' with the comma in Tags): quote the "
                            "field that holds it"}
    # A comma that leaves every label one whole rows have is the name's, as before.
    assert catalog.table.set_index("id").loc[31, "productDisplayName"] == "Tee, slim"


def test_an_unclosed_quote_does_not_swallow_the_rows_after_it(tmp_path: Path) -> None:
    rows = ['1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,"Classic 12 inch Tee',
            "2,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Plain Tee",
            "3,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Polo Tee",
            '4,Women,Apparel,Topwear,Tops,Red,Summer,2012,Casual,"Wrap top,\nlong sleeves"']   # a real 2-line name
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    assert catalog.table["id"].tolist() == [1, 2, 3, 4]
    # The 2-line name is read whole, on one line (since stop 61: as `index add` keeps a name it is given).
    assert catalog.table["productDisplayName"].tolist() == ["Classic 12 inch Tee", "Plain Tee", "Polo Tee",
                                                            "Wrap top, long sleeves"]
    assert catalog.report.rows == 4 and catalog.report.stray_quote_lines == [2]
    assert any("stray quotes" in line and "lines 2" in line for line in catalog.report.summary_lines())


def test_an_extra_comma_before_the_name_rejects_the_row_rather_than_shift_its_columns(tmp_path: Path) -> None:
    rows = ["1,Men,Apparel,Topwear,Shirts,Navy, Blue,Summer,2012,Casual,Comma In Colour",
            "2,Men,Apparel,Topwear,Shirts,Navy Blue,Summer,2012,Casual,Comma, In Name",
            "3,Men,Apparel,Topwear,Shirts,Navy Blue,Summer,,Casual,No Year, Comma In Name",
            "4,Men,Apparel,Topwear,Shirts,Navy, Blue,,,Casual,No Season Or Year"]
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    assert catalog.table["id"].tolist() == [2, 3]
    assert catalog.table["productDisplayName"].tolist() == ["Comma, In Name", "No Year, Comma In Name"]
    assert catalog.report.rows_recovered == 2
    first, second = catalog.report.rows_rejected
    assert first.line == 2 and "not in the name" in first.reason and "the year would be 'Summer'" in first.reason
    assert second.line == 5 and "the season would be 'Blue'" in second.reason


def test_a_year_written_as_pandas_writes_it_does_not_stop_a_name_with_a_comma_being_recovered(tmp_path: Path) -> None:
    # An ML engineer's trial: with years as "2013.0" (pandas writes a column with blanks so), the row with a comma
    # in its name was rejected, "the extra comma is not in the name (the year would be '2013.0')".
    rows = ["1,Women,Accessories,Jewellery,Earrings,Silver,Summer,2013.0,Casual,Lucera, Women Silver Earrings",
            "2,Women,Accessories,Jewellery,Earrings,Gold,Summer,2012.0,Casual,Plain Studs",
            "3,Men,Apparel,Topwear,Shirts,Navy, Blue,Summer,2012.5,Casual,Comma In Colour"]
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    assert catalog.table["id"].tolist() == [1, 2] and catalog.report.rows_recovered == 1
    assert catalog.table["productDisplayName"].iloc[0] == "Lucera, Women Silver Earrings"
    assert catalog.table["year"].tolist() == [2013, 2012]
    (shifted,) = catalog.report.rows_rejected       # not a year
    assert shifted.line == 4 and "the year would be 'Summer'" in shifted.reason


def test_an_id_past_64_bits_is_rejected_and_a_very_long_name_kept(tmp_path: Path) -> None:
    # A trial's tracebacks: OverflowError for id 99999999999999999999999, csv's "field larger than field limit"
    # for a name of 131,073 characters; each stopped every command on the catalogue.
    long_name = "Tee " + "x" * 200_000
    rows = ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee",
            "99999999999999999999999,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Huge",
            f"3,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,{long_name}"]
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    assert catalog.table["id"].tolist() == [1, 3] and catalog.table["productDisplayName"].iloc[1] == long_name
    (huge,) = catalog.report.rows_rejected
    assert huge.line == 3 and "too large: ids are 64-bit integers" in huge.reason
    with pytest.raises(ValueError, match="give the catalogue folder .* as a path, not None"):
        load_catalog(None)


def test_a_comma_in_the_usage_before_the_name_rejects_the_row_rather_than_move_a_word_into_the_name(
        tmp_path: Path) -> None:
    # An ML engineer's re-trial: "Smart, Casual" in usage made a usage "Smart" and a name "Casual,Polo".
    rows = ["1,Men,Apparel,Topwear,Shirts,Blue,Summer,2012,Smart Casual,Oxford Shirt",
            "2,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee",
            "3,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Smart, Casual,Polo",
            "4,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Polo, Slim Fit"]      # the name's own comma
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    assert catalog.table["id"].tolist() == [1, 2, 4]
    assert catalog.table.set_index("id").at[4, "productDisplayName"] == "Polo, Slim Fit"
    (rejected,) = catalog.report.rows_rejected
    assert rejected.line == 4 and rejected.id_field == "3"
    assert "the comma may be in usage ('Smart, Casual')" in rejected.reason and "quote the field" in rejected.reason


def test_values_that_differ_only_in_case_are_read_as_the_usual_spelling_and_reported(tmp_path: Path) -> None:
    rows = ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee",
            "2,Men,Apparel,Topwear,Tshirts,Pink,Summer,2012,Casual,Pink Tee",
            "3,men,apparel,topwear,tshirts,pink,summer,2012,casual,Lower Case Tee",
            "4,MEN,Apparel,Topwear,Tshirts,Pink,Summer,2012,Casual,Upper Case Tee",
            "5,Women,Apparel,Topwear,Tops,Red,Summer,2012,Casual,Top"]
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    table = catalog.table.set_index("id")
    assert table.loc[3, ["gender", "masterCategory", "subCategory", "articleType", "baseColour", "season",
                         "usage"]].tolist() == ["Men", "Apparel", "Topwear", "Tshirts", "Pink", "Summer", "Casual"]
    assert table["gender"].tolist() == ["Men", "Men", "Men", "Men", "Women"]
    # Names are free text: kept as written.
    assert table.loc[3, "productDisplayName"] == "Lower Case Tee"
    folded = catalog.report.case_folded
    assert folded["gender"] == {"men": ["Men", 1], "MEN": ["Men", 1]}
    assert folded["articleType"] == {"tshirts": ["Tshirts", 1]}
    assert "productDisplayName" not in folded and "year" not in folded
    assert any(line.startswith("case folded      gender: 'men' -> 'Men' (1)")
               for line in catalog.report.summary_lines())



def test_a_rare_label_a_letter_from_a_common_one_is_listed_as_a_possible_typo(tmp_path: Path) -> None:
    # "Tshrts" would be a class of its own to train on; only `tag` and `evaluate` named it before.
    rows = [f"{i},Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee {i}" for i in range(1, 41)]
    rows += ["41,Men,Apparel,Topwear,Tshrts,Blue,Summer,2012,Casual,Typo Tee",
             "42,Men,Apparel,Topwear,Tops,Blue,Summer,2012,Casual,A top",      # rare, but no letter from a common one
             "43,Men,Apparel,Topwear,Tshirts,Bleu,Summer,2012,Casual,Tee 43"]
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    typos = catalog.report.possible_typos
    assert typos == {"articleType": [{"value": "Tshrts", "rows": 1, "ids": [41], "like": "Tshirts", "like_rows": 41}],
                     "baseColour": [{"value": "Bleu", "rows": 1, "ids": [43], "like": "Blue", "like_rows": 42}]}
    assert catalog.table.set_index("id").loc[41, "articleType"] == "Tshrts"          # kept as written
    assert any(line.startswith("possible typo    articleType: 'Tshrts' (1 row, id 41) is like 'Tshirts' (41)")
               for line in catalog.report.summary_lines())

def test_a_rare_label_the_shipped_model_knows_is_no_typo(tmp_path: Path) -> None:
    # A small folder of the shared catalogue's labels: 3 "Shorts" beside 40 "Tshirts" are two real types.
    rows = [f"{i},Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee {i}" for i in range(1, 41)]
    rows += [f"{i},Men,Apparel,Bottomwear,Shorts,Blue,Summer,2012,Casual,Shorts {i}" for i in range(41, 44)]
    rows += ["44,Men,Apparel,Topwear,Tshrts,Blue,Summer,2012,Casual,Typo Tee"]
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    assert [t["value"] for t in catalog.report.possible_typos["articleType"]] == ["Tshrts"]


def test_a_small_shops_rare_label_a_letter_from_one_the_shipped_model_knows_is_a_possible_typo(tmp_path: Path) -> None:
    # A 120-product shop's one "Tshirt" beside its 14 "Tshirts" went unsaid (under the 20 rows a common label needs)
    # and became a class its model read ten photos as (a new user's trial, stop 63).
    rows = [f"{i},Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee {i}" for i in range(1, 15)]
    rows += ["15,Men,Apparel,Topwear,Tshirt,Blue,Summer,2012,Casual,Typo Tee"]
    # Beside a label no model knows, a small shop's rare one is still not listed: both may be its own types.
    rows += [f"{i},Men,Apparel,Topwear,Tankinis,Blue,Summer,2012,Casual,Tankini {i}" for i in range(16, 30)]
    rows += ["30,Men,Apparel,Topwear,Tankini,Blue,Summer,2012,Casual,One Tankini"]
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    assert catalog.report.possible_typos == {
        "articleType": [{"value": "Tshirt", "rows": 1, "ids": [15], "like": "Tshirts", "like_rows": 14}]}


def test_one_photo_under_several_ids_is_reported_with_the_labels_that_differ(tmp_path: Path,
                                                                              fixture_dir: Path) -> None:
    # A wallet and casual shoes with one photo: one of the rows has the wrong photo, which training would
    # learn under both labels.
    rows = ["1,Men,Accessories,Wallets,Wallets,Brown,Summer,2012,Casual,Brown Wallet",
            "2,Men,Footwear,Shoes,Casual Shoes,Black,Summer,2012,Casual,Black Shoes",
            "3,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee",
            "4,Men,Apparel,Topwear,Tshirts,Navy Blue,Summer,2012,Casual,Tee again",
            "5,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Another tee"]
    _styles(tmp_path, rows)
    photos = sorted((fixture_dir / "images").glob("*.jpg"))
    for i, photo in zip((1, 2, 3, 4, 5), (photos[0], photos[0], photos[1], photos[1], photos[2]), strict=True):
        shutil.copy(photo, tmp_path / "images" / f"{i}.jpg")
    report = load_catalog(tmp_path, progress=False).report
    assert report.shared_photos == [{"ids": [1, 2], "differ": ["articleType", "masterCategory", "baseColour"]},
                                    {"ids": [3, 4], "differ": ["baseColour"]}]
    lines = report.summary_lines()
    assert any(line.startswith("same photo       2 photos are each the photo of several rows (4 rows); 2 of them")
               for line in lines)
    # One label differs (it read "baseColour differ" 46 times on the shared catalogue: a new user's trial, stop 65).
    assert "  ids 1 = 2: articleType, masterCategory, baseColour differ" in lines
    assert "  ids 3 = 4: baseColour differs" in lines


def test_columns_beyond_the_catalogues_are_reported_as_ignored(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(
        "price,id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName,stock,"
        "sku\n"
        "999,1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee,4,A-1\n")
    catalog = load_catalog(tmp_path, progress=False)
    assert catalog.table.loc[0, "productDisplayName"] == "Tee" and catalog.report.ignored_columns == ["sku"]
    assert any(line.startswith("ignored columns  sku") for line in catalog.report.summary_lines())
    # Since stop 64 the price is read, not ignored; since stop 67 the stock.
    assert catalog.table.loc[0, "price"] == 999 and catalog.report.price_column == "price"
    assert catalog.table.loc[0, "stock"] == 4 and catalog.report.stock_column == "stock"


def test_an_exports_header_spellings_utf16_and_a_column_named_twice(tmp_path: Path) -> None:
    # A shop's trial: "ID"/"Product Display Name" headings were "lacks the columns", a UTF-16 file lacked all
    # ten, and a second "id" column was read as the id (every row rejected, nothing said of the header).
    (tmp_path / "images").mkdir()
    head = "ID,Gender,master_category,subCategory,articleType,Base Colour,season,year,usage,Product Display Name,sku"
    rows = ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee,A1", "2,Women,Apparel,Topwear,Tops,Red,Summer,"
            "2012,Casual,Top,A2"]
    (tmp_path / "styles.csv").write_text("\n".join([head, *rows]) + "\n")
    catalog = load_catalog(tmp_path, progress=False)
    assert catalog.table["id"].tolist() == [1, 2] and catalog.table["baseColour"].tolist() == ["Blue", "Red"]
    assert catalog.report.renamed_columns["Product Display Name"] == "productDisplayName"
    assert catalog.report.ignored_columns == ["sku"]
    assert any(line.startswith("columns read as ") and "'ID' in the header" in line
               for line in catalog.report.summary_lines())
    (tmp_path / "styles.csv").write_bytes(("\n".join([head, *rows]) + "\n").encode("utf-16"))
    assert load_catalog(tmp_path, progress=False).table["productDisplayName"].tolist() == ["Tee", "Top"]
    # Excel's "Unicode Text" is UTF-16 with tabs; UTF-32's mark starts with UTF-16's.
    tabbed = "\n".join(line.replace(",", "\t") for line in [head, *rows]) + "\n"
    (tmp_path / "styles.csv").write_bytes(tabbed.encode("utf-16"))
    catalog = load_catalog(tmp_path, progress=False)
    assert catalog.table["id"].tolist() == [1, 2] and catalog.report.read_as == ["UTF-16", "tab-separated"]
    (tmp_path / "styles.csv").write_bytes(("\n".join([head, *rows]) + "\n").encode("utf-32"))
    assert load_catalog(tmp_path, progress=False).report.read_as == ["UTF-32"]
    # A blank first line, or Excel's "sep=" line, before the header: the line numbers stay the file's.
    for before in ("\n", "sep=,\n", "\n\nsep=;\n"):
        sep = ";" if "sep=;" in before else ","
        bad = "3,Men,Apparel".replace(",", sep)
        (tmp_path / "styles.csv").write_text(before + "\n".join(line.replace(",", sep) for line in [head, *rows, bad]))
        catalog = load_catalog(tmp_path, progress=False)
        assert catalog.table["id"].tolist() == [1, 2], before
        assert [r.line for r in catalog.report.rows_rejected] == [before.count("\n") + 4], before
    (tmp_path / "styles.csv").write_text("\n".join([head.replace("sku", "id"), *rows]) + "\n")   # "ID" and "id"
    with pytest.raises(CatalogError, match=r"names the column 'id' 2 times in its header \(columns 1, 11\)"):
        load_catalog(tmp_path, progress=False)


def test_invisible_characters_leave_labels_and_unknown_genders_are_said(tmp_path: Path) -> None:
    # A shop's re-trial: "\u200bBlack" kept as a colour of its own (a black bra missing from the Black filter),
    # genders "Female" and "M" kept without a word.
    path = _styles(tmp_path, ["1,Women,Apparel,Innerwear,Bra,\u200bBlack,Summer,2012,Casual,Bra",
                              "2,Female,Apparel,Topwear,Tops,Black,Summer,2012,Casual,Top \u200bone",
                              "3,M,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee"])
    catalog = load_catalog(path, progress=False)
    assert catalog.table["baseColour"].tolist() == ["Black", "Black", "Blue"]
    assert catalog.table["productDisplayName"].tolist()[1] == "Top \u200bone"       # a name is left as written
    assert catalog.report.invisible_char_lines == [2] and catalog.report.unknown_genders == {"Female": 1, "M": 1}
    said = catalog.report.summary_lines()
    # with the catalogue's word where a shopper's word says it (an ML engineer's trial had to guess)
    assert any(line.startswith("unknown gender   'Female' (1, meaning 'Women'?), 'M' (1)") for line in said)
    assert any(line.startswith("invisible chars  taken out of the labels of 1 lines (lines 2)") for line in said)


def test_ids_written_with_leading_zeros_are_said_as_the_numbers_every_output_names(tmp_path: Path) -> None:
    # "00019696" is 19696 in the index, the API and the exports: said of the photos' names only (an integrator's
    # trial); a shop keyed by the text would not find its products.
    path = _styles(tmp_path, ["0019696,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee",
                              "7,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee 7",
                              "+8,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee 8",
                              # Rejected rows are no ids read as numbers: they were listed both ways.
                              "007,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee 7 again",
                              "-09,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee minus 9"])
    catalog = load_catalog(path, progress=False)
    assert catalog.table["id"].tolist() == [19696, 7, 8]
    assert len(catalog.report.rows_rejected) == 2
    assert catalog.report.ids_written_otherwise == {"0019696": 19696, "+8": 8}
    assert any(line.startswith("ids written otherwise 2 ('0019696' as 19696, '+8' as 8): read as numbers")
               for line in catalog.report.summary_lines())


def test_a_photo_named_with_zeros_or_a_space_before_its_extension_is_its_ids(tmp_path: Path) -> None:
    # A shop's re-trial: "0050869.jpg" and "7128 .jpg" were rows without photos and photos without rows.
    path = _styles(tmp_path, [f"{i},Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee {i}"
                              for i in (50869, 7128, 3)])
    for name in ("0050869.jpg", "7128 .jpg", "3.jpg", "03.jpg"):         # 03.jpg: 3.jpg is the photo of 3
        Image.new("RGB", (60, 80), (20 * len(name), 90, 40)).save(path / "images" / name)
    catalog = load_catalog(path, progress=False)
    assert catalog.report.photos_named_otherwise == {"0050869.jpg": 50869, "7128 .jpg": 7128}
    assert len(catalog.usable) == 3 and catalog.report.images_without_row == ["03.jpg"]
    assert Path(catalog.table.set_index("id").loc[3, "image_path"]).name == "3.jpg"
    # A photo in a folder of images/ is listed as not read; a link whose file is gone is said as such.
    (path / "images" / "old").mkdir()
    Image.new("RGB", (60, 80), "red").save(path / "images" / "old" / "4.jpg")
    (path / "images" / "7128 .jpg").unlink()
    (path / "images" / "7128.jpg").symlink_to(path / "gone.jpg")
    catalog = load_catalog(path, progress=False)
    assert catalog.report.photos_in_subfolders == ["old/4.jpg"]
    assert any(line.startswith("photos in subfolders 1 (old/4.jpg): not read")
               for line in catalog.report.summary_lines())
    assert catalog.table.set_index("id").loc[7128, "image_reason"] == "a link to a file that is gone"
    # One id with two photos: the first of the extensions read, the other listed, not silently passed over.
    Image.new("RGB", (60, 80), "blue").save(path / "images" / "3.png")
    catalog = load_catalog(path, progress=False)
    assert catalog.report.second_photos == [("3.png", "3.jpg")]
    assert any(line.startswith("second photos    1 (3.png beside 3.jpg): not read")
               for line in catalog.report.summary_lines())
    # A TIFF or BMP photo is read, as PIL reads it (a .tif was "missing", a bad-input trial).
    for ext in (".tif", ".bmp"):
        for old in (path / "images").glob("3.*"):
            old.unlink()
        Image.new("RGB", (60, 80), "blue").save(path / "images" / f"3{ext}")
        row = load_catalog(path, progress=False).table.set_index("id").loc[3]
        assert Path(row["image_path"]).name == f"3{ext}" and row["image_status"] == "ok", row


def test_a_semicolon_file_keeps_its_rows_past_an_unclosed_quote_and_odd_names_do_not_crash(tmp_path: Path) -> None:
    # A review: converting a semicolon file to commas took its 48 rows after an unclosed quote into one name.
    rows = [f'{i};Men;Apparel;Topwear;Tshirts;Blue;Summer;2012;Casual;{chr(34) if i == 1 else ""}Tee {i}'
            for i in range(1, 6)]
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(";".join(COLUMNS) + "\n" + "\n".join(rows) + "\n")
    Image.new("RGB", (60, 80), "red").save(tmp_path / "images" / "2\u00b2.jpg")      # "2²": no id, no crash
    catalog = load_catalog(tmp_path, progress=False)
    assert catalog.table["id"].tolist() == [1, 2, 3, 4, 5] and catalog.report.stray_quote_lines == [2]
    assert catalog.report.images_without_row == ["2\u00b2.jpg"]
    # Excel's "sep=" line with a tab, as written.
    (tmp_path / "styles.csv").write_text("sep=\t\n" + "\t".join(COLUMNS) + "\n" +
                                         "\n".join(r.replace(";", "\t").replace(chr(34), "") for r in rows) + "\n")
    catalog = load_catalog(tmp_path, progress=False)
    assert len(catalog.table) == 5 and catalog.report.read_as == ["tab-separated"]


def test_a_rejected_rows_id_is_read_from_the_id_column_wherever_it_is(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    head = "sku,id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName"
    rows = ["A1,1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee", "A2,777,Men,Apparel,Topwear"]
    (tmp_path / "styles.csv").write_text("\n".join([head, *rows]) + "\n")
    report = load_catalog(tmp_path, progress=False).report
    assert [(r.line, r.id_field) for r in report.rows_rejected] == [(3, "777")]
    # A spreadsheet's "2.3494E+4" is the id 23494 to the index (asking for it says the row was rejected); an id
    # column after the name, in a row with extra fields before it, has moved: no id is taken from it (a review);
    # commas in the name before it are the name's (the row recovered).
    from fashionrec.catalog import load_catalog as load
    from fashionrec.index_build import _rejected_rows

    head = "gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName,id"
    rows = ["Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee,2.3494E+4",
            "Men,Apparel,Topwear,Tshirts,Navy, Blue,Summer,2012,Casual,Tee,5",
            "Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee, with a comma and, two,6"]
    (tmp_path / "styles.csv").write_text("\n".join([head, *rows]) + "\n")
    catalog = load(tmp_path, progress=False)
    assert [r.id_field for r in catalog.report.rows_rejected] == ["2.3494E+4", ""]
    assert catalog.table.set_index("id").at[6, "productDisplayName"] == "Tee, with a comma and, two"
    assert _rejected_rows(catalog) == {"23494": "line 2: id '2.3494E+4' is not an integer but a spreadsheet's number "
                                                "format for 23494: format the id column as whole numbers"}
    # Two exports joined (the second's header, with its byte-order mark, a row of the first), an id in a
    # spreadsheet's scientific format, and an unnamed trailing column: each said as what it is.
    head = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName,"
    rows = ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee,", "\ufeff" + head,
            "3.4823E+4,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee,"]
    (tmp_path / "styles.csv").write_text("\n".join([head, *rows]) + "\n")
    report = load(tmp_path, progress=False).report
    assert [r.reason for r in report.rows_rejected] == [
        "the header again (two exports joined into one file?): remove the line",
        "id '3.4823E+4' is not an integer but a spreadsheet's number format for 34823: format the id column as "
        "whole numbers"]
    assert report.ignored_columns == ["(unnamed, column 11)"]
    # A comma too many before the id column moves it (the year is no id), and a number format that dropped
    # digits is said to have (a review).
    head = "gender,masterCategory,subCategory,articleType,baseColour,year,id,season,usage,productDisplayName"
    rows = ["Men,Apparel,Topwear,Tshirts,Navy, Blue,2012,77,Summer,Casual,Tee",
            "Men,Apparel,Topwear,Tshirts,Blue,2012,1.23457E+11,Summer,Casual,Tee"]
    (tmp_path / "styles.csv").write_text("\n".join([head, *rows]) + "\n")
    report = load(tmp_path, progress=False).report
    assert report.rows_rejected[0].id_field == ""
    assert "may have lost its last digits" in report.rows_rejected[1].reason


def test_a_comma_in_the_name_is_recovered_and_a_rejected_rows_id_kept_with_a_shops_own_columns_after_it(
        tmp_path: Path) -> None:
    # An ML engineer's trial: a shop's export with price and stock after the name; a comma in one name rejected
    # the row ("14 fields instead of 13") and lost its id, so its photo was "not in the catalogue" and asking for
    # it "no product". The same row without those columns was recovered.
    (tmp_path / "images").mkdir()
    head = ",".join(COLUMNS) + ",price,stock"
    rows = ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee,499,3",
            "2,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee, round neck, slim,599,0",
            "3,Men,Apparel,Topwear,Tshirts,Navy, Blue,Summer,2012,Casual,Tee,499,1",
            "4,Women,Apparel,Bottomwear,Leggings,Navy Blue,Summer,2012,Casual,Leggings,1,478,4"]   # a price "1,478"
    (tmp_path / "styles.csv").write_text("\n".join([head, *rows]) + "\n")
    catalog = load_catalog(tmp_path, progress=False)
    assert catalog.table["id"].tolist() == [1, 2]
    assert catalog.table["productDisplayName"].tolist() == ["Tee", "Tee, round neck, slim"]
    assert catalog.report.rows_recovered == 1 and catalog.report.ignored_columns == []
    assert catalog.table["price"].tolist() == [499, 599]     # read since stop 64
    assert catalog.table["stock"].tolist() == [3, 0] and catalog.report.sold_out_ids == [2]   # since stop 67
    rejected, priced = catalog.report.rows_rejected
    assert rejected.line == 4 and "the year would be 'Summer'" in rejected.reason
    assert rejected.id_field == "3"         # nothing comes before the first column: its id is this row's
    # A comma in a column after the name would end the name in a number ("Leggings,1"): not taken for the name's.
    assert priced.id_field == "4" and "may not be in the name" in priced.reason and "'Leggings,1'" in priced.reason


def test_old_mac_line_endings_are_read(tmp_path: Path) -> None:
    path = _styles(tmp_path, ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee",
                              "2,Women,Apparel,Topwear,Tops,Red,Summer,2012,Casual,Top"])
    path.joinpath("styles.csv").write_text(path.joinpath("styles.csv").read_text().replace("\n", "\r"))
    assert load_catalog(path, progress=False).table["id"].tolist() == [1, 2]


def test_a_blank_photo_is_reported_and_kept_and_a_faint_product_is_not_blank(tmp_path: Path) -> None:
    path = _styles(tmp_path, [f"{i},Women,Accessories,Jewellery,Pendant,Gold,Summer,2012,Casual,Pendant {i}"
                              for i in (1, 2, 3)])
    Image.new("RGB", (60, 80), "white").save(path / "images" / "1.jpg", quality=90)
    Image.new("RGBA", (60, 80), (0, 0, 0, 0)).save(path / "images" / "2.png")      # transparent: white
    faint = Image.new("RGB", (60, 80), "white")
    faint.paste((240, 225, 170), (29, 5, 31, 70))           # a thin pale-gold chain, two pixels wide
    faint.save(path / "images" / "3.jpg", quality=90)
    catalog = load_catalog(path, progress=False)
    assert catalog.report.blank_image_ids == [1, 2]
    assert len(catalog.usable) == 3                          # kept: a split made before must stay the same
    assert any(line.startswith("blank image      2 (ids 1, 2)") for line in catalog.report.summary_lines())
    with pytest.raises(ValueError, match="one flat colour"):
        check_photo(Image.open(path / "images" / "2.png"))
    check_photo(Image.open(path / "images" / "3.jpg"))


def test_a_photo_too_small_to_show_a_product_is_reported_and_kept(tmp_path: Path) -> None:
    # A shop's 4x5 photo was indexed, tagged "Bangle 0.20" for a formal shoe, and stopped evaluate-recs.
    path = _styles(tmp_path, [f"{i},Men,Footwear,Shoes,Formal Shoes,Black,Summer,2012,Formal,Shoe {i}" for i in (1, 2)])
    Image.new("RGB", (4, 5), "black").save(path / "images" / "1.jpg")
    shoe = Image.new("RGB", (60, 80), "white")
    shoe.paste((20, 20, 20), (10, 50, 50, 70))
    shoe.save(path / "images" / "2.jpg")
    catalog = load_catalog(path, progress=False)
    assert catalog.report.tiny_image_ids == [1] and catalog.report.blank_image_ids == []
    assert len(catalog.usable) == 2                          # kept, as a blank photo is
    assert any(line.startswith("tiny image       1 (ids 1)") for line in catalog.report.summary_lines())


def test_names_that_are_file_names_or_test_records_are_reported_and_kept(tmp_path: Path) -> None:
    names = ["test dispName", "Ayaanay_Women_New_2013_Tunics_Size_Chart.jpg", "RTV_LoadTest",
             "Tantra Men Blood Test Purple T-shirt", "ADIDAS Men Cr_Ess 3s Black T-Shirts", "productDisplayName",
             "Display Name Productions Men Tshirt"]
    rows = [f"{i},Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,{n}" for i, n in enumerate(names, start=1)]
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    assert catalog.report.placeholder_names == [1, 2, 3, 6] and len(catalog.table) == 7
    assert any(line.startswith("placeholder name 4 (ids 1, 2, 3, 6)") for line in catalog.report.summary_lines())


def test_a_year_that_is_not_a_whole_number_is_reported_and_kept_missing(tmp_path: Path) -> None:
    rows = [f"{i},Men,Apparel,Topwear,Tshirts,Blue,Summer,{year},Casual,Tee {i}"
            for i, year in enumerate(["2012", "20l2", "2012.5", "2013.0", "", "99999999999999999999", "1e30"],
                                     start=1)]
    catalog = load_catalog(_styles(tmp_path, rows), progress=False)
    assert catalog.table["year"].tolist() == [2012, pd.NA, pd.NA, 2013, pd.NA, pd.NA, pd.NA]
    assert catalog.report.invalid_values == {"year": [2, 3, 6, 7]}
    assert any(line.startswith("invalid year") for line in catalog.report.summary_lines())


@pytest.mark.full_data
def test_a_line_that_is_not_utf8_is_read_and_reported_not_fatal(tmp_path: Path, fixture_dir: Path) -> None:
    shutil.copytree(fixture_dir, tmp_path / "cat")
    styles = tmp_path / "cat" / "styles.csv"
    lines = styles.read_bytes().splitlines(keepends=True)
    item_id = int(lines[1].split(b",")[0])
    lines[1] = lines[1].rstrip(b"\r\n") + " Caf\u00e9\u2019s".encode("cp1252") + b"\x81\n"   # cp1252 + a stray byte
    styles.write_bytes(b"".join(lines))
    catalog = load_catalog(tmp_path / "cat", progress=False)
    assert catalog.report.non_utf8_lines == [2]
    # The stray byte, a C1 control character once read as Latin-1, is taken out, and the line listed.
    assert row(catalog, item_id)["productDisplayName"].endswith(" Caf\u00e9\u2019s")
    assert catalog.report.control_char_lines == [2]
    assert len(catalog.table) == len(load_catalog(fixture_dir, progress=False).table)
    assert any("not UTF-8" in line and "lines 2" in line for line in catalog.report.summary_lines())


def test_full_catalogue_matches_the_dataset_readme(full_catalog: Catalog) -> None:
    r = full_catalog.report
    assert r.rows == 44446
    assert r.rows_recovered == 22
    assert r.rows_rejected == []
    assert r.with_image == 39730
    assert r.missing_image == 4716
    assert r.unreadable_image == []
    assert r.classes == 141
    assert sum(1 for c in r.class_counts.values() if c >= 10) == 103
    assert max(r.class_counts.items(), key=lambda kv: kv[1]) == ("Tshirts", 6359)
    assert sum(r.odd_size_images.values()) == 21
    table = full_catalog.table
    assert (table["baseColour"] == "NA").sum() == 15
    assert (table["usage"] == "NA").sum() == 316
    assert {k: v for k, v in r.missing_values.items() if v} == {"season": 21, "year": 1, "usage": 1}
    # One photo under several ids, by the digests of the files (counted by a separate script of hashlib calls).
    assert (len(r.shared_photos), sum(len(g["ids"]) for g in r.shared_photos)) == (554, 1201)
    assert {"ids": [21810, 23810], "differ": ["articleType", "masterCategory", "baseColour"]} in r.shared_photos


def test_the_default_catalogue_is_found_from_any_working_folder(tmp_path, monkeypatch):
    """The shared catalogue sits beside the checkout: a command run from another folder finds it there, and
    $FASHIONREC_DATA still wins."""
    monkeypatch.delenv("FASHIONREC_DATA", raising=False)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")       # ../shared is then inside tmp_path
    beside = Path(__file__).resolve().parents[1] / DEFAULT_DATA_DIR
    assert default_data_dir() == (beside if beside.is_dir() else DEFAULT_DATA_DIR)
    (tmp_path / "work" / DEFAULT_DATA_DIR).mkdir(parents=True)     # one beside the working folder comes first
    assert default_data_dir() == DEFAULT_DATA_DIR
    monkeypatch.setenv("FASHIONREC_DATA", str(tmp_path / "mine"))
    assert default_data_dir() == tmp_path / "mine"


def test_what_an_export_does_wrong_is_said_row_by_row(fixture_dir: Path, tmp_path: Path) -> None:
    # A data engineer's trial: a row of commas went without a word, a negative id's photo was "without a row",
    # "1e3" and "3012" were years, "N/A" a type, a link to a gone file "missing" with no why, and a gzip file
    # "separates its fields with semicolons".
    import gzip
    import os

    root = shutil.copytree(fixture_dir, tmp_path / "shop")
    lines = (root / "styles.csv").read_text().splitlines()
    header = lines[0]
    rows = {int(line.split(",")[0]): line for line in lines[1:] if line.split(",")[0].isdigit()}
    first, second, third, fourth = list(rows)[:4]
    year_at = header.split(",").index("year")

    def with_value(line: str, at: int, value: str) -> str:
        fields = line.split(",")
        fields[at] = value
        return ",".join(fields)

    text = [header, rows[first], "", ",,,,,,,,,", "-" + rows[second],
            with_value(rows[third], year_at, "1e3"), with_value(rows[fourth], year_at, "3012")]
    text += [with_value(line, header.split(",").index("articleType"), "N/A") for line in list(rows.values())[4:6]]
    (root / "styles.csv").write_text("\n".join(text) + "\n")
    (root / "images" / f"{first}.jpg").unlink()
    os.symlink(tmp_path / "gone.jpg", root / "images" / f"{first}.jpg")
    report = load_catalog(root, progress=False).report
    reasons = {r.line: r.reason for r in report.rows_rejected}
    # Separators alone are an empty line, said, not a rejected row (a folder add whose every product went in
    # exited 2 for a spreadsheet's formatted empty rows, a code review).
    assert 4 not in reasons and "is negative" in reasons[5]
    assert any("2 empty lines (blank, or separators alone) skipped (lines 3, 4)" in said for said in report.read_as)
    assert report.invalid_values["year"] == [third]         # "1e3"; "3012" is a year, read the same any year
    assert report.missing_like == {"articleType": {"N/A": 2}}
    assert report.missing_image_reasons == {first: "a link to a file that is gone"}
    assert report.rows == len(report.rows_rejected) + report.with_image + report.missing_image + \
        len(report.unreadable_image)
    lines_said = "\n".join(report.summary_lines())
    assert "a link to a file that is gone: ids " in lines_said
    assert "missing-like     articleType: 'N/A' (2)" in lines_said
    (root / "styles.csv").write_bytes(gzip.compress("\n".join(text).encode()))
    with pytest.raises(CatalogError, match="is not a CSV text file but gzip-compressed"):
        load_catalog(root, progress=False)


def test_a_header_ending_in_a_separator_keeps_its_rows_and_a_short_row_says_what_to_give_it(tmp_path: Path) -> None:
    header = ",".join(COLUMNS) + ","      # a spreadsheet's trailing empty column: every row was rejected
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(header + "\n1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee\n"
                                         "2,Women,Apparel,Topwear,Tops,Red,Summer,2012,Casual,Top,\n"
                                         "3,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Tee\n")
    report = load_catalog(tmp_path, progress=False).report
    assert report.rows == 3 and [r.line for r in report.rows_rejected] == [4]
    assert "give the row its 2 missing fields" in report.rows_rejected[0].reason
    assert any("1 row short of the header's 1 unnamed last column" in s and "(line 2)" in s for s in report.read_as)


def test_a_rows_photo_in_a_format_not_read_is_said_with_the_missing_image(tmp_path: Path) -> None:
    path = _styles(tmp_path, ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee",
                              "2,Women,Apparel,Topwear,Tops,Red,Summer,2012,Casual,Top"])
    Image.new("RGB", (60, 80), "red").save(path / "images" / "1.gif")     # was "missing" without a word of it
    (path / "images" / "2.heic").write_bytes(b"\0\0\0\x18ftypheic")
    report = load_catalog(path, progress=False).report
    assert report.missing_image_ids == [1, 2]
    assert report.missing_image_reasons == {1: "a .gif file, a format not read: save it as .jpg or .png",
                                            2: "a .heic file, a format not read: save it as .jpg or .png"}
    assert any(".gif file, a format not read" in line for line in report.summary_lines())


def test_separators_ending_a_row_and_a_line_break_inside_a_field_leave_the_name_as_written(tmp_path: Path) -> None:
    path = _styles(tmp_path, ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee,",     # was "Tee,"
                              "2,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee two,,, ",
                              '3,Men,Apparel,Topwear,"Tshirts\r\n",Blue,Summer,2012,Casual,"Alt\nEnter\tname"',
                              "4,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee, Navy,"])
    catalog = load_catalog(path, progress=False)
    assert catalog.table["productDisplayName"].tolist() == ["Tee", "Tee two", "Alt Enter name", "Tee, Navy"]
    assert catalog.table["articleType"].tolist() == ["Tshirts"] * 4
    r = catalog.report
    # Row 3 spans lines 4-6 and is said by its first (by its last, 6, before stop 61).
    assert r.rows_recovered == 1 and r.recovered_lines == [7] and r.control_char_lines == [4]
    assert any("3 rows ending in empty fields" in s and "(lines 2, 3, 7)" in s for s in r.read_as)


def test_a_quote_that_swallows_the_fields_after_it_is_taken_out_and_the_row_read(tmp_path: Path) -> None:
    path = _styles(tmp_path, ['1,"Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee',   # "2 fields instead of 10"
                              "2,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Polo",
                              '3,Men,Apparel,"Topwear,Tshirts,Blue,Summer,2012,Casual,Last'])   # to the file's end
    catalog = load_catalog(path, progress=False)
    assert catalog.report.rows_rejected == [] and catalog.report.stray_quote_lines == [2, 4]
    assert catalog.table["gender"].tolist() == ["Men"] * 3 and catalog.table["productDisplayName"][0] == "Tee"
    assert catalog.table["subCategory"][2] == "Topwear" and catalog.table["productDisplayName"][2] == "Last"


def test_an_empty_column_after_the_name_keeps_the_commas_of_the_name(tmp_path: Path) -> None:
    # A shop's stock column after the name, empty: its separator is no trailing one, and dropping it first cut
    # "Tee, red and white" to "Tee" (the rest taken for the stock) and said the row was read "without them".
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(
        "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName,stock\n"
        "1,Men,Apparel,Topwear,Tshirts,Red,Summer,2012,Casual,Tee, red and white,\n"
        "2,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Plain Tee,5\n")
    catalog = load_catalog(tmp_path, check_images=False, progress=False)
    assert catalog.table["productDisplayName"].tolist() == ["Tee, red and white", "Plain Tee"]
    assert catalog.report.recovered_lines == [2]
    assert not any("ending in empty fields" in s for s in catalog.report.read_as)


def test_a_header_ending_in_a_separator_keeps_the_commas_of_a_name(tmp_path: Path) -> None:
    # A code review (stop 61): with the header's empty last column, "...,Casual,Tee, red and white" was the name
    # "Tee" and its tail went to the unnamed column, dropped. A row short of that column, one ending in its
    # separator, and a comma before the name are read as with the ten columns alone.
    (tmp_path / "images").mkdir()
    rows = ["1,Men,Apparel,Topwear,Tshirts,Red,Summer,2012,Casual,Tee, red and white",
            "2,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Plain Tee,",
            "3,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Polo",
            "4,Men,Apparel,Topwear,Tshirts,Red,Summer,2012,Casual,Tee, red, white,",
            "5,Men,Apparel,Topwear,Tshirts,Navy, Blue,Summer,2012,Casual,Tee"]
    (tmp_path / "styles.csv").write_text("\n".join([",".join(COLUMNS) + ",", *rows]) + "\n")
    catalog = load_catalog(tmp_path, check_images=False, progress=False)
    assert catalog.table["productDisplayName"].tolist() == ["Tee, red and white", "Plain Tee", "Polo",
                                                            "Tee, red, white"]
    r = catalog.report
    assert r.rows_recovered == 2 and r.recovered_lines == [2, 5]        # said as mended, as other such rows are
    assert [x.line for x in r.rows_rejected] == [6] and "the year would be 'Summer'" in r.rows_rejected[0].reason
    assert r.rows_rejected[0].reason.startswith("11 fields instead of 10,")
    assert any("1 row short of the header's 1 unnamed last column" in s and "(line 4)" in s for s in r.read_as)
    assert any("1 row ending in empty fields" in s and "(line 5)" in s for s in r.read_as)
    # An unnamed column holding a value on most rows is a column of its own without a heading (a price): read
    # past as before, and said.
    rows = [f"{i},Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee {i},{i}99" for i in range(1, 4)]
    (tmp_path / "styles.csv").write_text("\n".join([",".join(COLUMNS) + ",", *rows]) + "\n")
    catalog = load_catalog(tmp_path, check_images=False, progress=False)
    assert catalog.table["productDisplayName"].tolist() == ["Tee 1", "Tee 2", "Tee 3"]
    assert catalog.report.rows_recovered == 0
    assert any("unnamed last column holds values in 3 of the rows (lines 2, 3, 4)" in s for s in catalog.report.read_as)


def test_a_long_thin_photo_is_reported_and_kept(tmp_path: Path) -> None:
    # A data review (stop 61): a photo over 4:1 either way was passed over by the EDA's sample grid, and data check
    # said nothing of it. A blank or tiny one is listed as that alone; 4:1 itself is no strip.
    path = _styles(tmp_path, [f"{i},Men,Accessories,Belts,Belts,Black,Summer,2012,Casual,Belt {i}"
                              for i in range(1, 6)])
    for i, size in enumerate([(480, 60), (60, 480), (240, 60), (480, 60), (60, 80)], start=1):
        im = Image.new("RGB", size, "white")
        if i != 4:                                      # 4: blank
            im.paste((20, 20, 20), (5, 5, size[0] - 5, size[1] - 5))
        im.save(path / "images" / f"{i}.jpg")
    catalog = load_catalog(path, progress=False)
    r = catalog.report
    assert r.long_thin_image_ids == [1, 2] and r.blank_image_ids == [4] and len(catalog.usable) == 5
    assert r.to_dict()["long_thin_image_ids"] == [1, 2]
    assert any(line.startswith("long thin image  2 (ids 1, 2): over 4:1 either way") for line in r.summary_lines())


def test_what_a_shops_export_writes_otherwise_is_read_and_said(tmp_path: Path) -> None:
    # A data trial (stop 62) of shop exports: each lost or misread rows, or gave an unclear error.
    row = "Men,Apparel,Topwear,Tshirts,Navy Blue,Summer,2012,Casual"
    head = ",".join(COLUMNS)
    (tmp_path / "images").mkdir()

    def load(text: str | bytes) -> Catalog:
        path = tmp_path / "styles.csv"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return load_catalog(tmp_path, check_images=False, progress=False, warn=False)

    # UTF-16 without a byte-order mark: "lacks the columns ['id', 'articleType', 'productDisplayName']".
    catalog = load(f"{head}\n1,{row},Tee\n".encode("utf-16-le"))
    assert catalog.table["id"].tolist() == [1] and catalog.report.read_as == ["UTF-16-LE (without a byte-order mark)"]
    assert load(f"{head}\n1,{row},Tee\n".encode("utf-16-be")).table["productDisplayName"].tolist() == ["Tee"]
    # Ids as pandas writes an id column with a blank ("12933.0"): every row was rejected. Read, and listed as
    # written otherwise; ".000" may be a thousand written with a dot, and "12,933" is said to have a separator.
    catalog = load(f'{head}\n12933.0,{row},Tee\n7512.00,{row},Polo\n1.000,{row},Top\n"12,934",{row},Cap\n')
    assert catalog.table["id"].tolist() == [12933, 7512]
    assert catalog.report.ids_written_otherwise == {"12933.0": 12933, "7512.00": 7512}
    assert [r.reason for r in catalog.report.rows_rejected] == [
        "id '1.000' is 1000 written with a thousands separator, or 1 written with decimals: format the id column as "
        "whole numbers without separators",
        "id '12,934' is written with a thousands separator: format the id column as whole numbers without separators "
        "(12934)"]
    # The same row twice (an export appended again) was told to "correct that line rather than adding another".
    catalog = load(f"{head}\n1,{row},Tee\n2,{row},Polo\n1,{row},Tee\n2,{row},Polo v2\n")
    assert [r.reason for r in catalog.report.rows_rejected] == [
        "duplicate id 1: the same row as line 2 again (exported twice?): remove this line",
        "duplicate id 2: line 3 has it and is the row read; correct that line rather than adding another"]
    # A no-break space inside a label made a value of its own ("Navy\xa0Blue" beside "Navy Blue"), unsaid.
    nbsp = "\u00a0"
    catalog = load(f"{head}\n1,{row},Tee\n2,{row.replace(' ', nbsp)},Plain{nbsp}Tee\n")
    assert catalog.table["baseColour"].tolist() == ["Navy Blue"] * 2
    assert catalog.table["productDisplayName"].tolist() == ["Tee", "Plain Tee"]
    assert catalog.report.invisible_char_lines == [3]
    # A DOS end-of-file mark after the last row was a rejected row of its own, its id an invisible "\x1a".
    catalog = load(f"{head}\r\n1,{row},Tee\r\n\x1a")
    assert catalog.report.rows == 1 and catalog.report.rows_rejected == []
    assert any("end-of-file mark (Ctrl-Z" in s for s in catalog.report.read_as)
    # A space between a comma and a quoted field: the name kept its quotes ('"Tee, slim"'), the row "recovered".
    catalog = load(f'{head.replace(",", ", ")}\n1, {row.replace(",", ", ")}, "Tee, slim"\n2, {row}, "Polo"\n')
    assert catalog.table["productDisplayName"].tolist() == ["Tee, slim", "Polo"]
    assert catalog.report.rows_recovered == 0
    assert any("2 rows with a space between a separator and a quoted field, read as quoted (lines 2, 3)" in s
               for s in catalog.report.read_as)


def test_a_macs_hidden_files_beside_the_photos_are_no_photos_without_a_row(tmp_path: Path) -> None:
    # A folder unzipped from a Mac has "._1.jpg" (metadata) beside each photo: each was an "image without a row",
    # to be given one (a data trial, stop 62). A photo no row names still is.
    path = _styles(tmp_path, ["1,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Tee"])
    for name in ("1.jpg", "2.jpg"):
        Image.new("RGB", (60, 80), "white").save(path / "images" / name)
    (path / "images" / "._1.jpg").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(100))
    (path / "images" / ".DS_Store").write_bytes(bytes(100))
    report = load_catalog(path, progress=False, warn=False).report
    assert report.images_without_row == ["2.jpg"] and report.with_image == 1


def _ids_as_loaded(data_dir: Path) -> set[int]:
    """The ids the loader gives styles.csv's rows: those it reads, and those of the rows it rejects."""
    report = DataReport(data_dir=str(data_dir))
    table = styles_table(data_dir, report)
    return set(map(int, table["id"])) | {i for r in report.rows_rejected if (i := photo_id(r.id_field)) is not None}


HEAD = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n"


@pytest.mark.parametrize("rows", [
    # Plain ids, the rows read or rejected: a name's comma (read), one before the name (rejected), a short row, a
    # duplicate, an id too large for 64 bits, trailing separators, blank rows, a quoted name over two lines,
    # zero-padded and spaced ids, a space before a quoted field, an unclosed quote, the header without an id.
    ["1,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Tee, slim\n",
     "2,Men,Apparel,Topwear,Shirts,Navy, Blue,Fall,2011,Casual,Tee\n",
     "3,Men,Apparel,Topwear\n", "1,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,Other\n",
     f"{2**63},Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,Big\n",
     "4,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,Tee,,,\n", "\n", ",,,\n",
     '5,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,"Tee\nslim"\n', "0000006 ,Men,Apparel,Topwear,Shirts,Red,"
     "Fall,2011,Casual,Six\n", '7,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual, "Tee, slim"\n',
     '8,Men,"Apparel,Topwear,Shirts,Red,Fall,2011,Casual,Eight\n',
     "9,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,\n",
     ",Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,No id\n"],
    # Ids the loader reads otherwise, or rejects: it reads the file itself.
    ["12933.0,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,Tee\n", "12934.0,Men,Apparel\n",
     "-7,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,Tee\n",
     "+8,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,T\n",
     "1_0,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,Tee\n",
     "\u0663,Men,Apparel,Topwear,Shirts,Red,Fall,2011,,T\n",
     HEAD, "11,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,Eleven\n"],
    # A header whose id is not first, and one of semicolons.
    ["year,id,gender,masterCategory,subCategory,articleType,baseColour,season,usage,productDisplayName\n",
     "2011,21,Men,Apparel,Topwear,Shirts,Red,Fall,Casual,Tee, slim\n", "2012,22,Men,Apparel\n"],
    ["sep=;\n" + HEAD.replace(",", ";"), "31;Men;Apparel;Topwear;Shirts;Red;Fall;2011;Casual;Tee\n",
     "32;Men;Apparel\n"],
], ids=["plain-ids", "ids-read-otherwise", "id-not-first", "semicolons"])
def test_styles_ids_are_the_ids_the_loader_reads_or_rejects(tmp_path: Path, rows: list[str]) -> None:
    """styles_ids (what `index add` refuses to hand out: catalogue_ids) reads the id of each row without the whole
    loader, which was 5.2 s of the first add on the 40k index: the same ids as the loader's rows and rejected rows,
    in every case the loader reads a row's id otherwise."""
    folder = tmp_path / "cat"
    folder.mkdir()
    text = "".join(rows)
    (folder / "styles.csv").write_text(text if text.startswith(("sep=", "year,")) else HEAD + text)
    assert styles_ids(folder) == _ids_as_loaded(folder)


def test_styles_ids_of_the_fixture_catalogue(fixture_dir: Path) -> None:
    assert styles_ids(fixture_dir) == _ids_as_loaded(fixture_dir)


def test_styles_ids_refuses_what_the_loader_refuses(tmp_path: Path) -> None:
    (tmp_path / "styles.csv").write_text("name,colour\nTee,Red\n")
    with pytest.raises(CatalogError, match="lacks the columns"):
        styles_ids(tmp_path)


def test_photo_names_are_the_photos_image_files_reads(tmp_path: Path, fixture_dir: Path) -> None:
    """photo_names (a name per photo, not a Path: 2.8 s of the first add on the 40k index) picks the file
    image_files reads where a name has several, and leaves out hidden files, folders and other extensions."""
    folder = tmp_path / "images"
    (folder / "sub.jpg").mkdir(parents=True)
    for name in ("1.png", "1.JPG", "1.jpeg", "2.webp", "2.bmp", "._3.jpg", "4.gif", "5", "6.TIFF", "6.tif", "07.jpg"):
        (folder / name).write_bytes(b"x")
    for images in (folder, fixture_dir / "images"):
        assert photo_names(images) == {stem: path.name for stem, path in image_files(images).files.items()}
    assert photo_names(folder) == {"1": "1.JPG", "2": "2.webp", "6": "6.tif", "07": "07.jpg"}


@pytest.mark.full_data
def test_styles_ids_and_photo_names_of_the_full_catalogue(full_data_dir: Path) -> None:
    """On the shared catalogue (the loader recovers 22 rows of it): the same ids and photos as the loader's."""
    root = full_data_dir
    assert styles_ids(root) == _ids_as_loaded(root)
    assert photo_names(root / "images") == {stem: p.name for stem, p in image_files(root / "images").files.items()}
