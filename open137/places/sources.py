"""Reading a gazetteer file: an OpenStreetMap extract (.osm.pbf) or a GeoJSON collection.

Everything is read and checked before anything is written: a file that is not what its
name says, a feature without a name or with a broken geometry, is reported with what is
wrong and where, and nothing is loaded. No database here.
"""

import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import LineString, MultiLineString, Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, nearest_points, unary_union

from open137.core.text import normalize_text
from open137.places.matching import house_number

Progress = Callable[[str], None]
KINDS = ("address", "street", "neighbourhood", "landmark")
GEOMETRIES = ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
# Tags whose values are names of a place, in the order they are worth showing.
NAME_TAGS = ("name", "official_name", "alt_name", "old_name", "loc_name", "short_name",
             "reg_name", "nat_name")
STREET_GAP_DEGREES = 0.002  # ways of one name closer than ~200 m are the same street


class PlaceFileError(Exception):
    """The file cannot be loaded; the message says what is wrong and where."""


@dataclass
class PlaceRecord:
    """A place as a file gives it, checked, before it is written."""

    source_id: str
    kind: str
    name: str
    geometry: dict[str, Any]
    lat: float
    lon: float
    names: dict[str, str] = field(default_factory=dict)
    category: str = ""
    housenumber: str = ""
    street: str = ""

    def search_names(self) -> list[str]:
        """Every name the place may be asked by (for an address: its street's names)."""
        if self.kind == "address":
            found = [self.street] + [v for k, v in self.names.items() if k.startswith("street")]
        else:
            found = [self.name, *list(self.names.values())]
        seen: dict[str, None] = {}
        for value in found:
            for part in str(value).split(";"):
                part = part.strip()
                if part:
                    seen.setdefault(part, None)
        return list(seen)


def read_places(path: Path, *, progress: Progress | None = None) -> list[PlaceRecord]:
    """The places in a file, by its extension; PlaceFileError when it cannot be loaded."""
    name = path.name.lower()
    if not path.is_file():
        raise PlaceFileError(_("There is no file at %(path)s.") % {"path": path})
    if name.endswith(".osm.pbf") or name.endswith(".pbf"):
        return read_osm(path, progress=progress)
    if name.endswith(".geojson") or name.endswith(".json"):
        return read_geojson(path)
    raise PlaceFileError(_("%(file)s is neither an OpenStreetMap extract (.osm.pbf) nor a "
                           "GeoJSON file (.geojson).") % {"file": path.name})


# ----------------------------------------------------------------------------- GeoJSON


