"""Settings read the environment strictly and write nothing; the commands that need the
data folder and the secret key make them."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management.base import CommandError
from django.test import SimpleTestCase, override_settings

from open137.web import datadir


def import_settings(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh process, in `folder`, with this environment."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import open137.settings"], cwd=folder, text=True,
        capture_output=True, env={**clean, "DATA_DIR": str(folder / "var"), **env},
        timeout=120, check=False)


class StrictEnvironmentTests(SimpleTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())

    def tearDown(self) -> None:
        for path in sorted(self.folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        self.folder.rmdir()

    def test_a_misspelt_yes_or_no_stops_the_start_naming_the_variable(self) -> None:
        result = import_settings(self.folder, SECURE_SSL="ture")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn("SECURE_SSL='ture'", result.stderr)
        self.assertIn("true", result.stderr)
        self.assertIn("off", result.stderr)

    def test_a_number_that_is_not_one_stops_the_start_naming_the_variable(self) -> None:
        for name in ("WEB_CONCURRENCY", "WORKER_BATCH", "SURGE_FACTOR"):
            result = import_settings(self.folder, **{name: "abc"})
            self.assertNotEqual(result.returncode, 0, name)
            self.assertIn(f"{name}='abc'", result.stderr)
        result = import_settings(self.folder, WEB_CONCURRENCY="0")
        self.assertIn("WEB_CONCURRENCY='0' is too small", result.stderr)

    def test_an_unknown_database_stops_the_start(self) -> None:
        result = import_settings(self.folder, DATABASE_URL="mysql://db/x")
        self.assertIn("DATABASE_URL starts with 'mysql'", result.stderr)

    def test_good_values_in_any_case_are_read(self) -> None:
        result = import_settings(self.folder, SECURE_SSL=" Yes ", DEBUG="OFF",
                                 WEB_CONCURRENCY="3")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_importing_the_settings_creates_no_folder_and_writes_no_file(self) -> None:
        result = import_settings(self.folder)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(list(self.folder.iterdir()), [])


class SecretKeyTests(SimpleTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())
        self.key_file = self.folder / "var" / "secret_key"
        patcher = mock.patch.dict(os.environ)
        patcher.start()
        self.addCleanup(patcher.stop)
        os.environ.pop("SECRET_KEY", None)
        self.addCleanup(setattr, settings, "SECRET_KEY", settings.SECRET_KEY)

    def tearDown(self) -> None:
        if self.key_file.exists():
            self.key_file.unlink()
        for folder in (self.folder / "var", self.folder):
            if folder.exists():
                folder.rmdir()

    def test_one_machine_on_sqlite_gets_a_key_only_its_owner_reads(self) -> None:
        with override_settings(SECRET_KEY_FILE=self.key_file, DEBUG=False), \
                mock.patch.object(datadir, "may_make_up_key", return_value=True):
            datadir.ensure_secret_key(required=True)
        self.assertEqual(self.key_file.stat().st_mode & 0o777, 0o600)
        self.assertGreater(len(self.key_file.read_text()), 40)
        key = self.key_file.read_text()
        with override_settings(SECRET_KEY_FILE=self.key_file):
            datadir.ensure_secret_key(required=True)  # kept, not replaced
        self.assertEqual(self.key_file.read_text(), key)

    def test_servers_sharing_postgresql_must_be_given_the_key(self) -> None:
        with override_settings(SECRET_KEY_FILE=self.key_file, DEBUG=False), \
                mock.patch.object(datadir, "may_make_up_key", return_value=False):
            with self.assertRaisesMessage(CommandError, "SECRET_KEY is not set"):
                datadir.ensure_secret_key(required=True)
            datadir.ensure_secret_key(required=False)  # migrate does not need it
        self.assertFalse(self.key_file.exists())
        os.environ["SECRET_KEY"] = "given-by-the-operator"
        with override_settings(SECRET_KEY_FILE=self.key_file), \
                mock.patch.object(datadir, "may_make_up_key", return_value=False):
            datadir.ensure_secret_key(required=True)
        self.assertFalse(self.key_file.exists())
