"""Every write to a request. Views, the APIs, commands and tests all come through here."""

import logging
import math
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from open137.cases import messages
from open137.cases.models import (
    OTHER_REASON,
    Attachment,
    Case,
    CaseEvent,
    Channel,
    Follower,
    Priority,
    plan_reasons,
)
from open137.cases.workflow import (
    FACTS,
    NOTE_STEPS,
    PAUSED,
    Status,
    Step,
    facts_after,
    target,
)
from open137.core import tracking
from open137.core.errors import DomainError, IllegalTransition, InvalidInput
from open137.core.phones import normalize_phone
from open137.core.text import normalize_text
from open137.deadlines.calendar import WorkingCalendar, deadlines
from open137.deadlines.queries import working_calendar
from open137.directory.models import City, District, Kind, Subject, Unit
from open137.directory.queries import RoutingContext, route, routing_context, triage_unit
from open137.places.search import Found, place_address, place_in_text

log = logging.getLogger(__name__)
User = AbstractBaseUser | AnonymousUser | None
MAX_DESCRIPTION = 4000
_UNCHANGED: Any = object()
CHANNELS = frozenset(Channel.values)
T = TypeVar("T")


def acting_user(by: User) -> Any:
    """The signed-in user who acts, or None: the system (or an anonymous visitor)."""
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def transition(case: Case, step: Step, *, by: User, at: datetime | None = None,
               unit: Unit | None = _UNCHANGED, note: str = "", reason: str = "",
               public: bool = True, data: dict[str, Any] | None = None,
               **fields: Any) -> CaseEvent:
    """Lock the request, check the table, save the change and append its event."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    to = target(step, locked.status)
    from_status, from_unit = locked.status, locked.unit
    at = at or timezone.now()
    for name, value in facts_after(step, from_status, at, _facts(locked)).items():
        setattr(locked, name, value)
    if from_status in PAUSED:
        locked.paused_at = None
    locked.status = to
    if unit is not _UNCHANGED:
        locked.unit = unit
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    event = CaseEvent.objects.create(
        case=locked, step=step, at=at, actor=acting_user(by),
        from_status=from_status, to_status=to, from_unit=from_unit, to_unit=locked.unit,
        note=note, reason=reason, public=public, data=data or {},
    )
    messages.on_event(locked, event)
    # The caller's object follows the saved row, so a chain of actions sees each step.
    for f in Case._meta.concrete_fields:
        setattr(case, f.attname, getattr(locked, f.attname))
    return event


def _facts(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in (*FACTS, "paused_at")}


def check_intake(*, subject: Subject, channel: str, lat: float | None, lon: float | None,
                 description: str, contact_phone: str,
                 clean: Callable[[str], str] = normalize_text) -> tuple[str, str]:
    """The checks every new request passes, live or imported: (description, phone) cleaned,
    or InvalidInput. `clean` is normalize_text, or a remembering one for an import."""
    if not subject.active:
        raise InvalidInput(_("This subject is no longer in use."), field="subject")
    if channel not in CHANNELS:
        raise InvalidInput(_("Unknown channel."), field="channel")
    _check_point(lat, lon)
    description = clean(description)
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(_("The description may be at most %(n)s characters.")
                           % {"n": MAX_DESCRIPTION}, field="description")
    try:
        phone = normalize_phone(contact_phone) if contact_phone.strip() else ""
    except InvalidInput as e:
        raise InvalidInput(str(e), field="contact_phone") from e
    return description, phone


def due_dates(subject: Subject, at: datetime, *,
              calendar: WorkingCalendar | None = None) -> tuple[datetime, datetime]:
    """(respond_by, resolve_by) for a request of this subject referred at `at`, by the
    city's working calendar (or `calendar`, read once by the caller)."""
    return deadlines(at, respond_hours=subject.respond_hours,
                     resolve_days=subject.resolve_days, urgent=subject.urgent,
                     calendar=calendar or working_calendar())


def _check_point(lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="lat")
    if lat is None or lon is None:
        return
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise InvalidInput(_("Latitude must be a number between -90 and 90."), field="lat")
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise InvalidInput(_("Longitude must be a number between -180 and 180."), field="lon")


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


