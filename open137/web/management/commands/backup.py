from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from open137.web.backup import backup


class Command(BaseCommand):
    help = "Back up the whole database to a file (SQLite online backup or pg_dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path,
                            help="Where to write the backup (default: a dated file in var/).")

    def handle(self, *args: Any, path: Path | None = None, **options: Any) -> None:
        from django.conf import settings

        stamp = f"{timezone.now():%Y%m%d-%H%M%S}"
        path = path or settings.DATA_DIR / "backups" / f"open137-{stamp}.dump"
        backup(path)
        self.stdout.write(str(path))
