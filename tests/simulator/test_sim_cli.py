"""``participa simulator serve``."""

from __future__ import annotations

import re


def test_serve_prints_the_url_and_stops_after_duration(run_cli):
    result = run_cli(["simulator", "serve", "--scale", "tiny", "--release", "0.30",
                      "--now", "2026-11-24T12:00:00-03:00", "--duration", "0.2"])
    assert result.exit_code == 0, result.stderr
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api\n", result.stdout)


def test_serve_refuses_an_unknown_release(run_cli):
    result = run_cli(["simulator", "serve", "--release", "0.26", "--duration", "0.1"])
    assert result.exit_code == 2
    assert "versión desconocida '0.26'" in result.stderr


def test_serve_refuses_a_bad_now(run_cli):
    result = run_cli(["simulator", "serve", "--scale", "tiny", "--now", "yesterday",
                      "--duration", "0.1"])
    assert result.exit_code == 2
    assert "--now" in result.stderr
