"""A search for a product to go with another (fashionrec.pairing), on the fixture's shared index."""

from __future__ import annotations

import pytest
from _recs_support import shared_recommender

from fashionrec.pairing import read_pairing


@pytest.mark.parametrize("query", ["shoes for a black skirt", "shoes with my black skirt", "shoes for my black skirt",
                                   "shoes that go well with a black skirt", "shoes to match with this black skirt"])
def test_everyday_linking_words_read_as_a_pairing(query):
    # Stop 68's shopper: only "to go with", "to wear with", "to match" and the like linked, so "shoes for a red
    # dress" and "heels with my red dress" were searched as typed (the dress's red and men's red Converse).
    paired = read_pairing(shared_recommender(), query)
    assert paired and paired.searched == "black shoes for women", (query, paired)
    assert paired.anchor.endswith("black skirt") and query.endswith(paired.clause)


@pytest.mark.parametrize("query", ["gift for my son", "running kit for a woman", "tshirt for the gym",
                                   "shirt with collar", "dress with a belt", "shoes for women"])
def test_for_and_with_link_only_two_types(query):
    # "For" and "with" are mostly no link: a wearer, an occasion, or a part of the product.
    assert read_pairing(shared_recommender(), query) is None


def test_a_tie_for_a_shirt_is_not_the_shirts_colour_and_its_look_is_for_the_ties_wearer():
    # Stop 70: "tie for a white shirt" listed white ties (tone on tone), its look a women's white shirt's; a tie is
    # worn on the shirt's cloth, so any colour but its own goes with it. Shoes still match a skirt's colour.
    rec = shared_recommender()
    paired = read_pairing(rec, "tie for a white shirt")
    assert paired and paired.searched == "tie for men not white", paired
    assert paired.lead and rec.item(paired.lead["id"])["gender"] == "Men"
    found = rec.search_text(paired.searched, k=5)
    assert found and all(x.item["baseColour"] != "White" for x in found)
    # Called from Python with the words as typed, as the API reads them: it listed white shirts (stop 70).
    assert [x.id for x in rec.search_text("tie for a white shirt", k=5)] == [x.id for x in found]
    assert read_pairing(rec, "shoes for a black skirt").searched == "black shoes for women"
