"""HTTP behaviour: routes, Decidim's 500, Rack::Attack's 429, latency and injected faults."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sim_helpers import FakeClock, data, post

from connector.simulator import Simulator

VERSION = "{ decidim { version } }"
PAGE = """{ component(id: 1) { ... on Proposals { proposals(first: 5) {
  edges { node { id } } nodes { id } } } } }"""


def test_routes(http, sims):
    sim = sims["0.29"]
    redirect = http.get(sim.url, follow_redirects=False)
    assert redirect.status_code == 302
    assert redirect.headers["location"] == "/api/docs"
    missing = http.get(sim.url.replace("/api", "/processes"))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert http.post(sim.url + "/nope", json={"query": VERSION}).status_code == 404


def test_variables_may_be_a_json_string_and_operation_is_chosen(http, sims):
    sim = sims["0.29"]
    query = "query A { decidim { version } } query B($id: ID!) { component(id: $id) { id } }"
    body = {"query": query, "variables": json.dumps({"id": "1"}), "operationName": "B"}
    assert http.post(sim.url, json=body).json() == {"data": {"component": {"id": "1"}}}


def test_non_json_body_is_a_bad_request(http, sims):
    response = http.post(sims["0.29"].url, content=b"{not json",
                         headers={"content-type": "application/json"})
    assert response.status_code == 400


def test_execution_exception_is_decidims_500(http, sims):
    query = """{ component(id: 1) { ... on Proposals {
      proposals(order: {id: "sideways"}) { nodes { id } } } } }"""
    response = post(http, sims["0.29"], query)
    assert response.status_code == 500
    assert response.json() == {"errors": [{"message": "Internal Server error"}], "data": {}}


def test_rate_limit_answers_429_plain_text_without_retry_after(http, start_sim):
    clock = FakeClock()
    sim = start_sim(requests_per_window=3, window_seconds=60, clock=clock)
    assert [post(http, sim, VERSION).status_code for _ in range(3)] == [200, 200, 200]
    limited = post(http, sim, VERSION)
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "text/plain"
    assert limited.text == "Retry later\n"
    assert "retry-after" not in limited.headers
    clock.advance(60)
    assert post(http, sim, VERSION).status_code == 200
    assert sim.stats["rate_limited"] == 1
    assert sim.stats["by_status"] == {200: 4, 429: 1}


def test_no_answer_comes_sooner_than_the_latency(http, start_sim):
    sim = start_sim(latency_ms=60)
    started = time.perf_counter()
    post(http, sim, VERSION)
    assert time.perf_counter() - started >= 0.06


@pytest.mark.parametrize(("kind", "status", "content_type"), [
    ("500", 500, "application/json"),
    ("502", 502, "text/html"),
    ("503", 503, "text/html"),
    ("429", 429, "text/plain"),
    ("html200", 200, "text/html"),
])
def test_canned_faults(http, start_sim, kind, status, content_type):
    sim = start_sim(faults={2: kind})
    assert post(http, sim, VERSION).status_code == 200
    response = post(http, sim, VERSION)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(content_type)
    assert post(http, sim, VERSION).status_code == 200
    assert sim.stats["by_fault"] == {kind: 1}


def test_500_fault_has_decidims_body(http, start_sim):
    sim = start_sim(faults={1: "500"})
    assert post(http, sim, VERSION).json() == {"errors": [{"message": "Internal Server error"}],
                                                "data": {}}


def test_reset_closes_the_connection_without_an_answer(start_sim):
    sim = start_sim(faults={1: "reset"})
    with httpx.Client(timeout=5) as client:
        with pytest.raises(httpx.TransportError):
            post(client, sim, VERSION)
        assert post(client, sim, VERSION).status_code == 200
    assert sim.requests[0].status is None
    assert sim.requests[0].fault == "reset"


def test_timeout_fault_sleeps_before_answering(start_sim):
    sim = start_sim(faults={1: "timeout"}, timeout_seconds=0.5)
    with httpx.Client(timeout=0.1) as client, pytest.raises(httpx.ReadTimeout):
        post(client, sim, VERSION)


def test_truncated_and_invalid_json(http, start_sim):
    sim = start_sim(faults={1: "truncated", 2: "invalid_json"})
    full = post(http, start_sim(), PAGE).content
    truncated = post(http, sim, PAGE)
    assert truncated.status_code == 200
    assert full.startswith(truncated.content) and len(truncated.content) < len(full)
    for response in (truncated, post(http, sim, PAGE)):
        with pytest.raises(json.JSONDecodeError):
            json.loads(response.content)


def test_partial_and_null_nodes(http, start_sim):
    sim = start_sim(faults={1: "partial", 2: "null_nodes"})
    partial = post(http, sim, PAGE).json()
    assert partial["errors"][0]["path"][:4] == ["component", "proposals", "edges", 2]
    assert partial["data"]["component"]["proposals"]["edges"][2] is None
    nulls = post(http, sim, PAGE).json()
    assert "errors" not in nulls
    assert None in nulls["data"]["component"]["proposals"]["edges"]


def test_fault_rate_is_deterministic_by_seed(tiny_world):
    def faults_seen(seed: int) -> list[str | None]:
        with Simulator(world=tiny_world, fault_rate=0.5, fault_seed=seed,
                       fault_kinds=("502", "503", "429")) as sim, httpx.Client() as client:
            for _ in range(20):
                post(client, sim, VERSION)
            return [r.fault for r in sim.requests]

    first = faults_seen(3)
    assert first == faults_seen(3)
    assert first != faults_seen(4)
    assert 3 <= sum(f is not None for f in first) <= 17


def test_unknown_fault_kind_is_refused(tiny_world):
    with pytest.raises(ValueError, match="unknown fault kinds"):
        Simulator(world=tiny_world, faults={1: "meteor"})


def test_stats_count_requests(http, start_sim):
    sim = start_sim(faults={2: "503"})
    for _ in range(3):
        post(http, sim, VERSION)
    assert sim.stats == {"requests": 3, "answered": 3, "by_status": {200: 2, 503: 1},
                         "by_fault": {"503": 1}, "rate_limited": 0}
    assert [r.number for r in sim.requests] == [1, 2, 3]


def test_context_manager_and_data_helper(http, tiny_world):
    with Simulator(release="0.28", world=tiny_world) as sim:
        assert sim.url.startswith("http://127.0.0.1:") and sim.url.endswith("/api")
        assert data(http, sim, VERSION) == {"decidim": {"version": "0.28.4"}}
    with pytest.raises(httpx.TransportError):
        http.post(sim.url, json={"query": VERSION})
