"""Delivery through a real SMTP server on loopback: success, the ledger, and every failure."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.smtp import AuthResult

from reports import ledger
from reports.delivery import Outgoing, dispatch, dry_run, smtp_transport
from reports.mail import DigestEmail, InlineImage
from reports.period import iso_week
from sync.config import EmailConfig

SENDER = "Ciudadanía Digital <ciudadania.digital@example.cl>"

NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
W47 = iso_week("2026-W47", "America/Santiago")
PNG = b"\x89PNG\r\n\x1a\n-chart-"
CONTENT = DigestEmail(
    subject="Participación semana 47 (16–22 nov 2026) — Diversidades y Disidencias",
    text="Propuestas nuevas: 3\n",
    html='<html lang="es"><body><img src="cid:trend@participa" alt="t"></body></html>',
    images=(InlineImage("trend@participa", PNG, "trend.png"),),
)
TO = ("diversidades@example.cl", "jefa@example.cl")


def email_config(port: int, **overrides) -> EmailConfig:
    """An ``[email]`` section for a loopback server: no TLS, short timeout."""
    raw = {"from": SENDER, "smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
           "timeout_seconds": 5, **overrides}  # fmt: skip
    return EmailConfig.model_validate(raw)


def outgoing(to=TO, content=CONTENT) -> Outgoing:
    return Outgoing("diversidades", "valparaiso", W47, content, tuple(to))


def send(store, port, *, now=NOW, resend=False, out=None, password=None, **email_kw):
    email = email_config(port, **email_kw)
    return dispatch(
        store,
        out or outgoing(),
        email=email,
        transport=smtp_transport(email, password),
        now=now,
        resend=resend,
    )


def test_sends_one_message_and_records_it(store, smtp_server):
    outcome = send(store, smtp_server.port, reply_to="equipo@example.cl")
    assert outcome.status == "sent", outcome.detail
    [got] = smtp_server.received
    assert got.mail_from == "ciudadania.digital@example.cl"
    assert got.rcpt_tos == list(TO)
    msg = got.message
    assert msg["From"] == SENDER and msg["To"] == ", ".join(TO)
    assert msg["Reply-To"] == "equipo@example.cl"
    assert msg["Message-ID"] == outcome.message_id and outcome.message_id.endswith("@example.cl>")
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png",
    ]  # fmt: skip
    [row] = ledger.list_sends(store)
    assert (row.status, row.period, row.recipients, row.delivered) == ("sent", "2026-W47", TO, TO)
    assert row.content_hash and row.error is None and row.finished_at == "2026-11-24T11:00:00Z"


def test_second_run_does_nothing_and_resend_sends_with_new_message_id(store, smtp_server):
    first = send(store, smtp_server.port)
    again = send(store, smtp_server.port, now=NOW + timedelta(hours=1))
    assert again.status == "skipped" and "ya enviado" in again.detail
    assert len(smtp_server.received) == 1
    resent = send(store, smtp_server.port, now=NOW + timedelta(hours=2), resend=True)
    assert resent.status == "sent"
    assert len(smtp_server.received) == 2
    assert resent.message_id != first.message_id
    assert [r.status for r in ledger.list_sends(store)] == ["sent", "sent"]


def test_dry_run_writes_eml_and_never_counts_as_sent(store, tmp_path, smtp_server):
    email = email_config(smtp_server.port)
    outcome = dry_run(store, outgoing(), email=email, outbox=tmp_path / "outbox", now=NOW)
    assert outcome.path == tmp_path / "outbox" / "2026-W47-valparaiso-diversidades.eml"
    assert outcome.path.read_bytes().startswith(b"Subject:") or b"\r\nSubject: " in (
        outcome.path.read_bytes()
    )
    assert smtp_server.received == []
    assert send(store, smtp_server.port).status == "sent"
    assert [r.status for r in ledger.list_sends(store)] == ["sent", "dry-run"]


def test_refused_connection_is_recorded_and_retried_next_run(store, closed_port, smtp_server):
    failed = send(store, closed_port)
    assert failed.status == "failed"
    assert f"127.0.0.1:{closed_port}" in failed.detail
    assert "conexión rechazada" in failed.detail and "smtp_host" in failed.detail
    [row] = ledger.list_sends(store)
    assert row.status == "failed" and row.error == failed.detail and row.delivered == ()
    retried = send(store, smtp_server.port)
    assert retried.status == "sent"
    assert retried.message_id == failed.message_id  # same content: same Message-ID


def test_550_on_every_recipient(store, start_smtp, make_handler):
    handler = make_handler(rcpt_replies={a: ["550 5.1.1 No such user"] for a in TO})
    server = start_smtp(handler)
    outcome = send(store, server.port)
    assert outcome.status == "failed"
    assert "550 5.1.1 No such user" in outcome.detail
    assert "diversidades@example.cl" in outcome.detail and "[[email.digests]] to" in outcome.detail
    assert server.received == []


def test_partial_refusal_then_next_run_sends_only_to_the_refused(store, start_smtp, make_handler):
    handler = make_handler(rcpt_replies={"jefa@example.cl": ["550 5.1.1 No such user"]})
    server = start_smtp(handler)
    first = send(store, server.port)
    assert first.status == "failed" and "jefa@example.cl: 550" in first.detail
    assert server.received[0].rcpt_tos == ["diversidades@example.cl"]
    second = send(store, server.port, now=NOW + timedelta(hours=1))
    assert second.status == "sent"
    assert server.received[1].rcpt_tos == ["jefa@example.cl"]
    assert server.received[1].message["To"] == ", ".join(TO)
    assert send(store, server.port, now=NOW + timedelta(hours=2)).status == "skipped"


def test_4xx_then_success_on_the_next_run(store, start_smtp, make_handler):
    handler = make_handler(rcpt_replies={a: ["451 4.7.1 Greylisted, try again later"] for a in TO})
    server = start_smtp(handler)
    first = send(store, server.port)
    assert first.status == "failed"
    assert "451 4.7.1" in first.detail and "se reintentará" in first.detail
    second = send(store, server.port, now=NOW + timedelta(minutes=30))
    assert second.status == "sent"
    assert len(server.received) == 1 and server.received[0].rcpt_tos == list(TO)
    assert [r.status for r in ledger.list_sends(store)] == ["sent", "failed"]


def test_dropped_connection(store, start_smtp, make_handler):
    server = start_smtp(make_handler(drop_on_data=True))
    outcome = send(store, server.port)
    assert outcome.status == "failed"
    assert "cerró la conexión" in outcome.detail and f"127.0.0.1:{server.port}" in outcome.detail


def test_auth_failure_names_user_and_variable_never_the_password(store, start_smtp):
    def reject(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    server = start_smtp(authenticator=reject, auth_require_tls=False)
    secret = "s3cr3t-Pa55word"
    outcome = send(
        store, server.port, password=secret, username="participa",
        password_env="PARTICIPA_SMTP_PASSWORD",
    )  # fmt: skip
    assert outcome.status == "failed"
    assert "autenticación" in outcome.detail and "'participa'" in outcome.detail
    assert "PARTICIPA_SMTP_PASSWORD" in outcome.detail
    assert secret not in outcome.detail
    assert all(secret not in (r.error or "") for r in ledger.list_sends(store))


def test_auth_success(store, start_smtp):
    seen = []

    def accept(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    server = start_smtp(authenticator=accept, auth_require_tls=False)
    outcome = send(store, server.port, password="pw", username="participa")
    assert outcome.status == "sent"
    assert seen == [(b"participa", b"pw")]


def test_tls_failures(store, smtp_server):
    ssl_out = send(store, smtp_server.port, security="ssl")
    assert ssl_out.status == "failed" and "TLS" in ssl_out.detail and "security" in ssl_out.detail
    other = replace(outgoing(), digest="equipo")
    starttls = send(store, smtp_server.port, security="starttls", out=other)
    assert starttls.status == "failed" and "STARTTLS" in starttls.detail


def test_timeout(store, silent_server):
    outcome = send(store, silent_server, timeout_seconds=0.3)
    assert outcome.status == "failed"
    assert "no respondió en 0.3 s" in outcome.detail and "timeout_seconds" in outcome.detail


def _sending_row(store, minutes_ago: int, message_id: str, sha: str) -> None:
    started = NOW - timedelta(minutes=minutes_ago)
    ledger.record_start(
        store,
        ledger.SendRecord(
            digest="diversidades", instance="valparaiso", period="2026-W47",
            status="sending", started_at=ledger.iso_z(started), recipients=TO,
            message_id=message_id, content_hash=sha,
        ),
    )  # fmt: skip


def test_recent_sending_row_is_left_alone(store, smtp_server):
    from reports.mail import content_hash

    _sending_row(store, 2, "<old@example.cl>", content_hash(CONTENT))
    outcome = send(store, smtp_server.port)
    assert outcome.status == "skipped" and "en curso" in outcome.detail
    assert smtp_server.received == []


def test_stale_sending_row_is_sent_again_with_the_same_message_id(store, smtp_server):
    from reports.mail import content_hash

    _sending_row(store, 60, "<old@example.cl>", content_hash(CONTENT))
    outcome = send(store, smtp_server.port)
    assert outcome.status == "sent" and "interrumpido" in outcome.detail
    assert smtp_server.received[0].message["Message-ID"] == "<old@example.cl>"


@pytest.mark.parametrize("status", ["failed", "sending"])
def test_plan_is_pure(status):
    old = ledger.SendRecord(
        digest="d", instance="i", period="p", status=status,
        started_at="2026-11-24T10:00:00Z", delivered=("a@x.cl",), message_id="<m@x>",
        content_hash="h",
    )  # fmt: skip
    plan = ledger.plan_send([old], recipients=["a@x.cl", "b@x.cl"], content_hash="h", now=NOW)
    assert (plan.action, plan.recipients, plan.reuse_message_id) == ("send", ("b@x.cl",), "<m@x>")
    changed = ledger.plan_send([old], recipients=["b@x.cl"], content_hash="other", now=NOW)
    # a crashed `sending` may have been delivered: its Message-ID is kept even so
    assert changed.reuse_message_id == (None if status == "failed" else "<m@x>")
