"""The import replay: requests from another system played through the lifecycle's rules on
plain values and written with one bulk insert per table.

The steps of receive_case, route_case, accept_case, resolve_case, reject_case and
close_case, checked by the same rules (check_intake, the transition table, due_dates), but
one row at a time through the ORM is far too slow for a city's years of history. History
is not news, so nobody is notified.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from open137.cases.actions import (
    DEADLINES_RUN,
    User,
    acting_user,
    check_intake,
    due_dates,
    find_place,
    placed_from,
    result_text,
)
from open137.cases.models import Case, CaseEvent, Channel, Priority
from open137.cases.workflow import Status, Step, facts_after, target
from open137.core import bulk, tracking
from open137.core.errors import InvalidInput
from open137.core.text import normalize_text
from open137.deadlines.queries import working_calendar
from open137.directory.models import City, District, Kind, Subject, Unit
from open137.directory.queries import route, routing_context, triage_unit
from open137.places.index import current_versions
from open137.routing.engine import Decision

_UNCHANGED: Any = object()


@dataclass(frozen=True)
class ImportedCase:
    """A request from another system with its history, as import_cases takes it.

    `result` is "", "resolved" or "rejected"; a closing time alone means resolved, and
    `result_at` defaults to the closing time.
    """

    subject: Subject
    created_at: datetime
    channel: str = Channel.IMPORT
    kind: Kind | None = None
    description: str = ""
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    district: District | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    language: str = "fa"
    external_id: str = ""
    accepted_at: datetime | None = None
    result: str = ""
    result_at: datetime | None = None
    result_note: str = ""
    closed_at: datetime | None = None


@transaction.atomic
def import_cases(rows: Sequence[ImportedCase], *, by: User) -> list[int | InvalidInput]:
    """Record requests from another system with their history, in bulk, by the same rules.

    Returns the new request's id for each row, or the error that kept it out.
    """
    return save_imported(play_imported(rows, context=ImportContext(by)))


def play_imported(rows: Sequence[ImportedCase], *, context: "ImportContext") -> "PlayedImport":
    """Check each row and play its history on plain values; nothing is written yet.

    Writes nothing (the context has read what it needs), so an import can play the next
    batch while the database is still writing this one; it only reads the gazetteer, once
    per address text, for rows with an address and no point.
    """
    history = PlayedImport(context)
    for row in rows:
        try:
            history.play(row)
        except InvalidInput as e:
            history.outcomes.append(e)
        else:
            history.outcomes.append(len(history.cases) - 1)
    return history


@transaction.atomic
def save_imported(played: "PlayedImport", *,
                  keep: Sequence[int] | None = None) -> list[int | InvalidInput]:
    """Write the played rows (or only those at the positions in `keep`, in that order).

    Returns the new request's id for each of them, or the error that kept it out.
    """
    outcomes = played.outcomes if keep is None else [played.outcomes[i] for i in keep]
    ids = iter(played.save([o for o in outcomes if not isinstance(o, InvalidInput)]))
    return [o if isinstance(o, InvalidInput) else next(ids) for o in outcomes]


def _imported_steps(row: ImportedCase, now: datetime,
                    clean: Any = normalize_text) -> list[tuple[Step, datetime, str]]:
    """The steps after routing that an imported row's history asks for, checked."""
    result = row.result or (Status.RESOLVED if row.closed_at else "")
    if result not in {"", Status.RESOLVED, Status.REJECTED}:
        raise InvalidInput(_("A result is either resolved or rejected."), field="result")
    result_at = row.result_at or row.closed_at
    steps: list[tuple[Step, datetime, str]] = []
    if row.accepted_at:
        steps.append((Step.ACCEPT, row.accepted_at, ""))
    if result:
        if result_at is None:
            raise InvalidInput(_("A finished request needs the time it was finished."),
                               field="closed_at")
        step = Step.RESOLVE if result == Status.RESOLVED else Step.REJECT
        steps.append((step, result_at, result_text(step, row.result_note, clean=clean)))
    if row.closed_at:
        steps.append((Step.CLOSE, row.closed_at, ""))
    times = [row.created_at] + [at for _step, at, _note in steps]
    for t in times:
        if t.tzinfo is None or t.utcoffset() is None:
            raise InvalidInput(_("Every time must carry its time zone."), field="created_at")
    if times != sorted(times):
        raise InvalidInput(_("The times are out of order: a request cannot be finished "
                             "before it was received."), field="closed_at")
    if times[-1] > now:
        raise InvalidInput(_("A time in the request's history is in the future."),
                           field="created_at")
    return steps


@dataclass
class RoutingMemo:
    """Routing decisions for requests without a point, by (subject, handler, district),
    kept while the city's configuration version stays the same: years of history repeat a
    few thousand combinations, and asking route() once for each is enough."""

    version: str = ""
    decisions: dict[tuple[int, str, str | None], Decision] = field(default_factory=dict)

    def for_version(self, version: str) -> dict[tuple[int, str, str | None], Decision]:
        """The decisions made under `version`; forgotten when the configuration moved."""
        if version != self.version:
            self.version, self.decisions = version, {}
        return self.decisions


