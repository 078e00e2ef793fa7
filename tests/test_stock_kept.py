"""Stock levels set since a build (``index stock``, the API) kept by the next rebuild unless styles.csv's value for
the product changed since (stop 68; fashionrec.stock_kept)."""

from __future__ import annotations

import logging
import math

import pandas as pd
from _recs_support import fixture_catalog, index_copy, tiny_tagger_path
from PIL import Image
from test_stock import stocked_shop
from typer.testing import CliRunner

from fashionrec.catalog import load_catalog
from fashionrec.cli import app
from fashionrec.recommend import Recommender
from fashionrec.tagger import Tagger
from fashionrec.visibility import HIDDEN_BY_FILE, HIDDEN_BY_HAND, hidden_ids


def _levels(rec: Recommender, ids: list[int]) -> list[float]:
    return [float(rec.item(i)["stock"]) if rec.item(i).get("stock") is not None else math.nan for i in ids]


def _same(a: list[float], b: list[float]) -> bool:
    return all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b, strict=True))


def test_a_rebuild_keeps_levels_set_since_unless_styles_csv_changed_them(tmp_path, caplog):
    # A rebuild read every level from styles.csv again: a product the shop's stock system had marked sold out
    # through the API was recommended again after a rebuild for another reason (a changed row, a new model).
    folder, _ = stocked_shop(tmp_path / "shop")
    d = index_copy(tmp_path / "index")
    tagger = Tagger.load(tiny_tagger_path())
    rec = Recommender.build(load_catalog(folder, progress=False), tagger, d, progress=False)
    fives = [i for i in rec.items["id"].astype(int) if rec.item(i).get("stock") == 5]
    a, b, c, other = fives[:4]
    rec.set_stock({a: 0, b: 12, c: None})
    # An edit the rebuild keeps: its summary line was left out of the command's log as said by the summary, which
    # never said it (stop 75, h75integ).
    rec.edit_product(fives[4], {"productDisplayName": "Renamed By Hand Tee"})
    # styles.csv changes b's level since (the newer file wins: a rebuild for it); a and c are as the build read them.
    styles = pd.read_csv(folder / "styles.csv", dtype=str, keep_default_na=False)
    styles.loc[styles["id"] == str(b), "stock_qty"] = "40"
    styles.to_csv(folder / "styles.csv", index=False)
    with caplog.at_level(logging.INFO):
        out = CliRunner().invoke(app, ["index", "build", str(folder), "--out", str(d), "--model",
                                       str(tiny_tagger_path())])
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())
    assert "kept 2 stock levels set since the last build" in said and "newer file wins" in said, out.output
    # Said once, by the summary: the build's INFO line said it too (stop 68's gap, stop 70).
    assert said.count("stock levels set since") == 1, out.output
    assert said.count(f"1 catalogue product edited since the build (ids {fives[4]})") == 1, out.output
    logged = [r.getMessage() for r in caplog.records if r.name == "fashionrec.index_build"]
    assert not [m for m in logged if "set since" in m or m.startswith(("indexed", "against"))], logged
    rec = Recommender.load(d, tiny_tagger_path())
    assert _same(_levels(rec, [a, b, c, other]), [0.0, 40.0, math.nan, 5.0]), _levels(rec, [a, b, c, other])
    assert rec.is_sold_out(a) and not rec.is_sold_out(c)
    said = rec.manifest["stock_set_since"]
    assert sorted(said["kept_ids"]) == sorted([a, c]) and said["file_newer_ids"] == [b], said


