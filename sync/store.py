"""The SQLite store: opening it safely, its schema (tables, indexes, views) and metadata.

``open_store(path)`` is the one way in: it creates the file with permissions 0600 when new,
switches to WAL, applies pending migrations (``sync.migrations``) and (re)creates the indexes
and the views reports read. Every SQLite problem on the way becomes a ``StoreError`` naming
the file and what to do. The tables and views are documented in README.md (the contract).

No foreign-key constraints are declared: rows come from a remote API that may list a comment
before its item is visible, and ``removed_at`` (not deletion) records disappearance.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from participa import __version__ as PARTICIPA_VERSION
from participa.errors import StoreError
from sync.migrations import MIGRATIONS

SCHEMA_VERSION = "1"
BUSY_TIMEOUT_MS = 10_000

#: (table, columns) pairs: the queries reports and the pipeline run.
INDEXES: list[tuple[str, list[str]]] = [
    ("components", ["instance", "space_type", "space_id"]),
    ("proposals", ["instance", "component_id"]),
    ("proposals", ["instance", "space_type", "space_id"]),
    ("debates", ["instance", "component_id"]),
    ("debates", ["instance", "space_type", "space_id"]),
    ("meetings", ["instance", "component_id"]),
    ("meetings", ["instance", "space_type", "space_id"]),
    ("comments", ["instance", "item_type", "item_id"]),
    ("comments", ["instance", "component_id"]),
    ("item_departments", ["instance", "department"]),
    # report windows: (instance, published_at) ranges on each item table, comments and spaces
    ("spaces", ["instance", "published_at"]),
    ("proposals", ["instance", "published_at"]),
    ("proposals", ["instance", "answered_at"]),
    ("debates", ["instance", "published_at"]),
    ("meetings", ["instance", "published_at"]),
    ("meetings", ["instance", "start_time"]),
    ("comments", ["instance", "published_at", "item_type", "item_id", "author_key", "removed_at"]),
    # counter changes inside a period (counter_history's key serves the per-item look-ups)
    ("counter_history", ["instance", "observed_at"]),
    ("sync_runs", ["instance", "started_at"]),
]

#: Indexes earlier versions created; every query they served has ``instance = ?`` and uses the
#: ``(instance, …)`` index beside them, so they only cost writes (dropped on open).
RETIRED_INDEXES = [
    "idx_spaces_published_at", "idx_proposals_published_at", "idx_debates_published_at",
    "idx_meetings_published_at", "idx_meetings_start_time", "idx_comments_published_at",
]

#: One partial index per item table holding only its removed rows: a report asks, for each
#: comment in a window, whether its item was removed, and that look-up is free when the item
#: was not. Writes cost nothing: a row enters only when ``removed_at`` is set.
REMOVED_INDEXES = {
    f"idx_{table}_removed": table for table in ("proposals", "debates", "meetings")
}

#: ``v_items``'s columns for proposals alone: a one-table view SQLite flattens, so a query
#: ordered by ``published_at`` walks the index and stops at its LIMIT (the union cannot).
_PROPOSAL_VIEW_ROWS = """
SELECT instance, 'proposal' AS item_type, id, component_id, space_type, space_id, title,
       published_at, author_key, comments_count, vote_count, endorsements_count, state,
       withdrawn, answered_at, NULL AS type_of_meeting, NULL AS start_time, NULL AS end_time,
       url, removed_at, signature
  FROM proposals
"""

_ITEM_VIEW_ROWS = _PROPOSAL_VIEW_ROWS + """UNION ALL
SELECT instance, 'debate', id, component_id, space_type, space_id, title,
       published_at, author_key, comments_count, NULL, NULL, NULL,
       0, NULL, NULL, start_time, end_time,
       url, removed_at, signature
  FROM debates
UNION ALL
SELECT instance, 'meeting', id, component_id, space_type, space_id, title,
       published_at, author_key, comments_count, NULL, NULL, NULL,
       withdrawn, NULL, type_of_meeting, start_time, end_time,
       url, removed_at, signature
  FROM meetings
"""

#: One row per (item, department): the row of its first rule. Written as a filter rather than
#: ``SELECT DISTINCT`` so that SQLite can join it by key instead of materializing every tag.
_ITEM_DEPARTMENTS_VIEW = """
SELECT t.instance, t.item_type, t.item_id, t.department
  FROM item_departments AS t
 WHERE t.rule = (SELECT MIN(u.rule) FROM item_departments AS u
                  WHERE u.instance = t.instance AND u.item_type = t.item_type
                    AND u.item_id = t.item_id AND u.department = t.department)
