"""`open137 message_templates`: write the built-in wording into the admin's templates."""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from open137.audit.commands import AuditedCommand
from open137.notifications.actions import write_default_templates


class Command(AuditedCommand):
    help = ("Copy the built-in message texts into editable templates, one per kind and "
            "language; existing templates are kept unless --overwrite is given.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--overwrite", action="store_true",
                            help="Replace templates that were edited with the built-in text.")

    def handle(self, *args: Any, overwrite: bool = False, **options: Any) -> None:
        languages = [code for code, _name in settings.LANGUAGES]
        written = write_default_templates(languages=languages, overwrite=overwrite, by=None)
        self.stdout.write(f"{written} templates written.")
