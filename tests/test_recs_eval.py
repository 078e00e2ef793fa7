"""Offline recommender metrics on the fixture (tiny random model: values only need to be well-formed)."""

import re

import numpy as np
import pandas as pd
import pytest
from _recs_support import fixture_catalog, shared_recommender
from PIL import Image

from fashionrec.errors import BadInputError
from fashionrec.recs_eval import default_text_queries, evaluate_recs, evaluate_text, same_wearer

KEYS = ["precision_at_10_articleType", "precision_at_10_articleType_colour", "map_at_10_articleType",
        "recall_at_10_articleType_colour", "catalogue_coverage", "intra_list_diversity"]


def test_evaluate_recs_keys_and_ranges():
    m = evaluate_recs(shared_recommender(), fixture_catalog(), progress=False, limit=25)
    assert m["n_queries"] == 25 and m["n_queries_in_index_excluded_from_own_results"] == 25
    assert m["n_queries_copy_of_an_indexed_product"] == 0       # each one's own id is left out of its results
    for key in KEYS:
        assert 0.0 <= m[key] <= 1.0, key
    assert 0 < m["latency_ms_p50"] <= m["latency_ms_p99"]
    # The fixture has fewer than 10 products of most types: P@10 cannot pass its ceiling, which says so.
    assert m["precision_at_10_articleType"] <= m["precision_at_10_articleType_ceiling"] < 1.0
    assert m["precision_at_10_articleType_colour"] <= m["precision_at_10_articleType_colour_ceiling"] \
        <= m["precision_at_10_articleType_ceiling"]
    assert 0 < m["recall_at_10_articleType_colour_n_queries"] <= 25
    # every query is indexed, so the product-page list is measured too
    assert m["similar_n_queries"] == 25 and 0.0 <= m["similar_precision_at_10_articleType_colour"] \
        <= m["similar_precision_at_10_articleType"] <= 1.0
    # The query catalogue's folder will do (it was a TypeError), and gives the same numbers.
    folder = evaluate_recs(shared_recommender(), str(fixture_catalog().root), progress=False, limit=25)
    assert {key: v for key, v in folder.items() if "latency" not in key} == \
        {key: v for key, v in m.items() if "latency" not in key}
    # The index's folder too, opened with the model it was built with (a Python user's trial: an AttributeError).
    by_path = evaluate_recs(str(shared_recommender().index_dir), fixture_catalog(), progress=False, limit=25)
    assert {key: v for key, v in by_path.items() if "latency" not in key} == \
        {key: v for key, v in m.items() if "latency" not in key}
    with pytest.raises(BadInputError, match="a Recommender or its index folder, not int"):
        evaluate_recs(3, fixture_catalog(), progress=False)
    # Every row of the folder accounted for in the numbers' own file (a maintainer's trial found a log line only).
    catalogue = fixture_catalog()
    rows = {k: v for k, v in m["left_out"].items() if k != "rows_rejected_reasons"}
    assert sum(map(len, rows.values())) == catalogue.report.rows - len(catalogue.usable) > 0
    assert "left_out" not in evaluate_recs(shared_recommender(), catalogue.usable, progress=False, limit=3)
    assert m["articleType_not_in_index"] == {} and "n_queries_without_copies" not in m
    # Another k names the keys for itself (k=5 gave precision at 5 under "precision_at_10", a Python user's trial).
    five = evaluate_recs(shared_recommender(), fixture_catalog(), k=5, progress=False, limit=25)
    assert five["k"] == 5 and not [key for key in five if "_10" in key]
    assert {key.replace("_at_5", "_at_10") for key in five} == set(m)
    text = evaluate_text(shared_recommender(), default_text_queries()[:3], k=5)
    assert "text_precision_at_5" in text and "text_queries_with_fewer_than_5_relevant" in text
    assert set(text["text_per_query"][0]) == {"query", "precision_at_5", "returned", "relevant_in_index",
                                              "precision_at_5_ceiling", "reachable_precision_at_5"}
    assert text["deprecated_keys"] == {"text_precision_at_5_reachable": "text_precision_at_5_ceiling",
                                       "text_per_query[].reachable_precision_at_5":
                                           "text_per_query[].precision_at_5_ceiling"}


