"""Every error message a user can meet reads in Spanish by default, English on request.

Three guards on ``participa.messages``:

1. coverage: every message template raised as a ``ParticipaError`` (and every pydantic
   validator's ``ValueError`` in ``sync/config.py``, which becomes a ``ConfigError``) is found
   with ``ast``, filled with sample values and must come out in Spanish, with no run of three
   English words of the template left; sites whose message is built from variables are listed
   in ``DYNAMIC_SITES`` and covered by explicit samples;
2. real messages, end to end: the CLI on bad configs and a refused connection (with the one-line
   change to ``participa.cli.main`` emulated), and the library on bad HTTP answers;
3. dynamic parts (URLs, files, instance names, the server's words) are kept verbatim.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import os
import random
import re
import sqlite3
import tomllib
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import participa.cli
from participa.errors import ParticipaError
from participa.messages import catalogue_size, error_lang, localize

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("participa", "connector", "sync", "reports")
#: pydantic validators raise ValueError; parse_config turns their message into a ConfigError
VALIDATOR_FILES = {"sync/config.py"}


# --- 1. the raise sites, enumerated with ast ---------------------------------------------------


@dataclass(frozen=True)
class Hole:
    """A ``{placeholder}`` of an f-string: its expression, ``!r`` and format spec."""

    source: str
    conversion: int = -1
    spec: str = ""


Part = str | Hole
Template = tuple[Part, ...]


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    error: str
    templates: tuple[Template, ...]  # empty: built from variables (see DYNAMIC_SITES)
    source: str  # the message argument as written


def _error_names(trees: dict[str, ast.Module]) -> set[str]:
    """``ParticipaError`` and its subclasses: participa.errors' and any defined elsewhere."""
    names: set[str] = set()
    todo = [ParticipaError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                    _name(b) in names for b in node.bases
                ):
                    names.add(node.name)
                    grew = True
    return names


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _variants(node: ast.expr) -> list[Template] | None:
    """The message templates ``node`` can produce, or None if it is built from variables."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.value,)]
    if isinstance(node, ast.JoinedStr):
        choices: list[list[Template]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                choices.append([(str(value.value),)])
            elif isinstance(value, ast.FormattedValue):
                choices.append(_hole_variants(value))
        return [tuple(itertools.chain(*combo)) for combo in itertools.product(*choices)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _variants(node.left), _variants(node.right)
        if left is None or right is None:
            return None
        return [a + b for a, b in itertools.product(left, right)]
    if isinstance(node, ast.IfExp):
        body, orelse = _variants(node.body), _variants(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _hole_variants(value: ast.FormattedValue) -> list[Template]:
    """``{a if c else f'b {x}'}`` → both branches; ``{x or 'none'}`` → x and the literal."""
    expr = value.value
    spec = ast.unparse(value.format_spec)[2:-1] if value.format_spec else ""
    hole: Template = (Hole(ast.unparse(expr), value.conversion, spec),)
    if isinstance(expr, ast.IfExp) and value.conversion == -1:
        branches = _variants(expr)
        if branches is not None:
            return branches
    if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or):
        last = expr.values[-1]
        if isinstance(last, ast.Constant) and isinstance(last.value, str):
            return [hole, (last.value,)]
    return [hole]


def _wrappers(tree: ast.Module, errors: set[str]) -> dict[str, tuple[int, Template]]:
    """Helpers such as ``def _unreachable(self, what): return UnreachableError(f"{self.where}
    {what}")``: name → (index of the parameter, the template around it)."""
    found: dict[str, tuple[int, Template]] = {}
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        params = [a.arg for a in fn.args.args if a.arg not in ("self", "cls")]
        for node in ast.walk(fn):
            if not (isinstance(node, ast.Return) and isinstance(node.value, ast.Call)):
                continue
            call = node.value
            if _name(call.func) not in errors or not call.args:
                continue
            variants = _variants(call.args[0])
            if not variants or len(variants) != 1:
                continue
            last = variants[0][-1]
            if len(params) == 1 and isinstance(last, Hole) and last.source == params[0]:
                found[fn.name] = (0, variants[0])
    return found


def _substitute(template: Template, param: str, inner: list[Template]) -> list[Template]:
    out = []
    for filling in inner:
        parts: list[Part] = []
        for p in template:
            parts.extend(filling if isinstance(p, Hole) and p.source == param else (p,))
        out.append(tuple(parts))
    return out


def _message_arg(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "message"), None)


