"""A citizen reports, follows and answers through the chat, by webhook and by polling: the
request gets the right subject, point, district, photo and verified phone; the receipt with
the code and the result with its buttons arrive in the chat; "not satisfied" reopens the
request to the same unit."""

from typing import TYPE_CHECKING

from open137.cases import actions
from open137.cases.models import Case, Channel
from open137.cases.testing import inside
from open137.cases.workflow import Status, Step
from open137.core.testing import pixels
from open137.core.text import latin_digits
from open137.directory.models import Subject
from open137.messenger.testing import PNG
from open137.messenger.tests.helpers import MessengerTestCase

# The same conversation runs by webhook and by polling: a mixin, not a test of its own.
if TYPE_CHECKING:
    Base = MessengerTestCase
else:
    Base = object


class WholeConversation(Base):
    def report(self) -> Case:
        citizen = self.citizen
        [welcome] = self.act(citizen.says("/start"))
        self.assertIn("۱۳۷", welcome.text)
        new_report = welcome.keyboard[0]

        [prompt] = self.act(citizen.says(new_report))
        self.assertEqual(len(prompt.keyboard), 1)  # only "cancel" while writing

        [subjects] = self.act(citizen.says("آسفالت کوچه ما خراب شده و چاله بزرگی دارد"))
        asphalt = Subject.objects.get(code="asphalt")
        self.assertIn(f"s:{asphalt.pk}", [data for _label, data in subjects.buttons])
        replies = self.act(citizen.presses(f"s:{asphalt.pk}"))
        self.assertIn(asphalt.name_fa, replies[0].text)
        place = replies[-1]
        self.assertTrue(any("location" in str(b) for b in place.markup["keyboard"][0]))

        lat, lon = inside(self.district)
        replies = self.act(citizen.shares_location(lat, lon))
        self.assertIn(latin_digits(self.district.name_fa).split()[-1], latin_digits(replies[0].text)
                      .translate(str.maketrans("۱۲۳۴۵۶۷۸۹", "123456789")))
        photos = replies[-1]

        [received] = self.act(citizen.sends_photo(PNG))
        self.assertIn("۱", received.text)
        replies = self.act(citizen.says(photos.keyboard[0]))  # "next"
        share = replies[-1]
        self.assertTrue(share.markup["keyboard"][0][0].get("request_contact"))

        [summary] = self.act(citizen.shares_contact("+98 912 123 4567"))
        self.assertIn("۰۹۱۲۱۲۳۴۵۶۷", summary.text)
        replies = self.act(citizen.says(summary.keyboard[0]))  # "send"
        case = Case.objects.get(contact_chat=str(citizen.chat_id))
        self.assertIn(case.tracking_code, replies[0].text)  # the receipt, from the outbox
        return case

    def test_a_report_in_the_chat_becomes_a_placed_request_and_its_result_comes_back(
            self) -> None:
        case = self.report()
        self.assertEqual(case.channel, Channel.MESSENGER)
        self.assertEqual(case.subject.code, "asphalt")
        self.assertEqual(case.district, self.district)
        self.assertIsNotNone(case.lat)
        self.assertEqual(case.contact_phone, "+989121234567")
        received = case.events.get(step=Step.RECEIVE)
        self.assertIs(received.data.get("phone_verified"), True)
        [photo] = case.attachments.all()
        self.assertEqual(pixels(photo.file.read()), pixels(PNG))
        self.assertEqual(case.status, Status.REFERRED)
        unit = case.unit

        actions.resolve_case(case, note="چاله با آسفالت گرم پر شد", by=self.charlie)
        self.worker()
        result = self.citizen.last()
        self.assertIn("چاله با آسفالت گرم پر شد", result.text)
        self.button(result, "sat:")
        not_satisfied = next(d for _l, d in result.buttons if d.endswith(":0"))

        self.act(self.citizen.presses(not_satisfied))
        case.refresh_from_db()
        self.assertEqual((case.status, case.unit), (Status.REOPENED, unit))

        self.assertEqual(self.platform.sent(method="answerCallbackQuery")[-1].params
                         .get("text", "")[:3], "اعت")


class WholeConversationByWebhookTests(WholeConversation, MessengerTestCase):
    webhook = True


class WholeConversationByPollingTests(WholeConversation, MessengerTestCase):
    webhook = False

    def test_the_worker_polls_only_when_no_webhook_is_set(self) -> None:
        self.citizen.says("/start")
        self.worker()
        [poll] = self.platform.attempts("getUpdates")
        self.assertEqual(poll.params["allowed_updates"], ["message", "callback_query"])
