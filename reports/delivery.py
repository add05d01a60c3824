"""Delivering composed digests: SMTP, ``.eml`` files, and the send ledger around them.

``smtp_transport(config, password)`` returns the one I/O seam, a ``Transport``: a function
that takes a message and the envelope recipients and returns the recipients the server
accepted and those it refused. Tests pass a real loopback SMTP server's address in the
config. ``dispatch`` sends one digest for one period exactly once (see ``reports.ledger``).

Every SMTP problem becomes a ``DeliveryError`` whose message names the digest, the server
and the fix, and never contains the password:

- connection refused, DNS failure, timeout   → check ``smtp_host``/``smtp_port``
- TLS handshake failure, no STARTTLS offered → check ``security`` and ``smtp_port``
- authentication refused                     → check ``username`` and ``$password_env``
- sender or every recipient refused (4xx/5xx), connection dropped, other server errors.

A recipient refused while others were accepted is not an exception: the attempt is recorded
as ``failed`` with the accepted recipients, and the next run sends to the others only.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

from sqlite_utils import Database

from participa.errors import DeliveryError
from reports import ledger
from reports.mail import DigestEmail, compose_message, content_hash, eml_filename, message_id
from reports.period import Period
from sync.config import EmailConfig

#: (accepted, refused {address: "550 5.1.1 reason"})
Delivered = tuple[tuple[str, ...], dict[str, str]]
Transport = Callable[[EmailMessage, Sequence[str]], Delivered]


@dataclass(frozen=True)
class Outgoing:
    """One digest for one period, composed and addressed."""

    digest: str
    instance: str
    period: Period
    content: DigestEmail
    to: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    digest: str
    status: Literal["sent", "failed", "dry-run", "skipped"]
    detail: str = ""
    path: Path | None = None
    message_id: str = ""


def smtp_transport(config: EmailConfig, password: str | None) -> Transport:
    """A ``Transport`` that opens one SMTP connection per message, as configured."""

    def send(msg: EmailMessage, recipients: Sequence[str]) -> Delivered:
        server = f"{config.smtp_host}:{config.smtp_port}"
        try:
            with _connect(config) as smtp:
                if config.username:
                    smtp.login(config.username, password or "")
                refused = smtp.send_message(
                    msg, from_addr=parseaddr(config.sender)[1], to_addrs=list(recipients)
                )
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(_scrub(explain_smtp_error(exc, server, config), password)) from None
        refused_text = {addr: _reply(code, text) for addr, (code, text) in refused.items()}
        accepted = tuple(r for r in recipients if r not in refused)
        return accepted, refused_text

    return send


def _connect(config: EmailConfig) -> smtplib.SMTP:
    timeout = config.timeout_seconds
    if config.security == "ssl":
        return smtplib.SMTP_SSL(
            config.smtp_host, config.smtp_port, timeout=timeout, context=_tls(config)
        )
    smtp = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=timeout)
    try:
        if config.security == "starttls":
            smtp.ehlo()
            smtp.starttls(context=_tls(config))
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _tls(config: EmailConfig) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not config.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def explain_smtp_error(exc: BaseException, server: str, config: EmailConfig) -> str:
    """One line saying what went wrong with ``server`` and what to change."""
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
        exc.__context__, TimeoutError
    ):
        exc = exc.__context__  # smtplib reports a read timeout as a disconnection
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"el servidor {server} rechazó la autenticación del usuario {config.username!r} "
            f"({_reply(exc.smtp_code, exc.smtp_error)}); revisa [email] username y la "
            f"contraseña en ${config.password_env or 'password_env'}"
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{a}: {_reply(c, t)}" for a, (c, t) in exc.recipients.items())
        return f"el servidor {server} rechazó a todos los destinatarios ({refused}); {_hint(exc)}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"el servidor {server} rechazó el remitente {exc.sender} "
            f"({_reply(exc.smtp_code, exc.smtp_error)}); revisa [email] from y username"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return (
            f'el servidor {server} no ofrece STARTTLS ({exc}); usa security = "ssl" '
            '(puerto 465) o, solo en una red de confianza, security = "none"'
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return (
            f"el servidor {server} cerró la conexión ({exc or 'sin respuesta'}); "
            "se reintentará en la próxima ejecución; si persiste, revisa security y smtp_port"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return (
            f"el servidor {server} respondió {_reply(exc.smtp_code, exc.smtp_error)}; {_hint(exc)}"
        )
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return (
            f'falló TLS con {server} ({exc}); revisa [email] security ("starttls" en el '
            'puerto 587, "ssl" en el 465) y el certificado del servidor (verify_tls)'
        )
    if isinstance(exc, socket.timeout | TimeoutError):
        return (
            f"el servidor {server} no respondió en {config.timeout_seconds:g} s; revisa "
            "[email] smtp_host y smtp_port, o sube timeout_seconds"
        )
    if isinstance(exc, ConnectionRefusedError):
        return f"no se pudo conectar a {server}: conexión rechazada; {_CHECK_SERVER}"
    if isinstance(exc, socket.gaierror):
        return f"no se encontró el servidor {server} ({exc.strerror}); {_CHECK_SERVER}"
    return f"falló el envío por {server} ({type(exc).__name__}: {exc}); {_CHECK_SERVER}"


_CHECK_SERVER = "revisa [email] smtp_host y smtp_port, y que el servidor esté en marcha"


def _hint(exc: Exception) -> str:
    code = getattr(exc, "smtp_code", 0)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in exc.recipients.values()]
        code = max(codes) if codes else 0
    if 400 <= code < 500:
        return "error temporal: se reintentará en la próxima ejecución"
    return "revisa las direcciones en [[email.digests]] to o pregunta al administrador del correo"


def _reply(code: int, text: bytes | str) -> str:
    body = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(body.split())}"


def _scrub(message: str, password: str | None) -> str:
    """Remove the password from a message, in case a server echoed it back."""
    return message.replace(password, "***") if password else message


def write_eml(msg: EmailMessage, outbox: Path, filename: str) -> Path:
    """Write ``msg`` as ``outbox/filename`` (created if needed) and return the path."""
    try:
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / filename
        path.write_bytes(msg.as_bytes(policy=policy.SMTP))
    except OSError as exc:
        raise DeliveryError(
            f"no se pudo escribir en {outbox} ({exc.strerror}); elige otra carpeta con --outbox"
        ) from None
    return path


def dispatch(
    db: Database,
    out: Outgoing,
    *,
    email: EmailConfig,
    transport: Transport,
    now: datetime,
    resend: bool = False,
) -> Outcome:
    """Send ``out`` unless the ledger says it was sent; record the attempt either way."""
    sha = content_hash(out.content)
    attempts = ledger.attempts_for(db, out.digest, out.instance, out.period.label)
    plan = ledger.plan_send(attempts, recipients=out.to, content_hash=sha, now=now, resend=resend)
    if plan.action == "skip":
        return Outcome(out.digest, "skipped", plan.reason)
    nonce = now.strftime("%Y%m%dT%H%M%S") if resend else ""
    mid = plan.reuse_message_id or _message_id(out, email, sha, nonce)
    msg = compose_message(
        out.content, sender=email.sender, to=out.to, now=now, msg_id=mid, reply_to=email.reply_to
    )
    send_id = ledger.record_start(db, _record(out, plan.recipients, sha, mid, "sending", now))
    try:
        accepted, refused = transport(msg, plan.recipients)
    except DeliveryError as exc:
        ledger.record_result(db, send_id, status="failed", now=now, error=str(exc))
        return Outcome(out.digest, "failed", str(exc), message_id=mid)
    if refused:
        error = "destinatarios rechazados: " + "; ".join(f"{a}: {r}" for a, r in refused.items())
        ledger.record_result(db, send_id, status="failed", now=now, delivered=accepted, error=error)
        return Outcome(out.digest, "failed", error, message_id=mid)
    ledger.record_result(db, send_id, status="sent", now=now, delivered=accepted)
    detail = " ".join((*plan.notes, f"enviado a {', '.join(accepted)}"))
    return Outcome(out.digest, "sent", detail, message_id=mid)


def dry_run(
    db: Database, out: Outgoing, *, email: EmailConfig, outbox: Path, now: datetime
) -> Outcome:
    """Compose ``out`` and write it to ``outbox`` as an ``.eml`` file; no SMTP."""
    sha = content_hash(out.content)
    mid = _message_id(out, email, sha, "")
    msg = compose_message(
        out.content, sender=email.sender, to=out.to, now=now, msg_id=mid, reply_to=email.reply_to
    )
    path = write_eml(msg, outbox, eml_filename(out.period.label, out.digest, out.instance))
    ledger.record_start(db, _record(out, out.to, sha, mid, "dry-run", now, finished=True))
    attempts = ledger.attempts_for(db, out.digest, out.instance, out.period.label)
    plan = ledger.plan_send(attempts, recipients=out.to, content_hash=sha, now=now)
    note = f" (un envío real: omitido, {plan.reason})" if plan.action == "skip" else ""
    return Outcome(out.digest, "dry-run", f"{path}{note}", path=path, message_id=mid)


def _message_id(out: Outgoing, email: EmailConfig, sha: str, nonce: str) -> str:
    return message_id(
        email.sender,
        digest=out.digest,
        instance=out.instance,
        period=out.period.label,
        content_sha=sha,
        nonce=nonce,
    )


def _record(
    out: Outgoing,
    recipients: Sequence[str],
    sha: str,
    mid: str,
    status: ledger.Status,
    now: datetime,
    *,
    finished: bool = False,
) -> ledger.SendRecord:
    stamp = ledger.iso_z(now)
    return ledger.SendRecord(
        digest=out.digest,
        instance=out.instance,
        period=out.period.label,
        period_start=out.period.start.isoformat(),
        period_end=out.period.end.isoformat(),
        recipients=tuple(recipients),
        subject=out.content.subject,
        message_id=mid,
        content_hash=sha,
        status=status,
        started_at=stamp,
        finished_at=stamp if finished else None,
    )
