"""Commands that change configuration record their changes as the command line's."""

from typing import Any

from django.core.management.base import BaseCommand

from open137.audit.actions import command_line


class AuditedCommand(BaseCommand):
    """A management command whose changes are noted as `open137 <name>` run by the OS user."""

    def execute(self, *args: Any, **options: Any) -> Any:
        with command_line(type(self).__module__.rsplit(".", 1)[-1]):
            return super().execute(*args, **options)
