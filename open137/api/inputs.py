"""Values from outside: dates in either calendar and any digits, and the client's address."""

import re
from datetime import UTC, date, datetime, time, timedelta

import jdatetime
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from open137.core.errors import InvalidInput
from open137.core.text import latin_digits

_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
# Years before this are Solar Hijri (1405 is 2026); Gregorian dates in requests are later.
_JALALI_BEFORE = 1700
# A "+" in an unencoded query string arrives as a space: "10:00:00 03:30".
_OFFSET_AS_SPACE = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def parse_date(value: str, *, field: str) -> date:
    """2026-05-05, 1405/02/15 or ۱۴۰۵/۰۲/۱۵: a Gregorian or Jalali date, in any digits."""
    match = _DATE.match(latin_digits(str(value)).strip())
    if match is None:
        raise InvalidInput(_("Write the date like 1405/02/15 or 2026-05-05."), field=field)
    year, month, day = (int(g) for g in match.groups())
    try:
        if year < _JALALI_BEFORE:
            return jdatetime.date(year, month, day).togregorian()
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(_("There is no such day in the calendar."), field=field) from None


def parse_moment(value: str, *, field: str, end_of_day: bool = False) -> datetime:
    """An ISO 8601 time (with or without offset) or a date; a date alone starts its day.

    With `end_of_day`, a date alone means the end of that day, so that a range that ends
    on a date includes the whole day. Times without an offset are on the city's clock.
    """
    text = _OFFSET_AS_SPACE.sub(r"\1+\2", latin_digits(str(value)).strip())
    try:
        moment = parse_datetime(text) if "T" in text or " " in text else None
    except ValueError:
        moment = None
    try:
        if moment is None:
            if "T" in text or " " in text:
                raise InvalidInput(
                    _("Write the time in ISO 8601, like 2026-05-05T10:30:00+03:30."),
                    field=field)
            day = parse_date(text, field=field)
            if end_of_day:
                day += timedelta(days=1)
            moment = datetime.combine(day, time.min)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # Converting to UTC here, not in the database query, catches years at the edges.
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInput(_("This date is out of range."), field=field) from None


