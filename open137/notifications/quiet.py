"""Quiet hours: when non-urgent SMS wait until morning (SMS_QUIET_HOURS, e.g. "22-7")."""

import logging
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

_WINDOW = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$")


def parse(text: str) -> tuple[time, time] | None:
    """'22-7' -> (22:00, 07:00); '22:30-6:45' works too; '' -> None (no quiet hours)."""
    if not (text or "").strip():
        return None
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f"SMS_QUIET_HOURS: write it like 22-7 or 22:30-07:00, not {text!r}")
    h1, m1, h2, m2 = match.groups()
    try:
        start, end = time(int(h1) % 24, int(m1 or 0)), time(int(h2) % 24, int(m2 or 0))
    except ValueError as exc:
        raise ValueError(f"SMS_QUIET_HOURS: {exc}") from exc
    return None if start == end else (start, end)


def configured(text: str) -> tuple[time, time] | None:
    """The window from the setting; a malformed one is logged and ignored, so that a typo
    in the configuration never stops a request from being recorded."""
    try:
        return parse(text)
    except ValueError as exc:
        log.error("%s; no quiet hours apply", exc)
        return None


def quiet_until(moment: datetime, window: tuple[time, time] | None,
                tz: ZoneInfo) -> datetime | None:
    """The end of the quiet period `moment` falls in (in `tz`), or None outside it."""
    if window is None:
        return None
    start, end = window
    local = moment.astimezone(tz)
    now = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:
        inside = start <= now < end
    else:  # the window spans midnight
        inside = now >= start or now < end
        if now >= start:
            day += timedelta(days=1)
    if not inside:
        return None
    return datetime.combine(day, end, tzinfo=tz)
