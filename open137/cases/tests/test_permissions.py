from open137.cases.permissions import can_take, sees_contact
from open137.cases.testing import CityTestCase, make_user
from open137.cases.workflow import Step
from open137.directory.models import Staff


class PermissionTests(CityTestCase):
    def test_unit_staff_work_only_on_requests_at_their_unit(self) -> None:
        case = self.new_case()
        self.assertTrue(can_take(self.charlie, case, Step.RESOLVE))
        self.assertFalse(can_take(self.dave, case, Step.RESOLVE))
        self.assertFalse(can_take(self.charlie, case, Step.REFER))

    def test_operators_link_duplicates_supervisors_refer(self) -> None:
        case = self.new_case()
        self.assertTrue(can_take(self.alice, case, Step.LINK_DUPLICATE))
        self.assertFalse(can_take(self.alice, case, Step.REFER))
        self.assertTrue(can_take(self.bob, case, Step.REFER))

    def test_council_and_inspectors_only_read_and_see_contacts_masked(self) -> None:
        case = self.new_case()
        for role in (Staff.Role.COUNCIL, Staff.Role.INSPECTOR):
            user = make_user(f"user-{role}", role)
            self.assertFalse(any(can_take(user, case, step) for step in Step))
            self.assertFalse(sees_contact(user))
        self.assertTrue(sees_contact(self.alice))
        self.assertTrue(sees_contact(self.charlie))
        self.assertFalse(sees_contact(None))
