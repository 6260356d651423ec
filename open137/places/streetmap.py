"""The street map from the gazetteer, served by open137 itself: no tile server needed.

The maps ask for GeoJSON by web-map tile (`/places/tiles/<z>/<x>/<y>.json`): the streets
as lines with their names, and the named neighbourhoods and landmarks as points, that lie
in the tile. At city zoom only the neighbourhoods and the main streets (simplified to the
pixel); at street zoom every street and landmark. Each place is indexed on load by the
cells (tiles at `CELL_ZOOM`) its geometry passes through (`PlaceCell`), so a tile is one
indexed range read on SQLite and PostgreSQL alike. A tile's answer is kept in the cache
and carries an ETag until the gazetteer's version moves.
"""

import hashlib
import itertools
import json
import math
from collections.abc import Iterator
from typing import Any

from django.core.cache import cache
from django.db import connection

from open137.places.index import current_versions
from open137.places.models import Place, PlaceCell, PlaceKind

CELL_ZOOM = 15  # a cell is a tile of this zoom: about 900 m across at Karaj's latitude
CITY_ZOOM = 11  # below this, the maps show the districts' outlines only
STREET_ZOOM = 14  # from this zoom (of the data tile) every street and landmark is drawn
MAX_ZOOM = 18
# Streets drawn from city zoom: OpenStreetMap's highway classes of the main roads, and
# what a city's own file may call them (`category`).
MAIN_STREETS = frozenset({
    "motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link",
    "primary_link", "boulevard", "highway", "expressway", "main",
})
def level(kind: str, category: str) -> int | None:
    """From which zoom a place is drawn: 0 city zoom, 1 street zoom, None never."""
    if kind == PlaceKind.NEIGHBOURHOOD:
        return 0
    if kind == PlaceKind.STREET:
        return 0 if category in MAIN_STREETS else 1
    if kind == PlaceKind.LANDMARK:
        return 1
    return None


# ------------------------------------------------------------------ tile arithmetic

