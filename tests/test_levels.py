"""The group and category read from the type (fashionrec.levels): shares, their checks and the sums."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from fashionrec.levels import check_levels, from_type, levels_fingerprint, share_matrices, type_levels

CLASSES = {"articleType": ["Kajal", "Tshirts", "Socks"], "subCategory": ["Eyes", "Makeup", "Topwear", "Socks"],
           "masterCategory": ["Personal Care", "Apparel", "Accessories"], "gender": ["Men", "Women"]}


def rows(*triples: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(triples, columns=["articleType", "subCategory", "masterCategory"])


def test_each_type_gets_the_shares_of_its_training_products_and_validation_fills_types_training_lacks(caplog):
    train = rows(("Kajal", "Makeup", "Personal Care"), ("Kajal", "Makeup", "Personal Care"),
                 ("Kajal", "Eyes", "Personal Care"), ("Kajal", "Makeup", "Personal Care"),
                 ("Tshirts", "Topwear", "Apparel"))
    val = rows(("Socks", "Socks", "Accessories"), ("Tshirts", "Socks", "Accessories"))   # Tshirts: train's
    with caplog.at_level("WARNING", logger="fashionrec.levels"):
        levels = type_levels(train, CLASSES, val=val)
    assert levels["subCategory"] == {"Kajal": {"Eyes": 0.25, "Makeup": 0.75}, "Tshirts": {"Topwear": 1.0},
                                     "Socks": {"Socks": 1.0}}
    assert levels["masterCategory"]["Socks"] == {"Accessories": 1.0}
    assert check_levels(levels, CLASSES) == levels
    # Said, naming the type: its group is not what its training products taught.
    assert "subCategory of 1 type(s) is read from the validation products" in caplog.text and "(Socks)" in caplog.text
    # A type with no labelled training or validation product: the level cannot be read whole and is left out
    # (its head's own output is shown), with a word naming the type.
    caplog.clear()
    with caplog.at_level("WARNING", logger="fashionrec.levels"):
        assert type_levels(train, CLASSES) == {}
    assert "subCategory is shown as its head gives it" in caplog.text and "(Socks)" in caplog.text
    # Unused categories of a categorical column are no share (an empty table was refused as a whole level).
    cat = rows(("Kajal", "Eyes", "Personal Care"), ("Tshirts", "Topwear", "Apparel"), ("Socks", "Socks", "Apparel"))
    cat["subCategory"] = pd.Categorical(cat["subCategory"], categories=CLASSES["subCategory"])
    assert type_levels(cat, CLASSES)["subCategory"]["Kajal"] == {"Eyes": 1.0}


def test_a_group_is_the_sum_over_types_of_each_types_share_of_it():
    levels = {"subCategory": {"Kajal": {"Eyes": 0.25, "Makeup": 0.75}, "Tshirts": {"Topwear": 1.0},
                              "Socks": {"Socks": 1.0}}}
    types = np.array([[0.8, 0.2, 0.0], [0.0, 0.1, 0.9]], np.float32)
    probs = {"articleType": types, "subCategory": np.full((2, 4), 0.25, np.float32),
             "gender": np.array([[0.3, 0.7], [0.6, 0.4]], np.float32)}
    shown = from_type(probs, share_matrices(CLASSES, levels))
    assert shown["subCategory"] == pytest.approx(np.array([[0.2, 0.6, 0.2, 0.0], [0.0, 0.0, 0.1, 0.9]]))
    assert shown["gender"] is probs["gender"] and shown["articleType"] is types      # others untouched
    assert probs["subCategory"][0, 0] == 0.25                                          # not changed in place
    # rows of shares stored rounded are made whole again; no rows, no levels: as given
    rounded = {"subCategory": {**levels["subCategory"], "Kajal": {"Eyes": 0.3333, "Makeup": 0.6666}}}
    assert from_type(probs, share_matrices(CLASSES, rounded))["subCategory"].sum(axis=1) == pytest.approx([1, 1])
    empty = {h: p[:0] for h, p in probs.items()}
    assert from_type(empty, share_matrices(CLASSES, levels))["subCategory"].shape == (0, 4)
    assert from_type(probs, share_matrices(CLASSES, {})) is probs


@pytest.mark.parametrize("broken", [
    "not a table",
    {"subCategory": {"Kajal": {"Eyes": 1.0}, "Tshirts": {"Topwear": 1.0}}},                 # a type missing
    {"subCategory": {"Kajal": {"Lips": 1.0}, "Tshirts": {"Topwear": 1.0}, "Socks": {"Socks": 1.0}}},  # no class
    {"subCategory": {"Kajal": {"Eyes": math.inf}, "Tshirts": {"Topwear": 1.0}, "Socks": {"Socks": 1.0}}},
    {"subCategory": {"Kajal": {"Eyes": True}, "Tshirts": {"Topwear": 1.0}, "Socks": {"Socks": 1.0}}},
    {"subCategory": {"Kajal": {"Eyes": -1}, "Tshirts": {"Topwear": 1.0}, "Socks": {"Socks": 1.0}}},
    {"subCategory": {"Kajal": {}, "Tshirts": {"Topwear": 1.0}, "Socks": {"Socks": 1.0}}},
    {"gender": {"Kajal": {"Men": 1.0}, "Tshirts": {"Men": 1.0}, "Socks": {"Men": 1.0}}},      # not a level
])
def test_a_table_that_cannot_be_read_whole_shows_the_heads_own(broken):
    assert check_levels(broken, CLASSES) == {}


def test_the_fingerprint_tells_tables_apart_and_none_from_some():
    a = {"subCategory": {"Kajal": {"Eyes": 1.0}}}
    assert levels_fingerprint({}) == ""
    assert levels_fingerprint(a) == levels_fingerprint({"subCategory": {"Kajal": {"Eyes": 1.0}}}) != ""
    assert levels_fingerprint(a) != levels_fingerprint({"subCategory": {"Kajal": {"Makeup": 1.0}}})


def test_a_checkpoint_whose_levels_cannot_be_read_says_so(caplog):
    from fashionrec.tagger import Tagger

    good = {"Kajal": {"Eyes": 1.0}, "Tshirts": {"Topwear": 1.0}, "Socks": {"Socks": 1.0}}
    broken = {"subCategory": good, "masterCategory": {"Kajal": {"Personal Care": 1.0}}}    # two types missing
    with caplog.at_level("WARNING"):
        tagger = Tagger(model=None, meta={"name": "edited", "model": "tiny", "classes": CLASSES, "levels": broken})
        assert set(tagger.levels) == {"subCategory"}
    assert "edited: the levels masterCategory in its JSON" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING"):
        # none recorded: nothing to say
        assert Tagger(model=None, meta={"name": "old", "model": "tiny", "classes": CLASSES}).levels == {}
    assert caplog.text == ""
