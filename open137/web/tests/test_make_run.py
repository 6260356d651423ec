"""`make run` on a fresh data folder: the server and the worker together, as a newcomer runs
them. A request sent on the portal with a phone gets its receipt SMS in the SMS file with no
other command, and Ctrl+C stops everything."""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from unittest import skipUnless

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)
PHONE = "۰۹۱۲ ۳۴۵ ۶۷۸۹"
# Generous bounds for a slow machine: failing here means "never", not "too slow".
START_WITHIN, SMS_WITHIN, STOP_WITHIN = 300, 120, 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, check, within: float, proc: subprocess.Popen, log: Path):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if proc.poll() is not None:
            raise AssertionError(f"make run ended before {what}:\n{log.read_text()[-3000:]}")
        time.sleep(1)
    raise AssertionError(f"no {what} within {within} s:\n{log.read_text()[-3000:]}")


@skipUnless(shutil.which("make"), "make is not installed")
@skipUnless((ROOT / "Makefile").exists() and (ROOT / ".venv" / ".installed").exists(),
            "not a source checkout set up by make")
class MakeRunTests(SimpleTestCase):
    def test_a_portal_request_with_a_phone_gets_its_receipt_sms_without_another_command(
            self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            port, log = free_port(), Path(tmp) / "make-run.log"
            env = {k: v for k, v in os.environ.items()
                   if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "SMS_BACKEND",
                                "SMS_FILE_PATH", "MAKEFLAGS", "MAKELEVEL", "MFLAGS",
                                "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
            env.update({"DATA_DIR": str(Path(tmp) / "var"), "PORT": str(port),
                        "DEMO_REQUESTS": "20", "DEMO_PASSWORD": "demo-pass-137",
                        "WEB_CONCURRENCY": "1", "WORKER_IDLE_SECONDS": "1"})
            with log.open("w") as out:
                # -o: the virtualenv is taken as it is (no reinstall inside a test).
                proc = subprocess.Popen(["make", "--no-print-directory", "-o", ".venv/.installed",
                                         "run"], cwd=ROOT, env=env, stdout=out,
                                        stderr=subprocess.STDOUT, start_new_session=True)
            try:
                site = f"http://127.0.0.1:{port}"
                wait_for("server", lambda: self.answers(f"{site}/healthz"), START_WITHIN,
                         proc, log)
                sms_file = Path(tmp) / "var" / "sms.jsonl"
                self.assertIn(str(sms_file), log.read_text())  # the path is printed
                code = self.report_on_the_portal(site)
                sms = wait_for("receipt SMS", lambda: self.sms_for(sms_file, code),
                               SMS_WITHIN, proc, log)
                self.assertEqual(sms["to"], "09123456789")  # the file backend writes it as dialled
            finally:
                os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C in the terminal
                try:
                    proc.wait(timeout=STOP_WITHIN)
                finally:
                    self.assert_all_stopped(proc.pid)

    def answers(self, url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def report_on_the_portal(self, site: str) -> str:
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with browser.open(f"{site}/", timeout=30) as page:
            html = page.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        form = {"csrfmiddlewaretoken": token, "subject": "asphalt", "kind": "request",
                "description": "چالهٔ بزرگ جلوی خانهٔ ۱۲", "lat": "35.835", "lon": "50.99",
                "address": "میدان آزادگی", "name": "", "phone": PHONE}
        request = urllib.request.Request(f"{site}/", data=urllib.parse.urlencode(form).encode(),
                                         headers={"Referer": f"{site}/"})
        with browser.open(request, timeout=30) as answer:
            html = answer.read().decode()
        digits = re.search(r'data-testid="tracking-code"[^>]*>([^<]+)<', html)
        self.assertIsNotNone(digits, html[:2000])
        return "".join(ch for ch in digits.group(1) if ch.isdigit()).translate(
            str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))

    def sms_for(self, path: Path, code: str) -> dict[str, str] | None:
        if not path.exists():
            return None
        for line in path.read_text(encoding="utf-8").splitlines():
            message = json.loads(line)
            text = message["text"].translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
            if code in re.sub(r"\D", "", text):
                return dict(message)
        return None

    def assert_all_stopped(self, group: int) -> None:
        deadline = time.monotonic() + STOP_WITHIN
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.5)
        os.killpg(group, signal.SIGKILL)
        self.fail("Ctrl+C left the server or the worker running")
