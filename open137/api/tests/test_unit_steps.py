import shutil
import tempfile
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from open137.api.tests.base import ApiTestCase
from open137.cases import actions
from open137.cases.models import Case
from open137.core.dates import jalali_iso
from open137.core.testing import gps_exif, image, png_header
from open137.core.text import persian_digits
from open137.directory.models import Unit


class UnitStepTests(ApiTestCase):
    def step(self, user, case: Case, name: str, data: dict | None = None, lang: str = "en"):
        client = self.client_for(user, **{"Accept-Language": lang})
        return client.post(f"/api/v1/requests/{case.pk}/{name}/", data or {}, format="json")

    def test_a_unit_accepts_and_resolves_and_each_step_answers_the_request(self) -> None:
        case = self.new_case()
        accepted = self.step(self.charlie, case, "accept")
        self.assertEqual(accepted.status_code, 200, accepted.content)
        self.assertEqual(accepted.json()["status"], "in_progress")
        resolved = self.step(self.charlie, case, "resolve", {"note": "آسفالت شد"})
        self.assertEqual(resolved.json()["status"], "resolved")
        self.assertEqual(resolved.json()["result_note"], "آسفالت شد")
        self.assertEqual(resolved.json()["events"][-1]["step"], "resolve")

    def test_a_unit_returns_a_request_that_is_not_its_own(self) -> None:
        case = self.new_case()
        answer = self.step(self.charlie, case, "return", {"reason": "مربوط به آب و فاضلاب است"})
        self.assertEqual(answer.json()["status"], "returned")
        self.assertEqual(answer.json()["unit_code"], Unit.objects.get(is_triage=True).code)

    def test_a_plan_takes_a_jalali_date_in_persian_digits(self) -> None:
        case = self.new_case()
        when = timezone.localdate() + timedelta(days=90)
        answer = self.step(self.charlie, case, "plan", {
            "reason": "budget", "expected_date": persian_digits(jalali_iso(when).replace("-", "/")),
        })
        self.assertEqual(answer.status_code, 200, answer.content)
        self.assertEqual(answer.json()["status"], "planned")
        self.assertEqual(answer.json()["planned_reason"], "budget")
        self.assertEqual(answer.json()["expected_date"], when.isoformat())

    def test_a_plan_takes_an_iso_date_too(self) -> None:
        case = self.new_case()
        when = timezone.localdate() + timedelta(days=30)
        answer = self.step(self.charlie, case, "plan", {"reason": "council_approval",
                                                        "expected_date": when.isoformat()})
        self.assertEqual(answer.json()["expected_date"], when.isoformat())

    def test_a_unit_rejects_with_a_reason(self) -> None:
        case = self.new_case()
        answer = self.step(self.charlie, case, "reject", {"reason": "ملک خصوصی است"})
        self.assertEqual(answer.json()["status"], "rejected")

    def test_a_supervisor_refers_to_another_unit(self) -> None:
        case = self.new_case()
        answer = self.step(self.bob, case, "refer", {"unit_code": self.other_unit.code})
        self.assertEqual(answer.json()["status"], "referred")
        self.assertEqual(answer.json()["unit_code"], self.other_unit.code)

    def test_missing_or_bad_input_is_400_on_the_field_in_the_callers_language(self) -> None:
        case = self.new_case()
        later = (timezone.localdate() + timedelta(days=9)).isoformat()
        cases = [
            (self.charlie, "resolve", {}, "note"),
            (self.charlie, "resolve", {"note": "  "}, "note"),
            (self.charlie, "return", {}, "reason"),
            (self.charlie, "reject", {"reason": ""}, "reason"),
            (self.charlie, "plan", {"reason": "someday", "expected_date": later}, "reason"),
            (self.charlie, "plan", {"reason": "budget"}, "expected_date"),
            (self.charlie, "plan", {"reason": "budget", "expected_date": "soon"},
             "expected_date"),
            (self.charlie, "plan", {"reason": "budget", "expected_date": "2020-01-01"},
             "expected_date"),
            (self.charlie, "plan", {"reason": "budget", "expected_date": "1400/01/01"},
             "expected_date"),
            (self.charlie, "plan", {"reason": "budget", "expected_date": "1405/12/31"},
             "expected_date"),
            (self.bob, "refer", {"unit_code": "nobody"}, "unit_code"),
            (self.bob, "refer", {"unit_code": self.unit.code}, "unit_code"),
            (self.bob, "refer", {}, "unit_code"),
        ]
        for user, name, data, field in cases:
            with self.subTest(name=name, data=data):
                answer = self.step(user, case, name, data)
                self.assertEqual(answer.status_code, 400, answer.content)
                self.assertEqual(list(answer.json()), [field])
        case.refresh_from_db()
        self.assertEqual(case.status, "referred")

    def test_field_errors_are_whole_sentences_in_persian_by_default(self) -> None:
        case = self.new_case()
        fa = self.step(self.charlie, case, "resolve", {}, lang="fa").json()["note"][0]
        en = self.step(self.charlie, case, "resolve", {}, lang="en").json()["note"][0]
        self.assertEqual(en, "Write what was done; the citizen will read it.")
        self.assertNotEqual(fa, en)
        self.assertRegex(fa, "[\u0600-\u06ff]")

    def test_a_step_the_status_does_not_allow_is_409_with_the_reason(self) -> None:
        case = self.new_case()
        actions.resolve_case(case, note="انجام شد", by=self.charlie)
        answer = self.step(self.bob, case, "accept")
        self.assertEqual(answer.status_code, 409)
        self.assertIn("resolved", answer.json()["detail"])

    def test_who_may_see_but_not_act_is_403(self) -> None:
        case = self.new_case()
        for user, name in [(self.erin, "accept"), (self.ivan, "accept"), (self.alice, "accept"),
                           (self.charlie, "refer")]:
            with self.subTest(user=user.username, name=name):
                answer = self.step(user, case, name, {"unit_code": self.other_unit.code})
                self.assertEqual(answer.status_code, 403)
        actions.return_case(case, reason="مال ما نیست", by=self.charlie)
        self.assertEqual(self.step(self.charlie, case, "accept").status_code, 403)

    def test_another_units_request_is_404_for_every_step(self) -> None:
        case = self.new_case()
        for name in ("accept", "resolve", "return", "plan", "reject", "refer"):
            with self.subTest(name=name):
                self.assertEqual(self.step(self.dave, case, name, {"note": "x"}).status_code,
                                 404)
        case.refresh_from_db()
        self.assertEqual(case.status, "referred")

    def test_without_a_token_no_step_is_taken(self) -> None:
        case = self.new_case()
        self.assertEqual(self.step(None, case, "accept").status_code, 401)


