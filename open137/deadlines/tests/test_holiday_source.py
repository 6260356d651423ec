import csv
import math
import os
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import jdatetime
from django.test import SimpleTestCase

from open137.deadlines.holiday_source import HolidaySeed, iran_holidays

HOLIDAY_LIST = Path("holidays") / "iran-holidays-1403-1405.csv"
HOLIDAY_RULES = Path("holidays") / "iran-official-holiday-rules.csv"

# Days off that no yearly rule produces: Esfand 30, which exists only in leap years (1403 is one;
# the rules file follows the 1405 calendar, which has none), and the seven days of public
# holiday the government declared for national mourning on 1-7 March 2026 (10-16 Esfand 1404).
OFF_RULE_DAYS = {date(2025, 3, 20)} | {date(2026, 3, d) for d in range(1, 8)}


def real_data() -> Path:
    """Return the folder of third-party data, from OPEN137_REAL_DATA or beside the repository."""
    default = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real"
    return Path(os.environ.get("OPEN137_REAL_DATA", default))


def read_csv(relative: Path) -> list[dict[str, str]] | None:
    """Return the rows of a real-data CSV file, or None if it is absent."""
    path = real_data() / relative
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def jalali(seed: HolidaySeed) -> jdatetime.date:
    """Return the Jalali date of a seed."""
    return jdatetime.date.fromgregorian(date=seed.date)


def tabular_hijri(year: int, month: int, day: int) -> date:
    """Return the Gregorian date of a Hijri date in the arithmetic (tabular) Islamic calendar."""
    epoch = date(622, 7, 19).toordinal()  # 1 Muharram 1 AH, civil epoch
    days = day - 1 + math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + (3 + 11 * year) // 30
    return date.fromordinal(epoch + days)


class IranHolidaysForOneJalaliYear(SimpleTestCase):
    def test_every_date_belongs_to_the_requested_jalali_year(self) -> None:
        for year in (1403, 1404, 1405):
            with self.subTest(year=year):
                self.assertEqual({jalali(s).year for s in iran_holidays(year)}, {year})

    def test_there_is_one_row_per_date_in_date_order(self) -> None:
        for year in (1403, 1404, 1405):
            dates = [s.date for s in iran_holidays(year)]
            self.assertEqual(dates, sorted(set(dates)))

    def test_nowruz_1405_falls_on_21_to_24_march_and_1_to_2_april_2026(self) -> None:
        seeds = {s.date: s for s in iran_holidays(1405)}
        nowruz = [date(2026, 3, d) for d in (21, 22, 23, 24)] + [date(2026, 4, 1), date(2026, 4, 2)]
        for day in nowruz:
            self.assertIn(day, seeds)
            self.assertFalse(seeds[day].estimated)
        self.assertEqual(seeds[date(2026, 4, 2)].name_en, "Nature's Day")
        self.assertEqual(seeds[date(2026, 4, 2)].name_fa, "روز طبیعت")

    def test_a_date_with_two_holidays_joins_their_names_in_the_same_order(self) -> None:
        seeds = {s.date: s for s in iran_holidays(1405)}
        nowruz_and_eid = seeds[date(2026, 3, 21)]
        self.assertEqual(nowruz_and_eid.name_fa, "جشن نوروز؛ عید سعید فطر")
        self.assertEqual(nowruz_and_eid.name_en, "Nowruz; Eid al-Fitr")

    def test_a_lunar_holiday_moves_with_the_lunar_year(self) -> None:
        tasua = {s.date for s in iran_holidays(1404) + iran_holidays(1405) if s.name_en == "Tasua"}
        self.assertEqual(tasua, {date(2025, 7, 5), date(2026, 6, 24)})

    def test_unconfirmed_lunar_dates_are_flagged_and_their_names_carry_no_marker(self) -> None:
        seeds = iran_holidays(1405)
        estimated = {s.date: s.name_en for s in seeds if s.estimated}
        self.assertEqual(estimated[date(2027, 1, 6)], "Isra' and Mi'raj")
        self.assertEqual(len(estimated), 5)
        for seed in seeds:
            self.assertNotIn("estimated", seed.name_en)
            self.assertNotIn("تخمینی", seed.name_fa)

    def test_solar_holidays_are_never_estimated(self) -> None:
        seeds = {s.date: s for s in iran_holidays(1405)}
        self.assertFalse(seeds[date(2027, 2, 11)].estimated)  # 22 Bahman
        self.assertFalse(seeds[date(2027, 3, 20)].estimated)  # 29 Esfand

    def test_esfand_30_of_a_leap_year_is_included(self) -> None:
        last = iran_holidays(1403)[-1]
        self.assertEqual(
            (last.date, jalali(last).month, jalali(last).day), (date(2025, 3, 20), 12, 30)
        )


