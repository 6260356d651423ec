import sys
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from open137.core.errors import DomainError
from open137.imports import actions
from open137.imports.importer import (
    DEFAULT_BATCH,
    ImportStopped,
    Progress,
    default_reject_path,
    import_file,
)
from open137.imports.mapping import Mapping, MappingError, find_mapping, read_mapping
from open137.imports.models import ImportRun
from open137.imports.sources import SourceError


class Command(BaseCommand):
    help = ("Import requests from CSV files (with a column mapping) or an Open311 "
            "requests.json, with their history; resumable, bad rows to a reject file.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE",
                            help="CSV (.csv or .csv.gz) or Open311 JSON files.")
        parser.add_argument("--mapping", help="A mapping file, or the name of one in a city "
                            "pack's mappings/ folder (default for JSON: open311).")
        parser.add_argument("--city-pack", type=Path,
                            help="Load (or update) this city pack first.")
        parser.add_argument("--reject-file", type=Path,
                            help="Where rejected rows go (default: DATA_DIR/imports/).")
        parser.add_argument("--resume", action="store_true",
                            help="Go on from where the last unfinished import of each file "
                            "stopped.")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH,
                            help="Rows per transaction (default %(default)s).")
        parser.add_argument("--limit", type=int,
                            help="Stop after this many rows of each file (resume later).")
        parser.add_argument("--rebuild-indexes", action="store_true",
                            help="A first import into an installation without requests, "
                            "before it opens: load without the secondary indexes and foreign "
                            "keys and make them again at the end, all in one transaction "
                            "(much faster; the installation waits until it ends, and an "
                            "interruption imports nothing).")
        parser.add_argument("--language", default=None,
                            help="Language of messages and reject reasons: fa or en.")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or translation.get_language()):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        files = [Path(f) for f in options["files"]]
        reject_file = Path(options["reject_file"]) if options["reject_file"] else None
        for path in files:
            if not path.is_file():
                raise CommandError(_("There is no file at %(path)s.") % {"path": path})
        if options["batch_size"] < 1:
            raise CommandError(_("The batch size must be at least 1."))
        if options["city_pack"]:
            call_command("load_city", str(options["city_pack"]), stdout=self.stdout)
        name = options["mapping"]
        if not name:
            if not all(".json" in p.name for p in files):
                raise CommandError(_("A CSV file needs a mapping: give --mapping."))
            name = "open311"
        try:
            mapping = read_mapping(find_mapping(name))
        except MappingError as e:
            raise CommandError(str(e)) from e
        if not options["rebuild_indexes"]:
            self._import(files, mapping, reject_file, options)
            return
        try:
            with actions.indexes_rebuilt() as remake:
                self._import(files, mapping, reject_file, options)
                began = time.monotonic()
        except DomainError as e:
            raise CommandError(str(e)) from e
        except KeyboardInterrupt:
            raise CommandError(_("Stopped. Nothing was imported: an import with "
                                 "--rebuild-indexes is one transaction.")) from None
        if options["verbosity"] > 0:
            self.stdout.write(_("%(count)s indexes and keys made again in %(seconds)s s.")
                              % {"count": len(remake),
                                 "seconds": f"{time.monotonic() - began:.1f}"})

    def _import(self, files: list[Path], mapping: Mapping, reject_file: Path | None,
                options: dict[str, Any]) -> None:
        verbose = options["verbosity"] > 0
        totals = {"rows": 0, "imported": 0, "rejected": 0, "skipped": 0}
        started = time.monotonic()
        for i, path in enumerate(files):
            began = time.monotonic()
            progress = Progress(path.name, enabled=verbose,
                                stream=getattr(self.stderr, "_out", sys.stderr))
            try:
                run = import_file(
                    path, mapping, resume=options["resume"],
                    reject_path=reject_file, append_rejects=i > 0 and reject_file is not None,
                    batch_size=options["batch_size"], limit=options["limit"], progress=progress,
                )
            except (MappingError, SourceError, ImportStopped, DomainError) as e:
                raise CommandError(f"{path.name}: {e}") from e
            except KeyboardInterrupt:
                if options["rebuild_indexes"]:
                    raise
                raise CommandError(_("Stopped. What was imported is kept; run the same "
                                     "command with --resume to go on.")) from None
            self._report(run, time.monotonic() - began, path, progress.rows_now)
            for key in totals:
                totals[key] += getattr(run, key)
        if len(files) > 1:
            self.stdout.write(_("All files: %(rows)s rows read, %(imported)s imported, "
                                "%(rejected)s rejected, %(skipped)s imported before, "
                                "in %(seconds)s s.")
                              % {**{k: f"{v:,}" for k, v in totals.items()},
                                 "seconds": f"{time.monotonic() - started:.1f}"})

    def _report(self, run: ImportRun, seconds: float, path: Path, rows_now: int) -> None:
        self.stdout.write(_("%(file)s: %(rows)s rows read, %(imported)s imported, "
                            "%(rejected)s rejected, %(skipped)s imported before, in "
                            "%(seconds)s s (%(rate)s rows/s).") % {
            "file": path.name, "rows": f"{run.rows:,}", "imported": f"{run.imported:,}",
            "rejected": f"{run.rejected:,}", "skipped": f"{run.skipped:,}",
            "seconds": f"{seconds:.1f}", "rate": f"{rows_now / max(seconds, 1e-6):,.0f}"})
        for reason, count in sorted(run.reasons.items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  {reason}: {count:,}")
        if run.rejected:
            self.stdout.write(_("Rejected rows and their reasons: %(path)s")
                              % {"path": run.reject_file or default_reject_path(path)})
        if not run.finished:
            self.stdout.write(_("Stopped before the end of the file; --resume goes on."))
