"""Vote and endorsement gains in a period, folded from what SQLite computed (pure).

The value at time *t* is the latest ``counter_history`` observation with ``observed_at <= t``;
an item with no observation at or before the period start has no gain ("sin datos"), never a
made-up zero. ``reports.read`` computes, per department signature, how many visible items
there are, how many have data and the sums of their gains, plus the items with a positive gain.
"""

from __future__ import annotations

from collections.abc import Sequence

from reports.model import Backlog, Gain, Gains


def fold_gains(backlog: Sequence[Backlog], gained: Sequence[Gain], top_n: int) -> Gains:
    """The gains of one section: ``backlog`` and ``gained`` already narrowed to it."""
    with_data = sum(b.with_data for b in backlog)
    top = sorted(
        gained,
        key=lambda g: (-(g.votes or 0), -(g.endorsements or 0), g.item.item_type, g.item.id),
    )
    return Gains(
        votes=_sum([b.votes for b in backlog]),
        endorsements=_sum([b.endorsements for b in backlog]),
        items_with_data=with_data,
        items_without_data=sum(b.visible for b in backlog) - with_data,
        top=tuple(top[:top_n]),
    )


def _sum(values: list[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None
