"""Mixed-direction text reads right: arrows, tracking codes in sentences, SMS texts."""

from django.conf import settings

from open137.cases import actions
from open137.cases.testing import CityTestCase
from open137.notifications.models import Message

LRI, PDI = "\u2066", "\u2069"


class BidiTests(CityTestCase):
    def test_history_arrows_point_the_way_the_language_reads(self) -> None:
        case = self.new_case()
        actions.accept_case(case, by=self.charlie)
        self.client.force_login(self.bob)
        persian = self.client.get(f"/desk/requests/{case.pk}/").content.decode()
        self.assertIn("←", persian)
        self.assertNotIn(" → ", persian)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = self.client.get(f"/desk/requests/{case.pk}/").content.decode()
        self.assertIn(" → ", english)

    def test_a_tracking_code_in_a_persian_flash_message_is_one_left_to_right_run(self) -> None:
        case = self.new_case()
        self.client.force_login(self.charlie)
        response = self.client.post(f"/desk/requests/{case.pk}/accept/", follow=True)
        shown = [str(m) for m in response.context["messages"]]
        self.assertEqual(len(shown), 1)
        self.assertRegex(shown[0], f"{LRI}[۰-۹ ]+{PDI}")

    def test_persian_sms_isolate_the_code_and_english_ones_are_plain(self) -> None:
        fa = self.new_case(contact_phone="09121234567")
        en = self.new_case(contact_phone="09121234568", language="en")
        for case, isolated in ((fa, True), (en, False)):
            text = Message.objects.filter(case_id=case.pk).latest("pk").text
            self.assertIn(case.tracking_code, text)
            self.assertEqual(f"{LRI}{case.tracking_code}{PDI}" in text, isolated)

    def test_a_departments_name_says_its_district_once_in_persian_digits(self) -> None:
        self.assertTrue(self.unit.name.endswith(f" {self.district.name}"), self.unit.name)
        self.assertEqual(self.unit.name.count("منطقه"), 1)  # «… منطقه ۱», said once
        self.assertNotIn("(", self.unit.name)
        self.assertRegex(self.unit.name, "منطقه [۰-۹]+$")
