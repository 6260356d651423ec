"""Single-statement writes for the busiest paths: one round trip where the ORM takes three.

Both are plain SQL that PostgreSQL and SQLite (3.35 or later) share: INSERT ... ON CONFLICT
... RETURNING. They run inside the caller's transaction and need no savepoint, so a
request recorded through the public API stays a handful of statements.
"""

from typing import Any

from django.db import connection, models


def _column(model: type[models.Model] | models.Model, name: str) -> str:
    return connection.ops.quote_name(str(model._meta.get_field(name).column))  # type: ignore[union-attr]


def insert_unless_exists(obj: models.Model, *, unique: str) -> bool:
    """Insert `obj` unless a row with the same `unique` column exists.

    True and obj.pk set when it was inserted; False when the row was already there (the
    idempotent repeat of an earlier insert).
    """
    meta = obj._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    q = connection.ops.quote_name
    columns = ", ".join(q(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608
           f"ON CONFLICT ({_column(obj, unique)}) DO NOTHING "
           f"RETURNING {_column(obj, 'pk' if meta.pk is None else meta.pk.name)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True


def count_up(model: type[models.Model], *, counter: str, **key: Any) -> int:
    """Add one to `counter` in the row with these key values (made at 1 when missing); the new
    count. The key columns must carry a unique constraint together."""
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    names = [_column(model, name) for name in key]
    column = _column(model, counter)
    sql = (f"INSERT INTO {table} ({', '.join(names)}, {column}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(names))}, 1) "
           f"ON CONFLICT ({', '.join(names)}) DO UPDATE SET {column} = {table}.{column} + 1 "
           f"RETURNING {column}")
    with connection.cursor() as cursor:
        cursor.execute(sql, list(key.values()))
        return int(cursor.fetchone()[0])
