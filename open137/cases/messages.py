"""Who is told what when a request moves: the citizen, its followers, the units and staff.

`transition` and `record_step` in actions.py call `on_event` (and `receive_case` calls
`on_received`) inside their transaction, so the outbox rows are committed exactly with
the step they report. The worker delivers them later; nothing is sent from here.

- The citizen, by SMS to a mobile number (or in the messenger chat, instead, when the
  request came from there) and by email when they gave one: the receipt
  with the tracking code (and the unit when routing referred it at once), a later
  referral, a plan with its reason and expected date, the result with the satisfaction
  question, a refusal, a reopening, thanks for a satisfied answer, a link to another
  request, and a plan whose expected date passed. Returning to the centre tells the citizen
  nothing by itself: the centre's next step (a referral or an answer) does. In the chat the
  result carries "satisfied" / "not satisfied" buttons, and the unit's photos of a result
  or a plan follow it.
- Followers (callers whose reports were linked to this one): the outcomes.
- Units with a webhook endpoint: every step that concerns them (to or from them).
- Unit staff and managers, and the centre's supervisors, by email: deadline reminders,
  overdue requests and plans whose date passed.

A step recorded after the fact (imported history, a back-filled demo) tells nobody.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from open137.cases.answers import RESULT_STEPS, answer_link
from open137.cases.models import Attachment, Case, CaseEvent, Channel, Priority
from open137.cases.workflow import Status, Step
from open137.core.dates import format_date, is_persian
from open137.core.text import isolated_ltr
from open137.directory.models import Staff, Unit
from open137.notifications import actions as outbox
from open137.notifications.texts import MessageKind

# Events older than this when they are written are history, not news.
BACKFILL = timedelta(hours=24)

WEBHOOK_EVENTS: dict[str, str] = {
    Step.TRIAGE: "case.triage",
    Step.REFER: "case.referred",
    Step.ACCEPT: "case.accepted",
    Step.RETURN: "case.returned",
    Step.PLAN: "case.planned",
    Step.REJECT: "case.rejected",
    Step.RESOLVE: "case.resolved",
    Step.CLOSE: "case.closed",
    Step.REOPEN: "case.reopened",
    Step.LINK_DUPLICATE: "case.duplicate",
    Step.REMIND: "case.reminder",
    Step.OVERDUE: "case.overdue",
    Step.PLAN_DUE: "case.plan_due",
    Step.ASK: "case.asked",
    Step.RESUME: "case.resumed",
    Step.EXPIRE: "case.closed_unanswered",
    Step.CONTACT: "case.contact",
}

# What the citizen hears at each step (beyond the receipt, a referral and thanks).
CITIZEN_KINDS: dict[str, str] = {
    Step.PLAN: MessageKind.PLANNED, Step.RESOLVE: MessageKind.RESOLVED,
    Step.REJECT: MessageKind.REJECTED, Step.REOPEN: MessageKind.REOPENED,
    Step.LINK_DUPLICATE: MessageKind.LINKED, Step.PLAN_DUE: MessageKind.PLAN_DUE,
    Step.ASK: MessageKind.QUESTION, Step.EXPIRE: MessageKind.UNANSWERED,
}

# The steps whose outcome a follower hears about.
OUTCOMES = {Step.PLAN, Step.RESOLVE, Step.REJECT}


def _is_news(case: Case, event: CaseEvent) -> bool:
    return case.channel != Channel.IMPORT and event.at >= timezone.now() - BACKFILL


def _when(event: CaseEvent) -> datetime:
    """The moment the messages are queued: now, or the event's time when it is later
    (a job run for a given time, as the tests do)."""
    return max(event.at, timezone.now())


def on_received(case: Case, event: CaseEvent) -> None:
    """The receipt, once routing has placed the new request."""
    if not _is_news(case, event):
        return
    referred = case.status == Status.REFERRED and case.unit is not None
    kind = MessageKind.RECEIPT_REFERRAL if referred else MessageKind.RECEIPT
    # An SMS that created the request is answered at once, quiet hours or not: the citizen
    # has just written and is waiting for the code.
    _tell_citizen(case, event, kind, urgent=_urgent(case) or case.channel == Channel.SMS)


def on_event(case: Case, event: CaseEvent) -> None:
    """Queue every message this step calls for."""
    if not _is_news(case, event):
        return
    _webhooks(case, event)
    step = event.step
    kind = _citizen_kind(case, event)
    if kind is not None:
        # Thanks and a reopening answer the citizen's own answer, and a question waits for
        # the citizen: they go out at once.
        _tell_citizen(case, event, kind, urgent=_urgent(case) or kind in {
            MessageKind.THANKS, MessageKind.REOPENED, MessageKind.QUESTION})
    if step in OUTCOMES:
        _tell_followers(case, event)
    if step == Step.REMIND:
        _tell_staff(case, event, MessageKind.REMINDER, _unit_staff(case.unit))
    elif step == Step.OVERDUE:
        # The unit's managers by email; the supervisors as they asked (an escalation).
        _tell_staff(case, event, MessageKind.OVERDUE, _managers(case.unit))
        _alert_supervisors(case, event, MessageKind.OVERDUE)
    elif step == Step.PLAN_DUE:
        _tell_staff(case, event, MessageKind.PLAN_DUE_UNIT, _unit_staff(case.unit))


def _citizen_kind(case: Case, event: CaseEvent) -> str | None:
    step = event.step
    if step == Step.REFER:
        # The referral made by routing at receipt is already in the receipt.
        return None if event.from_status == Status.RECEIVED else MessageKind.REFERRAL
    if step == Step.CLOSE:
        return MessageKind.THANKS if event.data.get("satisfied") is True else None
    return CITIZEN_KINDS.get(step)


def _urgent(case: Case) -> bool:
    return case.priority == Priority.URGENT or case.subject.urgent


def _unit_name(unit: Unit | None) -> str:
    return unit.name if unit is not None else ""


def _code(code: str) -> str:
    return isolated_ltr(code) if code and is_persian() else code


def citizen_values(case: Case, event: CaseEvent | None = None) -> dict[str, Any]:
    """The placeholders of a citizen's message, in the active language."""
    values: dict[str, Any] = {
        # Latin digits: the code is copied, typed on keypads and sent back by SMS. In a
        # Persian text it is isolated left to right, so that no phone reorders it.
        "code": _code(case.tracking_code),
        "unit": _unit_name(case.unit),
        # Labels are made text here, in the citizen's language: the message is rendered
        # later, wherever the active language is the staff member's.
        "status": str(Status(case.status).label),
        "note": case.result_note,
        "reason": case.result_note,
        "date": format_date(case.planned_date),
        "original": _code(event.data.get("original", "") if event is not None else ""),
    }
    if event is not None and event.step == Step.PLAN:
        values["reason"] = case.plan_reason_name
        values["note"] = event.note
    if event is not None and event.step == Step.ASK:
        values["question"] = event.note
    if event is not None and event.step in RESULT_STEPS:
        # The one-time link that lets the citizen answer this result on the web.
        values["link"] = answer_link(case, event)
    return values


