"""The desk's address type-ahead in a real browser, with the keyboard only."""

import re

from django.contrib.auth.models import User

from open137.cases.browser import BrowserTestCase
from open137.cases.models import Case
from open137.directory.models import District, Subject, Unit


class AddressTypeAheadInBrowserTests(BrowserTestCase):
    alice: User
    works_subject: Subject

    def place_a_pothole_by_address(self, words: str) -> Case:
        """Alice records a pothole placed by the address alone, without the mouse."""
        requested: list[str] = []
        self.page.on("request", lambda r: requested.append(r.url))
        pothole = Subject.objects.get(code="asphalt")
        self.login("alice")
        self.page.goto(self.url("/desk/"))
        self.page.wait_for_selector("#subject-search:focus")
        self.page.wait_for_selector("#intake-map[data-ready=true]")
        keys = self.page.keyboard
        keys.type("چاله")
        self.page.wait_for_selector(f"#subject-options [data-code={pothole.code}]")
        keys.press("ArrowDown")
        keys.press("Enter")
        self.page.wait_for_selector("#id_kind:focus")
        keys.press("Tab")
        keys.type("چاله بزرگ")
        keys.press("Tab")
        keys.type(words)
        self.page.wait_for_selector("#address-options [data-index='0']")
        # Every place offered lies in district 3, named beside it.
        offered = self.page.locator("#address-options [role=option]").all_inner_texts()
        self.assertTrue(all("منطقه ۳" in o for o in offered[:3]), offered)
        keys.press("ArrowDown")
        keys.press("Enter")
        third = District.objects.get(code="district-3")
        self.page.wait_for_function(
            f"document.getElementById('id_district').value === '{third.pk}'")
        keys.press("Control+Enter")
        self.page.wait_for_url(re.compile(r"/desk/requests/\d+/recorded/$"))
        self.page.wait_for_load_state("networkidle")
        # The map's streets came from this server, like everything else on the page.
        self.assertEqual([u for u in requested if not u.startswith(self.live_server_url)], [])
        return Case.objects.latest("pk")

    def test_an_operator_places_a_request_by_address_with_the_keyboard_only(self) -> None:
        case = self.place_a_pothole_by_address("موذن")
        third = District.objects.get(code="district-3")
        self.assertTrue(case.address.startswith("بلوار موذن"), case.address)
        self.assertEqual((case.district, case.status), (third, "referred"))
        self.assertEqual(case.unit, Unit.objects.get(code="district-3/works"))
        self.assertIsNotNone(case.lat)

    def test_gohardasht_routes_the_pothole_straight_to_district_3_works(self) -> None:
        case = self.place_a_pothole_by_address("گوهردشت")
        self.assertTrue(case.address.startswith("گوهردشت"), case.address)
        self.assertEqual((case.district.code, case.unit.code, case.status),
                         ("district-3", "district-3/works", "referred"))

    def test_a_supervisor_refers_a_triage_request_by_finding_its_address(self) -> None:
        from open137.cases import actions

        bob = User.objects.get(username="bob")
        waiting = actions.receive_case(subject=Subject.objects.get(code="asphalt"),
                                       channel="phone", by=bob, description="چاله بزرگ")
        self.assertEqual(waiting.status, "triage")
        self.login("bob")
        self.page.goto(self.url("/desk/triage/"))
        self.page.locator(f"#refer-place-{waiting.pk}").focus()
        keys = self.page.keyboard
        keys.type("موذن")
        self.page.wait_for_selector(f"#refer-places-{waiting.pk} [data-index='0']")
        keys.press("ArrowDown")
        keys.press("Enter")
        works = Unit.objects.get(code="district-3/works")
        # The unit field takes the name the list shows for the district's works unit.
        self.page.wait_for_function(
            f"document.getElementById('unit-{waiting.pk}').value === document.querySelector("
            f"\"#unit-choices option[data-code='{works.code}']\").value")
        self.assertTrue(self.page.input_value(f"#refer-lat-{waiting.pk}"))
        self.page.locator(f"#unit-{waiting.pk}").focus()
        keys.press("Tab")  # to the Refer button
        with self.page.expect_navigation():
            keys.press("Enter")
        waiting.refresh_from_db()
        self.assertEqual((waiting.status, waiting.unit, waiting.district.code),
                         ("referred", works, "district-3"))
        self.assertIsNotNone(waiting.lat)
        self.assertTrue(waiting.address.startswith("بلوار موذن"), waiting.address)
