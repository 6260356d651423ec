"""Crash safety and backups, with real processes on a throwaway database file."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase, skipUnlessDBFeature

from open137.cases import actions
from open137.cases.models import Case
from open137.cases.testing import set_up_city
from open137.directory.models import Subject
from open137.web.backup import backup, restore

CLI = [sys.executable, "-m", "open137.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Site:
    """A database file in a temporary folder, and the commands that run against it."""

    def __init__(self, folder: Path) -> None:
        self.db = folder / "db.sqlite3"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{self.db}",
                    "DATA_DIR": str(folder), "SMS_BACKEND": "console",
                    "RATE_LIMIT_OPEN311_POST": "0", "WEB_CONCURRENCY": "2"}

    def run(self, *args: str) -> str:
        result = subprocess.run([*CLI, *args], env=self.env, capture_output=True, text=True,
                                timeout=300, check=True)
        return result.stdout

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, in a stable order."""
        db = sqlite3.connect(self.db)
        try:
            tables = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
            return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)  # noqa: S608
                    for t in tables}
        finally:
            db.close()


class CrashSafetyTests(SimpleTestCase):
    def test_requests_acknowledged_before_a_sigkill_survive_whole(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            site = Site(Path(tmp))
            site.run("migrate", "-v0")
            site.run("load_city")
            site.run("collectstatic", "--noinput", "-v0")  # serve refuses to start without
            key = site.run("create_api_key", "crash-test").strip().splitlines()[-1]
            port = free_port()
            server = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=site.env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
            acknowledged: list[str] = []
            stop = threading.Event()

            def load() -> None:
                body = urllib.parse.urlencode({
                    "api_key": key, "service_code": "garbage", "lat": "35.835",
                    "long": "50.99", "description": "زباله جمع نشده"}).encode()
                url = f"http://127.0.0.1:{port}/open311/v2/requests.json"
                while not stop.is_set():
                    try:
                        with urllib.request.urlopen(url, body, timeout=5) as r:
                            acknowledged.append(json.load(r)[0]["service_request_id"])
                    except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                        time.sleep(0.05)

            threads = [threading.Thread(target=load) for _ in range(3)]
            for t in threads:
                t.start()
            deadline = time.monotonic() + 60
            while len(acknowledged) < 40 and time.monotonic() < deadline:
                time.sleep(0.05)
            os.killpg(server.pid, signal.SIGKILL)  # mid-load: requests are in flight
            server.wait()
            stop.set()
            for t in threads:
                t.join()
            self.assertGreaterEqual(len(acknowledged), 40)

            db = sqlite3.connect(site.db)
            try:
                ids = {str(r[0]) for r in db.execute("SELECT id FROM cases_case")}
                self.assertLessEqual(set(acknowledged), ids)
                # Nothing half-written: every request has its receipt and its routing step,
                # and its status is the one its last event led to.
                for case_id, status in db.execute("SELECT id, status FROM cases_case"):
                    steps = [r for r in db.execute(
                        "SELECT step, to_status FROM cases_caseevent WHERE case_id=? "
                        "ORDER BY at, id", (case_id,))]
                    self.assertEqual(steps[0][0], "receive")
                    self.assertIn(steps[1][0], {"refer", "triage"})
                    self.assertEqual(steps[-1][1], status)
            finally:
                db.close()

            # The restarted server serves what was acknowledged.
            server = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=site.env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
            try:
                url = (f"http://127.0.0.1:{port}/open311/v2/requests.json?service_request_id="
                       + ",".join(acknowledged[:20]))
                for _ in range(100):
                    try:
                        with urllib.request.urlopen(url, timeout=5) as r:
                            served = {row["service_request_id"] for row in json.load(r)}
                        break
                    except (urllib.error.URLError, ConnectionError, OSError):
                        time.sleep(0.1)
                self.assertEqual(served, set(acknowledged[:20]))
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait()


class BackupRoundTripTests(SimpleTestCase):
    def test_restore_brings_back_every_row_of_every_table(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            site = Site(Path(tmp))
            site.run("migrate", "-v0")
            site.run("load_city")
            site.run("demo", "--password", "demo-pass-137", "--requests", "40")
            before = site.rows()
            dump = Path(tmp) / "backup.sqlite3"
            self.assertEqual(site.run("backup", str(dump)).strip(), str(dump))
            db = sqlite3.connect(site.db)
            db.execute("DELETE FROM cases_follower")
            db.execute("DELETE FROM cases_caseevent WHERE id % 2 = 0")
            db.execute("UPDATE cases_case SET description = 'changed'")
            db.commit()
            db.close()
            self.assertNotEqual(site.rows(), before)
            site.run("restore", "--yes", str(dump))
            self.assertEqual(site.rows(), before)


@skipUnlessDBFeature("has_select_for_update_skip_locked")
class PostgresBackupRoundTripTests(TransactionTestCase):
    """pg_dump and pg_restore round trip on the test database itself."""

    works_subject: Subject

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            result = {}
            for table in tables:
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
                result[table] = sorted(cursor.fetchall(), key=repr)
            return result

    def test_pg_restore_brings_back_every_row_of_every_table(self) -> None:
        set_up_city(self)
        for i in range(5):
            case = actions.receive_case(subject=self.works_subject, channel="phone", by=None,
                                        description=f"مورد {i}", contact_phone="09121234567")
            actions.resolve_case(case, note="انجام شد", by=None)
        before = self.snapshot()
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / "backup.dump"
            backup(dump)
            Case.objects.all().delete()
            self.assertNotEqual(self.snapshot(), before)
            restore(dump)
        self.assertEqual(self.snapshot(), before)
