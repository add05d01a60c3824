"""The store lock: exclusive across threads and processes, released by kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import pytest

from participa.errors import LockedError
from sync.lock import current_holder, lock_path, store_lock


def test_second_holder_waits_then_names_the_first(tmp_path):
    store = tmp_path / "participa.db"
    since = datetime(2026, 11, 24, 13, 2, tzinfo=UTC)
    with store_lock(store, clock=lambda: since):
        started = time.monotonic()
        with pytest.raises(LockedError) as err, store_lock(store, timeout=0.3):
            pass
        assert 0.3 <= time.monotonic() - started < 2
    message = str(err.value)
    assert message.startswith(f"otra sincronización está en curso (pid {os.getpid()} desde ")
    assert since.astimezone().strftime("%H:%M") in message
    assert "espera a que termine" in message
    with store_lock(store, timeout=0):  # free again
        pass


def test_waiter_gets_the_lock_when_it_is_released(tmp_path):
    store = tmp_path / "participa.db"
    got = []
    with store_lock(store):
        def wait() -> None:
            with store_lock(store, timeout=5):
                got.append(time.monotonic())
        thread = threading.Thread(target=wait)
        thread.start()
        time.sleep(0.3)
        released = time.monotonic()
    thread.join(5)
    assert got and got[0] >= released


def test_holder_is_visible_while_held(tmp_path):
    store = tmp_path / "participa.db"
    assert current_holder(store) is None
    with store_lock(store):
        holder = current_holder(store)
        assert holder is not None and holder.pid == os.getpid() and holder.job == "sync"
    assert current_holder(store) is None
    assert lock_path(store) == tmp_path / "participa.db.lock"
    assert lock_path(store, "digest") == tmp_path / "participa.db.digest.lock"


def test_jobs_have_separate_locks(tmp_path):
    store = tmp_path / "participa.db"
    with (
        store_lock(store),
        store_lock(store, job="digest", timeout=0),
        pytest.raises(LockedError, match="otro envío de resúmenes"),
        store_lock(store, job="digest", timeout=0),
    ):
        pass


def test_kill_9_releases_the_lock(tmp_path):
    store = tmp_path / "participa.db"
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom sync.lock import store_lock\n"
        "with store_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(store)], stdout=subprocess.PIPE,
                             text=True, cwd=os.getcwd())
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(LockedError, match=f"pid {child.pid}"), store_lock(store, timeout=0.2):
            pass
        child.send_signal(signal.SIGKILL)
        child.wait(5)
        with store_lock(store, timeout=2):
            assert current_holder(store) is not None
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
