"""Report periods: local calendar days in the instance's time zone, compared in UTC.

A period is an inclusive range of local dates. Its boundaries are local midnights, which
``start_utc`` / ``end_utc`` turn into UTC instants (``end_utc`` is exclusive: the midnight
after the last day). On a DST change a day is 23 or 25 hours long; zoneinfo gives the right
instant, including a midnight that falls in a spring-forward gap (America/Santiago).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from participa.errors import ReportError

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    timezone: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_utc(self) -> datetime:
        return local_midnight_utc(self.start, self.timezone)

    @property
    def end_utc(self) -> datetime:
        """The exclusive end: local midnight after the last day, in UTC."""
        return local_midnight_utc(self.end + timedelta(days=1), self.timezone)

    @property
    def is_iso_week(self) -> bool:
        return self.days == 7 and self.start.isoweekday() == 1

    @property
    def label(self) -> str:
        """``2026-W47`` for an ISO week, else ``2026-11-16..2026-11-22``."""
        if self.is_iso_week:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def shifted(self, periods: int) -> Period:
        """The period of the same length ``periods`` lengths later (negative: earlier)."""
        step = timedelta(days=self.days * periods)
        return Period(self.start + step, self.end + step, self.timezone)

    def contains(self, instant: datetime | None) -> bool:
        return instant is not None and self.start_utc <= instant < self.end_utc


def local_midnight_utc(day: date, timezone: str) -> datetime:
    """The first instant of ``day`` in ``timezone``, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def utc_z(instant: datetime) -> str:
    """``2026-11-16T03:00:00Z``: the store's timestamp format."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def last_complete_week(now: datetime, timezone: str) -> Period:
    """The last Monday–Sunday week that ended before ``now`` (local time)."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    monday = today - timedelta(days=today.weekday())
    return Period(monday - timedelta(days=7), monday - timedelta(days=1), timezone)


def iso_week(text: str, timezone: str) -> Period:
    """``2026-W47`` → Monday 2026-11-16 .. Sunday 2026-11-22."""
    match = _WEEK.match(text.strip())
    if not match:
        raise ReportError(f"--week {text!r}: expected an ISO week such as 2026-W47")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ReportError(f"--week {text!r}: that year has no such week") from None
    return Period(monday, monday + timedelta(days=6), timezone)


def date_range(start: str, end: str, timezone: str) -> Period:
    """``--from`` / ``--to``: inclusive local dates ``YYYY-MM-DD``."""
    first, last = _parse_date(start, "--from"), _parse_date(end, "--to")
    if last < first:
        raise ReportError(f"--to {end} is before --from {start}; swap them")
    if (last - first).days > 366:
        raise ReportError("the period is longer than a year; choose a shorter --from/--to range")
    return Period(first, last, timezone)


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportError(f"{option} {text!r}: expected a date YYYY-MM-DD") from None
