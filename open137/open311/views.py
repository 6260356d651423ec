"""Open311 GeoReport v2: discovery, services, service requests and tokens, in JSON and XML.

The specification: http://wiki.open311.org/GeoReport_v2 and /Service_Discovery. Errors
are its error document with 400 (bad input), 403 (api_key), 404 (no such resource).
"""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from open137.core import ratelimit
from open137.core.errors import DomainError
from open137.core.numbers import parse_id
from open137.core.uploads import check_photo
from open137.directory.models import City, Subject
from open137.directory.queries import city as the_city
from open137.directory.queries import routing_context
from open137.open311 import actions, params, resources
from open137.open311.documents import FORMATS, document, errors
from open137.open311.models import ApiKey, Submission, hash_key
from open137.open311.params import BadRequest, Problem

View = Callable[..., HttpResponse]


def _data(request: HttpRequest) -> QueryDict:
    """GET parameters, with a POST's form fields on top (some clients put fields in the URL)."""
    if request.method != "POST":
        return request.GET
    data = request.GET.copy()
    for key in request.POST:
        data.setlist(key, request.POST.getlist(key))
    return data


def _check_jurisdiction(data: QueryDict, city: City | None) -> None:
    given = params.value(data, "jurisdiction_id")
    ours = city.jurisdiction_id.strip() if city else ""
    if given and ours and given.lower() != ours.lower():
        raise Problem(_("jurisdiction_id “%(given)s” was not found; this server serves "
                        "%(ours)s.") % {"given": given, "ours": ours}, status=404)


