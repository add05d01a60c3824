"""Deterministic fault injection and Rack::Attack-style rate limiting.

Fault kinds: ``500`` (Decidim's JSON body), ``502``/``503`` (a proxy's HTML page), ``429``
(``Retry later``), ``reset`` (socket closed without an answer), ``timeout`` (a long sleep
before the answer), ``truncated`` (the first half of the real JSON, Content-Length of that
half), ``invalid_json``, ``html200`` (an HTML error page with status 200), ``partial``
(``errors`` plus data with one node null) and ``null_nodes`` (a null inside ``nodes``).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connector.simulator.api import INTERNAL_ERROR, ApiResponse, json_response

FAULT_KINDS = ("500", "502", "503", "429", "reset", "timeout", "truncated", "invalid_json",
               "html200", "partial", "null_nodes")
#: what ``fault_rate`` draws from unless told otherwise (``timeout`` is slow: opt in)
RANDOM_FAULT_KINDS = tuple(k for k in FAULT_KINDS if k != "timeout")
HTML_TYPE = "text/html; charset=utf-8"
RETRY_LATER = ApiResponse(429, None, b"Retry later\n", "text/plain")


def _html(status: int, title: str, text: str) -> ApiResponse:
    body = (f"<html><head><title>{status} {title}</title></head><body><center><h1>{status} "
            f"{title}</h1></center><hr><center>{text}</center></body></html>\n")
    return ApiResponse(status, None, body.encode(), HTML_TYPE)


CANNED = {
    "500": json_response(500, INTERNAL_ERROR),
    "502": _html(502, "Bad Gateway", "nginx"),
    "503": _html(503, "Service Temporarily Unavailable", "nginx"),
    "429": RETRY_LATER,
    "invalid_json": ApiResponse(200, None, b'{"data": {"component": <!-- upstream -->', ),
    "html200": ApiResponse(200, None, (
        "<!DOCTYPE html><html lang=\"es\"><head><title>Participa Valparaíso</title></head>"
        "<body><h1>Estamos en mantención</h1><p>Vuelve a intentarlo más tarde.</p></body>"
        "</html>\n").encode(), HTML_TYPE),
}


@dataclass(frozen=True)
class FaultPlan:
    """Which request (1-based, in arrival order) gets which fault."""

    by_request: dict[int, str]
    rate: float = 0.0
    seed: int = 0
    kinds: tuple[str, ...] = RANDOM_FAULT_KINDS

    def __post_init__(self) -> None:
        unknown = {*self.by_request.values(), *self.kinds} - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault_rate must be within [0, 1], got {self.rate}")

    def fault_for(self, number: int) -> str | None:
        if number in self.by_request:
            return self.by_request[number]
        if self.rate <= 0.0:
            return None
        draw = random.Random(f"{self.seed}:fault:{number}")
        return draw.choice(self.kinds) if draw.random() < self.rate else None


def truncate(response: ApiResponse) -> ApiResponse:
    half = response.body[: max(1, len(response.body) // 2)]
    return ApiResponse(response.status, None, half, response.content_type)


def _first_node_list(value: Any, path: list[Any]) -> tuple[list[Any], list[Any]] | None:
    if isinstance(value, dict):
        for key, child in value.items():
            if key in ("nodes", "edges") and isinstance(child, list) and child:
                return child, [*path, key]
            found = _first_node_list(child, [*path, key])
            if found:
                return found
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found = _first_node_list(child, [*path, i])
            if found:
                return found
    return None


def damage(response: ApiResponse, kind: str) -> ApiResponse:
    """``partial``/``null_nodes``: one node of the first page in the answer becomes null."""
    payload = response.payload
    if response.status != 200 or not payload or not payload.get("data"):
        return response
    found = _first_node_list(payload["data"], [])
    if found is None:
        return response
    nodes, path = found
    index = len(nodes) // 2
    nodes[index] = None
    if kind == "partial":
        error = {"message": "Internal error while resolving this node", "path": [*path, index],
                 "extensions": {"code": "INTERNAL_ERROR"}}
        payload = {"errors": [error], **payload}
    return json_response(200, payload, response.operation_name)


class FixedWindowLimiter:
    """``limit`` requests per client per ``window`` seconds (Rack::Attack's fixed windows)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float]) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("the rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.clock = clock
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        bucket = int(self.clock() // self.window)
        with self._lock:
            seen_bucket, count = self._counts.get(client, (bucket, 0))
            count = count + 1 if seen_bucket == bucket else 1
            self._counts[client] = (bucket, count)
        return count <= self.limit
