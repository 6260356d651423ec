"""Writes to the outbox. Callers enqueue inside their own transaction; the worker delivers.

Every message carries an idempotency key: enqueueing the same key twice writes one row, so
an event, a reminder or a retried request never produces a second message.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from open137.audit.actions import Trail
from open137.audit.values import snapshot
from open137.core.inserts import insert_unless_exists
from open137.core.phones import is_mobile
from open137.notifications import quiet, smstext
from open137.notifications.models import (
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryState,
    Message,
    MessageTemplate,
    WebhookEndpoint,
)
from open137.notifications.texts import TEXTS, MessageKind, default_text, fill

log = logging.getLogger(__name__)
User = AbstractBaseUser | AnonymousUser | None


def _wording(kind: str, language: str) -> tuple[str, str, str, str]:
    """(subject, text) from the admin's template, and the built-in (subject, text)."""
    subject, text = default_text(kind, language)
    custom = MessageTemplate.objects.filter(kind=kind, language=language).first()
    if custom is None:
        return subject, text, subject, text
    return custom.subject or subject, custom.text or text, subject, text


def _render(template: str, fallback: str, values: Mapping[str, object]) -> str:
    try:
        return fill(template, values)
    except ValueError:
        # A template saved around the admin's check must not stop the request's change.
        log.warning("Message template is malformed; using the built-in text: %r", template)
        return fill(fallback, values)


def render_sms(kind: str, language: str, values: Mapping[str, object]) -> str:
    """The SMS text, with free text shortened so that it fits SMS_MAX_PARTS parts."""
    _subject, text, _default_subject, default = _wording(kind, language)
    return smstext.fit(lambda v: _render(text, default, v), values, TEXTS[kind].shrink,
                       settings.SMS_MAX_PARTS).strip()


def sms_due(now: datetime, *, urgent: bool) -> datetime:
    """When an SMS enqueued at `now` may go: at once, or at the end of the quiet hours."""
    if urgent:
        return now
    window = quiet.configured(settings.SMS_QUIET_HOURS)
    return quiet.quiet_until(now, window, ZoneInfo(settings.TIME_ZONE)) or now


def _create(message: Message) -> Message | None:
    """Insert unless a message with the same idempotency key exists; None when it does."""
    return message if insert_unless_exists(message, unique="idempotency_key") else None


@transaction.atomic(savepoint=False)
def enqueue_sms(*, to: str, kind: str, values: Mapping[str, object], key: str,
                language: str = "fa", case_id: int | None = None, urgent: bool = False,
                now: datetime | None = None) -> Message | None:
    """Queue an SMS to a mobile number (canonical +98 form); None for a landline or a repeat."""
    if not to or not is_mobile(to):
        return None
    now = now or timezone.now()
    due = sms_due(now, urgent=urgent)
    return _create(Message(
        channel=DeliveryChannel.SMS, kind=kind, recipient=to,
        text=render_sms(kind, language, values),
        case_id=case_id, language=language, urgent=urgent, idempotency_key=key,
        created_at=now, next_attempt_at=due,
        expires_at=due + timedelta(hours=settings.WORKER_RETRY_HOURS),
    ))


@transaction.atomic
def record_sent_sms(*, to: str, kind: str, values: Mapping[str, object], key: str, at: datetime,
                    language: str = "fa", case_id: int | None = None) -> Message | None:
    """Keep an SMS that was delivered in the past (a demonstration's history): stored as
    sent at `at`, so the worker never sends it and the closure loop counts it."""
    if not to or not is_mobile(to):
        return None
    message = _create(Message(
        channel=DeliveryChannel.SMS, kind=kind, recipient=to,
        text=render_sms(kind, language, values),
        case_id=case_id, language=language, idempotency_key=key, created_at=at,
        next_attempt_at=at, expires_at=at, status=DeliveryState.SENT, attempts=1, sent_at=at,
    ))
    if message is not None:
        DeliveryAttempt.objects.create(message=message, started_at=at, finished_at=at, ok=True,
                                       response="history", worker="history")
    return message


