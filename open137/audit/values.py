"""Plain JSON values of an object's fields, and what changed between two of them.

Secrets (a webhook's signing secret, a password hash, an authenticator's secret) are
compared but never written: the trail says that they changed, not what they are.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

HIDDEN = "••••••"
SECRET_WORDS = ("secret", "password", "hash", "token")

Snapshot = dict[str, Any]

# Models whose changes the trail follows (by "app_label.model_name"), with the fields it
# leaves out: bookkeeping such as a cache stamp, a use counter or the last sign-in.
_TRACKED: dict[str, frozenset[str]] = {}


def track(model: type[models.Model], *, ignore: tuple[str, ...] | list[str] = ()) -> None:
    """Follow this model: its deletions by cascade are recorded too (one line per model)."""
    label = model._meta.label_lower
    _TRACKED[label] = _TRACKED.get(label, frozenset()) | frozenset(ignore)


def is_tracked(model: type[models.Model]) -> bool:
    return model._meta.label_lower in _TRACKED


@dataclass(frozen=True)
class Hidden:
    """A secret's value, kept in memory only to see whether it changed."""

    value: str

    def __bool__(self) -> bool:
        return bool(self.value)


def tracked_fields(model: type[models.Model]) -> list[Any]:
    """The fields the trail follows: every field but the key, `auto_now` stamps and those
    the model was tracked without."""
    ignore = _TRACKED.get(model._meta.label_lower, frozenset())
    fields: list[Any] = []
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if field.primary_key or field.name in ignore or getattr(field, "auto_now", False):
            continue
        fields.append(field)  # type: ignore[arg-type]
    return fields


def is_secret(field: Any) -> bool:
    return any(word in field.name for word in SECRET_WORDS)


def plain(value: Any) -> Any:
    """A JSON value: dates and times as ISO text, decimals and UUIDs as text."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def value_of(obj: models.Model, field: Any) -> Any:
    if field.many_to_many:
        if obj.pk is None:
            return []
        return sorted(str(related) for related in getattr(obj, field.name).all())
    if field.is_relation:
        pk = getattr(obj, field.attname)
        if pk is None:
            return None
        return {"id": plain(pk), "name": str(getattr(obj, field.name))}
    raw = field.value_from_object(obj)
    if isinstance(raw, datetime) and raw.tzinfo is not None:
        # To the second and in UTC: a form that shows local time to the second must not
        # look like a change.
        raw = raw.astimezone(UTC).replace(microsecond=0)
    if is_secret(field):
        return Hidden(str(raw or ""))
    return plain(raw)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> Snapshot:
    """The tracked fields of `obj` (or only those named) as plain values."""
    return {field.name: value_of(obj, field) for field in tracked_fields(type(obj))
            if fields is None or field.name in fields}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict) and "id" in a and "id" in b:
        return bool(a["id"] == b["id"])  # a related object, perhaps renamed since
    return bool(a == b)


def _shown(value: Any) -> Any:
    if isinstance(value, Hidden):
        return HIDDEN if value else ""
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (
        isinstance(value, Hidden) and not value)


def changes(before: Snapshot | None, after: Snapshot | None) -> dict[str, list[Any]]:
    """{field: [before, after]} for what differs; a new object lists its filled fields,
    a removed one what it held."""
    names = list(dict.fromkeys([*(after or {}), *(before or {})]))
    found: dict[str, list[Any]] = {}
    for name in names:
        old = before.get(name) if before is not None else None
        new = after.get(name) if after is not None else None
        if before is not None and after is not None:
            if _same(old, new):
                continue
        elif _empty(old) and _empty(new):
            continue
        found[name] = [_shown(old), _shown(new)]
    return found
