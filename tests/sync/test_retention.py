"""Retention prunes old bookkeeping and keeps what reports need."""

from __future__ import annotations

from datetime import UTC, datetime

from sync.retention import apply_retention

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def history(db, item_id, *stamps):
    db["counter_history"].insert_all(
        {"instance": "v", "item_type": "proposal", "item_id": item_id, "observed_at": s,
         "vote_count": n, "endorsements_count": 0, "comments_count": 0, "sync_run_id": 1}
        for n, s in enumerate(stamps)
    )


def test_keeps_the_latest_observation_before_the_cutoff(store):
    history(store, 1, "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z", "2026-11-01T00:00:00Z")
    history(store, 2, "2024-02-01T00:00:00Z")
    deleted = apply_retention(store, now=NOW, days=365)
    assert deleted["counter_history"] == 1
    rows = [(r["item_id"], r["observed_at"]) for r in store["counter_history"].rows]
    assert sorted(rows) == [
        (1, "2024-06-01T00:00:00Z"), (1, "2026-11-01T00:00:00Z"), (2, "2024-02-01T00:00:00Z")
    ]


def test_old_runs_go_but_each_instance_keeps_its_newest(store):
    store["sync_runs"].insert_all([
        {"id": 1, "instance": "v", "started_at": "2020-01-01T00:00:00Z", "status": "ok"},
        {"id": 2, "instance": "v", "started_at": "2020-02-01T00:00:00Z", "status": "ok"},
        {"id": 3, "instance": "w", "started_at": "2020-01-01T00:00:00Z", "status": "failed"},
    ])
    apply_retention(store, now=NOW, days=30)
    assert sorted(r["id"] for r in store["sync_runs"].rows) == [2, 3]


def test_items_are_never_deleted(store):
    store["proposals"].insert({"instance": "v", "id": 1, "published_at": "2001-01-01T00:00:00Z"})
    apply_retention(store, now=NOW, days=1)
    assert store["proposals"].count == 1
