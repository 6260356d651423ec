from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase
from django.utils import translation

from open137.directory.citypack import read_pack
from open137.open311.attributes import DATATYPES, answer, localized, questions
from open137.open311.tests import schemas

PROBLEMS = {"code": "problem", "datatype": "multivaluelist", "values": [
    {"key": "late", "name": {"fa": "تأخیر", "en": "Late"}}, {"key": "fare", "name": "Fare"}]}


class QuestionTests(SimpleTestCase):
    def test_texts_follow_the_active_language(self) -> None:
        text = {"fa": "پلاک", "en": "Plate"}
        with translation.override("en"):
            self.assertEqual(localized(text), "Plate")
        with translation.override("fa"):
            self.assertEqual(localized(text), "پلاک")
        self.assertEqual(localized("Plate"), "Plate")
        self.assertEqual(localized(None), "")

    def test_questions_are_ordered_and_defaults_filled_in(self) -> None:
        found = questions([{"code": "b", "order": 2}, {"code": "a", "order": 1}, PROBLEMS])
        self.assertEqual([q.code for q in found], ["a", "b", "problem"])
        self.assertEqual([q.order for q in found], [1, 2, 3])
        self.assertEqual(found[0].datatype, "string")
        self.assertFalse(found[0].required)
        self.assertTrue(found[0].variable)

    def test_the_definition_shape_matches_the_official_schema(self) -> None:
        with translation.override("en"):
            shown = [q.as_open311() for q in questions([PROBLEMS])]
        schemas.validate({"service_code": "bus", "attributes": shown},
                         schemas.SERVICE_DEFINITION)
        self.assertEqual(shown[0]["values"], [{"key": "late", "name": "Late"},
                                              {"key": "fare", "name": "Fare"}])

    def test_a_multiple_choice_takes_several_keys_once_each(self) -> None:
        q = questions([PROBLEMS])[0]
        self.assertEqual(answer(q, ["late", "fare", "late"]), (["late", "fare"], None))
        self.assertEqual(answer(q, ["late,fare"]), (["late", "fare"], None))
        self.assertIsNotNone(answer(q, ["late", "lost"])[1])

    def test_numbers_read_any_digits(self) -> None:
        q = questions([{"code": "n", "datatype": "number"}])[0]
        self.assertEqual(answer(q, ["۱۲"]), (12, None))
        self.assertEqual(answer(q, ["2.5"]), (2.5, None))
        self.assertIsNotNone(answer(q, ["twelve"])[1])
        self.assertIsNotNone(answer(q, ["nan"])[1])

    def test_strings_are_one_line_and_text_keeps_its_lines(self) -> None:
        string, text = questions([{"code": "s"}, {"code": "t", "datatype": "text"}])
        self.assertEqual(answer(string, ["a\nb"]), ("a b", None))
        self.assertEqual(answer(text, ["a\nb"]), ("a\nb", None))
        self.assertIsNotNone(answer(string, ["x" * 201])[1])

    def test_an_unanswered_optional_question_is_simply_absent(self) -> None:
        q = questions([{"code": "s"}])[0]
        self.assertEqual(answer(q, []), (None, None))
        self.assertEqual(answer(q, [""]), (None, None))


class KarajPackQuestionsTests(SimpleTestCase):
    def test_the_transport_subjects_ask_well_formed_questions(self) -> None:
        pack = read_pack(Path(settings.CITYPACKS_DIR) / "karaj")
        subjects = {s.code: s for s in pack.subjects}
        expected = {"taxi": {"plate", "problem", "when"}, "bus": {"line", "vehicle", "problem"},
                    "minibus": {"line", "vehicle", "problem"}, "metro": {"line", "station"},
                    "private-carrier": {"plate", "company"}}
        for code, codes in expected.items():
            raw = list(subjects[code].attributes)
            found = questions(raw)
            with self.subTest(subject=code):
                self.assertEqual({q.code for q in found}, codes)
                self.assertEqual(len(found), len(raw), "a question was dropped as malformed")
                for item, q in zip(sorted(raw, key=lambda a: a["order"]), found, strict=True):
                    self.assertIn(item["datatype"], DATATYPES)
                    self.assertEqual(q.datatype, item["datatype"])
                    self.assertEqual(set(item["description"]), {"fa", "en"})
        self.assertTrue(any(q.required for q in questions(list(subjects["bus"].attributes))))
