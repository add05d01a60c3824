"""Options and helpers shared by the command modules.

Help texts (``--help``) are Spanish (es-CL) unless ``PARTICIPA_LANG=en``, like the error
messages (``participa.messages.error_lang``). Typer reads them when the command modules are
imported, so every one is written ``tr(spanish, english)``: the language of the help is fixed
when the CLI starts, which is what one command-line run needs.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from participa.errors import ConfigError
from participa.messages import error_lang, localize
from sync.config import Config, find_config, load_config


def tr(es: str, en: str) -> str:
    """``es`` or ``en`` by ``PARTICIPA_LANG`` (read now: help texts are chosen at import)."""
    return en if error_lang(os.environ) == "en" else es


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help=tr(
            "Archivo de configuración (por defecto: $PARTICIPA_CONFIG; si no, ./config.toml).",
            "Config file (default: $PARTICIPA_CONFIG, else ./config.toml).",
        ),
        show_default=False,
    ),
]
InstanceOption = Annotated[
    str | None,
    typer.Option(
        "--instance",
        "-i",
        help=tr(
            "Solo esta instancia (su nombre en [[instances]]).",
            "Only this instance (its [[instances]] name).",
        ),
    ),
]


def get_config(path: Path | None) -> Config:
    """The config, after printing its warnings (``Aviso: …``) on stderr."""
    config = load_config(find_config(path))
    for warning in config.warnings:
        warn(f"Aviso: {localize(warning, error_lang(os.environ))}")
    return config


def echo(message: str = "") -> None:
    typer.echo(message)


def warn(message: str) -> None:
    typer.echo(message, err=True)


def is_tty() -> bool:
    return sys.stderr.isatty()


def parse_now(text: str | None, zone: str = "UTC") -> datetime:
    """``--now``: an ISO 8601 instant (a naive one is read in ``zone``); default: the clock."""
    tz = ZoneInfo(zone)
    if not text:
        return datetime.now(tz)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"expected an ISO 8601 date and time such as 2026-11-24T12:00, got {text!r}",
            key="--now",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
