"""``kill -9`` of ``participa sync`` at seeded random moments, many times, on one store.

The simulator answers with some latency so that kills land mid-run (while pages are being
written). After every kill the store passes ``PRAGMA integrity_check`` and still holds every
row it held before (nothing is lost); after a final normal run its content equals a clean
sync's, bookkeeping columns aside.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time

import pytest
from rel_helpers import BIN, NOW, integrity, snapshot, write_config

from connector.simulator import Simulator, generate_world

KILLS = 24
SEED = 20261124
KEY = bytes(range(32))  # the same author-key secret for both stores, so author keys compare


def keys(path, tables=("spaces", "components", "proposals", "debates", "meetings",
                       "comments", "counter_history")):
    """(table, primary key) of every row: what must never disappear."""
    import sqlite3

    out = set()
    with sqlite3.connect(path) as conn:
        for table in tables:
            try:
                pk = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[5]]
                out |= {(table, *row) for row in conn.execute(
                    f"SELECT {', '.join(pk)} FROM {table}")}
            except sqlite3.OperationalError:  # killed before the schema was written
                return out
    return out


def run_sync(folder, *args, timeout=60):
    return subprocess.run([str(BIN), "sync", "--config", str(folder / "config.toml"), *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def world():
    return generate_world(7, "small", NOW)


def test_kill_9_mid_sync_never_loses_rows_and_a_normal_run_completes(world, tmp_path):
    clean_dir, dir_ = tmp_path / "clean", tmp_path / "killed"
    for folder in (clean_dir, dir_):
        folder.mkdir()
        (folder / "participa.db.key").write_bytes(KEY)
    with Simulator(release="0.29", world=world) as sim:
        write_config(clean_dir, sim.url)
        assert run_sync(clean_dir).returncode == 0
        per_run = sim.stats["requests"]  # what one full run of this world sends
    clean = snapshot(clean_dir / "participa.db")

    rng = random.Random(SEED)
    landed = finished = 0
    held: set = set()
    with Simulator(release="0.29", world=world, latency_ms=40) as sim:
        write_config(dir_, sim.url)
        store = dir_ / "participa.db"
        for n in range(KILLS):
            args = ["--full"] if n % 2 == 0 else []
            base = sim.stats["requests"]
            target = base + rng.randint(1, max(1, per_run - 2))  # before its last requests
            proc = subprocess.Popen([str(BIN), "sync", "--config", str(dir_ / "config.toml"),
                                     *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 30
            while (proc.poll() is None and sim.stats["requests"] < target
                   and time.monotonic() < deadline):
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))  # inside a request, or saving the page before
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                landed += 1
            else:
                finished += 1
            _out, err = proc.communicate(timeout=30)
            assert b"Traceback" not in err
            if store.exists() and store.stat().st_size:
                assert integrity(store) == "ok", f"kill {n}"
                now_held = keys(store)
                assert held <= now_held, f"kill {n} lost {sorted(held - now_held)[:5]}"
                held = now_held
        final = run_sync(dir_)
    assert final.returncode == 0, final.stderr
    assert integrity(store) == "ok"
    got = snapshot(store)
    for table in clean:
        diff = [(a, b) for a, b in zip(got[table], clean[table], strict=False) if a != b]
        assert len(got[table]) == len(clean[table]) and not diff, (
            table, len(got[table]), len(clean[table]),
            [{k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)} for a, b in diff[:3]])
    assert landed >= KILLS // 2, f"only {landed} of {KILLS} kills landed mid-run"
    print(f"\nsync kill -9: {landed} landed mid-run, {finished} runs had finished; rows lost 0")
