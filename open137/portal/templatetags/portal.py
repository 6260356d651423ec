"""The portal's icons: a subject or group code -> a Bootstrap Icons name, from icons.json."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from django import template

register = template.Library()
ICONS_FILE = Path(__file__).resolve().parent.parent / "icons.json"


@cache
def _icons() -> dict[str, Any]:
    return json.loads(ICONS_FILE.read_text(encoding="utf-8"))


@register.filter
def group_icon(group: Any) -> str:
    """The icon of a subject group (None: the subjects outside every group)."""
    icons = _icons()
    return icons["groups"].get(getattr(group, "code", ""), icons["default_group"])


@register.filter
def subject_icon(subject: Any) -> str:
    icons = _icons()
    return icons["subjects"].get(getattr(subject, "code", ""), icons["default_subject"])
