"""``participa digest send | preview | status``: the weekly e-mailed participation digests.

Wiring only: config → store → ``reports.api.load_digest`` → ``reports.mail.digest_email`` →
``reports.delivery`` (SMTP or ``.eml`` files) with the send ledger (``reports.ledger``).
One failed digest does not stop the others; the exit code is 1 when any failed.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlite_utils import Database

from participa.cli import app
from participa.cli.common import ConfigOption, echo, get_config, parse_now, tr, warn
from participa.errors import ConfigError, ParticipaError
from sync.config import Config, DigestConfig, EmailConfig, InstanceConfig

if TYPE_CHECKING:  # imported where used: other commands start without the mail modules
    from reports.delivery import Outcome, Outgoing, Transport

digest_app = typer.Typer(
    help=tr(
        "Envía por correo los resúmenes semanales de participación ([email] en la "
        "configuración).",
        "E-mail the weekly participation digests ([email] in the config).",
    ),
    no_args_is_help=True,
)
app.add_typer(digest_app, name="digest")

WeekOption = Annotated[
    str | None,
    typer.Option(
        "--week",
        "-w",
        help=tr(
            "Semana ISO, p. ej. 2026-W47 (por defecto: la última completa).",
            "ISO week, e.g. 2026-W47 (default: the last complete one).",
        ),
    ),
]
DigestOption = Annotated[
    list[str] | None,
    typer.Option(
        "--digest",
        "-d",
        help=tr(
            "Solo este resumen (su nombre en [[email.digests]]); se puede repetir.",
            "Only this digest ([[email.digests]] name); repeatable.",
        ),
    ),
]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        hidden=True,
        help=tr(
            "Simula que es este instante ISO 8601 (pruebas, demos).",
            "Pretend it is this ISO 8601 instant (tests, demos).",
        ),
    ),
]
_MARK = {"sent": "enviado", "failed": "FALLÓ", "dry-run": "borrador", "skipped": "omitido"}


@digest_app.command(
    "send",
    help=tr(
        "Envía cada resumen configurado de la semana, una sola vez (revisa "
        "`participa digest status`).",
        "Send each configured digest for the week, once (see `participa digest status`).",
    ),
)
def send_command(
    config: ConfigOption = None,
    week: WeekOption = None,
    digest: DigestOption = None,
    dry_run_: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help=tr(
                "Escribe archivos .eml en --outbox en vez de enviarlos.",
                "Write .eml files to --outbox instead of sending.",
            ),
        ),
    ] = False,
    outbox: Annotated[
        Path,
        typer.Option(
            "--outbox",
            help=tr(
                "Carpeta para los archivos .eml de --dry-run.",
                "Folder for --dry-run's .eml files.",
            ),
        ),
    ] = Path("outbox"),
    resend: Annotated[
        bool,
        typer.Option(
            "--resend",
            help=tr(
                "Envía de nuevo aunque el registro de envíos diga que ya se envió.",
                "Send again even if the ledger says it was sent.",
            ),
        ),
    ] = False,
    now: NowOption = None,
) -> None:
    """Send each configured digest for the week, once (see `participa digest status`)."""
    cfg = get_config(config)
    outcomes = send_digests(
        cfg, now=parse_now(now, cfg.instances[0].timezone), week=week, names=digest,
        outbox=outbox if dry_run_ else None, resend=resend,
        on_outcome=lambda outcome: report_outcome(outcome, require_email(cfg)),
    )
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


def send_digests(
    cfg: Config,
    *,
    now: datetime,
    week: str | None = None,
    names: list[str] | None = None,
    outbox: Path | None = None,
    resend: bool = False,
    on_outcome: Callable[[Outcome], None] = lambda _outcome: None,
) -> list[Outcome]:
    """Send (or, with ``outbox``, write as .eml) every selected digest, under the digest lock.

    Both ``participa digest send`` and the scheduler's digest job call this. One failed digest
    does not stop the others; the ledger makes a second call for the same period a no-op.
    """
    from reports.delivery import smtp_transport
    from sync.lock import store_lock
    from sync.store import open_store

    email = require_email(cfg)
    transport = None if outbox is not None else smtp_transport(email, smtp_password(email))
    outcomes: list[Outcome] = []
    with store_lock(cfg.store.path, job="digest", timeout=cfg.schedule.lock_timeout_seconds):
        db = open_store(cfg.store.path)
        try:
            for entry in select_digests(email, names):
                outcome = _send_one(cfg, entry, db, week, now, transport, outbox, resend)
                outcomes.append(outcome)
                on_outcome(outcome)
        finally:
            db.close()
    return outcomes


def _send_one(
    cfg: Config, entry: DigestConfig, db: Database, week: str | None, now: datetime,
    transport: Transport | None, outbox: Path | None, resend: bool,
) -> Outcome:
    from reports.delivery import Outcome, dispatch, dry_run

    email = require_email(cfg)
    try:
        out = outgoing(cfg, entry, db, week, now)
        if transport is None:
            return dry_run(db, out, email=email, outbox=outbox or Path("outbox"), now=now)
        return dispatch(db, out, email=email, transport=transport, now=now, resend=resend)
    except ParticipaError as exc:
        return Outcome(entry.name, "failed", str(exc))


@digest_app.command(
    "preview",
    help=tr(
        "Escribe el correo de cada resumen como archivos HTML y de texto (sin enviarlo) y "
        "muestra sus rutas.",
        "Write each digest's e-mail as HTML and text files (no sending) and print their paths.",
    ),
)
def preview_command(
    config: ConfigOption = None,
    week: WeekOption = None,
    digest: DigestOption = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help=tr("Carpeta para los archivos de vista previa.", "Folder for the preview files."),
        ),
    ] = Path("preview"),
    open_: Annotated[
        bool,
        typer.Option(
            "--open", help=tr("Abre el HTML en un navegador.", "Open the HTML in a browser.")
        ),
    ] = False,
    now: NowOption = None,
) -> None:
    """Write each digest's e-mail as HTML and text files (no sending) and print their paths."""
    from reports.mail import eml_filename, html_with_files
    from sync.store import open_store

    cfg = get_config(config)
    email = require_email(cfg)
    db = open_store(cfg.store.path)
    for entry in select_digests(email, digest):
        message = outgoing(cfg, entry, db, week, parse_now(now, cfg.instances[0].timezone))
        stem = eml_filename(message.period.label, entry.name, message.instance)[: -len(".eml")]
        html, files = html_with_files(message.content, stem)
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out / name).write_bytes(data)
        (out / f"{stem}.html").write_text(html, encoding="utf-8")
        (out / f"{stem}.txt").write_text(message.content.text, encoding="utf-8")
        echo(f"{entry.name}: {message.content.subject}")
        echo(f"  {out / f'{stem}.html'}\n  {out / f'{stem}.txt'}")
        if open_:
            webbrowser.open((out / f"{stem}.html").resolve().as_uri())


