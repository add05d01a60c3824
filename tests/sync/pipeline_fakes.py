"""A small in-memory stand-in for ``connector.client.DecidimClient`` (pipeline tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from connector.models import (
    COMPONENT_KINDS,
    ComponentRef,
    Debate,
    Features,
    ItemPage,
    Meeting,
    Proposal,
    Space,
)
from participa.errors import ServerError


def es(text):
    return {"translations": [{"locale": "es", "text": text}]}


def component(cid, typename):
    return {"id": str(cid), "__typename": typename, "name": es(typename), "weight": cid}


def proposal(pid, votes=0, comments=(), **extra):
    return Proposal.model_validate(
        {
            "id": str(pid),
            "title": es(f"Propuesta {pid}"),
            "body": es(f"<p>Texto {pid} #Cerros</p>"),
            "publishedAt": "2026-11-07T18:14:49-03:00",
            "createdAt": "2026-11-07T18:00:00-03:00",
            "voteCount": votes,
            "endorsementsCount": 1,
            "totalCommentsCount": len(comments),
            "author": {"id": str(pid % 3), "__typename": "User"},
            "comments": list(comments),
            **extra,
        }
    )


def comment(cid, *replies):
    return {
        "id": str(cid),
        "body": f"comentario {cid}",
        "createdAt": "2026-11-08T10:00:00-03:00",
        "author": {"id": "9", "__typename": "User"},
        "comments": list(replies),
    }


def small_world():
    """One process (proposals 10, debates 11, budgets 13) and one assembly (meetings 12)."""
    spaces = [
        Space.model_validate(
            {
                "kind": "participatory_process", "id": "1", "slug": "pladeco",
                "title": es("PLADECO"),
                "components": [component(10, "Proposals"), component(11, "Debates"),
                               component(13, "Budgets")],
            }
        ),
        Space.model_validate(
            {"kind": "assembly", "id": "1", "slug": "consejo", "title": es("Consejo"),
             "components": [component(12, "Meetings")]}
        ),
    ]
    items = {
        "10": [
            proposal(1, votes=3, comments=[comment(100, comment(101, comment(102)))]),
            proposal(2),
            proposal(3, votes=5, comments=[comment(103)]),
            proposal(4, state="withdrawn"),
            proposal(5),
        ],
        "11": [Debate.model_validate({"id": "1", "title": es("Debate"),
                                      "createdAt": "2026-11-01T09:00:00-03:00",
                                      "totalCommentsCount": 1, "comments": [comment(200)]})],
        "12": [Meeting.model_validate({"id": str(n), "title": es(f"Encuentro {n}"),
                                       "typeOfMeeting": "in_person",
                                       "createdAt": "2026-11-01T09:00:00-03:00"})
               for n in (1, 2, 3)],
    }
    return spaces, items


@dataclass
class FakeClient:
    spaces: list[Space]
    items: dict[str, list]
    page_size: int = 2
    fail_after_pages: int | None = None  # raise ServerError once this many pages were served
    requests: int = 0
    pages_served: int = 0
    afters: list = field(default_factory=list)

    def detect_features(self) -> Features:
        self.requests += 1
        return Features(version="0.28.4")

    def iter_spaces(self, features):
        self.requests += 1
        yield from self.spaces

    def iter_component_pages(self, components, features, cursors=None, *,
                             published_since=None, sizes=None):
        """One component after the other, like the real client with one request in flight."""
        for component_ref in components:
            yield from self.iter_pages(component_ref, features,
                                       after=(cursors or {}).get(component_ref.id))

    def iter_pages(self, component_ref: ComponentRef, features, *, after=None,
                   published_since=None):
        kind = COMPONENT_KINDS[component_ref.typename]
        items = self.items.get(component_ref.id, [])
        start = int(after) if after else 0
        self.afters.append((component_ref.id, after))
        while True:
            if self.fail_after_pages is not None and self.pages_served >= self.fail_after_pages:
                raise ServerError("HTTP 500 after 5 retries", instance="valpo", status=500)
            self.requests += 1
            self.pages_served += 1
            chunk = items[start : start + self.page_size]
            end = start + len(chunk)
            has_next = end < len(items)
            yield ItemPage(component_id=component_ref.id, kind=kind, items=chunk,
                           end_cursor=str(end) if chunk else None, has_next_page=has_next)
            if not has_next:
                return
            start = end
