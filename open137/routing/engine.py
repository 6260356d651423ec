"""The choice of a unit for a request: a pure function of plain values.

Order: the district from the point, then override rules (highest priority first), then
the subject's handler. Whatever cannot be placed goes to the triage centre (unit None).
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry


class HandlerKind(StrEnum):
    DISTRICT = "district"
    ORG = "org"
    CENTRAL = "central"


@dataclass(frozen=True)
class Handler:
    kind: HandlerKind
    code: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


def parse_handler(text: str) -> Handler | None:
    """'district:works' -> Handler(DISTRICT, 'works'); None when malformed."""
    kind, sep, code = (text or "").strip().partition(":")
    if not sep or not code.strip() or kind not in HandlerKind.__members__.values():
        return None
    return Handler(HandlerKind(kind), code.strip())


def department_unit_code(district_code: str, department: str) -> str:
    """A district department's unit code: district-3 + works -> district-3/works."""
    return f"{district_code}/{department}"


@dataclass(frozen=True)
class Rule:
    """An override rule; `area` is a shapely geometry in (lon, lat)."""

    unit_code: str
    priority: int = 0
    district_code: str | None = None
    area: BaseGeometry | None = None

    def matches(self, district_code: str | None, point: Point | None) -> bool:
        if self.district_code is not None and self.district_code != district_code:
            return False
        if self.area is not None and (point is None or not self.area.covers(point)):
            return False
        return self.district_code is not None or self.area is not None


class Reason(StrEnum):
    HANDLER = "handler"
    RULE = "rule"
    OUTSIDE = "outside"
    NO_LOCATION = "no_location"
    UNKNOWN_HANDLER = "unknown_handler"
    TRIAGE_SUBJECT = "triage_subject"


@dataclass(frozen=True)
class Decision:
    """Where a request goes; unit_code None means the triage queue."""

    unit_code: str | None
    district_code: str | None
    reason: Reason


def choose_unit(
    *,
    handler: Handler | None,
    district_code: str | None,
    point: Point | None = None,
    rules: Sequence[Rule] = (),
    units: Collection[str],
    triage_unit: str | None = None,
) -> Decision:
    """Pick the unit for a request from its handler, place and the override rules.

    `district_code` is the district found for the point, or chosen by the operator when
    only an address is known; None with a point means the point is outside every
    district. `units` are the codes of active units.
    """
    if point is not None and district_code is None:
        return Decision(None, None, Reason.OUTSIDE)
    for rule in sorted(rules, key=lambda r: -r.priority):
        if rule.matches(district_code, point) and rule.unit_code in units:
            return _decision(rule.unit_code, district_code, Reason.RULE, triage_unit)
    if handler is None:
        return Decision(None, district_code, Reason.UNKNOWN_HANDLER)
    if handler.kind is HandlerKind.DISTRICT:
        if district_code is None:
            return Decision(None, None, Reason.NO_LOCATION)
        unit = department_unit_code(district_code, handler.code)
    else:
        unit = handler.code
    if unit not in units:
        return Decision(None, district_code, Reason.UNKNOWN_HANDLER)
    return _decision(unit, district_code, Reason.HANDLER, triage_unit)


def _decision(unit: str, district: str | None, reason: Reason, triage: str | None) -> Decision:
    if unit == triage:
        return Decision(None, district, Reason.TRIAGE_SUBJECT)
    return Decision(unit, district, reason)
