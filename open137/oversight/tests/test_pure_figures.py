from datetime import datetime
from unittest import TestCase
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import override

from open137.core.errors import InvalidInput
from open137.oversight.figures import (
    DEFINITIONS,
    Counts,
    age_bucket,
    composite_index,
    index_parts,
    median,
    rank,
    share,
)
from open137.oversight.opendata import FIELDS
from open137.oversight.periods import Month, Period, months_back
from open137.oversight.queries import Grains, combine, per_key, rolled_up

TEHRAN = ZoneInfo("Asia/Tehran")
WEIGHTS = {"compliance": 30, "satisfaction": 25, "reopen": 15, "misroute": 10, "audit": 20}


class FigureArithmeticTests(TestCase):
    def test_a_share_of_nothing_is_no_figure_rather_than_zero(self) -> None:
        self.assertIsNone(share(0, 0))
        self.assertEqual(share(1, 4), 0.25)

    def test_the_median_takes_the_middle_or_the_mean_of_the_middle_two(self) -> None:
        self.assertEqual(median([5.0, 1.0, 3.0]), 3.0)
        self.assertEqual(median([4.0, 1.0]), 2.5)
        self.assertIsNone(median([]))

    def test_backlog_ages_have_closed_lower_bounds(self) -> None:
        self.assertEqual([age_bucket(h) for h in (0, 23.9, 24, 71, 72, 168, 719, 720, 5000)],
                         ["0-1d", "0-1d", "1-3d", "1-3d", "3-7d", "7-30d", "7-30d", "30d+",
                          "30d+"])

    def test_the_index_drops_parts_without_data_and_scales_the_rest(self) -> None:
        parts = {"compliance": 1.0, "satisfaction": 0.5, "reopen": None, "misroute": None,
                 "audit": None}
        self.assertEqual(composite_index(parts, WEIGHTS), round(100 * (30 + 12.5) / 55, 1))
        self.assertIsNone(composite_index(dict.fromkeys(parts), WEIGHTS))

    def test_rates_count_against_the_index_inverted(self) -> None:
        counts = Counts(finished=4, reopens=1, referred=5, misrouted=5)
        parts = index_parts(counts)
        self.assertEqual((parts["reopen"], parts["misroute"]), (0.75, 0.0))

    def test_the_ranking_puts_the_best_first_shares_ties_and_puts_no_data_last(self) -> None:
        good = Counts(first_due=2, first_on_time=2)
        bad = Counts(first_due=2, first_on_time=0)
        ranked = rank([("a", "A", bad), ("b", "B", good), ("c", "C", Counts()),
                       ("d", "D", good)], WEIGHTS)
        self.assertEqual([(r.key, r.rank, r.index) for r in ranked],
                         [("b", 1, 100.0), ("d", 1, 100.0), ("a", 3, 0.0), ("c", None, None)])

    def test_grain_rows_roll_up_into_counts_per_key(self) -> None:
        period = [{"district__code": "d1", "unit__code": "u", "subject__code": "s",
                   "channel": "phone", "volume": 2, "taken_up": 2, "referral_seconds_sum": 10800},
                  {"district__code": "d1", "unit__code": "u", "subject__code": "s",
                   "channel": "web", "volume": 1, "taken_up": 1, "referral_seconds_sum": 0}]
        snapshot = [{"district__code": "d1", "unit__code": "u", "subject__code": "s",
                     "channel": "web", "open": 1, "age_30d+": 1}]
        counts = rolled_up(period, snapshot, [], lambda row: row["district__code"])["d1"]
        self.assertEqual((counts.volume, counts.referral_hours_mean, counts.open,
                          counts.backlog["30d+"]), (3, 1.0, 1, 1))


    def test_grains_sum_rows_of_every_kind_once_and_any_key_sums_the_grains(self) -> None:
        def row(district: str, channel: str, **counts: object) -> dict[str, object]:
            return {"district__code": district, "unit__code": "u", "subject__code": "s",
                    "channel": channel, **counts}

        # Two rows of one grain (counted in advance and live), a missing sum (None), a row
        # without some field, and referral times in steps of ten seconds (360 an hour).
        period = [row("d1", "web", volume=2, taken_up=2, referral_seconds_sum=10800),
                  row("d1", "web", volume=1, taken_up=1, referral_seconds_sum=None),
                  row("d2", "web", volume=4),
                  row("d2", "phone", volume=1, taken_up=1, referral_seconds_sum=7200)]
        snapshot = [row("d1", "web", open=2, overdue=1), row("d2", "sms", open=1)]
        audits = [row("d1", "web", audited=1, audit_yes=3)]
        times = [(period[0], {0: 1, 720: 1}), (period[1], {360: 1}), (period[3], {720: 1})]
        grains = combine((period, snapshot, audits), times)
        self.assertIsInstance(grains, Grains)
        self.assertEqual(len(grains.sums), 4)
        self.assertEqual(grains.times[("d1", "u", "s", "web")], {0: 1, 360: 1, 720: 1})
        by_district = per_key(grains, lambda r: r["district__code"])
        d1, d2 = by_district["d1"], by_district["d2"]
        self.assertEqual((d1.volume, d1.taken_up, d1.referral_hours_mean,
                          d1.referral_hours_median, d1.open, d1.overdue, d1.audit_score),
                         (3, 3, 1.0, 1.0, 2, 1, 0.75))
        self.assertEqual((d2.volume, d2.taken_up, d2.referral_hours_mean,
                          d2.referral_hours_median, d2.open, d2.audited),
                         (5, 1, 2.0, 2.0, 1, 0))
        total = per_key(grains, lambda r: None)[None]
        self.assertEqual((total.volume, total.referral_hours_median, total.open), (8, 1.5, 3))
        # The same sums as rolling the plain rows up directly.
        self.assertEqual(rolled_up(period, snapshot, audits, lambda r: r["channel"])["web"].volume,
                         7)

