"""Feature detection from the answers to the probe queries (pure: JSON in, values out).

The probe (``queries/probe.graphql``) selects every field that differs between releases.
Servers answer a query with unknown fields by listing each one, in graphql-ruby's wording
``Field 'withdrawn' doesn't exist on type 'Proposal'`` (graphql-core says ``Cannot query
field 'withdrawn' on type 'Proposal'.``); a feature is on when none of its fields is missing.
Decidim 0.30.5+ also limits aliases and field recursion, but graphql-ruby runs those
analyzers only on queries that validate, so their errors come from the probe when every field
exists, and otherwise from the always-valid ``ParticipaLimits`` query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from connector.models import Features

#: feature flag → the (type, field) pairs that must all exist for it to be on.
FEATURE_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "taxonomies": (
        ("ParticipatoryProcess", "taxonomies"),
        ("Assembly", "taxonomies"),
        ("Proposal", "taxonomies"),
        ("Debate", "taxonomies"),
        ("Meeting", "taxonomies"),
    ),
    "categories": (("Proposal", "category"), ("Debate", "category"), ("Meeting", "category")),
    "scopes": (
        ("ParticipatoryProcess", "scope"),
        ("Proposal", "scope"),
        ("Debate", "scope"),
        ("Meeting", "scope"),
    ),
    "withdrawn_field": (
        ("Proposal", "withdrawn"),
        ("Proposal", "withdrawnAt"),
        ("Meeting", "withdrawn"),
    ),
    "endorsements": (("Proposal", "endorsementsCount"),),
    "likes": (("Proposal", "likesCount"),),
    "hashtags": (("ParticipatoryProcess", "hashtag"), ("Assembly", "hashtag")),
    "space_categories": (("ParticipatoryProcess", "categories"), ("Assembly", "categories")),
}

_MISSING_FIELD = (
    re.compile(r"Field '(?P<field>\w+)' doesn't exist on type '(?P<type>\w+)'"),
    re.compile(r"Cannot query field ['\"](?P<field>\w+)['\"] on type ['\"](?P<type>\w+)['\"]"),
)
_ALIASES_ALLOWED = re.compile(r"but (\d+) (?:are|is) allowed")
_DEFAULT_MAX_ALIASES = 5  # Decidim's default when the message gives no number
#: reply levels kept under the recursion limit: item.comments + one `comments` level.
SHALLOW_COMMENT_DEPTH = 1


@dataclass(frozen=True)
class ProbeResult:
    """What one probe answer says."""

    missing: frozenset[tuple[str, str]]  # (type, field) pairs the server does not know
    unknown_errors: tuple[str, ...]  # error messages that are none of the expected kinds
    max_aliases: int | None  # alias limit reported (None: none reported)
    recursion_limited: bool  # the recursion analyzer rejected the nested comments
    version: str | None  # decidim { version } when data came back
    has_data: bool  # the server executed the query (validation and analysis passed)

    @property
    def analyzed(self) -> bool:
        """True when the server got past validation, so its analyzer limits are known."""
        return not self.missing and not self.unknown_errors


def parse_probe(payload: Mapping[str, Any]) -> ProbeResult:
    """Read a GraphQL answer (``{"data": ..., "errors": [...]}``) to a probe query."""
    missing: set[tuple[str, str]] = set()
    unknown: list[str] = []
    max_aliases: int | None = None
    recursion = False
    for err in _errors(payload):
        message, code = _message_and_code(err)
        field = missing_field(message)
        if field:
            missing.add(field)
        elif code == "TOO_MANY_ALIASES_ERROR" or "aliases" in message.lower():
            max_aliases = _aliases_allowed(message)
        elif code == "RECURSION_LIMIT_EXCEEDED_ERROR" or "recursion" in message.lower():
            recursion = True
        elif not _is_execution_error(code, payload):
            unknown.append(message)
    data = payload.get("data")
    return ProbeResult(
        missing=frozenset(missing),
        unknown_errors=tuple(unknown),
        max_aliases=max_aliases,
        recursion_limited=recursion,
        version=_version(data),
        has_data=isinstance(data, dict) and bool(data),
    )


def features_from(probe: ProbeResult, limits: ProbeResult | None, version: str | None) -> Features:
    """Combine the probe (fields) with the limits answer (aliases, recursion) and the version."""
    flags = {flag: not (set(pairs) & probe.missing) for flag, pairs in FEATURE_FIELDS.items()}
    source = probe if probe.analyzed or limits is None else limits
    return Features(
        version=version,
        max_aliases=source.max_aliases,
        comment_depth=SHALLOW_COMMENT_DEPTH if source.recursion_limited else 3,
        **flags,
    )


def missing_field(message: str) -> tuple[str, str] | None:
    """``(type, field)`` when ``message`` says a field does not exist on a type."""
    for pattern in _MISSING_FIELD:
        match = pattern.search(message)
        if match:
            return match["type"], match["field"]
    return None


def graphql_ruby_wording(message: str) -> str:
    """graphql-core's unknown-field message rephrased the way graphql-ruby says it."""
    found = missing_field(message)
    if not found:
        return message
    return f"Field '{found[1]}' doesn't exist on type '{found[0]}'"


def _errors(payload: Mapping[str, Any]) -> Iterable[Any]:
    errors = payload.get("errors")
    return errors if isinstance(errors, list) else ()


def _message_and_code(err: Any) -> tuple[str, str | None]:
    if not isinstance(err, dict):
        return str(err), None
    ext = err.get("extensions")
    code = ext.get("code") if isinstance(ext, dict) else None
    return str(err.get("message", "")), code if isinstance(code, str) else None


def _aliases_allowed(message: str) -> int:
    match = _ALIASES_ALLOWED.search(message)
    return int(match.group(1)) if match else _DEFAULT_MAX_ALIASES


def _is_execution_error(code: str | None, payload: Mapping[str, Any]) -> bool:
    """Errors raised while resolving (e.g. NOT_FOUND_ERROR for id "0") mean validation passed."""
    return isinstance(payload.get("data"), dict) or (code or "").startswith(
        ("NOT_FOUND", "UNAUTHORIZED", "PERMISSION")
    )


def _version(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    decidim = data.get("decidim")
    version = decidim.get("version") if isinstance(decidim, dict) else None
    return version if isinstance(version, str) and version else None
