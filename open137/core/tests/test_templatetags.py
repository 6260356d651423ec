from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation


def render(source: str, **context: object) -> str:
    return Template("{% load open137 %}" + source).render(Context(context))


class TemplateFilterTests(SimpleTestCase):
    def test_fa_digits_writes_persian_digits_only_in_persian(self) -> None:
        with translation.override("fa"):
            self.assertEqual(render("{{ v|fa_digits }}", v="1405-01"), "۱۴۰۵-۰۱")
            self.assertEqual(render("{{ v|fa_digits }}", v=None), "")
        with translation.override("en"):
            self.assertEqual(render("{{ v|fa_digits }}", v=137), "137")

    def test_fa_digits_still_escapes_html(self) -> None:
        with translation.override("fa"):
            self.assertEqual(render("{{ v|fa_digits }}", v="<b>1</b>"), "&lt;b&gt;۱&lt;/b&gt;")

    def test_jdate_is_jalali_in_persian_and_gregorian_in_english(self) -> None:
        moment = datetime(2025, 3, 21, 6, 30, tzinfo=ZoneInfo("UTC"))  # 10:00 in Tehran
        with translation.override("fa"):
            self.assertEqual(render("{{ d|jdate }}", d=date(2025, 3, 21)), "۱ فروردین ۱۴۰۴")
            self.assertEqual(render('{{ d|jdate:"time" }}', d=moment), "۱ فروردین ۱۴۰۴، ۱۰:۰۰")
        with translation.override("en"):
            self.assertEqual(render('{{ d|jdate:"time" }}', d=moment), "2025-03-21 10:00")
            self.assertEqual(render("{{ d|jdate }}", d=None), "")
