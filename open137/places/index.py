"""The names of the gazetteer in memory: what a query is matched against, per process.

A city has tens of thousands of places but far fewer distinct names (every address on a
street shares the street's). Those names, folded (places.matching), are kept in memory
with a trigram index, the start of each name in sorted order (for a type-ahead), and for
Persian names their consonant skeleton (for Finglish). Matching a query is then plain
Python over a few hundred candidates, the same on SQLite and PostgreSQL; the database is
asked only for the places of the names that matched, by an indexed equality.

The index is rebuilt when the gazetteer's version moves (every load changes it): each
search reads the one-row version, as routing reads the configuration version.
"""

import bisect
import heapq
import threading
from array import array
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from open137.directory.models import City
from open137.places.matching import (
    Query,
    allowed_edits,
    compact,
    is_persian,
    latin_skeleton,
    similarity,
    skeleton,
    skeleton_similarity,
    token_weight,
    trigrams,
)
from open137.places.models import Gazetteer, Place, PlaceKind, PlaceName

CANDIDATES = 80  # names compared closely per query, found by shared trigrams
MAX_WINDOW = 4  # the longest run of query words one name is compared with


@dataclass(frozen=True)
class Match:
    """A name that a run of the query's words matches: how well, and which words."""

    key: str
    similarity: float
    start: int
    end: int  # exclusive
    skeleton: bool = False

    def weight(self, query: Query) -> float:
        return sum(token_weight(t) for t in query.tokens[self.start:self.end])


@dataclass
class Neighbourhood:
    name: str
    names: dict[str, str]
    lat: float
    lon: float


