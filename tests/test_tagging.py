"""fashionrec tag: bulk tagging of folders and catalogues, with the catalogue's labels checked."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from typer.testing import CliRunner

from fashionrec.cli import app
from fashionrec.errors import BadInputError
from fashionrec.tagger import Tagger
from fashionrec.tagging import (
    REVIEW_BELOW,
    Photo,
    TagResult,
    _compare,
    csv_path,
    describe,
    labels_to_check,
    tag,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def shipped() -> Tagger:
    return Tagger.load()


@pytest.fixture(scope="module")
def relabelled(fixture_dir: Path, tmp_path_factory) -> tuple[Path, int, int]:
    """The fixture catalogue with one T-shirt filed as a watch, a pair of jeans as "Jeens" (no such type) and
    a photo no row names."""
    root = tmp_path_factory.mktemp("cat") / "catalog"
    shutil.copytree(fixture_dir, root)
    lines = (root / "styles.csv").read_text().splitlines(keepends=True)
    i = next(i for i, line in enumerate(lines) if ",Topwear,Tshirts," in line)
    lines[i] = lines[i].replace(",Topwear,Tshirts,", ",Topwear,Watches,")
    j = next(j for j, line in enumerate(lines) if ",Bottomwear,Jeans," in line)
    lines[j] = lines[j].replace(",Bottomwear,Jeans,", ",Bottomwear,Jeens,")
    (root / "styles.csv").write_text("".join(lines))
    shutil.copy(root / "images" / "12933.jpg", root / "images" / "99000001.jpg")
    shutil.copy(root / "images" / "12933.jpg", root / "images" / "20240101123456789012.jpg")   # no int64 id
    shutil.copy(root / "images" / "12933.jpg", root / "images" / "099000002 .jpg")     # the loader reads 99000002
    shutil.copy(root / "images" / "12933.jpg", root / "images" / "12933.gif")       # no row's photo: said
    (root / "images" / "old").mkdir()
    shutil.copy(root / "images" / "12933.jpg", root / "images" / "old" / "1.jpg")
    return root, int(lines[i].split(",")[0]), int(lines[j].split(",")[0])


def test_a_catalogue_gets_a_row_per_accepted_row_and_its_wrong_labels_are_found(relabelled, shipped, expected,
                                                                                tmp_path):
    root, wrong_id, typo_id = relabelled
    result = tag(root, tagger=shipped, progress=False)
    t, s = result.table, result.summary
    assert len(t) == expected["accepted_rows"] + 3 == s["rows"]
    assert s["tagged"] == expected["with_image"] + 3
    assert t.loc[t["path"] == "images/20240101123456789012.jpg", "id"].isna().all()
    # A photo's name gives the id the loader would pair it with (`data check` and `tag` agree).
    assert t.loc[t["path"] == "images/099000002 .jpg", "id"].tolist() == [99000002]
    assert s["agreement"]["articleType"]["no_label"] == 0        # a photo without a row is not a row without one
    bad = set(expected["missing_image_ids"]) | {int(i) for i in expected["unreadable_image_ids"]}
    assert set(t.loc[t["error"] != "", "id"]) == bad
    assert t.loc[t["id"] == 3413, "error"].item().startswith("missing image")
    assert t.loc[t["error"] != "", "articleType"].isna().all() and t.loc[t["error"] != "", "review"].all()
    assert s["not_tagged_by_reason"] == {"missing image": 2, "unreadable image": 3}
    assert s["catalogue_loader"][0]["rows_rejected"][0]["line"] == 173
    assert s["catalogue_loader"][0]["files_not_tagged"] == ["images/12933.gif", "images/old/1.jpg"]

    row = t[t["id"] == wrong_id].iloc[0]
    assert row["catalogue_articleType"] == "Watches" and row["articleType"] == "Tshirts"
    assert "articleType" in row["differs"].split(";") and "articleType" in row["doubted"].split(";")
    assert row["catalogue_articleType_prob"] < 0.01
    assert wrong_id in set(labels_to_check(t)["id"]) and wrong_id in set(labels_to_check(t, "articleType")["id"])
    # A label the model has no class for cannot be doubted by it, but is named.
    typo = t[t["id"] == typo_id].iloc[0]
    assert typo["unknown_labels"] == "articleType=Jeens" and pd.isna(typo["catalogue_articleType_prob"])
    assert s["agreement"]["articleType"]["unknown_labels"] == {"Jeens": 1}
    # The probability of the catalogue's label is the model's own where the two agree, for every head.
    for head in ("articleType", "gender", "baseColour", "season"):
        same = (t[head] == t[f"catalogue_{head}"]) & (t["error"] == "")
        assert same.sum() > 0 and (t.loc[same, f"catalogue_{head}_prob"] == t.loc[same, f"{head}_prob"]).all()
    assert s["agreement"]["articleType"]["n"] == expected["with_image"]
    agree = (t["articleType"] == t["catalogue_articleType"]) & (t["error"] == "")
    assert s["agreement"]["articleType"]["agree"] == agree.sum()
    assert s["labels_to_check"] == len(labels_to_check(t)) >= 1
    # One such row is one row ("1 rows with labels to check": a new user's trial, stop 65).
    one = t.assign(doubted=t["doubted"].where(t["id"] == wrong_id, ""))
    assert "1 row with labels to check, surest first:" in list(describe(TagResult(table=one, summary=s)))
    # A row the shop writes by a SKU is listed by it (stop 74's new user: the number made from it named nothing).
    sku = one.assign(id_as_written=one["id"].map(lambda i: f"SKU-{i}"))
    assert any(line.startswith(f"  SKU-{wrong_id} ") for line in describe(TagResult(table=sku, summary=s)))
    # A photo no row names: tagged, with nothing to compare.
    new = t[t["id"] == 99000001].iloc[0]
    assert new["path"] == "images/99000001.jpg" and new["articleType"] == "Tshirts" and new["error"] == ""
    assert pd.isna(new["catalogue_articleType"]) and new["differs"] == new["doubted"] == ""
    # The fixture's products come from the shared catalogue: the model trained on most of them.
    if s["seen_in_training"] is not None:
        tagged = t["error"] == ""         # the count is of the rows tagged, not those whose photo was unreadable
        assert t.loc[tagged, "trained_on"].sum() == s["seen_in_training"] > 0 and pd.isna(new["trained_on"])

    csv_file, json_file = result.write(tmp_path / "out" / "tags.csv")
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")       # spreadsheets read the names as UTF-8
    back = pd.read_csv(csv_file)
    assert list(back.columns) == list(t.columns) and len(back) == len(t)
    described = json.loads(json_file.read_text())
    assert described["model"]["sha256"] == shipped.sha256 and described["csv"] == "tags.csv"
    assert set(back.columns) <= columns_described(described, shipped.classes)    # every column says what it is
    assert set(described["model"]["classes"]) == set(shipped.classes) and "tag(" in described["command"]
    assert sorted(p.name for p in csv_file.parent.iterdir()) == ["tags.csv", "tags.json"]   # no temp files


def columns_described(described: dict, heads) -> set[str]:
    """The CSV columns a tags.json describes, its ``<head>`` patterns written out for every head."""
    return {name.replace("<head>", h) for key in described["columns"] for name in key.split(", ") for h in heads}


def test_the_csv_and_its_description_are_put_in_place_together(tmp_path):
    from fashionrec.tagging import TagResult

    TagResult(pd.DataFrame({"path": ["a.jpg"], "articleType": ["Shirts"]}), {"rows": 1}).write(tmp_path / "t.csv")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    # A description that cannot be written (a stop, a full disk) leaves the last run's pair as it was: written one
    # after the other, the new table stood beside the last run's description (a code review).
    broken = TagResult(pd.DataFrame({"path": ["b.jpg"], "articleType": ["Jeans"]}), {("not", "a key"): 1})
    with pytest.raises(TypeError):
        broken.write(tmp_path / "t.csv")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_result_prints_its_counts_not_its_whole_summary():
    # Stop 71, a new user's trial: `tag("photos")` at a prompt printed the whole summary, every class of every head
    # among it (about 5 KB for 40 photos).
    classes = {"articleType": [f"Type {i}" for i in range(150)]}
    summary = {"rows": 2, "tagged": 1, "not_tagged": 1, "to_review": 1, "model": {"name": "m1", "classes": classes}}
    shown = repr(TagResult(pd.DataFrame({"path": ["a.jpg", "b.jpg"], "articleType": ["Shirts", None]}), summary))
    assert "Type 149" not in shown and len(shown) < 200, shown
    assert "2 rows" in shown and "1 tagged" in shown and "1 not tagged" in shown and "1 to review" in shown
    assert "m1" in shown and ".write(" in shown


def test_a_loose_folder_tags_its_photos_in_order_and_names_what_it_did_not_tag(fixture_dir, shipped, tmp_path):
    src = fixture_dir / "images"
    folder = tmp_path / "new arrivals"
    (folder / "shoes").mkdir(parents=True)
    shutil.copy(src / "12933.jpg", folder / "b.JPG")
    shutil.copy(src / "7512.jpg", folder / "shoes" / "a.jpg")
    Image.open(src / "25220.jpg").save(folder / "c.png")              # PNG data with alpha
    (folder / "d.jpg").write_bytes(b"not a photo")
    (folder / "notes.txt").write_text("prices tomorrow")
    (folder / ".DS_Store").write_bytes(b"\0")
    shutil.copy(src / "12933.jpg", folder / ".hidden.jpg")             # not tagged, but said
    Image.new("RGB", (300, 400), "white").save(folder / "e.jpg")        # blank
    Image.open(src / "12933.jpg").save(folder / "f.gif")                # formats beyond .jpg/.png/.webp
    Image.open(src / "12933.jpg").save(folder / "g.bmp")
    (folder / "h.jpg").symlink_to(tmp_path / "gone.jpg")                # a broken link
    shutil.copy(src / "12933.jpg", os.fsencode(folder) + b"/i\xff.jpg")      # a name that is not UTF-8
    shutil.copy(src / "12933.jpg", folder / "shoes" / "0051234.jpg")    # named by its id, as the loader reads it

    result = tag([folder, folder / "b.JPG"], tagger=shipped, progress=False)
    t = result.table
    prefix = f"{folder.as_posix()}/"
    assert list(t["path"]) == [prefix + p for p in ("b.JPG", "c.png", "d.jpg", "e.jpg", "f.gif", "g.bmp",
                                                    "h.jpg", "i\\xff.jpg", "shoes/0051234.jpg", "shoes/a.jpg")]
    # The id a photo's name gives, for a catalogue import to join on; none where the name is no id.
    assert t.loc[t["path"] == prefix + "shoes/0051234.jpg", "id"].tolist() == [51234]
    assert t.loc[t["path"] != prefix + "shoes/0051234.jpg", "id"].isna().all() and list(t.columns)[0] == "id"
    assert result.summary["not_images"] == [prefix + "notes.txt"]
    assert result.summary["hidden_photos"] == [prefix + ".hidden.jpg"]       # not .DS_Store: no photo
    assert any("1 photo is hidden" in line and ".hidden.jpg" in line for line in describe(result))
    assert result.summary["given_twice"] == [(folder / "b.JPG").as_posix()]      # tagged once
    errors = dict(zip(t["path"].str.removeprefix(prefix), t["error"], strict=True))
    assert "not a readable image" in errors["d.jpg"] and "one flat colour" in errors["e.jpg"]
    assert errors["h.jpg"].startswith("a broken link")
    assert all(errors[p] == "" for p in ("b.JPG", "c.png", "f.gif", "g.bmp", "i\\xff.jpg", "shoes/a.jpg",
                                          "shoes/0051234.jpg"))
    assert "catalogue_articleType" not in t and "differs" not in t
    assert set(t.columns) <= columns_described(result.summary, shipped.classes)
    # The same labels and probabilities as one photo at a time through the tagger's own verb.
    for path in ("b.JPG", "shoes/a.jpg", "g.bmp"):
        row = t[t["path"] == prefix + path].iloc[0]
        (label, p), *_ = shipped.predict(folder / path)[0]["articleType"]
        assert row["articleType"] == label and row["articleType_prob"] == pytest.approx(p, abs=1e-4)
        assert row["articleType_top3"].startswith(f"{label} ")
        assert row["review"] == (p < result.summary["review_below"])
    assert result.summary["to_review"] == int(t["review"].sum())


def test_nothing_to_tag_and_bad_arguments_are_refused_with_what_to_do(tmp_path, shipped):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.md").write_text("x")
    with pytest.raises(BadInputError, match=r"no photos to tag in .*empty \(1 other files"):
        tag(tmp_path / "empty", tagger=shipped, progress=False)
    with pytest.raises(BadInputError, match="between 0 and 1"):
        tag(tmp_path / "empty", tagger=shipped, review_below=60)
    with pytest.raises(BadInputError, match="no such file or folder: .*nowhere.jpg"):
        tag([tmp_path / "empty", tmp_path / "nowhere.jpg"], tagger=shipped, progress=False)
    for out in ("tags.json", "tags.xlsx", "tags"):
        with pytest.raises(BadInputError, match="ending in .csv"):
            csv_path(tmp_path / out)
    assert csv_path(tmp_path) == tmp_path / "tags.csv" and csv_path("a/b.CSV") == Path("a/b.CSV")


def test_tag_command_writes_the_csv_and_its_description(fixture_dir, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("12933.jpg", "7512.jpg"):
        shutil.copy(fixture_dir / "images" / name, photos / name)
    out = tmp_path / "tags" / "new.csv"
    (photos / "broken.jpg").write_bytes(b"")
    done = runner.invoke(app, ["tag", str(photos), str(fixture_dir / "images" / "1855.jpg"), "--out", str(out)])
    assert done.exit_code == 2 and "no such file or folder" in done.output and not out.exists()
    done = runner.invoke(app, ["tag", str(photos), str(fixture_dir / "images" / "7512.jpg"), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "3 of 4 rows tagged" in done.output
    assert "not tagged: 1 the file is empty\n" in done.output     # by kind; the CSV has the whole reason
    # Some not tagged: said on stderr too, exit 0 for the rest; none tagged is a failure (exit 0 and "0 of 1 rows
    # tagged" before: an operator's trial), its table written all the same (its error column says why).
    assert "1 of 4 rows could not be tagged" in " ".join(done.stderr.split()), done.stderr
    none = runner.invoke(app, ["tag", str(photos / "broken.jpg"), "--out", str(tmp_path / "none.csv")])
    said = " ".join(none.stderr.split())
    assert none.exit_code == 2 and "the one row could not be tagged (the table's error column says why)" in said
    assert "article types:" not in none.output
    assert pd.read_csv(tmp_path / "none.csv")["error"].str.startswith("the file is empty").all()
    table = pd.read_csv(out)
    assert list(table["path"]) == [f"{photos.as_posix()}/{n}" for n in ("12933.jpg", "7512.jpg", "broken.jpg")] \
        + [(fixture_dir / "images" / "7512.jpg").as_posix()]
    assert json.loads(out.with_suffix(".json").read_text())["rows"] == 4
    # The batch size the Python call takes, from the command line too (an ML engineer's trial): the same tags.
    one = tmp_path / "tags" / "one.csv"
    assert runner.invoke(app, ["tag", str(photos), str(fixture_dir / "images" / "7512.jpg"), "--out", str(one),
                               "--batch-size", "1"]).exit_code == 0
    pd.testing.assert_frame_equal(pd.read_csv(one), table, atol=1e-4)
    # Written into the folder it tags, twice: the second run does not take its own output for photos.
    for _ in range(2):
        again = runner.invoke(app, ["tag", str(photos), "--out", str(photos)])
        assert again.exit_code == 0 and "in no image format" not in again.output, again.output
    assert len(pd.read_csv(photos / "tags.csv")) == 3
    wrong = runner.invoke(app, ["tag", str(photos), "--out", str(tmp_path / "t.json")])
    assert wrong.exit_code == 2 and "ending in .csv" in wrong.output and not (tmp_path / "t.json").exists()
    assert runner.invoke(app, ["tag", str(photos), "--review-below", "1.5"]).exit_code == 2
    assert f"[default: {REVIEW_BELOW}]" in runner.invoke(app, ["tag", "--help"], terminal_width=200).output
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    refused = runner.invoke(app, ["tag", str(nothing)])
    assert refused.exit_code == 2 and "no photos to tag" in refused.output
    # One file that is no photo, said as one ("1 files are in no image format", a review).
    (nothing / "notes.txt").write_text("mine")
    shutil.copy(fixture_dir / "images" / "7512.jpg", nothing / "7512.jpg")
    noted = runner.invoke(app, ["tag", str(nothing), "--out", str(tmp_path / "noted.csv")])
    said = " ".join(noted.output.split())
    assert noted.exit_code == 0 and "1 file is in no image format and was not tagged" in said, noted.output


def test_out_dash_puts_the_csv_alone_on_stdout_and_a_reader_that_stops_early_is_no_failure(fixture_dir,
                                                                                           tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("12933.jpg", "7512.jpg", "10315.jpg"):
        shutil.copy(fixture_dir / "images" / name, photos / name)
    done = runner.invoke(app, ["tag", str(photos), "--out", str(tmp_path / "t.csv")])
    piped = runner.invoke(app, ["tag", str(photos), "--out", "-", "--workers", "1"])
    assert piped.exit_code == 0, piped.output
    # stdout is the table alone (no byte-order mark before "id"), the same one --out FILE writes.
    assert piped.stdout.startswith("id,path,")
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(piped.stdout)), pd.read_csv(tmp_path / "t.csv"))
    assert "3 rows written to standard output" in piped.stderr and "3 of 3 rows tagged" in piped.stderr
    assert done.exit_code == 0 and not (tmp_path / "-").exists() and not list(Path.cwd().glob("-*"))
    assert runner.invoke(app, ["tag", str(photos), "--out", "-", "--workers", "0"]).exit_code == 2
    # `| head`: the reader has gone before the first row; the summary still comes, on stderr, and no traceback.
    cmd = [sys.executable, "-c", "from fashionrec.cli import app; app()", "tag", str(photos), "--out", "-"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, err
    assert "closed before the whole table was written" in err and "3 of 3 rows tagged" in err
    assert "Traceback" not in err and "Broken pipe" not in err


def test_a_model_without_calibrated_probabilities_is_said_to_be_so(fixture_dir, shipped, tmp_path, caplog):
    # A tiny run's temperatures were left at 1 (too few validation products): its "model Casual 1.00" doubts were
    # shown as calibrated (an ML engineer's trial).
    from _recs_support import tiny_tagger_path

    photo = fixture_dir / "images" / "12933.jpg"
    with caplog.at_level("WARNING", logger="fashionrec.tagging"):
        tiny = tag(photo, model=tiny_tagger_path(), progress=False)
    assert "are not calibrated" in caplog.text and "articleType" in caplog.text
    # Not "surer than the model is" whichever way it leans (stop 76): this one's lean was never measured.
    assert "was not measured: `fashionrec evaluate`" in caplog.text and "surer than the model is" not in caplog.text
    assert not tiny.summary["model"]["calibrated"] and "articleType" in tiny.summary["model"]["uncalibrated_heads"]
    caplog.clear()
    with caplog.at_level("WARNING", logger="fashionrec.tagging"):
        calibrated = tag(photo, tagger=shipped, progress=False)
    assert "not calibrated" not in caplog.text
    assert calibrated.summary["model"]["calibrated"] and calibrated.summary["model"]["uncalibrated_heads"] == []


def test_a_catalogue_given_twice_is_read_once_and_the_screen_says_what_the_model_saw(fixture_dir, shipped,
                                                                                      tmp_path):
    once = tag(fixture_dir, tagger=shipped, progress=False)
    (tmp_path / "same").symlink_to(fixture_dir)         # the same folder by another name
    twice = tag([fixture_dir, tmp_path / "same"], tagger=shipped, progress=False)
    assert len(twice.table) == len(once.table) and twice.summary["given_twice"] == [(tmp_path / "same").as_posix()]
    assert twice.summary["agreement"]["articleType"] == once.summary["agreement"]["articleType"]
    # Its photos given first, as a folder or a file, are tagged as the catalogue's rows, once.
    first = tag([fixture_dir / "images", fixture_dir / "images" / "7512.jpg", fixture_dir], tagger=shipped,
                progress=False)
    assert len(first.table) == len(once.table) and "7512.jpg" in first.summary["given_twice"][-1]
    assert len(first.summary["given_twice"]) == len(list((fixture_dir / "images").iterdir())) + 1
    said = "\n".join(describe(twice))
    assert "given twice" in said
    seen = twice.summary["seen_in_training"]
    if seen is None:
        assert "model trained on is not known" in said
    else:
        assert f"{seen:,} of the tagged rows are products the model trained or validated on" in said
        # Of the rows tagged, not those whose photo could not be read (the fixture's unreadable rows include
        # products the model trained on).
        table = twice.table
        assert seen < int(table["trained_on"].sum())


def test_photos_without_a_file_are_never_taken_for_copies_of_each_other(fixture_dir, shipped, tmp_path):
    # Two broken links, and a catalogue whose rows without a photo come first: each keeps its row saying why
    # (the duplicate check took every file-less photo after the first for a copy and dropped it).
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "a.jpg").symlink_to(tmp_path / "gone-a.jpg")
    (folder / "b.jpg").symlink_to(tmp_path / "gone-b.jpg")
    result = tag([fixture_dir, folder], tagger=shipped, progress=False)
    t, s = result.table, result.summary
    broken = t[t["path"].str.startswith(folder.as_posix())]
    assert len(broken) == 2 and broken["error"].str.startswith("a broken link").all()
    assert s["given_twice"] == [] and (t["error"].str.startswith("missing image")).sum() == 2


def test_a_greyscale_photos_colour_is_not_checked_against_the_catalogue(fixture_dir, shipped, tmp_path):
    # A shop's trial: "baseColour catalogue Blue, model Black 0.96" listed as a label to check, where the label
    # was right and the photo greyscale; data check said nothing of the photo.
    from fashionrec.catalog import load_catalog

    root = tmp_path / "catalog"
    shutil.copytree(fixture_dir, root)
    catalog = load_catalog(root, progress=False)
    assert catalog.report.greyscale_image_ids == [41242]       # the fixture's one mode-L photo, a black belt
    blue = int(catalog.usable.loc[catalog.usable["baseColour"] == "Blue", "id"].iloc[0])
    Image.open(root / "images" / f"{blue}.jpg").convert("L").save(root / "images" / f"{blue}.jpg")
    assert sorted(load_catalog(root, progress=False).report.greyscale_image_ids) == sorted([41242, blue])
    result = tag(root, tagger=shipped, progress=False)
    row = result.table[result.table["id"] == blue].iloc[0]
    assert row["greyscale_photo"] and "baseColour" not in row["differs"] + row["doubted"]
    assert row["catalogue_baseColour"] == "Blue" and pd.notna(row["catalogue_baseColour_prob"])    # still given
    assert result.summary["agreement"]["baseColour"]["greyscale_photos"] == 2
    assert any("2 greyscale photos not compared" in line for line in describe(result))
    assert pd.notna(row["catalogue_articleType_prob"])          # its type is checked as any other
    # A loose photo says it too: "Steel 0.61" for a greyscale one, with no word that its colour is a guess.
    loose = tmp_path / "loose"
    loose.mkdir()
    shutil.copy(root / "images" / f"{blue}.jpg", loose / "grey.jpg")
    Image.open(fixture_dir / "images" / "10315.jpg").convert("RGB").save(loose / "colour.jpg")
    Image.open(fixture_dir / "images" / "10315.jpg").convert("LA").save(loose / "grey_alpha.png")
    table = tag(loose, tagger=shipped, progress=False).table.set_index("path")
    assert table["greyscale_photo"].to_dict() == {"colour.jpg": False, "grey.jpg": True, "grey_alpha.png": True}


def test_a_very_large_jpeg_is_decoded_smaller_as_the_api_does_without_a_raw_warning(tmp_path, monkeypatch):
    # `tag` decoded a 108-megapixel JPEG whole (1.64 GB resident, and Python's DecompressionBombWarning on the
    # terminal), where the API decodes one over its pixel limit at a half, a quarter or an eighth (a review).
    import warnings

    from PIL import Image

    from fashionrec import catalog

    big = tmp_path / "big.jpg"
    shirt = Image.new("RGB", (4000, 3000), "white")
    shirt.paste((30, 60, 150), (1200, 600, 2800, 2600))      # a product on white: not refused as blank
    shirt.save(big, quality=50)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 8_000_000)       # 12 Mpx: over PIL's limit, under twice it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        im = catalog.open_rgb(big, draft_to=2_000_000)
    assert im.size == (1000, 750)          # a quarter: a half would be 3 Mpx
    with pytest.warns(Image.DecompressionBombWarning):
        catalog.open_rgb(big)               # as it was where nothing asks it to be smaller
    # Over twice PIL's limit it cannot be opened at all: the limit said is that one, not PIL's warning threshold.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5_000_000)
    with pytest.raises(ValueError, match=r"too large \(12.00 megapixels\), over the limit of 10.00 megapixels"):
        catalog.open_rgb(big, draft_to=2_000_000)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 8_000_000)
    # `tag` reads a photo so, at the API's limit.
    import fashionrec.tagging as tagging

    monkeypatch.setattr(tagging, "DRAFT_PIXELS", 2_000_000)
    assert tagging._opened(tagging.Photo(path="big.jpg", file=big)).size == (1000, 750)


def test_tags_csv_gives_each_id_as_the_shops_export_writes_it(tmp_path, shipped):
    # `tag`'s CSV named 12933 for the shop's "0012933" (stop 68): its id_as_written column (in such a catalogue
    # only) joins the labels back on the shop's own ids.
    from test_shop_exports import SHOP_MAP, _shop

    from fashionrec.column_map import save_column_map

    path = _shop(tmp_path, ["0012933,Roadster Tee,Tshirts,Blue,499", "10315,Puma Jeans,Jeans,Blue,999"],
                 photos=(12933, 10315))
    (path / "images" / "12933.jpg").rename(path / "images" / "0012933.jpg")
    shutil.copy(path / "images" / "10315.jpg", path / "images" / "0099000.jpg")      # a photo no row names yet
    save_column_map(path, SHOP_MAP)
    table = tag(path, tagger=shipped, progress=False).table
    assert dict(zip(table["id"].astype(int), table["id_as_written"], strict=True)) == {
        12933: "0012933", 10315: "10315", 99000: "0099000"}


def test_a_shops_photo_folder_is_named_where_tag_lists_files_it_did_not_tag(shipped, fixture_dir: Path,
                                                                            tmp_path: Path) -> None:
    # Stop 71's integration review: a shop's products.csv and photos/ (named in columns.json) were tagged as its
    # catalogue, and its table named, but its photos/ folder's stray files were said to be "under images/".
    from fashionrec.column_map import save_column_map

    shop = tmp_path / "shop"
    (shop / "photos").mkdir(parents=True)
    table = pd.read_csv(fixture_dir / "styles.csv", on_bad_lines="skip").head(2)
    table.to_csv(shop / "products.csv", index=False)
    for i in table["id"]:
        shutil.copy(fixture_dir / "images" / f"{i}.jpg", shop / "photos" / f"{i}.jpg")
    (shop / "photos" / "notes.txt").write_text("not a photo")
    save_column_map(shop, {}, {"@table": "products.csv", "@images": "photos"})
    said = "\n".join(describe(tag(shop, tagger=shipped, progress=False, views=False)))
    assert "1 file under photos/ is no row's photo" in said and "images/" not in said, said


def test_tag_says_what_a_shops_own_type_name_is_read_as() -> None:
    # Stop 73's new user: `fashionrec tag` listed the shop's "T-Shirts" (50), "Sneakers" (40) and "Bags" (35) as
    # "labels the model has no class for (a typo, or a type it never learned)", though it read them as Tshirts,
    # Casual Shoes and Handbags.
    shop = ["T-Shirts", "T-Shirts", "T-Shirts", "Jeens", "Jeans"]
    read = ["Tshirts", "Tshirts", "Shirts", "Jeans", "Jeans"]
    classes = ["Tshirts", "Shirts", "Jeans"]
    table = pd.DataFrame({"error": [""] * 5, "articleType": read, "catalogue_articleType": shop})
    probs = {"articleType": np.eye(3)[[classes.index(r) for r in read]].astype(np.float32)}
    photos = [Photo(path=f"{i}.jpg", file=None, row={"catalogue_articleType": t}) for i, t in enumerate(shop)]
    counts = _compare(SimpleNamespace(classes={"articleType": classes}), table, probs, photos)
    assert counts["articleType"]["unknown_labels"] == {"T-Shirts": 3, "Jeens": 1}
    assert counts["articleType"]["unknown_read_as"] == {"T-Shirts": ["Tshirts", 2], "Jeens": ["Jeans", 1]}


def test_tag_writes_json_lines_with_every_heads_top_k_the_flags_and_the_models_identity(fixture_dir, tmp_path):
    # An ML engineer's trial (stop 65, still so at stop 74): `tag` wrote CSV only, with articleType's top 3; a
    # pipeline wanting every head's runners-up, the flags and which model said so had none of it.
    from _recs_support import tiny_tagger_path

    model = str(tiny_tagger_path())
    out, csv = tmp_path / "tags.jsonl", tmp_path / "tags.csv"
    done = runner.invoke(app, ["tag", str(fixture_dir), "--model", model, "--out", str(out), "--top-k", "3"])
    assert done.exit_code == 0, done.output
    assert runner.invoke(app, ["tag", str(fixture_dir), "--model", model, "--out", str(csv)]).exit_code == 0
    table = pd.read_csv(csv, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    tiny = Tagger.load(model)
    assert len(records) == len(table) and [r["path"] for r in records] == list(table["path"])
    tagged = [(r, row) for r, row in zip(records, table.to_dict("records"), strict=True) if r["error"] is None]
    assert tagged and len(tagged) < len(records)        # the fixture's unreadable photos keep their records
    for r, row in tagged:
        assert set(r["labels"]) == set(tiny.classes)
        for head, said in r["labels"].items():
            top = said["top"]
            assert len(top) == min(3, len(tiny.classes[head])), head
            assert [t["prob"] for t in top] == sorted((t["prob"] for t in top), reverse=True)
            assert top[0]["label"] == said["label"] == row[head] and said["prob"] == pytest.approx(row[f"{head}_prob"])
        assert r["flags"]["review"] == row["review"] and r["flags"]["turned"] == row["turned"]
        assert r["catalogue"]["labels"]["articleType"]["label"] == row["catalogue_articleType"]
        assert r["catalogue"]["differs"] == [h for h in str(row["differs"]).split(";") if h and h != "nan"]
    untagged = [r for r in records if r["error"] is not None]
    assert all(r["labels"] is None and r["flags"]["review"] for r in untagged)
    about = json.loads((tmp_path / "tags.jsonl.json").read_text())      # not the CSV's tags.json, written after
    assert about["format"] == "jsonl" and about["jsonl"] == "tags.jsonl" and about["top_k"] == 3
    assert about["model"]["sha256"] == tiny.sha256 and about["model"]["classes"] == tiny.classes
    assert "labels.<head>.top" in about["fields"] and "columns" not in about
    # On standard output too, the summary on stderr; the format from --format where --out names no file.
    piped = runner.invoke(app, ["tag", str(fixture_dir), "--model", model, "--out", "-", "--format", "jsonl"])
    shown = [json.loads(line) for line in piped.stdout.splitlines()]
    assert piped.exit_code == 0 and "rows tagged" in piped.stderr and len(shown) == len(records)
    # --top-k's default lists 5 a head; the first 3 are the file's (written with --top-k 3).
    assert shown == [{**r, "labels": r["labels"] and {h: {**v, "top": s["labels"][h]["top"]}
                                                      for h, v in r["labels"].items()}}
                     for r, s in zip(records, shown, strict=True)]
    assert all(s["labels"][h]["top"][:3] == r["labels"][h]["top"]
               and len(s["labels"][h]["top"]) == min(5, len(tiny.classes[h]))
               for r, s in zip(records, shown, strict=True) if r["labels"] for h in tiny.classes)
    # A folder gets tags.jsonl; JSON under a CSV's name, or an unknown format, is refused before any tagging.
    assert runner.invoke(app, ["tag", str(fixture_dir / "images" / "7512.jpg"), "--model", model, "--out",
                               str(tmp_path), "--format", "jsonl"]).exit_code == 0
    assert json.loads((tmp_path / "tags.jsonl").read_text())["id"] == 7512
    for args, said in ((["--format", "jsonl", "--out", str(tmp_path / "x.csv")], "ending in .jsonl"),
                       (["--format", "xml", "--out", str(tmp_path / "x.xml")], "--format xml: give one of csv, jsonl")):
        refused = runner.invoke(app, ["tag", str(fixture_dir), "--model", model, *args])
        assert refused.exit_code == 2 and said in " ".join(refused.output.split()), refused.output
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.xml").exists()


def test_a_shops_ids_written_otherwise_are_said_of_its_own_table(tmp_path, caplog) -> None:
    # Stop 75's new user: `tag` of a Shopify export (products_export_1.csv, no id column) warned "id_as_written the
    # ids as styles.csv writes them", a file the shop does not have.
    import logging

    from fashionrec import tagging
    from fashionrec.column_map import save_column_map

    (tmp_path / "photos").mkdir()
    (tmp_path / "products_export_1.csv").write_text("Handle,Title,Type\nnavy-tee,Roadster Men Tee,Tshirts\n",
                                                    encoding="utf-8")
    save_column_map(tmp_path, {"Title": "productDisplayName", "Type": "articleType"},
                    {"@table": "products_export_1.csv", "@images": "photos"})
    with caplog.at_level(logging.WARNING, logger="fashionrec"):
        tagging._in_catalogue(tmp_path, 0, False)
    said = " ".join(m for m in caplog.messages if "written otherwise" in m)
    assert "the ids as products_export_1.csv writes them" in said and "styles.csv" not in said, caplog.messages
def test_top_k_with_a_csv_is_said_not_dropped(fixture_dir, tmp_path):
    # An ML engineer's trial (stop 75): `tag --out tags.csv --top-k 2` wrote articleType_top3 as ever, with no word
    # that --top-k was not used; the JSON Lines record is where every head's top k is.
    from _recs_support import tiny_tagger_path

    model, photo = str(tiny_tagger_path()), str(fixture_dir / "images" / "7512.jpg")
    done = runner.invoke(app, ["tag", photo, "--model", model, "--out", str(tmp_path / "t.csv"), "--top-k", "2"])
    assert done.exit_code == 0, done.output
    assert "--top-k 2 is not used for a CSV" in " ".join(done.stderr.split())
    plain = runner.invoke(app, ["tag", photo, "--model", model, "--out", str(tmp_path / "u.csv")])
    assert plain.exit_code == 0 and "--top-k" not in plain.stderr
    result = tag([photo], model=model, progress=False)
    with pytest.warns(UserWarning, match="top_k=2 is not used for a CSV"):
        result.write(tmp_path / "v.csv", top_k=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # JSON Lines uses it: no warning
        result.write(tmp_path / "w.jsonl", top_k=2)
    assert len(json.loads((tmp_path / "w.jsonl").read_text())["labels"]["articleType"]["top"]) == 2


def test_a_catalogue_photo_unsure_as_it_came_stays_flagged_when_read_upside_down_surer(fixture_dir, shipped, tmp_path,
                                                                                    monkeypatch):
    # Stop 77 (an ML engineer's trial): a tall catalogue photo unsure as it came and read upside down surer lost its
    # review flag (a sandal, "Sandals 0.50" as it came, went out as "Heels 0.83"), where one read cropped kept it.
    import fashionrec.tagging as tagging
    from fashionrec.view_choice import UPSIDE_DOWN, ViewReading

    shutil.copy(fixture_dir / "images" / "12933.jpg", tmp_path / "a.jpg")

    def upside_down_surer(tagger, raw, worth, again):
        probs = {h: np.asarray(p[:1]).copy() for h, p in raw.items()}
        sure = np.full_like(probs["articleType"], 1e-6)
        sure[0, 1] = 1.0                                   # another type, surely, upside down
        probs["articleType"] = sure / sure.sum()
        return {0: ViewReading(probs, UPSIDE_DOWN, reframed=False, disputed=False, unsure_as_is=0.5)}

    monkeypatch.setattr(tagging, "look_again", upside_down_surer)
    row = tag([tmp_path], tagger=shipped, progress=False).table.iloc[0]
    assert row["turned"] == UPSIDE_DOWN and row["articleType_prob"] >= 0.8
    assert row["review"]
