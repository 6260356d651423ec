"""How a typed address is compared with a place's names: pure functions, no database.

People say an address the way they speak it: «بلوار موذن، نرسیده به میدان», "Kaivokatu
8 B", "moazzen gohardasht", «گوهر دشت». Both the names in the gazetteer and the query go
through the same steps:

- the product's normalisation (core.text: ی/ي, ک/ك, ZWNJ, digits), lower case, Latin
  accents dropped, punctuation as space;
- words that only say what kind of place follows («خیابان»، «بلوار»، «کوچه»، «میدان»،
  «شهید») or where it lies relative to it («نبش»، «بعد از»، «نرسیده به»، «روبروی») are
  dropped: people add or leave them out at will. Words that are part of a name in its
  own language (Finnish -katu, -tie) are never cut from the name;
- letters that sound the same in Persian fold together (ذ ز ض ظ, ث س ص, ت ط, ح ه,
  ق غ, ع ا), so «موزن» finds «موذن» and «مؤذن»;
- names are compared without spaces, so «گوهر دشت» is «گوهردشت» and "Aleksanterin
  katu" is "Aleksanterinkatu".

Finglish (Persian typed in Latin letters, "gohardasht", "moazzen") is compared on a
consonant skeleton: Persian script leaves most vowels unwritten, so both sides keep their
consonants only, in a common alphabet.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from open137.core.text import search_key

MAX_QUERY = 200  # characters of a query that are read; an address is never longer

# Words that say what kind of place follows, or where the problem is relative to it.
# Dropped from names and queries alike. Multi-word phrases are matched before words.
PERSIAN_STOP_PHRASES = (
    "بعد از", "قبل از", "نرسیده به", "رو به روی", "روبه روی", "رو به رو", "رو برو",
    "بن بست", "کد پستی", "سر کوچه", "ته کوچه", "نزدیک به", "در نزدیکی", "سه راه",
)
STOP_WORDS = frozenset({
    # Persian: kinds of street and place
    "خیابان", "خ", "بلوار", "بل", "کوچه", "ک", "میدان", "م", "میدون", "بزرگراه", "اتوبان",
    "آزادراه", "ازادراه", "جاده", "کوی", "محله", "محل", "شهرک", "بنبست", "فلکه", "چهارراه",
    "گذر",
    # Persian: where, relative to the place
    "نبش", "پلاک", "پ", "بعد", "قبل", "از", "نرسیده", "به", "روبروی", "روبروي", "روبرو",
    "جنب", "کنار", "پشت", "نزدیک", "نزدیکی", "سر", "انتهای", "انتها", "ابتدای", "ابتدا",
    "اول", "وسط", "داخل", "حوالی", "مقابل", "بین", "تقاطع", "سمت", "طرف", "واحد", "طبقه",
    "در", "و", "تا", "با", "شهید", "منطقه",
    # Latin: English and Finglish
    "street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "square", "sq",
    "alley", "lane", "no", "nr", "nro", "number", "near", "before", "after", "opposite",
    "corner", "of", "and", "at", "in", "on", "by", "khiyaban", "khiaban", "kheyabun",
    "khiyabun", "kh", "bolvar", "bulvar", "meydan", "midan", "maydan", "kuche", "koocheh",
    "kucheh", "koche", "pelak", "plak", "nabsh", "shahid", "sh", "district",
})
# The stop words that name a kind of place: a name that has one is a better answer when the
# query has it too («میدان گوهردشت» for «میدان گوهردشت», the neighbourhood for «گوهردشت»).
KIND_WORDS = frozenset({
    "خیابان", "خ", "بلوار", "بل", "کوچه", "ک", "میدان", "م", "میدون", "بزرگراه", "اتوبان",
    "آزادراه", "ازادراه", "جاده", "کوی", "محله", "شهرک", "فلکه", "چهارراه", "street", "st",
    "avenue", "ave", "road", "rd", "boulevard", "blvd", "square", "sq", "alley", "lane",
    "khiyaban", "khiaban", "kheyabun", "khiyabun", "kh", "bolvar", "bulvar", "meydan",
    "midan", "maydan", "kuche", "koocheh", "kucheh", "koche",
})
# Words after which a number is a house number («پلاک ۱۲», "no. 12").
NUMBER_MARKERS = frozenset({"پلاک", "پ", "no", "nr", "nro", "number", "pelak", "plak", "#"})

# Persian letters that sound alike, folded to one; alef-like and ayn to alef.
_FOLD = str.maketrans({
    "ذ": "ز", "ض": "ز", "ظ": "ز", "ث": "س", "ص": "س", "ط": "ت", "ح": "ه", "غ": "ق",
    "ع": "ا", "آ": "ا", "ء": "",
})
_PUNCTUATION = re.compile(r"[^\w\s\-/#]|_")
_HOUSE = re.compile(r"^(\d{1,5})([a-z]?)(?:[-/](\d{1,5})([a-z]?))?$")
_LATIN = re.compile(r"[a-z]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


def _strip_accents(value: str) -> str:
    """Latin accents off (ä -> a, é -> e); Persian letters are left alone."""
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFD", value)
    kept = "".join(c for c in decomposed
                   if not (unicodedata.combining(c) and ord(c) < 0x0600))
    return unicodedata.normalize("NFC", kept)


def words(text: str) -> list[str]:
    """The words of a name or query: normalised, lower case, punctuation as space."""
    key = search_key((text or "")[:MAX_QUERY * 2])
    key = _strip_accents(key)
    key = _PUNCTUATION.sub(" ", key)
    # Hyphens and slashes join house numbers ("14-20", "12/3"); elsewhere they separate.
    key = re.sub(r"(?<!\d)[-/]|[-/](?!\d)", " ", key)
    for phrase in PERSIAN_STOP_PHRASES:
        if phrase in key:
            key = re.sub(rf"(?:^|\s){phrase}(?=\s|$)", " ", key)
    return key.split()[:40]


def fold(word: str) -> str:
    """A word with Persian homophone letters folded together."""
    return word.translate(_FOLD)


def name_tokens(name: str) -> list[str]:
    """The tokens a name is matched on: its words less the kind-of-place words.

    A name made only of such words («میدان») keeps them, or it could never be found.
    """
    all_words = [fold(w) for w in words(name)]
    kept = [w for w in all_words if w not in STOP_WORDS]
    return kept or all_words


def compact(tokens: list[str] | tuple[str, ...]) -> str:
    return "".join(tokens)


def is_latin(text: str) -> bool:
    return bool(_LATIN.search(text)) and not _ARABIC_SCRIPT.search(text)


def is_persian(text: str) -> bool:
    return bool(_ARABIC_SCRIPT.search(text))


# The consonant skeleton. Persian: each letter to a consonant of a common alphabet, the
# letters that mostly write vowels (ا و ی, a final silent ه) dropped. Latin: digraphs
# first, then vowels and the letters Finglish uses for them dropped.
_PERSIAN_SKELETON = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "c", "ح": "h", "خ": "x",
    "د": "d", "ذ": "z", "ر": "r", "ز": "z", "ژ": "Z", "س": "s", "ش": "S", "ص": "s",
    "ض": "z", "ط": "t", "ظ": "z", "غ": "q", "ف": "f", "ق": "q", "ک": "k", "گ": "g",
    "ل": "l", "م": "m", "ن": "n", "ه": "h",
}
_LATIN_DIGRAPHS = (("kh", "x"), ("sh", "S"), ("ch", "c"), ("zh", "Z"), ("gh", "q"),
                   ("ph", "f"), ("th", "t"), ("ck", "k"), ("dj", "j"))
_LATIN_SKELETON = {"w": "", "v": "", "y": "", "a": "", "e": "", "i": "", "o": "", "u": "",
                   "c": "k", "'": "", "`": "", "x": "x"}


def _squeeze(value: str) -> str:
    return re.sub(r"(\D)\1+", r"\1", value)  # "moazzen" -> "mozen"; "11" stays


def persian_skeleton(word: str) -> str:
    """«گوهردشت» -> "ghrdSt"; «موذن» -> "mzn"; «دانشکده» -> "dnSkd"."""
    out = []
    for i, letter in enumerate(word):
        if letter == "ه" and i == len(word) - 1 and i > 0 and word[i - 1] not in "او":
            continue  # a final ه after a consonant is the vowel e: دانشکده
        if letter.isdigit():
            out.append(letter)
        else:
            out.append(_PERSIAN_SKELETON.get(letter, ""))
    return _squeeze("".join(out))


def latin_skeleton(word: str) -> str:
    """"gohardasht" -> "ghrdSt"; "moazzen" -> "mzn"; "daneshkadeh" -> "dnSkd"."""
    word = word.lower()
    if word.endswith("eh") and len(word) > 3:
        word = word[:-1]  # Finglish writes a final silent ه as "eh"
    for pair, letter in _LATIN_DIGRAPHS:
        word = word.replace(pair, letter)
    out = "".join(_LATIN_SKELETON.get(c, c) for c in word if c.isalnum() or c in "'`")
    return _squeeze(out)


def skeleton(tokens: list[str] | tuple[str, ...]) -> str:
    """The consonant skeleton of a name's tokens, whichever script they are in."""
    parts = [persian_skeleton(t) if is_persian(t) else latin_skeleton(t) for t in tokens]
    return _squeeze("".join(parts))


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance (insert, delete, substitute, swap two neighbours), or limit + 1.

    Only the band of cells within `limit` of the diagonal is worked out: a path outside it
    costs more than the limit anyway.
    """
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    if not la or not lb:
        return max(la, lb)
    over = limit + 1
    before: list[int] = []
    previous = [j if j <= limit else over for j in range(lb + 1)]
    for i in range(1, la + 1):
        ca = a[i - 1]
        current = [over] * (lb + 1)
        if i <= limit:
            current[0] = i
        low = over
        for j in range(max(1, i - limit), min(lb, i + limit) + 1):
            cb = b[j - 1]
            value = previous[j - 1] if ca == cb else previous[j - 1] + 1
            if previous[j] + 1 < value:
                value = previous[j] + 1
            if current[j - 1] + 1 < value:
                value = current[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb \
                    and before[j - 2] + 1 < value:
                value = before[j - 2] + 1
            current[j] = value
            if value < low:
                low = value
        if low > limit:
            return over
        before, previous = previous, current
    return min(previous[lb], over)


def allowed_edits(length: int) -> int:
    """Misspellings tolerated in a name this long: none in a short one, up to two."""
    return 0 if length <= 3 else 1 if length <= 7 else 2


def similarity(typed: str, name: str, *, prefix: bool = False) -> float:
    """How well a typed (compact, folded) text matches a name's, 0..1.

    1 is the same; a misspelling or two within the allowed edits costs a little each; with
    `prefix`, the start of a name (what a type-ahead has so far) matches at a lower score.
    """
    if not typed or not name:
        return 0.0
    if typed == name:
        return 1.0
    limit = allowed_edits(len(name))
    if limit:
        d = distance(typed, name, limit)
        if d <= limit:
            return 0.95 - 0.1 * d
    if prefix and len(typed) >= 2 and len(typed) < len(name):
        if name.startswith(typed):
            return 0.55 + 0.35 * len(typed) / len(name)
        if len(typed) >= 5 and typed[:2] == name[:2] \
                and distance(typed, name[:len(typed)], 1) <= 1:
            return 0.5 + 0.3 * len(typed) / len(name)
    return 0.0


def skeleton_similarity(typed: str, name: str, *, prefix: bool = False) -> float:
    """`similarity` for consonant skeletons: fewer letters, so fewer edits allowed."""
    if not typed or not name:
        return 0.0
    if typed == name:
        return 0.85
    limit = 0 if len(name) <= 3 else 1
    if limit and distance(typed, name, limit) <= limit:
        return 0.75
    if prefix and len(typed) >= 3 and name.startswith(typed):
        return 0.45 + 0.3 * len(typed) / len(name)
    return 0.0


def trigrams(text: str) -> set[str]:
    """Character trigrams of a compact name, with its start and end marked."""
    padded = f"^{text}$"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class HouseNumber:
    """A house number as written ("8 b", "14-20") and its parts for comparison."""

    text: str  # canonical: "8b", "14-20"
    first: int
    last: int
    letter: str = ""

    def matches(self, other: "HouseNumber") -> float:
        """1 for the same number, less for the same number without its letter, or a
        number inside the other's range ("16" in "14-20"); 0 otherwise."""
        if self.text == other.text:
            return 1.0
        if self.first == other.first and self.last == other.last:
            return 0.97
        if other.first <= self.first <= other.last and self.first == self.last:
            return 0.95 if (self.first - other.first) % 2 == 0 else 0.9
        if self.first <= other.first <= self.last and other.first == other.last:
            return 0.93
        return 0.0


