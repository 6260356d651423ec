from django.test import TestCase, override_settings


class InterfaceLanguageTests(TestCase):
    """The city's language decides, not the browser's; the switch changes it per person."""

    def html_language(self, path: str = "/accounts/login/", **headers: str) -> str:
        response = self.client.get(path, headers=headers)
        self.assertEqual(response.status_code, 200)
        return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]

    def test_a_browser_that_asks_for_english_gets_the_persian_interface(self) -> None:
        self.assertEqual(self.html_language(**{"Accept-Language": "en-US,en;q=0.9"}), "fa")
        response = self.client.get("/accounts/login/", headers={"Accept-Language": "en-US"})
        self.assertContains(response, 'dir="rtl"')

    def test_the_language_switch_gives_english_until_switched_back(self) -> None:
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        self.assertEqual(self.html_language(**{"Accept-Language": "fa"}), "en")
        self.client.post("/i18n/setlang/", {"language": "fa", "next": "/"})
        self.assertEqual(self.html_language(**{"Accept-Language": "en"}), "fa")

    @override_settings(LANGUAGE_CODE="en")
    def test_a_city_that_sets_english_as_its_language_starts_in_english(self) -> None:
        self.assertEqual(self.html_language(**{"Accept-Language": "fa-IR"}), "en")

    def test_an_unknown_language_in_the_cookie_falls_back_to_the_citys(self) -> None:
        self.client.cookies["django_language"] = "xx"
        self.assertEqual(self.html_language(), "fa")

    def test_the_apis_still_answer_in_the_language_their_client_asks_for(self) -> None:
        response = self.client.get("/api/v1/requests/", headers={"Accept-Language": "en"})
        self.assertEqual(response["Content-Language"], "en")
        response = self.client.get("/api/v1/requests/", headers={"Accept-Language": "fa"})
        self.assertEqual(response["Content-Language"], "fa")
