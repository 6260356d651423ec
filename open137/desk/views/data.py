"""Small JSON answers for the desk's scripts: subject search, district of a point, outlines."""


from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from open137.core.dates import is_persian
from open137.core.numbers import parse_number
from open137.desk.access import require_staff
from open137.desk.subjects import find_subjects
from open137.directory.models import District
from open137.directory.queries import locate_district
from open137.places.queries import district_label
from open137.routing.geo import usable


@login_required
@require_GET
def subjects(request: HttpRequest) -> JsonResponse:
    """Subjects matching what the operator typed, for the search box; `matched` is the
    caller's word (a synonym) that found the subject, when its names do not show it."""
    require_staff(request)
    persian = is_persian()
    results = [
        {"code": m.subject.code, "name": m.subject.name,
         "other": m.subject.name_en if persian else m.subject.name_fa,
         "group": m.subject.group.name if m.subject.group else "", "matched": m.synonym}
        for m in find_subjects(request.GET.get("q", "")[:200])
    ]
    return JsonResponse({"results": results})


def _coordinate(text: str, low: float, high: float) -> float | None:
    value = parse_number(text)
    return value if value is not None and low <= value <= high else None


@login_required
@require_GET
def locate(request: HttpRequest) -> JsonResponse:
    """The district that contains a clicked point (null outside every district)."""
    require_staff(request)
    lat = _coordinate(request.GET.get("lat", ""), -90, 90)
    lon = _coordinate(request.GET.get("lon", ""), -180, 180)
    if lat is None or lon is None:
        return JsonResponse({"error": _("The point is not valid: click the map again.")},
                            status=400)
    code = locate_district(lat, lon)
    district = District.objects.filter(code=code).first() if code else None
    if district is None:
        return JsonResponse({"district": None, "message": _(
            "This point is outside every district; the request will wait in the triage "
            "queue unless its subject needs no place.")})
    return JsonResponse({"district": {"id": district.pk, "code": district.code,
                                      "name": district_label(district)}})


@login_required
@require_GET
def districts(request: HttpRequest) -> JsonResponse:
    """The district outlines as GeoJSON, named in the interface's language."""
    require_staff(request)
    features = [
        {"type": "Feature", "geometry": d.geometry,
         "properties": {"code": d.code, "name": district_label(d)}}
        for d in District.objects.filter(active=True)
        if usable(d.geometry, name=d.code) is not None
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
