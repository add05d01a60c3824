"""The fast paths of ``sync.text`` read exactly what the general ones read (differential)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from connector.models import Translation
from sync.text import _simple_html_parts, _TextExtractor, pick_text, to_utc

SETTINGS = settings(max_examples=600, deadline=None, derandomize=True)

#: pieces that make HTML plausible and hostile: simple tags, odd tags, entities, stray marks
PIECES = st.sampled_from([
    "<p>", "</p>", "<br>", "<br/>", "<br />", "</br>", "<P CLASS='x'>", "<li>", "</LI>",
    "<a href=\"/profiles/ana\">", "</a>", "<b>", "</b>", "<div\nid=x>", "<p a=b/>", "<hr/>",
    "<script>", "</script>", "<style>", "<template>", "<!-- c -->", "<!doctype html>",
    "<?pi?>", "<p a=\"<b>\">", "<p a='>'>", "<my-tag>", "<p\x0bx>", "< p>", "</ p>", "<",
    ">", "&amp;", "&nbsp;", "&#39;", "&#x41", "&lt;p&gt;", "&", "&amp", "\n", "\r\n", " ",
    "\t", "Hola", "señora", "#Cerros", "x=y", "\"", "'", "/", "=", "<textarea>", "</title>",
])
HTMLISH = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=14).map("".join)


def _general(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


@SETTINGS
@given(HTMLISH)
def test_simple_html_reading_matches_html_parser(html):
    parts = _simple_html_parts(html)
    if parts is not None:
        assert "".join(parts) == _general(html)


def test_simple_html_reading_covers_editor_html():
    html = '<p>Hola &amp; <a href="https://x.cl" target="_blank">ver</a><br />dos</p><ul><li>a'
    assert "".join(_simple_html_parts(html) or ["not simple"]) == _general(html)
    assert _simple_html_parts("<p>a</p><script>x</script>") is None


LOCALES = st.sampled_from(["es", "es-CL", "es_MX", "en", "ca", "machine_translations", "E S"])
TRANSLATIONS = st.lists(
    st.builds(Translation, locale=LOCALES, text=st.one_of(st.none(), st.sampled_from(
        ["", "  ", "Hola", "Hi", "Bon dia"])), machine_translated=st.booleans()),
    max_size=5,
)


def _pick_general(translations, locale):
    """``pick_text`` as first written: the whole fallback chain, always."""
    import re

    pattern = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")

    def language(value):
        return re.split(r"[-_]", value, maxsplit=1)[0].lower()

    usable = [t for t in translations if t.text and t.text.strip() and pattern.match(t.locale)]
    for group in ([t for t in usable if not t.machine_translated],
                  [t for t in usable if t.machine_translated]):
        for match in (lambda t: t.locale == locale,
                      lambda t: language(t.locale) == language(locale), lambda t: True):
            found = next((t for t in group if match(t)), None)
            if found is not None:
                return found.text
    return None


@SETTINGS
@given(TRANSLATIONS, st.sampled_from(["es", "es-CL", "en"]))
def test_pick_text_matches_the_whole_fallback_chain(translations, locale):
    assert pick_text(translations, locale) == _pick_general(translations, locale)


@SETTINGS
@given(st.datetimes(timezones=st.timezones()))
def test_to_utc_matches_strftime(moment):
    from datetime import UTC

    expected = moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert to_utc(moment.isoformat()) == expected
