"""Signed webhook calls to an organisation's own system.

Every call is a JSON POST with these headers:

    X-Open137-Event:      the event name (case.referred...)
    X-Open137-Delivery:   the idempotency key; the same on every retry of one event
    Idempotency-Key:      the same key, under the name many frameworks look for
    X-Open137-Timestamp:  Unix seconds when this attempt was signed
    X-Open137-Signature:  sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>

The receiver recomputes the HMAC over the raw body, compares in constant time, refuses a
timestamp more than five minutes old, and ignores a delivery key it has already seen.
Any 2xx answer acknowledges the call; anything else (or no answer) is retried.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from open137.notifications.delivery import Delivered, DeliveryError
from open137.notifications.models import Message

SIGNATURE_HEADER = "X-Open137-Signature"
TIMESTAMP_HEADER = "X-Open137-Timestamp"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for this body at this timestamp."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *,
           now: float | None = None) -> bool:
    """What a receiver does: a fresh timestamp and a matching signature."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        return False
    return age <= TOLERANCE_SECONDS and hmac.compare_digest(sign(secret, timestamp, body),
                                                            signature)


def send(message: Message) -> Delivered:
    endpoint = message.endpoint
    if endpoint is None or not endpoint.active:
        raise DeliveryError("the webhook endpoint was removed or switched off", final=True)
    if urllib.parse.urlsplit(endpoint.url).scheme not in {"http", "https"}:
        raise DeliveryError("the webhook address must be http or https", final=True)
    body = json.dumps(message.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "open137-webhooks",
        "X-Open137-Event": message.text,
        "X-Open137-Delivery": message.idempotency_key,
        "Idempotency-Key": message.idempotency_key,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
    }
    request = urllib.request.Request(endpoint.url, data=body, headers=headers,  # noqa: S310
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as answer:  # noqa: S310
            return Delivered(status_code=answer.status,
                             response=answer.read(2000).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        text = exc.read(2000).decode("utf-8", "replace") if exc.fp else ""
        raise DeliveryError(f"the receiver answered {exc.code}", status_code=exc.code,
                            response=text) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"the receiver did not answer: {exc}") from exc
