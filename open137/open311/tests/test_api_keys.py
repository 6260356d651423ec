from io import StringIO

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import TestCase

from open137.cases.models import Case
from open137.open311.actions import create_api_key
from open137.open311.models import ApiKey, hash_key
from open137.open311.tests.base import Open311TestCase


def create_key_command(*args: str) -> list[str]:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().splitlines()


class CreateApiKeyCommandTests(Open311TestCase):
    def test_the_new_key_is_the_last_line_alone_and_it_works(self) -> None:
        lines = create_key_command("Tehran municipality app")
        raw = lines[-1]
        self.assertRegex(raw, r"^[A-Za-z0-9_-]{40,}$")
        key = ApiKey.objects.get(key_hash=hash_key(raw))
        self.assertEqual((key.name, key.channel, key.active),
                         ("Tehran municipality app", "open311", True))
        self.assertEqual(self.post(api_key=raw, service_code="taxi",
                                   address_string="x").status_code, 201)

    def test_an_integrator_key_can_be_labelled_api(self) -> None:
        raw = create_key_command("Waste contractor", "--channel", "api")[-1]
        self.assertEqual(ApiKey.objects.get(key_hash=hash_key(raw)).channel, "api")

    def test_a_name_is_required(self) -> None:
        with self.assertRaises(CommandError):
            create_key_command("   ")


class ApiKeyAdminTests(Open311TestCase):
    def setUp(self) -> None:
        self.admin = User.objects.create_superuser("erin", password="secret-pass-137")
        self.client.force_login(self.admin)

    def test_a_key_created_in_the_admin_is_shown_once(self) -> None:
        response = self.client.post("/admin/open311/apikey/add/",
                                    {"name": "Bus company", "channel": "api"}, follow=True)
        self.assertEqual(response.status_code, 200)
        key = ApiKey.objects.get(name="Bus company")
        shown = [str(m) for m in response.context["messages"]]
        raw = next(word for m in shown for word in m.split()
                   if word.startswith(key.prefix)).rstrip(".")
        self.assertEqual(hash_key(raw), key.key_hash)
        self.assertEqual(key.channel, "api")

    def test_revoking_in_the_admin_stops_the_key(self) -> None:
        response = self.client.post("/admin/open311/apikey/", {
            "action": "revoke", "_selected_action": [self.key.pk]}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.key.refresh_from_db()
        self.assertFalse(self.key.active)
        self.assertIsNotNone(self.key.revoked_at)
        self.assertEqual(self.post(service_code="taxi", address_string="x").status_code, 403)
        self.assertFalse(Case.objects.exists())

    def test_the_key_list_and_a_key_page_open(self) -> None:
        self.assertEqual(self.client.get("/admin/open311/apikey/").status_code, 200)
        self.assertEqual(self.client.get(f"/admin/open311/apikey/{self.key.pk}/change/")
                         .status_code, 200)
        self.assertEqual(self.client.get("/admin/open311/submission/").status_code, 200)


class KeyActionTests(TestCase):
    def test_a_key_needs_a_name_and_a_known_channel(self) -> None:
        from open137.core.errors import InvalidInput

        with self.assertRaises(InvalidInput):
            create_api_key(name="", by=None)
        with self.assertRaises(InvalidInput):
            create_api_key(name="x", channel="sms", by=None)
