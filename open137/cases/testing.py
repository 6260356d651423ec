"""Test set-up shared by the apps: a loaded city and one named user per role."""

from typing import Any

from django.contrib.auth.models import User
from django.test import TestCase

from open137.cases import actions
from open137.cases.models import Case, Channel
from open137.directory.actions import load_city
from open137.directory.models import District, Staff, Subject, Unit


def make_user(username: str, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(username, password="secret-pass-137")  # noqa: S106
    Staff.objects.create(user=user, role=role, unit=unit)
    return user


def inside(district: District) -> tuple[float, float]:
    """A (lat, lon) point well inside a district."""
    from shapely.geometry import shape

    p = shape(district.geometry).representative_point()
    return p.y, p.x


def set_up_city(cls: Any) -> None:
    """Load the default pack and create the named users on `cls` (a test class or case)."""
    load_city()
    cls.alice = make_user("alice", Staff.Role.OPERATOR)
    cls.bob = make_user("bob", Staff.Role.SUPERVISOR)
    cls.district = District.objects.order_by("number")[0]
    cls.works_subject = Subject.objects.filter(handler__startswith="district:")[0]
    cls.org_subject = Subject.objects.filter(handler__startswith="org:").exclude(
        handler__endswith=Unit.objects.get(is_triage=True).code)[0]
    dept = cls.works_subject.handler.split(":")[1]
    cls.unit = Unit.objects.get(code=f"{cls.district.code}/{dept}")
    cls.other_unit = Unit.objects.exclude(pk=cls.unit.pk).filter(type="organisation",
                                                                 is_triage=False)[0]
    cls.charlie = make_user("charlie", Staff.Role.UNIT_STAFF, cls.unit)
    cls.dave = make_user("dave", Staff.Role.UNIT_STAFF, cls.other_unit)


class CityTestCase(TestCase):
    """The default city pack and named users: alice operates, bob supervises, ..."""

    alice: User
    bob: User
    charlie: User  # staff of `unit`
    dave: User  # staff of `other_unit`
    district: District
    works_subject: Subject  # a district handler's subject
    org_subject: Subject  # an organisation's subject
    unit: Unit
    other_unit: Unit

    @classmethod
    def setUpTestData(cls) -> None:
        set_up_city(cls)

    def new_case(self, subject: Subject | None = None, **kwargs: Any) -> Case:
        lat, lon = inside(self.district)
        values: dict[str, Any] = {"subject": subject or self.works_subject,
                                  "channel": Channel.PHONE, "by": self.alice,
                                  "description": "چاله بزرگ در کوچه", "lat": lat, "lon": lon}
        values.update(kwargs)
        return actions.receive_case(**values)