@transaction.atomic(savepoint=False)
def record_alert(*, user_id: int, kind: str, values: Mapping[str, object], key: str,
                 language: str = "fa", case_id: int | None = None,
                 now: datetime | None = None) -> Message | None:
    """Put an alert in a staff member's list in the desk (nothing to deliver); None for a
    repeat of the same key."""
    now = now or timezone.now()
    return _create(Message(
        channel=DeliveryChannel.INAPP, kind=kind, recipient=f"user:{user_id}",
        text=render_sms(kind, language, values), case_id=case_id, language=language,
        idempotency_key=key, created_at=now, next_attempt_at=now, expires_at=now,
        status=DeliveryState.SENT, sent_at=now,
    ))


@transaction.atomic(savepoint=False)
def alert_staff(*, staff: Iterable[Any], kind: str, values: Mapping[str, object], key: str,
                language: str = "fa", case_id: int | None = None, link: str = "",
                now: datetime | None = None) -> None:
    """An alert to each staff member, once per key: in their desk list always, and by
    email and SMS as their settings say (Staff.alerts, Staff.alert_phone)."""
    for member in staff:
        mine = f"{key}:user-{member.user_id}"
        record_alert(user_id=member.user_id, kind=kind, values=values, key=f"{mine}:inapp",
                     language=language, case_id=case_id, now=now)
        if member.alerts in {"email", "both"} and member.user.email:
            enqueue_email(to=member.user.email, kind=kind, values=values, key=f"{mine}:email",
                          language=language, case_id=case_id, link=link, now=now)
        if member.alerts in {"sms", "both"} and member.alert_phone:
            enqueue_sms(to=member.alert_phone, kind=kind, values=values, key=f"{mine}:sms",
                        language=language, case_id=case_id, urgent=True, now=now)


@transaction.atomic(savepoint=False)
def enqueue_email(*, to: str, kind: str, values: Mapping[str, object], key: str,
                  language: str = "fa", case_id: int | None = None, link: str = "",
                  now: datetime | None = None) -> Message | None:
    """Queue an email; `link` is added below the text. None when `to` is empty or a repeat."""
    to = (to or "").strip()
    if not to:
        return None
    now = now or timezone.now()
    subject, text, default_subject, default = _wording(kind, language)
    body = _render(text, default, values).strip()
    if link and link not in body:
        body += "\n\n" + link
    return _create(Message(
        channel=DeliveryChannel.EMAIL, kind=kind, recipient=to,
        subject=_render(subject, default_subject, values)[:300], text=body, case_id=case_id,
        language=language, idempotency_key=key, created_at=now, next_attempt_at=now,
        expires_at=now + timedelta(hours=settings.WORKER_RETRY_HOURS),
    ))


@transaction.atomic(savepoint=False)
def enqueue_webhooks(*, unit_ids: Iterable[int], event: str,
                     payload: Callable[[], dict[str, Any]], key: str,
                     case_id: int | None = None, now: datetime | None = None) -> list[Message]:
    """Queue one signed call per active endpoint of these units that wants `event`.

    `payload` is only called when some endpoint wants the event.
    """
    now = now or timezone.now()
    queued: list[Message] = []
    endpoints = [e for e in WebhookEndpoint.objects.filter(
        unit_id__in=set(unit_ids), active=True).order_by("pk") if e.wants(event)]
    if not endpoints:
        return queued
    body = payload()
    for endpoint in endpoints:
        delivery = f"{key}:endpoint-{endpoint.pk}"
        message = _create(Message(
            channel=DeliveryChannel.WEBHOOK, kind="webhook", recipient=endpoint.url[:500],
            endpoint=endpoint, text=event, payload={**body, "delivery_id": delivery},
            case_id=case_id, idempotency_key=delivery, created_at=now, next_attempt_at=now,
            expires_at=now + timedelta(hours=settings.WEBHOOK_RETRY_HOURS),
        ))
        if message is not None:
            queued.append(message)
    return queued


def _chat_message(*, to: str, kind: str, text: str, key: str, method: str,
                  params: dict[str, Any], file: str, language: str, case_id: int | None,
                  now: datetime) -> Message | None:
    payload: dict[str, Any] = {"method": method, "params": params}
    if file:
        payload["file"] = file
    # Every chat message counts as urgent: the chat has no quiet hours, and one priority
    # for all of them keeps a chat's messages in the order they were written.
    return _create(Message(
        channel=DeliveryChannel.MESSENGER, kind=kind, recipient=str(to)[:500], text=text,
        payload=payload, case_id=case_id, language=language, urgent=True,
        idempotency_key=key, created_at=now, next_attempt_at=now,
        expires_at=now + timedelta(hours=settings.WORKER_RETRY_HOURS),
    ))


