"""``participa demo``: start the built-in Decidim simulator, sync it, show what was stored.

Writes ``DIR/config.toml`` (pointing at the simulator, with the Valparaíso department rules of
``config.example.toml``) and the store ``DIR/participa.db``, then stops the simulator.
"""

from __future__ import annotations

import json
import time
import tomllib
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from participa.cli import app
from participa.cli.common import echo, is_tty, parse_now, tr, warn
from participa.cli.sync_cmd import format_int, lang, summary_line, sync_config
from participa.errors import ConfigError, ParticipaError
from sync.config import Config, load_config

DEMO_ZONE = ZoneInfo("America/Santiago")
EXAMPLE_CONFIG = "config.example.toml"
#: (table, Spanish label, English label) in the order the demo prints them.
TABLES = (
    ("spaces", "espacios", "spaces"),
    ("components", "componentes", "components"),
    ("proposals", "propuestas", "proposals"),
    ("debates", "debates", "debates"),
    ("meetings", "encuentros", "meetings"),
    ("comments", "comentarios", "comments"),
)
_TEXT = {
    "es": {
        "started": "Simulador de Decidim {release} en {url} (semilla {seed})",
        "stored": "En el almacén:",
        "config": "Configuración: {path}",
        "store": "Almacén: {path}",
        "stopped": "Simulador detenido.",
        "digest": "Resumen de la semana {week}: {path}",
    },
    "en": {
        "started": "Decidim {release} simulator at {url} (seed {seed})",
        "stored": "In the store:",
        "config": "Config: {path}",
        "store": "Store: {path}",
        "stopped": "Simulator stopped.",
        "digest": "Digest of week {week}: {path}",
    },
}


def example_departments() -> list[dict[str, Any]]:
    """The ``[[departments]]`` of the shipped (or the repository's) ``config.example.toml``."""
    packaged = resources.files("participa").joinpath(EXAMPLE_CONFIG)
    repo_copy = Path(__file__).resolve().parents[2] / EXAMPLE_CONFIG
    for source in (packaged, repo_copy):
        if source.is_file():
            departments = tomllib.loads(source.read_text(encoding="utf-8")).get("departments")
            return list(departments or [])
    return []


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | list | int | float):
        return json.dumps(value, ensure_ascii=False)
    raise ConfigError(f"cannot write {value!r} into the demo config")


def demo_config_text(url: str, departments: list[dict[str, Any]]) -> str:
    """The demo's config.toml: the store beside it, one instance, the department rules."""
    lines = [
        "# Written by `participa demo`: the simulator it points at is stopped after the demo.",
        "[store]",
        'path = "participa.db"',
        "",
        "[[instances]]",
        'name = "valparaiso"',
        f"url = {_toml_value(url)}",
        'locale = "es"',
        'timezone = "America/Santiago"',
        "requests_per_minute = 60000",
        "max_retries = 2",
    ]
    for department in departments:
        lines += ["", "[[departments]]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in department.items()]
    return "\n".join(lines) + "\n"




def simulated_clock(present: datetime) -> Callable[[], datetime]:
    """The simulated present, advancing with real elapsed time (sync runs happen 'now')."""
    start = time.monotonic()
    return lambda: present + timedelta(seconds=time.monotonic() - start)


def _start_simulator(release: str, seed: int, now: datetime) -> Any:
    from connector.simulator import Simulator

    return Simulator(release=release, scale="small", seed=seed, now=now)


@app.command(
    "demo",
    help=tr(
        "Inicia el simulador de Decidim incluido en la interfaz local (loopback), lo "
        "sincroniza en DIR y muestra los conteos.",
        "Start the built-in Decidim simulator on loopback, sync it into DIR and show the counts.",
    ),
)
def demo_cmd(
    directory: Annotated[
        Path,
        typer.Option("--dir", help=tr("Dónde escribir la demo.", "Where to write the demo.")),
    ] = Path("demo"),
    release: Annotated[
        str, typer.Option(help=tr("Versión de Decidim a simular.", "Decidim release to simulate."))
    ] = "0.29",
    seed: Annotated[
        int, typer.Option(help=tr("Semilla del mundo simulado.", "Seed of the simulated world."))
    ] = 7,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help=tr("El presente simulado (ISO 8601).", "The simulated present (ISO 8601)."),
        ),
    ] = None,
) -> None:
    """Start the built-in Decidim simulator on loopback, sync it into DIR and show the counts."""
    from reports.period import last_complete_week

    text = _TEXT[lang()]
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParticipaError(
            f"{directory}: cannot create the demo folder ({exc.strerror})"
        ) from None
    present = parse_now(now, DEMO_ZONE.key)
    simulator = _start_simulator(release, seed, present)
    url = simulator.start()
    try:
        echo(text["started"].format(release=release, url=url, seed=seed))
        config_path = directory / "config.toml"
        config_path.write_text(demo_config_text(url, example_departments()), encoding="utf-8")
        config = load_config(config_path)
        results, failures = sync_config(
            config, config.instances, progress=warn if is_tty() else None,
            now=simulated_clock(present),
        )
    finally:
        simulator.stop()
    if failures:
        raise failures[0]
    for result in results:
        echo(summary_line(result, lang()))
    _print_counts(config.store.path, text)
    digest_path = _write_digest(config, present, directory / "digest.html")
    echo(text["config"].format(path=config_path))
    echo(text["store"].format(path=config.store.path))
    echo(text["digest"].format(week=last_complete_week(present, DEMO_ZONE.key).label,
                               path=digest_path))
    echo(text["stopped"])


def _write_digest(config: Config, present: datetime, path: Path) -> Path:
    """The last complete week's HTML digest, as a municipal user would receive it; its
    summary (the text format's first block) is printed too."""
    from reports.api import load_digest, write_digest_html
    from reports.render import render
    from sync.store import open_store

    db = open_store(config.store.path)
    try:
        instance = config.instances[0]
        digest = load_digest(db, instance, config, present)
        summary = render(digest, "text", lang=lang()).split("\n\n")[:2]
        echo("\n" + "\n\n".join(summary) + "\n")
        return write_digest_html(db, instance, config, present, path)
    finally:
        db.close()


def _print_counts(store_path: Path, text: dict[str, str]) -> None:
    from sync.store import open_store

    db = open_store(store_path)
    try:
        echo(text["stored"])
        for table, spanish, english in TABLES:
            label = spanish if lang() == "es" else english
            count = db.execute(f"SELECT COUNT(*) FROM {table} WHERE removed_at IS NULL").fetchone()
            echo(f"  {label:<12} {format_int(count[0], lang()):>7}")
    finally:
        db.close()
