"""``participa simulator serve``: run the built-in Decidim simulator on loopback."""

from __future__ import annotations

import contextlib
import threading
from typing import Annotated

import typer

from participa.cli import app
from participa.cli.common import echo, parse_now, tr
from participa.errors import ConfigError

sim_app = typer.Typer(
    name="simulator",
    help=tr(
        "Una API GraphQL de Decidim simulada (versiones 0.27-0.30) para demos y pruebas.",
        "A simulated Decidim GraphQL API (releases 0.27-0.30) for demos and tests.",
    ),
    no_args_is_help=True,
)
app.add_typer(sim_app, name="simulator")




@sim_app.command(
    "serve",
    help=tr(
        "Pone en marcha el simulador y muestra su URL; Ctrl-C lo detiene.",
        "Serve the simulator and print its URL; Ctrl-C stops it.",
    ),
)
def serve(
    port: Annotated[int, typer.Option(help=tr(
        "Puerto en 127.0.0.1 (0: cualquier puerto libre).",
        "Port on 127.0.0.1 (0: any free port)."))] = 0,
    release: Annotated[str, typer.Option(help=tr(
        "Versión de Decidim: 0.27, 0.28, 0.29 o 0.30.",
        "Decidim release: 0.27, 0.28, 0.29 or 0.30."))] = "0.29",
    seed: Annotated[int, typer.Option(help=tr(
        "Semilla del mundo (misma semilla, mismos datos).",
        "World seed (same seed, same data)."))] = 7,
    scale: Annotated[str, typer.Option(help=tr(
        "tiny, small, medium o large.", "tiny, small, medium or large."))] = "small",
    rate_limit: Annotated[int | None, typer.Option("--rate-limit", help=tr(
        "Solicitudes permitidas por cliente en cada ventana (por defecto: sin límite).",
        "Requests allowed per client per window (default: no limit)."))] = None,
    window: Annotated[float, typer.Option(help=tr(
        "Ventana del límite de solicitudes, en segundos.",
        "Rate-limit window in seconds."))] = 60,
    latency_ms: Annotated[float, typer.Option(help=tr(
        "Demora de cada respuesta, en ms (incluido su propio trabajo).",
        "Response time of every answer, in ms (its own work included)."))] = 0,
    now: Annotated[str | None, typer.Option(help=tr(
        "El 'ahora' del mundo (ISO 8601; por defecto: la hora actual).",
        "The world's 'now' (ISO 8601; default: the current time)."))] = None,
    timezone: Annotated[str, typer.Option(help=tr(
        "Zona horaria de la organización.", "Organization time zone."))] = "America/Santiago",
    duration: Annotated[float, typer.Option(help=tr(
        "Segundos antes de detenerse (0: funciona hasta Ctrl-C).",
        "Stop after this many seconds (0: serve until Ctrl-C)."))] = 0,
) -> None:
    """Serve the simulator and print its URL; Ctrl-C stops it."""
    from connector.simulator import RELEASES, SCALES, Simulator

    if release not in RELEASES:
        raise ConfigError(f"unknown release {release!r}; choose one of {', '.join(RELEASES)}",
                          key="--release")
    if scale not in SCALES:
        raise ConfigError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}",
                          key="--scale")
    simulator = Simulator(release=release, seed=seed, scale=scale,
                          now=parse_now(now, timezone) if now else None, timezone=timezone,
                          requests_per_window=rate_limit, window_seconds=window,
                          latency_ms=latency_ms, port=port)
    with simulator:
        echo(simulator.url or "")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait(duration if duration > 0 else None)
