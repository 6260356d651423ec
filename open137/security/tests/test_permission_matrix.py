"""Every URL of the project x every role x own/other request: who gets what.

The table below has one row per URL pattern (walked from the resolver, so a new pattern
without a row fails `test_every_url_pattern_has_a_row`). A row names the method, the URL
arguments and, per role, the expected answer: a status code, "login" (redirect to a sign-in
page) or "3xx" (any other redirect). Rows about one request give two answers, "own|other":
the request at the unit of charlie (unit staff) and erin (its manager), and a request at
another unit. The Django admin's patterns are covered by one generated row per registered
model (its list page), so that a new admin model is checked too.
"""

import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from open137.cases.models import Case
from open137.cases.testing import CityTestCase, make_user, set_up_city
from open137.directory.models import City, Staff, Subject
from open137.open311.actions import create_api_key

# staff: charlie, unit staff of the unit that owns "own"; other_staff: dave, of another
# unit; manager: erin, manager of charlie's unit; token: charlie's API token and no session;
# apikey: an Open311 API key and no session.
ROLES = ("anon", "operator", "supervisor", "staff", "other_staff", "manager", "inspector",
         "council", "admin", "token", "apikey")
ADMIN_PREFIX = "admin/"


@dataclass
class Row:
    """One URL pattern: how to call it and what each role gets."""

    args: dict[str, str] = field(default_factory=dict)
    expect: dict[str, str] = field(default_factory=dict)
    method: str = "GET"

    def expected(self, role: str) -> str:
        return self.expect[role]


def everyone(answer: str, **others: str) -> dict[str, str]:
    return {role: others.get(role, answer) for role in ROLES}


def signed_in(answer: str, anon: str = "login", **others: str) -> dict[str, str]:
    """Every staff role gets `answer`; anonymous users (and credentials that do not sign in
    to pages: an API token, an Open311 key) are sent to sign in."""
    return everyone(answer, **{"anon": anon, "token": anon, "apikey": anon, **others})


CENTRE = ("operator", "supervisor", "admin")
OVERSIGHT_READERS = ("supervisor", "manager", "inspector", "council", "admin")

# Desk pages about one request: the centre and oversight see every request; unit staff and
# managers only their unit's, 404 for others (also when guessing ids).
CASE_PAGE = signed_in("200|200", anon="login|login", staff="200|404", other_staff="404|200",
                      manager="200|404")
API_CASE = signed_in("200|200", anon="401|401", staff="200|404", other_staff="404|200",
                     manager="200|404", token="200|404", apikey="401|401")


def api_step(staff: str, supervisor: str = "400|400") -> dict[str, str]:
    """POSTing a step with no data: 400 when allowed, 403 when not, 404 when out of scope."""
    return signed_in("403|403", anon="401|401", apikey="401|401", supervisor=supervisor,
                     admin=supervisor, staff=staff, manager=staff, token=staff,
                     other_staff=staff.split("|")[1] + "|" + staff.split("|")[0])


