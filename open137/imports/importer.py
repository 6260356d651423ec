"""The import loop: read a file in batches, convert, import, checkpoint, report rejects.

Memory stays flat whatever the file's size: one batch of records is held at a time. Each
batch is one transaction that also moves the run's checkpoint, so an import stopped at
any moment resumes after its last committed batch (`--resume`).
"""

import csv
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, connection
from django.utils import translation
from django.utils.translation import gettext as _

from open137.cases.models import Case, CaseEvent
from open137.imports import actions
from open137.imports.actions import Reject, User
from open137.imports.mapping import (
    Converter,
    Lookups,
    Mapping,
    RowError,
    check_against_city,
)
from open137.imports.models import ImportedRecord, ImportRun
from open137.imports.replay import ImportContext, ImportedCase, PlayedImport, play_imported
from open137.imports.sources import Record, Source, open_source

DEFAULT_BATCH = 5000
ATTEMPTS = 3
SWITCH_INTERVAL = 0.0002  # seconds; see _Ahead


def real_data_dir() -> Path:
    """Third-party data for tests and benchmarks: OPEN137_REAL_DATA or ../shared/data/real."""
    configured = os.environ.get("OPEN137_REAL_DATA", "")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "real"


def default_reject_path(path: Path) -> Path:
    """DATA_DIR/imports/<file name>-rejects.csv: never beside the (maybe read-only) input."""
    stem = path.name
    for suffix in (".gz", ".csv", ".json", ".txt"):
        stem = stem.removesuffix(suffix)
    return Path(settings.DATA_DIR) / "imports" / f"{stem}-rejects.csv"


class ImportStopped(Exception):
    """The import cannot go on (or cannot resume); the message says why."""


@dataclass
class Progress:
    """A plain progress line on stderr: rewritten in place on a terminal, else every 10%."""

    label: str
    stream: IO[str] = field(default_factory=lambda: sys.stderr)
    enabled: bool = True
    started: float = field(default_factory=time.monotonic)
    rows_now: int = 0  # rows read by this process, for the rate
    _shown: float = 0.0
    _tenth: int = -1

    def update(self, fraction: float, run: ImportRun, rows_now: int, *,
               final: bool = False) -> None:
        self.rows_now = rows_now
        if not self.enabled:
            return
        now = time.monotonic()
        tty = self.stream.isatty()
        tenth = int(fraction * 10)
        if not final and (now - self._shown < 0.5 if tty else tenth <= self._tenth):
            return
        self._shown, self._tenth = now, tenth
        elapsed = max(now - self.started, 1e-6)
        line = _("%(file)s %(percent)s%% · %(rows)s rows · %(rate)s rows/s · "
                 "%(rejected)s rejected") % {
            "file": self.label, "percent": f"{fraction * 100:5.1f}", "rows": f"{run.rows:,}",
            "rate": f"{rows_now / elapsed:,.0f}", "rejected": f"{run.rejected:,}"}
        if tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class RejectFile:
    """The rejected records with their row, reason and message, as CSV."""

    def __init__(self, path: Path, header: list[str] | None, *, append: bool) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not append or not path.exists() or path.stat().st_size == 0
        self.path = path
        self.file = path.open("a" if append else "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.file)
        self.csv = header is not None
        if fresh:
            self.writer.writerow(["row", "reason", "message",
                                  *(header if header is not None else ["record"])])

    def write(self, rejects: list[Reject], raw: dict[int, Any]) -> None:
        for r in rejects:
            record = raw.get(r.row, [])
            self.writer.writerow([r.row, r.reason, r.message,
                                  *(record if self.csv else [record])])
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def import_file(path: Path, mapping: Mapping, *, by: User = None, resume: bool = False,
                reject_path: Path | None = None, append_rejects: bool = False,
                batch_size: int = DEFAULT_BATCH, limit: int | None = None,
                progress: Progress | None = None) -> ImportRun:
    """Import one file with a checked mapping; the run holds the counts and the checkpoint.

    With `resume`, the last unfinished run of the same file and source goes on from its
    checkpoint; otherwise a new run starts at the beginning (ids imported before are
    skipped, so nothing is imported twice). `limit` stops after that many records and
    leaves the run open for a later resume.
    """
    path = path.resolve()
    lookups = Lookups.load()
    check_against_city(mapping, lookups)
    source = open_source(path, mapping.format, encoding=mapping.encoding,
                         delimiter=mapping.delimiter)
    converter = Converter(mapping, lookups, source.header, path.name)
    run = _resumable(path, mapping) if resume else None
    if resume and run is None:
        raise ImportStopped(_("There is no unfinished import of this file to resume."))
    if run is not None and run.file_size != path.stat().st_size:
        raise ImportStopped(_("The file has changed since the import stopped; start it "
                              "again without --resume."))
    reject_path = reject_path or (Path(run.reject_file) if run and run.reject_file
                                  else default_reject_path(path))
    if run is None:
        run = actions.start_import(source=mapping.source, path=path, mapping=mapping.path,
                                   reject_file=reject_path, by=by)
    rejects = RejectFile(reject_path, source.header, append=resume or append_rejects)
    try:
        _loop(run, source, converter, mapping, rejects, by=by, batch_size=batch_size,
              limit=limit, progress=progress)
    finally:
        rejects.close()
    return run


def _resumable(path: Path, mapping: Mapping) -> ImportRun | None:
    return (ImportRun.objects.filter(path=str(path), source=mapping.source,
                                     finished_at__isnull=True)
            .order_by("-started_at", "-pk").first())


@dataclass
class _Batch:
    """A batch read, converted and played, ready to be written."""

    records: list[Record]
    cases: list[tuple[int, ImportedCase]]
    bad: list[Reject]
    played: PlayedImport


def _loop(run: ImportRun, source: Source, converter: Converter, mapping: Mapping,
          rejects: RejectFile, *, by: User, batch_size: int, limit: int | None,
          progress: Progress | None) -> None:
    first_row = run.last_row + 1 if run.last_row else (1 if mapping.format == "open311" else 2)
    context = ImportContext(by)
    records = source.records(start=run.position, first_row=first_row)
    batches = (_prepare(batch, converter, context, json_records=mapping.format == "open311")
               for batch in _batches(records, batch_size, limit))
    read_now = 0
    # On PostgreSQL the next batch is read, converted and played in a second thread while
    # this one is written: the server does its part while Python does the other. SQLite
    # works inside this process and gives the interpreter back around every row it
    # writes; a busy second thread then makes each row wait for it, which costs more
    # than it saves.
    with _Ahead(batches, threaded=connection.vendor == "postgresql") as ahead:
        for batch in ahead:
            read_now += len(batch.records)
            _write(run, batch, rejects, by=by)
            if progress:
                progress.update(source.progress(), run, read_now)
            if limit is not None and read_now >= limit:
                return
    actions.finish_import(run)
    if run.imported:
        _refresh_statistics()
    if progress:
        progress.update(1.0, run, read_now, final=True)


def _batches(records: Iterator[Record], size: int, limit: int | None) -> Iterator[list[Record]]:
    """Records in batches of `size`, the last one cut at `limit` records."""
    batch: list[Record] = []
    read = 0
    for record in records:
        batch.append(record)
        if len(batch) >= size or (limit is not None and read + len(batch) >= limit):
            read += len(batch)
            yield batch
            batch = []
            if limit is not None and read >= limit:
                return
    if batch:
        yield batch


_END = object()


class _Ahead:
    """Runs an iterator in a thread, one item ahead of the loop that takes its items.

    The iterator must not touch the database: the thread would have its own connection,
    outside the import's transaction.
    """

    def __init__(self, items: Iterator[Any], *, threaded: bool = True) -> None:
        self.items, self.threaded = items, threaded
        self.queue: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=1)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(translation.get_language(),),
                                       name="import-prepare", daemon=True)

    def __enter__(self) -> "_Ahead":
        if not self.threaded:
            return self
        # The writing thread waits on the database thousands of times a batch, and each
        # time it wants the interpreter back it would wait up to the switch interval
        # (5 ms) while this thread computes: ask for a shorter one meanwhile.
        self.interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self.interval, SWITCH_INTERVAL))
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.threaded:
            close = getattr(self.items, "close", None)
            if close is not None:
                close()
            return
        self.stopped.set()
        self.thread.join()
        sys.setswitchinterval(self.interval)

    def __iter__(self) -> Iterator[Any]:
        if not self.threaded:
            yield from self.items
            return
        while True:
            item, error = self.queue.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item

    def _run(self, language: str | None) -> None:
        # Messages of rejected rows are written in the import's language, which the
        # command activated in its own thread only.
        if language:
            translation.activate(language)
        try:
            for item in self.items:
                if not self._put((item, None)):
                    return
            self._put((_END, None))
        except BaseException as e:  # handed to the taking thread, raised there
            self._put((None, e))
        finally:
            close = getattr(self.items, "close", None)
            if close is not None:
                close()

    def _put(self, entry: tuple[Any, BaseException | None]) -> bool:
        """Hand an entry over, unless the taker has stopped; False then."""
        while not self.stopped.is_set():
            try:
                self.queue.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False


