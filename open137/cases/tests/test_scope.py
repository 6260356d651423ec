from open137.cases import actions
from open137.cases.queries import find_by_tracking_code, visible_cases
from open137.cases.testing import CityTestCase, make_user
from open137.directory.models import Staff


class ScopeTests(CityTestCase):
    def test_unit_staff_see_only_requests_that_are_or_were_referred_to_them(self) -> None:
        mine = self.new_case()
        theirs = self.new_case(subject=self.org_subject)
        self.assertEqual(list(visible_cases(self.charlie)), [mine])
        actions.return_case(mine, reason="not ours", by=self.charlie)
        actions.refer_case(mine, unit=self.other_unit, by=self.bob)
        self.assertEqual(list(visible_cases(self.charlie)), [mine])
        self.assertIn(theirs, visible_cases(self.bob))

    def test_centre_and_oversight_roles_see_everything_citizens_nothing(self) -> None:
        self.new_case()
        council = make_user("erin", Staff.Role.COUNCIL)
        self.assertEqual(visible_cases(council).count(), 1)
        self.assertEqual(visible_cases(self.alice).count(), 1)
        self.assertEqual(visible_cases(None).count(), 0)

    def test_a_mistyped_tracking_code_finds_nothing(self) -> None:
        case = self.new_case()
        code = case.tracking_code
        self.assertEqual(find_by_tracking_code(code), case)
        self.assertEqual(find_by_tracking_code(" ".join(code)), case)
        wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
        self.assertIsNone(find_by_tracking_code(wrong))
