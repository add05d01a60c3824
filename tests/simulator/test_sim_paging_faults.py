"""The paging faults: ``repeat_cursor`` (a cursor that comes back) and ``short_page``."""

from __future__ import annotations

from sim_helpers import post

from connector.simulator import decode_cursor, encode_cursor

PAGE = """query P($after: String) { component(id: 1) { ... on Proposals {
  proposals(first: 6, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } } } }"""


def page(http, sim, after=None):
    body = post(http, sim, PAGE, {"after": after}).json()
    return body["data"]["component"]["proposals"]


def test_repeat_cursor_gives_back_the_cursor_it_was_asked_after(http, start_sim):
    clean = start_sim()
    sim = start_sim(faults={1: "repeat_cursor", 2: "repeat_cursor"})
    first = page(http, clean)
    assert page(http, sim) == first  # a first page has no cursor to repeat: unchanged
    repeated = page(http, sim, first["pageInfo"]["endCursor"])
    cursor = first["pageInfo"]["endCursor"]
    assert repeated["pageInfo"] == {"hasNextPage": True, "endCursor": cursor}
    assert repeated["nodes"] == page(http, clean, first["pageInfo"]["endCursor"])["nodes"]
    assert [r.fault for r in sim.requests] == ["repeat_cursor", "repeat_cursor"]


def test_short_page_keeps_half_and_moves_the_cursor_back(http, start_sim):
    clean = start_sim()
    sim = start_sim(faults={1: "short_page"})
    full = page(http, clean)
    short = page(http, sim)
    assert short["nodes"] == full["nodes"][:3]
    assert short["pageInfo"] == {"hasNextPage": True, "endCursor": encode_cursor(3)}
    assert decode_cursor(full["pageInfo"]["endCursor"]) == 6
    # nothing is skipped: the next page starts right after the last node it kept
    assert page(http, clean, short["pageInfo"]["endCursor"])["nodes"][:3] == full["nodes"][3:]


def test_paging_faults_leave_other_answers_alone(http, start_sim):
    sim = start_sim(faults={1: "short_page", 2: "repeat_cursor"})
    query = "{ decidim { version } }"
    assert post(http, sim, query).json() == post(http, sim, query).json()
