"""Photos are fetched with getFile, checked like the portal's uploads and stored with the
request: a file that is no image or is too large is refused with a sentence, a platform
that fails is asked again, and the same photo sent twice is kept once."""

from django.test import override_settings

from open137.cases.models import Case
from open137.core.testing import image, pixels
from open137.messenger.models import DraftPhoto
from open137.messenger.testing import PNG, TIMEOUT
from open137.messenger.tests.helpers import MessengerTestCase

JPEG = image("JPEG")


class PhotoTests(MessengerTestCase):
    def at_photos(self) -> None:
        self.act(self.citizen.says("/new"))
        [subjects] = self.act(self.citizen.says("آسفالت کوچه خراب شده و چاله دارد"))
        place = self.act(self.citizen.presses(self.button(subjects, "s:")))[-1]
        self.act(self.citizen.says(place.keyboard[1]))  # the place is not known

    def test_photos_and_images_sent_as_files_are_kept_with_their_real_type(self) -> None:
        self.at_photos()
        self.act(self.citizen.sends_photo(JPEG))
        self.act(self.citizen.sends_photo(PNG, as_file=True, mime="image/png"))
        kept = list(DraftPhoto.objects.order_by("pk"))
        self.assertEqual([p.content_type for p in kept], ["image/jpeg", "image/png"])
        self.assertEqual(kept[0].file.read()[:3], b"\xff\xd8\xff")  # encoded afresh
        self.assertEqual(len(self.platform.attempts("getFile")), 2)

    def test_a_file_that_is_no_image_is_refused(self) -> None:
        self.at_photos()
        [answer] = self.act(self.citizen.sends_photo(b"%PDF-1.4 not an image"))
        self.assertIn("JPEG", answer.text)
        self.assertFalse(DraftPhoto.objects.exists())

    @override_settings(UPLOAD_MAX_BYTES=100)
    def test_a_photo_larger_than_the_limit_is_refused_without_fetching_it(self) -> None:
        self.at_photos()
        self.act(self.citizen.sends_photo(JPEG))
        self.assertFalse(DraftPhoto.objects.exists())
        self.assertEqual(self.platform.attempts("getFile"), [])

    def test_a_platform_that_fails_is_asked_again(self) -> None:
        self.at_photos()
        self.platform.fail("getFile", 502, TIMEOUT)
        self.act(self.citizen.sends_photo(PNG))
        self.assertEqual(DraftPhoto.objects.count(), 1)
        self.assertEqual(len(self.platform.attempts("getFile")), 3)

    def test_a_platform_that_keeps_failing_is_explained(self) -> None:
        self.at_photos()
        self.platform.fail("getFile", 500, 500, 500)
        with self.assertLogs("open137.messenger.photos", "WARNING"):
            [answer] = self.act(self.citizen.sends_photo(PNG))
        self.assertFalse(DraftPhoto.objects.exists())
        self.assertTrue(answer.text)

    def test_the_same_photo_twice_is_kept_once(self) -> None:
        self.at_photos()
        update = self.citizen.sends_photo(PNG)
        self.act(update)
        again = self.platform.deliver({"message": {**update["message"], "message_id": 999}})
        self.act(again)
        self.assertEqual(DraftPhoto.objects.count(), 1)

    def test_the_kept_photos_become_the_request_s_attachments(self) -> None:
        self.at_photos()
        self.act(self.citizen.sends_photo(PNG))
        self.act(self.citizen.sends_photo(JPEG))
        self.assertEqual(DraftPhoto.objects.count(), 2)
        prompt = [c for c in self.citizen.inbox() if c.keyboard][-1]
        phone = self.act(self.citizen.says(prompt.keyboard[0]))[-1]  # next
        summary = self.act(self.citizen.says(phone.keyboard[1]))[-1]  # no phone
        self.act(self.citizen.says(summary.keyboard[0]))  # send
        case = Case.objects.get()
        self.assertEqual(sorted(pixels(a.file.read())[:2] for a in case.attachments.all()),
                         sorted([pixels(PNG)[:2], pixels(JPEG)[:2]]))
        self.assertEqual({a.content_type for a in case.attachments.all()},
                         {"image/png", "image/jpeg"})
        self.assertFalse(DraftPhoto.objects.exists())
