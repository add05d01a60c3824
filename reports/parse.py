"""Turn the reader's plain rows into typed records (pure). Timestamps become aware UTC datetimes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from participa.errors import ReportError
from reports.model import Item, Row

Key = tuple[str, int]


@dataclass(frozen=True)
class Comment:
    item_key: Key
    published_at: datetime | None
    author_key: str | None
    removed_at: datetime | None


@dataclass(frozen=True)
class Space:
    key: Key
    published_at: datetime | None
    removed_at: datetime | None


@dataclass(frozen=True)
class Observation:
    observed_at: datetime
    vote_count: int | None
    endorsements_count: int | None


def parse_instant(value: object, what: str = "timestamp") -> datetime | None:
    """``2026-11-07T21:14:49Z`` (fractions and offsets accepted) → aware UTC; empty → None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        raise ReportError(f"{what}: unreadable timestamp {text!r} in the store") from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _int(value: object) -> int | None:
    return None if value is None or value == "" else int(value)  # type: ignore[call-overload]


def parse_item(row: Row) -> Item:
    what = f"{row.get('item_type')} {row.get('id')}"
    return Item(
        item_type=str(row["item_type"]),
        id=int(row["id"]),
        title=str(row.get("title") or ""),
        url=row.get("url") or None,
        published_at=parse_instant(row.get("published_at"), what),
        removed_at=parse_instant(row.get("removed_at"), what),
        author_key=row.get("author_key") or None,
        comments_count=_int(row.get("comments_count")),
        vote_count=_int(row.get("vote_count")),
        endorsements_count=_int(row.get("endorsements_count")),
        state=row.get("state") or None,
        withdrawn=bool(row.get("withdrawn")),
        answered_at=parse_instant(row.get("answered_at"), what),
        type_of_meeting=row.get("type_of_meeting") or None,
        start_time=parse_instant(row.get("start_time"), what),
    )


def parse_comment(row: Row) -> Comment:
    what = f"comment {row.get('id')}"
    return Comment(
        item_key=(str(row["item_type"]), int(row["item_id"])),
        published_at=parse_instant(row.get("published_at"), what),
        author_key=row.get("author_key") or None,
        removed_at=parse_instant(row.get("removed_at"), what),
    )


def parse_space(row: Row) -> Space:
    what = f"{row.get('type')} {row.get('id')}"
    return Space(
        key=(str(row["type"]), int(row["id"])),
        published_at=parse_instant(row.get("published_at"), what),
        removed_at=parse_instant(row.get("removed_at"), what),
    )


def parse_tags(rows: tuple[Row, ...]) -> dict[Key, frozenset[str]]:
    """``v_item_departments`` rows → (item_type, id) → department slugs."""
    tags: dict[Key, set[str]] = defaultdict(set)
    for row in rows:
        tags[(str(row["item_type"]), int(row["item_id"]))].add(str(row["department"]))
    return {key: frozenset(slugs) for key, slugs in tags.items()}


def parse_counters(rows: tuple[Row, ...]) -> dict[Key, tuple[Observation, ...]]:
    """``counter_history`` rows → (item_type, id) → observations sorted by time."""
    history: dict[Key, list[Observation]] = defaultdict(list)
    for row in rows:
        key = (str(row["item_type"]), int(row["item_id"]))
        observed = parse_instant(row.get("observed_at"), f"counter_history {key}")
        if observed is None:
            continue
        history[key].append(
            Observation(observed, _int(row.get("vote_count")), _int(row.get("endorsements_count")))
        )
    return {key: tuple(sorted(obs, key=lambda o: o.observed_at)) for key, obs in history.items()}


def value_at(history: tuple[Observation, ...], instant: datetime) -> Observation | None:
    """The latest observation at or before ``instant``; None means "no data"."""
    found = None
    for obs in history:
        if obs.observed_at > instant:
            break
        found = obs
    return found
