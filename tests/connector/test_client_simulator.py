"""The real client over loopback against the Decidim simulator, for every release.

Skipped until ``connector.simulator.Simulator`` exists. Time is fixed (``now``), the client's
sleeps are recorded instead of slept, and nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import inspect
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from connector.client import DecidimClient
from connector.models import COMPONENT_KINDS
from connector.queries import RELEASE_FEATURES

simulator = pytest.importorskip("connector.simulator")
Simulator = getattr(simulator, "Simulator", None)
if Simulator is None:
    pytest.skip("connector.simulator.Simulator is not built yet", allow_module_level=True)

RELEASES = simulator.RELEASES
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("America/Santiago"))
ITEM_LISTS = {
    "proposals": "visible_proposals",
    "debates": "visible_debates",
    "meetings": "visible_meetings",
}


def _running(**kwargs):
    sim = Simulator(scale="tiny", now=NOW, seed=7, **kwargs)
    return sim, sim.start()


def _stop(sim):
    for name in ("stop", "close", "shutdown"):
        if callable(getattr(sim, name, None)):
            getattr(sim, name)()
            return


def _crawl(client):
    features = client.detect_features()
    seen: dict[str, set[str]] = {kind: set() for kind in ITEM_LISTS}
    for space in client.iter_spaces(features):
        for component in space.components:
            kind = COMPONENT_KINDS.get(component.typename)
            if kind:
                for page in client.iter_pages(component, features):
                    seen[kind] |= {item.id for item in page.items}
    return features, seen


def _expected(sim, release):
    world = sim.world
    return {
        kind: {str(i.id) for i in getattr(world, method)(release)}
        for kind, method in ITEM_LISTS.items()
    }


class _Sleeps:
    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.mark.parametrize("release", RELEASES)
def test_client_reads_every_visible_item(release):
    sim, url = _running(release=release)
    try:
        with DecidimClient(
            url, instance="sim", requests_per_minute=100_000, sleep=_Sleeps()
        ) as client:
            features, seen = _crawl(client)
            assert seen == _expected(sim, release)
            # The simulator's "0.30" emulates 0.30.5+, which limits aliases (RELEASE_FEATURES
            # describes the 0.30.0 snapshot, which does not).
            expected = RELEASE_FEATURES[release].model_copy(
                update={"max_aliases": sim.limits.max_aliases}
            )
            assert features.model_dump(exclude={"version"}) == expected.model_dump(
                exclude={"version"}
            )
            assert client.retries == 0
    finally:
        _stop(sim)


def _window_parameter() -> str | None:
    names = inspect.signature(Simulator).parameters
    return next((n for n in names if "window" in n and n != "requests_per_window"), None)


def test_throttled_simulator_never_answers_429():
    """Real sleeps here: the client must space requests in the simulator's own time."""
    window = _window_parameter()
    if window is None:
        pytest.skip("the simulator has no window-length parameter to make this test fast")
    sim, url = _running(release="0.29", requests_per_window=20, **{window: 1.0})
    try:
        with DecidimClient(url, instance="sim", requests_per_minute=19 * 60) as client:
            _, seen = _crawl(client)
            assert seen == _expected(sim, "0.29")
            assert client.retries == 0  # the throttle kept the client under the server's limit
    finally:
        _stop(sim)


def test_faulty_simulator_still_yields_complete_data():
    sim, url = _running(release="0.30", faults={3: "500", 5: "429"})
    sleeps = _Sleeps()
    try:
        with DecidimClient(
            url, instance="sim", requests_per_minute=100_000, sleep=sleeps
        ) as client:
            _, seen = _crawl(client)
            assert seen == _expected(sim, "0.30")
            assert client.retries == 2 and len(sleeps.calls) >= 2
    finally:
        _stop(sim)
