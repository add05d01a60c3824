"""Look at a rendered report in headless Chromium at a given CSS width.

Headless Chromium will not lay a window out narrower than 500 px, so the report goes into a
``srcdoc`` iframe of the wanted width inside a harness page (same origin, so a script can read
the report's ``scrollWidth``). The phone screenshot is the harness: the report on the left,
grey beyond its right edge.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=3000",
]
_PROBE = """
<script>
window.addEventListener("load", function () {
  var f = document.getElementById("report"), d = f.contentDocument.documentElement;
  document.getElementById("out").textContent =
    "scroll=" + d.scrollWidth + "x" + d.scrollHeight + " client=" + d.clientWidth;
  f.style.height = d.scrollHeight + "px";
});
</script>
"""


def harness(report_html: str, width: int, height: int = 600) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        '<body style="margin:0;background:#9aa3ab">'
        f'<iframe id="report" style="display:block;border:0;width:{width}px;height:{height}px" '
        f'srcdoc="{html.escape(report_html, quote=True)}"></iframe>'
        f'<pre id="out" style="display:none"></pre>{_PROBE}</body></html>'
    )


def _run(args: list[str]) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    return done.stdout


def measure(report_html: str, width: int, workdir: Path) -> tuple[int, int, int]:
    """(scrollWidth, scrollHeight, clientWidth) of the report laid out ``width`` px wide."""
    page = workdir / f"measure-{width}.html"
    page.write_text(harness(report_html, width), encoding="utf-8")
    dom = _run(["--window-size=1200,1000", "--dump-dom", page.as_uri()])
    found = re.search(r"scroll=(\d+)x(\d+) client=(\d+)", dom)
    if not found:
        raise RuntimeError(f"chromium did not report the layout: {dom[-500:]!r}")
    return int(found[1]), int(found[2]), int(found[3])


def screenshot(report_html: str, width: int, out: Path, workdir: Path) -> tuple[int, int]:
    """Screenshot of the report at ``width`` px (window at least 500 px wide); (w, h) used."""
    _, height, _ = measure(report_html, width, workdir)
    page = workdir / f"shot-{width}.html"
    page.write_text(harness(report_html, width, height), encoding="utf-8")
    window = (max(width, 500), height)
    _run([f"--window-size={window[0]},{window[1]}", f"--screenshot={out}", page.as_uri()])
    return window
