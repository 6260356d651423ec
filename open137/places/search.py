"""Search the gazetteer: the one function the API, the intake and the screens call.

`search(text)` answers the places a typed address may mean, best first, each with a score
from 0 to 1. `place_address(text)` answers the one place an address means when the
gazetteer is sure enough to place a request there (else None: nothing is guessed).

A score weighs three things: how closely the words match a name (misspellings and a
name's beginning cost a little), how much of the query the place explains (its name, its
house number, and a neighbourhood or landmark named beside it that lies near it: "Moazzen
boulevard, Gohardasht"), and how specific the place is (an address before its street,
a street before a neighbourhood).

A house number that the gazetteer does not have is placed on its street, between the
nearest numbers it has on either side (or at the nearest one), else at the street.
"""

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import get_language

from open137.directory.queries import RoutingContext, routing_context
from open137.places.index import Match, Vocabulary, current_versions, vocabulary
from open137.places.matching import (
    MAX_QUERY,
    HouseNumber,
    Query,
    kind_words,
    read_query,
    skeleton,
)
from open137.places.models import Place, PlaceKind, PlaceName

MAX_LIMIT = 50
KEYS_FETCHED = 12  # the best-matching names whose places are read
ROWS_FETCHED = 600
NEAR_M = 2500.0  # a neighbourhood or landmark named beside a place supports it this near
SAME_PLACE_M = 60.0  # entries of one address closer than this are one answer
SPECIFIC = {PlaceKind.ADDRESS: 1.0, PlaceKind.STREET: 1.0, PlaceKind.LANDMARK: 0.99,
            PlaceKind.NEIGHBOURHOOD: 0.97}
EARTH_RADIUS_M = 6_371_008.8


@dataclass
class Found:
    """One answer: a place (or a house number placed on its street) and how sure."""

    name: str
    kind: str
    lat: float
    lon: float
    score: float
    district_code: str | None = None
    category: str = ""
    housenumber: str = ""
    street: str = ""
    neighbourhood: str = ""
    matched: str = ""  # the name the words matched, when it is not the one shown
    interpolated: bool = False
    finglish: str = ""  # the consonant skeleton a Latin query matched a Persian name by
    place_id: int | None = None
    names: dict[str, str] = field(default_factory=dict)

    @property
    def address(self) -> str:
        """The text to keep as the request's address."""
        parts = [self.name]
        if self.neighbourhood and self.neighbourhood not in self.name:
            parts.append(self.neighbourhood)
        return "، ".join(parts) if _persian_text(self.name) else ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "lat": self.lat, "lon": self.lon,
                "district_code": self.district_code, "score": self.score,
                "category": self.category, "housenumber": self.housenumber,
                "street": self.street, "neighbourhood": self.neighbourhood,
                "address": self.address, "interpolated": self.interpolated}


def _persian_text(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in text)


def _flat_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """A flat distance: good enough within a city, and cheap."""
    dx = (lon2 - lon1) * math.cos(math.radians(lat1))
    return math.hypot(dx, lat2 - lat1) * 111_320.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class _Row:
    place: dict[str, Any]
    key: str
    number_first: int | None
    number_last: int | None


