"""Jalali months as periods of the city's clock: pure arithmetic, no database.

A month is written `1405-08` (any digits accepted). Its boundaries are midnight in the
city's time zone on the first day of the month and of the next one, as aware datetimes.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import jdatetime
from django.utils.translation import gettext_lazy as _

from open137.core.dates import DateOutOfRange, parse_jalali_month
from open137.core.errors import InvalidInput

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)
MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)


@dataclass(frozen=True, order=True)
class Month:
    """One Jalali month."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def parse(cls, text: str) -> "Month":
        """`1405-08`, `۱۴۰۵/۸`... -> Month, or InvalidInput."""
        try:
            return cls(*parse_jalali_month(text))
        except DateOutOfRange:
            raise InvalidInput(_("This month is out of range: choose one from 1300 to 1599."),
                               field="month") from None
        except ValueError:
            raise InvalidInput(_("Write a Jalali month as year-month, for example 1405-08."),
                               field="month") from None

    @classmethod
    def of(cls, day: date) -> "Month":
        """The Jalali month that contains a (Gregorian) date."""
        j = jdatetime.date.fromgregorian(date=day)
        return cls(j.year, j.month)

    def next(self) -> "Month":
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def first_day(self) -> date:
        return jdatetime.date(self.year, self.month, 1).togregorian()

    def start(self, tz: tzinfo) -> datetime:
        """Midnight at the start of the month on the city's clock."""
        return datetime.combine(self.first_day(), time(0), tzinfo=tz)

    def name(self, persian: bool) -> str:
        """`آبان ۱۴۰۵` style name, with Latin digits (the template adds Persian ones)."""
        names = MONTHS_FA if persian else MONTHS_EN
        return f"{names[self.month - 1]} {self.year}"


@dataclass(frozen=True)
class Period:
    """A run of whole Jalali months, first to last inclusive."""

    first: Month
    last: Month

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidInput(_("The period must not end before it starts."), field="to")

    def months(self) -> list[Month]:
        months, m = [], self.first
        while m <= self.last:
            months.append(m)
            m = m.next()
        return months

    def last_day(self) -> date:
        """The period's last day (its end is midnight after it)."""
        return self.last.next().first_day() - timedelta(days=1)

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes."""
        return self.first.start(tz), self.last.next().start(tz)

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"


def months_back(end: Month, count: int) -> list[Month]:
    """`count` months ending with `end`, oldest first."""
    months = [end]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months
