"""The street map's data, by tile: public, like the address search, and cached."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from open137.core.ratelimit import client_address, hit
from open137.places.streetmap import cached_tile, tile, valid_tile


@require_GET
def tile_view(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """The streets and named places of one web-map tile, as GeoJSON (`?lang=fa|en`)."""
    if not valid_tile(z, x, y):
        return JsonResponse({"error": _("There is no such map tile.")}, status=404)
    language = request.GET.get("lang") or (get_language() or "fa")[:2]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE[:2]
    body, tag = cached_tile(z, x, y, language)
    # The browser keeps the tile and asks again after a while; the ETag changes only when
    # the gazetteer is loaded again.
    if tag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        if body is None:
            # Only a tile not yet made costs anything; a visitor who asks for many of
            # them (walking the whole city, say) waits. Staff are never held up.
            if not request.user.is_authenticated:
                allowed, retry_after = hit(f"tiles:{client_address(request)[:100]}",
                                           settings.RATE_LIMIT_MAP_TILES)
                if not allowed:
                    refused = JsonResponse(
                        {"error": _("Too many requests from your address. Wait a little "
                                    "and try again.")}, status=429)
                    refused["Retry-After"] = str(retry_after)
                    return refused
            body, tag = tile(z, x, y, language)
        response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["ETag"] = tag
    response["Cache-Control"] = "public, max-age=300"
    return response
