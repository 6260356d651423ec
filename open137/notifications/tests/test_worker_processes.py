"""Real worker processes against the test database: PostgreSQL only (SQLite runs one worker)."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from open137.notifications.models import DeliveryChannel, DeliveryState, Message
from open137.notifications.testing import LocalServer, sms_lines


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{quote(db['NAME'])}"


def queue(count: int) -> None:
    """`count` due SMS with distinct texts, written in one statement."""
    now = timezone.now()
    Message.objects.bulk_create([
        Message(channel=DeliveryChannel.SMS, kind="status_reply", recipient="+989121234567",
                text=f"message {i}", urgent=True, idempotency_key=f"bulk-{i}",
                created_at=now, next_attempt_at=now, expires_at=now + timedelta(hours=1))
        for i in range(count)])


@unittest.skipUnless(connection.vendor == "postgresql", "several workers need PostgreSQL")
class WorkerProcessTests(TransactionTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # The workers commit once per message; waiting for each commit to reach the disk
        # proves nothing about who sends what, and a throwaway database need not survive
        # a power cut.
        with connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit TO off")

    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        self.sms_file = self.folder / "sms.jsonl"

    def worker(self, **env: str) -> subprocess.Popen[bytes]:
        environment = {**os.environ, "DATABASE_URL": database_url(),
                       "DATA_DIR": str(self.folder), "SECRET_KEY": "worker-test",
                       "SMS_BACKEND": "file", "SMS_FILE_PATH": str(self.sms_file),
                       "SMS_QUIET_HOURS": "", "LOG_LEVEL": "ERROR", **env}
        return subprocess.Popen([sys.executable, "-m", "open137.cli", "worker", "--once"],
                                env=environment, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)

    def finish(self, process: subprocess.Popen[bytes]) -> None:
        _out, err = process.communicate(timeout=120)
        self.assertEqual(process.returncode, 0, err.decode())

    def test_two_workers_send_each_of_a_thousand_messages_exactly_once(self) -> None:
        queue(1000)
        workers = [self.worker(WORKER_BATCH="20"), self.worker(WORKER_BATCH="20")]
        for process in workers:
            self.finish(process)
        texts = Counter(line["text"] for line in sms_lines(self.sms_file))
        self.assertEqual(len(texts), 1000)
        self.assertEqual(set(texts.values()), {1})
        self.assertEqual(Message.objects.filter(status=DeliveryState.SENT).count(), 1000)

    def test_a_worker_killed_mid_batch_loses_nothing(self) -> None:
        queue(100)
        with LocalServer(delay=0.01) as gateway:
            gateway_env = {"SMS_BACKEND": "http", "SMS_HTTP_URL": gateway.url + "/send",
                           "SMS_HTTP_TEXT_PARAM": "text", "SMS_HTTP_TO_PARAM": "to",
                           "WORKER_BATCH": "20", "WORKER_LEASE_SECONDS": "1"}
            victim = self.worker(**gateway_env)
            deadline = time.monotonic() + 60
            while len(gateway.requests) < 25 and time.monotonic() < deadline:
                time.sleep(0.01)
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            self.assertLess(len(gateway.requests), 100, "the worker finished before the kill")
            stuck = Message.objects.filter(status=DeliveryState.SENDING).count()
            self.assertGreater(stuck, 0)
            time.sleep(1.2)  # the dead worker's lease runs out
            self.finish(self.worker(**gateway_env))
        received = Counter(r.params["text"] for r in gateway.requests)
        self.assertEqual(len(received), 100, "a message was lost")
        # Only the message in flight at the kill may have gone out twice.
        self.assertLessEqual(sum(n - 1 for n in received.values()), 1)
        self.assertEqual(Message.objects.filter(status=DeliveryState.SENT).count(), 100)
