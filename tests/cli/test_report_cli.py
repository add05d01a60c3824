"""``participa report`` end to end: config → store (through sync.store.open_store) → output."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))

from report_rows import (  # noqa: E402
    comment,
    counter,
    day,
    debate,
    local,
    meeting,
    midnight,
    proposal,
    space,
    tag,
    z,
)

CONFIG = """
[store]
path = "participa.db"

[[instances]]
name = "valparaiso"
url = "https://participa.example.cl/api"

[[departments]]
slug = "mujeres"
name = "Dirección de la Mujer"
keywords = ["mujer"]

[[departments]]
slug = "vacio"
name = "Departamento sin actividad"
keywords = ["nadie"]
"""

ITEM_COLUMNS = {
    "proposals": {
        "id",
        "component_id",
        "space_type",
        "space_id",
        "title",
        "published_at",
        "author_key",
        "comments_count",
        "vote_count",
        "endorsements_count",
        "state",
        "withdrawn",
        "answered_at",
        "url",
        "removed_at",
    },
    "debates": {
        "id",
        "component_id",
        "space_type",
        "space_id",
        "title",
        "published_at",
        "author_key",
        "comments_count",
        "start_time",
        "end_time",
        "url",
        "removed_at",
    },
    "meetings": {
        "id",
        "component_id",
        "space_type",
        "space_id",
        "title",
        "published_at",
        "author_key",
        "comments_count",
        "type_of_meeting",
        "start_time",
        "end_time",
        "withdrawn",
        "url",
        "removed_at",
    },
}


def _save(db, table: str, row: dict) -> None:
    keep = ITEM_COLUMNS.get(table)
    data = {k: v for k, v in row.items() if keep is None or k in keep or k == "instance"}
    data.pop("item_type", None) if table in ITEM_COLUMNS else None
    db[table].insert(data)


@pytest.fixture
def filled(tmp_path, store):
    """The temp store (``store`` fixture, via open_store) with one week of rows."""
    end = midnight(day(7))
    rows = {
        "proposals": [
            proposal(1, z(midnight(day(0))), title='<b>"Luz"</b> para el cerro', vote_count=9),
            proposal(2, z(midnight(day(0)) - timedelta(seconds=1))),
            proposal(3, z(end - timedelta(seconds=1)), withdrawn=1),
            proposal(4, local(day(2)), removed_at=local(day(4))),
            proposal(5, local(day(-60)), title="Sin respuesta"),
        ],
        "debates": [debate(10, local(day(3)), author_key="a1")],
        "meetings": [
            meeting(20, local(day(1)), type_of_meeting="hybrid", start_time=local(day(9), 18))
        ],
    }
    for table, items in rows.items():
        for row in items:
            _save(store, table, row)
    for row in [
        comment(100, ("proposal", 1), local(day(1))),
        comment(101, ("proposal", 1), local(day(2)), parent_id=100, depth=1),
        comment(102, ("proposal", 5), local(day(5)), author_key="a1"),
    ]:
        row.update(body_text="x", component_id=1)
        store["comments"].insert(row)
    store["spaces"].insert({k: v for k, v in space(7, local(day(0))).items()})
    store["item_departments"].insert_all(
        [
            {**tag("proposal", 1, "mujeres"), "rule": "keyword:mujer"},
            {**tag("meeting", 20, "mujeres"), "rule": "keyword:mujer"},
        ]
    )
    store["counter_history"].insert_all(
        [counter("proposal", 5, local(day(-10)), 2), counter("proposal", 5, local(day(3)), 6)]
    )
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_json_report_for_a_week(filled, run_cli):
    result = run_cli(["report", "--config", filled, "--week", "2026-W47", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"] == {
        **data["period"],
        "start": "2026-11-16",
        "end": "2026-11-22",
        "timezone": "America/Santiago",
    }
    t = data["totals"]
    assert (t["new_proposals"], t["new_debates"], t["new_meetings"], t["new_spaces"]) == (
        2,
        1,
        1,
        1,
    )
    # a1 (proposal 1, debate 10, comment 102), a3 (withdrawn proposal 3), c100, c101
    assert t["new_comments"] == 3 and t["active_participants"] == 4
    mujeres, vacio = data["departments"]
    assert mujeres["slug"] == "mujeres" and mujeres["totals"]["new_comments"] == 2
    assert mujeres["totals"]["new_meetings"] == 1
    assert vacio["totals"]["new_proposals"] == 0
    assert data["untagged"]["totals"]["new_proposals"] == 1
    assert data["gains"]["votes"] == 4 and data["unanswered"]["count"] == 1


def test_default_text_report_in_spanish_with_default_week(filled, run_cli):
    now = z(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    result = run_cli(["report", "--config", filled, "--now", now])
    assert result.exit_code == 0, result.stderr
    assert "Semana 2026-W47" in result.stdout and "Participantes activos" in result.stdout
    assert '<b>"Luz"</b> para el cerro' in result.stdout  # plain text: shown, not interpreted


def test_html_to_file_with_department_filter(filled, run_cli, tmp_path):
    out = tmp_path / "semana.html"
    result = run_cli(
        [
            "report",
            "--config",
            filled,
            "--week",
            "2026-W47",
            "--department",
            "mujeres",
            "--output",
            out,
        ]
    )
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "Dirección de la Mujer" in html and "Departamento sin actividad" not in html
    assert "los departamentos elegidos" in html and "Sin departamento" not in html


def test_csv_and_markdown_and_english(filled, run_cli):
    csv_out = run_cli(["report", "-c", filled, "--week", "2026-W47", "-f", "csv"]).stdout
    assert csv_out.startswith("period_start,period_end,instance,department")
    md = run_cli(["report", "-c", filled, "--week", "2026-W47", "-f", "markdown"]).stdout
    assert r"\<b\>" in md
    en = run_cli(["report", "-c", filled, "--week", "2026-W47", "--lang", "en"]).stdout
    assert "Active participants" in en


def test_from_to_period(filled, run_cli):
    result = run_cli(
        ["report", "-c", filled, "--from", "2026-11-16", "--to", "2026-11-17", "-f", "json"]
    )
    assert json.loads(result.stdout)["totals"]["new_proposals"] == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--department", "nope"], "nope"),
        (["--week", "2026-W99"], "--week"),
        (["--from", "2026-11-16"], "--to"),
        (["--week", "2026-W47", "--from", "2026-11-16", "--to", "2026-11-17"], "no ambos"),
        (["--format", "pdf"], "--format"),
    ],
)
def test_user_mistakes_are_one_line_errors(filled, run_cli, args, message):
    result = run_cli(["report", "-c", filled, *args])
    assert result.exit_code == 1 and message in result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_missing_store_says_run_sync(tmp_path, run_cli):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    result = run_cli(["report", "-c", path])
    assert result.exit_code == 1 and "participa sync" in result.stderr
    assert not (tmp_path / "participa.db").exists()


def test_write_digest_html_for_demo(filled, store, tmp_path):
    from reports import write_digest_html
    from sync.config import load_config

    config = load_config(filled)
    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    out = write_digest_html(store, config.instances[0], config, now, tmp_path / "d" / "digest.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.slow
def test_report_matches_the_simulators_own_data(tmp_path, run_cli, simulator):
    """Sync the simulator, report a week, count the same week from ``sim.world`` directly."""
    sim, url = simulator(scale="small")
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\npath = "participa.db"\n[[instances]]\nname = "sim"\n'
        f'url = "{url}"\nrequests_per_minute = 100000\n',
        encoding="utf-8",
    )
    assert run_cli(["sync", "--config", path]).exit_code == 0
    result = run_cli(["report", "--config", path, "--week", "2026-W46", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    totals = json.loads(result.stdout)["totals"]

    world, release = sim.world, getattr(sim, "release", "0.29")
    start, end = midnight(day(-7)), midnight(day(0))

    def new(when):
        return when is not None and start <= when.astimezone(UTC) < end

    proposals = [p for p in world.visible_proposals(release) if new(p.published_at)]
    debates = [d for d in world.visible_debates(release) if new(d.created_at)]
    meetings = [m for m in world.visible_meetings(release) if new(m.created_at)]
    comments = [c for c in world.visible_comments(release) if new(c.created_at)]
    people = {p.authors[0] for p in proposals if p.authors}
    people |= {d.author for d in debates if d.author} | {c.author for c in comments}
    assert totals["new_proposals"] == len(proposals)
    assert totals["new_debates"] == len(debates)
    assert totals["new_meetings"] == len(meetings)
    assert totals["new_comments"] == len(comments)
    assert totals["active_participants"] == len(people)
