"""Schemathesis over a hand-written schema of Open311's GET resources: no server error."""

from typing import Any

import schemathesis
from schemathesis.checks import not_a_server_error

from open137.cases.models import Case
from open137.cases.testing import CityTestCase, set_up_city
from open137.directory.models import Subject
from open137.security.tests.test_fuzz_api import fuzz, quiet_request_log, wsgi_app

ANY = {"description": "A GeoReport v2 document or its error document."}
FMT = {"name": "fmt", "in": "path", "required": True,
       "schema": {"type": "string", "enum": ["json", "xml", "html", "JSON", "x"]}}
TEXT = {"type": "string"}
JURISDICTION = {"name": "jurisdiction_id", "in": "query", "schema": TEXT}


def get(*parameters: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"parameters": [FMT, JURISDICTION, *parameters], "responses": {"default": ANY}}}


def query(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or TEXT}


def path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string",
                                                                     "minLength": 1}}


SCHEMA: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "open137 Open311 GeoReport v2 (GET)", "version": "2"},
    "paths": {
        "/open311/v2/discovery.{fmt}": get(),
        "/open311/v2/services.{fmt}": get(),
        "/open311/v2/services/{code}.{fmt}": get(path("code")),
        "/open311/v2/requests.{fmt}": get(
            query("service_request_id"), query("service_code"), query("start_date"),
            query("end_date"), query("status"), query("page"), query("page_size"),
            query("extensions"), query("lat"), query("long")),
        "/open311/v2/requests/{service_request_id}.{fmt}": get(path("service_request_id"),
                                                              query("extensions")),
        "/open311/v2/tokens/{token}.{fmt}": get(path("token")),
    },
}
# A few values that exist or nearly so, so that the generated calls reach the real work.
DATES = ["2026-11-01T00:00:00Z", "2026-11-20T10:00:00+03:30", "1405-08-10", "۲۰۲۶-۱۱-۰۱",
         "2026-02-30T00:00:00Z", "9999-12-31T23:59:59Z"]


class Open311FuzzTests(CityTestCase):
    cases: list[Case]

    @classmethod
    def setUpTestData(cls) -> None:
        set_up_city(cls)
        maker = CityTestCase.new_case
        cls.cases = [maker(cls, contact_phone="09121234567"),  # type: ignore[arg-type]
                     maker(cls, subject=cls.org_subject)]  # type: ignore[arg-type]

    def setUp(self) -> None:
        quiet_request_log(self)

    def test_a_date_far_from_ours_is_refused_not_a_server_error(self) -> None:
        for date in ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"):
            for name in ("start_date", "end_date"):
                response = self.client.get("/open311/v2/requests.json", {name: date})
                self.assertEqual(response.status_code, 400, (name, date))

    def test_open311_reads_never_fail_the_server(self) -> None:
        schema = schemathesis.openapi.from_dict(SCHEMA)
        schema.app = wsgi_app(self)
        codes = list(Subject.objects.values_list("code", flat=True)[:5])
        ids = [str(c.pk) for c in self.cases]
        known = {"code": codes, "service_code": codes, "service_request_id": ids,
                 "start_date": DATES, "end_date": DATES[::-1],
                 "status": ["open", "closed", "open,closed"], "page": ["1", "2", "۳", "0"],
                 "extensions": ["true"], "fmt": ["json", "xml"]}
        sent = fuzz(self, schema, known=known, checks=[not_a_server_error], examples=120)
        self.assertGreaterEqual(sent, 700)
