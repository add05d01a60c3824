"""``build_digest``: what happened in a period, overall and per department (pure).

Counting rules (README, issue 4): an item is new when its ``published_at`` falls in the
period (withdrawn ones included); a comment when its creation time does (replies included);
a department counts the items tagged with it and the comments on them; a row whose
``removed_at`` is at or before the period end is not counted. Active participants are the
distinct ``author_key`` of the proposals, debates and comments new in the period.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from reports.gains import compute_gains
from reports.model import (
    DepartmentSection,
    Digest,
    DigestOptions,
    Item,
    Ranked,
    Section,
    StoreRows,
    Totals,
    TrendPoint,
)
from reports.parse import (
    Comment,
    Key,
    Observation,
    Space,
    parse_comment,
    parse_counters,
    parse_item,
    parse_space,
    parse_tags,
)
from reports.period import Period, local_midnight_utc

SUPPORTED_TYPES = ("proposal", "debate")


@dataclass(frozen=True)
class Scope:
    """The rows one section counts: everything, one department's, or the untagged ones."""

    items: tuple[Item, ...]
    comments: tuple[Comment, ...]
    spaces: tuple[Space, ...]


def build_digest(
    rows: StoreRows,
    period: Period,
    departments: Sequence[tuple[str, str]],
    options: DigestOptions,
    now: datetime,
    instance: str,
) -> Digest:
    """Compute the digest of ``period`` for ``instance`` from the store's rows."""
    everything = Scope(
        tuple(parse_item(r) for r in rows.items),
        tuple(parse_comment(r) for r in rows.comments),
        tuple(parse_space(r) for r in rows.spaces),
    )
    tags = parse_tags(rows.tags)
    history = parse_counters(rows.counters)

    def section_of(keep: Callable[[frozenset[str]], bool]) -> Section:
        return build_section(narrow(everything, tags, keep), period, options, history)

    if options.departments_filtered:  # only the chosen departments, overall figures included
        chosen = frozenset(slug for slug, _name in departments)
        everything = narrow(everything, tags, lambda found: bool(found & chosen))
    return Digest(
        instance=instance,
        period=period,
        generated_at=now,
        overall=build_section(everything, period, options, history),
        departments=tuple(
            DepartmentSection(slug, name, section_of(tagged_with(slug)))
            for slug, name in departments
        ),
        untagged=section_of(lambda found: not found),
        trend=tuple(
            TrendPoint(p, count_totals(everything, p))
            for p in (period.shifted(-k) for k in range(options.trend_periods - 1, -1, -1))
        ),
        options=options,
        upcoming_until=period.end + timedelta(days=options.upcoming_days),
        partial=now < period.end_utc,
    )


def tagged_with(slug: str) -> Callable[[frozenset[str]], bool]:
    return lambda found: slug in found


def narrow(
    scope: Scope, tags: dict[Key, frozenset[str]], keep: Callable[[frozenset[str]], bool]
) -> Scope:
    """The part of ``scope`` whose department tags satisfy ``keep`` (comments follow their item)."""
    none: frozenset[str] = frozenset()
    return Scope(
        tuple(i for i in scope.items if keep(tags.get(i.key, none))),
        tuple(c for c in scope.comments if keep(tags.get(c.item_key, none))),
        tuple(s for s in scope.spaces if keep(tags.get(s.key, none))),
    )


def build_section(
    scope: Scope,
    period: Period,
    options: DigestOptions,
    history: dict[Key, tuple[Observation, ...]],
) -> Section:
    answered = answered_in(scope, period)
    unanswered = unanswered_at_end(scope, period, options.unanswered_after_days)
    upcoming = upcoming_meetings(scope, period, options.upcoming_days)
    return Section(
        totals=count_totals(scope, period),
        previous=count_totals(scope, period.shifted(-1)),
        answered_count=len(answered),
        answered_states=tuple(sorted(Counter(i.state or "" for i in answered).items())),
        answered=tuple(answered[: options.top_n]),
        unanswered_count=len(unanswered),
        unanswered=tuple(unanswered[: options.top_n]),
        top_supported=tuple(top_supported(scope, period)[: options.top_n]),
        top_commented=tuple(top_commented(scope, period)[: options.top_n]),
        upcoming_count=len(upcoming),
        upcoming=tuple(upcoming[: options.top_n * 3]),
        gains=compute_gains(
            [i for i in scope.items if i.item_type in SUPPORTED_TYPES],
            period,
            history,
            options.top_n,
        ),
    )


