"""Connector models → store rows (pure): dicts with exactly the README's columns.

What the sync pipeline adds itself: ``first_seen_at``, ``last_seen_at`` and ``removed_at``.

Nulls: a missing title is ``""`` (titles are never NULL, so reports can always show one);
every other text column (``subtitle``, ``*_text``, ``*_html``, names) is NULL when Decidim
gave nothing usable (null, no translation, only blanks). Counters Decidim did not give stay
NULL (``vote_count`` is NULL when the component hides votes). Flags are 0/1, never NULL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any

from connector.models import Comment, ComponentRef, Debate, Item, Meeting, Named, Proposal, Space
from sync.privacy import author_key
from sync.text import (
    html_to_text,
    pick_text,
    plain,
    plain_hashtags,
    render_gids,
    scrub_mentions,
    to_date,
    to_utc,
)

Row = dict[str, Any]

#: models' space kind → the URL segment of its pages.
SPACE_PATHS = {"participatory_process": "processes", "assembly": "assemblies"}
#: item kind (component) → the ``item_type`` used in comments, history and departments.
ITEM_TYPES = {"proposals": "proposal", "debates": "debate", "meetings": "meeting"}
#: author ``__typename``s that are the organization itself (official items: no author key).
OFFICIAL_AUTHORS = frozenset({"Organization"})


@dataclass(frozen=True)
class Context:
    """What normalization needs besides the model: the instance and the author secret."""

    instance: str
    locale: str
    base_url: str
    secret: bytes
    zone: tzinfo = UTC
    #: author keys computed in this run, by (typename, id): one HMAC per participant
    authors: dict[tuple[str, str], str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Place:
    """Where an item lives: its component and that component's space."""

    component_id: int
    space_type: str
    space_id: int
    space_slug: str | None = None


def text_of(translations: Sequence[Any], ctx: Context) -> str | None:
    return plain(pick_text(translations, ctx.locale))


def title_of(translations: Sequence[Any], ctx: Context) -> str:
    return text_of(translations, ctx) or ""


def name_of(named: Named | None, ctx: Context) -> str | None:
    return None if named is None else html_to_text(pick_text(named.name, ctx.locale))


def names_json(items: Sequence[Named], ctx: Context) -> str:
    names = [n for n in (name_of(item, ctx) for item in items) if n]
    return json.dumps(names, ensure_ascii=False)


def flag(value: bool | None) -> int:
    return 1 if value else 0


def space_url(ctx: Context, space_type: str, slug: str | None, space_id: int) -> str:
    return f"{ctx.base_url}/{SPACE_PATHS[space_type]}/{slug or space_id}"


def component_url(ctx: Context, place: Place) -> str:
    base = space_url(ctx, place.space_type, place.space_slug, place.space_id)
    return f"{base}/f/{place.component_id}"


def item_url(ctx: Context, place: Place, kind: str, item_id: int) -> str:
    return f"{component_url(ctx, place)}/{kind}/{item_id}"


def space_place(space: Space, component: ComponentRef) -> Place:
    return Place(int(component.id), space.kind, int(space.id), space.slug)


def space_row(space: Space, ctx: Context) -> Row:
    description = pick_text(space.description, ctx.locale)
    end = space.end_date if space.kind == "participatory_process" else space.closing_date
    return {
        "instance": ctx.instance,
        "type": space.kind,
        "id": int(space.id),
        "slug": space.slug,
        "title": title_of(space.title, ctx),
        "subtitle": text_of(space.subtitle, ctx),
        "description_text": plain(description),
        "description_html": scrub_mentions(description),
        "hashtag": space.hashtag or None,
        "scope": name_of(space.scope, ctx),
        "area": name_of(space.area, ctx),
        "taxonomies": names_json(space.taxonomies, ctx),
        "categories": names_json(space.categories, ctx),
        "start_date": to_date(space.start_date),
        "end_date": to_date(end),
        "published_at": to_utc(space.published_at, ctx.zone),
        "url": space_url(ctx, space.kind, space.slug, int(space.id)),
    }


def component_row(space: Space, component: ComponentRef, ctx: Context) -> Row:
    place = space_place(space, component)
    return {
        "instance": ctx.instance,
        "id": place.component_id,
        "space_type": place.space_type,
        "space_id": place.space_id,
        "type": component.typename,
        "name": html_to_text(pick_text(component.name, ctx.locale)),
        "weight": component.weight,
        "url": component_url(ctx, place),
    }


def _author(item: Item | Comment, ctx: Context, official: bool = False) -> str | None:
    author = item.author
    if official or author is None or author.typename in OFFICIAL_AUTHORS:
        return None
    key = (author.typename, author.id)
    found = ctx.authors.get(key)
    if found is None:
        found = ctx.authors[key] = author_key(ctx.secret, author.typename, author.id)
    return found


