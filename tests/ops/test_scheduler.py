"""The scheduler driven for real with second-level cron and fake jobs."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from participa.errors import ConfigError, LockedError
from sync.config import ScheduleConfig
from sync.scheduler import (
    JobRecord,
    build_daemon,
    format_json,
    format_text,
    is_overdue,
    next_fire_times,
    parse_cron,
)

SANTIAGO = ZoneInfo("America/Santiago")
EVERY_SECOND = ScheduleConfig(sync="* * * * * *", digest="* * * * * *")


def run_for(daemon, seconds: float) -> threading.Thread:
    thread = threading.Thread(target=lambda: daemon.run(signals=(), grace_seconds=3))
    thread.start()
    time.sleep(seconds)
    daemon.request_stop()
    thread.join(timeout=6)
    assert not thread.is_alive()
    return thread


def test_five_field_cron_uses_crontab_weekdays():
    trigger = parse_cron("0 8 * * 1", SANTIAGO)  # crontab 1 = Monday (APScheduler 3: Tuesday)
    now = datetime(2026, 11, 24, 12, 0, tzinfo=SANTIAGO)  # a Tuesday
    [fire] = next_fire_times(trigger, now)
    assert fire == datetime(2026, 11, 30, 8, 0, tzinfo=SANTIAGO)
    assert fire.weekday() == 0


def test_sunday_is_zero_and_seven_and_names_work():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=SANTIAGO)
    sundays = {next_fire_times(parse_cron(f"0 9 * * {d}", SANTIAGO), now)[0]
               for d in ("0", "7", "sun", "SUN")}
    assert sundays == {datetime(2026, 11, 29, 9, 0, tzinfo=SANTIAGO)}
    saturday = datetime(2026, 11, 28, 12, tzinfo=SANTIAGO)
    [monday] = next_fire_times(parse_cron("0 9 * * 1-5", SANTIAGO), saturday)
    assert monday.weekday() == 0


def test_six_fields_have_seconds_first_and_next_times_advance():
    now = datetime(2026, 11, 24, 12, 0, 0, 500000, tzinfo=UTC)
    times = next_fire_times(parse_cron("*/2 * * * * *", UTC), now, 3)
    assert [t.second for t in times] == [2, 4, 6]


@pytest.mark.parametrize("expr", ["", "0 8 * *", "61 * * * *", "0 8 * * funday"])
def test_bad_cron_names_the_key(expr):
    with pytest.raises(ConfigError, match="schedule.sync"):
        parse_cron(expr, UTC, key="schedule.sync")


def test_overdue_after_downtime():
    trigger = parse_cron("0 8 * * mon", SANTIAGO)
    last = datetime(2026, 11, 16, 8, 0, 5, tzinfo=SANTIAGO)
    assert not is_overdue(trigger, last, datetime(2026, 11, 23, 7, 59, tzinfo=SANTIAGO))
    assert is_overdue(trigger, last, datetime(2026, 11, 23, 10, 0, tzinfo=SANTIAGO))


def test_jobs_run_and_failures_do_not_kill_the_daemon():
    records: list[JobRecord] = []
    calls = {"sync": 0, "digest": 0}

    def sync(*, now, should_stop):
        calls["sync"] += 1
        return {"proposals": 3}

    def digest(*, now, should_stop):
        calls["digest"] += 1
        raise RuntimeError("smtp down")

    daemon = build_daemon({"sync": sync, "digest": digest}, EVERY_SECOND,
                          timezone=UTC, emit=records.append)
    run_for(daemon, 2.6)
    assert calls["sync"] >= 2 and calls["digest"] >= 2  # failures retried on the next tick
    statuses = {(r.job, r.status) for r in records}
    assert {("sync", "ok"), ("digest", "failed"), ("scheduler", "started"),
            ("scheduler", "exited")} <= statuses
    failed = next(r for r in records if r.status == "failed")
    assert failed.error == "RuntimeError: smtp down"
    ok = next(r for r in records if r.status == "ok")
    assert ok.counts == {"proposals": 3} and ok.duration is not None


def test_overlapping_ticks_are_skipped_and_logged():
    records: list[JobRecord] = []
    running = []
    overlap = []

    def slow(*, now, should_stop):
        overlap.append(len(running))
        running.append(1)
        time.sleep(1.6)
        running.pop()
        return None

    schedule = ScheduleConfig(sync="* * * * * *")
    daemon = build_daemon({"sync": slow}, schedule, timezone=UTC, emit=records.append)
    run_for(daemon, 2.5)
    assert overlap and max(overlap) == 0
    assert any(r.job == "sync" and r.status == "skipped" for r in records)


def test_stop_flag_reaches_the_job_and_run_returns_quickly():
    records: list[JobRecord] = []
    pages = []

    def sync(*, now, should_stop):
        while not should_stop():
            pages.append(1)
            time.sleep(0.05)
        raise RuntimeError(f"stopped after {len(pages)} pages")

    daemon = build_daemon({"sync": sync}, ScheduleConfig(sync="* * * * * *"),
                          timezone=UTC, emit=records.append)
    started = time.monotonic()
    run_for(daemon, 1.8)
    assert time.monotonic() - started < 4
    assert [r.status for r in records if r.job == "sync" and r.status != "skipped"] == ["stopped"]
    assert records[-1].status == "exited"


def test_locked_error_is_its_own_status():
    records: list[JobRecord] = []

    def sync(*, now, should_stop):
        raise LockedError("otra sincronización está en curso (pid 1 desde 10:02)")

    daemon = build_daemon({"sync": sync}, ScheduleConfig(sync="* * * * * *"),
                          timezone=UTC, emit=records.append)
    run_for(daemon, 1.5)
    assert any(r.status == "locked" and "pid 1" in (r.error or "") for r in records)


def test_missed_run_catches_up_once_on_start():
    records: list[JobRecord] = []
    weekly = ScheduleConfig(sync="0 8 * * mon", digest="0 8 * * mon")
    now = datetime.now(UTC)

    def job(*, now, should_stop):
        return {}

    daemon = build_daemon(
        {"sync": job, "digest": job}, weekly, timezone=SANTIAGO, emit=records.append,
        last_runs={"sync": lambda: now - timedelta(days=8), "digest": lambda: None},
    )
    run_for(daemon, 1.0)
    assert [r.job for r in records if r.status == "ok"] == ["sync"]


def test_log_lines():
    record = JobRecord(datetime(2026, 11, 24, 15, 0, tzinfo=UTC), "sync", "failed", 1.25,
                       {"proposals": 2}, 'valparaiso: "boom"')
    assert format_text(record) == (
        '2026-11-24T15:00:00Z sync failed 1.2s proposals=2 error="valparaiso: \\"boom\\""'
    )
    assert format_json(record) == (
        '{"time": "2026-11-24T15:00:00Z", "job": "sync", "status": "failed", "duration": 1.25, '
        '"counts": {"proposals": 2}, "error": "valparaiso: \\"boom\\""}'
    )
