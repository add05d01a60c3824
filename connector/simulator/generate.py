"""``generate_world``: a deterministic Valparaíso-like Decidim instance for a seed and a scale."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connector.simulator.items import (
    Candidates,
    ItemContext,
    draft_debate,
    draft_meeting,
    draft_proposal,
    meeting_start,
    number,
    spread,
)
from connector.simulator.threads import Target, draft_comments, number_comments
from connector.simulator.timeline import build_timeline
from connector.simulator.vocabulary import (
    es,
    make_components,
    make_frame,
    make_people,
    make_spaces,
    pick_themes,
)
from connector.simulator.world import Debate, Meeting, Proposal, World


@dataclass(frozen=True)
class Scale:
    spaces: int
    proposals: int
    debates: int
    meetings: int
    comments: int
    users: int
    hidden_spaces: int


SCALES: dict[str, Scale] = {
    "tiny": Scale(4, 34, 12, 16, 150, 40, 1),
    "small": Scale(12, 300, 60, 80, 1500, 300, 2),
    "medium": Scale(36, 3000, 400, 400, 12000, 2000, 2),
    "large": Scale(100, 15000, 2000, 1500, 50000, 8000, 2),
    "xlarge": Scale(200, 30000, 4000, 3000, 100000, 16000, 2),  # the bench's memory check
}

#: Comment weights by item kind: debates draw the most talk, meetings the least.
COMMENT_WEIGHT = {"proposal": 3.0, "debate": 4.0, "meeting": 1.0}


def generate_world(seed: int, scale: str, now: datetime, *,
                   timezone: str = "America/Santiago") -> World:
    """A new world: same ``seed``, ``scale``, ``now`` and ``timezone`` → the same world."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {tuple(SCALES)}")
    spec = SCALES[scale]
    timeline = build_timeline(now, timezone)
    frame = make_frame()
    people = make_people(random.Random(f"{seed}:people"), spec.users)
    rng = random.Random(f"{seed}:spaces")
    picked = pick_themes(scale, spec.spaces)
    spaces, categories, themes = make_spaces(rng, timeline, frame, picked, spec.hidden_spaces)
    components = make_components(rng, timeline, spaces, max(8, spec.spaces))
    ctx = ItemContext(
        timeline=timeline, frame=frame, spaces={(s.kind, s.id): s for s in spaces},
        themes=themes, users=tuple(p for p in people if p.kind == "User" and not p.deleted),
        groups=tuple(p for p in people if p.kind == "UserGroup"),
    )
    proposals, debates, meetings = make_items(random.Random(f"{seed}:items"), ctx, components,
                                              spec)
    items = {"proposal": proposals, "debate": debates, "meeting": meetings}
    targets = comment_targets(ctx, components, items, random.Random(f"{seed}:heat"))
    drafts = draft_comments(random.Random(f"{seed}:comments"), ctx, targets, spec.comments,
                            timeline.now)
    return World(
        seed=seed, scale=scale, now=timeline.now, timezone=timezone,
        organization_name=es("Participa Valparaíso", machine_en="Participate Valparaíso"),
        people=people, scopes=frame.scopes, areas=frame.areas, categories=tuple(categories),
        taxonomies=frame.taxonomies, spaces=tuple(spaces), components=tuple(components),
        proposals=tuple(proposals), debates=tuple(debates), meetings=tuple(meetings),
        comments=tuple(number_comments(drafts, 1)),
    )


def of_type(ctx: ItemContext, components, type_name: str) -> Candidates:
    """Components of a type, and draw weights: hidden ones (unpublished) get few items."""
    chosen = [c for c in components if c.type_name == type_name]
    return chosen, [1.0 if _published(ctx, c) else 0.15 for c in chosen]


def _published(ctx: ItemContext, component) -> bool:
    space = ctx.space(component)
    return component.published_at is not None and space.published_at is not None and (
        not space.private)


def make_items(rng: random.Random, ctx: ItemContext, components, spec: Scale):
    tl = ctx.timeline
    boundaries: list[datetime | None] = list(tl.boundary_times())
    def placed(type_name: str, count: int, special: list[datetime | None]):
        return spread(rng, of_type(ctx, components, type_name), count, special)

    proposals = number([
        draft_proposal(rng, ctx, comp, when or tl.in_window(rng))
        for comp, when in placed("Proposals", spec.proposals, boundaries)
    ], Proposal, 1)
    debates = number([
        draft_debate(rng, ctx, comp, when or tl.in_window(rng))
        for comp, when in placed("Debates", spec.debates, boundaries[2:])
    ], Debate, 1)
    meetings = number([
        draft_meeting(rng, ctx, comp, when or meeting_start(rng, tl))
        for comp, when in placed("Meetings", spec.meetings, [tl.local(c) for c in tl.dst_changes])
    ], Meeting, 1)
    return proposals, debates, meetings


def comment_targets(ctx: ItemContext, components, items: dict[str, list[Any]],
                    heat: random.Random) -> list[Target]:
    """Every item that can hold comments, with a skewed weight (a few items get most talk)."""
    component_by_id = {c.id: c for c in components}
    targets = []
    for kind, records in items.items():
        for item in records:
            since = item.published_at if kind == "proposal" else item.created_at
            if since is None:
                continue
            theme = ctx.theme(component_by_id[item.component_id])
            weight = COMMENT_WEIGHT[kind] * heat.paretovariate(1.5)
            targets.append(Target(kind, item.id, since, theme.hashtag, weight))
    return targets
