from datetime import timedelta

from django.test import override_settings
from django.utils import timezone
from django.utils.translation import override

from open137.cases import actions
from open137.cases.models import Case
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Status
from open137.core.errors import DomainError, IllegalTransition
from open137.notifications.models import Message


@override_settings(SMS_QUIET_HOURS="", SATISFACTION_WINDOW_DAYS=7)
class SatisfactionTests(CityTestCase):
    def resolved(self) -> Case:
        case = self.new_case(contact_phone="09121234567")
        actions.resolve_case(case, note="Filled", by=self.charlie)
        return case

    def test_satisfied_closes_the_request_and_thanks_the_citizen(self) -> None:
        case = self.resolved()
        actions.answer_satisfaction(case, satisfied=True)
        case.refresh_from_db()
        self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))
        thanks = Message.objects.get(kind="thanks")
        self.assertTrue(thanks.urgent)
        self.assertIn(case.tracking_code, thanks.text)

    def test_not_satisfied_reopens_it_to_the_same_unit(self) -> None:
        case = self.resolved()
        actions.answer_satisfaction(case, satisfied=False,
                                    at=timezone.now() + timedelta(days=6))
        case.refresh_from_db()
        self.assertEqual((case.status, case.unit, case.satisfied),
                         (Status.REOPENED, self.unit, False))
        self.assertEqual(Message.objects.filter(kind="reopened").count(), 1)

    def test_after_the_window_the_answer_is_refused_with_a_clear_message(self) -> None:
        case = self.resolved()
        late = timezone.now() + timedelta(days=8)
        with override("en"), self.assertRaises(DomainError) as refused:
            actions.answer_satisfaction(case, satisfied=False, at=late)
        self.assertEqual(str(refused.exception),
                         f"The 7 days to answer about request {case.tracking_code} have passed.")
        case.refresh_from_db()
        self.assertEqual(case.status, Status.RESOLVED)

    def test_a_request_still_being_worked_on_cannot_be_answered(self) -> None:
        with self.assertRaises(IllegalTransition):
            actions.answer_satisfaction(self.new_case(), satisfied=True)

    def test_a_second_result_after_a_reopening_can_be_answered_again(self) -> None:
        case = self.resolved()
        actions.answer_satisfaction(case, satisfied=False)
        actions.resolve_case(case, note="Filled again", by=self.charlie)
        actions.answer_satisfaction(case, satisfied=True)
        case.refresh_from_db()
        self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))
