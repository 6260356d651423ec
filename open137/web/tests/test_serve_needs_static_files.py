import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, override_settings

from open137.web.management.commands.serve import uncollected_static

MANIFEST = {"staticfiles": {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}


class ServeNeedsStaticFilesTests(SimpleTestCase):
    def test_serve_refuses_to_start_and_names_collectstatic(self) -> None:
        with tempfile.TemporaryDirectory() as tmp, override_settings(
                STATIC_ROOT=Path(tmp), STORAGES=MANIFEST, WHITENOISE_USE_FINDERS=False
        ), self.assertRaises(CommandError) as refused:
            call_command("serve", "--port", "1")
        message = str(refused.exception)
        self.assertIn("open137 collectstatic", message)
        self.assertNotIn("\n", message)

    def test_collected_files_are_enough(self) -> None:
        with tempfile.TemporaryDirectory() as tmp, override_settings(
                STATIC_ROOT=Path(tmp), STORAGES=MANIFEST, WHITENOISE_USE_FINDERS=False):
            call_command("collectstatic", "--noinput", "-v0")
            self.assertEqual(uncollected_static(), "")
            (Path(tmp) / "staticfiles.json").unlink()
            self.assertEqual(uncollected_static(), "staticfiles.json")

    def test_files_served_from_the_source_folders_need_no_collecting(self) -> None:
        with override_settings(WHITENOISE_USE_FINDERS=True):
            self.assertEqual(uncollected_static(), "")
