from datetime import timedelta

from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from open137.cases.models import Channel
from open137.cases.testing import CityTestCase
from open137.intelligence.surges import Surge, current_surges, find_surges

SNOW = ("snow-removal", "district-3")


class SurgeRuleTests(SimpleTestCase):
    def test_more_than_three_times_the_usual_is_a_surge(self) -> None:
        found = find_surges({SNOW: 31}, {SNOW: 10.0}, factor=3, minimum=10)
        self.assertEqual(found, [Surge("snow-removal", "district-3", 31, 10.0)])
        self.assertAlmostEqual(found[0].ratio or 0, 3.1)

    def test_three_times_exactly_is_not(self) -> None:
        self.assertEqual(find_surges({SNOW: 30}, {SNOW: 10.0}, factor=3, minimum=10), [])

    def test_a_few_requests_are_never_a_surge_however_rare_the_subject(self) -> None:
        self.assertEqual(find_surges({SNOW: 9}, {}, factor=3, minimum=10), [])
        found = find_surges({SNOW: 10}, {}, factor=3, minimum=10)
        self.assertEqual(len(found), 1)
        self.assertIsNone(found[0].ratio)

    def test_the_biggest_jump_comes_first(self) -> None:
        other = ("flooding", None)
        found = find_surges({SNOW: 40, other: 25}, {SNOW: 10.0, other: 1.0},
                            factor=3, minimum=10)
        self.assertEqual([s.subject_code for s in found], ["flooding", "snow-removal"])


@override_settings(SURGE_FACTOR=3, SURGE_MIN_COUNT=5, SURGE_WINDOW_HOURS=6,
                   SURGE_BASELINE_DAYS=7)
class CurrentSurgeTests(CityTestCase):
    def receive(self, count: int, at_hours_ago: float, **kwargs: object) -> None:
        now = timezone.now()
        for i in range(count):
            self.new_case(channel=Channel.WEB, by=None,
                          at=now - timedelta(hours=at_hours_ago, minutes=i), **kwargs)

    def test_a_burst_on_a_quiet_subject_is_flagged_per_district(self) -> None:
        self.receive(6, at_hours_ago=1)
        # The same hours a day and two days ago: one request each.
        self.receive(1, at_hours_ago=25)
        self.receive(1, at_hours_ago=49)
        found = current_surges()
        self.assertEqual(len(found), 1)
        surge = found[0]
        self.assertEqual((surge.subject_code, surge.district_code),
                         (self.works_subject.code, self.district.code))
        self.assertEqual(surge.count, 6)
        self.assertAlmostEqual(surge.baseline, 2 / 7)

    def test_a_usual_volume_is_not_a_surge(self) -> None:
        self.receive(6, at_hours_ago=1)
        for day in range(1, 8):
            self.receive(2, at_hours_ago=24 * day + 1)
        self.assertEqual(current_surges(), [])

    def test_requests_outside_the_window_do_not_count(self) -> None:
        self.receive(6, at_hours_ago=8)
        self.assertEqual(current_surges(), [])
