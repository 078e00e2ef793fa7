import pandas as pd

from fashionrec.vocabulary import SYNONYMS, TypeWords


def _items(rows):
    return pd.DataFrame(rows, columns=["articleType", "subCategory", "masterCategory"])


ITEMS = _items(
    [("Tshirts", "Topwear", "Apparel")] * 5 + [("Tshirts", "Belts", "Accessories")]     # one misfiled
    + [("Sweatshirts", "Topwear", "Apparel"), ("Jackets", "Topwear", "Apparel"), ("Rain Jacket", "Topwear", "Apparel"),
       ("Handbags", "Bags", "Accessories"), ("Laptop Bag", "Bags", "Accessories"), ("Belts", "Belts", "Accessories"),
       ("Casual Shoes", "Shoes", "Footwear"), ("Heels", "Shoes", "Footwear"),
       ("Perfume and Body Mist", "Fragrance", "Personal Care"), ("Earrings", "Jewellery", "Accessories"),
       (None, "Bags", "Accessories")])


def test_everyday_words_and_parts_of_names_mean_the_catalogues_types():
    words = TypeWords(ITEMS)
    assert words.types("tee") == words.types("Tees") == words.types("T-shirts") == ["Tshirts"]
    assert words.types("hoodies") == ["Sweatshirts"]
    assert words.types("perfume") == words.types("body mist") == ["Perfume and Body Mist"]
    # A category means the types filed mostly under it; the word ending a type's name means that type too.
    assert words.types("bag") == words.types("bags") == ["Handbags", "Laptop Bag"]
    assert words.types("shoes") == ["Casual Shoes", "Heels"]
    assert words.types("footwear") == ["Casual Shoes", "Heels"]
    assert words.types("jewelry") == words.types("jewellery") == ["Earrings"]
    # One T-shirt filed under Belts does not make "belts" mean T-shirts; a type's own name wins.
    assert words.types("belts") == ["Belts"]
    assert words.types("jacket") == ["Jackets"]
    assert words.types("coat") == ["Jackets", "Rain Jacket"]       # Blazers: not in this catalogue
    assert words.types("gown") == [] and words.types("pizza") == []  # no Dresses here; no such word


def test_aliases_are_the_words_a_product_name_lacks():
    aliases = TypeWords(ITEMS).aliases()
    assert "tee" in aliases["Tshirts"] and "apparel" in aliases["Tshirts"]
    assert {"bags", "purse"} <= set(aliases["Handbags"])
    assert "shoes" not in aliases.get("Casual Shoes", []) and "shoes" in aliases["Heels"]
    assert "jacket" not in aliases.get("Rain Jacket", [])


def test_every_synonym_names_types_not_another_synonym():
    assert all(isinstance(v, list) and v and all(isinstance(t, str) for t in v) for v in SYNONYMS.values())
    assert not set(SYNONYMS) & {t for v in SYNONYMS.values() for t in v}
