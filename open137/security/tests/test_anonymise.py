from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from open137.cases import actions
from open137.cases.models import Case, Follower
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Step
from open137.core.errors import DomainError
from open137.notifications.jobs import registered
from open137.security.retention import anonymise_closed


class AnonymiseTests(CityTestCase):
    def closed(self, days_ago: int, **contact: str) -> Case:
        at = timezone.now() - timedelta(days=days_ago)
        case = self.new_case(at=at - timedelta(days=1), **contact)
        actions.resolve_case(case, note="آسفالت شد", by=self.bob, at=at - timedelta(hours=2))
        actions.close_case(case, by=self.bob, at=at)
        case.refresh_from_db()
        return case

    def test_old_closed_requests_lose_contact_details_and_followers_phones(self) -> None:
        old = self.new_case(contact_name="مریم", contact_phone="09121234567",
                            contact_email="m@example.ir",
                            at=timezone.now() - timedelta(days=401))
        dup = self.new_case(contact_phone="09351112233",
                            at=timezone.now() - timedelta(days=401))
        actions.link_duplicate(dup, original=old, by=self.bob,
                               at=timezone.now() - timedelta(days=400, hours=12))
        actions.resolve_case(old, note="آسفالت شد", by=self.bob,
                             at=timezone.now() - timedelta(days=400, hours=2))
        actions.close_case(old, by=self.bob, at=timezone.now() - timedelta(days=400))
        self.assertTrue(Follower.objects.filter(case=old).exclude(phone="").exists())

        out = StringIO()
        call_command("anonymise", stdout=out)

        old.refresh_from_db()
        dup.refresh_from_db()
        self.assertEqual((old.contact_name, old.contact_phone, old.contact_email), ("", "", ""))
        self.assertEqual(dup.contact_phone, "")
        self.assertFalse(Follower.objects.filter(case=old).exclude(phone="", email="").exists())
        self.assertTrue(old.events.filter(step=Step.ANONYMISE).exists())
        self.assertEqual(old.status, "closed")
        self.assertIn("Anonymised 2 requests", out.getvalue())

    def test_recent_and_open_requests_keep_their_contact_details(self) -> None:
        recent = self.closed(30, contact_phone="09121234567")
        still_open = self.new_case(contact_phone="09121234568",
                                   at=timezone.now() - timedelta(days=500))
        self.assertEqual(anonymise_closed(timezone.now()), 0)
        recent.refresh_from_db()
        still_open.refresh_from_db()
        self.assertEqual(recent.contact_phone, "+989121234567")
        self.assertEqual(still_open.contact_phone, "+989121234568")

    def test_the_period_comes_from_days_or_the_setting(self) -> None:
        case = self.closed(30, contact_phone="09121234567")
        call_command("anonymise", "--days", "60", stdout=StringIO())
        case.refresh_from_db()
        self.assertEqual(case.contact_phone, "+989121234567")
        with override_settings(ANONYMISE_AFTER_DAYS=20):
            out = StringIO()
            call_command("anonymise", "--dry-run", stdout=out)
            self.assertIn("1 requests", out.getvalue())
            case.refresh_from_db()
            self.assertEqual(case.contact_phone, "+989121234567")
            call_command("anonymise", stdout=StringIO())
        case.refresh_from_db()
        self.assertEqual(case.contact_phone, "")

    def test_running_again_changes_nothing_more(self) -> None:
        case = self.closed(400, contact_phone="09121234567")
        self.assertEqual(anonymise_closed(timezone.now()), 1)
        self.assertEqual(anonymise_closed(timezone.now()), 0)
        self.assertEqual(case.events.filter(step=Step.ANONYMISE).count(), 1)

    def test_an_open_request_cannot_be_anonymised(self) -> None:
        with self.assertRaises(DomainError):
            actions.anonymise_case(self.new_case(contact_phone="09121234567"), by=self.bob)

    def test_the_worker_runs_it_daily(self) -> None:
        job = next(j for j in registered() if j.name == "security.anonymise")
        self.assertEqual(job.every, timedelta(days=1))
        case = self.closed(400, contact_name="علی")
        job.run(timezone.now())
        case.refresh_from_db()
        self.assertEqual(case.contact_name, "")
