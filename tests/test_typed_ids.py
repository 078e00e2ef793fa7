"""A product id as a user types it (stop 73): the number, or the id as the shop's export writes it (a Shopify
Handle, a zero-padded "0015970"), read through the index's own record of its ids as written (its manifest's
ids_as_written), by the CLI's verbs and the API's paths and bodies; one naming no product said as typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fashionrec.api.app import create_app
from fashionrec.api.settings import Settings
from fashionrec.cli import app
from fashionrec.recommend import Recommender

runner = CliRunner()
KEY = "typed-ids-key"


@pytest.fixture()
def shop_index(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A copy of the fixture index whose first three products the shop writes as two Handles (what a Shopify export
    without an id column records, stop 73's h73shop) and a zero-padded id: {as written: the number}."""
    from _recs_support import index_copy

    d = index_copy(tmp_path / "index")
    manifest_path = d / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    first = [int(i) for i in Recommender.load(d).items["id"][:3]]
    spelt = {"french-connection-men-black-tobacco-belt-942": first[0], "navy-tee": first[1],
             f"00{first[2]}": first[2]}
    manifest["ids_as_written"] = {str(i): w for w, i in spelt.items()}
    manifest_path.write_text(json.dumps(manifest))
    return d, spelt


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_cli_takes_an_id_as_the_shop_writes_it(shop_index) -> None:
    d, spelt = shop_index
    belt, tee = spelt["french-connection-men-black-tobacco-belt-942"], spelt["navy-tee"]
    index = ["--index", str(d)]
    # Before, "french-connection-..." was refused by the parser: "ITEM_ID ... is not a whole number".
    for verb in ("similar", "outfit"):
        by_handle = _json(["recommend", verb, "french-connection-men-black-tobacco-belt-942", *index])
        assert by_handle == _json(["recommend", verb, str(belt), *index]), verb
    padded = next(w for w in spelt if w.startswith("00"))
    assert _json(["recommend", "similar", padded, *index]) == \
        _json(["recommend", "similar", str(spelt[padded]), *index])
    assert _json(["recommend", "profile", "navy-tee", str(belt), *index]) == \
        _json(["recommend", "profile", str(tee), str(belt), *index])
    # A Handle in another case, where one alone matches it.
    assert _json(["recommend", "similar", "Navy-Tee", *index]) == \
        _json(["recommend", "similar", str(tee), *index])
    # One naming no product: said as typed, with a close spelling where there is one.
    result = runner.invoke(app, ["recommend", "similar", "navy-tees", *index])
    said = " ".join(result.stderr.replace("│", " ").split())
    assert result.exit_code == 2 and "there is no product 'navy-tees'" in said and "did you mean 'navy-tee'?" in said, \
        said
    result = runner.invoke(app, ["recommend", "outfit", "0099999999", *index])
    said = " ".join(result.stderr.replace("│", " ").split())
    assert result.exit_code == 2 and "'0099999999', read as 99999999: there is no product 99999999" in said, said
    # index remove by its Handle takes that product out.
    removed = _json(["index", "remove", "navy-tee", *index])
    assert [item["id"] for item in removed["removed"]] == [tee]
    assert tee not in set(Recommender.load(d).items["id"])