@transaction.atomic(savepoint=False)
def enqueue_chat(*, to: str, kind: str, values: Mapping[str, object], key: str,
                 language: str = "fa", case_id: int | None = None,
                 buttons: list[list[dict[str, str]]] | None = None, wording: str | None = None,
                 now: datetime | None = None) -> Message | None:
    """Queue one of the citizen's messages (the SMS wording) to a messenger chat.

    `buttons` go under it as an inline keyboard; `wording` names another kind's text to use
    (the chat's own wording of a result). None when `to` is empty or a repeat.
    """
    to = str(to or "").strip()
    if not to:
        return None
    now = now or timezone.now()
    _subject, text, _default_subject, default = _wording(wording or kind, language)
    params: dict[str, Any] = {}
    if buttons:
        params["reply_markup"] = {"inline_keyboard": buttons}
    window = quiet.configured(settings.SMS_QUIET_HOURS)
    if quiet.quiet_until(now, window, ZoneInfo(settings.TIME_ZONE)) is not None:
        # At night the message still arrives, without waking the citizen.
        params["disable_notification"] = True
    return _chat_message(to=to, kind=kind, text=_render(text, default, values).strip(), key=key,
                         method="sendMessage", params=params, file="", language=language,
                         case_id=case_id, now=now)


@transaction.atomic(savepoint=False)
def enqueue_chat_photo(*, to: str, file: str, caption: str, key: str, language: str = "fa",
                       case_id: int | None = None, now: datetime | None = None
                       ) -> Message | None:
    """Queue a stored photo (its storage name) to a messenger chat; None for a repeat."""
    if not str(to or "").strip() or not file:
        return None
    return _chat_message(to=str(to).strip(), kind=MessageKind.CHAT_PHOTO, text=caption, key=key,
                         method="sendPhoto", params={}, file=file, language=language,
                         case_id=case_id, now=now or timezone.now())


@transaction.atomic(savepoint=False)
def enqueue_bot_call(*, to: str, method: str, key: str, text: str = "",
                     params: dict[str, Any] | None = None, language: str = "fa",
                     case_id: int | None = None, now: datetime | None = None
                     ) -> Message | None:
    """Queue one Bot API call about a chat (an answer in a conversation, a button's answer,
    an edit); `text` is the message of a sendMessage. None for a repeat."""
    return _chat_message(to=to, kind=MessageKind.CHAT, text=text, key=key, method=method,
                         params=dict(params or {}), file="", language=language,
                         case_id=case_id, now=now or timezone.now())


@transaction.atomic
def retry_messages(messages: QuerySet[Message], *, by: User,
                   now: datetime | None = None) -> int:
    """Send failed or given-up messages again now, with a fresh retry period."""
    now = now or timezone.now()
    count = 0
    given_up = [DeliveryState.FAILED, DeliveryState.DEAD]
    for message in messages.select_for_update().filter(status__in=given_up):
        hours = (settings.WEBHOOK_RETRY_HOURS if message.channel == DeliveryChannel.WEBHOOK
                 else settings.WORKER_RETRY_HOURS)
        Message.objects.filter(pk=message.pk).update(
            status=DeliveryState.PENDING, next_attempt_at=now, lease_until=None, claim_token="",
            expires_at=now + timedelta(hours=hours))
        count += 1
    log.info("%s queued %d messages again", getattr(by, "username", "system"), count)
    return count


@transaction.atomic
def write_default_templates(*, languages: Iterable[str], overwrite: bool, by: User,
                            kinds: Iterable[str] | None = None) -> int:
    """Copy the built-in wording of these kinds into editable templates; how many written."""
    written = 0
    trail = Trail(by=by, note="built-in texts")
    for kind in kinds or TEXTS:
        if kind == "webhook":
            continue
        for language in languages:
            subject, text = default_text(kind, language)
            template, created = MessageTemplate.objects.get_or_create(
                kind=kind, language=language, defaults={"subject": subject, "text": text})
            if created:
                trail.created(template)
            elif overwrite:
                before = snapshot(template)
                template.subject, template.text = subject, text
                template.save()
                trail.changed(template, before)
            written += created or overwrite
    trail.save()
    return written