def test_levels_and_hides_set_through_the_api_on_a_catalogue_without_such_columns_survive_a_rebuild(tmp_path, caplog):
    # The Kaggle catalogue has no stock column: every level a shop has is one it set since, through the API.
    d = index_copy(tmp_path / "index")
    rec = Recommender.load(d, tiny_tagger_path())
    ids = rec.items["id"].astype(int).tolist()
    rec.set_stock({ids[0]: 0, ids[1]: 3})
    # Nor a visibility column: a product hidden through the API (a catalogue row, and one added since) was shown
    # again by the next rebuild without a word (stop 75's review).
    added = rec.add_product(Image.open(rec.item(ids[4])["image_path"]), {"productDisplayName": "Roadster Men Navy Tee",
                                                                       "articleType": "Tshirts", "gender": "Men"})
    rec.set_hidden({ids[3]: True, added: True})
    # ... and one an export hid through `index stock --from`: this styles.csv says nothing of it, yet the rebuild
    # showed it again (stop 76, h76review: 3 of 3 an export hid were shown).
    rec.set_hidden({ids[5]: True}, by_file=[ids[5]])
    # ... and an added product an export hid: carried over as the export's hide, not the hand's (which a newer export
    # showing it would not undo; stop 76, h76review).
    added_by_file = rec.add_product(Image.open(rec.item(ids[6])["image_path"]), {
        "productDisplayName": "Roadster Men Grey Tee", "articleType": "Tshirts", "gender": "Men"})
    rec.set_hidden({added_by_file: True}, by_file=[added_by_file])
    with caplog.at_level(logging.INFO, logger="fashionrec.index_build"):
        rec = Recommender.build(fixture_catalog(), Tagger.load(tiny_tagger_path()), d, progress=False)
    # A Python caller hears it in the log (the CLI leaves that line to its summary).
    assert any(r.getMessage().startswith("kept 2 stock levels set since") for r in caplog.records), caplog.text
    assert rec.is_sold_out(ids[0]) and rec.item(ids[1])["stock"] == 3 and not rec.is_sold_out(ids[2])
    assert sorted(rec.manifest["stock_set_since"]["kept_ids"]) == sorted(ids[:2])
    for loaded in (rec, Recommender.load(d, tiny_tagger_path())):
        assert loaded.is_hidden(ids[3]) and loaded.is_hidden(added) and not loaded.is_hidden(ids[2])
        assert loaded.is_hidden(ids[5]), "an export's hide, of which styles.csv says nothing, was dropped"
        why = hidden_ids(loaded.manifest)
        assert why[added_by_file] == why[ids[5]] == HIDDEN_BY_FILE and why[added] == HIDDEN_BY_HAND, why
        assert {ids[3], ids[5], added}.isdisjoint(int(i["id"]) for i in loaded.browse(None, limit=500)[1])


def test_a_rebuild_from_another_catalogue_takes_none_of_the_levels_set_in_the_index_it_replaces(tmp_path):
    # Another shop built into the first's folder (allowed, with a warning) got the first shop's levels on its own
    # products of the same ids: sold out, left out of every list (stop 69's review).
    import shutil

    from _recs_support import FIXTURE

    from fashionrec.catalog import COLUMNS

    d = index_copy(tmp_path / "index")
    rec = Recommender.load(d, tiny_tagger_path())
    ids = rec.items["id"].astype(int).tolist()[:3]
    rec.set_stock({ids[0]: 0, ids[1]: 0})
    other = tmp_path / "other"
    (other / "images").mkdir(parents=True)
    table = load_catalog(FIXTURE, check_images=False, progress=False, warn=False).table[COLUMNS]
    table = table[table["id"].isin(ids)].assign(productDisplayName=lambda t: "Other shop " + t["productDisplayName"])
    table.to_csv(other / "styles.csv", index=False)
    for i in ids:
        shutil.copy(FIXTURE / "images" / f"{i}.jpg", other / "images" / f"{i}.jpg")
    rec = Recommender.build(load_catalog(other, progress=False), Tagger.load(tiny_tagger_path()), d, progress=False)
    assert not rec.sold_out_rows().any() and "stock_set_since" not in rec.manifest, rec.manifest.get("stock_set_since")


