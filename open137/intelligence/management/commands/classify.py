from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from open137.directory.models import Subject
from open137.intelligence.suggest import suggest


class Command(BaseCommand):
    help = "Suggest subjects for a description: code, Persian name and score, best first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", nargs="+", help="the description (quote it, or not)")
        parser.add_argument("-k", type=int, default=3, help="how many suggestions (default 3)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Subject.objects.filter(active=True).exists():
            raise CommandError("There are no subjects: load a city pack first "
                               "(open137 load_city).")
        found = suggest(" ".join(options["text"]), k=options["k"])
        names = dict(Subject.objects.filter(code__in=[c for c, _s in found])
                     .values_list("code", "name_fa"))
        for code, score in found:
            self.stdout.write(f"{code}\t{names.get(code, '')}\t{score:.3f}")
        if found and found[0][1] < settings.CLASSIFIER_MIN_SCORE:
            self.stderr.write(f"(below CLASSIFIER_MIN_SCORE={settings.CLASSIFIER_MIN_SCORE}: "
                              "not confident enough to route on its own)")
