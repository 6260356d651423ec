"""Who may take which step on which request: one place, used by every interface."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from open137.cases.models import Case
from open137.cases.queries import staff_of, unit_scope
from open137.cases.workflow import Step
from open137.directory.models import Staff

R = Staff.Role
UNIT_WORK = frozenset({Step.ACCEPT, Step.RETURN, Step.PLAN, Step.REJECT, Step.RESOLVE,
                       Step.ASK})
CENTRE_STEPS: dict[str, frozenset[Step]] = {
    R.OPERATOR: frozenset({Step.LINK_DUPLICATE, Step.CONTACT}),
    R.SUPERVISOR: frozenset({Step.REFER, Step.LINK_DUPLICATE, Step.REOPEN, Step.CLOSE,
                             Step.CONTACT, Step.RESUME}) | UNIT_WORK,
    R.ADMIN: frozenset({Step.REFER, Step.LINK_DUPLICATE, Step.REOPEN, Step.CLOSE,
                        Step.CONTACT, Step.RESUME}) | UNIT_WORK,
}


def can_take(user: AbstractBaseUser | AnonymousUser | None, case: Case, step: Step) -> bool:
    """True when this user may take `step` on `case` (the status table is checked apart).

    Unit staff work only on requests now at their unit (a district's manager also on those
    at its departments); supervisors can act for any unit (a request waiting at the
    centre, or a unit that cannot log in); council members and inspectors only read.
    """
    staff = staff_of(user)
    if staff is None:
        return False
    if staff.is_unit_role:
        return (step in UNIT_WORK and case.unit_id is not None
                and case.unit_id in unit_scope(staff))
    return step in CENTRE_STEPS.get(staff.role, frozenset())


def sees_contact(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Council members, inspectors and the public see contact details masked."""
    staff = staff_of(user)
    return staff is not None and staff.sees_contacts
