"""Rendering a digest: jinja2 templates for text, Markdown and HTML; JSON and CSV in Python.

Templates live in the ``templates`` package (``digest.html``, ``digest.txt``, ``digest.md`` and
``_*`` partials), loaded with importlib.resources; ``[reports] templates_dir`` comes first so a
user's copies override ours. HTML autoescapes; Markdown and text pass every expression through
``md_text`` / ``plain_text`` (see ``reports.escape``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup

from participa.errors import ReportError
from reports.charts import bar_chart_png, data_uri
from reports.escape import Trusted, md_link, md_text, plain_text, safe_url, shorten
from reports.i18n import LOCALES, Messages
from reports.model import METRICS, Digest, Section
from reports.tabular import render_csv, render_json
from reports.text_table import sparkline, text_table

Format = Literal["text", "markdown", "html", "json", "csv"]
FORMATS: tuple[str, ...] = ("text", "markdown", "html", "json", "csv")
ImageSrc = Callable[[str, bytes], str]
TEMPLATE_FOR = {"text": "digest.txt", "markdown": "digest.md", "html": "digest.html"}
_ESCAPERS: dict[str, Callable[[object], str]] = {"text": plain_text, "markdown": md_text}


def render(
    digest: Digest,
    fmt: str,
    *,
    lang: str = "es",
    templates_dir: Path | None = None,
    image_src: ImageSrc = data_uri,
) -> str:
    """The digest as ``text``, ``markdown``, ``html``, ``json`` or ``csv``.

    ``image_src(name, png_bytes)`` returns the ``src`` of each chart: a ``data:`` URI by
    default; e-mail passes one that attaches the PNG and returns ``cid:<name>``.
    """
    if lang not in LOCALES:
        raise ReportError(f"--lang {lang!r}: expected one of {', '.join(LOCALES)}")
    messages = Messages(lang, digest.period.timezone)
    if fmt == "json":
        return render_json(digest)
    if fmt == "csv":
        return render_csv(digest, messages)
    if fmt not in TEMPLATE_FOR:
        raise ReportError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    env = environment(fmt, str(templates_dir) if templates_dir else None)
    try:
        template = env.get_template(TEMPLATE_FOR[fmt])
        return template.render(context(digest, messages, fmt, image_src))
    except jinja2.TemplateError as exc:
        where = f" ({templates_dir})" if templates_dir else ""
        raise ReportError(f"template {TEMPLATE_FOR[fmt]}{where}: {exc}") from None


def chart_pngs(digest: Digest) -> dict[str, bytes]:
    """The charts a rendered digest shows, by name (for e-mail attachments)."""
    return {"trend": bar_chart_png([p.totals.active_participants for p in digest.trend])}


@lru_cache(maxsize=16)
def environment(fmt: str, templates_dir: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir:
        loaders.append(jinja2.FileSystemLoader(templates_dir))
    loaders.append(jinja2.FunctionLoader(_package_template))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=_autoescape if fmt == "html" else True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalizer(_ESCAPERS[fmt]) if fmt in _ESCAPERS else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["short"] = shorten
    env.filters["safe_url"] = safe_url
    return env


def _autoescape(name: str | None) -> bool:
    """HTML escaping for ``.html``/``.htm`` templates (and their partials) only."""
    return bool(name) and str(name).endswith((".html", ".htm"))


def _finalizer(escape: Callable[[object], str]) -> Callable[[object], Markup]:
    """For text and Markdown: every expression goes through ``escape`` unless it is already
    safe (our helpers' ``Trusted`` strings, macro output). Marking the result ``Markup`` turns
    Jinja's HTML autoescape into a no-op, so ``&`` stays ``&`` in a terminal."""

    def finalize(value: object) -> Markup:
        if isinstance(value, Markup | Trusted):
            return Markup(str(value))
        return Markup(escape(value))

    return finalize


def _package_template(name: str) -> str | None:
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    resource = resources.files("templates").joinpath(name)
    return resource.read_text(encoding="utf-8") if resource.is_file() else None


def context(digest: Digest, m: Messages, fmt: str, image_src: ImageSrc) -> dict[str, Any]:
    trend_values = [p.totals.active_participants for p in digest.trend]
    pngs = chart_pngs(digest)
    values = ", ".join(
        f"{m.period_short(p.period)}: {m.number(v)}"
        for p, v in zip(digest.trend, trend_values, strict=True)
    )
    trusted: Callable[[str], str] = Trusted if fmt != "html" else str
    return {
        "d": digest,
        "m": m,
        "lang": m.lang,
        "t": lambda key, **kw: trusted(m.t(key, **kw)),
        "metrics": METRICS,
        "chart": {"src": image_src("trend", pngs["trend"]), "alt": m.t("chart_alt", values=values)},
        "spark": Trusted(sparkline(trend_values)),
        "link": md_link,
        "table": lambda headers, rows, right=(): Trusted(text_table(headers, rows, right)),
        "rule": lambda text: Trusted("=" * len(plain_text(text))),
        "h": lambda level: Trusted("#" * level),
        "md_table": lambda headers, rows: Trusted(md_table(headers, rows)),
        "totals_rows": lambda section: totals_rows(section, m),
        "department_rows": lambda: department_rows(digest, m),
        "trend_rows": lambda: trend_rows(digest, m),
    }


def totals_rows(section: Section, m: Messages) -> list[list[str]]:
    """[metric, this period, previous, change] for each metric of the JSON contract."""
    rows = []
    for metric in METRICS:
        now, before = section.totals.get(metric), section.previous.get(metric)
        rows.append([m.t(metric), m.number(now), m.number(before), m.change(now, before)])
    return rows


def department_rows(digest: Digest, m: Messages) -> list[list[str]]:
    """[department, new contributions, comments, participants], then the untagged bucket."""
    named = [(d.name, d.section.totals) for d in digest.departments]
    if not digest.options.departments_filtered:
        named.append((m.t("untagged"), digest.untagged.totals))
    return [
        [
            name,
            m.number(t.new_proposals + t.new_debates + t.new_meetings),
            m.number(t.new_comments),
            m.number(t.active_participants),
        ]
        for name, t in named
    ]


def trend_rows(digest: Digest, m: Messages) -> list[list[str]]:
    return [
        [
            m.period_short(p.period),
            m.number(p.totals.active_participants),
            m.number(p.totals.new_proposals + p.totals.new_debates + p.totals.new_meetings),
            m.number(p.totals.new_comments),
        ]
        for p in digest.trend
    ]


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table; every cell escaped (``|`` included)."""
    lines = ["| " + " | ".join(md_text(h) for h in headers) + " |"]
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|")
    lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
