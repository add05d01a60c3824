"""DecidimClient over a mock transport: detection flows, discovery, paging and its guards."""

from __future__ import annotations

from datetime import date

import pytest
from graphql import FieldNode, parse, validate
from graphql.language import Visitor, visit

from connector.client import DecidimClient
from connector.features import graphql_ruby_wording
from connector.models import ComponentRef, Features, Proposal
from connector.queries import RELEASE_FEATURES, RELEASES
from participa.errors import PaginationError, QueryError

PROPOSALS = ComponentRef(id="12", __typename="Proposals")


class _Analyzers(Visitor):
    """Decidim 0.30.5+'s alias and recursion analyzers, enough for the probe queries."""

    def __init__(self):
        super().__init__()
        self.aliases: set[str] = set()
        self.depth: dict[str, int] = {}
        self.too_deep = False

    def enter_field(self, node: FieldNode, *_):
        if node.alias:
            self.aliases.add(node.alias.value)
        if node.selection_set and node.name.value != "nodes":
            self.depth[node.name.value] = self.depth.get(node.name.value, 0) + 1
            self.too_deep |= self.depth[node.name.value] > 2

    def leave_field(self, node: FieldNode, *_):
        if node.selection_set and node.name.value != "nodes":
            self.depth[node.name.value] -= 1


def fake_decidim(schema, version, *, limits=False):
    """Validate like graphql-ruby, run 0.30.5+ analyzers if ``limits``, answer empty data."""

    def handler(payload, request):
        document = parse(payload["query"])
        errors = validate(schema, document)
        if errors:
            return {"errors": [{"message": graphql_ruby_wording(e.message)} for e in errors]}
        if limits:
            analyzers = _Analyzers()
            visit(document, analyzers)
            found = []
            if len(analyzers.aliases) > 5:
                found.append(
                    {
                        "message": f"You have used {len(analyzers.aliases)} aliases, but "
                        "5 are allowed.",
                        "extensions": {"code": "TOO_MANY_ALIASES_ERROR"},
                    }
                )
            if analyzers.too_deep:
                found.append(
                    {
                        "message": "Too many recursions detected in query",
                        "extensions": {"code": "RECURSION_LIMIT_EXCEEDED_ERROR"},
                    }
                )
            if found:
                return {"errors": found}
        return {"data": {"decidim": {"version": version}, "component": None}}

    return handler


@pytest.mark.parametrize("release", RELEASES)
def test_detect_features_on_each_release(release, schemas, make_client):
    client, server = make_client(fake_decidim(schemas[release], f"{release}.9"))
    features = client.detect_features()
    assert features == RELEASE_FEATURES[release].model_copy(update={"version": f"{release}.9"})
    assert server.operations() == ["ParticipaProbe", "ParticipaLimits"]


def test_detect_limits_of_a_0_30_5_server(schemas, make_client):
    client, server = make_client(fake_decidim(schemas["0.30"], None, limits=True))
    features = client.detect_features()
    assert (features.max_aliases, features.comment_depth, features.version) == (5, 1, None)
    assert server.operations() == ["ParticipaProbe", "ParticipaLimits", "ParticipaVersion"]
    # the item queries for those features pass the same analyzers
    from connector.queries import all_documents

    for operation, text in all_documents(features).items():
        if operation.endswith("Page"):
            analyzers = _Analyzers()
            visit(parse(text), analyzers)
            assert not analyzers.too_deep and len(analyzers.aliases) <= 5


def test_probe_answered_with_data_takes_one_request(make_client):
    client, server = make_client(lambda p, r: {"data": {"decidim": {"version": "9.9"}}})
    features = client.detect_features()
    assert features.likes and features.version == "9.9" and len(server.payloads) == 1


def test_iter_spaces_sets_kinds_and_skips_nulls(make_client):
    answer = {
        "data": {
            "decidim": {"version": "0.28.4"},
            "participatoryProcesses": [
                {
                    "id": "1",
                    "slug": "pp",
                    "title": {"translations": [{"locale": "es", "text": "Plan"}]},
                    "scope": {"id": "3", "name": {"translations": []}},
                    "components": [{"id": "12", "__typename": "Proposals", "weight": 0}, None],
                },
                None,
            ],
            "assemblies": [{"id": "1", "slug": "asm", "area": None, "closingDate": "2026-12-01"}],
        }
    }
    client, server = make_client(lambda p, r: answer)
    spaces = list(client.iter_spaces(RELEASE_FEATURES["0.28"]))
    assert [(s.kind, s.id) for s in spaces] == [("participatory_process", "1"), ("assembly", "1")]
    assert spaces[0].components[0].typename == "Proposals" and spaces[0].title[0].text == "Plan"
    assert spaces[1].closing_date == "2026-12-01"
    assert client.null_nodes == 1 and client.server_version == "0.28.4"
    assert len(server.payloads) == 1


def _page(ids, has_next, cursor, *, nodes=None):
    nodes = nodes if nodes is not None else [{"id": str(i), "state": None} for i in ids]
    return {
        "data": {
            "component": {
                "__typename": "Proposals",
                "proposals": {
                    "pageInfo": {"hasNextPage": has_next, "endCursor": cursor},
                    "nodes": nodes,
                },
            }
        }
    }


def _pages(*pages):
    pages = list(pages)
    return lambda payload, request: pages.pop(0)


