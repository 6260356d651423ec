"""What the intelligence app adds to the portal: suggestions, nearby requests, incidents.

Every hint degrades to "nothing to offer" (logged) when it fails, so a broken model or
search never costs the citizen their form (`intelligence.hints`).
"""

from django.conf import settings

from open137.cases.models import Case
from open137.directory.models import Subject
from open137.intelligence.actions import attach_to_matching_incident
from open137.intelligence.duplicates import find_duplicates
from open137.intelligence.hints import degrade, suggest_or
from open137.intelligence.queries import incident_for_case


def confident_score() -> float:
    """A suggestion this sure (0..1) is chosen for the citizen; below it is only offered."""
    return float(settings.CLASSIFIER_MIN_SCORE)


def suggest_subjects(text: str, k: int = 3) -> list[tuple[Subject, float]]:
    """The k most likely subjects for a description, best first, with their scores."""
    pairs = suggest_or(text, k)
    subjects = Subject.objects.filter(active=True).in_bulk(
        [code for code, _score in pairs], field_name="code")
    return [(subjects[code], score) for code, score in pairs if code in subjects]


def nearby_open_cases(subject: Subject, lat: float | None, lon: float | None, text: str = "",
                      address: str = "") -> list[Case]:
    """Open requests on the same subject near this place (the pin, else the address), which
    the citizen may follow."""
    found: list[Case] = degrade("Duplicate search", [], lambda: find_duplicates(
        subject=subject, lat=lat, lon=lon, text=text, address=address))
    return [c for c in found if c.is_open][:5]


def incident_message(case: Case) -> str:
    """The public message of the mass incident this request is linked to, if any."""
    incident = degrade("Incident lookup", None, lambda: incident_for_case(case))
    return incident.public_message if incident is not None else ""


def attach_to_incident(case: Case) -> None:
    """Attach a new web request to the mass incident declared for its subject and place."""
    attach_to_matching_incident(case, by=None)
