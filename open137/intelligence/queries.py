"""Reads about mass incidents, shared by the desk, the portal, SMS intake and the API."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from shapely.geometry import Point, shape

from open137.cases.models import Case
from open137.directory.models import District, Staff, Subject
from open137.directory.queries import locate_district
from open137.intelligence.models import Incident, IncidentCase


def _district_code(district: District | str | None) -> str | None:
    if district is None or district == "":
        return None
    return district.code if isinstance(district, District) else str(district)


def match_incident(subject: Subject | str, lat: float | None = None, lon: float | None = None,
                   at: datetime | None = None, *,
                   district: District | str | None = None) -> Incident | None:
    """The open incident a call on this subject at this place and time belongs to.

    A drawn area must contain the point; a district must contain it (or, without a point,
    be the district given); an incident with neither covers the whole city. The most
    precise match wins (area, then district, then city), then the newest.
    """
    at = at or timezone.now()
    incidents = Incident.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gte=at), status=Incident.State.OPEN,
        starts_at__lte=at,
    ).select_related("district", "subject").order_by("-created_at", "-pk")
    if isinstance(subject, Subject):
        incidents = incidents.filter(subject=subject)
    else:
        incidents = incidents.filter(subject__code=subject)
    found = list(incidents)
    if not found:
        return None
    point = Point(lon, lat) if lat is not None and lon is not None else None
    here = (locate_district(point.y, point.x) if point is not None
            else _district_code(district))
    for precise in ("area", "district", "city"):
        for incident in found:
            if precise == "area" and incident.area:
                if point is not None and shape(incident.area).covers(point):
                    return incident
            elif precise == "district" and not incident.area and incident.district_id:
                if here is not None and incident.district.code == here:  # type: ignore[union-attr]
                    return incident
            elif precise == "city" and not incident.area and not incident.district_id:
                return incident
    return None


def incident_for_case(case: Case) -> Incident | None:
    """The incident this request (or the request it duplicates) is attached to."""
    ids = [case.pk]
    if case.duplicate_of_id is not None:
        ids.append(case.duplicate_of_id)
    link = (IncidentCase.objects.filter(case_id__in=ids).select_related("incident")
            .order_by("-attached_at").first())
    return link.incident if link is not None else None


def open_incidents() -> list[Incident]:
    """Open incidents, newest first, with how many requests each has."""
    return list(Incident.objects.filter(status=Incident.State.OPEN)
                .select_related("subject", "district").annotate(requests=Count("links"))
                .order_by("-created_at"))


def can_manage_incidents(user: Any) -> bool:
    """Supervisors and administrators declare and resolve incidents."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Staff.objects.filter(
        user_id=user.pk, role__in=[Staff.Role.SUPERVISOR, Staff.Role.ADMIN]).exists()
