"""What the intelligence app adds to the portal."""

from open137.cases.models import Case
from open137.cases.testing import inside
from open137.core.text import persian_digits
from open137.directory.models import Subject
from open137.portal.tests.helpers import PortalTestCase


class IntelligenceInPortalTests(PortalTestCase):
    def test_a_description_suggests_subjects_as_buttons(self) -> None:
        garbage = Subject.objects.get(code="garbage")
        response = self.client.post("/portal/suggest", {
            "description": "سه روز است زباله‌های کوچه را جمع نکرده‌اند و کیسه‌های زباله "
                           "کنار سطل مانده"})
        self.assertContains(response, f'data-pick-subject="{garbage.code}"')
        self.assertContains(response, garbage.name_fa)

    def test_open_reports_nearby_are_offered_to_follow(self) -> None:
        original = self.new_case()
        response = self.client.post("/portal/nearby", {
            "subject": self.works_subject.code, "lat": original.lat, "lon": original.lon})
        self.assertContains(response, f'data-follow="{original.pk}"')
        self.assertNotContains(response, original.tracking_code)

    def test_a_report_elsewhere_is_not_offered(self) -> None:
        original = self.new_case()
        other = self.district.__class__.objects.exclude(pk=self.district.pk).first()
        lat, lon = inside(other)
        response = self.client.post("/portal/nearby", {
            "subject": self.works_subject.code, "lat": lat, "lon": lon})
        self.assertNotContains(response, f'data-follow="{original.pk}"')

    def test_a_web_request_joins_the_declared_incident_and_shows_its_message(self) -> None:
        from open137.intelligence.actions import declare_incident

        declare_incident(subject=self.works_subject, district=self.district, by=self.bob,
                         message_fa="لوله اصلی آب در منطقه ترکیده؛ گروه‌های امداد در محل‌اند.",
                         message_en="A water main burst in the district; crews are on site.")
        self.assertRedirects(self.client.post("/", self.form()), "/submitted/")
        case = Case.objects.get()
        page = self.client.get(f"/track/{case.tracking_code}")
        self.assertContains(page, "لوله اصلی آب در منطقه ترکیده")
        self.in_english()
        page = self.client.get(f"/track/{case.tracking_code}")
        self.assertContains(page, "A water main burst in the district; crews are on site.")
        self.assertNotContains(page, persian_digits(case.tracking_code))
