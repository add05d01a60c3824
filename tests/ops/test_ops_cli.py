"""``participa init``, ``config check``, ``status`` and ``backup`` through the CLI."""

from __future__ import annotations

import json
import socket
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

import participa
from sync.config import load_config
from sync.pipeline import utc_stamp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(tmp_path, *, url=None, smtp_port=None, extra=""):
    url = url or f"http://127.0.0.1:{free_port()}/api"
    text = (f'[store]\npath = "participa.db"\n\n[[instances]]\nname = "valpo"\nurl = "{url}"\n'
            "max_retries = 0\ntimeout_seconds = 2\n")
    if smtp_port:
        text += (f'\n[email]\nfrom = "p@example.cl"\nsmtp_host = "127.0.0.1"\n'
                 f'smtp_port = {smtp_port}\nsecurity = "none"\n'
                 '[[email.digests]]\nname = "semanal"\nto = ["a@example.cl"]\n')
    path = tmp_path / "config.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def test_packaged_example_is_the_repository_one():
    packaged = Path(participa.__file__).parent / "config.example.toml"
    assert packaged.read_text(encoding="utf-8") == (ROOT / "config.example.toml").read_text(
        encoding="utf-8"
    )


def test_init_writes_a_valid_config_and_refuses_to_overwrite(tmp_path, run_cli):
    path = tmp_path / "config.toml"
    result = run_cli(["init", "--path", path])
    assert result.exit_code == 0 and "✓" in result.stdout
    assert load_config(path).instances[0].name == "valparaiso"
    path.write_text("# mine\n", encoding="utf-8")
    again = run_cli(["init", "--path", path])
    assert again.exit_code == 2 and "--force" in again.stderr
    assert path.read_text(encoding="utf-8") == "# mine\n"
    assert run_cli(["init", "--path", path, "--force"]).exit_code == 0
    assert "[[instances]]" in path.read_text(encoding="utf-8")


def test_config_check_reports_each_thing(tmp_path, run_cli):
    class Accept:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            return "250 OK"

    controller = Controller(Accept(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        path = write_config(tmp_path, smtp_port=controller.port)
        result = run_cli(["config", "check", "--config", path])
    finally:
        controller.stop()
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines[0].startswith("✓") and "configuración válida" in lines[0]
    assert any(line.startswith("✓ schedule.sync") for line in lines)
    assert any(line.startswith("✗ instancia valpo: ") for line in lines)
    assert any(line.startswith(f"✓ smtp 127.0.0.1:{controller.port}: responde") for line in lines)


def test_config_check_smtp_down_and_bad_cron(tmp_path, run_cli):
    bad_cron = '\n[schedule]\nsync = "0 25 * * *"\n'
    path = write_config(tmp_path, smtp_port=free_port(), extra=bad_cron)
    result = run_cli(["config", "check", "--config", path])
    assert result.exit_code == 1
    assert "✗ schedule.sync" in result.stdout
    assert "✗ smtp 127.0.0.1" in result.stdout and "conexión rechazada" in result.stdout


def test_config_check_invalid_file_exits_2(tmp_path, run_cli):
    path = tmp_path / "config.toml"
    path.write_text('[[instances]]\nname = "x"\nurl = "ftp://nope"\n', encoding="utf-8")
    result = run_cli(["config", "check", "--config", path])
    assert result.exit_code == 2 and result.stdout.startswith("✗ ")


def test_status_exits_3_until_a_recent_successful_sync(tmp_path, run_cli, store):
    path = write_config(tmp_path)
    never = run_cli(["status", "--config", path])
    assert never.exit_code == 3 and "nunca se ha sincronizado" in never.stdout
    store["sync_runs"].insert({"instance": "valpo", "started_at": "2000-01-01T00:00:00Z",
                               "finished_at": "2000-01-01T00:00:09Z", "status": "ok"})
    assert run_cli(["status", "--config", path]).exit_code == 3
    stamp = utc_stamp(datetime.now(UTC))
    store["sync_runs"].insert({"instance": "valpo", "started_at": stamp, "finished_at": stamp,
                               "status": "ok", "proposals": 4})
    ok = run_cli(["status", "--config", path, "--json"])
    assert ok.exit_code == 0
    data = json.loads(ok.stdout)
    assert data["instances"][0]["last_ok"]["counts"]["proposals"] == 4
    english = run_cli(["status", "--config", path], env={"PARTICIPA_LANG": "en"})
    assert "last successful sync" in english.stdout


def test_backup_copies_store_and_key(tmp_path, run_cli, store):
    store["proposals"].insert({"instance": "valpo", "id": 1, "title": "hola"})
    (tmp_path / "participa.db.key").write_bytes(b"secret")
    path = write_config(tmp_path)
    target = tmp_path / "copia.db"
    result = run_cli(["backup", "--config", path, "--to", target])
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT title FROM proposals").fetchone()[0] == "hola"
    assert (tmp_path / "copia.db.key").read_bytes() == b"secret"
    assert (target.stat().st_mode & 0o777) == 0o600
    assert run_cli(["backup", "--config", path, "--to", target]).exit_code == 1


@pytest.mark.parametrize("command", ["schedule", "status", "init", "backup"])
def test_commands_have_help(run_cli, command):
    assert run_cli([command, "--help"]).exit_code == 0
