"""Time for the generated world: the ~12-week window before ``now``, local week starts and the
time zone's DST changes, so records land on the boundaries reports must get right."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

WINDOW = timedelta(weeks=12)
FUTURE = timedelta(weeks=4)


@dataclass(frozen=True)
class Timeline:
    now: datetime
    tz: ZoneInfo
    start: datetime
    week_starts: tuple[datetime, ...]  # local Monday 00:00 inside the window
    dst_changes: tuple[datetime, ...]  # instants the UTC offset changes, window + future

    def local(self, instant: datetime) -> datetime:
        """The same instant in the organization's zone, to the second (always a valid local
        time: going through UTC normalizes wall-clock arithmetic across DST changes)."""
        return instant.astimezone(UTC).astimezone(self.tz).replace(microsecond=0)

    def shift(self, instant: datetime, delta: timedelta) -> datetime:
        """``instant + delta`` in elapsed time (not wall-clock time), in the local zone."""
        return self.local(instant.astimezone(UTC) + delta)

    def between(self, rng: random.Random, low: datetime, high: datetime) -> datetime:
        """A uniformly random instant in [low, high] (high wins when low > high)."""
        low_ts, high_ts = low.timestamp(), high.timestamp()
        if low_ts >= high_ts:
            return self.local(high)
        return datetime.fromtimestamp(int(rng.uniform(low_ts, high_ts)), self.tz)

    def in_window(self, rng: random.Random) -> datetime:
        return self.between(rng, self.start, self.now - timedelta(minutes=5))

    def boundary_times(self) -> list[datetime]:
        """Exact local midnights on week starts, and instants right around DST changes."""
        near_dst = [
            self.shift(change, offset)
            for change in self.dst_changes
            for offset in (timedelta(minutes=-30), timedelta(seconds=-1), timedelta(0),
                           timedelta(minutes=30), timedelta(minutes=90))
        ]
        return [t for t in [*self.week_starts, *near_dst] if self.start <= t <= self.now]


def build_timeline(now: datetime, timezone: str) -> Timeline:
    tz = ZoneInfo(timezone)
    now = (now if now.tzinfo else now.replace(tzinfo=tz)).astimezone(UTC).astimezone(tz)
    now = now.replace(microsecond=0)
    start = (now.astimezone(UTC) - WINDOW).astimezone(tz)
    return Timeline(
        now=now,
        tz=tz,
        start=start,
        week_starts=tuple(_week_starts(start, now, tz)),
        dst_changes=tuple(offset_changes(start - timedelta(days=1), now + FUTURE, tz)),
    )


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of ``day`` in ``tz`` (01:00 when midnight does not exist)."""
    naive = datetime(day.year, day.month, day.day)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def _week_starts(start: datetime, now: datetime, tz: ZoneInfo) -> list[datetime]:
    day = start.date() + timedelta(days=(7 - start.weekday()) % 7)
    starts = []
    while day <= now.date():
        midnight = local_midnight(day, tz)
        if start <= midnight <= now:
            starts.append(midnight)
        day += timedelta(days=7)
    return starts


def offset_changes(low: datetime, high: datetime, tz: ZoneInfo) -> list[datetime]:
    """Every instant in [low, high] at which ``tz``'s UTC offset changes."""
    changes = []
    step = timedelta(hours=6)
    cursor = low.astimezone(UTC)
    end = high.astimezone(UTC)
    while cursor < end:
        after = min(cursor + step, end)
        if cursor.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset():
            changes.append(_bisect_change(cursor, after, tz))
        cursor = after
    return changes


def _bisect_change(low: datetime, high: datetime, tz: ZoneInfo) -> datetime:
    before = low.astimezone(tz).utcoffset()
    while (high - low) > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0).astimezone(tz)
