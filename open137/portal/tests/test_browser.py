"""The portal and the tracking page in a real browser, on a phone-size screen."""

from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from open137.cases import actions
from open137.cases.answers import answer_key, latest_result
from open137.cases.browser import BrowserTestCase
from open137.cases.models import Case
from open137.cases.testing import inside
from open137.cases.workflow import Status
from open137.core.text import persian_digits
from open137.directory.models import District, Subject, Unit
from open137.portal.tests.helpers import jalali

PHONE = {"width": 360, "height": 740}


class PortalInBrowserTests(BrowserTestCase):
    # Set by set_up_city() in BrowserTestCase.setUp, as in CityTestCase.
    charlie: User
    district: District
    works_subject: Subject
    unit: Unit

    def on_a_phone(self) -> None:
        self.context.close()
        self.context = self.browser.new_context(locale="fa-IR", viewport=PHONE,
                                                is_mobile=True, has_touch=True,
                                                bypass_csp=self.bypass_csp)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)

    def record_requests(self) -> list[str]:
        requested: list[str] = []
        self.page.on("request", lambda r: requested.append(r.url))
        return requested

    def assert_only_this_host(self, requested: list[str]) -> None:
        self.assertTrue(requested)
        self.assertEqual([u for u in requested if not u.startswith(self.live_server_url)], [])

    def assert_fits_the_screen(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, PHONE["width"])

    def key(self, case: Case) -> str:
        """The key of the answer link sent with the result."""
        return answer_key(case.pk, latest_result(case).pk)

    def resolved_case(self, **kwargs: Any) -> Case:
        lat, lon = inside(self.district)
        case = actions.receive_case(subject=self.works_subject, channel="web", by=None,
                                    description="چاله عمیق جلوی مدرسه", lat=lat, lon=lon,
                                    contact_phone="09121234567", contact_name="مریم کریمی",
                                    **kwargs)
        actions.accept_case(case, by=self.charlie)
        actions.resolve_case(case, note="چاله با آسفالت گرم پر شد.", by=self.charlie)
        return case

    def test_a_citizen_submits_on_a_phone_and_gets_a_tracking_code(self) -> None:
        self.on_a_phone()
        requested = self.record_requests()
        self.page.goto(self.url("/"))
        html = self.page.locator("html")
        self.assertEqual((html.get_attribute("lang"), html.get_attribute("dir")), ("fa", "rtl"))
        self.page.wait_for_selector("#portal-map path.leaflet-interactive")
        self.assert_fits_the_screen()
        self.screenshot("portal-fa")

        # One request at a time: the live server's in-memory SQLite has one connection.
        self.page.locator("#portal-map").click()  # the map opens on the districts
        self.page.wait_for_function(
            "document.querySelector('[data-testid=district-name]').textContent.length > 0")
        shown = self.page.text_content("[data-testid=district-name]")
        answered: list[str] = []
        self.page.on("response", lambda r: answered.append(r.url))
        code = self.works_subject.code
        with self.page.expect_response("**/portal/suggest") as suggested:
            self.page.fill("#id_description", "چاله بزرگ در کوچه، نزدیک نانوایی")
        subject = self.page.locator(f"#subject-{code}")
        if f'data-confident="{code}"' in suggested.value.text():
            expect(subject).to_be_checked()  # a sure suggestion chooses for the citizen
        else:
            self.page.locator("details", has=subject).locator("summary").click()
            self.page.click(f"label[for=subject-{code}]")
        # A subject and a place: the portal asks for open reports nearby to follow.
        for _wait in range(100):
            if any("/portal/nearby" in url for url in answered):
                break
            self.page.wait_for_timeout(50)
        self.assertTrue(any("/portal/nearby" in url for url in answered))
        self.assertTrue(self.page.is_hidden("[data-testid=urgent-notice]"))
        self.page.fill("#id_phone", "۰۹۱۲ ۱۲۳ ۴۵۶۷")
        self.page.click("[data-testid=submit]")
        self.page.wait_for_url("**/submitted/")

        case = Case.objects.get()
        code = self.page.text_content("[data-testid=tracking-code]").strip()
        self.assertEqual(code, persian_digits(case.tracking_code))
        self.assertEqual(case.contact_phone, "+989121234567")
        self.assertEqual(case.subject, self.works_subject)
        if case.district is not None:
            self.assertTrue(shown.startswith(persian_digits(case.district.name_fa)))
        self.assert_fits_the_screen()
        self.page.click("[data-testid=track-link]")
        self.page.wait_for_url(f"**/track/{case.tracking_code}")
        self.assert_only_this_host(requested)

    def test_a_citizen_finds_the_subject_by_their_own_words(self) -> None:
        self.on_a_phone()
        self.page.goto(self.url("/"))
        self.page.fill("[data-testid=subject-filter]", "دست انداز")
        expect(self.page.locator("label[for=subject-asphalt]")).to_be_visible()
        expect(self.page.locator("label[for=subject-garbage]")).to_be_hidden()
        self.page.click("label[for=subject-asphalt]")
        expect(self.page.locator("#subject-asphalt")).to_be_checked()
        self.page.fill("[data-testid=subject-filter]", "no such words")
        expect(self.page.locator("#subject-filter-none")).to_be_visible()
        self.page.fill("[data-testid=subject-filter]", "")
        expect(self.page.locator("details.subject-group").first).to_be_visible()
        expect(self.page.locator("#subject-filter-none")).to_be_hidden()

    def test_an_urgent_subject_shows_the_call_137_notice(self) -> None:
        self.on_a_phone()
        self.page.goto(self.url("/"))
        code = self.page.locator("input[data-urgent]").first.get_attribute("value")
        self.page.locator("details", has=self.page.locator(f"#subject-{code}")).locator(
            "summary").click()
        self.page.click(f"label[for=subject-{code}]")
        self.assertTrue(self.page.is_visible("[data-testid=urgent-notice]"))

    def test_a_sure_suggestion_chooses_the_subject_and_an_urgent_one_shows_the_notice(
            self) -> None:
        self.on_a_phone()
        self.page.goto(self.url("/"))
        with self.page.expect_response("**/portal/suggest"):
            self.page.fill("#id_description", "آب‌گرفتگی شدید زیر پل بعد از باران، ماشین‌ها "
                                              "گیر کرده‌اند")
        buttons = self.page.locator("[data-testid=suggestions] [data-pick-subject]")
        expect(buttons).not_to_have_count(0)
        expect(self.page.locator("#subject-flooding")).to_be_checked()
        expect(self.page.locator("[data-testid=urgent-notice]")).to_be_visible()

    def test_the_citizen_tracks_a_resolved_request_and_is_satisfied(self) -> None:
        case = self.resolved_case()
        self.on_a_phone()
        self.page.goto(self.url(f"/track/{case.tracking_code}?k={self.key(case)}"))
        self.assertEqual(self.page.text_content("[data-testid=tracking-code]").strip(),
                         persian_digits(case.tracking_code))
        self.assertIn("چاله با آسفالت گرم پر شد.", self.page.text_content("[data-testid=result]"))
        content = self.page.content()
        for secret in ("9121234567", "۹۱۲۱۲۳۴۵۶۷", "مریم"):
            self.assertNotIn(secret, content)
        self.assert_fits_the_screen()
        self.screenshot("track-fa")

        self.page.check("input[name=answer][value=satisfied]")
        self.page.click("[data-testid=answer-submit]")
        self.page.wait_for_selector("[data-testid=satisfaction]")
        self.assertEqual(self.page.get_attribute("[data-testid=status]", "data-status"),
                         Status.CLOSED)
        case.refresh_from_db()
        self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))

    def test_a_citizen_objects_and_the_request_goes_back_to_the_same_unit(self) -> None:
        case = self.resolved_case()
        self.page.goto(self.url(f"/track/{case.tracking_code}?k={self.key(case)}"))
        self.page.check("input[name=answer][value=not_satisfied]")
        self.page.fill("#id_comment", "چاله دوباره باز شده است")
        self.page.click("[data-testid=answer-submit]")
        self.page.wait_for_selector("[data-testid=status][data-status=reopened]")
        case.refresh_from_db()
        self.assertEqual((case.status, case.unit), (Status.REOPENED, self.unit))
        self.assertEqual(case.events.last().note, "چاله دوباره باز شده است")

    def test_the_language_switch_flips_direction_and_dates_on_the_tracking_page(self) -> None:
        case = self.resolved_case()
        requested = self.record_requests()
        self.page.goto(self.url(f"/track/{case.tracking_code}"))
        received = self.page.locator("[data-testid=received]")
        self.assertEqual(received.text_content().strip(),
                         jalali(case.created_at, with_time=True))  # Jalali, Persian digits
        with self.page.expect_navigation():
            self.page.click("[data-testid=lang-switch]")
        expect(self.page.locator("html")).to_have_attribute("dir", "ltr")
        expect(self.page.locator("html")).to_have_attribute("lang", "en")
        expect(received).to_have_text(
            timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M"))
        expect(self.page.locator("[data-testid=tracking-code]")).to_have_text(
            case.tracking_code)
        self.screenshot("track-en")

        self.page.goto(self.url("/"))
        self.page.wait_for_selector("#portal-map path.leaflet-interactive")
        self.assertEqual(self.page.get_attribute("html", "dir"), "ltr")
        self.assertIn(self.works_subject.name_en, self.page.content())
        self.screenshot("portal-en")
        self.page.click("[data-testid=lang-switch]")
        self.page.wait_for_selector("html[dir=rtl]")
        self.assert_only_this_host(requested)

    def test_a_mistyped_code_says_so_in_the_browser(self) -> None:
        case = self.resolved_case()
        wrong = case.tracking_code[:-2] + case.tracking_code[-1] + case.tracking_code[-2]
        if wrong == case.tracking_code:
            wrong = case.tracking_code[:-1] + str((int(case.tracking_code[-1]) + 1) % 10)
        self.page.goto(self.url("/"))
        self.page.fill("#id_lookup_code", persian_digits(wrong))
        self.page.press("#id_lookup_code", "Enter")
        self.page.wait_for_selector("[data-testid=code-error]")
        self.assertIn("/track/", self.page.url)
