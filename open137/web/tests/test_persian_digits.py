from django.test import TestCase, override_settings

from open137.directory.actions import department_name
from open137.web.digits import persian_digits_in_html


class PersianDigitsInPagesTests(TestCase):
    """Persian pages read with Persian digits; codes, scripts and values stay as typed."""

    def test_numbers_in_text_and_in_read_attributes_become_persian(self) -> None:
        html = '<p title="3 of 10">منطقه 3، 1405-08</p><input placeholder="1405/01/13" value="12">'
        self.assertEqual(persian_digits_in_html(html),
                         '<p title="۳ of ۱۰">منطقه ۳، ۱۴۰۵-۰۸</p>'
                         '<input placeholder="۱۴۰۵/۰۱/۱۳" value="12">')

    def test_codes_scripts_and_marked_elements_keep_their_digits(self) -> None:
        html = ('<p>district-3/works Open311 md5</p><script>var a = 1 < 2;</script>'
                '<code>x 1</code><p translate="no">key <b>7</b> 9</p><p>8 &#10006; &amp;</p>')
        self.assertEqual(persian_digits_in_html(html),
                         '<p>district-3/works Open311 md5</p><script>var a = 1 < 2;</script>'
                         '<code>x 1</code><p translate="no">key <b>7</b> 9</p>'
                         '<p>۸ &#10006; &amp;</p>')

    def test_the_content_length_counts_the_persian_digits(self) -> None:
        response = self.client.get("/transparency/")
        self.assertEqual(int(response["Content-Length"]), len(response.content))

    def test_persian_pages_are_finished_and_english_ones_left_alone(self) -> None:
        self.assertIn("۱", self.client.get("/transparency/").content.decode())
        with override_settings(LANGUAGE_CODE="en"):
            response = self.client.get("/transparency/")
        self.assertNotIn("۱", response.content.decode())


class DepartmentNamesTests(TestCase):
    def test_the_word_the_department_and_district_share_is_said_once(self) -> None:
        self.assertEqual(department_name("معاونت فنی و عمرانی منطقه", "منطقه ۳"),
                         "معاونت فنی و عمرانی منطقه ۳")
        self.assertEqual(department_name("District urban services", "District 3"),
                         "District 3 urban services")
        self.assertEqual(department_name("Roads", "North"), "Roads (North)")
