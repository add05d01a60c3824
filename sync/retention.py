"""``[schedule] retention_days``: forget old bookkeeping, never the participation itself.

What is pruned, for rows older than the cutoff (``now - retention_days``):
- ``counter_history``: observations before the cutoff, except each item's latest one before
  it, so the value at the cutoff stays known (a report can still tell "sin datos" from 0);
- ``sync_runs``: finished runs that started before the cutoff (the newest run of each
  instance is always kept, so ``participa status`` still knows the last sync);
- ``digest_sends`` (if the ledger exists): attempts that started before the cutoff.

Spaces, items, comments and tags are never deleted: they are what the reports count.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

_COUNTERS = """
DELETE FROM counter_history
 WHERE observed_at < :cutoff
   AND observed_at < (
       SELECT MAX(h.observed_at) FROM counter_history AS h
        WHERE h.instance = counter_history.instance
          AND h.item_type = counter_history.item_type
          AND h.item_id = counter_history.item_id
          AND h.observed_at < :cutoff)
"""
_RUNS = """
DELETE FROM sync_runs
 WHERE started_at < :cutoff AND status != 'running'
   AND id NOT IN (SELECT MAX(id) FROM sync_runs GROUP BY instance)
"""
_SENDS = "DELETE FROM digest_sends WHERE started_at < :cutoff AND status != 'sending'"


def cutoff(now: datetime, days: int) -> str:
    """The UTC instant ``days`` before ``now``, in the store's timestamp form."""
    return (now.astimezone(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def apply_retention(db: Database, *, now: datetime, days: int) -> dict[str, int]:
    """Prune the tables above in one transaction; returns rows deleted per table."""
    params = {"cutoff": cutoff(now, days)}
    deleted: dict[str, int] = {}
    with db.conn:
        for table, sql in (("counter_history", _COUNTERS), ("sync_runs", _RUNS),
                           ("digest_sends", _SENDS)):
            if table in db.table_names():
                deleted[table] = db.conn.execute(sql, params).rowcount
    return deleted
