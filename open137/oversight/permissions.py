"""Who may read oversight pages, and who may draw and grade audits."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from open137.cases.queries import staff_of
from open137.directory.models import Staff

R = Staff.Role
# Council members, inspectors and the centre's supervisors read every figure; a unit
# manager reads their own unit's. Operators and unit staff have no oversight pages.
READERS = frozenset({R.COUNCIL, R.INSPECTOR, R.SUPERVISOR, R.ADMIN, R.UNIT_MANAGER})
GRADERS = frozenset({R.INSPECTOR})
# The sample is seeded, so whoever draws it cannot choose it; units never draw their own.
DRAWERS = frozenset({R.INSPECTOR, R.ADMIN})
# Who changed the configuration: for the inspectors who audit it and the administrators.
TRAIL_READERS = frozenset({R.INSPECTOR, R.ADMIN})

User = AbstractBaseUser | AnonymousUser | None


def oversight_staff(user: User) -> Staff | None:
    """The user's staff record when they may read oversight pages, else None."""
    staff = staff_of(user)
    return staff if staff is not None and staff.role in READERS else None


def scope_unit(staff: Staff) -> str:
    """The unit a reader is limited to ("" for the whole city)."""
    return staff.unit.code if staff.role == R.UNIT_MANAGER and staff.unit else ""


def can_grade(user: User) -> bool:
    staff = staff_of(user)
    return staff is not None and staff.role in GRADERS


def can_draw(user: User) -> bool:
    staff = staff_of(user)
    return staff is not None and staff.role in DRAWERS


def reads_trail(staff: Staff) -> bool:
    """Inspectors and administrators read the audit trail of configuration."""
    return staff.role in TRAIL_READERS


def sees_ranking(staff: Staff) -> bool:
    """The ranking compares units with each other: not for a unit's own manager."""
    return staff.role != R.UNIT_MANAGER
