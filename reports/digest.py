"""``build_digest``: what happened in a period, overall and per department (pure).

Counting rules (README, issue 4): an item is new when its ``published_at`` falls in the
period (withdrawn ones included); a comment when its creation time does (replies included);
a department counts the items tagged with it and the comments on them; a row whose
``removed_at`` is at or before the period end is not counted. Active participants are the
distinct ``author_key`` of the proposals, debates and comments new in the period.

SQLite applies those rules (``reports.read``); this module folds what it aggregated per
department signature into sections, ranks and cuts the lists, and assembles the ``Digest``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from datetime import datetime, timedelta

from reports.gains import fold_gains
from reports.model import (
    Aggregates,
    DepartmentSection,
    Digest,
    DigestOptions,
    Ranked,
    ScopeLists,
    Section,
    Signature,
    Totals,
    TrendPoint,
)
from reports.period import Period

Keep = Callable[[Signature], bool]


def build_digest(
    aggregates: Aggregates,
    period: Period,
    departments: Sequence[tuple[str, str]],
    options: DigestOptions,
    now: datetime,
    instance: str,
) -> Digest:
    """Compute the digest of ``period`` for ``instance`` from the store's aggregates."""
    chosen = frozenset(slug for slug, _name in departments)
    base: Keep = (lambda found: bool(found & chosen)) if options.departments_filtered else _all
    overall = build_section(aggregates, aggregates.overall, base, period, options)
    return Digest(
        instance=instance,
        period=period,
        generated_at=now,
        overall=overall,
        departments=tuple(
            DepartmentSection(
                slug,
                name,
                build_section(aggregates, lists, _tagged(base, slug), period, options),
            )
            for (slug, name), lists in zip(departments, aggregates.departments, strict=True)
        ),
        untagged=build_section(
            aggregates, aggregates.untagged, lambda found: base(found) and not found, period,
            options,
        ),
        trend=tuple(
            TrendPoint(period.shifted(-k), totals_in(aggregates, aggregates.overall, base, k))
            for k in range(options.trend_periods - 1, -1, -1)
        ),
        options=options,
        upcoming_until=period.end + timedelta(days=options.upcoming_days),
        partial=now < period.end_utc,
    )


def _all(found: Signature) -> bool:
    return True


def _tagged(base: Keep, slug: str) -> Keep:
    return lambda found: base(found) and slug in found


def totals_in(aggregates: Aggregates, lists: ScopeLists, keep: Keep, k: int) -> Totals:
    """The totals of bucket ``k`` over the signatures ``keep`` accepts."""
    sums = {f.name: 0 for f in fields(Totals)}
    for tally in aggregates.tallies:
        if tally.k == k and keep(tally.departments):
            for name, value in tally.totals.as_dict().items():
                sums[name] += value
    participants = lists.participants[k] if k < len(lists.participants) else 0
    return replace(Totals(**sums), active_participants=participants)


def build_section(
    aggregates: Aggregates, lists: ScopeLists, keep: Keep, period: Period, options: DigestOptions
) -> Section:
    backlog = [b for b in aggregates.backlog if keep(b.departments)]
    return Section(
        totals=totals_in(aggregates, lists, keep, 0),
        previous=totals_in(aggregates, lists, keep, 1),
        answered_count=lists.answered_count,
        answered_states=lists.answered_states,
        answered=lists.answered[: options.top_n],
        unanswered_count=sum(b.unanswered for b in backlog),
        unanswered=unanswered_ranked(lists, period)[: options.top_n],
        top_supported=lists.top_supported[: options.top_n],
        top_commented=top_commented(lists)[: options.top_n],
        upcoming_count=lists.upcoming_count,
        upcoming=lists.upcoming[: options.top_n * 3],
        gains=fold_gains(backlog, [g for found, g in aggregates.gained if keep(found)],
                         options.top_n),
    )


def unanswered_ranked(lists: ScopeLists, period: Period) -> tuple[Ranked, ...]:
    """Proposals still without an answer at the end, ranked by days waiting, oldest first."""
    end = period.end_utc
    found = [Ranked(i, (end - i.published_at).days) for i in lists.unanswered if i.published_at]
    return tuple(sorted(found, key=lambda r: (-r.value, r.item.id)))


def top_commented(lists: ScopeLists) -> tuple[Ranked, ...]:
    """Proposals and debates by the number of comments they received in the period."""
    return tuple(
        sorted(
            lists.top_commented,
            key=lambda r: (-r.value, -(r.item.comments_count or 0), r.item.item_type, r.item.id),
        )
    )
