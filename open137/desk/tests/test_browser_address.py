"""The desk's address type-ahead in a real browser, with the keyboard only."""

import re

from django.contrib.auth.models import User

from open137.cases.browser import BrowserTestCase
from open137.cases.models import Case
from open137.directory.models import District, Subject


class AddressTypeAheadInBrowserTests(BrowserTestCase):
    alice: User
    works_subject: Subject

    def test_an_operator_places_a_request_by_address_with_the_keyboard_only(self) -> None:
        self.login("alice")
        self.page.goto(self.url("/desk/"))
        self.page.wait_for_selector("#subject-search:focus")
        self.page.wait_for_selector("#intake-map[data-ready=true]")
        keys = self.page.keyboard
        keys.type(self.works_subject.name_fa[:5])
        self.page.wait_for_selector(f"#subject-options [data-code={self.works_subject.code}]")
        keys.press("ArrowDown")
        keys.press("Enter")
        self.page.wait_for_selector("#id_kind:focus")
        keys.press("Tab")
        keys.type("چاله بزرگ")
        keys.press("Tab")
        keys.type("موذن")
        self.page.wait_for_selector("#address-options [data-index='0']")
        keys.press("ArrowDown")
        keys.press("Enter")
        third = District.objects.get(code="district-3")
        self.page.wait_for_function(
            f"document.getElementById('id_district').value === '{third.pk}'")
        self.assertTrue(self.page.input_value("#id_address").startswith("بلوار موذن"))
        keys.press("Control+Enter")
        self.page.wait_for_url(re.compile(r"/desk/requests/\d+/recorded/$"))
        case = Case.objects.latest("pk")
        self.assertEqual(case.district, third)
        self.assertEqual(case.unit.district, third)
        self.assertIsNotNone(case.lat)
