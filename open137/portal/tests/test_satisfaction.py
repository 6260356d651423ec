from datetime import timedelta

from django.utils import timezone

from open137.cases import actions
from open137.cases.answers import answer_key, latest_result
from open137.cases.workflow import Status
from open137.portal.tests.helpers import PortalTestCase


class SatisfactionTests(PortalTestCase):
    def resolved(self, **contact: str):
        case = self.new_case(**contact)
        actions.accept_case(case, by=self.charlie)
        actions.resolve_case(case, note="انجام شد", by=self.charlie)
        return case

    def answer(self, case, **data: str):
        return self.client.post(f"/track/{case.tracking_code}/answer", data)

    def key(self, case) -> str:
        return answer_key(case.pk, latest_result(case).pk)

    def test_a_satisfied_citizen_closes_the_request(self) -> None:
        case = self.resolved(contact_phone="09121234567")
        response = self.answer(case, answer="satisfied", k=self.key(case))
        self.assertRedirects(response, f"/track/{case.tracking_code}")
        case.refresh_from_db()
        self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))
        page = self.client.get(f"/track/{case.tracking_code}")
        self.assertContains(page, 'data-testid="satisfaction"')
        self.assertNotContains(page, 'data-testid="answer-form"')

    def test_an_objection_reopens_the_request_to_the_same_unit_with_the_comment(self) -> None:
        case = self.resolved(contact_phone="09121234567")
        self.answer(case, answer="not_satisfied", comment="هنوز چاله هست", k=self.key(case))
        case.refresh_from_db()
        self.assertEqual((case.status, case.unit, case.satisfied),
                         (Status.REOPENED, self.unit, False))
        self.assertEqual(case.events.last().note, "هنوز چاله هست")

    def test_a_rejected_request_can_be_objected_to(self) -> None:
        case = self.new_case()
        actions.reject_case(case, reason="ممکن نیست", by=self.charlie)
        self.answer(case, answer="not_satisfied")
        case.refresh_from_db()
        self.assertEqual((case.status, case.unit), (Status.REOPENED, self.unit))

    def test_no_choice_is_a_field_error(self) -> None:
        case = self.resolved()
        self.in_english()
        self.assertContains(self.answer(case), "Choose whether you are satisfied.")

    def test_a_request_that_is_not_finished_takes_no_answer(self) -> None:
        case = self.new_case()
        self.in_english()
        page = self.client.post(f"/track/{case.tracking_code}/answer",
                                {"answer": "not_satisfied"}, follow=True)
        self.assertEqual(page.redirect_chain, [(f"/track/{case.tracking_code}", 302)])
        self.assertContains(page, "This request is not waiting for your answer.")
        case.refresh_from_db()
        self.assertEqual(case.status, Status.REFERRED)

    def test_an_answer_after_the_window_is_refused(self) -> None:
        case = self.new_case()
        actions.resolve_case(case, note="انجام شد", by=self.charlie,
                             at=timezone.now() - timedelta(days=30))
        self.answer(case, answer="not_satisfied")
        case.refresh_from_db()
        self.assertEqual(case.status, Status.RESOLVED)

    def test_an_answer_for_a_bad_code_is_404(self) -> None:
        self.assertEqual(self.client.post("/track/1234567890/answer",
                                          {"answer": "satisfied"}).status_code, 404)
