from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase

from open137.deadlines.calendar import (
    WorkingCalendar,
    calendar_deadline,
    deadlines,
)

TEHRAN = ZoneInfo("Asia/Tehran")

NOWRUZ_1405 = {
    date(2026, 3, 20),  # 29 Esfand 1404, oil nationalisation day (a Friday anyway)
    date(2026, 3, 21),  # 1 Farvardin 1405
    date(2026, 3, 22),
    date(2026, 3, 23),
    date(2026, 3, 24),  # 4 Farvardin
    date(2026, 4, 1),  # 12 Farvardin, Islamic Republic Day
    date(2026, 4, 2),  # 13 Farvardin, Nature's Day
}
TASUA_ASHURA_1404 = {date(2025, 7, 5), date(2025, 7, 6)}  # Saturday and Sunday


def tehran(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return an aware Tehran datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


def week(thursday_closes: time | None = time(12, 30)) -> WorkingCalendar:
    """Return the default Iranian week with the test holidays."""
    return WorkingCalendar.iranian_week(
        thursday_closes=thursday_closes, holidays=NOWRUZ_1405 | TASUA_ASHURA_1404
    )


class TheIranianWeek(SimpleTestCase):
    def test_saturday_to_wednesday_run_from_seven_thirty_to_half_past_two(self) -> None:
        cal = week()
        for weekday in (5, 6, 0, 1, 2):
            self.assertEqual(cal.hours[weekday], (time(7, 30), time(14, 30)))

    def test_thursday_is_short_and_friday_is_off(self) -> None:
        cal = week()
        self.assertEqual(cal.hours[3], (time(7, 30), time(12, 30)))
        self.assertIsNone(cal.hours[4])
        self.assertFalse(cal.is_working_day(date(2025, 11, 21)))

    def test_thursday_can_be_made_a_day_off(self) -> None:
        cal = week(thursday_closes=None)
        self.assertFalse(cal.is_working_day(date(2025, 11, 20)))

    def test_holidays_are_not_working_days(self) -> None:
        cal = week()
        self.assertFalse(cal.is_working_day(date(2026, 3, 21)))
        self.assertFalse(cal.is_working_day(date(2025, 7, 5)))
        self.assertTrue(cal.is_working_day(date(2026, 3, 25)))

    def test_a_week_without_seven_days_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            WorkingCalendar(tz=TEHRAN, hours=((time(8), time(16)),) * 6)

    def test_an_opening_after_its_closing_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            WorkingCalendar(tz=TEHRAN, hours=((time(16), time(8)),) * 7)


class AddingWorkingHours(SimpleTestCase):
    def test_a_deadline_crossing_a_friday_skips_it(self) -> None:
        # Wed 13:00 + 10h: 1.5h on Wednesday, 5h on Thursday, none on Friday, 3.5h on Saturday.
        due = week().add_working_hours(tehran(2025, 11, 19, 13), 10)
        self.assertEqual(due, tehran(2025, 11, 22, 11))

    def test_the_result_is_in_utc(self) -> None:
        due = week().add_working_hours(tehran(2025, 11, 19, 13), 10)
        self.assertIs(due.tzinfo, UTC)
        self.assertEqual(due, datetime(2025, 11, 22, 7, 30, tzinfo=UTC))

    def test_thursday_closes_at_half_past_twelve(self) -> None:
        due = week().add_working_hours(tehran(2025, 11, 20, 12), 1)
        self.assertEqual(due, tehran(2025, 11, 22, 8))

    def test_an_end_exactly_at_closing_time_stays_at_closing_time(self) -> None:
        cal = week()
        self.assertEqual(
            cal.add_working_hours(tehran(2025, 11, 20, 10, 30), 2), tehran(2025, 11, 20, 12, 30)
        )
        self.assertEqual(
            cal.add_working_hours(tehran(2025, 11, 22, 7, 30), 7), tehran(2025, 11, 22, 14, 30)
        )

    def test_nowruz_1405_is_skipped(self) -> None:
        # Thursday 19 March 2026, then Friday and 1-4 Farvardin are off until Wednesday 25 March.
        due = week().add_working_hours(tehran(2026, 3, 19, 12), 1)
        self.assertEqual(due, tehran(2026, 3, 25, 8))

    def test_twelfth_and_thirteenth_of_farvardin_1405_are_skipped(self) -> None:
        # Tuesday 31 March; 1 and 2 April are 12-13 Farvardin, 3 April is a Friday.
        due = week().add_working_hours(tehran(2026, 3, 31, 14), 1)
        self.assertEqual(due, tehran(2026, 4, 4, 8))

    def test_a_lunar_holiday_is_skipped(self) -> None:
        # Thursday 3 July 2025, then Friday, Tasua and Ashura: work resumes on Monday.
        due = week().add_working_hours(tehran(2025, 7, 3, 12), 1)
        self.assertEqual(due, tehran(2025, 7, 7, 8))

    def test_a_start_before_opening_begins_at_opening(self) -> None:
        due = week().add_working_hours(tehran(2025, 11, 22, 6), 2)
        self.assertEqual(due, tehran(2025, 11, 22, 9, 30))

    def test_a_start_after_closing_begins_at_the_next_opening(self) -> None:
        due = week().add_working_hours(tehran(2025, 11, 25, 18), 1)
        self.assertEqual(due, tehran(2025, 11, 26, 8, 30))

    def test_a_start_on_a_friday_begins_on_saturday(self) -> None:
        due = week().add_working_hours(tehran(2025, 11, 21, 10), 1)
        self.assertEqual(due, tehran(2025, 11, 22, 8, 30))

    def test_a_start_given_in_utc_is_read_in_the_calendar_time_zone(self) -> None:
        # 21:00 UTC on Tuesday is 00:30 on Wednesday in Tehran.
        due = week().add_working_hours(datetime(2025, 11, 25, 21, tzinfo=UTC), 1)
        self.assertEqual(due, tehran(2025, 11, 26, 8, 30))

    def test_zero_hours_inside_working_hours_returns_the_start(self) -> None:
        start = tehran(2025, 11, 22, 10)
        self.assertEqual(week().add_working_hours(start, 0), start)

    def test_fractional_hours_are_kept(self) -> None:
        due = week().add_working_hours(tehran(2025, 11, 22, 8), 0.25)
        self.assertEqual(due, tehran(2025, 11, 22, 8, 15))

    def test_negative_hours_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            week().add_working_hours(tehran(2025, 11, 22, 8), -1)

    def test_a_naive_start_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            week().add_working_hours(datetime(2025, 11, 22, 8), 1)


class AddingWorkingDays(SimpleTestCase):
    def test_the_start_day_is_not_counted(self) -> None:
        due = week().add_working_days(tehran(2025, 11, 22, 9), 2)
        self.assertEqual(due, tehran(2025, 11, 24, 14, 30))

    def test_a_friday_is_not_counted_and_thursday_closes_early(self) -> None:
        cal = week()
        self.assertEqual(
            cal.add_working_days(tehran(2025, 11, 19, 9), 1), tehran(2025, 11, 20, 12, 30)
        )
        self.assertEqual(
            cal.add_working_days(tehran(2025, 11, 19, 9), 2), tehran(2025, 11, 22, 14, 30)
        )

    def test_nowruz_1405_days_are_not_counted(self) -> None:
        cal = week()
        self.assertEqual(
            cal.add_working_days(tehran(2026, 3, 19, 10), 1), tehran(2026, 3, 25, 14, 30)
        )
        self.assertEqual(
            cal.add_working_days(tehran(2026, 3, 19, 10), 2), tehran(2026, 3, 26, 12, 30)
        )

    def test_zero_days_during_a_working_day_is_that_days_close(self) -> None:
        due = week().add_working_days(tehran(2025, 11, 19, 10), 0)
        self.assertEqual(due, tehran(2025, 11, 19, 14, 30))

    def test_zero_days_before_opening_is_that_days_close(self) -> None:
        due = week().add_working_days(tehran(2025, 11, 19, 6), 0)
        self.assertEqual(due, tehran(2025, 11, 19, 14, 30))

    def test_zero_days_after_closing_is_the_next_working_days_close(self) -> None:
        cal = week()
        self.assertEqual(
            cal.add_working_days(tehran(2025, 11, 19, 15), 0), tehran(2025, 11, 20, 12, 30)
        )
        self.assertEqual(
            cal.add_working_days(tehran(2025, 11, 20, 12, 30), 0), tehran(2025, 11, 22, 14, 30)
        )

    def test_zero_days_on_a_friday_is_saturdays_close(self) -> None:
        due = week().add_working_days(tehran(2025, 11, 21, 10), 0)
        self.assertEqual(due, tehran(2025, 11, 22, 14, 30))

    def test_the_result_is_in_utc(self) -> None:
        due = week().add_working_days(tehran(2025, 11, 19, 10), 0)
        self.assertIs(due.tzinfo, UTC)
        self.assertEqual(due, datetime(2025, 11, 19, 11, 0, tzinfo=UTC))

    def test_negative_days_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            week().add_working_days(tehran(2025, 11, 19, 10), -1)


class WorkingSecondsBetween(SimpleTestCase):
    def test_it_counts_only_working_hours(self) -> None:
        seconds = week().working_seconds_between(tehran(2025, 11, 19, 13), tehran(2025, 11, 22, 11))
        self.assertEqual(seconds, 10 * 3600)

    def test_it_is_zero_when_the_end_is_not_after_the_start(self) -> None:
        cal = week()
        a = tehran(2025, 11, 19, 13)
        self.assertEqual(cal.working_seconds_between(a, a), 0)
        self.assertEqual(cal.working_seconds_between(a, a - timedelta(days=3)), 0)

    def test_it_is_zero_over_a_holiday(self) -> None:
        seconds = week().working_seconds_between(tehran(2026, 3, 21, 8), tehran(2026, 3, 24, 12))
        self.assertEqual(seconds, 0)

    def test_it_undoes_add_working_hours(self) -> None:
        cal = week()
        starts = [
            tehran(2025, 11, 19, 13),
            tehran(2025, 11, 20, 12),
            tehran(2025, 11, 21, 10),
            tehran(2025, 11, 25, 18),
            tehran(2026, 3, 18, 14),
            tehran(2025, 7, 3, 6),
        ]
        for start in starts:
            for hours in (0.5, 1, 7, 10, 36.75, 200):
                with self.subTest(start=start, hours=hours):
                    due = cal.add_working_hours(start, hours)
                    self.assertAlmostEqual(
                        cal.working_seconds_between(start, due), hours * 3600, places=3
                    )

    def test_a_naive_datetime_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            week().working_seconds_between(datetime(2025, 11, 19, 13), tehran(2025, 11, 22, 11))


class UrgentAndOrdinaryDeadlines(SimpleTestCase):
    def test_calendar_deadline_counts_elapsed_hours(self) -> None:
        due = calendar_deadline(tehran(2025, 11, 20, 12), 30)
        self.assertEqual(due, tehran(2025, 11, 21, 18))
        self.assertIs(due.tzinfo, UTC)

    def test_urgent_subjects_run_on_calendar_hours(self) -> None:
        respond_by, resolve_by = deadlines(
            tehran(2025, 11, 20, 12), respond_hours=4, resolve_days=2, urgent=True, calendar=week()
        )
        self.assertEqual(respond_by, tehran(2025, 11, 20, 16))
        self.assertEqual(resolve_by, tehran(2025, 11, 22, 12))

    def test_ordinary_subjects_run_on_clock_hours_of_working_days_and_working_days(
            self) -> None:
        # Thursday noon + 4 hours is 16:00, after the office closed: due at Saturday's
        # opening (Friday is off).
        respond_by, resolve_by = deadlines(
            tehran(2025, 11, 20, 12), respond_hours=4, resolve_days=2, urgent=False, calendar=week()
        )
        self.assertEqual(respond_by, tehran(2025, 11, 22, 7, 30))
        self.assertEqual(resolve_by, tehran(2025, 11, 23, 14, 30))

    def test_forty_eight_hours_from_saturday_morning_are_due_on_monday_morning(self) -> None:
        saturday = tehran(2025, 11, 22, 9)
        respond_by, _resolve_by = deadlines(saturday, respond_hours=48, resolve_days=5,
                                            urgent=False, calendar=week())
        self.assertEqual(respond_by, tehran(2025, 11, 24, 9))

    def test_days_off_do_not_count_towards_the_hours(self) -> None:
        # Wednesday 10:00 + 48 hours: Thursday counts, Friday does not, so Saturday 10:00.
        self.assertEqual(week().add_hours_on_working_days(tehran(2025, 11, 19, 10), 48),
                         tehran(2025, 11, 22, 10))
        # Registered on a Friday: the hours start on Saturday.
        self.assertEqual(week().add_hours_on_working_days(tehran(2025, 11, 21, 10), 24),
                         tehran(2025, 11, 23, 7, 30))

    def test_the_first_action_is_never_due_after_the_result(self) -> None:
        # 72 hours from Saturday 15:00 end on Tuesday 15:00, after closing: Wednesday's
        # opening would be after the result (end of Tuesday), so the result caps it.
        respond_by, resolve_by = deadlines(tehran(2025, 11, 22, 15), respond_hours=72,
                                           resolve_days=3, urgent=False, calendar=week())
        self.assertEqual(resolve_by, tehran(2025, 11, 25, 14, 30))
        self.assertEqual(respond_by, resolve_by)
        urgent = deadlines(tehran(2025, 11, 22, 15), respond_hours=72, resolve_days=1,
                           urgent=True, calendar=week())
        self.assertEqual(urgent[0], urgent[1])

    def test_both_deadlines_are_in_utc(self) -> None:
        for urgent in (True, False):
            pair = deadlines(
                tehran(2025, 11, 20, 12),
                respond_hours=4,
                resolve_days=2,
                urgent=urgent,
                calendar=week(),
            )
            self.assertEqual([d.tzinfo for d in pair], [UTC, UTC])


class AMisconfiguredCalendar(SimpleTestCase):
    def test_a_week_without_working_days_raises_instead_of_looping(self) -> None:
        cal = WorkingCalendar(tz=TEHRAN, hours=(None,) * 7)
        with self.assertRaisesMessage(ValueError, "no working day"):
            cal.add_working_hours(tehran(2025, 11, 19, 13), 1)
        with self.assertRaisesMessage(ValueError, "no working day"):
            cal.add_working_days(tehran(2025, 11, 19, 13), 1)

    def test_holidays_covering_every_working_day_for_years_raise(self) -> None:
        mondays = frozenset(date(2025, 11, 17) + timedelta(weeks=n) for n in range(4 * 53))
        cal = WorkingCalendar(
            tz=TEHRAN, hours=((time(8), time(16)),) + (None,) * 6, holidays=mondays
        )
        with self.assertRaisesMessage(ValueError, "no working day"):
            cal.add_working_hours(tehran(2025, 11, 19, 13), 1)

    def test_a_long_but_finite_break_is_not_taken_for_a_misconfiguration(self) -> None:
        mondays = frozenset(date(2025, 11, 17) + timedelta(weeks=n) for n in range(2 * 52))
        cal = WorkingCalendar(
            tz=TEHRAN, hours=((time(8), time(16)),) + (None,) * 6, holidays=mondays
        )
        due = cal.add_working_hours(tehran(2025, 11, 19, 13), 1)
        self.assertEqual(due, tehran(2027, 11, 15, 9))
