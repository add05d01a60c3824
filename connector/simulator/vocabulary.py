"""The world's fixed frame: people, scopes, areas, taxonomies, spaces, categories, components."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from connector.simulator import catalog
from connector.simulator.catalog import Theme
from connector.simulator.timeline import Timeline
from connector.simulator.world import Component, Named, Person, Space, Text

SYNCED_TYPES = ("Proposals", "Debates", "Meetings")
#: extra components handed round-robin to visible spaces: (type, votes hidden, published)
EXTRAS = (
    ("Pages", False, True), ("Proposals", True, True), ("Blogs", False, True),
    ("Budgets", False, True), ("Proposals", False, False), ("Surveys", False, True),
    ("Component", False, True), ("Meetings", False, False),
)


def es(text: str, en: str | None = None, machine_en: str | None = None) -> Text:
    values = {"es": text} if en is None else {"es": text, "en": en}
    return Text(values, {"en": machine_en} if machine_en else {})


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "_" for c in ascii_text.lower()).strip("_")


def make_people(rng: random.Random, users: int) -> tuple[Person, ...]:
    """Users (ids 1..users) then user groups; both live in Decidim's one users table."""
    people = []
    for user_id in range(1, users + 1):
        name = f"{rng.choice(catalog.FIRST_NAMES)} {rng.choice(catalog.SURNAMES)}"
        deleted = rng.random() < 0.01
        people.append(Person("User", user_id, "" if deleted else name,
                             "" if deleted else f"{slugify(name)}{user_id}", deleted=deleted))
    for offset, name in enumerate(catalog.GROUP_NAMES, start=1):
        group_id = users + offset
        people.append(Person("UserGroup", group_id, name, slugify(name)[:20], verified=True))
    return tuple(people)


@dataclass(frozen=True)
class Frame:
    """Named records with lookups by name, for the generators."""

    scopes: tuple[Named, ...]
    areas: tuple[Named, ...]
    taxonomies: tuple[Named, ...]
    scope_ids: dict[str, int]
    area_ids: dict[str, int]
    taxonomy_ids: dict[str, int]


def make_frame() -> Frame:
    scopes = [Named(1, es("Valparaíso"))] + [
        Named(i, es(name), 1) for i, name in enumerate(catalog.SECTORS, start=2)
    ]
    areas = [Named(i, es(name)) for i, name in enumerate(catalog.AREAS, start=1)]
    roots = (("Departamentos", catalog.DEPARTMENTS), ("Secciones", catalog.SECTIONS),
             ("Territorios", catalog.SECTORS), ("Temas", catalog.TOPICS))
    taxonomies = [Named(i, es(name)) for i, (name, _) in enumerate(roots, start=1)]
    for root_id, (_, children) in enumerate(roots, start=1):
        taxonomies += [Named(len(taxonomies) + 1 + i, es(c), root_id) for i, c in
                       enumerate(children)]
    return Frame(
        scopes=tuple(scopes),
        areas=tuple(areas),
        taxonomies=tuple(taxonomies),
        scope_ids={s.name.values["es"]: s.id for s in scopes},
        area_ids={a.name.values["es"]: a.id for a in areas},
        taxonomy_ids={t.name.values["es"]: t.id for t in taxonomies if t.parent_id},
    )


