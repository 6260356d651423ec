"""Rate limits shared by every web process: a counter per key and time window in the database.

A per-process cache would let each gunicorn worker count on its own; the table is shared,
and one upsert statement per limited request is cheap next to the request itself.
"""

import re
import time

from django.conf import settings
from django.http import HttpRequest

from open137.core.inserts import count_up
from open137.core.models import RateCounter

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(text: str) -> tuple[int, int] | None:
    """'120/m' -> (120, 60); '10/5m' -> (10, 300); '0' or '' -> None (no limit)."""
    text = (text or "").strip()
    if text in {"", "0"}:
        return None
    match = _RATE.match(text)
    if not match:
        raise ValueError(f"Malformed rate {text!r}: write it like 120/m, 10/s or 1000/h.")
    count, multiple, unit = match.groups()
    if int(count) == 0:
        return None
    return int(count), (int(multiple) if multiple else 1) * _SECONDS[unit]


def hit(key: str, rate: str) -> tuple[bool, int]:
    """Count one hit for `key`; (allowed, seconds until the window ends)."""
    parsed = parse_rate(rate)
    if parsed is None:
        return True, 0
    limit, period = parsed
    now = int(time.time())
    window = now - now % period
    retry_after = window + period - now
    count = count_up(RateCounter, counter="count", key=key, window=window)
    if _swept.get(period, 0) < window:
        # Finished windows are of no use: each process clears them once per window.
        _swept[period] = window
        RateCounter.objects.filter(window__lt=window - period).delete()
    return count <= limit, max(1, retry_after)


_swept: dict[int, int] = {}


def client_address(request: HttpRequest) -> str:
    """The caller's address; behind a trusted proxy, the one the proxy saw."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    allowed = settings.FORWARDED_ALLOW_IPS
    trusted = {ip.strip() for ip in (allowed.split(",") if isinstance(allowed, str) else allowed)}
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and ("*" in trusted or remote in trusted):
        # The last hop is the one our proxy appended; earlier ones the client can forge.
        return forwarded.split(",")[-1].strip() or remote
    return remote
