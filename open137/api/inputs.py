"""Values from outside: dates in either calendar and any digits, and the client's address."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from open137.core import dates
from open137.core.errors import InvalidInput


def parse_date(value: str, *, field: str) -> date:
    """2026-05-05, 1405/02/15 or ۱۴۰۵/۰۲/۱۵: a Gregorian or Jalali date, in any digits."""
    try:
        return dates.parse_any_date(str(value))
    except dates.DateOutOfRange:
        raise InvalidInput(_("This date is out of range."), field=field) from None
    except ValueError:
        if dates.looks_like_a_date(str(value)):
            raise InvalidInput(_("There is no such day in the calendar."), field=field) from None
        raise InvalidInput(_("Write the date like 1405/02/15 or 2026-05-05."),
                           field=field) from None


def parse_moment(value: str, *, field: str, end_of_day: bool = False) -> datetime:
    """An ISO 8601 time (with or without offset) or a date; a date alone starts its day.

    With `end_of_day`, a date alone means the end of that day, so that a range that ends
    on a date includes the whole day. Times without an offset are on the city's clock.
    """
    text = str(value)
    try:
        return dates.parse_moment(text, timezone.get_current_timezone(), end_of_day=end_of_day)
    except dates.DateOutOfRange:
        raise InvalidInput(_("This date is out of range."), field=field) from None
    except ValueError:
        if "T" in text or ":" in text:
            raise InvalidInput(_("Write the time in ISO 8601, like 2026-05-05T10:30:00+03:30."),
                               field=field) from None
        parse_date(text, field=field)  # says why the date cannot be read
        raise InvalidInput(_("This date is out of range."), field=field) from None


