"""Persian text normalisation: one small module, no NLP dependency.

Citizens type on Arabic keyboards, paste from messengers and mix digit sets; operators
search with whatever their keyboard gives. Everything that compares or stores text
goes through here so that "كرج" and "کرج", "۱۲۳" and "123" are the same.
"""

import re
import unicodedata

ZWNJ = "\u200c"

# Arabic keyboard variants -> the Persian letters a Persian keyboard types. Only letters
# that are the same letter in Persian: hamza forms (أ ؤ ئ ۀ and hamzeh «ٔ») are spelling,
# «مسئول» and «برنامهٔ» must be stored as written; `fold_letters` equates them for matching.
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي ARABIC YEH -> ی FARSI YEH
        "\u0649": "\u06cc",  # ى ALEF MAKSURA -> ی
        "\u0643": "\u06a9",  # ك ARABIC KAF -> ک KEHEH
        "\u0629": "\u0647",  # ة TEH MARBUTA -> ه
    }
)
# For matching only: the hamza forms read as their bare letters, hamzeh dropped.
_FOLDS = str.maketrans(
    {
        "\u06c0": "\u0647",  # ۀ HEH WITH YEH ABOVE -> ه
        "\u06d5": "\u0647",  # ە AE (some keyboards' heh; ۀ decomposes to it) -> ه
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0671": "\u0627",  # ٱ -> ا
        "\u0624": "\u0648",  # ؤ -> و
        "\u0626": "\u06cc",  # ئ -> ی
        "\u0654": None,       # ٔ HAMZA ABOVE (the ezafe of «برنامهٔ»)
        "\u0655": None,       # ٕ HAMZA BELOW
    }
)

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_LATIN = str.maketrans(
    {**{c: str(i) for i, c in enumerate(_PERSIAN_DIGITS)},
     **{c: str(i) for i, c in enumerate(_ARABIC_DIGITS)}}
)
_TO_PERSIAN = str.maketrans({str(i): c for i, c in enumerate(_PERSIAN_DIGITS)})

# Harakat, tanwin, shadda, sukun, superscript alef and similar marks; tatweel. Not madda
# and hamza above or below (U+0653-U+0655), which are part of the spelling.
_DIACRITICS = re.compile("[\u064b-\u0652\u0656-\u065f\u0670\u06d6-\u06ed\u0640]")
# Zero-width and direction marks that sneak in from copy and paste (not ZWNJ).
_INVISIBLES = re.compile("[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def without_format_marks(value: str) -> str:
    """The text without invisible format characters (Unicode category Cf: direction marks
    RLM, LRM and ALM, ZWNJ, ZWJ, the byte-order mark, bidi embeddings...), which phone
    keyboards add around what people type. For reading a short answer, not for storage
    (ZWNJ is part of Persian spelling)."""
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cf")


def latin_digits(value: str) -> str:
    """Persian and Arabic-Indic digits -> ASCII digits; everything else unchanged."""
    return value.translate(_TO_LATIN)


def persian_digits(value: object) -> str:
    """ASCII digits -> Persian digits, for display in the Persian interface."""
    return str(value).translate(_TO_PERSIAN)


def isolated_ltr(value: str) -> str:
    """Text set left to right as one run inside right-to-left text (LRI ... PDI): a tracking
    code's digit groups keep their order in a Persian sentence, a message or an SMS."""
    return f"\u2066{value}\u2069"


def normalize_text(value: str) -> str:
    """Canonical Persian text for storage: letters, digits, spaces and ZWNJ cleaned up."""
    if not value:
        return ""
    # Marks go before composing, so that a letter and a hamza they separated compose now
    # rather than on a second pass (normalising twice must change nothing).
    value = _DIACRITICS.sub("", value)
    value = unicodedata.normalize("NFC", value)
    value = value.translate(_LETTERS)
    value = latin_digits(value)
    value = _INVISIBLES.sub("", value)
    value = _SPACES.sub(" ", value)
    # ZWNJ next to a space or at either end of a word is noise; runs of it collapse to one.
    value = re.sub(f"{ZWNJ}+", ZWNJ, value)
    value = re.sub(f" ?{ZWNJ} ?", lambda m: " " if " " in m.group(0) else ZWNJ, value)
    lines = [line.strip().strip(ZWNJ) for line in value.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


def fold_letters(value: str) -> str:
    """Normalised text with hamza forms read as bare letters: for matching, never storage."""
    return normalize_text(value).translate(_FOLDS)


def search_key(value: str) -> str:
    """A folded form for matching: normalised, lower-case, ZWNJ as space, one space."""
    value = fold_letters(value).lower().replace(ZWNJ, " ")
    value = value.replace("\u0622", "\u0627")  # آ -> ا: people type either
    return " ".join(value.split())
