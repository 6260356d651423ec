from open137.cases.testing import inside
from open137.core.text import persian_digits
from open137.portal.tests.helpers import PortalTestCase


class DistrictEndpointTests(PortalTestCase):
    def test_a_point_inside_names_its_district_in_the_active_language(self) -> None:
        lat, lon = inside(self.district)
        answer = self.client.get("/portal/district", {"lat": lat, "lon": lon}).json()
        self.assertEqual(answer["code"], self.district.code)
        # The district's name with its neighbourhoods: «منطقه ۱ (جهانشهر، …)».
        self.assertTrue(answer["name"].startswith(persian_digits(self.district.name_fa)))
        self.in_english()
        answer = self.client.get("/portal/district", {"lat": lat, "lon": lon}).json()
        self.assertTrue(answer["name"].startswith(self.district.name_en))

    def test_a_point_outside_the_city_says_so(self) -> None:
        self.in_english()
        answer = self.client.get("/portal/district", {"lat": "0", "lon": "0"}).json()
        self.assertIsNone(answer["code"])
        self.assertIn("outside the city's districts", answer["message"])

    def test_persian_digits_are_accepted_and_nonsense_is_400(self) -> None:
        lat, lon = inside(self.district)
        answer = self.client.get("/portal/district", {"lat": persian_digits(lat),
                                                      "lon": persian_digits(lon)})
        self.assertEqual(answer.json()["code"], self.district.code)
        self.assertEqual(self.client.get("/portal/district", {"lat": "x"}).status_code, 400)

    def test_the_districts_come_as_geojson_with_both_names(self) -> None:
        response = self.client.get("/portal/districts.geojson")
        data = response.json()
        self.assertEqual(data["type"], "FeatureCollection")
        codes = [f["properties"]["code"] for f in data["features"]]
        self.assertIn(self.district.code, codes)
        self.assertIn("max-age", response["Cache-Control"])


class HintTests(PortalTestCase):
    def test_suggestions_answer_a_partial_and_never_fail(self) -> None:
        response = self.client.post("/portal/suggest", {"description": "کوچه ما پر از زباله است"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")

    def test_a_short_text_gets_no_suggestion(self) -> None:
        response = self.client.post("/portal/suggest", {"description": "آب"})
        self.assertEqual(response.content.strip(), b"")

    def test_nearby_requests_answer_a_partial_and_tolerate_bad_input(self) -> None:
        lat, lon = inside(self.district)
        ok = self.client.post("/portal/nearby", {"subject": self.works_subject.code,
                                                 "lat": lat, "lon": lon})
        self.assertEqual(ok.status_code, 200)
        bad = self.client.post("/portal/nearby", {"subject": "nope", "lat": "x"})
        self.assertEqual(bad.status_code, 200)
        self.assertEqual(bad.content.strip(), b"")
