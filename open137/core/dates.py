"""Dates for people: Jalali in Persian, Gregorian in English, the city's clock."""

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import jdatetime
from django.utils import timezone
from django.utils.translation import get_language

from open137.core.text import latin_digits, persian_digits

_MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)


def is_persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def format_date(value: date | datetime | None, *, with_time: bool = False) -> str:
    """A date (or aware datetime) in the active language's calendar and digits."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    if not is_persian():
        return value.strftime("%Y-%m-%d %H:%M" if with_time and isinstance(value, datetime)
                              else "%Y-%m-%d")
    day = value.date() if isinstance(value, datetime) else value
    j = jdatetime.date.fromgregorian(date=day)
    text = f"{j.day} {_MONTHS_FA[j.month - 1]} {j.year}"
    if with_time and isinstance(value, datetime):
        text += f"، {value:%H:%M}"
    return persian_digits(text)


def jalali_iso(value: date) -> str:
    """1405-01-13 style Jalali date with Latin digits (for inputs and exports)."""
    j = jdatetime.date.fromgregorian(date=value)
    return f"{j.year:04d}-{j.month:02d}-{j.day:02d}"


# Years before this are Solar Hijri (1405 is 2026); Gregorian years in use are far above it.
JALALI_BEFORE = 1700
# The years a date from outside may have. Beyond them a date is a slip or a probe, and the
# calendar arithmetic overflows (year 9999 plus a day, Jalali 9999 in Gregorian years).
JALALI_YEARS = range(1300, 1600)
GREGORIAN_YEARS = range(1900, 3000)
_TYPED_DATE = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$",
                         re.ASCII)
_TYPED_MONTH = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{1,2})\s*$", re.ASCII)
# A "+" in an unencoded query string arrives as a space: "10:00:00 03:30".
_OFFSET_AS_SPACE = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$", re.ASCII)
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                         r"(Z|[+-]\d{2}(:?\d{2})?)?$", re.ASCII)


class DateOutOfRange(ValueError):
    """A well-formed date in a year no one means (before 1300 or after 1599 Jalali, before
    1900 or after 2999 Gregorian)."""


def _day(year: int, month: int, day: int) -> date:
    if year < JALALI_BEFORE:
        if year not in JALALI_YEARS:
            raise DateOutOfRange("year")
        return jdatetime.date(year, month, day).togregorian()
    if year not in GREGORIAN_YEARS:
        raise DateOutOfRange("year")
    return date(year, month, day)


def parse_any_date(text: str) -> date:
    """A date typed as year/month/day in any digits: Jalali (1405/02/15) or Gregorian.

    Raises ValueError with no message for the caller to word: the shape is wrong, or there
    is no such day in the calendar; DateOutOfRange (a ValueError) for a year no one means.
    """
    match = _TYPED_DATE.match(latin_digits(str(text or "")))
    if not match:
        raise ValueError("not year/month/day")
    year, month, day = (int(part) for part in match.groups())
    return _day(year, month, day)


def looks_like_a_date(text: str) -> bool:
    """Written as year/month/day, whether or not the calendar has that day."""
    return bool(_TYPED_DATE.match(latin_digits(str(text or ""))))


def parse_jalali_month(text: str) -> tuple[int, int]:
    """`1405-08`, `۱۴۰۵/۸`: a Jalali (year, month), or ValueError (DateOutOfRange for a
    year outside JALALI_YEARS)."""
    match = _TYPED_MONTH.match(latin_digits(str(text or "")))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("not year-month")
    year = int(match.group(1))
    if year not in JALALI_YEARS:
        raise DateOutOfRange("year")
    return year, int(match.group(2))


def parse_moment(text: str, tz: tzinfo, *, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date-time (with or without offset; without, on `tz`'s clock), or a date
    alone in either calendar, which starts its day (with `end_of_day`, ends it).

    The answer is aware, in UTC. Raises ValueError (DateOutOfRange for far years).
    """
    text = _OFFSET_AS_SPACE.sub(r"\1+\2", latin_digits(str(text or "")).strip())
    if _ISO_MOMENT.match(text):
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
        if moment.year not in GREGORIAN_YEARS:
            raise DateOutOfRange("year")
    else:
        day = parse_any_date(text)
        if end_of_day:
            day += timedelta(days=1)
        moment = datetime.combine(day, time.min)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def input_date(value: date) -> str:
    """A date as a person types it back: 1405/01/13 in Persian digits in Persian,
    2026-04-02 in English."""
    if not is_persian():
        return value.isoformat()
    j = jdatetime.date.fromgregorian(date=value)
    return persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")
