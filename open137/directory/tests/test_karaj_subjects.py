"""The Karaj pack's subjects: the words callers use, the subjects a 137 operator expects."""

import os
from pathlib import Path

import yaml
from django.conf import settings
from django.test import SimpleTestCase, TestCase

from open137.directory.actions import load_city
from open137.directory.citypack import read_pack
from open137.directory.models import Subject
from open137.directory.search import find_subjects

KARAJ = Path(settings.BASE_DIR) / "citypacks" / "karaj"


def shared_taxonomy() -> Path:
    """The published Karaj taxonomy beside the repository, which integrators' codes follow."""
    real = os.environ.get("OPEN137_REAL_DATA", "")
    root = Path(real).parent if real else Path(settings.BASE_DIR).parent / "shared" / "data"
    return root / "taxonomy-karaj.yaml"


class KarajPackTests(SimpleTestCase):
    def test_every_subject_has_the_words_callers_use(self) -> None:
        for subject in read_pack(KARAJ).subjects:
            self.assertGreaterEqual(len(subject.synonyms), 3, subject.code)

    def test_the_subjects_a_karaj_operator_hears_daily_are_there(self) -> None:
        subjects = {s.code: s for s in read_pack(KARAJ).subjects}
        for code in ["stray-dogs", "construction-debris", "dead-animal", "pests",
                     "street-light", "illegal-construction", "tree-pruning", "traffic-light",
                     "obstruction", "flooding"]:
            self.assertIn(code, subjects)
        self.assertEqual(subjects["stray-dogs"].fa, "سگ‌های ولگرد")
        self.assertEqual(subjects["construction-debris"].fa, "نخاله‌های ساختمانی")

    def test_the_cemetery_is_karajs_behesht_e_sakineh(self) -> None:
        cemetery = next(s for s in read_pack(KARAJ).subjects if s.code == "cemetery")
        self.assertIn("بهشت سکینه", cemetery.fa)
        self.assertNotIn("زهرا", cemetery.fa)

    def test_the_published_taxonomy_codes_still_name_the_same_subjects(self) -> None:
        path = shared_taxonomy()
        if not path.exists():
            self.skipTest("the published taxonomy is not beside the repository")
        published = yaml.safe_load(path.read_text(encoding="utf-8"))["categories"]
        ours = {s.code: s for s in read_pack(KARAJ).subjects}
        for category in published:
            self.assertIn(category["code"], ours)
            self.assertEqual(ours[category["code"]].handler, category["handler"],
                             category["code"])


class CallersWordsSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_city(KARAJ)

    def codes(self, query: str) -> list[str]:
        return [m.subject.code for m in find_subjects(query)]

    def test_an_operator_finds_asphalt_by_the_words_callers_say(self) -> None:
        for words in ["چاله", "دست‌انداز", "دست انداز", "دست‌اندازِ", "خرابی آسفالت",
                      "asphalt", "pothole", "Pothole", "چالە"]:
            self.assertEqual(self.codes(words)[:1], ["asphalt"], words)

    def test_the_new_subjects_are_found_by_their_everyday_names(self) -> None:
        expected = {"سگ ولگرد": "stray-dogs", "نخاله": "construction-debris",
                    "لاشه گربه": "dead-animal", "موش": "pests", "سم پاشی": "pests",
                    "کوچه تاریک": "street-light", "بدون مجوز": "illegal-construction",
                    "درخت افتاده": "tree-pruning", "چراغ قرمز": "traffic-light",
                    "دستفروش": "obstruction", "آب جمع شده": "flooding",
                    "بهشت سکینه": "cemetery"}
        for words, code in expected.items():
            self.assertEqual(self.codes(words)[:1], [code], words)

    def test_the_synonym_that_matched_is_told_only_when_no_name_explains_it(self) -> None:
        match = find_subjects("چاله")[0]
        self.assertEqual((match.subject.code, match.synonym), ("asphalt", "چاله"))
        self.assertEqual(find_subjects("آسفالت")[0].synonym, "")

    def test_a_subject_switched_off_is_not_found_by_its_synonyms(self) -> None:
        Subject.objects.filter(code="asphalt").update(active=False)
        self.assertNotIn("asphalt", self.codes("چاله"))