def _tell_citizen(case: Case, event: CaseEvent, kind: str, *, urgent: bool) -> None:
    language = case.language or settings.LANGUAGE_CODE
    with override(language):
        values = citizen_values(case, event)
        buttons = satisfaction_buttons(case.pk, event.pk) if kind == MessageKind.RESOLVED else None
    key = f"case-{case.pk}:event-{event.pk}:{kind}"
    now = _when(event)
    if case.contact_chat:
        # The chat replaces the SMS: the citizen is there, and it costs nothing.
        outbox.enqueue_chat(to=case.contact_chat, kind=kind, values=values, language=language,
                            case_id=case.pk, key=f"{key}:chat", now=now, buttons=buttons,
                            wording=MessageKind.RESOLVED_CHAT if buttons else None)
    elif case.contact_phone:
        outbox.enqueue_sms(to=case.contact_phone, kind=kind, values=values, language=language,
                           case_id=case.pk, urgent=urgent, key=f"{key}:sms", now=now)
    if case.contact_email:
        outbox.enqueue_email(to=case.contact_email, kind=kind, values=values,
                             language=language, case_id=case.pk, key=f"{key}:email",
                             link=values.get("link") or tracking_link(case), now=now)


def _tell_followers(case: Case, event: CaseEvent) -> None:
    now = _when(event)
    for follower in case.followers.all():
        language = follower.language or settings.LANGUAGE_CODE
        with override(language):
            values = citizen_values(case, event)
            if event.step == Step.PLAN:
                values["note"] = _("%(reason)s; expected date: %(date)s") % values
        key = f"case-{case.pk}:event-{event.pk}:followed-{follower.pk}"
        if follower.chat:
            outbox.enqueue_chat(to=follower.chat, kind=MessageKind.FOLLOWED, values=values,
                                language=language, case_id=case.pk, key=f"{key}:chat",
                                now=now)
        elif follower.phone:
            outbox.enqueue_sms(to=follower.phone, kind=MessageKind.FOLLOWED, values=values,
                               language=language, case_id=case.pk, urgent=_urgent(case),
                               key=f"{key}:sms", now=now)
        if follower.email:
            outbox.enqueue_email(to=follower.email, kind=MessageKind.FOLLOWED, values=values,
                                 language=language, case_id=case.pk, key=f"{key}:email",
                                 link=tracking_link(case), now=now)


