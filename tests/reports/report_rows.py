"""Literal store rows for the report tests (shaped like the README views), and ``digest_of``:
the digest SQLite computes from them in an in-memory store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from reports.digest import build_digest
from reports.model import Digest, DigestOptions
from reports.period import Period
from reports.read import read_aggregates
from sync.store import ensure_schema

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


@dataclass(frozen=True)
class StoreRows:
    """Literal rows shaped like the views (``v_items``, ``v_comments``, ``v_item_departments``,
    ``v_spaces``) and ``counter_history``; ``digest_of`` writes them into an in-memory store."""

    items: tuple[dict[str, Any], ...] = ()
    comments: tuple[dict[str, Any], ...] = ()
    tags: tuple[dict[str, Any], ...] = ()
    spaces: tuple[dict[str, Any], ...] = ()
    counters: tuple[dict[str, Any], ...] = ()


_ITEM_TABLES = {"proposal": "proposals", "debate": "debates", "meeting": "meetings"}


def store_of(rows: StoreRows) -> Database:
    """An in-memory participa store holding ``rows`` in its tables (so the views return them)."""
    db = Database(memory=True)
    ensure_schema(db)
    for row in rows.items:
        table = _ITEM_TABLES[row["item_type"]]
        db[table].insert(_item_columns(row), alter=True)
    for row in rows.comments:
        db["comments"].insert(row, alter=True)
    for n, row in enumerate(rows.tags):
        db["item_departments"].insert({**row, "rule": f"test:{n}"}, alter=True)
    for row in rows.spaces:
        db["spaces"].insert(row, alter=True)
    for row in rows.counters:
        db["counter_history"].insert(row, alter=True)
    return db


def _item_columns(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "item_type"}
    if row["item_type"] == "proposal":
        for k in ("type_of_meeting", "start_time", "end_time"):
            out.pop(k, None)
    return out


def digest_of(
    rows: StoreRows,
    period: Period,
    departments: Sequence[tuple[str, str]],
    options: DigestOptions,
    now: datetime,
    instance: str,
    store_instance: str = "valparaiso",
) -> Digest:
    """``build_digest`` over what ``read_aggregates`` reads back from ``rows`` in SQLite."""
    db = store_of(rows)
    slugs = [slug for slug, _name in departments]
    aggregates = read_aggregates(db, store_instance, period, slugs, options)
    return build_digest(aggregates, period, departments, options, now, instance)
