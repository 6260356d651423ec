from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from open137.oversight.actions import refresh_rollups


class Command(BaseCommand):
    help = ("Count the dashboard's settled requests in advance for every month changed since "
            "the last refresh (the worker does it every few minutes; run it after a large "
            "import to make the dashboard fast at once).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="Count every month again.")

    def handle(self, *args: Any, full: bool = False, **options: Any) -> None:
        months = refresh_rollups(full=full)
        self.stdout.write(self.style.SUCCESS(f"{len(months)} months counted."))
