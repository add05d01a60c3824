"""The CSS inliner and the e-mail HTML it produces."""

from __future__ import annotations

import tomllib
from pathlib import Path

from reports.mail import email_html
from reports.mail_css import inline_css
from sync.config import load_config, parse_config

PAGE = """<!DOCTYPE html><html lang="es"><head><style>
/* comment */ .body { margin: 0 } .kpi .value, td.num { font-weight: bold; color: #123 }
table.grid > tr > td { padding: 4px }
a:hover { color: red }
@media (max-width: 480px) { .col { display: block !important } }
</style></head><body class="body"><table class="grid"><tr>
<td class="num" style="color: red">1 &amp; 2 &lt;b&gt;</td></tr></table>
<div class="kpi"><span class="value">3</span><img src="cid:a@b" alt=""><br/></div>
<!--[if mso]><table><tr><td><![endif]--></body></html>"""


def test_rules_are_inlined_by_specificity_and_the_element_style_wins():
    out = inline_css(PAGE)
    assert '<body class="body" style="margin: 0">' in out
    assert '<td class="num" style="font-weight: bold; color: red; padding: 4px">' in out
    assert '<span class="value" style="font-weight: bold; color: #123">' in out


def test_escaping_comments_and_void_elements_survive():
    out = inline_css(PAGE)
    assert "1 &amp; 2 &lt;b&gt;" in out
    assert '<img src="cid:a@b" alt="">' in out and "<br />" in out
    assert "<!--[if mso]><table><tr><td><![endif]-->" in out


def test_media_queries_and_pseudo_classes_stay_in_one_style_block():
    out = inline_css(PAGE)
    assert out.count("<style>") == 1
    assert "a:hover{color: red}" in out or "a:hover{color:red}" in out.replace(" ", "")
    assert "@media (max-width: 480px)" in out and ".body {" not in out


def test_email_html_keeps_the_phone_media_query_in_the_head():
    out = email_html(PAGE)
    assert out.index("@media (max-width: 480px)") < out.index("</head>")


def test_commented_email_section_of_the_example_config_is_valid():
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    text = example.read_text(encoding="utf-8")
    section = text[text.index("# [email]\n# # Who") :]
    uncommented = "\n".join(
        line[2:] if line.startswith("# ") else "" for line in section.splitlines()
    )
    raw = tomllib.loads(text) | tomllib.loads(uncommented)
    config = parse_config(raw)
    assert [d.name for d in config.email.digests] == ["diversidades", "ciudadania-digital"]
    assert load_config(example).email is None  # commented out until the user enables it