def _item_common(
    item: Item, kind: str, body_text: str | None, place: Place, ctx: Context
) -> Row:
    """The columns every item has; ``body_text`` is its body or description, ``plain``."""
    item_id = int(item.id)
    title = text_of(item.title, ctx)
    return {
        "instance": ctx.instance,
        "id": item_id,
        "component_id": place.component_id,
        "space_type": place.space_type,
        "space_id": place.space_id,
        "title": title or "",
        "created_at": to_utc(item.created_at, ctx.zone),
        "updated_at": to_utc(item.updated_at, ctx.zone),
        "comments_count": item.total_comments_count,
        "category": name_of(item.category, ctx),
        "scope": name_of(item.scope, ctx),
        "taxonomies": names_json(item.taxonomies, ctx),
        "hashtags": json.dumps(plain_hashtags([title, body_text]), ensure_ascii=False),
        "url": item_url(ctx, place, kind, item_id),
    }


def _text_and_html(raw: str | None) -> tuple[str | None, str | None]:
    """``(plain(raw), scrub_mentions(raw))``, scrubbing once."""
    html = scrub_mentions(raw)
    return html_to_text(render_gids(html)), html


def proposal_row(item: Proposal, place: Place, ctx: Context) -> Row:
    body_text, body_html = _text_and_html(pick_text(item.body, ctx.locale))
    return {
        **_item_common(item, "proposals", body_text, place, ctx),
        "body_text": body_text,
        "body_html": body_html,
        "state": item.state,
        "withdrawn": flag(item.withdrawn or item.state == "withdrawn"),
        "withdrawn_at": to_utc(item.withdrawn_at, ctx.zone),
        "answered_at": to_utc(item.answered_at, ctx.zone),
        "published_at": to_utc(item.published_at, ctx.zone),
        "vote_count": item.vote_count,
        "endorsements_count": item.endorsements_count,
        "author_key": _author(item, ctx, official=bool(item.official)),
        "official": flag(item.official),
        "reference": item.reference,
        "address": item.address or None,
    }


def _timed_row(item: Debate | Meeting, table: str, place: Place, ctx: Context) -> Row:
    """What debates and meetings share: a description, dated by creation, with start/end."""
    description_text, description_html = _text_and_html(pick_text(item.description, ctx.locale))
    return {
        **_item_common(item, table, description_text, place, ctx),
        "description_text": description_text,
        "description_html": description_html,
        "published_at": to_utc(item.created_at, ctx.zone),
        "start_time": to_utc(item.start_time, ctx.zone),
        "end_time": to_utc(item.end_time, ctx.zone),
    }


def debate_row(item: Debate, place: Place, ctx: Context) -> Row:
    return {
        **_timed_row(item, "debates", place, ctx),
        "author_key": _author(item, ctx),
        "reference": getattr(item, "reference", None),
    }


def meeting_row(item: Meeting, place: Place, ctx: Context) -> Row:
    return {
        **_timed_row(item, "meetings", place, ctx),
        "type_of_meeting": item.type_of_meeting,
        "address": item.address or None,
        "closed": flag(item.closed),
        "withdrawn": flag(item.is_withdrawn or item.withdrawn),
        "attendee_count": item.attendee_count,
        "author_key": _author(item, ctx),
        "reference": item.reference,
    }


def item_row(item: Item, place: Place, ctx: Context) -> Row:
    """The row of a proposal, debate or meeting."""
    if isinstance(item, Proposal):
        return proposal_row(item, place, ctx)
    if isinstance(item, Debate):
        return debate_row(item, place, ctx)
    return meeting_row(item, place, ctx)


def comment_rows(
    item_type: str, item_id: int, comments: Sequence[Comment], place: Place, ctx: Context
) -> list[Row]:
    """The comment tree of one item, flattened depth-first with ``parent_id`` and ``depth``."""
    return list(_walk_comments(item_type, item_id, comments, place, ctx, None, 0))


def _walk_comments(
    item_type: str,
    item_id: int,
    comments: Sequence[Comment],
    place: Place,
    ctx: Context,
    parent_id: int | None,
    depth: int,
) -> Iterator[Row]:
    for comment in comments:
        comment_id = int(comment.id)
        row = {
            "instance": ctx.instance,
            "id": comment_id,
            "item_type": item_type,
            "item_id": item_id,
            "parent_id": parent_id,
            "depth": depth,
            "body_text": plain(comment.body),
            "alignment": comment.alignment,
            "up_votes": comment.up_votes,
            "down_votes": comment.down_votes,
            "published_at": to_utc(comment.created_at, ctx.zone),
            "author_key": _author(comment, ctx),
            "component_id": place.component_id,
            "space_type": place.space_type,
            "space_id": place.space_id,
        }
        yield row
        yield from _walk_comments(
            item_type, item_id, comment.replies, place, ctx, comment_id, depth + 1
        )


COUNTERS = ("vote_count", "endorsements_count", "comments_count")


def counters_of(row: Row) -> tuple[Any, ...]:
    """The counters an item row carries (NULL for those its type does not have)."""
    return tuple(row.get(name) for name in COUNTERS)