def test_queries_the_tagger_trained_on_are_counted_and_a_bad_limit_refused():
    from fashionrec.errors import BadInputError
    from fashionrec.splits import SplitConfig, make_split

    rec = shared_recommender()
    queries = fixture_catalog().usable
    # This test model records no split: whether it saw the queries is unknowable, and said so (None, not 0).
    unknown = evaluate_recs(rec, queries, progress=False, limit=3)
    assert unknown["n_queries_model_trained_on"] is None
    # And why, as `evaluate`'s JSON says it (evaluate-recs printed it, its JSON had only the None: a code review).
    assert unknown["trained_on_unknown"] == "it records no split"
    split = make_split(queries, SplitConfig())
    saved = dict(rec.tagger.meta)
    # The 25 queries alone do not re-make the split: they are looked up in the catalogue the model names.
    rec.tagger.meta.update(split=split.summary(), data=str(fixture_catalog().root))
    # And one renumbered, renamed copy of a training product: counted apart, as `evaluate --split all` does.
    copy = queries[queries["id"].isin(split.ids("train"))].iloc[[0]].assign(id=99999999, productDisplayName="New")
    some = pd.concat([queries.iloc[:25], copy], ignore_index=True)
    try:
        m = evaluate_recs(rec, some, progress=False)
    finally:
        rec.tagger.meta.clear()
        rec.tagger.meta.update(saved)
    trained = queries["id"].iloc[:25].isin(set(split.ids("train")) | set(split.ids("val")))
    assert m["n_queries_model_trained_on"] == int(trained.sum()) > 0
    assert m["n_queries_photo_copy_of_training"] == 1
    assert "trained_on_unknown" not in m
    for bad in (0, -1):
        with pytest.raises(BadInputError, match="at least 1"):
            evaluate_recs(rec, queries, progress=False, limit=bad)


def test_copies_of_indexed_photos_and_types_the_index_lacks_are_scored_apart():
    # A maintainer's trial: 11 queries were the catalogue's own duplicates of indexed products, and a type the
    # index has none of could only score 0; the numbers without them needed a throwaway script.
    queries = fixture_catalog().usable.iloc[:4].copy()
    copy = queries.iloc[[0]].assign(id=99999999, productDisplayName="Renumbered")
    odd = queries.iloc[[1]].assign(id=99999998, articleType="Jumpsuit Shorts")
    m = evaluate_recs(shared_recommender(), pd.concat([queries, copy, odd], ignore_index=True), progress=False)
    assert m["n_queries"] == 6 and m["n_queries_copy_of_an_indexed_product"] == 2     # the odd one's photo too
    assert m["n_queries_without_copies"] == 4
    alone = evaluate_recs(shared_recommender(), queries, progress=False)
    assert m["precision_at_10_articleType_without_copies"] == pytest.approx(alone["precision_at_10_articleType"])
    assert m["map_at_10_articleType_without_copies"] == pytest.approx(alone["map_at_10_articleType"])
    assert m["articleType_not_in_index"] == {"Jumpsuit Shorts": 1}


def test_same_wearer_precision_counts_unisex_for_anyone():
    # Photo search's results for another wearer (a men's track pants' photo listed a women's track pant first, stop
    # 66) went unmeasured: type precision cannot see them.
    assert same_wearer(["Men", "Women", "Unisex", "Boys"], "Men").tolist() == [True, False, True, False]
    assert same_wearer(["Men", "Girls"], "Unisex").all()
    rec, queries = shared_recommender(), fixture_catalog().usable.iloc[:8]
    assert evaluate_recs(rec, queries.assign(gender="Unisex"), progress=False)["precision_at_10_gender"] == 1.0
    # For a wearer no product is filed under, only the unisex results count.
    m = evaluate_recs(rec, queries.assign(gender="Nobody"), progress=False)
    unisex = [sum(r.item.get("gender") == "Unisex" for r in rec.similar_to_image(Image.open(path), k=10,
                                                                               exclude_ids={int(i)})[1]) / 10
              for i, path in zip(queries["id"], queries["image_path"], strict=True)]
    assert m["precision_at_10_gender"] == pytest.approx(np.mean(unisex)) and 0 < np.mean(unisex) < 1
    assert m["precision_at_10_gender_n_queries"] == 8
    # A shop's catalogue without genders has no such number.
    none = evaluate_recs(rec, queries.drop(columns="gender"), progress=False)
    assert none["precision_at_10_gender"] is None and none["precision_at_10_gender_n_queries"] == 0


