"""Without MESSENGER_API_URL nothing of the channel shows: the worker neither polls nor
runs nor reports its jobs, and the webhook address does not exist."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings

from open137.messenger.models import Poller
from open137.notifications import jobs


@override_settings(MESSENGER_API_URL="", MESSENGER_WEBHOOK_SECRET="")
class SwitchedOffTests(TestCase):
    def test_the_worker_says_nothing_of_the_messenger(self) -> None:
        out = StringIO()
        call_command("worker", "--once", stdout=out)
        self.assertNotIn("messenger", out.getvalue())
        self.assertFalse(jobs.listen(0))
        self.assertFalse(Poller.objects.exists())
        self.assertFalse([name for name in jobs.run_due(force=True) if "messenger" in name])

    def test_the_webhook_address_does_not_exist(self) -> None:
        response = self.client.post("/messenger/update", {"update_id": 1},
                                    content_type="application/json")
        self.assertEqual(response.status_code, 404)
