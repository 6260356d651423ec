"""An update delivered twice (a webhook retry, a poll after a worker died before confirming
it) is taken once: one request, one receipt."""

from django.test import override_settings

from open137.cases.models import Case
from open137.messenger import polling
from open137.messenger.models import Update
from open137.messenger.tests.helpers import MessengerTestCase
from open137.notifications.models import Message


class DuplicateUpdateTests(MessengerTestCase):
    def ready_to_send(self) -> str:
        """Walk a report to its summary; the label of the "send" key."""
        citizen = self.citizen
        self.act(citizen.says("/new"))
        [subjects] = self.act(citizen.says("آسفالت کوچه خراب شده و چاله دارد"))
        place = self.act(citizen.presses(self.button(subjects, "s:")))[-1]
        photos = self.act(citizen.says(place.keyboard[1]))[-1]  # "I don't know" where
        phone = self.act(citizen.says(photos.keyboard[0]))[-1]  # no photo
        summary = self.act(citizen.says(phone.keyboard[1]))[-1]  # no phone
        return summary.keyboard[0]

    def test_the_same_update_by_webhook_twice_creates_one_request(self) -> None:
        send = self.citizen.says(self.ready_to_send())
        first, second = self.post(send), self.post(send)
        self.assertEqual((first.json()["outcome"], second.json()["outcome"]),
                         ("submitted", "duplicate"))
        self.worker()
        self.assertEqual(Case.objects.count(), 1)
        receipts = [c for c in self.citizen.inbox()
                    if Case.objects.get().tracking_code in c.text]
        self.assertEqual(len(receipts), 1)
        self.assertEqual(Update.objects.filter(update_id=send["update_id"]).count(), 1)


@override_settings(MESSENGER_WEBHOOK_SECRET="")
class DuplicatePollTests(MessengerTestCase):
    webhook = False

    def test_updates_fetched_again_after_a_worker_died_do_nothing_twice(self) -> None:
        self.citizen.says("/start")
        self.citizen.says("/new")
        self.worker()
        messages = Message.objects.count()
        # A new worker knows no offset: the platform gives every unconfirmed update again.
        polling._offsets.clear()
        self.worker()
        self.assertEqual(Message.objects.count(), messages)
        self.assertEqual(len(self.platform.attempts("getUpdates")), 2)
        self.assertEqual(self.platform.attempts("getUpdates")[1].params.get("offset"), None)
