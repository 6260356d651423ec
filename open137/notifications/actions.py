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
    Channel,
    DeliveryAttempt,
    Message,
    MessageTemplate,
    State,
    WebhookEndpoint,
)
from open137.notifications.texts import TEXTS, default_text, fill

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
        channel=Channel.SMS, kind=kind, recipient=to, text=render_sms(kind, language, values),
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
        channel=Channel.SMS, kind=kind, recipient=to, text=render_sms(kind, language, values),
        case_id=case_id, language=language, idempotency_key=key, created_at=at,
        next_attempt_at=at, expires_at=at, status=State.SENT, attempts=1, sent_at=at,
    ))
    if message is not None:
        DeliveryAttempt.objects.create(message=message, started_at=at, finished_at=at, ok=True,
                                       response="history", worker="history")
    return message


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
        channel=Channel.EMAIL, kind=kind, recipient=to,
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
            channel=Channel.WEBHOOK, kind="webhook", recipient=endpoint.url[:500],
            endpoint=endpoint, text=event, payload={**body, "delivery_id": delivery},
            case_id=case_id, idempotency_key=delivery, created_at=now, next_attempt_at=now,
            expires_at=now + timedelta(hours=settings.WEBHOOK_RETRY_HOURS),
        ))
        if message is not None:
            queued.append(message)
    return queued


@transaction.atomic
def retry_messages(messages: QuerySet[Message], *, by: User,
                   now: datetime | None = None) -> int:
    """Send failed or given-up messages again now, with a fresh retry period."""
    now = now or timezone.now()
    count = 0
    for message in messages.select_for_update().filter(status__in=[State.FAILED, State.DEAD]):
        hours = (settings.WEBHOOK_RETRY_HOURS if message.channel == Channel.WEBHOOK
                 else settings.WORKER_RETRY_HOURS)
        Message.objects.filter(pk=message.pk).update(
            status=State.PENDING, next_attempt_at=now, lease_until=None, claim_token="",
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