# The data of a satisfaction button: "sat:<request id>:<result event id>:<1 or 0>". The
# result's event makes a button answer that result only: after a reopening and a new
# result, an old message's button no longer counts.
SATISFACTION_PREFIX = "sat"


def satisfaction_data(case_id: int, event_id: int, satisfied: bool) -> str:
    return f"{SATISFACTION_PREFIX}:{case_id}:{event_id}:{int(satisfied)}"


def parse_satisfaction_data(data: str) -> tuple[int, int, bool] | None:
    """(request id, result event id, satisfied) from a button's data, or None."""
    parts = (data or "").split(":")
    if len(parts) != 4 or parts[0] != SATISFACTION_PREFIX or parts[3] not in {"0", "1"}:
        return None
    if not (parts[1].isascii() and parts[1].isdigit() and parts[2].isascii()
            and parts[2].isdigit()):
        return None
    return int(parts[1]), int(parts[2]), parts[3] == "1"


def satisfaction_buttons(case_id: int, event_id: int) -> list[list[dict[str, str]]]:
    """The inline buttons under a result in the chat, in the active language."""
    return [[
        {"text": _("😊 Satisfied"), "callback_data": satisfaction_data(case_id, event_id, True)},
        {"text": _("😞 Not satisfied"),
         "callback_data": satisfaction_data(case_id, event_id, False)},
    ]]


# Steps whose photos (the unit's after-photos) follow their message into the chat.
PHOTO_STEPS = {Step.RESOLVE, Step.REJECT, Step.PLAN}


def on_attachment(case: Case, attachment: Attachment) -> None:
    """A unit's photo of a result or a plan goes to the chat the request came from."""
    event = attachment.event
    if (not case.contact_chat or event is None or not event.public
            or event.step not in PHOTO_STEPS or not attachment.file or not _is_news(case, event)):
        return
    language = case.language or settings.LANGUAGE_CODE
    with override(language):
        caption = _("Photo of request %(code)s") % {"code": case.tracking_code}
    outbox.enqueue_chat_photo(to=case.contact_chat, file=attachment.file.name or "",
                              caption=caption,
                              language=language, case_id=case.pk,
                              key=f"case-{case.pk}:attachment-{attachment.pk}:chat",
                              now=_when(event))


def _unit_staff(unit: Unit | None) -> list[Staff]:
    if unit is None:
        return []
    return list(Staff.objects.filter(
        unit=unit, role__in=[Staff.Role.UNIT_STAFF, Staff.Role.UNIT_MANAGER],
        user__is_active=True).exclude(user__email="").select_related("user"))


def _managers(unit: Unit | None) -> list[Staff]:
    if unit is None:
        return []
    return list(Staff.objects.filter(unit=unit, role=Staff.Role.UNIT_MANAGER,
                                     user__is_active=True)
                .exclude(user__email="").select_related("user"))


