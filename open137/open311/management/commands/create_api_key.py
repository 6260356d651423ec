from typing import Any

from django.core.management.base import CommandError, CommandParser

from open137.audit.commands import AuditedCommand
from open137.cases.models import Channel
from open137.core.errors import InvalidInput
from open137.open311.actions import create_api_key


class Command(AuditedCommand):
    help = "Create an Open311 API key; the key is printed alone on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="who the key is for, such as the client system")
        parser.add_argument("--channel", default=Channel.OPEN311,
                            choices=[Channel.OPEN311.value, Channel.API.value],
                            help="the channel its requests are recorded under")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key, raw = create_api_key(name=options["name"], channel=options["channel"], by=None)
        except InvalidInput as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"API key “{key.name}” (channel {key.channel}, starts with "
                          f"{key.prefix}). Keep it secret; it is not shown again:")
        self.stdout.write(raw)
