from typing import Any

from django.core.management.base import CommandParser

from open137.audit.commands import AuditedCommand
from open137.cases import demo
from open137.cases.models import Case


class Command(AuditedCommand):
    help = "Create the demo users (one per role and unit) and about two thousand requests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="Password for every demo user (random if absent).")
        parser.add_argument("--requests", type=int, default=2000,
                            help="How many requests to create (default 2000).")
        parser.add_argument("--days", type=int, default=90, help="Spread over this many days.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or demo.random_password()
        logins = demo.create_users(password)
        if Case.objects.exists():
            self.stdout.write("Requests exist already; no demo requests added.")
        else:
            made = demo.create_cases(options["requests"], days=options["days"])
            self.stdout.write(f"Created {made} demo requests.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for username, role in logins:
            self.stdout.write(f"  {username:<24} {role}")