def pick_themes(scale: str, count: int) -> list[tuple[Theme, int]]:
    """(theme, edition) pairs: the tiny world's four themes, else every theme in turn."""
    if scale == "tiny":
        by_slug = {t.slug: t for t in catalog.THEMES}
        return [(by_slug[slug], 0) for slug in catalog.TINY_THEMES]
    themes = catalog.THEMES
    return [(themes[i % len(themes)], i // len(themes)) for i in range(count)]


def make_spaces(rng, timeline: Timeline, frame: Frame, picked, hidden: int):
    """Spaces, their categories, and each space's theme (published ones, then ``hidden``)."""
    counters = {"participatory_process": 0, "assembly": 0}
    spaces: list[Space] = []
    categories: list[Named] = []
    theme_of: dict[tuple[str, int], Theme] = {}
    extras = [(catalog.THEMES[0], -1), (catalog.THEMES[10], -2)][:hidden]
    for theme, edition in [*picked, *extras]:
        counters[theme.kind] += 1
        space_id = counters[theme.kind]
        cat_ids = []
        for name in theme.categories:
            categories.append(Named(len(categories) + 1, es(name)))
            cat_ids.append(len(categories))
        categories.append(Named(len(categories) + 1, es(f"{theme.categories[0]}: territorio"),
                                cat_ids[0]))
        space = _space(rng, timeline, frame, theme, edition, space_id, tuple(cat_ids))
        spaces.append(space)
        theme_of[(space.kind, space.id)] = theme
    return spaces, categories, theme_of


def _space(rng, timeline: Timeline, frame: Frame, theme: Theme, edition: int, space_id: int,
           category_ids: tuple[int, ...]) -> Space:
    suffix = "" if edition <= 0 else f"-{edition + 1}"
    title = theme.title[0] if edition <= 0 else f"{theme.title[0]} (edición {edition + 1})"
    if edition < 0:
        label = "borrador" if theme.kind == "participatory_process" else "comite-interno"
        suffix, title = f"-{label}", f"{theme.title[0]} ({label.replace('-', ' ')})"
    recent = rng.random() < 0.2
    low = timeline.start if recent else timeline.shift(timeline.now, -timedelta(days=420))
    high = timeline.shift(timeline.now, -timedelta(days=1 if recent else 90))
    published = timeline.between(rng, low, high)
    created = timeline.shift(published, -timedelta(days=rng.randint(1, 30),
                                                   minutes=rng.randint(0, 600)))
    start = published.date() + timedelta(days=rng.randint(0, 10))
    end = start + timedelta(days=rng.randint(60, 400))
    tax = [frame.taxonomy_ids[n] for n in (theme.department, theme.section, theme.topic) if n]
    sector = rng.choice(catalog.SECTORS)
    is_process = theme.kind == "participatory_process"
    return Space(
        kind="participatory_process" if is_process else "assembly", id=space_id,
        slug=theme.slug + suffix,
        hashtag=theme.hashtag if edition <= 0 else f"{theme.hashtag}{edition + 1}",
        title=es(title, machine_en=theme.title[1]),
        subtitle=es(theme.subtitle),
        short_description=es(f"<p>{theme.description}</p>"),
        description=es(f"<p>{theme.description}</p><p><strong>Valparaíso</strong> "
                       f"#{theme.hashtag}</p>", machine_en=f"<p>{theme.title[1]}</p>"),
        start_date=start, end_date=end if is_process else None,
        published_at=None if edition < 0 and is_process else published,
        created_at=created, updated_at=timeline.between(rng, published, timeline.now),
        scope_id=frame.scope_ids[sector] if is_process and rng.random() < 0.7 else None,
        area_id=frame.area_ids.get(theme.department or "Participación Ciudadana")
        if not is_process else None,
        category_ids=category_ids, taxonomy_ids=(*tax, frame.taxonomy_ids[sector]),
        department=theme.department, private=edition < 0 and not is_process,
        promoted=edition == 0 and rng.random() < 0.3,
    )


def make_components(rng, timeline: Timeline, spaces: list[Space],
                    extra_count: int) -> list[Component]:
    visible = [s for s in spaces if s.published_at is not None and not s.private]
    plan: dict[tuple[str, int], list[tuple[str, bool, bool]]] = {
        (s.kind, s.id): [(t, False, True) for t in SYNCED_TYPES] for s in spaces
    }
    for i in range(extra_count):
        space = visible[i % len(visible)]
        plan[(space.kind, space.id)].append(EXTRAS[i % len(EXTRAS)])
    components: list[Component] = []
    for space in spaces:
        for weight, (type_name, votes_hidden, published) in enumerate(plan[(space.kind, space.id)]):
            es_name, en_name = catalog.COMPONENT_NAMES[type_name]
            when = timeline.shift(space.published_at or space.created_at,
                                  timedelta(hours=rng.randint(1, 48)))
            components.append(Component(
                id=len(components) + 1, space_kind=space.kind, space_id=space.id,
                type_name=type_name, name=es(es_name, en_name), weight=weight,
                published_at=when if published else None, votes_hidden=votes_hidden,
            ))
    return components


def theme_of_space(space: Space) -> Theme:
    """The catalog theme a generated space came from (its slug starts with the theme's)."""
    matches = [t for t in catalog.THEMES if t.kind == space.kind and space.slug.startswith(t.slug)]
    if not matches:
        raise ValueError(f"space {space.slug!r} does not come from the catalog")
    return max(matches, key=lambda t: len(t.slug))
