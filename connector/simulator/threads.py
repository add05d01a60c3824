"""Comment threads: top-level comments and replies down to Decidim's max depth of 3."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.simulator import catalog
from connector.simulator.items import ItemContext
from connector.simulator.world import Comment

MAX_DEPTH = 3


@dataclass
class Target:
    """Something to comment on: an item, when comments may start, the thread so far."""

    kind: str
    item_id: int
    since: datetime
    hashtag: str
    weight: float
    thread: list[tuple[Any, int, datetime]] = field(default_factory=list)  # (ref, depth, time)


def draft_comments(rng: random.Random, ctx: ItemContext, targets: list[Target], count: int,
                   until: datetime) -> list[dict[str, Any]]:
    """``count`` comment drafts spread over ``targets`` (hot items get more), oldest first."""
    if not targets or count <= 0:
        return []
    tally = Counter(rng.choices(range(len(targets)), [t.weight for t in targets], k=count))
    drafts: list[dict[str, Any]] = []
    for index in sorted(tally):
        target = targets[index]
        times = sorted(ctx.timeline.between(rng, target.since, until) for _ in range(tally[index]))
        for when in times:
            drafts.append(_draft(rng, ctx, target, when, len(drafts)))
    return drafts


def _draft(rng: random.Random, ctx: ItemContext, target: Target, when: datetime,
           tmp: int) -> dict[str, Any]:
    open_parents = [p for p in target.thread if p[1] < MAX_DEPTH and p[2] <= when]
    parent = rng.choice(open_parents) if open_parents and rng.random() < 0.45 else None
    depth = 0 if parent is None else parent[1] + 1
    target.thread.append((("tmp", tmp), depth, when))
    text = rng.choice(catalog.COMMENT_BODIES).format(
        lugar=rng.choice(catalog.SECTORS), hashtag=target.hashtag)
    if rng.random() < 0.03:
        text = f"{text} {rng.choice(catalog.HOSTILE)}"
    by_group = rng.random() < 0.05
    author = rng.choice(ctx.groups) if by_group else rng.choice(ctx.users)
    return {
        "_tmp": tmp,
        "_parent": None if parent is None else parent[0],
        "item_kind": target.kind,
        "item_id": target.item_id,
        "depth": depth,
        "body": text,
        "created_at": when,
        "alignment": rng.choice((-1, 0, 1, 1)) if target.kind == "proposal" else 0,
        "up_votes": int(rng.paretovariate(2)) - 1,
        "down_votes": int(rng.paretovariate(3)) - 1,
        "author": (author.kind, author.id),
        "hidden": rng.random() < 0.02,
    }


def number_comments(drafts: list[dict[str, Any]], first_id: int) -> list[Comment]:
    """Ids in time order; replies always come after their parent."""
    drafts.sort(key=lambda d: (d["created_at"], d["_tmp"]))
    ids = {d["_tmp"]: first_id + i for i, d in enumerate(drafts)}
    comments = []
    for draft in drafts:
        parent = draft.pop("_parent")
        tmp = draft.pop("_tmp")
        parent_id = _parent_id(parent, ids)
        comments.append(Comment(id=ids[tmp], parent_id=parent_id, **draft))
    return comments


def _parent_id(parent: tuple[str, int] | None, ids: dict[int, int]) -> int | None:
    """A parent reference: ("tmp", draft number) in this batch or ("id", comment id)."""
    if parent is None:
        return None
    return ids[parent[1]] if parent[0] == "tmp" else parent[1]
