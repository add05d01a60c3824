"""The store under stress: two syncs at once, a sync during a digest, a full or read-only
database, a store from an older participa, a corrupt file. Clear message, no damage."""

from __future__ import annotations

import sqlite3
import subprocess
import time

import pytest
from rel_helpers import (
    BIN,
    NOW,
    SECRET,
    Clock,
    SlowInbox,
    email_section,
    integrity,
    snapshot,
    start_smtp,
    write_config,
)

from connector.client import DecidimClient
from connector.simulator import Simulator, generate_world
from participa.errors import StoreError
from sync.config import InstanceConfig
from sync.departments import retag
from sync.pipeline import sync_instance
from sync.store import open_store

LOCK_WAIT = "[schedule]\nlock_timeout_seconds = 0.3\n"


@pytest.fixture(scope="module")
def world():
    return generate_world(7, "tiny", NOW)


def sync(db, url, clock=None):
    inst = InstanceConfig(name="valpo", url=url, requests_per_minute=600_000)
    with DecidimClient.from_config(inst, sleep=lambda _s: None) as client:
        return sync_instance(db, inst, client, now=clock or Clock(), secret=SECRET, retag=retag)


def test_second_sync_waits_then_names_the_first_and_the_first_completes(world, tmp_path,
                                                                        run_cli):
    with Simulator(release="0.29", world=world, latency_ms=150) as sim:
        cfg = write_config(tmp_path, sim.url, email=LOCK_WAIT)
        first = subprocess.Popen([str(BIN), "sync", "--config", str(cfg)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while sim.stats["requests"] < 2:
            time.sleep(0.01)
        second = run_cli(["sync", "--config", cfg])
        out, err = first.communicate(timeout=60)
    assert second.exit_code == 1
    assert "otra sincronización está en curso (pid " in second.stderr, second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    assert first.returncode == 0, err
    assert integrity(tmp_path / "participa.db") == "ok"


def test_sync_during_a_digest_send_both_complete(world, tmp_path, run_cli):
    inbox = SlowInbox(delay=0.4)
    smtp = start_smtp(inbox)
    try:
        with Simulator(release="0.29", world=world) as sim:
            cfg = write_config(tmp_path, sim.url, email=email_section(
                smtp.port, {"todos": [], "mujer": ["mujer"], "diversidades": ["diversidades"]}))
            assert run_cli(["sync", "--config", cfg]).exit_code == 0
            digest = subprocess.Popen(
                [str(BIN), "digest", "send", "--config", str(cfg), "--week", "2026-W47",
                 "--now", "2026-11-24T15:00:00Z"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            while inbox.data_started < 1:
                time.sleep(0.01)
            during = run_cli(["sync", "--config", cfg, "--full"])
            out, err = digest.communicate(timeout=60)
    finally:
        smtp.stop()
    assert during.exit_code == 0, during.stderr
    assert digest.returncode == 0, err
    assert len(inbox.messages) == 3
    assert integrity(tmp_path / "participa.db") == "ok"


def test_full_disk_fails_the_run_with_a_clear_message_and_the_next_run_completes(world,
                                                                                 tmp_path):
    with Simulator(release="0.29", world=world) as sim:
        clean = open_store(tmp_path / "clean.db")
        sync(clean, sim.url)
        clean.close()
        path = tmp_path / "full.db"
        db = open_store(path)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 8}")  # "database or disk is full"
        with pytest.raises(StoreError) as info:
            sync(db, sim.url)
        assert str(info.value).startswith("valpo: ") and "free space" in str(info.value)
        db.close()
        assert integrity(path) == "ok"
        db = open_store(path)  # space freed: the next run completes
        sync(db, sim.url)
        statuses = [r["status"] for r in db["sync_runs"].rows]
        db.close()
    assert statuses[-1] == "ok"
    assert snapshot(path) == snapshot(tmp_path / "clean.db")


def test_read_only_database_is_a_store_error(world, tmp_path):
    with Simulator(release="0.29", world=world) as sim:
        db = open_store(tmp_path / "p.db")
        db.execute("PRAGMA query_only = 1")  # as a read-only file or mount answers
        with pytest.raises(StoreError, match="valpo: cannot write to the store .*read-only"):
            sync(db, sim.url)
        db.close()


def test_store_of_an_older_version_opens_and_is_upgraded(world, tmp_path, run_cli):
    path = tmp_path / "participa.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:  # as an early build wrote it: fewer columns, no ledger
        for view in ("v_comments", "v_items", "v_spaces", "v_item_departments"):
            conn.execute(f"DROP VIEW {view}")
        conn.execute("ALTER TABLE proposals DROP COLUMN hashtags")
        conn.execute("ALTER TABLE meetings DROP COLUMN taxonomies")
        conn.execute("UPDATE store_meta SET value = '0.0.1' WHERE key = 'participa_version'")
    with Simulator(release="0.29", world=world) as sim:
        cfg = write_config(tmp_path, sim.url)
        result = run_cli(["sync", "--config", cfg])
    assert result.exit_code == 0, result.stderr
    db = open_store(path)
    try:
        assert "hashtags" in db["proposals"].columns_dict
        assert "taxonomies" in db["meetings"].columns_dict
        assert db["store_meta"].get("participa_version")["value"] != "0.0.1"
        assert db.execute("SELECT COUNT(*) FROM v_items").fetchone()[0] > 0
    finally:
        db.close()
    ledger = run_cli(["digest", "status", "--config", cfg])  # creates the e-mail ledger
    assert ledger.exit_code == 0 and "Aún no" in ledger.stdout
    assert integrity(path) == "ok"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed-header"])
def test_corrupt_store_is_one_clear_line_and_is_not_touched(world, tmp_path, run_cli, damage):
    path = tmp_path / "participa.db"
    with Simulator(release="0.29", world=world) as sim:
        cfg = write_config(tmp_path, sim.url)
        assert run_cli(["sync", "--config", cfg]).exit_code == 0
        data = path.read_bytes()
        broken = {"garbage": b"not a database at all\n" * 50,
                  "truncated": data[: len(data) // 3],
                  "zeroed-header": b"\0" * 100 + data[100:]}[damage]
        path.write_bytes(broken)
        for name in ("participa.db-wal", "participa.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        results = [run_cli([*args, "--config", cfg]) for args in
                   (["sync"], ["report", "--week", "2026-W47"], ["retag"])]
    for result in results:
        assert result.exit_code == 1, result
        assert "Traceback" not in result.stderr and "Error interno" not in result.stderr
        line = result.stderr.strip().splitlines()[-1]
        assert str(path) in line and ("respaldo" in line or "dañado" in line), line
    assert path.read_bytes() == broken  # nothing written over the evidence
