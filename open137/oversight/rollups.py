"""Period counts taken in advance for the months whose requests can no longer change them.

A closed request never changes status again, and its dates are kept, so once its result
messages have had time to go out and no deadline of it can still fall due, every period
count it takes part in is settled. Such a request is *sealed* at a month's cutoff. The
requests of a month sealed at its cutoff are counted once, at the finest grain, into
MonthlyCounts; the dashboard adds a live count of every other request of the period. A
request sealed at the cutoff stays sealed for good, so the two parts never overlap nor
miss a request, whenever the months were last counted.

Referral times are kept as a histogram in steps of ten seconds, so that medians can be
taken from the counted and the live part together; the live part is rounded the same way,
so a median does not depend on when a month was counted. Ten seconds keep a median shown
to a hundredth of an hour (36 seconds) right.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import reduce
from itertools import pairwise
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import F, FloatField, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Round, TruncDate

from open137.cases.models import Case
from open137.cases.workflow import Status
from open137.directory.models import District, Subject, Unit
from open137.notifications.models import DeliveryState, Message
from open137.oversight import figures
from open137.oversight.facts import (
    PERIOD_COUNTS,
    RESULT_KINDS,
    add_into,
    annotated,
    city_tz,
    merged,
    period_aggregates,
)
from open137.oversight.models import MonthlyCounts, RollupMonth
from open137.oversight.periods import Month

# Result messages retried after closing still change the closure loop for a while.
SETTLING = timedelta(days=3)
# A change saved this long before a refresh started may still have been uncommitted then.
OVERLAP = timedelta(minutes=30)
# The grain fields as Case and MonthlyCounts name them (ids; codes are read through them).
GRAIN_IDS = ("district_id", "unit_id", "subject_id", "channel")
# Stored as whole numbers, and as hours (sums of fractions).
COUNTED = (*PERIOD_COUNTS, "reopens", "repeat_contacts")
SECONDS = ("referral_seconds_sum", "triage_seconds_sum", "misroute_seconds_sum",
           "paused_seconds_sum")


def sealed(cutoff: datetime) -> Q:
    """Requests whose every period count is settled at `cutoff` and stays so."""
    # A deadline counts as due once it has passed; a duplicate's deadlines never count.
    first_settled = (Q(respond_by__isnull=True) | Q(responded_at__isnull=False)
                     | Q(respond_by__lt=cutoff))
    result_settled = (Q(resolve_by__isnull=True) | Q(resolved_at__isnull=False)
                      | Q(resolve_by__lt=cutoff))
    return (Q(status=Status.CLOSED, closed_at__lt=cutoff - SETTLING)
            & (Q(duplicate_of__isnull=False) | (first_settled & result_settled)))


def month_bounds(month: Month) -> tuple[datetime, datetime]:
    tz = city_tz()
    return month.start(tz), month.next().start(tz)


def unsealed(cutoff: datetime) -> Q:
    """Every request not sealed at `cutoff`, and perhaps a few more, in a form the database
    answers from indexes (status, closed_at and a small partial index) instead of reading
    each request of the period: open ones, recently closed ones, and closed ones without
    a first action or a result (none, by the rules of the workflow)."""
    not_closed = [s for s in Status.values if s != Status.CLOSED]
    return (Q(status__in=not_closed) | Q(closed_at__gte=cutoff - SETTLING)
            | Q(closed_at__isnull=True)
            | (Q(status=Status.CLOSED, duplicate_of__isnull=True)
               & (Q(responded_at__isnull=True) | Q(resolved_at__isnull=True))))


def live(cases: QuerySet[Case], cutoffs: Mapping[Month, datetime]) -> QuerySet[Case]:
    """The requests not counted in advance: every one but those sealed at their month's cutoff."""
    if not cutoffs:
        return cases
    counted = []
    for month, cutoff in cutoffs.items():
        start, end = month_bounds(month)
        counted.append(Q(created_at__gte=start, created_at__lt=end) & sealed(cutoff))
    # Sealed at the earliest cutoff means sealed at every later one, so the requests of
    # counted months not sealed at their month's cutoff are among those not sealed at the
    # earliest; the months never counted are live in full.
    candidates = unsealed(min(cutoffs.values())) | outside(cutoffs)
    return cases.filter(candidates).exclude(reduce(or_, counted))


