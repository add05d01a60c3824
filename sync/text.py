"""Text helpers for normalization (pure): locale choice, HTML → plain text, hashtags, UTC.

- ``pick_text``: the configured locale, else any human translation (same language first),
  else a machine translation; pseudo-locales such as ``machine_translations`` are ignored.
- ``html_to_text``: Decidim HTML → plain text: block elements and ``<br>`` become line
  breaks, entities are unescaped, ``<script>``/``<style>`` content is dropped.
- ``render_gids``: Decidim stores hashtags and mentions as global ids inside text
  (``gid://app/Decidim::Hashtag/3/_Name``, ``gid://app/Decidim::User/5``); hashtags become
  ``#Name`` and mentions become ``@participante`` (no user ids in the store);
  ``scrub_mentions`` does the same to mention elements and profile links in the ``*_html``
  columns (no ids, nicknames or names there either).
- ``to_utc``: the server's ``2026-11-07T18:14:49-03:00`` → ``2026-11-07T21:14:49Z``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from html import unescape
from html.parser import HTMLParser

from connector.models import Translation

_LOCALE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_HASHTAG_GID = re.compile(r"gid://[^/\s]+/Decidim::Hashtag/\d+/_?([^\W_]\w*)")
_MENTION_GID = re.compile(r"gid://[^/\s\"'<>]+/Decidim::(?:User|UserGroup)/\d+")
#: a mention as Decidim's editors and renderers write it in HTML: TipTap's
#: ``<span data-type="mention" data-id="@nick" data-label="@nick (Name)">@nick</span>``, the
#: rendered ``<a class="user-mention" href="/profiles/nick">@nick</a>``, any profile link
_MENTION_HTML = re.compile(
    r"<(a|span)\b[^>]*(?:data-type=[\"']?mention|class=[\"'][^\"']*mention|"
    r"href=[\"'][^\"']*/profiles/)[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_HASHTAG = re.compile(r"(?:^|(?<=\s))#([^\W_]\w*)")
MENTION = "@participante"

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
})
_DROPPED = frozenset({"script", "style", "template", "noscript"})
#: a start or end tag in the plain form Decidim's editors write (``<p>``, ``<br />``,
#: ``<a href="…" target="_blank">``, ``</p>``): HTML made only of these and text without ``<``
#: is read by ``_simple_html_parts`` exactly as ``HTMLParser`` reads it, several times faster
_WS = "[ \t\n\r\f]"
_SIMPLE_TAG = re.compile(
    rf"<(?:([a-zA-Z][a-zA-Z0-9]*)(?:{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*"
    rf"(?:{_WS}*={_WS}*(?:\"[^\"]*\"|'[^']*'|[^ \t\n\r\f\"'=<>`]+))?)*{_WS}*/?"
    rf"|/([a-zA-Z][a-zA-Z0-9]*){_WS}*)>"
)
#: tags the simple reading does not handle: dropped content, and the elements whose
#: content ``HTMLParser`` (of some Python release) reads as raw text
_NOT_SIMPLE = _DROPPED | {"textarea", "title", "xmp", "iframe", "noembed", "noframes",
                          "plaintext"}


def _language(locale: str) -> str:
    return re.split(r"[-_]", locale, maxsplit=1)[0].lower()


def pick_text(translations: Sequence[Translation], locale: str) -> str | None:
    """The best translation's text for ``locale``; ``None`` when there is none."""
    for t in translations:  # the usual case: a human translation in the locale itself
        if t.locale == locale and not t.machine_translated and t.text and t.text.strip():
            if _LOCALE.match(t.locale):
                return t.text
            break
    usable = [
        t for t in translations if t.text and t.text.strip() and _LOCALE.match(t.locale)
    ]
    human = [t for t in usable if not t.machine_translated]
    machine = [t for t in usable if t.machine_translated]
    for group in (human, machine):
        for match in (
            lambda t: t.locale == locale,
            lambda t: _language(t.locale) == _language(locale),
            lambda t: True,
        ):
            found = next((t for t in group if match(t)), None)
            if found is not None:
                return found.text
    return None


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping += 1
        elif tag == "br" or tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