def open311(*methods: str) -> Callable[[View], View]:
    """A GeoReport v2 resource: format check, methods, jurisdiction and error documents."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            if fmt not in FORMATS:
                return errors("xml", 404, _("Ask for .xml or .json."))
            if request.method not in (*methods, "HEAD" if "GET" in methods else ""):
                response = errors(fmt, 405, _("This resource answers only %(methods)s.")
                                  % {"methods": ", ".join(methods)})
                response["Allow"] = ", ".join(methods)
                return response
            try:
                response = view(request, *args, fmt=fmt, **kwargs)
            except Problem as e:
                return errors(fmt, e.status, *e.messages)
            except DomainError as e:
                return errors(fmt, 400, str(e.message))
            if request.method != "POST":
                # Public data: browser apps on other sites may read it.
                response["Access-Control-Allow-Origin"] = "*"
            return response

        return wrapper

    return decorate


def _city_tz(city: City | None) -> ZoneInfo:
    return ZoneInfo(city.timezone if city and city.timezone else settings.TIME_ZONE)


def _subject(code: str) -> Subject:
    subject = resources.services().filter(code=code).first()
    if subject is None:
        raise Problem(_("service_code “%(code)s” was not found.") % {"code": code},
                      status=404)
    return subject


def _changeset() -> str:
    """Changes whenever a service or its definition does (clients refresh their cache)."""
    rows = list(Subject.objects.filter(active=True).order_by("code").values_list(
        "code", "name_fa", "name_en", "group__code", "synonyms", "attributes", "urgent",
        "long_term", "respond_hours", "resolve_days"))
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()[:16]


@open311("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    changeset = _changeset()
    root = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "json"}))
    return document(fmt, "discovery", {
        "changeset": changeset,
        "contact": settings.OPEN311_CONTACT or _(
            "Call 137, the city's urban management centre, for help with this interface."),
        "key_service": settings.OPEN311_KEY_SERVICE or _(
            "Ask the city's 137 centre for an API key; its administrators issue keys."),
        "endpoints": [{
            "specification": resources.SPECIFICATION,
            "url": root.removesuffix("/discovery.json"),
            "changeset": changeset,
            "type": settings.OPEN311_ENDPOINT_TYPE,
            "formats": ["text/xml", "application/json"],
        }],
    })


@open311("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    _check_jurisdiction(request.GET, the_city())
    items = [resources.service_item(s) for s in resources.services()]
    return document(fmt, "services", items)


@open311("GET")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    _check_jurisdiction(request.GET, the_city())
    return document(fmt, "service_definition", resources.service_definition(_subject(code)))


@open311("GET", "POST")
def service_requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    city = the_city()
    _check_jurisdiction(request.GET, city)
    tz = _city_tz(city)
    filters = params.request_filters(request.GET, tz)
    key_id = _reader_key(request.GET)
    cases = resources.service_requests(extensions=filters.extensions)
    if filters.ids:
        cases = cases.filter(pk__in=[pk for pk in map(parse_id, filters.ids) if pk])
    else:
        if filters.service_codes:
            cases = cases.filter(subject__code__in=filters.service_codes)
        cases = cases.filter(created_at__gte=filters.start, created_at__lte=filters.end)
        if filters.statuses == {"open"}:
            cases = cases.exclude(status__in=resources.CLOSED)
        elif filters.statuses == {"closed"}:
            cases = cases.filter(status__in=resources.CLOSED)
    first = (filters.page - 1) * filters.page_size
    page = cases.order_by("-created_at", "-pk")[first:first + filters.page_size]
    items = [resources.request_item(c, tz=tz, absolute=request.build_absolute_uri,
                                    extensions=filters.extensions, key_id=key_id)
             for c in page]
    return document(fmt, "service_requests", items)


@open311("GET")
def service_request(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    city = the_city()
    _check_jurisdiction(request.GET, city)
    extensions = params.wants_extensions(request.GET)
    key_id = _reader_key(request.GET)
    pk = parse_id(service_request_id)
    case = resources.service_requests(extensions=extensions).filter(pk=pk).first() if pk else None
    if case is None:
        raise Problem(_("service_request_id “%(id)s” was not found.")
                      % {"id": service_request_id}, status=404)
    item = resources.request_item(case, tz=_city_tz(city), absolute=request.build_absolute_uri,
                                  extensions=extensions, key_id=key_id)
    return document(fmt, "service_requests", [item])


@open311("GET")
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    _check_jurisdiction(request.GET, the_city())
    submission = Submission.objects.filter(token=token).only("token", "case_id").first()
    if submission is None:
        raise Problem(_("token “%(token)s” was not found.") % {"token": token}, status=404)
    return document(fmt, "service_requests", [
        {"service_request_id": str(submission.case_id), "token": submission.token}])


def _api_key(data: QueryDict) -> ApiKey:
    raw = params.value(data, "api_key")
    if not raw:
        raise Problem(_("api_key is missing: a key is needed to submit requests."), status=403)
    key = ApiKey.objects.filter(key_hash=hash_key(raw)).first()
    if key is None:
        raise Problem(_("Invalid api_key received; the request was not recorded."), status=403)
    if not key.active:
        raise Problem(_("This api_key has been revoked; the request was not recorded."),
                      status=403)
    return key


def _reader_key(data: QueryDict) -> int | None:
    """The id of the api_key a GET was made with, if any: the requests that key created
    show their tracking code. A wrong or revoked key is refused, never ignored."""
    raw = params.value(data, "api_key")
    if not raw:
        return None
    key = ApiKey.objects.filter(key_hash=hash_key(raw), active=True).only("pk").first()
    if key is None:
        raise Problem(_("This api_key is not valid or has been revoked; ask without it to "
                        "read the public data."), status=403)
    return key.pk


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST Service Request: the new service_request_id at once (type realtime)."""
    data = _data(request)
    key = _api_key(data)
    allowed, retry_after = ratelimit.hit(f"open311-post:{key.pk}",
                                         settings.RATE_LIMIT_OPEN311_POST)
    if not allowed:
        response = errors(fmt, 429, _("Too many requests with this api_key; try again in "
                                      "%(seconds)s seconds.") % {"seconds": retry_after})
        response["Retry-After"] = str(retry_after)
        return response
    config = routing_context()
    _check_jurisdiction(data, config.city)
    code = params.value(data, "service_code")
    if not code:
        raise BadRequest(_("service_code is required."))
    language = "en" if (get_language() or "fa").startswith("en") else "fa"
    subject = config.subjects.get(code)
    if subject is None:
        subject = _subject(code)  # answers 404
    photo = _media(request)
    checked = params.service_request(data, subject, language=language)
    checked.media = photo
    case, submission = actions.receive_service_request(checked, api_key=key, context=config)
    notice = _("Received with tracking code %(code)s.") % {
        "code": resources.number(case.tracking_code)}
    response = document(fmt, "service_requests", [{
        "service_request_id": str(case.pk),
        "service_notice": f"{notice} {resources.expectation(case.subject)}",
        "account_id": submission.account_id or None,
        # The citizen's secret goes to the client that brought the request, and no further.
        "tracking_code": case.tracking_code,
    }], status=201)
    response["Location"] = request.build_absolute_uri(
        reverse("open311:service_request",
                kwargs={"service_request_id": case.pk, "fmt": fmt}))
    return response


def _media(request: HttpRequest) -> File | None:
    """The photo sent as the multipart field `media` (one, like `media_url`), checked and
    encoded afresh; a file that is no sound photo is a 400 naming the problem."""
    sent = request.FILES.getlist("media")
    if not sent:
        return None
    if len(sent) > 1:
        raise BadRequest(_("Send one photo as media; it was sent %(n)s times.")
                         % {"n": len(sent)})
    try:
        return check_photo(sent[0])
    except ValidationError as error:
        raise BadRequest(*error.messages) from None


@csrf_exempt
def unknown(request: HttpRequest, path: str) -> HttpResponse:
    """Anything else under the endpoint: the specification's 404 error document."""
    fmt = "json" if path.lower().endswith(".json") else "xml"
    return errors(fmt, 404, _("There is no such Open311 resource; see discovery.xml."))
