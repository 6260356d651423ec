"""The one table of allowed status changes.

Each step names the statuses it may start from and the status it leads to. `transition`
in actions.py is the only code that changes a status, and it asks this table first.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from open137.core.errors import IllegalTransition


class Status(models.TextChoices):
    RECEIVED = "received", _("received")
    TRIAGE = "triage", _("awaiting triage")
    REFERRED = "referred", _("referred")
    IN_PROGRESS = "in_progress", _("in progress")
    RETURNED = "returned", _("returned to the centre")
    PLANNED = "planned", _("planned")
    RESOLVED = "resolved", _("resolved")
    REJECTED = "rejected", _("rejected")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")


class Step(StrEnum):
    RECEIVE = "receive"
    TRIAGE = "triage"
    REFER = "refer"
    ACCEPT = "accept"
    RETURN = "return"
    PLAN = "plan"
    REJECT = "reject"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    LINK_DUPLICATE = "link_duplicate"
    # Steps that change no status (NOTE_STEPS below).
    REMIND = "remind"
    OVERDUE = "overdue"
    PLAN_DUE = "plan_due"
    ANONYMISE = "anonymise"


S = Status
# Requests a unit is working on: every step of a unit's work starts from one of these.
WITH_UNIT = frozenset({S.REFERRED, S.IN_PROGRESS, S.PLANNED, S.REOPENED})
# Requests waiting at the centre: it can refer them, or answer them itself.
AT_CENTRE = frozenset({S.RECEIVED, S.TRIAGE, S.RETURNED})
OPEN = WITH_UNIT | AT_CENTRE

TRANSITIONS: dict[Step, tuple[frozenset[Status], Status]] = {
    Step.TRIAGE: (frozenset({S.RECEIVED}), S.TRIAGE),
    Step.REFER: (OPEN, S.REFERRED),
    Step.ACCEPT: (frozenset({S.REFERRED, S.REOPENED, S.PLANNED}), S.IN_PROGRESS),
    Step.RETURN: (WITH_UNIT, S.RETURNED),
    Step.PLAN: (WITH_UNIT, S.PLANNED),
    Step.REJECT: (WITH_UNIT | {S.TRIAGE, S.RETURNED}, S.REJECTED),
    Step.RESOLVE: (WITH_UNIT | {S.TRIAGE, S.RETURNED}, S.RESOLVED),
    Step.CLOSE: (frozenset({S.RESOLVED, S.REJECTED}), S.CLOSED),
    Step.REOPEN: (frozenset({S.RESOLVED, S.REJECTED}), S.REOPENED),
    Step.LINK_DUPLICATE: (OPEN, S.CLOSED),
}

FINISHED = frozenset({S.RESOLVED, S.REJECTED, S.CLOSED})

# Steps that record something about a request and leave its status as it is: the deadline
# watcher's reminder, its overdue flag, and a plan whose expected date has passed. They are
# written by `record_step` in actions.py, never by `transition`, and are not in TRANSITIONS,
# so no status change can hide behind them. Anonymising strips the citizen's contact details
# from a request closed long ago.
NOTE_STEPS = frozenset({Step.REMIND, Step.OVERDUE, Step.PLAN_DUE, Step.ANONYMISE})

STEP_NAMES = {
    Step.RECEIVE: _("receive"),
    Step.TRIAGE: _("send to triage"),
    Step.REFER: _("refer"),
    Step.ACCEPT: _("accept"),
    Step.RETURN: _("return to the centre"),
    Step.PLAN: _("answer with a plan"),
    Step.REJECT: _("reject"),
    Step.RESOLVE: _("resolve"),
    Step.CLOSE: _("close"),
    Step.REOPEN: _("reopen"),
    Step.LINK_DUPLICATE: _("link as a duplicate"),
    Step.REMIND: _("remind of the deadline"),
    Step.OVERDUE: _("mark overdue"),
    Step.PLAN_DUE: _("expected date passed"),
    Step.ANONYMISE: _("remove contact details"),
}


def target(step: Step, current: str) -> Status:
    """The status `step` leads to from `current`, or IllegalTransition."""
    allowed, to = TRANSITIONS[step]
    if current not in allowed:
        raise IllegalTransition(
            _("A request that is “%(status)s” cannot be given the step “%(step)s”.")
            % {"status": Status(current).label, "step": STEP_NAMES[step]}
        )
    return to


def reachable() -> set[Status]:
    """Every status some step leads to, plus the first one: none may be unreachable."""
    return {S.RECEIVED} | {to for _, to in TRANSITIONS.values()}


# What oversight counts about a request's history, kept on the request itself so that the
# council's figures read one table (oversight/queries.py): the first referral, the number
# of reopenings, whether a unit returned it or it was referred again from a unit, and
# whether it was ever given a result. The events remain the record; these follow them.
FACTS = ("first_referred_at", "reopen_count", "was_misrouted", "result_given")


def facts_after(step: str, from_status: str, at: datetime, *,
                first_referred_at: datetime | None, reopen_count: int) -> dict[str, Any]:
    """The facts that change when `step` is taken from `from_status` at `at` (pure)."""
    changes: dict[str, Any] = {}
    if step == Step.REFER:
        if first_referred_at is None or at < first_referred_at:
            changes["first_referred_at"] = at
        if from_status not in (S.RECEIVED, S.TRIAGE):
            changes["was_misrouted"] = True
    elif step == Step.RETURN:
        changes["was_misrouted"] = True
    elif step == Step.REOPEN:
        changes["reopen_count"] = reopen_count + 1
    elif step in (Step.RESOLVE, Step.REJECT):
        changes["result_given"] = True
    return changes