class AgreementWithTheRealHolidayList(SimpleTestCase):
    """Compare with the list under OPEN137_REAL_DATA (made by `holidays` 0.109 and jdatetime)."""

    def listed(self, year: int) -> dict[date, list[dict[str, str]]]:
        """Return the list's rows for a Jalali year, grouped by Gregorian date."""
        rows = read_csv(HOLIDAY_LIST)
        if rows is None:
            self.skipTest(f"{real_data() / HOLIDAY_LIST} is absent")
        by_date: dict[date, list[dict[str, str]]] = defaultdict(list)
        for row in rows:
            if row["jalali"].startswith(f"{year}-"):
                by_date[date.fromisoformat(row["gregorian"])].append(row)
        return by_date

    def test_confirmed_dates_of_1403_and_1404_match_both_ways(self) -> None:
        for year in (1403, 1404):
            with self.subTest(year=year):
                listed = {
                    day
                    for day, rows in self.listed(year).items()
                    if any(row["estimated"] == "False" for row in rows)
                }
                ours = {s.date for s in iran_holidays(year) if not s.estimated}
                self.assertEqual(ours, listed)

    def test_every_date_and_estimate_flag_of_1405_matches(self) -> None:
        listed = {
            day: all(row["estimated"] == "True" for row in rows)
            for day, rows in self.listed(1405).items()
        }
        self.assertEqual({s.date: s.estimated for s in iran_holidays(1405)}, listed)

    def test_names_match_date_by_date(self) -> None:
        # The list has one row per holiday, but pairs Persian and English names of a shared date
        # crosswise (1403-01-13 reads "روز طبیعت, Martyrdom of Imam Ali"), so compare name sets.
        def unmarked(name: str) -> str:
            return name.removesuffix(" (تخمینی)").removesuffix(" (estimated)")

        for year in (1403, 1404, 1405):
            listed = self.listed(year)
            for seed in iran_holidays(year):
                with self.subTest(date=seed.date):
                    rows = listed[seed.date]
                    self.assertEqual(
                        set(seed.name_fa.split("؛ ")), {unmarked(r["name_fa"]) for r in rows}
                    )
                    self.assertEqual(
                        set(seed.name_en.split("; ")), {unmarked(r["name_en"]) for r in rows}
                    )


class AgreementWithTheOfficialRules(SimpleTestCase):
    """Check against the 28 official rules, a source independent of the `holidays` package."""

    def rules(self) -> list[dict[str, str]]:
        """Return the rules, or skip if the file is absent."""
        rows = read_csv(HOLIDAY_RULES)
        if rows is None:
            self.skipTest(f"{real_data() / HOLIDAY_RULES} is absent")
        return rows

    def solar_rules(self) -> set[tuple[int, int]]:
        """Return the (month, day) of the Solar Hijri rules."""
        return {
            (int(r["month"]), int(r["day"])) for r in self.rules() if r["calendar"] == "Persian"
        }

    def lunar_rule_dates(self, seeds: list[HolidaySeed]) -> list[date]:
        """Return the arithmetic-calendar dates of the lunar rules within the seeds' year."""
        dates = []
        for hijri_year in range(1440, 1452):
            for rule in self.rules():
                if rule["calendar"] != "Hijri":
                    continue
                month = int(rule["month"])
                if rule["rule"] == "simple":
                    day = tabular_hijri(hijri_year, month, int(rule["day"]))
                else:  # the last day of the month
                    day = tabular_hijri(hijri_year, month + 1, 1) - timedelta(days=1)
                if seeds[0].date <= day <= seeds[-1].date:
                    dates.append(day)
        return dates

    def test_every_solar_rule_is_a_holiday_every_year(self) -> None:
        solar = self.solar_rules()
        self.assertEqual(len(solar), 10)
        for year in (1403, 1404, 1405):
            with self.subTest(year=year):
                ours = {(jalali(s).month, jalali(s).day) for s in iran_holidays(year)}
                self.assertLessEqual(solar, ours)

    def test_every_lunar_rule_has_a_holiday_within_two_days_of_its_arithmetic_date(self) -> None:
        # Iran fixes lunar months by sighting the moon, which the arithmetic calendar only
        # approximates: two days either way covers every case in 1403-1405.
        for year in (1403, 1404, 1405):
            seeds = iran_holidays(year)
            for rule_date in self.lunar_rule_dates(seeds):
                with self.subTest(year=year, rule_date=rule_date):
                    self.assertTrue(any(abs((s.date - rule_date).days) <= 2 for s in seeds))

    def test_only_esfand_30_and_the_mourning_of_2026_follow_no_rule(self) -> None:
        solar_rules = self.solar_rules()
        unexplained = set()
        for year in (1403, 1404, 1405):
            seeds = iran_holidays(year)
            rule_dates = self.lunar_rule_dates(seeds)
            for seed in seeds:
                solar = (jalali(seed).month, jalali(seed).day) in solar_rules
                lunar = any(abs((seed.date - d).days) <= 2 for d in rule_dates)
                if not (solar or lunar):
                    unexplained.add(seed.date)
        self.assertEqual(unexplained, OFF_RULE_DAYS)
