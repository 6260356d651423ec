"""Backups of the whole database: SQLite's online backup API, or pg_dump for PostgreSQL."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is needed for PostgreSQL backups; install postgresql-client.")
    return path


def backup(target: Path, alias: str = "default") -> None:
    """Write a consistent copy of the database to `target`, while it stays in use."""
    db = connections[alias].settings_dict
    target.parent.mkdir(parents=True, exist_ok=True)
    if db["ENGINE"].endswith("sqlite3"):
        source = sqlite3.connect(str(db["NAME"]))
        dest = sqlite3.connect(str(target))
        try:
            # The online backup API copies page by page under SQLite's own locking, so
            # writers may go on; a plain file copy could catch a half-written page.
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return
    args, env = _pg_env(db)
    # pg_dump with fixed options; only the configured database's own settings vary.
    subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner",  # noqa: S603
                    "--file", str(target), *args], check=True, env=env)


def restore(source: Path, alias: str = "default") -> None:
    """Replace the database's contents with a backup made by `backup`."""
    if not source.is_file():
        raise FileNotFoundError(f"No backup file at {source}.")
    connection = connections[alias]
    db = connection.settings_dict
    connection.close()
    if db["ENGINE"].endswith("sqlite3"):
        src = sqlite3.connect(str(source))
        dest = sqlite3.connect(str(db["NAME"]))
        try:
            src.backup(dest)
        finally:
            dest.close()
            src.close()
        return
    args, env = _pg_env(db)
    subprocess.run([_tool("pg_restore"), "--clean", "--if-exists",  # noqa: S603
                    "--no-owner", "--single-transaction", *args, str(source)],
                   check=True, env=env)
