"""A user's mistake on the command line is one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "args",
    [
        ["nosuch"],
        ["departments", "--limit", "0"],
        ["report", "--format", "pdf"],
        ["sync", "--no-such-option"],
    ],
)
def test_usage_errors_exit_2_with_a_message(run_cli, args):
    result = run_cli(args)
    assert result.exit_code == 2
    assert "Error" in result.stderr
    assert "Traceback" not in result.stderr and "Error interno" not in result.stderr


def test_missing_config_names_the_file_and_the_fix(run_cli, tmp_path):
    result = run_cli(["sync", "--config", tmp_path / "nope.toml"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "nope.toml" in result.stderr and "participa init" in result.stderr