def test_pages_are_walked_with_cursors_and_deduplicated(make_client):
    client, server = make_client(
        _pages(_page([1, 2], True, "Mg"), _page([2, 3], True, "Mw"), _page([], False, None))
    )
    pages = list(client.iter_pages(PROPOSALS, Features()))
    assert [[i.id for i in p.items] for p in pages] == [["1", "2"], ["3"], []]
    assert [p.end_cursor for p in pages] == [
        "Mg",
        "Mw",
        "Mw",
    ]  # an empty last page keeps its cursor
    assert isinstance(pages[0].items[0], Proposal) and pages[0].kind == "proposals"
    variables = [p["variables"] for p in server.payloads]
    assert [v.get("after") for v in variables] == [None, "Mg", "Mw"]
    assert {v["first"] for v in variables} == {50} and {v["id"] for v in variables} == {"12"}


def test_resume_after_a_cursor_and_filter_by_date(make_client):
    client, server = make_client(_pages(_page([7], False, "Nw")))
    pages = list(
        client.iter_pages(PROPOSALS, Features(), after="Ng", published_since=date(2026, 11, 1))
    )
    assert pages[0].end_cursor == "Nw"
    payload = server.payloads[0]
    assert payload["operationName"] == "ProposalsPageSince"
    assert payload["variables"]["since"] == "2026-11-01" and payload["variables"]["after"] == "Ng"


def test_debates_ignore_the_date_filter(make_client):
    answer = {
        "data": {
            "component": {
                "__typename": "Debates",
                "debates": {
                    "pageInfo": {"hasNextPage": False, "endCursor": "MQ"},
                    "nodes": [{"id": "5"}],
                },
            }
        }
    }
    client, server = make_client(lambda p, r: answer)
    debates = ComponentRef(id="13", __typename="Debates")
    pages = list(client.iter_pages(debates, Features(), published_since=date(2026, 1, 1)))
    assert pages[0].items[0].id == "5" and server.payloads[0]["operationName"] == "DebatesPage"


@pytest.mark.parametrize(
    "second",
    [_page([3], True, "Mg"), _page([3], True, None), _page([3], True, "Ng")],
    ids=["cursor-repeats", "no-cursor", "cursor-equals-start"],
)
def test_repeating_or_missing_cursor_raises(make_client, second):
    client, _ = make_client(_pages(_page([1, 2], True, "Mg"), second))
    pages = client.iter_pages(PROPOSALS, Features(), after="Ng")
    next(pages)
    with pytest.raises(PaginationError, match="component 12"):
        next(pages)


def test_null_nodes_are_skipped_and_counted(make_client):
    nodes = [{"id": "1"}, None, {"id": "2"}]
    client, _ = make_client(_pages(_page([], False, "Mg", nodes=nodes)))
    [page] = client.iter_pages(PROPOSALS, Features())
    assert [i.id for i in page.items] == ["1", "2"] and client.null_nodes == 1


def test_partial_data_is_kept_and_recorded(make_client):
    answer = _page([1], False, "MQ")
    answer["errors"] = [
        {
            "message": "Cannot return null for non-nullable field Comment.body",
            "path": ["component", "proposals", "nodes", 1],
        }
    ]
    answer["data"]["component"]["proposals"]["nodes"].append(None)
    client, _ = make_client(_pages(answer))
    [page] = client.iter_pages(PROPOSALS, Features())
    assert [i.id for i in page.items] == ["1"]
    assert len(client.warnings) == 1 and "Comment.body" in client.warnings[0]


def test_component_gone_yields_nothing(make_client):
    client, _ = make_client(lambda p, r: {"data": {"component": None}})
    assert list(client.iter_pages(PROPOSALS, Features())) == []
    assert "not visible" in client.warnings[0]


def test_component_gone_with_error_is_a_query_error(make_client):
    answer = {
        "data": {"component": None},
        "errors": [{"message": "Not found", "extensions": {"code": "NOT_FOUND_ERROR"}}],
    }
    client, _ = make_client(lambda p, r: answer)
    with pytest.raises(QueryError, match="Not found"):
        list(client.iter_pages(PROPOSALS, Features()))


def test_component_of_another_kind_raises(make_client):
    client, _ = make_client(lambda p, r: {"data": {"component": {"__typename": "Debates"}}})
    with pytest.raises(PaginationError, match="now a 'Debates'"):
        list(client.iter_pages(PROPOSALS, Features()))


def test_only_item_components_can_be_paged(make_client):
    client, _ = make_client(lambda p, r: {})
    with pytest.raises(ValueError, match="Budgets"):
        list(client.iter_pages(ComponentRef(id="1", __typename="Budgets"), Features()))


def test_requests_are_throttled(make_client, clock):
    client, _ = make_client(
        _pages(_page([1], True, "MQ"), _page([2], False, "Mg")), requests_per_minute=30
    )
    list(client.iter_pages(PROPOSALS, Features()))
    assert clock.sleeps == pytest.approx([2.0]) and client.requests == 2


def test_from_config_reads_an_instance_config(clock):
    from sync.config import InstanceConfig

    inst = InstanceConfig(
        name="valpo",
        url="https://participa.example.cl/api",
        token_env="PARTICIPA_T",
        requests_per_minute=30,
        max_retries=2,
        timeout_seconds=5,
    )
    import os

    os.environ["PARTICIPA_T"] = "abc"
    try:
        client = DecidimClient.from_config(inst, sleep=clock.sleep, clock=clock)
    finally:
        del os.environ["PARTICIPA_T"]
    with client:
        assert client.instance == "valpo" and client._http.timeout == 5
        assert client._http.max_retries == 2 and client._http.throttle.interval == pytest.approx(2)
        assert client._http._http.headers["authorization"] == "Bearer abc"