def raise_sites() -> list[Site]:
    trees = {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    errors = _error_names(trees)
    sites: list[Site] = []
    for rel, tree in trees.items():
        wrappers = _wrappers(tree, errors)
        wrapper_bodies = {
            id(n)
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef) and fn.name in wrappers
            for n in ast.walk(fn)
        }
        classes = errors | ({"ValueError"} if rel in VALIDATOR_FILES else set())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or id(node) in wrapper_bodies:
                continue
            func = _name(node.func)
            if func in classes:
                arg = _message_arg(node)
            elif func in wrappers and node.args:
                index, around = wrappers[func]
                arg = node.args[index] if index < len(node.args) else None
            else:
                continue
            if arg is None:
                continue
            variants = _variants(arg) or []
            if func in wrappers and variants:
                param = next(
                    p.source for p in around if isinstance(p, Hole) and "." not in p.source
                )
                variants = _substitute(around, param, variants)
            if not any(_words(t) for t in variants):
                variants = []  # no English of its own: f"{name}: {exc}", a variable...
            sites.append(
                Site(rel, node.lineno, func, tuple(variants), " ".join(ast.unparse(arg).split()))
            )
    return sites


def _words(template: Template) -> bool:
    return any(isinstance(p, str) and re.search(r"[A-Za-z]{2}", p) for p in template)


# sample values by what the placeholder's expression is about, first rule that fits
_SAMPLES: list[tuple[str, object]] = [
    (r"store_hint", "the file or its folder is read-only; fix its permissions"),
    (r"hint", ' ("Internal server error")'),
    (r"advice", "check the instance url (it should end in /api)"),
    (r"^where$", "instances[0]"),
    (r"excerpt", "'{\"data\": {\"component\": nul…'"),
    (r"where|url|target", "https://participa.valparaiso.cl/api"),
    (r"strerror", "Permission denied"),
    (r"status", 503),
    (r"timeout", 30.0),
    (r"KEY_BYTES|len\(", 32),
    (r"errors\(\)\[0\]\.get\('msg'\)", "Input should be a valid string"),
    (r"errors\(\)\[0\]\.get\('loc'\)", "('title',)"),
    (r"message", "Field 'x' doesn't exist on type 'Query'"),
    (r"operation", "Components"),
    (r"type\(exc\)", "ReadError"),
    (r"exc", "disk I/O error"),
    (r"component|\bid\b", "c-77"),
    (r"__typename|typename", "Decidim::Blogs::Component"),
    (r"cursor", "MjA"),
    (r"path|source|directory|output|outbox|lock_file|TABLE|store", "/srv/participa/datos.db"),
    (r"\bn\b", 2),
    (r"join|known|listed|names|missing", "diversidades, cultura"),
    (r"expr", "61 * * * *"),
    (r"env|_suggest", "PARTICIPA_SMTP_PASSWORD"),
    (r"username", "municipio"),
    (r"start|end|text|week|value", "2026-W47"),
    (r"what", "v_items.published_at"),
    (r"option", "--from"),
    (r"lang", "fr"),
    (r"fmt|TEMPLATE", "digest.html.j2"),
    (r"addr|cleaned|sender", "juana@@example"),
    (r"key", "from"),
]


def _sample(hole: Hole) -> str:
    value: object = "valparaiso"
    for pattern, candidate in _SAMPLES:
        if re.search(pattern, hole.source):
            value = candidate
            break
    if hole.conversion == ord("r"):
        return repr(value)
    return format(value, hole.spec) if hole.spec else str(value)


def render(template: Template) -> str:
    return "".join(p if isinstance(p, str) else _sample(p) for p in template)


def english_runs(template: Template) -> set[str]:
    """Every three consecutive English words of the template's own text, and every phrase of
    two or more words between punctuation (``try later``, ``swap them``)."""
    runs: set[str] = set()
    for literal in (p for p in template if isinstance(p, str)):
        for chunk in re.split(r"[^A-Za-z' ]+", literal):
            words = [w for w in chunk.split(" ") if re.fullmatch(r"[A-Za-z]+", w)]
            if len(words) != len([w for w in chunk.split(" ") if w]):
                continue  # a key, an option or a quoted value: not prose
            runs.update(" ".join(words[i : i + 3]) for i in range(len(words) - 2))
            if len(words) >= 2:
                runs.add(" ".join(words))
    return runs


