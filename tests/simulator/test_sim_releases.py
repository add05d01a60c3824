"""What each emulated release shows, and who may see what (Decidim's visibility rules)."""

from __future__ import annotations

import pytest
from sim_helpers import data, errors

from connector.simulator import RELEASES

PROPOSALS = """query ($c: ID!, $after: String) { component(id: $c) { ... on Proposals {
  proposals(after: $after) { pageInfo { hasNextPage endCursor } nodes { %s } } } } }"""


def all_proposals(http, sim, world, fields: str) -> list[dict]:
    nodes = []
    for component in world.visible_components("Proposals"):
        after = None
        while True:
            page = data(http, sim, PROPOSALS % fields, {"c": component.id, "after": after})
            connection = page["component"]["proposals"]
            nodes += connection["nodes"]
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
    return nodes


@pytest.mark.parametrize(("release", "version"), [
    ("0.27", "0.27.9"), ("0.28", "0.28.4"), ("0.29", "0.29.2"), ("0.30", None)])
def test_decidim_version(http, sims, release, version):
    assert data(http, sims[release], "{ decidim { version } }") == {"decidim": {"version": version}}


def test_withdrawn_proposals_by_release(http, sims, small_world):
    withdrawn = {p.id for p in small_world.visible_proposals("0.29") if p.withdrawn_at}
    assert withdrawn
    for release in ("0.27", "0.28"):
        nodes = all_proposals(http, sims[release], small_world, "id state")
        assert {int(n["id"]) for n in nodes if n["state"] == "withdrawn"} == withdrawn
    nodes = all_proposals(http, sims["0.29"], small_world, "id state withdrawn withdrawnAt")
    flagged = {int(n["id"]) for n in nodes if n["withdrawn"]}
    assert flagged == withdrawn
    assert all(n["withdrawnAt"] for n in nodes if n["withdrawn"])
    assert not any(n["state"] == "withdrawn" for n in nodes)
    listed_030 = {int(n["id"]) for n in all_proposals(http, sims["0.30"], small_world, "id")}
    assert not listed_030 & withdrawn
    assert len(listed_030) == len(small_world.visible_proposals("0.30"))


def test_withdrawn_field_is_rejected_before_0_29(http, sims):
    found = errors(http, sims["0.28"], PROPOSALS % "id withdrawn", {"c": "1"})
    assert [e["message"] for e in found] == ["Field 'withdrawn' doesn't exist on type 'Proposal'"]


@pytest.mark.parametrize("release", RELEASES)
def test_taxonomies_replace_category_and_scope_on_0_30(http, sims, release):
    item_fields = "id taxonomies { id name { translation(locale: \"es\") } }"
    space_query = "{ participatoryProcesses { id taxonomies { id isRoot parent { id } } } }"
    if release == "0.30":
        assert data(http, sims[release], PROPOSALS % item_fields, {"c": "1"})
        processes = data(http, sims[release], space_query)["participatoryProcesses"]
        assert all(p["taxonomies"] for p in processes)
        missing = errors(http, sims[release], PROPOSALS % "category { id } scope { id }",
                         {"c": "1"})
        assert {e["extensions"]["fieldName"] for e in missing} == {"category", "scope"}
        assert errors(http, sims[release], "{ participatoryProcesses { scope { id } } }")
    else:
        found = errors(http, sims[release], PROPOSALS % item_fields, {"c": "1"})
        assert found[0]["message"] == "Field 'taxonomies' doesn't exist on type 'Proposal'"
        assert data(http, sims[release], PROPOSALS % "category { id } scope { id }", {"c": "1"})


def test_organization_name_and_author_organization_name_types(http, sims):
    assert data(http, sims["0.28"], "{ organization { name } }") == {
        "organization": {"name": "Participa Valparaíso"}}
    named = data(http, sims["0.29"], '{ organization { name { translation(locale: "es") } } }')
    assert named["organization"]["name"]["translation"] == "Participa Valparaíso"
    query = PROPOSALS % "author { organizationName }"
    assert data(http, sims["0.28"], query, {"c": "1"})
    assert errors(http, sims["0.29"], query, {"c": "1"})


