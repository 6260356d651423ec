"""The desk's lists, each one query (plus fixed prefetches) however many rows it shows."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import F, IntegerField, Prefetch, Q, QuerySet, Value, When

from open137.cases.models import Case, CaseEvent, Priority
from open137.cases.queries import overdue_q, unit_scope, visible_cases
from open137.cases.workflow import PAUSED, WITH_UNIT, Status, Step
from open137.core.numbers import digits_in
from open137.core.text import normalize_text
from open137.directory.models import Staff

User = AbstractBaseUser | AnonymousUser
BY_DEADLINE = (F("resolve_by").asc(nulls_last=True), "created_at", "pk")




def caller_history(user: User, phone: str) -> QuerySet[Case]:
    """Requests the caller made, or follows as a linked duplicate, newest first."""
    cases = visible_cases(user).filter(Q(contact_phone=phone) | Q(followers__phone=phone))
    return cases.distinct().order_by("-created_at")


def text_q(text: str) -> Q:
    """Match a tracking code or phone fragment (any digits) or words of the description."""
    words = normalize_text(text)
    digits = digits_in(text)
    q = Q(description__icontains=words) | Q(address__icontains=words)
    if len(digits) >= 3:
        q |= Q(tracking_code__contains=digits)
    if len(digits) >= 4:
        q |= Q(contact_phone__contains=digits.lstrip("0"))
    return q


def inbox(user: User, staff: Staff, filters: dict[str, Any], now: datetime) -> QuerySet[Case]:
    """The unit's requests (a district manager's: its departments' too), nearest deadline
    first."""
    cases = visible_cases(user).filter(unit_id__in=unit_scope(staff))
    status = filters.get("status") or ""
    if status == "":
        cases = cases.filter(status__in=WITH_UNIT | PAUSED)
    elif status != "all":
        cases = cases.filter(status=status)
    if filters.get("subject"):
        cases = cases.filter(subject=filters["subject"])
    if filters.get("district"):
        cases = cases.filter(district=filters["district"])
    if filters.get("overdue"):
        cases = cases.filter(overdue_q(now))
    if filters.get("q"):
        cases = cases.filter(text_q(filters["q"]))
    return cases.order_by(*BY_DEADLINE)


def triage_queue(user: User) -> QuerySet[Case]:
    """What routing could not place: urgent requests first, then the oldest."""
    urgent_first = models.Case(When(priority=Priority.URGENT, then=Value(0)), default=Value(1),
                               output_field=IntegerField())
    return (visible_cases(user).filter(status=Status.TRIAGE)
            .order_by(urgent_first, "created_at", "pk"))


def returned(user: User) -> QuerySet[Case]:
    """Requests units sent back, each with its return events (the unit's reasons)."""
    returns = (CaseEvent.objects.filter(step=Step.RETURN).select_related("from_unit", "actor")
               .order_by("-at", "-pk"))
    return (visible_cases(user).filter(status=Status.RETURNED)
            .prefetch_related(Prefetch("events", queryset=returns, to_attr="returns"))
            .order_by("updated_at", "pk"))


def overdue(user: User, now: datetime) -> QuerySet[Case]:
    """Open requests past their deadline, the latest first."""
    return visible_cases(user).filter(overdue_q(now)).order_by(*BY_DEADLINE)
