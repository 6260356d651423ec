"""Inspectors and administrators read who changed the configuration; nobody else does."""

from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import translation

from open137.audit.models import AuditEntry
from open137.audit.testing import admin_form
from open137.cases.testing import CityTestCase, make_user
from open137.core.dates import format_date
from open137.directory.models import RoutingRule, Staff, Subject, Unit

URL = "/oversight/changes/"


class ChangesPageTests(CityTestCase):
    inspector: User
    council: User
    administrator: User
    root: User
    flooding: Subject

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.inspector = make_user("ivy", Staff.Role.INSPECTOR)
        cls.council = make_user("carl", Staff.Role.COUNCIL)
        cls.administrator = make_user("ada", Staff.Role.ADMIN)
        cls.root = User.objects.create_superuser("root", password="secret-pass-137")
        cls.flooding = Subject.objects.get(code="flooding")

    def change_flooding_routing(self) -> RoutingRule:
        """root sends flooding calls in the first district to the waste organisation."""
        self.client.force_login(self.root)
        url = "/admin/directory/routingrule/add/"
        self.client.post(url, admin_form(
            self.client, url, subject=str(self.flooding.pk), district=str(self.district.pk),
            unit=str(Unit.objects.get(code="waste").pk), priority="5", active="on"))
        url = f"/admin/directory/subject/{self.flooding.pk}/change/"
        self.client.post(url, admin_form(self.client, url, respond_hours="4"))
        self.client.logout()
        return RoutingRule.objects.get(subject=self.flooding)

    def test_the_inspector_finds_who_changed_the_routing_of_flooding_calls(self) -> None:
        rule = self.change_flooding_routing()
        self.client.force_login(self.inspector)
        with translation.override("en"):
            page = self.client.get(URL, {"obj": "flooding"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(page.status_code, 200)
        rows = [entry for entry, _type, _lines in page.context["rows"]]
        # Newest first: the deadline, then the new rule; then what load_city created.
        self.assertEqual([(e.model, e.action) for e in rows[:2]],
                         [("directory.subject", "changed"), ("directory.routingrule", "created")])
        self.assertEqual(rows[1].object_id, str(rule.pk))
        self.assertTrue(all(e.username == "root" for e in rows[:2]))
        self.assertContains(page, "Hours to first action")  # the field's label
        self.assertNotContains(page, "respond_hours")
        self.assertContains(page, "administration site")

    def test_the_trail_is_filtered_by_person_and_by_type(self) -> None:
        self.change_flooding_routing()
        self.client.force_login(self.administrator)
        page = self.client.get(URL, {"person": "root", "model": "directory.routingrule"})
        self.assertEqual(page.status_code, 200)
        self.assertEqual([(e.model, e.username) for e, _t, _l in page.context["rows"]],
                         [("directory.routingrule", "root")])
        system = self.client.get(URL, {"person": "-"})
        self.assertTrue(all(e.username == "" for e, _t, _l in system.context["rows"]))
        self.assertEqual(system.context["page"].paginator.per_page, 50)
        self.assertGreater(system.context["page"].paginator.num_pages, 1)

    def test_dates_are_jalali_with_persian_digits_in_persian(self) -> None:
        self.change_flooding_routing()
        self.client.force_login(self.inspector)
        page = self.client.get(URL, {"obj": "flooding"})
        self.assertContains(page, "data-entry")
        entry = AuditEntry.objects.filter(username="root").latest("pk")
        with translation.override("fa"):
            self.assertContains(page, format_date(entry.at, with_time=True))

    @override_settings(LANGUAGE_CODE="fa")
    def test_a_filter_that_is_not_offered_is_a_bad_request(self) -> None:
        self.client.force_login(self.inspector)
        self.assertEqual(self.client.get(URL, {"model": "auth.nothing"}).status_code, 400)

    def test_council_units_and_operators_may_not_read_it(self) -> None:
        for user in (self.council, self.charlie, self.alice, self.bob):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user.username)

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_the_link_is_in_the_menu_of_inspectors_only(self) -> None:
        self.client.force_login(self.inspector)
        self.assertContains(self.client.get("/oversight/audits/"), f'href="{URL}"')
        self.client.force_login(self.council)
        self.assertNotContains(self.client.get("/oversight/audits/"), f'href="{URL}"')
