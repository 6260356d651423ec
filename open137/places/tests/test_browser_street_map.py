"""The street map and the address type-ahead in a real browser: no outside host."""

from pathlib import Path

from open137.cases.browser import SCREENSHOTS, BrowserTestCase
from open137.directory.models import District


class StreetMapInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.requested: list[str] = []
        self.page.on("request", lambda r: self.requested.append(r.url))

    def tearDown(self) -> None:
        # Let the map's last tiles arrive before the database is emptied for the next test.
        self.page.wait_for_load_state("networkidle")
        super().tearDown()

    def assert_only_this_host(self) -> None:
        self.assertTrue(any("/places/tiles/" in u for u in self.requested), self.requested)
        self.assertEqual([u for u in self.requested if not u.startswith(self.live_server_url)
                          and not u.startswith(("data:", "blob:"))], [])

    def street_labels(self, map_id: str) -> list[str]:
        self.page.wait_for_selector(f"#{map_id}[data-streets=ready]")
        return self.page.locator(f"#{map_id} .street-map-label").all_inner_texts()

    def choose_address(self, words: str) -> None:
        self.page.locator("#id_address").focus()
        self.page.keyboard.type(words)
        self.page.wait_for_selector("#address-options [data-index='0']")
        self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Enter")

    def test_a_citizen_finds_their_street_and_the_map_draws_it_with_its_name(self) -> None:
        self.page.goto(self.url("/"))
        self.page.wait_for_selector("#portal-map path.leaflet-interactive")
        self.choose_address("گوهردشت")
        self.page.wait_for_function(
            "document.querySelector('[data-testid=district-name]').textContent.length > 0")
        self.assertIn("۳", self.page.text_content("[data-testid=district-name]") or "")
        self.assertEqual(self.page.input_value("#id_address"), "گوهردشت")
        self.assertTrue(self.page.input_value("#id_lat"))
        self.page.wait_for_function(
            "Number(document.getElementById('portal-map').dataset.streetLabels) > 2")
        labels = self.street_labels("portal-map")
        self.assertIn("گوهردشت", labels)
        self.assertTrue(any(label.startswith("خیابان") for label in labels), labels)
        self.page.locator("#portal-map").scroll_into_view_if_needed()
        self.page.locator("#portal-map").screenshot(path=str(self.shot("street-map-portal-fa")))
        self.assert_only_this_host()

    def test_the_desk_map_shows_moazzen_boulevard_by_name_after_the_address_is_chosen(
            self) -> None:
        self.login("alice")
        self.page.goto(self.url("/desk/"))
        self.page.wait_for_selector("#intake-map[data-ready=true]")
        self.choose_address("موذن")
        third = District.objects.get(code="district-3")
        self.page.wait_for_function(
            f"document.getElementById('id_district').value === '{third.pk}'")
        self.page.wait_for_function(
            "Number(document.getElementById('intake-map').dataset.streetLabels) > 2")
        labels = self.street_labels("intake-map")
        self.assertIn("بلوار موذن", labels)
        self.page.locator("#intake-map").screenshot(path=str(self.shot("street-map-desk-fa")))
        self.assert_only_this_host()

    def test_the_map_speaks_english_in_the_english_interface(self) -> None:
        self.context.add_cookies([{"name": "django_language", "value": "en",
                                   "url": self.live_server_url}])
        self.page.goto(self.url("/"))
        self.page.wait_for_selector("#portal-map path.leaflet-interactive")
        self.choose_address("Moazzen")
        self.page.wait_for_function(
            "Number(document.getElementById('portal-map').dataset.streetLabels) > 2")
        labels = self.street_labels("portal-map")
        self.assertIn("Moazzen Boulevard", labels)
        self.page.locator("#portal-map").screenshot(path=str(self.shot("street-map-portal-en")))
        self.assert_only_this_host()

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS / f"{name}.png"
