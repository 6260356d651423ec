"""Every write of an import: its run, each batch with its checkpoint, its end."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from open137.cases.models import Case, CaseEvent
from open137.core import bulk
from open137.core.errors import InvalidInput
from open137.imports.models import ImportedRecord, ImportRun
from open137.imports.replay import ImportedCase, PlayedImport, import_cases, save_imported

User = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class Reject:
    """A record that did not become a request, and why."""

    row: int
    reason: str
    message: str


def _user(by: User) -> Any:
    return by if isinstance(by, AbstractBaseUser) and by.is_authenticated else None


@transaction.atomic
def start_import(*, source: str, path: Path, mapping: Path, reject_file: Path | None,
                 by: User) -> ImportRun:
    """Open a new import run of a file, at its beginning."""
    return ImportRun.objects.create(
        source=source, path=str(path.resolve()), file_size=path.stat().st_size,
        mapping=str(mapping.resolve()), reject_file=str(reject_file or ""), started_by=_user(by),
    )


@transaction.atomic
def import_batch(run: ImportRun, *, cases: list[tuple[int, ImportedCase]],
                 rejects: list[Reject], rows_read: int, last_row: int, position: int,
                 by: User, played: PlayedImport | None = None) -> list[Reject]:
    """Import one batch and move the run's checkpoint past it, all in one transaction.

    A row whose id an earlier import brought in is skipped; one whose id came earlier in
    this same run is a duplicate and rejected. Returns every reject of the batch.
    `played` is the whole batch already played (play_imported), in the order of `cases`.
    """
    rejects = list(rejects)
    ids = [case.external_id for _row, case in cases]
    known = dict(bulk.select_in(ImportedRecord, "external_id", ids,
                                select=["external_id", "run_id"], source=run.source))
    fresh: list[tuple[int, ImportedCase]] = []
    positions: list[int] = []
    in_batch: set[str] = set()
    skipped = 0
    for position_in_batch, (row, case) in enumerate(cases):
        earlier = known.get(case.external_id)
        if earlier is not None and earlier != run.pk:
            skipped += 1
        elif earlier == run.pk or case.external_id in in_batch:
            rejects.append(Reject(row, "duplicate", _(
                "The id “%(id)s” came earlier in this file.") % {"id": case.external_id}))
        else:
            in_batch.add(case.external_id)
            fresh.append((row, case))
            positions.append(position_in_batch)
    if played is None:
        outcomes = import_cases([case for _row, case in fresh], by=by)
    else:
        outcomes = save_imported(played, keep=positions)
    records: list[dict[str, Any]] = []
    for (row, case), outcome in zip(fresh, outcomes, strict=True):
        if isinstance(outcome, InvalidInput):
            rejects.append(Reject(row, f"invalid:{outcome.field or 'row'}", str(outcome)))
        else:
            records.append({"source": run.source, "external_id": case.external_id,
                            "case_id": outcome, "run_id": run.pk})
    bulk.insert_rows(ImportedRecord, records)
    reasons = dict(run.reasons)
    for reject in rejects:
        reasons[reject.reason] = reasons.get(reject.reason, 0) + 1
    ImportRun.objects.filter(pk=run.pk).update(
        position=position, rows=run.rows + rows_read, last_row=last_row,
        imported=run.imported + len(records), rejected=run.rejected + len(rejects),
        skipped=run.skipped + skipped, reasons=reasons, updated_at=timezone.now(),
    )
    run.refresh_from_db()
    return sorted(rejects, key=lambda r: r.row)


@transaction.atomic
def finish_import(run: ImportRun) -> ImportRun:
    """Mark a run as complete: there is nothing left to resume."""
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    run.refresh_from_db()
    return run


# The tables a first import fills. During a rebuilt import they keep their primary keys and
# unique constraints (which guard the tracking codes and "never import a row twice").
REBUILT: tuple[type[models.Model], ...] = (Case, CaseEvent, ImportedRecord)


@contextmanager
def indexes_rebuilt() -> Iterator[list[str]]:
    """One transaction around a first import, with the tables' other indexes (and, on
    PostgreSQL, their foreign keys) dropped during the load and made again at its end.

    Sorting each index once is far cheaper than keeping some 45 index entries up to date
    row by row, and checking a foreign key once for the whole table than once per row.
    Only for an installation without requests, before it opens: the requests, their events,
    and (on PostgreSQL, through the dropped keys) the users and the city's directory stay
    locked until the end, so every other reader and writer waits; and rebuilding the
    indexes of millions of existing rows would cost more than it saves. DDL is
    transactional, so an error or an interruption rolls everything back, indexes and keys
    included: nothing is imported, and nothing is left without its indexes. Yields the
    statements that will remake them (for the report); they run when the block ends
    without an error.
    """
    with transaction.atomic():
        tables = [m._meta.db_table for m in REBUILT]
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A table with foreign key checks still pending cannot be altered: check
                # them now, and every later one at once (the load adds few: its tables'
                # keys are dropped).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"LOCK TABLE {', '.join(map(q, tables))} IN ACCESS EXCLUSIVE MODE")
            if Case.objects.exists():
                raise InvalidInput(_("Indexes are rebuilt only for a first import, into an "
                                     "installation without requests; import without "
                                     "--rebuild-indexes."), field="rebuild_indexes")
            drop, remake = _secondary(cursor, tables)
            for statement in drop:
                cursor.execute(statement)
        yield remake
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Sorting for an index build happens in memory up to this size, once.
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in remake:
                cursor.execute(statement)
            cursor.execute(f"ANALYZE {', '.join(map(q, tables))}" if connection.vendor ==
                           "postgresql" else "ANALYZE")


def _secondary(cursor: Any, tables: list[str]) -> tuple[list[str], list[str]]:
    """(statements that drop, statements that remake) the tables' non-unique indexes and,
    on PostgreSQL, their foreign keys."""
    q = connection.ops.quote_name
    drop: list[str] = []
    remake_indexes: list[str] = []
    remake_keys: list[str] = []
    for table in tables:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname", [table])
            for name, definition in cursor.fetchall():
                drop.append(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
                remake_keys.append(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} "
                                   f"{definition}")
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                "AND NOT i.indisprimary AND NOT i.indisunique ORDER BY c.relname", [table])
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                [table])
        for name, definition in cursor.fetchall():
            drop.append(f"DROP INDEX {q(name)}")
            remake_indexes.append(definition)
    # Keys last: their check reads the rows once, the indexes are not needed for it.
    return drop, remake_indexes + remake_keys
