"""Mappings: how another system's file becomes requests.

A mapping is a small YAML file (see `mappings/` here and `citypacks/*/mappings/`): which
column holds the time, the subject, the district, the status..., how the source's values
translate into this city's codes, and in which formats its times are written. It is read
and checked as a whole before anything is imported; then each record is converted on its
own, and a record that cannot be converted is rejected with a reason, never guessed at.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.conf import settings
from django.utils.translation import gettext as _

from open137.cases.models import Channel
from open137.core.dates import GREGORIAN_YEARS
from open137.core.numbers import parse_number
from open137.directory.models import City, District, Kind, Subject
from open137.imports.replay import ImportedCase

FIELDS = (
    "external_id", "created_at", "subject", "kind", "channel", "description", "lat", "lon",
    "address", "district", "status", "accepted_at", "resolved_at", "closed_at", "result_note",
    "contact_name", "contact_phone", "contact_email",
)
TIMES = frozenset({"created_at", "accepted_at", "resolved_at", "closed_at"})
NUMBERS = frozenset({"lat", "lon"})
REQUIRED = ("created_at", "subject")
# What a source's status may become here. A request that is open stays where routing put
# it; finished ones are resolved, rejected or closed at their finishing time.
STATUSES = ("open", "in_progress", "resolved", "rejected", "closed")
FINISHED = frozenset({"resolved", "rejected", "closed"})
FORMATS = ("csv", "open311")
SPEC_KEYS = frozenset({"column", "columns", "join", "value", "values", "default", "match",
                       "formats"})
MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
CHANNELS = frozenset(Channel.values)
IMPORTED = str(Channel.IMPORT.value)
_TIME_MEMO_LIMIT = 100_000


class MappingError(Exception):
    """The mapping is broken, or does not fit the file or the loaded city."""

    def __init__(self, file: str, where: str, message: str) -> None:
        self.file, self.where, self.message = file, where, message
        super().__init__(str(self))

    def __str__(self) -> str:
        return " › ".join(p for p in (self.file, self.where) if p) + f": {self.message}"


class RowError(Exception):
    """One record cannot become a request; `reason` is a short code for counting."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


def _key(value: str) -> str:
    """Values are compared without case and with runs of spaces as one."""
    return " ".join(value.split()).casefold()


@dataclass(frozen=True)
class Spec:
    """Where one field's value comes from: columns or a constant, then a value map."""

    columns: tuple[str, ...] = ()
    join: str = " - "
    value: str | None = None
    values: dict[str, str] | None = None
    default: str | None = None
    prefix: bool = False
    formats: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return ", ".join(self.columns) if self.columns else str(self.value)


