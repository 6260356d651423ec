from open137.api.tests.base import ApiTestCase
from open137.cases.models import Case


class ImportChannelTests(ApiTestCase):
    def test_a_live_request_cannot_be_recorded_as_imported_history(self) -> None:
        client = self.client_for(self.alice, **{"Accept-Language": "en"})
        answer = client.post("/api/v1/requests/", {
            "service_code": self.org_subject.code, "channel": "import",
            "contact_phone": "09121234567"}, format="json")
        self.assertEqual(answer.status_code, 400, answer.content)
        self.assertIn("import_requests", answer.json()["channel"][0])
        self.assertEqual(Case.objects.count(), 0)

    def test_every_other_channel_is_still_taken(self) -> None:
        answer = self.client_for(self.alice).post("/api/v1/requests/", {
            "service_code": self.org_subject.code, "channel": "sms"}, format="json")
        self.assertEqual(answer.status_code, 201, answer.content)
