import json
import tempfile
from pathlib import Path
from typing import Any

from open137.cases.models import Case
from open137.cases.testing import CityTestCase, inside
from open137.cases.workflow import Status
from open137.imports.importer import Progress, import_file
from open137.imports.mapping import find_mapping, read_mapping
from open137.imports.sources import CHUNK, JsonSource, SourceError
from open137.imports.tests import samples


def request(n: int, **fields: Any) -> dict[str, Any]:
    return {"service_request_id": f"SR{n}", "service_code": "garbage", "status": "open",
            "description": f"Bins not emptied ({n})", "requested_datetime":
            "2024-03-01T10:00:00+03:30", "updated_datetime": "2024-03-02T08:00:00+03:30",
            "address": "", "lat": None, "long": None, "status_notes": "", **fields}


class Open311ImportTests(CityTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.mapping = read_mapping(find_mapping("open311"))

    def write(self, records: list[Any], text: str | None = None) -> Path:
        path = self.tmp / "requests.json"
        path.write_text(text if text is not None else json.dumps(records), encoding="utf-8")
        return path

    def test_a_georeport_response_becomes_requests_with_their_history(self) -> None:
        lat, lon = inside(self.district)
        path = self.write([
            request(1),
            request(2, status="closed", status_notes="Emptied."),
            request(3, service_code="asphalt", lat=str(lat), long=str(lon)),
            request(4, service_code="dragons"),
            [1, 2, 3],
            request(5, requested_datetime="2024-13-45"),
        ])
        run = import_file(path, self.mapping, reject_path=self.tmp / "rejects.csv",
                          progress=Progress("t", enabled=False))
        self.assertEqual((run.rows, run.imported, run.rejected), (6, 3, 3))
        self.assertEqual(run.reasons, {"unknown:subject": 1, "not_an_object": 1,
                                       "time:created_at": 1})
        cases = {c.external_id: c for c in Case.objects.all()}
        self.assertEqual(cases["SR1"].status, Status.REFERRED)
        self.assertEqual(cases["SR2"].status, Status.CLOSED)
        self.assertEqual(cases["SR2"].result_note, "Emptied.")
        self.assertEqual(cases["SR2"].closed_at.isoformat(), "2024-03-02T04:30:00+00:00")
        self.assertEqual(cases["SR3"].unit, self.unit)
        rejects = samples.read_rejects(self.tmp / "rejects.csv")
        self.assertEqual([r["row"] for r in rejects], ["4", "5", "6"])
        self.assertEqual(json.loads(rejects[0]["record"])["service_code"], "dragons")

    def test_records_are_read_across_chunk_boundaries_without_loading_the_whole_file(self) -> None:
        records = [request(n, description="x" * 700 + "é") for n in range(300)]
        path = self.write(records, json.dumps(records, indent=2, ensure_ascii=False))
        self.assertGreater(path.stat().st_size, 3 * CHUNK)
        read = [r.values["service_request_id"] for r in JsonSource(path).records()]
        self.assertEqual(read, [f"SR{n}" for n in range(300)])
        resumed = [r.values["service_request_id"] for r in JsonSource(path).records(start=298)]
        self.assertEqual(resumed, ["SR298", "SR299"])

    def test_a_file_that_is_not_a_json_array_is_refused(self) -> None:
        for text in ['{"service_request_id": 1}', '[{"a": 1}, {"b": ', "<xml/>"]:
            with self.subTest(text), self.assertRaises(SourceError):
                list(JsonSource(self.write([], text)).records())
