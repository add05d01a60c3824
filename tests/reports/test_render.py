"""Rendering: escaping of untrusted text in every format, languages, templates, charts."""

from __future__ import annotations

import csv
import io
import json
import zlib

import pytest
from sample_digest import HOSTILE, sample_digest

from reports.charts import bar_chart_png, png_size
from reports.escape import csv_cell, md_link, md_text, plain_text
from reports.i18n import CATALOG, missing_keys
from reports.render import render


@pytest.fixture(scope="module")
def digest():
    return sample_digest()


def test_json_contract_keys(digest):
    data = json.loads(render(digest, "json"))
    assert data["period"] == {
        **data["period"],
        "start": "2026-11-16",
        "end": "2026-11-22",
        "timezone": "America/Santiago",
    }
    assert data["instance"] == "valparaiso"
    contract = {
        "new_spaces",
        "new_proposals",
        "new_debates",
        "new_meetings",
        "new_comments",
        "active_participants",
    }
    assert contract <= set(data["totals"])
    assert [d["slug"] for d in data["departments"]] == ["mujeres", "diversidades", "medioambiente"]
    assert all(contract <= set(d["totals"]) and d["name"] for d in data["departments"])
    assert contract <= set(data["untagged"]["totals"])
    assert data["totals"]["active_participants"] == 12


def test_html_escapes_hostile_titles_and_is_a_standalone_page(digest):
    html = render(digest, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&#34;comillas&#34;" in html or "&quot;comillas&quot;" in html
    assert html.lstrip().startswith("<!DOCTYPE html>") and '<html lang="es">' in html
    assert html.count("<style>") == 1 and "max-width: 640px" in html
    assert 'src="data:image/png;base64,' in html and 'alt="Gráfico de barras' in html
    assert "palabralarguísima" * 12 not in html  # long titles are shortened


def test_html_image_src_hook_gives_cid_for_email(digest):
    seen = {}

    def cid(name, data):
        seen[name] = data
        return f"cid:{name}@participa"

    html = render(digest, "html", image_src=cid)
    assert 'src="cid:trend@participa"' in html and "data:image/png" not in html
    assert png_size(seen["trend"]) == (600, 180)


def test_markdown_escapes_and_neutralises_links(digest):
    md = render(digest, "markdown")
    assert "<script>" not in md and r"\<script\>" in md
    assert md_text("[x](javascript:alert(1)) *a* _b_ |c| http://evil www.evil.cl") == (
        r"\[x\]\(javascript:alert\(1\)\) \*a\* \_b\_ \|c\| http\://evil www\.evil.cl"
    )
    assert md_link("t", "javascript:alert(1)") == "t"
    assert md_link("t", "https://ok.cl/p/1") == "[t](<https://ok.cl/p/1>)"


def test_text_strips_control_characters():
    assert plain_text("a\x1b[31mb\u202ec\nd\te") == "a [31mb c d e"


def test_csv_rows_and_formula_guard(digest):
    rows = list(csv.reader(io.StringIO(render(digest, "csv"))))
    assert rows[0][:3] == ["period_start", "period_end", "instance"]
    assert {r[3] for r in rows[1:]} == {
        "*",
        "mujeres",
        "diversidades",
        "medioambiente",
        "sin-departamento",
    }
    assert [
        "2026-11-16",
        "2026-11-22",
        "valparaiso",
        "mujeres",
        "Dirección de la Mujer",
        "new_comments",
        "7",
        "0",
    ] in rows
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and csv_cell("-2") == "'-2"
    assert csv_cell(-2) == -2 and csv_cell("@x") == "'@x" and csv_cell("ok") == "ok"


def test_spanish_output_has_no_english_and_english_has_no_spanish(digest):
    es = render(digest, "text") + render(digest, "html") + render(digest, "markdown")
    for word in ("Proposals", "Meetings", "Generated", "Active participants", "No data"):
        assert word not in es
    en = render(digest, "text", lang="en")
    assert "Active participants" in en and "Participantes" not in en


def test_catalogs_have_the_same_keys():
    assert missing_keys() == {} and set(CATALOG) == {"es", "en"}


def test_every_format_renders_an_empty_filtered_digest():
    d = sample_digest(departments_filtered=True)
    for fmt in ("text", "markdown", "html"):
        assert "departamentos elegidos" in render(d, fmt)


def test_user_templates_dir_overrides_ours(tmp_path, digest):
    (tmp_path / "digest.txt").write_text("Municipalidad: {{ d.instance }} {{ t('title') }}\n")
    assert render(digest, "text", templates_dir=tmp_path) == (
        "Municipalidad: valparaiso Participación ciudadana\n"
    )
    assert "<!DOCTYPE html>" in render(digest, "html", templates_dir=tmp_path)


def test_user_template_output_is_still_escaped(tmp_path, digest):
    (tmp_path / "digest.md").write_text("{{ d.overall.top_supported[1].title }}\n")
    assert "<script>" not in render(digest, "markdown", templates_dir=tmp_path)
    assert HOSTILE.startswith("<script>")


def test_bar_chart_png_is_valid():
    png = bar_chart_png([0, 3, 1, 7], width=40, height=20)
    assert png_size(png) == (40, 20)
    start = png.index(b"IDAT") + 4
    length = int.from_bytes(png[start - 8 : start - 4], "big")
    assert len(zlib.decompress(png[start : start + length])) == 20 * (1 + 40 * 3)


def test_unknown_format_and_language_are_report_errors(digest):
    from participa.errors import ReportError

    with pytest.raises(ReportError, match="--format"):
        render(digest, "pdf")
    with pytest.raises(ReportError, match="--lang"):
        render(digest, "text", lang="fr")


def test_counts_of_one_are_singular():
    from reports.i18n import Messages

    es, en = Messages("es", "America/Santiago"), Messages("en", "America/Santiago")
    assert es.t("votes", n="1") == "1 apoyo" and es.t("votes", n="2") == "2 apoyos"
    assert es.t("endorsements", n="1") == "1 adhesión"
    assert en.t("comments", n="1") == "1 comment" and en.t("comments", n="0") == "0 comments"