def alive(removed_at: datetime | None, period: Period) -> bool:
    """Not removed at or before the period end."""
    return removed_at is None or removed_at > period.end_utc


def new_items(scope: Scope, period: Period) -> list[Item]:
    return [
        i for i in scope.items if period.contains(i.published_at) and alive(i.removed_at, period)
    ]


def new_comments(scope: Scope, period: Period) -> list[Comment]:
    return [
        c for c in scope.comments if period.contains(c.published_at) and alive(c.removed_at, period)
    ]


def count_totals(scope: Scope, period: Period) -> Totals:
    items = new_items(scope, period)
    comments = new_comments(scope, period)
    by_type = Counter(i.item_type for i in items)
    meetings = Counter(i.type_of_meeting for i in items if i.item_type == "meeting")
    authors = {i.author_key for i in items if i.item_type in SUPPORTED_TYPES and i.author_key}
    authors |= {c.author_key for c in comments if c.author_key}
    spaces = [
        s for s in scope.spaces if period.contains(s.published_at) and alive(s.removed_at, period)
    ]
    return Totals(
        new_spaces=len(spaces),
        new_proposals=by_type["proposal"],
        new_debates=by_type["debate"],
        new_meetings=by_type["meeting"],
        new_comments=len(comments),
        active_participants=len(authors),
        meetings_in_person=meetings["in_person"],
        meetings_online=meetings["online"],
        meetings_hybrid=meetings["hybrid"],
    )


def answered_in(scope: Scope, period: Period) -> list[Item]:
    """Proposals whose answer was published in the period, most recent first."""
    found = [
        i
        for i in scope.items
        if i.item_type == "proposal"
        and period.contains(i.answered_at)
        and alive(i.removed_at, period)
    ]
    return sorted(found, key=lambda i: (i.answered_at, i.id), reverse=True)


def unanswered_at_end(scope: Scope, period: Period, after_days: int) -> list[Ranked]:
    """Proposals published more than ``after_days`` before the period end and still without an
    answer at its end (not withdrawn), oldest first, ranked by days waiting."""
    end = period.end_utc
    cutoff = end - timedelta(days=after_days)
    found = [
        Ranked(i, (end - i.published_at).days)
        for i in scope.items
        if i.item_type == "proposal"
        and not i.withdrawn
        and alive(i.removed_at, period)
        and i.published_at is not None
        and i.published_at < cutoff
        and (i.answered_at is None or i.answered_at >= end)
    ]
    return sorted(found, key=lambda r: (-r.value, r.item.id))


def top_supported(scope: Scope, period: Period) -> list[Item]:
    """New proposals and debates with support, by votes then endorsements."""
    found = [
        i
        for i in new_items(scope, period)
        if i.item_type in SUPPORTED_TYPES
        and ((i.vote_count or 0) + (i.endorsements_count or 0)) > 0
    ]
    return sorted(
        found, key=lambda i: (-(i.vote_count or 0), -(i.endorsements_count or 0), i.item_type, i.id)
    )


def top_commented(scope: Scope, period: Period) -> list[Ranked]:
    """Proposals and debates by the number of comments they received in the period."""
    per_item = Counter(c.item_key for c in new_comments(scope, period))
    found = [
        Ranked(i, per_item[i.key])
        for i in scope.items
        if i.item_type in SUPPORTED_TYPES and per_item[i.key] and alive(i.removed_at, period)
    ]
    return sorted(
        found, key=lambda r: (-r.value, -(r.item.comments_count or 0), r.item.item_type, r.item.id)
    )


def upcoming_meetings(scope: Scope, period: Period, days: int) -> list[Item]:
    """Meetings starting in the ``days`` local days after the period, soonest first."""
    start = period.end_utc
    until = local_midnight_utc(period.end + timedelta(days=days + 1), period.timezone)
    found = [
        i
        for i in scope.items
        if i.item_type == "meeting"
        and not i.withdrawn
        and alive(i.removed_at, period)
        and i.start_time is not None
        and start <= i.start_time < until
    ]
    return sorted(found, key=lambda i: (i.start_time, i.id))
