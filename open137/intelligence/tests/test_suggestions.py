from unittest import mock

import numpy as np
from django.test import override_settings

from open137.cases.testing import CityTestCase
from open137.directory.models import Subject
from open137.intelligence import classifier, suggest
from open137.intelligence.scorer import Scorer
from open137.intelligence.testing import SharedModel

ZWNJ = "\u200c"

# Written for these tests, not taken from the training files.
VARIANTS = {
    "asphalt": ["چاله‌های بزرگ کوچه ۱۲ ماشین‌ها رو خراب می‌کنه",
                "چاله های بزرگ کوچه 12 ماشین ها رو خراب می کنه",
                "چالههای بزرگ کوچه ١٢ ماشینها رو خراب میکنه",
                "چاله‌هاي بزرگ كوچه ۱۲ ماشين‌ها رو خراب مي‌كنه"],
    "garbage": ["زباله‌های کوچه‌مون از دیروز مونده", "زباله های کوچه مون از دیروز مونده",
                "زبالههای کوچهمون از دیروز مونده", "زباله‌هاي كوچه‌مون از ديروز مونده"],
    "snow-removal": ["برف‌روبی کوچه ۵ انجام نشده", "برف روبی کوچه 5 انجام نشده",
                     "برفروبی کوچه ۵ انجام نشده", "برف‌روبي كوچه ٥ انجام نشده"],
    "bus": ["اتوبوس خط ۲۱۶ نیم ساعت دیر اومد", "اتوبوس خط 216 نیم ساعت دیر اومد",
            "اتوبوس خط ٢١٦ نيم ساعت دير اومد"],
    "public-passage": ["موزاییک‌های پیاده‌رو شکسته", "موزاییک های پیاده رو شکسته",
                       "موزاییکهای پیادهرو شکسته", "موزاييك‌هاي پياده‌رو شكسته"],
}


class SuggestionTests(SharedModel, CityTestCase):
    def test_spelling_variants_get_the_same_suggestion(self) -> None:
        for expected, variants in VARIANTS.items():
            for text in variants:
                self.assertEqual(suggest.suggest(text, k=1)[0][0], expected, text)

    def test_finglish_gets_the_persian_subject(self) -> None:
        self.assertEqual(suggest.suggest("ashghala ro 3 rooze nabordan")[0][0], "garbage")
        self.assertEqual(suggest.suggest("barf koche ro basteh, mashin nemitoone rad beshe")
                         [0][0], "snow-removal")

    def test_suggestions_are_k_active_subjects_best_first_scored_0_to_1(self) -> None:
        found = suggest.suggest("تاکسی زرد کرایه اضافه گرفت", k=5)
        self.assertEqual(len(found), 5)
        scores = [score for _code, score in found]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertTrue(all(0.0 <= s <= 1.0 for s in scores))
        active = set(Subject.objects.filter(active=True).values_list("code", flat=True))
        self.assertTrue({code for code, _s in found} <= active)
        self.assertEqual(found[0][0], "taxi")

    def test_a_subject_switched_off_is_no_longer_suggested(self) -> None:
        taxi = Subject.objects.get(code="taxi")
        taxi.active = False
        taxi.save()
        found = suggest.suggest("تاکسی زرد کرایه اضافه گرفت", k=Subject.objects.count())
        self.assertNotIn("taxi", [code for code, _s in found])
        self.assertAlmostEqual(sum(s for _c, s in found), 1.0, places=6)

    def test_empty_text_or_no_room_gets_nothing(self) -> None:
        self.assertEqual(suggest.suggest(""), [])
        self.assertEqual(suggest.suggest("  ،،  "), [])
        self.assertEqual(suggest.suggest("چاله", k=0), [])

    def test_best_confident_routes_only_above_the_threshold(self) -> None:
        text = "آب گرفتگی شدید زیرگذر، ماشین‌ها توی آب گیر کردن"
        self.assertEqual(suggest.best_confident(text), "flooding")
        with override_settings(CLASSIFIER_MIN_SCORE=1.01):
            self.assertIsNone(suggest.best_confident(text))

    def test_the_quick_scorer_answers_as_the_pipeline_does(self) -> None:
        loaded = suggest.current()
        pipeline, _meta = classifier.load(loaded.version, loaded.folder)
        texts = ["چاله", "barf", "راننده اسنپ بد رفتاری کرد", "", "x y z", "١٢٣"]
        np.testing.assert_allclose(pipeline.predict_proba(texts),
                                   np.array([Scorer(pipeline).probabilities(t) for t in texts]),
                                   atol=1e-9)


class ModelFileTests(SharedModel, CityTestCase):
    def test_first_use_trained_and_saved_a_versioned_model_with_metadata(self) -> None:
        suggest.suggest("چاله")
        folder = classifier.models_dir()
        version = classifier.latest_version(folder)
        assert version is not None
        self.assertTrue(classifier.model_path(version, folder).exists())
        meta = classifier.current_meta(folder)
        assert meta is not None
        self.assertEqual(meta["version"], version)
        self.assertGreater(meta["examples"]["pack"], 1000)
        self.assertIn("trained_at", meta)

    def test_a_newer_saved_version_is_picked_up(self) -> None:
        before = suggest.current()
        pipeline, meta = classifier.load(before.version, before.folder)
        newer = classifier.save(pipeline, {**meta, "note": "copy"}, before.folder)
        with mock.patch.object(suggest, "RECHECK_SECONDS", 0.0):
            self.assertEqual(suggest.current().version, newer)
        self.assertEqual(suggest.current().meta.get("note"), "copy")
