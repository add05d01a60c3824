"""Operating commands: ``schedule``, ``status``, ``init``, ``config check`` and ``backup``.

``schedule`` is where the daemon is wired: the sync job is ``participa.cli.sync_cmd.sync_config``
(the code ``participa sync`` runs, under the store lock), the digest job sends every configured
digest through ``reports.delivery.dispatch`` and the ledger like ``participa digest send``,
under the ``digest`` lock; both are handed to ``sync.scheduler.build_daemon`` as functions.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from participa.cli import app
from participa.cli.common import ConfigOption, echo, get_config, tr
from participa.errors import ConfigError, DeliveryError, ParticipaError, StoreError
from participa.messages import error_lang, localize
from sync.config import Config, find_config, load_config

if TYPE_CHECKING:  # imported where used: other commands start without them
    from participa.cli.checks import Check
    from sync.scheduler import JobFunction

config_app = typer.Typer(
    help=tr("Revisa la configuración.", "Check the configuration."), no_args_is_help=True
)
app.add_typer(config_app, name="config")

EXAMPLE_CONFIG = "config.example.toml"
LANG_ENV = "PARTICIPA_LANG"


def schedule_zone(config: Config) -> ZoneInfo:
    """``[schedule] timezone``, else the first instance's."""
    return ZoneInfo(config.schedule.timezone or config.instances[0].timezone)


def _now() -> datetime:
    return datetime.now(UTC)


# --- schedule -----------------------------------------------------------------------------


@app.command(
    help=tr(
        "Ejecuta las sincronizaciones y los resúmenes según las expresiones cron de [schedule] "
        "hasta SIGTERM/Ctrl-C.",
        "Run syncs and digests on the [schedule] cron expressions until SIGTERM/Ctrl-C.",
    ),
)
def schedule(
    config: ConfigOption = None,
    log_format: Annotated[
        str,
        typer.Option(
            "--log-format",
            help=tr(
                "text (por defecto) o json: un objeto por línea.",
                "text (default) or json: one object per line.",
            ),
        ),
    ] = "text",
) -> None:
    """Run syncs and digests on the [schedule] cron expressions until SIGTERM/Ctrl-C."""
    if log_format not in ("text", "json"):
        raise typer.BadParameter("expected 'text' or 'json'", param_hint="--log-format")
    from sync.scheduler import build_daemon, format_json, format_text

    cfg = get_config(config)
    _import_job_modules()
    fmt = format_json if log_format == "json" else format_text
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # our own line per job instead
    daemon = build_daemon(
        scheduled_jobs(cfg), cfg.schedule, timezone=schedule_zone(cfg),
        emit=lambda record: _log_line(fmt(record)), clock=_now, last_runs=_last_runs(cfg),
    )
    if not daemon.run():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)  # a job ignored the stop flag: leave it; SQLite rolls its transaction back


def _import_job_modules() -> None:
    """What the jobs import when they run, now: other commands start without it, but a job's
    first run should take as long as the next ones (a tick must not find it still starting)."""
    import connector.client  # noqa: F401
    import reports.api  # noqa: F401
    import reports.delivery  # noqa: F401
    import reports.mail  # noqa: F401
    import sync.pipeline  # noqa: F401
    import sync.retention  # noqa: F401


def scheduled_jobs(cfg: Config) -> dict[str, JobFunction]:
    """The jobs the daemon runs: sync always, digest when digests are configured."""

    def sync_job(*, now: datetime, should_stop: Callable[[], bool]) -> Mapping[str, Any]:
        return run_sync_job(cfg, should_stop=should_stop)

    def digest_job(*, now: datetime, should_stop: Callable[[], bool]) -> Mapping[str, Any]:
        return run_digest_job(cfg, now=now)

    jobs: dict[str, JobFunction] = {"sync": sync_job}
    if cfg.email and cfg.email.digests:
        jobs["digest"] = digest_job
    return jobs


def run_sync_job(cfg: Config, *, should_stop: Callable[[], bool]) -> dict[str, Any]:
    """``participa sync`` for every instance; counts summed; raises if any instance failed."""
    from participa.cli import sync_cmd

    results, failures = sync_cmd.sync_config(cfg, cfg.instances, should_stop=should_stop)
    counts: dict[str, Any] = {"instances": len(results), "requests": 0}
    for result in results:
        counts["requests"] += result.requests
        for table, n in result.counts.items():
            counts[table] = counts.get(table, 0) + n
    if failures:
        raise ParticipaError("; ".join(str(f) for f in failures))
    return counts


def run_digest_job(cfg: Config, *, now: datetime) -> dict[str, Any]:
    """``participa digest send`` for every configured digest (the ledger sends each once)."""
    from participa.cli import digest_cmd

    outcomes = digest_cmd.send_digests(cfg, now=now)
    counts: dict[str, Any] = {"sent": 0, "skipped": 0, "failed": 0}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    errors = [f"{o.digest}: {o.detail}" for o in outcomes if o.status == "failed"]
    if errors:
        raise DeliveryError("; ".join(errors))
    return counts


def _last_runs(cfg: Config) -> dict[str, Callable[[], datetime | None]]:
    """When each job last ran, for the catch-up after downtime (None: do not catch up)."""
    from sync.status import read_snapshot

    def last_sync() -> datetime | None:
        snapshot = read_snapshot(cfg.store.path)
        latest: dict[str, datetime] = {}
        for run in snapshot.runs:
            if run.status in ("ok", "failed"):
                latest[run.instance] = max(latest.get(run.instance, run.started_at), run.started_at)
        if any(i.name not in latest for i in cfg.instances):
            return datetime(1970, 1, 1, tzinfo=UTC)  # never synced: sync on start
        return min(latest.values())

    def last_digest() -> datetime | None:
        sends = read_snapshot(cfg.store.path).sends or ()
        return max((s.started_at for s in sends if s.status != "dry-run"), default=None)

    return {"sync": last_sync, "digest": last_digest}


