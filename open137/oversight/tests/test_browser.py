"""The dashboard in a real browser: charts, the map, click-through, both languages."""

import re

from open137.cases.browser import BrowserTestCase
from open137.cases.demo import create_cases
from open137.cases.testing import make_user
from open137.directory.models import Staff
from open137.oversight import actions
from open137.oversight.forms import this_month

PERSIAN_DIGIT = re.compile("[۰-۹]")


class OversightInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        create_cases(160, days=80, seed=7)
        make_user("erin", Staff.Role.COUNCIL)
        inspector = make_user("ivy", Staff.Role.INSPECTOR)
        for sample in actions.draw_audit_sample(month=this_month().previous(), by=inspector,
                                                size=2):
            for i, item in enumerate(sample.items.all()):
                turn = i + sample.pk
                actions.grade_audit(item, subject_right=turn % 5 != 0,
                                    referral_right=turn % 2 == 0, action_adequate=turn % 3 != 0,
                                    citizen_informed=turn % 4 != 1, by=inspector)

    def wait_for_figures(self) -> None:
        self.page.wait_for_selector("#district-map path.leaflet-interactive")
        self.page.wait_for_function(
            "() => ['volume-chart', 'compliance-chart', 'backlog-chart'].every("
            "id => Chart.getChart(id) !== undefined)")

    def test_a_council_member_reads_the_dashboard_in_persian_and_english(self) -> None:
        errors: list[str] = []
        requested: list[str] = []
        self.page.on("pageerror", lambda e: errors.append(str(e)))
        self.page.on("request", lambda r: requested.append(r.url))
        self.login("erin")
        self.assertIn("/oversight/", self.page.url)
        self.wait_for_figures()
        headline = self.page.inner_text("[data-figure=volume]")
        self.assertRegex(headline, PERSIAN_DIGIT)
        self.assertIn(this_month().name(True).split()[0], self.page.inner_text("#id_to"))
        self.screenshot("oversight-fa")

        self.page.select_option("#map-figure", "index")
        label = self.page.inner_text("#map-figure option[value=index]")
        self.assertTrue(self.page.inner_text("#map-legend").startswith(label))

        self.page.click("[data-testid=lang-switch]")
        self.page.wait_for_load_state()
        self.assertEqual(self.page.get_attribute("html", "lang"), "en")
        self.wait_for_figures()
        self.assertNotRegex(self.page.inner_text("[data-figure=volume]"), PERSIAN_DIGIT)
        self.screenshot("oversight-en")

        self.page.click("[data-figure=open] a")
        self.page.wait_for_url(re.compile(r"/oversight/requests/\?.*figure=open"))
        count = int(self.page.inner_text("[data-testid=count]"))
        self.assertGreater(count, 0)
        self.page.click("table a.ltr >> nth=0")
        self.page.wait_for_url(re.compile(r"/oversight/requests/\d+/$"))
        self.assertIn("hidden for your role", self.page.inner_text("[data-testid=contact]"))
        self.assertEqual(errors, [])
        self.assertEqual([u for u in requested if not u.startswith(self.live_server_url)], [])

    def test_the_report_prints_to_pdf(self) -> None:
        self.login("erin")
        self.page.goto(self.url("/oversight/report/"))
        self.page.wait_for_selector("[data-testid=report]")
        self.page.emulate_media(media="print")
        self.assertFalse(self.page.is_visible("nav.navbar"))
        pdf = self.page.pdf(format="A4", landscape=True)
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreater(len(pdf), 10_000)

    def test_the_public_page_reads_on_a_phone_as_cards_with_persian_map_buttons(self) -> None:
        self.page.set_viewport_size({"width": 390, "height": 844})
        self.page.goto(self.url("/transparency/"))
        self.page.wait_for_selector("#district-map .leaflet-control-zoom-in")
        # Nothing runs off the side: no sideways scrolling on a phone.
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390)
        row = self.page.locator("table.cards-on-phone tbody tr").first
        self.assertEqual(row.evaluate("r => getComputedStyle(r).display"), "grid")
        self.assertFalse(self.page.is_visible("table.cards-on-phone thead"))
        self.assertEqual(self.page.get_attribute(".leaflet-control-zoom-in", "title"),
                         "بزرگ‌نمایی")
        self.assertEqual(self.page.get_attribute(".leaflet-control-zoom-out", "title"),
                         "کوچک‌نمایی")

    def test_chart_labels_are_not_cut_at_the_edges(self) -> None:
        self.login("erin")
        self.wait_for_figures()
        for chart in ("volume-chart", "backlog-chart"):
            # Each tick label's left and right ends, measured in the chart's own font.
            ends = self.page.evaluate(
                "id => { const c = Chart.getChart(id); const s = c.scales.x;"
                " c.ctx.font = Chart.helpers.toFont(s.options.ticks.font).string;"
                " return s.ticks.map((t, i) => { const lines = [].concat(t.label);"
                " const w = Math.max(...lines.map(l => c.ctx.measureText(l).width));"
                " const x = s.getPixelForTick(i); return [x - w / 2, x + w / 2, c.width]; }); }",
                chart)
            self.assertTrue(ends)
            for left, right, width in ends:
                self.assertGreaterEqual(left, 0, chart)
                self.assertLessEqual(right, width, chart)
