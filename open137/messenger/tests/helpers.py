"""What the messenger's tests share: a fake platform the settings point at, the worker,
and the webhook."""

import shutil
import tempfile
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import override_settings

from open137.cases.testing import CityTestCase
from open137.intelligence.testing import SharedModel
from open137.messenger.testing import Call, Citizen, FakePlatform

SECRET = "webhook-secret-137"


class MessengerTestCase(SharedModel, CityTestCase):
    """A city, a trained classifier, and a Bot API platform on 127.0.0.1."""

    platform: FakePlatform
    citizen: Citizen
    webhook = True

    def setUp(self) -> None:
        super().setUp()
        self.platform = FakePlatform(silence=0.6)
        self.platform.__enter__()
        self.addCleanup(self.platform.__exit__, None, None, None)
        media = tempfile.mkdtemp(prefix="open137-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        settings = override_settings(
            MESSENGER_API_URL=self.platform.api_url,
            MESSENGER_WEBHOOK_SECRET=SECRET if self.webhook else "",
            MESSENGER_TIMEOUT=2, MEDIA_ROOT=media, SMS_QUIET_HOURS="",
            WORKER_RETRY_BASE_SECONDS=30, RATE_LIMIT_MESSENGER="0")
        settings.enable()
        self.addCleanup(settings.disable)
        self.citizen = self.platform.citizen()

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> Any:
        headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret else {}
        return self.client.post("/messenger/update", update, content_type="application/json",
                                **headers)

    def worker(self) -> str:
        """`open137 worker --once`: polls when no webhook is set, delivers the outbox."""
        out = StringIO()
        call_command("worker", "--once", stdout=out)
        return out.getvalue()

    def act(self, update: dict[str, Any]) -> list[Call]:
        """Deliver an update (by webhook, or by polling) and run the worker; the messages
        the chat got because of it."""
        before = len(self.citizen.inbox())
        if self.webhook:
            response = self.post(update)
            self.assertEqual(response.status_code, 200, response.content)
        self.worker()
        return self.citizen.inbox()[before:]

    def button(self, call: Call, data_prefix: str) -> str:
        """The data of the first inline button of `call` whose data starts so."""
        found = [data for _label, data in call.buttons if data.startswith(data_prefix)]
        self.assertTrue(found, f"no button {data_prefix!r} in {call.buttons}")
        return found[0]