def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The web-map (slippy map) tile holding a point."""
    n = 1 << zoom
    lat = max(min(lat, 85.05112878), -85.05112878)
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds(zoom: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a tile, in degrees."""
    n = 1 << zoom

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def _coordinates(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """A GeoJSON point or line(s) as lists of (lon, lat)."""
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Point":
        return [[(float(coords[0]), float(coords[1]))]]
    if kind == "LineString":
        return [[(float(c[0]), float(c[1])) for c in coords]]
    if kind == "MultiLineString":
        return [[(float(c[0]), float(c[1])) for c in line] for line in coords]
    return []


def cells(geometry: dict[str, Any]) -> set[tuple[int, int]]:
    """The cells a point or a line passes through (a line sampled every third of a cell)."""
    found: set[tuple[int, int]] = set()
    step = 360.0 / (1 << CELL_ZOOM) / 3
    for line in _coordinates(geometry):
        for (x0, y0), (x1, y1) in itertools.pairwise(line):
            parts = max(1, math.ceil(max(abs(x1 - x0), abs(y1 - y0)) / step))
            for i in range(parts):
                t = i / parts
                found.add(tile_of(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, CELL_ZOOM))
        if line:
            found.add(tile_of(line[-1][0], line[-1][1], CELL_ZOOM))
    return found


def cell_rows(place_id: int, kind: str, category: str,
              geometry: dict[str, Any]) -> Iterator[PlaceCell]:
    """The index rows of one place (none for a place the map does not draw)."""
    drawn = level(kind, category)
    if drawn is None:
        return
    for x, y in sorted(cells(geometry)):
        yield PlaceCell(place_id=place_id, level=drawn, x=x, y=y)


# ------------------------------------------------------------------ tiles

def valid_tile(zoom: int, x: int, y: int) -> bool:
    return 0 <= zoom <= MAX_ZOOM and 0 <= x < (1 << zoom) and 0 <= y < (1 << zoom)


def etag(zoom: int, x: int, y: int, language: str, version: str | None = None) -> str:
    version = current_versions()[0] if version is None else version
    digest = hashlib.sha1(f"{version}:{language}:{zoom}/{x}/{y}".encode(),
                          usedforsecurity=False).hexdigest()[:20]
    return f'"{digest}"'


def cached_tile(zoom: int, x: int, y: int, language: str) -> tuple[bytes | None, str]:
    """The tile's GeoJSON if it was made since the gazetteer last moved (else None), and
    its ETag either way."""
    tag = etag(zoom, x, y, language)
    return cache.get(_cache_key(tag)), tag


def tile(zoom: int, x: int, y: int, language: str, *, cached: bool = True) -> tuple[bytes, str]:
    """The tile's GeoJSON (bytes) and its ETag; from the cache when the gazetteer has not
    moved since it was made."""
    tag = etag(zoom, x, y, language)
    if cached and (body := cache.get(_cache_key(tag))) is not None:
        return body, tag
    body = tile_json(zoom, x, y, language).encode()
    cache.set(_cache_key(tag), body, 3600)
    return body, tag


def _cache_key(tag: str) -> str:
    return f"streetmap:{tag.strip(chr(34))}"


def tile_json(zoom: int, x: int, y: int, language: str) -> str:
    """What a tile shows, as a GeoJSON FeatureCollection (the places whose cells meet it).

    At street zoom a street's line goes out as the database holds it (already rounded to
    about 10 cm when loaded), without being read and written again: most of a tile's
    bytes pass straight through."""
    features: list[str] = []
    empty = '{"type":"FeatureCollection","features":[]}'
    if zoom < CITY_ZOOM:
        return empty
    if zoom <= CELL_ZOOM:
        shift = CELL_ZOOM - zoom
        xs, ys = (x << shift, ((x + 1) << shift) - 1), (y << shift, ((y + 1) << shift) - 1)
    else:
        shift = zoom - CELL_ZOOM
        xs, ys = (x >> shift, x >> shift), (y >> shift, y >> shift)
    levels = "0" if zoom < STREET_ZOOM else "0, 1"
    # Plain SQL, like the address search: the ORM would spend longer building the query
    # than the database answering it from the cells' index. JSON columns come as text.
    as_text = "CAST({} AS text)" if connection.vendor == "postgresql" else "{}"
    sql = (f"SELECT p.id, p.kind, p.category, p.name, {as_text.format('p.names')}, "  # noqa: S608
           f"{as_text.format('p.geometry')}, p.lat, p.lon "
           f"FROM {Place._meta.db_table} p WHERE p.id IN (SELECT c.place_id FROM "
           f"{PlaceCell._meta.db_table} c WHERE c.level IN ({levels}) "
           f"AND c.x BETWEEN %s AND %s AND c.y BETWEEN %s AND %s) ORDER BY p.id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*xs, *ys])
        rows = cursor.fetchall()
    # At city zoom a line is drawn to the pixel: points closer than that are dropped.
    tolerance = 360.0 / (1 << zoom) / 512 if zoom < STREET_ZOOM else 0.0
    wanted = f'"name:{language}"'
    for pk, kind, category, name, names, geometry, lat, lon in rows:
        local = json.loads(names).get(f"name:{language}") if wanted in (names or "") else None
        properties = (f'"name":{_string(str(local or name))},"kind":{_string(kind)},'
                      f'"category":{_string(category)}')
        if kind == PlaceKind.STREET:
            properties += ',"main":true' if category in MAIN_STREETS else ',"main":false'
            head = (geometry or "")[:40]
            if "LineString" not in head:
                continue  # a street known only from its addresses has no line to draw
            if tolerance:
                lines = [_simplified(line, tolerance, 5)
                         for line in _coordinates(json.loads(geometry)) if len(line) > 1]
                geometry = json.dumps({"type": "MultiLineString", "coordinates": lines},
                                      separators=(",", ":"))
            shape = geometry
        else:
            shape = f'{{"type":"Point","coordinates":[{round(lon, 6)},{round(lat, 6)}]}}'
        features.append(f'{{"type":"Feature","id":{int(pk)},"geometry":{shape},'
                        f'"properties":{{{properties}}}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def tile_data(zoom: int, x: int, y: int, language: str) -> dict[str, Any]:
    """A tile as a Python value (tests and tools)."""
    return json.loads(tile_json(zoom, x, y, language))  # type: ignore[no-any-return]


def _simplified(line: list[tuple[float, float]], tolerance: float,
                digits: int) -> list[list[float]]:
    """A line with the points that add less than `tolerance` dropped (Douglas-Peucker)."""
    if tolerance > 0 and len(line) > 2:
        keep = [False] * len(line)
        keep[0] = keep[-1] = True
        stack = [(0, len(line) - 1)]
        while stack:
            first, last = stack.pop()
            (ax, ay), (bx, by) = line[first], line[last]
            dx, dy = bx - ax, by - ay
            length = math.hypot(dx, dy) or 1e-12
            far, index = -1.0, -1
            for i in range(first + 1, last):
                px, py = line[i]
                d = abs(dy * (px - ax) - dx * (py - ay)) / length
                if d > far:
                    far, index = d, i
            if index >= 0 and far > tolerance:
                keep[index] = True
                stack += [(first, index), (index, last)]
        line = [p for p, k in zip(line, keep, strict=True) if k]
    return [[round(lon, digits), round(lat, digits)] for lon, lat in line]


def tile_url_template() -> str:
    """The tiles' address for the map script: /places/tiles/{z}/{x}/{y}.json."""
    from django.urls import reverse

    return reverse("places:tile", kwargs={"z": 0, "x": 0, "y": 0}).replace(
        "/0/0/0.json", "/{z}/{x}/{y}.json")
