"""Resolvers for proposals, debates, meetings, comments and authors (see resolve_spaces)."""

from __future__ import annotations

import base64
import html
from typing import Any

from connector.simulator.context import RequestContext, published_window
from connector.simulator.paging import Page, slice_page, sort_records
from connector.simulator.resolve_spaces import _int, _named, _taxonomies
from connector.simulator.world import Comment, Component, Person, Proposal, Text

ITEM_CLASS = {
    "proposal": "Decidim::Proposals::Proposal",
    "debate": "Decidim::Debates::Debate",
    "meeting": "Decidim::Meetings::Meeting",
}
REFERENCE_CODE = {"proposal": "PROP", "debate": "DEBA", "meeting": "MEET"}


def proposal_order(component: Component) -> dict[str, Any]:
    order = {
        "id": lambda p: p.id,
        "publishedAt": lambda p: p.published_at,
        "endorsementCount": lambda p: p.endorsements_count,
    }
    if not component.votes_hidden:  # Decidim ignores voteCount ordering when votes are hidden
        order["voteCount"] = lambda p: p.vote_count
    return order


def _connection(kind: str):
    def resolve(component: Component, ctx: RequestContext, first=None, after=None, last=None,
                before=None, filter=None, order=None) -> Page:
        items = ctx.index.listed_items(kind, component.id, ctx.release)
        if filter:
            items = published_window(items, filter, ctx)
        if order:
            items = sort_records(items, order, proposal_order(component))
        return slice_page(items, first=first, after=after, last=last, before=before,
                          max_page_size=ctx.max_page_size)
    return resolve


def _single(kind: str):
    def resolve(component: Component, ctx: RequestContext, id) -> Any:
        number = _int(id)
        if number is None:
            return None
        return ctx.index.listed_item(kind, component.id, number, ctx.release)
    return resolve


def _kind(item: Any) -> str:
    return type(item).__name__.lower()


def _person(ctx: RequestContext, ref: tuple[str, int] | None) -> Person | None:
    return ctx.index.people.get(ref) if ref else None


def _comments(parent_kind: str | None = None):
    def resolve(obj: Any, ctx: RequestContext, orderBy=None, singleCommentId=None):
        key = ("comment" if parent_kind == "comment" else _kind(obj), obj.id)
        found = ctx.index.replies.get(key, [])
        if singleCommentId:
            found = [c for c in found if str(c.id) == str(singleCommentId)]
        if orderBy == "recent":
            return sorted(found, key=lambda c: c.id, reverse=True)
        if orderBy == "best_rated":
            return sorted(found, key=lambda c: c.down_votes - c.up_votes)
        if orderBy == "most_discussed":
            return sorted(found, key=lambda c: -ctx.index.total_comments(("comment", c.id)))
        return found
    return resolve


def _total(parent_kind: str | None = None):
    def resolve(obj: Any, ctx: RequestContext) -> int:
        return ctx.index.total_comments(("comment" if parent_kind else _kind(obj), obj.id))
    return resolve


def _has_comments(parent_kind: str | None = None):
    def resolve(obj: Any, ctx: RequestContext) -> bool:
        key = ("comment" if parent_kind else _kind(obj), obj.id)
        return bool(ctx.index.replies.get(key))
    return resolve


def _reference(item: Any, ctx: RequestContext) -> str:
    return f"VALPO-{REFERENCE_CODE[_kind(item)]}-{item.created_at:%Y-%m}-{item.id}"


def proposal_state(p: Proposal, ctx: RequestContext) -> str | None:
    """0.27/0.28 report withdrawal as state ``withdrawn``; 0.29+ use the ``withdrawn`` field."""
    if p.withdrawn_at is not None and not ctx.since("0.29"):
        return "withdrawn"
    return p.state


def _vote_count(p: Proposal, ctx: RequestContext) -> int | None:
    return None if ctx.index.components[p.component_id].votes_hidden else p.vote_count


ITEM_FIELDS: dict[str, Any] = {
    "author": lambda i, ctx: _person(ctx, i.author),
    "category": _named("category"),
    "scope": _named("scope"),
    "taxonomies": _taxonomies,
    "comments": _comments(),
    "hasComments": _has_comments(),
    "totalCommentsCount": _total(),
    "acceptsNewComments": lambda i, ctx: True,
    "commentsHaveAlignment": lambda i, ctx: _kind(i) != "meeting",
    "commentsHaveVotes": lambda i, ctx: True,
    "userAllowedToComment": lambda i, ctx: False,
    "type": lambda i, ctx: ITEM_CLASS[_kind(i)],
    "reference": _reference,
}