_routing_memo = RoutingMemo()


class ImportContext:
    """What playing imported rows needs from the database, read once for a whole import."""

    def __init__(self, by: User) -> None:
        who = acting_user(by)
        self.actor_id = who.pk if who is not None else None
        kind = Kind.objects.filter(active=True).order_by("position").first()
        if kind is None:
            raise InvalidInput(_("Load a city pack first."), field="kind")
        self.kind: Kind = kind
        self.triage_id = triage_unit().pk
        self.districts = dict(District.objects.values_list("code", "pk"))
        self.units = dict(Unit.objects.values_list("code", "pk"))
        self.calendar = working_calendar()
        self.routing = routing_context()
        version = City.objects.values_list("config_version", flat=True).first() or ""
        self.decisions = _routing_memo.for_version(version)
        self.case_base = {f.attname: f.get_default() for f in Case._meta.concrete_fields
                          if not f.primary_key}
        self.event_base = {f.attname: f.get_default() for f in CaseEvent._meta.concrete_fields
                           if not f.primary_key}
        # Addresses without a point are placed from the gazetteer, each text once per
        # import (a city's history repeats its streets); none at all without a gazetteer.
        self.gazetteer = bool(current_versions()[0])
        self.places: dict[str, dict[str, Any] | None] = {}

    def place(self, address: str) -> dict[str, Any] | None:
        """The history's record of the place for an address the gazetteer is sure of."""
        if not self.gazetteer or not address:
            return None
        if address not in self.places:
            found = find_place(address, "", self.routing)
            self.places[address] = (placed_from(found, source="address")
                                    if found is not None else None)
        return self.places[address]


