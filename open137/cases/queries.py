"""Shared reads of requests, scoped to what a user may see."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet

from open137.cases.models import Case, CaseEvent
from open137.core import tracking
from open137.directory.models import Staff


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
    past = CaseEvent.objects.filter(case=OuterRef("pk"), to_unit=staff.unit_id)
    return cases.filter(Exists(past))


def find_by_tracking_code(code: str) -> Case | None:
    """The request with this code; a code that fails the check digit finds nothing."""
    code = tracking.clean_code(code)
    if not tracking.is_valid(code):
        return None
    return Case.objects.select_related("subject", "unit").filter(tracking_code=code).first()
