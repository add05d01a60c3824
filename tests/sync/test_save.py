"""sync.save: the pipeline's SQL, on a real store."""

from __future__ import annotations

import gc

from sync import save
from sync.pipeline import _fewer_collections
from sync.store import open_store

STAMP, LATER = "2026-11-24T15:00:00Z", "2026-12-01T15:00:00Z"


def _item(item_id, component_id):
    return {"instance": "valpo", "id": item_id, "component_id": component_id, "title": "t"}


def _comment(comment_id, item_id, component_id):
    return {"instance": "valpo", "id": comment_id, "item_type": "proposal", "item_id": item_id,
            "component_id": component_id}


def test_upsert_seen_checks_columns_once_per_shape_and_adds_new_ones(tmp_path):
    db = open_store(tmp_path / "p.db")
    checked: set = set()
    save.upsert_seen(db, "proposals", [_item(1, 7)], ("instance", "id"), STAMP, checked)
    row = {**_item(2, 7), "new_field": "x"}
    save.upsert_seen(db, "proposals", [row], ("instance", "id"), STAMP, checked)
    assert db.execute("SELECT new_field FROM proposals WHERE id = 2").fetchone() == ("x",)
    assert len(checked) == 2


def test_remove_unseen_items_removes_comments_of_the_walked_component_only(tmp_path):
    db = open_store(tmp_path / "p.db")
    pk = ("instance", "id")
    save.upsert_seen(db, "proposals", [_item(1, 7), _item(2, 7), _item(3, 8)], pk, STAMP)
    save.upsert_seen(
        db, "comments", [_comment(10, 1, 7), _comment(20, 2, 7), _comment(30, 3, 8)], pk, STAMP
    )
    # item 3 (another component) removed by some other path, its comment left as it was
    db.execute("UPDATE proposals SET removed_at = ? WHERE id = 3", [STAMP])
    save.start_walk_memory(db, 7)
    save.remember_seen(db, 7, [1])
    assert save.remove_unseen_items(db, "valpo", "proposal", 7, None, LATER) == 1
    removed = dict(db.execute("SELECT id, removed_at FROM comments").fetchall())
    assert removed == {10: None, 20: LATER, 30: None}


def test_fewer_collections_restores_the_threshold():
    before = gc.get_threshold()
    with _fewer_collections(threshold=before[0] + 1000):
        assert gc.get_threshold()[0] == before[0] + 1000
    assert gc.get_threshold() == before
