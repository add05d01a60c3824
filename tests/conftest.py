"""Shared fixtures: a fixed clock, an open temp store, an in-process CLI runner, a simulator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SANTIAGO = ZoneInfo("America/Santiago")
FIXED_NOW = datetime(2026, 11, 24, 12, 0, tzinfo=SANTIAGO)


@pytest.fixture
def fixed_now() -> datetime:
    """2026-11-24 12:00 in Valparaíso (an aware datetime; 15:00 UTC)."""
    return FIXED_NOW


@pytest.fixture
def store(tmp_path):
    """An open, empty store at ``tmp_path / 'participa.db'``."""
    from sync.store import open_store

    db = open_store(tmp_path / "participa.db")
    yield db
    db.close()


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys, monkeypatch) -> Callable[..., Result]:
    """``run_cli(["sync", "--config", p], env={"PARTICIPA_LANG": "en"})`` → Result."""
    from participa.cli import main

    def run(args: list[str], env: dict[str, str] | None = None) -> Result:
        capsys.readouterr()
        with monkeypatch.context() as m:
            for key, value in (env or {}).items():
                m.setenv(key, value)
            code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def simulator(fixed_now):
    """Factory: ``sim, url = simulator(release="0.29", scale="tiny", **options)``.

    Starts a ``connector.simulator.Simulator`` on a free loopback port with ``now=fixed_now``
    (unless given) and stops every simulator it started at teardown. Skips the test when the
    simulator is not part of this build.
    """
    try:
        from connector.simulator import Simulator
    except ImportError:
        pytest.skip("connector.simulator.Simulator is not available")
    started = []

    def start(release: str = "0.29", scale: str = "tiny", **options):
        options.setdefault("now", fixed_now)
        sim = Simulator(release=release, scale=scale, **options)
        url = sim.start()
        started.append(sim)
        return sim, url

    yield start
    for sim in started:
        sim.stop()
