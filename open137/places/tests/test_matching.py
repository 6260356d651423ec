"""How typed addresses are read and compared: pure functions, no database."""

from django.test import SimpleTestCase

from open137.places.matching import (
    distance,
    house_number,
    latin_skeleton,
    name_tokens,
    persian_skeleton,
    read_query,
    similarity,
)


class QueryReadingTests(SimpleTestCase):
    def test_kind_of_place_and_relative_words_are_dropped(self) -> None:
        query = read_query("خیابان شهید بهشتی، نبش کوچه لاله، بعد از میدان، نرسیده به پل")
        self.assertEqual(query.tokens, ("بهشتی", "لاله", "پل"))
        self.assertEqual(query.kinds, frozenset({"خیابان", "کوچه", "میدان"}))

    def test_arabic_letters_digits_and_zwnj_read_as_persian(self) -> None:
        self.assertEqual(read_query("بلوار موذن پلاك ۱۲").tokens,
                         read_query("بلوار موذن پلاک 12").tokens)
        self.assertEqual(read_query("رجایی‌شهر").tokens, read_query("رجايي شهر").tokens)

    def test_a_number_after_plak_is_the_house_number(self) -> None:
        query = read_query("خیابان ۴۵ متری پلاک ۷")
        numbers = [(n.text, marked) for _position, n, marked in query.numbers]
        self.assertEqual(numbers, [("45", False), ("7", True)])

    def test_a_letter_after_a_number_belongs_to_it(self) -> None:
        query = read_query("Kaivokatu 8 B")
        self.assertEqual(query.tokens, ("kaivokatu", "8b"))
        self.assertEqual(query.numbers[0][1].text, "8b")

    def test_latin_accents_fold(self) -> None:
        self.assertEqual(read_query("Töölönkatu").tokens, read_query("toolonkatu").tokens)

    def test_persian_homophones_fold_together(self) -> None:
        self.assertEqual(name_tokens("بلوار مؤذن"), name_tokens("موزن"))
        self.assertEqual(name_tokens("طالقانی"), name_tokens("تالقانی"))

    def test_a_name_made_only_of_kind_words_keeps_them(self) -> None:
        self.assertEqual(name_tokens("میدان"), ["میدان"])

    def test_finnish_street_words_stay_part_of_the_name(self) -> None:
        self.assertEqual(name_tokens("Mannerheimintie"), ["mannerheimintie"])
        self.assertEqual(name_tokens("Aleksanterinkatu"), ["aleksanterinkatu"])

    def test_odd_input_reads_as_nothing_rather_than_failing(self) -> None:
        for text in ["", "   ", "\u202e\u200b\ufeff", "!!!،،؟", "\x00", "x" * 5000,
                     "\ud800", "🙂🙂"]:
            read_query(text)
        self.assertEqual(read_query("،،، !!! ").tokens, ())


class HouseNumberTests(SimpleTestCase):
    def test_numbers_letters_and_ranges(self) -> None:
        self.assertEqual(house_number("8 B").text, "8b")
        self.assertEqual((house_number("14-20").first, house_number("14-20").last), (14, 20))
        self.assertEqual(house_number("۱۲").text, "12")
        self.assertEqual(house_number("2, 2. krs./Floor 2").text, "2")
        self.assertIsNone(house_number("B"))

    def test_a_number_inside_a_range_matches_it(self) -> None:
        self.assertGreater(house_number("16").matches(house_number("14-20")), 0.9)
        self.assertEqual(house_number("22").matches(house_number("14-20")), 0)
        self.assertEqual(house_number("8b").matches(house_number("8b")), 1.0)
        self.assertGreater(house_number("8").matches(house_number("8 a")), 0.9)


class SimilarityTests(SimpleTestCase):
    def test_edit_distance_counts_a_swap_as_one(self) -> None:
        self.assertEqual(distance("mannerheimintie", "mannerheimintei", 2), 1)
        self.assertEqual(distance("kitten", "sitting", 5), 3)
        self.assertEqual(distance("abc", "xyz", 1), 2)

    def test_one_or_two_misspelt_letters_still_match_a_long_name(self) -> None:
        self.assertGreater(similarity("gohardast", "gohardasht"), 0.8)
        self.assertGreater(similarity("aleksantrinkatu", "aleksanterinkatu"), 0.7)
        self.assertEqual(similarity("gohrdst", "gohardasht"), 0.0)

    def test_a_short_name_must_be_spelt_right(self) -> None:
        self.assertEqual(similarity("pol", "pel"), 0.0)

    def test_the_start_of_a_name_matches_when_typing(self) -> None:
        self.assertGreater(similarity("manner", "mannerheimintie", prefix=True), 0.6)
        self.assertEqual(similarity("manner", "mannerheimintie"), 0.0)


class FinglishTests(SimpleTestCase):
    def test_finglish_spellings_share_the_persian_names_skeleton(self) -> None:
        pairs = [("gohardasht", "گوهردشت"), ("moazzen", "موذن"), ("moazen", "مؤذن"),
                 ("daneshkadeh", "دانشکده"), ("mehrshahr", "مهرشهر"), ("golshahr", "گلشهر"),
                 ("hesarak", "حصارک"), ("taleghani", "طالقانی"), ("sepah", "سپاه"),
                 ("azimieh", "عظیمیه"), ("valiasr", "ولیعصر"), ("fardis", "فردیس")]
        for latin, persian in pairs:
            with self.subTest(latin):
                self.assertEqual(latin_skeleton(latin), persian_skeleton(persian))
