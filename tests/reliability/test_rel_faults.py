"""Server faults during a sync, against the real simulator on loopback.

Each fault kind is injected on several requests of a sync (probe, space list, item pages).
Transient faults are retried and the run ends with exactly the store a clean sync writes;
faults participa refuses to guess about (an HTML page, invalid JSON, a repeated cursor) fail
the run with a message naming the instance, keep every saved page, and the next run ends
with the clean store. Nothing is ever lost or wrongly marked removed.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from rel_helpers import SECRET, Clock, snapshot

from connector.client import DecidimClient
from connector.simulator import Simulator, generate_world
from participa.errors import ConnectorError, PaginationError, ProtocolError
from sync.config import InstanceConfig
from sync.departments import retag
from sync.pipeline import sync_instance
from sync.store import open_store

RELEASE = "0.29"
PAGE_SIZE = 5
#: request numbers that get the fault: probe, space list, then item pages
WHERE = (1, 4, 8, 12, 16)
#: a cursor can only repeat on a page asked for after one (request 6 on: second pages)
WHERE_FOR = {"repeat_cursor": (6, 12)}

#: kind → None (retried: the run succeeds) or the error class the run fails with
OUTCOME: dict[str, type[ConnectorError] | None] = {
    "500": None, "502": None, "503": None, "429": None, "reset": None, "timeout": None,
    "truncated": None, "partial": None, "null_nodes": None, "short_page": None,
    "invalid_json": ProtocolError, "html200": ProtocolError, "repeat_cursor": PaginationError,
}


@pytest.fixture(scope="module")
def world(request):
    from rel_helpers import NOW

    return generate_world(7, "tiny", NOW)


def instance(url: str) -> InstanceConfig:
    # one request in flight: faults are injected by request number, so the order must be fixed
    return InstanceConfig(name="valpo", url=url, requests_per_minute=600_000, max_retries=6,
                          timeout_seconds=0.5, max_concurrency=1)


def sync(path, url, clock, **client_options):
    db = open_store(path)
    inst = instance(url)
    try:
        with DecidimClient.from_config(inst, sleep=lambda _s: None, **client_options) as client:
            return sync_instance(db, inst, client, now=clock, secret=SECRET, retag=retag)
    finally:
        db.close()


@pytest.fixture(scope="module")
def clean(world, tmp_path_factory):
    path = tmp_path_factory.mktemp("clean") / "clean.db"
    with Simulator(release=RELEASE, world=world, max_page_size=PAGE_SIZE) as sim:
        sync(path, sim.url, Clock())
    return snapshot(path)


def live_count(path, table):
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE removed_at IS NULL").fetchone()[0]


def run_until_ok(path, url, clock, kind):
    """Sync until a run succeeds; every failed run must fail the way ``OUTCOME`` says."""
    expected = OUTCOME[kind]
    failures: list[ConnectorError] = []
    for _attempt in range(len(WHERE) + 1):
        try:
            sync(path, url, clock)
            return failures
        except ConnectorError as exc:
            failures.append(exc)
            assert expected is not None, f"{kind} should be retried, got {exc!r}"
            assert isinstance(exc, expected) and str(exc).startswith("valpo: "), exc
    pytest.fail(f"{kind}: no run succeeded: {failures}")


def rows_within(store: dict, clean: dict) -> None:
    for table, rows in store.items():
        extra = [r for r in rows if r not in clean[table]]
        assert not extra, f"{table}: rows a clean sync does not have: {extra[:2]}"


@pytest.mark.parametrize("kind", sorted(OUTCOME))
def test_fault_kind_on_an_empty_store(kind, world, clean, tmp_path):
    """First sync under the fault: nothing invented; the next (clean) run completes it."""
    path = tmp_path / "p.db"
    clock = Clock()
    with Simulator(release=RELEASE, world=world, max_page_size=PAGE_SIZE,
                   faults=dict.fromkeys(WHERE_FOR.get(kind, WHERE), kind),
                   timeout_seconds=1.5) as sim:
        failures = run_until_ok(path, sim.url, clock, kind)
        assert sim.stats["by_fault"].get(kind), f"{kind} was never injected"
    assert bool(failures) == (OUTCOME[kind] is not None)
    store = snapshot(path)
    rows_within(store, clean)
    if kind not in ("null_nodes", "partial"):  # a null node is an item the server withheld
        assert store == clean
    with Simulator(release=RELEASE, world=world, max_page_size=PAGE_SIZE) as sim:
        sync(path, sim.url, clock)
    assert snapshot(path) == clean


@pytest.mark.parametrize("kind", sorted(OUTCOME))
def test_fault_kind_on_a_synced_store_marks_nothing_removed(kind, world, clean, tmp_path):
    """The same faults on the next scheduled sync: the store stays exactly the clean one
    (``partial``: a null node that came with an error does not make its item removed)."""
    path = tmp_path / "p.db"
    clock = Clock()
    with Simulator(release=RELEASE, world=world, max_page_size=PAGE_SIZE) as sim:
        sync(path, sim.url, clock)
    with Simulator(release=RELEASE, world=world, max_page_size=PAGE_SIZE,
                   faults=dict.fromkeys(WHERE_FOR.get(kind, WHERE), kind),
                   timeout_seconds=1.5) as sim:
        run_until_ok(path, sim.url, clock, kind)
    if kind != "null_nodes":
        assert snapshot(path) == clean
        return
    # a null without an error is an item hidden from us (Decidim 0.30+ per-object
    # authorization: moderated, unpublished): it is marked removed, and comes back
    hidden = [r for t, rows in snapshot(path).items() for r in rows if r not in clean[t]]
    assert hidden and all(r["removed_at"] for r in hidden)
    assert all({**r, "removed_at": None} in clean[t] or r in clean[t]
               for t, rows in snapshot(path).items() for r in rows)
    with Simulator(release=RELEASE, world=world, max_page_size=PAGE_SIZE) as sim:
        sync(path, sim.url, clock)
    assert snapshot(path) == clean


def test_random_faults_by_seed_end_with_the_clean_store(world, clean, tmp_path):
    """20% of requests get a random retriable fault, by seed, on a first and a second sync:
    both complete, nothing is invented (``partial`` may withhold an item the first time),
    and a clean run afterwards leaves exactly the clean store."""
    kinds = ("500", "502", "503", "429", "reset", "truncated", "partial", "short_page")
    injected = 0  # packed requests make a sync of the tiny world ~7 requests: count over seeds
    for seed in (1, 2, 3):
        path = tmp_path / f"seed{seed}.db"
        clock = Clock()
        for run in range(2):
            with Simulator(release=RELEASE, world=world, max_page_size=PAGE_SIZE,
                           fault_rate=0.2, fault_seed=seed * 10 + run, fault_kinds=kinds) as sim:
                sync(path, sim.url, clock, max_retries=20)
                injected += sum(sim.stats["by_fault"].values())
            rows_within(snapshot(path), clean)
        with Simulator(release=RELEASE, world=world, max_page_size=PAGE_SIZE) as sim:
            sync(path, sim.url, clock)
        assert snapshot(path) == clean, f"seed {seed}"
    assert injected > 0


def test_429_storm_without_retry_after_backs_off_then_names_the_fix(world, tmp_path):
    sleeps: list[float] = []
    faults = {n: "429" for n in range(1, 40)}
    with Simulator(release=RELEASE, world=world, faults=faults) as sim:
        db = open_store(tmp_path / "p.db")
        inst = instance(sim.url)
        with (DecidimClient.from_config(inst, sleep=sleeps.append, max_retries=4) as client,
              pytest.raises(ConnectorError, match="requests_per_minute") as info):
            sync_instance(db, inst, client, now=Clock(), secret=SECRET)
        assert str(info.value).startswith("valpo: ")
        assert len(sleeps) == 4 and all(0 <= s <= 60 for s in sleeps)
        (run,) = db["sync_runs"].rows
        assert run["status"] == "failed" and "429" in run["error"]
        db.close()


def test_item_that_disappears_is_marked_removed_and_keeps_its_history(world, tmp_path):
    path = tmp_path / "p.db"
    clock = Clock()
    proposal = next(p for p in world.proposals if p.published_at and not p.hidden
                    and p.withdrawn_at is None)
    debate = next(d for d in world.debates if not d.hidden)
    with Simulator(release=RELEASE, world=world) as sim:
        sync(path, sim.url, clock)
        before = snapshot(path)
        moderated = replace(world, proposals=tuple(
            replace(p, hidden=True) if p.id == proposal.id else p for p in world.proposals),
            debates=tuple(replace(d, hidden=True) if d.id == debate.id else d
                          for d in world.debates))
        sim.world = moderated
        second = sync(path, sim.url, clock)
    db = open_store(path)
    try:
        row = db["proposals"].get(("valpo", proposal.id))
        run = db["sync_runs"].get(second.run_id)
        assert row["removed_at"] == run["started_at"]
        assert db["debates"].get(("valpo", debate.id))["removed_at"] == run["started_at"]
        history = db.execute("SELECT COUNT(*) FROM counter_history WHERE item_type = 'proposal' "
                             "AND item_id = ?", [proposal.id]).fetchone()[0]
        assert history >= 1
        comments = db.execute("SELECT COUNT(*) FROM v_comments WHERE item_type = 'proposal' AND "
                              "item_id = ? AND removed_at IS NULL", [proposal.id]).fetchone()[0]
        assert comments == 0  # its comments stop counting with it
        removed = {r["id"] for r in db.query("SELECT id FROM v_items WHERE removed_at IS NOT "
                                             "NULL AND item_type = 'proposal'")}
        assert removed == {proposal.id} | {p["id"] for p in before["proposals"]
                                           if p["removed_at"] is not None}
    finally:
        db.close()
    # and it comes back when the server lists it again (removed_at NULL again)
    with Simulator(release=RELEASE, world=world) as sim:
        sync(path, sim.url, clock)
    assert snapshot(path, ["proposals", "debates"]) == {
        k: before[k] for k in ("proposals", "debates")}


def test_component_that_changes_type_fails_clearly_then_is_rediscovered(world, tmp_path):
    path = tmp_path / "p.db"
    clock = Clock()
    target = next(c for c in world.components if c.type_name == "Debates")
    changed = replace(world, components=tuple(
        replace(c, type_name="Meetings") if c.id == target.id else c for c in world.components))

    class SwitchingClient(DecidimClient):
        """The component changes type between the space list and the item pages."""

        def iter_spaces(self, *args, **kwargs):
            yield from super().iter_spaces(*args, **kwargs)
            sim.world = changed

    with Simulator(release=RELEASE, world=world) as sim:
        sync(path, sim.url, clock)
        inst = instance(sim.url)
        db = open_store(path)
        with (SwitchingClient.from_config(inst, sleep=lambda _s: None) as client,
              pytest.raises(PaginationError, match=f"component {target.id} is now a")):
            sync_instance(db, inst, client, now=clock, secret=SECRET, retag=retag)
        db.close()
        sync(path, sim.url, clock)  # the next run rediscovers it as a Meetings component
    db = open_store(path)
    try:
        assert db["components"].get(("valpo", target.id))["type"] == "Meetings"
        live_debates = db.execute("SELECT COUNT(*) FROM debates WHERE component_id = ? AND "
                                  "removed_at IS NULL", [target.id]).fetchone()[0]
        assert live_debates == 0  # the server no longer lists debates there
        statuses = [r["status"] for r in db["sync_runs"].rows]
        assert statuses == ["ok", "failed", "ok"]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
