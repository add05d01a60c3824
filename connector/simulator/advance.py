"""``advance_world``: the same instance ``days`` later — new items and comments, votes and
endorsements that grew, answers, withdrawals, moderation and closed meetings."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, timedelta
from typing import Any

from connector.simulator.catalog import ANSWERS
from connector.simulator.generate import COMMENT_WEIGHT, of_type
from connector.simulator.items import (
    STATE_WEIGHTS,
    STATES,
    ItemContext,
    draft_debate,
    draft_meeting,
    draft_proposal,
    number,
    spread,
)
from connector.simulator.threads import Target, draft_comments, number_comments
from connector.simulator.timeline import Timeline, build_timeline
from connector.simulator.vocabulary import es, make_frame, theme_of_space
from connector.simulator.world import Debate, Meeting, Proposal, World

WINDOW_DAYS = 84  # the generated world holds about 12 weeks of activity


def advance_world(world: World, days: float, seed: int) -> World:
    """A new ``World`` ``days`` after ``world.now``; ``world`` itself is not changed."""
    if days <= 0:
        raise ValueError(f"advance_world needs days > 0, got {days}")
    rng = random.Random(f"{seed}:advance:{world.now.isoformat()}:{days}")
    later = world.now.astimezone(UTC) + timedelta(days=days)
    timeline = build_timeline(later, world.timezone)
    ctx = _context(world, timeline)
    share = days / WINDOW_DAYS
    proposals, debates, meetings = _new_items(rng, ctx, world, share)
    evolved_proposals = tuple(_evolve_proposal(rng, p, world, timeline, share)
                              for p in world.proposals) + tuple(proposals)
    evolved_debates = tuple(replace(d, hidden=True) if rng.random() < 0.02 * share else d
                            for d in world.debates) + tuple(debates)
    evolved_meetings = tuple(_evolve_meeting(rng, m, timeline)
                             for m in world.meetings) + tuple(meetings)
    comments = [replace(c, hidden=True) if rng.random() < 0.003 else c for c in world.comments]
    targets = _targets(rng, ctx, world, {"proposal": proposals, "debate": debates,
                                         "meeting": meetings})
    drafts = draft_comments(rng, ctx, targets, max(1, round(len(world.comments) * share)),
                            timeline.now)
    first_comment = max((c.id for c in world.comments), default=0) + 1
    return replace(world, now=timeline.now, proposals=evolved_proposals,
                   debates=evolved_debates, meetings=evolved_meetings,
                   comments=tuple(comments) + tuple(number_comments(drafts, first_comment)))


def _context(world: World, timeline: Timeline) -> ItemContext:
    return ItemContext(
        timeline=timeline, frame=make_frame(),
        spaces={(s.kind, s.id): s for s in world.spaces},
        themes={(s.kind, s.id): theme_of_space(s) for s in world.spaces},
        users=tuple(p for p in world.people if p.kind == "User" and not p.deleted),
        groups=tuple(p for p in world.people if p.kind == "UserGroup"),
    )


def _new_items(rng: random.Random, ctx: ItemContext, world: World, share: float):
    tl, old_now = ctx.timeline, world.now

    def count(records: tuple[Any, ...]) -> int:
        return max(1, round(len(records) * share))

    def when() -> Any:
        return tl.between(rng, tl.shift(old_now, timedelta(seconds=1)), tl.now)

    proposals = number([
        draft_proposal(rng, ctx, comp, when()) for comp, _ in
        spread(rng, of_type(ctx, world.components, "Proposals"), count(world.proposals), [])
    ], Proposal, max(p.id for p in world.proposals) + 1)
    debates = number([
        draft_debate(rng, ctx, comp, when()) for comp, _ in
        spread(rng, of_type(ctx, world.components, "Debates"), count(world.debates), [])
    ], Debate, max(d.id for d in world.debates) + 1)
    meeting_drafts = []
    for comp, _ in spread(rng, of_type(ctx, world.components, "Meetings"),
                          count(world.meetings), []):
        start = tl.shift(when(), timedelta(days=rng.randint(2, 28)))
        draft = draft_meeting(rng, ctx, comp, start.replace(minute=0, second=0))
        draft["created_at"] = max(draft["created_at"], tl.shift(old_now, timedelta(seconds=1)),
                                  key=lambda t: t.timestamp())
        draft["updated_at"] = max(draft["updated_at"], draft["created_at"],
                                  key=lambda t: t.timestamp())
        meeting_drafts.append(draft)
    meetings = number(meeting_drafts, Meeting, max(m.id for m in world.meetings) + 1)
    return proposals, debates, meetings


def _evolve_proposal(rng: random.Random, p: Proposal, world: World, tl: Timeline,
                     share: float) -> Proposal:
    if p.published_at is None or p.hidden or p.withdrawn_at is not None:
        return p
    roll = rng.random()
    since = tl.shift(world.now, timedelta(seconds=1))
    if roll < 0.005:
        return replace(p, hidden=True)
    if roll < 0.015:
        when = tl.between(rng, since, tl.now)
        return replace(p, withdrawn_at=when, updated_at=when)
    if p.state is None and roll < 0.015 + 0.4 * min(1.0, share * 4):
        state = rng.choices(STATES, STATE_WEIGHTS)[0]
        when = tl.between(rng, since, tl.now)
        return replace(p, state=state, answer=es(f"<p>{ANSWERS[state]}</p>"), answered_at=when,
                       updated_at=when)
    if roll < 0.6:
        return replace(p, vote_count=p.vote_count + rng.randint(1, 6),
                       endorsements_count=p.endorsements_count + rng.randint(0, 2))
    return p


def _evolve_meeting(rng: random.Random, m: Meeting, tl: Timeline) -> Meeting:
    if not m.closed and m.end_time < tl.now and rng.random() < 0.5:
        return replace(m, closed=True, attendee_count=m.attendee_count or rng.randint(3, 60),
                       updated_at=tl.shift(tl.now, -timedelta(minutes=rng.randint(1, 600))))
    return m


def _targets(rng: random.Random, ctx: ItemContext, world: World,
             new: dict[str, list[Any]]) -> list[Target]:
    threads: dict[tuple[str, int], list[tuple[Any, int, Any]]] = {}
    for c in world.comments:
        if not c.hidden:
            threads.setdefault((c.item_kind, c.item_id), []).append((("id", c.id), c.depth,
                                                                    c.created_at))
    components = {c.id: c for c in world.components}
    since = ctx.timeline.shift(world.now, timedelta(seconds=1))
    targets = []
    records = {"proposal": world.proposals, "debate": world.debates, "meeting": world.meetings}
    for kind in records:
        for item in (*records[kind], *new[kind]):
            start = item.published_at if kind == "proposal" else item.created_at
            if start is None:
                continue
            theme = ctx.theme(components[item.component_id])
            begin = max(start, since, key=lambda t: t.timestamp())
            targets.append(Target(kind, item.id, begin, theme.hashtag,
                                  COMMENT_WEIGHT[kind] * rng.paretovariate(1.5),
                                  list(threads.get((kind, item.id), []))))
    return targets
