"""``participa status``: what the store says about the last syncs, sends and the next runs.

Three steps, one job each:

- ``read_snapshot(store_path)`` — the only I/O: a query-only connection (it never creates,
  migrates or writes the store), the latest ``sync_runs`` row per instance and status, the
  latest ``digest_sends`` row per digest, instance and status (when that table exists), rows
  per table, file sizes and who holds the sync lock;
- ``compute_status(config, snapshot, now, timezone)`` — pure: rows in, a ``Status`` out,
  including staleness (no successful sync, or the last one older than
  ``[schedule] stale_after_hours``: ``exit_code`` 3) and the next cron times after ``now``;
- ``participa.cli.status_view`` shows it: Spanish or English text, or JSON.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from participa.errors import ConfigError, StoreError
from sync.config import Config
from sync.lock import LockHolder, current_holder
from sync.scheduler import JOB_NAMES, next_fire_times, parse_cron

STALE_EXIT_CODE = 3
RUN_COUNTS = ("spaces", "components", "proposals", "debates", "meetings", "comments")
_INTERNAL_TABLES = ("_sqlite_migrations",)


@dataclass(frozen=True)
class RunInfo:
    """One ``sync_runs`` row."""

    id: int
    instance: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    mode: str | None = None
    requests: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class SendInfo:
    """One ``digest_sends`` row."""

    digest: str
    instance: str
    period: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    error: str | None = None


@dataclass(frozen=True)
class StoreSnapshot:
    """What ``read_snapshot`` found: plain rows, no judgement."""

    path: Path
    exists: bool
    size_bytes: int = 0
    table_rows: Mapping[str, int] = field(default_factory=dict)
    runs: tuple[RunInfo, ...] = ()
    sends: tuple[SendInfo, ...] | None = None  # None: no ledger table yet
    sync_holder: LockHolder | None = None


@dataclass(frozen=True)
class InstanceStatus:
    name: str
    last_ok: RunInfo | None
    last_failed: RunInfo | None
    running: RunInfo | None  # a ``running`` row newer than the last finished one
    interrupted: bool  # that row has no live process behind it (killed, power loss)
    age: timedelta | None  # since the last successful sync finished
    stale: bool


@dataclass(frozen=True)
class DigestStatus:
    digest: str
    instance: str
    last_sent: SendInfo | None
    last_failed: SendInfo | None
    failing: bool  # the latest attempt failed


@dataclass(frozen=True)
class Status:
    now: datetime
    timezone: tzinfo
    store_path: Path
    store_exists: bool
    size_bytes: int
    table_rows: Mapping[str, int]
    instances: tuple[InstanceStatus, ...]
    next_runs: Mapping[str, datetime | None]
    schedule_errors: Mapping[str, str]
    digests: tuple[DigestStatus, ...] | None
    sync_holder: LockHolder | None
    stale_after_hours: float

    @property
    def stale(self) -> bool:
        return any(i.stale for i in self.instances)

    @property
    def exit_code(self) -> int:
        return STALE_EXIT_CODE if self.stale else 0


# --- pure ---------------------------------------------------------------------------------


def compute_status(
    config: Config, snapshot: StoreSnapshot, *, now: datetime, timezone: tzinfo
) -> Status:
    """Judge ``snapshot`` against ``config`` at ``now``."""
    limit = timedelta(hours=config.schedule.stale_after_hours)
    instances = tuple(
        instance_status(name, snapshot.runs, snapshot.sync_holder, now, limit)
        for name in (i.name for i in config.instances)
    )
    next_runs, errors = _next_runs(config, now, timezone)
    digests = None if snapshot.sends is None else digest_statuses(snapshot.sends)
    return Status(
        now=now, timezone=timezone, store_path=snapshot.path, store_exists=snapshot.exists,
        size_bytes=snapshot.size_bytes, table_rows=dict(snapshot.table_rows),
        instances=instances, next_runs=next_runs, schedule_errors=errors, digests=digests,
        sync_holder=snapshot.sync_holder,
        stale_after_hours=config.schedule.stale_after_hours,
    )


def instance_status(
    name: str,
    runs: tuple[RunInfo, ...],
    holder: LockHolder | None,
    now: datetime,
    stale_after: timedelta,
) -> InstanceStatus:
    mine = [r for r in runs if r.instance == name]
    last_ok = _latest(r for r in mine if r.status == "ok")
    last_failed = _latest(r for r in mine if r.status == "failed")
    running = _latest(r for r in mine if r.status == "running")
    finished = [r.id for r in (last_ok, last_failed) if r is not None]
    if running is not None and finished and running.id < max(finished):
        running = None
    age = None if last_ok is None else now - (last_ok.finished_at or last_ok.started_at)
    return InstanceStatus(
        name=name, last_ok=last_ok, last_failed=last_failed, running=running,
        interrupted=running is not None and holder is None,
        age=age, stale=age is None or age > stale_after,
    )


def digest_statuses(sends: tuple[SendInfo, ...]) -> tuple[DigestStatus, ...]:
    keys = sorted({(s.digest, s.instance) for s in sends})
    out = []
    for digest, instance in keys:
        mine = [s for s in sends if (s.digest, s.instance) == (digest, instance)]
        real = [s for s in mine if s.status != "dry-run"]
        last = max(real, key=lambda s: s.started_at) if real else None
        out.append(DigestStatus(
            digest=digest, instance=instance,
            last_sent=_latest_send(s for s in mine if s.status == "sent"),
            last_failed=_latest_send(s for s in mine if s.status == "failed"),
            failing=last is not None and last.status == "failed",
        ))
    return tuple(out)


def _next_runs(
    config: Config, now: datetime, timezone: tzinfo
) -> tuple[dict[str, datetime | None], dict[str, str]]:
    runs: dict[str, datetime | None] = {}
    errors: dict[str, str] = {}
    for name in JOB_NAMES:
        if name == "digest" and not (config.email and config.email.digests):
            continue
        try:
            trigger = parse_cron(getattr(config.schedule, name), timezone, key=f"schedule.{name}")
        except ConfigError as exc:
            errors[name] = str(exc)
            continue
        times = next_fire_times(trigger, now)
        runs[name] = times[0] if times else None
    return runs, errors


def _latest(runs: Any) -> RunInfo | None:
    return max(runs, key=lambda r: r.id, default=None)


def _latest_send(sends: Any) -> SendInfo | None:
    return max(sends, key=lambda s: s.started_at, default=None)


# --- reading the store --------------------------------------------------------------------


def read_snapshot(store_path: Path) -> StoreSnapshot:
    """Read what ``compute_status`` needs; never creates or changes the store."""
    path = Path(store_path)
    if not path.is_file():
        return StoreSnapshot(path=path, exists=False)
    try:
        conn = sqlite3.connect(str(path), timeout=5)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the store ({exc})") from None
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA query_only = 1")
        tables = _tables(conn)
        return StoreSnapshot(
            path=path, exists=True, size_bytes=_size(path),
            table_rows={t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                        for t in tables},
            runs=_read_runs(conn) if "sync_runs" in tables else (),
            sends=_read_sends(conn) if "digest_sends" in tables else None,
            sync_holder=current_holder(path),
        )
    except sqlite3.Error as exc:
        raise StoreError(
            f"{path}: cannot read the store ({exc}); is it a participa store? "
            "run 'participa sync' to create or upgrade it"
        ) from None
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [r[0] for r in rows if r[0] not in _INTERNAL_TABLES]


def _size(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _read_runs(conn: sqlite3.Connection) -> tuple[RunInfo, ...]:
    rows = conn.execute(
        "SELECT * FROM sync_runs WHERE id IN "
        "(SELECT max(id) FROM sync_runs GROUP BY instance, status) ORDER BY id"
    )
    return tuple(
        RunInfo(
            id=r["id"], instance=r["instance"], status=r["status"],
            started_at=parse_z(r["started_at"]), finished_at=parse_z(r["finished_at"]),
            mode=r["mode"], requests=r["requests"] or 0,
            counts={k: r[k] or 0 for k in RUN_COUNTS if k in r.keys()}  # noqa: SIM118 (sqlite3.Row), error=r["error"],
        )
        for r in rows
    )


def _read_sends(conn: sqlite3.Connection) -> tuple[SendInfo, ...]:
    rows = conn.execute(
        "SELECT * FROM digest_sends WHERE id IN "
        "(SELECT max(id) FROM digest_sends GROUP BY digest, instance, status) ORDER BY id"
    )
    return tuple(
        SendInfo(
            digest=r["digest"], instance=r["instance"], period=r["period"], status=r["status"],
            started_at=parse_z(r["started_at"]), finished_at=parse_z(r["finished_at"]),
            error=r["error"],
        )
        for r in rows
    )


def parse_z(text: Any) -> Any:
    """``2026-11-24T15:00:00Z`` → aware UTC datetime; None stays None."""
    if not text:
        return None
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
