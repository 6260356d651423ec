from django.test import override_settings
from rest_framework.test import APIClient

from open137.api.tests.base import ApiTestCase


class ErrorAnswerTests(ApiTestCase):
    @override_settings(ROOT_URLCONF="open137.api.tests.failing_urls")
    def test_an_unexpected_error_is_a_plain_500_in_json_without_a_trace(self) -> None:
        for lang in ("fa", "en"):
            with (self.subTest(lang=lang), self.assertLogs("open137.api.errors", "ERROR"),
                  self.assertLogs("django.request", "ERROR")):
                answer = APIClient(headers={"Accept-Language": lang}).get("/api/v1/broken")
                self.assertEqual(answer.status_code, 500)
                self.assertEqual(list(answer.json()), ["detail"])
                self.assertNotIn(b"secret", answer.content)
                self.assertNotIn(b"Traceback", answer.content)
                if lang == "en":
                    self.assertIn("Something went wrong", answer.json()["detail"])

    def test_an_unknown_api_address_is_404_in_json(self) -> None:
        answer = self.client_for(self.alice).get("/api/v1/nothing/here/")
        self.assertEqual(answer.status_code, 404)
        self.assertIn("detail", answer.json())

    def test_a_missing_or_extra_final_slash_is_redirected_keeping_the_method(self) -> None:
        client = self.client_for(self.alice)
        answer = client.get("/api/v1/requests?status=referred")
        self.assertEqual(answer.status_code, 308)
        self.assertEqual(answer["Location"], "/api/v1/requests/?status=referred")
        self.assertEqual(client.post("/api/v1/token/", {})["Location"], "/api/v1/token")

    def test_a_method_the_endpoint_does_not_take_is_405_in_json(self) -> None:
        answer = self.client_for(self.alice).delete("/api/v1/requests/")
        self.assertEqual(answer.status_code, 405)
        self.assertIn("detail", answer.json())
