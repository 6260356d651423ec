"""Hints beside the intake form, from the intelligence app.

Every hint is optional: one that fails is logged and left out rather than stopping a
call from being recorded (`intelligence.hints.degrade`).
"""

from typing import Any

from open137.cases.models import Case
from open137.directory.models import Subject
from open137.intelligence import actions as incidents
from open137.intelligence.duplicates import find_duplicates
from open137.intelligence.hints import degrade, suggest_or
from open137.intelligence.models import Incident
from open137.intelligence.queries import incident_for_case, match_incident


def suggested_subjects(text: str, k: int = 3) -> list[Subject]:
    """The subjects the classifier finds most likely for this description."""
    if not text.strip():
        return []
    codes = [code for code, _score in suggest_or(text, k=k)]
    subjects = Subject.objects.filter(active=True).in_bulk(codes, field_name="code")
    return [subjects[code] for code in codes if code in subjects]


def possible_duplicates(*, subject: Subject, lat: float | None, lon: float | None,
                        text: str, address: str = "") -> list[Case]:
    """Open requests on the same subject near the same place (the pin, else the address)."""
    return degrade("Duplicate search", [], lambda: list(
        find_duplicates(subject=subject, lat=lat, lon=lon, text=text, address=address)))


def matching_incident(*, subject: Subject, lat: float | None, lon: float | None,
                      district: Any = None) -> Incident | None:
    """The declared mass incident this call belongs to, if there is one."""
    return degrade("Incident matching", None,
                   lambda: match_incident(subject, lat, lon, district=district))


def open_incident(pk: int) -> Incident | None:
    """An open mass incident by its id, or None."""
    return Incident.objects.filter(pk=pk, status=Incident.State.OPEN).first()


def incident_of(case: Case) -> Incident | None:
    """The mass incident a request is attached to, if any."""
    return incident_for_case(case)


def attach_to_incident(case: Case, *, incident: Incident, by: Any) -> None:
    """Attach a request to a mass incident."""
    incidents.attach_case_to_incident(case, incident=incident, by=by)
