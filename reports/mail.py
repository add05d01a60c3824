"""E-mail composition for digests: pure functions, values in and an ``EmailMessage`` out.

The message is ``multipart/alternative``: a ``text/plain`` part, then a ``multipart/related``
holding the ``text/html`` part and the charts as inline PNGs the HTML references by ``cid:``.
Headers are built with ``policy=SMTP``; every value that reaches a header first goes through
``clean_header``, which removes CR, LF and every other control character, so nothing read
from Decidim or the config can add a header. CSS inlining lives in ``reports.mail_css``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from pathlib import Path

from participa.errors import DeliveryError
from reports.mail_css import inline_css
from reports.model import Digest
from reports.period import Period
from reports.render import render

_MONTHS = {
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_WORDS = {
    "es": {
        "week": "Participación semana",
        "period": "Participación",
        "all": "Todos los departamentos",
        "and": "y",
    },
    "en": {
        "week": "Participation week",
        "period": "Participation",
        "all": "All departments",
        "and": "and",
    },
}
_SAFE_TOKEN = re.compile(r"[^A-Za-z0-9._-]+")

#: Phone-width adjustments for the report template's classes, kept in a ``<style>`` block
#: (inline styles cannot hold media queries; Gmail, Apple Mail and phone clients apply it,
#: Outlook desktop ignores it). Without it the four-column tables, whose numeric cells do not
#: wrap, push a 360 px screen into horizontal scrolling. Belongs in templates/_digest.css.


@dataclass(frozen=True)
class InlineImage:
    """A chart the HTML shows as ``<img src="cid:{cid}" alt="{alt}">``."""

    cid: str
    data: bytes
    filename: str = "chart.png"
    subtype: str = "png"


@dataclass(frozen=True)
class DigestEmail:
    """Everything that makes one message's content (not its envelope or headers)."""

    subject: str
    text: str
    html: str
    images: tuple[InlineImage, ...] = ()


def clean_header(value: str) -> str:
    """One line of printable text: control characters (CR, LF, TAB, NUL, DEL, C1, U+2028…)
    become spaces, runs of whitespace collapse, and the ends are trimmed."""
    out = "".join(" " if _is_control(ch) else ch for ch in value)
    return " ".join(out.split())


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != "\u200d"


def period_phrase(period: Period, lang: str) -> str:
    """``16–22 nov 2026``, ``30 nov–6 dic 2026``, ``29 dic 2025–4 ene 2026``."""
    start, end = period.start, period.end
    if start.year != end.year:
        return f"{_day_month(start, lang)} {start.year}–{_day_month(end, lang)} {end.year}"
    if start.month != end.month:
        return f"{_day_month(start, lang)}–{_day_month(end, lang)} {end.year}"
    return f"{start.day}–{_day_month(end, lang)} {end.year}"


def _day_month(day: date, lang: str) -> str:
    return f"{day.day} {_MONTHS[lang][day.month - 1]}"


def audience_label(department_names: Sequence[str], lang: str) -> str:
    """``Diversidades y Disidencias``; ``A, B y C``; none: ``Todos los departamentos``."""
    names = [clean_header(n) for n in department_names if clean_header(n)]
    if not names:
        return _WORDS[lang]["all"]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {_WORDS[lang]['and']} {names[-1]}"


def subject_for(period: Period, department_names: Sequence[str], lang: str) -> str:
    """``Participación semana 47 (16–22 nov 2026) — Diversidades y Disidencias``."""
    words = _WORDS[lang]
    if period.is_iso_week:
        head = f"{words['week']} {period.start.isocalendar()[1]}"
    else:
        head = words["period"]
    return clean_header(
        f"{head} ({period_phrase(period, lang)}) — {audience_label(department_names, lang)}"
    )


def content_hash(content: DigestEmail) -> str:
    """SHA-256 of what the reader sees (subject, text, HTML, images), not of the headers."""
    digest = hashlib.sha256()
    for piece in (content.subject, content.text, content.html):
        digest.update(piece.encode("utf-8") + b"\0")
    for image in content.images:
        digest.update(image.cid.encode("utf-8") + b"\0" + image.data + b"\0")
    return digest.hexdigest()


def sender_domain(sender: str) -> str:
    """The domain of the ``From`` address, for Message-IDs."""
    domain = parseaddr(clean_header(sender))[1].rpartition("@")[2].lower()
    return domain if re.fullmatch(r"[a-z0-9.-]+", domain or "") else "participa.invalid"


