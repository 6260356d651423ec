"""The citizen's proof for answering a result on the web: a link sent with the result.

The tracking code alone cannot be proof: it is read over the phone, written on paper and
shown to the operator. The result's message (by SMS or email) carries a link with a key
made from the request and that result, which nobody can work out without the site's
secret. It answers that result once: after the answer the request no longer waits for one,
and a later result has a new key. A request whose result reached the citizen no other way
(no mobile and no email; a messenger chat has its own buttons) is answered with the code,
which is kept private and whose page is rate-limited.
"""

import base64

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from open137.cases.models import Case, CaseEvent
from open137.cases.workflow import Step
from open137.core.phones import is_mobile

RESULT_STEPS = (Step.RESOLVE, Step.REJECT)
KEY_LENGTH = 12  # base32: 60 bits


def answer_key(case_id: int, event_id: int) -> str:
    """The key of one result of one request."""
    digest = salted_hmac("open137.cases.answers", f"{case_id}:{event_id}").digest()
    return base64.b32encode(digest[:10]).decode().lower()[:KEY_LENGTH]


def answer_link(case: Case, event: CaseEvent) -> str:
    """The address that answers this result: the tracking page with the result's key."""
    return f"{settings.SITE_ROOT}/track/{case.tracking_code}?k={answer_key(case.pk, event.pk)}"


def latest_result(case: Case) -> CaseEvent | None:
    return case.events.filter(step__in=RESULT_STEPS).order_by("-at", "-pk").first()


def is_answer_key(case: Case, key: str) -> bool:
    """True when `key` is the key of the request's latest result."""
    key = (key or "").strip().lower()
    result = latest_result(case) if key else None
    return result is not None and constant_time_compare(key, answer_key(case.pk, result.pk))


def needs_answer_key(case: Case) -> bool:
    """True when the result's message carried the link: by SMS to a mobile (a chat, when
    there is one, replaces the SMS) or by email."""
    sms = bool(case.contact_phone) and is_mobile(case.contact_phone) and not case.contact_chat
    return sms or bool(case.contact_email)
