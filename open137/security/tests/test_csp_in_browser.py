from typing import Any

from open137.cases import actions
from open137.cases.browser import BrowserTestCase
from open137.cases.models import Channel
from open137.cases.testing import inside, make_user
from open137.directory.models import Staff

# Collects the browser's own report of every blocked script, style, image or connection.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " "
                           + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


class ContentSecurityPolicyInBrowserTests(BrowserTestCase):
    bypass_csp = False

    def visit(self, path: str) -> list[str]:
        console: list[str] = []

        def listen(message: Any) -> None:
            console.append(message.text)

        self.page.on("console", listen)
        response = self.page.goto(self.url(path))
        assert response is not None
        self.assertIn("default-src 'self'", response.headers["content-security-policy"])
        self.page.wait_for_load_state("networkidle")
        violations = list(self.page.evaluate("window.__violations"))
        self.page.remove_listener("console", listen)
        return violations + [t for t in console if "Content Security Policy" in t]

    def test_the_pages_run_under_the_policy_without_a_violation(self) -> None:
        self.context.add_init_script(WATCH)
        lat, lon = inside(self.district)  # type: ignore[attr-defined]
        case = actions.receive_case(subject=self.works_subject,  # type: ignore[attr-defined]
                                    channel=Channel.PHONE, by=self.alice,  # type: ignore[attr-defined]
                                    description="چاله بزرگ در کوچه", lat=lat, lon=lon,
                                    contact_phone="09121234567")
        found = {"/": self.visit("/"), "/api/v1/docs/": self.visit("/api/v1/docs/"),
                 "/transparency/": self.visit("/transparency/")}
        self.login("bob")
        for path in ("/desk/", f"/desk/requests/{case.pk}/", "/oversight/",
                     f"/track/{case.tracking_code}"):
            found[path] = self.visit(path)
        ada = make_user("ada", Staff.Role.ADMIN)
        ada.is_staff = ada.is_superuser = True
        ada.save()
        self.context.clear_cookies()
        self.login("ada")
        for path in ("/admin/", "/admin/cases/case/", f"/admin/cases/case/{case.pk}/change/",
                     "/admin/directory/subject/add/", "/admin/security/contactview/"):
            found[path] = self.visit(path)
        self.maxDiff = None
        self.assertEqual({path: v for path, v in found.items() if v}, {})
