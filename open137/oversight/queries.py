"""Counting requests for the figures, in the database.

The counts are taken once at the finest grain the dashboard filters by (district, unit,
subject, channel), a few thousand rows at most whatever the number of requests, and
summed once per grain and then per dimension (`combine`, `per_key`, pure). Medians come
from histograms of referral times, merged the same way. No query walks the requests one by
one in Python.

Figures come in two kinds. Period figures count the requests *registered* in the
period. Snapshot figures (backlog, overdue, planned) describe the requests open *now*,
whatever month they came in.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import chain
from operator import itemgetter
from typing import Any

from django.db import models
from django.db.models import (
    Count,
    F,
    IntegerField,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from open137.cases.models import Case, Channel
from open137.cases.workflow import OPEN
from open137.directory.models import District, Subject, SubjectGroup, Unit
from open137.oversight import figures, rollups
from open137.oversight.facts import (
    add_into,
    annotated,
    city_tz,
    merged,
    period_aggregates,
    period_conditions,
    snapshot_conditions,
)
from open137.oversight.figures import AGE_BUCKETS, Counts
from open137.oversight.models import AuditItem, MonthlyCounts
from open137.oversight.periods import Period

NONE = "none"  # the key of requests without a district (an organisation's subject by phone)

# Dimension -> the field of Case it groups by (a code, so that links can carry it).
# "responsible" is the district whose own units (the district and its departments) held
# the request: a district answers for those, not for an organisation's work in its
# streets. "district" is the place: what happened there, whoever handled it.
DIMENSIONS: dict[str, str] = {
    "responsible": "unit__district__code",
    "district": "district__code",
    "unit": "unit__code",
    "group": "subject__group__code",
    "subject": "subject__code",
    "channel": "channel",
}
# The finest grain: every dimension follows from these (a subject's group from the subject).
GRAIN = ("district__code", "unit__code", "subject__code", "channel")


@dataclass(frozen=True)
class Selection:
    """What the figures are about: a period of Jalali months and optional filters."""

    period: Period
    district: str = ""  # a district code (the place), or NONE
    responsible: str = ""  # a district code: requests held by that district's own units
    unit: str = ""
    group: str = ""
    subject: str = ""
    channel: str = ""
    scope_unit: str = ""  # a unit manager's own unit, always applied

    def params(self, **overrides: str) -> dict[str, str]:
        """The query parameters that select the same requests (for links)."""
        values = {"from": str(self.period.first), "to": str(self.period.last),
                  "district": self.district, "responsible": self.responsible,
                  "unit": self.unit, "group": self.group,
                  "subject": self.subject, "channel": self.channel}
        values.update(overrides)
        return {k: v for k, v in values.items() if v}

    def narrowed(self, dimension: str, key: str | None) -> "Selection":
        """The same selection, limited to one row of a breakdown."""
        return replace(self, **{dimension: key or NONE})  # type: ignore[arg-type]

    def bounds(self) -> tuple[datetime, datetime]:
        return self.period.bounds(city_tz())


def filtered(sel: Selection) -> QuerySet[Case]:
    """Requests matching every filter but the period."""
    return narrowed(Case.objects.all(), sel)


def narrowed(cases: QuerySet[Any], sel: Selection) -> QuerySet[Any]:
    """Rows of requests, or of counts at their grain, matching every filter but the period."""
    if sel.district == NONE:
        cases = cases.filter(district__isnull=True)
    elif sel.district:
        cases = cases.filter(district__code=sel.district)
    for name, value in (("unit__district__code", sel.responsible),
                        ("unit__code", sel.unit), ("unit__code", sel.scope_unit),
                        ("subject__group__code", sel.group), ("subject__code", sel.subject),
                        ("channel", sel.channel)):
        if value:
            cases = cases.filter(**{name: value})
    return cases


def cohort(sel: Selection) -> QuerySet[Case]:
    """Requests registered in the period and matching the filters."""
    start, end = sel.bounds()
    return filtered(sel).filter(created_at__gte=start, created_at__lt=end)


# --- counting -----------------------------------------------------------------------------


def _grain_rows(cases: QuerySet[Case], aggregates: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = cases.order_by().values(*GRAIN).annotate(**aggregates)
    return [dict(row) for row in rows]


Times = dict[int, int]  # referral times: {steps of ten seconds: requests}


def period_rows(sel: Selection, now: datetime
                ) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], Times]]]:
    """Period counts per (district, unit, subject, channel), with referral times: 2 queries.

    The months' sealed requests come from the counts taken in advance (rollups.py); the
    others are counted live. A grain may have a row of each: `rolled_up` adds them.
    """
    counted, cutoffs = rollups.counted_rows(narrowed(MonthlyCounts.objects.filter(
        month__in=[str(m) for m in sel.period.months()]), sel), GRAIN)
    live_rows = rollups.step_rows(annotated(rollups.live(cohort(sel), cutoffs)),
                                    period_aggregates(now), GRAIN)
    parts = counted + rollups.fold(live_rows, GRAIN)
    return [row for row, _minutes in parts], parts


def snapshot_rows(sel: Selection, now: datetime) -> list[dict[str, Any]]:
    """Snapshot counts of open requests per (district, unit, subject, channel): one query."""
    conditions = snapshot_conditions(now)
    aggregates = {name: Count("pk", filter=q) for name, q in conditions.items()}
    return _grain_rows(filtered(sel).filter(status__in=OPEN), aggregates)


def audit_rows(sel: Selection) -> list[dict[str, Any]]:
    """Graded audit items of the period's months, per (district, audited unit, subject, channel)."""
    yes = sum((models.Case(When(**{name: True}, then=1), default=0, output_field=IntegerField())
               for name in ("subject_right", "referral_right", "action_adequate",
                            "citizen_informed")), Value(0))
    items = AuditItem.objects.filter(
        graded_at__isnull=False, sample__month__in=[str(m) for m in sel.period.months()],
        case__in=filtered(replace(sel, unit="", scope_unit="", responsible="")),
    )
    # A grade counts for the unit audited: the one responsible for the request.
    for value in (sel.unit, sel.scope_unit):
        if value:
            items = items.filter(sample__unit__code=value)
    if sel.responsible:
        items = items.filter(sample__unit__district__code=sel.responsible)
    rows = items.order_by().values(
        district__code=F("case__district__code"), unit__code=F("sample__unit__code"),
        subject__code=F("case__subject__code"), channel=F("case__channel"),
    ).annotate(audited=Count("pk"), audit_yes=Sum(yes))
    return [dict(row) for row in rows]


