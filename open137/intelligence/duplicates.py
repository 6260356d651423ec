"""Open requests that may report the same problem as the one being recorded.

A candidate is open, on the same subject, within the subject's radius of the point
(haversine distance) and received within its time window of `at`, before or after. The
radius and window come from the subject's tuning in the admin, else DUPLICATE_RADIUS_M
(150 m) and DUPLICATE_WINDOW_DAYS (14). Nearest first: candidates are compared in bands
of 25 m, and within a band the description most like the new one comes first, so text
similarity breaks ties without letting a far request jump a near one.

Without a point there is nothing to compare: a taxi complaint by phone is not a duplicate
of another taxi complaint.
"""

import math
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
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
                    limit: int = 5) -> list[Case]:
    """Open requests on the same subject nearby and recent, nearest first.

    Each request found carries `distance_m` and `similarity` for the screen.
    """
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return []
    if isinstance(subject, str):
        found = Subject.objects.filter(code=subject).first()
        if found is None:
            return []
        subject = found
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
