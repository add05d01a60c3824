"""``participa schedule``: APScheduler 3 wiring. The jobs come in as functions; this module
knows nothing of Decidim, SQLite or e-mail.

``build_daemon(jobs, schedule, ...)`` turns ``{"sync": fn, "digest": fn}`` plus the
``[schedule]`` cron expressions into a ``Daemon`` around a ``BlockingScheduler``:

- 5-field cron (``minute hour day month weekday``, weekday 0/7 = Sunday as in crontab) or
  6-field cron with *seconds first* (for tests), in the schedule's time zone;
- one worker thread and ``max_instances=1``: jobs never overlap, not even with each other; a
  tick that comes while the same job still runs is skipped and logged (``skipped``), another
  job waits its turn;
- ``coalesce=True``: late runs collapse into one; a run later than ``misfire_grace`` is dropped
  (``missed``). On start, a job whose ``last_run()`` is older than its previous tick runs at
  once (the downtime catch-up: the in-memory job store forgets everything on restart);
- every exception from a job is caught and logged (``failed``, or ``locked`` for a
  ``LockedError``); the next tick simply runs it again;
- ``Daemon.run()`` stops on SIGTERM/SIGINT: the stop flag is set (jobs see it through their
  ``should_stop`` argument and abandon work between pages), the scheduler shuts down, and
  ``run`` waits up to ``grace_seconds`` for the running job.

One ``JobRecord`` per job run goes to ``emit``; ``format_text``/``format_json`` render it.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from apscheduler.events import (
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from participa.errors import ConfigError, LockedError, ParticipaError
from sync.config import ScheduleConfig

JOB_NAMES = ("sync", "digest")
DEFAULT_MISFIRE_GRACE = timedelta(hours=12)
DEFAULT_STOP_GRACE_SECONDS = 8.0
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
Clock = Callable[[], datetime]


class JobFunction(Protocol):
    """A scheduled job: does its work, returns counts to log (or None).

    ``should_stop()`` turns True when the daemon is asked to stop: check it between units of
    work (pages) and, when it is True, save what is done and raise (any exception; it is
    logged as ``stopped``). Returning normally is logged as ``ok``.
    """

    def __call__(
        self, *, now: datetime, should_stop: Callable[[], bool]
    ) -> Mapping[str, Any] | None: ...


@dataclass(frozen=True)
class JobRecord:
    """One log line: a job run, a skipped/missed tick, or the daemon starting/stopping."""

    time: datetime
    job: str
    status: str  # ok failed locked stopped skipped missed | started exited abandoned
    duration: float | None = None
    counts: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None


# --- cron ---------------------------------------------------------------------------------


def parse_cron(expr: str, timezone: tzinfo, *, key: str = "schedule") -> CronTrigger:
    """A ``CronTrigger`` from 5-field crontab syntax or 6 fields with seconds first."""
    fields = expr.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    if len(fields) != 6:
        raise ConfigError(
            f"{expr!r} is not a cron expression: expected 5 fields (minute hour day month "
            "weekday, e.g. '0 */4 * * *') or 6 with seconds first",
            key=key,
        )
    second, minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            second=second, minute=minute, hour=hour, day=day, month=month,
            day_of_week=_crontab_weekdays(weekday), timezone=timezone,
        )
    except ValueError as exc:
        raise ConfigError(f"{expr!r} is not a valid cron expression: {exc}", key=key) from None


def _crontab_weekdays(spec: str) -> str:
    """Crontab weekday numbers (0 and 7 = Sunday) as names; APScheduler 3 counts from Monday."""
    def name(token: str) -> str:
        return _WEEKDAYS[int(token)] if token.isdigit() and int(token) <= 7 else token.lower()

    items = []
    for item in spec.split(","):
        base, slash, step = item.partition("/")
        base = "-".join(name(part) for part in base.split("-"))
        items.append(f"{base}{slash}{step}")
    return ",".join(items)


def next_fire_times(trigger: CronTrigger, now: datetime, count: int = 1) -> list[datetime]:
    """The next ``count`` times ``trigger`` fires strictly after ``now`` (aware datetimes)."""
    times: list[datetime] = []
    previous = None
    current = now + timedelta(microseconds=1)
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, current)
        if fire is None:
            break
        times.append(fire)
        previous = current = fire
    return times


def is_overdue(trigger: CronTrigger, last_run: datetime, now: datetime) -> bool:
    """True when ``trigger`` fired at least once after ``last_run`` and up to ``now``."""
    fire = trigger.get_next_fire_time(None, last_run + timedelta(microseconds=1))
    return fire is not None and fire <= now


# --- the daemon ---------------------------------------------------------------------------


class _Activity:
    """Counts running jobs so ``Daemon.run`` can wait for them after a stop."""

    def __init__(self) -> None:
        self._running = 0
        self._idle = threading.Condition()

    def __enter__(self) -> None:
        with self._idle:
            self._running += 1

    def __exit__(self, *exc: object) -> None:
        with self._idle:
            self._running -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout)


@dataclass
class Daemon:
    """A configured scheduler, its stop flag and its log sink."""

    scheduler: BlockingScheduler
    stop: threading.Event
    emit: Callable[[JobRecord], None]
    clock: Clock
    activity: _Activity = field(default_factory=_Activity)

    def should_stop(self) -> bool:
        return self.stop.is_set()

    def request_stop(self) -> None:
        """Set the stop flag and shut the scheduler down (safe from any thread or handler)."""
        self.stop.set()
        threading.Thread(target=self._shutdown, name="participa-stop", daemon=True).start()

    def _shutdown(self) -> None:
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)

    def run(
        self,
        *,
        grace_seconds: float = DEFAULT_STOP_GRACE_SECONDS,
        signals: Iterable[int] = (signal.SIGTERM, signal.SIGINT),
    ) -> bool:
        """Block until stopped; True when no job was left running after ``grace_seconds``."""
        previous = {sig: signal.signal(sig, lambda *_: self.request_stop()) for sig in signals}
        self.scheduler.add_listener(lambda _: self._emit_started(), EVENT_SCHEDULER_STARTED)
        try:
            if not self.stop.is_set():
                self.scheduler.start()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        clean = self.activity.wait_idle(grace_seconds)
        error = None if clean else f"un trabajo seguía en curso tras {grace_seconds:g} s"
        self.emit(JobRecord(self.clock(), "scheduler", "exited" if clean else "abandoned",
                            error=error))
        return clean

    def _emit_started(self) -> None:
        if self.stop.is_set():  # a signal came between run() and start(): stop right away
            self.request_stop()
        counts = {f"next_{job.id}": _iso(job.next_run_time) for job in self.scheduler.get_jobs()}
        self.emit(JobRecord(self.clock(), "scheduler", "started", counts=counts))


def build_daemon(
    jobs: Mapping[str, JobFunction],
    schedule: ScheduleConfig,
    *,
    timezone: tzinfo,
    emit: Callable[[JobRecord], None],
    clock: Clock = lambda: datetime.now(UTC),
    last_runs: Mapping[str, Callable[[], datetime | None]] | None = None,
    misfire_grace: timedelta = DEFAULT_MISFIRE_GRACE,
) -> Daemon:
    """A ``Daemon`` running each of ``jobs`` on its ``[schedule]`` cron expression."""
    scheduler = BlockingScheduler(
        timezone=timezone,
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"max_instances": 1, "coalesce": True,
                      "misfire_grace_time": int(misfire_grace.total_seconds())},
    )
    daemon = Daemon(scheduler=scheduler, stop=threading.Event(), emit=_safe(emit), clock=clock)
    now = clock()
    for name, fn in jobs.items():
        trigger = parse_cron(_cron_of(schedule, name), timezone, key=f"schedule.{name}")
        extra: dict[str, Any] = {}
        last = (last_runs or {}).get(name, lambda: None)()
        if last is not None and is_overdue(trigger, last, now):
            extra["next_run_time"] = now  # missed while down: run once, now
        scheduler.add_job(_runner(name, fn, daemon), trigger, id=name, name=name, **extra)
    scheduler.add_listener(lambda e: _on_tick_lost(e, daemon),
                           EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
    return daemon


def _cron_of(schedule: ScheduleConfig, name: str) -> str:
    if name not in JOB_NAMES:
        raise ConfigError(f"unknown job {name!r}; known: {', '.join(JOB_NAMES)}", key="schedule")
    return str(getattr(schedule, name))


def _runner(name: str, fn: JobFunction, daemon: Daemon) -> Callable[[], None]:
    def run() -> None:
        if daemon.should_stop():
            return
        with daemon.activity:
            daemon.emit(_run_once(name, fn, daemon))
    return run


def _run_once(name: str, fn: JobFunction, daemon: Daemon) -> JobRecord:
    started, now = time.monotonic(), daemon.clock()
    counts: Mapping[str, Any] = {}
    error: str | None = None
    try:
        counts = fn(now=now, should_stop=daemon.should_stop) or {}
        status = "ok"
    except LockedError as exc:
        status, error = "locked", str(exc)
    except ParticipaError as exc:
        status, error = "failed", str(exc)
    except Exception as exc:  # the daemon outlives any bug in a job
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    if daemon.should_stop() and status == "failed":
        status = "stopped"  # it gave up because it was asked to
    duration = round(time.monotonic() - started, 3)
    return JobRecord(now, name, status, duration, dict(counts), error)


def _on_tick_lost(event: JobEvent, daemon: Daemon) -> None:
    if event.code == EVENT_JOB_MAX_INSTANCES:
        status, error = "skipped", "la ejecución anterior sigue en curso"
    else:
        status, error = "missed", "atrasado más que el margen permitido; corre en el próximo turno"
    daemon.emit(JobRecord(daemon.clock(), event.job_id, status, error=error))


def _safe(emit: Callable[[JobRecord], None]) -> Callable[[JobRecord], None]:
    def guarded(record: JobRecord) -> None:
        with contextlib.suppress(Exception):  # a broken log pipe must not kill the daemon
            emit(record)
    return guarded


# --- log lines ----------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_dict(record: JobRecord) -> dict[str, Any]:
    return {
        "time": _iso(record.time), "job": record.job, "status": record.status,
        "duration": record.duration, "counts": dict(record.counts), "error": record.error,
    }


def format_json(record: JobRecord) -> str:
    """One JSON object per line: time, job, status, duration, counts, error."""
    return json.dumps(record_dict(record), ensure_ascii=False, default=str)


def format_text(record: JobRecord) -> str:
    """``2026-11-09T08:00:00Z sync ok 12.3s proposals=4 comments=9``."""
    parts = [_iso(record.time) or "", record.job, record.status]
    if record.duration is not None:
        parts.append(f"{record.duration:.1f}s")
    parts += [f"{k}={v}" for k, v in record.counts.items()]
    if record.error:
        parts.append(f"error={json.dumps(record.error, ensure_ascii=False)}")
    return " ".join(parts)