#: already Spanish at the source: the lock's message and every SMTP explanation
_SPANISH = re.compile(r"\b(?:no se pudo|revisa|el servidor|destinatarios|espera a que)\b")

SITES = raise_sites()
TEMPLATES = [
    pytest.param(site, template, id=f"{site.path}:{site.line}:{n}")
    for site in SITES
    for n, template in enumerate(site.templates)
    if not _SPANISH.search(render(template))
]

#: placeholders that hold English from a fixed list (pydantic's reasons, the HTTP advice, the
#: SQLite hints): translated on purpose, not kept verbatim
TRANSLATED_HOLES = {"exc.errors()[0].get('msg')", "advice", "store_hint(exc)"}

#: messages built from variables, by (file, the argument as written): how each is covered
DYNAMIC_SITES = {
    ("participa/cli/sync_cmd.py", "f'{name}: {exc}'"): "prefix: test_composed_messages",
    ("participa/cli/departments_cmd.py", "_say('no_store', path=path)"): "test_departments_text",
    ("participa/cli/ops_cmd.py", "'; '.join((str(f) for f in failures))"): "test_composed",
    ("participa/cli/ops_cmd.py", "'; '.join(errors)"): "Spanish digest outcomes, joined",
    ("sync/lock.py", "locked_message(read_holder(path, job), path)"): "Spanish at the source",
    ("sync/store.py", "_explain(path, exc)"): "test_store_hints",
    ("sync/config.py", "_describe(exc.errors()[0], raw)"): "CLI_CASES: pydantic reasons",
    (
        "reports/delivery.py",
        "_scrub(explain_smtp_error(exc, server, config), password)",
    ): "Spanish at the source",
}


def test_the_catalogue_and_the_enumeration_are_not_empty():
    assert catalogue_size() > 100
    assert len(TEMPLATES) > 80
    assert {s.path for s in SITES} >= {
        "connector/transport.py", "connector/client.py", "sync/config.py", "reports/period.py"
    }


def test_every_site_built_from_variables_is_known():
    dynamic = {(s.path, s.source) for s in SITES if not s.templates}
    assert dynamic == set(DYNAMIC_SITES), (
        "a new error message built from variables: cover it with explicit samples here"
    )


@pytest.mark.parametrize(("site", "template"), TEMPLATES)
def test_every_raised_template_reads_in_spanish(site, template):
    english = render(template)
    spanish = localize(english, "es")
    assert spanish != english, f"{site.path}:{site.line} not translated: {english}"
    left = sorted(r for r in english_runs(template) if re.search(rf"\b{r}\b", spanish))
    assert not left, f"{site.path}:{site.line}: English left in {spanish!r}: {left}"
    for hole in (p for p in template if isinstance(p, Hole)):
        if hole.source in TRANSLATED_HOLES:
            continue
        assert _sample(hole).strip(" ()") in spanish, f"{hole.source} lost in {spanish!r}"
    assert localize(english, "en") == english


# --- explicit samples: messages built from variables or from fixed lists -------------------


def test_store_hints():
    from sync.store import _explain

    for reason in (
        "database or disk is full", "file is not a database", "database disk image is malformed",
        "attempt to write a readonly database", "unable to open database file",
        "database is locked", "something else",
    ):
        english = _explain(Path("/srv/participa/datos.db"), sqlite3.OperationalError(reason))
        spanish = localize(english, "es")
        assert spanish.startswith(f"/srv/participa/datos.db: no se puede usar el almacén SQLite "
                                  f"({reason}); ")
        assert not re.search(r"\b(the|and|it|its|again|check)\b", spanish.split("); ")[1])


def test_departments_text_matches_the_commands_own_spanish():
    from participa.cli.departments_cmd import _TEXT

    english = _TEXT["en"]["no_store"].format(path="/srv/p.db")
    assert localize(english, "es") == _TEXT["es"]["no_store"].format(path="/srv/p.db")