def message_id(
    sender: str, *, digest: str, instance: str, period: str, content_sha: str, nonce: str = ""
) -> str:
    """``<2026-W47.diversidades.valparaiso.1a2b3c4d5e6f@example.cl>``.

    Derived from the content, so a retry of the same content carries the same Message-ID
    (clients that de-duplicate show one message); ``nonce`` (``--resend``) makes a new one.
    """
    parts = [period, digest, instance, content_sha[:12]] + ([nonce] if nonce else [])
    local = ".".join(_SAFE_TOKEN.sub("-", p).strip("-.") or "x" for p in parts)
    return f"<{local}@{sender_domain(sender)}>"


def compose_message(
    content: DigestEmail,
    *,
    sender: str,
    to: Sequence[str],
    now: datetime,
    msg_id: str,
    reply_to: str | None = None,
) -> EmailMessage:
    """The complete message, ready for ``smtplib.SMTP.send_message``."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = _address_header(sender, "from")
    msg["To"] = ", ".join(_address_header(addr, "to") for addr in to)
    if reply_to:
        msg["Reply-To"] = _address_header(reply_to, "reply_to")
    msg["Subject"] = clean_header(content.subject)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = clean_header(msg_id)
    msg["MIME-Version"] = "1.0"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(_text_body(content.text), subtype="plain", cte="quoted-printable")
    msg.add_alternative(content.html, subtype="html", cte="quoted-printable")
    if content.images:
        html_part = next(p for p in msg.iter_parts() if p.get_content_type() == "text/html")
        for image in content.images:
            html_part.add_related(
                image.data,
                maintype="image",
                subtype=image.subtype,
                cid=f"<{clean_header(image.cid)}>",
                filename=clean_header(image.filename),
                disposition="inline",
            )
    return msg


def _text_body(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _address_header(value: str, key: str) -> str:
    """One address, cleaned and re-serialised; ``DeliveryError`` when it is not one."""
    cleaned = clean_header(value)
    pairs = getaddresses([cleaned])
    if len(pairs) != 1 or "@" not in pairs[0][1]:
        raise DeliveryError(
            f"[email] {key}: {cleaned!r} is not one e-mail address; "
            "use 'Name <user@example.cl>' or 'user@example.cl'"
        )
    name, addr = pairs[0]
    user, _, domain = addr.rpartition("@")
    try:
        return str(Address(display_name=name, username=user, domain=domain))
    except (ValueError, IndexError) as exc:
        raise DeliveryError(f"[email] {key}: {cleaned!r} is not a valid address ({exc})") from None


def eml_filename(period: str, digest: str, instance: str) -> str:
    """``2026-W47-valparaiso-diversidades.eml``: safe on every file system."""
    return "-".join(_SAFE_TOKEN.sub("_", p) for p in (period, instance, digest)) + ".eml"


def digest_email(
    digest: Digest,
    *,
    lang: str,
    department_names: Sequence[str],
    templates_dir: Path | None = None,
) -> DigestEmail:
    """Subject, text and e-mail HTML (CSS inlined, charts as ``cid:`` images) of a digest."""
    images: dict[str, InlineImage] = {}

    def cid_src(name: str, data: bytes) -> str:
        cid = f"{_SAFE_TOKEN.sub('-', name)}.{digest.period.label}@participa"
        images[cid] = InlineImage(cid, data, filename=f"{_SAFE_TOKEN.sub('-', name)}.png")
        return f"cid:{cid}"

    html = render(digest, "html", lang=lang, templates_dir=templates_dir, image_src=cid_src)
    text = render(digest, "text", lang=lang, templates_dir=templates_dir)
    subject = subject_for(digest.period, department_names, lang)
    return DigestEmail(subject, text, email_html(html), tuple(images.values()))


def email_html(html: str) -> str:
    """The report's HTML made for mail clients: CSS inlined into ``style`` attributes; the
    template's phone ``@media`` block stays in the head (mail clients that honour it)."""
    return inline_css(html)


def html_with_files(content: DigestEmail, stem: str) -> tuple[str, dict[str, bytes]]:
    """For previews: the HTML with each ``cid:`` replaced by a file name beside it, and the
    files (name → bytes) to write there."""
    html, files = content.html, {}
    for image in content.images:
        name = f"{stem}-{image.filename}"
        html = html.replace(f"cid:{image.cid}", name)
        files[name] = image.data
    return html, files
