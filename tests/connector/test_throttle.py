from __future__ import annotations

import pytest

from connector.throttle import Throttle


def test_requests_are_evenly_spaced(clock):
    throttle = Throttle(30, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(5):
        throttle.wait()
        starts.append(clock())
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == pytest.approx([2.0] * 4)
    assert clock.sleeps == pytest.approx([2.0] * 4)  # the first request goes at once


def test_time_already_spent_counts(clock):
    throttle = Throttle(60, clock=clock, sleep=clock.sleep)
    throttle.wait()
    clock.now += 0.75  # the request itself took 0.75 s
    assert throttle.wait() == pytest.approx(0.25)
    clock.now += 5
    assert throttle.wait() == 0


def test_fast_rates_and_fixed_windows(clock):
    throttle = Throttle(3000, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(200):
        throttle.wait()
        times.append(clock())
    # never more than rate × window / 60 requests in any fixed 1-second window
    per_window: dict[int, int] = {}
    for t in times:
        per_window[int(t)] = per_window.get(int(t), 0) + 1
    assert max(per_window.values()) <= 50
    assert times[-1] - times[0] == pytest.approx(199 * 0.02)


@pytest.mark.parametrize("rate", [0, -1])
def test_rate_must_be_positive(rate, clock):
    with pytest.raises(ValueError):
        Throttle(rate, clock=clock, sleep=clock.sleep)
