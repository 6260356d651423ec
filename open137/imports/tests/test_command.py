import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command

from open137.cases.models import Case
from open137.cases.testing import CityTestCase, inside
from open137.imports.models import ImportRun
from open137.imports.tests import samples


class ImportRequestsCommandTests(CityTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.mapping = samples.write_mapping(self.tmp)
        self.records = samples.rows(inside(self.district))

    def call(self, *args: str, **options: object) -> str:
        out = io.StringIO()
        call_command("import_requests", *args, stdout=out, stderr=io.StringIO(),
                     language="en", **options)
        return out.getvalue()

    def test_the_command_imports_and_reports_counts_and_reasons(self) -> None:
        path = samples.write_csv(self.tmp, "requests.csv", self.records)
        out = self.call(str(path), mapping=str(self.mapping),
                        reject_file=str(self.tmp / "rejects.csv"))
        self.assertIn("10 rows read, 6 imported, 4 rejected, 0 imported before", out)
        self.assertIn("duplicate: 1", out)
        self.assertIn(str(self.tmp / "rejects.csv"), out)
        self.assertEqual(Case.objects.count(), samples.GOOD)

    def test_several_files_share_one_reject_file_and_a_total(self) -> None:
        first = samples.write_csv(self.tmp, "a.csv", self.records[:5])
        second = samples.write_csv(self.tmp, "b.csv.gz", self.records[5:])
        out = self.call(str(first), str(second), mapping=str(self.mapping),
                        reject_file=str(self.tmp / "rejects.csv"))
        # The second file repeats A1 from the first: imported before, not a duplicate.
        self.assertIn("All files: 10 rows read, 6 imported, 3 rejected, 1 imported before", out)
        self.assertEqual(ImportRun.objects.count(), 2)
        self.assertEqual(len(samples.read_rejects(self.tmp / "rejects.csv")), 3)

    def test_bad_invocations_are_clear_errors_and_import_nothing(self) -> None:
        csv_file = samples.write_csv(self.tmp, "requests.csv", self.records)
        cases = [
            ((str(csv_file),), {}, "needs a mapping"),
            ((str(self.tmp / "missing.csv"),), {"mapping": str(self.mapping)}, "no file"),
            ((str(csv_file),), {"mapping": "no-such-mapping"}, "no mapping file"),
            ((str(csv_file),), {"mapping": "nyc-council"}, "nyc"),
            ((str(csv_file),), {"mapping": str(self.mapping), "resume": True}, "no unfinished"),
            ((str(csv_file),), {"mapping": str(self.mapping), "batch_size": 0}, "batch size"),
        ]
        for args, options, text in cases:
            with self.subTest(text), self.assertRaises(CommandError) as ctx:
                self.call(*args, **options)
            self.assertIn(text, str(ctx.exception))
        self.assertEqual(Case.objects.count(), 0)

    def test_a_limited_run_says_how_to_go_on(self) -> None:
        path = samples.write_csv(self.tmp, "requests.csv", self.records)
        out = self.call(str(path), mapping=str(self.mapping), limit=2,
                        reject_file=str(self.tmp / "rejects.csv"))
        self.assertIn("--resume", out)
        out = self.call(str(path), mapping=str(self.mapping), resume=True)
        self.assertIn("10 rows read, 6 imported", out)
