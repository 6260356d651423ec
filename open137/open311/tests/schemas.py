"""The GeoReport v2 JSON Schemas that responses are checked against.

Written for these tests from the official schemas of the Open311 project, repository
open311/schema-validation, folder schema/georeport-v2 (services.json, service.json,
service-definition.json, requests.json, request.json, and the RequestResponse and
TokenResponse definitions of swagger.json); the error and discovery documents follow the
specification's pages GeoReport_v2 ("Errors") and Service_Discovery. Like the official
ones, they leave extra properties (our extensions) allowed.
"""

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


STRING = {"type": "string"}
TEXT = _nullable(STRING)

SERVICE = {
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": STRING,
        "service_name": STRING,
        "description": TEXT,
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": TEXT,
        "group": TEXT,
    },
}
SERVICES = {"type": "array", "items": SERVICE}

SERVICE_DEFINITION = {
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": STRING,
        "attributes": {
            "type": "array",
            "items": {
                "required": ["variable", "code", "datatype", "required"],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": STRING,
                    "datatype": {"type": "string", "enum": [
                        "string", "number", "datetime", "text", "singlevaluelist",
                        "multivaluelist"]},
                    "required": {"type": "boolean"},
                    "datatype_description": TEXT,
                    "order": _nullable({"type": "integer"}),
                    "description": TEXT,
                    "values": {"type": "array", "items": {
                        "required": ["key", "name"],
                        "properties": {"key": STRING, "name": STRING},
                    }},
                },
            },
        },
    },
}

REQUEST = {
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": STRING,
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": TEXT,
        "service_name": TEXT,
        "service_code": STRING,
        "description": _nullable({"type": "string", "maxLength": 4000}),
        "agency_responsible": TEXT,
        "service_notice": TEXT,
        "requested_datetime": {"type": "string", "format": "date-time"},
        "updated_datetime": _nullable({"type": "string", "format": "date-time"}),
        "expected_datetime": _nullable({"type": "string", "format": "date-time"}),
        "address": TEXT,
        "address_id": TEXT,
        "zipcode": TEXT,
        "lat": _nullable({"type": "number"}),
        "long": _nullable({"type": "number"}),
        "media_url": _nullable({"type": "string", "format": "uri"}),
    },
}
REQUESTS = {"type": "array", "items": REQUEST}

# POST Service Request answers a list of these (swagger.json: RequestResponse).
CREATED = {
    "type": "array",
    "minItems": 1,
    "items": {
        "properties": {
            "service_request_id": STRING,
            "token": STRING,
            "service_notice": TEXT,
            "account_id": TEXT,
            "tracking_code": STRING,
        },
    },
}

# GET service_request_id from a token (swagger.json: TokenResponse).
TOKEN = {
    "type": "array",
    "minItems": 1,
    "items": {
        "required": ["service_request_id", "token"],
        "properties": {"service_request_id": STRING, "token": STRING},
    },
}

ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": STRING},
    },
}

DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": STRING,
        "contact": STRING,
        "key_service": STRING,
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": STRING,
                    "url": {"type": "string", "format": "uri"},
                    "changeset": STRING,
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {"type": "array", "items": STRING},
                },
            },
        },
    },
}

formats = FormatChecker(formats=())


@formats.checks("date-time", raises=ValueError)
def _w3c_datetime(value: object) -> bool:
    """ISO 8601 with a time and an offset (Z or ±HH:MM), as the specification requires."""
    if not isinstance(value, str):
        return True
    moment = datetime.fromisoformat(value)
    return "T" in value and moment.tzinfo is not None


@formats.checks("uri")
def _absolute_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme in {"http", "https"} and parts.netloc)


def validate(instance: Any, schema: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when the document breaks the schema."""
    Draft4Validator(schema, format_checker=formats).validate(instance)
