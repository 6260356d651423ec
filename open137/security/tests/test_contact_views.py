from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.authtoken.models import Token

from open137.cases.testing import CityTestCase, make_user
from open137.directory.models import Staff
from open137.security.models import ContactView

PHONE = "09121234567"


class ContactViewLogTests(CityTestCase):
    carol: User
    ada: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.carol = make_user("carol", Staff.Role.COUNCIL)
        cls.ada = make_user("ada", Staff.Role.ADMIN)
        cls.ada.is_staff = cls.ada.is_superuser = True
        cls.ada.save()

    def setUp(self) -> None:
        self.case = self.new_case(contact_name="مریم", contact_phone=PHONE)

    def views(self) -> list[tuple[str, int, str]]:
        return list(ContactView.objects.order_by("pk").values_list("username", "case_id", "where"))

    def test_opening_the_request_page_records_who_saw_the_contact(self) -> None:
        self.client.force_login(self.charlie)
        self.client.get(reverse("desk:request", args=[self.case.pk]))
        self.assertEqual(self.views(), [("charlie", self.case.pk, "desk_request")])
        view = ContactView.objects.get()
        self.assertEqual(view.by, self.charlie)
        self.assertIsNotNone(view.at)

    def test_the_screen_pop_records_the_callers_requests_shown(self) -> None:
        other = self.new_case(contact_phone="09351112233")
        self.client.force_login(self.alice)
        response = self.client.get(f"/desk/call?caller={PHONE}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.views(), [("alice", self.case.pk, "desk_call")])
        self.assertNotIn(other.pk, [v[1] for v in self.views()])

    def test_the_api_records_detail_and_list_reads(self) -> None:
        token = Token.objects.create(user=self.bob).key
        auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
        self.client.get(f"/api/v1/requests/{self.case.pk}/", **auth)
        self.client.get("/api/v1/requests/", **auth)
        self.assertEqual(self.views(), [("bob", self.case.pk, "api_detail"),
                                        ("bob", self.case.pk, "api_list")])

    def test_masked_readers_and_refused_readers_leave_no_record(self) -> None:
        self.client.force_login(self.carol)  # council: contact masked
        self.client.get(reverse("desk:request", args=[self.case.pk]))
        self.client.get(f"/api/v1/requests/{self.case.pk}/")
        self.client.force_login(self.dave)  # another unit: 404
        self.assertEqual(self.client.get(reverse("desk:request", args=[self.case.pk]))
                         .status_code, 404)
        self.assertEqual(self.views(), [])

    def test_a_request_without_contact_details_is_not_recorded(self) -> None:
        bare = self.new_case()
        self.client.force_login(self.bob)
        self.client.get(reverse("desk:request", args=[bare.pk]))
        self.assertEqual(self.views(), [])

    def test_the_administrator_reads_the_record_in_the_admin_and_cannot_change_it(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(reverse("desk:request", args=[self.case.pk]))
        view = ContactView.objects.get()
        self.client.force_login(self.ada)
        listing = self.client.get(reverse("admin:security_contactview_changelist"))
        self.assertContains(listing, "bob")
        self.assertEqual(self.client.get(reverse("admin:security_contactview_add")).status_code,
                         403)
        page = self.client.post(reverse("admin:security_contactview_change", args=[view.pk]),
                                {"where": "api_list"})
        self.assertEqual(page.status_code, 403)
        self.assertEqual(ContactView.objects.get().where, "desk_request")
        self.assertEqual(self.client.post(
            reverse("admin:security_contactview_delete", args=[view.pk]), {"post": "yes"})
            .status_code, 403)
