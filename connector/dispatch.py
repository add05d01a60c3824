"""Requests in flight: the next one leaves the moment one ends, not when the caller asks.

``Dispatcher`` keeps up to ``concurrency`` calls of ``fetch`` running on worker threads. When
one ends, its worker records the result (``record``, under the dispatcher's lock: it is where
a planner learns the cursor a component's next page needs) and sends what ``plan`` gives next,
before the caller has looked at the answer. The caller iterates the answers in the order they
ended; while it saves one, the others are on the network.

At most ``backlog`` ended answers wait for the caller (memory stays bounded when saving is
slower than the network); past that, requests leave when the caller takes an answer. A failed
call stops new requests; its error is raised to the caller in its turn, after the answers that
ended before it. Closing the iteration (``break``, an error, ``should_stop``) waits for the
calls in flight and sends nothing more.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Generic, TypeVar

B = TypeVar("B")  # what one request reads (a batch of slots)
R = TypeVar("R")  # its answer


class Dispatcher(Generic[B, R]):
    def __init__(
        self,
        plan: Callable[[], B | None],
        fetch: Callable[[B], R],
        record: Callable[[B, R], None],
        *,
        concurrency: int,
        backlog: int,
        name: str = "participa-http",
    ):
        self._plan, self._fetch, self._record = plan, fetch, record
        self._concurrency = max(1, concurrency)
        self._backlog = max(1, backlog)
        self._name = name
        self._lock = threading.RLock()  # a callback may run at once inside ``submit``
        self._ended: queue.SimpleQueue[tuple[B, Future[R]]] = queue.SimpleQueue()
        self._inflight = 0
        self._waiting = 0  # ended, not yet taken by the caller
        self._stopped = False  # a call failed, or the caller closed the iteration
        self._error: BaseException | None = None  # ``record`` failed (on a worker thread)

    def __iter__(self) -> Iterator[tuple[B, R]]:
        pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix=self._name)
        try:
            with self._lock:
                self._send_more(pool)
            while True:
                with self._lock:
                    if self._inflight == 0 and self._waiting == 0:
                        return
                batch, future = self._ended.get()
                with self._lock:
                    self._waiting -= 1
                    self._send_more(pool)
                result = future.result()  # a failed call raises here, in its turn
                if self._error is not None:
                    raise self._error
                yield batch, result
        finally:
            with self._lock:
                self._stopped = True
            pool.shutdown(wait=True, cancel_futures=True)

    def _send_more(self, pool: ThreadPoolExecutor) -> None:
        """Send planned requests while there is room (the caller holds the lock)."""
        while (not self._stopped and self._inflight < self._concurrency
               and self._waiting < self._backlog):
            batch = self._plan()
            if batch is None:
                return
            self._inflight += 1
            future = pool.submit(self._fetch, batch)
            future.add_done_callback(partial(self._ended_call, pool, batch))

    def _ended_call(self, pool: ThreadPoolExecutor, batch: B, future: Future[R]) -> None:
        with self._lock:
            self._inflight -= 1
            self._waiting += 1
            try:
                if future.cancelled() or future.exception() is not None:
                    self._stopped = True
                else:
                    self._record(batch, future.result())
                    self._send_more(pool)
            except BaseException as exc:  # noqa: BLE001 - a callback's error would be lost
                self._stopped = True
                self._error = self._error or exc
        self._ended.put((batch, future))