def _log_line(line: str) -> None:
    print(line, flush=True)


# --- status -------------------------------------------------------------------------------


@app.command(
    help=tr(
        "Últimas sincronizaciones, filas por tabla, próximas ejecuciones y envíos de correo; "
        "sale con código 3 si las sincronizaciones están desactualizadas.",
        "Last syncs, rows per table, next runs and e-mail sends; exit 3 when syncs are stale.",
    ),
)
def status(
    config: ConfigOption = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help=tr("Muestra JSON en vez de texto.", "Print JSON instead of text.")
        ),
    ] = False,
) -> int:
    """Last syncs, rows per table, next runs and e-mail sends; exit 3 when syncs are stale."""
    from participa.cli.status_view import render_status, status_dict
    from sync.status import compute_status, read_snapshot

    cfg = get_config(config)
    now = _now()
    result = compute_status(cfg, read_snapshot(cfg.store.path), now=now,
                            timezone=schedule_zone(cfg))
    if as_json:
        echo(json.dumps(status_dict(result), ensure_ascii=False, indent=2))
    else:
        echo(render_status(result, os.environ.get(LANG_ENV, "es")))
    return result.exit_code


# --- init and config check ----------------------------------------------------------------


@app.command(
    help=tr(
        "Escribe un config.toml inicial (una copia de config.example.toml) y lo valida.",
        "Write a starting config.toml (a copy of config.example.toml) and validate it.",
    ),
)
def init(
    path: Annotated[
        Path,
        typer.Option(
            "--path",
            help=tr("Dónde escribir la configuración.", "Where to write the config."),
        ),
    ] = Path("config.toml"),
    force: Annotated[
        bool,
        typer.Option(
            "--force", help=tr("Sobrescribe un archivo existente.", "Overwrite an existing file.")
        ),
    ] = False,
) -> None:
    """Write a starting config.toml (a copy of config.example.toml) and validate it."""
    if path.exists() and not force:
        raise ConfigError("already exists; edit it, or pass --force to overwrite it",
                          path=str(path))
    text = resources.files("participa").joinpath(EXAMPLE_CONFIG).read_text(encoding="utf-8")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the file ({exc.strerror})", path=str(path)) from None
    load_config(path)
    echo(f"✓ {path} escrito. Edita [[instances]] url y [[departments]], luego ejecuta "
         f"'participa config check --config {path}'.")


@config_app.command(
    "check",
    help=tr(
        "Valida la configuración y luego prueba cada instancia, la carpeta del almacén y el "
        "servidor SMTP.",
        "Validate the config, then try each instance, the store folder and the SMTP server.",
    ),
)
def config_check(config: ConfigOption = None) -> int:
    """Validate the config, then try each instance, the store folder and the SMTP server."""
    from participa.cli.checks import run_checks

    path = find_config(config)
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        echo(f"✗ {localize(str(exc), error_lang(os.environ))}")
        return 2
    echo(f"✓ {path}: configuración válida")
    for warning in cfg.warnings:
        echo(f"⚠ {localize(warning, error_lang(os.environ))}")
    failed = 0
    for check in run_checks(cfg, schedule_zone(cfg)):
        echo(_check_line(check))
        failed += not check.ok
    return 1 if failed else 0


def _check_line(check: Check) -> str:
    mark = "✓" if check.ok else "✗"
    lang = error_lang(os.environ)
    fix = f" — {localize(check.fix, lang)}" if check.fix and not check.ok else ""
    detail = check.detail if check.ok else localize(check.detail, lang)
    return f"{mark} {check.name}: {detail}{fix}"


# --- backup -------------------------------------------------------------------------------


@app.command(
    help=tr(
        "Copia el almacén con el respaldo en línea de SQLite (seguro durante una "
        "sincronización), junto con su archivo .key.",
        "Copy the store with SQLite's online backup (safe while syncing), plus its .key file.",
    ),
)
def backup(
    config: ConfigOption = None,
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            help=tr(
                "Archivo de respaldo (por defecto: <almacén>-AAAA-MM-DD.db).",
                "Backup file (default: <store>-YYYY-MM-DD.db).",
            ),
        ),
    ] = None,
) -> None:
    """Copy the store with SQLite's online backup (safe while syncing), plus its .key file."""
    cfg = get_config(config)
    source = cfg.store.path
    target = to or source.with_name(f"{source.stem}-{_now().date().isoformat()}{source.suffix}")
    backup_store(source, target)
    echo(f"✓ {source} → {target} (+ {target}.key)" if Path(f"{source}.key").exists()
         else f"✓ {source} → {target}")


def backup_store(source: Path, target: Path) -> None:
    """Online-backup ``source`` to ``target`` (0600) and copy ``<source>.key`` beside it."""
    if not source.is_file():
        raise StoreError(f"{source}: no store to back up; check [store] path")
    if target.exists():
        raise StoreError(f"{target}: already exists; choose another --to or remove it")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src, dst = sqlite3.connect(str(source)), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise StoreError(f"{source}: backup to {target} failed ({exc})") from None
    finally:
        src.close()
        dst.close()
    key = Path(f"{source}.key")
    if key.exists():
        fd = os.open(f"{target}.key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.read_bytes())
