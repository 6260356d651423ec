"""The lifecycle's periodic jobs, run by `open137 worker` (registered with notifications.jobs).

- escalate: when 80% of a running deadline's time has passed the unit is reminded; when
  the deadline passes the request is marked overdue and the unit's manager and the
  centre's supervisors are told. Each happens once per deadline: the steps are recorded
  on the request, and a new referral or a reopening (new deadlines) starts over.
- flag_planned_due: a plan whose expected date has passed is flagged, once, and its citizen
  and unit are told.
- close_unanswered: a result (or a refusal) the citizen did not answer is closed when the
  satisfaction window (SATISFACTION_WINDOW_DAYS) ends.
- end_question_waits: a unit's question the citizen did not answer within the pack's
  days (citizen_questions.wait_days) resumes the unit's work or closes the request, as the
  pack says (citizen_questions.when_unanswered).

Every job takes the time to act for, so tests pass the moments they need.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from open137.cases import actions
from open137.cases.models import Case, CaseEvent
from open137.cases.workflow import Status, Step
from open137.core.errors import DomainError
from open137.deadlines.calendar import WorkingCalendar
from open137.deadlines.queries import working_calendar
from open137.directory.models import City
from open137.notifications.jobs import periodic

log = logging.getLogger(__name__)

REMIND_AT = 0.8


def warning_time(start: datetime, due: datetime, *, urgent: bool,
                 calendar: WorkingCalendar) -> datetime:
    """When 80% of the time from `start` to `due` has passed: elapsed time for urgent
    subjects, working time for the others (as the deadline itself was counted)."""
    if due <= start:
        return due
    if not urgent:
        seconds = calendar.working_seconds_between(start, due)
        if seconds > 0:
            return calendar.add_working_hours(start, seconds * REMIND_AT / 3600)
    return start + (due - start) * REMIND_AT


def _recorded(steps: list[Step], cases: Q) -> set[tuple[int, str, str]]:
    """(case id, step, key) of the reminders and flags already written."""
    done = set()
    for case_id, step, data in CaseEvent.objects.filter(cases, step__in=steps).values_list(
            "case_id", "step", "data"):
        key = f"{data.get('deadline', '')}@{data.get('due') or data.get('expected_date')}"
        done.add((case_id, step, key))
    return done


@periodic("cases.escalate", every=timedelta(minutes=5))
def escalate(now: datetime) -> str:
    """Remind units at 80% of a deadline; mark requests overdue when it passes."""
    calendar = working_calendar()
    running = Q(status__in=actions.DEADLINES_RUN, unit__isnull=False) & (
        Q(respond_by__isnull=False, responded_at__isnull=True) | Q(resolve_by__isnull=False))
    # Deadlines start at the last referral or reopening.
    started = CaseEvent.objects.filter(case=OuterRef("pk"), step__in=[Step.REFER, Step.REOPEN])
    cases = (Case.objects.filter(running).select_related("subject")
             .annotate(started=Subquery(started.order_by("-at", "-pk").values("at")[:1])))
    done = _recorded([Step.REMIND, Step.OVERDUE],
                     Q(case__status__in=actions.DEADLINES_RUN, case__unit__isnull=False))
    reminded = overdue = 0
    for case in cases.iterator(chunk_size=500):
        for deadline in ("respond", "resolve"):
            due = actions.running_deadline(case, deadline)
            if due is None:
                continue
            key = f"{deadline}@{due.isoformat()}"
            try:
                if now >= due:
                    if (case.pk, Step.OVERDUE, key) not in done and actions.mark_overdue(
                            case, deadline=deadline, due=due, at=now):
                        overdue += 1
                    continue
                if (case.pk, Step.REMIND, key) in done:
                    continue
                start = case.started or case.referred_at or case.created_at  # type: ignore[attr-defined]
                if now >= warning_time(start, due, urgent=case.subject.urgent,
                                       calendar=calendar) and actions.remind_case(
                        case, deadline=deadline, due=due, at=now):
                    reminded += 1
            except DomainError:
                log.exception("Escalating request %s failed", case.tracking_code)
    return f"reminded {reminded}, overdue {overdue}"


@periodic("cases.planned_due", every=timedelta(hours=1))
def flag_planned_due(now: datetime) -> str:
    """Flag plans whose expected date has passed and tell their citizens, once each."""
    today = timezone.localdate(now)
    planned = Q(case__status=Status.PLANNED)
    done = _recorded([Step.PLAN_DUE], planned)
    flagged = 0
    for case in Case.objects.filter(status=Status.PLANNED, planned_date__lt=today):
        assert case.planned_date is not None
        if (case.pk, Step.PLAN_DUE, f"@{case.planned_date.isoformat()}") in done:
            continue
        if actions.flag_plan_due(case, at=now):
            flagged += 1
    return f"flagged {flagged}"


@periodic("cases.close_unanswered", every=timedelta(hours=1))
def close_unanswered(now: datetime) -> str:
    """Close results the citizen did not answer within the satisfaction window."""
    limit = now - timedelta(days=settings.SATISFACTION_WINDOW_DAYS)
    closed = 0
    waiting = Case.objects.filter(status__in=[Status.RESOLVED, Status.REJECTED],
                                  resolved_at__lte=limit)
    for case in waiting.iterator(chunk_size=500):
        try:
            actions.close_case(case, by=None, at=now)
        except DomainError:  # answered or reopened meanwhile
            continue
        closed += 1
    return f"closed {closed}"


@periodic("cases.question_waits", every=timedelta(hours=1))
def end_question_waits(now: datetime) -> str:
    """Questions the citizen did not answer in the pack's days: go on, or close."""
    city = City.objects.only("answer_wait_days").first()
    limit = now - timedelta(days=city.answer_wait_days if city else 7)
    ended = 0
    waiting = Case.objects.filter(status=Status.AWAITING_CITIZEN, paused_at__lte=limit)
    for case in waiting.iterator(chunk_size=500):
        try:
            if actions.end_question_wait(case, at=now):
                ended += 1
        except DomainError:
            log.exception("Ending the wait of request %s failed", case.tracking_code)
    return f"ended {ended}"
