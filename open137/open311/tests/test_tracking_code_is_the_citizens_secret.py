import json

from open137.cases.models import Case
from open137.open311.actions import create_api_key
from open137.open311.tests.base import Open311TestCase

PHONE_FORMS = ["0912 345 6789", "0912.345.6789", "(0912) 345-6789", "0912_345_6789",
               "+98 912 345 6789", "۰۹۱۲۳۴۵۶۷۸۹", "٠٩١٢٣٤٥٦٧٨٩", "0098-912-345-6789",
               "026 3212 3456"]


class TrackingCodeIsTheCitizensSecretTests(Open311TestCase):
    def created(self, **fields: str) -> tuple[Case, dict]:
        response = self.post(service_code="taxi", **{"address_id": "A-1", **fields})
        self.assertEqual(response.status_code, 201, response.content)
        body = json.loads(response.content)[0]
        return Case.objects.get(pk=int(body["service_request_id"])), body

    def test_an_anonymous_list_shows_no_tracking_code_phone_or_email(self) -> None:
        typed = " ".join(PHONE_FORMS)
        case, answer = self.created(
            first_name="Sara", last_name="Ahmadi", phone="09123456789",
            email="sara@example.com",
            address_string=f"Sara Ahmadi, Azadi Sq., call {typed} or sara@example.com",
            description=f"The driver overcharged me; call me on {typed}, mail sara@example.com")
        self.assertEqual(answer["tracking_code"], case.tracking_code)
        for path in ("requests.json", f"requests/{case.pk}.json"):
            with self.subTest(path=path):
                response = self.get(path, extensions="true")
                self.assertEqual(response.status_code, 200)
                text = response.content.decode()
                self.assertNotIn(case.tracking_code, text)
                self.assertNotIn("tracking_code", text)
                self.assertNotIn("sara@example.com", text)
                self.assertNotIn("Sara", text)
                self.assertNotIn("Ahmadi", text)
                digits = "".join(c for c in text if c.isdigit())
                for number in ("3456789", "32123456", "۳۴۵۶۷۸۹", "٣٤٥٦٧٨٩"):
                    self.assertNotIn(number, digits)
                item = json.loads(text)[0]
                self.assertIn("Azadi Sq.", item["address"])
                self.assertIn("overcharged", item["description"])

    def test_the_xml_list_has_no_tracking_code_either(self) -> None:
        case, _answer = self.created()
        response = self.get("requests.xml", extensions="true")
        self.assertNotIn(case.tracking_code.encode(), response.content)

    def test_the_creating_client_sees_the_code_with_its_own_key(self) -> None:
        case, _answer = self.created()
        item = self.get_json(f"requests/{case.pk}.json", extensions="true",
                             api_key=self.raw_key)[0]
        self.assertEqual(item["extended_attributes"]["tracking_code"], case.tracking_code)
        listed = self.get_json("requests.json", extensions="true", api_key=self.raw_key)
        self.assertEqual(listed[0]["extended_attributes"]["tracking_code"], case.tracking_code)

    def test_another_client_does_not_see_the_code(self) -> None:
        case, _answer = self.created()
        _other, raw = create_api_key(name="Another app", by=None)
        item = self.get_json(f"requests/{case.pk}.json", extensions="true", api_key=raw)[0]
        self.assertNotIn("tracking_code", item["extended_attributes"])

    def test_a_request_from_another_channel_shows_its_code_to_no_client(self) -> None:
        case = self.new_case()
        item = self.get_json(f"requests/{case.pk}.json", extensions="true",
                             api_key=self.raw_key)[0]
        self.assertNotIn("tracking_code", item["extended_attributes"])

    def test_a_wrong_key_on_a_get_is_refused_not_ignored(self) -> None:
        self.created()
        self.assertErrorJson(self.get("requests.json", api_key="not-a-key"), 403, "api_key")
