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
