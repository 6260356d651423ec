"""A photo posted with a request (the multipart field `media`) is checked like every upload
and served at the request's `media_url`: the image itself, to anyone, for public photos."""

import io
import json
import shutil
import tempfile
from typing import Any
from urllib.parse import urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from open137.cases import actions
from open137.cases.models import Attachment, Case
from open137.cases.photos import public_url
from open137.cases.testing import inside
from open137.core.testing import gps_exif, image, pixels, png_header
from open137.open311.tests.base import Open311TestCase

MEDIA = tempfile.mkdtemp(prefix="open311-media-")


@override_settings(MEDIA_ROOT=MEDIA)
class MediaTests(Open311TestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(MEDIA, ignore_errors=True)
        super().tearDownClass()

    def post_with_photo(self, content: bytes, name: str = "IMG_0001.jpg", **fields: Any) -> Any:
        lat, lon = self.point
        return self.post(service_code=self.works_subject.code, lat=str(lat), long=str(lon),
                         description="چاله بزرگ", media=SimpleUploadedFile(name, content),
                         **fields)

    def setUp(self) -> None:
        super().setUp()
        self.point = inside(self.district)

    def fetch(self, url: str) -> Any:
        return self.client.get(urlsplit(url).path)

    def test_a_photo_posted_as_media_is_served_at_the_requests_media_url(self) -> None:
        sent = image("JPEG", size=(40, 30), exif=gps_exif())
        created = self.post_with_photo(sent)
        self.assertEqual(created.status_code, 201, created.content)
        request_id = json.loads(created.content)[0]["service_request_id"]

        [item] = self.get_json(f"requests/{request_id}.json")
        url = item["media_url"]
        self.assertTrue(url.startswith("http://testserver/photos/"), url)
        photo = self.fetch(url)
        self.assertEqual(photo.status_code, 200)
        self.assertEqual(photo["Content-Type"], "image/jpeg")
        self.assertIn("public", photo["Cache-Control"])
        self.assertEqual(photo["X-Content-Type-Options"], "nosniff")
        body = b"".join(photo.streaming_content)
        self.assertEqual(pixels(body)[:2], ("JPEG", (40, 30)))
        with Image.open(io.BytesIO(body)) as picture:
            self.assertEqual(dict(picture.getexif()), {})  # no GPS position of the home
        # The list and the XML document name the same address.
        listed = self.get_json("requests.json", service_request_id=request_id)
        self.assertEqual(listed[0]["media_url"], url)
        self.assertEqual(self.get_xml(f"requests/{request_id}.xml")
                         .findtext("request/media_url"), url)

    def test_a_media_file_that_is_no_sound_photo_is_refused_with_the_error_document(self
                                                                                   ) -> None:
        for content, words in ((png_header(10, 10, b"<script>alert(1)</script>"), "damaged"),
                               (b"%PDF-1.7", "not a photo")):
            response = self.post_with_photo(content, name="pothole.png")
            self.assertErrorJson(response, 400, words)
        self.assertFalse(Case.objects.exists())
        self.assertFalse(Attachment.objects.exists())

    def test_photo_addresses_cannot_be_guessed_and_nothing_is_listed(self) -> None:
        created = self.post_with_photo(image("PNG"), name="a.png")
        case = Case.objects.get(pk=int(json.loads(created.content)[0]["service_request_id"]))
        photo = case.attachments.get()
        good = public_url(photo)
        self.assertEqual(self.client.get(good).status_code, 200)
        for path in ("/photos/", f"/photos/{photo.pk}.png", f"/photos/{photo.pk}-0000.png",
                     good.replace(".png", ".jpg"), "/media/", f"/media/{photo.file.name}"):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_a_photo_of_a_step_hidden_from_the_citizen_is_not_served(self) -> None:
        case = self.new_case()
        hidden = actions.return_case(case, reason="not ours", by=None)
        self.assertFalse(hidden.public)
        photo = actions.add_attachment(case, file=SimpleUploadedFile(
            "p.png", image("PNG"), content_type="image/png"), by=None, event=hidden)
        self.assertEqual(self.client.get(public_url(photo)).status_code, 404)
