"""Department matching as pure functions: rules and values in, (department, rule) tags out."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from sync.config import DepartmentRule
from sync.tagging import Facts, Tag, compile_rules, fold, fold_name, inherit, words


def rule(slug: str, **lists) -> DepartmentRule:
    return DepartmentRule(slug=slug, name=slug.title(), **lists)


def match_text(rules: list[DepartmentRule], *texts: str) -> set[Tag]:
    return set(compile_rules(rules).match(Facts(texts=texts)))


DIVERSIDADES = rule("diversidades", keywords=["LGBTIQ", "diversidades", "trans", "no binarie"])
ECONOMIA = rule("autonomia-economica", keywords=["economía popular", "emprendimiento"])


# -- normalisation --------------------------------------------------------------------------


def test_fold_removes_case_and_accents():
    assert fold("ECONOMÍA Popular, Ñuñoa, Über") == "economia popular, nunoa, uber"


def test_words_break_on_punctuation_and_spaces():
    assert words("Disidencias sexo-genéricas (LGBTIQANB+)\n¡Sí!") == [
        "disidencias", "sexo", "genericas", "lgbtiqanb", "si",
    ]


def test_fold_name_collapses_spaces_and_drops_hashtag_sign():
    assert fold_name("  Género   y Mujeres ") == "genero y mujeres"
    assert fold_name("#DiversidadesValpo", hashtag=True) == "diversidadesvalpo"


# -- keywords -------------------------------------------------------------------------------


def test_keyword_ignores_accents_and_case_both_ways():
    assert match_text([ECONOMIA], "Feria de ECONOMIA POPULAR en el cerro") == {
        Tag("autonomia-economica", "keyword:economía popular")
    }
    plain = rule("x", keywords=["economia popular"])
    assert match_text([plain], "La economía popular") == {Tag("x", "keyword:economia popular")}


def test_keyword_matches_whole_words_only():
    assert match_text([DIVERSIDADES], "Mejorar el transporte y la transparencia") == set()
    assert match_text([DIVERSIDADES], "Salud para personas Trans.") == {
        Tag("diversidades", "keyword:trans")
    }


def test_acronym_does_not_match_a_longer_acronym():
    assert match_text([DIVERSIDADES], "organizaciones LGBTIQANB+") == set()
    assert match_text([DIVERSIDADES], "la comunidad LGBTIQ+ de Valparaíso") == {
        Tag("diversidades", "keyword:LGBTIQ")
    }


def test_phrase_needs_its_words_together_and_in_order():
    assert match_text([DIVERSIDADES], "personas no binarie") == {
        Tag("diversidades", "keyword:no binarie")
    }
    assert match_text([DIVERSIDADES], "no es binarie") == set()
    assert match_text([DIVERSIDADES], "binarie no") == set()
    assert match_text([ECONOMIA], "economía, popular") == {
        Tag("autonomia-economica", "keyword:economía popular")
    }


def test_phrase_with_punctuation_matches_across_line_breaks_and_hyphens():
    r = rule("diversidades", keywords=["disidencias sexo-genéricas"])
    assert match_text([r], "las disidencias\nsexo genéricas") == {
        Tag("diversidades", "keyword:disidencias sexo-genéricas")
    }


def test_keyword_is_found_in_any_of_the_texts():
    assert match_text([ECONOMIA], "Título sin nada", "cuerpo sobre emprendimiento") == {
        Tag("autonomia-economica", "keyword:emprendimiento")
    }


def test_several_keywords_of_several_departments_all_count():
    got = match_text([DIVERSIDADES, ECONOMIA], "Emprendimiento de personas trans y diversidades")
    assert got == {
        Tag("diversidades", "keyword:trans"),
        Tag("diversidades", "keyword:diversidades"),
        Tag("autonomia-economica", "keyword:emprendimiento"),
    }


def test_no_rule_reaches_means_no_department():
    assert match_text([DIVERSIDADES, ECONOMIA], "Arreglo de la escalera del cerro Alegre") == set()
    assert compile_rules([]).match(Facts(texts=("trans",))) == frozenset()
    assert match_text([DIVERSIDADES], "") == set()


def test_same_keyword_twice_gives_one_tag():
    r = rule("x", keywords=["trans", "Trans"])
    assert {t.department for t in match_text([r], "trans")} == {"x"}


# -- names ------------------------------------------------------------------------------------


def test_each_name_list_matches_its_own_field_whole_and_accent_insensitive():
    r = rule(
        "mujeres",
        categories=["Género y Mujeres"],
        scopes=["Cerro Alegre"],
        areas=["Dirección de Género"],
        taxonomies=["Violencia de género"],
        space_slugs=["casa-taller"],
    )
    m = compile_rules([r])
    assert m.match(Facts(categories=("GENERO Y  MUJERES",))) == {
        Tag("mujeres", "category:Género y Mujeres")
    }
    assert m.match(Facts(scopes=("cerro alegre",))) == {Tag("mujeres", "scope:Cerro Alegre")}
    assert m.match(Facts(areas=("Direccion de genero",))) == {
        Tag("mujeres", "area:Dirección de Género")
    }
    assert m.match(Facts(taxonomies=("violencia de GÉNERO",))) == {
        Tag("mujeres", "taxonomy:Violencia de género")
    }
    assert m.match(Facts(slug="Casa-Taller")) == {Tag("mujeres", "space_slug:casa-taller")}


def test_names_match_the_whole_name_not_a_part():
    m = compile_rules([rule("mujeres", categories=["Género"])])
    assert m.match(Facts(categories=("Género y Mujeres",))) == frozenset()


def test_a_name_in_one_list_does_not_match_another_field():
    m = compile_rules([rule("x", scopes=["Cerro Alegre"])])
    assert m.match(Facts(categories=("Cerro Alegre",), texts=("Cerro Alegre",))) == frozenset()


def test_hashtags_match_with_or_without_the_sign():
    m = compile_rules([rule("diversidades", hashtags=["#DiversidadesValpo"])])
    expected = {Tag("diversidades", "hashtag:DiversidadesValpo")}
    assert m.match(Facts(hashtags=("diversidadesvalpo",))) == expected
    assert m.match(Facts(hashtags=("#DIVERSIDADESVALPO",))) == expected


# -- sections and spaces --------------------------------------------------------------------


def test_a_section_also_tags_its_department():
    dep = rule("diversidades", keywords=["LGBTIQ"])
    section = DepartmentRule(
        slug="formacion", name="Formación", parent="diversidades", keywords=["sin odio"]
    )
    assert match_text([dep, section], "Nuestras calles sin odio") == {
        Tag("formacion", "keyword:sin odio"),
        Tag("diversidades", "section:formacion"),
    }


def test_inherit_gives_one_space_tag_per_department():
    space_tags = {Tag("a", "keyword:x"), Tag("a", "hashtag:y"), Tag("b", "scope:z")}
    assert inherit(space_tags, "participatory_process", 3) == {
        Tag("a", "space:participatory_process:3"),
        Tag("b", "space:participatory_process:3"),
    }
    assert inherit(set(), "assembly", 1) == frozenset()


# -- properties and speed -----------------------------------------------------------------------

_WORDS = st.text(alphabet="abcdefghijklmnñopqrstuvwxyzáéíóú", min_size=1, max_size=8)


@given(before=st.lists(_WORDS, max_size=5), after=st.lists(_WORDS, max_size=5))
def test_a_keyword_surrounded_by_words_always_matches(before, after):
    r = rule("x", keywords=["Economía Popular"])
    text = " ".join([*before, "ECONOMIA popular,", *after])
    assert Tag("x", "keyword:Economía Popular") in match_text([r], text)


def test_matching_is_fast_enough_for_large_stores():
    rules = [rule(f"d{n}", keywords=[f"palabra{n}", f"frase de {n}"]) for n in range(100)]
    m = compile_rules(rules)
    body = "Proponemos mejorar las veredas y la iluminación del cerro. " * 10
    start = time.perf_counter()
    for n in range(5000):
        m.match(Facts(texts=(f"Propuesta {n}", body)))
    assert time.perf_counter() - start < 5  # ~0.3 s here: a million items in about a minute
