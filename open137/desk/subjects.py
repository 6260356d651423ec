"""Finding a subject as the operator types: Persian and English names, synonyms, any spelling."""

from open137.core.text import search_key
from open137.directory.models import Subject


def _rank(key: str, names: list[str], synonyms: list[str]) -> int:
    if any(name.startswith(key) for name in names):
        return 0
    if any(key in name for name in names):
        return 1
    if any(synonym.startswith(key) for synonym in synonyms):
        return 2
    return 3


def search_subjects(query: str, *, limit: int = 8) -> list[Subject]:
    """Active subjects whose names, synonyms or code contain every word typed, best first.

    Both sides go through `search_key`, so ي/ی, ك/ک, آ/ا, ZWNJ and digit sets do not matter.
    A city has tens of subjects, not thousands: reading them all is cheaper than an index.
    """
    key = search_key(query)
    if not key:
        return []
    words = key.split()
    found: list[tuple[int, int, str, Subject]] = []
    for subject in Subject.objects.filter(active=True).select_related("group"):
        names = [search_key(subject.name_fa), search_key(subject.name_en)]
        synonyms = [search_key(line) for line in subject.synonyms.splitlines() if line.strip()]
        haystack = " | ".join([*names, *synonyms, subject.code.lower()])
        if all(word in haystack for word in words):
            found.append((_rank(key, names, synonyms), subject.position, subject.code, subject))
    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found[:limit]]