def test_the_api_takes_an_id_as_the_shop_writes_it(shop_index) -> None:
    d, spelt = shop_index
    handle = "french-connection-men-black-tobacco-belt-942"
    belt, tee = spelt[handle], spelt["navy-tee"]
    with TestClient(create_app(Settings(index_dir=d, api_key=KEY))) as c:
        # Before, each of these was a 422: "Input should be a valid integer".
        item = c.get(f"/api/items/{handle}")
        assert item.status_code == 200 and item.json()["id"] == belt, item.text
        assert item.json()["id_as_written"] == handle
        # Its photo's address names it as the shop does (stop 74's h74user: /images/<the hash>.jpg, the shop's access
        # log never naming its own id); the number still serves it, a zero-padded id keeps its number.
        assert item.json()["image_url"] == f"/images/{handle}.jpg", item.text
        photo = c.get(item.json()["image_url"])
        assert photo.status_code == 200 and photo.content == c.get(f"/images/{belt}.jpg").content
        padded = next(w for w in spelt if w.startswith("00"))
        assert c.get(f"/api/items/{padded}").json()["image_url"] == f"/images/{spelt[padded]}.jpg"
        assert c.get("/images/navy-tees.jpg").status_code == 404
        for path in ("similar", "outfit", "other-colours"):
            assert c.get(f"/api/items/{handle}/{path}").json() == c.get(f"/api/items/{belt}/{path}").json(), path
        assert c.get(f"/item/{handle}").status_code == 200
        got = c.get("/api/items", params={"ids": f"navy-tee,{belt}"}).json()
        assert [x["id"] for x in got["items"]] == [tee, belt]
        liked = c.post("/api/recommend/profile", json={"liked": ["navy-tee", belt], "k": 5})
        assert liked.status_code == 200 and liked.json() == \
            c.post("/api/recommend/profile", json={"liked": [tee, belt], "k": 5}).json()
        # Unknown: a 404 naming what was sent.
        missing = c.get("/api/items/navy-tees")
        assert missing.status_code == 404 and "there is no product 'navy-tees'" in missing.json()["detail"]
        assert "'nothing-here'" in c.get("/api/items", params={"ids": "nothing-here"}).json()["detail"]
        # The changes: a level set and a product removed by its Handle.
        level = c.put(f"/api/items/{handle}/stock", json={"stock": 0}, headers={"X-API-Key": KEY})
        assert level.status_code == 200 and level.json()["sold_out"] == [belt], level.text
        gone = c.delete("/api/items/navy-tee", headers={"X-API-Key": KEY})
        assert gone.status_code == 200 and gone.json()["id"] == tee, gone.text
        assert c.get(f"/api/items/{tee}").status_code == 404


def test_stock_is_set_and_said_by_ids_as_the_shop_writes_them(shop_index, tmp_path: Path) -> None:
    # Before stop 74 `index stock ID=LEVEL`, `--from` a file of ids and PUT /api/stock took numbers alone: a Handle
    # was "'navy-tee' is no product id" (or "not an integer" in a file), and what was set was said by number.
    d, spelt = shop_index
    handle = "french-connection-men-black-tobacco-belt-942"
    belt, tee = spelt[handle], spelt["navy-tee"]
    padded = next(w for w in spelt if w.startswith("00"))
    index = ["--index", str(d)]
    said = _json(["index", "stock", f"{handle}=0", f"{padded}=3", "navy-tee=yes", *index])
    levels = Recommender.load(d).items.set_index("id")["stock"]
    assert (levels[belt], levels[spelt[padded]]) == (0, 3), levels
    assert said["sold_out"] == [belt] and said["sold_out_as_written"] == [handle], said
    assert said["stock_as_written"] == {handle: 0, padded: 3, "navy-tee": 1}, said
    assert said["stock"] == {str(belt): 0, str(spelt[padded]): 3, str(tee): 1}, said
    # The summary names what is sold out as the shop writes it, not by the hash.
    result = runner.invoke(app, ["index", "stock", "navy-tee=0", *index])
    text = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code == 0 and "1 of them sold out (navy-tee)" in text and str(tee) not in text, text
    # A file of ids as the shop writes them, read as the same products.
    levels_file = tmp_path / "levels.csv"
    levels_file.write_text(f"id,stock\n{handle},5\nNavy-Tee,0\n{padded},0\n", encoding="utf-8")
    said = _json(["index", "stock", "--from", str(levels_file), *index])
    assert said["stock_as_written"] == {handle: 5, "navy-tee": 0, padded: 0}, said
    assert sorted(said["sold_out_as_written"]) == sorted(["navy-tee", padded]), said
    # A Handle that names nothing is still refused, said as written, nothing set.
    result = runner.invoke(app, ["index", "stock", "navy-tees=0", f"{handle}=1", *index])
    assert result.exit_code == 2 and "'navy-tees' is no product id" in " ".join(result.stderr.split()), result.stderr
    assert Recommender.load(d).items.set_index("id")["stock"][belt] == 5
    # A removed product's Handle is skipped by --skip-unknown, listed by its number and as written.
    _json(["index", "remove", "navy-tee", *index])
    said = _json(["index", "stock", "navy-tee=4", f"{handle}=2", "--skip-unknown", *index])
    assert (said["skipped"], said["skipped_as_written"]) == ([tee], ["navy-tee"]), said
    assert said["stock_as_written"] == {handle: 2}, said


