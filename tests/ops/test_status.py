"""Status: pure computation from literal rows, the read-only reader, text and JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from participa.cli.status_view import render_status, status_dict
from reports import ledger
from sync.config import parse_config
from sync.status import RunInfo, SendInfo, StoreSnapshot, compute_status, read_snapshot

SANTIAGO = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # Tuesday 12:00 in Valparaíso
CONFIG = parse_config({
    "instances": [{"name": "valpo", "url": "https://p.example.cl/api"},
                  {"name": "otra", "url": "https://o.example.cl/api"}],
    "email": {"from": "x@example.cl", "digests": [{"name": "semanal", "to": ["a@example.cl"]}]},
    "schedule": {"stale_after_hours": 12},
})


def run(id, instance, status, hours_ago, seconds=90.0, error=None):
    started = NOW - timedelta(hours=hours_ago)
    return RunInfo(id, instance, status, started, started + timedelta(seconds=seconds),
                   "full", 40, {"proposals": 12, "comments": 30}, error)


def snapshot(runs=(), sends=None, holder=None):
    return StoreSnapshot(Path("participa.db"), True, 2_500_000, {"proposals": 12, "sync_runs": 3},
                         tuple(runs), sends, holder)


def test_fresh_instances_exit_zero_and_next_runs_follow_cron():
    status = compute_status(
        CONFIG, snapshot([run(1, "valpo", "ok", 2), run(2, "otra", "ok", 3)]),
        now=NOW, timezone=SANTIAGO,
    )
    assert status.exit_code == 0 and not status.stale
    assert status.next_runs == {
        "sync": datetime(2026, 11, 24, 16, 0, tzinfo=SANTIAGO),
        "digest": datetime(2026, 11, 30, 8, 0, tzinfo=SANTIAGO),
    }


def test_stale_or_never_synced_exit_3():
    stale = compute_status(CONFIG, snapshot([run(1, "valpo", "ok", 13), run(2, "otra", "ok", 1)]),
                           now=NOW, timezone=SANTIAGO)
    assert stale.exit_code == 3 and [i.stale for i in stale.instances] == [True, False]
    runs = [run(1, "valpo", "ok", 1), run(2, "otra", "failed", 1)]
    never = compute_status(CONFIG, snapshot(runs), now=NOW, timezone=SANTIAGO)
    assert never.exit_code == 3
    assert never.instances[1].last_ok is None and never.instances[1].last_failed is not None


def test_a_running_row_without_a_lock_holder_is_interrupted():
    runs = [run(1, "valpo", "ok", 5), run(2, "valpo", "running", 1)]
    status = compute_status(CONFIG, snapshot(runs), now=NOW, timezone=SANTIAGO)
    assert status.instances[0].interrupted
    runs = [run(1, "valpo", "running", 9), run(2, "valpo", "ok", 1)]
    older = compute_status(CONFIG, snapshot(runs), now=NOW, timezone=SANTIAGO)
    assert older.instances[0].running is None


def test_digest_failing_when_the_latest_attempt_failed():
    sends = (
        SendInfo("semanal", "valpo", "2026-W46", "sent", NOW - timedelta(days=8), None),
        SendInfo("semanal", "valpo", "2026-W47", "failed", NOW - timedelta(days=1), None, "550"),
    )
    status = compute_status(CONFIG, snapshot(sends=sends), now=NOW, timezone=SANTIAGO)
    [digest] = status.digests
    assert digest.failing and digest.last_sent.period == "2026-W46"


def test_text_in_spanish_and_english_and_json():
    runs = [run(1, "valpo", "ok", 2), run(2, "valpo", "failed", 1, error="valpo: HTTP 502"),
            run(3, "otra", "ok", 20)]
    status = compute_status(CONFIG, snapshot(runs), now=NOW, timezone=SANTIAGO)
    es = render_status(status, "es")
    assert "Instancia valpo" in es and "última sincronización correcta: 2026-11-24 10:01" in es
    assert "valpo: HTTP 502" in es and "✗ DESACTUALIZADA" in es and "hace 19 h 58 min" in es
    assert "sync    2026-11-24 16:00" in es and "HTTP 502" in es and "2.4 MB" in es
    en = render_status(status, "en")
    assert "last successful sync" in en and "✗ STALE" in en
    data = json.loads(json.dumps(status_dict(status)))
    assert data["exit_code"] == 3 and data["next_runs"]["sync"] == "2026-11-24T19:00:00Z"
    assert data["instances"][0]["last_ok"]["counts"] == {"proposals": 12, "comments": 30}


def test_reader_never_creates_and_reads_runs_and_ledger(tmp_path, store):
    missing = read_snapshot(tmp_path / "nope.db")
    assert not missing.exists and not (tmp_path / "nope.db").exists()
    path = tmp_path / "participa.db"
    empty = read_snapshot(path)
    assert empty.exists and empty.sends is None and empty.runs == ()
    store["sync_runs"].insert_all([
        {"instance": "valpo", "started_at": "2026-11-24T10:00:00Z",
         "finished_at": "2026-11-24T10:01:30Z", "status": "ok", "proposals": 5, "requests": 7},
        {"instance": "valpo", "started_at": "2026-11-24T11:00:00Z",
         "finished_at": "2026-11-24T11:00:05Z", "status": "ok", "proposals": 1},
        {"instance": "valpo", "started_at": "2026-11-24T12:00:00Z", "status": "running"},
    ])
    ledger.record_start(store, ledger.SendRecord("semanal", "valpo", "2026-W47", "sent",
                                                 "2026-11-24T11:00:00Z"))
    snap = read_snapshot(path)
    assert [(r.id, r.status) for r in snap.runs] == [(2, "ok"), (3, "running")]
    assert snap.runs[0].counts["proposals"] == 1 and snap.table_rows["sync_runs"] == 3
    assert [s.period for s in snap.sends] == ["2026-W47"] and snap.size_bytes > 0
