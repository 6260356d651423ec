"""Surge warnings: a subject suddenly called about far more than usual in a district.

The rule, per subject and district (requests without a district count as one more
"district"): take the requests received in the last SURGE_WINDOW_HOURS (24 by default,
at most 24), and the average received in the same hours of the day on each of the
previous SURGE_BASELINE_DAYS days (28). It is a surge when the recent count is at least
SURGE_MIN_COUNT (10) and more than SURGE_FACTOR (3) times that average. With the default
window this is the plain rule "more than three times the recent daily average"; a
shorter window reacts sooner and still compares like hours with like (the centre is
busiest in the late morning).

`find_surges` is the rule alone, on plain counts; `current_surges` reads the database.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from open137.cases.models import Case

Key = tuple[str, str | None]  # (subject code, district code or None)


@dataclass(frozen=True)
class Surge:
    subject_code: str
    district_code: str | None
    count: int
    baseline: float  # the average for the same window on a usual day

    @property
    def ratio(self) -> float | None:
        """How many times the usual volume; None when there is usually none."""
        return self.count / self.baseline if self.baseline > 0 else None


def find_surges(recent: Mapping[Key, int], baseline: Mapping[Key, float], *,
                factor: float = 3.0, minimum: int = 10) -> list[Surge]:
    """The keys whose recent count is at least `minimum` and above `factor` × baseline,
    biggest jump first."""
    surges = [
        Surge(key[0], key[1], count, float(baseline.get(key, 0.0)))
        for key, count in recent.items()
        if count >= minimum and count > factor * float(baseline.get(key, 0.0))
    ]
    return sorted(surges, key=lambda s: (-(s.ratio or float("inf")), -s.count, s.subject_code,
                                         s.district_code or ""))


def current_surges(now: datetime | None = None) -> list[Surge]:
    """The surges of the moment, from the requests in the database."""
    now = now or timezone.now()
    hours = min(max(settings.SURGE_WINDOW_HOURS, 1), 24)
    days = max(settings.SURGE_BASELINE_DAYS, 1)
    window, day = timedelta(hours=hours), timedelta(days=1)
    recent = Q(created_at__gt=now - window, created_at__lte=now)
    # The same hours on each earlier day; with at most 24 hours they never overlap.
    usual = Q()
    for d in range(1, days + 1):
        usual |= Q(created_at__gt=now - d * day - window, created_at__lte=now - d * day)
    rows = (Case.objects.filter(created_at__gt=now - days * day - window, created_at__lte=now)
            .values_list("subject__code", "district__code")
            .annotate(recent=Count("pk", filter=recent), usual=Count("pk", filter=usual))
            .order_by())
    counts: dict[Key, int] = {}
    baseline: dict[Key, float] = {}
    for subject, district, n_recent, n_usual in rows:
        if n_recent:
            counts[(subject, district)] = n_recent
        baseline[(subject, district)] = n_usual / days
    return find_surges(counts, baseline, factor=settings.SURGE_FACTOR,
                       minimum=settings.SURGE_MIN_COUNT)
