"""The values a digest is made of: what the reader returns and what ``build_digest`` builds.

``Aggregates`` holds what SQLite aggregated from the documented views (``reports.read``): small
counts keyed by period bucket and department signature, and the few rows the lists show.
Everything else is the computed digest: frozen dataclasses, no I/O, safe for templates and JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from reports.period import Period

Row = Mapping[str, Any]

#: The JSON contract's ``totals`` keys, in display order.
METRICS: tuple[str, ...] = (
    "new_spaces",
    "new_proposals",
    "new_debates",
    "new_meetings",
    "new_comments",
    "active_participants",
)
MEETING_TYPES: tuple[str, ...] = ("in_person", "online", "hybrid")


@dataclass(frozen=True)
class DigestOptions:
    unanswered_after_days: int = 30
    upcoming_days: int = 14
    top_n: int = 5
    trend_periods: int = 8
    departments_filtered: bool = False


@dataclass(frozen=True)
class Totals:
    new_spaces: int = 0
    new_proposals: int = 0
    new_debates: int = 0
    new_meetings: int = 0
    new_comments: int = 0
    active_participants: int = 0
    meetings_in_person: int = 0
    meetings_online: int = 0
    meetings_hybrid: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def get(self, metric: str) -> int:
        return int(getattr(self, metric))


@dataclass(frozen=True)
class Item:
    """A proposal, debate or meeting as a digest shows it (title and url are untrusted)."""

    item_type: str
    id: int
    title: str
    url: str | None
    published_at: datetime | None
    removed_at: datetime | None = None
    author_key: str | None = None
    comments_count: int | None = None
    vote_count: int | None = None
    endorsements_count: int | None = None
    state: str | None = None
    withdrawn: bool = False
    answered_at: datetime | None = None
    type_of_meeting: str | None = None
    start_time: datetime | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.item_type, self.id)


@dataclass(frozen=True)
class Ranked:
    """An item with the figure it was ranked by (comments in the period, days waiting)."""

    item: Item
    value: int


@dataclass(frozen=True)
class Gain:
    item: Item
    votes: int | None
    endorsements: int | None


@dataclass(frozen=True)
class Gains:
    """Counter gains in the period. ``votes``/``endorsements`` are None when no item has an
    observation at or before the period start ("sin datos"), never a made-up zero."""

    votes: int | None = None
    endorsements: int | None = None
    items_with_data: int = 0
    items_without_data: int = 0
    top: tuple[Gain, ...] = ()


@dataclass(frozen=True)
class Section:
    totals: Totals = Totals()
    previous: Totals = Totals()
    answered_count: int = 0
    answered_states: tuple[tuple[str, int], ...] = ()
    answered: tuple[Item, ...] = ()
    unanswered_count: int = 0
    unanswered: tuple[Ranked, ...] = ()
    top_supported: tuple[Item, ...] = ()
    top_commented: tuple[Ranked, ...] = ()
    upcoming_count: int = 0
    upcoming: tuple[Item, ...] = ()
    gains: Gains = Gains()


@dataclass(frozen=True)
class DepartmentSection:
    slug: str
    name: str
    section: Section


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    totals: Totals


@dataclass(frozen=True)
class Digest:
    instance: str
    period: Period
    generated_at: datetime
    overall: Section
    departments: tuple[DepartmentSection, ...]
    untagged: Section
    trend: tuple[TrendPoint, ...]
    options: DigestOptions = field(default_factory=DigestOptions)
    upcoming_until: date | None = None
    partial: bool = False


#: The department slugs tagging an item (``item_signatures``); empty: "sin departamento".
Signature = frozenset[str]


@dataclass(frozen=True)
class Tally:
    """New things in period bucket ``k`` (``period.shifted(-k)``) among the items (and their
    comments, or the spaces) tagged exactly ``departments``. ``active_participants`` is 0:
    distinct counts do not add up across signatures (see ``ScopeLists.participants``)."""

    k: int
    departments: Signature
    totals: Totals


@dataclass(frozen=True)
class Backlog:
    """Proposals and debates published before the period end and not removed by then, tagged
    exactly ``departments``: how many, how many proposals wait for an answer, and counter gains
    (``votes``/``endorsements`` None when no item of them has both values)."""

    departments: Signature
    visible: int = 0
    unanswered: int = 0
    with_data: int = 0
    votes: int | None = None
    endorsements: int | None = None


@dataclass(frozen=True)
class ScopeLists:
    """What one section lists (everything, a department, the untagged), already limited by SQL.
    ``participants[k]``: distinct authors in bucket k; ``unanswered``: the oldest candidates
    (ties on days waiting included; the digest ranks and cuts them)."""

    participants: tuple[int, ...] = ()
    answered_count: int = 0
    answered_states: tuple[tuple[str, int], ...] = ()
    answered: tuple[Item, ...] = ()
    unanswered: tuple[Item, ...] = ()
    top_supported: tuple[Item, ...] = ()
    top_commented: tuple[Ranked, ...] = ()
    upcoming_count: int = 0
    upcoming: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Aggregates:
    """Everything ``build_digest`` needs, as SQLite aggregated it (see ``reports.read``).
    ``gained``: (signature, gain) of the visible items with a positive gain in the period, the
    ``top_n`` best of each signature (a section's top list is the top of its signatures')."""

    tallies: tuple[Tally, ...] = ()
    backlog: tuple[Backlog, ...] = ()
    gained: tuple[tuple[Signature, Gain], ...] = ()
    overall: ScopeLists = ScopeLists()
    departments: tuple[ScopeLists, ...] = ()
    untagged: ScopeLists = ScopeLists()
