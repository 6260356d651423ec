import io
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from open137.cases.models import Case
from open137.cases.testing import CityTestCase, make_user
from open137.directory.models import Staff
from open137.oversight import actions
from open137.oversight.models import AuditItem, AuditSample, RankingWeights
from open137.oversight.tests import scenario

MONTH = "month=1404-07"
PAGES = ["/oversight/", f"/oversight/requests/?{MONTH}&figure=volume", "/oversight/report/",
         "/oversight/audits/", f"/oversight/export/district.xlsx?{MONTH}"]


class OversightPagesTests(CityTestCase):
    s: dict[str, Case]
    erin: User  # council member
    ivy: User  # inspector
    mona: User  # manager of `unit`
    otto: User  # manager of `other_unit`

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.s = scenario.build(cls)
        cls.erin = make_user("erin", Staff.Role.COUNCIL)
        cls.ivy = make_user("ivy", Staff.Role.INSPECTOR)
        cls.mona = make_user("mona", Staff.Role.UNIT_MANAGER, cls.unit)
        cls.otto = make_user("otto", Staff.Role.UNIT_MANAGER, cls.other_unit)

    def get(self, user: User | None, url: str, *, language: str = "", **extra: str) -> Any:
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        if language:  # chosen with the language switch, which keeps it in a cookie
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return self.client.get(url, **extra)

    def test_anonymous_visitors_are_sent_to_the_login_page(self) -> None:
        for url in PAGES:
            with self.subTest(url=url):
                response = self.get(None, url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/accounts/login/"))

    def test_unit_staff_and_operators_have_no_oversight_pages(self) -> None:
        for user in (self.charlie, self.dave, self.alice):
            for url in PAGES:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.get(user, url).status_code, 403)

    def test_council_supervisors_inspectors_and_managers_read_the_dashboard(self) -> None:
        for user in (self.erin, self.bob, self.ivy, self.mona):
            with self.subTest(user=user.username):
                response = self.get(user, f"/oversight/?{MONTH}")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="chart-data"')
                self.assertContains(response, 'id="definitions"')

    def test_every_number_on_the_dashboard_links_to_its_requests(self) -> None:
        response = self.get(self.erin, f"/oversight/?{MONTH}&lang=en",
                            language="en")
        html = response.content.decode()
        links = set(re.findall(r'href="(/oversight/requests/\?[^"]+)"', html))
        self.assertIn("/oversight/requests/?from=1404-07&amp;to=1404-07&amp;figure=volume", links)
        self.assertGreater(len(links), 40)
        listed = self.get(self.erin, "/oversight/requests/?from=1404-07&to=1404-07&figure=reopened")
        self.assertEqual(list(listed.context["page"].object_list), [self.s["B"]])

    def test_the_dashboard_shows_the_months_figures(self) -> None:
        response = self.get(self.erin, f"/oversight/?{MONTH}", language="en")
        total = response.context["total"]
        self.assertEqual((total.volume, total.finished, total.reopens), (8, 5, 1))
        self.assertContains(response, "Ranking of districts")
        self.assertContains(response, "deadline compliance")

    def test_a_manager_sees_only_their_units_figures_and_no_ranking(self) -> None:
        response = self.get(self.otto, f"/oversight/?{MONTH}&unit={self.unit.code}")
        self.assertEqual(response.status_code, 200)
        total = response.context["total"]
        self.assertEqual((total.volume, total.misrouted, total.planned), (1, 1, 1))
        self.assertNotIn("rankings", response.context)
        listed = self.get(self.otto, f"/oversight/requests/?{MONTH}&figure=volume")
        self.assertEqual(list(listed.context["page"].object_list), [self.s["C"]])
        self.assertEqual(self.get(self.otto, f"/oversight/requests/{self.s['A'].pk}/")
                         .status_code, 404)
        self.assertEqual(self.get(self.otto, f"/oversight/requests/{self.s['C'].pk}/")
                         .status_code, 200)

    def test_council_and_inspectors_see_requests_with_contact_details_masked(self) -> None:
        a = self.s["A"]
        for user in (self.erin, self.ivy):
            with self.subTest(user=user.username):
                response = self.get(user, f"/oversight/requests/{a.pk}/")
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, a.contact_name)
                self.assertNotContains(response, a.contact_phone[-7:])
        response = self.get(self.bob, f"/oversight/requests/{a.pk}/")
        self.assertContains(response, a.contact_name)

    def test_bad_filters_are_answered_in_the_users_language(self) -> None:
        response = self.get(self.erin, "/oversight/?month=1404-13", language="en")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Write a Jalali month as year-month", status_code=400)
        response = self.get(self.erin, "/oversight/?month=1404-07&to=1404-05",
                            language="en")
        self.assertContains(response, "must not end before it starts", status_code=400)
        response = self.get(self.erin, "/oversight/?district=nowhere", language="en")
        self.assertContains(response, "nowhere", status_code=400)
        response = self.get(self.erin, "/oversight/requests/?figure=gossip")
        self.assertEqual(response.status_code, 400)

    def test_months_are_accepted_in_persian_digits(self) -> None:
        response = self.get(self.erin, "/oversight/requests/?month=۱۴۰۴-۰۷&figure=volume")
        self.assertEqual(response.context["page"].paginator.count, 8)

    def test_persian_pages_show_persian_digits_and_jalali_months(self) -> None:
        response = self.get(self.erin, f"/oversight/?{MONTH}")
        self.assertContains(response, "مهر ۱۴۰۴")
        self.assertContains(response, "۶۶٫۷٪")  # first actions on time: 4 of 6

    def test_an_inspector_draws_and_grades_and_scores_appear_beside_the_numbers(self) -> None:
        self.client.force_login(self.ivy)
        response = self.client.post("/oversight/audits/", {"month": "1404-07"})
        self.assertEqual(response.status_code, 302)
        sample = AuditSample.objects.get(month="1404-07", unit=self.unit)
        item = sample.items.first()
        url = f"/oversight/audits/items/{item.pk}/"
        response = self.client.post(url, {"subject_right": "yes"})  # three answers missing
        self.assertEqual(response.status_code, 400)
        response = self.client.post(url, {"subject_right": "yes", "referral_right": "yes",
                                          "action_adequate": "no", "citizen_informed": "yes",
                                          "comment": "پاسخ کوتاه بود"})
        self.assertRedirects(response, f"/oversight/audits/{sample.pk}/")
        item.refresh_from_db()
        self.assertEqual((item.answers, item.score, item.graded_by), (
            [True, True, False, True], 3, self.ivy))
        page = self.get(self.erin, f"/oversight/?{MONTH}", language="en")
        units = {t.key: t for t in page.context["tables"]}["unit"]
        row = next(r for r in units.rows if r[0].value == self.unit.name_en)
        audit = row[[k for k, _l in units.columns].index("audit_score")]
        self.assertEqual((audit.value, audit.title), (0.75, "3 / 4"))
        listing = self.get(self.erin, "/oversight/audits/?month=1404-07")
        self.assertContains(listing, "۷۵٫۰٪")

    def test_council_and_managers_cannot_draw_or_grade(self) -> None:
        with override_settings(AUDIT_SAMPLE_SIZE=2):
            actions.draw_audit_sample(month=scenario.MONTH, by=self.ivy)
        item = AuditItem.objects.first()
        for user in (self.erin, self.mona, self.bob):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.client.post("/oversight/audits/", {"month": "1404-06"})
                self.assertFalse(AuditSample.objects.filter(month="1404-06").exists())
                self.assertEqual(self.client.get(f"/oversight/audits/items/{item.pk}/")
                                 .status_code, 403)
        other = AuditSample.objects.get(unit=self.unit)
        self.assertEqual(self.get(self.otto, f"/oversight/audits/{other.pk}/").status_code, 404)
        self.assertEqual(self.get(self.mona, f"/oversight/audits/{other.pk}/").status_code, 200)

    def test_any_table_exports_to_xlsx(self) -> None:
        response = self.get(self.erin, f"/oversight/export/district.xlsx?{MONTH}",
                            language="en")
        self.assertEqual(response["Content-Type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = [r for r in sheet.iter_rows(values_only=True)]
        header = rows.index(next(r for r in rows if r and r[0] == "Place"))
        volumes = {r[0]: r[1] for r in rows[header + 1:]}
        self.assertEqual(volumes, {self.district.name_en: 7, "No district": 1})
        for table in ("responsible", "unit", "group", "subject", "channel", "backlog", "series",
                      "ranking-districts", "ranking-organisations"):
            with self.subTest(table=table):
                self.assertEqual(self.get(self.erin, f"/oversight/export/{table}.xlsx?{MONTH}")
                                 .status_code, 200)
        listed = self.get(self.erin, f"/oversight/export/requests.xlsx?{MONTH}&figure=finished")
        sheet = load_workbook(io.BytesIO(b"".join(listed.streaming_content))).active
        codes = {r[0] for r in sheet.iter_rows(values_only=True)}
        self.assertTrue({self.s[n].tracking_code for n in "ABEI"} <= codes)
        self.assertNotIn(self.s["A"].contact_phone, str(list(sheet.iter_rows(values_only=True))))
        self.assertEqual(self.get(self.erin, "/oversight/export/gossip.xlsx").status_code, 404)
        self.assertEqual(self.get(self.otto, "/oversight/export/ranking-districts.xlsx")
                         .status_code, 404)

    def test_the_monthly_report_prints(self) -> None:
        response = self.get(self.erin, "/oversight/report/?month=1404-07",
                            language="en")
        self.assertContains(response, "Monthly report to the city council: Mehr 1404")
        self.assertContains(response, "oversight/oversight.css")
        css = Path(finders.find("oversight/oversight.css")).read_text(encoding="utf-8")
        self.assertIn("@media print", css)
        self.assertIn("@page", css)

    def test_pages_carry_no_inline_script(self) -> None:
        for url in (f"/oversight/?{MONTH}", "/oversight/report/", "/transparency/"):
            with self.subTest(url=url):
                html = self.get(self.erin, url).content.decode()
                for tag in re.findall(r"<script[^>]*>", html):
                    self.assertTrue("src=" in tag or 'type="application/json"' in tag, tag)

    def test_the_dashboard_takes_the_same_number_of_queries_for_more_requests(self) -> None:
        self.client.force_login(self.erin)
        url = "/oversight/?from=1404-06&to=1404-09"
        with self.queries() as before:
            self.client.get(url)
        for i in range(12):
            self.new_case(at=scenario.T0 + i * scenario.H, channel="web" if i % 2 else "sms")
        with self.queries() as after:
            self.client.get(url)
        self.assertEqual(len(after), len(before))
        self.assertLess(len(after), 60)

    def queries(self) -> CaptureQueriesContext:
        return CaptureQueriesContext(connection)

    def test_the_published_weights_are_the_ones_the_ranking_uses(self) -> None:
        RankingWeights.objects.create(compliance=1, satisfaction=0, reopen=0, misroute=0,
                                      audit=0, note="Council resolution 12/3")
        response = self.get(self.erin, f"/oversight/?{MONTH}", language="en")
        self.assertContains(response, "Council resolution 12/3")
        districts = response.context["rankings"][0]
        first = districts.rows[0]
        # District 1's own department holds A, B, D, E, F, I, J: first actions 4 of 6 on
        # time, results 4 of 6; the organisation's C is not District 1's.
        self.assertEqual((first[1].value, first[2].value), (self.district.name_en, 66.7))
        self.assertEqual(len(districts.rows), 1)
