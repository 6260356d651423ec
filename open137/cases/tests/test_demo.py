"""The demonstration's history looks like a centre that has been running: results told."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from open137.cases.demo import create_cases
from open137.cases.models import Case, CaseEvent
from open137.cases.testing import CityTestCase
from open137.cases.workflow import OPEN, Step
from open137.directory.models import District, Unit
from open137.notifications.models import DeliveryState, Message
from open137.notifications.texts import MessageKind
from open137.oversight.forms import this_month
from open137.oversight.periods import Period, months_back
from open137.oversight.queries import Selection, figures_for


class DemoHistoryTests(CityTestCase):
    def test_old_results_were_delivered_once_and_the_closure_loop_shows_it(self) -> None:
        create_cases(150, days=60, seed=3)
        told = Message.objects.filter(kind__in=[MessageKind.RESOLVED, MessageKind.REJECTED],
                                      status=DeliveryState.SENT)
        self.assertTrue(told.exists())
        day_ago = timezone.now() - timedelta(days=1)
        for message in told:
            assert message.case_id is not None and message.sent_at is not None
            case = Case.objects.get(pk=message.case_id)
            result = case.events.filter(step__in=[Step.RESOLVE, Step.REJECT],
                                        at=message.sent_at - timedelta(minutes=1))
            self.assertTrue(result.exists(), case.tracking_code)
            self.assertLess(message.sent_at, day_ago + timedelta(minutes=1))
        # Nothing from the history is left for the worker to send.
        self.assertFalse(Message.objects.filter(
            kind__in=[MessageKind.RESOLVED, MessageKind.REJECTED], status=DeliveryState.PENDING,
            created_at__lt=day_ago).exists())
        months = months_back(this_month(), 3)
        total = figures_for(Selection(Period(months[0], months[-1]))).total()
        self.assertGreater(total.closure_loop or 0, 0.3)
        self.assertLess(total.closure_loop or 0, 1)


class DemoFiguresTests(CityTestCase):
    """What a council member sees on a fresh demo: figures that mean something."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        create_cases(400, days=90, seed=137)

    def test_no_first_action_is_due_after_its_result(self) -> None:
        self.assertFalse(Case.objects.filter(respond_by__gt=F("resolve_by")).exists())

    def test_the_history_has_questions_repeat_contacts_triage_waits_and_manual_referrals(
            self) -> None:
        steps = set(CaseEvent.objects.values_list("step", flat=True))
        self.assertTrue({Step.ASK, Step.RESUME, Step.CONTACT, Step.TRIAGE, Step.RETURN,
                         Step.REOPEN} <= steps)
        # Referrals by hand: from the triage queue and after a unit returned the request.
        manual = CaseEvent.objects.filter(step=Step.REFER).exclude(from_status="received")
        self.assertEqual({"triage", "returned"}, set(manual.values_list("from_status", flat=True)))

    def test_the_referral_time_varies_and_the_new_figures_are_not_empty(self) -> None:
        months = months_back(this_month(), 3)
        figures = figures_for(Selection(Period(months[0], months[-1])))
        total = figures.total()
        self.assertGreater(total.referral_hours_median or 0, 0)
        medians = {r.counts.referral_hours_median for r in figures.rows("unit")
                   if r.counts.taken_up}
        self.assertGreater(len(medians), 3)
        self.assertGreater(total.triaged, 0)
        self.assertGreater(total.triage_hours_mean or 0, 0)
        self.assertGreater(total.misroute_hours_mean or 0, 0)
        self.assertGreater(total.questioned, 0)
        self.assertGreater(total.repeat_contacts, 0)
        self.assertLess(total.first_on_time_share or 1, 0.99)

    def test_no_organisation_is_in_any_districts_figures_in_the_ranking(self) -> None:
        months = months_back(this_month(), 3)
        figures = figures_for(Selection(Period(months[0], months[-1])))
        rows = {r.key: r.counts for r in figures.rows("responsible")}
        self.assertTrue(rows)
        self.assertTrue(set(rows) <= set(District.objects.values_list("code", flat=True)))
        organisations = Unit.objects.filter(type=Unit.Type.ORGANISATION)
        for code, counts in rows.items():
            with self.subTest(district=code):
                own = Case.objects.filter(unit__district__code=code)
                self.assertEqual(counts.open, own.filter(status__in=OPEN).count())
                self.assertFalse(own.filter(unit__in=organisations).exists())
        # The organisations' requests are all there, in their own rows.
        org_volume = sum(r.counts.volume for r in figures.rows("unit")
                         if r.key in set(organisations.values_list("code", flat=True)))
        district_volume = sum(c.volume for c in rows.values())
        self.assertEqual(org_volume + district_volume, figures.total().volume)
