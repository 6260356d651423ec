from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone

from open137.cases import actions, jobs
from open137.cases.models import Case
from open137.cases.testing import CityTestCase, make_user
from open137.cases.workflow import Status, Step
from open137.deadlines.queries import working_calendar
from open137.directory.models import Staff, Subject
from open137.notifications.models import DeliveryChannel, Message


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@override_settings(SMS_QUIET_HOURS="")
class EscalationTests(CityTestCase):
    erin: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.erin = make_user("erin", Staff.Role.UNIT_MANAGER, cls.unit)
        for user, email in [(cls.charlie, "charlie@example.com"), (cls.bob, "bob@example.com"),
                            (cls.erin, "erin@example.com")]:
            User.objects.filter(pk=user.pk).update(email=email)

    def steps(self, case: Case, step: Step) -> list[dict[str, str]]:
        return [e.data for e in case.events.filter(step=step)]

    def emails(self, kind: str) -> set[str]:
        return set(Message.objects.filter(channel=DeliveryChannel.EMAIL, kind=kind)
                   .values_list("recipient", flat=True))

    def warning(self, case: Case, due: datetime) -> datetime:
        assert case.referred_at is not None
        return jobs.warning_time(case.referred_at, due, urgent=case.subject.urgent,
                                 calendar=working_calendar())

    def test_the_unit_is_reminded_once_at_80_percent_and_told_once_at_breach(self) -> None:
        case = self.new_case(contact_phone="09121234567")
        assert case.respond_by is not None and case.referred_at is not None
        at_80 = self.warning(case, case.respond_by)
        self.assertLess(case.referred_at, at_80)
        self.assertLess(at_80, case.respond_by)

        jobs.escalate(at_80 - minutes(1))
        self.assertEqual(self.steps(case, Step.REMIND), [])
        jobs.escalate(at_80 + minutes(1))
        jobs.escalate(at_80 + minutes(2))
        self.assertEqual(self.steps(case, Step.REMIND),
                         [{"deadline": "respond", "due": case.respond_by.isoformat()}])
        self.assertEqual(self.emails("reminder"), {"charlie@example.com", "erin@example.com"})

        jobs.escalate(case.respond_by + minutes(1))
        jobs.escalate(case.respond_by + minutes(30))
        case.refresh_from_db()
        self.assertTrue(case.overdue)
        self.assertEqual(case.status, Status.REFERRED)
        self.assertEqual(len(self.steps(case, Step.OVERDUE)), 1)
        self.assertEqual(self.emails("overdue"), {"bob@example.com", "erin@example.com"})
        self.assertEqual(Message.objects.filter(kind="reminder").count(), 2)
        # Two emails; the supervisor's escalation is in the desk's alerts list too.
        self.assertEqual(Message.objects.filter(kind="overdue").exclude(
            channel=DeliveryChannel.INAPP).count(), 2)
        self.assertEqual(Message.objects.filter(
            kind="overdue", channel=DeliveryChannel.INAPP).count(), 1)
        # The citizen is not bothered with the centre's internal escalation.
        self.assertFalse(Message.objects.filter(channel=DeliveryChannel.SMS, kind__in=[
            "reminder", "overdue"]).exists())

    def test_the_result_deadline_escalates_on_its_own_once_work_has_started(self) -> None:
        case = self.new_case()
        actions.accept_case(case, by=self.charlie)
        case.refresh_from_db()
        assert case.resolve_by is not None
        jobs.escalate(case.resolve_by + minutes(1))
        jobs.escalate(case.resolve_by + minutes(2))
        self.assertEqual([d["deadline"] for d in self.steps(case, Step.OVERDUE)], ["resolve"])
        # Past the deadline, the late reminder is skipped: the breach says more.
        self.assertEqual(self.steps(case, Step.REMIND), [])

    def test_the_80_percent_point_counts_working_time_for_ordinary_subjects(self) -> None:
        case = self.new_case()
        assert case.respond_by is not None and case.referred_at is not None
        calendar = working_calendar()
        total = calendar.working_seconds_between(case.referred_at, case.respond_by)
        at_80 = self.warning(case, case.respond_by)
        self.assertAlmostEqual(calendar.working_seconds_between(case.referred_at, at_80),
                               0.8 * total, delta=1)

    def test_urgent_subjects_count_elapsed_time(self) -> None:
        urgent = Subject.objects.filter(urgent=True, handler__startswith="district:").first()
        case = self.new_case(subject=urgent)
        assert case.respond_by is not None and case.referred_at is not None
        at_80 = self.warning(case, case.respond_by)
        self.assertEqual(at_80 - case.referred_at, (case.respond_by - case.referred_at) * 0.8)
        jobs.escalate(at_80 + minutes(1))
        self.assertEqual(len(self.steps(case, Step.REMIND)), 1)

    def test_a_new_referral_starts_the_escalation_over(self) -> None:
        case = self.new_case()
        assert case.respond_by is not None
        jobs.escalate(case.respond_by + minutes(1))
        later = case.respond_by + minutes(5)
        actions.refer_case(case, unit=self.other_unit, by=self.bob, at=later)
        case.refresh_from_db()
        self.assertFalse(case.overdue)
        assert case.respond_by is not None
        jobs.escalate(case.respond_by + minutes(1))
        self.assertEqual(len(self.steps(case, Step.OVERDUE)), 2)

    def test_finished_and_planned_requests_do_not_escalate(self) -> None:
        done = self.new_case()
        actions.resolve_case(done, note="done", by=self.charlie)
        planned = self.new_case()
        actions.plan_case(planned, reason="budget", by=self.charlie,
                          expected_date=timezone.localdate() + timedelta(days=90))
        self.assertEqual(jobs.escalate(timezone.now() + timedelta(days=60)),
                         "reminded 0, overdue 0")

    def test_reminders_are_recorded_once_even_if_asked_twice(self) -> None:
        case = self.new_case()
        assert case.respond_by is not None
        first = actions.remind_case(case, deadline="respond", due=case.respond_by)
        again = actions.remind_case(case, deadline="respond", due=case.respond_by)
        self.assertIsNotNone(first)
        self.assertIsNone(again)

    def test_a_status_step_cannot_be_recorded_as_a_note(self) -> None:
        with self.assertRaises(ValueError):
            actions.record_step(self.new_case(), Step.RESOLVE, by=None)


