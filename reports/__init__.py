"""Participation digests: read the store's views, compute (pure), render (jinja2).

rows = read_rows(db, instance, since)                      # reports.read (I/O)
digest = build_digest(rows, period, departments, options, now, instance)   # pure
text = render(digest, "html", lang="es", image_src=data_uri)               # templates
"""

from __future__ import annotations

from reports.api import choose_period, load_digest, write_digest_html
from reports.charts import bar_chart_png, data_uri
from reports.digest import build_digest
from reports.model import Digest, DigestOptions, StoreRows
from reports.period import Period
from reports.read import read_rows
from reports.render import FORMATS, chart_pngs, render

__all__ = [
    "FORMATS",
    "Digest",
    "DigestOptions",
    "Period",
    "StoreRows",
    "bar_chart_png",
    "build_digest",
    "chart_pngs",
    "choose_period",
    "data_uri",
    "load_digest",
    "read_rows",
    "render",
    "write_digest_html",
]
