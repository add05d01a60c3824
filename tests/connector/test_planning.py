"""Request planning: packed requests stay within Decidim's limits on every release, a full sync
of the small world costs no more than the page bound, an incremental sync after a simulated
week stores what a full sync stores, and concurrency stays within its limit without 429s."""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
from graphql import parse, validate

from connector import queries
from connector.client import DecidimClient
from connector.models import ComponentRef, Features
from connector.planning import RequestPlanner, Walk
from connector.queries import RELEASE_FEATURES, RELEASES, estimate_cost
from connector.simulator import Simulator, advance_world, close_spaces, generate_world
from sync.config import InstanceConfig
from sync.pipeline import sync_instance
from sync.store import open_store

SECRET = b"p" * 32
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
FEATURE_SETS = {
    **{f"release-{r}": f for r, f in RELEASE_FEATURES.items()},
    "release-0.30.5": RELEASE_FEATURES["0.30"].model_copy(update={"max_aliases": 5,
                                                                  "comment_depth": 1}),
    "aliases-2": RELEASE_FEATURES["0.29"].model_copy(update={"max_aliases": 2}),
}
KINDS = {"proposals": "Proposals", "debates": "Debates", "meetings": "Meetings"}


def walks(n: int = 40) -> list[Walk]:
    """A mix: kinds, known and unknown sizes, resumed cursors, date-filtered proposals."""
    out = []
    for i in range(n):
        kind = list(KINDS)[i % 3]
        ref = ComponentRef(id=str(i + 1), __typename=KINDS[kind])
        out.append(Walk(ref, kind, cursor="NQ" if i % 7 == 0 else None,
                        since=datetime(2026, 11, 1).date() if i % 5 == 0 else None,
                        expected=[None, 0, 3, 49, 120][i % 5]))
    return out


def drain(planner: RequestPlanner, pages_of: int = 30):
    """Plan every batch, answering each slot with a full page until ``pages_of`` pages."""
    while True:
        batch = planner.next_batch()
        if not batch:
            return
        yield batch
        for slot in batch:
            done = slot.walk.pages + 1 >= pages_of or slot.walk.expected == 0
            planner.record(slot.walk, slot.first, not done, "Mg")


@pytest.mark.parametrize("name", FEATURE_SETS)
def test_packed_requests_stay_within_complexity_aliases_and_depth(name, schemas):
    features = FEATURE_SETS[name]
    release = "0.30" if features.taxonomies else "0.29" if features.withdrawn_field else "0.28"
    planner = RequestPlanner(walks(), features)
    seen = 0
    for batch in drain(planner, pages_of=4):
        parts = tuple((s.walk.kind, s.walk.dated) for s in batch)
        text = queries.packed_document(parts, features)
        variables = {f"first{n}": s.first for n, s in enumerate(batch)}
        complexity, depth = estimate_cost(text, variables)
        assert complexity == planner.cost(batch) <= queries.MAX_COMPLEXITY
        assert depth <= queries.MAX_DEPTH
        if features.max_aliases is not None:
            assert queries.alias_count(text) <= features.max_aliases
        assert all(1 <= s.first <= queries.MAX_PAGE_SIZE for s in batch)
        assert len({s.walk.component.id for s in batch}) == len(batch)  # one page each
        errors = validate(schemas[release], parse(text))
        assert not errors, [e.message for e in errors]
        seen += 1
    assert seen and not planner.pending


def test_a_small_component_is_read_whole_in_a_slice_of_a_request():
    features = RELEASE_FEATURES["0.30"].model_copy(update={"max_aliases": 5})
    small = [Walk(ComponentRef(id=str(i), __typename="Proposals"), "proposals", expected=4)
             for i in range(5)]
    batch = RequestPlanner(small, features).next_batch()
    assert [s.first for s in batch] == [7] * 5  # 4 known + slack, all five in one request


@pytest.fixture(scope="module")
def small_world():
    return generate_world(7, "small", NOW)


def instance(url: str, **options) -> InstanceConfig:
    return InstanceConfig(name="valpo", url=url, requests_per_minute=600_000, **options)


def run_sync(path, url, now, *, full=False, **options):
    db = open_store(path)
    inst = instance(url, **options)
    try:
        with DecidimClient.from_config(inst, sleep=lambda _s: None) as client:
            result = sync_instance(db, inst, client, now=lambda: now, secret=SECRET, full=full)
        return result, client
    finally:
        db.close()


