"""Counts taken in advance change no figure: the same with or without a refresh, at any time."""

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from open137.cases import actions as cases
from open137.cases.demo import create_cases
from open137.cases.models import Case
from open137.cases.testing import CityTestCase
from open137.cases.workflow import FINISHED, Status
from open137.directory.models import Subject
from open137.imports import replay
from open137.notifications.models import Message
from open137.oversight import pages
from open137.oversight.actions import refresh_month, refresh_rollups
from open137.oversight.forms import this_month
from open137.oversight.models import MonthlyCounts, RollupMonth
from open137.oversight.periods import Month, Period, months_back
from open137.oversight.queries import DIMENSIONS, Selection, figures_for, series
from open137.oversight.rollups import sealed
from open137.oversight.tests.scenario import deliver, tell_result


def everything(sel: Selection, now: datetime) -> dict[str, Any]:
    """Every number the dashboard shows for a selection, as plain values."""
    f = figures_for(sel, now)
    shown: dict[str, Any] = {"total": asdict(f.total()), "series": series(sel, now)}
    for dimension in DIMENSIONS:
        shown[dimension] = {row.key: asdict(row.counts) for row in f.rows(dimension)}
    return shown


class RollupTests(CityTestCase):
    def history(self, seed: int) -> datetime:
        """Random requests over five months, some closed long ago; half the results told."""
        create_cases(90, days=150, seed=seed)
        results = Case.objects.filter(status__in=FINISHED, resolved_at__isnull=False)
        told = [c for c in results.order_by("pk") if c.contact_phone]
        for case in told[::2]:
            tell_result(case, "resolved" if case.status != Status.REJECTED else "rejected",
                        case.resolved_at)
        deliver(timezone.now())
        for case in told[1::2]:
            tell_result(case, "resolved", case.resolved_at)
        return timezone.now()

    def selections(self) -> list[Selection]:
        months = months_back(this_month(), 6)
        some = Case.objects.filter(district__isnull=False).select_related("district",
                                                                           "subject").first()
        assert some is not None and some.district is not None
        wide = Period(months[0], months[-1])
        return [Selection(wide), Selection(Period(months[2], months[2])),
                Selection(Period(months[1], months[3])),
                Selection(wide, district=some.district.code),
                Selection(wide, subject=some.subject.code, channel=some.channel),
                Selection(wide, district="none")]

    def check_same(self, seed: int) -> None:
        now = self.history(seed)
        before = [everything(sel, now) for sel in self.selections()]
        # Refreshed at several moments: long ago (little sealed), recently, and now.
        for cutoff in (now - timedelta(days=100), now - timedelta(days=20), now):
            refresh_rollups(now=cutoff, full=True)
            with self.subTest(seed=seed, cutoff=cutoff):
                self.assertEqual([everything(sel, now) for sel in self.selections()], before)
        sealed_now = Case.objects.filter(sealed(now)).count()
        self.assertGreater(sealed_now, 10)  # the refresh did take requests in advance
        self.assertEqual(sum(MonthlyCounts.objects.values_list("volume", flat=True)), sealed_now)

    def test_figures_are_the_same_with_or_without_a_refresh(self) -> None:
        self.check_same(seed=5)

    def test_figures_are_the_same_after_another_history(self) -> None:
        self.check_same(seed=41)

    def test_a_month_never_counted_is_counted_live_in_full(self) -> None:
        now = self.history(seed=7)
        sel = self.selections()[0]
        before = everything(sel, now)
        months = sel.period.months()
        for month in months[::2]:
            refresh_month(month, cutoff=now)
        self.assertEqual(RollupMonth.objects.count(), len(months[::2]))
        self.assertEqual(everything(sel, now), before)

    def test_a_later_change_counts_its_month_again(self) -> None:
        now = self.history(seed=13)
        # The history happened well before the refresh (changes just before one are
        # counted again by the next, in case they were not yet committed).
        Case.objects.update(updated_at=now - timedelta(hours=3))
        Message.objects.update(sent_at=now - timedelta(hours=3))
        self.assertTrue(refresh_rollups(now=now))
        self.assertEqual(refresh_rollups(now=now), [])  # nothing changed since
        old = Case.objects.filter(sealed(now), contact_phone__gt="").order_by("created_at")[0]
        month = Month.of(timezone.localdate(old.created_at))
        cases.anonymise_case(old, by=None)
        self.assertEqual(refresh_rollups(now=now + timedelta(hours=4)), [month])

    def test_a_new_request_in_a_counted_month_is_counted_after_the_refresh(self) -> None:
        now = self.history(seed=17)
        refresh_rollups(now=now)
        month = this_month().previous().previous()
        sel = Selection(Period(month, month))
        volume = figures_for(sel, now).total().volume
        start = month.start(timezone.get_current_timezone()) + timedelta(days=3)
        subject = Subject.objects.filter(active=True).first()
        assert subject is not None
        # An old request brought in from another system, closed long ago: sealed at once.
        [pk] = replay.import_cases([replay.ImportedCase(
            subject=subject, created_at=start, result_note="Repaired.",
            closed_at=start + timedelta(days=2))], by=None)
        assert isinstance(pk, int), pk
        self.assertIn(month, refresh_rollups(now=timezone.now()))
        self.assertTrue(Case.objects.filter(pk=pk).filter(sealed(timezone.now())).exists())
        self.assertEqual(figures_for(sel, now).total().volume, volume + 1)

    def test_the_dashboard_takes_as_many_queries_whatever_was_counted(self) -> None:
        now = self.history(seed=23)
        sel = self.selections()[0]
        self.assertEqual(len(sel.period.months()), 6)

        def queries() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                pages.dashboard(sel, with_ranking=True)
            return len(captured.captured_queries)

        live = queries()
        refresh_rollups(now=now)
        self.assertEqual(queries(), live)
        # Subject groups; the units' districts; the counted months' cutoffs, their sums, their
        # referral times
        # and the cutoffs again; the other requests; snapshot; audits.
        with self.assertNumQueries(9):
            figures_for(sel, now)
        with self.assertNumQueries(2):
            series(sel, now)

    def test_sums_by_the_database_equal_the_stored_rows_added_up(self) -> None:
        from open137.oversight import rollups
        from open137.oversight.queries import GRAIN

        now = self.history(seed=23)
        refresh_rollups(now=now)
        rows = MonthlyCounts.objects.all()
        summed, cutoffs = rollups.counted_rows(rows, GRAIN)
        one_by_one, cutoffs_too = rollups._counted_row_by_row(rows, GRAIN)
        self.assertEqual(cutoffs, cutoffs_too)
        self.assertTrue(summed)
        added: dict[tuple[object, ...], dict[str, object]] = {}
        times: dict[tuple[object, ...], dict[int, int]] = {}
        for row, histogram in one_by_one:
            key = tuple(row[g] for g in GRAIN)
            total = added.setdefault(key, {})
            for name, value in row.items():
                if name not in GRAIN:
                    total[name] = total.get(name, 0) + value  # type: ignore[operator]
            merged = times.setdefault(key, {})
            for step, count in histogram.items():
                merged[step] = merged.get(step, 0) + count
        for row, histogram in summed:
            key = tuple(row[g] for g in GRAIN)
            for name, value in added[key].items():
                self.assertAlmostEqual(row[name], value, places=6)
            self.assertEqual(histogram, {k: v for k, v in times[key].items() if v})
        self.assertEqual(len(summed), len(added))
