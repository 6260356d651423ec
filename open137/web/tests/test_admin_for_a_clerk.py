"""The admin as a city clerk uses it: Persian, the city's name, Jalali dates in any digits."""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.test import TestCase

from open137.core.forms import JalaliDateField
from open137.deadlines.models import Holiday, WorkingDay
from open137.directory.actions import load_city
from open137.directory.models import City, RoutingRule, Subject, Unit
from open137.notifications.models import MessageTemplate
from open137.notifications.texts import default_text


class AdminInPersianTests(TestCase):
    root: User

    @classmethod
    def setUpTestData(cls) -> None:
        load_city()
        cls.root = User.objects.create_superuser("root", password="secret-pass-137")

    def setUp(self) -> None:
        self.client.force_login(self.root)

    def page(self, path: str) -> str:
        response = self.client.get(path, headers={"Accept-Language": "en"})
        self.assertEqual(response.status_code, 200, path)
        return response.content.decode()

    def test_the_header_names_the_city_in_persian_whatever_the_browser_asks(self) -> None:
        html = self.page("/admin/")
        self.assertIn("مدیریت سامانه ۱۳۷ کرج", html)
        self.assertNotIn("Django", html.split("<body", 1)[1].split('id="content"', 1)[0])

    def test_a_holiday_is_added_in_jalali_with_persian_or_latin_digits(self) -> None:
        for typed, day in [("۱۴۰۵/۰۷/۱۵", date(2026, 10, 7)), ("1405-08-01", date(2026, 10, 23))]:
            response = self.client.post("/admin/deadlines/holiday/add/",
                                        {"date": typed, "name_fa": "تعطیلی محلی", "name_en": ""})
            self.assertEqual(response.status_code, 302, typed)
            self.assertTrue(Holiday.objects.filter(date=day, name_fa="تعطیلی محلی").exists())
        # The list shows them in the Jalali calendar, in Persian digits.
        html = self.page("/admin/deadlines/holiday/?q=محلی")
        self.assertIn("۱۵ مهر ۱۴۰۵", html)
        self.assertIn("۱ آبان ۱۴۰۵", html)
        # And the change form gives the date back as it is typed.
        holiday = Holiday.objects.get(date=date(2026, 10, 7))
        html = self.page(f"/admin/deadlines/holiday/{holiday.pk}/change/")
        self.assertIn('value="۱۴۰۵/۰۷/۱۵"', html)

    def test_a_gregorian_date_is_still_taken(self) -> None:
        field = JalaliDateField()
        self.assertEqual(field.clean("2026-10-07"), date(2026, 10, 7))
        self.assertEqual(field.clean("١٤٠٥/٧/١٥"), date(2026, 10, 7))

    def test_a_date_that_does_not_exist_is_refused_in_persian(self) -> None:
        response = self.client.post("/admin/deadlines/holiday/add/",
                                    {"date": "۱۴۰۵/۱۳/۴۰", "name_fa": "نادرست"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("لطفاً خطای زیر را برطرف کنید.", html)
        self.assertIn("تاریخ را به شکل سال/ماه/روز بنویسید", html)
        self.assertFalse(Holiday.objects.filter(name_fa="نادرست").exists())

    def test_dates_are_filtered_by_jalali_month_and_year(self) -> None:
        html = self.page("/admin/deadlines/holiday/")
        self.assertIn("امسال (", html)
        self.assertIn("سال آینده (", html)
        self.assertNotIn('class="xfull"', html)  # no Gregorian date hierarchy

    def test_working_hours_take_persian_digits(self) -> None:
        day = WorkingDay.objects.first() or WorkingDay.objects.create(weekday=5)
        response = self.client.post(f"/admin/deadlines/workingday/{day.pk}/change/",
                                    {"weekday": day.weekday, "opens": "۰۷:۳۰", "closes": "۱۴:۳۰"})
        self.assertEqual(response.status_code, 302)
        day.refresh_from_db()
        self.assertEqual(str(day.opens), "07:30:00")

    def test_opening_after_closing_is_refused_in_a_sentence(self) -> None:
        day = WorkingDay.objects.first() or WorkingDay.objects.create(weekday=5)
        response = self.client.post(f"/admin/deadlines/workingday/{day.pk}/change/",
                                    {"weekday": day.weekday, "opens": "15:00", "closes": "08:00"})
        self.assertContains(response, "ساعت شروع پیش از پایان باشد")

    def test_a_routing_rule_shows_no_null_and_needs_a_place_in_a_sentence(self) -> None:
        self.assertNotIn(">null<", self.page("/admin/directory/routingrule/add/"))
        subject, unit = Subject.objects.first(), Unit.objects.first()
        response = self.client.post("/admin/directory/routingrule/add/", {
            "subject": subject.pk, "district": "", "area": "", "unit": unit.pk,
            "priority": "0", "note": "", "active": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "قاعده باید جایی داشته باشد")
        self.assertNotContains(response, "routing_rule_has_place")
        self.assertFalse(RoutingRule.objects.exists())

    def test_no_raw_field_names_and_persian_plurals_read_right(self) -> None:
        html = self.page("/admin/directory/unit/")
        self.assertIn("نام (فارسی)", html)
        self.assertNotIn("Name fa", html)
        self.assertNotIn("NAME FA", html.upper().replace("NAME (", ""))
        self.assertIn("حذف واحدها انتخاب‌شده", html)
        self.assertNotIn("های انتخاب شده", html)
        subject = Subject.objects.first()
        html = self.page(f"/admin/directory/subject/{subject.pk}/change/")
        self.assertIn("نام (انگلیسی)", html)
        self.assertTrue("هم‌معنی‌ها" in html and "دست‌انداز" in html)  # synonyms, editable

    def test_message_templates_are_listed_with_their_built_in_text_and_placeholders(self) -> None:
        html = self.page("/admin/notifications/messagetemplate/")
        self.assertIn('data-testid="built-in-messages"', html)
        self.assertIn('<code dir="ltr">%(code)s</code>', html)
        self.assertIn("?kind=receipt&amp;language=fa", html)
        # "Add" without a kind asks which message first.
        html = self.page("/admin/notifications/messagetemplate/add/")
        self.assertIn("?kind=resolved&amp;language=en", html)
        # A new template starts from the built-in wording.
        html = self.page("/admin/notifications/messagetemplate/add/?kind=resolved&language=fa")
        self.assertIn(default_text("resolved", "fa")[1].split("%")[0].strip(), html)
        template = MessageTemplate.objects.create(kind="receipt", language="fa",
                                                  text="۱۳۷: ثبت شد. کد: %(code)s")
        html = self.page("/admin/notifications/messagetemplate/")
        self.assertIn(f"/admin/notifications/messagetemplate/{template.pk}/change/", html)

    def test_in_english_the_admin_keeps_gregorian_dates(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        Holiday.objects.create(date=date(2026, 10, 7), name_fa="محلی", name_en="Local")
        html = self.client.get("/admin/deadlines/holiday/?q=Local").content.decode()
        self.assertIn("Karaj 137 centre administration", html)
        self.assertIn("2026", html)
        self.assertNotIn("۱۴۰۵", html)
        self.assertEqual(City.objects.get().name_en, "Karaj")
