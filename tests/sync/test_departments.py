"""Department tags in the store: retag from README rows, inheritance, removal, reading back."""

from __future__ import annotations

import json

import pytest

import sync.departments as departments
from sync.config import DepartmentRule
from sync.departments import NO_DEPARTMENT, Reason, count_tags, explain, iter_untagged, retag

DIVERSIDADES = DepartmentRule(
    slug="diversidades",
    name="Departamento de Diversidades y Disidencias",
    keywords=["LGBTIQ", "diversidades", "trans"],
    space_slugs=["mesa-diversidades-disidencias"],
    hashtags=["DiversidadesValpo"],
)
ECONOMIA = DepartmentRule(
    slug="autonomia-economica",
    name="Autonomía Económica",
    keywords=["economía popular"],
    categories=["Economía"],
    taxonomies=["Emprendimiento"],
)
CIUDAD = DepartmentRule(
    slug="derecho-a-la-ciudad", name="Derecho a la Ciudad", scopes=["Cerro Alegre"],
    areas=["Territorio"],
)
RULES = [DIVERSIDADES, ECONOMIA, CIUDAD]


def add_space(db, type_="participatory_process", id_=3, instance="valpo", **cols):
    row = {"instance": instance, "type": type_, "id": id_, "slug": f"s{id_}", "title": "Espacio"}
    db["spaces"].insert({**row, **cols})


def add_item(db, table="proposals", id_=1, instance="valpo", space=("participatory_process", 3),
             **cols):
    body = "body_text" if table == "proposals" else "description_text"
    row = {"instance": instance, "id": id_, "component_id": 10, "space_type": space[0],
           "space_id": space[1], "title": "Sin tema", body: ""}
    db[table].insert({**row, **cols})


def tags(db, instance="valpo"):
    sql = "SELECT item_type, item_id, department, rule FROM item_departments WHERE instance = ?"
    return {tuple(r) for r in db.execute(sql, [instance]).fetchall()}


def test_space_slug_tags_the_space_and_its_items_inherit(store):
    add_space(store, slug="mesa-diversidades-disidencias")
    add_item(store, "proposals", 1)
    add_item(store, "debates", 2)
    add_item(store, "meetings", 3)
    assert retag(store, "valpo", RULES, "es") == 4
    inherited = "space:participatory_process:3"
    assert tags(store) == {
        ("participatory_process", 3, "diversidades", "space_slug:mesa-diversidades-disidencias"),
        ("proposal", 1, "diversidades", inherited),
        ("debate", 2, "diversidades", inherited),
        ("meeting", 3, "diversidades", inherited),
    }


def test_space_hashtag_scope_area_taxonomy_and_text_rules(store):
    add_space(store, "assembly", 1, hashtag="diversidadesvalpo")
    add_space(store, "assembly", 2, scope="cerro alegre")
    add_space(store, "assembly", 3, area="TERRITORIO")
    add_space(store, "assembly", 4, taxonomies=json.dumps(["Emprendimiento"]))
    add_space(store, "assembly", 5, description_text="Feria de economia popular")
    add_space(store, "assembly", 6, subtitle="Personas trans")
    add_space(store, "assembly", 7, categories=json.dumps(["Economía"]))  # not a space rule
    retag(store, "valpo", RULES, "es")
    assert tags(store) == {
        ("assembly", 1, "diversidades", "hashtag:DiversidadesValpo"),
        ("assembly", 2, "derecho-a-la-ciudad", "scope:Cerro Alegre"),
        ("assembly", 3, "derecho-a-la-ciudad", "area:Territorio"),
        ("assembly", 4, "autonomia-economica", "taxonomy:Emprendimiento"),
        ("assembly", 5, "autonomia-economica", "keyword:economía popular"),
        ("assembly", 6, "diversidades", "keyword:trans"),
    }


def test_item_rules_add_to_what_the_space_gives(store):
    add_space(store, slug="mesa-diversidades-disidencias")
    add_item(store, "proposals", 1, title="Feria de Economía Popular", category="economia",
             taxonomies=json.dumps(["emprendimiento"]), hashtags=json.dumps(["#DiversidadesValpo"]))
    add_item(store, "meetings", 2, scope="Cerro Alegre", description_text="Encuentro trans")
    retag(store, "valpo", RULES, "es")
    got = {t for t in tags(store) if t[0] != "participatory_process"}
    assert got == {
        ("proposal", 1, "diversidades", "space:participatory_process:3"),
        ("proposal", 1, "diversidades", "hashtag:DiversidadesValpo"),
        ("proposal", 1, "autonomia-economica", "keyword:economía popular"),
        ("proposal", 1, "autonomia-economica", "category:Economía"),
        ("proposal", 1, "autonomia-economica", "taxonomy:Emprendimiento"),
        ("meeting", 2, "diversidades", "space:participatory_process:3"),
        ("meeting", 2, "diversidades", "keyword:trans"),
        ("meeting", 2, "derecho-a-la-ciudad", "scope:Cerro Alegre"),
    }
    departments_of_1 = store.execute(
        "SELECT department FROM v_item_departments WHERE item_type = 'proposal' AND item_id = 1"
    ).fetchall()
    assert sorted(d for (d,) in departments_of_1) == ["autonomia-economica", "diversidades"]


def test_items_match_in_their_own_space_only(store):
    add_space(store, "participatory_process", 3, slug="mesa-diversidades-disidencias")
    add_space(store, "assembly", 3)  # same id, other type: not the item's space
    add_item(store, "proposals", 1, space=("assembly", 3))
    retag(store, "valpo", RULES, "es")
    assert ("proposal", 1) not in {(t[0], t[1]) for t in tags(store)}