def read_geojson(path: Path) -> list[PlaceRecord]:
    """A FeatureCollection of places: `name` (and `name:fa`, `alt_name`...), `kind`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise PlaceFileError(_("%(file)s is not a GeoJSON file: %(reason)s")
                             % {"file": path.name, "reason": str(e)[:200]}) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise PlaceFileError(_("%(file)s is not a GeoJSON FeatureCollection.")
                             % {"file": path.name})
    records: list[PlaceRecord] = []
    seen: set[str] = set()
    unnamed: dict[str, int] = {}
    for position, feature in enumerate(data["features"], start=1):
        record = _feature(path.name, position, feature)
        if not record.source_id:
            # No id: the place's kind and names stand for it, so that a file edited
            # elsewhere keeps the places it did not touch.
            base = f"{record.kind}:{record.name}"[:180]
            unnamed[base] = unnamed.get(base, 0) + 1
            record.source_id = f"{base}#{unnamed[base]}"
        if record.source_id in seen:
            raise PlaceFileError(_("%(file)s, feature %(n)s: the id “%(id)s” is used twice.")
                                 % {"file": path.name, "n": position, "id": record.source_id})
        seen.add(record.source_id)
        records.append(record)
    return records


def _feature(file: str, position: int, feature: Any) -> PlaceRecord:
    def fail(message: str) -> PlaceFileError:
        return PlaceFileError(_("%(file)s, feature %(n)s: %(problem)s")
                              % {"file": file, "n": position, "problem": message})

    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise fail(_("this is not a GeoJSON Feature."))
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise fail(_("its properties are not an object."))
    names = {k: normalize_text(str(v)) for k, v in props.items()
             if isinstance(v, str | int | float) and _is_name_tag(k) and str(v).strip()}
    number = normalize_text(str(props.get("addr:housenumber") or props.get("housenumber")
                                or ""))
    street = normalize_text(str(props.get("addr:street") or props.get("street") or ""))
    name = names.get("name") or names.get("name:fa") or next(iter(names.values()), "")
    if not name and number and street:
        name = f"{street} {number}"
    if not name:
        raise fail(_("it has no name (give it a “name” property)."))
    geometry = _checked_geometry(feature.get("geometry"), fail)
    kind = str(props.get("kind") or "").strip().lower() or _default_kind(geometry, number)
    if kind not in KINDS:
        raise fail(_("its kind “%(kind)s” is not one of address, street, neighbourhood, "
                     "landmark.") % {"kind": kind[:50]})
    if kind == "address" and (not number or not street):
        raise fail(_("an address needs “addr:housenumber” and “addr:street”."))
    point = _representative(geometry)
    source_id = str(feature.get("id") or props.get("id") or "")[:200]
    return PlaceRecord(
        source_id=source_id, kind=kind, name=name[:300], geometry=_rounded(geometry),
        lat=round(point.y, 6), lon=round(point.x, 6),
        names={k: v[:300] for k, v in names.items() if k != "name"},
        category=str(props.get("category") or "")[:50],
        housenumber=number[:40] if kind == "address" else "",
        street=street[:300] if kind == "address" else "",
    )


def _is_name_tag(key: str) -> bool:
    base = key.split(":", 1)[0]
    return base in NAME_TAGS


def _default_kind(geometry: BaseGeometry, number: str) -> str:
    if geometry.geom_type in {"LineString", "MultiLineString"}:
        return "street"
    if geometry.geom_type in {"Polygon", "MultiPolygon"}:
        return "neighbourhood"
    return "address" if number else "landmark"


def _checked_geometry(value: Any, fail: Callable[[str], PlaceFileError]) -> BaseGeometry:
    if not isinstance(value, dict) or value.get("type") not in GEOMETRIES:
        raise fail(_("its geometry must be a Point, a LineString or a Polygon (or their "
                     "Multi- forms)."))
    try:
        geometry = shape(value)
    except Exception:  # shapely raises several kinds for malformed coordinates
        raise fail(_("its geometry's coordinates cannot be read.")) from None
    if geometry.is_empty:
        raise fail(_("its geometry is empty."))
    for x, y in _coordinates(geometry):
        if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
            raise fail(_("its geometry has a point outside longitude -180..180 and latitude "
                         "-90..90."))
    if geometry.geom_type in {"LineString", "MultiLineString"} and geometry.length == 0:
        raise fail(_("its line has no length."))
    if not geometry.is_valid:
        raise fail(_("its geometry is not valid (a polygon that crosses itself?)."))
    return geometry


def _coordinates(geometry: BaseGeometry) -> Iterator[tuple[float, float]]:
    import shapely

    for x, y in shapely.get_coordinates(geometry):
        yield float(x), float(y)


def _representative(geometry: BaseGeometry) -> Point:
    """The point that stands for a place: on its line, inside its polygon."""
    if geometry.geom_type == "Point":
        return geometry  # type: ignore[return-value]
    if geometry.geom_type in {"LineString", "MultiLineString"}:
        return nearest_points(geometry, geometry.centroid)[0]
    return geometry.representative_point()


def _rounded(geometry: BaseGeometry) -> dict[str, Any]:
    """GeoJSON with coordinates to 6 decimals (about 10 cm): smaller, and stable."""
    import shapely

    rounded = shapely.set_precision(geometry, 1e-6) if geometry.geom_type != "Point" \
        else geometry
    if rounded.is_empty:
        rounded = geometry
    return json.loads(shapely.to_geojson(rounded, indent=None))  # type: ignore[no-any-return]


# --------------------------------------------------------------------- OpenStreetMap

# Named objects with these tags are landmarks; the tag's value is the category. Small
# street furniture (benches, cash machines, parking spaces) is left out.
LANDMARK_TAGS = ("amenity", "leisure", "tourism", "historic", "railway", "public_transport",
                 "shop", "healthcare", "building")
SKIPPED_VALUES = frozenset({
    "parking", "parking_space", "parking_entrance", "atm", "bench", "waste_basket",
    "vending_machine", "bicycle_parking", "bicycle_rental", "toilets", "telephone",
    "post_box", "recycling", "drinking_water", "charging_station", "motorcycle_parking",
    "level_crossing", "platform", "stop_position", "stop", "switch", "buffer_stop",
    "crossing", "signal", "artwork", "information", "yes", "apartments", "residential",
    "house", "commercial", "retail", "office", "industrial", "roof", "garage", "garages",
    "construction", "shed", "stop_area", "tram_stop", "subway_entrance", "rail",
})
NEIGHBOURHOOD_PLACES = frozenset({"suburb", "quarter", "neighbourhood", "locality",
                                  "village", "hamlet", "borough", "isolated_dwelling"})
STREET_HIGHWAYS = frozenset({
    "motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential",
    "living_street", "pedestrian", "service", "road", "footway", "cycleway", "path",
    "steps", "track", "motorway_link", "trunk_link", "primary_link", "secondary_link",
    "tertiary_link",
})


# The highway classes in order of importance: a street of several ways takes its best.
HIGHWAY_RANK = ("motorway", "trunk", "primary", "secondary", "tertiary", "motorway_link",
                "trunk_link", "primary_link", "secondary_link", "tertiary_link",
                "unclassified", "residential", "living_street", "road", "pedestrian",
                "service", "track", "cycleway", "footway", "path", "steps")


def best_highway(classes: Iterable[str]) -> str:
    """The most important of the highway classes of a street's ways."""
    ranked = [c for c in classes if c in HIGHWAY_RANK]
    return min(ranked, key=HIGHWAY_RANK.index) if ranked else "street"


