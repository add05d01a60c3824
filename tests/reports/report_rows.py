"""Literal store rows for the report tests (shaped like the README views)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TZ = "America/Santiago"


def z(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local(day: date, hour: int = 12, minute: int = 0) -> str:
    """The UTC ``Z`` string of a local wall-clock time in Santiago."""
    return z(datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(TZ)))


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(TZ)).astimezone(UTC)


def item(item_type: str, id: int, published_at: str | None, **kw: Any) -> dict[str, Any]:
    row = {
        "instance": "valparaiso",
        "item_type": item_type,
        "id": id,
        "component_id": 1,
        "space_type": "participatory_process",
        "space_id": 1,
        "title": f"{item_type} {id}",
        "published_at": published_at,
        "author_key": f"a{id}",
        "comments_count": 0,
        "vote_count": 0 if item_type == "proposal" else None,
        "endorsements_count": 0,
        "state": None,
        "withdrawn": 0,
        "answered_at": None,
        "type_of_meeting": None,
        "start_time": None,
        "end_time": None,
        "url": f"https://participa.example.cl/{item_type}s/{id}",
        "removed_at": None,
    }
    row.update(kw)
    return row


def proposal(id: int, published_at: str | None, **kw: Any) -> dict[str, Any]:
    return item("proposal", id, published_at, **kw)


def debate(id: int, published_at: str | None, **kw: Any) -> dict[str, Any]:
    return item("debate", id, published_at, **kw)


def meeting(id: int, published_at: str | None, **kw: Any) -> dict[str, Any]:
    kw.setdefault("author_key", None)
    kw.setdefault("type_of_meeting", "in_person")
    return item("meeting", id, published_at, **kw)


def comment(id: int, on: tuple[str, int], published_at: str, **kw: Any) -> dict[str, Any]:
    row = {
        "instance": "valparaiso",
        "id": id,
        "item_type": on[0],
        "item_id": on[1],
        "parent_id": None,
        "depth": 0,
        "published_at": published_at,
        "author_key": f"c{id}",
        "space_type": "participatory_process",
        "space_id": 1,
        "removed_at": None,
    }
    row.update(kw)
    return row


def space(id: int, published_at: str, type: str = "participatory_process", **kw: Any):
    row = {
        "instance": "valparaiso",
        "type": type,
        "id": id,
        "slug": f"s{id}",
        "title": f"space {id}",
        "published_at": published_at,
        "url": f"https://participa.example.cl/processes/s{id}",
        "removed_at": None,
    }
    row.update(kw)
    return row


def tag(item_type: str, item_id: int, department: str) -> dict[str, Any]:
    return {
        "instance": "valparaiso",
        "item_type": item_type,
        "item_id": item_id,
        "department": department,
    }


def counter(
    item_type: str, item_id: int, observed_at: str, votes: int | None, endorsements: int = 0
) -> dict[str, Any]:
    return {
        "instance": "valparaiso",
        "item_type": item_type,
        "item_id": item_id,
        "observed_at": observed_at,
        "vote_count": votes,
        "endorsements_count": endorsements,
        "comments_count": 0,
        "sync_run_id": 1,
    }


WEEK_START = date(2026, 11, 16)  # Monday of 2026-W47


def day(n: int) -> date:
    return WEEK_START + timedelta(days=n)
