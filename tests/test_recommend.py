"""Recommender on the fixture catalogue with a tiny random model, on FAISS and on Milvus Lite (built once each)."""

import collections
import contextlib
import dataclasses
import itertools
import json
import os
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from _recs_support import (
    BACKENDS,
    FIXTURE,
    built_index,
    fixture_catalog,
    index_copy,
    shared_recommender,
    tiny_tagger_path,
)
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage
from typer.testing import CliRunner

from fashionrec import colours
from fashionrec.artifacts import ABANDONED_AFTER_S, _host
from fashionrec.catalog import RejectedRow, load_catalog
from fashionrec.cli import app
from fashionrec.data import images_to_tensor
from fashionrec.errors import (
    BadInputError,
    ChangedOnDiskError,
    ConflictError,
    ModelError,
    NotFoundError,
    VectorIndexError,
)
from fashionrec.item_tables import ItemTables
from fashionrec.looks import COMPLEMENTS, ETHNIC_TOPS, FOR_THE_HEAT, LAYERED, colour_compatibility, slot_name
from fashionrec.outfits import Outfits
from fashionrec.recommend import NEIGHBOUR_VOTE, PHOTO_BANDS, Rec, Recommender
from fashionrec.tagger import Tagger, save_checkpoint
from fashionrec.text_encoder import query_vector
from fashionrec.text_search import RELEVANT_TEXT_SIMILARITY, _spread_names, _type_kinship
from fashionrec.vocabulary import CHILDREN_NAME, GIFT_TYPES, KIDS_NAME, RENAMED_MIN, WARM_TYPES
from fashionrec.word_search import autocorrect_min_products


@pytest.fixture(scope="module", params=BACKENDS)
def rec(request) -> Recommender:
    return shared_recommender(request.param)


def _scratch(tmp_path) -> tuple[Recommender, Image.Image]:
    """A private copy of the fixture index to add products to, and a T-shirt photo to add them with."""
    r = Recommender.load(index_copy(tmp_path / "index", "faiss"), tiny_tagger_path())
    return r, Image.open(r.image_path(_some_id(r, articleType="Tshirts")))


def _adding(r: Recommender, photo: Image.Image, turns: range = range(90, 360, 10), named: bool = False, **base):
    """A function that adds a product of ``base``'s labels and its own keyword arguments' to ``r``, with
    ``photo`` turned a step further each time (another photo); ``named``: each named "X <a step>"."""
    steps = iter(turns)

    def add(**meta):
        name = {"productDisplayName": f"X {next(steps)}"} if named else {}
        return r.add_product(photo.rotate(next(steps), expand=True), {**base, **name, **meta}, allow_new_values=True)
    return add


def _added_in_order(r: Recommender, source: int, names: tuple[str, ...], **meta) -> tuple[int, ...]:
    """Products named ``names`` with ``source``'s photo, each turned a little more, added in this order: the
    catalogue's order lists the first first."""
    photo = Image.open(r.image_path(source))
    return tuple(r.add_product(photo.rotate(3 * (j + 1), fillcolor="white"), {**meta, "productDisplayName": name},
                               allow_new_values=True) for j, name in enumerate(names))


def _some_id(rec, **attrs):
    m = np.ones(len(rec.items), bool)
    for k, v in attrs.items():
        m &= (rec.items[k] == v).to_numpy()
    return int(rec.items["id"].to_numpy()[m][0])


def test_index_folder_and_embeddings(rec):
    d = rec.index_dir
    vector_files = {"faiss": ["vectors.faiss"], "milvus": []}[rec.manifest["backend"]]
    for name in ("manifest.json", "items.csv", "embeddings.npy", "text_embeddings.npy", "vectors.json",
                 *vector_files):
        assert (d / name).exists(), name
    assert rec.manifest["count"] == len(rec.items) == len(rec.embeddings) == len(rec.index)
    assert rec.manifest["blank_image_ids"] == []        # the fixture's photos all show a product
    from fashionrec import __version__

    assert rec.manifest["fashionrec_version"] == __version__ and "command" in rec.manifest and rec.manifest["date"]
    assert rec.embeddings.dtype == np.float32 and rec.embeddings.shape[1] == rec.manifest["dim"]
    np.testing.assert_allclose(np.linalg.norm(rec.embeddings, axis=1), 1, atol=1e-4)
    assert {"pred_articleType", "pred_articleType_prob", "image_path"} <= set(rec.items.columns)


def test_embedder_encode(rec):
    from fashionrec.embed import Embedder

    ims = [Image.open(rec.image_path(i)) for i in rec.items["id"][:3]]
    v = Embedder(rec.tagger).encode(ims)
    assert v.shape == (3, rec.manifest["dim"]) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)


def test_item_and_errors(rec):
    i = int(rec.items["id"].iloc[0])
    assert rec.item(i)["id"] == i and "pred_gender" in rec.item(i)
    with pytest.raises(NotFoundError):
        rec.item(999_999_999)
    with pytest.raises(NotFoundError):
        rec.similar(999_999_999)
    with pytest.raises(BadInputError, match="gender"):
        rec.browse({"colour": "Red"})
    # A value no product has: the close ones, in any case, rather than the first dozen values.
    with pytest.raises(BadInputError, match=r"articleType 'shirt'; did you mean 'Shirts'"):
        rec.similar(i, filters={"articleType": "shirt"})
    with pytest.raises(BadInputError, match=r"articleType 'Zzzz'; the values here: .*Backpacks"):
        rec.similar(i, filters={"articleType": "Zzzz"})
    # A shop's word for a type ("Tees") is offered the type it means first, as text search reads it: it was
    # offered 'Heels' alone, by spelling (a new user's trial, stop 67).
    with pytest.raises(BadInputError, match=r"articleType 'Tees'; did you mean 'Tshirts'"):
        rec.similar(i, filters={"articleType": "Tees"})
    with pytest.raises(VectorIndexError, match="index build"):
        Recommender.load(FIXTURE / "nope")


def test_browse(rec):
    total, page = rec.browse({"gender": "Men"}, limit=5)
    assert total == int((rec.items["gender"] == "Men").sum()) and len(page) == 5
    total, page = rec.browse(q="JEANS")
    assert total > 0 and all("jeans" in (p["productDisplayName"] + p["articleType"]).lower() for p in page)


def test_similar_excludes_self_and_filters(rec):
    i = _some_id(rec, articleType="Tshirts")
    recs = rec.similar(i, k=10)
    assert len(recs) == 10 and all(isinstance(r, Rec) for r in recs)
    assert i not in [r.id for r in recs] and "visual similarity" in recs[0].reason
    v = rec.vector(i)
    assert all(float(rec.vector(r.id) @ v) <= 0.995 for r in recs)
    n_jeans = int((rec.items["articleType"] == "Jeans").sum())
    got = rec.similar(i, k=n_jeans + 5, filters={"articleType": "Jeans"})
    assert len(got) == n_jeans and all(r.item["articleType"] == "Jeans" for r in got)
    div = rec.similar(i, k=5, diversity=0.7)
    assert len(div) == 5 and i not in [r.id for r in div]
    # A value that is no text, or a diversity that is no number, says so (TypeErrors from Python, a trial).
    with pytest.raises(BadInputError, match="filter gender takes a value or a list of values as text"):
        rec.similar(i, k=5, filters={"gender": 5})
    with pytest.raises(BadInputError, match="diversity must be a number in \\[0, 1\\], got 'a'"):
        rec.similar(i, k=5, diversity="a")


def test_photo_search(rec):
    i = _some_id(rec, articleType="Jeans")
    predicted, recs = rec.similar_to_image(Image.open(rec.image_path(i)), k=5)
    assert set(predicted) == set(rec.tagger.classes) and len(predicted["articleType"][0]) == 2
    assert recs[0].id == i and len(recs) == 5


def test_a_photo_unlike_the_catalogue_is_called_unfamiliar(rec, monkeypatch):
    from fashionrec.index_build import UNFAMILIAR_QUANTILE, familiar_floor

    # The threshold: the catalogue's own nearest-neighbour cosines, copies left out, at the quantile.
    vecs = np.random.default_rng(0).normal(size=(400, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    sims = vecs @ vecs.T
    np.fill_diagonal(sims, -1)
    assert familiar_floor(vecs) == pytest.approx(np.quantile(sims.max(1), UNFAMILIAR_QUANTILE), abs=1e-6)
    assert familiar_floor(np.concatenate([vecs, vecs[:5]])) == pytest.approx(familiar_floor(vecs), abs=0.05)
    assert familiar_floor(vecs[:10]) is None                  # too few products to say
    # A build stores it; a query reports its closest product's cosine, over the whole catalogue.
    assert rec.manifest["unfamiliar_below"] == pytest.approx(familiar_floor(rec.embeddings), abs=1e-6)
    i = _some_id(rec, articleType="Jeans")
    photo = Image.open(rec.image_path(i)).rotate(90, expand=True, fillcolor="white")
    found = rec.similar_to_image(photo, k=3)
    predicted, recs = found                                     # still the pair it always was
    import copy
    import pickle

    for again in (copy.copy(found), pickle.loads(pickle.dumps(found))):
        assert again == found and (again.closest, again.unfamiliar) == (found.closest, found.unfamiliar)
    vec = rec.tagger.embed([photo])[0]
    assert found.closest == pytest.approx(float((rec.embeddings @ vec).max()), abs=1e-4)
    assert found.unfamiliar == (found.closest < rec.unfamiliar_below())
    other = _some_id(rec, articleType="Tshirts")
    filtered = rec.similar_to_image(photo, k=3, filters={"articleType": rec.item(other)["articleType"]})
    assert filtered.closest == pytest.approx(found.closest, abs=1e-6)
    monkeypatch.setitem(rec.manifest, "unfamiliar_below", found.closest + 0.01)
    assert rec.similar_to_image(photo, k=3).unfamiliar
    monkeypatch.setitem(rec.manifest, "unfamiliar_below", found.closest - 0.01)
    assert not rec.similar_to_image(photo, k=3).unfamiliar


def test_a_page_of_text_is_unfamiliar_however_close_its_closest_product(rec, fixture_catalog, monkeypatch):
    # A white page of text was read "Bracelet 98%" with no word that it looks unlike the catalogue's photos: its
    # closest product was at cosine 0.84, above the floor (a shopper's trial; three lines drawn at 1200x1600 are
    # "Bracelet 93%" at 0.76 with the shipped index).
    from fashionrec.photo_views import photo_views

    page = Image.new("RGB", (1200, 1600), "white")
    draw = ImageDraw.Draw(page)
    for line in range(3):
        draw.text((60, 60 + 36 * line), "Items may be returned within 30 days of delivery, tags attached.",
                  fill="black", font=ImageFont.load_default(size=24))
    assert photo_views(page).scattered
    # No catalogue photo is, nor one at a phone's size, small on white with a camera's noise.
    photos = [Image.open(p) for p in fixture_catalog.usable["image_path"]]
    assert not any(photo_views(p).scattered for p in photos)
    noisy = np.random.default_rng(0).normal(250, 6, (1200, 900, 3))
    noisy[400:800, 300:600] = np.asarray(photos[0].convert("RGB").resize((300, 400)))
    assert not photo_views(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))).scattered
    # Unfamiliar wherever its closest product is, as photo search and /api/classify say (rec.unfamiliar): looked
    # for where the first view has no product this close (the tiny test model finds a white page 0.99 alike).
    import fashionrec.recommend as recommend

    monkeypatch.setitem(rec.manifest, "unfamiliar_below", -1.0)
    monkeypatch.setattr(recommend, "FAMILIAR_ENOUGH", 1.01)
    assert rec.similar_to_image(page, k=3).unfamiliar and rec.unfamiliar(rec.photo_query(page))
    assert not rec.similar_to_image(photos[0], k=3).unfamiliar


def test_a_product_among_text_is_read_cropped_to_it(rec, monkeypatch):
    # A shop's page on a phone's screen, the product's photo between its name, price and buttons, was read as
    # pendants and cufflinks: the text went into the view (20 such screenshots with the shipped index: 15
    # wrong; 19 right cropped to the product).
    from fashionrec.photo_views import photo_views

    shirt = _some_id(rec, articleType="Tshirts")
    photo = Image.open(rec.image_path(shirt)).convert("RGB")
    font = ImageFont.load_default(size=34)
    for width in (180, 600):
        shot = Image.new("RGB", (1080, 2340), "white")
        draw = ImageDraw.Draw(shot)
        draw.text((40, 60), "My Shop", fill="black", font=font)
        height = width * photo.height // photo.width
        shot.paste(photo.resize((width, height), Image.LANCZOS), ((1080 - width) // 2, 200))
        for n, line in enumerate(["Men Printed Cotton T-shirt", "Rs. 599  Rs. 999 (40% OFF)", "Select size: S M L",
                                  "ADD TO BAG"]):
            draw.text((40, 260 + height + 60 * n), line, fill="black", font=font)
        views = photo_views(shot)
        assert not views.scattered, width        # a product among text, not a page of text
        # It has views of the product's photo alone, cropped to the product in it.
        assert views.among_text()
        sizes = [im.size for im in views.images]
        assert any(width / 2 < w <= 1.2 * width and height / 2 < h <= 1.2 * height for w, h in sizes), (width, sizes)
        # Photo search tags them beside the others, where the photo's first view has no product this close (the
        # tiny test model finds a white page 0.99 alike).
        import fashionrec.recommend as recommend

        monkeypatch.setattr(recommend, "FAMILIAR_ENOUGH", 1.01)
        assert rec.photo_query(shot).views == len(views) + len(views.among_text())


def test_a_shops_button_is_no_product_among_text(rec):
    # A shop's page drawn as shops draw it, "ADD TO BAG" white on a pink bar (or beside an outlined "WISHLIST"):
    # the bar was the page's largest part, its crop the view chosen, and a pair of jeans' screenshot read
    # "Headband 88%" with headbands only and no notice (a shopper's trial; `bench_photo_views.py --buttons`).
    from fashionrec.photo_views import photo_views

    photo = Image.open(rec.image_path(_some_id(rec, articleType="Tshirts"))).convert("RGB")
    font = ImageFont.load_default(size=34)
    for width, button in ((360, "full"), (360, "half"), (600, "full")):
        shot = Image.new("RGB", (1080, 2340), "white")
        draw = ImageDraw.Draw(shot)
        draw.text((40, 60), "My Shop", fill="black", font=font)
        height = width * photo.height // photo.width
        shot.paste(photo.resize((width, height), Image.LANCZOS), ((1080 - width) // 2, 200))
        for n, line in enumerate(["Men Printed Cotton T-shirt", "Rs. 599  Rs. 999 (40% OFF)", "Select size: S M L"]):
            draw.text((40, 260 + height + 60 * n), line, fill="black", font=font)
        top = 260 + height + 200
        draw.rectangle((40, top, 1040 if button == "full" else 520, top + 130), fill=(255, 63, 108))
        draw.text((300, top + 40), "ADD TO BAG", fill="white", font=font)
        if button == "half":
            draw.rectangle((560, top, 1040, top + 130), outline="black", width=3)
            draw.text((700, top + 40), "WISHLIST", fill="black", font=font)
        views = photo_views(shot)
        assert views.among_text(), (width, button)
        sizes = [im.size for im in views.images]        # the views among text too, once asked for
        # No view of a button (a crop three times as wide as tall), and one of the product's photo.
        assert not any(w >= 3 * h for w, h in sizes), (width, button, sizes)
        assert any(width / 2 < w <= 1.3 * width and height / 2 < h <= 1.3 * height for w, h in sizes), sizes


def test_card_reasons_say_what_sets_a_result_apart_without_scores(rec):
    i = _some_id(rec, articleType="Tshirts")
    src = rec.item(i)
    names = {"articleType": "type", "baseColour": "colour", "gender": "gender"}
    found = rec.similar(i, k=10)
    said = []
    for r in found:
        shared = [names[key] for key in names if r.item.get(key) == src[key]]
        if "type" not in shared and r.item["subCategory"] == src["subCategory"]:
            shared.insert(0, "category")        # another type of its kind ("Topwear")
        said.append({1: "Same {}", 2: "Same {} and {}", 3: "Same {}, {} and {}"}[len(shared)].format(*shared)
                    if shared else "Looks alike")
        # No score on a card (the similarity 0.96 is the reason's); a collection's year ("summer 2011 collection",
        # stop 66) is a fact of the catalogue, not a score.
        assert "similarity" in r.reason and not re.search(r"\d\.\d|%", r.card_reason), r.card_reason
        assert not any(ch.isdigit() for ch in re.sub(r"\b(19|20)\d\d collection", "", r.card_reason)), r.card_reason
    # What they share first, where that tells them apart, and then what else does (_tell_apart); where all share
    # the same, only what else does.
    for r, shared in zip(found, said, strict=True):
        assert (r.card_reason.startswith(shared + "; ") if len(set(said)) > 1 else
                not r.card_reason.startswith(shared)), (r.card_reason, said)
    for r in rec.complete_the_look(i, k=4):
        # The look's colour note where it has one; else the whole reason.
        note = r.reason.partition(": ")[2]
        assert r.card_reason == (note or r.reason[:1].upper() + r.reason[1:])
    liked = [i, _some_id(rec, articleType="Jeans")]
    for r in rec.for_profile(liked, k=5):
        # Which saved product it is like, without the cosine the reason gives.
        # Or which one it goes with (every third pick).
        assert r.card_reason.startswith(("Between your 2 saved items, closest to ", "Like ", "Goes with "))
        assert r.reason.replace("liked", "saved").startswith(r.card_reason[:1].lower() + r.card_reason[1:])
        assert not r.card_reason.endswith(")") and ": " not in r.card_reason
    hits = rec.search_text("blue shirt", k=5)
    assert hits and all(r.card_reason.startswith("Matches ") or r.card_reason == "Close in meaning" for r in hits)


def test_a_catalogue_row_without_a_usable_image_is_named_as_such_not_as_unknown(rec, fixture_catalog):
    report = fixture_catalog.report
    for item_id, said in [(report.missing_image_ids[0], "its image is missing"),
                          (report.unreadable_image[0].id, "its image is unreadable")]:
        with pytest.raises(NotFoundError, match=f"product {item_id} is a row of the catalogue.*{said}"):
            rec.similar(item_id)
    with pytest.raises(NotFoundError, match="there is no product 999999999"):
        rec.similar(999_999_999)


def test_another_listing_of_a_product_comes_after_the_other_similar_items(rec):
    # The fixture lists "Locomotive Men Washed Blue Jeans" twice, with two photos.
    twins = rec.items.index[rec.items["productDisplayName"] == "Locomotive Men Washed Blue Jeans"]
    assert len(twins) == 2
    a, b = (int(i) for i in twins)
    n_jeans = int((rec.items["articleType"] == "Jeans").sum())
    shown = [r.id for r in rec.similar(a, k=n_jeans - 1, filters={"articleType": "Jeans"})]
    assert shown[-1] == b and len(shown) == n_jeans - 1      # still shown, after every other pair of jeans
    plain = rec._distinct(np.array([b, *[i for i in shown if i != b]]), 3)   # without a listing: as ranked
    assert plain[0] == 0
    # A photo's results too: its own product first, the other listing of it after the rest (two cards of one
    # Wrangler shirt side by side, an integrator's trial).
    _, found = rec.similar_to_image(Image.open(rec.image_path(a)), k=n_jeans, filters={"articleType": "Jeans"})
    found = [r.id for r in found]
    assert found[0] == a and found[-1] == b and len(found) == n_jeans


def test_other_colours_show_no_listing_of_a_card_shown_nor_the_products_own_name_in_its_names_colour(tmp_path):
    r, _ = _scratch(tmp_path)
    # "Doodle Girls Printed Blue Dress" (34115 and 35433, two photos) was in a dress's similar items and again "In
    # blue" in its other colours (a shopper's trial, stop 66). The fixture's two "Locomotive Men Washed Blue Jeans".
    a, b = (int(i) for i in r.items.index[r.items["productDisplayName"] == "Locomotive Men Washed Blue Jeans"])
    jeans = [int(i) for i in r.items.index[(r.items["articleType"] == "Jeans") & (r.items["gender"] == "Men")]
             if i not in (a, b)]
    r.items.loc[jeans, "baseColour"] = "Grey"
    r.items.loc[jeans[0], "baseColour"] = "Black"
    r.items.loc[[a, b], "baseColour"] = "Blue"
    r._reindex()
    row = r.in_other_colours(jeans[0], k=6, exclude_ids=[a])
    assert b not in [x.id for x in row] and [x.item["baseColour"] for x in row] == ["Grey"], row
    # The kids' watch 49893 (filed Yellow) led its other colours with its own name "In white" on the 40k catalogue:
    # its name says white. Another listing of its name in a colour its name does not say is another colour of it.
    watches = [int(i) for i in r.items.index[r.items["articleType"] == "Watches"]]
    own, white, blue = watches[:3]
    r.items.loc[[own, white, blue], "productDisplayName"] = "Q&Q Kids Unisex White Dial Analog Watch"
    r.items.loc[[own, white, blue], "gender"] = "Unisex"
    r.items.loc[[own, white, blue], "baseColour"] = ["Yellow", "White", "Blue"]
    r._reindex()
    assert r.colourways(own) == [blue]
    row = [x.id for x in r.in_other_colours(own, k=6)]
    assert blue in row and white not in row, row
    assert white not in [x.id for x in r.similar(own, k=3, other_colours=True)]
    # Among its similar items it is another listing of the product itself: after the rest.
    found = [x.id for x in r.similar(own, k=len(watches) - 1, filters={"articleType": "Watches"})]
    assert found[-1] == white, found


def test_other_listings_are_left_out_while_the_shop_has_other_products(tmp_path):
    # On runs/index a kids' watch's first 22 candidates held 11 products but for other listings (one photo or one
    # name and colour twice), and its 12th card was a second "Q&Q Kids Unisex Yellow Dial Analog Watch": the listings
    # after the rest counted as results, so no more candidates were looked at (35 of 304 random products' pages).
    r, _ = _scratch(tmp_path)
    top = [int(i) for i in r.items.index[r.items["subCategory"] == "Topwear"]][:21]
    q = top[0]
    r.items.loc[top, ["articleType", "baseColour", "gender", "productDisplayName"]] = \
        ["Tshirts", "Blue", "Men", "Twin Men Blue T-shirt"]
    # ... one name but for case and spaces ("Proline Men Black Polo T-Shirt" and "... T-shirt" side by side).
    r.items.loc[top[1::2], "productDisplayName"] = "TWIN Men  Blue T-Shirt"
    r._reindex()
    found = [x.item["productDisplayName"] for x in r.similar(q, k=12)]
    assert len(found) == 12 and not any(n.casefold().startswith("twin") for n in found), found


def test_two_copies_of_one_photo_listed_after_the_rest_are_listed_once(tmp_path):
    # Another jeans' photo listed twice under this product's name and colour: both go after the rest, and were
    # both listed there (copies were only compared with the results before them; a review).
    r = Recommender.load(index_copy(tmp_path / "index", "faiss"), tiny_tagger_path())
    a = int(r.items.index[r.items["productDisplayName"] == "Locomotive Men Washed Blue Jeans"][0])
    other = next(x.id for x in r.similar(a, k=5, filters={"articleType": "Jeans"})
                 if r.item(x.id)["productDisplayName"] != r.item(a)["productDisplayName"])
    photo = Image.open(r.image_path(other))
    labels = {key: r.item(a)[key] for key in ("productDisplayName", "gender", "articleType", "baseColour", "usage")}
    copies = {r.add_product(photo, labels), r.add_product(photo, labels)}
    n_jeans = int((r.items["articleType"] == "Jeans").sum())
    shown = [x.id for x in r.similar(a, k=n_jeans - 1, filters={"articleType": "Jeans"})]
    assert len(copies & set(shown)) == 1 and len(shown) == len(set(shown))
    vecs = np.stack([r.vector(i) for i in shown])
    assert (np.triu(vecs @ vecs.T, 1) <= 0.995).all()


def test_odd_arguments_from_python_are_said_not_cut_or_a_type_error(rec, tmp_path):
    item = int(rec.items["id"].iloc[0])
    other = int(rec.items["id"].iloc[1])
    for bad in (["abc"], [other + 0.9]):
        # 9646.9 was cut to 9646 and left out; "abc" a ValueError (a review).
        with pytest.raises(BadInputError, match="item id must be an integer"):
            rec.similar(item, exclude_ids=bad)
        with pytest.raises(BadInputError, match="item id must be an integer"):
            rec.in_other_colours(item, exclude_ids=bad)
    assert other not in [x.id for x in rec.similar(item, k=5, exclude_ids=[str(other)])]
    for kw in ({"offset": 1.5}, {"limit": "3"}, {"limit": None}, {"offset": -1}):
        with pytest.raises(BadInputError, match=f"{next(iter(kw))} must be a whole number >= 0"):
            rec.browse(None, "shirt", **kw)
    # Stop words alone match nothing, in the counts as in the list (they counted every product).
    assert rec.browse(None, "the for") == (0, []) and not rec.word_matches("the for").any()
    assert rec.word_matches(None).all()
    # Removing no products writes nothing (the folder was saved, and a server reloaded it for nothing).
    r = Recommender.load(index_copy(tmp_path / "index", "faiss"), tiny_tagger_path())
    before = (tmp_path / "index" / "manifest.json").read_bytes()
    assert r.remove_products([]) == [] and (tmp_path / "index" / "manifest.json").read_bytes() == before


def test_a_search_for_several_types_reads_its_connectors_alike_and_each_parts_wearer(rec):
    def found(q: str) -> list[tuple[str, str]]:
        return [(d["articleType"], d["gender"]) for d in rec.browse(None, q, limit=10_000)[1]]

    # "&" and "," as "and": the unisex backpacks too ("backpack & wallet for men" searched "backpack wallet"
    # for the unisex ones and found 1 of the catalogue's 568; a review).
    alike = found("backpacks and belts for men")
    assert ("Backpacks", "Unisex") in alike and {g for _, g in alike} <= {"Men", "Unisex"}
    for q in ("backpacks & belts for men", "backpacks, belts for men", "backpacks / belts for men"):
        assert sorted(found(q)) == sorted(alike), q
    # Each part for its own wearer: with "&" nothing (no product is for both), with "and" the women's shirts too.
    own = found("shirts for men & heels for women")
    assert own and sorted(own) == sorted(found("shirts for men and heels for women"))
    assert {t for t, _ in own} >= {"Shirts", "Heels"} and ("Shirts", "Women") not in own and \
        ("Heels", "Men") not in own
    total, _ = rec.browse(None, "shirts for men & heels for women", limit=0)
    assert total == len(own) == int(rec.word_matches("shirts for men & heels for women").sum())


def test_every_spelling_of_a_wearer_reads_as_that_wearer(rec):
    # "backpack for ladies" found 35 backpacks and "for women" 607, with the unisex ones: "ladies" is "ladie"
    # to the word search, and "gents" "gent" (a code review).
    def found(q: str) -> set[int]:
        return set(np.flatnonzero(rec.word_matches(q)))

    unisex = set(np.flatnonzero((rec.items["articleType"] == "Backpacks") & (rec.items["gender"] == "Unisex")))
    assert unisex and unisex <= found("backpack for women") == found("backpack for ladies")
    assert unisex <= found("men backpack") == found("gents backpack")
    assert found("gift for ladies") == found("gift for women")
    # "childrens shoes", no apostrophe, was for no one: it listed grown-ups' shoes.
    assert rec.parse_query("childrens shoes") == rec.parse_query("children's shoes")
    assert rec.parse_query("childrens shoes")["gender"] == ["Boys", "Girls", "Unisex"]
    found_text = rec.search_text("childrens shoes", k=10, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert found_text and all(KIDS_NAME.search(r.item["productDisplayName"]) for r in found_text)


def test_a_search_with_many_nots_reads_the_catalogue_once_a_word(rec, monkeypatch):
    # Thirty "not"s took 5.5 s, and their page 8 s: each built the mask of every word left after it, each word
    # a regular expression over every product's text (a code review).
    from fashionrec import word_search

    scans = []
    scan = word_search._Rows.mask
    monkeypatch.setattr(word_search._Rows, "mask", lambda self, pattern: scans.append(pattern) or scan(self, pattern))
    q = "shirt " + " ".join(f"not zq{i}" for i in range(30))
    assert (rec.word_matches(q) == rec.word_matches("shirt")).all()
    assert len(scans) <= 3 * 30, len(scans)


def test_a_text_search_for_not_a_colour_alone_lists_the_other_colours(rec):
    # "not black" listed nothing: no product is close in meaning to no words (a review of the text search).
    found = rec.search_text("not black", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert len(found) == 5 and all(r.item["baseColour"] != "Black" for r in found)
    assert all(r.card_reason == "Not black" for r in found), [r.card_reason for r in found]
    assert rec.text_relevant("not black", RELEVANT_TEXT_SIMILARITY).sum() == (rec.items["baseColour"] != "Black").sum()
    # Said as typed, not as the search reads the words: "not kids" was "Not kid", "not jeans" "Not jean".
    for query, said in (("not kids", "Not kids"), ("not Jeans", "Not jeans")):
        cards = {r.card_reason for r in rec.search_text(query, k=3, min_similarity=RELEVANT_TEXT_SIMILARITY)}
        assert cards == {said}, (query, cards)
    assert rec.negation("tshirt not Jeans")[1] == ["jeans"]        # what the catalogue page says it leaves out


def test_a_query_of_negation_words_alone_leaves_nothing_out(rec):
    # "not not" listed every product but those named "Not ...", each card saying "Not not" (a code review, stop
    # 61): a negation word is no thing to leave out, so such a query is read as typed, as "not" alone is.
    for query in ("not not", "no no", "without not"):
        assert rec.negation(query)[1] == [], query
        found = rec.search_text(query, k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
        assert not any(r.card_reason.lower().startswith("not ") for r in found), [r.card_reason for r in found]
        assert rec.word_matches(query).sum() < len(rec.items), query       # not every product
    assert rec.negation("not not black")[1] == ["black"]        # a stutter, not a double negative
    assert (rec.word_matches("shirt not not") == rec.word_matches("shirt")).all()


def test_a_text_search_reads_its_not_once(rec, monkeypatch):
    # Its scores, its describing words and its closest matches each read "not ..." anew, each time asking the
    # word tables whether a name has the words in a row (a review): once now, for the "not" and what is after it.
    from fashionrec import text_search

    reads, negation = [], text_search.NEGATION

    class Counting:
        def search(self, text):
            reads.append(text)
            return negation.search(text)

    monkeypatch.setattr(text_search, "NEGATION", Counting())
    found = rec.search_text("shirts not blue zqx", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert all(r.item["baseColour"] != "Blue" for r in found)
    assert len(reads) <= 2, reads


def test_a_text_search_for_several_types_lists_them_taking_turns_each_for_its_wearer(rec):
    # "kurta or saree" listed 24 kurtas, "watch and sunglasses for men" only sunglasses, and "shirts for men &
    # heels for women" 23 women's heels and a women's shirt (a code review): as browse lists them.
    def found(q: str, k: int = 6) -> list[tuple[str, str]]:
        return [(r.item["articleType"], r.item["gender"])
                for r in rec.search_text(q, k=k, min_similarity=RELEVANT_TEXT_SIMILARITY)]

    for q, types in (("kurta or skirt", {"Kurtas", "Skirts"}),
                     ("watch and sunglasses for men", {"Watches", "Sunglasses"}),
                     ("shirts for men & heels for women", {"Shirts", "Heels"})):
        listed = [t for t, _ in found(q)]
        assert set(listed) == types and all(a != b for a, b in itertools.pairwise(listed)), (q, listed)
    assert {g for _, g in found("watch and sunglasses for men")} <= {"Men", "Unisex"}
    own = found("shirts for men & heels for women", k=40)
    assert ("Shirts", "Women") not in own and ("Heels", "Men") not in own


def test_a_catalogue_products_photo_is_said_and_explained_as_that_product(rec):
    # Ranked by the product's own labels where its photo is a copy of the product's, and explained by them too:
    # a heel's photo the tagger read as flip flops listed heels as "Looks alike", and a black heel "Same colour
    # (Black)" for the tagger's colour (a review). Its labels are what is said of the photo: "Perfume and Body Mist
    # 0.20" beside a handbag's results contradicted how they were found (a new user's trial).
    from fashionrec.catalog import ATTRIBUTES

    ids = rec.items["id"].astype(int).tolist()
    checked = 0
    for item_id in ids[:40]:
        photo = Image.open(rec.image_path(item_id))
        res = rec.similar_to_image(photo, k=6)
        own = rec.item(res.same_as)
        assert res.predicted == {h: [(own[h], 1.0)] for h in ATTRIBUTES if own.get(h)}, item_id
        assert res.same_as is not None and rec.vector(res.same_as) @ rec.vector(item_id) >= 0.995
        for r in res[1]:
            assert ("same type" in r.reason) == (r.item.get("articleType") == own["articleType"]), (item_id, r.reason)
            assert ("same colour" in r.reason) == (r.item.get("baseColour") == own["baseColour"]), (item_id, r.reason)
            assert r.card_reason != "Looks alike"
        tagged = rec.tagger.decode(rec.photo_query(photo).probs, 0, top=1)["articleType"][0][0]
        checked += tagged != own["articleType"]
    assert checked, "some photo the tagger reads as another type than its product's"
    # A photo that is no catalogue product's is none.
    photo = Image.open(rec.image_path(ids[0])).rotate(25, expand=True, fillcolor="white")
    assert rec.similar_to_image(photo, k=3).same_as is None


def test_a_photo_listed_under_two_products_lists_the_one_it_is_said_to_be(tmp_path):
    # The full catalogue lists 554 photos under several products (a Gini and Jony dress twice, the same name and
    # labels): its photo was said to be one listing while the results listed the other, so the upload page read
    # "This is the photo of a product in the shop in the shop" and its own card "Same type, colour and gender" (a
    # shopper's trial of stop 70). Whichever listing the photo is taken for, that one is listed.
    r, _ = _scratch(tmp_path)
    first = _some_id(r, articleType="Tshirts")
    own = r.item(first)
    photo = Image.open(r.image_path(first))
    copy = r.add_product(photo, {h: own[h] for h in ("productDisplayName", "gender", "masterCategory", "subCategory",
                                                     "articleType", "baseColour", "usage", "season")
                                 if isinstance(own.get(h), str)})
    likeliest = r._likeliest_copy
    for said in (first, copy):
        def taken_for(rows, cosines, attrs, said=said):
            at = np.flatnonzero(rows == r._row[said])
            return int(at[0]) if len(at) else likeliest(rows, cosines, attrs)
        r._likeliest_copy = taken_for
        res = r.similar_to_image(photo, k=6)
        listed = [x.id for x in res[1]]
        assert res.same_as == said and said in listed, (said, listed)
        assert len({first, copy} & set(listed)) == 1, listed     # still one card for the one photo


def test_a_catalogue_photo_enlarged_is_named_as_its_product(rec):
    # A shopper's trial: a catalogue photo at 600x800 or 4500x6000 listed its product first, at cosine 0.89-0.95,
    # without "This is the photo of ..." (the copy is told by its pixels at the catalogue's size, not its cosine).
    import io

    named, ids = 0, rec.items["id"].astype(int).tolist()
    for item_id in ids[:12]:
        photo = Image.open(rec.image_path(item_id)).convert("RGB")
        if photo.size != (60, 80):
            continue
        for size, resample in (((600, 800), Image.BICUBIC), ((1200, 1600), Image.LANCZOS)):
            buf = io.BytesIO()
            photo.resize(size, resample).save(buf, "JPEG", quality=85)
            res = rec.similar_to_image(Image.open(buf), k=3)
            assert res.same_as is not None and rec.vector(res.same_as) @ rec.vector(item_id) >= 0.995, item_id
            assert res.closest == pytest.approx(1.0, abs=1e-4)
            named += 1
        # Not a photo of it mirrored, nor one at another size than the catalogue's shape lets it be matched by.
        assert rec.similar_to_image(photo.transpose(Image.FLIP_LEFT_RIGHT).resize((600, 800)), k=3).same_as is None
    assert named >= 10
    # A catalogue photo larger than the catalogue's size (the fixture has one at 1800x2400), uploaded as it is, is
    # its own: it was found as its own enlargement and searched again, for ever (a RecursionError).
    large = next(i for i in ids if Image.open(rec.image_path(i)).size == (1800, 2400))
    res = rec.similar_to_image(Image.open(rec.image_path(large)), k=3)
    assert res.same_as is not None and rec.vector(res.same_as) @ rec.vector(large) >= 0.995


def test_a_listing_shows_each_photo_once_before_any_copy_of_it(tmp_path):
    # Page one of "girls dress" showed two photos twice each, under other brands' names (a shopper's trial): a
    # copy of a photo listed above comes after the rest, and is still counted.
    r, photo = _scratch(tmp_path)
    meta = {"gender": "Men", "articleType": "Tshirts", "baseColour": "Blue", "usage": "Casual"}
    first = r.add_product(photo, {**meta, "productDisplayName": "Zqx Alpha Tee"})
    copy = r.add_product(photo, {**meta, "productDisplayName": "Zqx Beta Tee"})
    others = [r.add_product(photo.rotate(angle, expand=True), {**meta, "productDisplayName": f"Zqx Tee {angle}"})
              for angle in (90, 180, 270)]
    total, page = r.browse(None, "zqx", limit=10)
    listed = [d["id"] for d in page]
    assert total == 5 and sorted(listed) == sorted([first, copy, *others])
    assert listed[-1] == copy and listed.index(first) < 4
    assert r.browse(None, "zqx", limit=0)[0] == 5
    # ... after the rest of its tier: the freebies still come last (a wallet's copy went after them, a re-trial).
    free = r.add_product(photo.rotate(45, expand=True, fillcolor="white"),
                         {**meta, "productDisplayName": "Zqx Gift Tee", "masterCategory": "Free Items"},
                         allow_new_values=True)
    listed = [d["id"] for d in r.browse(None, "zqx", limit=10)[1]]
    assert listed[-2:] == [copy, free], listed


def test_a_search_for_a_child_lists_grown_ups_products_with_its_word_after_the_childrens(tmp_path):
    # "party wear for girls" listed "Guess Women Party Girl White Watch" 4th of 7, among girls' party frocks (a
    # shopper's trial): a grown-up's product found by its name's wearer word comes after the children's.
    r, photo = _scratch(tmp_path)
    grown = r.add_product(photo, {"productDisplayName": "Zqx Women Party Girl Watch", "gender": "Women",
                                  "articleType": "Watches", "baseColour": "White"})
    frock = {"gender": "Girls", "articleType": "Dresses", "baseColour": "Pink"}
    # The third frock a copy of the first's photo, as two of the seven were (copies come last within their tier).
    kids = [r.add_product(photo.rotate(angle, expand=True), {**frock, "productDisplayName": f"Zqx Girls Frock {n}"},
                          allow_new_values=True) for n, angle in enumerate((90, 180, 90))]
    total, page = r.browse(None, "zqx for girls", limit=10)
    assert total == 4 and [d["id"] for d in page][-1] == grown and {d["id"] for d in page[:3]} == set(kids)
    from fashionrec.word_search import search_words

    # In a tier after the children's, whatever the ranks within tiers do (on the catalogue, the frocks' second
    # listings of a name came after the watches: names take turns within a tier).
    aside = r._aside_for(r.parse_query("zqx for girls"), search_words("zqx for girls"))
    assert aside[r._row[grown]] and not aside[[r._row[i] for i in kids]].any()


def test_a_looks_slots_follow_the_occasion(rec):
    from fashionrec.looks import USAGE_SLOTS

    checked = 0
    it = rec.items
    for (usage, sub, *who), slots in USAGE_SLOTS.items():
        # A wearer's own slots ("Ethnic", "Topwear", "Men") come before the occasion's for everyone.
        own = [k[2] for k in USAGE_SLOTS if k[:2] == (usage, sub) and len(k) == 3]
        wearer = it["gender"].isin(who) if who else ~it["gender"].isin(own)
        for i in it.index[(it["usage"] == usage) & (it["subCategory"] == sub) & wearer][:3]:
            look = [r.slot for r in rec.complete_the_look(int(i), k=len(slots))]
            assert look and look == [s for s in slots if s in look], (i, look)     # those slots, in that order
            checked += 1
    assert checked >= 3
    # The catalogue's formal belts and ties come into a formal look where it has them.
    formal = rec.items[(rec.items["usage"] == "Formal") & (rec.items["subCategory"] == "Shoes")]
    if len(formal) and ((rec.items["usage"] == "Formal") & (rec.items["subCategory"] == "Belts")).any():
        assert "Belts" in [r.slot for r in rec.complete_the_look(int(formal.index[0]), k=6)]


def test_an_ethnic_bottoms_look_is_its_kurtas_not_sunglasses_or_a_backpack(tmp_path):
    # A stop 61 trial: every ethnic bottom (a salwar, a patiala, a churidar, a ghera skirt) got its group's look, casual
    # sunglasses last, and a men's churidar ADIDAS sneakers and a Nike training backpack.
    r, _ = _scratch(tmp_path)
    it = r.items
    skirt = int(it["id"][(it["usage"] == "Ethnic") & (it["subCategory"] == "Bottomwear") & (it["gender"] == "Women")]
                .iloc[0])
    slots = [p.slot for p in r.complete_the_look(skirt, k=6)]
    assert slots[0] == "Topwear" and not {"Eyewear", "Watches"} & set(slots), slots
    # A men's churidar (the fixture's formal trousers relabelled): its kurta, then sandals, and no bag or sunglasses.
    trousers = int(it["id"][(it["gender"] == "Men") & (it["articleType"] == "Trousers")].iloc[0])
    for column, value in (("usage", "Ethnic"), ("articleType", "Churidar")):
        values = r.items[column].copy()
        values[r.items["id"] == trousers] = value
        r.items[column] = values
    r._reindex()
    look = r.complete_the_look(trousers, k=6)
    assert [p.slot for p in look][:2] == ["Topwear", "Sandal"], [(p.slot, p.item["articleType"]) for p in look]
    assert look[1].item["articleType"] == "Sandals" and not {"Bags", "Eyewear"} & {p.slot for p in look}


def test_a_looks_first_pieces_do_not_depend_on_how_many_are_asked(rec):
    # A profile's "goes with" picks work out a look's first piece alone (k=1) until a deeper one is read: the same
    # piece as a whole look's first, or the picks would change with how deep the page reads (stop 61).
    it = rec.items
    for i in it.index[::7]:
        whole = [(p.slot, p.id, p.reason) for p in rec.complete_the_look(int(i), k=4)]
        for k in (1, 2):
            assert [(p.slot, p.id, p.reason) for p in rec.complete_the_look(int(i), k=k)] == whole[:k], i


def test_a_freebie_among_its_brands_other_freebies_gets_its_kinds_look(tmp_path):
    # A stop 61 trial: 13 of a Satya Paul sari given away's 15 nearest were the brand's other saris given away, which
    # had no vote on what it is: it got no look (7 such saris and 2 watches in the catalogue).
    r, _ = _scratch(tmp_path)
    filed = r._look_categories()

    def scene(i: int):
        """(i's 13 nearest, the kind most of the 15 after them are filed under) where most are one kind."""
        ids, _ = r._neighbours(r.embeddings[r._row[i]], 28, None, {i}, pool=28)
        after = [filed[r._row[int(j)]] for j in ids[13:28]]
        kind = max(set(after), key=after.count)
        return ([int(j) for j in ids[:13]], kind) if after.count(kind) > len(after) // 2 and kind else None

    anchor, (given, kind) = next((int(i), sc) for i in r.items["id"] if (sc := scene(int(i))))
    for column, value in (("masterCategory", "Free Items"), ("subCategory", "Free Gifts"),
                          ("articleType", "Free Gifts")):
        values = r.items[column].copy()
        values[r.items["id"].isin([anchor, *given])] = value
        r.items[column] = values
    r._reindex()
    assert r._look_categories()[r._row[anchor]] == kind and r.complete_the_look(anchor, k=4)


def test_a_slot_without_the_looks_usage_takes_the_nearest_one(tmp_path):
    # A stop 61 trial: an outdoor bag (usage Travel: no clothes of it) got formal trousers, a formal dress ethnic
    # earrings; any usage that did not clash was as good a stand-in as the casual one.
    from fashionrec.looks import STAND_IN_USAGE

    r, _ = _scratch(tmp_path)
    bags = r.items["id"][(r.items["gender"] == "Women") & (r.items["articleType"] == "Handbags")].tolist()
    values = r.items["usage"].copy()
    values[r.items["id"].isin(bags)] = "Travel"
    r.items["usage"] = values
    r._reindex()
    used = {p.item["usage"] for b in bags for p in r.complete_the_look(int(b), k=4) if p.slot != "Bags"}
    assert used and used <= set(STAND_IN_USAGE["Travel"]), used


def _relabel(r: Recommender, ids, **values) -> None:
    """Give the products ``ids`` these labels (column=value), as a shop's catalogue might file them."""
    rows = r.items["id"].isin(list(ids))
    for column, value in values.items():
        column_values = r.items[column].copy()
        column_values[rows] = value
        r.items[column] = column_values
    r._reindex()


def _ids(r: Recommender, **attrs) -> list[int]:
    m = np.ones(len(r.items), bool)
    for k, v in attrs.items():
        m &= r.items[k].isin(v if isinstance(v, list) else [v]).to_numpy()
    return [int(i) for i in r.items["id"][m]]


def test_a_whole_outfit_takes_no_bottoms_and_goes_beside_none(tmp_path):
    # A stop 61 trial and a stop 62 one: a girl's earrings got a lehenga choli and a salwar, an infant's mittens a
    # romper and shorts, a girl's salwar a lehenga choli as its top (a lehenga's skirt and a romper's shorts its own).
    r, _ = _scratch(tmp_path)
    _relabel(r, _ids(r, gender="Women", articleType=["Tops", "Tshirts", "Shirts"]), articleType="Rompers")
    watch = _ids(r, gender="Women", articleType="Watches")[0]
    look = [(p.slot, p.item["articleType"]) for p in r.complete_the_look(watch, k=6)]
    assert ("Topwear", "Rompers") in look and "Bottomwear" not in dict(look), look
    romper = _ids(r, articleType="Rompers")[0]
    own = r.complete_the_look(romper, k=6)
    assert "Bottomwear" not in {p.slot for p in own}
    # Said by its type, not "the casual women's topwear" (a stop 62 shopper read a lehenga choli's look so).
    assert own and all("rompers" in p.reason.split(":")[0] for p in own), own[0].reason
    for jeans in _ids(r, gender="Women", articleType="Jeans"):
        assert "Rompers" not in {p.item["articleType"] for p in r.complete_the_look(jeans, k=6)}, jeans


def test_an_ethnic_bottoms_top_is_a_kurta_or_none(tmp_path):
    # A stop 61 trial: a girl's salwar (the catalogue has no girls' kurtas) took a lehenga choli as its top.
    r, _ = _scratch(tmp_path)
    _relabel(r, _ids(r, gender="Women", articleType="Kurtas"), articleType="Lehenga Choli")
    salwar = _ids(r, gender="Women", articleType="Trousers")[0]
    _relabel(r, [salwar], articleType="Salwar", usage="Ethnic")
    look = [(p.slot, p.item["articleType"]) for p in r.complete_the_look(salwar, k=6)]
    assert look and "Topwear" not in dict(look), look


def test_an_ethnic_look_takes_no_sneakers_or_backpack_standing_in(tmp_path):
    # A stop 61 trial and a stop 62 one: a girl's ethnic earrings got Puma sneakers and a Quechua schoolbag, a girl's
    # lehenga choli canvas shoes (the catalogue's girls' shoes are all sneakers, its bags backpacks): her sandals, or
    # nothing.
    r, _ = _scratch(tmp_path)
    _relabel(r, _ids(r, gender="Women", articleType="Heels"), articleType="Casual Shoes")
    _relabel(r, _ids(r, gender="Women", articleType="Handbags"), articleType="Backpacks")
    _relabel(r, _ids(r, gender="Men", articleType="Sandals")[:2], gender="Women")
    skirt = _ids(r, gender="Women", subCategory="Bottomwear", usage="Ethnic")[0]
    look = [(p.slot, p.item["articleType"]) for p in r.complete_the_look(skirt, k=6)]
    assert ("Sandal", "Sandals") in look, look
    assert not {"Casual Shoes", "Sports Shoes", "Backpacks"} & {t for _, t in look}, look


def test_a_party_look_takes_no_shorts_or_backpack_standing_in(tmp_path):
    # A stop 61 trial: party pumps got white Roxy shorts (the catalogue has no party bottoms).
    r, _ = _scratch(tmp_path)
    heels = _ids(r, gender="Women", articleType="Heels")[0]
    _relabel(r, [heels], usage="Party")
    # Where the casual bottoms are shorts and track pants alone, the party look's are of another usage.
    _relabel(r, _ids(r, gender="Women", subCategory="Bottomwear", usage="Casual",
                     articleType=["Jeans", "Skirts", "Trousers"]), usage="Formal")
    bottoms = [p.item["articleType"] for p in r.complete_the_look(heels, k=6) if p.slot == "Bottomwear"]
    assert bottoms and not {"Shorts", "Capris", "Leggings", "Track Pants"} & set(bottoms), bottoms
    # Nor a backpack (a stop 62 trial: a men's party shirt got an American Tourister one, the catalogue's men's bags
    # being backpacks and laptop bags).
    shirt = _ids(r, gender="Men", articleType="Shirts", usage="Casual")[0]
    _relabel(r, [shirt], usage="Party")
    assert "Backpacks" not in {p.item["articleType"] for p in r.complete_the_look(shirt, k=6)}
    # Nor a laptop bag in its place.
    _relabel(r, _ids(r, gender="Men", articleType="Backpacks"), articleType="Laptop Bag")
    assert "Laptop Bag" not in {p.item["articleType"] for p in r.complete_the_look(shirt, k=6)}


def test_a_casual_look_takes_nothing_ethnic_standing_in(tmp_path):
    # A stop 61 trial: the catalogue's one pair of girls' earrings, ethnic, went with girls' casual dresses.
    r, _ = _scratch(tmp_path)
    _relabel(r, _ids(r, gender="Women", articleType="Sunglasses"), usage="Ethnic")
    top = _ids(r, gender="Women", articleType="Tops", usage="Casual")[0]
    assert "Ethnic" not in {p.item["usage"] for p in r.complete_the_look(top, k=6)}


def test_booties_are_an_infants_shoes(tmp_path):
    # A stop 61 trial: infant booties (filed under Socks) got toddlers' shoes as their first piece.
    r, _ = _scratch(tmp_path)
    booties = _ids(r, gender="Men", articleType="Casual Shoes")[0]
    _relabel(r, [booties], articleType="Booties", subCategory="Socks")
    look = r.complete_the_look(booties, k=6)
    slots = [p.slot for p in look]
    assert slots and not {"Shoes", "Sandal", "Flip Flops"} & set(slots), slots
    # Said by their type: "Topwear to go with the casual men's socks" under a pair of booties (a stop 62 shopper).
    assert all(" to go with the " in p.reason and "booties" in p.reason.split(":")[0] for p in look), look[0].reason


def test_a_watch_whose_look_takes_shorts_has_sunglasses_for_the_belt(tmp_path):
    # A stop 61 trial: a men's watch whose look took shorts had 3 pieces (no belt with them, its slots stopping there).
    r, _ = _scratch(tmp_path)
    _relabel(r, _ids(r, gender="Men", articleType="Jeans"), articleType="Shorts")
    watch = _ids(r, gender="Men", articleType="Watches", usage="Casual")[0]
    look = [(p.slot, p.item["articleType"]) for p in r.complete_the_look(watch, k=4)]
    assert len(look) == 4 and dict(look)["Bottomwear"] in ("Shorts", "Track Pants"), look


def test_a_kids_sun_block_gets_a_childs_sunglasses(tmp_path):
    # A stop 61 trial: "Lotus Herbals Kids Sun Block Cream" had no look (the catalogue has no children's skin care).
    r, _ = _scratch(tmp_path)
    cream = _ids(r, gender="Unisex", articleType="Backpacks")[0]
    _relabel(r, [cream], masterCategory="Personal Care", subCategory="Skin Care", articleType="Sunscreen",
             productDisplayName="Lotus Herbals Kids Sun Block Cream")
    shades = _ids(r, gender="Men", articleType="Sunglasses")[:2]
    _relabel(r, shades, gender="Boys", productDisplayName="Hop Scotch Boys Black Sunglasses")
    look = r.complete_the_look(cream, k=4)
    assert [p.slot for p in look] == ["Eyewear"] and look[0].id in shades, [(p.slot, p.id) for p in look]


def test_a_photo_two_products_share_takes_the_labels_that_agree_with_it_else_the_olders(tmp_path, caplog):
    # A new user's trial: a photo two products of the index share (one added from the other's photo) took the labels
    # of whichever the vector index listed first. Now the one whose labels agree most with the photo, then the older.
    r, _ = _scratch(tmp_path)
    shirt = _some_id(r, articleType="Shirts")
    photo = Image.open(r.image_path(shirt))
    own = {h: r.item(shirt)[h] for h in ("gender", "articleType", "baseColour", "usage", "season")}
    # Added from the shirt's photo turned a little (a copy: cosine over NEAR_DUPLICATE), with the shirt's labels.
    turned = photo.rotate(2, fillcolor="white")
    copy = r.add_product(turned, {**own, "productDisplayName": "Acme Copy Shirt"})
    query = r.photo_query(turned)
    assert query.closest_id == copy     # the index lists the copy first for its own photo
    assert r.photo_owners(query) == [shirt, copy]
    assert r.similar_to_image(turned, k=3).same_as == shirt
    with caplog.at_level("WARNING"):    # added from that photo again: the older's labels, and both said
        r.add_product(turned, {"productDisplayName": "Acme Third"})
    assert f"is the photo of product {shirt} (" in caplog.text and f"also the photo of product {copy}," in caplog.text
    # The copy's colour the one the tagger reads in the photo, the shirt's one it does not: the copy's labels.
    colours = [c for c, _ in r.tagger.decode(query.probs, 0, top=100)["baseColour"]]
    _relabel(r, [copy], baseColour=colours[0])
    _relabel(r, [shirt], baseColour=colours[-1])
    assert r.photo_owners(r.photo_query(turned))[0] == copy
    assert r.similar_to_image(turned, k=3).same_as == copy


def test_a_like_pick_is_of_the_liked_items_usage_before_another(tmp_path):
    # A stop 61 trial: a Tantra casual T-shirt was a pick "like" a Fila sports one, where the catalogue had sports ones.
    r, _ = _scratch(tmp_path)
    liked = _ids(r, gender="Men", articleType="Tshirts", usage="Casual")[0]
    first = next(p.id for p in r.for_profile([liked], k=4, looks=False) if p.item["articleType"] == "Tshirts")
    _relabel(r, [first], usage="Sports")
    picks = [p.item["usage"] for p in r.for_profile([liked], k=8, looks=False) if p.item["articleType"] == "Tshirts"]
    # Its casual T-shirts first (the fixture's small model finds them all alike, so the page spreads over more types).
    assert picks and picks[0] == "Casual" and picks == sorted(picks, key=lambda u: u != "Casual"), picks


def test_similar_items_cards_say_what_tells_each_apart(rec, monkeypatch):
    # Stop 64, a shopper's trial: every card of a product's similar items and of a photo's said "Same type, colour
    # and gender", twelve times over. Where all share that, each says its brand, a print, the closest photo or the
    # band of its visual similarity; the whole reason is unchanged.
    import fashionrec.recommend as recommend

    i = _some_id(rec, articleType="Tshirts")
    src = rec.item(i)
    found = rec.similar(i, k=8)
    assert len({r.card_reason for r in found}) > 1, [r.card_reason for r in found]
    cosines = [float(np.round(rec.vector(r.id) @ rec.vector(i), 2)) for r in found]
    closest = [r.card_reason for r, c in zip(found, cosines, strict=True) if c == max(cosines)]
    assert any("losest photo" in c for c in closest), (closest, [r.card_reason for r in found])
    assert all(r.card_reason.count("losest photo") <= 1 for r in found)
    assert sum("losest photo" in r.card_reason for r in found) == 1
    bands = dict(recommend.PHOTO_BANDS).values()
    for r, c in zip(found, cosines, strict=True):
        parts = r.card_reason.split("; ")[-1].split(", ")
        if parts == [p for p in parts if p[:1].upper() + p[1:] in bands]:      # only a band: the one its cosine is in
            assert parts[0][:1].upper() + parts[0][1:] == next(b for least, b in recommend.PHOTO_BANDS if c >= least)
    # Its brand, where a result has it (the source's name and the result's before the wearer's word).
    theirs = {**found[1].item, "productDisplayName": "Zorro Men Checked Shirt"}
    mine = {**src, "productDisplayName": "Zorro Checks Men Blue Shirt"}
    one = [recommend.Rec(found[0].id, 1.0, "x", found[0].item, card_reason="Same type"),
           recommend.Rec(found[1].id, 0.9, "x", theirs, card_reason="Same type")]
    rec._tell_apart(rec.vector(i), mine, one)
    # The check pattern both names say, as a shopper reads it: "also checked" read as "also viewed" (stop 69).
    assert one[1].card_reason.startswith("By Zorro too, also in checks"), one[1].card_reason
    # "Red Tape" and "Red Chief" share a word, not a brand; "Turtle" is the brand of "Turtle Check".
    for name, brand in (("Red Chief Men Shirt", None), ("Zorro Men Shirt", "Zorro")):
        two = [recommend.Rec(found[0].id, 1.0, "x", found[0].item, card_reason="Same type"),
               recommend.Rec(found[1].id, 0.9, "x", {**theirs, "productDisplayName": name}, card_reason="Same type")]
        rec._tell_apart(rec.vector(i), {**src, "productDisplayName": "Red Tape Men Shirt" if brand is None else
                                        "Zorro Check Men Shirt"}, two)
        assert ("By " in two[1].card_reason) == (brand is not None), two[1].card_reason
    # A photo's: the same, its own product's card left to the page ("Your photo's product").
    photo = Image.open(rec.image_path(i))
    res = rec.similar_to_image(photo, k=8)
    others = [r for r in res[1] if r.id != res.same_as]
    assert sum("losest photo" in r.card_reason for r in others) == 1, [r.card_reason for r in others]
    # What its name says of fit, finish, print or material that the source's does not, and what both say: a
    # washed blue jeans' "Regular Fit" one; not a model's name ("Barney"). 10 of a blue jeans' 12 cards said "Close
    # photo" (stop 65), where the names told them apart.
    cards = {r.id: r.card_reason for r in rec.similar(16521, k=8)}      # "Locomotive Men Washed Blue Jeans"
    assert cards[16917].endswith("; also washed") and cards[56845].endswith("; regular fit"), cards
    assert recommend.name_traits("Highlander Men Blue Checked Hadden Slim Fit Shirt") == ("in checks", "slim fit")
    assert recommend.name_traits("Locomotive Men Barney Grey Jeans") == ()
    # A second colour its name says that the source's does not: a white-and-pink shoe's white-and-blue one.
    found = rec.similar(3212, k=8)                      # "Nike Women Sweet Classic White Pink Shoe"
    assert {r.id: r.card_reason for r in found}[3298].endswith("; with blue"), [r.card_reason for r in found]
    for r in found:
        r.card_reason = r.card_reason.split("; ")[0]        # as _ranked gave them
    rec._tell_apart(rec.vector(3212), {**rec.item(3212), "productDisplayName": "Nike Women Blue White Shoe"}, found)
    assert "with blue" not in {r.id: r.card_reason for r in found}[3298]
    # Not a shade of its own colour its name says alone ("Murcia Women Turquoise Blue Handbag", filed Blue).
    assert recommend._second_colour(("Turquoise Blue",), "Blue", None) == []
    assert recommend._second_colour(("White", "Blue"), "White", {"baseColour": "Purple"}) == ["Blue"]


def test_a_name_trait_is_not_read_where_its_word_names_another_thing():
    # A review (stop 65): a blush's card said "Relaxed fit" ("Loose Powder"), a wallet's "Slim fit" ("Slim Fold")
    # and "Hooded" (Fossil's "Hood" line).
    from fashionrec.recommend import name_traits

    assert name_traits("Streetwear Crystal Shine Bronze Face Brightener Loose Powder") == ()
    assert name_traits("Fossil Men Hood Traveller Brown Wallet") == ()
    assert name_traits("American Tourister Men Brown Slim Fold Wallet") == ("slim",)
    assert name_traits("Elle Women Black Etra Slim Fit Trousers") == ("slim fit",)
    assert name_traits("Puma Men Loose Hoodie") == ("relaxed fit", "hooded")


def test_a_names_brand_is_read_with_the_catalogues_brands():
    # Stop 65 left: "Reebok Reenergize Men Perfumes" and "Reebok Reegame Men Perfumes" shared no brand, "Fabindia
    # Silver Earrings" (no wearer word) had none, and the colours' wearer words and the brand's differed, neither
    # knowing "Woman". Stop 66: one list of wearer words, the catalogue's brands read where a name has none.
    from fashionrec.item_tables import BRAND_BEFORE_WEARER, brand_words, catalogue_brands
    from fashionrec.looks import WEARER_NAME
    from fashionrec.name_colours import after_brand as _after_brand
    from fashionrec.recommend import _same_brand

    names = pd.Series(["Reebok Men Black Shoes", "Reebok Women Pink Top", "Reebok Reenergize Men Perfumes",
                       "Reebok Reegame Men Perfumes", "Fabindia Women Blue Kurta", "Fabindia Men Red Kurta",
                       "Fabindia Silver Earrings", "Royal Diadem Pink Earrings", "Royal Diadem Red Earrings",
                       "Royal Diadem Set of 2 Bangles", "Lee Men Blue Jeans", "Lee Women Jeans", "Lee Cooper Men Shoes",
                       "Lee Cooper Women Shoes", "ADIDAS Black Men Socks", "ADIDAS Black Men Cap", "ADIDAS Men Top",
                       "ADIDAS Men Shorts", "Red Cotton Kurta", "Red Silk Saree", "Red Linen Shirt",
                       "Arrow Woman Blue Jeggings", "Jockey Men Vest", "Jockey Women Bra",
                       "Jockey Lace Stretch Skin Boy Leg Brief"])
    brands = catalogue_brands(names, frozenset({"red", "black", "blue", "pink", "silver", "skin"}))
    assert _same_brand(brand_words("Reebok Reenergize Men Perfumes", brands), "Reebok Reegame Men Perfumes",
                       brands) == "Reebok"
    assert brand_words("Fabindia Silver Earrings", brands) == ["Fabindia"]
    assert _same_brand(["Fabindia"], "Fabindia Silver Earrings", brands) == "Fabindia"
    # Names without a wearer word that begin alike are a brand's ("Royal Diadem": 111 in the catalogue), not
    # where the word is a colour (a shop's "Red Cotton Kurta").
    assert brand_words("Royal Diadem Pink Earrings", brands) == ["Royal", "Diadem"]
    assert brand_words("Red Cotton Kurta", brands) == []
    assert _after_brand(pd.Series(["Royal Diadem Pink Earrings"]), brands).tolist() == ["Pink Earrings"]
    # The longest brand its words begin with: Lee Cooper's own; a colour after a brand is no brand of its own.
    assert brand_words("Lee Cooper Men Shoes", brands) == ["Lee", "Cooper"]
    assert brand_words("ADIDAS Black Men Socks", brands) == ["ADIDAS"]
    # One list of wearer words for both readings, "Woman" among them; not a brief's "Boy Leg".
    for word in ("Men", "Women's", "Woman", "Boy", "Kid's", "Womens", "Unisex"):
        name = f"Zorro {word} Blue Shirt"
        assert re.match(BRAND_BEFORE_WEARER, name).group(1) == "Zorro", word
        assert re.search(WEARER_NAME, name).group(1).strip() == "Blue Shirt", word
    assert brand_words("Arrow Woman Blue Jeggings", brands) == ["Arrow"]
    assert re.search(WEARER_NAME, "Jockey Lace Stretch Skin Boy Leg Brief") is None
    assert brand_words("Jockey Lace Stretch Skin Boy Leg Brief", brands) == ["Jockey"]


def test_a_compound_colour_is_one_colour_on_a_card():
    # Stop 65 left: "Teal Blue" was read as teal and blue, so a teal-blue handbag filed Blue said "with teal".
    from fashionrec.recommend import _second_colour

    assert _second_colour(("Teal", "Blue"), "Blue", None, "Murcia Women Teal Blue Handbag") == []
    assert _second_colour(("Olive", "Green"), "Olive", None, "Zorro Men Olive Green Shirt") == []
    # Said whole beside another colour; two colours apart are two.
    assert _second_colour(("White", "Teal", "Blue"), "White", {"baseColour": "Black"},
                          "Zorro Men White & Teal Blue Shirt") == ["Teal Blue"]
    assert _second_colour(("Teal", "Blue"), "Blue", None, "Zorro Men Teal & Blue Shirt") == ["Teal"]


def test_a_card_reads_a_price_as_the_searches_do(tmp_path):
    # Stop 67 review: one price edited by hand into items.csv ("call us") makes pandas read the whole column as text;
    # sort=price and "cheapest" read "1299" as 1299 (item_tables.price_of), the cards' "Costs less" said nothing.
    from fashionrec.card_reasons import price_compared

    (tmp_path / "items.csv").write_text("id,price\n1,500\n2,1000\n3,call us\n4,inf\n")
    cheap, source, edited, endless = pd.read_csv(tmp_path / "items.csv").to_dict("records")
    assert isinstance(cheap["price"], str)          # as Recommender.load reads such a column
    assert price_compared(cheap, source) == "Costs less"
    assert price_compared(source, cheap) == "Costs more"
    assert price_compared(edited, source) is None and price_compared(endless, source) is None
    assert price_compared(cheap, edited) is None


def test_a_cards_collection_needs_a_year_that_is_a_number():
    # Stop 67 review: an items.csv year edited to "inf" (or 400 digits) reads as an infinite float, and int() of it
    # was an OverflowError out of similar items, where a year that is no number is no collection.
    from fashionrec.card_reasons import collection_said

    summer = {"season": "Summer", "year": 2012.0}
    for year in (float("inf"), float("-inf"), float("nan"), "20x2", None):
        assert collection_said({"season": "Winter", "year": year}, summer) is None, year
        assert collection_said(summer, {"season": "Winter", "year": year}) is None, year
    assert collection_said({"season": "Winter", "year": 2015}, summer) == "Winter 2015 collection"


def test_similar_items_cards_say_what_else_tells_them_apart(rec):
    # Stop 65 left lists whose names say no trait as alike as before ("Similar photo" on 11 of a graphic T-shirt's
    # 12 cards; shoes, perfumes, earrings): a heel's make, a rare word both names say, another usage, size, price,
    # and where every card said the same, the catalogue's collection.
    cards = {r.id: r.card_reason for r in rec.similar(56959, k=8)}        # "HM Women Red Flats"
    assert cards[45326].endswith("; wedge heel"), cards                     # "Cobblerz Women Multi-Coloured Wedges"
    found = rec.similar(_some_id(rec, articleType="Shorts"), k=6)[:6]
    source = {"productDisplayName": "Zorro Men Woven Blue Shorts", "usage": "Casual", "season": "Summer",
              "year": 2012, "articleType": "Shorts"}
    theirs = [{"productDisplayName": "Yeti Men Woven Grey Shorts", "usage": "Casual"},      # "woven": 2 names
              {"productDisplayName": "Yeti Men Grey Shorts", "usage": "Sports"},
              {"productDisplayName": "Yeti Men Grey Shorts Pack of 3", "usage": "Casual"},
              {"productDisplayName": "Yeti Men Grey Shorts", "usage": "Casual", "price": 500.0},
              {"productDisplayName": "Yeti Men Grey Shorts", "usage": "Casual", "season": "Winter", "year": 2015},
              {"productDisplayName": "Yeti Men Grey Shorts", "usage": "Casual", "season": "Summer", "year": 2012}]
    recs = [Rec(r.id, 1.0, "x", {**r.item, "season": None, "price": None, **t}, card_reason="Same type and gender")
            for r, t in zip(found, theirs, strict=True)]
    rec._tell_apart(rec.vector(found[0].id), {**source, "price": 1000.0}, recs)
    said = [r.card_reason.casefold() for r in recs]       # each after "Closest photo" on the closest
    for card, reason in zip(said, ['also named "woven"', "for sports", "pack of 3", "costs less",
                                   "winter 2015 collection"], strict=False):
        assert reason in card, said
    assert not any(x in said[5] for x in ("named", "for ", "pack", "costs", "collection")), said
    assert "named" not in said[1]      # "Shorts": many of its type's names say it
    # Where every card said the same, two things: a card with one reason its photo's band after it.
    bands = [b.casefold() for _, b in PHOTO_BANDS]
    assert any(said[1] == f"for sports, {b}" for b in bands) or said[1].startswith("closest photo"), said
    # What every card would say tells none apart: a casual shorts' sports ones are not each "For sports".
    for r in recs:
        r.card_reason, r.item["usage"], r.item["productDisplayName"] = "Same type", "Sports", "Yeti Men Grey Shorts"
    rec._tell_apart(rec.vector(found[0].id), source, recs)
    assert not any("sports" in r.card_reason for r in recs), [r.card_reason for r in recs]
    # A brand read with the catalogue's where a name has no wearer word ("Peter England": two belts of the fixture).
    two = [Rec(r.id, 1.0, "x", {**r.item, "productDisplayName": n}, card_reason="Same type")
           for r, n in zip(found, ["Yeti Men Grey Shorts", "Peter England Silver Belt"], strict=False)]
    rec._tell_apart(rec.vector(found[0].id), {"productDisplayName": "Peter England Men Black Belt"}, two)
    assert two[1].card_reason.startswith("By Peter England too"), two[1].card_reason


def test_similar_items_card_words_are_kept_for_the_items_version_alone(tmp_path):
    # Stop 68: a module cache of the cards' name words, keyed by name and the catalogue's brands, kept the brands set
    # of every version whose brands differed (63 kB at 44k names) alive, in up to 65,536 entries; now per version of
    # the items, let go by each add, removal or stock change.
    import gc
    import inspect

    r, photo = _scratch(tmp_path)
    first = int(r.items["id"].iloc[0])
    cards = [x.card_reason for x in r.similar(first, k=6)]
    add = _adding(r, photo)
    add(productDisplayName="Zorbo Men Blue Tshirt")
    r.similar(first, k=6)
    one = r._catalogue_brands()
    second = add(productDisplayName="Zorbo Men Red Tshirt")
    r.similar(first, k=6)
    two = r._catalogue_brands()
    assert "zorbo" in two and "zorbo" not in one        # a version with a brand more
    r.remove_product(second, save=False)
    cards = [x.card_reason for x in r.similar(first, k=6)]
    assert r._catalogue_brands() == one and r._catalogue_brands() is not one
    gc.collect()
    assert [x for x in gc.get_referrers(two) if not inspect.isframe(x)] == []
    r.set_stock({int(r.items["id"].iloc[-1]): 3}, save=False)     # a version of its own too, the cards as before
    assert [x.card_reason for x in r.similar(first, k=6)] == cards
    cache = r._codes[("card", "words")]
    assert set(cache) <= set(r.items["productDisplayName"]) and len(cache) <= 6


def test_a_graphics_theme_is_said_on_its_card(rec):
    # "Mr.Men Men's Mr.Busy Navy T-shirt": 11 of its 12 cards said "Similar photo" (stop 66), other brands' navy
    # graphic T-shirts named by their prints (Superman, Mickey, Billy Idol), which share no word with it.
    found = rec.similar(_some_id(rec, articleType="Tshirts"), k=4)[:4]
    names = ["Superman Men's Action Navy T-shirt", "Mickey Men's Donald Jumps Bring It On Navy T-shirt",
             "Myntra Men's If You Don't Like Navy Blue T-shirt", "Colorbar Pro Kiss Me Darling Lipstick"]
    recs = [Rec(r.id, 1.0, "x", {**r.item, "productDisplayName": n, "season": None, "usage": None},
                card_reason="Same type") for r, n in zip(found, names, strict=True)]
    rec._tell_apart(rec.vector(found[0].id), {"productDisplayName": "Mr.Men Men's Mr.Busy Navy T-shirt"}, recs)
    said = [r.card_reason.casefold() for r in recs]
    assert "superhero print" in said[0] and "also a cartoon print" in said[1], said
    assert not any("print" in x for x in said[2:]), said        # a slogan's, a lipstick's "Kiss": no theme


def test_an_unsure_photo_search_does_not_claim_the_same_type_on_its_cards(rec, monkeypatch):
    import fashionrec.recommend as recommend

    photo = Image.open(rec.image_path(_some_id(rec, articleType="Tshirts"))).convert("RGB")
    monkeypatch.setattr(recommend, "UNSURE_TYPE", 0.0)
    _, sure = rec.similar_to_image(photo, k=5)
    assert not any(r.card_reason == "Looks alike" for r in sure)
    monkeypatch.setattr(recommend, "UNSURE_TYPE", 1.01)     # every guess unsure
    _, unsure = rec.similar_to_image(photo, k=5)
    assert [r.id for r in unsure] == [r.id for r in sure] and all(r.card_reason == "Looks alike" for r in unsure)
    assert [r.reason for r in unsure] == [r.reason for r in sure]       # the full reason is unchanged
    monkeypatch.setattr(rec, "unfamiliar_below", lambda: 1.01)          # every photo unlike the catalogue
    found = rec.similar_to_image(photo, k=5)
    assert found.unfamiliar and all(r.card_reason == "Nearest in the catalogue" for r in found[1])


def test_results_narrowed_to_a_colour_say_it_in_their_reasons(rec):
    # A product's similar items narrowed to another colour said "Same type and gender", as if the colour were
    # by chance (a shopper's trial, stop 61): the colour chosen is said where it is not the source's own.
    it = rec.items
    item = _some_id(rec, articleType="Tshirts")
    own = it.loc[it["id"] == item, "baseColour"].iloc[0]
    other = next(c for c in it.loc[it["articleType"] == "Tshirts", "baseColour"] if c != own)
    found = rec.similar(item, k=3, filters={"baseColour": other.lower()})
    assert found and all(r.item["baseColour"] == other for r in found)
    assert all(r.card_reason.endswith(f"in {other.lower()} as chosen") for r in found), [r.card_reason for r in found]
    assert all(f"colour {other} as chosen" in r.reason for r in found)
    assert not any("as chosen" in r.card_reason for r in rec.similar(item, k=3, filters={"baseColour": own}))
    assert not any("as chosen" in r.card_reason for r in rec.similar(item, k=3))
    # A text search too: "Matches type" alone of red T-shirts under Colour: Red.
    texts = rec.search_text("tshirt", k=3, filters={"baseColour": other}, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert texts and all(r.card_reason.endswith(f"in {other.lower()} as chosen") for r in texts), texts
    said = rec.search_text(f"{other.lower()} tshirt", k=3, filters={"baseColour": other})
    assert not any("as chosen" in r.card_reason for r in said)       # the query named it: "Matches type and colour"


def test_results_narrowed_to_a_colour_all_alike_are_told_apart_before_the_colour(rec):
    # A jacket photo's results narrowed to Colour: Black said "Same type and gender, in black as chosen" on each of
    # 12 cards (stop 69's shopper): where every card says the same, what tells each apart stands before the choice.
    it = rec.items
    item = _some_id(rec, articleType="Tshirts")
    own, gender = it.loc[it["id"] == item, ["baseColour", "gender"]].iloc[0]
    tees = it[(it["articleType"] == "Tshirts") & (it["gender"] == gender) & (it["baseColour"] != own)]
    other = tees["baseColour"].value_counts().index[0]
    filters = {"baseColour": other, "articleType": "Tshirts", "gender": gender}
    found = rec.similar(item, k=5, filters=filters)
    assert len(found) >= 2 and all(r.card_reason.endswith(f", in {other.lower()} as chosen") for r in found)
    assert not any(r.card_reason.startswith("Same ") for r in found), [r.card_reason for r in found]
    assert all(f"colour {other} as chosen" in r.reason for r in found)      # the whole reason as before


def test_similar_items_are_for_the_products_wearer_first(rec, monkeypatch):
    import fashionrec.recommend as recommend
    from fashionrec.results import wearable_by

    adults = rec.items.index[rec.items["gender"].isin(["Men", "Women"])][:40]

    def unwearable() -> int:
        return sum(not wearable_by(r.item, rec.item(int(i))) for i in adults for r in rec.similar(int(i), k=5))

    with_penalty = unwearable()
    monkeypatch.setattr(recommend, "WRONG_WEARER", 0.0)
    without = unwearable()
    assert with_penalty < without, (with_penalty, without)


def test_a_childs_similar_items_are_childrens_first_even_where_its_nearest_are_grown_ups(tmp_path, monkeypatch):
    # "Enroute Teens Brown Sandals" (Girls) had 1 girls' product in its top 12, then men's sandals: its 200
    # nearest held 2 children's products, of the catalogue's 35 girls' sandals. "ADIDAS Kids Boys Duramo" (black)
    # had men's black sports shoes before children's sports shoes of other colours.
    import fashionrec.recommend as recommend

    r, _ = _scratch(tmp_path)
    shoes = r.items.index[r.items["articleType"] == "Sports Shoes"]
    q = int(shoes[0])
    cosine = {int(i): float(r.vector(int(i)) @ r.vector(q)) for i in shoes[1:]}
    kids = sorted(cosine, key=cosine.get)[:3]          # the children's are the least like it
    r.items.loc[q, ["gender", "baseColour"]] = ["Boys", "Black"]
    r.items.loc[kids, ["gender", "baseColour"]] = ["Unisex", "Pink"]
    r.items.loc[kids, "productDisplayName"] = [f"Puma Kids Unisex Shoes {n}" for n in range(3)]
    r.items.loc[[i for i in cosine if i not in kids], ["gender", "baseColour"]] = ["Men", "Black"]
    r._reindex()
    assert {x.id for x in r.similar(q, k=3)} == set(kids)
    # Re-ranked from its k + 10 nearest alone, none a child's: its wearer's nearest are searched too.
    monkeypatch.setattr(recommend, "RERANK_POOL", 0)
    assert not set(kids) & set(r._neighbours(r.vector(q), 3, None, {q}, pool=13)[0])
    assert {x.id for x in r.similar(q, k=3)} == set(kids)


def test_a_childs_similar_items_are_its_type_for_either_sex_of_its_age_before_its_sexs_other_types(tmp_path):
    # A stop 75 shopper's trial: "Madagascar 3 Infant Girls Light Green Booties" listed two girls' booties, then
    # girls' shorts, skirts and tops; the catalogue's 7 boys' booties, the same but for their colour, none.
    r, _ = _scratch(tmp_path)
    girls, boys = _ids(r, gender="Women", articleType="Tshirts")[:2], _ids(r, gender="Men", articleType="Tshirts")[:3]
    _relabel(r, girls + boys, articleType="Booties")
    for n, (i, sex) in enumerate([(i, "Girls") for i in girls] + [(i, "Boys") for i in boys]):
        _relabel(r, [i], gender=sex, productDisplayName=f"Madagascar 3 Infant {sex} Booties {n}")
    for n, i in enumerate(_ids(r, gender="Women", articleType=["Tops", "Shorts", "Skirts"])[:6]):
        _relabel(r, [i], gender="Girls", productDisplayName=f"Madagascar 3 Infant Girls Top {n}")
    listed = [(x.id, x.item["articleType"]) for x in r.similar(girls[0], k=6)]
    assert listed[0][0] == girls[1] and {i for i, _ in listed[1:4]} == set(boys), listed
    # A grown-up's or an older child's clothes keep to their wearer, as before: the boys' booties are babies'.
    shirt, *shirts = _ids(r, gender="Men", articleType="Shirts")[:6]
    _relabel(r, [shirt], gender="Girls", productDisplayName="Gini and Jony Girls Shirt")
    assert not {x.id for x in r.similar(shirt, k=6)} & set(boys)
    # ... and an older child's clothes whose sex's run out the other sex's older children's of its type next, not a
    # baby's (stop 76: a girl's only check shirt listed girls' tops and T-shirts, the boys' 70 shirts none).
    older, babies = shirts[:3], shirts[3:]
    for n, i in enumerate(older):
        _relabel(r, [i], gender="Boys", productDisplayName=f"Gini and Jony Boys Check Shirt {n}")
    for n, i in enumerate(babies):
        _relabel(r, [i], gender="Boys", productDisplayName=f"Madagascar 3 Infant Boys Shirt {n}")
    for n, i in enumerate(_ids(r, gender="Women", articleType="Kurtas")):
        _relabel(r, [i], gender="Girls", productDisplayName=f"Gini and Jony Girls Kurta {n}")
    listed = [x.id for x in r.similar(shirt, k=6)]
    assert set(listed[:3]) == set(older), (listed, older)
    assert not r._type_lead(r._row[shirt], "Shirts")[[r._row[i] for i in babies]].any()


def test_a_products_type_leads_its_similar_items_while_the_shop_has_any(tmp_path):
    # A small shop's kids' watch filed Yellow listed two watches, then eight yellow children's T-shirts and tops,
    # then a blue Q&Q watch 11th (a shopper's trial, stop 66): the wearer's penalty took the type's weight off the
    # grown-ups' watches, and the colour won. A child's accessory or shoe now has its type first, its wearer's
    # first within it; a child's clothes keep to children's (a boy's T-shirt: boys' tops before men's T-shirts).
    r, _ = _scratch(tmp_path)
    watches = [int(i) for i in r.items.index[r.items["articleType"] == "Watches"]]
    q, kid = watches[:2]
    r.items.loc[[q, kid], ["gender", "baseColour"]] = ["Unisex", "Yellow"]
    r.items.loc[[q, kid], "productDisplayName"] = ["Q&Q Kids Unisex White Dial Analog Watch",
                                                   "Q&Q Kids Girls Pink Dial Analog Watch"]
    tees = [int(i) for i in r.items.index[r.items["articleType"] == "Tshirts"]]
    r.items.loc[tees, ["gender", "baseColour"]] = ["Boys", "Yellow"]
    r.items.loc[tees, "productDisplayName"] = [f"Doodle Boys Printed Yellow T-shirt {n}" for n in range(len(tees))]
    tops = [int(i) for i in r.items.index[r.items["articleType"] == "Tops"]]
    r.items.loc[tops, ["gender", "baseColour"]] = ["Boys", "Yellow"]
    r.items.loc[tops, "productDisplayName"] = [f"Doodle Boys Yellow Top {n}" for n in range(len(tops))]
    r._reindex()
    found = [x.item["articleType"] for x in r.similar(q, k=12)]
    assert found[:len(watches) - 1] == ["Watches"] * (len(watches) - 1), found
    assert r.similar(q, k=1)[0].id == kid       # its wearer's first
    # A boy's T-shirt: the other boys' T-shirt, then boys' tops, not the men's T-shirts.
    r.items.loc[tees[2:], ["gender", "productDisplayName"]] = ["Men", "Roadster Men Yellow T-shirt"]
    r._reindex()
    found = [(x.item["articleType"], x.item["gender"]) for x in r.similar(tees[0], k=3)]
    assert found == [("Tshirts", "Boys"), ("Tops", "Boys"), ("Tops", "Boys")], found


def test_an_ethnic_bottoms_similar_items_are_ethnic_bottoms_before_western_casual_ones(tmp_path):
    # Stop 77's shopper: the men's white churidar 30734 listed 2 churidars, then trousers, white jeans, Puma track
    # pants and ADIDAS shorts. After its type, its wearer's other ethnic bottoms, and western casual bottoms last.
    r, _ = _scratch(tmp_path)
    q, other, *rest = _ids(r, gender="Men", articleType="Jeans")
    _relabel(r, [q, other], articleType="Churidar", usage="Ethnic")
    _relabel(r, _ids(r, gender="Men", articleType="Shirts")[:2], articleType="Trousers", subCategory="Bottomwear",
             usage="Formal")
    listed = [x.id for x in r.similar(q, k=20)]
    far, casual = listed[-1], [i for i in rest if i in listed]
    _relabel(r, [far], articleType="Trousers", subCategory="Bottomwear", usage="Ethnic")    # the least like it
    _relabel(r, casual, usage="Casual")
    listed = [x.id for x in r.similar(q, k=20)]
    assert listed[:2] == [other, far], listed
    # ... and the western casual jeans after the formal trousers, though nearer
    formal = [i for i in listed if r.item(i)["usage"] == "Formal" and r.item(i)["subCategory"] == "Bottomwear"]
    at = [listed.index(i) if i in listed else len(listed) for i in casual]
    assert casual and formal and min(at) > max(map(listed.index, formal)), listed
    # An ethnic product's Sports ones after the rest: a Nehru jacket listed a Sports T-shirt.
    kurta, *kurtas = _ids(r, gender="Men", articleType="Kurtas")
    before = [x.id for x in r.similar(kurta, k=len(kurtas) + 4)]
    sporty = next(i for i in before if i not in kurtas)
    _relabel(r, [sporty], usage="Sports")
    after = [x.id for x in r.similar(kurta, k=len(kurtas) + 4)]
    assert sporty not in after[:len(kurtas) + 3], (before, after)


def test_an_ethnic_looks_stand_in_sandals_are_of_no_sportswear_brand(tmp_path):
    # Stop 77's shopper: a men's churidar's "Complete the look" took "Nike Men Nike air embark Black Sandals", filed
    # Casual (the men have no ethnic sandals), where the shop has other men's casual sandals.
    r, _ = _scratch(tmp_path)
    kurta = _ids(r, gender="Men", articleType="Kurtas")[0]
    sandal = next(p.id for p in r.complete_the_look(kurta, k=4) if p.item["articleType"] == "Sandals")
    sports = _ids(r, usage="Sports")
    assert sports
    for n, i in enumerate(sports):
        _relabel(r, [i], productDisplayName=f"Nike Sportswear {n}")
    _relabel(r, [sandal], productDisplayName="Nike Men Air Embark Sandals")
    picked = [p for p in r.complete_the_look(kurta, k=4) if p.item["articleType"] == "Sandals"]
    assert picked and picked[0].id != sandal and not picked[0].item["productDisplayName"].startswith("Nike")


def test_a_product_named_for_a_child_is_a_childs_whatever_gender_it_is_filed_under(tmp_path):
    # "Palm Tree Kids Boys Check White Shorts" is filed as men's: its similar items were men's shorts, and it was
    # one of men's shorts' similar items.
    r, _ = _scratch(tmp_path)
    shorts = [int(i) for i in r.items.index[r.items["articleType"] == "Shorts"]]
    kid = next(i for i in shorts if KIDS_NAME.search(r.item(i)["productDisplayName"]))
    cosine = {i: float(r.vector(i) @ r.vector(kid)) for i in shorts if i != kid}
    other_kid = min(cosine, key=cosine.get)         # the least like it
    r.items.loc[shorts, ["gender", "baseColour"]] = ["Men", "Blue"]
    r.items.loc[other_kid, "productDisplayName"] = "Palm Tree Kids Boys Check White Shorts"
    r._reindex()
    assert r.similar(kid, k=1)[0].id == other_kid
    grown_up = max(cosine, key=cosine.get)
    found = [x.id for x in r.similar(grown_up, k=len(shorts) - 1, filters={"articleType": "Shorts"})]
    assert set(found[-2:]) == {kid, other_kid}


def test_attribute_aware_ranking(rec, monkeypatch):
    i = _some_id(rec, articleType="Tshirts")
    n_same = int((rec.items["articleType"] == "Tshirts").sum()) - 1
    # A type weight of 3 beats any cosine gap (at most 2): every other T-shirt must come before the rest.
    monkeypatch.setattr(rec, "attribute_weights", {"articleType": 3.0})
    monkeypatch.setattr(rec, "family_weights", {})      # the kind's bonus (tested on its own)
    monkeypatch.setattr(rec, "kind_weight", 0.0)         # the name's kind's (tested on its own)
    recs = rec.similar(i, k=n_same + 5)
    same = [r.item["articleType"] == "Tshirts" for r in recs]
    assert sum(same) == n_same and same == sorted(same, reverse=True)
    v = rec.vector(i)
    for r in recs:      # the reason gives the cosine; the score adds the bonus
        cosine = float(rec.vector(r.id) @ v)
        assert f"visual similarity {cosine:.2f}" in r.reason
        assert r.raw_score == pytest.approx(cosine + 3.0 * (r.item["articleType"] == "Tshirts"), abs=1e-4)
    # Photo queries weigh each candidate by the predicted probability of its labels (the photo's own
    # product left out: an indexed photo is ranked by that product's labels, see the next test).
    image = Image.open(rec.image_path(i))
    vec, probs = rec.tagger.infer(images_to_tensor([image]))
    monkeypatch.setattr(rec, "neighbour_vote", 0.0)          # the tagger's probabilities alone
    _, recs = rec.similar_to_image(image, k=8, exclude_ids={i})
    classes = rec.tagger.classes["articleType"]
    for r in recs:
        p_type = probs["articleType"][0, classes.index(r.item["articleType"])]
        assert r.raw_score == pytest.approx(float(rec.vector(r.id) @ vec[0]) + 3.0 * p_type, abs=1e-4)
    # By default those probabilities are blended with the labels of the photo's nearest catalogue items.
    monkeypatch.setattr(rec, "neighbour_vote", 0.5)
    cos = rec.embeddings @ vec[0]
    cos[rec._row[i]] = -np.inf
    near = np.argsort(-cos, kind="stable")[:NEIGHBOUR_VOTE["neighbours"]]
    w = np.exp((cos[near] - cos[near[0]]) / NEIGHBOUR_VOTE["temperature"])
    vote = {c: w[rec.items["articleType"].to_numpy()[near] == c].sum() / w.sum() for c in classes}
    _, recs = rec.similar_to_image(image, k=8, exclude_ids={i})
    for r in recs:
        c = r.item["articleType"]
        p_type = 0.5 * probs["articleType"][0, classes.index(c)] + 0.5 * vote[c]
        assert r.raw_score == pytest.approx(float(rec.vector(r.id) @ vec[0]) + 3.0 * p_type, abs=1e-4)
    # Under a filter, the same vote: of the photo's nearest, whatever the filter keeps (Gender: Women on a white
    # sneaker's photo listed women's flip flops, voted for by women's products alone: a shopper trial).
    other = "Women" if rec.item(i)["gender"] != "Women" else "Men"
    _, recs = rec.similar_to_image(image, k=8, exclude_ids={i}, filters={"gender": other})
    assert recs and all(r.item["gender"] in (other, "Unisex") for r in recs)
    for r in recs:
        c = r.item["articleType"]
        p_type = 0.5 * probs["articleType"][0, classes.index(c)] + 0.5 * vote[c]
        assert r.raw_score == pytest.approx(float(rec.vector(r.id) @ vec[0]) + 3.0 * p_type, abs=1e-4)
    # No weights: plain cosine order.
    monkeypatch.setattr(rec, "attribute_weights", {})
    scores = [r.score for r in rec.similar(i, k=10)]
    assert scores == sorted(scores, reverse=True) and max(scores) <= 1.0 + 1e-5


def _tagger_reads_gender(rec, monkeypatch, gender: str, p: float) -> None:
    """The tagger made to read every photo as ``gender`` with probability ``p`` (the rest shared out evenly)."""
    real_infer = rec.tagger.infer
    j = rec.tagger.classes["gender"].index(gender)

    def reads(images, **kw):
        vecs, probs = real_infer(images, **kw)
        g = np.full_like(probs["gender"], (1 - p) / (probs["gender"].shape[1] - 1))
        g[:, j] = p
        return vecs, dict(probs, gender=g)

    monkeypatch.setattr(rec.tagger, "infer", reads)


def _photo_scores(rec, photo, exclude: int, **kw) -> dict[int, float]:
    return {r.id: r.raw_score for r in rec.similar_to_image(photo, exclude_ids={exclude}, **kw)[1]}


def _lost_by_wearer(rec, monkeypatch, photo, exclude: int) -> list[tuple[str, float]]:
    """Per product among the photo's 150 results: its gender, and what the photo's wearer took off its score
    (:data:`fashionrec.photo_wearer.PHOTO_WRONG_WEARER` set to 0 for the score without it)."""
    import fashionrec.photo_wearer as photo_wearer

    after = _photo_scores(rec, photo, exclude, k=150)
    monkeypatch.setattr(photo_wearer, "PHOTO_WRONG_WEARER", 0.0)
    before = _photo_scores(rec, photo, exclude, k=150)
    lost = [(rec.item(j)["gender"], before[j] - after[j]) for j in after.keys() & before.keys()]
    assert {"Men", "Women", "Unisex"} <= {g for g, _ in lost}
    return lost


def test_photo_search_lists_the_other_sex_after_where_the_tagger_is_sure(rec, monkeypatch):
    # A men's track pants' photo (the tagger: Men 0.92) listed a women's track pant first, where the gender weighed
    # 0.1 alone (a trial, stop 66); a catalogue product's similar items keep to its wearer.
    i = _some_id(rec, articleType="Track Pants", gender="Women")       # its own product left out: a new photo
    photo = Image.open(rec.image_path(i))
    _tagger_reads_gender(rec, monkeypatch, "Men", 0.97)
    predicted, recs = rec.similar_to_image(photo, k=12, exclude_ids={i})
    assert predicted["gender"][0] == ("Men", pytest.approx(0.97))
    women = [r.item["gender"] in ("Women", "Girls") for r in recs]
    assert women == sorted(women), [r.item["gender"] for r in recs]
    # Each women's product loses PHOTO_WRONG_WEARER; the men's and the unisex ones nothing.
    for gender, lost in _lost_by_wearer(rec, monkeypatch, photo, i):
        assert lost == pytest.approx(0.5 if gender in ("Women", "Girls") else 0.0, abs=1e-5), gender


def test_photo_search_weighs_the_other_sex_by_how_sure_the_tagger_is(rec, monkeypatch):
    # Men's jeans cut out onto a bedspread read "Men 61%" and listed "ADIDAS Women Blue Track Pants" first (stop 74,
    # a shopper's trial): under the sure step (0.8) a reading weighed nothing. Now the other sex's products lose a
    # share of PHOTO_WRONG_WEARER that grows with the sex's probability (Men + Boys) from UNSURE to SURE.
    import fashionrec.photo_wearer as photo_wearer

    i = _some_id(rec, articleType="Track Pants", gender="Women")
    photo = Image.open(rec.image_path(i))
    _tagger_reads_gender(rec, monkeypatch, "Men", 0.6)
    classes = rec.tagger.classes["gender"]
    rest = 0.4 / (len(classes) - 1)
    men = 0.6 + rest * ("Boys" in classes)                    # the men's side: Men and Boys
    assert rec.similar_to_image(photo, exclude_ids={i}, k=1)[0]["gender"][0] == ("Men", pytest.approx(0.6))
    share = min(max((men - photo_wearer.UNSURE) / (photo_wearer.SURE - photo_wearer.UNSURE), 0.0), 1.0)
    lost = _lost_by_wearer(rec, monkeypatch, photo, i)
    for gender, x in lost:
        assert x == pytest.approx(0.5 * share if gender in ("Women", "Girls") else 0.0, abs=1e-3), gender
    # Unsure as it is, the reading weighs: each women's product loses something, less than where it is sure.
    women = [x for gender, x in lost if gender == "Women"]
    assert women and all(0.05 < x < 0.5 - 0.05 for x in women), women


def test_photo_search_weighs_the_wearer_as_before_where_the_tagger_cannot_tell_or_a_gender_is_chosen(
        rec, monkeypatch):
    import fashionrec.photo_wearer as photo_wearer

    i = _some_id(rec, articleType="Track Pants", gender="Women")
    photo = Image.open(rec.image_path(i))
    off = lambda: monkeypatch.setattr(photo_wearer, "PHOTO_WRONG_WEARER", 0.0)  # noqa: E731
    # Unisex 0.8: men's side 0.1, women's 0.1, no sex read: the gender's weight alone, as before.
    _tagger_reads_gender(rec, monkeypatch, "Unisex", 0.8)
    unsure = _photo_scores(rec, photo, i, k=20)
    # Women's and unisex products chosen on a photo read surely as men's: the women's are what was asked for, and
    # the unisex ones do not come before them for the photo's sake.
    _tagger_reads_gender(rec, monkeypatch, "Men", 0.97)
    chosen = _photo_scores(rec, photo, i, k=100, filters={"gender": ["Women", "Unisex"]})
    assert {rec.item(j)["gender"] for j in chosen} == {"Women", "Unisex"}
    off()
    assert chosen == pytest.approx(_photo_scores(rec, photo, i, k=100, filters={"gender": ["Women", "Unisex"]}))
    _tagger_reads_gender(rec, monkeypatch, "Unisex", 0.8)
    assert unsure == pytest.approx(_photo_scores(rec, photo, i, k=20))


def test_photo_of_an_indexed_product_finds_it_first_even_when_the_tagger_is_wrong(rec, monkeypatch):
    i = _some_id(rec, articleType="Tshirts")
    real_infer = rec.tagger.infer
    wrong = rec.tagger.classes["articleType"].index("Jeans")

    def confidently_wrong(images, **kw):
        vecs, probs = real_infer(images, **kw)
        probs = dict(probs, articleType=np.eye(probs["articleType"].shape[1], dtype=np.float32)[[wrong]])
        return vecs, probs

    monkeypatch.setattr(rec.tagger, "infer", confidently_wrong)
    monkeypatch.setattr(rec, "attribute_weights", {"articleType": 3.0})
    predicted, recs = rec.similar_to_image(Image.open(rec.image_path(i)), k=6)
    # Said as its product's labels, which rank the results: the tagger's "Jeans" beside T-shirts contradicted how
    # they were found (a new user's trial: "Perfume and Body Mist 0.20" beside a handbag's results).
    assert predicted["articleType"] == [("Tshirts", 1.0)]
    # ... but the photo is item i's: its own labels rank the results, itself first, then other T-shirts.
    assert recs[0].id == i and all(r.item["articleType"] == "Tshirts" for r in recs)
    # Also where a filter leaves item i out (another wearer): its labels still rank what the filter keeps.
    other = "Women" if rec.item(i)["gender"] != "Women" else "Men"
    tees = int(((rec.items["articleType"] == "Tshirts") & rec.items["gender"].isin([other, "Unisex"])).sum())
    assert tees >= 2
    _, recs = rec.similar_to_image(Image.open(rec.image_path(i)), k=tees, filters={"gender": other})
    assert [r.item["articleType"] for r in recs] == ["Tshirts"] * tees


def test_ranking_by_colour_and_by_labels_the_tagger_does_not_know(rec, tmp_path, monkeypatch):
    i = _some_id(rec, articleType="Tshirts")
    colour = rec.item(i)["baseColour"]
    n_same = int((rec.items["baseColour"] == colour).sum()) - 1
    monkeypatch.setattr(rec, "attribute_weights", {"baseColour": 3.0})
    same = [r.item["baseColour"] == colour for r in rec.similar(i, k=n_same + 3)]
    assert sum(same) == n_same and same == sorted(same, reverse=True)
    # A label outside the tagger's classes still counts as a match for items that carry it.
    r = Recommender.load(index_copy(tmp_path / "index", rec.manifest["backend"]), tiny_tagger_path())
    r.attribute_weights = {"articleType": 3.0}
    photos = [Image.open(r.image_path(x)) for x in (i, _some_id(r, articleType="Heels"))]   # unalike photos
    kaftans = [r.add_product(photo, {"articleType": "Kaftan", "productDisplayName": f"Kaftan {n}"},
                             allow_new_values=True) for n, photo in enumerate(photos)]
    assert "Kaftan" not in r.tagger.classes["articleType"]
    assert r.similar(kaftans[0], k=1)[0].id == kaftans[1]
    # Per row, the tagger's class index of the label; a label it does not know takes the item's predicted one.
    codes, classes = r._label_codes("articleType"), r.tagger.classes["articleType"]
    for item_id in (i, *kaftans):
        row = r._row[item_id]
        label = r.items["articleType"].iloc[row]
        want = label if label in classes else r.items["pred_articleType"].iloc[row]
        assert classes[codes[row]] == want
    assert codes.dtype == np.int64 and len(codes) == len(r.items)


def test_ids_unknown_to_this_process_are_skipped(rec, tmp_path):
    """A product another replica added to a shared collection: in the vector index, not in this items table."""
    r = Recommender.load(index_copy(tmp_path / "index", rec.manifest["backend"]), tiny_tagger_path())
    i = _some_id(r, articleType="Tshirts")
    stranger = int(r.items["id"].max()) + 1000
    r.index.add(np.array([stranger], np.int64), r.vector(i)[None, :], attrs=[{}])   # the closest of all
    for recs in (r.similar(i, k=5), r.similar(i, k=5, diversity=0.5),
                 r.similar_to_image(Image.open(r.image_path(i)), k=5)[1]):
        assert len(recs) == 5 and stranger not in {x.id for x in recs}


def test_text_search_colour_and_type(rec):
    recs = rec.search_text("blue jeans", k=3)
    assert len(recs) == 3
    assert all(r.item["articleType"] == "Jeans" and r.item["baseColour"] == "Blue" for r in recs)
    # Fewer exact matches than k: the exact ones first, then partial matches fill the page.
    recs = rec.search_text("blue jeans for women", k=4)
    assert len(recs) == 4 and recs[0].item["gender"] in ("Women", "Unisex")
    assert all(r.item["articleType"] == "Jeans" for r in recs)
    assert rec.parse_query("black formal shoes")["articleType"] == ["Formal Shoes"] or \
        "Formal Shoes" not in set(rec.items["articleType"])
    assert "Sports Shoes" in rec.parse_query("white shoes")["articleType"]
    assert rec.parse_query("red t-shirt for men") == {"articleType": ["Tshirts"], "baseColour": ["Red"],
                                                      "gender": ["Men", "Unisex"]}
    # A shopper's words for the catalogue's colours and for a polo ("navy polo" read nothing).
    assert rec.parse_query("navy polo") == {"baseColour": ["Navy Blue"], "articleType": ["Tshirts"]}
    greys = {p["id"] for p in rec.browse(q="grey tshirt", limit=10_000)[1]}
    assert greys and {p["id"] for p in rec.browse(q="gray tshirt", limit=10_000)[1]} == greys
    # Whom a gift is for says whose it is.
    assert rec.parse_query("watch for dad")["gender"] == ["Men", "Unisex"]
    assert rec.parse_query("dress for my daughter")["gender"][0] == "Girls"
    # A parsed filter that matches nothing is dropped rather than returning nothing.
    assert len(rec.search_text("purple jeans", k=3)) == 3
    # An occasion in a shopper's words is a usage: "office wear" found only names with "Office" in them.
    assert "Formal" in set(rec.items["usage"])
    assert rec.parse_query("office wear") == {"usage": ["Formal"]}
    total, page = rec.browse(q="office wear", limit=10_000)
    assert total == int((rec.items["usage"] == "Formal").sum()) == len(page)


def test_vague_occasion_and_weather_words_mean_types_and_usages(rec):
    # "interview" listed flip flops, "date night" ten nightdresses, "winter wear" seven pairs of sandals filed
    # under Winter: an occasion is a usage, clothes for the cold are the warm types, "night" in "date night"
    # is not the night of nightwear.
    assert rec.parse_query("interview shirt") == {"articleType": ["Shirts"], "usage": ["Formal"]}
    assert rec.parse_query("date night heels") == {"articleType": ["Heels"]}   # the fixture has no Party
    assert "Night suits" not in rec.parse_query("date night").get("articleType", [])
    # Stop 67's shopper: "running kit for a woman" read "kit" as Mens Grooming Kit (96 face washes and creams);
    # a sport's kit is sportswear.
    assert rec.parse_query("running kit for a woman") == {"usage": ["Sports"], "gender": ["Unisex", "Women"]}
    for q in ("gym kit", "football kit", "cricket kit"):
        assert rec.parse_query(q) == {"usage": ["Sports"]}, q
        assert {r.item["usage"] for r in rec.search_text(q, k=5)} == {"Sports"}, q
    # Stop 67: a phrase's plural is the phrase ("running kits for women" still read Mens Grooming Kit), and a sport
    # beyond the first twelve is a sport ("hockey kit"); a kit of no sport is not ("first aid kit").
    assert rec.parse_query("running kits for women") == {"usage": ["Sports"], "gender": ["Unisex", "Women"]}
    for q in ("hockey kit", "golf kits", "swimming kit"):
        assert rec.parse_query(q) == {"usage": ["Sports"]}, q
    assert "usage" not in rec.parse_query("first aid kit")
    warm = sorted(set(WARM_TYPES) & set(rec.items["articleType"]))
    assert warm and {r.item["articleType"] for r in rec.search_text("winter wear", k=5)} <= set(warm)
    men = rec.search_text("warm clothes for men", k=5)
    assert {r.item["articleType"] for r in men} <= set(warm) and {r.item["gender"] for r in men} <= {"Men", "Unisex"}
    for q in ("interview", "meeting"):
        assert {r.item["usage"] for r in rec.search_text(q, k=5)} == {"Formal"}, q
    n_warm = int(rec.items["articleType"].isin(warm).sum())
    for q in ("winter wear", "warm clothes", "winter", "woollens"):
        found = rec.search_text(q, k=n_warm)
        assert len(found) == n_warm and {r.item["articleType"] for r in found} <= set(warm), q
    # Beside a type, "winter" still only ranks that type's Winter products first.
    jackets = rec.search_text("winter jacket", k=4)
    assert {r.item["articleType"] for r in jackets} == {"Jackets"}
    # "warm", "cosy" without a type mean the same as "winter wear"; beside one, they only rank.
    for q in ("cosy", "something warm", "warm for men"):
        found = rec.search_text(q, k=5)
        assert found and {r.item["articleType"] for r in found} <= set(warm), q
        total, page = rec.browse(q=q, limit=10_000)
        assert total > 0 and {p["articleType"] for p in page} <= set(warm), q
    assert rec.browse(q="warm jacket", limit=0)[0] == rec.browse(q="jacket", limit=0)[0]
    # Beside any other word a weather phrase is its words again: "winter wear shoes" is shoes (Winter first),
    # and "not winter" leaves out the products filed under Winter or named so, not every warm one.
    assert rec.browse(q="winter wear shoes", limit=0)[0] == rec.browse(q="shoes", limit=0)[0] > 0
    jackets = rec.items[rec.items["articleType"] == "Jackets"]
    kept = (jackets["season"] != "Winter") & ~jackets["productDisplayName"].str.contains("winter", case=False)
    assert rec.browse(q="jackets not winter", limit=0)[0] == int(kept.sum()) > 0
    # Festivals are ethnic wear; "something for a job interview" is an interview.
    assert rec.parse_query("diwali") == {"usage": ["Ethnic"]}
    assert rec.parse_query("something for a job interview") == {"usage": ["Formal"]}
    assert rec.browse(q="something for a job interview", limit=0)[0] == rec.browse(q="interview", limit=0)[0] > 0


def test_a_gift_with_no_type_is_things_with_no_size_each_kind_in_turn(rec):
    # "gift for my wife" listed 11 necklaces in 12 by meaning, and the catalogue page only the fragrance gift
    # sets (the names with "gift"); "birthday gift for dad" found no page at all.
    gifts = set(GIFT_TYPES) & set(rec.items["articleType"])
    women = rec.items[rec.items["articleType"].isin(gifts) & rec.items["gender"].isin(["Women", "Unisex"])]
    kinds = women["articleType"].nunique()
    assert kinds >= 3        # the fixture has women's handbags, sunglasses and watches
    found = rec.search_text("gift for my wife", k=len(women))
    assert len(found) == len(women) and {r.item["articleType"] for r in found} <= gifts
    assert {r.item["gender"] for r in found} <= {"Women", "Unisex"}
    assert len({r.item["articleType"] for r in found[:kinds]}) == kinds         # one of each kind first
    assert found[0].card_reason == "Matches gender; a gift with no size to guess"
    total, everything = rec.browse(q="birthday present for my wife", limit=10_000)
    listed = {p["articleType"] for p in everything}
    assert total >= int((women["gender"] == "Women").sum()) and listed <= gifts and len(listed) >= 3
    assert len({p["articleType"] for p in everything[:len(listed)]}) == len(listed)    # one of each kind first
    total, page = rec.browse(q="gift for dad", limit=10_000)
    assert total > 0 and {p["articleType"] for p in page} <= gifts and {p["gender"] for p in page} <= {"Men", "Unisex"}
    # The occasion's words as search_words reads them ("christmas" is "christma"), and a person no gender
    # word names ("mother", "parents": the gift types for anyone, not names with "mother").
    assert {p["articleType"] for p in rec.browse(q="christmas gifts for men", limit=10_000)[1]} <= gifts
    for q in ("gift for mother", "gift for my parents"):
        assert rec.browse(q=q, limit=0)[0] == int(rec.items["articleType"].isin(gifts).sum()
                                                  - rec._free_items()[rec.items["articleType"].isin(gifts)].sum()), q
    # Stop 76's shopper: "present for father's day" listed 96 closest matches by meaning ("day" no name's word).
    for q in ("present for father's day", "retirement gift for my grandfather"):
        assert rec.browse(q=q, limit=0)[0] == total, q
    # A type named is what the gift is: "watch for gift" is every watch, not the gift types.
    assert {r.item["articleType"] for r in rec.search_text("watch for gift", k=5)} == {"Watches"}
    assert rec.browse(q="watch for gift", limit=0)[0] == rec.browse(q="watch", limit=0)[0]


def test_a_night_out_takes_smart_casual_where_the_catalogue_has_few_party_products(tmp_path):
    # The catalogue files 29 products under Party, 2 of them men's: "date night outfit for men" listed those
    # and then night suits. Smart Casual's products come next, before any other usage's.
    r, _ = _scratch(tmp_path)
    shirts = np.flatnonzero(((r.items["gender"] == "Men") & (r.items["articleType"] == "Shirts")).to_numpy())
    assert len(shirts) >= 4
    usage = r.items["usage"].copy()
    usage.iloc[shirts[:1]] = "Party"
    usage.iloc[shirts[1:4]] = "Smart Casual"
    r.items["usage"] = usage
    r._reindex()
    found = r.search_text("date night outfit for men", k=4)
    assert [x.item["usage"] for x in found] == ["Party"] + ["Smart Casual"] * 3
    assert [x.item["usage"] for x in r.search_text("party shirt", k=2)] == ["Party", "Smart Casual"]
    assert r.search_text("date night outfit for men", k=5)[-1].item["usage"] not in ("Party", "Smart Casual")
    # Their cards do not claim the usage asked for; "not smart casual" leaves them out, not every Casual one.
    assert found[0].card_reason == "Matches gender and usage"
    assert found[1].card_reason == "Matches gender; Smart Casual, the nearest usage to Party"
    assert [x.item["usage"] for x in r.search_text("date night for men not smart casual", k=2)][0] == "Party"
    assert "Smart Casual" not in {x.item["usage"] for x in r.search_text("date night for men not smart casual", k=8)}


def test_colours_near_the_one_asked_for_come_first_where_that_colour_runs_out(tmp_path):
    # "red kurta for men wedding": three red kurtas, then blue ones before maroon ones, by meaning alone.
    assert colours.nearness(["Red"], ["Red", "Maroon", "Rust", "Blue", "Pink", "Multi", None]).tolist() == \
        pytest.approx([1.0, 1 - colours.distance("Red", "Maroon") / colours.NEAR,
                       1 - colours.distance("Red", "Rust") / colours.NEAR, 0.0, 0.0, 0.0, 0.0])
    assert 0 < colours.distance("Red", "Rust") < colours.distance("Red", "Maroon") < colours.NEAR
    assert colours.distance("Navy Blue", "Blue") < colours.NEAR < colours.distance("Navy Blue", "Red")
    r, _ = _scratch(tmp_path)
    shirts = np.flatnonzero(((r.items["gender"] == "Men") & (r.items["articleType"] == "Shirts")).to_numpy())
    assert len(shirts) >= 4
    colour = r.items["baseColour"].copy()
    colour.iloc[shirts] = "Blue"
    colour.iloc[shirts[-1]], colour.iloc[shirts[-2]] = "Red", "Maroon"     # the last in meaning, unless near
    r.items["baseColour"] = colour
    # Names that say no colour: the fixture's first two are named red, which lifts them, filed Blue (stop 65).
    names = r.items["productDisplayName"].copy()
    names.iloc[shirts] = [f"Brand{j} Men Shirt" for j in range(len(shirts))]
    r.items["productDisplayName"] = names
    r._reindex()
    sims = r.text_embeddings[shirts] @ r.text_embeddings[shirts].T
    r.text_embeddings[shirts] = r.text_embeddings[shirts[0]]     # alike in meaning: the colour decides
    assert sims.min() < 0.999
    found = r.search_text("red shirt for men", k=4)
    assert [x.item["baseColour"] for x in found] == ["Red", "Maroon", "Blue", "Blue"]
    assert found[1].card_reason == "Matches type and gender; maroon is close to red"
    assert found[3].card_reason == "Matches type and gender"
    # A colour without a swatch asked beside one ("Multi"): the near one says which it is near.
    assert r.parse_query("red multi shirt for men")["baseColour"] == ["Multi", "Red"]
    found = r.search_text("red multi shirt for men", k=4)
    assert [x.item["baseColour"] for x in found][:2] == ["Red", "Maroon"]
    assert found[1].card_reason == "Matches type and gender; maroon is close to red"
    # Asking for blue: the maroon and red ones are no nearer than any other colour, so meaning alone.
    assert [x.item["baseColour"] for x in r.search_text("blue shirt for men", k=len(shirts) - 2)] == \
        ["Blue"] * (len(shirts) - 2)


def test_where_the_colour_asked_runs_out_an_unsure_reading_gains_no_place(tmp_path):
    # A small shop's "red dress": after its one red dress, a grey one the tagger was unsure of (Black 0.46) came
    # before the pink ones it saw surely as pink, which alone lost SEEN_OTHERWISE_WEIGHT (a new user's trial, stop 63).
    r, _ = _scratch(tmp_path)
    shirts = np.flatnonzero(((r.items["gender"] == "Men") & (r.items["articleType"] == "Shirts")).to_numpy())
    assert len(shirts) >= 4

    def label(rows, colour, seen, prob):
        for column, value in (("baseColour", colour), ("pred_baseColour", seen), ("pred_baseColour_prob", prob)):
            col = r.items[column].copy()
            col.iloc[rows] = value
            r.items[column] = col
        r._reindex()

    label(shirts, "Green", "Green", 0.9)
    label(shirts[:1], "Red", "Red", 0.9)
    order = [x.id for x in r.search_text("red shirt for men", k=len(shirts))]
    last = order[-1]                    # the least like the query of the green ones
    label([r._row[last]], "Grey", "Black", 0.3)      # filed grey, unsure what it shows: keeps its place
    assert [x.id for x in r.search_text("red shirt for men", k=len(shirts))] == order
    label([r._row[last]], "Grey", "Red", 0.9)        # filed grey, seen surely red: first after the red one
    assert [x.id for x in r.search_text("red shirt for men", k=len(shirts))][:2] == [order[0], last]


def test_a_search_for_two_colours_lists_the_products_that_have_both_first(tmp_path):
    # Stop 65, a shopper's trial on the full catalogue: "red and black" listed "Red Chief Men Black Shoes" and "Red
    # Tape ..." first, "red" found in the brand, and the "Black & Red" shoes after them. A label holds one colour,
    # so the other is the name's, after its wearer.
    r, photo = _scratch(tmp_path)
    add = _adding(r, photo, gender="Men", masterCategory="Footwear", subCategory="Shoes", articleType="Casual Shoes",
                  season="Summer", usage="Casual")
    brands = [add(productDisplayName=f"{b} Men Black Shoes", baseColour="Black") for b in ("Red Chief", "Red Tape")]
    both = [add(productDisplayName="Converse Men Black & Red Shoes", baseColour="Black"),
            add(productDisplayName="Vans Men Red and Black Shoes", baseColour="Red")]
    for q in ("red and black", "red and black shoes", "black & red"):
        n, page = r.browse(q=q, limit=50)
        order = [p["id"] for p in page]
        assert set(order[:2]) == set(both) and set(brands) <= set(order[2:]), (q, order)
    assert r._said_colour("Red")[r._row[both[0]]] and not r._said_colour("Red")[r._row[brands[0]]]


def test_the_text_search_reads_a_query_as_the_catalogue_page_does(tmp_path):
    # Stop 66: four readings were the catalogue page's (browse) alone, and /api/search/text, `recommend text` and
    # Recommender.search_text ranked by meaning instead. Each case below makes the product the page puts last the
    # closest in meaning, so that the meaning alone would list it first.
    r, _ = _scratch(tmp_path)
    r.text_embeddings = np.array(r.text_embeddings, copy=True)

    def closest(label, query: str) -> None:       # the product at index ``label`` the closest in meaning to ``query``
        r.text_embeddings[r._row[int(r.items.loc[label, "id"])]] = query_vector(query)

    def order(q: str, **kw) -> list[int]:
        return [x.id for x in r.search_text(q, k=len(r.items), **kw)]

    it = r.items
    # "wear" with no type: clothes first, as the type asked ("casual wear" listed a watch and a belt first).
    casual = it.index[(it["usage"] == "Casual") & (it["masterCategory"] != "Apparel")]
    closest(casual[0], "casual wear")
    found = order("casual wear", min_similarity=RELEVANT_TEXT_SIMILARITY)
    kinds = [r.item(i)["masterCategory"] == "Apparel" and r.item(i)["subCategory"] not in ("Innerwear",)
             for i in found]
    assert kinds[0] and kinds == sorted(kinds, reverse=True), kinds
    assert r.browse(q="casual wear", limit=1)[1][0]["masterCategory"] == "Apparel"
    assert found[0] != int(it.loc[casual[0], "id"])
    # "running shoes": the pairs named so first, then the other Sports Shoes (the page's order).
    sports = it.index[it["articleType"] == "Sports Shoes"]
    it.loc[sports[0], "productDisplayName"] = "Puma Men Black Running Shoes"
    r._reindex()
    closest(sports[1], "running shoes")
    ids = order("running shoes")
    assert ids[0] == int(it.loc[sports[0], "id"]), [r.item(i)["productDisplayName"] for i in ids[:3]]
    assert {r.item(i)["articleType"] for i in ids[:len(sports)]} == {"Sports Shoes"}
    assert [p["id"] for p in r.browse(q="running shoes", limit=1)[1]] == ids[:1]
    # Stop 66's survey: other such phrases few names have ("jogging shoes": none of 39,730), read as their type by
    # both, not as any shoe ("shoes") or Trousers and Lounge Pants too ("pants").
    tracks = set(it["id"][it["articleType"] == "Track Pants"])
    for q, kind in (("jogging shoes", set(it["id"][sports])), ("training shoes", set(it["id"][sports])),
                    ("walking shoes", set(it["id"][sports])), ("jogging pants", tracks)):
        total, page = r.browse(q=q, limit=len(r.items))
        assert total == len(kind) and {p["id"] for p in page} == kind, (q, total)
        assert set(order(q, min_similarity=RELEVANT_TEXT_SIMILARITY)) == kind, q
    # Two colours: the products whose label and name hold both first ("red and black" listed "Red Rose Black
    # Camisole" second, for its brand's "Red").
    shoes = it.index[it["articleType"] == "Casual Shoes"][:2]
    it.loc[shoes[0], ["productDisplayName", "baseColour"]] = ["Vans Men Red and Black Shoes", "Black"]
    it.loc[shoes[1], ["productDisplayName", "baseColour"]] = ["Red Tape Men Black Shoes", "Black"]
    r._reindex()
    closest(shoes[1], "red and black")
    both = int(it.loc[shoes[0], "id"])
    assert order("red and black")[0] == both == r.browse(q="red and black", limit=1)[1][0]["id"]
    # "kurta pajama", a men's outfit: the men's Kurtas, then the men's Churidars, lead; the women's kurtas after.
    women = it.index[(it["articleType"] == "Kurtas") & (it["gender"] == "Women")]
    men = set(it["id"][(it["articleType"] == "Kurtas") & (it["gender"] == "Men")])
    churidar = it.index[(it["gender"] == "Men") & (it["articleType"] == "Tshirts")][0]
    it.loc[churidar, ["articleType", "productDisplayName"]] = ["Churidar", "Manyavar Men White Churidar"]
    r._reindex()
    closest(women[0], "kurta pajama")
    closest(churidar, "kurta pajama")       # by meaning before the men's kurtas too
    ids = order("kurta pajama")
    assert set(ids[:len(men)]) == men and ids[len(men)] == int(it.loc[churidar, "id"]), \
        [r.item(i)["productDisplayName"] for i in ids[:len(men) + 2]]
    assert r.parse_query("kurta-pyjama")["gender"] == ["Men", "Unisex"]
    assert r.parse_query("kurta pajama for women")["gender"] == ["Unisex", "Women"]
    # Stop 67: the lead for the wearer the query names (the women's kurtas, then their churidars); a salwar kameez, a
    # women's set, led by its Kurta Sets (no name says "kameez": by meaning its Salwars came first).
    churidar = it.index[(it["gender"] == "Women") & (it["articleType"] == "Tops")][0]
    it.loc[churidar, ["articleType", "productDisplayName"]] = ["Churidar", "Biba Women White Churidar"]
    suit, salwar = it.index[(it["gender"] == "Women") & (it["articleType"] == "Kurtas")][-1], \
        it.index[(it["gender"] == "Women") & (it["articleType"] == "Trousers")][0]
    it.loc[suit, ["articleType", "productDisplayName"]] = ["Kurta Sets", "Aneri Women Purple Kurta with Salwar"]
    it.loc[salwar, ["articleType", "productDisplayName"]] = ["Salwar", "Biba Women White Salwar"]
    r._reindex()
    closest(churidar, "kurta pajama for women")
    women = set(it["id"][(it["articleType"] == "Kurtas") & (it["gender"] == "Women")])
    ids = order("kurta pajama for women")
    assert set(ids[:len(women)]) == women and ids[len(women)] == int(it.loc[churidar, "id"]), \
        [r.item(i)["productDisplayName"] for i in ids[:len(women) + 1]]
    # Stop 77: then the kurta sets ("kurta pyjama for boys" missed the catalogue's 4 boys' kurta sets).
    assert ids[len(women) + 1] == int(it.loc[suit, "id"]), [r.item(i)["productDisplayName"] for i in ids]
    assert "Kurta Sets" in r.parse_query("kurta pyjama for women")["articleType"]
    closest(salwar, "salwar kameez")
    assert order("salwar kameez")[:2] == [int(it.loc[suit, "id"]), int(it.loc[salwar, "id"])]


def test_a_kind_of_a_type_lists_its_type_the_named_first_then_the_others_by_meaning(tmp_path):
    # Stop 67: "canvas shoes" found the 102 Casual Shoes named so (and by meaning any of five shoe types), "maxi skirt"
    # none ("The catalogue has no maxi skirts"); and a widened phrase's others came in the catalogue's order on the
    # page ("jogging shoes": Nike Incinerate first, where its closest matches had been Nike's Roshe Run).
    r, _ = _scratch(tmp_path)
    it = r.items
    grown = it["gender"].isin(["Men", "Women"])
    casual = it.index[(it["articleType"] == "Casual Shoes") & grown]
    it.loc[casual[0], "productDisplayName"] = "Vans Men Black Canvas Shoes"
    r._reindex()
    r.text_embeddings = np.array(r.text_embeddings, copy=True)

    def closest(label, query: str) -> int:      # the product at ``label`` made the closest in meaning to ``query``
        r.text_embeddings[r._row[int(it.loc[label, "id"])]] = query_vector(query)
        return int(it.loc[label, "id"])

    canvas = it["productDisplayName"].str.contains("Canvas") & (it["articleType"] == "Casual Shoes")
    named = set(it["id"][canvas])       # the fixture's own Converse canvas shoe and this one
    near = closest(it.index[(it["articleType"] == "Casual Shoes") & grown & ~canvas][-1], "canvas shoes")
    every = set(it["id"][it["articleType"] == "Casual Shoes"])
    total, page = r.browse(q="canvas shoes", limit=len(r.items))
    assert total == len(every) and {p["id"] for p in page} == every, total
    ids = [p["id"] for p in page]
    assert set(ids[:len(named)]) == named and ids[len(named)] == near, [p["productDisplayName"] for p in page[:3]]
    found = [x.id for x in r.search_text("canvas shoes", k=len(every), min_similarity=RELEVANT_TEXT_SIMILARITY)]
    assert set(found) == every and set(found[:len(named)]) == named and found[len(named)] == near, found
    # None named: the type, the closest first, and a note that says so.
    skirts = it.index[(it["articleType"] == "Skirts") & grown]
    near = closest(skirts[-1], "maxi skirt")
    total, page = r.browse(q="maxi skirt", limit=len(r.items))
    assert total == (it["articleType"] == "Skirts").sum() and page[0]["id"] == near
    assert r.search_text("maxi skirt", k=1)[0].id == near
    assert "No product is named 'maxi skirt': the catalogue's skirts are listed for it, the closest in meaning " \
        "first." in r.reading_notes("maxi skirt")
    # "high heels": no name says "high", so the page found none of the catalogue's 1,191 Heels (stop 67).
    heels = set(it["id"][it["articleType"] == "Heels"])
    total, page = r.browse(q="high heels", limit=len(r.items))
    assert heels and total == len(heels) and {p["id"] for p in page} == heels, total


def test_a_gift_for_a_child_keeps_the_child_where_the_shop_has_few_gifts_for_them(tmp_path):
    # Stop 67 (a shopper's trial of stop 66, a 1,500-product shop): "gift for my daughter" listed 2 kids' watches, then
    # grown-ups' unisex bags, caps and sunglasses by meaning, none of the shop's 40 girls' products.
    r, _ = _scratch(tmp_path)
    watch = _ids(r, articleType="Watches")[0]
    tops = _ids(r, articleType="Tops")[:3]
    _relabel(r, [watch, *tops], gender="Girls")
    _relabel(r, _ids(r, articleType="Backpacks") + _ids(r, articleType="Sunglasses"), gender="Unisex")
    girls = set(r.items["id"][r._worn_by("Girls")])      # these and the fixture's kids' products filed as women's
    found = r.search_text("gift for my daughter", k=len(girls) + 10, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert [x.id for x in found][:1] == [watch] and {x.id for x in found} == girls >= {watch, *tops}, \
        [(x.item["productDisplayName"], x.item["gender"]) for x in found]
    # As the page's filter counts read it.
    assert set(r.items["id"][r.text_relevant("gift for my daughter", RELEVANT_TEXT_SIMILARITY)]) == girls


def test_a_colour_search_lists_a_product_whose_name_says_other_colours_after_its_tier(monkeypatch, tmp_path):
    # A shopper's trial (stop 64): "red kurta" listed first "Global Desi Women Multi Coloured Kurta", filed Red, a
    # multicolour print. A name that says many colours, or only other ones, goes after the rest of its tier, by
    # meaning and by words; where the tagger sees the photo surely as the colour asked for, photo and label agree
    # and it keeps its place.
    r, photo = _scratch(tmp_path)
    add = _adding(r, photo, gender="Women", masterCategory="Apparel", subCategory="Topwear", articleType="Kurtas",
                  season="Summer", usage="Ethnic", baseColour="Red")
    multi = add(productDisplayName="Global Desi Women Multi Coloured Kurta")
    blue = add(productDisplayName="Mother Earth Women Blue Kurta")
    reds = {add(productDisplayName=f"{brand} Women Red Kurta") for brand in ("Aneri", "Vishudh", "Aurelia")}
    red_kurtas = set(r.items["id"][(r.items["baseColour"] == "Red") & (r.items["articleType"] == "Kurtas")])
    assert red_kurtas >= reds | {multi, blue}

    def seen(ids, colour, prob):
        for column, value in (("pred_baseColour", colour), ("pred_baseColour_prob", prob)):
            values = r.items[column].copy()
            values[r.items["id"].isin(ids)] = value
            r.items[column] = values
        r._reindex()

    seen(red_kurtas, "Red", 0.1)      # the tagger unsure of every one: the names alone decide
    found = [x.id for x in r.search_text("red kurta", k=len(red_kurtas))]
    assert set(found) == red_kurtas and set(found[-2:]) == {multi, blue}, found
    _, page = r.browse(q="red kurta", limit=len(red_kurtas))
    assert {p["id"] for p in page} == red_kurtas and {p["id"] for p in page[-2:]} == {multi, blue}
    # Not for a colour the name says: "blue kurta" does not put the blue-named one after other blue ones.
    assert not r._named_against(["Blue"])[r._row[blue]] and r._named_against(["Red"])[r._row[blue]]
    # Its look ("Black goes with Red" in the trial) goes with the name's colour, or with many colours as a product
    # filed Multi's does, and says so.
    for i, said, aside in ((multi, "Multi", "of many colours"), (blue, "Blue", "blue")):
        look = [x for x in r.complete_the_look(i, k=4) if x.card_reason]
        assert look and all(x.card_reason.endswith(f"with {said}") or said in x.card_reason for x in look), look
        assert not any("Red" in x.card_reason.replace(x.item["baseColour"], "") for x in look), look
        assert all(x.reason.endswith(f"({aside} as its name says; labelled Red)") for x in look), look
    # Seen surely red: as the name said nothing.
    seen({multi, blue}, "Red", 0.9)
    found = [x.id for x in r.search_text("red kurta", k=len(red_kurtas))]
    look = [x for x in r.complete_the_look(multi, k=4) if x.card_reason]
    assert look and all("Red" in x.card_reason and "name says" not in x.reason for x in look), look
    monkeypatch.setattr(r, "_named_otherwise", lambda: np.zeros(len(r.items), bool))
    assert [x.id for x in r.search_text("red kurta", k=len(red_kurtas))] == found


def test_a_product_the_tagger_sees_as_another_colour_comes_after_its_tier(monkeypatch, tmp_path):
    # "white sneakers for women" led with "Nike Women White and Red Sneakers", a coral shoe filed White.
    r, _ = _scratch(tmp_path)
    shirts = np.flatnonzero(((r.items["gender"] == "Men") & (r.items["articleType"] == "Shirts")).to_numpy())
    assert len(shirts) >= 3
    for column, values in (("baseColour", "White"), ("pred_baseColour", "White"), ("pred_baseColour_prob", 0.9)):
        col = r.items[column].copy()
        col.iloc[shirts] = values
        r.items[column] = col
    first = r.search_text("white shirt for men", k=1)[0].id
    ids = r.items["id"].to_numpy()
    seen = r.items["pred_baseColour"].copy()
    seen[r.items["id"] == first] = "Red"
    r.items["pred_baseColour"] = seen
    r._reindex()
    found = r.search_text("white shirt for men", k=len(shirts))
    assert {x.item["baseColour"] for x in found} == {"White"} and found[-1].id == first
    total, page = r.browse(q="white shirt for men", limit=len(shirts))
    assert page[-1]["id"] == first and set(ids[shirts]) == {p["id"] for p in page}
    # A colour without a swatch is still its own colour: a product seen Multi is no other colour for "multi".
    assert not r._seen_otherwise(["Multi"])[(r.items["pred_baseColour"] == "Multi").to_numpy()].any()
    seen[r.items["id"] == first] = "Multi"
    r.items["pred_baseColour"] = seen
    r._reindex()
    assert not r._seen_otherwise(["Multi"])[r._row[first]] and r._seen_otherwise(["White"])[r._row[first]]
    # Unsure (under SEEN_CONFIDENT), it keeps its place; but for its name, which says another colour than the White
    # this test files it as ("Indigo Nation Men Purple Shirt"): that alone puts it after the rest since stop 64.
    prob = r.items["pred_baseColour_prob"].copy()
    prob[r.items["id"] == first] = 0.3
    r.items["pred_baseColour_prob"] = prob
    r._reindex()
    assert r._named_otherwise()[r._row[first]] and r.search_text("white shirt for men", k=1)[0].id != first
    monkeypatch.setattr(r, "_named_otherwise", lambda: np.zeros(len(r.items), bool))
    assert r.search_text("white shirt for men", k=1)[0].id == first



def test_a_name_that_says_the_colour_asked_lifts_a_product_filed_otherwise(tmp_path):
    # "Quechua Red Sipper", filed Purple, is red by its photo; "FNF Multi Coloured Sari", filed White, a print of
    # many colours, was not found by "multicolour saree" (stop 65). Filed otherwise, a name that says the colour
    # asked keeps its product out of the end of its tier, unless the tagger sees the photo surely as another.
    r, _ = _scratch(tmp_path)
    shirts = set(r.items["id"][(r.items["articleType"] == "Shirts") & (r.items["gender"] == "Men")])
    named, looks, multi = 31623, 33290, _some_id(r, articleType="Tshirts", gender="Men")
    assert {10793, 11671, named, looks} == shirts

    def file(i, **columns):
        for column, value in columns.items():
            values = r.items[column].copy()
            values.iat[r._row[i]] = value
            r.items[column] = values
        r._reindex()

    for i in (10793, 11671):
        file(i, pred_baseColour="Red", pred_baseColour_prob=0.9)
    file(named, productDisplayName="Quechua Red Shirt", pred_baseColour="Purple", pred_baseColour_prob=0.3)
    file(looks, pred_baseColour="Red", pred_baseColour_prob=0.9)     # filed Black, seen surely red
    file(multi, productDisplayName="FNF Multi Coloured Tshirt", baseColour="Green", pred_baseColour="Green",
         pred_baseColour_prob=0.3)
    found = [x.id for x in r.search_text("red shirt", k=10)]
    assert set(found[:2]) == {10793, 11671} and found.index(named) < found.index(looks), found
    _, page = r.browse(q="red shirt", limit=10)
    assert [p["id"] for p in page][2] == named and not r._after_its_tier_for(["Red"])[r._row[named]]
    # Many colours: "multicolour" finds the name ("Multi Coloured") as it finds the label, and lifts it so.
    assert multi in {p["id"] for p in r.browse(q="multicolour tshirt", limit=10)[1]}
    assert not r._after_its_tier_for(["Multi"])[r._row[multi]] and r._after_its_tier_for(["Multi"])[r._row[looks]]
    # The photo seen surely as another colour belies the name.
    file(named, pred_baseColour="Blue", pred_baseColour_prob=0.9)
    found = [x.id for x in r.search_text("red shirt", k=10)]
    assert named not in found[:found.index(looks)] and r._after_its_tier_for(["Red"])[r._row[named]], found

def test_a_kind_of_a_type_lists_the_products_named_so_first(tmp_path):
    # "polo" listed every T-shirt in the catalogue's order, round necks first, and "polo shirt" U.S. Polo's
    # button-down shirts before any polo T-shirt.
    r, _ = _scratch(tmp_path)
    tees = np.flatnonzero((r.items["articleType"] == "Tshirts").to_numpy())
    shirts = np.flatnonzero((r.items["articleType"] == "Shirts").to_numpy())
    assert len(tees) >= 4 and len(shirts) >= 1
    names = r.items["productDisplayName"].copy()
    names.iloc[tees[-2:]] = ["Puma Men Stripe Polo Black Tshirt", "Nike Women Purple Polo T-shirt"]
    names.iloc[shirts[0]] = "U.S. Polo Assn. Men Striped Blue Shirt"
    r.items["productDisplayName"] = names
    r._reindex()
    named = r.items["productDisplayName"].str.contains("polo", case=False).to_numpy()
    polos = set(r.items["id"].iloc[tees][named[tees]])
    assert 2 <= len(polos) < len(tees)
    total, page = r.browse(q="polo", limit=len(polos))
    others = int((named & ~r.items["articleType"].eq("Tshirts").to_numpy()).sum())     # U.S. Polo's shirt
    assert {p["id"] for p in page} == polos and total == len(tees) + others
    for q in ("polo shirt", "polo shirts", "polo t-shirt"):
        assert [p["id"] for p in r.browse(q=q, limit=len(polos))[1]] == [p["id"] for p in page], q
    assert {x.item["articleType"] for x in r.search_text("polo shirt", k=5)} == {"Tshirts"}


def test_summer_without_a_type_lists_warm_clothes_and_nightwear_last(tmp_path):
    # "summer outfit for women" led with two nightdresses and five long jackets the catalogue files as Summer.
    r, _ = _scratch(tmp_path)
    women = (r.items["gender"] == "Women").to_numpy()
    warm = women & r.items["articleType"].isin(WARM_TYPES).to_numpy()
    assert warm.any()
    season = r.items["season"].copy()
    season[warm] = "Summer"
    r.items["season"] = season
    r._reindex()
    summer = int((women & (season == "Summer").to_numpy()).sum())
    found = r.search_text("summer outfit for women", k=summer)
    # (Children's products filed as women's are set aside too, among them.)
    kinds = [x.item["articleType"] in WARM_TYPES for x in found if x.card_reason == "Matches gender and season"
             and not KIDS_NAME.search(x.item["productDisplayName"])]
    assert any(kinds) and kinds == sorted(kinds)         # every warm one after every other
    # Beside a type it asks for that type.
    assert [x.item["articleType"] for x in r.search_text("summer jacket for women", k=3)] == ["Jackets"] * 3


def test_a_search_is_corrected_only_where_its_words_find_nothing(rec, monkeypatch):
    # The API and the CLI searched "festive season kurta" as "festive sea son kurta": a correction is searched
    # instead only where the words as typed find no product (the web page's rule, now shared).
    found = rec.browse(q="jeans", limit=0)[0]
    assert found > 0
    monkeypatch.setattr(rec, "autocorrect", lambda q: "shirts")
    assert rec.correction("jeans") is None and rec.correction("qqqq jeens") == "shirts"


def test_a_word_only_a_product_or_two_misspell_is_corrected_where_the_search_finds_nothing(tmp_path):
    # "whte shirt" listed green shirts under "The catalogue has no whte shirts": one product of the 40k is named
    # "Greenbay Whte Green Shoe", so "whte" was a catalogue word, never corrected; "marron kurta" so too (2
    # products say "Marron"), listing pink kurtas (a shopper's trial, stop 73).
    r, _ = _scratch(tmp_path)
    shoe = r.items.index[r.items["productDisplayName"] == "ADIDAS Men White Sports Shoes"][0]
    r.items.loc[shoe, "productDisplayName"] = "ADIDAS Men Whte Sports Shoes"
    r._reindex()
    # Its one product as typed; since stop 73 (h73typo) the word many products spell a letter away instead.
    assert r.browse(q="whte", limit=0)[0] == 1 and r.correction("whte") == "white"
    assert r.browse(q="whte kurta", limit=0)[0] == 0
    assert r.correction("whte kurta") == "white kurta" and r.browse(q="white kurta", limit=0)[0] > 0
    # A word many products spell so is no misspelling ("black" beside "back"), nor an English one.
    assert r.correction("black kurta") is None


def test_a_catalogue_misspelling_that_finds_a_product_or_two_is_read_as_the_common_word(tmp_path):
    # "puple top" listed the one "s.Oliver Women Printed Puple Top" and then orange and beige tops; "shrt for men"
    # one pair of shorts named "Shrt" (stop 73, a shopper's trial): a word only a product or two spell so, one
    # edit from one many products have, is that word where it reads more (a colour, a type) and finds more.
    r, _ = _scratch(tmp_path)
    shoe = r.items.index[r.items["productDisplayName"] == "ADIDAS Men White Sports Shoes"][0]
    r.items.loc[shoe, "productDisplayName"] = "ADIDAS Men Whte Sports Shoes"
    r._reindex()
    assert r.browse(q="whte shoes", limit=0)[0] == 1
    assert r.correction("whte shoes") == "white shoes" and r.browse(q="white shoes", limit=0)[0] > 1
    assert r.asked_for("white shoes")["baseColour"] == ["White"]
    # A word many products spell so stays however close to another ("black" beside "back").
    assert r.correction("black shoes") is None


def test_a_misspelt_type_or_occasion_beside_words_that_find_products_is_respelt(rec):
    # "wedding sneekers for men" listed ten Fabindia ethnic clothes and no shoe, "shoes for a prty dress" lost
    # its Party: the other words found products by meaning, so the misspelling was never corrected (stop 73,
    # an integration review).
    typed, fixed = "wedding sneekers for men", "wedding sneakers for men"
    assert rec.browse(q=typed, limit=0)[0] == rec.browse(q=fixed, limit=0)[0] == 0
    assert "articleType" not in rec.asked_for(typed) and rec.asked_for(fixed)["articleType"]
    assert rec.correction(typed) == fixed
    # Not where another word finds nothing: a description, searched by meaning as typed.
    assert rec.correction("wedding sneekers for qqqq") is None


def test_a_word_for_many_types_with_a_word_they_lack_is_said_as_typed(rec):
    # "bag for college" said "The catalogue has no college backpacks or clutches or duffel bags or handbags or laptop
    # bags or messenger bags or mobile pouches or rucksacks or tablet sleeves or trolley bags or waist pouches" (a
    # shopper's trial, stop 73): a word for more than two types is said as typed, as reading_notes says one.
    assert len(rec.parse_query("shoes")["articleType"]) > 2 and rec.browse(q="leather shoes", limit=0)[0] == 0
    assert rec.absent_together("leather shoes") == "The catalogue has no leather shoes"
    assert rec.absent_together("leather shoe") == "The catalogue has no leather shoes"


def test_a_type_for_a_word_read_as_nothing_is_read_as_the_words_in_a_row(rec):
    # "bag for college" led with three "Be For Bag" handbags, the model reading its "for" and "bag" as the brand's,
    # where "college bag" leads with backpacks (stop 74): read by meaning as the words in a row.
    assert rec.parse_query("college") == {} and rec.parse_query("bag")["articleType"]
    # ("trip", this test's second word until stop 76, is a stop word since: h76shopper.)
    for typed, in_a_row in (("bag for college", "college bag"), ("Shoes for a hike", "hike shoes")):
        assert [x.id for x in rec.search_text(typed, k=10)] == [x.id for x in rec.search_text(in_a_row, k=10)], typed
    # Not a word read as a wearer, an occasion or a person, nor a longer description.
    for query in ("shirt for men", "sandals for a wedding", "shoes for mom", "bag for my college", "college"):
        assert rec._as_meant(query) == query, query


def test_a_type_for_a_word_is_read_as_the_names_spell_the_type(rec):
    # "bags for college" read as "college bags" still led with "Be For Bag" Tote Bags where "bag for college" read as
    # "college bag" lists backpacks (stop 75): the type's word as most names spell it, singular or as typed.
    words = rec._words()
    assert words.names_saying("bag") > words.names_saying("bags")
    assert words.names_saying("shoes") > words.names_saying("shoe")
    assert rec._as_meant("bags for college") == "college bag"
    assert [x.id for x in rec.search_text("bags for college", k=10)] == \
        [x.id for x in rec.search_text("college bag", k=10)]
    assert rec._as_meant("shoes for college") == "college shoes"


def test_mufti_is_read_as_casual_not_respelt_multi(rec):
    # "mufti shirt" (Indian English: off-duty clothes) was shown as "multi shirt", multicoloured shirts (stop 74's
    # gap): an occasion word, read as Casual, and said to the text model as the usage, whose vocabulary lacks it.
    assert rec.parse_query("mufti shirt") == {**rec.parse_query("casual shirt")}
    assert rec.correction("mufti shirt") is None and rec.autocorrect("mufti shirt") is None
    assert rec._as_meant("Mufti shirt for men") == "casual shirt for men"
    assert [x.id for x in rec.search_text("mufti shirt", k=5)] == [x.id for x in rec.search_text("casual shirt", k=5)]


def test_a_phrase_searched_as_one_word_is_said_as_its_words(rec):
    # "rainy season jacket" said "The catalogue has no rainyseason jackets" (stop 75): the phrase a search reads as
    # one word ("coldweather", its warm types) is said as typed.
    assert rec.browse(q="cold weather shoes", limit=0)[0] == 0 < rec.browse(q="cold weather", limit=0)[0]
    assert rec.absent_together("cold weather shoes") == "The catalogue has no cold weather shoes"


def test_a_cloth_and_a_type_no_product_has_are_said_with_the_wearer_named(rec):
    # "denim jacket men" said "No product has every word" over men's ADIDAS jackets, where "denim jacket" said
    # "The catalogue has no denim jackets" (stop 74): the wearer is said after the cloth and the type.
    assert rec.browse(q="leather shoes", limit=0)[0] == 0 < rec.browse(q="shoes men", limit=0)[0]
    for query in ("leather shoes men", "leather shoes for men", "men's leather shoes"):
        assert rec.absent_together(query) == "The catalogue has no leather shoes for men", query
    assert rec.absent_together("leather shoes for women") == "The catalogue has no leather shoes for women"
    # A wearer with one word besides finds products, or is said by absent_combination; never "no  shoes for men".
    assert rec.absent_together("shoes men") is None


def test_an_emoji_is_read_as_its_words(rec):
    # "👟 for men" listed all the men's products: the emoji was no word.
    for emoji, words in (("👟 for men", "sneakers for men"), ("👖", "jeans"), ("🕶️ women", "sunglasses women")):
        assert rec.parse_query(emoji) == rec.parse_query(words) != {}, emoji
        assert rec.browse(q=emoji, limit=0)[0] == rec.browse(q=words, limit=0)[0], emoji
        assert [x.id for x in rec.search_text(emoji, k=5)] == [x.id for x in rec.search_text(words, k=5)], emoji
    # Also as the word a query leaves out ("shoes not 👟" listed sneakers).
    assert rec.browse(q="jeans not 👖", limit=0)[0] == 0 < rec.browse(q="jeans", limit=0)[0]


def test_text_search_cut_off_drops_noise_not_matches(rec):
    # Nothing in a clothing catalogue is like these; without a cut-off they still fill k results.
    for nonsense in ("asdfgh", "mortgage rates"):
        assert len(rec.search_text(nonsense, k=5)) == 5
        assert rec.search_text(nonsense, k=5, min_similarity=RELEVANT_TEXT_SIMILARITY) == []
    # No word of it English, the catalogue's or close to one: nothing by meaning, however low the cut
    # ("qwzx" found Q&Q watches, its letters being pieces of their name); -1 still asks for the closest.
    assert not rec._words().readable("qwzx") and rec._words().readable("casual snekers")
    assert rec.search_text("qwzx", k=5, min_similarity=-0.99) == []
    assert len(rec.search_text("casual snekers", k=5, min_similarity=-0.99)) == 5
    assert len(rec.search_text("qwzx", k=5, min_similarity=-1)) == 5
    described = rec.search_text("casual sneakers", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert described and all(r.score >= RELEVANT_TEXT_SIMILARITY for r in described)
    for bad in (1.5, -2, "x", True):     # text was a TypeError (a Python user's trial)
        with pytest.raises(BadInputError, match="between -1 and 1"):
            rec.search_text("jeans", min_similarity=bad)
        with pytest.raises(BadInputError, match="between -1 and 1"):
            rec.text_relevant("jeans", bad)
    # Only the type and the wearer asked for: no women's tops padding "tshirt for men", however alike.
    asked = rec.search_text("warm tshirt for men", k=50, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert asked and all(r.item["articleType"] == "Tshirts" and r.item["gender"] in ("Men", "Unisex") for r in asked)
    assert len(asked) == int(rec.text_relevant("warm tshirt for men", RELEVANT_TEXT_SIMILARITY).sum())
    assert {r.item["articleType"] for r in rec.search_text("warm tshirt for men", k=50)} != {"Tshirts"}
    # A result matching a query word as an attribute stays whatever its text similarity.
    typed = rec.search_text("blue jeans", k=3, min_similarity=0.99)
    assert len(typed) == 3 and all(r.item["articleType"] == "Jeans" for r in typed)


def test_text_results_spread_over_product_names():
    # Ten listings of "Rreverie Silver Earrings" came before Lencia's, a little less similar.
    sims = np.array([0.80, 0.80, 0.80, 0.78, 0.70])
    names = ["Rreverie", "Rreverie", "Rreverie", "Lencia", "Fabindia"]
    order = lambda penalty: list(_spread_names(np.arange(5), sims, names.__getitem__, penalty))  # noqa: E731
    assert order(0.0) == [0, 1, 2, 3, 4]
    assert order(0.03) == [0, 3, 1, 2, 4]       # 0.80, 0.78, 0.80 - 0.03, 0.80 - 0.06, 0.70
    assert order(0.06) == [0, 3, 1, 4, 2]       # the third at 0.68 is behind Fabindia's 0.70
    # Lazy: the first results are found without reading the whole ranked list.
    read = []
    lazy = _spread_names(np.arange(5), sims, lambda r: read.append(r) or names[r], 0.03)
    assert [next(lazy), next(lazy)] == [0, 3] and max(read) == 3


def test_cli_profile_fails_on_an_unknown_liked_id_or_leaves_it_out_when_asked():
    import json

    index = str(built_index())
    liked = [str(i) for i in Recommender.load(index, tiny_tagger_path()).items["id"].iloc[:2]]
    run = lambda *a: CliRunner().invoke(app, ["recommend", "profile", *a, "--index", index, "-k", "4"])  # noqa: E731
    res = run(*liked, "987654321")
    assert res.exit_code == 2 and "no product 987654321" in res.output and "--skip-unknown" in res.output
    kept = json.loads(run(*liked, "987654321", "--skip-unknown", "--json").output)
    assert kept["skipped"] == [987654321] and len(kept["results"]) == 4
    assert json.loads(run(*liked, "--json").output)["results"] == kept["results"]
    res = run("987654321", "--skip-unknown")
    assert res.exit_code == 2 and "none of the liked ids 987654321" in res.output


def test_cli_profile_table_says_why_its_scores_rise_and_fall():
    # Stop 71, a new user's trial: the table's scores went 0.904, 0.425, 0.575, 0.852 with no word why (picks are
    # taken from each liked product in turn); text search's table says why its scores can.
    index = str(built_index())
    rec = Recommender.load(index, tiny_tagger_path())
    liked = [str(_some_id(rec, articleType="Tshirts")), str(_some_id(rec, articleType="Watches"))]
    res = CliRunner().invoke(app, ["recommend", "profile", *liked, "--index", index, "-k", "6"])
    said = " ".join(res.output.split())
    assert res.exit_code == 0 and "neighbours in turn" in said and "a lower score can come first" in said, said
    assert "every third a piece that goes with one" in said
    res = CliRunner().invoke(app, ["recommend", "profile", *liked, "--index", index, "-k", "6", "--no-looks"])
    assert res.exit_code == 0 and "goes with one" not in " ".join(res.output.split())


def test_cli_outfit_says_why_a_look_has_fewer_pieces_than_asked():
    index = str(built_index())
    item = str(_some_id(Recommender.load(index, tiny_tagger_path()), articleType="Tshirts"))
    res = CliRunner().invoke(app, ["recommend", "outfit", item, "--index", index, "-k", "30"])
    assert res.exit_code == 0 and " of 30 pieces: a look has at most one per slot" in " ".join(res.output.split())
    res = CliRunner().invoke(app, ["recommend", "outfit", item, "--index", index, "-k", "1"])
    assert res.exit_code == 0 and "pieces:" not in res.output


def test_cli_and_api_list_similar_items_in_other_colours():
    import json
    import re

    from fastapi.testclient import TestClient

    from fashionrec.api.app import create_app

    index = str(built_index())
    rec = Recommender.load(index, tiny_tagger_path())
    # One whose page has the row: the fixture's few T-shirts of one wearer are all among its 12 similar items.
    item = next(int(i) for i in rec.items["id"] if rec.similar(
        int(i), k=6, other_colours=True, exclude_ids=[r.id for r in rec.similar(int(i), k=12)]))
    expected = [r.id for r in rec.similar(item, k=4, other_colours=True)]
    assert expected
    res = CliRunner().invoke(app, ["recommend", "similar", str(item), "--index", index, "-k", "4",
                                   "--other-colours", "--json"])
    assert res.exit_code == 0, res.output
    assert [r["id"] for r in json.loads(res.output)["results"]] == expected
    with TestClient(create_app(recommender=rec)) as client:
        got = client.get(f"/api/items/{item}/similar", params={"k": 4, "other_colours": True}).json()["results"]
        assert [r["id"] for r in got] == expected
        page = client.get(f"/item/{item}").text
        assert "Like this, in other colours" in page and 'id="other-colours"' in page
        # One card a colour, the first of each (a repeated colour read as a repeat, a shopper's trial).
        got = rec.similar(item, k=6, other_colours=True, exclude_ids=[r.id for r in rec.similar(item, k=12)])
        firsts = {}
        for r in got:
            firsts.setdefault(r.item["baseColour"], r.id)
        row = page.split('id="other-colours"')[1].split("</section>")[0]
        assert re.findall(r'data-id="(\d+)"', row) == [str(i) for i in firsts.values()], row[:500]
        # None of the similar items above it again (15% of product pages repeated some, a shopper trial).
        similar = page.split('id="similar"')[1].split("</section>")[0]
        colours = page.split('id="other-colours"')[1].split("</section>")[0]
        shown, below = (set(re.findall(r'data-id="(\d+)"', part)) for part in (similar, colours))
        assert shown and below and not shown & below
        # The page's similar items, over HTTP and from the CLI: the fixture's black handbag's purple colourway is in
        # its other colours, not among them (`/similar?k=12` listed it, stop 64), unless asked for.
        black, purple = 25277, 25220
        page = [r.id for r in rec.product_page(black)[0]]
        got = client.get(f"/api/items/{black}/similar", params={"k": 12}).json()["results"]
        assert [r["id"] for r in got] == page and purple not in page
        got = client.get(f"/api/items/{black}/similar", params={"k": 12, "colourways": "include"}).json()["results"]
        assert purple in [r["id"] for r in got]
        assert client.get(f"/api/items/{black}/similar", params={"colourways": "both"}).status_code == 422
    for extra, listed in (([], False), (["--colourways", "include"], True)):
        res = CliRunner().invoke(app, ["recommend", "similar", str(black), "--index", index, "-k", "12", "--json",
                                       *extra])
        ids = [r["id"] for r in json.loads(res.output)["results"]]
        assert (purple in ids) == listed and (listed or ids == page), (extra, ids)
    res = CliRunner().invoke(app, ["recommend", "similar", str(black), "--index", "/nowhere", "--colourways", "both"])
    assert res.exit_code == 2 and "--colourways takes exclude or include, got 'both'" in res.stderr, res.output


def test_cli_text_search_cuts_noise_like_the_web_ui():
    import json

    from fashionrec.cli_recs import TEXT_RELEVANCE

    assert TEXT_RELEVANCE == RELEVANT_TEXT_SIMILARITY
    index = str(built_index())
    run = lambda *a: CliRunner().invoke(app, ["recommend", "text", *a, "--index", index, "-k", "5"])  # noqa: E731
    res = run("asdfgh")
    assert res.exit_code == 0 and "--min-similarity -1 shows the closest" in res.output
    assert len(json.loads(run("asdfgh", "--json", "--min-similarity", "-1").output)["results"]) == 5
    none = json.loads(run("asdfgh", "--json").output)       # the JSON says why there are none, as the table does
    assert none["results"] == [] and "--min-similarity -1 shows the closest" in none["note"]
    casual = json.loads(run("casual sneakers", "--json").output)
    assert len(casual["results"]) > 0 and casual["parsed"]["usage"] == ["Casual"]     # as the table prints it
    # What it leaves out is not what it asks for, as the API's answer ("not black" read as a search for black).
    assert "baseColour" not in json.loads(run("watch not black", "--json").output)["parsed"]
    # An age as the API and the page read it (stop 63): "kurta for 5 year old" left out "for 5" as a price.
    aged = json.loads(run("kurta for 5 year old", "--json").output)
    assert aged["left_out"] == ["for 5 year old"] and "Boys" in aged["parsed"]["gender"], aged
    assert aged["note"].startswith("The catalogue has no ages, so 'for 5 year old' was left out"), aged["note"]
    # What the query names that none of the results has is said, in the table's line and the JSON.
    items = Recommender.load(index, tiny_tagger_path()).items
    watches = set(items.loc[items["articleType"] == "Watches", "baseColour"])
    absent = next(c for c in items["baseColour"].value_counts().index if c not in watches and " " not in c)
    said = " ".join(run(f"{absent.lower()} watch").output.split())
    assert f"none of these has baseColour {absent}" in said, said
    assert json.loads(run(f"{absent.lower()} watch", "--json").output)["unmatched"] == {"baseColour": [absent]}
    assert casual["unmatched"] == {} and "none of these has" not in run("casual sneakers").output
    # Fewer than asked for: said, not left to guess.
    jeans = int((rec_items := Recommender.load(index, tiny_tagger_path()).items)["articleType"].eq("Jeans").sum())
    few = CliRunner().invoke(app, ["recommend", "text", "jeans", "--index", index, "-k", str(len(rec_items))])
    assert f"only {jeans} products match 'jeans'" in " ".join(few.output.split()), few.output
    # -1 keeps k also where the query names a wearer: the same list as Python's search_text without a cut.
    rec = Recommender.load(index, tiny_tagger_path())
    kept = json.loads(run("shirts for women", "--json", "--min-similarity", "-1", "--gender", "men").output)["results"]
    assert [r["id"] for r in kept] == [r.id for r in rec.search_text("shirts for women", k=5,
                                                                      filters={"gender": "Men"})]
    assert len(kept) == 5
    # The catalogue has no prices or sizes: said and left out, as the web page does (the query searched with
    # "under 2000 rupees" in it).
    priced = json.loads(run("casual sneakers under 2000 rupees", "--json").output)
    assert priced["left_out"] == ["under 2000 rupees"] and [r["id"] for r in priced["results"]] == \
        [r["id"] for r in casual["results"]]
    said = " ".join(run("casual sneakers size 9").output.split())
    assert "the catalogue has no prices or sizes: 'size 9' left out of the search for 'casual sneakers'" in said
    assert casual["left_out"] == []
    # An empty filter (an unset shell variable) meant "any" without a word (a bad-input trial).
    for option in ("--colour", "--gender", "--article-type"):
        empty = run("jeans", option, " ")
        assert empty.exit_code == 2 and f"{option} is empty: give a value, or leave {option} out for any" in \
            " ".join(empty.output.split()), empty.output
    fixed = json.loads(run("sunglases", "--json").output)
    assert fixed["corrected"] == "sunglasses"
    assert all(r["item"]["articleType"] == "Sunglasses" for r in fixed["results"])
    assert "searched for 'sunglasses'" in " ".join(run("sunglases").output.split())


def test_cli_text_search_on_an_emptied_index_says_it_is_empty(tmp_path):
    # It said that no word of the query names a type (a bad-input trial).
    d = index_copy(tmp_path / "index")
    r = Recommender.load(d, tiny_tagger_path())
    r.remove_products([int(i) for i in r.items.index])
    res = CliRunner().invoke(app, ["recommend", "text", "blue jeans", "--index", str(d)])
    said = " ".join(res.output.split())
    assert res.exit_code == 0 and "the index holds no products (each was removed)" in said, res.output
    photo = next((FIXTURE / "images").glob("*.jpg"))
    res = CliRunner().invoke(app, ["recommend", "photo", str(photo), "--index", str(d)])     # "no results" alone
    assert res.exit_code == 0 and "the index holds no products" in " ".join(res.output.split()), res.output


def test_adding_a_product_says_when_the_taggers_label_is_new_to_the_index(tmp_path):
    # `index add` filed a heel as "Heels" in a shop of none, without --new-values or a word; the hints
    # offered it from then on.
    r, photo = _scratch(tmp_path)
    said: list[str] = []
    first = r.add_product(photo, {"productDisplayName": "A tee"}, warnings=said)
    assert not any("new to this index" in w for w in said)
    guessed = r.item(first)["articleType"]
    types = r.items["articleType"].copy()
    types[types == guessed] = "Something Else"
    r.items["articleType"] = types
    r._reindex()
    second = r.add_product(photo.rotate(5, fillcolor="white"), {"productDisplayName": "Another tee"}, warnings=said)
    assert r.item(second)["articleType"] == guessed
    assert any(f"the tagger's articleType {guessed!r} for product {second} is new to this index" in w for w in said)
    said.clear()         # given, not guessed: nothing to say
    r.add_product(photo.rotate(9, fillcolor="white"), {"productDisplayName": "Tee", "articleType": guessed,
                                                      "subCategory": r.item(second)["subCategory"],
                                                      "masterCategory": r.item(second)["masterCategory"]},
                  warnings=said)
    assert not any("new to this index" in w for w in said)


def test_adding_a_product_says_when_the_photo_contradicts_a_given_label_or_a_guess_is_unsure(tmp_path, monkeypatch):
    # A shop's trial: a jeans photo added under a left-out row's id took the row's "Kurtas, White" without a
    # word, and a product added with no labels stored gender Men at 0.33 as if it were known.
    import fashionrec.catalogue_edits as edits

    r, photo = _scratch(tmp_path)
    said: list[str] = []
    # Not the catalogue's very photo, whose product's labels an added copy of it takes, but the tagger's reading of
    # the photo turned a little ("A thing": a name that says no type).
    guessed = r.item(r.add_product(photo.rotate(9, fillcolor="white"), {"productDisplayName": "A thing"},
                                   warnings=said))
    assert not any("looks like" in w for w in said)
    other = next(t for t in r.items["articleType"].dropna().unique() if t != guessed["articleType"])
    monkeypatch.setattr(edits, "DOUBTED", 0.0)        # the tiny test tagger is seldom sure: any contradiction
    monkeypatch.setattr(edits, "UNSURE_GUESS", 1.01)  # and every guess counts as unsure
    said.clear()
    new = r.add_product(photo.rotate(5, fillcolor="white"), {"productDisplayName": "Tee", "articleType": other},
                        warnings=said)
    assert any(f"looks like {guessed['articleType']}" in w and f"not articleType {other!r}" in w for w in said)
    assert any(w.startswith(f"the tagger was unsure of product {new}'s ") and "baseColour" in w for w in said)
    said.clear()
    r.add_product(photo.rotate(9, fillcolor="white"), {"productDisplayName": "Tee", **{
        h: guessed[h] for h in ("articleType", "subCategory", "masterCategory", "baseColour", "gender", "usage",
                                "season")}}, warnings=said)
    assert not any("looks like" in w or "unsure" in w for w in said)     # given, and as the photo looks
    # A greyscale photo's colour is a guess: a given colour is not doubted, a guessed one always said.
    from fashionrec.catalog import open_rgb

    grey_file = tmp_path / "grey.jpg"        # as the API and the CLI read an upload: made RGB (a review)
    photo.convert("L").rotate(13, fillcolor=255).save(grey_file)
    grey = open_rgb(grey_file)
    assert grey.mode == "RGB"
    said.clear()
    # (A name without a type word: a type its name says, "tee", would be doubted for the photo's.)
    r.add_product(grey, {"productDisplayName": "Grey item", "baseColour": "Blue"}, allow_new_values=True,
                  warnings=said)
    assert not any("looks like" in w for w in said)
    said.clear()
    monkeypatch.setattr(edits, "UNSURE_GUESS", 0.0)
    # (Named without a colour: a colour its name says is taken, not guessed.)
    new = r.add_product(grey.rotate(3, fillcolor=255), {"productDisplayName": "Plain tee"}, warnings=said)
    assert [w for w in said if "unsure" in w] == [
        f"the tagger was unsure of product {new}'s baseColour {r.item(new)['baseColour']!r} "
        f"({r.item(new)['pred_baseColour_prob']:.0%}, a greyscale photo): give it yourself"]


def test_an_added_products_name_is_one_line_of_text(tmp_path):
    # A newline or tab broke the CLI's table and the page's heading (an operator's trial).
    r, photo = _scratch(tmp_path)
    new = r.add_product(photo, {"productDisplayName": " Acme\nWomen\tBlue  Tote "}, allow_new_values=True)
    assert r.item(new)["productDisplayName"] == "Acme Women Blue Tote"
    for odd in ("Acme\x07 Tote", "Acme\x1f Tote", "Acme \u202eetoT"):
        with pytest.raises(BadInputError, match="control characters"):
            r.add_product(photo.rotate(90, expand=True), {"productDisplayName": odd}, allow_new_values=True)


def test_adding_a_product_with_a_label_data_check_takes_for_a_typo_says_so(tmp_path):
    # A shop's trial: the API took "Tshrts" without a word, as one row already had it.
    r, photo = _scratch(tmp_path)
    assert isinstance(r.manifest["possible_typos"], dict)          # written by every build
    r.manifest["possible_typos"] = {"articleType": {"Tshrts": "Tshirts"}}
    said: list[str] = []
    tee = r.item(_some_id(r, articleType="Tshirts"))
    new = r.add_product(photo, {"productDisplayName": "Tee", "articleType": "Tshrts", "subCategory": tee["subCategory"],
                                "masterCategory": tee["masterCategory"]}, allow_new_values=True, warnings=said)
    assert any(f"articleType 'Tshrts' of product {new} looks like a typo of 'Tshirts'" in w for w in said)


def test_a_looks_piece_looks_the_colour_its_reason_says(tmp_path):
    # 16.3% of the pieces of 300 random looks were products the tagger sees, sure, as another colour than
    # their label, which the look's reason names ("Red goes with White" for a shoe that looks coral).
    r, _ = _scratch(tmp_path)
    tops = r.items[(r.items["subCategory"] == "Topwear") & (r.items["gender"] == "Men")
                   & ~r.items["articleType"].isin(list(LAYERED))]
    anchor = int(tops["id"].iloc[0])
    first = r.complete_the_look(anchor, k=1)[0]
    label = first.item["baseColour"]
    far = next(c for c in ("Black", "White", "Yellow", "Red") if colours.nearness([label], [c])[0] == 0)

    def seen(colour: str, prob: float) -> None:
        for column, value in (("pred_baseColour", colour), ("pred_baseColour_prob", prob)):
            values = r.items[column].copy()
            values[r.items["id"] == first.id] = value
            r.items[column] = values
        r._reindex()

    seen(far, 0.9)
    assert r.complete_the_look(anchor, k=1)[0].id != first.id
    seen(far, 0.3)          # unsure: its label stands
    assert r.complete_the_look(anchor, k=1)[0].id == first.id
    # A label without a swatch ("Multi") is no colour a photo can belie.
    labels = r.items["baseColour"].copy()
    labels[r.items["id"] == first.id] = "Multi"
    r.items["baseColour"] = labels
    seen(far, 0.9)
    assert not r._looks_otherwise()[r._row[first.id]]
    labels[r.items["id"] == first.id] = label
    r.items["baseColour"] = labels
    # A product whose own photo the tagger sees, sure, as another colour gets a look for that colour.
    own = r.item(anchor)["baseColour"]
    other = next(c for c in ("Black", "White", "Yellow", "Red") if colours.nearness([own], [c])[0] == 0)
    assert r.look_colour(anchor) is None
    for column, value in (("pred_baseColour", other), ("pred_baseColour_prob", 0.9)):
        values = r.items[column].copy()
        values[r.items["id"] == anchor] = value
        r.items[column] = values
    r._reindex()
    look = [x for x in r.complete_the_look(anchor, k=4) if x.card_reason]
    said = [x.card_reason for x in look]
    assert said and all(other in c and own not in c.replace(other, "") for c in said), said
    # Saying whose colour that is: its page shows its label (a shopper trial read "White goes with Black" under
    # a sandal the page called Brown), once above the look (on a card, "its photo" read as the card's product's).
    assert r.look_colour(anchor) == other
    assert all(x.reason.endswith(f"({other.lower()} as its photo shows it; labelled {own})") for x in look)
    from fastapi.testclient import TestClient

    from fashionrec.api.app import create_app

    with TestClient(create_app(recommender=r)) as client:
        page = client.get(f"/item/{anchor}").text
    assert f"Put together for the {other.lower()} that this product's photo shows (its label says {own})." in page


def test_a_unisex_products_look_is_for_anyone_where_a_slot_allows(tmp_path):
    # 115 of 200 random unisex products' looks were all men's pieces (a unisex headband's, a key chain's): the
    # first slot's pick decided the side. Unisex pieces first now, a side only where a slot has none.
    r, _ = _scratch(tmp_path)
    bag = int(r.items[(r.items["gender"] == "Unisex") & (r.items["articleType"] == "Backpacks")]["id"].iloc[0])
    usage = r.item(bag)["usage"]
    before = r.complete_the_look(bag, k=4)
    assert before and all(x.item["gender"] != "Unisex" for x in before)
    made = {}
    for x in before[:2]:        # another product of each of the first two slots made unisex
        other = r.items[(r.items["articleType"] == x.item["articleType"]) & (r.items["id"] != x.id)
                        & (r.items["gender"] == x.item["gender"])
                        # not one a child's name would make a child's product once Unisex ("Doodle Girl ... Skirt")
                        & ~r.items["productDisplayName"].str.contains(CHILDREN_NAME)]
        made[x.slot] = int(other["id"].iloc[0])
    for i in made.values():
        for column, value in (("gender", "Unisex"), ("usage", usage)):
            values = r.items[column].copy()
            values[r.items["id"] == i] = value
            r.items[column] = values
    r._reindex()
    after = {x.slot: x.item["gender"] for x in r.complete_the_look(bag, k=4)}
    assert all(after[slot] == "Unisex" for slot in made), (after, made)


def test_a_unisex_products_look_leaves_out_a_slot_with_no_piece_for_anyone(tmp_path):
    # "Wildcraft Unisex Schoolbag"'s look held "French Connection Women Black Trousers" between a unisex T-shirt and
    # unisex shoes (a shopper's trial of stop 68): no bottoms are for anyone, and the colour picked a side. Where
    # two slots or more have a piece for anyone, the look keeps to those.
    r, _ = _scratch(tmp_path)
    bag = int(r.items[(r.items["gender"] == "Unisex") & (r.items["articleType"] == "Backpacks")]["id"].iloc[0])
    before = r.complete_the_look(bag, k=4)
    slots = [x.slot for x in before]
    assert "Bottomwear" in slots and len(slots) >= 3, slots
    kept = [x for x in before if x.slot != "Bottomwear"]
    grown = ~r.items["productDisplayName"].str.contains(CHILDREN_NAME)
    for x in kept:      # a piece of each other slot made unisex, of the bag's usage
        other = r.items[(r.items["articleType"] == x.item["articleType"]) & grown]
        row = r.items["id"] == int(other["id"].iloc[0])
        for column, value in (("gender", "Unisex"), ("usage", r.item(bag)["usage"])):
            values = r.items[column].copy()
            values[row] = value
            r.items[column] = values
    r._reindex()
    after = r.complete_the_look(bag, k=4)
    assert [x.slot for x in after] == [x.slot for x in kept], (after, kept)
    assert {x.item["gender"] for x in after} == {"Unisex"}


def test_a_unisex_products_piece_filed_under_a_side_says_whose(tmp_path):
    # A unisex perfume's routine was a women's face wash and lipstick, unsaid (history.md, Stop 69, a unisex
    # product's look): where no slot has a piece for anyone, the look takes a side and says it.
    r, image = _scratch(tmp_path)
    meta = {"masterCategory": "Personal Care", "usage": "Casual", "baseColour": "White", "gender": "Women"}
    perfume = r.add_product(image, {**meta, "gender": "Unisex", "productDisplayName": "Acme Unisex Perfume",
                                    "subCategory": "Fragrance", "articleType": "Perfume and Body Mist"},
                            allow_new_values=True)
    wash = r.add_product(image.rotate(90, expand=True), {**meta, "productDisplayName": "Acme Women Face Wash",
                                                         "subCategory": "Skin Care", "articleType": "Face Wash"},
                         allow_new_values=True)
    look = r.complete_the_look(perfume, k=4)
    assert [x.id for x in look] == [wash]
    assert look[0].reason == "Skin care (women's) to go with the casual unisex fragrance"
    assert look[0].card_reason == "For women"
    # A piece for anyone says nothing of whose it is.
    r.items.loc[r.items["id"] == wash, "gender"] = "Unisex"
    r._reindex()
    look = r.complete_the_look(perfume, k=4)
    assert look[0].reason == "Skin care to go with the casual unisex fragrance"
    assert not look[0].card_reason.startswith("For")


def test_a_unisex_products_look_with_no_piece_for_anyone_takes_its_neighbours_side(tmp_path):
    # A unisex perfume's similar items were all men's deodorants while its routine was all women's skin care and
    # lip gloss: the first pick took the side, and the catalogue files most skin care Women (stop 70). Its look
    # now keeps to the side most of its nearest products are filed under, and says whose.
    r, image = _scratch(tmp_path)
    meta = {"masterCategory": "Personal Care", "usage": "Casual", "baseColour": "White"}
    perfume = r.add_product(image, {**meta, "gender": "Unisex", "productDisplayName": "Acme Unisex Perfume",
                                    "subCategory": "Fragrance", "articleType": "Perfume and Body Mist"},
                            allow_new_values=True)
    # Twelve of its twenty nearest at least: men's deodorants (its own photo, turned a little).
    _added_in_order(r, perfume, tuple(f"Acme Men Deo {j}" for j in range(12)), **meta, gender="Men",
                           subCategory="Fragrance", articleType="Deodorant")
    near = [x.item["gender"] for x in r.similar(perfume, k=12)]
    assert near.count("Men") > near.count("Women"), near
    add = _adding(r, image, **meta)
    add(gender="Women", productDisplayName="Acme Women Face Wash", subCategory="Skin Care", articleType="Face Wash")
    cream = add(gender="Men", productDisplayName="Acme Men Moisturiser", subCategory="Skin",
                articleType="Face Moisturisers")
    look = r.complete_the_look(perfume, k=4)
    assert [x.id for x in look] == [cream], [(x.id, x.item.get("gender")) for x in look]
    assert look[0].reason == "Moisturisers and masks (men's) to go with the casual unisex fragrance"
    assert look[0].card_reason == "For men"


def test_a_girls_or_boys_filter_lists_kids_unisex_products_and_counts_them(tmp_path):
    # A gender filter of Girls (the pages' select, `--gender`) listed none of the full index's 218 kids' unisex
    # products, where "shoes for girls" found 30 in its first 48 (stop 74): it lists what a girl wears now, as the
    # words do, and the filter list's count says so.
    r, _ = _scratch(tmp_path)
    it = r.items
    watches = [int(i) for i in it.index[it["articleType"] == "Watches"]]
    either, his, hers = watches[:3]
    it.loc[watches[:3], "gender"] = ["Unisex", "Unisex", "Women"]
    it.loc[watches[:3], "productDisplayName"] = ["Q&Q Kids Unisex Watch", "Q&Q Kids Boys Watch", "Q&Q Kids Girls Watch"]
    girls = [int(i) for i in it.index[it["gender"] == "Girls"]]
    if not girls:       # (the fixture's children: a product filed Girls, so that the filter offers it)
        it.loc[watches[3], ["gender", "productDisplayName"]] = ["Girls", "Q&Q Girls Pink Watch"]
        girls = [watches[3]]
    r._reindex()
    total, page = r.browse({"gender": "Girls"}, limit=100)
    listed = {int(x["id"]) for x in page}
    assert {either, hers, *girls} <= listed and his not in listed, listed
    assert r.facets({})["gender"]["Girls"] == total == len(listed)
    found = {x.id for x in r.search_text("watch", k=20, filters={"gender": "Girls"})}
    assert either in found and his not in found, found
    assert either in {x.id for x in r.similar(hers, k=20, filters={"gender": "Girls"})}
    # A grown-up's filter is as before: the products filed so.
    assert set(r.items.loc[r._mask({"gender": "Women"}), "gender"]) == {"Women"}


def test_kids_unisex_products_looks_take_boys_and_girls_sides_each_by_its_id_and_say_which(tmp_path):
    # A kids' unisex product's look took the side of its first piece, the boys' nearly always: 170 of the 218 kids'
    # unisex products' looks on the full index were boys', 48 girls' (stop 74). Each is now a boy's or a girl's look
    # by its id, the same on every visit, and its reasons say whose.
    r, _ = _scratch(tmp_path)
    it = r.items
    tees = [int(i) for i in it.index[it["articleType"] == "Tshirts"]]
    it.loc[tees, ["gender", "usage", "baseColour"]] = ["Unisex", "Casual", "White"]
    it.loc[tees, "productDisplayName"] = [f"Acme Kids Unisex Tee {n}" for n in range(len(tees))]
    for grown, child, colour in (("Men", "Boys", "Navy Blue"), ("Women", "Girls", "Pink")):
        shorts = it.index[(it["articleType"] == "Shorts") & (it["gender"] == grown)]
        it.loc[shorts, ["gender", "usage", "baseColour"]] = [child, "Casual", colour]
        it.loc[shorts, "productDisplayName"] = [f"Acme {child} Shorts {n}" for n in range(len(shorts))]
    r._reindex()
    sides = {}
    for tee in tees:
        look = r.complete_the_look(tee)
        whose = {x.item["gender"] for x in look} - {"Unisex"}
        assert len(whose) == 1, (tee, [(x.id, x.item["gender"]) for x in look])     # one side a look
        sides[tee] = whose.pop()
        # (a child's piece filed as a grown-up's, "Gini and Jony Kids Girls ... Skirts" filed Women, is a girl's)
        child = {"Boys": "boy", "Men": "boy"}.get(sides[tee], "girl")
        sides[tee] = child
        said = f"to go with the casual kids' unisex topwear for a {child}"
        assert all(said in x.reason for x in look), [x.reason for x in look]
        assert [x.id for x in r.complete_the_look(tee)] == [x.id for x in look]     # the same on every visit
    assert set(sides.values()) == {"boy", "girl"}, sides
    # Where none of its side's pieces are left (sold out), the other child's look, not none.
    girls = it.index[(it["gender"].eq("Girls") | it["gender"].eq("Women") & r._childrens())
                     & it["subCategory"].eq("Bottomwear")]
    r.set_stock(dict.fromkeys(map(int, girls), 0))
    tee = next(t for t in tees if sides[t] == "girl")
    assert {x.item["gender"] for x in r.complete_the_look(tee)} - {"Unisex"} == {"Boys"}
    # ... and where the only pieces of its side left are for either child (kids' unisex bags, its bottoms hidden):
    # the boys' look, where it has more, not one bag (stop 75; hidden and sold out alike).
    it = r.items
    bags = [int(i) for i in it.index[it["subCategory"] == "Bags"]]
    it.loc[bags, ["gender", "usage", "baseColour"]] = ["Unisex", "Casual", "White"]
    it.loc[bags, "productDisplayName"] = [f"Acme Kids Unisex Backpack {n}" for n in range(len(bags))]
    r._reindex()
    r.set_stock(dict.fromkeys(map(int, girls), 5))
    r.set_hidden(dict.fromkeys(map(int, girls), True))
    look = r.complete_the_look(tee)
    assert {x.item["gender"] for x in look} - {"Unisex"} == {"Boys"} and len(look) >= 2, [
        (x.id, x.item["gender"]) for x in look]


def test_a_childs_unisex_products_piece_filed_under_boys_or_girls_says_whose(tmp_path):
    # A unisex kids' T-shirt's look was a boy's shorts and sunglasses, unsaid (a shopper's trial of stop 70): as a
    # grown-up's unisex product's piece filed under a side says so, a child's says "boys'" or "girls'".
    r, image = _scratch(tmp_path)
    meta = {"masterCategory": "Apparel", "usage": "Casual", "baseColour": "White"}
    tee = r.add_product(image, {**meta, "gender": "Unisex", "productDisplayName": "Acme Kids Unisex Tee",
                                "subCategory": "Topwear", "articleType": "Tshirts"}, allow_new_values=True)
    r.add_product(image.rotate(90, expand=True),
                  {**meta, "gender": "Boys", "productDisplayName": "Acme Boys Shorts", "baseColour": "Navy Blue",
                   "subCategory": "Bottomwear", "articleType": "Shorts"}, allow_new_values=True)
    assert r._childrens()[r._row[tee]]
    look = r.complete_the_look(tee, k=4)
    sided = [x for x in look if x.item.get("gender") != "Unisex"]
    assert sided, [(x.id, x.item.get("gender")) for x in look]
    for x in sided:     # (a child's piece filed as a grown-up's, "Kids Girls ... Skirts" filed Women, is a girl's)
        whose = {"Boys": "boys", "Men": "boys"}.get(x.item["gender"], "girls")
        assert f"({whose}') to go with the casual kids' unisex" in x.reason, x.reason
        assert x.card_reason.startswith(f"For {whose}"), x.card_reason
    # A grown-up's unisex backpack (the fixture has no child's bag, looks.GROWN_UP_STAND_INS) says it is for anyone;
    # the children's unisex pieces nothing.
    grown = [x for x in look if x not in sided and not r._childrens()[r._row[x.id]]]
    assert all(x.slot == "Bags" and x.card_reason.startswith("For anyone") for x in grown), grown
    assert all(not x.card_reason.startswith("For") for x in look if x not in sided and x not in grown)


def test_complete_the_look(rec):
    tops = rec.items[(rec.items["subCategory"] == "Topwear") & (rec.items["gender"] == "Men")
                     & ~rec.items["articleType"].isin(list(LAYERED))]
    i = int(tops["id"].iloc[0])
    recs = rec.complete_the_look(i, k=4)
    assert 1 <= len(recs) <= 4
    subs = [r.item["subCategory"] for r in recs]
    assert set(subs) <= set(COMPLEMENTS["Topwear"]) and len(set(subs)) == len(subs)
    assert [r.slot for r in recs] == subs and all(r.reason.startswith(slot_name(r.slot)) for r in recs)
    assert all(r.item["gender"] in ("Men", "Unisex") for r in recs)
    assert all("to go with the " in r.reason and "men's topwear" in r.reason for r in recs)
    assert colour_compatibility("Blue", "White")[0] == 1.0 and colour_compatibility("Red", "Green")[0] < 0.5
    # No colour, or the catalogue's literal "NA": neutral, and nothing said of it.
    assert colour_compatibility("NA", "Blue") == colour_compatibility(None, "Blue") == (0.5, "")
    assert colour_compatibility("Silver", "Silver") == (0.8, "Silver to match")     # was "Silver with Silver"
    assert colour_compatibility("Grey", "Grey Melange") == (0.8, "Grey Melange, tone on tone with Grey")
    assert colour_compatibility("Grey", "Silver") == (0.8, "Silver goes with Grey")     # another colour
    assert colour_compatibility("Grey", "Steel") == (0.8, "Steel goes with Grey")       # a metal, near as it is
    assert colour_compatibility("Peach", "Skin") == (0.8, "Skin goes with Peach")       # near, one of them no neutral


def test_a_layer_starts_its_look_with_the_top_it_goes_over(rec):
    # A blazer's look had trousers, shoes, a tie and a belt, and no shirt; a dupatta's no kurta.
    layers = rec.items[rec.items["articleType"].isin(list(LAYERED))]
    assert len(layers) >= 5
    for i, article, usage in zip(layers["id"], layers["articleType"], layers["usage"], strict=True):
        look = rec.complete_the_look(int(i), k=4)
        # An ethnic layer over a kurta too: its look takes no western top of another usage (stop 62).
        tops = LAYERED[article] | (ETHNIC_TOPS if usage == "Ethnic" else set())
        assert look and look[0].slot == "Topwear" and look[0].item["articleType"] in tops, (i, look[0])
        assert [r.slot for r in look].count("Topwear") == 1
        # Said by its type: "Topwear to go with the casual men's topwear" was a jacket's look.
        assert all(f"{article.lower()}" in r.reason.split(":")[0] for r in look), look[0].reason


def test_a_shoes_look_names_it_as_its_name_does(tmp_path):
    # Stop 63: "Topwear to go with the party women's shoes" for "Cobblerz Women Silver-Toned Sandals", filed as
    # Heels; and For you's reason "goes with Cobblerz ...: Topwear to go with ...: Black goes with Silver".
    from fashionrec.looks import footwear_said

    assert footwear_said("Cobblerz Women Silver-Toned Sandals", "Heels") == "sandals"
    assert footwear_said("Nike Men's Street Pana Black Shoe", "Casual Shoes") == "shoes"
    assert footwear_said("Catwalk Women Party Heeled Strap Black Heels", "Heels") == "heels"
    assert footwear_said("Nike Men Running 2011", "Sports Shoes") == "sports shoes"
    r, _ = _scratch(tmp_path)
    heels = _some_id(r, articleType="Heels", gender="Women")
    r.items.loc[r.items["id"] == heels, "productDisplayName"] = "Acme Women Silver-Toned Sandals"
    r._reindex()
    look = r.complete_the_look(heels, k=4)
    assert look and all(" women's sandals" in x.reason.split(":")[0] for x in look), [x.reason for x in look]
    picks = [x for x in r.for_profile([heels], k=6) if x.reason.startswith("goes with ")]
    assert picks, "no pick went with the saved heels"
    for x in picks:
        # One colon: the slot said beside the product, the colour note after it.
        assert x.reason.startswith(f"goes with Acme Women Silver-Toned Sandals ({slot_name(x.slot).lower()})"), x.reason
        assert x.reason.count(":") <= 1 and "to go with" not in x.reason, x.reason


def test_a_product_given_away_gets_its_types_look(tmp_path):
    # A tie filed under Free Items / Free Gifts got "No look to complete"; its type is filed elsewhere.
    r, _ = _scratch(tmp_path)
    jacket = _some_id(r, articleType="Jackets", gender="Men")
    given = r.add_product(Image.open(r.image_path(jacket)).rotate(4, fillcolor="white"), {
        "productDisplayName": "Free Jacket", "gender": "Men", "masterCategory": "Free Items",
        "subCategory": "Free Gifts", "articleType": "Jackets"}, allow_new_values=True)
    assert r.item(given)["masterCategory"] == "Free Items"
    assert [x.slot for x in r.complete_the_look(given, k=3)][:1] == ["Topwear"]
    voucher = r.add_product(Image.open(r.image_path(jacket)).rotate(8, fillcolor="white"), {
        "productDisplayName": "Gift Voucher", "gender": "Men", "masterCategory": "Free Items",
        "subCategory": "Free Gifts", "articleType": "Vouchers"}, allow_new_values=True)
    # Typed only as a freebie (the catalogue's "Free Gifts" watches, socks, jerseys): the look of what the
    # products most like it are filed under, and never a freebie in another product's look.
    jackets = [int(i) for i in r.items[r.items["articleType"] == "Jackets"]["id"]]
    real = r._neighbours
    r._look_category = None
    r._neighbours = lambda *a, **kw: (np.array(jackets[:9] + [given] * 6), np.ones(15, np.float32))
    look = [x.slot for x in r.complete_the_look(voucher, k=3)]
    assert look and "Topwear" not in look and "Bottomwear" in look      # a top's look
    # Freebies among the nearest do not vote (a Satya Paul sari given away had 12 more such saris among its 15
    # nearest, 3 saris for sale, and no look): most of the others must agree, three at least.
    r._neighbours = lambda *a, **kw: (np.array(jackets[:3] + [voucher] * 12), np.ones(15, np.float32))
    r._look_category = None
    assert "Bottomwear" in [x.slot for x in r.complete_the_look(voucher, k=3)]
    r._neighbours = real        # its look's category, kept: its similar items are of that category first
    alike = r.similar(voucher, k=20)
    assert not any(x.card_reason.startswith("Same type") for x in alike)    # "Vouchers" and "Free Gifts" say nothing
    assert {x.item["subCategory"] for x in alike[:5]} == {"Topwear"}
    # So are a photo's of it: an upload of a freebie's photo is ranked by what it is too (its own labels
    # otherwise win over the tagger's guess).
    found = r.similar_to_image(Image.open(r.image_path(voucher)), k=6)[1]
    assert {x.item["subCategory"] for x in found if x.id != voucher} == {"Topwear"}
    r._neighbours = lambda *a, **kw: (np.array(jackets[:2] + [voucher] * 13), np.ones(15, np.float32))
    r._look_category = None     # two: not enough
    assert r.complete_the_look(voucher, k=3) == []
    r._neighbours = real
    shirt = _some_id(r, articleType="Shirts", gender="Men")
    assert all(x.item["masterCategory"] != "Free Items" for x in r.complete_the_look(shirt, k=6))


def test_searches_list_freebies_last_unless_asked_for(tmp_path):
    # "gift for my dad": 42 of 157 results were promotional freebies, "Free Gifts" on their cards.
    r, photo = _scratch(tmp_path)
    freebie = r.add_product(photo.rotate(5, fillcolor="white"), {
        "productDisplayName": "Men Blue Tshirt Gift", "gender": "Men", "masterCategory": "Free Items",
        "subCategory": "Free Gifts", "articleType": "Tshirts", "baseColour": "Blue"}, allow_new_values=True)
    shirts = r.browse(q="tshirt", limit=0)[0]
    assert shirts > 2
    assert r.browse(q="tshirt", limit=10_000)[1][-1]["id"] == freebie
    # Text search: after the products that match the query as well (type, colour, wearer).
    alike = [x.id for x in r.search_text("blue tshirt gift for men", k=shirts) if x.item["articleType"] == "Tshirts"
             and x.item["baseColour"] == "Blue" and x.item["gender"] in ("Men", "Unisex")]
    assert len(alike) > 1 and alike[-1] == freebie
    assert r.search_text("free blue tshirt gift for men", k=1)[0].id == freebie


def test_a_look_has_no_belt_of_another_usage(rec):
    # The fixture's belts are Casual (and one men's Formal): Ethnic and Sports tops get none.
    tops = rec.items[(rec.items["subCategory"] == "Topwear") & rec.items["usage"].isin(["Ethnic", "Sports"])]
    assert len(tops) > 0
    for i in tops["id"]:
        src = rec.item(int(i))
        belts = [r for r in rec.complete_the_look(int(i), k=6) if r.item["subCategory"] == "Belts"]
        assert all(b.item["usage"] == src["usage"] for b in belts), (src["productDisplayName"], belts)


def test_profile_excludes_liked(rec):
    liked = [_some_id(rec, articleType="Tshirts"), _some_id(rec, articleType="Heels")]
    recs = rec.for_profile(liked, k=8)
    # The same product liked twice is one liked item ("suits all 2 liked items" was said of one).
    assert [(r.id, r.reason) for r in rec.for_profile(liked[:1] * 2, k=8)] == \
        [(r.id, r.reason) for r in rec.for_profile(liked[:1], k=8)]
    assert len(recs) == 8 and not set(liked) & {r.id for r in recs}
    heels = rec.item(liked[1])
    assert len({r.id for r in recs}) == 8 and any(heels["productDisplayName"][:40] in r.reason for r in recs)
    # Picks for one liked item are for its wearer (the reason names the item, not its id).
    for r in recs:
        for src in (rec.item(i) for i in liked):
            if r.reason.startswith(f"like {src['productDisplayName'][:40]}"):
                assert r.item["gender"] in (src["gender"], "Unisex"), (r.reason, r.item["gender"])
    for r in recs:      # whichever list a pick came from, it suits the wearer of the liked item it is closest to
        near = max(liked, key=lambda i: float(rec.vector(i) @ rec.vector(r.id)))
        goes_with = [i for i in liked if r.reason.startswith(f"goes with {rec.item(i)['productDisplayName'][:40]}")]
        near = goes_with[0] if goes_with else near      # or, a pick that goes with one, that one's
        assert r.item["gender"] in (rec.item(near)["gender"], "Unisex"), (r.reason, r.item["gender"])
    # Every third pick goes with a liked item (a saved dress got only dresses); none without looks.
    assert [r.reason.startswith("goes with ") for r in recs] == [False, False, True] * 2 + [False, False]
    assert {r.slot for r in recs[2::3]} <= set(COMPLEMENTS["Topwear"]) | set(COMPLEMENTS["Shoes"])
    plain = rec.for_profile(liked, k=8, looks=False)
    assert len(plain) == 8 and not any(r.reason.startswith("goes with ") for r in plain)
    assert [r.id for r in recs if not r.reason.startswith("goes with ")] == [r.id for r in plain][:6]
    one = rec.for_profile(liked[:1], k=4)
    assert all("liked items" not in r.reason and str(liked[0]) not in r.reason for r in one)
    # Each "like" pick of one liked item says what it shares, as all such picks do (some said "like X (0.90)").
    likes = [r.reason for r in one if r.reason.startswith("like ")]
    assert likes and all(": " in x and "visual similarity" in x for x in likes), likes
    # Picks from the middle of several liked items say so, not that they suit each of them.
    assert not any(r.reason.startswith("suits") for r in recs)
    assert all(r.reason.startswith(("like ", "between your 2 liked items, closest to ", "goes with ")) for r in recs)
    # Between a man's and a woman's item lies nothing either would wear: no picks from their middle.
    # (24 picks: the fixture's tiny model sees most products as look-alikes, so the picks from the middle come
    # once each liked item's own, its type first, have run out.)
    pair = [_some_id(rec, articleType="Tshirts", gender="Men"), _some_id(rec, articleType="Heels", gender="Women")]
    assert not any(r.reason.startswith("between") for r in rec.for_profile(pair, k=24))
    women = [_some_id(rec, articleType="Tops", gender="Women"), _some_id(rec, articleType="Skirts", gender="Women")]
    assert any(r.reason.startswith("between") for r in rec.for_profile(women, k=24))
    # Nor between a top and a pair of heels: clothes and shoes.
    shod = [women[0], _some_id(rec, articleType="Heels", gender="Women")]
    assert not any(r.reason.startswith("between") for r in rec.for_profile(shod, k=24))


def test_a_childs_product_filed_as_a_grown_ups_comes_last_under_that_gender(tmp_path, monkeypatch):
    # Gender: Women chosen on a dress photo's results listed girls' kidswear filed as women's first.
    r, _ = _scratch(tmp_path)
    a = _some_id(r, articleType="Tops", gender="Women")
    photo = Image.open(r.image_path(a))
    n = int((r.items["gender"] == "Women").sum()) - 1
    women = {"gender": "Women"}
    before = [x.id for x in r.similar_to_image(photo, k=n, filters=women, exclude_ids=[a])[1]]
    anyone = [x.id for x in r.similar_to_image(photo, k=10, exclude_ids=[a])[1]]
    first = before[0]
    assert len(before) > 3 and not r._childrens()[r._row[first]]
    kids = r._childrens().copy()
    kids[r._row[first]] = True           # as if named "Girl's ...", filed as a woman's
    monkeypatch.setattr(r, "_childrens", lambda: kids)
    after = [x.id for x in r.similar_to_image(photo, k=n, filters=women, exclude_ids=[a])[1]]
    childs = {i for i in after if kids[r._row[i]]}
    grown = len(after) - len(childs)
    assert sorted(after) == sorted(before) and first in childs
    assert after[:grown] == [i for i in before if i not in childs] and set(after[grown:]) == childs
    # Without a gender chosen, the photo's results are as they were.
    assert [x.id for x in r.similar_to_image(photo, k=10, exclude_ids=[a])[1]] == anyone


def test_a_childs_product_filed_as_a_grown_ups_is_for_the_child_its_name_says(tmp_path):
    # "Ant Kids Girl's Maroon With Flower Kidswear", filed as women's, had boys' shoes and sunglasses in its look.
    r, photo = _scratch(tmp_path)
    girl = next(int(i) for i, n, g in zip(r.items["id"], r.items["productDisplayName"], r.items["gender"], strict=True)
                if g == "Women" and "Girl's" in str(n))
    boy = r.add_product(photo.rotate(6, fillcolor="white"),
                        {"masterCategory": "Apparel", "subCategory": "Topwear", "articleType": "Tshirts",
                         "baseColour": "Black", "gender": "Men", "productDisplayName": "Palm Tree Kids Boys Tshirt"})
    kid = r.add_product(photo.rotate(-6, fillcolor="white"),
                        {"masterCategory": "Apparel", "subCategory": "Topwear", "articleType": "Tshirts",
                         "baseColour": "Black", "gender": "Unisex", "productDisplayName": "Tantra Kids Tshirt"})
    wears = r._wearers(r._row[girl])
    assert not wears[r._row[boy]] and wears[r._row[kid]] and wears[r._row[girl]]
    assert (wears == r._worn_by("Girls")).all()
    # A child's product whose name says neither is any child's.
    assert r._wearers(r._row[kid])[r._row[boy]]


def test_a_profile_of_many_saved_products_has_picks_for_each_type(rec):
    # 72 saved products, the latest 24 sneakers: all 24 picks were for the sneakers, none for the shirts and
    # watches saved before them (a phone shopper's trial). The types take turns, the latest first in each.
    def of(kind):
        return [int(i) for i in rec.items.loc[rec.items["articleType"] == kind, "id"][:6]]
    shoes, watches, bags = of("Sports Shoes"), of("Watches"), of("Handbags")
    liked = shoes + watches + bags
    assert rec._types_in_turn(liked)[:4] == [shoes[0], watches[0], bags[0], shoes[1]]
    picks = rec.for_profile(liked, k=6, looks=False)
    for saved in (shoes, watches, bags):
        names = [rec.item(i)["productDisplayName"][:40] for i in saved]
        assert any(r.reason.startswith(f"like {n}") for r in picks for n in names), [r.reason for r in picks]


def test_a_profile_picks_like_each_saved_item_in_its_type_and_colour_first(rec, monkeypatch):
    # Three saved red dresses got 16 dresses, 2 of them red, while each one's similar items were all red: each
    # saved item's candidates come in the order of its similar items (type, colour, wearer), not by look alone.
    lists = []
    real = type(rec)._round_robin

    def spy(self, got, *args, **kwargs):
        lists.append(list(got))
        return real(self, got, *args, **kwargs)

    monkeypatch.setattr(type(rec), "_round_robin", spy)
    it = rec.items[rec.items["gender"].isin(["Men", "Women"])]
    groups = it.groupby(["gender", "articleType", "baseColour"])["id"].agg(list)
    colours = it.groupby(["gender", "articleType"])["baseColour"].nunique()
    liked = [ids[0] for (gender, article, _), ids in groups.items() if len(ids) >= 2 and colours[gender, article] >= 2]
    assert len(liked) >= 3
    rec.for_profile(liked[:3], k=12, looks=False)
    for src, ids, cosines in lists[0]:
        if src is None:         # the neighbours of their mean, where they are of one kind
            continue
        me, rows = rec.item(src), rec._rows(ids)
        wearable = rec._wearers(rec._row[src])[rows]
        kind = [2 * (rec.items["articleType"].to_numpy()[r] == me["articleType"])
                + (rec.items["baseColour"].to_numpy()[r] == me["baseColour"]) for r in rows]
        shown = [k for k, w in zip(kind, wearable, strict=True) if w]
        assert 3 in shown and 2 in shown, src          # some of its type in its colour, and in another
        assert shown[:shown.count(3)] == [3] * shown.count(3), src      # its type in its colour first
        assert all(k >= 2 for k in shown[:shown.count(3) + shown.count(2)]), src      # then its type
        assert all(-1.0 <= c <= 1.0 for c in cosines)       # each keeps its cosine, which its reason gives


def test_similar_items_in_other_colours_are_of_its_type_one_colour_at_a_time(rec, monkeypatch):
    # A shopper clicking through a red dress's similar items met the same 12 red dresses at every step.
    every = rec.items[rec.items["articleType"] == "Tshirts"]

    def others_for(j: int) -> pd.DataFrame:
        # Its wearer's or anyone's: a boys' jeans' row listed three women's jeans (a shopper trial).
        own = rec.items[rec.items["id"] == j].iloc[0]
        return every[(every["baseColour"] != own["baseColour"]) & every["gender"].isin([own["gender"], "Unisex"])]

    i = int(max(every.loc[every["gender"] != "Unisex", "id"], key=lambda j: others_for(j)["baseColour"].nunique()))
    colour, wearer = rec.item(i)["baseColour"], rec.item(i)["gender"]
    other_tees = (rec.items["articleType"] == "Tshirts") & (rec.items["baseColour"] != colour)
    assert (other_tees & ~rec.items["gender"].isin([wearer, "Unisex"])).any()
    tees = others_for(i)
    others = tees["baseColour"].nunique()
    assert others >= 3
    out = rec.similar(i, k=others, other_colours=True)
    assert len(out) == others and i not in {r.id for r in out}
    assert all(r.item["articleType"] == "Tshirts" and r.item["baseColour"] != colour for r in out)
    assert {r.item["gender"] for r in rec.similar(i, k=100, other_colours=True)} <= {wearer, "Unisex"}
    assert len({r.item["baseColour"] for r in out}) == others          # each colour once before any twice
    # ... also where its nearest hold fewer colours than asked for (a navy T-shirt's 120 nearest in other colours
    # were black, blue and purple only): the colours they lack are looked for too.
    import fashionrec.recommend as recommend

    monkeypatch.setattr(recommend, "OTHER_COLOURS_POOL", 1)
    assert len({r.item["baseColour"] for r in rec.similar(i, k=others, other_colours=True)}) == others
    monkeypatch.undo()
    assert all(r.card_reason == f"In {r.item['baseColour'].lower()}" for r in out)
    more = rec.similar(i, k=len(tees) + 5, other_colours=True)
    assert {r.id for r in more} <= set(tees["id"]) and len(more) >= len(tees) - 2     # copies of a photo left out
    # Less what is shown already (a product page's similar items above it).
    shown = {r.id for r in rec.similar(i, k=3)}
    apart = rec.similar(i, k=others, other_colours=True, exclude_ids=shown)
    assert apart and not shown & {r.id for r in apart} and shown & {r.id for r in more}
    # Filters narrow it; the product's own colour alone asked for is refused, saying why ("no results" said
    # nothing, a bad-input trial); with another colour beside it, that colour.
    men = rec.similar(i, k=5, other_colours=True, filters={"gender": "Men"})
    assert men and all(r.item["gender"] in ("Men",) for r in men)
    with pytest.raises(BadInputError, match=f"leave out its own colour, {colour}, the only one the baseColour"):
        rec.similar(i, k=5, other_colours=True, filters={"baseColour": colour})
    another = tees["baseColour"].iloc[0]
    both = rec.similar(i, k=5, other_colours=True, filters={"baseColour": [colour, another]})
    assert both and {r.item["baseColour"] for r in both} == {another}
    # Nor the colour its photo shows where its label says another (a brown-labelled belt whose photo and look are
    # black offered one "In black", a shopper's re-trial).
    assert another in {r.item["baseColour"] for r in rec.similar(i, k=100, other_colours=True)}
    monkeypatch.setattr(rec, "look_colour", lambda item_id: another)
    assert another not in {r.item["baseColour"] for r in rec.similar(i, k=100, other_colours=True)}
    with pytest.raises(BadInputError, match=f"its own colour, {colour}, and the {another} its photo shows"):
        rec.similar(i, k=5, other_colours=True, filters={"baseColour": [colour, another]})
    monkeypatch.undo()
    # A type with one colour only has none.
    single = rec.items.groupby("articleType")["baseColour"].nunique()
    lone = single[single == 1].index
    if len(lone):
        j = _some_id(rec, articleType=lone[0])
        assert rec.similar(j, k=5, other_colours=True) == []


def test_other_colours_say_a_colour_as_chosen_only_where_one_was(rec):
    # The product page's "In silver" card of a red heel said in full (its hover text, the API's reason) "colour
    # Silver as chosen", where the shopper chose no colour: the row narrows to other colours itself (a shopper's
    # trial, stop 74).
    every = rec.items[rec.items["articleType"] == "Tshirts"]
    i = int(max(every["id"], key=lambda j: every.loc[every["baseColour"] != rec.item(j)["baseColour"],
                                                     "baseColour"].nunique()))
    out = rec.similar(i, k=4, other_colours=True)
    assert len(out) >= 2
    assert not any("as chosen" in r.reason for r in out), [r.reason for r in out]
    assert all(r.reason.startswith(f"in another colour ({r.item['baseColour']}), ") for r in out), \
        [r.reason for r in out]
    assert all("visual similarity" in r.reason for r in out)
    page_row = rec.in_other_colours(i, k=4)
    assert page_row and not any("as chosen" in r.reason for r in page_row)
    # A colour the caller asked for is still said as chosen.
    another = out[0].item["baseColour"]
    asked = rec.similar(i, k=3, other_colours=True, filters={"baseColour": another})
    assert asked and all(f"colour {another} as chosen" in r.reason for r in asked)


def test_a_childs_product_filed_as_a_grown_ups_lists_childrens_products_in_other_colours(tmp_path):
    # A review: "Palm Tree Kids ..." products filed as Men's listed men's T-shirts in other colours (12 of 90 cards
    # over 15 such products); its wearer is a child, whatever it is filed under.
    r, photo = _scratch(tmp_path)
    i = _some_id(r, articleType="Tshirts", gender="Men")
    base = {k: r.item(i)[k] for k in ("gender", "masterCategory", "subCategory", "articleType", "usage", "season")}
    colour = r.item(i)["baseColour"]
    tees = r.items.loc[r.items["articleType"] == "Tshirts", "baseColour"].dropna()
    others = [c for c in tees.unique() if c != colour]
    kid = r.add_product(photo.rotate(4, fillcolor="white"), {**base, "baseColour": colour,
                                                              "productDisplayName": "Zed Kids Boys Tshirt"})
    other_kid = r.add_product(photo.rotate(8, fillcolor="white"), {**base, "baseColour": others[0],
                                                                    "productDisplayName": "Zed Kids Boys Tshirt"})
    assert r._childrens()[r._row[kid]] and r.item(kid)["gender"] == "Men"
    row = r.similar(kid, k=100, other_colours=True)
    assert other_kid in {x.id for x in row}           # and children's products only, not the men's T-shirts
    assert all(r._childrens()[r._row[x.id]] or x.item["gender"] in ("Boys", "Girls") for x in row)
    assert (r.items["articleType"].eq("Tshirts") & r.items["gender"].eq("Men") & ~r.items["baseColour"].eq(colour)
            ).to_numpy()[~r._childrens()].any()
    # and a grown-up's row leaves the child's product out
    assert other_kid not in {x.id for x in r.similar(i, k=100, other_colours=True)}


def test_similar_items_in_other_colours_put_products_named_their_own_colour_last(tmp_path):
    # A shopper's trial: "Puma Men Ferrari Vintage Black Polo T-shirt", filed Blue, was a black polo's "In blue".
    # Over 150 random products' rows of six, 211 of 897 such cards (a throwaway script over runs/index).
    r, _ = _scratch(tmp_path)
    i = _some_id(r, articleType="Tshirts")
    colour = r.item(i)["baseColour"]
    far = [c for c in r.items.loc[r.items["articleType"] == "Tshirts", "baseColour"].dropna().unique()
           if c != colour and colours.distance(c, colour) is not None and colours.nearness([c], [colour])[0] == 0]
    assert far
    photo = Image.open(r.image_path(i))
    twin = r.add_product(photo.rotate(3, fillcolor="white"), {
        **{k: r.item(i)[k] for k in ("gender", "masterCategory", "subCategory", "articleType", "usage", "season")},
        "baseColour": far[0], "productDisplayName": f"Zed Men {colour} Tshirt"})
    assert r._named_otherwise()[r._row[twin]]
    row = [x.id for x in r.similar(i, k=1000, other_colours=True)]
    assert row[-1] == twin and len(row) > 1         # the nearest photo, yet after every card its label is true of
    # A colour that looks near its own after the other colours (a navy shirt's row began "In blue"; 53 of 150
    # random products' rows began with a near colour, a throwaway script over runs/index).
    shade = next(c for c in colours.SWATCHES if c != colour and colours.nearness([colour], [c])[0] > 0)
    alike = r.add_product(photo.rotate(6, fillcolor="white"), {
        **{k: r.item(i)[k] for k in ("gender", "masterCategory", "subCategory", "articleType", "usage", "season")},
        "baseColour": shade, "productDisplayName": "Zed Men Tshirt"}, allow_new_values=True)
    row = r.similar(i, k=1000, other_colours=True)
    firsts = list(dict.fromkeys(x.item["baseColour"] for x in row[:-1]))      # each colour's first card, in turn
    near = [bool(v > 0) for v in colours.nearness([colour], firsts)]
    assert alike in [x.id for x in row] and near == sorted(near) and near[-1], firsts
    # A near shade whose name says the product's own colour (a navy pair of jeans' "In blue" was "... Navy Blue
    # Jeans" filed Blue, an ML engineer's re-trial): not belied by its name, yet its card would show the colour
    # the row is not of. After the rest.
    named_own = r.add_product(photo.rotate(-6, fillcolor="white"), {
        **{k: r.item(i)[k] for k in ("gender", "masterCategory", "subCategory", "articleType", "usage", "season")},
        "baseColour": shade, "productDisplayName": f"Zed Men {colour} Tshirt"}, allow_new_values=True)
    assert not r._named_otherwise()[r._row[named_own]]
    row = [x.id for x in r.similar(i, k=1000, other_colours=True)]
    assert set(row[-2:]) == {twin, named_own} and row.index(alike) < row.index(named_own)   # with the other


def test_a_childs_profile_picks_childrens_products(tmp_path):
    # A shopper saved a boy's shoes, jacket and watch and a unisex schoolbag, and got men's jeans and shoes.
    r, photo = _scratch(tmp_path)
    tee = {"masterCategory": "Apparel", "subCategory": "Topwear", "articleType": "Tshirts", "baseColour": "Blue",
           "gender": "Boys"}
    boys = [r.add_product(photo.rotate(angle, fillcolor="white"), {**tee, "productDisplayName": f"Doodle Boys Tee {n}"},
                          allow_new_values=True)
            for n, angle in enumerate((5, -5, 10, -10))]
    backpack = _some_id(r, articleType="Backpacks", gender="Unisex")
    childs = lambda recs: [x.item["gender"] in ("Boys", "Girls") or bool(r._childrens()[r._row[x.id]])  # noqa: E731
                           for x in recs]
    for liked in ([boys[0], backpack], [boys[0]]):
        picks = r.for_profile(liked, k=6)
        assert picks and all(childs(picks)), liked
    # A grown-up's item among the liked ones: anyone's products again, but what is picked as like the boy's
    # T-shirt is a child's (a grown-up's unisex watch was "like" a boy's watch once a men's shirt was liked).
    grown = _some_id(r, articleType="Tshirts", gender="Men")
    unisex = [r.add_product(photo.rotate(angle, fillcolor="white"),
                            {**tee, "gender": "Unisex", "productDisplayName": f"Tribord Unisex Tee {n}"})
              for n, angle in enumerate((4, -4, 8))]
    mixed = r.for_profile([boys[0], grown], k=8)
    assert not all(childs(mixed))
    like_boys = [x for x in mixed if x.card_reason == "Like Doodle Boys Tee 0"]
    assert like_boys and all(childs(like_boys)) and not {x.id for x in like_boys} & set(unisex)


def test_a_childs_saved_product_beside_a_grown_ups_gets_its_share_of_picks(tmp_path):
    # A girl's sandals saved beside a woman's T-shirt got 1 of the 16 "like" picks and the T-shirt 15: the
    # sandals' nearest were grown-ups' sandals, no pick for a girl, and the T-shirt's list filled the page before
    # the sandals' was searched deeper (12 of 60 such pairs of a child's shoes or accessory and a grown-up's
    # product on the 39,730-product index got under half their share, 6 none).
    r, photo = _scratch(tmp_path)
    tee = {"masterCategory": "Apparel", "subCategory": "Topwear", "articleType": "Tshirts", "baseColour": "Blue",
           "gender": "Boys", "productDisplayName": "Doodle Boys Tee"}
    boy = r.add_product(photo.rotate(5, fillcolor="white"), tee, allow_new_values=True)
    # Its nearest are men's T-shirts, and the boys' other products, shorts, lie past them.
    for n in range(20):
        r.add_product(photo.rotate(12 + 3 * n, fillcolor="white"),
                      {**tee, "gender": "Men", "productDisplayName": f"Basics Men Tee {n}"})
    shorts = Image.open(r.image_path(_some_id(r, articleType="Shorts")))
    for n, angle in enumerate((0, 4, -4, 8, -8, 12)):
        r.add_product(shorts.rotate(angle, fillcolor="white"),
                      {**tee, "subCategory": "Bottomwear", "articleType": "Shorts", "baseColour": "Grey",
                       "productDisplayName": f"Doodle Boys Shorts {n}"}, allow_new_values=True)
    grown = _some_id(r, articleType="Heels", gender="Women")       # far from the shorts, with the tiny test model
    picks = r.for_profile([boy, grown], k=8, looks=False)
    like_boy = [x for x in picks if x.card_reason == "Like Doodle Boys Tee"]
    assert len(picks) == 8 and len(like_boy) >= 3, [x.card_reason for x in picks]
    assert all(x.item["gender"] == "Boys" for x in like_boy)


def test_a_profile_that_fills_up_picks_one_copy_of_a_photo(tmp_path):
    # Picks that fill a page up may look alike, but two copies of one photo were both picked (a review: cosine
    # 0.99999994, under the fill-up's cap of 1.0); and the page still holds k.
    r, _ = _scratch(tmp_path)
    liked = _some_id(r, articleType="Tshirts")
    near = r.similar(liked, k=1)[0]
    photo = Image.open(r.image_path(near.id))
    labels = {key: near.item[key] for key in ("gender", "articleType", "baseColour", "usage")}
    copies = {r.add_product(photo, {**labels, "productDisplayName": f"Another Tee {n}"}) for n in range(2)}
    k = 40
    picks = [x.id for x in r.for_profile([liked], k=k, looks=False)]
    assert len(picks) == k and len(set(picks)) == k and len(copies & set(picks)) <= 1
    vecs = np.stack([r.vector(i) for i in picks])
    assert (np.triu(vecs @ vecs.T, 1) <= 0.995).all()


def test_a_profile_picks_no_other_listing_of_a_liked_product(tmp_path):
    r, photo = _scratch(tmp_path)
    liked = _some_id(r, articleType="Tshirts")
    first = r.for_profile([liked], k=3)[0]
    # The first pick renamed as the liked product: another listing of it, under another id.
    r.items.loc[r.items["id"] == first.id, "productDisplayName"] = r.item(liked)["productDisplayName"]
    r._reindex()
    assert first.id not in {x.id for x in r.for_profile([liked], k=3)}
    # Nor one pick's other listing, its name written otherwise (case, spaces), as the "goes with" picks compare
    # names: two saved products' picks, one renamed as the other.
    from fashionrec.results import title

    other = _some_id(r, articleType="Jeans")
    picks = r.for_profile([liked, other], k=6, looks=False)
    mine, theirs = (next(x for x in picks if x.card_reason.startswith(f"Like {title(r.item(i))[:20]}"))
                    for i in (liked, other))
    said = mine.item["productDisplayName"]
    r.items.loc[r.items["id"] == theirs.id, "productDisplayName"] = " " + said.upper().replace(" ", "  ")
    r._reindex()
    again = {x.id for x in r.for_profile([liked, other], k=6, looks=False)}
    assert mine.id in again and theirs.id not in again


def test_a_profile_searches_only_the_liked_items_its_picks_come_from(rec, monkeypatch):
    # A code review: 200 saved products and 10 picks searched the nearest of all 200 (and their mean), 1.1-1.6 s
    # of a request on the 39,730-product index, for the 10 lists the round robin reads (0.2-0.3 s now).
    liked = [int(i) for i in rec.items["id"][:30]]
    want = rec.for_profile(liked, k=3, looks=False)
    searched = []
    real = rec._neighbours
    monkeypatch.setattr(rec, "_neighbours", lambda *a, **kw: searched.append(1) or real(*a, **kw))
    assert [(x.id, x.reason) for x in rec.for_profile(liked, k=3, looks=False)] == [(x.id, x.reason) for x in want]
    assert len(want) == 3 and len(searched) <= 6


def test_a_profile_searches_its_lists_in_one_index_search(rec, monkeypatch):
    # Stop 72: 200 saved products asked for 100 picks searched the index once per list, 100 searches (0.27 s of
    # faiss calls in a 1.3 s request on the 39,730-product index); the lists the round robin reads are searched
    # together, and find what each alone finds.
    liked = [int(i) for i in rec.items["id"][:12]]
    monkeypatch.setattr(rec, "_neighbours_each", lambda queries, k, exclude, dedupe=False, pool=None: [
        rec._neighbours(q, k, None, exclude, dedupe, pool) for q in queries])
    alone = [(x.id, x.score, x.reason) for x in rec.for_profile(liked, k=12, looks=False)]
    monkeypatch.undo()
    searches = []
    real = rec.index.search
    monkeypatch.setattr(rec.index, "search", lambda *a, **kw: searches.append(len(a[0])) or real(*a, **kw))
    got = [(x.id, x.score, x.reason) for x in rec.for_profile(liked, k=12, looks=False)]
    assert got == alone and len(got) == 12
    if not hasattr(rec.index, "max_k"):     # (Milvus: one by one, see Recommender._neighbours_each)
        # (the liked items' lists, then their mean's)
        assert searches[0] == 12 and len(searches) <= 3, searches


def test_a_profile_works_out_only_the_looks_its_picks_come_from(rec, monkeypatch):
    # A code review: a page of 24 picks for 20 saved products worked out 16 looks for its 8 "goes with" picks
    # (0.34-0.45 s on the 39,730-product index; 0.17-0.20 s now).
    liked = [int(i) for i in rec.items["id"][:12]]
    want = [(x.id, x.reason) for x in rec.for_profile(liked, k=9)]
    worked_out = []
    real = rec.complete_the_look
    monkeypatch.setattr(rec, "complete_the_look", lambda i, k=4: worked_out.append(i) or real(i, k=k))
    got = [(x.id, x.reason) for x in rec.for_profile(liked, k=9)]
    goes_with = sum(reason.startswith("goes with ") for _, reason in got)
    assert got == want and goes_with == 3 and len(worked_out) < 6, (goes_with, worked_out)


def test_a_profiles_look_picks_no_other_listing_of_a_liked_product(tmp_path):
    # A code review: a shopper who saved a shirt and "Basics Men Black Trousers" got the trousers again, under
    # another id, as what goes with the shirt; the picks like the saved items leave such a listing out.
    r, _ = _scratch(tmp_path)
    liked = _some_id(r, articleType="Tshirts")
    piece = r.complete_the_look(liked, k=4)[0]
    assert piece.id in {x.id for x in r.for_profile([liked], k=6)}
    other = next(int(i) for i in r.items["id"] if int(i) not in (liked, piece.id))
    # Another product renamed as the piece: another listing of it, saved.
    r.items.loc[r.items["id"] == other, "productDisplayName"] = piece.item["productDisplayName"]
    r._reindex()
    picks = r.for_profile([liked, other], k=6)
    assert piece.id not in {x.id for x in picks} and len(picks) == 6


def test_add_product_survives_reload(rec, tmp_path):
    d = index_copy(tmp_path / "index", rec.manifest["backend"])
    r = Recommender.load(d, tiny_tagger_path())
    src = _some_id(r, articleType="Handbags")
    image = Image.open(r.image_path(src)).transpose(Image.FLIP_LEFT_RIGHT)
    assert r.browse(q="mirrored bag") == (0, [])      # remembered for the next page: must not outlive the add
    # Under a server's write lock, the new items' word tables are built before they go in, not by the first
    # search after (which held the server's text searches 1-4 s); without one, not at all until asked.
    new_id = r.add_product(image, {"productDisplayName": "New mirrored bag", "gender": "Women"},
                           exclusive=lambda: contextlib.nullcontext())
    assert new_id == int(r.items["id"].max())
    assert r._word_search is not None and len(r._word_search.name_text()) == len(r.items)
    total, found = r.browse(q="mirrored bag")
    assert total == 1 and found[0]["id"] == new_id and r.facets({}, "mirrored bag")["gender"] == {"Women": 1}
    with pytest.raises(BadInputError):
        r.add_product(image, {"id": new_id})
    with pytest.raises(BadInputError):
        r.add_product(image, {"colour": "Red"})
    # A group the type is never filed under (shorts under Shoes would fill a look's shoe slot): refused.
    shoes = r.item(_some_id(r, articleType="Sports Shoes"))["subCategory"]
    said: list[str] = []        # the photo is a copy, but nothing went in: no "added anyway"
    with pytest.raises(BadInputError, match="does not go with articleType 'Handbags'"):
        r.add_product(image, {"articleType": "Handbags", "subCategory": shoes}, warnings=said)
    assert said == []
    # A type of one or two products says little of where it goes: a group the index has goes in as given, said
    # (a shop whose only Travel Accessory was under Bags refused one under Accessories, a trial).
    ties = r.items[r.items["articleType"] == "Ties"]
    assert len(ties) == 2 and shoes not in set(ties["subCategory"])
    tie = r.add_product(image, {"articleType": "Ties", "subCategory": shoes.lower()}, warnings=said)
    assert r.item(tie)["subCategory"] == shoes
    # Under the category that group is filed under, not the type's (Accessories / Shoes: a code review).
    assert r.item(tie)["masterCategory"] == r.item(_some_id(r, articleType="Sports Shoes"))["masterCategory"]
    assert f"product {tie} is filed under subCategory {shoes!r} (this index's 2 products of type 'Ties' are " \
        f"filed under {', '.join(map(repr, sorted(set(ties['subCategory']))))}) as given" in said
    with pytest.raises(BadInputError, match="no product has subCategory 'Shoez'"):       # a typo is still one
        r.add_product(image, {"articleType": "Ties", "subCategory": "Shoez"})
    r.remove_product(tie)
    # The category follows the group by every road (a code review): a group given with new values allowed, a
    # new type's given group; and a category the group is never under is refused (it went in as Footwear / Ties).
    footwear = r.item(_some_id(r, articleType="Sports Shoes"))["masterCategory"]
    odd = r.add_product(image, {"articleType": "Tshirts", "subCategory": shoes}, allow_new_values=True)
    said = []
    new_type = r.add_product(image, {"articleType": "Bomber Jacket", "subCategory": "Topwear"},
                             allow_new_values=True, warnings=said)
    assert r.item(odd)["masterCategory"] == footwear
    assert r.item(new_type)["masterCategory"] == r.item(_some_id(r, articleType="Tshirts"))["masterCategory"]
    assert not any("tagger's guesses" in w for w in said), said
    tie_group = ties["subCategory"].iloc[0]
    with pytest.raises(BadInputError, match=f"masterCategory '{footwear}' does not go with subCategory "
                                            f"'{tie_group}'"):
        r.add_product(image, {"articleType": "Ties", "masterCategory": footwear})
    r.remove_products([odd, new_type])
    with pytest.raises(BadInputError, match="positive integer"):
        r.add_product(image, {"id": -4})
    again = Recommender.load(d, tiny_tagger_path())
    assert len(again) == len(rec) + 1 and again.item(new_id)["productDisplayName"] == "New mirrored bag"
    assert again.image_path(new_id).exists()
    _, recs = again.similar_to_image(image, k=3)
    assert recs[0].id == new_id


def test_a_product_can_be_removed_and_stays_removed(rec, tmp_path, caplog):
    d = index_copy(tmp_path / "index", rec.manifest["backend"])
    r = Recommender.load(d, tiny_tagger_path())
    src = _some_id(r, articleType="Handbags")
    image = Image.open(r.image_path(src))
    with caplog.at_level("WARNING"):        # the same photo again: added, and said to be a copy
        new_id = r.add_product(image.transpose(Image.FLIP_LEFT_RIGHT), {"productDisplayName": "Mirrored bag"})
        twin = r.add_product(image.transpose(Image.FLIP_LEFT_RIGHT), {"productDisplayName": "Mirrored bag"})
    assert f"is the photo of product {new_id}" in caplog.text and f"product {src} (" not in caplog.text
    n = len(r)
    for gone in (twin, new_id, src):       # two added products and one of the catalogue's
        item = r.remove_product(gone)
        assert item["id"] == gone and gone not in r._row
        assert all(x.id != gone for x in r.similar_to_image(image, k=len(r) - 1)[1])
    assert len(r) == len(r.index) == n - 3 and r.browse(q="mirrored bag") == (0, [])
    assert not (d / "images" / f"{new_id}.jpg").exists() and r.image_path(_some_id(r)).exists()
    with pytest.raises(NotFoundError, match=f"product {src} was removed from this index"):
        r.remove_product(src)
    # A removed added product's id may be taken again (a removed catalogue product's brings it back:
    # test_catalogue_edits.py).
    assert r.add_product(image, {"id": new_id, "productDisplayName": "Mirrored bag"}) == new_id
    r.remove_product(new_id)
    # Several at once: all or none (an unknown id among them removes nothing), the folder written once.
    pair = [int(i) for i in r.items.index[:2]]
    with pytest.raises(NotFoundError):
        r.remove_products([*pair, 999_999_999])
    assert all(i in r._row for i in pair) and len(r) == len(r.index) == n - 3
    assert [item["id"] for item in r.remove_products(pair)] == pair and len(r) == len(r.index) == n - 5
    again = Recommender.load(d, tiny_tagger_path())
    assert len(again) == n - 5 and src not in again._row and len(again.index) == len(again)
    with pytest.raises(NotFoundError, match="was removed from this index"):
        again.similar(src)
    # Removed is said before a rejected row of the same id (the fixture's duplicate: was "rejected").
    dup = next(int(i) for i in again.manifest["rejected_rows"]
               if int(i) in again._row or int(i) in again.manifest["removed_ids"])
    if dup in again._row:
        again.remove_product(dup)
    with pytest.raises(NotFoundError, match=f"product {dup} was removed from this index"):
        again.similar(dup)
    assert len(again.similar(_some_id(again, articleType="Handbags"), k=3)) == 3


def test_add_product_that_cannot_be_saved_is_taken_back(rec, tmp_path, monkeypatch):
    d = index_copy(tmp_path / "index", rec.manifest["backend"])
    r = Recommender.load(d, tiny_tagger_path())
    image = Image.open(r.image_path(_some_id(r, articleType="Handbags")))
    n = len(r.index)

    def disk_full():
        raise OSError("No space left on device")
    monkeypatch.setattr(r, "save", disk_full)
    with pytest.raises(OSError, match="No space"):
        r.add_product(image, {"id": 999_001})
    assert len(r.index) == len(r) == n and 999_001 not in r._row
    assert not (d / "images" / "999001.jpg").exists()
    monkeypatch.undo()
    again = Recommender.load(d, tiny_tagger_path())      # the folder and the vectors still agree
    assert len(again) == n and all(x.id != 999_001 for x in again.similar_to_image(image, k=5)[1])


def test_the_one_blas_thread_limit_works_from_any_worker_thread_and_holds_until_the_last_request_leaves():
    # The server runs requests on a pool of threads. threadpoolctl >= 3.8 ignores pthreads-OpenBLAS limits
    # from all but one "controlling" thread, and OpenMP-built BLAS limits only the calling thread: the
    # limit must hold on whichever worker a request lands, and overlapping requests must not undo it.
    import threading

    from threadpoolctl import threadpool_info

    from fashionrec.blas import OneBlasThread

    def blas():                         # as the calling thread sees them
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    before = blas()
    if before <= {1}:
        pytest.skip("BLAS runs on one thread on this machine already")
    limit = OneBlasThread()
    seen: dict[str, set[int]] = {}
    served, b_inside, a_left, stop = (threading.Event() for _ in range(4))

    def earlier_request():              # a worker that served a search before and stays alive, idle
        with limit:
            pass
        served.set()
        stop.wait(30)

    def overlapping_request():
        with limit:
            b_inside.set()
            a_left.wait(30)
            seen["B after A left"] = blas()
        seen["B after"] = blas()

    idle = threading.Thread(target=earlier_request)
    b = threading.Thread(target=overlapping_request)
    idle.start()
    try:
        assert served.wait(30)
        with limit:                     # request A, on another thread than the idle worker's
            seen["A"] = blas()
            b.start()
            assert b_inside.wait(30)
        a_left.set()
        b.join(30)
    finally:
        a_left.set()
        stop.set()
        idle.join(30)
    assert seen == {"A": {1}, "B after A left": {1}, "B after": before}, seen
    assert blas() == before



def test_a_photo_an_add_left_without_its_product_is_said_then_deleted(tmp_path, caplog):
    # A SIGKILL between an add's photo and its save left images/<id>.jpg with no product, unsaid (a crash trial).
    index = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(index, tiny_tagger_path())
    photo = Image.open(r.image_path(_some_id(r, articleType="Tshirts")))
    kept = r.add_product(photo.rotate(90, expand=True), {"productDisplayName": "Kept Tee"}, allow_new_values=True)
    stray = index / "images" / f"{kept + 1}.jpg"
    stray.write_bytes((index / "images" / f"{kept}.jpg").read_bytes())
    assert r.orphan_photos() == [stray]
    said = " ".join(CliRunner().invoke(app, ["index", "check", str(index), "--model",
                                              str(tiny_tagger_path())]).output.split())
    assert f"1 photo in {index / 'images'} belongs to no product" in said and f"{kept + 1}.jpg" in said, said
    with caplog.at_level("WARNING"):
        again = r.add_product(photo.rotate(180, expand=True), {"productDisplayName": "Next Tee"},
                              allow_new_values=True)
    assert "deleted 1 photo" in caplog.text and r.orphan_photos() == []
    # The new product's own photo (it took the id the stray photo had) and the kept one's are there.
    assert again == kept + 1 and (index / "images" / f"{again}.jpg").is_file()
    assert (index / "images" / f"{kept}.jpg").is_file()
    stray.with_name("999999.jpg").write_bytes(b"x")
    r.remove_product(kept)      # a removal deletes them too
    assert r.orphan_photos() == [] and not (index / "images" / f"{kept}.jpg").exists()


def test_index_check_answers_in_json_under_json(tmp_path, fixture_dir):
    # Its exit code and a line on stderr were its whole answer to a script: `index check --json` was refused as an
    # unknown option (an operator's trial).
    index = index_copy(tmp_path / "index", "faiss")
    res = CliRunner().invoke(app, ["index", "check", str(index), "--json"])
    answer = json.loads(res.stdout)
    assert res.exit_code == 0 and answer["ok"] is True and answer["detail"] is None, res.output
    r = Recommender.load(index)
    assert answer["items"] == len(r) and answer["model"] == r.tagger.name and answer["dim"] == r.embeddings.shape[1]
    gone = _some_id(r)
    new = r.add_product(Image.open(r.image_path(_some_id(r))).rotate(90, expand=True), {"productDisplayName": "New"},
                        allow_new_values=True)
    r.remove_product(gone)
    answer = json.loads(CliRunner().invoke(app, ["index", "check", str(index), "--json"]).stdout)
    assert answer["added_since_build"] == [new] and answer["removed_since_build"] == [gone], answer
    # Stale (its catalogue's styles.csv changed since the build): ok false, why and the command that rebuilds it.
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "styles.csv").write_bytes((fixture_dir / "styles.csv").read_bytes())
    res = CliRunner().invoke(app, ["index", "check", str(index), "--data", str(shop), "--json"])
    answer = json.loads(res.stdout)
    assert res.exit_code == 2 and answer["ok"] is False and "built from the catalogue" in answer["detail"], res.output
    assert answer["rebuild"].startswith(f"fashionrec index build {shop}") and answer["rebuild"] in answer["detail"]
    # An index that cannot be opened: the same shape, no command to rebuild it with.
    res = CliRunner().invoke(app, ["index", "check", str(tmp_path / "none"), "--json"])
    answer = json.loads(res.stdout)
    assert res.exit_code == 2 and answer["ok"] is False and "no index at" in answer["detail"], res.output
    assert answer["rebuild"] is None
    # The catalogue given for its index: named so, not told to build an index into the catalogue's folder (the
    # command it was given read `index build DATA_DIR --out SHOP`: a new user's trial, stop 65).
    said = json.loads(CliRunner().invoke(app, ["index", "check", str(shop), "--json"]).stdout)["detail"]
    assert f"{shop} is a catalogue (styles.csv), not an index" in said and f"--out {shop}" not in said, said
    # --data with no catalogue there: the index given is the one named (it said the default runs/index, a code
    # review), and none of two given.
    res = CliRunner().invoke(app, ["index", "check", str(index), "--data", str(tmp_path / "nope"), "--json"])
    answer = json.loads(res.stdout)
    assert res.exit_code == 2 and answer["index"] == str(index) and "no catalogue there" in answer["detail"]
    res = CliRunner().invoke(app, ["index", "check", str(index), "--index", str(tmp_path / "other"), "--json"])
    answer = json.loads(res.stdout)
    assert res.exit_code == 2 and answer["index"] is None and "two indexes given" in answer["detail"], res.output


def test_index_check_says_what_changed_since_the_build(tmp_path):
    # An operator's trial: added and removed products, which a rebuild treats unlike each other, went unmentioned.
    index = index_copy(tmp_path / "index", "faiss")
    res = CliRunner().invoke(app, ["index", "check", str(index)])
    assert res.exit_code == 0 and "changed since" not in res.output
    r = Recommender.load(index)
    gone = _some_id(r)
    r.add_product(Image.open(r.image_path(_some_id(r))).rotate(90, expand=True), {"productDisplayName": "New"},
                  allow_new_values=True)
    r.remove_product(gone)
    said = " ".join(CliRunner().invoke(app, ["index", "check", str(index)]).output.split())
    assert "1 product added (a rebuild keeps them), 1 catalogue product removed " \
        f"({gone}; a rebuild brings them back while styles.csv has their rows)" in said, said
    # As a version before removed_catalogue_ids recorded it: among removed_ids, beside an added product taken out.
    # The removal was unsaid after an upgrade, and its id given to a new product (an operator's upgrade trial).
    added = int(r.add_product(Image.open(r.image_path(_some_id(r))).rotate(270, expand=True),
                              {"productDisplayName": "Newer"}, allow_new_values=True))
    r.remove_product(added)
    manifest = json.loads((index / "manifest.json").read_text())
    assert manifest.pop("removed_catalogue_ids") == [gone] and set(manifest["removed_ids"]) == {gone, added}
    (index / "manifest.json").write_text(json.dumps(manifest))
    said = " ".join(CliRunner().invoke(app, ["index", "check", str(index)]).output.split())
    assert f"1 catalogue product removed ({gone};" in said, said
    old = Recommender.load(index)
    # Told from an added product's: brought back under its id with its row's labels (stop 72: refused before).
    assert old.why_row_not_held(gone) == "took out (`index remove`)" and old.why_row_not_held(added) == ""
    assert old.add_product(Image.open(old.image_path(_some_id(old))), {"id": added, "productDisplayName": "Again"}) \
        == added
    # Its catalogue's rows alone tell them: a catalogue whose images/ is gone stopped `index check` over the
    # images (a code review).
    rows_only = tmp_path / "rows_only"
    rows_only.mkdir()
    shutil.copy(Path(manifest["data_dir"]) / "styles.csv", rows_only / "styles.csv")
    manifest = json.loads((index / "manifest.json").read_text())
    manifest.pop("removed_catalogue_ids", None)
    (index / "manifest.json").write_text(json.dumps({**manifest, "data_dir": str(rows_only)}))
    res = CliRunner().invoke(app, ["index", "check", str(index)])
    assert res.exit_code == 0 and f"1 catalogue product removed ({gone};" in " ".join(res.output.split()), res.output
    old = Recommender.load(index)
    row = old.left_out_row(gone)
    old.add_product(Image.open(old.image_path(_some_id(old))), {"id": gone})
    assert row and old.item(gone)["productDisplayName"] == row["productDisplayName"]
    assert gone not in old.manifest["removed_ids"]


def test_a_damaged_manifest_is_named_not_a_traceback(tmp_path):
    index = index_copy(tmp_path / "index", "faiss")
    text = (index / "manifest.json").read_text()
    (index / "manifest.json").write_text(text[: len(text) // 2])       # cut short, as by a full disk
    import socket

    with socket.socket() as s:      # a free port: serve says first that 8000 is taken, where a server runs there
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    for args in (["index", "check", str(index)], ["serve", "--index", str(index), "--port", port]):
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        said = "".join(res.output.split())      # the console wraps long paths anywhere
        assert "manifest.jsonisdamaged" in said and "indexbuild" in said and "Traceback" not in said


def test_rebuild_command_names_the_catalogue_the_index_was_built_from(tmp_path, fixture_dir):
    # A new user's trial (stop 68): an upgraded index's check said `fashionrec index build DATA_DIR --out ...`
    # though its manifest named the catalogue, still there.
    from fashionrec.recommend import rebuild_command

    tagger = Tagger.load()
    said = rebuild_command("runs/index", tagger, manifest={"data_dir": str(fixture_dir)})
    assert said == f"`fashionrec index build {fixture_dir} --out runs/index`"
    # Gone (or moved) since: the placeholder, not a folder that would fail; a --data given wins.
    gone = {"data_dir": str(tmp_path / "moved")}
    assert rebuild_command("runs/index", tagger, manifest=gone) == "`fashionrec index build DATA_DIR --out runs/index`"
    assert rebuild_command("idx", tagger, "shop", gone) == "`fashionrec index build shop --out idx`"


def test_an_index_refuses_a_model_with_other_weights_and_says_to_rebuild(tmp_path):
    # E.g. an index built with the shipped model, which a newer release replaced: even at the same
    # dimension and under the same name, photo embeddings from other weights are not comparable.
    ckpt = tmp_path / "model.safetensors"
    shutil.copy(tiny_tagger_path(), ckpt)
    shutil.copy(tiny_tagger_path().with_suffix(".json"), ckpt.with_suffix(".json"))
    # Over a copy of the session's index by the same weights, whose embeddings the build takes rather than compute
    # them again (with the second build below, 10.7 -> 5.9 CPU seconds for this test at load 17).
    index = shutil.copytree(built_index(), tmp_path / "index")
    # The checkpoint's path will do, as Recommender.load takes one (an AttributeError, a Python user's trial).
    Recommender.build(fixture_catalog(), str(ckpt), index, progress=False)
    assert Recommender.load(index).tagger.path == ckpt
    with pytest.raises(BadInputError, match="tagger is a Tagger, a checkpoint's path or None"):
        Recommender.build(fixture_catalog(), 3, tmp_path / "never", progress=False)
    assert CliRunner().invoke(app, ["index", "check", str(index)]).exit_code == 0
    assert CliRunner().invoke(app, ["index", "check", "--index", str(index)]).exit_code == 0   # as elsewhere
    # Two indexes named: one was checked and --index ignored (a trial); a --data folder that is none is said.
    res = CliRunner().invoke(app, ["index", "check", str(index), "--index", str(tmp_path / "other")])
    assert res.exit_code == 2 and "two indexes given" in res.output
    res = CliRunner().invoke(app, ["index", "check", str(index), "--data", str(tmp_path / "nowhere")])
    assert res.exit_code == 2 and "no catalogue there" in res.output
    # The same weights under another path and name are the same model.
    twin = tmp_path / "twin.safetensors"
    shutil.copy(ckpt, twin)
    meta = json.loads(ckpt.with_suffix(".json").read_text())
    twin.with_suffix(".json").write_text(json.dumps({**meta, "name": "renamed"}))
    assert CliRunner().invoke(app, ["index", "check", str(index), "--model", str(twin)]).exit_code == 0
    # The same weights embedding otherwise (an ensemble re-weighted into the same folder was served, its photo
    # queries at cosine 0.63 to their own products; a review): refused, as another model's weights are. So are
    # embeddings made before, where an index would be built from them.
    twin.with_suffix(".json").write_text(json.dumps({**meta, "name": "renamed", "weights": {"articleType": [1.0]}}))
    with pytest.raises(ModelError, match="described otherwise than .* is now .*rebuild the index"):
        Recommender.load(index, twin)
    from fashionrec.batch_embed import check_made_by
    from fashionrec.tagger import Tagger, embedding_sha256

    made = {"model": {"path": str(twin), "sha256": Tagger.load(twin).sha256, "embedding_sha256":
                      embedding_sha256(Tagger.load(ckpt))}}
    with pytest.raises(ModelError, match="described otherwise than it is now"):
        check_made_by(made, tmp_path / "emb", Tagger.load(twin))
    # The same weights calibrated since the build: the index's stored probabilities are stale, check fails.
    twin.with_suffix(".json").write_text(json.dumps({**meta, "name": "renamed",
                                                     "calibration": {"temperature": {"articleType": 0.5}}}))
    res = CliRunner().invoke(app, ["index", "check", str(index), "--model", str(twin)])
    assert res.exit_code == 2 and "calibration changed" in res.output.replace("\n", " ")
    # The same weights reading their group and category from their type since (fashionrec.levels): the stored
    # predicted groups are stale, and the check fails; built so, it passes.
    from fashionrec.levels import type_levels

    levels = type_levels(fixture_catalog().usable, meta["classes"])
    assert set(levels) == {"subCategory", "masterCategory"}
    twin.with_suffix(".json").write_text(json.dumps({**meta, "name": "renamed", "levels": levels}))
    res = CliRunner().invoke(app, ["index", "check", str(index), "--model", str(twin)])
    assert res.exit_code == 2 and "group and category" in res.output.replace("\n", " ")
    # The rebuild it advises names the catalogue the manifest records, not `DATA_DIR` (a new user's trial, stop 68).
    built_from = Recommender.load(index, twin).manifest["data_dir"]
    assert f"`fashionrec index build {built_from} --model {twin} --out {index}`" in " ".join(res.output.split())
    # Served and searched as it is, but said: an upgraded server served such an index under "ok" (a trial).
    some = str(int(fixture_catalog().usable["id"].iloc[0]))
    res = CliRunner().invoke(app, ["recommend", "similar", some, "--index", str(index), "--model", str(twin)])
    assert res.exit_code == 0 and "warning: index" in res.output and "rebuild it" in " ".join(res.output.split())
    from fastapi.testclient import TestClient

    from fashionrec.api import Settings, create_app

    with TestClient(create_app(Settings(index_dir=index, model=twin))) as client:
        health = client.get("/health").json()
    assert health["status"] == "degraded" and any("group and category" in p for p in health["problems"])
    read = tmp_path / "read"
    Recommender.build(fixture_catalog(), Tagger.load(twin), read, progress=False)
    assert CliRunner().invoke(app, ["index", "check", str(read), "--model", str(twin)]).exit_code == 0
    assert CliRunner().invoke(app, ["index", "check", str(read), "--model", str(ckpt)]).exit_code == 2
    # An index built before manifests recorded the temperatures, by a calibrated model: the stored
    # probabilities are compared on a sample instead, and agree. (Built over a copy of the one just built by the
    # same model, whose embeddings it takes rather than compute them again.)
    calibrated = tmp_path / "calibrated"
    shutil.copytree(read, calibrated)
    shutil.rmtree(read)
    fresh = Recommender.build(fixture_catalog(), Tagger.load(twin), calibrated, progress=False)
    manifest = {**fresh.manifest, "model": {k: v for k, v in fresh.manifest["model"].items() if k != "temperature"}}
    (calibrated / "manifest.json").write_text(json.dumps(manifest))
    assert CliRunner().invoke(app, ["index", "check", str(calibrated), "--model", str(twin)]).exit_code == 0
    shutil.rmtree(calibrated)
    twin.with_suffix(".json").write_text(json.dumps({**meta, "name": "renamed"}))
    # Other weights, same name and dimension, in the file the index names: refused, by default and when named.
    other = Tagger.load(ckpt)
    with torch.no_grad():
        other.model.heads["articleType"].weight.add_(0.01)
    save_checkpoint(other.model, other.classes, {"name": meta["name"]}, ckpt.with_suffix(""))
    with pytest.raises(ModelError, match="built by model test.*other weights.*rebuild the index"):
        Recommender.load(index)
    res = CliRunner().invoke(app, ["index", "check", str(index), "--model", str(ckpt)])
    assert res.exit_code == 2 and "rebuild" in res.output
    # The checkpoint it was built with, moved away: the shipped model stands in only if it is the same.
    ckpt.unlink()
    with pytest.raises(ModelError, match="now missing.*shipped model"):
        Recommender.load(index)
    assert Recommender.load(index, twin).tagger.name == "renamed"


def test_browse_matches_whole_words_in_any_order(rec):
    def names(q):
        total, page = rec.browse(q=q, limit=10_000)
        return total, {p["id"] for p in page}

    # "men" is a word of Men's products, never the inside of "Women".
    total, found = names("men")
    women = [rec.item(i) for i in found if rec.item(i)["gender"] == "Women"]
    assert total > 0 and all(" men" in f" {w['productDisplayName']}".lower() for w in women)
    assert names("blue jeans") == names("JEANS Blue") and names("blue jeans")[0] > 0
    assert names("t-shirt") == names("tshirt") == names("t shirt")      # hyphens and a lone letter
    assert names("jeans for women") == names("women jeans")           # "for" is not a word to match
    assert names("zzzz")[0] == 0
    # Whole words: a word is not the start of a longer one ("jeans" is not "Jeanie", "jean" is "jeans").
    assert names("jean") == names("jeans")
    for w in ("jea", "blu", "shir"):
        assert names(w)[0] == 0
    assert names("watch") == names("watches") and names("watch")[0] > 0
    assert names("%")[0] == names("★")[0] == names("for the")[0] == 0  # nothing to match is not everything


def test_browse_lists_the_named_type_before_name_matches(tmp_path):
    # Oakley's "Fast Jacket" is a pair of sunglasses: a "jacket" search has it (its name has the word), but
    # after every product whose type is Jackets, wherever the catalogue's order puts it.
    r, _ = _scratch(tmp_path)
    image = Image.open(r.image_path(_some_id(r, articleType="Sunglasses")))
    odd = r.add_product(image, {"productDisplayName": "Oakley Men Black Fast Jacket Sunglasses", "gender": "Men",
                                "articleType": "Sunglasses", "baseColour": "Black", "season": "Winter"})
    # A jacket added after it, so that the catalogue's own order would list the sunglasses before it.
    jacket = _some_id(r, articleType="Jackets")
    later = r.add_product(Image.open(r.image_path(jacket)).transpose(Image.FLIP_LEFT_RIGHT),
                          {**{k: r.item(jacket)[k] for k in ("gender", "articleType", "baseColour")},
                           "productDisplayName": "Men Winter Jacket", "season": "Winter"})
    for q in ("jacket", "winter jacket", "men jacket"):
        total, page = r.browse(q=q, limit=10_000)
        types = [p["articleType"] for p in page]
        assert odd in [p["id"] for p in page] and "Jackets" in types, q
        assert types[-1] == "Sunglasses" and set(types[:-1]) == {"Jackets"}, (q, types)
    # Paging keeps the order: the last page ends with the sunglasses, the first starts with a jacket.
    total = r.browse(q="jacket", limit=0)[0]
    assert r.browse(q="jacket", offset=total - 1, limit=1)[1][0]["id"] == odd
    assert r.browse(q="jacket", limit=1)[1][0]["articleType"] == "Jackets"
    # Then by the other attributes named: the Winter jackets before the rest.
    found = r.browse(q="winter jacket", limit=10_000)[1]
    winter = [p["season"] == "Winter" for p in found[:-1]]
    assert winter == sorted(winter, reverse=True) and later in {p["id"] for p in found}
    # A season word beside others only ranks: every jacket, not only those filed under Winter; alone it selects.
    assert True in winter and False in winter and len(found) == r.browse(q="jacket", limit=0)[0]
    assert r.facets(q="winter jacket")["articleType"]["Jackets"] == winter.count(True) + winter.count(False)
    # Without a type word the season word is what narrows: "summer men" is not every men's product.
    assert 0 < r.browse(q="summer men", limit=0)[0] < r.browse(q="men", limit=0)[0]
    alone = r.browse(q="summer", limit=10_000)[1]
    assert 0 < len(alone) < len(r) and all(p["season"] == "Summer" or "summer" in p["productDisplayName"].lower()
                                           for p in alone)
    # But "winter" without a type means clothes for the cold, as "winter wear" and "warm clothes" do: the
    # catalogue files watches and sunglasses under Winter (the added Oakley pair among them).
    for q in ("winter", "winter wear", "warm clothes", "woollens"):
        total, found = r.browse(q=q, limit=10_000)
        assert total == len(found) > 0 and {p["articleType"] for p in found} <= set(WARM_TYPES), q
    men = r.browse(q="winter men", limit=10_000)[1]
    assert men and all(p["gender"] in ("Men", "Unisex") and p["articleType"] in WARM_TYPES for p in men)
    # Without a type word nothing moves: the catalogue's order.
    assert [p["id"] for p in r.browse(q="oakley", limit=10_000)[1]][-1] == odd
    # "running shoes" names Sports Shoes, which few names call so: every pair, those named so first (the catalogue
    # page listed the 43 named "running" alone on the full catalogue, stop 65's shopper's trial).
    sports = r.items.index[r.items["articleType"] == "Sports Shoes"]
    assert len(sports) >= 2
    r.items.loc[sports[-1], "productDisplayName"] = "Puma Men Black Running Shoes"
    r._reindex()
    total, page = r.browse(q="running shoes", limit=len(sports))
    named = ["running" in p["productDisplayName"].lower() for p in page]
    assert total == len(sports) and named[0] and named == sorted(named, reverse=True), named
    # Named so, whatever its colour label: before the pairs labelled with the colour asked.
    colour = r.items.loc[sports[0], "baseColour"]
    r.items.loc[sports[-1], ["productDisplayName", "baseColour"]] = [f"Puma Men {colour} Running Shoes", "Multi"]
    r._reindex()
    page = r.browse(q=f"{colour} running shoes", limit=len(sports))[1]
    assert page[0]["id"] == int(r.items.loc[sports[-1], "id"]), [p["productDisplayName"] for p in page]


def test_browse_lists_every_name_once_before_any_twice(tmp_path):
    # Page one of "silver earrings" had nine listings of one name out of 24.
    r, _ = _scratch(tmp_path)
    jacket = _some_id(r, articleType="Jackets")
    photo = Image.open(r.image_path(jacket))
    attrs = {k: r.item(jacket)[k] for k in ("gender", "articleType", "baseColour")}
    added = [r.add_product(photo.rotate(angle, fillcolor="white"), {**attrs, "productDisplayName": name})
             for angle, name in ((3, "Acme Men Jacket"), (6, "ACME  men jacket"), (9, "Acme Men Jacket"))]
    page = r.browse(q="jacket", limit=10_000)[1]
    tier = [p for p in page if p["articleType"] == "Jackets" and "jacket" in p["productDisplayName"].lower()]
    names = [" ".join(p["productDisplayName"].casefold().split()) for p in tier]
    assert len(set(names)) > 2
    first_repeat = next(i for i, n in enumerate(names) if n in names[:i])
    assert first_repeat == len(set(names))      # every name once, then the second listings
    ids = [p["id"] for p in tier]
    assert ids.index(added[0]) < len(set(names)) <= ids.index(added[1]) < ids.index(added[2])


def test_browse_lists_products_named_as_the_type_asked_for_first(tmp_path):
    # "black heels" began with two products the catalogue files as Heels but names Flats.
    r, _ = _scratch(tmp_path)
    heels = _some_id(r, articleType="Heels")
    colour = r.item(heels)["baseColour"]
    odd, named = _added_in_order(r, heels, ("Acme Women Flats", "Acme Women Heels"), gender="Women",
                                 articleType="Heels", baseColour=colour)
    page = r.browse(q=f"{colour} heels", limit=10_000)[1]
    alike = [p for p in page if p["articleType"] == "Heels" and p["baseColour"] == colour]
    says = ["heel" in p["productDisplayName"].lower() for p in alike]
    assert says == sorted(says, reverse=True)          # the ones named heels first
    ids = [p["id"] for p in alike]
    assert ids.index(named) < ids.index(odd)


def test_similar_items_keep_to_the_products_kind_before_its_colour(tmp_path):
    # A gold football's similar items were its type's seven, then a gold day cream, a bangle and an eye shadow.
    r, _ = _scratch(tmp_path)
    bag = _some_id(r, articleType="Handbags")
    item = r.item(bag)
    photo = Image.open(r.image_path(bag))
    other = next(c for c in r.items["baseColour"].unique() if c != item["baseColour"])
    kin, unlike = (r.add_product(photo.rotate(angle, fillcolor="white"), {
        "productDisplayName": name, "gender": item["gender"], **attrs})
        for angle, name, attrs in (
            (6, "Acme Backpack", {"articleType": "Backpacks", "subCategory": "Bags", "masterCategory": "Accessories",
                                  "baseColour": other}),
            (3, "Acme Tshirt", {"articleType": "Tshirts", "subCategory": "Topwear", "masterCategory": "Apparel",
                                "baseColour": item["baseColour"]})))
    recs = r.similar(bag, k=40)
    ids = [x.id for x in recs]
    assert ids.index(kin) < ids.index(unlike)
    assert recs[ids.index(kin)].card_reason.startswith("Same category")
    types = [x.item["articleType"] for x in recs]
    assert types[:types.count("Handbags")] == ["Handbags"] * types.count("Handbags")     # its type first still


def test_a_photo_listed_under_two_products_is_ranked_by_the_one_the_tagger_agrees_with(tmp_path):
    # A shirt's photo also filed as a watch: photo search took the watch's labels, found watches, lost the shirt.
    r, _ = _scratch(tmp_path)
    photo = Image.open(r.image_path(_some_id(r, articleType="Shirts"))).transpose(Image.FLIP_LEFT_RIGHT)
    probs = r.photo_query(photo).probs["articleType"][0]
    classes = r.tagger.classes["articleType"]
    likely, unlikely = classes[int(np.argmax(probs))], classes[int(np.argmin(probs))]
    meta = {"gender": "Men", "baseColour": "Blue"}
    wrong = r.add_product(photo, {**meta, "articleType": unlikely, "productDisplayName": "Acme Filed Wrong"},
                          allow_new_values=True)
    near = photo.copy()
    near.putpixel((near.width // 2, near.height // 2), (0, 0, 0))
    right = r.add_product(near, {**meta, "articleType": likely, "productDisplayName": "Acme Filed Right"},
                          allow_new_values=True)
    # Both copies of the photo, the wrongly filed one the nearer.
    query = r.photo_query(photo).vector
    cosines = [float(r.embeddings[r._row[i]] @ query) for i in (wrong, right)]
    assert cosines[0] > cosines[1] >= 0.995, cosines
    found = r.similar_to_image(photo, k=10)[1]
    assert found[0].item["articleType"] == likely and wrong not in {x.id for x in found}


def test_browse_lists_products_named_in_the_shade_asked_for_first(tmp_path):
    # "light blue formal shirt for men" began with a "Blue & Light Brown Striped Shirt": both words, not the shade.
    r, _ = _scratch(tmp_path)
    blue = _some_id(r, baseColour="Blue")
    kind = r.item(blue)["articleType"]
    names = (f"Acme Blue & Light Brown Striped {kind}", f"Acme Light Blue Striped {kind}")
    odd, named = _added_in_order(r, blue, names, gender=r.item(blue)["gender"], articleType=kind, baseColour="Blue")
    ids = [p["id"] for p in r.browse(q=f"light blue {kind}", limit=10_000)[1]]
    assert ids.index(named) < ids.index(odd)
    found = [x.id for x in r.search_text(f"light blue {kind}", k=50)]
    assert found.index(named) < found.index(odd)
    # The catalogue files no shades: products of the colour not named with the shade are still found.
    plain = [p["id"] for p in r.browse(q=f"dark blue {kind}", limit=10_000)[1]]
    assert {odd, named} <= set(plain)
    brown = {p["id"] for p in r.browse(q=f"light brown {kind}", limit=10_000)[1]}
    assert odd in brown and named not in brown


def test_browse_lists_products_named_with_another_word_for_the_type_among_those_named_with_it(tmp_path):
    # "wedding saree" listed Fabindia's "... Saree" before FNF's "Wedding Collection Sari" (page 3).
    r, _ = _scratch(tmp_path)
    plain, polo = _added_in_order(r, _some_id(r, articleType="Tshirts"), ("Acme Men Teal Top", "Acme Men Teal Polo"),
                                  gender="Men", masterCategory="Apparel", subCategory="Topwear", articleType="Tshirts",
                                  baseColour="Teal", usage="Casual")
    ids = [p["id"] for p in r.browse(q="teal tshirt", limit=10_000)[1]]
    assert ids.index(polo) < ids.index(plain)


def test_search_words_fold_case_accents_and_plurals():
    from fashionrec.word_search import search_words

    assert search_words("Café CHEMISES, a T-Shirt for him") == ["cafe", "chemise", "tshirt", "him"]
    assert search_words("Café", stem=False) == ["cafe"]
    assert search_words("dresses dress watches jeans shoes sunglass") == ["dress", "dress", "watch", "jean", "shoe",
                                                                         "sunglass"]


def test_what_a_text_search_gave_up_is_what_it_reads_as_missing_not_the_catalogues_column(tmp_path):
    # unmatched read the catalogue's columns alone: from a shop's export without a gender column (the tagger's
    # genders stand in for it, as the search reads them), "tshirts for men" listed men's T-shirts and said
    # "none of these has gender Men or Unisex"; a child's product filed as Unisex or Men is a child's to it too.
    r, _ = _scratch(tmp_path)
    men = r.items["gender"].eq("Men").to_numpy()
    r.items["pred_gender"] = np.where(men, "Men", "Women")
    r.items["pred_gender_prob"] = np.float32(0.99)
    r.items["gender"] = None
    r._reindex()
    recs = [x for x in r.search_text("tshirts for men", k=5) if men[r._row[x.id]]]     # its men's T-shirts
    assert recs and all(x.item["gender"] is None for x in recs)
    assert r.unmatched("tshirts for men", recs) == {}
    # What none of them is, said as before.
    colour = next(c for c in r.items["baseColour"].dropna().unique()
                  if not any(x.item["baseColour"] == c for x in recs) and " " not in c)
    assert r.unmatched(f"tshirts for men {colour.lower()}", recs) == {"baseColour": [colour]}
    # A child's product filed as Unisex ("Kids Unisex ..."): a child's, as "kids shoes" finds it.
    s, photo = _scratch(tmp_path / "kids")
    kids = _adding(s, photo, articleType="Casual Shoes", baseColour="Red")(
        productDisplayName="Acme Kids Unisex Red Shoes", gender="Men")
    assert s.unmatched("kids shoes", [Rec(kids, 1.0, "", s.item(kids))]) == {}
    assert s.unmatched("kids jeans", [Rec(kids, 1.0, "", s.item(kids))]) == {"articleType": ["Jeans"]}


def test_a_text_search_reads_full_width_letters_as_the_word_search_does(rec):
    # "Ｊｅａｎｓ" found nothing by meaning where the word search found 609 jeans (a code review).
    def found(q: str) -> list[tuple[int, str]]:
        return [(r.id, r.reason) for r in rec.search_text(q, k=10, min_similarity=RELEVANT_TEXT_SIMILARITY)]

    assert found("Ｂｌａｃｋ Ｊｅａｎｓ ｆｏｒ ｍｅｎ") == found("black jeans for men") != []
    assert rec.parse_query("Ｂｌａｃｋ Ｊｅａｎｓ") == rec.parse_query("black jeans")
    assert (rec.text_relevant("ｊｅａｎｓ ｎｏｔ ｂｌａｃｋ", RELEVANT_TEXT_SIMILARITY)
            == rec.text_relevant("jeans not black", RELEVANT_TEXT_SIMILARITY)).all()
    # The catalogue page's word search too: "ｎｏｔ" was a word no product has, so nothing was found.
    kind = rec.items["articleType"].value_counts().index[0].lower()
    plain = rec.browse(q=f"{kind} not black", limit=10_000)
    assert plain[0] > 0 and all(p["baseColour"] != "Black" for p in plain[1])
    assert rec.browse(q=f"{kind} ｎｏｔ ｂｌａｃｋ", limit=10_000) == plain


def test_results_show_one_of_two_listings_with_the_same_photo(tmp_path):
    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    src = _some_id(r, articleType="Tshirts")
    image = Image.open(r.image_path(src))
    twin = r.add_product(image, {"productDisplayName": "The same T-shirt listed again"})
    _, recs = r.similar_to_image(image, k=6)
    ids = [x.id for x in recs]
    assert len(ids) == 6 and len({src, twin} & set(ids)) == 1
    vecs = np.stack([r.vector(i) for i in ids])
    assert (np.triu(vecs @ vecs.T, 1) <= 0.995).all()      # no two results are the same photo
    same = r.add_product(image, {k: r.item(src)[k] for k in ("productDisplayName", "gender", "articleType",
                                                              "baseColour", "usage")})
    found = [x.id for x in r.search_text(r.item(src)["productDisplayName"], k=5)]
    assert len(found) == 5 and len({src, twin, same} & set(found)) == 1   # text search too


def test_complete_the_look_for_personal_care_is_a_routine_not_an_outfit(tmp_path, monkeypatch):
    import fashionrec.outfits as outfits

    r, image = _scratch(tmp_path)
    meta = {"gender": "Men", "masterCategory": "Personal Care", "usage": "Casual", "baseColour": "White"}
    deo = r.add_product(image, {**meta, "productDisplayName": "Deo", "subCategory": "Fragrance",
                                "articleType": "Deodorant"}, allow_new_values=True)   # the fixture has none
    cream = r.add_product(image.rotate(90, expand=True), {
        **meta, "productDisplayName": "Cream", "subCategory": "Skin Care", "articleType": "Face Moisturisers"},
        allow_new_values=True)
    recs = r.complete_the_look(deo, k=4)
    assert [x.id for x in recs] == [cream]          # no T-shirt or jeans for a deodorant
    # ... and no colour talk: a deodorant's colour says nothing about the cream.
    assert recs[0].reason == "Skin care to go with the casual men's fragrance" and recs[0].slot == "Skin Care"
    # Make-up by the names a shopper uses, not the catalogue's "Eyes" and "Lips".
    lips = r.add_product(image, {**meta, "gender": "Women", "productDisplayName": "Lipstick", "subCategory": "Lips",
                                 "articleType": "Lipstick", "baseColour": "Red"}, allow_new_values=True)
    eyes = r.add_product(image.rotate(180), {**meta, "gender": "Women", "productDisplayName": "Kajal",
                                             "subCategory": "Eyes", "articleType": "Kajal and Eyeliner",
                                             "baseColour": "Black"}, allow_new_values=True)
    look = r.complete_the_look(lips, k=4)
    assert [x.id for x in look] == [eyes] and look[0].slot == "Eyes"
    assert look[0].reason.startswith("Eye make-up to go with the casual women's lip make-up")
    # A look belongs to the product, not only to its kind: two lipsticks, each with the eye product whose
    # photo is its own, get different looks (before, the more typical one went with both).
    photos = [Image.open(r.image_path(int(i))) for i in r.items["id"].iloc[[3, 40]]]
    women = {**meta, "gender": "Women", "subCategory": "Lips", "articleType": "Lipstick", "baseColour": "Red"}
    # (Not the catalogue's very photos, whose products' labels a copy takes where not given: the tagger's reading of
    # them, as of the eye products' photos.)
    sticks = [r.add_product(p.rotate(3, fillcolor="white"), {**women, "productDisplayName": f"Lipstick {j}"})
              for j, p in enumerate(photos)]
    eye = {**women, "subCategory": "Eyes", "articleType": "Kajal and Eyeliner"}
    kajals = [r.add_product(p.transpose(Image.FLIP_LEFT_RIGHT), {**eye, "productDisplayName": f"Kajal {j}"})
              for j, p in enumerate(photos)]
    # The fixture's tiny tagger puts these photos within 0.015 of each other, under the near-ties' window:
    # the affinity term alone decides here.
    monkeypatch.setattr(outfits, "LOOK_TIE", 0.0)
    for stick, kajal in zip(sticks, kajals, strict=True):
        assert [x.id for x in r.complete_the_look(stick, k=4) if x.slot == "Eyes"] == [kajal]


def test_saving_never_overwrites_an_index_rebuilt_meanwhile(tmp_path):
    d = index_copy(tmp_path / "index", "faiss")
    server = Recommender.load(d, tiny_tagger_path())           # a running `fashionrec serve`
    cat = fixture_catalog()
    fewer = dataclasses.replace(cat, table=cat.table.iloc[:60].copy())      # the catalogue changed: rebuilt
    Recommender.build(fewer, Tagger.load(tiny_tagger_path()), d, progress=False, allow_shrink=True)
    rebuilt = len(Recommender.load(d, tiny_tagger_path()))
    image = Image.open(server.image_path(int(server.items["id"].iloc[0])))
    with pytest.raises(VectorIndexError, match="changed on disk since it was loaded"):
        server.add_product(image, {"productDisplayName": "added by the stale server"})
    assert len(Recommender.load(d, tiny_tagger_path())) == rebuilt


def test_two_processes_adding_to_one_folder_take_turns_and_the_one_refused_deletes_nothing(tmp_path, monkeypatch):
    # A code review's trial: two loads of one folder (a server and `index add`) adding at once both took the next
    # id; the one refused on saving took its photo back out, which was the other's: that product had none.
    import threading

    from filelock import FileLock

    import fashionrec.catalogue_edits as edits

    d = index_copy(tmp_path / "index", "faiss")
    one, two = (Recommender.load(d, tiny_tagger_path()) for _ in range(2))
    photo = Image.open(one.image_path(_some_id(one, articleType="Tshirts")))
    meta = {"gender": "Men", "articleType": "Tshirts", "baseColour": "Blue"}
    got: dict[str, object] = {}

    def add(name, r, image):
        try:
            got[name] = r.add_product(image, {**meta, "productDisplayName": name})
        except VectorIndexError as e:
            got[name] = e

    # Each thread its own photo, made before they start (PIL loads a lazily opened file in one thread only).
    threads = [threading.Thread(target=add, args=(n, r, photo.rotate(a, fillcolor="white")))
               for n, r, a in (("one", one, 5), ("two", two, -5))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    added = [v for v in got.values() if isinstance(v, int)]
    refused = [v for v in got.values() if isinstance(v, ChangedOnDiskError)]
    assert len(added) == len(refused) == 1, got
    assert (d / "images" / f"{added[0]}.jpg").is_file()
    assert added[0] in Recommender.load(d, tiny_tagger_path())._row
    # One that cannot get its turn says who holds it and what to do.
    monkeypatch.setattr(edits, "CHANGE_WAIT_S", 0.2)
    fresh = Recommender.load(d, tiny_tagger_path())
    with FileLock(d / edits.CHANGE_LOCK), pytest.raises(ChangedOnDiskError, match="another process has been"):
        fresh.add_product(photo.rotate(9, fillcolor="white"), meta)
    # A folder this process cannot write is said as such (a 500 from the API otherwise).
    if Path("/proc").is_dir():
        with pytest.raises(VectorIndexError, match="cannot change the index in /proc/nope"), \
                edits.changing_folder(Path("/proc/nope")):
            pass
    # An id past int64 is refused before anything is written (it crashed, leaving its photo behind).
    before = sorted(p.name for p in (d / "images").iterdir())
    with pytest.raises(BadInputError, match="up to 9223372036854775807"):
        fresh.add_product(photo, {**meta, "id": 2**63})
    assert sorted(p.name for p in (d / "images").iterdir()) == before
    # The largest id given: the next one would overflow int64 (an OverflowError, a 500 on every later add, since
    # ids are never handed out again; a review). Said, with what to do; an id given still goes in.
    last = fresh.add_product(photo.rotate(12, fillcolor="white"), {**meta, "id": 2**63 - 1})
    with pytest.raises(ConflictError, match="no id is left above 9223372036854775807.*give the new product an id"):
        fresh.add_product(photo.rotate(15, fillcolor="white"), meta)
    assert last == 2**63 - 1 and fresh.add_product(photo.rotate(15, fillcolor="white"), {**meta, "id": 77}) == 77


def test_a_damaged_index_folder_is_named_with_what_to_do(tmp_path):
    # A trial's tracebacks: a manifest holding [] (AttributeError), a garbage id row in items.csv (ValueError), and
    # a file given as the index (NotADirectoryError).
    from fashionrec.errors import DamagedFileError

    d = index_copy(tmp_path / "index", "faiss")
    items = (d / "items.csv").read_text()
    (d / "items.csv").write_text(items.replace("\n", "\ngarbage" + "," * items.split("\n")[0].count(",") + "\n", 1))
    with pytest.raises(DamagedFileError, match="ids that are no whole numbers \\(garbage\\)"):
        Recommender.load(d, tiny_tagger_path())
    (d / "manifest.json").write_text("[]")
    with pytest.raises(DamagedFileError, match="not an index manifest"):
        Recommender.load(d, tiny_tagger_path())
    with pytest.raises(VectorIndexError, match="is a file, not an index folder"):
        Recommender.load(d / "items.csv", tiny_tagger_path())
    with pytest.raises(BadInputError, match="give the index folder as a path"):
        Recommender.load(None)


def test_an_added_products_labels_are_text_and_its_id_a_whole_number(tmp_path):
    # A trial from Python: gender 5 went into items.csv (the text "5" was refused), id 2.9 became 2, True 1.
    r, photo = _scratch(tmp_path)
    for meta, said in (({"gender": 5}, "gender must be text, got 5"), ({"baseColour": 3.5}, "baseColour must be text"),
                       ({"id": 2.9}, "id must be a whole number, got 2.9"), ({"id": True}, "whole number, got True")):
        with pytest.raises(BadInputError, match=said):
            r.add_product(photo, meta)
    with pytest.raises(BadInputError, match="metadata is a dict"):
        r.add_product(photo, ["x"])
    assert r.add_product(photo.rotate(7, fillcolor="white"), {"id": 9_000_001.0, "gender": "Men"}) == 9_000_001


def test_an_added_product_never_takes_the_id_of_a_row_the_index_left_out(tmp_path):
    # `index add` gave out 900005, the id of a styles.csv row rejected for its missing fields: once the row was
    # fixed, the rebuild replaced the added product with it.
    cat = fixture_catalog()
    table = cat.table.iloc[:40].copy()
    short = RejectedRow(999, "4 fields instead of 10", "900005,Men,Apparel,Topwear", "900005")
    report = dataclasses.replace(cat.report, rows_rejected=[*cat.report.rows_rejected, short])
    d = tmp_path / "index"
    r = Recommender.build(dataclasses.replace(cat, table=table, report=report), Tagger.load(tiny_tagger_path()), d,
                          progress=False)
    assert r.manifest["rejected_rows"]["900005"] == "line 999: 4 fields instead of 10"
    with pytest.raises(NotFoundError, match=r"900005 .*rejected \(line 999: 4 fields instead of 10\); fix the row"):
        r.similar(900005)
    photo = Image.open(r.image_path(int(r.items["id"].iloc[0])))
    r = Recommender.load(d, tiny_tagger_path())
    assert r.add_product(photo, {"productDisplayName": "Acme Tee"}, allow_new_values=True) == 900006
    # A row left out for its photo, past every indexed id, is not given out either.
    late = int(table["id"].max())
    d2 = tmp_path / "index2"
    r2 = Recommender.build(dataclasses.replace(cat, table=table.assign(image_status=np.where(
        table["id"] == late, "missing", table["image_status"]))), Tagger.load(tiny_tagger_path()), d2, progress=False)
    assert late not in set(r2.items["id"]) and r2.add_product(photo, {"productDisplayName": "Acme Tee"},
                                                              allow_new_values=True) > late


@pytest.mark.parametrize("written", ["full", "generation"])
def test_a_save_that_fails_part_way_leaves_the_previous_folder_whole(tmp_path, monkeypatch, dead_pid, written):
    import fashionrec.recommend as recommend_module

    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    n = len(r)
    # In full: the second array (text embeddings) does not fit; as a generation (stop 65, index_delta): its arrays.
    writer, fails_at = ("save", 2) if written == "full" else ("savez", 1)
    real_save, calls = getattr(np, writer), []

    def full_disk(f, *a, **k):
        calls.append(1)
        if len(calls) == fails_at:
            raise OSError(28, "No space left on device")
        return real_save(f, *a, **k)

    if written == "full":
        monkeypatch.setattr(recommend_module, "delta_of", lambda *a: None)
    monkeypatch.setattr(recommend_module.np, writer, full_disk)
    manifest = dict(r.manifest)
    # Said as such, naming the folder (a full disk was a 500 from the API: an operator's trial); still an OSError.
    with pytest.raises(OSError, match=f"cannot save the index in {d}: no space left on its disk"):
        r.add_product(Image.open(r.image_path(int(r.items["id"].iloc[0]))), {"productDisplayName": "x"})
    assert r.manifest == manifest and len(r) == n          # the object as it was, as the folder is
    gone = int(r.items["id"].iloc[1])
    calls.clear()
    with pytest.raises(OSError, match="no space left"):
        r.remove_product(gone)
    assert r.manifest == manifest and gone in set(r.items["id"]) and len(r) == n
    monkeypatch.undo()
    again = Recommender.load(d, tiny_tagger_path())
    assert len(again) == n and not list(d.glob(".staging.*"))
    # A save killed outright (no finally) leaves its staging folder; the next save clears it.
    killed = d / f".staging.{_host()}.{dead_pid}.abc"
    killed.mkdir()
    (killed / "embeddings.npy").write_bytes(b"half")
    hours_ago = time.time() - 2 * ABANDONED_AFTER_S
    os.utime(killed, (hours_ago, hours_ago))
    r.add_product(Image.open(r.image_path(int(r.items["id"].iloc[1]))), {"productDisplayName": "y"})
    assert len(Recommender.load(d, tiny_tagger_path())) == n + 1   # the same object saves fine afterwards
    assert not list(d.glob(".staging.*"))


def test_an_added_product_is_stored_as_the_catalogue_spells_it(tmp_path):
    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    image = Image.open(r.image_path(_some_id(r, articleType="Jeans")))
    new = r.add_product(image, {"productDisplayName": " Sloppy jeans ", "gender": "men ", "articleType": "jeans"})
    item = r.item(new)
    assert (item["productDisplayName"], item["gender"], item["articleType"]) == ("Sloppy jeans", "Men", "Jeans")
    # The levels above the type follow the type, not the tagger's separate guesses.
    assert (item["subCategory"], item["masterCategory"]) == ("Bottomwear", "Apparel")
    assert new in {x["id"] for x in r.browse({"gender": "Men", "articleType": "Jeans"}, limit=1000)[1]}


def test_facets_count_what_each_value_would_leave_given_the_other_choices(rec):
    items = rec.items
    women = items[items["gender"] == "Women"]
    facets = rec.facets({"gender": "Women"})
    assert facets["articleType"] == women["articleType"].value_counts().to_dict()
    assert facets["gender"] == items["gender"].value_counts().to_dict()     # its own key: the other filters only
    some_type = women["articleType"].iloc[0]
    both = rec.facets({"gender": "Women", "articleType": some_type}, q="women")
    assert sum(both["baseColour"].values()) == rec.browse({"gender": "Women", "articleType": some_type}, q="women")[0]


def test_k_is_bounded_for_every_recommendation(rec: Recommender) -> None:
    from fashionrec.results import MAX_K

    item = int(rec.items["id"].iloc[0])
    calls = [lambda k: rec.similar(item, k=k), lambda k: rec.search_text("black shoes", k=k),
             lambda k: rec.complete_the_look(item, k=k), lambda k: rec.for_profile([item], k=k)]
    for call in calls:
        # 2.5 and "5" were a TypeError from slicing (or 3 results), True one result (a Python user's trial).
        for k in (0, MAX_K + 1, 100_000, 2.5, "5", None, True):
            with pytest.raises(BadInputError, match=f"whole number between 1 and {MAX_K}"):
                call(k)
    assert len(rec.similar(item, k=MAX_K)) == min(MAX_K, len(rec) - 1)
    assert len(rec.similar(item, k=np.int64(3))) == 3


def test_a_python_caller_may_give_a_photo_and_ids_as_it_has_them(rec: Recommender, tmp_path) -> None:
    # A path, bytes, a file object or an array was "needs a PIL image" (or an AttributeError from the tagger);
    # one id alone where a list is taken was "'int' object is not iterable" (a Python user's trial).
    import io

    from fashionrec.errors import NotFoundError

    item = _some_id(rec, articleType="Tshirts")
    path = rec.image_path(item)
    photo = Image.open(path).convert("RGB")
    expected = [r.id for r in rec.similar_to_image(photo, k=3)[1]]
    for given in (str(path), Path(path), path.read_bytes(), io.BytesIO(path.read_bytes()), np.asarray(photo)):
        assert [r.id for r in rec.similar_to_image(given, k=3)[1]] == expected
    assert rec.tagger.predict(np.asarray(photo)) == rec.tagger.predict([path]) == rec.tagger.predict(path.read_bytes())
    assert rec.tagger.embed(str(path)).shape == (1, rec.embeddings.shape[1])
    for bad, said in ((123, "not int"), (np.zeros((8, 8), np.float32), "uint8"), (tmp_path / "none.jpg", "no file")):
        with pytest.raises(BadInputError, match=said):
            rec.similar_to_image(bad)
    with Image.open(path) as closed:
        pass
    with pytest.raises(BadInputError, match="closed"):      # a bare AssertionError from PIL
        rec.similar_to_image(closed)
    with pytest.raises(BadInputError, match="top must be"):
        rec.tagger.predict(path, top=0)
    # One photo's float pixels are one photo, said to want uint8 (read as 80 photos of one row each, "photo 1 of
    # 80 ... not float32 (60, 3)": a Python user's trial).
    for pixels in (np.asarray(photo).astype(np.float32), np.asarray(photo).astype(np.uint16)):
        with pytest.raises(BadInputError, match=rf"cannot tag photo 1 of 1: .* not {pixels.dtype} "
                                                rf"{re.escape(str(pixels.shape))}"):
            rec.tagger.predict(pixels)
    # An array of paths is a list of photos, numpy's integers count (a review: both were refused).
    paths = rec.items["image_path"].to_numpy()[:3]
    assert len(rec.tagger.predict(paths, top=np.int64(2))) == 3
    # A photo opened by the caller is damaged, not closed, where its bytes are cut short; and turned as its
    # camera said, as a path is.
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(path.read_bytes()[:len(path.read_bytes()) * 2 // 3])
    with pytest.raises(BadInputError, match="damaged or incomplete"):
        rec.similar_to_image(Image.open(cut))
    turned = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6                     # "rotate 90 degrees to show"
    photo.resize((300, 400)).save(turned, exif=exif)
    as_path, as_pil = rec.tagger.embed([turned, Image.open(turned)])
    assert float(as_path @ as_pil) > 0.9999
    assert [r.id for r in rec.for_profile(item, k=3)] == [r.id for r in rec.for_profile([item], k=3)]
    assert rec.known_liked(item) == ([item], [])
    # Ids as text (from JSON) as for_profile reads them: "9646" was said to be unknown here (a Python user's trial).
    assert rec.known_liked([str(item), 99999999, item]) == ([item], [99999999])
    # `in` reads an id as similar() does ("15970" in rec was False, a Python user's trial), and no id is no product.
    assert str(item) in rec and np.int64(item) in rec and float(item) in rec
    assert "99999999" not in rec and "abc" not in rec and None not in rec and item + 0.5 not in rec
    with pytest.raises(BadInputError, match="integer, got 'abc'"):
        rec.known_liked(["abc"])
    with pytest.raises(BadInputError, match="integer, got 1.5"):        # it was read as 1
        rec.similar(1.5)
    for odd in (np.bool_(True), np.float32(1.5)):
        with pytest.raises(BadInputError, match="must be an integer"):
            rec.similar(odd)
    assert [r.id for r in rec.for_profile(np.array(item), k=3)] == [r.id for r in rec.for_profile([item], k=3)]
    with pytest.raises(BadInputError, match="a string, not int"):      # "the text query is empty"
        rec.search_text(123)
    with pytest.raises(BadInputError, match="empty: search for words such as"):     # what to type (stop 65)
        rec.search_text("  ")
    # The library's errors are the builtin kinds too, for a caller's own except clauses.
    with pytest.raises(ValueError):
        rec.similar(item, k=0)
    with pytest.raises(LookupError):
        rec.similar(10 ** 9)
    assert issubclass(NotFoundError, LookupError)


def test_many_listings_of_one_photo_still_leave_k_results(tmp_path):
    # More copies of one photo than the spare candidates: the search must fetch further, not come up short.
    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    src = _some_id(r, articleType="Tshirts")
    image = Image.open(r.image_path(src))
    for n in range(15):
        r.add_product(image, {"productDisplayName": f"T-shirt copy {n}"})
    near = r.similar(src, k=1)[0].id                 # its copies are now among this item's neighbours
    for recs in (r.similar_to_image(image, k=8)[1], r.similar(near, k=8), r.similar(near, k=8, diversity=0.5)):
        assert len(recs) == 8
        vecs = np.stack([r.vector(x.id) for x in recs])
        assert (np.triu(vecs @ vecs.T, 1) <= 0.995).all()


def test_a_build_over_another_catalogues_index_keeps_its_added_products_where_they_are(tmp_path, caplog):
    # An ML engineer's trial: building a second shop into the default runs/index, which held the first shop's
    # index and five products added to it, moved those five into the second shop's index without a word.
    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    image = Image.open(r.image_path(_some_id(r, articleType="Handbags"))).transpose(Image.FLIP_LEFT_RIGHT)
    added = r.add_product(image, {"productDisplayName": "Mirrored bag", "gender": "Women"})
    shop = tmp_path / "shop"
    shutil.copytree(fixture_catalog().root, shop)
    tagger = Tagger.load(tiny_tagger_path())
    moved = Recommender.build(load_catalog(shop, progress=False), tagger, d, progress=False)    # moved, same rows
    assert moved.manifest["kept_added_ids"] == [added]
    lines = (shop / "styles.csv").read_text().splitlines()
    (shop / "styles.csv").write_text("\n".join(lines[:60]) + "\n")       # now another shop's
    other = tmp_path / "other"
    shutil.copytree(shop, other)
    said = rf"another catalogue \({shop.resolve()}\) and holds 1 product added.*{added}"
    with pytest.raises(BadInputError, match=said):
        Recommender.build(load_catalog(other, progress=False), tagger, d, progress=False)
    assert Recommender.load(d, tiny_tagger_path()).item(added)["productDisplayName"] == "Mirrored bag"   # untouched
    Recommender.load(d, tiny_tagger_path()).remove_product(added)
    with caplog.at_level("WARNING"):
        again = Recommender.build(load_catalog(other, progress=False), tagger, d, progress=False, allow_shrink=True)
    assert "was the index of another catalogue" in caplog.text
    assert "left_catalogue_ids" not in again.manifest      # the other catalogue's products never were this one's
    # A manifest that cannot be read is said so, not passed over (it would hide which catalogue it was).
    from fashionrec.index_build import _check_same_catalogue, _replaced_manifest

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    with caplog.at_level("WARNING"):
        _check_same_catalogue(broken, _replaced_manifest(broken), load_catalog(other, progress=False), [])
    assert f"cannot read which catalogue {broken} was the index of" in caplog.text


def test_a_build_that_carries_nothing_over_shows_no_carrying_bar(tmp_path, capsys, monkeypatch):
    # Every `index build` printed an empty "carrying over: 0product" bar (stop 68's scale-out trial).
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    rec = Recommender.load(index_copy(tmp_path / "index"), tiny_tagger_path())
    assert rec.carry_over([], progress=True) == []
    assert "carrying over" not in capsys.readouterr().err


def test_a_rebuild_carries_added_products_over_without_building_the_vocabulary_for_each(tmp_path, monkeypatch):
    # Each product carried over threw the vocabulary and value tables away, and the next one's name was read with them
    # built again: 38 of the 66 s that 247 carried products took on a 1,331-product index (a scale-out trial).
    from fashionrec.text_search import TextSearch

    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    src = _some_id(r, articleType="Handbags")
    image = Image.open(r.image_path(src))
    new_ids = [r.add_product(image.rotate(angle), {"productDisplayName": f"Women Black Handbag {n}", "gender": "Women"})
               for n, angle in enumerate((1, 2, 3, 4, 5))]
    built, words = [], []
    real, real_words = TextSearch._build_vocabulary, TextSearch._build_words
    monkeypatch.setattr(TextSearch, "_build_vocabulary", lambda self: built.append(1) or real(self))
    monkeypatch.setattr(TextSearch, "_build_words", lambda self: words.append(1) or real_words(self))
    again = Recommender.build(fixture_catalog(), Tagger.load(tiny_tagger_path()), d, progress=False)
    assert again.manifest["kept_added_ids"] == new_ids
    assert [again.item(i)["productDisplayName"] for i in new_ids] == [f"Women Black Handbag {n}" for n in range(5)]
    assert len(again.embeddings) == len(again.text_embeddings) == len(again.index) == len(r.items)
    assert len(built) <= 2, len(built)        # for the first product's name (5 before: once a product)
    # Nor the word search's tables (its brand table): a carried product's labels are all given, so its name fills
    # none (built for each, 0.7 s of each of 258 products, since stop 64 not at all).
    assert words == [], len(words)
    monkeypatch.undo()
    loaded = Recommender.load(d, tiny_tagger_path())
    assert np.array_equal(loaded.embeddings, again.embeddings)
    assert loaded.items["id"].tolist() == again.items["id"].tolist()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_rebuild_carries_added_products_over_in_batches_as_one_at_a_time(tmp_path, monkeypatch, backend):
    # Carried over one at a time, 258 products took 323 of a 365 s rebuild of 1,331 (cProfile, stop 64): now their
    # photos are tagged in batches and their texts embedded in one. The ids, vectors, labels, photos, manifest and
    # vector index are what carrying them one at a time made.
    import fashionrec.catalogue_edits as edits

    first = index_copy(tmp_path / "batched", "faiss")      # a copy of a FAISS folder is whole (a Milvus one's shares
    #                                                        its collection); each is rebuilt into ``backend``
    r = Recommender.load(first, tiny_tagger_path())
    bag = Image.open(r.image_path(_some_id(r, articleType="Handbags")))
    shirt = Image.open(r.image_path(_some_id(r, articleType="Tshirts")))
    added = [r.add_product(bag.rotate(angle), {"productDisplayName": f"Women Black Handbag {n}", "gender": "Women"})
             for n, angle in enumerate((1, 2, 3, 4, 5))]
    added.append(r.add_product(shirt.transpose(Image.FLIP_LEFT_RIGHT), {"productDisplayName": "Men Mirrored Tee"}))
    added.append(r.add_product(shirt.transpose(Image.FLIP_LEFT_RIGHT)))    # the photo of the one before it
    added.append(r.add_product(bag.rotate(90, expand=True), {"productDisplayName": "Turned bag"}))
    added += [r.add_product(shirt.rotate(angle), {"productDisplayName": f"Plain Tee {n}"})
              for n, angle in enumerate((-1, -2, -3))]
    removed = added.pop(2)
    r.remove_product(removed)
    second = tmp_path / "one_at_a_time"
    shutil.copytree(first, second)
    tagger = Tagger.load(tiny_tagger_path())

    def one_at_a_time(self, carried, progress=False):
        """How a rebuild carried products over before stop 64."""
        ids = [self.add_product(image, metadata, allow_new_values=True, save=False, quiet=True, source_file=photo,
                                carried_over=True) for metadata, image, photo in carried]
        if ids:
            with self.lock.write():
                self._reindex()
                self.embeddings, self.text_embeddings = self.embeddings.copy(), self.text_embeddings.copy()
        return ids

    monkeypatch.setattr(Recommender, "carry_over", one_at_a_time)
    want = Recommender.build(fixture_catalog(), tagger, second, progress=False, backend=backend)
    monkeypatch.undo()
    monkeypatch.setattr(edits, "CARRY_BATCH", 4)        # batches end part-way through the products
    got = Recommender.build(fixture_catalog(), tagger, first, progress=False, backend=backend)
    assert got.manifest["kept_added_ids"] == want.manifest["kept_added_ids"] == added
    assert got.items["id"].tolist() == want.items["id"].tolist()
    pd.testing.assert_frame_equal(got.items.drop(columns="image_path"), want.items.drop(columns="image_path"),
                                  check_exact=False, rtol=0, atol=1e-5)
    assert np.abs(got.embeddings - want.embeddings).max() < 1e-5
    assert np.abs(got.text_embeddings - want.text_embeddings).max() < 1e-5
    for i in added:
        assert got.image_path(i).read_bytes() == want.image_path(i).read_bytes()
        assert [x.id for x in got.similar(i, k=5)] == [x.id for x in want.similar(i, k=5)]
    volatile = ("date", "updated", "build_id", "build_seconds", "data_dir")
    assert {k: v for k, v in got.manifest.items() if k not in volatile} == \
        {k: v for k, v in want.manifest.items() if k not in volatile}
    loaded = Recommender.load(first, tiny_tagger_path())
    assert len(loaded.index) == len(loaded.items) == len(want.items)
    assert np.array_equal(loaded.text_embeddings, got.text_embeddings)


def test_a_rebuild_keeps_added_products_and_never_deletes_a_folder_that_is_not_an_index(tmp_path, fixture_dir,
                                                                                         monkeypatch):
    from fashionrec.errors import FashionrecError

    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    src = _some_id(r, articleType="Handbags")
    image = Image.open(r.image_path(src)).transpose(Image.FLIP_LEFT_RIGHT)
    # Its id given as the shop writes it (stop 69): kept through the rebuild as the catalogue's are.
    new_id = r.add_product(image, {"productDisplayName": "Mirrored bag", "gender": "Women", "id": "0990001"})
    assert (new_id, r.item(new_id)["id_as_written"]) == (990001, "0990001")
    tagger = Tagger.load(tiny_tagger_path())
    again = Recommender.build(fixture_catalog(), tagger, d, progress=False)
    assert len(again) == len(r) and again.item(new_id)["productDisplayName"] == "Mirrored bag"
    assert again.manifest["ids_as_written"] == {"990001": "0990001"}
    assert again.item(new_id)["gender"] == "Women" and again.image_path(new_id).is_file()
    assert again.manifest["kept_added_ids"] == [new_id]
    assert again.similar_to_image(image, k=1)[1][0].id == new_id
    # Carried over by this build, not added since it (a trial read "1 product added" right after a rebuild).
    said = " ".join(CliRunner().invoke(app, ["index", "check", str(d), "--model", str(tiny_tagger_path())])
                    .output.split())
    assert f"holds 1 product added to the index it replaced (ids {new_id}), carried over" in said, said
    assert "changed since" not in said
    # The probabilities written as a build writes them (float32's digits): carried over, every one had 16 or 17
    # (items.csv 10.4 -> 12.7 MB at 40k, an operator's trial).
    written = pd.read_csv(d / "items.csv", dtype=str)
    probs = written[[c for c in written if c.endswith("_prob")]].stack()
    assert probs.str.split("e").str[0].str.replace(".", "").str.lstrip("0-").str.len().max() <= 9
    # While another process changes the folder, the rebuild waits for it before it reads the added products
    # (one a server added meanwhile was lost, a code review), and says so when it waits too long.
    from filelock import FileLock

    import fashionrec.catalogue_edits as edits

    monkeypatch.setattr(edits, "CHANGE_WAIT_S", 0.2)
    with FileLock(d / edits.CHANGE_LOCK), pytest.raises(ChangedOnDiskError, match="another process has been"):
        Recommender.build(fixture_catalog(), tagger, d, progress=False)
    assert Recommender.load(d, tiny_tagger_path()).manifest["build_id"] == again.manifest["build_id"]
    monkeypatch.undo()
    # An id handed out and then removed stays used after a rebuild too.
    gone = again.add_product(image.rotate(180), {"productDisplayName": "Bag sold out"})
    again.remove_product(gone)
    rebuilt = Recommender.build(fixture_catalog(), tagger, d, progress=False)
    assert rebuilt.manifest["highest_id"] == gone and gone not in rebuilt._row
    assert rebuilt.add_product(image.rotate(270), {"productDisplayName": "Next bag"}) == gone + 1
    rebuilt.remove_product(gone + 1)
    again = Recommender.load(d, tiny_tagger_path())
    # A re-add that fails part-way leaves the previous index whole, its added products included.
    second = again.add_product(image.rotate(90, expand=True), {"productDisplayName": "Turned bag"})
    calls = []
    real = Recommender._add_product     # as the rebuild carries products over (Recommender.carry_over)

    def fail_second(self, *a, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return real(self, *a, **kw)

    monkeypatch.setattr(Recommender, "_add_product", fail_second)
    with pytest.raises(OSError, match="No space"):
        Recommender.build(fixture_catalog(), tagger, d, progress=False)
    monkeypatch.undo()
    kept = Recommender.load(d, tiny_tagger_path())
    assert {new_id, second} <= set(kept.items.index) and kept.image_path(second).is_file()
    # --out at the catalogue itself, at any folder of other files, or at an embeddings folder: refused.
    from fashionrec.batch_embed import embed_catalog_to_parquet

    catalogue = tmp_path / "catalogue"
    shutil.copytree(fixture_dir, catalogue)
    before = sorted(p.name for p in catalogue.rglob("*"))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "notes.txt").write_text("keep me")
    embeddings = tmp_path / "embeddings"
    embed_catalog_to_parquet(fixture_catalog(), tiny_tagger_path(), embeddings, progress=False)
    for out in (catalogue, notes, embeddings):
        with pytest.raises(FashionrecError, match="is not a fashionrec index"):
            Recommender.build(fixture_catalog(), tagger, out, progress=False)
    assert sorted(p.name for p in catalogue.rglob("*")) == before
    assert (notes / "notes.txt").read_text() == "keep me" and (embeddings / "manifest.json").is_file()
    # ... and embeddings written over an index: refused too (both have a manifest.json).
    with pytest.raises(FashionrecError, match="is not a fashionrec embeddings folder"):
        embed_catalog_to_parquet(fixture_catalog(), tiny_tagger_path(), d, progress=False)
    assert (d / "vectors.json").is_file()


def test_cli_index_add_makes_a_product_searchable(tmp_path):
    import json

    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    src = _some_id(r, articleType="Handbags")
    photo = tmp_path / "bag.png"
    Image.open(r.image_path(src)).transpose(Image.FLIP_LEFT_RIGHT).save(photo)
    run = lambda *a: CliRunner().invoke(app, ["index", "add", str(photo), "--index", str(d), *a])  # noqa: E731
    res = run("--name", "Mirrored tote", "--gender", "women", "--json")
    assert res.exit_code == 0, res.output
    added = json.loads(res.stdout)     # warnings go to stderr
    assert added["item"]["productDisplayName"] == "Mirrored tote" and added["item"]["gender"] == "Women"
    assert Recommender.load(d, tiny_tagger_path()).browse(q="mirrored tote")[0] == 1
    typo = run("--name", "Tote", "--article-type", "Handbagz")
    assert typo.exit_code == 2 and "did you mean 'Handbags'" in typo.output.replace("\n", " ")
    # Every such value at once ("Mens" and "Bleu" took two round trips, an operator's trial).
    both = " ".join(run("--name", "Tote", "--article-type", "Handbagz", "--gender", "Womn").output.split())
    assert "no product has gender 'Womn' (did you mean 'Women'?); no product has articleType 'Handbagz' (did you " \
        "mean 'Handbags'?). A new value needs allow_new_values" in both, both
    # A new type says nothing of its categories: the tagger's guesses are said to be guesses (a "Bomber Jacket"
    # went in as Accessories / Watches without a word); its year stays a whole year in items.csv, not 2013.0.
    newtype = run("--name", "Tote", "--article-type", "Handbagz", "--new-values", "--year", "2013")
    said = " ".join(newtype.output.split())
    assert newtype.exit_code == 0 and "articleType 'Handbagz' is new to this index" in said, said
    assert "masterCategory" in said and "are the tagger's guesses from its photo" in said
    # (As a generation's row since stop 65: index_delta.)
    generation = (json.loads((d / "manifest.json").read_text()).get("delta") or {}).get("files", {})
    written = pd.concat([pd.read_csv(d / name, dtype=str) for name in ["items.csv", *generation]
                         if name.endswith(".csv")]).set_index("productDisplayName")
    assert written.at["Tote", "year"] == "2013"
    text = tmp_path / "note.jpg"
    text.write_text("not a photo")
    bad = CliRunner().invoke(app, ["index", "add", str(text), "--index", str(d)])
    said = " ".join(bad.output.split())
    assert bad.exit_code == 2 and "not a readable image" in said and said.count("note.jpg") == 1, said
    # Without --name, as in Python: a name made of its labels.
    unnamed = run("--gender", "Women", "--colour", "Black", "--article-type", "Handbags", "--json")
    assert unnamed.exit_code == 0, unnamed.output
    assert json.loads(unnamed.stdout)["item"]["productDisplayName"] == "Women Black Handbags"
    # index remove: every id checked before any goes; then gone from the folder.
    removing = ["index", "remove", "--index", str(d)]
    res = CliRunner().invoke(app, [*removing, str(added["id"]), "999999999"])
    assert res.exit_code == 2 and "no product 999999999" in res.output
    assert added["id"] in Recommender.load(d, tiny_tagger_path())._row
    res = CliRunner().invoke(app, [*removing, str(added["id"]), str(src)])
    assert res.exit_code == 0 and f"removed product {added['id']} from" in res.output, res.output
    left = Recommender.load(d, tiny_tagger_path())
    assert added["id"] not in left._row and src not in left._row and left.browse(q="mirrored tote")[0] == 0


def test_an_added_product_whose_id_the_catalogue_now_has_is_reported_not_silently_dropped(tmp_path, fixture_dir):
    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    src = _some_id(r, articleType="Handbags")
    new_id = r.add_product(Image.open(r.image_path(src)), {"productDisplayName": "My hand-added bag"})
    catalogue = tmp_path / "catalogue"
    shutil.copytree(fixture_dir, catalogue)
    with open(catalogue / "styles.csv", "a") as f:
        f.write(f"\n{new_id},Women,Accessories,Bags,Handbags,Black,Summer,2012,Casual,Catalogue bag\n")
    shutil.copy(r.image_path(src), catalogue / "images" / f"{new_id}.jpg")

    build = ["index", "build", str(catalogue), "--model", str(tiny_tagger_path()), "--out", str(d)]
    # Under another name it is another product under the shop's next id (an operator's re-trial lost a watch
    # added through the API so): refused, the index left as it was.
    res = CliRunner().invoke(app, build)
    assert res.exit_code != 0 and "'My hand-added bag' added, 'Catalogue bag' in styles.csv" in res.output
    assert Recommender.load(d, tiny_tagger_path()).item(new_id)["productDisplayName"] == "My hand-added bag"
    res = CliRunner().invoke(app, [*build, "--replace-added"])
    assert res.exit_code == 0, res.output
    assert f"(ids {new_id}) are now catalogue rows" in res.output.replace("\n", " ")
    again = Recommender.load(d, tiny_tagger_path())
    assert again.item(new_id)["productDisplayName"] == "Catalogue bag"
    assert again.manifest["added_ids_now_catalogue_rows"] == [new_id]
    assert len(again) == len(load_catalog(catalogue, progress=False).usable)
    # Under the same name it is the same product, moved into styles.csv: replaced without being asked.
    later = again.add_product(Image.open(r.image_path(src)), {"productDisplayName": "Moved Into The Catalogue"})
    with open(catalogue / "styles.csv", "a") as f:
        f.write(f"{later},Women,Accessories,Bags,Handbags,Black,Summer,2012,Casual,Moved into the  catalogue\n")
    shutil.copy(r.image_path(src), catalogue / "images" / f"{later}.jpg")
    res = CliRunner().invoke(app, build)
    assert res.exit_code == 0, res.output
    assert Recommender.load(d, tiny_tagger_path()).item(later)["productDisplayName"] == "Moved into the  catalogue"


def test_a_grown_ups_look_has_no_childrens_unisex_products(tmp_path):
    d = index_copy(tmp_path / "index", "faiss")
    r = Recommender.load(d, tiny_tagger_path())
    top = _some_id(r, subCategory="Topwear", gender="Women")
    shoes = r.complete_the_look(top, k=8)
    shoe = next(x for x in shoes if x.slot in ("Shoes", "Flip Flops", "Sandal"))
    # The same photo, filed as a children's unisex product: it would score like the chosen one.
    kids = r.add_product(Image.open(r.image_path(shoe.id)), {**{k: shoe.item[k] for k in (
        "masterCategory", "subCategory", "articleType", "baseColour", "usage", "season")},
        "gender": "Unisex", "productDisplayName": "Kids Unisex Tiny Sandals"})
    # ... and the only product left in that slot: before, the look took it.
    others = (r.items["subCategory"] == shoe.slot) & (r.items["id"] != kids)
    r.items.loc[others, "gender"] = "Boys"
    r._reindex()
    assert kids not in [x.id for x in r.complete_the_look(top, k=8)]
    # Every word for children that the search knows counts here too (a "Children's Red Cap" was let in).
    r.items.loc[r.items["id"] == kids, "productDisplayName"] = "Children's Unisex Tiny Sandals"
    r._reindex()
    assert kids not in [x.id for x in r.complete_the_look(top, k=8)]
    r.items.loc[r.items["id"] == kids, "productDisplayName"] = "Unisex Tiny Sandals"
    r._reindex()
    assert kids in [x.id for x in r.complete_the_look(top, k=8)]
    # Filed as a woman's but named for a child ("Palm Tree Kids Boys Check White Shorts" was filed as men's
    # and filled a men's shirt's look): left out too; a grown-up's name with "Girl" in it is not.
    for name, taken in (("Acme Kids Girl's Tiny Sandals", False), ("Guess Women Party Girl Sandals", True)):
        r.items.loc[r.items["id"] == kids, ["productDisplayName", "gender"]] = [name, "Women"]
        r._reindex()
        assert (kids in [x.id for x in r.complete_the_look(top, k=8)]) is taken, name


def test_a_childs_look_takes_only_childrens_products(tmp_path):
    r, photo = _scratch(tmp_path)
    add = _adding(r, photo, masterCategory="Footwear", subCategory="Shoes", articleType="Casual Shoes",
                  usage="Casual", season="Summer", baseColour="White", productDisplayName="X")

    dress = add(gender="Girls", masterCategory="Apparel", subCategory="Dress", articleType="Dresses",
                baseColour="Black")
    # Grown-ups' unisex shoes in the colour that goes best: before, a girl's dress took them.
    adults = add(gender="Unisex", baseColour="Red", productDisplayName="Vans Unisex Red Shoes")
    kids = add(gender="Unisex", baseColour="White", productDisplayName="Puma Kids Unisex White Shoes")
    boys = add(gender="Boys", baseColour="Red", productDisplayName="Boys Red Shoes")
    shoes = [x for x in r.complete_the_look(dress, k=8) if x.slot == "Shoes"]
    assert [x.id for x in shoes] == [kids]
    assert all(x.item["gender"] in ("Girls", "Unisex") and x.id not in (adults, boys)
               for x in r.complete_the_look(dress, k=8))
    # A child's product filed as the other child's, or named so, is not hers ("Quechua Kids-Girls Brown
    # Backpack" was in 38 of 40 boys' looks, "Madagascar 3 Infant Boys Blue Booties" in girls').
    r.items.loc[r.items["id"] == kids, "productDisplayName"] = "Puma Kids Boys White Shoes"
    r._reindex()
    assert kids not in {x.id for x in r.complete_the_look(dress, k=8)}
    r.items.loc[r.items["id"] == kids, ["productDisplayName", "gender"]] = ["Puma Kids White Shoes", "Boys"]
    r._reindex()
    assert kids not in {x.id for x in r.complete_the_look(dress, k=8)}
    r.items.loc[r.items["id"] == kids, ["productDisplayName", "gender"]] = ["Puma Kids Unisex White Shoes", "Unisex"]
    r._reindex()
    assert kids in {x.id for x in r.complete_the_look(dress, k=8)}
    # A baby's shoes are no older girl's (infant booties were a boy's shoes' socks; 111 of the catalogue's 1,302
    # children's looks took a baby's piece), and a baby's look takes them first.
    r.items.loc[r.items["id"] == kids, "productDisplayName"] = "Puma Infant Unisex White Shoes"
    r._reindex()
    assert kids not in {x.id for x in r.complete_the_look(dress, k=8)}
    romper = add(gender="Girls", masterCategory="Apparel", subCategory="Dress", articleType="Dresses",
                 baseColour="Black", productDisplayName="Girls Infant Romper")
    assert [x.id for x in r.complete_the_look(romper, k=8) if x.slot == "Shoes"] == [kids]
    r.items.loc[r.items["id"] == kids, "productDisplayName"] = "Puma Kids Unisex White Shoes"
    r._reindex()
    # A children's product the catalogue files as Unisex ("Levis Kids Blue Solid Jean") is a child's too.
    kids_jeans = add(gender="Unisex", masterCategory="Apparel", subCategory="Bottomwear", articleType="Jeans",
                     baseColour="Blue", productDisplayName="Levis Kids Blue Solid Jean")
    look = r.complete_the_look(kids_jeans, k=8)
    assert look and adults not in {x.id for x in look}
    assert all(x.item["gender"] in ("Boys", "Girls") or "Kids" in x.item["productDisplayName"]
               or (x.slot == "Bags" and x.card_reason.startswith("For anyone")) for x in look)   # GROWN_UP_STAND_INS
    # ... and no baby's, once a piece has taken a side (a kids' unisex shoe's look took a boy's top, then infant
    # booties: a review).
    side = r._childs_side(kids_jeans)       # a boy's or a girl's look, by its id (stop 74)
    tee = add(gender=side, masterCategory="Apparel", subCategory="Topwear", articleType="Tshirts",
              baseColour="White", productDisplayName=f"{side} White Tshirt")
    for shoes, name in ((boys, f"Madagascar Infant {side} Red Booties"), (kids, "Puma Infant Unisex White Shoes")):
        r.items.loc[r.items["id"] == shoes, "productDisplayName"] = name
    r._reindex()
    look = r.complete_the_look(kids_jeans, k=8)
    assert tee in {x.id for x in look}
    assert not any("Infant" in x.item["productDisplayName"] for x in look), [x.item for x in look]
    # Track pants, even filed as casual, take sports or casual shoes: no heels.
    pants = add(gender="Women", masterCategory="Apparel", subCategory="Bottomwear", articleType="Track Pants",
                baseColour="Black")
    heels = add(gender="Women", articleType="Heels", baseColour="Grey", productDisplayName="Women Grey Wedges")
    belt = add(gender="Women", masterCategory="Accessories", subCategory="Belts", articleType="Belts",
               baseColour="Grey", productDisplayName="Women Grey Belt")
    looks = r.complete_the_look(pants, k=8)
    assert heels not in {x.id for x in looks} and belt not in {x.id for x in looks}
    assert all(x.item["articleType"] in ("Sports Shoes", "Casual Shoes") for x in looks if x.slot == "Shoes")


def test_a_misspelt_search_gets_the_catalogues_spelling(rec):

    name = next(n for n in rec.items["productDisplayName"].dropna() if "Shirt" in n.split())
    assert rec.suggest("shirt") is None and rec.suggest("zzzzqqq") is None
    assert rec.suggest("shrit") == "shirt" and rec.suggest(f"blue {name.split()[0]}") is None
    assert rec.suggest("shirtt for men") in ("shirt for men", "shirts for men")    # one edit either way
    assert rec.suggest("shrit", confident=True) == "shirt"                          # two letters swapped
    # Safe to show instead of what was typed: one edit, not a short word's ("jeens": a suggestion only),
    # not a word that just extends another.
    assert rec.suggest("jeens") == "jeans" and rec.suggest("jeens", confident=True) is None
    assert rec.suggest("jeansy") == "jeans" and rec.suggest("jeansy", confident=True) is None
    # Three letters one short of a word are read as it, with the same first letter; not a word of its own.
    assert rec.suggest("blu") == "blue" and rec.suggest("gry shoes") == "grey shoes" and rec.suggest("gap") is None
    # Two words typed as one ("Bluejeans" found nothing and suggested nothing): split, safe to show instead.
    assert rec.suggest("bluejeans") == rec.suggest("bluejeans", confident=True) == "blue jeans"
    assert rec.suggest("jeans") is None and rec.suggest("sunglasses") is None
    # Not an English word of its own: "season" is no "sea son", "starred" no "star red" (a review).
    words = rec._words()
    counts = {**words.catalogue_words(), "sea": 50, "son": 50, "star": 50, "red": 50}
    with pytest.MonkeyPatch.context() as m:
        m.setattr(type(words), "catalogue_words", lambda self: counts)
        assert words._joined("season", 5) is None and words._joined("starred", 5) is None
        assert words._joined("redstar", 5) == "red star"
    # Shown instead of what was typed: each word safe, or used by many products; never an English word.
    assert rec.autocorrect("blu jeens") == "blue jeans" and rec.autocorrect("mens wach") == "mens watch"
    assert rec.suggest("jogging") is None and rec.autocorrect("jogging pants") is None
    # Two edits from a word is only a suggestion ("woolen" was shown as "women", 16,572 products), unless the
    # word is long and no English one ("sandles").
    assert rec.suggest("swetshrt") == "sweatshirt" and rec.autocorrect("swetshrt") == "sweatshirt"
    # A word the search reads (any form of an everyday word: "woolen" is woollens) is not misspelt at all.
    women = rec.browse(q="women", limit=0)[0]
    assert women >= 20 and rec.suggest("woolen") is None and rec.autocorrect("woolen") is None
    assert rec.browse(q="woolen", limit=0)[0] == rec.browse(q="woollens", limit=0)[0] > 0
    # One letter from a type's name and no English word, shown instead however few products have it: "blazzer"
    # (8 blazers) listed a bra and kids' T-shirts as closest matches under "Did you mean blazer?".
    assert rec.suggest("tiees") == "ties" and rec.suggest("tiees", confident=True) is None
    assert rec.autocorrect("tiees") == "ties" and rec.correction("tiees") == "ties"
    assert rec.suggest("tieesz") == "ties" and rec.autocorrect("tieesz") is None      # two letters: offered

def test_a_short_english_word_is_not_respelt_as_a_word_a_product_or_two_have(rec):
    # "gap tshirt" was shown as "grap tshirt" (one Nike "... Grap Light Green T-shirt" of 40k), the brand read as a
    # misspelling of a catalogue word (stop 74): an English word of three letters is a word of its own, as longer
    # ones are, unless the word a letter away is one many products have ("blu" is "blue").
    words = rec._words()
    counts, spellings = words._spelling_tables()
    assert "gap" not in counts and "grap" not in counts and counts["blue"] >= autocorrect_min_products(len(rec.items))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(words, "_spellings", (counts + collections.Counter({"grap": 1}), [*spellings, "grap"]))
        assert rec.suggest("gap tshirt") is None and rec.autocorrect("gap tshirt") is None
        assert rec.correction("gap tshirt") is None
        assert rec.suggest("blu tshirt") == "blue tshirt"


def test_two_misspelt_words_each_corrected_alone_are_corrected_together(rec):
    # "blak jens for women" listed 96 closest matches by meaning, kajal first, under "Did you mean black jeans for
    # women?", where "blak jeans" and "black jens" were each shown corrected (a shopper's trial of the 40k
    # catalogue, stop 77): "blak", no English word, was safe only as a type's name beside an English one.
    assert rec._words().autocorrect("blak") == "black" and rec.autocorrect("black jens") == "black jeans"
    assert rec.autocorrect("blak jens") == "black jeans" and rec.autocorrect("blu jens") == "blue jeans"
    assert rec.correction("blak jens for women") == "black jeans for women"
    # An English word beside it keeps its spelling where it finds products ("jogging" is no "jegging").
    assert rec.autocorrect("blak jogging pants") == "black jogging pants"


def test_a_word_of_a_types_name_is_that_word_not_the_start_of_a_longer_one():
    import pandas as pd

    from fashionrec.vocabulary import TypeWords
    from fashionrec.word_search import WordSearch, search_words

    rows = [("Sandals", "Sandal", "Women Brown Sandals"), ("Sunscreen", "Skin Care", "Lotus Sandalwood Sun Screen"),
            ("Watches", "Watches", "Titan Men Analogue Watch")]
    items = pd.DataFrame(rows, columns=["articleType", "subCategory", "productDisplayName"])
    words = WordSearch(items, TypeWords(items))
    assert words.mask(search_words("sandals")).tolist() == [True, False, False]     # not the sunscreen
    # A name-only lookup and a two-word search keep apart ("name sandal" once read in_names("sandal")).
    assert words.in_names("sandal").tolist() == [True, False, False]
    assert words.mask(["name", "sandal"]).tolist() == [False, False, False]
    assert words.mask(search_words("analog")).tolist() == [False, False, True]      # a long word still starts one


def test_a_plural_in_ies_finds_the_names_in_y():
    # Stop 68: "derbies" (singular "derbie") found none of the names with "Derby" or "Derbys", and the page listed
    # loafers by the type the word means; "hoodies" still finds "Hoodie".
    import pandas as pd

    from fashionrec.vocabulary import TypeWords
    from fashionrec.word_search import WordSearch, search_words

    rows = [("Formal Shoes", "Shoes", "Gliders Men Black Derby Formal Shoes"),
            ("Formal Shoes", "Shoes", "Clarks Men Brown Leather Derbys"),
            ("Casual Shoes", "Shoes", "Clarks Men Black Leather Loafers"),
            ("Sweatshirts", "Topwear", "Puma Men Grey Hoodie")]
    items = pd.DataFrame(rows, columns=["articleType", "subCategory", "productDisplayName"])
    words = WordSearch(items, TypeWords(items))
    assert search_words("derbies") == ["derby"]      # a kind's plural (vocabulary.KINDS), whose names lead
    assert words.in_names("derby").tolist() == [True, True, False, False]
    assert words.in_names("derbie").tolist() == [True, True, False, False]
    assert words.mask(["hoodie"]).tolist() == words.in_names("hoodie").tolist() == [False, False, False, True]


def test_a_word_is_read_over_the_catalogue_once_whatever_words_come_with_it(monkeypatch):
    # Stop 67: a search asks the word tables for many sets of its words (less its occasion, its wearer, each part, a
    # correction's browses), and each set read every row again per word: "party dress for women under 1500 in red or
    # black" read its 7 words 20 times, 3.2-4.4 s on the shared server at load.
    import pandas as pd

    from fashionrec import word_search
    from fashionrec.vocabulary import TypeWords
    from fashionrec.word_search import WordSearch

    rows = [("Dresses", "Dress", "Women Red Party Dress"), ("Dresses", "Dress", "Women Black Dress"),
            ("Tshirts", "Topwear", "Men Red Tshirt")]
    items = pd.DataFrame(rows, columns=["articleType", "subCategory", "productDisplayName"])
    words = WordSearch(items, TypeWords(items))
    scanned = []
    scan = word_search._Rows.mask
    monkeypatch.setattr(word_search._Rows, "mask", lambda self, pattern: scanned.append(pattern) or scan(self, pattern))
    assert words.mask(["red", "dress"]).tolist() == [True, False, False]
    assert words.mask(["party", "red", "dress"]).tolist() == [True, False, False]
    assert words.mask(["dress"]).tolist() == [True, True, False]
    assert len(scanned) == 3, scanned       # red, dress, party: once each


def test_a_misspelling_is_read_as_the_likely_word_not_the_nearest_rare_one():
    import pandas as pd

    from fashionrec.vocabulary import TypeWords
    from fashionrec.word_search import WordSearch, search_words

    rows = ([("Sandals", "Footwear", "Women Brown Sandal")] * 30 + [("Handbags", "Bags", "Women Bag Handle")] * 2
            + [("Leggings", "Bottomwear", "Women Leggings")] * 12 + [("Jeans", "Bottomwear", "Levis Men Jeans")] * 20
            + [("Bags", "Bags", "Shoulder Bag")] * 3 + [("Bags", "Bags", "Card Holder")] * 6
            + [("Flip Flops", "Flip Flops", "Men Black Slippers")] * 4 + [("Belts", "Belts", "Buckles Belt")]
            + [("Casual Shoes", "Shoes", "Men White Shoes")] * 40 + [("Heels", "Shoes", "Women Hees Heels")])
    items = pd.DataFrame(rows, columns=["articleType", "subCategory", "productDisplayName"])
    words = WordSearch(items, TypeWords(items))
    # One edit to a word 2 products use, two to one that 30 use: a typed letter in place of the first is rare.
    assert words.suggest("sandle") == "sandal"
    assert words.suggest("legins") == "leggings"        # two dropped letters, not two changed ones ("levis")
    assert words.suggest("sholder") == "shoulder"       # the same first letter, though "holder" is as close
    assert words.suggest("neckles") is None             # "buckles" is two edits, but nothing like it
    assert words.suggest("hoes") == "shoes"             # another first letter only ranks lower: not "hees"
    # A two-word type typed as one word finds it.
    assert words.mask(search_words("flipflops")).sum() == 4


def test_clothes_with_no_type_read_as_wear_does(rec):
    # Stop 67: "casual clothes" found no product by its words (no name says "clothes"), then the closest by meaning:
    # casual shoes and briefs among clothes. It reads as "casual wear": the clothes, not underwear or nightwear.
    total = rec.browse(q="casual clothes", limit=0)[0]
    assert total == rec.browse(q="casual wear", limit=0)[0] > 0
    for q in ("casual clothes", "clothes"):
        _, page = rec.browse(q=q, limit=10)
        assert page and {p["masterCategory"] for p in page} == {"Apparel"}, q
    found = rec.search_text("casual clothes", k=10, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert {x.item["masterCategory"] for x in found} == {"Apparel"}, [x.item["articleType"] for x in found]


def test_a_weddings_other_days_and_a_graduation_read_as_occasions(rec):
    # Stop 75's shopper: no product name says "sangeet" or "graduation": "sangeet outfit" listed nightdresses and
    # night suits by meaning, "graduation" nothing. They read as the occasions they are, as "wedding" does.
    for said, usage in (("sangeet", "Ethnic"), ("mehendi", "Ethnic"), ("haldi", "Ethnic"), ("graduation", "Formal")):
        assert rec.parse_query(f"{said} outfit") == {"usage": [usage]}, said
        total, page = rec.browse(q=said, limit=10_000)
        assert total == int((rec.items["usage"] == usage).sum()) > 0 and {p["usage"] for p in page} == {usage}, said


def test_an_outfit_with_no_type_reads_as_wear_does(rec):
    # Stop 75's shopper: no product name says "outfit", so "office outfit for men" matched no product by its words
    # and listed gift sets, cufflinks and ties by meaning, where "office wear for men" read "office" as Formal and
    # listed formal shirts and trousers. "outfit" is read as "wear": the occasion's clothes first.
    for outfit, wear in (("office outfit", "office wear"), ("outfit", "clothes"), ("casual outfits", "casual wear")):
        total, page = rec.browse(q=outfit, limit=10)
        assert total == rec.browse(q=wear, limit=0)[0] > 0, outfit
        assert page[0]["masterCategory"] == "Apparel", outfit
    total, page = rec.browse(q="office outfit", limit=10_000)
    assert {p["usage"] for p in page} == {"Formal"}
    assert rec.word_matches("office outfit").sum() == total


def test_the_filter_counts_of_clothes_alone_count_what_browse_lists(rec):
    # Stop 68, a review: "clothes" (or "wear") alone lists the clothes since stop 67, but the filter lists beside it
    # counted none (word_matches read it as stop words alone), so the page showed the closest matches' counts.
    for q in ("clothes", "wear"):
        total, page = rec.browse(q=q, limit=10_000)
        assert total and rec.word_matches(q).sum() == total, q
        counts = rec.facets(None, q)
        assert counts["masterCategory"] == {"Apparel": total}, q
        assert sum(counts["gender"].values()) == total, q
    assert not rec.word_matches("the").any() and rec.browse(q="the")[0] == 0

def test_everyday_words_find_the_catalogues_types(rec):
    tshirts = set(rec.items.index[rec.items["articleType"] == "Tshirts"])
    total, page = rec.browse(q="tees", limit=10_000)
    assert tshirts and tshirts <= {p["id"] for p in page}
    assert rec.parse_query("grey hoodie for men")["articleType"] == ["Sweatshirts"]
    recs = rec.search_text("hoodie", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert recs and all(r.item["articleType"] == "Sweatshirts" for r in recs)
    total, page = rec.browse(q="bag", limit=10_000)
    assert {"Handbags", "Backpacks"} <= {p["articleType"] for p in page}


def test_a_shoppers_photo_is_looked_at_as_the_catalogue_frames_its_products(rec, monkeypatch):
    import fashionrec.recommend as recommend
    from fashionrec.data import images_to_tensor
    from fashionrec.photo_views import FRAME_ALWAYS, _backdrop, photo_views

    i = _some_id(rec, articleType="Tshirts")
    photo = Image.open(rec.image_path(i)).convert("RGB")
    alone = images_to_tensor([photo])[0].numpy().astype(float)

    def distance(view):
        return np.abs(view.astype(float) - alone).mean()

    # A small product on white: only the crop to it is tagged, and it looks like the catalogue's photo.
    canvas = Image.new("RGB", (800, 800), "white")
    canvas.paste(photo.resize((120, 160)), (500, 90))
    assert FRAME_ALWAYS > 120 * 160 / 800 ** 2
    views = photo_views(canvas)
    assert len(views) == 1 and distance(views[0]) < 0.6 * distance(images_to_tensor([canvas])[0].numpy())
    # The same product on a blue backdrop: the photo as it is first, then with the backdrop made white,
    # which is nearer the catalogue's photo (a card this blue is a card, not white paper in blue light).
    blue = np.asarray(photo).copy()
    mask = _backdrop(photo)[0]
    assert mask.shape == blue.shape[:2]
    blue[mask] = (40, 70, 160)
    views = photo_views(Image.fromarray(blue))
    assert len(views) == 2 and (views[0] == images_to_tensor([Image.fromarray(blue)])[0].numpy()).all()
    assert distance(views[1]) < 0.5 * distance(views[0])
    # Nor is a black cloth white paper in a dim room: relit, it blew the product out (a review).
    dark = np.asarray(photo).copy()
    dark[mask] = (35, 35, 35)
    assert len(photo_views(Image.fromarray(dark))) == 2
    # The same photo in a dim room, or under a warm lamp: a view in the light that makes its backdrop white
    # comes second, and is the nearest (the whitened one keeps the product dim; a dress at 45% brightness was
    # "Kurtas 91%", a shopper trial).
    for light in (0.45, (0.95, 0.80, 0.60)):
        dim = Image.fromarray((np.asarray(photo.resize((600, 800), Image.BICUBIC)) * light).astype(np.uint8))
        views = photo_views(dim)
        assert len(views) == 3 and distance(views[1]) < 0.3 * distance(views[0])
        assert distance(views[1]) < 0.5 * distance(views[2])
    # A lamp's light falling off towards the corners: the backdrop joined to the corners stopped short of the
    # lighter middle, and whitened left a grey oval round the product ("Bangle 37%" for a shoe, a re-trial).
    import fashionrec.photo_views as photo_views_module
    from fashionrec.photo_views import _evened

    y, x = np.mgrid[-1:1:800j, -1:1:600j]
    lit = Image.new("RGB", (600, 800), "white")
    lit.paste(photo.resize((300, 400), Image.BICUBIC), (150, 200))
    lamp = Image.fromarray((np.asarray(lit) * (1 - 0.25 * (x * x + y * y) / 2)[..., None]).astype(np.uint8))
    views = photo_views(lamp)
    assert _evened(lamp) is not None and _evened(photo) is None and _evened(photo.resize((600, 800))) is None
    assert (views[0] == images_to_tensor([lamp])[0].numpy()).all()           # the photo as it is first
    nearest = min(distance(v) for v in views[1:])
    assert nearest < 0.4 * distance(views[0])
    with monkeypatch.context() as m:        # the views without evening the light are further from the photo
        m.setattr(photo_views_module, "_evened", lambda rgb: None)
        before = photo_views(lamp)
        assert nearest < 0.7 * min(distance(v) for v in before[1:] or before.cut_out())
    # A photo far taller than the catalogue's 3:4 is looked at cropped only: whitened whole, a shoe in a
    # 600x4000 photo was a small thing on white, "Pendant 97%" (a phone shopper's trial).
    tall = Image.new("RGB", (300, 2000), (120, 120, 120))
    tall.paste(Image.fromarray(np.where(np.asarray(photo.resize((240, 320))).min(axis=2, keepdims=True) > 235,
                                        120, np.asarray(photo.resize((240, 320)))).astype(np.uint8)), (30, 840))
    views = photo_views(tall)
    whole = images_to_tensor([tall])[0].numpy()
    assert len(views) == 3 and not any((v == whole).all() for v in views)
    assert distance(views[-1]) < 0.8 * distance(whole)      # the crop, whitened
    # Photo search takes the view whose closest catalogue product is closest, and tags that one (the
    # fixture's tiny tagger finds everything close: every view is tried here).
    monkeypatch.setattr(recommend, "FAMILIAR_ENOUGH", 1.01)
    monkeypatch.setattr(recommend, "VIEW_MARGIN", 0.0)
    query = rec.photo_query(Image.fromarray(blue))
    assert query.views == 2 and query.chosen == 1
    found = rec.similar_to_image(Image.fromarray(blue), k=3)
    assert found[0] == rec.tagger.decode(query.probs, 0) and found.closest == pytest.approx(query.closest, abs=1e-5)
    # The catalogue's own photo stays as it is: it is in the index, so nothing is closer than itself.
    query = rec.photo_query(photo)
    assert query.chosen == 0 and query.closest > 0.99
    assert rec.photo_query(photo, exclude=[i]).closest < query.closest
    # A photo close enough to a catalogue product as it is: no other view is even tagged.
    monkeypatch.undo()
    query = rec.photo_query(Image.fromarray(blue))
    assert query.closest >= recommend.FAMILIAR_ENOUGH and query.views == 1 and query.chosen == 0
    # No plain backdrop: the photo as it is, alone.
    noisy = Image.fromarray(np.random.default_rng(0).integers(0, 255, (400, 300, 3), dtype=np.uint8))
    assert len(photo_views(noisy)) == 1 and (photo_views(noisy)[0] == images_to_tensor([noisy])[0].numpy()).all()


def test_a_photo_narrowed_to_none_of_its_type_says_the_results_are_only_the_nearest(rec, monkeypatch):
    # A blue dress's photo under Colour: Black and Gender: Men listed men's socks as "Looks alike" (a phone
    # shopper's trial). The fixture's tiny tagger is sure of nothing: here any type it reads counts as sure.
    import fashionrec.recommend as recommend

    monkeypatch.setattr(recommend, "UNSURE_TYPE", 0.0)
    photo = Image.open(rec.image_path(_some_id(rec, articleType="Tshirts")))
    found = rec.similar_to_image(photo, k=4)
    kind = found.predicted["articleType"][0][0]
    other = next(t for t in rec.items["articleType"].unique() if t != kind)
    assert not found.unlike_filtered
    assert not rec.similar_to_image(photo, k=4, filters={"articleType": [kind]}).unlike_filtered
    narrowed = rec.similar_to_image(photo, k=4, filters={"articleType": [other]})
    assert narrowed.unlike_filtered and narrowed.results
    assert {r.card_reason for r in narrowed.results} == {"Nearest with your choices"}


def test_a_screenshot_of_a_shops_page_is_also_looked_at_as_its_product(rec, monkeypatch):
    # A phone's screenshot of a shop's page (a header bar, the product's photo, lines of text, a button) was
    # read as the page: a sneaker's gave "Type: not sure" and innerwear vests (a shopper trial).
    import fashionrec.recommend as recommend
    from fashionrec.data import images_to_tensor
    from fashionrec.photo_views import photo_views

    i = _some_id(rec, articleType="Tshirts")
    photo = Image.open(rec.image_path(i)).convert("RGB")
    page = Image.new("RGB", (585, 1266), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle([0, 0, 585, 70], fill=(244, 244, 244))
    draw.rectangle([0, 70, 585, 150], fill=(31, 31, 31))
    shot = np.asarray(photo.resize((360, 480), Image.BICUBIC)).copy()
    shot[shot.min(axis=2) > 235] = (222, 214, 200)          # the product's photo, on a beige card
    card = Image.new("RGB", (480, 640), (222, 214, 200))
    card.paste(Image.fromarray(shot), (60, 80))
    page.paste(card, (52, 190))
    for j in range(6):
        draw.rectangle([30, 880 + 50 * j, 30 + (350 if j % 2 else 450), 900 + 50 * j], fill=(178, 178, 178))
    draw.rectangle([30, 1190, 555, 1240], fill=(200, 30, 40))
    views = photo_views(page)
    alone = images_to_tensor([photo])[0].numpy().astype(float)
    distance = [np.abs(v.astype(float) - alone).mean() for v in views]
    assert len(views) >= 2 and min(distance[1:]) < 0.5 * distance[0]     # the card, whitened, is near the photo
    # Photo search takes it, where the page as it is has no catalogue product close (every view tried here).
    monkeypatch.setattr(recommend, "FAMILIAR_ENOUGH", 1.01)
    monkeypatch.setattr(recommend, "VIEW_MARGIN", 0.0)
    query = rec.photo_query(page)
    assert query.views == len(views) and query.chosen >= len(photo_views(page, whole=False))
    # One thing on its backdrop, or a photo in a wide margin, has no such view: the views it had.
    assert len(photo_views(photo)) == 1
    canvas = Image.new("RGB", (800, 800), "white")
    canvas.paste(photo.resize((300, 400)), (250, 200))
    assert len(photo_views(canvas)) == 2


def test_a_tall_narrow_photo_of_thin_rules_has_views_not_an_error():
    # A review's fuzzing: two thin dark rules down a 39x1447 white photo were "several things" whose largest, a
    # pixel wide on the smaller copy, had an inside-out crop box: ValueError, photo search's 500.
    from fashionrec.photo_views import photo_views

    photo = Image.new("RGB", (39, 1447), "white")
    draw = ImageDraw.Draw(photo)
    draw.rectangle([34, 167, 36, 578], fill=(40, 40, 40))
    draw.rectangle([19, 1244, 21, 1446], fill=(40, 40, 40))
    views = photo_views(photo)
    assert views and all(v.shape == (3, 80, 60) and v.dtype == np.uint8 for v in views)


def test_a_product_on_a_busy_backdrop_is_cut_out_of_it(rec, monkeypatch):
    # A shopper trial: a dress photo on a striped cloth was "Gender: Men 94%" with twelve fragrance sets; the
    # views were for plain backdrops only.
    import fashionrec.recommend as recommend
    from fashionrec.data import images_to_tensor
    from fashionrec.photo_views import _backdrop, cut_out_views, photo_views

    i = _some_id(rec, articleType="Tshirts")
    photo = Image.open(rec.image_path(i)).convert("RGB")
    alone = images_to_tensor([photo])[0].numpy().astype(float)
    # Vertical stripes whose four corners happen to be one colour: not a plain backdrop.
    yy, xx = np.mgrid[0:800, 0:600]
    cloth = np.where((xx // 40 % 2 == 0)[..., None], (200, 170, 120), (90, 120, 60)).astype(np.uint8)
    busy = Image.fromarray(cloth)
    product = photo.resize((360, 480))
    labels, _ = ndimage.label(np.asarray(product).min(axis=2) > 235)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    busy.paste(product, (120, 160), Image.fromarray((~np.isin(labels, edge[edge > 0])).astype(np.uint8) * 255))
    assert (cloth[0, 0] == cloth[0, -1]).all() and (cloth[0, 0] == cloth[-1, 0]).all() and _backdrop(busy) is None
    as_is = photo_views(busy)
    assert len(as_is) == 1
    cut = cut_out_views(busy)
    assert cut and all(v.shape == as_is[0].shape for v in cut)
    gap = lambda view: np.abs(view.astype(float) - alone).mean()    # noqa: E731
    assert gap(cut[-1]) < 0.5 * gap(as_is[0])
    assert all((a == b).all() for a, b in zip(cut, cut_out_views(busy), strict=True))     # the same cut again
    # The same photo in a dim room (a red dress on dark wood at 45% was "Kurtas 42%", a shopper trial): looked
    # at brightened, near the photo in full light, and cut out of it brightened.
    from fashionrec.photo_views import _brightened

    dim = Image.fromarray((np.asarray(busy) * 0.45).astype(np.uint8))
    as_dim = images_to_tensor([dim])[0].numpy().astype(float)
    views = photo_views(dim)
    assert len(views) == 1 and _brightened(busy) is None and _brightened(dim) is not None
    full = as_is[0].astype(float)
    assert np.abs(views[0] - full).mean() < 0.2 * np.abs(as_dim - full).mean()
    assert np.abs(views.cut_out()[-1] - cut[-1].astype(float)).mean() < 0.2 * np.abs(as_dim - full).mean()
    # A plain backdrop has its own views; nothing to cut out of a photo of one colour.
    assert cut_out_views(photo) == [] and cut_out_views(Image.new("RGB", (300, 400), (90, 120, 60))) == []
    # Photo search tags the cut-out where the photo as it is is unfamiliar, and not otherwise.
    monkeypatch.setattr(recommend, "FAMILIAR_ENOUGH", 1.01)
    assert rec.photo_query(busy).views == 1 + len(cut)
    monkeypatch.setattr(recommend, "FAMILIAR_ENOUGH", -1.0)
    assert rec.photo_query(busy).views == 1


@pytest.fixture(scope="module")
def shipped_rec(tmp_path_factory) -> Recommender:
    """The fixture catalogue indexed by the shipped model (10 s): for what the tiny random tagger cannot see."""
    out = tmp_path_factory.mktemp("shipped") / "index"
    Recommender.build(fixture_catalog(), Tagger.load(), out, progress=False)
    return Recommender.load(out)


def test_a_photo_turned_on_its_side_is_read_upright_and_an_upright_one_is_not_turned(shipped_rec, monkeypatch,
                                                                                     tmp_path):
    # A shopper trial: a formal shoe photographed upright, its EXIF orientation lost on the way, came turned a
    # quarter and was "not sure"; validation photos so turned were read as their type for 7-10%.
    from fastapi.testclient import TestClient

    import fashionrec.recommend as recommend
    from fashionrec.api.app import create_app
    from fashionrec.photo_views import photo_views

    rec = shipped_rec
    ids = rec.items["id"].tolist()[:40]
    upright = {i: Image.open(rec.image_path(i)).convert("RGB").resize((360, 480), Image.BICUBIC) for i in ids}
    sideways = {i: photo.rotate(-90, expand=True) for i, photo in upright.items()}   # 90 clockwise: wide

    def read(photos: dict) -> tuple[list[int], float]:
        found = {i: rec.photo_query(photo, exclude=[i]) for i, photo in photos.items()}
        right = [rec.tagger.decode(q.probs, 0, top=1)["articleType"][0][0] == rec.item(i)["articleType"]
                 for i, q in found.items()]
        return [q.turned for q in found.values()], float(np.mean(right))

    turns, right = read(sideways)
    assert turns.count(270) >= 0.6 * len(ids) and turns.count(90) <= 0.1 * len(ids) and right >= 0.6
    monkeypatch.setattr(recommend, "TURN_BELOW", -1.0)      # as before: read as it came
    turns_before, right_before = read(sideways)
    assert turns_before == [0] * len(ids) and right_before <= right - 0.3
    # Turned, it must look like a product too (a wide screenshot of a catalogue page was "read turned upright" as
    # watches, its closest product under the floor either way, a shopper trial): none is, with the floor above all.
    monkeypatch.undo()
    monkeypatch.setattr(rec, "unfamiliar_below", lambda: 1.01)
    assert [q.turned for q in (rec.photo_query(sideways[i], exclude=[i]) for i in ids[:10])] == [0] * 10
    # A photo taller than wide, as the catalogue's and a phone's upright ones, is never looked at turned (a square
    # one may be).
    monkeypatch.setattr(recommend, "TURN_BELOW", 1.01)
    assert all(q.turned == 0 and q.views <= len(photo_views(upright[i])) + 1
               for i, q in ((i, rec.photo_query(upright[i])) for i in ids[:10]))
    monkeypatch.undo()
    # Said by the API and the CLI.
    i = next(i for i, turn in zip(ids, turns, strict=True) if turn == 270)
    path = tmp_path / "sideways.png"
    sideways[i].save(path)
    with TestClient(create_app(recommender=rec)) as client:
        body = client.post("/api/search/image", files={"file": ("sideways.png", path.read_bytes(), "image/png")})
        assert body.status_code == 200 and body.json()["turned"] == 270
        classified = client.post("/api/classify", files={"file": ("sideways.png", path.read_bytes(), "image/png")})
        assert classified.json()["turned"] == 270
    run = lambda *a: CliRunner().invoke(app, ["recommend", "photo", str(path), "--index", str(rec.index_dir),  # noqa: E731
                                              "-k", "4", *a])
    said = run()
    assert said.exit_code == 0, said.output
    assert "sideways.png looked turned on its side: it was read turned 270 degrees clockwise" in said.output
    assert json.loads(run("--json").output)["turned"] == 270


def test_an_upside_down_tall_photo_is_read_upright_and_an_upright_one_is_not_turned(shipped_rec, monkeypatch,
                                                                                     tmp_path):
    # Photo search (and `tag --index`, which reads through it) looked at a tall photo upright only: an upside-down
    # shoe read as Personal Care, where `tag` without an index turned it (view_choice.UPSIDE_DOWN, stop 72).
    import fashionrec.recommend as recommend

    rec = shipped_rec
    ids = [i for i in rec.items["id"].tolist() if str(rec.image_path(i)).endswith(".jpg")][:30]
    upright = {i: Image.open(rec.image_path(i)).convert("RGB").resize((360, 480), Image.BICUBIC) for i in ids}
    upside_down = {i: photo.rotate(180) for i, photo in upright.items()}

    def read(photos: dict) -> tuple[list[int], list[str]]:
        found = [rec.photo_query(photo, exclude=[i]) for i, photo in photos.items()]
        return [q.turned for q in found], [rec.tagger.decode(q.probs, 0, top=1)["articleType"][0][0] for q in found]

    truth = [rec.item(i)["articleType"] for i in ids]
    right = lambda types: float(np.mean([a == b for a, b in zip(types, truth, strict=True)]))    # noqa: E731
    turns, types = read(upside_down)
    assert turns.count(180) >= 0.5 * len(ids) and set(turns) <= {0, 180} and right(types) >= 0.7
    kept_turns, kept_types = read(upright)
    monkeypatch.setattr(recommend, "LOOK_AGAIN_BELOW", -1.0)      # as before: a tall photo read upright only
    turns_before, types_before = read(upside_down)
    assert turns_before == [0] * len(ids) and right(types_before) <= right(types) - 0.3
    # An upright photo is read as before: none turned, every type the same.
    assert kept_turns == [0] * len(ids) and kept_types == read(upright)[1]
    # The CLI says which way it looked turned.
    monkeypatch.undo()
    path = tmp_path / "upside_down.png"
    upside_down[ids[turns.index(180)]].save(path)
    said = CliRunner().invoke(app, ["recommend", "photo", str(path), "--index", str(rec.index_dir), "-k", "3"])
    assert "upside_down.png looked turned upside down: it was read turned 180 degrees clockwise" in said.output


def test_a_greyscale_photos_colour_is_said_to_be_unseen_and_not_ranked_by(shipped_rec, tmp_path):
    # A trial: a greyscale photo found grey products "same colour (Grey)", with no word that its colour cannot be
    # seen (`data check` and `tag` said so of such photos).
    import pickle

    from fastapi.testclient import TestClient
    from PIL import ImageOps

    from fashionrec.api.app import create_app

    rec = shipped_rec
    ids = [i for i in rec.items["id"].tolist() if rec.item(i)["baseColour"] not in ("Black", "White", "Grey")][:8]
    coloured = {i: ImageOps.mirror(Image.open(rec.image_path(i)).convert("RGB")) for i in ids}
    said = lambda found: [r.reason for r in found.results if "colour" in r.reason]    # noqa: E731
    in_colour = [rec.similar_to_image(p, k=10, exclude_ids=[i]) for i, p in coloured.items()]
    assert not any(f.greyscale for f in in_colour) and sum(len(said(f)) for f in in_colour) > 0
    grey = [rec.similar_to_image(p.convert("L"), k=10, exclude_ids=[i]) for i, p in coloured.items()]
    assert all(f.greyscale for f in grey) and not any(said(f) for f in grey)
    assert all("baseColour" in f.predicted for f in grey)       # the guess is still given, with the flag
    assert pickle.loads(pickle.dumps(grey[0])).greyscale
    path = tmp_path / "grey.png"
    coloured[ids[0]].convert("L").save(path)
    with TestClient(create_app(recommender=rec)) as client:
        for route in ("/api/search/image", "/api/classify"):
            body = client.post(route, files={"file": ("grey.png", path.read_bytes(), "image/png")})
            assert body.status_code == 200 and body.json()["greyscale"] is True, route
        coloured[ids[0]].save(tmp_path / "colour.png")
        body = client.post("/api/search/image", files={"file": ("c.png", (tmp_path / "colour.png").read_bytes(),
                                                                "image/png")})
        assert body.json()["greyscale"] is False
    run = lambda *a: CliRunner().invoke(app, ["recommend", "photo", str(path), "--index", str(rec.index_dir),  # noqa: E731
                                              "-k", "4", *a])
    out = run()
    assert out.exit_code == 0 and "grey.png is a greyscale photo, so its colour cannot be seen" in \
        " ".join(out.output.split())
    assert json.loads(run("--json").output)["greyscale"] is True


def test_tag_with_an_index_reads_photos_on_a_backdrop_as_photo_search_does(shipped_rec, tmp_path, caplog):
    # A new user's trial: a shirt's photo on a grey backdrop was "Perfume and Body Mist 0.62" to `fashionrec tag`
    # and "Shirts 0.985" to photo search; `tag --index` reads each photo as photo search does.
    from fashionrec.tagging import tag

    rec = shipped_rec
    ids = rec.items["id"].tolist()[:12]
    (tmp_path / "photos").mkdir()
    for i in ids:
        backdrop = Image.new("RGB", (640, 640), (150, 150, 150))
        backdrop.paste(Image.open(rec.image_path(i)).convert("RGB").resize((240, 320)), (200, 160))
        backdrop.save(tmp_path / "photos" / f"{i}.jpg")

    def agree(result) -> float:
        return float(np.mean([r.articleType == rec.item(int(Path(r.path).stem))["articleType"]
                              for r in result.table.itertuples()]))

    # As they are (--as-is): since stop 71 `tag` without an index reads such photos through their views by
    # default, which read them as well as photo search (0.92 each here), so this compared two equal readings.
    as_is = tag(tmp_path / "photos", progress=False, views=False)
    searched = tag(tmp_path / "photos", index=rec.index_dir, progress=False)
    assert agree(searched) >= 0.75 and agree(searched) >= agree(as_is) + 0.3, (agree(as_is), agree(searched))
    assert agree(tag(tmp_path / "photos", progress=False)) >= 0.75
    assert (searched.table["turned"] == 0).all() and "turned" not in as_is.table
    assert searched.summary["read_as_photo_search"]["index"] == str(rec.index_dir)
    assert f"index={str(rec.index_dir)!r}" in searched.summary["command"]      # as called from Python (a review)
    out = tmp_path / "tags.csv"
    res = CliRunner().invoke(app, ["tag", str(tmp_path / "photos"), "--index", str(rec.index_dir), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert pd.read_csv(out)["articleType"].tolist() == searched.table["articleType"].tolist()
    # Batches and decoding threads do not apply to one photo at a time: said, not ignored (a review).
    with caplog.at_level("WARNING", logger="fashionrec.tagging"):
        res = CliRunner().invoke(app, ["tag", str(tmp_path / "photos"), "--index", str(rec.index_dir), "--out",
                                       str(out), "--batch-size", "8"])
    assert res.exit_code == 0 and "batch_size (--batch-size) has no effect" in caplog.text


def test_a_photos_views_turned_are_the_views_of_the_photo_turned():
    # Photo search looks at a photo that came turned on its side turned upright: its views' pictures turned, not
    # found again (a product's crop, its backdrop made white, its cut-out from a busy backdrop).
    from fashionrec.photo_views import photo_views

    rec = shared_recommender("faiss")        # the photos only: one backend is enough
    photo = Image.open(rec.image_path(_some_id(rec, articleType="Tshirts"))).convert("RGB")
    plain = Image.new("RGB", (1200, 900), (190, 190, 200))
    shot = np.asarray(photo.resize((300, 400), Image.BICUBIC)).copy()
    shot[shot.min(axis=2) > 235] = (190, 190, 200)
    plain.paste(Image.fromarray(shot), (450, 250))
    yy, xx = np.mgrid[0:900, 0:1200]
    busy = Image.fromarray(np.where((xx // 40 % 2 == 0)[..., None], (200, 170, 120), (90, 120, 60)).astype(np.uint8))
    busy.paste(photo.resize((300, 400)), (450, 250))
    for wide in (plain, busy):
        views = photo_views(wide)
        assert len(views.images) == len(views)
        for turn in (90, 270):
            direct = photo_views(wide.rotate(-turn, expand=True))
            turned = views.turned(turn)[:len(views)]       # then a busy backdrop's cut-out, below
            assert len(turned) == len(direct) and len(views) >= 1
            assert all(np.abs(a.astype(float) - b).mean() < 12 for a, b in zip(turned, direct, strict=True))
    # A busy backdrop's cut-out is turned with the rest: a T-shirt lying on its side on stripes, cut out and
    # turned upright, is near its catalogue photo.
    from fashionrec.data import images_to_tensor

    sideways = Image.fromarray(np.asarray(busy.rotate(90, expand=True).resize((1200, 900))).copy())
    sideways.paste(photo.rotate(-90, expand=True).resize((400, 300)), (400, 300))
    views = photo_views(sideways)
    turned = views.turned(270)
    cut = views.cut_out()
    assert cut and len(turned) == 1 + len(cut)
    alone = images_to_tensor([photo])[0].numpy().astype(float)
    gap = lambda view: np.abs(view.astype(float) - alone).mean()    # noqa: E731
    assert min(gap(v) for v in turned[1:]) < 0.7 * min(gap(views[0]), gap(turned[0]))


def test_a_blank_or_tiny_photo_is_refused_as_a_query_and_as_a_new_product(tmp_path):
    r, _ = _scratch(tmp_path)
    n = len(r)
    for photo, said in ((Image.new("RGBA", (300, 400), (0, 0, 0, 0)), "one flat colour"),
                        (Image.new("RGB", (8, 8), "red"), "too small")):
        with pytest.raises(BadInputError, match=said):
            r.similar_to_image(photo)
        with pytest.raises(BadInputError, match=said):
            r.add_product(photo, {"productDisplayName": "Nothing"})
    assert len(r) == n


def test_words_for_womens_underwear_ask_for_womens_unless_a_wearer_is_named(tmp_path):
    # Most of the real catalogue's Briefs are men's; "panties" means women's, "men's knickers" still men's.
    r, image = _scratch(tmp_path)
    mens = [r.add_product(image, {"productDisplayName": f"Jockey Men Grey Brief {i}", "gender": "Men",
                                  "articleType": "Briefs", "baseColour": "Grey"}, allow_new_values=True)
            for i in range(3)]
    womens = r.add_product(image, {"productDisplayName": "Enamor Women Beige Brief", "gender": "Women",
                                   "articleType": "Briefs", "baseColour": "Beige"})
    assert r.parse_query("panties") == {"articleType": ["Briefs"], "gender": ["Unisex", "Women"]}
    assert r.parse_query("black lingerie")["gender"] == ["Unisex", "Women"]
    assert r.parse_query("men's knickers")["gender"] == ["Men", "Unisex"]
    assert "gender" not in r.parse_query("briefs")
    total, page = r.browse(q="panties", limit=10)
    assert total == 1 and page[0]["id"] == womens          # the women's only, as the text search lists
    assert r.browse(q="men's knickers", limit=10)[1][0]["id"] in mens
    recs = r.search_text("panties", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert [x.id for x in recs] == [womens]


def test_a_look_takes_products_as_their_type_is_usually_filed_and_swimwear_on_its_own(tmp_path):
    r, image = _scratch(tmp_path)
    boys = {"gender": "Boys", "masterCategory": "Apparel", "usage": "Casual", "baseColour": "White"}
    top = r.add_product(image, {**boys, "productDisplayName": "Boys Tee", "subCategory": "Topwear",
                                "articleType": "Tshirts"}, allow_new_values=True)
    # The only boys' "Bottomwear" is a T-shirt filed there by mistake and a unisex swimming cap.
    # (index add refuses such a group now, unless new values are allowed: the catalogue itself has them)
    misfiled = r.add_product(image.rotate(90, expand=True), {
        **boys, "productDisplayName": "Boys Polo", "subCategory": "Bottomwear", "articleType": "Tshirts"},
        allow_new_values=True)
    cap = r.add_product(image.rotate(180), {
        **boys, "gender": "Unisex", "masterCategory": "Apparel", "productDisplayName": "Swimming Cap",
        "subCategory": "Bottomwear", "articleType": "Swimwear"}, allow_new_values=True)
    # A child's look takes children's products only: kids' shoes for it to show.
    r.add_product(image.rotate(270, expand=True), {
        **boys, "gender": "Unisex", "masterCategory": "Footwear", "productDisplayName": "Kids Unisex Shoes",
        "subCategory": "Shoes", "articleType": "Casual Shoes"})
    look = r.complete_the_look(top, k=6)
    assert not {misfiled, cap} & {x.id for x in look}
    # The fixture's children's bottoms filed as men's ("Kids Boys ... Shorts") may fill the slot instead.
    assert all(KIDS_NAME.search(x.item["productDisplayName"]) for x in look if x.slot == "Bottomwear")
    # The misfiled T-shirt gets a T-shirt's look (before: a bottom's, with the boys' T-shirt as its top);
    # the cap a swimmer's, and the reason names it.
    misfiled_look = r.complete_the_look(misfiled, k=6)
    assert misfiled_look and top not in {x.id for x in misfiled_look}
    assert all("boys' topwear" in x.reason for x in misfiled_look)
    cap_look = r.complete_the_look(cap, k=6)
    assert cap_look and {x.slot for x in cap_look} <= {"Eyewear", "Flip Flops"}
    assert all("swimwear" in x.reason for x in cap_look)


def test_search_box_joins_letters_and_words_as_the_catalogue_writes_them(tmp_path):
    rec, image = _scratch(tmp_path)

    def ids(q):
        return {p["id"] for p in rec.browse(q=q, limit=10_000)[1]}

    # "U.S. Polo" is "u s polo" in a name and "us polo" in a query: both sides join lone letters.
    meta = {k: rec.item(_some_id(rec, articleType="Tshirts"))[k] for k in (
        "gender", "masterCategory", "subCategory", "articleType", "baseColour", "usage", "season")}
    polo = rec.add_product(image, {**meta, "productDisplayName": "U.S. Polo Assn. Men Blue Shirt"})
    assert polo in ids("us polo") and ids("us polo") == ids("u.s. polo") == ids("U.S. Polo Assn.")
    # ... and the letters stay words: the brand "W" ("W Women Kurta") is still found by "w".
    w = rec.add_product(image.rotate(90, expand=True), {**meta, "productDisplayName": "W Women Blue Kurta"})
    assert w in ids("w") and w in ids("w women")
    # Two query words that the catalogue writes as one word also find it ("tee shirt" = "tshirt").
    tshirts = set(rec.items.index[rec.items["articleType"] == "Tshirts"])
    assert tshirts <= ids("tee shirt") and tshirts <= ids("tee-shirt")
    # Wearer words: "ladies" finds women's products, "kids" boys' and girls'.
    women = set(rec.items.index[rec.items["gender"] == "Women"])
    assert women and women <= ids("ladies") and not ids("ladies") & set(rec.items.index[rec.items["gender"] == "Men"])
    assert rec.parse_query("kids hoodie")["gender"] == ["Boys", "Girls", "Unisex"]
    # A long everyday word also matches as the start of a word, as product words do.
    assert ids("accessor") == ids("accessories") and len(ids("accessories")) > 0


def test_a_look_keeps_usages_and_bags_that_go_together(tmp_path):
    r, photo = _scratch(tmp_path)
    add = _adding(r, photo, gender="Women", masterCategory="Apparel", season="Summer", productDisplayName="X")

    sari = add(subCategory="Saree", articleType="Sarees", usage="Ethnic", baseColour="Navy Blue")
    # No ethnic sandals: the sports ones (filed as Casual, in the colour that goes best) must not stand in.
    sporty = add(masterCategory="Footwear", subCategory="Sandal", articleType="Sports Sandals", usage="Casual",
                 baseColour="White")
    plain = add(masterCategory="Footwear", subCategory="Sandal", articleType="Sandals", usage="Casual",
                baseColour="Green")
    look = r.complete_the_look(sari, k=6)
    slots = {x.slot: x.id for x in look}
    assert sporty not in slots.values()
    # One pair of shoes: sandals only where the sari got no shoes (it had both).
    assert [x.slot for x in look if x.slot in ("Shoes", "Sandal")] == ["Shoes"] and plain not in slots.values()
    # A formal dress's bag is a handbag or a clutch, even where the only formal bag is a laptop bag.
    dress = add(subCategory="Dress", articleType="Dresses", usage="Formal", baseColour="Black")
    laptop = add(masterCategory="Accessories", subCategory="Bags", articleType="Laptop Bag", usage="Formal",
                 baseColour="Black")
    bags = [x for x in r.complete_the_look(dress, k=6) if x.slot == "Bags"]
    assert bags and laptop not in {x.id for x in bags}
    assert all(x.item["articleType"] in ("Handbags", "Clutches") for x in bags)
    # A tracksuit (filed under Bottomwear) is a whole outfit: its own look, and no other look's bottoms.
    # (Boys': the fixture has no other boys' bottoms, so before, the tracksuit was the boys' top's.)
    suit = add(gender="Boys", subCategory="Bottomwear", articleType="Tracksuits", usage="Casual", baseColour="Black")
    top = add(gender="Boys", subCategory="Topwear", articleType="Tshirts", usage="Casual", baseColour="White")
    add(gender="Unisex", masterCategory="Footwear", subCategory="Shoes", articleType="Sports Shoes",
        usage="Casual", baseColour="White", productDisplayName="Kids Unisex Shoes")    # a child's look takes these
    suit_look = r.complete_the_look(suit, k=6)
    assert suit_look and {x.slot for x in suit_look} <= {"Shoes", "Watches", "Bags", "Eyewear"}
    assert suit not in {x.id for x in r.complete_the_look(top, k=6)}
    # Heels and flats get no socks, even the only women's socks there are.
    socks = add(masterCategory="Footwear", subCategory="Socks", articleType="Socks", usage="Casual",
                baseColour="Black")
    heels = _some_id(r, articleType="Heels")
    assert socks not in {x.id for x in r.complete_the_look(heels, k=6)}
    # Sports equipment completes no outfit.
    ball = add(gender="Unisex", masterCategory="Sporting Goods", subCategory="Sports Equipment",
               articleType="Footballs", usage="Casual", baseColour="White")
    assert r.complete_the_look(ball, k=4) == []


def test_ties_and_cufflinks_get_office_looks_a_lehenga_no_bottoms_and_a_mans_kurta_sandals(tmp_path):
    # A stylist's trial: cufflinks with a polo T-shirt, athletic pants and sneakers (the catalogue files 57 of
    # its 96 cufflinks Casual); a bridal lehenga led by Patiala pants; every men's kurta with sneakers, a sling
    # bag and a ring; nail polish remover "to go with" a perfume.
    r, photo = _scratch(tmp_path)
    add = _adding(r, photo, gender="Men", masterCategory="Apparel", season="Summer", productDisplayName="X")
    cufflinks = add(masterCategory="Accessories", subCategory="Cufflinks", articleType="Cufflinks", usage="Casual",
                    baseColour="Silver")
    tie = add(masterCategory="Accessories", subCategory="Ties", articleType="Ties", usage="Casual",
              baseColour="Navy Blue")
    office = {"Topwear": add(subCategory="Topwear", articleType="Shirts", usage="Formal", baseColour="White"),
              "Bottomwear": add(subCategory="Bottomwear", articleType="Trousers", usage="Formal", baseColour="Black"),
              "Shoes": add(masterCategory="Footwear", subCategory="Shoes", articleType="Formal Shoes", usage="Formal",
                           baseColour="Black")}
    for product in (cufflinks, tie):
        look = r.complete_the_look(product, k=6)
        worn = {x.slot: x for x in look if x.slot in office}
        assert set(worn) == set(office), [x.reason for x in look]
        assert all(x.item["usage"] == "Formal" for x in worn.values())
        assert [worn[s].item["articleType"] for s in office] == ["Shirts", "Trousers", "Formal Shoes"]
        assert "formal men's" in worn["Topwear"].reason
    kurta = add(subCategory="Topwear", articleType="Kurtas", usage="Ethnic", baseColour="White")
    add(subCategory="Bottomwear", articleType="Churidar", usage="Ethnic", baseColour="White")
    add(masterCategory="Footwear", subCategory="Sandal", articleType="Sandals", usage="Casual", baseColour="Brown")
    sporty = add(masterCategory="Footwear", subCategory="Sandal", articleType="Sports Sandals", usage="Casual",
                 baseColour="Brown")
    # A floater is a sports sandal by its name, filed Casual Sandals (ADIDAS's with a khadi kurta, a shopper trial).
    floater = add(masterCategory="Footwear", subCategory="Sandal", articleType="Sandals", usage="Casual",
                  baseColour="Brown", productDisplayName="ADIDAS Men Henrio Brown Floater")
    look = r.complete_the_look(kurta, k=6)
    assert [x.slot for x in look] == ["Bottomwear", "Sandal"] and look[1].item["articleType"] == "Sandals"
    assert sporty not in {x.id for x in look} and floater not in {x.id for x in look}
    clashing = r._clashing("Ethnic")
    assert clashing[r._row[floater]] and clashing[r._row[sporty]] and not clashing[r._row[look[1].id]]
    women = _adding(r, photo, turns=range(95, 360, 10), gender="Women", masterCategory="Apparel", season="Summer",
                    productDisplayName="X", usage="Ethnic")
    lehenga = women(subCategory="Topwear", articleType="Lehenga Choli", baseColour="Red")
    women(subCategory="Bottomwear", articleType="Patiala", baseColour="Beige")
    women(masterCategory="Accessories", subCategory="Jewellery", articleType="Earrings", baseColour="Gold")
    slots = [x.slot for x in r.complete_the_look(lehenga, k=6)]
    assert slots and "Bottomwear" not in slots and "Topwear" not in slots and slots[0] == "Jewellery"
    # A perfume's bath and body is a lotion or a wash, never a nail polish remover filed there.
    care = _adding(r, photo, turns=range(91, 360, 10), gender="Women", masterCategory="Personal Care",
                   usage="Casual", season="Summer", productDisplayName="X", baseColour="White")
    perfume = care(subCategory="Fragrance", articleType="Perfume and Body Mist")
    remover = care(subCategory="Bath and Body", articleType="Nail Essentials")
    lotion = care(subCategory="Bath and Body", articleType="Body Lotion")
    bath = [x.id for x in r.complete_the_look(perfume, k=6) if x.slot == "Bath and Body"]
    assert bath == [lotion] and remover not in bath


def test_a_kurta_set_gets_a_kurtas_look_less_the_bottoms(tmp_path):
    # A code review: all 85 kurta sets' looks (their group, Apparel Set: shoes, bags, watches, eyewear) had casual
    # sunglasses and no jewellery, where a kurta's has jewellery, a handbag or clutch, and no sunglasses.
    r, photo = _scratch(tmp_path)
    women = _adding(r, photo, gender="Women", masterCategory="Apparel", season="Summer", productDisplayName="X",
                    usage="Ethnic")
    kurta_set = women(subCategory="Apparel Set", articleType="Kurta Sets", baseColour="Pink")
    women(subCategory="Bottomwear", articleType="Churidar", baseColour="White")
    women(masterCategory="Accessories", subCategory="Jewellery", articleType="Earrings", baseColour="Gold")
    women(masterCategory="Accessories", subCategory="Eyewear", articleType="Sunglasses", usage="Casual",
          baseColour="Black")
    women(masterCategory="Accessories", subCategory="Bags", articleType="Laptop Bag", baseColour="Black")
    look = r.complete_the_look(kurta_set, k=6)
    slots = [x.slot for x in look]
    assert "Jewellery" in slots and "Eyewear" not in slots and "Bottomwear" not in slots, slots
    assert all(x.item["articleType"] in ("Handbags", "Clutches") for x in look if x.slot == "Bags")


def test_a_look_prefers_pieces_whose_name_does_not_contradict_their_colour_label(monkeypatch, tmp_path):
    # A stylist's trial: "Marvel Boys Red Shoes" (filed Blue) in a look as "Blue goes with Green"; the reasons
    # speak of labels, so a piece whose name says another colour reads as a wrong claim. The fixture has one
    # ("Estd. 1977 Men Beige Sandals", filed Brown), in two looks when nothing holds it back.
    rec = shared_recommender("faiss")        # looks do not depend on the vector index: one backend is enough
    named = rec._named_otherwise()
    assert named.any()

    def pieces_named_otherwise() -> int:
        return sum(bool(named[rec._row[x.id]]) for i in rec.items["id"] for x in rec.complete_the_look(int(i), k=6))

    assert pieces_named_otherwise() == 0
    monkeypatch.setattr(rec, "_named_otherwise", lambda: np.zeros(len(rec.items), bool))
    assert pieces_named_otherwise() >= 1
    monkeypatch.undo()
    # What a name says: its colours after the wearer, not a dial's, a metal, a brand's; a shade of the label agrees.
    r, photo = _scratch(tmp_path)
    add = _adding(r, photo, gender="Women", masterCategory="Apparel", subCategory="Topwear", articleType="Tops",
                  season="Summer", usage="Casual")
    for name, label, otherwise in (("Remanika Women Red Printed Top", "White", True), ("B Women Red Top", "Red", False),
                                   ("Red Tape Men Brown Shoe", "Brown", False),
                                   ("Q&Q Unisex White Dial Watch", "Red", False),
                                   ("Lencia Women Sterling Silver Ring", "Black", False),
                                   ("Asics Men Black Silver Shoe", "Silver", False),
                                   ("Puma Unisex Issac Navy White Flip Flop", "Navy Blue", False),
                                   ("Spykar Women Blue Jeans", "Navy Blue", False),
                                   ("W Women Blue Embroidered Kurta", "Red", True),     # not "red" in it
                                   # Many colours and none of its label's: a multicolour print filed Red (stop 64).
                                   ("Global Desi Women Multi Coloured Kurta", "Red", True),
                                   ("Wrangler Women Check Multi Colour Shirt", "Red", True),
                                   ("Femella Women Multicoloured Top", "Orange", True),
                                   ("Ant Kids Multi Colour Grey Tshirts", "Grey", False),
                                   ("Aneri Women Multi Coloured Maroon Kurta", "Red", False),     # maroon: near
                                   ("Casio Edifice Men Multi-Dial Watch", "Black", False),
                                   ("Nike Men Multi Court Shoes", "White", False),
                                   ("BIBA Women Multi Coloured Kurta", "Multi", False)):     # filed as it says
        i = add(baseColour=label, productDisplayName=name)
        assert r._named_otherwise()[r._row[i]] == otherwise, name
    # A routine's colour words are no colour ("Nike Green Storm Deo" filed Black): its look says none.
    deo = add(masterCategory="Personal Care", subCategory="Fragrance", articleType="Deodorant", baseColour="Black",
              productDisplayName="Nike Men Green Storm Deo")
    assert not r._named_otherwise()[r._row[deo]]
    # A catalogue without colour labels the colours module knows: nothing named otherwise, and looks as before.
    r.items["baseColour"] = None
    r._codes.clear()
    assert not r._named_otherwise().any() and r.complete_the_look(deo, k=2) is not None



def test_a_name_without_a_wearer_word_is_read_after_its_brand():
    # "FNF Multi Coloured Sari" (filed White) names no wearer: before stop 65 its colours went unread. Such a name
    # still begins with its brand, and brands hold colours ("Red Rose", "Red Tape", "Black Coffee", "Do U Speak
    # Green"): a brand is what two names or more put before a wearer word, else the name's first word.
    rows = [("Red Rose Women Pink Nightdress", "Pink"), ("Red Rose Women White Bra", "White"),
            ("Red Tape Men Brown Shoes", "Brown"), ("Red Tape Men Black Shoes", "Black"),
            ("Red Tape Black Men Loafers", "Black"), ("Red Tape Black Men Boots", "Black"),     # "red tape" first
            ("Black Coffee Men Blue Shirt", "Blue"), ("Black Coffee Men Grey Shirt", "Grey"),
            ("Roadster Men Coffee Brown Jacket", "Coffee Brown"),       # a label of the catalogue
            ("Do U Speak Green Men Blue Shorts", "Blue"), ("Do U Speak Green Girls Olive Pant", "Olive"),
            ("Adidas Black Men Shoe", "Black"),         # one product's words before its wearer: no brand
            ("FNF Multi Coloured Sari", "White"), ("Quechua Red Sipper", "Purple"),
            ("Red Rose Blue Camisole", "Blue"), ("Red Tape Black Casual Shoes", "Black"),
            ("Black Coffee Grey Striped Shirt", "Grey"), ("Do U Speak Green Navy Blue Shorts", "Navy Blue"),
            ("Adidas Black Backpack", "Red"), ("Red Chief Tan Shoes", "Tan"), ("Arrow Woman Blue Jeggings", "Blue"),
            ("Kalenji Kiprun 2000l Wht/purple", "White"),       # "Wht": white
            ("Puma Men's Benecio Black Coffee Leather Shoe", "Brown")]       # a dark brown
    names = _NamesOnly(pd.DataFrame({"productDisplayName": [n for n, _ in rows], "baseColour": [c for _, c in rows]}))
    said = dict(zip([n for n, _ in rows], names._named_colours()[1], strict=True))
    otherwise = dict(zip([n for n, _ in rows], names._named_otherwise(), strict=True))
    assert said["Red Rose Blue Camisole"] == ("Blue",) and said["Red Tape Black Casual Shoes"] == ("Black",)
    assert said["Black Coffee Grey Striped Shirt"] == ("Grey",) and said["Red Chief Tan Shoes"] == ("Tan",)
    assert said["Do U Speak Green Navy Blue Shorts"] == ("Navy Blue",)
    assert said["Arrow Woman Blue Jeggings"] == ("Blue",)
    assert said["Adidas Black Backpack"] == ("Black",) and said["Quechua Red Sipper"] == ("Red",)
    assert said["Puma Men's Benecio Black Coffee Leather Shoe"] == ("Coffee Brown",)
    assert [n for n, o in otherwise.items() if o] == ["FNF Multi Coloured Sari", "Quechua Red Sipper",
                                                      "Adidas Black Backpack"], otherwise
    assert names._named_rows()["Multi"].tolist() == [rows.index(("FNF Multi Coloured Sari", "White"))]
    # A shop's own catalogue whose names have no wearer word, and so no brand known: read after the first word.
    own = _NamesOnly(pd.DataFrame({"productDisplayName": ["Zara Red Cotton Kurta", "", None], "baseColour": "Red"}))
    assert own._named_colours()[1] == [("Red",), (), ()] and own._named_rows()["Red"].tolist() == [0]


class _NamesOnly(Outfits, ItemTables):
    """What a catalogue's names say of its products' colours (no index: the rules alone)."""

    # The tables after an edit and the column cache, which the Recommender's ItemTables gives the mixin since stop
    # 76 (h76patch): none here, every row read.
    _edit_base = None
    _columns = None

    def __init__(self, items: pd.DataFrame):
        self.items = items
        self._codes: dict = {}

def test_nightwear_looks_are_for_the_night_and_leggings_go_under_a_long_top(tmp_path):
    # A night suit's look was "Bwitch Red Bra" ("Red goes with White") and flip flops; gold party heels' had
    # "Hanes Women Nude ComfortSoft Waistband Cotton Stretch Full Leggings" as their bottoms.
    r, photo = _scratch(tmp_path)
    add = _adding(r, photo, named=True, gender="Women", masterCategory="Apparel", usage="Casual", season="Summer")

    suit = add(subCategory="Loungewear and Nightwear", articleType="Night suits", baseColour="White")
    bra = add(subCategory="Innerwear", articleType="Bra", baseColour="Red")
    robe = add(subCategory="Loungewear and Nightwear", articleType="Bath Robe", baseColour="Blue")
    look = r.complete_the_look(suit, k=4)
    assert bra not in {x.id for x in look} and {x.slot: x.id for x in look}["Loungewear and Nightwear"] == robe
    assert all(x.reason.startswith(("Nightwear to go with", "Flip Flops to go with")) for x in look)
    assert suit in {x.id for x in r.complete_the_look(robe, k=4)}
    # The only party bottoms are leggings and stockings: the party heels' look has other bottoms, or none.
    heels = add(masterCategory="Footwear", subCategory="Shoes", articleType="Heels", usage="Party",
                baseColour="Gold")
    leggings = add(subCategory="Bottomwear", articleType="Leggings", usage="Party", baseColour="Nude")
    stockings = add(subCategory="Bottomwear", articleType="Stockings", usage="Party", baseColour="Black")
    assert not {leggings, stockings} & {x.id for x in r.complete_the_look(heels, k=6)}
    # A kurta's are leggings: they go under it. Stockings go under nothing.
    kurta = add(subCategory="Topwear", articleType="Kurtas", usage="Party", baseColour="Beige")
    assert [x.id for x in r.complete_the_look(kurta, k=6) if x.slot == "Bottomwear"] == [leggings]


def test_a_look_keeps_clothes_for_the_cold_and_for_the_heat_apart(tmp_path):
    # White training shorts were in the looks of a wool sweater, a winter jacket and a thermal jacket.
    r, photo = _scratch(tmp_path)
    # a usage no fixture product has: the only candidates of their usage are these
    add = _adding(r, photo, named=True, gender="Men", masterCategory="Apparel", usage="Party", season="Winter")

    sweater = add(subCategory="Topwear", articleType="Sweaters", baseColour="Navy Blue")
    shorts = add(subCategory="Bottomwear", articleType="Shorts", baseColour="White")
    assert shorts not in {x.id for x in r.complete_the_look(sweater, k=6)}
    # Shorts take no sweater, but a jacket may go over them.
    jacket = add(subCategory="Topwear", articleType="Jackets", baseColour="Black")
    tops = [x.id for x in r.complete_the_look(shorts, k=6) if x.slot == "Topwear"]
    assert tops == [jacket]
    # A cap named for the cold is for the cold ("Roxy Women Mellow Beanie Blue Cap" got white shorts).
    cap = {"masterCategory": "Accessories", "subCategory": "Headwear", "articleType": "Caps", "baseColour": "Grey"}
    beanie = add(**cap, productDisplayName="Acme Men Wool Beanie")
    assert shorts not in {x.id for x in r.complete_the_look(beanie, k=6)}
    assert r._weather("Caps", "Acme Men Cap") == set() and r._weather("Caps", "Acme Men Wool Beanie") == FOR_THE_HEAT
    # The pieces of a look bind each other too: a plain cap's took the jacket and the shorts (a stylist's trial:
    # a red sweater with lounge capris).
    plain = {x.id for x in r.complete_the_look(add(**cap, productDisplayName="Acme Men Cap"), k=6)}
    assert plain & {sweater, jacket, shorts} and not (plain & {sweater, jacket} and shorts in plain)


def test_a_look_is_one_a_stylist_would_put_on(tmp_path):
    # A stylist's trial of 40 looks: a belt with drawstring shorts and with braces, braces without a shirt, a
    # dupatta as a pendant's top, a casual watch with a kurta, dress socks with briefs, stilettos with a T-shirt.
    r, photo = _scratch(tmp_path)
    # a usage no fixture product has: the only candidates of their usage are these
    add = _adding(r, photo, range(5, 360, 5), named=True, gender="Men", masterCategory="Apparel", usage="Party",
                  season="Summer")

    def look(item):
        return {x.id: x.slot for x in r.complete_the_look(item, k=6)}

    accessory = {"masterCategory": "Accessories"}
    belt = add(**accessory, subCategory="Belts", articleType="Belts", baseColour="Black")
    shorts = add(subCategory="Bottomwear", articleType="Shorts", baseColour="Navy Blue")
    tee = add(subCategory="Topwear", articleType="Tshirts", baseColour="White")
    assert shorts in look(tee) and belt not in look(tee) and belt not in look(shorts)
    trousers = add(subCategory="Bottomwear", articleType="Trousers", baseColour="Black")
    assert belt in look(trousers)           # a belt where the bottoms take one
    assert trousers in look(belt) and shorts not in look(belt)      # and a belt's bottoms take it
    braces = add(subCategory="Topwear", articleType="Suspenders", baseColour="Black")
    shirt = add(subCategory="Topwear", articleType="Shirts", baseColour="White")
    assert look(braces).get(shirt) == "Topwear" and belt not in look(braces)
    # A layer is no look's top on its own; a women's T-shirt's shoes are flat.
    women = {"gender": "Women"}
    dupatta = add(**women, subCategory="Topwear", articleType="Dupatta", baseColour="Red")
    pendant = add(**women, **accessory, subCategory="Jewellery", articleType="Pendant", baseColour="Silver")
    assert dupatta not in look(pendant)
    heels = add(**women, masterCategory="Footwear", subCategory="Shoes", articleType="Heels", baseColour="White")
    flats = add(**women, masterCategory="Footwear", subCategory="Shoes", articleType="Flats", baseColour="Beige")
    women_tee = add(**women, subCategory="Topwear", articleType="Tshirts", baseColour="Black")
    assert flats in look(women_tee) and heels not in look(women_tee)
    blouse = add(**women, subCategory="Topwear", articleType="Tops", baseColour="Black")
    assert blouse in look(heels) and women_tee not in look(heels)      # and the other way round
    # Underwear's other piece, no socks.
    socks = add(**accessory, subCategory="Socks", articleType="Socks", baseColour="Black")
    vest = add(subCategory="Innerwear", articleType="Innerwear Vests", baseColour="White")
    briefs = add(subCategory="Innerwear", articleType="Briefs", baseColour="Black")
    assert look(briefs).get(vest) == "Innerwear" and socks not in look(briefs)
    # One print a look: a check shirt took the check trousers whose colour goes best (white with blue) before
    # plain ones.
    checked = add(subCategory="Topwear", articleType="Shirts", baseColour="Blue", productDisplayName="Acme Check Shirt")
    check_trousers = add(subCategory="Bottomwear", articleType="Trousers", baseColour="White",
                         productDisplayName="Acme Men Check Trousers")
    bottoms = [i for i, slot in look(checked).items() if slot == "Bottomwear"]
    assert bottoms and check_trousers not in bottoms
    # No watch with ethnic wear: the catalogue has no ethnic watch, and a casual one stood in.
    add(**women, **accessory, subCategory="Watches", articleType="Watches", baseColour="Gold", usage="Casual")
    kurta = add(**women, subCategory="Topwear", articleType="Kurtas", baseColour="Green", usage="Ethnic")
    assert "Watches" not in look(kurta).values()


def test_similar_items_keep_the_kind_the_name_says(tmp_path):
    # A stylist's trial: 8 polos of 10 for a printed crew-neck T-shirt. Polos that look closer come after the
    # crew necks of the same type, colour and wearer; a "U.S. Polo Assn." T-shirt is no polo.
    r, photo = _scratch(tmp_path)
    meta = {"gender": "Men", "masterCategory": "Apparel", "subCategory": "Topwear", "articleType": "Tshirts",
            "baseColour": "Olive", "usage": "Casual", "season": "Summer"}

    def add(name, turn):
        return r.add_product(photo.rotate(turn, expand=True), {**meta, "productDisplayName": name},
                             allow_new_values=True)

    tee = add("Acme Men Olive Printed T-shirt", 90)
    polos = {add(f"Acme Men Olive Polo T-shirt {j}", 90 + turn) for j, turn in enumerate((8, -8, 12))}
    crews = {add(f"Acme Men Olive Round Neck T-shirt {j}", 90 + turn) for j, turn in enumerate((30, -30))}
    crews.add(add("U.S. Polo Assn. Men Olive T-shirt", 90 + 35))
    crews.add(add("Classic Polo Men Olive T-shirt", 90 - 35))
    ranked = [x.id for x in r.similar(tee, k=10) if x.id in polos | crews]
    assert set(ranked[:4]) == crews and set(ranked[4:]) == polos, ranked
    polo = add("Acme Men Olive Polo T-shirt", 90 + 2)
    assert {x.id for x in r.similar(polo, k=3)} == polos       # and a polo's are polos


def test_a_looks_belt_takes_the_colour_of_its_shoes(tmp_path):
    # A formal shirt's look had brown shoes and a black belt.
    r, photo = _scratch(tmp_path)
    # a usage no fixture product has: the only candidates of their usage are these
    add = _adding(r, photo, named=True, gender="Men", usage="Party", season="Winter")

    shirt = add(masterCategory="Apparel", subCategory="Topwear", articleType="Shirts", baseColour="White")
    shoes = add(masterCategory="Footwear", subCategory="Shoes", articleType="Formal Shoes", baseColour="Brown")
    belt = {"masterCategory": "Accessories", "subCategory": "Belts", "articleType": "Belts"}
    add(**belt, baseColour="Black")         # the shirt's season: ahead but for the shoes
    brown = add(**belt, baseColour="Brown", season="Summer")
    look = {x.slot: x.id for x in r.complete_the_look(shirt, k=6)}
    assert look["Shoes"] == shoes and look["Belts"] == brown


def test_a_looks_pieces_spread_over_the_colours_that_go_with_the_product(monkeypatch):
    # A stylist's trial: a black T-shirt's look was grey trousers, grey shoes, a grey watch, each "Grey goes with
    # Black". Over the fixture's looks, fewer pieces take a colour two others already have (not the product's)
    # with the rule than without it, and fewer looks of three pieces or more are all one colour not the product's.
    import fashionrec.outfits as outfits

    rec = shared_recommender("faiss")        # looks do not depend on the vector index: one backend is enough
    colour = dict(zip(rec.items["id"], rec.items["baseColour"], strict=True))

    def repeats() -> tuple[int, int]:
        thirds = one_colour = 0
        for i in rec.items["id"]:
            worn = [colour[x.id] for x in rec.complete_the_look(int(i), k=6)
                    if isinstance(colour[x.id], str) and colour[x.id] != colour[i]]
            thirds += sum(max(n - 2, 0) for n in collections.Counter(worn).values())
            one_colour += len(worn) >= 3 and len(set(worn)) == 1
        return thirds, one_colour

    # Accessories' near-ties as narrow as clothes': the wider ones (ACCESSORY_TIE) alone leave no look all one colour
    # on the fixture, with the rule or without it (stop 72).
    monkeypatch.setattr(outfits, "ACCESSORY_TIE", outfits.LOOK_TIE)
    spread = repeats()
    monkeypatch.setattr(outfits, "REPEAT_COLOUR", 0.0)
    alike = repeats()
    assert spread[0] < alike[0] and spread[1] < alike[1], (spread, alike)


def test_looks_take_turns_among_equally_good_pieces_and_each_stays_as_it_is(monkeypatch):
    # A stylist's trial: one pair of boys' sunglasses on 4 of 5 boys' pages, one watch in 62 of 800 random looks.
    import fashionrec.outfits as outfits

    rec = shared_recommender("faiss")        # looks do not depend on the vector index: one backend is enough
    ids = [int(i) for i in rec.items["id"]]

    def looks() -> dict[int, list[int]]:
        return {i: [x.id for x in rec.complete_the_look(i, k=6)] for i in ids}

    varied = looks()
    assert looks() == varied        # a product's look is the same on every visit
    monkeypatch.setattr(outfits, "LOOK_TIE", 0.0)
    monkeypatch.setattr(outfits, "ACCESSORY_TIE", 0.0)     # an accessory's near-ties (stop 72) too
    alike = looks()

    def distinct(by: dict[int, list[int]]) -> int:
        return len({x for look in by.values() for x in look})

    assert distinct(varied) > distinct(alike), (distinct(varied), distinct(alike))


def test_a_slots_few_pieces_of_a_usage_are_in_a_share_of_looks_and_colour_right_stand_ins_in_the_rest(
        tmp_path, monkeypatch):
    # Stop 71: the catalogue's three women's ethnic bags beside 2,778 women's ethnic products, two of them in 268 of
    # 300 random such looks. Here one bag of a usage beside its 15 tops (each piece in about two looks: PIECE_LOOKS).
    import fashionrec.outfits as outfits

    monkeypatch.setattr(outfits, "PIECE_LOOKS", 2, raising=False)
    r, _ = _scratch(tmp_path)
    tops = _ids(r, gender="Women", articleType=["Tops", "Tshirts", "Shirts"], usage="Casual")
    own = _ids(r, gender="Women", articleType="Handbags", baseColour="Black")[0]
    _relabel(r, [*tops, own], usage="Festive")
    looks = {t: r.complete_the_look(t, k=6) for t in tops}
    assert {t: [x.id for x in r.complete_the_look(t, k=6)] for t in tops} == \
        {t: [x.id for x in look] for t, look in looks.items()}     # the same on every visit
    bags = {t: x for t, look in looks.items() for x in look if x.slot == "Bags"}
    monkeypatch.setattr(outfits, "PIECE_LOOKS", 10**6, raising=False)
    assert set(bags) == {t for t in tops if any(x.slot == "Bags" for x in r.complete_the_look(t, k=6))}
    assert sum(x.id == own for x in bags.values()) <= len(tops) // 3, [x.id for x in bags.values()]
    for t, x in bags.items():          # a stand-in: of the bag's type, its colour goes with the top's (no clash)
        grown = r._childrens()[r._row[t]] and x.item["articleType"] == "Backpacks"   # a girl's: GROWN_UP_STAND_INS
        assert x.id == own or ((x.item["articleType"] == "Handbags" or grown) and x.item["usage"] == "Casual"
                               and colour_compatibility(r.look_colour(t) or r.item(t)["baseColour"],
                                                        x.item["baseColour"])[0] >= 0.8), (t, x.item)


def test_a_dressed_up_looks_stand_in_bags_are_named_as_their_type_for_no_other_occasion_nor_by_a_sports_brand(
        tmp_path, monkeypatch):
    # Stop 72: of 300 random women's ethnic looks' casual stand-in bags, 25 were a Puma "Jamaica Lifestyle" or shopper
    # bag, a sling bag or a tote. Here one ethnic bag beside ethnic tops and kurtas; of the casual handbags that may
    # stand in for it, a sling bag, an office handbag and a Nike one (Nike's fixture products mostly Sports) are not
    # fit, a grey and a white handbag named so are.
    import fashionrec.outfits as outfits

    monkeypatch.setattr(outfits, "PIECE_LOOKS", 2, raising=False)
    r, _ = _scratch(tmp_path)
    tops = _ids(r, gender="Women", articleType=["Tops", "Tshirts", "Shirts", "Kurtas"])
    own = 20522     # Baggit Women Hail Taj Black Handbag
    _relabel(r, [*tops, own], usage="Ethnic")
    unfit = {25277: "Lino Perros Women Black Sling Bag", 14803: "United Colors of Benetton Women Black Office Handbag",
             46987: "Nike Women Charcoal Handbag"}
    for i, name in unfit.items():
        _relabel(r, [i], productDisplayName=name)
    looks = {t: r.complete_the_look(t, k=6) for t in tops}
    bags = {t: x for t, look in looks.items() for x in look if x.slot == "Bags"}
    stand_ins = {t: x.id for t, x in bags.items() if x.id != own}
    assert stand_ins and not set(stand_ins.values()) & set(unfit), {t: x.item["productDisplayName"]
                                                                    for t, x in bags.items()}
    assert {t: [x.id for x in r.complete_the_look(t, k=6)] for t in tops} == \
        {t: [x.id for x in look] for t, look in looks.items()}     # the same on every visit
    # Where none is fit, the others still stand in: every look that had a bag has one.
    _relabel(r, _ids(r, gender="Women", articleType="Handbags", usage="Casual"), productDisplayName="Zed Women Tote")
    assert {t for t in tops if any(x.slot == "Bags" for x in r.complete_the_look(t, k=6))} == set(bags)


def test_a_bag_of_the_products_season_wins_no_more_looks_than_another_as_good(tmp_path):
    # Stop 72: of the catalogue's 133 women's ethnic jewellery 8 are filed Fall, one of them neutral: "Adrika Beige
    # Bangle" was in 72 of the 119 Fall looks of 300 random women's ethnic looks, its season the whole of its lead. A
    # bag's or a bangle's season says when it was listed (looks.SEASONLESS_SLOTS). Here the women's handbags all black
    # and casual, one filed the tops' season (Fall), the others Summer.
    r, _ = _scratch(tmp_path)
    tops = _ids(r, gender="Women", articleType=["Tops", "Tshirts", "Shirts"], usage="Casual")
    bags = _ids(r, gender="Women", articleType="Handbags")
    _relabel(r, bags, baseColour="Black", usage="Casual", season="Summer")
    _relabel(r, tops, season="Fall")
    fall = bags[0]
    _relabel(r, [fall], season="Fall")
    picked = [x.id for t in tops for x in r.complete_the_look(t, k=6) if x.slot == "Bags"]
    assert len(picked) >= len(tops) // 2, picked
    assert picked.count(fall) <= len(picked) // 3, picked


def test_a_shoe_of_the_products_season_wins_no_more_looks_than_another_as_good(tmp_path):
    # Stop 73: the catalogue's season says when a shoe was listed (913 of its 1,323 heels filed Winter, 11 of 21 boots
    # Summer); the few girls' and kids' shoes filed Summer were 146 of the 265 shoes of 300 random girls' looks,
    # "Enroute kids Girls Blue Casual Shoes" in 80 (looks.SEASONLESS_SLOTS). Here the women's shoes all black and
    # casual, one filed the tops' season (Fall), the others Summer.
    r, _ = _scratch(tmp_path)
    tops = _ids(r, gender="Women", articleType=["Tops", "Tshirts", "Shirts"], usage="Casual")
    shoes = _ids(r, gender="Women", subCategory="Shoes")
    _relabel(r, shoes, baseColour="Black", usage="Casual", season="Summer", productDisplayName="Zed Women Shoes")
    _relabel(r, tops, season="Fall")
    fall = _ids(r, gender="Women", articleType="Casual Shoes")[0]
    _relabel(r, [fall], season="Fall")
    picked = [x.id for t in tops for x in r.complete_the_look(t, k=6) if x.slot == "Shoes"]
    assert len(picked) >= len(tops) // 2, picked
    assert picked.count(fall) <= len(picked) // 3, picked


def test_a_colour_pairs_few_pieces_lead_a_share_of_the_looks_of_the_products_colour(tmp_path, monkeypatch):
    # Stop 73: "Catwalk Women Grey Wedges", the one grey pair of the catalogue's 21 women's ethnic shoes, a listed pair
    # with pink and purple, was in 48 of 300 random women's ethnic looks, 33 of them pink or purple products'. Here the
    # women's casual tops all pink, their shoes black but one grey: the grey leads about PIECE_LOOKS looks of pink.
    import fashionrec.outfits as outfits

    monkeypatch.setattr(outfits, "PIECE_LOOKS", 2, raising=False)
    r, _ = _scratch(tmp_path)
    tops = _ids(r, gender="Women", articleType=["Tops", "Shirts"], usage="Casual")
    shoes = _ids(r, gender="Women", subCategory="Shoes")
    _relabel(r, tops, baseColour="Pink")
    _relabel(r, shoes, baseColour="Black", usage="Casual", season="Summer", productDisplayName="Zed Women Shoes")
    grey = _ids(r, gender="Women", articleType="Casual Shoes")[0]
    _relabel(r, [grey], baseColour="Grey")
    looks = {t: [x.id for x in r.complete_the_look(t, k=6)] for t in tops}
    assert looks == {t: [x.id for x in r.complete_the_look(t, k=6)] for t in tops}     # the same on every visit
    picked = {t: x.id for t in tops for x in r.complete_the_look(t, k=6) if x.slot == "Shoes"}
    monkeypatch.setattr(outfits, "PIECE_LOOKS", 10**6, raising=False)
    led = {t: x.id for t in tops for x in r.complete_the_look(t, k=6) if x.slot == "Shoes"}
    assert set(picked) == set(led) and list(led.values()).count(grey) >= len(led) // 2, led   # every look shod
    assert 0 < list(picked.values()).count(grey) <= len(picked) // 3, picked
    for t in tops:      # the pair still says so where it is taken
        grey_shoe = [x for x in r.complete_the_look(t, k=6) if x.id == grey]
        assert all("Grey goes with" in x.reason for x in grey_shoe), grey_shoe


def test_a_childs_look_with_no_childrens_bag_takes_a_grown_ups_unisex_backpack_said_for_anyone(tmp_path, monkeypatch):
    # Stop 73: the catalogue has no boys' bag and two girls' ones, left to other looks (PIECE_LOOKS): of 300 random
    # girls' looks 223 were three pieces, boys' 243. A backpack comes in no size: a grown-up's unisex one fills a
    # child's bag slot (looks.GROWN_UP_STAND_INS), not one named for a laptop or a bag of another name filed as one,
    # nor a women's bag; a child's bag first.
    import fashionrec.outfits as outfits

    r, _ = _scratch(tmp_path)
    women = _ids(r, gender="Women", masterCategory="Apparel") + _ids(r, gender="Women", subCategory="Shoes")
    _relabel(r, women, gender="Girls")
    tops = _ids(r, gender="Girls", articleType=["Tops", "Tshirts", "Shirts"])
    backpacks = _ids(r, gender="Unisex", articleType="Backpacks")
    laptop = backpacks[0]
    _relabel(r, [laptop], productDisplayName="Wildcraft Unisex Black Laptop Backpack")
    looks = {t: r.complete_the_look(t, k=6) for t in tops}
    bags = [x for look in looks.values() for x in look if x.slot == "Bags"]
    assert len(bags) >= len(tops) // 2, [len(look) for look in looks.values()]
    assert {x.id for x in bags} <= set(backpacks) - {laptop}, [x.item["productDisplayName"] for x in bags]
    # named backpacks only: not "American Tourister Unisex Casual Blue Bag", filed as one
    assert all("backpack" in x.item["productDisplayName"].lower() for x in bags), [x.item for x in bags]
    assert all(x.card_reason.startswith("For anyone") and "(for anyone)" in x.reason for x in bags), bags[0]
    assert all(x.item["gender"] == "Girls" for look in looks.values() for x in look if x.slot != "Bags")
    # A grown-up's backpack alone is no child's look: a boy's shorts with no other piece for a boy get none.
    shorts = _ids(r, productDisplayName="Doodle Kids Boy Light Blue Shorts")
    assert shorts and r.complete_the_look(shorts[0], k=4) == []
    # A girl's own backpack, where it is not left to other looks, before any grown-up's.
    own = backpacks[1]
    _relabel(r, [own], gender="Girls", productDisplayName="Quechua Kids-Girls Brown Backpack")
    monkeypatch.setattr(outfits, "PIECE_LOOKS", 10**6, raising=False)
    bags = [x.id for t in tops for x in r.complete_the_look(t, k=6) if x.slot == "Bags"]
    assert bags and set(bags) == {own}, bags


def test_few_pieces_with_no_stand_in_are_in_a_share_of_looks_each_one_piece_short_at_most(tmp_path, monkeypatch):
    # Stop 71: "Quechua Kids-Girls Brown Backpack", the catalogue's one girls' casual bag, in 235 of 300 random girls'
    # looks; left to other looks with no stand-in, 54 of 300 girls' looks were two pieces (stop 72). Here the tops'
    # only watch, bag and sunglasses are of their usage, with none of another for a stand-in.
    import fashionrec.outfits as outfits

    monkeypatch.setattr(outfits, "PIECE_LOOKS", 1, raising=False)
    r, _ = _scratch(tmp_path)
    tops = _ids(r, gender="Women", articleType=["Tops", "Tshirts", "Shirts"], usage="Casual")
    few = [_ids(r, gender="Women", articleType=t)[0] for t in ("Watches", "Handbags", "Sunglasses")]
    _relabel(r, [*tops, *few], usage="Festive")
    _relabel(r, [i for i in _ids(r, subCategory=["Watches", "Bags", "Eyewear"]) if i not in few], gender="Men")
    looks = {t: [x.id for x in r.complete_the_look(t, k=4)] for t in tops}
    monkeypatch.setattr(outfits, "PIECE_LOOKS", 10**6)
    full = {t: len(r.complete_the_look(t, k=4)) for t in tops}
    assert all(len(looks[t]) >= min(full[t], 3) for t in tops), (looks, full)
    held = collections.Counter(i for look in looks.values() for i in look if i in few)
    assert max(held.values()) <= len(tops) // 2, held


def test_an_accessorys_near_ties_are_wider_than_clothes(monkeypatch):
    # Stop 71: an accessory's colour capped at a neutral's, the most typical photo won the rest: 62% of men's looks'
    # bags black, the catalogue's men's and unisex bags 41%. Over the fixture's looks, the most used accessory is in
    # fewer looks with the wider near-ties than with a clothes' ones.
    import fashionrec.outfits as outfits
    from fashionrec.looks import ACCESSORY_SLOTS, LOOK_TIE

    rec = shared_recommender("faiss")        # looks do not depend on the vector index: one backend is enough

    def most_used() -> int:
        return collections.Counter(x.id for i in rec.items["id"] for x in rec.complete_the_look(int(i), k=6)
                                   if x.slot in ACCESSORY_SLOTS).most_common(1)[0][1]

    wide = most_used()
    monkeypatch.setattr(outfits, "ACCESSORY_TIE", LOOK_TIE, raising=False)
    assert wide < most_used(), wide


def test_a_search_naming_no_wearer_lists_grown_ups_first_and_not_a_type_misfiled_for_a_wearer(tmp_path, monkeypatch):
    # "red dress for party" began with two girls' dresses; "black party heels" with the catalogue's one men's
    # Heels, "Carlton London Men Black Leather Casual Shoes".
    import fashionrec.text_search as text_search

    r, photo = _scratch(tmp_path)
    tee = r.item(_some_id(r, articleType="Tshirts", gender="Men"))
    boys = r.add_product(photo.rotate(5, fillcolor="white"), {
        "productDisplayName": "Tshirts Tshirt", "gender": "Boys", "masterCategory": "Apparel",
        "subCategory": "Topwear", "articleType": "Tshirts", "baseColour": tee["baseColour"], "usage": "Casual"},
        allow_new_values=True)
    found = r.search_text("tshirts", k=200)
    grown = [i for i, x in enumerate(found) if x.item["gender"] in ("Men", "Women", "Unisex")
             and x.item["articleType"] == "Tshirts" and not r._childrens()[r._row[x.id]]]      # not "Boy's ... Kids"
    assert [x.id for x in found].index(boys) > max(grown)
    assert [x.id for x in r.search_text("tshirts for boys", k=5)][0] == boys       # asked for: first
    heels = r.items[r.items["articleType"] == "Heels"]
    monkeypatch.setattr(text_search, "ODD_WEARER_MIN", len(heels))
    monkeypatch.setattr(text_search, "ODD_WEARER_SHARE", 1.5 / (len(heels) + 1))
    odd = r.add_product(photo.rotate(8, fillcolor="white"), {
        "productDisplayName": "Heels Heels", "gender": "Men", "masterCategory": "Footwear", "subCategory": "Shoes",
        "articleType": "Heels", "baseColour": heels["baseColour"].iloc[0], "usage": "Casual"}, allow_new_values=True)
    assert odd not in {x.id for x in r.search_text("heels", k=50, min_similarity=RELEVANT_TEXT_SIMILARITY)}
    assert odd in {x.id for x in r.search_text("heels for men", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)}
    # ... and so is the wearer chosen as a filter: "black handbag" under Gender: Men found nothing beside its one
    # word match, where "black handbag for men" found 62 (a shopper's trial).
    assert odd in {x.id for x in r.search_text("heels", k=5, filters={"gender": "Men"},
                                               min_similarity=RELEVANT_TEXT_SIMILARITY)}
    assert odd in {x.id for x in r.search_text("heels", k=5, filters={"gender": "men"},
                                               min_similarity=RELEVANT_TEXT_SIMILARITY)}
    # ... and counted so by a page's filter lists (text_relevant), only where a wearer is chosen.
    assert r.text_relevant("heels", RELEVANT_TEXT_SIMILARITY, wearer_chosen=True)[r._row[odd]]
    assert not r.text_relevant("heels", RELEVANT_TEXT_SIMILARITY)[r._row[odd]]


def test_a_search_for_several_types_lists_each_of_them(rec):
    def ids(q):
        return {p["id"] for p in rec.browse(q=q, limit=100_000)[1]}

    jeans, tees = ids("jeans"), ids("tshirts")
    assert jeans and tees
    # Before: every word in one product ("t-shirt & shorts" gave T-shirts with "Short" in the name).
    for q in ("jeans & tshirts", "jeans and t-shirts", "jeans, tshirts", "jeans or tees"):
        assert ids(q) == jeans | tees, q
        assert rec.browse(q=q, limit=0)[0] == len(jeans | tees)
    # The parts take turns on the page (before: the catalogue's order, mostly T-shirts first).
    types = [p["articleType"] for p in rec.browse(q="jeans and tshirts", limit=4)[1]]
    assert types[0] != types[1] and set(types) == {"Jeans", "Tshirts"}
    # A wearer named once applies to every part; a part that names no type keeps the words together.
    assert ids("jeans and tshirts for men") == ids("jeans men") | ids("tshirts men")
    assert ids("blue and white tshirts") == ids("blue white tshirts")


def test_not_leaves_out_what_it_names(rec):
    def ids(q):
        return {p["id"] for p in rec.browse(q=q, limit=100_000)[1]}

    colour = rec.items.loc[rec.items["articleType"] == "Tshirts", "baseColour"].value_counts().index[0]
    tees, coloured = ids("tshirts"), ids(f"tshirts {colour}")
    assert coloured and tees - coloured
    for q in (f"tshirts not {colour}", f"tshirts without {colour.lower()}", f"no {colour} tshirts"):
        assert ids(q) == tees - coloured, q
        assert rec.browse(q=q, limit=0)[0] == len(tees - coloured)
    # By meaning too: none of the closest matches has what the query leaves out.
    recs = rec.search_text(f"tshirts not {colour}", k=20, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert recs and all(r.item["baseColour"] != colour for r in recs)
    assert rec.text_relevant(f"tshirts not {colour}", RELEVANT_TEXT_SIMILARITY)[
        rec._rows(np.array(sorted(coloured)))].sum() == 0
    # A negator with nothing after it is dropped, not searched for.
    assert ids("tshirts not") == tees
    # Words a product name has as typed are a name, not a negation ("no show socks": Fila's No Show socks).
    named = rec.items["productDisplayName"].dropna().iloc[0]
    rec.items.loc[rec.items.index[0], "productDisplayName"] = f"{named} No Show"
    rec._reindex()
    try:
        assert rec.items.index[0] in ids("no show")
    finally:
        rec.items.loc[rec.items.index[0], "productDisplayName"] = named
        rec._reindex()


def test_usage_and_season_words_rank_their_products_first(rec):
    parsed = rec.parse_query("formal shirt for men in autumn")
    assert parsed["usage"] == ["Formal"] and parsed["articleType"] == ["Shirts"]
    assert parsed["season"] == ["Fall"]                          # the catalogue's word for autumn
    assert "usage" not in rec.parse_query("casual shoes")       # a type's name, not the usage Casual
    formal = rec.items[(rec.items["articleType"] == "Shirts") & (rec.items["usage"] == "Formal")]
    assert len(formal) > 0
    recs = rec.search_text("formal shirt", k=len(formal))
    assert [r.item["usage"] for r in recs] == ["Formal"] * len(formal)
    # "wear" is not a word products must have: "casual wear" is casual products.
    assert rec.browse(q="casual wear")[0] == rec.browse(q="casual")[0] > 0


def test_a_damaged_manifest_of_the_index_a_build_replaces_is_said(tmp_path, caplog):
    # Its highest id cannot be carried over: ids of products removed from it may come back, so say so.
    from fashionrec.index_build import _previous_ids

    assert _previous_ids(tmp_path) == (0, set(), set()) and not caplog.text       # no index there: nothing to say
    (tmp_path / "manifest.json").write_text('{"highest_id": 7, "left_catalogue_ids": [3], '
                                            '"removed_catalogue_ids": [5], "removed_ids": [5, 6]}')
    assert _previous_ids(tmp_path) == (7, {3, 5}, {5, 6})
    (tmp_path / "manifest.json").write_text('{"highest_id": 7')
    with caplog.at_level("WARNING"):
        assert _previous_ids(tmp_path) == (0, set(), set())
    assert "may be handed out again" in caplog.text
    # Nor does it stop a rebuild at which Milvus collection the folder kept (it did, after the embedding).
    from fashionrec.index_build import _kept_by_faiss, _readable

    with caplog.at_level("WARNING"):
        assert _readable(_kept_by_faiss, tmp_path) is None
    assert "one may be left behind" in caplog.text
    (tmp_path / "manifest.json").write_text('{"previous_milvus": {"collection": "c"}}')
    assert _readable(_kept_by_faiss, tmp_path) == {"collection": "c"}


def test_a_product_with_a_placeholder_name_comes_last_and_is_never_picked(tmp_path):
    # The shared catalogue names five products "test dispName", "productDisplayName", a size chart's file
    # name...: `data check` lists them; a shopper saw them among the heels and the tunics.
    r, _ = _scratch(tmp_path)
    jeans = r.items.index[r.items["articleType"] == "Jeans"]
    first = int(r.items.loc[jeans[0], "id"])
    neighbour = r.similar(first, k=1)[0].id
    total, page = r.browse(q="jeans", limit=1000)
    assert page[0]["id"] == first
    r.items.loc[r.items["id"] == neighbour, "productDisplayName"] = "test dispName Jeans"
    r.items.loc[r.items["id"] == first, "productDisplayName"] = "Jeans_Size_Chart.jpg"
    r._reindex()
    assert r._set_aside() == {first, neighbour}
    again_total, again = r.browse(q="jeans", limit=1000)
    assert again_total == total and {p["id"] for p in again[-2:]} == {first, neighbour}
    # Not found by the placeholder's words, which no page shows (pages show a name made of its labels).
    assert r.browse(q="dispname", limit=0)[0] == 0 and r.browse(q="size chart", limit=0)[0] == 0
    assert neighbour not in {x.id for x in r.similar(first, k=10)}
    assert {first, neighbour}.isdisjoint(x.id for x in r.search_text("jeans", k=len(jeans) - 2))
    top = _some_id(r, subCategory="Topwear", gender="Men")
    assert {first, neighbour}.isdisjoint(x.id for x in r.complete_the_look(top, k=8))
    assert {first, neighbour}.isdisjoint(x.id for x in r.for_profile([top], k=20))


@pytest.mark.parametrize("listed_as", ["blank_image_ids", "tiny_image_ids"])
def test_a_product_with_a_blank_or_tiny_photo_is_never_a_photos_match(tmp_path, listed_as):
    # The shared catalogue's pure white photo (id 44998, a watch) was the closest product to any photo of
    # noise, which then passed for familiar; a shop's 4x5 photo of a shoe was tagged a bangle. The index
    # build lists such products in its manifest.
    r, _ = _scratch(tmp_path)
    shoe = _some_id(r, articleType="Casual Shoes")
    photo = Image.open(r.image_path(shoe))
    assert r.similar_to_image(photo, k=3).closest > 0.99
    r.manifest[listed_as] = [shoe]
    r._reindex()
    found = r.similar_to_image(photo, k=10)
    assert found.closest < 0.99 and shoe not in {x.id for x in found[1]}
    assert shoe not in {x.id for x in r.similar(r.similar(shoe, k=1)[0].id, k=10)}
    total, page = r.browse(q="casual shoes", limit=1000)
    assert page[-1]["id"] == shoe and total == len(page)
    # Text search by meaning lists it after every other product too, not first of its tier (a shop's re-trial:
    # the 4x5 photo was first for "brown formal shoes", the only product of that type and colour).
    colour = r.item(shoe)["baseColour"]
    found = [x.id for x in r.search_text(f"{colour} casual shoes".lower(), k=len(r.items))]
    assert found[-1] == shoe


def test_a_childrens_brands_products_are_childrens_whatever_their_name_says(tmp_path):
    # A new user's trial: "Gini and Jony Men Solid White Shorts" (a kids' brand, 605 of its 616 named products
    # children's) completed a man's shirt in the README's own example. A brand of 20 or more products, 98% of them
    # children's, makes all of its products children's; a brand at 90% (Disney's men's T-shirts) does not.
    r, _ = _scratch(tmp_path)
    rows = r.items.index[:80]
    names = [f"Kidco Boys Tee {n}" for n in range(49)] + ["Kidco Men Solid White Shorts"] \
        + [f"Toonco Boys Tee {n}" for n in range(27)] + ["Toonco Men Printed T-shirt"] * 3
    r.items.loc[rows, "productDisplayName"] = names
    r.items.loc[rows, "gender"] = ["Boys"] * 49 + ["Men"] + ["Boys"] * 27 + ["Men"] * 3
    r._reindex()
    child = dict(zip(r.items["id"], r._childrens(), strict=True))
    assert child[int(r.items.loc[rows[49], "id"])]                                  # Kidco's (49 of 50), men's
    assert not any(child[int(i)] for i in r.items.loc[rows[77:], "id"])            # Toonco: 27 of 30
    assert not any(child[int(i)] for i in r.items.loc[rows[:49], "id"])            # filed as boys' already
    # A junior size is a child's too ("Puma Unisex Speeder SL Jr", "Timberland Men Juniors ...").
    r.items.loc[rows[0], ["productDisplayName", "gender"]] = ["Puma Unisex Speeder SL Jr", "Unisex"]
    r.items.loc[rows[1], ["productDisplayName", "gender"]] = ["Timberland Men Juniors Beige Casual Shoes", "Men"]
    r._reindex()
    assert r._childrens()[[r._row[int(r.items.loc[rows[k], "id"])] for k in (0, 1)]].all()


def test_a_name_whose_wearer_is_a_child_in_a_brand_mostly_for_children_is_a_childs(tmp_path):
    # "Doodle Boy Road Trip Grey Tshirts" (filed Men; Doodle: 88% of 298 products children's) was a man's T-shirt to
    # looks and searches, no boy's (history.md, Stop 69, A shopper's trial): a name whose wearer word is a child's,
    # of a brand mostly for children, is a child's; of another brand ("KXIP Boys Fangear Tee"), as filed.
    r, _ = _scratch(tmp_path)
    rows = r.items.index[:60]
    names = [f"Kidco Kids Boys Tee {n}" for n in range(25)] + ["Kidco Boy Road Trip Tee", "Kidco Men Polo"] * 2 \
        + [f"Fanco Men Tee {n}" for n in range(27)] + ["Fanco Boys Fangear Tee", "Fanco Men Kids Cap"] \
        + ["Kidco  Fairy Girl Tee"]
    r.items.loc[rows[:len(names)], "productDisplayName"] = names
    r.items.loc[rows[:len(names)], "gender"] = ["Men"] * len(names)
    r._reindex()
    child = dict(zip(r.items["id"], r._childrens(), strict=True))
    said = {n: bool(child[int(i)]) for n, i in zip(names, r.items.loc[rows[:len(names)], "id"], strict=True)}
    assert said["Kidco Boy Road Trip Tee"] and said["Fanco Men Kids Cap"] and said["Kidco  Fairy Girl Tee"]
    assert not said["Kidco Men Polo"] and not said["Fanco Boys Fangear Tee"] and not said["Fanco Men Tee 0"]


def test_adding_the_photo_of_a_row_the_index_left_out_takes_the_rows_labels(tmp_path, fixture_dir, caplog):
    # `recommend similar 3413` says the row has no photo and to `index add` it: the row's name and labels,
    # not the tagger's guesses and a made-up name ("Men Grey Tshirts" for "Inkfruit Mens Chain Reaction T-shirt").
    r, photo = _scratch(tmp_path)
    assert 3413 in r.manifest["left_out"]["missing"]
    row = load_catalog(fixture_dir, progress=False).table.set_index("id").loc[3413]
    assert r.left_out_row(3413)["productDisplayName"] == row["productDisplayName"]
    assert r.left_out_row(_some_id(r)) == {} and r.left_out_row(None) == {}
    # Another type than the row's: its categories are the row's too, said to be (the message said to leave out a
    # subCategory that was never given, an operator's trial).
    with pytest.raises(BadInputError, match=f"subCategory '{row['subCategory']}', from row 3413 of the catalogue "
                       r"\(left out of the index for want of a photo\), does not go with articleType 'Watches'.*: "
                       "give subCategory yourself"):
        r.add_product(photo, {"id": 3413, "articleType": "Watches"})
    said: list[str] = []
    new = r.add_product(photo, {"id": 3413, "season": "Winter"}, allow_new_values=True, warnings=said)
    item = r.item(new)
    # Said where the labels come from (a reused id took a T-shirt row's labels without a word).
    assert any(w.startswith("id 3413 is a row of the catalogue the index left out for want of a photo: its ")
               and f"articleType {row['articleType']!r}" in w and "season" not in w for w in said), said
    assert new == 3413 and item["productDisplayName"] == row["productDisplayName"]
    # The manifest no longer lists it as left out (a rebuild carrying it over listed it still, a shop's trial).
    assert 3413 not in r.manifest["left_out"]["missing"]
    assert 3413 not in Recommender.load(r.index_dir, model=r.tagger).manifest["left_out"]["missing"]
    assert item["articleType"] == row["articleType"] and item["gender"] == row["gender"]
    assert item["season"] == "Winter"           # what is given wins
    # The catalogue moved since the build: said, not silently the tagger's guesses.
    other = next(i for ids in r.manifest["left_out"].values() for i in ids)
    assert r.left_out_row(other)
    r.manifest["data_dir"] = str(tmp_path / "moved")
    with caplog.at_level("WARNING"):
        assert r.left_out_row(other) == {}
    assert "no longer has it" in caplog.text


def test_a_grown_ups_search_lists_childrens_products_last_and_a_night_out_no_nightwear_first(tmp_path):
    # "jeans for men" had "Palm Tree Kids Boy Washed Blue Jeans" (filed Men) 8th; "date night outfit for men"
    # filled pages 3-4 with pyjama sets.
    r, _ = _scratch(tmp_path)
    jeans = r.items.index[(r.items["articleType"] == "Jeans") & (r.items["gender"] == "Men")]
    assert len(jeans) >= 3
    kid = int(r.items.loc[jeans[0], "id"])
    r.items.loc[jeans[0], "productDisplayName"] = "Palm Tree Kids Boy Washed Blue Jeans"
    r._reindex()
    total, page = r.browse(q="jeans for men", limit=100)
    # After it only what is named "Jeans" but of another kind, the fixture's "Blue Jeans Backpack" (stop 73).
    kinds = [p["masterCategory"] for p in page]
    assert [p["id"] for p in page if p["articleType"] == "Jeans"][-1] == kid and total == len(page)
    assert kinds == sorted(kinds, key=lambda k: k != "Apparel") and kinds[-1] != "Apparel", kinds
    assert r.search_text("jeans for men", k=len(jeans))[-1].id == kid
    shirts = r.items.index[(r.items["articleType"] == "Shirts") & (r.items["gender"] == "Men")]
    usage = r.items["usage"].copy()
    usage.loc[shirts[:3]] = "Party"
    r.items["usage"] = usage
    r.items.loc[shirts[0], "subCategory"] = "Loungewear and Nightwear"      # a party night suit, say
    r._reindex()
    found = r.search_text("date night outfit for men", k=3)
    # The Party shirts first, the Party night suit not before them: since stop 75 "outfit" reads as "wear" (the
    # clothes, not nightwear, first), so it may come after the other clothes too.
    night = int(r.items.loc[shirts[0], "id"])
    assert [x.item["usage"] for x in found[:2]] == ["Party"] * 2 and night not in [x.id for x in found[:2]]


def test_an_occasion_word_beside_a_type_ranks_its_products_first_and_leaves_the_rest_in(rec):
    # "black dress for party" listed the 16 black dresses filed under Party, of the catalogue's 95 black dresses.
    shirts = rec.browse(q="shirts", limit=0)[0]
    formal = int(((rec.items["articleType"] == "Shirts") & (rec.items["usage"] == "Formal")).sum())
    assert 0 < formal < shirts
    for q in ("formal shirt", "shirt for the office"):
        total, page = rec.browse(q=q, limit=100)
        assert total == shirts and [p["usage"] for p in page[:formal]] == ["Formal"] * formal, q
        assert rec.facets(q=q)["articleType"]["Shirts"] == rec.facets(q="shirts")["articleType"]["Shirts"]
    # A usage word that is part of a type's name stays a word: "casual shoes" are not every shoe.
    assert 0 < rec.browse(q="casual shoes", limit=0)[0] < rec.browse(q="shoes", limit=0)[0]
    # An occasion none of the type's products has finds nothing by words: the catalogue page then shows the
    # closest matches by meaning, not every shirt in the catalogue's order.
    assert not ((rec.items["articleType"] == "Shirts") & (rec.items["usage"] == "Ethnic")).any()
    assert rec.browse(q="shirt for a wedding", limit=0)[0] == 0
    # Without a type the occasion is what narrows.
    assert rec.browse(q="formal", limit=0)[0] < len(rec)


def test_a_gift_word_beside_a_type_only_ranks(tmp_path):
    # "watch for gift" listed only the 40 watches typed "Free Gifts" (the only ones with the word), none of
    # the 2,288 others.
    r, _ = _scratch(tmp_path)
    watches = r.items.index[r.items["articleType"] == "Watches"]
    freebie = int(r.items.loc[watches[0], "id"])
    for col, value in (("articleType", "Free Gifts"), ("subCategory", "Free Gifts"), ("masterCategory", "Free Items")):
        r.items[col] = r.items[col].astype(object)
        r.items.loc[watches[0], col] = value
    r._reindex()
    assert "watch" in r.item(freebie)["productDisplayName"].lower()
    for q in ("watch for gift", "watches presents", "gift watch"):
        total, page = r.browse(q=q, limit=100)
        assert total == r.browse(q="watch", limit=0)[0] == len(watches) and page[-1]["id"] == freebie, q
    assert [p["id"] for p in r.browse(q="free watch gift", limit=100)[1]] == [freebie]


def test_a_gift_word_without_a_type_finds_no_freebies(tmp_path):
    # "gift for kids" listed three Q&Q watches filed as Free Gifts, the only products with both words.
    r, _ = _scratch(tmp_path)
    watches = r.items.index[r.items["articleType"] == "Watches"]
    freebie, gift = (int(r.items.loc[w, "id"]) for w in watches[:2])
    for col, value in (("articleType", "Free Gifts"), ("subCategory", "Free Gifts"), ("masterCategory", "Free Items"),
                       ("gender", "Boys")):
        r.items[col] = r.items[col].astype(object)
        r.items.loc[watches[0], col] = value
    r._reindex()
    assert r.browse(q="gift for kids", limit=10)[0] == 0
    assert [p["id"] for p in r.browse(q="free gift for kids", limit=10)[1]] == [freebie]
    # A product to buy with the words is found as before, the freebie not at all.
    r.items.loc[watches[1], ["productDisplayName", "gender"]] = ["Titan Kids Gift Watch", "Girls"]
    r._reindex()
    assert [p["id"] for p in r.browse(q="gift for kids", limit=10)[1]] == [gift]
    assert [p["id"] for p in r.browse(q="gift watch", limit=10)[1]][-1] == freebie     # beside a type: last


def test_filter_counts_can_count_each_photo_once(tmp_path):
    # A page of closest matches said "Girls (72)" and listed 52: the search lists a photo filed under
    # several ids once.
    r, _ = _scratch(tmp_path)
    tees = np.flatnonzero((r.items["articleType"] == "Tshirts").to_numpy())
    embeddings = np.array(r.embeddings)
    embeddings[tees[1]] = embeddings[tees[0]]          # a second id for the first T-shirt's photo
    r.embeddings = embeddings
    r._reindex()
    everything = np.ones(len(r.items), bool)
    assert r.facets(within=everything)["articleType"]["Tshirts"] == len(tees)
    assert r.facets(within=everything, photos=True)["articleType"]["Tshirts"] == len(tees) - 1
    listed = [x.id for x in r.search_text("tshirt", k=100) if x.item["articleType"] == "Tshirts"]
    assert len(listed) == len(tees) - 1


def test_a_search_for_children_lists_no_grown_ups_unisex_products(tmp_path):
    # "bra for girls" listed a grown-ups' unisex swimming cap third; a child's product filed as a man's counts.
    r, photo = _scratch(tmp_path)
    tee = {"masterCategory": "Apparel", "subCategory": "Topwear", "articleType": "Tshirts", "baseColour": "Black"}
    grown = r.add_product(photo.rotate(8, fillcolor="white"),
                          {**tee, "productDisplayName": "Tribord Unisex Black Tshirt", "gender": "Unisex"})
    child = r.add_product(photo.rotate(-8, fillcolor="white"),
                          {**tee, "productDisplayName": "Tantra Kids Unisex Black Tshirt", "gender": "Unisex"})
    filed = r.add_product(photo.rotate(15, fillcolor="white"),
                          {**tee, "productDisplayName": "Palm Tree Kids Boys Black Tshirt", "gender": "Men"})
    found = [x.id for x in r.search_text("black tshirt for kids", k=100, min_similarity=RELEVANT_TEXT_SIMILARITY)]
    assert {child, filed} <= set(found) and grown not in found
    assert grown in {x.id for x in r.search_text("black tshirt", k=100, min_similarity=RELEVANT_TEXT_SIMILARITY)}
    # A child's product filed as a man's is a boy's, not a girl's, when its name says so: "jacket for girls" listed
    # "Palm Tree Kids Boys Solid White Jackets" as matching the gender.
    for_child = lambda q: {x.id for x in r.search_text(q, k=100, min_similarity=RELEVANT_TEXT_SIMILARITY)}  # noqa: E731
    assert filed in for_child("black tshirt for boys")
    girls = for_child("black tshirt for girls")
    assert child in girls and filed not in girls
    # "unisex" names no child: a grown-up's unisex product is one.
    assert grown in {x.id for x in r.search_text("unisex black tshirt", k=100, min_similarity=RELEVANT_TEXT_SIMILARITY)}


def test_the_types_nearest_to_one_the_wearer_has_none_of_stand_in_first(tmp_path):
    # "sweater for kids" listed 96 T-shirts and tops by meaning, the three sweatshirts among them 3rd, 25th, 40th.
    r, _ = _scratch(tmp_path)
    women = (r.items["gender"] == "Women").to_numpy()
    gender = r.items["gender"].copy()
    gender[women & (r.items["articleType"] == "Sweatshirts").to_numpy()] = "Men"
    r.items["gender"] = gender
    r._reindex()
    # A grown-up's, not a child's filed as a woman's ("Palm Tree Girl's ..."), which a woman's search lists last.
    topwear = np.flatnonzero(women & (r.items["subCategory"] == "Topwear").to_numpy() & (gender == "Women").to_numpy()
                             & ~r._childrens())
    jackets = int((r.items["articleType"].to_numpy()[topwear] == "Jackets").sum())
    assert jackets and len(topwear) > jackets + 2
    r.text_embeddings[topwear] = r.text_embeddings[topwear[0]]     # alike in meaning: kinship decides
    assert r.absent_kind("sweatshirt for women") == (["Sweatshirts"], ["Women"], False)
    found = r.search_text("sweatshirt for women", k=len(topwear))
    types = [x.item["articleType"] for x in found]
    assert len(found) == len(topwear) and types[:jackets] == ["Jackets"] * jackets      # warm, like sweatshirts
    kin = [_type_kinship("Sweatshirts", t) for t in types]
    assert kin == sorted(kin, reverse=True) and kin[0] == 1.0 > kin[-1]
    assert found[0].card_reason == "Matches gender; jackets in place of sweatshirts"


def test_a_childs_search_for_a_type_it_has_few_of_for_children_lists_the_unisex_ones(tmp_path, monkeypatch):
    # "backpack for boys" listed three free watches, T-shirts and vests: the catalogue's backpacks are unisex;
    # "sunglasses for boys" listed the one boys' pair, and nothing after it.
    import fashionrec.text_search as text_search

    r, photo = _scratch(tmp_path)
    unisex = r.items[(r.items["articleType"] == "Backpacks") & (r.items["gender"] == "Unisex")]
    assert len(unisex) >= 3 and not (r.items["gender"].isin(["Boys", "Girls"]).any())
    # A girls' one, as in the shared catalogue (2 of 724): backpacks are for children too, so "boys" is a child.
    r.add_product(photo, {"masterCategory": "Accessories", "subCategory": "Bags", "articleType": "Backpacks",
                          "baseColour": "Pink", "gender": "Girls", "productDisplayName": "Kids Girls Backpack"},
                  allow_new_values=True)
    assert r.grown_up_reading("backpack for boys") == {}
    # Too few unisex ones to stand in (the fixture's 4): a boy's products of the group, as for any type.
    assert len(unisex) < text_search.ANYONES_MIN
    assert r.absent_kind("backpack for boys") == (["Backpacks"], ["Boys"], False)
    monkeypatch.setattr(text_search, "ANYONES_MIN", 3)
    assert r.absent_kind("backpack for boys") == (["Backpacks"], ["Boys"], True)
    found = r.search_text("backpack for boys", k=len(unisex), min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert {x.id for x in found} == set(unisex["id"])
    assert found[0].card_reason == "Matches type; unisex, for anyone"
    # A boys' backpack: it comes first, the unisex ones after it, and nothing is said to be missing.
    boys = r.add_product(photo, {"masterCategory": "Accessories", "subCategory": "Bags", "articleType": "Backpacks",
                                 "baseColour": "Black", "gender": "Boys", "productDisplayName": "Kids Boys Backpack"},
                         allow_new_values=True)
    assert r.absent_kind("backpack for boys") is None
    found = r.search_text("backpack for boys", k=len(unisex) + 1, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert [x.id for x in found][0] == boys and {x.id for x in found[1:]} == set(unisex["id"])
    assert found[0].card_reason == "Matches type and gender"
    monkeypatch.setattr(text_search, "FEW_FOR_A_CHILD", 1)      # enough of their own: the child's only
    assert [x.id for x in r.search_text("backpack for boys", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)] == [boys]
    # A grown-up's unisex backpack is a woman's too; with no unisex shirt to stand in, a boy's shirts are
    # given up for his products of their group, as before.
    assert r.absent_kind("backpack for women") is None
    assert not ((r.items["articleType"] == "Shirts") & (r.items["gender"] == "Unisex")).any()
    assert r.absent_kind("shirt for kids") == (["Shirts"], ["Boys", "Girls"], False)
    assert r.absent_kind("shirt for boys") is None      # no child has shirts here: "boys" reads as men


def test_girls_asking_for_a_type_no_child_has_are_read_as_women(tmp_path):
    # A shopper trial: "heels for girls" listed girls' casual shoes and "perfume for boys" 96 boys' shirts, as
    # the closest matches, while the catalogue has 1,191 women's heels; "girl" also means a young woman.
    r, photo = _scratch(tmp_path)
    heels = set(r.items.loc[(r.items["articleType"] == "Heels"), "id"])
    assert heels and not (r._worn_by("child") & (r.items["articleType"] == "Heels").to_numpy()).any()
    assert r.grown_up_reading("black heels for girls") == {"Women": "girls"}
    assert r.parse_query("black heels for girls")["gender"] == ["Unisex", "Women"]
    assert r.absent_kind("heels for girls") is None
    found = r.search_text("heels for girls", k=len(heels), min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert {x.id for x in found} == heels
    # "kids" is always a child; a type with no product named is nothing to read.
    assert r.grown_up_reading("heels for kids") == {} and r.parse_query("heels for kids")["gender"] == [
        "Boys", "Girls", "Unisex"]
    assert r.grown_up_reading("something for girls") == {}
    # A child another word asks for stays one (a review: "kids" lost its girls).
    assert r.parse_query("heels for kids and girls")["gender"] == ["Boys", "Girls", "Unisex", "Women"]
    # Once a child has one of the types, "girls" is a child again, and so for "boys" of a type only girls have.
    r.add_product(photo, {"masterCategory": "Footwear", "subCategory": "Shoes", "articleType": "Heels",
                          "baseColour": "Pink", "gender": "Girls", "productDisplayName": "Kids Girls Pink Heels"},
                  allow_new_values=True)
    assert r.grown_up_reading("heels for girls") == {} == r.grown_up_reading("heels for boys")
    assert r.parse_query("heels for girls")["gender"] == ["Girls", "Unisex"]


def test_types_standing_in_for_a_missing_thing_take_turns(tmp_path):
    # "suit" listed three pages of women's salwar suits before the first men's blazer.
    r, _ = _scratch(tmp_path)
    kurtas = r.items.index[(r.items["articleType"] == "Kurtas") & (r.items["gender"] == "Men")]
    r.items["articleType"] = r.items["articleType"].astype(object)
    r.items.loc[kurtas[-1], "articleType"] = "Nehru Jackets"     # the last in the catalogue's order
    r._reindex()
    assert r.stand_ins("sherwani") == {"sherwani": ["Kurtas", "Nehru Jackets"]}
    shown = [p["articleType"] for p in r.browse(q="sherwani", limit=10)[1]]
    assert len(shown) == len(kurtas) and set(shown[:2]) == {"Kurtas", "Nehru Jackets"}


def test_the_note_of_types_standing_in_names_only_those_the_wearer_has(tmp_path):
    # "mens suit" said "its closest types are listed for it: Blazers, Kurta Sets, Nehru Jackets, Salwar and Dupatta,
    # and Waistcoat", naming women's types of which it listed none (a shopper's trial, stop 72).
    r, _ = _scratch(tmp_path)
    kurtas = r.items["articleType"] == "Kurtas"
    r.items["articleType"] = r.items["articleType"].astype(object)
    r.items.loc[r.items.index[kurtas & (r.items["gender"] == "Men")][-1], "articleType"] = "Nehru Jackets"
    r.items.loc[r.items.index[kurtas & (r.items["gender"] == "Women")][-1], "articleType"] = "Salwar and Dupatta"
    r._reindex()
    said = "The catalogue has no 'suit' as such; its closest types are listed for it: {}."
    assert r.reading_notes("suit") == [said.format("Nehru Jackets and Salwar and Dupatta")]
    assert r.reading_notes("mens suit") == [said.format("Nehru Jackets")]
    assert r.reading_notes("suit for women") == [said.format("Salwar and Dupatta")]
    assert r.reading_notes("suit", {"gender": "Women"}) == [said.format("Salwar and Dupatta")]   # chosen, not said
    assert r.reading_notes("sherwani") == [                     # a man's thing: the kurtas asked for are men's
        "The catalogue has no 'sherwani' as such; its closest types are listed for it: Kurtas and Nehru Jackets."]


def test_a_word_for_what_the_catalogue_lacks_says_so(tmp_path):
    # "sherwani" listed men's kurtas with no word that the catalogue has no sherwanis.
    r, _ = _scratch(tmp_path)
    assert r.stand_ins("sherwani for men") == {"sherwani": ["Kurtas"]}     # the fixture has no Nehru Jackets
    # ... and a sherwani is a man's: no women's kurtas after the men's.
    kurtas = (r.items["articleType"] == "Kurtas").to_numpy()
    mens = r.items["gender"].isin(["Men", "Unisex"]).to_numpy()
    assert r.browse(q="sherwani", limit=0)[0] == (kurtas & mens).sum() > 0
    assert r.browse(q="sherwani for women", limit=0)[0] == (kurtas & ~mens).sum() > 0
    assert r.stand_ins("kurta for men") == {} and r.stand_ins("tshirts") == {}
    # Spectacles are sunglasses here, said so ("spectacles" listed sunglasses without a word, a text-search trial).
    assert r.stand_ins("spectacles for men") == {"spectacle": ["Sunglasses"]}
    assert r.stand_ins("specs") == {"spec": ["Sunglasses"]}
    # A catalogue whose names have the word sells the thing itself; one name is not enough (one tracksuit
    # is named "Suit").
    from fashionrec.vocabulary import NAME_EVIDENCE

    named = r.items.index[r.items["articleType"].isin(["Kurtas", "Shirts"])]
    r.items.loc[named[0], "productDisplayName"] = "Manyavar Men Cream Sherwani"
    r._reindex()
    assert r.stand_ins("sherwani") == {"sherwani": ["Kurtas"]}
    r.items.loc[named[:NAME_EVIDENCE], "productDisplayName"] = "Manyavar Men Cream Sherwani"
    r._reindex()
    assert r.stand_ins("sherwani") == {}


def test_a_name_that_denies_a_word_does_not_have_it(tmp_path):
    # "brown leather belt" listed "Fastrack Men Non Leather Brown Belts" first, and leatherette with leather.
    r, _ = _scratch(tmp_path)
    belts = r.items.index[r.items["articleType"] == "Belts"]
    plain = int(r.items.loc[belts[0], "id"])
    r.items.loc[belts[0], "productDisplayName"] = "Fastrack Men Non Leather Black Belts"
    r._reindex()
    faux = _some_id(r, productDisplayName="Fastrack Women Leatherette Brown Belt")
    leather = [p["id"] for p in r.browse(q="leather belt", limit=100)[1]]
    assert len(leather) > 1 and plain not in leather and leather[-1] == faux     # an imitation last
    for q in ("non leather belt", "non-leather belts"):
        assert [p["id"] for p in r.browse(q=q, limit=100)[1]] == [plain], q
    # By meaning both are close to a leather belt: listed after the other belts.
    found = [x.id for x in r.search_text("leather belt", k=len(belts)) if x.item["articleType"] == "Belts"]
    assert len(found) == len(belts) and set(found[-2:]) == {plain, faux}
    row = int(np.flatnonzero(r.items["id"].to_numpy() == plain)[0])
    assert r._text_scores("leather belt").aside[row] and not r._text_scores("non leather belt").aside[row]


def test_not_leaves_out_an_occasion_or_season_however_it_is_said(rec):
    # "white shirt not too formal" left out "too" and listed only the formal shirts; "non formal" and "but
    # not formal" found nothing; "not autumn" kept the shirts the catalogue files under Fall.
    not_formal = rec.browse(q="shirts not formal", limit=100)
    assert 0 < not_formal[0] < rec.browse(q="shirts", limit=0)[0]
    assert "Formal" not in {p["usage"] for p in not_formal[1]}
    # A search engine's minus too ("shirt -red" listed only red shirts, a shopper trial); "t-shirts" stays a word.
    for q in ("shirts not too formal", "shirts non formal", "shirts non-formal", "shirts but not formal",
              "shirts -formal", "-formal shirts"):
        assert rec.browse(q=q, limit=100) == not_formal, q
        assert "Formal" not in {x.item["usage"] for x in rec.search_text(q, k=5)}, q
    assert rec.browse(q="t-shirts", limit=0)[0] == rec.browse(q="tshirts", limit=0)[0] > 0
    shirts = rec.browse(q="shirts", limit=100)[1]
    assert "Fall" in {p["season"] for p in shirts}
    page = rec.browse(q="shirts not autumn", limit=100)[1]
    assert page == [p for p in shirts if p["season"] != "Fall"]
    assert rec.browse(q="autumn shirts", limit=0)[0] == rec.browse(q="shirts", limit=0)[0]    # ranks, as "fall"
    assert rec.parse_query("autumn")["season"] == ["Fall"]


def test_not_is_read_as_typed_only_where_a_name_says_it_so(tmp_path):
    # "tshirt not summer" found 13 slogan T-shirts ("I Am Not Lazy") filed under Summer, not the others.
    r, _ = _scratch(tmp_path)
    summer = r.items.index[(r.items["articleType"] == "Tshirts") & (r.items["season"] == "Summer")]
    r.items.loc[summer[0], "productDisplayName"] = "Myntra Men I Am Not Lazy Tshirt"
    r.items.loc[summer[1], "productDisplayName"] = "Nike Men No Limits Tshirt"
    r._reindex()
    total, page = r.browse(q="tshirt not summer", limit=100)
    assert total > 0 and "Summer" not in {p["season"] for p in page}
    # A name with the words in a row is what the words mean: Nike's No Limits.
    assert [p["id"] for p in r.browse(q="no limits tshirt", limit=100)[1]] == [int(r.items.loc[summer[1], "id"])]


def test_not_a_colour_is_a_negation_even_where_a_slogan_says_it(tmp_path):
    # "tshirt not black" listed only black T-shirts on the catalogue: Myntra's "I Know I Am Not Black" slogan
    # T-shirts made "not black" a name's words; the rest of the query named nothing but a type.
    r, _ = _scratch(tmp_path)
    tees = r.items.index[r.items["articleType"] == "Tshirts"]
    black = r.items.index[(r.items["articleType"] == "Tshirts") & (r.items["baseColour"] == "Black")]
    assert len(black) and len(tees) > len(black)
    r.items.loc[black[0], "productDisplayName"] = "Myntra Men's I Know I Am Not Black T-shirt"
    r._reindex()
    for q in ("tshirt not black", "not black tshirts", "tshirts not black for men"):
        total, page = r.browse(q=q, limit=100)
        assert total > 0 and "Black" not in {p["baseColour"] for p in page}, q
        recs = r.search_text(q, k=10, min_similarity=RELEVANT_TEXT_SIMILARITY)
        assert recs and all(x.item["baseColour"] != "Black" for x in recs), q
    # The slogan's own words still find it.
    assert int(r.items.loc[black[0], "id"]) in [p["id"] for p in r.browse(q="i know i am not black tshirt")[1]]


def test_not_a_colour_beside_a_brand_is_a_negation_even_where_a_slogan_says_it(tmp_path):
    # "myntra tshirt not black" listed only black T-shirts, Myntra's "I Know I Am Not Black" slogan ones first:
    # the brand, a word no attribute, kept the name's reading that "tshirt not black" had lost.
    r, _ = _scratch(tmp_path)
    tees = r.items.index[r.items["articleType"] == "Tshirts"]
    black = tees[r.items.loc[tees, "baseColour"].eq("Black")]
    others = tees[~r.items.loc[tees, "baseColour"].eq("Black")]
    assert len(black) and len(others) >= 5
    r.items.loc[black[0], "productDisplayName"] = "Acme Men's I Know I Am Not Black T-shirt"
    for row in others[:5]:
        r.items.loc[row, "productDisplayName"] = f"Acme Men {r.items.loc[row, 'baseColour']} Tshirt"
    r._reindex()
    assert r._brand_named("acme").sum() == 6
    total, page = r.browse(q="acme tshirt not black", limit=100)
    assert total == 5 and "Black" not in {p["baseColour"] for p in page}
    recs = r.search_text("acme tshirt not black", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert {x.id for x in recs} == {int(r.items.loc[row, "id"]) for row in others[:5]}
    # The slogan's own words still find it.
    assert int(r.items.loc[black[0], "id"]) in [p["id"] for p in r.browse(q="acme i know i am not black")[1]]


def test_a_brand_named_with_a_colour_is_the_brand_not_the_colour(tmp_path):
    # "red tape shoes" listed other brands' red shoes, and "red tape formal shoes for men" said no formal shoe is
    # red, of the catalogue's 247 Red Tape products (Red Chief, Red Rose, Black Coffee the same).
    r, _ = _scratch(tmp_path)
    shoes = r.items.index[r.items["articleType"].isin(["Casual Shoes", "Sports Shoes"])
                          & (r.items["baseColour"] != "Red")]
    assert len(shoes) >= 6
    tape = shoes[:5]
    for row in tape:
        r.items.loc[row, "productDisplayName"] = f"Red Tape Men {r.items.loc[row, 'baseColour']} Shoes"
    r._reindex()
    assert "baseColour" not in r.parse_query("red tape shoes")
    ids = {int(r.items.loc[row, "id"]) for row in tape}
    recs = r.search_text("red tape shoes", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert {x.id for x in recs} == ids
    assert not r.unmatched("red tape shoes", recs)
    # The colour alone, or before a type, is still the colour.
    assert r.parse_query("red shoes")["baseColour"] == ["Red"]
    assert "baseColour" not in r.parse_query("red tape")
    # In the plural too: "red tapes" was the colour, and listed red boxers and cufflinks (a review).
    assert "baseColour" not in r.parse_query("red tapes")
    assert {x.id for x in r.search_text("red tapes", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)} == ids


def test_rose_gold_is_its_own_tone_not_gold_or_rose(tmp_path):
    # "rose gold watch" listed gold watches: the catalogue names its rose gold watches "Rosegold" and files them
    # Copper, and read as two colours the query asked for Gold or Rose (a review of the text search).
    r, _ = _scratch(tmp_path)
    watches = r.items.index[r.items["articleType"] == "Watches"]
    assert len(watches) >= 8
    for row in watches[:4]:
        r.items.loc[row, ["productDisplayName", "baseColour"]] = ["Acme Men Gold Watch", "Gold"]
    for row in watches[4:6]:
        r.items.loc[row, ["productDisplayName", "baseColour"]] = ["Acme Men Rosegold Copper Watch", "Copper"]
    r.items.loc[watches[6], ["productDisplayName", "baseColour"]] = ["Acme Men Copper Watch", "Copper"]
    r._reindex()
    assert r.parse_query("rose gold watch")["baseColour"] == ["Copper"]
    found = [x.id for x in r.search_text("rose gold watch", k=3, min_similarity=RELEVANT_TEXT_SIMILARITY)]
    ids = r.items.loc[watches, "id"].astype(int).tolist()
    assert set(found[:2]) == set(ids[4:6]) and found[2] == ids[6], found
    assert r.parse_query("gold watch")["baseColour"] == ["Gold"]
    assert r.browse(q="rosegold", limit=0)[0] == 2      # the page: the names, not every copper product


def test_a_colour_filed_under_another_name_is_said(rec):
    # "rose gold watch" showed the Rosegold watches as "Copper" without a word why (a shopper's trial, stop 61).
    assert rec.reading_notes("rose gold watch") == [
        "The catalogue files 'rose gold' as Copper: Copper products are listed for it, those named 'rose gold' first."]
    # A spelling or a shorter form of the catalogue's colour needs no word; nor what the query leaves out.
    for query in ("navy shirt", "gray tshirt", "golden heels", "baby pink top", "baby-pink top", "shirt not rose gold",
                  "red dress"):
        assert rec.reading_notes(query) == [], query
    # Nor under a filter of another colour: "rose gold watch" under Colour: Black listed black watches beneath
    # "Copper products are listed for it" (a shopper's trial of stop 62); under Colour: Copper it is said.
    assert rec.reading_notes("rose gold watch", {"baseColour": "Black"}) == []
    assert rec.reading_notes("rose gold watch", {"baseColour": "copper"}) == rec.reading_notes("rose gold watch")


def test_a_brand_named_with_a_type_word_and_a_type_it_lacks(tmp_path):
    # "pepe jeans tshirt" read as jeans and T-shirts and listed Pepe Jeans' jeans without saying the catalogue has
    # no Pepe Jeans T-shirts (a brand whose second word is a type: Kraus Jeans, Happy Socks, a shopper's trial).
    r, _ = _scratch(tmp_path)
    jeans = r.items.index[r.items["articleType"] == "Jeans"]
    assert len(jeans) >= 6
    for row in jeans[:5]:
        r.items.loc[row, "productDisplayName"] = f"Pepe Jeans Men {r.items.loc[row, 'baseColour']} Jeans"
    r._reindex()
    assert r.parse_query("pepe jeans tshirt")["articleType"] == ["Tshirts"]
    found = r.search_text("pepe jeans tshirt", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert found and all(x.item["articleType"] == "Tshirts" for x in found)
    assert r.reading_notes("pepe jeans tshirt") == [
        "The catalogue has no Pepe Jeans T-shirts; these are other brands'."]
    # The brand alone, or with its own type, is its jeans as before, and says nothing.
    assert r.parse_query("pepe jeans")["articleType"] == ["Jeans"]
    assert {x.id for x in r.search_text("pepe jeans", k=5)} == set(r.items.loc[jeans[:5], "id"].astype(int))
    assert r.reading_notes("pepe jeans") == r.reading_notes("pepe jeans for men") == []
    # A one-word brand with a type it has none of is said too ("nike jeans" listed other brands' jeans).
    nike = r.items["productDisplayName"].str.startswith("Nike ")
    assert nike.sum() >= 5 and not (nike & (r.items["articleType"] == "Jeans")).any()
    assert r.reading_notes("nike jeans") == ["The catalogue has no Nike jeans; these are other brands'."]


def test_reading_notes_say_once_what_is_listed(rec, tmp_path):
    # Stop 63: the page said "The catalogue has no Pepe Jeans Tshirts: these are other brands'." and then "No
    # product has every word of 'pepe jeans tshirt' in its details; these are the 96 closest matches by meaning."
    # Given what the caller lists, the note says it, once, and the page leaves its own out (test_api).
    listed = "these are the 9 closest matches by meaning"
    assert rec.reading_notes("nike jeans", listed=listed) == [
        "The catalogue has no Nike jeans; these are the 9 closest matches by meaning, from other brands."]
    # A colour filed under another name, none of whose products are of the type asked: said so, not "Copper
    # products are listed for it" over jeans none of them copper ("wine dress": 96 dresses, no Burgundy one).
    assert not ((rec.items["baseColour"] == "Copper") & (rec.items["articleType"] == "Jeans")).any()
    assert rec.reading_notes("rose gold jeans") == [
        "The catalogue files 'rose gold' as Copper and has no Copper jeans."]
    assert rec.reading_notes("rose gold jeans", listed=listed) == [
        "The catalogue files 'rose gold' as Copper and has no Copper jeans; these are the 9 closest matches by "
        "meaning."]
    # Where the colour has the type, as before, and ``listed`` is not said.
    assert rec.reading_notes("rose gold watch", listed=listed) == rec.reading_notes("rose gold watch") == [
        "The catalogue files 'rose gold' as Copper: Copper products are listed for it, those named 'rose gold' first."]
    # Two such notes: the last one says it ("nike rose gold jeans").
    both = rec.reading_notes("nike rose gold jeans", listed=listed)
    assert both == ["The catalogue files 'rose gold' as Copper and has no Copper jeans.",
                     "The catalogue has no Nike jeans; these are the 9 closest matches by meaning, from other brands."]
    # The API's note says what the page says of the words: the types a thing the catalogue has none of stands for,
    # and a girl's word read as a woman's (the API said nothing of either; "these are" left to the list's notice).
    assert rec.reading_notes("sherwani") == [
        "The catalogue has no 'sherwani' as such; its closest types are listed for it: Kurtas."]
    assert rec.reading_notes("heels for girls") == [
        "The catalogue has no heels for children, so this reads 'girls' as women."]
    # Unisex alone asked, where the colour's watches are all someone's: the unisex ones are none, not "for anyone".
    copper = rec.items[(rec.items["baseColour"] == "Copper") & (rec.items["articleType"] == "Watches")]
    assert len(copper) and not (copper["gender"] == "Unisex").any()
    assert rec.reading_notes("unisex rose gold watch") == [
        "The catalogue files 'rose gold' as Copper and has no unisex Copper watches."]
    # A word read as more than two types is said as typed, in the plural: "wine bag for men" said "has no Burgundy
    # bag for men" (a code review).
    assert rec.parse_query("rose gold shoe for men")["articleType"] == ["Casual Shoes", "Heels", "Sports Shoes"]
    assert rec.reading_notes("rose gold shoe for men") == [
        "The catalogue files 'rose gold' as Copper and has no Copper shoes."]
    # A child's word read as a grown-up's first, as the page says it (the API's note said it second).
    assert rec.reading_notes("rose gold heels for girls") == [
        "The catalogue has no heels for children, so this reads 'girls' as women.",
        "The catalogue files 'rose gold' as Copper and has no Copper heels."]


def test_types_are_said_as_a_sentence_says_them():
    from fashionrec.vocabulary import said_types

    # "The catalogue has no Pepe Jeans Tshirts", "no Copper ring", "no Heels for Men" (stop 62 and 63 trials).
    assert said_types(["Tshirts"]) == "T-shirts" and said_types(["Ring"]) == "rings"
    assert said_types(["Heels", "Casual Shoes"]) == "heels or casual shoes"
    assert said_types(["Nail Polish", "Beauty Accessory", "Swimwear", "Perfume and Body Mist"], ", ") == \
        "nail polishes, beauty accessories, swimwear, perfume and body mist"
    # A label ending in "ss" is singular: "has no Burgundy nightdress" for "wine nightdress" (a code review).
    assert said_types(["Nightdress", "Lip Gloss"]) == "nightdresses or lip glosses"
    # A word as typed, read as many types ("wine bag for men"), in the plural too; not one that takes none.
    from fashionrec.vocabulary import plural

    assert [plural(w) for w in ("bag", "shoe", "watch", "shoes", "footwear", "jewellery")] == [
        "bags", "shoes", "watches", "shoes", "footwear", "jewellery"]


def test_a_brand_named_lists_its_grown_ups_then_its_childrens_products_then_other_brands(tmp_path, monkeypatch):
    # "levis jeans" listed the one Levis men's jeans, then other brands' jeans before the two "Levis Kids" ones:
    # filed Unisex, which few jeans are, they were taken for misfiled and no jeans at all (a text-search trial).
    from fashionrec import text_search

    monkeypatch.setattr(text_search, "ODD_WEARER_MIN", 5)      # the fixture's 10 jeans, 1 Unisex: odd at 20%
    monkeypatch.setattr(text_search, "ODD_WEARER_SHARE", 0.2)
    r, _ = _scratch(tmp_path)
    jeans = r.items.index[r.items["articleType"] == "Jeans"]
    assert len(jeans) >= 4
    r.items.loc[jeans[0], ["productDisplayName", "gender"]] = ["Acme Kids Blue Solid Jean", "Unisex"]
    r.items.loc[jeans[1], ["productDisplayName", "gender"]] = ["Acme Men Blue Jeans", "Men"]
    shirts = r.items.index[r.items["articleType"] == "Shirts"]
    for row in shirts[:3]:      # a brand starts five names or more
        r.items.loc[row, "productDisplayName"] = "Acme Men Check Shirt"
    r._reindex()
    assert r._brand_named("acme jeans").sum() == 5
    found = [x.id for x in r.search_text("acme jeans", k=4, min_similarity=RELEVANT_TEXT_SIMILARITY)]
    assert found[:2] == [int(r.items.loc[jeans[1], "id"]), int(r.items.loc[jeans[0], "id"])], found


def test_a_childs_age_is_a_child(tmp_path):
    # "juniors" listed men's varsity products, "toddler shoes" grown-ups' unisex shoes, "baby" a baby-doll
    # nightdress and "Baby Lip" balms (a review of the text search): words for children.
    r, _ = _scratch(tmp_path)
    bags = r.items.index[r.items["articleType"] == "Handbags"]
    for row in bags[:3]:
        r.items.loc[row, "productDisplayName"] = "Acme Women Baby Purple Handbag"
    r._reindex()
    kids = {"Boys", "Girls", "Unisex"}
    for q in ("toddler skirts", "juniors", "baby", "infant tshirts", "babies"):     # the fixture's children's types
        assert set(r.parse_query(q)["gender"]) == kids, q
    found = r.search_text("baby", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    names = [x.item["productDisplayName"] for x in found]
    assert found and all(r._worn_by("child")[r._row[x.id]] for x in found), names
    # A shade, and a name's word beside a type no child has, are no child's.
    assert r.parse_query("baby pink skirt") == {"baseColour": ["Pink"], "articleType": ["Skirts"]}
    assert "gender" not in r.parse_query("baby handbag")
    # The catalogue page reads it as the search does: a baby's products, not the handbags named "Baby Purple" (it
    # listed the 38 names with the word, where the API listed infants' rompers: a shopper's trial, stop 61).
    rows = r.items.index[r.items["gender"].isin(["Men", "Women"]) & ~r.items["articleType"].isin(["Handbags"])][:2]
    r.items.loc[rows, ["productDisplayName", "gender"]] = [["Acme Infant Boys White Romper", "Boys"],
                                                           ["Acme Kids Baby Blue Tee", "Unisex"]]
    r._reindex()
    listed = {d["productDisplayName"] for d in r.browse(q="baby", limit=10)[1]}
    assert {"Acme Infant Boys White Romper", "Acme Kids Baby Blue Tee"} <= listed, listed
    assert all(r._worn_by("child")[np.flatnonzero(r.word_matches("baby"))]) and "Baby Purple" not in str(listed)
    # A name's word still, beside a wearer or a type no child has.
    assert r.browse(q="baby purple handbag", limit=0)[0] == 3
    # Beside a wearer's word, an age is that wearer's: "Baggit Women Baby Purple Wallet" went in with no gender
    # from its name (women's and children's), and "toddler girls skirts" asked for boys' skirts too.
    assert set(r.parse_query("Acme Women Baby Purple Handbag")["gender"]) == {"Women", "Unisex"}
    assert r._named_labels("Acme Women Baby Purple Handbag")["gender"] == "Women"
    assert "Boys" not in r.parse_query("toddler girls skirts")["gender"]
    # Read so, it is said: the page listed 88 children's products for "baby" with no word why (a shopper's trial, stop
    # 62); as typed; not where the word is a name's or a colour's, nor beside a wearer.
    for q in ("baby", "toddler skirts", "juniors"):
        assert r.reading_notes(q) == [f"{q.split()[0]!r} is read as a child's age: children's products are listed, "
                                      f"not every product named with the word."], q
    for q in ("baby pink skirt", "baby handbag", "Acme Women Baby Purple Handbag", "toddler girls skirts", "skirts"):
        assert r.reading_notes(q) == [], q


def test_a_baby_colour_is_read_as_its_colour_by_meaning_too(tmp_path):
    # "baby pink top" listed three Doodle "Girl" tops (a kids' brand, filed as women's) first: the text model read
    # "baby" as a child, where the query asks for pink tops (a code review, stop 61).
    r, _ = _scratch(tmp_path)
    tops = r.items.index[r.items["articleType"].isin(["Tops"])]
    assert len(tops) >= 6
    names = ["Doodle Girl Little Princess Pink Tops", "Doodle Girl Little Frock Pink Tops",
             "Acme Women Pink Top", "Zeta Women Solid Pink Top", "Mode Women Pink Printed Top"]
    r.items.loc[tops[:5], ["productDisplayName", "baseColour", "gender"]] = [[n, "Pink", "Women"] for n in names]
    r._reindex()
    found = [x.item["productDisplayName"] for x in r.search_text("baby pink top", k=5,
                                                                 min_similarity=RELEVANT_TEXT_SIMILARITY)]
    assert set(found) == set(names) and not found[0].startswith("Doodle"), found
    assert found[:3] == [x.item["productDisplayName"] for x in r.search_text("pink top", k=3)]
    # Written with a hyphen, as a shop's colour often is: the same ("baby-pink top" listed the Doodle tops first).
    assert [x.item["productDisplayName"] for x in r.search_text("baby-pink top", k=3)] == found[:3]


def test_a_brand_named_for_its_wearer_keeps_the_wearer(tmp_path):
    # "kids ville tops" listed 10 women's tops and none of Kids Ville's (all children's): read as the brand
    # alone, "kids" named no wearer, and a query that names no one sets the children's products last.
    r, _ = _scratch(tmp_path)
    tops = r.items.index[r.items["articleType"].isin(["Tops", "Tshirts"])]
    assert len(tops) >= 15
    ville = tops[:5]
    for row in ville:       # the fixture catalogue has no girls' tops: five of its own made so
        r.items.loc[row, "productDisplayName"] = f"Kids Ville Girls {r.items.loc[row, 'baseColour']} Top"
        r.items.loc[row, ["gender", "articleType"]] = ["Girls", "Tops"]
    r._reindex()
    assert "kids ville" in r._worded_brands()
    assert r.parse_query("kids ville tops").get("gender")
    ids = {int(r.items.loc[row, "id"]) for row in ville}
    recs = r.search_text("kids ville tops", k=5, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert {x.id for x in recs} == ids


def test_a_describing_word_a_name_has_ranks_it_first_in_its_tier(tmp_path):
    # "cotton kurta" listed 3 of the catalogue's 6 kurtas named cotton in its first 10 (by meaning), "round
    # neck tshirt" 7 of 35: a word that is no type, colour or wearer only counted through MiniLM.
    r, _ = _scratch(tmp_path)
    n = int((r.items["articleType"] == "Tshirts").sum())
    # Grown-ups' T-shirts (a child's is listed after them: a tier of its own).
    last = [x.id for x in r.search_text("cotton tshirt", k=n, min_similarity=RELEVANT_TEXT_SIMILARITY)
            if not re.search(r"kid|boy|girl|infant", x.item["productDisplayName"], re.I)][-2:]
    assert len(last) == 2
    for i in last:
        row = r.items.index[r.items["id"] == i][0]
        r.items.loc[row, "productDisplayName"] = f"{r.items.loc[row, 'productDisplayName']} Organic Cotton"
    r._reindex()
    recs = r.search_text("cotton tshirt", k=n, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert {x.id for x in recs[:2]} == set(last)
    assert all(x.item["articleType"] == "Tshirts" for x in recs)


def test_a_brand_the_query_names_leads_its_tier(rec):
    """"nike sneakers boys" listed ADIDAS, Enroute and Timberland before the first Nike (a shopper trial): a
    brand is a word that starts many names, and the products it starts come first among equals."""
    names = rec.items["productDisplayName"].astype(str)
    nike = names.str.startswith("Nike").to_numpy()
    assert nike.sum() >= 5
    assert (rec._brand_named("nike sports shoes") == nike).all()
    # Read as what it is elsewhere: a colour, a wearer, whom a gift is for; a word names have further in.
    assert not rec._brand_named("black shirt for men").any() and not rec._brand_named("gift for mother").any()
    shoes = rec.items["articleType"].eq("Sports Shoes").to_numpy()
    assert (shoes & nike).any() and (shoes & ~nike).any()
    results = rec.search_text("nike sports shoes", k=int(shoes.sum()))
    typed = [r for r in results if r.item["articleType"] == "Sports Shoes"]
    firsts = [str(r.item["productDisplayName"]).startswith("Nike") for r in typed]
    assert firsts == sorted(firsts, reverse=True) and firsts[0], firsts      # every Nike before any other


def test_a_grown_up_wearer_in_the_words_finds_unisex_products_too(rec):
    """"backpack for men" found the 48 men's backpacks of the catalogue's 652 and no unisex one (a shopper
    trial): a grown-up's wearer keeps the unisex products its other words find, never another wearer's."""
    backpacks = rec.items[rec.items["articleType"] == "Backpacks"]
    unisex = set(backpacks.loc[backpacks["gender"] == "Unisex", "id"])
    men = set(backpacks.loc[backpacks["gender"] == "Men", "id"])
    assert unisex and men and (backpacks["gender"] == "Women").any()
    for q in ("backpack for men", "backpacks for my father", "men's backpack"):
        total, page = rec.browse(q=q, limit=100)
        assert {p["id"] for p in page} == men | unisex, q
    # Not for "unisex" nor a wearer alone, and not another wearer's.
    assert {p["gender"] for p in rec.browse(q="unisex backpack", limit=100)[1]} == {"Unisex"}
    assert "Unisex" not in {p["gender"] for p in rec.browse(q="men", limit=1000)[1]}
    assert {p["gender"] for p in rec.browse(q="backpack for women", limit=100)[1]} == {"Women", "Unisex"}
    assert rec.facets(None, "backpack for men")["gender"] == {"Men": len(men), "Unisex": len(unisex)}
    # Two wearers: either's or anyone's (the words of both found nothing, no product being for both; a review).
    women = set(backpacks.loc[backpacks["gender"] == "Women", "id"])
    assert {p["id"] for p in rec.browse(q="backpack for women and men", limit=100)[1]} == men | women | unisex
    # The query less its wearer words, however written ("men,backpack").
    assert {p["id"] for p in rec.browse(q="men,backpack", limit=100)[1]} == men | unisex


def test_a_brand_alone_lists_its_types_in_turn(rec):
    """Page one of "levi's" was 18 innerwear products of 24, a boxer brief first, and no jeans (the catalogue's
    order): the brand's types take turns, its most listed type first, within each tier."""
    total, page = rec.browse(q="nike", limit=100)
    nike = rec.items[rec.items["productDisplayName"].astype(str).str.startswith("Nike")]
    assert total == len(page) >= len(nike)
    types = nike["articleType"].value_counts()
    assert len(types) >= 3
    listed = [p["articleType"] for p in page if str(p["productDisplayName"]).startswith("Nike")]
    first_round = list(dict.fromkeys(listed))
    assert listed[:len(types)] == first_round, listed          # each type once before any twice
    assert first_round[0] == types.index[0] and set(first_round) == set(types.index)
    # A query that names a type as well lists that type alone, as before.
    assert {p["articleType"] for p in rec.browse(q="nike tshirt", limit=100)[1]} == {"Tshirts"}


def test_index_check_with_data_refuses_an_index_of_another_catalogue_or_of_its_rows_before(tmp_path):
    """A user trial ran `FASHIONREC_DATA=other bash scripts/main.sh` after a first run: the data check and
    the EDA were the new catalogue's, and the old index was served. `index check --data` (main.sh's) says so."""
    data = tmp_path / "catalog"
    shutil.copytree(FIXTURE, data)
    # Built over a copy of the session's index of the same photos and texts, whose embeddings the build takes.
    index = shutil.copytree(built_index(), tmp_path / "index")
    Recommender.build(load_catalog(data, progress=False), Tagger.load(tiny_tagger_path()), index, progress=False)
    check = ["index", "check", str(index), "--data"]
    assert CliRunner().invoke(app, check + [str(data)]).exit_code == 0
    assert CliRunner().invoke(app, ["index", "check", str(index)]).exit_code == 0     # not compared without it
    res = CliRunner().invoke(app, check + [str(FIXTURE)])
    assert res.exit_code == 2 and f"built from the catalogue {data.resolve()}" in res.output.replace("\n", "")
    # The same folder, its rows changed since the build (a product added to styles.csv): rebuild too.
    with open(data / "styles.csv", "a") as f:
        f.write("99999,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,Added Men Blue Tshirt\n")
    res = CliRunner().invoke(app, check + [str(data)])
    assert res.exit_code == 2 and "changed since it was built" in res.output.replace("\n", " ")


def test_similar_items_reach_the_products_of_their_type_and_colour_beyond_the_nearest(rec, monkeypatch):
    # A red nightdress got black, pink and lavender ones while six red ones were further than the nearest
    # re-ranked (a stylist's re-trial): those of its type and colour for its wearer join the candidates.
    import fashionrec.recommend as recommend

    items = rec.items
    groups = items.groupby(["articleType", "baseColour", "gender"])["id"].count()
    (kind, colour, gender), n = max(groups.items(), key=lambda g: g[1])
    assert n >= 4
    alike = set(items.loc[(items["articleType"] == kind) & (items["baseColour"] == colour)
                          & (items["gender"] == gender), "id"])
    i = min(alike)
    monkeypatch.setattr(recommend, "RERANK_POOL", 3)        # a 40k catalogue's 200 nearest, made small
    monkeypatch.setattr(recommend, "DUPLICATE_SLACK", 0)
    monkeypatch.setattr(rec, "kind_weight", 0.0)
    found = [r.id for r in rec.similar(int(i), k=3)]
    assert set(found) <= alike - {i} and len(found) == 3, (found, sorted(alike))


def test_a_product_whose_row_leaves_a_label_empty_is_found_by_the_taggers_label(tmp_path):
    # A shop's trial: "grey sports shoes" left out a grey sports shoe whose articleType was empty, though the
    # tagger said Sports Shoes at 0.99.
    r, _ = _scratch(tmp_path)
    items = r.items
    agree = items[items["articleType"] == items["pred_articleType"]]
    kind = agree["articleType"].value_counts().index[0]
    shoe = int(agree.index[agree["articleType"] == kind][0])
    asked = f"{items.loc[shoe, 'baseColour']} {kind}".lower()
    cut = RELEVANT_TEXT_SIMILARITY      # as the CLI and the web UI search
    assert shoe in [x.id for x in r.search_text(asked, k=len(items), min_similarity=cut)]
    r.items.loc[shoe, "articleType"] = np.nan
    row = r._row[shoe]      # embedded as the build embeds a row without its type
    from fashionrec.text_encoder import encode_text, product_text

    r.text_embeddings[row] = encode_text([product_text(r.items.loc[shoe].to_dict())])[0]
    r.items.loc[shoe, "pred_articleType_prob"] = 0.9       # the tagger sure of it (the test model seldom is)
    r._reindex()
    got = {x.id: x for x in r.search_text(asked, k=len(items), min_similarity=cut)}
    assert shoe in got and f"articleType {kind} by the tagger (the catalogue has none)" in got[shoe].reason
    r.items.loc[shoe, "pred_articleType_prob"] = 0.3       # a guess is no label (a review)
    r._reindex()
    assert shoe not in [x.id for x in r.search_text(asked, k=len(items), min_similarity=cut)]
    assert shoe not in r.items.index[r._mask({"articleType": kind})]     # the filter reads styles.csv


def test_a_grown_ups_accessory_lists_other_grown_ups_of_its_type_before_other_kinds(tmp_path):
    # A small shop's women's belt listed casual shoes, tops and kurtas before its six men's belts (a shop's
    # trial): a belt crosses genders more than clothes do. The women's come first where there are some.
    r, _ = _scratch(tmp_path)
    belts = r.items.index[(r.items["articleType"] == "Belts") & (r.items["gender"] == "Women")]
    belt, others = int(belts[0]), belts[1:]
    r.items.loc[others, "gender"] = "Men"
    r._reindex()
    men = int(((r.items["articleType"] == "Belts") & (r.items["gender"] == "Men")).sum())
    types = [x.item["articleType"] for x in r.similar(belt, k=men)]
    assert types[:3] == ["Belts"] * 3 and types.count("Belts") > men / 2, types    # the test model's looks vary
    r.items.loc[others, "gender"] = "Women"
    r._reindex()
    assert [(x.item["articleType"], x.item["gender"]) for x in r.similar(belt, k=len(others))] == \
        [("Belts", "Women")] * len(others)
    shirt = _some_id(r, articleType="Shirts", gender="Men")        # clothes keep the full penalty
    assert all(x.item["gender"] != "Women" for x in r.similar(shirt, k=5))
    # A child's accessory takes children's products of its type first, whatever its gender's label (a review: a
    # "Kids Girls" belt filed as Women listed grown-ups' belts first); then, since stop 67, the grown-ups' of its
    # type before children's products of other types (a kids' watch listed eight children's T-shirts before a
    # grown-up's watch, a shopper's trial).
    r.items.loc[belt, "productDisplayName"] = "Kids Girls Pink Belt"
    r.items.loc[others[0], ["productDisplayName", "gender"]] = ["Kids Girls Purple Belt", "Girls"]
    r.items.loc[r.items["articleType"].isin(["Watches", "Sunglasses"]) & (r.items["gender"] == "Women"),
                "gender"] = "Girls"
    r._reindex()
    found = [(x.item["articleType"], x.item["gender"]) for x in r.similar(belt, k=5)]
    assert found[0] == ("Belts", "Girls") and {t for t, _ in found} == {"Belts"}, found


def test_a_grown_ups_fragrance_lists_the_other_grown_ups_fragrances_before_other_kinds(tmp_path):
    # Stop 71, a new user's 300-product shop: "Dunhill Fresh Men Perfume" listed the shop's two other men's
    # perfumes and a men's deodorant, then seven men's green shirts and vests on its bottle's colour, before the
    # shop's women's perfumes (11th and 12th). Here one men's perfume and three women's, made of the fixture's
    # men's products (their photos are not perfumes: the labels rank them).
    r, _ = _scratch(tmp_path)
    men = r.items.index[(r.items["gender"] == "Men") & (r.items["masterCategory"] == "Apparel") & ~r._childrens()]
    perfume, women = int(men[0]), men[1:4]
    fragrance = {"masterCategory": "Personal Care", "subCategory": "Fragrance", "articleType": "Perfume and Body Mist"}
    for col, value in fragrance.items():
        r.items.loc[[perfume, *women], col] = value
    r.items.loc[women, "gender"] = "Women"
    r.items.loc[women, "baseColour"] = r.items.loc[perfume, "baseColour"]
    r._reindex()
    found = [(x.item["articleType"], x.item["gender"]) for x in r.similar(perfume, k=5)]
    assert found[:3] == [("Perfume and Body Mist", "Women")] * 3, found
    # Clothes keep their wearer: a men's shirt lists no women's product.
    shirt = _some_id(r, articleType="Shirts", gender="Men")
    assert all(x.item["gender"] != "Women" for x in r.similar(shirt, k=5))


def test_an_index_built_from_a_catalogue_records_its_typos_and_tiny_photos(tmp_path, fixture_dir, monkeypatch):
    # A review: the manifest's possible_typos and tiny_image_ids were only ever tested written by hand.
    import fashionrec.catalog as catalog_module

    root = tmp_path / "catalog"
    shutil.copytree(fixture_dir, root)
    lines = (root / "styles.csv").read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if ",Topwear,Tshirts," in line)
    lines[at] = lines[at].replace(",Topwear,Tshirts,", ",Topwear,Tshrts,")
    typo = int(lines[at].split(",")[0])
    (root / "styles.csv").write_text("".join(lines))
    table = load_catalog(root, progress=False).usable
    tiny = int(table.loc[table["articleType"] == "Jeans", "id"].iloc[0])
    Image.new("RGB", (4, 5), "navy").save(root / "images" / f"{tiny}.jpg")
    monkeypatch.setattr(catalog_module, "TYPO_COMMON", 5)       # the fixture has 12 T-shirts, not 20
    monkeypatch.setattr(catalog_module, "TYPO_RATIO", 5)
    catalog = load_catalog(root, progress=False)
    assert [t["ids"] for t in catalog.report.possible_typos["articleType"]] == [[typo]]
    # Over a copy of the session's index of the fixture, whose embeddings of the photos and texts left as they were
    # the build takes rather than compute them again.
    shutil.copytree(built_index(), tmp_path / "index")
    r = Recommender.build(catalog, Tagger.load(tiny_tagger_path()), tmp_path / "index", progress=False)
    assert r.manifest["possible_typos"] == {"articleType": {"Tshrts": "Tshirts"}}
    assert r.manifest["tiny_image_ids"] == [tiny] and tiny in r._set_aside()


def test_an_occasions_product_named_as_the_type_but_filed_as_another_ranks_as_the_type(tmp_path):
    # The catalogue files women's sandals as Flats: "wedding sandals" listed its 4 Ethnic "... Sandals" on page 30
    # of 52, after every men's sports sandal, under a notice that said they "rank higher" (stop 69's shopper).
    r, _ = _scratch(tmp_path)
    heels = r.items.index[r.items["articleType"] == "Heels"]
    r.items.loc[heels[-1], ["productDisplayName", "usage"]] = ["Acme Women Gold Sandals", "Ethnic"]
    r.items.loc[heels[0], "productDisplayName"] = "Acme Women Black Sandals"      # named so, but Casual
    r._reindex()
    ethnic, casual = (int(r.items.loc[i, "id"]) for i in (heels[-1], heels[0]))
    sandals = set(r.items.loc[r.items["articleType"] == "Sandals", "id"].astype(int))
    ids = [p["id"] for p in r.browse(q="wedding sandals", limit=100)[1]]
    assert ids[0] == ethnic, ids[:3]
    # Only for the usage asked: the Casual one named "Sandals" still comes after the Sandals themselves.
    assert ids.index(casual) > max(ids.index(i) for i in sandals)


def test_the_text_search_ranks_an_occasions_product_named_as_the_type_as_the_catalogue_page_does(tmp_path):
    # Stop 69 fixed the page's order alone: the API's "wedding sandals" still listed unisex Crocs and men's sports
    # sandals first, the Ethnic women's "... Sandals" filed as Flats after every Sandals product (stop 70).
    r, _ = _scratch(tmp_path)
    heels = r.items.index[r.items["articleType"] == "Heels"]
    r.items.loc[heels[-1], ["productDisplayName", "usage"]] = ["Acme Women Gold Sandals", "Ethnic"]
    r._reindex()
    ethnic = int(r.items.loc[heels[-1], "id"])
    others = set(r.items.loc[(r.items["articleType"] == "Sandals") & (r.items["usage"] != "Ethnic"), "id"].astype(int))
    ids = [x.id for x in r.search_text("wedding sandals", k=50)]
    assert others and ethnic in ids and ids.index(ethnic) < min(ids.index(i) for i in others if i in ids), ids[:5]
    hit = next(x for x in r.search_text("wedding sandals", k=50) if x.id == ethnic)
    assert "usage Ethnic" in hit.reason, hit.reason


def test_an_occasions_kind_named_as_the_type_but_filed_as_another_follows_its_own(tmp_path):
    # "wedding sandals" went on from the 4 Ethnic "... Sandals" filed as Flats with men's casual sandals, where 58
    # women's Flats and Heels are named "... Sandal(s)" with a kind a wedding's look takes ("Carlton London Women
    # Silver Wedge Sandal", Casual; stop 74): those next, on the page and in the API; one of no such kind after.
    r, _ = _scratch(tmp_path)
    heels = r.items.index[r.items["articleType"] == "Heels"]
    r.items.loc[heels[-1], ["productDisplayName", "usage"]] = ["Acme Women Gold Sandals", "Ethnic"]
    r.items.loc[heels[0], "productDisplayName"] = "Acme Women Silver Sandals"      # a wedding's kind, Casual
    r.items.loc[heels[1], "productDisplayName"] = "Acme Women Black Sandals"       # named so, no kind
    r._reindex()
    ethnic, silver, black = (int(r.items.loc[i, "id"]) for i in (heels[-1], heels[0], heels[1]))
    sandals = set(r.items.loc[r.items["articleType"] == "Sandals", "id"].astype(int))
    assert sandals and r.items.loc[heels[0], "usage"] != "Ethnic"
    ids = [p["id"] for p in r.browse(q="wedding sandals", limit=100)[1]]
    assert ids[:2] == [ethnic, silver], ids[:3]
    assert ids.index(black) > max(ids.index(i) for i in sandals)
    found = r.search_text("sandals for a wedding", k=50)
    ids = [x.id for x in found]
    assert ids.index(ethnic) < ids.index(silver) < min(ids.index(i) for i in sandals if i in ids), ids[:5]
    assert "'silver' in its name, a kind an ethnic look takes" in next(x for x in found if x.id == silver).card_reason


def test_an_occasion_the_wearers_type_has_none_of_reads_as_the_one_standing_in_for_it(tmp_path):
    # "wedding shoes for men": the catalogue files no men's shoe Ethnic (only women's), and the search dropped the
    # occasion without a word, listing all 4,217 men's shoes, a Nike sports shoe 2nd (a shopper's trial, stop 73):
    # the formal ones lead (fashionrec.occasions.STANDS_IN), in the API and on the page, and the note says so.
    r, _ = _scratch(tmp_path)
    heels = r.items.index[r.items["articleType"] == "Heels"]
    r.items.loc[heels[-1], ["productDisplayName", "usage"]] = ["Acme Women Gold Sandals", "Ethnic"]
    r.items.loc[heels[0], "usage"] = "Party"        # a women's party heel, as the 40k catalogue has 2
    shoes = r.items.index[r.items["articleType"].isin(["Casual Shoes", "Sports Shoes"]) & (r.items["gender"] == "Men")]
    assert not (r.items.loc[shoes, "usage"] == "Ethnic").any()
    r.items.loc[shoes[-1], ["productDisplayName", "usage"]] = ["Acme Men Brown Slip-Ons", "Formal"]
    r._reindex()
    formal = int(r.items.loc[shoes[-1], "id"])
    assert [x.id for x in r.search_text("wedding shoes for men", k=3)][0] == formal
    assert r.browse(q="wedding shoes for men", limit=3)[1][0]["id"] == formal
    assert any("has no Ethnic shoes for men, so 'wedding' reads as Formal" in n
               for n in r.reading_notes("wedding shoes for men")), r.reading_notes("wedding shoes for men")
    assert r.occasion_stand_ins(r.parse_query("wedding shoes for men"), ["wedding", "shoe", "men"]) == \
        {"Ethnic": "Formal"}
    # A party's the same (the 40k catalogue files no men's shoe Party); not of a type a formal look does not take.
    assert [x.id for x in r.search_text("party shoes for men", k=3)][0] == formal
    assert r.occasion_stand_ins(r.parse_query("wedding tshirt for men"), ["wedding", "tshirt", "men"]) == {}
    # Not where the wearer has the occasion's own, filed so or named as the type: the women's Ethnic "... Sandals"
    # filed as Heels are a wedding's sandals, as before.
    assert r.occasion_stand_ins(r.parse_query("wedding sandals"), ["wedding", "sandal"]) == {}
    assert r.occasion_stand_ins(r.parse_query("wedding shoes for women"), ["wedding", "shoe", "women"]) == {}
    assert [x.id for x in r.search_text("wedding sandals", k=1)] == [int(r.items.loc[heels[-1], "id"])]
    assert r.reading_notes("wedding sandals") == []


def test_an_occasion_reads_as_the_first_stand_in_whose_look_takes_the_type(tmp_path):
    # "dress for a wedding" listed printed Casual dresses by meaning: the catalogue files no dress Ethnic, and a formal
    # look (Ethnic's first stand-in) takes none; a party's does (its garments), so it reads as Party, said (stop 73,
    # h73kurta). The fixture has no dresses: three women's tops made dresses, one filed Party.
    r, _ = _scratch(tmp_path)
    tops = r.items.index[(r.items["articleType"] == "Tops") & (r.items["gender"] == "Women")][:3]
    r.items.loc[tops, "articleType"] = "Dresses"
    r.items.loc[tops, "productDisplayName"] = [f"Acme Women {c} Dress" for c in ("Blue", "Red", "Black")]
    r.items.loc[tops, "usage"] = "Casual"
    r.items.loc[tops[-1], "usage"] = "Party"
    r._reindex()
    party = int(r.items.loc[tops[-1], "id"])
    assert r.occasion_stand_ins(r.parse_query("dress for a wedding"), ["dress", "wedding"]) == {"Ethnic": "Party"}
    assert [x.id for x in r.search_text("dress for a wedding", k=3)][0] == party
    notes = r.reading_notes("dress for a wedding")
    assert any("has no Ethnic dresses, so 'wedding' reads as Party" in n for n in notes), notes


def test_a_products_look_is_the_occasions_its_name_says_where_its_label_says_another_usage(tmp_path):
    # Catwalk's "Wedding Gold Crystal Heels", filed Casual, had a grey sweater and black jeans for a look (stop 69's
    # shopper): the name's occasion is the look's usage. Not for a name without one.
    r, _ = _scratch(tmp_path)
    heels = r.items.index[(r.items["articleType"] == "Heels") & (r.items["usage"] == "Casual")
                          & (r.items["gender"] == "Women")]
    r.items.loc[heels[0], "productDisplayName"] = "Acme Women Wedding Gold Heels"
    r._reindex()
    wedding, plain = (int(r.items.loc[i, "id"]) for i in (heels[0], heels[1]))
    look = r.complete_the_look(wedding)
    worn = [x for x in look if x.item["masterCategory"] == "Apparel"]
    assert worn and all(x.item["usage"] == "Ethnic" for x in worn), [(x.item["usage"], x.reason) for x in look]
    assert all("the ethnic women's" in x.reason for x in look), [x.reason for x in look]
    assert not any(x.item["usage"] == "Ethnic" for x in r.complete_the_look(plain))


def test_an_occasion_word_alone_lists_the_products_named_for_it_first(tmp_path):
    # "wedding" finds every Ethnic product, and listed them in the catalogue's order: FNF's "Wedding Collection"
    # saris came 4th, 7th and 39th (a shopper's trial).
    r, _ = _scratch(tmp_path)
    ethnic = r.items.index[r.items["usage"] == "Ethnic"]
    assert len(ethnic) >= 3
    named = int(r.items.loc[ethnic[-1], "id"])
    r.items.loc[ethnic[-1], "productDisplayName"] = "FNF Green Wedding Collection Sari"
    r._reindex()
    assert r.parse_query("weddings") == r.parse_query("wedding") == {"usage": ["Ethnic"]}     # read alike
    for q in ("wedding", "weddings", "wedding wear"):
        total, page = r.browse(q=q, limit=50)
        assert total == len(ethnic) and page[0]["id"] == named, (q, [p["id"] for p in page[:3]])
    # A word that is a usage itself keeps the usage's order: no other rank than before ("formals" is "formal").
    assert r.browse(q="ethnic", limit=50)[1][0]["id"] != named
    formal = r.items.index[r.items["usage"] == "Formal"]
    if len(formal) >= 2:
        r.items.loc[formal[-1], "productDisplayName"] = "Arrow Men Formal Shirt"
        r._reindex()
        assert r.browse(q="formals", limit=50)[1][0]["id"] != int(r.items.loc[formal[-1], "id"])
    # Above the usage the word reads as: a product named for the occasion but filed under another usage comes
    # before the usage's others ("gym": Casual gym bags were 3,568th of 3,632, a code review).
    casual = r.items.index[r.items["usage"] == "Casual"][0]
    r.items.loc[casual, "productDisplayName"] = "Wildcraft Unisex Black Wedding Bag"
    r._reindex()
    total, page = r.browse(q="wedding", limit=50)
    assert [p["id"] for p in page[:2]] in ([named, int(r.items.loc[casual, "id"])],
                                           [int(r.items.loc[casual, "id"]), named]), [p["id"] for p in page[:3]]
    # "wear" asks for clothes: every one before a bag named for the occasion ("office wear for women" listed
    # Murcia's 8 "Office" handbags first, "casual wear" a watch and a belt in its first ten: stop 65's trial).
    # Not underwear either ("casual wear" then listed a bra and a brief in its first ten).
    r.items.loc[casual, "masterCategory"] = "Accessories"
    r.items.loc[ethnic[0], ["masterCategory", "subCategory"]] = ["Apparel", "Innerwear"]
    r._reindex()
    total, page = r.browse(q="wedding wear", limit=total)
    kinds = [p["masterCategory"] if p["subCategory"] != "Innerwear" else "Innerwear" for p in page]
    assert {"Accessories", "Innerwear"} <= set(kinds) and kinds.count("Apparel") >= 2, kinds
    assert kinds == sorted(kinds, key=lambda kind: kind != "Apparel"), kinds


def test_a_product_added_with_a_placeholder_name_is_said_never_to_be_recommended(tmp_path):
    # "Test Shirt" went in without a word and was in nobody's similar items (an integrator's trial).
    r, photo = _scratch(tmp_path)
    said: list[str] = []
    new_id = r.add_product(photo, {"productDisplayName": "Test Shirt", "gender": "Men"}, allow_new_values=True,
                           warnings=said)
    assert any("reads as a placeholder" in w and "never shown as a similar item" in w for w in said), said
    assert new_id in r._set_aside()
    said.clear()
    r.add_product(photo.rotate(90, expand=True), {"productDisplayName": "Turtle Check Men Navy Blue Shirt"},
                  allow_new_values=True, warnings=said)
    assert not any("placeholder" in w for w in said)


def test_other_colours_leave_out_copies_of_the_similar_items_photos(tmp_path):
    # A similar item's photo came back in the row below it under another brand's name: the catalogue lists some
    # photos under several ids (a shopper's trial).
    r, _ = _scratch(tmp_path)
    for i in r.items["id"].astype(int).tolist():
        shown = r.similar(i, k=12)
        colours = r.in_other_colours(i, k=6, exclude_ids=[x.id for x in shown])
        if shown and colours:
            break
    else:
        pytest.skip("no product of the fixture has both rows")
    copy = colours[0].id
    own = r.embeddings[r._row[copy]].copy()
    r.embeddings[r._row[copy]] = r.embeddings[r._row[shown[0].id]]     # its photo now a copy of a similar item's
    r._photo_group = None
    assert copy not in [x.id for x in r.in_other_colours(i, k=6, exclude_ids=[x.id for x in shown])]
    assert copy not in [x.id for x in r.in_other_colours(i, k=6, exclude_ids=shown[0].id)]    # one id, as similar()
    r.embeddings[r._row[copy]] = own        # its own photo again: back in the row
    r._photo_group = None
    assert copy in [x.id for x in r.in_other_colours(i, k=6, exclude_ids=[x.id for x in shown])]


def test_several_types_take_turns_as_read_as_they_did_read_whole():
    # Read whole, a text search for several types ran its lazy ranking through every row of a tier (6 -> 31-60 ms
    # at 40k products, a code review): read as far as the turns need, the same order.
    from fashionrec.text_search import _taking_turns, _turns_as_read

    rng = np.random.default_rng(0)
    for _ in range(300):
        n, parts = int(rng.integers(0, 40)), int(rng.integers(1, 4))
        masks = [rng.random(60) < 0.3 for _ in range(parts)]
        rows = rng.permutation(60)[:n]
        assert list(_turns_as_read(iter(rows.tolist()), masks)) == _taking_turns(rows, masks, rest_last=True).tolist()
    # Two parts alternating from the top: the first four turns read four rows of 1,000.
    rows, masks = np.arange(1000), [np.arange(1000) % 2 == 0, np.arange(1000) % 2 == 1]
    read: list[int] = []
    lazy = _turns_as_read((read.append(r) or r for r in rows.tolist()), masks)
    assert list(itertools.islice(lazy, 4)) == [0, 1, 2, 3] and len(read) == 4


def test_a_childs_wearer_word_finds_childrens_products_filed_under_another_gender(tmp_path):
    # "kids shoes" found 70 and "childrens shoes" 40: the 30 "Kids Unisex ..." shoes, filed as Unisex, had
    # "kids" in their names and no other child's word did.
    r, _ = _scratch(tmp_path)
    shoe = _some_id(r, articleType="Casual Shoes")
    add = _adding(r, Image.open(r.image_path(shoe)), articleType="Casual Shoes", baseColour="Red")
    unisex = add(productDisplayName="Acme Kids Unisex Red Shoes", gender="Unisex")
    hers = add(productDisplayName="Acme Kids Girl's Red Shoes", gender="Women")
    grown = add(productDisplayName="Acme Unisex Red Shoes", gender="Unisex")

    def found(q):
        return {p["id"] for p in r.browse(q=q, limit=10_000)[1]}

    for q in ("kids shoes", "childrens shoes", "shoes for children", "child shoes"):
        assert {unisex, hers} <= found(q) and grown not in found(q), q
    # A boy's or a girl's word takes the child's products not named the other's.
    assert unisex in found("boys shoes") and hers not in found("boys shoes") and grown not in found("boys shoes")
    assert {unisex, hers} <= found("girls shoes") and grown not in found("girls shoes")
    assert found("childrens shoes") == found("kids shoes")
    # Filed under the other child's grown-up gender, with no child's gender in its name, it is that child's:
    # "Disney Kids Princess Heart Pink Casual Shoes", filed as women's, was among a boy's shoes.
    princess = add(productDisplayName="Acme Kids Princess Pink Shoes", gender="Women")
    juniors = add(productDisplayName="Acme Men Juniors Grey Shoes", gender="Men")
    assert {princess, juniors} <= found("kids shoes")
    assert princess in found("girls shoes") and princess not in found("boys shoes")
    assert juniors in found("boys shoes") and juniors not in found("girls shoes")
    # ... and its similar items and looks are ranked for that child, not any child (item_tables._wearers).
    worn = r._wearers(r._row[juniors])
    assert worn[r._row[unisex]] and not worn[r._row[hers]] and not worn[r._row[princess]]


def test_the_clis_photo_json_has_the_apis_fields_and_shape(tmp_path):
    # An integrator's trial: `recommend photo --json` gave each head's best label alone ({"label", "prob"}, rounded
    # to 4 places) and no unlike_filtered, where /api/search/image gives a list of {"label", "prob"} best first, so
    # a script written against one read the other wrongly.
    from fastapi.testclient import TestClient

    from fashionrec.api.app import create_app

    rec = shared_recommender()
    path = tmp_path / "photo.png"
    Image.open(rec.image_path(int(rec.items["id"].iloc[3]))).rotate(10, fillcolor="white").save(path)
    out = CliRunner().invoke(app, ["recommend", "photo", str(path), "--index", str(rec.index_dir), "-k", "3",
                                   "--json"])
    assert out.exit_code == 0, out.output
    cli = json.loads(out.output)
    with TestClient(create_app(recommender=rec)) as client:
        api = client.post("/api/search/image?k=3", files={"file": ("photo.png", path.read_bytes(), "image/png")})
    api = api.json()
    assert set(cli) == set(api)
    assert cli["predicted"] == api["predicted"]
    assert all(isinstance(p, list) and {"label", "prob"} == set(p[0]) for p in cli["predicted"].values())
    assert cli["closest_similarity"] == api["closest_similarity"]
    assert [r["id"] for r in cli["results"]] == [r["id"] for r in api["results"]]
    assert _shape(_api_part(cli)) == _shape(api)       # each result's item too (they were the recommender's dicts)


def _api_part(answer: dict) -> dict:
    """A CLI ``--json`` answer less the one field the API lacks, each item's ``image_path`` (its photo's file)."""
    results = [{**r, "item": {k: v for k, v in r["item"].items() if k != "image_path"}} for r in answer["results"]]
    return {**answer, "results": results}


def _shape(value):
    """The keys of a JSON answer, nested (a list by its first element), without the values."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    return [_shape(value[0])] if isinstance(value, list) and value else None


def test_every_recommend_json_is_the_apis_answer_to_the_same_request():
    # An integrator's trial: the CLI's JSON left out a null slot and an empty corrected, note or unmatched that
    # the API sent, had parsed where the API had not, and gave items as the recommender's dicts (pred_articleType
    # where the API has predicted): a script written against one read the other wrong.
    from fastapi.testclient import TestClient

    from fashionrec.api.app import create_app

    rec = shared_recommender()
    index = str(rec.index_dir)
    item = _some_id(rec, articleType="Tshirts")
    liked = [int(i) for i in rec.items["id"].iloc[:2]]
    cli = lambda *a: CliRunner().invoke(app, ["recommend", *a, "--index", index, "--json"])  # noqa: E731
    asked = {   # the same request to each: CLI arguments, API (method, path, query or body)
        "similar": (["similar", str(item), "-k", "3"], ("get", f"/api/items/{item}/similar", {"k": 3})),
        "outfit": (["outfit", str(item), "-k", "3"], ("get", f"/api/items/{item}/outfit", {"k": 3})),
        "profile": (["profile", *map(str, liked), "-k", "3"], ("post", "/api/recommend/profile",
                                                                {"liked": liked, "k": 3})),
        "text": (["text", "casual tshirts for men under 500", "-k", "3"],
                 ("get", "/api/search/text", {"q": "casual tshirts for men under 500", "k": 3})),
        "corrected": (["text", "tshrits", "-k", "3"], ("get", "/api/search/text", {"q": "tshrits", "k": 3})),
        # Its note, how the words were read ("rose gold" as Copper), the API's too.
        "read": (["text", "rose gold watch", "-k", "3"], ("get", "/api/search/text", {"q": "rose gold watch", "k": 3})),
    }
    with TestClient(create_app(recommender=rec)) as client:
        for what, (args, (method, path, params)) in asked.items():
            res = cli(*args)
            assert res.exit_code == 0, (what, res.output)
            got = json.loads(res.stdout)
            sent = (client.get(path, params=params) if method == "get" else client.post(path, json=params)).json()
            assert _shape(_api_part(got)) == _shape(sent), what
            assert all(r["item"]["image_path"] == str(rec.image_path(r["id"])) for r in got["results"]), what
            if what != "corrected":     # a text search's note says why it has fewer than asked: the CLI's alone
                assert _api_part(got) == sent, what
            # Every field present, null or empty where it says nothing (a null slot, an empty note were absent).
            assert {"slot"} <= set(got["results"][0]) and {"corrected", "note", "unmatched", "left_out", "parsed",
                                                           "skipped"} <= set(got), what
    assert json.loads(cli(*asked["text"][0]).stdout)["left_out"] == ["under 500"]
    assert json.loads(cli(*asked["corrected"][0]).stdout)["corrected"] == "tshirts"
    assert json.loads(cli(*asked["read"][0]).stdout)["note"].startswith("The catalogue files 'rose gold' as Copper")


def test_a_failing_json_command_prints_the_apis_error_object_on_stdout(tmp_path):
    # A script piping `--json` read nothing on stdout when the command failed: the message was on stderr alone.
    from fastapi.testclient import TestClient

    from fashionrec.api.app import create_app

    rec = shared_recommender()
    index = str(rec.index_dir)
    run = lambda *a: CliRunner().invoke(app, [*a, "--index", index])  # noqa: E731
    res = run("recommend", "similar", "987654321", "--json")
    assert res.exit_code == 2 and "no product 987654321" in res.stderr
    said = json.loads(res.stdout)
    with TestClient(create_app(recommender=rec)) as client:
        answer = client.get("/api/items/987654321/similar")
    assert answer.status_code == 404 and said == answer.json()      # {"detail": ...}, the same words
    # Each way in: a bad filter, a photo that cannot be read, a product that cannot be added or removed.
    note = tmp_path / "note.jpg"
    note.write_text("not a photo")
    for args in (("recommend", "text", "jeans", "--colour", " "), ("recommend", "photo", str(note)),
                 ("recommend", "profile", "987654321"), ("index", "remove", "987654321"),
                 ("index", "add", str(note))):
        res = CliRunner().invoke(app, [*args, "--index", str(tmp_path / "none" if args[0] == "index" else index),
                                       "--json"])
        assert res.exit_code == 2, (args, res.output)
        said = json.loads(res.stdout)       # one object, nothing else on stdout
        assert list(said) == ["detail"] and said["detail"] in " ".join(res.stderr.split()), (args, res.stderr)
    # Without --json, stdout stays empty (the state is each command's, not the process's).
    res = run("recommend", "similar", "987654321")
    assert res.exit_code == 2 and res.stdout == ""


def test_k_and_diversity_out_of_range_are_refused_by_their_flags_before_the_index_loads(tmp_path):
    # "k must be a whole number ..." and "diversity must be ..." were the Python call's words, said after the index
    # loaded: a script's author looked for a "k" option (the flag is -k) and waited seconds for a refusal.
    none = str(tmp_path / "none")       # no index: the refusal comes first
    for args, said in ((("similar", "1", "-k", "0"), "-k must be a whole number between 1 and 1000, got 0"),
                       (("similar", "1", "--diversity", "2"), "--diversity must be a number from 0"),
                       (("photo", none, "-k", "-1"), "-k must"), (("text", "jeans", "-k", "1000000000"), "-k must"),
                       (("outfit", "1", "-k", "0"), "-k must"), (("profile", "1", "2", "-k", "0"), "-k must")):
        res = CliRunner().invoke(app, ["recommend", *args, "--index", none, "--json"])
        assert res.exit_code == 2, (args, res.output)
        assert json.loads(res.stdout)["detail"].startswith(said), (args, res.stdout)


def test_a_bug_in_a_json_command_still_prints_one_json_object(monkeypatch, capsys):
    # A bug keeps its traceback; stdout has what the API answers for one (its 500's detail), not nothing.
    from fashionrec import cli

    def broken(*_a, **_k):
        raise RuntimeError("a bug")

    monkeypatch.setattr(Recommender, "similar", broken)
    rec = shared_recommender()
    monkeypatch.setattr("sys.argv", ["fashionrec", "recommend", "similar", str(int(rec.items["id"].iloc[0])),
                                     "--index", str(rec.index_dir), "--json"])
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main()
    assert json.loads(capsys.readouterr().out) == {"detail": "internal error (RuntimeError): a bug"}


def test_a_product_whose_name_has_every_word_of_the_query_is_found_whatever_its_meaning(monkeypatch):
    # "no limits" found nothing: its one product, "Nike Fragrances Men No Limits Perfume", was under the text
    # model's similarity floor, where the catalogue page listed it (a text-search trial).
    rec = shared_recommender()
    row = int(np.flatnonzero(rec.items["productDisplayName"].str.split().str.len() >= 5)[0])
    words = str(rec.items["productDisplayName"].iloc[row]).split()[-3:-1]      # two words of its name
    query = " ".join(words)
    far = np.full(len(rec.items), -1.0, np.float32)         # nothing alike by meaning
    found = rec._by_meaning(query, far, RELEVANT_TEXT_SIMILARITY)
    assert found[row] and found.sum() < len(rec.items)
    assert not rec._by_meaning("qwzx", far, RELEVANT_TEXT_SIMILARITY).any()      # unreadable: none, as before


def test_without_a_part_is_what_names_call_less_of_it(tmp_path):
    # "without sleeves" found nothing: every product was left out that had no other word to match, where 46 names
    # say "Sleeveless" (a text-search review). Not where no product of the rest is named so ("dress no straps").
    r, _ = _scratch(tmp_path)
    top = _some_id(r, articleType="Tops")
    r.items.loc[r.items["id"] == top, "productDisplayName"] = "Acme Women Sleeveless Blue Top"
    r._reindex()
    assert r._negation("without sleeves") == ("sleeveless", [])
    assert r._negation("tops without sleeves") == ("tops sleeveless", [])
    assert top in {x.id for x in r.search_text("without sleeves", k=100, min_similarity=RELEVANT_TEXT_SIMILARITY)}
    assert r._negation("dress no straps") == ("dress", [["strap"]])


def test_a_brand_named_without_a_wearer_lists_its_childrens_products_first(tmp_path):
    # "gini and jony" (a children's brand) listed one of its products, then John Players gingham shirts: a query
    # naming no wearer sets children's products aside, its brand's too (a review of the text search).
    r, _ = _scratch(tmp_path)
    kids = r.items.index[r.items["articleType"] == "Tshirts"][:6]
    assert len(kids) == 6
    r.items.loc[kids, "productDisplayName"] = [f"Zuzu Kids Tee {n}" for n in range(6)]
    r.items.loc[kids, "gender"] = "Boys"
    r._reindex()
    ids = set(r.items.loc[kids, "id"].astype(int))
    assert {x.id for x in r.search_text("zuzu", k=6)} == ids
    # ... a grown-up's query still sets them aside.
    assert not ids & {x.id for x in r.search_text("zuzu for men", k=6)}


def test_tag_with_the_index_of_the_catalogue_tagged_reads_its_photos_on_a_backdrop(shipped_rec, tmp_path):
    # A new user's trial: a shop's photos on a grey backdrop, tagged with `--index` of that very shop, were read
    # as they are (a jeans "Lipstick", a belt "Highlighter and Blush"; 1 of 10 right, 5 now): each photo found
    # itself in the index at cosine 1.0, so none of its other views was tried. Its own product (and its photo's
    # copies) is now left out of that search. Here the shop also lists each product's studio photo, on white.
    from fashionrec.tagging import tag

    shop = tmp_path / "shop"
    shutil.copytree(fixture_catalog().root, shop)
    styles = pd.read_csv(shop / "styles.csv", dtype=str, keep_default_na=False, on_bad_lines="skip")
    ids = shipped_rec.items["id"].tolist()[:12]
    extra = styles[styles["id"].isin([str(i) for i in ids])].copy()
    extra["id"] = [str(900000 + n) for n in range(len(extra))]
    for old, new in zip(extra.index, extra["id"], strict=True):
        backdrop = Image.new("RGB", (640, 640), (150, 150, 150))
        photo = Image.open(shipped_rec.image_path(int(styles.at[old, "id"]))).convert("RGB").resize((240, 320))
        backdrop.paste(photo, (200, 160))
        backdrop.save(shop / "images" / f"{new}.jpg")
    with open(shop / "styles.csv", "a", encoding="utf-8", newline="") as f:
        extra.to_csv(f, header=False, index=False)
    # Over a copy of shipped_rec's folder, whose embeddings of the catalogue's own photos and texts the build takes:
    # it embeds the grey ones alone, not the 178 again.
    shutil.copytree(shipped_rec.index_dir, tmp_path / "index")
    Recommender.build(load_catalog(shop, progress=False), Tagger.load(), tmp_path / "index", progress=False)
    grey = [int(i) for i in extra["id"]]

    def agree(result) -> float:
        rows = result.table[result.table["id"].isin(grey)]
        assert len(rows) == len(grey)
        return float((rows["articleType"] == rows["catalogue_articleType"]).mean())

    # As they are (--as-is): since stop 71 `tag` reads photos on a backdrop through their views by default (0.85
    # of the grey ones here, the index's reading 0.77), and the test compared that with the index's.
    as_is = tag(shop, progress=False, views=False)
    searched = tag(shop, index=tmp_path / "index", progress=False)
    assert agree(searched) >= 0.75 and agree(searched) >= agree(as_is) + 0.3, (agree(as_is), agree(searched))
    assert agree(tag(shop, progress=False)) >= 0.75
    # The rest, on white, read as before.
    rest = lambda r: r.table[~r.table["id"].isin(grey)]["articleType"].tolist()  # noqa: E731
    assert np.mean([a == b for a, b in zip(rest(as_is), rest(searched), strict=True)]) >= 0.95


def test_a_text_searchs_parsed_is_what_it_asks_for_not_what_it_leaves_out():
    # "shirts not blue" answered parsed {'articleType': ['Shirts'], 'baseColour': ['Blue']} on the API and the CLI,
    # telling a client the search named the colour it leaves out; a corrected query's parsed was the CLI's reading
    # of the words as typed ({} for "tshrits") where the API's was of the correction.
    from fastapi.testclient import TestClient

    from fashionrec.api.app import create_app

    rec = shared_recommender()
    cli = lambda q: json.loads(CliRunner().invoke(  # noqa: E731
        app, ["recommend", "text", q, "--index", str(rec.index_dir), "--json", "-k", "3"]).stdout)
    with TestClient(create_app(recommender=rec)) as client:
        api = lambda q: client.get("/api/search/text", params={"q": q, "k": 3}).json()  # noqa: E731
        for q in ("shirts not blue", "tshirts not black"):
            assert "baseColour" not in api(q)["parsed"] and "articleType" in api(q)["parsed"], q
            assert cli(q)["parsed"] == api(q)["parsed"], q
        assert api("not black")["parsed"] == {} == cli("not black")["parsed"]
        assert cli("tshrits")["parsed"] == api("tshrits")["parsed"] == {"articleType": ["Tshirts"]}


def test_a_party_look_takes_smart_casual_before_casual_standing_in(tmp_path):
    # A stop 62 trial: a men's party shirt got Scullers casual trousers, Vans canvas shoes and a casual Casio watch,
    # the catalogue's few smart casual ones for men standing beside thousands of casual ones, the colour deciding.
    r, _ = _scratch(tmp_path)
    shirts = _ids(r, gender="Men", articleType="Shirts", usage="Casual")
    _relabel(r, shirts, usage="Party")
    smart = _ids(r, gender="Men", articleType="Casual Shoes")[:1]
    _relabel(r, smart, usage="Smart Casual")
    shoes = [p.id for s in shirts for p in r.complete_the_look(s, k=6) if p.slot == "Shoes"]
    assert shoes and set(shoes) <= set(smart), [r.item(i)["usage"] for i in shoes]


def test_a_t_shirt_picked_for_another_products_look_takes_no_heels_after_it(tmp_path):
    # A stop 62 trial: a women's watch got a pink T-shirt, then pink sandals filed Heels; a T-shirt's flat shoes held in
    # a T-shirt's own look only.
    r, _ = _scratch(tmp_path)
    _relabel(r, _ids(r, gender="Women", articleType=["Tops", "Shirts"]), articleType="Tshirts")
    _relabel(r, _ids(r, gender="Women", articleType="Casual Shoes")[1:], articleType="Heels")
    looks = [r.complete_the_look(w, k=6) for w in _ids(r, gender="Women", articleType="Watches")]
    types = [{p.item["articleType"] for p in look} for look in looks]
    assert any("Tshirts" in t for t in types) and not any({"Tshirts", "Heels"} <= t for t in types), types
    # Heels picked first take no T-shirt after them (socks' look: shoes, bottoms, then a top).
    socks = _ids(r, gender="Women", articleType="Handbags")[0]
    _relabel(r, [socks], subCategory="Socks", articleType="Socks")
    _relabel(r, _ids(r, gender="Women", articleType="Casual Shoes"), articleType="Heels")
    types = [p.item["articleType"] for p in r.complete_the_look(socks, k=6)]
    assert "Heels" in types and "Tshirts" not in types, types


def test_an_ethnic_look_takes_no_clogs_as_its_sandals(tmp_path):
    # A stop 62 trial: a girl's lehenga choli and a boy's kurta and dhoti sets got Crocs clogs (filed as sandals).
    r, _ = _scratch(tmp_path)
    sandals = _ids(r, gender="Men", articleType="Sandals")
    _relabel(r, sandals[1:], productDisplayName="Crocs Men Navy Clogs")
    kurtas = _ids(r, gender="Men", articleType="Kurtas", usage="Ethnic")
    picked = {p.id for k in kurtas for p in r.complete_the_look(k, k=6) if p.slot == "Sandal"}
    assert picked == {sandals[0]}, [r.item(i)["productDisplayName"] for i in picked]
    # A casual look may still take them: every men's shoe a clog, a casual shirt's shoes are clogs.
    _relabel(r, _ids(r, gender="Men", subCategory=["Shoes", "Sandal"]), productDisplayName="Crocs Men Navy Clogs")
    shirt = _ids(r, gender="Men", articleType="Shirts", usage="Casual")[0]
    shoes = [p.item["productDisplayName"] for p in r.complete_the_look(shirt, k=6) if p.slot == "Shoes"]
    assert shoes == ["Crocs Men Navy Clogs"], shoes


def test_an_ethnic_look_may_take_crocs_that_are_no_clogs(tmp_path):
    # A code review: clogs were matched by the brand, so an ethnic, formal or party look took none of the
    # catalogue's 64 Crocs products, its flats, canvas shoes and sandals too ("Crocs Women Lady Oyster Flats").
    r, _ = _scratch(tmp_path)
    sandals = _ids(r, gender="Men", articleType="Sandals")
    _relabel(r, sandals, productDisplayName="Crocs Men Yukon Black Sandal")     # a clog model: none
    kurtas = _ids(r, gender="Men", articleType="Kurtas", usage="Ethnic")
    assert not {p.id for k in kurtas for p in r.complete_the_look(k, k=6) if p.slot == "Sandal"}
    _relabel(r, sandals, productDisplayName="Crocs Men Swiftwater Black Sandal")
    picked = {p.id for k in kurtas for p in r.complete_the_look(k, k=6) if p.slot == "Sandal"}
    assert picked and picked <= set(sandals), picked


def test_clogs_are_told_by_their_name_not_their_brand():
    from fashionrec.looks import CLOG_NAME
    clogs = ["Crocs Kids Navy Clogs", "Crocs Men Santa Cruz Clog Black Sandal", "Crocs Unisex Crocband Red Sandal",
             "Crocs Kids Cayman black Sandals", "Crocs Unisex Beach Black Sandal", "Crocs Men Yukon Black Sandal",
             "Marvel Boys Red Spiderman Clogs", "Warner Bros Kids Unisex SD Fly Clog Blue Sandals"]
    others = ["Crocs Women Lady Oyster Flats", "Crocs Men's Tideline Canvas Black Shoe", "Crocs Patricia Women Black "
              "Sandal", "Crocs Women Band Wedge Black Floater", "Crocs Crocband Flip Unisex Navy Blue Slipper",
              "Crocs Kid's Electro Flip Navy Red Kidswear", "Crocs Men Black Flip-Flops"]
    assert [n for n in clogs if not re.search(CLOG_NAME, n)] == []
    assert [n for n in others if re.search(CLOG_NAME, n)] == []


def test_a_look_carries_no_rain_cover_or_laptop_sleeve_as_its_bag(tmp_path):
    # A stop 75 stylist's trial: a black dress's bag was "Wildcraft Unisex Black Rain Cover For Backpacks", filed
    # Handbags (and "Belkin Unisex Netbook Stealth Slip Case Black Handbags" is a laptop's case).
    r, _ = _scratch(tmp_path)
    covers = _ids(r, gender="Women", articleType=["Handbags", "Clutches"])[::2]
    _relabel(r, covers, productDisplayName="Wildcraft Unisex Black Rain Cover For Backpacks")
    women = _ids(r, gender="Women", articleType=["Dresses", "Heels", "Flats", "Tops"])
    picked = {p.id for w in women for p in r.complete_the_look(w, k=6) if p.slot == "Bags"}
    assert picked and not picked & set(covers), [r.item(i)["productDisplayName"] for i in picked]


def test_covers_and_sleeves_are_told_from_bags_by_name():
    from fashionrec.looks import NOT_A_BAG_NAME
    covers = ["Wildcraft Unisex Black Rain Cover For Backpacks", "Belkin Unisex Netbook Stealth Slip Case Black "
              "Handbags", "ADIDAS Unisex Black Laptop Sleeve", "Yelloe Unisex Brown iPad Sleeve"]
    bags = ["Lino Perros Women Golden Strap Brown Handbag", "Baggit Women Umbrella Dum Brown Handbag",
            "Fastrack Unisex Blue Green Single Strap Backpack", "Wildcraft Unisex Red Solid Backpack",
            "Belkin Unisex Messenger Bag"]
    assert [n for n in covers if not re.search(NOT_A_BAG_NAME, n)] == []
    assert [n for n in bags if re.search(NOT_A_BAG_NAME, n)] == []


def test_a_salwar_filed_as_lounge_pants_gets_a_salwars_look(tmp_path):
    # A stop 62 trial: "Fabindia Women Blue Salwar", filed as ethnic lounge pants, got flip flops alone (a lounge
    # pant's look: a T-shirt, none of them ethnic, then slippers).
    r, _ = _scratch(tmp_path)
    salwar = _ids(r, gender="Women", articleType="Trousers", usage="Casual")[0]
    _relabel(r, [salwar], articleType="Lounge Pants", subCategory="Loungewear and Nightwear", usage="Ethnic",
             productDisplayName="Fabindia Women Blue Salwar")
    look = [(p.slot, p.item["articleType"]) for p in r.complete_the_look(salwar, k=6)]
    assert ("Topwear", "Kurtas") in look and "Flip Flops" not in dict(look), look
    # Nor is it nightwear in another product's look (a pair of briefs took "Fabindia Women Navy Blue Salwar").
    assert r._look_categories()[r._row[salwar]] == "Bottomwear"
    # Its reason names it as its card does: "... women's bottomwear" read like another product's (a code review).
    assert "ethnic women's salwar" in r.complete_the_look(salwar, k=1)[0].reason


def test_an_ethnic_bottoms_look_names_it_by_its_type(tmp_path):
    # A stop 63 review: the look of a salwar filed as Salwar said "Topwear to go with the ethnic women's bottomwear",
    # as a pair of jeans' would; a churidar likewise.
    r, _ = _scratch(tmp_path)
    salwar, churidar = _ids(r, gender="Women", articleType="Trousers", usage="Casual")[:2]
    _relabel(r, [salwar], articleType="Salwar", usage="Ethnic", productDisplayName="Biba Women Red Salwar")
    _relabel(r, [churidar], articleType="Churidar", usage="Ethnic", productDisplayName="Biba Women Red Churidar")
    assert "ethnic women's salwar" in r.complete_the_look(salwar, k=1)[0].reason
    assert "ethnic women's churidar" in r.complete_the_look(churidar, k=1)[0].reason


def test_a_products_colourways_are_its_other_colours_where_its_similar_items_take_its_type(rec, tmp_path):
    # A new user's 120-product shop (stop 63): `recommend export` found other colours for 1 product of 118, its 12
    # similar items taking the whole of its type, the colourways with it. The fixture's 9 women's handbags hold
    # one design in two colours, the "Lino Perros Women Leatherette" handbag in black and in purple.
    from fashionrec.rec_export import export_recommendations, read_export

    black, purple = 25277, 25220
    assert rec.colourways(black) == [purple] and rec.colourways(purple) == [black]
    assert purple in {r.id for r in rec.similar(black, k=12, colourways="include")}   # the whole type, as on the shop
    similar, row = rec.product_page(black)
    # similar() lists them as the page does, its colourways left to the row (`/similar` listed what `/other-colours`
    # showed, stop 64), unless asked to keep them, or asked for other colours itself.
    assert [r.id for r in rec.similar(black, k=12)] == [r.id for r in similar]
    assert rec.page_colourways(black) == [purple] and rec.page_colourways(black, 0) == []
    assert purple in {r.id for r in rec.similar(black, k=12, other_colours=True)}
    assert purple in {r.id for r in rec.similar(black, k=12, filters={"baseColour": "Purple"})}
    assert purple not in {r.id for r in rec.similar(black, k=12, other_colours=True, colourways="exclude")}
    with pytest.raises(BadInputError, match="colourways must be one of exclude, include .*got 'both'"):
        rec.similar(black, colourways="both")
    assert row and row[0].id == purple and row[0].card_reason == "In purple"
    assert row[0].reason.startswith("same name but its colour, same type (Handbags)")
    assert purple not in {r.id for r in similar} and len(similar) == 12
    assert not {r.id for r in similar} & {r.id for r in row}
    assert rec.in_other_colours(black, exclude_ids=[r.id for r in similar])[0].id == purple
    # As its page, the API's other-colours and the export list them.
    export_recommendations(rec, tmp_path / "recs.csv", ids=[black], kinds=["similar", "other_colours"],
                           progress=False)
    table, _ = read_export(tmp_path / "recs.csv")
    assert table.loc[table["kind"] == "other_colours", "rec_id"].tolist() == [r.id for r in row]
    assert table.loc[table["kind"] == "similar", "rec_id"].tolist() == [r.id for r in similar]
    # A name that many products share is a brand's plain name for its type, no one design's.
    import fashionrec.recommend as recommend

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(recommend, "COLOURWAY_NAMES", 1)
        mp.setattr(rec, "_colourway_key", None)        # its table, made again under the setting
        assert rec.colourways(black) == [] and rec.product_page(black)[0][:12] == rec.similar(black, k=12)
    # A twin of a colourway the row shows (one design in one colour, listed twice) is not among the similar items
    # either: the page read as repeating it (10 of 300 products with colourways, runs/index).
    r, _ = _scratch(tmp_path)
    twin = next(i for i in _ids(r, articleType="Handbags", gender="Women") if i not in (black, purple))
    _relabel(r, [twin], baseColour="Purple", productDisplayName=r.item(purple)["productDisplayName"])
    assert not {purple, twin} & ({x.id for x in r.product_page(black)[0]} | {x.id for x in r.similar(black, k=12)})
    assert set(r.page_colourways(black)) == {purple, twin} and len(r.product_page(black)[1]) >= 1


def test_a_shops_own_name_for_a_kaggle_type_is_reached_by_that_types_words(tmp_path, rec):
    # A shop's "Denim" for Jeans was found by its own name alone: "blue jeans for women" read no type (stop 64, a
    # new user's trial). The Kaggle type's words now reach it, and the search says so.
    assert rec._vocabulary()["types"].renamed == {}         # a catalogue of Kaggle types: nothing renamed
    assert rec.parse_query("blue jeans for women")["articleType"] == ["Jeans"]
    assert not any("this shop's type" in str(n) for n in rec.reading_notes("blue jeans for women"))
    r, _ = _scratch(tmp_path)
    jeans = r.items["articleType"] == "Jeans"
    assert jeans.sum() >= RENAMED_MIN
    r.items.loc[jeans, "articleType"] = "Denim"
    r._reindex()
    assert r._vocabulary()["types"].renamed == {"Jeans": "Denim"}
    assert r.parse_query("blue jeans for women")["articleType"] == ["Denim"]
    assert r.parse_query("denim")["articleType"] == ["Denim"]           # its own name, as before
    assert "'jeans' reads as Denim, this shop's type for them." in r.reading_notes("blue jeans for women")
    found = r.search_text("blue jeans", k=3, min_similarity=RELEVANT_TEXT_SIMILARITY)
    assert found and all(r.item(x.id)["articleType"] == "Denim" for x in found)


def _closest_maker(r: Recommender):
    """A function that makes the product at a label of ``r.items`` the closest in meaning to a query."""
    r.text_embeddings = np.array(r.text_embeddings, copy=True)

    def closest(label, query: str) -> int:
        r.text_embeddings[r._row[int(r.items.loc[label, "id"])]] = query_vector(query)
        return int(r.items.loc[label, "id"])
    return closest


def test_a_tank_top_is_also_a_t_shirt_named_so(tmp_path):
    # Stop 68 (docs/history.md, "Stop 67, text search"): "tank top" found the Tops alone, not ADIDAS's 8 "Tank
    # T-shirt"s (Tshirts); other T-shirts are not listed.
    r, _ = _scratch(tmp_path)
    it = r.items
    tee = it.index[(it["articleType"] == "Tshirts") & it["gender"].isin(["Men", "Women"])][0]
    it.loc[tee, "productDisplayName"] = "ADIDAS Men Tank Blue T-shirt"
    r._reindex()
    tee_id = int(it.loc[tee, "id"])
    tanks = set(it["id"][(it["articleType"] == "Tops") & it["productDisplayName"].str.contains("Tank")]) | {tee_id}
    tops = set(it["id"][it["articleType"] == "Tops"])
    total, page = r.browse(q="tank top", limit=len(r.items))
    ids = [p["id"] for p in page]
    assert total == len(tops) + 1 and set(ids[:len(tanks)]) == tanks, [p["productDisplayName"] for p in page[:3]]
    assert {x.id for x in r.search_text("tank top", k=len(tanks))} == tanks


def test_a_shoe_kind_lists_its_types_the_named_first_then_by_meaning(tmp_path):
    # Stop 68: "loafers", "ankle boots" (and "oxford shoes", "moccasins") listed the few named so, then anything by
    # meaning (socks 4th and 7th for "ankle boots", a fragrance gift set for "moccasins"); now their shoe types.
    r, _ = _scratch(tmp_path)
    it = r.items
    closest = _closest_maker(r)
    casual = it.index[(it["articleType"] == "Casual Shoes") & it["gender"].isin(["Men", "Women"])]
    it.loc[casual[0], "productDisplayName"] = "Clarks Men Brown Loafers"
    it.loc[casual[1], "productDisplayName"] = "Homme Men Tan Ankle Boots"
    r._reindex()
    loafer, boot = (int(it.loc[x, "id"]) for x in (casual[0], casual[1]))
    shoes = set(it["id"][it["articleType"] == "Casual Shoes"])
    for q, named in (("loafers", loafer), ("ankle boots", boot)):
        near = closest(casual[-1], q)
        total, page = r.browse(q=q, limit=len(r.items))
        assert {p["id"] for p in page} >= shoes and [p["id"] for p in page][:2] == [named, near], (q, total)
        found = [x.id for x in r.search_text(q, k=3)]
        assert found[:2] == [named, near], (q, found)
    # The kind's word before "shoes" is the kind: "loafer shoes" listed sports shoes among the first ten (all shoes).
    near = closest(casual[-1], "loafer shoes")
    assert [x.id for x in r.search_text("loafer shoes", k=2)] == [loafer, near]
    assert r.parse_query("loafer shoes")["articleType"] == r.parse_query("loafers")["articleType"]
    # A kind of several types no name says is noted with its types listed (was "casual shoes or formal shoes or ...").
    assert ("No product is named 'chelsea boots': the catalogue's casual shoes, formal shoes, flats and heels are "
            "listed for it, the closest in meaning first.") in r.reading_notes("chelsea boots")


def test_a_kit_of_another_thing_is_no_grooming_kit_and_a_sports_kit_is_clothes(tmp_path):
    # Stop 68: "kabaddi kit" (a sport SPORT_KITS lacks) and "first aid kit" read Mens Grooming Kit (an after-shave
    # lotion); "golf kit" listed ten Sports backpacks by meaning.
    r, _ = _scratch(tmp_path)
    it = r.items
    closest = _closest_maker(r)
    _relabel(r, _ids(r, articleType="Belts")[:1], articleType="Mens Grooming Kit")
    assert r.parse_query("grooming kit")["articleType"] == ["Mens Grooming Kit"]
    for q in ("kabaddi kit", "first aid kit"):
        assert "articleType" not in r.parse_query(q), q
    for label in it.index[it["articleType"] == "Backpacks"]:
        closest(label, "golf kit")
    found = r.search_text("golf kit", k=5)
    assert {x.item["masterCategory"] for x in found} <= {"Apparel", "Footwear"}, \
        [x.item["productDisplayName"] for x in found]


def test_a_kit_or_gear_of_a_sport_the_list_lacks_is_sportswear(tmp_path):
    # Stop 70: a sport not in SPORT_KITS was read by meaning: "kabaddi kit" listed tie-and-cufflink packs first,
    # "archery kit" Arrow Sport shirts. Now sportswear; "first aid kit" and "travel kit" stay no sport's.
    r, _ = _scratch(tmp_path)
    closest = _closest_maker(r)
    for label in r.items.index[r.items["articleType"] == "Ties"]:
        closest(label, "kabaddi kit")
    for q in ("kabaddi kit", "archery kit", "surfing gear", "cricket gear"):
        assert r.parse_query(q).get("usage") == ["Sports"], q
        found = r.search_text(q, k=5)
        assert {x.item["usage"] for x in found} == {"Sports"}, (q, [x.item["productDisplayName"] for x in found])
    for q in ("first aid kit", "new kit", "travel kit"):
        assert "usage" not in r.parse_query(q), q


def test_a_kit_or_gear_of_a_word_the_names_say_is_no_unknown_sports_kit(tmp_path):
    # Stop 70 read any word before "kit" or "gear" that is no type, colour or occasion as a sport the list lacks:
    # "leather gear" and "denim kit" were filtered to sportswear and searched as "sports gear" and "sports kit", the
    # leather and the denim lost (561 and 79 names of the full catalogue say them), and "kit kit" read "kit" as a
    # sport (a review of stop 70). A word product names say is what they say, read by meaning as before.
    r, _ = _scratch(tmp_path)
    for word, kit in (("leather", "gear"), ("denim", "kit")):
        assert r._words().in_names(word).any(), word        # (the fixture's names say them)
        q = f"{word} {kit}"
        assert "usage" not in r.parse_query(q) and r._as_meant(q) == q, (q, r.parse_query(q), r._as_meant(q))
    for q in ("kit kit", "gear kit"):
        assert "usage" not in r.parse_query(q), q
    assert r.parse_query("kabaddi kit").get("usage") == ["Sports"] and r._as_meant("kabaddi kit") == "sports kit"


def test_an_unknown_sports_kit_is_ranked_as_a_sports_kit_not_by_the_unknown_word(tmp_path):
    # Stop 70: on the full index the text model put "kabaddi" near "Kalenji": "kabaddi kit" listed six Kalenji sports
    # shoes and no kit. The unknown sport's word says nothing the model knows: read as "sports kit".
    r, _ = _scratch(tmp_path)
    it = r.items
    closest = _closest_maker(r)
    shoe = it.index[(it["articleType"] == "Sports Shoes") & (it["usage"] == "Sports")][0]
    tee = it.index[(it["masterCategory"] == "Apparel") & (it["usage"] == "Sports")][0]
    closest(shoe, "kabaddi kit")
    kit = closest(tee, "sports kit")
    for q in ("kabaddi kit", "Kabaddi Kit"):
        assert r.search_text(q, k=1)[0].id == kit, q
    assert r._as_meant("kabaddi kit") == "sports kit" and r._as_meant("golf kit") == "golf kit"


def _with_formal_shoes(tmp_path, n: int) -> tuple[Recommender, pd.Index]:
    """A scratch recommender whose first ``n`` men's casual shoes are filed Formal Shoes (the fixture has none),
    and the labels of its men's casual shoes as they were (those first)."""
    r, _ = _scratch(tmp_path)
    it = r.items
    casual = it.index[(it["articleType"] == "Casual Shoes") & (it["gender"] == "Men")]
    _relabel(r, [int(it.loc[x, "id"]) for x in casual[:n]], articleType="Formal Shoes", usage="Formal")
    return r, casual


def test_oxfords_are_formal_shoes_the_named_first_and_an_oxford_shirt_a_shirt(tmp_path):
    # Stop 70: "oxfords" was read by meaning (the page listed Wrangler's "Oxford" shirts), and "oxford shoes" listed
    # Converse's casual "Oxford" models before most formal pairs on the page.
    r, casual = _with_formal_shoes(tmp_path, 3)
    it = r.items
    it.loc[casual[0], "productDisplayName"] = "Homme Men Black Formal Oxford Shoes"
    it.loc[casual[-1], "productDisplayName"] = "Converse Men Oxford Red Casual Shoes"
    shirt = it.index[it["articleType"] == "Shirts"][0]
    it.loc[shirt, "productDisplayName"] = "Wrangler Men Nimrod Oxford White Shirt"
    r._reindex()
    formal, converse, wrangler = (int(it.loc[x, "id"]) for x in (casual[0], casual[-1], shirt))
    formals = set(it["id"][it["articleType"] == "Formal Shoes"].astype(int))
    for q in ("oxfords", "oxford shoes"):
        ids = [p["id"] for p in r.browse(q=q, limit=100)[1]]
        assert ids[0] == formal and set(ids[:len(formals)]) == formals, (q, ids[:5])
        assert converse not in ids or ids.index(converse) >= len(formals), (q, ids[:5])
        found = [x.id for x in r.search_text(q, k=len(formals))]
        assert found[0] == formal and set(found) == formals, (q, found)
    assert r.parse_query("oxfords")["articleType"] == ["Formal Shoes"]
    assert "articleType" not in r.parse_query("oxford")
    assert r.search_text("oxford shirt", k=1)[0].id == wrangler


def test_derbies_are_formal_shoes_and_the_products_named_so_not_every_casual_shoe(tmp_path):
    # Stop 71: "derbies" was a word of Casual Shoes too (an alias of every one of them), so the page's "derby shoes"
    # and "derbies" listed every Casual Shoes product after the formal ones (264 on stop 70's 2,646-product sample).
    r, casual = _with_formal_shoes(tmp_path, 2)
    it = r.items
    it.loc[casual[-1], "productDisplayName"] = "ADIDAS Men Derby White Shoes"
    r._reindex()
    formals = set(it["id"][it["articleType"] == "Formal Shoes"].astype(int))
    derby = int(it.loc[casual[-1], "id"])
    for q in ("derby shoes", "derbies"):
        ids = [p["id"] for p in r.browse(q=q, limit=100)[1]]
        assert set(ids[:len(formals)]) == formals and ids[len(formals):] == [derby], (q, ids)
    assert "derby" not in r._vocabulary()["types"].aliases().get("Casual Shoes", [])


def test_a_list_of_colours_finds_either_colour_on_the_page_as_in_the_text_search():
    # Stop 71: "navy blue or red tie" found nothing on the page (its word search needs every word, and no tie is
    # both), where the text search listed the ties of either colour; "red and black" still asks for both at once.
    rec = shared_recommender()
    it = rec.items
    for q, kind, listed in (("red or grey tie", "Ties", ["Red", "Grey"]),
                            ("black, brown or olive belt", "Belts", ["Black", "Brown", "Olive"]),
                            ("Black Or Brown Belts", "Belts", ["Black", "Brown"])):
        want = set(it["id"][it["articleType"].eq(kind) & it["baseColour"].isin(listed)].astype(int))
        total, page = rec.browse(q=q, limit=100)
        assert {p["id"] for p in page} == want and total == len(want), (q, total)
        assert {x.id for x in rec.search_text(q, k=len(want))} == want, q
        # The colours take turns (a pairing's list of colours: not every black belt before a brown one).
        assert len({p["baseColour"] for p in page[:len(listed)]}) == len(listed), (q, page[:3])
    assert rec._colour_choices("red and black") is None and rec._colour_choices("red, black dress") is None


def test_a_list_of_colours_takes_turns_on_the_page_by_the_colour_each_product_is_labelled(tmp_path):
    # Stop 71 (h71bench, 40k products): the page gave the turns by words, so a blue shirt named "Blue & White" took
    # the white's turn and "white or blue shirt for men" showed 9 blue shirts in its first ten (the API 5 and 5).
    r, _ = _scratch(tmp_path)
    black, red = _ids(r, articleType="Shirts", baseColour="Black"), _ids(r, articleType="Shirts", baseColour="Red")
    assert len(black) >= 2 and len(red) >= 2
    _relabel(r, black, productDisplayName="Kraus Men Red & Black Check Shirt")
    total, page = r.browse(q="red or black shirt", limit=4)
    found = [x.item["baseColour"] for x in r.search_text("red or black shirt", k=4)]
    assert total == len(black) + len(red) and [p["baseColour"] for p in page] == found, (page, found)
    assert found[0] != found[1] and found[2] != found[3], found


def test_an_unknown_sports_kit_mixes_tops_bottoms_and_shoes_and_says_what_it_lists(tmp_path):
    # Stop 71: "kabaddi kit", "archery kit" and "surfing kit" listed the same ten, five of them sports shoes, and
    # nothing said why. Its pieces take turns; a note says the catalogue has nothing made for the sport.
    r, _ = _scratch(tmp_path)
    it = r.items
    closest = _closest_maker(r)
    for label in it.index[(it["subCategory"] == "Shoes") & (it["usage"] == "Sports")][:3]:
        closest(label, "sports kit")
    found = [x.item["subCategory"] for x in r.search_text("kabaddi kit", k=6)]
    assert set(found[:3]) == {"Topwear", "Bottomwear", "Shoes"} and found.count("Shoes") <= 2, found
    assert r.reading_notes("kabaddi kit") == ["The catalogue has nothing made for kabaddi: its sportswear is listed "
                                              "for it, a top, a bottom and shoes in turn."]
    assert r.reading_notes("football kit") == [] and r._kit_pieces("football kit") is None


def test_a_school_uniform_is_a_childs_shirts_trousers_and_skirts(tmp_path):
    # Stop 70: "school uniform" listed a basketball, a schoolbag and men's jackets, no child's product.
    r, _ = _scratch(tmp_path)
    shirts = _ids(r, articleType="Shirts", gender="Men")[:1]
    skirts = _ids(r, articleType="Skirts", gender="Women")[:1]
    _relabel(r, shirts, gender="Boys")
    _relabel(r, skirts, gender="Girls")
    r._reindex()
    parsed = r.parse_query("school uniform")
    assert parsed["articleType"] == ["Shirts", "Skirts", "Trousers"] and {"Boys", "Girls"} <= set(parsed["gender"])
    # The fixture's children's products besides (a "Doodle Kids Girl" skirt filed Women).
    childs = set(shirts + skirts) | set(r.items["id"][r._worn_by("child")
                                                    & r.items["articleType"].isin(["Shirts", "Skirts"]).to_numpy()])
    assert len(childs) < 6
    assert {x.id for x in r.search_text("school uniform", k=len(childs))} == childs
    assert {p["id"] for p in r.browse(q="school uniforms", limit=len(childs))[1]} == childs


def test_an_accessorys_listed_pair_with_the_product_does_not_outscore_a_nearer_neutral(tmp_path, monkeypatch):
    # A pair's colour score (1.0: "Red goes with Black") against a neutral's (0.8) made the catalogue's few red bags
    # the pick of most black and navy products' looks: 26% of men's looks' bags against 8% of the catalogue's (stop
    # 71). An accessory's pair now scores as a neutral: the bag nearer the product wins, and the red one keeps its
    # reason where it is picked. The scores, not the near-ties: accessories' are 0.03 wide since stop 72
    # (ACCESSORY_TIE), within which the product id picks, and these two bags' nearness differs by less.
    from fashionrec import outfits

    monkeypatch.setattr(outfits, "ACCESSORY_TIE", outfits.LOOK_TIE)
    r, image = _scratch(tmp_path)
    meta = {"masterCategory": "Accessories", "gender": "Men", "usage": "Festival", "season": "Summer",
            "subCategory": "Bags", "articleType": "Backpacks"}
    tee = r.add_product(image, {"masterCategory": "Apparel", "gender": "Men", "usage": "Festival", "season": "Summer",
                                "baseColour": "Black", "subCategory": "Topwear", "articleType": "Tshirts",
                                "productDisplayName": "Acme Men Black Tee"}, allow_new_values=True)
    black = r.add_product(image.rotate(2, fillcolor="white"),
                          {**meta, "baseColour": "Black", "productDisplayName": "Acme Men Black Backpack"},
                          allow_new_values=True)
    red = r.add_product(image.rotate(90, expand=True),
                        {**meta, "baseColour": "Red", "productDisplayName": "Acme Men Red Backpack"},
                        allow_new_values=True)
    bags = [x for x in r.complete_the_look(tee, k=6) if x.slot == "Bags"]
    assert [x.id for x in bags] == [black], [(x.id, x.item.get("baseColour")) for x in bags]
    assert bags[0].reason.endswith("Black to match"), bags[0].reason
    r.remove_product(black)
    bags = [x for x in r.complete_the_look(tee, k=6) if x.slot == "Bags"]
    assert [x.id for x in bags] == [red] and bags[0].reason.endswith("Red goes with Black"), bags


def test_a_unisex_products_look_keeps_to_the_side_its_pages_similar_items_lean_to(tmp_path):
    # "RNC Unisex Vetiver Perfume" listed unisex and women's perfumes as its similar items while its look was men's
    # after-shave and shower gel: its 20 nearest photos held ten men's deodorants that its page ranks after the
    # perfumes (stop 71). The side is now the one the page's similar items lean to.
    r, image = _scratch(tmp_path)
    meta = {"masterCategory": "Personal Care", "usage": "Casual", "baseColour": "White", "season": "Summer",
            "subCategory": "Fragrance"}
    perfume = r.add_product(image, {**meta, "gender": "Unisex", "productDisplayName": "Acme Unisex Perfume",
                                    "articleType": "Perfume and Body Mist"}, allow_new_values=True)
    _added_in_order(r, perfume, tuple(f"Acme Men Deo {j}" for j in range(12)), **meta, gender="Men",
                    articleType="Deodorant")
    add = _adding(r, image, **meta)
    for j in range(8):
        add(gender="Women", productDisplayName=f"Acme Women Perfume {j}", articleType="Perfume and Body Mist")
    page = [x.item["gender"] for x in r.page_similar(perfume)]
    assert page.count("Women") > page.count("Men"), page
    wash = add(gender="Women", productDisplayName="Acme Women Face Wash", subCategory="Skin Care",
               articleType="Face Wash")
    add(gender="Men", productDisplayName="Acme Men Moisturiser", subCategory="Skin", articleType="Face Moisturisers")
    look = r.complete_the_look(perfume, k=4)
    assert [x.id for x in look] == [wash], [(x.id, x.item.get("gender")) for x in look]
    assert look[0].card_reason == "For women"


def test_dress_shoes_pants_and_shirts_list_their_types_not_what_is_named_dress_or_so(tmp_path):
    # Stop 72: "dress shoes" said "No product is named both 'dress' and 'shoes'" and listed a Converse floral canvas
    # shoe, a ballerina and party heels as its closest matches by meaning (a shopper's trial on the 40k index).
    r, _ = _with_formal_shoes(tmp_path, 3)
    formals = set(r.items["id"][r.items["articleType"] == "Formal Shoes"].astype(int))
    total, page = r.browse(q="dress shoes", limit=100)
    assert total == len(formals) and {p["id"] for p in page} == formals
    assert {x.id for x in r.search_text("dress shoes", k=len(formals))} == formals
    assert r.parse_query("dress shoes for men")["articleType"] == ["Formal Shoes"]
    # "dress pants" listed harem pants and track pants by meaning: the trousers (the fixture's 8 beside 8 track
    # pants), and "dress shirt" the shirts, not the sweatshirts or T-shirts.
    for q, kind in (("dress pants", "Trousers"), ("dress shirt", "Shirts")):
        total, page = r.browse(q=q, limit=100)
        assert total == (r.items["articleType"] == kind).sum() > 0 and {p["articleType"] for p in page} == {kind}, q


def test_a_groom_and_a_bridesmaid_are_searched_as_a_weddings_wearers(rec):
    # Stop 75's shoppers: "groom" listed a nail lacquer and a floater by meaning, "bridesmaid" found nothing; they
    # are a wedding's men's and women's clothes, as "wedding for men" and "wedding for women" list.
    for said, meant, wearer in (("groom", "wedding for men", "Men"), ("bridesmaid", "wedding for women", "Women")):
        total, page = rec.browse(q=said, limit=10_000)
        assert (total, page) == rec.browse(q=meant, limit=10_000) and total > 0, said
        assert {p["gender"] for p in page} <= {wearer, "Unisex"} and {p["usage"] for p in page} == {"Ethnic"}, said
        assert rec.asked_for(said) == rec.asked_for(meant) and rec.asked_for(said)["usage"] == ["Ethnic"], said
        assert [r.id for r in rec.search_text(said, k=5)] == [r.id for r in rec.search_text(meant, k=5)]


def test_a_groom_a_black_tie_event_and_a_monsoon_jacket_are_said_as_read(rec):
    # Stop 75: the page said nothing of "groom" over a wedding's men's clothes (where "office" says "this reads
    # 'office' as Formal"), "No product has every word of 'black tie event'" over formal shoes, and "The catalogue
    # has no monsoon jackets" over the rain jackets "jacket for monsoon" lists.
    listed = "these are the 5 closest matches by meaning"
    usage = "The catalogue files products by usage, not occasion: this reads"
    assert f"{usage} 'groom' as Ethnic, for men." in rec.reading_notes("groom")
    assert f"{usage} 'bridesmaid' as Ethnic, for women." in rec.reading_notes("bridesmaid")
    # The groom's mother's saree is no man's (stop 76, h76review: men's kurtas, "no sarees for men").
    assert f"{usage} 'groom' as Ethnic." in rec.reading_notes("mother of the groom saree")
    assert "gender" not in rec.asked_for("mother of the groom saree")
    assert f"{usage} 'black tie' as Formal; {listed}." in rec.reading_notes("black tie event", None, listed)
    if rec.parse_query("jacket for monsoon").get("articleType") == ["Rain Jacket"]:     # the fixture has the type
        assert f"This reads 'jacket for monsoon' as rain jackets; {listed}." in rec.reading_notes(
            "jacket for monsoon", None, listed)
        assert rec.absent_together("jacket for monsoon") is None
    # Words as typed say nothing of a reading: "black tie" is the tie.
    assert not any("reads 'black tie'" in n for n in rec.reading_notes("black tie"))


def _men_and_women_in_turn(genders: list[str], first: str = "Men") -> bool:
    return len(genders) >= 6 and genders[:6] == [first, ({"Men", "Women"} - {first}).pop()] * 3


@pytest.mark.parametrize("query", ["outfit for a wedding", "office"])
def test_an_occasion_naming_no_wearer_lists_mens_and_womens_in_turn(rec, query):
    # Stop 75's shoppers: "outfit for a wedding" listed two pages of women's saris named "Wedding", nothing for a
    # man. Naming no wearer, men's and women's take turns, in the API and on the page; named, one side alone. Men
    # first here: no name says the occasion (the side more such names are for leads, as the page lists them first).
    assert _men_and_women_in_turn([r.item["gender"] for r in rec.search_text(query, k=8)])
    assert _men_and_women_in_turn([p["gender"] for p in rec.browse(q=query, limit=8)[1]])
    assert {r.item["gender"] for r in rec.search_text(f"{query} for women", k=8)} <= {"Women", "Unisex"}


def test_a_suit_naming_no_wearer_lists_mens_and_womens_stand_ins_in_turn(rec, monkeypatch):
    # Stop 75: "suit for wedding" listed 10 women's kurta sets (salwar suits) before the men's Nehru jackets and
    # blazers. The fixture has no suit's stand-ins; two types both wear stand in for them here.
    monkeypatch.setattr(rec, "stand_ins", lambda query: {"suit": ["Shirts", "Trousers"]} if "suit" in query else {})
    found = [r.item["gender"] for r in rec.search_text("suit", k=12)]
    assert _men_and_women_in_turn([g for g in found if g in ("Men", "Women")])


def test_a_brand_whose_names_say_no_kind_leads_its_kind(rec, monkeypatch):
    # Stop 77 (h77text): "nike running shoes for women" listed Puma's and ASICS' shoes named "Running" (0 Nike of ten)
    # where the page lists Nike's women's sports shoes: no Nike name says "running". The fixture names no shoe so:
    # one other brand's sports shoe is read as named so here.
    shoes = rec.items.index[rec.items["articleType"].eq("Sports Shoes").to_numpy()]
    other = next(i for i in shoes if not rec.items.at[i, "productDisplayName"].lower().startswith("nike"))
    named = np.zeros(len(rec.items), bool)
    named[rec.items.index.get_loc(other)] = True
    monkeypatch.setattr(rec, "_named_kind", lambda said: named)
    first = rec.search_text("nike running shoes", k=3)[0].item
    assert first["articleType"] == "Sports Shoes" and first["productDisplayName"].startswith("Nike")


@pytest.mark.parametrize("query", ["outfit", "clothes"])
def test_outfit_alone_lists_mens_and_womens_clothes_in_turn(rec, query):
    # Stop 77 (h77text): "outfit" alone (a stop word) was searched by meaning and listed men's jeans, a kids' T-shirt,
    # swimming goggles and a dress (6 men's of ten on the full catalogue); now both's clothes take turns.
    found = [r.item for r in rec.search_text(query, k=12)]
    assert all(item["masterCategory"] == "Apparel" for item in found)
    assert _men_and_women_in_turn([i["gender"] for i in found if i["gender"] in ("Men", "Women")])


def test_an_occasion_word_alone_is_said_as_read_by_the_api_too(rec):
    # Stop 75 (h75msg): the API's note said nothing for "office" or "diwali", where the page said "this reads
    # 'office' as Formal" in a notice of its own; said once, as "groom" is, and not beside a type or a usage chosen.
    usage = "The catalogue files products by usage, not occasion: this reads"
    assert f"{usage} 'office' as Formal." in rec.reading_notes("office")
    assert f"{usage} 'diwali' as Ethnic." in rec.reading_notes("diwali")
    assert f"{usage} 'date night' as Party." in rec.reading_notes("date night outfit")
    assert not any(usage in n for n in rec.reading_notes("office shirt"))
    assert not any(usage in n for n in rec.reading_notes("office", {"usage": "Formal"}))
    assert sum(usage in n for n in rec.reading_notes("groom")) == 1


def test_a_college_students_type_is_the_grown_ups_by_its_words(rec):
    # Stop 76's shopper: "tops for college girls" and "jeans for college boys" listed 96 closest matches by meaning
    # with "The catalogue has no college tops for women", no name saying "college"; the text search reads the words
    # as the grown-up wearer, and now so do the page's words. Not without a type: "outfit for a college girl" read as
    # "women" listed all 16,572 women's clothes, where by meaning it lists casual T-shirts.
    for student, grown in (("tops for college girls", "tops for women"), ("jeans for college boys", "jeans for men"),
                           ("back to school tops for women", "casual tops for women")):
        (n, found), (m, meant) = rec.browse(q=student, limit=200), rec.browse(q=grown, limit=200)
        assert n == m > 0 and {d["id"] for d in found} == {d["id"] for d in meant}, student
    assert rec.browse(q="outfit for a college girl", limit=0)[0] == 0
    # Nor read a second time as a type no child has: the page searched "kurti for college women" and listed 96 closest
    # matches by meaning, "college" again a name's word.
    assert rec.grown_up_reading("heels for girls") == {"Women": "girls"}
    assert rec.grown_up_reading("heels for college girls") == {}
    # Said (stop 77, h77text): the page and the API's note said nothing of "college girls" read as women.
    assert rec.reading_notes("tops for college girls") == ["This reads 'college girls' as women."]
    assert rec.reading_notes("jeans for college boys") == ["This reads 'college boys' as men."]
