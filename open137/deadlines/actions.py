"""Every write to the working calendar."""

from datetime import time

import jdatetime
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from open137.audit.actions import Trail
from open137.deadlines.holiday_source import iran_holidays
from open137.deadlines.models import Holiday, WorkingDay
from open137.directory.actions import bump_config_version


@transaction.atomic
def seed_calendar(*, years: int = 2, by: AbstractBaseUser | None = None) -> int:
    """Add the official holidays of this and the next Solar Hijri year(s) and a default week.

    Dates already in the table are kept as the administrator left them.
    """
    trail = Trail(by=by, note="official holidays")
    created_week = not WorkingDay.objects.exists()
    if created_week:
        for weekday in range(7):
            opens, closes = _default_hours(weekday)
            trail.created(WorkingDay.objects.create(weekday=weekday, opens=opens,
                                                    closes=closes))
    this_year = jdatetime.date.fromgregorian(date=timezone.localdate()).year
    known = set(Holiday.objects.values_list("date", flat=True))
    added = 0
    for year in range(this_year, this_year + years):
        for seed in iran_holidays(year):
            if seed.date not in known:
                trail.created(Holiday.objects.create(
                    date=seed.date, name_fa=seed.name_fa, name_en=seed.name_en,
                    estimated=seed.estimated))
                known.add(seed.date)
                added += 1
    trail.save()
    if added or created_week:
        bump_config_version()
    return added


def _default_hours(weekday: int) -> tuple[time | None, time | None]:
    """Iran's public offices: Saturday-Wednesday 7:30-14:30, Thursday to 12:30, Friday off."""
    if weekday == WorkingDay.Weekday.FRIDAY:
        return None, None
    if weekday == WorkingDay.Weekday.THURSDAY:
        return time(7, 30), time(12, 30)
    return time(7, 30), time(14, 30)
