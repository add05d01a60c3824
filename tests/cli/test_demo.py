"""``participa demo``: its config, its clock option and a full run against the simulator."""

from __future__ import annotations

import tomllib
from datetime import datetime

import pytest

from participa.cli.common import parse_now
from participa.cli.demo_cmd import TABLES, demo_config_text, example_departments
from participa.errors import ConfigError
from sync.config import parse_config


def test_demo_config_is_valid_and_carries_the_example_departments():
    departments = example_departments()
    text = demo_config_text("http://127.0.0.1:5000/api", departments)
    config = parse_config(tomllib.loads(text))
    assert config.instances[0].url == "http://127.0.0.1:5000/api"
    assert [d.slug for d in config.departments] == [d["slug"] for d in departments]


def test_parse_now_reads_naive_instants_in_the_given_zone():
    santiago = "America/Santiago"
    assert parse_now("2026-11-24T12:00", santiago).utcoffset().total_seconds() == -3 * 3600
    assert parse_now("2026-11-24T12:00Z", santiago).utcoffset().total_seconds() == 0
    assert parse_now("2026-11-24T12:00:00+00:00").hour == 12
    assert isinstance(parse_now(None), datetime)
    with pytest.raises(ConfigError, match="--now"):
        parse_now("mañana")


def test_demo_syncs_the_simulator_and_prints_nonzero_counts(tmp_path, run_cli):
    pytest.importorskip("connector.simulator").__dict__.get("Simulator") or pytest.skip(
        "connector.simulator.Simulator is not available"
    )
    result = run_cli(["demo", "--dir", tmp_path / "demo", "--now", "2026-11-24T12:00"])
    assert result.exit_code == 0, result.stderr
    counts = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].replace(".", "").isdigit():
            counts[parts[0]] = int(parts[1].replace(".", ""))
    assert set(counts) == {spanish for _table, spanish, _en in TABLES}
    assert all(n > 0 for n in counts.values()), counts
    assert str(tmp_path / "demo" / "participa.db") in result.stdout
    assert (tmp_path / "demo" / "config.toml").exists()
