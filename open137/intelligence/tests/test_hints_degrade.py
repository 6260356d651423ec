"""A hint that fails is logged and left out: the request is still recorded."""

import tempfile

from django.test import override_settings

from open137.api.classify import suggest_subjects
from open137.cases.testing import CityTestCase
from open137.intelligence import suggest
from open137.intelligence.hints import confident_code, suggest_or
from open137.smsgateway.actions import subject_for, triage_subject


class DegradeTests(CityTestCase):
    """The models folder cannot be read or made (DATA_DIR is a file): no model loads."""

    def setUp(self) -> None:
        not_a_folder = tempfile.NamedTemporaryFile()  # noqa: SIM115 - closed at cleanup
        self.addCleanup(not_a_folder.close)
        settings = override_settings(DATA_DIR=not_a_folder.name)
        settings.enable()
        self.addCleanup(settings.disable)
        suggest.forget()
        self.addCleanup(suggest.forget)

    def test_a_broken_model_gives_no_suggestion_and_is_logged(self) -> None:
        with self.assertLogs("open137.intelligence.hints", "ERROR") as logs:
            self.assertEqual(suggest_or("زباله جمع نشده"), [])
            self.assertIsNone(confident_code("زباله جمع نشده"))
        self.assertIn("failed", "\n".join(logs.output))

    def test_the_api_answers_from_keywords_when_the_model_fails(self) -> None:
        with self.assertLogs("open137.intelligence.hints", "ERROR"):
            codes = [code for code, _score in suggest_subjects("جمع‌آوری زباله")]
        self.assertIn("garbage", codes)

    def test_an_sms_goes_to_triage_when_the_model_fails(self) -> None:
        with self.assertLogs("open137.intelligence.hints", "ERROR"):
            self.assertEqual(subject_for("زباله جمع نشده"), triage_subject())