@digest_app.command(
    "status",
    help=tr(
        "Muestra el registro de envíos: los últimos intentos, primero los más recientes.",
        "Show the send ledger: the latest attempts, newest first.",
    ),
)
def status_command(
    config: ConfigOption = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", help=tr("Cuántos intentos mostrar.", "How many attempts to show.")
        ),
    ] = 20,
) -> None:
    """Show the send ledger: the latest attempts, newest first."""
    from reports import ledger
    from sync.store import open_store

    cfg = get_config(config)
    records = ledger.list_sends(open_store(cfg.store.path), limit=limit)
    if not records:
        echo("Aún no se ha enviado ningún resumen.")
        return
    echo(f"{'inicio (UTC)':<21} {'estado':<8} {'período':<9} {'resumen':<16} destinatarios")
    for r in records:
        echo(
            f"{r.started_at:<21} {r.status:<8} {r.period:<9} {r.digest:<16} "
            f"{', '.join(r.recipients)}"
        )
        if r.error:
            echo(f"{'':<21} ↳ {r.error}")


def require_email(cfg: Config) -> EmailConfig:
    if cfg.email is None or not cfg.email.digests:
        raise ConfigError(
            "no [email] section with [[email.digests]]; copy them from config.example.toml",
            path=str(cfg.source or "config"),
            key="email",
        )
    return cfg.email


def smtp_password(email: EmailConfig) -> str | None:
    """The SMTP password from ``$password_env``; a ConfigError when a username needs one."""
    password = email.password()
    if email.username and email.password_env and password is None:
        raise ConfigError(
            f"the environment variable {email.password_env} is not set; export the SMTP "
            f"password for {email.username!r} in it",
            key="email.password_env",
        )
    return password


def select_digests(email: EmailConfig, names: list[str] | None) -> list[DigestConfig]:
    if not names:
        return list(email.digests)
    known = {d.name: d for d in email.digests}
    for name in names:
        if name not in known:
            raise ConfigError(
                f"--digest {name!r}: no such digest (configured: {', '.join(known)})",
                key="email.digests",
            )
    return [known[n] for n in dict.fromkeys(names)]


def digest_instance(cfg: Config, entry: DigestConfig) -> InstanceConfig:
    if entry.instance is None and len(cfg.instances) > 1:
        raise ConfigError(
            f"email.digests ({entry.name}): several instances are configured; "
            'set instance = "NAME" for this digest',
            key="email.digests",
        )
    return cfg.instance(entry.instance)[0]


def outgoing(
    cfg: Config, entry: DigestConfig, db: Database, week: str | None, now: datetime
) -> Outgoing:
    """Build, render and address one configured digest for its period."""
    from reports.api import choose_period, load_digest
    from reports.delivery import Outgoing
    from reports.mail import digest_email

    instance = digest_instance(cfg, entry)
    period = choose_period(instance, now, week=week)
    digest = load_digest(db, instance, cfg, now, period, entry.departments or None)
    names = [cfg.department(slug).name for slug in entry.departments]
    content = digest_email(
        digest,
        lang=entry.lang,
        department_names=names,
        templates_dir=cfg.reports.templates_dir,
    )
    return Outgoing(entry.name, instance.name, period, content, tuple(entry.to))


def report_outcome(outcome: Outcome, email: EmailConfig) -> None:
    line = f"{outcome.digest}: {_MARK[outcome.status]} — {outcome.detail}"
    if outcome.status == "failed":
        warn(f"Error: resumen {line}")
    else:
        echo(line)

