"""The SMTP password and the API token never appear in output, logs, errors, the store, the
lock files, ``status``, ``--help`` or written e-mails — even when a hostile server echoes the
``Authorization`` header back, or authentication fails. Files with secrets are 0600."""

from __future__ import annotations

import json
import logging
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.smtp import AuthResult
from rel_helpers import NOW, email_section, start_smtp, text_columns, write_config

from connector.simulator import Simulator, generate_world

TOKEN = "tok-5ecret-4f9a0c"
PASSWORD = "pw-5ecret-77c1e2"
ENV = {"PARTICIPA_API_TOKEN": TOKEN, "PARTICIPA_SMTP_PASSWORD": PASSWORD, "PARTICIPA_LANG": "en"}
TOKEN_LINE = 'token_env = "PARTICIPA_API_TOKEN"\n'


class EchoHandler(BaseHTTPRequestHandler):
    """A hostile or broken API that repeats the request's Authorization header back."""

    mode = "401"

    def log_message(self, *args):
        return

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        status, ctype, body = {
            "401": (401, "text/plain", f"bad credentials: {auth}"),
            "500": (500, "application/json",
                    json.dumps({"errors": [{"message": f"boom for {auth}"}]})),
            "errors": (200, "application/json",
                       json.dumps({"errors": [{"message": f"denied {auth}"}]})),
            "html": (200, "text/html", f"<html>sign in again, {auth}</html>"),
            "json": (200, "application/json", f'{{"token": "{auth}"}}'),
            "cut": (200, "application/json", f'{{"data": {{"x": "{auth}'),
        }[self.mode]
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    server.server_close()


def reject(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=False, handled=False)


def test_secrets_never_leak(tmp_path, run_cli, echo_server, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    outputs: list[str] = []

    def run(args):
        result = run_cli(args, env=ENV)
        outputs.extend((result.stdout, result.stderr))
        return result

    server, echo_url = echo_server
    smtp = start_smtp(_Inbox(), authenticator=reject, auth_require_tls=False)
    try:
        with Simulator(release="0.29", world=generate_world(7, "tiny", NOW)) as sim:
            mail = email_section(smtp.port, {"todos": []},
                                 extra='username = "participa"\n'
                                       'password_env = "PARTICIPA_SMTP_PASSWORD"\n')
            cfg = write_config(tmp_path, sim.url, extra_instance=TOKEN_LINE, email=mail)
            assert run(["sync", "--config", cfg]).exit_code == 0
            for mode in ("401", "500", "errors", "html", "json", "cut"):
                EchoHandler.mode = mode
                bad = tmp_path / f"bad-{mode}"
                bad.mkdir()
                bad_cfg = write_config(bad, echo_url, email=mail,
                                       extra_instance=TOKEN_LINE + "max_retries = 1\n",
                                       store=str(tmp_path / "participa.db"))
                failed = run(["sync", "--config", bad_cfg])
                assert failed.exit_code == 1 and "valpo" in failed.stderr, (mode, failed)
                run(["config", "check", "--config", bad_cfg])
            now = ["--now", "2026-11-24T15:00:00Z", "--week", "2026-W47"]
            sent = run(["digest", "send", "--config", cfg, *now])
            assert sent.exit_code == 1 and "autenticación" in sent.stderr, sent
            outbox = tmp_path / "outbox"
            run(["digest", "send", "--config", cfg, *now, "--dry-run", "--outbox", outbox])
            for args in (["status"], ["status", "--json"], ["digest", "status"],
                         ["config", "check"], ["report", "--week", "2026-W47"]):
                run([*args, "--config", cfg])
    finally:
        smtp.stop()
    for args in ([], ["sync"], ["digest", "send"], ["config", "check"], ["status"],
                 ["schedule"], ["simulator", "serve"]):
        run([*args, "--help"])

    texts = outputs + [caplog.text] + text_columns(tmp_path / "participa.db")
    files = [*tmp_path.glob("participa.db*.lock"), *outbox.glob("*.eml"),
             *tmp_path.glob("*.toml")]
    texts += [f.read_text(encoding="utf-8", errors="replace") for f in files]
    assert len(list(outbox.glob("*.eml"))) == 1 and files
    for secret in (TOKEN, PASSWORD):
        found = [t[:200] for t in texts if secret in t]
        assert not found, f"secret found in {found}"
    for name in ("participa.db", "participa.db.key", "participa.db.lock"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


class _Inbox:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return "250 OK"
