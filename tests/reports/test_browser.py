"""The HTML report in a real headless Chromium: no horizontal overflow at phone width."""

from __future__ import annotations

import pytest
from browser_harness import CHROMIUM, measure, screenshot
from sample_digest import sample_digest

from reports.charts import png_size
from reports.render import render

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not on PATH"),
]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_phone_width_has_no_horizontal_overflow(tmp_path, lang):
    html = render(sample_digest(), "html", lang=lang)
    scroll_width, scroll_height, client_width = measure(html, 360, tmp_path)
    assert client_width == 360
    assert scroll_width <= 360, f"the report is {scroll_width}px wide at a 360px viewport"
    assert 1500 < scroll_height < 20000


def test_phone_screenshot_has_sane_dimensions(tmp_path):
    html = render(sample_digest(departments_filtered=True), "html")
    out = tmp_path / "phone.png"
    width, height = screenshot(html, 360, out, tmp_path)
    assert out.is_file() and png_size(out.read_bytes()) == (width, height)
    assert width == 500 and height > 1500  # 500: headless Chromium's narrowest window
