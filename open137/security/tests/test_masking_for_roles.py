"""Contact details written into a request's address, description or history are masked for
every role that may not see contact details: the council and inspectors, in the staff API,
the oversight pages and the desk."""

from open137.api.tests.base import ApiTestCase
from open137.cases import actions

TYPED = "Reza Karimi, call 0912 345 6789 or (026) 3212-3456, mail reza@example.com"
SECRETS = ("3456789", "32123456", "3212-3456", "reza@example.com", "Karimi")


class MaskingForRolesTests(ApiTestCase):
    def setUp(self) -> None:
        self.case = self.new_case(contact_name="Reza Karimi", contact_phone="09123456789",
                                  address=f"Azadi St. 12; {TYPED}",
                                  description=f"A deep pothole. {TYPED}")
        actions.resolve_case(self.case, note=f"Filled. We spoke to {TYPED}", by=self.charlie)

    def assertMasked(self, text: str) -> None:
        for secret in SECRETS:
            self.assertNotIn(secret, text)

    def test_the_api_masks_free_text_for_the_council_and_inspectors(self) -> None:
        for user in (self.erin, self.ivan):
            with self.subTest(user=user.username):
                body = self.client_for(user).get(f"/api/v1/requests/{self.case.pk}/").json()
                self.assertMasked(str(body))
                self.assertIn("Azadi St. 12", body["address"])
                self.assertIn("A deep pothole.", body["description"])
                listed = self.client_for(user).get("/api/v1/requests/").json()
                self.assertMasked(str(listed))

    def test_the_api_shows_everything_to_the_centre(self) -> None:
        body = self.client_for(self.alice).get(f"/api/v1/requests/{self.case.pk}/").json()
        self.assertIn("0912 345 6789", body["description"])
        self.assertIn("reza@example.com", body["address"])

    def test_the_oversight_request_page_masks_free_text(self) -> None:
        for user in (self.erin, self.ivan):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                page = self.client.get(f"/oversight/requests/{self.case.pk}/")
                self.assertEqual(page.status_code, 200)
                self.assertMasked(page.content.decode())
                self.assertContains(page, "Azadi St. ۱۲")

    def test_the_desk_request_page_masks_free_text_for_readers(self) -> None:
        self.client.force_login(self.erin)
        page = self.client.get(f"/desk/requests/{self.case.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertMasked(page.content.decode())
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(f"/desk/requests/{self.case.pk}/"),
                            "reza@example.com")
