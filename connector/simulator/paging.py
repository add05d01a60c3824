"""Relay connections the way graphql-ruby's offset connections page an ordered list.

Cursors are unpadded URL-safe base64 of the item's 1-based position as a string ("MQ" = 1,
"Mw" = 3, "NA" = 4). ``first``/``last`` above the max page size are capped silently; with
neither, a page holds the max page size.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class CursorError(ValueError):
    """A cursor that is not base64 at all (graphql-ruby raises, Decidim answers 500)."""


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(str(position).encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> int:
    """The 1-based position in ``cursor``; 0 for base64 that is not a number (like Ruby)."""
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        raw = base64.b64decode(padded.encode(), altchars=b"-_", validate=True)
        text = raw.decode("utf-8", "replace")
    except (binascii.Error, ValueError) as exc:
        raise CursorError(f"invalid cursor {cursor!r}") from exc
    digits = ""
    for char in text.strip():
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else 0


@dataclass(frozen=True)
class Page:
    nodes: list[Any]
    offset: int  # 0-based position of nodes[0] in the whole ordered list
    has_next: bool
    has_previous: bool

    def cursor(self, index: int) -> str:
        return encode_cursor(self.offset + index + 1)

    def edges(self) -> list[dict[str, Any]]:
        return [{"cursor": self.cursor(i), "node": node} for i, node in enumerate(self.nodes)]

    def page_info(self) -> dict[str, Any]:
        return {
            "hasNextPage": self.has_next,
            "hasPreviousPage": self.has_previous,
            "startCursor": self.cursor(0) if self.nodes else None,
            "endCursor": self.cursor(len(self.nodes) - 1) if self.nodes else None,
        }


def _cap(value: int | None, max_page_size: int) -> int | None:
    if value is None:
        return None
    return max(0, min(value, max_page_size))


def slice_page(items: list[Any], *, first: int | None = None, after: str | None = None,
               last: int | None = None, before: str | None = None,
               max_page_size: int = 50) -> Page:
    """One page of ``items`` (graphql-ruby ``ArrayConnection`` semantics)."""
    first, last = _cap(first, max_page_size), _cap(last, max_page_size)
    if first is None and last is None:
        first = max_page_size
    after_pos = decode_cursor(after) if after else None
    before_pos = decode_cursor(before) if before else None
    start = after_pos or 0
    end = len(items) if before_pos is None else max(before_pos - 1, 0)
    sliced = items[start:end] if end > start else []
    has_previous = len(sliced) > last if last is not None else bool(after_pos)
    if first is not None:
        has_next = len(sliced) > first
    else:
        has_next = before_pos is not None and before_pos < len(items) + 1
    nodes = sliced[:first] if first is not None else sliced
    offset = start
    if last is not None and len(nodes) > last:
        offset += len(nodes) - last
        nodes = nodes[len(nodes) - last:]
    return Page(list(nodes), offset, has_next, has_previous)


def sort_records(records: list[Any], order: dict[str, str | None] | None,
                 keys: dict[str, Any]) -> list[Any]:
    """Sort by the order input's fields (``{"publishedAt": "desc"}``), then id ascending.

    ``keys`` maps an order field to a function of a record; unknown fields are ignored. A
    direction other than asc/desc is an error (Rails raises; Decidim answers 500).
    """
    ordered = sorted(records, key=lambda r: r.id)
    for name, direction in reversed([(n, d) for n, d in (order or {}).items() if d]):
        if name not in keys:
            continue
        if direction.lower() not in ("asc", "desc"):
            raise ValueError(f"Direction {direction!r} is invalid")
        ordered.sort(key=_sort_key(keys[name]), reverse=direction.lower() == "desc")
    return ordered


def _sort_key(read: Callable[[Any], Any]) -> Callable[[Any], tuple[int, Any]]:
    def key(record: Any) -> tuple[int, Any]:
        return _nulls_low(read(record))
    return key


def _nulls_low(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, datetime):
        return (1, value.timestamp())
    return (1, value)
