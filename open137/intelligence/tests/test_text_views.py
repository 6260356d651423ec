import numpy as np
from django.test import SimpleTestCase
from sklearn.feature_extraction.text import TfidfVectorizer

from open137.intelligence import classifier
from open137.intelligence.features import Folder, canonical, skeleton
from open137.intelligence.scorer import Scorer, char_wb_ngrams

ZWNJ = "\u200c"


class WrittenViewTests(SimpleTestCase):
    folder = Folder.learn(["پیاده‌رو شکسته", "برف‌روبی نشده"])

    def test_arabic_letters_and_digits_read_as_persian_ones(self) -> None:
        self.assertEqual(self.folder("كوچه ي ۱۲"), self.folder("کوچه ی 12"))
        self.assertEqual(self.folder("كوچه ي ۱۲"), self.folder("کوچه ی ١٢"))

    def test_a_zwnj_a_space_or_nothing_before_an_ending_read_the_same(self) -> None:
        for ending in ("ها", "های", "تر", "ترین"):
            variants = {self.folder(f"درخت{ZWNJ}{ending} کوچه"),
                        self.folder(f"درخت {ending} کوچه"),
                        self.folder(f"درخت{ending} کوچه")}
            self.assertEqual(len(variants), 1, ending)

    def test_the_verbal_prefix_joins_its_verb(self) -> None:
        self.assertEqual(self.folder("نمی‌شه"), self.folder("نمی شه"))
        self.assertEqual(self.folder("می‌شه"), self.folder("میشه"))

    def test_a_compound_seen_in_training_joins_however_it_is_written(self) -> None:
        written = {self.folder("پیاده‌رو خرابه"), self.folder("پیاده رو خرابه"),
                   self.folder("پیادهرو خرابه")}
        self.assertEqual(written, {"پیادهرو خرابه"})

    def test_numbers_become_one_token(self) -> None:
        self.assertEqual(self.folder("خیابان ۴۵ متری"), self.folder("خیابان 20 متری"))

    def test_finglish_spellings_of_one_word_fold_together(self) -> None:
        self.assertEqual(self.folder("khiaboon"), self.folder("khiabun"))
        self.assertEqual(self.folder("Ghatar"), self.folder("qatar"))

    def test_punctuation_is_space(self) -> None:
        self.assertEqual(canonical("سلام،  خیابون!!"), "سلام خیابون")


class SoundViewTests(SimpleTestCase):
    def test_finglish_and_persian_script_sound_the_same(self) -> None:
        for latin, persian in [("chale khiaboon", "چاله خیابون"), ("otoboos", "اتوبوس"),
                               ("taxi", "تاکسی"), ("ashghal", "آشغال"), ("jadval", "جدول"),
                               ("derakhta", "درختا"), ("snapp", "اسنپ")]:
            self.assertEqual(skeleton(latin), skeleton(persian), latin)

    def test_letters_that_sound_alike_are_one(self) -> None:
        self.assertEqual(skeleton("آسفالط"), skeleton("آسفالت"))
        self.assertEqual(skeleton("ترمینل"), skeleton("ترمینال"))


class NgramTests(SimpleTestCase):
    def test_the_ngrams_are_the_ones_scikit_learn_counts(self) -> None:
        analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
        for text in ["چاله بزرگ", "a bc def ghij klmno", "x", "خیابون ۱۲"]:
            expected: dict[str, int] = {}
            for gram in analyzer(text):
                expected[gram] = expected.get(gram, 0) + 1
            self.assertEqual(dict(char_wb_ngrams(text.lower(), 2, 5)), expected, text)


class TwoSubjectTests(SimpleTestCase):
    def test_a_city_with_two_subjects_gets_the_same_answers_from_the_scorer(self) -> None:
        texts = ["چاله خیابون", "آسفالت خرابه", "کوچه چاله داره", "تاکسی کرایه زیاد گرفت",
                 "راننده تاکسی بد بود", "taxi dir kard"]
        labels = ["asphalt"] * 3 + ["taxi"] * 3
        pipeline = classifier.fit(texts, labels)
        probe = ["چاله", "تاکسی", "هیچ"]
        np.testing.assert_allclose(pipeline.predict_proba(probe),
                                   [Scorer(pipeline).probabilities(t) for t in probe], atol=1e-9)
