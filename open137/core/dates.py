"""Dates for people: Jalali in Persian, Gregorian in English, the city's clock."""

import re
from datetime import date, datetime

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
_TYPED_DATE = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")


def parse_any_date(text: str) -> date:
    """A date typed as year/month/day in any digits: Jalali (1405/02/15) or Gregorian.

    Raises ValueError with no message for the caller to word: the shape is wrong, or there
    is no such day in the calendar.
    """
    match = _TYPED_DATE.match(latin_digits(text or ""))
    if not match:
        raise ValueError("not year/month/day")
    year, month, day = (int(part) for part in match.groups())
    if year < JALALI_BEFORE:
        return jdatetime.date(year, month, day).togregorian()
    return date(year, month, day)


def input_date(value: date) -> str:
    """A date as a person types it back: 1405/01/13 in Persian digits in Persian,
    2026-04-02 in English."""
    if not is_persian():
        return value.isoformat()
    j = jdatetime.date.fromgregorian(date=value)
    return persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")
