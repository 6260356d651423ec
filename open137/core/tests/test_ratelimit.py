from django.test import SimpleTestCase, TestCase

from open137.core.ratelimit import hit, parse_rate


class ParseRateTests(SimpleTestCase):
    def test_rates_parse_into_count_and_seconds(self) -> None:
        self.assertEqual(parse_rate("120/m"), (120, 60))
        self.assertEqual(parse_rate("10/s"), (10, 1))
        self.assertEqual(parse_rate("1000/hour"), (1000, 3600))
        self.assertEqual(parse_rate("10/5m"), (10, 300))

    def test_zero_or_empty_turns_the_limit_off(self) -> None:
        self.assertIsNone(parse_rate("0"))
        self.assertIsNone(parse_rate(""))
        self.assertIsNone(parse_rate("0/m"))

    def test_malformed_rate_is_an_error(self) -> None:
        with self.assertRaises(ValueError):
            parse_rate("fast")


class HitTests(TestCase):
    def test_hits_past_the_limit_are_refused_per_key(self) -> None:
        results = [hit("key-a", "3/h")[0] for _ in range(5)]
        self.assertEqual(results, [True, True, True, False, False])
        self.assertTrue(hit("key-b", "3/h")[0])
        allowed, retry_after = hit("key-a", "3/h")
        self.assertFalse(allowed)
        self.assertGreater(retry_after, 0)

    def test_no_limit_always_allows(self) -> None:
        self.assertTrue(all(hit("key-c", "0")[0] for _ in range(10)))
