"""Browser tests: the live server plus headless Chromium from the system, driven by Playwright.

Chromium comes from Debian's `chromium` package (no browser download); tests skip cleanly
where it is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails).
"""

import os
import shutil
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from open137.cases.testing import set_up_city

SCREENSHOTS = settings.BASE_DIR / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    for name in (os.environ.get("CHROMIUM_PATH", ""), "chromium", "chromium-browser"):
        if name and (found := shutil.which(name)):
            return found
    return None


class BrowserTestCase(StaticLiveServerTestCase):
    """A live server with the city loaded and a Chromium page per test (`self.page`)."""

    host = "127.0.0.1"
    # Playwright's wait_for_function polls a string it evaluates, which the
    # Content-Security-Policy forbids; the policy itself is tested in open137.security.
    bypass_csp: ClassVar[bool] = True
    playwright: ClassVar[Any]
    browser: ClassVar[Any]

    @classmethod
    def setUpClass(cls) -> None:
        # Playwright runs an event loop in this thread; Django refuses synchronous ORM
        # calls from a thread with a running loop unless told the test is in control.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        path = chromium_path()
        if path is None:
            if os.environ.get("REQUIRE_BROWSER"):
                raise RuntimeError("Chromium is required for browser tests but not installed.")
            raise cls.skipTest(cls, "Chromium is not installed")  # type: ignore[arg-type]
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=path, headless=True,
                                                     args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls) -> None:
        if getattr(cls, "browser", None):
            cls.browser.close()
            cls.playwright.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        set_up_city(self)
        self.context = self.browser.new_context(locale="fa-IR", viewport={"width": 1280,
                                                                         "height": 900},
                                                bypass_csp=self.bypass_csp)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)

    def tearDown(self) -> None:
        self.context.close()
        super().tearDown()

    def url(self, path: str) -> str:
        return f"{self.live_server_url}{path}"

    def login(self, username: str, password: str = "secret-pass-137") -> None:  # noqa: S107
        self.page.goto(self.url("/accounts/login/"))
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.press("#id_password", "Enter")
        self.page.wait_for_load_state()

    def screenshot(self, name: str) -> Path:
        """Save a full-page PNG under docs/screenshots/ (committed, shown in the README)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