TABLE: dict[str, Row] = {
    # portal: public
    "": Row(expect=everyone("200")),
    "submitted/": Row(expect=everyone("3xx")),
    "track/": Row(expect=everyone("200")),
    "track/<str:code>": Row({"code": "code"}, everyone("200|200")),
    "track/<str:code>/": Row({"code": "code"}, everyone("200|200")),
    "track/<str:code>/answer": Row({"code": "code"}, everyone("3xx|3xx"), method="POST"),
    # No question is waiting: told so on the tracking page.
    "track/<str:code>/reply": Row({"code": "code"}, everyone("3xx|3xx"), method="POST"),
    "portal/district": Row(expect=everyone("400")),
    "portal/districts.geojson": Row(expect=everyone("200")),
    "portal/suggest": Row(expect=everyone("200"), method="POST"),
    "portal/nearby": Row(expect=everyone("200"), method="POST"),
    "portal/subjects": Row(expect=everyone("200")),
    # web
    "healthz": Row(expect=everyone("200")),
    # A photo's address carries its signature: a made-up one is not found, by anyone.
    "photos/<str:name>.<str:extension>": Row({"name": "1-nokey", "extension": "jpg"},
                                             everyone("404")),
    "places/tiles/<int:z>/<int:x>/<int:y>.json": Row({"z": "14", "x": "10500", "y": "6450"},
                                                     everyone("200")),
    "i18n/setlang/": Row(expect=everyone("3xx"), method="POST"),
    "accounts/login/": Row(expect=everyone("200")),
    # Without an authenticator, the enrolment page shows a new key; verify asks for a code.
    "accounts/two-factor/": Row(expect=signed_in("200")),
    "accounts/two-factor/verify/": Row(expect=signed_in("200")),
    "accounts/logout/": Row(expect=everyone("3xx"), method="POST"),
    "accounts/password_change/": Row(expect=signed_in("200")),
    "accounts/password_change/done/": Row(expect=signed_in("200")),
    "accounts/password_reset/": Row(expect=everyone("200")),
    "accounts/password_reset/done/": Row(expect=everyone("200")),
    "accounts/reset/<uidb64>/<token>/": Row({"uidb64": "x", "token": "x"}, everyone("200")),
    "accounts/reset/done/": Row(expect=everyone("200")),
    "home/": Row(expect=signed_in("3xx")),
    # oversight
    "oversight/": Row(expect=signed_in("403", **dict.fromkeys(OVERSIGHT_READERS, "200"))),
    "oversight/requests/": Row(expect=signed_in("403",
                                                **dict.fromkeys(OVERSIGHT_READERS, "200"))),
    "oversight/requests/<int:pk>/": Row({"pk": "pk"}, signed_in(
        "403|403", anon="login|login", token="login|login", apikey="login|login",
        manager="200|404", **dict.fromkeys(("supervisor", "inspector", "council", "admin"),
                                           "200|200"))),
    "oversight/audits/": Row(expect=signed_in("403", **dict.fromkeys(OVERSIGHT_READERS, "200"))),
    "oversight/audits/<int:pk>/": Row({"pk": "missing"}, signed_in(
        "403", **dict.fromkeys(OVERSIGHT_READERS, "404"))),
    # Only inspectors grade audits.
    "oversight/audits/items/<int:pk>/": Row({"pk": "missing"}, signed_in("403",
                                                                         inspector="404")),
    "oversight/report/": Row(expect=signed_in("403", **dict.fromkeys(OVERSIGHT_READERS, "200"))),
    "oversight/export/<slug:table>.xlsx": Row({"table": "requests"}, signed_in(
        "403", **dict.fromkeys(OVERSIGHT_READERS, "200"))),
    # the audit trail of configuration: inspectors and administrators only
    "oversight/changes/": Row(expect=signed_in("403", inspector="200", admin="200")),
    # transparency: public
    "transparency/": Row(expect=everyone("200")),
    "transparency/open-data.csv": Row(expect=everyone("200")),
    "transparency/open-data.json": Row(expect=everyone("200")),
    "transparency/districts/<str:version>.geojson": Row({"version": "version"},
                                                        everyone("200")),
    # Open311: reading is public, writing needs a key
    "open311/v2/": Row(expect=everyone("3xx")),
    "open311/v2/^discovery\\.(?P<fmt>[A-Za-z0-9]+)$": Row({"fmt": "json"}, everyone("200")),
    "open311/v2/^services\\.(?P<fmt>[A-Za-z0-9]+)$": Row({"fmt": "json"}, everyone("200")),
    "open311/v2/^services/(?P<code>[^/]+?)\\.(?P<fmt>[A-Za-z0-9]+)$": Row(
        {"code": "service", "fmt": "json"}, everyone("200")),
    "open311/v2/^requests\\.(?P<fmt>[A-Za-z0-9]+)$": Row(
        {"fmt": "json"}, everyone("403", apikey="400"), method="POST"),
    "open311/v2/^requests/(?P<service_request_id>[^/]+?)\\.(?P<fmt>[A-Za-z0-9]+)$": Row(
        {"service_request_id": "pk", "fmt": "json"}, everyone("200|200")),
    "open311/v2/^tokens/(?P<token>[^/]+?)\\.(?P<fmt>[A-Za-z0-9]+)$": Row(
        {"token": "x", "fmt": "json"}, everyone("404")),
    "open311/v2/^(?P<path>.*)$": Row({"path": "nothing-here"}, everyone("404")),
    # staff API: tokens or a session; 401 without
    "api/v1/token": Row(expect=everyone("400"), method="POST"),
    "api/v1/requests/": Row(expect=signed_in("200", anon="401", apikey="401", token="200")),
    "api/v1/requests/<str:id>/": Row({"id": "pk"}, API_CASE),
    # Accepting needs no data: it succeeds for those who may.
    "api/v1/requests/<str:id>/accept/": Row({"id": "pk"}, api_step("200|404", "200|200"),
                                            method="POST"),
    "api/v1/requests/<str:id>/resolve/": Row({"id": "pk"}, api_step("400|404"), method="POST"),
    "api/v1/requests/<str:id>/return/": Row({"id": "pk"}, api_step("400|404"), method="POST"),
    "api/v1/requests/<str:id>/plan/": Row({"id": "pk"}, api_step("400|404"), method="POST"),
    "api/v1/requests/<str:id>/reject/": Row({"id": "pk"}, api_step("400|404"), method="POST"),
    "api/v1/requests/<str:id>/refer/": Row({"id": "pk"}, api_step("403|404"), method="POST"),
    "api/v1/subjects/": Row(expect=signed_in("200", anon="401", apikey="401", token="200")),
    "api/v1/districts/": Row(expect=signed_in("200", anon="401", apikey="401", token="200")),
    "api/v1/units/": Row(expect=signed_in("200", anon="401", apikey="401", token="200")),
    # Open to everyone (the portal uses it), limited per address; empty text is refused.
    "api/v1/classify": Row(expect=everyone("400"), method="POST"),
    # The address search: open to everyone (the portal's address field), limited per
    # address; a request without a query is refused.
    "api/v1/places": Row(expect=everyone("400")),
    "api/v1/schema/": Row(expect=everyone("200")),
    "api/v1/docs/": Row(expect=everyone("200")),
    "api/v1/^(?P<rest>.*)$": Row({"rest": "nothing-here"}, everyone("404")),
    # desk
    # intake: the centre only (operators, supervisors, administrators)
    "desk/": Row(expect=signed_in("403", **dict.fromkeys(CENTRE, "200"))),
    "desk/call": Row(expect=signed_in("403", **dict.fromkeys(CENTRE, "200"))),
    "desk/lookup": Row(expect=signed_in("403", **dict.fromkeys(CENTRE, "400"))),
    "desk/suggestions": Row(expect=signed_in("403", **dict.fromkeys(CENTRE, "200"))),
    "desk/duplicates": Row(expect=signed_in("403", **dict.fromkeys(CENTRE, "200"))),
    "desk/questions": Row(expect=signed_in("403", **dict.fromkeys(CENTRE, "200"))),
    "desk/alerts/": Row(expect=signed_in("403", supervisor="200", admin="200")),
    "desk/subjects.json": Row(expect=signed_in("200")),
    "desk/locate.json": Row(expect=signed_in("400")),
    "desk/districts.geojson": Row(expect=signed_in("200")),
    "desk/triage/": Row(expect=signed_in("403", supervisor="200", admin="200")),
    "desk/triage/returned/": Row(expect=signed_in("403", supervisor="200", admin="200")),
    "desk/triage/overdue/": Row(expect=signed_in("403", supervisor="200", admin="200")),
    "desk/inbox/": Row(expect=signed_in("403", staff="200", other_staff="200", manager="200")),
    "desk/inbox/accept/": Row(expect=signed_in("403", staff="400", other_staff="400",
                                               manager="400"), method="POST"),
    "desk/requests/<int:pk>/": Row({"pk": "pk"}, CASE_PAGE),
    "desk/requests/<int:pk>/recorded/": Row({"pk": "pk"}, signed_in(
        "403|403", anon="login|login", **dict.fromkeys(CENTRE, "200|200"))),
    "desk/requests/<int:pk>/photos/<int:photo_pk>/": Row(
        {"pk": "pk", "photo_pk": "missing"}, signed_in(
            "404|404", anon="login|login", token="login|login", apikey="login|login")),
    "desk/requests/<int:pk>/<slug:step>/": Row({"pk": "pk", "step": "accept"}, signed_in(
        "403|403", anon="login|login", token="login|login", apikey="login|login",
        supervisor="3xx|3xx", admin="3xx|3xx", staff="3xx|404", manager="3xx|404",
        other_staff="404|3xx"), method="POST"),
    # A repeat contact: the centre records it; units and readers may not.
    "desk/requests/<int:pk>/contact/": Row({"pk": "pk"}, signed_in(
        "403|403", anon="login|login", token="login|login", apikey="login|login",
        **dict.fromkeys(CENTRE, "3xx|3xx"), staff="403|404", manager="403|404",
        other_staff="404|403"), method="POST"),
    # SMS gateway: a shared secret, never a session
    "sms/inbound": Row(expect=everyone("403"), method="POST"),
    # Messenger webhook: the platform's secret, never a session; no address without a bot
    "messenger/update": Row(expect=everyone("404"), method="POST"),
}
# The admin: only administrators; everybody else is sent to the admin's sign-in page.
ADMIN_ROW = Row(expect=everyone("login", admin="200"))


