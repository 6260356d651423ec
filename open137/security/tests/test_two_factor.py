import re
import time

from django.conf import settings
from django.test import SimpleTestCase, TestCase, override_settings

from open137.cases.testing import make_user
from open137.directory.models import Staff
from open137.security import actions, totp
from open137.security.models import TwoFactorDevice

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"


class TotpTests(SimpleTestCase):
    def test_codes_match_the_rfc_6238_test_vectors(self) -> None:
        # RFC 6238 appendix B (SHA-1), last six of the eight digits.
        for moment, code in [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"),
                             (2000000000, "279037")]:
            self.assertEqual(totp.code_at(RFC_SECRET, totp.counter_at(moment)), code)

    def test_codes_in_persian_digits_and_one_step_of_drift_are_accepted(self) -> None:
        now = 1_800_000_000
        earlier = totp.code_at(RFC_SECRET, totp.counter_at(now) - 1)
        typed = earlier.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        self.assertIsNotNone(totp.matching_counter(RFC_SECRET, typed, moment=now))
        stale = totp.code_at(RFC_SECRET, totp.counter_at(now) - 3)
        self.assertIsNone(totp.matching_counter(RFC_SECRET, stale, moment=now))
        self.assertIsNone(totp.matching_counter(RFC_SECRET, "12", moment=now))

    def test_provisioning_uri_names_the_account(self) -> None:
        uri = totp.provisioning_uri(RFC_SECRET, account="alice", issuer="137 Karaj")
        self.assertTrue(uri.startswith("otpauth://totp/137%20Karaj%3Aalice?secret="))


class TwoFactorSignInTests(TestCase):
    def setUp(self) -> None:
        self.alice = make_user("alice", Staff.Role.SUPERVISOR)

    def enrol(self) -> TwoFactorDevice:
        device = actions.start_two_factor(self.alice)
        code = totp.code_at(device.secret, totp.counter_at() - 1)
        self.assertTrue(actions.check_two_factor(self.alice, code=code))
        return TwoFactorDevice.objects.get(user=self.alice)

    def test_staff_without_an_authenticator_sign_in_with_the_password_alone(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/desk/triage/").status_code, 200)

    def test_an_enrolled_user_must_give_the_current_code_and_a_code_works_once(self) -> None:
        device = self.enrol()
        self.client.force_login(self.alice)
        response = self.client.get("/desk/triage/")
        self.assertRedirects(response, "/accounts/two-factor/verify/?next=%2Fdesk%2Ftriage%2F",
                             fetch_redirect_response=False)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        wrong = self.client.post("/accounts/two-factor/verify/",
                                 {"code": "000000", "next": "/desk/triage/"})
        self.assertEqual(wrong.status_code, 400)
        self.assertContains(wrong, "This code is not right", status_code=400)
        code = totp.code_at(device.secret, totp.counter_at())
        right = self.client.post("/accounts/two-factor/verify/",
                                 {"code": code, "next": "/desk/triage/"})
        self.assertRedirects(right, "/desk/triage/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/desk/triage/").status_code, 200)
        # The same code cannot be used again, even by someone who saw it.
        self.assertFalse(actions.check_two_factor(self.alice, code=code))

    def test_a_foreign_next_address_is_not_followed(self) -> None:
        device = self.enrol()
        self.client.force_login(self.alice)
        code = totp.code_at(device.secret, totp.counter_at())
        response = self.client.post("/accounts/two-factor/verify/",
                                    {"code": code, "next": "https://evil.example/"})
        self.assertRedirects(response, "/home/", fetch_redirect_response=False)

    @override_settings(TWO_FACTOR_REQUIRED_FOR_ADMINS=True)
    def test_administrators_must_enrol_when_it_is_required(self) -> None:
        admin = make_user("root", Staff.Role.ADMIN)
        self.client.force_login(admin)
        response = self.client.get("/admin/")
        self.assertRedirects(response, "/accounts/two-factor/?next=%2Fadmin%2F",
                             fetch_redirect_response=False)
        page = self.client.get("/accounts/two-factor/")
        secret = page.context["secret"]
        code = totp.code_at(secret, totp.counter_at(time.time()))
        done = self.client.post("/accounts/two-factor/", {"code": code, "next": "/admin/"})
        self.assertRedirects(done, "/admin/", fetch_redirect_response=False)
        self.assertTrue(TwoFactorDevice.objects.get(user=admin).confirmed)
        # Other staff are not asked.
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/desk/triage/").status_code, 200)

    def test_the_key_is_shown_as_a_qr_code_of_its_address_untouched_by_persian_digits(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get("/accounts/two-factor/", headers={"Accept-Language": "fa"})
        html = page.content.decode()
        self.assertIn('lang="fa"', html)
        shown = re.search(r'<svg[^>]*class="totp-qr".*?</svg>', html, re.S)
        assert shown is not None, "no QR code on the page"
        drawn = re.findall(r' d="([^"]+)"', shown.group(0))
        expected = re.findall(r' d="([^"]+)"', totp.qr_svg(page.context["uri"], title=""))
        # The modules of the page's code are those of the key's own address, in Latin digits.
        self.assertEqual(len(drawn), 2)
        self.assertEqual(drawn, expected)
        self.assertIn(page.context["secret"], page.context["uri"])

    def test_second_factor_pages_need_a_signed_in_user(self) -> None:
        response = self.client.get("/accounts/two-factor/verify/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
