"""Lookups over a ``World`` built once (O(n)), so serving a page never scans the world."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

from connector.simulator.world import (
    ITEM_COMPONENT_TYPE,
    ITEM_LISTED,
    Comment,
    Component,
    Named,
    Person,
    Space,
    World,
    space_listed,
)

ITEM_KINDS = ("proposal", "debate", "meeting")


class WorldIndex:
    """Dicts by id, items by component, comments by parent; listings cached per release."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.people: dict[tuple[str, int], Person] = {(p.kind, p.id): p for p in world.people}
        self.scopes = _by_id(world.scopes)
        self.areas = _by_id(world.areas)
        self.categories = _by_id(world.categories)
        self.taxonomies = _by_id(world.taxonomies)
        self.children_of = _children(
            [("scope", world.scopes), ("category", world.categories),
             ("taxonomy", world.taxonomies)]
        )
        self.spaces: dict[tuple[str, int], Space] = {(s.kind, s.id): s for s in world.spaces}
        self.components: dict[int, Component] = {c.id: c for c in world.components}
        self.components_of: dict[tuple[str, int], list[Component]] = defaultdict(list)
        for component in world.components:
            self.components_of[(component.space_kind, component.space_id)].append(component)
        self.items: dict[str, dict[int, Any]] = {
            "proposal": {p.id: p for p in world.proposals},
            "debate": {d.id: d for d in world.debates},
            "meeting": {m.id: m for m in world.meetings},
        }
        self.items_of: dict[int, list[Any]] = defaultdict(list)
        for kind in ITEM_KINDS:
            for item in sorted(self.items[kind].values(), key=lambda i: i.id):
                self.items_of[item.component_id].append(item)
        self.replies: dict[tuple[str, int], list[Comment]] = defaultdict(list)
        for comment in sorted(world.comments, key=lambda c: c.id):
            if comment.hidden:
                continue
            parent = ("comment", comment.parent_id) if comment.parent_id else (
                comment.item_kind, comment.item_id)
            self.replies[parent].append(comment)
        self._totals: dict[tuple[str, int], int] = {}
        self._listed: dict[tuple[str, int, str], list[Any]] = {}
        self._lock = threading.Lock()

    # --- visibility -------------------------------------------------------------------------

    def component_visible(self, component: Component | None) -> bool:
        if component is None or component.published_at is None:
            return False
        space = self.spaces.get((component.space_kind, component.space_id))
        return space is not None and space_listed(space)

    def visible_components(self, type_name: str | None = None) -> list[Component]:
        return [
            c for c in self.world.components
            if self.component_visible(c) and type_name in (None, c.type_name)
        ]

    def listed_items(self, kind: str, component_id: int, release: str) -> list[Any]:
        """The items a component lists on ``release``, id ascending (cached)."""
        key = (kind, component_id, release)
        cached = self._listed.get(key)
        if cached is None:
            listed = ITEM_LISTED[kind]
            cached = [i for i in self.items_of.get(component_id, ()) if _kind_of(i) == kind
                      and listed(i, release)]
            with self._lock:
                self._listed[key] = cached
        return cached

    def listed_item(self, kind: str, component_id: int, item_id: int, release: str) -> Any:
        item = self.items[kind].get(item_id)
        if item is None or item.component_id != component_id:
            return None
        return item if ITEM_LISTED[kind](item, release) else None

    def all_listed(self, kind: str, release: str) -> list[Any]:
        result: list[Any] = []
        for component in self.visible_components():
            if ITEM_COMPONENT_TYPE.get(component.type_name) == kind:
                result.extend(self.listed_items(kind, component.id, release))
        return sorted(result, key=lambda i: i.id)

    def reachable_comments(self, release: str) -> list[Comment]:
        found: list[Comment] = []
        for kind in ITEM_KINDS:
            for item in self.all_listed(kind, release):
                stack = list(self.replies.get((kind, item.id), ()))
                while stack:
                    comment = stack.pop()
                    found.append(comment)
                    stack.extend(self.replies.get(("comment", comment.id), ()))
        return sorted(found, key=lambda c: c.id)

    # --- counts -----------------------------------------------------------------------------

    def total_comments(self, parent: tuple[str, int]) -> int:
        """Visible comments below ``parent`` (an item or a comment), at any depth."""
        total = self._totals.get(parent)
        if total is None:
            total = 0
            for reply in self.replies.get(parent, ()):
                total += 1 + self.total_comments(("comment", reply.id))
            self._totals[parent] = total
        return total

    def named(self, kind: str, record_id: int | None) -> Named | None:
        """A category, scope, area or taxonomy by id (None for None)."""
        tables = {"category": self.categories, "scope": self.scopes, "area": self.areas,
                  "taxonomy": self.taxonomies}
        return tables[kind].get(record_id) if record_id is not None else None

    def children(self, kind: str, parent_id: int) -> list[Named]:
        return self.children_of.get((kind, parent_id), [])


def _kind_of(item: Any) -> str:
    return type(item).__name__.lower()


def _by_id(records: tuple[Named, ...]) -> dict[int, Named]:
    return {r.id: r for r in records}


def _children(groups: list[tuple[str, tuple[Named, ...]]]) -> dict[tuple[str, int], list[Named]]:
    children: dict[tuple[str, int], list[Named]] = defaultdict(list)
    for kind, records in groups:
        for record in records:
            if record.parent_id is not None:
                children[(kind, record.parent_id)].append(record)
    return children