def receive_case(
    *, subject: Subject, channel: str, by: User, kind: Kind | None = None,
    description: str = "", lat: float | None = None, lon: float | None = None,
    address: str = "", district: District | None = None, contact_name: str = "",
    contact_phone: str = "", contact_email: str = "", language: str = "fa",
    at: datetime | None = None, external_id: str = "",
    attributes: dict[str, Any] | None = None, context: RoutingContext | None = None,
    contact_chat: str = "", phone_verified: bool = False,
    place_from_description: bool = False,
) -> Case:
    """Record a new request, give it a tracking code and route it at once.

    The request is written already placed: routing and deadlines are worked out first, so
    the request, its receipt and routing events, and its messages are a few inserts.
    `context` is the configuration the caller has just read (routing_context()), if any.
    `contact_chat` is the messenger chat that answers go to; `phone_verified` says the
    platform vouched that the phone is the sender's own (kept in the receipt's history).
    A request with an address but no point (nor district) is placed from the gazetteer
    when it is sure of the address; with `place_from_description` (a free text, an SMS),
    from a place the description names plainly.
    """
    description, phone = check_intake(subject=subject, channel=channel, lat=lat, lon=lon,
                                      description=description, contact_phone=contact_phone)
    ctx = context or routing_context()
    kind = kind or ctx.first_kind
    if kind is None:
        raise InvalidInput(_("Load a city pack first."), field="kind")
    address = normalize_text(address)
    placed: dict[str, Any] | None = None
    if lat is None and district is None and (address or place_from_description):
        found = find_place(address, description if place_from_description else "", ctx)
        if found is not None:
            lat, lon = found.lat, found.lon
            placed = placed_from(found, source="address" if address else "description")
            address = address or found.address[:500]
    case = Case(
        subject=subject, kind=kind, channel=channel, description=description, lat=lat,
        lon=lon, address=address, district=district,
        contact_name=normalize_text(contact_name), contact_phone=phone,
        contact_email=contact_email.strip(), contact_chat=str(contact_chat or "").strip()[:32],
        language=language, created_at=at or timezone.now(), created_by=acting_user(by),
        external_id=external_id, priority=Priority.URGENT if subject.urgent else Priority.NORMAL,
        attributes=attributes or {},
    )
    receipt: dict[str, Any] = {"phone_verified": True} if phone_verified and phone else {}
    if placed is not None:
        receipt["placed"] = placed
    return in_transaction(lambda: _record_received(case, by=by, ctx=ctx, receipt=receipt))


def find_place(address: str, text: str, ctx: RoutingContext) -> Found | None:
    """The gazetteer's place for an address (or a free text) when it is sure; a failing
    gazetteer never loses the request, which is then routed as if nothing was found."""
    try:
        if address:
            return place_address(address, context=ctx)
        return place_in_text(text, context=ctx)
    except Exception:
        log.exception("Placing a request from its address failed; it is routed without")
        return None


def placed_from(found: Found, *, source: str) -> dict[str, Any]:
    """What the history keeps of a place found from an address: enough to say where and
    how sure."""
    return {"source": source, "name": found.name, "kind": found.kind,
            "score": found.score, "lat": found.lat, "lon": found.lon,
            "district": found.district_code}


def in_transaction(write: Callable[[], T]) -> T:
    """Run `write` in a transaction, once more if a random unique value (a tracking code, a
    token) was drawn by someone else in the same instant.

    Inside the caller's transaction (the desk, the portal and SMS each wrap a request with
    its photos or its incident in one) each attempt is a savepoint, so a failed insert is
    rolled back alone and the retry still runs. Inside another in_transaction the outer one
    retries the whole, so this one adds nothing.
    """
    if _retrying.get():
        return write()
    token = _retrying.set(True)
    try:
        for attempt in range(3):
            try:
                with transaction.atomic():
                    return write()
            except IntegrityError:
                if attempt == 2:
                    raise
    finally:
        _retrying.reset(token)
    raise AssertionError("unreachable")


