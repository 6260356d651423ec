"""Reads for dashboards from a PostgreSQL read replica, when one is configured.

DATABASE_REPLICA_URL adds the database alias "replica". Only code that asks for it reads
there (`with replica():` or the `reads_from_replica` view decorator): dashboards, reports
and exports, which can live with a few seconds of replication lag. Everything else, and
every write, uses the primary, so nobody ever reads back a stale copy of what they have
just written. Without a replica the router changes nothing.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_wanted: ContextVar[bool] = ContextVar("reads_from_replica", default=False)
F = TypeVar("F", bound=Callable[..., Any])


def replica_configured() -> bool:
    return bool(getattr(settings, "DATABASE_REPLICA_URL", ""))


@contextmanager
def replica() -> Iterator[None]:
    """Within this block, reads go to the replica (if there is one)."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


def reads_from_replica(view: F) -> F:
    """A view (or any function) whose reads may come from the replica."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    """Primary for everything, except reads in a `replica()` block outside a transaction."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        # Inside a transaction on the primary the replica would not see its writes.
        if (_wanted.get() and replica_configured()
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == DEFAULT_DB_ALIAS
