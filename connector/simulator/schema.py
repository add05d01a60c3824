"""An executable schema per release: the SDL, Decidim's scalars, and resolver dispatch."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

from graphql import GraphQLResolveInfo, GraphQLSchema
from graphql import build_schema as build_graphql_schema

from connector.simulator import resolve_items, resolve_spaces
from connector.simulator.sdl import schema_sdl
from connector.simulator.world import Component, Person, Space

RESOLVERS: dict[tuple[str, str], Any] = {**resolve_spaces.RESOLVERS, **resolve_items.RESOLVERS}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _serialize_datetime(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


def _serialize_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@cache
def build_schema(release: str) -> GraphQLSchema:
    """The GraphQL schema the simulator serves for ``release`` (resolvers come at execution)."""
    schema = build_graphql_schema(schema_sdl(release))
    for name, serialize in (("DateTime", _serialize_datetime), ("Date", _serialize_date)):
        scalar = schema.type_map[name]
        setattr(scalar, "serialize", serialize)  # noqa: B010 - graphql-core 3.2 name
        setattr(scalar, "coerce_output_value", serialize)  # noqa: B010 - 3.3 name
    return schema


@cache
def snake_case(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def resolve_field(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
    """Dispatch to ``RESOLVERS``; otherwise read the record's attribute or dict key."""
    return reader_for(info.parent_type.name, info.field_name)(source, info.context, arguments)


@cache
def reader_for(type_name: str, field_name: str) -> Callable[[Any, Any, dict[str, Any]], Any]:
    """``fn(source, context, arguments)`` reading ``field_name`` of a ``type_name`` value."""
    resolver = RESOLVERS.get((type_name, field_name))
    if resolver is not None:
        return lambda source, context, arguments: resolver(source, context, **arguments)
    attribute = snake_case(field_name)

    def read(source: Any, context: Any, arguments: dict[str, Any]) -> Any:
        if isinstance(source, dict):
            return source.get(field_name)
        return getattr(source, attribute, None)
    return read


def type_name_of(value: Any) -> str:
    """``resolve_type`` without the resolve info (it uses neither)."""
    return resolve_type(value, None, None)  # type: ignore[arg-type]


def resolve_type(value: Any, info: GraphQLResolveInfo, abstract_type: Any) -> str:
    """The concrete GraphQL type of a component, space or author."""
    if isinstance(value, Component):
        return value.type_name
    if isinstance(value, Person):
        return value.kind
    if isinstance(value, Space):
        return resolve_spaces.SPACE_TYPENAME[value.kind]
    raise TypeError(f"cannot resolve the GraphQL type of {type(value).__name__}")
