import importlib.util
import socket
import unittest
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.core.checks import run_checks
from django.test import SimpleTestCase, TestCase, override_settings

from open137.core.models import RateCounter
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


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@unittest.skipUnless(importlib.util.find_spec("redis") and _redis_answers(),
                     "no Redis server on 127.0.0.1:6379")
class RedisHitTests(TestCase):
    """With REDIS_URL the counters live in Redis, shared by every process, and the
    database is not asked at all."""

    def setUp(self) -> None:
        prefix = f"open137-test-{uuid.uuid4().hex}"
        redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                             "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": prefix}}
        overridden = override_settings(REDIS_CACHE=True, CACHES=redis)
        overridden.enable()
        self.addCleanup(overridden.disable)

    def test_hits_past_the_limit_are_refused_per_key_without_the_database(self) -> None:
        with self.assertNumQueries(0):
            results = [hit("key-a", "3/h")[0] for _ in range(5)]
            other = hit("key-b", "3/h")[0]
        self.assertEqual(results, [True, True, True, False, False])
        self.assertTrue(other)
        self.assertFalse(RateCounter.objects.exists())

    def test_concurrent_hits_are_counted_once_each(self) -> None:
        def burst(_n: int) -> list[bool]:
            return [hit("busy", "60/h")[0] for _ in range(25)]

        with ThreadPoolExecutor(max_workers=4) as pool:
            allowed = [ok for results in pool.map(burst, range(4)) for ok in results]
        self.assertEqual(allowed.count(True), 60)


class RateSettingCheckTests(SimpleTestCase):
    def test_a_malformed_rate_stops_the_start_naming_the_setting(self) -> None:
        with override_settings(RATE_LIMIT_MAP_TILES="lots"):
            errors = [e for e in run_checks() if e.id == "core.E001"]
        self.assertEqual([e.obj for e in errors], ["RATE_LIMIT_MAP_TILES"])
        self.assertIn("RATE_LIMIT_MAP_TILES", errors[0].hint)

    def test_the_shipped_rates_all_read(self) -> None:
        self.assertEqual([e for e in run_checks() if e.id == "core.E001"], [])
