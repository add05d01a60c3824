"""The simulator's fast execution path answers byte for byte what graphql-core answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from connector import queries
from connector.queries import RELEASE_FEATURES, RELEASES
from connector.simulator import World, close_spaces
from connector.simulator.api import Limits, ParsedQueries, _execute, _operation, handle_query
from connector.simulator.context import RequestContext
from connector.simulator.plan import Fallback
from connector.simulator.schema import build_schema


def _answers(world: World, release: str, query: str,
             variables: dict[str, Any]) -> tuple[bytes, bytes]:
    """(the served answer, graphql-core's answer to the same parsed document)."""
    schema = build_schema(release)
    parsed = ParsedQueries(schema, None)
    context = RequestContext(world, release)
    raw = json.dumps({"query": query, "variables": variables}).encode()
    served = handle_query(raw, schema, parsed, context, Limits(max_complexity=10**9))
    document, errors, _ = parsed.get(query)
    assert document is not None
    if errors:  # not executed at all
        return served.body, served.body
    reference = _execute(schema, document, context, variables, None)
    return served.body, reference.body


def _components(world: World, kind: str, count: int) -> list[int]:
    type_name = {"proposals": "Proposals", "debates": "Debates", "meetings": "Meetings"}[kind]
    return [c.id for c in world.components if c.type_name == type_name][:count]


@pytest.mark.parametrize("release", RELEASES)
def test_packed_pages_answer_as_graphql_core(small_world: World, release: str) -> None:
    features = RELEASE_FEATURES[release]
    world = close_spaces(small_world, 0.5, seed=7)
    parts = (("proposals", False), ("debates", False), ("meetings", False), ("proposals", True))
    ids = (_components(world, "proposals", 2) + _components(world, "debates", 1)
           + _components(world, "meetings", 1))
    ids = [ids[0], ids[2], ids[3], ids[1]]
    query = queries.packed_document(parts, features)
    for after in (None, "MQ", "MTA"):
        variables: dict[str, Any] = {}
        for n, component_id in enumerate(ids):
            since = "2020-01-01" if parts[n][1] else None
            variables |= queries.packed_variables(n, str(component_id), 50 - n, after, since)
        served, reference = _answers(world, release, query, variables)
        assert b'"nodes":[{' in served and b'"comments":[{' in served
        assert served == reference


@pytest.mark.parametrize("release", RELEASES)
def test_other_documents_answer_as_graphql_core(small_world: World, release: str) -> None:
    for operation, text in queries.all_documents(RELEASE_FEATURES[release]).items():
        variables = {"id": str(_components(small_world, "proposals", 1)[0]), "first": 20}
        served, reference = _answers(small_world, release, text, variables)
        assert served == reference, operation


@pytest.mark.parametrize(("query", "variables"), [
    ("query($c: Boolean!) { decidim { version @include(if: $c) } }", {"c": False}),
    ("{ component(id: 1) { ... on Proposals { proposals(after: \"!!\") { nodes { id } } } } }",
     {}),
    ("{ __schema { queryType { name } } }", {}),
    ("query($id: ID!) { component(id: $id) { id } }", {"id": {"not": "an id"}}),
])
def test_what_the_fast_path_refuses_falls_back_to_graphql_core(
        small_world: World, query: str, variables: dict[str, Any]) -> None:
    schema = build_schema("0.30")
    parsed = ParsedQueries(schema, None).get(query)
    assert parsed.plan is not None and parsed.document is not None
    operation = _operation(parsed.document, None)
    assert not isinstance(operation, str)
    with pytest.raises(Fallback):
        parsed.plan.execute(operation, RequestContext(small_world, "0.30"), variables)
    served, reference = _answers(small_world, "0.30", query, variables)
    assert served == reference


def test_analysis_is_cached_per_page_size(small_world: World) -> None:
    schema = build_schema("0.30")
    query = "query($n: Int) { participatoryProcesses { components { id } } " \
            "component(id: 1) { ... on Proposals { proposals(first: $n) { nodes { id } } } } }"
    plan = ParsedQueries(schema, None).get(query).plan
    assert plan is not None
    operation = _operation(plan.document, None)
    assert not isinstance(operation, str)
    small, again, large = (plan.analyze(operation, {"n": n}) for n in (2, 2, 40))
    assert small == again and small[0] < large[0]
