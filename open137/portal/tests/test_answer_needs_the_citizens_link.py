"""Only the citizen answers "satisfied?" on the web: the result's message carries a one-time
link; the tracking code alone answers only a request whose citizen got no such message."""

from django.test import override_settings

from open137.cases import actions
from open137.cases.answers import answer_key, latest_result
from open137.cases.models import Case
from open137.cases.workflow import Status
from open137.notifications.models import Message
from open137.portal.tests.helpers import PortalTestCase


class AnswerLinkTests(PortalTestCase):
    def resolved(self, **contact: str) -> Case:
        case = self.new_case(**contact)
        actions.resolve_case(case, note="انجام شد", by=self.charlie)
        return case

    def link_in_sms(self, case: Case) -> str:
        text = Message.objects.get(case_id=case.pk, kind="resolved", channel="sms").text
        return text[text.index("/track/"):].split()[0]

    def test_the_result_sms_carries_a_link_that_answers_once(self) -> None:
        case = self.resolved(contact_phone="09121234567")
        link = self.link_in_sms(case)
        self.assertIn(f"/track/{case.tracking_code}?k=", link)
        page = self.client.get(link)
        self.assertContains(page, 'data-testid="answer-form"')
        key = link.split("k=")[1]
        self.assertContains(page, f'name="k" value="{key}"')
        self.client.post(f"/track/{case.tracking_code}/answer", {"answer": "satisfied",
                                                                  "k": key})
        case.refresh_from_db()
        self.assertEqual(case.status, Status.CLOSED)
        self.assertNotContains(self.client.get(link), 'data-testid="answer-form"')

    def test_the_result_email_carries_the_link_too(self) -> None:
        case = self.resolved(contact_email="sara@example.com")
        email = Message.objects.get(case_id=case.pk, kind="resolved", channel="email")
        key = answer_key(case.pk, latest_result(case).pk)
        self.assertIn(f"/track/{case.tracking_code}?k={key}", email.text)

    def test_the_tracking_code_alone_does_not_answer_for_a_citizen_with_a_phone(self) -> None:
        case = self.resolved(contact_phone="09121234567")
        self.in_english()
        page = self.client.get(f"/track/{case.tracking_code}")
        self.assertNotContains(page, 'data-testid="answer-form"')
        self.assertContains(page, 'data-testid="answer-by-link"')
        for attempt in ({"answer": "satisfied"}, {"answer": "not_satisfied", "k": "guess"}):
            self.client.post(f"/track/{case.tracking_code}/answer", attempt)
        case.refresh_from_db()
        self.assertEqual(case.status, Status.RESOLVED)

    def test_a_request_without_phone_or_email_is_answered_with_its_code(self) -> None:
        case = self.resolved()
        self.assertContains(self.client.get(f"/track/{case.tracking_code}"),
                            'data-testid="answer-form"')
        self.client.post(f"/track/{case.tracking_code}/answer", {"answer": "satisfied"})
        case.refresh_from_db()
        self.assertEqual(case.status, Status.CLOSED)

    def test_a_guessers_failures_never_lock_the_citizen_out(self) -> None:
        case = self.resolved(contact_phone="09121234567")
        url = f"/track/{case.tracking_code}/answer"
        codes = [self.client.post(url, {"answer": "satisfied", "k": f"wrong{n:07d}"},
                                  REMOTE_ADDR="203.0.113.9").status_code for n in range(25)]
        self.assertEqual(codes[-1], 429)
        self.assertNotIn(200, codes)
        key = answer_key(case.pk, latest_result(case).pk)
        # The guesser's address stays refused; the citizen's link works from theirs.
        self.client.post(url, {"answer": "not_satisfied", "comment": "still broken", "k": key},
                         REMOTE_ADDR="198.51.100.20")
        case.refresh_from_db()
        self.assertEqual(case.status, Status.REOPENED)

    def test_a_key_for_another_request_does_not_answer_this_one(self) -> None:
        mine = self.resolved(contact_phone="09121234567")
        other = self.resolved(contact_phone="09351112233")
        self.client.post(f"/track/{other.tracking_code}/answer", {
            "answer": "satisfied", "k": answer_key(mine.pk, latest_result(mine).pk)})
        other.refresh_from_db()
        self.assertEqual(other.status, Status.RESOLVED)


class TrackRateLimitTests(PortalTestCase):
    @override_settings(RATE_LIMIT_TRACK="3/h")
    def test_a_visitor_opens_a_limited_number_of_tracking_pages(self) -> None:
        case = self.new_case()
        codes = [self.client.get(f"/track/{case.tracking_code}",
                                 REMOTE_ADDR="10.2.2.2").status_code for _ in range(4)]
        self.assertEqual(codes, [200, 200, 200, 429])
        self.assertEqual(self.client.get(f"/track/{case.tracking_code}",
                                         REMOTE_ADDR="10.2.2.3").status_code, 200)

    @override_settings(RATE_LIMIT_TRACK_MISSES="2/h")
    def test_scanning_for_codes_is_stopped_after_a_few_misses(self) -> None:
        from open137.core import tracking

        case = self.new_case()
        for body in ("123456789", "234567891"):
            code = body + tracking.check_digit(body)
            self.assertEqual(self.client.get(f"/track/{code}",
                                             REMOTE_ADDR="10.3.3.3").status_code, 404)
        # Even a real code is refused now from that address: the scan learns nothing.
        self.assertEqual(self.client.get(f"/track/{case.tracking_code}",
                                         REMOTE_ADDR="10.3.3.3").status_code, 429)
