"""What a sync reads of each component (pure): a whole walk, a ``publishedSince`` check, nothing.

Rules (README, ``participa sync``):

- a full run (``--full``, or the first run of an instance) walks every component;
- a component of an *active* space (no end date, or one less than
  ``refresh_closed_after_days`` ago) is walked whole on every run: that is how changed
  counters, answers, withdrawals, new comments and removed items of existing items are seen
  (Decidim has no "updated since" filter, so nothing cheaper finds them);
- a component of a *closed* space is walked whole when its last complete walk is
  ``closed_refresh_days`` old or more (or it never had one), otherwise a Proposals component
  gets a ``publishedSince`` check (the day of the previous successful run minus one day,
  as Decidim's filter has day granularity; repeats are de-duplicated by upsert) and other
  kinds are left alone until their refresh. Only a whole walk may set ``removed_at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

Action = Literal["walk", "since", "skip"]


@dataclass(frozen=True)
class Decision:
    action: Action
    since: date | None = None  # for "since": the first publication day to read


def decide(
    *,
    kind: str,
    space_end: date | None,
    last_walk: datetime | None,
    last_ok_run: datetime | None,
    now: datetime,
    full: bool,
    refresh_closed_after_days: int,
    closed_refresh_days: int,
) -> Decision:
    """The action for one component (``now``, ``last_walk``, ``last_ok_run`` aware)."""
    if full or last_ok_run is None:
        return Decision("walk")
    closed = space_end is not None and space_end < (
        now.date() - timedelta(days=refresh_closed_after_days)
    )
    if not closed or last_walk is None:
        return Decision("walk")
    if now - last_walk >= timedelta(days=closed_refresh_days):
        return Decision("walk")
    if kind == "proposals":
        return Decision("since", last_ok_run.date() - timedelta(days=1))
    return Decision("skip")
