"""``participa retag`` and ``participa departments``, run in-process on a config in tmp_path."""

from __future__ import annotations

import pytest

from sync.store import open_store

CONFIG = """
[store]
path = "p.db"

[[instances]]
name = "valpo"
url = "https://participa.example.cl/api"

[[departments]]
slug = "diversidades"
name = "Departamento de Diversidades y Disidencias"
keywords = ["trans", "diversidades"]
space_slugs = ["mesa-diversidades-disidencias"]

[[departments]]
slug = "formacion"
name = "Formación"
parent = "diversidades"
keywords = ["sin odio"]

[[departments]]
slug = "autonomia-economica"
name = "Autonomía Económica"
keywords = ["economía popular"]
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    db = open_store(tmp_path / "p.db")
    space = {"instance": "valpo", "type": "participatory_process"}
    db["spaces"].insert_all([
        {**space, "id": 3, "slug": "mesa-diversidades-disidencias", "title": "La Mesa"},
        {**space, "id": 4, "slug": "plan-cerros", "title": "Plan de cerros"},
    ])
    item = {"instance": "valpo", "space_type": "participatory_process", "component_id": 1}
    db["proposals"].insert_all([
        {**item, "id": 123, "space_id": 3, "title": "Calles sin odio", "body_text": ""},
        {**item, "id": 124, "space_id": 4, "title": "Feria de economía popular"},
        {**item, "id": 125, "space_id": 4, "title": "Arreglar la escalera Fischer"},
    ])
    db["meetings"].insert({**item, "id": 7, "space_id": 4, "title": "Asamblea del cerro"})
    db.close()
    return path


def test_retag_prints_tags_per_department(run_cli, config):
    result = run_cli(["retag", "--config", config])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "valpo: 5 etiquetas recalculadas"
    assert lines[1].split() == ["diversidades", "2"]
    assert lines[2].split() == ["formacion", "1"]
    assert lines[3].split() == ["autonomia-economica", "1"]
    assert lines[4].split() == ["sin", "departamento", "3"]


def test_departments_lists_counts_by_type_and_untagged(run_cli, config):
    run_cli(["retag", "--config", config])
    result = run_cli(["departments", "--config", config, "--instance", "valpo"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Departamentos en valpo"
    assert lines[1].split() == ["procesos", "asambleas", "propuestas", "debates", "encuentros"]
    assert lines[2].split()[:6] == ["diversidades", "1", "0", "1", "0", "0"]
    assert lines[2].endswith("Departamento de Diversidades y Disidencias")
    assert lines[5].split() == ["sin", "departamento", "1", "0", "1", "0", "1"]


def test_departments_in_english(run_cli, config):
    run_cli(["retag", "--config", config])
    result = run_cli(["departments", "--config", config], env={"PARTICIPA_LANG": "en"})
    assert "Departments in valpo" in result.stdout
    assert "meetings" in result.stdout
    assert "no department" in result.stdout


def test_explain_shows_every_rule_and_the_spaces_own_rule(run_cli, config):
    run_cli(["retag", "--config", config])
    result = run_cli(["departments", "--config", config, "--explain", "proposal:123"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "valpo proposal:123  «Calles sin odio»",
        "  espacio: participatory_process:3  «La Mesa»",
        "  diversidades — Departamento de Diversidades y Disidencias",
        "    section:formacion  ← keyword:sin odio",
        "    space:participatory_process:3  ← space_slug:mesa-diversidades-disidencias",
        "  formacion — Formación",
        "    keyword:sin odio",
    ]


def test_explain_an_item_no_rule_reaches(run_cli, config):
    run_cli(["retag", "--config", config])
    result = run_cli(["departments", "--config", config, "--explain", "propuesta:125"])
    assert result.exit_code == 0
    assert "sin departamento: ninguna regla lo alcanza" in result.stdout


def test_explain_an_unknown_item_is_one_line_and_exit_1(run_cli, config):
    result = run_cli(["departments", "--config", config, "--explain", "debate:999"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: debate:999 no está en el almacén (valpo); revisa el tipo y el id"
    ]


def test_explain_needs_type_colon_id(run_cli, config):
    result = run_cli(["departments", "--config", config, "--explain", "proposal-123"])
    assert result.exit_code == 2
    assert "se espera TIPO:ID" in result.stderr


def test_untagged_lists_what_no_rule_reaches(run_cli, config):
    run_cli(["retag", "--config", config])
    result = run_cli(["departments", "--config", config, "--untagged", "--limit", "2"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "valpo: 3 sin departamento (se muestran 2)",
        "participatory_process:4  «Plan de cerros»",
        "proposal:125  «Arreglar la escalera Fischer»  [participatory_process:4 «Plan de cerros»]",
    ]


def test_a_missing_store_is_an_error_not_a_new_file(run_cli, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.replace('"p.db"', '"otro.db"'), encoding="utf-8")
    result = run_cli(["departments", "--config", path])
    assert result.exit_code == 1
    assert "no hay almacén todavía" in result.stderr
    assert not (tmp_path / "otro.db").exists()
