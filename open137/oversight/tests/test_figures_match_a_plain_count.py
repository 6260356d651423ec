"""The database's counts equal a plain count, request by request, after random histories."""

import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.utils import timezone

from open137.cases.demo import create_cases
from open137.cases.models import Case, CaseEvent
from open137.cases.testing import CityTestCase
from open137.cases.workflow import FINISHED, OPEN, Status, Step
from open137.notifications.models import Message
from open137.oversight.figures import AGE_CODES, age_bucket
from open137.oversight.forms import this_month
from open137.oversight.periods import Period, months_back
from open137.oversight.queries import Selection, figures_for, series
from open137.oversight.tests.scenario import deliver, tell_result

KEYS = {"district": lambda c: c.district.code if c.district else None,
        "responsible": lambda c: c.unit.district.code if c.unit and c.unit.district else None,
        "unit": lambda c: c.unit.code if c.unit else None,
        "subject": lambda c: c.subject.code,
        "group": lambda c: c.subject.group.code if c.subject.group else None,
        "channel": lambda c: c.channel}


def plain_counts(cases: list[Case], cohort: set[int], now: datetime) -> dict[str, Any]:
    """Every count of figures.Counts, by walking the requests one by one."""
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for e in CaseEvent.objects.filter(case__in=cases).order_by("at", "pk"):
        events[e.case_id].append(e)
    sent = set(Message.objects.filter(kind__in=["resolved", "rejected", "unanswered"],
                                      status="sent")
               .values_list("case_id", flat=True))
    n: dict[str, Any] = defaultdict(int)
    hours: list[float] = []
    triage: list[float] = []
    lost: list[float] = []
    paused = 0.0
    for c in cases:
        if c.pk in cohort:
            steps = events[c.pk]
            refers = [e.at for e in steps if e.step == Step.REFER]
            dup = c.duplicate_of_id is not None
            finished = c.status in FINISHED and not dup
            n["volume"] += 1
            if refers:
                n["referred"] += 1
            # Taken up: the first step of the unit that finally acts (after the last
            # referral or return).
            moved = [i for i, e in enumerate(steps) if e.step in (Step.REFER, Step.RETURN)]
            taken = [e.at for e in steps[moved[-1] + 1 if moved else 0:] if e.step in {
                Step.ACCEPT, Step.ASK, Step.PLAN, Step.RESOLVE, Step.REJECT}]
            if taken:
                n["taken_up"] += 1
                hours.append((taken[0] - c.created_at).total_seconds() / 3600)
            if refers and any(e.step == Step.TRIAGE for e in steps):
                n["triaged"] += 1
                triage.append((refers[0] - c.created_at).total_seconds() / 3600)
            if refers and any(e.step == Step.RETURN or (
                    e.step == Step.REFER and e.from_status not in
                    {Status.RECEIVED, Status.TRIAGE}) for e in steps):
                lost.append((refers[-1] - refers[0]).total_seconds() / 3600)
            asks = [e for e in steps if e.step == Step.ASK]
            n["questioned"] += bool(asks)
            for ask in asks:
                end = next((e.at for e in steps if e.at >= ask.at and e.pk != ask.pk
                            and e.from_status == Status.AWAITING_CITIZEN
                            and e.to_status != Status.AWAITING_CITIZEN), None)
                paused += (end - ask.at).total_seconds() / 3600 if end else 0
            contacts = sum(e.step == Step.CONTACT for e in steps)
            n["recontacted"] += bool(contacts)
            n["repeat_contacts"] += contacts
            if not dup and c.respond_by and (c.responded_at or c.respond_by < now):
                n["first_due"] += 1
                n["first_on_time"] += bool(c.responded_at and c.responded_at <= c.respond_by)
            if not dup and c.resolve_by and (c.resolved_at or (
                    c.resolve_by < now
                    and c.status not in {Status.PLANNED, Status.AWAITING_CITIZEN})):
                n["result_due"] += 1
                n["result_on_time"] += bool(c.resolved_at and c.resolved_at <= c.resolve_by)
            n["finished"] += finished
            n["reopens"] += sum(e.step == Step.REOPEN for e in steps)
            n["misrouted"] += any(
                e.step == Step.RETURN or (e.step == Step.REFER and e.from_status not in
                                          {Status.RECEIVED, Status.TRIAGE}) for e in steps)
            n["informed"] += finished and c.pk in sent
            n["asked"] += any(e.step in {Step.RESOLVE, Step.REJECT} for e in steps)
            n["answered"] += c.satisfied is not None
            n["satisfied"] += c.satisfied is True
        if c.status in OPEN:
            n["open"] += 1
            n["overdue"] += bool(c.status not in {Status.PLANNED, Status.AWAITING_CITIZEN}
                                 and c.resolve_by and c.resolve_by < now)
            n["awaiting_citizen"] += c.status == Status.AWAITING_CITIZEN
            n["in_triage"] += c.status in {Status.TRIAGE, Status.RETURNED}
            n[f"age_{age_bucket((now - c.created_at).total_seconds() / 3600)}"] += 1
        if c.status == Status.PLANNED:
            n["planned"] += 1
            n["planned_overdue"] += bool(c.planned_date
                                         and c.planned_date < timezone.localdate(now))
    n["referral_hours_median"] = statistics.median(hours) if hours else None
    n["referral_hours_mean"] = statistics.mean(hours) if hours else None
    n["triage_hours_mean"] = statistics.mean(triage) if triage else None
    n["misroute_hours_mean"] = sum(lost) / n["misrouted"] if n["misrouted"] else None
    n["paused_hours_mean"] = paused / n["questioned"] if n["questioned"] else None
    return dict(n)


