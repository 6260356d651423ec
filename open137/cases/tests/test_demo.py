"""The demonstration's history looks like a centre that has been running: results told."""

from datetime import timedelta

from django.utils import timezone

from open137.cases.demo import create_cases
from open137.cases.models import Case
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Step
from open137.notifications.models import Message, State
from open137.notifications.texts import Kind
from open137.oversight.forms import this_month
from open137.oversight.periods import Period, months_back
from open137.oversight.queries import Selection, figures_for


class DemoHistoryTests(CityTestCase):
    def test_old_results_were_delivered_once_and_the_closure_loop_shows_it(self) -> None:
        create_cases(150, days=60, seed=3)
        told = Message.objects.filter(kind__in=[Kind.RESOLVED, Kind.REJECTED],
                                      status=State.SENT)
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
            kind__in=[Kind.RESOLVED, Kind.REJECTED], status=State.PENDING,
            created_at__lt=day_ago).exists())
        months = months_back(this_month(), 3)
        total = figures_for(Selection(Period(months[0], months[-1]))).total()
        self.assertGreater(total.closure_loop or 0, 0.3)
        self.assertLess(total.closure_loop or 0, 1)
