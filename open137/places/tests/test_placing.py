"""A request with an address but no point is placed from the gazetteer when it is sure."""

import json
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from open137.cases import actions
from open137.cases.models import Case, Channel
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Status
from open137.directory.models import District, Kind
from open137.imports import replay
from open137.open311.actions import create_api_key


class PlacingTests(CityTestCase):
    def receive(self, **fields: object) -> Case:
        return actions.receive_case(subject=self.works_subject, channel=Channel.PHONE,
                                    by=self.alice, **fields)

    def test_a_sure_address_gives_the_request_its_point_and_district(self) -> None:
        case = self.receive(address="بلوار موذن، نرسیده به میدان")
        district = District.objects.get(code="district-3")
        self.assertEqual(case.district, district)
        self.assertIsNotNone(case.lat)
        dept = self.works_subject.handler.split(":")[1]
        self.assertEqual((case.status, case.unit.code),
                         (Status.REFERRED, f"district-3/{dept}"))
        self.assertEqual(case.address, "بلوار موذن، نرسیده به میدان")
        placed = case.events.get(step="receive").data["placed"]
        self.assertEqual((placed["source"], placed["name"], placed["district"]),
                         ("address", "بلوار موذن", "district-3"))
        self.assertGreaterEqual(placed["score"], 0.75)

    def test_an_unknown_address_is_not_guessed(self) -> None:
        case = self.receive(address="کوچه پشتی خانه ما")
        self.assertIsNone(case.lat)
        self.assertIsNone(case.district)
        self.assertEqual(case.status, Status.TRIAGE)
        self.assertNotIn("placed", case.events.get(step="receive").data)

    def test_a_point_or_a_chosen_district_wins_over_the_address(self) -> None:
        district = District.objects.get(code="district-5")
        case = self.receive(address="بلوار موذن", district=district)
        self.assertEqual(case.district, district)
        self.assertIsNone(case.lat)

    def test_an_open311_request_with_only_an_address_string_is_placed(self) -> None:
        _key, raw = create_api_key(name="app", by=None)
        response = self.client.post("/open311/v2/requests.json", {
            "api_key": raw, "service_code": self.works_subject.code,
            "address_string": "مهرشهر، بلوار ارم"})
        self.assertEqual(response.status_code, 201, response.content)
        case = Case.objects.get(pk=int(json.loads(response.content)[0]["service_request_id"]))
        self.assertEqual(case.district.code, "district-5")
        self.assertEqual(case.status, Status.REFERRED)

    def test_an_sms_naming_a_street_plainly_is_placed(self) -> None:
        from open137.smsgateway.actions import receive_sms

        outcome = receive_sms(phone="09121234567",
                              text="چاله بزرگ وسط بلوار موذن جلوی نانوایی")
        case = Case.objects.get(tracking_code=outcome.tracking_code)
        self.assertEqual(case.district.code, "district-3")
        self.assertEqual(case.events.get(step="receive").data["placed"]["source"],
                         "description")
        self.assertEqual(case.address, "بلوار موذن، گوهردشت")

    def test_an_sms_without_a_place_is_not_guessed(self) -> None:
        from open137.smsgateway.actions import receive_sms

        outcome = receive_sms(phone="09121234567", text="آب گرفتگی جلوی خانه ما")
        case = Case.objects.get(tracking_code=outcome.tracking_code)
        self.assertIsNone(case.district)

    def test_imported_rows_with_an_address_column_are_placed(self) -> None:
        at = timezone.now() - timedelta(days=3)
        rows = [replay.ImportedCase(subject=self.works_subject, created_at=at,
                                     address=address, external_id=f"x-{i}")
                for i, address in enumerate(["گلشهر", "گلشهر", "جای نامعلوم"])]
        ids = replay.import_cases(rows, by=None)
        cases = [Case.objects.get(pk=pk) for pk in ids if isinstance(pk, int)]
        self.assertEqual([c.district.code if c.district else None for c in cases],
                         ["district-6", "district-6", None])
        self.assertEqual(cases[0].events.get(step="receive").data["placed"]["name"],
                         "گلشهر")
        self.assertEqual(cases[2].status, Status.TRIAGE)

    def test_a_desk_call_without_a_pin_is_placed(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post("/desk/", {
            "subject": self.works_subject.code, "kind": Kind.objects.first().pk,
            "description": "چاله", "address": "خیابان طالقانی پلاک ۱۲"})
        self.assertEqual(response.status_code, 302, response.content[:2000])
        case = Case.objects.latest("pk")
        self.assertEqual(case.district.code, "district-1")
        self.assertEqual(case.unit.district, case.district)

    def test_a_portal_submission_without_a_pin_is_placed(self) -> None:
        kind = Kind.objects.first()
        response = self.client.post("/", {
            "subject": self.works_subject.code, "kind": kind.code,
            "description": "چاله بزرگ وسط خیابان", "address": "حصارک، بلوار دانشگاه"})
        self.assertEqual(response.status_code, 302, response.content[:2000])
        case = Case.objects.latest("pk")
        self.assertEqual(case.district.code, "district-7")


class PlacedHistoryTests(CityTestCase):
    def test_the_request_page_says_it_was_placed_from_the_address(self) -> None:
        case = actions.receive_case(subject=self.works_subject, channel=Channel.PHONE,
                                    by=self.alice, address="بلوار موذن")
        self.client.force_login(self.alice)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(f"/desk/requests/{case.pk}/")
        self.assertContains(response, "Placed from the address at بلوار موذن (")
