"""Contact details written into free text (a description, an address, a note), found and
masked: one detector for every page and interface that may not show them.

Citizens write phone numbers every way a keyboard allows: Persian, Arabic-Indic or Latin
digits, grouped by spaces, dots, dashes, underscores or brackets, after +98, 0098, 98 or
0. A landline counts with its area code (a bare 8-digit local number reads like any other
figure). Whatever looks like a number is masked: an over-masked house number costs less
than a citizen's phone shown to the public.
"""

import re
from collections.abc import Iterable

MASK = "***"

_D = "[0-9\u06f0-\u06f9\u0660-\u0669]"  # a digit: Latin, Persian or Arabic-Indic
# Between two digits: up to three separators (spaces, dots, dashes, underscores, brackets,
# invisible marks that copy and paste leave).
_S = "[\\s.\\-_()\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]{0,3}"


def _digit(*choices: str) -> str:
    latin = "".join(choices)
    persian = "".join(chr(0x06F0 + int(c)) for c in choices)
    arabic = "".join(chr(0x0660 + int(c)) for c in choices)
    return f"[{latin}{persian}{arabic}]"


_ZERO, _NINE, _EIGHT = _digit("0"), _digit("9"), _digit("8")
_AREA = _digit(*"12345678")
_COUNTRY = f"(?:(?:\\+|{_ZERO}{_S}{_ZERO}){_S}{_NINE}{_S}{_EIGHT}|{_NINE}{_S}{_EIGHT})"
# +98 912..., 0098 (0)912..., 98912..., 0912..., 912...: a mobile is 9 and nine digits.
_MOBILE = f"(?:{_COUNTRY}{_S}(?:{_ZERO}{_S})?|{_ZERO}{_S})?{_NINE}(?:{_S}{_D}){{9}}"
# A landline: an area code (1-8 and a digit) and an 8-digit number, after 0 or +98.
_LANDLINE = f"(?:{_COUNTRY}{_S}(?:{_ZERO}{_S})?|{_ZERO}{_S}){_AREA}(?:{_S}{_D}){{9}}"
_PHONE = re.compile(f"(?<!{_D})\\(?(?:{_MOBILE}|{_LANDLINE})(?!{_D})")
_EMAIL = re.compile(r"[\w.+-]+\s?@\s?[\w-]+(?:\s?\.\s?[\w-]+)+")


def has_phone(text: str) -> bool:
    """True when the text holds something shaped like an Iranian phone number."""
    return bool(_PHONE.search(text or ""))


def mask_phones(text: str) -> str:
    """The text with every phone-shaped number replaced by ***."""
    return _PHONE.sub(MASK, text or "")


def mask_contacts(text: str, *, names: Iterable[str] = ()) -> str:
    """The text with phone numbers, e-mail addresses and the given names replaced by ***.

    `names` are the citizen's own (the name they gave): written into an address or a
    description, they are as personal as the phone.
    """
    text = _EMAIL.sub(MASK, text or "")
    text = _PHONE.sub(MASK, text)
    for name in names:
        name = " ".join((name or "").split())
        if not name:
            continue
        parts = {name, *(p for p in name.split() if len(p) >= 3)}
        for part in sorted(parts, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", MASK, text)
    return text
