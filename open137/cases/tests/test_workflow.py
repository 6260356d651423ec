from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import override

from open137.cases import actions
from open137.cases.models import Case, CaseEvent
from open137.cases.testing import CityTestCase
from open137.cases.workflow import TRANSITIONS, Status, Step, reachable, target
from open137.core.errors import IllegalTransition


class TransitionTableTests(CityTestCase):
    def make(self, status: Status) -> Case:
        """A request in `status`, reached through the actions."""
        if status == Status.RECEIVED:
            # Receipt routes at once, so "received" only exists inside receive_case.
            case = self.new_case(contact_phone="09121234567")
            Case.objects.filter(pk=case.pk).update(status=Status.RECEIVED, unit=None)
            case.refresh_from_db()
            return case
        if status == Status.TRIAGE:
            return self.new_case(lat=30.0, lon=60.0, contact_phone="09121234567")
        case = self.new_case(contact_phone="09121234567")
        steps: dict[Status, list[Callable[[Case], Any]]] = {
            Status.REFERRED: [],
            Status.IN_PROGRESS: [self.do_accept],
            Status.RETURNED: [self.do_return],
            Status.PLANNED: [self.do_plan],
            Status.RESOLVED: [self.do_resolve],
            Status.REJECTED: [self.do_reject],
            Status.CLOSED: [self.do_resolve, self.do_close],
            Status.REOPENED: [self.do_resolve, self.do_reopen],
            Status.AWAITING_CITIZEN: [self.do_ask],
        }
        for step in steps[status]:
            step(case)
        self.assertEqual(case.status, status)
        return case

    def do_accept(self, case: Case) -> Any:
        return actions.accept_case(case, by=self.charlie)

    def do_return(self, case: Case) -> Any:
        return actions.return_case(case, reason="not ours", by=self.charlie)

    def do_plan(self, case: Case) -> Any:
        return actions.plan_case(case, reason="budget", by=self.charlie,
                                 expected_date=timezone.localdate() + timedelta(days=60))

    def do_resolve(self, case: Case) -> Any:
        return actions.resolve_case(case, note="fixed", by=self.charlie)

    def do_reject(self, case: Case) -> Any:
        return actions.reject_case(case, reason="cannot be done", by=self.charlie)

    def do_close(self, case: Case) -> Any:
        return actions.close_case(case, by=None)

    def do_reopen(self, case: Case) -> Any:
        return actions.reopen_case(case, by=None, note="still broken")

    def do_refer(self, case: Case) -> Any:
        return actions.refer_case(case, unit=self.other_unit, by=self.bob)

    def do_triage(self, case: Case) -> Any:
        return actions.transition(case, Step.TRIAGE, by=None, unit=case.unit)

    def do_ask(self, case: Case) -> Any:
        return actions.ask_citizen(case, question="Which house number?", by=self.charlie)

    def do_resume(self, case: Case) -> Any:
        return actions.answer_question(case, answer="number 12", by=None)

    def do_expire(self, case: Case) -> Any:
        return actions.transition(case, Step.EXPIRE, by=None)

    def do_link(self, case: Case) -> Any:
        return actions.link_duplicate(case, original=self.new_case(), by=self.alice)

    def test_every_step_from_every_status_is_allowed_exactly_as_the_table_says(self) -> None:
        do = {Step.ACCEPT: self.do_accept, Step.RETURN: self.do_return, Step.PLAN: self.do_plan,
              Step.RESOLVE: self.do_resolve, Step.REJECT: self.do_reject,
              Step.CLOSE: self.do_close, Step.REOPEN: self.do_reopen, Step.REFER: self.do_refer,
              Step.TRIAGE: self.do_triage, Step.LINK_DUPLICATE: self.do_link,
              Step.ASK: self.do_ask, Step.RESUME: self.do_resume, Step.EXPIRE: self.do_expire}
        self.assertEqual(set(do), set(TRANSITIONS))
        for status in Status:
            for step, call in do.items():
                allowed, to = TRANSITIONS[step]
                with self.subTest(status=status.value, step=step.value):
                    case = self.make(status)
                    events = case.events.count()
                    if status in allowed:
                        event = call(case)
                        case.refresh_from_db()
                        self.assertEqual(case.status, to)
                        self.assertEqual((event.from_status, event.to_status), (status, to))
                        self.assertEqual(case.events.count(), events + 1)
                    else:
                        with self.assertRaises(IllegalTransition):
                            call(case)
                        case.refresh_from_db()
                        self.assertEqual(case.status, status)
                        self.assertEqual(case.events.count(), events)

    def test_every_status_is_reachable(self) -> None:
        self.assertEqual(reachable(), set(Status))

    def test_illegal_transition_message_is_translated(self) -> None:
        with override("fa"), self.assertRaises(IllegalTransition) as fa:
            target(Step.ACCEPT, Status.CLOSED)
        with override("en"), self.assertRaises(IllegalTransition) as en:
            target(Step.ACCEPT, Status.CLOSED)
        self.assertIn("closed", str(en.exception))
        self.assertNotEqual(str(fa.exception), str(en.exception))


class EventTests(CityTestCase):
    def test_every_step_appends_an_event_with_actor_time_from_to_and_why(self) -> None:
        case = self.new_case()
        actions.return_case(case, reason="Not ours: a highway", by=self.charlie)
        event = case.events.last()
        assert event is not None
        self.assertEqual((event.step, event.from_status, event.to_status),
                         (Step.RETURN, Status.REFERRED, Status.RETURNED))
        self.assertEqual(event.actor, self.charlie)
        self.assertEqual(event.from_unit, self.unit)
        self.assertEqual(event.note, "Not ours: a highway")
        self.assertEqual([e.step for e in case.events.all()], ["receive", "refer", "return"])

    def test_events_cannot_be_changed_or_deleted(self) -> None:
        event = self.new_case().events.first()
        assert event is not None
        event.note = "rewritten"
        with self.assertRaises(ValueError):
            event.save()
        with self.assertRaises(ValueError):
            event.delete()
        self.assertEqual(CaseEvent.objects.filter(note="rewritten").count(), 0)
