"""The desk in a real browser: keyboard-only intake, the unit's work, scope, languages."""

import re
from unittest import skipUnless

from django.apps import apps
from django.contrib.auth.models import User

from open137.cases import actions
from open137.cases.browser import BrowserTestCase
from open137.cases.models import Case
from open137.cases.testing import inside
from open137.cases.workflow import Status
from open137.core import tracking
from open137.core.text import persian_digits
from open137.directory.models import District, Kind, Subject, Unit
from open137.notifications.models import Message

PERSIAN_DIGIT = re.compile("[۰-۹]")


class DeskInBrowserTests(BrowserTestCase):
    # Set by set_up_city() in BrowserTestCase.setUp, as in CityTestCase.
    alice: User
    bob: User
    district: District
    works_subject: Subject
    org_subject: Subject
    unit: Unit

    def tearDown(self) -> None:
        # Let the page's last fetches (district outlines) finish before the database is
        # emptied for the next test; a request still reading would hold a lock.
        self.page.wait_for_load_state("networkidle")
        super().tearDown()

    def record_with_the_keyboard(self, *, screenshot: str = "") -> str:
        """Alice records a call from the screen-pop URL without touching the mouse."""
        self.login("alice")
        self.page.goto(self.url("/desk/call?caller=۰۹۱۲-۱۲۳-۴۵۶۷"))
        self.page.wait_for_selector("#subject-search:focus")
        self.page.wait_for_selector("#intake-map[data-ready=true]")
        keys = self.page.keyboard
        keys.type(self.works_subject.name_fa[:5])
        self.page.wait_for_selector(f"#subject-options [data-code={self.works_subject.code}]")
        keys.press("ArrowDown")
        keys.press("Enter")
        self.page.wait_for_selector("#id_kind:focus")
        keys.press("Tab")
        keys.type("چاله‌ای بزرگ وسط خیابان؛ خودروها آسیب می‌بینند")
        keys.press("Tab")
        keys.type("خیابان بهار، کوچه ۱۲")
        keys.press("Tab")
        keys.press("ArrowDown")  # the first district
        keys.press("Tab")
        keys.type("رضا احمدی")
        keys.press("Tab")
        self.assertEqual(self.page.input_value("#id_contact_phone"), "09121234567")
        if screenshot:
            # The hints beside the form (when the intelligence app is in) have answered.
            for box in ("#suggestions", "#duplicates"):
                if self.page.locator(box).count():
                    self.page.wait_for_selector(f"{box}:not(:has([data-placeholder]))")
            self.screenshot(screenshot)
        keys.press("Control+Enter")
        self.page.wait_for_url(re.compile(r"/desk/requests/\d+/recorded/$"))
        shown = self.page.inner_text("[data-testid=tracking-code]")
        self.assertRegex(shown, r"^[۰-۹]{3} [۰-۹]{3} [۰-۹]{4}$")
        code = tracking.clean_code(shown)
        self.assertTrue(tracking.is_valid(code))
        self.assertIn(persian_digits(self.unit.name_fa),
                      self.page.inner_text("[data-testid=unit]"))
        return code

    def test_an_operator_records_a_phone_call_with_the_keyboard_only(self) -> None:
        actions.receive_case(subject=self.org_subject, channel="phone", by=self.bob,
                             description="تاکسی کرایه اضافه گرفت", contact_phone="09121234567")
        code = self.record_with_the_keyboard(screenshot="desk-intake-fa")
        case = Case.objects.get(tracking_code=code)
        self.assertEqual((case.subject, case.unit, case.district, case.status),
                         (self.works_subject, self.unit, self.district, Status.REFERRED))
        self.assertEqual((case.contact_phone, case.contact_name, case.address),
                         ("+989121234567", "رضا احمدی", "خیابان بهار، کوچه 12"))
        self.assertEqual(case.kind, Kind.objects.filter(active=True).first())
        # The next call starts from the focused "next call" button.
        self.page.keyboard.press("Enter")
        self.page.wait_for_selector("#subject-search:focus")
        # The same screen in English (the language cookie, so the keyboard stays the only input).
        self.context.add_cookies([{"name": "django_language", "value": "en",
                                   "url": self.live_server_url}])
        self.page.goto(self.url("/desk/call?caller=09121234567"))
        self.page.wait_for_selector("html[dir=ltr]")
        self.page.wait_for_selector("#intake-map[data-ready=true]")
        self.page.wait_for_load_state("networkidle")
        self.assertEqual(self.page.locator("[data-testid=caller] tbody tr").count(), 2)
        self.screenshot("desk-intake-en")

    def test_an_operator_finds_asphalt_by_the_callers_words_on_an_english_windows(self) -> None:
        # A call-centre PC whose browser asks for English still gets the Persian desk.
        self.context.close()
        self.context = self.browser.new_context(locale="en-US", viewport={"width": 1280,
                                                                         "height": 900},
                                                bypass_csp=self.bypass_csp)
        self.page = self.context.new_page()
        self.login("alice")
        self.page.goto(self.url("/desk/"))
        self.page.wait_for_selector("html[lang=fa][dir=rtl]")
        self.page.wait_for_selector("#subject-search:focus")
        # The caller's word that found the subject is shown beside its name.
        for words, shown in [("چاله", "چاله"), ("دست‌انداز", "دست‌انداز"), ("asphalt", "")]:
            self.page.fill("#subject-search", "")
            self.page.wait_for_selector("#subject-options", state="hidden")
            self.page.keyboard.type(words)
            first = self.page.wait_for_selector("#subject-options li[data-code]:first-child")
            self.assertEqual(first.get_attribute("data-code"), "asphalt", words)
            self.assertIn("آسفالت", first.inner_text())
            self.assertEqual(first.query_selector(".badge") is not None, bool(shown))
            if shown:
                self.assertEqual(first.query_selector(".badge").inner_text(), shown)
        self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Enter")
        self.page.wait_for_selector("#id_kind:focus")
        self.assertEqual(self.page.input_value("#subject-code"), "asphalt")

    def test_clicking_the_map_fills_in_the_district_at_once(self) -> None:
        self.login("alice")
        self.page.goto(self.url("/desk/"))
        self.page.wait_for_selector("#intake-map[data-ready=true]")
        lat, lon = inside(self.district)
        x, y = self.page.evaluate(
            "([lat, lon]) => { const p = document.querySelector('#intake-map').deskMap"
            ".latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }", [lat, lon])
        self.page.click("#intake-map", position={"x": x, "y": y})
        self.page.wait_for_function(
            f"document.querySelector('#id_district').value === '{self.district.pk}'")
        self.assertIn(persian_digits(self.district.name_fa), self.page.inner_text("#map-place"))
        self.assertAlmostEqual(float(self.page.input_value("#id_lat")), lat, places=3)
        self.assertAlmostEqual(float(self.page.input_value("#id_lon")), lon, places=3)

    def test_the_unit_resolves_the_request_with_a_note_from_its_inbox(self) -> None:
        code = self.record_with_the_keyboard()
        case = Case.objects.get(tracking_code=code)
        self.context.clear_cookies()
        self.login("charlie")
        self.assertIn("/desk/inbox/", self.page.url)
        row = self.page.locator(f"tr[data-case='{case.pk}']")
        self.assertEqual(row.count(), 1)
        self.screenshot("inbox-fa")
        row.locator("a").first.click()
        self.page.wait_for_selector("[data-testid=timeline]")
        self.page.wait_for_selector("#case-map[data-ready=true]")
        self.screenshot("request-fa")
        self.page.fill("#id_resolve_note", "چاله با آسفالت گرم پر شد.")
        self.page.click("[data-step=resolve] button[type=submit]")
        self.page.wait_for_selector(".alert-success")
        case.refresh_from_db()
        self.assertEqual((case.status, case.result_note),
                         (Status.RESOLVED, "چاله با آسفالت گرم پر شد."))
        self.assertIn("چاله با آسفالت گرم پر شد.", self.page.inner_text("[data-testid=timeline]"))

    def test_a_unit_user_cannot_open_another_units_request(self) -> None:
        lat, lon = inside(self.district)
        case = actions.receive_case(subject=self.works_subject, channel="phone", by=self.alice,
                                    lat=lat, lon=lon, description="چاله")
        self.login("dave")
        response = self.page.goto(self.url(f"/desk/requests/{case.pk}/"))
        self.assertEqual(response.status, 404)
        self.page.goto(self.url("/desk/inbox/"))
        self.assertEqual(self.page.locator(f"tr[data-case='{case.pk}']").count(), 0)

    def test_the_language_switch_flips_direction_and_dates_on_the_request_page(self) -> None:
        lat, lon = inside(self.district)
        case = actions.receive_case(subject=self.works_subject, channel="phone", by=self.alice,
                                    lat=lat, lon=lon, description="چاله بزرگ",
                                    contact_phone="09121234567")
        self.login("charlie")
        self.page.goto(self.url(f"/desk/requests/{case.pk}/"))
        html = self.page.locator("html")
        self.assertEqual((html.get_attribute("lang"), html.get_attribute("dir")), ("fa", "rtl"))
        received = self.page.inner_text("[data-testid=received]")
        self.assertRegex(received, PERSIAN_DIGIT)
        self.assertIn("۱۴", received)  # a Jalali year
        self.page.click("[data-testid=lang-switch]")
        self.page.wait_for_selector("html[dir=ltr]")
        self.assertEqual(html.get_attribute("lang"), "en")
        self.page.wait_for_selector("#case-map[data-ready=true]")
        received = self.page.inner_text("[data-testid=received]")
        self.assertNotRegex(received, PERSIAN_DIGIT)
        self.assertRegex(received, r"^20\d\d-\d\d-\d\d \d\d:\d\d$")
        self.assertIn(self.works_subject.name_en, self.page.inner_text("[data-testid=subject]"))
        self.screenshot("request-en")
        self.page.goto(self.url("/desk/inbox/"))
        self.assertIn("Inbox", self.page.inner_text("h1"))
        self.screenshot("inbox-en")

    @skipUnless(apps.is_installed("open137.portal"), "the citizen portal is not installed")
    def test_end_to_end_operator_records_unit_resolves_citizen_tracks_and_rates(self) -> None:
        code = self.record_with_the_keyboard()
        case = Case.objects.get(tracking_code=code)
        self.context.clear_cookies()
        self.login("charlie")
        self.page.goto(self.url(f"/desk/requests/{case.pk}/"))
        self.page.fill("#id_resolve_note", "چاله با آسفالت گرم پر شد.")
        self.page.click("[data-step=resolve] button[type=submit]")
        self.page.wait_for_selector(".alert-success")

        self.context.clear_cookies()
        # The citizen opens the answer link that came with the result's SMS.
        sms = Message.objects.get(case_id=case.pk, kind="resolved", channel="sms").text
        self.page.goto(self.url(sms[sms.index("/track/"):].split()[0]))
        self.assertEqual(self.page.text_content("[data-testid=tracking-code]").strip(),
                         persian_digits(code))
        self.assertIn("چاله با آسفالت گرم پر شد.", self.page.text_content("[data-testid=result]"))
        self.assertNotIn("رضا احمدی", self.page.content())
        self.page.check("input[name=answer][value=satisfied]")
        self.page.click("[data-testid=answer-submit]")
        self.page.wait_for_selector("[data-testid=satisfaction]")
        case.refresh_from_db()
        self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))