def _refresh_statistics() -> None:
    """ANALYZE the tables an import grew, on PostgreSQL.

    Autovacuum gets round to it eventually; until then the planner sees the tables as
    they were before the import and can pick a bad plan (and spend half a second in JIT
    compilation on a query that returns one row).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return  # a caller's transaction (indexes_rebuilt) analyzes at its end
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table)
                       for m in (Case, CaseEvent, ImportedRecord))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _prepare(batch: list[Record], converter: Converter, context: ImportContext, *,
             json_records: bool) -> _Batch:
    """Convert a batch's records and play their histories: no database needed."""
    cases: list[tuple[int, ImportedCase]] = []
    bad: list[Reject] = []
    for record in batch:
        try:
            if json_records and not isinstance(record.values, dict):
                raise RowError("not_an_object", _("The record is not a JSON object."))
            cases.append((record.row, converter.convert(record.values, record.row)))
        except RowError as e:
            bad.append(Reject(record.row, e.reason, e.message))
    played = play_imported([case for _row, case in cases], context=context)
    return _Batch(batch, cases, bad, played)


def _write(run: ImportRun, batch: _Batch, rejects: RejectFile, *, by: User) -> None:
    last = batch.records[-1]
    for attempt in range(ATTEMPTS):
        try:
            done = actions.import_batch(run, cases=batch.cases, rejects=batch.bad,
                                        rows_read=len(batch.records), last_row=last.row,
                                        position=last.position, by=by, played=batch.played)
            break
        except IntegrityError:
            # Another writer took a tracking code or an id between our check and insert;
            # the batch was rolled back whole, so trying again is safe.
            if attempt == ATTEMPTS - 1:
                raise
    if done:
        rejects.write(done, {r.row: r.raw for r in batch.records})
