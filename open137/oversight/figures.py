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


# Every figure on the dashboard, the public page and the report, in the order shown: one
# sentence each that a council member reads without a glossary (docs/oversight.md says
# the same). facts.py holds the matching conditions, in the database's terms.
DEFINITIONS: tuple[Definition, ...] = (
    Definition("volume", _("Requests"), _(
        "The number of requests registered in the chosen months, whatever has happened to "
        "them since.")),
    Definition("referral_hours", _("Time until the right unit took it up"), _(
        "How many hours passed from the moment a request was registered until the unit "
        "that finally dealt with it took it up (accepted it, asked the citizen a question, "
        "gave a plan or an answer): the middle value, which half of the requests beat, and "
        "the average.")),
    Definition("triage_hours", _("Time waiting at the 137 centre"), _(
        "For requests the system could not send to a unit by itself, the average hours they "
        "waited at the 137 centre until a supervisor sent them to a unit.")),
    Definition("misroute_hours", _("Time lost in wrong units"), _(
        "For requests first sent to a unit that was not the right one, the average hours "
        "from that first referral until they reached the unit that kept them.")),
    Definition("first_on_time", _("First actions on time"), _(
        "Of the requests whose first-action deadline has come, the share whose unit took a "
        "first step (accepted it, asked the citizen, gave a plan or an answer) by that "
        "deadline.")),
    Definition("result_on_time", _("Results on time"), _(
        "Of the requests whose result deadline has come, the share that got their result "
        "(the work done, or a refusal with its reason) by that deadline; requests waiting "
        "for a plan's date or for the citizen's answer are counted once they get a "
        "result.")),
    Definition("backlog", _("Backlog by age"), _(
        "The requests still open now, grouped by how long ago they were registered, "
        "whichever months are chosen.")),
    Definition("overdue", _("Overdue"), _(
        "The requests open now whose result deadline has passed, leaving out those waiting "
        "for a plan's date or for the citizen's answer; the same count on every page, the "
        "desk and the API.")),
    Definition("reopen_rate", _("Reopen rate"), _(
        "How often a citizen said the work was not done and the request went back to the "
        "unit, for every finished request (as a percentage).")),
    Definition("misroute_rate", _("Misroute rate"), _(
        "The share of requests sent to a unit that turned out not to be the right one (the "
        "unit sent it back, or it was sent on to another unit).")),
    Definition("planned", _("Planned commitments"), _(
        "The requests a unit answered with a plan and an expected date (they need the "
        "council's approval, a budget or another body) that are still waiting now; "
        "“date passed” counts those whose expected date has gone by.")),
    Definition("questions", _("Waiting for the citizen"), _(
        "The requests whose unit asked the citizen a question, and the average hours they "
        "waited for the answer; those hours do not count against the unit's deadlines.")),
    Definition("repeat_contacts", _("Repeat contacts"), _(
        "How many times citizens called or wrote again about a request that was still "
        "open, and on how many requests; many repeat contacts mean citizens are waiting "
        "without news.")),
    Definition("closure_loop", _("Citizens told the result"), _(
        "The share of finished requests whose citizen was actually sent the outcome by SMS "
        "or email, as the delivery records show; a request without a phone number or email "
        "counts as not told.")),
    Definition("satisfaction", _("Satisfaction"), _(
        "Of the citizens who answered “are you satisfied?”, the share who said yes; when a "
        "citizen answers again after a second result, only the latest answer counts.")),
    Definition("response_rate", _("Response rate"), _(
        "Of the requests that got a result, the share whose citizen answered the "
        "satisfaction question.")),
    Definition("audit_score", _("Audit score"), _(
        "The share of “yes” answers the city's inspectors gave to four questions (was the "
        "subject right, the referral right, the action adequate, the citizen informed?) "
        "about requests picked at random each month, credited to the unit that was "
        "responsible for the request.")),
    Definition("index", _("Overall score"), _(
        "A score from 0 to 100 that adds up meeting deadlines, satisfaction, few "
        "reopenings, few wrong referrals and the inspectors' grades, each with the weight "
        "the council published; a part without data is left out and the others count for "
        "more in proportion.")),
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
    taken_up: int = 0
    referral_hours_mean: float | None = None
    referral_hours_median: float | None = None
    triaged: int = 0
    # Times in whole seconds, summed exactly (the means are shown in hours).
    triage_seconds_sum: int = 0
    misroute_seconds_sum: int = 0
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
    questioned: int = 0
    paused_seconds_sum: int = 0
    recontacted: int = 0
    repeat_contacts: int = 0
    # Snapshot counts (now, whatever the period).
    open: int = 0
    overdue: int = 0
    planned: int = 0
    planned_overdue: int = 0
    awaiting_citizen: int = 0
    in_triage: int = 0
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

    @property
    def triage_hours_mean(self) -> float | None:
        value = share(self.triage_seconds_sum / 3600, self.triaged)
        return None if value is None else round(value, 2)

    @property
    def misroute_hours_mean(self) -> float | None:
        value = share(self.misroute_seconds_sum / 3600, self.misrouted)
        return None if value is None else round(value, 2)

    @property
    def paused_hours_mean(self) -> float | None:
        value = share(self.paused_seconds_sum / 3600, self.questioned)
        return None if value is None else round(value, 2)

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
    ("reopen", _("few reopenings")),
    ("misroute", _("few wrong referrals")),
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
