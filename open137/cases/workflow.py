"""The one table of allowed status changes.

Each step names the statuses it may start from and the status it leads to. `transition`
in actions.py is the only code that changes a status, and it asks this table first.
"""

from collections.abc import Mapping
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
    AWAITING_CITIZEN = "awaiting_citizen", _("waiting for the citizen's answer")
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
    ASK = "ask"
    RESUME = "resume"
    EXPIRE = "expire"
    # Steps that change no status (NOTE_STEPS below).
    REMIND = "remind"
    OVERDUE = "overdue"
    PLAN_DUE = "plan_due"
    ANONYMISE = "anonymise"
    CONTACT = "contact"


S = Status
# Requests a unit is working on: every step of a unit's work starts from one of these.
WITH_UNIT = frozenset({S.REFERRED, S.IN_PROGRESS, S.PLANNED, S.REOPENED})
# Requests waiting at the centre: it can refer them, or answer them itself.
AT_CENTRE = frozenset({S.RECEIVED, S.TRIAGE, S.RETURNED})
# A unit's question is waiting for the citizen: the unit's clock is paused meanwhile.
PAUSED = frozenset({S.AWAITING_CITIZEN})
OPEN = WITH_UNIT | AT_CENTRE | PAUSED

TRANSITIONS: dict[Step, tuple[frozenset[Status], Status]] = {
    Step.TRIAGE: (frozenset({S.RECEIVED}), S.TRIAGE),
    Step.REFER: (OPEN, S.REFERRED),
    # A plan is already the unit's answer: it goes on to a result, not to "accept".
    Step.ACCEPT: (frozenset({S.REFERRED, S.REOPENED}), S.IN_PROGRESS),
    Step.RETURN: (WITH_UNIT, S.RETURNED),
    Step.PLAN: (WITH_UNIT, S.PLANNED),
    Step.REJECT: (WITH_UNIT | {S.TRIAGE, S.RETURNED}, S.REJECTED),
    Step.RESOLVE: (WITH_UNIT | {S.TRIAGE, S.RETURNED}, S.RESOLVED),
    Step.CLOSE: (frozenset({S.RESOLVED, S.REJECTED}), S.CLOSED),
    Step.REOPEN: (frozenset({S.RESOLVED, S.REJECTED}), S.REOPENED),
    Step.LINK_DUPLICATE: (OPEN, S.CLOSED),
    # The unit asks the citizen a question; the answer (or the end of the wait, when the
    # pack says so) resumes the work, or the wait ends it without a result.
    Step.ASK: (frozenset({S.REFERRED, S.IN_PROGRESS, S.REOPENED}), S.AWAITING_CITIZEN),
    Step.RESUME: (PAUSED, S.IN_PROGRESS),
    Step.EXPIRE: (PAUSED, S.CLOSED),
}

FINISHED = frozenset({S.RESOLVED, S.REJECTED, S.CLOSED})

# Steps that record something about a request and leave its status as it is: the deadline
# watcher's reminder, its overdue flag, and a plan whose expected date has passed. They are
# written by `record_step` in actions.py, never by `transition`, and are not in TRANSITIONS,
# so no status change can hide behind them. Anonymising strips the citizen's contact details
# from a request closed long ago.
# A repeat contact (the citizen called or wrote again about the same request) is recorded
# on it instead of as a new request.
NOTE_STEPS = frozenset({Step.REMIND, Step.OVERDUE, Step.PLAN_DUE, Step.ANONYMISE,
                        Step.CONTACT})

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
    Step.ASK: _("ask the citizen"),
    Step.RESUME: _("resume after the citizen's answer"),
    Step.EXPIRE: _("close: the citizen did not answer"),
    Step.REMIND: _("remind of the deadline"),
    Step.OVERDUE: _("mark overdue"),
    Step.PLAN_DUE: _("expected date passed"),
    Step.ANONYMISE: _("remove contact details"),
    Step.CONTACT: _("record a repeat contact"),
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
# council's figures read one table (oversight/queries.py). The events remain the record;
# these follow them (every step, imports, and a migration for older history):
# - first_referred_at: the first referral to a unit;
# - taken_up_at: when the unit that finally acts took it up (its first step after the
#   latest referral: accept, ask, plan, resolve or reject; the centre's own answer too);
# - was_triaged: it waited in the centre's triage queue after receipt;
# - reopen_count, was_misrouted (a unit returned it, or it was referred again from a unit),
#   result_given (resolved or rejected at least once);
# - ask_count and paused_seconds: questions to the citizen and the time spent waiting for
#   the answers (the unit's clock stood still); contact_count: repeat contacts.
FACTS = ("first_referred_at", "taken_up_at", "was_triaged", "reopen_count", "was_misrouted",
         "result_given", "ask_count", "paused_seconds", "contact_count")
# Steps by which the unit holding a request (or the centre) takes it up.
TAKE_UP = frozenset({Step.ACCEPT, Step.ASK, Step.PLAN, Step.RESOLVE, Step.REJECT})


def facts_after(step: str, from_status: str, at: datetime,
                current: Mapping[str, Any]) -> dict[str, Any]:
    """The facts that change when `step` is taken from `from_status` at `at` (pure).

    `current` holds the request's facts before the step, and `paused_at` (when its
    current wait for the citizen began).
    """
    changes: dict[str, Any] = {}
    if step == Step.REFER:
        first = current.get("first_referred_at")
        if first is None or at < first:
            changes["first_referred_at"] = at
        if from_status not in (S.RECEIVED, S.TRIAGE):
            changes["was_misrouted"] = True
        changes["taken_up_at"] = None
    elif step == Step.TRIAGE:
        changes["was_triaged"] = True
    elif step == Step.RETURN:
        changes["was_misrouted"] = True
        changes["taken_up_at"] = None
    elif step == Step.REOPEN:
        changes["reopen_count"] = (current.get("reopen_count") or 0) + 1
    elif step == Step.CONTACT:
        changes["contact_count"] = (current.get("contact_count") or 0) + 1
    if from_status in PAUSED:  # the wait ends, however (an answer, the timeout, the centre)
        paused_at = current.get("paused_at")
        if paused_at is not None and at > paused_at:
            changes["paused_seconds"] = (current.get("paused_seconds") or 0) + int(
                (at - paused_at).total_seconds())
    if step in TAKE_UP and current.get("taken_up_at") is None:
        changes["taken_up_at"] = at
    if step == Step.ASK:
        changes["ask_count"] = (current.get("ask_count") or 0) + 1
    if step in (Step.RESOLVE, Step.REJECT):
        changes["result_given"] = True
    return changes
