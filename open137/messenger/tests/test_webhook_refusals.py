"""/messenger/update refuses what is not the platform's update: forged calls without the
secret are 403, a body that is no update is 400, and without a bot the address is 404;
nothing is recorded and nothing is sent."""

from django.test import override_settings

from open137.messenger.models import Conversation, Update
from open137.messenger.tests.helpers import SECRET, MessengerTestCase
from open137.notifications.models import Message


class WebhookRefusalTests(MessengerTestCase):
    def assertNothingHappened(self) -> None:
        self.assertEqual((Update.objects.count(), Conversation.objects.count(),
                          Message.objects.count()), (0, 0, 0))

    def test_a_call_without_the_secret_or_with_a_wrong_one_is_forbidden(self) -> None:
        update = self.citizen.says("/start")
        for secret in (None, "", "wrong", SECRET + "x", SECRET.upper(), "سلام"):
            with self.subTest(secret=secret):
                self.assertEqual(self.post(update, secret=secret).status_code, 403)
        self.assertNothingHappened()

    @override_settings(MESSENGER_WEBHOOK_SECRET="")
    def test_without_a_webhook_secret_configured_every_call_is_forbidden(self) -> None:
        update = self.citizen.says("/start")
        self.assertEqual(self.post(update, secret="").status_code, 403)
        self.assertEqual(self.post(update, secret="anything").status_code, 403)
        self.assertNothingHappened()

    @override_settings(MESSENGER_API_URL="")
    def test_without_a_bot_the_address_does_not_exist(self) -> None:
        self.assertEqual(self.post(self.citizen.says("/start")).status_code, 404)
        self.assertNothingHappened()

    def test_a_body_that_is_no_update_is_a_bad_request(self) -> None:
        headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": SECRET}
        bodies = ["{", "[]", "null", '"text"', "{}", '{"update_id": "7"}',
                  '{"update_id": true}', '{"update_id": -1}', '{"update_id": 1.5}']
        for body in bodies:
            with self.subTest(body=body):
                response = self.client.post("/messenger/update", body,
                                            content_type="application/json", **headers)
                self.assertEqual(response.status_code, 400)
                self.assertIn("error", response.json())
        response = self.client.post("/messenger/update", b"\xff\xfe",
                                    content_type="application/json", **headers)
        self.assertEqual(response.status_code, 400)
        self.assertNothingHappened()

    def test_only_post_is_allowed(self) -> None:
        response = self.client.get("/messenger/update",
                                   HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)
        self.assertEqual(response.status_code, 405)