PROPOSAL_FIELDS: dict[str, Any] = {
    "author": lambda p, ctx: _person(ctx, p.authors[0]) if p.authors else None,
    "authors": lambda p, ctx: [_person(ctx, a) for a in p.authors],
    "authorsCount": lambda p, ctx: len(p.authors),
    "official": lambda p, ctx: not p.authors,
    "state": proposal_state,
    "answer": lambda p, ctx: p.answer,
    "voteCount": _vote_count,
    "withdrawn": lambda p, ctx: p.withdrawn_at is not None,
    "acceptsNewComments": lambda p, ctx: p.withdrawn_at is None,
    "coordinates": lambda p, ctx: {"latitude": p.coordinates[0], "longitude": p.coordinates[1]}
    if p.coordinates else None,
}

MEETING_FIELDS: dict[str, Any] = {
    "isWithdrawn": lambda m, ctx: m.withdrawn_at is not None,
    "withdrawn": lambda m, ctx: m.withdrawn_at is not None,
    "privateMeeting": lambda m, ctx: m.private,
    "onlineMeetingUrl": lambda m, ctx: m.online_url,
    "locationHints": lambda m, ctx: Text({}),
    "contributionCount": lambda m, ctx: m.attendee_count // 2 if m.closed else 0,
    "registrationsEnabled": lambda m, ctx: not m.closed and m.type_of_meeting != "online",
    "acceptsNewComments": lambda m, ctx: not m.closed,
}


def _formatted_body(c: Comment, ctx: RequestContext) -> str:
    return f"<div><p>{html.escape(c.body, quote=False)}</p></div>"


COMMENT_FIELDS: dict[str, Any] = {
    "author": lambda c, ctx: _person(ctx, c.author) or _deleted_person(c.author),
    "comments": _comments("comment"),
    "hasComments": _has_comments("comment"),
    "totalCommentsCount": _total("comment"),
    "createdAt": lambda c, ctx: c.created_at.isoformat(),
    "formattedCreatedAt": lambda c, ctx: f"{c.created_at:%d/%m/%Y %H:%M}",
    "formattedBody": _formatted_body,
    "acceptsNewComments": lambda c, ctx: c.depth < 3,
    "commentsHaveAlignment": lambda c, ctx: True,
    "commentsHaveVotes": lambda c, ctx: True,
    "userAllowedToComment": lambda c, ctx: False,
    "upVoted": lambda c, ctx: False,
    "downVoted": lambda c, ctx: False,
    "alreadyReported": lambda c, ctx: False,
    "type": lambda c, ctx: "Decidim::Comments::Comment",
    "sgid": lambda c, ctx: base64.b64encode(
        f"gid://participa-valparaiso/Decidim::Comments::Comment/{c.id}".encode()).decode(),
}


def _deleted_person(ref: tuple[str, int]) -> Person:
    return Person("User", ref[1], "", "", deleted=True)


AUTHOR_FIELDS: dict[str, Any] = {
    "name": lambda p, ctx: "Participante eliminado" if p.deleted else p.name,
    "nickname": lambda p, ctx: "" if p.deleted else f"@{p.nickname}",
    "avatarUrl": lambda p, ctx: "/assets/decidim/default-avatar.svg",
    "profilePath": lambda p, ctx: "" if p.deleted else f"/profiles/{p.nickname}",
    "badge": lambda p, ctx: "verified-badge" if p.verified else "",
    "organizationName": lambda p, ctx: Text({"es": ""}) if ctx.since("0.29") else "",
    "directMessagesEnabled": lambda p, ctx: "true",
    "groups": lambda p, ctx: [],
    "members": lambda p, ctx: [],
    "membersCount": lambda p, ctx: 0,
}

RESOLVERS: dict[tuple[str, str], Any] = {
    ("Proposals", "proposals"): _connection("proposal"),
    ("Proposals", "proposal"): _single("proposal"),
    ("Debates", "debates"): _connection("debate"),
    ("Debates", "debate"): _single("debate"),
    ("Meetings", "meetings"): _connection("meeting"),
    ("Meetings", "meeting"): _single("meeting"),
}
for _conn in ("ProposalConnection", "DebateConnection", "MeetingConnection"):
    RESOLVERS[(_conn, "edges")] = lambda page, ctx: page.edges()
    RESOLVERS[(_conn, "nodes")] = lambda page, ctx: page.nodes
    RESOLVERS[(_conn, "pageInfo")] = lambda page, ctx: page.page_info()
for _type, _fields in (("Proposal", PROPOSAL_FIELDS), ("Debate", {}), ("Meeting", MEETING_FIELDS)):
    RESOLVERS.update({(_type, f): fn for f, fn in {**ITEM_FIELDS, **_fields}.items()})
RESOLVERS.update({("Comment", f): fn for f, fn in COMMENT_FIELDS.items()})
for _type in ("User", "UserGroup"):
    RESOLVERS.update({(_type, f): fn for f, fn in AUTHOR_FIELDS.items()})
