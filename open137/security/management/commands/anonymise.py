from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from open137.security.retention import anonymise_closed, due_for_anonymising


class Command(BaseCommand):
    help = ("Strip contact names, phones and emails (also of followers) from requests closed "
            "longer than --days (ANONYMISE_AFTER_DAYS, default 365).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help="Closed longer than this many days (default: the setting).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only count the requests that would be anonymised.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.ANONYMISE_AFTER_DAYS if options["days"] is None else options["days"]
        if days < 0:
            raise CommandError("--days must be zero or more.")
        now = timezone.now()
        if options["dry_run"]:
            count = due_for_anonymising(now, days).count()
            self.stdout.write(f"{count} requests closed over {days} days ago would be "
                              "anonymised.")
            return
        done = anonymise_closed(now, days)
        self.stdout.write(f"Anonymised {done} requests closed over {days} days ago.")
