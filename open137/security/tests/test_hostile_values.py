"""Hostile values in every parameter of every URL pattern, as every role: never a 5xx.

The patterns are walked from the resolver (a new pattern without a row in PARAMS fails
`test_every_url_pattern_names_its_parameters`); the permission matrix says how to call each
one and which roles get past its door. Each hostile value goes into each parameter alone,
for the role that reaches furthest, and into every parameter at once for every role; JSON
endpoints also get values of the wrong type. Every call is undone, so that one call's
effect does not change what the next one meets.
"""

import json
import logging
import os
import time
import traceback
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_from_bytes

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from open137.cases import actions
from open137.cases.models import Case
from open137.cases.testing import CityTestCase
from open137.core.errors import InvalidInput
from open137.core.phones import normalize_phone
from open137.core.text import persian_digits
from open137.open311.actions import create_api_key
from open137.security import totp
from open137.security.actions import start_two_factor
from open137.security.tests import test_permission_matrix as matrix
from open137.security.tests.test_permission_matrix import ADMIN_PREFIX, TABLE, url_patterns

MEGABYTE = "x" * 1_000_000
# The catalogue: digits that are not ASCII digits, control and invisible characters, lone
# surrogates (they arrive as JSON escapes or as bytes that are not UTF-8), numbers that are
# not numbers or are too large, dates at the ends of the calendars, markup and long text.
HOSTILE = [
    "²1", "1²", "0912123456²", "𝟗𝟗", "۱۴۰۵/۱۳/۴۰",
    "\x00", "a\x00b", "\ud800", "x\udfffy",
    "\u202eabc\u202c", "\u200f1", "😀🏳️‍🌈",
    "NaN", "-Infinity", "1e309", "-1", "0", "9" * 40, "٫5",
    "0001-01-01", "9999-12-31", "9999-12", "0000-00", "9999-12-31T23:59:59-14:00",
    "۹۹۹۹/۱۲/۲۹", "", "null", "<script>alert(1)</script>", "x" * 5000,
]
# The sharpest of them, for each parameter alone and for every role.
SHARP = ["²1", "NaN", "9999-12-31"]
# Pages read their parameters through the same forms and readers as the machine interfaces
# do: a shorter list keeps the walk quick where each answer is a whole page.
PAGE_VALUES = ["²1", "\x00", "\u202eabc\u202c", "😀🏳️‍🌈", "NaN", "1e309", "-1", "9" * 40,
               "0001-01-01", "9999-12-31", "9999-12", "x" * 5000]
MACHINE_PREFIXES = ("open311/", "api/", "sms/", "messenger/", "transparency/", "portal/")
# Each other role meets one value (they alternate): what differs between roles is scope.
ROLE_VALUES = ["²1", "9999-12"]
# What a JSON body may carry besides text.
JSON_TYPES: list[Any] = [None, True, 1e308, -1, 2**70, [], ["²1"], {}, {"a": "\x00"}]

# Each pattern's parameters (query and form fields; path arguments come from the matrix).
OVERSIGHT_FILTERS = ["month", "to", "from", "period", "district", "responsible", "unit",
                     "group", "subject", "channel"]
API_FILTERS = ["status", "channel", "priority", "service_code", "subject", "kind", "district",
               "unit", "created_after", "created_before", "updated_after", "updated_before",
               "overdue", "q", "page", "page_size", "limit", "offset"]
OPEN311_GET = ["jurisdiction_id", "service_request_id", "service_code", "start_date",
               "end_date", "status", "page", "page_size", "extensions", "lat", "long"]
OPEN311_POST = ["api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
                "address_id", "email", "device_id", "account_id", "first_name", "last_name",
                "phone", "description", "media_url", "attribute[x]"]
INTAKE = ["subject", "subject_query", "kind", "description", "lat", "lon", "lat_value",
          "lon_value", "address", "district", "contact_name", "contact_phone", "duplicate_of",
          "incident", "caller", "attribute_x"]
