"""Simulator fixtures: shared worlds, running simulators, an HTTP client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sim_helpers import NOW

from connector.simulator import RELEASES, Simulator, World, generate_world


@pytest.fixture(scope="session")
def tiny_world() -> World:
    return generate_world(7, "tiny", NOW)


@pytest.fixture(scope="session")
def small_world() -> World:
    return generate_world(7, "small", NOW)


@pytest.fixture(scope="session")
def medium_world() -> World:
    return generate_world(7, "medium", NOW)


@pytest.fixture(scope="session")
def sims(small_world: World) -> Iterator[dict[str, Simulator]]:
    """One running simulator per release over the same small world."""
    running = {r: Simulator(release=r, world=small_world) for r in RELEASES}
    for sim in running.values():
        sim.start()
    yield running
    for sim in running.values():
        sim.stop()


@pytest.fixture
def start_sim(tiny_world: World) -> Iterator[Callable[..., Simulator]]:
    """``start_sim(release="0.30", faults={1: "502"})`` → a started simulator (tiny world)."""
    started: list[Simulator] = []

    def start(**options: Any) -> Simulator:
        options.setdefault("world", tiny_world)
        sim = Simulator(**options)
        sim.start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client
