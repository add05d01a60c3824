"""Resolvers for the root query, spaces, components and the shared types.

Each resolver is ``fn(obj, ctx, **arguments)``; ``RESOLVERS`` maps (type, field) to it. Fields
not listed fall back to the record's snake_case attribute (or a dict key).
"""

from __future__ import annotations

from typing import Any

from connector.simulator.context import (
    ORGANIZATION_LOCALES,
    RequestContext,
    published_window,
    translation,
    translations,
)
from connector.simulator.paging import sort_records
from connector.simulator.sdl import DECIDIM_VERSIONS
from connector.simulator.world import Component, Named, Space, Text, space_listed

SPACE_CLASS = {
    "participatory_process": "Decidim::ParticipatoryProcess",
    "assembly": "Decidim::Assembly",
}
SPACE_TYPENAME = {"participatory_process": "ParticipatoryProcess", "assembly": "Assembly"}
SPACE_ORDER = {
    "id": lambda s: s.id,
    "publishedAt": lambda s: s.published_at,
    "startDate": lambda s: s.start_date,
}
COMPONENT_ORDER = {
    "id": lambda c: c.id,
    "weight": lambda c: c.weight,
    "type": lambda c: c.type_name,
    "name": lambda c: c.name.values.get("es", ""),
}


def _spaces(ctx: RequestContext, kind: str, filter=None, order=None) -> list[Space]:
    spaces = ctx.world.visible_spaces(kind)  # type: ignore[arg-type]
    spaces = published_window(spaces, filter, ctx)
    if filter and filter.get("hashtag"):
        wanted = filter["hashtag"].lstrip("#").lower()
        spaces = [s for s in spaces if (s.hashtag or "").lower() == wanted]
    return sort_records(spaces, order, SPACE_ORDER)


def _space_by_id(ctx: RequestContext, kind: str, space_id: Any) -> Space | None:
    number = _int(space_id)
    space = ctx.index.spaces.get((kind, number)) if number is not None else None
    return space if space is not None and space_listed(space) else None


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def process(_: Any, ctx: RequestContext, id=None, slug=None) -> Space | None:
    if id is not None:
        return _space_by_id(ctx, "participatory_process", id)
    matches = [s for s in ctx.world.visible_spaces("participatory_process") if s.slug == slug]
    return matches[0] if matches else None


def component(_: Any, ctx: RequestContext, id) -> Component | None:
    found = ctx.index.components.get(_int(id))  # type: ignore[arg-type]
    return found if ctx.index.component_visible(found) else None


def space_components(space: Space, ctx: RequestContext, filter=None, order=None):
    found = [c for c in ctx.index.components_of.get((space.kind, space.id), [])
             if ctx.index.component_visible(c)]
    if filter:
        if filter.get("type"):
            found = [c for c in found if c.type_name.lower() == filter["type"].lower()]
        if filter.get("name"):
            locale = filter.get("locale") or "es"
            needle = filter["name"].lower()
            found = [c for c in found if needle in (translation(c.name, locale) or "").lower()]
        found = published_window(found, filter, ctx)
    return sort_records(found, order, COMPONENT_ORDER)


def space_stats(space: Space, ctx: RequestContext) -> list[dict[str, Any]]:
    components = space_components(space, ctx)
    counts = {"proposals_count": 0, "debates_count": 0, "meetings_count": 0}
    for comp in components:
        kind = {"Proposals": "proposal", "Debates": "debate", "Meetings": "meeting"}.get(
            comp.type_name)
        if kind:
            counts[f"{kind}s_count"] += len(ctx.index.listed_items(kind, comp.id, ctx.release))
    return [{"name": "components_count", "value": len(components)}] + [
        {"name": name, "value": value} for name, value in counts.items()
    ]


def organization_stats(ctx: RequestContext) -> list[dict[str, Any]]:
    world = ctx.world
    return [
        {"name": "users_count", "value": sum(1 for p in world.people if p.kind == "User")},
        {"name": "processes_count", "value": len(world.visible_spaces("participatory_process"))},
        {"name": "assemblies_count", "value": len(world.visible_spaces("assembly"))},
        {"name": "proposals_count", "value": len(world.visible_proposals(ctx.release))},
        {"name": "meetings_count", "value": len(world.visible_meetings(ctx.release))},
        {"name": "debates_count", "value": len(world.visible_debates(ctx.release))},
        {"name": "comments_count", "value": len(world.visible_comments(ctx.release))},
    ]


def organization(_: Any, ctx: RequestContext) -> dict[str, Any]:
    name = ctx.world.organization_name
    return {
        "name": name if ctx.since("0.29") else name.values.get("es"),
        "stats": organization_stats(ctx),
        "taxonomies": [t for t in ctx.world.taxonomies if t.parent_id is None],
    }


