import itertools
import random

from django.test import SimpleTestCase

from open137.core import tracking


class TrackingCodeTests(SimpleTestCase):
    def setUp(self) -> None:
        self.sample = [tracking.new_code() for _ in range(300)]

    def test_codes_are_digits_only_and_valid(self) -> None:
        for code in self.sample:
            self.assertEqual(len(code), 10)
            self.assertTrue(code.isdigit())
            self.assertNotEqual(code[0], "0")
            self.assertTrue(tracking.is_valid(code))

    def test_codes_are_not_sequential(self) -> None:
        self.assertEqual(len(set(self.sample)), len(self.sample))
        values = sorted(int(c) for c in self.sample)
        gaps = {b - a for a, b in itertools.pairwise(values)}
        self.assertGreater(len(gaps), 250)

    def test_every_single_digit_error_is_caught(self) -> None:
        for code in self.sample:
            for i in range(len(code)):
                for d in "0123456789":
                    if d != code[i]:
                        self.assertFalse(tracking.is_valid(code[:i] + d + code[i + 1:]))

    def test_every_adjacent_transposition_is_caught(self) -> None:
        for code in self.sample:
            for i in range(len(code) - 1):
                if code[i] != code[i + 1]:
                    swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
                    self.assertFalse(tracking.is_valid(swapped), (code, swapped))

    def test_known_verhoeff_check_digit(self) -> None:
        self.assertEqual(tracking.check_digit("236"), "3")
        self.assertTrue(tracking.is_valid("2363"))

    def test_typed_codes_with_persian_digits_and_spaces_are_recognised(self) -> None:
        code = random.choice(self.sample)
        typed = tracking.grouped(code).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        self.assertTrue(tracking.is_tracking_code(typed))
        self.assertEqual(tracking.clean_code(typed), code)
        self.assertFalse(tracking.is_tracking_code(code[:-1]))
        self.assertFalse(tracking.is_tracking_code("abc"))