@override_settings(SMS_QUIET_HOURS="")
class PlannedDateTests(CityTestCase):
    def test_a_plan_whose_date_passed_is_flagged_once_and_its_citizen_told(self) -> None:
        case = self.new_case(contact_phone="09121234567")
        expected = timezone.localdate() + timedelta(days=3)
        actions.plan_case(case, reason="council_approval", expected_date=expected,
                          by=self.charlie)
        on_the_day = timezone.now() + timedelta(days=3)
        self.assertEqual(jobs.flag_planned_due(on_the_day), "flagged 0")
        after = timezone.now() + timedelta(days=4, hours=1)
        self.assertEqual(jobs.flag_planned_due(after), "flagged 1")
        self.assertEqual(jobs.flag_planned_due(after + timedelta(days=1)), "flagged 0")
        case.refresh_from_db()
        self.assertTrue(case.overdue)
        self.assertEqual(case.status, Status.PLANNED)
        message = Message.objects.get(kind="plan_due")
        self.assertIn(case.tracking_code, message.text)

    def test_a_new_expected_date_can_be_flagged_again(self) -> None:
        case = self.new_case()
        actions.plan_case(case, reason="budget", by=self.charlie,
                          expected_date=timezone.localdate() + timedelta(days=1))
        jobs.flag_planned_due(timezone.now() + timedelta(days=3))
        # A new plan (not "accept": a plan is already the unit's answer) with a new date.
        actions.plan_case(case, reason="budget", by=self.charlie,
                          expected_date=timezone.localdate() + timedelta(days=10))
        jobs.flag_planned_due(timezone.now() + timedelta(days=12))
        self.assertEqual(case.events.filter(step=Step.PLAN_DUE).count(), 2)


class ClosingUnansweredTests(CityTestCase):
    def test_a_result_nobody_answered_is_closed_after_the_window(self) -> None:
        case = self.new_case()
        actions.resolve_case(case, note="done", by=self.charlie)
        self.assertEqual(jobs.close_unanswered(timezone.now() + timedelta(days=6)), "closed 0")
        self.assertEqual(jobs.close_unanswered(timezone.now() + timedelta(days=7, hours=1)),
                         "closed 1")
        case.refresh_from_db()
        self.assertEqual(case.status, Status.CLOSED)
        self.assertIsNone(case.satisfied)

    @override_settings(SATISFACTION_WINDOW_DAYS=2)
    def test_the_window_is_a_setting(self) -> None:
        case = self.new_case()
        actions.reject_case(case, reason="cannot", by=self.charlie)
        self.assertEqual(jobs.close_unanswered(timezone.now() + timedelta(days=3)), "closed 1")
