"""Template filters every interface uses: digits and dates in the active language."""

from datetime import date, datetime
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

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


@register.simple_tag(takes_context=True)
def forward_arrow(context: dict[str, Any]) -> str:
    """The arrow from one state to the next, pointing the way the text reads."""
    return "←" if context.get("LANGUAGE_BIDI") else "→"


@register.filter
def tracking(code: str) -> SafeString:
    """A tracking code inline: one left-to-right run of digits in the interface's digits."""
    shown = persian_digits(code) if is_persian() else code
    return format_html('<bdi dir="ltr" class="text-nowrap">{}</bdi>', shown)