def test_an_export_set_again_after_a_rebuild_leaves_the_levels_the_catalogue_changed_since(tmp_path):
    # The way round a rebuild of an index built before builds recorded styles.csv's levels (index check's advice):
    # `--export FILE`, rebuild, `--from FILE`. `--from` set every level of the copy again, a blank as none, over the
    # new styles.csv's: a level the shop wrote into styles.csv since was set back to the copy's (stop 70's review).
    from fashionrec.stock_kept import BUILT_STOCK

    folder, _ = stocked_shop(tmp_path / "shop")
    d = index_copy(tmp_path / "index")
    tagger = Tagger.load(tiny_tagger_path())
    rec = Recommender.build(load_catalog(folder, progress=False), tagger, d, progress=False)
    (d / BUILT_STOCK).unlink()      # as built before stop 68: a rebuild reads every level from styles.csv
    fives = [i for i in rec.items["id"].astype(int) if rec.item(i).get("stock") == 5]
    a, b, c, other, emptied, same = fives[:6]
    rec.set_stock({a: 0, b: 12, c: None})
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    copy = tmp_path / "levels.csv"
    run = CliRunner().invoke
    assert run(app, ["index", "stock", "--export", str(copy), *model]).exit_code == 0
    assert pd.read_csv(copy).set_index("id").loc[[a, b], "catalogue_stock"].tolist() == [5, 5]
    # Since the copy, styles.csv gives b (set since too), other and emptied new levels.
    styles = pd.read_csv(folder / "styles.csv", dtype=str, keep_default_na=False)
    for i, level in ((b, "40"), (other, "30"), (emptied, "")):
        styles.loc[styles["id"] == str(i), "stock_qty"] = level
    styles.to_csv(folder / "styles.csv", index=False)
    out = run(app, ["index", "build", str(folder), "--out", str(d), "--model", str(tiny_tagger_path())])
    assert out.exit_code == 0, out.output
    ids = [a, b, c, other, emptied, same]
    assert _same(_levels(Recommender.load(d, tiny_tagger_path()), ids), [5.0, 40.0, 5.0, 30.0, math.nan, 5.0])
    out = run(app, ["index", "stock", "--from", str(copy), *model])
    said = " ".join(out.output.split())
    assert out.exit_code == 0 and "left 3 levels as the catalogue's file gives them now" in said, out.output
    assert f"(ids {', '.join(map(str, sorted([b, other, emptied], key=fives.index)))})" in said, out.output
    assert "2 changed" in said, out.output        # a and c: the levels set since the copy's build, set again
    # The levels set by hand come back; those styles.csv changed since stay the file's.
    assert _same(_levels(Recommender.load(d, tiny_tagger_path()), ids), [0.0, 40.0, math.nan, 30.0, math.nan, 5.0])


def test_a_large_export_copy_whose_levels_the_catalogue_changed_is_read_in_linear_time(tmp_path, counted_reads):
    # `--from` of an export's copy left out the ids whose level the catalogue's file changed since by testing each
    # against a set of them made anew for each: quadratic, 20,000 levels the file changed took 72 s before anything
    # was set (a review of stop 71). An index folder of a build's levels alone: the list of those ids is read
    # once or twice, not once a level (counted, not timed: the machines are shared).
    from fashionrec import stock_kept
    from fashionrec.cli_recs import _stock_levels
    from fashionrec.stock_kept import BUILT_STOCK

    changed = counted_reads(stock_kept, "changed_since_copy")
    n = 20_000
    index = tmp_path / "index"
    index.mkdir()
    (index / "manifest.json").write_text("{}")
    (index / BUILT_STOCK).write_text("id,stock\n" + "".join(f"{i},7\n" for i in range(n)))     # the rebuild's
    copy = tmp_path / "levels.csv"      # made when the catalogue's file gave 3, every level set to 5 since
    copy.write_text("id,stock,sold_out,productDisplayName,catalogue_stock\n"
                    + "".join(f"{i},5,False,Tee {i},3\n" for i in range(n)))
    given, read = _stock_levels([f"{n + 1}=2"], copy, index=index)
    assert changed == [read.left_ids] and read.left_ids is changed[0] and changed[0].reads <= 2, changed[0].reads
    assert len(read.left_ids) == n and given == {str(n + 1): "2"}


