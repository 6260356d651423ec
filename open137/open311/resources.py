"""Subjects and requests as GeoReport v2 resources (services and service requests).

Open311 words (service, service_request, service_code) live here and nowhere else. A
request shown here never carries the citizen's name, phone or email: GeoReport lists are
public, so contact details typed into a description are masked as well.
"""

from collections.abc import Callable
from datetime import datetime, time, tzinfo
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import F, Max, OuterRef, Prefetch, QuerySet, Subquery, TextField, Value, When
from django.utils.translation import gettext as _

from open137.cases.models import Attachment, Case, CaseEvent, Channel, PlanReason
from open137.cases.photos import public_url
from open137.cases.workflow import TRANSITIONS, Status, Step
from open137.core.contacts import mask_contacts
from open137.core.dates import is_persian
from open137.core.text import persian_digits
from open137.directory.models import Subject
from open137.open311.attributes import questions

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Detailed statuses that Open311 calls closed; every other one is open.
CLOSED = frozenset({Status.CLOSED, Status.REJECTED})
# Steps whose note is written for the citizen (a result, a reason, a plan). Every other
# note (a referral note to the unit, an objection, a closing remark) stays inside.
CITIZEN_NOTES = (Step.RESOLVE, Step.REJECT, Step.PLAN)
OUTCOME_STEPS = (*CITIZEN_NOTES, Step.REFER, Step.ACCEPT, Step.REOPEN)
# Steps that change a request's status (the transition table), and its receipt.
STATUS_STEPS = (Step.RECEIVE, *TRANSITIONS)


def masked(case: Case, text: str) -> str:
    """A request's free text as the public may read it: contact details masked."""
    return mask_contacts(text, names=(case.contact_name,))


def number(value: object) -> str:
    """Digits as the active language writes them."""
    return persian_digits(value) if is_persian() else str(value)


def w3c(value: datetime | None, tz: tzinfo) -> str | None:
    """ISO 8601 with the offset, in the city's clock: 2025-01-31T14:30:00+03:30."""
    return value.astimezone(tz).isoformat(timespec="seconds") if value else None


# --- services ---------------------------------------------------------------------------

def expectation(subject: Subject) -> str:
    """What the city promises for requests on this subject, in a sentence or two."""
    hours, days = number(subject.respond_hours), number(subject.resolve_days)
    if subject.urgent:
        text = _("Urgent: the first action comes within %(hours)s hours and a result within "
                 "%(days)s days, counted around the clock.") % {"hours": hours, "days": days}
    else:
        text = _("The first action comes within %(hours)s hours (days off not counted) and a "
                 "result within %(days)s working days.") % {"hours": hours, "days": days}
    if subject.long_term:
        text += " " + _("This work often needs the council's approval, a budget or another "
                        "body; the unit then answers with a plan and an expected date.")
    return text


def service_item(subject: Subject) -> dict[str, Any]:
    keywords = [s.strip() for s in subject.synonyms.splitlines() if s.strip()]
    return {
        "service_code": subject.code,
        "service_name": subject.name,
        "description": expectation(subject),
        "metadata": bool(questions(subject.attributes)),
        "type": "realtime",
        "keywords": ", ".join(keywords) or None,
        "group": subject.group.name if subject.group else None,
    }


def service_definition(subject: Subject) -> dict[str, Any]:
    return {
        "service_code": subject.code,
        "attributes": [q.as_open311() for q in questions(subject.attributes)],
    }


def services() -> QuerySet[Subject]:
    return (Subject.objects.filter(active=True).select_related("group")
            .order_by(F("group__position").asc(nulls_last=True), "position", "code"))


# --- service requests -------------------------------------------------------------------

def service_requests(*, extensions: bool = False) -> QuerySet[Case]:
    """Requests with everything a list needs, in a fixed number of queries."""
    # The note of the latest step that set the outcome, when that step speaks to the
    # citizen: a later reopening or a new referral makes an older result stale.
    notes = (CaseEvent.objects.filter(case=OuterRef("pk"), public=True, step__in=OUTCOME_STEPS)
             .order_by("-at", "-pk")
             .annotate(shown=DbCase(When(step__in=CITIZEN_NOTES, then="note"), default=Value(""),
                                   output_field=TextField()))
             .values("shown")[:1])
    # Reminders and deadline marks are events too, but they change nothing a client sees.
    changes = (CaseEvent.objects.filter(case=OuterRef("pk"), step__in=STATUS_STEPS)
               .order_by().values("case").annotate(last=Max("at")).values("last")[:1])
    photos = Attachment.objects.filter(event__isnull=True).order_by("created_at", "pk")
    cases = (Case.objects.select_related("subject", "unit", "district", "open311_submission")
             .annotate(public_note=Subquery(notes), last_change=Subquery(changes))
             .prefetch_related(Prefetch("attachments", queryset=photos, to_attr="photos")))
    if extensions:
        history = (CaseEvent.objects.filter(public=True).select_related("to_unit")
                   .order_by("at", "pk"))
        cases = cases.prefetch_related(Prefetch("events", queryset=history,
                                                to_attr="public_events"))
    return cases


