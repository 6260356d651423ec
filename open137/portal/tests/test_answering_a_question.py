"""A unit's question reaches the citizen, who answers on the tracking page or by SMS."""

from django.test import override_settings

from open137.cases import actions
from open137.cases.workflow import Status
from open137.notifications.models import Message
from open137.portal.tests.helpers import PortalTestCase


class AnsweringAQuestionTests(PortalTestCase):
    def asked(self):
        case = self.new_case(contact_phone="09121234567")
        actions.ask_citizen(case, question="پلاک خانه چند است؟", by=self.charlie)
        return case

    def test_the_question_is_sent_and_answered_on_the_tracking_page(self) -> None:
        case = self.asked()
        self.assertIn("پلاک خانه چند است؟", Message.objects.get(kind="question").text)
        url = f"/track/{case.tracking_code}"
        self.assertContains(self.client.get(url), 'data-testid="question"')
        self.assertEqual(self.client.post(f"{url}/reply", {"reply": ""}).status_code, 400)
        response = self.client.post(f"{url}/reply", {"reply": "پلاک ۱۲"})
        self.assertRedirects(response, url)
        case.refresh_from_db()
        self.assertEqual(case.status, Status.IN_PROGRESS)
        self.assertEqual(case.events.last().note, "پلاک 12")  # digits kept as Latin
        self.assertNotContains(self.client.get(url), 'data-testid="question"')

    @override_settings(SMS_INBOUND_SECRET="gateway-secret")
    def test_an_sms_from_the_citizen_answers_the_question(self) -> None:
        case = self.asked()
        answer = self.client.post("/sms/inbound", {"from": "+989121234567", "text": "پلاک ۱۲",
                                                   "secret": "gateway-secret"})
        self.assertEqual(answer.json()["action"], "answered")
        case.refresh_from_db()
        self.assertEqual((case.status, case.ask_count), (Status.IN_PROGRESS, 1))
        self.assertGreater(case.paused_seconds, -1)
