"""Relay paging with graphql-ruby offset cursors, the page-size cap, order and filters."""

from __future__ import annotations

from datetime import datetime

import pytest
from sim_helpers import SANTIAGO, data, post

from connector.simulator import Simulator, decode_cursor, encode_cursor
from connector.simulator.paging import CursorError, slice_page

ANY_PAGE = """
query ($c: ID!, $first: Int, $after: String) {
  component(id: $c) {
    ... on Proposals { proposals(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }
    ... on Debates { debates(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }
    ... on Meetings { meetings(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }
  }
}
"""
KIND_FIELD = {"Proposals": "proposals", "Debates": "debates", "Meetings": "meetings"}


def walk(http, sim: Simulator, component_id: int, type_name: str, first: int | None = 50):
    """Every id of a component, page by page; checks cursors as it goes."""
    ids, after, pages = [], None, 0
    while True:
        body = data(http, sim, ANY_PAGE, {"c": str(component_id), "first": first, "after": after})
        connection = body["component"][KIND_FIELD[type_name]]
        for position, edge in enumerate(connection["edges"], start=len(ids) + 1):
            assert edge["cursor"] == encode_cursor(position)
        ids += [int(e["node"]["id"]) for e in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            return ids, pages
        after = connection["pageInfo"]["endCursor"]


def test_cursor_format_is_graphql_ruby_offsets():
    assert [encode_cursor(n) for n in (1, 3, 4, 50)] == ["MQ", "Mw", "NA", "NTA"]
    assert decode_cursor("NA") == 4
    assert decode_cursor("NA==") == 4
    assert decode_cursor(encode_cursor(1234)) == 1234
    assert decode_cursor("YWJj") == 0  # base64 of "abc": Ruby's "abc".to_i
    with pytest.raises(CursorError):
        decode_cursor("!!")


def test_slice_page_follows_array_connection():
    items = list(range(1, 121))
    page = slice_page(items)
    assert (len(page.nodes), page.has_next, page.has_previous) == (50, True, False)
    page = slice_page(items, first=500)
    assert len(page.nodes) == 50
    page = slice_page(items, first=10, after=encode_cursor(115))
    assert (page.nodes, page.has_next, page.has_previous) == ([116, 117, 118, 119, 120], False,
                                                               True)
    page = slice_page(items, last=3, before=encode_cursor(10))
    assert page.nodes == [7, 8, 9]
    assert page.edges()[0]["cursor"] == encode_cursor(7)
    assert page.has_previous and page.has_next
    empty = slice_page(items, first=5, after=encode_cursor(500))
    assert empty.nodes == [] and empty.page_info()["endCursor"] is None


@pytest.mark.parametrize("type_name", ["Proposals", "Debates", "Meetings"])
def test_walking_every_component_lists_exactly_the_visible_items(http, sims, small_world,
                                                                 type_name):
    sim = sims["0.29"]
    expected = {
        "Proposals": small_world.visible_proposals("0.29"),
        "Debates": small_world.visible_debates("0.29"),
        "Meetings": small_world.visible_meetings("0.29"),
    }[type_name]
    seen: list[int] = []
    for component in small_world.visible_components(type_name):
        ids, _ = walk(http, sim, component.id, type_name, first=7)
        assert ids == sorted(ids), "default order is id ascending"
        seen += ids
    assert len(seen) == len(set(seen))
    assert sorted(seen) == [item.id for item in expected]


def test_page_size_is_capped_at_50_and_defaults_to_50(http, medium_world):
    component = max(medium_world.visible_components("Proposals"),
                    key=lambda c: len(medium_world.index.listed_items("proposal", c.id, "0.29")))
    listed = medium_world.index.listed_items("proposal", component.id, "0.29")
    assert len(listed) > 50
    with Simulator(release="0.29", world=medium_world) as sim:
        for first in (None, 100, 50):
            body = data(http, sim, ANY_PAGE, {"c": str(component.id), "first": first})
            assert len(body["component"]["proposals"]["edges"]) == 50
        ids, pages = walk(http, sim, component.id, "Proposals", first=None)
    assert ids == [p.id for p in listed]
    assert pages == -(-len(listed) // 50)


def test_order_and_published_filter(http, sims, small_world):
    sim = sims["0.29"]
    component = small_world.visible_components("Proposals")[0]
    query = """query ($c: ID!, $order: ProposalSort, $filter: ProposalFilter) {
      component(id: $c) { ... on Proposals {
        proposals(first: 50, order: $order, filter: $filter) { nodes { id publishedAt } } } } }"""
    ordered = data(http, sim, query, {"c": component.id, "order": {"publishedAt": "desc"}})
    stamps = [datetime.fromisoformat(n["publishedAt"]) for n in
              ordered["component"]["proposals"]["nodes"]]
    assert stamps == sorted(stamps, reverse=True)
    since, before = "2026-10-01", "2026-11-01"
    filtered = data(http, sim, query, {"c": component.id, "filter": {
        "publishedSince": since, "publishedBefore": before}})
    got = [int(n["id"]) for n in filtered["component"]["proposals"]["nodes"]]
    low = datetime(2026, 10, 1, tzinfo=SANTIAGO)
    high = datetime(2026, 11, 1, tzinfo=SANTIAGO)
    expected = [p.id for p in small_world.index.listed_items("proposal", component.id, "0.29")
                if low.timestamp() <= p.published_at.timestamp() < high.timestamp()]
    assert got == expected


def test_published_since_is_local_midnight_inclusive(http, sims, small_world):
    """An item published exactly at local midnight is in `publishedSince` of that day."""
    at_midnight = [p for p in small_world.visible_proposals("0.29")
                   if (p.published_at.hour, p.published_at.minute, p.published_at.second)
                   == (0, 0, 0)]
    assert at_midnight, "the world puts items exactly on week boundaries"
    proposal = at_midnight[0]
    day = proposal.published_at.date().isoformat()
    query = """query ($c: ID!, $f: ProposalFilter) { component(id: $c) { ... on Proposals {
      proposals(filter: $f) { nodes { id } } } } }"""
    for key, present in (("publishedSince", True), ("publishedBefore", False)):
        body = data(http, sims["0.29"], query, {"c": proposal.component_id, "f": {key: day}})
        ids = {int(n["id"]) for n in body["component"]["proposals"]["nodes"]}
        assert (proposal.id in ids) is present


def test_a_garbage_cursor_is_an_internal_server_error(http, sims, small_world):
    component = small_world.visible_components("Proposals")[0]
    response = post(http, sims["0.29"], ANY_PAGE, {"c": component.id, "after": "!!"})
    assert response.status_code == 500
    assert response.json() == {"errors": [{"message": "Internal Server error"}], "data": {}}
