"""Numbers from outside (ids, page numbers, coordinates, answers): one reading for all.

People type Persian and Arabic-Indic digits, and a decimal mark as «٫», «.» or «,». Python's
own readers accept more than that and less: `str.isdigit()` is true for "²" (and `int()`
then fails), `int()` reads "١٢" and "𝟗" but `float()` reads "NaN", "Infinity" and "1e309".
Everything that reads a number typed or sent by someone goes through here, and gets
`None` for anything that is not a plain number, for the caller to word its own error.
"""

import math
import re

from open137.core.text import latin_digits

# The largest primary key a database column holds (a bigint): a larger "id" is no id.
MAX_ID = 2**63 - 1
# Signs people type: ASCII, and the minus sign of Persian text (U+2212).
_MINUS = str.maketrans({"\u2212": "-"})
# The direction marks and joiners a keyboard or a copy slips around digits.
_MARKS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]")
_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,٫][0-9]*)?|[.,٫][0-9]+)")


def plain(value: object) -> str:
    """The value as text, digits in ASCII, invisible marks and surrounding spaces gone."""
    return _MARKS.sub("", latin_digits(str(value if value is not None else ""))).strip()


def digits_in(value: object) -> str:
    """The ASCII digits of a value typed with separators (a code, a phone's end), Persian and
    Arabic-Indic digits read as theirs; every other character, "²" too, left out."""
    return "".join(ch for ch in latin_digits(str(value or "")) if "0" <= ch <= "9")


def parse_whole(value: object, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """A whole number in ASCII, Persian or Arabic-Indic digits, within the bounds; else None.

    No sign, no spaces inside, no other digits (superscripts, mathematical, full-width).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = plain(value)
        if not _WHOLE.fullmatch(text) or len(text.lstrip("0")) > len(str(maximum)):
            return None
        number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """A primary key as written in a path, a query or a form: a positive whole number."""
    return parse_whole(value, minimum=1)


def parse_number(value: object) -> float | None:
    """A finite decimal number: «٫», «.» or «,» as the decimal mark, any digits; else None.

    No exponent, no thousands separators, no NaN or Infinity.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an int beyond every float
            return None
    else:
        text = plain(value).translate(_MINUS)
        if not _DECIMAL.fullmatch(text) or len(text) > 40:
            return None
        number = float(text.replace(",", ".").replace("٫", "."))
    return number if math.isfinite(number) else None
