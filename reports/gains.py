"""Vote and endorsement gains in a period from ``counter_history`` (pure).

The value at time *t* is the latest observation with ``observed_at <= t``; an item with no
observation at or before the period start has no gain ("sin datos"), never a made-up zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from reports.model import Gain, Gains, Item
from reports.parse import Key, Observation, value_at
from reports.period import Period


def item_gain(item: Item, history: tuple[Observation, ...], period: Period) -> Gain | None:
    """End value − start value, or None when there is no observation at or before the start."""
    start = value_at(history, period.start_utc)
    end = value_at(history, period.end_utc)
    if start is None or end is None:
        return None
    return Gain(
        item,
        _diff(end.vote_count, start.vote_count),
        _diff(end.endorsements_count, start.endorsements_count),
    )


def compute_gains(
    items: Sequence[Item],
    period: Period,
    history: dict[Key, tuple[Observation, ...]],
    top_n: int,
) -> Gains:
    """Gains of the items that existed before the period end and were not removed by then."""
    visible = [
        i
        for i in items
        if i.published_at is not None
        and i.published_at < period.end_utc
        and (i.removed_at is None or i.removed_at > period.end_utc)
    ]
    gains = [item_gain(i, history.get(i.key, ()), period) for i in visible]
    known = [g for g in gains if g is not None]
    positive = [g for g in known if (g.votes or 0) > 0 or (g.endorsements or 0) > 0]
    positive.sort(
        key=lambda g: (-(g.votes or 0), -(g.endorsements or 0), g.item.item_type, g.item.id)
    )
    return Gains(
        votes=_sum([g.votes for g in known]),
        endorsements=_sum([g.endorsements for g in known]),
        items_with_data=len(known),
        items_without_data=len(gains) - len(known),
        top=tuple(positive[:top_n]),
    )


def _diff(end: int | None, start: int | None) -> int | None:
    return None if end is None or start is None else end - start


def _sum(values: list[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None
