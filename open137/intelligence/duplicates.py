"""Open requests that may report the same problem as the one being recorded.

A candidate is open, on the same subject, within the subject's radius of the point
(haversine distance) and received within its time window of `at`, before or after. The
radius and window come from the subject's tuning in the admin, else DUPLICATE_RADIUS_M
(150 m) and DUPLICATE_WINDOW_DAYS (14). Nearest first: candidates are compared in bands
of 25 m, and within a band the description most like the new one comes first, so text
similarity breaks ties without letting a far request jump a near one.

Without a point, the address says where: the gazetteer's place for it (a street, a
neighbourhood, a landmark) stands in for the point. Candidates are then the open requests
on the subject whose point lies on that street or near that place, or whose own address
names it; each carries `place` (the name) and its distance to the place. Without a point
or an address there is nothing to compare: a taxi complaint by phone is not a duplicate of
another taxi complaint.
"""

import math
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from open137.cases.models import Case
from open137.cases.workflow import OPEN
from open137.core.text import ZWNJ
from open137.directory.models import Subject
from open137.intelligence.features import canonical
from open137.intelligence.models import SubjectTuning

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = 111_320.0
BAND_M = 25.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _trigrams(text: str) -> Counter[str]:
    text = " ".join(canonical(text).replace(ZWNJ, " ").split())
    text = f" {text} "
    return Counter(text[i:i + 3] for i in range(len(text) - 2))


def text_similarity(a: str, b: str) -> float:
    """Cosine similarity (0..1) of the character trigrams of two descriptions."""
    ta, tb = _trigrams(a), _trigrams(b)
    dot = sum(count * tb[gram] for gram, count in ta.items())
    if not dot:
        return 0.0
    norm = math.sqrt(sum(c * c for c in ta.values()) * sum(c * c for c in tb.values()))
    return dot / norm


def tuning(subject: Subject) -> tuple[int, int]:
    """(radius in metres, window in days) for this subject."""
    found = SubjectTuning.objects.filter(subject=subject).first()
    if found is not None:
        return found.radius, found.window
    return settings.DUPLICATE_RADIUS_M, settings.DUPLICATE_WINDOW_DAYS


def find_duplicates(*, subject: Subject | str, lat: float | None, lon: float | None,
                    text: str = "", at: datetime | None = None, exclude_id: int | None = None,
                    limit: int = 5, address: str = "") -> list[Case]:
    """Open requests on the same subject nearby and recent, nearest first.

    Each request found carries `distance_m` and `similarity` for the screen.
    """
    point = lat is not None and lon is not None and math.isfinite(lat) and math.isfinite(lon)
    if not point and not (address or "").strip():
        return []
    if isinstance(subject, str):
        found = Subject.objects.filter(code=subject).first()
        if found is None:
            return []
        subject = found
    if not point:
        return _by_place(subject, address, text=text, at=at, exclude_id=exclude_id,
                         limit=limit)
    assert lat is not None and lon is not None
    radius, window_days = tuning(subject)
    at = at or timezone.now()
    window = timedelta(days=window_days)
    # A box around the point narrows the search in the database; the circle is exact.
    dlat = radius / METRES_PER_DEGREE
    dlon = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    candidates = (Case.objects.filter(
        subject=subject, status__in=OPEN, lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon), created_at__range=(at - window, at + window),
    ).select_related("subject", "unit", "district"))
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    near = []
    for case in candidates:
        distance = haversine_m(lat, lon, case.lat, case.lon)  # type: ignore[arg-type]
        if distance <= radius:
            case.distance_m = round(distance, 1)  # type: ignore[attr-defined]
            case.similarity = (  # type: ignore[attr-defined]
                round(text_similarity(text, case.description), 3) if text else 0.0)
            near.append(case)
    near.sort(key=lambda c: (int(c.distance_m // BAND_M), -c.similarity,  # type: ignore[attr-defined]
                             c.distance_m, -c.created_at.timestamp()))  # type: ignore[attr-defined]
    return near[:max(limit, 0)]


# How near a request must lie to a place named without a pin: on a street (its line), or
# around a landmark or a neighbourhood's middle.
PLACE_RADIUS_M = {"street": 60.0, "address": 150.0, "landmark": 250.0,
                  "neighbourhood": 1200.0}


def _by_place(subject: Subject, address: str, *, text: str, at: datetime | None,
              exclude_id: int | None, limit: int) -> list[Case]:
    """Duplicates of a request placed by its address only: near the place it names."""
    from shapely.geometry import Point, shape

    from open137.places.matching import STOP_WORDS
    from open137.places.matching import words as place_words
    from open137.places.models import Place
    from open137.places.search import search

    found = search(address, limit=1)
    if not found or found[0].score < 0.6:
        return []
    place = found[0]
    row = Place.objects.filter(pk=place.place_id).first() if place.place_id else None
    geometry = shape(row.geometry) if row is not None else Point(place.lon, place.lat)
    radius = max(PLACE_RADIUS_M.get(place.kind, 250.0), float(tuning(subject)[0]))
    window = timedelta(days=tuning(subject)[1])
    at = at or timezone.now()
    minx, miny, maxx, maxy = geometry.bounds
    dlat = radius / METRES_PER_DEGREE
    scale = METRES_PER_DEGREE * max(math.cos(math.radians((miny + maxy) / 2)), 0.01)
    dlon = radius / scale
    near_box = Q(lat__range=(miny - dlat, maxy + dlat), lon__range=(minx - dlon, maxx + dlon))
    # The name's most telling word («موذن» of «بلوار موذن») in another request's address.
    words = sorted((w for w in place_words(place.name) if len(w) >= 3 and w not in STOP_WORDS
                    and not w.isdigit()), key=len, reverse=True)
    named = Q(address__contains=words[0]) if words else Q(pk__in=[])
    candidates = (Case.objects.filter(near_box | named, subject=subject, status__in=OPEN,
                                      created_at__range=(at - window, at + window))
                  .select_related("subject", "unit", "district"))
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    near = []
    for case in candidates[:200]:
        if case.lat is not None and case.lon is not None:
            # Degrees scaled to metres around the place: exact enough at a street's scale.
            distance = geometry.distance(Point(case.lon, case.lat)) * scale
            if distance > radius and not (words and words[0] in case.address):
                continue
        else:
            distance = 0.0
        case.distance_m = round(distance, 1)  # type: ignore[attr-defined]
        case.place = place.name  # type: ignore[attr-defined]
        case.similarity = (  # type: ignore[attr-defined]
            round(text_similarity(text, case.description), 3) if text else 0.0)
        near.append(case)
    near.sort(key=lambda c: (int(c.distance_m // BAND_M), -c.similarity,  # type: ignore[attr-defined]
                             c.distance_m, -c.created_at.timestamp()))  # type: ignore[attr-defined]
    return near[:max(limit, 0)]
