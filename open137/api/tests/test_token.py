from django.conf import settings
from django.contrib.auth.models import User
from django.test import override_settings
from rest_framework.test import APIClient

from open137.api.tests.base import ApiTestCase


class TokenTests(ApiTestCase):
    def test_staff_exchange_username_and_password_for_a_token_as_json_or_form(self) -> None:
        client = APIClient()
        first = client.post("/api/v1/token", {"username": "charlie",
                                              "password": "secret-pass-137"}, format="json")
        self.assertEqual(first.status_code, 200)
        second = client.post("/api/v1/token", {"username": "charlie",
                                               "password": "secret-pass-137"})
        self.assertEqual(second.status_code, 200)
        self.assertEqual(first.json()["token"], second.json()["token"])

    def test_the_token_authenticates_later_calls(self) -> None:
        token = APIClient().post("/api/v1/token", {"username": "alice",
                                                   "password": "secret-pass-137"}).json()["token"]
        client = APIClient(headers={"Authorization": f"Token {token}"})
        self.assertEqual(client.get("/api/v1/requests/").status_code, 200)

    def test_a_wrong_password_is_refused_with_a_sentence_in_the_callers_language(self) -> None:
        answers = [
            APIClient(headers={"Accept-Language": lang}).post(
                "/api/v1/token", {"username": "alice", "password": "wrong"})
            for lang in ("en", "fa")
        ]
        for answer in answers:
            self.assertEqual(answer.status_code, 400)
        self.assertEqual(answers[0].json(), {
            "non_field_errors": ["The username or password is not right."]})

    def test_missing_fields_are_errors_on_those_fields(self) -> None:
        answer = APIClient(headers={"Accept-Language": "en"}).post("/api/v1/token", {})
        self.assertEqual(answer.status_code, 400)
        self.assertEqual(answer.json(), {"username": ["Write your username."],
                                         "password": ["Write your password."]})

    def test_an_account_without_a_staff_role_gets_no_token(self) -> None:
        User.objects.create_user("frank", password="secret-pass-137")
        answer = APIClient().post("/api/v1/token", {"username": "frank",
                                                    "password": "secret-pass-137"})
        self.assertEqual(answer.status_code, 403)

    def test_calls_without_a_token_are_401_and_say_how_to_authenticate(self) -> None:
        answer = APIClient(headers={"Accept-Language": "en"}).get("/api/v1/requests/")
        self.assertEqual(answer.status_code, 401)
        self.assertEqual(answer["WWW-Authenticate"], "Token")
        self.assertIn("Authorization: Token", answer.json()["detail"])

    def test_a_made_up_token_is_401(self) -> None:
        client = APIClient(headers={"Authorization": "Token 0123456789abcdef"})
        for url in ("/api/v1/requests/", "/api/v1/subjects/", "/api/v1/requests/1/"):
            with self.subTest(url=url):
                self.assertEqual(client.get(url).status_code, 401)

    @override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
    def test_after_repeated_failures_even_the_right_password_waits_with_429(self) -> None:
        client = APIClient(headers={"Accept-Language": "en"})
        for _ in range(3):
            client.post("/api/v1/token", {"username": "alice", "password": "wrong"})
        answer = client.post("/api/v1/token", {"username": "alice",
                                               "password": "secret-pass-137"})
        self.assertEqual(answer.status_code, 429)
        self.assertIn("Too many failed sign-in attempts", answer.json()["detail"])
        self.assertEqual(int(answer["Retry-After"]), settings.LOGIN_LOCKOUT_MINUTES * 60)
