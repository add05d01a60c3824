"""The store: file creation, permissions, schema, idempotence, errors, author keys."""

from __future__ import annotations

import os
import stat

import pytest

from participa.errors import StoreError
from sync.migrations import MIGRATIONS, TABLES
from sync.privacy import author_key, key_path, load_author_key
from sync.store import VIEWS, ensure_schema, open_store

_ITEM_COLUMNS = [
    "instance", "item_type", "id", "component_id", "space_type", "space_id", "title",
    "published_at", "author_key", "comments_count", "vote_count", "endorsements_count",
    "state", "withdrawn", "answered_at", "type_of_meeting", "start_time", "end_time",
    "url", "removed_at",
]
VIEW_COLUMNS = {
    "v_proposals": [*_ITEM_COLUMNS, "signature"],
    "v_items": [
        "instance", "item_type", "id", "component_id", "space_type", "space_id", "title",
        "published_at", "author_key", "comments_count", "vote_count", "endorsements_count",
        "state", "withdrawn", "answered_at", "type_of_meeting", "start_time", "end_time",
        "url", "removed_at", "signature",
    ],
    "v_item_departments": ["instance", "item_type", "item_id", "department"],
    "v_comments": [
        "instance", "id", "item_type", "item_id", "parent_id", "depth", "published_at",
        "author_key", "space_type", "space_id", "removed_at",
    ],
}


def test_new_store_is_private_wal_and_complete(tmp_path):
    path = tmp_path / "p.db"
    db = open_store(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert set(TABLES) <= set(db.table_names())
    for name, (columns, pk) in TABLES.items():
        added = ["signature"] if name in ("proposals", "debates", "meetings") else []  # 0003
        assert list(db[name].columns_dict) == [*columns, *added], name
        assert db[name].pks == pk, name
    assert set(db.view_names()) == set(VIEWS)
    for view, columns in VIEW_COLUMNS.items():
        assert [c.name for c in db[view].columns] == columns
    meta = {r["key"]: r["value"] for r in db["store_meta"].rows}
    assert meta["schema_version"] == "1"


def test_ensure_schema_and_reopen_are_idempotent(tmp_path):
    path = tmp_path / "p.db"
    db = open_store(path)
    db["proposals"].insert({"instance": "x", "id": 1, "title": "t"})
    ensure_schema(db)
    ensure_schema(db)
    db.close()
    db = open_store(path)
    assert db["proposals"].count == 1
    assert db["_sqlite_migrations"].count == len(MIGRATIONS.applied(db)) == 3


def test_indexes_exist(store):
    indexed = {tuple(ix.columns) for ix in store["comments"].indexes}
    assert ("instance", "item_type", "item_id") in indexed
    proposals = {tuple(ix.columns) for ix in store["proposals"].indexes}
    assert ("instance", "published_at") in proposals
    assert ("published_at",) not in proposals  # retired: every query has instance = ?


def test_views_read_items_and_comments(store):
    store["proposals"].insert(
        {"instance": "v", "id": 1, "title": "P", "withdrawn": 0, "space_type": "assembly",
         "space_id": 3, "removed_at": "2026-01-01T00:00:00Z"}
    )
    store["debates"].insert({"instance": "v", "id": 1, "title": "D"})
    store["meetings"].insert({"instance": "v", "id": 2, "title": "M", "withdrawn": 1})
    store["comments"].insert(
        {"instance": "v", "id": 9, "item_type": "proposal", "item_id": 1, "depth": 0}
    )
    store["item_departments"].insert_all(
        [
            {"instance": "v", "item_type": "proposal", "item_id": 1, "department": "d",
             "rule": "keyword:a"},
            {"instance": "v", "item_type": "proposal", "item_id": 1, "department": "d",
             "rule": "keyword:b"},
        ]
    )
    items = {(r["item_type"], r["id"]): r for r in store["v_items"].rows}
    assert set(items) == {("proposal", 1), ("debate", 1), ("meeting", 2)}
    assert items[("debate", 1)]["withdrawn"] == 0
    assert items[("meeting", 2)]["withdrawn"] == 1
    (comment,) = store["v_comments"].rows
    assert (comment["space_type"], comment["space_id"]) == ("assembly", 3)
    assert comment["removed_at"] == "2026-01-01T00:00:00Z"  # its item was removed
    assert store["v_item_departments"].count == 1


@pytest.mark.parametrize("content", [b"this is not sqlite at all" * 100, b"SQLite format 3\0junk"])
def test_not_a_database_is_a_store_error(tmp_path, content):
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="bad.db"):
        open_store(path)


def test_missing_folder_and_directory_are_store_errors(tmp_path):
    with pytest.raises(StoreError, match="cannot create"):
        open_store(tmp_path / "nope" / "p.db")
    with pytest.raises(StoreError, match="directory"):
        open_store(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_store_is_a_store_error(tmp_path):
    path = tmp_path / "p.db"
    open_store(path).close()
    for p in tmp_path.iterdir():
        p.chmod(0o400)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="read-only|cannot"):
            open_store(path)
    finally:
        tmp_path.chmod(0o700)


def test_author_key_file_is_created_once_and_private(tmp_path):
    store_path = tmp_path / "p.db"
    secret = load_author_key(store_path)
    assert len(secret) == 32
    assert key_path(store_path).name == "p.db.key"
    assert stat.S_IMODE(os.stat(key_path(store_path)).st_mode) == 0o600
    assert load_author_key(store_path) == secret


def test_damaged_author_key_is_a_store_error(tmp_path):
    key_path(tmp_path / "p.db").write_bytes(b"short")
    with pytest.raises(StoreError, match="32 bytes"):
        load_author_key(tmp_path / "p.db")


