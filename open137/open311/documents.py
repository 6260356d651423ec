"""GeoReport v2 documents in JSON and XML.

The specification defines the XML; the JSON is its Spark-convention mapping: a plural
element holding repeated singular ones (<services><service>...) is a JSON array, and
every other element is a key. Both are UTF-8; XML carries the declaration.
"""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# The singular element inside each plural one, as the specification names them.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}

# Characters that XML 1.0 cannot carry at all (controls other than tab and newlines).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _fill(element, key, item)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for item in value:
            _fill(element, ITEMS.get(name, "item"), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    """An XML document: `data` is a list (of `root`'s singular items) or a mapping."""
    element = ET.Element(root)
    if isinstance(data, Mapping):
        for key, value in data.items():
            _fill(element, key, value)
    else:
        for item in data:
            _fill(element, ITEMS[root], item)
    body = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


def document(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    """The response for one of the specification's documents, in JSON or XML."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        body = to_xml(root, data)
    return HttpResponse(body, status=status, content_type=FORMATS.get(fmt, FORMATS["xml"]))


def errors(fmt: str, status: int, *messages: str, code: int | None = None) -> HttpResponse:
    """The specification's error document: [{code, description}, ...]."""
    items = [{"code": code or status, "description": str(m)} for m in messages]
    return document(fmt if fmt in FORMATS else "xml", "errors", items, status=status)
