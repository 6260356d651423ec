"""Small import files and a mapping for the default city, written into a test's folder."""

import csv
import gzip
import io
from pathlib import Path
from typing import Any

MAPPING = """
format: csv
source: test-system
city: karaj
timezone: Asia/Tehran
result_note: "Finished before the import."
fields:
  external_id: id
  created_at: {column: opened, formats: ["%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]}
  closed_at: {column: closed, formats: ["%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]}
  subject: {column: type, values: {Pothole: asphalt, Garbage: garbage, "": other}}
  district: {column: region, values: {"Region 1": district-1}}
  status: {column: status, values: {open: open, closed: closed, rejected: rejected}}
  lat: lat
  lon: long
  description: text
  channel: {column: via, values: {call: phone, web: web}, default: import}
"""

HEADER = ["id", "opened", "closed", "type", "region", "status", "lat", "long", "text", "via"]


def rows(point: tuple[float, float]) -> list[list[str]]:
    """Ten records: six good, four bad (each for its own reason)."""
    lat, lon = (str(v) for v in point)
    return [
        ["A1", "2024-03-01 08:00", "2024-03-02 09:30", "Pothole", "Region 1", "Closed", "", "",
         "Deep hole, near the school", "call"],
        ["A2", "01/03/2024 10:15", "", "Garbage", "", "Open", "", "", "Not collected", "web"],
        ["A3", "2024-03-01 11:00", "", "Pothole", "", "open", "", "", "no place known", ""],
        ["A4", "yesterday", "", "Pothole", "Region 1", "Open", "", "", "bad date", ""],
        ["A5", "2024-03-01 12:00", "", "Unicorns", "Region 1", "Open", "", "", "", ""],
        ["A1", "2024-03-01 08:00", "", "Pothole", "Region 1", "Open", "", "", "again", ""],
        ["A6", "2024-03-03 12:00", "2024-03-01 12:00", "Garbage", "", "Closed", "", "", "", ""],
        ["A7", "2024-03-01 12:00", "2024-03-04 12:00", "Garbage", "", "Rejected", "", "",
         "Can't", ""],
        ["A8", "2024-03-01 12:00", "", "Pothole", "", "Open", lat, lon, "with a point", ""],
        ["A9", "2024-03-01 13:00", "2024-03-05 13:00", "", "", "", "", "", "no type", ""],
    ]


GOOD = 6
REJECTS = {"time:created_at": 1, "unknown:subject": 1, "duplicate": 1, "invalid:closed_at": 1}


def write_csv(folder: Path, name: str, records: list[list[str]],
              header: list[str] = HEADER) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(records)
    path = folder / name
    data = buffer.getvalue().encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def write_mapping(folder: Path, text: str = MAPPING, name: str = "test-system.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def read_rejects(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
