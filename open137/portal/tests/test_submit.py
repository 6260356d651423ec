from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from open137.cases.models import Case, Channel
from open137.cases.workflow import Status
from open137.core.text import persian_digits
from open137.directory.models import Subject
from open137.portal.tests.helpers import PortalTestCase


class PortalPageTests(PortalTestCase):
    def test_the_portal_is_persian_right_to_left_with_subjects_grouped(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, '<html lang="fa" dir="rtl">')
        self.assertContains(response, self.works_subject.name_fa)
        self.assertContains(response, self.works_subject.group.name_fa)
        self.assertContains(response, 'name="subject"')
        self.assertContains(response, 'data-testid="lookup-form"')

    def test_the_portal_in_english_names_subjects_in_english(self) -> None:
        self.in_english()
        response = self.client.get("/")
        self.assertContains(response, '<html lang="en" dir="ltr">')
        self.assertContains(response, self.works_subject.name_en)
        self.assertNotContains(response, self.works_subject.name_fa)

    def test_urgent_subjects_carry_the_call_137_notice(self) -> None:
        urgent = Subject.objects.filter(urgent=True).first()
        response = self.client.get("/")
        self.assertContains(response, f'id="subject-{urgent.code}" value="{urgent.code}" '
                                      'autocomplete="off" data-urgent="1"')
        self.assertContains(response, 'href="tel:137"')


class SubmitTests(PortalTestCase):
    def test_a_citizen_submits_and_gets_a_tracking_code_in_persian_digits(self) -> None:
        response = self.client.post("/", self.form(phone="۰۹۱۲ ۱۲۳ ۴۵۶۷", name="مریم"))
        self.assertRedirects(response, "/submitted/")
        case = Case.objects.get()
        self.assertEqual(case.channel, Channel.WEB)
        self.assertEqual(case.contact_phone, "+989121234567")
        self.assertEqual(case.contact_name, "مریم")
        self.assertEqual(case.status, Status.REFERRED)
        self.assertEqual(case.unit, self.unit)
        self.assertEqual(case.language, "fa")
        page = self.client.get("/submitted/")
        self.assertContains(page, persian_digits(case.tracking_code))
        self.assertContains(page, f'href="/track/{case.tracking_code}"')

    def test_a_request_with_only_an_address_goes_to_triage(self) -> None:
        response = self.client.post("/", self.form(lat="", lon="", address="خیابان گلستان"))
        self.assertRedirects(response, "/submitted/")
        case = Case.objects.get()
        self.assertEqual((case.status, case.address), (Status.TRIAGE, "خیابان گلستان"))

    def test_coordinates_in_persian_digits_are_accepted(self) -> None:
        form = self.form()
        form["lat"], form["lon"] = persian_digits(form["lat"]), persian_digits(form["lon"])
        self.assertRedirects(self.client.post("/", form), "/submitted/")
        self.assertEqual(Case.objects.get().district, self.district)

    def test_the_confirmation_page_needs_a_request_sent_in_this_session(self) -> None:
        self.assertRedirects(self.client.get("/submitted/"), "/")

    def test_in_english_the_request_remembers_the_language(self) -> None:
        self.in_english()
        self.client.post("/", self.form())
        self.assertEqual(Case.objects.get().language, "en")


class BadInputTests(PortalTestCase):
    def test_missing_subject_and_description_are_field_errors_in_persian(self) -> None:
        response = self.client.post("/", self.form(subject="", description="  "))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "is-invalid")
        errors = response.context["form"].errors
        self.assertEqual(set(errors), {"subject", "description"})
        self.assertFalse(Case.objects.exists())
        with translation.override("fa"):
            self.assertContains(response, _("Choose what your request is about."))
            self.assertContains(response, _("Write a few words about the problem."))

    def test_missing_subject_is_a_whole_sentence_in_english(self) -> None:
        self.in_english()
        response = self.client.post("/", self.form(subject=""))
        self.assertContains(response, "Choose what your request is about.")

    def test_a_malformed_phone_is_a_field_error_and_the_rest_is_kept(self) -> None:
        self.in_english()
        response = self.client.post("/", self.form(phone="12345", description="Broken lamp"))
        self.assertEqual(list(response.context["form"].errors), ["phone"])
        self.assertContains(response, "This is not an Iranian phone number.")
        self.assertContains(response, "Broken lamp")
        self.assertContains(response, f'value="{self.works_subject.code}" autocomplete="off"')
        self.assertFalse(Case.objects.exists())

    def test_a_phone_with_letters_is_refused_in_persian(self) -> None:
        response = self.client.post("/", self.form(phone="0912abc4567"))
        self.assertIn("phone", response.context["form"].errors)
        self.assertNotContains(response, "The phone number may contain only digits.")

    def test_an_unknown_subject_is_refused(self) -> None:
        self.in_english()
        response = self.client.post("/", self.form(subject="no-such-subject"))
        self.assertContains(response, "Choose one of the listed subjects.")

    def test_half_a_point_is_refused(self) -> None:
        self.in_english()
        response = self.client.post("/", self.form(lon=""))
        self.assertContains(response, "The place on the map is not valid; drop the pin again.")
        self.assertFalse(Case.objects.exists())

    def test_an_urgent_subject_chosen_keeps_the_notice_visible(self) -> None:
        urgent = Subject.objects.filter(urgent=True).first()
        response = self.client.post("/", self.form(subject=urgent.code, description=""))
        self.assertContains(response, 'data-testid="urgent-notice">')
        self.assertNotContains(response, 'data-testid="urgent-notice" hidden')


@override_settings(RATE_LIMIT_PORTAL="2/h")
class RateLimitTests(PortalTestCase):
    def test_submissions_past_the_limit_from_one_address_are_refused_with_429(self) -> None:
        for _attempt in range(2):
            self.assertEqual(self.client.post("/", self.form()).status_code, 302)
        response = self.client.post("/", self.form())
        self.assertEqual(response.status_code, 429)
        self.assertTrue(response["Retry-After"].isdigit())
        self.assertEqual(Case.objects.count(), 2)
        # Another address is not affected; reading the portal is never limited.
        other = self.client.post("/", self.form(), REMOTE_ADDR="10.1.2.3")
        self.assertEqual(other.status_code, 302)
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_the_refusal_is_a_sentence_in_english(self) -> None:
        self.in_english()
        for _attempt in range(2):
            self.client.post("/", self.form())
        self.assertContains(self.client.post("/", self.form()), "Too many requests were sent",
                            status_code=429)


class FollowTests(PortalTestCase):
    def test_a_citizen_who_follows_an_open_report_is_joined_to_it(self) -> None:
        original = self.new_case()
        response = self.client.post("/", self.form(follow=str(original.pk),
                                                   phone="09351112233"))
        self.assertRedirects(response, "/submitted/")
        case = Case.objects.exclude(pk=original.pk).get()
        self.assertEqual((case.status, case.duplicate_of), (Status.CLOSED, original))
        self.assertEqual(list(original.followers.values_list("phone", flat=True)),
                         ["+989351112233"])

    def test_following_a_finished_or_other_subject_report_is_ignored(self) -> None:
        other = self.new_case(subject=self.org_subject)
        self.client.post("/", self.form(follow=str(other.pk)))
        case = Case.objects.exclude(pk=other.pk).get()
        self.assertIsNone(case.duplicate_of)
        self.assertEqual(case.status, Status.REFERRED)
