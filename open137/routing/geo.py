"""Which district contains a point: shapely polygons, prepared once, searched by an R-tree."""

from collections.abc import Iterable, Mapping
from typing import Any

from shapely import STRtree, prepare
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry


def to_geometry(geojson: Mapping[str, Any]) -> BaseGeometry:
    """A GeoJSON geometry (or Feature) -> a prepared shapely geometry."""
    geometry = geojson.get("geometry", geojson) if geojson.get("type") == "Feature" else geojson
    geom = shape(geometry)
    prepare(geom)
    return geom


class DistrictIndex:
    """Point-in-polygon lookup over a fixed set of districts."""

    def __init__(self, districts: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        items = [(code, to_geometry(geometry)) for code, geometry in districts]
        self.codes = [code for code, _ in items]
        self.geometries = [geom for _, geom in items]
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
