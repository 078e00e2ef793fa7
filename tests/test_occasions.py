"""What an occasion's look takes first (fashionrec.occasions): the rule table, on small frames of the catalogue's
own cases."""

from __future__ import annotations

import re
import types

import pandas as pd

from fashionrec.occasions import OCCASION_LOOKS, first_types, kind_named, kind_said, occasion_of


def _shop(rows: dict[str, list[str]], words: dict[str, list[str]]) -> types.SimpleNamespace:
    """A stand-in for the recommender occasion_of reads: {articleType: its products' usages}, and the types
    ``words`` name ({word: types}) as its parse_query reads them."""
    kinds = [(t, u) for t, usages in rows.items() for u in usages]

    def parse_query(text: str) -> dict[str, list[str]]:
        named = sorted({t for w, ts in words.items() if re.search(rf"\b{w}\b", text, re.IGNORECASE) for t in ts})
        return {"articleType": named} if named else {}

    return types.SimpleNamespace(items=pd.DataFrame(kinds, columns=["articleType", "usage"]), parse_query=parse_query)


def test_a_party_or_a_formal_look_takes_its_own_types_first():
    # Stop 72's gap: "shoes for a party dress" listed casual shoes, flats and heels in turn, casual shoes first;
    # "shoes for a suit" casual shoes before formal ones.
    assert first_types("Party", ["Casual Shoes", "Flats", "Heels"]) == ["Heels", "Flats"]
    assert first_types("Formal", ["Casual Shoes", "Formal Shoes"]) == ["Formal Shoes"]
    # All of them taken, or none: as read (a sari's flats and heels; sports shoes asked alone).
    assert first_types("Ethnic", ["Flats", "Heels"]) == ["Flats", "Heels"]
    assert first_types("Party", ["Sports Shoes"]) == ["Sports Shoes"]
    assert first_types(None, ["Casual Shoes", "Heels"]) == ["Casual Shoes", "Heels"]


def test_an_occasion_is_the_usage_named_else_a_word_of_it_else_its_types_usage():
    # As the 40k catalogue files them: dresses mostly Casual, 19 Party; sarees all Ethnic; jeans all Casual.
    shop = _shop({"Dresses": ["Casual"] * 9 + ["Party"], "Sarees": ["Ethnic"] * 3, "Jeans": ["Casual"] * 3,
                  "Blazers": ["Formal"] * 3, "Salwar and Dupatta": ["Ethnic"] * 4},
                 {"dress": ["Dresses"], "gown": ["Dresses"], "suit": ["Blazers", "Salwar and Dupatta"],
                  "salwar": ["Salwar and Dupatta"]})
    assert occasion_of(shop, {"usage": ["Party"], "articleType": ["Dresses"]}, "a party dress") == "Party"
    # "shoes for a gown" named no usage: the catalogue reads a gown as Dresses, mostly Casual.
    assert occasion_of(shop, {"articleType": ["Dresses"]}, "a gown") == "Party"
    assert occasion_of(shop, {"articleType": ["Sarees"]}, "a saree") == "Ethnic"
    assert occasion_of(shop, {"articleType": ["Dresses"]}, "an evening dress") == "Party"
    assert occasion_of(shop, {"articleType": ["Blazers", "Salwar and Dupatta"]}, "a suit") == "Formal"
    # A type word says its occasion only where no other word names a type: a salwar suit is a salwar's, Ethnic
    # ("shoes for a salwar suit" read "formal heels for women" at 40k before this rule).
    assert occasion_of(shop, {"articleType": ["Blazers", "Salwar and Dupatta"]}, "a salwar suit") == "Ethnic"
    # Everyday things change nothing (no occasion the table lists).
    assert occasion_of(shop, {"articleType": ["Dresses"], "baseColour": ["Black"]}, "a black dress") is None
    assert occasion_of(shop, {"articleType": ["Jeans"]}, "my jeans") is None


def test_an_occasions_kinds_are_read_from_names_of_its_types():
    # The catalogue files 1,287 of its 1,323 heels as Casual, and names 504 of them "... Flats".
    names = pd.Series(["Catwalk Women Black Peep-Toes", "Catwalk Women Casual Gold Flats", "Catwalk Women Black Flats",
                       "Lino Perros Women Sequins Red Handbag", "Nike Men Gold Printed Tshirt", None])
    kinds = pd.Series(["Heels", "Heels", "Heels", "Handbags", "Tshirts", "Heels"])
    assert kind_named(names, kinds, "Party").tolist() == [True, False, False, True, False, False]
    ethnic = pd.Series(["Catwalk Women Ethnic Strap Brown Flats", "Rocia Women Black Sandals"])
    assert kind_named(ethnic, pd.Series(["Heels", "Flats"]), "Ethnic").tolist() == [True, False]
    assert kind_said("Catwalk Women Ethnic Strap Brown Flats", ["Ethnic"]) == \
        "'ethnic' in its name, a kind an ethnic look takes"
    assert {"Party", "Ethnic", "Formal"} <= set(OCCASION_LOOKS)


def test_a_festive_garment_is_read_from_its_name_not_its_ethnic_label():
    # Every kurta and sari but 9 of 2,457 is filed Ethnic, so the usage cannot tell a wedding's from an everyday one:
    # "kurta for a wedding" listed printed kurtas first (stop 73, h73shopper). Their cloth and work names it; "Ethnic"
    # does not (20 everyday "Visudh ... Printed Ethnic Kurta"s); the catalogue's own misspellings count.
    names = pd.Series(["Fabindia Men Beige Chikankari Silk Kurta", "Diva Women Embroided Green Kurta",
                       "Visudh Blue Printed Ethnic Kurta", "FNF Magenta Wedding Collection Sari",
                       "Alma Women Green Kurta", "ONLY Women Orange Party Dress", "AND Women Solid Black Dresses"])
    kinds = pd.Series(["Kurtas", "Kurtas", "Kurtas", "Sarees", "Kurtas", "Dresses", "Dresses"])
    assert kind_named(names, kinds, "Ethnic").tolist() == [True, True, False, True, False, False, False]
    assert kind_named(names, kinds, "Party").tolist() == [False] * 5 + [True, False]
    # A shoe's "Ethnic" still says its kind (the types beside a garment read as before).
    assert kind_named(pd.Series(["Catwalk Women Ethnic Strap Brown Flats"]), pd.Series(["Flats"]), "Ethnic").all()
    assert kind_said("Fabindia Men Beige Chikankari Silk Kurta", ["Ethnic"], "Kurtas") == \
        "'chikankari' in its name, a kind an ethnic look takes"
