"""The store lock: one writer at a time, across processes (cron, systemd, a person at a shell).

``store_lock(store_path)`` is a context manager around a sync (or a digest send). It takes an
exclusive ``fcntl.flock`` on a sidecar file beside the store, ``<store>.lock`` (the README's
"lock in the store"), and writes the holder's pid, start time and job into it so the next
process can say who it is waiting for. A second process waits up to ``timeout`` seconds, then
raises ``LockedError``::

    otra sincronización está en curso (pid 1234 desde 10:02); espera a que termine

Why an OS file lock and not a row in the database or a pid file: the kernel releases a
``flock`` when its file descriptor closes, and it closes when the process exits *however* it
exits — crash, ``kill -9``, OOM killer, power loss of a container. A row or a pid file would be
left behind and need a stale-lock heuristic (is pid 1234 still alive? is it still us?);
a ``flock`` never goes stale. It is also independent of SQLite's own locking, so it can be held
across many short transactions. ``flock`` (unlike ``fcntl.lockf``/POSIX record locks) belongs
to the open file, so two threads of one process that each open the file also exclude each
other. The lock file is never deleted: deleting it would let a process lock an orphaned inode.
Local file systems only (``flock`` on NFS is not reliable); the store must be local anyway.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from participa.errors import LockedError, StoreError

DEFAULT_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.1
_WHAT = {
    "sync": "otra sincronización está en curso",
    "digest": "otro envío de resúmenes está en curso",
}


@dataclass(frozen=True)
class LockHolder:
    """What the lock file says about the process holding it."""

    pid: int | None
    since: datetime | None
    job: str


def lock_path(store_path: Path, job: str = "sync") -> Path:
    """``<store>.lock`` for syncs; ``<store>.<job>.lock`` for any other job."""
    suffix = ".lock" if job == "sync" else f".{job}.lock"
    return Path(f"{store_path}{suffix}")


@contextmanager
def store_lock(
    store_path: Path,
    *,
    job: str = "sync",
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Iterator[LockHolder]:
    """Hold the store's ``job`` lock for the ``with`` block; ``LockedError`` after ``timeout``."""
    path = lock_path(store_path, job)
    fd = _open_lock_file(path)
    try:
        _acquire(fd, path, job, timeout)
        me = LockHolder(pid=os.getpid(), since=clock(), job=job)
        _write_holder(fd, me)
        try:
            yield me
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def current_holder(store_path: Path, job: str = "sync") -> LockHolder | None:
    """Who holds the lock right now, or None when nobody does (never blocks)."""
    path = lock_path(store_path, job)
    if not path.exists():
        return None
    fd = _open_lock_file(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_holder(path, job)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def read_holder(path: Path, job: str = "sync") -> LockHolder:
    """Parse the lock file; fields the holder has not written yet come back as None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        since = datetime.fromisoformat(data["since"]) if data.get("since") else None
        pid = int(data["pid"]) if data.get("pid") is not None else None
        return LockHolder(pid=pid, since=since, job=str(data.get("job", job)))
    except (OSError, ValueError, TypeError):
        return LockHolder(pid=None, since=None, job=job)


def locked_message(holder: LockHolder, lock_file: Path) -> str:
    """The Spanish one-liner of ``LockedError``; the time is the server's local time."""
    what = _WHAT.get(holder.job, f"otro proceso ({holder.job}) está en curso")
    pid = f"pid {holder.pid}" if holder.pid is not None else "pid desconocido"
    since = f" desde {holder.since.astimezone().strftime('%H:%M')}" if holder.since else ""
    return f"{what} ({pid}{since}); espera a que termine (bloqueo: {lock_file})"


def _open_lock_file(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot open the store's lock file ({exc.strerror}); check that its "
            "folder exists and is writable by this user"
        ) from None


def _acquire(fd: int, path: Path, job: str, timeout: float) -> None:
    deadline = time.monotonic() + max(timeout, 0.0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockedError(locked_message(read_holder(path, job), path)) from None
            time.sleep(POLL_SECONDS)


def _write_holder(fd: int, holder: LockHolder) -> None:
    since = holder.since.isoformat() if holder.since else None
    text = json.dumps({"pid": holder.pid, "since": since, "job": holder.job})
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode("utf-8"), 0)
