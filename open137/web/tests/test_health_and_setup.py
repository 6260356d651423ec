import io
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from open137.cases.models import Case, CaseEvent
from open137.cases.workflow import Status
from open137.directory.actions import load_city
from open137.directory.models import Staff, Unit
from open137.settings import database_from_url


class HealthTests(TestCase):
    def test_healthz_answers_200_when_the_database_is_reachable(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})

    def test_home_page_is_persian_and_right_to_left_by_default(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, '<html lang="fa" dir="rtl">')


class DemoTests(TestCase):
    def test_demo_creates_named_users_and_requests_through_the_actions(self) -> None:
        load_city()
        out = io.StringIO()
        call_command("demo", "--password", "demo-pass-1", "--requests", "120", stdout=out)
        for name in ["admin", "operator", "supervisor", "inspector", "council"]:
            self.assertTrue(User.objects.get(username=name).check_password("demo-pass-1"))
        for unit in Unit.objects.all():
            user = User.objects.get(username=unit.code.replace("/", "-"))
            self.assertEqual(user.staff.unit, unit)
        self.assertEqual(Staff.objects.get(user__username="admin").role, "admin")
        self.assertEqual(Case.objects.count(), 120)
        self.assertGreaterEqual(len(set(Case.objects.values_list("status", flat=True))), 5)
        # Every request's history starts with its receipt and ends in its current status.
        for case in Case.objects.all()[:50]:
            events = list(case.events.all())
            self.assertEqual(events[0].step, "receive")
            self.assertEqual(events[-1].to_status, case.status)
        self.assertFalse(CaseEvent.objects.filter(at__gt=timezone.now()).exists())
        self.assertIn("demo-pass-1", out.getvalue())
        self.assertTrue(Case.objects.filter(status=Status.CLOSED).exists())


class DatabaseUrlTests(SimpleTestCase):
    def test_sqlite_absolute_path(self) -> None:
        db = database_from_url("sqlite:////tmp/x/open137.sqlite3", Path("/data"))
        self.assertEqual(db["NAME"], "/tmp/x/open137.sqlite3")
        self.assertEqual(db["ENGINE"], "django.db.backends.sqlite3")

    def test_unset_means_embedded_sqlite_in_the_data_folder(self) -> None:
        self.assertEqual(database_from_url("", Path("/data"))["NAME"], "/data/open137.sqlite3")

    def test_postgres_url(self) -> None:
        db = database_from_url("postgres://u:p%40ss@db.example:6543/open137", Path("/data"))
        self.assertEqual((db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"],
                          db["PORT"]), ("django.db.backends.postgresql", "open137", "u", "p@ss",
                                        "db.example", "6543"))

    def test_unknown_scheme_is_refused(self) -> None:
        with self.assertRaisesMessage(ImproperlyConfigured, "DATABASE_URL"):
            database_from_url("mysql://x/y", Path("/data"))
