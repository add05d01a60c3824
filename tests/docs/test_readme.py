"""The README is the manual: every command is documented there, with an example."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from participa.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"


def command_paths(group: typer.Typer, prefix: str = "") -> list[str]:
    click_group = typer.main.get_command(group)
    paths = []
    for name, command in click_group.commands.items():  # type: ignore[attr-defined]
        if getattr(command, "hidden", False):
            continue
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):
            paths += [f"{path} {sub}" for sub, c in command.commands.items() if not c.hidden]
        else:
            paths.append(path)
    return paths


def test_every_command_has_a_readme_section_with_an_example():
    text = README.read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `participa ([a-z -]+)`", text, flags=re.M))
    missing = [p for p in command_paths(app) if p not in headings]
    assert not missing, f"README.md has no '### `participa …`' section for: {missing}"
    for path in command_paths(app):
        assert f"participa {path}" in text


def test_the_readme_documents_every_store_table(tmp_path):
    from sync.store import open_store

    db = open_store(tmp_path / "p.db")
    text = README.read_text(encoding="utf-8")
    for table in db.table_names():
        if table.startswith("_") or table.startswith("sqlite_"):
            continue
        assert f"| `{table}` |" in text, f"README.md does not document table {table}"
    for view in db.view_names():
        assert f"| `{view}` |" in text, f"README.md does not document view {view}"
