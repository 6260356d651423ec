"""Properties that must hold for every input, not only the examples we thought of."""

from datetime import UTC, datetime, time, timedelta

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from open137.core import tracking
from open137.core.errors import InvalidInput
from open137.core.phones import normalize_phone
from open137.core.text import latin_digits, normalize_text, search_key
from open137.deadlines.calendar import WorkingCalendar

PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC = "٠١٢٣٤٥٦٧٨٩"
ALPHABET = ("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكة ۀأإؤئ\u200c \u064e\u0640\u0654\u0657"
            + PERSIAN + "0129abc")
persian_text = st.text(alphabet=st.sampled_from(list(ALPHABET)), max_size=60)


class NormaliserProperties(SimpleTestCase):
    @given(persian_text)
    def test_normalising_twice_changes_nothing(self, text: str) -> None:
        once = normalize_text(text)
        self.assertEqual(normalize_text(once), once)

    @given(persian_text)
    def test_normalised_text_has_no_arabic_letter_variants_or_foreign_digits(self, t: str) -> None:
        out = normalize_text(t)
        for ch in "يكة" + PERSIAN + ARABIC + "\u0640\u064e":
            self.assertNotIn(ch, out)

    @given(persian_text, persian_text)
    def test_hamzeh_after_a_word_survives_normalisation(self, before: str, after: str) -> None:
        out = normalize_text(f"{before} برنامهٔ {after}")
        self.assertIn("برنامهٔ", out)
        self.assertEqual(out.count("\u0654"), normalize_text(f"{before} {after}").count("\u0654")
                         + 1)

    @given(persian_text)
    def test_search_key_ignores_zwnj_and_letter_variants(self, text: str) -> None:
        variant = text.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")
        self.assertEqual(search_key(text), search_key(variant))


class TrackingCodeProperties(SimpleTestCase):
    @given(st.integers(min_value=10**8, max_value=10**9 - 1), st.integers(0, 9),
           st.integers(1, 9))
    def test_any_single_digit_change_is_caught(self, body: int, pos: int, delta: int) -> None:
        code = str(body) + tracking.check_digit(str(body))
        digits = list(code)
        digits[pos] = str((int(digits[pos]) + delta) % 10)
        self.assertFalse(tracking.is_valid("".join(digits)))

    @given(st.integers(min_value=10**8, max_value=10**9 - 1), st.integers(0, 8))
    def test_any_adjacent_swap_of_different_digits_is_caught(self, body: int, i: int) -> None:
        code = str(body) + tracking.check_digit(str(body))
        if code[i] == code[i + 1]:
            return
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
        self.assertFalse(tracking.is_valid(swapped))

    @given(st.integers(min_value=10**8, max_value=10**9 - 1), st.sampled_from([PERSIAN, ARABIC]))
    def test_codes_typed_in_any_digits_are_recognised(self, body: int, digits: str) -> None:
        code = str(body) + tracking.check_digit(str(body))
        typed = code.translate(str.maketrans("0123456789", digits))
        self.assertTrue(tracking.is_tracking_code(typed))


class PhoneProperties(SimpleTestCase):
    @given(st.sampled_from(["912", "935", "901", "990", "921"]),
           st.integers(min_value=0, max_value=9_999_999),
           st.sampled_from(["0{}", "+98{}", "98{}", "0098{}", "{}"]),
           st.sampled_from([None, PERSIAN, ARABIC]))
    def test_every_form_of_a_mobile_gives_the_same_canonical_number(
            self, prefix: str, rest: int, form: str, digits: str | None) -> None:
        national = f"{prefix}{rest:07d}"
        typed = form.format(national)
        if digits:
            typed = typed.translate(str.maketrans("0123456789", digits))
        self.assertEqual(normalize_phone(typed), "+98" + national)

    @given(st.text(max_size=20))
    def test_any_text_is_either_a_canonical_number_or_a_clear_error(self, text: str) -> None:
        try:
            phone = normalize_phone(text)
        except InvalidInput as e:
            self.assertEqual(e.field, "phone")
        else:
            self.assertRegex(phone, r"^\+98[1-9]\d{9}$")
            self.assertTrue(any(c.isdigit() for c in latin_digits(text)))


class DeadlineProperties(SimpleTestCase):
    calendar = WorkingCalendar.iranian_week(holidays=[datetime(2026, 3, d).date()
                                                      for d in range(20, 25)])

    @settings(max_examples=150)
    @given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1),
                        timezones=st.just(UTC)),
           st.integers(min_value=0, max_value=200))
    def test_working_hours_added_are_exactly_the_working_time_between(
            self, start: datetime, hours: int) -> None:
        end = self.calendar.add_working_hours(start, hours)
        self.assertGreaterEqual(end, start)
        self.assertAlmostEqual(self.calendar.working_seconds_between(start, end), hours * 3600,
                               delta=1)

    @settings(max_examples=150)
    @given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1),
                        timezones=st.just(UTC)),
           st.integers(min_value=1, max_value=40))
    def test_working_day_deadlines_fall_at_close_of_a_working_day(
            self, start: datetime, days: int) -> None:
        end = self.calendar.add_working_days(start, days)
        local = end.astimezone(self.calendar.tz)
        self.assertTrue(self.calendar.is_working_day(local.date()))
        self.assertIn(local.time(), {time(14, 30), time(12, 30)})
        self.assertGreater(end, start + timedelta(days=days) - timedelta(days=1))