def test_author_key_is_keyed_typed_and_short():
    k = author_key(b"s" * 32, "User", "7")
    assert len(k) == 32 and int(k, 16) >= 0
    assert k == author_key(b"s" * 32, "User", "7")
    assert k != author_key(b"t" * 32, "User", "7")
    assert k != author_key(b"s" * 32, "UserGroup", "7")


def _signatures(db):
    return {(r["item_type"], r["item_id"]): r["signature"] for r in db["item_signatures"].rows}


def test_item_signatures_follow_item_departments(store):
    def tag(item_id, department, rule):
        return {"instance": "v", "item_type": "proposal", "item_id": item_id,
                "department": department, "rule": rule}

    rows = [tag(1, "salud", "keyword:a"), tag(1, "obras", "keyword:b"),
            tag(1, "salud", "keyword:c"), tag(2, "cultura", "keyword:d")]
    # one row per statement with OR IGNORE, as retag writes them
    store["item_departments"].insert_all(rows, batch_size=1, ignore=True)
    assert _signatures(store) == {("proposal", 1): "obras\x1fsalud", ("proposal", 2): "cultura"}
    store.execute("DELETE FROM item_departments WHERE department = 'obras'")
    store.execute("DELETE FROM item_departments WHERE item_id = 2")
    assert _signatures(store) == {("proposal", 1): "salud"}
    store.execute("DELETE FROM item_departments")
    assert _signatures(store) == {}


def _older_store(tmp_path, stop_before, debates=()):
    """A store made by an older version (migrations up to ``stop_before``), with debate 7
    tagged salud and cultura, opened by this one."""
    import sqlite_utils

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    MIGRATIONS.apply(old, stop_before=stop_before)
    for row in debates:
        old["debates"].insert(row)
    old["item_departments"].insert_all(
        [{"instance": "v", "item_type": "debate", "item_id": 7, "department": d, "rule": "k:x"}
         for d in ("salud", "cultura")]
    )
    old.close()
    return open_store(path)


def test_a_store_from_before_signatures_gets_them_on_open(tmp_path):
    db = _older_store(tmp_path, "0002_item_signatures")
    assert _signatures(db) == {("debate", 7): "cultura\x1fsalud"}


def _row_signatures(db, instance="v"):
    return {(r["item_type"], r["id"]): r["signature"] for r in db.query(
        "SELECT item_type, id, signature FROM v_items WHERE instance = ?", [instance])}


def test_item_rows_carry_their_signature(store):
    for table, item_id in (("proposals", 1), ("debates", 1), ("meetings", 2)):
        store[table].insert({"instance": "v", "id": item_id, "title": "t"})
    store["proposals"].insert({"instance": "w", "id": 1, "title": "other instance"})


    def tag(item_type, item_id, department, rule):
        return {"instance": "v", "item_type": item_type, "item_id": item_id,
                "department": department, "rule": rule}

    rows = [tag("proposal", 1, "salud", "a"), tag("proposal", 1, "obras", "b"),
            tag("proposal", 1, "salud", "c"), tag("debate", 1, "cultura", "a"),
            tag("participatory_process", 1, "obras", "a"), tag("meeting", 9, "obras", "a")]
    store["item_departments"].insert_all(rows, batch_size=1, ignore=True)
    store["item_departments"].insert_all(rows[:2], batch_size=1, ignore=True)  # ignored
    assert _row_signatures(store) == {
        ("proposal", 1): "obras\x1fsalud", ("debate", 1): "cultura", ("meeting", 2): None,
    }
    assert store.execute("SELECT signature FROM proposals WHERE instance = 'w'").fetchall() == [
        (None,)]
    # a department's other rule keeps it; its last rule takes it away
    store.execute("DELETE FROM item_departments WHERE rule = 'a' AND item_type = 'proposal'")
    assert _row_signatures(store)[("proposal", 1)] == "obras\x1fsalud"
    store.execute("DELETE FROM item_departments WHERE department = 'obras'")
    assert _row_signatures(store)[("proposal", 1)] == "salud"
    assert _signatures(store) == {("proposal", 1): "salud", ("debate", 1): "cultura"}
    store.execute("DELETE FROM item_departments")
    assert set(_row_signatures(store).values()) == {None}
    assert _signatures(store) == {}


def test_a_store_from_before_row_signatures_gets_them_on_open(tmp_path):
    db = _older_store(tmp_path, "0003_item_row_signatures", [
        {"instance": "v", "id": 7, "title": "t"}, {"instance": "v", "id": 8, "title": "untagged"}])
    assert _signatures(db) == {("debate", 7): "cultura\x1fsalud"}
    assert _row_signatures(db) == {("debate", 7): "cultura\x1fsalud", ("debate", 8): None}
    assert db["item_signatures"].pks == ["item_id", "item_type", "instance"]
    db["item_departments"].insert(
        {"instance": "v", "item_type": "debate", "item_id": 8, "department": "obras", "rule": "r"})
    assert _row_signatures(db)[("debate", 8)] == "obras"


def test_removed_rows_are_indexed_apart(store):
    store["proposals"].insert_all([{"instance": "v", "id": n, "title": "t"} for n in (1, 2)])
    store.execute("UPDATE proposals SET removed_at = '2026-11-20T00:00:00Z' WHERE id = 2")
    found = store.execute(
        "SELECT id, removed_at FROM proposals INDEXED BY idx_proposals_removed "
        "WHERE instance = 'v' AND removed_at IS NOT NULL").fetchall()
    assert found == [(2, "2026-11-20T00:00:00Z")]
