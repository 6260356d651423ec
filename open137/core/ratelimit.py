"""Rate limits shared by every web process: a counter per key and time window.

A per-process cache would let each gunicorn worker count on its own, so the counters live
where every process sees them: in Redis when the deployment has it (REDIS_URL), else in
the database, one upsert statement per limited request.
"""

import ipaddress
import re
import time

from django.conf import settings
from django.core.cache import cache
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
    if settings.REDIS_CACHE:
        return _hit_in_cache(f"rate:{key}:{window}", period) <= limit, max(1, retry_after)
    count = count_up(RateCounter, counter="count", key=key, window=window)
    if _swept.get(period, 0) < window:
        # Finished windows are of no use: each process clears them once per window.
        _swept[period] = window
        RateCounter.objects.filter(window__lt=window - period).delete()
    return count <= limit, max(1, retry_after)


_swept: dict[int, int] = {}


def peek(key: str, rate: str) -> bool:
    """True while `key` is still under its limit in this window; counts nothing (a limit
    counted only on failures is checked with this before the attempt)."""
    parsed = parse_rate(rate)
    if parsed is None:
        return True
    limit, period = parsed
    now = int(time.time())
    window = now - now % period
    if settings.REDIS_CACHE:
        return int(cache.get(f"rate:{key}:{window}") or 0) < limit
    row = RateCounter.objects.filter(key=key, window=window).values_list("count", flat=True)
    return (row.first() or 0) < limit


def _hit_in_cache(name: str, period: int) -> int:
    """Count in the shared cache: the window's key expires with the window."""
    cache.add(name, 0, timeout=period + 1)
    try:
        return cache.incr(name)
    except ValueError:  # expired between the two calls: this hit opens a new count
        cache.add(name, 1, timeout=period + 1)
        return 1


# Where no address is known (a sign-in made by code, a request from a local socket): one
# shared address, so that counters and the sign-in records still take it.
NO_ADDRESS = "0.0.0.0"  # noqa: S104  (a value stored, not an address listened on)


def client_address(request: HttpRequest) -> str:
    """The caller's address, always an IP address; behind a trusted proxy, the one the
    proxy saw. The sign-in records keep it in an address column, which PostgreSQL refuses
    anything else for ("unknown", as some proxies write, or nothing at all)."""
    remote = request.META.get("REMOTE_ADDR", "")
    allowed = settings.FORWARDED_ALLOW_IPS
    trusted = {ip.strip() for ip in (allowed.split(",") if isinstance(allowed, str) else allowed)}
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and ("*" in trusted or remote in trusted):
        # The last hop is the one our proxy appended; earlier ones the client can forge.
        return (_address(forwarded.split(",")[-1]) or _address(remote)
                or NO_ADDRESS)
    return _address(remote) or NO_ADDRESS


def _address(text: str) -> str:
    """`text` as an IP address in its usual form, or "" when it is not one."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return ""
