"""The pipeline end to end: real client → real simulator over loopback → store."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from connector.client import DecidimClient
from participa.errors import ConnectorError
from sync.config import InstanceConfig
from sync.pipeline import sync_instance

SECRET = b"e" * 32
RELEASES = ["0.27", "0.28", "0.29", "0.30"]
DATA_TABLES = ("spaces", "components", "proposals", "debates", "meetings", "comments",
               "counter_history", "sync_state")
VOLATILE = {"first_seen_at", "last_seen_at", "updated_at", "observed_at", "sync_run_id"}


class Clock:
    def __init__(self):
        self.moment = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)

    def __call__(self):
        self.moment += timedelta(seconds=1)
        return self.moment


def instance(url, **options):
    return InstanceConfig(name="valpo", url=url, requests_per_minute=100_000, **options)


def sync(store, url, clock=None, client=None, **options):
    inst = instance(url, **options)
    client = client or DecidimClient.from_config(inst, sleep=lambda _s: None)
    with client:
        return sync_instance(store, inst, client, now=clock or Clock(), secret=SECRET)


def _stable(value):
    """Simulators listen on different ports: URLs compare without theirs."""
    if not isinstance(value, str):
        return value
    return re.sub(r"^http://127\.0\.0\.1:\d+", "http://sim", value)


def snapshot(store):
    """Table contents without run-dependent columns (comparable across runs and servers)."""
    out = {}
    for table in DATA_TABLES:
        rows = store.query(f"SELECT * FROM {table} ORDER BY 1, 2, 3")
        out[table] = [{k: _stable(v) for k, v in r.items() if k not in VOLATILE} for r in rows]
    out["sync_state"] = [  # the walk times are the run's: keep which walks completed
        {**r, "value": None} if r["key"].startswith("walked:") else r
        for r in out["sync_state"]
        if r["key"] != "features"
    ]
    return out


def live(store, table):
    return store.execute(f"SELECT COUNT(*) FROM {table} WHERE removed_at IS NULL").fetchone()[0]


@pytest.mark.parametrize("release", RELEASES)
def test_sync_stores_what_the_simulator_lists(store, simulator, release):
    sim, url = simulator(release=release)
    result = sync(store, url)
    index = sim.world.index
    assert live(store, "proposals") == len(index.all_listed("proposal", release)) > 0
    assert live(store, "debates") == len(index.all_listed("debate", release))
    assert live(store, "meetings") == len(index.all_listed("meeting", release)) > 0
    assert live(store, "comments") == len(index.reachable_comments(release)) > 0
    assert live(store, "spaces") == len(sim.world.visible_spaces())
    run = store["sync_runs"].get(result.run_id)
    assert run["status"] == "ok" and run["requests"] == result.requests > 0
    unchanged = snapshot(store)
    sync(store, url)
    assert snapshot(store) == unchanged


class FakeTime:
    """One monotonic clock for the simulator's rate limiter and the client's sleeps."""

    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_throttled_and_faulty_servers_end_with_the_same_store(tmp_path, simulator):
    from sync.store import open_store

    stores = {}
    time = FakeTime()
    for name, options in {
        "clean": {},
        "throttled": {"requests_per_window": 3, "window_seconds": 1, "clock": time.clock},
        "faulty": {"faults": {4: "500", 7: "429"}},
    }.items():
        sim, url = simulator(release="0.29", **options)
        db = open_store(tmp_path / f"{name}.db")
        inst = instance(url, max_retries=20)
        client = DecidimClient.from_config(inst, sleep=time.sleep, clock=time.clock)
        sync(db, url, client=client)
        stores[name] = snapshot(db)
        if name != "clean":
            assert any(r.status == 429 or r.status == 500 for r in sim.requests), name
    assert stores["throttled"] == stores["clean"]
    assert stores["faulty"] == stores["clean"]


def test_interrupted_sync_keeps_its_pages_and_the_next_run_completes(tmp_path, simulator):
    from sync.store import open_store

    _sim, url = simulator(release="0.28", max_page_size=5)
    clean = open_store(tmp_path / "clean.db")
    sync(clean, url)

    class Failing(DecidimClient):
        """Fails in the middle of the first walk that has more than one page."""

        def iter_component_pages(self, *args, **kwargs):
            for page in super().iter_component_pages(*args, **kwargs):
                yield page
                if page.has_next_page:
                    raise ConnectorError("cut short", instance="valpo")

    db = open_store(tmp_path / "p.db")
    clock = Clock()
    inst = instance(url)
    with pytest.raises(ConnectorError):
        sync(db, url, clock, client=Failing.from_config(inst, sleep=lambda _s: None))
    kept = db["proposals"].count + db["debates"].count + db["meetings"].count
    assert kept > 0
    assert [r["status"] for r in db["sync_runs"].rows] == ["failed"]
    assert [r for r in db["sync_state"].rows if r["key"].startswith("cursor:component:")]
    sync(db, url, clock)
    assert snapshot(db) == snapshot(clean)


def test_retries_exhausted_mid_run_then_a_normal_run_completes(tmp_path, simulator):
    from sync.store import open_store

    _sim, clean_url = simulator(release="0.30")
    clean = open_store(tmp_path / "clean.db")
    sync(clean, clean_url)
    _sim, url = simulator(release="0.30", faults={n: "503" for n in range(6, 10)})
    db = open_store(tmp_path / "p.db")
    clock = Clock()
    with pytest.raises(ConnectorError):
        sync(db, url, clock, max_retries=1)
    (failed,) = db["sync_runs"].rows
    assert failed["status"] == "failed" and "valpo" in failed["error"]
    sync(db, url, clock)
    assert snapshot(db) == snapshot(clean)
