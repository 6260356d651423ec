from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from open137.web.backup import restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `open137 backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not options["yes"] and input("Everything in the database will be replaced. "
                                        "Type yes to go on: ").strip() != "yes":
            raise CommandError("Nothing was restored.")
        try:
            restore(path)
        except FileNotFoundError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS(f"Restored from {path}."))
