"""The data folder and the secret key, made by the commands that need them.

Importing the settings only reads: it creates no folder and writes no file. `open137
migrate` and `open137 serve` create the SQLite database's folder (var/ by default), and
`serve` creates DATA_DIR. Without SECRET_KEY in the environment, both write a random key to
DATA_DIR/secret_key, but only where one machine holds everything (an SQLite database or
DEBUG on): servers that share a PostgreSQL database must share one key, so there `serve`
stops and asks for SECRET_KEY instead of making up a key per machine.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections

IN_MEMORY = ("", ":memory:")


def sqlite_folders() -> list[Path]:
    """The folders of the SQLite database files this installation uses."""
    folders = []
    for alias in connections:
        config = connections[alias].settings_dict
        name = str(config.get("NAME") or "")
        if (config["ENGINE"].endswith("sqlite3") and name not in IN_MEMORY
                and not name.startswith("file:") and "mode=memory" not in name):
            folders.append(Path(name).parent)
    return folders


def may_make_up_key() -> bool:
    """True where a random key kept on this machine is enough: SQLite, or DEBUG on."""
    return settings.DEBUG or all(
        connections[alias].settings_dict["ENGINE"].endswith("sqlite3") for alias in connections)


def key_is_set() -> bool:
    return bool(os.environ.get("SECRET_KEY", "").strip()) or Path(
        settings.SECRET_KEY_FILE).exists()


def write_secret_key() -> bool:
    """Write a random key to DATA_DIR/secret_key unless one is set; True when written."""
    if key_is_set() or not may_make_up_key():
        return False
    path = Path(settings.SECRET_KEY_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Created readable by its owner only, never briefly by everyone.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    settings.SECRET_KEY = key
    return True


def prepare_database_folders() -> None:
    """Create the folders of the SQLite database files (the embedded one lives in var/)."""
    for folder in sqlite_folders():
        folder.mkdir(parents=True, exist_ok=True)


def ensure_secret_key(*, required: bool) -> None:
    """Make up a key where that is allowed; when `required`, stop if there is none."""
    write_secret_key()
    if required and not key_is_set():
        raise CommandError(
            "SECRET_KEY is not set. Set it in the environment, the same long random value "
            "on every server (for example the output of `python3 -c \"import secrets; "
            "print(secrets.token_urlsafe(50))\"`). A random key is made up only on one "
            "machine: with the SQLite database or DEBUG=1.")
