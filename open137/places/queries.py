"""Shared reads of the gazetteer for the screens: the neighbourhoods of each district."""

import math
import threading

from django.utils.translation import get_language

from open137.core.text import persian_digits
from open137.directory.models import District
from open137.places.index import current_versions, vocabulary
from open137.places.models import Place, PlaceKind
from open137.places.search import routing_for

SHOWN = 4  # neighbourhoods named beside a district in a list

_lock = threading.Lock()
_cache: dict[tuple[str, str, str], dict[str, list[str]]] = {}


def neighbourhoods_by_district(language: str | None = None) -> dict[str, list[str]]:
    """The names of the neighbourhoods in each district (by code), in the reader's
    language, worked out from the districts' polygons as they are now. One query when
    nothing changed since the last call."""
    language = (language or get_language() or "fa")[:2]
    version, config = current_versions()
    key = (version, config, language)
    found = _cache.get(key)
    if found is not None:
        return found
    index = routing_for(config).index
    out: dict[str, list[str]] = {}
    rows = Place.objects.filter(kind=PlaceKind.NEIGHBOURHOOD).order_by("name", "pk")
    for name, names, lat, lon in rows.values_list("name", "names", "lat", "lon"):
        code = index.locate(lon, lat)
        if code is None:
            continue
        shown = (names or {}).get(f"name:{language}") if isinstance(names, dict) else None
        listed = out.setdefault(code, [])
        if (shown or name) not in listed:
            listed.append(shown or name)
    with _lock:
        _cache.clear()
        _cache[key] = out
    return out


def district_label(district: District, language: str | None = None) -> str:
    """«منطقه ۳ (گوهردشت، رجایی‌شهر…)»: a district's name with its neighbourhoods, Persian
    digits in Persian."""
    language = (language or get_language() or "fa")[:2]
    names = neighbourhoods_by_district(language).get(district.code, [])
    name = district.name_en if language == "en" and district.name_en else district.name_fa
    if names:
        more = "…" if len(names) > SHOWN else ""
        separator = ", " if language == "en" else "، "
        name = f"{name} ({separator.join(names[:SHOWN])}{more})"
    return name if language == "en" else persian_digits(name)


NEIGHBOURHOOD_M = 1500.0  # a point this near a neighbourhood's centre is said to be in it


def neighbourhoods_at(points: list[tuple[float | None, float | None]],
                      language: str | None = None) -> list[str]:
    """For each point, the name of the nearest neighbourhood (within NEIGHBOURHOOD_M) in
    the reader's language, or "" when the gazetteer has none near it. One query at most."""
    language = (language or get_language() or "fa")[:2]
    vocab = vocabulary() if any(lat is not None for lat, _lon in points) else None
    found = []
    for lat, lon in points:
        best, best_m = None, NEIGHBOURHOOD_M
        if vocab is not None and lat is not None and lon is not None:
            for n in vocab.near(lat, lon):
                # An equirectangular distance: exact enough within a city.
                dx = (n.lon - lon) * 111_320 * math.cos(math.radians(lat))
                dy = (n.lat - lat) * 110_540
                if (metres := math.hypot(dx, dy)) <= best_m:
                    best, best_m = n, metres
        found.append("" if best is None else best.names.get(f"name:{language}") or best.name)
    return found
