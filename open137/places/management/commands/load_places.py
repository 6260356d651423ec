from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from open137.audit.commands import AuditedCommand
from open137.places.actions import load_places
from open137.places.models import PlaceKind
from open137.places.sources import PlaceFileError, read_places


class Command(AuditedCommand):
    help = ("Load a city's gazetteer from an OpenStreetMap extract (.osm.pbf) or a GeoJSON "
            "FeatureCollection; all or nothing, and loading the same file again changes "
            "nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="An .osm.pbf or .geojson file.")
        parser.add_argument("--dataset", default="",
                            help="The name its places are kept under (default: the file's "
                                 "name); a later load under this name replaces them.")

    def handle(self, *args: Any, path: Path, dataset: str = "", **options: Any) -> None:
        def progress(line: str) -> None:
            self.stdout.write(f"… {line}")
            self.stdout.flush()

        self.stdout.write(f"Reading {path.name}")
        try:
            report = load_places(path, dataset=dataset, progress=progress, by=None)
        except PlaceFileError as e:
            # Said in both languages: whoever runs this may read either.
            lines = []
            for lang in ("fa", "en"):
                with translation.override(lang):
                    try:
                        read_places(path)
                    except PlaceFileError as again:
                        lines.append(str(again))
            raise CommandError("\n".join(lines or [str(e)]) + "\nNothing was loaded.") from e
        kinds = ", ".join(f"{kind} {report.kinds[kind]:,}" for kind in PlaceKind.values
                          if report.kinds[kind])
        self.stdout.write(f"places in the file: {kinds or 'none'}")
        self.stdout.write(", ".join(f"{k} {report.outcomes[k]:,}" for k in
                                    ("created", "updated", "deleted", "unchanged")))
        self.stdout.write(f"outside every district: {report.outside:,}")
        self.stdout.write(self.style.SUCCESS(
            f"Gazetteer {report.dataset} loaded." if report.changed
            else f"Gazetteer {report.dataset} already up to date."))
