"""Shared set-up for the Open311 tests: the Karaj city, named users and a client's key."""

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.test import Client

from open137.cases.testing import CityTestCase
from open137.open311.actions import create_api_key
from open137.open311.models import ApiKey
from open137.open311.tests import schemas

ROOT = "/open311/v2/"


def parse_xml(body: bytes) -> ET.Element:
    """Our own response body, which must be a well-formed XML document."""
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), body[:60]
    return ET.fromstring(body)  # noqa: S314 (our own output, not untrusted input)


class Open311TestCase(CityTestCase):
    """CityTestCase plus an API key for "Citizen app", and JSON/XML request helpers."""

    key: ApiKey
    raw_key: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.key, cls.raw_key = create_api_key(name="Citizen app", by=None)

    def get(self, path: str, language: str = "en", **params: Any) -> Any:
        return self.client.get(ROOT + path, params, HTTP_ACCEPT_LANGUAGE=language)

    def get_json(self, path: str, expect: int = 200, **params: Any) -> Any:
        response = self.get(path, **params)
        self.assertEqual(response.status_code, expect, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        return json.loads(response.content)

    def get_xml(self, path: str, expect: int = 200, **params: Any) -> ET.Element:
        response = self.get(path, **params)
        self.assertEqual(response.status_code, expect, response.content[:500])
        self.assertEqual(response["Content-Type"], "text/xml; charset=utf-8")
        return parse_xml(response.content)

    def post(self, fmt: str = "json", language: str = "en", client: Client | None = None,
             **fields: Any) -> Any:
        data = {"api_key": self.raw_key, **fields}
        return (client or self.client).post(f"{ROOT}requests.{fmt}", data,
                                            HTTP_ACCEPT_LANGUAGE=language)

    def assertErrorJson(self, response: Any, status: int, *words: str) -> list[dict[str, Any]]:
        """The specification's error document with this status, mentioning these words."""
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        body = json.loads(response.content)
        schemas.validate(body, schemas.ERRORS)
        self.assertEqual(body[0]["code"], status)
        text = " ".join(e["description"] for e in body)
        for word in words:
            self.assertIn(word, text)
        return body

    def assertErrorXml(self, response: Any, status: int, *words: str) -> ET.Element:
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], "text/xml; charset=utf-8")
        root = parse_xml(response.content)
        self.assertEqual(root.tag, "errors")
        errors = root.findall("error")
        self.assertTrue(errors)
        self.assertEqual(errors[0].findtext("code"), str(status))
        text = " ".join(e.findtext("description") or "" for e in errors)
        for word in words:
            self.assertIn(word, text)
        return root
