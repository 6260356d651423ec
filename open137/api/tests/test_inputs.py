from datetime import UTC, date, datetime, timedelta

from django.test import SimpleTestCase, override_settings
from django.test.client import RequestFactory

from open137.api.inputs import parse_date, parse_moment
from open137.core.errors import InvalidInput
from open137.core.ratelimit import NO_ADDRESS, client_address

TEHRAN = timedelta(hours=3, minutes=30)


class DateInputTests(SimpleTestCase):
    def test_gregorian_and_jalali_dates_in_any_digits_and_separators(self) -> None:
        for text in ("2026-05-05", "1405/02/15", "1405-02-15", "۱۴۰۵/۰۲/۱۵", "١٤٠٥/٠٢/١٥",
                     " 1405.2.15 "):
            with self.subTest(text=text):
                self.assertEqual(parse_date(text, field="d"), date(2026, 5, 5))

    def test_impossible_or_malformed_dates_are_refused_on_their_field(self) -> None:
        for text in ("1405/13/01", "2026-02-30", "tomorrow", "05/05/2026", ""):
            with self.subTest(text=text), self.assertRaises(InvalidInput) as ctx:
                parse_date(text, field="expected_date")
            self.assertEqual(ctx.exception.field, "expected_date")

    def test_a_time_with_or_without_offset_and_a_date_alone(self) -> None:
        self.assertEqual(parse_moment("2026-05-05T10:30:00+03:30", field="t"),
                         datetime(2026, 5, 5, 7, 0, tzinfo=UTC))
        self.assertEqual(parse_moment("2026-05-05T10:30:00Z", field="t"),
                         datetime(2026, 5, 5, 10, 30, tzinfo=UTC))
        self.assertEqual(parse_moment("2026-05-05 10:30", field="t"),
                         datetime(2026, 5, 5, 10, 30, tzinfo=UTC) - TEHRAN)
        self.assertEqual(parse_moment("1405/02/15", field="t"),
                         datetime(2026, 5, 5, tzinfo=UTC) - TEHRAN)
        self.assertEqual(parse_moment("1405/02/15", field="t", end_of_day=True),
                         datetime(2026, 5, 6, tzinfo=UTC) - TEHRAN)

    def test_a_plus_sign_that_arrived_as_a_space_is_read_as_a_plus(self) -> None:
        self.assertEqual(parse_moment("2026-05-05T10:30:00 03:30", field="t"),
                         datetime(2026, 5, 5, 7, 0, tzinfo=UTC))

    def test_times_at_the_edges_of_the_calendar_are_refused_not_crashed(self) -> None:
        for text in ("9999-12-31", "0001-01-01T00:00:00+14:00", "2026-05-05T25:00"):
            with self.subTest(text=text), self.assertRaises(InvalidInput):
                parse_moment(text, field="t", end_of_day=True)


class ClientAddressTests(SimpleTestCase):
    def test_only_a_trusted_proxy_names_the_client(self) -> None:
        factory = RequestFactory()
        proxied = factory.get("/", REMOTE_ADDR="10.0.0.2",
                              HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
        with override_settings(FORWARDED_ALLOW_IPS=["10.0.0.2"]):
            self.assertEqual(client_address(proxied), "198.51.100.9")
        with override_settings(FORWARDED_ALLOW_IPS=["127.0.0.1"]):
            self.assertEqual(client_address(proxied), "10.0.0.2")

    def test_the_address_is_always_an_ip_address_a_database_column_takes(self) -> None:
        factory = RequestFactory()
        # Some proxies write "unknown"; a sign-in made by code has no address at all.
        odd = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="unknown")
        with override_settings(FORWARDED_ALLOW_IPS=["10.0.0.2"]):
            self.assertEqual(client_address(odd), "10.0.0.2")
        bare = factory.get("/")
        bare.META.pop("REMOTE_ADDR")
        self.assertEqual(client_address(bare), NO_ADDRESS)
        spaced = factory.get("/", REMOTE_ADDR=" 2001:DB8::1 ")
        self.assertEqual(client_address(spaced), "2001:db8::1")

