"""Every message the citizen would get by SMS goes to the chat instead when the request came
from the messenger: the receipt, a referral, a plan with its date, the result (and the
unit's photos of it); a follower who reported in the chat hears the outcome there."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import override

from open137.cases import actions
from open137.cases.models import Case, Channel, Follower, PlanReason
from open137.cases.testing import inside
from open137.core.dates import format_date
from open137.messenger.testing import PNG
from open137.messenger.tests.helpers import MessengerTestCase
from open137.notifications.models import DeliveryChannel, DeliveryState, Message
from open137.security.retention import anonymise_closed


class ChatReplacesSmsTests(MessengerTestCase):
    def received(self, chat: object, phone: str = "09121234567") -> Case:
        lat, lon = inside(self.district)
        return actions.receive_case(subject=self.works_subject, channel=Channel.MESSENGER,
                                    by=None, description="چاله بزرگ", lat=lat, lon=lon,
                                    contact_phone=phone, contact_chat=str(chat))

    def test_receipt_referral_plan_and_result_reach_the_chat_and_no_sms_is_queued(
            self) -> None:
        case = self.received(self.citizen.chat_id)
        self.worker()
        [receipt] = self.citizen.inbox()
        self.assertIn(case.tracking_code, receipt.text)

        actions.refer_case(case, unit=self.other_unit, by=self.bob)
        actions.refer_case(case, unit=self.unit, by=self.bob)
        expected = timezone.localdate() + timedelta(days=30)
        with override("en"):  # the unit works in English; the citizen reads Persian
            actions.plan_case(case, reason="budget", expected_date=expected, by=self.charlie)
        self.worker()
        referral, back, plan = self.citizen.inbox()[1:]
        self.assertIn(self.other_unit.name_fa, referral.text)
        self.assertIn(self.unit.name_fa, back.text)
        with override("fa"):
            self.assertIn(format_date(expected), plan.text)
            self.assertIn(str(PlanReason.BUDGET.label), plan.text)

        event = actions.resolve_case(case, note="ترمیم شد", by=self.charlie)
        actions.add_attachment(case, file=SimpleUploadedFile("after.png", PNG,
                                                             content_type="image/png"),
                               by=self.charlie, event=event)
        self.worker()
        result, photo = self.citizen.inbox()[4:]
        self.assertIn("ترمیم شد", result.text)
        self.assertTrue(result.buttons)
        self.assertEqual((photo.method, photo.files["photo"]), ("sendPhoto", PNG))
        self.assertIn(case.tracking_code, photo.text)

        self.assertFalse(Message.objects.filter(case_id=case.pk,
                                                channel=DeliveryChannel.SMS).exists())
        told = Message.objects.filter(case_id=case.pk, kind="resolved", status=DeliveryState.SENT)
        self.assertEqual(told.count(), 1)  # the closure loop counts the chat's result

    def test_a_follower_from_the_chat_hears_the_outcome_there(self) -> None:
        original = self.received(self.citizen.chat_id)
        follower = self.platform.citizen(user_id=6006)
        second = self.received(follower.chat_id, phone="")
        actions.link_duplicate(second, original=original, by=self.bob)
        self.assertEqual(Follower.objects.get(case=original).chat, str(follower.chat_id))
        actions.resolve_case(original, note="ترمیم شد", by=self.charlie)
        self.worker()
        self.assertIn("ترمیم شد", follower.inbox()[-1].text)
        self.assertIn(original.tracking_code, follower.inbox()[-1].text)

    def test_anonymising_removes_the_chat_with_the_other_contact_details(self) -> None:
        case = self.received(self.citizen.chat_id, phone="")
        second = self.received(self.platform.citizen(user_id=7007).chat_id, phone="")
        actions.link_duplicate(second, original=case, by=self.bob)
        actions.resolve_case(case, note="ترمیم شد", by=self.charlie)
        actions.close_case(case, by=None)
        # The chat alone is a contact detail: the retention job finds the request by it.
        self.assertEqual(anonymise_closed(timezone.now() + timedelta(days=400)), 2)
        case.refresh_from_db()
        self.assertEqual((case.contact_chat, case.contact_phone), ("", ""))
        self.assertEqual(Follower.objects.get(case=case).chat, "")
