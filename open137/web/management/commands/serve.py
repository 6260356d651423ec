import os
import sys
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser

from open137.web.datadir import ensure_secret_key, prepare_database_folders


class Command(BaseCommand):
    help = "Run the production web server (gunicorn); PORT, HOST and WEB_CONCURRENCY apply."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default=settings.HOST)

    def handle(self, *args: Any, **options: Any) -> None:
        missing = uncollected_static()
        if missing:
            # Without them every page answers 500: refuse before taking any request.
            raise CommandError(
                f"Static files have not been collected ({missing} missing from "
                f"{settings.STATIC_ROOT}): run `open137 collectstatic --noinput` first.")
        # DATA_DIR and, on one machine without SECRET_KEY, the key file; a clear stop when
        # the key is missing where it may not be made up.
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        prepare_database_folders()
        ensure_secret_key(required=True)
        workers = str(settings.WEB_CONCURRENCY)
        argv = [
            sys.executable, "-m", "gunicorn", "open137.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", workers,
            "--timeout", str(settings.WEB_TIMEOUT),
            "--access-logfile", "-",
            # api_key, the SMS secret, callers' phones and tracking codes become ***.
            "--logger-class", "open137.web.accesslog.SecretlessLogger",
            "--forwarded-allow-ips", ",".join(settings.FORWARDED_ALLOW_IPS),
        ]
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/ "
                          f"with {workers} workers")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn


def uncollected_static() -> str:
    """The first static file the pages need that collectstatic has not put in place, or ""
    when everything is there (or files are served straight from the source folders)."""
    storage = storages["staticfiles"]
    if settings.WHITENOISE_USE_FINDERS or not isinstance(storage, ManifestFilesMixin):
        return ""
    manifest = storage.load_manifest()
    if isinstance(manifest, tuple):  # (paths, hash) since Django 5.1
        manifest = manifest[0]
    if not manifest:
        return storage.manifest_name
    for finder in finders.get_finders():
        for path, _storage in finder.list(["CVS", ".*", "*~"]):
            if path not in manifest:
                return path
    return ""
