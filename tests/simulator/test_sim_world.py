"""The generated world: deterministic, Valparaíso-like, right sizes, right local times."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sim_helpers import NOW, SANTIAGO, data

from connector.simulator import Simulator, advance_world, generate_world

DEPARTMENT_SLUGS = {"formacion-diversidades", "red-transversalizacion",
                    "autonomia-economica-mujeres", "derecho-a-la-ciudad", "ciudadania-digital",
                    "casa-taller-mujeres", "convenios-colaborativos-mujer",
                    "mesa-diversidades-disidencias"}


def all_datetimes(world):
    for records in (world.spaces, world.components, world.proposals, world.debates,
                    world.meetings, world.comments):
        for record in records:
            for name in record.__dataclass_fields__:
                value = getattr(record, name)
                if isinstance(value, datetime):
                    yield value


def test_same_seed_same_world_other_seed_other_world(tiny_world):
    assert generate_world(7, "tiny", NOW) == tiny_world
    assert generate_world(8, "tiny", NOW) != tiny_world


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError, match="unknown scale"):
        generate_world(7, "huge", NOW)


def test_tiny_and_small_sizes(tiny_world, small_world):
    tiny_items = sum(len(x) for x in (tiny_world.visible_proposals("0.29"),
                                      tiny_world.visible_debates("0.29"),
                                      tiny_world.visible_meetings("0.29")))
    assert len(tiny_world.visible_spaces()) == 4
    assert 45 <= tiny_items <= 75
    assert 100 <= len(tiny_world.visible_comments("0.29")) <= 150
    assert len(small_world.visible_spaces()) == 12
    assert 35 <= len(small_world.visible_components()) <= 50
    assert (len(small_world.proposals), len(small_world.debates), len(small_world.meetings),
            len(small_world.comments)) == (300, 60, 80, 1500)


def test_large_world_generates_fast():
    started = time.perf_counter()
    world = generate_world(1, "large", NOW)
    assert time.perf_counter() - started < 10
    assert 380 <= len(world.components) <= 450
    assert (len(world.proposals), len(world.debates), len(world.meetings),
            len(world.comments)) == (15000, 2000, 1500, 50000)


def test_spaces_relate_to_the_gender_directorate(small_world):
    slugs = {s.slug for s in small_world.visible_spaces()}
    assert slugs >= DEPARTMENT_SLUGS
    assert "movilidad-transporte" in slugs  # and unrelated ones
    departments = {s.department for s in small_world.spaces}
    assert departments >= {"Diversidades y Disidencias", "Género e Innovación",
                           "Género y Participación", "Género y Mujeres", None}
    texts = " ".join(p.body.values["es"] for p in small_world.proposals)
    assert "#DiversidadesValpo" in texts or "#CiudadFeministaValpo" in texts
    assert "<strong>" in texts and "<a href=" in texts and "<script>" in texts
    assert any(p.title.machine.get("en") for p in small_world.proposals)


def test_people_have_names_and_nicknames(http, sims, small_world):
    users = [p for p in small_world.people if p.kind == "User" and not p.deleted]
    assert all(u.name and u.nickname for u in users)
    assert any(p.kind == "UserGroup" for p in small_world.people)
    query = """{ component(id: 1) { ... on Proposals { proposals(first: 50) { nodes {
      author { __typename id name nickname } comments { author { __typename name nickname } }
    } } } } }"""
    nodes = data(http, sims["0.29"], query)["component"]["proposals"]["nodes"]
    authors = [n["author"] for n in nodes if n["author"]]
    authors += [c["author"] for n in nodes for c in n["comments"]]
    assert authors and all(a["name"] for a in authors)
    assert any(a["nickname"].startswith("@") for a in authors)


def test_every_datetime_is_a_valid_local_time(small_world):
    for value in all_datetimes(small_world):
        assert value.tzinfo is SANTIAGO
        round_trip = value.astimezone(UTC).astimezone(SANTIAGO)
        assert (round_trip.replace(tzinfo=None), round_trip.utcoffset()) == (
            value.replace(tzinfo=None), value.utcoffset())


def test_offsets_follow_dst_and_week_boundaries_are_midnight(http, sims, small_world):
    """Chile moves to -03:00 on 2026-09-06; items straddle the change and week starts."""
    query = """query ($c: ID!) { component(id: $c) { ... on Proposals { proposals(first: 50) {
      nodes { publishedAt comments { createdAt } } } } } }"""
    stamps = []
    for component in small_world.visible_components("Proposals"):
        page = data(http, sims["0.29"], query, {"c": component.id})
        for node in page["component"]["proposals"]["nodes"]:
            stamps.append(node["publishedAt"])
            stamps += [c["createdAt"] for c in node["comments"]]
    parsed = [datetime.fromisoformat(s) for s in stamps]
    change = datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
    assert any(p < change for p in parsed) and any(p >= change for p in parsed)
    for text, value in zip(stamps, parsed, strict=True):
        assert text.endswith("-04:00" if value < change else "-03:00"), text
    assert "2026-09-05T23:59:59-04:00" in stamps or "2026-09-06T01:00:00-03:00" in stamps
    assert any(s.endswith("T00:00:00-03:00") for s in stamps)


def test_meetings_mix_types_and_reach_into_the_future(small_world):
    meetings = small_world.visible_meetings("0.29")
    assert {m.type_of_meeting for m in meetings} == {"in_person", "online", "hybrid"}
    assert any(m.start_time > small_world.now for m in meetings)
    assert any(m.start_time < small_world.now for m in meetings)


def test_timezone_is_a_parameter():
    world = generate_world(7, "tiny", datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
                           timezone="Europe/Madrid")
    assert world.now.isoformat() == "2026-11-24T16:00:00+01:00"
    assert all(v.utcoffset() is not None for v in all_datetimes(world))


def test_advance_world_adds_and_changes_without_touching_the_original(http, small_world):
    before = generate_world(7, "small", NOW)
    later = advance_world(small_world, 7, seed=1)
    assert small_world == before
    assert advance_world(small_world, 7, seed=1) == later
    assert (later.now - small_world.now).days == 7
    assert len(later.proposals) > len(small_world.proposals)
    assert len(later.comments) > len(small_world.comments)
    old_max = max(p.id for p in small_world.proposals)
    new = [p for p in later.proposals if p.id > old_max]
    assert new and all(small_world.now < p.published_at <= later.now
                       for p in new if p.published_at)
    changed = [a for a, b in zip(small_world.proposals, later.proposals, strict=False)
               if a != b]
    assert any(a.vote_count != b.vote_count for a, b in zip(small_world.proposals,
                                                            later.proposals, strict=False))
    assert changed
    new_comments = {c.id: c for c in later.comments if c.id > len(small_world.comments)}
    assert all(c.parent_id is None or c.parent_id < c.id for c in new_comments.values())
    with Simulator(world=small_world) as sim:
        first = data(http, sim, "{ organization { stats { name value } } }")
        sim.world = later
        second = data(http, sim, "{ organization { stats { name value } } }")
    assert first != second
