"""A place dressed for in the heat ("beach") in a text search, on the fixture's shared index."""

from __future__ import annotations

from _recs_support import index_copy, shared_recommender, tiny_tagger_path

from fashionrec.colours import light_colours


def test_a_beach_wedding_lists_summers_light_ethnic_wear_first():
    # Stop 71's shopper: "something for a beach wedding" listed FNF's "Wedding Collection" saris, Fall ones first:
    # "beach" was read as nothing. It is the summer now, its light colours first; "wedding" still the ethnic wear.
    rec = shared_recommender()
    items = rec.items
    assert rec.parse_query("something for a beach wedding") == {"season": ["Summer"], "usage": ["Ethnic"]}
    assert rec.parse_query("wedding") == {"usage": ["Ethnic"]}
    summer = items[items["usage"].eq("Ethnic") & items["season"].eq("Summer")]
    light = summer["baseColour"].isin(light_colours())
    assert light.any() and not light.all() and len(summer) < items["usage"].eq("Ethnic").sum(), "the fixture changed"
    found = rec.search_text("something for a beach wedding", k=len(summer))
    assert {x.id for x in found} == set(summer["id"]), [(x.item["season"], x.item["usage"]) for x in found]
    # The light ones (white, beige) first, each tier by meaning.
    said = [x.item["baseColour"] in light_colours() for x in found]
    assert said == sorted(said, reverse=True), [x.item["baseColour"] for x in found]


def test_a_place_named_in_product_names_is_a_name_word_too(tmp_path):
    # A review of stop 72: "beach" read as the summer alone was no word of the names, so "beach flip flops" listed 1
    # of the full index's 9 flip flops named Beach among its first ten (the summer's flip flops by meaning first).
    # It is read as the summer and as a name's word, as "cotton" of "cotton kurta" is.
    from PIL import Image

    from fashionrec.recommend import Recommender

    rec = Recommender.load(index_copy(tmp_path / "index", "faiss"), tiny_tagger_path())
    photo_id = int(rec.items.loc[rec.items["articleType"].eq("Tshirts"), "id"].iloc[0])
    photo = Image.open(rec.image_path(photo_id))
    meta = {"gender": "Men", "articleType": "Tshirts", "baseColour": "Navy Blue", "usage": "Casual",
            "season": "Summer"}
    beach = rec.add_product(photo.rotate(90, expand=True), {**meta, "productDisplayName": "Qzx Men Beach Tee"})
    other = rec.add_product(photo.rotate(270, expand=True), {**meta, "productDisplayName": "Qzx Men Sunset Tee"})
    assert rec.parse_query("qzx beach tshirt").get("season") == ["Summer"]
    share = rec._name_word_share("qzx beach tshirt")
    assert share[rec._row[beach]] > share[rec._row[other]], (share[rec._row[beach]], share[rec._row[other]])
    found = [x.id for x in rec.search_text("qzx beach tshirt", k=2)]
    assert found == [beach, other], found


def test_a_cold_place_reads_as_winter_without_the_heats_light_colours_first():
    # Stop 76's shopper: "jacket for snow" said "The catalogue has no snow jackets" and "warm clothes for snow" listed
    # formal shirts first on the full catalogue, "snow" read as nothing. It is the winter now, as "beach" is the
    # summer; its light colours do not come first as the heat's do.
    rec = shared_recommender()
    items = rec.items
    winter = items[items["season"].eq("Winter")]
    # A type with winter products and others, so that the season narrows it.
    kinds = [t for t in winter["articleType"].value_counts().index
             if items["articleType"].eq(t).sum() > (winter["articleType"] == t).sum()]
    assert kinds, "the fixture has no type of winter and other seasons"
    kind = kinds[0]
    label = kind.lower()
    for query in (f"{label} for snow", f"{label} for a ski trip", f"snowy day {label}"):
        assert rec.parse_query(query).get("season") == ["Winter"], query
    found = rec.search_text(f"{label} for snow", k=int((winter["articleType"] == kind).sum()))
    assert {x.item["season"] for x in found} == {"Winter"} and {x.item["articleType"] for x in found} == {kind}
    assert not rec._light_for_the_place("clothes for snow").any()
    assert rec._light_for_the_place("clothes for the beach").any()


def test_a_trip_is_what_the_clothes_are_for_not_a_word_they_are_named_with():
    # Stop 76's shopper: "winter trip jacket" and "clothes for a ski trip" found no product by their words on the full
    # catalogue and listed the closest by meaning, where "winter jacket" lists every jacket, the winter's first.
    rec = shared_recommender()
    kind = rec.items["articleType"].value_counts().index[0].lower()
    for trip, same in ((f"winter trip {kind}", f"winter {kind}"), (f"{kind} for a trip", kind),
                       (f"{kind} for trips", kind)):
        assert rec.browse(q=trip, limit=0)[0] == rec.browse(q=same, limit=0)[0] > 0, trip
