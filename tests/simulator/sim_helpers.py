"""Helpers for the simulator tests (imported by conftest and the test modules)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from connector.simulator import Simulator

SANTIAGO = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=SANTIAGO)


class FakeClock:
    """A monotonic clock tests move by hand."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


def post(client: httpx.Client, sim: Simulator, query: str,
         variables: dict[str, Any] | None = None, **extra: Any) -> httpx.Response:
    return client.post(sim.url, json={"query": query, "variables": variables or {}, **extra})


def data(client: httpx.Client, sim: Simulator, query: str,
         variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``data`` of a query that must succeed."""
    response = post(client, sim, query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def errors(client: httpx.Client, sim: Simulator, query: str,
           variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The ``errors`` of a query that must fail without data."""
    response = post(client, sim, query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "data" not in body, body
    return body["errors"]
