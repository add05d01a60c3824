"""Proposals, debates and meetings of the generated world (drafted, then numbered by time)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connector.simulator import catalog
from connector.simulator.catalog import Theme
from connector.simulator.timeline import Timeline
from connector.simulator.vocabulary import Frame, es
from connector.simulator.world import Component, Person, Space, Text

STATES = ("accepted", "rejected", "evaluating", "not_answered")
STATE_WEIGHTS = (4, 2.5, 2.5, 1)


@dataclass(frozen=True)
class ItemContext:
    timeline: Timeline
    frame: Frame
    spaces: dict[tuple[str, int], Space]
    themes: dict[tuple[str, int], Theme]
    users: tuple[Person, ...]  # not deleted
    groups: tuple[Person, ...]

    def theme(self, component: Component) -> Theme:
        return self.themes[(component.space_kind, component.space_id)]

    def space(self, component: Component) -> Space:
        return self.spaces[(component.space_kind, component.space_id)]


def number(drafts: list[dict[str, Any]], cls: type, first_id: int) -> list[Any]:
    """Give drafts ids in creation order (Decidim ids grow with time)."""
    drafts.sort(key=lambda d: d["created_at"])
    return [cls(id=first_id + i, **draft) for i, draft in enumerate(drafts)]


def _title(rng: random.Random, templates, sector: str, space_title: str, hostile: bool) -> Text:
    es_text, en_text = rng.choice(templates)
    es_text = es_text.format(lugar=sector, espacio=space_title)
    if hostile:
        es_text = f"{es_text} {rng.choice(catalog.HOSTILE)}"
    roll = rng.random()
    if roll < 0.05:
        return es(es_text, en=en_text.format(lugar=sector, espacio=space_title))
    if roll < 0.25:
        return es(es_text, machine_en=en_text.format(lugar=sector, espacio=space_title))
    return es(es_text)


def _body(rng: random.Random, theme: Theme, sector: str, hostile: bool) -> Text:
    parts = [f"<p>Proponemos avanzar en {theme.subtitle.lower()} en {sector}.</p>"]
    if rng.random() < 0.5:
        parts.append("<p><strong>Por qué:</strong> lo pidieron las vecinas y vecines.</p>")
    if rng.random() < 0.3:
        parts.append('<p>Más información en <a href="https://www.municipalidaddevalparaiso.cl">'
                     "la web municipal</a>.</p>")
    if rng.random() < 0.35:
        parts.append(f"<p>#{theme.hashtag}</p>")
    if hostile:
        parts.append(f"<p>{rng.choice(catalog.HOSTILE)}</p>")
    return es("".join(parts))


def _classification(rng: random.Random, ctx: ItemContext, component: Component, sector: str):
    space = ctx.space(component)
    category = rng.choice(space.category_ids) if rng.random() < 0.7 else None
    scope = ctx.frame.scope_ids[sector] if rng.random() < 0.6 else None
    taxonomies = tuple(dict.fromkeys((*space.taxonomy_ids[:2], ctx.frame.taxonomy_ids[sector])))
    return {"category_id": category, "scope_id": scope, "taxonomy_ids": taxonomies}


def draft_proposal(rng: random.Random, ctx: ItemContext, component: Component,
                   published: datetime) -> dict[str, Any]:
    tl, theme, sector = ctx.timeline, ctx.theme(component), rng.choice(catalog.SECTORS)
    hostile = rng.random() < 0.04
    draft = rng.random() < 0.02
    state = answer = answered = withdrawn = None
    if rng.random() < 0.05:
        withdrawn = tl.between(rng, published, tl.now)
    elif rng.random() < 0.4:
        state = rng.choices(STATES, STATE_WEIGHTS)[0]
        answer = es(f"<p>{catalog.ANSWERS[state]}</p>")
        answered = tl.between(rng, published, tl.now)
    official = rng.random() < 0.08
    with_address = rng.random() < 0.3
    return {
        "component_id": component.id,
        "title": _title(rng, theme.ideas, sector, theme.title[0], hostile),
        "body": _body(rng, theme, sector, hostile),
        "created_at": tl.shift(published, -timedelta(minutes=rng.randint(1, 600))),
        "updated_at": max((t for t in (published, answered, withdrawn) if t is not None),
                          key=lambda t: t.timestamp()),
        "published_at": None if draft else published,
        "state": state, "answer": answer, "answered_at": answered, "withdrawn_at": withdrawn,
        "vote_count": min(int(rng.paretovariate(1.3) * 2) - 2, 4000),
        "endorsements_count": min(int(rng.paretovariate(1.6)) - 1, 900),
        "authors": () if official else _coauthors(rng, ctx),
        "address": f"{rng.choice(catalog.STREETS)} {rng.randint(10, 2999)}, Valparaíso"
        if with_address else None,
        "coordinates": (round(-33.04 - rng.random() / 50, 6), round(-71.61 + rng.random() / 50, 6))
        if with_address else None,
        "hidden": rng.random() < 0.02,
        **_classification(rng, ctx, component, sector),
    }


def _coauthors(rng: random.Random, ctx: ItemContext) -> tuple[tuple[str, int], ...]:
    if rng.random() < 0.12:
        return (("UserGroup", rng.choice(ctx.groups).id), ("User", rng.choice(ctx.users).id))
    count = 1 if rng.random() < 0.85 else 2
    return tuple(("User", u.id) for u in rng.sample(ctx.users, count))


def _author(rng: random.Random, ctx: ItemContext, official_share: float):
    if rng.random() < official_share:
        return None
    if rng.random() < 0.1:
        return ("UserGroup", rng.choice(ctx.groups).id)
    return ("User", rng.choice(ctx.users).id)


def draft_debate(rng: random.Random, ctx: ItemContext, component: Component,
                 created: datetime) -> dict[str, Any]:
    tl, theme, sector = ctx.timeline, ctx.theme(component), rng.choice(catalog.SECTORS)
    timed = rng.random() < 0.4
    start = tl.shift(created, timedelta(days=rng.randint(0, 5))) if timed else None
    return {
        "component_id": component.id,
        "title": _title(rng, catalog.DEBATE_TITLES, sector, theme.title[0], rng.random() < 0.03),
        "description": _body(rng, theme, sector, False),
        "instructions": es("<p>Respeta las normas de convivencia.</p>"),
        "created_at": created, "updated_at": tl.between(rng, created, tl.now),
        "start_time": start,
        "end_time": tl.shift(start, timedelta(days=rng.randint(7, 30))) if start else None,
        "author": _author(rng, ctx, 0.2),
        "hidden": rng.random() < 0.02,
        **_classification(rng, ctx, component, sector),
    }


def draft_meeting(rng: random.Random, ctx: ItemContext, component: Component,
                  start: datetime) -> dict[str, Any]:
    tl, theme, sector = ctx.timeline, ctx.theme(component), rng.choice(catalog.SECTORS)
    kind = rng.choices(("in_person", "hybrid", "online"), (2, 1, 1))[0]
    created = min(tl.shift(start, -timedelta(days=rng.randint(3, 30), hours=rng.randint(0, 9))),
                  tl.shift(tl.now, -timedelta(hours=1)), key=lambda t: t.timestamp())
    private = rng.random() < 0.06
    past = start < tl.now
    street = f"{rng.choice(catalog.STREETS)} {rng.randint(10, 2999)}, Valparaíso"
    return {
        "component_id": component.id,
        "title": _title(rng, catalog.MEETING_TITLES[2:] if kind == "online"
                        else catalog.MEETING_TITLES[:2], sector, theme.title[0], False),
        "description": _body(rng, theme, sector, rng.random() < 0.03),
        "created_at": created, "updated_at": tl.between(rng, created, tl.now),
        "start_time": start,
        "end_time": tl.shift(start, timedelta(hours=rng.choice((1, 2, 3)))),
        "type_of_meeting": kind,
        "address": "" if kind == "online" else street,
        "location": es("" if kind == "online" else f"Sede vecinal {sector}"),
        "online_url": "" if kind == "in_person"
        else f"https://meet.jit.si/valpo-{rng.randint(1, 10**6)}",
        "closed": past and rng.random() < 0.6,
        "withdrawn_at": tl.between(rng, created, tl.now) if rng.random() < 0.03 else None,
        "private": private, "transparent": private and rng.random() < 0.5,
        "attendee_count": rng.randint(3, 80) if past else 0,
        "author": _author(rng, ctx, 0.6),
        "published": rng.random() > 0.03, "hidden": rng.random() < 0.01,
        **_classification(rng, ctx, component, sector),
    }


def meeting_start(rng: random.Random, tl: Timeline) -> datetime:
    """A plausible local start time: 10:00, 12:00, 18:00 or 19:00, past or in the next 4 weeks."""
    future = rng.random() < 0.3
    low, high = (tl.now, tl.shift(tl.now, timedelta(weeks=4))) if future else (tl.start, tl.now)
    day = tl.between(rng, low, high)
    hour = rng.choice((10, 12, 18, 19))
    return tl.local(day.replace(hour=hour, minute=0, second=0))


Candidates = tuple[list[Component], list[float]]  # components and their draw weights


def spread(rng: random.Random, candidates: Candidates, count: int,
           when: list[datetime | None]) -> list[tuple[Component, datetime | None]]:
    """``count`` (component, special time or None) pairs, components drawn by weight."""
    components, weights = candidates
    chosen = rng.choices(components, weights, k=count)
    return [(c, when[i] if i < len(when) else None) for i, c in enumerate(chosen)]
