"""The figures the council reads, as pure functions of plain counts.

queries.py counts in the database; everything here takes those counts (plain ints and
floats) and turns them into shares, medians and the composite index, so that each
definition can be read, tested and published in one place.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Backlog ages, from registration to now: (code, lower bound in hours, label).
AGE_BUCKETS: tuple[tuple[str, int, Promise], ...] = (
    ("0-1d", 0, _("under a day")),
    ("1-3d", 24, _("1 to 3 days")),
    ("3-7d", 72, _("3 to 7 days")),
    ("7-30d", 168, _("7 to 30 days")),
    ("30d+", 720, _("over 30 days")),
)
AGE_CODES = tuple(code for code, _hours, _label in AGE_BUCKETS)


@dataclass(frozen=True)
class Definition:
    key: str
    name: Promise
    text: Promise


# Every figure on the dashboard, the public page and the report, in the order shown.
DEFINITIONS: tuple[Definition, ...] = (
    Definition("volume", _("Requests"), _(
        "Requests registered in the period (by the time they were received), whatever their "
        "status now.")),
    Definition("referral_hours", _("Time to referral"), _(
        "Hours from registration to the first referral to a unit (the first “refer” event "
        "after receipt), median and mean, over the requests that have been referred. A "
        "request that routing referred at once counts as zero hours.")),
    Definition("first_on_time", _("First actions on time"), _(
        "Share of first actions taken by the first-action deadline (first action at or "
        "before “first action due”), among requests whose first action has been taken or "
        "is overdue. Deadlines are those of the latest referral or reopening.")),
    Definition("result_on_time", _("Results on time"), _(
        "Share of results given by the result deadline (result at or before “result due”), "
        "among requests that have a result or whose result is overdue. Planned (long-term) "
        "requests without a result are left out: they are counted as commitments.")),
    Definition("backlog", _("Backlog by age"), _(
        "Requests open now (not resolved, rejected or closed), by the time since "
        "registration: under a day, 1-3 days, 3-7 days, 7-30 days, over 30 days. A "
        "snapshot: the period does not apply.")),
    Definition("overdue", _("Overdue"), _(
        "Requests open now, not planned, whose result deadline has passed, by the unit that "
        "holds them. A snapshot: the period does not apply.")),
    Definition("reopen_rate", _("Reopen rate"), _(
        "Reopenings (the citizen objected to the result) divided by the finished requests "
        "(resolved, rejected or closed, duplicates left out).")),
    Definition("misroute_rate", _("Misroute rate"), _(
        "Share of referred requests that were misrouted: returned by a unit, or referred "
        "again from a unit (a referral from any status other than received or awaiting "
        "triage).")),
    Definition("planned", _("Planned commitments"), _(
        "Requests answered with a plan (needs council approval, budget or coordination) "
        "that are still planned now; overdue ones are those whose expected date has "
        "passed. A snapshot: the period does not apply.")),
    Definition("closure_loop", _("Closure loop"), _(
        "Share of finished requests (resolved, rejected or closed, duplicates left out) "
        "whose citizen was actually sent the result: a result message (resolved or "
        "rejected) recorded as sent by the delivery records. Requests without contact "
        "details count as not informed.")),
    Definition("satisfaction", _("Satisfaction"), _(
        "Share of citizens who said they were satisfied, among those who answered the "
        "satisfaction question (an objection that reopened the request counts as not "
        "satisfied).")),
    Definition("response_rate", _("Response rate"), _(
        "Share of citizens who answered the satisfaction question, among the requests "
        "that were given a result (resolved or rejected at least once).")),
    Definition("audit_score", _("Audit score"), _(
        "Share of “yes” answers given by inspectors to the four audit questions (subject "
        "right? referral right? action adequate? citizen informed?) over the graded "
        "requests of the audit samples of the period's months.")),
    Definition("index", _("Composite index"), _(
        "0 to 100: the weighted mean of deadline compliance (first actions and results on "
        "time together), satisfaction, 1 - reopen rate, 1 - misroute rate and the audit "
        "score, with the published weights. A part without data is left out and the other "
        "weights are scaled up.")),
)
DEFINITION = {d.key: d for d in DEFINITIONS}


def share(part: int | float | None, whole: int | float | None) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    if not whole or part is None:
        return None
    return float(part) / float(whole)


def median(values: Iterable[float | Decimal | None]) -> float | None:
    """The median of a few values (the middle one or two of a sorted group)."""
    numbers = sorted(float(v) for v in values if v is not None)
    if not numbers:
        return None
    middle = len(numbers) // 2
    if len(numbers) % 2:
        return numbers[middle]
    return (numbers[middle - 1] + numbers[middle]) / 2


def histogram_median(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as {value: how many} (the middle one or two)."""
    n = sum(count for count in histogram.values() if count > 0)
    if not n:
        return None
    # The 1-based positions of the middle one (odd n) or two (even n).
    wanted = [(n + 1) // 2, n // 2 + 1]
    found: list[float] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        if count <= 0:
            continue
        seen += count
        while len(found) < 2 and seen >= wanted[len(found)]:
            found.append(float(value))
    return found[0] if n % 2 else (found[0] + found[1]) / 2


def age_bucket(hours: float) -> str:
    """The backlog bucket of a request registered `hours` ago."""
    code = AGE_CODES[0]
    for bucket, lower, _label in AGE_BUCKETS:
        if hours >= lower:
            code = bucket
    return code


@dataclass
class Counts:
    """The counts behind every figure of one group of requests (plain numbers)."""

    volume: int = 0
    referred: int = 0
    referral_hours_mean: float | None = None
    referral_hours_median: float | None = None
    first_due: int = 0
    first_on_time: int = 0
    result_due: int = 0
    result_on_time: int = 0
    finished: int = 0
    reopens: int = 0
    misrouted: int = 0
    informed: int = 0
    asked: int = 0
    answered: int = 0
    satisfied: int = 0
    # Snapshot counts (now, whatever the period).
    open: int = 0
    overdue: int = 0
    planned: int = 0
    planned_overdue: int = 0
    backlog: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AGE_CODES, 0))
    # Audits: graded requests and the "yes" answers among their four questions each.
    audited: int = 0
    audit_yes: int = 0

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> "Counts":
        """Counts from a summed row of queries.py (`age_<bucket>` keys fill the backlog)."""
        counts = cls(backlog={code: int(row.get(f"age_{code}") or 0)  # type: ignore[call-overload]
                              for code in AGE_CODES})
        for name in _ROW_FIELDS:
            if name in row:
                value = row[name]
                setattr(counts, name, None if value is None else int(value))  # type: ignore[call-overload]
        return counts

    # The figures, as shares from 0 to 1 (None: nothing to measure).
    @property
    def first_on_time_share(self) -> float | None:
        return share(self.first_on_time, self.first_due)

    @property
    def result_on_time_share(self) -> float | None:
        return share(self.result_on_time, self.result_due)

    @property
    def compliance(self) -> float | None:
        """First actions and results on time together, for the composite index."""
        return share(self.first_on_time + self.result_on_time, self.first_due + self.result_due)

    @property
    def reopen_rate(self) -> float | None:
        return share(self.reopens, self.finished)

    @property
    def misroute_rate(self) -> float | None:
        return share(self.misrouted, self.referred)

    @property
    def closure_loop(self) -> float | None:
        return share(self.informed, self.finished)

    @property
    def satisfaction(self) -> float | None:
        return share(self.satisfied, self.answered)

    @property
    def response_rate(self) -> float | None:
        return share(self.answered, self.asked)

    @property
    def audit_score(self) -> float | None:
        return share(self.audit_yes, self.audited * 4)