@dataclass
class Mapping:
    """A checked mapping file."""

    path: Path
    source: str
    format: str = "csv"
    city: str = ""
    timezone: tzinfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))
    encoding: str = "utf-8"
    delimiter: str = ","
    language: str = "fa"
    result_note: str = ""
    fields: dict[str, tuple[Spec, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem

    def columns(self) -> set[str]:
        """Every column the mapping reads."""
        return {c for specs in self.fields.values() for s in specs for c in s.columns}


def find_mapping(name: str | Path) -> Path:
    """A mapping by path, or by name from a city pack's mappings/ folder or the built-in ones."""
    path = Path(name)
    if path.is_file():
        return path
    stem = path.name.removesuffix(".yaml").removesuffix(".yml")
    candidates = [*sorted(Path(settings.CITYPACKS_DIR).glob(f"*/mappings/{stem}.y*ml")),
                  *sorted(MAPPINGS_DIR.glob(f"{stem}.y*ml"))]
    if not candidates:
        raise MappingError(str(name), "", _("There is no mapping file by this name or path."))
    return candidates[0]


def read_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; MappingError names the file and the setting."""
    file = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise MappingError(file, "", _("This is not valid YAML.")) from e
    except (OSError, UnicodeDecodeError) as e:
        raise MappingError(file, "", _("The file cannot be read as UTF-8 text.")) from e
    if not isinstance(data, dict):
        raise MappingError(file, "", _("A mapping is a YAML mapping with source and fields."))
    known = {"format", "source", "city", "timezone", "encoding", "delimiter", "language",
             "result_note", "fields"}
    for key in data:
        if key not in known:
            raise MappingError(file, str(key), _("Unknown setting; the settings are: %(keys)s.")
                               % {"keys": ", ".join(sorted(known))})
    source = str(data.get("source") or "").strip()
    if not source or len(source) > 50:
        raise MappingError(file, "source", _(
            "Name the system the file comes from (at most 50 characters): ids are unique "
            "within it."))
    mapping = Mapping(path=path, source=source)
    mapping.format = str(data.get("format") or "csv")
    if mapping.format not in FORMATS:
        raise MappingError(file, "format", _("The format is csv or open311."))
    mapping.city = str(data.get("city") or "")
    if data.get("timezone"):
        try:
            mapping.timezone = ZoneInfo(str(data["timezone"]))
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise MappingError(file, "timezone", _("Unknown time zone.")) from e
    mapping.encoding = str(data.get("encoding") or "utf-8")
    mapping.delimiter = str(data.get("delimiter") or ",")
    if len(mapping.delimiter) != 1:
        raise MappingError(file, "delimiter", _("The delimiter is a single character."))
    mapping.language = str(data.get("language") or settings.LANGUAGE_CODE)[:5]
    mapping.result_note = str(data.get("result_note") or "")
    fields = data.get("fields")
    if not isinstance(fields, dict):
        raise MappingError(file, "fields", _("List the fields and where each comes from."))
    for name, raw in fields.items():
        if name not in FIELDS:
            raise MappingError(file, f"fields › {name}", _(
                "Unknown field; the fields are: %(fields)s.") % {"fields": ", ".join(FIELDS)})
        alternatives = raw if isinstance(raw, list) else [raw]
        if not alternatives:
            raise MappingError(file, f"fields › {name}", _("Say where the value comes from."))
        mapping.fields[name] = tuple(_spec(file, f"fields › {name}", name, a)
                                     for a in alternatives)
    for name in REQUIRED:
        if name not in mapping.fields:
            raise MappingError(file, f"fields › {name}", _("This field is required."))
    return mapping


def _spec(file: str, where: str, name: str, raw: Any) -> Spec:
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw, dict):
        raise MappingError(file, where, _("Give a column name, or a mapping with column, "
                                          "columns or value."))
    for key in raw:
        if key not in SPEC_KEYS:
            raise MappingError(file, where, _("Unknown setting “%(key)s”; the settings are: "
                                              "%(keys)s.") % {"key": key,
                                                              "keys": ", ".join(sorted(SPEC_KEYS))})
    columns: tuple[str, ...] = ()
    if "column" in raw:
        columns = (str(raw["column"]),)
    elif "columns" in raw:
        if not isinstance(raw["columns"], list) or not raw["columns"]:
            raise MappingError(file, where, _("“columns” is a list of column names."))
        columns = tuple(str(c) for c in raw["columns"])
    elif "value" not in raw:
        raise MappingError(file, where, _("Give a column, columns or a value."))
    values = raw.get("values")
    if values is not None:
        if not isinstance(values, dict):
            raise MappingError(file, where, _("“values” maps the source's values to codes."))
        values = {_key(str(k)): "" if v is None else str(v) for k, v in values.items()}
    formats = raw.get("formats", ["iso"] if name in TIMES else [])
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise MappingError(file, where, _("“formats” is a list of time formats as Python's "
                                          "strptime writes them, or iso."))
    if raw.get("match", "exact") not in {"exact", "prefix"}:
        raise MappingError(file, where, _("“match” is exact or prefix."))
    spec = Spec(columns=columns, join=str(raw.get("join", " - ")),
                value=None if "value" not in raw else str(raw["value"]), values=values,
                default=None if raw.get("default") is None else str(raw["default"]),
                prefix=raw.get("match") == "prefix", formats=tuple(formats))
    if name == "status":
        for status in [*(spec.values or {}).values(), spec.value, spec.default]:
            if status not in {None, "", *STATUSES}:
                raise MappingError(file, where, _("“%(value)s” is not a status; use one of "
                                                  "%(statuses)s.")
                                   % {"value": status, "statuses": ", ".join(STATUSES)})
    return spec


@dataclass
class Lookups:
    """The city's codes that a mapping's values must name, read once per import."""

    subjects: dict[str, Subject]
    kinds: dict[str, Kind]
    districts: dict[str, District]

    @classmethod
    def load(cls) -> "Lookups":
        return cls(subjects={s.code: s for s in Subject.objects.filter(active=True)},
                   kinds={k.code: k for k in Kind.objects.filter(active=True)},
                   districts={d.code: d for d in District.objects.filter(active=True)})


def check_against_city(mapping: Mapping, lookups: Lookups) -> None:
    """Every code the mapping names exists in the loaded city; the city is the right one."""
    file = mapping.path.name
    loaded = City.objects.values_list("code", flat=True).first()
    if mapping.city and mapping.city != loaded:
        raise MappingError(file, "city", _(
            "This mapping is written for the city “%(city)s”, but the loaded city is "
            "“%(loaded)s”. Load its pack first (--city-pack).")
            % {"city": mapping.city, "loaded": loaded or "-"})
    known: dict[str, Iterable[str]] = {
        "subject": lookups.subjects, "kind": lookups.kinds, "district": lookups.districts,
        "channel": Channel.values,
    }
    for name, codes in known.items():
        for spec in mapping.fields.get(name, ()):
            named = [*(spec.values or {}).values(), spec.value, spec.default]
            for code in named:
                if code not in {None, ""} and code not in codes:
                    raise MappingError(file, f"fields › {name}", _(
                        "“%(code)s” is not a code of the loaded city's %(what)s.")
                        % {"code": code, "what": name})


Record = list[str] | dict[str, Any]


class Converter:
    """A mapping bound to a file's columns and the city's codes: record -> ImportedCase."""

    def __init__(self, mapping: Mapping, lookups: Lookups, header: list[str] | None,
                 file_name: str) -> None:
        self.mapping, self.lookups, self.file_name = mapping, lookups, file_name
        self.width = len(header) if header is not None else None
        if header is not None:
            index = {name.strip(): i for i, name in enumerate(header)}
            missing = sorted(c for c in mapping.columns() if c not in index)
            if missing:
                raise MappingError(mapping.path.name, "fields", _(
                    "The file has no column “%(column)s”. Its columns are: %(columns)s.")
                    % {"column": missing[0], "columns": ", ".join(header)})
        self.getters: dict[str, Callable[[Record], str]] = {
            name: self._field(name, specs, index if header is not None else None)
            for name, specs in mapping.fields.items()
        }
        self.time_memo: dict[str, dict[str, datetime | None]] = {n: {} for n in TIMES}
        self.result_note = mapping.result_note or _(
            "Finished in the source system before it was imported.")

    def _field(self, name: str, specs: tuple[Spec, ...],
               index: dict[str, int] | None) -> Callable[[Record], str]:
        readers = [(spec, self._reader(spec, index)) for spec in specs]
        if len(readers) == 1:  # the common case, without the loop over alternatives
            spec, reader = readers[0]
            if spec.values is None and spec.default is None:
                return reader
            return lambda record: _translate(spec, reader(record), name)

        def read(record: Record) -> str:
            unknown: RowError | None = None
            for spec, reader in readers:
                raw = reader(record)
                try:
                    value = _translate(spec, raw, name)
                except RowError as e:
                    unknown = unknown or e
                    continue
                if value:
                    return value
            if unknown is not None:
                raise unknown
            return ""

        return read

    @staticmethod
    def _reader(spec: Spec, index: dict[str, int] | None) -> Callable[[Record], str]:
        if spec.value is not None:
            constant = spec.value
            return lambda record: constant
        if index is None:  # a JSON object: keys are the columns
            keys = spec.columns

            def from_object(record: Record) -> str:
                parts = (_text(record.get(k)) for k in keys)  # type: ignore[union-attr]
                return spec.join.join(p for p in parts if p)

            return from_object
        positions = [index[c] for c in spec.columns]
        if len(positions) == 1:
            i = positions[0]
            return lambda record: record[i].strip()  # type: ignore[index]
        join = spec.join
        return lambda record: join.join(
            [p for i in positions if (p := record[i].strip())])  # type: ignore[index]

    def convert(self, record: Record, row: int) -> ImportedCase:
        """The request a record describes, or RowError with the reason."""
        if self.width is not None and len(record) != self.width:
            raise RowError("columns", _("The row has %(found)s columns instead of "
                                        "%(expected)s.")
                           % {"found": len(record), "expected": self.width})
        get = self.getters
        values = {name: read(record) for name, read in get.items()}
        for name in REQUIRED:
            if not values[name]:
                raise RowError(f"missing:{name}", _("The column “%(column)s” is empty.")
                               % {"column": self._label(name)})
        subject = self.lookups.subjects.get(values["subject"])
        if subject is None:
            raise RowError("unknown:subject", _("There is no subject with the code "
                                                "“%(code)s”.") % {"code": values["subject"]})
        district = None
        if values.get("district"):
            district = self.lookups.districts.get(values["district"])
            if district is None:
                raise RowError("unknown:district", _("There is no district with the code "
                                                     "“%(code)s”.") % {"code": values["district"]})
        kind = None
        if values.get("kind"):
            kind = self.lookups.kinds.get(values["kind"])
            if kind is None:
                raise RowError("unknown:kind", _("There is no kind with the code “%(code)s”.")
                               % {"code": values["kind"]})
        channel = values.get("channel") or IMPORTED
        if channel not in CHANNELS:
            raise RowError("unknown:channel", _("“%(value)s” is not a channel.")
                           % {"value": channel})
        times = {name: self._time(name, values[name]) for name in TIMES if values.get(name)}
        lat, lon = self._number("lat", values.get("lat")), self._number("lon", values.get("lon"))
        external_id = values.get("external_id", "") if "external_id" in get else (
            f"{self.file_name}:{row}")
        if not external_id:
            raise RowError("missing:external_id", _("The column “%(column)s” is empty.")
                           % {"column": self._label("external_id")})
        if len(external_id) > 100:
            raise RowError("invalid:external_id", _("The id is longer than 100 characters."))
        return ImportedCase(
            subject=subject, created_at=times["created_at"], channel=channel, kind=kind,
            description=values.get("description", ""), lat=lat, lon=lon,
            address=values.get("address", "")[:500], district=district,
            contact_name=values.get("contact_name", "")[:200],
            contact_phone=values.get("contact_phone", ""),
            contact_email=values.get("contact_email", "")[:254],
            language=self.mapping.language, external_id=external_id,
            **self._history(values.get("status", ""), times, values.get("result_note", "")),
        )

    def _history(self, status: str, times: dict[str, datetime],
                 note: str) -> dict[str, Any]:
        """The result and times of the history that the status and times describe."""
        resolved, closed = times.get("resolved_at"), times.get("closed_at")
        if not status:
            status = "closed" if closed else "resolved" if resolved else "open"
        history: dict[str, Any] = {}
        if status == "in_progress":
            # Accepted at receipt when the file keeps no time for it.
            history["accepted_at"] = times.get("accepted_at") or times["created_at"]
        elif status in FINISHED:
            history["accepted_at"] = times.get("accepted_at")
            history["result"] = "rejected" if status == "rejected" else "resolved"
            history["result_at"] = resolved or closed
            history["result_note"] = note or self.result_note
            if status == "closed":
                history["closed_at"] = closed or resolved
        return history

    def _label(self, name: str) -> str:
        specs = self.mapping.fields.get(name, ())
        return " / ".join(s.label for s in specs) or name

    def _time(self, name: str, text: str) -> datetime:
        memo = self.time_memo[name]
        value = memo.get(text, False)
        if value is False:
            if len(memo) > _TIME_MEMO_LIMIT:
                memo.clear()
            formats = tuple(f for s in self.mapping.fields[name] for f in s.formats) or ("iso",)
            value = memo[text] = parse_time(text, formats, self.mapping.timezone)
        if value is None:
            formats = tuple(f for s in self.mapping.fields[name] for f in s.formats) or ("iso",)
            raise RowError(f"time:{name}", _(
                "“%(value)s” in “%(column)s” is not a time in any of the formats %(formats)s.")
                % {"value": text, "column": self._label(name), "formats": ", ".join(formats)})
        if value.year not in GREGORIAN_YEARS:  # type: ignore[union-attr]
            # Year 1 or 9999 reads as a time but means nothing, and no calendar reaches it.
            raise RowError(f"time:{name}", _(
                "“%(value)s” in “%(column)s” is a time in a year outside %(first)s–%(last)s.")
                % {"value": text, "column": self._label(name),
                   "first": GREGORIAN_YEARS.start, "last": GREGORIAN_YEARS.stop - 1})
        return value  # type: ignore[return-value]

    def _number(self, name: str, text: str | None) -> float | None:
        if not text:
            return None
        number = parse_number(text)
        if number is None:
            raise RowError(f"number:{name}", _("“%(value)s” in “%(column)s” is not a number.")
                           % {"value": text, "column": self._label(name)})
        return number


def parse_time(text: str, formats: tuple[str, ...], zone: tzinfo) -> datetime | None:
    """The first format that reads `text`; a time without an offset is in `zone`."""
    for fmt in formats:
        try:
            # A time without an offset gets the mapping's zone below.
            value = (datetime.fromisoformat(text) if fmt == "iso"
                     else datetime.strptime(text, fmt))  # noqa: DTZ007
        except ValueError:
            continue
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _translate(spec: Spec, raw: str, name: str) -> str:
    """A raw value through the spec's value map; RowError when the map does not know it."""
    if spec.values is None:
        return raw or (spec.default or "")
    key = _key(raw)
    mapped = spec.values.get(key)
    if mapped is None and spec.prefix and key:
        for prefix in sorted(spec.values, key=len, reverse=True):
            if prefix and key.startswith(prefix):
                mapped = spec.values[prefix]
                break
    if mapped is not None:
        return mapped
    if spec.default is not None:
        return spec.default
    if not raw:
        return ""
    raise RowError(f"unknown:{name}", _("The value “%(value)s” in “%(column)s” is not in the "
                                        "mapping.") % {"value": raw, "column": spec.label})