def test_unpublished_and_private_spaces_are_not_listed(http, sims, small_world):
    listed = data(http, sims["0.29"], "{ participatoryProcesses { slug } assemblies { slug } }")
    slugs = {s["slug"] for group in listed.values() for s in group}
    assert slugs == {s.slug for s in small_world.visible_spaces()}
    hidden = [s for s in small_world.spaces if s not in small_world.visible_spaces()]
    assert {s.kind for s in hidden} == {"participatory_process", "assembly"}
    assert "mesa-diversidades-disidencias" in slugs
    for space in hidden:
        assert space.slug not in slugs
    unpublished = next(s for s in hidden if s.kind == "participatory_process")
    query = f'{{ participatoryProcess(slug: "{unpublished.slug}") {{ id }} }}'
    assert data(http, sims["0.29"], query) == {"participatoryProcess": None}


def test_unpublished_components_are_not_listed_nor_reachable(http, sims, small_world):
    visible = {c.id for c in small_world.visible_components()}
    listed = data(http, sims["0.29"], "{ participatoryProcesses { components { id __typename } }"
                                      " assemblies { components { id __typename } } }")
    components = [c for group in listed.values() for s in group for c in s["components"]]
    assert {int(c["id"]) for c in components} == visible
    assert {c["__typename"] for c in components} == {
        "Proposals", "Debates", "Meetings", "Pages", "Blogs", "Budgets", "Surveys", "Component"}
    unpublished = [c for c in small_world.components if c.published_at is None]
    assert unpublished
    for component in unpublished:
        found = data(http, sims["0.29"], f"{{ component(id: {component.id}) {{ id }} }}")
        assert found == {"component": None}


def test_private_meetings_and_hidden_items_are_not_listed(small_world):
    meetings = small_world.visible_meetings("0.29")
    assert not any(m.private and not m.transparent for m in meetings)
    assert any(m.private and not m.transparent for m in small_world.meetings)
    assert not any(p.hidden for p in small_world.visible_proposals("0.29"))
    assert any(p.hidden for p in small_world.proposals)
    assert not any(c.hidden for c in small_world.visible_comments("0.29"))


def test_hidden_votes_and_unanswered_state(http, sims, small_world):
    hidden_votes = [c for c in small_world.visible_components("Proposals") if c.votes_hidden]
    assert hidden_votes
    page = data(http, sims["0.29"], PROPOSALS % "voteCount", {"c": hidden_votes[0].id})
    assert {n["voteCount"] for n in page["component"]["proposals"]["nodes"]} == {None}
    nodes = all_proposals(http, sims["0.29"], small_world, "id state answer { locales } "
                                                         "answeredAt voteCount")
    unanswered = [n for n in nodes if n["answeredAt"] is None]
    assert unanswered and all(n["state"] is None and n["answer"] is None for n in unanswered)
    assert any(n["state"] == "accepted" for n in nodes)
    assert any(n["voteCount"] is not None for n in nodes)


def test_comment_trees_match_the_world(http, sims, small_world):
    query = """query ($c: ID!) { component(id: $c) { ... on Debates { debates(first: 50) {
      nodes { id totalCommentsCount comments { id comments { id comments { id comments {
        id hasComments } } } } } } } } }"""
    seen = []
    for component in small_world.visible_components("Debates"):
        page = data(http, sims["0.29"], query, {"c": component.id})
        for debate in page["component"]["debates"]["nodes"]:
            ids = collect_ids(debate["comments"])
            assert len(ids) == debate["totalCommentsCount"]
            seen += ids
    expected = {c.id for c in small_world.visible_comments("0.29") if c.item_kind == "debate"}
    assert set(seen) == expected


def collect_ids(comments: list[dict]) -> list[int]:
    ids = []
    for comment in comments:
        ids.append(int(comment["id"]))
        ids += collect_ids(comment.get("comments") or [])
    return ids
