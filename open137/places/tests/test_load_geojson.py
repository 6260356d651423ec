"""Loading a gazetteer from the city's own GIS (GeoJSON): all or nothing, idempotent."""

import json
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import translation

from open137.directory.actions import load_city
from open137.places.actions import load_places
from open137.places.models import Place, PlaceName
from open137.places.search import search
from open137.places.sources import PlaceFileError
from open137.places.testing import HELSINKI_PACK

INSIDE = [24.94, 60.166]  # district-1 of the test city
OUTSIDE = [25.5, 61.0]


def feature(name: str | None, coordinates: Any = INSIDE, kind: str | None = None,
            geometry_type: str = "Point", **props: Any) -> dict[str, Any]:
    properties = {**props}
    if name is not None:
        properties["name"] = name
    if kind:
        properties["kind"] = kind
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": geometry_type, "coordinates": coordinates}}


class GeoJSONLoadTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_city(HELSINKI_PACK)

    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())

    def write(self, features: list[Any], name: str = "city.geojson") -> Path:
        path = self.folder / name
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                        encoding="utf-8")
        return path

    def good(self) -> Path:
        return self.write([
            feature("بلوار نمونه", [[24.936, 60.166], [24.942, 60.167]],
                    geometry_type="LineString", **{"name:en": "Sample Boulevard",
                                                   "alt_name": "بلوار قدیم;نمونه"}),
            feature("محله نمونه", kind="neighbourhood"),
            feature("بیمارستان نمونه", [24.95, 60.175], kind="landmark", category="hospital"),
            feature(None, INSIDE, **{"addr:street": "بلوار نمونه", "addr:housenumber": "12"}),
            feature("Far away", OUTSIDE),
        ], name="good.geojson")

    def test_a_collection_loads_with_a_summary_by_kind(self) -> None:
        report = load_places(self.good())
        self.assertEqual(dict(report.kinds), {"street": 1, "neighbourhood": 1, "landmark": 2,
                                              "address": 1})
        self.assertEqual(report.outcomes["created"], 5)
        self.assertEqual(report.outside, 1)
        street = Place.objects.get(kind="street")
        self.assertEqual(street.geometry["type"], "LineString")
        self.assertEqual(street.district.code, "district-1")
        self.assertEqual(street.names["name:en"], "Sample Boulevard")
        self.assertEqual(Place.objects.get(kind="landmark", category="hospital")
                         .district.code, "district-4")

    def test_every_name_finds_the_place(self) -> None:
        load_places(self.good())
        for query in ["بلوار نمونه", "Sample Boulevard", "بلوار قدیم", "نمونه"]:
            with self.subTest(query):
                self.assertIn("بلوار نمونه", [f.name for f in search(query)])

    def test_loading_the_same_file_again_changes_nothing(self) -> None:
        path = self.good()
        load_places(path)
        ids = set(Place.objects.values_list("pk", flat=True))
        again = load_places(path)
        self.assertFalse(again.changed)
        self.assertEqual(again.outcomes["unchanged"], 5)
        self.assertEqual(set(Place.objects.values_list("pk", flat=True)), ids)

    def test_a_new_version_of_the_file_replaces_its_places(self) -> None:
        load_places(self.good())
        report = load_places(self.write([feature("محله نمونه", kind="neighbourhood"),
                                         feature("میدان تازه")], name="good.geojson"))
        self.assertEqual((report.outcomes["unchanged"], report.outcomes["created"],
                          report.outcomes["deleted"]), (1, 1, 4))
        self.assertEqual(Place.objects.count(), 2)
        self.assertNotIn("بلوار نمونه", [f.name for f in search("بلوار نمونه")])

    def test_files_of_other_names_keep_their_places(self) -> None:
        load_places(self.good())
        load_places(self.write([feature("میدان تازه")], name="other.geojson"))
        self.assertEqual(Place.objects.count(), 6)

    def assertLoadsNothing(self, path: Path, *words: str) -> None:
        load_places(self.good(), dataset="loaded before")
        before = (Place.objects.count(), PlaceName.objects.count())
        with self.assertRaises(PlaceFileError) as caught, translation.override("en"):
            load_places(path)
        for word in words:
            self.assertIn(word, str(caught.exception))
        self.assertEqual((Place.objects.count(), PlaceName.objects.count()), before)

    def test_a_feature_without_a_name_is_named_and_nothing_loads(self) -> None:
        self.assertLoadsNothing(self.write([feature("یک"), feature(None)], "city.geojson"),
                                "feature 2", "name")

    def test_an_invalid_geometry_is_named_and_nothing_loads(self) -> None:
        bowtie = [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]
        cases = {
            "no length": feature("خط", [[24.94, 60.16], [24.94, 60.16]],
                                 geometry_type="LineString"),
            "self-crossing": feature("محله", bowtie, geometry_type="Polygon"),
            "out of range": feature("نقطه", [200, 95]),
            "unreadable": feature("نقطه", ["a", "b"]),
            "not a geometry": feature("نقطه", geometry_type="Circle"),
        }
        for label, bad in cases.items():
            with self.subTest(label):
                self.assertLoadsNothing(self.write([feature("یک"), bad], "city.geojson"),
                                        "feature 2")

    def test_an_unknown_kind_is_refused(self) -> None:
        self.assertLoadsNothing(self.write([feature("یک", kind="castle")]), "castle")

    def test_a_file_that_is_not_what_its_name_says_loads_nothing(self) -> None:
        not_json = self.folder / "city.geojson"
        not_json.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
        self.assertLoadsNothing(not_json, "city.geojson")
        not_pbf = self.folder / "city.osm.pbf"
        not_pbf.write_text('{"type": "FeatureCollection", "features": []}')
        self.assertLoadsNothing(not_pbf, "city.osm.pbf")
        not_collection = self.folder / "one.geojson"
        not_collection.write_text(json.dumps(feature("یک")))
        self.assertLoadsNothing(not_collection, "FeatureCollection")
        other = self.folder / "places.csv"
        other.write_text("name\nیک\n")
        self.assertLoadsNothing(other, "places.csv")


class LoadPlacesCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_city(HELSINKI_PACK)

    def test_the_command_prints_progress_and_a_summary(self) -> None:
        path = Path(tempfile.mkdtemp()) / "city.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [
            feature("محله نمونه", kind="neighbourhood"), feature("Far", OUTSIDE)]}))
        out = StringIO()
        call_command("load_places", str(path), stdout=out)
        text = out.getvalue()
        self.assertIn("Reading city.geojson", text)
        self.assertIn("neighbourhood 1, landmark 1", text)
        self.assertIn("outside every district: 1", text)
        out = StringIO()
        call_command("load_places", str(path), stdout=out)
        self.assertIn("already up to date", out.getvalue())

    def test_a_broken_file_is_explained_in_both_languages(self) -> None:
        path = Path(tempfile.mkdtemp()) / "city.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [
            feature(None)]}))
        with self.assertRaises(CommandError) as caught:
            call_command("load_places", str(path), stdout=StringIO())
        message = str(caught.exception)
        self.assertIn("feature 1", message)
        self.assertIn("Nothing was loaded", message)
        self.assertEqual(Place.objects.count(), 0)


class LoadAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_city(HELSINKI_PACK)

    def test_a_load_leaves_one_entry_in_the_audit_trail(self) -> None:
        from open137.audit.models import AuditEntry

        path = Path(tempfile.mkdtemp()) / "city.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [
            feature("محله نمونه", kind="neighbourhood"), feature("Far", OUTSIDE)]}))
        before = AuditEntry.objects.count()
        call_command("load_places", str(path), stdout=StringIO())
        self.assertEqual(AuditEntry.objects.count(), before + 1)
        entry = AuditEntry.objects.get(model="places.gazetteer")
        self.assertIn("city.geojson: created 2", entry.note)
        self.assertIn("load_places", entry.note)
        call_command("load_places", str(path), stdout=StringIO())
        self.assertEqual(AuditEntry.objects.count(), before + 1)
