"""``participa report``: what happened in a period, and for whom — in Spanish by default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from sqlite_utils import Database

from participa.cli import app
from participa.cli.common import ConfigOption, InstanceOption, echo, get_config, parse_now, tr
from participa.errors import ReportError, StoreError
from reports.api import choose_period, load_digest
from reports.model import Digest
from reports.render import FORMATS, render
from sync.config import Config, InstanceConfig
from sync.store import open_store

_SUFFIX_FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".csv": "csv",
}


@app.command(
    help=tr(
        "Resumen de participación de una semana o período: general y por departamento, en "
        "es-CL o en inglés.\n\n"
        "Ejemplo: participa report --week 2026-W47 --format html --output semana.html",
        "Participation digest of a week or period: overall, per department, in es-CL or "
        "English.\n\n"
        "Example: participa report --week 2026-W47 --format html --output semana.html",
    ),
)
def report(
    config_path: ConfigOption = None,
    instance: InstanceOption = None,
    week: Annotated[
        str | None,
        typer.Option(help=tr("Semana ISO, p. ej. 2026-W47.", "ISO week, e.g. 2026-W47.")),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help=tr(
                "Primer día local AAAA-MM-DD (con --to).",
                "First local day YYYY-MM-DD (with --to).",
            ),
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to", help=tr("Último día local, incluido.", "Last local day, inclusive.")
        ),
    ] = None,
    department: Annotated[
        list[str] | None,
        typer.Option(
            help=tr(
                "Solo lista este departamento (se puede repetir); los totales siguen siendo de "
                "toda la instancia.",
                "Only list this department (repeatable); totals stay instance-wide.",
            )
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=tr(
                "text, markdown, html, json o csv "
                "(por defecto: según la extensión de --output; si no, text).",
                "text, markdown, html, json or csv "
                "(default: from --output's extension, else text).",
            ),
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=tr("Escribe en este archivo.", "Write to this file.")
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            help=tr(
                "es o en (por defecto: lang de la sección [reports] de la configuración).",
                "es or en (default: lang in the reports section of the config).",
            )
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            hidden=True,
            help=tr(
                "Simula que es este instante (ISO 8601).",
                "Pretend it is this instant (ISO 8601).",
            ),
        ),
    ] = None,
) -> None:
    """Participation digest of a week or period: overall, per department, in es-CL or English.

    Example: participa report --week 2026-W47 --format html --output semana.html
    """
    config = get_config(config_path)
    inst = _one_instance(config, instance)
    moment = parse_now(now, inst.timezone)
    period = choose_period(inst, moment, week=week, start=start, end=end)
    chosen = _format(fmt, output)
    digest = _with_store(
        config, lambda db: load_digest(db, inst, config, moment, period, department)
    )
    text = render(
        digest, chosen, lang=lang or config.reports.lang, templates_dir=config.reports.templates_dir
    )
    if output is None:
        echo(text.rstrip("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"--output {output}: cannot write ({exc.strerror})") from None
    echo(str(output))


def _one_instance(config: Config, name: str | None) -> InstanceConfig:
    chosen = config.instance(name)
    if len(chosen) > 1:
        names = ", ".join(i.name for i in chosen)
        raise ReportError(f"several instances are configured ({names}); choose one with --instance")
    return chosen[0]


def _format(fmt: str | None, output: Path | None) -> str:
    if fmt is None:
        return _SUFFIX_FORMATS.get(output.suffix.lower(), "text") if output else "text"
    if fmt not in FORMATS:
        raise ReportError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return fmt


def _with_store(config: Config, use: Callable[[Database], Digest]) -> Digest:
    path = config.store.path
    if not path.is_file():
        raise StoreError(f"{path}: no store yet; run 'participa sync' first (or set [store] path)")
    db = open_store(path)
    try:
        return use(db)
    finally:
        db.conn.close()