def outside(months: Iterable[Month]) -> Q:
    """Requests registered in none of these months, as ranges of registration times."""
    spans: list[list[datetime]] = []
    for start, end in sorted(month_bounds(m) for m in months):
        if spans and spans[-1][1] == start:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    q = Q(created_at__lt=spans[0][0]) | Q(created_at__gte=spans[-1][1])
    for (_start, end), (start, _end) in pairwise(spans):
        q |= Q(created_at__gte=end, created_at__lt=start)
    return q


# Referral times are counted in steps of ten seconds.
SECONDS_PER_STEP = 10
STEPS_PER_HOUR = 3600 // SECONDS_PER_STEP


def steps(seconds: Any) -> Round:
    """Seconds as whole steps of ten seconds (rounded), in either database."""
    return Round(seconds / float(SECONDS_PER_STEP), output_field=FloatField())


def step_rows(cases: QuerySet[Case], aggregates: Mapping[str, Any],
                group: Sequence[str]) -> list[dict[str, Any]]:
    """Counts per group and referral time (`step`; None: not referred)."""
    rows = (cases.order_by().annotate(step=steps(F("referral_seconds")))
            .values(*group, "step").annotate(**aggregates))
    return [dict(row) for row in rows]


def fold(rows: Iterable[Mapping[str, Any]], group: Sequence[str]
         ) -> list[tuple[dict[str, Any], dict[int, int]]]:
    """Rows per (group, step) -> one row per group with its times histogram (pure)."""
    folded: dict[tuple[Any, ...], tuple[dict[str, Any], dict[int, int]]] = {}
    for row in rows:
        key = tuple(row[g] for g in group)
        total, times = folded.setdefault(key, ({g: row[g] for g in group}, {}))
        for name, value in row.items():
            if name not in group and name != "step":
                total[name] = (total.get(name) or 0) + (value or 0)
        if row["step"] is not None:
            step = int(row["step"])
            times[step] = times.get(step, 0) + int(row["taken_up"] or 0)
    return list(folded.values())


def median_hours(histogram: Mapping[int, int]) -> float | None:
    """The median referral time in hours, from a histogram in steps (pure)."""
    middle = figures.histogram_median(histogram)
    return None if middle is None else round(middle / STEPS_PER_HOUR, 2)


def count_month(month: Month, cutoff: datetime) -> list[MonthlyCounts]:
    """The rows of one month's sealed requests at `cutoff` (not saved): one query."""
    start, end = month_bounds(month)
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end).filter(sealed(cutoff))
    rows = step_rows(annotated(cases), period_aggregates(cutoff), GRAIN_IDS)
    result = []
    for total, times in fold(rows, GRAIN_IDS):
        result.append(MonthlyCounts(
            month=str(month), cutoff=cutoff, **{name: total[name] for name in GRAIN_IDS},
            **{name: int(total.get(name) or 0) for name in COUNTED},
            **{name: int(total.get(name) or 0) for name in SECONDS},
            referral_times={str(k): v for k, v in sorted(times.items())}))
    return result


def counted_rows(rows: QuerySet[MonthlyCounts], group: Sequence[str]
                 ) -> tuple[list[tuple[dict[str, Any], dict[int, int]]], dict[Month, datetime]]:
    """Stored rows summed per group (with their referral times merged), and the cutoffs.

    The database sums the months: a year is a few thousand stored rows but one row per
    group comes back. The cutoffs are read before and after; if a refresh committed a
    month in between, the reading starts again, so that the live part leaves out exactly
    the requests these sums count (after a few misses, row by row, which cannot miss).
    """
    months = rows.values("month")
    for _attempt in range(3):
        cutoffs = _cutoffs(months)
        # The same queries whether or not anything was counted (none match then).
        pinned = rows.filter(reduce(or_, (Q(month=str(m), cutoff=c) for m, c in cutoffs.items()),
                                    Q(month="")))
        summed = [dict(row) for row in pinned.order_by().values(*group).annotate(
            **{name: Sum(name) for name in (*COUNTED, *SECONDS)})]
        times = _times(pinned, group)
        if _cutoffs(months) == cutoffs:
            return [(row, times.get(tuple(row[g] for g in group), {})) for row in summed], \
                cutoffs
    return _counted_row_by_row(rows, group)


