"""Messages to the chat go through the outbox: a platform that fails or does not answer is
asked again with backoff and the message arrives once; a 429 waits as long as it asks,
for every message of the channel; a chat's messages keep their order; a refused call is
given up at once."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from open137.messenger.testing import TIMEOUT
from open137.messenger.tests.helpers import MessengerTestCase
from open137.notifications import actions as outbox
from open137.notifications.models import DeliveryAttempt, DeliveryState, Message
from open137.notifications.worker import deliver_due


class DeliveryTests(MessengerTestCase):
    def queue(self, text: str, *, chat: object = None) -> Message:
        message = outbox.enqueue_bot_call(to=str(chat or self.citizen.chat_id),
                                          method="sendMessage", text=text, key=f"test:{text}")
        assert message is not None
        return message

    def texts(self) -> list[str]:
        return [c.text for c in self.platform.sent()]

    @override_settings(MESSENGER_TIMEOUT=1)
    def test_a_platform_that_fails_or_does_not_answer_is_asked_again_and_sends_once(
            self) -> None:
        self.platform.silence = 1.5
        self.platform.fail("sendMessage", 503, TIMEOUT)
        message = self.queue("سلام")
        start = timezone.now()
        with self.assertLogs("open137.notifications.worker", "WARNING"):
            deliver_due(now=start)
            self.assertEqual(deliver_due(now=start + timedelta(seconds=10)), {})
            deliver_due(now=start + timedelta(seconds=31))
        deliver_due(now=start + timedelta(minutes=5))
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (DeliveryState.SENT, 3))
        self.assertEqual(len(self.platform.attempts("sendMessage")), 3)
        self.assertEqual(self.texts(), ["سلام"])
        self.assertEqual(deliver_due(now=start + timedelta(hours=1)), {})

    @override_settings(WORKER_RETRY_BASE_SECONDS=1)
    def test_a_429_holds_the_channel_as_long_as_the_platform_asks(self) -> None:
        other = self.platform.citizen(user_id=3003)
        self.platform.retry_after = 20
        self.platform.fail("sendMessage", 429)
        first, second = self.queue("یک"), self.queue("دو", chat=other.chat_id)
        start = timezone.now()
        with self.assertLogs("open137.notifications.worker", "WARNING"):
            outcomes = deliver_due(now=start)
        self.assertEqual(outcomes["throttled"], 1)
        self.assertEqual(len(self.platform.attempts("sendMessage")), 1)
        self.assertEqual(deliver_due(now=start + timedelta(seconds=15)), {})
        deliver_due(now=start + timedelta(seconds=21))
        self.assertEqual(self.texts(), ["یک", "دو"])
        [throttled] = DeliveryAttempt.objects.filter(message=first, ok=False)
        self.assertEqual(throttled.status_code, 429)
        second.refresh_from_db()
        self.assertEqual(second.attempts, 1)

    def test_a_chats_messages_arrive_in_the_order_they_were_written(self) -> None:
        self.platform.fail("sendMessage", 502)
        self.queue("اول")
        self.queue("دوم")
        start = timezone.now()
        with self.assertLogs("open137.notifications.worker", "WARNING"):
            deliver_due(now=start)
        self.assertEqual(self.texts(), [])
        deliver_due(now=start + timedelta(seconds=31))
        deliver_due(now=start + timedelta(seconds=33))
        self.assertEqual(self.texts(), ["اول", "دوم"])

    def test_a_chat_that_blocked_the_bot_is_given_up_at_once(self) -> None:
        self.platform.blocked.add(str(self.citizen.chat_id))
        message = self.queue("سلام")
        start = timezone.now()
        with self.assertLogs("open137.notifications.worker", "WARNING"):
            deliver_due(now=start)
        message.refresh_from_db()
        self.assertEqual(message.status, DeliveryState.DEAD)
        deliver_due(now=start + timedelta(hours=2))
        self.assertEqual(len(self.platform.attempts("sendMessage")), 1)

    def test_an_edit_that_changes_nothing_counts_as_done(self) -> None:
        self.queue("پیام")
        deliver_due()
        self.assertEqual(len(self.platform.sent()), 1)
        message_id = max(self.platform.messages)
        edit = outbox.enqueue_bot_call(
            to=str(self.citizen.chat_id), method="editMessageReplyMarkup", key="edit",
            params={"chat_id": str(self.citizen.chat_id), "message_id": message_id,
                    "reply_markup": {"inline_keyboard": []}})
        deliver_due()
        edit.refresh_from_db()
        self.assertEqual(edit.status, DeliveryState.SENT)

    @override_settings(MESSENGER_API_URL="")
    def test_without_a_bot_address_messages_wait_for_one(self) -> None:
        message = self.queue("سلام")
        with self.assertLogs("open137.notifications.worker", "WARNING"):
            deliver_due()
        message.refresh_from_db()
        self.assertEqual(message.status, DeliveryState.FAILED)
