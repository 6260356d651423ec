"""Django's `migrate`, which first creates what the database and the site need on disk."""

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate

from open137.web.datadir import ensure_secret_key, prepare_database_folders


class Command(DjangoMigrate):
    help = (DjangoMigrate.help + " Creates the SQLite database's folder first and, on one "
            "machine without SECRET_KEY, a random key in DATA_DIR/secret_key.")

    def execute(self, *args: Any, **options: Any) -> Any:
        # Before the system checks, which already open the database.
        prepare_database_folders()
        ensure_secret_key(required=False)
        return super().execute(*args, **options)
