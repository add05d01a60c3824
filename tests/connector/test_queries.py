"""Every document the client can send validates on every release, stays within the limits,
and the probe detects each release's features from its validation errors."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from connector import queries
from connector.features import features_from, graphql_ruby_wording, parse_probe
from connector.models import Features
from connector.queries import RELEASE_FEATURES, RELEASES, all_documents, estimate_cost, page_size

FEATURE_SETS = {
    **{f"release-{r}": f for r, f in RELEASE_FEATURES.items()},
    "likes-0.31ish": Features(
        withdrawn_field=True,
        taxonomies=True,
        categories=False,
        scopes=False,
        endorsements=False,
        likes=True,
        hashtags=False,
        space_categories=False,
        comment_depth=1,
        max_aliases=5,
    ),
}


@pytest.mark.parametrize("release", RELEASES)
def test_every_document_validates_against_the_release_sdl(release, schemas):
    for operation, text in all_documents(RELEASE_FEATURES[release]).items():
        if operation == "ParticipaProbe":
            continue  # the probe is meant to fail validation; see the next test
        errors = validate(schemas[release], parse(text))
        assert not errors, f"{operation} on {release}: {[e.message for e in errors]}"


@pytest.mark.parametrize("release", RELEASES)
def test_probe_detects_the_release_features(release, schemas):
    probe = all_documents(Features())["ParticipaProbe"]
    errors = validate(schemas[release], parse(probe))
    answer = {"errors": [{"message": graphql_ruby_wording(e.message)} for e in errors]}
    result = parse_probe(answer)
    assert not result.unknown_errors, result.unknown_errors
    limits = parse_probe({"data": {"decidim": {"version": f"{release}.1"}, "component": None}})
    detected = features_from(result, limits, limits.version)
    assert detected == RELEASE_FEATURES[release].model_copy(update={"version": f"{release}.1"})


@pytest.mark.parametrize("release", RELEASES)
def test_limits_and_version_queries_validate_everywhere(release, schemas):
    for operation in ("ParticipaLimits", "ParticipaVersion"):
        text = queries.document(operation, Features())
        assert not validate(schemas[release], parse(text))


@pytest.mark.parametrize("name", FEATURE_SETS)
def test_complexity_and_depth_within_decidim_limits(name):
    for operation, text in all_documents(FEATURE_SETS[name]).items():
        first = page_size(text, {}) if "$first" in text else None
        complexity, depth = estimate_cost(text, {"first": first})
        assert complexity <= queries.MAX_COMPLEXITY, (operation, complexity)
        assert depth <= queries.MAX_DEPTH, (operation, depth)
        if first is not None:
            assert 1 <= first <= queries.MAX_PAGE_SIZE
            over = estimate_cost(text, {"first": first + 1})[0]
            assert first == queries.MAX_PAGE_SIZE or over > queries.MAX_COMPLEXITY


def test_estimator_follows_graphql_ruby_connection_rule():
    text = """query Q($first: Int) { component(id: "1") { ... on Proposals {
        proposals(first: $first) {
            pageInfo { hasNextPage endCursor } nodes { id title { translations { locale } } }
        }
    } } }"""
    # component 1 + proposals (1 + first × (id 1 + title 3) + pageInfo 3 + nodes 1)
    assert estimate_cost(text, {"first": 50}) == (1 + 1 + 50 * 4 + 3 + 1, 6)
    plain = "{ participatoryProcesses { id components { id } } }"
    assert estimate_cost(plain) == (1 + 1 + 2, 3)


def test_documents_never_ask_for_author_names():
    for features in FEATURE_SETS.values():
        for text in all_documents(features).values():
            assert "nickname" not in text
            for line in text.splitlines():
                assert not ("author" in line and "name" in line), line


def test_variants_follow_features():
    modern = all_documents(FEATURE_SETS["likes-0.31ish"])
    assert "endorsementsCount: likesCount" in modern["ProposalsPage"]
    assert "category" not in modern["ProposalsPage"] and "hashtag" not in modern["Spaces"]
    assert modern["ProposalsPage"].count("comments {") == 2  # item + one reply level
    classic = all_documents(RELEASE_FEATURES["0.27"])
    assert classic["ProposalsPage"].count("comments {") == 4  # item + three reply levels
    assert "withdrawn" not in classic["ProposalsPage"] and "taxonomies" not in classic["Spaces"]
    assert "publishedSince: $since" in classic["ProposalsPageSince"]
    assert 'order: { id: "asc" }' in classic["ProposalsPage"]
