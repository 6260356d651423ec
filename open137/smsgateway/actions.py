"""What an SMS from a citizen does. Answers are queued in the outbox, never sent from here.

- `1` or `2` (in any digits) answers the satisfaction question of the sender's latest
  result (resolved or rejected, first or after an objection) not answered yet: 1 closes
  it as satisfied, 2 reopens it to the same unit.
- Any other text from a sender with a request waiting for their answer to a unit's
  question answers that question.
- A tracking code (any digits, spaces or dashes) is answered with that request's status.
- Any other text is a new request from the SMS channel; its receipt carries the code.
"""

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import override

from open137.cases import actions as cases
from open137.cases.messages import citizen_values
from open137.cases.models import Case, Channel
from open137.cases.queries import find_by_tracking_code, unanswered_result_q
from open137.cases.workflow import Status
from open137.core.errors import DomainError
from open137.core.phones import normalize_phone
from open137.core.text import latin_digits, normalize_text, without_format_marks
from open137.core.tracking import clean_code
from open137.directory.models import Subject
from open137.directory.queries import triage_unit
from open137.intelligence.hints import confident_code
from open137.notifications import actions as outbox
from open137.notifications.texts import MessageKind

log = logging.getLogger(__name__)

_DIGITS_ONLY = re.compile(r"^[\d\s\-.]+$", re.ASCII)


@dataclass(frozen=True)
class Outcome:
    """What the SMS did: satisfied, reopened, answered, status, unknown_code,
    nothing_to_answer, refused, created or empty; and the request it concerned."""

    action: str
    tracking_code: str = ""


def _reply(phone: str, kind: str, values: dict[str, Any], *, case: Case | None = None,
           now: datetime | None = None) -> None:
    # The citizen has just written and waits for the answer: it goes out at once.
    outbox.enqueue_sms(to=phone, kind=kind, values=values, language=settings.LANGUAGE_CODE,
                       case_id=case.pk if case else None, urgent=True,
                       key=f"sms-reply:{uuid.uuid4().hex}", now=now)


@transaction.atomic
def receive_sms(*, phone: str, text: str, now: datetime | None = None) -> Outcome:
    """Act on one SMS from a citizen and queue the answer."""
    phone = normalize_phone(phone)
    # Keyboards add invisible marks (RLM, ZWNJ...) around a lone digit: "1" is still 1.
    compact = latin_digits(without_format_marks(text or "")).strip()
    if compact in {"1", "2"}:
        return _answer(phone, satisfied=compact == "1", now=now)
    if compact and _DIGITS_ONLY.match(compact):
        return _status(phone, compact, now=now)
    description = normalize_text(text or "")
    if not description:
        return Outcome("empty")
    asked = (Case.objects.filter(contact_phone=phone, status=Status.AWAITING_CITIZEN)
             .order_by("-paused_at", "-pk").first())
    if asked is not None:
        cases.answer_question(asked, answer=description, by=None, at=now)
        return Outcome("answered", asked.tracking_code)
    # An SMS has no address field: a street or neighbourhood it names plainly places it.
    case = cases.receive_case(subject=subject_for(description), channel=Channel.SMS, by=None,
                              description=description, contact_phone=phone,
                              language=settings.LANGUAGE_CODE, at=now,
                              place_from_description=True)
    return Outcome("created", case.tracking_code)


def _answer(phone: str, *, satisfied: bool, now: datetime | None) -> Outcome:
    case = (Case.objects.filter(unanswered_result_q(), contact_phone=phone)
            .order_by("-resolved_at", "-pk").first())
    if case is None:
        _reply(phone, MessageKind.NOTHING_TO_ANSWER, {}, now=now)
        return Outcome("nothing_to_answer")
    try:
        # A savepoint: a refused answer must not undo the reply that explains it.
        with transaction.atomic():
            cases.answer_satisfaction(case, satisfied=satisfied, by=None, at=now)
    except DomainError as error:
        _reply(phone, MessageKind.ERROR_REPLY, {"message": str(error)}, case=case, now=now)
        return Outcome("refused", case.tracking_code)
    # The thanks or the reopening message follows from the step itself.
    return Outcome("satisfied" if satisfied else "reopened", case.tracking_code)


def _status(phone: str, typed: str, *, now: datetime | None) -> Outcome:
    case = find_by_tracking_code(typed)
    if case is None:
        _reply(phone, MessageKind.UNKNOWN_CODE, {"code": clean_code(typed)}, now=now)
        return Outcome("unknown_code")
    with override(settings.LANGUAGE_CODE):
        values = citizen_values(case)
    _reply(phone, MessageKind.STATUS_REPLY, values, case=case, now=now)
    return Outcome("status", case.tracking_code)


def subject_for(text: str) -> Subject:
    """The classifier's confident suggestion, or the subject the triage centre handles."""
    return _suggested(text) or triage_subject()


def triage_subject() -> Subject:
    """The active subject whose handler is the triage unit (the city's "other")."""
    code = triage_unit().code
    subjects = Subject.objects.filter(active=True).order_by("position", "code")
    found = (subjects.filter(handler__in=[f"org:{code}", f"central:{code}"]).first()
             or subjects.first())
    if found is None:
        raise LookupError("No active subject: load a city pack first (open137 load_city).")
    return found


def _suggested(text: str) -> Subject | None:
    """The classifier's suggestion when it is confident (a failing model: None, logged)."""
    code = confident_code(text)
    return Subject.objects.filter(code=code, active=True).first() if code else None
