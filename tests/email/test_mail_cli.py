"""``participa digest send | preview | status`` end to end: a real digest built from a temp
store, rendered by the report templates, sent to a loopback SMTP server and parsed back."""

from __future__ import annotations

import re

import pytest

from sync.store import open_store

NOW = "2026-11-24T11:00:00Z"  # a Tuesday: the last complete week is 2026-W47 (16–22 nov)
HOSTILE = "Baños <script>alert(1)</script>\r\nBcc: victim@evil.example"
CONFIG = """
[store]
path = "participa.db"

[[instances]]
name = "valparaiso"
url = "https://participa.example.cl/api"
timezone = "America/Santiago"

[[departments]]
slug = "diversidades"
name = "Diversidades y Disidencias"
keywords = ["baños"]

[[departments]]
slug = "medioambiente"
name = "Medio Ambiente"
keywords = ["árboles"]

[email]
from = "Ciudadanía Digital <ciudadania.digital@example.cl>"
smtp_host = "127.0.0.1"
smtp_port = {port}
security = "none"
timeout_seconds = 5
reply_to = "equipo@example.cl"
{extra}

[[email.digests]]
name = "diversidades"
to = ["diversidades@example.cl"]
departments = ["diversidades"]

[[email.digests]]
name = "equipo"
to = ["equipo@example.cl", "jefa@example.cl"]
lang = "{team_lang}"
"""


def _item(pid: int, title: str, published: str) -> dict:
    return {
        "instance": "valparaiso", "id": pid, "component_id": 7,
        "space_type": "participatory_process", "space_id": 1, "title": title,
        "published_at": published, "created_at": published, "vote_count": 3 * pid,
        "endorsements_count": pid, "comments_count": 1, "withdrawn": 0, "official": 0,
        "author_key": f"author-{pid}",
        "url": f"https://participa.example.cl/processes/p/f/7/proposals/{pid}",
    }  # fmt: skip


@pytest.fixture
def project(tmp_path):
    """A config file and a store with two tagged proposals and a comment in 2026-W47."""

    def make(port: int, *, extra: str = "", team_lang: str = "es"):
        path = tmp_path / "config.toml"
        path.write_text(CONFIG.format(port=port, extra=extra, team_lang=team_lang), "utf-8")
        db = open_store(tmp_path / "participa.db")
        db["proposals"].insert_all(
            [
                _item(1, HOSTILE, "2026-11-18T15:00:00Z"),
                _item(2, "Más árboles en Playa Ancha", "2026-11-19T15:00:00Z"),
            ],
            replace=True,
        )
        db["comments"].insert(
            {
                "instance": "valparaiso", "id": 1, "item_type": "proposal", "item_id": 1,
                "depth": 0, "published_at": "2026-11-20T12:00:00Z", "author_key": "author-9",
            },
            replace=True,
        )  # fmt: skip
        db["item_departments"].insert_all(
            [
                {"instance": "valparaiso", "item_type": "proposal", "item_id": 1,
                 "department": "diversidades", "rule": "keyword:baños"},
                {"instance": "valparaiso", "item_type": "proposal", "item_id": 2,
                 "department": "medioambiente", "rule": "keyword:árboles"},
            ],
            replace=True,
        )  # fmt: skip
        db.close()
        return path

    return make


def send(run_cli, config, *args):
    return run_cli(["digest", "send", "--config", config, "--now", NOW, *args])


def by_subject(received):
    return {r.message["Subject"].rsplit("— ", 1)[1]: r for r in received}


def test_send_composes_real_digests_per_department(run_cli, project, smtp_server):
    result = send(run_cli, project(smtp_server.port))
    assert result.exit_code == 0, result.stderr
    assert "diversidades: enviado" in result.stdout and "equipo: enviado" in result.stdout
    got = by_subject(smtp_server.received)
    assert set(got) == {"Diversidades y Disidencias", "Todos los departamentos"}
    dep = got["Diversidades y Disidencias"]
    msg = dep.message
    assert msg["Subject"] == (
        "Participación semana 47 (16–22 nov 2026) — Diversidades y Disidencias"
    )
    assert dep.rcpt_tos == ["diversidades@example.cl"]
    assert msg["Reply-To"] == "equipo@example.cl" and msg["Bcc"] is None
    assert msg["Date"] == "Tue, 24 Nov 2026 11:00:00 +0000"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    # department filtering: only the digest's department is listed
    assert "Diversidades y Disidencias" in html and "Medio Ambiente" not in html
    assert "Medio Ambiente" not in text
    # both parts carry the same content
    assert "Participación ciudadana" in text and "Participación ciudadana" in html
    # e-mail HTML: language, inlined CSS, cid chart with alt text and a data table
    assert '<html lang="es">' in html and 'class="h1" style="' in html
    [img] = re.findall(r"<img [^>]*>", html)
    cid = re.search(r'src="cid:([^"]+)"', img)[1]
    assert re.search(r'alt="[^"]{10,}"', img)
    related = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert [p["Content-ID"] for p in related] == [f"<{cid}>"]
    assert related[0].get_content().startswith(b"\x89PNG")
    assert "<caption" in html


