"""Connector test helpers: a fake clock, a recording mock server, the shared SDL files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "decidim"
SDL_FILES = {
    "0.27": "schema-0.27-default.graphql",
    "0.28": "schema-0.28-default.graphql",
    "0.29": "schema-0.29-default.graphql",
    "0.30": "schema-0.30.0.dev-20250109-default.graphql",
}


class FakeClock:
    """A monotonic clock that only moves when ``sleep`` is called; records every sleep."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class MaxRng:
    """An rng whose ``uniform(a, b)`` is always ``b``: back-off sleeps become their ceilings."""

    def uniform(self, a: float, b: float) -> float:
        return b


Handler = Callable[[dict[str, Any], httpx.Request], httpx.Response | dict[str, Any]]


class MockServer:
    """An httpx.MockTransport answering with ``handler(payload, request)``; records requests."""

    def __init__(self, handler: Handler):
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.payloads: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        payload = json.loads(request.content)
        self.requests.append(request)
        self.payloads.append(payload)
        answer = self.handler(payload, request)
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def operations(self) -> list[str]:
        return [p.get("operationName", "") for p in self.payloads]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(clock: FakeClock):
    """``make_client(handler, **kwargs)`` → (DecidimClient, MockServer), fast and deterministic."""
    from connector.client import DecidimClient

    clients = []

    def make(handler: Handler, **kwargs: Any):
        server = MockServer(handler)
        options: dict[str, Any] = {
            "instance": "valpo",
            "requests_per_minute": 6000,
            "transport": server.transport,
            "sleep": clock.sleep,
            "clock": clock,
            "rng": MaxRng(),
        }
        options.update(kwargs)
        client = DecidimClient("https://participa.example.cl/api", **options)
        clients.append(client)
        return client, server

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def schemas():
    """release → graphql-core schema built from shared/decidim (skips when absent)."""
    from graphql import build_schema

    if not SHARED.is_dir():
        pytest.skip(f"Decidim SDL files not found at {SHARED}")
    return {
        r: build_schema((SHARED / name).read_text(encoding="utf-8"))
        for r, name in SDL_FILES.items()
    }
