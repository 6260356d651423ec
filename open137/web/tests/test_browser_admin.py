"""A clerk adds a holiday in the admin, typing the Jalali date on a Persian keyboard."""

from datetime import date

from django.contrib.auth.models import User

from open137.cases.browser import BrowserTestCase
from open137.deadlines.models import Holiday


class AdminInBrowserTests(BrowserTestCase):
    def test_an_admin_adds_a_holiday_in_jalali(self) -> None:
        User.objects.create_superuser("root", password="secret-pass-137")
        self.login("root")
        self.page.goto(self.url("/admin/deadlines/holiday/add/"))
        self.assertIn("مدیریت سامانه ۱۳۷ کرج", self.page.inner_text("#site-name"))
        self.assertEqual(self.page.get_attribute("#id_date", "placeholder"), "۱۴۰۵/۰۱/۱۳")
        self.page.fill("#id_date", "۱۴۰۵/۰۷/۱۵")
        self.page.fill("#id_name_fa", "تعطیلی محلی کرج")
        self.page.click("input[name=_save]")
        self.page.wait_for_url("**/admin/deadlines/holiday/")
        self.assertTrue(Holiday.objects.filter(date=date(2026, 10, 7),
                                               name_fa="تعطیلی محلی کرج").exists())
        self.page.fill("#searchbar", "محلی")
        self.page.press("#searchbar", "Enter")
        self.page.wait_for_selector("#result_list")
        self.assertIn("۱۵ مهر ۱۴۰۵", self.page.inner_text("#result_list"))
        # A mistyped date is refused in Persian, with Django's own notice in Persian too.
        self.page.goto(self.url("/admin/deadlines/holiday/add/"))
        self.page.fill("#id_date", "۱۴۰۵/۱۴/۰۱")
        self.page.fill("#id_name_fa", "نادرست")
        self.page.click("input[name=_save]")
        self.page.wait_for_selector(".errornote")
        self.assertIn("لطفاً خطای زیر را برطرف کنید.", self.page.inner_text(".errornote"))
