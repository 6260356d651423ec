"""Every write to a request. Views, the APIs, commands and tests all come through here."""

import math
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from open137.cases.models import Case, CaseEvent, Channel, Follower, PlanReason, Priority
from open137.cases.workflow import Status, Step, target
from open137.core import tracking
from open137.core.errors import InvalidInput
from open137.core.phones import normalize_phone
from open137.core.text import normalize_text
from open137.deadlines.queries import deadlines_for
from open137.directory.models import District, Kind, Subject, Unit
from open137.directory.queries import route, triage_unit

User = AbstractBaseUser | AnonymousUser | None
MAX_DESCRIPTION = 4000
_UNCHANGED: Any = object()


def _actor(by: User) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def transition(case: Case, step: Step, *, by: User, at: datetime | None = None,
               unit: Unit | None = _UNCHANGED, note: str = "", reason: str = "",
               public: bool = True, data: dict[str, Any] | None = None,
               **fields: Any) -> CaseEvent:
    """Lock the request, check the table, save the change and append its event."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    to = target(step, locked.status)
    from_status, from_unit = locked.status, locked.unit
    locked.status = to
    if unit is not _UNCHANGED:
        locked.unit = unit
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    event = CaseEvent.objects.create(
        case=locked, step=step, at=at or timezone.now(), actor=_actor(by),
        from_status=from_status, to_status=to, from_unit=from_unit, to_unit=locked.unit,
        note=note, reason=reason, public=public, data=data or {},
    )
    # The caller's object follows the saved row, so a chain of actions sees each step.
    for f in Case._meta.concrete_fields:
        setattr(case, f.attname, getattr(locked, f.attname))
    return event


def _check_point(lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="lat")
    if lat is None or lon is None:
        return
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise InvalidInput(_("Latitude must be a number between -90 and 90."), field="lat")
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise InvalidInput(_("Longitude must be a number between -180 and 180."), field="long")


def subject_by_code(code: str) -> Subject:
    """The active subject with this code, or InvalidInput."""
    subject = Subject.objects.filter(code=(code or "").strip(), active=True).first()
    if subject is None:
        raise InvalidInput(_("There is no subject with the code “%(code)s”.") % {"code": code},
                           field="subject")
    return subject


def _new_tracking_code() -> str:
    while True:
        code = tracking.new_code()
        if not Case.objects.filter(tracking_code=code).exists():
            return code


@transaction.atomic
def receive_case(
    *, subject: Subject, channel: str, by: User, kind: Kind | None = None,
    description: str = "", lat: float | None = None, lon: float | None = None,
    address: str = "", district: District | None = None, contact_name: str = "",
    contact_phone: str = "", contact_email: str = "", language: str = "fa",
    at: datetime | None = None, external_id: str = "",
) -> Case:
    """Record a new request, give it a tracking code and route it at once."""
    if not subject.active:
        raise InvalidInput(_("This subject is no longer in use."), field="subject")
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    _check_point(lat, lon)
    description = normalize_text(description)
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(_("The description may be at most %(n)s characters.")
                           % {"n": MAX_DESCRIPTION}, field="description")
    phone = normalize_phone(contact_phone) if contact_phone.strip() else ""
    kind = kind or Kind.objects.filter(active=True).order_by("position").first()
    if kind is None:
        raise InvalidInput(_("Load a city pack first."), field="kind")
    at = at or timezone.now()
    case = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    tracking_code=_new_tracking_code(), subject=subject, kind=kind,
                    channel=channel, description=description, lat=lat, lon=lon,
                    address=normalize_text(address), district=district,
                    contact_name=normalize_text(contact_name), contact_phone=phone,
                    contact_email=contact_email.strip(), language=language, created_at=at,
                    created_by=_actor(by), external_id=external_id,
                    priority=Priority.URGENT if subject.urgent else Priority.NORMAL,
                )
            break
        except IntegrityError:  # two requests drew the same code at the same moment
            continue
    assert case is not None
    CaseEvent.objects.create(case=case, step=Step.RECEIVE, at=at, actor=_actor(by),
                             to_status=Status.RECEIVED, data={"channel": channel})
    route_case(case, by=None, at=at)
    return case


def route_case(case: Case, *, by: User, at: datetime | None = None) -> CaseEvent:
    """Refer a received request where routing says, or put it in the triage queue."""
    decision = route(case.subject, lat=case.lat, lon=case.lon,
                     district_code=case.district.code if case.district else None)
    district = (District.objects.get(code=decision.district_code)
                if decision.district_code else None)
    if decision.unit_code is None:
        return transition(case, Step.TRIAGE, by=by, at=at, unit=triage_unit(),
                          district=district, public=False, data={"reason": decision.reason})
    unit = Unit.objects.get(code=decision.unit_code)
    return _refer(case, unit, by=by, at=at, note="", district=district,
                  data={"reason": decision.reason})


def _refer(case: Case, unit: Unit, *, by: User, at: datetime | None, note: str,
           **fields: Any) -> CaseEvent:
    at = at or timezone.now()
    respond_by, resolve_by = deadlines_for(at, respond_hours=case.subject.respond_hours,
                                           resolve_days=case.subject.resolve_days,
                                           urgent=case.subject.urgent)
    return transition(case, Step.REFER, by=by, at=at, unit=unit, note=note,
                      referred_at=at, respond_by=respond_by, resolve_by=resolve_by,
                      responded_at=None, resolved_at=None, overdue=False, **fields)


@transaction.atomic
def refer_case(case: Case, *, unit: Unit, by: User, note: str = "",
               at: datetime | None = None) -> CaseEvent:
    """Refer (or re-refer) a request to a unit; its deadlines start again."""
    if not unit.active or unit.is_triage:
        raise InvalidInput(_("Choose an active unit that acts on requests."), field="unit_code")
    if case.unit_id == unit.pk and case.status == Status.REFERRED:
        raise InvalidInput(_("The request is already referred to this unit."), field="unit_code")
    return _refer(case, unit, by=by, at=at, note=normalize_text(note))


def _first_action(case: Case, at: datetime) -> dict[str, Any]:
    return {} if case.responded_at else {"responded_at": at}


def _required(text: str, field: str, message: str) -> str:
    text = normalize_text(text)
    if not text:
        raise InvalidInput(message, field=field)
    return text


@transaction.atomic
def accept_case(case: Case, *, by: User, at: datetime | None = None) -> CaseEvent:
    """The unit takes the request on."""
    at = at or timezone.now()
    return transition(case, Step.ACCEPT, by=by, at=at, **_first_action(case, at))


@transaction.atomic
def return_case(case: Case, *, reason: str, by: User, at: datetime | None = None) -> CaseEvent:
    """The unit sends the request back to the centre: not ours, with a reason."""
    reason = _required(reason, "reason", _("Say why the request is not for this unit."))
    at = at or timezone.now()
    return transition(case, Step.RETURN, by=by, at=at, unit=triage_unit(), note=reason,
                      public=False, **_first_action(case, at))


@transaction.atomic
def plan_case(case: Case, *, reason: str, expected_date: date, by: User, note: str = "",
              at: datetime | None = None) -> CaseEvent:
    """The unit answers with a plan: why it takes long, and when it is expected."""
    if reason not in PlanReason.values:
        raise InvalidInput(_("Choose why the work must wait: council approval, budget or "
                             "coordination with another body."), field="reason")
    at = at or timezone.now()
    if not isinstance(expected_date, date) or expected_date <= timezone.localdate(at):
        raise InvalidInput(_("The expected date must be after today."), field="expected_date")
    return transition(case, Step.PLAN, by=by, at=at, note=normalize_text(note), reason=reason,
                      planned_reason=reason, planned_date=expected_date,
                      data={"expected_date": expected_date.isoformat()},
                      **_first_action(case, at))


@transaction.atomic
def reject_case(case: Case, *, reason: str, by: User, at: datetime | None = None) -> CaseEvent:
    """The request cannot be done; the reason is shown to the citizen."""
    reason = _required(reason, "reason", _("Say why the request cannot be done."))
    at = at or timezone.now()
    return transition(case, Step.REJECT, by=by, at=at, note=reason, result_note=reason,
                      resolved_at=at, **_first_action(case, at))


@transaction.atomic
def resolve_case(case: Case, *, note: str, by: User, at: datetime | None = None) -> CaseEvent:
    """The work is done; the note tells the citizen what was done."""
    note = _required(note, "note", _("Write what was done; the citizen will read it."))
    at = at or timezone.now()
    return transition(case, Step.RESOLVE, by=by, at=at, note=note, result_note=note,
                      resolved_at=at, **_first_action(case, at))


@transaction.atomic
def close_case(case: Case, *, by: User, note: str = "", satisfied: bool | None = None,
               at: datetime | None = None) -> CaseEvent:
    """Close a finished request: the citizen accepted it, or the quiet period passed."""
    at = at or timezone.now()
    if satisfied is None:
        return transition(case, Step.CLOSE, by=by, at=at, note=normalize_text(note),
                          closed_at=at)
    return transition(case, Step.CLOSE, by=by, at=at, note=normalize_text(note), closed_at=at,
                      satisfied=satisfied, satisfaction_at=at, data={"satisfied": satisfied})


@transaction.atomic
def reopen_case(case: Case, *, by: User, note: str = "", at: datetime | None = None) -> CaseEvent:
    """The citizen objects to the result: back to the same unit, with new deadlines."""
    at = at or timezone.now()
    respond_by, resolve_by = deadlines_for(at, respond_hours=case.subject.respond_hours,
                                           resolve_days=case.subject.resolve_days,
                                           urgent=case.subject.urgent)
    return transition(case, Step.REOPEN, by=by, at=at, note=normalize_text(note),
                      respond_by=respond_by, resolve_by=resolve_by, resolved_at=None,
                      responded_at=None, overdue=False, satisfied=False, satisfaction_at=at,
                      data={"satisfied": False})


@transaction.atomic
def link_duplicate(case: Case, *, original: Case, by: User,
                   at: datetime | None = None) -> CaseEvent:
    """Close a request as a duplicate; its caller follows the original and hears its outcome."""
    while original.duplicate_of_id is not None:
        original = original.duplicate_of  # type: ignore[assignment]
    if original.pk == case.pk:
        raise InvalidInput(_("A request cannot be a duplicate of itself."), field="duplicate_of")
    if not original.is_open:
        raise InvalidInput(_("The original request is already finished."), field="duplicate_of")
    at = at or timezone.now()
    if case.contact_phone or case.contact_email:
        Follower.objects.get_or_create(
            case=original, phone=case.contact_phone,
            defaults={"email": case.contact_email, "source": case, "language": case.language},
        )
    return transition(case, Step.LINK_DUPLICATE, by=by, at=at, duplicate_of=original,
                      closed_at=at, data={"original": original.tracking_code})
