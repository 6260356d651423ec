from django.test import SimpleTestCase

from open137.core.contacts import has_phone, mask_contacts

MOBILE_FORMS = [
    "09121234567", "0912 123 4567", "0912.123.4567", "0912-123-4567", "0912_123_4567",
    "(0912) 123-4567", "0912 123 45 67", "+989121234567", "+98 912 123 4567",
    "+98 (912) 123-4567", "+98 0912 123 4567", "00989121234567", "0098-912-123-4567",
    "989121234567", "9121234567", "۰۹۱۲۱۲۳۴۵۶۷", "۰۹۱۲ ۱۲۳ ۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧",
    "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷", "0\u200e912\u200e123\u200e4567",
]
LANDLINE_FORMS = ["02632123456", "026 3212 3456", "(026) 3212-3456", "026-32123456",
                  "+98 26 3212 3456", "0098 21 8888 7777", "۰۲۱۸۸۸۸۷۷۷۷"]


class ContactDetectorTests(SimpleTestCase):
    def test_every_common_way_of_writing_a_mobile_is_masked(self) -> None:
        for form in MOBILE_FORMS:
            with self.subTest(form=form):
                masked = mask_contacts(f"call me on {form} after five")
                self.assertEqual(masked, "call me on *** after five")
                self.assertTrue(has_phone(form))

    def test_landlines_with_their_area_code_are_masked(self) -> None:
        for form in LANDLINE_FORMS:
            with self.subTest(form=form):
                masked = mask_contacts(f"tel. {form}.")
                self.assertNotIn("3212", masked.replace("***", ""))
                self.assertTrue(has_phone(form))

    def test_emails_are_masked(self) -> None:
        for email in ("sara@example.com", "s.ahmadi+137@mail.co.ir", "علی@example.ir"):
            with self.subTest(email=email):
                self.assertEqual(mask_contacts(f"write to {email} please"),
                                 "write to *** please")

    def test_the_citizens_name_is_masked(self) -> None:
        self.assertEqual(mask_contacts("Reza Karimi lives here; ask Karimi",
                                       names=["Reza Karimi"]), "*** lives here; ask ***")

    def test_other_numbers_are_left_alone(self) -> None:
        for text in ("plate 12 ب 345 67", "house 1234", "on 1403/05/12", "code 2906343695 0",
                     "postcode 31587-77871", "lat 35.8312 lon 50.9917"):
            with self.subTest(text=text):
                self.assertEqual(mask_contacts(text), text)
