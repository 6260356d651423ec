"""Shared reads of requests, scoped to what a user may see."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from open137.cases.models import OVERDUE_STATUSES, Case, CaseEvent
from open137.cases.workflow import Status
from open137.core import tracking
from open137.directory.models import Staff, Unit
from open137.routing.engine import HandlerKind, department_unit_code, parse_handler


def staff_of(user: AbstractBaseUser | AnonymousUser | None) -> Staff | None:
    """The user's staff record, or None for anonymous users and citizens."""
    if user is None or not user.is_authenticated:
        return None
    return Staff.objects.filter(user_id=user.pk).select_related("unit").first()


def visible_cases(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Case]:
    """Requests this user may open: all for the centre and oversight, a unit's own for units.

    A unit keeps seeing a request it once had (returned or re-referred), so that its
    staff can answer for what they did.
    """
    staff = staff_of(user)
    cases = Case.objects.select_related("subject", "kind", "unit", "district")
    if staff is None:
        return cases.none()
    if not staff.is_unit_role:
        return cases
    past = CaseEvent.objects.filter(case=OuterRef("pk"), to_unit__in=unit_scope(staff))
    return cases.filter(Exists(past))


def unit_scope(staff: Staff) -> list[int]:
    """The units whose requests a unit role works on: its own, and for a district (the
    district manager's unit) its departments too."""
    unit = staff.unit
    if unit is None:
        return []
    if unit.type == Unit.Type.DISTRICT and unit.district_id is not None:
        return list(Unit.objects.filter(district_id=unit.district_id).values_list("pk", flat=True))
    return [unit.pk]


def suggested_unit(case: Case) -> Unit | None:
    """The unit the subject's handler names, for a request the centre refers by hand: an
    organisation by its code, a district's department in the request's district (none
    when the request has no district)."""
    handler = parse_handler(case.subject.handler)
    if handler is None:
        return None
    if handler.kind is HandlerKind.DISTRICT:
        if case.district is None:
            return None
        code = department_unit_code(case.district.code, handler.code)
    else:
        code = handler.code
    return Unit.objects.filter(code=code, active=True, is_triage=False).first()


def unanswered_result_q() -> Q:
    """Requests whose latest result (or refusal) has not been answered "satisfied?" yet:
    an answer to an earlier result (an objection) does not answer a later one."""
    return Q(status__in=[Status.RESOLVED, Status.REJECTED]) & (
        Q(satisfaction_at__isnull=True) | Q(satisfaction_at__lt=F("resolved_at")))


def overdue_q(now: datetime) -> Q:
    """The one meaning of "overdue", for the database: open, owed a result (not planned,
    not waiting for the citizen's answer) and past the result deadline. Case.is_overdue
    says the same of one request; the desk, the API and the council's figures use this."""
    return Q(status__in=OVERDUE_STATUSES, resolve_by__lt=now)


def find_by_tracking_code(code: str) -> Case | None:
    """The request with this code; a code that fails the check digit finds nothing."""
    code = tracking.clean_code(code)
    if not tracking.is_valid(code):
        return None
    return Case.objects.select_related("subject", "unit").filter(tracking_code=code).first()
