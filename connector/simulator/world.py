"""The simulated Decidim instance's data: frozen records and the ``World`` that holds them.

Records are release-independent; what each release *shows* (withdrawn proposals, hidden
votes, ...) is decided by the ``visible_*`` helpers here and the resolvers. Datetimes are
aware and already in the organization's time zone, so they serialize with the right offset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Literal

from connector.simulator.sdl import release_key

SpaceKind = Literal["participatory_process", "assembly"]
ItemKind = Literal["proposal", "debate", "meeting"]
PersonRef = tuple[str, int]  # ("User" | "UserGroup", id)


@dataclass(frozen=True, slots=True)
class Text:
    """A Decidim translatable value: human texts by locale, plus machine translations."""

    values: dict[str, str]
    machine: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Named:
    """A category, scope, area or taxonomy."""

    id: int
    name: Text
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class Person:
    kind: Literal["User", "UserGroup"]
    id: int
    name: str
    nickname: str
    deleted: bool = False
    verified: bool = False


@dataclass(frozen=True, slots=True)
class Space:
    kind: SpaceKind
    id: int
    slug: str
    hashtag: str | None
    title: Text
    subtitle: Text
    short_description: Text
    description: Text
    start_date: date | None  # processes: start; assemblies: creation date
    end_date: date | None  # processes: end; assemblies: closing date
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    scope_id: int | None
    area_id: int | None
    category_ids: tuple[int, ...]
    taxonomy_ids: tuple[int, ...]
    department: str | None  # the municipal department the theme belongs to (ground truth)
    private: bool = False
    promoted: bool = False


@dataclass(frozen=True, slots=True)
class Component:
    id: int
    space_kind: SpaceKind
    space_id: int
    type_name: str  # Decidim __typename: Proposals, Debates, Meetings, Pages, ..., Component
    name: Text
    weight: int
    published_at: datetime | None
    votes_hidden: bool = False


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    component_id: int
    title: Text
    body: Text
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    state: str | None  # the published answer's state; None until answered
    answer: Text | None
    answered_at: datetime | None
    withdrawn_at: datetime | None
    vote_count: int
    endorsements_count: int
    authors: tuple[PersonRef, ...]  # empty for official proposals
    category_id: int | None
    scope_id: int | None
    taxonomy_ids: tuple[int, ...]
    address: str | None
    coordinates: tuple[float, float] | None
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class Debate:
    id: int
    component_id: int
    title: Text
    description: Text
    instructions: Text
    created_at: datetime
    updated_at: datetime
    start_time: datetime | None
    end_time: datetime | None
    author: PersonRef | None  # None for official debates
    category_id: int | None
    scope_id: int | None
    taxonomy_ids: tuple[int, ...]
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    component_id: int
    title: Text
    description: Text
    created_at: datetime
    updated_at: datetime
    start_time: datetime
    end_time: datetime
    type_of_meeting: Literal["in_person", "online", "hybrid"]
    address: str
    location: Text
    online_url: str
    closed: bool
    withdrawn_at: datetime | None
    private: bool
    transparent: bool
    attendee_count: int
    author: PersonRef | None  # None for official meetings
    category_id: int | None
    scope_id: int | None
    taxonomy_ids: tuple[int, ...]
    published: bool = True
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    item_kind: ItemKind
    item_id: int
    parent_id: int | None
    depth: int  # 0 top level, up to 3
    body: str
    created_at: datetime
    alignment: int
    up_votes: int
    down_votes: int
    author: PersonRef
    hidden: bool = False


@dataclass(frozen=True)
class World:
    """Everything the simulated instance holds; build it with ``generate_world``."""

    seed: int
    scale: str
    now: datetime
    timezone: str
    organization_name: Text
    people: tuple[Person, ...]
    scopes: tuple[Named, ...]
    areas: tuple[Named, ...]
    categories: tuple[Named, ...]
    taxonomies: tuple[Named, ...]
    spaces: tuple[Space, ...]
    components: tuple[Component, ...]
    proposals: tuple[Proposal, ...]
    debates: tuple[Debate, ...]
    meetings: tuple[Meeting, ...]
    comments: tuple[Comment, ...]

    @cached_property
    def index(self):  # -> WorldIndex (import cycle otherwise)
        from connector.simulator.index import WorldIndex

        return WorldIndex(self)

    def visible_spaces(self, kind: SpaceKind | None = None) -> list[Space]:
        return [s for s in self.spaces if space_listed(s) and kind in (None, s.kind)]

    def visible_components(self, type_name: str | None = None) -> list[Component]:
        return self.index.visible_components(type_name)

    def visible_proposals(self, release: str) -> list[Proposal]:
        return self.index.all_listed("proposal", release)

    def visible_debates(self, release: str) -> list[Debate]:
        return self.index.all_listed("debate", release)

    def visible_meetings(self, release: str) -> list[Meeting]:
        return self.index.all_listed("meeting", release)

    def visible_comments(self, release: str) -> list[Comment]:
        """Comments reachable through the API: of listed items, with every ancestor listed."""
        return self.index.reachable_comments(release)


def space_listed(space: Space) -> bool:
    return space.published_at is not None and not space.private


def proposal_listed(proposal: Proposal, release: str) -> bool:
    if proposal.published_at is None or proposal.hidden:
        return False
    return proposal.withdrawn_at is None or release_key(release) <= (0, 29)


def debate_listed(debate: Debate, release: str) -> bool:
    return not debate.hidden


def meeting_listed(meeting: Meeting, release: str) -> bool:
    if not meeting.published or meeting.hidden:
        return False
    return not meeting.private or meeting.transparent


ITEM_LISTED: dict[str, Callable[[Any, str], bool]] = {
    "proposal": proposal_listed,
    "debate": debate_listed,
    "meeting": meeting_listed,
}
ITEM_COMPONENT_TYPE: dict[str, ItemKind] = {
    "Proposals": "proposal",
    "Debates": "debate",
    "Meetings": "meeting",
}
