from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from open137.directory.actions import default_pack_path
from open137.directory.citypack import PackError, read_pack
from open137.intelligence import classifier, report, training


def default_report_path() -> Path:
    """docs/classifier-report.md in a source checkout, else beside the saved models."""
    docs = Path(settings.BASE_DIR) / "docs"
    return docs / "classifier-report.md" if docs.is_dir() else (
        classifier.models_dir() / "classifier-report.md")


class Command(BaseCommand):
    help = ("Train the subject classifier on the city pack's examples and the centre's "
            "confirmed requests, report its cross-validated accuracy and save a new version.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--folds", type=int, default=5,
                            help="cross-validation folds (default 5)")
        parser.add_argument("--no-cv", action="store_true",
                            help="train and save without measuring")
        parser.add_argument("--compare", action="store_true",
                            help="also measure the other candidate models, on the same folds")
        parser.add_argument("--pack-only", action="store_true",
                            help="use the pack's examples only, not the confirmed requests")
        parser.add_argument("--report", type=Path,
                            help="where to write the Markdown report "
                                 "(default docs/classifier-report.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        examples = training.training_examples(confirmed=not options["pack_only"])
        if len(set(examples.labels)) < 2:
            raise CommandError("Too few training examples: the city pack needs a training/ "
                               "folder of CSV files with the columns subject,text.")
        self.stdout.write(f"{len(examples)} examples ({examples.pack} from the pack "
                          f"“{examples.pack_name}”, {examples.confirmed} confirmed requests), "
                          f"{len(set(examples.labels))} subjects")
        evaluation = None
        comparison = []
        if not options["no_cv"]:
            if options["folds"] < 2:
                raise CommandError("Cross-validation needs at least 2 folds.")
            evaluation = training.cross_validate(examples.texts, examples.labels,
                                                 folds=options["folds"])
            comparison.append((classifier.CHOSEN, evaluation))
            if options["compare"]:
                for name in classifier.CANDIDATES:
                    if name != classifier.CHOSEN:
                        self.stdout.write(f"measuring {name}...")
                        comparison.append((name, training.cross_validate(
                            examples.texts, examples.labels, folds=options["folds"],
                            candidate=name)))
            for line in report.summary_lines(evaluation):
                self.stdout.write(line)
        version, meta = training.train(examples, evaluation=evaluation)
        self.stdout.write(self.style.SUCCESS(
            f"Saved classifier version {version} in {classifier.models_dir()}."))
        if evaluation is not None:
            path = options["report"] or default_report_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(report.render(
                examples=examples, evaluation=evaluation, command=self._command(options),
                names=self._names(), version=version, trained_at=meta["trained_at"],
                min_score=settings.CLASSIFIER_MIN_SCORE,
                comparison=comparison if options["compare"] else ()), encoding="utf-8")
            self.stdout.write(f"Report written to {path}.")

    def _command(self, options: dict[str, Any]) -> str:
        parts = ["open137 train_classifier"]
        if options["folds"] != 5:
            parts.append(f"--folds {options['folds']}")
        parts += [flag for flag, on in (("--compare", options["compare"]),
                                        ("--pack-only", options["pack_only"])) if on]
        return " ".join(parts)

    def _names(self) -> dict[str, Any]:
        try:
            names = report.names_by_code()
        except DatabaseError:  # a fresh installation, before migrate
            names = {}
        if names:
            return names
        try:
            return {s.code: s.fa for s in read_pack(default_pack_path()).subjects}
        except PackError:
            return {}