_retrying: ContextVar[bool] = ContextVar("retrying", default=False)


def _record_received(case: Case, *, by: User, ctx: RoutingContext,
                     receipt: dict[str, Any] | None = None) -> Case:
    at = case.created_at
    decision = route(case.subject, lat=case.lat, lon=case.lon,
                     district_code=case.district.code if case.district else None, context=ctx)
    if decision.district_code:
        case.district = (ctx.district_rows.get(decision.district_code)
                         or District.objects.get(code=decision.district_code))
    unit = ctx.unit_rows.get(decision.unit_code) if decision.unit_code else None
    if decision.unit_code is None:
        unit = (ctx.unit_rows.get(ctx.triage_unit) if ctx.triage_unit else None) or triage_unit()
        step, public = Step.TRIAGE, False
    else:
        unit = unit or Unit.objects.get(code=decision.unit_code)
        step, public = Step.REFER, True
        case.referred_at = at
        case.respond_by, case.resolve_by = due_dates(
            case.subject, at, calendar=working_calendar(ctx.version))
    case.unit, case.status = unit, target(step, Status.RECEIVED)
    for name, value in facts_after(step, Status.RECEIVED, at, _facts(case)).items():
        setattr(case, name, value)
    case.tracking_code = _new_tracking_code()
    case.save(force_insert=True)
    actor = acting_user(by)
    received, routed = CaseEvent.objects.bulk_create([
        CaseEvent(case=case, step=Step.RECEIVE, at=at, actor=actor,
                  to_status=Status.RECEIVED, data={"channel": case.channel, **(receipt or {})}),
        CaseEvent(case=case, step=step, at=at, actor=None, from_status=Status.RECEIVED,
                  to_status=case.status, to_unit=unit, public=public,
                  data={"reason": decision.reason}),
    ])
    messages.on_event(case, routed)
    messages.on_received(case, received)
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
    return transition(case, Step.REFER, by=by, at=at, unit=unit, note=note, referred_at=at,
                      **_deadlines_start(case.subject, at), **fields)


def _deadlines_start(subject: Subject, at: datetime) -> dict[str, Any]:
    """The unit's clock starts again at `at`: new deadlines, nothing done yet."""
    respond_by, resolve_by = due_dates(subject, at)
    return {"respond_by": respond_by, "resolve_by": resolve_by, "responded_at": None,
            "resolved_at": None, "overdue": False}


@transaction.atomic
def refer_case(case: Case, *, unit: Unit, by: User, note: str = "",
               at: datetime | None = None, lat: float | None = None,
               lon: float | None = None, address: str = "") -> CaseEvent:
    """Refer (or re-refer) a request to a unit; its deadlines start again.

    A point (a place the supervisor found by its address) is given to a request that has
    none, with the address when it has none either.
    """
    if not unit.active or unit.is_triage:
        raise InvalidInput(_("Choose an active unit that acts on requests."), field="unit")
    if case.unit_id == unit.pk and case.status == Status.REFERRED:
        raise InvalidInput(_("The request is already referred to this unit."), field="unit")
    _check_point(lat, lon)
    place: dict[str, Any] = {}
    data: dict[str, Any] = {}
    if lat is not None and lon is not None and case.lat is None:
        place = {"lat": lat, "lon": lon}
        address = normalize_text(address)[:500]
        if address and not case.address:
            place["address"] = address
        data["placed"] = {"source": "referral", "name": address, "lat": lat, "lon": lon}
        code = routing_context().index.locate(lon, lat)
        place["district"] = District.objects.filter(code=code).first() if code else None
    # A district's unit acts in its own district: the request is (now) of that district.
    # An organisation works city-wide, so the request keeps the district of its place.
    if unit.district_id is not None:
        place["district"] = unit.district
    return _refer(case, unit, by=by, at=at, note=normalize_text(note), data=data, **place)


def _first_action(case: Case, at: datetime) -> dict[str, Any]:
    return {} if case.responded_at else {"responded_at": at}


