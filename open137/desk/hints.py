"""Hints beside the intake form, when the intelligence app is installed.

The desk works without it: every hint is optional, and a hint that fails is logged and
left out rather than stopping a call from being recorded.
"""

import importlib
import logging
from types import ModuleType
from typing import Any

from open137.cases.models import Case
from open137.directory.models import Subject

log = logging.getLogger(__name__)


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"open137.intelligence.{name}")
    except ImportError:
        return None


def available(name: str) -> bool:
    return _module(name) is not None


def suggested_subjects(text: str, k: int = 3) -> list[Subject]:
    """The subjects the classifier finds most likely for this description."""
    module = _module("suggest")
    if module is None or not text.strip():
        return []
    try:
        codes = [code for code, _score in module.suggest(text, k=k)]
    except Exception:
        log.exception("subject suggestion failed")
        return []
    subjects = Subject.objects.filter(active=True).in_bulk(codes, field_name="code")
    return [subjects[code] for code in codes if code in subjects]


def possible_duplicates(*, subject: Subject, lat: float | None, lon: float | None,
                        text: str, address: str = "") -> list[Case]:
    """Open requests on the same subject near the same place (the pin, else the address)."""
    module = _module("duplicates")
    if module is None:
        return []
    try:
        return list(module.find_duplicates(subject=subject, lat=lat, lon=lon, text=text,
                                           address=address))
    except Exception:
        log.exception("duplicate search failed")
        return []


def matching_incident(*, subject: Subject, lat: float | None, lon: float | None,
                      district: Any = None) -> Any:
    """The declared mass incident this call belongs to, if there is one."""
    module = _module("queries")
    if module is None:
        return None
    try:
        return module.match_incident(subject, lat, lon, district=district)
    except Exception:
        log.exception("incident matching failed")
        return None


def open_incident(pk: int) -> Any:
    """An open mass incident by its id, or None (also without the intelligence app)."""
    module = _module("models")
    if module is None:
        return None
    return module.Incident.objects.filter(pk=pk, status=module.Incident.State.OPEN).first()


def incident_of(case: Case) -> Any:
    """The mass incident a request is attached to, if any."""
    module = _module("queries")
    return module.incident_for_case(case) if module is not None else None


def attach_to_incident(case: Case, *, incident: Any, by: Any) -> None:
    """Attach a request to a mass incident (the intelligence app's action)."""
    module = _module("actions")
    if module is None:
        raise ImportError("open137.intelligence is not installed")
    module.attach_case_to_incident(case, incident=incident, by=by)