def page_bound(world, release: str) -> int:
    index = world.index
    listed = {"Proposals": "proposal", "Debates": "debate", "Meetings": "meeting"}
    sizes: dict[int, int] = {}
    for kind in listed.values():
        for item in index.all_listed(kind, release):
            sizes[item.component_id] = sizes.get(item.component_id, 0) + 1
    return 1 + sum(math.ceil(n / 50) for n in sizes.values())


@pytest.mark.parametrize("release", RELEASES)
def test_full_sync_of_the_small_world_is_within_the_page_bound(release, small_world, tmp_path):
    with Simulator(release=release, world=small_world) as sim:
        result, client = run_sync(tmp_path / "p.db", sim.url, NOW)
        probes = 3  # feature detection: reported apart, fixed
        assert result.requests - probes <= page_bound(small_world, release) - 0
        assert sim.stats["rate_limited"] == 0


def test_incremental_after_a_week_stores_what_a_full_sync_stores(small_world, tmp_path):
    world = close_spaces(small_world, 0.5, seed=3)
    later = advance_world(world, 7, seed=1)
    with Simulator(release="0.30", world=world) as sim:
        run_sync(tmp_path / "inc.db", sim.url, NOW)
        sim.world = later
        result, _ = run_sync(tmp_path / "inc.db", sim.url, NOW + timedelta(days=7))
    with Simulator(release="0.30", world=later) as sim:
        run_sync(tmp_path / "full.db", sim.url, NOW + timedelta(days=7))
    with sqlite3.connect(tmp_path / "inc.db") as conn:
        modes = [r[0] for r in conn.execute("SELECT mode FROM sync_runs ORDER BY id")]
    assert modes == ["full", "incremental"]
    for table in ("spaces", "components", "proposals", "debates", "meetings", "comments"):
        assert content(tmp_path / "inc.db", table) == content(tmp_path / "full.db", table), table


VOLATILE = {"first_seen_at", "last_seen_at", "updated_at", "removed_at"}


def content(path, table):
    """A table's rows still listed, without run-dependent columns or the simulator's port."""
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(f"SELECT * FROM {table} WHERE removed_at IS NULL ORDER BY 1, 2, 3")
        return [{k: re.sub(r"127\.0\.0\.1:\d+", "sim", v) if isinstance(v, str) else v
                 for k, v in dict(r).items() if k not in VOLATILE} for r in rows]


def test_closed_spaces_between_refreshes_cost_only_date_checks(small_world, tmp_path):
    world = close_spaces(small_world, 0.8, seed=3)
    with Simulator(release="0.30", world=world) as sim:
        run_sync(tmp_path / "p.db", sim.url, NOW)
        full = sim.stats["requests"]
        before = sim.stats["requests"]
        result, _ = run_sync(tmp_path / "p.db", sim.url, NOW + timedelta(days=1))
        again = sim.stats["requests"] - before
    assert result.requests == again < full / 2


def test_close_spaces_ends_the_chosen_share_of_spaces_in_the_past(small_world):
    closed = close_spaces(small_world, 0.8, seed=1)
    ended = [s for s in closed.spaces if s.end_date and s.end_date < NOW.date() - timedelta(30)]
    assert len(ended) >= round(0.8 * len(small_world.spaces))
    assert closed.proposals == small_world.proposals
    assert close_spaces(small_world, 0.8, seed=1) == closed


def test_concurrency_never_exceeds_the_limit_nor_trips_the_rate_limit(small_world, tmp_path):
    """Sends at 90% of the server's rate with 3 requests allowed in flight."""
    with Simulator(release="0.29", world=small_world, latency_ms=30,
                   requests_per_window=100, window_seconds=1.0) as sim:
        in_flight, peak, lock = [0], [0], threading.Lock()
        original = sim._serve

        def counting(handler, body):
            with lock:
                in_flight[0] += 1
                peak[0] = max(peak[0], in_flight[0])
            try:
                original(handler, body)
            finally:
                with lock:
                    in_flight[0] -= 1

        sim._serve = counting
        inst = instance(sim.url, max_concurrency=3).model_copy(update={"requests_per_minute": 5400})
        db = open_store(tmp_path / "p.db")
        with DecidimClient.from_config(inst) as client:
            sync_instance(db, inst, client, now=lambda: NOW, secret=SECRET)
        db.close()
    assert 2 <= peak[0] <= 3
    assert sim.stats["rate_limited"] == 0


def test_features_without_alias_limit_still_pack_by_complexity():
    features = Features()
    many = [Walk(ComponentRef(id=str(i), __typename="Meetings"), "meetings", expected=2)
            for i in range(40)]
    batch = RequestPlanner(many, features).next_batch()
    assert len(batch) > 5  # more than a 0.30.5 server would allow
