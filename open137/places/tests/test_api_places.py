"""GET /api/v1/places: public, rate-limited, best first, and never a 500 on odd input."""

from typing import Any

from django.test import override_settings

from open137.cases.testing import CityTestCase

URL = "/api/v1/places"


class PlacesApiTests(CityTestCase):
    def get(self, **params: object) -> Any:
        return self.client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")

    def test_places_are_answered_best_first_with_their_district(self) -> None:
        response = self.client.get(URL, {"q": "موذن"})
        self.assertEqual(response.status_code, 200)
        places = response.json()["places"]
        self.assertEqual(places[0]["name"], "بلوار موذن")
        self.assertEqual(places[0]["kind"], "street")
        self.assertEqual(places[0]["district_code"], "district-3")
        for field in ("name", "kind", "lat", "lon", "district_code", "score"):
            self.assertIn(field, places[0])
        scores = [p["score"] for p in places]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_names_follow_the_callers_language(self) -> None:
        places = self.client.get(URL, {"q": "گوهردشت"}, HTTP_ACCEPT_LANGUAGE="en").json()
        self.assertEqual(places["places"][0]["name"], "Gohardasht")

    def test_the_limit_is_kept(self) -> None:
        self.assertEqual(len(self.get(q="گوهردشت", limit=1).json()["places"]), 1)

    def test_no_token_is_needed(self) -> None:
        self.client.logout()
        self.assertEqual(self.get(q="گلشهر").status_code, 200)

    def test_bad_queries_get_a_clear_400(self) -> None:
        for params, field in [({}, "q"), ({"q": ""}, "q"), ({"q": "   "}, "q"),
                              ({"q": "x" * 2000}, "q"), ({"q": "a\x00b"}, "detail"),
                              ({"q": "موذن", "limit": "0"}, "limit"),
                              ({"q": "موذن", "limit": "many"}, "limit"),
                              ({"q": "موذن", "limit": "10000"}, "limit")]:
            with self.subTest(params):
                response = self.get(**params)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json())

    def test_odd_text_answers_no_place_rather_than_failing(self) -> None:
        for q in ["\u202e\u200b\ufeff", "!!!؟؟", "🙂", "' OR 1=1 --", "%", "_", "\\",
                  "١٢٣", "x" * 499, "ی" * 300, "<script>", "\u0301\u0301"]:
            with self.subTest(q=q[:20]):
                response = self.get(q=q)
                self.assertEqual(response.status_code, 200)
                self.assertIsInstance(response.json()["places"], list)

    @override_settings(RATE_LIMIT_PLACES="2/m")
    def test_too_many_searches_from_one_address_are_refused(self) -> None:
        self.assertEqual(self.get(q="موذن").status_code, 200)
        self.assertEqual(self.get(q="موذن").status_code, 200)
        response = self.get(q="موذن")
        self.assertEqual(response.status_code, 429)
        self.assertTrue(response["Retry-After"])

    def test_the_schema_describes_it(self) -> None:
        schema = self.client.get("/api/v1/schema/?format=json").json()
        operation = schema["paths"]["/api/v1/places"]["get"]
        self.assertEqual({p["name"] for p in operation["parameters"]} & {"q", "limit"},
                         {"q", "limit"})
        self.assertIn("200", operation["responses"])