def test_a_removed_rule_removes_its_tags(store):
    add_space(store, slug="mesa-diversidades-disidencias")
    add_item(store, "proposals", 1, title="economía popular")
    retag(store, "valpo", RULES, "es")
    assert retag(store, "valpo", [ECONOMIA], "es") == 1
    assert tags(store) == {("proposal", 1, "autonomia-economica", "keyword:economía popular")}
    assert retag(store, "valpo", [], "es") == 0
    assert tags(store) == set()


def test_retag_leaves_other_instances_alone(store):
    add_space(store, instance="otra", slug="mesa-diversidades-disidencias")
    retag(store, "otra", RULES, "es")
    add_space(store, instance="valpo")
    retag(store, "valpo", [], "es")
    assert len(tags(store, "otra")) == 1


def test_retag_writes_in_batches(store, monkeypatch):
    monkeypatch.setattr(departments, "BATCH", 7)
    add_space(store, slug="mesa-diversidades-disidencias")
    store["proposals"].insert_all(
        {"instance": "valpo", "id": n, "space_type": "participatory_process", "space_id": 3,
         "title": f"Propuesta {n}"}
        for n in range(1, 51)
    )
    assert retag(store, "valpo", RULES, "es") == 51
    assert len(tags(store)) == 51


def test_null_and_plain_name_columns_are_read(store):
    add_space(store, taxonomies=None, hashtag=None, scope=None)
    add_item(store, "debates", 1, taxonomies="Emprendimiento", hashtags="[]", category=None)
    retag(store, "valpo", RULES, "es")
    assert tags(store) == {("debate", 1, "autonomia-economica", "taxonomy:Emprendimiento")}


# -- reading the tags back ----------------------------------------------------------------------


@pytest.fixture
def tagged(store):
    add_space(store, slug="mesa-diversidades-disidencias", title="Mesa de trabajo")
    add_space(store, "assembly", 1, title="Asamblea sin tema")
    add_item(store, "proposals", 1, title="Feria de economía popular")
    add_item(store, "proposals", 2, title="Retirada", removed_at="2026-11-01T00:00:00Z")
    add_item(store, "proposals", 3, title="Bancas", space=("assembly", 1))
    add_item(store, "debates", 4, title="Escaleras", space=("assembly", 1))
    retag(store, "valpo", RULES, "es")
    return store


def test_count_tags_by_department_and_type_without_removed_rows(tagged):
    assert count_tags(tagged, "valpo") == {
        "diversidades": {"participatory_process": 1, "proposal": 1},
        "autonomia-economica": {"proposal": 1},
        NO_DEPARTMENT: {"assembly": 1, "proposal": 1, "debate": 1},
    }


def test_iter_untagged_lists_spaces_then_items_with_their_space(tagged):
    rows = list(iter_untagged(tagged, "valpo"))
    assert [(r.item_type, r.id) for r in rows] == [("assembly", 1), ("proposal", 3), ("debate", 4)]
    assert rows[1].space_title == "Asamblea sin tema"
    assert [r.id for r in iter_untagged(tagged, "valpo", limit=1)] == [1]


def test_explain_shows_each_rule_and_what_stands_behind_inherited_ones(tagged):
    e = explain(tagged, "valpo", "proposal", 1)
    assert e is not None
    assert (e.title, e.space_type, e.space_id, e.space_title) == (
        "Feria de economía popular", "participatory_process", 3, "Mesa de trabajo"
    )
    assert e.reasons == {
        "autonomia-economica": (Reason("keyword:economía popular"),),
        "diversidades": (
            Reason("space:participatory_process:3",
                   ("space_slug:mesa-diversidades-disidencias",)),
        ),
    }


def test_explain_an_untagged_item_and_an_unknown_one(tagged):
    assert explain(tagged, "valpo", "debate", 4).reasons == {}
    assert explain(tagged, "valpo", "proposal", 999) is None
    assert explain(tagged, "otra", "proposal", 1) is None


def test_explain_a_section_shows_the_sections_rules(store):
    section = DepartmentRule(
        slug="formacion", name="Formación", parent="diversidades", keywords=["sin odio"]
    )
    add_space(store)
    add_item(store, "meetings", 1, title="Calles sin odio")
    retag(store, "valpo", [DIVERSIDADES, section], "es")
    assert explain(store, "valpo", "meeting", 1).reasons == {
        "diversidades": (Reason("section:formacion", ("keyword:sin odio",)),),
        "formacion": (Reason("keyword:sin odio"),),
    }


def test_retag_leaves_item_rows_with_the_signatures_of_their_tags(store):
    add_space(store, slug="mesa-diversidades-disidencias")
    add_item(store, id_=1, title="Feria de economía popular")
    add_item(store, id_=2, space=("participatory_process", 99), title="nada")
    add_item(store, "debates", id_=3, title="trans y economía popular")
    for _ in range(2):  # the second retag deletes and rewrites every tag
        retag(store, "valpo", RULES, "es")
        rows = {(r["item_type"], r["id"]): r["signature"] for r in store.query(
            "SELECT item_type, id, signature FROM v_items")}
        assert rows == {
            ("proposal", 1): "autonomia-economica\x1fdiversidades",
            ("proposal", 2): None,
            ("debate", 3): "autonomia-economica\x1fdiversidades",
        }
    retag(store, "valpo", [CIUDAD], "es")
    assert {r["signature"] for r in store.query("SELECT signature FROM v_items")} == {None}
