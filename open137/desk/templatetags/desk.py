"""Small display helpers for the desk's templates."""

from django import template

from open137.cases.models import plan_reason_name
from open137.cases.workflow import STEP_NAMES, Status, Step
from open137.core.dates import is_persian
from open137.core.phones import local_phone
from open137.core.text import persian_digits
from open137.core.tracking import grouped

register = template.Library()

_STATUS_COLOURS = {
    "received": "secondary", "triage": "warning", "referred": "primary",
    "in_progress": "info", "awaiting_citizen": "warning", "returned": "warning",
    "planned": "secondary",
    "resolved": "success", "rejected": "dark", "closed": "light", "reopened": "danger",
}


def _digits(text: str) -> str:
    return persian_digits(text) if is_persian() else text


@register.filter
def code_groups(code: str) -> str:
    """A tracking code in digit groups, to read back over the phone: ۱۲۳ ۴۵۶ ۷۸۹۰."""
    return _digits(grouped(code or ""))


@register.filter
def phone(canonical: str) -> str:
    """A stored +98 phone in the form people read: 0912..., in the interface's digits."""
    return _digits(local_phone(canonical)) if canonical else ""


@register.filter
def status_colour(status: str) -> str:
    """The Bootstrap colour of a status badge."""
    return _STATUS_COLOURS.get(status, "secondary")


@register.filter
def step_name(step: str) -> str:
    """The name of a step (receive, refer, resolve...) in the interface's language."""
    try:
        return str(STEP_NAMES[Step(step)])
    except ValueError:
        return step


@register.filter
def status_name(status: str) -> str:
    """The name of a status in the interface's language."""
    try:
        return str(Status(status).label)
    except ValueError:
        return status


@register.filter
def plan_reason(reason: str) -> str:
    """The name of a plan reason: the city pack's, "other", or the code itself."""
    return plan_reason_name(reason)


@register.filter
def named(names: dict[str, str], code: str) -> str:
    """The name of `code` in a mapping of codes to names, or the code itself."""
    return names.get(code, code) if isinstance(names, dict) else code


@register.filter
def department(case: object) -> str:
    """The district department that handles a request's subject ("works"), or ""."""
    from open137.desk.forms import department_of

    return department_of(case)  # type: ignore[arg-type]