# The plain counts a summed row fills (the backlog and the referral times are read apart).
_ROW_FIELDS = tuple(f.name for f in fields(Counts)
                    if f.name != "backlog" and not f.name.startswith("referral"))

# The parts of the composite index: (weight name, how to read it from Counts, higher = better).
INDEX_PARTS: tuple[tuple[str, Promise], ...] = (
    ("compliance", _("deadline compliance")),
    ("satisfaction", _("satisfaction")),
    ("reopen", _("reopen rate (inverted)")),
    ("misroute", _("misroute rate (inverted)")),
    ("audit", _("audit score")),
)


def index_parts(counts: Counts) -> dict[str, float | None]:
    """Each part of the index as a 0-1 score where higher is better."""
    reopen = counts.reopen_rate
    misroute = counts.misroute_rate
    return {
        "compliance": counts.compliance,
        "satisfaction": counts.satisfaction,
        "reopen": None if reopen is None else max(0.0, 1.0 - reopen),
        "misroute": None if misroute is None else max(0.0, 1.0 - misroute),
        "audit": counts.audit_score,
    }


def composite_index(parts: Mapping[str, float | None],
                    weights: Mapping[str, float]) -> float | None:
    """0-100: the weighted mean of the parts that have data (their weights scaled up)."""
    total = sum(weights.get(k, 0) for k, v in parts.items() if v is not None)
    if total <= 0:
        return None
    score = sum(weights.get(k, 0) * v for k, v in parts.items() if v is not None)
    return round(100 * score / total, 1)


@dataclass(frozen=True)
class Ranked:
    key: str
    name: str
    counts: Counts
    index: float | None
    rank: int | None


def rank(groups: Iterable[tuple[str, str, Counts]],
         weights: Mapping[str, float]) -> list[Ranked]:
    """Groups ordered by the composite index, best first; ties share a rank, no data last."""
    scored = [(key, name, counts, composite_index(index_parts(counts), weights))
              for key, name, counts in groups]
    scored.sort(key=lambda s: (s[3] is None, -(s[3] or 0), s[1]))
    ranked: list[Ranked] = []
    previous: float | None = None
    position = 0
    for i, (key, name, counts, index) in enumerate(scored, start=1):
        if index is not None and index != previous:
            position = i
            previous = index
        ranked.append(Ranked(key, name, counts, index, position if index is not None else None))
    return ranked
