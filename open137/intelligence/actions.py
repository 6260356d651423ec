"""Every write of the intelligence app: declaring, filling and resolving mass incidents.

A request attached to an incident stays a request of its own, with its tracking code and
its citizen. Resolving the incident resolves each open one through the lifecycle's
`resolve_case`, so each citizen (and each follower of a linked duplicate) hears the
result once, through the outbox, like any other result.

`match_incident` and `incident_for_case` are reads; they live in queries.py and are
offered here too, where the interfaces look for the incident functions.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from open137.audit.actions import record_changed, record_created
from open137.audit.values import snapshot
from open137.cases import actions as cases
from open137.cases.messages import supervisors
from open137.cases.models import Case, CaseEvent
from open137.cases.workflow import Status
from open137.core.errors import InvalidInput
from open137.core.text import normalize_text
from open137.directory.geometry import check_boundary
from open137.directory.models import District, Subject
from open137.directory.queries import boundary_centre
from open137.intelligence.models import Incident, IncidentCase
from open137.intelligence.queries import incident_for_case, match_incident
from open137.intelligence.surges import current_surges
from open137.notifications import actions as outbox
from open137.notifications.texts import MessageKind

__all__ = ["attach_case_to_incident", "attach_to_matching_incident", "declare_incident",
           "incident_for_case", "match_incident", "resolve_incident", "update_incident"]

User = cases.User


def _actor(by: User) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def clean_area(area: Any) -> dict[str, Any] | None:
    """A GeoJSON polygon or multipolygon (a geometry, a feature or a collection of one),
    checked like a district's boundary (directory.geometry)."""
    if area in (None, "", {}):
        return None
    return check_boundary(area, centre=boundary_centre(), field="area").geojson


@transaction.atomic
def declare_incident(*, subject: Subject, message_fa: str, by: User, message_en: str = "",
                     district: District | None = None, area: Any = None,
                     starts_at: datetime | None = None,
                     ends_at: datetime | None = None) -> Incident:
    """Declare a mass incident: a subject, a place (district, drawn area or the whole
    city), a time window and the message citizens see."""
    if not subject.active:
        raise InvalidInput(_("This subject is no longer in use."), field="subject")
    message_fa = normalize_text(message_fa)
    if not message_fa:
        raise InvalidInput(_("Write the message citizens will see."), field="message_fa")
    starts_at = starts_at or timezone.now()
    if ends_at is not None and ends_at <= starts_at:
        raise InvalidInput(_("The end must come after the start."), field="ends_at")
    incident = Incident.objects.create(
        subject=subject, district=district, area=clean_area(area), starts_at=starts_at,
        ends_at=ends_at, message_fa=message_fa, message_en=normalize_text(message_en),
        created_by=_actor(by),
    )
    record_created(incident, by=by)
    return incident


@transaction.atomic
def update_incident(incident: Incident, *, by: User, message_fa: str, message_en: str = "",
                    district: District | None = None, area: Any = None,
                    ends_at: datetime | None = None) -> Incident:
    """Change an open incident's place, end or public message."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise InvalidInput(_("This incident is already resolved."), field="incident")
    message_fa = normalize_text(message_fa)
    if not message_fa:
        raise InvalidInput(_("Write the message citizens will see."), field="message_fa")
    if ends_at is not None and ends_at <= incident.starts_at:
        raise InvalidInput(_("The end must come after the start."), field="ends_at")
    fields = ["message_fa", "message_en", "district", "area", "ends_at"]
    before = snapshot(incident, fields=fields)
    incident.message_fa, incident.message_en = message_fa, normalize_text(message_en)
    incident.district, incident.area, incident.ends_at = district, clean_area(area), ends_at
    incident.save(update_fields=fields)
    record_changed(incident, by=by, before=before)
    return incident


@transaction.atomic
def attach_case_to_incident(case: Case, *, incident: Incident, by: User,
                            at: datetime | None = None) -> IncidentCase:
    """Attach a request to an open incident; it will be resolved with it."""
    # The incident's row lock orders attaching against resolving: a request attached
    # while the incident is being resolved waits, then finds it resolved.
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise InvalidInput(_("This incident is already resolved."), field="incident")
    existing = IncidentCase.objects.filter(case=case).first()
    if existing is not None:
        if existing.incident_id == incident.pk:
            return existing
        raise InvalidInput(_("This request is already attached to another incident."),
                           field="incident")
    if not case.is_open:
        raise InvalidInput(_("Only an open request can be attached to an incident."),
                           field="incident")
    if case.subject_id != incident.subject_id:
        raise InvalidInput(_("The request and the incident have different subjects."),
                           field="incident")
    return IncidentCase.objects.create(incident=incident, case=case,
                                       attached_at=at or timezone.now(),
                                       attached_by=_actor(by))


@transaction.atomic
def attach_to_matching_incident(case: Case, *, by: User) -> Incident | None:
    """Attach a new request to the incident it matches, if any (SMS and web intake)."""
    incident = match_incident(case.subject, case.lat, case.lon, case.created_at,
                              district=case.district)
    if incident is None or not case.is_open:
        return None
    attach_case_to_incident(case, incident=incident, by=by)
    return incident


@transaction.atomic
def resolve_incident(incident: Incident, *, note: str, by: User,
                     at: datetime | None = None) -> list[CaseEvent]:
    """Resolve the incident and every open request attached to it, with one result note."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise InvalidInput(_("This incident is already resolved."), field="incident")
    note = normalize_text(note)
    if not note:
        raise InvalidInput(_("Write what was done; every citizen will read it."), field="note")
    before = snapshot(incident, fields=["status", "resolved_at", "resolved_by",
                                        "resolution_note"])
    at = at or timezone.now()
    events = []
    links = IncidentCase.objects.filter(incident=incident).select_related("case__subject")
    for link in links.order_by("pk"):
        case = link.case
        if not case.is_open:
            continue  # resolved or closed on its own: its citizen already heard
        if case.status == Status.RECEIVED:  # not routed yet: it must be placed first
            cases.route_case(case, by=None, at=at)
        events.append(cases.resolve_case(case, note=note, by=by, at=at))
    incident.status = Incident.State.RESOLVED
    incident.resolved_at = at
    incident.resolved_by = _actor(by)
    incident.resolution_note = note
    fields = ["status", "resolved_at", "resolved_by", "resolution_note"]
    incident.save(update_fields=fields)
    record_changed(incident, by=by, before=before)
    return events


@transaction.atomic
def alert_surges(*, now: datetime | None = None) -> int:
    """Tell the supervisors of every surge of the moment, once a day per subject and
    district (through the outbox: their desk list, and email or SMS as they asked)."""
    now = now or timezone.now()
    found = current_surges(now)
    if not found:
        return 0
    names = dict(Subject.objects.values_list("code", "name_fa"))
    places = dict(District.objects.values_list("code", "name_fa"))
    staff = supervisors()
    day = timezone.localdate(now).isoformat()
    hours = min(max(settings.SURGE_WINDOW_HOURS, 1), 24)
    with override(settings.LANGUAGE_CODE):
        for surge in found:
            values = {
                "count": surge.count, "subject": names.get(surge.subject_code, surge.subject_code),
                "district": places.get(surge.district_code or "", _("no district")),
                "hours": hours, "usual": f"{surge.baseline:.1f}",
                "link": f"{settings.SITE_ROOT}/oversight/",
            }
            outbox.alert_staff(staff=staff, kind=MessageKind.SURGE, values=values,
                               key=f"surge:{surge.subject_code}:{surge.district_code}:{day}",
                               language=settings.LANGUAGE_CODE, now=now)
    return len(found)
