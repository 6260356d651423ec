"""Every write to the city configuration."""

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils.functional import Promise

from open137.audit.actions import Trail
from open137.audit.values import snapshot
from open137.directory.citypack import CityPack, read_pack
from open137.directory.models import City, District, Kind, Staff, Subject, SubjectGroup, Unit

StrOrPromise = str | Promise


@dataclass
class LoadReport:
    """What load_city changed, per model name: created, updated, deactivated, unchanged."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    # The models' names, in whatever language the report is read in.
    labels: dict[str, StrOrPromise] = field(default_factory=dict)
    # Subjects whose first-action target is longer than their result target: their
    # first-action deadline is capped at the result deadline (deadlines.calendar).
    capped: list[str] = field(default_factory=list)

    def add(self, model: type[models.Model], outcome: str) -> None:
        name = model._meta.model_name or model.__name__
        self.labels[name] = model._meta.verbose_name_plural or name
        self.counts.setdefault(name, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deactivated"] for c in self.counts.values())


def default_pack_path() -> Path:
    """The pack named by CITY_PACK, or the one named in citypacks/default."""
    name = settings.CITY_PACK or (settings.CITYPACKS_DIR / "default").read_text().strip()
    path = Path(name)
    return path if path.is_absolute() or path.exists() else settings.CITYPACKS_DIR / name


def bump_config_version() -> None:
    """Tell every process that districts, units or rules changed."""
    City.objects.update(config_version=uuid.uuid4().hex)


# Parts of a pack that apps above this one load (the gazetteer's places.geojson): each
# registers a loader from its AppConfig.ready, and load_city runs it in its transaction,
# after the districts, with the pack's folder and the report to add its counts to.
PackPart = Callable[[Path, LoadReport], None]
_pack_parts: dict[str, PackPart] = {}


def register_pack_part(name: str, loader: PackPart) -> None:
    _pack_parts[name] = loader


def load_city(path: Path | None = None, *, by: AbstractBaseUser | None = None) -> LoadReport:
    """Load or update a city pack in one transaction; read and check it all first.

    Every object it creates, changes, deactivates or removes is in the audit trail."""
    pack = read_pack(path or default_pack_path())
    with transaction.atomic():
        trail = Trail(by=by, note=f"city pack {pack.path.name}")
        report = _apply(pack, trail)
        trail.save()
        if report.changed:
            bump_config_version()
        for loader in _pack_parts.values():
            loader(pack.path, report)
    return report


def _upsert(report: LoadReport, trail: Trail, model: type[models.Model],
            key: dict[str, Any], values: dict[str, Any]) -> Any:
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        report.add(model, "created")
        obj = model._default_manager.create(**key, **values)
        trail.created(obj)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        before = snapshot(obj, fields=changed)
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        trail.changed(obj, before)
        report.add(model, "updated")
    else:
        report.add(model, "unchanged")
    return obj


def _deactivate(report: LoadReport, trail: Trail, model: type[models.Model],
                keep: dict[str, Any], **extra: Any) -> None:
    stale = model._default_manager.filter(active=True, **extra).exclude(**keep)
    for obj in stale:
        report.add(model, "deactivated")
        trail.changed(obj, {"active": True}, {"active": False})
    stale.update(active=False)


def _apply(pack: CityPack, trail: Trail) -> LoadReport:
    report = LoadReport()
    c = pack.city
    center = c.get("map_center") or _center(pack)
    for other in City.objects.exclude(code=c.get("code") or pack.path.name):
        trail.deleted(other)
        other.delete()
    _upsert(report, trail, City, {"code": c.get("code") or pack.path.name}, {
        "name_fa": str(c.get("fa") or pack.path.name), "name_en": str(c.get("en") or ""),
        "jurisdiction_id": str(c.get("jurisdiction_id") or ""),
        "timezone": str(c.get("timezone") or settings.TIME_ZONE),
        "phone_area_code": str(c.get("phone_area_code") or ""),
        "map_center": [float(v) for v in center], "map_zoom": int(c.get("map_zoom") or 12),
        "plan_reasons": [{"code": e.code, "fa": e.fa, "en": e.en} for e in pack.plan_reasons],
        "answer_wait_days": pack.answer_wait_days, "on_no_answer": pack.on_no_answer,
    })
    for e in pack.kinds:
        _upsert(report, trail, Kind, {"code": e.code},
                {"name_fa": e.fa, "name_en": e.en, "position": e.position, "active": True})
    _deactivate(report, trail, Kind, {"code__in": [e.code for e in pack.kinds]})
    groups = {}
    for e in pack.groups:
        groups[e.code] = _upsert(report, trail, SubjectGroup, {"code": e.code}, {
            "name_fa": e.fa, "name_en": e.en, "position": e.position, "active": True})
    _deactivate(report, trail, SubjectGroup, {"code__in": list(groups)})
    for s in pack.subjects:
        _upsert(report, trail, Subject, {"code": s.code}, {
            "name_fa": s.fa, "name_en": s.en, "group": groups.get(s.group or ""),
            "handler": s.handler, "respond_hours": s.respond_hours,
            "resolve_days": s.resolve_days, "urgent": s.urgent, "long_term": s.long_term,
            "synonyms": "\n".join(s.synonyms), "attributes": list(s.attributes),
            "position": s.position, "active": True,
        })
    _deactivate(report, trail, Subject, {"code__in": [s.code for s in pack.subjects]})
    report.capped = [s.code for s in pack.subjects
                     if s.respond_hours > max(s.resolve_days, 1) * 24]
    unit_codes = []
    for e in pack.organisations:
        unit_codes.append(e.code)
        _upsert(report, trail, Unit, {"code": e.code}, {
            "name_fa": e.fa, "name_en": e.en, "type": Unit.Type.ORGANISATION, "district": None,
            "department": "", "is_triage": e.code == pack.triage_unit, "active": True})
    for d in pack.districts:
        district = _upsert(report, trail, District, {"code": d.code}, {
            "name_fa": d.fa, "name_en": d.en, "number": d.number, "area_hint": d.area_hint,
            "geometry": d.geometry, "active": True})
        unit_codes.append(d.code)
        _upsert(report, trail, Unit, {"code": d.code}, {
            "name_fa": d.fa, "name_en": d.en, "type": Unit.Type.DISTRICT, "district": district,
            "department": "", "is_triage": False, "active": True})
        for dep in pack.departments:
            code = f"{d.code}/{dep.code}"
            unit_codes.append(code)
            _upsert(report, trail, Unit, {"code": code}, {
                "name_fa": department_name(dep.fa, d.fa),
                "name_en": department_name(dep.en, d.en) if dep.en and d.en else "",
                "type": Unit.Type.DEPARTMENT, "district": district, "department": dep.code,
                "is_triage": False, "active": True})
    _deactivate(report, trail, District, {"code__in": [d.code for d in pack.districts]})
    _deactivate(report, trail, Unit, {"code__in": unit_codes})
    return report


def department_name(department: str, district: str) -> str:
    """A district department's name with its district's, the shared word said once.

    «معاونت فنی و عمرانی منطقه» and «منطقه ۳» make «معاونت فنی و عمرانی منطقه ۳»; "District
    urban services" and "District 3" make "District 3 urban services"; other names are
    joined as "department (district)".
    """
    dep_words, district_words = department.split(), district.split()
    if not dep_words or not district_words:
        return department or district
    if len(district_words) > 1 and dep_words[-1] == district_words[0]:
        return " ".join(dep_words + district_words[1:])
    if len(district_words) > 1 and dep_words[0].lower() == district_words[0].lower():
        return " ".join([district, *dep_words[1:]])
    return f"{department} ({district})"


def _center(pack: CityPack) -> list[float]:
    """The middle of the districts' bounding box, as [lat, long]."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    union = unary_union([shape(d.geometry) for d in pack.districts])
    c = union.envelope.centroid
    return [round(c.y, 5), round(c.x, 5)]


@transaction.atomic
def set_staff_role(user: AbstractBaseUser, *, role: str, unit: Unit | None,
                   by: AbstractBaseUser | None) -> Staff:
    """Make `user` a member of staff with this role (and unit, for unit roles)."""
    trail = Trail(by=by)
    staff = Staff.objects.select_for_update().filter(user_id=user.pk).first()
    if staff is None:
        staff = Staff.objects.create(user_id=user.pk, role=role, unit=unit)
        trail.created(staff)
    else:
        before = snapshot(staff)
        staff.role, staff.unit = role, unit
        staff.save(update_fields=["role", "unit"])
        trail.changed(staff, before)
    trail.save()
    return staff
