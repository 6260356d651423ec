"""Every uploaded photo is decoded under a pixel limit and kept as a fresh encoding: no
metadata (the GPS position of the citizen's home), nothing hidden behind an image header."""

import io
import shutil
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.utils.translation import override
from PIL import Image

from open137.cases.models import Case
from open137.core.testing import gps_exif, huge_png, image, pixels, png_header
from open137.core.uploads import PhotosField, clean_photo
from open137.portal.tests.helpers import PortalTestCase


def exif_of(content: bytes) -> dict[int, object]:
    with Image.open(io.BytesIO(content)) as picture:
        return dict(picture.getexif())


class CleanPhotoTests(SimpleTestCase):
    def refused(self, content: bytes) -> ValidationError:
        with override("en"), self.assertRaises(ValidationError) as raised:
            clean_photo(content, name="x.png")
        return raised.exception

    def test_a_jpeg_or_png_with_the_cameras_gps_position_comes_out_without_it(self) -> None:
        for fmt in ("JPEG", "PNG", "WEBP"):
            with self.subTest(fmt=fmt):
                sent = image(fmt, exif=gps_exif())
                self.assertIn(0x8825, exif_of(sent))  # GPSInfo
                kept = clean_photo(sent).read()
                self.assertEqual(exif_of(kept), {})
                self.assertNotIn(b"PhoneMaker", kept)
                self.assertEqual(pixels(kept)[:2], pixels(sent)[:2])

    def test_a_huge_picture_in_a_few_megabytes_is_refused_from_its_header(self) -> None:
        bomb = huge_png(60000, 60000, megabytes=3)
        self.assertLess(len(bomb), 5 * 1024 * 1024)
        # Decoding it would need 60000 x 60000 x 3 bytes (10 GB); the header is enough.
        self.assertEqual(self.refused(bomb).code, "too_many_pixels")
        self.assertIn("40 megapixels", self.refused(bomb).messages[0])

    @override_settings(UPLOAD_MAX_PIXELS=100)
    def test_the_pixel_limit_is_a_setting(self) -> None:
        self.assertEqual(self.refused(image("PNG", size=(11, 10))).code, "too_many_pixels")
        self.assertTrue(clean_photo(image("PNG", size=(10, 10))))

    def test_a_png_header_followed_by_script_is_refused(self) -> None:
        for content in (b"\x89PNG\r\n\x1a\n<script>alert(document.cookie)</script>" * 3,
                        png_header(100, 100, b"<script>alert(document.cookie)</script>")):
            with self.subTest(content=content[:20]):
                self.assertEqual(self.refused(content).code, "damaged")

    def test_script_hidden_after_a_real_picture_is_not_kept(self) -> None:
        sent = image("PNG") + b"<script>alert(document.cookie)</script>"
        kept = clean_photo(sent).read()
        self.assertNotIn(b"<script>", kept)
        self.assertEqual(pixels(kept), pixels(image("PNG")))

    def test_anything_else_is_refused_by_its_content_not_its_name(self) -> None:
        for content in (b"%PDF-1.7 ...", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b""):
            self.assertEqual(self.refused(content).code, "not_image")

    def test_each_format_is_kept_as_a_jpeg_png_or_webp(self) -> None:
        for fmt, kept in (("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"),
                          ("GIF", "image/png")):
            with self.subTest(fmt=fmt):
                photo = clean_photo(image(fmt))
                self.assertEqual(photo.content_type, kept)
                self.assertEqual(pixels(photo.read())[0], kept.split("/")[1].upper())

    def test_the_form_field_takes_a_few_photos_and_names_the_limit(self) -> None:
        field = PhotosField(most=2, required=False)
        sent = [SimpleUploadedFile(f"{i}.bin", image("JPEG", exif=gps_exif())) for i in range(2)]
        self.assertEqual([p.content_type for p in field.clean(sent)], ["image/jpeg"] * 2)
        with override("en"), self.assertRaisesMessage(ValidationError, "at most 2 photos"):
            field.clean([*sent, sent[0]])


MEDIA = tempfile.mkdtemp(prefix="open137-upload-media-")


@override_settings(MEDIA_ROOT=MEDIA)
class PortalPhotoTests(PortalTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(MEDIA, ignore_errors=True)
        super().tearDownClass()

    def test_a_citizens_photo_is_stored_without_the_position_of_their_home(self) -> None:
        sent = SimpleUploadedFile("IMG_0001.jpg", image("JPEG", exif=gps_exif()))
        self.assertRedirects(self.client.post("/", self.form(photos=[sent])), "/submitted/")
        [stored] = Case.objects.get().attachments.all()
        content = stored.file.read()
        self.assertEqual(exif_of(content), {})
        self.assertNotIn(b"PhoneMaker", content)
        self.assertEqual(stored.content_type, "image/jpeg")

    def test_a_bomb_or_a_script_is_refused_with_a_clear_message(self) -> None:
        self.in_english()
        for name, content, message in (
                ("big.png", huge_png(60000, 60000, megabytes=1), "megapixels"),
                ("x.png", png_header(10, 10, b"<script>alert(1)</script>"), "damaged")):
            response = self.client.post("/", self.form(
                photos=[SimpleUploadedFile(name, content)]))
            self.assertEqual(response.status_code, 200)
            self.assertIn(message, response.context["form"].errors["photos"][0])
        self.assertFalse(Case.objects.exists())