HIGHWAY_KEY = " highway"  # kept beside a street's names while reading; no tag has a space


def _osm_names(tags: dict[str, str]) -> dict[str, str]:
    return {k: normalize_text(v)[:300] for k, v in tags.items()
            if _is_name_tag(k) and v.strip() and k != "name"}


def _check_pbf(path: Path) -> None:
    """An OSM PBF file starts with the length of its first block and "OSMHeader"."""
    with path.open("rb") as f:
        head = f.read(64)
    if len(head) < 16 or b"OSMHeader" not in head[:32]:
        raise PlaceFileError(_("%(file)s is not an OpenStreetMap extract: its content is not "
                               "in the .osm.pbf format.") % {"file": path.name})


def read_osm(path: Path, *, progress: Progress | None = None) -> list[PlaceRecord]:
    """Addresses, streets, neighbourhoods and landmarks of an OpenStreetMap extract.

    Ways at the edge of an extract lose the nodes outside it; those are left out, as
    every extract has them.
    """
    _check_pbf(path)
    import osmium

    records: list[PlaceRecord] = []
    street_ways: dict[str, list[LineString]] = {}
    street_names: dict[str, dict[str, str]] = {}
    objects = 0
    try:
        processor = osmium.FileProcessor(str(path)).with_locations().with_areas()
        for item in processor:
            obj: Any = item  # a node, way, relation or area, each with its own methods
            objects += 1
            if progress and objects % 50_000 == 0:
                progress(_("read %(n)s objects") % {"n": f"{objects:,}"})
            tags = {t.k: t.v for t in obj.tags}
            if not tags or (obj.is_area() and obj.from_way()):
                continue  # a closed way comes once as a way: that is enough
            geometry = _osm_geometry(obj)
            if geometry is None:
                continue
            prefix = "n" if obj.is_node() else "w" if obj.is_way() else "r"
            oid = f"{prefix}{obj.orig_id() if obj.is_area() else obj.id}"
            _osm_object(oid, tags, geometry, records, street_ways, street_names)
    except RuntimeError as e:
        raise PlaceFileError(_("%(file)s cannot be read as an OpenStreetMap extract: "
                               "%(reason)s") % {"file": path.name, "reason": str(e)[:200]}) \
            from None
    records.extend(_streets(street_ways, street_names, records))
    return records


def _osm_geometry(obj: Any) -> BaseGeometry | None:
    try:
        if obj.is_node():
            if not obj.location.valid():
                return None
            return Point(obj.location.lon, obj.location.lat)
        if obj.is_way():
            coords = [(n.location.lon, n.location.lat) for n in obj.nodes
                      if n.location.valid()]
            if len(coords) < 2 or len(coords) != len(obj.nodes):
                return None
            return LineString(coords)
        if obj.is_area():
            rings = [[(n.lon, n.lat) for n in ring] for ring in obj.outer_rings()]
            rings = [r for r in rings if len(r) >= 4]
            if not rings:
                return None
            from shapely.geometry import Polygon

            return unary_union([Polygon(r).buffer(0) for r in rings])
    except Exception:  # osmium raises on locations missing from an extract
        return None
    return None


