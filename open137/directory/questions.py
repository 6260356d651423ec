"""A subject's extra questions (Subject.attributes): the taxi's plate, the bus line...

The desk, the citizen portal and Open311 (as service attributes) ask the same questions
and check the answers the same way, here. Each question in the city pack (or the admin) is a
mapping:

    code                  stable id, sent back as attribute[code]
    datatype              string | number | datetime | text | singlevaluelist | multivaluelist
    required              true: a request without an answer is refused (default false)
    variable              false: shown as information only, never answered (default true)
    order                 position when shown (default: the position in the list, from 1)
    description           the question, as text or {fa: ..., en: ...}
    datatype_description  a hint for the answer, as text or {fa: ..., en: ...}
    values                for the list types: [{key: ..., name: text or {fa, en}}]

Entries without a code are skipped and an unknown datatype reads as string, so that a
careless edit in the admin never breaks the service list.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from open137.core.dates import GREGORIAN_YEARS
from open137.core.numbers import parse_number
from open137.core.text import latin_digits, normalize_text

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LISTS = ("singlevaluelist", "multivaluelist")
MAX_STRING = 200
MAX_TEXT = 4000


def localized(value: Any) -> str:
    """Text from the pack: a plain string, or a mapping of language code to text."""
    if value is None:
        return ""
    if isinstance(value, dict):
        lang = (get_language() or "fa")[:2]
        for key in (lang, "fa", "en"):
            if value.get(key):
                return str(value[key])
        return next((str(v) for v in value.values() if v), "")
    return str(value)


@dataclass(frozen=True)
class Question:
    code: str
    datatype: str
    required: bool
    variable: bool
    order: int
    description: Any
    datatype_description: Any
    values: tuple[tuple[str, Any], ...]

    @property
    def label(self) -> str:
        return localized(self.description) or self.code

    def as_open311(self) -> dict[str, Any]:
        """The attribute as the GeoReport v2 service definition lists it."""
        return {
            "variable": self.variable,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": localized(self.datatype_description) or None,
            "order": self.order,
            "description": localized(self.description) or None,
            "values": [{"key": key, "name": localized(name) or key}
                       for key, name in self.values],
        }


def questions(raw: Any) -> list[Question]:
    """The well-formed questions of a subject, in their display order."""
    found: list[Question] = []
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict) or not str(item.get("code") or "").strip():
            continue
        datatype = str(item.get("datatype") or "string")
        values = tuple(
            (str(v["key"]), v.get("name"))
            for v in (item.get("values") or []) if isinstance(v, dict) and "key" in v
        )
        if datatype not in DATATYPES or (datatype in LISTS and not values):
            datatype = "string"
        order = item.get("order")
        found.append(Question(
            code=str(item["code"]).strip(),
            datatype=datatype,
            required=item.get("required") is True,
            variable=item.get("variable", True) is not False,
            order=order if isinstance(order, int) and not isinstance(order, bool) and order > 0
            else i + 1,
            description=item.get("description"),
            datatype_description=item.get("datatype_description"),
            values=values if datatype in LISTS else (),
        ))
    return sorted(found, key=lambda q: q.order)


def answer(question: Question, given: list[str]) -> tuple[Any, str | None]:
    """(the stored answer or None when empty, an error message or None)."""
    given = [normalize_text(v) for v in given if v is not None and normalize_text(v)]
    if not given:
        if question.required:
            return None, _("“%(question)s” (attribute %(code)s) must be answered.") % {
                "question": question.label, "code": question.code}
        return None, None
    keys = [key for key, _name in question.values]
    if question.datatype == "multivaluelist":
        wanted = [part.strip() for v in given for part in v.split(",") if part.strip()]
        unknown = [v for v in wanted if v not in keys]
        if unknown:
            return None, _("“%(value)s” is not one of the choices of attribute %(code)s; "
                           "choose from %(keys)s.") % {
                "value": unknown[0], "code": question.code, "keys": ", ".join(keys)}
        return list(dict.fromkeys(wanted)), None
    if len(given) > 1:
        return None, _("Attribute %(code)s takes a single value.") % {"code": question.code}
    value = given[0]
    if question.datatype == "singlevaluelist":
        if value not in keys:
            return None, _("“%(value)s” is not one of the choices of attribute %(code)s; "
                           "choose from %(keys)s.") % {
                "value": value, "code": question.code, "keys": ", ".join(keys)}
        return value, None
    if question.datatype == "number":
        number = parse_number(value)
        if number is None:
            return None, _("Attribute %(code)s must be a number.") % {"code": question.code}
        return int(number) if number.is_integer() else number, None
    if question.datatype == "datetime":
        try:
            moment = datetime.fromisoformat(latin_digits(value).replace(" ", "T", 1))
            if moment.year not in GREGORIAN_YEARS:  # year 1 or 9999: no one means it
                raise ValueError("year")
        except ValueError:
            return None, _("Attribute %(code)s must be a date and time in ISO 8601, such as "
                           "2025-01-31T14:30:00+03:30.") % {"code": question.code}
        return moment.isoformat(), None
    limit = MAX_TEXT if question.datatype == "text" else MAX_STRING
    if question.datatype == "string":
        value = " ".join(value.split())
    if len(value) > limit:
        return None, _("Attribute %(code)s may be at most %(n)s characters.") % {
            "code": question.code, "n": limit}
    return value, None


def check_answers(raw: Any, given: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers to a subject's questions (`given`: code -> the values typed), checked:
    (the answers to store, by code; the errors, by code)."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions(raw):
        if not question.variable:
            continue
        value, error = answer(question, given.get(question.code, []))
        if error:
            errors[question.code] = error
        elif value is not None:
            answers[question.code] = value
    return answers, errors


def answered_questions(raw: Any, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) for display, in the questions' order; a list answer is named."""
    shown = []
    for question in questions(raw):
        if question.code not in answers:
            continue
        value = answers[question.code]
        names = {key: localized(name) or key for key, name in question.values}
        if isinstance(value, list):
            text = ", ".join(names.get(str(v), str(v)) for v in value)
        else:
            text = names.get(str(value), str(value))
        shown.append((question.label, text))
    return shown


def form_questions(raw: Any, data: Any = None, errors: dict[str, str] | None = None
                   ) -> list[dict[str, Any]]:
    """The answerable questions of a subject as a form shows them, with what was typed
    (`data`: a QueryDict with `attribute[<code>]` values) and the errors."""
    shown = []
    for question in questions(raw):
        if not question.variable:
            continue
        given = data.getlist(f"attribute[{question.code}]") if data is not None else []
        shown.append({
            "code": question.code, "label": question.label, "datatype": question.datatype,
            "required": question.required, "hint": localized(question.datatype_description),
            "choices": [(key, localized(name) or key) for key, name in question.values],
            "given": given, "error": (errors or {}).get(question.code, ""),
        })
    return shown


def typed_answers(raw: Any, data: Any) -> dict[str, list[str]]:
    """The values typed for each question (`attribute[<code>]` in a form's data)."""
    return {q.code: data.getlist(f"attribute[{q.code}]") for q in questions(raw)}