def test_query_labels_in_another_case_are_read_in_the_index_spelling():
    # A query folder spelling "tshirts" scored 0 against the index's "Tshirts" (a review); filters read any case.
    queries = fixture_catalog().usable.iloc[:30].copy()
    alone = evaluate_recs(shared_recommender(), queries, progress=False)
    lower = queries.assign(articleType=queries["articleType"].str.lower(), baseColour=queries["baseColour"].str.upper())
    m = evaluate_recs(shared_recommender(), lower, progress=False)
    assert alone["precision_at_10_articleType"] > 0
    for key in ("precision_at_10_articleType", "precision_at_10_articleType_colour", "map_at_10_articleType"):
        assert m[key] == pytest.approx(alone[key]), key
    assert not m["articleType_not_in_index"]


@pytest.mark.parametrize("what", ["blank", "tiny"])
def test_a_blank_or_tiny_query_photo_is_left_out_and_counted_not_fatal(tmp_path, what):
    # A shop's 4x5 photo stopped a whole evaluate-recs run at its query, without its id.
    from PIL import Image

    from fashionrec.catalog import BLANK_REASON, TINY_REASON

    queries = fixture_catalog().usable.iloc[:4].copy()
    photo = tmp_path / f"{what}.jpg"
    Image.new("RGB", (60, 80) if what == "blank" else (4, 5), "white" if what == "blank" else "navy").save(photo)
    reason = BLANK_REASON if what == "blank" else TINY_REASON
    queries.loc[queries.index[1], ["image_path", "image_reason"]] = [str(photo), reason]
    m = evaluate_recs(shared_recommender(), queries, progress=False)
    left = {k: m[f"n_{k}_query_photos_left_out"] for k in ("blank", "tiny")}
    assert m["n_queries"] == 3 and left == {k: int(k == what) for k in left}


def test_evaluate_text():
    queries = default_text_queries()
    assert len(queries) >= 20
    m = evaluate_text(shared_recommender(), queries[:5])
    assert m["text_n_queries"] == 5 and 0.0 <= m["text_precision_at_10"] <= 1.0
    # A list of values is any of them: the same query scored against a list of every type its results
    # have (all relevant) and against the types it has none of (none relevant).
    rec = shared_recommender()
    found = {r.item["articleType"] for r in rec.search_text("blue jeans", k=10)}
    others = sorted(set(rec.items["articleType"]) - found)
    per = evaluate_text(rec, [{"query": "blue jeans", "articleType": sorted(found)},
                              {"query": "blue jeans", "articleType": others}])["text_per_query"]
    assert [p["precision_at_10"] for p in per] == [1.0, 0.0]
    # What a perfect ranking could score on this index: a type the fixture holds 3 of reaches 0.3 at most.
    few = rec.items["articleType"].value_counts()
    rare = str(few[few.between(1, 9)].index[0])
    m = evaluate_text(rec, [{"query": rare.lower(), "articleType": rare},
                            {"query": "blue jeans", "articleType": others}])
    assert m["text_per_query"][0]["relevant_in_index"] == int(few[rare])
    # Named as the photo queries' ceilings are (it was text_precision_at_10_reachable, beside
    # precision_at_10_articleType_ceiling); the old keys stay one version, the same numbers, and are said deprecated.
    assert m["text_precision_at_10_ceiling"] == pytest.approx((few[rare] / 10 + min(10, few[others].sum()) / 10) / 2)
    assert m["text_per_query"][0]["precision_at_10_ceiling"] == pytest.approx(few[rare] / 10)
    assert m["text_precision_at_10_reachable"] == m["text_precision_at_10_ceiling"]
    assert all(p["reachable_precision_at_10"] == p["precision_at_10_ceiling"] for p in m["text_per_query"])
    assert m["deprecated_keys"]["text_precision_at_10_reachable"] == "text_precision_at_10_ceiling"
    assert m["text_queries_with_fewer_than_10_relevant"] == 1 + (few[others].sum() < 10)


def test_same_precision_on_faiss_and_milvus():
    """The backend changes where vectors live, not what is recommended."""
    faiss_m = evaluate_recs(shared_recommender("faiss"), fixture_catalog(), progress=False)
    milvus_m = evaluate_recs(shared_recommender("milvus"), fixture_catalog(), progress=False)
    for key in KEYS[:4]:
        assert milvus_m[key] == pytest.approx(faiss_m[key], abs=0.01), key


