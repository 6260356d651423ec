"""A chat that floods the bot is slowed down: past RATE_LIMIT_MESSENGER its updates are
recorded and left unanswered."""

from django.test import override_settings

from open137.messenger.models import Update
from open137.messenger.tests.helpers import MessengerTestCase


class RateLimitTests(MessengerTestCase):
    @override_settings(RATE_LIMIT_MESSENGER="3/m")
    def test_updates_past_the_limit_are_recorded_and_not_answered(self) -> None:
        outcomes = [self.post(self.citizen.says("/mine")).json()["outcome"] for _ in range(5)]
        self.assertEqual(outcomes, ["idle", "idle", "idle", "throttled", "throttled"])
        self.worker()
        self.assertEqual(len(self.citizen.inbox()), 3)
        self.assertEqual(Update.objects.count(), 5)
