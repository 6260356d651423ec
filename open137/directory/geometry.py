"""District and area boundaries, checked before they are stored (pure: no database).

Routing trusts what is stored, so every writer (the admin, load_city, an action) checks a
boundary here first: a Polygon or MultiPolygon in longitude, latitude (WGS84), valid, and
within reach of the city. What common tools export around a single polygon (a GeoJSON
Feature, or a FeatureCollection holding one) is unwrapped; anything else is refused with a
message naming what was found. Overlaps and a boundary that swallows most of the city are
not errors (a clerk may be redrawing two districts in turn) but warnings to show.
"""

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from open137.core.dates import is_persian
from open137.core.errors import InvalidInput
from open137.core.text import persian_digits

POLYGONS = {"Polygon", "MultiPolygon"}
# How far a boundary may reach from the city's centre, in degrees (about 110 km): wide
# enough for any city with its suburbs, narrow enough to catch latitude and longitude
# swapped, a boundary of another city, or coordinates in metres.
REACH_DEGREES = 1.0
# A district covering this share of the other districts' area is most likely pasted in
# the wrong place (the whole city's outline as one district).
MOST_OF_CITY = 0.5
# Overlap smaller than this share of the smaller boundary is a shared border drawn twice
# with different rounding, not an overlap worth a warning.
OVERLAP_NOISE = 0.01


def _number(value: int) -> str:
    return persian_digits(value) if is_persian() else str(value)


class BoundaryError(InvalidInput):
    """A boundary that must not be stored; the message says what was found."""


@dataclass(frozen=True)
class Boundary:
    """A checked boundary: the GeoJSON geometry to store and its shapely shape."""

    geojson: dict[str, Any]
    shape: BaseGeometry


def _found(value: Any) -> str:
    """What a pasted value is, in words a clerk recognises."""
    if value is None or value == "":
        return _("nothing")
    if isinstance(value, dict):
        kind = value.get("type")
        if kind == "FeatureCollection":
            features = value.get("features")
            n = len(features) if isinstance(features, list) else 0
            return ngettext("a FeatureCollection of %(n)s feature",
                            "a FeatureCollection of %(n)s features", n) % {
                "n": _number(n)}
        if isinstance(kind, str) and kind:
            return _("a GeoJSON “%(type)s”") % {"type": kind[:40]}
        return _("an object without a GeoJSON type")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        return _("text")
    return _("a number")


def unwrap(value: Any, *, field: str = "geometry") -> dict[str, Any]:
    """The polygon inside what was pasted: a geometry, a Feature or a FeatureCollection of
    one feature; BoundaryError for anything else."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise BoundaryError(_("This is not GeoJSON; paste a Polygon or MultiPolygon."),
                                field=field) from None
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        features = value.get("features")
        if isinstance(features, list) and len(features) == 1:
            value = features[0]
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") not in POLYGONS:
        raise BoundaryError(
            _("A boundary must be one Polygon or MultiPolygon; this is %(found)s.")
            % {"found": _found(value)}, field=field)
    return {"type": value["type"], "coordinates": value.get("coordinates")}


def check_boundary(value: Any, *, centre: tuple[float, float] | None = None,
                   field: str = "geometry") -> Boundary:
    """A boundary ready to store, checked; `centre` is the city's (lat, long), when known."""
    geojson = unwrap(value, field=field)
    try:
        geom = shape(geojson)
        bounds = geom.bounds
    except (ShapelyError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        raise BoundaryError(_("The coordinates cannot be read as a polygon."),
                            field=field) from None
    if geom.is_empty:
        raise BoundaryError(_("The polygon is empty."), field=field)
    minx, miny, maxx, maxy = bounds
    if (any(math.isnan(v) or math.isinf(v) for v in bounds)
            or not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90)):
        raise BoundaryError(_("Coordinates must be longitude, latitude in degrees (WGS84)."),
                            field=field)
    if not geom.is_valid:
        raise BoundaryError(_("The polygon is not valid: %(reason)s.")
                            % {"reason": explain_validity(geom)}, field=field)
    if centre is not None:
        lat, lon = centre
        reach = max(abs(minx - lon), abs(maxx - lon), abs(miny - lat), abs(maxy - lat))
        if reach > REACH_DEGREES:
            raise BoundaryError(
                _("The boundary reaches %(km)s km from the city's centre; a district must "
                  "lie around the city (are latitude and longitude swapped?).")
                % {"km": _number(round(reach * 111))}, field=field)
    return Boundary(geojson, geom)


def centre_of(shapes: Sequence[BaseGeometry]) -> tuple[float, float] | None:
    """The middle of a city's districts as (lat, long): the median of their centres, so one
    misplaced district does not move it."""
    points = [s.centroid for s in shapes if not s.is_empty]
    if not points:
        return None
    lats = sorted(p.y for p in points)
    lons = sorted(p.x for p in points)
    return lats[len(lats) // 2], lons[len(lons) // 2]


def boundary_warnings(geom: BaseGeometry, others: Sequence[tuple[str, BaseGeometry]]
                      ) -> list[str]:
    """What to tell the person who saved a district: the districts it overlaps, and when
    it covers most of the city's other districts."""
    warnings = []
    overlapped = []
    for name, other in others:
        smaller = min(geom.area, other.area)
        if smaller > 0 and geom.intersection(other).area > OVERLAP_NOISE * smaller:
            overlapped.append(name)
    if overlapped:
        warnings.append(_("This district overlaps %(names)s: a point in the overlap goes to "
                          "the first district in the list. Check both boundaries.")
                        % {"names": ("، " if is_persian() else ", ").join(overlapped)})
    if others:
        from shapely.ops import unary_union

        city = unary_union([g for _name, g in others])
        if city.area > 0:
            share = geom.intersection(city).area / city.area
            if share >= MOST_OF_CITY:
                warnings.append(_("This district covers %(share)s%% of the other districts' "
                                  "area; is it the whole city's outline?")
                                % {"share": _number(round(share * 100))})
    return warnings