def search(text: str, *, limit: int = 10, context: RoutingContext | None = None,
           language: str | None = None) -> list[Found]:
    """The places `text` may mean, best first (at most `limit`)."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    query = read_query((text or "")[:MAX_QUERY])
    if not query.tokens:
        return []
    version, config = current_versions()
    vocab = vocabulary(version)
    if not vocab.keys:
        return []
    matches = _best_per_key(vocab.match(query), query)
    if not matches:
        return []
    rows = _rows(matches, query)
    found = _score(query, matches, rows, vocab)
    found = _dedupe(found)[:limit]
    return _finish(found, vocab, context=context or _routing(config), language=language)


_contexts: dict[str, RoutingContext] = {}


def routing_for(config_version: str) -> RoutingContext:
    return _routing(config_version)


def _routing(config_version: str) -> RoutingContext:
    """The routing context of this configuration version, without asking for the version
    again when it was just read."""
    cached = _contexts.get("ctx")
    if cached is not None and cached.version == config_version and config_version:
        return cached
    ctx = _contexts["ctx"] = routing_context()
    return ctx


def _best_per_key(matches: list[Match], query: Query) -> list[Match]:
    best: dict[str, Match] = {}
    for m in matches:
        if m.similarity < 0.3:
            continue
        if m.key not in best or _value(m, query) > _value(best[m.key], query):
            best[m.key] = m
    ranked = sorted(best.values(), key=lambda m: (-_value(m, query), m.start, m.key))
    return ranked[:KEYS_FETCHED]


def _value(m: Match, query: Query) -> float:
    return m.similarity * (0.5 + 0.5 * m.weight(query) / query.weight)


def _numbers_left(query: Query, m: Match) -> list[HouseNumber]:
    """The house numbers the query gives outside the words that matched this name;
    one after a «پلاک»/"no." first."""
    numbers = [(not marked, position, number) for position, number, marked in query.numbers
               if not (m.start <= position < m.end)]
    return [number for _unmarked, _position, number in sorted(numbers, key=lambda n: n[:2])]


def _rows(matches: list[Match], query: Query) -> list[_Row]:
    """The places of the matched names: every non-address, and the addresses whose
    number is one of the query's.

    Plain SQL on the (key, number_first) index: the one read of every search, where the
    ORM's own work would cost more than the database's.
    """
    keys = [m.key for m in matches]
    numbers = sorted({n.first for m in matches for n in _numbers_left(query, m)})[:5]
    condition = " OR ".join(["n.number_first IS NULL",
                             *["(n.number_first <= %s AND n.number_last >= %s)"] * len(numbers)])
    params: list[Any] = [*keys]
    for n in numbers:
        params += [n, n]
    sql = (f"SELECT n.place_id, p.name, p.kind, p.category, p.names, p.housenumber, p.street, "  # noqa: S608
           f"p.lat, p.lon, n.key, n.number_first, n.number_last "
           f"FROM {PlaceName._meta.db_table} n JOIN {Place._meta.db_table} p "
           f"ON p.id = n.place_id WHERE n.key IN ({', '.join(['%s'] * len(keys))}) "
           f"AND ({condition}) LIMIT {ROWS_FETCHED}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for (pid, name, kind, category, names, number, street, lat, lon, key, first,
         last) in rows:
        if isinstance(names, str):  # SQLite gives JSON as text
            names = json.loads(names)
        out.append(_Row({"id": pid, "name": name, "kind": kind, "category": category,
                         "names": names if isinstance(names, dict) else {},
                         "housenumber": number, "street": street, "lat": lat, "lon": lon},
                        key, first, last))
    return out


def _score(query: Query, matches: list[Match], rows: list[_Row],
           vocab: Vocabulary) -> list[Found]:
    by_key: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_key[row.key].append(row)
    found: list[Found] = []
    interpolations = 0
    addresses_known = vocab.has_addresses
    for m in matches:
        own = by_key.get(m.key, [])
        if not own:
            continue
        numbers = _numbers_left(query, m)
        context = _context(m, matches, by_key, query)
        addresses = [r for r in own if r.place["kind"] == PlaceKind.ADDRESS]
        others = [r for r in own if r.place["kind"] != PlaceKind.ADDRESS]
        explained_number = False
        if numbers and addresses and m.similarity >= 0.5:
            best = _addresses(m, numbers[0], addresses)
            for row, factor in best:
                found.append(_found(query, m, row, factor, context, with_number=True))
            explained_number = bool(best)
        for row in others:
            factor = 1.0
            if numbers and row.place["kind"] == PlaceKind.STREET and not explained_number \
                    and m.similarity >= 0.75:
                placed = None
                if addresses_known and interpolations < 2:
                    interpolations += 1
                    placed = _interpolate(m.key, numbers[0], row)
                if placed is None:  # no numbers known on this street: at the street
                    placed = (_Row(dict(row.place, id=None, kind=PlaceKind.ADDRESS,
                                        housenumber=numbers[0].text,
                                        street=row.place["name"]), m.key, None, None), 0.8)
                found.append(_found(query, m, placed[0], placed[1], context,
                                    with_number=True, interpolated=True))
                factor = 0.85
            found.append(_found(query, m, row, factor, context, with_number=False))
    found.sort(key=lambda f: -f.score)
    return found


def _addresses(m: Match, number: HouseNumber,
               rows: list[_Row]) -> list[tuple[_Row, float]]:
    """The addresses with this number (several entries of one address: the middle one)."""
    scored: dict[str, list[tuple[_Row, float]]] = defaultdict(list)
    for row in rows:
        first, last = row.number_first, row.number_last
        if first is None or last is None:
            continue
        own = HouseNumber(row.place["housenumber"].lower().replace(" ", ""), first, last)
        factor = number.matches(own)
        if factor:
            scored[own.text].append((row, factor))
    if not scored:
        return []
    best_factor = max(f for group in scored.values() for _r, f in group)
    out = []
    for group in scored.values():
        if group[0][1] < best_factor:
            continue
        for cluster in _clusters([r for r, _f in group]):
            out.append((_middle(cluster), group[0][1]))
    return out


def _clusters(rows: list[_Row]) -> list[list[_Row]]:
    """Entries of one address near each other (a building's doors) are one; the same
    number far away (a street of the same name elsewhere) is another."""
    groups: list[list[_Row]] = []
    for row in rows:
        for group in groups:
            if any(_distance(row, other) <= 250 for other in group):
                group.append(row)
                break
        else:
            groups.append([row])
    return groups


def _middle(rows: list[_Row]) -> _Row:
    """The entry nearest the others (a building's doors: the one in the middle)."""
    if len(rows) <= 2:
        return rows[0]
    lat = sum(r.place["lat"] for r in rows) / len(rows)
    lon = sum(r.place["lon"] for r in rows) / len(rows)
    middle = _Row({"lat": lat, "lon": lon}, "", None, None)
    return min(rows, key=lambda r: _near(r, middle))


def _near(a: _Row, b: _Row) -> float:
    """A flat distance, good enough to compare entries of one address."""
    dy = a.place["lat"] - b.place["lat"]
    dx = (a.place["lon"] - b.place["lon"]) * math.cos(math.radians(a.place["lat"]))
    return math.hypot(dx, dy) * 111_320.0


def _distance(a: _Row, b: _Row) -> float:
    return _near(a, b)


def _interpolate(key: str, number: HouseNumber, street: _Row) -> tuple[_Row, float] | None:
    """A number the gazetteer lacks, between the nearest known numbers on this street."""
    known: list[tuple[int, float, float]] = [
        (int(first), lat, lon) for first, lat, lon in
        PlaceName.objects.filter(key=key, number_first__isnull=False)
        .values_list("number_first", "place__lat", "place__lon")[:2000]
        if first is not None
        and haversine_m(lat, lon, street.place["lat"], street.place["lon"]) <= 3000]
    if not known:
        return None
    n = number.first
    # Odd and even numbers face each other in most cities: a number is placed between its
    # neighbours on its own side when there are some, else on either side.
    for side, sure in (([k for k in known if k[0] % 2 == n % 2], 0.9), (known, 0.87)):
        below = max((k for k in side if k[0] < n), default=None, key=lambda k: k[0])
        above = min((k for k in side if k[0] > n), default=None, key=lambda k: k[0])
        if below and above:
            factor = sure
            t = (n - below[0]) / (above[0] - below[0])
            lat = below[1] + t * (above[1] - below[1])
            lon = below[2] + t * (above[2] - below[2])
            break
    else:
        nearest = min(known, key=lambda k: abs(k[0] - n))
        lat, lon = nearest[1], nearest[2]
        factor = 0.82 if abs(nearest[0] - n) <= 10 else 0.78
    place = dict(street.place, id=None, kind=PlaceKind.ADDRESS, housenumber=number.text,
                 street=street.place["name"], lat=round(lat, 6), lon=round(lon, 6))
    return _Row(place, key, n, n), factor


def _context(m: Match, matches: list[Match], by_key: dict[str, list[_Row]],
             query: Query) -> list[tuple[Match, list[_Row]]]:
    """Other names in the query, elsewhere in it, that may support a place near them."""
    return [(other, by_key.get(other.key, [])) for other in matches
            if other.key != m.key and other.similarity >= 0.75
            and (other.end <= m.start or other.start >= m.end)]


def _found(query: Query, m: Match, row: _Row, factor: float,
           context: list[tuple[Match, list[_Row]]], *, with_number: bool,
           interpolated: bool = False) -> Found:
    place = row.place
    explained = m.weight(query) + (3.0 if with_number else 0.0)
    used: list[tuple[int, int]] = [(m.start, m.end)]
    for other, rows in context:
        if any(s < other.end and other.start < e for s, e in used):
            continue
        if any(_flat_m(place["lat"], place["lon"], r.place["lat"], r.place["lon"])
               <= NEAR_M for r in rows[:30]):
            explained += other.weight(query) * other.similarity
            used.append((other.start, other.end))
    coverage = min(1.0, explained / query.weight)
    kind = place["kind"]
    said = _kinds_of(place)
    if said and not (said & query.kinds):
        factor *= 0.96  # «میدان گوهردشت» is a little less likely for «گوهردشت»
    score = m.similarity * (0.5 + 0.5 * coverage) * SPECIFIC.get(kind, 0.95) * factor
    return Found(
        name=place["name"], kind=kind, lat=place["lat"], lon=place["lon"],
        score=round(score, 3), category=place["category"],
        housenumber=place["housenumber"] if kind == PlaceKind.ADDRESS else "",
        street=place["street"], matched=m.key, interpolated=interpolated,
        finglish=skeleton(m.key.split()) if m.skeleton else "",
        place_id=place["id"], names=place["names"])


def _kinds_of(place: dict[str, Any]) -> frozenset[str]:
    if place["kind"] == PlaceKind.ADDRESS:
        return kind_words(str(place["street"]))
    names = [place["name"], *place["names"].values()]
    return frozenset().union(*(kind_words(str(n)) for n in names))


def _dedupe(found: list[Found]) -> list[Found]:
    """One answer per place; a place found by two of its names counts once."""
    out: list[Found] = []
    seen_ids: set[int] = set()
    for f in found:
        if f.place_id is not None and f.place_id in seen_ids:
            continue
        if any(o.kind == f.kind and o.name == f.name and o.housenumber == f.housenumber
               and haversine_m(o.lat, o.lon, f.lat, f.lon) <= SAME_PLACE_M for o in out):
            continue
        if f.place_id is not None:
            seen_ids.add(f.place_id)
        out.append(f)
    return out


def _finish(found: list[Found], vocab: Vocabulary, *, context: RoutingContext | None,
            language: str | None) -> list[Found]:
    """Names in the reader's language, the district and the neighbourhood of each."""
    ctx = context or routing_context()
    language = (language or get_language() or "fa")[:2]
    out = []
    for f in found:
        name = f.names.get(f"name:{language}") or f.name
        if f.kind == PlaceKind.ADDRESS:
            name = f"{f.street} {f.housenumber}".strip()
        out.append(replace(f, name=name, district_code=ctx.index.locate(f.lon, f.lat),
                           neighbourhood=_neighbourhood(vocab, f, language)))
    return out


def _neighbourhood(vocab: Vocabulary, f: Found, language: str) -> str:
    if f.kind == PlaceKind.NEIGHBOURHOOD:
        return ""
    near = [(_flat_m(f.lat, f.lon, n.lat, n.lon), n) for n in vocab.near(f.lat, f.lon)]
    near = [(d, n) for d, n in near if d <= 2000]
    if not near:
        return ""
    _d, n = min(near, key=lambda item: item[0])
    return n.names.get(f"name:{language}") or n.name


def confident_score() -> float:
    return float(getattr(settings, "PLACES_CONFIDENT_SCORE", 0.75))


def place_address(text: str, *, context: RoutingContext | None = None) -> Found | None:
    """The place an address means when the gazetteer is sure of it, else None.

    Sure: the best answer scores at least PLACES_CONFIDENT_SCORE, it is not a short name
    found by its Finglish consonants alone, and no answer nearly as good lies in another
    district (the same street name in two districts is a question for a person, not a
    guess).
    """
    found = search(text, limit=5, context=context)
    if not found or found[0].score < confident_score():
        return None
    best = found[0]
    if best.finglish and len(best.finglish) < 5:
        # A few consonants in Latin letters match too many things by chance ("Innes",
        # "Bay"): offered in a list, never placed on their own.
        return None
    for other in found[1:]:
        if other.score >= best.score - 0.05 and other.district_code != best.district_code \
                and haversine_m(best.lat, best.lon, other.lat, other.lon) > 500:
            return None
    return best


def place_in_text(text: str, *, context: RoutingContext | None = None) -> Found | None:
    """A place named plainly in a free text (an SMS), else None.

    Plainly: a whole name, spelt right or nearly, that is a neighbourhood's or a
    landmark's of five letters or more, has two words or more, or follows a word like
    «خیابان» or «بلوار». Only such a place is answered, at the score of its name alone.
    """
    query = read_query((text or "")[:MAX_QUERY * 3])
    if not query.tokens:
        return None
    version, config = current_versions()
    vocab = vocabulary(version)
    if not vocab.keys:
        return None
    def plainly(m: Match) -> bool:
        letters = sum(len(t) for t in query.tokens[m.start:m.end])
        return m.similarity >= 0.9 and not m.skeleton and (
            letters >= 5 or (letters >= 3 and query.after_kind[m.start]))

    plain = [m for m in vocab.match(query, prefix=False) if plainly(m)]
    plain.sort(key=lambda m: (-(m.end - m.start), -m.similarity, m.start))
    chosen = plain[:KEYS_FETCHED]
    if not chosen:
        return None
    rows = _rows(chosen, query)
    for m in chosen:
        kinds = {r.place["kind"] for r in rows if r.key == m.key}
        if not (m.end - m.start >= 2 or query.after_kind[m.start]
                or kinds & {PlaceKind.NEIGHBOURHOOD, PlaceKind.LANDMARK}):
            continue
        alone = Query(query.tokens[m.start:m.end], (), query.latin, query.kinds)
        found = _dedupe(_score(alone, [replace(m, start=0, end=m.end - m.start)],
                               [r for r in rows if r.key == m.key], vocab))
        if found:
            return _finish(found[:1], vocab, context=context or _routing(config),
                           language=None)[0]
    return None
