from django.test import SimpleTestCase

from open137.core.text import latin_digits, normalize_text, persian_digits, search_key


class NormaliseTextTests(SimpleTestCase):
    def test_arabic_yeh_and_kaf_become_persian(self) -> None:
        self.assertEqual(normalize_text("كرج خيابان علي"), "کرج خیابان علی")

    def test_persian_and_arabic_digits_become_latin(self) -> None:
        self.assertEqual(normalize_text("کوچه ۱۲ پلاک ٣٤"), "کوچه 12 پلاک 34")
        self.assertEqual(latin_digits("۰۹۱۲"), "0912")

    def test_latin_digits_show_persian(self) -> None:
        self.assertEqual(persian_digits("1405/01/13"), "۱۴۰۵/۰۱/۱۳")

    def test_diacritics_and_tatweel_are_removed(self) -> None:
        self.assertEqual(normalize_text("شـــهرداری مُحترَم"), "شهرداری محترم")

    def test_zero_width_non_joiner_is_cleaned_up(self) -> None:
        self.assertEqual(normalize_text("می\u200c\u200cشود"), "می\u200cشود")
        self.assertEqual(normalize_text("خانه \u200c ها"), "خانه ها")
        self.assertEqual(normalize_text("\u200cسلام\u200c"), "سلام")

    def test_invisible_marks_and_extra_spaces_are_removed(self) -> None:
        self.assertEqual(normalize_text("  سلام\u200f   دنیا\u00a0 "), "سلام دنیا")

    def test_empty_text_stays_empty(self) -> None:
        self.assertEqual(normalize_text(""), "")

    def test_hamzeh_and_hamza_letters_are_kept_as_written(self) -> None:
        for text in ["برنامهٔ کار", "خانۀ من", "مسئول", "مؤسسه", "رأی", "تأخیر"]:
            self.assertEqual(normalize_text(text), text)
        self.assertEqual(normalize_text("برنامهـٔ"), "برنامهٔ")

    def test_search_key_reads_hamza_forms_as_bare_letters(self) -> None:
        self.assertEqual(search_key("برنامهٔ کار"), search_key("برنامه کار"))
        self.assertEqual(search_key("خانۀ مسئول"), search_key("خانه مسیول"))

    def test_search_key_treats_letter_variants_and_zwnj_as_equal(self) -> None:
        self.assertEqual(search_key("جمع‌آوری زباله"), search_key("جمع آوري زباله"))
        self.assertEqual(search_key("Snow CLEARING"), "snow clearing")