class PlayedImport:
    """Imported rows played through the lifecycle on plain values, saved at once later."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.actor_id = context.actor_id
        self.now = timezone.now()  # every request's updated_at: the time of the import
        self.kind = context.kind
        self.triage_id = context.triage_id
        self.districts = context.districts
        self.units = context.units
        self.calendar = context.calendar
        self.decisions = context.decisions
        self.due: dict[tuple[datetime, int, int, bool], tuple[datetime, datetime]] = {}
        self.case_base = context.case_base
        self.event_base = context.event_base
        self.cases: list[dict[str, Any]] = []
        self.events: list[list[dict[str, Any]]] = []
        self.outcomes: list[int | InvalidInput] = []  # per row played: its case, or error
        self.texts: dict[str, str] = {}

    def _clean(self, text: str) -> str:
        """normalize_text, remembered: imported texts repeat (addresses, notes, types)."""
        if not text:
            return ""
        clean = self.texts.get(text)
        if clean is None:
            clean = self.texts[text] = normalize_text(text)
        return clean

    def play(self, row: ImportedCase) -> None:
        """Check one row and add its request and events, or raise InvalidInput."""
        subject = row.subject
        description, phone = check_intake(
            subject=subject, channel=row.channel, lat=row.lat, lon=row.lon,
            description=row.description, contact_phone=row.contact_phone, clean=self._clean)
        steps = _imported_steps(row, self.now, self._clean)
        at = row.created_at
        case = {
            **self.case_base, "subject_id": subject.pk,
            "kind_id": (row.kind or self.kind).pk, "channel": row.channel,
            "description": description, "lat": row.lat, "lon": row.lon,
            "address": self._clean(row.address),
            "district_id": row.district.pk if row.district else None,
            "contact_name": self._clean(row.contact_name), "contact_phone": phone,
            "contact_email": row.contact_email.strip(), "language": row.language,
            "created_at": at, "updated_at": self.now, "created_by_id": self.actor_id,
            "external_id": row.external_id,
            "priority": Priority.URGENT if subject.urgent else Priority.NORMAL,
        }
        receipt: dict[str, Any] = {"channel": row.channel}
        if row.lat is None and row.district is None and case["address"]:
            placed = self.context.place(case["address"])
            if placed is not None:
                case["lat"], case["lon"] = placed["lat"], placed["lon"]
                receipt["placed"] = placed
                row = replace(row, lat=placed["lat"], lon=placed["lon"])
        events = [{**self.event_base, "step": Step.RECEIVE, "at": at, "actor_id": self.actor_id,
                   "to_status": Status.RECEIVED, "data": receipt}]
        self._route(case, events, row)
        for step, when, note in steps:
            first: dict[str, Any] = {} if case["responded_at"] else {"responded_at": when}
            if step is Step.ACCEPT:
                if case["status"] == Status.TRIAGE:  # no unit took it, so none accepted it
                    continue
                self._step(case, events, step, when, **first)
            elif step in {Step.RESOLVE, Step.REJECT}:
                self._step(case, events, step, when, note=note, result_note=note,
                           resolved_at=when, **first)
            else:
                self._step(case, events, step, when, closed_at=when)
        self._overdue(case, events)
        self.cases.append(case)
        self.events.append(events)

    def _overdue(self, case: dict[str, Any], events: list[dict[str, Any]]) -> None:
        """mark_overdue for each deadline that passed before the import, at its due time.

        An open request from years ago has deadlines long past: flagged here, as the
        deadline watcher would have flagged it then, the watcher finds them done instead
        of flagging them all now and telling every unit manager about old history.
        """
        if case["status"] not in DEADLINES_RUN or case["unit_id"] is None:
            return
        running = (("respond", None if case["responded_at"] else case["respond_by"]),
                   ("resolve", case["resolve_by"]))
        for deadline, due in running:
            if due is not None and due <= self.now:
                events.append({**self.event_base, "step": Step.OVERDUE, "at": due,
                               "actor_id": None, "from_status": case["status"],
                               "to_status": case["status"], "from_unit_id": case["unit_id"],
                               "to_unit_id": case["unit_id"], "public": False,
                               "data": {"deadline": deadline, "due": due.isoformat()}})
                case["overdue"] = True

    def _route(self, case: dict[str, Any], events: list[dict[str, Any]],
               row: ImportedCase) -> None:
        """route_case on plain values; the system routes, so no actor."""
        subject, at = row.subject, row.created_at
        code = row.district.code if row.district else None
        if row.lat is None:  # without a point the answer depends on subject and district only
            key = (subject.pk, subject.handler, code)
            if key not in self.decisions:
                self.decisions[key] = route(subject, lat=None, lon=None, district_code=code,
                                           context=self.context.routing)
            decision = self.decisions[key]
        else:
            decision = route(subject, lat=row.lat, lon=row.lon, district_code=code,
                             context=self.context.routing)
        district_id = self.districts[decision.district_code] if decision.district_code else None
        data = {"reason": str(decision.reason)}
        if decision.unit_code is None:
            self._step(case, events, Step.TRIAGE, at, actor_id=None, unit_id=self.triage_id,
                       public=False, data=data, district_id=district_id)
            return
        key_due = (at, subject.respond_hours, subject.resolve_days, subject.urgent)
        if key_due not in self.due:
            self.due[key_due] = due_dates(subject, at, calendar=self.calendar)
        respond_by, resolve_by = self.due[key_due]
        self._step(case, events, Step.REFER, at, actor_id=None,
                   unit_id=self.units[decision.unit_code], data=data, district_id=district_id,
                   referred_at=at, respond_by=respond_by, resolve_by=resolve_by,
                   responded_at=None, resolved_at=None, overdue=False)

    def _step(self, case: dict[str, Any], events: list[dict[str, Any]], step: Step,
              at: datetime, *, actor_id: Any = _UNCHANGED, unit_id: Any = _UNCHANGED,
              note: str = "", public: bool = True, data: dict[str, Any] | None = None,
              **fields: Any) -> None:
        """`transition` on plain values: check the table, change the row, append the event."""
        to = target(step, case["status"])
        event = {**self.event_base, "step": step, "at": at,
                 "actor_id": self.actor_id if actor_id is _UNCHANGED else actor_id,
                 "from_status": case["status"], "to_status": to,
                 "from_unit_id": case["unit_id"], "note": note, "public": public,
                 "data": data or {}}
        case.update(facts_after(step, case["status"], at, case))
        case["status"] = to
        if unit_id is not _UNCHANGED:
            case["unit_id"] = unit_id
        case.update(fields)
        event["to_unit_id"] = case["unit_id"]
        events.append(event)

    def save(self, positions: Sequence[int] | None = None) -> list[int]:
        """Insert the requests (those at `positions` in self.cases, or all), then their
        events; the new ids in that order."""
        if positions is None:
            positions = range(len(self.cases))
        cases = [self.cases[i] for i in positions]
        if not cases:
            return []
        ids = bulk.reserve_ids(Case, len(cases))
        for case, pk, code in zip(cases, ids, _free_tracking_codes(len(cases)), strict=True):
            case["id"], case["tracking_code"] = pk, code
        bulk.insert_rows(Case, cases)
        events = []
        for pk, i in zip(ids, positions, strict=True):
            for event in self.events[i]:
                event["case_id"] = pk
                events.append(event)
        bulk.insert_rows(CaseEvent, events)
        return ids


def _free_tracking_codes(count: int) -> list[str]:
    """`count` new tracking codes that no request has yet."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = list(set(tracking.new_codes(count - len(codes))) - codes)
        taken = {code for (code,) in bulk.select_in(Case, "tracking_code", fresh,
                                                     select=["tracking_code"])}
        codes.update(c for c in fresh if c not in taken)
    return list(codes)
