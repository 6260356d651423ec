from django.urls import reverse

from open137.cases import actions
from open137.cases.testing import CityTestCase, make_user
from open137.directory.models import Staff

NAME = "مریم کاظمی"
PHONES = ("09121234567", "9121234567", "+989121234567")


class ContactDetailsStayPrivateTests(CityTestCase):
    def setUp(self) -> None:
        self.case = self.new_case(contact_name=NAME, contact_phone=PHONES[0],
                                  contact_email="maryam@example.ir")
        actions.resolve_case(self.case, note="انجام شد", by=self.bob)

    def assertNoContact(self, body: str, where: str) -> None:
        for secret in (NAME, "maryam@example.ir", *PHONES):
            self.assertNotIn(secret, body, where)

    def test_open_data_and_open311_never_carry_contact_details(self) -> None:
        for url in ("/transparency/open-data.csv", "/transparency/open-data.json",
                    "/open311/v2/requests.json?extensions=true",
                    f"/open311/v2/requests/{self.case.pk}.xml?extensions=true",
                    f"/track/{self.case.tracking_code}"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            body = (b"".join(response.streaming_content)  # type: ignore[attr-defined]
                    if response.streaming else response.content)
            self.assertNoContact(body.decode(), url)
        self.assertIn(str(self.case.pk), self.client.get("/open311/v2/requests.json")
                      .content.decode())

    def test_council_and_inspectors_see_contact_details_masked(self) -> None:
        for username, role in (("carol", Staff.Role.COUNCIL), ("ivan", Staff.Role.INSPECTOR)):
            self.client.force_login(make_user(username, role))
            for url in (reverse("desk:request", args=[self.case.pk]),
                        reverse("oversight:request", args=[self.case.pk]),
                        f"/api/v1/requests/{self.case.pk}/", "/api/v1/requests/"):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200, (username, url))
                self.assertNoContact(response.content.decode(), f"{username} {url}")

    def test_unit_staff_guessing_ids_or_codes_of_other_units_get_404(self) -> None:
        other = self.new_case(subject=self.org_subject, contact_phone="09351112233")
        self.client.force_login(self.charlie)
        for url in (reverse("desk:request", args=[other.pk]),
                    f"/api/v1/requests/{other.pk}/",
                    f"/api/v1/requests/{other.tracking_code}/",
                    reverse("desk:request", args=[other.pk + 1000])):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        lookup = self.client.get("/api/v1/requests/", {"q": other.tracking_code})
        self.assertNotIn(other.tracking_code, lookup.content.decode())
