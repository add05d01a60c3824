"""Normalization: connector models → store rows, tested with literals."""

from __future__ import annotations

import json

import pytest

from connector.models import Comment, Debate, Meeting, Proposal, Space, Translation
from sync.normalize import (
    Context,
    Place,
    comment_rows,
    component_row,
    counters_of,
    item_row,
    space_row,
)
from sync.privacy import author_key
from sync.text import hashtags, html_to_text, pick_text, render_gids, to_date, to_utc

SECRET = b"k" * 32
CTX = Context(instance="valpo", locale="es", base_url="https://p.example.cl", secret=SECRET)
PLACE = Place(component_id=12, space_type="participatory_process", space_id=3, space_slug="pladeco")


def tr(*pairs, machine=()):
    return [
        Translation(locale=loc, text=text, machine_translated=loc in machine)
        for loc, text in pairs
    ]


def es(text):
    return {"translations": [{"locale": "es", "text": text}]}


def named(text):
    return {"id": "1", "name": es(text)}


# --- locale choice -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("translations", "expected"),
    [
        (tr(("en", "Hi"), ("es", "Hola")), "Hola"),
        (tr(("en", "Hi"), ("es-CL", "Hola po")), "Hola po"),
        (tr(("en", "Hi"), ("es", ""), ("ca", "Hola!")), "Hi"),
        (tr(("es", "Hola (auto)"), ("en", "Hi"), machine={"es"}), "Hi"),
        (tr(("fr", "Salut"), ("es", "Hola (auto)"), machine={"es", "fr"}), "Hola (auto)"),
        (tr(("machine_translations", "{'es': 'x'}"), ("en", "Hi")), "Hi"),
        (tr(("es", "   ")), None),
        ([], None),
    ],
)
def test_pick_text_fallback_chain(translations, expected):
    assert pick_text(translations, "es") == expected


# --- HTML, gids, hashtags, time --------------------------------------------------------------


def test_html_to_text_keeps_paragraphs_and_unescapes():
    html = (
        "<p>Hola &amp; <b>bienvenidas</b></p><p>Segunda&nbsp;línea<br>tercera</p>"
        "<script>alert(1)</script><style>p{}</style><ul><li>uno</li><li>dos</li></ul>"
    )
    assert html_to_text(html) == "Hola & bienvenidas\nSegunda línea\ntercera\nuno\ndos"


def test_html_to_text_empty_and_plain():
    assert html_to_text(None) is None
    assert html_to_text("<p> </p>") is None
    assert html_to_text("a < b y c > d") == "a < b y c > d"


def test_render_gids_hashtags_and_mentions():
    raw = "Ver gid://decidim-app/Decidim::Hashtag/3/_Cerros y gid://x/Decidim::User/55 hola"
    assert render_gids(raw) == "Ver #Cerros y @participante hola"


def test_hashtags_from_text_and_gids_in_order_without_duplicates():
    texts = [
        "<p>#Cerros y #agua2026, no es#tag ni # solo ni #_x</p>",
        "gid://d/Decidim::Hashtag/9/Movilidad #Cerros",
        None,
    ]
    assert hashtags(texts) == ["Cerros", "agua2026", "Movilidad"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-07T18:14:49-03:00", "2026-11-07T21:14:49Z"),
        ("2026-11-07T21:14:49Z", "2026-11-07T21:14:49Z"),
        ("2026-11-07T21:14:49.123+00:00", "2026-11-07T21:14:49Z"),
        ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z"),
        ("not a date", None),
        (None, None),
        ("", None),
    ],
)
def test_to_utc(value, expected):
    assert to_utc(value) == expected


def test_to_date():
    assert to_date("2026-03-01") == "2026-03-01"
    assert to_date("2026-03-01T00:00:00-03:00") == "2026-03-01"
    assert to_date(None) is None


# --- spaces and components ---------------------------------------------------------------------

SPACE = Space.model_validate(
    {
        "kind": "participatory_process",
        "id": "3",
        "slug": "pladeco",
        "title": es("PLADECO"),
        "description": es("<p>Plan &amp; más</p>"),
        "startDate": "2026-03-01",
        "endDate": "2026-12-31",
        "publishedAt": "2026-02-20T10:00:00-03:00",
        "scope": named("Cerro Alegre"),
        "categories": [named("Salud"), None],
        "components": [
            {"id": "12", "__typename": "Proposals", "name": es("Propuestas"), "weight": 1}
        ],
    }
)


def test_space_row():
    row = space_row(SPACE, CTX)
    assert row == {
        "instance": "valpo",
        "type": "participatory_process",
        "id": 3,
        "slug": "pladeco",
        "title": "PLADECO",
        "subtitle": None,
        "description_text": "Plan & más",
        "description_html": "<p>Plan &amp; más</p>",
        "hashtag": None,
        "scope": "Cerro Alegre",
        "area": None,
        "taxonomies": "[]",
        "categories": '["Salud"]',
        "start_date": "2026-03-01",
        "end_date": "2026-12-31",
        "published_at": "2026-02-20T13:00:00Z",
        "url": "https://p.example.cl/processes/pladeco",
    }


