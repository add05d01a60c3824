"""Participation digests: read the store's views, compute (pure), render (jinja2).

aggregates = read_aggregates(db, instance, period, slugs, options)         # reports.read (SQL)
digest = build_digest(aggregates, period, departments, options, now, instance)   # pure
text = render(digest, "html", lang="es", image_src=data_uri)               # templates
"""

from __future__ import annotations

from reports.api import choose_period, load_digest, write_digest_html
from reports.charts import bar_chart_png, data_uri
from reports.digest import build_digest
from reports.model import Aggregates, Digest, DigestOptions
from reports.period import Period
from reports.read import read_aggregates
from reports.render import FORMATS, chart_pngs, render

__all__ = [
    "Aggregates",
    "FORMATS",
    "Digest",
    "DigestOptions",
    "Period",
    "bar_chart_png",
    "build_digest",
    "chart_pngs",
    "choose_period",
    "data_uri",
    "load_digest",
    "read_aggregates",
    "render",
    "write_digest_html",
]
