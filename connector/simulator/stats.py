"""What the simulator served: one record per request, and counts for tests and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

MAX_RECORDS = 200_000


@dataclass(frozen=True)
class RequestRecord:
    number: int  # 1-based, in arrival order (what ``faults={n: kind}`` refers to)
    method: str
    path: str
    status: int | None  # None when the socket was reset without an answer
    fault: str | None  # the injected fault, or "rate_limited"
    client: str
    seconds: float


class RequestLog:
    """Thread-safe request numbering and log (the oldest records go past ``MAX_RECORDS``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._records: list[RequestRecord] = []
        self._status: Counter[int | None] = Counter()
        self._faults: Counter[str] = Counter()

    def next_number(self) -> int:
        with self._lock:
            self._count += 1
            return self._count

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
            if len(self._records) > MAX_RECORDS:
                del self._records[: len(self._records) - MAX_RECORDS]
            self._status[record.status] += 1
            if record.fault:
                self._faults[record.fault] += 1

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def stats(self) -> dict[str, Any]:
        """``{"requests": n, "by_status": {200: n, ...}, "by_fault": {...}, "rate_limited": n}``."""
        with self._lock:
            return {
                "requests": self._count,
                "answered": sum(self._status.values()),
                "by_status": dict(self._status),
                "by_fault": dict(self._faults),
                "rate_limited": self._faults.get("rate_limited", 0),
            }
