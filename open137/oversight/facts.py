"""What each figure counts, said once: the conditions and per-request facts behind every
number, for the dashboard, the report, the public page, the open data, the lists behind
a number and the counts taken in advance alike.

queries.py counts with these in the database and rollups.py counts months in advance with
them; neither defines a figure of its own. "Overdue" comes from the lifecycle
(cases.queries.overdue_q), so the desk, the API and the council count the same requests.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from open137.cases.models import Case
from open137.cases.queries import overdue_q
from open137.cases.workflow import FINISHED, OPEN, Status
from open137.notifications.models import DeliveryState, Message
from open137.notifications.texts import MessageKind
from open137.oversight.figures import AGE_BUCKETS


def city_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


class SecondsBetween(Func):
    """Whole seconds from one timestamp to another (rounded), in either database. Times are
    summed as whole seconds: a sum of whole numbers is the same whichever way the requests
    are grouped (counted live or month by month in advance), a sum of fractions is not."""

    output_field = BigIntegerField()
    arity = 2
    # PostgreSQL: end - start is an interval.
    template = "ROUND(EXTRACT(EPOCH FROM (%(expressions)s)))::bigint"
    arg_joiner = " - "

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # SQLite keeps timestamps as text; julianday() reads them as fractional days.
        return self.as_sql(
            compiler, connection,
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400.0) AS INTEGER)",
            arg_joiner=") - julianday(", **extra_context)


# What the citizen is sent when the request gets its outcome: a result, a refusal, or
# closing because a question went unanswered.
RESULT_KINDS = (MessageKind.RESOLVED, MessageKind.REJECTED, MessageKind.UNANSWERED)


def result_sent() -> Exists:
    """The citizen was sent the result: a result message the delivery records show as sent."""
    return Exists(Message.objects.filter(case_id=OuterRef("pk"), kind__in=RESULT_KINDS,
                                         status=DeliveryState.SENT))


def annotated(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Requests with the per-request facts the period figures need.

    The facts of the history (cases.workflow.FACTS) are kept on the request by every step,
    so the figures read one table; only the delivery of the result is asked of the outbox.
    """
    return cases.annotate(
        first_refer_at=F("first_referred_at"),
        # Referral time: registration until the unit that finally acts took it up.
        referral_seconds=SecondsBetween(F("created_at"), F("taken_up_at")),
        # Waiting in the centre's triage queue before the first referral.
        triage_seconds=SecondsBetween(F("created_at"), F("first_referred_at")),
        # Lost in wrong units: from the first referral to the referral that stuck.
        misroute_seconds=SecondsBetween(F("first_referred_at"), F("referred_at")),
        reopens=F("reopen_count"),
        misrouted=F("was_misrouted"),
        informed=result_sent(),
        asked=F("result_given"),
    )


FINISHED_Q = Q(status__in=FINISHED, duplicate_of__isnull=True)


def period_conditions(now: datetime) -> dict[str, Q]:
    """Which requests of the period each count takes (on an `annotated` queryset)."""
    not_duplicate = Q(duplicate_of__isnull=True)
    first_due = not_duplicate & Q(respond_by__isnull=False) & (
        Q(responded_at__isnull=False) | Q(respond_by__lt=now))
    # A result is due once its deadline passed, unless the request waits on a plan's
    # expected date or on the citizen's answer (the clock stands still then).
    result_due = not_duplicate & Q(resolve_by__isnull=False) & (
        Q(resolved_at__isnull=False) | (Q(resolve_by__lt=now) & ~Q(
            status__in=[Status.PLANNED, Status.AWAITING_CITIZEN])))
    return {
        "volume": Q(),
        "referred": Q(first_refer_at__isnull=False),
        "taken_up": Q(taken_up_at__isnull=False),
        "triaged": Q(was_triaged=True, first_referred_at__isnull=False),
        "first_due": first_due,
        "first_on_time": first_due & Q(responded_at__lte=F("respond_by")),
        "first_late": first_due & (Q(responded_at__isnull=True)
                                   | Q(responded_at__gt=F("respond_by"))),
        "result_due": result_due,
        "result_on_time": result_due & Q(resolved_at__lte=F("resolve_by")),
        "result_late": result_due & (Q(resolved_at__isnull=True)
                                     | Q(resolved_at__gt=F("resolve_by"))),
        "finished": FINISHED_Q,
        "reopened": Q(reopens__gt=0),
        "misrouted": Q(misrouted=True),
        "informed": FINISHED_Q & Q(informed=True),
        "not_informed": FINISHED_Q & Q(informed=False),
        "asked": Q(asked=True),
        "answered": Q(satisfied__isnull=False),
        "satisfied": Q(satisfied=True),
        "not_satisfied": Q(satisfied=False),
        "questioned": Q(ask_count__gt=0),
        "recontacted": Q(contact_count__gt=0),
    }