class JalaliMonthTests(TestCase):
    def test_months_are_read_in_any_digits(self) -> None:
        self.assertEqual(Month.parse("۱۴۰۵-۰۸"), Month(1405, 8))
        self.assertEqual(Month.parse("1405/8"), Month(1405, 8))
        for bad in ("1405-13", "1405", "hello", "", "0099-01"):
            with self.subTest(bad=bad), self.assertRaises(InvalidInput):
                Month.parse(bad)

    def test_a_month_runs_from_midnight_to_midnight_in_tehran(self) -> None:
        start, end = Period(Month(1404, 12), Month(1404, 12)).bounds(TEHRAN)
        self.assertEqual(start, datetime(2026, 2, 20, tzinfo=TEHRAN))  # 1 Esfand 1404
        self.assertEqual(end, datetime(2026, 3, 21, tzinfo=TEHRAN))  # 1 Farvardin 1405
        self.assertEqual(Month.of(datetime(2026, 3, 20, 23, 59).date()), Month(1404, 12))

    def test_a_period_lists_its_months_across_the_new_year(self) -> None:
        self.assertEqual([str(m) for m in Period(Month(1404, 11), Month(1405, 2)).months()],
                         ["1404-11", "1404-12", "1405-01", "1405-02"])
        self.assertEqual(months_back(Month(1405, 2), 3),
                         [Month(1404, 12), Month(1405, 1), Month(1405, 2)])
        with self.assertRaises(InvalidInput):
            Period(Month(1405, 2), Month(1405, 1))

    def test_month_names_follow_the_language(self) -> None:
        self.assertEqual(Month(1404, 8).name(True), "آبان 1404")
        self.assertEqual(Month(1404, 8).name(False), "Aban 1404")


class DocumentationTests(TestCase):
    def test_every_figure_and_open_data_field_is_documented(self) -> None:
        text = (settings.BASE_DIR / "docs" / "oversight.md").read_text(encoding="utf-8")
        flat = " ".join(text.split())
        with override("en"):
            for definition in DEFINITIONS:
                # The docs say each figure in the very words the pages show.
                self.assertIn(f"**{definition.name}** (`{definition.key}`): "
                              f"{' '.join(str(definition.text).split())}", flat)
            for word in ("composite", "inverse", "inverted"):
                self.assertNotIn(word, " ".join(str(d.text) for d in DEFINITIONS).lower())
        for name, _meaning in FIELDS:
            self.assertIn(f"| `{name}` |", text)
