"""The filters of GET /api/v1/requests/: parsed from the query string, checked, applied."""

import re
from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from open137.api.inputs import parse_moment
from open137.cases.models import Case, Channel, Priority
from open137.cases.queries import overdue_q as cases_overdue_q
from open137.cases.workflow import Status
from open137.core.errors import InvalidInput
from open137.core.phones import normalize_phone
from open137.core.text import ZWNJ, latin_digits, normalize_text
from open137.directory.models import District, Kind, Subject, Unit

MAX_QUERY = 200


def _list(params: Mapping[str, str], *names: str) -> list[str]:
    """Comma-separated values of the first parameter given; empty means not given."""
    for name in names:
        value = params.get(name, "").replace("\x00", "").strip()
        if value:
            return [v.strip() for v in value.split(",") if v.strip()]
    return []


def _choices(params: Mapping[str, str], name: str, allowed: list[str]) -> list[str]:
    values = _list(params, name)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError({name: [
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": unknown[0], "allowed": ", ".join(allowed)}]})
    return values


def _codes(params: Mapping[str, str], names: tuple[str, ...], model: type[Model]) -> list[str]:
    codes = _list(params, *names)
    if codes:
        known = set(model._default_manager.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValidationError({names[0]: [
                _("Nothing has the code “%(code)s”.") % {"code": unknown[0]}]})
    return codes


def _moment(params: Mapping[str, str], name: str, *, end_of_day: bool = False
            ) -> datetime | None:
    value = params.get(name, "").replace("\x00", "").strip()
    if not value:
        return None
    try:
        return parse_moment(value, field=name, end_of_day=end_of_day)
    except InvalidInput as exc:
        raise ValidationError({name: [str(exc)]}) from exc


def _flag(params: Mapping[str, str], name: str) -> bool | None:
    value = params.get(name, "").strip().lower()
    if not value:
        return None
    if value in {"true", "1", "yes"}:
        return True
    if value in {"false", "0", "no"}:
        return False
    raise ValidationError({name: [_("Write true or false.")]})


def overdue_q() -> Q:
    """Overdue now: the one rule of cases.queries.overdue_q (the desk and figures use it)."""
    return cases_overdue_q(timezone.now())


def _text_pattern(text: str) -> str:
    """A regular expression that treats آ and ا alike, and a space or half-space between any
    two letters as optional: people type کارتن‌خواب, کارتن خواب and کارتنخواب."""
    gap = f"[ {ZWNJ}]?"
    parts = ["[اآ]" if ch in "اآ" else re.escape(ch) for ch in text if ch not in f" {ZWNJ}"]
    return gap.join(parts)


def search_q(query: str, *, sees_contact: bool) -> Q | None:
    """Tracking code, phone (for those who see contacts), description or address."""
    text = normalize_text(query.replace("\x00", ""))[:MAX_QUERY]
    if not text:
        return None
    pattern = _text_pattern(text)
    found = Q(description__iregex=pattern) | Q(address__iregex=pattern)
    digits = re.sub(r"[\s\-]", "", latin_digits(text))
    if digits.isascii() and digits.isdigit():
        found |= Q(tracking_code__startswith=digits)
        if sees_contact:
            with suppress(InvalidInput):  # digits that are no phone number
                found |= Q(contact_phone=normalize_phone(digits))
    return found


def filter_cases(cases: QuerySet[Case], params: Mapping[str, str], *, sees_contact: bool
                 ) -> QuerySet[Case]:
    """Apply the list's filters; a bad one is a 400 on its parameter."""
    conditions: dict[str, Any] = {}
    if statuses := _choices(params, "status", Status.values):
        conditions["status__in"] = statuses
    if channels := _choices(params, "channel", Channel.values):
        conditions["channel__in"] = channels
    if priorities := _choices(params, "priority", Priority.values):
        conditions["priority__in"] = priorities
    lookups: list[tuple[tuple[str, ...], type[Model], str]] = [
        (("service_code", "subject"), Subject, "subject__code__in"),
        (("kind",), Kind, "kind__code__in"),
        (("district",), District, "district__code__in"),
        (("unit",), Unit, "unit__code__in"),
    ]
    for names, model, lookup in lookups:
        if codes := _codes(params, names, model):
            conditions[lookup] = codes
    bounds: list[tuple[str, str, bool]] = [
        ("created_after", "created_at__gte", False),
        ("created_before", "created_at__lt", True),
        ("updated_after", "updated_at__gte", False),
        ("updated_before", "updated_at__lt", True),
    ]
    for name, lookup, end_of_day in bounds:
        if (moment := _moment(params, name, end_of_day=end_of_day)) is not None:
            conditions[lookup] = moment
    cases = cases.filter(**conditions)
    overdue = _flag(params, "overdue")
    if overdue is not None:
        cases = cases.filter(overdue_q()) if overdue else cases.exclude(overdue_q())
    found = search_q(params.get("q", ""), sees_contact=sees_contact)
    return cases.filter(found) if found is not None else cases


def _param(name: str, description: str, kind: Any = OpenApiTypes.STR,
           enum: list[str] | None = None) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description,
                            enum=enum)


_LIST = " Several values: separate them with commas."
_WHEN = (" ISO 8601 (2026-05-05T10:30:00+03:30; without an offset, the city's clock), or a date "
         "alone (Gregorian 2026-05-05 or Jalali 1405/02/15, any digits).")
PARAMETERS: list[OpenApiParameter] = [
    _param("status", "Status." + _LIST),
    _param("service_code", "Subject code." + _LIST),
    _param("subject", "The same as service_code."),
    _param("kind", "Kind code (request, complaint...)." + _LIST),
    _param("district", "District code (district-3)." + _LIST),
    _param("unit", "Unit now holding the request (waste, district-3/works)." + _LIST),
    _param("channel", "Channel it came from." + _LIST),
    _param("priority", "Priority." + _LIST),
    _param("created_after", "Received at or after." + _WHEN),
    _param("created_before", "Received before; a date alone includes that day." + _WHEN),
    _param("updated_after", "Changed at or after (to pick up changes since a sync)." + _WHEN),
    _param("updated_before", "Changed before; a date alone includes that day." + _WHEN),
    _param("overdue", "true: only overdue requests; false: none of them.", OpenApiTypes.BOOL),
    _param("q", "Search: tracking code, caller's phone (roles that see contacts), "
                "description or address. Persian letter variants, digits and half-spaces "
                "match either way."),
]
