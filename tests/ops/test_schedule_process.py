"""``participa schedule`` as a real process: it runs jobs, logs them, stops on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "participa"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_schedule(config: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [str(BIN), "schedule", "--config", str(config), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def read_lines_until(proc, predicate, timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if predicate(lines):
            return lines
    raise AssertionError(f"not seen in {timeout} s; got: {lines}")


def stop(proc) -> tuple[int, float, str]:
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=15)
    return proc.returncode, time.monotonic() - started, out


def failed_syncs(lines):
    records = [json.loads(line) for line in lines if line.startswith("{")]
    return sum(r.get("job") == "sync" and r.get("status") == "failed" for r in records)


def test_sigterm_stops_the_daemon_cleanly_and_failures_are_logged(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[store]\npath = "participa.db"\n[[instances]]\nname = "valpo"\n'
        f'url = "http://127.0.0.1:{free_port()}/api"\nmax_retries = 0\ntimeout_seconds = 2\n'
        '[schedule]\nsync = "* * * * * *"\n',
        encoding="utf-8",
    )
    proc = start_schedule(config, "--log-format", "json")
    try:
        # a tick that finds the previous sync still running logs "skipped" (a loaded machine)
        lines = read_lines_until(proc, lambda ls: failed_syncs(ls) >= 2, timeout=20)
    finally:
        code, took, rest = stop(proc)
    records = [json.loads(line) for line in lines + rest.splitlines()]
    assert records[0]["job"] == "scheduler" and records[0]["status"] == "started"
    syncs = [r for r in records if r["job"] == "sync" and r["status"] != "skipped"]
    assert syncs[0]["status"] == "failed" and "valpo" in syncs[0]["error"]
    assert set(syncs[0]) == {"time", "job", "status", "duration", "counts", "error"}
    assert records[-1] == {**records[-1], "job": "scheduler", "status": "exited"}
    assert code == 0 and took < 5
    with sqlite3.connect(tmp_path / "participa.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        statuses = {r[0] for r in conn.execute("SELECT status FROM sync_runs")}
    assert statuses == {"failed"}
