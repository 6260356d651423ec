from datetime import timedelta
from typing import Any

from django.test import override_settings

from open137.cases import actions
from open137.cases.models import Case, Channel
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Status
from open137.directory.models import Unit
from open137.notifications.models import DeliveryState, Message
from open137.smsgateway.actions import triage_subject

URL = "/sms/inbound"
SECRET = "gateway-secret"
PHONE = "09121234567"


@override_settings(SMS_INBOUND_SECRET="gateway-secret", RATE_LIMIT_SMS_INBOUND="30/m",
                   SMS_QUIET_HOURS="")
class InboundTests(CityTestCase):
    def post(self, text: str, *, sender: str = "+989121234567",
             secret: str = SECRET) -> Any:
        return self.client.post(URL, {"from": sender, "text": text, "secret": secret})

    def resolved(self) -> Case:
        case = self.new_case(contact_phone=PHONE)
        actions.resolve_case(case, note="Filled", by=self.charlie)
        return case

    def test_without_the_secret_nothing_happens(self) -> None:
        with self.assertLogs("django.request", "WARNING"):
            for secret in ["", "wrong"]:
                with self.subTest(secret=secret):
                    self.assertEqual(self.post("خیابان تاریک است", secret=secret).status_code,
                                     403)
            with self.settings(SMS_INBOUND_SECRET=""):
                self.assertEqual(self.post("خیابان تاریک است").status_code, 403)
        self.assertEqual(Case.objects.count(), 0)

    def test_only_post_is_accepted(self) -> None:
        with self.assertLogs("django.request", "WARNING"):
            response = self.client.get(URL, {"secret": "gateway-secret"})
        self.assertEqual(response.status_code, 405)

    def test_a_sender_that_is_not_a_phone_number_is_refused(self) -> None:
        with self.assertLogs("django.request", "WARNING"):
            response = self.post("hello", sender="ABC")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["field"], "from")

    def test_two_in_any_digits_reopens_the_latest_resolved_request(self) -> None:
        for two in ["2", "۲", "٢", " ۲ "]:
            with self.subTest(digit=two):
                case = self.resolved()
                response = self.post(two)
                self.assertEqual(response.json(), {"status": "ok", "action": "reopened",
                                                   "tracking_code": case.tracking_code})
                case.refresh_from_db()
                self.assertEqual((case.status, case.unit), (Status.REOPENED, self.unit))

    def test_one_in_any_digits_closes_it_as_satisfied(self) -> None:
        for one in ["1", "۱", "١"]:
            with self.subTest(digit=one):
                case = self.resolved()
                self.assertEqual(self.post(one).json()["action"], "satisfied")
                case.refresh_from_db()
                self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))

    def test_an_answer_with_nothing_to_answer_gets_a_polite_reply(self) -> None:
        self.new_case(contact_phone=PHONE)
        self.assertEqual(self.post("1").json()["action"], "nothing_to_answer")
        reply = Message.objects.get(kind="nothing_to_answer")
        self.assertEqual((reply.recipient, reply.status), ("+989121234567", DeliveryState.PENDING))

    def test_an_answer_after_the_window_is_refused_by_reply(self) -> None:
        case = self.resolved()
        Case.objects.filter(pk=case.pk).update(
            resolved_at=case.resolved_at - timedelta(days=8))
        self.assertEqual(self.post("2").json()["action"], "refused")
        self.assertIn(case.tracking_code, Message.objects.get(kind="error_reply").text)
        case.refresh_from_db()
        self.assertEqual(case.status, Status.RESOLVED)

    def test_a_tracking_code_in_any_digits_is_answered_with_its_status(self) -> None:
        case = self.new_case()
        code = case.tracking_code
        spaced = f"{code[:3]} {code[3:6]} {code[6:]}".translate(
            str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        response = self.post(spaced, sender="09351112233")
        self.assertEqual(response.json()["action"], "status")
        reply = Message.objects.get(kind="status_reply")
        self.assertEqual(reply.recipient, "+989351112233")
        self.assertIn(code, reply.text)
        self.assertTrue(reply.urgent)

    def test_an_unknown_or_mistyped_code_is_answered_as_such(self) -> None:
        self.assertEqual(self.post("1234567890").json()["action"], "unknown_code")
        self.assertIn("1234567890", Message.objects.get(kind="unknown_code").text)

    def test_any_other_text_records_a_new_request_and_answers_with_its_code(self) -> None:
        response = self.post("چراغ‌های خیابان ۱۲ متری خاموش است")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["action"], "created")
        case = Case.objects.get(tracking_code=data["tracking_code"])
        self.assertEqual((case.channel, case.contact_phone), (Channel.SMS, "+989121234567"))
        self.assertEqual(case.description, "چراغ‌های خیابان 12 متری خاموش است")
        receipt = Message.objects.get(case_id=case.pk)
        self.assertIn(case.tracking_code, receipt.text)
        self.assertTrue(receipt.urgent)
        # The worker sends it, not the request.
        self.assertEqual(receipt.status, DeliveryState.PENDING)

    def test_without_a_classifier_the_triage_subject_takes_it(self) -> None:
        subject = triage_subject()
        triage = Unit.objects.get(is_triage=True)
        self.assertIn(subject.handler, {f"org:{triage.code}", f"central:{triage.code}"})

    def test_inbound_sms_are_rate_limited_per_phone(self) -> None:
        with self.settings(RATE_LIMIT_SMS_INBOUND="2/m"):
            self.assertEqual(self.post("999").status_code, 200)
            self.assertEqual(self.post("999").status_code, 200)
            with self.assertLogs("django.request", "WARNING"):
                limited = self.post("999")
            self.assertEqual(limited.status_code, 429)
            self.assertIn("Retry-After", limited)
            self.assertEqual(self.post("999", sender="09351112233").status_code, 200)

    def test_json_bodies_are_accepted_too(self) -> None:
        response = self.client.post(URL, {"from": PHONE, "text": "999",
                                          "secret": "gateway-secret"},
                                    content_type="application/json")
        self.assertEqual(response.json()["action"], "unknown_code")