STEP = ["note", "reason", "expected_date", "unit", "question", "next", "results"]
PARAMS: dict[str, list[str]] = {
    "": ["subject", "kind", "description", "lat", "lon", "address", "name", "phone", "follow",
         "attribute_x"],
    "submitted/": ["code"],
    "track/": ["code"],
    "track/<str:code>": ["phone_end"],
    "track/<str:code>/": ["phone_end"],
    "track/<str:code>/answer": ["answer", "comment", "phone_end"],
    "track/<str:code>/reply": ["reply", "original"],
    "portal/district": ["lat", "lon"],
    "portal/districts.geojson": [],
    "portal/suggest": ["description"],
    "portal/nearby": ["subject", "address", "lat", "lon", "description"],
    "portal/subjects": ["q"],
    "healthz": [],
    "photos/<str:name>.<str:extension>": [],
    "places/tiles/<int:z>/<int:x>/<int:y>.json": ["lang"],
    "i18n/setlang/": ["language", "next"],
    "accounts/login/": ["username", "password", "next"],
    "accounts/two-factor/": ["code", "next"],
    "accounts/two-factor/verify/": ["code", "next"],
    "accounts/logout/": ["next"],
    "accounts/password_change/": ["old_password", "new_password1", "new_password2"],
    "accounts/password_change/done/": [],
    "accounts/password_reset/": ["email"],
    "accounts/password_reset/done/": [],
    "accounts/reset/<uidb64>/<token>/": ["new_password1", "new_password2"],
    "accounts/reset/done/": [],
    "home/": [],
    "oversight/": OVERSIGHT_FILTERS,
    "oversight/requests/": [*OVERSIGHT_FILTERS, "figure", "page"],
    "oversight/requests/<int:pk>/": [],
    "oversight/audits/": ["month", "size"],
    "oversight/audits/<int:pk>/": [],
    "oversight/audits/items/<int:pk>/": ["subject_right", "referral_right", "action_adequate",
                                         "citizen_informed", "comment"],
    "oversight/report/": OVERSIGHT_FILTERS,
    "oversight/export/<slug:table>.xlsx": [*OVERSIGHT_FILTERS, "figure"],
    "oversight/changes/": ["page", "object", "person", "model", "user"],
    "transparency/": OVERSIGHT_FILTERS,
    "transparency/open-data.csv": OVERSIGHT_FILTERS,
    "transparency/open-data.json": OVERSIGHT_FILTERS,
    "transparency/districts/<str:version>.geojson": [],
    "open311/v2/": [],
    "open311/v2/^discovery\\.(?P<fmt>[A-Za-z0-9]+)$": ["jurisdiction_id"],
    "open311/v2/^services\\.(?P<fmt>[A-Za-z0-9]+)$": ["jurisdiction_id"],
    "open311/v2/^services/(?P<code>[^/]+?)\\.(?P<fmt>[A-Za-z0-9]+)$": ["jurisdiction_id"],
    "open311/v2/^requests\\.(?P<fmt>[A-Za-z0-9]+)$": OPEN311_POST,
    "open311/v2/^requests/(?P<service_request_id>[^/]+?)\\.(?P<fmt>[A-Za-z0-9]+)$": [
        "jurisdiction_id", "extensions", "api_key"],
    "open311/v2/^tokens/(?P<token>[^/]+?)\\.(?P<fmt>[A-Za-z0-9]+)$": ["jurisdiction_id"],
    "open311/v2/^(?P<path>.*)$": [],
    "api/v1/token": ["username", "password"],
    "api/v1/requests/": API_FILTERS,
    "api/v1/requests/<str:id>/": ["history"],
    "api/v1/requests/<str:id>/accept/": [],
    "api/v1/requests/<str:id>/resolve/": ["note"],
    "api/v1/requests/<str:id>/return/": ["reason"],
    "api/v1/requests/<str:id>/plan/": ["reason", "expected_date", "note"],
    "api/v1/requests/<str:id>/reject/": ["reason"],
    "api/v1/requests/<str:id>/refer/": ["unit_code", "reason"],
    "api/v1/subjects/": ["q", "page"],
    "api/v1/districts/": ["lat", "lon"],
    "api/v1/units/": ["q"],
    "api/v1/classify": ["text", "limit"],
    "api/v1/places": ["q", "limit"],
    "api/v1/schema/": ["format", "lang"],
    "api/v1/docs/": [],
    "api/v1/^(?P<rest>.*)$": [],
    "desk/": INTAKE,
    "desk/call": INTAKE,
    "desk/lookup": ["code", "q"],
    "desk/suggestions": ["description"],
    "desk/duplicates": INTAKE,
    "desk/questions": ["subject"],
    "desk/alerts/": ["page"],
    "desk/subjects.json": ["q"],
    "desk/locate.json": ["lat", "lon"],
    "desk/districts.geojson": [],
    "desk/triage/": ["page", "q"],
    "desk/triage/returned/": ["page", "q"],
    "desk/triage/overdue/": ["page", "q"],
    "desk/inbox/": ["page", "status", "subject", "q", "overdue", "kind"],
    "desk/inbox/accept/": ["ids", "next"],
    "desk/requests/<int:pk>/": [],
    "desk/requests/<int:pk>/recorded/": [],
    "desk/requests/<int:pk>/photos/<int:photo_pk>/": [],
    "desk/requests/<int:pk>/contact/": ["note", "phone"],
    "desk/requests/<int:pk>/<slug:step>/": STEP,
    "sms/inbound": ["from", "text", "secret"],
    "messenger/update": ["update_id", "message"],
}
# Values that let a call past its first check, so that the hostile one is read.
BASE: dict[str, dict[str, str]] = {
    "sms/inbound": {"secret": "sms-secret", "from": "09121234567", "text": "سلام"},
    "open311/v2/^requests\\.(?P<fmt>[A-Za-z0-9]+)$": {"lat": "35.8", "long": "51.0",
                                                      "description": "چاله"},
}
HEADERS: dict[str, dict[str, str]] = {
    "messenger/update": {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "bot-secret"},
}
# Bodies these take as JSON (they also read form fields).
JSON_BODIES = {"api/v1/token", "api/v1/classify", "sms/inbound", "messenger/update",
               "api/v1/requests/"} | {p for p in PARAMS if p.startswith("api/v1/requests/<")}
