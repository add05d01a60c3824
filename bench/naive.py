"""The obvious client, the way existing Decidim scripts are written: httpx, sequential, one
component page of 50 per request, then one request per item for its comments."""

from __future__ import annotations

import httpx

SPACES = """{ participatoryProcesses { id components { id __typename } }
  assemblies { id components { id __typename } } }"""
PAGE = """query($id: ID!, $after: String) { component(id: $id) { __typename
  ... on %(type)s { %(field)s(first: 50, after: $after) { pageInfo { hasNextPage endCursor }
  nodes { id title { translations { locale text } } totalCommentsCount } } } } }"""
COMMENTS = """query($c: ID!, $i: ID!) { component(id: $c) { ... on %(type)s { %(item)s(id: $i) {
  comments { id body createdAt alignment upVotes downVotes author { id }
    comments { id body createdAt comments { id body createdAt comments { id body } } } } } } } }"""
KINDS = {"Proposals": ("proposals", "proposal"), "Debates": ("debates", "debate"),
         "Meetings": ("meetings", "meeting")}


def naive_sync(url: str) -> dict[str, int]:
    """Read every item and its comments; returns request, item and comment counts."""
    counts = {"requests": 0, "items": 0, "comments": 0}
    with httpx.Client(timeout=60) as http:

        def post(query: str, variables: dict | None = None) -> dict:
            counts["requests"] += 1
            answer = http.post(url, json={"query": query, "variables": variables or {}})
            answer.raise_for_status()
            return answer.json()["data"]

        spaces = post(SPACES)
        for key in ("participatoryProcesses", "assemblies"):
            for space in spaces.get(key) or []:
                for component in space["components"] or []:
                    if component and component["__typename"] in KINDS:
                        _component(post, component, counts)
    return counts


def _component(post, component: dict, counts: dict[str, int]) -> None:
    typename = component["__typename"]
    field, item = KINDS[typename]
    after = None
    while True:
        data = post(PAGE % {"type": typename, "field": field},
                    {"id": component["id"], "after": after})
        connection = (data.get("component") or {}).get(field)
        if not connection:
            return
        for node in connection["nodes"]:
            counts["items"] += 1
            if node["totalCommentsCount"]:
                found = post(COMMENTS % {"type": typename, "item": item},
                             {"c": component["id"], "i": node["id"]})
                counts["comments"] += _count((found["component"] or {}).get(item) or {})
        if not connection["pageInfo"]["hasNextPage"]:
            return
        after = connection["pageInfo"]["endCursor"]


def _count(node: dict) -> int:
    return sum(1 + _count(c) for c in node.get("comments") or [])
