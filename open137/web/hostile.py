"""Input no part of the product can store or read is refused at the door, in the interface's
own error format.

A NUL byte or a lone surrogate (half of a UTF-16 pair, which JSON can escape) cannot be
stored by PostgreSQL or encoded as UTF-8; found in the path, the query string, a header
(NUL) or a form or JSON body, the request is answered 400 before any view (or secret
check) reads it. A body
over DATA_UPLOAD_MAX_MEMORY_SIZE is 413, one with more than DATA_UPLOAD_MAX_NUMBER_FIELDS
fields (or FILES) is 400: Django raises these lazily, wherever the body is first read, and
some readers (DRF's parsers) turn them into server errors.
"""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from open137.open311.documents import errors as open311_errors

# NUL and the surrogate range: neither is a character PostgreSQL or UTF-8 can hold.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_WITH_BODY = {"POST", "PUT", "PATCH", "DELETE"}


def unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


def _strings(value: Any) -> Iterator[str]:
    """Every key and string in a decoded JSON document, without recursion (a document
    nested ten thousand deep is as welcome as a flat one)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _query_unstorable(data: QueryDict) -> bool:
    return any(unstorable(key) or any(unstorable(v) for v in values)
               for key, values in data.lists())


def refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The refusal as the interface the request was for speaks: Open311's error document,
    the APIs' JSON, or a page."""
    path = request.path_info.lower()
    if path.startswith("/open311/"):
        return open311_errors("json" if path.endswith(".json") else "xml", status, message)
    if path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    if path.startswith(("/sms/", "/messenger/")):
        return JsonResponse({"error": message}, status=status)
    return render(request, "refused.html", {"code": status, "text": message}, status=status)


def problem(request: HttpRequest) -> tuple[int, str] | None:
    """Why the request cannot be read (a status and a sentence), or None."""
    cannot_store = _("The request contains a character that cannot be stored (a NUL byte or "
                     "a broken character). Remove it and send the request again.")
    if unstorable(request.path_info) or _query_unstorable(request.GET):
        return 400, cannot_store
    # HTTP forbids NUL in a header (RFC 9110, 5.5), and some are stored (the sign-in
    # records keep the browser's name and what it accepts).
    if any("\x00" in value for name, value in request.META.items()
           if name.startswith("HTTP_") and isinstance(value, str)):
        return 400, cannot_store
    if request.method not in _WITH_BODY:
        return None
    try:
        if request.content_type == "multipart/form-data":
            form = request.POST
            names = [f.name or "" for _key, files in request.FILES.lists() for f in files]
            if _query_unstorable(form) or any(unstorable(n) for n in names):
                return 400, cannot_store
            return None
        body = request.body
        if request.content_type == "application/x-www-form-urlencoded":
            if _query_unstorable(request.POST):
                return 400, cannot_store
        elif "json" in (request.content_type or "") and body:
            try:
                document = json.loads(body)
            except RecursionError:
                return 400, _("The request body is nested too deeply to be read.")
            except ValueError:
                return None  # not JSON: the view says so in its own words
            if any(unstorable(s) for s in _strings(document)):
                return 400, cannot_store
    except RequestDataTooBig:
        megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        return 413, _("The request is too large: at most %(size)s MB of form fields may be "
                      "sent at once.") % {"size": f"{megabytes:.1f}"}
    except (TooManyFieldsSent, TooManyFilesSent):
        return 400, _("The request has too many fields or files to be read.")
    except MultiPartParserError:
        return 400, _("The request body could not be read. Send JSON or form fields.")
    return None


class HostileInputMiddleware:
    """Refuse what cannot be read or stored before any view reads it (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = problem(request)
        if found is not None:
            return refusal(request, *found)
        return self.get_response(request)
