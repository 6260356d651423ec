"""The history a citizen sees: public events, told in plain words."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from open137.cases.models import CaseEvent, PlanReason
from open137.cases.workflow import Status, Step
from open137.core.dates import format_date, is_persian
from open137.core.text import persian_digits


@dataclass(frozen=True)
class Entry:
    at: datetime
    icon: str
    title: str
    note: str  # the unit's public answer, when this step carries one


def public_timeline(events: Iterable[CaseEvent]) -> list[Entry]:
    """One entry per public event, oldest first; staff notes on other steps stay hidden."""
    return [_entry(e) for e in events if e.public]


def _entry(event: CaseEvent) -> Entry:
    unit = event.to_unit.name if event.to_unit else ""
    step = event.step
    if step == Step.RECEIVE:
        return Entry(event.at, "inbox", _("Your request was received."), "")
    if step == Step.REFER:
        return Entry(event.at, "send", _("Referred to %(unit)s.") % {"unit": unit}, "")
    if step == Step.ACCEPT:
        return Entry(event.at, "tools", _("The unit started work on it."), "")
    if step == Step.PLAN:
        reason = PlanReason(event.reason).label if event.reason in PlanReason.values else ""
        expected = event.data.get("expected_date", "")
        title = _("The unit answered with a plan (%(reason)s); the work is expected by "
                  "%(date)s.") % {"reason": reason, "date": _plan_date(expected)}
        return Entry(event.at, "calendar-event", title, event.note)
    if step == Step.RESOLVE:
        return Entry(event.at, "check-circle", _("The unit reported the work done."),
                     event.note)
    if step == Step.REJECT:
        return Entry(event.at, "x-circle", _("The unit answered that it cannot be done."),
                     event.note)
    if step == Step.CLOSE:
        if event.data.get("satisfied") is True:
            return Entry(event.at, "emoji-smile", _("Closed: you were satisfied with the "
                                                    "result."), "")
        return Entry(event.at, "archive", _("Closed."), "")
    if step == Step.REOPEN:
        return Entry(event.at, "arrow-repeat", _("Reopened after your objection and sent back "
                                                 "to %(unit)s.") % {"unit": unit}, "")
    if step == Step.LINK_DUPLICATE:
        return Entry(event.at, "link-45deg", _("Joined to an earlier report of the same "
                                               "problem, %(code)s; you will hear its outcome.")
                     % {"code": _digits(event.data.get("original", ""))}, "")
    return Entry(event.at, "dot", str(Status(event.to_status).label).capitalize(), "")


def _digits(value: str) -> str:
    return persian_digits(value) if is_persian() else value


def _plan_date(iso: str) -> str:
    try:
        return format_date(date.fromisoformat(iso))
    except (TypeError, ValueError):
        return ""