class ResultPhotoTests(ApiTestCase):
    """A unit's app sends its after-photos with the result; each is checked and kept
    without its metadata, or the whole step is refused."""

    def setUp(self) -> None:
        super().setUp()
        media = tempfile.mkdtemp(prefix="api-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))

    def resolve(self, *photos: bytes) -> Any:
        case = self.new_case()
        client = self.client_for(self.charlie, **{"Accept-Language": "en"})
        uploads = [SimpleUploadedFile(f"{i}.jpg", content) for i, content in enumerate(photos)]
        return case, client.post(f"/api/v1/requests/{case.pk}/resolve/",
                                 {"note": "آسفالت شد", "photos": uploads}, format="multipart")

    def test_after_photos_are_kept_without_the_cameras_position(self) -> None:
        case, answer = self.resolve(image("JPEG", exif=gps_exif()), image("PNG"))
        self.assertEqual(answer.status_code, 200, answer.content)
        self.assertEqual(answer.json()["status"], "resolved")
        kept = list(case.attachments.order_by("pk"))
        self.assertEqual([a.content_type for a in kept], ["image/jpeg", "image/png"])
        self.assertTrue(all(a.event is not None and a.event.step == "resolve" for a in kept))
        with Image.open(kept[0].file) as picture:
            self.assertEqual(dict(picture.getexif()), {})

    def test_a_file_that_is_no_sound_photo_refuses_the_whole_step(self) -> None:
        case, answer = self.resolve(image("PNG"), png_header(10, 10, b"<script>x</script>"))
        self.assertEqual(answer.status_code, 400, answer.content)
        self.assertIn("damaged", answer.content.decode())
        case.refresh_from_db()
        self.assertNotEqual(case.status, "resolved")
        self.assertFalse(case.attachments.exists())
