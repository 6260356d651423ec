from open137.cases.browser import BrowserTestCase


class LayoutInBrowserTests(BrowserTestCase):
    def test_pages_are_persian_right_to_left_and_load_nothing_from_other_hosts(self) -> None:
        requested: list[str] = []
        self.page.on("request", lambda r: requested.append(r.url))
        self.page.goto(self.url("/accounts/login/"))
        html = self.page.locator("html")
        self.assertEqual((html.get_attribute("lang"), html.get_attribute("dir")), ("fa", "rtl"))
        self.assertTrue(requested)
        self.assertEqual([u for u in requested if not u.startswith(self.live_server_url)], [])
        font = self.page.evaluate("getComputedStyle(document.body).fontFamily")
        self.assertIn("Vazirmatn", font)

    def test_staff_sign_in_lands_on_the_role_home(self) -> None:
        self.login("charlie")
        self.assertIn("/desk/inbox/", self.page.url)