def test_the_api_sets_stock_by_ids_as_the_shop_writes_them(shop_index) -> None:
    d, spelt = shop_index
    handle = "french-connection-men-black-tobacco-belt-942"
    belt, tee = spelt[handle], spelt["navy-tee"]
    with TestClient(create_app(Settings(index_dir=d, api_key=KEY))) as c:
        put = c.put("/api/stock", json={"levels": {handle: 0, "navy-tee": 6}}, headers={"X-API-Key": KEY})
        assert put.status_code == 200, put.text      # before: a 422, "'french-connection-...' is no product id"
        said = put.json()
        assert said["stock"] == {str(belt): 0, str(tee): 6} and said["sold_out"] == [belt], said
        assert said["stock_as_written"] == {handle: 0, "navy-tee": 6}, said
        assert said["sold_out_as_written"] == [handle], said
        assert c.get(f"/api/items/{tee}").json()["stock"] == 6
        assert c.delete("/api/items/navy-tee", headers={"X-API-Key": KEY}).status_code == 200
        skipped = c.put("/api/stock?skip_unknown=true", json={"levels": {handle: 1, "navy-tee": 0}},
                        headers={"X-API-Key": KEY}).json()
        assert (skipped["skipped"], skipped["skipped_as_written"]) == ([tee], ["navy-tee"]), skipped
        typo = c.put("/api/stock", json={"levels": {"navy-tees": 0}}, headers={"X-API-Key": KEY})
        assert typo.status_code == 422 and "'navy-tees' is no product id" in typo.json()["detail"], typo.text


def test_a_close_spelling_is_offered_from_every_spelling_of_a_large_shop() -> None:
    # A review of stop 73: "did you mean" looked at the first 20,000 spellings alone (difflib over them took 0.4 s),
    # so a typo of a 40k-product shop's later Handles was offered nothing.
    from fashionrec.shop_ids import handle_id
    from fashionrec.typed_ids import no_such_id, typed_reader

    written = {str(handle_id(f"tee-{i:05d}-navy")): f"tee-{i:05d}-navy" for i in range(25_000)}
    said = str(no_such_id("tee-24999-navvy", written, len(written)))
    assert "did you mean 'tee-24999-navy'?" in said, said
    read = typed_reader(written, lambda _: False)
    assert read("TEE-24999-NAVY") == handle_id("tee-24999-navy")
    assert read("tee-25000-navy") is None


def test_a_changed_record_of_ids_as_written_is_read_at_once(shop_index) -> None:
    # The spellings are looked up by a table kept between ids (each id scanned every spelling twice: 0.4-0.6 s of
    # a profile of 200 Handles at 40k): a change's new record is read, not the table of the one before.
    d, spelt = shop_index
    rec = Recommender.load(d)
    tee = spelt["navy-tee"]
    assert rec.id_named("navy-tee") == tee
    rec.manifest["ids_as_written"] = {**rec.manifest["ids_as_written"], str(tee): "navy-tee-2"}
    assert rec.id_named("navy-tee-2") == tee
    with pytest.raises(Exception, match="there is no product 'navy-tee'"):
        rec.id_named("navy-tee")


