from datetime import date, datetime, timedelta

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.utils import timezone
from django.utils.translation import override

from open137.cases import actions
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Status
from open137.core.errors import InvalidInput
from open137.core.uploads import image_type
from open137.desk.clocks import clocks_for, remaining, span
from open137.desk.forms import parse_any_date
from open137.desk.subjects import search_subjects


class DateInputTests(SimpleTestCase):
    def test_jalali_dates_are_read_in_any_digits_and_separators(self) -> None:
        for typed in ["۱۴۰۵/۰۲/۱۵", "1405/2/15", "١٤٠٥-٠٢-١٥", " 1405.02.15 "]:
            with self.subTest(typed=typed):
                self.assertEqual(parse_any_date(typed), date(2026, 5, 5))

    def test_gregorian_dates_are_read_too(self) -> None:
        self.assertEqual(parse_any_date("2026-05-05"), date(2026, 5, 5))

    def test_malformed_and_impossible_dates_are_refused(self) -> None:
        for typed in ["", "tomorrow", "1405/02", "1405/13/01", "1405/12/31", "2026-02-30"]:
            with self.subTest(typed=typed), self.assertRaises(forms.ValidationError):
                parse_any_date(typed)


class ImageTypeTests(SimpleTestCase):
    def test_images_are_known_by_their_first_bytes(self) -> None:
        self.assertEqual(image_type(b"\xff\xd8\xff\xe0\x00\x10JFIF"), "image/jpeg")
        self.assertEqual(image_type(b"\x89PNG\r\n\x1a\n\x00\x00"), "image/png")
        self.assertEqual(image_type(b"GIF89a\x01\x00"), "image/gif")
        self.assertEqual(image_type(b"RIFF\x24\x00\x00\x00WEBPVP8 "), "image/webp")

    def test_anything_else_is_not_an_image(self) -> None:
        for head in [b"", b"%PDF-1.7", b"MZ\x90\x00", b"<svg xmlns=", b"RIFF\x24\x00\x00\x00WAVE"]:
            with self.subTest(head=head):
                self.assertIsNone(image_type(head))


class ClockTests(CityTestCase):
    def test_spans_read_in_days_hours_or_minutes(self) -> None:
        with override("en"):
            self.assertEqual(span(timedelta(days=2, hours=3, minutes=5)), "2 days and 3 hours")
            self.assertEqual(span(timedelta(hours=5, minutes=7)), "5 hours and 7 minutes")
            self.assertEqual(span(timedelta(minutes=42)), "42 minutes")
            now = datetime(2026, 1, 1, 12, tzinfo=timezone.get_current_timezone())
            self.assertEqual(remaining(now + timedelta(hours=2), now),
                             ("2 hours and 0 minutes left", False))
            self.assertEqual(remaining(now - timedelta(minutes=30), now),
                             ("overdue by 30 minutes", True))

    def test_clocks_run_while_the_unit_works_and_stop_when_it_is_done(self) -> None:
        case = self.new_case()
        now = timezone.now()
        self.assertEqual(len(clocks_for(case, now)), 2)
        self.assertFalse(any(c.overdue for c in clocks_for(case, now)))
        later = now + timedelta(days=60)
        self.assertTrue(all(c.overdue for c in clocks_for(case, later)))
        case.responded_at = now
        self.assertEqual(len(clocks_for(case, now)), 1)
        case.status = Status.RESOLVED
        self.assertEqual(clocks_for(case, now), [])


class SubjectSearchUnitTests(CityTestCase):
    def test_every_typed_word_must_match_and_names_rank_before_synonyms(self) -> None:
        found = search_subjects("garbage collection")
        self.assertEqual([s.code for s in found], ["garbage"])
        self.assertEqual(search_subjects("garbage metro"), [])
        self.assertLessEqual(len(search_subjects("a", limit=3)), 3)


class AddAttachmentTests(CityTestCase):
    def test_a_photo_is_a_file_or_an_address_never_both_nor_neither(self) -> None:
        case = self.new_case()
        with self.assertRaises(InvalidInput):
            actions.add_attachment(case, by=self.charlie)
        with self.assertRaises(InvalidInput):
            actions.add_attachment(case, url="https://photos.example/1.jpg", by=self.charlie,
                                   file=SimpleUploadedFile("a.png", b"x"))
        other = self.new_case()
        with self.assertRaises(InvalidInput):
            actions.add_attachment(case, url="https://photos.example/1.jpg", by=self.charlie,
                                   event=other.events.first())
        photo = actions.add_attachment(case, url=" https://photos.example/1.jpg ",
                                       by=self.charlie)
        self.assertEqual((photo.url, photo.added_by, photo.file.name),
                         ("https://photos.example/1.jpg", self.charlie, ""))
