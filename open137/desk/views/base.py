"""What every desk page shares: the staff record in the context, pagination, map settings."""

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from open137.core.dates import is_persian
from open137.core.numbers import parse_whole
from open137.core.text import isolated_ltr, persian_digits
from open137.core.tracking import grouped
from open137.directory.models import Staff
from open137.directory.queries import city
from open137.places.streetmap import tile_url_template

PAGE_SIZE = 50


def page(request: HttpRequest, template: str, context: dict[str, Any], *, staff: Staff,
         status: int = 200) -> HttpResponse:
    return render(request, template, {**context, "staff": staff}, status=status)


def paginate(request: HttpRequest, items: QuerySet[Any]) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(parse_whole(request.GET.get("page"),
                                                            minimum=1) or 1)


def map_config(point: tuple[float | None, float | None] | None = None,
               *, pick: bool = False) -> dict[str, Any]:
    """What the map script needs, for json_script: centre, tiles, the district outlines."""
    current = city()
    center = list(current.map_center) if current and current.map_center else [35.7, 51.4]
    lat, lon = point or (None, None)
    return {
        "center": center, "zoom": current.map_zoom if current else 12,
        "tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
        "districts": reverse("desk:districts"),
        "streets": "" if settings.MAP_TILE_URL else tile_url_template(),
        "locate": reverse("desk:locate") if pick else "",
        "point": [lat, lon] if lat is not None and lon is not None else None,
        "pick": pick,
    }


def shown_code(code: str) -> str:
    """A tracking code for a message: digit groups, in the interface's digits, kept in
    their order inside a right-to-left sentence."""
    return isolated_ltr(digits(grouped(code)))


def digits(value: object) -> str:
    """A number for a message, in the interface's digits."""
    return persian_digits(value) if is_persian() else str(value)
