"""The sync pipeline with an in-memory fake client: counts, idempotence, resume, removal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pipeline_fakes import FakeClient, proposal, small_world

from participa.errors import ServerError, StoppedError
from sync import pipeline
from sync.config import DepartmentRule, InstanceConfig
from sync.pipeline import sync_instance

INSTANCE = InstanceConfig(name="valpo", url="https://p.example.cl/api")
SECRET = b"s" * 32


class Clock:
    """Advances one minute per call, from a fixed start."""

    def __init__(self, start=datetime(2026, 11, 24, 15, 0, tzinfo=UTC)):
        self.moment = start

    def __call__(self):
        self.moment += timedelta(minutes=1)
        return self.moment


def run(store, client, clock=None, **kwargs):
    return sync_instance(store, INSTANCE, client, now=clock or Clock(), secret=SECRET, **kwargs)


def rows(store, table):
    return list(store.query(f"SELECT * FROM {table} ORDER BY 1, 2, 3"))


def content(store, table):
    drop = {"first_seen_at", "last_seen_at", "updated_at", "observed_at", "sync_run_id"}
    return [{k: v for k, v in r.items() if k not in drop} for r in rows(store, table)]


def test_first_sync_stores_everything(store):
    client = FakeClient(*small_world())
    result = run(store, client)
    assert result.counts == {"spaces": 2, "components": 4, "proposals": 5, "debates": 1,
                             "meetings": 3, "comments": 5}
    assert store["proposals"].count == 5 and store["meetings"].count == 3
    assert store["comments"].count == 5 and store["counter_history"].count == 9
    (run_row,) = rows(store, "sync_runs")
    assert run_row["status"] == "ok" and run_row["requests"] == client.requests
    assert run_row["proposals"] == 5 and run_row["error"] is None
    assert run_row["mode"] == "full"
    assert not [r for r in rows(store, "sync_state") if r["key"].startswith("cursor:")]
    assert store["sync_state"].get(("valpo", "features"))["value"].startswith("{")
    meeting = store["meetings"].get(("valpo", 1))
    assert (meeting["space_type"], meeting["space_id"]) == ("assembly", 1)
    assert meeting["url"] == "https://p.example.cl/assemblies/consejo/f/12/meetings/1"
    assert store["proposals"].get(("valpo", 4))["withdrawn"] == 1
    depths = {r["id"]: (r["parent_id"], r["depth"]) for r in rows(store, "comments")}
    assert depths[102] == (101, 2)


def test_second_sync_of_unchanged_server_only_touches_last_seen(store):
    clock = Clock()
    run(store, FakeClient(*small_world()), clock)
    before = {t: content(store, t) for t in ("spaces", "components", "proposals", "comments")}
    first_seen = rows(store, "proposals")[0]["first_seen_at"]
    run(store, FakeClient(*small_world()), clock)
    assert {t: content(store, t) for t in before} == before
    assert store["counter_history"].count == 9
    again = rows(store, "proposals")[0]
    assert again["first_seen_at"] == first_seen and again["last_seen_at"] > first_seen


def test_changed_counter_adds_one_history_row(store):
    clock = Clock()
    run(store, FakeClient(*small_world()), clock)
    spaces, items = small_world()
    items["10"][1] = proposal(2, votes=7)
    run(store, FakeClient(spaces, items), clock)
    history = list(store.query(
        "SELECT vote_count FROM counter_history WHERE item_type = 'proposal' AND item_id = 2 "
        "ORDER BY observed_at"))
    assert [h["vote_count"] for h in history] == [0, 7]
    assert store["counter_history"].count == 10


def test_vanished_items_components_and_comments_get_removed_at_and_come_back(store):
    clock = Clock()
    run(store, FakeClient(*small_world()), clock)
    spaces, items = small_world()
    items["10"] = [p for p in items["10"] if p.id != "3"]  # proposal 3 and its comment go
    items["10"][0] = proposal(1, votes=3, comments=[{"id": "100"}])  # replies 101, 102 hidden
    spaces = spaces[:1]  # the assembly (meetings component 12) disappears
    run(store, FakeClient(spaces, items), clock)
    removed = {(r["item_type"], r["id"]) for r in store.query(
        "SELECT item_type, id FROM v_items WHERE removed_at IS NOT NULL")}
    assert removed == {("proposal", 3), ("meeting", 1), ("meeting", 2), ("meeting", 3)}
    gone_comments = {r["id"] for r in store.query(
        "SELECT id FROM comments WHERE removed_at IS NOT NULL")}
    assert gone_comments == {101, 102, 103}
    assert store["spaces"].get(("valpo", "assembly", 1))["removed_at"] is not None
    assert store["components"].get(("valpo", 12))["removed_at"] is not None
    run(store, FakeClient(*small_world()), clock)
    assert not list(store.query("SELECT id FROM v_items WHERE removed_at IS NOT NULL"))
    assert not list(store.query("SELECT id FROM comments WHERE removed_at IS NOT NULL"))


def test_failed_run_keeps_pages_marks_run_failed_and_next_run_resumes(store):
    clock = Clock()
    failing = FakeClient(*small_world(), fail_after_pages=2)
    with pytest.raises(ServerError):
        run(store, failing, clock)
    first = rows(store, "sync_runs")[0]
    assert first["status"] == "failed" and "HTTP 500" in first["error"]
    assert first["finished_at"] is not None
    assert store["proposals"].count == 4  # two pages of two were saved
    cursor = store["sync_state"].get(("valpo", "cursor:component:10"))["value"]
    assert cursor == "4"
    resumed = FakeClient(*small_world())
    run(store, resumed, clock)
    assert ("10", "4") in resumed.afters
    assert store["proposals"].count == 5
    assert not list(store.query("SELECT id FROM v_items WHERE removed_at IS NOT NULL"))


def test_full_ignores_saved_cursors(store):
    clock = Clock()
    with pytest.raises(ServerError):
        run(store, FakeClient(*small_world(), fail_after_pages=1), clock)
    client = FakeClient(*small_world())
    run(store, client, clock, full=True)
    assert ("10", None) in client.afters


def test_failure_never_loses_stored_rows(store):
    clock = Clock()
    run(store, FakeClient(*small_world()), clock)
    before = content(store, "proposals")
    with pytest.raises(ServerError):
        run(store, FakeClient(*small_world(), fail_after_pages=0), clock)
    assert content(store, "proposals") == before
    assert [r["status"] for r in rows(store, "sync_runs")] == ["ok", "failed"]


def test_retag_is_called_with_instance_rules_and_locale(store):
    calls = []
    rules = [DepartmentRule(slug="salud", name="Salud", keywords=["salud"])]

    def retag(db, instance, got_rules, locale):
        calls.append((instance, list(got_rules), locale, db["proposals"].count))
        return 0

    run(store, FakeClient(*small_world()), rules=rules, retag=retag)
    assert calls == [("valpo", rules, "es", 5)]


def test_progress_messages_are_optional_and_plain(store):
    messages = []
    run(store, FakeClient(*small_world()), progress=messages.append)
    assert messages and all(isinstance(m, str) for m in messages)


def test_author_keys_default_to_the_key_file_beside_the_store(store, tmp_path):
    sync_instance(store, INSTANCE, FakeClient(*small_world()), now=Clock())
    assert (tmp_path / "participa.db.key").exists()
    keys = {r["author_key"] for r in rows(store, "proposals")}
    assert len(keys) == 3 and all(len(k) == 32 for k in keys)


def test_an_interrupted_full_run_never_lets_an_older_cursor_mark_items_removed(store):
    """Run 1 saves a cursor and dies; run 2 (--full) starts fresh walks and dies before
    reading that component; run 3 must not resume run 1's cursor as if run 2 had begun it."""
    clock = Clock()
    with pytest.raises(ServerError):
        run(store, FakeClient(*small_world(), fail_after_pages=2), clock)
    assert store["sync_state"].get(("valpo", "cursor:component:10"))["value"] == "4"
    with pytest.raises(ServerError):
        run(store, FakeClient(*small_world(), fail_after_pages=0), clock, full=True)
    run(store, FakeClient(*small_world()), clock)
    assert store["proposals"].count == 5
    assert not list(store.query("SELECT id FROM v_items WHERE removed_at IS NOT NULL"))


def test_a_stop_request_commits_the_pages_read_and_the_next_run_resumes(store):
    clock = Clock()
    asked = iter([False, True])  # stop after the second answer (well before COMMIT_EVERY)
    with pytest.raises(StoppedError, match="next run resumes"):
        run(store, FakeClient(*small_world()), clock, should_stop=lambda: next(asked))
    assert store["proposals"].count == 4  # two answers of two, kept although not 12 answers
    assert rows(store, "sync_runs")[0]["status"] == "failed"
    resumed = FakeClient(*small_world())
    run(store, resumed, clock)
    assert ("10", "4") in resumed.afters
    assert store["proposals"].count == 5


def test_answers_are_committed_in_groups_and_all_at_the_end(store, monkeypatch):
    monkeypatch.setattr(pipeline, "COMMIT_EVERY", 2)
    commits = []
    real = type(store).commit
    monkeypatch.setattr(type(store), "commit", lambda db: (commits.append(1), real(db))[1])
    client = FakeClient(*small_world())
    run(store, client, Clock())
    pages = client.pages_served
    assert len(commits) == pages // 2 + (1 if pages % 2 else 0)
    assert store["proposals"].count == 5 and not store.conn.in_transaction
