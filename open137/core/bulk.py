"""Inserting many plain rows at once, for imports: COPY on PostgreSQL, executemany on SQLite.

The ORM's bulk_create builds a model instance and prepares every field of every row; for
hundreds of thousands of rows that is most of an import's time. Here rows are plain dicts
(attname -> Python value), converted only where the database needs it, and written in one
statement per table. The caller owns the rules; this module only moves the values.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take `count` primary keys now, so that rows can point at rows not yet written.

    Call it inside the transaction that inserts them. On PostgreSQL the sequence hands
    them out; on SQLite the transaction (begun IMMEDIATE) holds the write lock, so nobody
    else can take the numbers after the largest one before the insert.
    """
    table, pk = model._meta.db_table, str(model._meta.pk.column)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)", [table, pk, count])
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT max(coalesce(max({pk}), 0), coalesce((SELECT seq FROM sqlite_sequence "  # noqa: S608
            f"WHERE name = %s), 0)) FROM {quoted}", [table])
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def select_in(model: type[models.Model], column: str, values: Sequence[Any], *,
              select: Sequence[str], **equal: Any) -> list[tuple[Any, ...]]:
    """The `select` columns of the rows whose `column` is one of `values` (and column =
    value for each of `equal`), a thousand values per statement: the ORM takes longer to
    prepare a five-thousand-item IN than the database takes to answer it."""
    q = connection.ops.quote_name
    table, wanted = q(model._meta.db_table), ", ".join(q(name) for name in select)
    where = "".join(f" AND {q(name)} = %s" for name in equal)
    found: list[tuple[Any, ...]] = []
    if not values:
        return found
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter: binding thousands of separate ones costs more than
            # the lookup.
            cursor.execute(f"SELECT {wanted} FROM {table} WHERE {q(column)} "  # noqa: S608
                           f"= ANY(%s){where}", [list(values), *equal.values()])
            return [tuple(row) for row in cursor.fetchall()]
        for i in range(0, len(values), 1000):
            chunk = list(values[i:i + 1000])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {wanted} FROM {table} WHERE {q(column)} "  # noqa: S608
                           f"IN ({marks}){where}", [*chunk, *equal.values()])
            found.extend(tuple(row) for row in cursor.fetchall())
    return found


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert plain rows (attname -> value); every row has the keys of the first."""
    if not rows:
        return
    postgres = connection.vendor == "postgresql"
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0]]
    names = [f.attname for f in fields]
    get = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    types = _binary_types(fields) if postgres else None
    if types is not None:
        # Binary COPY: the server reads each value as it is stored instead of parsing
        # text, and psycopg writes dates and numbers without formatting them.
        from psycopg.types.json import set_json_dumps

        with connection.cursor() as cursor:
            _JSON.memo.clear()
            set_json_dumps(_JSON, context=cursor.cursor)
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                write = copy.write_row
                for row in rows:
                    write(get(row))
        return
    converters = [(i, c) for i, c in enumerate(_converter(f, postgres) for f in fields)
                  if c is not None]
    values: Iterable[Any]
    if converters:
        values = [_converted(list(get(row)), converters) for row in rows]
    else:
        values = [get(row) for row in rows]
    with connection.cursor() as cursor:
        if postgres:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                               values)


# PostgreSQL's names for column types, as psycopg's binary dumpers know them.
_TYPE_NAMES = {"timestamp with time zone": "timestamptz", "double precision": "float8",
               "bigint": "int8", "integer": "int4", "smallint": "int2", "boolean": "bool",
               "character varying": "varchar", "varchar": "varchar", "text": "text",
               "date": "date", "jsonb": "jsonb", "uuid": "uuid"}


def _binary_types(fields: "list[models.Field[Any, Any]]") -> list[str] | None:
    """The binary COPY type of each column, or None when one is not known here (then the
    text format, which the server parses whatever the type)."""
    types = []
    for f in fields:
        if isinstance(f, models.JSONField) and f.encoder is not None:
            return None
        db_type = f.db_type(connection)
        name = _TYPE_NAMES.get((db_type or "").split("(")[0].strip())
        if name is None:
            return None
        types.append(name)
    return types


def _converted(value: list[Any], converters: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    for i, convert in converters:
        value[i] = convert(value[i])
    return value


def _converter(field: "models.Field[Any, Any]", postgres: bool) -> Callable[[Any], Any] | None:
    """How a Python value becomes what the database takes; None when it takes it as is."""
    if isinstance(field, models.JSONField):
        return _json(field.encoder)
    if postgres:
        return None  # psycopg adapts dates and aware datetimes itself
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime(connection.timezone)
    if isinstance(field, models.DateField):
        return lambda value: None if value is None else value.isoformat()
    return None


def _json(encoder: type[json.JSONEncoder] | None,
          memo: dict[Any, str] | None = None) -> Callable[[Any], str | None]:
    """json.dumps, remembered for small flat values: event details repeat endlessly."""
    memo = {} if memo is None else memo

    def dumps(value: Any) -> str | None:
        if value is None:
            return None
        try:
            # Types in the key: True and 1 are equal in Python but not in JSON.
            key = ((tuple(value.items()), tuple(map(type, value.values())))
                   if type(value) is dict else (type(value), value))
            text = memo.get(key)
        except TypeError:  # unhashable: a nested value
            return json.dumps(value, cls=encoder)
        if text is None:
            text = memo[key] = json.dumps(value, cls=encoder)
        return text

    return dumps


class _JsonMemo:
    """json.dumps remembered, for psycopg's binary JSON dumper. One object for good:
    psycopg makes (and keeps) a dumper class for each distinct dumps function."""

    def __init__(self) -> None:
        self.memo: dict[Any, str] = {}
        self.dumps = _json(None, self.memo)

    def __call__(self, value: Any) -> str:
        return self.dumps(value) or "null"  # never None here: COPY writes NULL itself


_JSON = _JsonMemo()


def _sqlite_datetime(zone: Any) -> Callable[[Any], str | None]:
    """What Django's SQLite backend stores for an aware datetime: naive text in `zone`."""

    def convert(value: Any) -> str | None:
        if value is None:
            return None
        return str(value.astimezone(zone).replace(tzinfo=None))

    return convert
