"""District outlines for the oversight maps, served apart from the pages.

The outlines change only with the configuration (City.config_version, moved by every
change to districts), while the figures on a map change with every request. So the page
carries the figures, and its script fetches the outlines from an address that names the
version: the browser keeps them for good, and a process simplifies them once per version.
"""

import json
import threading
from collections.abc import Mapping
from typing import Any

from shapely.geometry import mapping, shape

from open137.directory.models import City, District
from open137.routing.geo import usable

# Degrees (about ten metres): finer than a pixel of a whole-city map, coarse enough to
# drop the survey points that only add weight.
TOLERANCE = 0.0001
DECIMALS = 5  # about a metre
# The version's name in the address while no city is loaded (the address needs one).
NO_VERSION = "none"

_lock = threading.Lock()
_cache: dict[str, bytes] = {}


def config_version() -> str:
    return City.objects.values_list("config_version", flat=True).first() or ""


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def simplified(geometry: Mapping[str, Any]) -> dict[str, Any]:
    """A GeoJSON polygon or multipolygon, simplified and rounded for display (pure)."""
    outline = shape(geometry).simplify(TOLERANCE, preserve_topology=True)
    if outline.is_empty:  # a sliver simplified away: keep it as it was
        outline = shape(geometry)
    plain = mapping(outline)
    return {"type": plain["type"], "coordinates": _rounded(plain["coordinates"])}


def outlines() -> bytes:
    """Every active district's simplified outline, as a GeoJSON FeatureCollection (a
    district whose boundary is not a usable polygon is left out, and logged)."""
    features = [{"type": "Feature", "geometry": simplified(d.geometry),
                 "properties": {"code": d.code}}
                for d in District.objects.filter(active=True).only("code", "geometry")
                if usable(d.geometry, name=d.code) is not None]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      separators=(",", ":")).encode()


def outlines_of(version: str) -> bytes:
    """The outlines at a configuration version, worked out once per process and version."""
    if not version:  # no city loaded yet: nothing stable to keep
        return outlines()
    found = _cache.get(version)
    if found is None:
        with _lock:
            found = _cache.get(version)
            if found is None:
                found = outlines()
                _cache.clear()  # only the current version is ever asked for again
                _cache[version] = found
    return found
