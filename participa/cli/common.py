"""Options and helpers shared by the command modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sync.config import Config, find_config, load_config

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Config file (default: $PARTICIPA_CONFIG, else ./config.toml).",
        show_default=False,
    ),
]
InstanceOption = Annotated[
    str | None,
    typer.Option("--instance", "-i", help="Only this instance (its [[instances]] name)."),
]


def get_config(path: Path | None) -> Config:
    """The config, after printing its warnings (``Aviso: …``) on stderr."""
    config = load_config(find_config(path))
    for warning in config.warnings:
        warn(f"Aviso: {warning}")
    return config


def echo(message: str = "") -> None:
    typer.echo(message)


def warn(message: str) -> None:
    typer.echo(message, err=True)


def is_tty() -> bool:
    return sys.stderr.isatty()