def html_to_text(html: str | None) -> str | None:
    """Plain text of ``html``: one line per block, spaces collapsed; ``None`` if empty."""
    if html is None:
        return None
    if "<" not in html:  # plain text (most comments, names): the same result, less work
        text = unescape(html) if "&" in html else html
        if len(text.splitlines()) <= 1:
            return " ".join(text.split()) or None
    parts = _simple_html_parts(html)
    if parts is None:
        parser = _TextExtractor()
        parser.feed(html)
        parser.close()
        parts = parser.parts
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    text = "\n".join(line for line in lines if line)
    return text or None


def _simple_html_parts(html: str) -> list[str] | None:
    """What ``_TextExtractor`` collects from ``html``, when ``html`` is text and simple tags
    only (``_SIMPLE_TAG``); ``None`` otherwise (comments, scripts, a bare ``<``, …)."""
    if "<" not in html:
        return [unescape(html)]
    parts: list[str] = []
    pos = 0
    for match in _SIMPLE_TAG.finditer(html):
        if match.start() != pos:
            data = html[pos : match.start()]
            if "<" in data:
                return None
            parts.append(unescape(data))
        pos = match.end()
        start, end = match.group(1), match.group(2)
        tag = (start or end).lower()
        if tag in _NOT_SIMPLE:
            return None
        if tag in _BLOCKS or (start and tag == "br"):
            parts.append("\n")
    rest = html[pos:]
    if "<" in rest:
        return None
    parts.append(unescape(rest))
    return parts


def render_gids(text: str | None) -> str | None:
    """Replace Decidim's hashtag and mention global ids by ``#Name`` and ``@participante``."""
    if text is None or "gid://" not in text:
        return text
    text = _HASHTAG_GID.sub(lambda m: f"#{m.group(1)}", text)
    return _MENTION_GID.sub(MENTION, text)


def scrub_mentions(html: str | None) -> str | None:
    """Decidim HTML with every mention of a participant (global id, mention element, profile
    link: they carry user ids, nicknames, names) replaced by ``@participante``; the rest of
    the HTML is kept as received (hashtag global ids too)."""
    if html is None:
        return None
    if "<" in html:
        html = _MENTION_HTML.sub(MENTION, html)
    return _MENTION_GID.sub(MENTION, html) if "gid://" in html else html


def plain(html: str | None) -> str | None:
    """Stored plain text: mentions scrubbed, gids rendered, HTML stripped."""
    return html_to_text(render_gids(scrub_mentions(html)))


def hashtags(texts: Iterable[str | None]) -> list[str]:
    """Hashtag names (without ``#``) in order of first use, from raw or plain text."""
    return plain_hashtags(plain(text) for text in texts)


def plain_hashtags(texts: Iterable[str | None]) -> list[str]:
    """``hashtags`` of texts that are already ``plain``."""
    found: dict[str, None] = {}
    for text in texts:
        if text and "#" in text:
            for name in _HASHTAG.findall(text):
                found.setdefault(name, None)
    return list(found)


def to_utc(value: str | None, zone: tzinfo = UTC) -> str | None:
    """ISO 8601 in UTC with ``Z``; naive values are read in ``zone``; ``None`` if unparsable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    offset = moment.utcoffset()
    if offset is not None and moment.year > 1001:  # the usual case: "…-03:00" from the API
        return f"{(moment.replace(tzinfo=None) - offset).replace(microsecond=0).isoformat()}Z"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    moment = moment.astimezone(UTC)
    if moment.year < 1000:  # isoformat pads the year to 4 digits, strftime may not
        return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{moment.replace(microsecond=0, tzinfo=None).isoformat()}Z"


def to_date(value: str | None) -> str | None:
    """A ``YYYY-MM-DD`` calendar date as given (the date part of a timestamp)."""
    if not value:
        return None
    match = re.match(r"^\d{4}-\d{2}-\d{2}", value.strip())
    return match.group(0) if match else None
