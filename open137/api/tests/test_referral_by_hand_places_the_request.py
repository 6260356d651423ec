"""A request referred by hand to a district's unit is of that district afterwards."""

from open137.api.tests.base import ApiTestCase
from open137.directory.models import District, Unit


class ReferralByHandTests(ApiTestCase):
    def test_a_triage_request_referred_to_a_district_department_gains_its_district(self) -> None:
        case = self.new_case(lat=None, lon=None)  # a district's subject without a place
        self.assertEqual((case.status, case.district_id), ("triage", None))
        third = District.objects.get(code="district-3")
        works = Unit.objects.get(code="district-3/works")
        client = self.client_for(self.bob)
        answer = client.post(f"/api/v1/requests/{case.pk}/refer/", {"unit_code": works.code},
                             format="json")
        self.assertEqual(answer.status_code, 200, answer.content)
        self.assertEqual((answer.json()["unit_code"], answer.json()["district_code"]),
                         ("district-3/works", "district-3"))
        detail = client.get(f"/api/v1/requests/{case.pk}/").json()
        self.assertEqual(detail["district_code"], third.code)

    def test_a_request_referred_to_an_organisation_keeps_its_place(self) -> None:
        case = self.new_case()
        place = case.district.code if case.district else None
        answer = self.client_for(self.bob).post(
            f"/api/v1/requests/{case.pk}/refer/", {"unit_code": self.other_unit.code},
            format="json")
        self.assertEqual(answer.json()["district_code"], place)

    def test_the_desk_shows_the_new_district_too(self) -> None:
        case = self.new_case(lat=None, lon=None)
        self.client.force_login(self.bob)
        works = Unit.objects.get(code="district-3/works")
        response = self.client.post(f"/desk/requests/{case.pk}/refer/", {"unit": works.pk})
        self.assertEqual(response.status_code, 302, response.content[:500])
        page = self.client.get(f"/desk/requests/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(page.context["case"].district.code, "district-3")
