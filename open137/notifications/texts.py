"""The wording of every message: its kinds, their placeholders and default texts.

The defaults are translated strings; an administrator overrides any of them per language
in the admin (MessageTemplate). Texts use named placeholders only (`%(code)s`), so that a
translation or an edited template may put them in any order.
"""

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override


class MessageKind(models.TextChoices):
    RECEIPT = "receipt", gettext_lazy("receipt, waiting for triage")
    RECEIPT_REFERRAL = "receipt_referral", gettext_lazy("receipt, referred at once")
    REFERRAL = "referral", gettext_lazy("referral")
    PLANNED = "planned", gettext_lazy("planned")
    RESOLVED = "resolved", gettext_lazy("resolved, with the satisfaction question")
    REJECTED = "rejected", gettext_lazy("rejected, with the satisfaction question")
    REOPENED = "reopened", gettext_lazy("reopened")
    THANKS = "thanks", gettext_lazy("thanks for a satisfied answer")
    LINKED = "linked", gettext_lazy("joined to another request")
    FOLLOWED = "followed", gettext_lazy("outcome for a follower")
    PLAN_DUE = "plan_due", gettext_lazy("expected date passed (citizen)")
    QUESTION = "question", gettext_lazy("a unit's question to the citizen")
    UNANSWERED = "unanswered", gettext_lazy("closed: the question was not answered")
    STATUS_REPLY = "status_reply", gettext_lazy("answer to a tracking code by SMS")
    UNKNOWN_CODE = "unknown_code", gettext_lazy("answer to an unknown tracking code")
    NOTHING_TO_ANSWER = "nothing_to_answer", gettext_lazy("answer to 1 or 2 with nothing to answer")
    ERROR_REPLY = "error_reply", gettext_lazy("answer to an SMS that could not be taken")
    REMINDER = "reminder", gettext_lazy("deadline reminder (unit)")
    OVERDUE = "overdue", gettext_lazy("deadline passed (unit manager and supervisors)")
    PLAN_DUE_UNIT = "plan_due_unit", gettext_lazy("expected date passed (unit)")
    SURGE = "surge", gettext_lazy("surge warning (supervisors)")
    WEBHOOK = "webhook", gettext_lazy("webhook event")
    RESOLVED_CHAT = "resolved_chat", gettext_lazy("resolved, with satisfaction buttons "
                                                  "(messenger)")
    CHAT = "chat", gettext_lazy("conversation in the messenger")
    CHAT_PHOTO = "chat_photo", gettext_lazy("photo of a result in the messenger")


@dataclass(frozen=True)
class Text:
    """A kind's default wording and the placeholders a template of it may use."""

    text: Promise
    placeholders: tuple[str, ...]
    subject: Promise | None = None
    # Free text (a unit's note, a reason) that is shortened, never the code, when an SMS
    # would need more parts than SMS_MAX_PARTS.
    shrink: tuple[str, ...] = ()


CITIZEN_SUBJECT = gettext_lazy("Your request %(code)s at the 137 centre")

