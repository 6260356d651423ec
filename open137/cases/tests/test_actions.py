from datetime import timedelta

from django.utils import timezone
from django.utils.translation import override

from open137.cases import actions
from open137.cases.models import Case, Follower
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Status
from open137.core.errors import InvalidInput
from open137.directory.models import Unit


class ReceiveTests(CityTestCase):
    def test_new_request_gets_a_valid_tracking_code_and_deadlines(self) -> None:
        case = self.new_case(contact_phone="۰۹۱۲ ۱۲۳ ۴۵۶۷", description="كوچه ۱۲")
        self.assertEqual(len(case.tracking_code), 10)
        self.assertEqual(case.contact_phone, "+989121234567")
        self.assertEqual(case.description, "کوچه 12")
        self.assertEqual(case.referred_at, case.created_at)
        assert case.respond_by and case.resolve_by
        self.assertLess(case.respond_by, case.resolve_by + timedelta(days=30))
        self.assertGreater(case.respond_by, case.created_at)

    def test_coordinates_out_of_range_are_refused_and_nothing_is_written(self) -> None:
        for lat, lon, field in [(91, 51, "lat"), (-91, 51, "lat"), (35, 181, "lon"),
                                (35, -181, "lon"), (35, None, "lat"), (float("nan"), 51, "lat")]:
            with self.subTest(lat=lat, lon=lon), self.assertRaises(InvalidInput) as ctx:
                self.new_case(lat=lat, lon=lon)
            self.assertEqual(ctx.exception.field, field)
        self.assertEqual(Case.objects.count(), 0)

    def test_malformed_phone_is_refused_in_persian_and_english(self) -> None:
        messages = []
        for lang in ("fa", "en"):
            with override(lang), self.assertRaises(InvalidInput) as ctx:
                self.new_case(contact_phone="12345")
            messages.append(str(ctx.exception))
        self.assertNotEqual(messages[0], messages[1])
        self.assertEqual(Case.objects.count(), 0)

    def test_unknown_subject_code_is_a_clear_error(self) -> None:
        with override("en"), self.assertRaises(InvalidInput) as ctx:
            actions.subject_by_code("no-such-subject")
        self.assertIn("no-such-subject", str(ctx.exception))
        self.assertEqual(ctx.exception.field, "subject")

    def test_inactive_subject_cannot_receive_new_requests(self) -> None:
        self.works_subject.active = False
        self.works_subject.save()
        with self.assertRaises(InvalidInput):
            self.new_case()

    def test_overlong_description_is_refused(self) -> None:
        with self.assertRaises(InvalidInput) as ctx:
            self.new_case(description="x" * (actions.MAX_DESCRIPTION + 1))
        self.assertEqual(ctx.exception.field, "description")


class UnitStepTests(CityTestCase):
    def test_return_sends_the_request_back_to_the_centre_with_the_reason(self) -> None:
        case = self.new_case()
        actions.return_case(case, reason="این معبر در حوزه منطقه دیگری است", by=self.charlie)
        self.assertEqual(case.status, Status.RETURNED)
        self.assertTrue(case.unit and case.unit.is_triage)
        self.assertIsNotNone(case.responded_at)

    def test_return_needs_a_reason(self) -> None:
        case = self.new_case()
        with self.assertRaises(InvalidInput) as ctx:
            actions.return_case(case, reason="   ", by=self.charlie)
        self.assertEqual(ctx.exception.field, "reason")
        case.refresh_from_db()
        self.assertEqual(case.status, Status.REFERRED)

    def test_re_referral_restarts_the_deadlines(self) -> None:
        case = self.new_case(at=timezone.now() - timedelta(days=20))
        old_resolve_by = case.resolve_by
        actions.return_case(case, reason="not ours", by=self.charlie)
        actions.refer_case(case, unit=self.other_unit, by=self.bob)
        assert old_resolve_by and case.resolve_by
        self.assertGreater(case.resolve_by, old_resolve_by)
        self.assertIsNone(case.responded_at)

    def test_cannot_refer_to_the_triage_centre_or_an_inactive_unit(self) -> None:
        case = self.new_case()
        with self.assertRaises(InvalidInput):
            actions.refer_case(case, unit=Unit.objects.get(is_triage=True), by=self.bob)
        self.other_unit.active = False
        self.other_unit.save()
        with self.assertRaises(InvalidInput):
            actions.refer_case(case, unit=self.other_unit, by=self.bob)

    def test_plan_needs_a_known_reason_and_a_future_date(self) -> None:
        case = self.new_case()
        future = timezone.localdate() + timedelta(days=90)
        with self.assertRaises(InvalidInput) as ctx:
            actions.plan_case(case, reason="weather", expected_date=future, by=self.charlie)
        self.assertEqual(ctx.exception.field, "reason")
        with self.assertRaises(InvalidInput) as ctx:
            actions.plan_case(case, reason="budget", expected_date=timezone.localdate(),
                              by=self.charlie)
        self.assertEqual(ctx.exception.field, "expected_date")
        actions.plan_case(case, reason="council_approval", expected_date=future,
                          by=self.charlie, note="در بودجه سال بعد")
        self.assertEqual((case.status, case.planned_reason, case.planned_date),
                         (Status.PLANNED, "council_approval", future))

    def test_resolve_needs_a_note_for_the_citizen(self) -> None:
        case = self.new_case()
        with self.assertRaises(InvalidInput):
            actions.resolve_case(case, note="", by=self.charlie)
        actions.resolve_case(case, note="آسفالت شد", by=self.charlie)
        self.assertEqual((case.status, case.result_note), (Status.RESOLVED, "آسفالت شد"))
        self.assertIsNotNone(case.resolved_at)

    def test_reopen_goes_back_to_the_same_unit(self) -> None:
        case = self.new_case()
        actions.resolve_case(case, note="done", by=self.charlie)
        actions.reopen_case(case, by=None, note="not really")
        self.assertEqual((case.status, case.unit), (Status.REOPENED, self.unit))
        self.assertIsNone(case.resolved_at)


class DuplicateTests(CityTestCase):
    def test_linking_a_duplicate_closes_it_and_its_caller_follows_the_original(self) -> None:
        original = self.new_case()
        duplicate = self.new_case(contact_phone="09351112233")
        actions.link_duplicate(duplicate, original=original, by=self.alice)
        self.assertEqual((duplicate.status, duplicate.duplicate_of), (Status.CLOSED, original))
        follower = Follower.objects.get(case=original)
        self.assertEqual(follower.phone, "+989351112233")

    def test_linking_to_a_duplicate_follows_the_chain_to_the_original(self) -> None:
        original = self.new_case()
        first = self.new_case(contact_phone="09351112233")
        second = self.new_case(contact_phone="09351112244")
        actions.link_duplicate(first, original=original, by=self.alice)
        actions.link_duplicate(second, original=first, by=self.alice)
        self.assertEqual(second.duplicate_of, original)
        self.assertEqual(original.followers.count(), 2)

    def test_a_request_cannot_duplicate_itself_or_a_finished_one(self) -> None:
        case = self.new_case()
        with self.assertRaises(InvalidInput):
            actions.link_duplicate(case, original=case, by=self.alice)
        done = self.new_case()
        actions.resolve_case(done, note="done", by=self.charlie)
        with self.assertRaises(InvalidInput):
            actions.link_duplicate(case, original=done, by=self.alice)
