from django.db import IntegrityError, transaction

from open137.cases import actions
from open137.cases.models import Case
from open137.cases.testing import CityTestCase


class TrackingCodeRetryTests(CityTestCase):
    def test_a_collision_is_retried_inside_the_callers_transaction(self) -> None:
        """The desk, the portal and SMS record a request inside their own transaction: a
        tracking code drawn by someone else in the same instant is drawn again there too."""
        taken = self.new_case()
        attempts: list[int] = []

        def record() -> Case:
            attempts.append(1)
            case = self.new_case()
            if len(attempts) == 1:  # someone else got this code first
                Case.objects.filter(pk=case.pk).update(tracking_code=taken.tracking_code)
            return case

        with transaction.atomic():
            case = actions.in_transaction(record)
            self.assertEqual(len(attempts), 2)
            # The outer transaction goes on: the failed attempt left nothing behind.
            self.assertEqual(Case.objects.count(), 2)
        self.assertNotEqual(Case.objects.get(pk=case.pk).tracking_code, taken.tracking_code)

    def test_a_lasting_conflict_still_fails_after_three_attempts(self) -> None:
        taken = self.new_case()

        def record() -> Case:
            case = self.new_case()
            Case.objects.filter(pk=case.pk).update(tracking_code=taken.tracking_code)
            return case

        with transaction.atomic(), self.assertRaises(IntegrityError):
            actions.in_transaction(record)
