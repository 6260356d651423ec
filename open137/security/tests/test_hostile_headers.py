"""Hostile values in the request's headers, not only its parameters: never a 5xx.

Headers arrive as bytes a proxy or a client chose: "unknown" for an address, a language
no one speaks, an ETag of a megabyte, text that is not UTF-8. Each value goes into each
header alone, on the public pages and interfaces and on the sign-in form (with the lockout
on, as in production), behind the trusted proxy.
"""

from django.conf import settings
from django.test import override_settings

from open137.cases.testing import CityTestCase
from open137.places.streetmap import tile_of
from open137.security.tests.test_hostile_values import HOSTILE

# The catalogue's values a header can carry, and what proxies and clients have been seen
# to put in one.
HEADER_VALUES = [*(v for v in HOSTILE if v in {
    "²1", "\x00", "a\x00b", "\u202eabc\u202c", "😀🏳️‍🌈", "NaN", "-1", "9" * 40, "9999-12-31",
    "", "null", "<script>alert(1)</script>", "x" * 5000}),
    "unknown", "1.2.3.4, unknown", "::ffff:999.1.1.1", "1.2.3.4:5678", "[2001:db8::1]:443",
    "fa-IR;q=abc", "*;q=NaN", "zz, fa;q=2", '"', "W/", "x" * 100_000]
HEADERS = ["HTTP_X_FORWARDED_FOR", "HTTP_ACCEPT_LANGUAGE", "HTTP_IF_NONE_MATCH", "HTTP_ACCEPT",
           "HTTP_REFERER", "HTTP_USER_AGENT", "HTTP_COOKIE", "HTTP_X_REQUESTED_WITH",
           "HTTP_HX_REQUEST", "HTTP_ORIGIN"]


def as_wsgi(value: str) -> str:
    """A header as a WSGI server hands it on: its bytes read as Latin-1."""
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


@override_settings(AXES_ENABLED=True, FORWARDED_ALLOW_IPS=["127.0.0.1"],
                   RATE_LIMIT_TRACK="0", RATE_LIMIT_TRACK_MISSES="0", RATE_LIMIT_PLACES="0",
                   RATE_LIMIT_MAP_TILES="0", RATE_LIMIT_CLASSIFY="0", LOGIN_FAILURE_LIMIT=1000)
class HostileHeaderTests(CityTestCase):
    def pages(self) -> list[tuple[str, str, dict[str, str]]]:
        case = self.new_case()
        x, y = tile_of(51.0, 35.83, 15)
        return [
            ("get", "/portal/", {}),
            ("get", f"/track/{case.tracking_code}", {}),
            ("get", "/transparency/", {}),
            ("get", "/open311/v2/services.json", {}),
            ("get", "/open311/v2/requests.json", {}),
            ("get", f"/open311/v2/requests/{case.pk}.xml", {}),
            ("get", "/api/v1/places", {"q": "گوهردشت"}),
            ("get", f"/places/tiles/15/{x}/{y}.json", {}),
            ("get", "/accounts/login/", {}),
            ("post", "/accounts/login/", {"username": "alice", "password": "wrong"}),
            ("post", "/api/v1/token", {"username": "alice", "password": "wrong"}),
        ]

    def test_no_header_value_brings_a_server_error(self) -> None:
        failures = []
        for method, path, data in self.pages():
            for header in HEADERS:
                for value in HEADER_VALUES:
                    extra = {header: as_wsgi(value)}
                    if header == "HTTP_COOKIE":
                        extra = {header: as_wsgi(f"{settings.LANGUAGE_COOKIE_NAME}={value}")}
                    answer = getattr(self.client, method)(path, data, **extra)
                    if answer.status_code >= 500:
                        failures.append(f"{method.upper()} {path} {header}={value[:40]!r}: "
                                        f"{answer.status_code}")
        self.assertEqual(failures, [])
