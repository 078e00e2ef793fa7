"""A shop whose export has no colour column (BigCommerce's has none): each product's colour read from a variant line's
colour option, else the one colour its name says, else its photo at the build, and said where from (stop 74)."""

from __future__ import annotations

import shutil
from pathlib import Path

from _recs_support import tiny_tagger_path
from fastapi.testclient import TestClient
from test_api import KEY, build_test_index
from test_bigcommerce_export import BC_MAP, _shop

from fashionrec.api import Settings, create_app
from fashionrec.catalog import load_catalog
from fashionrec.column_map import save_column_map
from fashionrec.name_colours import COLOUR_FROM
from fashionrec.recommend import Recommender
from fashionrec.tagger import Tagger


def test_a_bigcommerce_exports_colours_are_read_from_its_options_and_names_and_said(tmp_path: Path) -> None:
    # Stop 73's BigCommerce trial: no product had a colour (`baseColour` null on all 380), though a SKU line says
    # "[RT]Color=Navy" and most names say one.
    path = _shop(tmp_path, ['Product,12933,Classic Polo Men Broad Stripes Tshirts,P,19.99,0,Tshirts',
                            "SKU,,\"[S]Size=S,[RT]Color=Navy\",,,2,",
                            "SKU,,\"[S]Size=M,[RT]Color=Navy\",,,0,",
                            "Product,7512,Nike Women's Black Polo T-shirt,P,24.00,0,Tshirts",
                            "SKU,,[S]Size=S,,,1,",
                            "Product,34364,Myntra Men Fuel Your Desire T-shirt,P,9.00,3,Tshirts",
                            # a brand holding a colour, and a name saying two: neither is the product's one colour
                            "Product,1001,Red Tape Men Casual Shoes,P,49.00,3,Casual Shoes",
                            "Product,1002,Roadster Men Black and White Tee,P,9.00,3,Tshirts",
                            # a product in two colours: read as the first, and said
                            "Product,1003,Roadster Men Polo,P,9.00,0,Tshirts",
                            "SKU,,[CS]Colour=red,,,1,",
                            "SKU,,\"[CS]Colour=Gray|#8c8c8c\",,,1,"])
    save_column_map(path, BC_MAP)
    catalog = load_catalog(path, check_images=False, progress=False, warn=False)
    table = catalog.table.set_index("id").astype(object)
    table = table.where(table.notna(), None)
    assert table["baseColour"].to_dict() == {12933: "Navy Blue", 7512: "Black", 34364: None, 1001: None,
                                             1002: None, 1003: "Red"}
    assert table[COLOUR_FROM].to_dict() == {12933: "option", 7512: "name", 34364: None, 1001: None, 1002: None,
                                            1003: "option"}
    report = catalog.report
    assert report.option_colours[1003] == ["Red", "Grey"] and "baseColour" not in report.absent_columns
    said = "\n".join(report.summary_lines())
    assert ("colours          no colour column, so read, not labelled: 2 from a variant line's colour option (ids "
            "12933, 1003), 1 of them naming several colours, read as the first (ids 1003); 1 from the one colour the "
            "product's name says (ids 7512); 3 from the tagger's reading of the photo at `index build`") in said
    assert "baseColour: " not in said       # not an "empty field": the line above says where they come from


def test_a_catalogue_with_a_colour_column_keeps_its_own_labels(tmp_path: Path) -> None:
    # Its blanks stay blank (the Kaggle catalogue's 15): a colour column is the shop's labels, read as written.
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text("id,articleType,baseColour,productDisplayName\n"
                                         "1,Tshirts,,Roadster Men Black Tee\n2,Tshirts,Navy Blue,Roadster Men Tee\n")
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    colours = catalog.table.set_index("id")["baseColour"]
    assert colours.isna().tolist() == [True, False] and colours[2] == "Navy Blue"
    assert COLOUR_FROM not in catalog.table and not catalog.report.colour_unlabelled
    assert not any(line.startswith("colours ") for line in catalog.report.summary_lines())
    # One named otherwise ("Color", unmapped) is the shop's labels too: said, to map, not read over from the names.
    (tmp_path / "styles.csv").write_text("id,articleType,Color,productDisplayName\n1,Tshirts,Navy Blue,Roadster Men "
                                         "Black Tee\n")
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    assert catalog.table["baseColour"].isna().all() and "baseColour" in catalog.report.absent_columns
    assert "'Color' may be baseColour" in catalog.report.misnamed_said()


