"""A product's regular price beside its sale price (stop 76, h76sale): kept from a shop's export, said by the API."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from fashionrec.api.schemas import to_item
from fashionrec.catalog import load_catalog
from fashionrec.regular_prices import is_sale_word, percent_off


def _load(folder: Path, text: str, mapping: str = ""):
    (folder / "images").mkdir(parents=True)
    (folder / "styles.csv").write_text(text, encoding="utf-8")
    if mapping:
        (folder / "columns.json").write_text(mapping)
    return load_catalog(folder, check_images=False, progress=False, warn=False)


def _regular(catalog) -> dict[int, float | None]:
    return {int(i): None if math.isnan(r) else r
            for i, r in zip(catalog.table["id"], catalog.table["regular_price"], strict=True)}


def test_a_shopify_exports_compare_at_price_is_kept_as_the_regular_price_where_above_the_price(tmp_path: Path) -> None:
    # Shopify's "Variant Compare At Price" is the price before a sale: it was an ignored column, so a product on sale
    # showed 1,499 alone. A compare-at price at or below the price, or none, is no sale; a size's line folds in.
    catalog = _load(tmp_path, "Handle,Title,Type,Variant Price,Variant Compare At Price\n"
                    "red-dress,Red Dress,Dresses,1499,2499\n"
                    "red-dress,,,1499,2499\n"                    # its size M, one product
                    "blue-shirt,Blue Shirt,Shirts,999,999\n"     # compare-at = price: not on sale
                    "grey-tee,Grey Tee,Tshirts,499,\n"
                    "navy-jeans,Navy Jeans,Jeans,1999,TBD\n",    # no amount: not on sale
                    '{"Title": "productDisplayName", "Type": "articleType"}')
    table = catalog.table.set_index("productDisplayName")
    assert table.loc["Red Dress", "regular_price"] == 2499 and table.loc["Red Dress", "price"] == 1499
    assert table["regular_price"].notna().sum() == 1 and len(table) == 4
    assert "Variant Compare At Price" not in catalog.report.ignored_columns
    line = next(x for x in catalog.report.summary_lines() if x.startswith("on sale"))
    assert line.startswith("on sale          1 row (id ") and "'Variant Price'" in line


def test_woocommerce_and_bigcommerce_keep_the_regular_price_of_a_product_on_sale_alone(tmp_path: Path) -> None:
    # WooCommerce: "Sale price" empty but on sale; a variable product's sale on its sizes alone is its product's.
    catalog = _load(tmp_path / "woo",
                    "ID,Type,Name,Categories,Sale price,Regular price,Parent\n"
                    "1,simple,Blue Shirt,Shirts,1299,1999,\n"
                    "2,simple,Red Shirt,Shirts,,999,\n"
                    "3,variable,White Tee,Tshirts,,,\n"
                    "4,variation,White Tee - S,,299,599,id:3\n"
                    "5,variation,White Tee - M,,299,599,id:3\n",
                    '{"Categories": "articleType", "Name": "productDisplayName"}')
    assert _regular(catalog) == {1: 1999, 2: None, 3: 599}
    # BigCommerce: "Sale Price" 0.00 where not on sale, its "Price" the regular price.
    catalog = _load(tmp_path / "big",
                    "Product ID,Product Name,Category,Price,Sale Price\n"
                    "1,Blue Shirt,Shirts,1999.00,1299.00\n"
                    "2,Red Shirt,Shirts,999.00,0.00\n",
                    '{"Product ID": "id", "Product Name": "productDisplayName", "Category": "articleType"}')
    assert _regular(catalog) == {1: 1999, 2: None}


def test_a_bigcommerce_sale_price_above_its_price_is_read_as_bigcommerce_sells_and_said(tmp_path: Path) -> None:
    # BigCommerce sells at a "Sale Price" set whether below its "Price" or not (unlike WooCommerce, test_sale_dates):
    # read at it, not as on sale, and said in data check, where it went unsaid (a review of stop 77).
    catalog = _load(tmp_path,
                    "Product ID,Product Name,Category,Price,Sale Price\n"
                    "1,Blue Shirt,Shirts,1999.00,2999.00\n"
                    "2,Red Shirt,Shirts,999.00,499.00\n",
                    '{"Product ID": "id", "Product Name": "productDisplayName", "Category": "articleType"}')
    assert catalog.table.set_index("id")["price"].to_dict() == {1: 2999, 2: 499}
    assert _regular(catalog) == {1: None, 2: 999} and catalog.report.on_sale_ids == [2]
    assert catalog.report.sale_above_price == {1: ("2999.00", "1999.00")} and not catalog.report.sale_above_regular
    line = next(x for x in catalog.report.summary_lines() if x.startswith("sale above price"))
    assert "(id 1: 2999.00 above 1999.00): read at 'Sale Price', the price BigCommerce sells at" in line


def test_a_catalogue_without_a_sale_has_no_regular_price_column(tmp_path: Path) -> None:
    catalog = _load(tmp_path, "id,articleType,productDisplayName,Sale price,Regular price\n1,Shirts,Tee,,999\n")
    assert "regular_price" not in catalog.table and catalog.report.on_sale_ids == []


@pytest.mark.parametrize(("item", "regular", "on_sale"), [
    ({"id": 1, "price": 1499.0, "regular_price": 2499.0}, 2499.0, True),
    ({"id": 1, "price": 1499.0, "regular_price": None}, None, False),    # an index keeping regular prices
    ({"id": 1, "price": 1499.0}, None, None),                            # one without: not said
    ({"id": 1}, None, None),                                             # the Kaggle catalogue's
])
def test_the_api_item_says_its_regular_price_and_whether_it_is_on_sale(item, regular, on_sale) -> None:
    said = to_item(item)
    assert (said.regular_price, said.on_sale) == (regular, on_sale)


def test_the_share_off_and_the_sale_words() -> None:
    assert percent_off(1499.0, 2499.0) == 40 and percent_off(1999.0, 2000.0) == 1 and percent_off(5, math.nan) == 0
    assert [w for w in ("on sale", "sale", "Discounted", "deals on", "clearance", "cheap", "under 500")
            if is_sale_word(w)] == ["on sale", "sale", "Discounted", "deals on", "clearance"]



class _NoPrices:
    """A catalogue without prices, as price_alone reads one (the Kaggle catalogue's index)."""

    def prices(self):
        return None


@pytest.mark.parametrize(("query", "left"), [("sale", ["sale"]), ("on sale", ["on sale"]),
                                             ("discounts", ["discounts"]), ("deals under 500", None)])
def test_a_sale_alone_in_a_catalogue_without_prices_is_said_not_searched_by_meaning(query, left) -> None:
    # On the 40k index (no prices) "sale" listed 3 sports shoes and watches by meaning and "on sale" a shirt, without
    # a word, where "dresses on sale" said the catalogue has no prices (a review, stop 77).
    from fashionrec.text_notes import price_alone

    said = price_alone(_NoPrices(), query, None, 10)
    if left is None:        # a price bound beside it: searched as typed, as a price alone is there (test_prices)
        assert said is None
        return
    recs, unread, price, note = said
    assert recs == [] and unread == left and price is None
    assert note.startswith(f"The catalogue has no prices, so {left[0]!r} was left out") and "'blue jeans'" in note
    assert "nothing else was asked" in note
    assert "nothing else was asked" not in price_alone(_NoPrices(), query, {"gender": "Men"}, 10)[3]
    assert price_alone(_NoPrices(), "premium", None, 10) is None      # a word names have: searched as typed
    assert price_alone(_NoPrices(), f"shirts {query}", None, 10) is None     # words besides: the search says it
