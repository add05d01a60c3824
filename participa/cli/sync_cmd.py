"""``participa sync``: read every configured Decidim instance into the store.

Progress goes to stderr only on a terminal; the summary (one line per instance) to stdout, in
Spanish unless ``PARTICIPA_LANG=en``. A failing instance does not stop the others; the command
exits 1 if any failed, with one ``Error: <instance>: <problem>`` line each.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from participa.cli import app
from participa.cli.common import (
    ConfigOption,
    InstanceOption,
    echo,
    get_config,
    is_tty,
    tr,
    warn,
)
from participa.errors import ParticipaError
from sync.config import Config, InstanceConfig

if TYPE_CHECKING:  # imported where used: other commands start without the client
    from sync.pipeline import Retag, SyncResult

_SUMMARY = {
    "es": (
        "{name}: {spaces} espacios, {components} componentes, {proposals} propuestas, "
        "{debates} debates, {meetings} encuentros, {comments} comentarios "
        "en {requests} solicitudes ({seconds} s)"
    ),
    "en": (
        "{name}: {spaces} spaces, {components} components, {proposals} proposals, "
        "{debates} debates, {meetings} meetings, {comments} comments "
        "in {requests} requests ({seconds} s)"
    ),
}


def lang() -> str:
    return "en" if os.environ.get("PARTICIPA_LANG", "").lower().startswith("en") else "es"


def format_int(n: int, language: str) -> str:
    """``1523`` → ``1.523`` (es) or ``1,523`` (en)."""
    text = f"{n:,}"
    return text.replace(",", ".") if language == "es" else text


def summary_line(result: SyncResult, language: str) -> str:
    counts = {k: format_int(v, language) for k, v in result.counts.items()}
    seconds = f"{result.seconds:.1f}"
    return _SUMMARY[language].format(
        name=result.instance,
        requests=format_int(result.requests, language),
        seconds=seconds.replace(".", ",") if language == "es" else seconds,
        **counts,
    )


def _department_retag() -> Retag | None:
    try:
        from sync.departments import retag
    except ImportError:  # department tagging not installed in this build
        return None
    return retag


def _named(exc: ParticipaError, name: str) -> ParticipaError:
    """The error itself if its message names the instance, else one that does."""
    if str(exc).startswith(f"{name}:"):
        return exc
    named = ParticipaError(f"{name}: {exc}")
    named.exit_code = exc.exit_code
    return named


def sync_config(
    config: Config,
    instances: Sequence[InstanceConfig],
    *,
    full: bool = False,
    client_options: dict[str, object] | None = None,
    progress: Callable[[str], None] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[list[SyncResult], list[ParticipaError]]:
    """Sync ``instances`` one after the other into the config's store, under the store lock."""
    from connector.client import DecidimClient
    from sync.lock import store_lock
    from sync.pipeline import sync_instance
    from sync.retention import apply_retention
    from sync.store import open_store

    results: list[SyncResult] = []
    failures: list[ParticipaError] = []
    retag = _department_retag()
    with store_lock(config.store.path, timeout=config.schedule.lock_timeout_seconds):
        db = open_store(config.store.path)
        try:
            for inst in instances:
                if should_stop():
                    break
                say = (lambda m, n=inst.name: progress(f"{n}: {m}")) if progress else None
                try:
                    with DecidimClient.from_config(inst, **(client_options or {})) as client:
                        results.append(sync_instance(
                            db, inst, client, rules=config.departments, now=now, full=full,
                            progress=say, retag=retag, should_stop=should_stop,
                        ))
                except ParticipaError as exc:
                    failures.append(_named(exc, inst.name))
            if config.schedule.retention_days and results:
                apply_retention(db, now=now(), days=config.schedule.retention_days)
        finally:
            db.close()
    return results, failures


FullOption = Annotated[
    bool,
    typer.Option(
        "--full",
        help=tr(
            "Ignora los cursores guardados y vuelve a leer todos los componentes.",
            "Ignore saved cursors and re-read every component.",
        ),
    ),
]


@app.command(
    "sync",
    help=tr(
        "Lee las instancias de Decidim configuradas y las guarda en el almacén (retoma las "
        "ejecuciones interrumpidas).",
        "Read the configured Decidim instances into the store (resumes interrupted runs).",
    ),
)
def sync_cmd(
    config: ConfigOption = None, instance: InstanceOption = None, full: FullOption = False
) -> None:
    """Read the configured Decidim instances into the store (resumes interrupted runs)."""
    cfg = get_config(config)
    instances = cfg.instance(instance)
    results, failures = sync_config(
        cfg, instances, full=full, progress=warn if is_tty() else None
    )
    for result in results:
        echo(summary_line(result, lang()))
    for failure in failures[:-1]:
        warn(f"Error: {failure}")
    if failures:
        raise failures[-1]
