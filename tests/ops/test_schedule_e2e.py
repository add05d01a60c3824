"""The scheduler for real: second-level cron, the simulator on loopback, a loopback SMTP server.

A sync happens, each digest is sent once however many times its job runs, SIGTERM stops a
``participa schedule`` process within seconds, and the store is consistent afterwards.
"""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from participa.cli.ops_cmd import schedule_zone, scheduled_jobs
from participa.cli.status_view import render_status
from sync.config import load_config
from sync.scheduler import JobRecord, build_daemon
from sync.status import compute_status, read_snapshot

simulator = pytest.importorskip("connector.simulator")
if not hasattr(simulator, "Simulator"):
    pytest.skip("the Decidim simulator server is not there yet", allow_module_level=True)

BIN = Path(sys.executable).parent / "participa"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def decidim_url(request):
    latency = getattr(request, "param", 0)
    sim = simulator.Simulator(scale="tiny", now=datetime.now(UTC), latency_ms=latency)
    url = sim.start()
    yield url
    sim.stop()


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def write_config(tmp_path: Path, url: str, smtp_port: int, *, sync: str, digest: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\npath = "participa.db"\n\n'
        f'[[instances]]\nname = "valpo"\nurl = "{url}"\nrequests_per_minute = 60000\n'
        "max_retries = 0\ntimeout_seconds = 5\n\n"
        f'[email]\nfrom = "participa@example.cl"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {smtp_port}\nsecurity = "none"\n'
        '[[email.digests]]\nname = "semanal"\nto = ["equipo@example.cl"]\n\n'
        f'[schedule]\nsync = "{sync}"\ndigest = "{digest}"\n',
        encoding="utf-8",
    )
    return path


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_scheduled_sync_and_digest_once(tmp_path, decidim_url, smtp):
    port, inbox = smtp
    cfg = load_config(write_config(tmp_path, decidim_url, port,
                                   sync="*/2 * * * * *", digest="* * * * * *"))
    records: list[JobRecord] = []
    daemon = build_daemon(scheduled_jobs(cfg), cfg.schedule, timezone=schedule_zone(cfg),
                          emit=records.append)
    thread = threading.Thread(target=lambda: daemon.run(signals=(), grace_seconds=10))
    thread.start()
    deadline = time.monotonic() + 25
    while time.monotonic() < deadline:
        done = [r for r in records if r.job == "digest" and r.status in ("ok", "failed")]
        synced = [r for r in records if r.job == "sync" and r.status in ("ok", "failed")]
        if len(done) >= 2 and synced:
            break
        time.sleep(0.2)
    daemon.request_stop()
    thread.join(15)
    assert not thread.is_alive()
    syncs = [r for r in records if r.job == "sync" and r.status != "skipped"]
    digests = [r for r in records if r.job == "digest" and r.status != "skipped"]
    assert syncs and syncs[0].status == "ok", syncs
    assert syncs[0].counts["proposals"] > 0
    assert [d.status for d in digests[:2]] == ["ok", "ok"], digests
    assert digests[0].counts["sent"] == 1 and digests[1].counts["sent"] == 0
    assert len(inbox.messages) == 1
    assert integrity(cfg.store.path) == "ok"
    status = compute_status(cfg, read_snapshot(cfg.store.path), now=datetime.now(UTC),
                            timezone=ZoneInfo("America/Santiago"))
    assert status.exit_code == 0 and status.instances[0].last_ok is not None
    assert status.digests and status.digests[0].last_sent is not None
    (tmp_path / "status.txt").write_text(render_status(status), encoding="utf-8")


def wait_for_running_sync(db: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as conn:
            if conn.execute("SELECT 1 FROM sync_runs WHERE status = 'running'").fetchone():
                time.sleep(0.2)  # a few pages in
                return
        time.sleep(0.05)
    raise AssertionError("no second sync started")


@pytest.mark.parametrize("decidim_url", [60], indirect=True)  # ms per request: ~1.5 s a sync
def test_sigterm_mid_schedule_leaves_a_consistent_store(tmp_path, decidim_url, smtp):
    port, _ = smtp
    config = write_config(tmp_path, decidim_url, port, sync="* * * * * *", digest="0 8 * * mon")
    proc = subprocess.Popen([str(BIN), "schedule", "--config", str(config), "--log-format",
                             "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen: list[dict] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
            r["job"] == "sync" and r["status"] != "skipped" for r in seen
        ):
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(json.loads(line))
        wait_for_running_sync(tmp_path / "participa.db", timeout=5)  # the next one
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    records = seen + [json.loads(line) for line in out.splitlines()]
    assert proc.returncode == 0 and took < 5, (proc.returncode, took, err)
    assert any(r["job"] == "sync" and r["status"] == "ok" for r in records), records
    assert records[-1]["status"] == "exited"
    assert integrity(tmp_path / "participa.db") == "ok"
    with sqlite3.connect(tmp_path / "participa.db") as conn:
        runs = [r[0] for r in conn.execute("SELECT status FROM sync_runs ORDER BY id")]
    assert len(runs) >= 2 and "running" not in runs, runs
    status = subprocess.run([str(BIN), "status", "--config", str(config)],
                            capture_output=True, text=True, timeout=20)
    assert status.returncode == 0, status.stdout + status.stderr
    (tmp_path / "status-after-sigterm.txt").write_text(status.stdout, encoding="utf-8")
