"""``participa sync`` end to end: config file → client → store, and its failures."""

from __future__ import annotations

import socket

import pytest

from participa.cli.sync_cmd import format_int, summary_line
from sync.pipeline import SyncResult


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(tmp_path, *instances, extra=""):
    lines = ['[store]\npath = "participa.db"\n']
    for name, url in instances:
        lines.append(
            f'[[instances]]\nname = "{name}"\nurl = "{url}"\nrequests_per_minute = 6000\n'
            "max_retries = 0\ntimeout_seconds = 2\n"
        )
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + extra, encoding="utf-8")
    return path


def test_bad_config_exits_2_with_one_line(tmp_path, run_cli):
    path = tmp_path / "config.toml"
    path.write_text('[[instances]]\nname = "x"\nurl = "ftp://nope"\n', encoding="utf-8")
    result = run_cli(["sync", "--config", path])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "instances[0]" in result.stderr and "url" in result.stderr


def test_unknown_instance_is_a_config_error(tmp_path, run_cli):
    path = write_config(tmp_path, ("valpo", f"http://127.0.0.1:{closed_port()}/api"))
    result = run_cli(["sync", "--config", path, "--instance", "otra"])
    assert result.exit_code == 2 and "otra" in result.stderr


def test_unreachable_instance_exits_1_naming_it_and_keeps_the_store(tmp_path, run_cli, store):
    store["proposals"].insert({"instance": "valpo", "id": 1, "title": "antes"})
    path = write_config(tmp_path, ("valpo", f"http://127.0.0.1:{closed_port()}/api"))
    result = run_cli(["sync", "--config", path])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: valpo: ")
    assert result.stdout == ""
    assert [r["title"] for r in store["proposals"].rows] == ["antes"]
    assert store["spaces"].count == 0
    (run,) = store["sync_runs"].rows
    assert run["status"] == "failed" and run["instance"] == "valpo"


def test_each_failing_instance_gets_its_line(tmp_path, run_cli):
    port = closed_port()
    path = write_config(
        tmp_path, ("uno", f"http://127.0.0.1:{port}/api"), ("dos", f"http://127.0.0.1:{port}/api")
    )
    result = run_cli(["sync", "--config", path])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["uno", "dos"]


def _result(**counts):
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    result = SyncResult("valparaiso", 1, start, start + timedelta(seconds=8.2), requests=43)
    result.counts.update(counts)
    return result


def test_summary_line_spanish_and_english():
    result = _result(spaces=12, components=40, proposals=312, debates=58, meetings=81,
                     comments=1523)
    assert summary_line(result, "es") == (
        "valparaiso: 12 espacios, 40 componentes, 312 propuestas, 58 debates, 81 encuentros, "
        "1.523 comentarios en 43 solicitudes (8,2 s)"
    )
    assert summary_line(result, "en") == (
        "valparaiso: 12 spaces, 40 components, 312 proposals, 58 debates, 81 meetings, "
        "1,523 comments in 43 requests (8.2 s)"
    )


@pytest.mark.parametrize(("n", "lang", "text"), [(1234567, "es", "1.234.567"), (999, "en", "999")])
def test_format_int(n, lang, text):
    assert format_int(n, lang) == text


def test_sync_against_the_simulator_prints_a_summary(tmp_path, run_cli, simulator):
    _sim, url = simulator(release="0.29")
    path = write_config(tmp_path, ("valpo", url))
    result = run_cli(["sync", "--config", path], env={"PARTICIPA_LANG": "en"})
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("valpo: ") and " proposals, " in line and " requests (" in line
    assert result.stderr == ""  # not a terminal: no progress
    from sync.store import open_store

    db = open_store(tmp_path / "participa.db")
    assert db["proposals"].count > 0
    assert [r["status"] for r in db["sync_runs"].rows] == ["ok"]
