"""POST GraphQL payloads to one Decidim ``/api`` over httpx: throttle, retries, error mapping.

This is the only module of the connector that does I/O. ``execute(payload)`` returns the
decoded GraphQL answer (a dict with ``data`` and/or ``errors``) or raises one of
participa's ``ConnectorError``s; it does not interpret GraphQL ``errors`` (the client does).

Retried with exponential back-off and full jitter (``uniform(0, min(cap, base * 2**n))``, or
the server's ``Retry-After`` seconds): HTTP 429, HTTP 5xx, timeouts, refused or reset
connections, answers cut short (the connection closed early, or a 200 whose JSON stops
mid-way: a proxy that lost its upstream). Not retried: TLS failures, 3xx/4xx, HTML pages,
invalid JSON.
The bearer token goes only into the ``Authorization`` header, never into a message or log.
"""

from __future__ import annotations

import json
import logging
import random
import re
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from connector.throttle import Throttle
from participa import __version__
from participa.errors import (
    ConnectorError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    UnreachableError,
)

log = logging.getLogger(__name__)

BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0
RETRY_AFTER_CAP = 900.0
USER_AGENT = f"participa/{__version__}"
#: a JSON ``\\uD…`` escape (any case): the answer may hold a lone UTF-16 surrogate
_SURROGATE_ESCAPE = re.compile(r"\\u[dD]")


class _CutShort(ProtocolError):
    """A JSON answer that stops mid-way: retried, raised as a ``ProtocolError`` at the end."""


@dataclass(frozen=True)
class _Retry:
    """A failed attempt that may be retried; ``error`` is raised when retries run out."""

    error: ConnectorError
    retry_after: float | None = None


