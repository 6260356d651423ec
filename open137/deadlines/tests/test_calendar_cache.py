"""A holiday changed in the admin reaches every process's deadlines."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.admin.sites import site
from django.test import RequestFactory

from open137.cases.testing import CityTestCase
from open137.deadlines.calendar import deadlines
from open137.deadlines.models import Holiday
from open137.deadlines.queries import working_calendar
from open137.directory.models import City


def due(start: datetime) -> tuple[datetime, datetime]:
    return deadlines(start, respond_hours=4, resolve_days=1, urgent=False,
                     calendar=working_calendar())


class CalendarCacheTests(CityTestCase):
    def test_a_holiday_saved_in_the_admin_moves_the_deadlines(self) -> None:
        tz = ZoneInfo(settings.TIME_ZONE)
        # A Saturday morning: the first working hours of the week.
        start = datetime(2026, 12, 5, 8, 0, tzinfo=tz)
        before = due(start)
        version = City.objects.get().config_version
        self.assertIs(working_calendar(version), working_calendar(version))  # kept
        holiday = Holiday(date=date(2026, 12, 5), name_fa="تعطیل", name_en="Closed")
        admin = site._registry[Holiday]
        admin.save_model(RequestFactory().post("/"), holiday, None, False)
        self.assertNotEqual(City.objects.get().config_version, version)
        after = due(start)
        # The hours start on the next working day, Sunday.
        self.assertEqual(after[0].astimezone(tz).date(), date(2026, 12, 6))
        self.assertGreater(after[0], before[0])
