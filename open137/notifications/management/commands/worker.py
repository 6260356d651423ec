"""`open137 worker [--once]`: deliver the outbox and run the periodic jobs."""

import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from open137.notifications import jobs
from open137.notifications.worker import deliver_due


class Command(BaseCommand):
    help = ("Deliver queued SMS, email, webhooks and messenger messages, fetch the "
            "messenger's updates when it polls, and run the periodic jobs (deadlines, "
            "closing). Several workers may run at once. --once does what is due and exits.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="Run every job and deliver every due message, then exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        if once:
            jobs.listen(0)
            results = jobs.run_due(force=True)
            outcomes = deliver_due()
            self.report(results, outcomes)
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("Worker started; stop it with Ctrl+C or SIGTERM.")
        last_jobs = 0.0
        while not stop.is_set():
            close_old_connections()
            if time.monotonic() - last_jobs >= settings.WORKER_JOBS_SECONDS:
                jobs.run_due()
                last_jobs = time.monotonic()
            outcomes = deliver_due(batches=1, stop=stop)
            # Inbound work (a messenger's updates) is awaited instead of sleeping when idle.
            listened = jobs.listen(0 if outcomes else settings.WORKER_IDLE_SECONDS)
            if not outcomes and not listened:
                stop.wait(settings.WORKER_IDLE_SECONDS)
        self.stdout.write("Worker stopped.")

    def report(self, results: dict[str, str], outcomes: Any) -> None:
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")
        summary = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "nothing due"
        self.stdout.write(f"messages: {summary}")