def _required(text: str, field: str, message: str,
              clean: Callable[[str], str] = normalize_text) -> str:
    text = clean(text)
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
    if reason not in dict(plan_reasons()):
        raise InvalidInput(_("Choose why the work must wait from the list."), field="reason")
    note = normalize_text(note)
    if reason == OTHER_REASON and not note:
        raise InvalidInput(_("Say in the note why the work must wait."), field="note")
    at = at or timezone.now()
    if not isinstance(expected_date, date) or expected_date <= timezone.localdate(at):
        raise InvalidInput(_("The expected date must be after today."), field="expected_date")
    return transition(case, Step.PLAN, by=by, at=at, note=note, reason=reason,
                      planned_reason=reason, planned_date=expected_date,
                      data={"expected_date": expected_date.isoformat()},
                      **_first_action(case, at))


def result_text(step: Step, text: str, *,
                clean: Callable[[str], str] = normalize_text) -> str:
    """A result's text (what was done, or why it cannot be done), which the citizen reads:
    cleaned, and required; for live and imported results alike."""
    if step == Step.RESOLVE:
        return _required(text, "note", _("Write what was done; the citizen will read it."),
                         clean=clean)
    return _required(text, "reason", _("Say why the request cannot be done."), clean=clean)


def _give_result(case: Case, step: Step, text: str, *, by: User,
                 at: datetime | None) -> CaseEvent:
    text = result_text(step, text)
    at = at or timezone.now()
    return transition(case, step, by=by, at=at, note=text, result_note=text, resolved_at=at,
                      **_first_action(case, at))


@transaction.atomic
def reject_case(case: Case, *, reason: str, by: User, at: datetime | None = None) -> CaseEvent:
    """The request cannot be done; the reason is shown to the citizen."""
    return _give_result(case, Step.REJECT, reason, by=by, at=at)


@transaction.atomic
def resolve_case(case: Case, *, note: str, by: User, at: datetime | None = None) -> CaseEvent:
    """The work is done; the note tells the citizen what was done."""
    return _give_result(case, Step.RESOLVE, note, by=by, at=at)


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
    return transition(case, Step.REOPEN, by=by, at=at, note=normalize_text(note),
                      **_deadlines_start(case.subject, at), satisfied=False,
                      satisfaction_at=at, data={"satisfied": False})


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
    if case.contact_phone or case.contact_email or case.contact_chat:
        # One follower per phone, or per messenger chat for a caller who gave no phone, or
        # per email for a caller who gave neither.
        if case.contact_phone:
            same: dict[str, str] = {"phone": case.contact_phone}
        elif case.contact_chat:
            same = {"phone": "", "chat": case.contact_chat}
        else:
            same = {"phone": "", "chat": "", "email": case.contact_email}
        Follower.objects.get_or_create(
            case=original, **same,
            defaults={"email": case.contact_email, "chat": case.contact_chat, "source": case,
                      "language": case.language},
        )
    return transition(case, Step.LINK_DUPLICATE, by=by, at=at, duplicate_of=original,
                      closed_at=at, data={"original": original.tracking_code})


def awaits_answer(case: Case, now: datetime | None = None) -> bool:
    """The request's latest result (or refusal) asks the citizen "satisfied?" and has not
    been answered yet, and the window to answer is still open.

    Every result asks, the first or one given after an objection: an answer given to an
    earlier result (the objection that reopened it) does not answer this one.
    """
    if case.status not in {Status.RESOLVED, Status.REJECTED}:
        return False
    if (case.satisfaction_at is not None and case.resolved_at is not None
            and case.satisfaction_at >= case.resolved_at):
        return False
    now = now or timezone.now()
    window = timedelta(days=settings.SATISFACTION_WINDOW_DAYS)
    return case.resolved_at is None or now <= case.resolved_at + window


