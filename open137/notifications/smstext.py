"""How many SMS parts a text takes, and shortening free text to fit a number of parts.

A text that only uses the GSM 03.38 alphabet takes 160 characters in one part and 153 per
part when concatenated; anything else (Persian) is sent as UCS-2: 70 in one part, 67 per
part when concatenated. Gateways charge per part.
"""

import math
from collections.abc import Callable, Mapping

_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = "^{}\\[~]|€\f"
_GSM = frozenset(_GSM_BASIC) | frozenset(_GSM_EXTENDED)
ELLIPSIS = "…"


def is_gsm(text: str) -> bool:
    return all(ch in _GSM for ch in text)


def units(text: str) -> int:
    """The text's length in the units SMS parts are counted in."""
    if is_gsm(text):
        return len(text) + sum(1 for ch in text if ch in _GSM_EXTENDED)
    return len(text.encode("utf-16-le")) // 2


def parts(text: str) -> int:
    """How many SMS parts the text is sent as."""
    n, gsm = units(text), is_gsm(text)
    single, multi = (160, 153) if gsm else (70, 67)
    if n <= single:
        return 1
    return math.ceil(n / multi)


def capacity(n_parts: int, *, gsm: bool) -> int:
    """The most units that fit in `n_parts` parts."""
    single, multi = (160, 153) if gsm else (70, 67)
    return single if n_parts <= 1 else multi * n_parts


def fit(render: Callable[[Mapping[str, object]], str], values: Mapping[str, object],
        shrink: tuple[str, ...], max_parts: int) -> str:
    """Render, shortening the `shrink` values (longest first) until the text fits."""
    current = dict(values)
    text = render(current)
    for name in sorted(shrink, key=lambda n: -len(str(current.get(n, "")))):
        if parts(text) <= max_parts:
            break
        value = str(current.get(name, ""))
        # The ellipsis makes the text UCS-2, so count against the UCS-2 capacity.
        over = units(text) - capacity(max_parts, gsm=False)
        keep = max(0, len(value) - over - len(ELLIPSIS))
        current[name] = value[:keep].rstrip() + ELLIPSIS if keep < len(value) else value
        text = render(current)
    return text