@dataclass
class Vocabulary:
    """The distinct names of the gazetteer, indexed for matching."""

    version: str
    keys: list[str] = field(default_factory=list)
    tokens: list[tuple[str, ...]] = field(default_factory=list)
    compacts: list[str] = field(default_factory=list)
    gram_counts: array = field(default_factory=lambda: array("H"))
    grams: dict[str, array] = field(default_factory=dict)
    by_start: list[tuple[str, int]] = field(default_factory=list)
    skeletons: dict[str, list[int]] = field(default_factory=dict)
    skeleton_deletions: dict[str, list[int]] = field(default_factory=dict)
    skeleton_of: dict[int, str] = field(default_factory=dict)
    skeleton_starts: list[tuple[str, int]] = field(default_factory=list)
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)
    has_addresses: bool = False
    # Neighbourhoods by a grid of about 2 km cells, to find the nearest one cheaply.
    grid: dict[tuple[int, int], list[Neighbourhood]] = field(default_factory=dict)

    def near(self, lat: float, lon: float) -> list[Neighbourhood]:
        """The neighbourhoods in the grid cells around a point."""
        row, col = _cell(lat, lon)
        return [n for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                for n in self.grid.get((row + dr, col + dc), ())]

    @classmethod
    def build(cls, version: str, keys: list[str],
              neighbourhoods: list[Neighbourhood] | None = None) -> "Vocabulary":
        vocab = cls(version=version, neighbourhoods=neighbourhoods or [])
        for n in vocab.neighbourhoods:
            vocab.grid.setdefault(_cell(n.lat, n.lon), []).append(n)
        grams: dict[str, list[int]] = defaultdict(list)
        skeletons: dict[str, list[int]] = defaultdict(list)
        deletions: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(sorted(set(keys))):
            tokens = tuple(key.split())
            text = compact(tokens)
            vocab.keys.append(key)
            vocab.tokens.append(tokens)
            vocab.compacts.append(text)
            own = trigrams(text)
            vocab.gram_counts.append(min(len(own), 65535))
            for gram in own:
                grams[gram].append(i)
            vocab.by_start.append((text, i))
            if is_persian(key):
                skel = skeleton(tokens)
                if len(skel) >= 2:
                    vocab.skeleton_of[i] = skel
                    skeletons[skel].append(i)
                    vocab.skeleton_starts.append((skel, i))
                    for d in _deletions(skel):
                        deletions[d].append(i)
        vocab.grams = {g: array("I", ids) for g, ids in grams.items()}
        vocab.skeletons = dict(skeletons)
        vocab.skeleton_deletions = dict(deletions)
        vocab.by_start.sort()
        vocab.skeleton_starts.sort()
        return vocab

    # ------------------------------------------------------------------ matching

    def candidates(self, query: Query) -> list[int]:
        """The names worth comparing closely: most of their trigrams are in the query, or
        they start with the query's last word(s) (a type-ahead)."""
        found: dict[int, int] = defaultdict(int)
        wanted: set[str] = set()
        tokens = query.tokens
        for start in range(len(tokens)):
            for end in range(start + 1, min(len(tokens), start + MAX_WINDOW) + 1):
                wanted |= trigrams(compact(tokens[start:end]))
        for gram in wanted:
            for i in self.grams.get(gram, ()):
                found[i] += 1
        counts = self.gram_counts
        best = heapq.nlargest(CANDIDATES, found.items(),
                              key=lambda item: (item[1] / counts[item[0]], item[1]))
        chosen = {i for i, shared in best if shared / counts[i] >= 0.3}
        for start in range(max(0, len(tokens) - 2), len(tokens)):
            chosen.update(self._starting_with(compact(tokens[start:]), limit=20))
        return sorted(chosen)

    def _starting_with(self, text: str, *, limit: int) -> list[int]:
        if len(text) < 2:
            return []
        at = bisect.bisect_left(self.by_start, (text, -1))
        out: list[int] = []
        while at < len(self.by_start) and len(out) < limit:
            name, i = self.by_start[at]
            if not name.startswith(text):
                break
            out.append(i)
            at += 1
        return out

    def skeleton_candidates(self, query: Query) -> dict[int, tuple[str, int, int]]:
        """Persian names whose skeleton a Latin run of the query's words spells."""
        found: dict[int, tuple[str, int, int]] = {}
        tokens = query.tokens
        for start in range(len(tokens)):
            for end in range(start + 1, min(len(tokens), start + 3) + 1):
                run = tokens[start:end]
                if all(t[:1].isdigit() for t in run):
                    continue
                skel = "".join(latin_skeleton(t) for t in run)
                if len(skel) < 2:
                    continue
                ids = list(self.skeletons.get(skel, ()))
                if len(skel) >= 4:
                    ids += self.skeleton_deletions.get(skel, [])
                    for d in _deletions(skel):
                        ids += self.skeletons.get(d, [])
                        ids += self.skeleton_deletions.get(d, [])
                if end == len(tokens) and len(skel) >= 3:
                    at = bisect.bisect_left(self.skeleton_starts, (skel, -1))
                    for name, i in self.skeleton_starts[at:at + 20]:
                        if not name.startswith(skel):
                            break
                        ids.append(i)
                for i in ids:
                    found.setdefault(i, (skel, start, end))
        return found

    def match(self, query: Query, *, prefix: bool = True) -> list[Match]:
        """Every name that some run of the query's words matches, best first."""
        matches: list[Match] = []
        tokens = query.tokens
        n = len(tokens)
        runs = [(start, end, compact(tokens[start:end])) for start in range(n)
                for end in range(start + 1, min(n, start + MAX_WINDOW) + 1)]
        grams = {run: trigrams(run) for _s, _e, run in runs}
        for i in self.candidates(query):
            best = self._best_window(i, runs, grams, n, prefix=prefix)
            if best is not None:
                matches.append(best)
        if query.latin:
            skeletons = [(start, end, "".join(latin_skeleton(t) for t in tokens[start:end]))
                         for start, end, _text in runs if end - start <= 3
                         and not all(t[:1].isdigit() for t in tokens[start:end])]
            for i in self.skeleton_candidates(query):
                best = self._best_skeleton(i, skeletons, n, prefix=prefix)
                if best is not None:
                    matches.append(best)
        matches.sort(key=lambda m: (-m.similarity * m.weight(query), m.start, m.key))
        return matches

    def _best_window(self, i: int, runs: list[tuple[int, int, str]],
                     grams: dict[str, set[str]], n: int, *, prefix: bool) -> Match | None:
        size = len(self.tokens[i])
        name = self.compacts[i]
        best: Match | None = None
        for start, end, run in runs:
            if not (size - 1 <= end - start <= size + 1):
                continue
            # The start of a name, while typing: only at the query's end, never ending in
            # a house number, and the first two letters right.
            begins = (prefix and end == n and len(run) < len(name) and run[:2] == name[:2]
                      and not run[-1].isdigit())
            whole = abs(len(run) - len(name)) <= 2 and _close(grams[run], run, name)
            if not (whole or begins):
                continue
            score = similarity(run, name, prefix=begins)
            if score and (best is None or score > best.similarity):
                best = Match(self.keys[i], score, start, end)
        if best is None and size >= 2:
            best = self._partial(i, runs, grams)
        return best

    def _partial(self, i: int, runs: list[tuple[int, int, str]],
                 grams: dict[str, set[str]]) -> Match | None:
        """Part of a longer name, word for word («گوهردشت» of «پارک گوهردشت»), at a lower
        score: a misspelt part is not looked for, or every query would match half the
        city's names."""
        key_tokens = self.tokens[i]
        total = sum(len(t) for t in key_tokens)
        best: Match | None = None
        for start, end, run in runs:
            if len(run) < 3 or run[:1].isdigit():
                continue
            size = end - start
            for a in range(len(key_tokens) - size + 1):
                if "".join(key_tokens[a:a + size]) == run and size < len(key_tokens):
                    score = 0.8 * len(run) / total
                    if best is None or score > best.similarity:
                        best = Match(self.keys[i], score, start, end)
        return best

    def _best_skeleton(self, i: int, runs: list[tuple[int, int, str]], n: int, *,
                       prefix: bool) -> Match | None:
        name = self.skeleton_of.get(i, "")
        best: Match | None = None
        for start, end, skel in runs:
            if abs(len(skel) - len(name)) > 1 and not (prefix and end == n):
                continue
            score = skeleton_similarity(skel, name, prefix=prefix and end == n)
            if score and (best is None or score > best.similarity):
                best = Match(self.keys[i], score, start, end, skeleton=True)
        return best


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(lat // 0.02), int(lon // 0.025)


def _close(run_grams: set[str], run: str, name: str) -> bool:
    """Whether a run of words can be within the allowed edits of a name: each edit
    changes at most three trigrams, so too few shared trigrams rule it out cheaply."""
    if run == name:
        return True
    limit = allowed_edits(len(name))
    if not limit:
        return False
    own = trigrams(name)
    return len(own & run_grams) >= len(own) - 3 * limit


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1:] for i in range(len(text))}