def _round(value: float | None) -> float | None:
    # julianday() arithmetic leaves float noise in the last digits; times are enough.
    return None if value is None else round(value, 2)


# --- rolling up ---------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a breakdown: a district, a unit, a subject group, a subject or a channel."""

    key: str | None
    name: str
    counts: Counts


def _group_key(dimension: str | None, subject_groups: Mapping[str, str | None],
               unit_districts: Mapping[str, str | None]
               ) -> Callable[[Mapping[str, Any]], str | None]:
    if dimension is None:
        return lambda row: None
    if dimension == "group":
        return lambda row: subject_groups.get(row["subject__code"])
    if dimension == "responsible":
        return lambda row: unit_districts.get(row["unit__code"])
    field = DIMENSIONS[dimension]
    return lambda row: row[field]


_grain_of = itemgetter(*GRAIN)


@dataclass
class Grains:
    """Every grain row (counted in advance, live, snapshot, audits) summed into one per grain.

    A period of a year has thousands of rows over a thousand-odd grains: summing them once
    per grain, over a fixed order of fields, leaves every breakdown a sum over grains.
    """

    # Per kind of row (period, snapshot, audits): the fields summed, in a fixed order.
    names: tuple[tuple[str, ...], ...]
    # Grain -> per kind of row, the sums in that order (None: no row of that kind).
    sums: dict[tuple[Any, ...], list[list[Any] | None]]
    # Grain -> referral times, in steps (merged).
    times: dict[tuple[Any, ...], Times]


