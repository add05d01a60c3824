"""Request planning: which component pages go together in the next request (pure, no I/O).

A sync's cost is its number of requests, so the planner fills each request up to the server's
limits: at most ``max_aliases`` components (``c0: component(id: …)``, Decidim 0.30.5+: 5) and
a total complexity ≤ ``MAX_COMPLEXITY`` as computed by ``connector.queries.estimate_cost``.
Every part of a packed query costs ``fixed + first × per_item`` (``queries.part_cost``), so
the planner shares the budget between the components it packs.

Sizes decide how ``first`` is chosen:

- a component whose size is *known* (``expected``: items the store held after the last
  complete walk, or 0 for a ``publishedSince`` check) asks for what is left plus ``SLACK``,
  so a small component is read whole in a slice of one request;
- a component of unknown size gets an equal share of the request (≥ ``MIN_FIRST``): reading
  unknown components in slices wastes at most a slice per component, where one 50-item page
  each would waste half a page on average.

Each component keeps its own cursor (one page in flight at a time), so resuming, de-duplication
and ``removed_at`` work per component exactly as with one-component pages.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date

from connector import queries
from connector.models import ComponentRef, Features, ItemKind

#: items asked for beyond a known size, for what was published since the last walk.
SLACK = 3
#: the smallest page given to a component of unknown size.
MIN_FIRST = 10
#: components packed into one request when the server sets no alias limit (< 0.30.5).
UNLIMITED_ALIASES = 20


@dataclass
class Walk:
    """One component's walk: where it is, and what the planner knows of its size."""

    component: ComponentRef
    kind: ItemKind
    cursor: str | None = None
    since: date | None = None
    expected: int | None = None  # items expected from the cursor on; None: unknown
    done: bool = False
    busy: bool = False
    pages: int = 0
    seen: int = field(default=0)

    @property
    def dated(self) -> bool:
        return self.since is not None and self.kind == "proposals"


@dataclass(frozen=True)
class Slot:
    """One component's part of a packed request."""

    walk: Walk
    first: int


class RequestPlanner:
    """Hands out batches of ``Slot``s (one request each) until every walk is done."""

    def __init__(self, walks: list[Walk], features: Features, *, page_size: int = 50):
        self.features = features
        self.page_size = min(page_size, queries.MAX_PAGE_SIZE)
        limit = features.max_aliases
        self.max_parts = max(1, limit) if limit is not None else UNLIMITED_ALIASES
        self._queue: deque[Walk] = deque(walks)

    @property
    def pending(self) -> bool:
        return any(not w.done for w in self._queue)

    def cost(self, slots: list[Slot]) -> int:
        """The packed request's complexity, as ``queries.estimate_cost`` computes it."""
        total = 0
        for slot in slots:
            fixed, per_item = queries.part_cost(slot.walk.kind, slot.walk.dated, self.features)
            total += fixed + per_item * slot.first
        return total

    def next_batch(self) -> list[Slot]:
        """The next request's slots (empty when every idle walk is done or none is idle)."""
        idle = [w for w in self._queue if not w.done and not w.busy]
        if not idle:
            return []
        known = [w for w in idle if w.expected is not None]
        unknown = [w for w in idle if w.expected is None]
        parts = min(self.max_parts, len(idle))
        budget = queries.MAX_COMPLEXITY
        batch: list[Slot] = []
        for walk in known + unknown:  # known sizes first: they fill the budget exactly
            if len(batch) >= self.max_parts:
                break
            fixed, per_item = queries.part_cost(walk.kind, walk.dated, self.features)
            room = (budget - fixed) // per_item
            want = self._want(walk, parts, fixed, per_item)
            first = min(want, room)
            if first < min(want, MIN_FIRST) or first < 1:
                continue
            batch.append(Slot(walk, first))
            budget -= fixed + per_item * first
        for slot in batch:
            slot.walk.busy = True
        self._rotate(batch)
        return batch

    def record(self, walk: Walk, items: int, has_next: bool, cursor: str | None) -> None:
        """What a page of ``walk`` brought: ``items`` new items, whether more follow."""
        walk.busy = False
        walk.pages += 1
        walk.seen += items
        walk.cursor = cursor
        walk.done = not has_next
        if walk.expected is not None:
            left = walk.expected - items
            walk.expected = left if left > 0 or not has_next else None
        if walk.done:
            self._queue = deque(w for w in self._queue if not w.done)

    def _want(self, walk: Walk, parts: int, fixed: int, per_item: int) -> int:
        if walk.expected is not None:
            return min(self.page_size, max(walk.expected, 0) + SLACK)
        share = (queries.MAX_COMPLEXITY // parts - fixed) // per_item
        return min(self.page_size, max(MIN_FIRST, share))

    def _rotate(self, batch: list[Slot]) -> None:
        """Walks just planned go to the back, so every component advances in turn."""
        planned = {id(s.walk) for s in batch}
        rest = [w for w in self._queue if id(w) not in planned]
        self._queue = deque(rest + [s.walk for s in batch])
