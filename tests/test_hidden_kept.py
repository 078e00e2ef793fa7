"""Products a shop hides, kept and hidden (stop 74): stop 73 left a product its export hides ("Product Visible?" N)
out of the catalogue, so the shop could not ask for it by id, one hidden after a build stayed shown until the next,
`index stock --from` of such an export did not hide it, and "Allow Purchases?" N (shown, not for sale) was read past.
Now it is indexed and never shown to a shopper (sold-out products asked for or not), said hidden by id, hidden and
shown again without a rebuild (`index stock --hide/--unhide`, ``PUT /api/items/{id}/hidden``, ``--from``)."""

from __future__ import annotations

import html
import logging
import shutil

import pandas as pd
import pytest
from _recs_support import FIXTURE, index_copy, tiny_tagger_path
from fastapi.testclient import TestClient
from PIL import Image
from test_stock import _lists
from typer.testing import CliRunner

from fashionrec.api import Settings, create_app
from fashionrec.catalog import COLUMNS, load_catalog
from fashionrec.cli import app
from fashionrec.recommend import Recommender
from fashionrec.stock import sold_out_shown

KEY = "k" * 32


def _visible_shop(folder, hidden_every: int = 0, column: str = "Product Visible?"):
    """A copy of the fixture catalogue with a ``column`` (Y/N): N for every ``hidden_every``-th T-shirt (none for 0);
    (the folder, the hidden ids, the other T-shirts' ids)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "images").exists():
        shutil.copytree(FIXTURE / "images", folder / "images")
    table = load_catalog(FIXTURE, check_images=False, progress=False, warn=False).table[COLUMNS].copy()
    tees = [i for i, t in enumerate(table["articleType"]) if t == "Tshirts"]
    hide = set(tees[::hidden_every][:3]) if hidden_every else set()
    table[column] = ["N" if i in hide else "Y" for i in range(len(table))]
    table["stock_qty"] = "5"
    table.to_csv(folder / "styles.csv", index=False)
    ids = table["id"].astype(int).tolist()
    return folder, sorted(ids[i] for i in hide), [ids[i] for i in tees if i not in hide]


def _built(tmp_path, hidden_every: int = 2):
    from test_api import build_test_index

    folder, hidden, shown = _visible_shop(tmp_path / "shop", hidden_every)
    catalog = load_catalog(folder, progress=False, warn=False)
    return build_test_index(catalog, tmp_path / "built"), folder, hidden, shown


def _everything_listed(rec: Recommender, src: int) -> set[int]:
    photo = Image.open(rec.image_path(src))
    return {i for ids in _lists(rec, src, photo).values() for i in ids}


def test_a_product_the_export_hides_is_indexed_never_listed_and_said_hidden_by_id(tmp_path):
    d, _, hidden, shown = _built(tmp_path)
    assert hidden
    rec = Recommender.load(d, tiny_tagger_path())
    # In the index (stop 73 left it out: asking for it was "no product"), never in a list a shopper sees...
    assert set(hidden) <= set(rec._row) and rec.hidden_rows().sum() == len(hidden)
    listed = _everything_listed(rec, shown[0])
    with sold_out_shown():      # ... not even where a call asks for sold-out products
        listed |= _everything_listed(rec, shown[0])
    assert listed and not listed & set(hidden)
    # ... nor a similar item of one asked for by the shop, whose own answer says it is hidden and why.
    assert not {r.id for r in rec.similar(hidden[0], k=10)} & set(hidden)
    item = rec.item(hidden[0])
    assert item["hidden"] is True and item["hidden_by"] == "'Product Visible?' is 'N'"
    assert rec.item(shown[0])["hidden"] is False
    with TestClient(create_app(Settings(index_dir=d, model_path=tiny_tagger_path(), api_key=KEY))) as c:
        got = c.get(f"/api/items/{hidden[0]}", headers={"X-API-Key": KEY}).json()     # the shop's alone (stop 76)
        assert got["hidden"] is True and got["hidden_by"] == "'Product Visible?' is 'N'", got
        assert c.get(f"/api/items/{shown[0]}").json()["hidden"] is False
        found = c.get("/api/search/text?q=tshirts&k=50&include_sold_out=true").json()["results"]
        assert found and not {r["id"] for r in found} & set(hidden)
        # Its page, a shopper's, is not shown (a draft's name and price may not be final); a shown one's is.
        name = rec.item(hidden[0])["productDisplayName"]
        page = c.get(f"/item/{hidden[0]}")
        assert page.status_code == 404 and name not in page.text
        assert c.get(f"/item/{shown[0]}").status_code == 200
        # A search whose products are all hidden says nothing matches, as of a word the catalogue never had; it said
        # "No product matches 'belts' with the filters chosen" where none was chosen (stop 75).
        served = c.app.state.service.rec
        kinds = served.items.loc[~served.hidden_rows(), "articleType"].value_counts()
        kind = kinds.index[-1]      # the rarest type shown
        served.set_hidden(dict.fromkeys(map(int, served.items.loc[served.items["articleType"] == kind, "id"]), True))
        page = html.unescape(c.get("/", params={"q": kind.lower()}).text)
        assert f"Nothing in the catalogue matches '{kind.lower()}'" in page and "filters chosen" not in page, kind
        # The API said 0 results, parsed the type and no note, to anyone; and no note of a type the catalogue lacks
        # either (stop 76). To a shopper, now as that type; to the shop (its key), why.
        lacked = c.get("/api/search/text", params={"q": "sarees"}).json()
        shopper = c.get("/api/search/text", params={"q": kind.lower()}).json()
        shop = c.get("/api/search/text", params={"q": kind.lower()}, headers={"X-API-Key": KEY}).json()
    assert not lacked["results"] and lacked["note"].startswith("nothing in the catalogue matches 'sarees'"), lacked
    assert not shopper["results"] and kind not in str(shopper["parsed"]), shopper
    assert shopper["note"] == lacked["note"].replace("sarees", kind.lower()), shopper
    assert shop["parsed"]["articleType"] == [kind] and f"every product of articleType {kind!r}" in shop["note"], shop
    # ... and the CLI (the shop's) says so too.
    out = CliRunner().invoke(app, ["recommend", "text", kind.lower(), "--index", str(d), "--model",
                                   str(tiny_tagger_path())])
    assert f"every product of articleType {kind!r}" in " ".join(out.output.replace("│", " ").split()), out.output


def test_index_stock_hides_and_shows_a_product_without_a_rebuild_and_the_api_does_too(tmp_path):
    d = index_copy(tmp_path / "index")
    rec = Recommender.load(d, tiny_tagger_path())
    src = int(rec.items.loc[rec.items["articleType"] == "Tshirts", "id"].iloc[0])
    first, second = (r.id for r in rec.similar(src, k=2))
    run = CliRunner().invoke
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    out = run(app, ["index", "stock", "--hide", f"{first},999999", *model])     # an unknown id: nothing changes
    assert out.exit_code == 2 and "999999" in out.output, out.output
    assert not Recommender.load(d, tiny_tagger_path()).is_hidden(first)
    out = run(app, ["index", "stock", "--hide", str(first), "--unhide", str(first), *model])
    assert out.exit_code == 2 and "both --hide and --unhide" in out.output, out.output
    out = run(app, ["index", "stock", "--hide", f"{first},{second}", *model])
    assert out.exit_code == 0 and "hid 2 products" in out.output, out.output
    again = Recommender.load(d, tiny_tagger_path())
    assert again.is_hidden(first) and again.is_hidden(second)
    assert not _everything_listed(again, src) & {first, second}
    with TestClient(create_app(Settings(index_dir=d, model_path=tiny_tagger_path(), api_key=KEY))) as c:
        assert c.get(f"/api/items/{first}", headers={"X-API-Key": KEY}).json()["hidden"] is True     # (stop 76)
        assert c.put(f"/api/items/{first}/hidden", json={"hidden": False}).status_code == 401
        got = c.put(f"/api/items/{first}/hidden", json={"hidden": False}, headers={"X-API-Key": KEY})
        assert got.status_code == 200 and got.json()["changed"] is True and got.json()["hidden_in_index"] == 1
        ids = [r["id"] for r in c.get(f"/api/items/{src}/similar?k=5").json()["results"]]
        assert first in ids and second not in ids
        got = c.put(f"/api/items/{second}/hidden", json={"hidden": True}, headers={"X-API-Key": KEY}).json()
        assert got["changed"] is False
    assert Recommender.load(d, tiny_tagger_path()).hidden_rows().sum() == 1     # saved
    out = run(app, ["index", "stock", "--unhide", str(second), *model])
    assert out.exit_code == 0 and not Recommender.load(d, tiny_tagger_path()).hidden_rows().any(), out.output
    # A hidden product removed is no longer recorded hidden (added again with its id, it is shown, as any added).
    rec = Recommender.load(d, tiny_tagger_path())
    rec.set_hidden({first: True}, save=False)
    rec.remove_products([first], save=False)
    assert "hidden" in rec.manifest and str(first) not in rec.manifest["hidden"]


def test_index_stock_from_an_export_hides_those_it_hides_and_shows_those_it_shows(tmp_path):
    d, folder, hidden, shown = _built(tmp_path, hidden_every=0)     # built with every product shown
    assert not Recommender.load(d, tiny_tagger_path()).hidden_rows().any()
    _, now_hidden, still_shown = _visible_shop(folder, hidden_every=2)       # the shop's next export hides some
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    # ... and one the export shows the shop hid by hand: the hand's hide stands against the file, said (stop 75: an
    # export saying "active" showed it again, where a rebuild kept it hidden).
    by_hand = still_shown[0]
    assert CliRunner().invoke(app, ["index", "stock", "--hide", str(by_hand), *model]).exit_code == 0
    out = CliRunner().invoke(app, ["index", "stock", "--from", str(folder / "styles.csv"), "--skip-unknown", *model])
    assert out.exit_code == 0 and f"hid {len(now_hidden)} products" in out.output, out.output
    assert f"kept 1 product hidden by hand though {folder / 'styles.csv'} shows it ({by_hand})" in " ".join(
        out.output.split()), out.output
    rec = Recommender.load(d, tiny_tagger_path())
    assert sorted(int(i) for i in rec._ids[rec.hidden_rows()]) == sorted([*now_hidden, by_hand])
    _visible_shop(folder, hidden_every=0)       # ... and the next shows them again, not the one hidden by hand
    out = CliRunner().invoke(app, ["index", "stock", "--from", str(folder / "styles.csv"), "--skip-unknown", *model])
    assert out.exit_code == 0 and f"showed {len(now_hidden)} again" in out.output, out.output
    rec = Recommender.load(d, tiny_tagger_path())
    assert [int(i) for i in rec._ids[rec.hidden_rows()]] == [by_hand]


def test_a_rebuild_keeps_the_hands_hide_over_any_file_and_a_files_hide_until_a_newer_file_shows_it():
    # The rule `index stock --from` keeps too (stop 75): the hand's hide stands until unhidden by hand; a file's
    # (a build's, or --from's) goes when a newer file shows the product.
    from fashionrec.visibility import HIDDEN, HIDDEN_BUILT, HIDDEN_BY_FILE, HIDDEN_BY_HAND, hidden_at_build

    ids, why = [1, 2, 3], "'Product Visible?' is 'N'"
    # Built with 1 shown; hidden by hand since; the next file hides it: the hand's word kept, not the file's.
    built = hidden_at_build({1: why}, ids, {HIDDEN: {"1": HIDDEN_BY_HAND}, HIDDEN_BUILT: []})
    assert built == {1: HIDDEN_BY_HAND}
    # ... and a newer file shows it again: still hidden (it was shown, the hand's hide lost under the file's).
    assert hidden_at_build({}, ids, {HIDDEN: {"1": HIDDEN_BY_HAND}, HIDDEN_BUILT: [1]}) == {1: HIDDEN_BY_HAND}
    # Hidden by an export through --from since the build, the file rebuilt showing it as it did at that build: kept,
    # as a level set since is (stop 76, h76keep; stop 75 showed it, the build's word taken for a newer one).
    assert hidden_at_build({}, ids, {HIDDEN: {"2": HIDDEN_BY_FILE}, HIDDEN_BUILT: []}) == {2: HIDDEN_BY_FILE}
    # ... and so from a file with no visibility column, which shows nothing (stop 76, h76review).
    assert hidden_at_build({}, ids, {HIDDEN: {"2": HIDDEN_BY_FILE}}, file_says=False) == {2: HIDDEN_BY_FILE}
    # ... but where the file hid it at that build and shows it now, its changed word wins: shown.
    assert hidden_at_build({}, ids, {HIDDEN: {"2": HIDDEN_BY_FILE}, HIDDEN_BUILT: [2]}) == {}
    # ... and where it hides it now, hidden for the file's reason.
    assert hidden_at_build({2: why}, ids, {HIDDEN: {"2": HIDDEN_BY_FILE}, HIDDEN_BUILT: []}) == {2: why}
    # Shown by hand since the build, the file hiding it as it did then: shown (as before).
    assert hidden_at_build({3: why}, ids, {HIDDEN: {}, HIDDEN_BUILT: [3]}) == {}


def test_a_rebuild_keeps_a_product_hidden_since_unless_the_file_changed_its_word(tmp_path, caplog):
    from fashionrec.tagger import Tagger
    from fashionrec.visibility import HIDDEN_SET_SINCE

    d, folder, hidden, shown = _built(tmp_path)
    rec = Recommender.load(d, tiny_tagger_path())
    rec.set_hidden({shown[0]: True, hidden[0]: False})
    # ... and one hidden by a newer export (`index stock --from`): kept as the hand's is, while the file says of it
    # what it said at the build (stop 76, h76keep: shown again, where a level set since was kept).
    rec.set_hidden({shown[1]: True}, by_file=[shown[1]])
    catalog = load_catalog(folder, progress=False, warn=False)
    with caplog.at_level(logging.INFO, logger="fashionrec"):
        rebuilt = Recommender.build(catalog, Tagger.load(tiny_tagger_path()), d, progress=False)
    rec = Recommender.load(d, tiny_tagger_path())
    assert rec.is_hidden(shown[0]) and not rec.is_hidden(hidden[0])     # kept: the file says what it said
    assert rec.is_hidden(shown[1])
    assert all(rec.is_hidden(i) for i in hidden[1:])
    # Said, as the levels kept are: in the manifest and the build's summary.
    assert rebuilt.manifest[HIDDEN_SET_SINCE] == {"hidden_ids": sorted(shown[:2]), "by_hand_ids": [shown[0]],
                                                  "shown_ids": [hidden[0]]}
    said = " ".join(caplog.messages)
    assert "kept 2 products hidden since the last build though styles.csv shows them" in said, said
    assert f"kept 1 product shown since the last build though styles.csv hides it ({hidden[0]})" \
        in said.replace("(ids ", "("), said
    # hidden[0], shown since, hidden again by an export: the file that hid it at the build shows it below.
    rec.set_hidden({hidden[0]: True}, by_file=[hidden[0]])
    # The file now shows every product: where it changed its word (hidden's rows no longer N), it wins.
    _visible_shop(folder, hidden_every=0)
    Recommender.build(load_catalog(folder, progress=False, warn=False), Tagger.load(tiny_tagger_path()), d,
                      progress=False)
    rec = Recommender.load(d, tiny_tagger_path())
    assert rec.is_hidden(shown[0]) and rec.is_hidden(shown[1])      # hidden since, the file shows them as it did
    assert not any(rec.is_hidden(i) for i in hidden)     # the file shows them now: its newer word wins


def test_a_copy_of_the_levels_says_which_are_hidden_and_from_sets_them_again(tmp_path):
    d, _, hidden, shown = _built(tmp_path)
    run = CliRunner().invoke
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    out = run(app, ["index", "stock", "--list", *model])
    line = next(x for x in out.output.splitlines() if x.split() and x.split()[0] == str(hidden[0]))
    assert "hidden" in line and f"{len(hidden)} hidden by the shop" in out.output, out.output
    copy = tmp_path / "copy.csv"
    assert run(app, ["index", "stock", "--export", str(copy), *model]).exit_code == 0
    assert run(app, ["index", "stock", "--unhide", ",".join(map(str, hidden)), "--hide", str(shown[0]),
                     *model]).exit_code == 0
    out = run(app, ["index", "stock", "--from", str(copy), *model])
    assert out.exit_code == 0 and f"hid {len(hidden)} products" in out.output and "showed 1 again" in out.output, \
        out.output
    rec = Recommender.load(d, tiny_tagger_path())
    assert sorted(int(i) for i in rec._ids[rec.hidden_rows()]) == hidden
    with TestClient(create_app(Settings(index_dir=d, model_path=tiny_tagger_path(), api_key=KEY))) as c:
        # The shop's read (its key): a keyless one lists the products shown alone (stop 77)
        levels = {r["id"]: r for r in c.get("/api/stock?limit=1000", headers={"X-API-Key": KEY}).json()["levels"]}
        assert levels[hidden[0]]["hidden"] is True and levels[shown[0]]["hidden"] is False


@pytest.mark.parametrize("word", ["N", "no"])
def test_allow_purchases_n_is_read_as_sold_out(tmp_path, word):
    from test_bigcommerce_export import BC_MAP
    from test_shop_exports import _shop

    from fashionrec.column_map import save_column_map

    path = _shop(tmp_path, ["Product,12933,Roadster Navy Tee,P,19.99,4,Tshirts,Y,Y",
                            "SKU,,[S]Size=S,,,4,,,",
                            f"Product,10652,Puma Jeans,P,49.00,3,Jeans,Y,{word}",
                            "SKU,,[S]Size=32,,,3,,,"],
                 header="Item Type,Product ID,Product Name,Product Type,Price,Current Stock Level,Category,"
                        "Product Visible?,Allow Purchases?")
    save_column_map(path, BC_MAP)
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    levels = dict(zip(catalog.table["id"], catalog.table["stock"], strict=True))
    assert levels == {12933: 4, 10652: 0}
    assert catalog.report.sold_out_ids == [10652] and "Allow Purchases?" not in catalog.report.ignored_columns
    said = " ".join("\n".join(catalog.report.summary_lines()).split())
    assert f"not for sale 1 product ('Allow Purchases?' is '{word}'; ids 10652): read as sold out" in said, said


def test_allow_purchases_n_is_read_as_sold_out_without_a_stock_column_too(tmp_path):
    # Without a stock column the column was listed as ignored and the product recommended as for sale (stop 75).
    from test_bigcommerce_export import BC_MAP
    from test_shop_exports import _shop

    from fashionrec.column_map import save_column_map

    path = _shop(tmp_path, ["Product,12933,Roadster Navy Tee,P,19.99,Tshirts,Y", "SKU,,[S]Size=S,,,,",
                            "Product,10652,Puma Jeans,P,49.00,Jeans,N", "SKU,,[S]Size=32,,,,"],
                 header="Item Type,Product ID,Product Name,Product Type,Price,Category,Allow Purchases?")
    save_column_map(path, BC_MAP)
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    levels = dict(zip(catalog.table["id"], catalog.table["stock"], strict=True))
    assert levels[10652] == 0 and pd.isna(levels[12933]), levels       # for sale: no level, available
    assert catalog.report.sold_out_ids == [10652] and "Allow Purchases?" not in catalog.report.ignored_columns
    said = "\n".join(catalog.report.summary_lines())
    assert "not for sale" in said and "stock" not in catalog.report.missing_values, said


def test_a_product_hidden_by_its_handle_is_said_by_its_handle(tmp_path):
    # A Shopify shop hid 'navy-tee' by its Handle: `index stock --hide` said "hid 1 product (4180370311666569)" and
    # its --json and PUT /api/items/navy-tee/hidden gave the number alone, where its stock (stop 74, h74ids) says the
    # Handle beside it; the shop could not tell which of its products it hid (an integration review of stop 74).
    import json

    d = index_copy(tmp_path / "index")
    manifest = json.loads((d / "manifest.json").read_text())
    first, second = (int(i) for i in Recommender.load(d, tiny_tagger_path()).items["id"].iloc[:2])
    manifest["ids_as_written"] = {str(first): "navy-tee", str(second): "red-dress"}
    manifest["variations"] = {"99999": second}      # a WooCommerce size line's own id of the product hidden below
    (d / "manifest.json").write_text(json.dumps(manifest))
    model = ["--index", str(d), "--model", str(tiny_tagger_path())]
    out = CliRunner().invoke(app, ["index", "stock", "--hide", "navy-tee", *model])
    assert out.exit_code == 0 and "navy-tee" in out.output, out.output
    out = CliRunner().invoke(app, ["index", "stock", "--unhide", "navy-tee", "--json", *model])
    said = json.loads(out.stdout)
    assert said["shown"] == [first] and said["shown_as_written"] == ["navy-tee"], said
    with TestClient(create_app(Settings(index_dir=d, model_path=tiny_tagger_path(), api_key=KEY))) as c:
        got = c.put("/api/items/red-dress/hidden", json={"hidden": True}, headers={"X-API-Key": KEY}).json()
        # A typo of the hidden product's Handle, by anyone: "did you mean 'red-dress'?" named it (stop 75, h75integ).
        typo = c.get("/api/items/red-dres").json()["detail"]
        shown_typo = c.get("/api/items/navy-te").json()["detail"]
        # Its variation's id: named to the shop's key, said hidden, as the CLI names it; it was "there is no product
        # 99999" to the shop too, where anyone is told that alone (stop 76, h76integ).
        size, shop_size = c.get("/api/items/99999"), c.get("/api/items/99999/similar", headers={"X-API-Key": KEY})
        shop_typo = c.get("/api/items/red-dres", headers={"X-API-Key": KEY}).json()["detail"]
        _hidden_reads(c, second, first)
    assert got["id"] == second and got["id_as_written"] == "red-dress", got
    assert "red-dress" not in typo and "there is no product 'red-dres'" in typo, typo
    assert "did you mean 'navy-tee'?" in shown_typo, shown_typo
    assert size.status_code == 404 and size.json()["detail"].startswith("there is no product 99999"), size.text
    assert str(second) not in size.text and "red-dress" not in size.text, size.text
    assert shop_size.status_code == 404 and "public" not in shop_size.headers.get("cache-control", ""), shop_size
    said = shop_size.json()["detail"]
    assert said.startswith(f"product 99999 is a variation of product {second} (written red-dress)"), said
    assert "(hidden by the shop: " in said, said
    assert "did you mean 'red-dress' (hidden by the shop)?" in shop_typo, shop_typo
    # The shop (the CLI) is offered its hidden product's Handle, said hidden: it was offered none (stop 75, h75integ).
    out = CliRunner().invoke(app, ["recommend", "similar", "red-dres", *model])
    said = " ".join(out.stderr.replace("│", " ").split())
    assert out.exit_code == 2 and "did you mean 'red-dress' (hidden by the shop)?" in said, said
    out = CliRunner().invoke(app, ["recommend", "similar", "navy-te", *model])
    said = " ".join(out.stderr.replace("│", " ").split())
    assert "did you mean 'navy-tee'?" in said, said


def _as(text: str, typed: str, number: int) -> str:
    """``text`` with the id typed, then its number, said "ID" and "N": to tell one answer's words from another's."""
    return text.replace(typed, "ID").replace(str(number), "N")


def _hidden_reads(c, hidden: int, sold: int) -> None:
    """A hidden product's reads by anyone (``c``, an app with :data:`KEY`; the product ``hidden``, written
    'red-dress') are 404s, as its page, and the shop's with its key; a sold-out one's (``sold``) answer anyone."""
    key = {"X-API-Key": KEY}
    name = c.get(f"/api/items/{hidden}", headers=key).json()["productDisplayName"]
    # By its Handle and by its number: its name, price and photo went to anyone where its page was a 404 (stop 75).
    # Its 404 is word for word an id never there's (the same words, headers, page): "product 'red-dress' is hidden by
    # the shop: send the server's key ..." told a draft's guessed Handle from one never there (stop 77). A key that
    # is not the server's is none.
    never = max(int(i) for i in c.app.state.service.rec.items["id"]) + 1
    reads = ("/api/items/{}", "/api/items/{}/similar", "/api/items/{}/other-colours", "/api/items/{}/outfit",
             "/images/{}.jpg", "/item/{}")
    for typed, absent, paths in (("red-dress", "blue-dress", reads), (str(hidden), str(never), reads),
                                 (f"0{hidden}", f"0{never}", reads[:1])):     # (its digits written otherwise)
        for path in paths:
            for sent in ({}, {"Accept": "text/html"}, {"X-API-Key": "x" * 32}):
                got, there = c.get(path.format(typed), headers=sent), c.get(path.format(absent), headers=sent)
                assert got.status_code == there.status_code == 404 and name not in got.text, (path, got.text[:300])
                assert _as(got.text, typed, hidden) == _as(there.text, absent, never), (got.text, there.text)
                assert sorted(got.headers) == sorted(there.headers), (path, got.headers, there.headers)
    # A list of ids (For you's saved products): left out and said as sent, not "unknown" (it stays saved).
    listed = c.get(f"/api/items?ids=navy-tee,{hidden}").json()
    assert [it["id_as_written"] for it in listed["items"]] == ["navy-tee"] and not listed["unknown"], listed
    assert f"'{hidden}'" in listed["note"] and "red-dress" not in listed["note"] and name not in str(listed), listed
    assert len(c.get(f"/api/items?ids=navy-tee,{hidden}", headers=key).json()["items"]) == 2
    # A shopper's profile (For you's picks): a liked product hidden is one never there, word for word; its picks
    # named it ("like Nike Women's ...") and a list of it alone gave its similar items (stop 77).
    for typed, absent in (("red-dress", "blue-dress"), (str(hidden), str(never))):
        got, there = (c.get(f"/api/recommend/profile?ids={t}") for t in (typed, absent))
        assert got.status_code == there.status_code == 404, got.text
        assert _as(got.text, typed, hidden) == _as(there.text, absent, never), (got.text, there.text)
        got, there = (c.post("/api/recommend/profile", json={"liked": [t]}) for t in (typed, absent))
        assert _as(got.text, typed, hidden) == _as(there.text, absent, never), (got.text, there.text)
    picks = c.get(f"/api/recommend/profile?ids={hidden},navy-tee&skip_unknown=true").json()
    assert picks["skipped"] == [hidden] and picks["skipped_as_written"] == [str(hidden)], picks
    assert picks["results"] and name not in str(picks) and "red-dress" not in str(picks), picks
    shop = c.get(f"/api/recommend/profile?ids={hidden}", headers=key)
    assert shop.status_code == 200 and shop.json()["results"], shop.text
    # With the key, the shop reads it, said hidden; a shared cache keeps none of it, and its tag is no keyless 304.
    item = c.get("/api/items/red-dress", headers=key)
    assert item.status_code == 200 and item.json()["hidden"] is True and "private" in item.headers["cache-control"]
    assert c.get("/api/items/red-dress", headers={"If-None-Match": item.headers["etag"]}).status_code == 404
    similar = c.get("/api/items/red-dress/similar", headers=key).json()
    assert similar["results"] and "hidden by the shop" in similar["note"], similar
    photo = c.get("/images/red-dress.jpg", headers=key)
    assert photo.status_code == 200 and photo.headers["cache-control"].startswith("private"), photo.headers
    # A sold-out product is shown: answered to anyone, as before.
    assert c.put(f"/api/items/{sold}/stock", json={"stock": 0}, headers=key).status_code == 200
    assert c.get(f"/api/items/{sold}").json()["sold_out"] is True
    assert c.get(f"/api/items/{sold}/similar").status_code == 200
    assert c.get(f"/images/{sold}.jpg").headers["cache-control"].startswith("public")
    # The levels list: the hidden one's id, Handle and name went to anyone, hidden true (stop 76's gap); now listed
    # to the key alone, a keyless read saying so, its counts of the products shown (stop 77).
    assert c.put(f"/api/items/{hidden}/stock", json={"stock": 0}, headers=key).status_code == 200
    anyone, shop = (c.get("/api/stock?limit=1000", headers=sent).json() for sent in ({}, key))
    assert hidden not in {e["id"] for e in anyone["levels"]} and name not in str(anyone), anyone["total"]
    assert anyone["total"] == shop["total"] - 1 and anyone["sold_out_in_index"] == shop["sold_out_in_index"] - 1
    assert "X-API-Key" in anyone["note"] and shop["note"] is None, anyone["note"]
    assert {e["id"]: e["hidden"] for e in shop["levels"]}[hidden] is True
    csv, shop_csv = (c.get("/api/stock?format=csv", headers=sent).text for sent in ({}, key))
    assert name not in csv and "red-dress" not in csv and name in shop_csv and "red-dress" in shop_csv
    # A keyed read's typo of its Handle is offered it, said hidden, on each route that takes an id (the stock and
    # profile ones offered nothing, as to anyone: stop 77).
    for method, path, body in (("put", "/api/items/red-dres/stock", {"stock": 3}),
                               ("get", "/api/recommend/profile?ids=red-dres", None),
                               ("post", "/api/recommend/profile", {"liked": ["red-dres"]})):
        said = c.request(method, path, json=body, headers=key).json()["detail"]
        assert "did you mean 'red-dress' (hidden by the shop)?" in said, (path, said)
        assert "red-dress" not in c.request(method, path, json=body).text, path
