"""Neutralising untrusted text (Decidim titles, bodies, URLs) for each output format.

HTML is escaped by Jinja's autoescape. Markdown and plain text templates run every ``{{ }}``
through ``md_text`` / ``plain_text`` (the environment's ``finalize``), unless the value is a
``Trusted`` string built by our own helpers from already-escaped parts.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

TITLE_MAX = 140
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class Trusted(str):
    """Output of our own helpers: already safe for the format; ``finalize`` leaves it alone."""


def plain_text(value: object) -> str:
    """One line of printable text: control and bidi characters removed, whitespace collapsed."""
    if isinstance(value, Trusted):
        return value
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def shorten(value: object, limit: int = TITLE_MAX) -> str:
    text = plain_text(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def md_text(value: object) -> str:
    """Markdown-escaped single line: no emphasis, links, HTML, tables or autolinks."""
    if isinstance(value, Trusted):
        return value
    escaped = _MD_SPECIAL.sub(r"\\\1", plain_text(value))
    escaped = re.sub(r"(?i)\bwww\.", r"www\\.", escaped)
    return escaped.replace("://", "\\://")


def safe_url(url: object) -> str | None:
    """The URL if it is plain http(s) without spaces or markup characters, else None."""
    text = "" if url is None else str(url).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if any(c in text for c in " <>\"'`()[]\\") or _CONTROL.search(text):
        return None
    return text


def md_link(title: object, url: object) -> Trusted:
    """``[escaped title](url)`` for a safe URL, else just the escaped title."""
    label = md_text(shorten(title))
    href = safe_url(url)
    return Trusted(f"[{label}](<{href}>)" if href else label)


def csv_cell(value: object) -> object:
    """Numbers stay numbers; text is flattened and guarded against spreadsheet formulas."""
    if value is None or isinstance(value, int | float):
        return value
    text = plain_text(value)
    return "'" + text if text.startswith(_CSV_TRIGGERS) else text
