"""The gazetteer on a real OpenStreetMap extract: central Helsinki (ODbL), read from the
data folder beside the project (OPEN137_REAL_DATA); skipped when it is absent.

The test city (tests/packs/helsinki) has four rectangular districts over the extract.
"""

import json
import unittest

from django.test import TestCase, override_settings

from open137.cases.models import Case
from open137.directory.actions import load_city
from open137.directory.models import District
from open137.open311.actions import create_api_key
from open137.places.actions import PlacesReport, load_places
from open137.places.models import Place
from open137.places.search import haversine_m, place_address, search
from open137.places.sources import PlaceRecord, read_osm
from open137.places.testing import HELSINKI_PACK, helsinki_extract

EXTRACT = helsinki_extract()
ACCEPTED_M = 75.0


def district_of(lon: float, lat: float) -> str:
    from shapely.geometry import Point, shape

    for d in District.objects.filter(active=True):
        if shape(d.geometry).covers(Point(lon, lat)):
            return d.code
    raise AssertionError("outside the test city")


@unittest.skipUnless(EXTRACT.is_file(), f"the Helsinki extract is not at {EXTRACT}")
class HelsinkiTests(TestCase):
    addresses: list[PlaceRecord]
    report: PlacesReport

    @classmethod
    def setUpTestData(cls) -> None:
        load_city(HELSINKI_PACK)
        cls.report = load_places(EXTRACT)
        cls.addresses = [r for r in read_osm(EXTRACT) if r.kind == "address"]

    def test_the_extract_loads_its_addresses_streets_and_neighbourhoods(self) -> None:
        kinds = self.report.kinds
        self.assertGreater(kinds["address"], 1300)
        self.assertGreater(kinds["street"], 90)
        self.assertGreaterEqual(kinds["neighbourhood"], 5)
        self.assertEqual(self.report.outside, 0)
        street = Place.objects.filter(kind="street", name="Mannerheimintie").first()
        self.assertIsNotNone(street)
        self.assertIn(street.geometry["type"], {"LineString", "MultiLineString"})
        self.assertEqual(Place.objects.filter(kind="neighbourhood", name="Kluuvi").count(), 1)

    def test_loading_the_extract_again_changes_nothing(self) -> None:
        again = load_places(EXTRACT)
        self.assertFalse(again.changed)
        self.assertEqual(again.outcomes["unchanged"], sum(self.report.kinds.values()))

    def test_street_and_number_finds_the_address(self) -> None:
        for record in self.addresses[::40]:
            with self.subTest(f"{record.street} {record.housenumber}"):
                found = search(f"{record.street} {record.housenumber}")
                self.assertTrue(found)
                self.assertEqual(found[0].kind, "address")
                self.assertLessEqual(haversine_m(found[0].lat, found[0].lon, record.lat,
                                                 record.lon), ACCEPTED_M)
                self.assertEqual(found[0].district_code, district_of(record.lon, record.lat))

    def test_street_names_find_the_street_misspelt_or_in_swedish(self) -> None:
        for query, street in [("Mannerheimintie", "Mannerheimintie"),
                              ("mannerheimintei", "Mannerheimintie"),
                              ("Aleksanterin katu", "Aleksanterinkatu"),
                              ("toolonlahdenkatu", "Töölönlahdenkatu"),
                              ("Mannerheimvägen", "Mannerheimintie")]:
            with self.subTest(query):
                found = search(query)
                self.assertEqual((found[0].kind, found[0].name), ("street", street))

    def test_the_beginning_of_a_name_offers_it_while_typing(self) -> None:
        self.assertIn("Mannerheimintie", [f.name for f in search("Mannerhe", limit=5)])

    def test_a_number_not_in_the_data_is_placed_on_its_street(self) -> None:
        known = {(r.street, r.housenumber) for r in self.addresses}
        street = "Fredrikinkatu"
        numbers = sorted(int(n) for s, n in known if s == street and n.isdigit())
        missing = next(n for n in range(numbers[0], numbers[-1]) if str(n) not in
                       {num for s, num in known if s == street})
        found = search(f"{street} {missing}")[0]
        self.assertEqual((found.kind, found.interpolated), ("address", True))
        line = Place.objects.filter(kind="street", name=street)
        from shapely.geometry import Point, shape

        nearest = min(shape(p.geometry).distance(Point(found.lon, found.lat)) for p in line)
        self.assertLess(nearest * 111_000, 100)

    def test_a_request_with_only_an_address_string_gets_the_right_district(self) -> None:
        _key, raw = create_api_key(name="app", by=None)
        record = next(r for r in self.addresses if r.street == "Kaivokatu")
        response = self.client.post("/open311/v2/requests.json", {
            "api_key": raw, "service_code": "pothole",
            "address_string": f"{record.street} {record.housenumber}",
            "description": "A deep hole in the road"})
        self.assertEqual(response.status_code, 201, response.content)
        case = Case.objects.get(pk=int(json.loads(response.content)[0]["service_request_id"]))
        expected = district_of(record.lon, record.lat)
        self.assertEqual(case.district.code, expected)
        self.assertEqual(case.unit.code, f"{expected}/roads")
        self.assertLessEqual(haversine_m(case.lat, case.lon, record.lat, record.lon), ACCEPTED_M)
        placed = case.events.get(step="receive").data["placed"]
        self.assertEqual(placed["source"], "address")
        self.assertGreaterEqual(placed["score"], 0.75)

    @override_settings(RATE_LIMIT_PLACES="0")
    def test_at_least_95_percent_of_addresses_come_first_within_75_metres(self) -> None:
        """The acceptance figure over every address in the file, through the API."""
        near = 0
        for record in self.addresses:
            response = self.client.get("/api/v1/places", {
                "q": f"{record.street} {record.housenumber}", "limit": 1})
            places = response.json()["places"]
            if places and haversine_m(places[0]["lat"], places[0]["lon"], record.lat,
                                      record.lon) <= ACCEPTED_M:
                near += 1
        share = near / len(self.addresses)
        print(f"\nHelsinki: {near} of {len(self.addresses)} addresses ({share:.1%}) come "
              f"first within {ACCEPTED_M:.0f} m", end=" ")
        self.assertGreaterEqual(share, 0.95)
        self.assertTrue(place_address("Kaivokatu 8"))


