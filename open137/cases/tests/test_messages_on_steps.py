import re
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone
from django.utils.translation import override

from open137.cases import actions
from open137.cases.models import Channel, Follower
from open137.cases.testing import CityTestCase
from open137.core.dates import format_date
from open137.core.errors import IllegalTransition
from open137.directory.models import Subject
from open137.notifications.models import DeliveryChannel, Message, WebhookEndpoint

PHONE = "09121234567"


def unbroken(code: str) -> re.Pattern[str]:
    """The code as one run of digits, with no digit of any script on either side."""
    return re.compile(rf"(?<![0-9۰-۹٠-٩]){code}(?![0-9۰-۹٠-٩])")


@override_settings(SMS_QUIET_HOURS="")
class CitizenMessageTests(CityTestCase):
    def sms(self, case_id: int) -> list[Message]:
        return list(Message.objects.filter(case_id=case_id, channel=DeliveryChannel.SMS)
                    .order_by("pk"))

    def test_receipt_carries_the_tracking_code_and_the_unit_in_one_sms(self) -> None:
        case = self.new_case(contact_phone=PHONE)
        [receipt] = self.sms(case.pk)
        self.assertEqual((receipt.kind, receipt.recipient), ("receipt_referral", "+989121234567"))
        self.assertRegex(receipt.text, unbroken(case.tracking_code))
        with override("fa"):
            self.assertIn(self.unit.name, receipt.text)

    def test_a_request_waiting_for_triage_gets_the_plain_receipt(self) -> None:
        case = self.new_case(contact_phone=PHONE, lat=30.0, lon=60.0)
        self.assertEqual([m.kind for m in self.sms(case.pk)], ["receipt"])

    def test_each_later_step_tells_the_citizen_what_happened(self) -> None:
        case = self.new_case(contact_phone=PHONE)
        actions.refer_case(case, unit=self.other_unit, by=self.bob)
        actions.accept_case(case, by=self.dave)
        expected = timezone.localdate() + timedelta(days=40)
        actions.plan_case(case, reason="budget", expected_date=expected, by=self.dave)
        actions.resolve_case(case, note="The pothole was filled", by=self.dave)
        messages = self.sms(case.pk)
        self.assertEqual([m.kind for m in messages],
                         ["receipt_referral", "referral", "planned", "resolved"])
        with override("fa"):
            self.assertIn(format_date(expected), messages[2].text)
        self.assertIn("The pothole was filled", messages[3].text)
        for message in messages:
            self.assertRegex(message.text, unbroken(case.tracking_code))

    def test_a_refusal_carries_its_reason(self) -> None:
        case = self.new_case(contact_phone=PHONE)
        reason = "This street belongs to the highway authority, not to the municipality"
        actions.reject_case(case, reason=reason, by=self.charlie)
        # The whole reason fits beside the code and the answer link.
        self.assertIn(reason, self.sms(case.pk)[-1].text)
        self.assertEqual(self.sms(case.pk)[-1].kind, "rejected")

    def test_accepting_and_returning_tell_the_citizen_nothing(self) -> None:
        case = self.new_case(contact_phone=PHONE)
        actions.accept_case(case, by=self.charlie)
        actions.return_case(case, reason="not ours", by=self.charlie)
        self.assertEqual(len(self.sms(case.pk)), 1)

    def test_a_landline_gets_no_sms_but_an_email_address_gets_email(self) -> None:
        case = self.new_case(contact_phone="02632123456", contact_email="citizen@example.com")
        self.assertEqual(self.sms(case.pk), [])
        email = Message.objects.get(case_id=case.pk, channel=DeliveryChannel.EMAIL)
        self.assertEqual(email.recipient, "citizen@example.com")
        self.assertIn(f"/track/{case.tracking_code}", email.text)
        self.assertIn(case.tracking_code, email.subject)

    def test_followers_hear_the_outcome_of_the_request_they_follow(self) -> None:
        original = self.new_case(contact_phone=PHONE)
        duplicate = self.new_case(contact_phone="09351112233")
        actions.link_duplicate(duplicate, original=original, by=self.alice)
        self.assertEqual(self.sms(duplicate.pk)[-1].kind, "linked")
        self.assertIn(original.tracking_code, self.sms(duplicate.pk)[-1].text)
        actions.resolve_case(original, note="Filled", by=self.charlie)
        followed = Message.objects.get(kind="followed")
        self.assertEqual(followed.recipient, "+989351112233")
        self.assertRegex(followed.text, unbroken(original.tracking_code))
        self.assertEqual(Follower.objects.get().phone, "+989351112233")

    def test_history_recorded_after_the_fact_tells_nobody(self) -> None:
        past = timezone.now() - timedelta(days=30)
        case = self.new_case(contact_phone=PHONE, at=past)
        actions.resolve_case(case, note="done", by=self.charlie, at=past + timedelta(days=1))
        imported = self.new_case(contact_phone=PHONE, channel=Channel.IMPORT)
        self.assertEqual(Message.objects.filter(case_id__in=[case.pk, imported.pk]).count(), 0)

    def test_a_failed_step_leaves_no_message_behind(self) -> None:
        case = self.new_case(contact_phone=PHONE)
        with self.assertRaises(IllegalTransition):
            actions.reopen_case(case, by=None)
        self.assertEqual(len(self.sms(case.pk)), 1)