def house_number(text: str) -> HouseNumber | None:
    """"8 B" -> 8b; "14-20" -> 14..20; «۱۲» -> 12; "2, 2. krs./Floor 2" -> 2; else None."""
    value = search_key(text or "")[:40]
    value = _strip_accents(value).replace(" ", "")
    match = re.match(r"^(\d{1,5}[a-z]?(?:[-/]\d{1,5}[a-z]?)?)", value)
    if not match:
        return None
    return _parse_house(match.group(1))


def _parse_house(token: str) -> HouseNumber | None:
    match = _HOUSE.match(token)
    if not match:
        return None
    first, letter, last, _letter2 = match.groups()
    start = int(first)
    end = int(last) if last and token[len(first) + len(letter)] == "-" else start
    if end < start or end - start > 200:
        end = start
    return HouseNumber(token, start, end, letter)


@dataclass(frozen=True)
class Query:
    """A query read for matching: its tokens (folded), which of them may be a house
    number, and what is left to explain."""

    tokens: tuple[str, ...]
    numbers: tuple[tuple[int, HouseNumber, bool], ...]  # (token position, number, marked)
    latin: bool
    kinds: frozenset[str] = frozenset()  # the kind-of-place words it had («میدان»)
    after_kind: tuple[bool, ...] = ()  # per token: right after a kind-of-place word

    @property
    def weight(self) -> float:
        """The query's length in letters, a house number counting as three."""
        return sum(token_weight(t) for t in self.tokens) or 1.0