def test_levels_are_set_by_an_id_as_the_shop_writes_it_in_a_batch_too(shop_index) -> None:
    # A review of stop 73: PUT /api/items/navy-tee/stock took the Handle, PUT /api/stock {"navy-tee": 0} and
    # `index stock navy-tee=0` refused it ("'navy-tee' is no product id"), a shop keyed by its Handles syncing its
    # stock in a batch refused whole.
    d, spelt = shop_index
    tee, padded = spelt["navy-tee"], next(w for w in spelt if w.startswith("00"))
    with TestClient(create_app(Settings(index_dir=d, api_key=KEY))) as c:
        put = c.put("/api/stock", json={"levels": {"navy-tee": 0, padded: 4}}, headers={"X-API-Key": KEY})
        assert put.status_code == 200 and put.json()["sold_out"] == [tee], put.text
        assert c.get("/api/items/navy-tee").json()["stock"] == 0
        # What names no product is refused as before, every level left as it was.
        bad = c.put("/api/stock", json={"levels": {"navy-tees": 3, "navy-tee": 5}}, headers={"X-API-Key": KEY})
        assert bad.status_code == 422 and "'navy-tees' is no product id" in bad.text, bad.text
        assert c.get("/api/items/navy-tee").json()["stock"] == 0
    set_by_cli = _json(["index", "stock", "navy-tee=7", "--index", str(d)])
    assert Recommender.load(d).item(tee)["stock"] == 7, set_by_cli


def test_a_list_of_ids_names_every_one_that_names_no_product(shop_index) -> None:
    # A review of stop 73: "-3,x" said '-3' alone (the first id_named refused), where every part that was no id had
    # been named; a shop's list of 200 ids was fixed one part at a time.
    d, spelt = shop_index
    with TestClient(create_app(Settings(index_dir=d, api_key=KEY))) as c:
        got = c.get("/api/items", params={"ids": "navy-tees,-3,navy-tee,x"})
        said = got.json()["detail"]
        assert got.status_code == 404 and "3 of the ids name no product ('navy-tees', '-3', 'x')" in said, said
        assert "did you mean 'navy-tee'?" in said
        picks = c.get("/api/recommend/profile", params={"ids": "navy-tee,-3,x"})
        assert picks.status_code == 404 and "2 of the ids name no product ('-3', 'x')" in picks.json()["detail"]
        # One alone is said as before.
        one = c.get("/api/items", params={"ids": "navy-tee,x"}).json()["detail"]
        assert one.startswith("there is no product 'x'"), one


def test_the_cli_table_names_each_result_by_its_id_as_the_shop_writes_it(tmp_path: Path) -> None:
    # Stop 74's new user: a shop keyed by SKU codes got tables of the numbers made from them ("6560957937487389"),
    # which name no product the shop knows; the table now gives each result's SKU, as the JSON's id_as_written does.
    from _recs_support import index_copy

    d = index_copy(tmp_path / "index")
    manifest_path = d / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    ids = [int(i) for i in Recommender.load(d).items["id"]]
    manifest["ids_as_written"] = {str(i): f"SKU-{i}" for i in ids}
    manifest_path.write_text(json.dumps(manifest))
    result = runner.invoke(app, ["recommend", "similar", f"SKU-{ids[0]}", "--index", str(d), "-k", "5"])
    assert result.exit_code == 0, result.output
    shown = [line.split("│")[1].strip() for line in result.stdout.splitlines() if line.startswith("│")]
    shown = [cell for cell in shown if cell]        # a wrapped reason's second line has an empty id cell
    assert len(shown) == 5 and all(cell.startswith("SKU-") for cell in shown), result.stdout


