"""Helpers for the reliability tests (imported by their modules; tests/ has no packages).

Everything runs on loopback: the Decidim simulator in this process or as a subprocess, the
``participa`` console script as a subprocess where a test kills it, and aiosmtpd for e-mail.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent / "participa"
SECRET = b"r" * 32
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
DATA_TABLES = ("spaces", "components", "proposals", "debates", "meetings", "comments",
               "counter_history", "item_departments")
#: bookkeeping columns: when a run saw a row, not what Decidim said
BOOKKEEPING = {"first_seen_at", "last_seen_at", "observed_at", "sync_run_id"}


class Clock:
    """A ``now`` that moves one second per call, from ``NOW``."""

    def __init__(self, start: datetime = NOW) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stable(value: Any) -> Any:
    """Simulators listen on different ports: URLs compare without theirs."""
    if not isinstance(value, str):
        return value
    return re.sub(r"http://127\.0\.0\.1:\d+", "http://sim", value)


def snapshot(path: Path, tables: Iterable[str] = DATA_TABLES) -> dict[str, list[dict]]:
    """The data tables of the store at ``path``, without bookkeeping columns, sorted."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        out = {}
        for table in tables:
            rows = [{k: _stable(r[k]) for k in r.keys() if k not in BOOKKEEPING}  # noqa: SIM118
                    for r in conn.execute(f"SELECT * FROM {table}")]
            out[table] = sorted(rows, key=lambda r: repr(sorted(r.items())))
        return out
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def text_columns(path: Path) -> list[str]:
    """Every non-NULL text value in every table of the store at ``path``."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        values: list[str] = []
        for table in tables:
            for row in conn.execute(f"SELECT * FROM [{table}]"):
                values += [v for v in row if isinstance(v, str)]
        return values
    finally:
        conn.close()


def write_config(folder: Path, url: str, *, extra_instance: str = "", email: str = "",
                 store: str = "participa.db") -> Path:
    """A config.toml in ``folder`` for one instance ``valpo`` at ``url``."""
    path = folder / "config.toml"
    path.write_text(
        f'[store]\npath = "{store}"\n\n'
        f'[[instances]]\nname = "valpo"\nurl = "{url}"\nrequests_per_minute = 600000\n'
        f"timeout_seconds = 5\n{extra_instance}\n"
        '[[departments]]\nslug = "mujer"\nname = "Dirección de la Mujer"\n'
        'keywords = ["mujeres", "género"]\n\n'
        '[[departments]]\nslug = "diversidades"\nname = "Diversidades y Disidencias"\n'
        'keywords = ["diversidad", "disidencias"]\n\n'
        f"{email}",
        encoding="utf-8",
    )
    return path


class SlowInbox:
    """An aiosmtpd handler that takes ``delay`` seconds to accept each message (after the
    final ``.``, like a server writing its queue file), then keeps it whatever happened to
    the client meanwhile: the realistic case where a sender dies before reading ``250``."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.data_started = 0
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        import asyncio

        self.data_started += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(envelope.content)
        return "250 2.0.0 Ok: queued"


def start_smtp(handler: Any, **kwargs: Any):
    """An aiosmtpd ``Controller`` on a free loopback port, started."""
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller


def email_section(port: int, digests: dict[str, list[str]], *, extra: str = "") -> str:
    """``[email]`` for a loopback server without TLS and one digest per name → departments."""
    text = (f'[email]\nfrom = "Ciudadanía Digital <participa@example.cl>"\n'
            f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsecurity = "none"\n'
            f"timeout_seconds = 5\n{extra}\n")
    for name, departments in digests.items():
        text += (f'[[email.digests]]\nname = "{name}"\nto = ["{name}@example.cl"]\n'
                 f"departments = {departments!r}\n\n").replace("'", '"')
    return text
