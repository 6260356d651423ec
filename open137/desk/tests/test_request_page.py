import shutil
import tempfile
from datetime import timedelta
from typing import Any

import jdatetime
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from open137.cases import actions
from open137.cases.models import Attachment, Case
from open137.cases.testing import CityTestCase, make_user
from open137.cases.workflow import Status
from open137.core.dates import format_date
from open137.core.testing import image, pixels
from open137.core.text import persian_digits
from open137.directory.models import Staff, Unit

PNG = image("PNG")


class MediaTestCase(CityTestCase):
    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="desk-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.media = override_settings(MEDIA_ROOT=media)
        self.media.enable()
        self.addCleanup(self.media.disable)

    def step(self, case: Case, step: str, **data: Any) -> Any:
        return self.client.post(reverse("desk:step", args=[case.pk, step]), data)


class RequestPageTests(MediaTestCase):
    def test_unit_staff_see_details_contact_timeline_clocks_and_their_steps(self) -> None:
        case = self.new_case(contact_name="مریم", contact_phone="09121234567")
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("desk:request", args=[case.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, persian_digits("09121234567"))
        self.assertContains(response, "مریم")
        self.assertEqual([f.step for f in response.context["forms"]],
                         ["accept", "resolve", "ask", "plan", "return", "reject"])
        self.assertEqual(len(response.context["clocks"]), 2)
        # Jalali times in Persian digits.
        with override("fa"):
            received = format_date(case.created_at, with_time=True)
        self.assertIn(persian_digits(str(jdatetime.date.today().year)), received)
        self.assertContains(response, f'data-testid="received">{received}<')

    def test_in_english_the_dates_are_gregorian(self) -> None:
        case = self.new_case()
        self.client.force_login(self.charlie)
        self.client.cookies["django_language"] = "en"
        response = self.client.get(reverse("desk:request", args=[case.pk]))
        self.assertContains(response, timezone.localdate().strftime("%Y-%m-%d"))
        self.assertContains(response, 'dir="ltr"')

    def test_staff_of_another_unit_get_404_for_the_page_and_its_steps(self) -> None:
        case = self.new_case()
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(reverse("desk:request", args=[case.pk])).status_code,
                         404)
        self.assertEqual(self.step(case, "accept").status_code, 404)
        case.refresh_from_db()
        self.assertEqual(case.status, Status.REFERRED)

    def test_a_unit_keeps_reading_what_it_returned_but_can_no_longer_act_on_it(self) -> None:
        case = self.new_case()
        actions.return_case(case, reason="مال ما نیست", by=self.charlie)
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("desk:request", args=[case.pk]))
        self.assertEqual(response.context["forms"], [])
        self.assertEqual(self.step(case, "accept").status_code, 403)

    def test_council_members_read_with_the_contact_masked_and_take_no_step(self) -> None:
        case = self.new_case(contact_phone="09121234567")
        self.client.force_login(make_user("erin", Staff.Role.COUNCIL))
        response = self.client.get(reverse("desk:request", args=[case.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, persian_digits("09121234567"))
        self.assertEqual(response.context["forms"], [])
        self.assertEqual(self.step(case, "resolve", note="x").status_code, 403)

    def test_an_unknown_step_is_404_and_signed_out_users_go_to_the_login(self) -> None:
        case = self.new_case()
        self.client.force_login(self.charlie)
        self.assertEqual(self.step(case, "explode").status_code, 404)
        self.assertEqual(self.client.get(reverse("desk:request", args=[999999])).status_code,
                         404)
        self.client.logout()
        response = self.client.get(reverse("desk:request", args=[case.pk]))
        self.assertEqual(response.status_code, 302)

    def test_the_page_reads_a_fixed_number_of_queries_however_long_the_history(self) -> None:
        short = self.new_case()
        actions.plan_case(short, reason="budget", by=self.charlie,
                          expected_date=timezone.localdate() + timedelta(days=30))
        long = self.new_case()
        for n in range(10):  # a plan put off again and again
            actions.plan_case(long, reason="budget", by=self.charlie,
                              expected_date=timezone.localdate() + timedelta(days=30 + n))
        self.client.force_login(self.charlie)
        with self.assertNumQueries(self._count(short)):
            self.client.get(reverse("desk:request", args=[long.pk]))

    def _count(self, case: Case) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            self.client.get(reverse("desk:request", args=[case.pk]))
        return len(ctx.captured_queries)


class UnitStepTests(MediaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.charlie)
        self.client.cookies["django_language"] = "en"
        self.case = self.new_case()

    def test_accept(self) -> None:
        response = self.step(self.case, "accept")
        self.assertRedirects(response, reverse("desk:request", args=[self.case.pk]))
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Status.IN_PROGRESS)

    def test_a_step_the_status_table_forbids_is_shown_as_a_form_error(self) -> None:
        actions.accept_case(self.case, by=self.charlie)
        response = self.step(self.case, "accept")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "cannot be given the step", status_code=400)

    def test_resolve_with_a_note_and_after_photos(self) -> None:
        photo = SimpleUploadedFile("after.jpg", PNG, content_type="text/plain")
        response = self.client.post(reverse("desk:step", args=[self.case.pk, "resolve"]),
                                    {"note": "آسفالت شد", "photos": [photo]})
        self.assertEqual(response.status_code, 302)
        self.case.refresh_from_db()
        self.assertEqual((self.case.status, self.case.result_note), (Status.RESOLVED, "آسفالت شد"))
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.content_type, "image/png")  # by content, not by claim
        self.assertEqual(attachment.event, self.case.events.last())
        self.assertEqual(attachment.added_by, self.charlie)
        page = self.client.get(reverse("desk:request", args=[self.case.pk]))
        url = reverse("desk:photo", args=[self.case.pk, attachment.pk])
        self.assertContains(page, url)
        shown = self.client.get(url)
        self.assertEqual((shown.status_code, shown["Content-Type"]), (200, "image/png"))
        self.assertEqual(pixels(b"".join(shown.streaming_content)), pixels(PNG))  # type: ignore[attr-defined]
        self.client.force_login(self.dave)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_resolve_needs_a_note(self) -> None:
        response = self.step(self.case, "resolve", note="  ")
        self.assertContains(response, "the citizen will read it", status_code=400)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Status.REFERRED)

    def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(self) -> None:
        fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
        response = self.client.post(reverse("desk:step", args=[self.case.pk, "resolve"]),
                                    {"note": "done", "photos": [fake]})
        self.assertContains(response, "is not a photo", status_code=400)
        self.assertEqual(Attachment.objects.count(), 0)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Status.REFERRED)

    def test_a_photo_over_the_size_limit_is_refused_with_the_limit(self) -> None:
        big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2048, content_type="image/png")
        with self.settings(UPLOAD_MAX_BYTES=1024):
            response = self.client.post(reverse("desk:step", args=[self.case.pk, "resolve"]),
                                        {"note": "done", "photos": [big]})
        self.assertContains(response, "is larger than 1.0\xa0KB", status_code=400)
        self.assertEqual(Attachment.objects.count(), 0)

    def test_return_needs_a_reason(self) -> None:
        response = self.step(self.case, "return", reason="")
        self.assertContains(response, "not for this unit", status_code=400)
        response = self.step(self.case, "return", reason="این معبر در حوزه منطقه ۲ است")
        self.assertEqual(response.status_code, 302)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Status.RETURNED)

    def test_plan_takes_a_jalali_date_in_any_digits(self) -> None:
        expected = timezone.localdate() + timedelta(days=60)
        j = jdatetime.date.fromgregorian(date=expected)
        typed = persian_digits(f"{j.year}/{j.month:02d}/{j.day:02d}")
        response = self.step(self.case, "plan", reason="budget", expected_date=typed,
                             note="در بودجه سال بعد")
        self.assertEqual(response.status_code, 302)
        self.case.refresh_from_db()
        self.assertEqual((self.case.status, self.case.planned_date, self.case.planned_reason),
                         (Status.PLANNED, expected, "budget"))

    def test_plan_refuses_a_malformed_impossible_or_past_date(self) -> None:
        for typed, message in [("next year", "year/month/day"), ("1405/13/40", "no such day"),
                               ("1390/01/01", "after today")]:
            with self.subTest(typed=typed):
                response = self.step(self.case, "plan", reason="budget", expected_date=typed)
                self.assertContains(response, message, status_code=400)
        response = self.step(self.case, "plan", reason="weather", expected_date="1500/01/01")
        self.assertContains(response, "from the list", status_code=400)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Status.REFERRED)

    def test_reject_needs_a_reason(self) -> None:
        self.assertContains(self.step(self.case, "reject", reason=""), "cannot be done",
                            status_code=400)
        self.step(self.case, "reject", reason="ملک خصوصی است")
        self.case.refresh_from_db()
        self.assertEqual((self.case.status, self.case.result_note),
                         (Status.REJECTED, "ملک خصوصی است"))

    def test_unit_staff_cannot_refer(self) -> None:
        response = self.step(self.case, "refer", unit=self.other_unit.pk)
        self.assertEqual(response.status_code, 403)


