"""What a text search says of how it read a query (fashionrec.text_notes), on stand-ins for the recommender."""

from __future__ import annotations

from fashionrec.text_notes import people_listed


class _Shop:
    """As people_listed reads a recommender: the genders, and how many products with the words each gender's filter
    keeps (a child's filter keeping the children's unisex products too, as ItemTables._childs_filter does)."""

    def __init__(self, counts: dict[str, int], names: dict[str, list[str | tuple[int, str]]]):
        self.counts, self.names = counts, names

    def filter_values(self) -> dict[str, list[str]]:
        return {"gender": sorted(self.counts)}

    def browse(self, filters, query, limit):
        gender = filters["gender"]
        rows = [{"id": n[0], "productDisplayName": n[1]} if isinstance(n, tuple) else
                {"id": 1000 + i, "productDisplayName": n} for i, n in enumerate(self.names.get(gender, []))]
        return self.counts[gender], rows[:limit]


def test_a_childs_note_names_no_products_of_the_other_child():
    # On the 40k index "shoes for my daughter" listed 51 products (32 unisex, 13 girls', 6 children's filed as women's)
    # under "'daughter' reads as Girls: these are boys', girls' and unisex products, ...": the boys' filter counted the
    # children's unisex shoes (a review, stop 77). "watch for son" likewise said girls'.
    shop = _Shop({"Boys": 32, "Girls": 51, "Men": 0, "Unisex": 32, "Women": 6},
                 {"Women": [f"Timberland Women Juniors Shoe {i}" for i in range(6)]})
    assert people_listed(shop, "shoes for my daughter", None) == (
        "'daughter' reads as Girls: these are girls' and unisex products, and children's products filed as women's")
    assert people_listed(shop, "shoes for my son", None) == (
        "'son' reads as Boys: these are boys' and unisex products, and children's products filed as women's")
    # Both children asked for: both listed.
    assert people_listed(shop, "shoes for my son and daughter", None) == (
        "'son' and 'daughter' read as Boys and Girls: these are boys', girls' and unisex products, and children's "
        "products filed as women's")
    # A grown-up's: as before.
    shop = _Shop({"Boys": 0, "Girls": 0, "Men": 40, "Unisex": 10, "Women": 0}, {})
    said = people_listed(shop, "gift for husband", None)
    assert said == "'husband' reads as Men: these are men's and unisex products"


def test_a_childs_products_filed_as_a_grown_ups_are_said_so_where_the_childs_filter_lists_them():
    # "dress for my daughter" listed 79 children's dresses (52 girls', 27 filed as women's) under "these are women's
    # and girls' products": one women's-filed dress, "Palm Tree Girls Beyonce ...", has no name KIDS_NAME reads, though
    # the girls' filter lists it (a review, stop 77).
    palm, doodle = (7, "Palm Tree Girls Beyonce White & Blue Dress"), (5, "Doodle Kids Girl Pink Dress")
    shop = _Shop({"Boys": 0, "Girls": 4, "Men": 0, "Unisex": 0, "Women": 2},
                 {"Women": [doodle, palm], "Girls": [(1, "Ant Kids Girl's Dress"), (2, "Little Miss Girls Dress"),
                                                    doodle, palm]})
    assert people_listed(shop, "dress for my daughter", None) == (
        "'daughter' reads as Girls: these are girls' products, and children's products filed as women's")
    # A grown-up's dress the girls' filter does not list: still women's.
    shop.names["Women"].append((9, "Elle Women Black Sheath Dress"))
    shop.counts["Women"] = 3
    assert people_listed(shop, "dress for my daughter", None) == (
        "'daughter' reads as Girls: these are women's and girls' products")
