import os
import secrets
import subprocess
import sys

from django.conf import settings
from django.test import TestCase, override_settings

from open137.security.middleware import content_security_policy, tile_origin


class SecurityHeaderTests(TestCase):
    def test_every_answer_carries_a_strict_content_security_policy(self) -> None:
        for path in ("/", "/accounts/login/", "/api/v1/schema/", "/open311/v2/services.json",
                     "/healthz"):
            policy = self.client.get(path)["Content-Security-Policy"]
            self.assertIn("default-src 'self'", policy)
            self.assertIn("script-src 'self';", policy)
            self.assertNotIn("unsafe", policy.split("script-src")[1].split(";")[0])
            self.assertIn("frame-ancestors 'none'", policy)
            self.assertIn("object-src 'none'", policy)

    def test_pages_refuse_framing_and_sniffing(self) -> None:
        response = self.client.get("/")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")

    def test_map_tiles_are_allowed_from_their_host_only(self) -> None:
        with override_settings(MAP_TILE_URL="https://{s}.tiles.example.ir/{z}/{x}/{y}.png"):
            policy = content_security_policy()
        images = policy.split("img-src ")[1].split(";")[0]
        self.assertEqual(images, "'self' data: blob: https://*.tiles.example.ir")
        self.assertEqual(tile_origin(""), "")
        self.assertEqual(tile_origin("/tiles/{z}/{x}/{y}.png"), "")


def deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    """`open137 check --deploy` in a fresh process with production-like environment."""
    env = {**os.environ, "DEBUG": "0", "SECURE_SSL": "1", "SECRET_KEY": secrets.token_urlsafe(60),
           "ALLOWED_HOSTS": "137.example.ir", "DATA_DIR": str(settings.DATA_DIR), **env}
    return subprocess.run(
        [sys.executable, "-m", "open137.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
        cwd=settings.BASE_DIR)


class DeployCheckTests(TestCase):
    def test_the_deploy_check_leaves_only_hsts_preloading_by_default(self) -> None:
        result = deploy_check()
        output = result.stdout + result.stderr
        # HSTS preloading stays off by default (SECURE_HSTS_PRELOAD=1 turns it on): the
        # preload list is hard to leave and covers subdomains the city may still serve
        # over plain HTTP.
        self.assertIn("security.W021", output)
        self.assertEqual(output.count("(security."), 1, output)

    def test_the_deploy_check_is_clean_with_preloading_on(self) -> None:
        result = deploy_check(SECURE_HSTS_PRELOAD="1")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_plain_http_is_redirected_and_cookies_are_secure_behind_https(self) -> None:
        result = subprocess.run(
            [sys.executable, "-c", "import django, os; django.setup(); "
             "from django.conf import settings as s; "
             "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
             "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "open137.settings", "DEBUG": "0",
                 "SECURE_SSL": "1", "SECURE_PROXY_SSL_HEADER": "1",
                 "DATA_DIR": str(settings.DATA_DIR)},
            capture_output=True, text=True, timeout=60, check=True, cwd=settings.BASE_DIR)
        self.assertEqual(result.stdout.strip(),
                         "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')")
