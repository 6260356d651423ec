"""What the intelligence app can add to the portal, when it is installed.

Every function here degrades to "nothing to offer" when open137.intelligence (or one of
its parts) is missing, so the portal works on its own.
"""

import logging
from typing import Any

from django.conf import settings

from open137.cases.models import Case
from open137.directory.models import Subject

log = logging.getLogger(__name__)



def confident_score() -> float:
    """A suggestion this sure (0..1) is chosen for the citizen; below it is only offered."""
    return float(getattr(settings, "CLASSIFIER_MIN_SCORE", 0.6))


def suggest_subjects(text: str, k: int = 3) -> list[tuple[Subject, float]]:
    """The k most likely subjects for a description, best first, with their scores."""
    try:
        from open137.intelligence.suggest import suggest
    except ImportError:
        return []
    try:
        found = suggest(text, k)
    except Exception:  # a missing or broken model must never break the citizen's form
        log.exception("Subject suggestion failed")
        return []
    pairs = [_code_and_score(item) for item in found or []]
    subjects = Subject.objects.filter(active=True).in_bulk(
        [code for code, _score in pairs], field_name="code")
    return [(subjects[code], score) for code, score in pairs if code in subjects]


def _code_and_score(item: Any) -> tuple[str, float]:
    if isinstance(item, dict):
        return str(item.get("code", "")), float(item.get("score", 0.0))
    if isinstance(item, tuple | list):
        return str(item[0]), float(item[1])
    return str(getattr(item, "code", "")), float(getattr(item, "score", 0.0))


def nearby_open_cases(subject: Subject, lat: float | None, lon: float | None, text: str = "",
                      address: str = "") -> list[Case]:
    """Open requests on the same subject near this place (the pin, else the address), which
    the citizen may follow."""
    try:
        from open137.intelligence.duplicates import find_duplicates
    except ImportError:
        return []
    try:
        found = find_duplicates(subject=subject, lat=lat, lon=lon, text=text, address=address)
    except Exception:
        log.exception("Duplicate search failed")
        return []
    cases = [getattr(item, "case", item) for item in found or []]
    return [c for c in cases if isinstance(c, Case) and c.is_open][:5]


def incident_message(case: Case) -> str:
    """The public message of the mass incident this request is linked to, if any."""
    try:
        from open137.intelligence.queries import incident_for_case
    except ImportError:
        return ""
    try:
        incident = incident_for_case(case)
    except Exception:
        log.exception("Incident lookup failed")
        return ""
    return str(getattr(incident, "public_message", "") or "") if incident else ""


def attach_to_incident(case: Case) -> None:
    """Attach a new web request to the mass incident declared for its subject and place."""
    try:
        from open137.intelligence.actions import attach_to_matching_incident
    except ImportError:
        return
    attach_to_matching_incident(case, by=None)