@transaction.atomic
def answer_satisfaction(case: Case, *, satisfied: bool, by: User = None, note: str = "",
                        at: datetime | None = None) -> CaseEvent:
    """The citizen's answer to the latest result: satisfied closes it, not satisfied reopens
    it. The request's satisfaction is the latest answer; each stays in the history."""
    at = at or timezone.now()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in {Status.RESOLVED, Status.REJECTED} or (
            locked.satisfaction_at is not None and locked.resolved_at is not None
            and locked.satisfaction_at >= locked.resolved_at):
        raise IllegalTransition(_("Request %(code)s is not waiting for your answer.")
                                % {"code": locked.tracking_code})
    if not awaits_answer(locked, at):
        raise DomainError(_("The %(days)s days to answer about request %(code)s have passed.")
                          % {"days": settings.SATISFACTION_WINDOW_DAYS,
                             "code": locked.tracking_code})
    if satisfied:
        return close_case(case, by=by, note=note, satisfied=True, at=at)
    return reopen_case(case, by=by, note=note, at=at)


@transaction.atomic
def ask_citizen(case: Case, *, question: str, by: User,
                at: datetime | None = None) -> CaseEvent:
    """The unit asks the citizen a question; its clock stops until the answer comes."""
    target(Step.ASK, case.status)
    question = _required(question, "question", _("Write the question for the citizen."))
    if not (case.contact_phone or case.contact_email):
        raise InvalidInput(_("The citizen left no phone number or email to ask."),
                           field="question")
    at = at or timezone.now()
    return transition(case, Step.ASK, by=by, at=at, note=question, paused_at=at,
                      data={"question": question}, **_first_action(case, at))


@transaction.atomic
def answer_question(case: Case, *, answer: str, by: User = None,
                    at: datetime | None = None) -> CaseEvent:
    """The citizen's answer to the unit's question: the unit's clock runs again."""
    answer = _required(answer, "answer", _("Write your answer."))
    return _resume(case, by=by, at=at, note=answer, data={"answer": answer})


def _resume(case: Case, *, by: User, at: datetime | None, note: str,
            data: dict[str, Any]) -> CaseEvent:
    at = at or timezone.now()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    target(Step.RESUME, locked.status)  # refuse before working out the new deadlines
    # The time waited is added to the deadlines still running: the unit gets it back.
    waited = max(at - (locked.paused_at or at), timedelta(0))
    moved = {name: getattr(locked, name) + waited for name in ("respond_by", "resolve_by")
             if getattr(locked, name) is not None
             and not (name == "respond_by" and locked.responded_at is not None)}
    # The answer may carry personal details: staff read it, the public history does not.
    return transition(case, Step.RESUME, by=by, at=at, note=note, data=data, public=False,
                      **moved)


@transaction.atomic
def end_question_wait(case: Case, *, at: datetime | None = None) -> CaseEvent | None:
    """The citizen did not answer in time: the unit goes on, or the request is closed, as
    the city pack says. None if the question was answered meanwhile."""
    at = at or timezone.now()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != Status.AWAITING_CITIZEN:
        return None
    city = City.objects.only("on_no_answer").first()
    if city is not None and city.on_no_answer == City.NoAnswer.CLOSE:
        note = _("The citizen did not answer the question in time.")
        return transition(case, Step.EXPIRE, by=None, at=at, note=note, result_note=note,
                          resolved_at=at, closed_at=at, data={"unanswered": True})
    return _resume(case, by=None, at=at, note="", data={"unanswered": True})


@transaction.atomic
def record_contact(case: Case, *, note: str, by: User, channel: str = Channel.PHONE,
                   at: datetime | None = None) -> CaseEvent:
    """The citizen called or wrote again about this open request: counted on it, not
    recorded as a new request."""
    if not case.is_open:
        raise InvalidInput(_("The request is finished; record a new request instead."),
                           field="note")
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    note = normalize_text(note)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    count = facts_after(Step.CONTACT, locked.status, at or timezone.now(),
                        _facts(locked))["contact_count"]
    event = record_step(case, Step.CONTACT, by=by, at=at, note=note, contact_count=count,
                        data={"channel": channel})
    assert event is not None  # only a step recorded `once` can be skipped
    return event


# Statuses in which a unit's deadlines run; a plan has its own expected date instead.
DEADLINES_RUN = frozenset({Status.REFERRED, Status.IN_PROGRESS, Status.REOPENED})


