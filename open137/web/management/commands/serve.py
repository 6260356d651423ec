import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the production web server (gunicorn); PORT, HOST and WEB_CONCURRENCY apply."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args: Any, **options: Any) -> None:
        # Two workers per core plus one is gunicorn's own rule of thumb for sync workers
        # that mostly wait on the database.
        workers = os.environ.get("WEB_CONCURRENCY") or str(2 * (os.cpu_count() or 1) + 1)
        argv = [
            sys.executable, "-m", "gunicorn", "open137.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", workers,
            "--timeout", os.environ.get("WEB_TIMEOUT", "30"),
            "--access-logfile", "-",
            "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/ "
                          f"with {workers} workers")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
