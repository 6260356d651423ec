"""Subject suggestions for a request's text: the trained model when present, else keywords."""

import re
from collections.abc import Iterable

from open137.core.text import search_key
from open137.directory.models import Subject
from open137.intelligence.hints import suggest_or

STOP_WORDS = frozenset({
    "و", "در", "به", "از", "با", "را", "که", "این", "ان", "ها", "های", "برای", "یا", "هم", "تا",
    "the", "and", "of", "for", "in", "on", "a", "an", "to", "or", "at",
})
_PUNCTUATION = re.compile(r"[^\w\s]")


def _words(text: str) -> list[str]:
    return [w for w in _PUNCTUATION.sub(" ", search_key(text)).split()
            if len(w) > 1 and w not in STOP_WORDS]


def _related(a: str, b: str) -> bool:
    """One word begins the other: درخت / درختان / درختکاری, زباله / زباله‌دان."""
    return min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))


def _term_score(term: list[str], words: set[str], phrase: str) -> float:
    if not term:
        return 0.0
    if f" {' '.join(term)} " in f" {phrase} ":
        return 1.0
    matched = sum(1.0 if w in words else 0.8 if any(_related(w, x) for x in words) else 0.0
                  for w in term)
    return 0.9 * matched / len(term)


def rank_by_keywords(text: str, subjects: Iterable[tuple[str, list[str]]], k: int = 3
                     ) -> list[tuple[str, float]]:
    """The subjects whose names or synonyms the text mentions most, best first, scored 0-1."""
    words = _words(text)
    phrase, present = " ".join(words), set(words)
    scored = []
    for position, (code, terms) in enumerate(subjects):
        score = max((_term_score(_words(t), present, phrase) for t in terms), default=0.0)
        if score > 0:
            scored.append((-score, position, code))
    scored.sort()
    return [(code, round(-score, 3)) for score, _position, code in scored[:k]]


def keyword_suggestions(text: str, k: int = 3) -> list[tuple[str, float]]:
    subjects = Subject.objects.filter(active=True).order_by("position", "code")
    return rank_by_keywords(
        text,
        ((s.code, [s.name_fa, s.name_en, *s.synonyms.splitlines()]) for s in subjects),
        k,
    )


def suggest_subjects(text: str, k: int = 3) -> list[tuple[str, float]]:
    """The model's suggestions; keywords when it cannot answer."""
    return suggest_or(text, k, otherwise=lambda: keyword_suggestions(text, k))