def test_assembly_uses_closing_date_and_assemblies_url():
    assembly = Space(kind="assembly", id="4", slug="consejo", closingDate="2026-06-30")
    row = space_row(assembly, CTX)
    assert row["end_date"] == "2026-06-30"
    assert row["url"] == "https://p.example.cl/assemblies/consejo"
    assert row["title"] == ""


def test_component_row():
    row = component_row(SPACE, SPACE.components[0], CTX)
    assert row == {
        "instance": "valpo",
        "id": 12,
        "space_type": "participatory_process",
        "space_id": 3,
        "type": "Proposals",
        "name": "Propuestas",
        "weight": 1,
        "url": "https://p.example.cl/processes/pladeco/f/12",
    }


# --- items --------------------------------------------------------------------------------------


def test_proposal_row_028_withdrawn_state():
    p = Proposal.model_validate(
        {
            "id": "40",
            "title": es("Más #Árboles"),
            "body": es("<p>En gid://a/Decidim::Hashtag/2/_Cerros</p>"),
            "state": "withdrawn",
            "publishedAt": "2026-11-07T18:14:49-03:00",
            "createdAt": "2026-11-07T18:00:00-03:00",
            "voteCount": None,
            "endorsementsCount": 2,
            "totalCommentsCount": 1,
            "author": {"id": "7", "__typename": "User"},
            "category": named("Medio ambiente"),
            "reference": "VP-PROP-2026-11-40",
        }
    )
    row = item_row(p, PLACE, CTX)
    assert row["withdrawn"] == 1 and row["state"] == "withdrawn"
    assert row["title"] == "Más #Árboles"
    assert row["body_text"] == "En #Cerros"
    assert row["body_html"] == "<p>En gid://a/Decidim::Hashtag/2/_Cerros</p>"
    assert json.loads(row["hashtags"]) == ["Árboles", "Cerros"]
    assert row["published_at"] == "2026-11-07T21:14:49Z"
    assert row["vote_count"] is None and row["endorsements_count"] == 2
    assert row["comments_count"] == 1
    assert row["category"] == "Medio ambiente"
    assert row["author_key"] == author_key(SECRET, "User", "7")
    assert row["official"] == 0
    assert row["url"] == "https://p.example.cl/processes/pladeco/f/12/proposals/40"
    assert counters_of(row) == (None, 2, 1)


def test_proposal_row_029_withdrawn_field_and_official_nulls():
    p = Proposal(id="41", withdrawn=True, official=True, author={"id": "1", "__typename": "User"})
    row = item_row(p, PLACE, CTX)
    assert row["withdrawn"] == 1 and row["state"] is None
    assert row["official"] == 1 and row["author_key"] is None
    assert row["title"] == "" and row["body_text"] is None and row["body_html"] is None
    assert row["hashtags"] == "[]" and row["taxonomies"] == "[]"
    assert row["published_at"] is None


def test_debate_row_published_at_is_created_at():
    d = Debate(id="5", createdAt="2026-11-01T09:00:00-03:00", taxonomies=[named("Cultura")])
    row = item_row(d, PLACE, CTX)
    assert row["published_at"] == "2026-11-01T12:00:00Z" == row["created_at"]
    assert row["taxonomies"] == '["Cultura"]'
    assert row["url"].endswith("/f/12/debates/5")
    assert counters_of(row) == (None, None, None)


@pytest.mark.parametrize(
    ("fields", "withdrawn"), [({"isWithdrawn": True}, 1), ({"withdrawn": True}, 1), ({}, 0)]
)
def test_meeting_row(fields, withdrawn):
    m = Meeting.model_validate(
        {"id": "9", "typeOfMeeting": "hybrid", "closed": None,
         "startTime": "2026-12-01T19:00:00-03:00",
         "author": {"id": "1", "__typename": "Organization"}, **fields}
    )
    row = item_row(m, PLACE, CTX)
    assert row["withdrawn"] == withdrawn and row["closed"] == 0
    assert row["start_time"] == "2026-12-01T22:00:00Z"
    assert row["author_key"] is None  # official meeting
    assert row["type_of_meeting"] == "hybrid"
    assert row["url"].endswith("/f/12/meetings/9")


def test_comment_tree_is_flattened_with_parents_and_depth():
    tree = [
        Comment.model_validate(
            {"id": "1", "body": "Raíz", "createdAt": "2026-11-02T10:00:00-03:00", "alignment": 1,
             "author": {"id": "3", "__typename": "User"},
             "comments": [{"id": "2", "body": "<p>hola gid://x/Decidim::User/3</p>",
                           "comments": [{"id": "3", "body": None}]}, None]}
        ),
        Comment(id="4"),
    ]
    rows = comment_rows("proposal", 40, tree, PLACE, CTX)
    assert [(r["id"], r["parent_id"], r["depth"]) for r in rows] == [
        (1, None, 0), (2, 1, 1), (3, 2, 2), (4, None, 0)
    ]
    assert rows[0]["published_at"] == "2026-11-02T13:00:00Z"
    assert rows[0]["author_key"] == author_key(SECRET, "User", "3")
    assert rows[1]["body_text"] == "hola @participante"
    assert rows[2]["body_text"] is None and rows[2]["author_key"] is None
    assert {r["component_id"] for r in rows} == {12}
    assert all("name" not in key and "nickname" not in key for key in rows[0])
