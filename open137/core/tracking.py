"""Tracking codes: digits only, random, with a Verhoeff check digit.

Codes are read over the phone and typed on keypads. Verhoeff's check digit catches every
single-digit error and every transposition of adjacent digits, so a mistyped code is
refused before any lookup instead of finding somebody else's request.
"""

import secrets

from open137.core.numbers import digits_in

BODY_LENGTH = 9  # 10^9 possible bodies; with the check digit, 10 digits in all

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def check_digit(body: str) -> str:
    """The Verhoeff check digit for a string of ASCII digits."""
    c = 0
    for i, ch in enumerate(reversed(body)):
        c = _D[c][_P[(i + 1) % 8][int(ch)]]
    return str(_INV[c])


def is_valid(code: str) -> bool:
    """True when a full code (body + check digit) passes the Verhoeff check."""
    if not code.isascii() or not code.isdigit() or len(code) < 2:
        return False
    c = 0
    for i, ch in enumerate(reversed(code)):
        c = _D[c][_P[i % 8][int(ch)]]
    return c == 0


def new_code() -> str:
    """A random, non-sequential code; never starts with 0 (spreadsheets drop it)."""
    body = str(secrets.randbelow(9 * 10 ** (BODY_LENGTH - 1)) + 10 ** (BODY_LENGTH - 1))
    return body + check_digit(body)


def new_codes(count: int) -> list[str]:
    """`count` codes like new_code's, from one read of the system's randomness (a bulk
    import needs hundreds of thousands; the modulo's bias is below one in 10^8)."""
    span, low = 9 * 10 ** (BODY_LENGTH - 1), 10 ** (BODY_LENGTH - 1)
    data = secrets.token_bytes(8 * count)
    bodies = [str(int.from_bytes(data[i:i + 8], "big") % span + low)
              for i in range(0, 8 * count, 8)]
    return [body + check_digit(body) for body in bodies]


def clean_code(value: str) -> str:
    """A typed code with any digits, spaces or dashes -> ASCII digits only."""
    return digits_in(value)


def is_tracking_code(value: str) -> bool:
    """True when the value, once cleaned, has the length and check digit of a code."""
    code = clean_code(value)
    return len(code) == BODY_LENGTH + 1 and is_valid(code)


def grouped(code: str) -> str:
    """Digit groups for reading back over the phone: 123 456 7890."""
    return f"{code[:3]} {code[3:6]} {code[6:]}"
