"""Command-line mistakes (unknown option or command, missing value, bad value): click's usage
line, the --help hint and the error, in Spanish by default and as click says them in English."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("args", "spanish", "english"),
    [
        (["sync", "--nope"], "Error: no existe la opción --nope",
         "Error: No such option: --nope"),
        (["synk"], "Error: no existe el comando 'synk'; ¿quisiste decir 'sync'?",
         "Error: No such command 'synk'. Did you mean 'sync'?"),
        (["report", "--week"], "Error: la opción '--week' necesita un valor",
         "Error: Option '--week' requires an argument."),
        (["schedule", "--log-format", "x"],
         "Error: valor no válido para --log-format: se espera 'text' o 'json'",
         "Error: Invalid value for --log-format: expected 'text' or 'json'"),
        (["sync", "extra"], "Error: sobran argumentos (extra)",
         "Error: Got unexpected extra argument(s) (extra)"),
        (["sync", "--instanc", "x"],
         "Error: no existe la opción --instanc (opciones posibles: --instance)",
         "Error: No such option: --instanc (Possible options: --instance)"),
    ],
)
def test_usage_errors_are_spanish_unless_english_is_asked_for(run_cli, args, spanish, english):
    es = run_cli(args)
    en = run_cli(args, env={"PARTICIPA_LANG": "en"})
    assert es.exit_code == en.exit_code == 2
    assert es.stderr.strip().splitlines()[-1] == spanish
    assert en.stderr.strip().splitlines()[-1] == english


def test_the_usage_line_and_hint_come_first(run_cli):
    lines = run_cli(["sync", "--nope"]).stderr.strip().splitlines()
    assert lines[:2] == ["Uso: participa sync [OPTIONS]",
                         "Prueba 'participa sync --help' para ver la ayuda."]
