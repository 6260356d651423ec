"""Who may open which desk page: the staff record, the role, the request's scope."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from open137.cases.models import Case
from open137.cases.permissions import can_take
from open137.cases.queries import staff_of, visible_cases
from open137.cases.workflow import TRANSITIONS, Step
from open137.directory.models import Staff

R = Staff.Role
CENTRE = frozenset({R.OPERATOR, R.SUPERVISOR, R.ADMIN})
SUPERVISORS = frozenset({R.SUPERVISOR, R.ADMIN})
UNIT_ROLES = frozenset({R.UNIT_STAFF, R.UNIT_MANAGER})
# The steps the request page offers, in the order a unit meets them.
PAGE_STEPS = (Step.ACCEPT, Step.RESOLVE, Step.ASK, Step.PLAN, Step.RETURN, Step.REJECT,
              Step.REFER)


def require_staff(request: HttpRequest, roles: frozenset[str] | None = None) -> Staff:
    """The signed-in user's staff record, or 403 when they have none or another role."""
    staff = staff_of(request.user)
    if staff is None or (roles is not None and staff.role not in roles):
        raise PermissionDenied
    return staff


def case_in_scope(user: AbstractBaseUser | AnonymousUser, pk: int) -> Case:
    """The request if this user may open it; 404 otherwise (its existence is not told)."""
    case = (visible_cases(user).select_related("subject__group", "duplicate_of")
            .filter(pk=pk).first())
    if case is None:
        raise Http404
    return case


def allowed_steps(user: AbstractBaseUser | AnonymousUser, case: Case) -> list[Step]:
    """The steps this user may take on the request now: their role and the status table."""
    return [step for step in PAGE_STEPS
            if case.status in TRANSITIONS[step][0] and can_take(user, case, step)]


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` address from the form when it points into this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site: anything else ("²1", a view's name) is no address to follow.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback
