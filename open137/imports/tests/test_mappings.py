import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase
from django.utils.translation import override

from open137.cases.testing import CityTestCase
from open137.imports.mapping import (
    MAPPINGS_DIR,
    Converter,
    Lookups,
    MappingError,
    RowError,
    check_against_city,
    find_mapping,
    parse_time,
    read_mapping,
)
from open137.imports.tests import samples


def mapping_file(text: str) -> Path:
    return samples.write_mapping(Path(tempfile.mkdtemp()), text)


class ReadingMappingsTests(SimpleTestCase):
    def test_a_broken_mapping_names_the_file_and_the_setting(self) -> None:
        cases = {
            "fields: {}": "source",
            "source: x\nfields: {subject: type}": "fields › created_at",
            "source: x\nfields: {created_at: t, subject: s, colour: c}": "fields › colour",
            "source: x\nfields: {created_at: t, subject: {values: {a: b}}}": "fields › subject",
            "source: x\nformat: xml\nfields: {created_at: t, subject: s}": "format",
            "source: x\ntimezone: Mars/Olympus\nfields: {created_at: t, subject: s}":
                "timezone",
            "source: x\nfields: {created_at: t, subject: s, status: {column: s, "
            "values: {done: finished}}}": "fields › status",
            "source: x\nsize: 3\nfields: {created_at: t, subject: s}": "size",
            "[1, 2": "",
        }
        for text, where in cases.items():
            with self.subTest(text), override("en"), self.assertRaises(MappingError) as ctx:
                read_mapping(mapping_file(text))
            self.assertEqual(ctx.exception.where, where)
            self.assertIn("test-system.yaml", str(ctx.exception))

    def test_every_committed_mapping_reads_cleanly(self) -> None:
        root = MAPPINGS_DIR.parent.parent.parent
        paths = [*MAPPINGS_DIR.glob("*.yaml"), *(root / "citypacks").glob("*/mappings/*.yaml")]
        self.assertGreaterEqual(len(paths), 4)
        for path in paths:
            with self.subTest(path.name):
                self.assertTrue(read_mapping(path).source)

    def test_a_mapping_is_found_by_its_name_in_a_packs_mappings_folder(self) -> None:
        self.assertEqual(find_mapping("nyc-council").parent.parent.name, "nyc")
        self.assertEqual(find_mapping("open311").parent, MAPPINGS_DIR)
        with self.assertRaises(MappingError):
            find_mapping("no-such-mapping")

    def test_times_are_tried_in_each_format_and_a_naive_time_is_in_the_given_zone(self) -> None:
        zone = ZoneInfo("America/Toronto")
        formats = ("%Y-%b-%d %H:%M:%S", "%m/%d/%Y %H:%M")
        self.assertEqual(parse_time("2014-Jan-14 13:48:01", formats, zone),
                         datetime(2014, 1, 14, 13, 48, 1, tzinfo=zone))
        self.assertEqual(parse_time("5/9/2014 9:59", formats, zone),
                         datetime(2014, 5, 9, 9, 59, tzinfo=zone))
        self.assertEqual(parse_time("2025-09-04T22:37:50Z", ("iso",), zone),
                         datetime(2025, 9, 4, 22, 37, 50, tzinfo=UTC))
        self.assertIsNone(parse_time("14/14/2014 9:59", formats, zone))


class ConvertingRecordsTests(CityTestCase):
    def converter(self, text: str, header: list[str] | None) -> Converter:
        return Converter(read_mapping(mapping_file(text)), Lookups.load(), header, "f.csv")

    def test_values_are_matched_without_case_and_spacing_and_by_prefix_when_asked(self) -> None:
        convert = self.converter("""
source: t
fields:
  created_at: t
  subject:
    - {column: what, match: prefix, values: {"Retail-": garbage}}
    - {column: what, values: {"road  works": asphalt}}
""", ["t", "what"])
        for value, code in [("Retail-Green Bin 80L", "garbage"), ("ROAD WORKS", "asphalt"),
                            (" Road   Works ", "asphalt")]:
            with self.subTest(value):
                case = convert.convert(["2024-01-01T10:00:00+03:30", value], 2)
                self.assertEqual(case.subject.code, code)
        with self.assertRaises(RowError) as ctx:
            convert.convert(["2024-01-01T10:00:00+03:30", "Roads"], 3)
        self.assertEqual(ctx.exception.reason, "unknown:subject")

    def test_a_file_without_a_mapped_column_is_refused_before_any_row(self) -> None:
        with override("en"), self.assertRaises(MappingError) as ctx:
            self.converter("source: t\nfields: {created_at: t, subject: what}", ["t", "type"])
        self.assertIn("what", str(ctx.exception))

    def test_a_mapping_for_another_city_or_with_unknown_codes_is_refused(self) -> None:
        for text in ["source: t\ncity: nyc\nfields: {created_at: t, subject: s}",
                     "source: t\nfields: {created_at: t, subject: {column: s, "
                     "values: {x: no-such-subject}}}",
                     "source: t\nfields: {created_at: t, subject: s, district: "
                     "{column: d, values: {x: district-99}}}"]:
            with self.subTest(text), self.assertRaises(MappingError):
                check_against_city(read_mapping(mapping_file(text)), Lookups.load())

    def test_without_an_id_column_a_record_is_known_by_its_file_and_row(self) -> None:
        convert = self.converter("source: t\nfields: {created_at: t, subject: {value: other}}",
                                 ["t"])
        self.assertEqual(convert.convert(["2024-01-01T10:00:00+03:30"], 7).external_id, "f.csv:7")

    def test_an_open_status_ignores_a_closing_time(self) -> None:
        convert = self.converter("""
source: t
fields:
  created_at: t
  closed_at: u
  subject: {value: other}
  status: {column: s, values: {open: open, closed: closed}}
""", None)
        open_case = convert.convert({"t": "2024-01-01T10:00:00Z", "u": "2024-01-02T10:00:00Z",
                                     "s": "open"}, 1)
        self.assertIsNone(open_case.closed_at)
        self.assertEqual(open_case.result, "")
        closed = convert.convert({"t": "2024-01-01T10:00:00Z", "u": "2024-01-02T10:00:00Z",
                                  "s": "closed"}, 2)
        self.assertEqual((closed.result, closed.closed_at.day), ("resolved", 2))