def test_hostile_titles_are_escaped_and_inject_nothing(run_cli, project, smtp_server):
    assert send(run_cli, project(smtp_server.port)).exit_code == 0
    for received in smtp_server.received:
        msg = received.message
        assert msg["Bcc"] is None and "victim@evil.example" not in received.rcpt_tos
        html = msg.get_body(("html",)).get_content()
        assert "<script>" not in html
    team = by_subject(smtp_server.received)["Todos los departamentos"].message
    html = team.get_body(("html",)).get_content()
    text = team.get_body(("plain",)).get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Baños <script>alert(1)</script> Bcc: victim@evil.example" in text
    assert "Medio Ambiente" in html and "Diversidades y Disidencias" in html


def test_second_run_says_already_sent_and_resend_sends_again(run_cli, project, smtp_server):
    config = project(smtp_server.port)
    assert send(run_cli, config).exit_code == 0
    again = send(run_cli, config)
    assert again.exit_code == 0
    assert again.stdout.count("ya enviado") == 2
    assert len(smtp_server.received) == 2
    resent = send(run_cli, config, "--resend", "--digest", "equipo")
    assert resent.exit_code == 0 and "equipo: enviado" in resent.stdout
    assert len(smtp_server.received) == 3
    status = run_cli(["digest", "status", "--config", config])
    assert status.exit_code == 0
    assert status.stdout.count("sent ") == 3 and "2026-W47" in status.stdout


def test_one_failed_digest_does_not_stop_the_others(run_cli, project, start_smtp, make_handler):
    handler = make_handler(rcpt_replies={"diversidades@example.cl": ["550 5.1.1 Unknown"]})
    server = start_smtp(handler)
    result = send(run_cli, project(server.port))
    assert result.exit_code == 1
    assert "resumen diversidades: FALLÓ" in result.stderr
    assert f"127.0.0.1:{server.port}" in result.stderr and "550 5.1.1 Unknown" in result.stderr
    assert "equipo: enviado" in result.stdout
    assert [r.rcpt_tos for r in server.received] == [["equipo@example.cl", "jefa@example.cl"]]
    retry = send(run_cli, project(server.port))
    assert retry.exit_code == 0 and "diversidades: enviado" in retry.stdout


def test_dry_run_writes_eml_files(run_cli, project, smtp_server, tmp_path):
    outbox = tmp_path / "out"
    result = send(run_cli, project(smtp_server.port), "--dry-run", "--outbox", outbox)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in outbox.iterdir()) == [
        "2026-W47-valparaiso-diversidades.eml",
        "2026-W47-valparaiso-equipo.eml",
    ]
    assert smtp_server.received == []


def test_english_digest_and_explicit_week(run_cli, project, smtp_server):
    config = project(smtp_server.port, team_lang="en")
    result = send(run_cli, config, "--week", "2026-W46", "--digest", "equipo")
    assert result.exit_code == 0, result.stderr
    [got] = smtp_server.received
    assert got.message["Subject"] == "Participation week 46 (9–15 Nov 2026) — All departments"
    assert '<html lang="en">' in got.message.get_body(("html",)).get_content()


def test_missing_password_variable_is_a_config_error(run_cli, project, smtp_server):
    extra = 'username = "participa"\npassword_env = "PARTICIPA_TEST_NO_SUCH_VAR"'
    result = send(run_cli, project(smtp_server.port, extra=extra))
    assert result.exit_code == 2
    assert "PARTICIPA_TEST_NO_SUCH_VAR" in result.stderr


def test_preview_writes_html_text_and_chart_files(run_cli, project, smtp_server, tmp_path):
    out = tmp_path / "preview"
    result = run_cli(
        ["digest", "preview", "--config", project(smtp_server.port), "--now", NOW,
         "--digest", "diversidades", "--out", out]
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    html_path = out / "2026-W47-valparaiso-diversidades.html"
    assert str(html_path) in result.stdout
    html = html_path.read_text("utf-8")
    assert "cid:" not in html and 'src="2026-W47-valparaiso-diversidades-trend.png"' in html
    assert (out / "2026-W47-valparaiso-diversidades-trend.png").is_file()
    assert (out / "2026-W47-valparaiso-diversidades.txt").is_file()
