"""Whether a row's sale price is on today, by a WooCommerce export's "Date sale price starts" and "Date sale price
ends" (stop 76).

A WooCommerce shop schedules a sale: its export writes the "Sale price" beside the dates it runs between, and the shop
sells at the "Regular price" outside them. The loader read the sale price whatever the dates said, so a sale that had
ended, or one set to start next month, was the price shown, filtered on ("jeans under 1000") and sorted by (a new
user's trial: 2 of 282 products at 199 instead of 1,999 and 2,499). The dates are read on the day of the build; a
build does not change prices as the days go by, so the shop rebuilds, or sets the export's prices again (`index stock
--from`, stop 77), when a sale starts or ends (data check says so).

Example::

    >>> dates = SaleDates.of(["ID", "Sale price", "Date sale price starts", "Date sale price ends"])
    >>> dates.off(["1", "199", "2025-11-01", "2025-11-30"], date(2026, 12, 7))
    'ended 2025-11-30'
"""

from __future__ import annotations

import contextlib
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime

from dateutil import parser
from dateutil.parser import UnknownTimezoneWarning

from fashionrec.column_map import spelling

# The header names, as compared (column_map.spelling), of the first and last day of a sale: WooCommerce's, and
# Magento 2's beside its "special_price" (stop 77: a special price whose sale had ended was the price read).
STARTS = ("datesalepricestarts", "specialpricefromdate")
ENDS = ("datesalepriceends", "specialpricetodate")
# A day as Magento's export writes one, in its locale's short form: "12/31/26" (en_US, month first), "31/12/26"
# (a day above 12 first: day first); a four-digit year is read as a spreadsheet's (read_day).
_SHORT_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2})")


@dataclass(frozen=True)
class SaleDates:
    """The positions of a header's sale-date columns (either may be absent)."""

    starts_at: int | None
    ends_at: int | None

    @classmethod
    def of(cls, header: list[str]) -> SaleDates | None:
        """The sale-date columns ``header`` has, None where it has neither."""
        names = [spelling(h) for h in header]
        starts_at = next((i for i, name in enumerate(names) if name in STARTS), None)
        ends_at = next((i for i, name in enumerate(names) if name in ENDS), None)
        return None if starts_at is None and ends_at is None else cls(starts_at, ends_at)

    @property
    def positions(self) -> set[int]:
        """The columns read, so that they are not listed as ignored."""
        return {i for i in (self.starts_at, self.ends_at) if i is not None}

    def off(self, row: list[str], today: date) -> str:
        """Why ``row``'s sale is not on ``today`` ("ended 2025-11-30", "starts 2027-01-01"), "" where it is on or the
        row gives no dates. The last day is a day of the sale, as WooCommerce ends a sale at its 23:59:59. A
        :class:`ValueError` names a date that is none (the caller says it and reads the sale as on)."""
        starts = read_day(row[self.starts_at]) if self.starts_at is not None else None
        ends = read_day(row[self.ends_at]) if self.ends_at is not None else None
        if ends is not None and ends < today:
            return f"ended {ends.isoformat()}"
        if starts is not None and starts > today:
            return f"starts {starts.isoformat()}"
        return ""


def read_day(written: str) -> date | None:
    """The day a sale date names, as written (a time and a time zone, where given, are not the day's): ISO
    ("2025-11-30", "2025-11-30 23:59:59", "2025-11-30T00:00:00+05:30", "2025/11/30"); as Magento writes one, the
    locale's short form with a two-digit year, "11/30/25" (month first, its en_US form; day first where the first
    number is above 12, "30/11/25"); and the forms a spreadsheet writes with a four-digit year ("11/30/2025",
    "30/11/2025", "30.11.2025", "2025-11-30 00:00 UTC", "Nov 30, 2025"); None where the cell is empty; a
    :class:`ValueError` saying the date as written otherwise, and where a spreadsheet's day and month could be either
    way round ("01/02/2025": 2 January or 1 February) both readings, not a guess (stop 77)."""
    text = written.strip()
    if not text:
        return None
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(text.replace("/", "-")).date()
    if short := _SHORT_DAY.fullmatch(text):
        # Magento's own export: its admin locale's short form, en_US by default; a two-digit year is no
        # spreadsheet's (dateutil would leave its century to a guess), so its order is the export's.
        first, second, year = (int(x) for x in short.groups())
        month, day = (second, first) if first > 12 else (first, second)
        try:
            return date(2000 + year, month, day)
        except ValueError:
            raise ValueError(f"{text!r} is no date (write it as 2025-11-30)") from None
    month_first, day_first = _spreadsheet_day(text, dayfirst=False), _spreadsheet_day(text, dayfirst=True)
    if month_first is None or day_first is None:
        raise ValueError(f"{text!r} is no date (write it as 2025-11-30)")
    if month_first != day_first:
        # dateutil swaps day and month only where one order is no date ("30/11/2025"), so two answers mean both
        # are dates: a shop's locale is not in its export, and a wrong guess moves a sale by months.
        raise ValueError(f"{text!r} could be {month_first.isoformat()} (month first) or {day_first.isoformat()} "
                         "(day first): write the one meant as year-month-day")
    return month_first


def _spreadsheet_day(text: str, *, dayfirst: bool) -> date | None:
    """``text``'s day read by dateutil with that order, None where it is no date or leaves out a day, a month or a
    four-digit year (dateutil fills those from a default: "Nov 2025" or "30/11" would be read as some day)."""
    if not _YEAR.search(text):
        return None
    try:
        with warnings.catch_warnings():
            # A time zone it does not know ("IST") is read as none, which the day does not need.
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            days = {parser.parse(text, dayfirst=dayfirst, default=default).date() for default in _DEFAULTS}
    except (ValueError, OverflowError):
        return None
    return days.pop() if len(days) == 1 else None


# Two defaults that differ in day, month and year: a date read alike under both gave all three itself.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
