import io
import re
from datetime import datetime, timedelta
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from open137.cases import actions as cases
from open137.cases.models import Channel
from open137.cases.testing import CityTestCase
from open137.intelligence import classifier, training
from open137.intelligence.testing import small_pack, temporary_folder


class ConfirmedExampleTests(CityTestCase):
    def test_requests_whose_subject_a_person_at_the_centre_chose_or_checked_count(self) -> None:
        by_phone = self.new_case(description="یک متن تازه برای آموزش")
        by_web = self.new_case(channel=Channel.WEB, by=None, description="متن وب بدون بررسی")
        re_referred = self.new_case(channel=Channel.WEB, by=None, description="متن وب بررسی شده")
        cases.return_case(re_referred, reason="مال ما نیست", by=self.charlie)
        cases.refer_case(re_referred, unit=self.other_unit, by=self.bob)
        returned = self.new_case(description="متنی که برگشت خورده")
        cases.return_case(returned, reason="مال ما نیست", by=self.charlie)
        found = dict(training.confirmed_examples())
        self.assertIn(by_phone.description, found)
        self.assertIn(re_referred.description, found)
        self.assertNotIn(by_web.description, found)
        self.assertNotIn(returned.description, found)
        self.assertEqual(found[by_phone.description], self.works_subject.code)

    def test_a_text_counts_once_and_the_packs_label_comes_first(self) -> None:
        pack_text, pack_code = training.pack_examples()[0]
        self.new_case(description=pack_text)
        self.new_case(description="یک متن تازه برای آموزش")
        self.new_case(description="يك متن تازه براي آموزش")
        examples = training.training_examples()
        self.assertEqual(examples.confirmed, 1)
        self.assertEqual(examples.labels[examples.texts.index(pack_text)], pack_code)
        self.assertEqual(len(examples), examples.pack + 1)


class TrainCommandTests(CityTestCase):
    def setUp(self) -> None:
        self.data = temporary_folder("open137-data-")
        self.pack = small_pack()
        self.overridden = override_settings(DATA_DIR=self.data, CITY_PACK=str(self.pack))
        self.overridden.enable()

    def tearDown(self) -> None:
        self.overridden.disable()

    def test_train_classifier_reports_cross_validated_accuracy_and_saves_a_version(self) -> None:
        report = self.data / "report.md"
        out = io.StringIO()
        call_command("train_classifier", "--report", str(report), stdout=out)
        text = report.read_text(encoding="utf-8")
        self.assertIn("open137 train_classifier", text)
        top1 = float(re.search(r"top-1 accuracy \| \*\*([0-9.]+)", text).group(1))  # type: ignore[union-attr]
        top3 = float(re.search(r"top-3 accuracy \| \*\*([0-9.]+)", text).group(1))  # type: ignore[union-attr]
        self.assertGreaterEqual(top1, 0.85)
        self.assertGreaterEqual(top3, 0.95)
        self.assertIn("## Per subject", text)
        meta = classifier.current_meta()
        assert meta is not None
        self.assertEqual(meta["version"], 1)
        self.assertEqual(meta["cv"]["folds"], 5)
        self.assertAlmostEqual(meta["cv"]["top1"], top1, places=3)
        self.assertIn("Saved classifier version 1", out.getvalue())

    def test_train_classifier_can_skip_the_measurement(self) -> None:
        call_command("train_classifier", "--no-cv", stdout=io.StringIO())
        meta = classifier.current_meta()
        assert meta is not None
        self.assertIsNone(meta["cv"])
        call_command("train_classifier", "--no-cv", stdout=io.StringIO())
        self.assertEqual(classifier.latest_version(), 2)

    def test_classify_prints_code_name_and_score(self) -> None:
        out = io.StringIO()
        code = training.pack_examples(Path(self.pack))[0][1]
        text = training.pack_examples(Path(self.pack))[0][0]
        call_command("classify", text, stdout=out, stderr=io.StringIO())
        first = out.getvalue().splitlines()[0].split("\t")
        self.assertEqual(first[0], code)
        self.assertTrue(first[1])
        self.assertTrue(0.0 <= float(first[2]) <= 1.0)

    def test_the_benchmark_prints_percentiles(self) -> None:
        out = io.StringIO()
        call_command("bench_classifier", "--runs", "20", stdout=out)
        self.assertIn("p50", out.getvalue())
        self.assertIn("p99", out.getvalue())


class RetrainingTests(CityTestCase):
    def setUp(self) -> None:
        self.overridden = override_settings(DATA_DIR=temporary_folder("open137-data-"),
                                          CITY_PACK=str(small_pack()),
                                          CLASSIFIER_RETRAIN_MIN_NEW=2)
        self.overridden.enable()

    def tearDown(self) -> None:
        self.overridden.disable()

    def test_a_model_is_trained_when_there_is_none(self) -> None:
        self.assertEqual(training.retrain_if_needed(), "version 1")

    def test_it_waits_for_enough_newly_confirmed_requests_and_a_night(self) -> None:
        long_ago = timezone.now() - timedelta(days=2)
        training.retrain_if_needed(now=long_ago)
        self.new_case(description="درخواست تازه‌ی تأیید شده")
        self.assertIn("fewer than 2", training.retrain_if_needed())
        self.new_case(description="یک درخواست تأیید شده‌ی دیگر")
        self.assertEqual(training.retrain_if_needed(), "version 2")
        self.assertIn("recent", training.retrain_if_needed())
        meta = classifier.current_meta()
        assert meta is not None
        self.assertEqual(meta["examples"]["confirmed"], 2)

    def test_the_worker_job_retrains_only_at_night(self) -> None:
        from open137.intelligence.jobs import retrain_classifier
        from open137.notifications.jobs import registered

        self.assertIn("intelligence.retrain_classifier", [job.name for job in registered()])
        noon = timezone.make_aware(datetime(2025, 1, 5, 12, 0))
        self.assertEqual(retrain_classifier(noon), "waiting for the night")
        night = timezone.make_aware(datetime(2025, 1, 5, 3, 0))
        self.assertEqual(retrain_classifier(night), "version 1")
