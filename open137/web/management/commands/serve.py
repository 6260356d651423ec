import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from open137.web.datadir import ensure_secret_key, prepare_database_folders


class Command(BaseCommand):
    help = "Run the production web server (gunicorn); PORT, HOST and WEB_CONCURRENCY apply."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default=settings.HOST)

    def handle(self, *args: Any, **options: Any) -> None:
        # DATA_DIR and, on one machine without SECRET_KEY, the key file; a clear stop when
        # the key is missing where it may not be made up.
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        prepare_database_folders()
        ensure_secret_key(required=True)
        workers = str(settings.WEB_CONCURRENCY)
        argv = [
            sys.executable, "-m", "gunicorn", "open137.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", workers,
            "--timeout", str(settings.WEB_TIMEOUT),
            "--access-logfile", "-",
            "--forwarded-allow-ips", ",".join(settings.FORWARDED_ALLOW_IPS),
        ]
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/ "
                          f"with {workers} workers")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
