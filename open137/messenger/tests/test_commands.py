"""The operator's commands: `messenger_webhook` sets the webhook with the secret (or
deletes it, or shows it) and refuses to set one without a usable secret;
`fake_bot_platform` lets a developer chat with the bot from a terminal."""

import threading
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings

from open137.messenger.testing import FakePlatform
from open137.messenger.tests.helpers import SECRET


class WebhookCommandTests(SimpleTestCase):
    def setUp(self) -> None:
        self.platform = FakePlatform()
        self.platform.__enter__()
        self.addCleanup(self.platform.__exit__, None, None, None)
        settings = override_settings(MESSENGER_API_URL=self.platform.api_url,
                                     MESSENGER_WEBHOOK_SECRET=SECRET,
                                     SITE_ROOT="https://137.example.ir")
        settings.enable()
        self.addCleanup(settings.disable)

    def test_set_points_the_platform_at_this_server_with_the_secret(self) -> None:
        out = StringIO()
        call_command("messenger_webhook", "--set", stdout=out)
        self.assertEqual(self.platform.webhook, {
            "url": "https://137.example.ir/messenger/update", "secret_token": SECRET,
            "allowed_updates": ["message", "callback_query"]})
        self.assertIn("https://137.example.ir/messenger/update", out.getvalue())
        call_command("messenger_webhook", "--info", stdout=out)
        self.assertIn('"url": "https://137.example.ir/messenger/update"', out.getvalue())
        call_command("messenger_webhook", "--delete", stdout=out)
        self.assertEqual(self.platform.webhook, {})

    def test_set_refuses_without_a_usable_secret(self) -> None:
        for secret in ("", "has space", "x" * 257, "رمز"):
            with self.subTest(secret=secret), override_settings(
                    MESSENGER_WEBHOOK_SECRET=secret), self.assertRaises(CommandError):
                call_command("messenger_webhook", "--set", stdout=StringIO())
        self.assertEqual(self.platform.webhook, {})

    def test_the_platform_s_refusal_is_a_command_error(self) -> None:
        self.platform.fail("setWebhook", 401)
        with self.assertRaisesMessage(CommandError, "Unauthorized"):
            call_command("messenger_webhook", "--set", "https://x.example/messenger/update",
                         stdout=StringIO())

    @override_settings(MESSENGER_API_URL="")
    def test_without_a_bot_the_command_says_what_to_set(self) -> None:
        with self.assertRaisesMessage(CommandError, "MESSENGER_API_URL"):
            call_command("messenger_webhook", "--info", stdout=StringIO())


class FakePlatformCommandTests(SimpleTestCase):
    def test_the_developer_s_lines_become_updates_for_the_bot(self) -> None:
        typed = StringIO("/start\n!loc 35.8 50.9\n!contact\n!sticker\n!quit\nnever\n")
        out = StringIO()
        done = threading.Event()

        def run() -> None:
            call_command("fake_bot_platform", "--port", "0", stdin=typed, stdout=out)
            done.set()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=30)
        self.assertTrue(done.is_set())
        self.assertIn("MESSENGER_API_URL=http://127.0.0.1:", out.getvalue())
        self.assertIn("Bye.", out.getvalue())
