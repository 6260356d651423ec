"""Finding a subject by the words people use: names in both languages, synonyms, any spelling.

The desk's subject box and the portal's subject filter both ask here, so an operator and a
citizen who type «چاله», «دست‌انداز» or «asphalt» find the same subject.
"""

from dataclasses import dataclass

from open137.core.text import search_key
from open137.directory.models import Subject


@dataclass(frozen=True)
class SubjectMatch:
    subject: Subject
    synonym: str  # the synonym that matched, as written in the pack; "" when a name did


def _words_start(text: str, key: str) -> bool:
    return any(word.startswith(key) for word in text.split())


def _rank(key: str, names: list[str], synonyms: list[str]) -> int:
    """0 is best: a name that starts with what was typed, then a synonym said exactly..."""
    if any(name.startswith(key) for name in names):
        return 0
    if key in synonyms:
        return 1
    if any(_words_start(name, key) for name in names):
        return 2
    if any(synonym.startswith(key) for synonym in synonyms):
        return 3
    if any(key in name for name in names):
        return 4
    return 5


def _matched_synonym(key: str, words: list[str], synonyms: list[tuple[str, str]],
                     names: list[str]) -> str:
    """The synonym to show beside the subject, when no name explains the match."""
    if any(all(word in name for word in words) for name in names):
        return ""
    for folded, written in synonyms:
        if folded == key:
            return written
    for folded, written in synonyms:
        if any(word in folded for word in words):
            return written
    return ""


def find_subjects(query: str, *, limit: int = 8) -> list[SubjectMatch]:
    """Active subjects whose names, synonyms or code contain every word typed, best first.

    Both sides go through `search_key`, so ي/ی, ك/ک, آ/ا, hamza forms, ZWNJ and digit sets
    do not matter. A city has tens of subjects, not thousands: reading them all is cheaper
    than an index.
    """
    key = search_key(query)
    if not key:
        return []
    words = key.split()
    found: list[tuple[int, int, str, SubjectMatch]] = []
    for subject in Subject.objects.filter(active=True).select_related("group"):
        names = [search_key(subject.name_fa), search_key(subject.name_en)]
        synonyms = [(search_key(line), line.strip()) for line in subject.synonyms.splitlines()
                    if line.strip()]
        folded = [s for s, _written in synonyms]
        haystack = " | ".join([*names, *folded, subject.code.lower()])
        if all(word in haystack for word in words):
            match = SubjectMatch(subject, _matched_synonym(key, words, synonyms, names))
            found.append((_rank(key, names, folded), subject.position, subject.code, match))
    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found[:limit]]


def search_subjects(query: str, *, limit: int = 8) -> list[Subject]:
    """The subjects of `find_subjects`, without the synonym that matched."""
    return [match.subject for match in find_subjects(query, limit=limit)]
