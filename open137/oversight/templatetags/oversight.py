"""Numbers of the oversight pages in the active language: shares, hours, counts."""

from typing import Any
from urllib.parse import urlencode

from django import template

from open137.cases.workflow import STEP_NAMES, Step
from open137.core.dates import format_date, is_persian
from open137.core.text import persian_digits

register = template.Library()
NONE = "—"


def digits(text: str) -> str:
    """Persian digits and decimal separator in Persian; the text unchanged otherwise."""
    return persian_digits(text).replace(".", "٫") if is_persian() else text


@register.filter
def pct(value: float | None) -> str:
    """A 0-1 share as a percentage with one decimal: 66.7% / ۶۶٫۷٪."""
    if value is None:
        return NONE
    text = f"{100 * value:.1f}"
    return digits(text) + "٪" if is_persian() else text + "%"


@register.filter
def hours(value: float | None) -> str:
    """Hours with one decimal."""
    return NONE if value is None else digits(f"{value:.1f}")


@register.filter
def score(value: float | None) -> str:
    """The composite index (0-100) with one decimal."""
    return NONE if value is None else digits(f"{value:.1f}")


@register.filter
def count(value: int | None) -> str:
    """A count, or a dash when it cannot be known."""
    return NONE if value is None else digits(str(value))


@register.filter
def cell(value: Any) -> str:
    """A table cell's value, formatted by its kind."""
    kind = getattr(value, "kind", "text")
    raw = getattr(value, "value", value)
    if kind == "share":
        return pct(raw)
    if kind == "hours":
        return hours(raw)
    if kind == "score":
        return score(raw)
    if kind == "count":
        return count(raw)
    if kind == "time":
        return format_date(raw, with_time=True) if raw else NONE
    return "" if raw is None else str(raw)


@register.filter
def query(params: dict[str, str]) -> str:
    """Query parameters as a URL query string."""
    return urlencode(params)


@register.filter
def step_name(step: str) -> str:
    """The name of a step of the lifecycle, in the active language."""
    try:
        return str(STEP_NAMES[Step(step)])
    except ValueError:
        return step
