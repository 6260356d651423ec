"""Numbers of the oversight pages in the active language: shares, hours, counts."""

import re
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from open137.cases.workflow import STEP_NAMES, Step
from open137.core.dates import format_date, is_persian
from open137.core.text import persian_digits
from open137.oversight.figures import DEFINITION
from open137.oversight.tables import HINTS

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


def _number(value: Any, persian: bool, kind: str) -> str:
    """A cell's value as `cell` shows it, the language known (pct, hours, score, count)."""
    if value is None:
        return NONE
    if kind == "count":
        text = str(value)
    else:
        text = f"{100 * value:.1f}" if kind == "share" else f"{value:.1f}"
    if persian:
        text = persian_digits(text).replace(".", "٫")
    if kind == "share":
        text += "٪" if persian else "%"
    return text


NUMBER_KINDS = frozenset({"share", "hours", "score", "count"})


@register.simple_tag
def table_rows(table: Any, cards: bool = False) -> SafeString:
    """The body rows of a table, as the cell filter and the row markup show them.

    A dashboard has thousands of cells: written here in one pass rather than through a
    template loop (its tags and filters cost more than the numbers). With `cards`, each
    cell carries its column's name, for a phone to show a row as a card.
    """
    persian = is_persian()
    labels = [f' data-label="{escape(label)}"' if cards else "" for _key, label in table.columns]
    parts: list[str] = []
    for row in table.rows:
        parts.append("\n    <tr>")
        for i, c in enumerate(row):
            kind = c.kind
            heading = i == 0 and kind == "name"
            label = labels[i] if i < len(labels) else ""
            if heading:
                parts.append('<th scope="row">')
            elif c.title:
                parts.append(f'<td class="text-end text-nowrap"{label} title="{escape(c.title)}">')
            else:
                parts.append(f'<td class="text-end text-nowrap"{label}>')
            text = _number(c.value, persian, kind) if kind in NUMBER_KINDS else escape(cell(c))
            if c.link:
                parts.append(f'<a href="{escape(c.link)}">{text}</a>')
            else:
                parts.append(text)
            parts.append("</th>" if heading else "</td>")
        parts.append("</tr>\n  ")
    if not parts:
        parts.append(f'\n    <tr><td colspan="{len(table.columns)}" class="text-body-secondary">'
                     f'{escape(gettext("No request in this selection."))}</td></tr>\n  ')
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


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


_CODE_WORD = re.compile(r"(&#?\w+;)|([A-Za-z][\w-]*(?:/[\w-]+)?)")


@register.filter
def codes_marked(text: str) -> SafeString:
    """A Persian description with the codes it names (its Latin words) set as code, as
    they are written in the data: «normal (عادی)»."""
    escaped = escape(str(text))
    if not is_persian():
        return escaped
    return mark_safe(_CODE_WORD.sub(  # noqa: S308 - the text is escaped first
        lambda m: m.group(1) or f'<code translate="no">{m.group(2)}</code>', escaped))


@register.filter
def hint(key: str) -> str:
    """The one-sentence explanation of a figure, shown when the pointer rests on its name."""
    definition = DEFINITION.get(HINTS.get(key, ""))
    return str(definition.text) if definition is not None else ""