def test_composed_messages_translate_each_part():
    refused = "https://a.example/api cannot connect (refused or unknown host); check the " \
              "instance url and network"
    joined = f"valparaiso: {refused}; santiago: santiago: /srv/p.db: no store yet; run " \
             "'participa sync' first"
    assert localize(joined, "es") == (
        "valparaiso: no se puede conectar con https://a.example/api (conexión rechazada o "
        "servidor desconocido); revisa la url de la instancia y la red; santiago: santiago: "
        "/srv/p.db: no hay almacén todavía; ejecuta 'participa sync' primero"
    )


def test_spanish_at_the_source_is_left_alone():
    from sync.lock import LockHolder, locked_message

    message = locked_message(LockHolder(pid=42, since=None, job="sync"), Path("/srv/p.db.lock"))
    assert localize(message, "es") == message == localize(message, "en")


def test_every_spanish_text_uses_the_english_shapes_placeholders():
    from participa.messages import _CATALOGUE

    for english, spanish in _CATALOGUE:
        if callable(spanish):
            continue
        shape = {m[1] for m in re.finditer(r"\{(\w+)(?::\w)?\}", english)}
        fields = {m[1] for m in re.finditer(r"\{(\w*)\}", spanish)}
        assert fields <= shape, (english, spanish)
        assert "{" not in re.sub(r"\{\w+\}", "", spanish), spanish


def test_unknown_messages_come_back_unchanged():
    for text in ("", "valparaiso: something new happened", "x; y: z", "Error: 🙂"):
        assert localize(text, "es") == text


