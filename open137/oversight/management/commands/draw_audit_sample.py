from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from open137.core.errors import DomainError
from open137.oversight.actions import draw_audit_sample
from open137.oversight.forms import this_month
from open137.oversight.periods import Month


class Command(BaseCommand):
    help = ("Draw the quality-audit sample of a finished Jalali month (last month by default) "
            "for every unit; a unit's sample already drawn is kept.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="The Jalali month, like 1405-08.")
        parser.add_argument("--size", type=int, help="Requests per unit (AUDIT_SAMPLE_SIZE).")

    def handle(self, *args: Any, month: str | None = None, size: int | None = None,
               **options: Any) -> None:
        try:
            chosen = Month.parse(month) if month else this_month().previous()
            samples = draw_audit_sample(month=chosen, by=None, size=size)
        except DomainError as error:
            raise CommandError(str(error)) from error
        for sample in samples:
            self.stdout.write(f"{sample.unit.code}: {sample.items.count()} of "
                              f"{sample.population} (seed {sample.seed})")
        self.stdout.write(self.style.SUCCESS(
            f"{chosen}: {len(samples)} unit samples." if samples
            else f"{chosen}: no finished requests to sample."))