def _field_names(rows: list[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(name for name in dict.fromkeys(chain.from_iterable(rows)) if name not in GRAIN)


def combine(kinds: Iterable[Iterable[Mapping[str, Any]]],
            referral: Iterable[tuple[Mapping[str, Any], Mapping[int, int]]] = ()) -> Grains:
    """Sum rows of each kind per grain, and merge referral times per grain (pure)."""
    names: list[tuple[str, ...]] = []
    found: dict[tuple[Any, ...], list[list[tuple[Any, ...]]]] = {}
    lists = [list(rows) for rows in kinds]
    for i, rows in enumerate(lists):
        fields = _field_names(rows)
        names.append(fields)
        if not fields:
            continue
        values = itemgetter(*fields) if len(fields) > 1 else (lambda row, f=fields[0]: (row[f],))
        for row in rows:
            try:
                row_values = values(row)
            except KeyError:  # a row without some field: it counts nothing there
                row_values = tuple(row.get(name) for name in fields)
            if None in row_values:
                row_values = tuple(value or 0 for value in row_values)
            grain = _grain_of(row)
            kinds_found = found.get(grain)
            if kinds_found is None:
                kinds_found = found[grain] = [[] for _kind in lists]
            kinds_found[i].append(row_values)
    sums: dict[tuple[Any, ...], list[list[Any] | None]] = {
        grain: [list(map(sum, zip(*rows, strict=True))) if rows else None for rows in kinds_found]
        for grain, kinds_found in found.items()}
    times: dict[tuple[Any, ...], Times] = {}
    for row, histogram in referral:
        add_into(times.setdefault(_grain_of(row), {}), histogram)
    return Grains(tuple(names), sums, times)


def per_key(grains: Grains, key: Callable[[Mapping[str, Any]], Any]) -> dict[Any, Counts]:
    """Counts per key (of a grain's fields), with their medians, from the grains (pure)."""
    members: dict[Any, list[tuple[Any, ...]]] = {}
    for grain in grains.sums.keys() | grains.times.keys():
        members.setdefault(key(dict(zip(GRAIN, grain, strict=True))), []).append(grain)
    result = {}
    no_sums = [None] * len(grains.names)
    for k, group in members.items():
        total: dict[str, Any] = {}
        slots = [grains.sums.get(grain, no_sums) for grain in group]
        for i, fields in enumerate(grains.names):
            found = [kinds[i] for kinds in slots if kinds[i] is not None]
            if not found:
                continue
            for name, value in zip(fields, map(sum, zip(*found, strict=True)), strict=True):
                total[name] = total.get(name, 0) + value
        if not total:
            continue
        counts = Counts.from_row(total)
        if total.get("taken_up"):
            counts.referral_hours_mean = _round((total.get("referral_seconds_sum") or 0) / 3600
                                                / total["taken_up"])
        histograms = [grains.times[grain] for grain in group if grain in grains.times]
        if histograms:
            counts.referral_hours_median = rollups.median_hours(
                histograms[0] if len(histograms) == 1 else merged(histograms))
        result[k] = counts
    return result


def rolled_up(period: Iterable[Mapping[str, Any]], snapshot: Iterable[Mapping[str, Any]],
              audits: Iterable[Mapping[str, Any]], key: Callable[[Mapping[str, Any]], Any]
              ) -> dict[Any, Counts]:
    """Sum grain rows into Counts per key (pure: plain rows in, Counts out)."""
    return per_key(combine((period, snapshot, audits)), key)


@dataclass
class Figures:
    """Everything the dashboard shows for one selection, counted at once."""

    selection: Selection
    now: datetime
    period: list[dict[str, Any]]
    snapshot: list[dict[str, Any]]
    audits: list[dict[str, Any]]
    subject_groups: Mapping[str, str | None]
    referral: list[tuple[dict[str, Any], Times]]
    unit_districts: Mapping[str, str | None] = field(default_factory=dict)
    # Summed once per grain, and per dimension on first use: a page reads each many times.
    _grains: Grains | None = field(default=None, init=False, repr=False, compare=False)
    _counts: dict[str | None, dict[str | None, Counts]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def grains(self) -> Grains:
        if self._grains is None:
            self._grains = combine((self.period, self.snapshot, self.audits), self.referral)
        return self._grains

    def counts(self, dimension: str | None = None) -> dict[str | None, Counts]:
        if dimension not in self._counts:
            self._counts[dimension] = per_key(self.grains(), _group_key(
                dimension, self.subject_groups, self.unit_districts))
        return dict(self._counts[dimension])

    def total(self) -> Counts:
        return self.counts(None).get(None) or Counts()

    def rows(self, dimension: str) -> list[Row]:
        """The breakdown by one dimension, with names, in the configuration's order."""
        counts = self.counts(dimension)
        if dimension == "responsible":  # organisations and the centre answer for themselves
            counts.pop(None, None)
        names = dimension_names(dimension, counts.keys())
        rows = [Row(key, name, counts[key]) for key, name in names if key in counts]
        return rows


def figures_for(sel: Selection, now: datetime | None = None) -> Figures:
    """Count everything for a selection: six queries, whatever the period and filters."""
    now = now or timezone.now()
    groups = dict(Subject.objects.values_list("code", "group__code"))
    unit_districts = dict(Unit.objects.values_list("code", "district__code"))
    period, referral = period_rows(sel, now)
    return Figures(selection=sel, now=now, period=period, snapshot=snapshot_rows(sel, now),
                   audits=audit_rows(sel), subject_groups=groups, referral=referral,
                   unit_districts=unit_districts)


def dimension_names(dimension: str, keys: Iterable[str | None]
                    ) -> list[tuple[str | None, str]]:
    """(key, display name) for the keys present, in the configuration's order."""
    present = set(keys)
    named: list[tuple[str | None, str]] = []
    if dimension == "channel":
        named = [(value, str(label)) for value, label in Channel.choices]
    else:
        model = {"district": District, "responsible": District, "unit": Unit,
                 "group": SubjectGroup, "subject": Subject}[dimension]
        rows = model.objects.only("code", "name_fa", "name_en")  # type: ignore[attr-defined]
        named = [(obj.code, obj.name) for obj in rows]
    known = {k for k, _n in named}
    extra: list[tuple[str | None, str]] = [
        (k, _("No district") if dimension == "district" else (k or _("None")))
        for k in present - known]
    return [(k, n) for k, n in named if k in present] + sorted(
        extra, key=lambda kn: kn[1])


# --- over time ----------------------------------------------------------------------------


def series(sel: Selection, now: datetime | None = None) -> list[dict[str, Any]]:
    """Volume and deadline compliance per month of the period (per day for one month)."""
    now = now or timezone.now()
    conditions = period_conditions(now)
    counts = {name: Count("pk", filter=conditions[name])
              for name in ("volume", "first_due", "first_on_time", "result_due",
                           "result_on_time")}
    cases = cohort(sel).order_by()
    tz = city_tz()
    months = sel.period.months()
    if len(months) == 1:
        start, end = sel.bounds()
        by_day = cases.values(day=TruncDate("created_at", tzinfo=tz)).annotate(**counts)
        rows: dict[Any, Any] = {r["day"]: r for r in by_day}
        days = []
        day = start.date()
        while day < end.date():
            days.append(day)
            day += timedelta(days=1)
        return [{"key": day, "month": None, **_series_counts(rows.get(day))} for day in days]
    # Per month: the sealed requests' counts taken in advance, and the others' live.
    counted, cutoffs = rollups.month_totals(narrowed(MonthlyCounts.objects.filter(
        month__in=[str(m) for m in months]), sel), list(counts))
    bucket = models.Case(*[When(created_at__gte=m.start(tz), created_at__lt=m.next().start(tz),
                          then=Value(i)) for i, m in enumerate(months)],
                   output_field=IntegerField())
    live_cases = rollups.live(cases, cutoffs)
    rows = {r["bucket"]: dict(r)
            for r in live_cases.values(bucket=bucket).annotate(**counts)}  # type: ignore[misc]
    for i, m in enumerate(months):
        for name, value in counted.get(m, {}).items():
            row = rows.setdefault(i, {})
            row[name] = (row.get(name) or 0) + value
    return [{"key": m.first_day(), "month": m, **_series_counts(rows.get(i))}
            for i, m in enumerate(months)]


def _series_counts(row: Mapping[str, Any] | None) -> dict[str, Any]:
    names = ("volume", "first_due", "first_on_time", "result_due", "result_on_time")
    values: dict[str, Any] = {name: int((row or {}).get(name) or 0) for name in names}
    values["first_share"] = figures.share(values["first_on_time"], values["first_due"])
    values["result_share"] = figures.share(values["result_on_time"], values["result_due"])
    return values


# --- the requests behind a number ----------------------------------------------------------

SNAPSHOT_FIGURES = {"open", "overdue", "planned", "planned_overdue", "awaiting_citizen",
                    "in_triage"} | {f"age_{code}" for code, _l, _n in AGE_BUCKETS}


def figure_names() -> set[str]:
    now = timezone.now()
    return set(period_conditions(now)) | set(snapshot_conditions(now))


def cases_behind(sel: Selection, figure: str, now: datetime | None = None) -> QuerySet[Case]:
    """The requests a number counts: the period's for period figures, open ones for snapshots."""
    now = now or timezone.now()
    if figure in SNAPSHOT_FIGURES:
        cases = filtered(sel).filter(snapshot_conditions(now)[figure])
    else:
        cases = annotated(cohort(sel)).filter(period_conditions(now)[figure])
    return cases.select_related("subject", "unit", "district", "kind").order_by("-created_at")