@override_settings(TIME_ZONE="Asia/Tehran")
class QuietHoursOnStepsTests(CityTestCase):
    def quiet_now(self) -> str:
        hour = timezone.localtime().hour
        return f"{hour}-{(hour + 2) % 24}"

    def test_at_night_an_ordinary_receipt_waits_and_an_urgent_one_goes(self) -> None:
        urgent = Subject.objects.filter(urgent=True, handler__startswith="district:").first()
        with self.settings(SMS_QUIET_HOURS=self.quiet_now()):
            ordinary = self.new_case(contact_phone=PHONE)
            flood = self.new_case(subject=urgent, contact_phone=PHONE)
        now = timezone.now()
        waiting = Message.objects.get(case_id=ordinary.pk)
        self.assertGreater(waiting.next_attempt_at, now + timedelta(minutes=59))
        self.assertLessEqual(Message.objects.get(case_id=flood.pk).next_attempt_at, now)


class WebhookOnStepsTests(CityTestCase):
    def test_units_with_an_endpoint_get_referral_update_and_reopen_events(self) -> None:
        mine = WebhookEndpoint.objects.create(unit=self.unit, url="http://127.0.0.1:9/a")
        other = WebhookEndpoint.objects.create(unit=self.other_unit, url="http://127.0.0.1:9/b")
        case = self.new_case(contact_phone=PHONE)
        actions.resolve_case(case, note="done", by=self.charlie)
        actions.reopen_case(case, by=None, note="still broken")
        actions.refer_case(case, unit=self.other_unit, by=self.bob)
        events = list(Message.objects.filter(channel=DeliveryChannel.WEBHOOK).order_by("pk")
                      .values_list("endpoint", "text"))
        self.assertEqual(events, [
            (mine.pk, "case.referred"), (mine.pk, "case.resolved"), (mine.pk, "case.reopened"),
            (mine.pk, "case.referred"), (other.pk, "case.referred"),
        ])
        payload = Message.objects.filter(endpoint=other).get().payload
        self.assertEqual(payload["request"]["tracking_code"], case.tracking_code)
        self.assertEqual(payload["request"]["unit_code"], self.other_unit.code)
        self.assertEqual(payload["request"]["contact"]["phone"], "+989121234567")
        self.assertEqual(payload["step"]["from_unit_code"], self.unit.code)
        self.assertEqual(payload["request"]["id"], str(case.pk))

    def test_no_endpoint_no_webhook(self) -> None:
        self.new_case()
        self.assertFalse(Message.objects.filter(channel=DeliveryChannel.WEBHOOK).exists())
