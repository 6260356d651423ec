"""Oversight's periodic jobs, run by `open137 worker`: last month's audit sample, and the
dashboard's counts taken in advance."""

from datetime import datetime, timedelta

from django.utils import timezone

from open137.notifications.jobs import periodic
from open137.oversight.actions import draw_audit_sample, refresh_rollups
from open137.oversight.periods import Month


# A monthly sample, looked for daily: the first run after a month ends draws it, and later
# runs find every unit's sample drawn (a unit whose first result came late is drawn then).
@periodic("oversight.audit_sample", every=timedelta(days=1))
def draw_last_months_sample(now: datetime) -> int:
    """Draw the audit sample of the month before `now`; the number of unit samples."""
    month = Month.of(timezone.localdate(now)).previous()
    return len(draw_audit_sample(month=month, by=None))


# The dashboard counts the months changed since the last refresh again; between refreshes
# it stays exact (the requests not counted in advance are counted live), only slower.
@periodic("oversight.rollups", every=timedelta(minutes=5))
def refresh_dashboard_counts(now: datetime) -> int:
    """Count the changed months' settled requests again; the number of months."""
    return len(refresh_rollups(now=now))
