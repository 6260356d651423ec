"""Reading and checking a city pack: a folder of plain files, no database.

A pack holds the subjects file (kinds, groups, organisations, district departments and
subjects, with handlers and targets), the districts GeoJSON and, optionally, `city.yaml`
(names, Open311 jurisdiction, map centre, the triage centre). Every problem is reported
with the file, the entry and the field, before anything is written.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from shapely.geometry import shape

from open137.directory.geometry import BoundaryError, centre_of, check_boundary
from open137.routing.engine import HandlerKind, parse_handler

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class PackError(Exception):
    """A pack file is broken; names the file, the entry and the field."""

    def __init__(self, file: str, entry: str, field: str, message: str) -> None:
        self.file, self.entry, self.field, self.message = file, entry, field, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = " › ".join(part for part in (self.file, self.entry, self.field) if part)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Entry:
    """A named item of the pack: kind, group, organisation or district department."""

    code: str
    fa: str
    en: str
    position: int


@dataclass(frozen=True)
class SubjectSpec:
    code: str
    fa: str
    en: str
    group: str | None
    handler: str
    respond_hours: int
    resolve_days: int
    urgent: bool
    long_term: bool
    position: int
    synonyms: tuple[str, ...] = ()
    attributes: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    number: int | None
    fa: str
    en: str
    area_hint: str
    geometry: dict[str, Any]


@dataclass
class CityPack:
    path: Path
    city: dict[str, Any]
    kinds: list[Entry] = field(default_factory=list)
    groups: list[Entry] = field(default_factory=list)
    organisations: list[Entry] = field(default_factory=list)
    departments: list[Entry] = field(default_factory=list)
    subjects: list[SubjectSpec] = field(default_factory=list)
    districts: list[DistrictSpec] = field(default_factory=list)
    triage_unit: str = ""
    plan_reasons: list[Entry] = field(default_factory=list)
    answer_wait_days: int = 7
    on_no_answer: str = "resume"


def find_files(folder: Path) -> tuple[Path, Path, Path | None]:
    """The subjects file, the districts file and city.yaml (optional) of a pack folder."""
    if not folder.is_dir():
        raise PackError(str(folder), "", "", _("There is no city pack folder here."))
    city = folder / "city.yaml"
    yamls = sorted(p for p in folder.glob("*.y*ml") if p.name not in {"city.yaml", "city.yml"})
    subjects = folder / "subjects.yaml"
    if not subjects.exists():
        if len(yamls) != 1:
            raise PackError(str(folder), "", "", _(
                "The pack needs one subjects file: subjects.yaml."))
        subjects = yamls[0]
    districts = folder / "districts.geojson"
    if not districts.exists():
        geojsons = sorted(folder.glob("*.geojson"))
        if len(geojsons) != 1:
            raise PackError(str(folder), "", "", _(
                "The pack needs one districts file: districts.geojson."))
        districts = geojsons[0]
    return subjects, districts, city if city.exists() else None


def read_pack(folder: Path) -> CityPack:
    """Read and check every file of a pack; raise PackError on the first problem."""
    subjects_path, districts_path, city_path = find_files(folder)
    city = _load_yaml(city_path) if city_path else {}
    if not isinstance(city, dict):
        raise PackError(city_path.name if city_path else "", "", "", _(
            "The file must be a mapping of settings."))
    data = _load_yaml(subjects_path)
    sf = subjects_path.name
    if not isinstance(data, dict):
        raise PackError(sf, "", "", _("The file must be a mapping with kinds, groups, "
                                      "organisations and categories."))
    pack = CityPack(path=folder, city=city)
    pack.kinds = _entries(data, "kinds", sf, required=True)
    pack.groups = _entries(data, "groups", sf, required=False)
    pack.organisations = _entries(data, "organisations", sf, required=True)
    pack.departments = _entries(data, "district_departments", sf, required=False)
    pack.districts = _districts(districts_path)
    _check_extent(pack, districts_path.name)
    pack.subjects = _subjects(data, sf, pack)
    pack.triage_unit = str(city.get("triage_unit") or pack.organisations[0].code)
    if pack.triage_unit not in {o.code for o in pack.organisations}:
        raise PackError(city_path.name if city_path else sf, "triage_unit", "triage_unit",
                        _("The triage centre must be one of the organisations."))
    cf = city_path.name if city_path else "city.yaml"
    pack.plan_reasons = _entries(city, "plan_reasons", cf, required=False)
    if any(e.code == "other" for e in pack.plan_reasons):
        raise PackError(cf, "plan_reasons", "code", _(
            "“other” is always offered (with a note); do not list it."))
    questions = city.get("citizen_questions") or {}
    if not isinstance(questions, dict):
        raise PackError(cf, "citizen_questions", "", _("This must be a mapping."))
    pack.answer_wait_days = _whole({"wait_days": questions.get("wait_days", 7)}, "wait_days",
                                   cf, "citizen_questions")
    pack.on_no_answer = str(questions.get("when_unanswered", "resume"))
    if pack.on_no_answer not in {"resume", "close"}:
        raise PackError(cf, "citizen_questions", "when_unanswered", _(
            "Write resume (the unit goes on) or close (the request is closed)."))
    return pack


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = _("line %(line)s") % {"line": mark.line + 1} if mark else ""
        raise PackError(path.name, line, "", _("This is not valid YAML.")) from e
    except (OSError, UnicodeDecodeError) as e:
        raise PackError(path.name, "", "", _("The file cannot be read as UTF-8 text.")) from e


def _rejoin_commas(item: dict[str, Any]) -> dict[str, Any]:
    """Undo YAML's split of an unquoted name at a comma inside {...}.

    `{code: x, en: Parks, Landscape and Green}` reads as en="Parks" plus a key
    "Landscape and Green" with no value; such keys are glued back onto the name before them.
    """
    fixed: dict[str, Any] = {}
    last_text: str | None = None
    for key, value in item.items():
        if value is None and isinstance(key, str) and " " in key.strip() and last_text:
            fixed[last_text] = f"{fixed[last_text]}, {key.strip()}"
            continue
        fixed[key] = value
        last_text = key if key in {"fa", "en"} and isinstance(value, str) else None
    return fixed


def _text(item: dict[str, Any], key: str, file: str, entry: str, *, required: bool = True) -> str:
    value = item.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise PackError(file, entry, key, _("This field is required."))
        return ""
    if not isinstance(value, str | int | float):
        raise PackError(file, entry, key, _("This field must be text."))
    return str(value).strip()


def _code(item: dict[str, Any], file: str, entry: str) -> str:
    code = _text(item, "code", file, entry)
    if not CODE.match(code):
        raise PackError(file, entry, "code", _(
            "A code may contain only lower-case Latin letters, digits, '-' and '_'."))
    return code


def _entries(data: dict[str, Any], key: str, file: str, *, required: bool) -> list[Entry]:
    items = data.get(key)
    if items is None and not required:
        return []
    if not isinstance(items, list) or (required and not items):
        raise PackError(file, key, "", _("This must be a non-empty list."))
    entries: list[Entry] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        entry = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise PackError(file, entry, "", _(
                "Each entry must be a mapping with code, fa and en."))
        item = _rejoin_commas(item)
        code = _code(item, file, entry)
        entry = f"{key}[{i}] ({code})"
        if code in seen:
            raise PackError(file, entry, "code", _("This code appears twice."))
        seen.add(code)
        entries.append(Entry(code, _text(item, "fa", file, entry),
                             _text(item, "en", file, entry, required=False), i))
    return entries


def _whole(item: dict[str, Any], key: str, file: str, entry: str) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PackError(file, entry, key, _("This must be a whole number, zero or more."))
    return value


def _flag(item: dict[str, Any], key: str, file: str, entry: str) -> bool:
    value = item.get(key, False)
    if not isinstance(value, bool):
        raise PackError(file, entry, key, _("This must be true or false."))
    return value


def _subjects(data: dict[str, Any], file: str, pack: CityPack) -> list[SubjectSpec]:
    items = data.get("categories", data.get("subjects"))
    if not isinstance(items, list) or not items:
        raise PackError(file, "categories", "", _("This must be a non-empty list."))
    groups = {g.code for g in pack.groups}
    organisations = {o.code for o in pack.organisations}
    departments = {d.code for d in pack.departments}
    subjects: list[SubjectSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        entry = f"categories[{i}]"
        if not isinstance(item, dict):
            raise PackError(file, entry, "", _("Each entry must be a mapping."))
        item = _rejoin_commas(item)
        code = _code(item, file, entry)
        entry = f"categories[{i}] ({code})"
        if code in seen:
            raise PackError(file, entry, "code", _("This code appears twice."))
        seen.add(code)
        group = item.get("group")
        if group is not None and group not in groups:
            raise PackError(file, entry, "group", _("There is no group with this code."))
        handler_text = _text(item, "handler", file, entry)
        handler = parse_handler(handler_text)
        if handler is None:
            raise PackError(file, entry, "handler", _(
                "A handler is written district:<department>, org:<code> or central:<code>."))
        known = departments if handler.kind is HandlerKind.DISTRICT else organisations
        if handler.code not in known:
            raise PackError(file, entry, "handler", _(
                "The handler names a unit that the file does not define."))
        synonyms = item.get("synonyms", [])
        attributes = item.get("attributes", [])
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            raise PackError(file, entry, "synonyms", _("This must be a list of words."))
        if not isinstance(attributes, list) or not all(isinstance(a, dict) for a in attributes):
            raise PackError(file, entry, "attributes", _("This must be a list of questions."))
        subjects.append(SubjectSpec(
            code=code,
            fa=_text(item, "fa", file, entry),
            en=_text(item, "en", file, entry, required=False),
            group=group,
            handler=str(handler),
            respond_hours=_whole(item, "respond_hours", file, entry),
            resolve_days=_whole(item, "resolve_days", file, entry),
            urgent=_flag(item, "urgent", file, entry),
            long_term=_flag(item, "long_term", file, entry),
            position=i,
            synonyms=tuple(s.strip() for s in synonyms if s.strip()),
            attributes=tuple(attributes),
        ))
    return subjects


def _districts(path: Path) -> list[DistrictSpec]:
    file = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise PackError(file, "", "", _("This is not a valid GeoJSON file.")) from e
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise PackError(file, "features", "", _("A FeatureCollection with districts is needed."))
    districts: list[DistrictSpec] = []
    seen: set[str] = set()
    for i, feature in enumerate(features):
        entry = f"features[{i}]"
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise PackError(file, entry, "properties", _("Each district needs its properties."))
        number = props.get("number")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            raise PackError(file, entry, "number", _("This must be a whole number."))
        if not props.get("code") and number is not None:
            props = {**props, "code": f"district-{number}"}
        code = _code(props, file, entry)
        entry = f"features[{i}] ({code})"
        if code in seen:
            raise PackError(file, entry, "code", _("This code appears twice."))
        seen.add(code)
        geometry = _check_geometry(feature.get("geometry"), file, entry)
        districts.append(DistrictSpec(
            code=code, number=number, fa=_text(props, "fa", file, entry),
            en=_text(props, "en", file, entry, required=False),
            area_hint=_text(props, "area_hint", file, entry, required=False),
            geometry=geometry,
        ))
    return districts


def _check_geometry(geometry: Any, file: str, entry: str) -> dict[str, Any]:
    try:
        return check_boundary(geometry).geojson
    except BoundaryError as error:
        raise PackError(file, entry, "geometry", str(error.message)) from None


def _check_extent(pack: "CityPack", file: str) -> None:
    """Every district lies around the city: its map centre from city.yaml, or else the
    middle of the districts (so one misplaced district stands out)."""
    given = pack.city.get("map_center")
    if isinstance(given, list) and len(given) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in given):
        centre: tuple[float, float] | None = (float(given[0]), float(given[1]))
    else:
        centre = centre_of([shape(d.geometry) for d in pack.districts])
    for i, d in enumerate(pack.districts):
        try:
            check_boundary(d.geometry, centre=centre)
        except BoundaryError as error:
            raise PackError(file, f"features[{i}] ({d.code})", "geometry",
                            str(error.message)) from None
