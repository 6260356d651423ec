from open137.api.tests.base import ApiTestCase
from open137.directory.models import District, Subject, Unit


class ReferenceDataTests(ApiTestCase):
    def test_subjects_list_codes_names_handlers_and_targets(self) -> None:
        rows = self.client_for(self.charlie).get("/api/v1/subjects/").json()
        self.assertEqual(len(rows), Subject.objects.count())
        row = next(r for r in rows if r["code"] == self.works_subject.code)
        self.assertEqual(row["name_fa"], self.works_subject.name_fa)
        self.assertEqual(row["handler"], self.works_subject.handler)
        self.assertEqual(row["resolve_days"], self.works_subject.resolve_days)
        self.assertEqual(row["group"], self.works_subject.group.code)
        self.assertIn("urgent", row)
        self.assertIn("long_term", row)
        self.assertTrue(row["active"])

    def test_districts_are_a_geojson_feature_collection(self) -> None:
        body = self.client_for(self.erin).get("/api/v1/districts/").json()
        self.assertEqual(body["type"], "FeatureCollection")
        self.assertEqual(len(body["features"]), District.objects.count())
        feature = body["features"][0]
        self.assertEqual(feature["type"], "Feature")
        self.assertEqual(feature["id"], feature["properties"]["code"])
        self.assertIn(feature["geometry"]["type"], {"Polygon", "MultiPolygon"})

    def test_units_list_codes_types_and_districts(self) -> None:
        rows = self.client_for(self.alice).get("/api/v1/units/").json()
        self.assertEqual(len(rows), Unit.objects.count())
        row = next(r for r in rows if r["code"] == self.unit.code)
        self.assertEqual(row["type"], "department")
        self.assertEqual(row["district_code"], self.district.code)
        triage = [r["code"] for r in rows if r["is_triage"]]
        self.assertEqual(triage, [Unit.objects.get(is_triage=True).code])

    def test_reference_data_needs_a_token(self) -> None:
        for url in ("/api/v1/subjects/", "/api/v1/districts/", "/api/v1/units/"):
            with self.subTest(url=url):
                self.assertEqual(self.client_for(None).get(url).status_code, 401)

    def test_reference_data_is_read_only(self) -> None:
        for url in ("/api/v1/subjects/", "/api/v1/districts/", "/api/v1/units/"):
            with self.subTest(url=url):
                answer = self.client_for(self.bob).post(url, {"code": "x"})
                self.assertEqual(answer.status_code, 405)
                self.assertIn("detail", answer.json())