def _osm_object(oid: str, tags: dict[str, str], geometry: BaseGeometry,
                records: list[PlaceRecord], street_ways: dict[str, list[LineString]],
                street_names: dict[str, dict[str, str]]) -> None:
    if geometry.is_empty:
        return
    name = normalize_text(tags.get("name", ""))[:300]
    point = geometry if geometry.geom_type == "Point" else (
        geometry.representative_point() if geometry.geom_type != "LineString"
        or geometry.is_closed else nearest_points(geometry, geometry.centroid)[0])
    lat, lon = round(point.y, 6), round(point.x, 6)
    number = normalize_text(tags.get("addr:housenumber", ""))
    street = normalize_text(tags.get("addr:street", "") or tags.get("addr:place", ""))
    if number and street and house_number(number) is not None:
        records.append(PlaceRecord(
            source_id=f"{oid}:address", kind="address", name=f"{street} {number}"[:300],
            geometry={"type": "Point", "coordinates": [lon, lat]}, lat=lat, lon=lon,
            housenumber=number[:40], street=street[:300]))
    if not name:
        return
    highway = tags.get("highway", "")
    if highway in STREET_HIGHWAYS and geometry.geom_type == "LineString" \
            and tags.get("area") != "yes" and "place" not in tags:
        street_ways.setdefault(name, []).append(geometry)  # type: ignore[arg-type]
        classes = street_names.setdefault(name, {})
        # The map draws main roads from city zoom: the street keeps its best highway class.
        classes[HIGHWAY_KEY] = best_highway([classes.get(HIGHWAY_KEY, ""), highway])
        street_names.setdefault(name, {}).update(
            {k: v for k, v in _osm_names(tags).items()
             if k not in street_names.get(name, {})})
        return
    place = tags.get("place", "")
    if place in NEIGHBOURHOOD_PLACES:
        kind, category = "neighbourhood", place
    elif place == "square":
        kind, category = "landmark", "square"
    else:
        found = next(((key, tags[key]) for key in LANDMARK_TAGS
                      if tags.get(key) and tags[key] not in SKIPPED_VALUES), None)
        if found is None:
            return
        kind = "landmark"
        category = found[1] if found[0] != "shop" else "shop"
    records.append(PlaceRecord(
        source_id=oid, kind=kind, name=name, names=_osm_names(tags), category=category[:50],
        geometry={"type": "Point", "coordinates": [lon, lat]}, lat=lat, lon=lon))


def _streets(ways: dict[str, list[LineString]], names: dict[str, dict[str, str]],
             records: list[PlaceRecord]) -> Iterable[PlaceRecord]:
    """One street per name and stretch: the ways of one name that touch or nearly touch
    are one street; the same name far away is another street. A street that only the
    addresses name (its way is outside the extract) stands at its addresses' middle."""
    for name in sorted(ways):
        tags = dict(names.get(name, {}))
        category = tags.pop(HIGHWAY_KEY, "") or "street"
        for i, geometry in enumerate(_stretches(ways[name])):
            point = nearest_points(geometry, geometry.centroid)[0]
            yield PlaceRecord(
                source_id=f"street:{name}:{i}"[:200], kind="street", name=name,
                names=tags, category=category, geometry=_rounded(geometry),
                lat=round(point.y, 6), lon=round(point.x, 6))
    addressed: dict[str, list[tuple[float, float]]] = {}
    for r in records:
        if r.kind == "address" and r.street not in ways:
            addressed.setdefault(r.street, []).append((r.lon, r.lat))
    for street in sorted(addressed):
        xs, ys = zip(*addressed[street], strict=True)
        lon, lat = round(sum(xs) / len(xs), 6), round(sum(ys) / len(ys), 6)
        yield PlaceRecord(
            source_id=f"street:{street}:addresses"[:200], kind="street", name=street,
            category="street", geometry={"type": "Point", "coordinates": [lon, lat]},
            lat=lat, lon=lon)


def _stretches(lines: list[LineString]) -> list[BaseGeometry]:
    """The lines of one name grouped into stretches that lie within a gap of each other,
    in a stable order (west to east)."""
    merged = linemerge(lines)
    parts = list(merged.geoms) if isinstance(merged, MultiLineString) else [merged]
    tree = STRtree(parts)
    parent = list(range(len(parts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, part in enumerate(parts):
        for j in tree.query(part.buffer(STREET_GAP_DEGREES)):
            if int(j) != i and part.distance(parts[int(j)]) <= STREET_GAP_DEGREES:
                parent[root(i)] = root(int(j))
    groups: dict[int, list[BaseGeometry]] = {}
    for i, part in enumerate(parts):
        groups.setdefault(root(i), []).append(part)
    stretches = [linemerge(g) if len(g) > 1 else g[0] for g in groups.values()]
    return sorted(stretches, key=lambda g: (round(g.bounds[0], 6), round(g.bounds[1], 6)))
