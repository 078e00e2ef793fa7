"""A place dressed for in the heat ("beach") in a text search, on the fixture's shared index."""

from __future__ import annotations

from _recs_support import shared_recommender

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
