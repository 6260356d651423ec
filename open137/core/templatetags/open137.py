"""Template filters every interface uses: digits and dates in the active language."""

from datetime import date, datetime

from django import template

from open137.core.contacts import mask_contacts
from open137.core.dates import format_date, is_persian
from open137.core.text import persian_digits

register = template.Library()


@register.filter(is_safe=True)
def fa_digits(value: object) -> str:
    """Persian digits in the Persian interface; the value unchanged (as text) otherwise."""
    if value is None:
        return ""
    return persian_digits(value) if is_persian() else str(value)


@register.filter
def jdate(value: date | datetime | None, with_time: str = "") -> str:
    """A date in the active language's calendar: `{{ d|jdate }}`, `{{ d|jdate:"time" }}`."""
    return format_date(value, with_time=bool(with_time))


@register.filter
def masked(value: object, names: str = "") -> str:
    """Free text with the phone numbers, e-mails and the citizen's name (`names`) in it
    masked, for pages whose readers may not see contact details."""
    return mask_contacts(str(value or ""), names=(names or "",))
