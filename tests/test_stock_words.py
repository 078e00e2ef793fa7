"""Stop 68 review leftovers of a shop's stock: one reading of a missing-value word ("None", "NULL", "N/A") as a
level on every path, and a photo of a sold-out product known as that product."""

from __future__ import annotations

import math
import shutil

import pytest
from _recs_support import FIXTURE, index_copy, tiny_tagger_path
from PIL import Image
from typer.testing import CliRunner

from fashionrec.catalog import COLUMNS, load_catalog
from fashionrec.cli import app
from fashionrec.recommend import Recommender
from fashionrec.stock import sold_out_shown, stock_level, variants_level


@pytest.mark.parametrize("word", ["None", "none", "NULL", "N/A", "na", "nan", " "])
def test_a_missing_value_word_is_no_level(word):
    assert math.isnan(stock_level(word))


@pytest.mark.parametrize("word", ["sold out", "Out of stock", "no", "0", "-2"])
def test_a_sold_out_word_stays_sold_out(word):
    assert stock_level(word) <= 0


@pytest.mark.parametrize(("cells", "shopify", "woocommerce"), [
    # A product line at 0 with its other sizes blank: those sizes are not tracked, which Shopify sells whatever
    # their count (available, no level); it read sold out (stop 70's review). Under a WooCommerce variable product
    # at 0, blank variations share its stock: sold out.
    (["0", "", ""], "", "0"),
    # A blank product line with every size "no": a WooCommerce variable product's line is no size, so sold out; a
    # Shopify product line is its first size's, not tracked: available.
    (["", "no", "no"], "", "0"),
    (["", "0", "0"], "", "0"),
    (["0", "0", "-1"], "0", "0"),               # every size sold out: sold out, as the product line says it
    (["no", "0"], "no", "no"),
    (["0", "5", ""], "5", "5"),                 # the sizes in stock summed
    (["5", "", ""], "5", "5"),                  # WooCommerce: the product's stock, shared by its sizes, once
    (["", "", ""], "", ""),
    (["2", "call us"], "2", "2"),               # a cell that is no level: the product line's, said as before
])
def test_a_products_level_is_its_sizes_a_blank_size_untracked_and_available(cells, shopify, woocommerce):
    assert variants_level(cells) == shopify
    assert variants_level(cells, product_is_a_size=False) == woocommerce


def test_none_in_a_styles_csv_is_no_level_and_data_check_counts_it(tmp_path):
    # "None" was sold out in a styles.csv, and no level on the command line (stop 68, a code review).
    folder = tmp_path / "shop"
    folder.mkdir()
    shutil.copytree(FIXTURE / "images", folder / "images")
    table = load_catalog(FIXTURE, check_images=False, progress=False, warn=False).table[COLUMNS].copy()
    levels = ["5"] * len(table)
    levels[:4] = ["None", "NULL", "N/A", "sold out"]
    table["stock"] = levels
    table.to_csv(folder / "styles.csv", index=False)
    catalog = load_catalog(folder, check_images=False, progress=False, warn=False)
    ids = table["id"].astype(int).tolist()
    assert catalog.report.sold_out_ids == [ids[3]]
    assert catalog.report.no_level_word_ids == ids[:3] and "stock" not in catalog.report.invalid_values
    got = dict(zip(catalog.table["id"], catalog.table["stock"], strict=True))
    assert all(math.isnan(got[i]) for i in ids[:3]) and got[ids[3]] == 0
    said = " ".join(CliRunner().invoke(app, ["data", "check", str(folder)]).output.split())
    assert "1 sold out" in said and "3 rows with no stock level ('none'" in said and "kept available" in said, said


def test_none_null_and_na_are_no_level_in_index_stock_and_set_stock(tmp_path):
    d = index_copy(tmp_path / "index")
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    rec = Recommender.load(d, tiny_tagger_path())
    a, b, c, e = rec.items["id"].astype(int).tolist()[:4]
    run = CliRunner().invoke
    assert run(app, ["index", "stock", f"{a}=0", f"{b}=0", f"{c}=0", f"{e}=0", *model]).exit_code == 0
    csv = tmp_path / "levels.csv"
    csv.write_text(f"id,stock\n{a},None\n{b},N/A\n")
    assert run(app, ["index", "stock", "--from", str(csv), *model]).exit_code == 0
    out = run(app, ["index", "stock", f"{c}=NULL", *model])
    assert out.exit_code == 0, out.output
    rec = Recommender.load(d, tiny_tagger_path())
    assert [rec.is_sold_out(i) for i in (a, b, c, e)] == [False, False, False, True]
    assert math.isnan(rec.set_stock({e: "none"}, save=False)[e]) and not rec.is_sold_out(e)


def test_a_photo_of_a_sold_out_product_is_known_as_that_product(tmp_path):
    rec = Recommender.load(index_copy(tmp_path / "index"), tiny_tagger_path())
    src = int(rec.items.loc[rec.items["articleType"] == "Tshirts", "id"].iloc[0])
    photo = Image.open(rec.image_path(src))
    assert rec.similar_to_image(photo, k=5).same_as == src
    rec.set_stock({src: 0}, save=False)
    found = rec.similar_to_image(photo, k=5)
    assert found.same_as == src and src not in {r.id for r in found[1]}       # known, and still not listed
    with sold_out_shown():
        assert rec.similar_to_image(photo, k=5).same_as == src


def test_a_whole_stock_level_is_an_int_in_the_api_and_index_stock_json(tmp_path):
    import json

    from fashionrec.api.schemas import to_item

    d = index_copy(tmp_path / "index")
    src = int(Recommender.load(d, tiny_tagger_path()).items["id"].iloc[0])
    out = CliRunner().invoke(app, ["index", "stock", f"{src}=12", "--json", "--index", str(d), "--model",
                                   str(tiny_tagger_path())])
    assert out.exit_code == 0 and isinstance(json.loads(out.stdout)["stock"][str(src)], int), out.output
    # The API's item, as its answers are written (to_item: the app's startup cost 20 s of this test).
    answer = to_item(Recommender.load(d, tiny_tagger_path()).item(src), src).model_dump_json()
    assert '"stock":12,' in answer, answer       # 12, not 12.0


def test_a_recovered_row_is_not_said_to_have_its_comma_in_the_stock_column(tmp_path):
    # data check named the stock column among the text columns a name's comma may be in (a number holds none).
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text("id,articleType,productDisplayName,Tags,stock_qty\n"
                                         "1,Tshirts,Tee,summer,3\n2,Tshirts,Tee, red,summer,4\n", encoding="utf-8")
    report = load_catalog(tmp_path, progress=False, warn=False).report
    assert report.rows_recovered == 1 and report.recovered_beside == ["Tags"], report.recovered_beside
