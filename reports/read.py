"""The thin reader: SQL over the store's documented views → plain rows (``StoreRows``).

Reports read ``v_spaces``, ``v_items``, ``v_comments``, ``v_item_departments`` and
``counter_history`` (all documented in the README); they never write to the database.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from sqlite_utils import Database

from participa.errors import StoreError
from reports.model import StoreRows

REQUIRED_VIEWS = ("v_spaces", "v_items", "v_comments", "v_item_departments")

_ITEMS = "SELECT * FROM v_items WHERE instance = ?"
_COMMENTS = """
SELECT id, item_type, item_id, published_at, author_key, removed_at
  FROM v_comments WHERE instance = ? AND published_at >= ?
"""
_TAGS = "SELECT item_type, item_id, department FROM v_item_departments WHERE instance = ?"
_SPACES = (
    "SELECT type, id, slug, title, published_at, url, removed_at FROM v_spaces WHERE instance = ?"
)
_COUNTERS = """
SELECT item_type, item_id, observed_at, vote_count, endorsements_count
  FROM counter_history WHERE instance = ? AND item_type IN ('proposal', 'debate')
"""


def read_rows(db: Database, instance: str, since: date) -> StoreRows:
    """Every item, tag, space and counter observation of ``instance``, and its comments
    created on or after the UTC date ``since`` (the digest filters exact instants)."""
    missing = [v for v in REQUIRED_VIEWS if v not in db.view_names()]
    if missing:
        raise StoreError(
            f"the store has no view {', '.join(missing)}; it was not created by participa "
            "or is from an older version: run 'participa sync' to update it"
        )
    return StoreRows(
        items=_query(db, _ITEMS, instance),
        comments=_query(db, _COMMENTS, instance, since.isoformat()),
        tags=_query(db, _TAGS, instance),
        spaces=_query(db, _SPACES, instance),
        counters=_query(db, _COUNTERS, instance),
    )


def _query(db: Database, sql: str, *params: Any) -> tuple[dict[str, Any], ...]:
    try:
        cursor = db.execute(sql, params)
    except sqlite3.Error as exc:
        raise StoreError(
            f"cannot read the store ({exc}); run 'participa sync' to update it"
        ) from None
    names = [c[0] for c in cursor.description]
    return tuple(dict(zip(names, row, strict=True)) for row in cursor.fetchall())
