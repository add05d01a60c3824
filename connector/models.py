"""Pydantic models of what Decidim's GraphQL API returns, as the client yields them.

These are *raw* models: field names follow the API (snake_case of its camelCase), text stays
translated (``list[Translation]``), timestamps stay as the server sent them (ISO 8601 with the
organization's offset). Normalization into store rows (locale choice, HTML stripping, UTC,
author hashing) happens in ``sync.normalize``; nothing here knows about SQLite.

Parsing is lenient about what varies across releases (0.27–0.30) and plugins: missing keys
default to ``None``/empty, ``null`` list items are dropped, unknown keys are ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel


def _drop_nulls(value: Any) -> Any:
    """Newer servers put ``null`` in lists for objects the caller may not see."""
    if value is None:
        return []
    if type(value) is list and None in value:  # a C-level scan; copies only when needed
        return [v for v in value if v is not None]
    return value


class _Raw(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class Translation(_Raw):
    locale: str
    text: str | None = None
    machine_translated: bool = False


Translated = Annotated[list[Translation], BeforeValidator(_drop_nulls)]


def _translations(value: Any) -> Any:
    """Accept ``{"translations": [...]}`` (the query shape) or a bare list."""
    if isinstance(value, dict):
        value = value.get("translations")
    return _drop_nulls(value)


TranslatedField = Annotated[list[Translation], BeforeValidator(_translations)]


class AuthorRef(_Raw):
    """Only the id and kind: participa never reads names or nicknames."""

    id: str
    typename: str = Field(default="User", alias="__typename")


class Named(_Raw):
    """A category, scope, area or taxonomy: an id and a translated name."""

    id: str
    name: TranslatedField = []


class Comment(_Raw):
    id: str
    body: str | None = None
    created_at: str | None = None
    alignment: int | None = None
    up_votes: int | None = None
    down_votes: int | None = None
    author: AuthorRef | None = None
    replies: Annotated[list[Comment], BeforeValidator(_drop_nulls)] = Field(
        default=[], alias="comments"
    )


class ComponentRef(_Raw):
    id: str
    typename: str = Field(alias="__typename")
    name: TranslatedField = []
    weight: int | None = None


SpaceKind = Literal["participatory_process", "assembly"]


class Space(_Raw):
    """A participatory process or an assembly, with its published components."""

    kind: SpaceKind
    id: str
    slug: str | None = None
    hashtag: str | None = None
    title: TranslatedField = []
    subtitle: TranslatedField = []
    short_description: TranslatedField = []
    description: TranslatedField = []
    start_date: str | None = None
    end_date: str | None = None
    closing_date: str | None = None
    published_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    scope: Named | None = None
    area: Named | None = None
    taxonomies: Annotated[list[Named], BeforeValidator(_drop_nulls)] = []
    categories: Annotated[list[Named], BeforeValidator(_drop_nulls)] = []
    components: Annotated[list[ComponentRef], BeforeValidator(_drop_nulls)] = []


class _Item(_Raw):
    id: str
    title: TranslatedField = []
    created_at: str | None = None
    updated_at: str | None = None
    category: Named | None = None
    scope: Named | None = None
    taxonomies: Annotated[list[Named], BeforeValidator(_drop_nulls)] = []
    author: AuthorRef | None = None
    total_comments_count: int | None = None
    comments: Annotated[list[Comment], BeforeValidator(_drop_nulls)] = []


class Proposal(_Item):
    body: TranslatedField = []
    state: str | None = None
    withdrawn: bool | None = None
    withdrawn_at: str | None = None
    answered_at: str | None = None
    published_at: str | None = None
    vote_count: int | None = None
    endorsements_count: int | None = None
    reference: str | None = None
    address: str | None = None
    official: bool | None = None


class Debate(_Item):
    description: TranslatedField = []
    reference: str | None = None
    start_time: str | None = None
    end_time: str | None = None


class Meeting(_Item):
    description: TranslatedField = []
    type_of_meeting: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    address: str | None = None
    closed: bool | None = None
    is_withdrawn: bool | None = None
    withdrawn: bool | None = None
    private_meeting: bool | None = None
    transparent: bool | None = None
    attendee_count: int | None = None
    reference: str | None = None


Item = Proposal | Debate | Meeting

ItemKind = Literal["proposals", "debates", "meetings"]

#: component ``__typename`` → the kind of items it holds (others are not synced).
COMPONENT_KINDS: dict[str, ItemKind] = {
    "Proposals": "proposals",
    "Debates": "debates",
    "Meetings": "meetings",
}


class ItemPage(_Raw):
    """One page of one component's items, with the cursor to resume after it."""

    component_id: str
    kind: ItemKind
    items: list[Proposal] | list[Debate] | list[Meeting]
    end_cursor: str | None = None
    has_next_page: bool = False
    null_nodes: int = 0  # null entries the server listed here (items hidden from this caller)
    #: more pages of the same answer follow at once (no request in between): a saver may
    #: commit them together
    more_in_answer: bool = False


class Features(_Raw):
    """What the server's schema supports, found by probing (not by the version string)."""

    version: str | None = None
    taxonomies: bool = False  # items and spaces have `taxonomies` (0.30+)
    categories: bool = True  # items have `category` (≤ 0.29)
    scopes: bool = True  # items and processes have `scope` (≤ 0.29)
    withdrawn_field: bool = False  # proposals/meetings have `withdrawn` (0.29+)
    endorsements: bool = True  # `endorsementsCount` (≤ 0.30); 0.31+ has `likesCount`
    likes: bool = False
    hashtags: bool = True  # spaces have `hashtag` (hashtags were removed in 0.31)
    space_categories: bool = True  # spaces have `categories`
    comment_depth: int = 3  # reply levels fetched below a root comment (1 under 0.30.5+ limits)
    max_aliases: int | None = None  # None: no alias limit detected
