"""One ``POST /api`` request → one response, as Decidim's QueriesController answers it.

Order of checks (graphql-ruby): parse → static validation (+ alias limit, all reported
together) → depth and complexity → execution. An exception while executing is HTTP 500 with
``{"errors":[{"message":"Internal Server error"}],"data":{}}``.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    execute_sync,
    parse,
)

from connector.simulator.analysis import limit_errors
from connector.simulator.context import RequestContext
from connector.simulator.plan import Fallback, QueryPlan
from connector.simulator.schema import reader_for, resolve_field, resolve_type, type_name_of
from connector.simulator.validation import alias_error, format_error, validation_errors

JSON_TYPE = "application/json; charset=utf-8"
INTERNAL_ERROR = {"errors": [{"message": "Internal Server error"}], "data": {}}


@dataclass(frozen=True)
class Limits:
    max_complexity: int = 5000
    max_depth: int = 15
    max_aliases: int | None = None
    max_page_size: int = 50


@dataclass(frozen=True)
class ApiResponse:
    status: int
    payload: dict[str, Any] | None  # the JSON answer (None for non-JSON bodies)
    body: bytes
    content_type: str = JSON_TYPE
    operation_name: str | None = None


class Parsed(NamedTuple):
    document: DocumentNode | None
    errors: list[dict[str, Any]]
    plan: QueryPlan | None  # None when the query has errors


def json_response(status: int, payload: dict[str, Any], operation: str | None = None):
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return ApiResponse(status, payload, body, JSON_TYPE, operation)


class ParsedQueries:
    """Parse and validate each distinct query text once (a bounded LRU, thread-safe); a valid
    one also gets its ``QueryPlan`` (fast execution, cached analysis)."""

    def __init__(self, schema: GraphQLSchema, max_aliases: int | None, size: int = 512) -> None:
        self.schema = schema
        self.max_aliases = max_aliases
        self.size = size
        self._entries: OrderedDict[str, Parsed] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, query: str) -> Parsed:
        with self._lock:
            if query in self._entries:
                self._entries.move_to_end(query)
                return self._entries[query]
        entry = self._check(query)
        with self._lock:
            self._entries[query] = entry
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry

    def _check(self, query: str) -> Parsed:
        try:
            document = parse(query)
        except GraphQLError as error:
            return Parsed(None, [_parse_error(query, error)], None)
        errors = validation_errors(self.schema, document)
        too_many = alias_error(document, self.max_aliases)
        errors += [too_many] if too_many else []
        plan = None if errors else QueryPlan(self.schema, document, reader_for, type_name_of)
        return Parsed(document, errors, plan)


def _parse_error(query: str, error: GraphQLError) -> dict[str, Any]:
    location = error.locations[0] if error.locations else None
    if location is None:
        return {"message": f"Parse error: {error.message}"}
    line = query.splitlines()[location.line - 1] if query.strip() else ""
    token = line[location.column - 1:].split(" ")[0][:20] if line else ""
    where = f"at [{location.line}, {location.column}]"
    text = f'Parse error on "{token}" {where}' if token else f"Parse error on end of query {where}"
    return {"message": text, "locations": [{"line": location.line, "column": location.column}]}


class BadRequestBody(ValueError):
    """The body is not JSON at all (Rails answers 400 before Decidim sees it)."""


def read_request(raw: bytes) -> tuple[str | None, dict[str, Any], str | None]:
    """(query, variables, operationName) from a JSON body.

    Raises ``BadRequestBody`` when the body is not JSON, ``ValueError`` when ``variables`` is
    neither an object nor a JSON string of one (Decidim fails with a 500 there).
    """
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequestBody(str(exc)) from exc
    if not isinstance(body, dict):
        return None, {}, None
    variables = body.get("variables") or {}
    if isinstance(variables, str):
        variables = json.loads(variables) if variables.strip() else {}
    if not isinstance(variables, dict):
        raise ValueError("variables must be an object")
    return body.get("query"), variables, body.get("operationName")


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | str:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        for op in operations:
            if op.name and op.name.value == name:
                return op
        return f'No operation named "{name}"'
    if len(operations) == 1:
        return operations[0]
    return "An operation name is required"


def handle_query(raw: bytes, schema: GraphQLSchema, queries: ParsedQueries,
                 context: RequestContext, limits: Limits) -> ApiResponse:
    query, variables, operation_name = read_request(raw)
    if not query:
        return json_response(200, {"errors": [{"message": "No query string was present"}]})
    document, errors, plan = queries.get(query)
    if errors or document is None or plan is None:
        return json_response(200, {"errors": errors}, operation_name)
    operation = _operation(document, operation_name)
    if isinstance(operation, str):
        return json_response(200, {"errors": [{"message": operation}]}, operation_name)
    complexity, depth = plan.analyze(operation, variables)
    over = limit_errors(complexity, depth, limits.max_complexity, limits.max_depth)
    if over:
        return json_response(200, {"errors": over}, operation_name)
    try:
        data = plan.execute(operation, context, variables)
    except Fallback:
        return _execute(schema, document, context, variables, operation_name)
    return json_response(200, {"data": data}, operation_name)


def _execute(schema: GraphQLSchema, document: DocumentNode, context: RequestContext,
             variables: dict[str, Any], operation_name: str | None) -> ApiResponse:
    result = execute_sync(
        schema, document, context_value=context, variable_values=variables,
        operation_name=operation_name, field_resolver=resolve_field, type_resolver=resolve_type,
    )
    errors = list(result.errors or ())
    if any(e.original_error is not None and not isinstance(e.original_error, GraphQLError)
           for e in errors):
        return json_response(500, INTERNAL_ERROR, operation_name)
    payload: dict[str, Any] = {}
    if errors:
        payload["errors"] = [format_error(e) for e in errors]
    if result.data is not None or not errors:
        payload["data"] = result.data
    return json_response(200, payload, operation_name)