def _cutoffs(months: QuerySet[Any]) -> dict[Month, datetime]:
    return {Month.parse(m): c for m, c in RollupMonth.objects.filter(month__in=months)
            .values_list("month", "cutoff")}


def _times(rows: QuerySet[MonthlyCounts], group: Sequence[str]
           ) -> dict[tuple[Any, ...], dict[int, int]]:
    """The referral-time histograms of these rows merged per group, by the database."""
    assert tuple(group) == ("district__code", "unit__code", "subject__code", "channel")
    ids, params = rows.order_by().values("pk").query.sql_with_params()
    q = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    each = ("CROSS JOIN LATERAL jsonb_each_text(m.referral_times) AS t" if postgres
            else "CROSS JOIN json_each(m.referral_times) AS t")
    value = "t.value::bigint" if postgres else "t.value"
    codes = "d.code, u.code, s.code, m.channel"
    sql = (f"SELECT {codes}, t.key, SUM({value}) "  # noqa: S608
           f"FROM {q(MonthlyCounts._meta.db_table)} m {each} "
           f"LEFT JOIN {q(District._meta.db_table)} d ON d.id = m.district_id "
           f"LEFT JOIN {q(Unit._meta.db_table)} u ON u.id = m.unit_id "
           f"JOIN {q(Subject._meta.db_table)} s ON s.id = m.subject_id "
           f"WHERE m.id IN ({ids}) GROUP BY {codes}, t.key")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    # The database summed each group's steps; here they become one histogram per group.
    times: dict[tuple[Any, ...], dict[int, int]] = {}
    for district, unit, subject, channel, step, count in found:
        add_into(times.setdefault((district, unit, subject, channel), {}), {step: count})
    return times


def _counted_row_by_row(rows: QuerySet[MonthlyCounts], group: Sequence[str]
                        ) -> tuple[list[tuple[dict[str, Any], dict[int, int]]],
                                   dict[Month, datetime]]:
    """Each stored row with the cutoff it was counted at: one query, consistent by itself."""
    fields = [*COUNTED, *SECONDS, "referral_times"]
    result, cutoffs = [], {}
    for row in rows.order_by().values(*group, "month", "cutoff", *fields):
        cutoffs[row.pop("month")] = row.pop("cutoff")
        times = merged([row.pop("referral_times") or {}])
        result.append((row, times))
    return result, {Month.parse(month): cutoff for month, cutoff in cutoffs.items()}


def month_totals(rows: QuerySet[MonthlyCounts], names: Sequence[str]
                 ) -> tuple[dict[Month, dict[str, int]], dict[Month, datetime]]:
    """Stored counts summed per month, and the months' cutoffs: one query."""
    totals, cutoffs = {}, {}
    summed: Any = rows.order_by().values("month", "cutoff").annotate(
        **{n: Sum(n) for n in names})
    for row in summed:
        month = Month.parse(row["month"])
        cutoffs[month] = row["cutoff"]
        totals[month] = {n: int(row[n] or 0) for n in names}
    return totals, cutoffs


def dirty_months(since: datetime | None) -> list[Month]:
    """Months with a request changed after `since` (every month with requests if None)."""
    tz = city_tz()
    if since is None:
        bounds = Case.objects.order_by().aggregate(first=Min("created_at"),
                                                   last=Max("created_at"))
        if bounds["first"] is None:
            return []
        months, month = [], Month.of(bounds["first"].astimezone(tz).date())
        last = Month.of(bounds["last"].astimezone(tz).date())
        while month <= last:
            months.append(month)
            month = month.next()
        return months
    # A result message sent late (retried by hand) changes its request's closure loop.
    told = Message.objects.filter(kind__in=RESULT_KINDS, status=DeliveryState.SENT,
                                  sent_at__gt=since, case_id__isnull=False).values("case_id")
    days: set[Any] = set()
    # Two queries, each on its own index (an OR of the two would scan every request).
    for changed in (Case.objects.filter(updated_at__gt=since), Case.objects.filter(pk__in=told)):
        days.update(changed.order_by().values_list(TruncDate("created_at", tzinfo=tz),
                                                   flat=True).distinct())
    return sorted({Month.of(day) for day in days})
