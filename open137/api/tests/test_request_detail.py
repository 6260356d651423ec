from open137.api.tests.base import ApiTestCase
from open137.cases import actions
from open137.core.text import persian_digits


class RequestDetailTests(ApiTestCase):
    def test_a_request_shows_its_codes_deadlines_contact_and_history(self) -> None:
        case = self.new_case(contact_phone="09121234567", contact_name="مریم")
        actions.accept_case(case, by=self.charlie)
        body = self.client_for(self.alice).get(f"/api/v1/requests/{case.pk}/").json()
        self.assertEqual(body["id"], str(case.pk))
        self.assertEqual(body["tracking_code"], case.tracking_code)
        self.assertEqual(body["status"], "in_progress")
        self.assertEqual(body["service_code"], self.works_subject.code)
        self.assertEqual(body["district_code"], self.district.code)
        self.assertEqual(body["unit_code"], self.unit.code)
        self.assertEqual(body["channel"], "phone")
        self.assertIsNotNone(body["respond_by"])
        self.assertIsNotNone(body["resolve_by"])
        self.assertFalse(body["overdue"])
        self.assertEqual(body["contact"]["phone"], "09121234567")
        self.assertEqual([e["step"] for e in body["events"]], ["receive", "refer", "accept"])
        accepted = body["events"][-1]
        self.assertEqual((accepted["from_status"], accepted["to_status"]),
                         ("referred", "in_progress"))
        self.assertEqual(accepted["to_unit_code"], self.unit.code)
        self.assertEqual(accepted["actor"], "charlie")
        self.assertIsNone(body["events"][0]["from_status"])

    def test_ids_may_be_written_in_persian_digits(self) -> None:
        case = self.new_case()

        answer = self.client_for(self.alice).get(f"/api/v1/requests/{persian_digits(case.pk)}/")
        self.assertEqual(answer.json()["id"], str(case.pk))

    def test_a_place_outside_every_district_has_no_district_code(self) -> None:
        case = self.new_case(lat=10.0, lon=10.0)
        body = self.client_for(self.alice).get(f"/api/v1/requests/{case.pk}/").json()
        self.assertIsNone(body["district_code"])

    def test_another_units_request_is_404_whoever_guesses_its_id(self) -> None:
        case = self.new_case()
        client = self.client_for(self.dave)
        for url in (f"/api/v1/requests/{case.pk}/", "/api/v1/requests/999999/",
                    "/api/v1/requests/abc/", "/api/v1/requests/99999999999999999999999/"):
            with self.subTest(url=url):
                answer = client.get(url)
                self.assertEqual(answer.status_code, 404)
                self.assertIn("detail", answer.json())

    def test_council_and_inspectors_see_the_history_without_names(self) -> None:
        case = self.new_case(contact_phone="09121234567", contact_name="مریم")
        actions.accept_case(case, by=self.charlie)
        for user in (self.erin, self.ivan):
            with self.subTest(user=user.username):
                body = self.client_for(user).get(f"/api/v1/requests/{case.pk}/").json()
                self.assertEqual(body["contact"]["phone"], "0912***4567")
                self.assertIsNone(body["contact"]["name"])
                self.assertTrue(all(e["actor"] is None for e in body["events"]))

    def test_names_follow_the_callers_language(self) -> None:
        case = self.new_case()
        en = self.client_for(self.alice, **{"Accept-Language": "en"})
        body = en.get(f"/api/v1/requests/{case.pk}/").json()
        self.assertEqual(body["service_name"], self.works_subject.name_en)
        fa = self.client_for(self.alice).get(f"/api/v1/requests/{case.pk}/").json()
        self.assertEqual(fa["service_name"], self.works_subject.name_fa)
