"""Deterministic fault injection and Rack::Attack-style rate limiting.

Fault kinds: ``500`` (Decidim's JSON body), ``502``/``503`` (a proxy's HTML page), ``429``
(``Retry later``), ``reset`` (socket closed without an answer), ``timeout`` (a long sleep
before the answer), ``truncated`` (the first half of the real JSON, Content-Length of that
half), ``invalid_json``, ``html200`` (an HTML error page with status 200), ``partial``
(``errors`` plus data with one node null), ``null_nodes`` (a null inside ``nodes``),
``repeat_cursor`` (a page that says there is a next page but gives back the ``after`` cursor
it was asked for) and ``short_page`` (a page cut to half its nodes, its ``endCursor`` moved
back to the last node it kept: nothing is skipped, the walk just takes more pages). The last
two only change item pages (requests with a non-null ``after`` for ``repeat_cursor``); on
any other answer they do nothing. They, like ``timeout``, are opt-in for ``fault_rate``.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connector.simulator.api import INTERNAL_ERROR, ApiResponse, json_response
from connector.simulator.paging import CursorError, decode_cursor, encode_cursor

FAULT_KINDS = ("500", "502", "503", "429", "reset", "timeout", "truncated", "invalid_json",
               "html200", "partial", "null_nodes", "repeat_cursor", "short_page")
#: what ``fault_rate`` draws from unless told otherwise (``timeout`` is slow; the paging
#: faults change what a walk sees, and existing seeded plans must keep drawing the same)
RANDOM_FAULT_KINDS = tuple(
    k for k in FAULT_KINDS if k not in ("timeout", "repeat_cursor", "short_page")
)
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


def _first_connection(value: Any) -> dict[str, Any] | None:
    """The first dict holding a non-empty ``nodes`` list and a ``pageInfo`` (depth first)."""
    if isinstance(value, dict):
        info = value.get("pageInfo")
        if isinstance(value.get("nodes"), list) and value["nodes"] and isinstance(info, dict):
            return value
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        found = _first_connection(child)
        if found is not None:
            return found
    return None


def _resumed_connection(data: dict[str, Any], variables: dict[str, Any]
                        ) -> tuple[dict[str, Any], str] | None:
    """The first connection asked for ``after`` a cursor, with that cursor. A top-level field
    ``component`` pairs with ``$after``; an aliased ``c3`` (packed requests) with ``$after3``."""
    for key, value in data.items():
        suffix = key[1:] if re.fullmatch(r"c\d+", key) else ""
        after = variables.get(f"after{suffix}")
        connection = _first_connection(value)
        if isinstance(after, str) and after and connection is not None:
            return connection, after
    return None


def page_fault(response: ApiResponse, kind: str, variables: dict[str, Any]) -> ApiResponse:
    """``repeat_cursor`` / ``short_page`` on the first connection of an item page answer."""
    payload = response.payload
    if response.status != 200 or not payload or not isinstance(payload.get("data"), dict):
        return response
    if kind == "repeat_cursor":
        found = _resumed_connection(payload["data"], variables)
        if found is None:
            return response
        resumed, after = found
        resumed["pageInfo"].update(hasNextPage=True, endCursor=after)
        return json_response(200, payload, response.operation_name)
    connection = _first_connection(payload["data"])
    info = connection.get("pageInfo") if connection else None
    if connection is None or not isinstance(info, dict):
        return response
    nodes = connection["nodes"]
    keep = max(1, len(nodes) // 2)
    if keep == len(nodes) or not isinstance(info.get("endCursor"), str):
        return response
    try:
        last = decode_cursor(info["endCursor"]) - (len(nodes) - keep)
    except CursorError:
        return response
    connection["nodes"] = nodes[:keep]
    info.update(hasNextPage=True, endCursor=encode_cursor(last))
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