# Every step of the desk's step pattern, not only the matrix's "accept".
DESK_STEPS = ["accept", "resolve", "return", "plan", "reject", "refer", "contact", "ask"]
DENIED = {"403", "401", "login"}
# The roles that reach furthest first: each parameter alone is tried as the first of these
# that gets past the pattern's door.
REACH = ("admin", "supervisor", "operator", "staff", "manager", "inspector", "council",
         "token", "apikey", "anon", "other_staff")


def encoded(value: str) -> str:
    """A value as a client puts it in a query string or form body: UTF-8, percent-encoded;
    a lone surrogate goes out as the bytes it would be (not UTF-8)."""
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


def form_body(data: dict[str, str]) -> str:
    return "&".join(f"{encoded(k)}={encoded(v)}" for k, v in data.items())


class HostileValueTests(CityTestCase):
    staff: User
    erin: User
    ivan: User
    carol: User
    ada: User
    own: Case
    other: Case
    token: str
    api_key: str

    @classmethod
    def setUpTestData(cls) -> None:
        matrix.PermissionMatrixTests.setUpTestData.__func__(cls)  # type: ignore[attr-defined]

    def setUp(self) -> None:
        for name in ("django.request", "django.security", "axes", "open137"):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.CRITICAL)
        self.failures: list[str] = []
        self.sent = 0
        self.began = time.monotonic()
        limits = {name: "0" for name in (
            "RATE_LIMIT_PORTAL", "RATE_LIMIT_SMS_INBOUND", "RATE_LIMIT_MESSENGER",
            "RATE_LIMIT_CLASSIFY", "RATE_LIMIT_PLACES", "RATE_LIMIT_OPEN311_POST")}
        overrides = override_settings(**limits, SMS_INBOUND_SECRET="sms-secret",
                                      MESSENGER_API_URL="http://127.0.0.1:9/bot-token",
                                      MESSENGER_WEBHOOK_SECRET="bot-secret")
        overrides.enable()
        self.addCleanup(overrides.disable)

    def users(self) -> dict[str, User | None]:
        return matrix.PermissionMatrixTests.users(self)  # type: ignore[arg-type]

    def value(self, kind: str, case: Case | None) -> str:
        return matrix.PermissionMatrixTests.value(self, kind, case)  # type: ignore[arg-type]

    def url_for(self, pattern: str, args: dict[str, str]) -> str:
        return matrix.PermissionMatrixTests.url_for(self, pattern, args)  # type: ignore[arg-type]

    converter = staticmethod(matrix.PermissionMatrixTests.converter)
    fill_regex = staticmethod(matrix.PermissionMatrixTests.fill_regex)

    # -- calling --------------------------------------------------------------------------

    def sign_in(self, role: str) -> dict[str, Any]:
        user = self.users()[role]
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        if role == "token":
            return {"HTTP_AUTHORIZATION": f"Token {self.token}"}
        return {}

    extra: dict[str, Any]
    role: str

    def call(self, method: str, path: str, data: dict[str, Any], *, role: str,
             extra: dict[str, Any], as_json: bool = False, label: str = "") -> int | None:
        """One call, undone; a 5xx or an exception is recorded as a failure."""
        if role == "apikey" and path.startswith("/open311/"):
            data = {"api_key": self.api_key, **data}
        self.sent += 1
        began = time.monotonic()
        try:
            with transaction.atomic():
                if method == "POST" and as_json:
                    body = json.dumps(data)  # lone surrogates go out as \ud800 escapes
                    response = self.client.generic("POST", path, body,
                                                   "application/json", **extra)
                elif method == "POST":
                    response = self.client.generic(
                        "POST", path, form_body(data),
                        "application/x-www-form-urlencoded", **extra)
                else:
                    query = form_body(data)
                    response = self.client.generic(
                        "GET", path, QUERY_STRING=query, **extra) if query else \
                        self.client.get(path, **extra)
                transaction.set_rollback(True)
        except Exception as error:
            where = traceback.extract_tb(error.__traceback__)[-1]
            self.failures.append(f"{label} {role} {method} {path[:80]!r}: "
                                 f"{type(error).__name__}: {str(error)[:120]} "
                                 f"({where.filename.split('open137/')[-1]}:{where.lineno})")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{label} {role} {method} {path[:80]!r}: "
                                 f"{response.status_code}")
        if os.environ.get("HOSTILE_REPORT") and time.monotonic() - began > 0.5:
            print(f"slow: {time.monotonic() - began:.1f} s {label} {role} "
                  f"{response.status_code}")
        return response.status_code

    def reaches(self, pattern: str) -> list[str]:
        """The roles that get past the pattern's door (for a request: its own unit's)."""
        row = TABLE[pattern]
        return [r for r in REACH if row.expected(r).split("|")[0] not in DENIED] or ["anon"]

    def paths(self, pattern: str) -> list[str]:
        row = TABLE[pattern]
        args = {k: self.value(v, self.own) for k, v in row.args.items()}
        if pattern == "desk/requests/<int:pk>/<slug:step>/":
            return [self.url_for(pattern, {**args, "step": step}) for step in DESK_STEPS]
        return [self.url_for(pattern, args)]

    def report(self) -> None:
        if os.environ.get("HOSTILE_REPORT"):
            print("\n".join(self.failures))
        if os.environ.get("HOSTILE_REPORT"):
            print(f"\n{self.id()}: {self.sent} calls, {time.monotonic() - self.began:.1f} s")
        self.assertEqual(self.failures[:25], [],
                         f"{len(self.failures)} failures in {self.sent} calls")

    # -- the tests ------------------------------------------------------------------------

    def test_every_url_pattern_names_its_parameters(self) -> None:
        missing = [p for p in url_patterns() if not p.startswith(ADMIN_PREFIX)
                   and p not in PARAMS]
        self.assertEqual(missing, [], "say which parameters each new URL pattern reads")
        stale = [p for p in PARAMS if p not in url_patterns()]
        self.assertEqual(stale, [], "parameters for URL patterns that no longer exist")

    def each_pattern(self) -> Iterator[tuple[str, list[str], str, dict[str, Any], list[str]]]:
        """(pattern, parameters, method, base data, paths), signed in as the role that
        reaches furthest."""
        for pattern, names in PARAMS.items():
            role = self.reaches(pattern)[0]
            self.extra = {**self.sign_in(role), **HEADERS.get(pattern, {})}
            self.role = role
            yield pattern, names, TABLE[pattern].method, BASE.get(pattern, {}), \
                self.paths(pattern)

    def test_every_value_in_every_parameter_at_once_never_fails_the_server(self) -> None:
        for pattern, names, method, base, paths in self.each_pattern():
            values = HOSTILE if pattern.startswith(MACHINE_PREFIXES) else PAGE_VALUES
            for path in paths:
                for value in values:
                    self.call(method, path, {**base, **dict.fromkeys(names or ["q"], value)},
                              role=self.role, extra=self.extra,
                              label=f"{pattern} all={value[:12]!r}")
        self.report()

    def test_each_parameter_alone_never_fails_the_server(self) -> None:
        for pattern, names, method, base, paths in self.each_pattern():
            for path in paths[:1]:
                for name in names:
                    for value in SHARP:
                        self.call(method, path, {**base, name: value}, role=self.role,
                                  extra=self.extra, label=f"{pattern} {name}={value!r}")
        self.report()

    def test_every_role_meets_hostile_values_without_a_server_error(self) -> None:
        for index, role in enumerate(REACH):
            extra = self.sign_in(role)
            value = ROLE_VALUES[index % len(ROLE_VALUES)]
            for pattern, names in PARAMS.items():
                reaching = self.reaches(pattern)
                if role not in reaching[1:] and role != "anon":
                    continue  # the furthest role is the tests above'
                self.call(TABLE[pattern].method, self.paths(pattern)[0],
                          {**BASE.get(pattern, {}), **dict.fromkeys(names or ["q"], value)},
                          role=role, extra={**extra, **HEADERS.get(pattern, {})},
                          label=f"{pattern} all={value!r}")
        self.report()

    def test_hostile_path_arguments_never_fail_the_server(self) -> None:
        for pattern in PARAMS:
            row = TABLE[pattern]
            textual = [k for k in row.args if self.converter(pattern, k) in ("str:", "")
                       and k != "fmt"]
            if not textual:
                continue
            for role in {self.reaches(pattern)[0], "anon"}:
                extra = self.sign_in(role)
                for name in textual:
                    for value in HOSTILE[::2]:
                        if not value or "/" in value:
                            continue
                        args = {k: self.value(v, self.own) for k, v in row.args.items()}
                        args[name] = encoded(value)
                        self.call(row.method, self.url_for(pattern, args), {}, role=role,
                                  extra=extra, label=f"{pattern} <{name}>={value[:12]!r}")
        self.report()

    def test_json_bodies_of_every_type_never_fail_the_server(self) -> None:
        for pattern in sorted(JSON_BODIES):
            role = self.reaches(pattern)[0]
            extra = {**self.sign_in(role), **HEADERS.get(pattern, {})}
            names = PARAMS[pattern] or ["text"]
            base = BASE.get(pattern, {})
            for path in self.paths(pattern)[:1]:
                for value in [*SHARP, "\ud800", *JSON_TYPES]:
                    for data in ({**base, name: value} for name in names):
                        self.call("POST", path, data, role=role, extra=extra, as_json=True,
                                  label=f"{pattern} json {data!r:.40}")
                for body in ("[]", "null", "1e999", '"\\ud800"', "{", '{"a": NaN}'):
                    self.sent += 1
                    with transaction.atomic():
                        try:
                            response = self.client.generic("POST", path, body,
                                                           "application/json", **extra)
                            if response.status_code >= 500:
                                self.failures.append(f"{pattern} body {body}: "
                                                     f"{response.status_code}")
                        except Exception as error:
                            self.failures.append(f"{pattern} body {body}: {error!r:.120}")
                        transaction.set_rollback(True)
        self.report()

    def test_a_megabyte_in_every_form_field_never_fails_the_server(self) -> None:
        # Only bodies: a query string that long never reaches the application (the web
        # server refuses a request line over a few kilobytes).
        for pattern, names, method, base, paths in self.each_pattern():
            if method != "POST":
                continue
            self.call(method, paths[0], {**base, **dict.fromkeys(names or ["q"], MEGABYTE)},
                      role=self.role, extra=self.extra, label=f"{pattern} megabyte")
        self.report()

    def test_the_admin_meets_hostile_searches_and_ids_without_a_server_error(self) -> None:
        extra = self.sign_in("admin")
        for model in admin.site._registry:
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            changelist = reverse(f"{name}_changelist")
            for value in SHARP:
                self.call("GET", changelist, {"q": value, "p": value, "o": value},
                          role="admin", extra=extra, label="admin search")
            for value in ("²1", "9" * 40):
                self.call("GET", reverse(f"{name}_change", args=[encoded(value)]), {},
                          role="admin", extra=extra, label="admin id")
        self.report()



