"""Writing normalized rows into the store (the pipeline's SQL, kept out of its control flow).

Every function here runs inside the caller's transaction. ``stamp`` is the run's time as a
UTC ``…Z`` string: it becomes ``last_seen_at`` of every row read, ``first_seen_at`` of new
rows, and ``removed_at`` of rows found missing.

Which items a component walk saw is kept in a connection-local TEMP table (never in the store
file), so a walk of any size needs no Python memory and ``removed_at`` is exact.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

from sync.normalize import COUNTERS, Row, counters_of

ITEM_TABLES = {"proposal": "proposals", "debate": "debates", "meeting": "meetings"}
_SEEN_TABLE = "participa_walk_seen"


def upsert_seen(
    db: Database, table: str, rows: Sequence[Row], pk: tuple[str, ...], stamp: str,
    checked: set[tuple[str, tuple[str, ...]]] | None = None,
) -> int:
    """Upsert ``rows`` as seen at ``stamp`` (un-removing them); set ``first_seen_at`` if new.

    One prepared ``INSERT … ON CONFLICT DO UPDATE`` for the whole batch (rows of one call
    share their columns): the columns a row gives are replaced, ``first_seen_at`` is kept.
    ``checked`` holds the (table, columns) already made sure of in this run (the caller's,
    for one run: a table's columns are then looked up once, not per batch)."""
    if not rows:
        return 0
    columns = list(rows[0])
    if checked is None or (table, tuple(columns)) not in checked:
        _add_missing_columns(db, table, columns)
        if checked is not None:
            checked.add((table, tuple(columns)))
    names = ", ".join(f"[{c}]" for c in columns)
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c not in pk)
    sql = (
        f"INSERT INTO [{table}] ({names}, first_seen_at, last_seen_at, removed_at) "
        f"VALUES ({_marks(columns)}, ?, ?, NULL) ON CONFLICT ({', '.join(pk)}) DO UPDATE SET "
        f"{updates + ', ' if updates else ''}"
        f"first_seen_at = COALESCE([{table}].first_seen_at, excluded.first_seen_at), "
        "last_seen_at = excluded.last_seen_at, removed_at = NULL"
    )
    db.conn.executemany(sql, [(*values, stamp, stamp) for values in _values(rows, columns)])
    return len(rows)


def _values(rows: Sequence[Row], columns: list[str]) -> Iterator[tuple[Any, ...]]:
    """Each row's values in ``columns`` order (one C-level ``itemgetter`` call a row)."""
    get = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    width = len(columns)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"rows of one batch must share their columns: {sorted(row)}")
        yield get(row)


def _add_missing_columns(db: Database, table: str, columns: list[str]) -> None:
    """New fields become columns (what ``upsert_all(alter=True)`` did)."""
    known = {r[1] for r in db.execute(f"PRAGMA table_info([{table}])").fetchall()}
    missing = [c for c in columns if c not in known]
    for column in missing:
        db.execute(f"ALTER TABLE [{table}] ADD COLUMN [{column}]")


def record_counters(
    db: Database, item_type: str, rows: Sequence[Row], observed_at: str, run_id: int
) -> int:
    """One ``counter_history`` row per item whose counters differ from its latest row."""
    if not rows:
        return 0
    latest = _latest_counters(db, rows[0]["instance"], item_type, [r["id"] for r in rows])
    history = [
        (row["instance"], item_type, row["id"], observed_at, *counters, run_id)
        for row in rows
        if latest.get(row["id"]) != (counters := counters_of(row))
    ]
    db.conn.executemany(
        "INSERT INTO counter_history (instance, item_type, item_id, observed_at, "
        f"{', '.join(COUNTERS)}, sync_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (instance, item_type, item_id, observed_at) DO UPDATE SET "
        f"{', '.join(f'{c} = excluded.{c}' for c in COUNTERS)}, "
        "sync_run_id = excluded.sync_run_id",
        history,
    )
    return len(history)


def _latest_counters(
    db: Database, instance: str, item_type: str, ids: list[int]
) -> dict[int, tuple[Any, ...]]:
    latest: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(ids):
        # SQLite gives the bare columns of an aggregate query from the row of its MAX()
        sql = f"""
            SELECT item_id, {", ".join(COUNTERS)}, MAX(observed_at) FROM counter_history
             WHERE instance = ? AND item_type = ? AND item_id IN ({_marks(chunk)})
             GROUP BY item_id"""
        for item_id, *values, _observed in db.execute(sql, [instance, item_type, *chunk]):
            latest[item_id] = tuple(values)
    return latest


def remove_missing_comments(
    db: Database, instance: str, item_type: str, item_ids: list[int], kept: list[int], stamp: str
) -> None:
    """Comments of these items that the items no longer list get ``removed_at``."""
    if not item_ids:
        return
    sql = (
        f"UPDATE comments SET removed_at = ? WHERE instance = ? AND item_type = ? "
        f"AND removed_at IS NULL AND item_id IN ({_marks(item_ids)})"
    )
    if kept:
        sql += f" AND id NOT IN ({_marks(kept)})"
    db.execute(sql, [stamp, instance, item_type, *item_ids, *kept])


