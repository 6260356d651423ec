"""`open137 remove_two_factor USERNAME`: the way back in for someone who lost their phone,
also when no administrator can sign in to do it in the admin."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from open137.audit.commands import AuditedCommand
from open137.security.actions import remove_two_factor


class Command(AuditedCommand):
    help = "Remove a user's authenticator app; they set up a new one at their next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        remove_two_factor(user, by=None)
        self.stdout.write(f"{username} will set up two-step sign-in again at the next "
                          f"sign-in.")