def status_notes(case: Case) -> str | None:
    if case.duplicate_of_id:
        return _("A duplicate of request %(id)s; follow that one.") % {
            "id": case.duplicate_of_id}
    note = masked(case, getattr(case, "public_note", None) or "")
    if case.status == Status.PLANNED and case.planned_reason:
        reason = str(PlanReason(case.planned_reason).label)
        return f"{reason}: {note}" if note else reason
    return note or None


def _expected(case: Case, tz: tzinfo) -> str | None:
    if case.status == Status.PLANNED and case.planned_date:
        return w3c(datetime.combine(case.planned_date, time(0, 0), tzinfo=tz), tz)
    return w3c(case.resolve_by, tz)


def _media_url(case: Case, absolute: Callable[[str], str]) -> str | None:
    for photo in getattr(case, "photos", ()):
        if photo.url:
            return photo.url
        if photo.file:
            return absolute(public_url(photo))
    return None


def request_item(case: Case, *, tz: tzinfo, absolute: Callable[[str], str],
                 extensions: bool = False, key_id: int | None = None) -> dict[str, Any]:
    """One service request as GET requests lists it (no contact details, ever).

    The tracking code is the citizen's secret (with it the web page takes their answer to
    the result): only the client whose key (`key_id`) created the request is shown it.
    """
    submission = getattr(case, "open311_submission", None)
    item: dict[str, Any] = {
        "service_request_id": str(case.pk),
        "status": "closed" if case.status in CLOSED else "open",
        "status_notes": status_notes(case),
        "service_name": case.subject.name,
        "service_code": case.subject.code,
        "description": masked(case, case.description) or None,
        "agency_responsible": case.unit.name if case.unit else None,
        "service_notice": expectation(case.subject),
        "requested_datetime": w3c(case.created_at, tz),
        "updated_datetime": w3c(getattr(case, "last_change", None) or case.updated_at, tz),
        "expected_datetime": _expected(case, tz),
        "address": masked(case, case.address) or None,
        "address_id": (submission.address_id or None) if submission else None,
        "zipcode": None,
        "lat": case.lat,
        "long": case.lon,
        "media_url": _media_url(case, absolute),
    }
    if extensions:
        item["extended_attributes"] = {
            "detailed_status": case.status,
            "channel": case.channel,
            "district_code": case.district.code if case.district else None,
            "unit_code": case.unit.code if case.unit else None,
            "priority": case.priority,
            "duplicate_of": str(case.duplicate_of_id) if case.duplicate_of_id else None,
        }
        if key_id is not None and submission is not None and submission.api_key_id == key_id:
            item["extended_attributes"]["tracking_code"] = case.tracking_code
        item["notes"] = [_note(case, event, tz)
                         for event in getattr(case, "public_events", ())]
    return item


def _note(case: Case, event: CaseEvent, tz: tzinfo) -> dict[str, Any]:
    return {
        "datetime": w3c(event.at, tz),
        "type": event.step,
        "status": "closed" if event.to_status in CLOSED else "open",
        "detailed_status": event.to_status,
        "description": _step_text(case, event),
    }


def _step_text(case: Case, event: CaseEvent) -> str:
    if event.step in CITIZEN_NOTES and event.note:
        return masked(case, event.note)
    unit = event.to_unit.name if event.to_unit else ""
    texts: dict[str, str] = {
        Step.RECEIVE: _("Received through %(channel)s.") % {
            "channel": Channel(event.data.get("channel", Channel.WEB)).label
            if event.data.get("channel") in Channel.values else Channel.WEB.label},
        Step.REFER: _("Referred to %(unit)s.") % {"unit": unit},
        Step.ACCEPT: _("%(unit)s has taken the request on.") % {"unit": unit},
        Step.PLAN: _("Planned for later work."),
        Step.REJECT: _("The request cannot be done."),
        Step.RESOLVE: _("The work is done."),
        Step.CLOSE: _("Closed."),
        Step.REOPEN: _("Reopened: the citizen was not satisfied with the result."),
        Step.LINK_DUPLICATE: _("Linked to an earlier request on the same problem."),
    }
    return texts.get(event.step, str(Status(event.to_status).label))