def supervisors() -> list[Staff]:
    """The centre's supervisors, who hear of escalations and surges."""
    return list(Staff.objects.filter(role=Staff.Role.SUPERVISOR, user__is_active=True)
                .select_related("user"))


DEADLINE_NAMES = {"respond": lambda: _("the first action"), "resolve": lambda: _("the result")}


def _staff_values(case: Case, event: CaseEvent) -> dict[str, Any]:
    with override(settings.LANGUAGE_CODE):
        due = event.data.get("due")
        return {
            "code": case.tracking_code, "subject": case.subject.name,
            "unit": _unit_name(case.unit),
            "deadline": DEADLINE_NAMES.get(event.data.get("deadline", ""), lambda: "")(),
            "due": format_date(datetime.fromisoformat(due), with_time=True) if due else "",
            "date": format_date(case.planned_date),
            "link": f"{settings.SITE_ROOT}/desk/requests/{case.pk}/",
        }


def _alert_supervisors(case: Case, event: CaseEvent, kind: str) -> None:
    outbox.alert_staff(staff=supervisors(), kind=kind, values=_staff_values(case, event),
                       key=f"case-{case.pk}:event-{event.pk}:{kind}",
                       language=settings.LANGUAGE_CODE, case_id=case.pk, now=_when(event))


def _tell_staff(case: Case, event: CaseEvent, kind: str, staff: list[Staff]) -> None:
    language = settings.LANGUAGE_CODE
    values = _staff_values(case, event)
    for member in staff:
        outbox.enqueue_email(
            to=member.user.email, kind=kind, values=values, language=language,
            case_id=case.pk, key=f"case-{case.pk}:event-{event.pk}:{kind}:user-{member.user_id}",
            now=_when(event))


def tracking_link(case: Case) -> str:
    return f"{settings.SITE_ROOT}/track/{case.tracking_code}"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def webhook_payload(case: Case, event: CaseEvent, name: str) -> dict[str, Any]:
    """The JSON an organisation's system receives: the event and the request as it is now."""
    unit = case.unit
    return {
        "event": name,
        "event_id": event.pk,
        "occurred_at": _iso(event.at),
        "step": {
            "name": event.step, "from_status": event.from_status, "to_status": event.to_status,
            "from_unit_code": event.from_unit.code if event.from_unit else None,
            "to_unit_code": event.to_unit.code if event.to_unit else None,
            "note": event.note, "reason": event.reason,
            "data": event.data,
        },
        "request": {
            "id": str(case.pk),
            "tracking_code": case.tracking_code,
            "status": case.status,
            "service_code": case.subject.code,
            "service_name": case.subject.name_fa,
            "kind": case.kind.code,
            "channel": case.channel,
            "priority": case.priority,
            "description": case.description,
            "lat": case.lat,
            "long": case.lon,
            "address": case.address,
            "district_code": case.district.code if case.district else None,
            "unit_code": unit.code if unit else None,
            "requested_datetime": _iso(case.created_at),
            "respond_by": _iso(case.respond_by),
            "resolve_by": _iso(case.resolve_by),
            "overdue": case.overdue,
            "planned_reason": case.planned_reason or None,
            "planned_date": _iso(case.planned_date),
            "result_note": case.result_note,
            "attributes": case.attributes,
            "contact": {"name": case.contact_name, "phone": case.contact_phone,
                        "email": case.contact_email},
            "api_url": f"{settings.SITE_ROOT}/api/v1/requests/{case.pk}/",
        },
    }


def _webhooks(case: Case, event: CaseEvent) -> None:
    name = WEBHOOK_EVENTS.get(event.step)
    if name is None:
        return
    units = {u for u in (event.from_unit_id, event.to_unit_id, case.unit_id) if u is not None}
    if units:
        outbox.enqueue_webhooks(unit_ids=units, event=name,
                                payload=lambda: webhook_payload(case, event, name),
                                key=f"case-{case.pk}:event-{event.pk}", case_id=case.pk,
                                now=_when(event))
