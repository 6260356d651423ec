"""Dates for people: Jalali in Persian, Gregorian in English, the city's clock."""

from datetime import date, datetime

import jdatetime
from django.utils import timezone
from django.utils.translation import get_language

from open137.core.text import persian_digits

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
