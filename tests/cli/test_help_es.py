"""``--help`` in the user's language: Spanish (es-CL) by default, English with PARTICIPA_LANG=en.

Typer reads the help texts when ``participa.cli`` is imported, so each language is checked in
its own interpreter: one subprocess per language walks the click command tree and prints every
command's and option's help (and the rendered ``--help`` page) as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

_DUMP = r"""
import json
import typer
from participa.cli import app

def walk(cmd, path, parent, out):
    ctx = cmd.context_class(cmd, info_name=path[-1], parent=parent)
    out[" ".join(path)] = {
        "help": cmd.help,
        "params": {p.name: {"help": getattr(p, "help", None), "metavar": p.metavar}
                   for p in cmd.params},
        "page": cmd.get_help(ctx),
    }
    for name, sub in getattr(cmd, "commands", {}).items():
        walk(sub, [*path, name], ctx, out)

out = {}
walk(typer.main.get_command(app), ["participa"], None, out)
print(json.dumps(out, ensure_ascii=False))
"""

#: what the English help said before it was translated: it must not change
ENGLISH = {
    ("participa", None):
        "Decidim participation connector: sync, tag by department, report and e-mail digests.",
    ("participa sync", None):
        "Read the configured Decidim instances into the store (resumes interrupted runs).",
    ("participa sync", "config"): "Config file (default: $PARTICIPA_CONFIG, else ./config.toml).",
    ("participa sync", "instance"): "Only this instance (its [[instances]] name).",
    ("participa sync", "full"): "Ignore saved cursors and re-read every component.",
    ("participa config", None): "Check the configuration.",
    ("participa digest send", "resend"): "Send again even if the ledger says it was sent.",
    ("participa report", None):
        "Participation digest of a week or period: overall, per department, in es-CL or English."
        "\n\nExample: participa report --week 2026-W47 --format html --output semana.html",
    ("participa report", "fmt"):
        "text, markdown, html, json or csv (default: from --output's extension, else text).",
    ("participa simulator serve", "duration"):
        "Stop after this many seconds (0: serve until Ctrl-C).",
    ("participa departments", "explain_item"): "Why an item has its departments.",
}
SPANISH = {
    ("participa", None): "Conector de participación de Decidim: sincroniza, etiqueta por "
                         "departamento, genera informes y envía resúmenes por correo.",
    ("participa sync", "config"):
        "Archivo de configuración (por defecto: $PARTICIPA_CONFIG; si no, ./config.toml).",
    ("participa sync", "full"):
        "Ignora los cursores guardados y vuelve a leer todos los componentes.",
    ("participa config", None): "Revisa la configuración.",
}


def _env(lang: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PARTICIPA_LANG"}
    env["COLUMNS"] = "100"
    if lang is not None:
        env["PARTICIPA_LANG"] = lang
    return env


def _run(args: list[str], lang: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=_env(lang), timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def helps() -> dict[str, dict[str, Any]]:
    """``{"es": tree, "en": tree}``, each ``{command path: {"help", "params", "page"}}``."""
    trees = {}
    for lang, value in (("es", None), ("en", "en")):
        done = _run(["-c", _DUMP], value)
        assert done.returncode == 0, done.stderr
        trees[lang] = json.loads(done.stdout)
    return trees


def _text(tree: dict[str, Any], path: str, param: str | None) -> str | None:
    node = tree[path]
    return node["help"] if param is None else node["params"][param]["help"]


def test_both_languages_have_the_same_commands_and_options(helps):
    es, en = helps["es"], helps["en"]
    assert es.keys() == en.keys()
    assert {"participa sync", "participa digest send", "participa simulator serve",
            "participa config check"} <= es.keys()
    for path in es:
        assert es[path]["params"].keys() == en[path]["params"].keys(), path


def test_every_command_and_option_help_is_translated(helps):
    es, en = helps["es"], helps["en"]
    count = 0
    for path, node in en.items():
        assert node["help"], f"{path} has no help"
        assert es[path]["help"] and es[path]["help"] != node["help"], path
        count += 1
        for name, param in node["params"].items():
            assert param["help"], f"{path} {name} has no help"
            spanish = es[path]["params"][name]["help"]
            assert spanish and spanish != param["help"], f"{path} {name}: {spanish!r}"
            count += 1
    assert count > 60  # every command and option of every command, shared ones included


def test_english_help_is_unchanged_and_spanish_is_es_cl(helps):
    for (path, param), text in ENGLISH.items():
        assert _text(helps["en"], path, param) == text
    for (path, param), text in SPANISH.items():
        assert _text(helps["es"], path, param) == text


def test_metavars_follow_the_language(helps):
    params = "participa departments", "explain_item"
    assert helps["es"][params[0]]["params"][params[1]]["metavar"] == "TIPO:ID"
    assert helps["en"][params[0]]["params"][params[1]]["metavar"] == "TYPE:ID"


def test_rendered_pages_show_the_translations(helps):
    page = helps["es"]["participa sync"]["page"]
    assert "Lee las instancias de Decidim configuradas" in page
    assert "Solo esta instancia" in page
    assert "Read the configured" not in page and "Only this instance" not in page
    assert "Read the configured" in helps["en"]["participa sync"]["page"]


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [
        (None, "Conector de participación de Decidim", "Decidim participation connector"),
        ("es", "Conector de participación de Decidim", "Decidim participation connector"),
        ("en", "Decidim participation connector", "Conector de participación"),
        ("EN_us.UTF-8", "Decidim participation connector", "Conector de participación"),
    ],
)
def test_participa_help_follows_participa_lang(lang, expected, absent):
    done = _run(["-m", "participa", "--help"], lang)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout and absent not in done.stdout
    summaries = ("Lee las instancias", "Revisa la configuración") if expected.startswith(
        "Conector") else ("Read the configured", "Check the configuration.")
    for summary in summaries:
        assert summary in done.stdout


def test_subcommand_help_is_spanish_by_default():
    done = _run(["-m", "participa", "digest", "send", "--help"], None)
    assert done.returncode == 0, done.stderr
    assert "Envía cada resumen configurado de la semana" in done.stdout
    assert "Solo este resumen" in done.stdout