TEXTS: dict[str, Text] = {
    MessageKind.RECEIPT: Text(
        gettext_lazy("137: your request was recorded. Tracking code: %(code)s"),
        ("code",)),
    MessageKind.RECEIPT_REFERRAL: Text(
        gettext_lazy("137: your request was recorded and referred to %(unit)s. "
                     "Tracking code: %(code)s"),
        ("code", "unit")),
    MessageKind.REFERRAL: Text(
        gettext_lazy("137: request %(code)s was referred to %(unit)s."),
        ("code", "unit")),
    MessageKind.PLANNED: Text(
        gettext_lazy("137: request %(code)s will take time (%(reason)s). "
                     "Expected date: %(date)s"),
        ("code", "reason", "date", "note"), shrink=("note",)),
    # `link` answers the result on the web, once; only this citizen has it.
    MessageKind.RESOLVED: Text(
        gettext_lazy("137: request %(code)s was done: %(note)s\n"
                     "Satisfied? Reply 1. Not satisfied? Reply 2. Or answer here: %(link)s"),
        ("code", "note", "unit", "link"), shrink=("note",)),
    # The result in the messenger chat: its "satisfied" / "not satisfied" buttons replace
    # the SMS's "reply 1 or 2". Its messages keep the kind `resolved`; this is its wording.
    MessageKind.RESOLVED_CHAT: Text(
        gettext_lazy("137: request %(code)s was done: %(note)s\n"
                     "Are you satisfied with the result?"),
        ("code", "note", "unit")),
    MessageKind.REJECTED: Text(
        gettext_lazy("137: request %(code)s cannot be done: %(reason)s\n"
                     "Satisfied with this answer? Reply 1. Not satisfied? Reply 2. "
                     "Or answer here: %(link)s"),
        ("code", "reason", "unit", "link"), shrink=("reason",)),
    MessageKind.REOPENED: Text(
        gettext_lazy("137: your objection was recorded; request %(code)s went back to "
                     "%(unit)s."),
        ("code", "unit")),
    MessageKind.THANKS: Text(
        gettext_lazy("137: thank you for your answer. Request %(code)s is closed."),
        ("code",)),
    MessageKind.LINKED: Text(
        gettext_lazy("137: your request %(code)s was joined to request %(original)s about "
                     "the same problem; you will be told its outcome."),
        ("code", "original")),
    MessageKind.FOLLOWED: Text(
        gettext_lazy("137: request %(code)s, which you follow: %(status)s. %(note)s"),
        ("code", "status", "note", "unit"), shrink=("note",)),
    MessageKind.PLAN_DUE: Text(
        gettext_lazy("137: the expected date of request %(code)s has passed; we have asked "
                     "%(unit)s for news."),
        ("code", "unit", "date")),
    MessageKind.QUESTION: Text(
        gettext_lazy("137: about request %(code)s, %(unit)s asks: %(question)s\n"
                     "Reply to this message with your answer."),
        ("code", "unit", "question"), shrink=("question",)),
    MessageKind.UNANSWERED: Text(
        gettext_lazy("137: request %(code)s was closed because the question about it was "
                     "not answered. You can report it again at any time."),
        ("code", "unit")),
    MessageKind.STATUS_REPLY: Text(
        gettext_lazy("137: request %(code)s: %(status)s."),
        ("code", "status", "unit")),
    MessageKind.UNKNOWN_CODE: Text(
        gettext_lazy("137: no request has the tracking code %(code)s. Please check it."),
        ("code",)),
    MessageKind.NOTHING_TO_ANSWER: Text(
        gettext_lazy("137: none of your requests is waiting for an answer. To report a "
                     "problem, send its description."),
        ()),
    MessageKind.ERROR_REPLY: Text(gettext_lazy("137: %(message)s"), ("message",),
                                  shrink=("message",)),
    MessageKind.REMINDER: Text(
        gettext_lazy("Request %(code)s (%(subject)s) is waiting at %(unit)s. The deadline "
                     "for %(deadline)s is %(due)s.\n%(link)s"),
        ("code", "subject", "unit", "deadline", "due", "link"),
        subject=gettext_lazy("Request %(code)s: %(deadline)s is due %(due)s")),
    MessageKind.OVERDUE: Text(
        gettext_lazy("Request %(code)s (%(subject)s) at %(unit)s has passed its deadline "
                     "for %(deadline)s (%(due)s).\n%(link)s"),
        ("code", "subject", "unit", "deadline", "due", "link"),
        subject=gettext_lazy("Request %(code)s is overdue")),
    MessageKind.SURGE: Text(
        gettext_lazy("Surge: %(count)s requests about %(subject)s in %(district)s in the last "
                     "%(hours)s hours; usually about %(usual)s.\n%(link)s"),
        ("count", "subject", "district", "hours", "usual", "link"),
        subject=gettext_lazy("Surge: %(subject)s in %(district)s")),
    MessageKind.PLAN_DUE_UNIT: Text(
        gettext_lazy("The expected date (%(date)s) of request %(code)s (%(subject)s) at "
                     "%(unit)s has passed. Tell the citizen what happens next.\n%(link)s"),
        ("code", "subject", "unit", "date", "link"),
        subject=gettext_lazy("Request %(code)s: the expected date has passed")),
}


class _Values(dict[str, Any]):
    """Placeholders the caller did not give render as nothing, never as an error."""

    def __missing__(self, key: str) -> str:
        return ""


def fill(template: str, values: Mapping[str, object]) -> str:
    """`template` with its named placeholders filled; ValueError if it is malformed."""
    try:
        return template % _Values(values)
    except (TypeError, KeyError) as exc:
        raise ValueError(str(exc)) from exc


def placeholders_in(template: str) -> set[str]:
    """The names of the %(name)s placeholders a template uses."""
    seen: set[str] = set()

    class Recorder(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            seen.add(key)
            return ""

    with contextlib.suppress(TypeError, ValueError, KeyError):
        template % Recorder()
    return seen


def check_template(kind: str, template: str) -> str | None:
    """A translated complaint about an administrator's template, or None when it is usable."""
    if not template or kind not in TEXTS:
        return None
    try:
        fill(template, {})
    except ValueError:
        return _("The text is malformed: write placeholders like %(example)s and a percent "
                 "sign as %%%%.") % {"example": "%(code)s"}
    unknown = placeholders_in(template) - set(TEXTS[kind].placeholders)
    if unknown:
        return _("Unknown placeholders: %(names)s. This kind may use: %(allowed)s.") % {
            "names": ", ".join(sorted(unknown)),
            "allowed": ", ".join(TEXTS[kind].placeholders) or "-",
        }
    return None


def default_text(kind: str, language: str) -> tuple[str, str]:
    """(subject, text) of a kind's built-in wording in `language`."""
    entry = TEXTS[kind]
    with override(language):
        return str(entry.subject or CITIZEN_SUBJECT), str(entry.text)