def token_weight(token: str) -> float:
    return 3.0 if token[:1].isdigit() else float(len(token))


def read_query(text: str) -> Query:
    """Split a query into folded tokens (kind-of-place words dropped) and house numbers."""
    raw = words((text or "")[:MAX_QUERY])
    tokens: list[str] = []
    numbers: list[tuple[int, HouseNumber, bool]] = []
    kinds: set[str] = set()
    after_kind: list[bool] = []
    marked = kind_before = False
    for i, word in enumerate(raw):
        if word in KIND_WORDS:
            kinds.add(word)
            kind_before = True
        if word in NUMBER_MARKERS:
            marked = True
            continue
        if word in STOP_WORDS:
            continue
        if (len(word) == 1 and word.isalpha() and word.isascii() and tokens
                and tokens[-1][:1].isdigit() and raw[i - 1][:1].isdigit()
                and _parse_house(tokens[-1] + word)):
            # "8 B": the letter belongs to the number before it.
            tokens[-1] += word
            position, _number, was_marked = numbers[-1]
            number = _parse_house(tokens[-1])
            if number is not None:
                numbers[-1] = (position, number, was_marked)
            continue
        folded = fold(word)
        if folded[:1].isdigit():
            number = _parse_house(folded)
            if number is not None:
                numbers.append((len(tokens), number, marked))
        tokens.append(folded)
        after_kind.append(kind_before)
        marked = kind_before = False
    latin = is_latin(" ".join(tokens))
    return Query(tuple(tokens[:20]), tuple(n for n in numbers if n[0] < 20), latin,
                 frozenset(kinds), tuple(after_kind[:20]))


@functools.lru_cache(maxsize=8192)
def kind_words(name: str) -> frozenset[str]:
    """The kind-of-place words in a name: «بلوار موذن» -> {«بلوار»}."""
    return frozenset(w for w in words(name) if w in KIND_WORDS)