def test_a_handle_the_index_never_had_is_skipped_by_the_id_it_makes(shop_index, tmp_path: Path) -> None:
    # Stop 74 (h74ids): on an index whose ids are made from Handles, `index stock NEW-HANDLE=4 --skip-unknown` and a
    # --from file naming it in its id column were refused whole ("is no product id", "is not an integer"), while the
    # same product in a Shopify export's Handle column was skipped by its hash. Now skipped and listed by the id its
    # Handle makes; without --skip-unknown refused, saying so and what to do.
    from fashionrec.shop_ids import handle_id

    d, spelt = shop_index
    manifest_path = d / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    # An index whose ids are made from its Handles: the spelling it records first hashes to its id.
    manifest["ids_as_written"] = {str(handle_id("gone-tee")): "gone-tee", **manifest["ids_as_written"]}
    manifest_path.write_text(json.dumps(manifest))
    handle = "french-connection-men-black-tobacco-belt-942"
    index = ["--index", str(d)]
    said = _json(["index", "stock", "new-tee=4", f"{handle}=2", "--skip-unknown", *index])
    assert (said["skipped"], said["skipped_as_written"]) == ([handle_id("new-tee")], ["new-tee"]), said
    assert said["stock_as_written"] == {handle: 2}, said
    levels_file = tmp_path / "levels.csv"
    levels_file.write_text(f"id,stock\n{handle},5\nnew-tee,0\n", encoding="utf-8")
    said = _json(["index", "stock", "--from", str(levels_file), "--skip-unknown", *index])
    assert said["skipped_as_written"] == ["new-tee"] and said["stock_as_written"] == {handle: 5}, said
    result = runner.invoke(app, ["index", "stock", "--from", str(levels_file), *index])
    text = " ".join(result.stderr.split())
    assert result.exit_code == 2 and "'new-tee' is no product of this index" in text and "--skip-unknown" in text, text
    assert Recommender.load(d).items.set_index("id")["stock"][spelt[handle]] == 5       # nothing changed
    with TestClient(create_app(Settings(index_dir=d, api_key=KEY))) as c:
        put = c.put("/api/stock?skip_unknown=true", json={"levels": {"new-tee": 1, handle: 0}},
                    headers={"X-API-Key": KEY})
        assert put.status_code == 200 and put.json()["skipped"] == [handle_id("new-tee")], put.text
        assert put.json()["skipped_as_written"] == ["new-tee"], put.text


def test_a_photos_address_is_the_id_as_written_unless_a_slash_would_break_it() -> None:
    from fashionrec.api.schemas import image_url

    assert image_url(7, "SKU-10021", "/recs") == "/recs/images/SKU-10021.jpg"
    assert image_url(7, "navy tee#2") == "/images/navy%20tee%232.jpg"
    assert image_url(7, "ts_navy/42") == image_url(7, "0000007") == image_url(7, None) == "/images/7.jpg"


def test_the_python_verbs_take_an_id_as_the_shop_writes_it(shop_index) -> None:
    # Stop 75's new user, following the README's Python column: Recommender.load(dir).similar("a-handle") said
    # "item id must be an integer, got 'a-handle'" where `recommend similar a-handle` and the API took it.
    from fashionrec.errors import NotFoundError

    d, spelt = shop_index
    rec = Recommender.load(d)
    handle = "french-connection-men-black-tobacco-belt-942"
    belt, tee = spelt[handle], spelt["navy-tee"]
    assert [r.id for r in rec.similar(handle, k=5)] == [r.id for r in rec.similar(belt, k=5)]
    assert [r.id for r in rec.complete_the_look(handle)] == [r.id for r in rec.complete_the_look(belt)]
    assert [r.id for r in rec.for_profile([handle, "navy-tee"], k=5)] == [r.id for r in rec.for_profile([belt, tee],
                                                                                                       k=5)]
    assert rec.item(handle)["id"] == belt and tee not in [r.id for r in rec.similar(handle, k=5,
                                                                                     exclude_ids=["navy-tee"])]
    with pytest.raises(NotFoundError, match="no product 'no-such-handle'"):
        rec.similar("no-such-handle")
    # A Handle of digits ("2024", no product's number) as the API reads it: "no product 2024", and an exclude_ids
    # of it left the product in (stop 76, h76review).
    rec.manifest = {**rec.manifest, "ids_as_written": {**rec.manifest["ids_as_written"], str(tee): "2024"}}
    assert rec.item("2024")["id"] == tee == rec.id_typed("2024")
    assert [r.id for r in rec.similar("2024", k=5)] == [r.id for r in rec.similar(tee, k=5)]
    assert tee not in [r.id for r in rec.similar(belt, k=len(rec.items) - 1, exclude_ids=["2024"])]


def test_an_unknown_id_is_answered_with_an_example_the_catalogue_holds() -> None:
    # Stop 76's README run: a shop's 178-product index answered "abc" with "e.g. 15970", the Kaggle catalogue's
    # product, which this shop lacks; the example is now one of its own products.
    from _recs_support import shared_recommender

    rec = shared_recommender()
    with pytest.raises(LookupError) as said:
        rec.id_named("abc")         # how the CLI and the API read a typed id
    example = int(str(said.value).rsplit("e.g. ", 1)[1])
    assert example in set(rec.items["id"]), str(said.value)
