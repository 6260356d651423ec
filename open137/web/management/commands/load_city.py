"""`open137 load_city`: the city pack, then the working calendar.

It lives here, above both, because it composes the directory's load with the deadlines'
calendar seed; the directory itself never reaches up to the deadlines.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from open137.audit.commands import AuditedCommand
from open137.deadlines.actions import seed_calendar
from open137.directory.actions import LoadReport, default_pack_path, load_city
from open137.directory.citypack import PackError, read_pack


class Command(AuditedCommand):
    help = "Load or update a city pack (the default pack when no path is given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="A city pack folder.")

    def handle(self, *args: Any, path: Path | None = None, **options: Any) -> None:
        try:
            with transaction.atomic():
                report = load_city(path, by=None)
                added = seed_calendar(by=None)
        except PackError as e:
            # Said in both languages: whoever runs this may read either.
            lines = []
            for lang in ("fa", "en"):
                with translation.override(lang):
                    try:
                        read_pack(path or default_pack_path())
                    except PackError as again:
                        lines.append(str(again))
            raise CommandError("\n".join(lines or [str(e)])) from e
        # Like load_places and Django's own commands, the summary is in English throughout
        # (the models' names too); a broken pack is explained in both languages above.
        with translation.override("en"):
            self.summarise(report, added)

    def summarise(self, report: LoadReport, added: int) -> None:
        for name, counts in sorted(report.counts.items()):
            summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            self.stdout.write(f"{report.labels[name]}: {summary}")
        if added:
            self.stdout.write(f"holidays: created {added}")
        if report.capped:
            self.stdout.write(
                "first-action targets longer than the result target (the first-action "
                "deadline is capped at the result deadline): " + ", ".join(report.capped))
        else:
            self.stdout.write("first-action deadlines: none after its result deadline "
                              "(a first-action deadline is always capped at the result one)")
        self.stdout.write(self.style.SUCCESS("City pack loaded." if report.changed
                                             else "City pack already up to date."))
