import json
import re
from io import StringIO
from typing import Any

import jsonschema
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from open137.api.tests.base import ApiTestCase
from open137.cases import actions

ENDPOINTS = {
    "/api/v1/token": {"post"},
    "/api/v1/requests/": {"get", "post"},
    "/api/v1/requests/{id}/": {"get"},
    **{f"/api/v1/requests/{{id}}/{step}/": {"post"}
       for step in ("accept", "resolve", "return", "plan", "reject", "refer")},
    "/api/v1/subjects/": {"get"},
    "/api/v1/districts/": {"get"},
    "/api/v1/units/": {"get"},
    "/api/v1/classify": {"post"},
    "/api/v1/places": {"get"},
}


def json_schema(node: Any) -> Any:
    """OpenAPI 3.0 `nullable` written the JSON Schema way, so jsonschema can check answers."""
    if isinstance(node, list):
        return [json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: json_schema(v) for k, v in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


class SchemaTests(ApiTestCase):
    def schema(self) -> dict[str, Any]:
        answer = APIClient().get("/api/v1/schema/", {"format": "json"})
        self.assertEqual(answer.status_code, 200)
        return json.loads(answer.content)

    def test_the_schema_is_a_valid_openapi_3_document_of_every_endpoint(self) -> None:
        schema = self.schema()
        self.assertTrue(schema["openapi"].startswith("3."))
        validate_schema(schema)
        self.assertEqual({p: set(ops) for p, ops in schema["paths"].items()}, ENDPOINTS)
        self.assertIn("tokenAuth", schema["components"]["securitySchemes"])

    def test_the_schema_is_generated_without_warnings(self) -> None:
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO(),
                     stderr=StringIO())

    def test_the_schema_is_served_as_yaml_too(self) -> None:
        answer = APIClient().get("/api/v1/schema/")
        self.assertEqual(answer.status_code, 200)
        self.assertTrue(answer.content.startswith(b"openapi: 3."))

    def assert_answer_matches(self, schema: dict[str, Any], answer: Any, path: str,
                              method: str) -> None:
        documented = schema["paths"][path][method]["responses"][str(answer.status_code)]
        body = documented["content"]["application/json"]["schema"]
        jsonschema.validate(answer.json(), json_schema(
            {**body, "components": schema["components"]}))

    def test_answers_have_the_documented_shapes(self) -> None:
        schema = self.schema()
        case = self.new_case(contact_phone="09121234567")
        actions.return_case(case, reason="مال ما نیست", by=self.charlie)
        bob, erin = self.client_for(self.bob), self.client_for(self.erin)
        checks = [
            (bob.get("/api/v1/requests/"), "/api/v1/requests/", "get"),
            (erin.get("/api/v1/requests/"), "/api/v1/requests/", "get"),
            (bob.get(f"/api/v1/requests/{case.pk}/"), "/api/v1/requests/{id}/", "get"),
            (bob.post(f"/api/v1/requests/{case.pk}/refer/", {"unit_code": self.unit.code}),
             "/api/v1/requests/{id}/refer/", "post"),
            (bob.post(f"/api/v1/requests/{case.pk}/refer/", {}),
             "/api/v1/requests/{id}/refer/", "post"),
            (erin.post(f"/api/v1/requests/{case.pk}/accept/"),
             "/api/v1/requests/{id}/accept/", "post"),
            (self.client_for(self.dave).get(f"/api/v1/requests/{case.pk}/"),
             "/api/v1/requests/{id}/", "get"),
            (self.client_for(None).get("/api/v1/units/"), "/api/v1/units/", "get"),
            (bob.post("/api/v1/requests/", {"service_code": self.org_subject.code}),
             "/api/v1/requests/", "post"),
            (bob.get("/api/v1/subjects/"), "/api/v1/subjects/", "get"),
            (bob.get("/api/v1/units/"), "/api/v1/units/", "get"),
            (bob.get("/api/v1/districts/"), "/api/v1/districts/", "get"),
            (APIClient().post("/api/v1/classify", {"text": "زباله"}), "/api/v1/classify",
             "post"),
            (APIClient().post("/api/v1/token", {"username": "bob", "password": "secret-pass-137"}),
             "/api/v1/token", "post"),
        ]
        for answer, path, method in checks:
            with self.subTest(path=path, status=answer.status_code):
                self.assert_answer_matches(schema, answer, path, method)


class DocsPageTests(ApiTestCase):
    def test_swagger_ui_loads_only_vendored_files_and_no_inline_script(self) -> None:
        answer = self.client.get("/api/v1/docs/")
        self.assertEqual(answer.status_code, 200)
        page = answer.content.decode()
        addresses = re.findall(r'(?:src|href)="([^"]+)"', page)
        self.assertTrue(addresses)
        self.assertTrue(all(a.startswith("/static/") for a in addresses), addresses)
        self.assertEqual(len(re.findall(r"<script", page)), len(re.findall(r"<script src=", page)))
        for name in ("vendor/swagger-ui-dist/swagger-ui-bundle.js",
                     "vendor/swagger-ui-dist/swagger-ui.css", "api/swagger-init.js"):
            self.assertIsNotNone(finders.find(name), name)
            self.assertIn(name, page)
        with open(finders.find("api/swagger-init.js"), encoding="utf-8") as script:
            init = script.read()
        self.assertIn("validatorUrl: null", init)
        self.assertIn('data-schema-url="/api/v1/schema/?format=json"', page)
