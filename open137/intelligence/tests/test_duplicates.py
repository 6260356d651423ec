from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from open137.cases import actions
from open137.cases.models import Case
from open137.cases.testing import CityTestCase, inside
from open137.intelligence.duplicates import find_duplicates, haversine_m, text_similarity
from open137.intelligence.models import SubjectTuning

METRE = 1 / 111_320  # degrees of latitude


class DuplicateTests(CityTestCase):
    def setUp(self) -> None:
        self.lat, self.lon = inside(self.district)

    def case_at(self, north_m: float, **kwargs: object) -> Case:
        return self.new_case(lat=self.lat + north_m * METRE, lon=self.lon, **kwargs)

    def find(self, **kwargs: object) -> list[Case]:
        values: dict[str, object] = {"subject": self.works_subject, "lat": self.lat,
                                     "lon": self.lon}
        values.update(kwargs)
        return find_duplicates(**values)  # type: ignore[arg-type]

    def test_an_open_request_nearby_on_the_same_subject_is_offered(self) -> None:
        near = self.case_at(100)
        self.assertEqual(self.find(), [near])
        self.assertAlmostEqual(self.find()[0].distance_m, 100, delta=1)  # type: ignore[attr-defined]

    def test_a_request_beyond_the_radius_is_not(self) -> None:
        self.case_at(160)
        self.assertEqual(self.find(), [])

    def test_a_request_older_than_the_window_is_not(self) -> None:
        self.case_at(20, at=timezone.now() - timedelta(days=15))
        self.assertEqual(self.find(), [])
        self.assertEqual(len(self.find(at=timezone.now() - timedelta(days=10))), 1)

    def test_another_subject_or_a_finished_request_is_not(self) -> None:
        self.case_at(20, subject=self.org_subject)
        done = self.case_at(30)
        actions.resolve_case(done, note="درست شد", by=self.charlie)
        self.assertEqual(self.find(), [])

    def test_the_request_being_recorded_is_left_out(self) -> None:
        own = self.case_at(0)
        self.assertEqual(self.find(exclude_id=own.pk), [])

    def test_nearest_first_and_similar_text_breaks_a_tie(self) -> None:
        far = self.case_at(120, description="چاله بزرگ جلوی نانوایی")
        near_other = self.case_at(10, description="آسفالت کوچه ترک خورده")
        near_same = self.case_at(12, description="چاله عمیق جلوی نانوایی")
        found = self.find(text="یک چاله عمیق جلوی نانوایی هست")
        self.assertEqual(found, [near_same, near_other, far])
        self.assertGreater(found[0].similarity, found[1].similarity)  # type: ignore[attr-defined]

    def test_a_subject_can_have_its_own_radius_and_window(self) -> None:
        self.case_at(300)
        SubjectTuning.objects.create(subject=self.works_subject, radius_m=500)
        self.assertEqual(len(self.find()), 1)
        SubjectTuning.objects.filter(subject=self.works_subject).update(window_days=0)
        self.assertEqual(self.find(at=timezone.now() + timedelta(hours=1)), [])

    @override_settings(DUPLICATE_RADIUS_M=50)
    def test_the_default_radius_comes_from_the_settings(self) -> None:
        self.case_at(80)
        self.assertEqual(self.find(), [])

    def test_without_a_point_nothing_is_offered(self) -> None:
        self.case_at(0)
        self.assertEqual(self.find(lat=None, lon=None), [])

    def test_the_subject_may_be_given_by_its_code(self) -> None:
        near = self.case_at(5)
        self.assertEqual(self.find(subject=self.works_subject.code), [near])
        self.assertEqual(self.find(subject="no-such-subject"), [])


class DistanceAndSimilarityTests(CityTestCase):
    def test_haversine_distance(self) -> None:
        # One minute of latitude is one nautical mile, about 1852 m.
        self.assertAlmostEqual(haversine_m(35.8, 51.0, 35.8 + 1 / 60, 51.0), 1853, delta=5)
        self.assertEqual(haversine_m(35.8, 51.0, 35.8, 51.0), 0)

    def test_text_similarity_ignores_spelling_variants(self) -> None:
        self.assertAlmostEqual(text_similarity("كوچه‌ي ما", "کوچه ی ما"), 1.0)
        self.assertEqual(text_similarity("", "چاله"), 0.0)
        self.assertGreater(text_similarity("چاله بزرگ", "چاله بزرگی"),
                           text_similarity("چاله بزرگ", "تاکسی زرد"))
