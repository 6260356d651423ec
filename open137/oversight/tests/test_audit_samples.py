from datetime import timedelta
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from open137.cases.models import Case
from open137.cases.testing import CityTestCase, make_user
from open137.core.errors import DomainError, InvalidInput
from open137.directory.models import Staff
from open137.notifications.jobs import registered
from open137.oversight import actions
from open137.oversight.actions import audit_population, choose, sample_seed
from open137.oversight.forms import this_month
from open137.oversight.models import AuditItem, AuditSample
from open137.oversight.tests import scenario
from open137.oversight.tests.scenario import MONTH


class AuditSampleTests(CityTestCase):
    s: dict[str, Case]
    ivy: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.s = scenario.build(cls)
        cls.ivy = make_user("ivy", Staff.Role.INSPECTOR)

    def test_the_sample_is_drawn_from_each_units_finished_requests_of_the_month(self) -> None:
        population = audit_population(MONTH)
        self.assertEqual({u: {pk for pk, _code in rows} for u, rows in population.items()},
                         {self.unit.pk: {self.s[n].pk for n in "ABEIJ"}})
        with override_settings(AUDIT_SAMPLE_SIZE=2):
            (sample,) = actions.draw_audit_sample(month=MONTH, by=self.ivy)
        self.assertEqual((sample.month, sample.unit, sample.size, sample.population),
                         ("1404-07", self.unit, 2, 5))
        drawn = list(sample.items.values_list("case_id", flat=True))
        self.assertEqual(len(drawn), 2)
        self.assertTrue(set(drawn) <= {self.s[n].pk for n in "ABEIJ"})

    def test_the_draw_is_reproducible_from_its_recorded_seed(self) -> None:
        (sample,) = actions.draw_audit_sample(month=MONTH, by=None, size=3)
        rows = audit_population(MONTH)[self.unit.pk]
        self.assertEqual(sample.seed, sample_seed(MONTH, self.unit.code,
                                                  (code for _pk, code in rows)))
        drawn = list(sample.items.order_by("position").values_list("case_id", flat=True))
        self.assertEqual(choose(rows, sample.seed, 3), drawn)
        self.assertEqual(choose(rows, sample.seed, 3), choose(rows, sample.seed, 3))
        (again,) = actions.draw_audit_sample(month=MONTH, by=None, size=1)
        self.assertEqual(again.pk, sample.pk)
        self.assertEqual(AuditItem.objects.count(), 3)

    def test_a_different_population_gives_a_different_seed(self) -> None:
        codes = ["1111111111", "2222222222"]
        self.assertNotEqual(sample_seed(MONTH, "waste", codes),
                            sample_seed(MONTH, "waste", codes[:1]))
        self.assertNotEqual(sample_seed(MONTH, "waste", codes),
                            sample_seed(MONTH.next(), "waste", codes))

    def test_a_small_unit_is_audited_whole(self) -> None:
        (sample,) = actions.draw_audit_sample(month=MONTH, by=None, size=50)
        self.assertEqual(sample.items.count(), 5)

    def test_a_month_that_is_not_over_cannot_be_sampled(self) -> None:
        with self.assertRaises(InvalidInput):
            actions.draw_audit_sample(month=this_month(), by=None)
        with self.assertRaises(InvalidInput):
            actions.draw_audit_sample(month=MONTH, by=None, size=0)

    def test_audited_units_and_council_members_cannot_draw(self) -> None:
        manager = make_user("mona", Staff.Role.UNIT_MANAGER, self.unit)
        council = make_user("erin", Staff.Role.COUNCIL)
        for user in (manager, self.charlie, council, self.bob):
            with self.subTest(user=user.username), self.assertRaises(DomainError):
                actions.draw_audit_sample(month=MONTH, by=user)
        self.assertFalse(AuditSample.objects.exists())

    def test_only_inspectors_grade_and_every_question_needs_an_answer(self) -> None:
        (sample,) = actions.draw_audit_sample(month=MONTH, by=None, size=1)
        item = sample.items.get()
        answers = {"subject_right": True, "referral_right": False, "action_adequate": True,
                   "citizen_informed": True}
        for user in (self.bob, self.charlie, None):
            with self.subTest(user=user), self.assertRaises(DomainError):
                actions.grade_audit(item, by=user, **answers)
        with self.assertRaises(InvalidInput):
            actions.grade_audit(item, by=self.ivy, **{**answers, "referral_right": None})
        graded = actions.grade_audit(item, by=self.ivy, comment="  ارجاع اشتباه  ", **answers)
        self.assertEqual((graded.score, graded.comment, graded.graded_by), (3, "ارجاع اشتباه",
                                                                           self.ivy))

    def test_the_command_draws_a_given_month_and_refuses_a_bad_one(self) -> None:
        out = StringIO()
        call_command("draw_audit_sample", "--month", "۱۴۰۴-۰۷", "--size", "2", stdout=out)
        self.assertIn(f"{self.unit.code}: 2 of 5", out.getvalue())
        with self.assertRaises(CommandError):
            call_command("draw_audit_sample", "--month", "1404-13", stdout=StringIO())
        out = StringIO()
        call_command("draw_audit_sample", stdout=out)  # last month: nothing finished then
        self.assertIn(f"{this_month().previous()}: no finished requests", out.getvalue())

    def test_the_worker_draws_last_months_sample(self) -> None:
        job = next(j for j in registered() if j.name == "oversight.audit_sample")
        self.assertEqual(job.every, timedelta(days=1))
        self.assertEqual(job.run(scenario.NOW - timedelta(days=20)), 1)  # in Aban: Mehr drawn
        self.assertEqual(AuditSample.objects.get().month, "1404-07")
        self.assertEqual(job.run(timezone.now()), 0)
