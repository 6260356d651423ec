import io
import tempfile
from pathlib import Path

from open137.cases.models import Case, Channel
from open137.cases.testing import CityTestCase, inside
from open137.cases.workflow import Status
from open137.imports.importer import Progress, import_file
from open137.imports.mapping import read_mapping
from open137.imports.models import ImportedRecord, ImportRun
from open137.imports.tests import samples


class Interrupted(io.StringIO):
    """A terminal that is closed with Ctrl-C as soon as the first progress line appears."""

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise KeyboardInterrupt


class CsvImportTests(CityTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.mapping = read_mapping(samples.write_mapping(self.tmp))
        self.records = samples.rows(inside(self.district))
        self.rejects = self.tmp / "rejects.csv"

    def run_import(self, path: Path, **options: object) -> ImportRun:
        return import_file(path, self.mapping, reject_path=self.rejects,
                           progress=Progress("test", enabled=False), **options)  # type: ignore[arg-type]

    def by_id(self) -> dict[str, Case]:
        return {c.external_id: c for c in Case.objects.select_related("unit", "district")}

    def test_good_rows_become_requests_with_their_history_and_bad_rows_are_rejected(self) -> None:
        run = self.run_import(samples.write_csv(self.tmp, "requests.csv", self.records))
        self.assertEqual((run.rows, run.imported, run.rejected, run.skipped),
                         (10, samples.GOOD, 4, 0))
        self.assertEqual(run.reasons, samples.REJECTS)
        self.assertTrue(run.finished)
        cases = self.by_id()
        self.assertEqual(set(cases), {"A1", "A2", "A3", "A7", "A8", "A9"})
        self.assertEqual(cases["A1"].status, Status.CLOSED)
        self.assertEqual(cases["A1"].unit, self.unit)
        self.assertEqual(cases["A1"].channel, Channel.PHONE)
        self.assertEqual(cases["A1"].result_note, "Finished before the import.")
        self.assertEqual(cases["A2"].status, Status.REFERRED)
        self.assertEqual(cases["A2"].unit.code, "waste")
        self.assertEqual(cases["A2"].channel, Channel.WEB)
        self.assertEqual(cases["A3"].status, Status.TRIAGE)
        self.assertEqual(cases["A7"].status, Status.REJECTED)
        self.assertEqual(cases["A8"].district, self.district)
        self.assertEqual(cases["A8"].unit, self.unit)
        self.assertEqual(cases["A9"].subject.code, "other")
        self.assertEqual(cases["A9"].status, Status.CLOSED)
        self.assertEqual(cases["A9"].channel, Channel.IMPORT)
        self.assertEqual(ImportedRecord.objects.filter(run=run).count(), samples.GOOD)

    def test_times_in_either_format_are_read_in_the_mappings_time_zone(self) -> None:
        self.run_import(samples.write_csv(self.tmp, "requests.csv", self.records))
        cases = self.by_id()
        self.assertEqual(cases["A1"].created_at.isoformat(), "2024-03-01T04:30:00+00:00")
        self.assertEqual(cases["A2"].created_at.isoformat(), "2024-03-01T06:45:00+00:00")
        self.assertEqual(cases["A1"].closed_at.isoformat(), "2024-03-02T06:00:00+00:00")

    def test_each_rejected_row_is_written_with_its_row_reason_and_original_columns(self) -> None:
        self.run_import(samples.write_csv(self.tmp, "requests.csv", self.records))
        rejects = samples.read_rejects(self.rejects)
        self.assertEqual([(r["row"], r["reason"], r["id"]) for r in rejects], [
            ("5", "time:created_at", "A4"), ("6", "unknown:subject", "A5"),
            ("7", "duplicate", "A1"), ("8", "invalid:closed_at", "A6"),
        ])
        self.assertIn("yesterday", rejects[0]["message"])
        self.assertEqual(rejects[0]["opened"], "yesterday")

    def test_a_time_in_a_year_no_one_means_rejects_its_row_and_nothing_else(self) -> None:
        far = [["B1", "0001-01-01 00:00", "", "Pothole", "Region 1", "Open", "", "", "", ""],
               ["B2", "9999-12-31 23:59", "", "Pothole", "Region 1", "Open", "", "", "", ""],
               ["B3", "2024-03-01 08:00", "9999-12-31 23:59", "Pothole", "Region 1", "Closed",
                "", "", "", ""],
               ["B4", "2024-03-01 08:00", "", "Pothole", "Region 1", "Open", "", "", "", ""]]
        run = self.run_import(samples.write_csv(self.tmp, "requests.csv", far))
        self.assertEqual((run.imported, run.rejected), (1, 3))
        rejects = samples.read_rejects(self.rejects)
        self.assertEqual([(r["id"], r["reason"]) for r in rejects], [
            ("B1", "time:created_at"), ("B2", "time:created_at"), ("B3", "time:closed_at")])
        self.assertIn("0001-01-01 00:00", rejects[0]["message"])
        self.assertIn("1900", rejects[0]["message"])
        self.assertEqual(set(self.by_id()), {"B4"})

    def test_a_gzipped_file_imports_the_same_as_the_plain_one(self) -> None:
        run = self.run_import(samples.write_csv(self.tmp, "requests.csv.gz", self.records))
        self.assertEqual((run.rows, run.imported, run.rejected), (10, samples.GOOD, 4))

    def test_importing_the_same_file_again_imports_nothing_twice(self) -> None:
        path = samples.write_csv(self.tmp, "requests.csv", self.records)
        self.run_import(path)
        again = self.run_import(path)
        # A1 comes twice in the file: both rows name a request imported before.
        self.assertEqual((again.imported, again.skipped, again.rejected),
                         (0, samples.GOOD + 1, 3))
        self.assertEqual(Case.objects.count(), samples.GOOD)

    def test_an_interrupted_import_resumes_after_its_last_batch(self) -> None:
        path = samples.write_csv(self.tmp, "requests.csv", self.records)
        with self.assertRaises(KeyboardInterrupt):
            import_file(path, self.mapping, reject_path=self.rejects, batch_size=3,
                        progress=Progress("test", stream=Interrupted()))
        stopped = ImportRun.objects.get()
        self.assertFalse(stopped.finished)
        self.assertEqual((stopped.rows, stopped.last_row), (3, 4))
        self.assertEqual(Case.objects.count(), 3)
        run = self.run_import(path, resume=True, batch_size=3)
        self.assertEqual(run.pk, stopped.pk)
        self.assertTrue(run.finished)
        self.assertEqual((run.rows, run.imported, run.rejected), (10, samples.GOOD, 4))
        self.assertEqual(Case.objects.count(), samples.GOOD)
        self.assertEqual(len(samples.read_rejects(self.rejects)), 4)

    def test_a_limited_import_stops_there_and_resume_goes_on(self) -> None:
        path = samples.write_csv(self.tmp, "requests.csv", self.records)
        first = self.run_import(path, limit=4, batch_size=100)
        self.assertEqual((first.rows, first.finished), (4, False))
        run = self.run_import(path, resume=True)
        self.assertEqual((run.rows, run.imported, run.rejected), (10, samples.GOOD, 4))

    def test_a_row_with_missing_or_extra_columns_is_rejected(self) -> None:
        records = [self.records[1], ["B1", "2024-03-01 08:00"], [*self.records[2], "extra"]]
        run = self.run_import(samples.write_csv(self.tmp, "requests.csv", records))
        self.assertEqual((run.imported, run.reasons), (1, {"columns": 2}))
