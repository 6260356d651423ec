"""How the classifier sees a description: two plain-text views, no database.

`Folder` gives the written form: the project's normaliser (Arabic ي/ك, digits, stray marks),
lower case, and the spacing that Persian writers vary joined up, so that "می‌شود",
"می شود" and "میشود", or "پیاده‌رو" and "پیاده رو", read the same. Latin-script Persian
("Finglish") is folded too: "khiaboon" and "khiyabun" read alike.

`skeleton` gives the sound of the words: the consonants only, in one alphabet for both
scripts, so that the SMS "chale bozorg too khiaboon" lands where "چاله بزرگ تو خیابون"
does, and so do common misspellings (آسفالط, ترمینل).
"""

import itertools
import re
from collections.abc import Iterable

from open137.core.text import ZWNJ, fold_letters

# Endings and the verbal prefix that writers attach with a ZWNJ, a space or nothing.
_SUFFIX = r"(?:ها|های|هایی|هام|هات|هاش|هامون|هاتون|هاشون|تر|ترین)"
_JOIN_SUFFIX = re.compile(r"(?<=\S)[ \u200c](" + _SUFFIX + r")(?=[\s\u200c]|$)")
_JOIN_PREFIX = re.compile(r"(?:(?<=\s)|^)(ن?می)[ \u200c](?=\S)")
_LATIN_WORD = re.compile(r"[a-z][a-z'`\-]*[a-z]|[a-z]")
_PUNCTUATION = re.compile(r"[^\w\s\u200c]")
_NUMBER = re.compile(r"\d+")
# Finglish spellings of one sound, folded to one: khiaboon/khiyabun, ghatar/qatar.
_LATIN_FOLDS = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("aa", "a"), ("iy", "i"),
                ("w", "v"), ("q", "gh"))
_DOUBLE = re.compile(r"(.)\1+")


def canonical(text: str) -> str:
    """Normalised, lower case, آ as ا, punctuation as space; ZWNJ kept."""
    text = fold_letters(text).lower().replace("\u0622", "\u0627")
    text = _LATIN_WORD.sub(lambda m: re.sub(r"['`\-]", "", m.group(0)), text)
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def fold_latin(word: str) -> str:
    """One spelling for the common variants of a Finglish word."""
    for variant, folded in _LATIN_FOLDS:
        word = word.replace(variant, folded)
    return _DOUBLE.sub(r"\1", word)


class Folder:
    """The written view of a description, with the compound words of the training texts.

    A compound seen in training as "پیاده‌رو" is joined when a later text writes it
    "پیاده رو"; `learn` collects those pairs. The instance is saved inside the model.
    """

    def __init__(self, compounds: Iterable[tuple[str, str]] = ()) -> None:
        self.compounds = frozenset(compounds)

    @classmethod
    def learn(cls, texts: Iterable[str]) -> "Folder":
        pairs: set[tuple[str, str]] = set()
        for text in texts:
            for word in canonical(text).split():
                parts = [p for p in word.split(ZWNJ) if p]
                pairs.update(itertools.pairwise(parts))
        return cls(pairs)

    def __call__(self, text: str) -> str:
        words: list[str] = []
        for word in canonical(text).split():
            if words and (words[-1].rsplit(ZWNJ, 1)[-1], word.split(ZWNJ, 1)[0]) in self.compounds:
                words[-1] = f"{words[-1]}{ZWNJ}{word}"
            else:
                words.append(word)
        text = " ".join(words)
        text = _JOIN_SUFFIX.sub(r"\1", _JOIN_PREFIX.sub(r"\1", text)).replace(ZWNJ, "")
        text = _LATIN_WORD.sub(lambda m: fold_latin(m.group(0)), text)
        # House numbers, plates and bus lines say little about the subject.
        return _NUMBER.sub("0", text)

    def sounds(self, text: str) -> str:
        """The sound view of the written view (see `skeleton`)."""
        return skeleton(self(text))


# Persian letters to a consonant alphabet shared with Finglish. Letters that sound alike
# fold together (ت/ط, س/ص/ث, ز/ذ/ض/ظ, ق/غ, ه/ح); vowels and the letters that are mostly
# vowels (ا و ی ع) are left out, as Persian script itself leaves out the short ones.
_PERSIAN_SOUNDS = {
    "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ج": "j",
    "چ": "c", "ح": "h", "ه": "h", "خ": "x", "د": "d", "ذ": "z", "ز": "z", "ض": "z",
    "ظ": "z", "ر": "r", "ژ": "Z", "ش": "S", "غ": "q", "ق": "q", "ف": "f", "ک": "k",
    "گ": "g", "ل": "l", "م": "m", "ن": "n",
}
_LATIN_PAIRS = {"kh": "x", "sh": "S", "ch": "c", "gh": "q", "zh": "Z", "ph": "f"}
_LATIN_SOUNDS = {
    "b": "b", "p": "p", "t": "t", "s": "s", "j": "j", "h": "h", "d": "d", "z": "z",
    "r": "r", "f": "f", "k": "k", "c": "k", "g": "g", "l": "l", "m": "m", "n": "n",
    "q": "q", "x": "ks",
}


def _latin_sounds(word: str) -> str:
    # A final h is the written Persian ه of an "e" ending ("koocheh"), as in Persian script.
    if word.endswith("h") and word[-2:] not in _LATIN_PAIRS:
        word = word[:-1]
    out, i = [], 0
    while i < len(word):
        pair = _LATIN_PAIRS.get(word[i:i + 2])
        if pair:
            out.append(pair)
            i += 2
        else:
            out.append(_LATIN_SOUNDS.get(word[i], ""))
            i += 1
    return "".join(out)


def _persian_sounds(word: str) -> str:
    if len(word) > 1 and word.endswith("ه"):  # the silent ه of an "e" ending
        word = word[:-1]
    return "".join(_PERSIAN_SOUNDS.get(ch, "") for ch in word)


def skeleton(text: str) -> str:
    """The consonants of each word in one alphabet for Persian and Finglish."""
    words = []
    for word in canonical(text).replace(ZWNJ, "").split():
        sounds = _latin_sounds(word) if word.isascii() else _persian_sounds(word)
        sounds = _DOUBLE.sub(r"\1", sounds)
        if sounds:
            words.append(sounds)
    return " ".join(words)
