"""A WooCommerce export's sale dates (stop 76): a sale that ended, or one not yet started, is not the price read."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from fashionrec.catalog import load_catalog
from fashionrec.sale_dates import SaleDates, read_day

HEADER = ["ID", "Name", "Sale price", "Regular price", "Date sale price starts", "Date sale price ends"]


@pytest.mark.parametrize(("starts", "ends", "said"), [
    ("", "", ""),                                                  # no dates: a sale with no end
    ("2026-12-01", "2026-12-31", ""),                              # today inside it
    ("2026-12-07", "2026-12-07", ""),                              # a one-day sale, its first and last day today
    ("2025-11-01 00:00:00", "2025-11-30 23:59:59", "ended 2025-11-30"),   # as WooCommerce writes its times
    ("", "2026-12-06", "ended 2026-12-06"),
    ("2027-01-01T00:00:00", "", "starts 2027-01-01"),
    ("2027/01/01", "2027/01/31", "starts 2027-01-01"),
])
def test_a_sale_is_on_between_its_dates_the_last_day_included(starts, ends, said):
    dates = SaleDates.of(HEADER)
    assert dates.off(["1", "Shirt", "199", "999", starts, ends], date(2026, 12, 7)) == said


def test_a_header_without_sale_dates_has_none_and_a_date_that_is_none_is_said_as_written():
    assert SaleDates.of(["ID", "Name", "Sale price", "Regular price"]) is None
    assert SaleDates.of(["ID", "date_sale_price_ends"]) == SaleDates(None, 1)
    with pytest.raises(ValueError, match="'next week' is no date"):
        read_day("next week")


@pytest.mark.parametrize(("written", "day"), [
    ("11/30/2025", date(2025, 11, 30)),             # a US spreadsheet's
    ("30/11/2025", date(2025, 11, 30)),             # a European one's: 30 is no month, so no guess
    ("30.11.2025", date(2025, 11, 30)),
    ("2025-11-30 00:00:00 UTC", date(2025, 11, 30)),  # a time zone by name: the day as written
    ("Nov 30, 2025", date(2025, 11, 30)),
    ("5/5/2025", date(2025, 5, 5)),                 # either order, the same day
])
def test_a_sale_date_written_as_a_spreadsheet_writes_it_is_read(written, day):
    # Before stop 77 each was "no date", the sale read as on whatever its dates said (h77review).
    assert read_day(written) == day


def test_a_sale_date_whose_day_and_month_could_be_either_is_refused_with_both_readings(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'01/02/2025' could be 2025-01-02 \(month first\) or 2025-02-01"):
        read_day("01/02/2025")
    for partial in ("Nov 2025", "30/11", "11/31/25"):   # a day or a month left to a default; no 31 November
        with pytest.raises(ValueError, match="is no date"):
            read_day(partial)
    # A two-digit year is Magento's short form (its export's en_US order, month first), not a spreadsheet's guess.
    assert read_day("01/02/25") == date(2025, 1, 2) and read_day("30/11/25") == date(2025, 11, 30)


def test_a_woocommerce_row_whose_sale_is_not_on_today_is_read_at_its_regular_price(tmp_path: Path) -> None:
    # A new user's WooCommerce shop (stop 76): a sale that ended in November and one set for next month were read at
    # their sale price, 199, shown, filtered on and sorted by instead of 1,999 and 2,499.
    today = date.today()
    past, soon, later = (today - timedelta(days=40)), (today - timedelta(days=5)), (today + timedelta(days=30))
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(
        ",".join(["ID", "Type", "Name", "Categories", *HEADER[2:], "Parent"]) + "\n"
        f"1,simple,Blue Shirt,Shirts,199,1999,{past},{soon},\n"          # ended five days ago
        f"2,simple,Red Shirt,Shirts,199,2499,{later},,\n"                # starts next month
        f"3,simple,Green Shirt,Shirts,199,999,{past},{later},\n"         # on today
        "4,simple,Grey Shirt,Shirts,199,999,,,\n"                        # on, no dates
        "5,simple,Black Shirt,Shirts,199,999,soon,,\n"                   # a date that is none: said, read as on
        f"6,variable,White Tee,Tshirts,,,,,\n"
        f"7,variation,White Tee - S,,299,599,{past},{soon},id:6\n",      # a size whose sale ended: its product's price
        encoding="utf-8")
    (tmp_path / "columns.json").write_text('{"Categories": "articleType", "Name": "productDisplayName"}')
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    prices = dict(zip(catalog.table["id"], catalog.table["price"], strict=True))
    assert prices == {1: 1999, 2: 2499, 3: 199, 4: 199, 5: 199, 6: 599}
    report = catalog.report
    assert report.sale_not_on == {1: f"ended {soon}", 2: f"starts {later}", 7: f"ended {soon}"}
    assert list(report.sale_dates_invalid) == [5]
    assert not {"Date sale price starts", "Date sale price ends"} & set(report.ignored_columns)
    line = next(x for x in report.summary_lines() if x.startswith("sale dates"))
    assert f"3 rows whose 'Sale price' is not on {today} by its sale dates (id 1 ended {soon}" in line
    assert "read at 'Regular price'" in line and "index stock --from EXPORT" in line
    assert "id 5: 'soon' is no date" in line
    said = json.loads(json.dumps(report.to_dict(), default=str))     # data check --json's fields
    assert said["sale_not_on"]["2"] == f"starts {later}" and said["sale_dates_read_on"] == str(today)


def test_a_woocommerce_sale_price_above_the_regular_price_is_no_sale(tmp_path: Path) -> None:
    # WooCommerce sells at the "Regular price" where the "Sale price" is not below it (is_on_sale); the loader read
    # 2,999 for a shirt the shop sells at 1,999 (a review, stop 77), shown, filtered on and sorted by, without a word.
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(
        "ID,Type,Name,Categories,Sale price,Regular price\n"
        "1,simple,Blue Shirt,Shirts,2999,1999\n"       # above: no sale, the regular price
        "2,simple,Red Shirt,Shirts,999,999\n"          # the same: 999 either way, said of none
        "3,simple,Green Shirt,Shirts,499,999\n"        # on sale
        "4,simple,Grey Shirt,Shirts,599,TBD\n",        # a regular price that is no amount: as before, the sale price
        encoding="utf-8")
    (tmp_path / "columns.json").write_text('{"Categories": "articleType", "Name": "productDisplayName"}')
    catalog = load_catalog(tmp_path, check_images=False, progress=False, warn=False)
    table = catalog.table.set_index("id")
    assert table["price"].to_dict() == {1: 1999, 2: 999, 3: 499, 4: 599}
    assert table["regular_price"].dropna().to_dict() == {3: 999}
    report = catalog.report
    assert report.sale_above_regular == {1: ("2999", "1999")} and report.on_sale_ids == [3]
    line = next(x for x in report.summary_lines() if x.startswith("sale above regular"))
    assert "(id 1: 2999 above 1999)" in line and "read at 'Regular price'" in line and "correct the sale price" in line


def test_index_stock_from_reads_an_exports_prices_by_their_sale_dates(tmp_path: Path) -> None:
    # Stop 77, h77sale: `index stock --from` of a newer export set its levels alone, so a sale that ended since the
    # build kept its sale price until a rebuild. Its prices are read as a build reads them: by the sale dates.
    from fashionrec.stock_file import read_levels_file

    today = date.today()
    past, soon, later = (today - timedelta(days=40)), (today - timedelta(days=5)), (today + timedelta(days=30))
    export = tmp_path / "wc-product-export.csv"
    export.write_text(",".join(["ID", "Type", "Name", *HEADER[2:], "Stock"]) + "\n"
                      f"1,simple,Blue Shirt,199,1999,{past},{soon},4\n"       # ended five days ago
                      f"2,simple,Red Shirt,199,2499,{later},,4\n"             # starts next month
                      f"3,simple,Green Shirt,199,999,{past},{later},4\n"      # on today
                      "4,simple,Grey Shirt,,899,,,4\n", encoding="utf-8")    # no sale
    read = read_levels_file(export)
    assert {k: tuple(None if v != v else v for v in pair) for k, pair in read.prices.items()} == {
        "1": (1999, None), "2": (2499, None), "3": (199, 999), "4": (899, None)}
