"""Complexity, depth and alias limits, and graphql-ruby's validation messages."""

from __future__ import annotations

import pytest
from graphql import parse
from sim_helpers import data, errors, post

from connector.simulator import build_schema
from connector.simulator.analysis import analyze

PROPOSAL_PAGE = """{ component(id: 1) { ... on Proposals { proposals%s {
  pageInfo { hasNextPage endCursor }
  edges { cursor node { id title { translation(locale: "es") } } } } } } }"""


def measure(query: str, release: str = "0.29", variables: dict | None = None) -> tuple[int, int]:
    document = parse(query)
    operation = document.definitions[0]
    fragments = {d.name.value: d for d in document.definitions[1:]}
    return analyze(build_schema(release), operation, fragments, variables or {})


@pytest.mark.parametrize(("query", "complexity", "depth"), [
    ("{ decidim { version } }", 2, 2),
    # plain lists are not multiplied: 1 + id + components(1 + id + __typename)
    ("{ participatoryProcesses { id components { id __typename } } }", 5, 3),
    # node = 1 + id + title(1 + translation) = 4; edge items = cursor + node = 5;
    # proposals = 1 + 10 × 5 + pageInfo(1 + 2) + edges 1 = 55; component = 1 + 55
    (PROPOSAL_PAGE % "(first: 10)", 56, 6),
    (PROPOSAL_PAGE % "", 1 + 1 + 50 * 5 + 3 + 1, 6),  # no `first`: the 50 default
    (PROPOSAL_PAGE % "(first: 100)", 1 + 1 + 100 * 5 + 3 + 1, 6),  # requested, not capped
    (PROPOSAL_PAGE % "(last: 20, first: 5)", 1 + 1 + 20 * 5 + 3 + 1, 6),
])
def test_complexity_and_depth_like_graphql_ruby(query, complexity, depth):
    assert measure(query) == (complexity, depth)


def test_complexity_uses_variables_and_fragments():
    query = """query ($n: Int) { component(id: 1) { ...P } }
    fragment P on Proposals { proposals(first: $n) { nodes { id voteCount } } }"""
    assert measure(query, variables={"n": 30}) == (1 + 1 + 30 * 2 + 1, 4)


def test_abstract_selection_costs_its_most_expensive_type():
    query = """{ component(id: 1) { id
      ... on Debates { debates(first: 2) { nodes { id } } }
      ... on Meetings { meetings(first: 3) { nodes { id } } } } }"""
    assert measure(query)[0] == 1 + 1 + (1 + 3 * 1 + 1)


def test_too_complex_query_is_rejected_without_data(http, sims):
    found = errors(http, sims["0.29"], PROPOSAL_PAGE % "(first: 1000)")
    assert found == [{"message": "Query has complexity of 5006, which exceeds max complexity "
                                 "of 5000"}]


def test_too_deep_query_is_rejected(http, sims):
    nested = "comments { " * 13 + "id" + " }" * 13
    query = "{ component(id: 1) { ... on Proposals { proposals(first: 1) { nodes { %s } } } } }"
    found = errors(http, sims["0.29"], query % nested)
    assert found == [{"message": "Query has depth of 17, which exceeds max depth of 15"}]
    nested = "comments { " * 11 + "id" + " }" * 11
    assert "component" in data(http, sims["0.29"], query % nested)


def test_unknown_field_uses_graphql_ruby_wording(http, sims):
    query = "query Probe { component(id: 1) { ... on Proposals { proposals { nodes { withdrawn }"
    query += " } } } }"
    found = errors(http, sims["0.27"], query)
    assert found == [{
        "message": "Field 'withdrawn' doesn't exist on type 'Proposal'",
        "locations": [{"line": 1, "column": 73}],
        "path": ["query Probe", "component", "... on Proposals", "proposals", "nodes",
                 "withdrawn"],
        "extensions": {"code": "undefinedField", "typeName": "Proposal",
                       "fieldName": "withdrawn"},
    }]


def test_argument_errors_use_graphql_ruby_wording(http, sims):
    found = errors(http, sims["0.29"], "{ component { id } decidim(x: 1) { version } }")
    messages = {e["message"] for e in found}
    assert messages == {"Field 'component' is missing required arguments: id",
                        "Field 'decidim' doesn't accept argument 'x'"}
    codes = {e["extensions"]["code"] for e in found}
    assert codes == {"missingRequiredArguments", "argumentNotAccepted"}


PROBE = """{ a1: __typename a2: __typename a3: __typename a4: __typename a5: __typename
  a6: __typename
  component(id: 1) { ... on Proposals { proposals(first: 1) { nodes {
    withdrawn taxonomies { id } category { id } } } } } }"""


def test_alias_limit_and_missing_fields_come_together_on_0_30(http, sims):
    found = errors(http, sims["0.30"], PROBE)
    alias = [e for e in found if e.get("extensions", {}).get("code") == "TOO_MANY_ALIASES_ERROR"]
    assert alias == [{"message": "Too many aliases used. You have used 6 aliases, but 5 are "
                                 "allowed.", "extensions": {"code": "TOO_MANY_ALIASES_ERROR"}}]
    missing = {e["extensions"]["fieldName"] for e in found if e not in alias}
    assert missing == {"category"}


def test_no_alias_limit_before_0_30(http, sims):
    found = errors(http, sims["0.29"], PROBE)
    assert {e["extensions"]["fieldName"] for e in found} == {"taxonomies"}
    assert "a6" in data(http, sims["0.29"], PROBE.replace("taxonomies { id }", ""))


def test_alias_limit_can_be_set(http, start_sim):
    sim = start_sim(release="0.29", max_aliases=2)
    found = errors(http, sim, "{ a: __typename b: __typename c: __typename }")
    assert found[0]["message"] == "Too many aliases used. You have used 3 aliases, but 2 are " \
                                  "allowed."
    unlimited = start_sim(release="0.30", max_aliases=None)
    assert data(http, unlimited, PROBE.replace("category { id }", ""))["a6"] == "Query"


def test_syntax_errors_and_missing_query(http, sims):
    response = post(http, sims["0.29"], "{ decidim { version }")
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"].startswith("Parse error")
    empty = http.post(sims["0.29"].url, json={"variables": {}})
    assert empty.json() == {"errors": [{"message": "No query string was present"}]}
