"""404, 403, 400 and 500 pages in the site's layout, in Persian (right to left) or English."""

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, TestCase
from django.utils import translation
from django.views import defaults


class ErrorPageTests(TestCase):
    def test_a_missing_page_is_persian_right_to_left_in_the_sites_layout(self) -> None:
        response = self.client.get("/no-such-page/", headers={"Accept-Language": "en"})
        self.assertEqual(response.status_code, 404)
        html = response.content.decode()
        self.assertIn('<html lang="fa" dir="rtl">', html)
        self.assertIn("۴۰۴", html)
        self.assertIn("این صفحه وجود ندارد", html)
        self.assertIn('data-testid="lang-switch"', html)  # the site's own navigation bar
        self.assertNotIn("Not Found", html)

    def test_a_missing_page_in_english_after_the_switch(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get("/no-such-page/")
        self.assertContains(response, '<html lang="en" dir="ltr">', status_code=404)
        self.assertContains(response, "This page does not exist", status_code=404)
        self.assertContains(response, "404", status_code=404)

    def test_a_page_not_allowed_says_so_and_offers_another_sign_in(self) -> None:
        user = User.objects.create_user("nobody", password="secret-pass-137")
        self.client.force_login(user)
        response = self.client.get("/desk/")
        self.assertEqual(response.status_code, 403)
        html = response.content.decode()
        self.assertIn('dir="rtl"', html)
        self.assertIn("اجازهٔ باز کردن این صفحه را ندارید", html)
        self.assertIn("/accounts/login/?next=/desk/", html)

    def test_an_expired_form_is_explained_not_django_s_english_page(self) -> None:
        response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
        self.assertEqual(response.status_code, 403)
        html = response.content.decode()
        self.assertIn("فرم منقضی شده است", html)
        self.assertNotIn("CSRF verification failed", html)

    def test_the_server_error_page_is_in_the_layout_in_either_language(self) -> None:
        request = RequestFactory().get("/")
        for language, words in [("fa", "مشکلی در سامانه پیش آمد"), ("en", "Something went wrong")]:
            with translation.override(language):
                response = defaults.server_error(request)
            html = response.content.decode()
            self.assertEqual(response.status_code, 500)
            self.assertIn(words, html)
            self.assertIn(f'<html lang="{language}"', html)

    def test_a_bad_request_page_is_in_the_layout(self) -> None:
        request = RequestFactory().get("/")
        with translation.override("fa"):
            response = defaults.bad_request(request, Exception())
        self.assertEqual(response.status_code, 400)
        self.assertIn("۴۰۰", response.content.decode())
