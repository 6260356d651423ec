"""Every write of an import: its run, each batch with its checkpoint, its end."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from open137.cases.actions import ImportedCase, PlayedImport, import_cases, save_imported
from open137.core import bulk
from open137.core.errors import InvalidInput
from open137.imports.models import ImportedRecord, ImportRun

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
