"""``[[departments]]`` in the config: bad rules name the department and the key; the shipped
example rules load and are sensible."""

from __future__ import annotations

from pathlib import Path

import pytest

from participa.errors import ConfigError
from sync.config import load_config, parse_config
from sync.tagging import Facts, compile_rules

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"
INSTANCE = {"name": "valpo", "url": "https://participa.example.cl/api"}


def config_with(*departments: dict):
    return parse_config({"instances": [INSTANCE], "departments": list(departments)})


def error_of(*departments: dict) -> str:
    with pytest.raises(ConfigError) as exc:
        config_with(*departments)
    return str(exc.value)


def test_a_valid_rule_with_every_key():
    cfg = config_with(
        {"slug": "mujeres", "name": "Género y Mujeres", "keywords": ["Casa de Acogida"],
         "space_slugs": ["casa-taller"], "categories": ["Mujeres"], "scopes": ["Valparaíso"],
         "areas": ["Género"], "taxonomies": ["Violencia"], "hashtags": ["#8M"]},
        {"slug": "casa-taller", "name": "Casa Taller", "parent": "mujeres"},
    )
    assert [d.slug for d in cfg.departments] == ["mujeres", "casa-taller"]
    assert cfg.departments[1].parent == "mujeres"


def test_unknown_key_names_the_department_and_the_key():
    msg = error_of({"slug": "diversidades", "name": "D", "keyword": ["trans"]})
    assert "departments[0] (diversidades).keyword: unknown key" in msg


def test_empty_slug():
    msg = error_of({"slug": " ", "name": "Diversidades"})
    assert "departments[0] (Diversidades).slug: must not be empty" in msg


def test_slug_with_spaces_or_capitals():
    assert "departments[0] (Mi Depto).slug: expected lowercase" in error_of(
        {"slug": "Mi Depto", "name": "x"}
    )


def test_duplicate_slug():
    msg = error_of({"slug": "formacion", "name": "A"}, {"slug": "formacion", "name": "B"})
    assert "departments[1].slug: duplicate slug 'formacion'" in msg


def test_keyword_that_is_only_punctuation():
    msg = error_of({"slug": "diversidades", "name": "D", "keywords": ["trans", "+ - !"]})
    assert "departments[0] (diversidades).keywords: keyword '+ - !' has no letters" in msg


def test_empty_name():
    msg = error_of({"slug": "formacion", "name": "  "})
    assert "departments[0] (formacion).name: must not be empty" in msg


def test_missing_name():
    assert "departments[0] (formacion).name: required key is missing" in error_of(
        {"slug": "formacion"}
    )


@pytest.mark.parametrize("key", ["space_slugs", "categories", "scopes", "areas", "taxonomies",
                                 "hashtags"])
def test_blank_name_in_a_list(key):
    blank = "#" if key == "hashtags" else " "
    msg = error_of({"slug": "formacion", "name": "F", key: ["ok", blank]})
    assert f"departments[0] (formacion).{key}: entry 1" in msg


def test_parent_must_be_a_configured_department():
    msg = error_of({"slug": "formacion", "name": "F", "parent": "diversidade"})
    assert "departments[0] (formacion).parent: unknown department 'diversidade'" in msg


def test_parent_must_not_be_a_section_or_itself():
    msg = error_of(
        {"slug": "a", "name": "A"},
        {"slug": "b", "name": "B", "parent": "a"},
        {"slug": "c", "name": "C", "parent": "b"},
    )
    assert "departments[2] (c).parent: 'b' must be a department" in msg
    assert "(d).parent: 'd' must be a department" in error_of({"slug": "d", "name": "D",
                                                                "parent": "d"})


# -- the shipped example ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    return load_config(EXAMPLE)


def test_example_has_every_department_and_section(example):
    slugs = [d.slug for d in example.departments]
    assert slugs == [
        "diversidades", "formacion", "transversalizacion", "genero-innovacion",
        "autonomia-economica", "genero-participacion", "ciudadania-digital",
        "derecho-a-la-ciudad", "genero-mujeres", "convenios-colaborativos", "casa-taller",
    ]
    assert all(d.keywords for d in example.departments)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Encuentro de economía popular y asociatividad", {"autonomia-economica"}),
        ("Taller de software libre: cómo usar Decidim", {"ciudadania-digital"}),
        ("Más luminarias y veredas seguras en el espacio público", {"derecho-a-la-ciudad"}),
        ("Apoyo a la Casa de Acogida y prevención de la violencia de género",
         {"convenios-colaborativos"}),
        ("Intercambio de saberes en la Casa Taller", {"casa-taller"}),
        ("Salud para personas trans y no binarie", {"diversidades"}),
        ("Nuestras calles sin odio: jornada de sensibilización", {"formacion"}),
        ("Fortalecer la Mesa de Diversidades y Disidencias con trabajo en red",
         {"transversalizacion", "diversidades"}),
    ],
)
def test_example_rules_reach_the_seed_topics(example, text, expected):
    got = {t.department for t in compile_rules(example.departments).match(Facts(texts=(text,)))}
    parents = {d.slug: d.parent for d in example.departments}
    assert expected <= got
    assert got <= expected | {parents[s] for s in expected if parents[s]}


@pytest.mark.parametrize(
    "text",
    [
        "Mejorar el transporte de las mujeres del cerro",  # not "trans", not "mujeres"
        "Taller de formación para dirigentes vecinales",  # "formación" alone is too broad
        "Participación ciudadana en el presupuesto municipal",  # so is "participación"
        "Seguridad alimentaria en los comedores",  # and "seguridad"
        "Arreglo de la red de agua potable",  # and "red"
        "Plan de Movilidad y Transporte Público",  # and "movilidad" (its items would inherit)
    ],
)
def test_example_rules_leave_broad_words_alone(example, text):
    assert compile_rules(example.departments).match(Facts(texts=(text,))) == frozenset()
