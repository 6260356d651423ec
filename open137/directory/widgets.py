"""The admin's boundary editor: the polygon on a map over the other districts, its corners
dragged, added or removed with the mouse, and the GeoJSON text kept beside it."""

import json
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from open137.directory.models import City


class BoundaryWidget(forms.Textarea):
    """A GeoJSON polygon edited on a map; the text stays in a collapsible box, and it is
    what the form sends (the map writes every change into it)."""

    template_name = "directory/widgets/boundary.html"

    class Media:
        css = {"all": ("vendor/leaflet/leaflet.css", "vendor/leaflet-geoman/leaflet-geoman.css",
                       "open137/boundary-map.css")}
        js = ("vendor/leaflet/leaflet.js", "vendor/leaflet-geoman/leaflet-geoman.min.js",
              "open137/boundary-map.js")

    def __init__(self, attrs: dict[str, Any] | None = None, *, district_code: str = "") -> None:
        super().__init__({"rows": 8, "dir": "ltr", "spellcheck": "false", **(attrs or {})})
        self.district_code = district_code

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        here = City.objects.only("map_center", "map_zoom").first()
        centre = here.map_center if here is not None and here.map_center else [0, 0]
        context["map_config"] = json.dumps({
            "center": centre, "zoom": here.map_zoom if here is not None else 12,
            "outlines": reverse("portal_districts"), "code": self.district_code,
            "tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
            "language": (get_language() or "fa")[:2],
        })
        return context
