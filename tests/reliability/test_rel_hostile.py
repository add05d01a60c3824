"""Hostile Decidim content, property-based (hypothesis, derandomized so CI is repeatable).

Whatever a participant writes — ``<script>``, ``javascript:`` links, CR/LF, bidi and
zero-width characters, emoji, 1 MB bodies, lone surrogates from a broken JSON escape —
normalization does not fail, HTML output carries no element or attribute that came from the
input, text outputs stay one line per field, and e-mails keep their headers intact.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import replace
from email import message_from_bytes, policy
from html.parser import HTMLParser
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from report_rows import digest_of  # noqa: E402
from sample_digest import DEPARTMENTS, NOW, sample_rows  # noqa: E402

from connector.models import Proposal  # noqa: E402
from reports.mail import compose_message, digest_email  # noqa: E402
from reports.model import DigestOptions  # noqa: E402
from reports.period import iso_week  # noqa: E402
from reports.render import render  # noqa: E402
from sync.normalize import Context, Place, proposal_row  # noqa: E402
from sync.text import MENTION, plain, scrub_mentions, to_utc  # noqa: E402

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HEAVY = settings(SETTINGS, max_examples=50)
NASTY = [
    '<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "javascript:alert(1)",
    '"><svg onload=alert(1)>', "\r\nBcc: victim@example.com\r\n", "\n\nX-Injected: 1",
    "\u202eevil\u202c", "a\u200bb\u200dc\ufeff", "\u2028\u2029", "👩🏽‍🚀🏳️‍🌈", "\x00\x07\x1b[31m",
    "=HYPERLINK(\"http://x\")", "[link](javascript:alert(1))", "<!--", "]]>", "{{ 7*7 }}",
    "&lt;script&gt;", "%0d%0aSet-Cookie:x", "gid://app/Decidim::User/5",
]
hostile = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=40)), max_size=6).map(
    "".join)
urls = st.one_of(st.sampled_from(["javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x",
                                  'https://x.cl/"onmouseover="x', "https://x.cl/ok", "//x.cl",
                                  "vbscript:x", " https://x.cl/a b", "https://x.cl/\r\nX: y"]),
                 st.text(max_size=30))
CTX = Context(instance="valpo", locale="es", base_url="https://participa.example.cl",
              secret=b"k" * 32)
PLACE = Place(3, "participatory_process", 1, "presupuestos")
W47 = iso_week("2026-W47", "America/Santiago")


# --- normalization ----------------------------------------------------------------------------


@SETTINGS
@given(hostile)
def test_plain_and_scrub_never_fail_and_leave_no_mention_ids(text):
    out = plain(text)
    assert out is None or (isinstance(out, str) and out == out.strip())
    scrubbed = scrub_mentions(text)
    assert "Decidim::User/" not in scrubbed and scrub_mentions(scrubbed) == scrubbed
    to_utc(text)


@SETTINGS
@given(title=hostile, body=hostile, address=st.one_of(st.none(), hostile))
def test_proposal_rows_from_hostile_text(title, body, address):
    node = {"id": "9", "title": {"translations": [{"locale": "es", "text": title}]},
            "body": {"translations": [{"locale": "es", "text": body}]},
            "address": address, "publishedAt": "2026-11-20T10:00:00-03:00",
            "author": {"id": "5", "__typename": "User"}}
    row = proposal_row(Proposal.model_validate(node), PLACE, CTX)
    assert isinstance(row["title"], str)
    assert row["body_html"] is None or MENTION in row["body_html"] or \
        "Decidim::User/" not in row["body_html"]


def test_null_title_one_megabyte_body_and_emoji():
    body = "<p>" + "vecinas 👩🏽‍🤝‍👩🏼 " * 70_000 + "</p>"
    node = {"id": "9", "title": None, "body": {"translations": [{"locale": "es", "text": body}]}}
    row = proposal_row(Proposal.model_validate(node), PLACE, CTX)
    assert row["title"] == "" and len(row["body_text"]) > 1_000_000
    assert row["body_text"].startswith("vecinas 👩🏽‍🤝‍👩🏼")


def test_lone_surrogates_from_the_server_become_replacement_characters():
    from connector.client import DecidimClient

    raw = ('{"data": {"participatoryProcesses": [{"id": "1", "slug": "p", "title": '
           '{"translations": [{"locale": "es", "text": "Roto \\ud83d y bien \\ud83d\\ude00"}]},'
           ' "components": []}], "assemblies": []}}')
    transport = httpx.MockTransport(lambda r: httpx.Response(200, text=raw))
    with DecidimClient("https://x.cl/api", transport=transport, sleep=lambda _s: None) as client:
        from connector.models import Features

        (space,) = list(client.iter_spaces(Features()))
    text = space.title[0].text
    assert text == "Roto \ufffd y bien 😀"
    text.encode("utf-8")  # SQLite, files and e-mail can take it


# --- rendering -----------------------------------------------------------------------------


class _Shape(HTMLParser):
    """Tags, attribute names and URL-ish attribute values of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: set[tuple[str, str]] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            self.attrs.add((tag, name))
            if name in ("href", "src", "action", "formaction", "background", "xlink:href"):
                self.urls.append(value or "")

    handle_startendtag = handle_starttag


