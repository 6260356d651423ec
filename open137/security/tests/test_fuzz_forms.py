"""Schemathesis over hand-written schemas of what strangers may write: Open311's POST and the
portal's forms. None of the generated calls may answer 5xx."""

from typing import Any

import schemathesis
from django.test import override_settings
from schemathesis.checks import not_a_server_error

from open137.cases.models import Case
from open137.cases.testing import CityTestCase
from open137.directory.models import Subject
from open137.open311.actions import create_api_key
from open137.security.tests.test_fuzz_api import fuzz, quiet_request_log, wsgi_app

TEXT = {"type": "string"}
ANY = {"default": {"description": "A document, a page, or its error."}}
# The portal's forms check a CSRF token: one the cookie and the header agree on.
CSRF = "a" * 32
FORM = "application/x-www-form-urlencoded"


def form(*names: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"required": True, "content": {FORM: {"schema": {
        "type": "object", "properties": {name: TEXT for name in names},
        "required": list(required)}}}}


def post(body: dict[str, Any], *parameters: dict[str, Any]) -> dict[str, Any]:
    return {"post": {"parameters": list(parameters), "requestBody": body, "responses": ANY}}


CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string",
                                                                   "minLength": 1}}
FMT = {"name": "fmt", "in": "path", "required": True,
       "schema": {"type": "string", "enum": ["json", "xml"]}}
SCHEMA: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "open137: Open311 POST and the portal's forms", "version": "1"},
    "paths": {
        "/open311/v2/requests.{fmt}": post(form(
            "api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
            "address_id", "email", "device_id", "account_id", "first_name", "last_name",
            "phone", "description", "media_url", "attribute[size]",
            required=("api_key", "service_code")), FMT),
        "/": post(form("subject", "kind", "description", "lat", "lon", "address", "name",
                       "phone", "follow", required=("subject", "description"))),
        "/portal/nearby": post(form("subject", "address", "lat", "lon", "description")),
        "/portal/suggest": post(form("description")),
        "/track/{code}/answer": post(form("answer", "comment", "phone_end"), CODE),
        "/track/{code}/reply": post(form("reply"), CODE),
        "/track/": {"get": {"parameters": [{"name": "code", "in": "query", "schema": TEXT}],
                            "responses": ANY}},
        "/portal/district": {"get": {"parameters": [
            {"name": "lat", "in": "query", "schema": TEXT},
            {"name": "lon", "in": "query", "schema": TEXT}], "responses": ANY}},
    },
}
def with_csrf(app: Any) -> Any:
    """The application, called as a browser that loaded the form calls it: the CSRF cookie
    and the same token in the header."""

    def call(environ: dict[str, Any], start_response: Any) -> Any:
        environ["HTTP_COOKIE"] = f"csrftoken={CSRF}"
        environ["HTTP_X_CSRFTOKEN"] = CSRF
        return app(environ, start_response)

    return call


NUMBERS = ["35.83", "۵۰٫۹۹", "50,99", "NaN", "-1e400", "²1"]


@override_settings(RATE_LIMIT_OPEN311_POST="0", RATE_LIMIT_PORTAL="0",
                   RATE_LIMIT_CLASSIFY="0")
class FormFuzzTests(CityTestCase):
    cases: list[Case]
    api_key: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        maker = CityTestCase.new_case
        cls.cases = [maker(cls, contact_phone="09121234567"),  # type: ignore[arg-type]
                     maker(cls)]  # type: ignore[arg-type]
        cls.api_key = create_api_key(name="fuzz", by=cls.bob)[1]

    def setUp(self) -> None:
        quiet_request_log(self)

    def test_open311_posts_and_the_portals_forms_never_fail_the_server(self) -> None:
        schema = schemathesis.openapi.from_dict(SCHEMA)
        schema.app = with_csrf(wsgi_app(self))
        codes = list(Subject.objects.filter(active=True).values_list("code", flat=True)[:5])
        known = {"api_key": [self.api_key], "service_code": codes, "subject": codes,
                 "code": [c.tracking_code for c in self.cases], "lat": NUMBERS,
                 "long": NUMBERS, "lon": NUMBERS, "answer": ["1", "2", "yes"],
                 "phone": ["09121234567", "0912123456²", "+98 912 123 4567"]}
        sent = fuzz(self, schema, known=known, checks=[not_a_server_error], examples=30)
        self.assertGreaterEqual(sent, 200)