METRIC_COUNTS = {
    "participatory_processes": lambda ctx: len(ctx.world.visible_spaces("participatory_process")),
    "assemblies": lambda ctx: len(ctx.world.visible_spaces("assembly")),
    "proposals": lambda ctx: len(ctx.world.visible_proposals(ctx.release)),
    "meetings": lambda ctx: len(ctx.world.visible_meetings(ctx.release)),
    "debates": lambda ctx: len(ctx.world.visible_debates(ctx.release)),
    "comments": lambda ctx: len(ctx.world.visible_comments(ctx.release)),
    "users": lambda ctx: sum(1 for p in ctx.world.people if p.kind == "User"),
}


def metrics(_: Any, ctx: RequestContext, names=None, space_type=None, space_id=None):
    """Precomputed-style metrics: a count and an empty history (the cron never ran)."""
    wanted = names or list(METRIC_COUNTS)
    return [{"name": n, "count": METRIC_COUNTS[n](ctx), "history": []}
            for n in wanted if n in METRIC_COUNTS]


def _named(table: str):
    def resolve(obj: Any, ctx: RequestContext) -> Named | None:
        return ctx.index.named(table, getattr(obj, f"{table}_id"))
    return resolve


def _taxonomies(obj: Any, ctx: RequestContext) -> list[Named]:
    return [ctx.index.taxonomies[t] for t in obj.taxonomy_ids]


def _categories(space: Space, ctx: RequestContext, filter=None) -> list[Named]:
    found = [ctx.index.categories[c] for c in space.category_ids]
    found += [child for c in space.category_ids for child in ctx.index.children("category", c)]
    parents = {_int(p) for p in (filter or {}).get("parentId") or []}
    return [c for c in found if not parents or c.parent_id in parents]


def _tree(kind: str):
    return {
        "parent": lambda n, ctx: ctx.index.named(kind, n.parent_id),
        "children": lambda n, ctx: ctx.index.children(kind, n.id),
    }


SPACE_FIELDS = {
    "type": lambda s, ctx: SPACE_CLASS[s.kind],
    "components": space_components,
    "stats": space_stats,
    "taxonomies": _taxonomies,
    "categories": _categories,
    "scope": _named("scope"),
    "area": _named("area"),
    "closingDate": lambda s, ctx: s.end_date,
    "creationDate": lambda s, ctx: s.start_date,
    "reference": lambda s, ctx: f"VALPO-{'PART' if s.kind != 'assembly' else 'ASSE'}-"
    f"{s.created_at:%Y-%m}-{s.id}",
    "children": lambda s, ctx: [],
    "childrenCount": lambda s, ctx: 0,
    "parent": lambda s, ctx: None,
    "privateSpace": lambda s, ctx: s.private,
    "isTransparent": lambda s, ctx: False,
    "scopesEnabled": lambda s, ctx: s.scope_id is not None,
}

COMPONENT_FIELDS = {
    "participatorySpace": lambda c, ctx: ctx.index.spaces[(c.space_kind, c.space_id)],
}

RESOLVERS: dict[tuple[str, str], Any] = {
    ("Query", "participatoryProcesses"): lambda _, ctx, **a: _spaces(
        ctx, "participatory_process", **a),
    ("Query", "assemblies"): lambda _, ctx, **a: _spaces(ctx, "assembly", **a),
    ("Query", "participatoryProcess"): process,
    ("Query", "assembly"): lambda _, ctx, id=None: _space_by_id(ctx, "assembly", id),
    ("Query", "component"): component,
    ("Query", "decidim"): lambda _, ctx: {
        "version": DECIDIM_VERSIONS[ctx.release], "applicationName": "Participa Valparaíso"},
    ("Query", "organization"): organization,
    ("Query", "metrics"): metrics,
    ("TranslatedField", "locales"): lambda t, ctx: list(t.values),
    ("TranslatedField", "translation"): lambda t, ctx, locale: translation(t, locale),
    ("TranslatedField", "translations"): lambda t, ctx, locales=None: translations(t, locales),
    ("Category", "subcategories"): lambda n, ctx: ctx.index.children("category", n.id),
    ("Category", "parent"): _tree("category")["parent"],
    ("Scope", "parent"): _tree("scope")["parent"],
    ("Scope", "children"): _tree("scope")["children"],
    ("Taxonomy", "parent"): _tree("taxonomy")["parent"],
    ("Taxonomy", "children"): _tree("taxonomy")["children"],
    ("Taxonomy", "isRoot"): lambda n, ctx: n.parent_id is None,
    ("Area", "createdAt"): lambda n, ctx: ctx.world.spaces[0].created_at,
    ("Area", "updatedAt"): lambda n, ctx: ctx.world.spaces[0].created_at,
}
for _type in ("ParticipatoryProcess", "Assembly", "ParticipatorySpace"):
    RESOLVERS.update({(_type, f): fn for f, fn in SPACE_FIELDS.items()})
for _type in ("Proposals", "Debates", "Meetings", "Pages", "Blogs", "Budgets", "Surveys",
              "Component"):
    RESOLVERS.update({(_type, f): fn for f, fn in COMPONENT_FIELDS.items()})

ALL_LOCALES = ORGANIZATION_LOCALES
EMPTY = Text({})