class SupervisorStepTests(MediaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.client.cookies["django_language"] = "en"

    def test_a_supervisor_refers_and_is_sent_back_to_the_list(self) -> None:
        case = self.new_case()
        actions.return_case(case, reason="not ours", by=self.charlie)
        response = self.step(case, "refer", unit=self.other_unit.pk, note="مال سازمان است",
                             next="/desk/triage/returned/")
        self.assertRedirects(response, "/desk/triage/returned/")
        case.refresh_from_db()
        self.assertEqual((case.status, case.unit), (Status.REFERRED, self.other_unit))

    def test_a_next_address_on_another_host_is_ignored(self) -> None:
        case = self.new_case(subject=self.org_subject)
        response = self.step(case, "refer", unit=self.unit.pk, next="https://example.com/")
        self.assertRedirects(response, reverse("desk:request", args=[case.pk]))

    def test_referring_to_the_triage_centre_or_no_unit_is_refused(self) -> None:
        case = self.new_case()
        triage = Unit.objects.get(is_triage=True)
        self.assertContains(self.step(case, "refer", unit=triage.pk), "active unit",
                            status_code=400)
        self.assertContains(self.step(case, "refer", unit=""), "Choose the unit",
                            status_code=400)
        self.assertContains(self.step(case, "refer", unit=self.unit.pk), "already referred",
                            status_code=400)

    def test_operators_cannot_refer(self) -> None:
        case = self.new_case()
        self.client.force_login(self.alice)
        self.assertEqual(self.step(case, "refer", unit=self.other_unit.pk).status_code, 403)