"""

#: Each item table is joined by its key (joining the ``v_items`` union would make SQLite
#: materialize every item); at most one of the three matches a comment.
_COMMENTS_VIEW = """
SELECT c.instance, c.id, c.item_type, c.item_id, c.parent_id, c.depth, c.published_at,
       c.author_key,
       COALESCE(p.space_type, d.space_type, m.space_type, c.space_type) AS space_type,
       COALESCE(p.space_id, d.space_id, m.space_id, c.space_id) AS space_id,
       COALESCE(c.removed_at, p.removed_at, d.removed_at, m.removed_at) AS removed_at
  FROM comments AS c
  LEFT JOIN proposals AS p
    ON c.item_type = 'proposal' AND p.instance = c.instance AND p.id = c.item_id
  LEFT JOIN debates AS d
    ON c.item_type = 'debate' AND d.instance = c.instance AND d.id = c.item_id
  LEFT JOIN meetings AS m
    ON c.item_type = 'meeting' AND m.instance = c.instance AND m.id = c.item_id
"""

#: name → SELECT; created in this order.
VIEWS: dict[str, str] = {
    "v_spaces": """
SELECT instance, type, id, slug, title, published_at, url, removed_at FROM spaces
""",
    "v_items": _ITEM_VIEW_ROWS,
    "v_proposals": _PROPOSAL_VIEW_ROWS,
    "v_item_departments": _ITEM_DEPARTMENTS_VIEW,
    "v_comments": _COMMENTS_VIEW,
}


def open_store(path: Path) -> Database:
    """Open (creating if needed) the store at ``path`` with its schema up to date."""
    path = Path(path)
    _create_private_file(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(_explain(path, exc)) from None
    try:
        db = Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA schema_version").fetchone()  # fails now if not a database
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.enable_wal()
        # WAL + NORMAL: a commit is atomic and survives a crash of participa; only a power
        # loss may undo the last pages, which the next sync re-reads (no fsync per page)
        db.execute("PRAGMA synchronous = NORMAL")
        ensure_schema(db)
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(_explain(path, exc)) from None
    return db


def ensure_schema(db: Database) -> None:
    """Apply pending migrations, then (re)create indexes and views; safe to re-run."""
    MIGRATIONS.apply(db)
    with db.atomic():
        for name in RETIRED_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS [{name}]")
        for table, columns in INDEXES:
            db.table(table).create_index(columns, if_not_exists=True)
        for name, table in REMOVED_INDEXES.items():
            db.execute(
                f"CREATE INDEX IF NOT EXISTS [{name}] ON [{table}] (instance, id, removed_at) "
                "WHERE removed_at IS NOT NULL"
            )
        for name in VIEWS:
            db.execute(f"DROP VIEW IF EXISTS {name}")
        for name, select in VIEWS.items():
            db.execute(f"CREATE VIEW {name} AS {select.strip()}")
        db.table("store_meta").upsert_all(
            [
                {"key": "participa_version", "value": PARTICIPA_VERSION},
                {"key": "schema_version", "value": SCHEMA_VERSION},
            ],
            pk="key",
        )


def _create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only, unless one exists already."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.is_dir():
            raise StoreError(f"{path}: is a directory; set [store] path to a file") from None
        return
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot create the store ({exc.strerror}); check that the folder "
            "exists and is writable, or set [store] path"
        ) from None
    os.close(fd)


def _explain(path: Path, exc: sqlite3.Error) -> str:
    return f"{path}: cannot use the SQLite store ({exc}); {store_hint(exc)}"


def store_hint(exc: sqlite3.Error) -> str:
    """What to do about a SQLite error, in a few words."""
    lowered = str(exc).lower()
    if "full" in lowered:
        return "the disk (or the database's size limit) is full; free space and run again"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return "the file is not a participa store or is damaged; restore it from a backup"
    if "readonly" in lowered or "read-only" in lowered:
        return "the file or its folder is read-only; fix its permissions"
    if "unable to open" in lowered or "disk i/o" in lowered:
        return "the file cannot be opened; check that it exists and is readable"
    if "locked" in lowered or "busy" in lowered:
        return "another process is writing to it; try again when it finishes"
    return "check the file and its permissions"
