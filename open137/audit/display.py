"""The trail for people: field labels instead of column names, values as they are shown
elsewhere (choices by label, related objects by name, Jalali dates in Persian)."""

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open137.audit.models import AuditEntry
from open137.audit.values import HIDDEN
from open137.core.dates import format_date, is_persian
from open137.core.text import persian_digits

LONGEST = 160
# Fields whose model gives them no label of their own (core.models.Named).
LABELS = {"name_fa": gettext_lazy("name (Persian)"), "name_en": gettext_lazy("name (English)")}


@dataclass(frozen=True)
class Line:
    label: str
    before: str
    after: str


def model_of(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def type_label(label: str) -> str:
    """The model's name in the active language ("subject", "routing rule"...)."""
    model = model_of(label)
    return str(capfirst(model._meta.verbose_name)) if model is not None else label


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _digits(text: str) -> str:
    return persian_digits(text) if is_persian() else text


def shown(field: Any, value: Any) -> str:
    """One value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if value == HIDDEN:
        return _("(hidden)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict) and set(value) == {"id", "name"}:
        return str(value["name"])
    if field is not None and getattr(field, "flatchoices", None):
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return format_date(moment, with_time=True) if moment else value
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        return format_date(day) if day else value
    if isinstance(field, models.TimeField) and isinstance(value, str):
        return _digits(value[:5])
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "، ".join(value) if is_persian() else ", ".join(value)
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= LONGEST else text[:LONGEST] + "…"
    if isinstance(value, int | float):
        return _digits(str(value))
    return str(value)


def change_lines(entry: AuditEntry) -> list[Line]:
    """What changed, field by field, with the fields' labels."""
    model = model_of(entry.model)
    lines = []
    for name, pair in (entry.changes or {}).items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (
            None, pair)
        field = _field(model, name)
        if name in LABELS:
            label = str(capfirst(LABELS[name]))
        else:
            label = str(capfirst(field.verbose_name)) if field is not None else name
        lines.append(Line(label, shown(field, before), shown(field, after)))
    return lines
