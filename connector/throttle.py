"""Smooth request spacing: at most ``requests_per_minute``, evenly spaced.

A token bucket holding a single token: each request waits until ``60 / rate`` seconds after the
previous one. Without a burst, any fixed window of W seconds sees at most ``ceil(W * rate / 60)``
requests, so a configured rate at or below the server's (Rack::Attack counts per fixed window)
never trips its 429. Clock and sleep are injected. Thread-safe: concurrent callers each reserve
the next free slot under a lock and sleep outside it, so the spacing holds for requests in flight
together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Throttle:
    """Spaces calls to ``wait()`` at least ``60 / requests_per_minute`` seconds apart."""

    def __init__(
        self,
        requests_per_minute: float,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ):
        if not requests_per_minute > 0:
            raise ValueError(f"requests_per_minute must be positive, got {requests_per_minute!r}")
        # a hair slower than asked, so float rounding never fits one extra request in a window
        self.interval = 60.0 / float(requests_per_minute) * (1 + 1e-9)
        self._clock = clock
        self._sleep = sleep
        self._next_at: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until the next request may go; returns the seconds slept."""
        with self._lock:
            now = self._clock()
            start = now if self._next_at is None else max(now, self._next_at)
            delay = start - now
            self._next_at = start + self.interval
        if delay > 0:
            self._sleep(delay)
        return delay
