"""Turn the reader's plain rows into typed records (pure). Timestamps become aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

from participa.errors import ReportError
from reports.model import Item, Row


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
