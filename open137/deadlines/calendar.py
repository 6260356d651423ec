"""Working-calendar arithmetic for respond-by and resolve-by deadlines.

Pure Python: no Django, no database. Every datetime taken or returned is timezone-aware;
results are in UTC. Working intervals are half-open, [opening, closing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A calendar with no working day for this long is taken as misconfigured, not as a long break.
MAX_DAYS_WITHOUT_WORK = 3 * 366

SATURDAY_TO_WEDNESDAY = (5, 6, 0, 1, 2)
THURSDAY = 3


def _require_aware(value: datetime, name: str) -> None:
    """Raise ValueError if `value` is a naive datetime."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours per weekday (Monday=0) and holidays, in one time zone."""

    tz: ZoneInfo
    hours: tuple[tuple[time, time] | None, ...]
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        """Check that there are seven days and every opening precedes its closing."""
        if len(self.hours) != 7:
            raise ValueError(f"hours needs 7 entries (Monday..Sunday), got {len(self.hours)}")
        for weekday, span in enumerate(self.hours):
            if span is not None and not span[0] < span[1]:
                raise ValueError(f"weekday {weekday}: opening {span[0]} is not before {span[1]}")
        # Each local date's opening and closing, worked out once: deadlines walk the same
        # days again and again (a bulk import asks for hundreds of thousands).
        object.__setattr__(self, "_intervals", {})

    @classmethod
    def iranian_week(
        cls,
        tz: ZoneInfo | str = "Asia/Tehran",
        *,
        opens: time = time(7, 30),
        closes: time = time(14, 30),
        thursday_closes: time | None = time(12, 30),
        holidays: Iterable[date] = (),
    ) -> WorkingCalendar:
        """Build a Saturday-Wednesday week, a short (or with None, no) Thursday, Friday off."""
        hours: list[tuple[time, time] | None] = [None] * 7
        for weekday in SATURDAY_TO_WEDNESDAY:
            hours[weekday] = (opens, closes)
        if thursday_closes is not None:
            hours[THURSDAY] = (opens, thursday_closes)
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        return cls(tz=zone, hours=tuple(hours), holidays=frozenset(holidays))

    def is_working_day(self, d: date) -> bool:
        """Return whether the local date `d` has office hours and is not a holiday."""
        return self.hours[d.weekday()] is not None and d not in self.holidays

    def _interval(self, d: date) -> tuple[datetime, datetime] | None:
        """Return the UTC opening and closing of local date `d`, or None on a day off."""
        known: dict[date, tuple[datetime, datetime] | None] = self._intervals  # type: ignore[attr-defined]
        if d in known:
            return known[d]
        span = self.hours[d.weekday()]
        interval = None
        if span is not None and d not in self.holidays:
            interval = (datetime.combine(d, span[0], tzinfo=self.tz).astimezone(UTC),
                        datetime.combine(d, span[1], tzinfo=self.tz).astimezone(UTC))
        known[d] = interval
        return interval

    def _working_days_from(self, d: date) -> Iterator[tuple[date, datetime, datetime]]:
        """Yield each working day from `d` on (`d` included) with its UTC opening and closing."""
        idle_since: date | None = None
        while True:
            interval = self._interval(d)
            if interval is not None:
                idle_since = None
                yield d, *interval
            elif idle_since is None:
                idle_since = d
            elif (d - idle_since).days >= MAX_DAYS_WITHOUT_WORK:
                raise ValueError(
                    f"working calendar has no working day from {idle_since} to {d} "
                    f"({MAX_DAYS_WITHOUT_WORK} days): check its hours and holidays"
                )
            d += timedelta(days=1)

    def _local_date(self, moment: datetime) -> date:
        """Return the calendar's local date at `moment`."""
        return moment.astimezone(self.tz).date()

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Return the UTC moment `hours` working hours after `start`."""
        _require_aware(start, "start")
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        remaining = timedelta(hours=hours)
        cursor = start.astimezone(UTC)
        for _, opening, closing in self._working_days_from(self._local_date(start)):
            if closing <= cursor:
                continue
            segment_start = max(cursor, opening)
            available = closing - segment_start
            # `<=` so that an end landing exactly on a closing time stays on that day.
            if remaining <= available:
                return segment_start + remaining
            remaining -= available
        raise AssertionError("unreachable: _working_days_from never ends")  # pragma: no cover

    def add_hours_on_working_days(self, start: datetime, hours: float) -> datetime:
        """Return the UTC moment `hours` clock hours after `start`, as a person reads it.

        Hours pass round the clock on working days and not at all on days off, so "48
        hours" from Saturday 09:00 is Monday 09:00 (and from Wednesday, Saturday). An end
        outside office hours moves to the next opening: nobody is there to act before it.
        """
        _require_aware(start, "start")
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        remaining = timedelta(hours=hours)
        cursor = start.astimezone(UTC)
        end: datetime | None = None
        for day, _opening, _closing in self._working_days_from(self._local_date(start)):
            day_start = datetime.combine(day, time(0), tzinfo=self.tz).astimezone(UTC)
            day_end = datetime.combine(day + timedelta(days=1), time(0),
                                       tzinfo=self.tz).astimezone(UTC)
            cursor = max(cursor, day_start)
            if cursor >= day_end:
                continue
            if remaining <= day_end - cursor:
                end = cursor + remaining
                break
            remaining -= day_end - cursor
        assert end is not None
        return self.next_open(end)

    def next_open(self, moment: datetime) -> datetime:
        """Return `moment` if the office is open then, else the next opening (UTC)."""
        _require_aware(moment, "moment")
        moment = moment.astimezone(UTC)
        for _, opening, closing in self._working_days_from(self._local_date(moment)):
            if moment < opening:
                return opening
            if moment < closing:
                return moment
        raise AssertionError("unreachable: _working_days_from never ends")  # pragma: no cover

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Return the UTC close of business of the `days`-th working day after `start`'s day."""
        _require_aware(start, "start")
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        start_utc = start.astimezone(UTC)
        first_day = self._local_date(start)
        counted = 0
        for day, _, closing in self._working_days_from(first_day):
            if day == first_day:
                # The start day only ever serves days=0, and only while it is still open.
                if days == 0 and start_utc < closing:
                    return closing
                continue
            counted += 1
            if counted >= max(days, 1):
                return closing
        raise AssertionError("unreachable: _working_days_from never ends")  # pragma: no cover

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Return the working seconds in [a, b], or 0 if b <= a."""
        _require_aware(a, "a")
        _require_aware(b, "b")
        a_utc, b_utc = a.astimezone(UTC), b.astimezone(UTC)
        if b_utc <= a_utc:
            return 0.0
        total = timedelta(0)
        d, last = self._local_date(a), self._local_date(b)
        while d <= last:
            interval = self._interval(d)
            if interval is not None:
                overlap = min(b_utc, interval[1]) - max(a_utc, interval[0])
                if overlap > timedelta(0):
                    total += overlap
            d += timedelta(days=1)
        return total.total_seconds()


def calendar_deadline(start: datetime, hours: float) -> datetime:
    """Return the UTC moment `hours` elapsed hours after `start`, ignoring office hours."""
    _require_aware(start, "start")
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    return start.astimezone(UTC) + timedelta(hours=hours)


def deadlines(
    start: datetime,
    *,
    respond_hours: float,
    resolve_days: int,
    urgent: bool,
    calendar: WorkingCalendar,
) -> tuple[datetime, datetime]:
    """Return (respond_by, resolve_by) in UTC.

    Urgent subjects count elapsed hours round the clock for both. The others count the
    first action in clock hours on working days (`add_hours_on_working_days`) and the
    result in working days. The first action is never due after the result: when the
    two targets cross (a long first-action target, a start late in the day), the
    first-action deadline is capped at the result deadline.
    """
    if urgent:
        respond_by = calendar_deadline(start, respond_hours)
        resolve_by = calendar_deadline(start, resolve_days * 24)
    else:
        respond_by = calendar.add_hours_on_working_days(start, respond_hours)
        resolve_by = calendar.add_working_days(start, resolve_days)
    return min(respond_by, resolve_by), resolve_by