def url_patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found += url_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + str(pattern.pattern))
    return found


class PermissionMatrixTests(CityTestCase):
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
        set_up_city(cls)
        cls.staff = cls.charlie
        cls.erin = make_user("erin", Staff.Role.UNIT_MANAGER, cls.unit)
        cls.ivan = make_user("ivan", Staff.Role.INSPECTOR)
        cls.carol = make_user("carol", Staff.Role.COUNCIL)
        cls.ada = make_user("ada", Staff.Role.ADMIN)
        cls.ada.is_staff = cls.ada.is_superuser = True
        cls.ada.save()
        maker = CityTestCase.new_case
        cls.own = maker(cls, contact_phone="09121234567")  # type: ignore[arg-type]
        at_dave = Subject.objects.filter(handler=f"org:{cls.other_unit.code}")[0]
        cls.other = maker(cls, subject=at_dave, contact_phone="09121234568")  # type: ignore[arg-type]
        assert cls.own.unit == cls.unit, "the own request is at charlie's unit"
        assert cls.other.unit == cls.other_unit, "the other request is at dave's unit"
        cls.token = Token.objects.create(user=cls.staff).key
        cls.api_key = create_api_key(name="matrix", by=cls.ada)[1]

    def setUp(self) -> None:
        # Refusals are the point here; their log lines are noise.
        logger = logging.getLogger("django.request")
        level = logger.level
        logger.setLevel(logging.CRITICAL)
        self.addCleanup(logger.setLevel, level)

    def users(self) -> dict[str, User | None]:
        return {"anon": None, "operator": self.alice, "supervisor": self.bob,
                "staff": self.staff, "other_staff": self.dave,
                "manager": self.erin, "inspector": self.ivan, "council": self.carol,
                "admin": self.ada, "token": None, "apikey": None}

    def value(self, kind: str, case: Case | None) -> str:
        if kind == "pk":
            assert case is not None
            return str(case.pk)
        if kind == "code":
            assert case is not None
            return case.tracking_code
        if kind == "missing":
            return "999999"
        if kind == "version":
            return City.objects.get().config_version or "none"
        if kind == "service":
            return Subject.objects.filter(active=True).order_by("pk")[0].code
        return kind

    def answer(self, role: str, method: str, url: str) -> str:
        extra: dict[str, Any] = {}
        data: dict[str, str] = {}
        if role == "token":
            extra["HTTP_AUTHORIZATION"] = f"Token {self.token}"
        if role == "apikey" and url.startswith("/open311/"):
            data["api_key"] = self.api_key
        # Each call is undone, so that one role's accepted request does not change what
        # the next role sees.
        with transaction.atomic():
            if method == "POST":
                response = self.client.post(url, data, **extra)
            else:
                response = self.client.get(url, data, **extra)
            transaction.set_rollback(True)
        if 300 <= response.status_code < 400:
            location = response.get("Location", "")
            return "login" if "/login/" in location else "3xx"
        return str(response.status_code)

    def test_every_url_pattern_has_a_row(self) -> None:
        missing = [p for p in url_patterns() if not p.startswith(ADMIN_PREFIX) and p not in TABLE]
        self.assertEqual(missing, [], "add a row to the permission matrix for each new URL")
        stale = [p for p in TABLE if p not in url_patterns()]
        self.assertEqual(stale, [], "rows for URL patterns that no longer exist")
        incomplete = [p for p, row in TABLE.items() if set(row.expect) != set(ROLES)]
        self.assertEqual(incomplete, [], "rows that do not say what every role gets")

    def test_every_role_gets_what_the_table_says(self) -> None:
        users = self.users()
        wrong = []
        probe = []
        for pattern, row in TABLE.items():
            about_case = any(v in {"pk", "code"} for v in row.args.values())
            for role in ROLES:
                expected = row.expected(role).split("|")
                cases = (self.own, self.other) if about_case else (None,)
                got = []
                for case in cases:
                    url = self.url_for(pattern, {k: self.value(v, case)
                                                 for k, v in row.args.items()})
                    user = users[role]
                    if user is None:
                        self.client.logout()
                    else:
                        self.client.force_login(user)
                    got.append(self.answer(role, row.method, url))
                if got != expected:
                    wrong.append(f"{pattern!r} {role}: expected {'|'.join(expected)}, "
                                 f"got {'|'.join(got)}")
                probe.append(f"{pattern!r} {role} {'|'.join(got)}")
        if os.environ.get("MATRIX_PROBE"):
            print("\n".join(probe))
        self.assertEqual(wrong, [], "\n".join(wrong))

    def test_only_administrators_open_the_admin(self) -> None:
        users = self.users()
        urls = [reverse("admin:index")] + [
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for model in admin.site._registry]
        wrong = []
        for role in ROLES:
            user = users[role]
            if user is None:
                self.client.logout()
            else:
                self.client.force_login(user)
            for url in urls:
                got = self.answer(role, "GET", url)
                if got != ADMIN_ROW.expected(role):
                    wrong.append(f"{url} {role}: expected {ADMIN_ROW.expected(role)}, got {got}")
        self.assertEqual(wrong, [], "\n".join(wrong))

    def url_for(self, pattern: str, args: dict[str, str]) -> str:
        path = "/" + pattern
        if "^" in pattern:
            # A regular expression: the fixed prefix, then the named groups in order.
            head, _, regex = pattern.partition("^")
            path = "/" + head + self.fill_regex(regex, args)
        else:
            for name, value in args.items():
                path = path.replace(f"<{self.converter(pattern, name)}{name}>", value)
        return path

    @staticmethod
    def converter(pattern: str, name: str) -> str:
        for conv in ("int:", "str:", "slug:", ""):
            if f"<{conv}{name}>" in pattern:
                return conv
        raise KeyError(name)

    @staticmethod
    def fill_regex(regex: str, args: dict[str, str]) -> str:
        text = regex.rstrip("$")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: args[m.group(1)], text)
        return text.replace("\\.", ".")