_lock = threading.Lock()
_cache: dict[str, Vocabulary] = {}


def current_versions() -> tuple[str, str]:
    """(the gazetteer's version, the city configuration's version), in one query.

    Plain SQL: every search asks it, and the ORM would spend longer building the query
    than the database answering it.
    """
    gazetteer, city = Gazetteer._meta.db_table, City._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT version FROM {gazetteer} ORDER BY id LIMIT 1), "  # noqa: S608
                       f"(SELECT config_version FROM {city} ORDER BY id LIMIT 1)")
        row = cursor.fetchone()
    return (row[0] or "", row[1] or "") if row else ("", "")


def vocabulary(version: str | None = None) -> Vocabulary:
    """The index for the gazetteer as it is now (one query when nothing changed)."""
    version = current_versions()[0] if version is None else version
    cached = _cache.get("vocab")
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        cached = _cache.get("vocab")
        if cached is not None and cached.version == version:
            return cached
        keys = list(PlaceName.objects.values_list("key", flat=True).distinct())
        neighbourhoods = [
            Neighbourhood(name, names if isinstance(names, dict) else {}, lat, lon)
            for name, names, lat, lon in Place.objects.filter(
                kind=PlaceKind.NEIGHBOURHOOD).values_list("name", "names", "lat", "lon")]
        vocab = Vocabulary.build(version, keys, neighbourhoods)
        vocab.has_addresses = Place.objects.filter(kind=PlaceKind.ADDRESS).exists()
        _cache["vocab"] = vocab
        return vocab
