"""One reading of numbers, ids and dates from outside: what each reader accepts and refuses."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase

from open137.core import dates
from open137.core.numbers import MAX_ID, digits_in, parse_id, parse_number, parse_whole
from open137.core.text import without_format_marks
from open137.directory.questions import answer, questions

TEHRAN = ZoneInfo("Asia/Tehran")


class IdTests(SimpleTestCase):
    def test_ascii_persian_and_arabic_indic_digits_are_an_id(self) -> None:
        for typed in ("12", "۱۲", "١٢", " 12 ", "\u200f12"):
            with self.subTest(typed=typed):
                self.assertEqual(parse_id(typed), 12)

    def test_other_digits_signs_and_overflowing_numbers_are_no_id(self) -> None:
        for typed in ("²1", "1²", "𝟗", "１２", "Ⅻ", "-1", "+1", "0", "1.0", "1 2", "",
                      None, True, str(MAX_ID + 1), "9" * 40, 2**70, "\x00"):
            with self.subTest(typed=typed):
                self.assertIsNone(parse_id(typed))
        self.assertEqual(parse_id(str(MAX_ID)), MAX_ID)

    def test_a_whole_number_keeps_to_its_bounds(self) -> None:
        self.assertEqual(parse_whole("0"), 0)
        self.assertIsNone(parse_whole("3", maximum=2))
        self.assertIsNone(parse_whole("0", minimum=1))

    def test_digits_in_keeps_only_the_digits_people_mean(self) -> None:
        self.assertEqual(digits_in("۰۹۱۲-۱۲۳ 45²"), "091212345")


class NumberTests(SimpleTestCase):
    def test_each_decimal_mark_and_digit_set_is_read(self) -> None:
        for typed, number in (("35.8", 35.8), ("35,8", 35.8), ("۳۵٫۸", 35.8), ("-51.2", -51.2),
                              ("\u22123", -3.0), (".5", 0.5), ("7", 7.0), (2, 2.0)):
            with self.subTest(typed=typed):
                self.assertEqual(parse_number(typed), number)

    def test_what_is_not_a_finite_plain_number_is_refused(self) -> None:
        for typed in ("NaN", "nan", "Infinity", "-inf", "1e309", "1e3", "1,000.5", "²",
                      "35.8.1", "", None, True, float("nan"), float("inf"), 10**400, "x"):
            with self.subTest(typed=typed):
                self.assertIsNone(parse_number(typed))


class DateTests(SimpleTestCase):
    def test_jalali_and_gregorian_dates_in_any_digits(self) -> None:
        for typed in ("1405/02/15", "۱۴۰۵-۰۲-۱۵", "2026-05-05", "2026.5.5"):
            with self.subTest(typed=typed):
                self.assertEqual(dates.parse_any_date(typed), date(2026, 5, 5))

    def test_years_no_one_means_are_out_of_range_never_an_overflow(self) -> None:
        for typed in ("0001-01-01", "9999-12-31", "۹۹۹۹/۱۲/۲۹", "1299/01/01", "1800-01-01"):
            with self.subTest(typed=typed), self.assertRaises(dates.DateOutOfRange):
                dates.parse_any_date(typed)
        for typed in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"):
            with self.subTest(typed=typed), self.assertRaises(dates.DateOutOfRange):
                dates.parse_moment(typed, TEHRAN)
        with self.assertRaises(dates.DateOutOfRange):
            dates.parse_jalali_month("9999-12")

    def test_a_day_the_calendar_lacks_is_a_plain_value_error(self) -> None:
        with self.assertRaises(ValueError) as raised:
            dates.parse_any_date("1405/13/40")
        self.assertNotIsInstance(raised.exception, dates.DateOutOfRange)
        self.assertTrue(dates.looks_like_a_date("1405/13/40"))

    def test_moments_with_an_offset_without_one_and_dates_alone(self) -> None:
        self.assertEqual(dates.parse_moment("2026-05-05T10:00:00+03:30", TEHRAN),
                         datetime(2026, 5, 5, 6, 30, tzinfo=UTC))
        # A "+" lost to an unencoded query string.
        self.assertEqual(dates.parse_moment("2026-05-05T10:00:00 03:30", TEHRAN),
                         datetime(2026, 5, 5, 6, 30, tzinfo=UTC))
        self.assertEqual(dates.parse_moment("2026-05-05T10:00", TEHRAN),
                         datetime(2026, 5, 5, 6, 30, tzinfo=UTC))
        self.assertEqual(dates.parse_moment("1405/02/15", TEHRAN, end_of_day=True),
                         datetime(2026, 5, 5, 20, 30, tzinfo=UTC))
        self.assertEqual(dates.parse_jalali_month("۱۴۰۵/۸"), (1405, 8))


class FormatMarkTests(SimpleTestCase):
    def test_every_invisible_format_character_goes(self) -> None:
        marks = "\u200e\u200f\u061c\u200c\u200d\ufeff\u202e\u2066\u2069\u00ad"
        self.assertEqual(without_format_marks(f"{marks}1{marks}"), "1")


class QuestionAnswerTests(SimpleTestCase):
    """A service attribute's answer goes through the same readers."""

    def ask(self, datatype: str, typed: str) -> tuple[object, str | None]:
        question = questions([{"code": "q", "datatype": datatype}])[0]
        return answer(question, [typed])

    def test_a_number_answer_takes_persian_marks_and_refuses_nan(self) -> None:
        self.assertEqual(self.ask("number", "۲٫۵"), (2.5, None))
        for typed in ("NaN", "Infinity", "1e309", "²"):
            with self.subTest(typed=typed):
                self.assertIsNotNone(self.ask("number", typed)[1])

    def test_a_moment_answer_in_year_1_or_9999_is_refused(self) -> None:
        for typed in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"):
            with self.subTest(typed=typed):
                self.assertIsNotNone(self.ask("datetime", typed)[1])
        self.assertIsNone(self.ask("datetime", "2026-05-05T10:30:00+03:30")[1])
