"""Baselines: the same rows written with no rules at all, as fast as each database takes them.

An import's rows per second mean little alone; beside a raw bulk insert of the same file
(parse the CSV, executemany on SQLite or COPY on PostgreSQL into a bare table with no
index) the ratio says what the rules, the history and the indexes cost. Likewise one
Open311 create beside one bare single-row insert and commit.
"""

import csv
import gzip
import io
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

BATCH = 5000


def _batches(path: Path) -> Iterator[list[list[str]]]:
    with gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb") as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        next(reader)
        batch: list[list[str]] = []
        for row in reader:
            batch.append(row)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def bulk_sqlite(path: Path, db: Path, width: int) -> tuple[int, float]:
    """(rows, seconds) to load the CSV into a bare SQLite table, batch by batch."""
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"CREATE TABLE raw ({', '.join(f'c{i} TEXT' for i in range(width))})")
    marks = ", ".join("?" * width)
    rows = 0
    started = time.perf_counter()
    for batch in _batches(path):
        with conn:
            conn.executemany(f"INSERT INTO raw VALUES ({marks})", batch)  # noqa: S608
        rows += len(batch)
    seconds = time.perf_counter() - started
    conn.close()
    return rows, seconds


def bulk_postgres(path: Path, url: str, width: int) -> tuple[int, float]:
    """(rows, seconds) to COPY the CSV into a bare PostgreSQL table, batch by batch."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute(f"CREATE TABLE bench_raw ({', '.join(f'c{i} text' for i in range(width))})")
        conn.commit()
        rows = 0
        started = time.perf_counter()
        for batch in _batches(path):
            with conn.cursor() as cur, cur.copy("COPY bench_raw FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
            conn.commit()
            rows += len(batch)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_raw")
        conn.commit()
    return rows, seconds


ROW = ("housing", "open311", "A benchmark request of about this length, as citizens write.",
       40.7, -73.9, "received", "2025-01-01T10:00:00+00:00")


def single_sqlite(db: Path, count: int) -> float:
    """Single-row inserts, each its own transaction, per second (one connection)."""
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, subject TEXT, channel TEXT, "
                 "description TEXT, lat REAL, lon REAL, status TEXT, created TEXT)")
    started = time.perf_counter()
    for _i in range(count):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO raw (subject, channel, description, lat, lon, status, created) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", ROW)
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return count / seconds


def single_postgres(url: str, count: int) -> float:
    """Single-row inserts, each its own transaction, per second (one connection)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_single")
        conn.execute("CREATE TABLE bench_single (id bigserial PRIMARY KEY, subject text, "
                     "channel text, description text, lat float, lon float, status text, "
                     "created timestamptz)")
        started = time.perf_counter()
        for _i in range(count):
            conn.execute("INSERT INTO bench_single (subject, channel, description, lat, lon, "
                         "status, created) VALUES (%s, %s, %s, %s, %s, %s, %s)", ROW)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_single")
    return count / seconds
