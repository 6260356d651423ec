"""Long polling in the worker: one worker polls at a time, a platform that fails is asked
again after a pause instead of in a tight loop, and an update given up is recorded once
and its chat told."""

from datetime import timedelta

from django.utils import timezone

from open137.messenger import actions, polling
from open137.messenger.models import Update
from open137.messenger.tests.helpers import MessengerTestCase


class PollingTests(MessengerTestCase):
    webhook = False

    def setUp(self) -> None:
        super().setUp()
        polling._pauses.clear()
        self.addCleanup(polling._pauses.clear)

    def test_only_the_worker_holding_the_lease_polls(self) -> None:
        self.assertTrue(actions.hold_poller(holder="another-worker", seconds=60))
        self.assertIsNone(polling.poll_once(0))
        self.assertEqual(self.platform.attempts("getUpdates"), [])
        later = timezone.now() + timedelta(seconds=61)
        self.assertTrue(actions.hold_poller(holder=polling.HOLDER, seconds=60, now=later))
        self.assertFalse(actions.hold_poller(holder="another-worker", seconds=60, now=later))

    def test_a_failing_platform_is_asked_again_after_a_pause(self) -> None:
        self.platform.fail("getUpdates", 502)
        with self.assertLogs("open137.messenger.polling", "WARNING"):
            self.assertIsNone(polling.poll_once(0))
        self.assertIsNone(polling.poll_once(0))  # paused: the worker sleeps instead
        self.assertEqual(len(self.platform.attempts("getUpdates")), 1)
        polling._pauses.clear()
        self.citizen.says("/start")
        self.assertEqual(polling.poll_once(0), 1)

    def test_a_webhook_left_set_stops_polling_without_a_tight_loop(self) -> None:
        self.platform.webhook = {"url": "https://elsewhere.example/hook"}
        with self.assertLogs("open137.messenger.polling", "WARNING") as logs:
            self.assertIsNone(polling.poll_once(0))
        self.assertIn("webhook", " ".join(logs.output))
        self.assertIsNone(polling.poll_once(0))
        self.assertEqual(len(self.platform.attempts("getUpdates")), 1)

    def test_an_update_given_up_is_recorded_once_and_its_chat_told(self) -> None:
        update = self.citizen.says("/start")
        with self.assertLogs("open137.messenger.actions", "WARNING"):
            self.assertTrue(actions.record_failed_update(update))
        self.assertFalse(actions.record_failed_update(update))
        self.assertEqual(Update.objects.get().outcome, "failed")
        self.assertEqual(actions.receive_update(update), "duplicate")
        self.worker()
        [sorry] = self.citizen.inbox()
        self.assertTrue(sorry.text)