# --- 2. real messages, end to end ------------------------------------------------------------


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """``participa`` with the one-line change to ``main()`` applied: ``(code, stderr)``."""

    def localized_print(*args, **kwargs):
        if args and isinstance(args[0], str) and args[0].startswith("Error: "):
            args = ("Error: " + localize(args[0][7:], error_lang(os.environ)),) + args[1:]
        builtins.print(*args, **kwargs)

    monkeypatch.setattr(participa.cli, "print", localized_print, raising=False)
    monkeypatch.delenv("PARTICIPA_LANG", raising=False)
    monkeypatch.delenv("PARTICIPA_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)

    def run(*args: str, lang: str | None = None) -> tuple[int, str]:
        capsys.readouterr()
        with monkeypatch.context() as m:
            if lang:
                m.setenv("PARTICIPA_LANG", lang)
            code = participa.cli.main(list(args))
        return code, capsys.readouterr().err.strip()

    return run


def _write(name: str, text: str) -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name


INSTANCE = '[[instances]]\nname = "valparaiso"\nurl = "{url}"\nmax_retries = 0\n'
GOOD = INSTANCE.format(url="http://127.0.0.1:9/api")

CLI_CASES = [
    (
        ["sync", "--config", "nope.toml"], None,
        "Error: nope.toml: file not found; create one with 'participa init' or pass --config PATH",
        "Error: nope.toml: archivo no encontrado; crea uno con 'participa init' o indica "
        "--config RUTA",
    ),
    (
        ["sync", "--config", "bad.toml"], INSTANCE.format(url="ftp://x"),
        "Error: bad.toml: instances[0] (valparaiso).url: expected the instance's http(s) GraphQL "
        "endpoint, e.g. 'https://participa.example.cl/api', got 'ftp://x'",
        "Error: bad.toml: instances[0] (valparaiso).url: se espera el endpoint GraphQL http(s) de "
        "la instancia, p. ej. 'https://participa.example.cl/api', y se encontró 'ftp://x'",
    ),
    (
        ["sync", "--config", "bad.toml"], GOOD + 'requests_per_minute = "abc"\n',
        "Error: bad.toml: instances[0] (valparaiso).requests_per_minute: Input should be a valid "
        "number, unable to parse string as a number",
        "Error: bad.toml: instances[0] (valparaiso).requests_per_minute: se espera un número; el "
        "texto no se puede leer como número",
    ),
    (
        ["sync", "--config", "bad.toml"], GOOD + "max_concurrency = 99\n",
        "Error: bad.toml: instances[0] (valparaiso).max_concurrency: Input should be less than "
        "or equal to 16",
        "Error: bad.toml: instances[0] (valparaiso).max_concurrency: debe ser menor o igual a 16",
    ),
    (
        ["sync", "--config", "bad.toml"], GOOD + '[reports]\nlang = "fr"\n',
        "Error: bad.toml: reports.lang: Input should be 'es' or 'en'",
        "Error: bad.toml: reports.lang: debe ser 'es' o 'en'",
    ),
    (
        ["sync", "--config", "bad.toml"], GOOD + "colour = 1\n",
        "Error: bad.toml: instances[0] (valparaiso).colour: unknown key; check its spelling "
        "against config.example.toml",
        "Error: bad.toml: instances[0] (valparaiso).colour: clave desconocida; revisa cómo se "
        "escribe en config.example.toml",
    ),
    (
        ["sync", "--config", "bad.toml"], "[[instances]]\nname = valparaiso\n",
        "Error: bad.toml: not valid TOML: Invalid value (at line 2, column 8)",
        "Error: bad.toml: no es TOML válido: valor no válido (línea 2, columna 8)",
    ),
    (
        ["sync", "--config", "bad.toml"], GOOD + 'token = "s3cr3t"\n',
        "Error: bad.toml: instances[0].token: secrets do not belong in the config file (whoever "
        "reads it or a backup gets them): delete this line, export the value in an environment "
        "variable (e.g. in /etc/participa/env, mode 0600) and write that variable's name in "
        "instances[0].token_env",
        "Error: bad.toml: instances[0].token: los secretos no van en el archivo de configuración "
        "(quien lo lea, o lea un respaldo, los obtiene): borra esta línea, exporta el valor en "
        "una variable de entorno (p. ej. en /etc/participa/env, modo 0600) y escribe el nombre "
        "de esa variable en instances[0].token_env",
    ),
    (
        ["sync", "--config", "config.toml"], GOOD,
        "Error: valparaiso: http://127.0.0.1:9/api cannot connect (refused or unknown host); "
        "check the instance url and network",
        "Error: valparaiso: no se puede conectar con http://127.0.0.1:9/api (conexión rechazada "
        "o servidor desconocido); revisa la url de la instancia y la red",
    ),
    (
        ["sync", "--config", "config.toml", "--instance", "nope"], GOOD,
        "Error: instances: no instance named 'nope' (configured: valparaiso)",
        "Error: instances: no hay ninguna instancia llamada 'nope' (en la configuración: "
        "valparaiso)",
    ),
    (
        ["report", "--config", "config.toml", "--week", "2026-W99"], GOOD,
        "Error: --week '2026-W99': that year has no such week",
        "Error: --week '2026-W99': ese año no tiene esa semana",
    ),
    (
        ["report", "--config", "config.toml", "--from", "2026-01-10", "--to", "2026-01-01"], GOOD,
        "Error: --to 2026-01-01 is before --from 2026-01-10; swap them",
        "Error: --to 2026-01-01 es anterior a --from 2026-01-10; intercámbialas",
    ),
    (
        ["report", "--config", "config.toml", "--department", "x"], GOOD,
        "Error: --department 'x': no such department (configured: none; add [[departments]] to "
        "the config)",
        "Error: --department 'x': no existe ese departamento (en la configuración: ninguno; "
        "agrega [[departments]] a la configuración)",
    ),
    (
        ["report", "--config", "config.toml"], GOOD,
        "Error: participa.db: no store yet; run 'participa sync' first (or set [store] path)",
        "Error: participa.db: no hay almacén todavía; ejecuta 'participa sync' primero (o "
        "configura [store] path)",
    ),
    (
        ["init", "--path", "config.toml"], GOOD,
        "Error: config.toml: already exists; edit it, or pass --force to overwrite it",
        "Error: config.toml: ya existe; edítalo, o usa --force para sobrescribirlo",
    ),
    (
        ["digest", "send", "--config", "config.toml"], GOOD,
        "Error: config.toml: email: no [email] section with [[email.digests]]; copy them from "
        "config.example.toml",
        "Error: config.toml: email: no hay una sección [email] con [[email.digests]]; cópialas "
        "de config.example.toml",
    ),
]


@pytest.mark.parametrize(("args", "config", "english", "spanish"), CLI_CASES,
                         ids=[" ".join(c[0][:1] + c[0][3:]) or c[0][0] for c in CLI_CASES])
def test_cli_errors_in_spanish_by_default_and_english_on_request(
    cli, args, config, english, spanish
):
    if config is not None:
        _write(next(a for a in args if a.endswith(".toml")), config)
    if "--department" in args:  # checked once the store is open
        from sync.store import open_store

        open_store(Path("participa.db")).close()
    code, err = cli(*args)
    assert code != 0
    assert err.splitlines()[-1] == spanish
    code_en, err_en = cli(*args, lang="en")
    assert code_en == code
    assert err_en.splitlines()[-1] == english


def _transport(answer: httpx.Response):
    from connector.throttle import Throttle
    from connector.transport import GraphQLTransport

    return GraphQLTransport(
        "https://user:pw@participa.valparaiso.cl/api?x=1",
        instance="valparaiso",
        max_retries=0,
        throttle=Throttle(1e9, clock=lambda: 0.0, sleep=lambda s: None),
        sleep=lambda s: None,
        rng=random.Random(1),
        transport=httpx.MockTransport(lambda request: answer),
    )


URL = "https://participa.valparaiso.cl/api"
HTTP_CASES = [
    (
        httpx.Response(404),
        f"valparaiso: {URL} respondió HTTP 404: ¿es este el endpoint GraphQL de la instancia "
        "(…/api)?",
    ),
    (
        httpx.Response(401),
        f"valparaiso: {URL} respondió HTTP 401: la instancia pide credenciales: pon en token_env "
        "el nombre de una variable que contenga un token",
    ),
    (
        httpx.Response(403),
        f"valparaiso: {URL} respondió HTTP 403: acceso denegado: revisa el token (token_env) o "
        "si la API es pública",
    ),
    (
        httpx.Response(418),
        f"valparaiso: {URL} respondió HTTP 418: revisa la url de la instancia (debe terminar en "
        "/api)",
    ),
    (
        httpx.Response(502, json={"errors": [{"message": "Upstream: down; retry"}]}),
        f'valparaiso: {URL} respondió HTTP 502 ("Upstream: down; retry"); el servidor falló, '
        "inténtalo más tarde o consulta a quienes administran la instancia",
    ),
    (
        httpx.Response(200, text="<html>Sign in</html>"),
        f"valparaiso: {URL} respondió una página HTML, no JSON de GraphQL: revisa que la url sea "
        "el endpoint …/api de la instancia y que no exija iniciar sesión (si la exige, configura "
        "token_env)",
    ),
    (
        httpx.Response(200, text="not json: at all; no"),
        f"valparaiso: {URL} envió JSON no válido ('not json: at all; no'); vuelve a intentarlo "
        "más tarde",
    ),
    (
        httpx.Response(200, text=""),
        f"valparaiso: {URL} envió JSON no válido (cuerpo vacío); vuelve a intentarlo más tarde",
    ),
    (
        httpx.Response(200, json=[1, 2]),
        f"valparaiso: {URL} respondió JSON que no es una respuesta GraphQL ('[1,2]'); ¿es la "
        "url el endpoint …/api de la instancia?",
    ),
    (
        httpx.Response(429),
        f"valparaiso: {URL} siguió respondiendo HTTP 429 (demasiadas solicitudes); baja "
        "requests_per_minute para esta instancia o sincroniza más tarde",
    ),
    (
        httpx.Response(302, headers={"location": "https://participa.valparaiso.cl/users/sign_in"}),
        f"valparaiso: {URL} redirigió (HTTP 302) a https://participa.valparaiso.cl/users/sign_in: "
        "usa la dirección final …/api; si la instancia exige iniciar sesión, configura token_env",
    ),
]


@pytest.mark.parametrize(("answer", "spanish"), HTTP_CASES,
                         ids=[str(a.status_code) for a, _ in HTTP_CASES])
def test_http_failures_in_spanish(answer, spanish):
    transport = _transport(answer)
    with pytest.raises(ParticipaError) as caught:
        transport.execute({"query": "{ x }"})
    transport.close()
    english = str(caught.value)
    assert localize(english, "es") == spanish
    assert localize(english, "en") == english


@pytest.mark.parametrize(
    "text",
    [
        "a = 1\na = 2\n", "[t]\n[t]\n", "a = [1, 2\n", 'a = "x\n', "a = {b = 1, b = 2}\n",
        "[[a]\n", "[a\n", "a = 1979-13-01\n", "a b = 1\n", "= 1\n", 'a = "\\uD800"\n',
        "a = {b = 1\n", "a = 1\nb = @\n",
    ],
)
def test_toml_parser_errors_in_spanish(tmp_path, text):
    from participa.errors import ConfigError
    from sync.config import load_config

    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    english = str(caught.value)
    with pytest.raises(tomllib.TOMLDecodeError) as raw:
        tomllib.loads(text)
    reason = str(raw.value).rsplit(" (at ", 1)[0]
    spanish = localize(english, "es")
    assert spanish.startswith(f"{path}: no es TOML válido: ")
    assert reason not in spanish and re.search(r"\((línea \d+, columna \d+|al final)", spanish)


def test_cron_errors_in_spanish():
    from zoneinfo import ZoneInfo

    from participa.errors import ConfigError
    from sync.scheduler import parse_cron

    with pytest.raises(ConfigError) as caught:
        parse_cron("0 */4 * *", ZoneInfo("America/Santiago"), key="schedule.sync")
    assert localize(str(caught.value), "es") == (
        "schedule.sync: '0 */4 * *' no es una expresión cron: se esperan 5 campos (minuto hora "
        "día mes día-de-la-semana, p. ej. '0 */4 * * *') o 6 con los segundos primero"
    )


# --- 3. dynamic parts stay verbatim ----------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "kept"),
    [
        (
            "Región de Valparaíso: https://x.cl:8443/decidim/api cannot connect (refused or "
            "unknown host); check the instance url and network",
            ["Región de Valparaíso", "https://x.cl:8443/decidim/api"],
        ),
        (
            "/home/muni/config de prueba.toml: instances[0] (viña-del-mar).url: expected the "
            "instance's http(s) GraphQL endpoint, e.g. 'https://participa.example.cl/api', got "
            "'ftp://x; y: z'",
            ["/home/muni/config de prueba.toml", "instances[0] (viña-del-mar).url",
             "'ftp://x; y: z'"],
        ),
        (
            "valparaiso: https://x.cl/api rejected the Components query: Field 'taxonomies' "
            "doesn't exist on type 'Component'; check the docs. If the instance was upgraded or "
            "runs plugins, run the sync again (features are re-detected); if it persists, report "
            "it with this message",
            ["Field 'taxonomies' doesn't exist on type 'Component'; check the docs."],
        ),
        (
            "valparaiso: https://x.cl/api answered HTTP 500 (\"Internal error: the cache is "
            "down; try later\"); the server failed, try later or ask the instance's administrators",
            ['("Internal error: the cache is down; try later")'],
        ),
        (
            "valparaiso: https://x.cl/api sent an answer cut short ('{\"data\": {\"x\": \"a; b: "
            "c'); try again later",
            ["'{\"data\": {\"x\": \"a; b: c'"],
        ),
        (
            "--week 'W47; 2026': expected an ISO week such as 2026-W47",
            ["--week 'W47; 2026'"],
        ),
    ],
)
def test_dynamic_parts_are_kept_verbatim(english, kept):
    spanish = localize(english, "es")
    assert spanish != english
    for part in kept:
        assert part in spanish


@pytest.mark.parametrize(
    ("environ", "lang"),
    [({}, "es"), ({"PARTICIPA_LANG": "en"}, "en"), ({"PARTICIPA_LANG": "en_US.UTF-8"}, "en"),
     ({"PARTICIPA_LANG": "EN"}, "en"), ({"PARTICIPA_LANG": "es"}, "es"),
     ({"PARTICIPA_LANG": "fr"}, "es"), ({"PARTICIPA_LANG": ""}, "es")],
)
def test_error_lang(environ, lang):
    assert error_lang(environ) == lang


def test_english_and_other_languages_are_unchanged():
    message = "valparaiso: http://127.0.0.1:9/api cannot connect (refused or unknown host); " \
              "check the instance url and network"
    assert localize(message, "en") == message
    assert localize(message, "fr") == message
    assert localize(message, "es-CL") != message
