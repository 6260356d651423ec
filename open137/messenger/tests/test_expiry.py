"""A report left half-way expires after MESSENGER_CONVERSATION_MINUTES and says so: by the
worker's job, or when the citizen comes back later; its photos are dropped."""

from datetime import timedelta

from django.utils import timezone

from open137.messenger import actions
from open137.messenger.models import Conversation, DraftPhoto
from open137.messenger.tests.helpers import MessengerTestCase
from open137.notifications import jobs


class ExpiryTests(MessengerTestCase):
    def half_way(self) -> Conversation:
        """A report described, its subject chosen, one photo sent."""
        self.act(self.citizen.says("/new"))
        [subjects] = self.act(self.citizen.says("آسفالت کوچه خراب شده و چاله دارد"))
        self.act(self.citizen.presses(self.button(subjects, "s:")))
        self.act(self.citizen.sends_photo())
        self.assertEqual(DraftPhoto.objects.count(), 1)
        return Conversation.objects.get()

    def test_the_worker_ends_a_report_left_half_way_and_tells_the_chat(self) -> None:
        conversation = self.half_way()
        name = DraftPhoto.objects.get().file.name
        storage = DraftPhoto.objects.get().file.storage
        now = timezone.now()
        self.assertEqual(actions.expire_conversations(now=now + timedelta(minutes=59)), 0)
        with self.captureOnCommitCallbacks(execute=True):
            ended = jobs.run_due(now + timedelta(minutes=61), force=True)
        self.assertEqual(ended["messenger.expire"], "1")
        conversation.refresh_from_db()
        self.assertEqual((conversation.step, conversation.draft), ("idle", {}))
        self.assertFalse(DraftPhoto.objects.exists())
        self.assertFalse(storage.exists(name))
        self.worker()
        self.assertIn("۶۰", self.citizen.last().text)
        self.assertEqual(actions.expire_conversations(now=now + timedelta(hours=3)), 0)

    def test_a_citizen_coming_back_late_hears_it_expired_and_is_answered(self) -> None:
        conversation = self.half_way()
        Conversation.objects.filter(pk=conversation.pk).update(
            updated_at=timezone.now() - timedelta(hours=2))
        expired, answer = self.act(self.citizen.says("/mine"))
        self.assertIn("۶۰", expired.text)
        self.assertEqual(answer.keyboard[0], expired.keyboard[0])  # then /mine is answered
        conversation.refresh_from_db()
        self.assertEqual(conversation.step, "idle")
        self.assertFalse(DraftPhoto.objects.exists())
