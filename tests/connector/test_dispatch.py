"""``Dispatcher``: requests leave as soon as one ends, answers come out in the order they
ended, the backlog bounds what waits for the caller, errors surface in their turn."""

from __future__ import annotations

import threading
import time

import pytest

from connector.dispatch import Dispatcher


def make(items, fetch, *, concurrency=2, backlog=4, record=None):
    todo = list(items)
    recorded = []

    def plan():
        return todo.pop(0) if todo else None

    def rec(batch, result):
        recorded.append(batch)
        if record:
            record(batch, result)

    return Dispatcher(plan, fetch, rec, concurrency=concurrency, backlog=backlog), recorded


def test_every_batch_is_fetched_once_and_recorded_before_the_caller_sees_it():
    dispatcher, recorded = make(range(10), lambda n: n * n)
    seen = []
    for batch, result in dispatcher:
        assert batch in recorded
        seen.append((batch, result))
    assert sorted(seen) == [(n, n * n) for n in range(10)]


def test_the_next_request_leaves_while_the_caller_is_still_busy():
    started = []

    def fetch(n):
        started.append(n)
        return n

    dispatcher, _ = make(range(6), fetch, concurrency=1, backlog=3)
    answers = iter(dispatcher)
    next(answers)  # the caller now "saves" the first answer: requests go on meanwhile
    deadline = time.monotonic() + 5
    while len(started) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert started == [0, 1, 2, 3]  # the first, then as many as the backlog holds
    assert [b for b, _ in answers] == list(range(1, 6))


def test_a_failed_request_is_raised_after_the_answers_that_ended_before_it():
    def fetch(n):
        if n == 2:
            raise ValueError("boom")
        return n

    dispatcher, _ = make(range(5), fetch, concurrency=1)
    got = []
    with pytest.raises(ValueError, match="boom"):
        for batch, _result in dispatcher:
            got.append(batch)
    assert got == [0, 1]


def test_an_error_while_recording_reaches_the_caller():
    def record(batch, result):
        if batch == 1:
            raise RuntimeError("planner broke")

    dispatcher, _ = make(range(4), lambda n: n, concurrency=1, record=record)
    with pytest.raises(RuntimeError, match="planner broke"):
        list(dispatcher)


def test_closing_early_waits_for_calls_in_flight_and_sends_nothing_more():
    release = threading.Event()
    started = []

    def fetch(n):
        started.append(n)
        if n > 0:
            release.wait(5)
        return n

    dispatcher, _ = make(range(20), fetch, concurrency=2, backlog=2)
    answers = iter(dispatcher)
    assert next(answers)[0] == 0
    release.set()
    answers.close()  # the caller stops (should_stop)
    count = len(started)
    time.sleep(0.1)
    assert len(started) == count < 20
