from __future__ import annotations

import pytest

from connector.features import features_from, missing_field, parse_probe
from participa.errors import QueryError


def _errors(*messages, code=None):
    ext = {"extensions": {"code": code}} if code else {}
    return {"errors": [{"message": m, **ext} for m in messages]}


@pytest.mark.parametrize(
    "message",
    [
        "Field 'withdrawn' doesn't exist on type 'Proposal'",
        "Cannot query field 'withdrawn' on type 'Proposal'.",
        'Cannot query field "withdrawn" on type "Proposal". Did you mean "withdrawnAt"?',
    ],
)
def test_missing_field_in_both_wordings(message):
    assert missing_field(message) == ("Proposal", "withdrawn")


def test_field_errors_turn_features_off():
    probe = parse_probe(
        _errors(
            "Field 'taxonomies' doesn't exist on type 'Proposal'",
            "Field 'likesCount' doesn't exist on type 'Proposal'",
        )
    )
    features = features_from(probe, None, "0.28.4")
    assert (features.taxonomies, features.likes, features.withdrawn_field) == (False, False, True)
    assert features.version == "0.28.4" and features.comment_depth == 3
    assert not probe.analyzed


def test_alias_and_recursion_limits_from_analyzer_errors():
    answer = {
        "errors": [
            {
                "message": "Too many aliases used. You have used 6 aliases, but 5 are allowed.",
                "extensions": {"code": "TOO_MANY_ALIASES_ERROR"},
            },
            {
                "message": "Too many recursions detected in query",
                "extensions": {"code": "RECURSION_LIMIT_EXCEEDED_ERROR"},
            },
        ]
    }
    probe = parse_probe(answer)
    assert probe.analyzed and probe.max_aliases == 5 and probe.recursion_limited
    features = features_from(probe, None, None)
    assert features.max_aliases == 5 and features.comment_depth == 1
    assert features.taxonomies and features.likes  # nothing was missing


def test_alias_error_without_a_number_assumes_decidims_default():
    probe = parse_probe(_errors("Too many aliases used: a1,a2", code="TOO_MANY_ALIASES_ERROR"))
    assert probe.max_aliases == 5


def test_data_without_errors_means_everything_is_supported():
    probe = parse_probe({"data": {"decidim": {"version": "0.31.0"}, "component": None}})
    assert probe.analyzed and probe.has_data and probe.version == "0.31.0"
    features = features_from(probe, None, probe.version)
    assert features.max_aliases is None and features.likes and features.endorsements


def test_unknown_probe_errors_are_reported(make_client):
    client, _ = make_client(lambda p, r: _errors("Something odd happened"))
    with pytest.raises(QueryError, match="ParticipaProbe.*Something odd happened"):
        client.detect_features()