@override_settings(SMS_INBOUND_SECRET="sms-secret", RATE_LIMIT_SMS_INBOUND="0")
class HostileFindingsTests(CityTestCase):
    """Each hostile value that once brought a server error (or was stored as if it were
    sound), answered as the interface answers bad input."""

    case: Case
    api_key: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = cls.new_case(cls, contact_phone="09121234567")  # type: ignore[arg-type]
        cls.api_key = create_api_key(name="findings", by=cls.bob)[1]

    def setUp(self) -> None:
        for name in ("django.request", "django.security"):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.CRITICAL)

        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def raw_get(self, path: str, query: str = "") -> Any:
        return self.client.generic("GET", path, QUERY_STRING=query)

    def sms(self, body: dict[str, Any]) -> Any:
        return self.client.post("/sms/inbound", json.dumps(body), "application/json")

    def open311_post(self, **fields: str) -> Any:
        data = {"api_key": self.api_key, "service_code": self.works_subject.code,
                "lat": "35.83", "long": "50.99", "description": "چاله بزرگ", **fields}
        return self.client.post("/open311/v2/requests.json", data)

    # ids, pages, months and dates

    def test_a_superscript_digit_in_an_open311_id_is_not_found(self) -> None:
        self.assertEqual(self.client.get(f"/open311/v2/requests/²{self.case.pk}.json"
                                         ).status_code, 404)
        self.assertEqual(self.client.get(f"/open311/v2/requests/{self.case.pk}².xml"
                                         ).status_code, 404)

    def test_a_superscript_page_is_refused_and_a_superscript_id_matches_nothing(self) -> None:
        response = self.client.get("/open311/v2/requests.json", {"page": "²"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("page", response.json()[0]["description"])
        response = self.client.get("/open311/v2/requests.json",
                                   {"service_request_id": f"²{self.case.pk}"})
        self.assertEqual((response.status_code, response.json()), (200, []))

    def test_persian_digits_still_name_a_request(self) -> None:
        persian = persian_digits(self.case.pk)
        self.assertEqual(self.client.get(f"/open311/v2/requests/{persian}.json").status_code,
                         200)

    def test_a_month_in_year_9999_is_refused_on_every_page_that_reads_months(self) -> None:
        for path in ("/transparency/", "/transparency/open-data.csv",
                     "/transparency/open-data.json"):
            for name in ("month", "from", "to"):
                with self.subTest(path=path, name=name):
                    self.assertEqual(self.client.get(path, {name: "9999-12"}).status_code, 400)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get("/oversight/", {"month": "9999-12"}).status_code, 400)
        self.assertEqual(self.client.get("/oversight/audits/", {"month": "9999-12"}
                                         ).status_code, 302)

    def test_dates_far_from_ours_are_refused_by_the_staff_api_and_the_desk(self) -> None:
        self.client.force_login(self.charlie)
        for when in ("9999-12-31", "0001-01-01", "۹۹۹۹/۱۲/۲۹"):
            with self.subTest(when=when):
                response = self.client.post(f"/api/v1/requests/{self.case.pk}/plan/",
                                            {"reason": "budget", "expected_date": when})
                self.assertEqual(response.status_code, 400)
                self.assertIn("expected_date", response.json())
                response = self.client.post(f"/desk/requests/{self.case.pk}/plan/",
                                            {"reason": "budget", "expected_date": when})
                self.assertEqual(response.status_code, 400)
        response = self.client.get("/api/v1/requests/", {"created_after": "9999-12-31"})
        self.assertEqual(response.status_code, 400)

    def test_a_superscript_id_in_a_bulk_acceptance_is_refused(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.post("/desk/inbox/accept/", {"ids": ["²", "²1", "9" * 40]})
        self.assertEqual(response.status_code, 400)

    def test_a_two_step_code_in_other_digits_is_a_wrong_code(self) -> None:
        device = start_two_factor(self.bob)
        self.assertIsNone(totp.matching_counter(device.secret, "12345²"))
        self.client.force_login(self.bob)
        response = self.client.post("/accounts/two-factor/", {"code": "12345²"})
        self.assertEqual(response.status_code, 400)

    # text that cannot be stored

    def test_a_nul_byte_is_refused_in_each_interfaces_own_format(self) -> None:
        response = self.raw_get("/open311/v2/requests.json", "service_code=a%00b")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()[0]["code"], 400)
        response = self.raw_get("/open311/v2/requests.xml", "service_code=a%00b")
        self.assertEqual(response.status_code, 400)
        self.assertIn(b"<errors>", response.content)
        self.assertEqual(self.client.get("/open311/v2/requests/%00.json").status_code, 400)
        self.client.force_login(self.bob)
        response = self.raw_get("/api/v1/requests/", "q=%00")
        self.assertEqual(response.status_code, 400)
        self.assertIn("detail", response.json())
        response = self.client.post("/portal/nearby", {"subject": "a\x00", "address": "x\x00"})
        self.assertContains(response, "NUL", status_code=400)
        response = self.client.post("/sms/inbound", {"from": "09121234567", "text": "a\x00b",
                                                     "secret": "sms-secret"})
        self.assertEqual((response.status_code, "error" in response.json()), (400, True))
        self.assertEqual(Case.objects.count(), 1)

    def test_a_lone_surrogate_in_sms_json_is_refused_before_the_secret(self) -> None:
        response = self.sms({"from": "09121234567", "text": "\ud800", "secret": "wrong"})
        self.assertEqual(response.status_code, 400)
        response = self.sms({"from": "09121234567", "text": "x", "secret": "\udfff"})
        self.assertEqual(response.status_code, 400)

    def test_a_json_body_nested_too_deeply_is_refused(self) -> None:
        body = "[" * 100_000 + "]" * 100_000
        response = self.client.post("/api/v1/classify", body, "application/json")
        self.assertEqual(response.status_code, 400)

    def test_text_longer_than_its_column_is_refused_on_every_engine(self) -> None:
        response = self.open311_post(address_string="خیابان " * 100)
        self.assertEqual(response.status_code, 400)
        response = self.open311_post(email="a" * 250 + "@example.com")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Case.objects.count(), 1)
        with self.assertRaises(InvalidInput) as raised:
            self.new_case(address="x" * 501)
        self.assertEqual(raised.exception.field, "address")

    # bodies

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000, DATA_UPLOAD_MAX_NUMBER_FIELDS=20,
                       RATE_LIMIT_CLASSIFY="0")
    def test_bodies_too_large_or_with_too_many_fields_are_413_and_400(self) -> None:
        big = json.dumps({"text": "x" * 5000})
        for path in ("/api/v1/classify", "/api/v1/token"):
            with self.subTest(path=path):
                response = self.client.post(path, big, "application/json")
                self.assertEqual(response.status_code, 413)
                self.assertIn("detail", response.json())
                response = self.client.post(path, {f"f{i}": "1" for i in range(50)})
                self.assertEqual(response.status_code, 400)
                self.assertIn("detail", response.json())
        response = self.open311_post(description="x" * 5000)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()[0]["code"], 413)
        response = self.client.post("/", {"description": "x" * 5000})
        self.assertContains(response, "MB", status_code=413)

    # SMS and phones

    def test_a_reply_with_invisible_marks_answers_the_question(self) -> None:
        for mark in ("\u200f", "\u200e", "\u200c", "\u200d", "\ufeff", "\u061c", "\u2066"):
            with self.subTest(mark=repr(mark)):
                case = self.new_case(contact_phone="09121234567")
                actions.resolve_case(case, note="Filled", by=self.charlie)
                response = self.sms({"from": "09121234567", "text": f"{mark}1{mark}",
                                     "secret": "sms-secret"})
                self.assertEqual(response.json()["action"], "satisfied")

    def test_sms_text_that_is_not_text_is_refused(self) -> None:
        for text in (None, 1, ["1"], {"a": 1}):
            with self.subTest(text=text):
                response = self.sms({"from": "09121234567", "text": text,
                                     "secret": "sms-secret"})
                self.assertEqual((response.status_code, response.json()["field"]),
                                 (400, "text"))
        self.assertEqual(Case.objects.count(), 1)

    def test_phones_with_digits_that_are_not_digits_are_refused_everywhere(self) -> None:
        for phone in ("0912123456²", "09121234５67", "𝟎𝟗𝟏𝟐𝟏𝟐𝟑𝟒𝟓𝟔𝟕"):
            with self.subTest(phone=phone):
                with self.assertRaises(InvalidInput):
                    normalize_phone(phone)
                response = self.sms({"from": phone, "text": "چاله", "secret": "sms-secret"})
                self.assertEqual(response.status_code, 400)
                response = self.open311_post(phone=phone)
                self.assertEqual(response.status_code, 400)
        self.assertEqual(normalize_phone("۰۹۱۲۱۲۳۴۵۶۷"), "+989121234567")
