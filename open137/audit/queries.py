"""Reading the trail: newest first, by object and by person."""

from django.db.models import QuerySet

from open137.audit.models import AuditEntry
from open137.core.text import latin_digits, search_key

# The person filter's value for changes made by nobody signed in (commands, the worker).
SYSTEM = "-"


def entries(*, model: str = "", obj: str = "", person: str = "") -> QuerySet[AuditEntry]:
    """Entries of this type (`app_label.model_name`), about objects whose name or id holds
    `obj`, made by this username (SYSTEM: by the system); newest first."""
    found = AuditEntry.objects.select_related(None)
    if model:
        found = found.filter(model=model)
    obj = latin_digits(obj or "").strip()
    if obj:
        found = found.filter(search__contains=search_key(obj))
    if person:
        found = found.filter(username="" if person == SYSTEM else person)
    return found.order_by("-at", "-pk")


def models_seen() -> list[str]:
    return list(AuditEntry.objects.order_by().values_list("model", flat=True).distinct())


def people_seen() -> list[str]:
    return sorted(AuditEntry.objects.exclude(username="").order_by()
                  .values_list("username", flat=True).distinct())
