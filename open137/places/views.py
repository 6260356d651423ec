"""The street map's data, by tile: public, like the address search, and cached."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from open137.places.streetmap import tile, valid_tile


@require_GET
def tile_view(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """The streets and named places of one web-map tile, as GeoJSON (`?lang=fa|en`)."""
    if not valid_tile(z, x, y):
        return JsonResponse({"error": _("There is no such map tile.")}, status=404)
    language = request.GET.get("lang") or (get_language() or "fa")[:2]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE[:2]
    body, tag = tile(z, x, y, language)
    # The browser keeps the tile and asks again after a while; the ETag changes only when
    # the gazetteer is loaded again.
    if tag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["ETag"] = tag
    response["Cache-Control"] = "public, max-age=300"
    return response
