from open137.api.tests.base import ApiTestCase
from open137.cases.models import Case
from open137.cases.testing import inside
from open137.core.text import persian_digits
from open137.directory.models import Kind


class CreateRequestTests(ApiTestCase):
    def test_an_operator_records_a_request_that_is_routed_at_once(self) -> None:
        lat, lon = inside(self.district)
        answer = self.client_for(self.alice).post("/api/v1/requests/", {
            "service_code": self.works_subject.code, "description": "چاله عمیق",
            "lat": lat, "long": lon, "contact_phone": "۰۹۱۲-۱۲۳-۴۵۶۷",
            "contact_name": "رضا", "kind": "complaint",
        }, format="json")
        self.assertEqual(answer.status_code, 201, answer.content)
        body = answer.json()
        case = Case.objects.get()
        self.assertEqual(body["id"], str(case.pk))
        self.assertEqual(answer["Location"], f"/api/v1/requests/{case.pk}/")
        self.assertEqual(body["status"], "referred")
        self.assertEqual(body["unit_code"], self.unit.code)
        self.assertEqual(body["channel"], "api")
        self.assertEqual(body["kind"], "complaint")
        self.assertEqual(body["contact"]["phone"], "09121234567")
        self.assertEqual(case.created_by, self.alice)

    def test_form_fields_and_persian_digits_are_accepted(self) -> None:
        lat, lon = inside(self.district)

        answer = self.client_for(self.bob).post("/api/v1/requests/", {
            "service_code": self.works_subject.code, "lat": persian_digits(f"{lat:.6f}"),
            "long": f"{lon:.6f}", "channel": "phone",
        })
        self.assertEqual(answer.status_code, 201, answer.content)
        self.assertEqual(answer.json()["district_code"], self.district.code)
        self.assertEqual(answer.json()["channel"], "phone")

    def test_an_organisations_subject_needs_no_place(self) -> None:
        answer = self.client_for(self.alice).post("/api/v1/requests/", {
            "service_code": self.org_subject.code, "description": "راننده بداخلاق"})
        self.assertEqual(answer.status_code, 201)
        self.assertEqual(answer.json()["unit_code"], self.org_subject.handler.split(":")[1])

    def test_a_district_code_places_a_request_without_a_point(self) -> None:
        answer = self.client_for(self.alice).post("/api/v1/requests/", {
            "service_code": self.works_subject.code, "district_code": self.district.code})
        self.assertEqual(answer.json()["unit_code"], self.unit.code)

    def test_units_council_and_inspectors_may_not_record_requests(self) -> None:
        for user in (self.charlie, self.erin, self.ivan):
            with self.subTest(user=user.username):
                answer = self.client_for(user).post(
                    "/api/v1/requests/", {"service_code": self.org_subject.code})
                self.assertEqual(answer.status_code, 403)
        self.assertEqual(Case.objects.count(), 0)

    def test_bad_input_is_400_on_the_field_and_nothing_is_written(self) -> None:
        Kind.objects.filter(code="inquiry").update(active=False)
        client = self.client_for(self.alice, **{"Accept-Language": "en"})
        good = {"service_code": self.org_subject.code}
        cases = [
            ({"service_code": "nothing"}, "service_code"),
            ({}, "service_code"),
            ({**good, "lat": 35.8}, "lat"),
            ({**good, "lat": 95, "long": 51}, "lat"),
            ({**good, "lat": "north", "long": 51}, "lat"),
            ({**good, "lat": 35, "long": 200}, "long"),
            ({**good, "contact_phone": "12345"}, "contact_phone"),
            ({**good, "contact_email": "not-an-address"}, "contact_email"),
            ({**good, "district_code": "district-99"}, "district_code"),
            ({**good, "kind": "inquiry"}, "kind"),
            ({**good, "channel": "pigeon"}, "channel"),
            ({**good, "description": "x" * 4001}, "description"),
        ]
        for data, field in cases:
            with self.subTest(data=data):
                answer = client.post("/api/v1/requests/", data, format="json")
                self.assertEqual(answer.status_code, 400)
                self.assertIn(field, answer.json())
                self.assertTrue(answer.json()[field][0].endswith("."))
        self.assertEqual(Case.objects.count(), 0)

    def test_a_body_that_is_not_json_is_400_in_the_callers_language(self) -> None:
        answer = self.client_for(self.alice, **{"Accept-Language": "en"}).post(
            "/api/v1/requests/", "{not json", content_type="application/json")
        self.assertEqual(answer.status_code, 400)
        self.assertEqual(answer.json(), {
            "detail": "The request body could not be read. Send JSON or form fields."})

    def test_without_a_token_nothing_is_recorded(self) -> None:
        answer = self.client_for(None).post("/api/v1/requests/",
                                            {"service_code": self.org_subject.code})
        self.assertEqual(answer.status_code, 401)
        self.assertEqual(Case.objects.count(), 0)