HOURS = ("referral_hours_median", "referral_hours_mean", "triage_hours_mean",
         "misroute_hours_mean", "paused_hours_mean")


def as_plain(counts: Any, expected: dict[str, Any]) -> dict[str, Any]:
    values = {name: getattr(counts, name) for name in expected
              if not name.startswith("age_") and name not in HOURS}
    values.update({f"age_{code}": counts.backlog[code] for code in AGE_CODES
                   if f"age_{code}" in expected})
    return values


class FiguresMatchAPlainCountTests(CityTestCase):
    def same(self, counts: Any, expected: dict[str, Any]) -> None:
        self.assertEqual(as_plain(counts, expected),
                         {k: v for k, v in expected.items() if k not in HOURS})
        for name in HOURS:  # hours are rounded to 0.01 on either side
            if expected[name] is None:
                self.assertIsNone(getattr(counts, name))
            else:
                self.assertAlmostEqual(getattr(counts, name), expected[name], delta=0.011)

    def check(self, seed: int) -> None:
        create_cases(70, days=100, seed=seed)
        # The citizen of every other finished request was sent the result; the rest wait.
        results = Case.objects.filter(status__in=FINISHED, resolved_at__isnull=False)
        told = [c for c in results.order_by("pk") if c.contact_phone]
        for case in told[::2]:
            tell_result(case, "resolved" if case.status != Status.REJECTED else "rejected",
                        case.resolved_at)
        deliver(timezone.now())
        for case in told[1::2]:
            tell_result(case, "resolved", case.resolved_at)
        now = timezone.now()
        months = months_back(this_month(), 3)
        period = Period(months[0], months[-1])
        sel = Selection(period)
        start, end = sel.bounds()
        cases = list(Case.objects.select_related("district", "unit__district",
                                                 "subject__group"))
        cohort = {c.pk for c in cases if start <= c.created_at < end}
        figures = figures_for(sel, now)
        expected = plain_counts(cases, cohort, now)
        self.same(figures.total(), expected)
        for dimension, key in KEYS.items():
            groups: dict[Any, list[Case]] = defaultdict(list)
            for c in cases:
                groups[key(c)].append(c)
            found = {row.key: row.counts for row in figures.rows(dimension)}
            for value, members in groups.items():
                wanted = plain_counts(members, cohort, now)
                if not any(wanted.get(k) for k in ("volume", "open", "planned")):
                    continue
                if dimension == "responsible" and value is None:
                    self.assertNotIn(None, found)  # organisations are in no district's row
                    continue
                with self.subTest(seed=seed, dimension=dimension, key=value):
                    self.same(found[value], wanted)
        points = series(sel, now)
        self.assertEqual(sum(p["volume"] for p in points), len(cohort))

    def test_counts_agree_after_a_random_history(self) -> None:
        self.check(seed=11)

    def test_counts_agree_after_another_random_history(self) -> None:
        self.check(seed=29)
