"""Writing the audit trail. Every configuration write calls these inside its own
transaction, so a change and its record are committed together or not at all.

    with audit.watching(subject, by=by):      # one object, before and after
        subject.respond_hours = 4
        subject.save()

    trail = audit.Trail(by=by)                 # many objects, one INSERT at the end
    trail.created(district)
    trail.changed(unit, before)
    trail.save()

Who: `by` (None, or an anonymous user, is the system). Through what: the admin mixin and
the configuration commands say so with `origin(...)`; otherwise a signed-in user is on
the staff pages and nobody is the system. A command also notes its name and the
operating-system user who ran it.
"""

import getpass
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from open137.audit.models import AuditEntry
from open137.audit.values import Snapshot, changes, snapshot
from open137.core.text import search_key

_origin: ContextVar[tuple[str, str] | None] = ContextVar("audit_origin", default=None)


@contextmanager
def origin(via: str, note: str = "") -> Iterator[None]:
    """Changes recorded inside came through `via` (AuditEntry.Via), with this note."""
    token = _origin.set((via, note[:300]))
    try:
        yield
    finally:
        _origin.reset(token)


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return f"uid {os.getuid()}"


def command_line(command: str) -> AbstractContextManager[None]:
    """Changes made inside are the command line's: `open137 <command>` run by the OS user."""
    return origin(AuditEntry.Via.COMMAND, f"open137 {command} · {os_user()}")


def name_of(obj: models.Model) -> str:
    """The object's readable name, with its code when the name does not show it."""
    name = str(obj)
    code = getattr(obj, "code", "")
    if isinstance(code, str) and code and code not in name:
        name = f"{name} ({code})"
    return name[:300]


class Trail:
    """The entries of one write, saved together by `save()`."""

    def __init__(self, *, by: Any, note: str = "") -> None:
        self.user = by if by is not None and getattr(by, "is_authenticated", False) else None
        via, origin_note = _origin.get() or (
            AuditEntry.Via.WEB if self.user is not None else AuditEntry.Via.SYSTEM, "")
        self.via = via
        self.note = " · ".join(part for part in (origin_note, note) if part)[:300]
        self.at = timezone.now()
        self.entries: list[AuditEntry] = []

    def _add(self, obj: models.Model, action: str, found: dict[str, list[Any]]) -> None:
        name = name_of(obj)
        object_id = str(obj.pk)
        self.entries.append(AuditEntry(
            at=self.at, by=self.user,
            username=self.user.get_username() if self.user is not None else "",
            via=self.via, note=self.note, action=action, model=obj._meta.label_lower,
            object_id=object_id, object_name=name, changes=found,
            search=search_key(f"{name} {object_id}")[:400],
        ))

    def created(self, obj: models.Model) -> None:
        self._add(obj, AuditEntry.Action.CREATED, changes(None, snapshot(obj)))

    def changed(self, obj: models.Model, before: Snapshot,
                after: Snapshot | None = None) -> bool:
        """Add an entry when something differs from `before`; False when nothing did."""
        found = changes(before, after if after is not None else
                        snapshot(obj, fields=list(before)))
        if found:
            self._add(obj, AuditEntry.Action.CHANGED, found)
        return bool(found)

    def deleted(self, obj: models.Model, before: Snapshot | None = None) -> None:
        """Call while `obj` still has its key (before deleting it, in the same transaction)."""
        self._add(obj, AuditEntry.Action.DELETED,
                  changes(before if before is not None else snapshot(obj), None))

    @transaction.atomic(savepoint=False)
    def save(self) -> list[AuditEntry]:
        saved = AuditEntry.objects.bulk_create(self.entries) if self.entries else []
        self.entries = []
        return saved


def record_created(obj: models.Model, *, by: Any, note: str = "") -> None:
    """Record a new object with everything it holds."""
    trail = Trail(by=by, note=note)
    trail.created(obj)
    trail.save()


def record_changed(obj: models.Model, *, by: Any, before: Snapshot, note: str = "") -> None:
    """Record what changed on `obj` since `before` (nothing when nothing did)."""
    trail = Trail(by=by, note=note)
    trail.changed(obj, before)
    trail.save()


def record_deleted(obj: models.Model, *, by: Any, note: str = "") -> None:
    """Record an object about to be deleted, with what it held."""
    trail = Trail(by=by, note=note)
    trail.deleted(obj)
    trail.save()


@contextmanager
def watching(obj: models.Model, *, by: Any, note: str = "") -> Iterator[None]:
    """Record what the block does to `obj`: created when it had no key, else changed."""
    before = snapshot(obj) if obj.pk is not None else None
    yield
    if before is None:
        record_created(obj, by=by, note=note)
    else:
        record_changed(obj, by=by, before=before, note=note)
