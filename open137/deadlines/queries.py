"""The working calendar built from the database, cached per process until it changes."""

from datetime import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max

from open137.deadlines.calendar import WorkingCalendar
from open137.deadlines.models import Holiday, WorkingDay
from open137.directory.models import City

_cache: dict[str, tuple[tuple[object, ...], WorkingCalendar]] = {}


def working_calendar(version: str | None = None) -> WorkingCalendar:
    """The city's calendar: office hours per weekday and the holiday table.

    Every change to the calendar (seed_calendar, the admin) moves the city's configuration
    version, so the calendar is kept per version: a caller that has just read the version
    (routing does) passes it and the calendar costs no query. Without a city there is no
    version, and the tables themselves are compared.
    """
    if version is None:
        version = City.objects.values_list("config_version", flat=True).first() or ""
    stamp: tuple[object, ...] = (version,)
    if not version:
        stamp = (
            tuple(WorkingDay.objects.values_list("weekday", "opens", "closes")),
            tuple(Holiday.objects.aggregate(n=Count("id"), last=Max("date"), m=Max("id"))
                  .values()),
        )
    cached = _cache.get("calendar")
    if cached and cached[0] == stamp:
        return cached[1]
    tz = ZoneInfo(settings.TIME_ZONE)
    days = {d.weekday: d for d in WorkingDay.objects.all()}
    if days:
        hours: tuple[tuple[time, time] | None, ...] = tuple(
            (days[w].opens, days[w].closes)  # type: ignore[misc]
            if w in days and days[w].opens and days[w].closes else None
            for w in range(7)
        )
        holidays = frozenset(Holiday.objects.values_list("date", flat=True))
        calendar = WorkingCalendar(tz=tz, hours=hours, holidays=holidays)
    else:
        calendar = WorkingCalendar.iranian_week(
            tz, holidays=Holiday.objects.values_list("date", flat=True))
    _cache["calendar"] = (stamp, calendar)
    return calendar
