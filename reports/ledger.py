"""The send ledger: one ``digest_sends`` row per attempt to e-mail a digest for a period.

The table lives in the store but belongs to this module: it is created by its own migration
set, ``LEDGER_MIGRATIONS`` (``participa.ledger``), applied by ``ensure_ledger(db)`` the first
time the ledger is used, so the sync schema does not need to know about e-mail.

An attempt is written as ``sending`` *before* the SMTP conversation starts and updated to
``sent`` or ``failed`` after it, so a process that dies mid-send leaves a visible trace.
``plan_send`` is the pure decision of what a run should do given the earlier attempts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC as _UTC
from datetime import datetime, timedelta
from typing import Literal

from sqlite_utils import Database, Migrations

from participa.errors import StoreError

TABLE = "digest_sends"
LEDGER_MIGRATIONS = Migrations("participa.ledger")

#: A ``sending`` row younger than this may belong to a run still in progress (a scheduled run
#: and a manual one overlapping): leave it alone. An SMTP conversation lasts seconds, at most
#: ``timeout_seconds`` per step, so an older ``sending`` row is a run that died.
#:
#: What a later run does with such a stale row: it sends again. The crash could have happened
#: before the server accepted the message (connect, TLS, AUTH, RCPT, DATA: seconds, up to the
#: timeout) or in the milliseconds between the server's final ``250`` and our update to
#: ``sent``; the first is far likelier, and the issue asks that a digest is never silently
#: lost. The retry reuses the crashed attempt's ``Message-ID`` (even though the re-rendered
#: content differs by its "generated at" line), so in the rare double delivery mail clients
#: that de-duplicate by Message-ID (Gmail among them) show one message.
STALE_SENDING_AFTER = timedelta(minutes=15)

Status = Literal["sending", "sent", "failed", "dry-run"]


@LEDGER_MIGRATIONS(name="m001_digest_sends")
def _m001_digest_sends(db: Database) -> None:
    db.table(TABLE).create(
        {
            "id": int,
            "digest": str,
            "instance": str,
            "period": str,
            "period_start": str,
            "period_end": str,
            "recipients": str,
            "delivered": str,
            "subject": str,
            "message_id": str,
            "content_hash": str,
            "status": str,
            "error": str,
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"digest", "instance", "period", "status", "started_at"},
    )
    db.table(TABLE).create_index(["digest", "instance", "period"])


def ensure_ledger(db: Database) -> None:
    """Create or upgrade the ``digest_sends`` table; safe to call on every use."""
    LEDGER_MIGRATIONS.apply(db)


@dataclass(frozen=True)
class SendRecord:
    """One row of ``digest_sends``."""

    digest: str
    instance: str
    period: str
    status: Status
    started_at: str
    recipients: tuple[str, ...] = ()
    delivered: tuple[str, ...] = ()
    period_start: str = ""
    period_end: str = ""
    subject: str = ""
    message_id: str = ""
    content_hash: str = ""
    error: str | None = None
    finished_at: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class SendPlan:
    """What to do for one digest and period: send (to ``recipients``) or skip (``reason``)."""

    action: Literal["send", "skip"]
    recipients: tuple[str, ...] = ()
    reason: str = ""
    reuse_message_id: str | None = None
    notes: tuple[str, ...] = field(default=())


def iso_z(moment: datetime) -> str:
    """``2026-11-24T15:00:00Z`` for an aware datetime."""
    return moment.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_send(
    attempts: Sequence[SendRecord],
    *,
    recipients: Sequence[str],
    content_hash: str,
    now: datetime,
    resend: bool = False,
) -> SendPlan:
    """Decide from the earlier attempts (oldest first) for the same digest, instance and period.

    - ``resend``: send to everyone again, with a fresh Message-ID;
    - the latest real attempt is ``sent``: skip ("ya enviado");
    - it is ``sending`` and recent: skip (another run is sending it now);
    - otherwise (none, ``failed``, stale ``sending``): send to the recipients no earlier
      attempt delivered to, reusing the last Message-ID when the content is unchanged or the
      last attempt is a stale ``sending`` (it may have been delivered: the rendered text
      carries its generation time, so a retry's content always differs a little).
    """
    real = [a for a in attempts if a.status != "dry-run"]
    if resend:
        return SendPlan("send", tuple(recipients))
    if not real:
        return SendPlan("send", tuple(recipients))
    last = real[-1]
    if last.status == "sent":
        return SendPlan("skip", reason=f"ya enviado el {last.finished_at or last.started_at}")
    if last.status == "sending" and now - _parse_z(last.started_at) < STALE_SENDING_AFTER:
        return SendPlan("skip", reason=f"otro envío en curso desde {last.started_at}")
    delivered = {addr.lower() for a in real for addr in a.delivered}
    pending = tuple(r for r in recipients if r.lower() not in delivered)
    if not pending:
        return SendPlan("skip", reason="ya enviado a todos los destinatarios")
    # a stale `sending` may have reached the server: same Message-ID even if the content
    # moved on (the text says when it was generated), so clients that de-duplicate show one
    same = last.content_hash == content_hash or last.status == "sending"
    reuse = last.message_id if same and last.message_id else None
    notes = (
        (f"intento anterior interrumpido ({last.started_at}): se reenvía",)
        if (last.status == "sending")
        else ()
    )
    return SendPlan("send", pending, reuse_message_id=reuse, notes=notes)


def attempts_for(db: Database, digest: str, instance: str, period: str) -> list[SendRecord]:
    """Earlier attempts for this digest, instance and period, oldest first."""
    ensure_ledger(db)
    rows = db.table(TABLE).rows_where(
        "digest = ? AND instance = ? AND period = ?", [digest, instance, period], order_by="id"
    )
    return [_from_row(r) for r in rows]


def record_start(db: Database, record: SendRecord) -> int:
    """Insert an attempt (``sending`` or ``dry-run``) and return its id."""
    ensure_ledger(db)
    row = _to_row(record)
    row.pop("id", None)
    with db.atomic():
        last_pk = db.table(TABLE).insert(row).last_pk
    if last_pk is None:
        raise StoreError(f"{TABLE}: the new row has no id; the store may be damaged")
    return int(last_pk)


def record_result(
    db: Database,
    send_id: int,
    *,
    status: Status,
    now: datetime,
    delivered: Sequence[str] = (),
    error: str | None = None,
) -> None:
    """Close an attempt as ``sent`` or ``failed``."""
    with db.atomic():
        db.table(TABLE).update(
            send_id,
            {
                "status": status,
                "delivered": json.dumps(list(delivered)),
                "error": error,
                "finished_at": iso_z(now),
            },
        )


def list_sends(db: Database, *, limit: int = 50) -> list[SendRecord]:
    """The most recent attempts, newest first."""
    ensure_ledger(db)
    rows = db.table(TABLE).rows_where(order_by="id desc", limit=limit)
    return [_from_row(r) for r in rows]


def _to_row(record: SendRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "digest": record.digest,
        "instance": record.instance,
        "period": record.period,
        "period_start": record.period_start,
        "period_end": record.period_end,
        "recipients": json.dumps(list(record.recipients)),
        "delivered": json.dumps(list(record.delivered)),
        "subject": record.subject,
        "message_id": record.message_id,
        "content_hash": record.content_hash,
        "status": record.status,
        "error": record.error,
        "started_at": record.started_at,
        "finished_at": record.finished_at,
    }


def _from_row(row: dict[str, object]) -> SendRecord:
    return SendRecord(
        id=int(row["id"]),  # type: ignore[call-overload]
        digest=str(row["digest"]),
        instance=str(row["instance"]),
        period=str(row["period"]),
        period_start=str(row.get("period_start") or ""),
        period_end=str(row.get("period_end") or ""),
        recipients=tuple(json.loads(str(row.get("recipients") or "[]"))),
        delivered=tuple(json.loads(str(row.get("delivered") or "[]"))),
        subject=str(row.get("subject") or ""),
        message_id=str(row.get("message_id") or ""),
        content_hash=str(row.get("content_hash") or ""),
        status=row["status"],  # type: ignore[arg-type]
        error=row.get("error"),  # type: ignore[arg-type]
        started_at=str(row["started_at"]),
        finished_at=row.get("finished_at"),  # type: ignore[arg-type]
    )


def _parse_z(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_UTC)
