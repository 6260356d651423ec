import tempfile
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

from django.contrib.admin.sites import site
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from open137.core.text import persian_digits
from open137.notifications import actions, jobs
from open137.notifications.models import DeliveryState, JobRun, Message
from open137.notifications.testing import sms_lines
from open137.notifications.worker import claim, deliver_due, still_ours


def queue(count: int, *, now: datetime | None = None) -> list[Message]:
    messages = []
    for i in range(count):
        message = actions.enqueue_sms(to="+989121234567", kind="status_reply",
                                      values={"code": str(i), "status": "ok"},
                                      key=f"m-{i}", urgent=True, now=now)
        assert message is not None
        messages.append(message)
    return messages


class FileSmsTestCase(TestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.sms_file = Path(folder.name) / "sms.jsonl"
        settings = override_settings(SMS_BACKEND="file", SMS_FILE_PATH=str(self.sms_file),
                                     WORKER_BATCH=10, WORKER_LEASE_SECONDS=300)
        settings.enable()
        self.addCleanup(settings.disable)


class ClaimTests(FileSmsTestCase):
    def test_two_claims_take_disjoint_batches(self) -> None:
        queue(25)
        now = timezone.now()
        first = claim(now=now, token="a" * 32, limit=10)
        second = claim(now=now, token="b" * 32, limit=10)
        third = claim(now=now, token="c" * 32, limit=10)
        self.assertEqual((len(first), len(second), len(third)), (10, 10, 5))
        ids = [{m.pk for m in batch} for batch in (first, second, third)]
        self.assertFalse(ids[0] & ids[1] or ids[1] & ids[2])
        self.assertEqual(claim(now=now, token="d" * 32, limit=10), [])

    def test_a_worker_that_died_after_claiming_loses_nothing(self) -> None:
        queue(15)
        now = timezone.now()
        dead = claim(now=now, token="dead" * 8, limit=10)  # and then it was killed
        self.assertEqual(deliver_due(now=now)["sent"], 5)
        self.assertEqual(Message.objects.filter(status=DeliveryState.SENDING).count(), 10)
        later = now + timedelta(seconds=301)
        self.assertEqual(deliver_due(now=later)["sent"], 10)
        # Were the stalled worker to wake up, its rows are no longer its own to send.
        self.assertEqual(still_ours(dead, token="dead" * 8, now=later), [])
        self.assertEqual(len(sms_lines(self.sms_file)), 15)
        self.assertEqual(Message.objects.filter(status=DeliveryState.SENT).count(), 15)

    def test_a_worker_keeps_the_rows_it_still_owns(self) -> None:
        queue(3)
        now = timezone.now()
        batch = claim(now=now, token="a" * 32, limit=10)
        self.assertEqual(still_ours(batch, token="a" * 32, now=now), batch)
        self.assertEqual(Message.objects.filter(lease_until__gt=now).count(), 3)

    def test_everything_due_is_sent_exactly_once(self) -> None:
        queue(35)
        self.assertEqual(deliver_due()["sent"], 35)
        self.assertEqual(deliver_due().total(), 0)
        texts = [line["text"] for line in sms_lines(self.sms_file)]
        self.assertEqual(len(texts), len(set(texts)), 35)

    def test_a_message_not_yet_due_waits(self) -> None:
        queue(1, now=timezone.now() + timedelta(hours=1))
        self.assertEqual(deliver_due().total(), 0)
        self.assertEqual(deliver_due(now=timezone.now() + timedelta(hours=2))["sent"], 1)


class RetryTests(FileSmsTestCase):
    def test_an_unknown_backend_fails_the_message_instead_of_leaving_it_sending(self) -> None:
        [message] = queue(1)
        with self.settings(SMS_BACKEND="pigeon"), \
                self.assertLogs("open137.notifications", "WARNING"):
            deliver_due()
        message.refresh_from_db()
        self.assertEqual(message.status, DeliveryState.FAILED)
        self.assertIn("pigeon", message.last_error)

    def test_the_admin_can_send_dead_messages_again(self) -> None:
        [message] = queue(1)
        Message.objects.filter(pk=message.pk).update(status=DeliveryState.DEAD, attempts=9,
                                                     last_error="gateway down")
        admin = User.objects.create_superuser("admin", password=None)
        self.client.force_login(admin)
        page = self.client.get("/admin/notifications/message/?status__exact=dead")
        self.assertContains(page, persian_digits("+989121234567"))  # a Persian page
        with self.assertLogs("open137.notifications", "INFO"):
            response = self.client.post("/admin/notifications/message/", {
                "action": "retry", "_selected_action": [message.pk]})
        self.assertEqual(response.status_code, 302)
        message.refresh_from_db()
        self.assertEqual(message.status, DeliveryState.PENDING)
        self.assertEqual(deliver_due()["sent"], 1)
        self.assertIn(Message, site._registry)

    def test_the_admin_log_and_templates_pages_open(self) -> None:
        queue(1)
        admin = User.objects.create_superuser("admin", password=None)
        self.client.force_login(admin)
        for url in ["/admin/notifications/message/", "/admin/notifications/deliveryattempt/",
                    "/admin/notifications/messagetemplate/",
                    "/admin/notifications/messagetemplate/add/?kind=resolved&language=en",
                    "/admin/notifications/webhookendpoint/add/",
                    "/admin/notifications/jobrun/",
                    f"/admin/notifications/message/{Message.objects.get().pk}/change/"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        add = self.client.get("/admin/notifications/messagetemplate/add/?kind=resolved&language=en")
        self.assertContains(add, "Reply 1")

    def test_a_template_with_an_unknown_placeholder_is_refused_in_the_admin(self) -> None:
        admin = User.objects.create_superuser("admin", password=None)
        self.client.force_login(admin)
        with self.settings(LANGUAGE_CODE="en"):
            response = self.client.post("/admin/notifications/messagetemplate/add/", {
                "kind": "receipt", "language": "en", "subject": "",
                "text": "Code %(code)s, name %(name)s"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "name")


class PeriodicJobTests(FileSmsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.calls: list[datetime] = []
        jobs.periodic("test.count", every=timedelta(minutes=10))(self.calls.append)
        jobs.periodic("test.broken", every=timedelta(minutes=10))(self.broken)
        self.addCleanup(jobs._registry.pop, "test.count")
        self.addCleanup(jobs._registry.pop, "test.broken")

    def broken(self, now: datetime) -> None:
        raise RuntimeError("a bug in a job")

    def test_a_job_runs_once_per_interval_however_often_the_worker_asks(self) -> None:
        now = timezone.now()
        with self.assertLogs("open137.notifications", "ERROR"):
            jobs.run_due(now)
            jobs.run_due(now + timedelta(minutes=5))
            jobs.run_due(now + timedelta(minutes=11))
        self.assertEqual(self.calls, [now, now + timedelta(minutes=11)])

    def test_a_failing_job_is_recorded_and_does_not_stop_the_others(self) -> None:
        with self.assertLogs("open137.notifications", "ERROR"):
            results = jobs.run_due()
        self.assertEqual(results["test.broken"], "error")
        self.assertEqual(len(self.calls), 1)
        self.assertIn("a bug in a job", JobRun.objects.get(name="test.broken").last_error)

    def test_the_lifecycle_jobs_are_found_without_notifications_importing_them(self) -> None:
        names = {job.name for job in jobs.registered()}
        self.assertTrue({"cases.escalate", "cases.planned_due",
                         "cases.close_unanswered"} <= names)

    def test_worker_once_runs_every_job_and_delivers_everything_due(self) -> None:
        queue(3)
        out = StringIO()
        with self.assertLogs("open137.notifications", "ERROR"):
            call_command("worker", "--once", stdout=out)
            call_command("worker", "--once", stdout=StringIO())
        self.assertIn("sent 3", out.getvalue())
        self.assertEqual(len(self.calls), 2)
        self.assertEqual(len(sms_lines(self.sms_file)), 3)
