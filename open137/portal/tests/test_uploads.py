import shutil
import tempfile

from django.test import SimpleTestCase, override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from open137.cases.models import Attachment, Case
from open137.core.uploads import image_type
from open137.portal.tests.helpers import JPEG, PNG, PortalTestCase, photo

MEDIA = tempfile.mkdtemp(prefix="open137-portal-media-")


class ImageTypeTests(SimpleTestCase):
    def test_common_image_formats_are_known_by_their_first_bytes(self) -> None:
        self.assertEqual(image_type(JPEG), "image/jpeg")
        self.assertEqual(image_type(PNG), "image/png")
        self.assertEqual(image_type(b"GIF89a" + b"\0" * 10), "image/gif")
        self.assertEqual(image_type(b"RIFF\x10\0\0\0WEBPVP8 "), "image/webp")

    def test_anything_else_is_no_image(self) -> None:
        for head in (b"%PDF-1.7", b"<html>", b"MZ\x90\x00", b"RIFF\0\0\0\0WAVE", b""):
            self.assertIsNone(image_type(head))


@override_settings(MEDIA_ROOT=MEDIA)
class PhotoUploadTests(PortalTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(MEDIA, ignore_errors=True)
        super().tearDownClass()

    def test_photos_are_attached_with_their_real_type(self) -> None:
        form = self.form(photos=[photo("a.png", PNG), photo("b.bin", JPEG)])
        self.assertRedirects(self.client.post("/", form), "/submitted/")
        case = Case.objects.get()
        types = sorted(case.attachments.values_list("content_type", flat=True))
        self.assertEqual(types, ["image/jpeg", "image/png"])
        self.assertTrue(all(a.file.name.startswith(f"cases/{case.tracking_code}/")
                            for a in case.attachments.all()))

    def test_a_file_named_jpg_that_is_not_an_image_is_refused_by_its_content(self) -> None:
        self.in_english()
        fake = photo("pothole.jpg", b"<?php echo 'not a photo'; ?>" * 4)
        response = self.client.post("/", self.form(photos=[fake]))
        self.assertEqual(list(response.context["form"].errors), ["photos"])
        self.assertContains(response, "The file “pothole.jpg” is not a photo; send a JPEG, "
                                      "PNG, WebP or GIF image.")
        self.assertFalse(Case.objects.exists())
        self.assertFalse(Attachment.objects.exists())

    @override_settings(UPLOAD_MAX_BYTES=1024)
    def test_a_photo_over_the_size_limit_is_refused_with_the_limit_in_the_message(self) -> None:
        self.in_english()
        big = photo("big.png", PNG + b"\0" * 2048)
        response = self.client.post("/", self.form(photos=[big]))
        self.assertContains(response, "The photo “big.png” is larger than 1.0\xa0KB; send a "
                                      "smaller one.")
        self.assertFalse(Case.objects.exists())

    @override_settings(UPLOAD_MAX_BYTES=1024)
    def test_the_size_message_is_in_persian_with_persian_digits(self) -> None:
        big = photo("big.png", PNG + b"\0" * 2048)
        response = self.client.post("/", self.form(photos=[big]))
        errors = response.context["form"].errors["photos"]
        self.assertIn("۱", errors[0])
        with translation.override("fa"):
            self.assertTrue(errors[0].startswith(_("The photo “%(name)s” is larger than "
                                                   "%(limit)s; send a smaller one.")
                                                 .split("%(name)s")[0]))

    def test_more_than_three_photos_are_refused(self) -> None:
        response = self.client.post("/", self.form(photos=[photo(f"{i}.png") for i in range(4)]))
        self.assertIn("photos", response.context["form"].errors)
        self.assertFalse(Case.objects.exists())
