"""Every configuration change made in the admin leaves an entry: who, what, before, after."""

from datetime import date, time

from django.contrib.auth.models import User
from django.test import TestCase

from open137.audit.models import AuditEntry
from open137.audit.testing import admin_form
from open137.audit.values import HIDDEN
from open137.cases.testing import make_user
from open137.deadlines.actions import seed_calendar
from open137.deadlines.models import Holiday, WorkingDay
from open137.directory.actions import load_city
from open137.directory.models import District, RoutingRule, Staff, Subject, Unit
from open137.notifications.models import MessageTemplate, WebhookEndpoint
from open137.open311.models import ApiKey
from open137.security.models import TwoFactorDevice

Via = AuditEntry.Via


class AdminTrailTests(TestCase):
    root: User
    flooding: Subject
    district: District
    waste: Unit

    @classmethod
    def setUpTestData(cls) -> None:
        load_city()
        seed_calendar()
        cls.root = User.objects.create_superuser("root", password="secret-pass-137")
        cls.flooding = Subject.objects.get(code="flooding")
        cls.district = District.objects.order_by("number")[0]
        cls.waste = Unit.objects.get(code="waste")

    def setUp(self) -> None:
        self.client.force_login(self.root)

    def latest(self, obj: object, action: str = "changed") -> AuditEntry:
        model = obj._meta.label_lower  # type: ignore[attr-defined]
        return AuditEntry.objects.filter(model=model, object_id=str(obj.pk),  # type: ignore[attr-defined]
                                         action=action).latest("pk")

    def assertBy(self, entry: AuditEntry) -> None:
        self.assertEqual((entry.by_id, entry.username, entry.via),
                         (self.root.pk, "root", Via.ADMIN))

    def test_a_subjects_deadlines_changed_in_the_admin_are_recorded_before_and_after(self) -> None:
        url = f"/admin/directory/subject/{self.flooding.pk}/change/"
        response = self.client.post(url, admin_form(self.client, url, respond_hours="4",
                                                     resolve_days="3"))
        self.assertEqual(response.status_code, 302)
        entry = self.latest(self.flooding)
        self.assertBy(entry)
        self.assertEqual(entry.changes, {"respond_hours": [2, 4], "resolve_days": [1, 3]})
        self.assertIn("flooding", entry.object_name)

    def test_a_routing_rule_added_changed_and_deleted_in_bulk_is_recorded(self) -> None:
        url = "/admin/directory/routingrule/add/"
        response = self.client.post(url, admin_form(
            self.client, url, subject=str(self.flooding.pk), district=str(self.district.pk),
            unit=str(self.waste.pk), priority="5", active="on"))
        self.assertEqual(response.status_code, 302)
        rule = RoutingRule.objects.get(subject=self.flooding)
        created = self.latest(rule, "created")
        self.assertBy(created)
        self.assertEqual(created.changes["unit"][1]["id"], self.waste.pk)
        self.assertEqual(created.changes["priority"], [None, 5])

        url = f"/admin/directory/routingrule/{rule.pk}/change/"
        self.client.post(url, admin_form(self.client, url, priority="9"))
        self.assertEqual(self.latest(rule).changes, {"priority": [5, 9]})

        self.client.post("/admin/directory/routingrule/", {
            "action": "delete_selected", "_selected_action": [rule.pk], "post": "yes"})
        self.assertFalse(RoutingRule.objects.filter(pk=rule.pk).exists())
        deleted = AuditEntry.objects.get(model="directory.routingrule", object_id=str(rule.pk),
                                         action="deleted")
        self.assertBy(deleted)
        self.assertEqual(deleted.changes["priority"], [9, None])

    def test_deleting_a_district_records_the_rules_it_takes_with_it(self) -> None:
        spare = District.objects.create(code="district-99", name_fa="منطقه ۹۹", geometry={
            "type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]]]})
        rule = RoutingRule.objects.create(subject=self.flooding, district=spare, unit=self.waste)
        url = f"/admin/directory/district/{spare.pk}/delete/"
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        self.assertEqual(self.latest(spare, "deleted").changes["code"], ["district-99", None])
        self.assertBy(self.latest(rule, "deleted"))

    def test_a_unit_changed_in_the_admin_is_recorded(self) -> None:
        url = f"/admin/directory/unit/{self.waste.pk}/change/"
        self.client.post(url, admin_form(self.client, url, name_en="Waste Organisation"))
        entry = self.latest(self.waste)
        self.assertBy(entry)
        self.assertEqual(entry.changes["name_en"][1], "Waste Organisation")

    def test_holidays_and_the_working_week_edited_in_the_list_are_recorded(self) -> None:
        holiday = Holiday.objects.create(date=date(2031, 3, 21), name_fa="نوروز", estimated=True)
        self.client.post("/admin/deadlines/holiday/", {
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(holiday.pk),
            "_save": "Save"})
        entry = self.latest(holiday)
        self.assertBy(entry)
        self.assertEqual(entry.changes, {"estimated": [True, False]})

        thursday = WorkingDay.objects.get(weekday=WorkingDay.Weekday.THURSDAY)
        url = f"/admin/deadlines/workingday/{thursday.pk}/change/"
        self.client.post(url, admin_form(self.client, url, closes="13:30"))
        self.assertEqual(self.latest(thursday).changes["closes"], [
            time(12, 30).isoformat(), time(13, 30).isoformat()])

    def test_a_message_template_added_in_the_admin_is_recorded(self) -> None:
        url = "/admin/notifications/messagetemplate/add/"
        self.client.post(url, admin_form(self.client, url, kind="receipt", language="fa",
                                         text="درخواست شما با کد %(code)s ثبت شد."))
        template = MessageTemplate.objects.get(kind="receipt", language="fa")
        entry = self.latest(template, "created")
        self.assertBy(entry)
        self.assertEqual(entry.changes["text"][1], "درخواست شما با کد %(code)s ثبت شد.")

    def test_a_webhooks_secret_is_recorded_as_changed_but_never_written(self) -> None:
        endpoint = WebhookEndpoint.objects.create(unit=self.waste, url="https://waste.example/in")
        url = f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/"
        self.client.post(url, admin_form(self.client, url, secret="a-new-secret-for-waste",
                                         url="https://waste.example/hook"))
        entry = self.latest(endpoint)
        self.assertEqual(entry.changes["secret"], [HIDDEN, HIDDEN])
        self.assertEqual(entry.changes["url"], ["https://waste.example/in",
                                                "https://waste.example/hook"])
        self.assertNotIn("a-new-secret-for-waste", str(entry.changes))

    def test_an_api_key_made_and_revoked_in_the_admin_is_recorded(self) -> None:
        url = "/admin/open311/apikey/add/"
        self.client.post(url, admin_form(self.client, url, name="Karaj app", channel="open311"))
        key = ApiKey.objects.get(name="Karaj app")
        created = self.latest(key, "created")
        self.assertBy(created)
        self.assertEqual(created.changes["key_hash"], [None, HIDDEN])
        self.client.post("/admin/open311/apikey/", {
            "action": "revoke", "_selected_action": [key.pk]})
        revoked = self.latest(key)
        self.assertBy(revoked)
        self.assertEqual(revoked.changes["active"], [True, False])

    def test_a_staff_members_role_changed_in_the_admin_is_recorded(self) -> None:
        charlie = make_user("charlie", Staff.Role.UNIT_STAFF, self.waste)
        url = f"/admin/directory/staff/{charlie.staff.pk}/change/"
        self.client.post(url, admin_form(self.client, url, role=Staff.Role.UNIT_MANAGER))
        entry = self.latest(charlie.staff)
        self.assertBy(entry)
        self.assertEqual(entry.changes, {"role": ["unit_staff", "unit_manager"]})

    def test_making_a_user_a_superuser_in_the_admin_is_recorded(self) -> None:
        dave = User.objects.create_user("dave", password="secret-pass-137")
        url = f"/admin/auth/user/{dave.pk}/change/"
        response = self.client.post(url, admin_form(self.client, url, is_staff="on",
                                                     is_superuser="on"))
        self.assertEqual(response.status_code, 302)
        entry = self.latest(dave)
        self.assertBy(entry)
        self.assertEqual(entry.changes, {"is_staff": [False, True],
                                         "is_superuser": [False, True]})

    def test_two_step_sign_in_removed_in_the_admin_is_recorded(self) -> None:
        dave = User.objects.create_user("dave", password="secret-pass-137")
        device = TwoFactorDevice.objects.create(user=dave, secret="JBSWY3DPEHPK3PXP")
        url = f"/admin/security/twofactordevice/{device.pk}/delete/"
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        self.assertFalse(TwoFactorDevice.objects.exists())
        entry = self.latest(device, "deleted")
        self.assertBy(entry)
        self.assertEqual(entry.changes["secret"], [HIDDEN, None])

    def test_an_admin_save_that_fails_leaves_no_entry(self) -> None:
        url = f"/admin/directory/subject/{self.flooding.pk}/change/"
        before = AuditEntry.objects.count()
        response = self.client.post(url, admin_form(self.client, url, respond_hours="-1"))
        self.assertEqual(response.status_code, 200)  # the form again, with the error
        self.assertEqual(AuditEntry.objects.count(), before)
