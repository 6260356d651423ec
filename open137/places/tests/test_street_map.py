"""The street map's tiles: the streets and named places of a tile, from the gazetteer."""

import json
import unittest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import TestCase, override_settings

from open137.directory.actions import load_city
from open137.places.actions import load_places
from open137.places.models import Place, PlaceCell
from open137.places.streetmap import CELL_ZOOM, cells, tile_bounds, tile_of
from open137.places.testing import HELSINKI_PACK, helsinki_extract

PACK = settings.CITYPACKS_DIR / "karaj"
GOHARDASHT = (50.935, 35.848)  # lon, lat


def tile_path(zoom: int, lon: float, lat: float) -> str:
    x, y = tile_of(lon, lat, zoom)
    return f"/places/tiles/{zoom}/{x}/{y}.json"


class TileArithmeticTests(unittest.TestCase):
    def test_a_point_lies_inside_the_bounds_of_its_tile(self) -> None:
        for zoom in (0, 11, 15, 18):
            x, y = tile_of(*GOHARDASHT, zoom)
            west, south, east, north = tile_bounds(zoom, x, y)
            self.assertTrue(west <= GOHARDASHT[0] < east and south < GOHARDASHT[1] <= north)

    def test_a_line_passes_through_every_cell_between_its_ends(self) -> None:
        line = {"type": "LineString", "coordinates": [[50.90, 35.84], [50.96, 35.84]]}
        found = cells(line)
        x0, y = tile_of(50.90, 35.84, CELL_ZOOM)
        x1, _ = tile_of(50.96, 35.84, CELL_ZOOM)
        self.assertEqual(found, {(x, y) for x in range(x0, x1 + 1)})
        self.assertEqual(cells({"type": "Point", "coordinates": [50.9, 35.8]}),
                         {tile_of(50.9, 35.8, CELL_ZOOM)})
        self.assertEqual(cells({"type": "Polygon", "coordinates": []}), set())


class KarajTilesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_city(PACK)

    def features(self, path: str, **headers: str) -> list[dict]:
        response = self.client.get(path, **headers)
        self.assertEqual(response.status_code, 200, response.content[:300])
        self.assertEqual(response["Content-Type"], "application/geo+json; charset=utf-8")
        return json.loads(response.content)["features"]

    def test_a_street_zoom_tile_has_the_streets_lines_and_the_places_names(self) -> None:
        features = self.features(tile_path(15, *GOHARDASHT))
        names = {f["properties"]["name"]: f for f in features}
        self.assertIn("گوهردشت", names)
        self.assertEqual(names["گوهردشت"]["geometry"]["type"], "Point")
        streets = [f for f in features if f["properties"]["kind"] == "street"]
        self.assertTrue(streets)
        self.assertTrue(all(f["geometry"]["type"] in {"LineString", "MultiLineString"}
                            for f in streets))
        self.assertFalse([f for f in features if f["properties"]["kind"] == "address"])
        moazzen = self.features(tile_path(15, 50.938, 35.846))
        self.assertIn("بلوار موذن", {f["properties"]["name"] for f in moazzen})

    def test_a_city_zoom_tile_has_only_neighbourhoods_and_main_streets(self) -> None:
        features = self.features(tile_path(11, *GOHARDASHT))
        kinds = {(f["properties"]["kind"], f["properties"].get("main")) for f in features}
        self.assertEqual(kinds, {("neighbourhood", None), ("street", True)})
        names = {f["properties"]["name"] for f in features}
        self.assertTrue({"بلوار موذن", "گوهردشت", "بلوار استقلال"} <= names, names)
        self.assertNotIn("خیابان میخک", names)  # a neighbourhood's own street: street zoom
        self.assertEqual(self.features(tile_path(9, 50.99, 35.835)), [])

    def test_names_come_in_the_language_asked_for(self) -> None:
        features = self.features(tile_path(15, 50.938, 35.846) + "?lang=en")
        self.assertIn("Moazzen Boulevard", {f["properties"]["name"] for f in features})
        # A language the city does not speak falls back to its own.
        features = self.features(tile_path(15, 50.938, 35.846) + "?lang=xx")
        self.assertIn("بلوار موذن", {f["properties"]["name"] for f in features})

    def test_the_browser_keeps_a_tile_until_the_gazetteer_is_loaded_again(self) -> None:
        path = tile_path(15, *GOHARDASHT)
        first = self.client.get(path)
        tag = first["ETag"]
        self.assertIn("max-age", first["Cache-Control"])
        again = self.client.get(path, HTTP_IF_NONE_MATCH=tag)
        self.assertEqual((again.status_code, again.content), (304, b""))
        load_places(PACK / "places.geojson", dataset="another.geojson")  # the version moves
        changed = self.client.get(path, HTTP_IF_NONE_MATCH=tag)
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], tag)

    @override_settings(RATE_LIMIT_MAP_TILES="3/m")
    def test_a_visitor_who_asks_for_many_new_tiles_waits_but_made_ones_still_come(self) -> None:
        cache.clear()
        x, y = tile_of(*GOHARDASHT, 16)
        paths = [f"/places/tiles/16/{x + dx}/{y}.json" for dx in range(4)]
        answers = [self.client.get(path) for path in paths]
        self.assertEqual([a.status_code for a in answers], [200, 200, 200, 429])
        self.assertGreater(int(answers[3]["Retry-After"]), 0)
        self.assertIn("error", answers[3].json())
        # The tiles already made cost nothing and are still served, also as "not modified".
        self.assertEqual(self.client.get(paths[0]).status_code, 200)
        again = self.client.get(paths[1], HTTP_IF_NONE_MATCH=answers[1]["ETag"])
        self.assertEqual(again.status_code, 304)
        # Staff at a busy desk are never held up.
        staff = get_user_model().objects.create_user("operator", password="x")
        self.client.force_login(staff)
        self.assertEqual(self.client.get(paths[3]).status_code, 200)

    def test_a_tile_outside_the_world_is_not_found_and_writing_is_refused(self) -> None:
        self.assertEqual(self.client.get("/places/tiles/3/8/0.json").status_code, 404)
        self.assertEqual(self.client.get("/places/tiles/30/0/0.json").status_code, 404)
        self.assertEqual(self.client.get("/places/tiles/1/-1/0.json").status_code, 404)
        self.assertEqual(self.client.post(tile_path(15, *GOHARDASHT)).status_code, 405)

    def test_an_empty_tile_is_an_empty_collection(self) -> None:
        self.assertEqual(self.features(tile_path(15, 0.0, 0.0)), [])

    def test_places_removed_from_the_gazetteer_leave_the_map(self) -> None:
        self.assertTrue(PlaceCell.objects.exists())
        Place.objects.all().delete()
        self.assertFalse(PlaceCell.objects.exists())

    def test_the_maps_ask_the_street_map_only_without_a_tile_server(self) -> None:
        page = self.client.get("/")
        self.assertContains(page, 'data-streets-url="/places/tiles/{z}/{x}/{y}.json"')
        self.assertContains(page, "open137/streetmap.js")
        with override_settings(MAP_TILE_URL="https://tiles.example.ir/{z}/{x}/{y}.png"):
            page = self.client.get("/")
        self.assertContains(page, 'data-streets-url=""')


@unittest.skipUnless(helsinki_extract().is_file(), "the Helsinki extract is not there")
class OpenStreetMapStreetsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_city(HELSINKI_PACK)
        load_places(helsinki_extract())

    def test_streets_keep_their_road_class_and_main_roads_show_from_city_zoom(self) -> None:
        main = Place.objects.get(kind="street", name="Mannerheimintie")
        self.assertIn(main.category, {"trunk", "primary", "secondary"})
        lon, lat = main.lon, main.lat
        city = json.loads(self.client.get(tile_path(12, lon, lat)).content)["features"]
        names = {f["properties"]["name"] for f in city}
        self.assertIn("Mannerheimintie", names)
        residential = set(Place.objects.filter(kind="street", category="residential")
                          .values_list("name", flat=True))
        self.assertTrue(residential)
        self.assertFalse(names & residential)
        street = json.loads(self.client.get(tile_path(15, lon, lat)).content)["features"]
        self.assertGreater(len(street), len(city))