def test_a_catalogue_without_colours_is_given_them_at_the_build_and_filtered_and_searched_by_them(
        tmp_path: Path, fixture_dir: Path) -> None:
    # Stop 73's trial: `?baseColour=Black` was refused ("this catalogue has no baseColour labels") and "black
    # handbag" parsed no colour, though the tagger's colour of every photo was in `predicted`.
    shop = shutil.copytree(fixture_dir, tmp_path / "shop")
    # (Its column taken out line by line: the fixture has rows pandas would refuse, a name's comma among them.)
    lines = (fixture_dir / "styles.csv").read_text(encoding="utf-8").splitlines()
    at = lines[0].split(",").index("baseColour")
    (shop / "styles.csv").write_text("\n".join(",".join(f for k, f in enumerate(line.split(",")) if k != at)
                                               for line in lines) + "\n", encoding="utf-8")
    index = build_test_index(load_catalog(shop, progress=False, warn=False), tmp_path)
    items = Recommender.load(index).items.set_index("id")
    assert items["baseColour"].notna().all()
    by_name, by_photo = (items[items[COLOUR_FROM] == k] for k in ("name", "photo"))
    assert len(by_name) > len(items) / 2 and len(by_photo) > 0 and len(by_name) + len(by_photo) == len(items)
    # A name's colour is the catalogue's own label where it says one (the fixture's labels, taken out above).
    labels = load_catalog(fixture_dir, check_images=False, progress=False, warn=False).table.set_index("id")[
        "baseColour"]
    assert (by_name["baseColour"] == labels[by_name.index]).mean() > 0.9
    assert (by_photo["baseColour"] == by_photo["pred_baseColour"]).all()
    with TestClient(create_app(Settings(index_dir=index, api_key=KEY))) as client:
        named = int(by_name.index[0])
        item = client.get(f"/api/items/{named}").json()
        assert item["baseColour"] == by_name.loc[named, "baseColour"] and item["baseColour_from"] == "name"
        black = client.get("/api/items", params={"baseColour": "Black", "limit": 100})
        assert black.status_code == 200, black.text
        assert {it["id"] for it in black.json()["items"]} == set(items.index[items["baseColour"] == "Black"])
        found = client.get("/api/search/text", params={"q": "black tshirt"}).json()
        assert found["parsed"].get("baseColour") == ["Black"]
        # A product added to it is said so too: its name's colour, else its photo's (here the product's whose photo
        # it is, the first added).
        photo = (fixture_dir / "images" / "12933.jpg").read_bytes()
        added_ids = []
        for name, source in (("Roadster Men Maroon Tee", "name"), ("Roadster Men Tee", "photo")):
            added = client.post("/api/items", files={"image": ("p.jpg", photo, "image/jpeg")}, headers={
                "X-API-Key": KEY}, data={"productDisplayName": name, "articleType": "Tshirts", "gender": "Men"})
            assert added.status_code == 201, added.text
            item = client.get(f"/api/items/{added.json()['id']}").json()
            assert item["baseColour_from"] == source and item["baseColour"], item
            assert item["baseColour"] == "Maroon"
            added_ids.append(item["id"])
    # A rebuild keeps where each colour came from, the added products' too (carried over).
    Recommender.build(load_catalog(shop, progress=False, warn=False), Tagger.load(tiny_tagger_path()), index,
                      progress=False)
    again = Recommender.load(index).items.set_index("id")
    assert again.loc[added_ids, COLOUR_FROM].tolist() == ["name", "photo"]
    assert again.loc[items.index, COLOUR_FROM].equals(items[COLOUR_FROM])


def test_a_shopify_exports_color_option_is_said_as_its_labels_not_as_read_from_the_photos(tmp_path: Path) -> None:
    # Stop 75's new user: a Shopify export (Option2 Name Color) had every colour read from the option, yet
    # `data check` said "no colour column, so read, not labelled: 0 from a variant line's colour option; 0 from the
    # one colour the product's name says; 420 from the tagger's reading of the photo at `index build`".
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(
        "Handle,Title,Type,Option1 Name,Option1 Value,Option2 Name,Option2 Value\n"
        "navy-tee,Roadster Men Tee,Tshirts,Size,S,Color,Navy Blue\n"
        "navy-tee,,,,M,,Navy Blue\n"
        "polo,Roadster Men Black Polo,Tshirts,Size,S,,\n"
        "plain,Roadster Men Polo,Tshirts,Size,S,,\n")
    save_column_map(tmp_path, {"Title": "productDisplayName", "Type": "articleType"})
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    table = catalog.table.set_index("productDisplayName")
    assert table["baseColour"].fillna("").tolist() == ["Navy Blue", "Black", ""]
    said = [line for line in catalog.report.summary_lines() if line.startswith("colours ")]
    assert said and ("1 from the shop's own colour option ('Option2 Value'; ids navy-tee)" in said[0]
                     and "1 from the one colour the product's name says (ids polo)" in said[0]
                     and "1 from the tagger's reading of the photo" in said[0]), said
    # Every row given its colour by the option: nothing read, no line saying so.
    (tmp_path / "styles.csv").write_text(
        "Handle,Title,Type,Option1 Name,Option1 Value\nnavy-tee,Roadster Men Tee,Tshirts,Color,Navy Blue\n")
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    assert not any(line.startswith("colours ") for line in catalog.report.summary_lines())
    assert COLOUR_FROM not in catalog.table or catalog.table[COLOUR_FROM].isna().all()
