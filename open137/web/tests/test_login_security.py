from axes.models import AccessLog
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.models import User
from django.test import TestCase, override_settings

from open137.core.ratelimit import NO_ADDRESS


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
class LoginLockoutTests(TestCase):
    alice: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice", password="right-pass-137")

    def attempt(self, password: str) -> int:
        return self.client.post("/accounts/login/", {"username": "alice", "password": password},
                                REMOTE_ADDR="10.0.0.1").status_code

    def test_repeated_failures_lock_the_account_even_with_the_right_password(self) -> None:
        self.assertEqual([self.attempt("wrong") for _ in range(2)], [200, 200])
        self.assertEqual(self.attempt("wrong"), 429)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.post("/accounts/login/", {"username": "alice",
                                                         "password": "right-pass-137"},
                                    REMOTE_ADDR="10.0.0.1")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many failed sign-in attempts", status_code=429)

    def test_a_successful_sign_in_is_not_locked(self) -> None:
        self.assertEqual(self.attempt("wrong"), 200)
        self.assertEqual(self.attempt("right-pass-137"), 302)


class PasswordHashingTests(TestCase):
    @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
    def test_passwords_are_hashed_with_argon2(self) -> None:
        user = User.objects.create_user("bob", password="another-pass-137")
        self.assertEqual(identify_hasher(user.password).algorithm, "argon2")


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, FORWARDED_ALLOW_IPS=["10.9.9.9"])
class LockoutBehindTheProxyTests(TestCase):
    """Behind the documented TLS proxy every sign-in arrives from the proxy's address."""

    alice: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice", password="right-pass-137")

    def attempt(self, password: str, client_address: str) -> int:
        return self.client.post("/accounts/login/", {"username": "alice", "password": password},
                                REMOTE_ADDR="10.9.9.9",
                                HTTP_X_FORWARDED_FOR=client_address).status_code

    def test_a_stranger_cannot_lock_a_staff_member_out_from_another_address(self) -> None:
        self.assertEqual([self.attempt("wrong", "203.0.113.5") for _ in range(4)],
                         [200, 200, 429, 429])
        self.assertEqual(self.attempt("right-pass-137", "198.51.100.7"), 302)

    def test_the_stranger_stays_locked_out_at_their_own_address(self) -> None:
        for _attempt in range(3):
            self.attempt("wrong", "203.0.113.5")
        self.assertEqual(self.attempt("right-pass-137", "203.0.113.5"), 429)

    def test_a_forged_forwarded_address_from_outside_the_proxy_is_not_believed(self) -> None:
        for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
            self.client.post("/accounts/login/", {"username": "alice", "password": "wrong"},
                             REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=forged)
        response = self.client.post("/accounts/login/", {"username": "alice",
                                                         "password": "right-pass-137"},
                                    REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="4.4.4.4")
        self.assertEqual(response.status_code, 429)

    def test_a_proxy_that_writes_unknown_gets_a_sign_in_page_not_a_server_error(self) -> None:
        # Some proxies send "X-Forwarded-For: unknown"; the sign-in records keep addresses
        # in a column PostgreSQL checks, so the address is the proxy's own then.
        self.assertEqual(self.attempt("wrong", "unknown"), 200)
        self.assertEqual(self.attempt("right-pass-137", "unknown"), 302)

    def test_a_sign_in_made_by_code_without_an_address_is_recorded(self) -> None:
        self.client.force_login(self.alice)  # no REMOTE_ADDR at all
        self.assertEqual(AccessLog.objects.get(username="alice").ip_address, NO_ADDRESS)