class GraphQLTransport:
    """Sends GraphQL payloads to ``url``; counts ``requests`` (retries included) and ``retries``."""

    def __init__(
        self,
        url: str,
        *,
        instance: str = "",
        token: str | None = None,
        timeout: float = 30,
        verify_tls: bool = True,
        max_retries: int = 5,
        throttle: Throttle,
        sleep: Callable[[float], None],
        rng: random.Random,
        transport: httpx.BaseTransport | None = None,
    ):
        self.url = url
        self.where = public_url(url)
        self.instance = instance
        self.timeout = timeout
        self.max_retries = max_retries
        self.throttle = throttle
        self.requests = 0
        self.retries = 0
        self._count_lock = threading.Lock()  # requests may be sent from several threads
        self._sleep = sleep
        self._rng = rng
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        self._token = token or None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            transport=transport,
            timeout=timeout,
            verify=verify_tls,
            headers=headers,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def execute(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``payload``; the decoded GraphQL answer, after retries."""
        attempt = 0
        while True:
            outcome = self._attempt(payload)
            if not isinstance(outcome, _Retry):
                return outcome
            if attempt >= self.max_retries:
                raise outcome.error
            delay = outcome.retry_after
            if delay is None:
                delay = self._rng.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))
            log.info("%s: %s; retry %d in %.1fs", self.instance, outcome.error, attempt + 1, delay)
            self._sleep(delay)
            attempt += 1
            with self._count_lock:
                self.retries += 1

    def _attempt(self, payload: dict[str, Any]) -> dict[str, Any] | _Retry:
        self.throttle.wait()
        with self._count_lock:
            self.requests += 1
        try:
            response = self._http.post(self.url, json=payload)
        except httpx.TimeoutException:
            return _Retry(
                self._unreachable(
                    f"did not answer within {self.timeout:g}s; raise timeout_seconds or try later"
                )
            )
        except httpx.ConnectError as exc:
            if _is_tls_failure(exc):
                raise self._unreachable(
                    "TLS handshake failed (certificate not trusted or invalid); fix the "
                    "certificate or, for a test instance only, set verify_tls = false"
                ) from None
            return _Retry(
                self._unreachable(
                    "cannot connect (refused or unknown host); check the instance url and network"
                )
            )
        except httpx.RemoteProtocolError:
            return _Retry(
                ProtocolError(
                    f"{self.where} closed the connection before its answer was complete; try later",
                    instance=self.instance,
                )
            )
        except httpx.TransportError as exc:
            return _Retry(self._unreachable(f"network error ({type(exc).__name__}); try later"))
        return self._read(response)

    def _read(self, response: httpx.Response) -> dict[str, Any] | _Retry:
        status = response.status_code
        if status == 429:
            return _Retry(
                RateLimitedError(
                    f"{self.where} kept answering HTTP 429 (too many requests); lower "
                    "requests_per_minute for this instance or sync later",
                    instance=self.instance,
                ),
                retry_after=_retry_after(response),
            )
        if status >= 500:
            return _Retry(
                ServerError(
                    f"{self.where} answered HTTP {status}{self._hint(response)}; the server "
                    "failed, try later or ask the instance's administrators",
                    instance=self.instance,
                    status=status,
                )
            )
        if 300 <= status < 400:
            target = response.headers.get("location", "?")
            raise ServerError(
                f"{self.where} redirected (HTTP {status}) to {target}: "
                "use the final …/api address; if the instance forces sign-in, configure token_env",
                instance=self.instance,
                status=status,
            )
        if status >= 400:
            return self._client_error(response)
        try:
            return self._decode(response)
        except _CutShort as exc:
            return _Retry(exc)

    def _client_error(self, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        if status in (400, 422):
            try:
                return self._decode(response)
            except ProtocolError:
                pass
        advice = {
            401: "the instance wants credentials: set token_env to a variable holding a token",
            403: "access denied: check the token (token_env) or whether the API is public",
            404: "is this the instance's GraphQL endpoint (…/api)?",
        }.get(status, "check the instance url (it should end in /api)")
        raise ServerError(
            f"{self.where} answered HTTP {status}: {advice}", instance=self.instance, status=status
        )

    def _decode(self, response: httpx.Response) -> dict[str, Any]:
        content_type = response.headers.get("content-type", "").lower()
        text = response.text
        if "html" in content_type or text.lstrip().startswith("<"):
            raise self._protocol(
                "answered an HTML page, not GraphQL JSON: check that the url is the instance's "
                "…/api endpoint and that it does not force sign-in (then configure token_env)"
            )
        try:
            body = json.loads(text)
            if _SURROGATE_ESCAPE.search(text):  # \uD800-\uDFFF escapes: maybe lone surrogates
                body = _without_lone_surrogates(body)
        except ValueError as exc:
            cut = isinstance(exc, json.JSONDecodeError) and (
                exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
            )
            if cut and text.strip():
                raise _CutShort(
                    f"{self.where} sent an answer cut short ({self._excerpt(text)}); try again "
                    "later",
                    instance=self.instance,
                ) from None
            raise self._protocol(
                f"sent invalid JSON ({self._excerpt(text)}); try again later"
            ) from None
        if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
            raise self._protocol(
                f"answered JSON that is not a GraphQL response ({self._excerpt(text)}); "
                "is the url the instance's …/api endpoint?"
            )
        return body

    def scrub(self, text: str) -> str:
        """``text`` without the bearer token: a server may echo the request's headers back
        (a debug page, a proxy's error), and its words end up in messages, logs, the store."""
        return text.replace(self._token, "***") if self._token else text

    def _excerpt(self, text: str) -> str:
        return _excerpt(self.scrub(text))

    def _hint(self, response: httpx.Response) -> str:
        return _graphql_hint(self.scrub(response.text))

    def _unreachable(self, what: str) -> UnreachableError:
        return UnreachableError(f"{self.where} {what}", instance=self.instance)

    def _protocol(self, what: str) -> ProtocolError:
        return ProtocolError(f"{self.where} {what}", instance=self.instance)


def public_url(url: str) -> str:
    """``url`` without user:password, query or fragment, safe for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (HTTP dates are ignored: no wall clock here)."""
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def _graphql_hint(text: str) -> str:
    """`` ("Internal Server error")`` when a 5xx body carries a GraphQL error message."""
    try:
        errors = json.loads(text).get("errors") or []
        return f' ("{str(errors[0].get("message", ""))[:120]}")' if errors else ""
    except (ValueError, AttributeError, IndexError, TypeError):
        return ""


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _without_lone_surrogates(value: Any) -> Any:
    """``value`` with every lone UTF-16 surrogate (``"\\ud83d"`` from a broken emoji escape)
    replaced by U+FFFD: such a string cannot be encoded as UTF-8, so SQLite, e-mail and
    every file write would fail on it."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def _excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "empty body"
    return repr(flat[:limit] + ("…" if len(flat) > limit else ""))
