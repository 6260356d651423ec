"""The facts kept on a request for the council's figures follow its events exactly."""

from datetime import timedelta

from django.utils import timezone

from open137.cases import actions
from open137.cases.demo import create_cases
from open137.cases.models import Case, Channel
from open137.cases.testing import CityTestCase
from open137.cases.workflow import TAKE_UP, Status, Step, facts_after


def from_events(case: Case) -> dict[str, object]:
    """The facts as the history tells them, read event by event."""
    events = list(case.events.order_by("at", "pk"))
    refers = [e.at for e in events if e.step == Step.REFER]
    moved = [i for i, e in enumerate(events) if e.step in (Step.REFER, Step.RETURN)]
    after = events[moved[-1] + 1:] if moved else events
    taken = [e.at for e in after if e.step in TAKE_UP]
    paused = 0
    for i, e in enumerate(events):
        if e.step == Step.ASK:
            end = next((x.at for x in events[i + 1:]
                        if x.from_status == Status.AWAITING_CITIZEN
                        and x.to_status != Status.AWAITING_CITIZEN), None)
            paused += int((end - e.at).total_seconds()) if end else 0
    return {
        "first_referred_at": min(refers) if refers else None,
        "taken_up_at": taken[0] if taken else None,
        "was_triaged": any(e.step == Step.TRIAGE for e in events),
        "ask_count": sum(1 for e in events if e.step == Step.ASK),
        "paused_seconds": paused,
        "contact_count": sum(1 for e in events if e.step == Step.CONTACT),
        "reopen_count": sum(1 for e in events if e.step == Step.REOPEN),
        "was_misrouted": any(e.step == Step.RETURN or (
            e.step == Step.REFER and e.from_status not in (Status.RECEIVED, Status.TRIAGE))
            for e in events),
        "result_given": any(e.step in (Step.RESOLVE, Step.REJECT) for e in events),
    }


def kept(case: Case) -> dict[str, object]:
    return {name: getattr(case, name) for name in from_events(case)}


class HistoryFactsTests(CityTestCase):
    def test_random_histories_keep_facts_equal_to_their_events(self) -> None:
        create_cases(120, days=60, seed=11)
        # A request nobody could place waits in triage, never referred (the demo's own are
        # all referred in the end).
        actions.receive_case(subject=self.works_subject, channel=Channel.PHONE, by=self.alice,
                             description="no place given")
        cases = list(Case.objects.all())
        self.assertGreater(len(cases), 100)
        # Every kind of fact occurs, so the comparison means something.
        facts = [from_events(c) for c in cases]
        self.assertTrue(any(f["was_misrouted"] for f in facts))
        self.assertTrue(any(f["reopen_count"] for f in facts))
        self.assertTrue(any(f["result_given"] for f in facts))
        self.assertTrue(any(f["first_referred_at"] is None for f in facts))
        for case, expected in zip(cases, facts, strict=True):
            self.assertEqual(kept(case), expected, case.tracking_code)

    def test_a_misrouted_reopened_request_step_by_step(self) -> None:
        case = self.new_case(self.works_subject)
        self.assertEqual(kept(case), from_events(case))
        self.assertEqual(case.first_referred_at, case.created_at)
        first = case.first_referred_at
        actions.return_case(case, reason="not ours", by=self.charlie)
        actions.refer_case(case, unit=self.unit, by=self.bob)
        actions.resolve_case(case, note="done", by=self.charlie)
        actions.reopen_case(case, by=None, note="still broken")
        actions.resolve_case(case, note="done again", by=self.charlie)
        case.refresh_from_db()
        self.assertEqual(kept(case), from_events(case))
        self.assertEqual((case.first_referred_at, case.reopen_count, case.was_misrouted,
                          case.result_given), (first, 1, True, True))

    def test_a_referral_recorded_out_of_order_keeps_the_earliest(self) -> None:
        at = timezone.now()
        changes = facts_after(Step.REFER, Status.TRIAGE, at - timedelta(hours=1),
                              {"first_referred_at": at, "reopen_count": 0})
        self.assertEqual(changes, {"first_referred_at": at - timedelta(hours=1),
                                   "taken_up_at": None})
        self.assertEqual(facts_after(Step.REFER, Status.RETURNED, at,
                                     {"first_referred_at": at - timedelta(hours=1),
                                      "reopen_count": 0}),
                         {"was_misrouted": True, "taken_up_at": None})

    def test_the_migration_reads_the_same_facts_from_the_history(self) -> None:
        import importlib

        from django.apps import apps

        migration = importlib.import_module("open137.cases.migrations.0006_history_facts")
        taken_up = importlib.import_module(
            "open137.cases.migrations.0008_questions_contacts_take_up_facts")
        create_cases(60, days=40, seed=5)
        expected = {c.pk: from_events(c) for c in Case.objects.all()}
        # Questions and repeat contacts are new steps: no older history has them.
        Case.objects.update(first_referred_at=None, reopen_count=0, was_misrouted=False,
                            result_given=False, taken_up_at=None, was_triaged=False)
        migration.from_history(apps, None)
        taken_up.from_history(apps, None)
        for case in Case.objects.all():
            self.assertEqual(kept(case), expected[case.pk], case.tracking_code)
