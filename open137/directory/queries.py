"""Shared reads of the city configuration, with a per-process routing cache."""

import threading
from dataclasses import dataclass, field, replace

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from open137.directory.geometry import centre_of
from open137.directory.models import City, District, Kind, RoutingRule, Subject, Unit
from open137.routing.engine import Decision, Rule, choose_unit, parse_handler
from open137.routing.geo import DistrictIndex, usable


@dataclass(frozen=True)
class RoutingContext:
    """Everything routing needs, built once per configuration version.

    The rows it keeps (city, districts, units, the first kind) are shared by the threads of
    a process and only read: a request takes them as foreign keys and names, so recording
    one asks the database for none of them. Every change to them goes through `load_city`
    or the admin, which move the version (`actions.bump_config_version`).
    """

    version: str
    index: DistrictIndex
    units: frozenset[str]
    triage_unit: str | None
    rules: dict[int, tuple[Rule, ...]]  # subject id -> its rules
    city: City | None = None
    district_rows: dict[str, District] = field(default_factory=dict)  # by code, active ones
    unit_rows: dict[str, Unit] = field(default_factory=dict)  # by code, active ones
    first_kind: Kind | None = None  # the kind a request gets when none is chosen
    subjects: dict[str, Subject] = field(default_factory=dict)  # active ones by code


_lock = threading.Lock()
_cache: dict[str, RoutingContext] = {}


def city() -> City | None:
    return City.objects.first()


def triage_unit() -> Unit:
    """The unit whose queue holds what routing could not place."""
    unit = Unit.objects.filter(is_triage=True, active=True).first()
    if unit is None:
        raise LookupError("No triage unit: load a city pack first (open137 load_city).")
    return unit


def routing_context() -> RoutingContext:
    """The cached context, rebuilt when the configuration version has moved on.

    One query when nothing changed: the city's row, which carries the version.
    """
    the_city = City.objects.first()
    version = the_city.config_version if the_city is not None else ""
    cached = _cache.get("ctx")
    if cached is not None and cached.version == version and version:
        # Same configuration; the city's own fields (names, jurisdiction) are today's.
        return replace(cached, city=the_city)
    with _lock:
        districts = list(District.objects.filter(active=True).order_by("number", "code"))
        index = DistrictIndex((d.code, d.geometry) for d in districts)
        unit_rows = {u.code: u for u in Unit.objects.filter(active=True)}
        units = frozenset(unit_rows)
        triage = Unit.objects.filter(is_triage=True, active=True).values_list("code", flat=True)
        rules: dict[int, list[Rule]] = {}
        for r in RoutingRule.objects.filter(active=True).select_related("district", "unit"):
            area = usable(r.area, name=f"routing rule {r.pk}") if r.area else None
            if r.area and area is None:
                continue  # a rule whose area cannot be read must not widen to its district
            rules.setdefault(r.subject_id, []).append(Rule(
                unit_code=r.unit.code, priority=r.priority,
                district_code=r.district.code if r.district else None, area=area,
            ))
        ctx = RoutingContext(version, index, units, triage.first(),
                             {k: tuple(v) for k, v in rules.items()}, city=the_city,
                             district_rows={d.code: d for d in districts}, unit_rows=unit_rows,
                             first_kind=Kind.objects.filter(active=True).order_by("position")
                             .first(),
                             subjects={s.code: s for s in Subject.objects.filter(active=True)
                                       .select_related("group")})
        _cache["ctx"] = ctx
        return ctx


def other_boundaries(*, exclude: int | None = None) -> list[tuple[str, BaseGeometry]]:
    """The active districts' usable boundaries, by name, leaving one district out."""
    found = []
    districts = District.objects.filter(active=True).order_by("number", "code")
    if exclude is not None:
        districts = districts.exclude(pk=exclude)
    for d in districts:
        geom = usable(d.geometry, name=d.code)
        if geom is not None:
            found.append((f"{d.name} ({d.code})", geom))
    return found


def boundary_centre(*, exclude: int | None = None) -> tuple[float, float] | None:
    """The city's centre as (lat, long) for checking a boundary: the city's map centre,
    else the middle of its other districts; None before anything is loaded."""
    here = City.objects.first()
    centre = here.map_center if here is not None else None
    if isinstance(centre, list) and len(centre) == 2:
        try:
            lat, lon = float(centre[0]), float(centre[1])
        except (TypeError, ValueError):
            pass
        else:
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return lat, lon
    return centre_of([geom for _name, geom in other_boundaries(exclude=exclude)])


def locate_district(lat: float, lon: float) -> str | None:
    """The code of the district that contains the point, or None."""
    return routing_context().index.locate(lon, lat)


def route(subject: Subject, *, lat: float | None, lon: float | None,
          district_code: str | None = None, context: RoutingContext | None = None) -> Decision:
    """Where a request on this subject at this place goes (unit None: triage).

    A caller that has read the context already (an import, a request being recorded)
    passes it: then routing touches no database.
    """
    ctx = context or routing_context()
    point = Point(lon, lat) if lat is not None and lon is not None else None
    if point is not None:
        district_code = ctx.index.locate(point.x, point.y)
    return choose_unit(
        handler=parse_handler(subject.handler), district_code=district_code, point=point,
        rules=ctx.rules.get(subject.pk, ()), units=ctx.units, triage_unit=ctx.triage_unit,
    )


def units_in_order(*, everything: bool = False) -> list[Unit]:
    """Units as people look for them: organisations, then districts by number (۲ before ۱۰)
    with their departments. Those a request can be referred to, or `everything`."""
    units = Unit.objects.select_related("district")
    if not everything:
        units = units.filter(active=True, is_triage=False)
    order = {str(Unit.Type.ORGANISATION): 0, str(Unit.Type.DISTRICT): 1,
             str(Unit.Type.DEPARTMENT): 1}
    return sorted(units, key=lambda u: (order.get(str(u.type), 2),
                                        u.district.number or 0 if u.district else 0,
                                        u.type != Unit.Type.DISTRICT, u.code))