# The period counts (Count of the condition above), and the sums beside them.
PERIOD_COUNTS = ("volume", "referred", "taken_up", "triaged", "first_due", "first_on_time",
                 "result_due", "result_on_time", "finished", "misrouted", "informed", "asked",
                 "answered", "satisfied", "questioned", "recontacted")
PERIOD_SUMS = ("reopens", "repeat_contacts", "referral_seconds_sum", "triage_seconds_sum",
               "misroute_seconds_sum", "paused_seconds_sum")


def period_aggregates(now: datetime) -> dict[str, Any]:
    """The period counts and sums, as aggregates over `annotated` requests."""
    conditions = period_conditions(now)
    aggregates: dict[str, Any] = {
        name: Count("pk", filter=conditions[name]) for name in PERIOD_COUNTS}
    aggregates["reopens"] = Sum("reopens")
    aggregates["repeat_contacts"] = Sum("contact_count")
    aggregates["referral_seconds_sum"] = Sum("referral_seconds")
    aggregates["triage_seconds_sum"] = Sum("triage_seconds", filter=conditions["triaged"])
    aggregates["misroute_seconds_sum"] = Sum("misroute_seconds", filter=Q(was_misrouted=True))
    aggregates["paused_seconds_sum"] = Sum("paused_seconds")
    return aggregates


def age_limits(now: datetime) -> list[tuple[str, datetime, datetime | None]]:
    """(bucket, registered after, registered at or before) for each backlog age."""
    bounds = [lower for _code, lower, _label in AGE_BUCKETS]
    limits = []
    for i, (code, lower, _label) in enumerate(AGE_BUCKETS):
        oldest = now - timedelta(hours=bounds[i + 1]) if i + 1 < len(bounds) else None
        limits.append((code, now - timedelta(hours=lower), oldest))
    return limits


def snapshot_conditions(now: datetime) -> dict[str, Q]:
    """Which open requests each snapshot count takes (on a plain queryset)."""
    open_q = Q(status__in=OPEN)
    today = timezone.localdate(now)
    conditions = {
        "open": open_q,
        "overdue": overdue_q(now),
        "planned": Q(status=Status.PLANNED),
        "planned_overdue": Q(status=Status.PLANNED, planned_date__lt=today),
        "awaiting_citizen": Q(status=Status.AWAITING_CITIZEN),
        "in_triage": Q(status__in=[Status.TRIAGE, Status.RETURNED]),
    }
    for code, youngest, oldest in age_limits(now):
        q = open_q & Q(created_at__lte=youngest)
        if oldest is not None:
            q &= Q(created_at__gt=oldest)
        conditions[f"age_{code}"] = q
    return conditions


def add_into(total: dict[int, int], histogram: Mapping[Any, int]) -> dict[int, int]:
    """Add a histogram {value: how many} into `total` (JSON keys, being text, read as ints)."""
    for step, count in histogram.items():
        key = int(step)
        total[key] = total.get(key, 0) + int(count)
    return total


def merged(histograms: Iterable[Mapping[Any, int]]) -> dict[int, int]:
    """Histograms {value: how many} added together."""
    total: dict[int, int] = {}
    for histogram in histograms:
        add_into(total, histogram)
    return total
