"""Reading GeoReport v2 parameters: filters of GET requests, the fields of a POST.

The specification's rule for optional arguments: an empty parameter is the same as a
missing one. Every problem is a whole sentence in the client's language; a POST reports
all of its problems at once (the error document is a list).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from open137.core import dates
from open137.core.errors import InvalidInput
from open137.core.numbers import parse_number, parse_whole
from open137.core.phones import normalize_phone
from open137.core.text import normalize_text
from open137.directory.models import Subject
from open137.open311.actions import Citizen, Location, ServiceRequest
from open137.open311.attributes import answer, questions

WINDOW = timedelta(days=90)
LIMIT = 1000
MAX_PAGE_SIZE = 1000
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


class Problem(Exception):
    """The request cannot be answered: an HTTP status and one or more messages."""

    status = 400

    def __init__(self, *messages: str, status: int | None = None) -> None:
        super().__init__(*messages)
        self.messages = list(messages)
        self.status = status or self.status


class BadRequest(Problem):
    """Parameters the request cannot be answered with (400)."""


def value(data: QueryDict, name: str) -> str:
    """A parameter's value, stripped; "" when missing or empty."""
    return (data.get(name) or "").strip()


def listed(data: QueryDict, name: str) -> list[str]:
    """A comma-separated parameter (which may also be repeated) as a list of values."""
    return [part.strip() for raw in data.getlist(name) for part in raw.split(",")
            if part.strip()]


def parse_datetime(text: str, name: str, tz: tzinfo) -> datetime:
    """A W3C/ISO 8601 date or date-time; a value without an offset is the city's time."""
    try:
        return dates.parse_moment(text, tz).astimezone(tz)
    except ValueError:
        raise BadRequest(_("%(name)s must be a date and time in ISO 8601 with its offset, "
                           "such as 2025-01-31T00:00:00Z.") % {"name": name}) from None


def wants_extensions(data: QueryDict) -> bool:
    """extensions=true: the extended attributes and public history of each request."""
    return value(data, "extensions").lower() in {"true", "1", "yes"}


@dataclass
class RequestFilters:
    ids: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: set[str] = field(default_factory=set)
    page: int = 1
    page_size: int = LIMIT
    extensions: bool = False


def _positive(data: QueryDict, name: str, default: int, maximum: int) -> int:
    text = value(data, name)
    if not text:
        return default
    number = parse_whole(text, minimum=1, maximum=10**18)
    if number is None:
        raise BadRequest(_("%(name)s must be a whole number from 1.") % {"name": name})
    return min(number, maximum)


def request_filters(data: QueryDict, tz: tzinfo) -> RequestFilters:
    """The filters of GET requests; service_request_id overrides every other one."""
    filters = RequestFilters(
        page=_positive(data, "page", 1, 10**9),
        page_size=_positive(data, "page_size", LIMIT, MAX_PAGE_SIZE),
        extensions=wants_extensions(data),
    )
    filters.ids = listed(data, "service_request_id")
    if filters.ids:
        return filters
    filters.service_codes = listed(data, "service_code")
    statuses = {s.lower() for s in listed(data, "status")}
    if statuses - {"open", "closed"}:
        raise BadRequest(_("status may be open, closed, or both separated by a comma."))
    filters.statuses = statuses
    start = value(data, "start_date")
    end = value(data, "end_date")
    filters.start = parse_datetime(start, "start_date", tz) if start else None
    filters.end = parse_datetime(end, "end_date", tz) if end else None
    # The specification asks clients for at most 90 days between the two; a longer window
    # is served all the same, a page (at most 1000 requests) at a time.
    if filters.start and filters.end:
        if filters.end < filters.start:
            raise BadRequest(_("end_date must not be before start_date."))
    elif filters.start:
        filters.end = filters.start + WINDOW
    elif filters.end:
        filters.start = filters.end - WINDOW
    else:
        filters.end = timezone.now()
        filters.start = filters.end - WINDOW
    return filters


def _coordinate(data: QueryDict, name: str, limit: float, errors: list[str]) -> float | None:
    text = value(data, name)
    if not text:
        return None
    number = parse_number(text)
    if number is None or not -limit <= number <= limit:
        errors.append(_("%(name)s must be a number between -%(limit)s and %(limit)s.")
                      % {"name": name, "limit": int(limit)})
        return None
    return number


def location(data: QueryDict, errors: list[str]) -> Location:
    lat = _coordinate(data, "lat", 90, errors)
    lon = _coordinate(data, "long", 180, errors)
    found = Location(lat=lat, lon=lon, address=normalize_text(value(data, "address_string")),
                     address_id=value(data, "address_id"))
    given_lat, given_long = bool(value(data, "lat")), bool(value(data, "long"))
    if given_lat != given_long:
        errors.append(_("Send both lat and long, or neither."))
    elif not (given_lat or found.address or found.address_id):
        errors.append(_("A location is required: lat and long, address_string or "
                        "address_id."))
    if (lat is None) != (lon is None):
        found.lat = found.lon = None
    return found


def citizen(data: QueryDict, errors: list[str]) -> Citizen:
    person = Citizen(
        first_name=normalize_text(value(data, "first_name"))[:100],
        last_name=normalize_text(value(data, "last_name"))[:100],
        email=value(data, "email"), account_id=value(data, "account_id"),
        device_id=value(data, "device_id"),
    )
    phone = value(data, "phone")
    if phone:
        try:
            person.phone = normalize_phone(phone)
        except InvalidInput as e:
            errors.append(_("The phone “%(phone)s” cannot be used: %(problem)s")
                          % {"phone": phone, "problem": e.message})
    if person.email:
        try:
            validate_email(person.email)
        except ValidationError:
            errors.append(_("email is not a valid email address."))
    return person


def _media_url(data: QueryDict, errors: list[str]) -> str:
    url = value(data, "media_url")
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors.append(_("media_url must be a full http or https address."))
        return ""
    if len(url) > 1000:
        errors.append(_("media_url may be at most 1000 characters."))
        return ""
    return url


def answers(data: QueryDict, subject: Subject, errors: list[str]) -> dict[str, object]:
    """attribute[code]=value and attribute[code][]=value, checked against the definition."""
    given: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if match:
            given.setdefault(match.group(1), []).extend(data.getlist(key))
    found: dict[str, object] = {}
    for question in questions(subject.attributes):
        if not question.variable:
            continue
        stored, problem = answer(question, given.get(question.code, []))
        if problem:
            errors.append(problem)
        elif stored is not None:
            found[question.code] = stored
    return found


def service_request(data: QueryDict, subject: Subject, *, language: str) -> ServiceRequest:
    """A POSTed request, checked; BadRequest lists every problem found."""
    errors: list[str] = []
    request = ServiceRequest(
        subject=subject,
        location=location(data, errors),
        citizen=citizen(data, errors),
        description=data.get("description") or "",
        answers=answers(data, subject, errors),
        media_url=_media_url(data, errors),
        language=language,
    )
    if errors:
        raise BadRequest(*errors)
    return request
