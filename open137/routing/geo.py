"""Which district contains a point: shapely polygons, prepared once, searched by an R-tree."""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from shapely import STRtree, prepare
from shapely.errors import ShapelyError
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)


def to_geometry(geojson: Mapping[str, Any]) -> BaseGeometry:
    """A GeoJSON geometry (or Feature) -> a prepared shapely geometry."""
    geometry = geojson.get("geometry", geojson) if geojson.get("type") == "Feature" else geojson
    geom = shape(geometry)
    prepare(geom)
    return geom


def usable(geojson: Any, *, name: str) -> BaseGeometry | None:
    """A stored polygon as a prepared geometry, or None (logged) when it cannot route.

    The admin and load_city check every boundary before it is stored; a row written before
    those checks, or by hand in the database, must cost one district, not every request.
    """
    try:
        if not isinstance(geojson, Mapping):
            raise TypeError(type(geojson).__name__)
        geom = to_geometry(geojson)
        if geom.geom_type not in {"Polygon", "MultiPolygon"} or geom.is_empty:
            raise TypeError(geom.geom_type)
    except (ShapelyError, TypeError, ValueError, KeyError, AttributeError, IndexError) as error:
        log.error("The boundary of %s is not a usable polygon and is left out of routing: "
                  "%s", name, error or type(error).__name__)
        return None
    return geom


class DistrictIndex:
    """Point-in-polygon lookup over a fixed set of districts.

    A district whose stored boundary is not a usable polygon is left out (and logged):
    its points fall to triage instead of failing every request.
    """

    def __init__(self, districts: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        items = [(code, usable(geometry, name=code)) for code, geometry in districts]
        self.codes = [code for code, geom in items if geom is not None]
        self.geometries = [geom for _, geom in items if geom is not None]
        self._tree = STRtree(self.geometries)

    def locate(self, lon: float, lat: float) -> str | None:
        """The code of the district containing (lon, lat), or None outside them all.

        A point on a shared border belongs to the first district in load order, so the
        answer is stable rather than depending on floating-point luck.
        """
        point = Point(lon, lat)
        for i in sorted(int(i) for i in self._tree.query(point)):
            if self.geometries[i].covers(point):
                return self.codes[i]
        return None
