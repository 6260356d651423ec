from django.test import TestCase

from open137.cases import actions
from open137.cases.models import Channel
from open137.cases.testing import inside
from open137.cases.workflow import Status
from open137.directory.actions import load_city
from open137.directory.models import District, RoutingRule, Subject, Unit


class RoutingOnReceiptTests(TestCase):
    triage: Unit

    @classmethod
    def setUpTestData(cls) -> None:
        load_city()
        cls.triage = Unit.objects.get(is_triage=True)

    def receive(self, subject: Subject, lat: float | None, lon: float | None):  # type: ignore[no-untyped-def]
        return actions.receive_case(subject=subject, channel=Channel.WEB, by=None,
                                    lat=lat, lon=lon)

    def expected_unit(self, subject: Subject, district: District | None) -> str | None:
        kind, code = subject.handler.split(":")
        if kind == "district":
            return f"{district.code}/{code}" if district else None
        return None if code == self.triage.code else code

    def test_every_subject_in_every_district_goes_to_the_handlers_unit(self) -> None:
        for district in District.objects.all():
            lat, lon = inside(district)
            for subject in Subject.objects.filter(active=True):
                with self.subTest(district=district.code, subject=subject.code):
                    case = self.receive(subject, lat, lon)
                    self.assertEqual(case.district_id, district.pk)
                    expected = self.expected_unit(subject, district)
                    if expected is None:
                        self.assertEqual(case.status, Status.TRIAGE)
                        self.assertEqual(case.unit, self.triage)
                    else:
                        self.assertEqual(case.status, Status.REFERRED)
                        self.assertEqual(case.unit.code, expected)
                        self.assertIsNotNone(case.respond_by)
                        self.assertGreater(case.resolve_by, case.created_at)

    def test_points_outside_the_city_go_to_the_triage_centre(self) -> None:
        for subject in Subject.objects.filter(active=True):
            case = self.receive(subject, 35.0, 52.0)
            self.assertEqual((case.status, case.unit, case.district),
                             (Status.TRIAGE, self.triage, None))

    def test_without_location_organisations_still_get_their_requests(self) -> None:
        for subject in Subject.objects.filter(active=True):
            case = self.receive(subject, None, None)
            expected = self.expected_unit(subject, None)
            if expected is None:
                self.assertEqual(case.status, Status.TRIAGE)
            else:
                self.assertEqual(case.unit.code, expected)

    def test_an_override_rule_for_a_district_wins_over_the_handler(self) -> None:
        district = District.objects.order_by("number")[0]
        subject = Subject.objects.filter(handler__startswith="district:")[0]
        other = Unit.objects.filter(type="organisation", is_triage=False)[0]
        RoutingRule.objects.create(subject=subject, district=district, unit=other, priority=1)
        from open137.directory.actions import bump_config_version
        bump_config_version()
        lat, lon = inside(district)
        self.assertEqual(self.receive(subject, lat, lon).unit, other)
        second = District.objects.exclude(pk=district.pk).first()
        lat, lon = inside(second)
        self.assertNotEqual(self.receive(subject, lat, lon).unit, other)
