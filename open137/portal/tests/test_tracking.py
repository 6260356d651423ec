from datetime import timedelta

from django.utils import timezone

from open137.cases import actions
from open137.cases.answers import answer_key
from open137.cases.models import PlanReason
from open137.core import tracking
from open137.core.text import persian_digits
from open137.portal.tests.helpers import PortalTestCase, jalali


def other_valid_code(code: str) -> str:
    """A code that passes the check digit but belongs to no request."""
    body = str(int(code[:-1]) % 900000000 + 100000000 + 1)[:9]
    return body + tracking.check_digit(body)


class TrackingPageTests(PortalTestCase):
    def setUp(self) -> None:
        self.case = self.new_case(contact_phone="09121234567", contact_name="مریم کریمی",
                                  contact_email="maryam@example.ir")

    def test_the_page_shows_the_code_in_persian_digits_as_one_run(self) -> None:
        response = self.client.get(f"/track/{self.case.tracking_code}")
        self.assertContains(response, '<html lang="fa" dir="rtl">')
        self.assertContains(response, f'data-testid="tracking-code">'
                                      f'{persian_digits(self.case.tracking_code)}</p>')
        self.assertContains(response, self.works_subject.name_fa)
        self.assertContains(response, 'data-status="referred"')

    def test_the_page_never_shows_the_citizens_personal_data(self) -> None:
        actions.resolve_case(self.case, note="آسفالت شد", by=self.charlie)
        for lang in ("fa", "en"):
            self.client.cookies["django_language"] = lang
            html = self.client.get(f"/track/{self.case.tracking_code}").content.decode()
            for secret in ("9121234567", "۹۱۲۱۲۳۴۵۶۷", "0912", "۰۹۱۲", "مریم", "maryam"):
                self.assertNotIn(secret, html)

    def test_the_history_shows_public_steps_only_with_jalali_dates(self) -> None:
        actions.accept_case(self.case, by=self.charlie)
        actions.return_case(self.case, reason="مربوط به سازمان دیگری است", by=self.charlie)
        actions.refer_case(self.case, unit=self.unit, by=self.bob, note="یادداشت داخلی")
        response = self.client.get(f"/track/{self.case.tracking_code}")
        self.assertNotContains(response, "مربوط به سازمان دیگری است")
        self.assertNotContains(response, "یادداشت داخلی")
        self.assertContains(response, jalali(self.case.created_at, with_time=True))
        self.assertEqual(len(response.context["timeline"]), 4)  # receive, refer, accept, refer

    def test_in_english_the_dates_are_gregorian(self) -> None:
        self.in_english()
        response = self.client.get(f"/track/{self.case.tracking_code}")
        local = timezone.localtime(self.case.created_at)
        self.assertContains(response, local.strftime("%Y-%m-%d %H:%M"))
        self.assertContains(response, self.case.tracking_code)
        self.assertContains(response, self.works_subject.name_en)

    def test_the_unit_answer_shows_when_resolved(self) -> None:
        event = actions.resolve_case(self.case, note="چاله با آسفالت گرم پر شد.",
                                     by=self.charlie)
        response = self.client.get(f"/track/{self.case.tracking_code}",
                                   {"k": answer_key(self.case.pk, event.pk)})
        self.assertContains(response, "چاله با آسفالت گرم پر شد.", count=2)
        self.assertContains(response, 'data-testid="answer-form"')

    def test_a_plan_shows_its_reason_and_expected_jalali_date(self) -> None:
        expected = timezone.localdate() + timedelta(days=90)
        actions.plan_case(self.case, reason=PlanReason.BUDGET, expected_date=expected,
                          by=self.charlie)
        response = self.client.get(f"/track/{self.case.tracking_code}")
        self.assertContains(response, jalali(expected))
        self.assertContains(response, 'data-testid="expected"')
        self.assertNotContains(response, 'data-testid="answer-form"')

    def test_a_rejection_shows_its_reason(self) -> None:
        actions.reject_case(self.case, reason="این معبر خصوصی است.", by=self.charlie)
        response = self.client.get(f"/track/{self.case.tracking_code}")
        self.assertContains(response, "این معبر خصوصی است.")
        self.assertContains(response, 'data-status="rejected"')

    def test_the_deadline_shows_while_the_request_is_open(self) -> None:
        response = self.client.get(f"/track/{self.case.tracking_code}")
        self.assertContains(response, jalali(self.case.resolve_by))


class TrackingCodeTests(PortalTestCase):
    def test_a_code_that_fails_the_check_digit_says_so_with_404(self) -> None:
        case = self.new_case()
        wrong = case.tracking_code[:-1] + str((int(case.tracking_code[-1]) + 1) % 10)
        self.in_english()
        response = self.client.get(f"/track/{wrong}")
        self.assertContains(response, "This tracking code is not valid: check the digits.",
                            status_code=404)
        self.assertContains(response, 'data-testid="lookup-form"', status_code=404)

    def test_a_valid_code_of_no_request_says_not_found_with_404(self) -> None:
        case = self.new_case()
        self.in_english()
        response = self.client.get(f"/track/{other_valid_code(case.tracking_code)}")
        self.assertContains(response, "No request has this tracking code.", status_code=404)
        self.assertNotContains(response, "check the digits", status_code=404)

    def test_the_lookup_accepts_persian_digits_and_spaces(self) -> None:
        case = self.new_case()
        typed = persian_digits(tracking.grouped(case.tracking_code))
        response = self.client.get("/track/", {"code": typed})
        self.assertRedirects(response, f"/track/{case.tracking_code}")

    def test_a_code_in_the_address_with_persian_digits_goes_to_the_canonical_page(self) -> None:
        case = self.new_case()
        response = self.client.get(f"/track/{persian_digits(case.tracking_code)}")
        self.assertRedirects(response, f"/track/{case.tracking_code}")

    def test_a_lookup_without_digits_is_a_field_error(self) -> None:
        self.in_english()
        response = self.client.get("/track/", {"code": "abc"})
        self.assertContains(response, "A tracking code is made of digits only.",
                            status_code=400)

    def test_the_empty_lookup_page_shows_the_form(self) -> None:
        self.assertContains(self.client.get("/track/"), 'data-testid="lookup-form"')
