from django.test import SimpleTestCase

from open137.core.errors import InvalidInput
from open137.core.phones import is_mobile, local_phone, normalize_phone


class PhoneTests(SimpleTestCase):
    def test_every_common_mobile_form_gives_one_canonical_number(self) -> None:
        forms = ["09121234567", "+989121234567", "989121234567", "00989121234567",
                 "9121234567", "۰۹۱۲۱۲۳۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧", "0912 123 4567", "0912-123-4567",
                 "+98 (912) 123 4567", "+98 0912 123 4567"]
        for form in forms:
            with self.subTest(form=form):
                self.assertEqual(normalize_phone(form), "+989121234567")

    def test_landline_with_area_code_is_accepted(self) -> None:
        self.assertEqual(normalize_phone("026-3212-3456"), "+982632123456")
        self.assertFalse(is_mobile("+982632123456"))
        self.assertTrue(is_mobile("+989121234567"))

    def test_local_form_is_what_people_read(self) -> None:
        self.assertEqual(local_phone("+989121234567"), "09121234567")

    def test_malformed_numbers_are_refused_with_a_clear_error(self) -> None:
        for bad in ["", "abc", "0912123456", "091212345678", "12345", "+14155550100",
                    "0912١٢٣abc", "00000000000"]:
            with self.subTest(bad=bad), self.assertRaises(InvalidInput) as ctx:
                normalize_phone(bad)
            self.assertEqual(ctx.exception.field, "phone")
            self.assertTrue(str(ctx.exception).endswith("."))
