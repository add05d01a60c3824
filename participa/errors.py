"""The one exception tree of participa.

Every error a user can cause or meet is a ``ParticipaError``; the CLI is the only
place that turns one into a message and an exit code. Messages name the thing
(file and key, instance, resource and id, cursor, digest) and the fix.

    ParticipaError
    ├── ConfigError            the config file is missing, unreadable or invalid
    ├── ConnectorError         talking to a Decidim instance failed (has .instance)
    │   ├── UnreachableError   refused, DNS, TLS failure or timeout (after retries)
    │   ├── ServerError        HTTP 5xx or unexpected 4xx (after retries for 5xx)
    │   ├── RateLimitedError   HTTP 429 persisted after all retries
    │   ├── ProtocolError      the answer is not GraphQL: HTML page, invalid JSON, cut short
    │   ├── QueryError         GraphQL ``errors`` and no usable ``data`` (validation, complexity)
    │   └── PaginationError    a cursor repeated or a page contradicted the previous one
    ├── StoreError             the SQLite store cannot be opened, read or written
    │   └── LockedError        another participa process holds the store's sync lock
    ├── StoppedError           a run was asked to stop (SIGTERM) and stopped at a safe point
    ├── ReportError            a report cannot be built or rendered (bad period, unknown department)
    └── DeliveryError          an e-mail digest could not be composed or delivered
"""

from __future__ import annotations


class ParticipaError(Exception):
    """Root of every error participa raises on purpose."""

    exit_code = 1


class ConfigError(ParticipaError):
    """The config file is missing, unreadable or invalid.

    ``str(err)`` is a single line such as
    ``config.toml: instances[0].url: expected an http(s) URL, got 'ftp://x'``.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None):
        self.path = path
        self.key = key
        prefix = ": ".join(p for p in (path, key) if p)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class ConnectorError(ParticipaError):
    """Talking to a Decidim instance failed; ``instance`` names it."""

    def __init__(self, message: str, *, instance: str = ""):
        self.instance = instance
        super().__init__(f"{instance}: {message}" if instance else message)


class UnreachableError(ConnectorError):
    """Connection refused, DNS failure, TLS failure or timeout, after all retries."""


class ServerError(ConnectorError):
    """HTTP 5xx after all retries, or an unexpected 4xx (404, 401, 403...)."""

    def __init__(self, message: str, *, instance: str = "", status: int | None = None):
        self.status = status
        super().__init__(message, instance=instance)


class RateLimitedError(ConnectorError):
    """HTTP 429 kept coming after all retries."""


class ProtocolError(ConnectorError):
    """The answer was not a GraphQL response (HTML page, invalid JSON, cut short)."""


class QueryError(ConnectorError):
    """GraphQL ``errors`` with no usable ``data``; ``errors`` holds the raw list."""

    def __init__(self, message: str, *, instance: str = "", errors: list | None = None):
        self.errors = errors or []
        super().__init__(message, instance=instance)


class PaginationError(ConnectorError):
    """A cursor repeated, or a page contradicted what came before."""


class StoreError(ParticipaError):
    """The SQLite store cannot be opened, read or written."""


class LockedError(StoreError):
    """Another participa process holds the store's sync lock."""


class StoppedError(ParticipaError):
    """A run was asked to stop (SIGTERM, Ctrl-C) and stopped after a committed page."""

    exit_code = 130


class ReportError(ParticipaError):
    """A report cannot be built or rendered."""


class DeliveryError(ParticipaError):
    """An e-mail digest could not be composed or delivered."""
