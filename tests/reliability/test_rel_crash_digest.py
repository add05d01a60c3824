"""``kill -9`` of ``participa digest send`` mid-run, then a later normal run.

"Exactly once", precisely: the ledger (``reports.ledger``) writes ``sending`` before SMTP
starts and ``sent`` after the server's ``250``. A run killed *before* the server accepted a
digest leaves a stale ``sending`` row and the next run sends it: delivered once. A run killed
*after* the server accepted it (it committed the message when the final ``.`` arrived) but
before the ledger says ``sent`` is the one window where the next run sends it again: that
duplicate carries the same ``Message-ID`` (same content), so mail clients that de-duplicate
by Message-ID show one message. This test measures how often that happens when kills land
at random moments of a run whose server takes a while to accept each message.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from collections import Counter
from email import message_from_bytes, policy

import pytest
from rel_helpers import (
    BIN,
    NOW,
    SlowInbox,
    email_section,
    integrity,
    start_smtp,
    write_config,
)

from connector.simulator import Simulator, generate_world

DIGESTS = {"todos": [], "mujer": ["mujer"], "diversidades": ["diversidades"],
           "equipo": ["mujer", "diversidades"]}
TRIALS = 10
SEED = 47
WEEK = ["--week", "2026-W47"]
KILLED_AT = "2026-11-24T15:00:00Z"
RERUN_AT = "2026-11-24T15:16:00Z"  # the stale-`sending` limit is 15 minutes


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """A store synced from the simulator (same data for every trial)."""
    folder = tmp_path_factory.mktemp("base")
    with Simulator(release="0.29", world=generate_world(7, "tiny", NOW)) as sim:
        write_config(folder, sim.url)
        done = subprocess.run([str(BIN), "sync", "--config", str(folder / "config.toml")],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return folder


def send(folder, now, **popen):
    return subprocess.Popen([str(BIN), "digest", "send", "--config", str(folder / "config.toml"),
                             *WEEK, "--now", now], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **popen)


def by_digest(messages):
    """digest name (from the To header) → list of Message-IDs received."""
    out: dict[str, list[str]] = {}
    for raw in messages:
        msg = message_from_bytes(raw, policy=policy.default)
        out.setdefault(str(msg["To"]).split("@")[0], []).append(str(msg["Message-ID"]))
    return out


def test_kill_9_mid_send_then_rerun_delivers_each_digest(synced, tmp_path):
    rng = random.Random(SEED)
    inbox = SlowInbox(delay=0.25)
    controller = start_smtp(inbox)
    stats = Counter()
    try:
        for trial in range(TRIALS):
            folder = tmp_path / f"t{trial}"
            folder.mkdir()
            for name in ("participa.db", "participa.db.key"):
                shutil.copy(synced / name, folder / name)
            write_config(folder, "http://127.0.0.1:9/api",
                         email=email_section(controller.port, DIGESTS))
            before = len(inbox.messages)
            started = inbox.data_started
            proc = send(folder, KILLED_AT)
            target = started + rng.randint(1, len(DIGESTS))
            deadline = time.monotonic() + 30
            while proc.poll() is None and inbox.data_started < target and \
                    time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.4))  # in DATA (0.25 s), or just after the 250
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                stats["killed mid-run"] += 1
            proc.communicate(timeout=30)
            time.sleep(0.3)  # let the server finish a DATA the kill interrupted
            rerun = send(folder, RERUN_AT)
            out, err = rerun.communicate(timeout=60)
            assert rerun.returncode == 0, err.decode()
            assert b"Traceback" not in err
            assert integrity(folder / "participa.db") == "ok"
            got = by_digest(inbox.messages[before:])
            assert sorted(got) == sorted(DIGESTS), f"trial {trial}: {got}"
            for name, ids in got.items():
                assert len(set(ids)) == 1, f"trial {trial}: {name} under two Message-IDs {ids}"
                stats["duplicates"] += len(ids) - 1
            if trial < 2:  # a third run sends nothing: the ledger says all were sent
                send(folder, RERUN_AT).communicate(timeout=60)
                assert len(inbox.messages) == before + sum(len(i) for i in got.values())
    finally:
        controller.stop()
    assert stats["killed mid-run"] >= TRIALS * 2 // 3, stats
    print(f"\ndigest kill -9: {TRIALS} trials x {len(DIGESTS)} digests, "
          f"{stats['killed mid-run']} kills landed mid-run; every digest delivered; "
          f"duplicates {stats['duplicates']} (all with the same Message-ID)")