def shape(html: str) -> _Shape:
    parser = _Shape()
    parser.feed(html)
    parser.close()
    return parser


def hostile_digest(title: str, url: str, department: str, instance: str = "valparaiso"):
    rows = sample_rows()
    items = tuple({**r, "title": title if n % 2 else r["title"] + title, "url": url}
                  for n, r in enumerate(rows.items))
    spaces = tuple({**s, "title": title, "url": url} for s in rows.spaces)
    departments = [(slug, department + name) for slug, name in DEPARTMENTS]
    return digest_of(replace(rows, items=items, spaces=spaces), W47, departments,
                     DigestOptions(), NOW, instance)


BASELINE = shape(render(hostile_digest("", "https://x.cl/ok", ""), "html"))
SAFE_URL = ("https://", "http://", "cid:", "data:image/png;base64,", "#", "mailto:")


@HEAVY
@given(title=hostile, url=urls, department=hostile)
def test_any_title_and_url_render_to_safe_html(title, url, department):
    digest = hostile_digest(title, url, department)
    for lang in ("es", "en"):
        html = render(digest, "html", lang=lang)
        got = shape(html)
        assert got.tags <= BASELINE.tags, got.tags - BASELINE.tags
        assert got.attrs <= BASELINE.attrs, got.attrs - BASELINE.attrs
        assert not any(name.startswith("on") for _tag, name in got.attrs)
        for link in got.urls:
            assert link.startswith(SAFE_URL) and "javascript:" not in link.lower(), link
            assert not any(c in link for c in "\r\n\"'<> "), link


@HEAVY
@given(title=hostile, url=urls, department=hostile)
def test_text_markdown_json_csv_stay_well_formed(title, url, department):
    digest = hostile_digest(title, url, department)
    for fmt in ("text", "markdown"):
        out = render(digest, fmt)
        assert not any(ord(c) < 32 and c != "\n" for c in out), fmt
        assert not any(c in out for c in "\u2028\u2029\u202e\u200b")
    md = render(digest, "markdown")
    assert not re.search(r"(?<!\\)<(script|img|svg|a )", md)  # markup is escaped: \<script
    assert "](javascript" not in md.lower() and "(<javascript" not in md.lower()
    json.loads(render(digest, "json"))
    for row in csv.reader(io.StringIO(render(digest, "csv"))):
        assert not any(cell.startswith(("=", "+", "@")) for cell in row), row


# --- e-mail --------------------------------------------------------------------------------


@HEAVY
@given(title=hostile, url=urls, department=hostile)
def test_hostile_digest_composes_a_valid_email_with_intact_headers(title, url, department):
    digest = hostile_digest(title, url, department)
    content = digest_email(digest, lang="es", department_names=[department, title])
    msg = compose_message(content, sender="Ciudadanía <participa@example.cl>",
                          to=["equipo@example.cl"], now=NOW, msg_id="<m@example.cl>",
                          reply_to="respuestas@example.cl")
    raw = msg.as_bytes()
    back = message_from_bytes(raw, policy=policy.default)
    assert sorted(k.lower() for k in back) == sorted(
        ["from", "to", "reply-to", "subject", "date", "message-id", "mime-version",
         "auto-submitted", "content-type"])
    for name, value in msg.items():
        assert "\r" not in str(value) and "\n" not in str(value), name
    assert back["To"] == "equipo@example.cl" and back["Message-ID"] == "<m@example.cl>"
    assert "\n" not in str(back["Subject"])
    html = next(p for p in back.walk() if p.get_content_type() == "text/html").get_content()
    got = shape(html)
    assert not any(name.startswith("on") for _tag, name in got.attrs)
    assert "script" not in got.tags
