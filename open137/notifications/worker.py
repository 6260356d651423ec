"""The worker's engine: claim due messages, deliver them, record every attempt.

Claiming is one short transaction that marks a batch `sending` under a random token with a
lease. On PostgreSQL the batch is chosen with SELECT ... FOR UPDATE SKIP LOCKED, so several
workers take disjoint batches without waiting for each other; on SQLite the IMMEDIATE
transaction serialises claims. Delivery happens outside any transaction, and each outcome
is written with its attempt in one small transaction.

A worker renews the lease of the rest of its batch whenever a third of the lease has gone
by, in one statement that also tells it which rows are still its own: a worker that was
stalled past its lease has lost those rows to another worker and leaves them alone. A
worker killed mid-batch leaves its rows `sending`; another claims them when the lease ends,
so nothing is lost and only the message in flight at the kill may go out twice.

Messages to a messenger chat keep their order: one waits while an earlier one to the same
chat is still undelivered. When the other end asks to slow down (a 429 with `retry_after`),
every message of that channel waits that long, the rest of the batch included.
"""

import logging
import os
import secrets
import socket
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from open137.notifications import channels, delivery, quiet
from open137.notifications.models import DeliveryAttempt, DeliveryChannel, DeliveryState, Message

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: doubling from the base, capped."""
    base, cap = settings.WORKER_RETRY_BASE_SECONDS, settings.WORKER_RETRY_MAX_SECONDS
    return timedelta(seconds=min(cap, base * 2 ** min(max(attempts - 1, 0), 30)))


def _lease(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def claim(*, now: datetime, token: str, limit: int) -> list[Message]:
    """Mark up to `limit` due messages as ours and return them, urgent and oldest first."""
    due = (Q(status__in=[DeliveryState.PENDING, DeliveryState.FAILED], next_attempt_at__lte=now)
           | Q(status=DeliveryState.SENDING, lease_until__lt=now))
    with transaction.atomic():
        rows = Message.objects.filter(due).order_by("-urgent", "next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        batch = list(rows.select_related("endpoint")[:limit])
        if batch:
            Message.objects.filter(pk__in=[m.pk for m in batch]).update(
                status=DeliveryState.SENDING, claim_token=token, lease_until=_lease(now))
    return batch


def still_ours(messages: list[Message], *, token: str, now: datetime) -> list[Message]:
    """Renew the lease of these claimed messages; those that are still ours."""
    ids = [m.pk for m in messages]
    ours = Message.objects.filter(pk__in=ids, claim_token=token, status=DeliveryState.SENDING)
    if ours.update(lease_until=_lease(now)) == len(ids):
        return messages
    kept = set(ours.values_list("pk", flat=True))
    return [m for m in messages if m.pk in kept]


def deliver_one(message: Message, *, token: str, now: datetime | None = None,
                worker: str = "") -> str:
    """Deliver one message claimed under `token`: 'sent', 'failed', 'dead' or 'deferred'."""
    started_at = now or timezone.now()
    ours = Message.objects.filter(pk=message.pk, claim_token=token, status=DeliveryState.SENDING)
    if message.channel == DeliveryChannel.SMS and not message.urgent:
        until = quiet.quiet_until(started_at, quiet.configured(settings.SMS_QUIET_HOURS),
                                  ZoneInfo(settings.TIME_ZONE))
        if until is not None:
            ours.update(status=DeliveryState.PENDING, next_attempt_at=until, claim_token="",
                        lease_until=None)
            return "deferred"
    if message.channel in ORDERED and delivery.keeps_order(message):
        ahead = _undelivered_ahead(message)
        if ahead is not None:
            ours.update(status=DeliveryState.PENDING, claim_token="", lease_until=None,
                        next_attempt_at=max(ahead, started_at + timedelta(seconds=1)))
            return "deferred"
    message.attempts += 1
    try:
        answer = channels.send(message)
    except delivery.DeliveryError as exc:
        error = exc
    except Exception as exc:  # a bug in a channel must not leave the row `sending`
        log.exception("Delivering message %s failed unexpectedly", message.pk)
        error = delivery.DeliveryError(repr(exc))
    else:
        finished = now or timezone.now()
        with transaction.atomic():
            ours.update(status=DeliveryState.SENT, sent_at=finished, attempts=F("attempts") + 1,
                        lease_until=None, claim_token="", last_error="")
            DeliveryAttempt.objects.create(
                message=message, started_at=started_at, finished_at=finished, ok=True,
                status_code=answer.status_code, response=answer.response[:2000],
                worker=worker)
        return "sent"
    finished = now or timezone.now()
    retry_at = finished + backoff(message.attempts)
    if error.retry_after is not None:
        retry_at = max(retry_at, finished + timedelta(seconds=error.retry_after))
    dead = error.final or retry_at > message.expires_at
    state = DeliveryState.DEAD if dead else DeliveryState.FAILED
    with transaction.atomic():
        ours.update(status=state, next_attempt_at=retry_at, attempts=F("attempts") + 1,
                    lease_until=None, claim_token="", last_error=str(error)[:2000])
        DeliveryAttempt.objects.create(
            message=message, started_at=started_at, finished_at=finished, ok=False,
            status_code=error.status_code, error=str(error)[:2000],
            response=error.response[:2000], worker=worker)
        if error.retry_after is not None and not dead:
            _pause(message.channel, until=retry_at)
    log.warning("Message %s (%s to %s) %s: %s", message.pk, message.channel,
                message.recipient, "given up" if dead else "will be retried", error)
    if error.retry_after is not None and not dead:
        return "throttled"
    return str(state)


# Channels whose messages to one recipient must arrive in the order they were written.
ORDERED = frozenset({DeliveryChannel.MESSENGER})


def _undelivered_ahead(message: Message) -> datetime | None:
    """When the last undelivered older message to the same recipient is due, if any."""
    ahead = Message.objects.filter(channel=message.channel, recipient=message.recipient,
                                   pk__lt=message.pk,
                                   status__in=[DeliveryState.PENDING, DeliveryState.FAILED,
                                               DeliveryState.SENDING])
    return (ahead.exclude(delivery.UNORDERED).order_by("-next_attempt_at")
            .values_list("next_attempt_at", flat=True).first())


def _pause(channel: str, *, until: datetime) -> None:
    """Nothing more goes through this channel before `until` (the other end asked)."""
    Message.objects.filter(channel=channel,
                           status__in=[DeliveryState.PENDING, DeliveryState.FAILED],
                           next_attempt_at__lt=until).update(next_attempt_at=until)


def release(messages: list[Message], *, token: str) -> None:
    """Hand back claimed messages we will not get to (the worker is stopping)."""
    Message.objects.filter(pk__in=[m.pk for m in messages], claim_token=token,
                           status=DeliveryState.SENDING).update(
        status=DeliveryState.PENDING, claim_token="", lease_until=None)


def deliver_due(*, now: datetime | None = None, batches: int | None = None,
                stop: threading.Event | None = None) -> Counter[str]:
    """Deliver due messages batch by batch until none is due (or `batches` are done)."""
    worker = worker_name()
    outcomes: Counter[str] = Counter()
    done = 0
    while batches is None or done < batches:
        token = secrets.token_hex(16)
        batch = claim(now=now or timezone.now(), token=token, limit=settings.WORKER_BATCH)
        if not batch:
            break
        done += 1
        renewed = time.monotonic()
        while batch:
            if stop is not None and stop.is_set():
                release(batch, token=token)
                return outcomes
            if time.monotonic() - renewed > settings.WORKER_LEASE_SECONDS / 3:
                kept = still_ours(batch, token=token, now=now or timezone.now())
                outcomes["lost"] += len(batch) - len(kept)
                renewed, batch = time.monotonic(), kept
                if not batch:
                    break
            message, batch = batch[0], batch[1:]
            outcome = deliver_one(message, token=token, now=now, worker=worker)
            outcomes[outcome] += 1
            if outcome == "throttled":
                batch = _hold_back(batch, message, token=token)
    return outcomes


def _hold_back(batch: list[Message], throttled: Message, *, token: str) -> list[Message]:
    """Hand back the batch's messages of a throttled channel, due when it opens again."""
    held = [m for m in batch if m.channel == throttled.channel]
    if held:
        until = Message.objects.filter(pk=throttled.pk).values_list(
            "next_attempt_at", flat=True).first()
        Message.objects.filter(pk__in=[m.pk for m in held], claim_token=token,
                               status=DeliveryState.SENDING).update(
            status=DeliveryState.PENDING, claim_token="", lease_until=None,
            **({"next_attempt_at": until} if until else {}))
    return [m for m in batch if m.channel != throttled.channel]
