"""``Simulator``: a Decidim GraphQL endpoint on 127.0.0.1 over a generated world.

Each request: count it → injected fault (a proxy in front) → rate limit (Rack::Attack) → the
app (``POST /api``; ``GET /api`` redirects to ``/api/docs``; other paths are a 404 page) →
the optional latency: ``latency_ms`` is the response time, the server's own work included (an
answer leaves no sooner than that after its request arrived).
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from connector.simulator.api import (
    ApiResponse,
    BadRequestBody,
    Limits,
    ParsedQueries,
    handle_query,
)
from connector.simulator.context import RequestContext
from connector.simulator.faults import (
    CANNED,
    RETRY_LATER,
    FaultPlan,
    FixedWindowLimiter,
    damage,
    page_fault,
    truncate,
)
from connector.simulator.generate import generate_world
from connector.simulator.pages import BAD_REQUEST, DOCS_PAGE, NOT_FOUND, REDIRECT_TO_DOCS
from connector.simulator.schema import build_schema
from connector.simulator.sdl import release_key
from connector.simulator.stats import RequestLog, RequestRecord
from connector.simulator.world import World

_BY_RELEASE = object()


def default_max_aliases(release: str) -> int | None:
    """Decidim 0.30.5+ allows 5 aliases per query; older releases have no limit."""
    return 5 if release_key(release) >= (0, 30) else None


def _variables(body: bytes) -> dict[str, Any]:
    """The request's GraphQL variables, or {} when the body has none (or is not JSON)."""
    try:
        variables = json.loads(body.decode("utf-8")).get("variables") or {}
    except (ValueError, AttributeError):
        return {}
    return variables if isinstance(variables, dict) else {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: avoid 40 ms stalls
    server_version = "nginx"
    sys_version = ""
    timeout = 30
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, open_=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # the client (or a `reset` fault) already closed the socket
        finally:
            self.server.track(self.connection, open_=False)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.server.simulator._serve(self, b"")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("Content-Length") or 0)
        self.server.simulator._serve(self, self.rfile.read(length) if length else b"")

    def send(self, response: ApiResponse, extra_headers: dict[str, str] | None = None) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def reset(self) -> None:
        """Close the socket with an RST and no answer."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    simulator: Simulator

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer (killed, timed out) is normal here: no traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """End kept-alive connections so clients see the server go away."""
        with self._connections_lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class Simulator:
    """A simulated Decidim instance. ``start()`` → URL; ``stop()``; or use ``with``."""

    def __init__(self, release: str = "0.29", seed: int = 7, scale: str = "small",
                 now: datetime | None = None, world: World | None = None,
                 timezone: str = "America/Santiago", requests_per_window: int | None = None,
                 window_seconds: float = 60, latency_ms: float = 0,
                 max_aliases: Any = _BY_RELEASE, faults: dict[int, str] | None = None,
                 fault_rate: float = 0.0, clock: Callable[[], float] = time.monotonic, *,
                 fault_seed: int | None = None, fault_kinds: tuple[str, ...] | None = None,
                 timeout_seconds: float = 30.0, max_complexity: int = 5000,
                 max_depth: int = 15, max_page_size: int = 50, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        release_key(release)
        self.release = release
        if world is None:
            now = now or datetime.now(ZoneInfo(timezone))  # the CLI's edge; tests pass `now`
            world = generate_world(seed, scale, now, timezone=timezone)
        self._world = world
        aliases = default_max_aliases(release) if max_aliases is _BY_RELEASE else max_aliases
        self.limits = Limits(max_complexity, max_depth, aliases, max_page_size)
        self.schema = build_schema(release)
        self._queries = ParsedQueries(self.schema, aliases)
        self._limiter = (FixedWindowLimiter(requests_per_window, window_seconds, clock)
                         if requests_per_window else None)
        plan_kwargs = {"kinds": fault_kinds} if fault_kinds else {}
        self.faults = FaultPlan(dict(faults or {}), fault_rate,
                                seed if fault_seed is None else fault_seed, **plan_kwargs)
        self.latency_ms = latency_ms
        self.timeout_seconds = timeout_seconds
        self.log = RequestLog()
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.url: str | None = None

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> str:
        if self._server is not None:
            return self.url  # type: ignore[return-value]
        server = _Server(self._address, _Handler)
        server.simulator = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="decidim-simulator", daemon=True)
        self._thread.start()
        host, port = server.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        self.url = f"http://{host_text}:{port}/api"
        return self.url

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- state ------------------------------------------------------------------------------

    @property
    def world(self) -> World:
        return self._world

    @world.setter
    def world(self, world: World) -> None:
        """Serve another world from the next request on (e.g. one from ``advance_world``)."""
        self._world = world

    @property
    def stats(self) -> dict[str, Any]:
        """Counts so far: requests, by status, by fault, rate-limited."""
        return self.log.stats()

    @property
    def requests(self) -> list[RequestRecord]:
        return self.log.records()

    # --- serving ----------------------------------------------------------------------------

    def _serve(self, handler: _Handler, body: bytes) -> None:
        """Answer one request; it is logged before the answer leaves, so a client that has
        its answer always finds the request in ``stats``/``requests``."""
        number = self.log.next_number()
        started = time.perf_counter()
        fault = self.faults.fault_for(number)
        path = handler.path.split("?", 1)[0]
        response, headers, kind = self._answer(handler, path, body, fault)
        # latency is the server's response time, its own work included (as a real server's
        # 50 ms would be): the answer leaves no sooner than latency_ms after the request came
        remaining = self.latency_ms / 1000 - (time.perf_counter() - started)
        if remaining > 0:
            time.sleep(remaining)
        self.log.add(RequestRecord(number, handler.command, path,
                                   None if response is None else response.status, kind,
                                   handler.client_address[0], time.perf_counter() - started))
        if response is None:
            handler.reset()
        else:
            handler.send(response, headers)

    def _answer(self, handler: _Handler, path: str, body: bytes, fault: str | None
                ) -> tuple[ApiResponse | None, dict[str, str], str | None]:
        """(response or None for a reset, extra headers, fault or "rate_limited")."""
        if fault == "reset":
            return None, {}, fault
        if fault in CANNED:
            return CANNED[fault], {}, fault
        if self._limiter is not None and not self._limiter.allow(handler.client_address[0]):
            return RETRY_LATER, {}, "rate_limited"
        if fault == "timeout":
            time.sleep(self.timeout_seconds)
        response, headers = self._app(handler.command, path, body)
        if fault == "truncated":
            response = truncate(response)
        elif fault in ("partial", "null_nodes"):
            response = damage(response, fault)
        elif fault in ("repeat_cursor", "short_page"):
            response = page_fault(response, fault, _variables(body))
        return response, headers, fault

    def _app(self, method: str, path: str, body: bytes) -> tuple[ApiResponse, dict[str, str]]:
        if path in ("/api", "/api/") and method == "POST":
            context = RequestContext(self._world, self.release, self.limits.max_page_size)
            try:
                return handle_query(body, self.schema, self._queries, context, self.limits), {}
            except BadRequestBody:
                return BAD_REQUEST, {}
            except Exception:  # noqa: BLE001 - Decidim turns any exception into this 500
                return CANNED["500"], {}
        if path in ("/api", "/api/") and method in ("GET", "HEAD"):
            return REDIRECT_TO_DOCS, {"Location": "/api/docs"}
        if path == "/api/docs" and method in ("GET", "HEAD"):
            return DOCS_PAGE, {}
        return NOT_FOUND, {}
