"""Deadline clocks: how long is left to a request's first action and result, or how late."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open137.cases.models import Case
from open137.cases.workflow import Status


@dataclass(frozen=True)
class Clock:
    label: str | Promise
    due: datetime
    text: str
    overdue: bool


def span(delta: timedelta) -> str:
    """A duration in days and hours (or hours and minutes when under a day)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s days and %(hours)s hours") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s hours and %(minutes)s minutes") % {"hours": hours,
                                                              "minutes": minutes}
    return _("%(minutes)s minutes") % {"minutes": minutes}


def remaining(due: datetime, now: datetime) -> tuple[str, bool]:
    """('3 days and 2 hours left', False) or ('overdue by 5 hours and 10 minutes', True)."""
    if due >= now:
        return _("%(span)s left") % {"span": span(due - now)}, False
    return _("overdue by %(span)s") % {"span": span(now - due)}, True


def clocks_for(case: Case, now: datetime) -> list[Clock]:
    """The clocks still running: first action until the unit acts, result while open.

    None while the request waits for the citizen's answer: the unit's clock stands still
    (the deadlines move later by the wait when the answer comes).
    """
    clocks: list[Clock] = []
    if not case.is_open or case.status in {Status.TRIAGE, Status.RETURNED, Status.RECEIVED,
                                           Status.AWAITING_CITIZEN}:
        return clocks
    if case.respond_by and case.responded_at is None:
        text, late = remaining(case.respond_by, now)
        clocks.append(Clock(gettext_lazy("First action"), case.respond_by, text, late))
    if case.resolve_by and case.status != Status.PLANNED:
        text, late = remaining(case.resolve_by, now)
        clocks.append(Clock(gettext_lazy("Result"), case.resolve_by, text, late))
    return clocks
