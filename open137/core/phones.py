"""Iranian phone numbers: accepted in every common form, stored as E.164 (+98...)."""

import re

from django.utils.translation import gettext as _

from open137.core.errors import InvalidInput
from open137.core.text import latin_digits

_SEPARATORS = re.compile(r"[\s\-().\u200c\u200e\u200f/]")
_DIGITS = re.compile(r"[0-9]+")


def normalize_phone(value: str) -> str:
    """Return the canonical +98 form of an Iranian phone number or raise InvalidInput."""
    raw = _SEPARATORS.sub("", latin_digits(value or ""))
    if raw.startswith("+"):
        raw = "00" + raw[1:]
    # ASCII digits only: "²" and other digits Python reads as digits are no phone's.
    if not _DIGITS.fullmatch(raw):
        raise InvalidInput(_("The phone number may contain only digits."), field="phone")
    if raw.startswith("0098"):
        national = raw[4:]
    elif raw.startswith("98") and len(raw) == 12:
        national = raw[2:]
    elif raw.startswith("0") and not raw.startswith("00"):
        national = raw[1:]
    elif raw.startswith("9") and len(raw) == 10:
        national = raw
    else:
        raise InvalidInput(_("This is not an Iranian phone number."), field="phone")
    national = national.lstrip("0")
    # Mobiles are 9xx plus 7 digits; landlines are a 2-digit area code (1-8...) plus 8 digits.
    if len(national) == 10 and national[0] in "123456789":
        return "+98" + national
    raise InvalidInput(
        _("An Iranian phone number has 11 digits, such as 09121234567 or 02632123456."),
        field="phone",
    )


def is_mobile(canonical: str) -> bool:
    """True for an Iranian mobile number in canonical form (it can receive SMS)."""
    return canonical.startswith("+989")


def local_phone(canonical: str) -> str:
    """The form people read and type: 09121234567."""
    return "0" + canonical[3:] if canonical.startswith("+98") else canonical