def running_deadline(case: Case, deadline: str) -> datetime | None:
    """The request's `respond` or `resolve` deadline while it is still running, else None."""
    if case.status not in DEADLINES_RUN or case.unit_id is None:
        return None
    if deadline == "respond":
        return case.respond_by if case.responded_at is None else None
    return case.resolve_by


@transaction.atomic
def record_step(case: Case, step: Step, *, by: User, at: datetime | None = None,
                note: str = "", data: dict[str, Any] | None = None, once: bool = False,
                **fields: Any) -> CaseEvent | None:
    """Append a step that changes no status; with `once`, only if no such step has `data`."""
    if step not in NOTE_STEPS:
        raise ValueError(f"{step} changes the status; it goes through transition().")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    data = data or {}
    if once and CaseEvent.objects.filter(
            case=locked, step=step, **{f"data__{k}": v for k, v in data.items()}).exists():
        return None
    for name, value in fields.items():
        setattr(locked, name, value)
    if fields:
        locked.save(update_fields=[*fields, "updated_at"])
    event = CaseEvent.objects.create(
        case=locked, step=step, at=at or timezone.now(), actor=acting_user(by),
        from_status=locked.status, to_status=locked.status, from_unit=locked.unit,
        to_unit=locked.unit, note=note, public=False, data=data,
    )
    messages.on_event(locked, event)
    for name in fields:
        setattr(case, name, getattr(locked, name))
    return event


@transaction.atomic
def remind_case(case: Case, *, deadline: str, due: datetime,
                at: datetime | None = None) -> CaseEvent | None:
    """Remind the unit, once, that a deadline is near; None if done or no longer running."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if running_deadline(locked, deadline) != due:
        return None
    return record_step(case, Step.REMIND, by=None, at=at, once=True,
                       data={"deadline": deadline, "due": due.isoformat()})


@transaction.atomic
def mark_overdue(case: Case, *, deadline: str, due: datetime,
                 at: datetime | None = None) -> CaseEvent | None:
    """Flag a request whose deadline passed, once per deadline; managers and supervisors hear."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if running_deadline(locked, deadline) != due:
        return None
    return record_step(case, Step.OVERDUE, by=None, at=at, once=True, overdue=True,
                       data={"deadline": deadline, "due": due.isoformat()})


@transaction.atomic
def flag_plan_due(case: Case, *, at: datetime | None = None) -> CaseEvent | None:
    """A plan's expected date has passed: flag it once; the citizen and the unit are told."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != Status.PLANNED or locked.planned_date is None:
        return None
    return record_step(case, Step.PLAN_DUE, by=None, at=at, once=True, overdue=True,
                       data={"expected_date": locked.planned_date.isoformat()})


@transaction.atomic
def anonymise_case(case: Case, *, by: User = None,
                   at: datetime | None = None) -> CaseEvent | None:
    """Strip a closed request's contact details and its followers'; None if nothing is left."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != Status.CLOSED:
        raise DomainError(_("Only closed requests can be anonymised."))
    followers = Follower.objects.filter(case=locked).exclude(phone="", email="", chat="")
    if not (locked.contact_name or locked.contact_phone or locked.contact_email
            or locked.contact_chat or followers.exists()):
        return None
    followers.update(phone="", email="", chat="")
    return record_step(case, Step.ANONYMISE, by=by, at=at, contact_name="", contact_phone="",
                       contact_email="", contact_chat="")


@transaction.atomic
def add_attachment(case: Case, *, file: File | None = None, url: str = "", by: User,
                   event: CaseEvent | None = None) -> Attachment:
    """Attach a photo (an uploaded file or an address) to a request or to one of its steps."""
    url = (url or "").strip()
    if (file is None) == (not url):
        raise InvalidInput(_("Give either a file or an address for the photo."), field="file")
    if event is not None and event.case_id != case.pk:
        raise InvalidInput(_("The step belongs to another request."), field="event")
    attachment = Attachment.objects.create(
        case=case, event=event, file=file or "", url=url, added_by=acting_user(by),
        content_type=(getattr(file, "content_type", "") or "")[:100] if file else "",
    )
    messages.on_attachment(case, attachment)
    return attachment