def test_evaluate_recs_cli_ranking(tmp_path):
    """--rank embedding switches the attribute terms off, and the JSON says which ranking was measured."""
    import json

    from _recs_support import FIXTURE, built_index
    from typer.testing import CliRunner

    from fashionrec.cli import app

    out = tmp_path / "m.json"
    args = ["evaluate-recs", str(FIXTURE), "--index", str(built_index()), "--no-text", "--limit", "5"]
    res = CliRunner().invoke(app, [*args, "--rank", "embedding", "--json", str(out)])
    assert res.exit_code == 0, res.output
    m = json.loads(out.read_text())
    assert m["ranking"]["attribute_weights"] == {} and m["ranking"]["neighbour_vote"]["weight"] == 0
    assert m["ranking"]["rank"] == "embedding" and m["n_queries"] == 5
    res = CliRunner().invoke(app, [*args, "--rank", "tagger", "--json", str(out)])
    m = json.loads(out.read_text())["ranking"]
    assert res.exit_code == 0 and m["attribute_weights"]["articleType"] > 0 and m["neighbour_vote"]["weight"] == 0
    res = CliRunner().invoke(app, [*args, "--json", str(out)])
    m = json.loads(out.read_text())["ranking"]
    assert res.exit_code == 0 and m["attribute_weights"]["articleType"] > 0 and m["neighbour_vote"]["weight"] > 0
    # `--json -`: the metrics alone on stdout, the printed lines on stderr.
    res = CliRunner().invoke(app, [*args, "--json", "-"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["ranking"] == m and "precision_at_10_articleType" in res.stderr
    # Why it could not tell the queries the model trained on: in the JSON too, as printed (the JSON had only None).
    why = json.loads(res.stdout)["trained_on_unknown"]
    assert f"could not check whether the model trained on some of these photos ({why})" in " ".join(res.stderr.split())
    # The fixture's rows without a usable photo, said (they were in a log line only).
    assert "rows of the query folder that gave no query:" in " ".join(res.output.split())
    assert json.loads(out.read_text())["queries"] == str(FIXTURE.resolve())
    res = CliRunner().invoke(app, [*args, "--rank", "colour"])
    assert res.exit_code != 0 and "--rank must be attributes, tagger or embedding" in res.output


def test_evaluate_recs_split_file_says_what_is_wrong(tmp_path):
    from _recs_support import FIXTURE, built_index
    from typer.testing import CliRunner

    from fashionrec.cli import app

    ids = fixture_catalog().usable["id"].tolist()
    good = tmp_path / "split.csv"
    good.write_text("id,split\n" + "".join(f"{i},{'test' if n < 4 else 'train'}\n" for n, i in enumerate(ids)))
    args = ["evaluate-recs", str(FIXTURE), "--index", str(built_index()), "--no-text"]

    def run(path, split="test"):
        return CliRunner(env={"COLUMNS": "300"}).invoke(app, [*args, "--split-file", str(path), "--split", split])

    res = run(good)
    assert res.exit_code == 0 and "n_queries" in res.output and " 4" in res.output.split("n_queries")[1][:60]
    for body, split, message in [
            (None, "test", "cannot read --split-file"),
            ("id,part\n1,test\n", "test", "needs the columns id,split"),
            (good.read_text(), "tset", "'tset' is not in"),
            ("id,split\nabc,test\n", "test", "'abc' is not an integer product id")]:
        path = tmp_path / "bad.csv"
        path.unlink(missing_ok=True)
        if body is not None:
            path.write_text(body)
        res = run(path, split)
        assert res.exit_code == 2 and message in res.output, (message, res.output)
    # --split alone picks from nothing: refused, not ignored.
    res = CliRunner(env={"COLUMNS": "300"}).invoke(app, [*args, "--split", "val"])
    assert res.exit_code == 2 and "--split val picks ids of a --split-file" in res.output


def test_evaluate_recs_refuses_a_bad_limit_or_split_file_before_the_index_loads(tmp_path):
    # --limit 0 and a missing --split-file were said after the index and the query catalogue loaded (on 40k
    # products, the seconds of the index and a minute of the catalogue).
    from typer.testing import CliRunner

    from fashionrec.cli import app

    none = str(tmp_path / "none")       # no index, no catalogue: the refusal comes first
    for extra, said in ((["--limit", "0"], "--limit must be at least 1"),
                        (["--split-file", none], "cannot read --split-file")):
        res = CliRunner().invoke(app, ["evaluate-recs", none, "--index", none, *extra, "--json", "-"])
        assert res.exit_code == 2 and said in res.stderr and said in res.stdout, (extra, res.output)


def test_evaluate_recs_takes_your_own_labelled_text_queries(tmp_path):
    import json

    from _recs_support import FIXTURE, built_index
    from typer.testing import CliRunner

    from fashionrec.cli import app

    args = ["evaluate-recs", str(FIXTURE), "--index", str(built_index()), "--limit", "3"]
    mine = tmp_path / "q.json"
    mine.write_text(json.dumps([{"query": "blue jeans", "articleType": "Jeans"}]))
    out = tmp_path / "m.json"
    res = CliRunner().invoke(app, [*args, "--text-queries", str(mine), "--json", str(out)])
    assert res.exit_code == 0, res.output
    m = json.loads(out.read_text())
    assert [q["query"] for q in m["text_per_query"]] == ["blue jeans"] and m["text_queries"] == str(mine)
    # Which model and index made the numbers, when.
    manifest = json.loads((built_index() / "manifest.json").read_text())
    assert m["model"]["name"] == manifest["model"]["name"] and len(m["model"]["sha256"]) == 64
    assert m["index"] == str(built_index().resolve()) and m["index_built"] == manifest["date"] and m["created"]
    res = CliRunner(env={"COLUMNS": "300"}).invoke(app, [*args, "--json", str(out)])
    assert len(json.loads(out.read_text())["text_per_query"]) > 10
    # A shop's own index scored the shipped queries (59 of 61 with under 10 relevant products there, text P@10
    # 0.13) without a word of the flags for its own (a new user's trial, stop 64): said where they are the shipped.
    said = " ".join(res.output.split())
    assert "text queries have fewer than 10 relevant products in this index" in said
    # The text ceiling printed under its one name; its old name is in the JSON, said deprecated, not printed twice.
    assert re.search(r"^text_precision_at_10_ceiling +[01]\.\d{4}$", res.output, re.M)
    assert not re.search(r"^text_precision_at_10_reachable ", res.output, re.M)
    assert json.loads(out.read_text())["deprecated_keys"]["text_precision_at_10_reachable"] == \
        "text_precision_at_10_ceiling"
    assert "these are the shipped queries, written for the Kaggle catalogue: `--text-queries FILE`" in said
    assert json.loads(out.read_text())["text_queries"].startswith("shipped")
    mine.write_text(json.dumps([{"query": "blue jeans", "brand": "Levis"}]))
    res = CliRunner(env={"COLUMNS": "300"}).invoke(app, [*args, "--text-queries", str(mine)])
    assert res.exit_code == 2 and "query 1: needs \"query\" and at least one of articleType" in res.output


def test_queries_the_index_holds_under_other_ids_are_counted():
    # A catalogue renumbered (the same photos under new ids) is no held-out query set: each photo finds its
    # copy first. Before, nothing said so (P@10 type + colour 0.891 against 0.691 on held-out products).
    queries = fixture_catalog().usable.iloc[:6].copy()
    queries["id"] = queries["id"] + 1_000_000
    m = evaluate_recs(shared_recommender(), queries, progress=False)
    assert m["n_queries_in_index_excluded_from_own_results"] == 0
    assert m["n_queries_copy_of_an_indexed_product"] == 6


def test_evaluate_recs_says_the_sampling_spread_of_its_precisions():
    # A maintainer's 297 held-out photos read P@10 type 0.8586 beside the README's 0.901 on 3,988, with nothing to
    # say whether that was the draw: each P@10 has its 95% interval, printed and in the JSON.
    import numpy as np
    from _recs_support import FIXTURE, built_index
    from typer.testing import CliRunner

    from fashionrec.cli import app
    from fashionrec.recs_eval import mean_interval

    m = evaluate_recs(shared_recommender(), fixture_catalog(), progress=False, limit=25)
    for key in ("precision_at_10_articleType", "precision_at_10_articleType_colour"):
        lo, hi = m[f"{key}_interval_95"]
        assert 0.0 <= lo <= m[key] <= hi <= 1.0 and type(lo) is float and type(hi) is float, key
    lo, hi = mean_interval([0.0, 1.0] * 50)        # 100 queries, half right: 0.5 +- 1.96 x 0.0503
    assert lo == pytest.approx(0.5 - 1.96 * np.std([0.0, 1.0] * 50, ddof=1) / 10) and hi == pytest.approx(1 - lo)
    assert mean_interval([0.7]) == [0.0, 1.0] and mean_interval([1.0] * 5) == [1.0, 1.0]
    res = CliRunner().invoke(app, ["evaluate-recs", str(FIXTURE), "--index", str(built_index()), "--no-text",
                                   "--limit", "5"])
    assert res.exit_code == 0 and "95% interval (n=5 queries) of P@10 on queries like these: type " in res.output


def test_a_relative_index_that_is_not_there_is_named_with_the_folder_it_was_looked_for_in(tmp_path, monkeypatch):
    # `evaluate-recs NEW --index runs/index` typed in another folder than the checkout said "no index at
    # runs/index", as though the shipped index were gone (a maintainer's trial): the folder looked in is named.
    from _recs_support import FIXTURE
    from typer.testing import CliRunner

    from fashionrec.cli import app

    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["evaluate-recs", str(FIXTURE), "--index", "runs/index", "--no-text"])
    said = " ".join(res.output.split())
    assert res.exit_code == 2 and f"no index at runs/index (here: {tmp_path.resolve() / 'runs' / 'index'};" in said


def test_the_held_out_commands_build_the_index_with_the_model_evaluated(tmp_path):
    # evaluate-recs of a shop's own model told to `index build runs/subsets/trainval` without --model: the shipped
    # model's index, not the one asked about (a new user's trial, stop 63).
    from types import SimpleNamespace

    from fashionrec.cli_recs import held_out_commands
    from fashionrec.tagger import SHIPPED_MODEL

    meta = {"split": {"config": {"seed": 3, "val_frac": 0.1, "test_frac": 0.2}}, "data": str(fixture_catalog().root)}
    own = tmp_path / "runs" / "train" / "shop" / "weights" / "best.safetensors"
    said = held_out_commands(SimpleNamespace(meta=meta, path=own))
    assert (f"`fashionrec index build runs/subsets_shop/trainval --model {own.resolve()} --out "
            "runs/index_trainval_shop`") in said
    assert "--seed 3 --val-frac 0.1 --test-frac 0.2 --folders runs/subsets_shop`" in said
    shipped = held_out_commands(SimpleNamespace(meta=meta, path=SHIPPED_MODEL))
    assert "`fashionrec index build runs/subsets/trainval --out runs/index_trainval`" in shipped


def test_the_held_out_commands_of_a_shops_model_leave_the_shipped_models_folders_alone(tmp_path):
    # A shop's hint named runs/subsets and runs/index_trainval, the README's folders of the shipped model's split
    # (7-9 minutes to build): run as printed, `data split --folders` and `index build --out` replaced them with the
    # shop's (a new user's trial, stop 64). Folders named after the run, for any model but the shipped one.
    from types import SimpleNamespace

    from fashionrec.cli_recs import held_out_commands

    meta = {"split": {"config": {"seed": 0}}, "data": str(fixture_catalog().root)}
    said = held_out_commands(SimpleNamespace(meta=meta, path=tmp_path / "runs" / "train" / "shop" / "weights"
                                             / "best.safetensors"))
    assert "runs/subsets " not in said and "runs/subsets/" not in said and "runs/index_trainval`" not in said
    assert "`fashionrec evaluate-recs runs/subsets_shop/test --index runs/index_trainval_shop`" in said
    assert "--split-file runs/subsets_shop/split.csv" in said
    ckpt = held_out_commands(SimpleNamespace(meta=meta, path=tmp_path / "mine.safetensors"))
    assert "--folders runs/subsets_mine`" in ckpt


def test_queries_only_the_model_it_was_started_from_saw_are_not_sent_to_remake_the_split():
    # A shop's model from `--init shipped`, queried with its own test split: 13 of 14 queries were the shipped
    # model's training photos, and evaluate-recs told the user to re-make that very split (a new user's trial,
    # stop 64). Said as the start model's, with what does help: photos of new products.
    from types import SimpleNamespace

    from fashionrec.cli_recs import trained_on_said

    tagger = SimpleNamespace(meta={"split": {"config": {"seed": 0}}, "data": str(fixture_catalog().root)}, path=None)
    started = trained_on_said({"n_queries_model_trained_on": 13, "n_queries_start_model_trained_on": 13,
                               "n_queries": 14}, tagger)
    assert started.startswith("13 of 14 queries are photos a model this one was started from (--init) trained")
    assert "no split of this catalogue leaves them out" in started and "data split" not in started
    mixed = trained_on_said({"n_queries_model_trained_on": 5, "n_queries_start_model_trained_on": 2,
                             "n_queries": 14}, tagger)
    assert "(2 of them only a model it was started from, --init, trained on" in mixed and "data split" in mixed
    own = trained_on_said({"n_queries_model_trained_on": 5, "n_queries_start_model_trained_on": 0,
                           "n_queries": 14}, tagger)
    assert own.startswith("5 of 14 queries are photos the model trained or was validated on: ") and "--init" not in own
