"""Composition of digest e-mails (pure): subject, headers, MIME structure, header injection."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest

from participa.errors import DeliveryError
from reports.mail import (
    DigestEmail,
    InlineImage,
    audience_label,
    clean_header,
    compose_message,
    content_hash,
    eml_filename,
    message_id,
    period_phrase,
    subject_for,
)
from reports.period import Period, iso_week

NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
W47 = iso_week("2026-W47", "America/Santiago")
PNG = b"\x89PNG\r\n\x1a\nnot-really-a-png"
SENDER = "Ciudadanía Digital <ciudadania.digital@example.cl>"


def content(**kw) -> DigestEmail:
    base = {
        "subject": subject_for(W47, ["Diversidades y Disidencias"], "es"),
        "text": "Participación semana 47\n\nPropuestas nuevas: 3\n",
        "html": '<html lang="es"><body><p>Hola</p><img src="cid:trend@participa" alt="x">'
        "</body></html>",
        "images": (InlineImage("trend@participa", PNG, "tendencia.png"),),
    }
    return DigestEmail(**{**base, **kw})


def compose(c: DigestEmail | None = None, **kw):
    args = {
        "sender": SENDER,
        "to": ["diversidades@example.cl", "Jefa <jefa@example.cl>"],
        "now": NOW,
        "msg_id": "<2026-W47.diversidades@example.cl>",
        **kw,
    }
    msg = compose_message(c or content(), **args)
    return message_from_bytes(msg.as_bytes(), policy=policy.default)


def test_subject_spanish_week_with_period_and_department():
    assert subject_for(W47, ["Diversidades y Disidencias"], "es") == (
        "Participación semana 47 (16–22 nov 2026) — Diversidades y Disidencias"
    )


def test_subject_whole_team_and_english():
    assert subject_for(W47, [], "es").endswith("— Todos los departamentos")
    assert subject_for(W47, [], "en") == (
        "Participation week 47 (16–22 Nov 2026) — All departments"
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 30), date(2026, 12, 6), "30 nov–6 dic 2026"),
        (date(2026, 12, 28), date(2027, 1, 3), "28 dic 2026–3 ene 2027"),
    ],
)
def test_period_phrase_across_months_and_years(start, end, expected):
    assert period_phrase(Period(start, end, "America/Santiago"), "es") == expected


def test_audience_label_lists_several_departments():
    assert audience_label(["A", "B", "C"], "es") == "A, B y C"
    assert audience_label(["A", "B"], "en") == "A and B"


def test_clean_header_removes_every_control_character():
    hostile = "Hola\r\nBcc: evil@example.com\x00\x1b[31m\u2028\u202eX\tY\x7f\x85"
    cleaned = clean_header(hostile)
    assert cleaned == "Hola Bcc: evil@example.com [31m X Y"
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in cleaned)


def test_message_is_alternative_with_text_and_related_html_and_cid_image():
    msg = compose()
    assert msg.get_content_type() == "multipart/alternative"
    text, related = msg.get_payload()
    assert text.get_content_type() == "text/plain"
    assert "Propuestas nuevas: 3" in text.get_content()
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert 'src="cid:trend@participa"' in html.get_content()
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == "<trend@participa>"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == PNG


def test_headers():
    msg = compose(reply_to="Equipo <equipo@example.cl>")
    assert msg["From"] == SENDER
    assert msg["To"] == "diversidades@example.cl, Jefa <jefa@example.cl>"
    assert msg["Reply-To"] == "Equipo <equipo@example.cl>"
    assert msg["Subject"] == "Participación semana 47 (16–22 nov 2026) — Diversidades y Disidencias"
    assert msg["Date"] == "Tue, 24 Nov 2026 11:00:00 +0000"
    assert msg["Message-ID"] == "<2026-W47.diversidades@example.cl>"
    assert msg["Auto-Submitted"] == "auto-generated"


def test_no_reply_to_unless_configured_and_crlf_line_endings():
    raw = compose_message(
        content(), sender=SENDER, to=["a@example.cl"], now=NOW, msg_id="<x@example.cl>"
    ).as_bytes()
    assert b"Reply-To" not in raw
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_hostile_subject_and_names_cannot_inject_headers():
    evil = content(subject="Semana\r\nBcc: victim@evil.example\r\nX-Evil: 1")
    msg = compose(
        evil,
        sender="Ciudadanía\r\nDigital <ciudadania.digital@example.cl>",
        msg_id="<x@example.cl>\r\nX-Evil: 2",
    )
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert msg["Subject"] == "Semana Bcc: victim@evil.example X-Evil: 1"
    assert msg["From"] == "Ciudadanía Digital <ciudadania.digital@example.cl>"
    with pytest.raises(DeliveryError, match="not one e-mail address"):
        compose(sender="X\r\nBcc: a@evil.example <ciudadania.digital@example.cl>")


def test_bad_sender_address_is_a_delivery_error_naming_the_key():
    with pytest.raises(DeliveryError, match=r"\[email\] from"):
        compose(sender="not an address")


def test_message_id_uses_sender_domain_and_is_stable_for_same_content():
    sha = content_hash(content())
    first = message_id(
        SENDER, digest="diversidades", instance="valparaiso", period="2026-W47", content_sha=sha
    )
    again = message_id(
        SENDER, digest="diversidades", instance="valparaiso", period="2026-W47", content_sha=sha
    )
    resent = message_id(
        SENDER,
        digest="diversidades",
        instance="valparaiso",
        period="2026-W47",
        content_sha=sha,
        nonce="20261124T110000",
    )
    assert first == again != resent
    assert first.startswith("<2026-W47.diversidades.valparaiso.") and first.endswith("@example.cl>")
    hostile = message_id(SENDER, digest="a b\r\n>", instance="v", period="p", content_sha=sha)
    assert "\r" not in hostile and hostile.count(">") == 1


def test_content_hash_changes_with_what_the_reader_sees():
    assert content_hash(content()) == content_hash(content())
    assert content_hash(content()) != content_hash(content(text="otro"))
    other_png = (InlineImage("trend@participa", PNG + b"1"),)
    assert content_hash(content()) != content_hash(content(images=other_png))


def test_eml_filename_is_safe():
    assert eml_filename("2026-W47", "../../etc passwd", "valparaiso") == (
        "2026-W47-valparaiso-.._.._etc_passwd.eml"
    )