def mark_removed(db: Database, table: str, instance: str, keys: set[tuple[Any, ...]],
                 key_columns: tuple[str, ...], stamp: str) -> int:
    """Rows of ``instance`` in ``table`` whose key is not in ``keys`` get ``removed_at``."""
    cols = ", ".join(key_columns)
    rows = db.execute(
        f"SELECT {cols} FROM {table} WHERE instance = ? AND removed_at IS NULL", [instance]
    ).fetchall()
    gone = [tuple(r) for r in rows if tuple(r) not in keys]
    where = " AND ".join(f"{c} = ?" for c in key_columns)
    for key in gone:
        db.execute(
            f"UPDATE {table} SET removed_at = ? WHERE instance = ? AND {where}",
            [stamp, instance, *key],
        )
    return len(gone)


def remove_items_of_components(db: Database, instance: str, stamp: str) -> None:
    """Items and comments of components marked removed are removed with them."""
    removed = (
        "SELECT id FROM components WHERE instance = ? AND removed_at IS NOT NULL"
    )
    for table in (*ITEM_TABLES.values(), "comments"):
        db.execute(
            f"UPDATE {table} SET removed_at = ? WHERE instance = ? AND removed_at IS NULL "
            f"AND component_id IN ({removed})",
            [stamp, instance, instance],
        )


#: item table → the component ``__typename`` whose items it holds
_TABLE_TYPENAMES = {"proposals": "Proposals", "debates": "Debates", "meetings": "Meetings"}


def remove_items_of_retyped_components(db: Database, instance: str, stamp: str) -> None:
    """Items (and their comments) whose component is now of another type get ``removed_at``.

    A component that changes type (a Debates component turned into Meetings, or a plugin) no
    longer lists its old items; the walk of its new type never looks at them."""
    for table, typename in _TABLE_TYPENAMES.items():
        retyped = "SELECT id FROM components WHERE instance = ? AND type != ?"
        db.execute(
            f"UPDATE {table} SET removed_at = ? WHERE instance = ? AND removed_at IS NULL "
            f"AND component_id IN ({retyped})",
            [stamp, instance, instance, typename],
        )
        db.execute(
            f"UPDATE comments SET removed_at = ? WHERE instance = ? AND removed_at IS NULL "
            f"AND item_type = ? AND component_id IN ({retyped})",
            [stamp, instance, typename.lower().rstrip("s"), instance, typename],
        )


def start_walk_memory(db: Database, component_id: int) -> None:
    db.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_SEEN_TABLE} "
        "(component_id INTEGER, item_id INTEGER, PRIMARY KEY (component_id, item_id))"
    )
    db.execute(f"DELETE FROM temp.{_SEEN_TABLE} WHERE component_id = ?", [component_id])


def remember_seen(db: Database, component_id: int, item_ids: list[int]) -> None:
    db.conn.executemany(
        f"INSERT OR IGNORE INTO temp.{_SEEN_TABLE} VALUES (?, ?)",
        [(component_id, item_id) for item_id in item_ids],
    )


def remove_unseen_items(
    db: Database, instance: str, item_type: str, component_id: int,
    walk_started: str | None, stamp: str,
) -> int:
    """After a complete walk: items of the component it did not list get ``removed_at``.

    ``walk_started`` is set when the walk began in an earlier (interrupted) run: items that
    run saw carry a ``last_seen_at`` at or after it and are kept.
    """
    table = ITEM_TABLES[item_type]
    sql = (
        f"UPDATE {table} SET removed_at = ? WHERE instance = ? AND component_id = ? "
        f"AND removed_at IS NULL AND id NOT IN "
        f"(SELECT item_id FROM temp.{_SEEN_TABLE} WHERE component_id = ?)"
    )
    params: list[Any] = [stamp, instance, component_id, component_id]
    if walk_started is not None:
        sql += " AND (last_seen_at IS NULL OR last_seen_at < ?)"
        params.append(walk_started)
    removed = db.execute(sql, params).rowcount
    # The comments of this component's removed items (those of other components' items
    # were removed with them, by their own walks). CROSS JOIN keeps SQLite's join order:
    # the component's removed items first, then their comments by (instance, item_type,
    # item_id), not a scan of every comment of the instance.
    db.execute(
        "UPDATE comments SET removed_at = ? WHERE instance = ? AND id IN "
        f"(SELECT c.id FROM {table} AS i CROSS JOIN comments AS c ON c.instance = i.instance "
        "AND c.item_type = ? AND c.item_id = i.id WHERE i.instance = ? AND i.component_id = ? "
        "AND i.removed_at IS NOT NULL AND c.removed_at IS NULL)",
        [stamp, instance, item_type, instance, component_id],
    )
    db.execute(f"DELETE FROM temp.{_SEEN_TABLE} WHERE component_id = ?", [component_id])
    return removed


def get_state(db: Database, instance: str, key: str) -> str | None:
    row = db.execute(
        "SELECT value FROM sync_state WHERE instance = ? AND key = ?", [instance, key]
    ).fetchone()
    return None if row is None else row[0]


def set_state(db: Database, instance: str, key: str, value: str, stamp: str) -> None:
    db.execute(
        "INSERT INTO sync_state (instance, key, value, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (instance, key) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at",
        [instance, key, value, stamp],
    )


def delete_state(db: Database, instance: str, *keys: str) -> None:
    for key in keys:
        db.execute("DELETE FROM sync_state WHERE instance = ? AND key = ?", [instance, key])


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]