def test_a_copy_without_the_catalogue_stock_column_set_after_a_rebuild_says_which_levels_it_would_set_back(tmp_path):
    # A copy of the levels without catalogue_stock (an `--export` before stop 71, GET /api/stock?format=csv) set
    # every level of it again after a rebuild, over those the shop had written into styles.csv since, without a
    # word (stop 71's known gap). Now: refused, naming them with both levels; --force sets them; a shop's own file
    # (no sold_out column: its stock system's) is set as given.
    from fashionrec.stock_kept import CATALOGUE_STOCK

    folder, _ = stocked_shop(tmp_path / "shop")
    d = index_copy(tmp_path / "index")
    rec = Recommender.build(load_catalog(folder, progress=False), Tagger.load(tiny_tagger_path()), d, progress=False)
    fives = [i for i in rec.items["id"].astype(int) if rec.item(i).get("stock") == 5]
    hand, newer, same = fives[:3]
    rec.set_stock({hand: 0})
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    copy = tmp_path / "levels.csv"
    run = CliRunner().invoke
    assert run(app, ["index", "stock", "--export", str(copy), *model]).exit_code == 0
    pd.read_csv(copy).drop(columns=[CATALOGUE_STOCK]).to_csv(copy, index=False)     # as the API's CSV wrote it
    # The API's CSV has the column since (stop 72), as --export's: its copy set again leaves the file's newer levels.
    from fastapi.testclient import TestClient

    from fashionrec.api import Settings, create_app

    with TestClient(create_app(Settings(index_dir=d, model_path=tiny_tagger_path(), api_key="k"))) as client:
        api_copy = tmp_path / "api.csv"
        api_copy.write_text(client.get("/api/stock?format=csv").text)
    assert pd.read_csv(api_copy).set_index("id").loc[[hand, newer], [CATALOGUE_STOCK, "stock"]].values.tolist() == [
        [5, 0], [5, 5]]
    styles = pd.read_csv(folder / "styles.csv", dtype=str, keep_default_na=False)
    styles.loc[styles["id"] == str(newer), "stock_qty"] = "40"      # the shop's newer level, since the copy
    styles.to_csv(folder / "styles.csv", index=False)
    out = run(app, ["index", "build", str(folder), "--out", str(d), "--model", str(tiny_tagger_path())])
    assert out.exit_code == 0, out.output
    ids = [hand, newer, same]
    assert _same(_levels(Recommender.load(d, tiny_tagger_path()), ids), [0.0, 40.0, 5.0])
    out = run(app, ["index", "stock", "--from", str(copy), *model])
    said = " ".join(out.output.split())
    assert out.exit_code == 2 and f"(id: styles.csv's -> the copy's: {newer}: 40 -> 5)" in said, out.output
    assert "nothing was changed" in said and "--force" in said, out.output
    assert _same(_levels(Recommender.load(d, tiny_tagger_path()), ids), [0.0, 40.0, 5.0])
    out = run(app, ["index", "stock", "--from", str(api_copy), *model])
    assert out.exit_code == 0 and f"left 1 level as the catalogue's file gives it now (ids {newer})" in " ".join(
        out.output.split()), out.output
    assert _same(_levels(Recommender.load(d, tiny_tagger_path()), ids), [0.0, 40.0, 5.0])
    out = run(app, ["index", "stock", "--from", str(copy), "--force", *model])
    assert out.exit_code == 0, out.output
    assert _same(_levels(Recommender.load(d, tiny_tagger_path()), ids), [0.0, 5.0, 5.0])
    # A stock system's file (no sold_out column) is the shop's newest word: set as given, as before.
    own = tmp_path / "own.csv"
    own.write_text(f"id,stock\n{same}=7\n".replace("=", ","))
    assert run(app, ["index", "stock", "--from", str(own), *model]).exit_code == 0
    assert _same(_levels(Recommender.load(d, tiny_tagger_path()), ids), [0.0, 5.0, 7.0])
