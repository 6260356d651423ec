import io
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import connection

from open137.cases.models import Case, CaseEvent
from open137.cases.testing import CityTestCase, inside
from open137.imports import actions
from open137.imports.models import ImportedRecord, ImportRun
from open137.imports.tests import samples


def schema() -> dict[str, Any]:
    """Every index and constraint of the tables a rebuilt import drops and makes again."""
    with connection.cursor() as cursor:
        return {m._meta.db_table: connection.introspection.get_constraints(
            cursor, m._meta.db_table) for m in actions.REBUILT}


def content() -> list[tuple[Any, ...]]:
    cases = {c.pk: c.external_id for c in Case.objects.all()}
    return sorted(
        (cases[e.case_id], e.step, e.at, e.from_status, e.to_status, e.from_unit_id,
         e.to_unit_id, e.note, e.public, str(e.data))
        for e in CaseEvent.objects.all())


class RebuildIndexesTests(CityTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.mapping = samples.write_mapping(self.tmp)
        self.path = samples.write_csv(self.tmp, "requests.csv",
                                      samples.rows(inside(self.district)))

    def call(self, *args: str, **options: object) -> str:
        out = io.StringIO()
        call_command("import_requests", str(self.path), *args, stdout=out,
                     stderr=io.StringIO(), language="en", mapping=str(self.mapping),
                     reject_file=str(self.tmp / "rejects.csv"), batch_size=3, **options)
        return out.getvalue()

    def test_a_first_import_with_rebuilt_indexes_imports_the_same_and_keeps_every_index(
            self) -> None:
        before = schema()
        self.call()
        expected = content()
        Case.objects.all().delete()
        self.assertEqual(ImportedRecord.objects.count(), 0)
        out = self.call(rebuild_indexes=True)
        self.assertIn("10 rows read, 6 imported, 4 rejected", out)
        self.assertEqual(content(), expected)
        self.assertEqual(schema(), before)

    def test_it_is_refused_when_the_installation_has_requests(self) -> None:
        self.call()
        before = schema()
        with self.assertRaises(CommandError) as ctx:
            self.call(rebuild_indexes=True)
        self.assertIn("without requests", str(ctx.exception))
        self.assertEqual(schema(), before)

    def test_an_error_midway_imports_nothing_and_leaves_every_index(self) -> None:
        before = schema()
        real = actions.import_batch
        calls = []

        def failing(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("the disk is full")
            return real(*args, **kwargs)

        with mock.patch.object(actions, "import_batch", failing), \
                self.assertRaises(RuntimeError):
            self.call(rebuild_indexes=True)
        self.assertEqual(Case.objects.count(), 0)
        self.assertEqual(ImportRun.objects.count(), 0)
        self.assertEqual(schema(), before)

    def test_a_limited_rebuilt_import_commits_its_part_and_resume_goes_on(self) -> None:
        self.call(rebuild_indexes=True, limit=4)
        run = ImportRun.objects.get()
        self.assertFalse(run.finished)
        self.assertEqual(run.rows, 4)
        self.call(resume=True)
        run.refresh_from_db()
        self.assertTrue(run.finished)
        self.assertEqual(Case.objects.count(), samples.GOOD)
